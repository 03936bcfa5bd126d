//! Issue #2: the server as a child process is killed with SIGKILL while tickets are being
//! issued; after a restart every acknowledged ticket is there with the same number and state,
//! the database passes `PRAGMA integrity_check`, and no number is duplicated.

use reqwest::StatusCode;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use tests::{Client, LIVORNO, kiosk_key, test_config_dir};

struct Spawned {
    child: Child,
    url: String,
}

/// Start the real server binary on an ephemeral port and wait for its "ready" line.
fn spawn(data: &std::path::Path) -> Spawned {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sportello-test-server"))
        .args(["--config"])
        .arg(test_config_dir())
        .arg("--data")
        .arg(data)
        .args(["--listen", "127.0.0.1:0", "--demo"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("server binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("server prints a ready line").expect("stdout");
        if let Some(rest) = line.split("ready on ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Spawned { child, url }
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
                    .request(reqwest::Method::POST, &format!("/api/v1/sites/{LIVORNO}/tickets"))
                    .header("Idempotency-Key", format!("w{w}-{i}"))
                    .json(&json!({"service": services[i % services.len()]}));
                match r.send().await {
                    Ok(resp) if resp.status() == StatusCode::CREATED => {
                        let Ok(t) = resp.json::<serde_json::Value>().await else { return };
                        journal
                            .lock()
                            .unwrap()
                            .push((t["id"].as_str().unwrap().into(), t["number"].as_str().unwrap().into()));
                        progress.notify_one();
                    }
                    Ok(resp) => panic!("unexpected status {}", resp.status()),
                    Err(_) => return, // the server is gone
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
    server.child.kill().expect("SIGKILL");
    server.child.wait().unwrap();
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
    again.child.kill().unwrap();
    again.child.wait().unwrap();

    let conn = rusqlite::Connection::open(queue_server::db::path(data.path())).unwrap();
    assert_eq!(queue_server::db::integrity_check(&conn).unwrap(), "ok");
    let dups: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM (SELECT site, day, number FROM tickets GROUP BY site, day, number HAVING COUNT(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dups, 0, "duplicated numbers");
    let stored: i64 = conn.query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0)).unwrap();
    assert!(stored as usize > acked.len(), "{stored} stored, {} acknowledged", acked.len());
}
