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
    /// Connection-level limits (`net`); `connections_per_address` comes from the configuration's
    /// `[server]` unless set here.
    pub net: crate::net::NetLimits,
    net_per_address_set: bool,
    /// The longest wait between the relay's attempts to reach an absent hub (tests shorten it).
    pub hub_retry_max: std::time::Duration,
    /// How often the relay asks the hub for a newer configuration bundle (tests shorten it).
    pub hub_config_poll: std::time::Duration,
    /// The caller serves with `serve_reloadable` and starts again on a `Served::Reload`: a
    /// deployed bundle is then applied while the server runs, once the site is quiet (the
    /// relay's `apply_when_quiet`). Without it a bundle applies at the next start.
    pub live_reload: bool,
}

impl Options {
    pub fn new(config_dir: impl Into<PathBuf>, data_dir: impl Into<PathBuf>) -> Options {
        Options {
            config_dir: config_dir.into(),
            data_dir: data_dir.into(),
            demo: false,
            heartbeat_s: 10,
            clock: None,
            net: crate::net::NetLimits::default(),
            net_per_address_set: false,
            hub_retry_max: std::time::Duration::from_secs(60),
            hub_config_poll: std::time::Duration::from_secs(60),
            live_reload: false,
        }
    }

    /// Connections (and, apart, event streams) one address may hold, whatever the configuration
    /// says (tests, the bench: one machine standing in for hundreds of displays).
    pub fn connections_per_address(mut self, n: usize) -> Options {
        self.net.connections_per_address = n;
        self.net.streams_per_address = n;
        self.net_per_address_set = true;
        self
    }
}

#[derive(Clone)]
pub struct AppState {
    pub cfg: Arc<Config>,
    pub writer: Writer,
    pub hub: Arc<Hub>,
    pub db: Arc<db::Pool>,
    pub metrics: Arc<Metrics>,
    pub auth_cache: Arc<AuthCache>,
    pub limits: Arc<Limits>,
    pub clock: Clock,
    pub heartbeat_s: u32,
    pub data_dir: PathBuf,
    /// Flips to true when the server shuts down (ends the event streams).
    pub shutdown: watch::Receiver<bool>,
    /// Keyed ticket tokens are derived from it (`auth::keyed_token`).
    pub token_secret: Arc<Vec<u8>>,
    /// Moves when credentials may have been revoked (`auth::watch_revocations`): open streams
    /// check theirs again.
    pub auth_epoch: Arc<watch::Sender<u64>>,
    /// Connection and stream budgets (`net`).
    pub budgets: Arc<crate::net::Budgets>,
    /// `Options::hub_retry_max`.
    pub hub_retry_max: std::time::Duration,
    /// `Options::hub_config_poll`.
    pub hub_config_poll: std::time::Duration,
    /// The deployed hub bundle that did not load at start-up (the local files run instead).
    pub bundle_refused: Option<queue_core::envelope::RefusedBundle>,
    /// The devices' last health reports (`api::devices`).
    pub device_health: Arc<crate::api::devices::HealthBoard>,
    /// With `Options::live_reload`: set to a deployed bundle's version to have the server start
    /// again on it (`serve_reloadable` answers `Served::Reload`).
    pub reload: Option<Arc<watch::Sender<Option<u64>>>>,
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
    /// The data directory's lock: hold it until the writer has stopped.
    pub lock: DataDirLock,
}

/// An exclusive lock on a data directory (`sportello.lock`, with the holder's process id in it):
/// two servers on one database would both call the same ticket. The admin commands do not take it:
/// they work beside the running server. Released when dropped (or when the process dies).
#[derive(Debug)]
pub struct DataDirLock {
    _file: std::fs::File,
}

impl DataDirLock {
    pub fn acquire(data_dir: &std::path::Path) -> anyhow::Result<DataDirLock> {
        use std::io::{Read, Seek, Write};
        let path = data_dir.join("sportello.lock");
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() { "another process".to_owned() } else { format!("process {holder}") };
                anyhow::bail!(
                    "another Sportello server ({who}) is already running on the data directory {}: stop it first, \
                     or give this one another --data directory",
                    data_dir.display()
                );
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        file.sync_all()?;
        Ok(DataDirLock { _file: file })
    }
}

