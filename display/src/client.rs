//! The queue server over HTTP: the display snapshot, the live event stream, and the [`Driver`]
//! loop that keeps the controller in step — reconnecting with backoff, resuming with
//! `Last-Event-ID`, re-reading the snapshot when told to, and never hiding that it is out of date.

use crate::audio::SoundState;
use crate::controller::{Announcement, DisplayController, Outcome, Setup, View};
use ::client::{Client, Error, EventStream};
use jiff::Timestamp;
use queue_core::wire::{DeviceHealthReport, DisplaySnapshot};
use std::future::Future;
use std::time::Duration;
use tokio::time::{Instant, Interval};

/// The backoff with jitter between reconnects (the client crate's one).
pub use ::client::Backoff;

/// Where the display's site lives and how it authenticates.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// `http://127.0.0.1:8080` (no trailing slash needed).
    pub server: String,
    /// The display device key.
    pub key: String,
    pub site: String,
}

/// HTTP access to one site's display endpoints (cheap to clone), through the client crate.
#[derive(Clone)]
pub struct HttpClient {
    api: Client,
    site: String,
    /// `--server` when it is not an http(s) URL (a set-up mistake shown on screen).
    bad_address: Option<String>,
}

impl HttpClient {
    pub fn new(endpoint: Endpoint) -> HttpClient {
        let api = Client::builder(&endpoint.server)
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .tcp_keepalive(Duration::from_secs(15))
            .user_agent(concat!("sportello-display/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client builds")
            .with_bearer(&endpoint.key);
        let scheme = endpoint.server.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        let bad_address = (!matches!(scheme.as_deref(), Some("http" | "https"))).then(|| endpoint.server.clone());
        HttpClient { api, site: endpoint.site, bad_address }
    }

    /// `GET …/display`: the full state.
    pub async fn snapshot(&self) -> Result<DisplaySnapshot, Error> {
        self.api.display_snapshot(&self.site).await
    }

    /// `POST /api/v1/devices/health`: how the sound is doing, for the staff pages.
    pub async fn report_health(&self, sound: &SoundState) -> Result<(), Error> {
        let report = DeviceHealthReport {
            sound: Some(sound.code().to_owned()),
            printer: Some("none".to_owned()),
            detail: sound.detail().map(str::to_owned),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        };
        self.api.report_health(&report).await
    }

    /// `GET …/events`, resuming after `last_event_id`.
    pub async fn open_stream(&self, last_event_id: Option<u64>) -> Result<EventStream, Error> {
        self.api.events(&self.site, last_event_id).await
    }
}

/// Where the driver delivers its results (the slint window and the announcer in the app; channels
/// in tests).
pub trait Sink: Send {
    fn publish(&mut self, view: View);
    fn announce(&mut self, announcement: Announcement);
    /// The call is no longer current (the person reached the desk, it was withdrawn, or it is too
    /// old): if it still waits for the voice, it is not spoken.
    fn withdraw(&mut self, number: &str);
}

/// What the voice is reading: `Some(number)` when it starts a call, `None` when it goes quiet.
pub type Speaking = tokio::sync::mpsc::UnboundedReceiver<Option<String>>;

/// The wall clock (tests make it jump, as after a laptop's sleep).
pub type Clock = std::sync::Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// Runs the display's connection forever.
pub struct Driver<S: Sink> {
    client: HttpClient,
    ctl: DisplayController,
    sink: S,
    backoff: Backoff,
    tick: Duration,
    clock: Clock,
    speaking: Option<Speaking>,
    sound: Option<tokio::sync::watch::Receiver<SoundState>>,
}

/// How often a display tells the server how its sound is doing (and at once when that changes).
pub const HEALTH_EVERY: Duration = Duration::from_secs(60);

/// Reports the sound's state to the server now, whenever it changes, and every [`HEALTH_EVERY`];
/// a failed report waits for the next one (the server forgets nothing it needs).
pub async fn report_health(client: HttpClient, mut sound: tokio::sync::watch::Receiver<SoundState>) {
    loop {
        let now = sound.borrow_and_update().clone();
        if let Err(e) = client.report_health(&now).await {
            tracing::debug!("cannot report the display's health: {e}");
        }
        tokio::select! {
            changed = sound.changed() => if changed.is_err() { return },
            _ = tokio::time::sleep(HEALTH_EVERY) => {}
        }
    }
}

impl<S: Sink> Driver<S> {
    pub fn new(client: HttpClient, ctl: DisplayController, sink: S) -> Driver<S> {
        Driver {
            client,
            ctl,
            sink,
            backoff: Backoff::new(Duration::from_secs(1), Duration::from_secs(30)),
            tick: Duration::from_secs(1),
            clock: std::sync::Arc::new(Timestamp::now),
            speaking: None,
            sound: None,
        }
    }

