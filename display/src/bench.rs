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

/// `display bench --burst`: several desks call at the same moment, round after round; the real
/// announcer (a stand-in voice whose every sound lasts `speak_ms`) reads them. Measures call
/// answered → the voice starts that call.
pub struct BurstArgs {
    pub server: String,
    pub site: String,
    pub key: String,
    /// Staff accounts, one desk each (the demo's share one password).
    pub users: Vec<String>,
    pub password: String,
    pub rounds: usize,
    pub speak_ms: u64,
}

/// What a burst run saw.
pub struct BurstReport {
    /// Call answered → its announcement started, for every call that was spoken.
    pub spoken: Vec<Duration>,
    /// Calls never spoken (too old when their turn came, or pushed out by newer ones).
    pub unspoken: usize,
    /// Rounds in which, after the first call, the next one spoken was the newest of the round.
    pub newest_next: usize,
    pub rounds: usize,
}

/// A voice that says nothing: the player's time is the announcement's length.
struct Mute;

impl crate::audio::Speech for Mute {
    fn synthesize(&self, _: &str, text: &str) -> Result<Vec<u8>, crate::audio::AudioError> {
        Ok(text.as_bytes().to_vec())
    }
}

/// Blocks for a fixed time per sound, as a real player blocks for the sound's length.
struct Timed(Duration);

impl crate::audio::Player for Timed {
    fn play(&mut self, _: &[u8]) -> Result<(), crate::audio::AudioError> {
        std::thread::sleep(self.0);
        Ok(())
    }
}

struct Voice(crate::audio::Announcer);

impl Sink for Voice {
    fn publish(&mut self, _: View) {}
    fn announce(&mut self, a: Announcement) {
        self.0.announce(a);
    }
    fn withdraw(&mut self, number: &str) {
        self.0.withdraw(number);
    }
}

