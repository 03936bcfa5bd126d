//! SSE client tests (issue 4) against a fake queue server (axum on 127.0.0.1:0) that drops the
//! stream, asks for a resync, or goes silent; the driver must catch up by itself every time.

use super::*;
use crate::controller::Settings;
use crate::demo::{call_event, demo_snapshot};
use crate::texts::Texts;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

const KEY: &str = "test-display-key";

/// One stream connection: its chunks, then either the end of the response or silence forever.
#[derive(Clone)]
struct Script {
    chunks: Vec<String>,
    keep_open: bool,
}

#[derive(Default)]
struct Fake {
    /// Served in turn; the last one repeats.
    snapshots: Vec<DisplaySnapshot>,
    /// One per stream connection, in turn; beyond them a silent open stream.
    scripts: Vec<Script>,
    snapshot_reads: usize,
    /// The `Last-Event-ID` of each stream connection.
    last_ids: Vec<Option<String>>,
}

type Shared = Arc<Mutex<Fake>>;

fn authorized(headers: &HeaderMap) -> bool {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {KEY}"))
}

async fn display(State(fake): State<Shared>, headers: HeaderMap) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let mut f = fake.lock().unwrap();
    let i = f.snapshot_reads.min(f.snapshots.len() - 1);
    f.snapshot_reads += 1;
    axum::Json(f.snapshots[i].clone()).into_response()
}

async fn events(State(fake): State<Shared>, headers: HeaderMap) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let mut f = fake.lock().unwrap();
    f.last_ids.push(headers.get("last-event-id").and_then(|v| v.to_str().ok()).map(str::to_owned));
    let script = f.scripts.get(f.last_ids.len() - 1).cloned().unwrap_or(Script { chunks: vec![], keep_open: true });
    let chunks = futures_util::stream::iter(script.chunks.into_iter().map(|c| Ok::<_, Infallible>(Bytes::from(c))));
    let body = if script.keep_open {
        Body::from_stream(chunks.chain(futures_util::stream::pending()))
    } else {
        Body::from_stream(chunks)
    };
    ([(header::CONTENT_TYPE, "text/event-stream")], body).into_response()
}

async fn fake_server(fake: Fake) -> (String, Shared) {
    let shared = Arc::new(Mutex::new(fake));
    let app = axum::Router::new()
        .route("/api/v1/sites/{site}/display", axum::routing::get(display))
        .route("/api/v1/sites/{site}/events", axum::routing::get(events))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), shared)
}

/// A call made just now (so it is current and announced).
fn sse_call(id: u64, kind: &str, number: &str, desk: &str) -> String {
    let mut ev = call_event(kind, number, desk, "it");
    ev.at = Timestamp::now().to_string();
    let data = serde_json::to_string(&ev).unwrap();
    format!("id: {id}\nevent: {kind}\ndata: {data}\n\n")
}

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
    fn withdraw(&mut self, _: &str) {}
}

