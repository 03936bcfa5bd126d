//! Sportello queue server: HTTP API v1, live event streams, SQLite storage, admin commands.
//!
//! `start(options)` opens everything; `router(state)` builds the HTTP app;
//! `serve(listener, state, shutdown)` runs it on an already-bound listener until
//! `shutdown` resolves (tests bind `127.0.0.1:0` and need no sleep).

pub mod api;
pub mod auth;
pub mod cli;
pub mod db;
pub mod demo;
pub mod error;
pub mod hub;
pub mod metrics;
pub mod state;
pub mod stats_page;
pub mod views;
pub mod web;
pub mod writer;

pub use state::{AppState, Options, Started, start};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = api::routes();
    let doc = Arc::new(openapi.to_pretty_json().unwrap_or_else(|_| "{}".into()));
    api.merge(web::routes())
        .merge(stats_page::routes())
        .fallback(|| async { error::ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|| async {
            error::ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route does not take this method",
            )
        })
        .layer(axum::Extension(doc))
        .layer(DefaultBodyLimit::max(api::BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), count_requests))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            use axum::response::IntoResponse;
            tracing::error!("a request handler panicked");
            error::ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error")
                .into_response()
        }))
        .with_state(state)
}

async fn count_requests(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let class = format!("{}xx", resp.status().as_u16() / 100);
    state.metrics.requests.get_or_create(&vec![("status".to_owned(), class)]).inc();
    resp
}

/// Serve until `shutdown` resolves, then end the event streams and finish in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    stop_streams: tokio::sync::watch::Sender<bool>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stop_streams.send(true);
        })
        .await
}

/// A running server for tests and tools: start, serve on a bound listener, stop.
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    writer_thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Start on `listener` (bind `127.0.0.1:0` for an ephemeral port).
    pub async fn start(opts: Options, listener: TcpListener) -> anyhow::Result<Running> {
        let started = start(opts)?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, started.state, started.shutdown, async move {
            let _ = stopped.await;
        }));
        Ok(Running { addr, stop: Some(stop), task, writer_thread: Some(started.writer_thread) })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Graceful stop: streams end, requests finish, the writer commits and stops.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        (&mut self.task).await??;
        if let Some(t) = self.writer_thread.take() {
            tokio::task::spawn_blocking(move || t.join())
                .await?
                .map_err(|_| anyhow::anyhow!("writer thread panicked"))?;
        }
        Ok(())
    }
}
