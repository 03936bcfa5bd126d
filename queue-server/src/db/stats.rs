//! Statistics reads: the event log of the tickets a site issued in a time window.

use super::Result;
use jiff::Timestamp;
use queue_core::stats::{TicketStats, tickets_from_events};
use queue_core::{Event, SiteId};
use rusqlite::{Connection, params};

/// Per-ticket statistics of the tickets `site` issued in `[from, to)`, folded from their events.
pub fn tickets(conn: &Connection, site: &SiteId, from: Timestamp, to: Timestamp) -> Result<Vec<TicketStats>> {
    let mut st = conn.prepare_cached(
        "SELECT e.data FROM tickets t JOIN events e ON e.ticket_id = t.id
         WHERE t.site = ?1 AND t.issued_ms >= ?2 AND t.issued_ms < ?3
         ORDER BY e.seq",
    )?;
    let rows =
        st.query_map(params![site.as_str(), from.as_millisecond(), to.as_millisecond()], |r| r.get::<_, String>(0))?;
    let mut events = Vec::new();
    for row in rows {
        events.push(serde_json::from_str::<Event>(&row?)?);
    }
    Ok(tickets_from_events(&events))
}
