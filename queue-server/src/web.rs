//! The server's web pages (not part of the JSON API): the web display for TVs (and the fonts it uses), the staff desk
//! page (`/desk`) and the visitor's ticket page (`/t/{token}`); the statistics pages use the same shell
//! and policy. Pages and their scripts are compiled into the binary and load nothing from other sites.

mod desk_page;
mod display_page;
pub(crate) mod shell;
mod ticket_page;

use crate::api::lookup_ticket;
use crate::auth::secret_hash;
use crate::client_addr::ClientAddr;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The one policy of every page: nothing from other sites, no inline script or style at all, forms
/// post only here. (A `<script type="application/json">` data block never runs, so it is allowed.)
pub(crate) const STRICT_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                          font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; \
                          frame-ancestors 'none'";

const TEXTS_JS: &str = include_str!("../web/common/texts.js");
const DISPLAY_JS: &str = include_str!("../web/display/display.js");
const DISPLAY_CSS: &str = include_str!("../web/display/display.css");
const DESK_JS: &str = include_str!("../web/desk/desk.js");
const DESK_CSS: &str = include_str!("../web/desk/desk.css");
const TICKET_JS: &str = include_str!("../web/ticket/ticket.js");
const TICKET_CSS: &str = include_str!("../web/ticket/ticket.css");
const LIVE_JS: &str = include_str!("../web/stats/live.js");
const STATS_CSS: &str = include_str!("../web/stats/stats.css");

/// The fonts shipped with the apps (OFL, `assets/fonts/`), so pages render every script
/// without anything installed on the TV.
const FONTS: &[(&str, &[u8])] = &[
    ("NotoSans-Regular.ttf", include_bytes!("../../assets/fonts/NotoSans-Regular.ttf")),
    ("NotoSans-Bold.ttf", include_bytes!("../../assets/fonts/NotoSans-Bold.ttf")),
    ("NotoSansArabic-Regular.ttf", include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf")),
    ("NotoSansArabic-Bold.ttf", include_bytes!("../../assets/fonts/NotoSansArabic-Bold.ttf")),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/display/{site}", get(display_page))
        .route("/display/assets/fonts/{file}", get(font))
        .route("/desk", get(desk))
        .route("/desk/code-qr.svg", axum::routing::post(desk_page::code_qr))
        .route("/t/{token}", get(ticket))
        .route("/t/{token}/qr.svg", get(ticket_qr))
        .route("/assets/{file}", get(asset))
}

async fn font(Path(file): Path<String>) -> Response {
    match FONTS.iter().find(|(name, _)| *name == file) {
        Some((_, bytes)) => {
            ([(header::CONTENT_TYPE, "font/ttf"), (header::CACHE_CONTROL, "public, max-age=604800")], *bytes)
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such font").into_response(),
    }
}

/// A page of ours with the strict policy; never cached (it shows live state), never framed.
pub(crate) fn strict_page(status: StatusCode, html: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, STRICT_CSP),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::X_FRAME_OPTIONS, "DENY"),
        ],
        html,
    )
        .into_response()
}

/// `/display/{site}?key=…`: the waiting-room display for any browser with EventSource.
async fn display_page(State(state): State<AppState>, Path(site): Path<String>) -> Response {
    let Some(site) = state.cfg.site(&queue_core::SiteId::from(site.as_str())) else {
        return (StatusCode::NOT_FOUND, "no such site").into_response();
    };
    let lang = site.languages.first().map_or(texts::DEFAULT_LANGUAGE, String::as_str);
    strict_page(StatusCode::OK, display_page::render(lang))
}

/// `/desk`: the staff desk page. A shell: its script logs in and works through API v1.
async fn desk() -> Response {
    strict_page(StatusCode::OK, desk_page::render())
}

/// `/t/{token}`: the visitor's ticket page, in the ticket's language; rate-limited like the API.
async fn ticket(
    State(state): State<AppState>,
    client: ClientAddr,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let fallback = || {
        let header = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        shell::from_accept_language(header, |_| true)
    };
    let limited = state.limits.lookup(client.ip).and_then(|()| state.limits.token_lookup(&secret_hash(&token)));
    if let Err(e) = limited {
        let mut resp = strict_page(StatusCode::TOO_MANY_REQUESTS, ticket_page::too_many(fallback()));
        if let Some(retry) = e.retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, retry.into());
        }
        return resp;
    }
    match lookup_ticket(&state, &token).await {
        Ok((stored, public)) => {
            let lang = ticket_page::page_language(&stored.language);
            let label = state
                .cfg
                .service(&stored.site, &stored.service)
                .and_then(|s| s.public_label.get(lang))
                .cloned()
                .unwrap_or_else(|| public.service_label.clone());
            let opens = (public.status == queue_core::Status::Expired)
                .then(|| opens_again(&state.cfg, &stored.site, state.now()))
                .flatten();
            strict_page(StatusCode::OK, ticket_page::render(lang, &public, &label, opens.as_deref()))
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            strict_page(StatusCode::NOT_FOUND, ticket_page::not_found(fallback()))
        }
        Err(e) => e.into_response(),
    }
}

/// The pages' scripts and styles.
async fn asset(Path(file): Path<String>) -> Response {
    let (body, mime) = match file.as_str() {
        "desk.js" => (DESK_JS, "text/javascript; charset=utf-8"),
        "desk.css" => (DESK_CSS, "text/css; charset=utf-8"),
        "ticket.js" => (TICKET_JS, "text/javascript; charset=utf-8"),
        "ticket.css" => (TICKET_CSS, "text/css; charset=utf-8"),
        "live.js" => (LIVE_JS, "text/javascript; charset=utf-8"),
        "stats.css" => (STATS_CSS, "text/css; charset=utf-8"),
        "texts.js" => (TEXTS_JS, "text/javascript; charset=utf-8"),
        "display.js" => (DISPLAY_JS, "text/javascript; charset=utf-8"),
        "display.css" => (DISPLAY_CSS, "text/css; charset=utf-8"),
        _ => return crate::error::ApiError::not_found("no such asset").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// When a site opens next, in its local time ("02/12 08:30"), if it has opening hours.
fn opens_again(cfg: &config::Config, site: &queue_core::SiteId, now: jiff::Timestamp) -> Option<String> {
    let site = cfg.site(site)?;
    let local = now.to_zoned(site.time_zone.clone());
    let next = site.opening_hours.as_ref()?.next_opening(&local)?;
    Some(next.strftime("%d/%m %H:%M").to_string())
}

/// `/t/{token}/qr.svg`: the QR code of a ticket's page, for reception to show on screen to a
/// visitor who took no printed ticket. Rate-limited like the page; nothing but the code.
async fn ticket_qr(
    State(state): State<AppState>,
    client: ClientAddr,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let limited = state.limits.lookup(client.ip).and_then(|()| state.limits.token_lookup(&secret_hash(&token)));
    if let Err(e) = limited {
        return e.into_response();
    }
    if let Err(e) = lookup_ticket(&state, &token).await {
        return e.into_response();
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("localhost");
    let scheme = if client.https { "https" } else { "http" };
    let url = format!("{scheme}://{host}/t/{token}");
    match qr_svg(&url) {
        Some(svg) => {
            ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "no-store")], svg).into_response()
        }
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// An SVG of the QR code of `text`: one path of dark modules, a quiet zone of four.
fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (x, y) = (i % width + 4, i / width + 4);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    let size = width + 8;
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}
