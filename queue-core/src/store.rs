//! The storage boundary: what the single writer needs from a store (`Store`, `Group`), the
//! projection rows a command's events change (`Change`, worked out by `Before`), and `MemoryStore`,
//! the store of the simulator and the tests.
//!
//! A store keeps the event log and the projections `Engine::restore` takes. The writer opens one
//! group per batch of commands (group commit), appends each command's events — every one numbered
//! with the origin's next gap-free sequence number — and puts the rows they change; `commit` makes
//! the whole group durable at once or not at all (SQLite: one `BEGIN IMMEDIATE` transaction). A
//! group dropped without a commit leaves the store as it was. After a failed commit the writer
//! answers every change of the batch as failed and reloads the engine with `load`: nothing
//! unacknowledged is kept, nothing acknowledged is lost. The relay reads the outbox with
//! `events_after` and records the hub's watermark with `acknowledge`.
//!
//! Implementations: `queue-server`'s `db::store::SqliteStore` (a site), `MemoryStore` here (the
//! simulator, tests). The hub ingests with its own, smaller boundary (`envelope::Ingest`).

use crate::engine::{Command, Counter, Engine, OpenAlert, Projections};
use crate::event::{Event, EventKind};
use crate::ids::{DeskId, ServiceId, SiteId, TicketId};
use crate::model::{Actor, DeskState, Status, Ticket};
use jiff::Timestamp;
use std::collections::{BTreeMap, VecDeque};

/// One projection row changed by an event, put in the same group as the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new ticket, with the hash of its token (computed by the caller; a store keeps only the
    /// hash, to find the ticket by its token).
    Issued {
        ticket: Ticket,
        token_hash: String,
    },
    /// A ticket's latest state; for a finished ticket (which the engine lets go) its last state.
    Ticket(Ticket),
    Desk(DeskState),
    Counter {
        site: SiteId,
        service: ServiceId,
        counter: Counter,
    },
    ServiceTimes {
        site: SiteId,
        service: ServiceId,
        recent: VecDeque<u32>,
    },
    AlertRaised(OpenAlert),
    /// Taken by `by` (`staff:<username>`) at `at`: no longer open.
    AlertAcked {
        id: String,
        at: Timestamp,
        by: String,
    },
    /// The last closing whose expiry ran (never lowered).
    DayClosed {
        site: SiteId,
        closing: Timestamp,
    },
}

impl Change {
    /// The ticket a change stores, if it stores one.
    pub fn ticket(&self) -> Option<&Ticket> {
        match self {
            Change::Issued { ticket, .. } | Change::Ticket(ticket) => Some(ticket),
            _ => None,
        }
    }
}

/// A store of one origin (a site's server): the event log, its projections and the outbox.
pub trait Store {
    type Error: std::error::Error + Send + Sync + 'static;
    type Group<'a>: Group<Error = Self::Error>
    where
        Self: 'a;

    /// The projections `Engine::restore` takes: open tickets by id, desks by id, counters, service
    /// times, alerts not acknowledged (oldest first), each site's last closing.
    fn load(&self) -> Result<Projections, Self::Error>;
    /// The sequence number of the last event appended (0: none).
    fn last_seq(&self) -> Result<u64, Self::Error>;
    /// Open a group of changes (group commit: one per batch of commands).
    fn begin(&mut self) -> Result<Self::Group<'_>, Self::Error>;
    /// Up to `limit` events after origin sequence number `origin_seq`, oldest first, with theirs.
    fn events_after(&self, origin_seq: u64, limit: usize) -> Result<Vec<(u64, Event)>, Self::Error>;
    /// Record the hub's watermark (never lowered, never past the last number given out) and the
    /// time of contact; returns the watermark kept.
    fn acknowledge(&mut self, watermark: u64, now: Timestamp) -> Result<u64, Self::Error>;
}

/// One group of changes: all of them are stored by `commit`, or none.
pub trait Group {
    type Error;
    /// Append an event, numbered with the origin's next gap-free sequence number (a group not
    /// committed gives its numbers back). Returns its sequence number in the log (the SSE id).
    fn append(&mut self, event: &Event) -> Result<u64, Self::Error>;
    fn put(&mut self, change: Change) -> Result<(), Self::Error>;
    fn commit(self) -> Result<(), Self::Error>;
}

