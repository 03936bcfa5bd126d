//! DESIGN "Reliability and privacy": ticket details older than the configured retention are purged
//! (events and ticket rows), tickets still open are kept, and the server goes on numbering and serving.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::{LIVORNO, TestServer};

fn count(db: &rusqlite::Connection, sql: &str, id: &str) -> i64 {
    db.query_row(sql, [id], |r| r.get(0)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_details_older_than_the_retention_are_forgotten() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk(LIVORNO).await;
    let giulia = server.staff("giulia").await;
    giulia.post_ok("/api/v1/desks/lt-sportello-1/open", Value::Null, StatusCode::OK).await;
    let served = kiosk.issue(LIVORNO, json!({"service": "lavoro", "language": "ar"})).await;
    let absent = kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    let open = kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    let id = |t: &Value| t["id"].as_str().unwrap().to_owned();
    assert_eq!(giulia.call_next("lt-sportello-1").await.unwrap()["id"], served["id"]);
    giulia.act(&id(&served), "start").await;
    giulia.act(&id(&served), "finish").await;
    assert_eq!(giulia.call_next("lt-sportello-1").await.unwrap()["id"], absent["id"]);
    giulia.act(&id(&absent), "no-show").await;
    let data = server.stop().await;

    // The test configuration keeps details for 3,650 days: start again one day past that.
    let later = TestServer::start_later(data, jiff::SignedDuration::from_hours(24 * 3651)).await;
    let db = rusqlite::Connection::open(later.db_path()).unwrap();
    // The writer forgets them as its first housekeeping, after start-up (it never delays readiness).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while count(&db, "SELECT count(*) FROM tickets WHERE id = ?1", &id(&absent)) > 0 {
        assert!(std::time::Instant::now() < deadline, "the retention purge did not run");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    for gone in [&served, &absent] {
        assert_eq!(count(&db, "SELECT count(*) FROM tickets WHERE id = ?1", &id(gone)), 0, "{gone}");
        assert_eq!(count(&db, "SELECT count(*) FROM events WHERE ticket_id = ?1", &id(gone)), 0, "{gone}");
        let (status, _) = later.client().get(gone["status_url"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "the visitor's page of a forgotten ticket");
    }
    // An open ticket stays whatever its age, with its history, and can still be served.
    assert_eq!(count(&db, "SELECT count(*) FROM tickets WHERE id = ?1", &id(&open)), 1);
    assert!(count(&db, "SELECT count(*) FROM events WHERE ticket_id = ?1", &id(&open)) >= 1);
    let giulia = later.staff("giulia").await;
    assert_eq!(giulia.call_next("lt-sportello-1").await.unwrap()["id"], open["id"]);
    let (status, _) = later.client().get(open["status_url"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let (ok,): (String,) = db.query_row("PRAGMA integrity_check", [], |r| Ok((r.get(0)?,))).unwrap();
    assert_eq!(ok, "ok");
    later.stop().await;
}
