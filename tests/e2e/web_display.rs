//! Issue #4: the web display for TVs, in real headless chromium — a call made through the API
//! appears on the page, and the page says so when the server goes away.

use serde_json::{Value, json};
use tests::StatusCode;
use tests::browser::Driver;
use tests::{LIVORNO, TestServer, display_key};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_appears_on_the_web_display() {
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start().await;
    let tv = driver.session("web-display").await;
    tv.goto(&format!("{}/display/{LIVORNO}?key={}&sound=0&voice=0", server.url, display_key(LIVORNO))).await;
    tv.wait(
        "the page to load its snapshot",
        "window.sportelloDisplay && window.sportelloDisplay.state && window.sportelloDisplay.state.loaded",
    )
    .await;

    let giulia = server.staff("giulia").await;
    giulia.post_ok("/api/v1/desks/lt-sportello-1/open", Value::Null, StatusCode::OK).await;
    server.kiosk(LIVORNO).await.issue(LIVORNO, json!({"service": "lavoro", "language": "ar"})).await;
    let t = giulia.call_next("lt-sportello-1").await.unwrap();
    let number = t["number"].as_str().unwrap().to_owned();
    tv.wait("the call on the page", &format!("document.getElementById('latest-number').textContent === '{number}'"))
        .await;
    let desk = tv.text("#latest-desk").await;
    assert!(desk.contains("Sportello 1"), "{desk}");
    tv.screenshot("web-display").await;

    // The server goes away: the page shows that it is out of date.
    let _data = server.stop().await;
    tv.wait(
        "the stale warning",
        "(function (s) { return s && !s.hidden && s.textContent; })(document.getElementById('stale'))",
    )
    .await;
    tv.screenshot("web-display-stale").await;
    tv.close().await;
    driver.stop().await;
}

/// Issue 13: the web display follows the app's announcement rules — "Enable sound" once (remembered),
/// the call being spoken shown large, at most 6 waiting with the newest first, nothing older than
/// the limit, withdrawn calls dropped — and reads the desk's name in Italian inside an Arabic sentence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_display_announces_by_the_apps_rules() {
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start().await;
    let tv = driver.session("web-display-sound").await;
    tv.goto(&format!("{}/display/{LIVORNO}?key={}", server.url, display_key(LIVORNO))).await;
    tv.wait("the snapshot", "window.sportelloDisplay && window.sportelloDisplay.state.loaded").await;
    let state = tv.js("return window.sportelloDisplay.audio.ctx.state", json!([])).await;
    if state != "running" {
        // The browser wants a touch: the button is there from the start and the screen says why.
        assert!(!tv.js("return document.getElementById('sound').hidden", json!([])).await.as_bool().unwrap());
        assert!(tv.text("#sound-state").await.contains("non attivato"), "{}", tv.text("#sound-state").await);
        tv.click("#sound").await;
    }
    tv.wait("sound enabled", "window.sportelloDisplay.audio.ctx.state === 'running' && document.getElementById('sound').hidden && document.getElementById('sound-state').hidden").await;
    assert_eq!(
        tv.js("return localStorage.getItem('sportello-display-sound:' + arguments[0])", json!([LIVORNO])).await,
        "1"
    );
    // The voice, recorded; its first sentence blocks until released (a long announcement).
    tv.js(
        "const A = window.sportelloDisplay.audio; window.__said = []; window.__gate = new Promise(function (r) { window.__release = r; });
         A.chime = function () { window.__said.push('chime'); return Promise.resolve(); };
         A.say = function (p) { window.__said.push(p.lang + ':' + p.text); return window.__said.length === 2 ? window.__gate : Promise.resolve(); };",
        json!([]),
    )
    .await;
    let giulia = server.staff("giulia").await;
    giulia.post_ok("/api/v1/desks/lt-sportello-1/open", Value::Null, StatusCode::OK).await;
    server.kiosk(LIVORNO).await.issue(LIVORNO, json!({"service": "lavoro", "language": "ar"})).await;
    let first = giulia.call_next("lt-sportello-1").await.unwrap()["number"].as_str().unwrap().to_owned();
    tv.wait("the first call spoken", &format!("window.sportelloDisplay.state.speaking === '{first}'")).await;
    // Seven more calls while the voice is busy, one too old, the newest then withdrawn.
    tv.js(
        "const A = window.sportelloDisplay.audio; const now = Date.now() + window.sportelloDisplay.state.offsetMs;
         const call = function (n, at) { return { number: n, desk: 'Sportello 2', recall: false, calledAt: at,
           utterances: [{ lang: 'it', text: n, parts: [{ lang: 'it', text: n }] }] }; };
         A.enqueue(call('Z900', now - 120000));
         for (var i = 2; i <= 8; i++) A.enqueue(call('X00' + i, now + i));
         A.withdraw('X008');",
        json!([]),
    )
    .await;
    assert_eq!(tv.text("#latest-number").await, first, "the big panel shows the call being spoken");
    tv.js("window.__release()", json!([])).await;
    tv.wait("the queue spoken", "window.__said.indexOf('it:X003') >= 0").await;
    let said: Vec<String> = serde_json::from_value(tv.js("return window.__said", json!([])).await).unwrap();
    let rest: Vec<&str> =
        said.iter().map(String::as_str).filter(|s| s.starts_with("it:X") || s.starts_with("it:Z")).collect();
    assert_eq!(
        rest,
        ["it:X007", "it:X006", "it:X005", "it:X004", "it:X003"],
        "newest first, 6 at most, old and withdrawn dropped: {said:?}"
    );
    assert_eq!(said.iter().filter(|s| *s == "chime").count(), 1, "one chime a run: {said:?}");
    // The Arabic sentence: its own voice, the desk's name in Italian, the figure back in Arabic.
    let ar = said.iter().position(|s| s.starts_with("ar:")).expect("an Arabic sentence");
    assert_eq!(said[ar + 1], "it:Sportello ", "{said:?}");
    assert_eq!(said[ar + 2], "ar:1.", "{said:?}");
    assert!(!said[ar].contains(&first[..1]), "the letter by its Arabic name, not the Latin one: {said:?}");
    // The TV's sound reached the staff pages.
    let (_, devices) = giulia.get(&format!("/api/v1/sites/{LIVORNO}/devices")).await;
    let d = devices.as_array().unwrap().iter().find(|d| d["kind"] == "display").cloned().unwrap();
    assert_eq!((d["sound"].as_str(), d["version"].as_str()), (Some("ok"), Some("web")), "{d}");
    tv.close().await;
    driver.stop().await;
}

