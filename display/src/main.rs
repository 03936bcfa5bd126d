//! `display`: starts the waiting-room display (window, network thread, announcer) or renders screenshots.

use anyhow::{Context, bail};
use clap::Parser;
use display::audio::{
    Announcer, AnnouncerOptions, CommandPlayer, EspeakNg, Player, Scaled, Silent, SoundState, Speech, spawn_announcer,
};
use display::cli::{Cli, Command, RunArgs};
use display::client::{Driver, Endpoint, HttpClient, Sink};
use display::controller::{Announcement, DisplayController, Settings, View};
use display::texts::Texts;
use display::ui::{AppWindow, apply_content};
use slint::ComponentHandle;

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Screenshots { out }) => {
            for path in display::ui::screenshots(&out)? {
                println!("{}", path.display());
            }
            Ok(())
        }
        Some(Command::Bench { server, site, key, user, password, calls, burst_rounds, burst_users, speak_ms }) => {
            let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let args = display::bench::BenchArgs {
                server: server.clone(),
                site: site.clone(),
                key: key.clone(),
                user,
                password: password.clone(),
                calls,
            };
            let samples = rt.block_on(display::bench::run(args))?;
            println!("{}", display::bench::summary(&samples));
            if burst_rounds > 0 {
                let args = display::bench::BurstArgs {
                    server,
                    site,
                    key,
                    users: burst_users,
                    password,
                    rounds: burst_rounds,
                    speak_ms,
                };
                println!("{}", rt.block_on(display::bench::burst(args))?.summary());
            }
            let rss = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned));
            println!("peak RSS of the display client without a window: {}", rss.unwrap_or_default());
            Ok(())
        }
        Some(Command::TestSound { langs, volume }) => {
            let Some(player) = CommandPlayer::find() else {
                bail!(
                    "no sound player found: install pipewire-bin (pw-play), pulseaudio-utils (paplay), alsa-utils (aplay) or sox (play)"
                );
            };
            println!("sound through {}, volume {volume}%", player.program().display());
            let mut player = Scaled { inner: Box::new(player), percent: volume };
            let espeak = EspeakNg::find();
            let speech = espeak.as_ref().map(|e| e as &dyn Speech);
            let checks = display::audio::test_sound(&langs, &Texts::builtin(), speech, &mut player);
            for c in &checks {
                match &c.result {
                    Ok(()) => println!("played   {}", c.what),
                    Err(e) => println!("FAILED   {}: {e}", c.what),
                }
            }
            if checks.iter().any(|c| c.result.is_err()) {
                bail!("some sounds did not play: see above");
            }
            Ok(())
        }
        None => run(cli.run),
    }
}

/// Delivers views to the window (only when they change) and announcements to the announcer.
struct AppSink {
    window: slint::Weak<AppWindow>,
    announcer: Announcer,
    last: Option<View>,
}

impl Sink for AppSink {
    fn publish(&mut self, view: View) {
        if self.last.as_ref() == Some(&view) {
            return;
        }
        self.last = Some(view.clone());
        if let Err(e) = self.window.upgrade_in_event_loop(move |w| apply_content(&w, &view)) {
            tracing::error!("cannot update the window: {e}");
        }
    }

    fn announce(&mut self, a: Announcement) {
        self.announcer.announce(a);
    }

