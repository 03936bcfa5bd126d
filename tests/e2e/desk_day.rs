//! Issue 19: the desk page through a social worker's day, in a real headless chromium: parked
//! tickets and Call back, alerts at the top of the page until someone goes (through a reload and a
//! restart, the kiosk told), staff names of services beside their public labels, the waiting list
//! in Call next's order with reasons; a frozen server shows "not connected" within seconds with
//! the buttons off. And the API behind it: resume, alerts, the end of the day.

use crate::web_pages::login_at_desk;
use serde_json::{Value, json};
use tests::browser::Driver;
use tests::{LIVORNO, StatusCode, TestServer};

/// The page's beeps, counted: a stand-in for the audio device (headless chromium has none).
const COUNT_BEEPS: &str = "window.__beeps = 0; window.AudioContext = function () { window.__beeps++; return {
    createOscillator: function () { return { frequency: {}, connect: function () {}, start: function () {}, stop: function () {} }; },
    createGain: function () { return { gain: {}, connect: function () {} }; }, destination: {}, currentTime: 0 }; };";

fn row(number: &str) -> String {
    format!("document.querySelector('#waiting tbody tr[data-number=\"{number}\"]')")
}

fn parked(number: &str) -> String {
    format!("document.querySelector('#parked-list li[data-number=\"{number}\"]')")
}

const ALERT_SHOWN: &str = "!document.getElementById('open-alerts').hidden \
     && document.getElementById('open-alerts').classList.contains('flash')";