    /// Show what the sound is doing (small, for staff).
    pub fn with_sound(mut self, sound: tokio::sync::watch::Receiver<SoundState>) -> Driver<S> {
        self.sound = Some(sound);
        self
    }

    /// Follow what the voice reads, so the big panel shows the call being spoken.
    pub fn with_speaking(mut self, speaking: Speaking) -> Driver<S> {
        self.speaking = Some(speaking);
        self
    }

    /// Another wall clock (tests).
    pub fn with_clock(mut self, clock: Clock) -> Driver<S> {
        self.clock = clock;
        self
    }

    /// Shorter waits (tests).
    pub fn with_timing(mut self, backoff: Backoff, tick: Duration) -> Driver<S> {
        self.backoff = backoff;
        self.tick = tick;
        self
    }

    fn publish(&mut self) {
        for n in self.ctl.take_withdrawals() {
            self.sink.withdraw(&n);
        }
        for a in self.ctl.take_announcements() {
            self.sink.announce(a);
        }
        if let Some(sound) = &self.sound {
            self.ctl.set_sound(sound.borrow().clone());
        }
        self.sink.publish(self.ctl.view((self.clock)()));
    }

    /// The voice started or stopped reading a call: show it at once.
    fn spoken(&mut self, number: Option<Option<String>>) {
        match number {
            Some(n) => self.ctl.speaking(n),
            // The announcer is gone: nothing is being read.
            None => {
                self.speaking = None;
                self.ctl.speaking(None);
            }
        }
        self.publish();
    }

    /// Awaits `fut` while keeping the screen (clock, staleness, the call being read) up to date.
    async fn ticking<F: Future>(&mut self, tick: &mut Interval, fut: F) -> F::Output {
        tokio::pin!(fut);
        loop {
            tokio::select! {
                out = &mut fut => return out,
                _ = tick.tick() => self.publish(),
                n = next_spoken(&mut self.speaking) => self.spoken(n),
            }
        }
    }

    async fn pause(&mut self, tick: &mut Interval) {
        let delay = self.backoff.next_delay();
        tracing::info!("reconnecting in {:.1} s", delay.as_secs_f64());
        self.ticking(tick, tokio::time::sleep(delay)).await;
    }

    /// Whether an error is a set-up mistake rather than an outage.
    fn setup_problem(&self, e: &Error) -> Option<Setup> {
        match e {
            Error::Api { error, .. } if matches!(error.status, 401 | 403) => Some(Setup::KeyRefused(error.status)),
            Error::Api { error, .. } if error.status == 404 => Some(Setup::UnknownSite(self.client.site.clone())),
            _ => None,
        }
    }

