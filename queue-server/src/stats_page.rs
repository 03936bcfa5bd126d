//! `/stats`: the managers' dashboard, server-rendered HTML (maud, the pages' one shell and strict
//! CSP) with the charts drawn as inline SVG (no script, nothing from other sites), and `/stats/live`.
//! The figures come from the same code as `/api/v1/stats/*`; the texts from
//! `texts/locales/<lang>/{stats,staff}.ftl` (Italian, or `?lang=` a staff language).

use crate::api::ApiQuery;
use crate::api::stats::{
    APPOINTMENT_COLUMNS, BY_COLUMNS, CSV_TABLES, DAY_TABLE_DAYS, appointment_cells, by_cells, queue_length, select,
    staff_report,
};
use crate::auth::Identity;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::web::shell::{self, Shell};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;
use texts::id;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stats", get(dashboard))
        .route("/stats/live", get(live))
        .route("/stats/funder", get(funder))
        .route("/stats/whatif", get(whatif))
}

/// A logged-out visitor of a statistics page goes to the staff login (the desk page), which sends
/// them back here after logging in.
fn to_login(uri: &axum::http::Uri) -> Response {
    let back = uri.path_and_query().map_or("/stats", |p| p.as_str());
    let encoded: String = url_encode(back);
    axum::response::Redirect::to(&format!("/desk?then={encoded}")).into_response()
}

/// Percent-encoding of everything but unreserved characters (RFC 3986).
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The site a page shows without `?site=`: the manager's own (the first of theirs), else the first.
fn default_site(state: &AppState, id: &Identity) -> String {
    let own = match id {
        Identity::Staff(s) => s.sites.first().map(|s| s.to_string()),
        Identity::Device(d) => Some(d.site.to_string()),
    };
    own.or_else(|| state.cfg.sites.first().map(|s| s.id.to_string())).unwrap_or_default()
}

/// The site a page asks for (empty or absent: the manager's own, [`default_site`]), checked, with
/// its configuration.
fn page_site<'a>(state: &'a AppState, id: &Identity, asked: Option<&str>) -> ApiResult<(String, &'a config::Site)> {
    let site = asked.filter(|s| !s.is_empty()).map_or_else(|| default_site(state, id), str::to_owned);
    crate::api::check_id("site", &site)?;
    let cfg_site = state
        .cfg
        .site(&queue_core::SiteId::from(site.as_str()))
        .ok_or_else(|| crate::error::ApiError::not_found(format!("no site '{site}'")))?;
    Ok((site, cfg_site))
}

/// The sites a manager may read (an account of every site lists them all), in configuration order.
fn own_sites<'a>(state: &'a AppState, id: &Identity) -> Vec<&'a config::Site> {
    state
        .cfg
        .sites
        .iter()
        .filter(|x| match id {
            Identity::Staff(s) => s.sites.contains(&x.id),
            Identity::Device(_) => false,
        })
        .collect()
}

/// A service's staff-facing name in `lang` with its public label beside it ("Legale (Area H)").
fn service_name(site: &config::Site, lang: &str, service: &str) -> String {
    let Some(s) = site.services.iter().find(|s| s.id.as_str() == service) else { return service.to_owned() };
    let name = s.names.get(lang).or_else(|| s.names.get(texts::DEFAULT_LANGUAGE)).or_else(|| s.names.values().next());
    let label = s.public_label.get(lang).or_else(|| s.public_label.get(texts::DEFAULT_LANGUAGE));
    match (name, label) {
        (Some(n), Some(l)) if n != l => format!("{n} ({l})"),
        (Some(n), _) => n.clone(),
        (None, _) => service.to_owned(),
    }
}

/// The page's language picker (a `lang` field of the page's form).
fn language_picker(lang: &str) -> Markup {
    html! {
        label { (texts::t(lang, id::DESK_LANGUAGE)) " " select name="lang" {
            @for l in texts::staff_languages() {
                option value=(l.code) lang=(l.code) selected[l.code == lang] { (l.native_name) }
            }
        } }
    }
}

/// A figure of the per-service and per-day tables: counts whole, times in seconds, levels in %.
/// A figure of the "Appointments" section: shares as percentages, nothing as a dash.
fn appointment_cell(column: &str, v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(x) if column == "heavy_day_share" || column == "called_within_10_min" => format!("{:.0}%", x * 100.0),
        Some(x) => format!("{x}"),
    }
}

fn by_cell(column: &str, v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(x) if column == "service_level" => format!("{:.0}%", x * 100.0),
        Some(x) if column.ends_with("_s") => format!("{x:.0}"),
        Some(x) => format!("{x}"),
    }
}

