//! A minimal W3C WebDriver client for browser tests: Debian's `chromedriver` driving headless
//! `chromium`, spoken to with plain HTTP (reqwest). A missing browser is a clear skip locally and
//! a failure when `CI=true`.

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

/// Whether browser tests can run here; with `CI=true` a missing browser fails the test.
pub fn available(test: &str) -> bool {
    let ok = std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists();
    if !ok {
        let msg =
            format!("{test}: needs {CHROMIUM} and {CHROMEDRIVER} (Debian: apt-get install chromium chromium-driver)");
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("SKIPPED {msg}");
    }
    ok
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl Browser {
    /// Start chromedriver and a headless chromium session (flags from shared/RECIPES.md).
    pub async fn start() -> Browser {
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        // Wait for chromedriver to listen (it answers /status when ready).
        let deadline = Instant::now() + Duration::from_secs(20);
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1920,1080",
            &format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}
        }}});
        let resp: Value = http.post(format!("{base}/session")).json(&caps).send().await.unwrap().json().await.unwrap();
        let session = resp["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {resp}")).to_owned();
        Browser { driver, base, session, http, _profile: profile }
    }

    async fn cmd(&self, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}/{path}", self.base, self.session);
        let resp: Value = self.http.post(url).json(&body).send().await.unwrap().json().await.unwrap();
        assert!(resp["value"].get("error").is_none(), "webdriver {path}: {resp}");
        resp["value"].clone()
    }

    pub async fn goto(&self, url: &str) {
        self.cmd("url", json!({"url": url})).await;
    }

    /// Run `script` (a function body; `return` its value) in the page.
    pub async fn eval(&self, script: &str) -> Value {
        self.cmd("execute/sync", json!({"script": script, "args": []})).await
    }

    /// Poll `script` until it returns something truthy, or fail after `limit`.
    pub async fn wait_for(&self, what: &str, script: &str, limit: Duration) -> Value {
        let deadline = Instant::now() + limit;
        loop {
            let v = self.eval(script).await;
            if !(v.is_null() || v == json!(false) || v == json!("") || v == json!(0)) {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Save a PNG screenshot for a person to look at.
    pub async fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine as _;
        let url = format!("{}/session/{}/screenshot", self.base, self.session);
        let resp: Value = self.http.get(url).send().await.unwrap().json().await.unwrap();
        let png = base64::engine::general_purpose::STANDARD.decode(resp["value"].as_str().unwrap()).unwrap();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, png).unwrap();
    }
}

impl Browser {
    /// End the session: chromedriver closes chromium (dropping without it leaves chromium running).
    pub async fn quit(self) {
        let _ = self.http.delete(format!("{}/session/{}", self.base, self.session)).send().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Where browser tests write screenshots: `target/screenshots/` of the workspace.
pub fn screenshot_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots")
}
