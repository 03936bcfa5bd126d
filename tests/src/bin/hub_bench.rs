//! Hub ingest benchmark (issue 15): a throwaway PostgreSQL cluster, the hub in this process, SITES
//! enrolled origins pushing BATCHES batches of 500 events each through the client crate, all at
//! once; prints events stored per second and the push latency percentiles.
//!
//! `cargo run --release -p tests --bin hub-bench -- [SITES] [BATCHES]` (defaults 200, 10)
//!
//! `hub-bench stats [SITES] [TICKETS]` (defaults 50, 10,000,000): the statistics of a year. Loads
//! the roll-ups that TICKETS tickets over SITES sites and 2025 make (5 services; each day's row a
//! real fold of synthetic served tickets, `hub::fold_days`, written with `generate_series`; the
//! month rows their merge), then times `GET /hub/v1/stats` for the year and for a period that cuts
//! months (so it reads day rows too).

use queue_core::envelope::{Batch, ENVELOPE_VERSION, Envelope, SiteReport};
use queue_core::{Event, EventKind};
use std::time::Instant;

const BATCH: u64 = 500;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("stats") {
        return stats_bench(&args[2..]).await;
    }
    let sites: usize = args.get(1).map_or(Ok(200), |s| s.parse())?;
    let batches: u64 = args.get(2).map_or(Ok(10), |s| s.parse())?;
    let Some(pg) = testkit::postgres::require_durable_postgres("hub-bench") else { return Ok(()) };
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
    Ok(())
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

async fn stats_bench(args: &[String]) -> anyhow::Result<()> {
    let sites: i32 = args.first().map_or(Ok(50), |s| s.parse())?;
    let tickets: u64 = args.get(1).map_or(Ok(10_000_000), |s| s.parse())?;
    let per_cell = tickets / (sites as u64 * 365 * SERVICES.len() as u64);
    let Some(pg) = testkit::postgres::require_durable_postgres("hub-bench stats") else { return Ok(()) };
    let url = pg.create_database("bench").map_err(anyhow::Error::msg)?;
    let pool = hub::db::pool(&url)?;
    hub::db::migrate(&pool).await?;
    let viewer = hub::new_key("shv");
    hub::db::add_viewer(&pool, "bench", &hub::key_hash(&viewer), 0).await?;
    let tz = jiff::tz::TimeZone::get("Europe/Rome")?;
    let loading = Instant::now();
    let c = pool.get().await?;
    for svc in SERVICES {
        let folded = hub::fold_days(&day_events(svc, per_cell), &tz);
        let day = folded.into_values().next().expect("one cell");
        c.execute(
            "INSERT INTO stats_days (site, service, day, agg) \
             SELECT 's' || s, $1, d::date, $2::text::jsonb \
             FROM generate_series(1, $3::int4) s, generate_series('2025-01-01'::date, '2025-12-31'::date, '1 day') d",
            &[&svc, &serde_json::to_string(&day)?, &sites],
        )
        .await?;
        for m in 1..=12i8 {
            let first = jiff::civil::date(2025, m, 1);
            let mut month = queue_core::stats::Aggregate::default();
            for _ in 0..first.days_in_month() {
                month.merge(&day);
            }
            c.execute(
                "INSERT INTO stats_months (site, service, month, agg) \
                 SELECT 's' || s, $1, $2::text::date, $3::text::jsonb FROM generate_series(1, $4::int4) s",
                &[&svc, &first.to_string(), &serde_json::to_string(&month)?, &sites],
            )
            .await?;
        }
    }
    c.batch_execute(&format!(
        "INSERT INTO rolled_days SELECT 's' || s, d::date FROM generate_series(1, {sites}) s, \
             generate_series('2025-01-01'::date, '2025-12-31'::date, '1 day') d; \
         INSERT INTO rolled_months SELECT 's' || s, d::date FROM generate_series(1, {sites}) s, \
             generate_series('2025-01-01'::date, '2025-12-01'::date, '1 month') d; \
         ANALYZE;"
    ))
    .await?;
    let size: String = c
        .query_one(
            "SELECT pg_size_pretty(pg_total_relation_size('stats_days') + pg_total_relation_size('stats_months'))",
            &[],
        )
        .await?
        .get(0);
    println!(
        "loaded the roll-ups of {} tickets ({sites} sites × 5 services × 365 days × {per_cell}) in {:.1} s ({size})",
        per_cell * sites as u64 * 5 * 365,
        loading.elapsed().as_secs_f64()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(hub::serve_api(listener, hub::HubState::new(pool.clone()), std::future::pending()));
    let client = client::Client::new(&base).with_bearer(&viewer);
    for (from, to) in [("2025-01-01", "2025-12-31"), ("2025-01-01", "2025-12-31"), ("2025-01-15", "2025-12-15")] {
        let t = Instant::now();
        let s = client.hub_stats(from, to).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let issued: u64 = s["sites"].as_object().map_or(0, |o| o.values().filter_map(|v| v["issued"].as_u64()).sum());
        println!(
            "GET /hub/v1/stats {from}..{to}: {ms:.0} ms ({issued} tickets, {} cells)",
            s["cells"].as_array().map_or(0, Vec::len)
        );
    }
    Ok(())
}
