-- Issue 16: appointments booked at the desk, checked in at the kiosk with a code. No name, no
-- document, no code in clear: only the code's keyed hash (HMAC-SHA-256 under the server's secret)
-- and its first two characters as a reminder for staff.
CREATE TABLE bookings (
    id                TEXT PRIMARY KEY,
    site              TEXT NOT NULL,
    service           TEXT NOT NULL,
    day               TEXT NOT NULL,     -- site-local YYYY-MM-DD
    start_min         INTEGER NOT NULL,  -- site-local minute of the day
    start_ms          INTEGER NOT NULL,  -- the same instant, UTC milliseconds
    duration_min      INTEGER NOT NULL,
    mediator_language TEXT,
    second_staff      TEXT,
    code_hash         TEXT NOT NULL UNIQUE,
    code_hint         TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('booked', 'cancelled', 'checked_in', 'missed')),
    booked_by         TEXT NOT NULL,
    ticket            TEXT,
    created_ms        INTEGER NOT NULL,
    updated_ms        INTEGER NOT NULL
);
CREATE INDEX bookings_day ON bookings(site, day, service);