/// The engine and the projections disagree (a bug): the batch fails and the engine is reloaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("inconsistent state: {0}")]
pub struct Inconsistent(pub String);

/// What a command may change, taken before the engine executes it: the tickets it may finish (the
/// engine lets finished ones go, their last state is stored), and the desks as stored (a desk whose
/// stored row is already its state is not written again).
#[derive(Debug, Clone, Default)]
pub struct Before {
    /// The ticket the command names, as it was.
    pub ticket: Option<Ticket>,
    tickets: BTreeMap<TicketId, Ticket>,
    desks: Vec<DeskState>,
}

impl Before {
    pub fn capture(engine: &Engine, cmd: &Command) -> Before {
        let ticket = command_ticket(cmd).and_then(|id| engine.ticket(id)).cloned();
        // The one it names, or every ticket the end of the day may expire.
        let mut tickets: BTreeMap<TicketId, Ticket> = ticket.iter().map(|t| (t.id.clone(), t.clone())).collect();
        if let Command::CloseDay { site } = cmd {
            tickets.extend(
                engine
                    .state()
                    .tickets
                    .values()
                    .filter(|t| &t.site == site && matches!(t.status, Status::Waiting | Status::OnHold))
                    .map(|t| (t.id.clone(), t.clone())),
            );
        }
        let desk_cmd = match cmd {
            Command::OpenDesk { desk, .. }
            | Command::PauseDesk { desk }
            | Command::CloseDesk { desk }
            | Command::CallNext { desk, .. } => Some(desk),
            _ => None,
        };
        let transfer_desk = match cmd {
            Command::Transfer { desk, .. } => desk.as_ref(),
            _ => None,
        };
        let desks = [desk_cmd, ticket.as_ref().and_then(|b| b.desk.as_ref()), transfer_desk]
            .into_iter()
            .flatten()
            .filter_map(|d| engine.desk(d).cloned())
            .collect();
        Before { ticket, tickets, desks }
    }

    /// The rows event `e` (just executed by `engine`) changes, in the order to put them; the ticket
    /// it touched as stored is the one change with a ticket (`Change::ticket`). `token_hash` is the
    /// new ticket's, for `ticket.issued`.
    pub fn changes(
        &mut self,
        engine: &Engine,
        e: &Event,
        token_hash: Option<&str>,
    ) -> Result<Vec<Change>, Inconsistent> {
        let state = engine.state();
        let counter = |site: &SiteId, service: &ServiceId| {
            state.counters.get(&(site.clone(), service.clone())).map(|c| Change::Counter {
                site: site.clone(),
                service: service.clone(),
                counter: *c,
            })
        };
        let mut out = Vec::new();
        match &e.kind {
            EventKind::TicketIssued { ticket } => {
                let token_hash =
                    token_hash.ok_or_else(|| Inconsistent("an issue came without its token".into()))?.to_owned();
                let t = engine.ticket(&ticket.id).unwrap_or(ticket);
                out.push(Change::Issued { ticket: t.clone(), token_hash });
                out.extend(counter(&t.site, &t.service));
            }
            EventKind::CapLifted { service, .. } => out.extend(counter(&e.site, service)),
            EventKind::AlertRaised { alert } => {
                out.extend(state.alerts.get(&alert.id).cloned().map(Change::AlertRaised));
            }
            EventKind::AlertAcknowledged { alert } => {
                let by = e.actor.as_ref().map(ToString::to_string).unwrap_or_default();
                out.push(Change::AlertAcked { id: alert.clone(), at: e.at, by });
            }
            EventKind::DayClosed { closing } => {
                out.push(Change::DayClosed { site: e.site.clone(), closing: *closing });
            }
            kind => {
                if let Some(id) = kind.ticket_id() {
                    let t = match engine.ticket(id) {
                        Some(t) => t.clone(),
                        None => {
                            // Finished: the engine let it go; store its last state.
                            let mut t =
                                self.tickets.remove(id).ok_or_else(|| Inconsistent(format!("ticket {id} vanished")))?;
                            t.status = match kind {
                                EventKind::TicketDone { .. } => Status::Done,
                                EventKind::TicketNoShow { .. } => Status::NoShow,
                                EventKind::TicketExpired { .. } => Status::Expired,
                                _ => Status::Cancelled,
                            };
                            // A cancellation gives a place under the cap back: the counter changed.
                            if t.status == Status::Cancelled
                                && let Some(first) = t.journey.first()
                            {
                                out.extend(counter(&t.site, &first.service));
                            }
                            if let Some(times) = state.service_times.get(&(t.site.clone(), t.service.clone())) {
                                out.push(Change::ServiceTimes {
                                    site: t.site.clone(),
                                    service: t.service.clone(),
                                    recent: times.clone(),
                                });
                            }
                            t
                        }
                    };
                    out.push(Change::Ticket(t));
                }
            }
        }
        // Desks whose state this event changed: the event's desk and the desk the ticket left.
        let left = self.ticket.as_ref().and_then(|b| b.desk.clone());
        for d in e.kind.desk_id().cloned().into_iter().chain(left) {
            let Some(now) = engine.desk(&d) else { continue };
            match self.desks.iter_mut().find(|s| s.id == d) {
                Some(stored) if stored == now => {}
                Some(stored) => {
                    out.push(Change::Desk(now.clone()));
                    stored.clone_from(now);
                }
                None => out.push(Change::Desk(now.clone())),
            }
        }
        Ok(out)
    }
}