struct Running {
    views: mpsc::UnboundedReceiver<View>,
    announced: mpsc::UnboundedReceiver<Announcement>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Waits (at most 20 s) for a view that satisfies `pred`; returns every view seen until then.
    async fn until(&mut self, what: &str, pred: impl Fn(&View) -> bool) -> Vec<View> {
        let mut seen = Vec::new();
        let found = tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(v) = self.views.recv().await {
                let ok = pred(&v);
                seen.push(v);
                if ok {
                    return true;
                }
            }
            false
        })
        .await;
        assert_eq!(found, Ok(true), "never saw {what}; last view: {:#?}", seen.last());
        seen
    }

    fn announced(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(a) = self.announced.try_recv() {
            out.push(format!("{}{}", a.number, if a.recall { " again" } else { "" }));
        }
        out
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn start(server: String) -> Running {
    start_with_clock(server, Arc::new(Timestamp::now))
}

fn start_with_clock(server: String, clock: Clock) -> Running {
    let (vt, views) = mpsc::unbounded_channel();
    let (at, announced) = mpsc::unbounded_channel();
    let client = HttpClient::new(Endpoint { server, key: KEY.to_owned(), site: "livorno-terreni".to_owned() });
    let ctl = DisplayController::new(Settings::default(), Texts::builtin(), Timestamp::now());
    let driver = Driver::new(client, ctl, ChannelSink { views: vt, announced: at })
        .with_timing(Backoff::new(Duration::from_millis(20), Duration::from_millis(200)), Duration::from_millis(50))
        .with_clock(clock);
    Running { views, announced, task: tokio::spawn(driver.run()) }
}

fn latest_and_previous(v: &View) -> Vec<&str> {
    v.latest.iter().chain(v.previous.iter()).map(|c| c.number.as_str()).collect()
}

#[tokio::test]
async fn dropped_stream_resumes_with_last_event_id_and_catches_up() {
    // The snapshot read on resuming only refreshes the queue figures (not events, so not replayed).
    let mut later = demo_snapshot();
    later.queues[0].waiting = 1;
    later.calls.clear();
    let (server, fake) = fake_server(Fake {
        snapshots: vec![demo_snapshot(), later],
        scripts: vec![
            Script {
                chunks: vec![
                    sse_call(101, "ticket.called", "A013", "lt-sportello-1"),
                    // A message cut in two chunks.
                    sse_call(102, "ticket.called", "A014", "lt-sportello-2")[..20].to_owned(),
                    sse_call(102, "ticket.called", "A014", "lt-sportello-2")[20..].to_owned(),
                ],
                keep_open: false,
            },
            Script {
                chunks: vec![
                    sse_call(103, "ticket.called", "B005", "lt-sportello-3"),
                    "event: heartbeat\ndata: {}\n\n".to_owned(),
                    sse_call(107, "ticket.recalled", "A013", "lt-sportello-1"),
                ],
                keep_open: true,
            },
        ],
        ..Fake::default()
    })
    .await;
    let mut run = start(server);
    let seen = run
        .until("A013 recalled on top", |v| latest_and_previous(v).starts_with(&["A013", "B005", "A014", "B004"]))
        .await;
    assert!(
        seen.iter().any(|v| latest_and_previous(v).starts_with(&["A014", "A013"])),
        "the first connection's calls were shown"
    );
    let last = seen.last().unwrap();
    assert!(last.highlight);
    assert_eq!(last.latest.as_ref().unwrap().desk, "Sportello 1");
    assert_eq!(last.stale, None);
    let f = fake.lock().unwrap();
    assert_eq!(f.last_ids, [Some("100".to_owned()), Some("102".to_owned())]);
    assert_eq!(f.snapshot_reads, 2, "the first, then one for the queue figures on resuming");
    assert_eq!(last.queues[0].waiting, 1, "queue figures refreshed");
    drop(f);
    assert_eq!(run.announced(), ["A013", "A014", "B005", "A013 again"]);
}

#[tokio::test]
async fn resync_rereads_the_snapshot_and_resumes_from_it() {
    let mut second = demo_snapshot();
    second.last_event_id = 250;
    second.calls[0].ticket.number = "B009".to_owned();
    let (server, fake) = fake_server(Fake {
        snapshots: vec![demo_snapshot(), second],
        scripts: vec![
            Script { chunks: vec!["event: resync\ndata: {\"type\":\"resync\"}\n\n".to_owned()], keep_open: true },
            Script { chunks: vec![sse_call(251, "ticket.called", "C003", "lt-sportello-1")], keep_open: true },
        ],
        ..Fake::default()
    })
    .await;
    let mut run = start(server);
    run.until("C003 after the resync", |v| latest_and_previous(v).starts_with(&["C003", "B009", "A012"])).await;
    let f = fake.lock().unwrap();
    assert_eq!(f.snapshot_reads, 2);
    assert_eq!(f.last_ids, [Some("100".to_owned()), Some("250".to_owned())]);
}

#[tokio::test]
async fn a_silent_stream_is_abandoned_and_reopened() {
    let mut snap = demo_snapshot();
    snap.heartbeat_s = 1; // silent for more than 1·2+3 s = dead
    let (server, fake) = fake_server(Fake {
        snapshots: vec![snap],
        scripts: vec![
            Script { chunks: vec![], keep_open: true },
            Script { chunks: vec![sse_call(101, "ticket.called", "A013", "lt-sportello-1")], keep_open: true },
        ],
        ..Fake::default()
    })
    .await;
    let mut run = start(server);
    run.until("A013 on the second connection", |v| latest_and_previous(v).first() == Some(&"A013")).await;
    assert_eq!(fake.lock().unwrap().last_ids, [Some("100".to_owned()), Some("100".to_owned())]);
}

#[tokio::test]
async fn unreachable_server_shows_reconnecting_then_recovers() {
    // Reserve a port, then free it: nothing listens there until the fake server starts on it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut run = start(format!("http://{addr}"));
    run.until("the reconnecting warning", |v| v.stale.as_deref().is_some_and(|s| s.contains("--:--"))).await;
    let shared = Arc::new(Mutex::new(Fake { snapshots: vec![demo_snapshot()], ..Fake::default() }));
    let app = axum::Router::new()
        .route("/api/v1/sites/{site}/display", axum::routing::get(display))
        .route("/api/v1/sites/{site}/events", axum::routing::get(events))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    run.until("the warning cleared and the calls shown", |v| v.stale.is_none() && v.latest.is_some()).await;
}

#[tokio::test]
async fn wrong_key_is_refused_and_shown_as_not_updated() {
    let (server, fake) = fake_server(Fake { snapshots: vec![demo_snapshot()], ..Fake::default() }).await;
    let (vt, mut views) = mpsc::unbounded_channel();
    let (at, _announced) = mpsc::unbounded_channel();
    let client = HttpClient::new(Endpoint { server, key: "wrong".to_owned(), site: "livorno-terreni".to_owned() });
    let err = client.snapshot().await.unwrap_err();
    assert!(err.to_string().contains("401"), "{err}");
    let ctl = DisplayController::new(Settings::default(), Texts::builtin(), Timestamp::now());
    let task = tokio::spawn(
        Driver::new(client, ctl, ChannelSink { views: vt, announced: at })
            .with_timing(Backoff::new(Duration::from_millis(20), Duration::from_millis(100)), Duration::from_millis(50))
            .run(),
    );
    let mut last = None;
    let stale = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(v) = views.recv().await {
            if v.stale.is_some() {
                last = Some(v);
                return true;
            }
        }
        false
    })
    .await;
    task.abort();
    assert_eq!(stale, Ok(true));
    assert_eq!(fake.lock().unwrap().snapshot_reads, 0, "refused before reaching the handler's state");
    // Issue 13: a set-up mistake is told apart from an outage.
    let v = views.try_recv().ok().or(last).expect("a view");
    let band = v.stale.unwrap();
    assert!(band.contains("401") && band.contains("--key") && !band.contains("10:"), "{band}");
}

