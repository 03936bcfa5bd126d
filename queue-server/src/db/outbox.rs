//! The outbox for the regional hub: the event log's per-origin numbering, what the relay sends
//! next, the hub's acknowledged watermark and the backlog behind it.

use super::{Result, ms};
use jiff::Timestamp;
use queue_core::Event;
use rusqlite::{Connection, OptionalExtension, Transaction};

/// The next origin sequence number, in the event's own transaction (gap-free: a rollback gives it
/// back; retention never lowers it).
pub fn next_seq(tx: &Transaction) -> Result<u64> {
    let mut st = tx.prepare_cached("UPDATE meta SET value = value + 1 WHERE key = 'outbox_seq' RETURNING value")?;
    Ok(st.query_row([], |r| r.get::<_, i64>(0))? as u64)
}

/// Up to `limit` events after origin sequence number `after`, oldest first.
pub fn after(conn: &Connection, after: u64, limit: usize) -> Result<Vec<(u64, Event)>> {
    let mut st =
        conn.prepare_cached("SELECT origin_seq, data FROM events WHERE origin_seq > ?1 ORDER BY origin_seq LIMIT ?2")?;
    let rows =
        st.query_map([after as i64, limit as i64], |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, data) = row?;
        out.push((seq, serde_json::from_str(&data)?));
    }
    Ok(out)
}

/// Record origin sequence numbers retention deleted before the hub acknowledged them, as runs.
pub fn forget(tx: &Transaction, mut seqs: Vec<i64>) -> Result<()> {
    seqs.sort_unstable();
    seqs.dedup();
    let mut st = tx.prepare_cached(
        "INSERT INTO outbox_forgotten (from_seq, to_seq) VALUES (?1, ?2) \
         ON CONFLICT (from_seq) DO UPDATE SET to_seq = MAX(to_seq, excluded.to_seq)",
    )?;
    let mut i = 0;
    while i < seqs.len() {
        let mut j = i;
        while j + 1 < seqs.len() && seqs[j + 1] == seqs[j] + 1 {
            j += 1;
        }
        st.execute([seqs[i], seqs[j]])?;
        i = j + 1;
    }
    Ok(())
}

/// The forgotten runs (inclusive) that overlap `(after, through]`, clipped to it, oldest first.
pub fn forgotten(conn: &Connection, after: u64, through: u64) -> Result<Vec<[u64; 2]>> {
    let mut st = conn.prepare_cached(
        "SELECT from_seq, to_seq FROM outbox_forgotten WHERE to_seq > ?1 AND from_seq <= ?2 ORDER BY from_seq",
    )?;
    let rows = st.query_map([after as i64, through as i64], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (a, b) = row?;
        out.push([(a as u64).max(after + 1), (b as u64).min(through)]);
    }
    Ok(out)
}

/// The outbox as the relay and the fleet see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// The last origin sequence number given out.
    pub last: u64,
    /// Every event up to this one is stored at the hub.
    pub acked: u64,
    /// When the oldest event not acknowledged happened.
    pub oldest_unacked_ms: Option<i64>,
    /// When the hub last answered a push (ms; 0: never).
    pub contact_ms: i64,
}

fn meta(conn: &Connection, key: &str) -> Result<i64> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?.unwrap_or(0))
}

pub fn status(conn: &Connection) -> Result<Status> {
    let last = meta(conn, "outbox_seq")? as u64;
    let acked = meta(conn, "hub_acked")? as u64;
    let oldest_unacked_ms = conn
        .query_row("SELECT at_ms FROM events WHERE origin_seq > ?1 ORDER BY origin_seq LIMIT 1", [acked as i64], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(Status { last, acked, oldest_unacked_ms, contact_ms: meta(conn, "hub_contact_ms")? })
}

/// Record the hub's answer: its watermark (never lowered, never past what was given out) and the
/// time of contact. Returns the watermark kept. The relay's only write; `BEGIN IMMEDIATE`.
pub fn acknowledge(conn: &Connection, watermark: u64, now: Timestamp) -> Result<u64> {
    let tx = Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "UPDATE meta SET value = MAX(value, MIN(?1, (SELECT value FROM meta WHERE key = 'outbox_seq'))) \
         WHERE key = 'hub_acked'",
        [watermark as i64],
    )?;
    tx.execute("UPDATE meta SET value = ?1 WHERE key = 'hub_contact_ms'", [ms(now)])?;
    let kept = tx.query_row("SELECT value FROM meta WHERE key = 'hub_acked'", [], |r| r.get::<_, i64>(0))? as u64;
    tx.commit()?;
    Ok(kept)
}