/// Mean people waiting per hour of the day, as 24 bars.
fn queue_chart(lang: &str, by_hour: &[f64]) -> Markup {
    let max = by_hour.iter().copied().fold(0.0f64, f64::max).max(0.01);
    html! {
        svg id="queuechart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 520 150" width="520" height="150"
            role="img" aria-label=(texts::t(lang, id::STATS_QUEUE_CHART)) {
            @for (h, v) in by_hour.iter().enumerate() {
                @let height = (v / max * 110.0).round();
                rect class="bar" x=(40 + h * 20) y=(120.0 - height) width="17" height=(height) {
                    title { (h) ":00 — " (v) }
                }
            }
            @for h in (0..24).step_by(3) {
                text x=(42 + h * 20) y="140" font-size="10" { (h) }
            }
            text x="0" y="15" font-size="10" { (format!("{max:.1}")) }
        }
    }
}

/// The page's language: `?lang=` when it is a staff language, else Italian.
fn page_language(q: &PageQuery) -> &'static str {
    q.lang.as_deref().and_then(texts::language).filter(|l| l.staff).map_or(texts::DEFAULT_LANGUAGE, |l| l.code)
}

/// A word for a value from the engine (`staff-desk-open`…), or the value itself.
fn staff_word(lang: &str, prefix: &str, value: &str) -> String {
    let key = format!("{prefix}{value}");
    if texts::builtin().ids(lang, Some("staff")).contains(&key) { texts::t(lang, &key) } else { value.to_owned() }
}

/// A statistics page in the pages' shell, under the one policy.
fn stats_page(lang: &str, title: &str, scripts: &[&str], head: Markup, body: Markup) -> Response {
    let shell = Shell { lang, title, styles: &["/assets/stats.css"], scripts, texts: None, head };
    crate::web::strict_page(StatusCode::OK, shell::render(shell, body))
}

/// `/stats/live`: what is happening now at a site (queues, desks, the day's alerts), refreshed every
/// 10 seconds by the browser itself.
async fn live(
    State(state): State<AppState>,
    who: crate::auth::MaybeIdentity,
    uri: axum::http::Uri,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let Some(id) = who.0 else { return Ok(to_login(&uri)) };
    id.staff(crate::auth::Role::Manager)?;
    let site = q.site.clone().unwrap_or_else(|| default_site(&state, &id));
    crate::api::check_id("site", &site)?;
    let site_id = queue_core::SiteId::from(site.as_str());
    let cfg_site =
        state.cfg.site(&site_id).ok_or_else(|| crate::error::ApiError::not_found(format!("no site '{site}'")))?;
    let sid = site_id.clone();
    let (queues, desks, open_alerts) = state
        .writer
        .read(move |live| {
            let open_alerts: Vec<_> = live.engine.open_alerts(&sid).cloned().collect();
            let queues = crate::views::queue_views(
                live.cfg,
                &sid,
                live.engine.queues(&sid, live.now),
                crate::views::Audience::Staff,
            );
            let desks: Vec<_> = live
                .engine
                .desks()
                .filter(|d| d.site == sid)
                .map(|d| crate::views::desk_view(live.cfg, live.engine, d, live.now))
                .collect();
            (queues, desks, open_alerts)
        })
        .await
        .ok_or_else(crate::error::ApiError::shutting_down)?;
    let now = state.now();
    let day_start = now.to_zoned(cfg_site.time_zone.clone()).start_of_day().map(|z| z.timestamp()).unwrap_or(now);
    let sid = site_id.clone();
    let events = state.db.read(move |c| crate::db::stats::events_without_ticket(c, &sid, day_start, now)).await?;
    let lang = page_language(&q);
    let t = |key| texts::t(lang, key);
    let tz = cfg_site.time_zone.clone();
    let alerts: Vec<(String, String)> = events
        .iter()
        .rev()
        .filter_map(|e| match &e.kind {
            queue_core::EventKind::AlertRaised { alert } => Some((
                e.at.to_zoned(tz.clone()).strftime("%H:%M").to_string(),
                staff_word(lang, "staff-alert-", &alert.kind),
            )),
            _ => None,
        })
        .take(20)
        .collect();
    let longest = queues.iter().map(|q| q.longest_wait_s).max().unwrap_or(0);
    let open_desks = desks.iter().filter(|d| d.status != queue_core::DeskStatus::Closed).count();
    let waiting = queues.iter().map(|q| q.waiting).sum::<u32>();
    let at = now.to_zoned(tz).strftime("%H:%M:%S").to_string();
    let body = html! {
        // Open alerts at the top of this staff page too, until someone goes (live.js: sound, ack).
        @if !open_alerts.is_empty() {
            section id="open-alerts" class="open-alerts flash" aria-labelledby="open-alerts-h" {
                h2 id="open-alerts-h" class="visually-hidden" { (t(id::DESK_OPEN_ALERTS)) }
                div role="alert" {
                    ul {
                        @for a in &open_alerts {
                            li data-alert=(a.alert.id) {
                                span {
                                    (a.raised_at.to_zoned(cfg_site.time_zone.clone()).strftime("%H:%M").to_string()) " · "
                                    (staff_word(lang, "staff-alert-", &a.alert.kind))
                                    @if let Some(n) = &a.alert.ticket_number { " – " (n) }
                                }
                                button type="button" class="going" data-alert=(a.alert.id) { (t(id::DESK_IM_GOING)) }
                            }
                        }
                    }
                }
            }
        }
        h1 { (texts::tf(lang, id::STATS_LIVE_HEADING, &[("site", cfg_site.name.as_str().into())])) }
        p { a href={ "/stats?site=" (site) "&lang=" (lang) } { (t(id::STATS_LIVE_DASHBOARD)) } }
        p id="live-figures" {
            (t(id::STATS_LIVE_WAITING)) ": " strong id="live-waiting" { (waiting) }
            " · " (t(id::STATS_LIVE_LONGEST)) ": "
            strong id="live-longest" { (texts::tf(lang, id::STATS_MINUTES, &[("n", (longest / 60).into())])) }
            " · " (t(id::STATS_LIVE_OPEN_DESKS)) ": " strong id="live-open" { (open_desks) }
        }
        h2 { (t(id::STATS_LIVE_QUEUES)) }
        table id="live-queues" {
            tr {
                th { (t(id::STATS_SERVICE)) } th { (t(id::STATS_LIVE_WAITING)) }
                th { (t(id::STATS_LIVE_LONGEST_MIN)) } th { (t(id::STATS_LIVE_OPEN_DESKS_COL)) }
            }
            @for q in &queues {
                tr {
                    th {
                        @let name = q.service.as_str();
                        @let name = cfg_site.services.iter().find(|s| s.id.as_str() == name)
                            .and_then(|s| s.names.get(lang).or_else(|| s.names.values().next()))
                            .map_or(q.service_label.as_str(), String::as_str);
                        (name) @if name != q.service_label { " (" (q.service_label) ")" }
                    }
                    td { (q.waiting) } td { (q.longest_wait_s / 60) } td { (q.open_desks) } }
            }
        }
        h2 { (t(id::STATS_LIVE_DESKS)) }
        table id="live-desks" {
            tr {
                th { (t(id::STATS_LIVE_DESK)) } th { (t(id::STATS_LIVE_STATE)) }
                th { (t(id::STATS_LIVE_STAFF)) } th { (t(id::STATS_LIVE_TICKET)) }
            }
            @for d in &desks {
                tr {
                    th { (d.label) }
                    td { (staff_word(lang, "staff-desk-", &format!("{:?}", d.status).to_lowercase())) }
                    td { (d.staff.as_ref().map(|s| s.as_str()).unwrap_or("")) }
                    td { (d.current.as_ref().map(|t| t.number.as_str()).unwrap_or("")) }
                }
            }
        }
        h2 { (t(id::STATS_LIVE_ALERTS)) }
        ul id="live-alerts" {
            @for (at, kind) in &alerts { li { (at) " — " (kind) } }
        }
        p {
            (texts::tf(lang, id::STATS_LIVE_UPDATED, &[("time", at.as_str().into())])) " "
            label { input type="checkbox" id="auto" checked; " " (t(id::STATS_LIVE_AUTO)) }
        }
    };
    let head = html! { noscript { meta http-equiv="refresh" content="10"; } };
    Ok(stats_page(lang, &t(id::STATS_LIVE_TITLE), &["/assets/live.js"], head, body))
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    site: Option<String>,
    service: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// A staff language for the page's texts (default Italian).
    lang: Option<String>,
}

