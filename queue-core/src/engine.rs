//! The queue engine: validates a command against the state, returns its events, applies them.
//!
//! `execute` checks everything before it changes anything, so a refused command
//! leaves the state untouched. `apply` is the only code that changes state, and
//! replaying stored events through it rebuilds exactly the same state.

use crate::error::QueueError;
use crate::estimate::{DeskLoad, Estimate, Inputs, Learned};
use crate::event::{Alert, Event, EventKind};
use crate::ids::{DeskId, ServiceId, SiteId, StaffId, TicketId};
use crate::model::{
    Actor, DeskState, DeskStatus, DeviceKind, JourneyStep, Priority, Status, Target, Ticket, format_number,
};
use crate::routing::{Ctx, WaitingIndex, may_serve, reservation_active, reserved_for};
use crate::rules::{Rules, SiteRules};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use std::collections::{BTreeMap, VecDeque};

/// How many recent service times per service feed the estimate.
const RECENT_SERVICE_TIMES: usize = 20;
/// Largest household on one ticket.
pub const MAX_PARTY_SIZE: u32 = 30;

/// A request to change the queues. Ids and times of new tickets come from the caller.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Issue(IssueTicket),
    /// An appointment check-in (the server checked the booking's code): an `appointment` ticket
    /// due at `appointment_at`. Unlike `Issue`, a kiosk of the site may send it, so the ticket's
    /// event records the kiosk the visitor used.
    CheckIn(IssueTicket),
    OpenDesk {
        desk: DeskId,
        staff: StaffId,
        languages: Vec<String>,
        professions: Vec<String>,
    },
    PauseDesk {
        desk: DeskId,
    },
    CloseDesk {
        desk: DeskId,
    },
    /// Call the next ticket by policy, or `ticket` out of order where the site allows it.
    CallNext {
        desk: DeskId,
        ticket: Option<TicketId>,
    },
    Recall {
        ticket: TicketId,
    },
    Start {
        ticket: TicketId,
    },
    Finish {
        ticket: TicketId,
    },
    NoShow {
        ticket: TicketId,
    },
    Cancel {
        ticket: TicketId,
    },
    Hold {
        ticket: TicketId,
    },
    /// Back to the queue (from called/serving), or resume a held ticket.
    Return {
        ticket: TicketId,
        keep_position: bool,
    },
    Transfer {
        ticket: TicketId,
        service: Option<ServiceId>,
        desk: Option<DeskId>,
        staff: Option<StaffId>,
        keep_position: bool,
    },
    /// Take back the desk's last Finish or No-show (done → serving, no_show → called, at the same
    /// desk) within `UNDO_WINDOW`, while the desk is open and has called nobody since.
    Undo {
        ticket: TicketId,
    },
    /// Call a held ticket back (on_hold → called) to `desk`, by default the desk that parked it.
    Resume {
        ticket: TicketId,
        desk: Option<DeskId>,
    },
    /// Raise an alert; `alert.id` (unique, from the caller) names it until it is acknowledged.
    RaiseAlert {
        site: SiteId,
        alert: Alert,
    },
    /// "I'm going": a staff member of the alert's site takes it; it leaves every staff page.
    AckAlert {
        alert: String,
    },
    /// Lift a service's daily cap for the rest of its current day (staff of the site).
    LiftCap {
        site: SiteId,
        service: ServiceId,
    },
    /// End the day where it is due (`Engine::close_day`): tickets still waiting or on hold when the
    /// site closed expire, unless the site keeps its queue overnight. Sent by the server's clock.
    CloseDay {
        site: SiteId,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct IssueTicket {
    pub id: TicketId,
    pub site: SiteId,
    pub service: ServiceId,
    pub priority: Priority,
    pub appointment_at: Option<Timestamp>,
    pub language: String,
    pub party_size: u32,
    pub needs: Vec<String>,
}

/// A service's numbering for its current day: the last number given, the sequence the day started
/// after (`base`: 0, unless tickets of an earlier day were still open, whose numbers the day does not
/// give again), the tickets of that day that were cancelled (they give their place under the daily
/// cap back), and whether staff lifted the cap for that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub day: Date,
    pub last: u32,
    pub base: u32,
    pub given_back: u32,
    pub cap_lifted: bool,
}

impl Counter {
    pub fn new(day: Date, last: u32) -> Counter {
        Counter { day, last, base: 0, given_back: 0, cap_lifted: false }
    }
    /// Tickets given on the counter's day.
    pub fn issued(&self) -> u32 {
        self.last.saturating_sub(self.base)
    }
}

/// An alert raised and not yet acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpenAlert {
    pub site: SiteId,
    pub alert: Alert,
    pub raised_at: Timestamp,
}

/// What the server stores besides the events, to start again without a replay
/// (`Engine::restore`); replaying the events gives exactly the same state.
#[derive(Debug, Clone, Default)]
pub struct Projections {
    pub tickets: Vec<Ticket>,
    pub desks: Vec<DeskState>,
    pub counters: BTreeMap<(SiteId, ServiceId), Counter>,
    pub service_times: BTreeMap<(SiteId, ServiceId), VecDeque<u32>>,
    pub alerts: Vec<OpenAlert>,
    /// Per site, the last closing whose expiry ran.
    pub day_closed: BTreeMap<SiteId, Timestamp>,
}

/// The state that events build. Two engines fed the same events compare equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// Tickets that can still change (not done, no-show or cancelled).
    pub tickets: BTreeMap<TicketId, Ticket>,
    pub desks: BTreeMap<DeskId, DeskState>,
    /// Numbering per site and service (of the service a ticket was first issued for).
    pub counters: BTreeMap<(SiteId, ServiceId), Counter>,
    /// Recent called→done durations per service, in seconds.
    pub service_times: BTreeMap<(SiteId, ServiceId), VecDeque<u32>>,
    pub index: WaitingIndex,
    /// Alerts not yet acknowledged, by id.
    pub alerts: BTreeMap<String, OpenAlert>,
    /// Per site, the last closing whose expiry ran (`day.closed`).
    pub day_closed: BTreeMap<SiteId, Timestamp>,
}

#[derive(Debug, Clone)]
pub struct Engine {
    rules: Rules,
    state: State,
    /// Open desks per site and service that may serve it (derived from `state.desks`; refreshed
    /// when a desk opens, pauses or closes, so estimates and queue figures need not count them).
    open_desks: BTreeMap<(SiteId, ServiceId), u32>,
    /// The desks that serve each service, with the service's place in the desk's order (from the
    /// rules; the estimator walks these instead of every desk).
    desks_by_service: BTreeMap<(SiteId, ServiceId), Vec<(DeskId, usize)>>,
    /// What the estimator learned from the events (arrival rates, call delays); not `State`.
    learned: Learned,
}

/// Whether a service takes new tickets now (the one rule, used by issuing and by what kiosks show).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    Open,
    /// Outside its opening hours; `opens_at` is the next opening within a week, if any.
    Closed {
        opens_at: Option<Timestamp>,
    },
    /// Its daily cap is reached for today.
    Full {
        cap: u32,
    },
}

/// Queue figures for one service (the `queues` route and `queue.updated`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceQueue {
    pub service: ServiceId,
    pub waiting: u32,
    pub longest_wait_s: u32,
    /// `None` when no desk that may serve it is open.
    pub estimated_wait_s: Option<u32>,
    /// Low and high end, where the estimate is uncertain.
    pub estimated_wait_range_s: Option<(u32, u32)>,
    pub open_desks: u32,
}

