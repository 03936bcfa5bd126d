//! Statistics: the event log of the tickets a site issued in a time window, and the per-day
//! roll-ups (`stats_days`) that keep long periods fast and keep figures after the retention purge.

use super::Result;
use jiff::Timestamp;
use jiff::civil::Date;
use queue_core::stats::{Aggregate, BookingFacts, BookingState, TicketStats, tickets_from_events};
use queue_core::{Event, ServiceId, SiteId};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeMap, BTreeSet};

/// The `service` of a roll-up row that holds a whole site-day (each ticket once); other rows hold
/// one service (a ticket in every queue it waited in), and `''` the day's marker.
pub const WHOLE_SITE: &str = "*";

/// Per-ticket statistics of the tickets `site` issued in `[from, to)`, folded from their events.
pub fn tickets(conn: &Connection, site: &SiteId, from: Timestamp, to: Timestamp) -> Result<Vec<TicketStats>> {
    folded(
        conn,
        "SELECT e.data FROM tickets t JOIN events e ON e.ticket_id = t.id
         WHERE t.site = ?1 AND t.issued_ms >= ?2 AND t.issued_ms < ?3
         ORDER BY e.seq",
        site,
        from,
        to,
    )
}

/// The tickets whose events `sql` selects (parameters: site, from, to), folded.
fn folded(conn: &Connection, sql: &str, site: &SiteId, from: Timestamp, to: Timestamp) -> Result<Vec<TicketStats>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows =
        st.query_map(params![site.as_str(), from.as_millisecond(), to.as_millisecond()], |r| r.get::<_, String>(0))?;
    let mut events = Vec::new();
    for row in rows {
        events.push(serde_json::from_str::<Event>(&row?)?);
    }
    Ok(tickets_from_events(&events))
}

/// Past days of `site` (before `before`) whose statistics need rolling up: never rolled, rolled
/// while some of their tickets were still open, or rolled before per-service figures followed
/// transfers (no whole-site row). The site's days are found by hopping along the
/// `(site, day, number)` index one day at a time (a loose index scan), not by reading every ticket:
/// this runs at start-up and every ten minutes, with years of tickets stored.
pub fn days_to_roll_up(conn: &Connection, site: &SiteId, before: Date) -> Result<Vec<Date>> {
    let mut st = conn.prepare_cached(
        "WITH RECURSIVE days(day) AS (
             SELECT min(day) FROM tickets WHERE site = ?1 AND day < ?2
             UNION ALL
             SELECT (SELECT min(t.day) FROM tickets t WHERE t.site = ?1 AND t.day > days.day AND t.day < ?2)
             FROM days WHERE days.day IS NOT NULL
         )
         SELECT day FROM days WHERE day IS NOT NULL
         AND NOT (EXISTS (SELECT 1 FROM stats_days s WHERE s.site = ?1 AND s.day = days.day AND s.service = ''
                          AND json_extract(s.data, '$.open_left') = 0)
                  AND EXISTS (SELECT 1 FROM stats_days s WHERE s.site = ?1 AND s.day = days.day AND s.service = ?3))",
    )?;
    let rows = st.query_map(params![site.as_str(), before.to_string(), WHOLE_SITE], |r| r.get::<_, String>(0))?;
    let mut days = Vec::new();
    for d in rows {
        days.push(d?.parse().map_err(|e| super::DbError::Corrupt { what: "day in tickets", detail: format!("{e}") })?);
    }
    Ok(days)
}