/// The heat map of arrivals: 7 rows (Monday first) × 24 hours.
fn heat_map(lang: &str, cells: &[Vec<u64>]) -> Markup {
    let max = cells.iter().flatten().copied().max().unwrap_or(0).max(1);
    let days =
        [id::STATS_MON, id::STATS_TUE, id::STATS_WED, id::STATS_THU, id::STATS_FRI, id::STATS_SAT, id::STATS_SUN];
    html! {
        svg id="heatmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 520 200" width="520" height="200"
            role="img" aria-label=(texts::t(lang, id::STATS_ARRIVALS_CHART)) {
            @for (d, day) in days.iter().enumerate() {
                @let name = texts::t(lang, day);
                text x="0" y=(32 + d * 22) font-size="11" { (name) }
                @for h in 0..24 {
                    @let n = cells.get(d).and_then(|r| r.get(h)).copied().unwrap_or(0);
                    rect class="cell" x=(40 + h * 20) y=(20 + d * 22) width="19" height="19"
                        fill-opacity=(format!("{:.3}", n as f64 / max as f64)) {
                        title { (name) " " (h) ":00 — " (n) }
                    }
                }
            }
            @for h in (0..24).step_by(3) {
                text x=(42 + h * 20) y="15" font-size="10" { (h) }
            }
        }
    }
}

