-- Issue 19: alerts stay open until a staff member acknowledges them (surviving restarts); the end
-- of the day (tickets still waiting at closing expire, once per closing); numbering goes on after
-- tickets of an earlier day that are still open.

-- Every alert raised with an id (queue_core::OpenAlert as JSON), and who took it.
CREATE TABLE alerts (
    id        TEXT PRIMARY KEY,
    site      TEXT NOT NULL,
    raised_ms INTEGER NOT NULL,
    data      TEXT NOT NULL,
    acked_ms  INTEGER,
    acked_by  TEXT
);
CREATE INDEX alerts_open ON alerts(site) WHERE acked_ms IS NULL;

-- Per site, the last closing whose expiry ran (`day.closed`).
CREATE TABLE day_closed (
    site       TEXT PRIMARY KEY,
    closing_ms INTEGER NOT NULL
);

-- The sequence a counter's day started after (0 unless an earlier day's tickets were still open).
ALTER TABLE counters ADD COLUMN base INTEGER NOT NULL DEFAULT 0;
