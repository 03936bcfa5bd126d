//! Issue #7's fault harness, smoke-sized: SIGKILL under load twenty times, a full disk, and
//! clients that dribble their headers. `fault-harness` runs the same for longer, with figures.

use std::path::Path;
use std::time::Duration;
use tests::TestServer;
use tests::fault;

const SERVER: &str = env!("CARGO_BIN_EXE_sportello-test-server");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_kills_under_load_lose_nothing_acknowledged() {
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    let report = fault::kill9(Path::new(SERVER), 20, seed).await.unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    eprintln!("{}", report.summary());
    assert_eq!(report.iterations, 20);
    assert!(report.acknowledged > 100, "the load did something: {report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_a_clean_503_and_service_resumes_when_space_returns() {
    if !fault::can_mount("disk-full test") {
        return;
    }
    let report = fault::disk_full(Path::new(SERVER)).await.unwrap_or_else(|e| panic!("{e}"));
    eprintln!("disk full: {report:?}");
    assert!(report.refused_503 >= 20 && report.acknowledged > 0, "{report:?}");
    assert!(report.resumed, "the server answered again once space returned: {report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_dribbling_headers_are_cut_off_and_hold_up_nobody() {
    let server = TestServer::start().await;
    let addr = server.running.as_ref().unwrap().addr;
    let wait = queue_server::HEADER_READ_TIMEOUT + Duration::from_secs(6);
    let report = fault::slow_clients(addr, 300, 100, wait).await;
    eprintln!("slow clients: {report:?}");
    assert_eq!(report.normal_errors, 0, "{report:?}");
    assert_eq!(report.cut, report.slow, "every slow connection was closed by the server: {report:?}");
    server.stop().await;
}
