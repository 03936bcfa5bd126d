//! `queue_core::store::Store` for SQLite: the writer's one connection, a group of changes as one
//! `BEGIN IMMEDIATE` transaction, over the functions of this module (the SQL stays in them).

use super::{DbError, Result, outbox};
use jiff::Timestamp;
use queue_core::store::{Change, Group, Store};
use queue_core::{Event, Projections};
use rusqlite::{Connection, Transaction, TransactionBehavior};

/// A site's store: the write connection the writer thread owns.
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    pub fn new(conn: Connection) -> SqliteStore {
        SqliteStore { conn }
    }
    /// For reads on the writer's thread (consistent with what it committed).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// One open group: an immediate transaction. Dropped without `commit`, it rolls back.
pub struct SqliteGroup<'a> {
    tx: Transaction<'a>,
}

impl SqliteGroup<'_> {
    /// The transaction, for the server's own records written with the group's events
    /// (idempotency, booking claims, print jobs) and reads inside it.
    pub fn tx(&self) -> &Transaction<'_> {
        &self.tx
    }
}

impl Store for SqliteStore {
    type Error = DbError;
    type Group<'a> = SqliteGroup<'a>;

    fn load(&self) -> Result<Projections> {
        super::load_state(&self.conn)
    }

    fn last_seq(&self) -> Result<u64> {
        super::max_event_seq(&self.conn)
    }

    fn begin(&mut self) -> Result<SqliteGroup<'_>> {
        // IMMEDIATE: take the write lock first (waiting out a login's session insert on its own
        // connection) rather than fail with SQLITE_BUSY when a read snapshot cannot be upgraded.
        Ok(SqliteGroup { tx: self.conn.transaction_with_behavior(TransactionBehavior::Immediate)? })
    }

    fn events_after(&self, origin_seq: u64, limit: usize) -> Result<Vec<(u64, Event)>> {
        outbox::after(&self.conn, origin_seq, limit)
    }

    fn acknowledge(&mut self, watermark: u64, now: Timestamp) -> Result<u64> {
        outbox::acknowledge(&self.conn, watermark, now)
    }
}

impl Group for SqliteGroup<'_> {
    type Error = DbError;

    fn append(&mut self, event: &Event) -> Result<u64> {
        super::insert_event(&self.tx, event)
    }

    fn put(&mut self, change: Change) -> Result<()> {
        let tx = &self.tx;
        match &change {
            Change::Issued { ticket, token_hash } => super::insert_ticket(tx, ticket, token_hash),
            Change::Ticket(t) => super::update_ticket(tx, t),
            Change::Desk(d) => super::upsert_desk(tx, d),
            Change::Counter { site, service, counter } => super::upsert_counter(tx, site, service, counter),
            Change::ServiceTimes { site, service, recent } => super::upsert_service_times(tx, site, service, recent),
            Change::AlertRaised(a) => super::insert_alert(tx, a),
            Change::AlertAcked { id, at, by } => super::ack_alert(tx, id, *at, by),
            Change::DayClosed { site, closing } => super::upsert_day_closed(tx, site, *closing),
        }
    }

    fn commit(self) -> Result<()> {
        Ok(self.tx.commit()?)
    }
}

#[cfg(test)]
mod tests {
    //! The boundary made real: the same random commands, in random groups (some failing), through
    //! the engine with the memory store and with SQLite give the same events, the same numbers and
    //! the same restored state, also after a restart.

    use super::*;
    use crate::db;
    use jiff::tz::TimeZone;
    use jiff::{SignedDuration, Timestamp};
    use proptest::prelude::*;
    use queue_core::engine::IssueTicket;
    use queue_core::event::Alert;
    use queue_core::store::{MemoryStore, RecordError, record};
    use queue_core::{
        Actor, Command, DeskId, DeskRules, DeskStatus, Engine, Priority, Role, Rules, ServiceId, ServiceRules, SiteId,
        SiteRules, StaffId, Status, TicketId,
    };

    const SITE: &str = "s1";
    const SERVICES: [&str; 2] = ["A", "B"];
    const DESKS: [&str; 3] = ["d1", "d2", "d3"];
    const STAFF: [&str; 3] = ["alice", "bob", "carol"];

