//! `/stats`: the managers' dashboard, server-rendered HTML with the charts drawn as inline SVG
//! (no script, nothing from other sites). The figures come from the same code as `/api/v1/stats/*`.

use crate::api::ApiQuery;
use crate::api::stats::select;
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
    Router::new().route("/stats", get(dashboard))
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
    let sel = select(&state, &id, &site, q.service.as_deref(), q.from.as_deref(), q.to.as_deref())?;
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
    let csv: String = ["summary", "tickets", "arrivals", "mix"]
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
<h2>Arrivi per ora della settimana</h2>{heat}
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
