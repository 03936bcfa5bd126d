//! Sportello's regional hub: every site server pushes its events here; the hub stores each exactly
//! once in PostgreSQL (`db`), shows the fleet, and computes cross-site statistics with the same
//! definitions as a site (`queue_core::stats`).
//!
//! Routes: `POST /hub/v1/events` (a site's enrolment key; one batch, one transaction, answers the
//! watermark), `GET /hub/v1/config` (a site's key: its newest configuration bundle, 304 when it has
//! it), `GET /hub/v1/fleet`, the page `GET /fleet`, `GET /hub/v1/stats` (per site, area, service
//! and month), `GET /hub/v1/report` and its page `GET /report` (the regional funder report) with
//! a viewer key (the pages also take it as an HTTP Basic password).

pub mod db;

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use deadpool_postgres::Pool;
use queue_core::envelope::{Batch, IngestReply};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A push may carry this much (a relay batch is a few hundred KiB).
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

#[derive(Clone)]
pub struct HubState {
    pub pool: Pool,
    /// The regional funder report's smallest shown count (`hub serve --min-group-size`).
    pub min_group_size: u32,
}

/// The smallest count a funder report shows unless told otherwise (the sites' default too).
pub const DEFAULT_MIN_GROUP_SIZE: u32 = 5;

impl HubState {
    pub fn new(pool: Pool) -> HubState {
        HubState { pool, min_group_size: DEFAULT_MIN_GROUP_SIZE }
    }
}

/// An error answer in the sites' shape: `{"error": {"code", "message"}}`.
pub struct HubApiError(StatusCode, &'static str, String);

impl IntoResponse for HubApiError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({"error": {"code": self.1, "message": self.2}}))).into_response()
    }
}

impl From<db::HubError> for HubApiError {
    fn from(e: db::HubError) -> Self {
        match e {
            db::HubError::Refused(m) => HubApiError(StatusCode::FORBIDDEN, "forbidden", m),
            db::HubError::BadBatch(m) => HubApiError(StatusCode::BAD_REQUEST, "bad_request", m),
            e => {
                tracing::error!(error = %e, "hub storage failed");
                HubApiError(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the hub's database is not available".into(),
                )
            }
        }
    }
}

