//! The queue server over HTTP: the display snapshot, the live event stream, and the [`Driver`]
//! loop that keeps the controller in step — reconnecting with backoff, resuming with
//! `Last-Event-ID`, re-reading the snapshot when told to, and never hiding that it is out of date.

use crate::controller::{Announcement, DisplayController, Outcome, View};
use crate::sse::SseParser;
use futures_util::StreamExt;
use jiff::Timestamp;
use queue_core::wire::DisplaySnapshot;
use std::future::Future;
use std::time::Duration;
use tokio::time::{Instant, Interval};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot reach the queue server at {url}: {source}")]
    Http { url: String, source: reqwest::Error },
    #[error("the queue server answered {status} to {url}: {body}")]
    Status { url: String, status: reqwest::StatusCode, body: String },
}

/// Where the display's site lives and how it authenticates.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// `http://127.0.0.1:8080` (no trailing slash needed).
    pub server: String,
    /// The display device key.
    pub key: String,
    pub site: String,
}

/// HTTP access to one site's display endpoints (cheap to clone).
#[derive(Clone)]
pub struct HttpClient {
    http: reqwest::Client,
    endpoint: Endpoint,
}

impl HttpClient {
    pub fn new(endpoint: Endpoint) -> HttpClient {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .tcp_keepalive(Duration::from_secs(15))
            .user_agent(concat!("sportello-display/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client builds");
        HttpClient { http, endpoint }
    }

    fn url(&self, what: &str) -> String {
        format!("{}/api/v1/sites/{}/{what}", self.endpoint.server.trim_end_matches('/'), self.endpoint.site)
    }

    async fn checked(
        url: &str,
        res: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<reqwest::Response, ClientError> {
        let res = res.map_err(|source| ClientError::Http { url: url.to_owned(), source })?;
        if res.status().is_success() {
            return Ok(res);
        }
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        Err(ClientError::Status { url: url.to_owned(), status, body: body.chars().take(300).collect() })
    }

    /// `GET …/display`: the full state.
    pub async fn snapshot(&self) -> Result<DisplaySnapshot, ClientError> {
        let url = self.url("display");
        let res = self.http.get(&url).bearer_auth(&self.endpoint.key).timeout(Duration::from_secs(10)).send().await;
        let res = Self::checked(&url, res).await?;
        res.json().await.map_err(|source| ClientError::Http { url, source })
    }

    /// `GET …/events`, resuming after `last_event_id`.
    pub async fn open_stream(&self, last_event_id: Option<u64>) -> Result<reqwest::Response, ClientError> {
        let url = self.url("events");
        let mut req = self.http.get(&url).bearer_auth(&self.endpoint.key).header("Accept", "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id.to_string());
        }
        let res = tokio::time::timeout(Duration::from_secs(10), req.send()).await;
        match res {
            Ok(res) => Self::checked(&url, res).await,
            Err(_) => Err(ClientError::Status {
                url,
                status: reqwest::StatusCode::GATEWAY_TIMEOUT,
                body: "no answer within 10 s".to_owned(),
            }),
        }
    }
}

/// Where the driver delivers its results (the slint window and the announcer in the app; channels
/// in tests).
pub trait Sink: Send {
    fn publish(&mut self, view: View);
    fn announce(&mut self, announcement: Announcement);
}

/// Exponential backoff with jitter, so a room full of displays does not reconnect in lockstep.
#[derive(Debug, Clone)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    pub fn new(min: Duration, max: Duration) -> Backoff {
        Backoff { min, max, next: min }
    }

    pub fn reset(&mut self) {
        self.next = self.min;
    }

    /// The next wait: min, 2·min, 4·min … max, each ±20 %.
    pub fn next_delay(&mut self) -> Duration {
        let base = self.next;
        self.next = (self.next * 2).min(self.max);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let jitter = 0.8 + 0.4 * f64::from(nanos % 1000) / 1000.0;
        base.mul_f64(jitter)
    }
}

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
        }
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
        for a in self.ctl.take_announcements() {
            self.sink.announce(a);
        }
        self.sink.publish(self.ctl.view((self.clock)()));
    }

    /// Awaits `fut` while keeping the screen (clock, staleness) up to date.
    async fn ticking<F: Future>(&mut self, tick: &mut Interval, fut: F) -> F::Output {
        tokio::pin!(fut);
        loop {
            tokio::select! {
                out = &mut fut => return out,
                _ = tick.tick() => self.publish(),
            }
        }
    }

    async fn pause(&mut self, tick: &mut Interval) {
        let delay = self.backoff.next_delay();
        tracing::info!("reconnecting in {:.1} s", delay.as_secs_f64());
        self.ticking(tick, tokio::time::sleep(delay)).await;
    }

    /// Never returns: snapshot, stream, and around again whenever something breaks.
    pub async fn run(mut self) {
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
                        self.ctl.apply_snapshot(snap, (self.clock)());
                        need_snapshot = false;
                        self.publish();
                    }
                    Err(e) => {
                        tracing::warn!("{e}");
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
    async fn follow(&mut self, res: reqwest::Response, tick: &mut Interval) -> Outcome {
        let mut parser = SseParser::new();
        let mut body = res.bytes_stream();
        let mut deadline = Instant::now() + self.ctl.stale_after();
        loop {
            tokio::select! {
                chunk = body.next() => match chunk {
                    Some(Ok(bytes)) => {
                        deadline = Instant::now() + self.ctl.stale_after();
                        for msg in parser.push(&bytes) {
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

#[cfg(test)]
mod tests;
