//! The connection flood (issue 12): one address opens thousands of silent sockets and dribbles
//! request bodies a byte at a time, while kiosks issue tickets and desks call them from other
//! addresses. The server (a child process, so the two sides' file descriptors do not mix) must keep
//! serving the kiosks and desks, refuse the flood's excess at once, and close what stays silent.
//! Used by `e2e/flood.rs` (small, short timeouts) and `fault-harness flood` (10,000 sockets).

use crate::{Client, LIVORNO, PASSWORD, StatusCode, kiosk_key, test_config_dir};
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// What a flood run measured.
#[derive(Debug, Default)]
pub struct FloodReport {
    /// Silent sockets the flooder opened (connect succeeded).
    pub silent_opened: usize,
    /// Of those, how many the server had closed by the end (refused at once or timed out).
    pub silent_closed: usize,
    /// Dribbling requests started, and how many the server cut off (an answer or a close).
    pub dribblers: usize,
    pub dribblers_cut: usize,
    /// Of those, cut with a `408` answer (the body did not arrive in time).
    pub dribblers_timed_out: usize,
    /// Kiosk tickets issued during the flood, with their latency.
    pub issued: usize,
    pub issue_p50_ms: f64,
    pub issue_p99_ms: f64,
    /// Desk calls (call next, start, finish) during the flood.
    pub desk_requests: usize,
    pub desk_p50_ms: f64,
    pub desk_p99_ms: f64,
    /// Requests of kiosks and desks that failed.
    pub errors: usize,
    /// The server's own count of connections refused at accept (over the address's share).
    pub refused_at_accept: u64,
    /// The server's own count of connections it closed for silence (first byte, idle).
    pub timed_out: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    TimedOut,
    Closed,
    Never,
}

/// How a run is sized.
pub struct FloodPlan {
    pub silent_sockets: usize,
    pub dribblers: usize,
    /// How long kiosks and desks work during the flood.
    pub work_for: Duration,
    /// The server's first-byte and body timeouts (seconds), passed on its command line.
    pub first_byte_timeout_s: u64,
    pub body_timeout_s: u64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[i.clamp(1, sorted.len()) - 1]
}

async fn connect_from(from: IpAddr, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    socket.connect(to).await
}

/// Has the server closed this connection (EOF or reset) within `wait`?
async fn closed_by_server(s: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 512];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue, // an answer (e.g. 408): keep reading until it closes
            Err(_) => return false,
        }
    }
}