    fn rules() -> Rules {
        let site = SiteId::from(SITE);
        let mut rules = Rules::default();
        rules.sites.insert(
            site.clone(),
            SiteRules {
                id: site.clone(),
                time_zone: TimeZone::UTC,
                default_language: "it".into(),
                opening_hours: None,
                out_of_order_calls: true,
                aging: true,
                transfer_fallback_s: 600,
                any_ticket_role: Role::Manager,
                keep_queue_overnight: false,
                expire_grace_s: 0,
                walk_in_guard: Some(2),
            },
        );
        for (i, s) in SERVICES.iter().enumerate() {
            rules.services.insert(
                (site.clone(), ServiceId::from(*s)),
                ServiceRules {
                    site: site.clone(),
                    id: ServiceId::from(*s),
                    prefix: s.chars().next().unwrap(),
                    public_label: format!("Room {i}"),
                    target_wait_s: 600,
                    daily_cap: (i == 1).then_some(4),
                    opening_hours: None,
                    roles: vec![],
                    default_service_time_s: 300,
                },
            );
        }
        for (k, d) in DESKS.iter().enumerate() {
            rules.desks.insert(
                DeskId::from(*d),
                DeskRules {
                    id: DeskId::from(*d),
                    site: site.clone(),
                    label: format!("Desk {k}"),
                    services: if k == 2 { vec![ServiceId::from("B")] } else { SERVICES.map(ServiceId::from).to_vec() },
                },
            );
        }
        rules
    }

    /// One step of a history: what to do (`kind`), two picks, and how far the clock moves first.
    type Op = (u8, u8, u8, i64);

    fn op() -> impl Strategy<Value = Op> {
        let delay = prop_oneof![4 => 0i64..120, 2 => 120i64..900, 1 => Just(10 * 3600i64)];
        (0u8..20, any::<u8>(), any::<u8>(), delay)
    }

    fn pick<T: Clone>(v: &[T], i: u8) -> Option<T> {
        (!v.is_empty()).then(|| v[usize::from(i) % v.len()].clone())
    }

    /// A command against the engine's current state, and who sends it.
    fn command(engine: &Engine, (kind, a, b, _): Op, issued: &mut Vec<TicketId>, alerts: &mut u32) -> (Command, Actor) {
        let site = SiteId::from(SITE);
        let s = engine.state();
        let with = |st: &[Status]| -> Vec<TicketId> {
            s.tickets.values().filter(|t| st.contains(&t.status)).map(|t| t.id.clone()).collect()
        };
        let any_ticket = pick(issued, a).unwrap_or_else(|| TicketId::from("none"));
        let ticket = |st: &[Status]| pick(&with(st), a).unwrap_or_else(|| any_ticket.clone());
        let desk = DeskId::from(DESKS[usize::from(a) % DESKS.len()]);
        let staff =
            Actor::Staff { id: StaffId::from(STAFF[usize::from(b) % STAFF.len()]), role: Role::Admin, sites: vec![] };
        let cmd = match kind {
            0..=4 => {
                let id = TicketId::new(format!("t{:03}", issued.len() + 1));
                issued.push(id.clone());
                Command::Issue(IssueTicket {
                    id,
                    site,
                    service: ServiceId::from(SERVICES[usize::from(a) % 2]),
                    priority: Priority::ALL[usize::from(b) % Priority::ALL.len()],
                    appointment_at: None,
                    language: "it".into(),
                    party_size: 1,
                    needs: vec![],
                })
            }
            5 => {
                let closed: Vec<DeskId> =
                    s.desks.values().filter(|d| d.status != DeskStatus::Open).map(|d| d.id.clone()).collect();
                Command::OpenDesk {
                    desk: pick(&closed, a).unwrap_or(desk),
                    staff: StaffId::from(STAFF[usize::from(b) % STAFF.len()]),
                    languages: vec!["it".into()],
                    professions: vec![],
                }
            }
            6 => Command::PauseDesk { desk },
            7 => Command::CloseDesk { desk },
            8 | 9 => {
                let idle: Vec<DeskId> = s
                    .desks
                    .values()
                    .filter(|d| d.status == DeskStatus::Open && d.current.is_none())
                    .map(|d| d.id.clone())
                    .collect();
                Command::CallNext { desk: pick(&idle, a).unwrap_or(desk), ticket: None }
            }
            10 => Command::Start { ticket: ticket(&[Status::Called]) },
            11 => Command::Finish { ticket: ticket(&[Status::Serving]) },
            12 => Command::NoShow { ticket: ticket(&[Status::Called]) },
            13 => Command::Cancel { ticket: ticket(&[Status::Waiting]) },
            14 => Command::Hold { ticket: ticket(&[Status::Called, Status::Serving]) },
            15 => Command::Return {
                ticket: ticket(&[Status::Called, Status::Serving, Status::OnHold]),
                keep_position: b % 2 == 0,
            },
            16 => Command::Transfer {
                ticket: ticket(&[Status::Called, Status::Serving]),
                service: Some(ServiceId::from(SERVICES[usize::from(b) % 2])),
                desk: None,
                staff: None,
                keep_position: b % 3 == 0,
            },
            17 => Command::Undo { ticket: any_ticket },
            18 => {
                let open: Vec<String> = s.alerts.keys().cloned().collect();
                match pick(&open, a).filter(|_| b % 2 == 0) {
                    Some(alert) => Command::AckAlert { alert },
                    None => {
                        *alerts += 1;
                        let alert = Alert {
                            id: format!("a{alerts}"),
                            kind: "help_requested".into(),
                            source: "kiosk".into(),
                            message: String::new(),
                            ticket_number: None,
                        };
                        Command::RaiseAlert { site, alert }
                    }
                }
            }
            _ if b % 2 == 0 => Command::LiftCap { site, service: ServiceId::from("B") },
            _ => return (Command::CloseDay { site }, Actor::System),
        };
        (cmd, staff)
    }