/// Roll up one day of a site: `aggregate` turns the day's finished tickets into one aggregate per
/// service. Stored with the day's marker in one IMMEDIATE transaction; returns the tickets left open.
pub fn roll_up_day(
    conn: &Connection,
    site: &SiteId,
    day: Date,
    aggregate: impl FnOnce(&[TicketStats]) -> Vec<(ServiceId, Aggregate)>,
) -> Result<u64> {
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let events: Vec<Event> = {
        let mut st = tx.prepare_cached(
            "SELECT e.data FROM tickets t JOIN events e ON e.ticket_id = t.id
             WHERE t.site = ?1 AND t.day = ?2 ORDER BY e.seq",
        )?;
        let rows = st.query_map(params![site.as_str(), day.to_string()], |r| r.get::<_, String>(0))?;
        let mut v = Vec::new();
        for row in rows {
            v.push(serde_json::from_str::<Event>(&row?)?);
        }
        v
    };
    let all = tickets_from_events(&events);
    let (finished, open): (Vec<TicketStats>, Vec<TicketStats>) = all.into_iter().partition(|t| t.status.is_terminal());
    tx.execute("DELETE FROM stats_days WHERE site = ?1 AND day = ?2", params![site.as_str(), day.to_string()])?;
    {
        let mut ins = tx.prepare_cached("INSERT INTO stats_days (site, day, service, data) VALUES (?1, ?2, ?3, ?4)")?;
        for (service, agg) in aggregate(&finished) {
            ins.execute(params![site.as_str(), day.to_string(), service.as_str(), serde_json::to_string(&agg)?])?;
        }
        // The tickets left out of the aggregates, by id: they stay on the exact path even after
        // they close (finished later, or expired at the day's end), until the day is rolled again.
        let open_ids: Vec<&str> = open.iter().map(|t| t.id.as_str()).collect();
        let marker = serde_json::json!({"tickets": finished.len(), "open_left": open.len(), "open_ids": open_ids});
        ins.execute(params![site.as_str(), day.to_string(), "", marker.to_string()])?;
    }
    tx.commit()?;
    Ok(open.len() as u64)
}

/// The rolled-up days of `site` in `[from, to)` and the sum of their aggregates (of `service` only
/// when given; else the whole-site rows, or for days rolled before there were any, the sum of
/// their service rows). Days rolled with tickets left open are returned separately: their open
/// tickets still need the exact path. `per_day` holds each rolled day's own aggregate (the parts
/// of `sum`), for the per-day tables.
pub struct Rolled {
    pub days: BTreeSet<Date>,
    pub with_open: BTreeSet<Date>,
    pub sum: Aggregate,
    pub per_day: BTreeMap<Date, Aggregate>,
}