/// Run the flood against a fresh server started from `bin` on `data`.
pub async fn run(bin: &Path, data: &Path, plan: &FloodPlan) -> FloodReport {
    let first_byte = plan.first_byte_timeout_s.to_string();
    let body = plan.body_timeout_s.to_string();
    let mut cmd = testkit::process::server_command(bin, &[], &test_config_dir(), data);
    cmd.args(["--first-byte-timeout", &first_byte, "--body-timeout", &body, "--heartbeat", "1"])
        .env("RUST_LOG", "error");
    let server = testkit::process::ServerProcess::start(cmd).unwrap_or_else(|e| panic!("{e}"));
    let addr: SocketAddr = server.url.trim_start_matches("http://").parse().expect("the server's address");
    let flooder: IpAddr = [127, 0, 0, 2].into();
    let mut report = FloodReport::default();

    // The silent sockets: as many as the flooder can open (the server closes its excess at once).
    let mut silent = Vec::with_capacity(plan.silent_sockets);
    for _ in 0..plan.silent_sockets {
        match connect_from(flooder, addr).await {
            Ok(s) => silent.push(s),
            Err(e) if e.raw_os_error() == Some(24) => break, // out of file descriptors here
            Err(_) => {}
        }
    }
    report.silent_opened = silent.len();

    // Dribbling bodies (from a second address, so that they get past the first one's share): a
    // byte a second, for ever if nobody stops them.
    let dribbler: IpAddr = [127, 0, 0, 3].into();
    let mut dribblers = Vec::new();
    for _ in 0..plan.dribblers {
        let Ok(mut s) = connect_from(dribbler, addr).await else { continue };
        let head = format!(
            "POST /api/v1/sites/{LIVORNO}/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n",
            kiosk_key(LIVORNO)
        );
        if s.write_all(head.as_bytes()).await.is_ok() {
            dribblers.push(tokio::spawn(async move {
                let started = Instant::now();
                loop {
                    if s.write_all(b" ").await.is_err() {
                        return Cut::Closed;
                    }
                    // The server answers (408) or closes: cut off.
                    let mut buf = [0u8; 256];
                    match tokio::time::timeout(Duration::from_secs(1), s.read(&mut buf)).await {
                        Ok(Ok(0)) | Ok(Err(_)) => return Cut::Closed,
                        Ok(Ok(n)) if buf[..n].starts_with(b"HTTP/1.1 408") => return Cut::TimedOut,
                        Ok(Ok(_)) => return Cut::Closed,
                        Err(_) => {}
                    }
                    if started.elapsed() > Duration::from_secs(120) {
                        return Cut::Never;
                    }
                }
            }));
        }
    }
    report.dribblers = dribblers.len();

    // Meanwhile kiosks and desks from another address work as on any day.
    let base = format!("http://{addr}");
    let client = Client::new(&base);
    let (status, login) = client.post("/api/v1/session", json!({"username": "giulia", "password": PASSWORD})).await;
    assert_eq!(status, StatusCode::OK, "login during the flood: {login}");
    let desk = client.clone().with_bearer(login["token"].as_str().expect("token"));
    let kiosk = client.clone().with_bearer(&kiosk_key(LIVORNO));
    let (s, _) = desk.post_empty("/api/v1/desks/lt-sportello-1/open").await;
    assert_eq!(s, StatusCode::OK);
    let mut issue_ms = Vec::new();
    let mut desk_ms = Vec::new();
    let until = Instant::now() + plan.work_for;
    let mut i = 0usize;
    while Instant::now() < until {
        i += 1;
        let t = Instant::now();
        let (s, b) = kiosk.post(&format!("/api/v1/sites/{LIVORNO}/tickets"), json!({"service": "lavoro"})).await;
        issue_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        if s != StatusCode::CREATED {
            report.errors += 1;
            eprintln!("issue during the flood: {s} {b}");
            continue;
        }
        report.issued += 1;
        if i.is_multiple_of(2) {
            let t = Instant::now();
            let (s, called) = desk.post_empty("/api/v1/desks/lt-sportello-1/call-next").await;
            desk_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            if s != StatusCode::OK {
                report.errors += 1;
                continue;
            }
            let id = called["id"].as_str().unwrap_or_default().to_owned();
            for action in ["start", "finish"] {
                let t = Instant::now();
                let (s, _) = desk.post_empty(&format!("/api/v1/tickets/{id}/{action}")).await;
                desk_ms.push(t.elapsed().as_secs_f64() * 1000.0);
                report.errors += usize::from(s != StatusCode::OK);
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    report.desk_requests = desk_ms.len();
    issue_ms.sort_by(f64::total_cmp);
    desk_ms.sort_by(f64::total_cmp);
    (report.issue_p50_ms, report.issue_p99_ms) = (percentile(&issue_ms, 50.0), percentile(&issue_ms, 99.0));
    (report.desk_p50_ms, report.desk_p99_ms) = (percentile(&desk_ms, 50.0), percentile(&desk_ms, 99.0));

    // Every silent socket is closed by the server: the excess at once, the rest at the first-byte
    // timeout (which has passed by now, or soon).
    let wait = Duration::from_secs(plan.first_byte_timeout_s + 3);
    let checks = silent.into_iter().map(|mut s| tokio::spawn(async move { closed_by_server(&mut s, wait).await }));
    for c in checks.collect::<Vec<_>>() {
        report.silent_closed += usize::from(c.await.unwrap_or(false));
    }
    for d in dribblers {
        let cut = d.await.unwrap_or(Cut::Never);
        report.dribblers_cut += usize::from(cut != Cut::Never);
        report.dribblers_timed_out += usize::from(cut == Cut::TimedOut);
    }
    let (_, metrics) = client.get("/metrics").await;
    let counter = |name: &str| -> u64 {
        metrics
            .as_str()
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().last())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    report.refused_at_accept = counter("sportello_refused_connections_total{reason=\"address\"}");
    report.timed_out = counter("sportello_timed_out_connections_total");
    drop(server);
    report
}
