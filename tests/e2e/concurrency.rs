//! Issue #2: concurrent desks never call a ticket twice; one Idempotency-Key issues one ticket
//! and one call.

use serde_json::json;
use std::collections::BTreeSet;
use tests::StatusCode;
use tests::{LIVORNO, TestServer};

/// Open every Livorno desk (one staff member each) and return (desk id, client) pairs
/// with a service they all serve, if any; otherwise the first desk's first service.
async fn open_livorno(server: &TestServer) -> (Vec<(String, tests::Client)>, String) {
    let users = ["giulia", "amina", "luca", "sara", "marco", "olena", "responsabile", "admin"];
    let admin = server.staff("admin").await;
    let (_, list) = admin.get(&format!("/api/v1/sites/{LIVORNO}/desks")).await;
    let list = list.as_array().unwrap().clone();
    // The service served by the most desks.
    let mut best = (0, String::new());
    for d in &list {
        for s in d["services"].as_array().unwrap() {
            let n = list.iter().filter(|o| o["services"].as_array().unwrap().contains(s)).count();
            if n > best.0 && s != "computer" {
                best = (n, s.as_str().unwrap().to_owned());
            }
        }
    }
    let mut desks = Vec::new();
    for (d, user) in list.iter().filter(|d| d["services"].as_array().unwrap().iter().any(|s| s == &best.1)).zip(users) {
        let c = server.staff(user).await;
        let id = d["id"].as_str().unwrap().to_owned();
        c.post_ok(&format!("/api/v1/desks/{id}/open"), serde_json::Value::Null, StatusCode::OK).await;
        desks.push((id, c));
    }
    assert!(desks.len() >= 2, "the test config has at least two Livorno desks sharing a service");
    (desks, best.1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_clients_calling_at_once_never_call_a_ticket_twice() {
    let server = TestServer::start().await;
    let (desks, service) = open_livorno(&server).await;
    let kiosk = server.kiosk(LIVORNO).await;
    let mut issued = BTreeSet::new();
    for _ in 0..150 {
        let t = kiosk.issue(LIVORNO, json!({"service": service})).await;
        issued.insert(t["id"].as_str().unwrap().to_owned());
    }
    let mut tasks = Vec::new();
    for i in 0..50 {
        let (desk, client) = desks[i % desks.len()].clone();
        tasks.push(tokio::spawn(async move {
            let mut called = Vec::new();
            loop {
                let (status, t) = client.post_empty(&format!("/api/v1/desks/{desk}/call-next")).await;
                match status {
                    StatusCode::OK => {
                        let id = t["id"].as_str().unwrap().to_owned();
                        called.push(id.clone());
                        client.act(&id, "start").await;
                        client.act(&id, "finish").await;
                    }
                    StatusCode::NO_CONTENT => return called,
                    // Another client of the same desk holds a ticket right now.
                    StatusCode::CONFLICT => {
                        assert_eq!(t["error"]["code"], "desk_busy", "{t}");
                        tokio::task::yield_now().await;
                    }
                    s => panic!("call-next: {s} {t}"),
                }
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let unique: BTreeSet<_> = all.iter().cloned().collect();
    assert_eq!(unique.len(), all.len(), "a ticket was called twice");
    assert_eq!(unique, issued, "every ticket was called exactly once");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_idempotency_key_issues_one_ticket_and_calls_once() {
    let server = TestServer::start().await;
    let (desks, service) = open_livorno(&server).await;
    let kiosk = server.kiosk(LIVORNO).await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let k = kiosk.clone();
        let service = service.clone();
        tasks.push(tokio::spawn(async move {
            let r = k
                .request(tests::Method::POST, &format!("/api/v1/sites/{LIVORNO}/tickets"))
                .header("Idempotency-Key", "visitor-attempt-1")
                .json(&json!({"service": service}));
            k.send(r).await
        }));
    }
    let mut ids = BTreeSet::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ids.insert((body["id"].as_str().unwrap().to_owned(), body["number"].as_str().unwrap().to_owned()));
    }
    assert_eq!(ids.len(), 1, "one key, one ticket: {ids:?}");
    let admin = server.staff("admin").await;
    let (_, queues) = admin.get(&format!("/api/v1/sites/{LIVORNO}/queues")).await;
    let waiting: u64 = queues.as_array().unwrap().iter().map(|q| q["waiting"].as_u64().unwrap()).sum();
    assert_eq!(waiting, 1);

    // A second ticket, then the same call-next key twice: one call.
    kiosk.issue(LIVORNO, json!({"service": service})).await;
    let (desk, client) = &desks[0];
    let call = |key: &'static str| {
        let r = client
            .request(tests::Method::POST, &format!("/api/v1/desks/{desk}/call-next"))
            .header("Idempotency-Key", key);
        client.send(r)
    };
    let (s1, first) = call("click-1").await;
    let (s2, again) = call("click-1").await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(first["id"], again["id"], "a repeated call answers the same ticket");
    let (_, queues) = admin.get(&format!("/api/v1/sites/{LIVORNO}/queues")).await;
    let waiting: u64 = queues.as_array().unwrap().iter().map(|q| q["waiting"].as_u64().unwrap()).sum();
    assert_eq!(waiting, 1, "only one ticket left the queue");
    server.stop().await;
}

/// Under continuous writes the write-ahead log is checkpointed and reused, not grown: a WAL that
/// only grows costs more at every commit (file extension in each fsync) and fills the disk. (A
/// checkpoint thread running PASSIVE beside a busy writer once let it reach 1.3 GB in 30 s.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_write_ahead_log_stays_small_under_continuous_issuing() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk(LIVORNO).await;
    let wal = server.db_path().with_extension("sqlite3-wal");
    let mut tasks = Vec::new();
    for lane in 0..16 {
        let (k, wal) = (kiosk.clone(), wal.clone());
        tasks.push(tokio::spawn(async move {
            let services = ["letto", "igiene", "residenza", "lavoro", "sociale"];
            let mut largest = 0u64;
            for i in 0..250 {
                k.issue(LIVORNO, json!({"service": services[(lane + i) % services.len()]})).await;
                largest = largest.max(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0));
            }
            largest
        }));
    }
    let mut largest = 0;
    for t in tasks {
        largest = largest.max(t.await.unwrap());
    }
    assert!(largest > 0, "the database is in WAL mode");
    // SQLite checkpoints at 1,000 pages (4 MiB); a batch may go past that before the next one.
    assert!(largest < 16 * 1024 * 1024, "the WAL grew to {largest} bytes over 4,000 tickets");
}
