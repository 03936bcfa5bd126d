//! `sportello up`: the server, a kiosk window and a display window for one site, the URLs to
//! open, and with `--simulate` a lively day; Ctrl-C (SIGINT) or SIGTERM stops everything.

use crate::children::{self, Running};
use crate::programs::{Overrides, Programs};
use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use tokio::process::Command;

/// Sportello: bring up a whole One Stop Shop on this machine, to try it or to show it.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// The queue server (demo mode: PUBLIC accounts and keys), a kiosk window and a display window
    /// for one site; the desk, statistics and web display URLs. Ctrl-C stops everything.
    Up(UpArgs),
}

#[derive(clap::Args, Debug)]
struct UpArgs {
    /// Simulated visitors at the kiosk and simulated staff at the desks, through the real API.
    #[arg(long)]
    simulate: bool,
    /// How much faster than a human day the simulated people live (1 = human pace).
    #[arg(long, default_value_t = 1.0, value_parser = speed)]
    speed: f64,
    /// The site the kiosk and the display stand in (and the simulation runs at).
    #[arg(long, default_value = "livorno-terreni")]
    site: String,
    /// Configuration directory [default: the demo configuration].
    #[arg(long)]
    config: Option<PathBuf>,
    /// Data directory of the server (its SQLite database).
    #[arg(long, default_value = "./data")]
    data: PathBuf,
    /// Address the server listens on (`127.0.0.1:0`: any free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Do not open the kiosk and display windows (also the case when there is no display).
    #[arg(long)]
    no_windows: bool,
    /// The queue-server program [default: next to this one].
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// The kiosk program [default: next to this one].
    #[arg(long)]
    kiosk_bin: Option<PathBuf>,
    /// The display program [default: next to this one].
    #[arg(long)]
    display_bin: Option<PathBuf>,
}

fn speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.01..=1000.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a speed between 0.01 and 1000")),
    }
}

/// The launcher's entry point.
pub fn main() -> ExitCode {
    main_with(std::env::args_os())
}

/// The entry point with explicit arguments (the first is the program name).
pub fn main_with<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = Cli::parse_from(args);
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sportello: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Cmd::Up(args) = cli.command;
    match rt.block_on(up(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sportello: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Is there a screen to open windows on?
fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

async fn up(args: UpArgs) -> anyhow::Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").map(PathBuf::from);
    let overrides =
        Overrides { server: args.server_bin.clone(), kiosk: args.kiosk_bin.clone(), display: args.display_bin.clone() };
    let programs = Programs::find(&overrides, cargo.as_deref())?;
    let mut running: Vec<Running> = Vec::new();
    let result = bring_up(&args, &programs, &mut running).await;
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sportello: {e:#}");
            ExitCode::FAILURE
        }
    };
    crate::say!("sportello: stopping everything it started");
    children::stop_all(&mut running).await;
    crate::say!("sportello: stopped");
    Ok(code)
}