/// A new key: 32 random bytes, base64url, with a prefix that says what it is.
pub fn new_key(prefix: &str) -> String {
    let mut b = [0u8; 32];
    rand::fill(&mut b);
    format!("{prefix}_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b))
}

/// Keys are stored as SHA-256 hex: they are long random strings, not passwords.
pub fn key_hash(key: &str) -> String {
    Sha256::digest(key.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The key of a request: `Authorization: Bearer KEY`, or HTTP Basic with the key as the password
/// (what a browser asks for on the hub's pages; the user name is not looked at).
fn request_key(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    if let Some(k) = v.strip_prefix("Bearer ") {
        return Some(k.trim().to_owned());
    }
    let b = v.strip_prefix("Basic ")?;
    let raw = base64::engine::general_purpose::STANDARD.decode(b.trim()).ok()?;
    let text = String::from_utf8(raw).ok()?;
    Some(text.split_once(':')?.1.trim().to_owned())
}

async fn caller(state: &HubState, headers: &HeaderMap, role: &str) -> Result<String, HubApiError> {
    let unauthorized = || HubApiError(StatusCode::UNAUTHORIZED, "unauthorized", "a valid bearer key is needed".into());
    let key = request_key(headers).filter(|k| !k.is_empty()).ok_or_else(unauthorized)?;
    match db::key(&state.pool, &key_hash(&key)).await? {
        Some((r, name)) if r == role => Ok(name),
        Some(_) => Err(HubApiError(StatusCode::FORBIDDEN, "forbidden", format!("this key is not a {role} key"))),
        None => Err(unauthorized()),
    }
}

/// `caller` for a page: a browser without the key is asked for it (HTTP Basic: any user name,
/// the viewer key as the password).
async fn page_caller(state: &HubState, headers: &HeaderMap) -> Result<String, Response> {
    match caller(state, headers, "viewer").await {
        Ok(name) => Ok(name),
        Err(HubApiError(StatusCode::UNAUTHORIZED, ..)) => Err((
            StatusCode::UNAUTHORIZED,
            [(axum::http::header::WWW_AUTHENTICATE, "Basic realm=\"Sportello hub\", charset=\"UTF-8\"")],
            "Serve la chiave di consultazione dell'hub (hub viewer NOME) come password.",
        )
            .into_response()),
        Err(e) => Err(e.into_response()),
    }
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

async fn ingest(
    State(state): State<HubState>,
    headers: HeaderMap,
    body: Result<Json<Batch>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<IngestReply>, HubApiError> {
    let origin = caller(&state, &headers, "site").await?;
    let Json(batch) = body.map_err(|e| HubApiError(StatusCode::BAD_REQUEST, "bad_request", e.body_text()))?;
    if batch.origin != origin {
        return Err(HubApiError(
            StatusCode::FORBIDDEN,
            "wrong_origin",
            format!("this key writes origin {origin}, not {}", batch.origin),
        ));
    }
    // Through the hub's store boundary (`queue_core::ingest::Ingest`, PostgreSQL here).
    use queue_core::ingest::Ingest as _;
    let reply = db::PgHub(state.pool.clone()).ingest(&origin, &batch, jiff::Timestamp::now()).await?;
    if let Some(g) = reply.gap {
        tracing::warn!(origin, expected = g.expected, got = g.got, "gap in an origin's events: not applied past it");
    }
    Ok(Json(reply))
}

async fn fleet(State(state): State<HubState>, headers: HeaderMap) -> Result<Json<serde_json::Value>, HubApiError> {
    caller(&state, &headers, "viewer").await?;
    Ok(Json(serde_json::json!({ "origins": fleet_view(&state).await? })))
}

/// The fleet page: one row per origin (the same figures as `/hub/v1/fleet`).
async fn fleet_page(State(state): State<HubState>, headers: HeaderMap) -> Response {
    if let Err(r) = page_caller(&state, &headers).await {
        return r;
    }
    fleet_page_for(&state).await.unwrap_or_else(IntoResponse::into_response)
}

async fn fleet_page_for(state: &HubState) -> Result<Response, HubApiError> {
    let rows = fleet_view(state).await?;
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "—".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    let page = maud::html! {
        (maud::DOCTYPE)
        html lang="it" {
            head { meta charset="utf-8"; meta name="viewport" content="width=device-width"; title { "Sportello — flotta" } style { (PAGE_STYLE) } }
            body {
                h1 { "Sedi collegate all'hub regionale" }
                p { a href="/report" { "Rapporto per i finanziatori" } }
                table {
                    thead { tr {
                        th { "Origine" } th { "Sedi" } th { "Collegata" } th { "Ultimo contatto (s fa)" }
                        th { "Eventi ricevuti" } th { "Da inviare" } th { "Il più vecchio da inviare (s)" }
                        th { "Versione" } th { "Buco" } th { "Configurazione pubblicata" }
                        th { "Configurazione in uso" } th { "Stato configurazione" }
                    } }
                    tbody {
                        @for o in &rows {
                            tr {
                                td { (cell(&o["origin"])) }
                                td { (o["sites"].as_array().map(|a| a.iter().map(cell).collect::<Vec<_>>().join(", ")).unwrap_or_default()) }
                                td { @if o["connected"] == true { "sì" } @else { "no" } }
                                td { (cell(&o["last_contact_age_s"])) }
                                td { (cell(&o["watermark"])) }
                                td { (cell(&o["backlog"])) }
                                td { (cell(&o["oldest_unacked_age_s"])) }
                                td { (cell(&o["software"])) }
                                td {
                                    @if let Some(g) = o["gap"].as_object() { "manca dal " (cell(&g["expected"])) } @else { "—" }
                                    @if o["forgotten"].as_u64().unwrap_or(0) > 0 {
                                        " (" (cell(&o["forgotten"])) " cancellati dalla sede prima dell'iscrizione)"
                                    }
                                }
                                td { (cell(&o["published"]["version"])) }
                                td { (cell(&o["config"]["running"]["version"])) }
                                td { (config_state_it(o)) }
                            }
                        }
                    }
                }
                // The devices apart: a wide fleet table would not fit a laptop's screen.
                table {
                    caption { "Dispositivi (come la sede li ha segnalati)" }
                    thead { tr {
                        th { "Origine" } th { "Sede" } th { "Dispositivo" } th { "Tipo" } th { "Stato" }
                        th { "Stampante" } th { "Suono" } th { "Versione" }
                    } }
                    tbody {
                        @for o in &rows {
                            @for d in o["devices"].as_array().into_iter().flatten() {
                                tr {
                                    td { (cell(&o["origin"])) } td { (cell(&d["site"])) } td { (cell(&d["name"])) }
                                    td { (cell(&d["kind"])) } td {
                                        @if let Some(p) = d["problem"].as_str() { (p) }
                                        @else if d["last_seen_ms"].is_null() { "mai sentito" } @else { "ok" }
                                    }
                                    td { (cell(&d["printer"])) } td { (cell(&d["sound"])) } td { (cell(&d["version"])) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(([(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")], page.into_string()).into_response())
}

async fn fleet_view(state: &HubState) -> Result<Vec<serde_json::Value>, HubApiError> {
    let now = now_ms();
    let origins = db::fleet(&state.pool).await?;
    let list: Vec<_> = origins
        .into_iter()
        .map(|o| {
            let connected = o.last_contact_ms.is_some_and(|t| now - t < CONNECTED_MS);
            let oldest_unacked_age_s = o.oldest_unacked_ms.map(|t| (now - t).max(0) / 1000);
            let mut v = serde_json::to_value(&o).unwrap_or_default();
            v["connected"] = connected.into();
            v["oldest_unacked_age_s"] = oldest_unacked_age_s.into();
            v["last_contact_age_s"] = o.last_contact_ms.map(|t| (now - t).max(0) / 1000).into();
            v["config_state"] = config_state(&o).into();
            v
        })
        .collect();
    Ok(list)
}

/// Published vs deployed, in one word: `none_published`, `unknown` (the site has not said),
/// `deployed` (it runs the newest bundle), `pending_restart` (written at the site, applies at its
/// next start), `refused` (the site kept its old configuration: see `config.refused.reason`),
/// `not_deployed` (not fetched yet).
pub fn config_state(o: &db::Origin) -> &'static str {
    let Some(p) = &o.published else { return "none_published" };
    let Some(c) = &o.config else { return "unknown" };
    if c.running.version == Some(p.version) {
        "deployed"
    } else if c.pending_restart.as_ref().is_some_and(|x| x.version == Some(p.version)) {
        "pending_restart"
    } else if c.refused.as_ref().is_some_and(|r| r.version == p.version) {
        "refused"
    } else {
        "not_deployed"
    }
}

fn config_state_it(o: &serde_json::Value) -> String {
    match o["config_state"].as_str().unwrap_or("") {
        "none_published" => "nessuna pubblicata (file locali)".into(),
        "unknown" => "non comunicato".into(),
        "deployed" => "in uso".into(),
        "pending_restart" => "scritta, in attesa di riavvio".into(),
        "refused" => format!("rifiutata: {}", o["config"]["refused"]["reason"].as_str().unwrap_or("")),
        _ => "non ancora ricevuta".into(),
    }
}

/// The files of a site configuration directory as a bundle: every file `config::read_sources`
/// reads, checked with `config::load_sources` (the check `queue-server check-config` makes).
/// A bundle carries no `[hub]`: each site keeps its own key. Errors: every problem found.
pub fn bundle_from_dir(dir: &std::path::Path) -> Result<DirBundle, String> {
    let sources = config::read_sources(dir).map_err(|e| e.to_string())?;
    let cfg = config::load_sources(&sources).map_err(|e| e.to_string())?;
    if cfg.hub.is_some() {
        return Err(format!(
            "{}: a bundle carries no [hub] section (each site keeps its hub key in its own sportello.toml): remove it",
            dir.join("sportello.toml").display()
        ));
    }
    let mut files: Vec<_> = sources
        .iter()
        .map(|(p, t)| queue_core::envelope::BundleFile {
            path: p.to_string_lossy().replace('\\', "/"),
            text: t.clone(),
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(f) = files.iter().find(|f| !queue_core::envelope::bundle_path_ok(&f.path)) {
        return Err(format!("{}: a site file's name is a-z, 0-9, '-', '_' and '.', ending .toml", f.path));
    }
    let sites = cfg.sites.iter().map(|s| s.id.as_str().to_owned()).collect();
    Ok(DirBundle { files, sha256: cfg.digest, sites })
}

/// A configuration directory made into a bundle's files.
pub struct DirBundle {
    /// Sorted by path.
    pub files: Vec<queue_core::envelope::BundleFile>,
    pub sha256: String,
    /// The site ids it configures.
    pub sites: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigQuery {
    /// The newest bundle version the site has (or refused): 304 unless there is a newer one.
    have: Option<u64>,
}

/// A site's newest bundle: `ETag: "v<version>"`; `If-None-Match` with it or `?have=` at least its
/// version answers 304; none published answers 404 `no_bundle`.
async fn site_config(
    State(state): State<HubState>,
    headers: HeaderMap,
    q: Result<Query<ConfigQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, HubApiError> {
    let origin = caller(&state, &headers, "site").await?;
    let Query(q) = q.map_err(|e| HubApiError(StatusCode::BAD_REQUEST, "bad_request", e.body_text()))?;
    let Some(b) = db::newest_bundle(&state.pool, &origin).await? else {
        return Err(HubApiError(
            StatusCode::NOT_FOUND,
            "no_bundle",
            format!("no configuration is published for origin {origin}: it runs on its local files"),
        ));
    };
    let etag = format!("\"v{}\"", b.version);
    let matches = headers
        .get(axum::http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches || q.have.is_some_and(|h| h >= b.version) {
        return Ok((StatusCode::NOT_MODIFIED, [(axum::http::header::ETAG, etag)]).into_response());
    }
    Ok(([(axum::http::header::ETAG, etag)], Json(b)).into_response())
}

/// A site that pushed (or sent its heartbeat) this recently is connected.
const CONNECTED_MS: i64 = 60_000;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StatsQuery {
    /// `YYYY-MM-DD`, inclusive, Europe/Rome.
    from: jiff::civil::Date,
    /// `YYYY-MM-DD`, inclusive.
    to: jiff::civil::Date,
}

/// Per site, service and month (`YYYY-MM`, Europe/Rome, by the day of issue): the counts of the
/// sites' own summary, from `queue_core::stats` aggregates — the roll-ups of final days and months
/// (`db::roll_up`) merged with the tickets of the other days folded from their events.
async fn stats(
    State(state): State<HubState>,
    headers: HeaderMap,
    q: Result<Query<StatsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<serde_json::Value>, HubApiError> {
    caller(&state, &headers, "viewer").await?;
    let Query(q) = q.map_err(|e| HubApiError(StatusCode::BAD_REQUEST, "bad_request", e.body_text()))?;
    if q.from > q.to {
        return Err(HubApiError(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("from {} is after to {}", q.from, q.to),
        ));
    }
    let parts = db::stats_parts(&state.pool, q.from, q.to).await?;
    Ok(Json(cross_site(parts, &rome())))
}

fn rome() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Rome").expect("the bundled tzdb has Europe/Rome")
}

/// One cell: a site, a service, a month.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Cell {
    pub site: String,
    pub service: String,
    pub month: String,
    pub summary: queue_core::stats::Summary,
}

type Day = (String, String, jiff::civil::Date);

/// What the sites said of their services: (site, service) → (kind, target wait in s).
#[derive(Debug, Clone, Default)]
pub struct Services(BTreeMap<(String, String), (String, u32)>);

impl Services {
    pub fn of(list: &[queue_core::envelope::ServiceInfo]) -> Services {
        Services(
            list.iter().map(|s| ((s.site.clone(), s.service.clone()), (s.kind.clone(), s.target_wait_s))).collect(),
        )
    }

    fn kind(&self, site: &str, service: &queue_core::ServiceId) -> Option<&str> {
        self.0.get(&(site.to_owned(), service.as_str().to_owned())).map(|(k, _)| k.as_str())
    }

    fn target_s(&self, site: &str, service: &queue_core::ServiceId) -> u32 {
        self.0.get(&(site.to_owned(), service.as_str().to_owned())).map_or(0, |(_, t)| *t)
    }
}

/// Fold ticket events into one `Aggregate` per (site, service of issue, local day of issue), as a
/// site adds its tickets up (`queue_server::rollup::add_ticket`): the first wait is within the
/// target stored with the ticket (older tickets: the service's target as the site reported it),
/// and a journey is integrated when social and employment services served it (kinds as reported).
pub fn fold_days_with(
    events: &[queue_core::Event],
    tz: &jiff::tz::TimeZone,
    services: &Services,
) -> BTreeMap<Day, queue_core::stats::Aggregate> {
    let mut by_site: BTreeMap<&str, Vec<&queue_core::Event>> = BTreeMap::new();
    for e in events {
        by_site.entry(e.site.as_str()).or_default().push(e);
    }
    let mut out: BTreeMap<Day, queue_core::stats::Aggregate> = BTreeMap::new();
    for (site, evs) in by_site {
        for t in queue_core::stats::tickets_from_events(evs) {
            let z = t.issued_at.to_zoned(tz.clone());
            let weekday = z.weekday().to_monday_zero_offset() as usize;
            let target = t.target_wait_s.unwrap_or_else(|| services.target_s(site, &t.service));
            let within = t.first_wait_ms.is_some_and(|w| w <= i64::from(target) * 1000);
            let integrated = t.integrated(|s| services.kind(site, s), "social", "employment");
            out.entry((site.to_owned(), t.service.as_str().to_owned(), z.date())).or_default().add(
                &t,
                weekday,
                z.hour() as usize,
                within,
                integrated,
            );
        }
    }
    out
}

/// `fold_days_with` knowing no services (no target, no kinds): for synthetic data.
pub fn fold_days(events: &[queue_core::Event], tz: &jiff::tz::TimeZone) -> BTreeMap<Day, queue_core::stats::Aggregate> {
    fold_days_with(events, tz, &Services::default())
}

/// One roll-up pass (`db::roll_up`) with the hub's fold; `now` decides which days are over.
pub async fn roll_up(pool: &Pool, now: jiff::Timestamp) -> Result<(usize, usize), db::HubError> {
    let tz = rome();
    let today = now.to_zoned(tz.clone()).date();
    db::roll_up(pool, today, |events, services| {
        fold_days_with(events, &tz, &Services::of(services)).into_iter().map(|((_, svc, _), a)| (svc, a)).collect()
    })
    .await
}

/// Between two roll-up passes of a serving hub (one also runs at start-up).
const ROLL_UP_PERIOD: std::time::Duration = std::time::Duration::from_secs(600);

/// `YYYY-MM` of a day.
fn month_of(d: jiff::civil::Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// Per (site, service of issue, month) the merged `Aggregate` of a period's parts: roll-ups and
/// the tickets of the other days, folded with what the sites said of their services.
pub fn cells_of(
    parts: db::Parts,
    tz: &jiff::tz::TimeZone,
) -> BTreeMap<(String, String, String), queue_core::stats::Aggregate> {
    let mut cells: BTreeMap<(String, String, String), queue_core::stats::Aggregate> = BTreeMap::new();
    let folded = fold_days_with(&parts.events, tz, &Services::of(&parts.services)).into_iter();
    for (site, service, day, agg) in
        parts.months.into_iter().chain(parts.days).chain(folded.map(|((s, v, d), a)| (s, v, d, a)))
    {
        cells.entry((site, service, month_of(day))).or_default().merge(&agg);
    }
    cells
}

type Aggregates = BTreeMap<String, queue_core::stats::Aggregate>;

/// Per site, its cells merged.
fn per_site(cells: &BTreeMap<(String, String, String), queue_core::stats::Aggregate>) -> Aggregates {
    let mut sites = Aggregates::new();
    for ((site, _, _), a) in cells {
        sites.entry(site.clone()).or_default().merge(a);
    }
    sites
}

/// Per area (site → area), its sites (sorted, those without tickets too) and their merge.
fn per_area(
    sites: &Aggregates,
    areas: &BTreeMap<String, String>,
) -> BTreeMap<String, (Vec<String>, queue_core::stats::Aggregate)> {
    let mut by_area: BTreeMap<String, (Vec<String>, queue_core::stats::Aggregate)> = BTreeMap::new();
    for (site, area) in areas {
        let e = by_area.entry(area.clone()).or_default();
        e.0.push(site.clone());
        if let Some(a) = sites.get(site) {
            e.1.merge(a);
        }
    }
    by_area
}

/// The cross-site figures: per (site, service, month) the merged `Aggregate` of the tickets and its
/// summary (with the site's area); per site and per area (its sites together) over every service
/// and month.
pub fn cross_site(parts: db::Parts, tz: &jiff::tz::TimeZone) -> serde_json::Value {
    let areas = parts.areas.clone();
    let cells = cells_of(parts, tz);
    let sites = per_site(&cells);
    let by_area = per_area(&sites, &areas);
    let cells: Vec<serde_json::Value> = cells
        .into_iter()
        .map(|((site, service, month), a)| {
            let mut v = serde_json::to_value(Cell { site: site.clone(), service, month, summary: a.summary() })
                .unwrap_or_default();
            v["area"] = areas.get(&site).cloned().into();
            v
        })
        .collect();
    let sites: BTreeMap<String, queue_core::stats::Summary> =
        sites.into_iter().map(|(s, a)| (s, a.summary())).collect();
    let areas: BTreeMap<String, serde_json::Value> = by_area
        .into_iter()
        .map(|(name, (sites, a))| (name, serde_json::json!({ "sites": sites, "summary": a.summary() })))
        .collect();
    serde_json::json!({ "cells": cells, "sites": sites, "areas": areas })
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportQuery {
    /// `YYYY-MM` (Europe/Rome, by the day of issue).
    month: String,
}

/// The regional funder report of a month: the region, each area and each site, with the sites'
/// rule for small cells (`queue_core::stats::FunderFigures`) and, across the levels, secondary
/// suppression (`protect_sums`): no suppressed count can be worked out from the others.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RegionReport {
    pub month: String,
    pub min_group_size: u32,
    pub region: queue_core::stats::FunderFigures,
    pub areas: Vec<AreaFigures>,
    pub sites: Vec<SiteFigures>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct AreaFigures {
    pub area: String,
    pub sites: Vec<String>,
    pub figures: queue_core::stats::FunderFigures,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SiteFigures {
    pub site: String,
    pub area: Option<String>,
    pub figures: queue_core::stats::FunderFigures,
}

/// The report of `month` from its per-site aggregates (`cells_of`) and the areas (site → area);
/// every site with tickets in the month, and every area, is listed.
pub fn region_report(
    month: &str,
    min: u32,
    sites: &BTreeMap<String, queue_core::stats::Aggregate>,
    areas: &BTreeMap<String, String>,
) -> RegionReport {
    use queue_core::stats::{Aggregate, FunderFigures};
    let mut region = Aggregate::default();
    for a in sites.values() {
        region.merge(a);
    }
    let by_area = per_area(sites, areas);
    // Reports in one list: the region, the areas, the sites; and the sums between them: each area
    // of its sites, the region of its areas and the sites in none.
    let mut aggs = vec![&region];
    aggs.extend(by_area.values().map(|(_, a)| a));
    aggs.extend(sites.values());
    let site0 = 1 + by_area.len();
    let index: BTreeMap<&str, usize> = sites.keys().enumerate().map(|(i, s)| (s.as_str(), site0 + i)).collect();
    let mut groups: Vec<(usize, Vec<usize>)> = by_area
        .values()
        .enumerate()
        .map(|(i, (members, _))| (1 + i, members.iter().filter_map(|s| index.get(s.as_str()).copied()).collect()))
        .collect();
    let loose = sites.keys().filter(|s| !areas.contains_key(*s)).map(|s| index[s.as_str()]);
    groups.push((0, (1..site0).chain(loose).collect()));
    let mut figures: Vec<FunderFigures> = aggs.iter().map(|a| FunderFigures::of(a, min)).collect();
    let actual: Vec<FunderFigures> = aggs.iter().map(|a| FunderFigures::of(a, 1)).collect();
    queue_core::stats::protect_sums(&mut figures, &actual, &groups);
    let mut figures = figures.into_iter();
    let region = figures.next().unwrap_or_default();
    let areas_out = by_area
        .into_iter()
        .map(|(area, (sites, _))| AreaFigures { area, sites, figures: figures.next().unwrap_or_default() })
        .collect();
    let sites_out = sites
        .keys()
        .map(|site| SiteFigures {
            site: site.clone(),
            area: areas.get(site).cloned(),
            figures: figures.next().unwrap_or_default(),
        })
        .collect();
    RegionReport { month: month.to_owned(), min_group_size: min, region, areas: areas_out, sites: sites_out }
}

async fn report_of(state: &HubState, month: &str) -> Result<RegionReport, HubApiError> {
    let bad = || {
        HubApiError(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("month '{}' is not YYYY-MM", month.chars().take(16).collect::<String>()),
        )
    };
    if month.len() != 7 {
        return Err(bad());
    }
    let first: jiff::civil::Date = format!("{month}-01").parse().map_err(|_| bad())?;
    if !(2000..=2200).contains(&first.year()) {
        return Err(bad());
    }
    let parts = db::stats_parts(&state.pool, first, first.last_of_month()).await?;
    let areas = parts.areas.clone();
    let sites = per_site(&cells_of(parts, &rome()));
    Ok(region_report(month, state.min_group_size, &sites, &areas))
}

/// `GET /hub/v1/report?month=YYYY-MM` (a viewer key): the regional funder report.
async fn report(
    State(state): State<HubState>,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<RegionReport>, HubApiError> {
    caller(&state, &headers, "viewer").await?;
    let Query(q) = q.map_err(|e| HubApiError(StatusCode::BAD_REQUEST, "bad_request", e.body_text()))?;
    Ok(Json(report_of(&state, &q.month).await?))
}

#[derive(serde::Deserialize)]
struct ReportPageQuery {
    month: Option<String>,
}

/// The page of the regional funder report (`/report?month=YYYY-MM`, the last month by default),
/// in Italian, for the Region's officers: the same figures as `/hub/v1/report`.
async fn report_page(State(state): State<HubState>, headers: HeaderMap, Query(q): Query<ReportPageQuery>) -> Response {
    if let Err(r) = page_caller(&state, &headers).await {
        return r;
    }
    let month = q.month.unwrap_or_else(|| {
        let today = jiff::Timestamp::now().to_zoned(rome()).date();
        let last = today.first_of_month().yesterday().unwrap_or(today);
        month_of(last)
    });
    let r = match report_of(&state, &month).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let n = |v: Option<u64>| v.map_or("< soglia".to_owned(), |n| n.to_string());
    let secs = |v: Option<f64>| match v {
        None => "—".to_owned(),
        Some(s) if s < 60.0 => "meno di 1 min".to_owned(),
        Some(s) => format!("{:.0} min", s / 60.0),
    };
    let rows: Vec<(String, String, &queue_core::stats::FunderFigures)> =
        std::iter::once(("Regione".to_owned(), String::new(), &r.region))
            .chain(r.areas.iter().map(|a| (format!("Area {}", a.area), a.sites.join(", "), &a.figures)))
            .chain(r.sites.iter().map(|s| (format!("Sede {}", s.site), s.area.clone().unwrap_or_default(), &s.figures)))
            .collect();
    let services: std::collections::BTreeSet<&String> =
        rows.iter().flat_map(|(_, _, f)| f.services_used.keys()).collect();
    let groups: std::collections::BTreeSet<&String> =
        rows.iter().flat_map(|(_, _, f)| f.people_by_group.keys()).collect();
    let page = maud::html! {
        (maud::DOCTYPE)
        html lang="it" {
            head {
                meta charset="utf-8"; meta name="viewport" content="width=device-width";
                title { "Sportello — rapporto regionale " (r.month) }
                style { (PAGE_STYLE) }
            }
            body {
                h1 { "Rapporto per i finanziatori — " (r.month) }
                p { "Riservato. I conteggi sotto " (r.min_group_size) " (e quelli da cui si potrebbero ricavare) non sono mostrati." }
                form method="get" action="/report" {
                    label for="month" { "Mese" } " "
                    input id="month" name="month" type="month" value=(r.month);
                    " " button type="submit" { "Mostra" }
                }
                table {
                    caption { "Persone raggiunte e percorsi integrati" }
                    thead { tr {
                        th scope="col" { "Livello" } th scope="col" { "Sedi / area" } th scope="col" { "Biglietti" }
                        th scope="col" { "Persone" } th scope="col" { "Percorsi integrati (sociale e lavoro)" }
                        th scope="col" { "Attesa media" } th scope="col" { "Attesa 90° percentile" }
                    } }
                    tbody {
                        @for (name, sub, f) in &rows {
                            tr {
                                th scope="row" { (name) } td { (sub) } td { (n(f.tickets)) } td { (n(f.people)) }
                                td { (n(f.integrated_journeys)) } td { (secs(f.wait_mean_s)) } td { (secs(f.wait_p90_s)) }
                            }
                        }
                    }
                }
                @if !services.is_empty() {
                    table {
                        caption { "Biglietti per servizio (trasferimenti compresi)" }
                        thead { tr { th scope="col" { "Livello" } @for s in &services { th scope="col" { (s) } } } }
                        tbody { @for (name, _, f) in &rows { tr { th scope="row" { (name) }
                            @for s in &services { td { (f.services_used.get(*s).map_or("0".to_owned(), |v| n(*v))) } } } } }
                    }
                }
                @if !groups.is_empty() {
                    table {
                        caption { "Persone per gruppo" }
                        thead { tr { th scope="col" { "Livello" } @for g in &groups { th scope="col" { (g) } } } }
                        tbody { @for (name, _, f) in &rows { tr { th scope="row" { (name) }
                            @for g in &groups { td { (f.people_by_group.get(*g).map_or("0".to_owned(), |v| n(*v))) } } } } }
                    }
                }
                p { a href="/fleet" { "Sedi collegate" } " · " a href={ "/hub/v1/report?month=" (r.month) } { "JSON" } }
            }
        }
    };
    ([(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")], page.into_string()).into_response()
}

/// The hub pages' look: readable tables, enough contrast.
const PAGE_STYLE: &str = "body{font-family:sans-serif;margin:1.5rem;color:#111;background:#fff;font-size:.95rem}\
table{border-collapse:collapse;margin:1rem 0}caption{text-align:left;font-weight:bold;padding:.3rem 0}\
th,td{border:1px solid #888;padding:.3rem .6rem;text-align:left;vertical-align:top}thead th{background:#e8e8e8}\
a{color:#0645ad}";

pub fn router(state: HubState) -> Router {
    Router::new()
        .route("/hub/v1/events", post(ingest))
        .route("/hub/v1/config", get(site_config))
        .route("/hub/v1/fleet", get(fleet))
        .route("/fleet", get(fleet_page))
        .route("/hub/v1/stats", get(stats))
        .route("/hub/v1/report", get(report))
        .route("/report", get(report_page))
        .route("/healthz", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .with_state(state)
}

/// Serve on `listener` until `shutdown` resolves, with a roll-up pass now and every `ROLL_UP_PERIOD`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: HubState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let pool = state.pool.clone();
    let housekeeper = tokio::spawn(async move {
        loop {
            match roll_up(&pool, jiff::Timestamp::now()).await {
                Ok((d, m)) if d + m > 0 => tracing::info!(days = d, months = m, "statistics rolled up"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "statistics roll-up failed; will retry"),
            }
            tokio::time::sleep(ROLL_UP_PERIOD).await;
        }
    });
    let r = serve_api(listener, state, shutdown).await;
    housekeeper.abort();
    r
}

/// `serve` without the roll-up passes (tests that call `roll_up` themselves).
pub async fn serve_api(
    listener: tokio::net::TcpListener,
    state: HubState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}
