//! Issue #7's fault harness, smoke-sized: SIGKILL under load twenty times, a full disk, and
//! clients that dribble their headers. `fault-harness` runs the same for longer, with figures.

use serde_json::json;
use std::path::Path;
use std::time::Duration;
use tests::fault::{self, Journal};
use tests::{LIVORNO, TestServer};

const SERVER: &str = env!("CARGO_BIN_EXE_sportello-test-server");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_kills_under_load_lose_nothing_acknowledged() {
    let seed: u64 = rand::random();
    let report = fault::kill9(Path::new(SERVER), 20, seed).await.unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    eprintln!("{}", report.summary());
    // The property: after every kill the database held every acknowledged ticket with its number
    // and at least its acknowledged state, passed the integrity check, gave no number twice.
    assert!(report.failures.is_empty(), "seed {seed}: {}", report.summary());
    assert!(report.acknowledged > 100, "the load did something: {report:?}");
    assert!(report.stored >= report.acknowledged, "{report:?}");
}

/// The check the kill test relies on finds what it must: a lost ticket, a stored state behind the
/// acknowledged one, a number that changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_check_reports_lost_and_regressed_tickets() {
    let server = TestServer::start().await;
    let t = server.kiosk(LIVORNO).await.issue(LIVORNO, json!({"service": "lavoro"})).await;
    let (id, number) = (t["id"].as_str().unwrap().to_owned(), t["number"].as_str().unwrap().to_owned());
    let data = server.stop().await;
    let journal = Journal::create(&data.path().join("journal.txt"));
    journal.record(&id, &number, "waiting");
    let ok = fault::check(data.path(), &journal).unwrap();
    assert!(ok.clean() && ok.stored == 1, "{ok:?}");

    journal.record(&id, &number, "done");
    journal.record("01NEVERSTORED", "Z999", "waiting");
    let bad = fault::check(data.path(), &journal).unwrap();
    assert!(!bad.clean());
    let mut broken = bad.broken.clone();
    broken.sort();
    assert_eq!(
        broken,
        [
            "acknowledged ticket Z999 (01NEVERSTORED) lost".to_owned(),
            format!("ticket {number} acknowledged done, stored waiting")
        ]
    );
    journal.record(&id, "A999", "waiting");
    let renumbered = fault::check(data.path(), &journal).unwrap();
    assert!(renumbered.broken.iter().any(|b| b == &format!("ticket {id} was A999, now {number}")), "{renumbered:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_a_clean_503_and_service_resumes_when_space_returns() {
    if !fault::can_mount("the disk-full test") {
        return;
    }
    let report = fault::disk_full(Path::new(SERVER)).await.unwrap_or_else(|e| panic!("{e}"));
    eprintln!("disk full: {report:?}");
    assert!(report.refused_503 >= 20 && report.acknowledged > 0, "{report:?}");
    assert!(report.resumed, "the server answered again once space returned: {report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_dribbling_headers_are_cut_off_and_hold_up_nobody() {
    // The real default is 10 s (`queue_server::HEADER_READ_TIMEOUT`); the rule is the same at 1 s.
    let data = tempfile::tempdir().unwrap();
    let mut opts = TestServer::options(tests::test_config_dir(), &data);
    opts.net.header_read_timeout = Duration::from_secs(1);
    let server = TestServer::start_opts(opts, data).await;
    let wait = Duration::from_secs(1) + Duration::from_secs(6);
    let started = std::time::Instant::now();
    let report = fault::slow_clients(server.addr(), 300, 100, wait).await;
    eprintln!("slow clients: {report:?} in {:?}", started.elapsed());
    assert_eq!(report.normal_errors, 0, "{report:?}");
    assert_eq!(report.cut, report.slow, "every slow connection was closed by the server: {report:?}");
    server.stop().await;
}