/// Why the launcher stops.
enum Stop {
    Signal(&'static str),
    Ended(&'static str, std::process::ExitStatus),
}

async fn bring_up(args: &UpArgs, programs: &Programs, running: &mut Vec<Running>) -> anyhow::Result<ExitCode> {
    // Signals first: a Ctrl-C while the server starts must stop it too.
    let mut sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;

    std::fs::create_dir_all(&args.data).with_context(|| format!("cannot create {}", args.data.display()))?;
    let mut server = Command::new(&programs.server);
    if let Some(dir) = &args.config {
        server.arg("--config").arg(dir);
    }
    server.arg("--data").arg(&args.data).args(["--listen", &args.listen, "--demo"]);
    let (tx, mut lines) = tokio::sync::mpsc::unbounded_channel();
    running.push(children::spawn("server", server, Some(tx))?);
    let url = tokio::select! {
        url = ready_line(&mut lines) => url?,
        _ = sigint.recv() => return Ok(ExitCode::SUCCESS),
        _ = sigterm.recv() => return Ok(ExitCode::SUCCESS),
        _ = tokio::time::sleep(Duration::from_secs(120)) => bail!("the server was not ready within 120 s"),
    };
    tokio::spawn(async move { while lines.recv().await.is_some() {} });
    let site = args.site.as_str();
    let kiosk_key = queue_server::demo::demo_key("kiosk", site);
    let display_key = queue_server::demo::demo_key("display", site);
    // The site must exist before anything is started for it.
    let known = client::Client::new(&url).sites().await.context("the server's site list")?;
    if !known.iter().any(|s| s.id.as_str() == site) {
        let ids: Vec<String> = known.iter().map(|s| s.id.to_string()).collect();
        bail!("there is no site '{site}' in the configuration (sites: {})", ids.join(", "));
    }

    let windows = !args.no_windows && has_display();
    let mut window_lines = Vec::new();
    if windows {
        let printer = args.data.join("kiosk-printer.bin");
        let mut kiosk = Command::new(&programs.kiosk);
        kiosk.args(["--server", &url, "--site", site, "--key", &kiosk_key]);
        kiosk.arg("--printer").arg(format!("file:{}", printer.display()));
        let k = children::spawn("kiosk", kiosk, None)?;
        window_lines.push(format!("  Kiosk window:    pid {} (printed tickets go to {})", k.pid, printer.display()));
        running.push(k);
        let mut display = Command::new(&programs.display);
        display.args(["--server", &url, "--site", site, "--key", &display_key]);
        let d = children::spawn("display", display, None)?;
        window_lines.push(format!("  Display window:  pid {}", d.pid));
        running.push(d);
    } else {
        let why = if args.no_windows { "--no-windows" } else { "no display here (DISPLAY and WAYLAND_DISPLAY unset)" };
        window_lines.push(format!("  Kiosk, display:  no windows ({why}); the web display below shows the same"));
        window_lines.push("                   waiting room in a browser; the simulation uses the kiosk's API".into());
    }
    crate::say!("\n==================== SPORTELLO IS UP ====================");
    crate::say!("A whole One Stop Shop on this machine, site {site} (demo mode: PUBLIC accounts and keys).");
    crate::say!("  Server:          {url}  (pid {})", running[0].pid);
    for l in &window_lines {
        crate::say!("{l}");
    }
    crate::say!("  Desk page:       {url}/desk  (log in as giulia, password {})", queue_server::demo::DEMO_PASSWORD);
    crate::say!("  Web display:     {url}/display/{site}?key={display_key}");
    crate::say!("  Statistics:      {url}/stats?site={site}  (log in as responsabile)");
    crate::say!("  Live overview:   {url}/stats/live?site={site}");
    if args.simulate {
        crate::say!("  Simulation:      visitors and staff at speed ×{}", args.speed);
    } else {
        crate::say!("  Simulation:      off (sportello up --simulate --speed 20 for a lively day)");
    }
    crate::say!("Ctrl-C stops everything.");
    crate::say!("sportello ready on {url}");
    crate::say!("=========================================================\n");

    let mut simulation = if args.simulate {
        let (url, site, day) = (url.clone(), site.to_owned(), crate::simulate::Day::at_speed(args.speed));
        Some(tokio::spawn(async move { crate::simulate::run(&url, &site, day).await }))
    } else {
        None
    };
    let stop = loop {
        tokio::select! {
            _ = sigint.recv() => break Stop::Signal("Ctrl-C"),
            _ = sigterm.recv() => break Stop::Signal("SIGTERM"),
            ended = first_to_end(running) => {
                let (name, status) = ended;
                if name == "server" {
                    break Stop::Ended(name, status);
                }
                crate::say!("sportello: the {name} window ended ({status}); the rest goes on");
            }
            r = async { simulation.as_mut().expect("guarded").await }, if simulation.is_some() => {
                simulation = None;
                match r {
                    Ok(Ok(())) => crate::say!("sportello: the simulation ended"),
                    Ok(Err(e)) => crate::say!("sportello: the simulation stopped: {e:#}"),
                    Err(e) => crate::say!("sportello: the simulation failed: {e}"),
                }
            }
        }
    };
    if let Some(sim) = simulation {
        sim.abort();
    }
    Ok(match stop {
        Stop::Signal(what) => {
            crate::say!("sportello: {what}");
            ExitCode::SUCCESS
        }
        Stop::Ended(name, status) => {
            eprintln!("sportello: the {name} ended ({status})");
            ExitCode::FAILURE
        }
    })
}

/// The server's `… ready on http://…` line.
async fn ready_line(lines: &mut tokio::sync::mpsc::UnboundedReceiver<String>) -> anyhow::Result<String> {
    while let Some(line) = lines.recv().await {
        if let Some(rest) = line.split("ready on ").nth(1) {
            return Ok(rest.split_whitespace().next().unwrap_or_default().to_owned());
        }
    }
    bail!("the server ended before it was ready (its output is above)")
}

/// Waits until one of the children that is still running ends; removes it from `running`
/// (it is reaped) and says which it was. Pends forever when none is left.
async fn first_to_end(running: &mut Vec<Running>) -> (&'static str, std::process::ExitStatus) {
    loop {
        for i in 0..running.len() {
            if let Ok(Some(status)) = running[i].child.try_wait() {
                let gone = running.remove(i);
                return (gone.name, status);
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