    /// Never returns: snapshot, stream, and around again whenever something breaks.
    pub async fn run(mut self) {
        if let Some(bad) = self.client.bad_address.clone() {
            // Nothing to connect to: say so and keep the screen (clock) alive.
            self.ctl.setup_problem(Some(Setup::BadAddress(bad)));
            let mut tick = tokio::time::interval(self.tick);
            loop {
                tick.tick().await;
                self.publish();
            }
        }
        let mut tick = tokio::time::interval(self.tick);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut need_snapshot = true;
        let mut last_resync: Option<Instant> = None;
        self.publish();
        loop {
            if need_snapshot || !self.ctl.loaded() {
                let client = self.client.clone();
                match self.ticking(&mut tick, async move { client.snapshot().await }).await {
                    Ok(snap) => {
                        self.ctl.setup_problem(None);
                        self.ctl.apply_snapshot(snap, (self.clock)());
                        need_snapshot = false;
                        self.publish();
                    }
                    Err(e) => {
                        tracing::warn!("{e}");
                        if let Some(p) = self.setup_problem(&e) {
                            self.ctl.setup_problem(Some(p));
                        }
                        self.ctl.connection_lost((self.clock)());
                        self.publish();
                        self.pause(&mut tick).await;
                        continue;
                    }
                }
            } else {
                // Resuming: the missed ticket events will come from the stream, but the queue
                // figures of the meantime will not; take them from a fresh snapshot.
                let client = self.client.clone();
                if let Ok(snap) = self.ticking(&mut tick, async move { client.snapshot().await }).await {
                    self.ctl.refresh_queues(snap);
                }
            }
            let client = self.client.clone();
            let last = self.ctl.last_event_id();
            let res = match self.ticking(&mut tick, async move { client.open_stream(last).await }).await {
                Ok(res) => res,
                Err(e) => {
                    tracing::warn!("{e}");
                    if let Some(p) = self.setup_problem(&e) {
                        // The key was revoked, or the site removed, while the display ran.
                        self.ctl.setup_problem(Some(p));
                        need_snapshot = true;
                    }
                    self.ctl.connection_lost((self.clock)());
                    self.publish();
                    self.pause(&mut tick).await;
                    continue;
                }
            };
            self.ctl.stream_opened((self.clock)());
            self.publish();
            match self.follow(res, &mut tick).await {
                Outcome::Resync => {
                    tracing::info!("re-reading the snapshot");
                    need_snapshot = true;
                    // A server that asks for a resync again right away is not hammered.
                    if last_resync.is_some_and(|at: Instant| at.elapsed() < Duration::from_secs(5)) {
                        self.pause(&mut tick).await;
                    }
                    last_resync = Some(Instant::now());
                }
                Outcome::Ok => {
                    self.ctl.connection_lost((self.clock)());
                    self.publish();
                    self.pause(&mut tick).await;
                }
            }
        }
    }

    /// Reads the stream until it ends, goes quiet for too long, or asks for a resync.
    async fn follow(&mut self, mut stream: EventStream, tick: &mut Interval) -> Outcome {
        let mut deadline = Instant::now() + self.ctl.stale_after();
        loop {
            tokio::select! {
                chunk = stream.next_chunk() => match chunk {
                    Some(Ok(messages)) => {
                        deadline = Instant::now() + self.ctl.stale_after();
                        for msg in messages {
                            if self.ctl.apply_message(&msg, (self.clock)()) == Outcome::Resync {
                                self.publish();
                                return Outcome::Resync;
                            }
                            // The server is talking sense: the next cut starts again from a short wait.
                            self.backoff.reset();
                        }
                        self.publish();
                    }
                    Some(Err(e)) => {
                        tracing::warn!("the event stream broke: {e}");
                        return Outcome::Ok;
                    }
                    None => {
                        tracing::warn!("the server closed the event stream");
                        return Outcome::Ok;
                    }
                },
                _ = tokio::time::sleep_until(deadline) => {
                    tracing::warn!("nothing heard from the server for {:?}: reconnecting", self.ctl.stale_after());
                    return Outcome::Ok;
                }
                n = next_spoken(&mut self.speaking) => self.spoken(n),
                _ = tick.tick() => {
                    self.publish();
                    // The wall clock jumped (the machine slept): the connection is likely dead.
                    if self.ctl.view((self.clock)()).stale.is_some() {
                        tracing::warn!("the display is stale (did the machine sleep?): reconnecting");
                        return Outcome::Ok;
                    }
                }
            }
        }
    }
}

/// The next change of what the voice reads (never, without an announcer).
async fn next_spoken(speaking: &mut Option<Speaking>) -> Option<Option<String>> {
    match speaking {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests;
