//! The server's shared state and its start-up: configuration, database, writer, hub, limits.

use crate::auth::{AuthCache, Limits};
use crate::db;
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::writer::{self, Clock, Writer};
use anyhow::Context;
use config::Config;
use jiff::Timestamp;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How to start a server.
#[derive(Clone)]
pub struct Options {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    /// Seed the documented demo accounts and device keys.
    pub demo: bool,
    /// Seconds between `heartbeat` events on streams.
    pub heartbeat_s: u32,
    /// The clock (tests may pass their own).
    pub clock: Option<Clock>,
    /// How long a client has to send a request's headers before the connection is cut
    /// (slowloris); [`crate::HEADER_READ_TIMEOUT`] unless a test wants it short.
    pub header_read_timeout: Duration,
}

impl Options {
    pub fn new(config_dir: impl Into<PathBuf>, data_dir: impl Into<PathBuf>) -> Options {
        Options {
            config_dir: config_dir.into(),
            data_dir: data_dir.into(),
            demo: false,
            heartbeat_s: 10,
            clock: None,
            header_read_timeout: crate::HEADER_READ_TIMEOUT,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub cfg: Arc<Config>,
    pub writer: Writer,
    pub hub: Arc<Hub>,
    pub reads: Arc<db::ReadPool>,
    pub metrics: Arc<Metrics>,
    pub auth_cache: Arc<AuthCache>,
    pub limits: Arc<Limits>,
    pub clock: Clock,
    pub heartbeat_s: u32,
    pub header_read_timeout: Duration,
    pub data_dir: PathBuf,
    /// Flips to true when the server shuts down (ends the event streams).
    pub shutdown: watch::Receiver<bool>,
}

impl AppState {
    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }
}

/// A started server state, with what stopping it needs.
pub struct Started {
    pub state: AppState,
    pub writer_thread: std::thread::JoinHandle<()>,
    pub shutdown: watch::Sender<bool>,
    /// Runs a statistics housekeeping pass on demand (tests).
    pub housekeeper: crate::rollup::Housekeeper,
}

/// Load the configuration, open and migrate the database, restore the state, start the writer.
pub fn start(opts: Options) -> anyhow::Result<Started> {
    let cfg = config::load(&opts.config_dir).map_err(|e| anyhow::anyhow!("configuration errors:\n{e}"))?;
    let cfg = Arc::new(cfg);
    std::fs::create_dir_all(&opts.data_dir)
        .with_context(|| format!("cannot create the data directory {}", opts.data_dir.display()))?;
    let path = db::path(&opts.data_dir);
    let conn = db::open_migrated(&path).with_context(|| format!("cannot open the database {}", path.display()))?;
    let clock: Clock = opts.clock.clone().unwrap_or_else(|| Arc::new(Timestamp::now));
    if opts.demo {
        crate::demo::seed(&conn, &cfg, clock()).context("cannot seed the demo accounts")?;
    }
    let floor = db::max_event_seq(&conn)?;
    let hub = Arc::new(Hub::new(cfg.sites.iter().map(|s| s.id.clone()), floor));
    let metrics = Arc::new(Metrics::new());
    let (shutdown, shutdown_rx) = watch::channel(false);
    let (writer, writer_thread) = writer::start(cfg.clone(), conn, hub.clone(), metrics.clone(), clock.clone())?;
    let housekeeper = crate::rollup::start(cfg.clone(), path.clone(), clock.clone(), shutdown_rx.clone())
        .context("cannot start the statistics housekeeper")?;
    let state = AppState {
        limits: Arc::new(Limits::new(&cfg)),
        cfg,
        writer,
        hub,
        reads: Arc::new(db::ReadPool::new(&path)),
        metrics,
        auth_cache: Arc::new(AuthCache::default()),
        clock,
        heartbeat_s: opts.heartbeat_s.max(1),
        header_read_timeout: opts.header_read_timeout,
        data_dir: opts.data_dir.clone(),
        shutdown: shutdown_rx,
    };
    Ok(Started { state, writer_thread, shutdown, housekeeper })
}