/// The server's own secret (`secret.key` in the data directory, 32 random bytes, made on first
/// start, readable by the server's user only): keyed ticket tokens are derived from it.
fn server_secret(data_dir: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join("secret.key");
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() >= 32 => return Ok(bytes),
        Ok(_) => anyhow::bail!("{} is shorter than 32 bytes: restore it from a backup or remove it", path.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    let mut secret = vec![0u8; 32];
    rand::fill(&mut secret[..]);
    let tmp = data_dir.join("secret.key.new");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(&secret)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &path)?;
    Ok(secret)
}

/// Load the configuration, open and migrate the database, restore the state, start the writer.
pub fn start(opts: Options) -> anyhow::Result<Started> {
    let (cfg, bundle_refused) = crate::bundle::load(&opts.config_dir, &opts.data_dir)
        .map_err(|e| anyhow::anyhow!("configuration errors:\n{e}"))?;
    let cfg = Arc::new(cfg);
    std::fs::create_dir_all(&opts.data_dir)
        .with_context(|| format!("cannot create the data directory {}", opts.data_dir.display()))?;
    let lock = DataDirLock::acquire(&opts.data_dir)?;
    let token_secret = Arc::new(server_secret(&opts.data_dir)?);
    let path = db::path(&opts.data_dir);
    let conn = db::open_migrated(&path).with_context(|| format!("cannot open the database {}", path.display()))?;
    let clock: Clock = opts.clock.clone().unwrap_or_else(|| Arc::new(Timestamp::now));
    if opts.demo {
        crate::demo::seed(&conn, &cfg, clock()).context("cannot seed the demo accounts")?;
    }
    // The accounts and device keys of `access.toml` (a bundle's, or the local files'): the list,
    // applied in one transaction before anything serves.
    if let Some(access) = &cfg.access {
        let applied = db::access::apply(&conn, access, clock()).context("cannot apply access.toml")?;
        if !applied.nothing() {
            tracing::info!(bundle = ?cfg.bundle, %applied, "staff accounts and device keys applied from access.toml");
        }
    }
    let floor = db::max_event_seq(&conn)?;
    let hub = Arc::new(Hub::new(cfg.sites.iter().map(|s| s.id.clone()), floor));
    let metrics = Arc::new(Metrics::new());
    let (shutdown, shutdown_rx) = watch::channel(false);
    let (writer, writer_thread) = writer::start(cfg.clone(), conn, hub.clone(), metrics.clone(), clock.clone())?;
    let housekeeper = crate::rollup::start(cfg.clone(), path.clone(), clock.clone(), shutdown_rx.clone())
        .context("cannot start the statistics housekeeper")?;
    let mut net = opts.net.clone();
    if !opts.net_per_address_set {
        net.connections_per_address = cfg.server.connections_per_address as usize;
        net.streams_per_address = cfg.server.connections_per_address as usize;
    }
    // A stream should never go idle: heartbeats come well within the idle limit.
    net.idle_timeout = net.idle_timeout.max(std::time::Duration::from_secs(3 * u64::from(opts.heartbeat_s.max(1))));
    let cfg_trusted = cfg.server.trusted_proxies.clone();
    let started = clock();
    let state = AppState {
        limits: Arc::new(Limits::new(&cfg)),
        cfg,
        writer,
        hub,
        db: Arc::new(db::Pool::new(&path)),
        metrics,
        auth_cache: Arc::new(AuthCache::default()),
        clock,
        heartbeat_s: opts.heartbeat_s.max(1),
        data_dir: opts.data_dir.clone(),
        shutdown: shutdown_rx,
        token_secret,
        auth_epoch: Arc::new(watch::channel(0).0),
        budgets: crate::net::Budgets::new(net, cfg_trusted),
        hub_retry_max: opts.hub_retry_max,
        hub_config_poll: opts.hub_config_poll,
        bundle_refused,
        device_health: Arc::new(crate::api::devices::HealthBoard::new(started)),
        reload: opts.live_reload.then(|| Arc::new(watch::channel(None).0)),
    };
    Ok(Started { state, writer_thread, shutdown, lock, housekeeper })
}
