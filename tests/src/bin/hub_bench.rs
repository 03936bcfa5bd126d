//! Hub ingest benchmark (issue 15): a throwaway PostgreSQL cluster, the hub in this process, SITES
//! enrolled origins pushing BATCHES batches of 500 events each through the client crate, all at
//! once; prints events stored per second and the push latency percentiles.
//!
//! `cargo run --release -p tests --bin hub-bench -- [SITES] [BATCHES]` (defaults 200, 10)

use queue_core::envelope::{Batch, ENVELOPE_VERSION, Envelope, SiteReport};
use queue_core::{Event, EventKind};
use std::time::Instant;

const BATCH: u64 = 500;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
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
    tokio::spawn(hub::serve(listener, hub::HubState { pool }, std::future::pending()));
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