/// How long after a Finish or No-show its desk may undo it (`Command::Undo`). The desk page offers
/// Undo for 10 seconds; the rest is a margin for a slow network.
pub const UNDO_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_secs(15);

impl Engine {
    pub fn new(rules: Rules) -> Engine {
        let mut state = State::default();
        for d in rules.desks.values() {
            state.desks.insert(
                d.id.clone(),
                DeskState {
                    id: d.id.clone(),
                    site: d.site.clone(),
                    status: DeskStatus::Closed,
                    staff: None,
                    languages: vec![],
                    professions: vec![],
                    current: None,
                    since: None,
                    last_closed: None,
                    appointment_streak: 0,
                },
            );
        }
        let mut desks_by_service: BTreeMap<(SiteId, ServiceId), Vec<(DeskId, usize)>> = BTreeMap::new();
        for d in rules.desks.values() {
            for (rank, service) in d.services.iter().enumerate() {
                desks_by_service.entry((d.site.clone(), service.clone())).or_default().push((d.id.clone(), rank));
            }
        }
        let mut engine =
            Engine { rules, state, open_desks: BTreeMap::new(), desks_by_service, learned: Learned::default() };
        engine.count_open_desks();
        engine
    }

    /// Recount `open_desks` from the desks' states.
    fn count_open_desks(&mut self) {
        let mut counts = BTreeMap::new();
        for d in self.state.desks.values().filter(|d| d.status == DeskStatus::Open) {
            let Some(rules) = self.rules.desk(&d.id) else { continue };
            for service in &rules.services {
                if self.rules.service(&d.site, service).is_some_and(|svc| may_serve(d, svc)) {
                    *counts.entry((d.site.clone(), service.clone())).or_insert(0) += 1;
                }
            }
        }
        self.open_desks = counts;
    }

    /// Rebuild an engine from stored projections (start-up). Desks that are no longer
    /// configured are dropped; new ones start closed.
    pub fn restore(rules: Rules, p: Projections) -> Engine {
        let mut engine = Engine::new(rules);
        for d in p.desks {
            if let Some(slot) = engine.state.desks.get_mut(&d.id) {
                *slot = d;
            }
        }
        for t in p.tickets {
            if t.status == Status::Waiting {
                engine.state.index.insert(&t);
            }
            engine.state.tickets.insert(t.id.clone(), t);
        }
        engine.state.counters = p.counters;
        engine.state.service_times = p.service_times;
        engine.state.alerts = p.alerts.into_iter().map(|a| (a.alert.id.clone(), a)).collect();
        engine.state.day_closed = p.day_closed;
        engine.count_open_desks();
        engine
    }

    /// The state as projections (what `restore` takes back).
    pub fn projections(&self) -> Projections {
        let s = &self.state;
        Projections {
            tickets: s.tickets.values().cloned().collect(),
            desks: s.desks.values().cloned().collect(),
            counters: s.counters.clone(),
            service_times: s.service_times.clone(),
            alerts: s.alerts.values().cloned().collect(),
            day_closed: s.day_closed.clone(),
        }
    }

