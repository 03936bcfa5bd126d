//! Events: every change of a ticket or desk, appended in order. State and statistics derive from them.

use crate::ids::{DeskId, ServiceId, SiteId, StaffId, TicketId};
use crate::model::{ActorId, Ticket};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// One appended event. The storage gives it its sequence number (the SSE id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub at: Timestamp,
    pub site: SiteId,
    /// Who caused it (absent in events stored before actors were recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<ActorId>,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened. The tag is the SSE event name (desk events travel as `desk.updated`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum EventKind {
    #[serde(rename = "ticket.issued")]
    TicketIssued { ticket: Box<Ticket> },
    #[serde(rename = "ticket.called")]
    TicketCalled { ticket: TicketId, desk: DeskId, staff: StaffId, out_of_order: bool },
    #[serde(rename = "ticket.recalled")]
    TicketRecalled { ticket: TicketId },
    #[serde(rename = "ticket.serving")]
    TicketServing { ticket: TicketId },
    #[serde(rename = "ticket.done")]
    TicketDone { ticket: TicketId },
    #[serde(rename = "ticket.no_show")]
    TicketNoShow { ticket: TicketId },
    #[serde(rename = "ticket.cancelled")]
    TicketCancelled { ticket: TicketId },
    #[serde(rename = "ticket.on_hold")]
    TicketOnHold { ticket: TicketId },
    /// Back to the waiting queue: from called/serving (returned) or from on hold (resumed).
    /// `target_desk` reserves it for that desk (a held ticket goes back to the desk that parked it).
    #[serde(rename = "ticket.returned")]
    TicketReturned { ticket: TicketId, keep_position: bool, target_desk: Option<DeskId> },
    /// Undo of the desk's last Finish or No-show (`Command::Undo`): the ticket is back at `desk` in
    /// `status` (`serving` after a finish, `called` after a no-show), as if it had not been closed.
    #[serde(rename = "ticket.reopened")]
    TicketReopened { ticket: TicketId, desk: DeskId, status: crate::model::Status },
    /// The day ended with the ticket still waiting or on hold (`Command::CloseDay`).
    #[serde(rename = "ticket.expired")]
    TicketExpired { ticket: TicketId },
    #[serde(rename = "ticket.transferred")]
    TicketTransferred {
        ticket: TicketId,
        from_service: ServiceId,
        service: ServiceId,
        desk: Option<DeskId>,
        staff: Option<StaffId>,
        keep_position: bool,
    },
    #[serde(rename = "desk.opened")]
    DeskOpened { desk: DeskId, staff: StaffId, languages: Vec<String>, professions: Vec<String> },
    #[serde(rename = "desk.paused")]
    DeskPaused { desk: DeskId },
    #[serde(rename = "desk.closed")]
    DeskClosed { desk: DeskId },
    /// Staff need to look (the kiosk's "I need help now", a printer failure). Never shown to displays.
    #[serde(rename = "alert.raised")]
    AlertRaised { alert: Alert },
    /// A staff member took the alert ("I'm going"): the actor of the event.
    #[serde(rename = "alert.acknowledged")]
    AlertAcknowledged { alert: String },
    /// The expiry of the site's closing at `closing` ran (tickets waiting then expired, unless the
    /// site keeps its queue overnight). Staff streams only.
    #[serde(rename = "day.closed")]
    DayClosed { closing: Timestamp },
    /// Staff lifted a service's daily cap for its day (`day` is the site-local day it holds for).
    #[serde(rename = "service.cap_lifted")]
    CapLifted { service: ServiceId, day: jiff::civil::Date },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    /// Names the alert until it is acknowledged (`POST /api/v1/alerts/{id}/ack`). Empty in alerts
    /// stored before alerts were kept open (those are history only).
    #[serde(default)]
    pub id: String,
    /// `help_requested`, `printer_failure`, `kiosk_flood`, `other`.
    pub kind: String,
    /// Who raised it: a device id or a username.
    pub source: String,
    pub message: String,
    /// The ticket concerned, where there is one (e.g. the ticket that could not be printed).
    pub ticket_number: Option<String>,
}

impl EventKind {
    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::TicketIssued { .. } => "ticket.issued",
            EventKind::TicketCalled { .. } => "ticket.called",
            EventKind::TicketRecalled { .. } => "ticket.recalled",
            EventKind::TicketServing { .. } => "ticket.serving",
            EventKind::TicketDone { .. } => "ticket.done",
            EventKind::TicketNoShow { .. } => "ticket.no_show",
            EventKind::TicketCancelled { .. } => "ticket.cancelled",
            EventKind::TicketOnHold { .. } => "ticket.on_hold",
            EventKind::TicketReturned { .. } => "ticket.returned",
            EventKind::TicketTransferred { .. } => "ticket.transferred",
            EventKind::TicketExpired { .. } => "ticket.expired",
            EventKind::TicketReopened { .. } => "ticket.reopened",
            EventKind::DeskOpened { .. } | EventKind::DeskPaused { .. } | EventKind::DeskClosed { .. } => {
                "desk.updated"
            }
            EventKind::AlertRaised { .. } => "alert.raised",
            EventKind::AlertAcknowledged { .. } => "alert.acknowledged",
            EventKind::DayClosed { .. } => "day.closed",
            EventKind::CapLifted { .. } => "service.cap_lifted",
        }
    }

    /// The ticket this event is about, if any.
    pub fn ticket_id(&self) -> Option<&TicketId> {
        match self {
            EventKind::TicketIssued { ticket } => Some(&ticket.id),
            EventKind::TicketCalled { ticket, .. }
            | EventKind::TicketRecalled { ticket }
            | EventKind::TicketServing { ticket }
            | EventKind::TicketDone { ticket }
            | EventKind::TicketNoShow { ticket }
            | EventKind::TicketCancelled { ticket }
            | EventKind::TicketOnHold { ticket }
            | EventKind::TicketReturned { ticket, .. }
            | EventKind::TicketExpired { ticket }
            | EventKind::TicketReopened { ticket, .. }
            | EventKind::TicketTransferred { ticket, .. } => Some(ticket),
            _ => None,
        }
    }

    /// The desk this event is about, if any.
    pub fn desk_id(&self) -> Option<&DeskId> {
        match self {
            EventKind::TicketCalled { desk, .. }
            | EventKind::TicketReopened { desk, .. }
            | EventKind::DeskOpened { desk, .. }
            | EventKind::DeskPaused { desk }
            | EventKind::DeskClosed { desk } => Some(desk),
            _ => None,
        }
    }
}
