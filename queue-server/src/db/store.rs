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

    fn put(&mut self, change: &Change) -> Result<()> {
        let tx = &self.tx;
        match change {
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