pub async fn burst(a: BurstArgs) -> anyhow::Result<BurstReport> {
    let base = a.server.trim_end_matches('/').to_owned();
    let mut desks = Vec::new();
    for user in &a.users {
        let (staff, _) =
            ::client::Client::new(&base).login(user, &a.password).await.with_context(|| format!("log in {user}"))?;
        let free = staff.desks(&a.site).await?;
        let taken: Vec<String> = desks.iter().map(|(_, d, _): &(::client::Client, String, _)| d.clone()).collect();
        let desk = free
            .iter()
            .find(|d| d.staff.as_ref().is_none_or(|s| s.as_str() == user) && !taken.contains(&d.id.to_string()))
            .with_context(|| format!("a free desk for {user}"))?;
        let service = desk.services.first().context("a service at the desk")?.clone();
        staff.desk(desk.id.as_str(), "open").await?;
        desks.push((staff, desk.id.to_string(), service));
    }
    // Every desk's tickets for all rounds, first: calls then find someone waiting.
    for (staff, _, service) in &desks {
        let request = IssueRequest { service: service.clone(), ..IssueRequest::default() };
        for _ in 0..a.rounds {
            staff.issue(&a.site, &request, None).await?;
        }
    }
    let started: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let log = started.clone();
    let options = crate::audio::AnnouncerOptions {
        on_speaking: Box::new(move |n| {
            if let Some(n) = n {
                log.lock().unwrap_or_else(|p| p.into_inner()).push((n, Instant::now()));
            }
        }),
        ..crate::audio::AnnouncerOptions::default()
    };
    let speak = Duration::from_millis(a.speak_ms);
    let (announcer, _thread) = crate::audio::spawn_announcer(Some(Box::new(Mute)), Box::new(Timed(speak)), options);
    let endpoint = Endpoint { server: base.clone(), key: a.key.clone(), site: a.site.clone() };
    let ctl = DisplayController::new(Settings::default(), Texts::builtin(), jiff::Timestamp::now());
    let driver = Driver::new(HttpClient::new(endpoint), ctl, Voice(announcer))
        .with_timing(Backoff::new(Duration::from_millis(200), Duration::from_secs(2)), Duration::from_millis(250));
    let display = tokio::spawn(driver.run());
    // A warm-up call, once the display is connected (calls already made when it loads its
    // snapshot are shown, not spoken): spoken, then finished.
    let (staff, desk, service) = &desks[0];
    staff.issue(&a.site, &IssueRequest { service: service.clone(), ..IssueRequest::default() }, None).await?;
    let warm = staff.call_next(desk).await?.context("a called ticket")?;
    let since = Instant::now();
    loop {
        if started.lock().unwrap_or_else(|p| p.into_inner()).iter().any(|(n, _)| *n == warm.number) {
            break;
        }
        if since.elapsed() > Duration::from_secs(10) {
            // Made before the display connected: call it again now.
            staff.act(warm.id.as_str(), "recall").await?;
        }
        anyhow::ensure!(since.elapsed() < Duration::from_secs(30), "the display never spoke the warm-up call");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    staff.act(warm.id.as_str(), "start").await?;
    staff.act(warm.id.as_str(), "finish").await?;
    tokio::time::sleep(speak * 3).await;
    let mut report = BurstReport { spoken: Vec::new(), unspoken: 0, newest_next: 0, rounds: a.rounds };
    for _ in 0..a.rounds {
        // Before the calls: the display hears of a call before the desk has its answer.
        let first_seen = started.lock().unwrap_or_else(|p| p.into_inner()).len();
        // At the same moment: one task per desk.
        let tasks: Vec<_> = desks
            .iter()
            .map(|(staff, desk, _)| {
                let (staff, desk) = (staff.clone(), desk.clone());
                tokio::spawn(async move {
                    let t = staff.call_next(&desk).await?.context("a called ticket")?;
                    anyhow::Ok((t, Instant::now()))
                })
            })
            .collect();
        let mut calls = Vec::with_capacity(tasks.len());
        for task in tasks {
            calls.push(task.await??);
        }
        // Each announcement is a chime and a sentence at most: wait for all, with room to spare.
        let limit = speak * (2 * calls.len() as u32 + 2) + Duration::from_secs(5);
        let since = Instant::now();
        loop {
            let done = {
                let s = started.lock().unwrap_or_else(|p| p.into_inner());
                calls.iter().all(|(t, _)| s[first_seen..].iter().any(|(n, _)| *n == t.number))
            };
            if done || since.elapsed() > limit {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let s = started.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let order: Vec<&str> = s[first_seen..].iter().map(|(n, _)| n.as_str()).collect();
        for (t, answered) in &calls {
            match s[first_seen..].iter().find(|(n, _)| *n == t.number) {
                Some((_, at)) => report.spoken.push(at.saturating_duration_since(*answered)),
                None => report.unspoken += 1,
            }
        }
        let newest = calls.iter().max_by_key(|(_, at)| *at).map(|(t, _)| t.number.as_str());
        if calls.len() < 2 || order.get(1).copied() == newest || order.first().copied() == newest {
            report.newest_next += 1;
        }
        for ((staff, _, _), (t, _)) in desks.iter().zip(&calls) {
            staff.act(t.id.as_str(), "start").await.ok();
            staff.act(t.id.as_str(), "finish").await.ok();
        }
    }
    display.abort();
    for (staff, desk, _) in &desks {
        staff.desk(desk, "close").await.ok();
    }
    Ok(report)
}

impl BurstReport {
    pub fn summary(&self) -> String {
        let mut s = self.spoken.clone();
        s.sort();
        let q = |q: f64| {
            s.get(((s.len().max(1) - 1) as f64 * q).round() as usize).copied().unwrap_or_default().as_secs_f64() * 1e3
        };
        format!(
            "{} rounds, {} calls spoken, {} not: call answered → spoken start p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; \
             the newest of the round spoken first or next in {} of {} rounds",
            self.rounds,
            s.len(),
            self.unspoken,
            q(0.5),
            q(0.99),
            q(1.0),
            self.newest_next,
            self.rounds
        )
    }
}
