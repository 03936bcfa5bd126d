//! Issue #5: the staff desk page and the visitor's ticket page, in a real headless chromium
//! (WebDriver), plus the ticket page's HTTP contract (languages, no-JS refresh, not found, CSP).
//! Screenshots go to `target/screenshots/`.

use serde_json::json;
use tests::StatusCode;
use tests::browser::{Driver, Session, screenshot_dir};
use tests::{LIVORNO, PASSWORD, TestServer};

async fn page(
    server: &TestServer,
    path: &str,
    accept_language: &str,
) -> (StatusCode, client::reqwest::header::HeaderMap, String) {
    let c = server.client();
    let answer = c.api.exchange(c.request(tests::Method::GET, path).header("accept-language", accept_language)).await;
    let answer = answer.expect("page");
    (answer.status, answer.headers, answer.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_page_in_the_tickets_language_without_javascript() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk(LIVORNO).await;
    let cases = [
        ("it", "Il tuo numero", "Area D", "ltr"),
        ("en", "Your number", "Area D", "ltr"),
        ("fr", "Votre numéro", "Zone D", "ltr"),
        ("ar", "رقمك", "المنطقة D", "rtl"),
        ("ro", "Numărul dumneavoastră", "Zona D", "ltr"),
        ("uk", "Ваш номер", "Зона D", "ltr"),
    ];
    for (lang, your_number, label, dir) in cases {
        let t = kiosk.issue(LIVORNO, json!({"service": "lavoro", "language": lang})).await;
        let url = t["status_url"].as_str().unwrap();
        let (status, headers, html) = page(&server, url, "it").await;
        assert_eq!(status, StatusCode::OK, "{lang}");
        assert!(html.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")), "{lang}: {html}");
        assert!(html.contains(your_number) && html.contains(label), "{lang}: {html}");
        assert!(html.contains(t["number"].as_str().unwrap()), "{lang}");
        // Without JavaScript the page refreshes itself; nothing comes from elsewhere.
        assert!(html.contains(r#"<noscript><meta http-equiv="refresh" content="20"></noscript>"#), "{lang}");
        assert!(!html.contains("http://") && !html.contains("https://"), "{lang}: outside link in {html}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe"));
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["referrer-policy"], "no-referrer");
    }
    // A wrong code: a kind page in the phone's language, 404.
    let (status, _, html) = page(&server, "/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "fr-FR,fr;q=0.9").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Ticket introuvable") && html.contains("accueil"), "{html}");
    let (status, _, html) = page(&server, "/t/short", "ar").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("dir=\"rtl\"") && html.contains("لم يتم العثور على التذكرة"), "{html}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_page_is_rate_limited() {
    // The test configuration with a low look-up limit (12 a minute: a burst of 3).
    let config = tempfile::tempdir().unwrap();
    let sites = config.path().join("sites");
    std::fs::create_dir_all(&sites).unwrap();
    let src = tests::test_config_dir();
    std::fs::copy(src.join("sportello.toml"), config.path().join("sportello.toml")).unwrap();
    for entry in std::fs::read_dir(src.join("sites")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("public_lookups_per_minute_per_address = 1000000", "public_lookups_per_minute_per_address = 12");
        std::fs::write(sites.join(path.file_name().unwrap()), text).unwrap();
    }
    let server = TestServer::start_with(config.path().to_owned(), tempfile::tempdir().unwrap()).await;
    let mut limited = None;
    for i in 0..50 {
        let (status, headers, html) = page(&server, "/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "en").await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert!(headers.contains_key("retry-after"));
            assert!(html.contains("Too many requests"), "{html}");
            limited = Some(i);
            break;
        }
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    assert!(limited.is_some(), "50 look-ups from one address were never limited");
    server.stop().await;
}

/// Log in on the desk page and sit at `desk` (the page remembers it).
pub(crate) async fn login_at_desk(s: &Session, url: &str, user: &str, desk: &str) {
    s.goto(&format!("{url}/desk")).await;
    s.wait("the login form", "!document.getElementById('login').hidden").await;
    s.type_into("#username", user).await;
    s.type_into("#password", PASSWORD).await;
    s.click("#login-btn").await;
    s.wait("the desk chooser", "!document.getElementById('choose').hidden").await;
    s.wait("the sites", &format!("document.querySelector('#site option[value=\"{LIVORNO}\"]')")).await;
    s.js(
        "var d = document.getElementById('site'); d.value = arguments[0]; d.dispatchEvent(new Event('change'));",
        json!([LIVORNO]),
    )
    .await;
    s.wait("the desks of the site", &format!("document.querySelector('#desk-select option[value=\"{desk}\"]')")).await;
    s.js(
        "var d = document.getElementById('desk-select'); d.value = arguments[0]; d.dispatchEvent(new Event('change'));",
        json!([desk]),
    )
    .await;
    s.click("#use-desk").await;
    s.wait("the desk view", "!document.getElementById('work').hidden").await;
    s.wait("the open button", "!document.getElementById('open').disabled").await;
    s.click("#open").await;
    s.wait("an open desk", "!document.getElementById('call-next').disabled").await;
}

fn enabled(id: &str) -> String {
    format!("!document.getElementById('{id}').disabled")
}

fn row(number: &str) -> String {
    format!("document.querySelector('#waiting tbody tr[data-number=\"{number}\"]')")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desk_and_ticket_pages_in_a_real_browser() {
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start().await;
    let url = server.url.clone();
    let kiosk = server.kiosk(LIVORNO).await;
    let api = server.staff("admin").await;

    // Giulia at Sportello 1, Marco at Sportello 2, each in their own browser.
    let giulia = driver.session("giulia").await;
    let marco = driver.session("marco").await;
    let visitor = driver.session("visitor").await;
    login_at_desk(&giulia, &url, "giulia", "lt-sportello-1").await;
    login_at_desk(&marco, &url, "marco", "lt-sportello-2").await;

    // A visitor takes a ticket (Arabic) and follows it on the phone.
    let t = kiosk
        .issue(LIVORNO, json!({"service": "lavoro", "language": "ar", "needs": ["mediator:ar"], "party_size": 3}))
        .await;
    let number = t["number"].as_str().unwrap().to_owned();
    let status_url = format!("{url}{}", t["status_url"].as_str().unwrap());
    visitor.goto(&status_url).await;
    visitor.wait("the waiting ticket", "document.getElementById('ticket').dataset.status === 'waiting'").await;
    assert_eq!(visitor.js("return document.documentElement.dir", json!([])).await, json!("rtl"));
    assert_eq!(visitor.text("#number").await, number);
    visitor.screenshot("ticket-waiting-ar").await;

    // The waiting list shows the ticket live, with its needs and household size, never a name.
    giulia.wait("the new ticket in the waiting list", &row(&number)).await;
    let cells = giulia.js(&format!("return {}.innerText", row(&number)), json!([])).await;
    let cells = cells.as_str().unwrap();
    assert!(cells.contains("AR") && cells.contains("mediator ar") && cells.contains('3'), "{cells}");
    // Livorno allows out-of-order calls: each row has its call button.
    giulia.wait("a call button per row", &format!("{}.querySelector('button.call-this')", row(&number))).await;

    // Call next → the ticket page changes by itself to "go to Sportello 1".
    giulia.click("#call-next").await;
    giulia
        .wait("the called ticket", &format!("document.getElementById('current-number').textContent === '{number}'"))
        .await;
    visitor
        .wait("the ticket page showing the call", "document.getElementById('ticket').dataset.status === 'called'")
        .await;
    assert_eq!(visitor.text("#desk").await, "Sportello 1");
    assert!(visitor.text(".go-to").await.contains("توجّه إلى"));
    let shot = visitor.screenshot("ticket-called-ar").await;

    // Start, then transfer to Marco's desk keeping the place.
    giulia.wait("start enabled", &enabled("start")).await;
    giulia.click("#start").await;
    giulia.wait("serving", &enabled("finish")).await;
    giulia.click("#transfer-toggle").await;
    giulia.wait("the transfer form", "!document.getElementById('transfer-form').hidden").await;
    giulia
        .js("var d = document.getElementById('xfer-desk'); d.value = 'lt-sportello-2'; d.dispatchEvent(new Event('change'));", json!([]))
        .await;
    assert_eq!(giulia.js("return document.getElementById('xfer-keep').checked", json!([])).await, json!(true));
    giulia.click("#xfer-go").await;
    giulia.wait("an empty desk again", "!document.getElementById('current-none').hidden").await;

    // Marco's page: an alert and the ticket reserved for his desk.
    marco
        .wait("the transfer alert", &format!("document.getElementById('alerts').innerText.indexOf('{number}') >= 0"))
        .await;
    marco
        .wait("the reserved ticket", &format!("{} && {}.classList.contains('mine')", row(&number), row(&number)))
        .await;
    marco.screenshot("desk-transfer-arrived").await;
    marco.click("#call-next").await;
    marco
        .wait(
            "the transferred ticket called",
            &format!("document.getElementById('current-number').textContent === '{number}'"),
        )
        .await;
    visitor
        .wait(
            "the ticket page sending to Sportello 2",
            "document.getElementById('desk') && document.getElementById('desk').textContent === 'Sportello 2'",
        )
        .await;
    marco.wait("start enabled", &enabled("start")).await;
    marco.click("#start").await;
    marco.wait("serving", &enabled("finish")).await;
    // Keyboard: F finishes at once, and Undo is offered for a few seconds.
    marco.js("document.body.focus()", json!([])).await;
    marco.js("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'f', bubbles: true}))", json!([])).await;
    marco.wait("finished", "!document.getElementById('current-none').hidden").await;
    marco.wait("undo offered", "!document.getElementById('undo-bar').hidden").await;
    let (_, view) = api.get(&format!("/api/v1/tickets/{}", t["id"].as_str().unwrap())).await;
    assert_eq!(view["status"], "done", "{view}");
    visitor.wait("the finished ticket", "document.getElementById('ticket').dataset.status === 'done'").await;

    // A reload keeps the desk.
    giulia.refresh().await;
    giulia.wait("the desk view after reload", "!document.getElementById('work').hidden").await;
    giulia.wait("the same desk", "document.getElementById('desk-title').textContent.indexOf('Sportello 1') >= 0").await;

    // Forged requests are refused: the session cookie without the CSRF token, or with a wrong one…
    for headers in [json!({}), json!({"X-CSRF-Token": "forged"})] {
        let status = giulia
            .js_async(
                "var done = arguments[arguments.length - 1];
                 fetch('/api/v1/desks/lt-sportello-1/close', {method: 'POST', credentials: 'same-origin', headers: arguments[0]})
                   .then(function (r) { done(r.status); }, function (e) { done(String(e)); });",
                json!([headers]),
            )
            .await;
        assert_eq!(status, json!(403), "cookie without the right CSRF token: {headers}");
    }
    // …and a form posted from another site (the cookie is SameSite=Strict; no token either).
    let form = format!(
        "data:text/html,<form id=f method=post action='{url}/api/v1/desks/lt-sportello-1/close'></form>\
         <script>document.getElementById('f').submit()</script>"
    );
    giulia.goto(&form).await;
    giulia.wait("the forged form's answer", "document.body && document.body.innerText.indexOf('error') >= 0").await;
    let (_, desks) = api.get(&format!("/api/v1/sites/{LIVORNO}/desks")).await;
    let d1 = desks.as_array().unwrap().iter().find(|d| d["id"] == "lt-sportello-1").unwrap();
    assert_eq!(d1["status"], "open", "a forged request closed the desk: {d1}");

    // Accessibility (axe-core): no serious or critical violations on either page.
    giulia.goto(&format!("{url}/desk")).await;
    giulia.wait("the desk view", "!document.getElementById('work').hidden").await;
    let t2 = kiosk.issue(LIVORNO, json!({"service": "residenza", "language": "en", "priority": "priority"})).await;
    giulia.wait("the waiting list", &row(t2["number"].as_str().unwrap())).await;
    giulia.click("#call-next").await;
    giulia.wait("a current ticket", &enabled("recall")).await;
    let desk_violations = giulia.axe_serious().await;
    giulia.screenshot("desk").await;
    visitor.goto(&status_url).await;
    let ticket_violations = visitor.axe_serious().await;
    visitor.goto(&format!("{url}{}", t2["status_url"].as_str().unwrap())).await;
    visitor.wait("the called ticket (en)", "document.getElementById('ticket').dataset.status === 'called'").await;
    visitor.screenshot("ticket-called-en").await;
    let ticket2_violations = visitor.axe_serious().await;
    giulia.js("document.getElementById('lang').value = 'it'; document.getElementById('lang').dispatchEvent(new Event('change'));", json!([])).await;
    giulia
        .wait("Italian labels", "document.getElementById('call-next').textContent.indexOf('Chiama il prossimo') >= 0")
        .await;
    giulia.screenshot("desk-it").await;
    let all: Vec<String> = desk_violations.into_iter().chain(ticket_violations).chain(ticket2_violations).collect();
    assert!(all.is_empty(), "accessibility violations:\n{}", all.join("\n"));

    // A server restart: the page says it is not connected, then comes back by itself and is live again.
    giulia.click("#no-show").await;
    giulia.wait("an empty desk", "!document.getElementById('current-none').hidden").await;
    let restarting = tokio::spawn(server.restart_same_port());
    giulia.wait("the not-connected banner", "!document.getElementById('conn').hidden").await;
    giulia.screenshot("desk-offline").await;
    let server = restarting.await.unwrap();
    giulia.wait("connected again", "document.getElementById('conn').hidden").await;
    let t3 = server.kiosk(LIVORNO).await.issue(LIVORNO, json!({"service": "lavoro"})).await;
    giulia.wait("a ticket issued after the restart", &row(t3["number"].as_str().unwrap())).await;
    server.stop().await;

    for s in [giulia, marco, visitor] {
        s.close().await;
    }
    driver.stop().await;
    assert!(shot.starts_with(screenshot_dir()));
    eprintln!("screenshots in {}", screenshot_dir().display());
}
