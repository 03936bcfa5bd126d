//! All SQL of the server: opening and migrating the database, the event log and its
//! projections, staff, sessions, devices and idempotency records.
//!
//! **Architecture Invariant:** no SQL outside this module. Functions are plain and
//! synchronous over `&Connection` / `&Transaction`; callers choose the thread.

use jiff::Timestamp;
use jiff::civil::Date;
use queue_core::engine::Counter;
use queue_core::{DeskState, Event, OpenAlert, Projections, ServiceId, SiteId, Status, Ticket};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

pub mod access;
pub mod appointments;
pub mod outbox;
pub mod print_jobs;
pub mod stats;
pub mod store;
use std::collections::{BTreeMap, VecDeque};
use std::path::Path;

pub type Result<T> = std::result::Result<T, DbError>;

/// Storage failures. Callers answer 503 for `Sqlite` (disk full, I/O) and log the detail.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored JSON does not parse: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the database is not durable: {0}")]
    NotDurable(String),
    /// A stored value that does not parse (a day, a state): the file was changed by hand or is damaged.
    #[error("stored {what} does not parse: {detail}")]
    Corrupt { what: &'static str, detail: String },
    /// The stored state disagrees with the engine's (a bug): the batch is refused and the engine reloaded.
    #[error("inconsistent state: {0}")]
    Inconsistent(String),
    /// A blocking storage task panicked or was cancelled.
    #[error("a storage task failed: {0}")]
    Task(String),
    #[error("the database was written by a newer Sportello (schema {found}, this one knows {known})")]
    TooNew { found: i64, known: i64 },
}

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_stats.sql"),
    include_str!("migrations/0003_stats_days.sql"),
    include_str!("migrations/0004_desk_events.sql"),
    include_str!("migrations/0005_actors_and_places.sql"),
    include_str!("migrations/0006_alerts_and_day_end.sql"),
    include_str!("migrations/0007_outbox.sql"),
    include_str!("migrations/0008_appointments.sql"),
    include_str!("migrations/0009_print_jobs.sql"),
    include_str!("migrations/0010_appointment_outcomes.sql"),
    include_str!("migrations/0011_outbox_forgotten.sql"),
];

/// The database file inside the data directory.
pub fn path(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("sportello.sqlite3")
}

/// Open a connection with the durability settings, checking they took effect.
pub fn open(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
    let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") || sync != 2 {
        return Err(DbError::NotDurable(format!("journal_mode={mode}, synchronous={sync} (want wal, 2=FULL)")));
    }
    Ok(conn)
}

/// Apply the numbered migrations not yet applied (tracked in `PRAGMA user_version`).
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(DbError::TooNew { found: version, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// Open and migrate: the one way the server and the admin commands get a database.
pub fn open_migrated(path: &Path) -> Result<Connection> {
    let mut conn = open(path)?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// [`open_migrated`] without syncing commits, for seeding history that is rebuilt, not recovered
/// (`tools::HistorySeed`); never for the server's own connections.
pub fn open_for_seeding(path: &Path) -> Result<Connection> {
    let conn = open_migrated(path)?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    Ok(conn)
}

pub fn integrity_check(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
}

pub(crate) fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

// ---------------------------------------------------------------- events and projections

/// Append an event, numbered for the outbox in the same transaction; returns its sequence number
/// (the SSE id).
pub fn insert_event(tx: &Transaction, e: &Event) -> Result<u64> {
    let origin_seq = outbox::next_seq(tx)?;
    let mut st = tx.prepare_cached(
        "INSERT INTO events (at_ms, site, type, ticket_id, desk, data, origin_seq) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    st.execute(params![
        ms(e.at),
        e.site.as_str(),
        e.kind.name(),
        e.kind.ticket_id().map(|t| t.as_str()),
        e.kind.desk_id().map(|d| d.as_str()),
        serde_json::to_string(e)?,
        origin_seq as i64,
    ])?;
    Ok(tx.last_insert_rowid() as u64)
}

/// Insert a new ticket with its token hash.
pub fn insert_ticket(tx: &Transaction, t: &Ticket, token_hash: &str) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO tickets (id, site, service, day, number, status, token_hash, issued_ms, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    st.execute(params![
        t.id.as_str(),
        t.site.as_str(),
        t.service.as_str(),
        t.day.to_string(),
        t.number,
        t.status.as_str(),
        token_hash,
        ms(t.issued_at),
        serde_json::to_string(t)?,
    ])?;
    Ok(())
}

/// Store a ticket's latest state.
pub fn update_ticket(tx: &Transaction, t: &Ticket) -> Result<()> {
    let mut st = tx.prepare_cached("UPDATE tickets SET service = ?2, status = ?3, data = ?4 WHERE id = ?1")?;
    st.execute(params![t.id.as_str(), t.service.as_str(), t.status.as_str(), serde_json::to_string(t)?])?;
    Ok(())
}

pub fn upsert_desk(tx: &Transaction, d: &DeskState) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO desks (id, data) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET data = excluded.data",
    )?;
    st.execute(params![d.id.as_str(), serde_json::to_string(d)?])?;
    Ok(())
}

