//! The regional hub's benchmarks (issue 15), each on a throwaway PostgreSQL cluster (fsync on) with
//! the hub in this process: `hub-ingest`, many origins pushing at once through the client crate
//! (events stored per second, push latencies); `hub-stats`, `GET /hub/v1/stats` over the roll-ups
//! of 10 M tickets, with where its time goes.

use queue_core::envelope::{Batch, ENVELOPE_VERSION, Envelope, SiteReport};
use queue_core::{Event, EventKind};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const BATCH: u64 = 500;

/// `hub-ingest`: `sites` origins pushing `batches` batches each, all at once.
pub async fn ingest(sites: usize, batches: u64) -> anyhow::Result<Value> {
    let Some(pg) = testkit::postgres::require_durable_postgres("bench hub-ingest") else { return Ok(Value::Null) };
    let url = pg.create_database("bench").map_err(anyhow::Error::msg)?;
    let pool = hub::db::pool(&url)?;
    hub::db::migrate(&pool).await?;
    let mut keys = Vec::new();
    for i in 0..sites {
        let key = hub::new_key("sph");
        hub::db::enrol(&pool, &format!("o{i}"), &[format!("s{i}")], &hub::key_hash(&key), 0).await?;
        keys.push(key);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(hub::serve(listener, hub::HubState::new(pool), std::future::pending()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, key) in keys.into_iter().enumerate() {
        let client = client::Client::new(&base).with_bearer(&key);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for b in 0..batches {
                let events = (1..=BATCH)
                    .map(|k| Envelope {
                        v: ENVELOPE_VERSION,
                        seq: b * BATCH + k,
                        event: Event {
                            at: jiff::Timestamp::from_second(1_800_000_000 + (b * BATCH + k) as i64).unwrap(),
                            site: format!("s{i}").as_str().into(),
                            actor: None,
                            kind: EventKind::DeskPaused { desk: "d1".into() },
                        },
                    })
                    .collect();
                let batch = Batch {
                    origin: format!("o{i}"),
                    report: SiteReport {
                        software: "bench".into(),
                        last: batches * BATCH,
                        oldest_unacked_ms: None,
                        ..Default::default()
                    },
                    events,
                    forgotten: vec![],
                };
                let t = Instant::now();
                let r = client.hub_push(&batch).await.expect("a push");
                latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(r.watermark, (b + 1) * BATCH);
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await?);
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    let pct = |p: f64| all[((all.len() as f64 - 1.0) * p) as usize];
    let total = sites as u64 * batches * BATCH;
    println!(
        "hub ingest: {sites} sites × {batches} batches × {BATCH} events = {total} events in {secs:.1} s = {:.0} events/s; \
         push p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        total as f64 / secs,
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    Ok(json!({"scenario": "hub ingest", "sites": sites, "batches": batches, "events": total,
        "events_per_s": total as f64 / secs, "push_p50_ms": pct(0.5), "push_p99_ms": pct(0.99), "push_max_ms": pct(1.0)}))
}

const SERVICES: [&str; 5] = ["anagrafe", "tributi", "sociale", "lavoro", "urp"];

/// `n` served tickets of `service` on 2025-01-01 with waits of 1 s to ~40 min.
fn day_events(service: &str, n: u64) -> Vec<Event> {
    use queue_core::model::{Priority, Status, Ticket};
    let base = jiff::Timestamp::from_second(1_735_722_000).unwrap(); // 2025-01-01 10:00 Rome
    let ev = |at: jiff::Timestamp, kind| Event { at, site: "s0".into(), actor: None, kind };
    let mut out = Vec::new();
    for k in 0..n {
        let id: queue_core::TicketId = format!("{service}-{k}").as_str().into();
        let issued = base + jiff::SignedDuration::from_secs(k as i64 * 30);
        let called = issued + jiff::SignedDuration::from_millis(1_000 + (k as i64 * 7_919_300) % 2_400_000);
        let ticket = Ticket {
            id: id.clone(),
            number: format!("A{k:03}"),
            seq: k as u32 + 1,
            day: jiff::civil::date(2025, 1, 1),
            site: "s0".into(),
            service: service.into(),
            status: Status::Waiting,
            priority: Priority::Standard,
            appointment_at: None,
            language: ["it", "en", "ar", "ro"][k as usize % 4].into(),
            party_size: 1 + (k % 3) as u32,
            needs: vec![],
            issued_at: issued,
            queued_at: issued,
            desk: None,
            staff: None,
            target: None,
            called_at: None,
            held_at: None,
            recalls: 0,
            estimated_wait_s: Some(600),
            target_wait_s: None,
            journey: vec![],
        };
        out.push(ev(issued, EventKind::TicketIssued { ticket: Box::new(ticket) }));
        out.push(ev(
            called,
            EventKind::TicketCalled {
                ticket: id.clone(),
                desk: format!("d{}", k % 4).as_str().into(),
                staff: format!("u{}", k % 6).as_str().into(),
                out_of_order: false,
            },
        ));
        out.push(ev(called + jiff::SignedDuration::from_secs(20), EventKind::TicketServing { ticket: id.clone() }));
        out.push(ev(
            called + jiff::SignedDuration::from_secs(120 + (k as i64 * 37) % 900),
            EventKind::TicketDone { ticket: id },
        ));
    }
    out
}

/// The periods `hub-stats` times, in this order: (name, from, to).
const PERIODS: [(&str, &str, &str); 3] = [
    ("the year, cold", "2025-01-01", "2025-12-31"),
    ("the year, warm", "2025-01-01", "2025-12-31"),
    ("two cut months", "2025-01-15", "2025-12-15"),
];

/// `hub-stats`: loads the roll-ups that `tickets` tickets over `sites` sites, 5 services and 2025
/// make (each day's row a real fold of synthetic served tickets, `hub::fold_days`; the month rows
/// their merge; the raw events are not loaded), times `GET /hub/v1/stats` for the year (cold and
/// warm) and for a period that cuts two months (so it reads day rows too), checks the tickets
/// counted, then shows where the time goes (each read, decoding, merging, summaries, the answer's
/// JSON); `explain` adds PostgreSQL's plans. Answers the results and what failed.
pub async fn stats(sites: i32, tickets: u64, explain: bool) -> anyhow::Result<(Vec<Value>, Vec<String>)> {
    anyhow::ensure!(sites > 0, "hub-stats needs at least one site");
    let per_cell = (tickets / (sites as u64 * 365 * SERVICES.len() as u64)).max(1);
    let Some(pg) = testkit::postgres::require_durable_postgres("bench hub-stats") else {
        return Ok((vec![], vec![]));
    };
    let url = pg.create_database("bench").map_err(anyhow::Error::msg)?;
    let pool = hub::db::pool(&url)?;
    hub::db::migrate(&pool).await?;
    let viewer = hub::new_key("shv");
    hub::db::add_viewer(&pool, "bench", &hub::key_hash(&viewer), 0).await?;
    let tz = jiff::tz::TimeZone::get("Europe/Rome")?;
    let year = (jiff::civil::date(2025, 1, 1), jiff::civil::date(2025, 12, 31));
    let loading = Instant::now();
    for svc in SERVICES {
        let folded = hub::fold_days(&day_events(svc, per_cell), &tz);
        let day = folded.into_values().next().expect("one cell");
        let months: Vec<_> = (1..=12i8)
            .map(|m| {
                let first = jiff::civil::date(2025, m, 1);
                let mut month = queue_core::stats::Aggregate::default();
                for _ in 0..first.days_in_month() {
                    month.merge(&day);
                }
                (first, month)
            })
            .collect();
        hub::db::seed_roll_ups(&pool, sites, svc, year, &day, &months).await?;
    }
    let size = hub::db::seed_rolled(&pool, sites, year).await?;
    let loaded = per_cell * sites as u64 * SERVICES.len() as u64 * 365;
    println!(
        "loaded the roll-ups of {loaded} tickets ({sites} sites × {} services × 365 days × {per_cell}) in {:.1} s ({size})",
        SERVICES.len(),
        loading.elapsed().as_secs_f64()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(hub::serve_api(listener, hub::HubState::new(pool.clone()), std::future::pending()));
    let client = client::Client::new(&base).with_bearer(&viewer);
    let (mut results, mut failures) = (Vec::new(), Vec::new());
    for (name, from, to) in PERIODS {
        let t = Instant::now();
        let s = client.hub_stats(from, to).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let issued: u64 = s["sites"].as_object().map_or(0, |o| o.values().filter_map(|v| v["issued"].as_u64()).sum());
        let days = from.parse::<jiff::civil::Date>()?.until(to.parse::<jiff::civil::Date>()?)?.get_days() as u64 + 1;
        let expected = per_cell * sites as u64 * SERVICES.len() as u64 * days;
        let cells = s["cells"].as_array().map_or(0, Vec::len);
        println!("GET /hub/v1/stats {from}..{to} ({name}): {ms:.0} ms ({issued} tickets, {cells} cells)");
        if issued != expected {
            failures.push(format!("hub-stats {from}..{to}: {issued} tickets counted, {expected} loaded"));
        }
        results.push(json!({"scenario": format!("hub stats, {name}"), "from": from, "to": to, "ms": ms,
            "tickets": issued, "cells": cells}));
    }
    for (_, from, to) in &PERIODS[1..] {
        let (from, to) = (from.parse()?, to.parse()?);
        let pieces = pieces(&pool, from, to, &tz).await?;
        println!("  where the time goes, {from}..{to} (warm, in process):\n{}", pieces.0);
        results.push(json!({"scenario": format!("hub stats pieces, {from}..{to}"), "ms": pieces.1}));
        if explain {
            for (read, plan) in hub::db::explain_stats(&pool, from, to).await? {
                println!("  plan of the {read} read:\n    {}", plan.replace('\n', "\n    "));
            }
        }
    }
    Ok((results, failures))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One `stats_parts` and `cross_site` as the route runs them, timed piece by piece: the lines to
/// print and the figures (ms).
async fn pieces(
    pool: &hub::db::Pool,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
    tz: &jiff::tz::TimeZone,
) -> anyhow::Result<(String, Value)> {
    let t = Instant::now();
    let (parts, times) = hub::db::stats_parts_timed(pool, from, to).await?;
    let read = t.elapsed();
    let mut lines = Vec::new();
    let mut figures = serde_json::Map::new();
    for (name, r) in [("months", &times.months), ("days", &times.days), ("events", &times.events)] {
        lines.push(format!(
            "    {name} read: {} rows, {:.1} MB stored text; rows in {:.0} ms, decoded in {:.0} ms",
            r.rows,
            r.bytes as f64 / 1e6,
            ms(r.query),
            ms(r.decode)
        ));
        figures.insert(format!("{name}_rows"), r.rows.into());
        figures.insert(format!("{name}_query_ms"), ms(r.query).into());
        figures.insert(format!("{name}_decode_ms"), ms(r.decode).into());
    }
    // The merge into (site, service, month) cells and their summaries, as `cross_site` makes them.
    let t = Instant::now();
    let mut cells: std::collections::BTreeMap<(&str, &str, (i16, i8)), queue_core::stats::Aggregate> =
        Default::default();
    for (site, service, day, agg) in parts.months.iter().chain(&parts.days) {
        cells.entry((site, service, (day.year(), day.month()))).or_default().merge(agg);
    }
    let merge = t.elapsed();
    let t = Instant::now();
    let summaries: Vec<_> = cells.values().map(|a| a.summary()).collect();
    let summary = t.elapsed();
    drop((summaries, cells));
    let t = Instant::now();
    let answer = hub::cross_site(parts, tz);
    let cross = t.elapsed();
    let t = Instant::now();
    let body = serde_json::to_vec(&answer)?;
    let json = t.elapsed();
    lines.push(format!(
        "    stats_parts {:.0} ms in all; the merge {:.0} ms and the summaries {:.0} ms (cross_site, with \
         the per-site totals: {:.0} ms); the answer's JSON {:.0} ms ({:.1} MB)",
        ms(read),
        ms(merge),
        ms(summary),
        ms(cross),
        ms(json),
        body.len() as f64 / 1e6
    ));
    for (k, v) in [
        ("stats_parts_ms", read),
        ("merge_ms", merge),
        ("summary_ms", summary),
        ("cross_site_ms", cross),
        ("json_ms", json),
    ] {
        figures.insert(k.into(), ms(v).into());
    }
    Ok((lines.join("\n"), Value::Object(figures)))
}
