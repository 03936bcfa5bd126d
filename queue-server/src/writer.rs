//! The queue actor: one thread owns the SQLite write connection and the engine. It takes
//! jobs from a channel, executes a batch of commands in one transaction (group commit),
//! replies only after the commit, then broadcasts. Reads that need the live state run on
//! this thread too, after the batch's commit, so they never see uncommitted changes.
//!
//! If a transaction fails (disk full, I/O error), every change of the batch is answered
//! 503 and the engine is reloaded from the database: nothing unacknowledged is kept,
//! nothing acknowledged is lost.
//!
//! Storage goes through `queue_core::store` (`db::store::SqliteStore`): a batch is one `Group`,
//! each command's events are appended and the rows they change (`store::Before::changes`) put;
//! the server's own records (idempotency, booking claims, print jobs) go into the same
//! transaction (`SqliteGroup::tx`).

use crate::db;
use crate::db::store::{SqliteGroup, SqliteStore};
use crate::hub::{Hub, Msg};
use crate::metrics::Metrics;
use crate::views;
use config::Config;
use jiff::Timestamp;
use queue_core::store::{self as core_store, Change, Group, Store};
use queue_core::wire::{CallView, TicketView};
use queue_core::{Actor, Command, Engine, Event, EventKind, QueueError, SiteId, Status, Ticket, TicketId};
use rusqlite::Connection;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Commands committed together at most.
const MAX_BATCH: usize = 512;
/// Under sustained load (the last commit ended less than this long ago) a small batch waits this
/// long for more commands before it commits: one fsync and one write of the hot pages (the event
/// log's tail, the desks) then serve several times the commands. Idle, nothing waits.
const COMMIT_DELAY: std::time::Duration = std::time::Duration::from_millis(1);
/// Batches at least this large commit at once.
const SMALL_BATCH: usize = 64;
/// Recent calls kept per site for display snapshots.
const RECENT_CALLS: usize = 12;

pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// What a command answers.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// 201 for an issued ticket, 200 otherwise.
    Ticket {
        view: Box<TicketView>,
        created: bool,
    },
    Desk(Box<queue_core::wire::DeskView>),
    /// 204: nobody waits.
    NoContent,
    /// 202: an alert was raised.
    Accepted,
    /// An alert (202 raised, 200 acknowledged).
    Alert(Box<queue_core::wire::AlertView>, u16),
    /// The stored answer of an earlier request with the same `Idempotency-Key`.
    Replay {
        status: u16,
        body: String,
    },
}

