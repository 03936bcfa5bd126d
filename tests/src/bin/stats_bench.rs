//! Statistics benchmark (issue #6): a realistic multi-year history of the test configuration's
//! sites, made by the simulator's history generator through the real engine (`sim::generate`:
//! arrivals by weekday and hour, priorities, transfers, holds, recalls, no-shows, cancellations)
//! and written into a fresh SQLite file, then starts the server on it and times every statistics
//! request over a day, a month and a year.
//!
//! `cargo run --release -p tests --bin stats-bench -- TICKETS [YEARS] [DATA_DIR]`

use jiff::Timestamp;
use jiff::civil::Date;
use std::time::Instant;
use tests::{Client, test_config_dir};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let total: u64 = args.get(1).map_or(Ok(1_000_000), |s| s.parse())?;
    let years: i16 = args.get(2).map_or(Ok(3), |s| s.parse())?;
    let keep = args.get(3).cloned();
    let data = tempfile::tempdir()?;
    let dir = keep.map(std::path::PathBuf::from).unwrap_or_else(|| data.path().to_owned());
    std::fs::create_dir_all(&dir)?;
    let cfg = config::load(&test_config_dir()).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let db_path = queue_server::tools::database_path(&dir);
    let last_day: Date = "2026-10-31".parse()?;
    let first_day = last_day.saturating_sub(jiff::Span::new().years(years));

    if !db_path.exists() {
        let t0 = Instant::now();
        let mut seed = queue_server::tools::HistorySeed::open(&dir)?;
        // Every site of the test configuration, Monday to Friday, through the real engine.
        let rules = cfg.rules();
        let sites: Vec<_> = cfg.sites.iter().map(|s| s.id.clone()).collect();
        let (open_days, specs) = sim::history::spread(&sites, total, first_day, last_day, 0x5eed_1234_abcd);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (mut n, mut events, mut writing) = (0u64, 0u64, 0.0);
        sim::generate(&rules, &specs, &open_days, threads, |_, h| -> anyhow::Result<()> {
            n += h.tickets.len() as u64;
            events += h.events.len() as u64;
            let t = Instant::now();
            seed.write(&h.tickets, &h.events)?;
            writing += t.elapsed().as_secs_f64();
            Ok(())
        })?;
        let secs = t0.elapsed().as_secs_f64();
        eprintln!(
            "generated {n} tickets ({events} events) over {years} years ({first_day} – {last_day}) through the engine \
             on {threads} threads and wrote them in {secs:.1} s ({:.0} tickets/s; {writing:.1} s of it writing SQLite)",
            n as f64 / secs
        );
        // What the server's housekeeper does for every past day, done here once so the figures
        // below measure the steady state.
        let t0 = Instant::now();
        let days = seed.roll_up(&cfg, Timestamp::now())?;
        drop(seed);
        eprintln!("rolled up {days} site-days in {:.1?}", t0.elapsed());
    }
    let size = std::fs::metadata(&db_path)?.len();

    let t0 = Instant::now();
    let mut opts = queue_server::Options::new(test_config_dir(), &dir);
    opts.demo = true;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let running = queue_server::Running::start(opts, listener).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("database {:.0} MB; server start-up {:.0?}", size as f64 / 1e6, t0.elapsed());
    let c = Client::new(&running.url());
    let (_, login) =
        c.post("/api/v1/session", serde_json::json!({"username": "responsabile", "password": tests::PASSWORD})).await;
    let c = c.with_bearer(login["token"].as_str().unwrap_or_default());
    let site = tests::LIVORNO;
    let windows = [
        ("day", "2026-10-14", "2026-10-14"),
        ("month", "2026-10-01", "2026-10-31"),
        ("year", "2025-11-01", "2026-10-31"),
    ];
    // The housekeeper's first pass (nothing to do: all rolled up above) is over before timing.
    running.housekeeping_pass().await?;
    println!("{:<10} {:<8} {:>9} {:>10}", "route", "window", "tickets", "ms");
    for (name, from, to) in windows {
        let q = format!("site={site}&from={from}&to={to}");
        let routes = [
            ("summary", format!("/api/v1/stats/summary?{q}")),
            ("breakdown", format!("/api/v1/stats/breakdown?{q}")),
            ("csv mix", format!("/api/v1/stats/export.csv?table=mix&{q}")),
            ("staff", format!("/api/v1/stats/staff?{q}")),
            ("queue", format!("/api/v1/stats/queue-length?{q}")),
        ];
        let mut issued = 0;
        for (route, path) in routes {
            let t = Instant::now();
            let r = c.request(client::Method::GET, &path).send().await?;
            let status = r.status();
            let body = r.text().await?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if route == "summary" {
                issued = serde_json::from_str::<serde_json::Value>(&body)?["issued"].as_u64().unwrap_or(0);
            }
            println!("{route:<10} {name:<8} {issued:>9} {ms:>10.1}  {status}");
        }
    }
    let t = Instant::now();
    let path = format!("/api/v1/stats/export.csv?table=tickets&site={site}&from=2026-10-01&to=2026-10-31");
    let (st, _) = c.get(&path).await;
    println!("{:<10} {:<8} {:>9} {:>10.1}  {st}", "csv ticket", "month", "", t.elapsed().as_secs_f64() * 1000.0);
    let t = Instant::now();
    let (st, _) = c.get(&format!("/api/v1/stats/funder?site={site}&month=2026-10")).await;
    println!("{:<10} {:<8} {:>9} {:>10.1}  {st}", "funder", "month", "", t.elapsed().as_secs_f64() * 1000.0);
    running.stop().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
