//! Issue #4: the display's real client against the real server — a call appears and is announced;
//! the server restarts while the display is connected, calls are made while it reconnects, and
//! the display catches up with every one of them, showing that it was out of date meanwhile.

use display::client::{Backoff, Driver, Endpoint, HttpClient, Sink};
use display::controller::{Announcement, DisplayController, Settings, View};
use display::texts::Texts;
use serde_json::{Value, json};
use std::time::Duration;
use tests::StatusCode;
use tests::{LIVORNO, TestServer, display_key};
use tokio::sync::mpsc;

struct ChannelSink {
    views: mpsc::UnboundedSender<View>,
    announced: mpsc::UnboundedSender<Announcement>,
}

impl Sink for ChannelSink {
    fn publish(&mut self, view: View) {
        let _ = self.views.send(view);
    }
    fn announce(&mut self, a: Announcement) {
        let _ = self.announced.send(a);
    }
}

/// Wait (at most `limit`) for a published view that satisfies `ok`.
async fn view_where(views: &mut mpsc::UnboundedReceiver<View>, limit: Duration, ok: impl Fn(&View) -> bool) -> View {
    tokio::time::timeout(limit, async {
        loop {
            let v = views.recv().await.expect("the display keeps publishing");
            if ok(&v) {
                return v;
            }
        }
    })
    .await
    .expect("the display reached the expected state in time")
}

fn shows(v: &View, number: &str) -> bool {
    v.latest.as_ref().is_some_and(|c| c.number == number) || v.previous.iter().any(|c| c.number == number)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_display_catches_up_after_a_server_restart() {
    let server = TestServer::start().await;
    let (vt, mut views) = mpsc::unbounded_channel();
    let (at, mut announced) = mpsc::unbounded_channel();
    let endpoint = Endpoint { server: server.url.clone(), key: display_key(LIVORNO), site: LIVORNO.into() };
    let ctl = DisplayController::new(Settings::default(), Texts::builtin(), jiff::Timestamp::now());
    let driver = Driver::new(HttpClient::new(endpoint), ctl, ChannelSink { views: vt, announced: at })
        .with_timing(Backoff::new(Duration::from_millis(100), Duration::from_millis(500)), Duration::from_millis(100));
    let display = tokio::spawn(driver.run());

    let giulia = server.staff("giulia").await;
    giulia.post_ok("/api/v1/desks/lt-sportello-1/open", Value::Null, StatusCode::OK).await;
    let kiosk = server.kiosk(LIVORNO).await;
    for lang in ["ar", "uk", "fr", "it"] {
        kiosk.issue(LIVORNO, json!({"service": "lavoro", "language": lang})).await;
    }
    let first = giulia.call_next("lt-sportello-1").await.unwrap();
    let number = first["number"].as_str().unwrap().to_owned();
    let v = view_where(&mut views, Duration::from_secs(10), |v| v.latest.as_ref().is_some_and(|c| c.number == number))
        .await;
    assert_eq!(v.latest.unwrap().desk, "Sportello 1");
    let a = tokio::time::timeout(Duration::from_secs(10), announced.recv()).await.unwrap().unwrap();
    assert_eq!(a.number, number);
    assert!(!a.recall);
    giulia.act(first["id"].as_str().unwrap(), "start").await;
    giulia.act(first["id"].as_str().unwrap(), "finish").await;

    // Restart on the same address; make calls at two desks before the display has reconnected
    // (the people called are still on their way, so the display must show and announce them).
    let server = server.restart_same_port().await;
    let mut made = Vec::new();
    for (user, desk) in [("giulia", "lt-sportello-1"), ("luca", "lt-sportello-2")] {
        let staff = server.staff(user).await;
        staff.post_ok(&format!("/api/v1/desks/{desk}/open"), Value::Null, StatusCode::OK).await;
        let t = staff.call_next(desk).await.unwrap();
        made.push(t["number"].as_str().unwrap().to_owned());
    }
    let v = view_where(&mut views, Duration::from_secs(20), |v| made.iter().all(|n| shows(v, n))).await;
    assert!(v.stale.is_none(), "the warning is cleared once it caught up");
    let mut heard = Vec::new();
    while heard.len() < made.len() {
        let a = tokio::time::timeout(Duration::from_secs(10), announced.recv()).await.unwrap().unwrap();
        heard.push(a.number);
    }
    assert_eq!(heard, made, "every call made meanwhile is announced, once, in order");

    // Now the server goes away for longer: the display says so plainly.
    let data = server.stop().await;
    let v = view_where(&mut views, Duration::from_secs(15), |v| v.stale.is_some()).await;
    assert!(v.stale.unwrap().chars().any(|c| c.is_ascii_digit()), "says since when");
    display.abort();
    drop(data);
}
