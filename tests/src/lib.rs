//! Helpers for the end-to-end tests: the real server in this process on 127.0.0.1:0 with a fresh
//! SQLite file ([`TestServer`]), the client crate with panicking JSON helpers ([`Client`]), the
//! fault harness and a headless browser. The rest of the kit (the server as a child process,
//! `eventually`, `require_tool`, configurations) is the `testkit` crate, re-exported here.

pub mod browser;
pub mod fault;
pub mod flood;

pub use client::{Method, SseMessage, StatusCode};
pub use testkit::{demo_config_dir, eventually, require, require_tool, test_config_dir};

use client::EventStream;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

pub const PASSWORD: &str = queue_server::demo::DEMO_PASSWORD;
pub const LIVORNO: &str = "livorno-terreni";
pub const GROSSETO: &str = "grosseto-stazione";

pub fn kiosk_key(site: &str) -> String {
    queue_server::demo::demo_key("kiosk", site)
}
pub fn display_key(site: &str) -> String {
    queue_server::demo::demo_key("display", site)
}

/// A server running in this process on an ephemeral port, with its own data directory.
pub struct TestServer {
    pub running: Option<queue_server::Running>,
    pub data: tempfile::TempDir,
    pub config_dir: PathBuf,
    pub url: String,
    /// How it was started; a restart starts it the same way.
    options: queue_server::Options,
}

impl TestServer {
    /// The options of every test server: the demo accounts and keys, a heartbeat every second.
    pub fn options(config_dir: PathBuf, data: &tempfile::TempDir) -> queue_server::Options {
        let mut opts = queue_server::Options::new(config_dir, data.path());
        opts.demo = true;
        opts.heartbeat_s = 1;
        opts
    }

    /// Start on the test configuration with demo accounts and keys.
    pub async fn start() -> TestServer {
        Self::start_with(test_config_dir(), tempfile::tempdir().expect("temp dir")).await
    }

    pub async fn start_with(config_dir: PathBuf, data: tempfile::TempDir) -> TestServer {
        Self::start_opts(Self::options(config_dir, &data), data).await
    }

    /// Start on existing data with the server's clock moved by `ahead` (e.g. years later).
    pub async fn start_later(data: tempfile::TempDir, ahead: jiff::SignedDuration) -> TestServer {
        let mut opts = Self::options(test_config_dir(), &data);
        opts.clock = Some(std::sync::Arc::new(move || jiff::Timestamp::now() + ahead));
        Self::start_opts(opts, data).await
    }

    /// Start with these options (from [`TestServer::options`]) on `data`.
    pub async fn start_opts(options: queue_server::Options, data: tempfile::TempDir) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        Self::serve(options, data, listener).await
    }

    async fn serve(
        options: queue_server::Options,
        data: tempfile::TempDir,
        listener: tokio::net::TcpListener,
    ) -> TestServer {
        let running = queue_server::Running::start(options.clone(), listener).await.expect("server starts");
        let url = running.url();
        TestServer { running: Some(running), data, config_dir: options.config_dir.clone(), url, options }
    }

    /// Stop gracefully and start again on the same data (a new port).
    pub async fn restart(mut self) -> TestServer {
        self.running.take().expect("running").stop().await.expect("clean stop");
        Self::start_opts(self.options, self.data).await
    }

    /// Stop gracefully and start again on the same data and the same address, as a real
    /// restart looks to clients that stay configured with one URL.
    pub async fn restart_same_port(mut self) -> TestServer {
        let running = self.running.take().expect("running");
        let addr = running.addr;
        running.stop().await.expect("clean stop");
        let listener = tokio::net::TcpListener::bind(addr).await.expect("the same address is free again");
        Self::serve(self.options, self.data, listener).await
    }

    /// Stop gracefully; returns the data directory (deleted when dropped).
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(r) = self.running.take() {
            r.stop().await.expect("clean stop");
        }
        self.data
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        self.running.as_ref().expect("running").addr
    }

    /// A statistics housekeeping pass (roll-ups, retention), run now and awaited.
    pub async fn housekeeping_pass(&self) -> queue_server::Pass {
        self.running.as_ref().expect("running").housekeeping_pass().await.expect("a housekeeping pass")
    }

    pub fn db_path(&self) -> PathBuf {
        queue_server::tools::database_path(self.data.path())
    }

    pub fn client(&self) -> Client {
        Client::new(&self.url)
    }

    pub async fn kiosk(&self, site: &str) -> Client {
        self.client().with_bearer(&kiosk_key(site))
    }

    pub async fn display(&self, site: &str) -> Client {
        self.client().with_bearer(&display_key(site))
    }

    /// A client logged in as a demo staff member (bearer token).
    pub async fn staff(&self, username: &str) -> Client {
        let (staff, _) =
            self.client().api.login(username, PASSWORD).await.unwrap_or_else(|e| panic!("login {username}: {e}"));
        Client { api: staff }
    }
}