pub fn upsert_counter(tx: &Transaction, site: &SiteId, service: &ServiceId, c: &Counter) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO counters (site, service, day, last, given_back, cap_lifted, base)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(site, service) DO UPDATE SET day = excluded.day, last = excluded.last,
             given_back = excluded.given_back, cap_lifted = excluded.cap_lifted, base = excluded.base",
    )?;
    st.execute(params![
        site.as_str(),
        service.as_str(),
        c.day.to_string(),
        c.last,
        c.given_back,
        c.cap_lifted,
        c.base
    ])?;
    Ok(())
}

pub fn upsert_service_times(
    tx: &Transaction,
    site: &SiteId,
    service: &ServiceId,
    recent: &VecDeque<u32>,
) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO service_times (site, service, recent) VALUES (?1, ?2, ?3)
         ON CONFLICT(site, service) DO UPDATE SET recent = excluded.recent",
    )?;
    st.execute(params![site.as_str(), service.as_str(), serde_json::to_string(recent)?])?;
    Ok(())
}

/// A new alert (open until acknowledged).
pub fn insert_alert(tx: &Transaction, a: &OpenAlert) -> Result<()> {
    let mut st = tx.prepare_cached("INSERT INTO alerts (id, site, raised_ms, data) VALUES (?1, ?2, ?3, ?4)")?;
    st.execute(params![a.alert.id, a.site.as_str(), ms(a.raised_at), serde_json::to_string(a)?])?;
    Ok(())
}

/// A staff member took the alert.
pub fn ack_alert(tx: &Transaction, id: &str, at: Timestamp, by: &str) -> Result<()> {
    let mut st = tx.prepare_cached("UPDATE alerts SET acked_ms = ?2, acked_by = ?3 WHERE id = ?1")?;
    st.execute(params![id, ms(at), by])?;
    Ok(())
}

/// When and by whom (`staff:<username>`) an alert was taken.
pub type Acked = Option<(Timestamp, String)>;

/// A stored alert, open or acknowledged: the alert, and when and by whom it was taken.
pub fn alert(conn: &Connection, id: &str) -> Result<Option<(OpenAlert, Acked)>> {
    let row: Option<(String, Option<i64>, Option<String>)> = conn
        .query_row("SELECT data, acked_ms, acked_by FROM alerts WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((data, acked_ms, acked_by)) = row else { return Ok(None) };
    let acked = match acked_ms {
        Some(at) => Some((
            Timestamp::from_millisecond(at)
                .map_err(|e| DbError::Corrupt { what: "alert acknowledgement time", detail: e.to_string() })?,
            acked_by.unwrap_or_default(),
        )),
        None => None,
    };
    Ok(Some((serde_json::from_str(&data)?, acked)))
}

pub fn upsert_day_closed(tx: &Transaction, site: &SiteId, closing: Timestamp) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO day_closed (site, closing_ms) VALUES (?1, ?2)
         ON CONFLICT(site) DO UPDATE SET closing_ms = max(closing_ms, excluded.closing_ms)",
    )?;
    st.execute(params![site.as_str(), ms(closing)])?;
    Ok(())
}

