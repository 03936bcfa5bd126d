//! Sportello queue server: HTTP API v1, live event streams, SQLite storage, admin commands.
//!
//! `start(options)` opens everything; `router(state)` builds the HTTP app;
//! `serve(listener, state, shutdown)` runs it on an already-bound listener until
//! `shutdown` resolves (tests bind `127.0.0.1:0` and need no sleep).

// The public surface is small: starting a server (`Options`, `Running`, `start`, `router`,
// `serve`), the command line (`cli`), the demo's keys (`demo`) and the narrow helpers for tools
// and tests (`tools`). Everything else is the server's own business: bench and tests go through
// the HTTP API, the engine, or `tools`.
pub(crate) mod api;
pub(crate) mod auth;
pub mod bundle;
pub mod cli;
pub(crate) mod client_addr;
pub(crate) mod db;
pub mod demo;
pub(crate) mod error;
pub(crate) mod hub;
pub(crate) mod metrics;
pub(crate) mod net;
pub(crate) mod relay;
pub(crate) mod rollup;
pub(crate) mod state;
pub(crate) mod stats_page;
pub(crate) mod systemd;
pub mod tools;
pub(crate) mod views;
pub(crate) mod web;
pub(crate) mod whatif;
pub(crate) mod writer;

pub use net::NetLimits;
pub use rollup::Pass;
pub use state::{AppState, DataDirLock, Options, Started, start};
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
    // Built once at start-up from our own annotations: a failure is a bug in them, loud at once.
    let mut doc = serde_json::to_value(&openapi).expect("the OpenAPI document serializes");
    api::fix_link_field_names(&mut doc);
    let doc = Arc::new(serde_json::to_string_pretty(&doc).expect("the OpenAPI document serializes"));
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

/// The default time a client has to send a request's headers after its first byte (slowloris);
/// `Options::net` sets it per server.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a graceful stop waits for open requests.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(10);

/// Serve until `shutdown` resolves, then end the event streams and finish in-flight requests.
/// Our own accept loop (rather than `axum::serve`) for the defences of `net`: time limits on every
/// stage of a connection, a cap per client address, separate budgets for requests and streams.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    stop_streams: tokio::sync::watch::Sender<bool>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_reloadable(listener, state, stop_streams, shutdown).await.map(|_| ())
}

/// How `serve_reloadable` ended.
pub enum Served {
    /// `shutdown` resolved.
    Stopped,
    /// The relay asked for the deployed bundle `version` to be applied (`AppState::reload`):
    /// everything is stopped as for a shutdown, but the listener is handed back, so connections
    /// wait in its backlog while the caller starts again on the same data directory.
    Reload { listener: TcpListener, version: u64 },
}

/// `serve`, which also ends when the state's `reload` is set.
pub async fn serve_reloadable(
    listener: TcpListener,
    state: AppState,
    stop_streams: tokio::sync::watch::Sender<bool>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<Served> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    let mut reload = state.reload.as_ref().map(|r| r.subscribe());
    let reload_asked = async move {
        if let Some(rx) = reload.as_mut() {
            let asked = rx.wait_for(Option::is_some).await.map(|v| *v).ok().flatten();
            if asked.is_some() {
                return asked;
            }
        }
        std::future::pending::<Option<u64>>().await
    };
    let mut reload_asked = std::pin::pin!(reload_asked);
    let mut reloading = None;
    tokio::spawn(auth::watch_revocations(state.clone()));
    tokio::spawn(close_days(state.clone()));
    if let Some(hub) = state.cfg.hub.clone() {
        tokio::spawn(relay::run(state.clone(), hub));
    }
    let budgets = state.budgets.clone();
    let limits = budgets.limits.clone();
    let metrics = state.metrics.clone();
    let app = router(state);
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
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
            version = &mut reload_asked => {
                reloading = version;
                break;
            }
        };
        // Over its address's share, or the server is full: closed at once, so the flood costs no
        // more than the accept and the kiosks' connections keep their room.
        let slot = match budgets.connection(remote.ip()) {
            Ok(slot) => slot,
            Err(why) => {
                metrics.refused_connection(why);
                drop(stream);
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let metrics = metrics.clone();
        let limits = limits.clone();
        tokio::spawn(async move {
            // Nothing sent at all within the first-byte time: a silent socket, closed.
            let mut first = [0u8; 1];
            if !matches!(tokio::time::timeout(limits.first_byte_timeout, stream.peek(&mut first)).await, Ok(Ok(1..))) {
                metrics.timed_out_connections.inc();
                return;
            }
            let (io, activity) = net::Tracked::new(stream);
            let conn_slot = slot.clone();
            let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(axum::extract::ConnectInfo(remote));
                req.extensions_mut().insert(conn_slot.clone());
                let mut app = app.clone();
                async move { tower::Service::call(&mut app, req.map(axum::body::Body::new)).await }
            });
            let conn = builder.serve_connection_with_upgrades(TokioIo::new(io), service).into_owned();
            let conn = watcher.watch(conn);
            tokio::select! {
                ended = conn => {
                    if let Err(e) = ended {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                }
                _ = activity.idle(limits.idle_timeout) => {
                    metrics.timed_out_connections.inc();
                    tracing::debug!(%remote, "connection idle too long: closed");
                }
            }
            drop(slot);
        });
    }
    // Stopping: new connections are refused at once. Reloading: they wait in the backlog.
    let kept = match reloading {
        Some(version) => Some((listener, version)),
        None => {
            drop(listener);
            None
        }
    };
    let _ = stop_streams.send(true);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("connections still open after {DRAIN:?}; stopping anyway");
    }
    Ok(match kept {
        Some((listener, version)) => Served::Reload { listener, version },
        None => Served::Stopped,
    })
}