    /// Alerts of a site not yet acknowledged, oldest first.
    pub fn open_alerts<'a>(&'a self, site: &'a SiteId) -> impl Iterator<Item = &'a OpenAlert> + 'a {
        let mut v: Vec<&OpenAlert> = self.state.alerts.values().filter(|a| &a.site == site).collect();
        v.sort_by(|a, b| (a.raised_at, &a.alert.id).cmp(&(b.raised_at, &b.alert.id)));
        v.into_iter()
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }
    pub fn state(&self) -> &State {
        &self.state
    }
    pub fn ticket(&self, id: &TicketId) -> Option<&Ticket> {
        self.state.tickets.get(id)
    }
    pub fn desk(&self, id: &DeskId) -> Option<&DeskState> {
        self.state.desks.get(id)
    }
    pub fn desks(&self) -> impl Iterator<Item = &DeskState> {
        self.state.desks.values()
    }
    pub fn tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.state.tickets.values()
    }

    fn ctx(&self, now: Timestamp) -> Ctx<'_> {
        Ctx {
            rules: &self.rules,
            tickets: &self.state.tickets,
            desks: &self.state.desks,
            index: &self.state.index,
            now,
        }
    }

    /// Validate `cmd` from `actor` (may they? is it legal now?) and return the events it causes,
    /// already applied, each recording its actor. On error nothing has changed.
    pub fn execute(&mut self, cmd: Command, actor: &Actor, now: Timestamp) -> Result<Vec<Event>, QueueError> {
        self.authorize(&cmd, actor)?;
        let mut events = self.decide(cmd, now)?;
        for e in &mut events {
            e.actor = Some(actor.id());
        }
        for e in &events {
            self.apply(e);
        }
        Ok(events)
    }

    fn active(&self, id: &TicketId) -> Result<&Ticket, QueueError> {
        self.state.tickets.get(id).ok_or_else(|| QueueError::UnknownTicket(id.clone()))
    }

    fn transition(&self, id: &TicketId, from: &[Status], to: Status) -> Result<&Ticket, QueueError> {
        let t = self.active(id)?;
        if from.contains(&t.status) {
            Ok(t)
        } else {
            Err(QueueError::IllegalTransition { number: t.number.clone(), from: t.status, to })
        }
    }

    /// The desk whose last close was `ticket`, and that close.
    pub fn closed_at(&self, ticket: &TicketId) -> Option<(&DeskState, &crate::model::Closed)> {
        self.state
            .desks
            .values()
            .find_map(|d| d.last_closed.as_ref().filter(|c| &c.ticket.id == ticket).map(|c| (d, c)))
    }

    fn nothing_to_undo(&self, ticket: &TicketId) -> QueueError {
        let what = self.state.tickets.get(ticket).map_or_else(
            || format!("ticket '{ticket}' has nothing to undo"),
            |t| format!("ticket {} is {}: there is nothing to undo", t.number, t.status),
        );
        QueueError::NothingToUndo(format!(
            "{what} (only a desk's last Finish or No-show can be undone, within {} seconds, before it calls anyone \
             else)",
            UNDO_WINDOW.as_secs()
        ))
    }

    fn desk_rules(&self, id: &DeskId) -> Result<(&crate::rules::DeskRules, &DeskState), QueueError> {
        match (self.rules.desk(id), self.state.desks.get(id)) {
            (Some(r), Some(s)) => Ok((r, s)),
            _ => Err(QueueError::UnknownDesk(id.clone())),
        }
    }

    /// May `actor` do `cmd`? The rule (`docs/domain.md`, "Who may do what"):
    /// - a kiosk issues `standard`/`priority` tickets, checks appointments in (`CheckIn`) and raises
    ///   alerts at its own site; a display
    ///   changes nothing;
    /// - staff act only at the sites their account belongs to (admins listed with no site: all):
    ///   issue any class, raise alerts, open a desk as themselves;
    /// - a desk (pause, close, call next) and the ticket it holds (called, serving, or parked on hold
    ///   there) belong to the staff member sitting at it;
    /// - staff of the site with at least the site's `any_ticket_role` (a coordinator) may act on any
    ///   desk and ticket of the site (cancel a waiting ticket, finish one left at a desk).
    ///
    /// Unknown desks and tickets are reported as such first (`UnknownDesk`, `UnknownTicket`).
    fn authorize(&self, cmd: &Command, actor: &Actor) -> Result<(), QueueError> {
        let who = || match actor {
            Actor::Staff { id, .. } => id.to_string(),
            Actor::Device { id, .. } => format!("device {id}"),
            Actor::System => "the server".into(),
        };
        let staff_of = |site: &SiteId| -> Result<(), QueueError> {
            match actor {
                Actor::Staff { .. } if actor.is_staff_of(site) => Ok(()),
                Actor::Staff { id, .. } => Err(QueueError::Forbidden(format!("{id} does not work at site '{site}'"))),
                Actor::Device { .. } => Err(QueueError::Forbidden("devices cannot do this; log in as staff".into())),
                Actor::System => Ok(()),
            }
        };
        let coordinator = |site: &SiteId| {
            matches!(actor, Actor::System)
                || (actor.is_staff_of(site)
                    && self.rules.site(site).is_some_and(|s| actor.role().is_some_and(|r| r >= s.any_ticket_role)))
        };
        let role = |site: &SiteId| self.rules.site(site).map_or("manager", |s| s.any_ticket_role.as_str());
        // The desk's holder, or a coordinator of its site. A desk nobody holds is anybody's of the
        // site to open; its tickets (parked there) are a coordinator's.
        let at_desk = |desk: &DeskId, ticket: Option<&Ticket>| -> Result<(), QueueError> {
            let (dr, d) = self.desk_rules(desk)?;
            staff_of(&dr.site)?;
            let holder = d.staff.as_ref();
            if (holder.is_some() && holder == actor.staff_id()) || coordinator(&dr.site) {
                return Ok(());
            }
            let what = ticket.map_or_else(
                || format!("desk '{desk}' is held by"),
                |t| format!("ticket {} is at desk '{desk}', held by", t.number),
            );
            match (holder, ticket) {
                (None, None) => Ok(()),
                (Some(holder), _) => Err(QueueError::Forbidden(format!(
                    "{what} {holder}: only they, or a colleague of the site with the {} role, may do this ({} \
                     may not)",
                    role(&dr.site),
                    who()
                ))),
                (None, Some(t)) => Err(QueueError::Forbidden(format!(
                    "ticket {} is at desk '{desk}', which nobody holds now: a colleague of the site with the {} role \
                     may do this",
                    t.number,
                    role(&dr.site)
                ))),
            }
        };
        match cmd {
            Command::Issue(req) => match actor {
                Actor::Device { site, kind: DeviceKind::Kiosk, .. } if site == &req.site => {
                    if req.priority > Priority::Priority {
                        Err(QueueError::Forbidden("a kiosk may only issue 'standard' or 'priority' tickets".into()))
                    } else {
                        Ok(())
                    }
                }
                Actor::Device { site, kind: DeviceKind::Kiosk, .. } => {
                    Err(QueueError::Forbidden(format!("this kiosk belongs to site '{site}'")))
                }
                Actor::Device { .. } => Err(QueueError::Forbidden("a display cannot issue tickets".into())),
                _ => staff_of(&req.site),
            },
            Command::CheckIn(req) => match actor {
                Actor::Device { site, kind: DeviceKind::Kiosk, .. } if site == &req.site => Ok(()),
                Actor::Device { site, kind: DeviceKind::Kiosk, .. } => {
                    Err(QueueError::Forbidden(format!("this kiosk belongs to site '{site}'")))
                }
                Actor::Device { .. } => Err(QueueError::Forbidden("a display cannot issue tickets".into())),
                _ => staff_of(&req.site),
            },
            Command::LiftCap { site, .. } => staff_of(site),
            Command::AckAlert { alert } => {
                let a = self.state.alerts.get(alert).ok_or_else(|| QueueError::UnknownAlert(alert.clone()))?;
                staff_of(&a.site)
            }
            Command::CloseDay { site } => {
                staff_of(site)?;
                if coordinator(site) {
                    Ok(())
                } else {
                    Err(QueueError::Forbidden(format!(
                        "only the server's clock, or a colleague of the site with the {} role, may end the day",
                        role(site)
                    )))
                }
            }
            Command::RaiseAlert { site, .. } => match actor {
                Actor::Device { site: own, kind: DeviceKind::Kiosk, .. } if own == site => Ok(()),
                Actor::Device { site: own, .. } => Err(QueueError::Forbidden(format!(
                    "this device belongs to site '{own}' and cannot raise alerts here"
                ))),
                _ => staff_of(site),
            },
            Command::OpenDesk { desk, staff, .. } => {
                let (dr, _) = self.desk_rules(desk)?;
                staff_of(&dr.site)?;
                if actor.staff_id() != Some(staff) && !matches!(actor, Actor::System) {
                    return Err(QueueError::Forbidden(format!("{} cannot open a desk as {staff}", who())));
                }
                Ok(())
            }
            Command::PauseDesk { desk } | Command::CloseDesk { desk } | Command::CallNext { desk, .. } => {
                at_desk(desk, None)
            }
            Command::Undo { ticket } => {
                // Only staff, then only the desk's holder (or a coordinator of the site).
                if !matches!(actor, Actor::Staff { .. } | Actor::System) {
                    return Err(QueueError::Forbidden("devices cannot do this; log in as staff".into()));
                }
                let (d, c) = self.closed_at(ticket).ok_or_else(|| self.nothing_to_undo(ticket))?;
                staff_of(&c.ticket.site)?;
                at_desk(&d.id, Some(&c.ticket))
            }
            Command::Recall { ticket }
            | Command::Start { ticket }
            | Command::Finish { ticket }
            | Command::NoShow { ticket }
            | Command::Cancel { ticket }
            | Command::Hold { ticket }
            | Command::Return { ticket, .. }
            | Command::Resume { ticket, .. }
            | Command::Transfer { ticket, .. } => {
                let t = self.active(ticket)?;
                staff_of(&t.site)?;
                match &t.desk {
                    Some(d) if t.status != Status::Waiting => at_desk(d, Some(t))?,
                    _ if coordinator(&t.site) => {}
                    _ => {
                        return Err(QueueError::Forbidden(format!(
                            "ticket {} is waiting, at no desk: only a colleague of the site with the {} role may do \
                             this",
                            t.number,
                            role(&t.site)
                        )));
                    }
                }
                // Calling a held ticket back to another desk: that desk must be the actor's too.
                if let Command::Resume { desk: Some(d), .. } = cmd
                    && t.desk.as_ref() != Some(d)
                {
                    at_desk(d, None)?;
                }
                Ok(())
            }
        }
    }

    fn decide(&self, cmd: Command, now: Timestamp) -> Result<Vec<Event>, QueueError> {
        let ev = |site: &SiteId, kind: EventKind| Event { at: now, site: site.clone(), actor: None, kind };
        let ticket_ev = |t: &Ticket, kind: EventKind| vec![ev(&t.site, kind)];
        match cmd {
            Command::CheckIn(req) if req.priority != Priority::Appointment || req.appointment_at.is_none() => {
                Err(QueueError::Invalid("a check-in issues an 'appointment' ticket with its booked time".into()))
            }
            Command::Issue(req) | Command::CheckIn(req) => {
                let t = self.new_ticket(req, now)?;
                Ok(vec![ev(&t.site.clone(), EventKind::TicketIssued { ticket: Box::new(t) })])
            }
            Command::OpenDesk { desk, staff, languages, professions } => {
                let (_, d) = self.desk_rules(&desk)?;
                if let Some(other) = self
                    .state
                    .desks
                    .values()
                    .find(|o| o.id != desk && o.status != DeskStatus::Closed && o.staff.as_ref() == Some(&staff))
                {
                    return Err(QueueError::StaffAtOtherDesk { staff: staff.0, desk: other.id.clone() });
                }
                if d.status != DeskStatus::Closed && d.staff.as_ref() != Some(&staff) {
                    let holder = d.staff.clone().map(|s| s.0).unwrap_or_default();
                    return Err(QueueError::DeskTaken { desk, staff: holder });
                }
                if d.status == DeskStatus::Open {
                    return Ok(vec![]);
                }
                Ok(vec![ev(&d.site, EventKind::DeskOpened { desk, staff, languages, professions })])
            }
            Command::PauseDesk { desk } => {
                let (_, d) = self.desk_rules(&desk)?;
                match d.status {
                    DeskStatus::Closed => Err(QueueError::DeskNotOpen(desk)),
                    DeskStatus::Paused => Ok(vec![]),
                    DeskStatus::Open => Ok(vec![ev(&d.site, EventKind::DeskPaused { desk })]),
                }
            }
            Command::CloseDesk { desk } => {
                let (_, d) = self.desk_rules(&desk)?;
                if let Some(cur) = &d.current {
                    let number = self.state.tickets.get(cur).map(|t| t.number.clone()).unwrap_or_default();
                    return Err(QueueError::DeskBusy { desk, number });
                }
                if d.status == DeskStatus::Closed {
                    return Ok(vec![]);
                }
                Ok(vec![ev(&d.site, EventKind::DeskClosed { desk })])
            }
            Command::CallNext { desk, ticket } => {
                let (dr, d) = self.desk_rules(&desk)?;
                if d.status != DeskStatus::Open {
                    return Err(QueueError::DeskNotOpen(desk));
                }
                if let Some(cur) = &d.current {
                    let number = self.state.tickets.get(cur).map(|t| t.number.clone()).unwrap_or_default();
                    return Err(QueueError::DeskBusy { desk, number });
                }
                let staff = d.staff.clone().ok_or_else(|| QueueError::DeskNotOpen(desk.clone()))?;
                let ctx = self.ctx(now);
                let (chosen, out_of_order) = match ticket {
                    None => match ctx.pick(d) {
                        Some(id) => (id, false),
                        None => return Ok(vec![]),
                    },
                    Some(id) => {
                        let site = self.rules.site(&d.site).ok_or_else(|| QueueError::UnknownSite(d.site.clone()))?;
                        if !site.out_of_order_calls {
                            return Err(QueueError::OutOfOrderNotAllowed);
                        }
                        let t = self.transition(&id, &[Status::Waiting], Status::Called)?;
                        let svc = self
                            .rules
                            .service(&t.site, &t.service)
                            .ok_or_else(|| QueueError::UnknownService(t.site.clone(), t.service.clone()))?;
                        if t.site != d.site || !dr.services.contains(&t.service) || !may_serve(d, svc) {
                            return Err(QueueError::DeskDoesNotServe { desk, service: t.service.clone() });
                        }
                        if reservation_active(t, site, now) && !reserved_for(t, d) {
                            return Err(QueueError::ReservedElsewhere(t.number.clone()));
                        }
                        let out_of_order = ctx.pick(d).as_ref() != Some(&id);
                        (id, out_of_order)
                    }
                };
                let mut out = vec![];
                // Two resources (routing rule 1b): the second professional is asked to join.
                if let Some(t) = self.state.tickets.get(&chosen)
                    && let Some(with) = t.second_professional()
                    && with != staff.as_str()
                {
                    let alert = Alert {
                        id: format!("join-{}-{}", t.id, now.as_millisecond()),
                        kind: "appointment_join".into(),
                        source: staff.to_string(),
                        message: format!(
                            "{with}: please join {staff} at {} for {} (appointment{})",
                            dr.label,
                            t.number,
                            t.appointment_at
                                .and_then(|a| self.rules.site(&d.site).map(|s| a.to_zoned(s.time_zone.clone())))
                                .map(|z| format!(" {}", z.strftime("%H:%M")))
                                .unwrap_or_default()
                        ),
                        ticket_number: Some(t.number.clone()),
                    };
                    out.push(ev(&d.site, EventKind::AlertRaised { alert }));
                }
                out.insert(0, ev(&d.site, EventKind::TicketCalled { ticket: chosen, desk, staff, out_of_order }));
                Ok(out)
            }
            Command::Recall { ticket } => {
                let t = self.transition(&ticket, &[Status::Called], Status::Called)?;
                Ok(ticket_ev(t, EventKind::TicketRecalled { ticket }))
            }
            Command::Start { ticket } => {
                let t = self.transition(&ticket, &[Status::Called], Status::Serving)?;
                Ok(ticket_ev(t, EventKind::TicketServing { ticket }))
            }
            Command::Finish { ticket } => {
                let t = self.transition(&ticket, &[Status::Serving], Status::Done)?;
                Ok(ticket_ev(t, EventKind::TicketDone { ticket }))
            }
            Command::NoShow { ticket } => {
                let t = self.transition(&ticket, &[Status::Called], Status::NoShow)?;
                Ok(ticket_ev(t, EventKind::TicketNoShow { ticket }))
            }
            Command::Cancel { ticket } => {
                let t = self.transition(&ticket, &[Status::Waiting, Status::Called], Status::Cancelled)?;
                Ok(ticket_ev(t, EventKind::TicketCancelled { ticket }))
            }
            Command::Hold { ticket } => {
                let t = self.transition(&ticket, &[Status::Called, Status::Serving], Status::OnHold)?;
                Ok(ticket_ev(t, EventKind::TicketOnHold { ticket }))
            }
            Command::Return { ticket, keep_position } => {
                let t =
                    self.transition(&ticket, &[Status::Called, Status::Serving, Status::OnHold], Status::Waiting)?;
                // A held ticket resumes its place, reserved for the desk that parked it.
                let (keep_position, target_desk) =
                    if t.status == Status::OnHold { (true, t.desk.clone()) } else { (keep_position, None) };
                Ok(ticket_ev(t, EventKind::TicketReturned { ticket, keep_position, target_desk }))
            }
            Command::Transfer { ticket, service, desk, staff, keep_position } => {
                let t = self.transition(&ticket, &[Status::Called, Status::Serving], Status::Waiting)?;
                if service.is_none() && desk.is_none() && staff.is_none() {
                    return Err(QueueError::Invalid(
                        "a transfer needs a service, a desk or a staff member to go to".into(),
                    ));
                }
                // A desk of another site is unknown here (checked first: its services are
                // another site's, and naming them in the error would mislead).
                if let Some(d) = &desk
                    && self.desk_rules(d)?.0.site != t.site
                {
                    return Err(QueueError::UnknownDesk(d.clone()));
                }
                let target_service = match (&service, &desk) {
                    (Some(s), _) => s.clone(),
                    (None, Some(d)) => {
                        let (dr, _) = self.desk_rules(d)?;
                        if dr.services.contains(&t.service) {
                            t.service.clone()
                        } else {
                            dr.services.first().cloned().ok_or_else(|| QueueError::UnknownDesk(d.clone()))?
                        }
                    }
                    (None, None) => t.service.clone(),
                };
                if self.rules.service(&t.site, &target_service).is_none() {
                    return Err(QueueError::UnknownService(t.site.clone(), target_service));
                }
                if let Some(d) = &desk {
                    let (dr, _) = self.desk_rules(d)?;
                    if dr.site != t.site {
                        return Err(QueueError::UnknownDesk(d.clone()));
                    }
                    if !dr.services.contains(&target_service) {
                        return Err(QueueError::DeskDoesNotServe { desk: d.clone(), service: target_service });
                    }
                }
                Ok(ticket_ev(
                    t,
                    EventKind::TicketTransferred {
                        ticket,
                        from_service: t.service.clone(),
                        service: target_service,
                        desk,
                        staff,
                        keep_position,
                    },
                ))
            }
            Command::Undo { ticket } => {
                let (d, c) = self.closed_at(&ticket).ok_or_else(|| self.nothing_to_undo(&ticket))?;
                let number = &c.ticket.number;
                let ago = now.duration_since(c.at);
                if ago > UNDO_WINDOW {
                    return Err(QueueError::NothingToUndo(format!(
                        "{number} was closed {} seconds ago: Undo lasts {} seconds",
                        ago.as_secs(),
                        UNDO_WINDOW.as_secs()
                    )));
                }
                if let Some(cur) = &d.current {
                    let other = self.state.tickets.get(cur).map_or_else(|| cur.to_string(), |t| t.number.clone());
                    return Err(QueueError::NothingToUndo(format!(
                        "desk '{}' has called {other} since: {number} can no longer be undone",
                        d.id
                    )));
                }
                if d.status != DeskStatus::Open {
                    return Err(QueueError::DeskNotOpen(d.id.clone()));
                }
                Ok(vec![ev(&d.site, EventKind::TicketReopened { ticket, desk: d.id.clone(), status: c.ticket.status })])
            }
            Command::Resume { ticket, desk } => {
                let t = self.transition(&ticket, &[Status::OnHold], Status::Called)?;
                let desk = desk.or_else(|| t.desk.clone()).ok_or_else(|| QueueError::UnknownDesk(DeskId::from("")))?;
                let (dr, d) = self.desk_rules(&desk)?;
                if dr.site != t.site {
                    return Err(QueueError::UnknownDesk(desk));
                }
                if d.status != DeskStatus::Open {
                    return Err(QueueError::DeskNotOpen(desk));
                }
                if let Some(cur) = &d.current {
                    let number = self.state.tickets.get(cur).map(|t| t.number.clone()).unwrap_or_default();
                    return Err(QueueError::DeskBusy { desk, number });
                }
                let svc = self
                    .rules
                    .service(&t.site, &t.service)
                    .ok_or_else(|| QueueError::UnknownService(t.site.clone(), t.service.clone()))?;
                if !dr.services.contains(&t.service) || !may_serve(d, svc) {
                    return Err(QueueError::DeskDoesNotServe { desk, service: t.service.clone() });
                }
                let staff = d.staff.clone().ok_or_else(|| QueueError::DeskNotOpen(desk.clone()))?;
                // A call like any other (displays announce it again; statistics count the time on
                // hold up to here), of a ticket that was on hold.
                Ok(ticket_ev(t, EventKind::TicketCalled { ticket, desk, staff, out_of_order: false }))
            }
            Command::RaiseAlert { site, alert } => {
                if self.rules.site(&site).is_none() {
                    return Err(QueueError::UnknownSite(site));
                }
                if alert.id.is_empty() || alert.id.len() > 64 {
                    return Err(QueueError::Invalid("an alert needs an id of 1 to 64 characters".into()));
                }
                if self.state.alerts.contains_key(&alert.id) {
                    return Err(QueueError::Invalid(format!("alert id {} is already in use", alert.id)));
                }
                Ok(vec![ev(&site, EventKind::AlertRaised { alert })])
            }
            Command::AckAlert { alert } => {
                let a = self.state.alerts.get(&alert).ok_or_else(|| QueueError::UnknownAlert(alert.clone()))?;
                Ok(vec![ev(&a.site.clone(), EventKind::AlertAcknowledged { alert })])
            }
            Command::CloseDay { site } => {
                let rules = self.rules.site(&site).ok_or_else(|| QueueError::UnknownSite(site.clone()))?;
                Ok(self.close_day(rules, now))
            }
            Command::LiftCap { site, service } => {
                let svc = self
                    .rules
                    .service(&site, &service)
                    .ok_or_else(|| QueueError::UnknownService(site.clone(), service.clone()))?;
                if svc.daily_cap.is_none() {
                    return Err(QueueError::Invalid(format!("service '{service}' has no daily cap")));
                }
                let (day, _) = self.next_number(&site, &service, now);
                let counter = self.state.counters.get(&(site.clone(), service.clone()));
                if counter.is_some_and(|c| c.day == day && c.cap_lifted) {
                    return Ok(vec![]);
                }
                Ok(vec![ev(&site, EventKind::CapLifted { service, day })])
            }
        }
    }

    fn new_ticket(&self, req: IssueTicket, now: Timestamp) -> Result<Ticket, QueueError> {
        if self.rules.site(&req.site).is_none() {
            return Err(QueueError::UnknownSite(req.site));
        }
        let svc = self
            .rules
            .service(&req.site, &req.service)
            .ok_or_else(|| QueueError::UnknownService(req.site.clone(), req.service.clone()))?;
        if req.party_size == 0 || req.party_size > MAX_PARTY_SIZE {
            return Err(QueueError::Invalid(format!("party_size must be between 1 and {MAX_PARTY_SIZE}")));
        }
        if self.state.tickets.contains_key(&req.id) {
            return Err(QueueError::Invalid(format!("ticket id {} is already in use", req.id)));
        }
        match self.availability(&req.site, &req.service, now) {
            Availability::Open => {}
            Availability::Closed { .. } => return Err(QueueError::ServiceClosed(req.service)),
            Availability::Full { cap } => return Err(QueueError::DailyCapReached(req.service, cap)),
        }
        let (day, seq) = self.next_number(&req.site, &req.service, now);
        let mut t = Ticket {
            number: format_number(svc.prefix, seq),
            seq,
            day,
            journey: vec![JourneyStep { service: req.service.clone(), at: now }],
            id: req.id,
            site: req.site,
            service: req.service,
            status: Status::Waiting,
            priority: req.priority,
            appointment_at: req.appointment_at,
            language: req.language,
            party_size: req.party_size,
            needs: req.needs,
            issued_at: now,
            queued_at: now,
            desk: None,
            staff: None,
            target: None,
            called_at: None,
            held_at: None,
            recalls: 0,
            estimated_wait_s: None,
            target_wait_s: Some(svc.target_wait_s),
        };
        // The same people-ahead and estimate as every later view of the ticket (it is not in the
        // index yet).
        let ahead = self.ctx(now).people_ahead(&t);
        t.estimated_wait_s = self.estimate_for(&t, ahead, now).map(|e| e.wait_s);
        Ok(t)
    }

    /// The day and sequence the next ticket of a service gets. If the clock went back across
    /// midnight, counting goes on in the later day: a number is never given twice.
    fn next_number(&self, site: &SiteId, service: &ServiceId, now: Timestamp) -> (Date, u32) {
        let today = self.rules.site(site).map(|s| self.rules.local(s, now).date());
        match (self.state.counters.get(&(site.clone(), service.clone())), today) {
            (Some(c), Some(today)) if c.day >= today => (c.day, c.last + 1),
            // Tickets of an earlier day still open (a queue kept overnight): the new day goes on
            // counting, so no number in the waiting room is given twice.
            (Some(c), Some(today)) if carries_over(&self.state.tickets, site, service, today) => (today, c.last + 1),
            (_, Some(today)) => (today, 1),
            (_, None) => (now.to_zoned(jiff::tz::TimeZone::UTC).date(), 1),
        }
    }

    /// Whether a service takes new tickets now: its (or its site's) opening hours, then its daily cap.
    /// Unknown sites and services are `Closed` with no opening.
    pub fn availability(&self, site: &SiteId, service: &ServiceId, now: Timestamp) -> Availability {
        let (Some(site_rules), Some(svc)) = (self.rules.site(site), self.rules.service(site, service)) else {
            return Availability::Closed { opens_at: None };
        };
        let local = self.rules.local(site_rules, now);
        if let Some(h) = svc.opening_hours.as_ref().or(site_rules.opening_hours.as_ref())
            && !h.is_open(&local)
        {
            return Availability::Closed { opens_at: h.next_opening(&local).map(|z| z.timestamp()) };
        }
        let Some(cap) = svc.daily_cap else { return Availability::Open };
        let (day, _) = self.next_number(site, service, now);
        let counter = self.state.counters.get(&(site.clone(), service.clone())).filter(|c| c.day == day);
        // Cancelled tickets give their place back; staff may lift the cap for the day.
        let given_back = counter.map_or(0, |c| c.given_back);
        let issued = counter.map_or(0, Counter::issued);
        if counter.is_some_and(|c| c.cap_lifted) || issued.saturating_sub(given_back) < cap {
            Availability::Open
        } else {
            Availability::Full { cap }
        }
    }

    /// Mean recent service time (called → done) of a service, or its configured default.
    pub fn mean_service_time_s(&self, site: &SiteId, service: &ServiceId) -> u32 {
        match self.state.service_times.get(&(site.clone(), service.clone())) {
            Some(v) if !v.is_empty() => (v.iter().map(|&x| u64::from(x)).sum::<u64>() / v.len() as u64) as u32,
            _ => self.rules.service(site, service).map_or(600, |s| s.default_service_time_s),
        }
    }

    /// Open (not paused) desks that serve a service, whose staff may serve it by role.
    pub fn open_desks(&self, site: &SiteId, service: &ServiceId) -> u32 {
        // The key is built only to look up: two short strings, cheaper than walking every desk.
        self.open_desks.get(&(site.clone(), service.clone())).copied().unwrap_or(0)
    }

    /// Estimated wait for a new standard ticket taken now (`estimate::estimate`, for the people
    /// it would queue behind, as for a real ticket); `None` when no desk that may serve it is open.
    pub fn estimate_new(&self, site: &SiteId, service: &ServiceId, now: Timestamp) -> Option<Estimate> {
        let probe = Ticket {
            id: TicketId::from("\u{10FFFF}"),
            number: String::new(),
            seq: 0,
            day: now.to_zoned(jiff::tz::TimeZone::UTC).date(),
            site: site.clone(),
            service: service.clone(),
            status: Status::Waiting,
            priority: Priority::Standard,
            appointment_at: None,
            language: String::new(),
            party_size: 1,
            needs: vec![],
            issued_at: now,
            queued_at: now,
            desk: None,
            staff: None,
            target: None,
            called_at: None,
            held_at: None,
            recalls: 0,
            estimated_wait_s: None,
            target_wait_s: None,
            journey: vec![],
        };
        let ahead = self.ctx(now).people_ahead(&probe);
        self.estimate_for(&probe, ahead, now)
    }

    /// Staff's mean delay between a desk becoming free with someone waiting and its next call.
    pub fn call_delay_s(&self, site: &SiteId) -> f64 {
        self.learned.delay_s(site)
    }

    /// The estimate of waiting ticket `t` with `ahead` people ahead (see `estimate` for the method).
    fn estimate_for(&self, t: &Ticket, ahead: u32, now: Timestamp) -> Option<Estimate> {
        let (site, service) = (&t.site, &t.service);
        let (Some(site_rules), Some(svc)) = (self.rules.site(site), self.rules.service(site, service)) else {
            return None;
        };
        let delay_s = self.learned.delay_s(site);
        let work = |s: &ServiceId| f64::from(self.mean_service_time_s(site, s)) + delay_s;
        let mut desks = Vec::new();
        for (desk, rank) in self.desks_by_service.get(&(site.clone(), service.clone())).into_iter().flatten() {
            let (Some(d), Some(dr)) = (self.state.desks.get(desk), self.rules.desk(desk)) else { continue };
            if d.status != DeskStatus::Open || !may_serve(d, svc) {
                continue;
            }
            // The services this desk prefers take their part of its time and their queue first.
            let (mut used, mut backlog_s) = (0.0, 0.0);
            for earlier in &dr.services[..*rank] {
                let Some(e) = self.rules.service(site, earlier) else { continue };
                if !may_serve(d, e) {
                    continue;
                }
                let n = f64::from(self.open_desks(site, earlier).max(1));
                used += self.learned.total_rate(site, earlier, now) * work(earlier) / n;
                backlog_s += self.state.index.waiting_count(site, earlier) as f64 * work(earlier) / n;
            }
            desks.push(DeskLoad { share: 1.0 - used, backlog_s, free: d.current.is_none() });
        }
        let class = crate::routing::effective_class(t, svc, site_rules, now);
        let rate = |p: Priority| self.learned.rate(site, service, p, now);
        let waited = now.duration_since(t.queued_at).as_secs_f64().max(0.0);
        let target = f64::from(svc.target_wait_s);
        let (jump_rate, jump_rate_until_aged, aging_in_s) = match class {
            Priority::Standard => (
                rate(Priority::Urgent) + rate(Priority::Appointment),
                rate(Priority::Priority),
                site_rules.aging.then_some(target - waited),
            ),
            Priority::Priority => (rate(Priority::Urgent) + rate(Priority::Appointment), 0.0, None),
            Priority::Appointment => (rate(Priority::Urgent), 0.0, None),
            Priority::Urgent => (0.0, 0.0, None),
        };
        // Older tickets of the class below that age into this class while it waits rank before it.
        let mut aging_ahead = Vec::new();
        if site_rules.aging
            && class > Priority::Standard
            && let Some(buckets) = self.state.index.service(site, service)
        {
            let below = Priority::ALL[class as usize - 1];
            for (queued, _) in buckets[below as usize].range(..(t.queued_at, t.id.clone())) {
                let ages_in = target - now.duration_since(*queued).as_secs_f64();
                if ages_in > 0.0 && below.promoted() == class {
                    aging_ahead.push(ages_in);
                }
            }
        }
        let inputs = Inputs {
            ahead,
            desks,
            service_s: f64::from(self.mean_service_time_s(site, service)),
            delay_s,
            jump_rate,
            jump_rate_until_aged,
            aging_in_s,
            aging_ahead,
        };
        crate::estimate::estimate(&inputs)
    }

    /// People ahead of a waiting ticket and its estimated wait now (`None`: no desk open);
    /// `(0, Some(ZERO))` for a ticket no longer waiting. Every view (the issue answer, the ticket
    /// page, desks, displays) takes its figures from here.
    pub fn position(&self, id: &TicketId, now: Timestamp) -> (u32, Option<Estimate>) {
        match self.state.tickets.get(id) {
            Some(t) if t.status == Status::Waiting => {
                let ahead = self.ctx(now).people_ahead(t);
                (ahead, self.estimate_for(t, ahead, now))
            }
            _ => (0, Some(Estimate::ZERO)),
        }
    }

    /// Per-service queue figures of a site, in configuration order.
    pub fn queues(&self, site: &SiteId, now: Timestamp) -> Vec<ServiceQueue> {
        self.rules
            .services_of(site)
            .map(|svc| {
                let buckets = self.state.index.service(site, &svc.id);
                let waiting = self.state.index.waiting_count(site, &svc.id) as u32;
                let oldest = buckets.and_then(|b| b.iter().filter_map(|s| s.first().map(|(at, _)| *at)).min());
                let longest_wait_s = oldest.map_or(0, |at| now.duration_since(at).as_secs().max(0) as u32);
                let estimate = self.estimate_new(site, &svc.id, now);
                ServiceQueue {
                    service: svc.id.clone(),
                    waiting,
                    longest_wait_s,
                    estimated_wait_s: estimate.map(|e| e.wait_s),
                    estimated_wait_range_s: estimate.and_then(|e| e.range_s),
                    open_desks: self.open_desks(site, &svc.id),
                }
            })
            .collect()
    }

    /// Apply one event. The only place state changes; used live and for replay.
    pub fn apply(&mut self, e: &Event) {
        // A cap lifted on a day that goes on counting from an earlier one (see `next_number`).
        let carried = match &e.kind {
            EventKind::CapLifted { service, day } => self
                .state
                .counters
                .get(&(e.site.clone(), service.clone()))
                .filter(|c| c.day < *day && carries_over(&self.state.tickets, &e.site, service, *day))
                .map(|c| c.last),
            _ => None,
        };
        // The desk this event may free (its ticket was called or serving there).
        let freed = e.kind.ticket_id().and_then(|id| self.state.tickets.get(id)).and_then(|t| match t.status {
            Status::Called | Status::Serving => t.desk.clone(),
            _ => None,
        });
        let s = &mut self.state;
        let at = e.at;
        match &e.kind {
            EventKind::TicketIssued { ticket } => {
                let key = (ticket.site.clone(), ticket.service.clone());
                let entry = s.counters.entry(key).or_insert(Counter::new(ticket.day, 0));
                if entry.day < ticket.day {
                    // A new day: its first number (1, or after the earlier day's still open).
                    *entry = Counter { base: ticket.seq.saturating_sub(1), ..Counter::new(ticket.day, ticket.seq) };
                } else if entry.day == ticket.day && entry.last < ticket.seq {
                    entry.last = ticket.seq;
                }
                s.index.insert(ticket);
                s.tickets.insert(ticket.id.clone(), (**ticket).clone());
            }
            EventKind::TicketCalled { ticket, desk, staff, .. } => {
                // The walk-in guard's count: a call from the queue (not a held ticket called back)
                // of an appointment due now adds one; of any other ticket, starts again.
                let from_queue = s.tickets.get(ticket).filter(|t| t.status == Status::Waiting);
                if let (Some(t), Some(d)) = (from_queue, s.desks.get_mut(desk)) {
                    d.appointment_streak =
                        if crate::routing::is_appointment_call(t, at) { d.appointment_streak + 1 } else { 0 };
                }
                if let Some(t) = s.tickets.get_mut(ticket) {
                    s.index.remove(t);
                    t.status = Status::Called;
                    t.desk = Some(desk.clone());
                    t.staff = Some(staff.clone());
                    t.called_at = Some(at);
                    t.target = None;
                }
                if let Some(d) = s.desks.get_mut(desk) {
                    d.current = Some(ticket.clone());
                }
            }
            EventKind::TicketRecalled { ticket } => {
                if let Some(t) = s.tickets.get_mut(ticket) {
                    t.recalls += 1;
                }
            }
            EventKind::TicketServing { ticket } => {
                if let Some(t) = s.tickets.get_mut(ticket) {
                    t.status = Status::Serving;
                }
            }
            EventKind::TicketDone { ticket }
            | EventKind::TicketNoShow { ticket }
            | EventKind::TicketCancelled { ticket }
            | EventKind::TicketExpired { ticket } => {
                if let Some(t) = s.tickets.remove(ticket) {
                    s.index.remove(&t);
                    // A finish or no-show at a desk may be undone for a while: keep the ticket as it was.
                    if matches!(e.kind, EventKind::TicketDone { .. } | EventKind::TicketNoShow { .. })
                        && let Some(d) = t.desk.as_ref().and_then(|d| s.desks.get_mut(d))
                        && d.current.as_ref() == Some(&t.id)
                    {
                        d.last_closed = Some(crate::model::Closed { ticket: Box::new(t.clone()), at });
                    }
                    free_desk(&mut s.desks, &t);
                    if let (EventKind::TicketDone { .. }, Some(called)) = (&e.kind, t.called_at) {
                        let d = at.duration_since(called).as_secs().clamp(0, i64::from(u32::MAX)) as u32;
                        let v = s.service_times.entry((t.site.clone(), t.service.clone())).or_default();
                        v.push_back(d);
                        while v.len() > RECENT_SERVICE_TIMES {
                            v.pop_front();
                        }
                    }
                    // A cancelled ticket gives its place under the daily cap back (its number stays used).
                    if matches!(e.kind, EventKind::TicketCancelled { .. })
                        && let Some(first) = t.journey.first()
                        && let Some(c) = s.counters.get_mut(&(t.site.clone(), first.service.clone()))
                        && c.day == t.day
                    {
                        c.given_back += 1;
                    }
                }
            }
            EventKind::TicketReopened { ticket, desk, status } => {
                if let Some(d) = s.desks.get_mut(desk)
                    && let Some(c) = d.last_closed.take_if(|c| &c.ticket.id == ticket)
                {
                    let mut t = *c.ticket;
                    t.status = *status;
                    // The undone finish's service time leaves the recent ones (the finish to come counts).
                    if *status == Status::Serving
                        && let Some(called) = t.called_at
                        && let Some(v) = s.service_times.get_mut(&(t.site.clone(), t.service.clone()))
                    {
                        let took = c.at.duration_since(called).as_secs().clamp(0, i64::from(u32::MAX)) as u32;
                        if let Some(i) = v.iter().rposition(|x| *x == took) {
                            v.remove(i);
                        }
                    }
                    d.current = Some(ticket.clone());
                    s.tickets.insert(ticket.clone(), t);
                }
            }
            EventKind::CapLifted { service, day } => {
                let c = s.counters.entry((e.site.clone(), service.clone())).or_insert(Counter::new(*day, 0));
                if c.day < *day {
                    let last = carried.unwrap_or(0);
                    *c = Counter { base: last, ..Counter::new(*day, last) };
                }
                if c.day == *day {
                    c.cap_lifted = true;
                }
            }
            EventKind::TicketOnHold { ticket } => {
                if let Some(t) = s.tickets.get_mut(ticket) {
                    free_desk(&mut s.desks, t);
                    t.status = Status::OnHold;
                    t.held_at = Some(at);
                }
            }
            EventKind::TicketReturned { ticket, keep_position, target_desk } => {
                if let Some(t) = s.tickets.get_mut(ticket) {
                    if t.status != Status::OnHold {
                        free_desk(&mut s.desks, t);
                    }
                    requeue(t, at, *keep_position);
                    t.target = target_desk.clone().map(|d| Target { desk: Some(d), staff: None, since: at });
                    s.index.insert(t);
                }
            }
            EventKind::TicketTransferred { ticket, service, desk, staff, keep_position, .. } => {
                if let Some(t) = s.tickets.get_mut(ticket) {
                    free_desk(&mut s.desks, t);
                    requeue(t, at, *keep_position);
                    t.service = service.clone();
                    t.journey.push(JourneyStep { service: service.clone(), at });
                    t.target = (desk.is_some() || staff.is_some()).then(|| Target {
                        desk: desk.clone(),
                        staff: staff.clone(),
                        since: at,
                    });
                    s.index.insert(t);
                }
            }
            EventKind::DeskOpened { desk, staff, languages, professions } => {
                if let Some(d) = s.desks.get_mut(desk) {
                    if d.status == DeskStatus::Closed {
                        d.since = Some(at);
                    }
                    d.status = DeskStatus::Open;
                    d.staff = Some(staff.clone());
                    d.languages = languages.clone();
                    d.professions = professions.clone();
                }
            }
            EventKind::DeskPaused { desk } => {
                if let Some(d) = s.desks.get_mut(desk) {
                    d.status = DeskStatus::Paused;
                }
            }
            EventKind::DeskClosed { desk } => {
                if let Some(d) = s.desks.get_mut(desk) {
                    d.status = DeskStatus::Closed;
                    d.staff = None;
                    d.languages.clear();
                    d.professions.clear();
                    d.current = None;
                    d.since = None;
                    d.last_closed = None;
                }
            }
            EventKind::AlertRaised { alert } => {
                // Alerts stored before they had ids are history only.
                if !alert.id.is_empty() {
                    let open = OpenAlert { site: e.site.clone(), alert: alert.clone(), raised_at: at };
                    s.alerts.insert(alert.id.clone(), open);
                }
            }
            EventKind::AlertAcknowledged { alert } => {
                s.alerts.remove(alert);
            }
            EventKind::DayClosed { closing } => {
                let done = s.day_closed.entry(e.site.clone()).or_insert(*closing);
                *done = (*done).max(*closing);
            }
        }
        if matches!(e.kind, EventKind::DeskOpened { .. } | EventKind::DeskPaused { .. } | EventKind::DeskClosed { .. })
        {
            self.count_open_desks();
        }
        self.learn(e, freed);
    }

    /// The estimator's memory: arrivals per class, and the delay from a desk becoming free with
    /// someone waiting for it to its next call.
    fn learn(&mut self, e: &Event, freed: Option<DeskId>) {
        let waiting_for = |engine: &Engine, desk: &DeskId| {
            engine
                .rules
                .desk(desk)
                .is_some_and(|r| r.services.iter().any(|s| engine.state.index.waiting_count(&r.site, s) > 0))
        };
        match &e.kind {
            EventKind::TicketIssued { ticket } => {
                self.learned.arrival(&ticket.site, &ticket.service, ticket.priority, e.at);
                // Idle open desks that serve it start their delay now.
                let key = (ticket.site.clone(), ticket.service.clone());
                for (desk, _) in self.desks_by_service.get(&key).into_iter().flatten() {
                    if self.state.desks.get(desk).is_some_and(|d| d.status == DeskStatus::Open && d.current.is_none()) {
                        self.learned.desk_free(desk, e.at);
                    }
                }
            }
            EventKind::TicketCalled { desk, .. } => self.learned.desk_busy(&e.site, desk, e.at, true),
            EventKind::DeskPaused { desk } | EventKind::DeskClosed { desk } => {
                self.learned.desk_busy(&e.site, desk, e.at, false);
            }
            EventKind::DeskOpened { desk, .. } if waiting_for(self, desk) => self.learned.desk_free(desk, e.at),
            _ => {}
        }
        if let Some(desk) = freed
            && self.state.desks.get(&desk).is_some_and(|d| d.status == DeskStatus::Open && d.current.is_none())
            && waiting_for(self, &desk)
        {
            self.learned.desk_free(&desk, e.at);
        }
        // A ticket left the queue: idle desks with nothing left to call are not delaying a call.
        if matches!(
            e.kind,
            EventKind::TicketCalled { .. } | EventKind::TicketCancelled { .. } | EventKind::TicketTransferred { .. }
        ) {
            let idle: Vec<DeskId> = self.learned.free_desks().cloned().collect();
            for desk in idle {
                if !waiting_for(self, &desk) {
                    self.learned.nothing_to_call(&desk);
                }
            }
        }
    }
}