pub fn load_state(conn: &Connection) -> Result<Projections> {
    let mut tickets = Vec::new();
    let mut st = conn
        .prepare("SELECT data FROM tickets WHERE status IN ('waiting', 'called', 'serving', 'on_hold') ORDER BY id")?;
    for row in st.query_map([], |r| r.get::<_, String>(0))? {
        tickets.push(serde_json::from_str(&row?)?);
    }
    let mut desks = Vec::new();
    let mut st = conn.prepare("SELECT data FROM desks ORDER BY id")?;
    for row in st.query_map([], |r| r.get::<_, String>(0))? {
        desks.push(serde_json::from_str(&row?)?);
    }
    let mut counters = BTreeMap::new();
    let mut st = conn.prepare("SELECT site, service, day, last, given_back, cap_lifted, base FROM counters")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, u32>(3)?,
            r.get::<_, u32>(4)?,
            r.get::<_, bool>(5)?,
            r.get::<_, u32>(6)?,
        ))
    })?;
    for row in rows {
        let (site, service, day, last, given_back, cap_lifted, base) = row?;
        let day: Date =
            day.parse().map_err(|e| DbError::Corrupt { what: "day in counters", detail: format!("{e}") })?;
        counters.insert((SiteId(site), ServiceId(service)), Counter { day, last, base, given_back, cap_lifted });
    }
    let mut service_times = BTreeMap::new();
    let mut st = conn.prepare("SELECT site, service, recent FROM service_times")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    for row in rows {
        let (site, service, recent) = row?;
        service_times.insert((SiteId(site), ServiceId(service)), serde_json::from_str(&recent)?);
    }
    let mut alerts = Vec::new();
    let mut st = conn.prepare("SELECT data FROM alerts WHERE acked_ms IS NULL ORDER BY raised_ms, id")?;
    for row in st.query_map([], |r| r.get::<_, String>(0))? {
        alerts.push(serde_json::from_str(&row?)?);
    }
    let mut day_closed = BTreeMap::new();
    let mut st = conn.prepare("SELECT site, closing_ms FROM day_closed")?;
    for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (site, at) = row?;
        let at = Timestamp::from_millisecond(at)
            .map_err(|e| DbError::Corrupt { what: "closing time in day_closed", detail: e.to_string() })?;
        day_closed.insert(SiteId(site), at);
    }
    Ok(Projections { tickets, desks, counters, service_times, alerts, day_closed })
}

/// Every stored event in order (replay checks, statistics).
pub fn all_events(conn: &Connection) -> Result<Vec<(u64, Event)>> {
    let mut st = conn.prepare("SELECT seq, data FROM events ORDER BY seq")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, data) = row?;
        out.push((seq as u64, serde_json::from_str(&data)?));
    }
    Ok(out)
}

pub fn max_event_seq(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get::<_, i64>(0))? as u64)
}

/// A stored ticket: its last state and the event list.
pub fn ticket_by_id(conn: &Connection, id: &str) -> Result<Option<Ticket>> {
    let data: Option<String> =
        conn.query_row("SELECT data FROM tickets WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    Ok(data.map(|d| serde_json::from_str(&d)).transpose()?)
}

pub fn ticket_by_token_hash(conn: &Connection, token_hash: &str) -> Result<Option<Ticket>> {
    let data: Option<String> =
        conn.query_row("SELECT data FROM tickets WHERE token_hash = ?1", [token_hash], |r| r.get(0)).optional()?;
    Ok(data.map(|d| serde_json::from_str(&d)).transpose()?)
}

/// Status of a stored ticket (to explain a refused transition of a finished ticket).
pub fn ticket_status(conn: &Connection, id: &str) -> Result<Option<(String, Status)>> {
    let row: Option<(String, String)> = conn
        .query_row("SELECT number, status FROM tickets WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.and_then(|(n, s)| Status::parse(&s).map(|s| (n, s))))
}

/// A ticket's events, oldest first: (seq, type, at, event JSON).
pub fn ticket_events(conn: &Connection, id: &str) -> Result<Vec<(u64, String, Timestamp, Event)>> {
    let mut st = conn.prepare("SELECT seq, type, data FROM events WHERE ticket_id = ?1 ORDER BY seq")?;
    let rows = st.query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, kind, data) = row?;
        let e: Event = serde_json::from_str(&data)?;
        out.push((seq as u64, kind, e.at, e));
    }
    Ok(out)
}

