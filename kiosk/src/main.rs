//! The `kiosk` command: run the touch kiosk, print a test ticket, or render screenshots.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use kiosk::controller::Controller;
use kiosk::printer::PrinterTarget;
use kiosk::server::HttpServer;
use kiosk::ticket::{self, PrintTicket};
use std::path::PathBuf;
use std::time::Instant;

/// Sportello kiosk: triage in the visitor's language, tickets with a QR code.
#[derive(Parser)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(clap::Args, serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RunArgs {
    /// A TOML file with any of the options below (`server`, `key`, `site`, `printer`, `fullscreen`,
    /// `low_reach`); options on the command line win. Keeps the device key out of `ps`.
    #[arg(long)]
    #[serde(skip)]
    config: Option<PathBuf>,
    /// The queue server's base URL [default: http://127.0.0.1:8080].
    #[arg(long)]
    server: Option<String>,
    /// This kiosk's device key (`queue-server device add --kind kiosk` prints one)
    /// [default: demo-kiosk-livorno-terreni].
    #[arg(long)]
    key: Option<String>,
    /// The site this kiosk stands in [default: livorno-terreni].
    #[arg(long)]
    site: Option<String>,
    /// `file:PATH`, `/dev/usb/lp0`, `tcp://HOST:9100` or `none` [default: none].
    #[arg(long)]
    printer: Option<String>,
    #[arg(long)]
    #[serde(default)]
    fullscreen: bool,
    /// Start in the low-reach layout (every control in the lower part of the screen).
    #[arg(long)]
    #[serde(default)]
    low_reach: bool,
    /// Do not read screens aloud even if espeak-ng is installed.
    #[arg(long)]
    #[serde(default)]
    silent: bool,
    /// The window's size in pixels, `WxH` [default: 1080x1920, a portrait kiosk]: without a window
    /// manager (cage, a bare X server) nothing else sizes the window, not even --fullscreen.
    #[arg(long, value_name = "WxH")]
    size: Option<String>,
}

/// The kiosk's settings once the command line, the config file and the defaults are merged.
struct Settings {
    server: String,
    key: String,
    site: String,
    printer: PrinterTarget,
    fullscreen: bool,
    low_reach: bool,
    silent: bool,
    size: (u32, u32),
}

/// `1080x1920` → (1080, 1920).
fn parse_size(s: &str) -> anyhow::Result<(u32, u32)> {
    let parsed = s.split_once(['x', 'X']).and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?)));
    match parsed {
        Some((w, h)) if w > 0 && h > 0 => Ok((w, h)),
        _ => anyhow::bail!("size '{s}' is not a size like 1080x1920"),
    }
}

impl RunArgs {
    /// Command-line options over the config file's over the demo defaults.
    fn resolve(self) -> anyhow::Result<Settings> {
        let file = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
                toml::from_str::<RunArgs>(&text).with_context(|| format!("in {}", path.display()))?
            }
            None => RunArgs::default(),
        };
        let printer = self.printer.or(file.printer).unwrap_or_else(|| "none".into());
        Ok(Settings {
            server: self.server.or(file.server).unwrap_or_else(|| "http://127.0.0.1:8080".into()),
            key: self.key.or(file.key).unwrap_or_else(|| "demo-kiosk-livorno-terreni".into()),
            site: self.site.or(file.site).unwrap_or_else(|| "livorno-terreni".into()),
            printer: printer.parse().map_err(anyhow::Error::msg)?,
            fullscreen: self.fullscreen || file.fullscreen,
            low_reach: self.low_reach || file.low_reach,
            silent: self.silent || file.silent,
            size: parse_size(self.size.or(file.size).as_deref().unwrap_or("1080x1920"))?,
        })
    }
}

