//! `display bench`: time from a call's HTTP answer to the display's view showing that call,
//! through the real client (`Driver`) and controller, against a running queue server.

use crate::client::{Backoff, Driver, Endpoint, HttpClient, Sink};
use crate::controller::{Announcement, DisplayController, Settings, View};
use crate::texts::Texts;
use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

pub struct BenchArgs {
    pub server: String,
    pub site: String,
    pub key: String,
    pub user: String,
    pub password: String,
    pub calls: usize,
}

/// When each number first appeared as the newest call.
#[derive(Clone, Default)]
struct Seen {
    at: Arc<Mutex<HashMap<String, Instant>>>,
    changed: Arc<Notify>,
}

impl Sink for Seen {
    fn publish(&mut self, view: View) {
        if let Some(latest) = view.latest {
            self.at.lock().unwrap_or_else(|p| p.into_inner()).entry(latest.number).or_insert_with(Instant::now);
            self.changed.notify_waiters();
        }
    }
    fn announce(&mut self, _: Announcement) {}
}

async fn post(http: &reqwest::Client, url: String, token: &str, body: Value) -> anyhow::Result<Value> {
    let r = http.post(url).bearer_auth(token).json(&body).send().await?;
    let status = r.status();
    let text = r.text().await?;
    if !status.is_success() {
        bail!("{status}: {text}");
    }
    Ok(if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? })
}

/// Calls `calls` tickets at a desk of the site and measures call → shown.
pub async fn run(a: BenchArgs) -> anyhow::Result<Vec<Duration>> {
    let http = reqwest::Client::new();
    let base = a.server.trim_end_matches('/').to_owned();
    let login: Value = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": a.user, "password": a.password}))
        .send()
        .await?
        .error_for_status()
        .context("log in")?
        .json()
        .await?;
    let token = login["token"].as_str().context("token")?.to_owned();
    let desks: Value =
        http.get(format!("{base}/api/v1/sites/{}/desks", a.site)).bearer_auth(&token).send().await?.json().await?;
    let desk = desks
        .as_array()
        .and_then(|d| d.iter().find(|d| d["staff"].is_null() || d["staff"] == a.user.as_str()))
        .context("a free desk")?;
    let (desk_id, service) = (desk["id"].as_str().context("id")?.to_owned(), desk["services"][0].clone());
    post(&http, format!("{base}/api/v1/desks/{desk_id}/open"), &token, Value::Null).await?;
    for _ in 0..a.calls {
        post(&http, format!("{base}/api/v1/sites/{}/tickets", a.site), &token, json!({"service": service})).await?;
    }
    let seen = Seen::default();
    let endpoint = Endpoint { server: base.clone(), key: a.key.clone(), site: a.site.clone() };
    let ctl = DisplayController::new(Settings::default(), Texts::builtin(), jiff::Timestamp::now());
    let driver = Driver::new(HttpClient::new(endpoint), ctl, seen.clone())
        .with_timing(Backoff::new(Duration::from_millis(200), Duration::from_secs(2)), Duration::from_millis(250));
    let display = tokio::spawn(driver.run());
    let mut samples = Vec::with_capacity(a.calls);
    for _ in 0..a.calls {
        let t = post(&http, format!("{base}/api/v1/desks/{desk_id}/call-next"), &token, Value::Null).await?;
        let answered = Instant::now();
        let number = t["number"].as_str().context("a called ticket")?.to_owned();
        let shown = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let notified = seen.changed.notified();
                if let Some(at) = seen.at.lock().unwrap_or_else(|p| p.into_inner()).get(&number) {
                    return *at;
                }
                notified.await;
            }
        })
        .await
        .with_context(|| format!("{number} never appeared on the display"))?;
        samples.push(shown.saturating_duration_since(answered));
        let id = t["id"].as_str().context("id")?;
        post(&http, format!("{base}/api/v1/tickets/{id}/start"), &token, Value::Null).await?;
        post(&http, format!("{base}/api/v1/tickets/{id}/finish"), &token, Value::Null).await?;
    }
    display.abort();
    post(&http, format!("{base}/api/v1/desks/{desk_id}/close"), &token, Value::Null).await?;
    Ok(samples)
}

/// `p50 … p99 … max` of the samples, in milliseconds.
pub fn summary(samples: &[Duration]) -> String {
    let mut s = samples.to_vec();
    s.sort();
    let q = |q: f64| {
        s.get(((s.len().max(1) - 1) as f64 * q).round() as usize).copied().unwrap_or_default().as_secs_f64() * 1e3
    };
    format!(
        "{} calls: call answered → shown on the display p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        s.len(),
        q(0.5),
        q(0.99),
        q(1.0)
    )
}
