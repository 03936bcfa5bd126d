//! The visitor's ticket page `/t/{token}` (issues #3 and #5): in the ticket's language (Arabic
//! right-to-left), live when the ticket is called, readable without JavaScript, a kind 404.

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tests::webdriver::{self, Browser};
use tests::{LIVORNO, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ticket_page_speaks_the_visitors_language_and_follows_the_call() {
    let server = TestServer::start().await;
    let kiosk = server.kiosk(LIVORNO).await;
    let t = kiosk.issue(LIVORNO, json!({"service": "lavoro", "language": "ar"})).await;
    let number = t["number"].as_str().unwrap().to_owned();
    let page = format!("{}{}", server.url, t["status_url"].as_str().unwrap());

    // Without JavaScript: the whole page is in the HTML, with a refresh fallback.
    let resp = reqwest::get(&page).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let csp = resp.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    let html = resp.text().await.unwrap();
    assert!(html.contains(r#"lang="ar" dir="rtl""#), "Arabic, right to left");
    assert!(html.contains(&number) && html.contains("في الانتظار") && html.contains("المنطقة D"), "{html}");
    assert!(html.contains(r#"http-equiv="refresh""#));
    assert!(!html.contains("http://") && !html.contains("https://"), "nothing from other sites");
    assert!(html.len() < 12_000, "small enough for an old phone: {} bytes", html.len());

    // A wrong token: a kind page, in every language, with 404.
    let resp = reqwest::get(format!("{}/t/{}", server.url, "x".repeat(32))).await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Ticket not found") && html.contains("التذكرة غير موجودة"), "{html}");

    if !webdriver::available("ticket page") {
        return;
    }
    let browser = Browser::start().await;
    browser.goto(&page).await;
    let shown = browser.eval("return document.getElementById('number').textContent;").await;
    assert_eq!(shown, json!(number));
    browser.screenshot(&webdriver::screenshot_dir().join("ticket-page-waiting-ar.png")).await;

    // Called at a desk: the open page changes by itself.
    let giulia = server.staff("giulia").await;
    giulia.post_ok("/api/v1/desks/lt-sportello-1/open", Value::Null, StatusCode::OK).await;
    let called = giulia.call_next("lt-sportello-1").await.unwrap();
    assert_eq!(called["number"], number.as_str());
    let go = browser
        .wait_for(
            "the call on the ticket page",
            "var g = document.getElementById('go'); return !g.hidden && g.textContent;",
            Duration::from_secs(15),
        )
        .await;
    assert_eq!(go, json!("اذهب إلى Sportello 1"));
    browser.screenshot(&webdriver::screenshot_dir().join("ticket-page-called-ar.png")).await;
    browser.quit().await;
    server.stop().await;
}
