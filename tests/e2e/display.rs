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
    fn withdraw(&mut self, _: &str) {}
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

/// A TCP relay between the display and the server that can cut the network: every connection
/// through it is dropped and new ones are closed at once until it is restored.
async fn relay(target: std::net::SocketAddr) -> (String, tokio::sync::watch::Sender<bool>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (cut, watch) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let mut watch = watch.clone();
            if *watch.borrow() {
                continue;
            }
            tokio::spawn(async move {
                let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await else { return };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                    _ = watch.wait_for(|c| *c) => {}
                }
            });
        }
    });
    (url, cut)
}

/// A clock that tests move forward: the server's and the display's read the same offset, as if
/// real time had passed for both.
#[derive(Clone, Default)]
struct Later(std::sync::Arc<std::sync::atomic::AtomicI64>);

impl Later {
    fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::now() + jiff::SignedDuration::from_secs(self.0.load(std::sync::atomic::Ordering::SeqCst))
    }
    fn pass(&self, secs: i64) {
        self.0.fetch_add(secs, std::sync::atomic::Ordering::SeqCst);
    }
}

/// The display's own announcer queue (the real policy) in place of the voice: what it would speak.
struct QueueSink {
    views: mpsc::UnboundedSender<View>,
    queue: std::sync::Arc<std::sync::Mutex<display::announce::AnnounceQueue>>,
}

impl Sink for QueueSink {
    fn publish(&mut self, view: View) {
        let _ = self.views.send(view);
    }
    fn announce(&mut self, a: Announcement) {
        self.queue.lock().unwrap().push(a);
    }
    fn withdraw(&mut self, number: &str) {
        self.queue.lock().unwrap().withdraw(number);
    }
}

struct Screen {
    views: mpsc::UnboundedReceiver<View>,
    queue: std::sync::Arc<std::sync::Mutex<display::announce::AnnounceQueue>>,
    later: Later,
    task: tokio::task::JoinHandle<()>,
}

impl Screen {
    fn start(url: &str, later: &Later) -> Screen {
        let (vt, views) = mpsc::unbounded_channel();
        let queue = std::sync::Arc::new(std::sync::Mutex::new(display::announce::AnnounceQueue::new(
            display::announce::CAPACITY,
        )));
        let endpoint = Endpoint { server: url.to_owned(), key: display_key(LIVORNO), site: LIVORNO.into() };
        let l = later.clone();
        let ctl = DisplayController::new(Settings::default(), Texts::builtin(), l.now());
        let driver = Driver::new(HttpClient::new(endpoint), ctl, QueueSink { views: vt, queue: queue.clone() })
            .with_timing(
                Backoff::new(Duration::from_millis(100), Duration::from_millis(300)),
                Duration::from_millis(100),
            )
            .with_clock(std::sync::Arc::new(move || l.now()));
        Screen { views, queue, later: later.clone(), task: tokio::spawn(driver.run()) }
    }

