//! A headless Debian chromium driven over WebDriver (chromedriver started here on a free port),
//! with a tiny client on `reqwest`: open pages, click, type, run scripts, wait for conditions,
//! take screenshots, run axe-core. When chromium or chromedriver is missing, `Driver::start`
//! says so and returns `None` — or panics when `CI=true` (`testkit::require_tool`). WebDriver is
//! not our API, so it has its own few lines of `reqwest` rather than the client crate.

use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

/// The W3C WebDriver element key.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long `wait` polls before it fails.
pub const WAIT: Duration = Duration::from_secs(20);

/// Where the test run writes screenshots: `target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}

/// A running chromedriver; each `session` is a fresh chromium with its own profile.
pub struct Driver {
    child: tokio::process::Child,
    url: String,
    http: reqwest::Client,
    chromium: PathBuf,
    profiles: tempfile::TempDir,
}

impl Driver {
    /// Start chromedriver, or `None` with a clear message when the browser is not installed
    /// (a failure instead when `CI=true`).
    pub async fn start() -> Option<Driver> {
        let chromium = testkit::require_tool("chromium", "chromium", "the browser tests")?;
        let driver = testkit::require_tool("chromedriver", "chromium-driver", "the browser tests")?;
        match Self::launch(chromium, driver).await {
            Ok(d) => Some(d),
            Err(e) => panic!("chromedriver did not start: {e:#}"),
        }
    }

    async fn launch(chromium: PathBuf, driver: PathBuf) -> anyhow::Result<Driver> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = tokio::process::Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot run {}", driver.display()))?;
        let d = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            chromium,
            profiles: tempfile::tempdir()?,
        };
        let status = format!("{}/status", d.url);
        let http = &d.http;
        testkit::eventually(&format!("chromedriver ready on port {port}"), WAIT, || async {
            let v: Value = http.get(&status).send().await?.json().await?;
            anyhow::ensure!(v["value"]["ready"] == json!(true), "{v}");
            anyhow::Ok(())
        })
        .await;
        Ok(d)
    }

    /// A new browser (fresh profile: its own cookies and localStorage).
    pub async fn session(&self, name: &str) -> Session {
        let profile = self.profiles.path().join(name);
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,1000",
            "--lang=en-US",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("--user-data-dir={}", profile.display())])
        .collect::<Vec<_>>();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": self.chromium, "args": args},
        }}});
        let r: Value = self
            .http
            .post(format!("{}/session", self.url))
            .json(&caps)
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .expect("json");
        let id = r["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no browser session: {r}")).to_owned();
        Session { base: format!("{}/session/{id}", self.url), http: self.http.clone() }
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// One browser window.
pub struct Session {
    base: String,
    http: reqwest::Client,
}

impl Session {
    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        let mut r = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(b) = body {
            r = r.json(&b);
        }
        let v: Value = r.send().await?.json().await?;
        if let Some(err) = v["value"]["error"].as_str() {
            bail!("webdriver {path}: {err}: {}", v["value"]["message"]);
        }
        Ok(v["value"].clone())
    }

    pub async fn goto(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", Some(json!({"url": url}))).await.expect("navigate");
    }

    /// Resize the window (the page's viewport follows): 1366×768 office monitors, 1920×1080.
    pub async fn set_size(&self, width: u32, height: u32) {
        self.cmd(reqwest::Method::POST, "/window/rect", Some(json!({"width": width, "height": height})))
            .await
            .expect("resize the window");
    }

    pub async fn refresh(&self) {
        self.cmd(reqwest::Method::POST, "/refresh", Some(json!({}))).await.expect("reload");
    }

    async fn element(&self, css: &str) -> anyhow::Result<String> {
        let v =
            self.cmd(reqwest::Method::POST, "/element", Some(json!({"using": "css selector", "value": css}))).await?;
        v[ELEMENT].as_str().map(str::to_owned).with_context(|| format!("no element id in {v}"))
    }

    /// Click like a user (the element must be visible and enabled).
    pub async fn click(&self, css: &str) {
        let id = self.element(css).await.unwrap_or_else(|e| panic!("find {css}: {e:#}"));
        self.cmd(reqwest::Method::POST, &format!("/element/{id}/click"), Some(json!({})))
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e:#}"));
    }

    /// Type into a field like a user.
    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await.unwrap_or_else(|e| panic!("find {css}: {e:#}"));
        self.cmd(reqwest::Method::POST, &format!("/element/{id}/value"), Some(json!({"text": text})))
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e:#}"));
    }

    /// Run a script (a function body; `arguments[i]` are `args`) and return its value.
    pub async fn js(&self, script: &str, args: Value) -> Value {
        self.try_js(script, args).await.unwrap_or_else(|e| panic!("script failed: {e:#}\n{script}"))
    }

    pub async fn try_js(&self, script: &str, args: Value) -> anyhow::Result<Value> {
        self.cmd(reqwest::Method::POST, "/execute/sync", Some(json!({"script": script, "args": args}))).await
    }

    /// Run an async script: it ends by calling `arguments[arguments.length - 1](value)`.
    pub async fn js_async(&self, script: &str, args: Value) -> Value {
        self.cmd(reqwest::Method::POST, "/execute/async", Some(json!({"script": script, "args": args})))
            .await
            .unwrap_or_else(|e| panic!("async script failed: {e:#}"))
    }

    /// Poll `condition` (a JS expression) until it is truthy; fail with `what` after `WAIT`.
    pub async fn wait(&self, what: &str, condition: &str) {
        let script = format!(
            "try {{ return ({condition}) ? true : document.body ? document.body.innerText : ''; }} \
             catch (e) {{ return 'error: ' + e; }}"
        );
        let script = &script;
        testkit::eventually(&format!("{what} ({condition})"), WAIT, || async move {
            match self.try_js(script, json!([])).await {
                Ok(serde_json::Value::Bool(true)) => Ok(()),
                Ok(page) => Err(format!("page text:\n{}", page.as_str().unwrap_or_default())),
                Err(e) => Err(e.to_string()),
            }
        })
        .await;
    }

    /// `document.querySelector(css).textContent`, trimmed ("" when absent).
    pub async fn text(&self, css: &str) -> String {
        self.js("var e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : '';", json!([css]))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Save a PNG screenshot of the window to `target/screenshots/<name>.png`; returns the path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        use base64::Engine as _;
        let v = self.cmd(reqwest::Method::GET, "/screenshot", None).await.expect("screenshot");
        let png = base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap_or_default()).expect("base64");
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Run axe-core in the page; returns the serious and critical violations (id: help, targets).
    pub async fn axe_serious(&self) -> Vec<String> {
        let axe = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/axe/axe.min.js"))
            .expect("tests/data/axe/axe.min.js");
        self.js(&format!("{axe}\n;return true;"), json!([])).await;
        let result = self
            .js_async(
                "var done = arguments[arguments.length - 1];
                 axe.run(document, {resultTypes: ['violations']})
                    .then(function (r) { done(r.violations); }, function (e) { done({error: String(e)}); });",
                json!([]),
            )
            .await;
        assert!(result.get("error").is_none(), "axe failed: {result}");
        result
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| {
                let targets: Vec<String> =
                    v["nodes"].as_array().into_iter().flatten().map(|n| n["target"].to_string()).collect();
                format!("{} ({}): {} at {}", v["id"], v["impact"], v["help"], targets.join(", "))
            })
            .collect()
    }

    pub async fn close(self) {
        let _ = self.cmd(reqwest::Method::DELETE, "", None).await;
    }
}
