//! The command line: `display --server URL --key KEY --site SITE …` and `display screenshots --out DIR`.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Sportello waiting-room display: live calls, waiting counts, chime and spoken announcements.
#[derive(Debug, Parser)]
#[command(name = "display", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure call → shown: make calls at a desk of the site and time until the display shows each.
    Bench {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        server: String,
        #[arg(long, default_value = "livorno-terreni")]
        site: String,
        /// The display key.
        #[arg(long, default_value = "demo-display-livorno-terreni")]
        key: String,
        /// A staff account to make the calls with.
        #[arg(long, default_value = "luca")]
        user: String,
        #[arg(long, default_value = "sportello-demo")]
        password: String,
        #[arg(long, default_value_t = 200)]
        calls: usize,
        /// Then this many rounds of a burst: every desk of `--burst-users` calls at once, and the
        /// real announcer reads them (0: no burst).
        #[arg(long, default_value_t = 0)]
        burst_rounds: usize,
        /// Staff accounts of the burst, one desk each (same `--password`).
        #[arg(long, value_delimiter = ',', default_value = "giulia,luca,sara")]
        burst_users: Vec<String>,
        /// The stand-in voice's length of every sound (the chime, each sentence) in the burst.
        #[arg(long, default_value_t = 300)]
        speak_ms: u64,
    },
    /// Play the chime and a sample call in each language through this machine's sound, and say
    /// what worked: for whoever sets up the screen (exit status 1 when something did not play).
    TestSound {
        /// Languages of the sample call (comma-separated).
        #[arg(long, value_delimiter = ',', default_value = "it,en,fr,ar,ro,uk")]
        langs: Vec<String>,
        /// Loudness in percent of the sound as made (0–200).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(0..=200))]
        volume: u32,
    },
    /// Render the display headless (software renderer) as landscape and portrait PNGs.
    Screenshots {
        /// Directory to write `display-landscape.png`, `display-portrait.png` and their
        /// "reconnecting" variants into.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The queue server, e.g. http://127.0.0.1:8080
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// The display device key (from `queue-server device add --kind display`).
    #[arg(long, value_name = "KEY", conflicts_with = "key_file")]
    pub key: Option<String>,
    /// Read the display key from this file instead (keeps it out of the process list).
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    /// The site id, e.g. livorno-terreni
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,
    /// Show only these services (ids, comma-separated): one room of a site.
    #[arg(long, value_delimiter = ',', value_name = "a,b")]
    pub services: Vec<String>,
    /// Show only calls to these desks (ids, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "d1,d2")]
    pub desks: Vec<String>,
    /// Fill the screen.
    #[arg(long)]
    pub fullscreen: bool,
    /// The window's size in pixels, e.g. 1080x1920 for a portrait screen: without a window manager
    /// (a bare X server, a kiosk session) nothing else sizes the window, not even --fullscreen.
    #[arg(long, value_name = "WxH", default_value = "1920x1080", value_parser = parse_size)]
    pub size: (u32, u32),
    /// Speak announcements with espeak-ng (the default).
    #[arg(long, overrides_with = "no_voice")]
    pub voice: bool,
    /// Chime only, no speech.
    #[arg(long, overrides_with = "voice")]
    pub no_voice: bool,
    /// Loudness of the chime and the voice in percent of the sound as made (0–200; the room's
    /// amplifier sets the rest).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(0..=200))]
    pub volume: u32,
    /// How many previous calls to show under the newest one.
    #[arg(long, default_value_t = 5)]
    pub previous: usize,
    /// Seconds the newest call stays highlighted.
    #[arg(long, default_value_t = 8)]
    pub highlight_s: u32,
    /// A call is spoken only while it is at most this many seconds old (after a network cut or in a
    /// burst, older calls are shown, not spoken).
    #[arg(long, default_value_t = 60, value_name = "S")]
    pub announce_max_age_s: u32,
    /// The site's time zone (clock).
    #[arg(long, default_value = "Europe/Rome")]
    pub time_zone: String,
    /// Directory of `<lang>.ftl` Fluent files whose messages replace the built-in ones (or add a language).
    #[arg(long, value_name = "DIR")]
    pub translations: Option<PathBuf>,
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("'{s}' is not a size like 1920x1080");
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, h) = (w.trim().parse::<u32>().map_err(|_| bad())?, h.trim().parse::<u32>().map_err(|_| bad())?);
    if !(200..=16384).contains(&w) || !(200..=16384).contains(&h) {
        return Err(bad());
    }
    Ok((w, h))
}

impl RunArgs {
    pub fn voice(&self) -> bool {
        !self.no_voice
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("display").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn run_flags() {
        let c = parse(&[
            "--server",
            "http://x",
            "--key",
            "k",
            "--site",
            "s",
            "--services",
            "a,b",
            "--no-voice",
            "--fullscreen",
        ]);
        assert!(c.command.is_none());
        assert_eq!(c.run.services, ["a", "b"]);
        assert!(!c.run.voice() && c.run.fullscreen);
        assert!(parse(&["--no-voice", "--voice"]).run.voice());
        assert!(parse(&[]).run.voice());
        assert_eq!(parse(&[]).run.size, (1920, 1080));
        assert_eq!(parse(&["--size", "1080x1920"]).run.size, (1080, 1920));
        assert!(Cli::try_parse_from(["display", "--size", "1080"]).is_err());
    }

    #[test]
    fn volume_and_test_sound() {
        assert_eq!(parse(&[]).run.volume, 100);
        assert_eq!(parse(&["--volume", "150"]).run.volume, 150);
        assert!(Cli::try_parse_from(["display", "--volume", "300"]).is_err());
        let c = parse(&["test-sound", "--langs", "it,ar", "--volume", "60"]);
        assert!(matches!(c.command, Some(Command::TestSound { langs, volume: 60 }) if langs == ["it", "ar"]));
    }

    #[test]
    fn screenshots_subcommand() {
        let c = parse(&["screenshots", "--out", "shots"]);
        assert!(matches!(c.command, Some(Command::Screenshots { out }) if out == std::path::Path::new("shots")));
    }
}