    /// What the voice would speak now, in its order.
    fn heard(&mut self) -> Vec<String> {
        let mut q = self.queue.lock().unwrap();
        std::iter::from_fn(|| q.next(self.later.now())).map(|turn| turn.announcement.number).collect()
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Opens three desks and puts four tickets in each of their queues.
async fn open_desks(server: &TestServer) -> Vec<(tests::Client, &'static str)> {
    let kiosk = server.kiosk(LIVORNO).await;
    for service in ["lavoro", "residenza", "letto"] {
        for _ in 0..4 {
            kiosk.issue(LIVORNO, json!({"service": service, "language": "fr"})).await;
        }
    }
    let mut desks = Vec::new();
    for (user, desk) in [("giulia", "lt-sportello-1"), ("luca", "lt-sportello-2"), ("sara", "lt-sportello-3")] {
        let staff = server.staff(user).await;
        staff.post_ok(&format!("/api/v1/desks/{desk}/open"), Value::Null, StatusCode::OK).await;
        desks.push((staff, desk));
    }
    desks
}

async fn call(staff: &tests::Client, desk: &str) -> (String, String) {
    let t = staff.call_next(desk).await.expect("someone waits");
    (t["number"].as_str().unwrap().to_owned(), t["id"].as_str().unwrap().to_owned())
}

/// Issue 13: after a network cut of 137 s the display resumes with `Last-Event-ID`; of the calls
/// made meanwhile it shows all, but speaks only those still current: not the one 137 s old, not the
/// one whose person already reached the desk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_long_cut_only_current_calls_are_spoken() {
    let later = Later::default();
    let data = tempfile::tempdir().unwrap();
    let mut opts = TestServer::options(tests::test_config_dir(), &data);
    let l = later.clone();
    opts.clock = Some(std::sync::Arc::new(move || l.now()));
    let server = TestServer::start_opts(opts, data).await;
    let desks = open_desks(&server).await;
    let (url, cut) = relay(server.addr()).await;
    let mut screen = Screen::start(&url, &later);
    view_where(&mut screen.views, Duration::from_secs(10), |v| v.stale.is_none() && !v.queues.is_empty()).await;

    cut.send(true).unwrap();
    view_where(&mut screen.views, Duration::from_secs(15), |v| v.stale.is_some()).await;
    let (old, _) = call(&desks[0].0, desks[0].1).await;
    later.pass(137);
    let (served, served_id) = call(&desks[1].0, desks[1].1).await;
    desks[1].0.act(&served_id, "start").await;
    let (fresh, _) = call(&desks[2].0, desks[2].1).await;
    cut.send(false).unwrap();

    let v = view_where(&mut screen.views, Duration::from_secs(20), |v| {
        v.stale.is_none() && [&old, &served, &fresh].iter().all(|n| shows(v, n))
    })
    .await;
    assert_eq!(v.latest.as_ref().unwrap().number, fresh);
    assert_eq!(
        screen.heard(),
        std::slice::from_ref(&fresh),
        "{old} is 137 s old and {served} is at the desk: shown, not spoken"
    );
}

/// Issue 13: the same across a real server restart — the display re-reads the snapshot (the new
/// server cannot resume its stream) and speaks only the calls still current.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_long_restart_only_current_calls_are_spoken() {
    let later = Later::default();
    let data = tempfile::tempdir().unwrap();
    let mut opts = TestServer::options(tests::test_config_dir(), &data);
    let l = later.clone();
    opts.clock = Some(std::sync::Arc::new(move || l.now()));
    let server = TestServer::start_opts(opts, data).await;
    let desks = open_desks(&server).await;
    let (url, cut) = relay(server.addr()).await;
    let mut screen = Screen::start(&url, &later);
    view_where(&mut screen.views, Duration::from_secs(10), |v| v.stale.is_none() && !v.queues.is_empty()).await;

    // The display loses the server; calls are made; the server restarts 137 s later.
    cut.send(true).unwrap();
    view_where(&mut screen.views, Duration::from_secs(15), |v| v.stale.is_some()).await;
    let (old, _) = call(&desks[0].0, desks[0].1).await;
    drop(desks);
    later.pass(137);
    let server = server.restart_same_port().await;
    let staff = server.staff("luca").await;
    let (fresh, _) = call(&staff, "lt-sportello-2").await;
    cut.send(false).unwrap();

    let v = view_where(&mut screen.views, Duration::from_secs(20), |v| {
        v.stale.is_none() && shows(v, &old) && shows(v, &fresh)
    })
    .await;
    assert_eq!(v.latest.as_ref().unwrap().number, fresh);
    assert_eq!(screen.heard(), std::slice::from_ref(&fresh), "{old} is 137 s old: shown, not spoken");
}

/// Issue 13: the nine queues reach displays in the configuration's order (the engine keeps
/// services in a hash map, and displays showed E, I, B, D …), in the snapshot and in
/// `queue.updated`.
#[tokio::test]
async fn queues_come_in_the_configured_order() {
    let server = TestServer::start().await;
    let display = server.display(LIVORNO).await;
    let order = ["A", "B", "C", "D", "E", "F", "G", "H", "I"].map(|p| format!("Area {p}"));
    let labels = |queues: &Value| -> Vec<String> {
        queues.as_array().unwrap().iter().map(|q| q["service_label"].as_str().unwrap().to_owned()).collect()
    };
    let (_, snap) = display.get(&format!("/api/v1/sites/{LIVORNO}/display")).await;
    assert_eq!(labels(&snap["queues"]), order);
    let (_, queues) = display.get(&format!("/api/v1/sites/{LIVORNO}/queues")).await;
    assert_eq!(labels(&queues), order);
    let mut stream = display.events(LIVORNO, None).await;
    server.kiosk(LIVORNO).await.issue(LIVORNO, json!({"service": "lavoro"})).await;
    loop {
        let m = stream.next(Duration::from_secs(10)).await.expect("queue.updated arrives");
        if m.event == "queue.updated" {
            assert_eq!(labels(&tests::data(&m)["queues"]), order);
            break;
        }
    }
}

