//! `bench`: starts the real queue server as a child process on loopback and drives it: kiosks
//! issuing, desks calling next, displays on the live stream; prints a table with baselines and
//! writes JSON. Targets are in DESIGN.md ("Performance targets"); README "Performance" has figures.
//!
//! `cargo run --release -p bench -- --quick` runs every scenario briefly (under a minute).
//! `… -- hub-ingest [SITES] [BATCHES]` and `… -- hub-stats [SITES] [TICKETS]` are the regional
//! hub's benchmarks (`region.rs`), on a throwaway PostgreSQL.

mod drive;
mod hub;
mod region;
mod server;

use clap::Parser;
use drive::Op;
use serde_json::{Value, json};
use server::{SITE, Server};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(about = "Sportello load benchmark")]
struct Args {
    /// A hub benchmark instead of the site server's scenarios.
    #[command(subcommand)]
    hub: Option<HubBench>,
    /// Short runs (3 s a scenario, 500 subscribers): a smoke run that fails only on errors.
    #[arg(long)]
    quick: bool,
    /// Seconds per scenario (default 15, or 3 with --quick).
    #[arg(long)]
    seconds: Option<u64>,
    /// Concurrent kiosks issuing tickets.
    #[arg(long, default_value_t = 64)]
    kiosks: usize,
    /// Target rate of the open-loop issue scenario (tickets/s).
    #[arg(long, default_value_t = 5000.0)]
    issue_rate: f64,
    /// Desks calling next.
    #[arg(long, default_value_t = 200)]
    desks: usize,
    /// Target rate of the open-loop call-next scenario (calls/s, shared by the desks).
    #[arg(long, default_value_t = 5000.0)]
    call_rate: f64,
    /// Display subscribers on the live stream (default 2,000, or 500 with --quick).
    #[arg(long)]
    subscribers: Option<usize>,
    /// Calls per second made while the subscribers listen.
    #[arg(long, default_value_t = 20.0)]
    fanout_calls: f64,
    /// Also measure issue and call-next with this many finished tickets already stored (e.g.
    /// 10000000), against the same with 10,000.
    #[arg(long)]
    history: Option<u64>,
    /// Run only these scenarios (comma-separated: issue, call-next, relay, fanout, sqlite); all by
    /// default. `relay` is issue and call-next again with the relay pushing every event to a hub.
    /// `issue` is the no-op baseline, issue capacity and issue at the target rate.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Where to write the JSON results.
    #[arg(long, global = true, default_value = "bench-results.json")]
    out: PathBuf,
}

/// The regional hub's benchmarks, each on a throwaway PostgreSQL cluster (fsync on).
#[derive(clap::Subcommand, Debug)]
enum HubBench {
    /// SITES enrolled origins pushing BATCHES batches of 500 events each, all at once: events
    /// stored per second, push latencies.
    HubIngest {
        #[arg(default_value_t = 200)]
        sites: usize,
        #[arg(default_value_t = 10)]
        batches: u64,
    },
    /// `GET /hub/v1/stats` over the roll-ups TICKETS tickets make over SITES sites, 5 services and
    /// 2025: the year cold and warm, a period cutting two months, and where the time goes.
    HubStats {
        #[arg(default_value_t = 50)]
        sites: i32,
        #[arg(default_value_t = 10_000_000)]
        tickets: u64,
        /// Also print PostgreSQL's plans of the reads (`EXPLAIN ANALYZE`).
        #[arg(long)]
        explain: bool,
    },
}

