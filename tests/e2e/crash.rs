//! Issue #2: the server as a child process is killed with SIGKILL while tickets are being
//! issued; after a restart every acknowledged ticket is there with the same number and state,
//! the database passes `PRAGMA integrity_check`, and no number is duplicated.

use serde_json::json;
use std::sync::{Arc, Mutex};
use testkit::process::ServerProcess;
use tests::{Client, LIVORNO, StatusCode, kiosk_key, test_config_dir};

fn spawn(data: &std::path::Path) -> ServerProcess {
    ServerProcess::spawn(std::path::Path::new(env!("CARGO_BIN_EXE_sportello-test-server")), &test_config_dir(), data)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_tickets_survive_sigkill() {
    let data = tempfile::tempdir().unwrap();
    let mut server = spawn(data.path());
    let kiosk = Client::new(&server.url).with_bearer(&kiosk_key(LIVORNO));
    let (_, kinfo) = kiosk.get(&format!("/api/v1/sites/{LIVORNO}/kiosk")).await;
    let services: Vec<String> = kinfo["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["open"] == true && s["id"] != "computer")
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!services.is_empty(), "{kinfo}");

    // The journal: every acknowledged ticket, written before anything else is done with it.
    let journal: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let progress = Arc::new(tokio::sync::Notify::new());
    let mut tasks = Vec::new();
    for w in 0..8 {
        let (kiosk, journal, services, progress) = (kiosk.clone(), journal.clone(), services.clone(), progress.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0.. {
                let r = kiosk
                    .request(tests::Method::POST, &format!("/api/v1/sites/{LIVORNO}/tickets"))
                    .header("Idempotency-Key", format!("w{w}-{i}"))
                    .json(&json!({"service": services[i % services.len()]}));
                match kiosk.api.exchange(r).await {
                    Ok(answer) if answer.status == StatusCode::CREATED => {
                        let t = answer.json();
                        journal
                            .lock()
                            .unwrap()
                            .push((t["id"].as_str().unwrap().into(), t["number"].as_str().unwrap().into()));
                        progress.notify_one();
                    }
                    Ok(answer) => panic!("unexpected status {} {}", answer.status, answer.body),
                    Err(_) => return, // the server is gone (or cut the answer off)
                }
            }
        }));
    }
    // Kill it mid-flight once enough tickets were acknowledged.
    loop {
        if journal.lock().unwrap().len() >= 150 {
            break;
        }
        progress.notified().await;
    }
    server.kill();
    for t in tasks {
        t.await.unwrap();
    }
    let acked = journal.lock().unwrap().clone();

    let mut again = spawn(data.path());
    let admin = Client::new(&again.url);
    let (status, login) =
        admin.post("/api/v1/session", json!({"username": "admin", "password": tests::PASSWORD})).await;
    assert_eq!(status, StatusCode::OK);
    let admin = admin.with_bearer(login["token"].as_str().unwrap());
    for (id, number) in &acked {
        let (status, t) = admin.get(&format!("/api/v1/tickets/{id}")).await;
        assert_eq!(status, StatusCode::OK, "acknowledged ticket {number} lost");
        assert_eq!(t["number"], number.as_str());
        assert_eq!(t["status"], "waiting");
    }
    // New tickets continue the numbering without duplicates.
    let kiosk = Client::new(&again.url).with_bearer(&kiosk_key(LIVORNO));
    kiosk.issue(LIVORNO, json!({"service": services[0]})).await;
    again.kill();

    let stored = queue_server::tools::stored(data.path()).unwrap();
    assert_eq!(stored.integrity, "ok");
    assert_eq!(stored.duplicate_numbers, 0, "duplicated numbers");
    assert!(stored.tickets.len() > acked.len(), "{} stored, {} acknowledged", stored.tickets.len(), acked.len());
}

/// Under systemd with `WatchdogSec` (the packaged unit's 30 s), a stop must still stop: the
/// watchdog task held a writer for ever, so the server waited for its writer thread after SIGTERM
/// until systemd killed it. Here systemd's side is a datagram socket: the server says READY=1,
/// pings WATCHDOG=1, and ends by itself soon after SIGTERM.
#[test]
fn a_server_under_the_systemd_watchdog_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let socket_path = dir.path().join("notify");
    let socket = std::os::unix::net::UnixDatagram::bind(&socket_path).unwrap();
    socket.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let data = tempfile::tempdir().unwrap();
    let server_cmd = testkit::process::server_command(
        std::path::Path::new(env!("CARGO_BIN_EXE_sportello-test-server")),
        &[],
        &test_config_dir(),
        data.path(),
    );
    // systemd names the watched process: WATCHDOG_PID is the server's own pid (the shell's, exec'd).
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg("WATCHDOG_PID=$$ exec \"$0\" \"$@\"")
        .arg(server_cmd.get_program())
        .args(server_cmd.get_args())
        .env("RUST_LOG", "warn")
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "400000");
    let mut server = ServerProcess::start(cmd).unwrap_or_else(|e| panic!("{e}"));
    let mut said = String::new();
    let mut buf = [0u8; 4096];
    while !said.contains("WATCHDOG=1") {
        let n = socket.recv(&mut buf).expect("the server talks to systemd");
        said.push_str(&String::from_utf8_lossy(&buf[..n]));
        said.push('\n');
    }
    assert!(said.contains("READY=1"), "{said}");
    let term = std::process::Command::new("kill").args(["-TERM", &server.pid().to_string()]).status().unwrap();
    assert!(term.success());
    let asked = std::time::Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(asked.elapsed() < std::time::Duration::from_secs(15), "still running 15 s after SIGTERM");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}
