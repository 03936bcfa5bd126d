//! All SQL of the hub (PostgreSQL): the schema, enrolment keys, ingesting a batch in one
//! transaction, the fleet, the events statistics are computed from, and the configuration bundles.

pub use deadpool_postgres::Pool;
use deadpool_postgres::{Manager, ManagerConfig, RecyclingMethod};
use queue_core::Event;
use queue_core::envelope::{Batch, IngestReply, ServiceInfo};
use queue_core::stats::Aggregate;
use tokio_postgres::NoTls;

pub type Result<T> = std::result::Result<T, HubError>;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("database error: {}", pg_detail(.0))]
    Pg(#[from] tokio_postgres::Error),
    #[error("no database connection: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("stored JSON does not parse: {0}")]
    Json(#[from] serde_json::Error),
    /// The batch is refused as a whole (nothing stored): not this key's to write.
    #[error("{0}")]
    Refused(String),
    /// The batch is refused as a whole (nothing stored): it does not make sense.
    #[error("{0}")]
    BadBatch(String),
}

/// The server's own message (tokio-postgres' Display says only "db error").
fn pg_detail(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{} ({})", d.message(), d.code().code()),
        None => e.to_string(),
    }
}

const SCHEMA: &str = include_str!("schema.sql");

/// A pool of connections to `url` (`postgres://user@host:port/db`).
pub fn pool(url: &str) -> anyhow::Result<Pool> {
    let pg: tokio_postgres::Config = url.parse()?;
    let mgr = Manager::from_config(pg, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Ok(Pool::builder(mgr).max_size(16).build()?)
}

/// The schema version this hub writes (`schema.sql`).
pub const SCHEMA_VERSION: i32 = 3;

/// Create the schema or upgrade it (v1 → v2 → v3) in place; idempotent. A database of a newer hub is
/// refused, untouched.
pub async fn migrate(pool: &Pool) -> Result<()> {
    let mut c = pool.get().await?;
    let tx = c.transaction().await?;
    let known = tx
        .query_opt("SELECT to_regclass('schema_version') IS NOT NULL", &[])
        .await?
        .is_some_and(|r| r.get::<_, bool>(0));
    if known
        && let Some(r) = tx.query_opt("SELECT version FROM schema_version", &[]).await?
        && r.get::<_, i32>(0) > SCHEMA_VERSION
    {
        return Err(HubError::BadBatch(format!(
            "the database has schema v{} (this hub knows up to v{SCHEMA_VERSION}): upgrade the hub",
            r.get::<_, i32>(0)
        )));
    }
    tx.batch_execute(SCHEMA).await?;
    tx.execute(
        "INSERT INTO schema_version (version) VALUES ($1) ON CONFLICT (one) DO UPDATE SET version = $1",
        &[&SCHEMA_VERSION],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The stored schema version (0 before the first migration).
pub async fn schema_version(pool: &Pool) -> Result<i32> {
    let c = pool.get().await?;
    let r = c.query_opt("SELECT version FROM schema_version", &[]).await;
    Ok(r.ok().flatten().map_or(0, |r| r.get(0)))
}

/// Who a key is: (role, name), unless unknown or revoked.
pub async fn key(pool: &Pool, key_hash: &str) -> Result<Option<(String, String)>> {
    let c = pool.get().await?;
    let row =
        c.query_opt("SELECT role, name FROM keys WHERE key_hash = $1 AND revoked_ms IS NULL", &[&key_hash]).await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

/// Enrol an origin (or give it a new key, revoking the old ones) allowed to write `sites`.
pub async fn enrol(pool: &Pool, origin: &str, sites: &[String], key_hash: &str, now_ms: i64) -> Result<()> {
    let mut c = pool.get().await?;
    let tx = c.transaction().await?;
    tx.execute(
        "INSERT INTO origins (origin, sites) VALUES ($1, $2) ON CONFLICT (origin) DO UPDATE SET sites = $2",
        &[&origin, &sites],
    )
    .await?;
    tx.execute(
        "UPDATE keys SET revoked_ms = $2 WHERE role = 'site' AND name = $1 AND revoked_ms IS NULL",
        &[&origin, &now_ms],
    )
    .await?;
    tx.execute(
        "INSERT INTO keys (key_hash, role, name, created_ms) VALUES ($1, 'site', $2, $3)",
        &[&key_hash, &origin, &now_ms],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_viewer(pool: &Pool, name: &str, key_hash: &str, now_ms: i64) -> Result<()> {
    let c = pool.get().await?;
    c.execute(
        "INSERT INTO keys (key_hash, role, name, created_ms) VALUES ($1, 'viewer', $2, $3)",
        &[&key_hash, &name, &now_ms],
    )
    .await?;
    Ok(())
}

/// Apply a batch of `origin` in ONE transaction: the events that follow on from the watermark
/// (`INSERT … ON CONFLICT (origin, seq) DO NOTHING`: a replay stores nothing twice), then the new
/// watermark and what the site reported. Nothing past a gap is applied; the gap is recorded.
pub async fn ingest(pool: &Pool, origin: &str, batch: &Batch, now_ms: i64) -> Result<IngestReply> {
    let mut c = pool.get().await?;
    let tx = c.transaction().await?;
    let row = tx.query_opt("SELECT watermark, sites FROM origins WHERE origin = $1 FOR UPDATE", &[&origin]).await?;
    let Some(row) = row else { return Err(HubError::Refused(format!("origin {origin} is not enrolled"))) };
    let watermark = row.get::<_, i64>(0) as u64;
    let sites: Vec<String> = row.get(1);
    let mut events: Vec<_> = batch.events.iter().collect();
    events.sort_by_key(|e| e.seq);
    events.dedup_by_key(|e| e.seq);
    if let Some(e) = events.iter().find(|e| !sites.iter().any(|s| s == e.event.site.as_str())) {
        return Err(HubError::Refused(format!("origin {origin} may not write events of site {}", e.event.site)));
    }
    if let Some(e) = events.iter().find(|e| e.seq == 0 || e.seq > i64::MAX as u64) {
        return Err(HubError::BadBatch(format!("sequence number {} is out of range", e.seq)));
    }
    if let Some(e) = events.iter().find(|e| e.v == 0 || e.v > queue_core::envelope::ENVELOPE_VERSION) {
        return Err(HubError::BadBatch(format!(
            "envelope version {} (this hub reads 1 to {}): upgrade the hub first",
            e.v,
            queue_core::envelope::ENVELOPE_VERSION
        )));
    }
    let seqs_in: Vec<u64> = events.iter().map(|e| e.seq).collect();
    if let Some([a, b]) = batch.forgotten.iter().find(|[a, b]| a > b || *a == 0 || *b > i64::MAX as u64) {
        return Err(HubError::BadBatch(format!("forgotten run {a}..{b} is out of range")));
    }
    if let Some(e) = events.iter().find(|e| batch.forgotten.iter().any(|[a, b]| (*a..=*b).contains(&e.seq))) {
        return Err(HubError::BadBatch(format!("event {} is in the batch and declared forgotten", e.seq)));
    }
    let (new_watermark, gap, forgotten) = queue_core::envelope::contiguous_with(watermark, &seqs_in, &batch.forgotten);
    let take: Vec<_> = events.iter().filter(|e| e.seq <= new_watermark).collect();
    let (mut seqs, mut vs, mut site, mut at, mut kind, mut ticket, mut data) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for e in &take {
        seqs.push(e.seq as i64);
        vs.push(e.v as i32);
        site.push(e.event.site.as_str().to_owned());
        at.push(e.event.at.as_millisecond());
        kind.push(e.event.kind.name().to_owned());
        ticket.push(e.event.kind.ticket_id().map(|t| t.as_str().to_owned()));
        data.push(serde_json::to_string(&e.event)?);
    }
    let applied = tx
        .execute(
            "INSERT INTO events (origin, seq, v, site, at_ms, type, ticket_id, data) \
             SELECT $1, s, v, site, at, t, tid, d::jsonb \
             FROM UNNEST($2::int8[], $3::int4[], $4::text[], $5::int8[], $6::text[], $7::text[], $8::text[]) \
                  AS u(s, v, site, at, t, tid, d) \
             ON CONFLICT (origin, seq) DO NOTHING",
            &[&origin, &seqs, &vs, &site, &at, &kind, &ticket, &data],
        )
        .await?;
    // Late events of a rolled-up day: that day (and its month) is folded from events again.
    let (mut t_site, mut t_id) = (vec![], vec![]);
    for e in &take {
        if let Some(t) = e.event.kind.ticket_id() {
            t_site.push(e.event.site.as_str().to_owned());
            t_id.push(t.as_str().to_owned());
        }
    }
    if !t_id.is_empty() {
        tx.execute(
            "WITH touched AS (SELECT DISTINCT i.site, rome_day(i.at_ms) AS day FROM events i \
                 JOIN UNNEST($1::text[], $2::text[]) AS u(site, tid) ON i.site = u.site AND i.ticket_id = u.tid \
                 WHERE i.type = 'ticket.issued'), \
             d1 AS (DELETE FROM stats_days r USING touched t WHERE r.site = t.site AND r.day = t.day), \
             d2 AS (DELETE FROM stats_months r USING touched t \
                    WHERE r.site = t.site AND r.month = date_trunc('month', t.day)::date), \
             d3 AS (DELETE FROM rolled_months r USING touched t \
                    WHERE r.site = t.site AND r.month = date_trunc('month', t.day)::date) \
             DELETE FROM rolled_days r USING touched t WHERE r.site = t.site AND r.day = t.day",
            &[&t_site, &t_id],
        )
        .await?;
    }
    let r = &batch.report;
    if !r.services.is_empty() {
        // A site that says something new of its services (or says it for the first time, after
        // the hub counted without): its sites' roll-ups are folded again with it.
        let mut services = r.services.clone();
        services.sort();
        tx.execute(
            "WITH changed AS (UPDATE origins SET services = $2::text::jsonb \
                 WHERE origin = $1 AND services IS DISTINCT FROM $2::text::jsonb RETURNING sites), \
             s AS (SELECT unnest(sites) AS site FROM changed), \
             d1 AS (DELETE FROM stats_days r USING s WHERE r.site = s.site), \
             d2 AS (DELETE FROM stats_months r USING s WHERE r.site = s.site), \
             d3 AS (DELETE FROM rolled_months r USING s WHERE r.site = s.site) \
             DELETE FROM rolled_days r USING s WHERE r.site = s.site",
            &[&origin, &serde_json::to_string(&services)?],
        )
        .await?;
    }
    let w = new_watermark as i64;
    let (gap_expected, gap_got) = match gap {
        Some(g) => (Some(g.expected as i64), Some(g.got as i64)),
        None => (None, None),
    };
    tx.execute(
        "UPDATE origins SET watermark = $2::int8, last_contact_ms = $3::int8, software = $4::text, \
         site_last = $5::int8, oldest_unacked_ms = CASE WHEN $2::int8 >= $5::int8 THEN NULL ELSE $6::int8 END, \
         gap_expected = CASE WHEN $7::int8 IS NOT NULL THEN $7 WHEN gap_expected <= $2 THEN NULL ELSE gap_expected END, \
         gap_got = CASE WHEN $7::int8 IS NOT NULL THEN $8 WHEN gap_expected <= $2 THEN NULL ELSE gap_got END, \
         gap_at_ms = CASE WHEN $7::int8 IS NOT NULL THEN $3 WHEN gap_expected <= $2 THEN NULL ELSE gap_at_ms END, \
         devices = $9::text::jsonb, config_report = $10::text::jsonb, forgotten = forgotten + $11::int8 \
         WHERE origin = $1",
        &[
            &origin,
            &w,
            &now_ms,
            &r.software,
            &(r.last as i64),
            &r.oldest_unacked_ms,
            &gap_expected,
            &gap_got,
            &serde_json::to_string(&r.devices)?,
            &r.config.as_ref().map(serde_json::to_string).transpose()?,
            &(forgotten as i64),
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(IngestReply {
        origin: origin.to_owned(),
        watermark: new_watermark,
        applied,
        duplicates: take.len() as u64 - applied,
        gap,
    })
}

/// The PostgreSQL hub behind the ingest boundary (`queue_core::ingest::Ingest`): [`ingest`], whose
/// watermark rule is `queue_core::ingest::admit`'s (one transaction per batch, the origin's row
/// locked; enrolment and the sites an origin may write checked first).
#[derive(Clone)]
pub struct PgHub(pub Pool);

impl queue_core::ingest::Ingest for PgHub {
    type Error = HubError;
    fn ingest(
        &self,
        origin: &str,
        batch: &Batch,
        now: jiff::Timestamp,
    ) -> impl Future<Output = Result<IngestReply>> + Send {
        ingest(&self.0, origin, batch, now.as_millisecond())
    }
}

/// One enrolled origin as the fleet page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Origin {
    pub origin: String,
    pub sites: Vec<String>,
    pub watermark: u64,
    /// Events stored (equal to the watermark unless a gap was reported past it).
    pub events: u64,
    pub last_contact_ms: Option<i64>,
    pub software: Option<String>,
    /// Events the site has that the hub has not (as of the site's last push).
    pub backlog: Option<i64>,
    pub oldest_unacked_ms: Option<i64>,
    pub gap: Option<queue_core::envelope::Gap>,
    /// Events the site's retention deleted before the hub had them (declared by the site; the
    /// watermark moved past them).
    pub forgotten: u64,
    /// The site's devices as it last reported them.
    pub devices: Vec<queue_core::envelope::DeviceHealth>,
    /// The configuration the site last said it runs, has pending, or refused.
    pub config: Option<queue_core::envelope::ConfigReport>,
    /// The newest bundle published for it.
    pub published: Option<Published>,
}

/// A bundle's identity, as the fleet shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Published {
    pub version: u64,
    pub sha256: String,
    pub published_ms: i64,
}

pub async fn fleet(pool: &Pool) -> Result<Vec<Origin>> {
    let c = pool.get().await?;
    let rows = c
        .query(
            "SELECT o.origin, o.sites, o.watermark, o.last_contact_ms, o.software, CASE WHEN o.site_last IS NULL THEN NULL ELSE GREATEST(o.site_last - o.watermark, 0) END, \
                    o.oldest_unacked_ms, \
                    o.gap_expected, o.gap_got, (SELECT count(*) FROM events e WHERE e.origin = o.origin), \
                    o.devices::text, o.config_report::text, b.version, b.sha256, b.published_ms, o.forgotten \
             FROM origins o LEFT JOIN LATERAL (SELECT version, sha256, published_ms FROM config_bundles c \
                  WHERE c.origin = o.origin ORDER BY version DESC LIMIT 1) b ON true \
             ORDER BY o.origin",
            &[],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let (devices, config) = (r.get::<_, Option<&str>>(10), r.get::<_, Option<&str>>(11));
            Ok(Origin {
                origin: r.get(0),
                sites: r.get(1),
                watermark: r.get::<_, i64>(2) as u64,
                last_contact_ms: r.get(3),
                software: r.get(4),
                backlog: r.get(5),
                oldest_unacked_ms: r.get(6),
                gap: match (r.get::<_, Option<i64>>(7), r.get::<_, Option<i64>>(8)) {
                    (Some(e), Some(g)) => Some(queue_core::envelope::Gap { expected: e as u64, got: g as u64 }),
                    _ => None,
                },
                events: r.get::<_, i64>(9) as u64,
                forgotten: r.get::<_, i64>(15) as u64,
                devices: devices.map(serde_json::from_str).transpose()?.unwrap_or_default(),
                config: config.map(serde_json::from_str).transpose()?,
                published: r.get::<_, Option<i64>>(12).map(|v| Published {
                    version: v as u64,
                    sha256: r.get(13),
                    published_ms: r.get(14),
                }),
            })
        })
        .collect()
}

/// Store `files` (sorted by path, checked by the caller) of the sites `sites` as the origin's next
/// bundle, unless its newest already has the same digest: (version, stored now). Refused when the
/// origin is not enrolled or the bundle configures a site whose events its key may not write.
pub async fn publish(
    pool: &Pool,
    origin: &str,
    files: &[queue_core::envelope::BundleFile],
    sha256: &str,
    sites: &[String],
    now_ms: i64,
) -> Result<(u64, bool)> {
    let mut c = pool.get().await?;
    let tx = c.transaction().await?;
    let Some(row) = tx.query_opt("SELECT sites FROM origins WHERE origin = $1 FOR UPDATE", &[&origin]).await? else {
        return Err(HubError::Refused(format!("origin {origin} is not enrolled (hub enrol {origin} --site …)")));
    };
    let enrolled: Vec<String> = row.get(0);
    if let Some(s) = sites.iter().find(|s| !enrolled.contains(s)) {
        return Err(HubError::Refused(format!(
            "the bundle configures site {s}, whose events origin {origin} may not write (enrolled for {}): \
             enrol it again with --site {s} too, or leave the site out",
            enrolled.join(", ")
        )));
    }
    let newest = tx
        .query_opt(
            "SELECT version, sha256 FROM config_bundles WHERE origin = $1 ORDER BY version DESC LIMIT 1",
            &[&origin],
        )
        .await?;
    if let Some(r) = &newest
        && r.get::<_, &str>(1) == sha256
    {
        return Ok((r.get::<_, i64>(0) as u64, false));
    }
    let version = newest.map_or(0, |r| r.get::<_, i64>(0)) + 1;
    tx.execute(
        "INSERT INTO config_bundles (origin, version, format, sha256, files, published_ms) \
         VALUES ($1, $2, $3, $4, $5::text::jsonb, $6)",
        &[
            &origin,
            &version,
            &(queue_core::envelope::BUNDLE_FORMAT as i32),
            &sha256,
            &serde_json::to_string(files)?,
            &now_ms,
        ],
    )
    .await?;
    tx.commit().await?;
    Ok((version as u64, true))
}

/// The origin's newest bundle.
pub async fn newest_bundle(pool: &Pool, origin: &str) -> Result<Option<queue_core::envelope::Bundle>> {
    let c = pool.get().await?;
    let row = c
        .query_opt(
            "SELECT version, format, sha256, files::text, published_ms FROM config_bundles \
             WHERE origin = $1 ORDER BY version DESC LIMIT 1",
            &[&origin],
        )
        .await?;
    row.map(|r| {
        Ok(queue_core::envelope::Bundle {
            origin: origin.to_owned(),
            version: r.get::<_, i64>(0) as u64,
            format: r.get::<_, i32>(1) as u32,
            sha256: r.get(2),
            files: serde_json::from_str(r.get::<_, &str>(3))?,
            published_ms: r.get(4),
        })
    })
    .transpose()
}

/// One roll-up row: a site, the service of issue, a day or a month (its first day), the aggregate.
pub type Rolled = (String, String, jiff::civil::Date, Aggregate);

fn date(d: jiff::civil::Date) -> String {
    d.to_string()
}

fn parse_date(s: &str) -> Result<jiff::civil::Date> {
    s.parse().map_err(|e| HubError::BadBatch(format!("stored date {s}: {e}")))
}

/// What a period's statistics are made of, read in one snapshot: month roll-ups of months wholly
/// inside it, day roll-ups of its other rolled-up days (those of one site, service and month
/// merged into one), and every event of the tickets issued on
/// its days not rolled up (per site, in each origin's order). `from`/`to` are inclusive days.
pub struct Parts {
    pub months: Vec<Rolled>,
    pub days: Vec<Rolled>,
    pub events: Vec<Event>,
    /// What every origin last said of its services (to fold `events` as the sites count).
    pub services: Vec<ServiceInfo>,
    /// Site → its area, for the sites in one.
    pub areas: std::collections::BTreeMap<String, String>,
}

/// The reads of `stats_parts` ($1, $2: the period's first and last day; $3, $4: the first day of
/// its first whole month and of the month after its last whole month, equal when it has none; all
/// `YYYY-MM-DD`). The month rows of its whole months; the day rows of the days before $3 and from
/// $4 (through the `stats_days(day)` index) and of the days of whole months not rolled up per site
/// (from `rolled_days`, which has every (site, day) that has day rows: no scan of the day rows).
/// The month read takes $3 and $4 as $1 and $2.
const MONTHS_SQL: &str = "SELECT m.site, m.service, m.month::text, m.agg FROM stats_months m \
     WHERE m.month >= $1::text::date AND m.month < $2::text::date";

const DAYS_SQL: &str = "SELECT d.site, d.service, d.day::text, d.agg FROM stats_days d \
     WHERE (d.day >= $1::text::date AND d.day < $3::text::date) OR (d.day >= $4::text::date AND d.day <= $2::text::date) \
     UNION ALL \
     SELECT d.site, d.service, d.day::text, d.agg FROM rolled_days r JOIN stats_days d ON d.site = r.site AND d.day = r.day \
     WHERE r.day >= $3::text::date AND r.day < $4::text::date AND NOT EXISTS (SELECT 1 FROM rolled_months m \
         WHERE m.site = r.site AND m.month = date_trunc('month', r.day)::date)";

/// The whole months of `from..=to`: the first day of the first and of the month after the last.
fn whole_months(from: jiff::civil::Date, to: jiff::civil::Date) -> Result<(jiff::civil::Date, jiff::civil::Date)> {
    let out = |e: jiff::Error| HubError::BadBatch(format!("the period {from}..{to} is out of range: {e}"));
    let first = if from.day() == 1 { from } else { from.last_of_month().tomorrow().map_err(out)? };
    let after = to.tomorrow().map_err(out)?;
    let end = after.first_of_month();
    // None: both the day after the period (the day rows are those of from..=to).
    Ok(if end > first { (first, end) } else { (after, after) })
}

const EVENTS_SQL: &str = "SELECT e.data::text FROM events e \
     WHERE e.ticket_id IN (SELECT i.ticket_id FROM events i WHERE i.type = 'ticket.issued' \
                           AND rome_day(i.at_ms) >= $1::text::date AND rome_day(i.at_ms) <= $2::text::date AND i.site = e.site \
                           AND NOT EXISTS (SELECT 1 FROM rolled_days r \
                                           WHERE r.site = i.site AND r.day = rome_day(i.at_ms))) \
     ORDER BY e.origin, e.seq";

/// Where one `stats_parts` spent its time (the benchmark prints it), per read.
#[derive(Debug, Clone, Default)]
pub struct PartsTimes {
    pub months: ReadTime,
    pub days: ReadTime,
    pub events: ReadTime,
}

/// One read: rows, bytes of their stored text, the wait for every row (PostgreSQL's work and the
/// transfer) and decoding them.
#[derive(Debug, Clone, Default)]
pub struct ReadTime {
    pub rows: usize,
    pub bytes: usize,
    pub query: std::time::Duration,
    pub decode: std::time::Duration,
}

pub async fn stats_parts(pool: &Pool, from: jiff::civil::Date, to: jiff::civil::Date) -> Result<Parts> {
    Ok(stats_parts_timed(pool, from, to).await?.0)
}

/// `stats_parts` with where its time went.
pub async fn stats_parts_timed(
    pool: &Pool,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> Result<(Parts, PartsTimes)> {
    let mut c = pool.get().await?;
    let tx = c
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    let (first, end) = whole_months(from, to)?;
    let (f, t, first, end) = (date(from), date(to), date(first), date(end));
    let params: [&(dyn tokio_postgres::types::ToSql + Sync); 4] = [&f, &t, &first, &end];
    let mut times = PartsTimes::default();
    // Each read's rows are decoded on the blocking pool while PostgreSQL makes the next.
    let started = std::time::Instant::now();
    let rows = tx.query(MONTHS_SQL, &params[2..]).await?;
    times.months.query = started.elapsed();
    let months = tokio::task::spawn_blocking(move || decode_rolled(rows));
    let started = std::time::Instant::now();
    let rows = tx.query(DAYS_SQL, &params).await?;
    times.days.query = started.elapsed();
    let days = tokio::task::spawn_blocking(move || decode_rolled(rows));
    let joined = |r: std::result::Result<_, tokio::task::JoinError>| {
        r.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    };
    let (months, m) = joined(months.await)?;
    (times.months.rows, times.months.bytes, times.months.decode) = m;
    let (days, d) = joined(days.await)?;
    (times.days.rows, times.days.bytes, times.days.decode) = d;
    let started = std::time::Instant::now();
    let rows = tx.query(EVENTS_SQL, &[&f, &t]).await?;
    times.events.query = started.elapsed();
    let started = std::time::Instant::now();
    times.events.rows = rows.len();
    let events = rows
        .iter()
        .map(|r| {
            let data: &str = r.get(0);
            times.events.bytes += data.len();
            Ok(serde_json::from_str(data)?)
        })
        .collect::<Result<_>>()?;
    times.events.decode = started.elapsed();
    let services = services_in(&tx, None).await?;
    let areas = tx.query("SELECT site, area FROM areas", &[]).await?.iter().map(|r| (r.get(0), r.get(1))).collect();
    tx.commit().await?;
    Ok((Parts { months, days, events, services, areas }, times))
}

/// Roll-up rows (site, service, day, aggregate text) decoded on the hub's cores, those of one (site,
/// service, month) merged into one, dated its first day: what `cross_site` merges first, so the
/// figures are the same (merging adds counts). Also (rows, bytes of text, the time it took).
fn decode_rolled(rows: Vec<tokio_postgres::Row>) -> Result<(Vec<Rolled>, (usize, usize, std::time::Duration))> {
    type Cells = std::collections::BTreeMap<(String, String, jiff::civil::Date), Aggregate>;
    let started = std::time::Instant::now();
    let decode = |rows: &[tokio_postgres::Row]| -> Result<(Cells, usize)> {
        let (mut cells, mut bytes) = (Cells::new(), 0);
        for r in rows {
            let (day, agg): (&str, &str) = (r.get(2), r.get(3));
            bytes += agg.len();
            let agg: Aggregate = serde_json::from_str(agg)?;
            let key = (r.get(0), r.get(1), parse_date(day)?.first_of_month());
            match cells.entry(key) {
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(agg);
                }
                std::collections::btree_map::Entry::Occupied(mut o) => o.get_mut().merge(&agg),
            }
        }
        Ok((cells, bytes))
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
    let chunk = rows.len().div_ceil(threads).max(64);
    let mut decoded = if rows.len() <= chunk {
        vec![decode(&rows)?]
    } else {
        std::thread::scope(|s| {
            let running: Vec<_> = rows.chunks(chunk).map(|c| s.spawn(move || decode(c))).collect();
            running
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect::<Result<Vec<_>>>()
        })?
    };
    let (mut cells, mut bytes) = decoded.pop().unwrap_or_default();
    for (more, b) in decoded {
        bytes += b;
        for (k, a) in more {
            cells.entry(k).or_default().merge(&a);
        }
    }
    let out = cells.into_iter().map(|((site, service, month), a)| (site, service, month, a)).collect();
    Ok((out, (rows.len(), bytes, started.elapsed())))
}

/// PostgreSQL's plans of `stats_parts`' three reads over a period, run (`EXPLAIN ANALYZE`, with
/// buffers): (read, plan text). For the benchmark.
pub async fn explain_stats(
    pool: &Pool,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> Result<Vec<(&'static str, String)>> {
    let c = pool.get().await?;
    let (first, end) = whole_months(from, to)?;
    let (f, t, first, end) = (date(from), date(to), date(first), date(end));
    let mut out = Vec::new();
    let params: [&(dyn tokio_postgres::types::ToSql + Sync); 4] = [&f, &t, &first, &end];
    for (name, sql, params) in
        [("months", MONTHS_SQL, &params[2..]), ("days", DAYS_SQL, &params[..]), ("events", EVENTS_SQL, &params[..2])]
    {
        let rows = c.query(&format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"), params).await?;
        out.push((name, rows.iter().map(|r| r.get::<_, String>(0)).collect::<Vec<_>>().join("\n")));
    }
    Ok(out)
}

/// What the origins writing `site` (every origin: `None`) last said of their services.
async fn services_in(tx: &tokio_postgres::Transaction<'_>, site: Option<&str>) -> Result<Vec<ServiceInfo>> {
    let rows = tx
        .query(
            "SELECT services::text FROM origins WHERE services IS NOT NULL AND ($1::text IS NULL OR $1 = ANY(sites))",
            &[&site],
        )
        .await?;
    let mut out = Vec::new();
    for r in &rows {
        out.extend(serde_json::from_str::<Vec<ServiceInfo>>(r.get::<_, &str>(0))?);
    }
    Ok(out)
}

/// Every event of the tickets of `site` issued on `day` (in each origin's order).
async fn day_events(tx: &tokio_postgres::Transaction<'_>, site: &str, day: &str) -> Result<Vec<Event>> {
    let rows = tx
        .query(
            "SELECT e.data::text FROM events e WHERE e.site = $1 AND e.ticket_id IN \
                 (SELECT i.ticket_id FROM events i WHERE i.type = 'ticket.issued' AND i.site = $1 \
                  AND rome_day(i.at_ms) = $2::text::date) \
             ORDER BY e.origin, e.seq",
            &[&site, &day],
        )
        .await?;
    rows.iter().map(|r| Ok(serde_json::from_str(r.get::<_, &str>(0))?)).collect()
}

/// One roll-up pass: every (site, day) before `today` that is final — every origin writing the
/// site has no open gap and has pushed an event of a later day — and not rolled up is folded
/// (`fold`: the day's ticket events and what the site's origins said of their services → per
/// service aggregates) into `stats_days`; then every month
/// of a site whose days are all final and rolled up is merged into `stats_months`. Each (site,
/// day) in its own transaction that holds the site's origins (an ingest waits for it, then
/// invalidates it if it brings late events). Returns (days, months) rolled up.
pub async fn roll_up(
    pool: &Pool,
    today: jiff::civil::Date,
    fold: impl Fn(&[Event], &[ServiceInfo]) -> Vec<(String, Aggregate)>,
) -> Result<(usize, usize)> {
    let mut c = pool.get().await?;
    // Per site: the first day that is not final yet.
    let rows = c
        .query(
            "SELECT s.site, bool_or(o.gap_expected IS NOT NULL), \
                    min(rome_day((SELECT l.at_ms FROM events l WHERE l.origin = o.origin ORDER BY l.seq DESC LIMIT 1)))::text \
             FROM origins o, unnest(o.sites) AS s(site) WHERE o.watermark > 0 GROUP BY s.site",
            &[],
        )
        .await?;
    let mut open_from = Vec::new();
    for r in &rows {
        let (site, gap, last): (String, bool, Option<String>) = (r.get(0), r.get(1), r.get(2));
        let Some(last) = last else { continue };
        if gap {
            continue;
        }
        open_from.push((site, date(parse_date(&last)?.min(today))));
    }
    let (mut days, mut months) = (0, 0);
    for (site, first_open) in &open_from {
        let todo = c
            .query(
                "SELECT DISTINCT rome_day(i.at_ms)::text FROM events i WHERE i.type = 'ticket.issued' AND i.site = $1 \
                 AND rome_day(i.at_ms) < $2::text::date AND NOT EXISTS \
                     (SELECT 1 FROM rolled_days r WHERE r.site = i.site AND r.day = rome_day(i.at_ms)) ORDER BY 1",
                &[site, first_open],
            )
            .await?;
        for r in todo {
            let day: String = r.get(0);
            let tx = c.transaction().await?;
            tx.query("SELECT 1 FROM origins WHERE $1 = ANY(sites) FOR SHARE", &[site]).await?;
            let events = day_events(&tx, site, &day).await?;
            let services = services_in(&tx, Some(site)).await?;
            for (service, agg) in fold(&events, &services) {
                tx.execute(
                    "INSERT INTO stats_days (site, service, day, agg) VALUES ($1, $2, $3::text::date, $4::text) \
                     ON CONFLICT (site, day, service) DO UPDATE SET agg = EXCLUDED.agg",
                    &[site, &service, &day, &serde_json::to_string(&agg)?],
                )
                .await?;
            }
            tx.execute(
                "INSERT INTO rolled_days (site, day) VALUES ($1, $2::text::date) ON CONFLICT DO NOTHING",
                &[site, &day],
            )
            .await?;
            tx.commit().await?;
            days += 1;
        }
        // Months wholly before the first open day, with no issue day left unrolled.
        let todo = c
            .query(
                "SELECT DISTINCT date_trunc('month', r.day)::date::text FROM rolled_days r \
                 WHERE r.site = $1 AND (date_trunc('month', r.day) + interval '1 month')::date <= $2::text::date \
                 AND NOT EXISTS (SELECT 1 FROM rolled_months m WHERE m.site = r.site AND m.month = date_trunc('month', r.day)::date) \
                 ORDER BY 1",
                &[site, first_open],
            )
            .await?;
        for r in todo {
            let month: String = r.get(0);
            let tx = c.transaction().await?;
            tx.query("SELECT 1 FROM origins WHERE $1 = ANY(sites) FOR SHARE", &[site]).await?;
            let unrolled = tx
                .query_opt(
                    "SELECT 1 FROM events i WHERE i.type = 'ticket.issued' AND i.site = $1 \
                     AND rome_day(i.at_ms) >= $2::text::date AND rome_day(i.at_ms) < ($2::text::date + interval '1 month')::date \
                     AND NOT EXISTS (SELECT 1 FROM rolled_days r WHERE r.site = i.site AND r.day = rome_day(i.at_ms)) LIMIT 1",
                    &[site, &month],
                )
                .await?;
            if unrolled.is_some() {
                continue;
            }
            let rows = tx
                .query(
                    "SELECT service, agg FROM stats_days WHERE site = $1 AND day >= $2::text::date \
                     AND day < ($2::text::date + interval '1 month')::date",
                    &[site, &month],
                )
                .await?;
            let mut by: std::collections::BTreeMap<String, Aggregate> = Default::default();
            for r in &rows {
                let a: Aggregate = serde_json::from_str(r.get::<_, &str>(1))?;
                by.entry(r.get(0)).or_default().merge(&a);
            }
            for (service, agg) in by {
                tx.execute(
                    "INSERT INTO stats_months (site, service, month, agg) VALUES ($1, $2, $3::text::date, $4::text) \
                     ON CONFLICT (site, month, service) DO UPDATE SET agg = EXCLUDED.agg",
                    &[site, &service, &month, &serde_json::to_string(&agg)?],
                )
                .await?;
            }
            tx.execute(
                "INSERT INTO rolled_months (site, month) VALUES ($1, $2::text::date) ON CONFLICT DO NOTHING",
                &[site, &month],
            )
            .await?;
            tx.commit().await?;
            months += 1;
        }
    }
    Ok((days, months))
}

/// The region's areas: area → its sites (sorted).
pub async fn areas(pool: &Pool) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
    let c = pool.get().await?;
    let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in c.query("SELECT area, site FROM areas ORDER BY area, site", &[]).await? {
        out.entry(r.get(0)).or_default().push(r.get(1));
    }
    Ok(out)
}

/// Make `area` exactly `sites` (moved from any other area; its sites not listed leave it), or
/// remove it (`sites` empty). Refused, changing nothing, when a site is written by no enrolled
/// origin. Returns whether anything changed.
pub async fn set_area(pool: &Pool, area: &str, sites: &[String]) -> Result<bool> {
    let mut c = pool.get().await?;
    let tx = c.transaction().await?;
    let known: Vec<String> =
        tx.query("SELECT DISTINCT unnest(sites) FROM origins", &[]).await?.iter().map(|r| r.get(0)).collect();
    if let Some(s) = sites.iter().find(|s| !known.contains(s)) {
        return Err(HubError::Refused(format!(
            "site {s} is written by no enrolled origin (hub enrol ORIGIN --site {s} first)"
        )));
    }
    let before: Vec<(String, String)> = tx
        .query("SELECT site, area FROM areas ORDER BY site", &[])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    tx.execute("DELETE FROM areas WHERE area = $1 OR site = ANY($2)", &[&area, &sites]).await?;
    tx.execute("INSERT INTO areas (site, area) SELECT unnest($2::text[]), $1", &[&area, &sites]).await?;
    let after: Vec<(String, String)> = tx
        .query("SELECT site, area FROM areas ORDER BY site", &[])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    tx.commit().await?;
    Ok(before != after)
}

/// For the statistics benchmark: the roll-ups of `sites` sites (`s1`, `s2` …) with the same
/// aggregate `day` of `service` on every day from `first` to `last`, and the given month rows
/// (a month's first day, its aggregate). Call once per service, then `seed_rolled`.
pub async fn seed_roll_ups(
    pool: &Pool,
    sites: i32,
    service: &str,
    (first, last): (jiff::civil::Date, jiff::civil::Date),
    day: &Aggregate,
    months: &[(jiff::civil::Date, Aggregate)],
) -> Result<()> {
    let c = pool.get().await?;
    c.execute(
        "INSERT INTO stats_days (site, service, day, agg) \
         SELECT 's' || s, $1, d::date, $2::text \
         FROM generate_series(1, $3::int4) s, generate_series($4::text::date, $5::text::date, '1 day') d",
        &[&service, &serde_json::to_string(day)?, &sites, &date(first), &date(last)],
    )
    .await?;
    for (month, agg) in months {
        c.execute(
            "INSERT INTO stats_months (site, service, month, agg) \
             SELECT 's' || s, $1, $2::text::date, $3::text FROM generate_series(1, $4::int4) s",
            &[&service, &date(*month), &serde_json::to_string(agg)?, &sites],
        )
        .await?;
    }
    Ok(())
}

/// For the statistics benchmark, after `seed_roll_ups`: every day and month from `first` to
/// `last` of the `sites` sites marked rolled up; then `ANALYZE`. Answers the size of the roll-ups.
pub async fn seed_rolled(
    pool: &Pool,
    sites: i32,
    (first, last): (jiff::civil::Date, jiff::civil::Date),
) -> Result<String> {
    let c = pool.get().await?;
    c.execute(
        "INSERT INTO rolled_days SELECT 's' || s, d::date FROM generate_series(1, $1::int4) s, \
             generate_series($2::text::date, $3::text::date, '1 day') d",
        &[&sites, &date(first), &date(last)],
    )
    .await?;
    c.execute(
        "INSERT INTO rolled_months SELECT 's' || s, d::date FROM generate_series(1, $1::int4) s, \
             generate_series(date_trunc('month', $2::text::date), $3::text::date, '1 month') d",
        &[&sites, &date(first), &date(last)],
    )
    .await?;
    c.batch_execute("ANALYZE").await?;
    let size = c
        .query_one(
            "SELECT pg_size_pretty(pg_total_relation_size('stats_days') + pg_total_relation_size('stats_months'))",
            &[],
        )
        .await?;
    Ok(size.get(0))
}