/// The client crate's client with test helpers that return `(status, JSON)` and panic when the
/// server cannot be reached: tests look at every status, typed calls are on [`Client::api`].
#[derive(Clone)]
pub struct Client {
    pub api: client::Client,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client { api: client::Client::new(base) }
    }

    pub fn with_bearer(self, token: &str) -> Client {
        Client { api: self.api.with_bearer(token) }
    }

    pub fn bearer(&self) -> Option<&str> {
        self.api.bearer()
    }

    pub fn request(&self, method: Method, path: &str) -> client::reqwest::RequestBuilder {
        self.api.request(method, path)
    }

    /// The whole answer (status, headers, body text); panics when the server cannot be reached.
    pub async fn answer(&self, r: client::reqwest::RequestBuilder) -> client::Answer {
        self.api.exchange(r).await.unwrap_or_else(|e| panic!("request reaches the server: {e}"))
    }

    pub async fn send(&self, r: client::reqwest::RequestBuilder) -> (StatusCode, Value) {
        let answer = self.answer(r).await;
        (answer.status, answer.json())
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(Method::POST, path).json(&body)).await
    }

    pub async fn post_empty(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(Method::POST, path)).await
    }

    /// POST expecting `want`; returns the body.
    pub async fn post_ok(&self, path: &str, body: Value, want: StatusCode) -> Value {
        let (status, b) = self.post(path, body).await;
        assert_eq!(status, want, "POST {path}: {b}");
        b
    }

    pub async fn issue(&self, site: &str, body: Value) -> Value {
        self.post_ok(&format!("/api/v1/sites/{site}/tickets"), body, StatusCode::CREATED).await
    }

    /// Call next at a desk: Some(ticket) or None (204).
    pub async fn call_next(&self, desk: &str) -> Option<Value> {
        let (status, b) = self.post_empty(&format!("/api/v1/desks/{desk}/call-next")).await;
        match status {
            StatusCode::OK => Some(b),
            StatusCode::NO_CONTENT => None,
            s => panic!("call-next {desk}: {s} {b}"),
        }
    }

    /// A ticket transition (`start`, `finish`, …) expecting 200.
    pub async fn act(&self, ticket: &str, action: &str) -> Value {
        let path = format!("/api/v1/tickets/{ticket}/{action}");
        let (status, b) = self.post_empty(&path).await;
        assert_eq!(status, StatusCode::OK, "POST {path}: {b}");
        b
    }

    /// The site's live stream, resuming after `last_id`; panics unless it opens.
    pub async fn events(&self, site: &str, last_id: Option<u64>) -> Stream {
        Stream(self.api.events(site, last_id).await.unwrap_or_else(|e| panic!("the event stream opens: {e}")))
    }
}

/// A live event stream with time limits, for tests.
pub struct Stream(pub EventStream);

impl Stream {
    /// The next message, or None if the stream ended, broke or `within` passed.
    pub async fn next(&mut self, within: Duration) -> Option<SseMessage> {
        tokio::time::timeout(within, self.0.next()).await.ok()?.and_then(Result::ok)
    }

    /// The next message that carries an id, or a resync (skips heartbeats and queue snapshots).
    pub async fn next_with_id(&mut self, within: Duration) -> Option<SseMessage> {
        loop {
            let m = self.next(within).await?;
            if m.id.is_some() || m.event == "resync" {
                return Some(m);
            }
        }
    }
}

/// A message's data as JSON (panics if it is not).
pub fn data(m: &SseMessage) -> Value {
    m.json().unwrap_or_else(|e| panic!("{} data is JSON: {e}: {}", m.event, m.data))
}