/// For tests: whether origin sequence numbers are exactly 1..=n over the events kept after the
/// acknowledged ones (no gap, no duplicate), and n.
pub fn check_unacked_gap_free(conn: &Connection) -> Result<(bool, u64)> {
    let s = status(conn)?;
    let (n, lo, hi): (i64, Option<i64>, Option<i64>) = conn.query_row(
        "SELECT COUNT(*), MIN(origin_seq), MAX(origin_seq) FROM events WHERE origin_seq > ?1",
        [s.acked as i64],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let want = s.last - s.acked;
    // Numbers retention forgot before the hub had them (declared in pushes) are not holes.
    let runs = forgotten(conn, s.acked, s.last)?;
    let gone: u64 = runs.iter().map(|[a, b]| b - a + 1).sum();
    let kept_in_runs: i64 = conn.query_row(
        "SELECT COUNT(*) FROM events e JOIN outbox_forgotten f ON e.origin_seq BETWEEN f.from_seq AND f.to_seq",
        [],
        |r| r.get(0),
    )?;
    let ok = if gone == 0 {
        n as u64 == want && (want == 0 || (lo == Some(s.acked as i64 + 1) && hi == Some(s.last as i64)))
    } else {
        n as u64 + gone == want && kept_in_runs == 0
    };
    Ok((ok, s.last))
}

/// Events in the log.
pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get::<_, i64>(0))? as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use queue_core::EventKind;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrate(&mut conn).unwrap();
        conn
    }

    fn done(ticket: &str, at_s: i64) -> Event {
        Event {
            at: Timestamp::from_second(at_s).unwrap(),
            site: "s".into(),
            actor: None,
            kind: EventKind::TicketDone { ticket: ticket.into() },
        }
    }

    #[test]
    fn events_stored_before_the_outbox_are_numbered_in_their_order() {
        let conn = Connection::open_in_memory().unwrap();
        for sql in &super::super::MIGRATIONS[..6] {
            conn.execute_batch(sql).unwrap();
        }
        // Three events, one purged in between (ids 1, 3, 4).
        for seq in [1, 3, 4] {
            let data = serde_json::to_string(&done("t", 1_800_000_000 + seq)).unwrap();
            conn.execute(
                "INSERT INTO events (seq, at_ms, site, type, ticket_id, data) VALUES (?1, 0, 's', 'ticket.done', 't', ?2)",
                rusqlite::params![seq, data],
            )
            .unwrap();
        }
        conn.execute_batch(super::super::MIGRATIONS[6]).unwrap();
        let numbered: Vec<(i64, i64)> = conn
            .prepare("SELECT seq, origin_seq FROM events ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(numbered, [(1, 1), (3, 2), (4, 3)]);
        let s = status(&conn).unwrap();
        assert_eq!((s.last, s.acked), (3, 0));
    }

    /// Migration 0011: the holes retention made before it recorded them (above the watermark, and
    /// at the end) become forgotten runs; the check then finds the log whole.
    #[test]
    fn holes_already_in_the_log_are_recorded_as_forgotten() {
        let conn = Connection::open_in_memory().unwrap();
        for sql in &super::super::MIGRATIONS[..10] {
            conn.execute_batch(sql).unwrap();
        }
        // Numbers 1..=9 given out; 2, 3, 6 and 9 purged; the hub had 1 and 2.
        for seq in [1, 4, 5, 7, 8] {
            let data = serde_json::to_string(&done("t", 1_800_000_000 + seq)).unwrap();
            conn.execute(
                "INSERT INTO events (at_ms, site, type, ticket_id, data, origin_seq) VALUES (0, 's', 'ticket.done', 't', ?1, ?2)",
                rusqlite::params![data, seq],
            )
            .unwrap();
        }
        conn.execute_batch(
            "UPDATE meta SET value = 9 WHERE key = 'outbox_seq'; UPDATE meta SET value = 2 WHERE key = 'hub_acked';",
        )
        .unwrap();
        conn.execute_batch(super::super::MIGRATIONS[10]).unwrap();
        assert_eq!(forgotten(&conn, 0, 9).unwrap(), [[3, 3], [6, 6], [9, 9]]);
        assert_eq!(forgotten(&conn, 5, 8).unwrap(), [[6, 6]], "clipped to the push's span");
        assert_eq!(check_unacked_gap_free(&conn).unwrap(), (true, 9));
    }

    #[test]
    fn numbers_have_no_gap_even_across_a_rolled_back_batch() {
        let mut conn = db();
        let tx = conn.transaction().unwrap();
        super::super::insert_event(&tx, &done("t1", 1_800_000_000)).unwrap();
        tx.commit().unwrap();
        let tx = conn.transaction().unwrap();
        super::super::insert_event(&tx, &done("t2", 1_800_000_001)).unwrap();
        drop(tx); // rolled back: its number is given back
        let tx = conn.transaction().unwrap();
        super::super::insert_event(&tx, &done("t3", 1_800_000_002)).unwrap();
        tx.commit().unwrap();
        let seqs: Vec<u64> = after(&conn, 0, 10).unwrap().into_iter().map(|(s, _)| s).collect();
        assert_eq!(seqs, [1, 2]);
        assert_eq!(check_unacked_gap_free(&conn).unwrap(), (true, 2));
        let s = status(&conn).unwrap();
        assert_eq!((s.last, s.acked, s.oldest_unacked_ms), (2, 0, Some(1_800_000_000_000)));
    }

    #[test]
    fn the_watermark_never_goes_back_nor_past_what_was_given_out() {
        let mut conn = db();
        let tx = conn.transaction().unwrap();
        for i in 0..3 {
            super::super::insert_event(&tx, &done("t", 1_800_000_000 + i)).unwrap();
        }
        tx.commit().unwrap();
        let now = Timestamp::from_second(1_800_000_100).unwrap();
        assert_eq!(acknowledge(&conn, 2, now).unwrap(), 2);
        assert_eq!(acknowledge(&conn, 1, now).unwrap(), 2, "an older answer does not lower it");
        assert_eq!(acknowledge(&conn, 99, now).unwrap(), 3, "never past the last number");
        let s = status(&conn).unwrap();
        assert_eq!((s.last - s.acked, s.oldest_unacked_ms, s.contact_ms), (0, None, 1_800_000_100_000));
    }

    #[test]
    fn retention_waits_for_the_hub_when_there_is_one() {
        let mut conn = db();
        let tx = conn.transaction().unwrap();
        super::super::insert_event(&tx, &done("old", 1_600_000_000)).unwrap();
        tx.execute_batch(
            "INSERT INTO tickets (id, site, service, day, number, status, token_hash, issued_ms, data) \
             VALUES ('old', 's', 'a', '2020-09-13', 'A001', 'done', 'h', 1600000000000, '{}'); \
             INSERT INTO stats_days (site, day, service, data) VALUES ('s', '2020-09-13', '', '{\"tickets\":1,\"open_left\":0}');",
        )
        .unwrap();
        tx.commit().unwrap();
        let cutoff = Timestamp::from_second(1_700_000_000).unwrap();
        let purge = |conn: &Connection| super::super::purge_tickets_before(conn, "s", cutoff, 10, true).unwrap();
        assert_eq!(purge(&conn), 0, "the hub has not acknowledged its event");
        acknowledge(&conn, 1, cutoff).unwrap();
        assert_eq!(purge(&conn), 1, "acknowledged: retention may forget it");
        assert_eq!(count(&conn).unwrap(), 0);
        assert_eq!(status(&conn).unwrap().last, 1, "the numbering is not lowered by a purge");
    }
}