/// The last calls of a site (called/recalled events), newest first, with the ticket's stored state.
pub fn recent_calls(conn: &Connection, site: &SiteId, limit: usize) -> Result<Vec<(u64, Event, Ticket)>> {
    let mut st = conn.prepare(
        "SELECT e.seq, e.data, t.data FROM events e JOIN tickets t ON t.id = e.ticket_id
         WHERE e.site = ?1 AND e.type IN ('ticket.called', 'ticket.recalled')
         ORDER BY e.seq DESC LIMIT ?2",
    )?;
    let rows = st.query_map(params![site.as_str(), limit as i64], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, e, t) = row?;
        out.push((seq as u64, serde_json::from_str(&e)?, serde_json::from_str(&t)?));
    }
    Ok(out)
}

// ---------------------------------------------------------------- idempotency

/// A stored answer: status, body (without any ticket token), and the hash of the request it answered.
pub fn idempotent_reply(conn: &Connection, scope: &str, key: &str) -> Result<Option<(u16, String, String)>> {
    let mut st =
        conn.prepare_cached("SELECT status, body, request_hash FROM idempotency WHERE scope = ?1 AND key = ?2")?;
    Ok(st.query_row(params![scope, key], |r| Ok((r.get::<_, u16>(0)?, r.get(1)?, r.get(2)?))).optional()?)
}

pub fn store_idempotent_reply(
    tx: &Transaction,
    scope: &str,
    key: &str,
    request_hash: &str,
    status: u16,
    body: &str,
    now: Timestamp,
) -> Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO idempotency (scope, key, status, body, created_ms, request_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    st.execute(params![scope, key, status, body, ms(now), request_hash])?;
    Ok(())
}

/// Forget idempotency records older than a day and sessions that expired.
pub fn purge_expired(conn: &Connection, now: Timestamp) -> Result<usize> {
    let day_ago = now - jiff::SignedDuration::from_hours(24);
    let n = conn.execute("DELETE FROM idempotency WHERE created_ms < ?1", [ms(day_ago)])?;
    // A print job is over within a minute; its copy of the ticket is not kept past a day.
    let n = n + conn.execute("DELETE FROM print_jobs WHERE created_ms < ?1", [ms(day_ago)])?;
    Ok(n + conn.execute("DELETE FROM sessions WHERE expires_ms <= ?1", [ms(now)])?)
}