async fn dashboard(
    State(state): State<AppState>,
    who: crate::auth::MaybeIdentity,
    uri: axum::http::Uri,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let Some(id) = who.0 else { return Ok(to_login(&uri)) };
    let site = q.site.clone().unwrap_or_else(|| default_site(&state, &id));
    let sites = own_sites(&state, &id);
    let (sel, staff, estimates, by_service, by_day, appts) = {
        let (site, service, from, to) = (site.clone(), q.service.clone(), q.from.clone(), q.to.clone());
        crate::api::stats::blocking(&state, move |state| {
            let sel = select(state, &id, &site, service.as_deref(), from.as_deref(), to.as_deref())?;
            let staff = staff_report(state, &sel)?;
            // Per day and service, for periods the per-ticket table covers (else the summary rows only).
            let estimates = crate::api::stats::estimate_rows(state, &sel).unwrap_or_default();
            let by_service = crate::api::stats::per_service(state, &id, &sel)?;
            let by_day = crate::api::stats::per_day(state, &id, &sel)?;
            let appts = crate::api::stats::appointments(state, &id, &sel)?;
            Ok((sel, staff, estimates, by_service, by_day, appts))
        })
        .await?
    };
    let cfg_site = state.cfg.site(&queue_core::SiteId::from(site.as_str()));
    let (first_day, last_day) = cfg_site.map(|c| sel.days(&c.time_zone)).unwrap_or_default();
    let b = sel.agg.breakdown();
    let s = &sel.summary;
    let lang = page_language(&q);
    let t = |key| texts::t(lang, key);
    let rows = [
        (id::STATS_ISSUED, s.issued.to_string()),
        (id::STATS_SERVED, s.served.to_string()),
        (id::STATS_NO_SHOW, s.no_show.to_string()),
        (id::STATS_CANCELLED, s.cancelled.to_string()),
        (id::STATS_ON_HOLD, s.on_hold.to_string()),
        (id::STATS_PEOPLE, s.people.to_string()),
        (id::STATS_WAIT_MEAN, s.wait_mean_s.map_or("—".into(), |x| x.to_string())),
        (id::STATS_WAIT_P50, s.wait_p50_s.map_or("—".into(), |x| x.to_string())),
        (id::STATS_WAIT_P90, s.wait_p90_s.map_or("—".into(), |x| x.to_string())),
        (id::STATS_WAIT_MAX, s.wait_max_s.map_or("—".into(), |x| x.to_string())),
        (id::STATS_WALK_MEAN, s.walk_mean_s.map_or("—".into(), |x| x.to_string())),
        (id::STATS_SERVICE_MEAN, s.service_mean_s.map_or("—".into(), |x| x.to_string())),
        (id::STATS_SERVICE_LEVEL, s.service_level.map_or("—".into(), |l| format!("{:.0}%", l * 100.0))),
        (id::STATS_TRANSFERS, s.transfers.to_string()),
        (id::STATS_INTEGRATED, s.integrated_journeys.to_string()),
        (id::STATS_ESTIMATE_BIAS, s.estimate_bias_s.map_or("—".into(), |b| b.to_string())),
        (id::STATS_ESTIMATE_MAE, s.estimate_mae_s.map_or("—".into(), |b| b.to_string())),
        (id::STATS_ESTIMATE_SHORT, s.estimate_told_too_little.map_or("—".into(), |l| format!("{:.0}%", l * 100.0))),
    ];
    // The query of this page, for the CSV links (maud escapes the `&`s).
    let bound = |given: &Option<String>, day: jiff::civil::Date| match given.as_deref() {
        Some(x) if !x.is_empty() => x.to_owned(),
        _ => day.to_string(),
    };
    let qs = format!(
        "site={}&from={}&to={}{}",
        site,
        bound(&q.from, first_day),
        bound(&q.to, last_day),
        q.service.as_ref().filter(|x| !x.is_empty()).map(|x| format!("&service={x}")).unwrap_or_default()
    );
    let work = |rows: &[crate::api::stats::WorkRow]| {
        html! {
            @for w in rows {
                tr {
                    th { (w.id) } td { (w.served) } td { (w.service_mean_s) }
                    td { (format!("{:.1}", w.open_s / 3600.0)) } td { (format!("{:.1}", w.paused_s / 3600.0)) }
                }
            }
        }
    };
    let queue = queue_chart(lang, &queue_length(&sel).mean_waiting_by_hour);
    let mixes = [
        (id::STATS_LANGUAGES, &b.languages),
        (id::STATS_PRIORITIES, &b.priorities),
        (id::STATS_NEEDS, &b.needs),
        (id::STATS_TRANSFERS, &b.transfers),
    ];
    let body = html! {
        h1 { (t(id::STATS_HEADING)) }
        p class="nav" {
            a href={ "/stats/live?site=" (site) "&lang=" (lang) } { (t(id::STATS_LIVE_LINK)) }
            " · " a id="whatif-link" href={ "/stats/whatif?site=" (site) "&lang=" (lang) } { (t(id::STATS_WHATIF_LINK)) }
            " · " a href={ "/desk" } { (t(id::STATS_TO_DESK)) }
        }
        form method="get" action="/stats" class="filters" {
            label { (t(id::STATS_SITE)) " " select name="site" {
                @for x in &sites {
                    option value=(x.id.as_str()) selected[x.id.as_str() == site] { (x.name) }
                }
            } }
            label { (t(id::STATS_SERVICE)) " " select name="service" {
                option value="" selected[q.service.as_deref().unwrap_or("").is_empty()] { (t(id::STATS_ALL_SERVICES)) }
                @if let Some(c) = cfg_site {
                    @for x in &c.services {
                        option value=(x.id.as_str()) selected[q.service.as_deref() == Some(x.id.as_str())] {
                            (service_name(c, lang, x.id.as_str()))
                        }
                    }
                }
            } }
            // Site-local days: the period's first and last day (inclusive).
            label { (t(id::STATS_FROM)) " " input type="date" name="from" value=(first_day.to_string()); }
            label { (t(id::STATS_TO)) " " input type="date" name="to" value=(last_day.to_string()); }
            (language_picker(lang))
            button { (t(id::STATS_UPDATE)) }
        }
        p class="help" { (texts::tf(lang, id::STATS_PERIOD, &[("tz", cfg_site.map_or("", |c| c.time_zone_name.as_str()).into())])) }
        table id="summary" {
            @for (key, value) in &rows { tr { th { (t(key)) } td { (value) } } }
        }
        h2 id="appointments-heading" { (t(id::STATS_APPOINTMENTS)) }
        table id="appointments" aria-labelledby="appointments-heading" {
            @for (c, v) in APPOINTMENT_COLUMNS.iter().zip(appointment_cells(&appts)) {
                tr { th { (texts::t(lang, &format!("stats-appt-{c}"))) } td { (appointment_cell(c, v)) } }
            }
        }
        p class="help" {
            (texts::tf(lang, id::STATS_APPOINTMENTS_HELP, &[(
                "share",
                format!("{:.0}%", queue_core::stats::APPOINTMENT_HEAVY_SHARE * 100.0).into(),
            )]))
        }
        @if !estimates.is_empty() {
            h2 { (t(id::STATS_ESTIMATES)) }
            table id="estimates" {
                tr {
                    th { (t(id::STATS_DAY)) } th { (t(id::STATS_SERVICE)) } th { (t(id::STATS_ESTIMATED)) }
                    th { (t(id::STATS_ESTIMATE_BIAS)) } th { (t(id::STATS_ESTIMATE_MAE)) } th { (t(id::STATS_ESTIMATE_SHORT)) }
                }
                @for r in &estimates {
                    tr {
                        td { (r.day) } th { (r.service) } td { (r.estimated) }
                        td { (r.bias_s.map_or("—".into(), |b| b.to_string())) }
                        td { (r.mae_s.map_or("—".into(), |b| b.to_string())) }
                        td { (r.told_too_little.map_or("—".into(), |l| format!("{:.0}%", l * 100.0))) }
                    }
                }
            }
        }
        h2 { (t(id::STATS_BY_SERVICE)) }
        table id="by-service" {
            tr { th { (t(id::STATS_SERVICE)) } @for c in BY_COLUMNS { th { (texts::t(lang, &format!("stats-col-{c}"))) } } }
            @for (svc, sum) in &by_service {
                tr {
                    th { (cfg_site.map_or(svc.to_string(), |c| service_name(c, lang, svc.as_str()))) }
                    @for (c, v) in BY_COLUMNS.iter().zip(by_cells(sum)) { td { (by_cell(c, v)) } }
                }
            }
        }
        h2 { (t(id::STATS_BY_DAY)) }
        table id="by-day" {
            tr { th { (t(id::STATS_DAY)) } @for c in BY_COLUMNS { th { (texts::t(lang, &format!("stats-col-{c}"))) } } }
            @for (day, sum) in &by_day {
                tr {
                    th { time datetime=(day.to_string()) { (day.to_string()) } }
                    @for (c, v) in BY_COLUMNS.iter().zip(by_cells(sum)) { td { (by_cell(c, v)) } }
                }
            }
        }
        @if by_day.len() == DAY_TABLE_DAYS {
            p class="help" { (texts::tf(lang, id::STATS_DAYS_CUT, &[("n", (DAY_TABLE_DAYS as i64).into())])) }
        }
        h2 { (t(id::STATS_ARRIVALS)) }
        (heat_map(lang, &b.arrivals_by_hour_of_week))
        h2 { (t(id::STATS_QUEUE)) }
        (queue)
        h2 { (t(id::STATS_DESKS_STAFF)) }
        table id="staff" {
            tr {
                th { (t(id::STATS_DESK_OR_STAFF)) } th { (t(id::STATS_SERVED)) } th { (t(id::STATS_SERVICE_MEAN_SHORT)) }
                th { (t(id::STATS_HOURS_OPEN)) } th { (t(id::STATS_HOURS_PAUSED)) }
            }
            (work(&staff.desks))
            (work(&staff.staff))
        }
        @for (title, counts) in &mixes {
            h3 { (t(title)) }
            ul { @for (k, n) in counts.iter() { li { (k) ": " (n) } } }
        }
        p {
            (t(id::STATS_DOWNLOAD_CSV))
            @for table in CSV_TABLES {
                " " a href={ "/api/v1/stats/export.csv?table=" (table) "&" (qs) } download { (table) ".csv" }
            }
        }
        p {
            (t(id::STATS_DOWNLOAD_CSV_EXCEL))
            @for table in CSV_TABLES {
                " " a href={ "/api/v1/stats/export.csv?table=" (table) "&" (qs) "&separator=semicolon&bom=true" } download {
                    (table) ".csv"
                }
            }
        }
        p { a id="funder-link" href={ "/stats/funder?site=" (site) "&month=" (first_day.strftime("%Y-%m")) "&lang=" (lang) } {
            (t(id::STATS_FUNDER_REPORT))
        } }
    };
    Ok(stats_page(lang, &t(id::STATS_TITLE), &[], html! {}, body))
}

