-- Sportello schema v1. The events table is the append-only source of truth;
-- tickets, desks, counters and service_times are projections the writer keeps
-- in the same transaction, so start-up reads the live state without a replay.

CREATE TABLE events (
    seq       INTEGER PRIMARY KEY,       -- the SSE id
    at_ms     INTEGER NOT NULL,
    site      TEXT NOT NULL,
    type      TEXT NOT NULL,
    ticket_id TEXT,
    desk      TEXT,
    data      TEXT NOT NULL              -- queue_core::Event as JSON
);
CREATE INDEX events_ticket ON events(ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX events_site_seq ON events(site, seq);

CREATE TABLE tickets (
    id         TEXT PRIMARY KEY,
    site       TEXT NOT NULL,
    service    TEXT NOT NULL,            -- current service
    day        TEXT NOT NULL,            -- site-local day of the number
    number     TEXT NOT NULL,
    status     TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,     -- sha256 of the public token; the token itself is never stored
    issued_ms  INTEGER NOT NULL,
    data       TEXT NOT NULL,            -- queue_core::Ticket as JSON (last state)
    UNIQUE (site, day, number)
);
CREATE INDEX tickets_active ON tickets(status) WHERE status IN ('waiting', 'called', 'serving', 'on_hold');

CREATE TABLE desks (
    id   TEXT PRIMARY KEY,
    data TEXT NOT NULL                   -- queue_core::DeskState as JSON
);

CREATE TABLE counters (
    site    TEXT NOT NULL,
    service TEXT NOT NULL,
    day     TEXT NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (site, service)
);

CREATE TABLE service_times (
    site    TEXT NOT NULL,
    service TEXT NOT NULL,
    recent  TEXT NOT NULL,               -- JSON array of seconds, oldest first
    PRIMARY KEY (site, service)
);

CREATE TABLE staff (
    username      TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('staff', 'manager', 'admin')),
    languages     TEXT NOT NULL,         -- comma-separated codes
    professions   TEXT NOT NULL,         -- comma-separated professional roles
    password_hash TEXT NOT NULL,         -- argon2id PHC string
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_ms    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES staff(username),
    csrf       TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);

CREATE TABLE devices (
    id         TEXT PRIMARY KEY,
    site       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('kiosk', 'display')),
    name       TEXT NOT NULL,
    key_hash   TEXT NOT NULL UNIQUE,     -- sha256 of the key; the key is shown once
    created_ms INTEGER NOT NULL,
    revoked_ms INTEGER
);

CREATE TABLE idempotency (
    scope      TEXT NOT NULL,            -- who and which route
    key        TEXT NOT NULL,
    status     INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