/// Retention: forget the details of finished tickets of `site` issued before `cutoff` — their events
/// and their row — at most `limit` tickets in one transaction (so the writer is never held long).
/// Only days whose statistics are rolled up with no ticket left open lose details (the figures stay
/// in `stats_days`). Returns how many tickets went. Open tickets are kept, whatever their age; the
/// numbering counters are not touched. With `wait_for_hub` (the site reports to a hub), a ticket
/// with an event the hub has not acknowledged is kept too.
pub fn purge_tickets_before(
    conn: &Connection,
    site: &str,
    cutoff: Timestamp,
    limit: usize,
    wait_for_hub: bool,
) -> Result<usize> {
    let tx = Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let ids: Vec<String> = {
        let mut st = tx.prepare_cached(
            "SELECT id FROM tickets t WHERE site = ?1 AND issued_ms < ?2 \
             AND status IN ('done', 'no_show', 'cancelled', 'expired') \
             AND EXISTS (SELECT 1 FROM stats_days s WHERE s.site = t.site AND s.day = t.day AND s.service = '' \
                         AND json_extract(s.data, '$.open_left') = 0) \
             AND (?4 = 0 OR NOT EXISTS (SELECT 1 FROM events e WHERE e.ticket_id = t.id \
                  AND e.origin_seq > (SELECT value FROM meta WHERE key = 'hub_acked'))) \
             ORDER BY issued_ms LIMIT ?3",
        )?;
        st.query_map(params![site, ms(cutoff), limit as i64, wait_for_hub], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    {
        let mut events = tx.prepare_cached("DELETE FROM events WHERE ticket_id = ?1 RETURNING origin_seq")?;
        let mut tickets = tx.prepare_cached("DELETE FROM tickets WHERE id = ?1")?;
        let acked: i64 = tx.query_row("SELECT value FROM meta WHERE key = 'hub_acked'", [], |r| r.get(0))?;
        // Numbers the hub never acknowledged (a stand-alone site): told to the hub as forgotten.
        let mut forgotten: Vec<i64> = Vec::new();
        for id in &ids {
            let seqs = events.query_map([id], |r| r.get::<_, Option<i64>>(0))?;
            for s in seqs {
                forgotten.extend(s?.filter(|s| *s > acked));
            }
            tickets.execute([id])?;
        }
        outbox::forget(&tx, forgotten)?;
    }
    tx.commit()?;
    Ok(ids.len())
}

/// For benchmarks and fault harnesses, read-only: how many tickets the event log shows called more
/// than once, and how many distinct tickets were called at all.
pub fn called_more_than_once(path: &Path) -> Result<(u64, u64)> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let twice: i64 = conn.query_row(
        "SELECT count(*) FROM (SELECT ticket_id FROM events WHERE type = 'ticket.called' \
         GROUP BY ticket_id HAVING count(*) > 1)",
        [],
        |r| r.get(0),
    )?;
    let called: i64 =
        conn.query_row("SELECT count(DISTINCT ticket_id) FROM events WHERE type = 'ticket.called'", [], |r| r.get(0))?;
    Ok((twice as u64, called as u64))
}

/// For fault harnesses: every stored ticket's number and status, by id.
pub fn ticket_numbers_and_states(conn: &Connection) -> Result<std::collections::HashMap<String, (String, String)>> {
    let mut st = conn.prepare("SELECT id, number, status FROM tickets")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get::<_, String>(1)?, r.get::<_, String>(2)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// For fault harnesses: how many (site, day, number) were given to more than one ticket (must be 0).
pub fn duplicate_numbers(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM (SELECT site, day, number FROM tickets GROUP BY site, day, number HAVING COUNT(*) > 1)",
        [],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}

/// The durability floor for benchmarks: one `synchronous=FULL` commit per ticket-sized row into a
/// fresh WAL database at `path`, for `duration`; the latency of each commit in microseconds.
pub fn commit_baseline(path: &Path, duration: std::time::Duration) -> Result<Vec<u64>> {
    let conn = Connection::open(path)?;
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))?;
    conn.execute_batch("PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT NOT NULL);")?;
    let row = "x".repeat(400);
    let mut out = Vec::new();
    let start = std::time::Instant::now();
    while start.elapsed() < duration {
        let t = std::time::Instant::now();
        conn.execute("INSERT INTO t (data) VALUES (?1)", [&row])?;
        out.push(t.elapsed().as_micros() as u64);
    }
    Ok(out)
}

// ---------------------------------------------------------------- staff and sessions

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRow {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub languages: Vec<String>,
    pub professions: Vec<String>,
    pub password_hash: String,
    pub disabled: bool,
    /// The sites the account belongs to; `None` = every site (`'*'`, older accounts).
    pub sites: Option<Vec<String>>,
}

