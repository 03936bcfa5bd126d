//! `bench`: starts a real queue server as a child process on loopback, drives it with
//! concurrent kiosks, and prints throughput and latency percentiles with baselines.
//!
//! `cargo run --release -p bench -- --quick` runs every scenario briefly.

use anyhow::{Context, bail};
use clap::Parser;
use hdrhistogram::Histogram;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(about = "Sportello load benchmark")]
struct Args {
    /// Short runs (a few seconds each).
    #[arg(long)]
    quick: bool,
    /// Concurrent kiosks issuing tickets.
    #[arg(long, default_value_t = 64)]
    kiosks: usize,
    /// Seconds per scenario (default 20, or 3 with --quick).
    #[arg(long)]
    seconds: Option<u64>,
    /// Where to write the JSON results.
    #[arg(long, default_value = "bench-results.json")]
    out: PathBuf,
}

const SITE: &str = "livorno-terreni";

fn main() -> std::process::ExitCode {
    // `bench serve …` is the server child process.
    if std::env::args().nth(1).as_deref() == Some("serve") {
        return queue_server::cli::main_with(std::env::args().skip(2));
    }
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench failed: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let args = Args::parse();
    let seconds = args.seconds.unwrap_or(if args.quick { 3 } else { 20 });
    let dir = tempfile::tempdir()?;
    let config = write_config(dir.path())?;
    let data = dir.path().join("data");
    let mut server = Server::spawn(&config, &data)?;
    println!("server ready in {} ms (pid {})", server.ready_ms, server.child.id());

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let mut results = Vec::new();
    rt.block_on(async {
        let services = open_services(&server.url).await?;
        let noop = load(&server.url, args.kiosks, Duration::from_secs(seconds), Route::Noop, &services).await?;
        results.push(noop.report("http no-op baseline (GET /api/v1/sites)", server.rss_kib()));
        let issue = load(&server.url, args.kiosks, Duration::from_secs(seconds), Route::Issue, &services).await?;
        results.push(issue.report(&format!("durable ticket issue, {} kiosks", args.kiosks), server.rss_kib()));
        anyhow::Ok(())
    })?;
    server.stop();
    let sqlite = sqlite_baseline(dir.path(), Duration::from_secs(seconds.min(5)))?;
    results.push(sqlite);

    println!(
        "\n{:<48} {:>10} {:>9} {:>9} {:>9} {:>9} {:>7} {:>9}",
        "scenario", "ops/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "RSS MiB"
    );
    for r in &results {
        println!(
            "{:<48} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>7} {:>9}",
            r["scenario"].as_str().unwrap_or(""),
            r["ops_per_s"].as_f64().unwrap_or(0.0),
            r["p50_ms"].as_f64().unwrap_or(0.0),
            r["p99_ms"].as_f64().unwrap_or(0.0),
            r["p999_ms"].as_f64().unwrap_or(0.0),
            r["max_ms"].as_f64().unwrap_or(0.0),
            r["errors"].as_u64().unwrap_or(0),
            r["rss_mib"].as_f64().map_or("-".into(), |v| format!("{v:.1}")),
        );
    }
    let issue = results[1]["ops_per_s"].as_f64().unwrap_or(0.0);
    println!(
        "\nratios: issue / http no-op = {:.3}; issue / raw sqlite FULL commits = {:.1}",
        issue / results[0]["ops_per_s"].as_f64().unwrap_or(1.0).max(1.0),
        issue / results[2]["ops_per_s"].as_f64().unwrap_or(1.0).max(1.0)
    );
    std::fs::write(&args.out, serde_json::to_string_pretty(&json!({"seconds": seconds, "results": results}))?)?;
    println!("wrote {}", args.out.display());
    Ok(())
}

/// The test configuration without the limits a load test would hit (rate limits, daily caps).
fn write_config(dir: &Path) -> anyhow::Result<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/config");
    let dst = dir.join("config");
    copy_dir(&src, &dst)?;
    for entry in std::fs::read_dir(dst.join("sites"))? {
        let path = entry?.path();
        let mut table: toml::Table = std::fs::read_to_string(&path)?.parse()?;
        let limits = table.entry("rate_limits").or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if let toml::Value::Table(t) = limits {
            t.insert("tickets_per_minute_per_kiosk".into(), toml::Value::Integer(100_000_000));
        }
        // No daily caps: every request of the run must be a ticket.
        if let Some(toml::Value::Array(services)) = table.get_mut("services") {
            for s in services.iter_mut().filter_map(toml::Value::as_table_mut) {
                s.remove("daily_cap");
            }
        }
        std::fs::write(&path, toml::to_string(&table)?)?;
    }
    Ok(dst)
}

fn copy_dir(src: &Path, dst: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dst)?;
    for entry in std::fs::read_dir(src)? {
        let entry = entry?;
        let to = dst.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &to)?;
        } else {
            std::fs::copy(entry.path(), to)?;
        }
    }
    Ok(())
}