/// A running server for tests and tools: start, serve on a bound listener, stop.
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    writer_thread: Option<std::thread::JoinHandle<()>>,
    lock: Option<DataDirLock>,
    housekeeper: rollup::Housekeeper,
    /// Dropped first when stopping: the writer ends once no one can send it work.
    state: Option<AppState>,
}

impl Running {
    /// Start on `listener` (bind `127.0.0.1:0` for an ephemeral port).
    pub async fn start(opts: Options, listener: TcpListener) -> anyhow::Result<Running> {
        let started = start(opts)?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = started.state.clone();
        let task = tokio::spawn(serve(listener, started.state, started.shutdown, async move {
            let _ = stopped.await;
        }));
        Ok(Running {
            addr,
            stop: Some(stop),
            task,
            writer_thread: Some(started.writer_thread),
            lock: Some(started.lock),
            housekeeper: started.housekeeper,
            state: Some(state),
        })
    }

    /// The clock's missed-appointment pass now (it also runs every 20 s): tests need not wait.
    pub async fn mark_missed_appointments(&self) -> anyhow::Result<usize> {
        let state = self.state.as_ref().ok_or_else(|| anyhow::anyhow!("the server is stopping"))?;
        api::appointments::mark_missed(state).await.map_err(|e| anyhow::anyhow!(e.message))
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
        drop(self.state.take());
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        (&mut self.task).await??;
        if let Some(t) = self.writer_thread.take() {
            tokio::task::spawn_blocking(move || t.join())
                .await?
                .map_err(|_| anyhow::anyhow!("writer thread panicked"))?;
        }
        // Only now may another server take the data directory.
        drop(self.lock.take());
        Ok(())
    }
}

/// How often the server's clock looks whether a site's day has ended.
const DAY_CLOSE_PERIOD: std::time::Duration = std::time::Duration::from_secs(20);

/// The server's clock. Each tick: bookings whose check-in window closed are marked missed
/// (`api::appointments::mark_missed`). And the end of the day: at each site's closing time (or
/// local midnight without hours), the tickets still waiting or on hold expire (`Command::CloseDay`, sent as the server), unless the site keeps
/// its queue overnight. A site with nothing to end costs a read, not a write.
async fn close_days(state: AppState) {
    let mut tick = tokio::time::interval(DAY_CLOSE_PERIOD);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut shutdown = state.shutdown.clone();
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        match api::appointments::mark_missed(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(missed = n, "appointments whose check-in window closed are marked missed"),
            Err(e) => tracing::warn!(error = %e.message, "could not mark missed appointments; trying again"),
        }
        for site in &state.cfg.sites {
            let id = site.id.clone();
            let due = state
                .writer
                .read(move |live| {
                    live.engine.rules().site(&id).is_some_and(|r| !live.engine.close_day(r, live.now).is_empty())
                })
                .await;
            match due {
                Some(true) => {}
                Some(false) => continue,
                None => return,
            }
            let cmd = queue_core::Command::CloseDay { site: site.id.clone() };
            match state.writer.exec(writer::Exec::new(cmd, queue_core::Actor::System)).await {
                Ok(_) => tracing::info!(site = %site.id, "the day ended: tickets still waiting expired"),
                Err(e) => tracing::warn!(site = %site.id, error = %e, "could not end the day; trying again"),
            }
        }
    }
}