fn split(s: String) -> Vec<String> {
    s.split(',').filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

fn staff_from_row(r: &rusqlite::Row) -> rusqlite::Result<StaffRow> {
    Ok(StaffRow {
        username: r.get(0)?,
        display_name: r.get(1)?,
        role: r.get(2)?,
        languages: split(r.get(3)?),
        professions: split(r.get(4)?),
        password_hash: r.get(5)?,
        disabled: r.get(6)?,
        sites: sites_from(r.get(7)?),
    })
}

fn sites_from(s: String) -> Option<Vec<String>> {
    if s == "*" { None } else { Some(split(s)) }
}

fn sites_to(s: &Option<Vec<String>>) -> String {
    s.as_ref().map_or_else(|| "*".to_owned(), |v| v.join(","))
}

const STAFF_COLUMNS: &str = "username, display_name, role, languages, professions, password_hash, disabled, sites";

pub fn insert_staff(conn: &Connection, s: &StaffRow, now: Timestamp) -> Result<()> {
    conn.execute(
        "INSERT INTO staff (username, display_name, role, languages, professions, password_hash, disabled, created_ms,
                            sites)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            s.username,
            s.display_name,
            s.role,
            s.languages.join(","),
            s.professions.join(","),
            s.password_hash,
            s.disabled,
            ms(now),
            sites_to(&s.sites)
        ],
    )?;
    Ok(())
}

pub fn staff(conn: &Connection, username: &str) -> Result<Option<StaffRow>> {
    let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE username = ?1");
    Ok(conn.query_row(&sql, [username], staff_from_row).optional()?)
}

