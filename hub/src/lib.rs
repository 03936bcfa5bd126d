//! Sportello's regional hub: every site server pushes its events here; the hub stores each exactly
//! once in PostgreSQL (`db`), shows the fleet, and computes cross-site statistics with the same
//! definitions as a site (`queue_core::stats`).
//!
//! Routes: `POST /hub/v1/events` (a site's enrolment key; one batch, one transaction, answers the
//! watermark), `GET /hub/v1/config` (a site's key: its newest configuration bundle, 304 when it has
//! it), `GET /hub/v1/fleet`, the page `GET /fleet` and `GET /hub/v1/stats` (a viewer key).

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

async fn caller(state: &HubState, headers: &HeaderMap, role: &str) -> Result<String, HubApiError> {
    let unauthorized = || HubApiError(StatusCode::UNAUTHORIZED, "unauthorized", "a valid bearer key is needed".into());
    let key = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(unauthorized)?;
    match db::key(&state.pool, &key_hash(key.trim())).await? {
        Some((r, name)) if r == role => Ok(name),
        Some(_) => Err(HubApiError(StatusCode::FORBIDDEN, "forbidden", format!("this key is not a {role} key"))),
        None => Err(unauthorized()),
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
    let reply = db::ingest(&state.pool, &origin, &batch, now_ms()).await?;
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
async fn fleet_page(State(state): State<HubState>, headers: HeaderMap) -> Result<Response, HubApiError> {
    caller(&state, &headers, "viewer").await?;
    let rows = fleet_view(&state).await?;
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "—".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    let page = maud::html! {
        (maud::DOCTYPE)
        html lang="it" {
            head { meta charset="utf-8"; title { "Sportello — flotta" } }
            body {
                h1 { "Sedi collegate all'hub regionale" }
                table {
                    thead { tr {
                        th { "Origine" } th { "Sedi" } th { "Collegata" } th { "Ultimo contatto (s fa)" }
                        th { "Eventi ricevuti" } th { "Da inviare" } th { "Il più vecchio da inviare (s)" }
                        th { "Versione" } th { "Buco" } th { "Configurazione pubblicata" }
                        th { "Configurazione in uso" } th { "Stato configurazione" } th { "Dispositivi" }
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
                                td {
                                    @if o["devices"].as_array().is_none_or(|d| d.is_empty()) { "—" }
                                    @for d in o["devices"].as_array().into_iter().flatten() {
                                        div {
                                            (cell(&d["name"])) " (" (cell(&d["kind"])) "): "
                                            (d["problem"].as_str().unwrap_or("ok"))
                                            @if let Some(p) = d["printer"].as_str() { ", stampante " (p) }
                                            @if let Some(p) = d["sound"].as_str() { ", suono " (p) }
                                        }
                                    }
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

/// Fold ticket events into one `Aggregate` per (site, service of issue, local day of issue), as a
/// site adds its tickets up. The hub has no service targets: the service level is the sites' own.
pub fn fold_days(events: &[queue_core::Event], tz: &jiff::tz::TimeZone) -> BTreeMap<Day, queue_core::stats::Aggregate> {
    let mut by_site: BTreeMap<&str, Vec<&queue_core::Event>> = BTreeMap::new();
    for e in events {
        by_site.entry(e.site.as_str()).or_default().push(e);
    }
    let mut out: BTreeMap<Day, queue_core::stats::Aggregate> = BTreeMap::new();
    for (site, evs) in by_site {
        for t in queue_core::stats::tickets_from_events(evs) {
            let z = t.issued_at.to_zoned(tz.clone());
            let weekday = z.weekday().to_monday_zero_offset() as usize;
            out.entry((site.to_owned(), t.service.as_str().to_owned(), z.date())).or_default().add(
                &t,
                weekday,
                z.hour() as usize,
                false,
                false,
            );
        }
    }
    out
}

/// One roll-up pass (`db::roll_up`) with the hub's fold; `now` decides which days are over.
pub async fn roll_up(pool: &Pool, now: jiff::Timestamp) -> Result<(usize, usize), db::HubError> {
    let tz = rome();
    let today = now.to_zoned(tz.clone()).date();
    db::roll_up(pool, today, |events| fold_days(events, &tz).into_iter().map(|((_, svc, _), a)| (svc, a)).collect())
        .await
}

/// Between two roll-up passes of a serving hub (one also runs at start-up).
const ROLL_UP_PERIOD: std::time::Duration = std::time::Duration::from_secs(600);

/// The cross-site figures: per (site, service, month) the merged `Aggregate` of the tickets and its
/// summary; plus per site over every service and month.
pub fn cross_site(parts: db::Parts, tz: &jiff::tz::TimeZone) -> serde_json::Value {
    let month = |d: jiff::civil::Date| format!("{:04}-{:02}", d.year(), d.month());
    let mut cells: BTreeMap<(String, String, String), queue_core::stats::Aggregate> = BTreeMap::new();
    let folded = fold_days(&parts.events, tz).into_iter();
    for (site, service, day, agg) in
        parts.months.into_iter().chain(parts.days).chain(folded.map(|((s, v, d), a)| (s, v, d, a)))
    {
        cells.entry((site, service, month(day))).or_default().merge(&agg);
    }
    let mut sites: BTreeMap<String, queue_core::stats::Aggregate> = BTreeMap::new();
    for ((site, _, _), a) in &cells {
        sites.entry(site.clone()).or_default().merge(a);
    }
    let cells: Vec<Cell> = cells
        .into_iter()
        .map(|((site, service, month), a)| Cell { site, service, month, summary: a.summary() })
        .collect();
    let sites: BTreeMap<String, queue_core::stats::Summary> =
        sites.into_iter().map(|(s, a)| (s, a.summary())).collect();
    serde_json::json!({ "cells": cells, "sites": sites })
}

pub fn router(state: HubState) -> Router {
    Router::new()
        .route("/hub/v1/events", post(ingest))
        .route("/hub/v1/config", get(site_config))
        .route("/hub/v1/fleet", get(fleet))
        .route("/fleet", get(fleet_page))
        .route("/hub/v1/stats", get(stats))
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
