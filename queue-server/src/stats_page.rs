//! `/stats`: the managers' dashboard, server-rendered HTML with the charts drawn as inline SVG
//! (no script, nothing from other sites). The figures come from the same code as `/api/v1/stats/*`.

use crate::api::ApiQuery;
use crate::api::stats::{queue_length, select, staff_report};
use crate::auth::Identity;
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/stats", get(dashboard)).route("/stats/live", get(live))
}

/// Mean people waiting per hour of the day, as 24 bars.
fn queue_chart(by_hour: &[f64]) -> String {
    let max = by_hour.iter().copied().fold(0.0f64, f64::max).max(0.01);
    let mut svg = String::from(
        r#"<svg id="queuechart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 520 150" width="520" height="150" role="img" aria-label="mean people waiting per hour of the day">"#,
    );
    for (h, v) in by_hour.iter().enumerate() {
        let height = (v / max * 110.0).round();
        svg.push_str(&format!(
            r#"<rect class="bar" x="{}" y="{}" width="17" height="{height}" fill="rgb(20,90,160)"><title>{h}:00 — {v}</title></rect>"#,
            40 + h * 20,
            120.0 - height,
        ));
    }
    for h in (0..24).step_by(3) {
        svg.push_str(&format!(r#"<text x="{}" y="140" font-size="10">{h}</text>"#, 42 + h * 20));
    }
    svg.push_str(&format!(r#"<text x="0" y="15" font-size="10">{max:.1}</text></svg>"#));
    svg
}

/// `/stats/live`: what is happening now at a site (queues, desks, the day's alerts), refreshed every
/// 10 seconds by the browser itself.
async fn live(State(state): State<AppState>, id: Identity, ApiQuery(q): ApiQuery<PageQuery>) -> ApiResult<Response> {
    id.staff(crate::auth::Role::Manager)?;
    let site = q.site.clone().unwrap_or_else(|| state.cfg.sites.first().map(|s| s.id.to_string()).unwrap_or_default());
    crate::api::check_id("site", &site)?;
    let site_id = queue_core::SiteId::from(site.as_str());
    let cfg_site =
        state.cfg.site(&site_id).ok_or_else(|| crate::error::ApiError::not_found(format!("no site '{site}'")))?;
    let sid = site_id.clone();
    let (queues, desks) = state
        .writer
        .read(move |live| {
            let queues = crate::views::queue_views(live.cfg, &sid, live.engine.queues(&sid, live.now));
            let desks: Vec<_> = live
                .engine
                .desks()
                .filter(|d| d.site == sid)
                .map(|d| crate::views::desk_view(live.cfg, live.engine, d, live.now))
                .collect();
            (queues, desks)
        })
        .await
        .ok_or_else(crate::error::ApiError::shutting_down)?;
    let now = state.now();
    let day_start = now.to_zoned(cfg_site.time_zone.clone()).start_of_day().map(|z| z.timestamp()).unwrap_or(now);
    let sid = site_id.clone();
    let events = state.db.read(move |c| crate::db::stats::events_without_ticket(c, &sid, day_start, now)).await?;
    let alerts: String = events
        .iter()
        .rev()
        .filter_map(|e| match &e.kind {
            queue_core::EventKind::AlertRaised { alert } => Some(format!(
                "<li>{} — {}</li>",
                esc(&e.at.to_zoned(cfg_site.time_zone.clone()).strftime("%H:%M").to_string()),
                esc(&alert.kind)
            )),
            _ => None,
        })
        .take(20)
        .collect();
    let longest = queues.iter().map(|q| q.longest_wait_s).max().unwrap_or(0);
    let qrows: String = queues
        .iter()
        .map(|q| {
            format!(
                "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&q.service_label),
                q.waiting,
                q.longest_wait_s / 60,
                q.open_desks
            )
        })
        .collect();
    let open_desks = desks.iter().filter(|d| d.status != queue_core::DeskStatus::Closed).count();
    let drows: String = desks
        .iter()
        .map(|d| {
            format!(
                "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&d.label),
                esc(&format!("{:?}", d.status).to_lowercase()),
                esc(d.staff.as_ref().map(|s| s.as_str()).unwrap_or("")),
                esc(d.current.as_ref().map(|t| t.number.as_str()).unwrap_or(""))
            )
        })
        .collect();
    let html = format!(
        r#"<!doctype html><html lang="it"><head><meta charset="utf-8"><noscript><meta http-equiv="refresh" content="10"></noscript><title>Sportello — adesso</title><script src="/assets/live.js" defer></script>
<style>body{{font-family:sans-serif;margin:1.5em}}table{{border-collapse:collapse}}th,td{{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}}</style></head>
<body><h1>Adesso — {name}</h1><p><a href="/stats?site={site_q}">Statistiche</a></p>
<p id="live-figures">In attesa: <strong id="live-waiting">{waiting}</strong> · attesa più lunga: <strong id="live-longest">{longest} min</strong> · sportelli aperti: <strong id="live-open">{open_desks}</strong></p>
<h2>Code</h2><table id="live-queues"><tr><th>Servizio</th><th>In attesa</th><th>Attesa più lunga (min)</th><th>Sportelli aperti</th></tr>{qrows}</table>
<h2>Sportelli</h2><table id="live-desks"><tr><th>Sportello</th><th>Stato</th><th>Operatore</th><th>Biglietto</th></tr>{drows}</table>
<h2>Avvisi di oggi</h2><ul id="live-alerts">{alerts}</ul>
<p>Aggiornato alle {at}. <label><input type="checkbox" id="auto" checked> aggiorna da solo ogni 10 secondi</label></p></body></html>"#,
        name = esc(&cfg_site.name),
        site_q = esc(&site),
        waiting = queues.iter().map(|q| q.waiting).sum::<u32>(),
        longest = longest / 60,
        at = esc(&now.to_zoned(cfg_site.time_zone.clone()).strftime("%H:%M:%S").to_string()),
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    site: Option<String>,
    service: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The heat map of arrivals: 7 rows (Monday first) × 24 hours.
fn heat_map(cells: &[Vec<u64>]) -> String {
    let max = cells.iter().flatten().copied().max().unwrap_or(0).max(1);
    let mut svg = String::from(
        r#"<svg id="heatmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 520 200" width="520" height="200" role="img" aria-label="arrivals by hour of the week">"#,
    );
    for (d, name) in ["Lun", "Mar", "Mer", "Gio", "Ven", "Sab", "Dom"].iter().enumerate() {
        svg.push_str(&format!(r#"<text x="0" y="{}" font-size="11">{name}</text>"#, 32 + d * 22));
        for h in 0..24 {
            let n = cells.get(d).and_then(|r| r.get(h)).copied().unwrap_or(0);
            let alpha = n as f64 / max as f64;
            svg.push_str(&format!(
                r##"<rect class="cell" x="{}" y="{}" width="19" height="19" fill="rgb(20,90,160)" fill-opacity="{alpha:.3}" stroke="#ccc"><title>{name} {h}:00 — {n}</title></rect>"##,
                40 + h * 20,
                20 + d * 22,
            ));
        }
    }
    for h in (0..24).step_by(3) {
        svg.push_str(&format!(r#"<text x="{}" y="15" font-size="10">{h}</text>"#, 42 + h * 20));
    }
    svg.push_str("</svg>");
    svg
}

async fn dashboard(
    State(state): State<AppState>,
    id: Identity,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let site = q.site.clone().unwrap_or_else(|| state.cfg.sites.first().map(|s| s.id.to_string()).unwrap_or_default());
    let (sel, staff) = {
        let (site, service, from, to) = (site.clone(), q.service.clone(), q.from.clone(), q.to.clone());
        crate::api::stats::blocking(&state, move |state| {
            let sel = select(state, &id, &site, service.as_deref(), from.as_deref(), to.as_deref())?;
            let staff = staff_report(state, &sel)?;
            Ok((sel, staff))
        })
        .await?
    };
    let b = sel.agg.breakdown();
    let s = &sel.summary;
    let rows = [
        ("Biglietti emessi", s.issued.to_string()),
        ("Serviti", s.served.to_string()),
        ("Assenti", s.no_show.to_string()),
        ("Annullati", s.cancelled.to_string()),
        ("In sospeso (almeno una volta)", s.on_hold.to_string()),
        ("Persone", s.people.to_string()),
        ("Attesa media (s)", s.wait_mean_s.to_string()),
        ("Attesa mediana (s)", s.wait_p50_s.to_string()),
        ("Attesa 90° percentile (s)", s.wait_p90_s.to_string()),
        ("Attesa massima (s)", s.wait_max_s.to_string()),
        ("Tragitto allo sportello medio (s)", s.walk_mean_s.to_string()),
        ("Durata media del servizio (s)", s.service_mean_s.to_string()),
        ("Livello di servizio", s.service_level.map_or("—".into(), |l| format!("{:.0}%", l * 100.0))),
        ("Trasferimenti", s.transfers.to_string()),
        ("Percorsi integrati (sociale + lavoro)", s.integrated_journeys.to_string()),
    ];
    let table: String = rows.iter().map(|(k, v)| format!("<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v))).collect();
    let sites: String = state
        .cfg
        .sites
        .iter()
        .map(|x| {
            let sel = if x.id.as_str() == site { " selected" } else { "" };
            format!(r#"<option value="{0}"{sel}>{1}</option>"#, esc(x.id.as_str()), esc(&x.name))
        })
        .collect();
    let v = |o: &Option<String>| esc(o.as_deref().unwrap_or(""));
    let qs = format!(
        "site={}&amp;from={}&amp;to={}{}",
        esc(&site),
        v(&q.from),
        v(&q.to),
        q.service.as_ref().map(|x| format!("&amp;service={}", esc(x))).unwrap_or_default()
    );
    let work = |rows: &[crate::api::stats::WorkRow]| -> String {
        rows.iter()
            .map(|w| {
                format!(
                    "<tr><th>{}</th><td>{}</td><td>{}</td><td>{:.1}</td><td>{:.1}</td></tr>",
                    esc(&w.id),
                    w.served,
                    w.service_mean_s,
                    w.open_s / 3600.0,
                    w.paused_s / 3600.0
                )
            })
            .collect()
    };
    let staff_html = format!(
        "<table id=\"staff\"><tr><th>Sportello / operatore</th><th>Serviti</th><th>Servizio medio (s)</th><th>Ore aperto</th><th>Ore in pausa</th></tr>{}{}</table>",
        work(&staff.desks),
        work(&staff.staff)
    );
    let queue = queue_chart(&queue_length(&sel).mean_waiting_by_hour);
    let csv: String = ["summary", "tickets", "arrivals", "mix", "staff", "queue"]
        .iter()
        .map(|t| format!(r#"<a href="/api/v1/stats/export.csv?table={t}&amp;{qs}" download>{t}.csv</a> "#))
        .collect();
    let mix: String =
        [("Lingue", &b.languages), ("Priorità", &b.priorities), ("Bisogni", &b.needs), ("Trasferimenti", &b.transfers)]
            .iter()
            .map(|(title, counts)| {
                let items: String = counts.iter().map(|(k, n)| format!("<li>{}: {n}</li>", esc(k))).collect();
                format!("<h3>{title}</h3><ul>{items}</ul>")
            })
            .collect();
    let html = format!(
        r#"<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Sportello — statistiche</title>
<style>body{{font-family:sans-serif;margin:1.5em}}table{{border-collapse:collapse}}th,td{{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}}</style></head>
<body><h1>Statistiche</h1>
<form method="get" action="/stats"><label>Sede <select name="site">{sites}</select></label>
<label>Servizio <input name="service" value="{service}"></label>
<label>Dal <input name="from" value="{from}" placeholder="AAAA-MM-GG"></label>
<label>Al <input name="to" value="{to}" placeholder="AAAA-MM-GG"></label> <button>Aggiorna</button></form>
<table id="summary">{table}</table>
<p><a href="/stats/live?site={site_q}">Adesso: code, sportelli e avvisi in tempo reale</a></p>
<h2>Arrivi per ora della settimana</h2>{heat}
<h2>Persone in attesa per ora del giorno (media)</h2>{queue}
<h2>Sportelli e operatori</h2>{staff_html}
{mix}
<p>Scarica CSV: {csv}</p>
<p><a href="/api/v1/stats/funder?site={site_q}&amp;month=">Rapporto per i finanziatori (JSON, per mese)</a></p>
</body></html>"#,
        service = v(&q.service),
        from = v(&q.from),
        to = v(&q.to),
        heat = heat_map(&b.arrivals_by_hour_of_week),
        site_q = esc(&site),
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response())
}
