//! Why the engine refused a command. No storage variant: the engine never touches storage.
//!
//! Policy: one variant per reason a caller (the HTTP edge) maps to a status; each
//! message names what was refused and what to do.

use crate::ids::{DeskId, ServiceId, SiteId, TicketId};
use crate::model::Status;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    #[error("unknown site '{0}'")]
    UnknownSite(SiteId),
    #[error("unknown service '{1}' at site '{0}'")]
    UnknownService(SiteId, ServiceId),
    #[error("unknown desk '{0}'")]
    UnknownDesk(DeskId),
    #[error("unknown ticket '{0}'")]
    UnknownTicket(TicketId),
    #[error("no open alert '{0}': it may have been acknowledged already")]
    UnknownAlert(String),
    #[error("unknown staff member '{0}'")]
    UnknownStaff(String),
    #[error("ticket {number} is {from}; it cannot become {to}")]
    IllegalTransition { number: String, from: Status, to: Status },
    #[error("desk '{0}' is not open: open it first")]
    DeskNotOpen(DeskId),
    #[error("desk '{desk}' already holds ticket {number}: finish, return or hold it first")]
    DeskBusy { desk: DeskId, number: String },
    #[error("desk '{desk}' is held by {staff}: they must close it first")]
    DeskTaken { desk: DeskId, staff: String },
    #[error("{staff} already sits at desk '{desk}': close it first")]
    StaffAtOtherDesk { staff: String, desk: DeskId },
    #[error("desk '{desk}' does not serve '{service}'")]
    DeskDoesNotServe { desk: DeskId, service: ServiceId },
    #[error("service '{0}' is closed now (outside its opening hours)")]
    ServiceClosed(ServiceId),
    #[error("service '{0}' has reached its daily limit of {1} tickets")]
    DailyCapReached(ServiceId, u32),
    #[error("this site does not allow calling a ticket out of order")]
    OutOfOrderNotAllowed,
    #[error("ticket {0} is reserved for another desk or colleague")]
    ReservedElsewhere(String),
    /// The actor may not do this here (another site, another desk's ticket, a role too low).
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(String),
    /// Undo refused: nothing to undo (too late, the desk called someone since, not its last close).
    #[error("{0}")]
    NothingToUndo(String),
}

impl QueueError {
    /// A stable machine-readable code for the HTTP error body.
    pub fn code(&self) -> &'static str {
        match self {
            QueueError::UnknownSite(_) => "unknown_site",
            QueueError::UnknownService(..) => "unknown_service",
            QueueError::UnknownDesk(_) => "unknown_desk",
            QueueError::UnknownTicket(_) => "unknown_ticket",
            QueueError::UnknownStaff(_) => "unknown_staff",
            QueueError::UnknownAlert(_) => "unknown_alert",
            QueueError::IllegalTransition { .. } => "illegal_transition",
            QueueError::DeskNotOpen(_) => "desk_not_open",
            QueueError::DeskBusy { .. } => "desk_busy",
            QueueError::DeskTaken { .. } => "desk_taken",
            QueueError::StaffAtOtherDesk { .. } => "staff_at_other_desk",
            QueueError::DeskDoesNotServe { .. } => "desk_does_not_serve",
            QueueError::ServiceClosed(_) => "service_closed",
            QueueError::DailyCapReached(..) => "daily_cap_reached",
            QueueError::OutOfOrderNotAllowed => "out_of_order_not_allowed",
            QueueError::ReservedElsewhere(_) => "reserved_elsewhere",
            QueueError::Forbidden(_) => "forbidden",
            QueueError::Invalid(_) => "invalid_request",
            QueueError::NothingToUndo(_) => "nothing_to_undo",
        }
    }
}
