//! `display bench`: time from a call's HTTP answer to the display's view showing that call,
//! through the real client (`Driver`) and controller, against a running queue server.

use crate::client::{Backoff, Driver, Endpoint, HttpClient, Sink};
use crate::controller::{Announcement, DisplayController, Settings, View};
use crate::texts::Texts;
use anyhow::Context;
use queue_core::wire::IssueRequest;
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
    fn withdraw(&mut self, _: &str) {}
}

/// Calls `calls` tickets at a desk of the site and measures call → shown.
pub async fn run(a: BenchArgs) -> anyhow::Result<Vec<Duration>> {
    let base = a.server.trim_end_matches('/').to_owned();
    let (staff, _) = ::client::Client::new(&base).login(&a.user, &a.password).await.context("log in")?;
    let desks = staff.desks(&a.site).await?;
    let desk = desks.iter().find(|d| d.staff.as_ref().is_none_or(|s| s.as_str() == a.user)).context("a free desk")?;
    let (desk_id, service) = (desk.id.to_string(), desk.services.first().context("a service at the desk")?.clone());
    staff.desk(&desk_id, "open").await?;
    let request = IssueRequest { service, ..IssueRequest::default() };
    for _ in 0..a.calls {
        staff.issue(&a.site, &request, None).await?;
    }
    let seen = Seen::default();
    let endpoint = Endpoint { server: base.clone(), key: a.key.clone(), site: a.site.clone() };
    let ctl = DisplayController::new(Settings::default(), Texts::builtin(), jiff::Timestamp::now());
    let driver = Driver::new(HttpClient::new(endpoint), ctl, seen.clone())
        .with_timing(Backoff::new(Duration::from_millis(200), Duration::from_secs(2)), Duration::from_millis(250));
    let display = tokio::spawn(driver.run());
    let mut samples = Vec::with_capacity(a.calls);
    for _ in 0..a.calls {
        let t = staff.call_next(&desk_id).await?.context("a called ticket")?;
        let answered = Instant::now();
        let number = t.number.clone();
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
        staff.act(t.id.as_str(), "start").await?;
        staff.act(t.id.as_str(), "finish").await?;
    }
    display.abort();
    staff.desk(&desk_id, "close").await?;
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