impl Outcome {
    pub fn status(&self) -> u16 {
        match self {
            Outcome::Ticket { created: true, .. } => 201,
            Outcome::Ticket { .. } | Outcome::Desk(_) => 200,
            Outcome::NoContent => 204,
            Outcome::Accepted => 202,
            Outcome::Alert(_, status) => *status,
            Outcome::Replay { status, .. } => *status,
        }
    }
    pub fn body(&self) -> String {
        match self {
            Outcome::Ticket { view, .. } => views::to_json(view),
            Outcome::Desk(d) => views::to_json(d),
            Outcome::NoContent => String::new(),
            Outcome::Accepted => "{}".into(),
            Outcome::Alert(a, _) => views::to_json(a),
            Outcome::Replay { body, .. } => body.clone(),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ExecError {
    #[error(transparent)]
    Queue(#[from] QueueError),
    /// The batch's transaction failed: every change in it is answered with the same error.
    #[error("storage failed: {0}")]
    Storage(Arc<db::DbError>),
    #[error("the server is shutting down")]
    ShuttingDown,
    /// An `Idempotency-Key` used again for a different request.
    #[error("this Idempotency-Key was already used for a different request; use a new key for a new request")]
    KeyReused,
    /// A check-in's booking was no longer `booked` when its transaction claimed it.
    #[error("this code was already used to check in")]
    CodeUsed,
}

/// One change to make, and who asks for it (the engine decides with the actor and records it).
pub struct Exec {
    pub cmd: Command,
    pub actor: Actor,
    /// For `Issue`: the new ticket's token, returned in the answer; only its hash is stored. With an
    /// `Idempotency-Key` it is derived from the key (`auth::keyed_token`), so a retry gets it back
    /// without it ever being stored.
    pub token: Option<String>,
    pub idempotency: Option<Idempotency>,
    /// For `Issue` from reception: the print job queued with the ticket, in its transaction.
    pub print: Option<PrintAt>,
    /// For `CheckIn`: the booking claimed (`booked` → `checked_in`) in the ticket's transaction, so
    /// a code is used exactly when its ticket exists, even if two kiosks race or the server dies.
    pub claim: Option<String>,
}

impl Exec {
    pub fn new(cmd: Command, actor: Actor) -> Exec {
        Exec { cmd, actor, token: None, idempotency: None, print: None, claim: None }
    }
}

/// A ticket to print at a kiosk (issue 19): the job's id, the kiosk, and what its token is derived
/// from (`auth::keyed_token`), so the job can hand the kiosk the token without storing it.
#[derive(Debug, Clone)]
pub struct PrintAt {
    pub job: String,
    pub device: String,
    pub token_scope: String,
    pub token_key: String,
}

/// An `Idempotency-Key` and what it was first used for.
#[derive(Debug, Clone)]
pub struct Idempotency {
    /// Who and which route (`staff:giulia:call-next:lt-sportello-1`).
    pub scope: String,
    pub key: String,
    /// SHA-256 of the request (route and body): the same key with another request is refused.
    pub request_hash: String,
}

type Reply = oneshot::Sender<Result<Outcome, ExecError>>;
/// A read of the live state, run on the actor thread.
pub type ReadFn = Box<dyn FnOnce(&Live<'_>) + Send>;

enum Job {
    Exec(Box<Exec>, Reply),
    Read(ReadFn),
}

/// What reads see: configuration, engine, the write connection (for consistent reads), recent calls.
pub struct Live<'a> {
    pub cfg: &'a Config,
    pub engine: &'a Engine,
    pub conn: &'a Connection,
    pub recent_calls: &'a HashMap<SiteId, VecDeque<CallView>>,
    pub last_event_id: u64,
    pub now: Timestamp,
}

#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl Writer {
    /// Execute one command; the answer arrives after its commit.
    pub async fn exec(&self, exec: Exec) -> Result<Outcome, ExecError> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(Job::Exec(Box::new(exec), reply)).await.map_err(|_| ExecError::ShuttingDown)?;
        rx.await.map_err(|_| ExecError::ShuttingDown)?
    }

    /// Run `f` against the live state on the actor thread.
    pub async fn read<T: Send + 'static>(&self, f: impl FnOnce(&Live<'_>) -> T + Send + 'static) -> Option<T> {
        let (reply, rx) = oneshot::channel();
        let job: ReadFn = Box::new(move |live| {
            let _ = reply.send(f(live));
        });
        self.tx.send(Job::Read(job)).await.ok()?;
        rx.await.ok()
    }
}

struct QueueActor {
    cfg: Arc<Config>,
    store: SqliteStore,
    engine: Engine,
    hub: Arc<Hub>,
    metrics: Arc<Metrics>,
    clock: Clock,
    recent_calls: HashMap<SiteId, VecDeque<CallView>>,
    last_event_id: u64,
}

/// Load the engine from the database's projections.
pub fn load_engine(cfg: &Config, conn: &Connection) -> db::Result<Engine> {
    let s = db::load_state(conn)?;
    Ok(Engine::restore(cfg.rules(), s))
}

/// Load the engine from a store's projections.
fn restore<S: Store>(cfg: &Config, store: &S) -> Result<Engine, S::Error> {
    Ok(Engine::restore(cfg.rules(), store.load()?))
}

/// Start the actor thread. It stops when every `Writer` is dropped, after finishing its jobs.
pub fn start(
    cfg: Arc<Config>,
    conn: Connection,
    hub: Arc<Hub>,
    metrics: Arc<Metrics>,
    clock: Clock,
) -> anyhow::Result<(Writer, std::thread::JoinHandle<()>)> {
    let store = SqliteStore::new(conn);
    let engine = restore(&cfg, &store)?;
    let last_event_id = store.last_seq()?;
    let conn = store.conn();
    let mut recent_calls = HashMap::new();
    for site in &cfg.sites {
        let mut calls = VecDeque::new();
        for (_, e, t) in db::recent_calls(conn, &site.id, RECENT_CALLS * 2)?.into_iter().rev() {
            note_call(&cfg, &mut calls, &e, &t);
        }
        recent_calls.insert(site.id.clone(), calls);
    }
    let (tx, rx) = mpsc::channel(16 * 1024);
    let mut actor = QueueActor { cfg, store, engine, hub, metrics, clock, recent_calls, last_event_id };
    let handle = std::thread::Builder::new()
        .name("queue-writer".into())
        .spawn(move || actor.run(rx))
        .map_err(|e| anyhow::anyhow!("cannot start the writer thread: {e}"))?;
    Ok((Writer { tx }, handle))
}

