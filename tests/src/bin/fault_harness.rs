//! Fault harness, long runs with figures (issue #7):
//!
//! ```sh
//! cargo build --release -p tests --bins
//! target/release/fault-harness kill9 [ITERATIONS]      # default 200
//! target/release/fault-harness disk-full               # root: mounts a small tmpfs
//! target/release/fault-harness slow [SLOW_CLIENTS]     # default 1000
//! target/release/fault-harness flood [SOCKETS]         # default 10050 silent sockets, 200 dribblers
//! ```

use std::time::Duration;
use tests::fault;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let bin = fault::server_binary_near(&std::env::current_exe().expect("exe"));
    if !bin.exists() {
        eprintln!("{} is missing: cargo build --release -p tests --bins", bin.display());
        return std::process::ExitCode::FAILURE;
    }
    let n = |default: usize| args.get(2).and_then(|s| s.parse().ok()).unwrap_or(default);
    let result = match args.get(1).map(String::as_str) {
        Some("kill9") => {
            let seed: u64 = rand::random();
            match fault::kill9(&bin, n(200), seed).await {
                Ok(r) if r.failures.is_empty() => Ok(r.summary()),
                Ok(r) => Err(format!("seed {seed}: {}", r.summary())),
                Err(e) => Err(format!("seed {seed}: {e}")),
            }
        }
        Some("disk-full") => {
            if !fault::can_mount("disk-full") {
                return std::process::ExitCode::FAILURE;
            }
            fault::disk_full(&bin).await.map(|r| format!("{r:?}"))
        }
        Some("slow") => {
            let dir = tempfile::tempdir().expect("temp dir");
            let server = tests::TestServer::start_with(tests::test_config_dir(), dir).await;
            let addr = server.addr();
            // The same normal clients alone, then with the slow ones.
            let alone = fault::slow_clients(addr, 0, 500, Duration::from_secs(1)).await;
            let wait = queue_server::HEADER_READ_TIMEOUT + Duration::from_secs(6);
            let with = fault::slow_clients(addr, n(1000), 500, wait).await;
            server.stop().await;
            Ok(format!(
                "normal requests alone: p99 {:.2} ms, max {:.2} ms; with {} slow clients: p99 {:.2} ms, max {:.2} ms, \
                 {} errors; {} of {} slow connections cut off by the server",
                alone.normal_p99_ms,
                alone.normal_max_ms,
                with.slow,
                with.normal_p99_ms,
                with.normal_max_ms,
                with.normal_errors,
                with.cut,
                with.slow
            ))
        }
        Some("flood") => {
            let dir = tempfile::tempdir().expect("temp dir");
            let plan = tests::flood::FloodPlan {
                silent_sockets: n(10_050),
                dribblers: 200,
                work_for: Duration::from_secs(15),
                first_byte_timeout_s: 10,
                body_timeout_s: 10,
            };
            let r = tests::flood::run(&bin, dir.path(), &plan).await;
            let ok = r.errors == 0 && r.silent_closed == r.silent_opened && r.dribblers_cut == r.dribblers;
            let summary = format!("{r:#?}");
            if ok { Ok(summary) } else { Err(summary) }
        }
        _ => Err("usage: fault-harness kill9 [N] | disk-full | slow [N] | flood [N]".into()),
    };
    match result {
        Ok(s) => {
            println!("{s}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("FAILED: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