struct Server {
    child: Child,
    url: String,
    ready_ms: u64,
}

impl Server {
    fn spawn(config: &Path, data: &Path) -> anyhow::Result<Server> {
        let mut child = Command::new(std::env::current_exe()?)
            .arg("serve")
            .arg("--config")
            .arg(config)
            .arg("--data")
            .arg(data)
            .args(["--listen", "127.0.0.1:0", "--demo"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start the server")?;
        let mut lines = BufReader::new(child.stdout.take().context("stdout")?).lines();
        let line = loop {
            let Some(line) = lines.next() else { bail!("the server exited before it was ready") };
            let line = line?;
            if line.contains("ready on ") {
                break line;
            }
        };
        std::thread::spawn(move || for _ in lines {});
        let url = line.split("ready on ").nth(1).and_then(|r| r.split_whitespace().next()).context("url")?.to_owned();
        let ready_ms = line
            .split(" in ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        Ok(Server { child, url, ready_ms })
    }

    fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn open_services(url: &str) -> anyhow::Result<Vec<String>> {
    let kiosk: serde_json::Value = reqwest::Client::new()
        .get(format!("{url}/api/v1/sites/{SITE}/kiosk"))
        .bearer_auth(queue_server::demo::demo_key("kiosk", SITE))
        .send()
        .await?
        .json()
        .await?;
    let services: Vec<String> = kiosk["services"]
        .as_array()
        .context("services")?
        .iter()
        .filter(|s| s["open"] == true)
        .filter_map(|s| s["id"].as_str().map(str::to_owned))
        .collect();
    if services.is_empty() {
        bail!("no open service at {SITE}");
    }
    Ok(services)
}

#[derive(Clone, Copy)]
enum Route {
    Noop,
    Issue,
}

struct Outcome {
    hist: Histogram<u64>,
    errors: u64,
    elapsed: Duration,
}

impl Outcome {
    fn report(&self, name: &str, rss_kib: Option<u64>) -> serde_json::Value {
        let ms = |q: f64| self.hist.value_at_quantile(q) as f64 / 1000.0;
        json!({
            "scenario": name,
            "ops": self.hist.len(),
            "ops_per_s": self.hist.len() as f64 / self.elapsed.as_secs_f64(),
            "p50_ms": ms(0.5), "p99_ms": ms(0.99), "p999_ms": ms(0.999),
            "max_ms": self.hist.max() as f64 / 1000.0,
            "errors": self.errors,
            "rss_mib": rss_kib.map(|k| k as f64 / 1024.0),
        })
    }
}

/// `workers` closed-loop clients for `duration`; latency in microseconds.
async fn load(
    url: &str,
    workers: usize,
    duration: Duration,
    route: Route,
    services: &[String],
) -> anyhow::Result<Outcome> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(workers).build()?;
    let key = queue_server::demo::demo_key("kiosk", SITE);
    let errors = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..workers {
        let (client, key, url, errors) = (client.clone(), key.clone(), url.to_owned(), errors.clone());
        let services = services.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new(3).expect("histogram");
            let mut i = 0usize;
            while start.elapsed() < duration {
                let sent = Instant::now();
                let ok = match route {
                    Route::Noop => {
                        client.get(format!("{url}/api/v1/sites")).send().await.map(|r| r.status().is_success())
                    }
                    Route::Issue => client
                        .post(format!("{url}/api/v1/sites/{SITE}/tickets"))
                        .bearer_auth(&key)
                        .header("Idempotency-Key", format!("bench-{w}-{i}"))
                        .json(&json!({"service": services[i % services.len()]}))
                        .send()
                        .await
                        .map(|r| r.status() == reqwest::StatusCode::CREATED),
                };
                let _ = hist.record(sent.elapsed().as_micros() as u64);
                if !matches!(ok, Ok(true)) {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                i += 1;
            }
            hist
        }));
    }
    let mut hist = Histogram::<u64>::new(3)?;
    for t in tasks {
        hist.add(t.await?)?;
    }
    Ok(Outcome { hist, errors: errors.load(Ordering::Relaxed), elapsed: start.elapsed() })
}

/// Raw SQLite, one `synchronous=FULL` commit per ticket-sized row: the durability floor.
fn sqlite_baseline(dir: &Path, duration: Duration) -> anyhow::Result<serde_json::Value> {
    let conn = rusqlite::Connection::open(dir.join("baseline.sqlite3"))?;
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))?;
    conn.execute_batch("PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT NOT NULL);")?;
    let row = "x".repeat(400);
    let mut hist = Histogram::<u64>::new(3)?;
    let start = Instant::now();
    while start.elapsed() < duration {
        let t = Instant::now();
        conn.execute("INSERT INTO t (data) VALUES (?1)", [&row])?;
        hist.record(t.elapsed().as_micros() as u64)?;
    }
    let elapsed = start.elapsed();
    Ok(Outcome { hist, errors: 0, elapsed }.report("raw sqlite, one FULL commit per row", None))
}
