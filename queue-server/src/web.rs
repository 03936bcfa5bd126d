//! The server's web pages (not part of the JSON API): the web display for TVs, and the fonts it uses.
//! Pages are compiled into the binary and load nothing from other sites.

use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// No outside network: everything the pages use comes from this server.
const CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; connect-src 'self'; media-src 'self' data: blob:; frame-ancestors 'none'";

const DISPLAY_PAGE: &str = include_str!("../web/display/index.html");

/// The fonts shipped with the apps (OFL, `assets/fonts/`), so pages render every script
/// without anything installed on the TV.
const FONTS: &[(&str, &[u8])] = &[
    ("NotoSans-Regular.ttf", include_bytes!("../../assets/fonts/NotoSans-Regular.ttf")),
    ("NotoSans-Bold.ttf", include_bytes!("../../assets/fonts/NotoSans-Bold.ttf")),
    ("NotoSansArabic-Regular.ttf", include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf")),
    ("NotoSansArabic-Bold.ttf", include_bytes!("../../assets/fonts/NotoSansArabic-Bold.ttf")),
];

pub fn routes() -> Router<AppState> {
    Router::new().route("/display/{site}", get(display_page)).route("/display/assets/fonts/{file}", get(font))
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

fn page(html: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-cache"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response()
}

/// `/display/{site}?key=…`: the waiting-room display for any browser with EventSource.
async fn display_page(State(state): State<AppState>, Path(site): Path<String>) -> Response {
    if state.cfg.site(&queue_core::SiteId::from(site.as_str())).is_none() {
        return (StatusCode::NOT_FOUND, "no such site").into_response();
    }
    page(DISPLAY_PAGE)
}
