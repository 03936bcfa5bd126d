//! A hub that acknowledges on loopback, for measuring what the relay costs a site: a
//! `queue_core::ingest::MemoryHub` (each origin's watermark by the rule the real hub keeps,
//! `ingest::admit`, forgotten runs included) behind the hub's route. It stores no events, so the
//! figures are the site's, not PostgreSQL's.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use queue_core::envelope::{Batch, IngestReply};
use queue_core::ingest::MemoryHub;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct Acks {
    hub: MemoryHub,
    pub pushes: AtomicU64,
    pub events: AtomicU64,
}

impl Acks {
    /// The highest watermark of any origin (the bench has one).
    pub fn watermark(&self) -> u64 {
        self.hub.watermarks().into_iter().max().unwrap_or(0)
    }
}

async fn ingest(State(acks): State<Arc<Acks>>, Json(batch): Json<Batch>) -> Json<IngestReply> {
    let reply = acks.hub.ingest_now(&batch.origin, &batch, jiff::Timestamp::now());
    acks.pushes.fetch_add(1, Ordering::Relaxed);
    acks.events.fetch_add(reply.applied, Ordering::Relaxed);
    Json(reply)
}

/// Serve on an ephemeral loopback port; returns its URL and the counters.
pub async fn start() -> anyhow::Result<(String, Arc<Acks>)> {
    let acks = Arc::new(Acks::default());
    let app = axum::Router::new()
        .route("/hub/v1/events", post(ingest))
        // No configuration published: the relay keeps the site's own files.
        .route(
            "/hub/v1/config",
            get(|| async {
                (StatusCode::NOT_FOUND, Json(serde_json::json!({"error": {"code": "no_bundle", "message": "none"}})))
            }),
        )
        .layer(axum::extract::DefaultBodyLimit::max(64 << 20))
        .with_state(acks.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((url, acks))
}