    fn withdraw(&mut self, number: &str) {
        self.announcer.withdraw(number);
    }
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    let (Some(server), Some(site)) = (args.server.clone(), args.site.clone()) else {
        bail!("--server URL and --site SITE are needed (or `display screenshots --out DIR`); see --help");
    };
    let key = match (&args.key, &args.key_file) {
        (Some(k), _) => k.clone(),
        (None, Some(f)) => std::fs::read_to_string(f)
            .with_context(|| format!("reading the display key from {}", f.display()))?
            .trim()
            .to_owned(),
        (None, None) => bail!("--key KEY (or --key-file PATH) is needed: a display device key of site {site}"),
    };
    let tz =
        jiff::tz::TimeZone::get(&args.time_zone).with_context(|| format!("unknown time zone {}", args.time_zone))?;
    let mut texts = Texts::builtin();
    if let Some(dir) = &args.translations {
        texts = texts.with_dir(dir)?;
    }
    let settings = Settings {
        previous: args.previous,
        highlight: jiff::SignedDuration::from_secs(i64::from(args.highlight_s)),
        services: args.services.iter().map(|s| s.as_str().into()).collect(),
        desks: args.desks.iter().map(|s| s.as_str().into()).collect(),
        tz,
        announce_max_age: jiff::SignedDuration::from_secs(i64::from(args.announce_max_age_s)),
        ..Settings::default()
    };

    let mut sound = SoundState::Ok;
    let player: Box<dyn Player> = match CommandPlayer::find() {
        Some(p) => {
            tracing::info!("sound through {}", p.program().display());
            Box::new(p)
        }
        None => {
            tracing::warn!("no sound player found (pw-play, paplay, aplay or play): announcements are silent");
            sound = SoundState::Missing("pw-play, paplay, aplay or play (apt-get install alsa-utils)".into());
            Box::new(Silent)
        }
    };
    let speech: Option<Box<dyn Speech>> = match (args.voice(), EspeakNg::find()) {
        (true, Some(e)) => Some(Box::new(e)),
        (true, None) => {
            tracing::warn!("espeak-ng is not installed: chime only (apt-get install espeak-ng)");
            if sound == SoundState::Ok {
                sound = SoundState::ChimeOnly("espeak-ng is not installed".into());
            }
            None
        }
        (false, _) => None,
    };
    if args.volume == 0 {
        sound = SoundState::Off;
    }
    // Playing failing and working again moves it from this start; the screen and the server follow.
    let (sound_tx, sound_rx) = tokio::sync::watch::channel(sound.clone());
    let baseline = sound;
    let (speaking_tx, speaking) = tokio::sync::mpsc::unbounded_channel();
    let options = AnnouncerOptions {
        on_speaking: Box::new(move |n| {
            let _ = speaking_tx.send(n);
        }),
        on_sound: Box::new(move |r| {
            sound_tx.send_replace(match r {
                Ok(()) => baseline.clone(),
                Err(e) => SoundState::Failing(e),
            });
        }),
        ..AnnouncerOptions::default()
    };
    let player: Box<dyn Player> =
        if args.volume == 100 { player } else { Box::new(Scaled { inner: player, percent: args.volume }) };
    let (announcer, _announcer_thread) = spawn_announcer(speech, player, options);

    let window =
        AppWindow::new().context("creating the window (is there a display? try SLINT_BACKEND=winit-software)")?;
    // Without a window manager nothing sizes or places the window: do it here (portrait included).
    let (w, h) = args.size;
    window.window().set_position(slint::PhysicalPosition::new(0, 0));
    window.window().set_size(slint::PhysicalSize::new(w, h));
    if args.fullscreen {
        window.window().set_fullscreen(true);
        window.global::<display::ui::DisplayAdapter>().set_hide_cursor(true);
    }
    // The clock is the UI thread's own, not the network thread's (see keep_clock).
    let _clock = display::ui::keep_clock(&window, settings.tz.clone(), std::sync::Arc::new(jiff::Timestamp::now));
    let sink = AppSink { window: window.as_weak(), announcer, last: None };
    let client = HttpClient::new(Endpoint { server, key, site });
    let ctl = DisplayController::new(settings, texts, jiff::Timestamp::now());
    std::thread::Builder::new().name("network".into()).spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
        rt.spawn(display::client::report_health(client.clone(), sound_rx.clone()));
        rt.block_on(Driver::new(client, ctl, sink).with_speaking(speaking).with_sound(sound_rx).run());
    })?;
    window.run().context("running the window")?;
    Ok(())
}
