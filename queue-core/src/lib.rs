//! Sportello's pure domain: ids, tickets, the state machine, routing, numbering, estimates, wire types.
//!
//! Nothing here does I/O or reads a clock: time comes in as `now`, and the
//! engine *returns events* for the caller to persist and broadcast.

pub mod booking;
pub mod code;
pub mod engine;
pub mod envelope;
pub mod error;
pub mod estimate;
pub mod event;
pub mod ids;
pub mod ingest;
pub mod model;
pub mod routing;
pub mod rules;
pub mod stats;
pub mod store;
pub mod wire;

pub use engine::{Availability, Command, Engine, OpenAlert, Projections};
pub use error::QueueError;
pub use estimate::Estimate;
pub use event::{Event, EventKind};
pub use ids::{DeskId, ServiceId, SiteId, StaffId, TicketId};
pub use model::{
    Actor, ActorId, DeskState, DeskStatus, DeviceKind, JourneyStep, Priority, Role, Status, Target, Ticket,
};
pub use rules::{DeskRules, OpeningHours, Rules, ServiceRules, SiteRules};

#[cfg(test)]
mod tests;
