//! Bookings (issue 16): a day's bookings, booking and moving inside one immediate transaction
//! (the free-slot check and the write see the same bookings), state changes.

use super::{Result, ms};
use jiff::Timestamp;
use queue_core::booking::Booked;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

/// A stored booking. No name, no code: only its keyed hash and a two-character hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRow {
    pub id: String,
    pub site: String,
    pub service: String,
    /// Site-local `YYYY-MM-DD`.
    pub day: String,
    /// Site-local minute of the day.
    pub start_min: u16,
    pub start_ms: i64,
    pub duration_min: u16,
    pub mediator_language: Option<String>,
    pub second_staff: Option<String>,
    pub code_hash: String,
    pub code_hint: String,
    /// `booked`, `cancelled`, `checked_in` or `missed`.
    pub state: String,
    pub booked_by: String,
    pub ticket: Option<String>,
    /// When a check-in came after the window (the visitor was offered a normal ticket).
    pub late_ms: Option<i64>,
}

const COLUMNS: &str = "id, site, service, day, start_min, start_ms, duration_min, mediator_language, second_staff, \
                       code_hash, code_hint, state, booked_by, ticket, late_ms";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<BookingRow> {
    Ok(BookingRow {
        id: r.get(0)?,
        site: r.get(1)?,
        service: r.get(2)?,
        day: r.get(3)?,
        start_min: r.get(4)?,
        start_ms: r.get(5)?,
        duration_min: r.get(6)?,
        mediator_language: r.get(7)?,
        second_staff: r.get(8)?,
        code_hash: r.get(9)?,
        code_hint: r.get(10)?,
        state: r.get(11)?,
        booked_by: r.get(12)?,
        ticket: r.get(13)?,
        late_ms: r.get(14)?,
    })
}

/// A site's bookings of a day (every state), by start time.
pub fn day_bookings(conn: &Connection, site: &str, day: &str) -> Result<Vec<BookingRow>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM bookings WHERE site = ?1 AND day = ?2 ORDER BY start_min, created_ms, id"
    ))?;
    let rows = st.query_map(params![site, day], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Bookings still `booked` that started before `before_ms` (of any site and day): the housekeeper
/// marks those whose check-in window closed as missed.
pub fn booked_before(conn: &Connection, before_ms: i64) -> Result<Vec<BookingRow>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM bookings WHERE state = 'booked' AND start_ms < ?1 ORDER BY start_ms, id"
    ))?;
    let rows = st.query_map(params![before_ms], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A checked-in appointment's ticket was a no-show (`missed`, its slot free again), or that no-show
/// was undone (`checked_in` again). Nothing when the ticket is no booking's.
pub fn ticket_outcome(conn: &Connection, ticket: &str, no_show: bool, now: Timestamp) -> Result<()> {
    let (from, to) = if no_show { ("checked_in", "missed") } else { ("missed", "checked_in") };
    conn.execute(
        "UPDATE bookings SET state = ?3, updated_ms = ?4, \
           missed_ms = CASE ?3 WHEN 'missed' THEN ?4 ELSE NULL END \
         WHERE ticket = ?1 AND state = ?2",
        params![ticket, from, to, ms(now)],
    )?;
    Ok(())
}

pub fn booking(conn: &Connection, id: &str) -> Result<Option<BookingRow>> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM bookings WHERE id = ?1"), [id], from_row).optional()?)
}

pub fn booking_by_code_hash(conn: &Connection, site: &str, code_hash: &str) -> Result<Option<BookingRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM bookings WHERE site = ?1 AND code_hash = ?2"),
            params![site, code_hash],
            from_row,
        )
        .optional()?)
}

