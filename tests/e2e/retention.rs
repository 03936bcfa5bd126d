//! DESIGN "Reliability and privacy": ticket details older than the configured retention are purged
//! (events and ticket rows) while the statistics keep their figures (`stats_days` roll-ups). A day
//! with a ticket still open keeps its details until that ticket closes.

use serde_json::{Value, json};
use tests::StatusCode;
use tests::{LIVORNO, TestServer};

fn count(db: &rusqlite::Connection, sql: &str, id: &str) -> i64 {
    db.query_row(sql, [id], |r| r.get(0)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_details_older_than_the_retention_are_forgotten_and_the_figures_kept() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk(LIVORNO).await;
    let giulia = server.staff("giulia").await;
    giulia.post_ok("/api/v1/desks/lt-sportello-1/open", Value::Null, StatusCode::OK).await;
    let served = kiosk.issue(LIVORNO, json!({"service": "lavoro", "language": "ar"})).await;
    let absent = kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    let open = kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    let id = |t: &Value| t["id"].as_str().unwrap().to_owned();
    let day = served["issued_at"].as_str().unwrap()[..10].to_owned();
    assert_eq!(giulia.call_next("lt-sportello-1").await.unwrap()["id"], served["id"]);
    giulia.act(&id(&served), "start").await;
    giulia.act(&id(&served), "finish").await;
    assert_eq!(giulia.call_next("lt-sportello-1").await.unwrap()["id"], absent["id"]);
    giulia.act(&id(&absent), "no-show").await;
    // The third is at the desk when the day ends: it stays open (a waiting one would expire).
    assert_eq!(giulia.call_next("lt-sportello-1").await.unwrap()["id"], open["id"]);
    let summary_path = format!("/api/v1/stats/summary?site={LIVORNO}&from={day}&to={day}");
    let (_, before) = server.staff("responsabile").await.get(&summary_path).await;
    assert_eq!((before["issued"].as_u64(), before["open"].as_u64()), (Some(3), Some(1)), "{before}");
    let data = server.stop().await;

    // The test configuration keeps details for 3,650 days: start again one day past that. The day
    // is rolled up, but one of its tickets is still at a desk: nothing of that day is forgotten yet.
    let ahead = jiff::SignedDuration::from_hours(24 * 3651);
    let later = TestServer::start_later(data, ahead).await;
    let db = rusqlite::Connection::open(later.db_path()).unwrap();
    let marker = "SELECT count(*) FROM stats_days WHERE day = ?1 AND service = ''";
    later.housekeeping_pass().await;
    assert_eq!(count(&db, marker, &day), 1, "the day is rolled up");
    assert_eq!(count(&db, "SELECT count(*) FROM tickets WHERE id = ?1", &id(&served)), 1);
    let manager = later.staff("responsabile").await;
    let (_, rolled) = manager.get(&summary_path).await;
    assert_eq!(rolled, before, "the roll-up gives the same figures as the events");

    // The open ticket is served; at the next start the day rolls up again, complete, and goes.
    let giulia = later.staff("giulia").await;
    giulia.act(&id(&open), "start").await;
    giulia.act(&id(&open), "finish").await;
    // Closed after its day was rolled up: counted at once, not lost until the next roll-up.
    let (_, now) = manager.get(&summary_path).await;
    assert_eq!(
        (now["issued"].as_u64(), now["served"].as_u64(), now["open"].as_u64()),
        (Some(3), Some(2), Some(0)),
        "{now}"
    );
    let data = later.stop().await;
    drop(db);
    let later = TestServer::start_later(data, ahead).await;
    let db = rusqlite::Connection::open(later.db_path()).unwrap();
    let pass = later.housekeeping_pass().await;
    assert_eq!(pass.purged_tickets, 0, "the start-up pass forgot them already: {pass:?}");
    assert_eq!(count(&db, "SELECT count(*) FROM tickets WHERE site = ?1", LIVORNO), 0, "the details are forgotten");
    for gone in [&served, &absent, &open] {
        assert_eq!(count(&db, "SELECT count(*) FROM events WHERE ticket_id = ?1", &id(gone)), 0, "{gone}");
        let (status, _) = later.client().get(gone["status_url"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "the visitor's page of a forgotten ticket");
    }
    let (_, after) = later.staff("responsabile").await.get(&summary_path).await;
    assert_eq!(
        (after["issued"].as_u64(), after["served"].as_u64(), after["no_show"].as_u64()),
        (Some(3), Some(2), Some(1))
    );
    assert_eq!(after["open"].as_u64(), Some(0), "{after}");
    let ok: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    later.stop().await;
}