/// Keep the recent-calls list of a site up to date with a call or recall.
fn note_call(cfg: &Config, calls: &mut VecDeque<CallView>, e: &Event, t: &Ticket) {
    match &e.kind {
        EventKind::TicketCalled { .. } | EventKind::TicketRecalled { .. } => {
            let recalls = calls.iter().position(|c| c.ticket.number == t.number).and_then(|i| calls.remove(i));
            if let Some(mut view) = views::call_view(cfg, t, e.at) {
                if matches!(e.kind, EventKind::TicketRecalled { .. }) {
                    view.recalls = recalls.map_or(1, |c| c.recalls + 1);
                }
                view.ticket.status = Status::Called;
                calls.push_front(view);
                calls.truncate(RECENT_CALLS);
            }
        }
        _ => {
            if let Some(c) = calls.iter_mut().find(|c| c.ticket.number == t.number) {
                c.ticket.status = t.status;
            }
        }
    }
}

/// The state a command is about to move a ticket to (for refusals of finished tickets).
fn target_status(cmd: &Command) -> Option<(&TicketId, Status)> {
    Some(match cmd {
        Command::Recall { ticket } => (ticket, Status::Called),
        Command::Start { ticket } => (ticket, Status::Serving),
        Command::Finish { ticket } => (ticket, Status::Done),
        Command::NoShow { ticket } => (ticket, Status::NoShow),
        Command::Cancel { ticket } => (ticket, Status::Cancelled),
        Command::Hold { ticket } => (ticket, Status::OnHold),
        Command::Return { ticket, .. } | Command::Transfer { ticket, .. } => (ticket, Status::Waiting),
        Command::CallNext { ticket: Some(ticket), .. } => (ticket, Status::Called),
        _ => return None,
    })
}

struct Pending {
    reply: Reply,
    result: Result<Outcome, ExecError>,
    /// Whether this answer depends on the batch's commit.
    changed: bool,
}

impl QueueActor {
    /// Housekeeping between batches, at most hourly: old idempotency records, expired sessions.
    /// (Statistics roll-ups and the retention purge run on their own thread: `rollup.rs`.)
    fn maintain(&mut self, next: &mut std::time::Instant) {
        let now = std::time::Instant::now();
        if now < *next {
            return;
        }
        *next = now + std::time::Duration::from_secs(3600);
        let at = (self.clock)();
        match db::purge_expired(self.store.conn(), at) {
            Ok(n) if n > 0 => tracing::info!(purged = n, "purged old idempotency records and sessions"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "housekeeping failed; will retry in an hour"),
        }
    }

