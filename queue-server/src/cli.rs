//! The command line: run the server, check a configuration, manage staff and device keys.
//! Admin commands work while the server runs (they share the SQLite file in WAL mode).

use crate::auth::{Role, hash_password, random_secret, secret_hash};
use crate::db::{self, DeviceRow, StaffRow};
use crate::{Options, demo};
use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use jiff::Timestamp;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "queue-server", version, about = "Sportello queue server")]
pub struct Cli {
    /// Configuration directory (default: the demo configuration, config/demo, in demo mode).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Data directory (the SQLite database lives here).
    #[arg(long, global = true, default_value = "./data")]
    data: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Seed the public demo accounts and keys (on by default with the demo configuration).
    #[arg(long)]
    demo: bool,
    /// Seconds between heartbeat events on live streams.
    #[arg(long, default_value_t = 10)]
    heartbeat: u32,
    /// Seconds a new connection has to send its first byte.
    #[arg(long, default_value_t = 10)]
    first_byte_timeout: u64,
    /// Seconds a connection may stay without a byte either way (at least 3 heartbeats).
    #[arg(long, default_value_t = 60)]
    idle_timeout: u64,
    /// Seconds a request body has to arrive whole.
    #[arg(long, default_value_t = 10)]
    body_timeout: u64,
    /// Connections, and event streams besides, one client address may hold (default: the configuration's [server] setting).
    #[arg(long)]
    connections_per_address: Option<usize>,
    /// Seconds between the relay's questions for a newer configuration bundle (tests).
    #[arg(long, default_value_t = 60, hide = true)]
    hub_config_poll: u64,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Validate a configuration directory; prints every error with file, line and field.
    CheckConfig { dir: PathBuf },
    /// Staff accounts.
    Staff {
        #[command(subcommand)]
        command: StaffCmd,
    },
    /// Device keys (kiosks and displays).
    Device {
        #[command(subcommand)]
        command: DeviceCmd,
    },
    /// What if: staff plans for a weekday of a site, simulated on the real engine with the
    /// arrivals and service times measured in the data directory's history (the server must be
    /// stopped; while it runs, ask `GET /api/v1/stats/whatif`). Prints the figures per hour.
    Whatif {
        #[arg(long)]
        site: String,
        /// ISO weekday, 1 = Monday (default: today's).
        #[arg(long)]
        weekday: Option<String>,
        /// A date instead: its weekday, with the weeks of history before it.
        #[arg(long)]
        date: Option<String>,
        /// A staff plan, `DESK[:SERVICE,…][@FROM-TO[/FROM-TO…]]` with `;` between desks; repeat
        /// `--plan` to compare plans (default: every configured desk all day).
        #[arg(long)]
        plan: Vec<String>,
        #[arg(long)]
        weeks: Option<String>,
        #[arg(long)]
        replications: Option<String>,
        #[arg(long)]
        seed: Option<String>,
        /// Print the JSON of `GET /api/v1/stats/whatif` instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum StaffCmd {
    /// Add an account; the password is read from standard input.
    Add {
        username: String,
        #[arg(long)]
        role: String,
        /// Languages spoken, e.g. ar,fr (mediator routing).
        #[arg(long, value_delimiter = ',')]
        languages: Vec<String>,
        /// Professional roles, e.g. social_worker (which services they may serve).
        #[arg(long, value_delimiter = ',')]
        professions: Vec<String>,
        /// Name shown to colleagues (never to visitors).
        #[arg(long)]
        name: Option<String>,
        /// The sites the account works at, e.g. livorno-terreni (`all` for every site; required
        /// except for admins, who default to every site).
        #[arg(long, value_delimiter = ',')]
        sites: Vec<String>,
    },
    List,
    /// Disable an account and end its sessions (a running server ends them within a second).
    Disable {
        username: String,
    },
    /// Set the sites an account works at (`all` for every site).
    Sites {
        username: String,
        #[arg(value_delimiter = ',', required = true)]
        sites: Vec<String>,
    },
    /// Print the accounts and the live device keys as an `access.toml` (hashes only), for the
    /// directory the Region publishes to this site (`hub publish`): once it carries the file, it
    /// is the list, applied at each start.
    Export,
}

/// `--sites` as stored: `None` = every site. Every id must be a configured site when a configuration
/// is given (or found at the default demo path).
fn parse_sites(sites: &[String], config: Option<&Path>) -> anyhow::Result<Option<Vec<String>>> {
    if sites.iter().any(|s| s == "all") {
        return Ok(None);
    }
    for s in sites {
        if !queue_core::ids::is_slug(s) {
            bail!("'{s}' is not a site id");
        }
    }
    if let Some(dir) = config {
        let cfg = config::load(dir).map_err(|e| anyhow::anyhow!("configuration errors:\n{e}"))?;
        if let Some(bad) = sites.iter().find(|s| cfg.site(&queue_core::SiteId::from(s.as_str())).is_none()) {
            let known: Vec<&str> = cfg.sites.iter().map(|s| s.id.as_str()).collect();
            bail!("no site '{bad}' in {} (sites: {})", dir.display(), known.join(", "));
        }
    }
    Ok(Some(sites.to_vec()))
}

#[derive(Subcommand, Debug)]
enum DeviceCmd {
    /// Create a device key; the key is printed alone on the last line (only its hash is stored).
    Add {
        #[arg(long)]
        site: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name: Option<String>,
    },
    List,
    Revoke {
        id: String,
    },
}

/// The demo configuration: `config/demo` here, or beside the workspace this binary was built from.
fn demo_config_dir() -> PathBuf {
    let here = PathBuf::from("config/demo");
    if here.is_dir() { here } else { Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/demo") }
}

pub fn main() -> ExitCode {
    dispatch(Cli::parse())
}

/// Run with these arguments (without the program name), e.g. from another binary.
pub fn main_with(args: impl IntoIterator<Item = String>) -> ExitCode {
    dispatch(Cli::parse_from(std::iter::once("queue-server".to_owned()).chain(args)))
}

fn dispatch(cli: Cli) -> ExitCode {
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn open_db(data: &Path) -> anyhow::Result<rusqlite::Connection> {
    std::fs::create_dir_all(data).with_context(|| format!("cannot create {}", data.display()))?;
    let path = db::path(data);
    db::open_migrated(&path).with_context(|| format!("cannot open {}", path.display()))
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let now = Timestamp::now();
    match cli.command {
        None => serve(cli),
        Some(Cmd::Whatif {
            ref site,
            ref weekday,
            ref date,
            ref plan,
            ref weeks,
            ref replications,
            ref seed,
            json,
        }) => {
            let args = (site.clone(), weekday.clone(), date.clone(), plan.clone());
            let more = (weeks.clone(), replications.clone(), seed.clone());
            whatif(&cli, args.0, args.1, args.2, args.3, more.0, more.1, more.2, json)
        }
        Some(Cmd::CheckConfig { dir }) => match config::load(&dir) {
            Ok(cfg) => {
                let desks: usize = cfg.sites.iter().map(|s| s.desks.len()).sum();
                let services: usize = cfg.sites.iter().map(|s| s.services.len()).sum();
                println!("{}: ok ({} sites, {services} services, {desks} desks)", dir.display(), cfg.sites.len());
                for warning in config::warnings(&cfg) {
                    eprintln!("warning: {warning}");
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(errors) => {
                eprintln!("{errors}");
                eprintln!("{}: {} error(s)", dir.display(), errors.0.len());
                Ok(ExitCode::FAILURE)
            }
        },
        Some(Cmd::Staff { command }) => {
            let conn = open_db(&cli.data)?;
            match command {
                StaffCmd::Add { username, role, languages, professions, name, sites } => {
                    let Some(parsed_role) = Role::parse(&role) else {
                        bail!("--role must be staff, manager or admin (got '{role}')");
                    };
                    if sites.is_empty() && parsed_role != Role::Admin {
                        bail!("--sites is required: the sites this account works at (or 'all')");
                    }
                    let sites = parse_sites(&sites, cli.config.as_deref())?;
                    if !queue_core::ids::is_slug(&username) {
                        bail!("username must be 1–40 characters of a-z, 0-9, '-' or '_'");
                    }
                    if db::staff(&conn, &username)?.is_some() {
                        bail!("staff member '{username}' already exists");
                    }
                    let mut password = String::new();
                    std::io::stdin().read_to_string(&mut password).context("cannot read the password from stdin")?;
                    let password = password.trim_end_matches(['\r', '\n']);
                    if password.chars().count() < 10 {
                        bail!("the password (from standard input) must have at least 10 characters");
                    }
                    let row = StaffRow {
                        display_name: name.unwrap_or_else(|| username.clone()),
                        username,
                        role,
                        languages,
                        professions,
                        password_hash: hash_password(password).map_err(anyhow::Error::msg)?,
                        disabled: false,
                        sites,
                    };
                    db::insert_staff(&conn, &row, now)?;
                    println!("added {} ({}, sites: {})", row.username, row.role, shown_sites(&row.sites));
                }
                StaffCmd::Export => {
                    print!("{}", config::access_to_toml(&db::access::export(&conn)?));
                }
                StaffCmd::List => {
                    for s in db::list_staff(&conn)? {
                        let state = if s.disabled { "disabled" } else { "active" };
                        println!(
                            "{:<16} {:<8} {:<8} sites={:<36} languages={:<10} professions={:<16} {}",
                            s.username,
                            s.role,
                            state,
                            shown_sites(&s.sites),
                            s.languages.join(","),
                            s.professions.join(","),
                            s.display_name
                        );
                    }
                }
                StaffCmd::Disable { username } => {
                    if !db::disable_staff(&conn, &username)? {
                        bail!("no staff member '{username}'");
                    }
                    println!("disabled {username} (sessions and streams end within a second on a running server)");
                }
                StaffCmd::Sites { username, sites } => {
                    let sites = parse_sites(&sites, cli.config.as_deref())?;
                    if !db::set_staff_sites(&conn, &username, &sites)? {
                        bail!("no staff member '{username}'");
                    }
                    println!("{username} works at: {}", shown_sites(&sites));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Device { command }) => {
            let conn = open_db(&cli.data)?;
            match command {
                DeviceCmd::Add { site, kind, name } => {
                    if !matches!(kind.as_str(), "kiosk" | "display") {
                        bail!("--kind must be kiosk or display (got '{kind}')");
                    }
                    let dir = cli.config.clone().unwrap_or_else(demo_config_dir);
                    let cfg = config::load(&dir).map_err(|e| anyhow::anyhow!("configuration errors:\n{e}"))?;
                    if cfg.site(&queue_core::SiteId::from(site.as_str())).is_none() {
                        let known: Vec<_> = cfg.sites.iter().map(|s| s.id.to_string()).collect();
                        bail!("no site '{site}' in {} (sites: {})", dir.display(), known.join(", "));
                    }
                    let key = format!("sp_{}", random_secret(32));
                    let id = format!("{kind}-{}", &ulid::Ulid::new().to_string()[16..].to_lowercase());
                    let row = DeviceRow {
                        id: id.clone(),
                        name: name.unwrap_or_else(|| id.clone()),
                        site,
                        kind,
                        revoked: false,
                    };
                    db::insert_device(&conn, &row, &secret_hash(&key), now)?;
                    println!("added {} {} for site {} (the key is shown only now):", row.kind, row.id, row.site);
                    println!("{key}");
                }
                DeviceCmd::List => {
                    for d in db::list_devices(&conn)? {
                        let state = if d.revoked { "revoked" } else { "active" };
                        println!("{:<28} {:<8} {:<20} {:<8} {}", d.id, d.kind, d.site, state, d.name);
                    }
                }
                DeviceCmd::Revoke { id } => {
                    if !db::revoke_device(&conn, &id, now)? {
                        bail!("no active device '{id}'");
                    }
                    println!("revoked {id} (its streams end within a second on a running server)");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `whatif`: the same computation as the route, for an analyst on a stopped server's data.
#[allow(clippy::too_many_arguments)]
fn whatif(
    cli: &Cli,
    site: String,
    weekday: Option<String>,
    date: Option<String>,
    plans: Vec<String>,
    weeks: Option<String>,
    replications: Option<String>,
    seed: Option<String>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let config_dir = cli.config.clone().unwrap_or_else(demo_config_dir);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let started = crate::start(Options::new(&config_dir, &cli.data))
            .context("cannot open the data directory (a running server holds it: ask GET /api/v1/stats/whatif)")?;
        let state = started.state.clone();
        let cfg_site = state
            .cfg
            .sites
            .iter()
            .find(|s| s.id.as_str() == site)
            .with_context(|| format!("no site '{site}' in {}", config_dir.display()))?;
        let plans = if plans.is_empty() { vec![crate::whatif::all_desks_plan(cfg_site)] } else { plans };
        let analyst = crate::auth::Identity::Staff(crate::auth::StaffIdentity {
            username: "analyst".into(),
            display_name: "analyst".into(),
            role: Role::Admin,
            languages: vec![],
            professions: vec![],
            sites: state.cfg.sites.iter().map(|s| s.id.clone()).collect(),
            csrf: String::new(),
            token_hash: String::new(),
        });
        let results = tokio::task::spawn_blocking(move || {
            plans
                .iter()
                .map(|plan| {
                    let q = crate::whatif::WhatIfQuery {
                        site: site.clone(),
                        weekday: weekday.clone(),
                        date: date.clone(),
                        plan: plan.clone(),
                        weeks: weeks.clone(),
                        replications: replications.clone(),
                        seed: seed.clone(),
                    };
                    crate::whatif::what_if(&state, &analyst, &q).map_err(|e| anyhow::anyhow!("{plan}: {}", e.message))
                })
                .collect::<anyhow::Result<Vec<_>>>()
        })
        .await??;
        let _ = started.shutdown.send(true);
        for w in &results {
            if json {
                println!("{}", serde_json::to_string_pretty(w)?);
                continue;
            }
            println!(
                "site {} weekday {} (1 = Monday), history {} – {}: {} tickets; {} simulated days, seed {}",
                w.site, w.weekday, w.history_from, w.history_to, w.history_tickets, w.replications, w.seed
            );
            for d in &w.plan {
                let hours: Vec<String> = d.open.iter().map(|[a, b]| format!("{a}-{b}")).collect();
                println!("  desk {} {} ({})", d.desk, hours.join("/"), d.services.join(", "));
            }
            println!(
                "{:>5} {:>8} {:>7} {:>7} {:>5} {:>6} {:>6} {:>5} {:>7} {:>6} {:>6}",
                "hour", "tickets", "wait", "p90", "SL", "past", "never", "busy", "bias", "MAE", "short"
            );
            let pct = |x: Option<f64>| x.map_or("—".to_owned(), |v| format!("{:.0}%", v * 100.0));
            let s = |x: Option<f64>| x.map_or("—".to_owned(), |v| format!("{v:.0}s"));
            for f in std::iter::once(&w.day).chain(&w.by_hour) {
                println!(
                    "{:>5} {:>8.1} {:>7} {:>7} {:>5} {:>6.1} {:>6.1} {:>5} {:>7} {:>6} {:>6}",
                    f.hour.map_or("day".to_owned(), |h| format!("{h:02}")),
                    f.tickets_per_day,
                    s(f.wait_mean_s),
                    s(f.wait_p90_s),
                    pct(f.service_level),
                    f.past_target_per_day,
                    f.unserved_per_day,
                    pct(f.occupancy),
                    s(f.estimate_bias_s),
                    s(f.estimate_mae_s),
                    pct(f.estimate_told_too_little),
                );
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn shown_sites(sites: &Option<Vec<String>>) -> String {
    sites.as_ref().map_or_else(|| "all".to_owned(), |s| s.join(","))
}

fn serve(cli: Cli) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .init();
    let demo = cli.demo || cli.config.is_none();
    let config_dir = cli.config.clone().unwrap_or_else(demo_config_dir);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let started_at = std::time::Instant::now();
        let listener = tokio::net::TcpListener::bind(&cli.listen)
            .await
            .with_context(|| format!("cannot listen on {}", cli.listen))?;
        let addr = listener.local_addr()?;
        let mut opts = Options::new(&config_dir, &cli.data);
        opts.demo = demo;
        opts.heartbeat_s = cli.heartbeat;
        opts.net.first_byte_timeout = std::time::Duration::from_secs(cli.first_byte_timeout.max(1));
        opts.net.idle_timeout = std::time::Duration::from_secs(cli.idle_timeout.max(1));
        opts.net.body_read_timeout = std::time::Duration::from_secs(cli.body_timeout.max(1));
        if let Some(n) = cli.connections_per_address {
            opts = opts.connections_per_address(n.max(1));
        }
        opts.hub_config_poll = std::time::Duration::from_secs(cli.hub_config_poll.max(1));
        // A deployed bundle is applied while the process runs: on `Served::Reload` everything is
        // stopped as for a shutdown (the writer commits and ends, the lock is released) and the
        // server starts again on the same listener and data directory with the new configuration.
        opts.live_reload = true;
        let base = format!("http://{addr}");
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = stop_tx.send(true);
        });
        let mut listener = listener;
        let mut first = true;
        loop {
            let started = crate::start(opts.clone())?;
            if first {
                if demo {
                    println!("{}", demo::banner(&started.state.cfg, &base));
                }
                println!(
                    "Sportello queue server ready on {base} in {} ms (config {}, data {})",
                    started_at.elapsed().as_millis(),
                    config_dir.display(),
                    cli.data.display()
                );
                crate::systemd::ready(&base);
            }
            first = false;
            crate::systemd::spawn_watchdog(started.state.clone());
            let writer_thread = started.writer_thread;
            let lock = started.lock;
            let mut stop = stop_rx.clone();
            let stopped = async move {
                let _ = stop.wait_for(|s| *s).await;
            };
            let served = crate::serve_reloadable(listener, started.state, started.shutdown, stopped).await?;
            tokio::task::spawn_blocking(move || writer_thread.join())
                .await?
                .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
            drop(lock);
            match served {
                crate::Served::Stopped => break,
                crate::Served::Reload { listener: l, version } => {
                    listener = l;
                    tracing::info!(version, "stopped for configuration bundle v{version}: starting again on it");
                }
            }
        }
        println!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
    crate::systemd::stopping();
}