#[derive(Subcommand)]
enum Command {
    /// Print a sample ticket, for installers.
    TestPrint {
        #[arg(long)]
        printer: PrinterTarget,
        #[arg(long, default_value = "it")]
        lang: String,
        /// The base of the QR code's address, as the site's `public_url` would be
        /// (e.g. `https://sportello.comune.livorno.it`) [default: `https://sportello.example.org`].
        #[arg(long)]
        public_url: Option<String>,
        /// Also write a readable listing of the bytes to standard output.
        #[arg(long)]
        dump: bool,
    },
    /// Time the last touch → ticket bytes at the printer against a server (the issue's ≤ 200 ms p99 target).
    Bench {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        server: String,
        #[arg(long, default_value = "demo-kiosk-livorno-terreni")]
        key: String,
        #[arg(long, default_value = "livorno-terreni")]
        site: String,
        /// Where the tickets go (default: kept in memory).
        #[arg(long)]
        printer: Option<PrinterTarget>,
        #[arg(long, default_value_t = 200)]
        tickets: usize,
    },
    /// Render every screen of the demo configuration as PNG files (every language, portrait and
    /// landscape, low reach off and on; headless, software renderer).
    Screenshots {
        #[arg(long, default_value = "screenshots")]
        out: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    let started = Instant::now();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::TestPrint { printer, lang, public_url, dump }) => {
            if texts::language(&lang).is_none() {
                anyhow::bail!(
                    "no texts for language {lang:?}: use one of {:?}",
                    texts::LANGUAGES.iter().map(|l| l.code).collect::<Vec<_>>()
                );
            }
            let public_url = public_url.unwrap_or_else(|| ticket::SAMPLE_PUBLIC_URL.to_string());
            let sample = PrintTicket::sample(&lang, &public_url);
            let bytes = ticket::escpos_bytes(&sample);
            if dump {
                print!("{}", ticket::dump(&bytes));
            }
            let mut device = printer.open();
            device.check().with_context(|| format!("printer {printer:?} is not ready"))?;
            device.print(&bytes).with_context(|| format!("printing to {printer:?}"))?;
            eprintln!("printed a {lang} sample ticket ({} bytes, QR {}) to {printer:?}", bytes.len(), sample.qr_url);
            Ok(())
        }
        Some(Command::Bench { server, key, site, printer, tickets }) => {
            let client = HttpServer::new(&server, &site, &key)?;
            let device = match printer {
                Some(target) => target.open(),
                None => Box::new(kiosk::printer::MemoryPrinter::default()),
            };
            let report = kiosk::bench::run(Box::new(client), device, tickets)?;
            println!("{report}");
            if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
                let peak = status.lines().find(|l| l.starts_with("VmHWM")).unwrap_or("VmHWM: ?");
                println!("peak RSS of the controller without a window: {}", peak.trim_start_matches("VmHWM:").trim());
            }
            Ok(())
        }
        Some(Command::Screenshots { out }) => {
            kiosk::screenshots::init_headless()?;
            let written = kiosk::screenshots::write_all(&out)?;
            eprintln!("wrote {} screenshots to {}", written.len(), out.display());
            Ok(())
        }
        None => {
            let Settings { server, key, site, printer, fullscreen, low_reach, silent, size } = cli.run.resolve()?;
            if key.starts_with("demo-") {
                eprintln!("kiosk: using the DEMO device key {key} for site {site} on {server}");
            }
            let client = HttpServer::new(&server, &site, &key)?;
            let controller = Controller::new(Box::new(client), printer.open(), low_reach, Instant::now());
            let speaker = if silent { kiosk::speech::Speaker::silent() } else { kiosk::speech::Speaker::new() };
            if !speaker.enabled() && !silent {
                eprintln!("kiosk: espeak-ng not found, screens will not be read aloud (apt-get install espeak-ng)");
            }
            kiosk::ui::run(controller, fullscreen, size, speaker, started)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_size_comes_from_the_flag_the_file_or_the_portrait_default() {
        assert_eq!(parse_size("1920x1080").unwrap(), (1920, 1080));
        assert!(parse_size("1080").unwrap_err().to_string().contains("not a size like 1080x1920"));
        assert!(parse_size("0x1920").is_err());
        let file = std::env::temp_dir().join(format!("sportello-kiosk-size-{}.toml", std::process::id()));
        std::fs::write(&file, "size = \"1920x1080\"\n").unwrap();
        let from_file = RunArgs { config: Some(file.clone()), ..RunArgs::default() };
        assert_eq!(from_file.resolve().unwrap().size, (1920, 1080));
        let flag = RunArgs { config: Some(file.clone()), size: Some("800x1280".into()), ..RunArgs::default() };
        assert_eq!(flag.resolve().unwrap().size, (800, 1280));
        assert_eq!(RunArgs::default().resolve().unwrap().size, (1080, 1920));
        let _ = std::fs::remove_file(
            std::env::temp_dir().join(format!("sportello-kiosk-size-{}.toml", std::process::id())),
        );
    }
}
