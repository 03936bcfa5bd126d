//! Issue 16: booking a follow-up from the desk page, in a real headless chromium against the real
//! server: only services that take bookings, the next open day, free times as buttons, the code
//! large with its QR and a slip to print, a taken time refused in words; the day's list by time with
//! Move and Cancel; a check-in at the kiosk shows in the list. Axe-clean with the panel open.

use crate::web_pages::login_at_desk;
use jiff::Timestamp;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use tests::browser::{Driver, Session};
use tests::{LIVORNO, StatusCode, TestServer};

fn row(id: &str) -> String {
    format!("document.querySelector('#ap-list tr[data-id=\"{id}\"]')")
}

async fn set_value(s: &Session, id: &str, value: &str) {
    s.js(
        "var e = document.getElementById(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change'));",
        json!([id, value]),
    )
    .await;
}

async fn day_list(staff: &tests::Client, date: &str) -> Vec<Value> {
    let (st, list) = staff.get(&format!("/api/v1/sites/{LIVORNO}/appointments?date={date}")).await;
    assert_eq!(st, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn book_a_follow_up_check_in_move_and_cancel_on_the_desk_page() {
    let Some(driver) = Driver::start().await else { return };
    // The browser's clock is the machine's, so the form's next open day is tomorrow; the server's
    // clock stands at 07:00 on that day (so that moving it to the check-in keeps the session).
    let rome = jiff::tz::TimeZone::get("Europe/Rome").unwrap();
    let tomorrow = Timestamp::now().to_zoned(rome.clone()).date().tomorrow().unwrap();
    let day = tomorrow.to_string();
    let seven = tomorrow.at(7, 0, 0, 0).to_zoned(rome).unwrap().timestamp();
    let now = Arc::new(AtomicI64::new(seven.as_millisecond()));
    let data = tempfile::tempdir().unwrap();
    let mut opts = TestServer::options(tests::test_config_dir(), &data);
    let clock = now.clone();
    opts.clock = Some(Arc::new(move || Timestamp::from_millisecond(clock.load(Ordering::SeqCst)).unwrap()));
    let server = TestServer::start_opts(opts, data).await;
    let staff = server.staff("giulia").await;
    let kiosk = server.kiosk(LIVORNO).await;
    let s = driver.session("desk-appointments").await;
    s.set_size(1366, 900).await;
    login_at_desk(&s, &server.url, "giulia", "lt-sportello-1").await;

    // The form: only `lavoro` takes bookings; the date is the next open day (tomorrow: the test
    // site takes bookings every day); one slot (30 min) by default; the site's colleagues.
    s.click("#ap-new summary").await;
    s.wait("the free times", "document.querySelector('#ap-slots button[data-start=\"09:00\"]')").await;
    let services = s.js("return Array.prototype.map.call(document.getElementById('ap-service').options, function (o) { return o.value; })", json!([])).await;
    assert_eq!(services, json!(["lavoro"]));
    assert_eq!(s.js("return document.getElementById('ap-date').value", json!([])).await, json!(day));
    assert_eq!(s.js("return document.getElementById('ap-duration').value", json!([])).await, json!("30"));
    let times = s.js("return Array.prototype.map.call(document.querySelectorAll('#ap-slots button'), function (b) { return b.textContent; })", json!([])).await;
    assert_eq!(times, json!(["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]));
    let offered = s.js("return Array.prototype.filter.call(document.getElementById('ap-mediator').options, function (o) { return !o.hidden && o.value; }).map(function (o) { return o.value; })", json!([])).await;
    let (_, sites) = server.client().get("/api/v1/sites").await;
    let site = sites.as_array().unwrap().iter().find(|x| x["id"] == LIVORNO).unwrap().clone();
    assert_eq!(offered, site["languages"], "the site's languages");
    s.wait("colleagues for a second professional", "document.getElementById('ap-second').options.length > 1").await;
    let second = s.js("return document.getElementById('ap-second').options[1].value", json!([])).await;
    let second = second.as_str().unwrap().to_owned();
    assert_ne!(second, "giulia");
    set_value(&s, "ap-mediator", "ar").await;
    set_value(&s, "ap-second", &second).await;

    // Book 09:00: the code large, grouped, with its QR; "Print slip" prints.
    s.click("#ap-slots button[data-start=\"09:00\"]").await;
    s.wait(
        "the slip with its QR",
        "!document.getElementById('ap-slip').hidden && document.getElementById('ap-qr').complete \
         && document.getElementById('ap-qr').naturalWidth > 0",
    )
    .await;
    let code = s.text("#ap-code").await;
    let groups: Vec<usize> = code.split(' ').map(str::len).collect();
    assert_eq!(groups, [4, 4, 1], "grouped XXXX XXXX C: {code}");
    assert!(queue_core::code::Code::parse(&code).is_ok(), "{code}");
    // The code above is random: about one in eight ends in a check symbol. The grouping of one
    // ending in each of them, and in a digit and a letter, keeps that symbol.
    for value in [0u64, 10, 32, 33, 34, 35, 36] {
        let code = queue_core::code::Code::from_value(value).unwrap();
        let wire = code.to_string();
        let shown = s.js("return SportelloDesk.groupCode(arguments[0])", json!([wire])).await;
        let shown = shown.as_str().unwrap();
        assert_eq!(shown, wire.replace('-', " "), "the slip shows every character of {wire}");
        assert_eq!(queue_core::code::Code::parse(shown), Ok(code), "{shown}");
    }
    assert!(s.text("#ap-when").await.contains("09:00"), "{}", s.text("#ap-when").await);
    assert!(s.text("#ap-what").await.contains("Help finding work"), "{}", s.text("#ap-what").await);
    assert!(s.text("#message").await.starts_with("Booked"), "{}", s.text("#message").await);
    let qr_alt = s.js("return document.getElementById('ap-qr').alt", json!([])).await;
    assert!(qr_alt.as_str().unwrap().contains(&code), "{qr_alt}");
    s.js("window.__printed = 0; window.print = function () { window.__printed++; };", json!([])).await;
    s.click("#ap-print").await;
    assert_eq!(s.js("return window.__printed", json!([])).await, json!(1));
    let big = s.js("return parseFloat(getComputedStyle(document.getElementById('ap-code')).fontSize)", json!([])).await;
    assert!(big.as_f64().unwrap() >= 36.0, "the code is large: {big}px");
    let shot = s.screenshot("desk-appointment-booked").await;
    let violations = s.axe_serious().await;
    assert!(violations.is_empty(), "axe with the booking panel open: {violations:#?}");

    // Two desks serve `lavoro`: both 09:30 places go behind the page's back; the page's 09:30
    // button then gets "taken" in words, and the form stays.
    s.wait("09:30 still offered", "document.querySelector('#ap-slots button[data-start=\"09:30\"]')").await;
    let mut others = Vec::new();
    for _ in 0..2 {
        let b = staff
            .post_ok(
                &format!("/api/v1/sites/{LIVORNO}/appointments"),
                json!({"service": "lavoro", "start": format!("{day}T09:30")}),
                StatusCode::CREATED,
            )
            .await;
        others.push(b["id"].as_str().unwrap().to_owned());
    }
    s.click("#ap-slots button[data-start=\"09:30\"]").await;
    s.wait("the refusal", "document.getElementById('ap-error').textContent.indexOf('just been taken') >= 0").await;
    assert!(
        !s.js("return document.getElementById('ap-form').offsetParent === null", json!([])).await.as_bool().unwrap()
    );
    s.wait("09:30 no longer offered", "!document.querySelector('#ap-slots button[data-start=\"09:30\"]')").await;
    assert_eq!(day_list(&staff, &day).await.len(), 3, "the refused booking stored nothing");

    // The day's list: by time, with the hint, service, length, second professional, mediator, state.
    set_value(&s, "ap-day", &day).await;
    s.wait("three bookings listed", "document.querySelectorAll('#ap-list tbody tr').length === 3").await;
    let list = day_list(&staff, &day).await;
    let mine = list.iter().find(|b| b["start"] == format!("{day}T09:00")).unwrap().clone();
    let mine_id = mine["id"].as_str().unwrap().to_owned();
    assert_eq!(code[..2], *mine["code_hint"].as_str().unwrap());
    let cells = s.js(&format!("return {}.innerText", row(&mine_id)), json!([])).await;
    let cells = cells.as_str().unwrap();
    for want in ["09:00", &format!("{}…", &code[..2]), "Help finding work", "30 min", "العربية", "booked"] {
        assert!(cells.contains(want), "{want} in {cells}");
    }
    let order = s.js("return Array.prototype.map.call(document.querySelectorAll('#ap-list tbody th'), function (t) { return t.textContent; })", json!([])).await;
    assert_eq!(order, json!(["09:00", "09:30", "09:30"]));

    // Move one 09:30 to 10:00 from the page; cancel the other, after a confirm.
    s.click(&format!("#ap-list tr[data-id=\"{}\"] button.ap-move", others[0])).await;
    s.wait("the move dialog's times", "document.getElementById('ap-move-dialog').open && document.querySelector('#ap-move-slots button[data-start=\"10:00\"]')").await;
    s.click("#ap-move-slots button[data-start=\"10:00\"]").await;
    s.wait("moved", &format!("{}.querySelector('th').textContent === '10:00'", row(&others[0]))).await;
    assert!(!s.js("return document.getElementById('ap-move-dialog').open", json!([])).await.as_bool().unwrap());
    s.click(&format!("#ap-list tr[data-id=\"{}\"] button.ap-cancel", others[1])).await;
    s.wait("the confirm", "document.getElementById('ap-cancel-dialog').open").await;
    assert_eq!(
        day_list(&staff, &day).await.iter().filter(|b| b["state"] == "cancelled").count(),
        0,
        "not before the confirm"
    );
    s.click("#ap-cancel-yes").await;
    s.wait("cancelled", &format!("{}.dataset.state === 'cancelled'", row(&others[1]))).await;
    assert!(s.text("#ap-msg").await.contains("free again"), "{}", s.text("#ap-msg").await);
    let list = day_list(&staff, &day).await;
    let state =
        |id: &str| list.iter().find(|b| b["id"] == id).map(|b| (b["start"].clone(), b["state"].clone())).unwrap();
    assert_eq!(state(&others[0]), (json!(format!("{day}T10:00")), json!("booked")));
    assert_eq!(state(&others[1]).1, json!("cancelled"));

    // At the kiosk, ten minutes before 09:00: the code checks in; the page's list says so.
    let at = mine["start_at"].as_str().unwrap().parse::<Timestamp>().unwrap();
    now.store(at.as_millisecond() - 10 * 60_000, Ordering::SeqCst);
    let (st, ticket) = kiosk
        .post(&format!("/api/v1/sites/{LIVORNO}/appointments/check-in"), json!({"code": code, "language": "ar"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{ticket}");
    assert_eq!(ticket["priority"], "appointment");
    s.wait("checked in on the page", &format!("{}.dataset.state === 'checked_in'", row(&mine_id))).await;
    assert!(
        s.js(&format!("return {}.innerText", row(&mine_id)), json!([])).await.as_str().unwrap().contains("checked in")
    );
    assert!(
        s.js("return document.getElementById('login').hidden", json!([])).await.as_bool().unwrap(),
        "still logged in"
    );
    s.js("document.getElementById('appts').scrollIntoView()", json!([])).await;
    let day_shot = s.screenshot("desk-appointments-day").await;
    let violations = s.axe_serious().await;
    assert!(violations.is_empty(), "axe with the day's list: {violations:#?}");
    println!("screenshots: {} {}", shot.display(), day_shot.display());
    s.close().await;
    driver.stop().await;
    server.stop().await;
}