    fn run(&mut self, mut rx: mpsc::Receiver<Job>) {
        let mut maintained = std::time::Instant::now();
        self.maintain(&mut maintained);
        let mut committed = std::time::Instant::now() - 2 * COMMIT_DELAY;
        while let Some(first) = rx.blocking_recv() {
            let mut jobs = vec![first];
            let drain = |jobs: &mut Vec<Job>, rx: &mut mpsc::Receiver<Job>| {
                while jobs.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(j) => jobs.push(j),
                        Err(_) => break,
                    }
                }
            };
            drain(&mut jobs, &mut rx);
            if jobs.len() < SMALL_BATCH && committed.elapsed() < COMMIT_DELAY {
                std::thread::sleep(COMMIT_DELAY);
                drain(&mut jobs, &mut rx);
            }
            let mut execs = Vec::new();
            let mut reads = Vec::new();
            for j in jobs {
                match j {
                    Job::Exec(e, r) => execs.push((*e, r)),
                    Job::Read(f) => reads.push(f),
                }
            }
            if !execs.is_empty() {
                self.batch(execs);
                committed = std::time::Instant::now();
                self.maintain(&mut maintained);
            }
            if !reads.is_empty() {
                let live = Live {
                    cfg: &self.cfg,
                    engine: &self.engine,
                    conn: self.store.conn(),
                    recent_calls: &self.recent_calls,
                    last_event_id: self.last_event_id,
                    now: (self.clock)(),
                };
                for f in reads {
                    f(&live);
                }
            }
        }
        tracing::info!("queue writer stopped");
    }

    fn batch(&mut self, execs: Vec<(Exec, Reply)>) {
        let started = std::time::Instant::now();
        let n = execs.len();
        let mut pending = Vec::with_capacity(n);
        let mut msgs: Vec<(SiteId, Msg)> = Vec::new();
        let mut calls: Vec<(SiteId, Event, Ticket)> = Vec::new();
        let mut sites = BTreeSet::new();
        // One group (`BEGIN IMMEDIATE`) for the whole batch.
        let mut group = match self.store.begin() {
            Ok(group) => group,
            Err(e) => {
                // Logged once per request at the HTTP edge; counted here.
                self.metrics.commit_failures.inc();
                let e = Arc::new(e);
                for (_, reply) in execs {
                    let _ = reply.send(Err(ExecError::Storage(e.clone())));
                }
                return;
            }
        };
        let mut failure: Option<Arc<db::DbError>> = None;
        let mut next_seq = self.last_event_id;
        for (exec, reply) in execs {
            if let Some(f) = &failure {
                pending.push(Pending { reply, result: Err(ExecError::Storage(f.clone())), changed: true });
                continue;
            }
            let step = step(&self.cfg, &mut self.engine, &mut group, exec, (self.clock)(), &mut next_seq);
            match step {
                Ok(StepOut { outcome, events, changed }) => {
                    for (seq, e, t, pos, desk) in events {
                        if let (EventKind::TicketCalled { .. }, Some(t)) = (&e.kind, &t)
                            && t.called_at == Some(e.at)
                            && t.journey.len() == 1
                            && let Some(told) = t.estimated_wait_s
                        {
                            let waited = e.at.duration_since(t.issued_at).as_secs_f64();
                            self.metrics.estimate_error_seconds.observe((waited - f64::from(told)).abs());
                        }
                        let (public, staff) = views::stream_payloads(&self.cfg, &e, t.as_ref(), pos, desk.as_ref());
                        sites.insert(e.site.clone());
                        if let Some(t) = t.filter(|_| e.kind.ticket_id().is_some()) {
                            calls.push((e.site.clone(), e.clone(), t));
                        }
                        msgs.push((e.site.clone(), Msg { id: Some(seq), event: e.kind.name(), public, staff }));
                    }
                    pending.push(Pending { reply, result: Ok(outcome), changed });
                }
                Err(StepErr::Refused(e)) => pending.push(Pending { reply, result: Err(e), changed: false }),
                Err(StepErr::Storage(e)) => {
                    let e = Arc::new(e);
                    failure = Some(e.clone());
                    pending.push(Pending { reply, result: Err(ExecError::Storage(e)), changed: true });
                }
            }
        }
        if failure.is_none() {
            if let Err(e) = group.commit() {
                failure = Some(Arc::new(e));
            }
        } else {
            // Dropping the group rolls it back.
            drop(group);
        }
        if let Some(err) = failure {
            // The requests are answered 503 and log the failure at the edge; the reload is logged here.
            tracing::warn!(batch = n, "a batch failed; reloading the state from the database");
            self.metrics.commit_failures.inc();
            match restore(&self.cfg, &self.store) {
                Ok(engine) => self.engine = engine,
                Err(e) => tracing::error!(error = %e, "reloading state failed"),
            }
            for p in pending {
                let result = if p.changed { Err(ExecError::Storage(err.clone())) } else { p.result };
                let _ = p.reply.send(result);
            }
            return;
        }
        self.last_event_id = next_seq;
        self.hub.advance(next_seq);
        self.metrics.observe_batch(n, started.elapsed());
        for p in pending {
            let _ = p.reply.send(p.result);
        }
        for (site, e, t) in calls {
            if let Some(list) = self.recent_calls.get_mut(&site) {
                note_call(&self.cfg, list, &e, &t);
            }
        }
        for (site, msg) in msgs {
            self.hub.publish(&site, msg);
        }
        let now = (self.clock)();
        for site in sites {
            let queues = self.engine.queues(&site, now);
            let public = views::queue_views(&self.cfg, &site, queues.clone(), views::Audience::Public);
            let staff = views::queue_views(&self.cfg, &site, queues, views::Audience::Staff);
            let public = views::queue_payload(&self.cfg, &site, now, public);
            let staff = views::queue_payload(&self.cfg, &site, now, staff);
            self.hub.publish(&site, Msg { id: None, event: "queue.updated", public: Some(public), staff });
        }
    }
}