/// The ticket a command names, if any.
pub fn command_ticket(cmd: &Command) -> Option<&TicketId> {
    Some(match cmd {
        Command::Recall { ticket }
        | Command::Start { ticket }
        | Command::Finish { ticket }
        | Command::NoShow { ticket }
        | Command::Cancel { ticket }
        | Command::Hold { ticket }
        | Command::Return { ticket, .. }
        | Command::Transfer { ticket, .. }
        | Command::CallNext { ticket: Some(ticket), .. } => ticket,
        _ => return None,
    })
}

/// Why `record` failed: the engine refused the command (nothing is put), or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum RecordError<E> {
    #[error(transparent)]
    Refused(#[from] crate::QueueError),
    #[error(transparent)]
    Inconsistent(#[from] Inconsistent),
    #[error("storage failed: {0}")]
    Store(E),
}

/// Execute one command and put its events and the rows they change into `group`: what the writer
/// does for a command, without the server's own records (idempotency, bookings, print jobs). A new
/// ticket is stored with `token_hash` (unique per ticket; the simulator and tests use its id).
/// Returns the events with their sequence numbers.
pub fn record<G: Group>(
    engine: &mut Engine,
    group: &mut G,
    cmd: Command,
    actor: &Actor,
    now: Timestamp,
    token_hash: Option<&str>,
) -> Result<Vec<(u64, Event)>, RecordError<G::Error>> {
    let mut before = Before::capture(engine, &cmd);
    let events = engine.execute(cmd, actor, now)?;
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let seq = group.append(&e).map_err(RecordError::Store)?;
        for c in before.changes(engine, &e, token_hash)? {
            group.put(c).map_err(RecordError::Store)?;
        }
        out.push((seq, e));
    }
    Ok(out)
}

// ---------------------------------------------------------------- the memory store

/// A store in memory with the semantics of the SQLite one: gap-free numbering, all-or-nothing
/// groups, the same projections loaded back. `fail_commits(n)` makes the next `n` commits fail
/// (nothing of their group is kept), for tests of the failure rule.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    /// In order; the event at index `i` has sequence number and origin sequence number `i + 1`.
    events: Vec<Event>,
    /// Open tickets (a finished one is of no use to `load`; an undone one is put again).
    tickets: BTreeMap<TicketId, Ticket>,
    desks: BTreeMap<DeskId, DeskState>,
    counters: BTreeMap<(SiteId, ServiceId), Counter>,
    service_times: BTreeMap<(SiteId, ServiceId), VecDeque<u32>>,
    /// Every alert raised, and when and by whom it was taken.
    alerts: BTreeMap<String, (OpenAlert, Option<(Timestamp, String)>)>,
    day_closed: BTreeMap<SiteId, Timestamp>,
    acked: u64,
    contact: Option<Timestamp>,
    failing: u32,
}