pub fn rolled_days(
    conn: &Connection,
    site: &SiteId,
    from: Date,
    to: Date,
    service: Option<&ServiceId>,
) -> Result<Rolled> {
    let mut st = conn.prepare_cached(
        "SELECT day, service, data FROM stats_days WHERE site = ?1 AND day >= ?2 AND day < ?3 ORDER BY day",
    )?;
    let rows = st.query_map(params![site.as_str(), from.to_string(), to.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut out = Rolled {
        days: BTreeSet::new(),
        with_open: BTreeSet::new(),
        sum: Aggregate::default(),
        per_day: BTreeMap::new(),
    };
    // Per day (rows come in day order): its whole-site row, and the sum of its service rows.
    let mut day_of: Option<(Date, Option<Aggregate>, Aggregate)> = None;
    let flush = |d: Option<(Date, Option<Aggregate>, Aggregate)>, out: &mut Rolled| {
        if let Some((day, whole, services)) = d {
            let agg = whole.unwrap_or(services);
            out.sum.merge(&agg);
            out.per_day.insert(day, agg);
        }
    };
    for row in rows {
        let (day, svc, data) = row?;
        let day: Date =
            day.parse().map_err(|e| super::DbError::Corrupt { what: "day in stats_days", detail: format!("{e}") })?;
        if day_of.as_ref().is_none_or(|(d, ..)| *d != day) {
            flush(day_of.take(), &mut out);
            day_of = Some((day, None, Aggregate::default()));
        }
        let Some((_, whole, services)) = day_of.as_mut() else { continue };
        if svc.is_empty() {
            out.days.insert(day);
            let marker: serde_json::Value = serde_json::from_str(&data)?;
            if marker["open_left"].as_u64().unwrap_or(0) > 0 {
                out.with_open.insert(day);
            }
        } else if svc == WHOLE_SITE {
            if service.is_none() {
                *whole = Some(serde_json::from_str(&data)?);
            }
        } else if service.is_none_or(|s| s.as_str() == svc) {
            services.merge(&serde_json::from_str(&data)?);
        }
    }
    flush(day_of.take(), &mut out);
    Ok(out)
}

/// The tickets of `site` issued on `day` that its roll-up left out (open then, whatever they are
/// now; markers from before ids were kept: the ones still open), folded from their events.
pub fn open_tickets_of_day(conn: &Connection, site: &SiteId, day: Date) -> Result<Vec<TicketStats>> {
    let marker: Option<String> = conn
        .query_row(
            "SELECT data FROM stats_days WHERE site = ?1 AND day = ?2 AND service = ''",
            params![site.as_str(), day.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    let ids: Option<Vec<String>> = marker
        .and_then(|m| serde_json::from_str::<serde_json::Value>(&m).ok())
        .and_then(|m| serde_json::from_value(m["open_ids"].clone()).ok());
    let mut st = conn.prepare_cached(
        "SELECT e.data FROM tickets t JOIN events e ON e.ticket_id = t.id
         WHERE t.site = ?1 AND t.day = ?2
           AND CASE WHEN ?3 IS NULL THEN t.status IN ('waiting', 'called', 'serving', 'on_hold')
                    ELSE t.id IN (SELECT value FROM json_each(?3)) END
         ORDER BY e.seq",
    )?;
    let ids = ids.map(|v| serde_json::to_string(&v)).transpose()?;
    let rows = st.query_map(params![site.as_str(), day.to_string(), ids], |r| r.get::<_, String>(0))?;
    let mut events = Vec::new();
    for row in rows {
        events.push(serde_json::from_str::<Event>(&row?)?);
    }
    Ok(tickets_from_events(&events))
}

/// Events without a ticket (desks opened, paused, closed; alerts) of `site` in `[from, to)`, in order.
pub fn events_without_ticket(conn: &Connection, site: &SiteId, from: Timestamp, to: Timestamp) -> Result<Vec<Event>> {
    let mut st = conn.prepare_cached(
        "SELECT data FROM events WHERE site = ?1 AND ticket_id IS NULL AND at_ms >= ?2 AND at_ms < ?3 ORDER BY seq",
    )?;
    let rows =
        st.query_map(params![site.as_str(), from.as_millisecond(), to.as_millisecond()], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(serde_json::from_str::<Event>(&row?)?);
    }
    Ok(out)
}

/// The bookings of `site` (of `service` only, when given) whose booked start is in `[from, to)`
/// (issue 16, appointment statistics).
pub fn bookings(
    conn: &Connection,
    site: &SiteId,
    service: Option<&ServiceId>,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<BookingFacts>> {
    let mut st = conn.prepare_cached(
        "SELECT state, created_ms, start_ms, checked_in_ms, late_ms FROM bookings
         WHERE site = ?1 AND start_ms >= ?2 AND start_ms < ?3 AND (?4 IS NULL OR service = ?4)",
    )?;
    let rows = st.query_map(
        params![site.as_str(), from.as_millisecond(), to.as_millisecond(), service.map(|s| s.as_str())],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (state, created_ms, start_ms, checked_in_ms, late_ms) = row?;
        let state: BookingState =
            state.parse().map_err(|e: String| super::DbError::Corrupt { what: "booking state", detail: e })?;
        out.push(BookingFacts { state, created_ms, start_ms, checked_in_ms, late_ms });
    }
    Ok(out)
}

/// Per-ticket statistics of the appointment tickets (class `appointment`) `site` issued in
/// `[from, to)`, folded from their events.
pub fn appointment_tickets(
    conn: &Connection,
    site: &SiteId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<TicketStats>> {
    folded(
        conn,
        "SELECT e.data FROM tickets t JOIN events e ON e.ticket_id = t.id
         WHERE t.site = ?1 AND t.issued_ms >= ?2 AND t.issued_ms < ?3
           AND json_extract(t.data, '$.priority') = 'appointment'
         ORDER BY e.seq",
        site,
        from,
        to,
    )
}
