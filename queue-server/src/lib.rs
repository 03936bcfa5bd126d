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
pub mod rollup;
pub mod state;
pub mod stats_page;
pub mod tools;
pub mod views;
pub mod web;
pub mod writer;

pub use rollup::Pass;
pub use state::{AppState, Options, Started, start};
pub use writer::Clock;

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

/// By default a client has this long to send a request's headers (`Options::header_read_timeout`);
/// slow or stalled clients (slowloris) are cut off so they cannot pile up.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// Connections served at once; beyond this, new connections wait in the listen backlog
/// (2,000 displays and desks plus kiosks and phones fit well under it).
pub const MAX_CONNECTIONS: usize = 10_000;
/// How long a graceful stop waits for open requests.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(10);

/// Serve until `shutdown` resolves, then end the event streams and finish in-flight requests.
/// Our own accept loop (rather than `axum::serve`) to get a header-read timeout and a cap on
/// connections.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    stop_streams: tokio::sync::watch::Sender<bool>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    let header_read_timeout = state.header_read_timeout;
    let app = router(state);
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            _ = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(axum::extract::ConnectInfo(remote));
            let mut app = app.clone();
            async move { tower::Service::call(&mut app, req.map(axum::body::Body::new)).await }
        });
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop_streams.send(true);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("connections still open after {DRAIN:?}; stopping anyway");
    }
    Ok(())
}

/// A running server for tests and tools: start, serve on a bound listener, stop.
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    writer_thread: Option<std::thread::JoinHandle<()>>,
    housekeeper: rollup::Housekeeper,
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
        Ok(Running {
            addr,
            stop: Some(stop),
            task,
            writer_thread: Some(started.writer_thread),
            housekeeper: started.housekeeper,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Runs a statistics housekeeping pass (roll-ups, then the retention purge) now, after any
    /// pass under way, and waits for it: tests need not poll for the housekeeper.
    pub async fn housekeeping_pass(&self) -> anyhow::Result<Pass> {
        self.housekeeper.pass().await
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
