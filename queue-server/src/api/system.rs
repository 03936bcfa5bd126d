//! Health, Prometheus metrics, and the OpenAPI document.

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

/// Liveness and readiness: answers when the writer answers.
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, description = "ok"), (status = 503, body = queue_core::wire::ErrorBody)))]
pub async fn healthz(State(state): State<AppState>) -> axum::response::Response {
    match state.writer.read(|live| live.last_event_id).await {
        Some(last) => Json(serde_json::json!({"status": "ok", "last_event_id": last})).into_response(),
        None => crate::error::ApiError::shutting_down().into_response(),
    }
}

/// Prometheus metrics in the text exposition format: for loopback peers and the addresses of
/// `[server] metrics_from` only (they tell an outsider how busy each queue is).
#[utoipa::path(get, path = "/metrics", tag = "system",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain"),
        (status = 403, body = queue_core::wire::ErrorBody)))]
pub async fn metrics(
    State(state): State<AppState>,
    crate::client_addr::PeerAddr(ip): crate::client_addr::PeerAddr,
) -> axum::response::Response {
    if !metrics_allowed(ip, &state.cfg.server.metrics_from) {
        return crate::error::ApiError::forbidden(
            "metrics are served to this machine and to the addresses in [server] metrics_from only",
        )
        .into_response();
    }
    state.metrics.subscribers.set(state.hub.subscribers() as i64);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.encode()).into_response()
}

/// Loopback (also v4-mapped) and the listed addresses may read the metrics.
fn metrics_allowed(ip: std::net::IpAddr, from: &[config::IpNet]) -> bool {
    let v4 = match ip {
        std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, std::net::IpAddr::V4),
        v4 => v4,
    };
    v4.is_loopback() || from.iter().any(|n| n.contains(ip))
}

#[cfg(test)]
mod tests {
    // Issue 12: /metrics tells an outsider how busy each queue is: loopback and listed addresses only.
    #[test]
    fn metrics_are_for_this_machine_and_listed_addresses() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let from = [config::IpNet::parse("10.0.0.5").unwrap()];
        for (who, want) in [("127.0.0.1", true), ("::1", true), ("::ffff:127.0.0.1", true), ("10.0.0.5", true)] {
            assert_eq!(super::metrics_allowed(ip(who), &from), want, "{who}");
        }
        for who in ["10.0.0.6", "192.168.1.20", "fe80::1"] {
            assert!(!super::metrics_allowed(ip(who), &from), "{who}");
        }
    }
}

/// The OpenAPI document of every route.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "system",
    responses((status = 200, description = "this document", content_type = "application/json")))]
pub async fn openapi_json(axum::Extension(doc): axum::Extension<std::sync::Arc<String>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], (*doc).clone())
}
