//! Issue #2: the live stream — resume with Last-Event-ID, resync when it cannot, heartbeats,
//! and displays see public fields only (no alerts, no ids, no staff).

use serde_json::{Value, json};
use std::time::Duration;
use tests::StatusCode;
use tests::{GROSSETO, LIVORNO, TestServer, data, display_key};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn displays_resume_and_see_public_fields_only() {
    let server = TestServer::start().await;
    let screen = server.display(LIVORNO).await;
    let mut display = screen.events(LIVORNO, None).await;
    let giulia = server.staff("giulia").await;
    let kiosk = server.kiosk(LIVORNO).await;
    let (_, desks) = giulia.get(&format!("/api/v1/sites/{LIVORNO}/desks")).await;
    let desk = desks[0]["id"].as_str().unwrap().to_owned();
    let service = desks[0]["services"][0].as_str().unwrap().to_owned();
    giulia.post_ok(&format!("/api/v1/desks/{desk}/open"), Value::Null, StatusCode::OK).await;
    let t = kiosk.issue(LIVORNO, json!({"service": service, "language": "ar", "needs": ["mediator:ar"]})).await;
    kiosk
        .post_ok(&format!("/api/v1/sites/{LIVORNO}/alerts"), json!({"kind": "help_requested"}), StatusCode::ACCEPTED)
        .await;
    let called = giulia.call_next(&desk).await.unwrap();
    assert_eq!(called["number"], t["number"]);

    // desk.updated, ticket.issued, ticket.called — and no alert.
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let m = display.next(WAIT).await.expect("events arrive");
        if m.event == "heartbeat" || m.event == "queue.updated" {
            continue;
        }
        assert_ne!(m.event, "alert.raised", "displays never see alerts");
        seen.push(m);
    }
    let names: Vec<&str> = seen.iter().map(|m| m.event.as_str()).collect();
    assert_eq!(names, ["desk.updated", "ticket.issued", "ticket.called"]);
    let call = &data(&seen[2]);
    let public = call["ticket"].as_object().unwrap();
    let mut fields: Vec<&str> = public.keys().map(String::as_str).collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "desk_label",
            "estimated_wait_range_s",
            "estimated_wait_s",
            "number",
            "people_ahead",
            "service_label",
            "status"
        ]
    );
    assert_eq!(call["language"], "ar");
    assert_eq!(call["desk"], desk.as_str());
    assert!(call.get("staff").is_none() && call.get("alert").is_none());
    let text = call.to_string();
    assert!(!text.contains("giulia") && !text.contains(t["id"].as_str().unwrap()) && !text.contains("mediator"));

    // Resume after the issued event: exactly the call again.
    let issued_id = seen[1].id_u64().unwrap();
    let mut resumed = screen.events(LIVORNO, Some(issued_id)).await;
    let m = resumed.next_with_id(WAIT).await.unwrap();
    assert_eq!((m.event.as_str(), m.id_u64()), ("ticket.called", seen[2].id_u64()));

    // An id from nowhere: resync.
    let mut lost = screen.events(LIVORNO, Some(999_999)).await;
    assert_eq!(lost.next_with_id(WAIT).await.unwrap().event, "resync");

    // Heartbeats keep an idle stream visibly alive (the test server beats every second).
    let mut idle = screen.events(LIVORNO, None).await;
    loop {
        let m = idle.next(WAIT).await.expect("a heartbeat");
        if m.event == "heartbeat" {
            break;
        }
    }

    // Staff streams carry the alert, with who raised it.
    let admin = server.staff("admin").await;
    let mut staff = admin.events(LIVORNO, Some(0)).await;
    let mut got_alert = false;
    while let Some(m) = staff.next_with_id(Duration::from_secs(2)).await {
        if m.event == "alert.raised" {
            assert_eq!(data(&m)["alert"]["kind"], "help_requested");
            got_alert = true;
            break;
        }
    }
    assert!(got_alert, "staff see the kiosk's alert");

    // After a restart, a display resumes from where it was (nothing missed) or re-syncs.
    let last = seen[2].id_u64().unwrap();
    let server = server.restart().await;
    let giulia = server.staff("giulia").await;
    let mut after = server.display(LIVORNO).await.events(LIVORNO, Some(last)).await;
    giulia.act(called["id"].as_str().unwrap(), "recall").await;
    let m = after.next_with_id(WAIT).await.unwrap();
    assert_eq!(m.event, "ticket.recalled");
    assert!(m.id_u64().unwrap() > last);
    let (status, snap) = server.display(LIVORNO).await.get(&format!("/api/v1/sites/{LIVORNO}/display")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(snap["calls"][0]["ticket"]["number"], t["number"]);
    assert_eq!(snap["calls"][0]["recalls"], 1);
    assert_eq!(snap["last_event_id"], m.id_u64().unwrap());
    server.stop().await;
}

/// Browsers' EventSource cannot send headers: the display key travels as `?key=`, percent-encoded
/// like any query value; staff tokens never work there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_display_key_in_the_query_string_is_percent_decoded() {
    let server = TestServer::start().await;
    let encoded: String = display_key(LIVORNO).bytes().map(|b| format!("%{b:02X}")).collect();
    let anyone = server.client();
    let snapshot = format!("/api/v1/sites/{LIVORNO}/display?key=");
    let (status, _) = anyone.get(&format!("{snapshot}{encoded}")).await;
    assert_eq!(status, StatusCode::OK, "an encoded key is the same key");
    let (status, _) = anyone.get(&format!("{snapshot}{encoded}%41")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a different key is refused");
    let giulia = server.staff("giulia").await;
    let (status, _) = anyone.get(&format!("{snapshot}{}", giulia.bearer().unwrap())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "staff tokens never travel in URLs");
    server.stop().await;
}

/// Event ids are one sequence for the whole server. A display of a quiet site reads a snapshot
/// whose `last_event_id` is another site's event and resumes from it: it must get a live stream,
/// not a `resync` that sends it back to the snapshot, round and round, while calls happen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_sites_display_resumes_while_another_site_is_busy() {
    let server = TestServer::start().await;
    let busy = server.kiosk(GROSSETO).await;
    for _ in 0..3 {
        busy.issue(GROSSETO, json!({"service": "segretariato", "language": "it"})).await;
    }
    let screen = server.display(LIVORNO).await;
    let (status, snapshot) = screen.get(&format!("/api/v1/sites/{LIVORNO}/display")).await;
    assert_eq!(status, StatusCode::OK);
    let last = snapshot["last_event_id"].as_u64().unwrap();
    assert!(last >= 3, "the snapshot carries the server's newest id, Grosseto's: {last}");
    let mut stream = screen.events(LIVORNO, Some(last)).await;
    // The first message with an id is Livorno's own next event, not a resync.
    let kiosk = server.kiosk(LIVORNO).await;
    let t = kiosk.issue(LIVORNO, json!({"service": "lavoro", "language": "ar"})).await;
    let m = stream.next_with_id(WAIT).await.expect("an event");
    assert_eq!(m.event, "ticket.issued", "a quiet site's display must resume, not resync");
    assert_eq!(data(&m)["ticket"]["number"], t["number"]);
    assert!(m.id_u64().unwrap() > last);
    server.stop().await;
}
