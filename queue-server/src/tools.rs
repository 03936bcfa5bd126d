//! The small public surface for programs that work on a data directory from outside the HTTP
//! API: the bench, the statistics benchmark, the fault harness and the end-to-end tests. Seeding
//! history and staff sessions, reading a database back to check it, the raw SQLite commit
//! baseline. Everything else a tool needs goes through the HTTP API or [`crate::Running`]; the
//! modules behind this one are the server's own.

use crate::db;
use config::Config;
use jiff::{SignedDuration, Timestamp};
use queue_core::model::Ticket;
use queue_core::{Engine, Event};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why a tool's storage call failed (the storage error, as text: tools report it and stop).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(String);

impl From<db::DbError> for Error {
    fn from(e: db::DbError) -> Error {
        Error(e.to_string())
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        Error(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The database file inside a data directory (its `-wal` file lies beside it).
pub fn database_path(data_dir: &Path) -> PathBuf {
    db::path(data_dir)
}

/// Finished history written straight into a data directory: the days the simulator's history
/// generator made through the engine (`sim::generate`, for the benchmarks and tests), and the
/// statistics tests' hand-computed fixture. Seeds are rebuilt, never recovered, so commits are not
/// synced.
pub struct HistorySeed {
    conn: rusqlite::Connection,
}

impl HistorySeed {
    /// Opens (creating and migrating) the database of `data_dir`.
    pub fn open(data_dir: &Path) -> Result<HistorySeed> {
        std::fs::create_dir_all(data_dir).map_err(|e| Error(format!("{}: {e}", data_dir.display())))?;
        Ok(HistorySeed { conn: db::open_for_seeding(&db::path(data_dir))? })
    }

    /// Stores `tickets` (their projection rows, as they are now) and then `events` (in this
    /// order: it is the order of their ids), in one transaction.
    pub fn write(&mut self, tickets: &[Ticket], events: &[Event]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for t in tickets {
            db::insert_ticket(&tx, t, &format!("seeded-{}", t.id))?;
        }
        for e in events {
            db::insert_event(&tx, e)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Rolls up every past day, as the server's statistics housekeeper does; returns how many
    /// site-days it rolled up.
    pub fn roll_up(&self, cfg: &Config, now: Timestamp) -> Result<usize> {
        Ok(crate::rollup::roll_up(cfg, &self.conn, now)?)
    }
}

/// Staff members `usernames` (role `staff`, Italian, all with `password`, hashed once) with one
/// session each, written before the server starts: a load test of 200 desks would otherwise
/// measure 200 argon2id logins. Returns each one's bearer token, valid for a day.
pub fn add_staff_with_sessions(data_dir: &Path, usernames: &[String], password: &str) -> Result<Vec<String>> {
    std::fs::create_dir_all(data_dir).map_err(|e| Error(format!("{}: {e}", data_dir.display())))?;
    let conn = db::open_migrated(&db::path(data_dir))?;
    let hash = crate::auth::hash_password(password).map_err(|e| Error(e.to_string()))?;
    let now = Timestamp::now();
    let mut tokens = Vec::new();
    for username in usernames {
        let row = db::StaffRow {
            username: username.clone(),
            display_name: username.clone(),
            role: "staff".into(),
            languages: vec!["it".into()],
            professions: vec![],
            password_hash: hash.clone(),
            disabled: false,
            sites: None,
        };
        db::insert_staff(&conn, &row, now)?;
        let token = format!("{username}-{}", crate::auth::random_secret(16));
        let expires = now + SignedDuration::from_hours(24);
        db::insert_session(&conn, &crate::auth::secret_hash(&token), username, "csrf", now, expires)?;
        tokens.push(token);
    }
    Ok(tokens)
}

/// What a database holds, read back to check it after kills and faults.
#[derive(Debug, Clone)]
pub struct Stored {
    /// `PRAGMA integrity_check`: `ok` when sound.
    pub integrity: String,
    /// Every stored ticket: id → (number, status).
    pub tickets: HashMap<String, (String, String)>,
    /// (site, day, number) given to more than one ticket: must be 0.
    pub duplicate_numbers: u64,
}

/// Reads back the database of `data_dir` (the server may be stopped or killed).
pub fn stored(data_dir: &Path) -> Result<Stored> {
    let conn = rusqlite::Connection::open(db::path(data_dir))?;
    Ok(Stored {
        integrity: db::integrity_check(&conn)?,
        tickets: db::ticket_numbers_and_states(&conn)?,
        duplicate_numbers: db::duplicate_numbers(&conn)?,
    })
}

/// From the event log of `data_dir`: how many tickets were called more than once, and how many
/// distinct tickets were called at all (read-only; the bench checks "never a ticket twice").
pub fn called_more_than_once(data_dir: &Path) -> Result<(u64, u64)> {
    Ok(db::called_more_than_once(&db::path(data_dir))?)
}

/// The engine as the server restores it from the projections, and one rebuilt by replaying every
/// stored event: the two states must be equal (a stopped server's data directory).
pub fn restored_and_replayed(cfg: &Config, data_dir: &Path) -> Result<(Engine, Engine)> {
    let conn = rusqlite::Connection::open(db::path(data_dir))?;
    let restored = crate::writer::load_engine(cfg, &conn)?;
    let mut replayed = Engine::new(cfg.rules());
    for (_, e) in db::all_events(&conn)? {
        replayed.apply(&e);
    }
    Ok((restored, replayed))
}

/// The durability floor: one `synchronous=FULL` commit per ticket-sized row into a fresh WAL
/// database at `path`, for `duration`; each commit's latency in microseconds.
pub fn commit_baseline(path: &Path, duration: std::time::Duration) -> Result<Vec<u64>> {
    Ok(db::commit_baseline(path, duration)?)
}

/// The outbox of a data directory (read-only): the last origin sequence number given out, the
/// hub's acknowledged watermark, and whether the numbers past it are exactly `acked+1 ..= last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outbox {
    pub last: u64,
    pub acked: u64,
    pub gap_free: bool,
    /// Events in the log (retention may have forgotten acknowledged ones).
    pub events: u64,
}

pub fn outbox(data_dir: &Path) -> Result<Outbox> {
    let conn = rusqlite::Connection::open_with_flags(db::path(data_dir), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let s = db::outbox::status(&conn)?;
    let (gap_free, _) = db::outbox::check_unacked_gap_free(&conn)?;
    Ok(Outbox { last: s.last, acked: s.acked, gap_free, events: db::outbox::count(&conn)? })
}

/// The batch the relay would push for `origin` after `after` (at most `limit` events), for tests
/// that replay or tamper with pushes.
pub fn outbox_batch(data_dir: &Path, origin: &str, after: u64, limit: usize) -> Result<queue_core::envelope::Batch> {
    let conn = rusqlite::Connection::open_with_flags(db::path(data_dir), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let s = db::outbox::status(&conn)?;
    let events = db::outbox::after(&conn, after, limit)?;
    let forgotten = db::outbox::forgotten(&conn, after, crate::relay::span_end(&s, &events, limit))?;
    Ok(crate::relay::batch(origin, &s, events, forgotten))
}