#[derive(Debug, Deserialize)]
struct FunderPageQuery {
    site: Option<String>,
    /// `YYYY-MM` (default: this month, site-local).
    month: Option<String>,
    lang: Option<String>,
}

/// `/stats/funder`: the report meant to leave the building, for a site and month, small cells
/// suppressed (the same report as `/api/v1/stats/funder`), with its CSV.
async fn funder(
    State(state): State<AppState>,
    who: crate::auth::MaybeIdentity,
    uri: axum::http::Uri,
    ApiQuery(q): ApiQuery<FunderPageQuery>,
) -> ApiResult<Response> {
    let Some(id) = who.0 else { return Ok(to_login(&uri)) };
    id.staff(crate::auth::Role::Manager)?;
    let lang = page_language(&PageQuery { site: None, service: None, from: None, to: None, lang: q.lang.clone() });
    let t = |key| texts::t(lang, key);
    let (site, cfg_site) = page_site(&state, &id, q.site.as_deref())?;
    let month = q
        .month
        .clone()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| state.now().to_zoned(cfg_site.time_zone.clone()).strftime("%Y-%m").to_string());
    let sites = own_sites(&state, &id);
    let r = crate::api::stats::funder_report(&state, id, site.clone(), month.clone()).await?;
    let cell = |x: Option<u64>| x.map_or_else(|| t(id::STATS_SUPPRESSED), |n| n.to_string());
    let secs = |x: Option<f64>| x.map_or_else(|| t(id::STATS_SUPPRESSED), |n| format!("{n:.0}"));
    let csv = format!("/api/v1/stats/funder.csv?site={site}&month={month}");
    let body = html! {
        p class="nav" { a href={ "/stats?site=" (site) "&lang=" (lang) } { (t(id::STATS_LIVE_DASHBOARD)) } }
        h1 { (texts::tf(lang, id::STATS_FUNDER_HEADING, &[("site", cfg_site.name.as_str().into())])) }
        form method="get" action="/stats/funder" class="filters" {
            label { (t(id::STATS_SITE)) " " select name="site" {
                @for x in &sites { option value=(x.id.as_str()) selected[x.id.as_str() == site] { (x.name) } }
            } }
            label { (t(id::STATS_MONTH)) " " input type="month" name="month" value=(month) required; }
            (language_picker(lang))
            button { (t(id::STATS_UPDATE)) }
        }
        p class="help" { (texts::tf(lang, id::STATS_FUNDER_HELP, &[("n", i64::from(r.min_group_size).into())])) }
        table id="funder" {
            tr { th { (t(id::STATS_ISSUED)) } td { (cell(r.tickets)) } }
            tr { th { (t(id::STATS_PEOPLE)) } td { (cell(r.people)) } }
            tr { th { (t(id::STATS_INTEGRATED)) } td { (cell(r.integrated_journeys)) } }
            tr { th { (t(id::STATS_WAIT_MEAN)) } td { (secs(r.wait_mean_s)) } }
            tr { th { (t(id::STATS_WAIT_P90)) } td { (secs(r.wait_p90_s)) } }
        }
        h2 { (t(id::STATS_FUNDER_SERVICES)) }
        table id="funder-services" {
            @for (k, n) in &r.services_used { tr { th { (service_name(cfg_site, lang, k)) } td { (cell(*n)) } } }
        }
        @if !r.people_by_group.is_empty() {
            h2 { (t(id::STATS_FUNDER_GROUPS)) }
            table id="funder-groups" {
                @for (k, n) in &r.people_by_group { tr { th { (k) } td { (cell(*n)) } } }
            }
        }
        p {
            (t(id::STATS_DOWNLOAD_CSV)) " "
            a id="funder-csv" href=(csv) download { "funder.csv" } " · "
            a id="funder-csv-excel" href={ (csv) "&separator=semicolon&bom=true" } download { (t(id::STATS_CSV_EXCEL_SHORT)) }
        }
    };
    Ok(stats_page(lang, &t(id::STATS_FUNDER_TITLE), &[], html! {}, body))
}

