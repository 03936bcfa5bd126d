-- Issue 15: events retention forgot before the hub acknowledged them (a site that ran stand-alone,
-- then was enrolled). Each row is a run of origin sequence numbers, inclusive, that will never be
-- sent; the relay declares the runs inside each push, so the hub moves its watermark past them and
-- counts them as forgotten instead of waiting for them forever. With `[hub]` retention never
-- forgets an unacknowledged event, so only stand-alone purges add rows.
CREATE TABLE outbox_forgotten (
    from_seq INTEGER PRIMARY KEY,
    to_seq   INTEGER NOT NULL CHECK (to_seq >= from_seq)
);

-- Holes already in the log (until now only retention made them) above the hub's watermark.
INSERT INTO outbox_forgotten (from_seq, to_seq)
SELECT MAX(prev + 1, (SELECT value FROM meta WHERE key = 'hub_acked') + 1), origin_seq - 1
FROM (SELECT origin_seq, LAG(origin_seq, 1, 0) OVER (ORDER BY origin_seq) AS prev
      FROM events WHERE origin_seq IS NOT NULL)
WHERE origin_seq > prev + 1 AND origin_seq - 1 > (SELECT value FROM meta WHERE key = 'hub_acked');

-- And the run after the last event kept, up to the last number given out.
INSERT INTO outbox_forgotten (from_seq, to_seq)
SELECT MAX(COALESCE((SELECT MAX(origin_seq) FROM events), 0) + 1,
           (SELECT value FROM meta WHERE key = 'hub_acked') + 1),
       (SELECT value FROM meta WHERE key = 'outbox_seq')
WHERE (SELECT value FROM meta WHERE key = 'outbox_seq')
      >= MAX(COALESCE((SELECT MAX(origin_seq) FROM events), 0) + 1,
             (SELECT value FROM meta WHERE key = 'hub_acked') + 1);