impl Engine {
    /// The end of the day at `site` now. Unless the site keeps its queue overnight:
    /// - once its latest closing (the end of a day's last opening range, plus the site's grace) is
    ///   past and was not handled yet, the tickets issued before it that are still waiting or on
    ///   hold expire, and `day.closed` records that closing (a ticket held or returned after it
    ///   waits for the staff who did so);
    /// - tickets of an earlier site-local day still waiting or on hold expire (after midnight,
    ///   also at sites without opening hours).
    ///
    /// Called and serving tickets stay with their desk: the staff finish them.
    pub fn close_day(&self, site: &SiteRules, now: Timestamp) -> Vec<Event> {
        if site.keep_queue_overnight {
            return vec![];
        }
        let local = self.rules.local(site, now - SignedDuration::from_secs(i64::from(site.expire_grace_s)));
        let today = local.date();
        let closing = site
            .opening_hours
            .as_ref()
            .and_then(|h| h.last_closing(&local))
            .map(|z| z.timestamp())
            .filter(|c| self.state.day_closed.get(&site.id).is_none_or(|done| c > done));
        let ev = |kind| Event { at: now, site: site.id.clone(), actor: None, kind };
        let mut out: Vec<Event> = self
            .state
            .tickets
            .values()
            .filter(|t| t.site == site.id && matches!(t.status, Status::Waiting | Status::OnHold))
            .filter(|t| t.day < today || closing.is_some_and(|c| t.issued_at < c))
            .map(|t| ev(EventKind::TicketExpired { ticket: t.id.clone() }))
            .collect();
        if let Some(closing) = closing {
            out.push(ev(EventKind::DayClosed { closing }));
        }
        out
    }

