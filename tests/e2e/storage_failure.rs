//! Issue #2: a commit that fails is answered 503, changes nothing, and the server carries on:
//! the writer rolls back the whole batch and reloads its state from the database.

use serde_json::json;
use tests::StatusCode;
use tests::{LIVORNO, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_commit_is_a_503_that_changes_nothing() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk(LIVORNO).await;
    let first = kiosk.issue(LIVORNO, json!({"service": "letto"})).await;
    assert_eq!(first["number"], "A001");

    // Fault injection: a row that takes the number the next ticket would get, so the
    // writer's insert fails inside its transaction (as a full disk or an I/O error would).
    let db = rusqlite::Connection::open(server.db_path()).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    let day: String = db.query_row("SELECT day FROM tickets WHERE number = 'A001'", [], |r| r.get(0)).unwrap();
    let events_before: i64 = db.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0)).unwrap();
    db.execute(
        "INSERT INTO tickets (id, site, service, day, number, status, token_hash, issued_ms, data)
         VALUES ('blocker', ?1, 'letto', ?2, 'A002', 'done', 'blocker', 0, '{}')",
        rusqlite::params![LIVORNO, day],
    )
    .unwrap();

    let (status, body) = kiosk.post(&format!("/api/v1/sites/{LIVORNO}/tickets"), json!({"service": "letto"})).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "storage_unavailable");
    let events_after: i64 = db.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0)).unwrap();
    assert_eq!(events_before, events_after, "nothing was stored");

    // The server carries on: other services work, and the queue shows only the first ticket.
    let other = kiosk.issue(LIVORNO, json!({"service": "igiene"})).await;
    assert_eq!(other["number"], "B001");
    let admin = server.staff("admin").await;
    let (_, queues) = admin.get(&format!("/api/v1/sites/{LIVORNO}/queues")).await;
    let letto = queues.as_array().unwrap().iter().find(|q| q["service"] == "letto").unwrap();
    assert_eq!(letto["waiting"], 1);

    // Once the fault is gone, the same request succeeds with the number that was free.
    db.execute("DELETE FROM tickets WHERE id = 'blocker'", []).unwrap();
    let second = kiosk.issue(LIVORNO, json!({"service": "letto"})).await;
    assert_eq!(second["number"], "A002");
    let (status, m) = server.client().get("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(m.as_str().unwrap().contains("sportello_commit_failures_total 1"), "{m}");
    server.stop().await;
}