fn main() -> std::process::ExitCode {
    // `bench serve …` is the server child process.
    if std::env::args().nth(1).as_deref() == Some("serve") {
        return queue_server::cli::main_with(std::env::args().skip(2));
    }
    match run() {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(e) => {
            eprintln!("bench failed: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

struct Ctx {
    args: Args,
    /// Inside the relay scenario: issue and call-next run whatever `--only` says.
    forced: bool,
    seconds: Duration,
    results: Vec<Value>,
    failures: Vec<String>,
}

impl Ctx {
    fn wants(&self, scenario: &str) -> bool {
        self.forced || self.args.only.is_empty() || self.args.only.iter().any(|s| s == scenario)
    }

    fn push(&mut self, r: Value) {
        let name = r["scenario"].as_str().unwrap_or_default().to_owned();
        println!(
            "  {name}: {:.0}/s, p99 {:.2} ms, errors {}",
            r["ops_per_s"].as_f64().unwrap_or(0.0),
            r["p99_ms"].as_f64().unwrap_or(0.0),
            r["errors"]
        );
        if r["errors"].as_u64().unwrap_or(0) > 0 {
            self.failures.push(format!("{name}: {} errors", r["errors"]));
        }
        self.results.push(r);
    }
}

fn run() -> anyhow::Result<bool> {
    let args = Args::parse();
    if let Some(hub) = &args.hub {
        return run_hub(hub, &args.out);
    }
    let seconds = Duration::from_secs(args.seconds.unwrap_or(if args.quick { 3 } else { 15 }));
    let subscribers = args.subscribers.unwrap_or(if args.quick { 500 } else { 2000 });
    let mut ctx = Ctx { args, forced: false, seconds, results: Vec::new(), failures: Vec::new() };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let dir = tempfile::tempdir()?;
    let config = server::write_config(dir.path(), ctx.args.desks)?;

    // 1. Throughput and latency: issue, then call-next at the desks, on one server.
    let mut ready = f64::NAN;
    if ctx.wants("issue") || ctx.wants("call-next") {
        println!("== issue and call-next ({} s a scenario)", seconds.as_secs());
        let data = dir.path().join("data");
        let tokens = server::seed_staff(&data, ctx.args.desks)?;
        let mut srv = Server::spawn(&config, &data)?;
        ready = srv.ready_ms;
        println!("  server ready in {ready:.0} ms (spawn to ready line)");
        rt.block_on(throughput(&mut ctx, &mut srv, &tokens, "", false))?;
        srv.stop();
        let (twice, called) = server::called_twice(&data)?;
        println!("  from the database: {called} tickets called, {twice} of them more than once");
        if twice > 0 {
            ctx.failures.push(format!("{twice} tickets were called twice"));
        }
    }

    // 1b. The same with the site's relay pushing every event to a hub (a loopback one that only
    // acknowledges): what the outbox drained as it fills costs the site. Every event must arrive.
    if ctx.wants("relay") {
        println!("== issue and call-next with the relay on (pushing to a loopback hub)");
        let (hub_url, acks) = rt.block_on(hub::start())?;
        let config = server::write_config(&dir.path().join("relay"), ctx.args.desks)?;
        let global = config.join("sportello.toml");
        let text = std::fs::read_to_string(&global)?;
        std::fs::write(
            &global,
            format!("{text}\n[hub]\nurl = \"{hub_url}\"\norigin = \"bench\"\nkey = \"sph_bench_0123456789abcdef\"\n"),
        )?;
        let data = dir.path().join("data-relay");
        let tokens = server::seed_staff(&data, ctx.args.desks)?;
        let mut srv = Server::spawn(&config, &data)?;
        ctx.forced = true;
        let run = rt.block_on(throughput(&mut ctx, &mut srv, &tokens, ", relay on", false));
        ctx.forced = false;
        run?;
        // The relay catches up within seconds of the load ending.
        let t = Instant::now();
        let last = loop {
            let o = queue_server::tools::outbox(&data)?;
            if acks.watermark() >= o.last || t.elapsed() > Duration::from_secs(60) {
                break o.last;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        srv.stop();
        let (pushes, events) = (acks.pushes.load(Ordering::Relaxed), acks.events.load(Ordering::Relaxed));
        println!(
            "  relay: {events} events in {pushes} pushes, hub watermark {} of {last}, caught up {:.1} s after the load",
            acks.watermark(),
            t.elapsed().as_secs_f64()
        );
        ctx.results.push(json!({"scenario": "relay catch-up", "events": events, "pushes": pushes,
            "watermark": acks.watermark(), "last": last, "catch_up_s": t.elapsed().as_secs_f64()}));
        if acks.watermark() < last {
            ctx.failures
                .push(format!("relay: the hub has {} of {last} events a minute after the load", acks.watermark()));
        }
    }

    // 2. Fan-out and footprint on a fresh server.
    if ctx.wants("fanout") {
        println!("== live fan-out to {subscribers} subscribers");
        let data2 = dir.path().join("data-fanout");
        let tokens2 = server::seed_staff(&data2, 1)?;
        let srv = Server::spawn(&config, &data2)?;
        let idle = srv.rss_kib();
        rt.block_on(async {
            let key = queue_server::demo::demo_key("kiosk", SITE);
            let services = Arc::new(open_services(&srv.url).await?);
            let n = (ctx.args.fanout_calls * seconds.as_secs_f64() * 1.2) as u64 + 10;
            drive::prefill(&srv.url, &key, services, n).await?;
            let display = queue_server::demo::demo_key("display", SITE);
            let (out, rss_after) =
                drive::fanout(&srv.url, &display, &tokens2[0], subscribers, ctx.args.fanout_calls, seconds, || {
                    srv.rss_kib()
                })
                .await?;
            let mut r = out.report(&format!("call seen by each of {subscribers} subscribers"), rss_after);
            r["extra"]["rss_mib_idle"] = json!(idle.map(|k| k as f64 / 1024.0));
            ctx.push(r);
            anyhow::Ok(())
        })?;
        drop(srv);
    }

    // 3. Cost as history grows.
    if let Some(n) = ctx.args.history {
        for stored in [10_000, n] {
            println!("== with {stored} finished tickets stored");
            let data = dir.path().join(format!("data-history-{stored}"));
            let tokens = server::seed_staff(&data, ctx.args.desks)?;
            let t = Instant::now();
            server::seed_history(&data, &config, stored)?;
            println!("  seeded in {:.0} s", t.elapsed().as_secs_f64());
            let mut srv = Server::spawn(&config, &data)?;
            println!("  server ready in {:.0} ms", srv.ready_ms);
            ctx.results.push(json!({"scenario": format!("ready with {stored} stored"), "ready_ms": srv.ready_ms}));
            rt.block_on(throughput(&mut ctx, &mut srv, &tokens, &format!(", {stored} stored"), true))?;
        }
    }

    // 4. The durability floor on this disk.
    if ctx.wants("sqlite") {
        let sqlite = sqlite_baseline(dir.path(), seconds.min(Duration::from_secs(5)))?;
        ctx.push(sqlite);
    }

    print_table(&ctx.results, ready);
    let by = |prefix: &str| {
        ctx.results
            .iter()
            .find(|r| r["scenario"].as_str().is_some_and(|s| s.starts_with(prefix)))
            .and_then(|r| r["ops_per_s"].as_f64())
            .unwrap_or(f64::NAN)
    };
    let (noop, issue, sqlite) = (by("http no-op"), by("issue capacity"), by("raw sqlite"));
    println!(
        "\nratios: issue capacity / http no-op = {:.3}; issue capacity / raw sqlite FULL commits = {:.1}",
        issue / noop,
        issue / sqlite
    );
    std::fs::write(
        &ctx.args.out,
        serde_json::to_string_pretty(&json!({
            "seconds": seconds.as_secs(), "ready_ms": ready, "results": ctx.results, "failures": ctx.failures,
            "machine": {"cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)},
        }))?,
    )?;
    println!("wrote {}", ctx.args.out.display());
    if ctx.failures.is_empty() {
        Ok(true)
    } else {
        eprintln!("FAILED: {}", ctx.failures.join("; "));
        Ok(false)
    }
}

fn run_hub(bench: &HubBench, out: &Path) -> anyhow::Result<bool> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let (results, failures) = match *bench {
        HubBench::HubIngest { sites, batches } => (vec![rt.block_on(region::ingest(sites, batches))?], vec![]),
        HubBench::HubStats { sites, tickets, explain } => rt.block_on(region::stats(sites, tickets, explain))?,
    };
    std::fs::write(out, serde_json::to_string_pretty(&json!({"results": results, "failures": failures}))?)?;
    println!("wrote {}", out.display());
    if failures.is_empty() {
        Ok(true)
    } else {
        eprintln!("FAILED: {}", failures.join("; "));
        Ok(false)
    }
}

/// No-op and issue capacity (closed loop), issue and call-next at their target rates (open loop).
/// `history` is true for the runs with stored history: issue and call-next at their rates only.
async fn throughput(
    ctx: &mut Ctx,
    srv: &mut Server,
    tokens: &[String],
    suffix: &str,
    history: bool,
) -> anyhow::Result<()> {
    let (url, seconds, kiosks) = (srv.url.clone(), ctx.seconds, ctx.args.kiosks);
    let key = queue_server::demo::demo_key("kiosk", SITE);
    let services = Arc::new(open_services(&url).await?);
    let issue = Op::Issue { key: key.clone(), services: services.clone() };
    if !history && ctx.wants("issue") {
        let out = drive::run(&url, kiosks, None, seconds, Op::Noop).await;
        ctx.push(out.report("http no-op baseline (GET /api/v1/sites), closed loop", srv.rss_kib()));
        let out = drive::run(&url, kiosks, None, seconds, issue.clone()).await;
        ctx.push(out.report(&format!("issue capacity, {kiosks} kiosks, closed loop{suffix}"), srv.rss_kib()));
    }
    if history {
        // A fresh server with a seeded database: connections, page cache and the seed's WAL settle
        // first (not measured), as the no-op and capacity runs do for the main scenarios.
        drive::run(&url, kiosks, Some(ctx.args.issue_rate), Duration::from_secs(3), issue.clone()).await;
    }
    if history || ctx.wants("issue") {
        let rate = ctx.args.issue_rate;
        let token = tokens.first().map(String::as_str).unwrap_or_default();
        let waiting = waiting_count(&url, token).await?;
        let costs = Costs::start(srv, &url).await?;
        let mut out = drive::run(&url, kiosks, Some(rate), seconds, issue).await;
        costs.finish(srv, &url, &mut out).await?;
        // Every answer must be a new ticket (not a stored answer to a repeated Idempotency-Key).
        let created = waiting_count(&url, token).await?.saturating_sub(waiting);
        out.extra["tickets_created"] = json!(created);
        if created < out.hist.len() - out.errors {
            ctx.failures.push(format!("issue: {} answers but {created} new tickets", out.hist.len() - out.errors));
        }
        ctx.push(out.report(&format!("issue at {rate:.0}/s, {kiosks} kiosks, open loop{suffix}"), srv.rss_kib()));
    }
    if history || ctx.wants("call-next") {
        // Enough waiting tickets for every call of the run.
        let rate = ctx.args.call_rate;
        let needed = (rate * seconds.as_secs_f64() * 1.1) as u64;
        let waiting = waiting_count(&url, tokens.first().map(String::as_str).unwrap_or_default()).await?;
        if waiting < needed {
            drive::prefill(&url, &key, services, needed - waiting).await?;
        }
        let costs = Costs::start(srv, &url).await?;
        let mut out = drive::desks(&url, tokens, rate, seconds).await?;
        costs.finish(srv, &url, &mut out).await?;
        let name = format!("call-next at {rate:.0}/s, {} desks, open loop{suffix}", tokens.len());
        ctx.push(out.report(&name, srv.rss_kib()));
    }
    anyhow::ensure!(srv.alive(), "the server died during the run");
    Ok(())
}

/// What a scenario cost: the writer's commits and the commands they held (from `/metrics`), CPU
/// time of the server, its writer thread and the load generator.
struct Costs {
    commits: (f64, f64),
    written: Option<f64>,
    server: Option<(f64, f64)>,
    generator: Option<f64>,
}

impl Costs {
    async fn start(srv: &Server, url: &str) -> anyhow::Result<Costs> {
        Ok(Costs {
            commits: drive::commits(url).await?,
            written: srv.written_bytes(),
            server: srv.cpu_seconds(),
            generator: server::own_cpu_seconds(),
        })
    }

    async fn finish(self, srv: &Server, url: &str, out: &mut drive::Outcome) -> anyhow::Result<()> {
        let end = Costs::start(srv, url).await?;
        out.extra["wal_mib"] = json!(srv.wal_mib());
        if let (Some(a), Some(b)) = (self.written, end.written) {
            // WAL frames and checkpoint copies into the database, per command.
            out.extra["kib_written_per_command"] = json!((b - a) / 1024.0 / (end.commits.1 - self.commits.1).max(1.0));
        }
        let secs = out.elapsed.as_secs_f64();
        let (batches, commands) = (end.commits.0 - self.commits.0, end.commits.1 - self.commits.1);
        out.extra["commits_per_s"] = json!(batches / secs);
        out.extra["commands_per_commit"] = json!(commands / batches.max(1.0));
        if let (Some((all0, w0)), Some((all1, w1))) = (self.server, end.server) {
            // What one durable command (an issue, a call, a start, a finish) costs the server.
            out.extra["server_cpu_us_per_command"] = json!((all1 - all0) * 1e6 / commands.max(1.0));
            out.extra["writer_cpu_us_per_command"] = json!((w1 - w0) * 1e6 / commands.max(1.0));
            out.extra["server_cores"] = json!((all1 - all0) / secs);
        }
        if let (Some(a), Some(b)) = (self.generator, end.generator) {
            // The load generator shares the machine: what it used is not the server's to use.
            out.extra["load_generator_cores"] = json!((b - a) / secs);
        }
        Ok(())
    }
}

async fn open_services(url: &str) -> anyhow::Result<Vec<String>> {
    let kiosk = client::Client::new(url).with_bearer(&queue_server::demo::demo_key("kiosk", SITE));
    let services: Vec<String> =
        kiosk.kiosk_info(SITE).await?.services.into_iter().filter(|s| s.open).map(|s| s.id.to_string()).collect();
    anyhow::ensure!(!services.is_empty(), "no open service at {SITE}");
    Ok(services)
}

/// Tickets waiting at the site now (from the staff queues view).
async fn waiting_count(url: &str, token: &str) -> anyhow::Result<u64> {
    let queues = client::Client::new(url).with_bearer(token).queues(SITE).await?;
    Ok(queues.iter().map(|q| u64::from(q.waiting)).sum())
}

fn print_table(results: &[Value], ready_ms: f64) {
    println!(
        "\n{:<62} {:>9} {:>8} {:>8} {:>9} {:>8} {:>7} {:>8}",
        "scenario", "ops/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "RSS MiB"
    );
    for r in results.iter().filter(|r| r.get("ops_per_s").is_some()) {
        println!(
            "{:<62} {:>9.0} {:>8.2} {:>8.2} {:>9.2} {:>8.2} {:>7} {:>8}",
            r["scenario"].as_str().unwrap_or(""),
            r["ops_per_s"].as_f64().unwrap_or(0.0),
            r["p50_ms"].as_f64().unwrap_or(0.0),
            r["p99_ms"].as_f64().unwrap_or(0.0),
            r["p999_ms"].as_f64().unwrap_or(0.0),
            r["max_ms"].as_f64().unwrap_or(0.0),
            r["errors"].as_u64().unwrap_or(0),
            r["rss_mib"].as_f64().map_or("-".into(), |v| format!("{v:.1}")),
        );
        if let Some(extra) = r["extra"].as_object().filter(|e| !e.is_empty()) {
            println!("    {}", serde_json::to_string(extra).unwrap_or_default());
        }
    }
    if ready_ms.is_finite() {
        println!("server ready: {ready_ms:.0} ms from spawn");
    }
}

/// Raw SQLite, one `synchronous=FULL` commit per ticket-sized row: the durability floor.
fn sqlite_baseline(dir: &Path, duration: Duration) -> anyhow::Result<Value> {
    let start = Instant::now();
    let commits = queue_server::tools::commit_baseline(&dir.join("baseline.sqlite3"), duration)?;
    let elapsed = start.elapsed();
    let mut hist = hdrhistogram::Histogram::<u64>::new_with_bounds(1, 600_000_000, 3)?;
    for us in commits {
        hist.record(us.max(1))?;
    }
    Ok(drive::Outcome { hist, errors: 0, elapsed, extra: Value::Null }
        .report("raw sqlite, one FULL commit per row", None))
}