/// No sound card: every play fails.
struct NoSoundCard;

impl display::audio::Player for NoSoundCard {
    fn play(&mut self, _: &[u8]) -> Result<(), display::audio::AudioError> {
        Err(display::audio::AudioError::BadWav("no sound card"))
    }
}

/// Issue 13: a display whose sound fails says so small on its screen and to the server, where
/// staff see it among the site's devices; a report the server cannot read changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_display_that_cannot_play_sound_says_so_on_screen_and_to_staff() {
    use display::audio::{AnnouncerOptions, SoundState, spawn_announcer};
    let server = TestServer::start().await;
    let (sound_tx, sound_rx) = tokio::sync::watch::channel(SoundState::Ok);
    let options = AnnouncerOptions {
        on_sound: Box::new(move |r| {
            sound_tx.send_replace(r.map_or_else(SoundState::Failing, |()| SoundState::Ok));
        }),
        ..AnnouncerOptions::default()
    };
    let (announcer, _thread) = spawn_announcer(None, Box::new(NoSoundCard), options);
    let (at, mut announced) = mpsc::unbounded_channel::<Announcement>();
    tokio::spawn(async move {
        while let Some(a) = announced.recv().await {
            announcer.announce(a);
        }
    });
    let (vt, mut views) = mpsc::unbounded_channel();
    let endpoint = Endpoint { server: server.url.clone(), key: display_key(LIVORNO), site: LIVORNO.into() };
    let client = HttpClient::new(endpoint);
    let ctl = DisplayController::new(Settings::default(), Texts::builtin(), jiff::Timestamp::now());
    let driver = Driver::new(client.clone(), ctl, ChannelSink { views: vt, announced: at })
        .with_sound(sound_rx.clone())
        .with_timing(Backoff::new(Duration::from_millis(100), Duration::from_millis(500)), Duration::from_millis(100));
    let display = tokio::spawn(driver.run());
    let reporter = tokio::spawn(display::client::report_health(client, sound_rx));

    let giulia = server.staff("giulia").await;
    let devices = || async {
        let (status, body) = giulia.get(&format!("/api/v1/sites/{LIVORNO}/devices")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.as_array().unwrap().iter().find(|d| d["kind"] == "display").cloned().expect("the site's display")
    };
    let seen = testkit::eventually("the display's first report", Duration::from_secs(10), || async {
        let d = devices().await;
        (d["sound"] == "ok").then_some(d)
    })
    .await;
    assert_eq!(seen["problem"], Value::Null, "{seen}");

    giulia.post_ok("/api/v1/desks/lt-sportello-1/open", Value::Null, StatusCode::OK).await;
    server.kiosk(LIVORNO).await.issue(LIVORNO, json!({"service": "lavoro"})).await;
    let (number, _) = call(&giulia, "lt-sportello-1").await;
    let v = view_where(&mut views, Duration::from_secs(10), |v| v.sound.is_some()).await;
    assert!(shows(&v, &number), "the call is shown although it cannot be heard");
    assert_eq!(v.sound.as_deref(), Some("Audio non funzionante: not a 16-bit PCM WAV file: no sound card"));
    let failing = testkit::eventually("staff told the display is mute", Duration::from_secs(10), || async {
        let d = devices().await;
        (d["sound"] == "failing").then_some(d)
    })
    .await;
    assert_eq!(failing["problem"], "cannot play sound: not a 16-bit PCM WAV file: no sound card", "{failing}");
    assert_eq!(failing["printer"], "none");

    // A report the server cannot read: a clear error, and what staff see stays as it was.
    let raw = reqwest::Client::new();
    let bad = raw
        .post(format!("{}/api/v1/devices/health", server.url))
        .bearer_auth(display_key(LIVORNO))
        .json(&json!({"sound": "loud"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("sound must be one of"));
    assert_eq!(devices().await["sound"], "failing");
    display.abort();
    reporter.abort();
}
