//! Issue #20: snapshots of the wire contract the kiosk, the display, the desk page and phones
//! depend on: the JSON bodies of API v1 and every Server-Sent Event on the public (display) and
//! the staff stream, from one scripted morning. Volatile values (ids, times, tokens, waits that
//! depend on measured times) are masked by their JSON type, so a renamed, removed, added or
//! retyped field shows in review as a change under `tests/e2e/wire/`.
//!
//! After an intended change: `UPDATE_EXPECT=1 cargo test -p tests --test e2e wire`, then read the diff.

use expect_test::expect_file;
use serde_json::{Value, json};
use std::time::Duration;
use tests::{LIVORNO, SseMessage, StatusCode, Stream, TestServer};

/// Keys whose values change from run to run; their values become `"<type>"`.
const VOLATILE: &[&str] = &[
    "id",
    "ticket_id",
    "at",
    "issued_at",
    "expires_at",
    "token",
    "csrf_token",
    "status_url",
    "estimated_wait_s",
    "estimated_wait_range_s",
    "longest_wait_s",
    "last_event_id",
    "day",
    "queued_at",
    "called_at",
    "since",
    // Seconds since: 0 or 1 depending on the machine's load.
    "waited_s",
    "held_s",
    "raised_at",
    "acknowledged_at",
    "closes_at",
];

/// Keys that hold an id when their value is a string (`ticket` is an object in stream events).
const VOLATILE_STRINGS: &[&str] = &["ticket"];

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "<bool>",
        Value::Number(_) => "<number>",
        Value::String(_) => "<string>",
        Value::Array(_) => "<array>",
        Value::Object(_) => "<object>",
    }
}