type EventOut = (u64, Event, Option<Ticket>, views::Pos, Option<queue_core::DeskState>);

struct StepOut {
    outcome: Outcome,
    events: Vec<EventOut>,
    changed: bool,
}

enum StepErr {
    Refused(ExecError),
    Storage(db::DbError),
}

impl From<db::DbError> for StepErr {
    fn from(e: db::DbError) -> StepErr {
        StepErr::Storage(e)
    }
}

/// A stored issue answer with its token (and the URL made of it) put back.
fn with_token(body: &str, token: &str) -> String {
    match serde_json::from_str::<TicketView>(body) {
        Ok(mut view) => {
            view.status_url = views::status_url(token);
            view.token = Some(token.to_owned());
            views::to_json(&view)
        }
        // Not a ticket (an error answer): as stored.
        Err(_) => body.to_owned(),
    }
}

/// Execute one command inside the batch's transaction.
fn step(
    cfg: &Config,
    engine: &mut Engine,
    group: &mut SqliteGroup<'_>,
    exec: Exec,
    now: Timestamp,
    next_seq: &mut u64,
) -> Result<StepOut, StepErr> {
    if let Some(idem) = &exec.idempotency
        && let Some((status, body, request_hash)) = db::idempotent_reply(group.tx(), &idem.scope, &idem.key)?
    {
        // Records from before request hashes were kept have none: they answer as they did.
        if !request_hash.is_empty() && request_hash != idem.request_hash {
            return Err(StepErr::Refused(ExecError::KeyReused));
        }
        let body = match &exec.token {
            Some(token) if status == 201 => with_token(&body, token),
            _ => body,
        };
        return Ok(StepOut { outcome: Outcome::Replay { status, body }, events: vec![], changed: false });
    }
    // What the command may change, as it is now (the engine lets finished tickets go).
    let mut before = core_store::Before::capture(engine, &exec.cmd);
    let desk_cmd = match &exec.cmd {
        Command::OpenDesk { desk, .. }
        | Command::PauseDesk { desk }
        | Command::CloseDesk { desk }
        | Command::CallNext { desk, .. } => Some(desk.clone()),
        _ => None,
    };
    let cmd_for_errors = exec.cmd.clone();
    let acked_alert = match &exec.cmd {
        Command::AckAlert { alert } => engine.state().alerts.get(alert).cloned(),
        _ => None,
    };
    // A check-in claims its booking first; a refused ticket gives the claim back in the same
    // transaction (the batch's other commands still commit).
    let claim = match (&exec.claim, &exec.cmd) {
        (Some(booking), Command::CheckIn(req)) => {
            if !db::appointments::claim(group.tx(), booking, req.id.as_str(), now)? {
                return Err(StepErr::Refused(ExecError::CodeUsed));
            }
            Some(booking.clone())
        }
        _ => None,
    };
    let executed = engine.execute(exec.cmd, &exec.actor, now);
    if executed.is_err()
        && let Some(booking) = &claim
    {
        db::appointments::unclaim(group.tx(), booking, now)?;
    }
    let events = match executed {
        Ok(ev) => ev,
        Err(QueueError::UnknownTicket(id)) => {
            // A finished ticket is not in the engine: explain with its stored state.
            if let (Some((_, to)), Some((number, from))) =
                (target_status(&cmd_for_errors), db::ticket_status(group.tx(), id.as_str())?)
            {
                return Err(StepErr::Refused(QueueError::IllegalTransition { number, from, to }.into()));
            }
            return Err(StepErr::Refused(QueueError::UnknownTicket(id).into()));
        }
        Err(e) => return Err(StepErr::Refused(e.into())),
    };
    let token_hash = exec.token.as_deref().map(crate::auth::secret_hash);
    let mut out = Vec::with_capacity(events.len());
    let mut touched_ticket: Option<Ticket> = None;
    for e in events {
        let seq = group.append(&e)?;
        *next_seq = seq;
        let changes = before
            .changes(engine, &e, token_hash.as_deref())
            .map_err(|e| StepErr::Storage(db::DbError::Inconsistent(e.0)))?;
        let ticket = changes.iter().find_map(Change::ticket).cloned();
        for c in changes {
            group.put(c)?;
        }
        // An appointment's no-show frees its booking's slot and counts it missed (undone: kept).
        if let Some(t) = ticket.as_ref().filter(|t| t.priority == queue_core::Priority::Appointment) {
            match &e.kind {
                EventKind::TicketNoShow { .. } => {
                    db::appointments::ticket_outcome(group.tx(), t.id.as_str(), true, e.at)?
                }
                EventKind::TicketReopened { status: Status::Called, .. } => {
                    db::appointments::ticket_outcome(group.tx(), t.id.as_str(), false, e.at)?
                }
                _ => {}
            }
        }
        let pos = match &ticket {
            Some(t) if t.status == Status::Waiting => views::position(engine, t, now),
            _ => (0, Some(queue_core::Estimate::ZERO)),
        };
        let desk_state = e.kind.desk_id().and_then(|d| engine.desk(d)).cloned();
        if ticket.is_some() {
            touched_ticket.clone_from(&ticket);
        }
        out.push((seq, e, ticket, pos, desk_state));
    }
    let outcome = if let Some(t) = touched_ticket {
        let created = matches!(cmd_for_errors, Command::Issue(_) | Command::CheckIn(_));
        let pos = views::position(engine, &t, now);
        Outcome::Ticket { view: Box::new(views::ticket_view(cfg, &t, pos, exec.token.clone())), created }
    } else if let Some(d) = desk_cmd.as_ref().filter(|_| !matches!(cmd_for_errors, Command::CallNext { .. })) {
        match engine.desk(d) {
            Some(state) => Outcome::Desk(Box::new(views::desk_view(cfg, engine, state, now))),
            None => Outcome::NoContent,
        }
    } else if let Command::RaiseAlert { alert, .. } = &cmd_for_errors
        && let Some(open) = engine.state().alerts.get(&alert.id)
    {
        Outcome::Alert(Box::new(views::alert_view(cfg, open, None)), 202)
    } else if let Some(open) = &acked_alert {
        let by = exec.actor.id().to_string();
        Outcome::Alert(Box::new(views::alert_view(cfg, open, Some((now, by)))), 200)
    } else if matches!(cmd_for_errors, Command::RaiseAlert { .. } | Command::LiftCap { .. } | Command::CloseDay { .. })
    {
        Outcome::Accepted
    } else {
        Outcome::NoContent
    };
    let mut outcome = outcome;
    if let (Some(p), Outcome::Ticket { view, created: true }) = (&exec.print, &mut outcome) {
        // Queued with its ticket, in the same transaction: never a job without a ticket.
        let mut bare = (**view).clone();
        bare.token = None;
        bare.status_url = String::new();
        db::print_jobs::insert(
            group.tx(),
            &db::print_jobs::JobRow {
                id: p.job.clone(),
                site: view.site.as_str().to_owned(),
                device: p.device.clone(),
                ticket: view.id.as_str().to_owned(),
                number: view.number.clone(),
                ticket_json: views::to_json(&bare),
                token_scope: p.token_scope.clone(),
                token_key: p.token_key.clone(),
                state: "queued".into(),
                error: None,
                created_ms: now.as_millisecond(),
                taken_ms: None,
                done_ms: None,
            },
        )?;
        view.print_job = Some(p.job.clone());
    }
    let changed = !out.is_empty();
    if let Some(idem) = &exec.idempotency {
        // Stored without the token: a retry gets it back from `exec.token` (derived from the key).
        let stored = match &outcome {
            Outcome::Ticket { view, .. } if view.token.is_some() => {
                let mut bare = view.clone();
                bare.token = None;
                bare.status_url = String::new();
                views::to_json(&bare)
            }
            other => other.body(),
        };
        db::store_idempotent_reply(
            group.tx(),
            &idem.scope,
            &idem.key,
            &idem.request_hash,
            outcome.status(),
            &stored,
            now,
        )?;
    }
    Ok(StepOut { outcome, events: out, changed: changed || exec.idempotency.is_some() })
}
