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
