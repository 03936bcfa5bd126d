//! A hub that acknowledges on loopback, for measuring what the relay costs a site: it keeps each
//! origin's watermark as the real hub does (`envelope::contiguous_with`, forgotten runs included)
//! and stores nothing, so the figures are the site's, not PostgreSQL's.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use queue_core::envelope::{Batch, IngestReply, contiguous_with};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Acks {
    watermark: Mutex<u64>,
    pub pushes: AtomicU64,
    pub events: AtomicU64,
}

impl Acks {
    pub fn watermark(&self) -> u64 {
        *self.watermark.lock().unwrap_or_else(|e| e.into_inner())
    }
}

async fn ingest(State(acks): State<Arc<Acks>>, Json(batch): Json<Batch>) -> Json<IngestReply> {
    let seqs: Vec<u64> = batch.events.iter().map(|e| e.seq).collect();
    let mut w = acks.watermark.lock().unwrap_or_else(|e| e.into_inner());
    let (to, gap, _) = contiguous_with(*w, &seqs, &batch.forgotten);
    let applied = seqs.iter().filter(|s| **s > *w && **s <= to).count() as u64;
    *w = to;
    acks.pushes.fetch_add(1, Ordering::Relaxed);
    acks.events.fetch_add(applied, Ordering::Relaxed);
    Json(IngestReply { origin: batch.origin, watermark: to, applied, duplicates: seqs.len() as u64 - applied, gap })
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