#[derive(Debug, Deserialize)]
struct WhatIfPageQuery {
    site: Option<String>,
    weekday: Option<String>,
    weeks: Option<String>,
    replications: Option<String>,
    plan_a: Option<String>,
    plan_b: Option<String>,
    lang: Option<String>,
}

const WEEKDAYS: [&str; 7] =
    [id::STATS_MON, id::STATS_TUE, id::STATS_WED, id::STATS_THU, id::STATS_FRI, id::STATS_SAT, id::STATS_SUN];

/// A figure of the what-if tables: seconds whole, shares in %, "—" where there is none.
fn whatif_cell(v: Option<f64>, percent: bool) -> String {
    match v {
        None => "—".into(),
        Some(x) if percent => format!("{:.0}%", x * 100.0),
        Some(x) => format!("{x:.0}"),
    }
}

/// The figures of one plan as a table row (the day, or an hour).
fn whatif_row(label: Markup, f: &crate::whatif::WhatIfFigures) -> Markup {
    html! {
        tr {
            th scope="row" { (label) }
            td { (format!("{:.1}", f.tickets_per_day)) }
            td { (whatif_cell(f.wait_mean_s, false)) }
            td { (whatif_cell(f.wait_p90_s, false)) }
            td { (whatif_cell(f.service_level, true)) }
            td { (format!("{:.1}", f.past_target_per_day)) }
            td { (format!("{:.1}", f.unserved_per_day)) }
            td { (whatif_cell(f.occupancy, true)) }
            td { (whatif_cell(f.estimate_bias_s, false)) }
            td { (whatif_cell(f.estimate_mae_s, false)) }
            td { (whatif_cell(f.estimate_told_too_little, true)) }
        }
    }
}