    /// Execute a batch as the writer does (refused commands put nothing) and commit it; when `rollback`,
    /// drop the group instead (what a failed commit leaves). After a failure the engine is
    /// reloaded from the store, as the writer does.
    fn run_batch<S: Store>(
        store: &mut S,
        engine: &mut Engine,
        batch: &[(Command, Actor, Timestamp)],
        rollback: bool,
    ) -> Vec<(u64, queue_core::Event)> {
        let mut group = store.begin().unwrap();
        let mut out = Vec::new();
        for (cmd, actor, now) in batch {
            let hash = match cmd {
                Command::Issue(t) => Some(format!("hash of {}", t.id)),
                _ => None,
            };
            match record(engine, &mut group, cmd.clone(), actor, *now, hash.as_deref()) {
                Ok(events) => out.extend(events),
                Err(RecordError::Refused(_)) => {}
                Err(e) => panic!("{e}"),
            }
        }
        let committed = if rollback {
            drop(group);
            Err(())
        } else {
            group.commit().map_err(|_| ())
        };
        if committed.is_err() {
            *engine = Engine::restore(rules(), store.load().unwrap());
            out.clear();
        }
        out
    }

    fn restored<S: Store>(store: &S) -> queue_core::engine::State {
        Engine::restore(rules(), store.load().unwrap()).state().clone()
    }

    /// Commit `batch` in one group; `Err` if a command's storage or the commit failed (the group is
    /// then dropped, and the engine reloaded).
    fn try_batch<S: Store>(store: &mut S, engine: &mut Engine, batch: &[Command]) -> std::result::Result<(), String> {
        let admin = Actor::Staff { id: StaffId::from("alice"), role: Role::Admin, sites: vec![] };
        let now = Timestamp::from_second(1_790_000_000).unwrap();
        let mut group = store.begin().map_err(|e| e.to_string())?;
        let mut result = Ok(());
        for cmd in batch {
            let hash = match cmd {
                Command::Issue(t) => Some(format!("hash of {}", t.id)),
                _ => None,
            };
            match record(engine, &mut group, cmd.clone(), &admin, now, hash.as_deref()) {
                Ok(_) | Err(RecordError::Refused(_)) => {}
                Err(e) => {
                    result = Err(e.to_string());
                    break;
                }
            }
        }
        let result = match result {
            Ok(()) => group.commit().map_err(|e| e.to_string()),
            Err(e) => {
                drop(group);
                Err(e)
            }
        };
        if result.is_err() {
            *engine = Engine::restore(rules(), store.load().unwrap());
        }
        result
    }

    fn issue(id: &str) -> Command {
        Command::Issue(IssueTicket {
            id: TicketId::from(id),
            site: SiteId::from(SITE),
            service: ServiceId::from("A"),
            priority: Priority::Standard,
            appointment_at: None,
            language: "it".into(),
            party_size: 1,
            needs: vec![],
        })
    }

