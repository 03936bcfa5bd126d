//! The domain model: priority classes, ticket states, tickets with their journey, desks.

use crate::ids::{DeskId, ServiceId, SiteId, StaffId, TicketId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Priority class, lowest first; `Ord` follows the routing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    #[default]
    Standard,
    /// A configured target group (families with young children, disability, pregnancy…).
    Priority,
    /// An appointment, once it is due.
    Appointment,
    /// Set by staff only.
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::Standard, Priority::Priority, Priority::Appointment, Priority::Urgent];

    /// One class up (aging); `Urgent` stays.
    pub fn promoted(self) -> Priority {
        match self {
            Priority::Standard => Priority::Priority,
            Priority::Priority => Priority::Appointment,
            Priority::Appointment | Priority::Urgent => Priority::Urgent,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Standard => "standard",
            Priority::Priority => "priority",
            Priority::Appointment => "appointment",
            Priority::Urgent => "urgent",
        }
    }
}

/// Ticket state. The transitions are drawn in `docs/domain.md`; `Engine` enforces them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Waiting,
    Called,
    Serving,
    OnHold,
    Done,
    NoShow,
    Cancelled,
    /// Still waiting (or on hold) when the site closed: the day ended without serving it. Counted
    /// in statistics as not served, never as a no-show.
    Expired,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Waiting,
        Status::Called,
        Status::Serving,
        Status::OnHold,
        Status::Done,
        Status::NoShow,
        Status::Cancelled,
        Status::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Waiting => "waiting",
            Status::Called => "called",
            Status::Serving => "serving",
            Status::OnHold => "on_hold",
            Status::Done => "done",
            Status::NoShow => "no_show",
            Status::Cancelled => "cancelled",
            Status::Expired => "expired",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
    /// Done, no-show, cancelled and expired tickets never change again.
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Done | Status::NoShow | Status::Cancelled | Status::Expired)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a visit: the service the ticket was queued in, from when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JourneyStep {
    pub service: ServiceId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub at: Timestamp,
}

/// A ticket reserved for one desk and/or one staff member until `since + fallback`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    pub desk: Option<DeskId>,
    pub staff: Option<StaffId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub since: Timestamp,
}

/// One visit of one person or household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: TicketId,
    /// Human number: service prefix + daily sequence, e.g. `A023`.
    pub number: String,
    /// The daily sequence behind `number`.
    pub seq: u32,
    /// The site-local day the number belongs to.
    pub day: Date,
    pub site: SiteId,
    /// The service the ticket is queued in now (the last journey step).
    pub service: ServiceId,
    pub status: Status,
    pub priority: Priority,
    /// Due time of an appointment; before it, an appointment ranks as standard.
    pub appointment_at: Option<Timestamp>,
    pub language: String,
    pub party_size: u32,
    pub needs: Vec<String>,
    pub issued_at: Timestamp,
    /// FIFO key: arrival time, kept by keep-position transfers, holds and returns.
    pub queued_at: Timestamp,
    /// The desk that called it (called, serving, on hold).
    pub desk: Option<DeskId>,
    pub staff: Option<StaffId>,
    pub target: Option<Target>,
    pub called_at: Option<Timestamp>,
    /// When it was last put on hold (the desk page's "parked for").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_at: Option<Timestamp>,
    pub recalls: u32,
    /// The estimate given at issue (`None`: no desk was open); measured against the first wait.
    pub estimated_wait_s: Option<u32>,
    /// The target wait of its service when it was issued, seconds: the service level measures the
    /// ticket against it, however the configuration changes later (absent in tickets from before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_wait_s: Option<u32>,
    pub journey: Vec<JourneyStep>,
}

impl Ticket {
    /// Languages a mediator is needed for (`needs` entries `mediator:L`).
    pub fn mediator_languages(&self) -> impl Iterator<Item = &str> {
        self.needs.iter().filter_map(|n| n.strip_prefix("mediator:"))
    }