#[tokio::test]
async fn after_a_sleep_the_clock_jump_shows_the_warning_and_reconnects_at_once() {
    // The stream delivers one queue update and then stays open but silent (a dead connection after
    // a suspend looks like this); with heartbeat_s = 10 the read deadline is 23 s away, yet the
    // display must not wait for it.
    let queue = crate::demo::queue_msg(101, &[("letto", "Area A", 7, 900)]);
    let queue = format!("id: 101\nevent: queue.updated\ndata: {}\n\n", queue.data);
    let (server, fake) = fake_server(Fake {
        snapshots: vec![demo_snapshot()],
        scripts: vec![
            Script { chunks: vec![queue], keep_open: true },
            Script { chunks: vec![sse_call(102, "ticket.called", "A013", "lt-sportello-1")], keep_open: true },
        ],
        ..Fake::default()
    })
    .await;
    let jump = Arc::new(std::sync::atomic::AtomicI64::new(0));
    let offset = jump.clone();
    let clock: Clock = Arc::new(move || {
        Timestamp::now() + jiff::SignedDuration::from_secs(offset.load(std::sync::atomic::Ordering::SeqCst))
    });
    let started = std::time::Instant::now();
    let mut run = start_with_clock(server, clock);
    run.until("the queue update from the first connection", |v| v.queues.first().is_some_and(|q| q.waiting == 7)).await;
    // The machine slept for ten minutes.
    jump.store(600, std::sync::atomic::Ordering::SeqCst);
    let seen =
        run.until("A013 from the new connection", |v| v.latest.as_ref().is_some_and(|l| l.number == "A013")).await;
    assert!(seen.iter().any(|v| v.stale.is_some()), "the warning was shown after the jump");
    assert_eq!(seen.last().unwrap().stale, None, "and cleared");
    assert!(started.elapsed() < Duration::from_secs(15), "reconnected on the clock jump, not on the read deadline");
    assert_eq!(fake.lock().unwrap().last_ids, [Some("100".to_owned()), Some("101".to_owned())]);
}

