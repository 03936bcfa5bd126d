//! Helpers for the end-to-end tests: a real server on 127.0.0.1:0 with a fresh SQLite file,
//! an HTTP client that speaks the API, a Server-Sent Events reader, and a headless browser.

pub mod browser;
pub mod fault;
pub mod flood;
pub mod sse;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The test configuration (both sites always open; see tests/data/config).
pub fn test_config_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/config")
}

pub fn demo_config_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/demo")
}

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
}

impl TestServer {
    /// Start on the test configuration with demo accounts and keys.
    pub async fn start() -> TestServer {
        Self::start_with(test_config_dir(), tempfile::tempdir().expect("temp dir")).await
    }

    pub async fn start_with(config_dir: PathBuf, data: tempfile::TempDir) -> TestServer {
        Self::start_with_clock(config_dir, data, None).await
    }

    /// Start on existing data with the server's clock moved by `ahead` (e.g. years later).
    pub async fn start_later(data: tempfile::TempDir, ahead: jiff::SignedDuration) -> TestServer {
        let clock: queue_server::writer::Clock = std::sync::Arc::new(move || jiff::Timestamp::now() + ahead);
        Self::start_with_clock(test_config_dir(), data, Some(clock)).await
    }

    async fn start_with_clock(
        config_dir: PathBuf,
        data: tempfile::TempDir,
        clock: Option<queue_server::writer::Clock>,
    ) -> TestServer {
        let mut opts = queue_server::Options::new(&config_dir, data.path());
        opts.clock = clock;
        opts.demo = true;
        opts.heartbeat_s = 1;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let running = queue_server::Running::start(opts, listener).await.expect("server starts");
        let url = running.url();
        TestServer { running: Some(running), data, config_dir, url }
    }

    /// Stop gracefully and start again on the same data (a new port).
    pub async fn restart(mut self) -> TestServer {
        self.running.take().expect("running").stop().await.expect("clean stop");
        Self::start_with(self.config_dir, self.data).await
    }

    /// Stop gracefully and start again on the same data and the same address, as a real
    /// restart looks to clients that stay configured with one URL.
    pub async fn restart_same_port(mut self) -> TestServer {
        let running = self.running.take().expect("running");
        let addr = running.addr;
        running.stop().await.expect("clean stop");
        let mut opts = queue_server::Options::new(&self.config_dir, self.data.path());
        opts.demo = true;
        opts.heartbeat_s = 1;
        let listener = tokio::net::TcpListener::bind(addr).await.expect("the same address is free again");
        let running = queue_server::Running::start(opts, listener).await.expect("server starts");
        TestServer { url: running.url(), running: Some(running), data: self.data, config_dir: self.config_dir }
    }

    /// Stop gracefully; returns the data directory (deleted when dropped).
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(r) = self.running.take() {
            r.stop().await.expect("clean stop");
        }
        self.data
    }

    pub fn db_path(&self) -> PathBuf {
        queue_server::db::path(self.data.path())
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
        let c = self.client();
        let (status, body) =
            c.post("/api/v1/session", serde_json::json!({"username": username, "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        c.with_bearer(body["token"].as_str().expect("token"))
    }
}

/// A thin JSON client.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub bearer: Option<String>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client { base: base.to_owned(), http: reqwest::Client::new(), bearer: None }
    }

    pub fn with_bearer(mut self, token: &str) -> Client {
        self.bearer = Some(token.to_owned());
        self
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(b) = &self.bearer {
            r = r.bearer_auth(b);
        }
        r
    }

    pub async fn send(&self, r: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let resp = r.send().await.unwrap_or_else(|e| panic!("request reaches the server: {e:?}"));
        let status = resp.status();
        let text = resp.text().await.expect("body");
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        (status, body)
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
}
