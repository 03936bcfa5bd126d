-- Statistics rolled up per site, site-local day of issue and service (queue_core::stats::Aggregate
-- as JSON), for the finished tickets of past days. The row with service '' marks the day rolled
-- up: its data is {"tickets": N, "open_left": M}; a day with tickets still open is rolled again
-- once they close, and its details are purged (retention) only when none was left open.
CREATE TABLE stats_days (
    site    TEXT NOT NULL,
    day     TEXT NOT NULL,
    service TEXT NOT NULL,
    data    TEXT NOT NULL,
    PRIMARY KEY (site, day, service)
);