#[tokio::test]
async fn a_server_that_always_asks_for_a_resync_is_not_hammered() {
    let resync = Script { chunks: vec!["event: resync\ndata: {}\n\n".to_owned()], keep_open: true };
    let (server, fake) = fake_server(Fake {
        snapshots: vec![demo_snapshot()],
        scripts: vec![resync.clone(), resync.clone(), resync.clone(), resync.clone(), resync],
        ..Fake::default()
    })
    .await;
    let (vt, mut views) = mpsc::unbounded_channel();
    let (at, _announced) = mpsc::unbounded_channel();
    let client = HttpClient::new(Endpoint { server, key: KEY.to_owned(), site: "livorno-terreni".to_owned() });
    let ctl = DisplayController::new(Settings::default(), Texts::builtin(), Timestamp::now());
    // Backoff of 300 ms, doubling: five resyncs take at least 300 + 600 + 1200 ms after the first.
    let task = tokio::spawn(
        Driver::new(client, ctl, ChannelSink { views: vt, announced: at })
            .with_timing(Backoff::new(Duration::from_millis(300), Duration::from_secs(5)), Duration::from_millis(50))
            .run(),
    );
    let started = std::time::Instant::now();
    let reached = tokio::time::timeout(Duration::from_secs(20), async {
        while views.recv().await.is_some() {
            if fake.lock().unwrap().snapshot_reads >= 5 {
                return true;
            }
        }
        false
    })
    .await;
    task.abort();
    assert_eq!(reached, Ok(true));
    assert!(started.elapsed() >= Duration::from_millis(1500), "backed off: {:?}", started.elapsed());
}

#[tokio::test]
async fn a_server_address_without_http_is_named_on_screen() {
    let (vt, mut views) = mpsc::unbounded_channel();
    let (at, _announced) = mpsc::unbounded_channel();
    let client =
        HttpClient::new(Endpoint { server: "127.0.0.1:8080".into(), key: KEY.into(), site: "livorno-terreni".into() });
    let ctl = DisplayController::new(Settings::default(), Texts::builtin(), Timestamp::now());
    let task = tokio::spawn(
        Driver::new(client, ctl, ChannelSink { views: vt, announced: at })
            .with_timing(Backoff::new(Duration::from_millis(20), Duration::from_millis(100)), Duration::from_millis(20))
            .run(),
    );
    let v = tokio::time::timeout(Duration::from_secs(10), views.recv()).await.unwrap().unwrap();
    task.abort();
    let band = v.stale.unwrap();
    assert!(band.contains("«127.0.0.1:8080»") && band.contains("http://"), "{band}");
}
