//! Issue 16: booking follow-ups without personal data (slots, the cap, taken slots, cancel, move)
//! and checking in at the kiosk with the code (the window's edges, single use, wrong codes).

use jiff::Timestamp;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use tests::{Client, LIVORNO, StatusCode, TestServer};

/// A server whose clock the test sets: starts at 08:00 site-local on Tuesday 2 March 2027 (UTC+1).
async fn server_at(start: &str) -> (TestServer, Arc<AtomicI64>) {
    let now = Arc::new(AtomicI64::new(start.parse::<Timestamp>().unwrap().as_millisecond()));
    let data = tempfile::tempdir().unwrap();
    let mut opts = TestServer::options(tests::test_config_dir(), &data);
    let clock = now.clone();
    opts.clock = Some(Arc::new(move || Timestamp::from_millisecond(clock.load(Ordering::SeqCst)).unwrap()));
    (TestServer::start_opts(opts, data).await, now)
}

fn set(clock: &AtomicI64, at: &str) {
    clock.store(at.parse::<Timestamp>().unwrap().as_millisecond(), Ordering::SeqCst);
}

const DAY: &str = "2027-03-02";

async fn slots(staff: &Client, query: &str) -> Value {
    let (status, body) = staff.get(&format!("/api/v1/sites/{LIVORNO}/appointments/slots?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn book(staff: &Client, body: Value) -> (StatusCode, Value) {
    staff.post(&format!("/api/v1/sites/{LIVORNO}/appointments"), body).await
}

async fn book_ok(staff: &Client, time: &str, duration: u32) -> Value {
    let (status, b) =
        book(staff, json!({"service": "lavoro", "start": format!("{DAY}T{time}"), "duration_min": duration})).await;
    assert_eq!(status, StatusCode::CREATED, "{time}: {b}");
    b
}

fn code_of(status: StatusCode, body: &Value) -> String {
    format!("{status} {}", body["error"]["code"].as_str().unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn booking_slots_cap_cancel_and_move() {
    let (server, _clock) = server_at("2027-03-02T07:00:00Z").await;
    let staff = server.staff("giulia").await;
    // 09:00–12:00 in 30-minute slots, two desks serve `lavoro`, 50 %: 6 of 12 slot-units.
    let s = slots(&staff, &format!("service=lavoro&date={DAY}")).await;
    assert_eq!(s["slots"], json!(["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]), "{s}");
    assert_eq!((s["cap_units"].as_u64(), s["used_units"].as_u64()), (Some(6), Some(0)));

    let first = book_ok(&staff, "09:00", 30).await;
    let code = first["code"].as_str().unwrap().to_owned();
    assert!(queue_core::code::Code::parse(&code).is_ok(), "{code}");
    assert_eq!(first["code_hint"], code[..2]);
    assert_eq!(first["state"], "booked");
    assert_eq!(first["start_at"], "2027-03-02T08:00:00Z");
    assert_eq!(first["booked_by"], "giulia");
    book_ok(&staff, "09:00", 30).await;
    // Both desks are booked at 09:00.
    let (st, b) = book(&staff, json!({"service": "lavoro", "start": format!("{DAY}T09:00")})).await;
    assert_eq!(code_of(st, &b), "409 Conflict slot_taken", "{b}");
    let s = slots(&staff, &format!("service=lavoro&date={DAY}")).await;
    assert_eq!(s["slots"], json!(["09:30", "10:00", "10:30", "11:00", "11:30"]));
    // An hour takes two slots: 11:30 would end after the hours.
    let s = slots(&staff, &format!("service=lavoro&date={DAY}&duration_min=60")).await;
    assert_eq!(s["slots"], json!(["09:30", "10:00", "10:30", "11:00"]));

    book_ok(&staff, "10:00", 60).await;
    let moving = book_ok(&staff, "09:30", 30).await;
    // Five of six units are booked: an hour no longer fits anywhere, half an hour still does.
    let s = slots(&staff, &format!("service=lavoro&date={DAY}&duration_min=60")).await;
    assert_eq!((s["slots"].as_array().unwrap().len(), s["used_units"].as_u64()), (0, Some(5)), "{s}");
    let (st, b) = book(&staff, json!({"service": "lavoro", "start": format!("{DAY}T11:00"), "duration_min": 60})).await;
    assert_eq!(code_of(st, &b), "409 Conflict appointment_cap_reached", "{b}");
    let last = book_ok(&staff, "11:30", 30).await;
    let (st, b) = book(&staff, json!({"service": "lavoro", "start": format!("{DAY}T11:00")})).await;
    assert_eq!(code_of(st, &b), "409 Conflict appointment_cap_reached", "{b}");

    // The day's list: by time, only hints.
    let (st, list) = staff.get(&format!("/api/v1/sites/{LIVORNO}/appointments?date={DAY}")).await;
    assert_eq!(st, StatusCode::OK);
    let starts: Vec<&str> = list.as_array().unwrap().iter().map(|b| b["start"].as_str().unwrap()).collect();
    assert_eq!(
        starts,
        ["2027-03-02T09:00", "2027-03-02T09:00", "2027-03-02T09:30", "2027-03-02T10:00", "2027-03-02T11:30"]
    );
    assert!(
        list.as_array().unwrap().iter().all(|b| b.get("code").is_none() && b["code_hint"].as_str().unwrap().len() == 2)
    );

    // Move: onto a taken slot refused and nothing changed; then to a free one.
    let id = moving["id"].as_str().unwrap();
    let (st, b) =
        staff.post(&format!("/api/v1/appointments/{id}/move"), json!({"start": format!("{DAY}T09:00")})).await;
    assert_eq!(code_of(st, &b), "409 Conflict slot_taken", "{b}");
    let (st, b) =
        staff.post(&format!("/api/v1/appointments/{id}/move"), json!({"start": format!("{DAY}T09:10")})).await;
    assert_eq!(code_of(st, &b), "422 Unprocessable Entity invalid_request", "{b}");
    let (_, list) = staff.get(&format!("/api/v1/sites/{LIVORNO}/appointments?date={DAY}")).await;
    assert_eq!(list[2]["id"], id);
    assert_eq!(list[2]["start"], "2027-03-02T09:30");
    let moved = staff
        .post_ok(&format!("/api/v1/appointments/{id}/move"), json!({"start": format!("{DAY}T11:00")}), StatusCode::OK)
        .await;
    assert_eq!(moved["start"], "2027-03-02T11:00");
    let s = slots(&staff, &format!("service=lavoro&date={DAY}")).await;
    assert_eq!(s["slots"], json!([]), "still at the cap: {s}");

    // Cancel frees the slot (and a unit of the cap); twice is refused.
    let id = first["id"].as_str().unwrap();
    let c = staff.post_ok(&format!("/api/v1/appointments/{id}/cancel"), json!({}), StatusCode::OK).await;
    assert_eq!(c["state"], "cancelled");
    let (st, b) = staff.post(&format!("/api/v1/appointments/{id}/cancel"), json!({})).await;
    assert_eq!(code_of(st, &b), "409 Conflict appointment_not_booked", "{b}");
    let s = slots(&staff, &format!("service=lavoro&date={DAY}")).await;
    assert_eq!(s["slots"], json!(["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]), "{s}");
    let (st, b) = staff
        .post(
            &format!("/api/v1/appointments/{}/move", last["id"].as_str().unwrap()),
            json!({"start": format!("{DAY}T09:00")}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");

    // Bad input: clear errors, nothing stored.
    let bad = [
        (json!({"service": "lavoro", "start": "2027-03-02 9:00"}), "422 Unprocessable Entity invalid_request"),
        (json!({"service": "lavoro", "start": "2027-03-01T09:00"}), "422 Unprocessable Entity invalid_request"),
        (json!({"service": "lavoro", "start": format!("{DAY}T12:00")}), "422 Unprocessable Entity invalid_request"),
        (
            json!({"service": "lavoro", "start": format!("{DAY}T09:00"), "duration_min": 0}),
            "422 Unprocessable Entity invalid_request",
        ),
        (json!({"service": "residenza", "start": format!("{DAY}T09:00")}), "422 Unprocessable Entity invalid_request"),
        (json!({"service": "nessuno", "start": format!("{DAY}T09:00")}), "404 Not Found not_found"),
        (
            json!({"service": "lavoro", "start": format!("{DAY}T09:00"), "second_staff": "nobody"}),
            "422 Unprocessable Entity invalid_request",
        ),
        (
            json!({"service": "lavoro", "start": format!("{DAY}T09:00"), "mediator_language": "xx"}),
            "422 Unprocessable Entity invalid_request",
        ),
        (
            json!({"service": "lavoro", "start": format!("{DAY}T09:00"), "name": "Mario Rossi"}),
            "422 Unprocessable Entity invalid_request",
        ),
    ];
    for (body, want) in bad {
        let (st, b) = book(&staff, body.clone()).await;
        assert_eq!(code_of(st, &b), want, "{body}: {b}");
    }
    let (st, _) = staff.get(&format!("/api/v1/sites/{LIVORNO}/appointments/slots?service=lavoro&date=2027-3-2")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _) = staff.post("/api/v1/appointments/01AAAAAAAAAAAAAAAAAAAAAAAA/cancel", json!({})).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, list) = staff.get(&format!("/api/v1/sites/{LIVORNO}/appointments?date={DAY}")).await;
    assert_eq!(list.as_array().unwrap().len(), 5, "{list}");

    // With a mediator and a second professional.
    let (st, b) = book(&staff, json!({"service": "lavoro", "start": format!("{DAY}T09:30"), "mediator_language": "ar", "second_staff": "responsabile"})).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    assert_eq!((b["mediator_language"].as_str(), b["second_staff"].as_str()), (Some("ar"), Some("responsabile")));

    // The database holds no code in clear.
    let data = server.stop().await;
    let mut bytes = Vec::new();
    for f in std::fs::read_dir(data.path()).unwrap() {
        let p = f.unwrap().path();
        if p.to_string_lossy().contains("sqlite3") {
            bytes.extend(std::fs::read(&p).unwrap());
        }
    }
    let canonical = code.replace('-', "");
    for needle in [code.as_str(), canonical.as_str()] {
        assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} is stored in clear");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_in_window_single_use_and_wrong_codes() {
    let (server, clock) = server_at("2027-03-02T07:00:00Z").await;
    let staff = server.staff("giulia").await;
    let kiosk = server.kiosk(LIVORNO).await;
    let a = book_ok(&staff, "09:00", 30).await;
    let b = book_ok(&staff, "09:30", 30).await;
    let c = book_ok(&staff, "09:30", 30).await;
    let check_in = |code: &Value, language: &str| {
        let body = json!({"code": code.as_str().unwrap(), "language": language});
        let kiosk = kiosk.clone();
        async move { kiosk.post(&format!("/api/v1/sites/{LIVORNO}/appointments/check-in"), body).await }
    };
    // The window is [09:00 − 30 min, 09:00 + 15 min], both ends included (UTC+1).
    set(&clock, "2027-03-02T07:29:59Z");
    let (st, body) = check_in(&a["code"], "ar").await;
    assert_eq!(code_of(st, &body), "409 Conflict too_early", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("08:30"), "{body}");
    set(&clock, "2027-03-02T07:30:00Z");
    let (st, t) = check_in(&a["code"], "ar").await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    assert_eq!(
        (t["priority"].as_str(), t["service"].as_str(), t["language"].as_str()),
        (Some("appointment"), Some("lavoro"), Some("ar"))
    );
    assert!(t["token"].is_string() && t["number"].as_str().unwrap().starts_with('D'), "{t}");
    let (st, body) = check_in(&a["code"], "ar").await;
    assert_eq!(code_of(st, &body), "409 Conflict code_used", "{body}");
    let (_, list) = staff.get(&format!("/api/v1/sites/{LIVORNO}/appointments?date={DAY}")).await;
    assert_eq!(list[0]["state"], "checked_in");

    // 09:30 + 15 min is still in; a second later is late: a normal ticket is offered, staff told.
    set(&clock, "2027-03-02T08:45:00Z");
    let typed = b["code"].as_str().unwrap().to_lowercase().replace('-', " ");
    let (st, t) = check_in(&json!(typed), "it").await;
    assert_eq!(st, StatusCode::CREATED, "typed tolerantly: {t}");
    set(&clock, "2027-03-02T08:45:01Z");
    let (st, body) = check_in(&c["code"], "it").await;
    assert_eq!(code_of(st, &body), "409 Conflict too_late", "{body}");
    let (_, alerts) = staff.get(&format!("/api/v1/sites/{LIVORNO}/alerts")).await;
    let late: Vec<&Value> = alerts.as_array().unwrap().iter().filter(|a| a["kind"] == "appointment_late").collect();
    assert_eq!(late.len(), 1, "{alerts}");
    assert!(late[0]["message"].as_str().unwrap().contains("09:30"), "{alerts}");
    let (_, list) = staff.get(&format!("/api/v1/sites/{LIVORNO}/appointments?date={DAY}")).await;
    assert_eq!(list[2]["state"], "missed", "{list}");

    // A language the site does not offer; a mistyped code; a code of no booking.
    let (st, body) = check_in(&a["code"], "zz").await;
    assert_eq!(code_of(st, &body), "422 Unprocessable Entity invalid_request", "{body}");
    let mut wrong = a["code"].as_str().unwrap().to_owned();
    wrong.replace_range(0..1, if wrong.starts_with('0') { "1" } else { "0" });
    let (st, body) = check_in(&json!(wrong), "it").await;
    assert_eq!(code_of(st, &body), "422 Unprocessable Entity code_mistyped", "{body}");
    let unknown = queue_core::code::Code::from_value(12345).unwrap().to_string();
    let (st, body) = check_in(&json!(unknown), "it").await;
    assert_eq!(code_of(st, &body), "404 Not Found unknown_code", "{body}");
    // Ten wrong codes a minute, then the kiosk waits (even for a right code).
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(check_in(&json!(unknown), "it").await.0.as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 404).count(), 8, "two wrong codes came before: {statuses:?}");
    assert_eq!(statuses.last(), Some(&429));
    let (st, _) = check_in(&c["code"], "it").await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    // Another kiosk's budget is its own; the display may not check in.
    let (st, _) = server
        .display(LIVORNO)
        .await
        .post(&format!("/api/v1/sites/{LIVORNO}/appointments/check-in"), json!({"code": unknown, "language": "it"}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    server.stop().await;
}

/// The stored outcome of a booking, read from the database file.
fn stored(server: &TestServer, id: &Value) -> (String, Option<i64>, Option<i64>) {
    let c = rusqlite::Connection::open(server.db_path()).unwrap();
    c.query_row("SELECT state, checked_in_ms, missed_ms FROM bookings WHERE id = ?1", [id.as_str().unwrap()], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_shows_and_missed_appointments_are_stored_and_free_their_slot() {
    let (server, clock) = server_at("2027-03-02T07:00:00Z").await;
    let staff = server.staff("giulia").await;
    let kiosk = server.kiosk(LIVORNO).await;
    let a = book_ok(&staff, "09:00", 30).await;
    let b = book_ok(&staff, "09:30", 30).await;
    let c = book_ok(&staff, "10:00", 30).await;
    let free = |list: Value| list["slots"].as_array().unwrap().iter().filter(|s| *s == "09:00").count();

    // Checked in at the kiosk (08:50): the ticket's event is the kiosk's, not the server's.
    set(&clock, "2027-03-02T07:50:00Z");
    let (st, t) = kiosk
        .post(
            &format!("/api/v1/sites/{LIVORNO}/appointments/check-in"),
            json!({"code": a["code"].as_str().unwrap(), "language": "uk"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    let (state, checked_in, _) = stored(&server, &a["id"]);
    assert_eq!((state.as_str(), checked_in), ("checked_in", Some(t_ms("2027-03-02T07:50:00Z"))));
    let issued: String = rusqlite::Connection::open(server.db_path())
        .unwrap()
        .query_row(
            "SELECT data FROM events WHERE type = 'ticket.issued' AND ticket_id = ?1",
            [t["id"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert!(issued.contains("\"actor\":\"device:"), "the kiosk is the actor: {issued}");

    // Its ticket is a no-show: the booking is missed and 09:00 is free again; Undo keeps it.
    staff.post_ok("/api/v1/desks/lt-sportello-1/open", Value::Null, StatusCode::OK).await;
    let called = staff.call_next("lt-sportello-1").await.expect("the appointment is called");
    assert_eq!(called["id"], t["id"]);
    assert_eq!(free(slots(&staff, &format!("service=lavoro&date={DAY}")).await), 1, "two desks: one 09:00 left");
    staff.act(t["id"].as_str().unwrap(), "no-show").await;
    let (state, _, missed) = stored(&server, &a["id"]);
    assert_eq!((state.as_str(), missed.is_some()), ("missed", true));
    let s = slots(&staff, &format!("service=lavoro&date={DAY}")).await;
    assert_eq!(free(s.clone()), 1, "{s}");
    assert_eq!(s["used_units"], 2, "the missed booking takes no capacity: {s}");
    staff.act(t["id"].as_str().unwrap(), "undo").await;
    assert_eq!(stored(&server, &a["id"]).0, "checked_in", "undo of the no-show");
    assert_eq!(slots(&staff, &format!("service=lavoro&date={DAY}")).await["used_units"], 3);
    staff.act(t["id"].as_str().unwrap(), "no-show").await;

    // Nobody came for 09:30: at 09:45 it is still in its window, a second later the clock marks it
    // missed (stored) and tells the colleague who booked it; 10:00 is untouched.
    set(&clock, "2027-03-02T08:45:00Z");
    assert_eq!(server.running.as_ref().unwrap().mark_missed_appointments().await.unwrap(), 0);
    set(&clock, "2027-03-02T08:45:01Z");
    assert_eq!(server.running.as_ref().unwrap().mark_missed_appointments().await.unwrap(), 1);
    assert_eq!(server.running.as_ref().unwrap().mark_missed_appointments().await.unwrap(), 0, "once");
    let (state, _, missed) = stored(&server, &b["id"]);
    assert_eq!((state.as_str(), missed), ("missed", Some(t_ms("2027-03-02T08:45:01Z"))));
    assert_eq!(stored(&server, &c["id"]).0, "booked");
    let (_, alerts) = staff.get(&format!("/api/v1/sites/{LIVORNO}/alerts")).await;
    let missed: Vec<&Value> = alerts.as_array().unwrap().iter().filter(|a| a["kind"] == "appointment_missed").collect();
    assert_eq!(missed.len(), 1, "{alerts}");
    let m = missed[0]["message"].as_str().unwrap();
    assert!(m.contains("09:30") && m.contains("booked by giulia"), "{m}");
    // A missed booking's code no longer checks in.
    let (st, body) = kiosk
        .post(
            &format!("/api/v1/sites/{LIVORNO}/appointments/check-in"),
            json!({"code": b["code"].as_str().unwrap(), "language": "it"}),
        )
        .await;
    assert_eq!(st.as_u16() / 100, 4, "{body}");
    server.stop().await;
}

fn t_ms(at: &str) -> i64 {
    at.parse::<Timestamp>().unwrap().as_millisecond()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_with_two_professionals_is_called_when_both_are_free() {
    let (server, clock) = server_at("2027-03-02T07:00:00Z").await;
    let giulia = server.staff("giulia").await;
    let (st, b) =
        book(&giulia, json!({"service": "lavoro", "start": format!("{DAY}T09:00"), "second_staff": "sara"})).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    set(&clock, "2027-03-02T07:55:00Z");
    let (st, t) = server
        .kiosk(LIVORNO)
        .await
        .post(
            &format!("/api/v1/sites/{LIVORNO}/appointments/check-in"),
            json!({"code": b["code"].as_str().unwrap(), "language": "ro"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    // A kiosk may not ask for a second professional itself.
    let (st, body) = server
        .kiosk(LIVORNO)
        .await
        .post(&format!("/api/v1/sites/{LIVORNO}/tickets"), json!({"service": "lavoro", "needs": ["with:sara"]}))
        .await;
    assert_eq!(code_of(st, &body), "422 Unprocessable Entity invalid_request", "{body}");

    let mut display = server.display(LIVORNO).await.events(LIVORNO, None).await;
    giulia.post_ok("/api/v1/desks/lt-sportello-1/open", Value::Null, StatusCode::OK).await;
    set(&clock, "2027-03-02T08:00:00Z");
    assert!(giulia.call_next("lt-sportello-1").await.is_none(), "sara is not at a desk: the appointment waits");
    let sara = server.staff("sara").await;
    sara.post_ok("/api/v1/desks/lt-sportello-2/open", Value::Null, StatusCode::OK).await;
    let called = giulia.call_next("lt-sportello-1").await.expect("both are free now");
    assert_eq!(called["id"], t["id"]);
    // Sara is told where to go; the display calls the ticket once, at giulia's desk.
    let (_, alerts) = sara.get(&format!("/api/v1/sites/{LIVORNO}/alerts")).await;
    let join: Vec<&Value> = alerts.as_array().unwrap().iter().filter(|a| a["kind"] == "appointment_join").collect();
    assert_eq!(join.len(), 1, "{alerts}");
    let m = join[0]["message"].as_str().unwrap();
    assert!(m.starts_with("sara: please join giulia at Sportello 1") && m.contains("09:00"), "{m}");
    assert!(sara.call_next("lt-sportello-2").await.is_none(), "sara's desk does not call it again");
    let mut calls = 0;
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(2);
    while let Ok(Some(m)) =
        tokio::time::timeout_at(until, display.next_with_id(std::time::Duration::from_secs(2))).await
    {
        if m.event == "ticket.called" {
            calls += 1;
            assert!(!m.data.contains("sara") && !m.data.contains("with:"), "displays show numbers only: {}", m.data);
        }
    }
    assert_eq!(calls, 1, "one call on the display");
    server.stop().await;
}