fn mask(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                let string_id = VOLATILE_STRINGS.contains(&k.as_str()) && x.is_string();
                if (VOLATILE.contains(&k.as_str()) && !x.is_null()) || string_id {
                    *x = Value::String(type_of(x).to_owned());
                } else {
                    mask(x);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

fn pretty(mut v: Value) -> String {
    mask(&mut v);
    serde_json::to_string_pretty(&v).expect("JSON") + "\n"
}

/// A stream in review-sized form: the order of its events, then the first message of each
/// event type with its `id` (masked) and masked `data`.
fn transcript(messages: &[SseMessage]) -> String {
    let order: Vec<&str> = messages.iter().map(|m| m.event.as_str()).collect();
    let mut out = format!("order: {}\n\n", order.join(", "));
    let mut shown = std::collections::BTreeSet::new();
    for m in messages.iter().filter(|m| shown.insert(m.event.as_str())) {
        let id = if m.id.is_some() { "id: <number>\n" } else { "" };
        out += &format!("{id}event: {}\ndata: {}\n", m.event, pretty(tests::data(m)));
    }
    out
}

/// Every message up to and including the `queue.updated` that follows the event with id `last`
/// (the desk closing, the script's last command); heartbeats come at their own times and are
/// left out.
async fn until(stream: &mut Stream, last: u64) -> Vec<SseMessage> {
    let mut got = Vec::new();
    let mut seen_last = false;
    loop {
        let m = stream.next(Duration::from_secs(10)).await.unwrap_or_else(|| panic!("stream ended after {got:#?}"));
        if m.event == "heartbeat" {
            continue;
        }
        let done = seen_last && m.event == "queue.updated";
        seen_last |= m.id_u64() == Some(last);
        got.push(m);
        if done {
            return got;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wire_contract_of_bodies_and_events() {
    let server = TestServer::start().await;
    let admin = server.staff("admin").await;
    let screen = server.display(LIVORNO).await;
    let mut public = screen.events(LIVORNO, None).await;
    let mut staff = admin.events(LIVORNO, None).await;
    let kiosk = server.kiosk(LIVORNO).await;
    let giulia = server.staff("giulia").await;
    let tickets = format!("/api/v1/sites/{LIVORNO}/tickets");

    let (status, login) =
        server.client().post("/api/v1/session", json!({"username": "giulia", "password": tests::PASSWORD})).await;
    assert_eq!(status, StatusCode::OK);
    expect_file!["wire/login.json"].assert_eq(&pretty(login));
    let (_, info) = kiosk.get(&format!("/api/v1/sites/{LIVORNO}/kiosk")).await;
    expect_file!["wire/kiosk_info.json"].assert_eq(&pretty(info));
    let (_, sites) = server.client().get("/api/v1/sites").await;
    expect_file!["wire/sites.json"].assert_eq(&pretty(sites));

    // The morning: a desk opens, four people take tickets, one asks for help.
    let desk = giulia.post_ok("/api/v1/desks/lt-sportello-1/open", Value::Null, StatusCode::OK).await;
    expect_file!["wire/desk.json"].assert_eq(&pretty(desk));
    let issued = kiosk
        .issue(LIVORNO, json!({"service": "lavoro", "language": "ar", "needs": ["mediator:ar"], "party_size": 2}))
        .await;
    expect_file!["wire/issue.json"].assert_eq(&pretty(issued.clone()));
    let absent = kiosk.issue(LIVORNO, json!({"service": "lavoro", "language": "uk"})).await;
    let held = kiosk.issue(LIVORNO, json!({"service": "residenza", "language": "fr"})).await;
    let leaves = kiosk.issue(LIVORNO, json!({"service": "computer"})).await;
    kiosk
        .post_ok(&format!("/api/v1/sites/{LIVORNO}/alerts"), json!({"kind": "help_requested"}), StatusCode::ACCEPTED)
        .await;
    let token = issued["token"].as_str().unwrap();
    let (_, public_ticket) = server.client().get(&format!("/api/v1/public/tickets/{token}")).await;
    expect_file!["wire/public_ticket.json"].assert_eq(&pretty(public_ticket));
    let (_, queues) = giulia.get(&format!("/api/v1/sites/{LIVORNO}/queues")).await;
    expect_file!["wire/queues.json"].assert_eq(&pretty(queues));

    // Every transition once.
    let id = |t: &Value| t["id"].as_str().unwrap().to_owned();
    let called = giulia.call_next("lt-sportello-1").await.unwrap();
    expect_file!["wire/call_next.json"].assert_eq(&pretty(called.clone()));
    assert_eq!(called["id"], issued["id"]);
    for action in ["recall", "start", "finish"] {
        giulia.act(&id(&issued), action).await;
    }
    assert_eq!(giulia.call_next("lt-sportello-1").await.unwrap()["id"], absent["id"]);
    giulia.act(&id(&absent), "no-show").await;
    assert_eq!(giulia.call_next("lt-sportello-1").await.unwrap()["id"], held["id"]);
    giulia.act(&id(&held), "hold").await;
    giulia.act(&id(&held), "return").await;
    assert_eq!(giulia.call_next("lt-sportello-1").await.unwrap()["id"], held["id"]);
    giulia
        .post_ok(
            &format!("/api/v1/tickets/{}/transfer", id(&held)),
            json!({"service": "sociale", "keep_position": true}),
            StatusCode::OK,
        )
        .await;
    admin.act(&id(&leaves), "cancel").await;
    let (_, display) = screen.get(&format!("/api/v1/sites/{LIVORNO}/display")).await;
    expect_file!["wire/display_snapshot.json"].assert_eq(&pretty(display));
    let (_, ticket) = giulia.get(&format!("/api/v1/tickets/{}", id(&issued))).await;
    expect_file!["wire/ticket.json"].assert_eq(&pretty(ticket));
    let (_, desks) = giulia.get(&format!("/api/v1/sites/{LIVORNO}/desks")).await;
    expect_file!["wire/desks.json"].assert_eq(&pretty(desks));
    let (_, waiting) = giulia.get(&format!("/api/v1/sites/{LIVORNO}/waiting")).await;
    expect_file!["wire/waiting.json"].assert_eq(&pretty(waiting));
    giulia.post_ok("/api/v1/desks/lt-sportello-1/close", Value::Null, StatusCode::OK).await;
    let (_, closed) = admin.get(&format!("/api/v1/sites/{LIVORNO}/display")).await;
    let last = closed["last_event_id"].as_u64().expect("the id of the desk closing");

    // Errors: our body for a refused transition, an unknown ticket, a body of the wrong shape.
    let (s409, refused) = giulia.post_empty(&format!("/api/v1/tickets/{}/start", id(&issued))).await;
    let (s404, unknown) = giulia.post_empty("/api/v1/tickets/01NOSUCHTICKET/start").await;
    let (s422, shape) = kiosk.post(&tickets, json!({"service": "lavoro", "name": "Mario"})).await;
    assert_eq!((s409, s404, s422), (StatusCode::CONFLICT, StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY));
    expect_file!["wire/errors.json"].assert_eq(&pretty(json!({"409": refused, "404": unknown, "422": shape})));

    // The streams, event by event; then a heartbeat and a resync.
    expect_file!["wire/public_stream.txt"].assert_eq(&transcript(&until(&mut public, last).await));
    expect_file!["wire/staff_stream.txt"].assert_eq(&transcript(&until(&mut staff, last).await));
    let heartbeat = loop {
        let m = public.next(Duration::from_secs(5)).await.expect("a heartbeat every second");
        if m.event == "heartbeat" {
            break m;
        }
    };
    let mut lost = screen.events(LIVORNO, Some(999_999)).await;
    let resync = lost.next_with_id(Duration::from_secs(5)).await.expect("a resync");
    expect_file!["wire/heartbeat_and_resync.txt"].assert_eq(&transcript(&[heartbeat, resync]));
    server.stop().await;
}