    /// A failure injected by `arm` (in an append or the commit) changes nothing: the same events,
    /// numbers and projections as before, the engine reloaded to the state before the batch; the
    /// next group numbers on without a gap.
    fn failure_changes_nothing<S: Store>(store: &mut S, arm: impl FnOnce(&mut S), disarm: impl FnOnce(&mut S)) {
        let mut engine = Engine::restore(rules(), store.load().unwrap());
        let open = Command::OpenDesk {
            desk: DeskId::from("d1"),
            staff: StaffId::from("alice"),
            languages: vec![],
            professions: vec![],
        };
        try_batch(store, &mut engine, &[issue("t1"), issue("t2"), open]).unwrap();
        let before = (store.events_after(0, 100).unwrap(), restored(store), store.last_seq().unwrap());
        assert_eq!(before.0.len(), 3);
        let live = engine.state().clone();
        let second = [issue("t3"), Command::CallNext { desk: DeskId::from("d1"), ticket: None }];
        arm(store);
        assert!(try_batch(store, &mut engine, &second).is_err());
        assert_eq!((store.events_after(0, 100).unwrap(), restored(store), store.last_seq().unwrap()), before);
        assert_eq!(engine.state(), &live, "the engine is reloaded to the state before the batch");
        disarm(store);
        try_batch(store, &mut engine, &second).unwrap();
        let numbers: Vec<u64> = store.events_after(0, 100).unwrap().into_iter().map(|(n, _)| n).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5]);
        assert_eq!(&restored(store), engine.state());
    }

    #[test]
    fn an_injected_failure_changes_nothing_in_memory() {
        failure_changes_nothing(&mut MemoryStore::new(), |m| m.fail_commits(1), |_| {});
    }

    #[test]
    fn an_injected_failure_changes_nothing_in_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::new(db::open_migrated(&db::path(dir.path())).unwrap());
        // The batch's second event fails to append, after its first was written in the group.
        let arm = |s: &mut SqliteStore| {
            s.conn()
                .execute_batch(
                    "CREATE TEMP TRIGGER fail_events BEFORE INSERT ON events \
                     WHEN (SELECT COUNT(*) FROM events) >= 4 BEGIN SELECT RAISE(ABORT, 'injected'); END",
                )
                .unwrap()
        };
        let disarm = |s: &mut SqliteStore| s.conn().execute_batch("DROP TRIGGER fail_events").unwrap();
        failure_changes_nothing(&mut store, arm, disarm);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn sqlite_and_memory_stores_agree(ops in prop::collection::vec((op(), 1usize..5, prop::bool::weighted(0.1)), 1..50)) {
            let dir = tempfile::tempdir().unwrap();
            let path = db::path(dir.path());
            let mut sqlite = SqliteStore::new(db::open_for_seeding(&path).unwrap());
            let mut memory = MemoryStore::new();
            let mut e_sql = Engine::restore(rules(), sqlite.load().unwrap());
            let mut e_mem = Engine::restore(rules(), memory.load().unwrap());
            let mut now = Timestamp::from_second(1_790_000_000).unwrap();
            let (mut issued, mut alerts) = (Vec::new(), 0);
            let mut i = 0;
            while i < ops.len() {
                let (_, size, fail) = ops[i];
                let mut batch = Vec::new();
                for &(op, _, _) in &ops[i..(i + size).min(ops.len())] {
                    now += SignedDuration::from_secs(op.3);
                    let (cmd, actor) = command(&e_mem, op, &mut issued, &mut alerts);
                    batch.push((cmd, actor, now));
                }
                i += size;
                // A failing batch: the memory store's commit fails (injected); SQLite's group is
                // dropped, as a failed transaction is.
                if fail {
                    memory.fail_commits(1);
                }
                let a = run_batch(&mut sqlite, &mut e_sql, &batch, fail);
                let b = run_batch(&mut memory, &mut e_mem, &batch, false);
                prop_assert_eq!(&a, &b);
                prop_assert_eq!(e_sql.state(), e_mem.state());
            }
            let stored: Vec<_> = memory.events().map(|(s, e)| (s, e.clone())).collect();
            prop_assert_eq!(db::all_events(sqlite.conn()).unwrap(), stored);
            prop_assert_eq!(sqlite.events_after(0, usize::MAX >> 1).unwrap(), memory.events_after(0, usize::MAX >> 1).unwrap());
            prop_assert_eq!(sqlite.last_seq().unwrap(), memory.last_seq().unwrap());
            // The projections give back the live state, in both stores, and after a restart.
            prop_assert_eq!(&restored(&memory), e_mem.state());
            prop_assert_eq!(&restored(&sqlite), e_mem.state());
            drop(sqlite);
            let again = SqliteStore::new(db::open_migrated(&path).unwrap());
            prop_assert_eq!(&restored(&again), e_mem.state());
            let (ok, n) = db::outbox::check_unacked_gap_free(again.conn()).unwrap();
            prop_assert!(ok);
            prop_assert_eq!(n, memory.last_seq().unwrap());
        }
    }
}