/// The memory store's one failure: an injected one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the memory store was told to fail this commit")]
pub struct InjectedFailure;

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }
    /// The next `n` commits fail.
    pub fn fail_commits(&mut self, n: u32) {
        self.failing = n;
    }
    /// Every event with its sequence number, in order.
    pub fn events(&self) -> impl Iterator<Item = (u64, &Event)> {
        self.events.iter().zip(1..).map(|(e, seq)| (seq, e))
    }
    /// The hub's watermark and when it last answered.
    pub fn acked(&self) -> (u64, Option<Timestamp>) {
        (self.acked, self.contact)
    }

    fn apply(&mut self, c: Change) {
        match c {
            Change::Issued { ticket: t, .. } | Change::Ticket(t) => {
                if matches!(t.status, Status::Waiting | Status::Called | Status::Serving | Status::OnHold) {
                    self.tickets.insert(t.id.clone(), t);
                } else {
                    self.tickets.remove(&t.id);
                }
            }
            Change::Desk(d) => {
                self.desks.insert(d.id.clone(), d);
            }
            Change::Counter { site, service, counter } => {
                self.counters.insert((site, service), counter);
            }
            Change::ServiceTimes { site, service, recent } => {
                self.service_times.insert((site, service), recent);
            }
            Change::AlertRaised(a) => {
                self.alerts.insert(a.alert.id.clone(), (a, None));
            }
            Change::AlertAcked { id, at, by } => {
                if let Some((_, acked)) = self.alerts.get_mut(&id) {
                    *acked = Some((at, by));
                }
            }
            Change::DayClosed { site, closing } => {
                let at = self.day_closed.entry(site).or_insert(closing);
                *at = (*at).max(closing);
            }
        }
    }
}

/// A memory store's open group: its events and rows, kept aside until `commit`.
#[derive(Debug)]
pub struct MemoryGroup<'a> {
    store: &'a mut MemoryStore,
    events: Vec<Event>,
    changes: Vec<Change>,
}

impl Store for MemoryStore {
    type Error = InjectedFailure;
    type Group<'a> = MemoryGroup<'a>;

    fn load(&self) -> Result<Projections, InjectedFailure> {
        let mut alerts: Vec<OpenAlert> =
            self.alerts.values().filter(|(_, acked)| acked.is_none()).map(|(a, _)| a.clone()).collect();
        // As SQLite orders them: by the millisecond raised, then id.
        alerts.sort_by(|a, b| {
            (a.raised_at.as_millisecond(), &a.alert.id).cmp(&(b.raised_at.as_millisecond(), &b.alert.id))
        });
        Ok(Projections {
            tickets: self.tickets.values().cloned().collect(),
            desks: self.desks.values().cloned().collect(),
            counters: self.counters.clone(),
            service_times: self.service_times.clone(),
            alerts,
            day_closed: self.day_closed.clone(),
        })
    }

    fn last_seq(&self) -> Result<u64, InjectedFailure> {
        Ok(self.events.len() as u64)
    }

    fn begin(&mut self) -> Result<MemoryGroup<'_>, InjectedFailure> {
        Ok(MemoryGroup { store: self, events: Vec::new(), changes: Vec::new() })
    }

    fn events_after(&self, origin_seq: u64, limit: usize) -> Result<Vec<(u64, Event)>, InjectedFailure> {
        let from = usize::try_from(origin_seq).unwrap_or(usize::MAX).min(self.events.len());
        Ok(self.events[from..].iter().zip(origin_seq + 1..).take(limit).map(|(e, o)| (o, e.clone())).collect())
    }

    fn acknowledge(&mut self, watermark: u64, now: Timestamp) -> Result<u64, InjectedFailure> {
        self.acked = self.acked.max(watermark.min(self.events.len() as u64));
        self.contact = Some(now);
        Ok(self.acked)
    }
}

impl Group for MemoryGroup<'_> {
    type Error = InjectedFailure;

    fn append(&mut self, event: &Event) -> Result<u64, InjectedFailure> {
        self.events.push(event.clone());
        Ok((self.store.events.len() + self.events.len()) as u64)
    }

    fn put(&mut self, change: Change) -> Result<(), InjectedFailure> {
        self.changes.push(change);
        Ok(())
    }

    fn commit(self) -> Result<(), InjectedFailure> {
        let MemoryGroup { store, events, changes } = self;
        if store.failing > 0 {
            store.failing -= 1;
            return Err(InjectedFailure);
        }
        store.events.extend(events);
        for c in changes {
            store.apply(c);
        }
        Ok(())
    }
}
