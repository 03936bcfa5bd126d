//! Load drivers. Open loop: every lane (a kiosk, a desk) has its own schedule of intended send
//! times at the target rate, and each latency is measured from the intended time, so a server that
//! stalls is charged for every request it delayed (no coordinated omission). Closed loop: as fast as
//! the answers come, for capacity figures and baselines.
//!
//! Requests are built by the client crate (`Client::request`: URL, bearer, time limit) and sent
//! with reqwest's own `send()`: on the hot path the bench looks at the status only and never reads
//! a body it does not need, as before the client crate existed. The live stream is the client's
//! `EventStream`; the called number is found in the raw data without a JSON parse (2,000
//! subscribers share the load generator's cores with the server).

use crate::server::SITE;
use anyhow::Context;
use client::{Client, Method, StatusCode};
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::time::Instant;

pub struct Outcome {
    pub hist: Histogram<u64>,
    pub errors: u64,
    pub elapsed: Duration,
    /// Extra figures for the report.
    pub extra: Value,
}

impl Outcome {
    pub fn report(&self, name: &str, rss_kib: Option<u64>) -> Value {
        let ms = |q: f64| self.hist.value_at_quantile(q) as f64 / 1000.0;
        json!({
            "scenario": name,
            "ops": self.hist.len(),
            "ops_per_s": self.hist.len() as f64 / self.elapsed.as_secs_f64(),
            "p50_ms": ms(0.5), "p99_ms": ms(0.99), "p999_ms": ms(0.999),
            "max_ms": self.hist.max() as f64 / 1000.0,
            "errors": self.errors,
            "rss_mib": rss_kib.map(|k| k as f64 / 1024.0),
            "extra": self.extra,
        })
    }
}

fn hist() -> Histogram<u64> {
    Histogram::<u64>::new_with_bounds(1, 600_000_000, 3).expect("histogram bounds")
}

fn client(url: &str, conns: usize) -> Client {
    Client::builder(url).pool_max_idle_per_host(conns).timeout(Duration::from_secs(30)).build().expect("http client")
}

/// What one request of a lane does; true when it succeeded.
#[derive(Clone)]
pub enum Op {
    /// `GET /api/v1/sites`: the HTTP stack with nothing behind it.
    Noop,
    /// A kiosk issues a ticket (durable) for one of `services`.
    Issue { key: String, services: Arc<Vec<String>> },
}

/// Runs of the load generator so far: part of every `Idempotency-Key`, so no run repeats an earlier
/// run's keys (the server would answer those from its idempotency records without issuing).
static RUN: AtomicU64 = AtomicU64::new(0);

async fn once(http: &Client, op: &Op, run: u64, lane: usize, i: u64) -> bool {
    match op {
        Op::Noop => http.request(Method::GET, "/api/v1/sites").send().await.is_ok_and(|r| r.status().is_success()),
        Op::Issue { key, services } => http
            .request(Method::POST, &format!("/api/v1/sites/{SITE}/tickets"))
            .bearer_auth(key)
            .header("Idempotency-Key", format!("bench-{}-{run}-{lane}-{i}", std::process::id()))
            .json(&json!({"service": services[(lane + i as usize) % services.len()]}))
            .send()
            .await
            // 201, not 200: a replayed key would answer with the stored ticket.
            .is_ok_and(|r| r.status() == StatusCode::CREATED),
    }
}

/// `lanes` sequential clients sharing `rate` requests/s for `duration` (open loop), or as fast as
/// they can when `rate` is None (closed loop).
pub async fn run(url: &str, lanes: usize, rate: Option<f64>, duration: Duration, op: Op) -> Outcome {
    let http = client(url, lanes);
    let run = RUN.fetch_add(1, Ordering::Relaxed);
    let errors = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let end = start + duration;
    let mut tasks = Vec::new();
    for lane in 0..lanes {
        let (http, op, errors) = (http.clone(), op.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut h = hist();
            let mut i = 0u64;
            loop {
                let intended = match rate {
                    Some(r) => start + Duration::from_secs_f64((i as f64 * lanes as f64 + lane as f64) / r),
                    None => Instant::now(),
                };
                if intended >= end {
                    break;
                }
                tokio::time::sleep_until(intended).await;
                if !once(&http, &op, run, lane, i).await {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                let _ = h.record(intended.elapsed().as_micros().max(1) as u64);
                i += 1;
            }
            h
        }));
    }
    let mut h = hist();
    for t in tasks {
        h.add(t.await.expect("lane")).expect("same bounds");
    }
    Outcome { hist: h, errors: errors.load(Ordering::Relaxed), elapsed: start.elapsed(), extra: Value::Null }
}