/// Issue 13: the web display lays out the demo's nine services in both orientations: every queue
/// row on screen at ≥ 40 px, in the configured order, nothing cut off sideways, the ticker the
/// bottom strip.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nine_services_fit_the_web_display_both_ways() {
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start().await;
    let (_, snap) = server.display(LIVORNO).await.get(&format!("/api/v1/sites/{LIVORNO}/display")).await;
    let order: Vec<Value> = snap["queues"].as_array().unwrap().iter().map(|q| q["service_label"].clone()).collect();
    assert_eq!(order.len(), 9, "the demo's nine services");
    // A call on screen, with calls before it: the big panel must fit beside the nine tiles.
    let giulia = server.staff("giulia").await;
    giulia.post_ok("/api/v1/desks/lt-sportello-1/open", Value::Null, StatusCode::OK).await;
    let kiosk = server.kiosk(LIVORNO).await;
    for _ in 0..4 {
        kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
        let t = giulia.call_next("lt-sportello-1").await.unwrap();
        let id = t["id"].as_str().unwrap().to_owned();
        giulia.post_ok(&format!("/api/v1/tickets/{id}/start"), Value::Null, StatusCode::OK).await;
        giulia.post_ok(&format!("/api/v1/tickets/{id}/finish"), Value::Null, StatusCode::OK).await;
    }
    kiosk.issue(LIVORNO, json!({"service": "lavoro"})).await;
    let called = giulia.call_next("lt-sportello-1").await.unwrap()["number"].as_str().unwrap().to_owned();
    let tv = driver.session("web-display-layout").await;
    for (w, h) in [(1920, 1080), (1080, 1920)] {
        // The TV's screen is the page's viewport (a kiosk browser has no window chrome).
        tv.set_size(w, h).await;
        tv.goto(&format!("{}/display/{LIVORNO}?key={}&sound=0", server.url, display_key(LIVORNO))).await;
        let chrome = tv
            .js("return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]", json!([]))
            .await;
        let (cw, ch) = (chrome[0].as_u64().unwrap() as u32, chrome[1].as_u64().unwrap() as u32);
        tv.set_size(w + cw, h + ch).await;
        let vp = tv.js("return [window.innerWidth, window.innerHeight]", json!([])).await;
        assert_eq!(vp, json!([w, h]), "the viewport");
        tv.wait("the queues", "document.querySelectorAll('#queue-list li').length === 9").await;
        let m = tv
            .js(
                "var vh = window.innerHeight, vw = document.documentElement.clientWidth;
                 var rows = Array.prototype.map.call(document.querySelectorAll('#queue-list li'), function (li) {
                   var r = li.getBoundingClientRect();
                   return { label: li.querySelector('.label').textContent, top: r.top, bottom: r.bottom,
                            px: Math.min(parseFloat(getComputedStyle(li.querySelector('.label')).fontSize),
                                         parseFloat(getComputedStyle(li.querySelector('.eta')).fontSize)) }; });
                 var ticker = document.querySelector('footer').getBoundingClientRect();
                 var panel = document.getElementById('latest').getBoundingClientRect();
                 var inside = ['latest-number', 'latest-desk'].every(function (id) {
                   var r = document.getElementById(id).getBoundingClientRect();
                   var px = parseFloat(getComputedStyle(document.getElementById(id)).fontSize);
                   return r.height >= 0.9 * px && r.top >= panel.top && r.bottom <= panel.bottom + 0.5; });
                 return { vh: vh, sideways: document.documentElement.scrollWidth > vw, rows: rows, inside: inside,
                          latest: document.getElementById('latest-number').textContent,
                          tickerBottom: ticker.bottom, tickerTop: ticker.top };",
                json!([]),
            )
            .await;
        tv.screenshot(&format!("web-display-nine-{w}x{h}")).await;
        let vh = m["vh"].as_f64().unwrap();
        assert_eq!(m["sideways"], false, "{w}x{h}: no sideways scroll");
        assert_eq!(m["latest"], called.as_str(), "{w}x{h}");
        assert_eq!(m["inside"], true, "{w}x{h}: the call's number and desk fit the big panel");
        let rows = m["rows"].as_array().unwrap();
        let labels: Vec<Value> = rows.iter().map(|r| r["label"].clone()).collect();
        assert_eq!(labels, order, "{w}x{h}: the configured order");
        for r in rows {
            assert!(r["px"].as_f64().unwrap() >= 40.0, "{w}x{h}: {r} under 40 px");
            assert!(
                r["bottom"].as_f64().unwrap() <= m["tickerTop"].as_f64().unwrap() + 0.5,
                "{w}x{h}: {r} under the ticker"
            );
        }
        assert!((m["tickerBottom"].as_f64().unwrap() - vh).abs() < 1.0, "{w}x{h}: the ticker is the bottom strip: {m}");
    }
    tv.close().await;
    driver.stop().await;
}