    /// When the site closes next (today's or a later day's closing, plus the grace), if it has hours
    /// and does not keep its queue overnight: the desk page warns before.
    pub fn next_closing(&self, site: &SiteId, now: Timestamp) -> Option<Timestamp> {
        let site = self.rules.site(site)?;
        if site.keep_queue_overnight {
            return None;
        }
        let hours = site.opening_hours.as_ref()?;
        let grace = SignedDuration::from_secs(i64::from(site.expire_grace_s));
        let local = self.rules.local(site, now);
        (0..=7i64).find_map(|ahead| {
            let date = local.date().checked_add(jiff::Span::new().days(ahead)).ok()?;
            hours.closing_of(date, local.time_zone()).map(|z| z.timestamp() + grace).filter(|c| *c > now)
        })
    }

    /// The order `desk`'s Call next would take the waiting tickets of its services now, with the
    /// reasons (`routing::Ctx::call_order`); empty for an unknown desk.
    pub fn call_order(&self, desk: &DeskId, now: Timestamp) -> Vec<crate::routing::Placed> {
        match self.state.desks.get(desk) {
            Some(d) => self.ctx(now).call_order(d),
            None => vec![],
        }
    }
}

/// Are tickets of an earlier day than `today`, numbered by this service, still open?
fn carries_over(tickets: &BTreeMap<TicketId, Ticket>, site: &SiteId, service: &ServiceId, today: Date) -> bool {
    tickets
        .values()
        .any(|t| &t.site == site && t.day < today && t.journey.first().is_some_and(|j| &j.service == service))
}

/// The desk holding `t` (called or serving) lets it go.
fn free_desk(desks: &mut BTreeMap<DeskId, DeskState>, t: &Ticket) {
    if let Some(d) = t.desk.as_ref().and_then(|d| desks.get_mut(d))
        && d.current.as_ref() == Some(&t.id)
    {
        d.current = None;
    }
}

fn requeue(t: &mut Ticket, at: Timestamp, keep_position: bool) {
    t.status = Status::Waiting;
    if !keep_position {
        t.queued_at = at;
    }
    t.desk = None;
    t.staff = None;
    t.called_at = None;
}