pub fn list_staff(conn: &Connection) -> Result<Vec<StaffRow>> {
    let sql = format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY username");
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map([], staff_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Disable an account and end its sessions (a running server notices within a second: the auth
/// epoch moves in the same transaction). False if there is no such account.
pub fn disable_staff(conn: &Connection, username: &str) -> Result<bool> {
    let tx = Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let n = tx.execute("UPDATE staff SET disabled = 1 WHERE username = ?1", [username])?;
    tx.execute("DELETE FROM sessions WHERE username = ?1", [username])?;
    bump_auth_epoch(&tx)?;
    tx.commit()?;
    Ok(n == 1)
}

/// Set the sites an account belongs to (`None`: every site). False if there is no such account.
pub fn set_staff_sites(conn: &Connection, username: &str, sites: &Option<Vec<String>>) -> Result<bool> {
    let tx = Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let n = tx.execute("UPDATE staff SET sites = ?2 WHERE username = ?1", params![username, sites_to(sites)])?;
    bump_auth_epoch(&tx)?;
    tx.commit()?;
    Ok(n == 1)
}

/// Something about who may do what changed (an account disabled, a key revoked, a logout).
pub fn bump_auth_epoch(conn: &Connection) -> Result<()> {
    conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'auth_epoch'", [])?;
    Ok(())
}

/// The auth epoch now (the server polls it to end revoked sessions and streams at once).
pub fn auth_epoch(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = 'auth_epoch'", [], |r| r.get(0))?)
}

pub fn insert_session(
    conn: &Connection,
    token_hash: &str,
    username: &str,
    csrf: &str,
    now: Timestamp,
    expires: Timestamp,
) -> Result<()> {
    conn.execute(
        "INSERT INTO sessions (token_hash, username, csrf, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token_hash, username, csrf, ms(now), ms(expires)],
    )?;
    Ok(())
}

/// The staff member and CSRF token of a live session.
pub fn session(conn: &Connection, token_hash: &str, now: Timestamp) -> Result<Option<(StaffRow, String)>> {
    let sql = format!(
        "SELECT {}, se.csrf FROM sessions se JOIN staff s ON s.username = se.username
         WHERE se.token_hash = ?1 AND se.expires_ms > ?2 AND s.disabled = 0",
        STAFF_COLUMNS.split(", ").map(|c| format!("s.{c}")).collect::<Vec<_>>().join(", ")
    );
    let mut st = conn.prepare_cached(&sql)?;
    Ok(st.query_row(params![token_hash, ms(now)], |r| Ok((staff_from_row(r)?, r.get::<_, String>(8)?))).optional()?)
}

pub fn delete_session(conn: &Connection, token_hash: &str) -> Result<()> {
    bump_auth_epoch(conn)?;
    conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
    Ok(())
}

// ---------------------------------------------------------------- devices

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub id: String,
    pub site: String,
    pub kind: String,
    pub name: String,
    pub revoked: bool,
}

pub fn insert_device(conn: &Connection, d: &DeviceRow, key_hash: &str, now: Timestamp) -> Result<()> {
    conn.execute(
        "INSERT INTO devices (id, site, kind, name, key_hash, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![d.id, d.site, d.kind, d.name, key_hash, ms(now)],
    )?;
    Ok(())
}

fn device_from_row(r: &rusqlite::Row) -> rusqlite::Result<DeviceRow> {
    Ok(DeviceRow {
        id: r.get(0)?,
        site: r.get(1)?,
        kind: r.get(2)?,
        name: r.get(3)?,
        revoked: r.get::<_, Option<i64>>(4)?.is_some(),
    })
}

/// The live (not revoked) device with this key hash.
pub fn device_by_key_hash(conn: &Connection, key_hash: &str) -> Result<Option<DeviceRow>> {
    let mut st = conn.prepare_cached(
        "SELECT id, site, kind, name, revoked_ms FROM devices WHERE key_hash = ?1 AND revoked_ms IS NULL",
    )?;
    Ok(st.query_row([key_hash], device_from_row).optional()?)
}

/// A device by id (revoked or not).
pub fn device(conn: &Connection, id: &str) -> Result<Option<DeviceRow>> {
    let mut st = conn.prepare_cached("SELECT id, site, kind, name, revoked_ms FROM devices WHERE id = ?1")?;
    Ok(st.query_row([id], device_from_row).optional()?)
}

pub fn device_exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT COUNT(*) FROM devices WHERE id = ?1", [id], |r| r.get::<_, i64>(0))? > 0)
}

pub fn list_devices(conn: &Connection) -> Result<Vec<DeviceRow>> {
    let mut st = conn.prepare("SELECT id, site, kind, name, revoked_ms FROM devices ORDER BY site, kind, id")?;
    let rows = st.query_map([], device_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Revoke a device key (a running server ends its streams within a second). False if there is no
/// such live device.
pub fn revoke_device(conn: &Connection, id: &str, now: Timestamp) -> Result<bool> {
    let tx = Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let n =
        tx.execute("UPDATE devices SET revoked_ms = ?2 WHERE id = ?1 AND revoked_ms IS NULL", params![id, ms(now)])?;
    bump_auth_epoch(&tx)?;
    tx.commit()?;
    Ok(n == 1)
}

// ---------------------------------------------------------------- connections for request handlers

/// The connections request handlers use: a few read-only ones (reads in WAL mode never wait for
/// the writer) and one read-write connection for what is not queue state (staff sessions), apart
/// from the queue writer's. Async handlers go through [`Pool::read`] and [`Pool::write`], which run
/// the statements on tokio's blocking pool, never on the async threads; code already on a blocking
/// thread (a statistics request's whole computation) uses [`Pool::with`].
pub struct Pool {
    path: std::path::PathBuf,
    idle: std::sync::Mutex<Vec<Connection>>,
    aux: std::sync::Mutex<Option<Connection>>,
}

impl Pool {
    pub fn new(path: &Path) -> Pool {
        Pool { path: path.to_owned(), idle: std::sync::Mutex::new(Vec::new()), aux: std::sync::Mutex::new(None) }
    }

    /// Run `f` on a read-only connection, on this thread (call it from a blocking thread).
    pub fn with<T, E: From<DbError>>(
        &self,
        f: impl FnOnce(&Connection) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let conn = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match conn {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(DbError::from)?;
                c.busy_timeout(std::time::Duration::from_secs(5)).map_err(DbError::from)?;
                c
            }
        };
        let out = f(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < 8 {
            idle.push(conn);
        }
        out
    }

    /// Run `f` on a read-only connection on the blocking pool.
    pub async fn read<T, E>(
        self: &std::sync::Arc<Self>,
        f: impl FnOnce(&Connection) -> std::result::Result<T, E> + Send + 'static,
    ) -> std::result::Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.clone();
        blocking(move || pool.with(f)).await
    }

    /// Run `f` on the read-write connection for sessions (not queue state: that is the writer's).
    pub async fn write<T, E>(
        self: &std::sync::Arc<Self>,
        f: impl FnOnce(&Connection) -> std::result::Result<T, E> + Send + 'static,
    ) -> std::result::Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.clone();
        blocking(move || {
            let mut aux = pool.aux.lock().unwrap_or_else(|p| p.into_inner());
            let conn = match aux.take() {
                Some(c) => c,
                None => open(&pool.path)?,
            };
            let out = f(&conn);
            *aux = Some(conn);
            out
        })
        .await
    }
}

/// Run blocking work on tokio's blocking pool; a panic in it becomes an error, not a lost answer.
pub async fn blocking<T, E>(f: impl FnOnce() -> std::result::Result<T, E> + Send + 'static) -> std::result::Result<T, E>
where
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(out) => out,
        Err(e) => Err(DbError::Task(e.to_string()).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_schema_is_current() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(migrate(&mut conn), Err(DbError::TooNew { found: 99, .. })));
    }

    #[test]
    fn staff_sessions_and_devices_round_trip() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let s = StaffRow {
            username: "giulia".into(),
            display_name: "Giulia".into(),
            role: "staff".into(),
            languages: vec!["it".into(), "ar".into()],
            professions: vec![],
            password_hash: "x".into(),
            disabled: false,
            sites: None,
        };
        insert_staff(&conn, &s, now).unwrap();
        assert_eq!(staff(&conn, "giulia").unwrap().unwrap(), s);
        insert_session(&conn, "h", "giulia", "c", now, now + jiff::SignedDuration::from_secs(60)).unwrap();
        assert_eq!(session(&conn, "h", now).unwrap().unwrap().1, "c");
        assert!(session(&conn, "h", now + jiff::SignedDuration::from_secs(61)).unwrap().is_none());
        assert!(disable_staff(&conn, "giulia").unwrap());
        assert!(session(&conn, "h", now).unwrap().is_none());

        let d = DeviceRow {
            id: "k1".into(),
            site: "livorno-terreni".into(),
            kind: "kiosk".into(),
            name: "ingresso".into(),
            revoked: false,
        };
        insert_device(&conn, &d, "kh", now).unwrap();
        assert_eq!(device_by_key_hash(&conn, "kh").unwrap().unwrap(), d);
        assert!(revoke_device(&conn, "k1", now).unwrap());
        assert!(!revoke_device(&conn, "k1", now).unwrap());
        assert!(device_by_key_hash(&conn, "kh").unwrap().is_none());
    }

    #[test]
    fn housekeeping_forgets_day_old_idempotency_records_and_expired_sessions() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let t0 = Timestamp::from_second(1_800_000_000).unwrap();
        let hours = |h| t0 + jiff::SignedDuration::from_hours(h);
        let s = StaffRow {
            username: "u".into(),
            display_name: "U".into(),
            role: "staff".into(),
            languages: vec![],
            professions: vec![],
            password_hash: "x".into(),
            disabled: false,
            sites: None,
        };
        insert_staff(&conn, &s, t0).unwrap();
        insert_session(&conn, "old", "u", "c", t0, hours(12)).unwrap();
        insert_session(&conn, "new", "u", "c", hours(20), hours(32)).unwrap();
        let tx = conn.transaction().unwrap();
        store_idempotent_reply(&tx, "k", "old", "", 201, "{}", t0).unwrap();
        store_idempotent_reply(&tx, "k", "new", "", 201, "{}", hours(20)).unwrap();
        tx.commit().unwrap();
        assert_eq!(purge_expired(&conn, hours(25)).unwrap(), 2);
        assert!(idempotent_reply(&conn, "k", "old").unwrap().is_none());
        assert!(idempotent_reply(&conn, "k", "new").unwrap().is_some());
        assert!(session(&conn, "new", hours(25)).unwrap().is_some());
    }
}
