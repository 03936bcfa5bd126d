-- Sportello hub schema v3 (PostgreSQL). Applied by `hub migrate` and at start-up, idempotent;
-- every statement is IF NOT EXISTS / OR REPLACE, so a v1 database is upgraded in place.
-- v2: the statistics roll-ups (stats_days, rolled_days, stats_months, rolled_months).

CREATE TABLE IF NOT EXISTS keys (
    key_hash   TEXT PRIMARY KEY,               -- sha256 of the key; the key is shown once
    role       TEXT NOT NULL CHECK (role IN ('site', 'viewer')),
    name       TEXT NOT NULL,                  -- the origin (role site) or the viewer's name
    created_ms BIGINT NOT NULL,
    revoked_ms BIGINT
);

-- One row per enrolled site server: what it may write and where it stands.
CREATE TABLE IF NOT EXISTS origins (
    origin            TEXT PRIMARY KEY,
    sites             TEXT[] NOT NULL,         -- the site ids its events may carry
    watermark         BIGINT NOT NULL DEFAULT 0, -- every event up to it is stored
    last_contact_ms   BIGINT,
    software          TEXT,
    site_last         BIGINT,                  -- the last number the site gave out, at its last push
    oldest_unacked_ms BIGINT,
    gap_expected      BIGINT,                  -- the last gap reported, until it is filled
    gap_got           BIGINT,
    gap_at_ms         BIGINT
);

-- Every event of every origin exactly once: (origin, seq) is the key.
CREATE TABLE IF NOT EXISTS events (
    origin    TEXT NOT NULL REFERENCES origins(origin),
    seq       BIGINT NOT NULL,
    v         INTEGER NOT NULL,                -- the envelope version it came in
    site      TEXT NOT NULL,
    at_ms     BIGINT NOT NULL,
    type      TEXT NOT NULL,
    ticket_id TEXT,
    data      JSONB NOT NULL,                  -- queue_core::Event as JSON (public-safe)
    PRIMARY KEY (origin, seq)
);
CREATE INDEX IF NOT EXISTS events_ticket ON events(site, ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_issued ON events(site, at_ms) WHERE type = 'ticket.issued';

-- Configuration down (issue 15): what each site says of its devices and configuration (its last
-- push), and the bundles published for it.
ALTER TABLE origins ADD COLUMN IF NOT EXISTS devices JSONB;        -- [queue_core::envelope::DeviceHealth]
ALTER TABLE origins ADD COLUMN IF NOT EXISTS config_report JSONB;  -- queue_core::envelope::ConfigReport

CREATE TABLE IF NOT EXISTS config_bundles (
    origin       TEXT NOT NULL REFERENCES origins(origin),
    version      BIGINT NOT NULL CHECK (version > 0),  -- 1, 2, 3 … per origin
    format       INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    files        JSONB NOT NULL,                       -- [{path, text}], sorted by path
    published_ms BIGINT NOT NULL,
    PRIMARY KEY (origin, version)
);

-- Events a site's retention deleted before the hub had them (it ran stand-alone before it was
-- enrolled), declared in its pushes: the watermark moved past them; counted here, never stored.
ALTER TABLE origins ADD COLUMN IF NOT EXISTS forgotten BIGINT NOT NULL DEFAULT 0;

-- The site-local day (Europe/Rome) of an instant in ms. IMMUTABLE so that it can be indexed (the
-- zone's rules are those of the server's tzdata).
CREATE OR REPLACE FUNCTION rome_day(ms BIGINT) RETURNS DATE LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (to_timestamp(ms / 1000.0) AT TIME ZONE 'Europe/Rome')::date $$;
CREATE INDEX IF NOT EXISTS events_issued_day ON events(site, rome_day(at_ms)) WHERE type = 'ticket.issued';

-- Per (site, service of issue, day of issue) a queue_core::stats::Aggregate of the day's tickets, as
-- JSON. A (site, day) in rolled_days has all its rows here (a day without tickets has none); an
-- event of one of its tickets arriving later deletes both (in the ingest transaction), and the
-- day is folded from events again until the next roll-up pass.
CREATE TABLE IF NOT EXISTS stats_days (
    site    TEXT NOT NULL,
    service TEXT NOT NULL,
    day     DATE NOT NULL,
    agg     JSONB NOT NULL,
    PRIMARY KEY (site, day, service)
);
CREATE TABLE IF NOT EXISTS rolled_days (
    site TEXT NOT NULL,
    day  DATE NOT NULL,
    PRIMARY KEY (site, day)
);
-- The same per month (month = its first day), merged from stats_days once every day of it is.
CREATE TABLE IF NOT EXISTS stats_months (
    site    TEXT NOT NULL,
    service TEXT NOT NULL,
    month   DATE NOT NULL,
    agg     JSONB NOT NULL,
    PRIMARY KEY (site, month, service)
);
CREATE TABLE IF NOT EXISTS rolled_months (
    site  TEXT NOT NULL,
    month DATE NOT NULL,
    PRIMARY KEY (site, month)
);

CREATE TABLE IF NOT EXISTS schema_version (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), version INTEGER NOT NULL);

-- v3 (issue 15: a period that cuts months ≤ 1 s): the roll-ups' aggregates are the JSON text the
-- hub writes and reads, stored as TEXT (JSONB's output function cost ~25 µs a row, most of the read
-- of a period's day rows); day rows are found by day, and rolled-up days by day. A v2 database is
-- converted in place, once (the same JSON, as JSONB prints it).
DO $$
BEGIN
    IF (SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema()
            AND table_name = 'stats_days' AND column_name = 'agg') = 'jsonb' THEN
        ALTER TABLE stats_days ALTER COLUMN agg TYPE TEXT USING agg::text;
    END IF;
    IF (SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema()
            AND table_name = 'stats_months' AND column_name = 'agg') = 'jsonb' THEN
        ALTER TABLE stats_months ALTER COLUMN agg TYPE TEXT USING agg::text;
    END IF;
END
$$;
CREATE INDEX IF NOT EXISTS stats_days_day ON stats_days(day);
CREATE INDEX IF NOT EXISTS rolled_days_day ON rolled_days(day);

-- v3 also: what the site servers configure (their last push): every service with its kind and target wait,
-- so that the hub counts the service level and integrated journeys as the sites do. When a site
-- says something new, the roll-ups of its sites are dropped (the ingest transaction) and folded
-- again with it (so a v2 hub's roll-ups, made knowing no service, are folded again at each
-- origin's first push to this version).
ALTER TABLE origins ADD COLUMN IF NOT EXISTS services JSONB;       -- [queue_core::envelope::ServiceInfo]

-- Areas of the region (Grosseto = station + Follonica + Arcidosso): a site is in at most one.
CREATE TABLE IF NOT EXISTS areas (
    site TEXT PRIMARY KEY,
    area TEXT NOT NULL
);