/// Fill the queue with `n` tickets as fast as 64 kiosks can (closed loop).
pub async fn prefill(url: &str, key: &str, services: Arc<Vec<String>>, n: u64) -> anyhow::Result<()> {
    let http = client(url, 64);
    let run = RUN.fetch_add(1, Ordering::Relaxed);
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for lane in 0..64 {
        let (http, key, services, next) = (http.clone(), key.to_owned(), services.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let op = Op::Issue { key, services };
            while next.fetch_add(1, Ordering::Relaxed) < n {
                let i = next.load(Ordering::Relaxed);
                if !once(&http, &op, run, lane, i).await {
                    anyhow::bail!("pre-filling the queue failed");
                }
            }
            Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(())
}

/// The writer's commits so far and the commands they held (from `/metrics`).
pub async fn commits(url: &str) -> anyhow::Result<(f64, f64)> {
    let metrics = Client::new(url);
    let text = metrics.exchange(metrics.request(Method::GET, "/metrics")).await?.body;
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse::<f64>().ok()))
            .ok_or_else(|| anyhow::anyhow!("{name} is not in /metrics"))
    };
    Ok((value("sportello_commit_batches_total ")?, value("sportello_commit_batch_size_sum ")?))
}

/// `desks` desks (bench-1 …, one staff bearer token each) open, then each calls next at its share of
/// `rate`, starts and finishes the ticket, as a real desk does. The histogram is call-next's latency
/// from its intended time; `extra` has start/finish figures and empty answers.
pub async fn desks(url: &str, tokens: &[String], rate: f64, duration: Duration) -> anyhow::Result<Outcome> {
    let lanes = tokens.len();
    let run = RUN.fetch_add(1, Ordering::Relaxed);
    let http = client(url, lanes);
    for (i, token) in tokens.iter().enumerate() {
        http.clone().with_bearer(token).desk(&format!("bench-{}", i + 1), "open").await?;
    }
    let errors = Arc::new(AtomicU64::new(0));
    let empty = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let end = start + duration;
    let mut tasks = Vec::new();
    for (lane, token) in tokens.iter().enumerate() {
        let (http, token, errors, empty) = (http.clone(), token.clone(), errors.clone(), empty.clone());
        tasks.push(tokio::spawn(async move {
            let (mut calls, mut acts) = (hist(), hist());
            let desk = format!("bench-{}", lane + 1);
            let mut i = 0u64;
            loop {
                let intended = start + Duration::from_secs_f64((i as f64 * lanes as f64 + lane as f64) / rate);
                if intended >= end {
                    break;
                }
                tokio::time::sleep_until(intended).await;
                i += 1;
                let r = http
                    .request(Method::POST, &format!("/api/v1/desks/{desk}/call-next"))
                    .bearer_auth(&token)
                    .header("Idempotency-Key", format!("{desk}-{}-{run}-{i}", std::process::id()))
                    .send()
                    .await;
                let _ = calls.record(intended.elapsed().as_micros().max(1) as u64);
                let ticket = match r {
                    Ok(r) if r.status() == StatusCode::OK => {
                        r.json::<Value>().await.ok().and_then(|v| v["id"].as_str().map(str::to_owned))
                    }
                    Ok(r) if r.status() == StatusCode::NO_CONTENT => {
                        empty.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    _ => None,
                };
                let Some(ticket) = ticket else {
                    errors.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                for action in ["start", "finish"] {
                    let t = Instant::now();
                    let ok = http
                        .request(Method::POST, &format!("/api/v1/tickets/{ticket}/{action}"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success());
                    let _ = acts.record(t.elapsed().as_micros().max(1) as u64);
                    if !ok {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            (calls, acts)
        }));
    }
    let (mut calls, mut acts) = (hist(), hist());
    for t in tasks {
        let (c, a) = t.await?;
        calls.add(c)?;
        acts.add(a)?;
    }
    let elapsed = start.elapsed();
    let extra = json!({
        "empty_answers": empty.load(Ordering::Relaxed),
        "start_finish_p99_ms": acts.value_at_quantile(0.99) as f64 / 1000.0,
        "start_finish_per_s": acts.len() as f64 / elapsed.as_secs_f64(),
    });
    Ok(Outcome { hist: calls, errors: errors.load(Ordering::Relaxed), elapsed, extra })
}

/// `subscribers` display streams on the site; one desk calls `calls_per_s` tickets for `duration`.
/// The histogram is, for every subscriber and every call, the time from sending the call-next
/// request to that subscriber reading the `ticket.called` event. Missing deliveries are errors.
pub async fn fanout(
    url: &str,
    display_key: &str,
    token: &str,
    subscribers: usize,
    calls_per_s: f64,
    duration: Duration,
    rss: impl Fn() -> Option<u64>,
) -> anyhow::Result<(Outcome, Option<u64>)> {
    let connected = Arc::new(AtomicU64::new(0));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut subs = Vec::new();
    for _ in 0..subscribers {
        let (url, key, connected, mut stop) =
            (url.to_owned(), display_key.to_owned(), connected.clone(), stop_rx.clone());
        subs.push(tokio::spawn(async move {
            // One connection each, like separate TVs. Arrival time of every call, by ticket number.
            let mut seen: Vec<(String, Instant)> = Vec::new();
            let Ok(mut stream) = Client::new(&url).with_bearer(&key).events(SITE, None).await else { return seen };
            connected.fetch_add(1, Ordering::Relaxed);
            loop {
                let chunk = tokio::select! {
                    c = stream.next_chunk() => c,
                    _ = stop.changed() => break,
                };
                let Some(Ok(messages)) = chunk else { break };
                let now = Instant::now();
                for m in messages.iter().filter(|m| m.event == "ticket.called") {
                    if let Some(n) = m.data.split("\"number\":\"").nth(1).and_then(|r| r.split('"').next()) {
                        seen.push((n.to_owned(), now));
                    }
                }
            }
            seen
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while connected.load(Ordering::Relaxed) < subscribers as u64 {
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {} of {subscribers} subscribers connected",
            connected.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let rss_connected = rss();

    let http = client(url, 1).with_bearer(token);
    http.desk("bench-1", "open").await.context("opening the caller's desk")?;
    let mut sent: HashMap<String, Instant> = HashMap::new();
    let start = Instant::now();
    let mut calls = 0u64;
    let mut errors = 0u64;
    while start.elapsed() < duration {
        let intended = start + Duration::from_secs_f64(calls as f64 / calls_per_s);
        tokio::time::sleep_until(intended).await;
        let at = Instant::now();
        let r = http.request(Method::POST, "/api/v1/desks/bench-1/call-next").send().await?;
        if r.status() != StatusCode::OK {
            errors += 1;
            continue;
        }
        let v: Value = r.json().await?;
        let (Some(number), Some(id)) = (v["number"].as_str(), v["id"].as_str()) else {
            errors += 1;
            continue;
        };
        sent.insert(number.to_owned(), at);
        calls += 1;
        for action in ["start", "finish"] {
            http.request(Method::POST, &format!("/api/v1/tickets/{id}/{action}")).send().await?;
        }
    }
    // Let the last events arrive, then hang up.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_after = rss();
    let _ = stop_tx.send(true);
    let mut h = hist();
    let mut short = 0u64;
    for s in subs {
        let seen = s.await?;
        let mut got = 0u64;
        for (number, arrived) in seen {
            if let Some(at) = sent.get(&number) {
                h.record(arrived.duration_since(*at).as_micros().max(1) as u64)?;
                got += 1;
            }
        }
        short += calls.saturating_sub(got);
    }
    let extra = json!({
        "subscribers": subscribers, "calls": calls, "missed_deliveries": short,
        "rss_mib_connected": rss_connected.map(|k| k as f64 / 1024.0),
    });
    Ok((Outcome { hist: h, errors: errors + short, elapsed: start.elapsed(), extra }, rss_after))
}