/// `/stats/whatif`: two staff plans for a weekday of a site, simulated with the history the site
/// measured (the same computation as `/api/v1/stats/whatif`), side by side and hour by hour.
async fn whatif(
    State(state): State<AppState>,
    who: crate::auth::MaybeIdentity,
    uri: axum::http::Uri,
    ApiQuery(q): ApiQuery<WhatIfPageQuery>,
) -> ApiResult<Response> {
    let Some(id) = who.0 else { return Ok(to_login(&uri)) };
    id.staff(crate::auth::Role::Manager)?;
    let lang = page_language(&PageQuery { site: None, service: None, from: None, to: None, lang: q.lang.clone() });
    let t = |key| texts::t(lang, key);
    let (site, cfg_site) = page_site(&state, &id, q.site.as_deref())?;
    let sites = own_sites(&state, &id);
    let today = state.now().to_zoned(cfg_site.time_zone.clone()).date();
    let weekday = q
        .weekday
        .clone()
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| today.weekday().to_monday_one_offset().to_string());
    let all = crate::whatif::all_desks_plan(cfg_site);
    let fewer = cfg_site
        .desks
        .iter()
        .take(cfg_site.desks.len().saturating_sub(1).max(1))
        .map(|d| d.id.to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let plan_a = q.plan_a.clone().filter(|p| !p.trim().is_empty()).unwrap_or(all);
    let plan_b = q.plan_b.clone().filter(|p| !p.trim().is_empty()).unwrap_or(fewer);
    let query = |plan: &str| crate::whatif::WhatIfQuery {
        site: site.clone(),
        weekday: Some(weekday.clone()),
        date: None,
        plan: plan.to_owned(),
        weeks: q.weeks.clone(),
        replications: q.replications.clone(),
        seed: None,
    };
    let (qa, qb) = (query(&plan_a), query(&plan_b));
    let results = crate::api::stats::blocking(&state, move |state| {
        let a = crate::whatif::what_if(state, &id, &qa);
        let b = crate::whatif::what_if(state, &id, &qb);
        Ok((a, b))
    })
    .await?;
    // A bad plan or number: the form again with the reason, as a 400, nothing simulated.
    let (a, b, error) = match results {
        (Ok(a), Ok(b)) => (Some(a), Some(b), None),
        (Err(e), _) | (_, Err(e)) if e.status != StatusCode::BAD_REQUEST => return Err(e),
        (Err(e), _) => (None, None, Some(format!("{}: {}", t(id::STATS_WHATIF_PLAN_A), e.message))),
        (_, Err(e)) => (None, None, Some(format!("{}: {}", t(id::STATS_WHATIF_PLAN_B), e.message))),
    };
    let head_row = html! {
        tr {
            th scope="col" { (t(id::STATS_WHATIF_HOUR)) } th scope="col" { (t(id::STATS_WHATIF_TICKETS)) }
            th scope="col" { (t(id::STATS_WAIT_MEAN)) } th scope="col" { (t(id::STATS_WAIT_P90)) }
            th scope="col" { (t(id::STATS_SERVICE_LEVEL)) } th scope="col" { (t(id::STATS_WHATIF_PAST_TARGET)) }
            th scope="col" { (t(id::STATS_WHATIF_UNSERVED)) } th scope="col" { (t(id::STATS_WHATIF_OCCUPANCY)) }
            th scope="col" { (t(id::STATS_ESTIMATE_BIAS)) } th scope="col" { (t(id::STATS_ESTIMATE_MAE)) }
            th scope="col" { (t(id::STATS_ESTIMATE_SHORT)) }
        }
    };
    let plan_section = |key: &'static str, html_id: &str, w: &crate::whatif::WhatIf| {
        html! {
            section id=(html_id) aria-labelledby={ (html_id) "-h" } {
                h2 id={ (html_id) "-h" } { (t(key)) }
                table class="plan-desks" {
                    tr { th scope="col" { (t(id::STATS_WHATIF_DESKS)) } th scope="col" { (t(id::STATS_WHATIF_HOURS)) } th scope="col" { (t(id::STATS_WHATIF_SERVICES)) } }
                    @for d in &w.plan {
                        tr {
                            th scope="row" { (cfg_site.desks.iter().find(|x| x.id.as_str() == d.desk).map_or(d.desk.as_str(), |x| x.label.as_str())) }
                            td { (d.open.iter().map(|[a, b]| format!("{a}–{b}")).collect::<Vec<_>>().join(", ")) }
                            td { (d.services.iter().map(|s| service_name(cfg_site, lang, s)).collect::<Vec<_>>().join(", ")) }
                        }
                    }
                }
                table class="plan-figures" {
                    (head_row)
                    (whatif_row(html! { (t(id::STATS_WHATIF_DAY)) }, &w.day))
                    @for f in &w.by_hour {
                        (whatif_row(html! { (f.hour.unwrap_or(0)) ":00" }, f))
                    }
                }
            }
        }
    };
    let body = html! {
        p class="nav" { a href={ "/stats?site=" (site) "&lang=" (lang) } { (t(id::STATS_LIVE_DASHBOARD)) } }
        h1 { (texts::tf(lang, id::STATS_WHATIF_HEADING, &[("site", cfg_site.name.as_str().into())])) }
        form method="get" action="/stats/whatif" class="filters whatif" {
            label { (t(id::STATS_SITE)) " " select name="site" {
                @for x in &sites { option value=(x.id.as_str()) selected[x.id.as_str() == site] { (x.name) } }
            } }
            label { (t(id::STATS_WHATIF_WEEKDAY)) " " select name="weekday" {
                @for (i, key) in WEEKDAYS.iter().enumerate() {
                    option value=(i + 1) selected[weekday == (i + 1).to_string()] { (t(key)) }
                }
            } }
            label { (t(id::STATS_WHATIF_WEEKS)) " " input type="number" name="weeks" min="1" max=(crate::whatif::MAX_WEEKS) value=(q.weeks.clone().unwrap_or_else(|| "8".into())); }
            label { (t(id::STATS_WHATIF_REPLICATIONS)) " " input type="number" name="replications" min="1" max=(crate::whatif::MAX_REPLICATIONS) value=(q.replications.clone().unwrap_or_else(|| "10".into())); }
            (language_picker(lang))
            label class="plan" { (t(id::STATS_WHATIF_PLAN_A)) " " textarea name="plan_a" rows="3" cols="70" aria-describedby="plan-help" { (plan_a) } }
            label class="plan" { (t(id::STATS_WHATIF_PLAN_B)) " " textarea name="plan_b" rows="3" cols="70" aria-describedby="plan-help" { (plan_b) } }
            p id="plan-help" class="help" { (t(id::STATS_WHATIF_PLAN_HELP)) }
            button { (t(id::STATS_WHATIF_RUN)) }
        }
        @if let Some(e) = &error {
            p id="whatif-error" class="error" role="alert" { (e) }
        }
        @if let (Some(a), Some(b)) = (&a, &b) {
            @if a.history_tickets == 0 {
                p id="whatif-no-history" class="help" { (t(id::STATS_WHATIF_NO_HISTORY)) }
            } @else {
                p class="help" { (texts::tf(lang, id::STATS_WHATIF_HISTORY, &[
                    ("n", (a.history_tickets as i64).into()),
                    ("weekday", t(WEEKDAYS[usize::from(a.weekday.clamp(1, 7) - 1)]).as_str().into()),
                    ("from", a.history_from.as_str().into()),
                    ("to", a.history_to.as_str().into()),
                ])) }
                p class="help" { (texts::tf(lang, id::STATS_WHATIF_METHOD, &[("n", i64::from(a.replications).into())])) }
                (plan_section(id::STATS_WHATIF_PLAN_A, "plan-a", a))
                (plan_section(id::STATS_WHATIF_PLAN_B, "plan-b", b))
                h2 { (t(id::STATS_WHATIF_INPUTS)) }
                table id="whatif-inputs" {
                    tr { th scope="col" { (t(id::STATS_SERVICE)) } th scope="col" { (t(id::STATS_WHATIF_ARRIVALS)) } th scope="col" { (t(id::STATS_SERVICE_MEAN)) } }
                    @for s in &a.services {
                        tr {
                            th scope="row" { (service_name(cfg_site, lang, &s.service)) }
                            td { (format!("{:.1}", s.arrivals_per_day)) }
                            td { (format!("{:.0}", s.service_mean_s)) " (" (if s.service_time_measured { t(id::STATS_WHATIF_MEASURED) } else { t(id::STATS_WHATIF_DEFAULT) }) ")" }
                        }
                    }
                }
            }
        }
    };
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let shell = Shell {
        lang,
        title: &t(id::STATS_WHATIF_TITLE),
        styles: &["/assets/stats.css"],
        scripts: &[],
        texts: None,
        head: html! {},
    };
    Ok(crate::web::strict_page(status, shell::render(shell, body)))
}