const ALERT_GONE: &str = "document.getElementById('open-alerts').hidden";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parked_tickets_alerts_and_names_in_a_real_browser() {
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start().await;
    let url = server.url.clone();
    let kiosk = server.kiosk(LIVORNO).await;
    let giulia = driver.session("giulia-day").await;
    let marco = driver.session("marco-day").await;
    giulia.set_size(1366, 768).await;
    marco.set_size(1920, 1080).await;
    login_at_desk(&giulia, &url, "giulia", "lt-sportello-1").await;
    login_at_desk(&marco, &url, "marco", "lt-sportello-2").await;
    // Statistics are for managers: no link for staff.
    assert_eq!(giulia.js("return document.getElementById('stats-link').hidden", json!([])).await, json!(true));

    // The waiting list in the order Call next takes them: the priority group first, saying why,
    // each service by its staff name with the waiting room's label beside it.
    let standard = kiosk.issue(LIVORNO, json!({"service": "lavoro", "language": "it"})).await;
    let priority = kiosk.issue(LIVORNO, json!({"service": "residenza", "priority": "priority"})).await;
    let (n_std, n_pri) = (standard["number"].as_str().unwrap(), priority["number"].as_str().unwrap());
    giulia.wait("both tickets listed", &format!("{} && {}", row(n_std), row(n_pri))).await;
    let first = giulia.js("return document.querySelector('#waiting tbody tr').dataset.number", json!([])).await;
    assert_eq!(first, json!(n_pri), "the list starts with Call next's pick");
    let cells = giulia.js(&format!("return {}.innerText", row(n_pri)), json!([])).await;
    let cells = cells.as_str().unwrap();
    assert!(cells.contains("Residence and documents (Area C)") && cells.contains("priority group"), "{cells}");
    let cells = giulia.js(&format!("return {}.innerText", row(n_std)), json!([])).await;
    assert!(cells.as_str().unwrap().contains("Help finding work (Area D)"), "{cells}");

    // Hold parks the ticket under "Parked" with Call back; Call back calls it to this desk again.
    giulia.click("#call-next").await;
    giulia
        .wait(
            "the priority ticket called",
            &format!("document.getElementById('current-number').textContent === '{n_pri}'"),
        )
        .await;
    giulia.wait("hold enabled", "!document.getElementById('hold').disabled").await;
    giulia.click("#hold").await;
    giulia.wait("the parked ticket", &parked(n_pri)).await;
    assert!(giulia.text("#message").await.contains(&format!("{n_pri} parked")), "{}", giulia.text("#message").await);
    assert!(giulia.text("#parked-list").await.contains("Sportello 1"));
    // Marco sees it parked too (at Giulia's desk), but his own desk is the one to call it back to.
    marco.wait("the parked ticket at Marco's", &parked(n_pri)).await;
    giulia.screenshot("desk-parked-1366").await;
    giulia.wait("call back enabled", &format!("!{}.querySelector('button.call-back').disabled", parked(n_pri))).await;
    giulia.click(&format!("#parked-list li[data-number=\"{n_pri}\"] button.call-back")).await;
    giulia.wait("called back", &format!("document.getElementById('current-number').textContent === '{n_pri}'")).await;
    giulia.wait("the parked list empty", "!document.getElementById('parked-empty').hidden").await;
    let (_, view) =
        server.staff("admin").await.get(&format!("/api/v1/tickets/{}", priority["id"].as_str().unwrap())).await;
    assert_eq!((view["status"].as_str(), view["desk"].as_str()), (Some("called"), Some("lt-sportello-1")), "{view}");
    assert!(view["events"].as_array().unwrap().iter().filter(|e| e["type"] == "ticket.called").count() == 2);

    // "I need help now" at the kiosk: at the top of both pages, flashing, with a sound.
    for s in [&giulia, &marco] {
        s.js(COUNT_BEEPS, json!([])).await;
    }
    let (status, alert) = kiosk
        .post(&format!("/api/v1/sites/{LIVORNO}/alerts"), json!({"kind": "help_requested", "ticket_number": n_std}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{alert}");
    let alert_id = alert["id"].as_str().unwrap().to_owned();
    for s in [&giulia, &marco] {
        s.wait("the open alert", ALERT_SHOWN).await;
        s.wait("a beep", "window.__beeps >= 1").await;
    }
    assert!(giulia.text("#open-alerts-list").await.contains("Help requested at the kiosk"));
    // The manager's live page shows it at its top too. Logged out, the page sends to the login
    // and the login back to it.
    let manager = driver.session("manager-day").await;
    manager.goto(&format!("{url}/stats/live?site={LIVORNO}&lang=en")).await;
    manager.wait("the login form", "!document.getElementById('login').hidden").await;
    manager.type_into("#username", "responsabile").await;
    manager.type_into("#password", tests::PASSWORD).await;
    manager.click("#login-btn").await;
    manager.wait("the alert on the live page", "document.querySelector('#open-alerts li') && document.querySelector('#open-alerts').getBoundingClientRect().top < 40").await;
    assert!(
        manager.text("#open-alerts").await.contains("Help requested at the kiosk"),
        "{}",
        manager.text("#open-alerts").await
    );
    let violations = manager.axe_serious().await;
    assert!(violations.is_empty(), "accessibility violations on /stats/live:\n{}", violations.join("\n"));
    assert!(
        manager.text("#live-queues").await.contains("Legal advice (Area H)"),
        "{}",
        manager.text("#live-queues").await
    );
    manager.screenshot("stats-live-alert").await;
    // Sticky: still at the top with the page scrolled to its end.
    let top = giulia
        .js("window.scrollTo(0, document.body.scrollHeight); return document.getElementById('open-alerts').getBoundingClientRect().top", json!([]))
        .await;
    assert!(top.as_f64().unwrap() <= 1.0, "the alert scrolled away: top {top}");
    giulia.screenshot("desk-alert-1366-scrolled").await;
    giulia.js("window.scrollTo(0, 0)", json!([])).await;
    giulia.screenshot("desk-alert-1366").await;
    marco.screenshot("desk-alert-1920").await;
    let violations = giulia.axe_serious().await;
    assert!(violations.is_empty(), "accessibility violations:\n{}", violations.join("\n"));
    // A reload keeps it; so does a restart of the server.
    giulia.refresh().await;
    giulia.wait("the alert after a reload", ALERT_SHOWN).await;
    let server = server.restart_same_port().await;
    let (_, open) = server.staff("giulia").await.get(&format!("/api/v1/sites/{LIVORNO}/alerts")).await;
    assert_eq!(open.as_array().map(|a| a.len()), Some(1), "{open}");
    marco.refresh().await;
    marco.wait("the alert after a restart", ALERT_SHOWN).await;
    let kiosk = server.kiosk(LIVORNO).await;
    let (_, seen) = kiosk.get(&format!("/api/v1/alerts/{alert_id}")).await;
    assert!(seen["acknowledged_at"].is_null(), "{seen}");

    // Marco goes: the alert leaves both pages, and the kiosk can tell the visitor someone is coming.
    marco.wait("I'm going", "document.querySelector('#open-alerts-list button.going')").await;
    marco.click("#open-alerts-list button.going").await;
    marco.wait("the alert gone at Marco's", ALERT_GONE).await;
    giulia.wait("the alert gone at Giulia's", ALERT_GONE).await;
    let (_, seen) = kiosk.get(&format!("/api/v1/alerts/{alert_id}")).await;
    assert_eq!(seen["acknowledged_by"], "staff:marco", "{seen}");
    assert!(seen["acknowledged_at"].is_string(), "{seen}");
    // A second "I'm going" is told a colleague took it, in the page's language.
    let (status, again) = server.staff("giulia").await.post_empty(&format!("/api/v1/alerts/{alert_id}/ack")).await;
    assert_eq!((status, again["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("unknown_alert")), "{again}");
    marco.screenshot("desk-1920").await;
    manager.refresh().await;
    manager
        .wait(
            "the live page without the alert",
            "document.getElementById('live-queues') && !document.getElementById('open-alerts')",
        )
        .await;
    manager.close().await;

    server.stop().await;
    for s in [giulia, marco] {
        s.close().await;
    }
    driver.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_server_shows_not_connected_within_seconds() {
    let Some(driver) = Driver::start().await else { return };
    let data = tempfile::tempdir().unwrap();
    let program = std::path::Path::new(env!("CARGO_BIN_EXE_sportello-test-server"));
    let server = testkit::process::ServerProcess::spawn(program, &tests::test_config_dir(), data.path());
    let s = driver.session("frozen").await;
    s.set_size(1366, 768).await;
    login_at_desk(&s, &server.url, "giulia", "lt-sportello-1").await;
    s.wait("connected", "document.getElementById('conn').hidden").await;
    // Somebody waits, so a Call next would call them.
    let kiosk = tests::Client::new(&server.url).with_bearer(&tests::kiosk_key(LIVORNO));
    let t = kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    s.wait("the waiting ticket", &row(t["number"].as_str().unwrap())).await;
    let signal = |sig: &str| {
        let ok = std::process::Command::new("kill").args([sig, &server.pid().to_string()]).status().unwrap().success();
        assert!(ok, "kill {sig}");
    };
    // Stopped, not gone: the connection stays open and silent.
    signal("-STOP");
    let stopped = std::time::Instant::now();
    s.wait("the not-connected banner", "!document.getElementById('conn').hidden").await;
    eprintln!("'not connected' shown {:.1} s after the server froze", stopped.elapsed().as_secs_f64());
    let state: Value = s
        .js(
            "var b = document.getElementById('call-next');
             return {disabled: b.disabled, why: b.title, sticky: getComputedStyle(document.getElementById('sticky')).position};",
            json!([]),
        )
        .await;
    assert_eq!(state["disabled"], true, "{state}");
    assert!(state["why"].as_str().unwrap().contains("Not connected"), "{state}");
    assert_eq!(state["sticky"], "sticky", "{state}");
    // A key press meanwhile does nothing.
    s.js("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'n', bubbles: true}))", json!([])).await;
    s.screenshot("desk-frozen-1366").await;
    signal("-CONT");
    s.wait("connected again", "document.getElementById('conn').hidden").await;
    s.wait("call next enabled again", "!document.getElementById('call-next').disabled").await;
    // The N pressed while frozen called nobody.
    let desks = s
        .js_async(
            "var done = arguments[arguments.length - 1];
             fetch('/api/v1/sites/' + arguments[0] + '/desks', {credentials: 'same-origin'})
               .then(function (r) { return r.json(); }).then(done, function (e) { done(String(e)); });",
            json!([LIVORNO]),
        )
        .await;
    let d1 = desks.as_array().unwrap().iter().find(|d| d["id"] == "lt-sportello-1").cloned().unwrap_or_default();
    assert_eq!(d1["status"], "open", "{d1}");
    assert!(d1["current"].is_null(), "a Call next went through while not connected: {d1}");
    s.close().await;
    driver.stop().await;
}

/// Resume through the API: a held ticket comes back called to the desk that parked it; refused
/// (changing nothing) to a closed desk or for a ticket that is not on hold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_calls_a_held_ticket_back() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk(LIVORNO).await;
    let giulia = server.staff("giulia").await;
    giulia.post_ok("/api/v1/desks/lt-sportello-1/open", json!({}), StatusCode::OK).await;
    let t = kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    let id = t["id"].as_str().unwrap();
    giulia.call_next("lt-sportello-1").await.expect("called");
    let (status, body) = giulia.post_empty(&format!("/api/v1/tickets/{id}/resume")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("illegal_transition")), "{body}");
    giulia.act(id, "hold").await;
    // Its waiting-list entry says where and for how long it is parked, with the service's staff name.
    let (_, list) = giulia.get(&format!("/api/v1/sites/{LIVORNO}/waiting?desk=lt-sportello-1")).await;
    let entry = list["tickets"].as_array().unwrap().iter().find(|x| x["id"] == id).cloned().unwrap();
    assert_eq!(
        (entry["status"].as_str(), entry["desk"].as_str()),
        (Some("on_hold"), Some("lt-sportello-1")),
        "{entry}"
    );
    assert!(entry["held_s"].is_u64(), "{entry}");
    assert_eq!(entry["service_name"], "Orientamento al lavoro", "{entry}");
    // To a closed desk: refused, still on hold.
    let (status, body) = giulia.post(&format!("/api/v1/tickets/{id}/resume"), json!({"desk": "lt-sportello-3"})).await;
    assert!(status == StatusCode::CONFLICT || status == StatusCode::FORBIDDEN, "{status} {body}");
    let (_, view) = giulia.get(&format!("/api/v1/tickets/{id}")).await;
    assert_eq!(view["status"], "on_hold");
    let resumed = giulia.post_ok(&format!("/api/v1/tickets/{id}/resume"), json!({}), StatusCode::OK).await;
    assert_eq!(
        (resumed["status"].as_str(), resumed["desk"].as_str()),
        (Some("called"), Some("lt-sportello-1")),
        "{resumed}"
    );
    assert_eq!(resumed["service_name"], "Orientamento al lavoro");
    let (_, desks) = giulia.get(&format!("/api/v1/sites/{LIVORNO}/desks")).await;
    let d1 = desks.as_array().unwrap().iter().find(|d| d["id"] == "lt-sportello-1").unwrap();
    assert_eq!(d1["current"]["id"], id, "{d1}");
    server.stop().await;
}

/// The end of the day: tickets still waiting (or parked) when the day is over expire — the
/// ticket page says the office has closed, statistics count them as expired, never as no-shows —
/// while a ticket at a desk stays with its staff. Open alerts survive the restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_days_open_tickets_expire_at_its_end() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk(LIVORNO).await;
    let giulia = server.staff("giulia").await;
    giulia.post_ok("/api/v1/desks/lt-sportello-1/open", json!({}), StatusCode::OK).await;
    let at_desk = kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    giulia.call_next("lt-sportello-1").await.expect("called");
    let waiting = kiosk.issue(LIVORNO, json!({"service": "lavoro", "language": "en"})).await;
    let (status, alert) =
        kiosk.post(&format!("/api/v1/sites/{LIVORNO}/alerts"), json!({"kind": "help_requested"})).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{alert}");
    // The test site has no opening hours: its day ends at local midnight. Two days later:
    let data = server.stop().await;
    let server = TestServer::start_later(data, jiff::SignedDuration::from_hours(48)).await;
    let giulia = server.staff("giulia").await;
    let wid = waiting["id"].as_str().unwrap().to_owned();
    let status_of = |id: String| {
        let giulia = giulia.clone();
        async move { giulia.get(&format!("/api/v1/tickets/{id}")).await.1["status"].as_str().unwrap_or_default().to_owned() }
    };
    testkit::eventually("the waiting ticket expired", std::time::Duration::from_secs(20), || {
        let s = status_of(wid.clone());
        async move { s.await == "expired" }
    })
    .await;
    assert_eq!(status_of(at_desk["id"].as_str().unwrap().to_owned()).await, "called", "the desk keeps its ticket");
    let (_, view) = giulia.get(&format!("/api/v1/tickets/{wid}")).await;
    assert!(
        view["events"].as_array().unwrap().iter().any(|e| e["type"] == "ticket.expired" && e["actor"] == "system"),
        "{view}"
    );
    // The visitor's page says the day is over.
    let page = server.client().request(tests::Method::GET, waiting["status_url"].as_str().unwrap());
    let page = server.client().answer(page).await;
    assert!(page.body.contains("the office has closed for today"), "{}", page.body);
    let (_, open) = giulia.get(&format!("/api/v1/sites/{LIVORNO}/alerts")).await;
    assert_eq!(
        open.as_array().unwrap().iter().map(|a| a["id"].clone()).collect::<Vec<Value>>(),
        vec![alert["id"].clone()]
    );
    server.stop().await;
}

/// Reception: a ticket for someone who cannot use the kiosk, from the desk page (service, priority,
/// language, mediator, household), its QR code on screen (an SVG served for the ticket's page), and
/// a ticket found by its number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reception_issues_and_finds_tickets_in_a_real_browser() {
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start().await;
    let url = server.url.clone();
    let s = driver.session("reception").await;
    s.set_size(1366, 768).await;
    login_at_desk(&s, &url, "giulia", "lt-accoglienza").await;
    s.js("document.getElementById('rx-new').open = true", json!([])).await;
    s.js(
        "function set(id, v) { var e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('change')); }
         set('rx-service', 'sociale'); set('rx-priority', 'urgent'); set('rx-language', 'uk'); set('rx-party', '4');
         document.getElementById('rx-mediator').checked = true;",
        json!([]),
    )
    .await;
    // Only the site's languages are offered.
    let offered = s.js("return Array.prototype.filter.call(document.getElementById('rx-language').options, function (o) { return !o.hidden; }).map(function (o) { return o.value; })", json!([])).await;
    let (_, sites) = server.client().get("/api/v1/sites").await;
    let site = sites.as_array().unwrap().iter().find(|x| x["id"] == LIVORNO).unwrap();
    assert_eq!(offered, site["languages"], "languages offered");
    s.click("#rx-go").await;
    s.wait("the issued ticket", "!document.getElementById('rx-result').hidden && document.getElementById('rx-qr').complete && document.getElementById('rx-qr').naturalWidth > 0").await;
    let number = s.text("#rx-number").await;
    assert!(number.starts_with('F'), "{number}");
    assert!(s.text("#rx-info").await.contains("Social worker"), "{}", s.text("#rx-info").await);
    assert!(s.text("#message").await.contains(&number));
    s.screenshot("desk-reception-1366").await;
    let violations = s.axe_serious().await;
    assert!(violations.is_empty(), "accessibility violations:\n{}", violations.join("\n"));
    // The ticket as issued, and the QR code taking the phone to its page.
    let (_, list) = server.staff("admin").await.get(&format!("/api/v1/sites/{LIVORNO}/waiting")).await;
    let t = list["tickets"].as_array().unwrap().iter().find(|x| x["number"] == number.as_str()).cloned().unwrap();
    assert_eq!(
        (t["priority"].as_str(), t["language"].as_str(), t["party_size"].as_u64()),
        (Some("urgent"), Some("uk"), Some(4)),
        "{t}"
    );
    assert_eq!(t["needs"], json!(["mediator:uk"]), "{t}");
    let link = s.js("return document.getElementById('rx-link').getAttribute('href')", json!([])).await;
    let link = link.as_str().unwrap().to_owned();
    let svg = server.client().answer(server.client().request(tests::Method::GET, &format!("{link}/qr.svg"))).await;
    assert_eq!(svg.status, StatusCode::OK);
    assert!(
        svg.body.starts_with("<svg") && svg.body.contains("<path d=\"M"),
        "{}",
        &svg.body[..svg.body.len().min(200)]
    );
    let page = server.client().answer(server.client().request(tests::Method::GET, &link)).await;
    assert!(page.body.contains(&number), "the ticket page of the link");
    // Find by number: where it is, how many ahead; a number not open says so.
    s.type_into("#find-number", &number.to_lowercase()).await;
    s.click("#find-go").await;
    s.wait(
        "the found ticket",
        &format!("document.getElementById('find-result').textContent.indexOf('{number}') === 0"),
    )
    .await;
    assert!(s.text("#find-result").await.contains("waiting"), "{}", s.text("#find-result").await);
    s.js("document.getElementById('find-number').value = 'Z999'", json!([])).await;
    s.click("#find-go").await;
    s.wait("not found", "document.getElementById('find-result').textContent.indexOf('Z999 is not waiting') === 0")
        .await;
    server.stop().await;
    s.close().await;
    driver.stop().await;
}

/// Issue 19: reception prints at a kiosk of the site. The real kiosk controller (memory printer,
/// over HTTP) stands idle beside the test; the page says "Printing at …", then "Printed at …" with
/// the QR hidden; with the kiosk out of paper it says why and shows the QR on screen by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reception_prints_at_a_chosen_kiosk_in_a_real_browser() {
    use kiosk::printer::{MemoryPrinter, PrinterError};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start().await;
    let kiosk_key = tests::kiosk_key(LIVORNO);
    let (_, devices) = server.staff("giulia").await.get(&format!("/api/v1/sites/{LIVORNO}/devices")).await;
    let kiosk = devices.as_array().unwrap().iter().find(|d| d["kind"] == "kiosk").unwrap().clone();
    let (kiosk_id, kiosk_name) = (kiosk["id"].as_str().unwrap().to_owned(), kiosk["name"].as_str().unwrap().to_owned());
    // The kiosk between visitors: its own thread, its own clock, as in the app. Its paper is
    // running low (it still prints): the kiosk says so itself, and the choice shows it.
    let printer = MemoryPrinter::default();
    printer.set_paper(kiosk::printer::Paper::NearEnd);
    let stop = Arc::new(AtomicBool::new(false));
    let (base, p, halt) = (server.url.clone(), printer.clone(), stop.clone());
    let kiosk_thread = std::thread::spawn(move || {
        let http = kiosk::server::HttpServer::new(&base, LIVORNO, &kiosk_key).expect("client");
        let mut c = kiosk::controller::Controller::new(Box::new(http), Box::new(p), false, std::time::Instant::now());
        while !halt.load(Ordering::SeqCst) {
            let now = std::time::Instant::now();
            c.tick(now);
            c.work(now);
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    });

    let giulia = server.staff("giulia").await;
    testkit::eventually("the kiosk reports its paper", std::time::Duration::from_secs(20), || async {
        let (_, devices) = giulia.get(&format!("/api/v1/sites/{LIVORNO}/devices")).await;
        let kiosk = devices.as_array().unwrap().iter().find(|d| d["id"] == kiosk_id.as_str()).unwrap().clone();
        if kiosk.to_string().contains("paper_low") { Ok(()) } else { Err(kiosk.to_string()) }
    })
    .await;
    let s = driver.session("reception-print").await;
    s.set_size(1366, 768).await;
    login_at_desk(&s, &server.url, "giulia", "lt-accoglienza").await;
    s.js("document.getElementById('rx-new').open = true", json!([])).await;
    let option = format!("document.querySelector('#rx-print option[value=\"{kiosk_id}\"]')");
    s.wait("the kiosk offered", &option).await;
    assert_eq!(
        s.text(&format!("#rx-print option[value=\"{kiosk_id}\"]")).await,
        format!("{kiosk_name}: paper running low"),
        "a kiosk with a printer problem is marked"
    );
    assert_eq!(s.text("#rx-print option[value=\"\"]").await, "Show the QR here");
    let choose = "function set(id, v) { var e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('change')); }
         set('rx-service', 'lavoro'); set('rx-language', 'ar'); set('rx-print', arguments[0]);";
    s.js(choose, json!([kiosk_id])).await;
    s.click("#rx-go").await;
    s.wait("printing", "document.getElementById('rx-result').hasAttribute('data-print')").await;
    s.wait("printed", "document.getElementById('rx-result').getAttribute('data-print') === 'printed'").await;
    assert_eq!(s.text("#rx-print-status").await, format!("Printed at {kiosk_name}"));
    assert!(s.js("return document.getElementById('rx-qr').hidden", json!([])).await.as_bool().unwrap(), "no QR needed");
    let number = s.text("#rx-number").await;
    let printed = printer.tickets();
    assert_eq!(printed.len(), 1);
    assert!(printed[0].windows(number.len()).any(|w| w == number.as_bytes()), "{number} on the kiosk's paper");
    s.screenshot("desk-reception-printed").await;
    let violations = s.axe_serious().await;
    assert!(violations.is_empty(), "accessibility violations:\n{}", violations.join("\n"));

    // Out of paper: the page says so and shows the QR itself.
    printer.fail_with(Some(PrinterError::PaperOut));
    s.js(choose, json!([kiosk_id])).await;
    s.click("#rx-go").await;
    s.wait("not printed", "document.getElementById('rx-result').getAttribute('data-print') === 'failed'").await;
    assert_eq!(s.text("#rx-print-status").await, "Not printed: the kiosk is out of paper — show the QR");
    s.wait(
        "the QR on screen",
        "!document.getElementById('rx-qr').hidden && document.getElementById('rx-qr').complete && document.getElementById('rx-qr').naturalWidth > 0",
    )
    .await;
    assert_ne!(s.text("#rx-number").await, number, "a new ticket");
    s.screenshot("desk-reception-not-printed").await;
    let violations = s.axe_serious().await;
    assert!(violations.is_empty(), "accessibility violations:\n{}", violations.join("\n"));
    stop.store(true, Ordering::SeqCst);
    kiosk_thread.join().unwrap();
    server.stop().await;
    s.close().await;
    driver.stop().await;
}

/// A transfer lists every colleague of the site by name, where they sit and whether they are free;
/// a service full for today can be opened again from the desk page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn colleagues_for_transfers_and_lifting_a_cap_in_a_real_browser() {
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start().await;
    let url = server.url.clone();
    let kiosk = server.kiosk(LIVORNO).await;
    let marco = server.staff("marco").await;
    marco.post_ok("/api/v1/desks/lt-sportello-2/open", json!({}), StatusCode::OK).await;
    let s = driver.session("colleagues").await;
    login_at_desk(&s, &url, "giulia", "lt-sportello-1").await;

    // The computer service takes five a day: the sixth finds it full.
    for _ in 0..5 {
        kiosk.issue(LIVORNO, json!({"service": "computer"})).await;
    }
    let (status, _) = kiosk.post(&format!("/api/v1/sites/{LIVORNO}/tickets"), json!({"service": "computer"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    s.wait("the full service", "document.querySelector('#caps-list li[data-service=\"computer\"] button.lift-cap')")
        .await;
    s.click("#caps-list li[data-service=\"computer\"] button.lift-cap").await;
    s.wait("the cap lifted", "document.getElementById('caps').hidden").await;
    assert!(s.text("#message").await.contains("Use a computer"), "{}", s.text("#message").await);
    kiosk.issue(LIVORNO, json!({"service": "computer"})).await;

    // Transfer: colleagues by name with their desk and whether they are free.
    s.click("#call-next").await;
    s.wait("a current ticket", "!document.getElementById('transfer-toggle').disabled").await;
    s.click("#transfer-toggle").await;
    s.wait("Marco among the colleagues", "Array.prototype.some.call(document.getElementById('xfer-staff').options, function (o) { return o.value === 'marco'; })").await;
    let options = s.js("return Array.prototype.map.call(document.getElementById('xfer-staff').options, function (o) { return o.textContent; })", json!([])).await;
    let options: Vec<String> = serde_json::from_value(options).unwrap();
    assert!(options.iter().any(|o| o.starts_with("Marco Rossi") && o.ends_with("(Sportello 2 · free)")), "{options:?}");
    assert!(
        options.iter().any(|o| o.ends_with("(not at a desk)")),
        "colleagues not seated are listed too: {options:?}"
    );
    assert!(!options.iter().any(|o| o.starts_with("Giulia")), "{options:?}");
    s.screenshot("desk-transfer-colleagues").await;
    server.stop().await;
    s.close().await;
    driver.stop().await;
}

/// Issue 13: a display that cannot play sound is named at the top of the desk page (from its own
/// health report), and leaves it once it plays again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mute_display_is_named_on_the_desk_page() {
    use display::audio::SoundState;
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start().await;
    let display = display::client::HttpClient::new(display::client::Endpoint {
        server: server.url.clone(),
        key: tests::display_key(LIVORNO),
        site: LIVORNO.into(),
    });
    display.report_health(&SoundState::Failing("aplay: no soundcards found".into())).await.unwrap();
    let (_, devices) = server.staff("giulia").await.get(&format!("/api/v1/sites/{LIVORNO}/devices")).await;
    let name = devices.as_array().unwrap().iter().find(|d| d["kind"] == "display").unwrap()["name"].clone();
    let name = name.as_str().unwrap().to_owned();
    let s = driver.session("devices").await;
    s.set_size(1366, 768).await;
    login_at_desk(&s, &server.url, "giulia", "lt-sportello-1").await;
    s.wait("the mute display named", "!document.getElementById('devices').hidden").await;
    let text = s.text("#devices-list").await;
    assert!(text.contains(&name) && text.contains("aplay: no soundcards found"), "{text}");
    assert!(text.contains("sound not working") || text.contains("l'audio non funziona"), "in the page's words: {text}");
    let violations = s.axe_serious().await;
    assert!(violations.is_empty(), "accessibility violations:\n{}", violations.join("\n"));
    display.report_health(&SoundState::Ok).await.unwrap();
    s.js("location.reload()", json!([])).await;
    s.wait("the devices read again", "document.getElementById('devices').hasAttribute('data-loaded')").await;
    assert!(s.js("return document.getElementById('devices').hidden", json!([])).await.as_bool().unwrap());
    server.stop().await;
    s.close().await;
    driver.stop().await;
}

/// Issue 19: Finish and No-show act at once and offer Undo for a few seconds; Undo is the engine's
/// own transition back (`ticket.reopened`), and statistics count neither the undone finish nor the
/// undone no-show. In a real browser, then the API's refusals (changing nothing): another desk's
/// ticket, after the desk called someone else, after the window (a restart later: the desk keeps
/// what it may undo in its stored state).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_a_finish_or_a_no_show() {
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start().await;
    let url = server.url.clone();
    let kiosk = server.kiosk(LIVORNO).await;
    let s = driver.session("undo").await;
    s.set_size(1366, 768).await;
    login_at_desk(&s, &url, "giulia", "lt-sportello-1").await;
    let a = kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    let (a_id, a_no) = (a["id"].as_str().unwrap().to_owned(), a["number"].as_str().unwrap().to_owned());
    s.wait("the waiting ticket", &row(&a_no)).await;
    s.click("#call-next").await;
    s.wait("start enabled", "!document.getElementById('start').disabled").await;
    s.click("#start").await;
    s.wait("finish enabled", "!document.getElementById('finish').disabled").await;
    // One press finishes; Undo is offered with the seconds left.
    s.click("#finish").await;
    s.wait(
        "undo offered",
        "!document.getElementById('undo-bar').hidden && !document.getElementById('current-none').hidden",
    )
    .await;
    let offer = s.text("#undo-text").await;
    assert!(offer.contains(&a_no) && offer.contains(" s"), "{offer}");
    s.screenshot("desk-undo-1366").await;
    let violations = s.axe_serious().await;
    assert!(violations.is_empty(), "accessibility violations:\n{}", violations.join("\n"));
    s.click("#undo").await;
    s.wait(
        "the ticket back at the desk, serving",
        &format!("document.getElementById('current-number').textContent === '{a_no}' && !document.getElementById('finish').disabled"),
    )
    .await;
    s.wait(
        "the message",
        &format!("document.getElementById('message').textContent.indexOf('{a_no} is back at this desk') === 0"),
    )
    .await;
    assert!(s.js("return document.getElementById('undo-bar').hidden", json!([])).await.as_bool().unwrap());
    let giulia = server.staff("giulia").await;
    let (_, view) = giulia.get(&format!("/api/v1/tickets/{a_id}")).await;
    assert_eq!(view["status"], "serving", "{view}");
    let types: Vec<&str> = view["events"].as_array().unwrap().iter().filter_map(|e| e["type"].as_str()).collect();
    assert!(types.ends_with(&["ticket.serving", "ticket.done", "ticket.reopened"]), "{types:?}");
    // Finished for real now (the keyboard).
    s.js(
        "document.body.focus(); document.dispatchEvent(new KeyboardEvent('keydown', {key: 'f', bubbles: true}))",
        json!([]),
    )
    .await;
    s.wait("finished", "!document.getElementById('current-none').hidden").await;

    // A no-show undone by the U key: called again, at this desk.
    let b = kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    let (b_id, b_no) = (b["id"].as_str().unwrap().to_owned(), b["number"].as_str().unwrap().to_owned());
    s.wait("the second ticket", &row(&b_no)).await;
    s.click("#call-next").await;
    s.wait("no-show enabled", &format!("document.getElementById('current-number').textContent === '{b_no}' && !document.getElementById('no-show').disabled")).await;
    s.click("#no-show").await;
    s.wait("undo offered", "!document.getElementById('undo-bar').hidden").await;
    s.js(
        "document.body.focus(); document.dispatchEvent(new KeyboardEvent('keydown', {key: 'u', bubbles: true}))",
        json!([]),
    )
    .await;
    s.wait("called again", &format!("document.getElementById('current-number').textContent === '{b_no}' && !document.getElementById('start').disabled")).await;
    let (_, view) = giulia.get(&format!("/api/v1/tickets/{b_id}")).await;
    assert_eq!((view["status"].as_str(), view["desk"].as_str()), (Some("called"), Some("lt-sportello-1")), "{view}");
    s.close().await;
    driver.stop().await;

    // Refusals, each changing nothing. Marco cannot undo at Giulia's desk.
    giulia.act(&b_id, "no-show").await;
    let marco = server.staff("marco").await;
    marco.post_ok("/api/v1/desks/lt-sportello-2/open", json!({}), StatusCode::OK).await;
    let (status, body) = marco.post_empty(&format!("/api/v1/tickets/{b_id}/undo")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // After Giulia called someone else: too late.
    let c = kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    giulia.call_next("lt-sportello-1").await.expect("called");
    let (status, body) = giulia.post_empty(&format!("/api/v1/tickets/{b_id}/undo")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("nothing_to_undo")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("can no longer be undone"), "{body}");
    let (_, view) = giulia.get(&format!("/api/v1/tickets/{b_id}")).await;
    assert_eq!(view["status"], "no_show");
    // After the window (the server back a minute later): the desk still knows, and says too late.
    let c_id = c["id"].as_str().unwrap().to_owned();
    giulia.act(&c_id, "no-show").await;
    let data = server.stop().await;
    let server = TestServer::start_later(data, jiff::SignedDuration::from_secs(60)).await;
    let giulia = server.staff("giulia").await;
    let (status, body) = giulia.post_empty(&format!("/api/v1/tickets/{c_id}/undo")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("nothing_to_undo")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("Undo lasts 15 seconds"), "{body}");
    // Statistics: A served once (its undone finish not counted), B and C no-shows once each, though
    // B's first no-show was undone.
    let m = server.staff("responsabile").await;
    let (_, sum) = m.get(&format!("/api/v1/stats/summary?site={LIVORNO}")).await;
    assert_eq!((sum["served"].as_u64(), sum["no_show"].as_u64()), (Some(1), Some(2)), "{sum}");
    server.stop().await;
}

/// Issue 19: usable on a 10" tablet (800×1280 portrait, 1280×800 landscape) and at 1366×768: the
/// waiting list starts above the fold and nothing scrolls sideways, with someone at the desk, one
/// parked and a few waiting. Measured in the page; screenshots of each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_fits_a_tablet_and_a_small_monitor() {
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start().await;
    let url = server.url.clone();
    let kiosk = server.kiosk(LIVORNO).await;
    let s = driver.session("tablet").await;
    s.set_size(1366, 768).await;
    login_at_desk(&s, &url, "giulia", "lt-sportello-1").await;
    let mut last = String::new();
    for service in ["lavoro", "residenza", "lavoro", "computer", "residenza"] {
        last = kiosk.issue(LIVORNO, json!({"service": service, "party_size": 2})).await["number"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    s.wait("the waiting list", &row(&last)).await;
    // One parked, one at the desk being served.
    s.click("#call-next").await;
    s.wait("hold enabled", "!document.getElementById('hold').disabled").await;
    s.click("#hold").await;
    s.wait("the parked ticket", "document.querySelectorAll('#parked-list li').length === 1").await;
    s.click("#call-next").await;
    s.wait(
        "the next one called",
        "!document.getElementById('current-ticket').hidden && !document.getElementById('start').disabled",
    )
    .await;
    s.click("#start").await;
    s.wait("serving", "!document.getElementById('finish').disabled").await;
    for (w, h, name) in
        [(800, 1280, "desk-tablet-portrait"), (1280, 800, "desk-tablet-landscape"), (1366, 768, "desk-1366")]
    {
        s.set_size(w, h).await;
        s.wait(&format!("the viewport at {w}×{h}"), &format!("Math.abs(window.innerWidth - {w}) < 40")).await;
        let m = s
            .js(
                "window.scrollTo(0, 0);
                 var d = document.documentElement, q = document.getElementById('queue').getBoundingClientRect();
                 return {scroll: d.scrollWidth, client: d.clientWidth, queueTop: q.top, height: window.innerHeight,
                         firstRow: document.querySelector('#waiting tbody tr').getBoundingClientRect().bottom};",
                json!([]),
            )
            .await;
        eprintln!("{w}×{h}: {m}");
        assert!(m["scroll"].as_f64() <= m["client"].as_f64(), "sideways scroll at {w}×{h}: {m}");
        assert!(m["queueTop"].as_f64() < m["height"].as_f64(), "the queue starts below the fold at {w}×{h}: {m}");
        s.screenshot(name).await;
    }
    let violations = s.axe_serious().await;
    assert!(violations.is_empty(), "accessibility violations:\n{}", violations.join("\n"));
    server.stop().await;
    s.close().await;
    driver.stop().await;
}
