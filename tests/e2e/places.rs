//! Issue 12: staff act only where they sit. Accounts belong to sites; a desk and the ticket it holds
//! belong to the staff member at it; a coordinator (the site's `any_ticket_role`, manager by default)
//! may act on any ticket of the site; every event records who did it, and statistics per staff
//! member follow that actor.

use super::admin_cli::cli;
use serde_json::{Value, json};
use tests::StatusCode;
use tests::{GROSSETO, LIVORNO, TestServer};

async fn status(c: &tests::Client, path: &str) -> StatusCode {
    c.post_empty(path).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_act_only_where_they_sit_and_every_event_names_its_actor() {
    let server = TestServer::start().await;
    let data = server.data.path().to_owned();
    let (ok, out, err) = cli(
        &data,
        &["staff", "add", "rossi", "--role", "staff", "--sites", GROSSETO],
        Some("a long enough password\n"),
    );
    assert!(ok, "{out}{err}");
    let rossi = {
        let c = server.client();
        let (s, b) =
            c.post("/api/v1/session", json!({"username": "rossi", "password": "a long enough password"})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["sites"], json!([GROSSETO]));
        c.with_bearer(b["token"].as_str().unwrap())
    };
    let giulia = server.staff("giulia").await;
    let sara = server.staff("sara").await;
    let manager = server.staff("responsabile").await;
    let kiosk = server.kiosk(LIVORNO).await;

    // Another site's staff member: no desk, no ticket, no stream, no list of this site.
    assert_eq!(status(&rossi, "/api/v1/desks/lt-sportello-1/open").await, StatusCode::FORBIDDEN);
    let (s, b) = rossi.post(&format!("/api/v1/sites/{LIVORNO}/tickets"), json!({"service": "lavoro"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert!(b["error"]["message"].as_str().unwrap().contains("does not work at site"), "{b}");
    for path in ["desks", "waiting", "queues", "display"] {
        let (s, _) = rossi.get(&format!("/api/v1/sites/{LIVORNO}/{path}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
    }
    let (s, _) = rossi.get(&format!("/api/v1/sites/{GROSSETO}/desks")).await;
    assert_eq!(s, StatusCode::OK, "their own site");
    // A kiosk may not give urgent tickets.
    let (s, _) = kiosk
        .post(&format!("/api/v1/sites/{LIVORNO}/tickets"), json!({"service": "lavoro", "priority": "urgent"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Giulia's desk and the ticket it holds are hers; a colleague at no desk may not touch them;
    // the site's manager (the coordinator) may.
    let t1 = kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    let t2 = kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    let id1 = t1["id"].as_str().unwrap().to_owned();
    let id2 = t2["id"].as_str().unwrap().to_owned();
    assert_eq!(status(&giulia, "/api/v1/desks/lt-sportello-1/open").await, StatusCode::OK);
    assert_eq!(giulia.call_next("lt-sportello-1").await.unwrap()["id"], json!(id1));
    assert_eq!(status(&sara, "/api/v1/desks/lt-sportello-1/call-next").await, StatusCode::FORBIDDEN);
    let (s, b) = sara.post_empty(&format!("/api/v1/tickets/{id1}/start")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert!(b["error"]["message"].as_str().unwrap().contains("held by giulia"), "{b}");
    assert_eq!(status(&rossi, &format!("/api/v1/tickets/{id1}/start")).await, StatusCode::FORBIDDEN);
    // A waiting ticket is at no desk: only a coordinator cancels it.
    assert_eq!(status(&sara, &format!("/api/v1/tickets/{id2}/cancel")).await, StatusCode::FORBIDDEN);
    let (s, _) = rossi.get(&format!("/api/v1/tickets/{id2}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "another site's ticket is not for rossi to read");
    manager.act(&id1, "start").await;
    giulia.act(&id1, "finish").await;
    // The coordinator finishes the next one herself: the statistics credit her, not the desk's holder.
    assert_eq!(giulia.call_next("lt-sportello-1").await.unwrap()["id"], json!(id2));
    giulia.act(&id2, "start").await;
    manager.act(&id2, "finish").await;

    // Every event names its actor.
    let (_, t) = giulia.get(&format!("/api/v1/tickets/{id1}")).await;
    let actors: Vec<(String, String)> = t["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["type"].as_str().unwrap().to_owned(), e["actor"].as_str().unwrap_or("?").to_owned()))
        .collect();
    let kiosk_id = actors[0].1.clone();
    assert!(kiosk_id.starts_with("device:"), "{actors:?}");
    assert_eq!(
        actors,
        vec![
            ("ticket.issued".into(), kiosk_id),
            ("ticket.called".into(), "staff:giulia".into()),
            ("ticket.serving".into(), "staff:responsabile".into()),
            ("ticket.done".into(), "staff:giulia".into()),
        ]
    );
    let (_, stats) = manager.get(&format!("/api/v1/stats/staff?site={LIVORNO}")).await;
    let served = |who: &str| -> u64 {
        stats["staff"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == json!(who))
            .map_or(0, |r| r["served"].as_u64().unwrap())
    };
    assert_eq!((served("giulia"), served("responsabile")), (1, 1), "{stats}");
    let desk_served: Value =
        stats["desks"].as_array().unwrap().iter().find(|r| r["id"] == json!("lt-sportello-1")).cloned().unwrap();
    assert_eq!(desk_served["served"], json!(2), "both were served at giulia's desk");
    server.stop().await;
}

// Issue 12: cancelled tickets give their place under the daily cap back; staff of the site lift a
// cap for today; a kiosk taking a service's day is reported to staff; the kiosk's help alerts have
// a budget of their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daily_caps_and_alert_budgets() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk(LIVORNO).await;
    let manager = server.staff("responsabile").await;
    let (_, info) = kiosk.get(&format!("/api/v1/sites/{LIVORNO}/kiosk")).await;
    // The test configuration caps one Livorno service (daily_cap = 5).
    let capped = info["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .find(|id| id == "computer")
        .expect("the capped service");
    let path = format!("/api/v1/sites/{LIVORNO}/tickets");
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(kiosk.issue(LIVORNO, json!({"service": capped})).await["id"].as_str().unwrap().to_owned());
    }
    let (s, b) = kiosk.post(&path, json!({"service": capped})).await;
    assert_eq!((s, b["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("daily_cap_reached")));
    manager.act(&ids[0], "cancel").await;
    let sixth = kiosk.issue(LIVORNO, json!({"service": capped})).await;
    assert_eq!(sixth["number"].as_str().unwrap().len(), 4, "a new number, not the cancelled one: {sixth}");
    let (s, _) = kiosk.post(&path, json!({"service": capped})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let lift = format!("/api/v1/sites/{LIVORNO}/services/{capped}/lift-cap");
    assert_eq!(status(&kiosk, &lift).await, StatusCode::FORBIDDEN, "a kiosk cannot lift a cap");
    assert_eq!(status(&manager, &lift).await, StatusCode::ACCEPTED);
    kiosk.issue(LIVORNO, json!({"service": capped})).await;
    server.stop().await;
}

// Issue 12: "I need help now" is never refused by the ticket rate limit (a budget of its own); one
// kiosk taking tickets far faster than visitors do raises an alert to staff, never on displays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_alerts_outlive_the_ticket_limit_and_floods_are_reported() {
    // The demo configuration has a real kiosk's limit (30 tickets a minute).
    let server = TestServer::start_with(tests::demo_config_dir(), tempfile::tempdir().unwrap()).await;
    let kiosk = server.kiosk(LIVORNO).await;
    let path = format!("/api/v1/sites/{LIVORNO}/tickets");
    let mut limited = None;
    for _ in 0..40 {
        let (s, b) = kiosk.post(&path, json!({"service": "lavoro"})).await;
        if s == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(b);
            break;
        }
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let limited = limited.expect("a flood of tickets is limited");
    assert!(limited["error"]["message"].as_str().unwrap().contains("try again in"), "{limited}");
    let (s, b) = kiosk.post(&format!("/api/v1/sites/{LIVORNO}/alerts"), json!({"kind": "help_requested"})).await;
    assert_eq!(s, StatusCode::ACCEPTED, "help is never refused by the ticket limit: {b}");
    server.stop().await;

    // Without limits (the test configuration), one kiosk taking 40 tickets of one service in a few
    // seconds is reported to staff.
    let server = TestServer::start().await;
    let staff = server.staff("giulia").await;
    let mut staff_stream = staff.events(LIVORNO, None).await;
    let mut display_stream = server.display(LIVORNO).await.events(LIVORNO, None).await;
    let kiosk = server.kiosk(LIVORNO).await;
    for _ in 0..40 {
        kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    }
    let mut flood = None;
    while let Some(m) = staff_stream.next_with_id(std::time::Duration::from_secs(5)).await {
        if m.event == "alert.raised" {
            flood = Some(tests::data(&m));
            break;
        }
    }
    let flood = flood.expect("staff are told");
    assert_eq!(flood["alert"]["kind"], json!("kiosk_flood"), "{flood}");
    assert!(flood["alert"]["message"].as_str().unwrap().contains("40 tickets"), "{flood}");
    while let Some(m) = display_stream.next_with_id(std::time::Duration::from_millis(500)).await {
        assert_ne!(m.event, "alert.raised", "displays never see alerts");
    }
    server.stop().await;
}

// Issue 12: the waiting room never learns a discreet service by its id ("legale", "salute"): the
// display snapshot, the public stream and the anonymous site list use public ids; staff of the
// site still see the real ids.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_payloads_name_no_discreet_service() {
    let server = TestServer::start().await;
    let discreet = ["sociale", "salute", "legale"];
    let display = server.display(LIVORNO).await;
    let mut stream = display.events(LIVORNO, None).await;
    let kiosk = server.kiosk(LIVORNO).await;
    for s in discreet {
        kiosk.issue(LIVORNO, json!({"service": s})).await;
    }
    let mut seen = String::new();
    while let Some(m) = stream.next(std::time::Duration::from_millis(500)).await {
        seen.push_str(&m.data);
    }
    let (_, snapshot) = display.get(&format!("/api/v1/sites/{LIVORNO}/display")).await;
    let (_, queues) = display.get(&format!("/api/v1/sites/{LIVORNO}/queues")).await;
    let (_, anonymous) = server.client().get("/api/v1/sites").await;
    for (what, text) in [
        ("stream", seen),
        ("snapshot", snapshot.to_string()),
        ("queues", queues.to_string()),
        ("sites", anonymous.to_string()),
    ] {
        for s in discreet {
            assert!(!text.contains(&format!("\"{s}\"")), "{what} names the discreet service '{s}': {text}");
        }
    }
    assert!(snapshot.to_string().contains("\"area-h\""), "public ids instead: {snapshot}");
    let staff = server.staff("giulia").await;
    let (_, mine) = staff.get("/api/v1/sites").await;
    assert!(mine.to_string().contains("\"legale\""), "staff of the site see the ids: {mine}");
    let (_, q) = staff.get(&format!("/api/v1/sites/{LIVORNO}/queues")).await;
    assert!(q.to_string().contains("\"legale\""), "{q}");
    server.stop().await;
}

// Issue 13: a desk whose name tells why someone goes in ("Ambulatorio") has a neutral public label
// ("Stanza 4") and a neutral id: the display snapshot, the call on the public stream and the
// visitor's ticket page say "Stanza 4" and nothing of the room's purpose; staff still see "Ambulatorio".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_waiting_room_sees_a_discreet_desk_by_its_public_label() {
    let server = TestServer::start().await;
    let display = server.display(LIVORNO).await;
    let mut stream = display.events(LIVORNO, None).await;
    let ticket = server.kiosk(LIVORNO).await.issue(LIVORNO, json!({"service": "salute"})).await;
    let giulia = server.staff("giulia").await;
    giulia.post_ok("/api/v1/desks/lt-stanza-4/open", Value::Null, StatusCode::OK).await;
    let called = giulia.call_next("lt-stanza-4").await.expect("the salute ticket is called");
    assert_eq!(called["desk_label"], "Ambulatorio", "staff see the room's name: {called}");

    let mut public = String::new();
    while let Some(m) = stream.next(std::time::Duration::from_millis(500)).await {
        public.push_str(&m.data);
    }
    let (_, snapshot) = display.get(&format!("/api/v1/sites/{LIVORNO}/display")).await;
    let token = ticket["token"].as_str().expect("a token");
    let page = server.client().answer(server.client().request(tests::Method::GET, &format!("/t/{token}"))).await;
    assert_eq!(page.status, StatusCode::OK);
    for (what, text) in [("stream", public.clone()), ("snapshot", snapshot.to_string()), ("ticket page", page.body)] {
        assert!(!text.to_lowercase().contains("ambulatorio"), "{what} names the room: {text}");
        assert!(text.contains("Stanza 4"), "{what} has the public label: {text}");
    }
    let (_, desks) = giulia.get(&format!("/api/v1/sites/{LIVORNO}/colleagues")).await;
    assert!(desks.to_string().contains("Ambulatorio"), "{desks}");
    server.stop().await;
}
