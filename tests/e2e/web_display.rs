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
