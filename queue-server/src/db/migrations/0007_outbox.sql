-- Issue 15: the event log is a transactional outbox for the regional hub. Every event gets the
-- origin's own sequence number (`origin_seq`: 1, 2, 3 … with no gap), taken from `meta` in the
-- same transaction as the event, so a rolled-back batch gives its numbers back and a purge never
-- lets one be used twice. The hub's acknowledged watermark is kept beside it; retention waits for it.

ALTER TABLE events ADD COLUMN origin_seq INTEGER;
-- Events stored before this are numbered in their order.
UPDATE events SET origin_seq = r.n
    FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM events) AS r
    WHERE r.seq = events.seq;
CREATE UNIQUE INDEX events_origin_seq ON events(origin_seq);

-- The last origin sequence number given out.
INSERT INTO meta (key, value) VALUES ('outbox_seq', (SELECT COUNT(*) FROM events));
-- Every event up to this one is stored at the hub (its answer to the last push).
INSERT INTO meta (key, value) VALUES ('hub_acked', 0);
-- When the hub last answered (ms since the epoch; 0: never).
INSERT INTO meta (key, value) VALUES ('hub_contact_ms', 0);