    /// The second professional an appointment was booked with (need `with:USERNAME`, set by the
    /// server from the booking, never by a kiosk): the ticket is called when they are free too.
    pub fn second_professional(&self) -> Option<&str> {
        self.needs.iter().find_map(|n| n.strip_prefix("with:"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeskStatus {
    Closed,
    Open,
    Paused,
}

/// A desk now: who sits there, what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskState {
    pub id: DeskId,
    pub site: SiteId,
    pub status: DeskStatus,
    pub staff: Option<StaffId>,
    /// Languages the staff member at the desk speaks (mediator preference).
    pub languages: Vec<String>,
    /// Professional roles of the staff member at the desk (empty: serves every service of the desk).
    pub professions: Vec<String>,
    pub current: Option<TicketId>,
    pub since: Option<Timestamp>,
    /// Appointments (due when called) this desk called in a row, since its last call of any other
    /// ticket: the walk-in guard's count (`routing`, rule 2a). A held ticket called back does not count.
    #[serde(default)]
    pub appointment_streak: u32,
    /// The ticket the desk last finished or marked a no-show, as it was just before, and when: what
    /// `Command::Undo` puts back (within `engine::UNDO_WINDOW`, while the desk called nobody since).
    /// Kept until the next close at this desk or the desk closes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_closed: Option<Closed>,
}

/// A ticket a desk closed (finished or no-show), as it was just before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closed {
    pub ticket: Box<Ticket>,
    pub at: Timestamp,
}

/// A staff member's role: what they may do beyond their own desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Staff,
    Manager,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "staff" => Some(Role::Staff),
            "manager" => Some(Role::Manager),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Kiosk,
    Display,
}

/// Who asks for a change. The engine decides with it (may they?) and records it with every event
/// the change causes (who did what: the audit trail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Staff {
        id: StaffId,
        role: Role,
        /// The sites the account belongs to; empty means every site (admins).
        sites: Vec<SiteId>,
    },
    Device {
        id: String,
        site: SiteId,
        kind: DeviceKind,
    },
    /// The server itself (time-based housekeeping).
    System,
}

impl Actor {
    /// The actor as events record it.
    pub fn id(&self) -> ActorId {
        match self {
            Actor::Staff { id, .. } => ActorId::Staff(id.clone()),
            Actor::Device { id, .. } => ActorId::Device(id.clone()),
            Actor::System => ActorId::System,
        }
    }
    /// A staff member who belongs to `site` (admins with no sites listed belong to every site).
    pub fn is_staff_of(&self, site: &SiteId) -> bool {
        match self {
            Actor::Staff { role, sites, .. } => sites.contains(site) || (sites.is_empty() && *role == Role::Admin),
            _ => false,
        }
    }
    /// The staff member's id, if the actor is one.
    pub fn staff_id(&self) -> Option<&StaffId> {
        match self {
            Actor::Staff { id, .. } => Some(id),
            _ => None,
        }
    }
    pub fn role(&self) -> Option<Role> {
        match self {
            Actor::Staff { role, .. } => Some(*role),
            _ => None,
        }
    }
}

/// Who caused an event, as stored: `staff:giulia`, `device:kiosk-3f2a`, `system`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum ActorId {
    Staff(StaffId),
    Device(String),
    System,
}

impl fmt::Display for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActorId::Staff(s) => write!(f, "staff:{s}"),
            ActorId::Device(d) => write!(f, "device:{d}"),
            ActorId::System => f.write_str("system"),
        }
    }
}

impl From<ActorId> for String {
    fn from(a: ActorId) -> String {
        a.to_string()
    }
}

impl TryFrom<String> for ActorId {
    type Error = String;
    fn try_from(s: String) -> Result<ActorId, String> {
        match s.split_once(':') {
            Some(("staff", id)) if !id.is_empty() => Ok(ActorId::Staff(StaffId::from(id))),
            Some(("device", id)) if !id.is_empty() => Ok(ActorId::Device(id.to_owned())),
            None if s == "system" => Ok(ActorId::System),
            _ => Err(format!("'{s}' is not an actor (staff:NAME, device:ID or system)")),
        }
    }
}

/// Format a ticket number: prefix and at least three digits (`A007`, `A1000`).
pub fn format_number(prefix: char, seq: u32) -> String {
    format!("{prefix}{seq:03}")
}
