//! Issue #4: the web display for TVs, in real headless chromium — a call made through the API
//! appears on the page, and the page says so when the server goes away.

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tests::webdriver::{self, Browser};
use tests::{LIVORNO, TestServer, display_key};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_appears_on_the_web_display() {
    if !webdriver::available("web display") {
        return;
    }
    let server = TestServer::start().await;
    let browser = Browser::start().await;
    browser.goto(&format!("{}/display/{LIVORNO}?key={}&sound=0&voice=0", server.url, display_key(LIVORNO))).await;
    browser
        .wait_for(
            "the page to load its snapshot",
            "return window.sportelloDisplay && window.sportelloDisplay.state && window.sportelloDisplay.state.loaded;",
            Duration::from_secs(20),
        )
        .await;

    let giulia = server.staff("giulia").await;
    giulia.post_ok("/api/v1/desks/lt-sportello-1/open", Value::Null, StatusCode::OK).await;
    server.kiosk(LIVORNO).await.issue(LIVORNO, json!({"service": "lavoro", "language": "ar"})).await;
    let t = giulia.call_next("lt-sportello-1").await.unwrap();
    let number = t["number"].as_str().unwrap().to_owned();
    let shown = browser
        .wait_for(
            "the call on the page",
            &format!("var n = document.getElementById('latest-number').textContent; return n === '{number}' ? document.getElementById('latest-desk').textContent : '';"),
            Duration::from_secs(10),
        )
        .await;
    assert!(shown.as_str().unwrap().contains("Sportello 1"), "{shown}");
    browser.screenshot(&webdriver::screenshot_dir().join("web-display.png")).await;

    // The server goes away: the page shows that it is out of date.
    let _data = server.stop().await;
    browser
        .wait_for(
            "the stale warning",
            "var s = document.getElementById('stale'); return s && !s.hidden && s.textContent;",
            Duration::from_secs(20),
        )
        .await;
    browser.screenshot(&webdriver::screenshot_dir().join("web-display-stale.png")).await;
    browser.quit().await;
}