/// The live (booked or checked-in) bookings of a service on a day, but `except`.
fn live(tx: &Transaction, site: &str, service: &str, day: &str, except: &str) -> Result<Vec<Booked>> {
    let mut st = tx.prepare_cached(
        "SELECT start_min, duration_min FROM bookings WHERE site = ?1 AND service = ?2 AND day = ?3 \
         AND state IN ('booked', 'checked_in') AND id <> ?4",
    )?;
    let rows = st
        .query_map(params![site, service, day, except], |r| {
            Ok(Booked { start_min: r.get(0)?, duration_min: r.get(1)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Store `row` if `fits` says it fits beside the service's other live bookings of that day; the
/// check and the insert are one immediate transaction, so two desks cannot take the last slot.
pub fn book(conn: &Connection, row: &BookingRow, now: Timestamp, fits: impl FnOnce(&[Booked]) -> bool) -> Result<bool> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    if !fits(&live(&tx, &row.site, &row.service, &row.day, &row.id)?) {
        return Ok(false);
    }
    tx.execute(
        &format!("INSERT INTO bookings ({COLUMNS}, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?16, ?15, ?15)"),
        params![
            row.id,
            row.site,
            row.service,
            row.day,
            row.start_min,
            row.start_ms,
            row.duration_min,
            row.mediator_language,
            row.second_staff,
            row.code_hash,
            row.code_hint,
            row.state,
            row.booked_by,
            row.ticket,
            ms(now),
            row.late_ms
        ],
    )?;
    tx.commit()?;
    Ok(true)
}

/// What moving a booking found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    Done,
    /// Not in the `booked` state (cancelled, checked in, missed).
    NotBooked,
    /// The new time does not fit.
    Taken,
}

/// Move a booked booking to `day`/`start_min`/`start_ms` if `fits` says it fits beside the other
/// live bookings of that day (itself left out); one immediate transaction.
pub fn move_booking(
    conn: &Connection,
    id: &str,
    (day, start_min, start_ms): (&str, u16, i64),
    now: Timestamp,
    fits: impl FnOnce(&[Booked]) -> bool,
) -> Result<Moved> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let Some(row) =
        tx.query_row(&format!("SELECT {COLUMNS} FROM bookings WHERE id = ?1"), [id], from_row).optional()?
    else {
        return Ok(Moved::NotBooked);
    };
    if row.state != "booked" {
        return Ok(Moved::NotBooked);
    }
    if !fits(&live(&tx, &row.site, &row.service, day, id)?) {
        return Ok(Moved::Taken);
    }
    tx.execute(
        "UPDATE bookings SET day = ?2, start_min = ?3, start_ms = ?4, updated_ms = ?5 WHERE id = ?1",
        params![id, day, start_min, start_ms, ms(now)],
    )?;
    tx.commit()?;
    Ok(Moved::Done)
}

/// Change a booking's state from `from` to `to` (and record its ticket); false if it was not in `from`.
/// Entering `checked_in` or `missed` stamps `checked_in_ms` / `missed_ms` with `now`; going back to
/// `booked` (an undone check-in) clears the check-in stamp.
pub fn set_state(
    conn: &Connection,
    id: &str,
    from: &str,
    to: &str,
    ticket: Option<&str>,
    now: Timestamp,
) -> Result<bool> {
    let n = conn.execute(
        "UPDATE bookings SET state = ?3, ticket = coalesce(?4, ticket), updated_ms = ?5, \
           checked_in_ms = CASE ?3 WHEN 'checked_in' THEN ?5 WHEN 'booked' THEN NULL ELSE checked_in_ms END, \
           missed_ms = CASE ?3 WHEN 'missed' THEN ?5 ELSE missed_ms END \
         WHERE id = ?1 AND state = ?2",
        params![id, from, to, ticket, ms(now)],
    )?;
    Ok(n == 1)
}

/// Record that a check-in came after the booking's window closed (the first such time is kept);
/// the booking stays `booked` until the housekeeper marks it missed.
pub fn mark_late(conn: &Connection, id: &str, now: Timestamp) -> Result<()> {
    conn.execute(
        "UPDATE bookings SET late_ms = coalesce(late_ms, ?2), updated_ms = ?2 WHERE id = ?1",
        params![id, ms(now)],
    )?;
    Ok(())
}

/// A check-in's claim, in the ticket's transaction: `booked` → `checked_in` with its ticket; false
/// if the booking is no longer `booked` (used, cancelled or missed meanwhile).
pub fn claim(conn: &Connection, id: &str, ticket: &str, now: Timestamp) -> Result<bool> {
    set_state(conn, id, "booked", "checked_in", Some(ticket), now)
}

/// Give back a claim whose ticket was refused (same transaction): `booked` again, no ticket.
pub fn unclaim(conn: &Connection, id: &str, now: Timestamp) -> Result<()> {
    conn.execute(
        "UPDATE bookings SET state = 'booked', ticket = NULL, checked_in_ms = NULL, updated_ms = ?2 \
         WHERE id = ?1 AND state = 'checked_in'",
        params![id, ms(now)],
    )?;
    Ok(())
}
