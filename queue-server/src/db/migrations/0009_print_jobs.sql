-- Issue 19: a ticket issued at reception, printed at a kiosk of the site that staff chose. One row
-- per job, written in the issuing transaction (never a job without its ticket). The ticket is kept
-- as the kiosk prints it, without its token: the token is derived again from `token_scope` and
-- `token_key` under the server's secret (`auth::keyed_token`), as an idempotent answer's is.
-- `expired` is not stored: a job not taken, or taken and not answered, within 60 s is expired.
CREATE TABLE print_jobs (
    id          TEXT PRIMARY KEY,
    site        TEXT NOT NULL,
    device      TEXT NOT NULL,
    ticket      TEXT NOT NULL,
    number      TEXT NOT NULL,
    ticket_json TEXT NOT NULL,
    token_scope TEXT NOT NULL,
    token_key   TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'taken', 'printed', 'failed')),
    error       TEXT,
    created_ms  INTEGER NOT NULL,
    taken_ms    INTEGER,
    done_ms     INTEGER
);
CREATE INDEX print_jobs_device ON print_jobs(device, state, created_ms);
