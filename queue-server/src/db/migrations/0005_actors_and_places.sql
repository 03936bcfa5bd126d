-- Issue 12: staff belong to sites; revocations reach a running server at once; idempotency
-- records keep no ticket token in clear and remember what was asked.

-- Comma-separated site ids the account belongs to; '*' = every site (accounts made before sites
-- were recorded keep working as they did; `queue-server staff sites` narrows them).
ALTER TABLE staff ADD COLUMN sites TEXT NOT NULL DEFAULT '*';

-- Counters other processes (the admin commands) bump so the server notices at once.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO meta (key, value) VALUES ('auth_epoch', 0);

-- SHA-256 of the request a key was first used with: the same key with another body is refused.
ALTER TABLE idempotency ADD COLUMN request_hash TEXT NOT NULL DEFAULT '';
-- Answers stored before this kept the new ticket's token in clear: forget the token (a retry of
-- such a request gets its ticket back without the token). New tokens of keyed requests are
-- derived from the server's secret and the key, so they are never stored.
UPDATE idempotency SET body = json_remove(body, '$.token', '$.status_url') WHERE json_valid(body)
    AND json_type(body, '$.token') IS NOT NULL;

-- The daily cap: cancelled tickets of the counter's day give their place back; staff may lift the
-- cap for that day.
ALTER TABLE counters ADD COLUMN given_back INTEGER NOT NULL DEFAULT 0;
ALTER TABLE counters ADD COLUMN cap_lifted INTEGER NOT NULL DEFAULT 0;
