//! The fault harness (issue #7): the real server binary killed with SIGKILL under load again and
//! again, its disk filling up, and clients that dribble their headers. Used by the e2e smoke tests
//! (`tests/e2e/faults.rs`) and by `fault-harness` for long runs with figures.

use crate::{Client, LIVORNO, PASSWORD, StatusCode, kiosk_key, test_config_dir};
use client::Method;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use testkit::process::ServerProcess;

/// Ticket states in the order a desk moves them.
fn rank(status: &str) -> u8 {
    match status {
        "waiting" => 0,
        "called" => 1,
        "serving" => 2,
        "done" | "no_show" | "cancelled" => 3,
        _ => 9,
    }
}

/// What the clients were told, written and fsync'd before they do anything else with it.
pub struct Journal {
    file: Mutex<std::fs::File>,
    /// id → (number, last acknowledged status)
    pub acked: Mutex<HashMap<String, (String, String)>>,
}

impl Journal {
    pub fn create(path: &Path) -> Journal {
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path).expect("journal");
        Journal { file: Mutex::new(file), acked: Mutex::default() }
    }

    pub fn record(&self, id: &str, number: &str, status: &str) {
        {
            let mut f = self.file.lock().expect("journal lock");
            writeln!(f, "{id} {number} {status}").expect("journal write");
            f.sync_data().expect("journal fsync");
        }
        self.acked.lock().expect("lock").insert(id.to_owned(), (number.to_owned(), status.to_owned()));
    }
}

/// What the database says against the journal.
#[derive(Debug, Default, Clone)]
pub struct Findings {
    /// Tickets stored.
    pub stored: usize,
    /// `PRAGMA integrity_check` when it is not `ok`.
    pub integrity: Option<String>,
    /// (site, day, number) given to more than one ticket.
    pub duplicate_numbers: u64,
    /// Acknowledged tickets missing, renumbered, or stored in an earlier state than acknowledged.
    pub broken: Vec<String>,
}

impl Findings {
    /// Nothing acknowledged was lost or changed, the file is sound, no number was given twice.
    pub fn clean(&self) -> bool {
        self.integrity.is_none() && self.duplicate_numbers == 0 && self.broken.is_empty()
    }
}

/// Check the database against the journal: every acknowledged ticket with its number and at least
/// its acknowledged state, integrity ok, no number twice.
pub fn check(data: &Path, journal: &Journal) -> Result<Findings, String> {
    let stored = queue_server::tools::stored(data).map_err(|e| e.to_string())?;
    let mut findings = Findings {
        stored: stored.tickets.len(),
        integrity: Some(stored.integrity).filter(|i| i != "ok"),
        duplicate_numbers: stored.duplicate_numbers,
        broken: vec![],
    };
    let mut acked: Vec<_> = journal.acked.lock().expect("lock").clone().into_iter().collect();
    acked.sort();
    for (id, (number, status)) in acked {
        match stored.tickets.get(&id) {
            None => findings.broken.push(format!("acknowledged ticket {number} ({id}) lost")),
            Some((n, _)) if *n != number => findings.broken.push(format!("ticket {id} was {number}, now {n}")),
            Some((_, s)) if rank(s) < rank(&status) => {
                findings.broken.push(format!("ticket {number} acknowledged {status}, stored {s}"));
            }
            _ => {}
        }
    }
    Ok(findings)
}

/// [`check`] as an error when anything is wrong; returns how many tickets are stored.
pub fn verify(data: &Path, journal: &Journal) -> Result<usize, String> {
    let f = check(data, journal)?;
    if f.clean() { Ok(f.stored) } else { Err(format!("{f:?}")) }
}

/// Figures of a kill -9 run.
#[derive(Debug, Default)]
pub struct KillReport {
    pub iterations: usize,
    pub acknowledged: usize,
    /// Tickets stored after the last kill.
    pub stored: usize,
    /// After which kill (1-based) the database did not hold what was acknowledged, and how.
    pub failures: Vec<(usize, Findings)>,
    pub ready_ms: Vec<f64>,
}

impl KillReport {
    pub fn summary(&self) -> String {
        let mut r = self.ready_ms.clone();
        r.sort_by(f64::total_cmp);
        let p = |q: f64| r.get(((r.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        let verdict = if self.failures.is_empty() {
            "all present with their number and state".to_owned()
        } else {
            format!("FAILED after {} kills: {:?}", self.failures.len(), self.failures)
        };
        format!(
            "{} kills: {} tickets acknowledged, {} stored, {verdict}; ready again after a kill: p50 {:.0} ms, max {:.0} ms",
            self.iterations,
            self.acknowledged,
            self.stored,
            p(0.5),
            p(1.0)
        )
    }
}

/// Kill the server with SIGKILL `iterations` times while 6 kiosks issue and a desk calls, starts
/// and finishes; check the database against the clients' journal after every kill (the report's
/// `failures`). An error is the harness failing (a client saw an answer it should not), not the
/// server losing data.
pub async fn kill9(bin: &Path, iterations: usize, seed: u64) -> Result<KillReport, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let data = dir.path().join("data");
    let journal = Arc::new(Journal::create(&dir.path().join("journal.txt")));
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut report = KillReport::default();
    for iteration in 0..iterations {
        let mut server = ServerProcess::spawn(bin, &test_config_dir(), &data);
        report.ready_ms.push(server.ready.as_secs_f64() * 1000.0);
        let url = server.url.clone();
        let mut tasks = Vec::new();
        for w in 0..6 {
            let (url, journal) = (url.clone(), journal.clone());
            tasks.push(tokio::spawn(async move { kiosk_load(&url, &journal, iteration, w).await }));
        }
        let (desk_url, desk_journal) = (url.clone(), journal.clone());
        tasks.push(tokio::spawn(async move { desk_load(&desk_url, &desk_journal).await }));
        tokio::time::sleep(Duration::from_millis(rng.random_range(150..550))).await;
        server.kill();
        for t in tasks {
            t.await.map_err(|e| e.to_string())??;
        }
        let findings = check(&data, &journal).map_err(|e| format!("after kill {}: {e}", iteration + 1))?;
        report.stored = findings.stored;
        report.iterations += 1;
        if !findings.clean() {
            report.failures.push((report.iterations, findings));
        }
    }
    report.acknowledged = journal.acked.lock().expect("lock").len();
    Ok(report)
}

/// A kiosk issuing until the server goes away; only a refused connection or a cut ends it.
async fn kiosk_load(url: &str, journal: &Journal, iteration: usize, w: usize) -> Result<(), String> {
    let kiosk = Client::new(url).with_bearer(&kiosk_key(LIVORNO));
    let services = ["lavoro", "residenza", "sociale", "letto"];
    for i in 0.. {
        let r = kiosk
            .request(Method::POST, &format!("/api/v1/sites/{LIVORNO}/tickets"))
            .header("Idempotency-Key", format!("k{iteration}-{w}-{i}"))
            .json(&json!({"service": services[i % services.len()]}));
        // No answer (the server was killed) ends the kiosk; so does a cut answer.
        let Ok(answer) = kiosk.api.exchange(r).await else { return Ok(()) };
        let Ok(body) = serde_json::from_str::<Value>(&answer.body) else { return Ok(()) };
        match answer.status {
            StatusCode::CREATED => journal.record(
                body["id"].as_str().unwrap_or_default(),
                body["number"].as_str().unwrap_or_default(),
                "waiting",
            ),
            s => return Err(format!("issue answered {s}: {body}")),
        }
    }
    Ok(())
}

/// A desk: log in, open, then call next, start and finish until the server goes away. After a
/// restart the desk may still hold a ticket from before the kill: it finishes that one first.
async fn desk_load(url: &str, journal: &Journal) -> Result<(), String> {
    let staff = match Client::new(url).api.login("giulia", PASSWORD).await {
        Ok((staff, _)) => Client { api: staff },
        Err(e) if e.is_transport() => return Ok(()),
        Err(e) => return Err(format!("login: {e}")),
    };
    let desk = "lt-sportello-1";
    let send = |path: String| {
        let staff = staff.clone();
        async move {
            let answer = staff.api.exchange(staff.request(Method::POST, &path)).await.ok()?;
            Some((answer.status, answer.json()))
        }
    };
    let Some((s, b)) = send(format!("/api/v1/desks/{desk}/open")).await else { return Ok(()) };
    if !s.is_success() {
        return Err(format!("open desk: {s} {b}"));
    }
    loop {
        let Some((s, b)) = send(format!("/api/v1/desks/{desk}/call-next")).await else { return Ok(()) };
        let (id, number, mut status) = match s {
            StatusCode::OK => {
                let (id, number) = (b["id"].as_str().unwrap_or_default(), b["number"].as_str().unwrap_or_default());
                journal.record(id, number, "called");
                (id.to_owned(), number.to_owned(), "called".to_owned())
            }
            StatusCode::NO_CONTENT => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
            StatusCode::CONFLICT => {
                // Busy with a ticket from before the kill.
                let Ok(desks) = staff.api.desks(LIVORNO).await else { return Ok(()) };
                let desks = serde_json::to_value(desks).expect("desks serialize");
                let current =
                    desks.as_array().into_iter().flatten().find(|d| d["id"] == desk).map(|d| d["current"].clone());
                let Some(cur) = current.filter(|c| c.is_object()) else { continue };
                let id = cur["id"].as_str().unwrap_or_default().to_owned();
                let number = cur["number"].as_str().unwrap_or_default().to_owned();
                let status = cur["status"].as_str().unwrap_or_default().to_owned();
                (id, number, status)
            }
            s => return Err(format!("call-next: {s} {b}")),
        };
        for (from, action, to) in [("called", "start", "serving"), ("serving", "finish", "done")] {
            if status != from {
                continue;
            }
            let Some((s, b)) = send(format!("/api/v1/tickets/{id}/{action}")).await else { return Ok(()) };
            if !s.is_success() {
                return Err(format!("{action} {number}: {s} {b}"));
            }
            journal.record(&id, &number, to);
            status = to.to_owned();
        }
    }
}

/// Where the harness binaries are: next to the running executable (`target/<profile>/`).
pub fn server_binary_near(exe: &Path) -> PathBuf {
    let dir = exe.parent().expect("exe dir");
    let dir = if dir.ends_with("deps") { dir.parent().expect("profile dir") } else { dir };
    dir.join("sportello-test-server")
}

/// Whether this process may mount a tmpfs (root, and a kernel that lets it). Says why not, and with
/// `CI=true` fails instead of skipping.
pub fn can_mount(test: &str) -> bool {
    let probe = tempfile::tempdir().expect("temp dir");
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(probe.path())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        let _ = Command::new("umount").arg(probe.path()).status();
    }
    testkit::require(
        ok,
        &format!("{test} needs root and mount(8) to make a small tmpfs (a full disk); not permitted here"),
    )
}

/// A small tmpfs, unmounted on drop.
pub struct SmallDisk {
    pub dir: tempfile::TempDir,
}

impl SmallDisk {
    pub fn mount(size_kib: u64) -> SmallDisk {
        let dir = tempfile::tempdir().expect("temp dir");
        let st = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_kib}k"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount");
        assert!(st.success(), "mount a {size_kib} KiB tmpfs");
        SmallDisk { dir }
    }

    /// Give the disk more room (space returns).
    pub fn grow(&self, size_kib: u64) {
        let st = Command::new("mount")
            .args(["-o", &format!("remount,size={size_kib}k")])
            .arg(self.dir.path())
            .status()
            .expect("remount");
        assert!(st.success(), "remount the tmpfs at {size_kib} KiB");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

/// Figures of a disk-full run.
#[derive(Debug, Default)]
pub struct DiskFullReport {
    pub acknowledged: usize,
    pub refused_503: usize,
    pub resumed: bool,
}

/// The data directory on a 2 MiB tmpfs: kiosks issue until the disk is full. Every refusal must be
/// a clean JSON 503, every 201 must be stored; after the disk grows the same server goes on.
pub async fn disk_full(bin: &Path) -> Result<DiskFullReport, String> {
    let disk = SmallDisk::mount(2048);
    let data = disk.dir.path().join("data");
    let journal = Journal::create(&std::env::temp_dir().join(format!("sportello-diskfull-{}.txt", std::process::id())));
    let mut server = ServerProcess::spawn(bin, &test_config_dir(), &data);
    let kiosk = Client::new(&server.url).with_bearer(&kiosk_key(LIVORNO));
    let mut report = DiskFullReport::default();
    let body = |i: usize| json!({"service": "lavoro", "needs": [format!("group:g{}", i % 7)], "language": "uk"});
    let mut i = 0;
    while report.refused_503 < 20 {
        i += 1;
        if i > 200_000 {
            return Err("the disk never filled up".into());
        }
        let (status, b) = kiosk.post(&format!("/api/v1/sites/{LIVORNO}/tickets"), body(i)).await;
        match status {
            StatusCode::CREATED => journal.record(
                b["id"].as_str().unwrap_or_default(),
                b["number"].as_str().unwrap_or_default(),
                "waiting",
            ),
            StatusCode::SERVICE_UNAVAILABLE => {
                if b["error"]["code"].as_str().is_none() {
                    return Err(format!("a 503 without our error body: {b}"));
                }
                report.refused_503 += 1;
            }
            s => return Err(format!("disk full answered {s}: {b}")),
        }
    }
    disk.grow(65536);
    // Space is back: the same process answers again (no restart).
    let (kiosk, journal_ref) = (&kiosk, &journal);
    let resumed = crate::eventually(
        "the same server issuing again once space returned",
        Duration::from_secs(5),
        move || async move {
            let (status, b) = kiosk.post(&format!("/api/v1/sites/{LIVORNO}/tickets"), body(0)).await;
            if status != StatusCode::CREATED {
                return Err(format!("{status} {b}"));
            }
            journal_ref.record(
                b["id"].as_str().unwrap_or_default(),
                b["number"].as_str().unwrap_or_default(),
                "waiting",
            );
            Ok(true)
        },
    )
    .await;
    report.resumed = resumed;
    server.kill();
    verify(&data, &journal)?;
    report.acknowledged = journal.acked.lock().expect("lock").len();
    let _ = std::fs::remove_file(std::env::temp_dir().join(format!("sportello-diskfull-{}.txt", std::process::id())));
    Ok(report)
}

/// Figures of a slow-client run.
#[derive(Debug, Default)]
pub struct SlowReport {
    pub slow: usize,
    /// Slow connections the server closed (header read timeout).
    pub cut: usize,
    pub normal: usize,
    pub normal_errors: usize,
    pub normal_p99_ms: f64,
    pub normal_max_ms: f64,
}

/// `slow` connections dribble a request's headers one byte a second while normal clients make
/// `normal` requests; returns their latency and how many slow connections the server cut off
/// within `wait`.
pub async fn slow_clients(addr: std::net::SocketAddr, slow: usize, normal: usize, wait: Duration) -> SlowReport {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let cut = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut dribblers = Vec::new();
    for _ in 0..slow {
        let cut = cut.clone();
        dribblers.push(tokio::spawn(async move {
            let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else { return };
            let req = b"GET /api/v1/sites HTTP/1.1\r\nHost: sportello\r\nX-Slow: ";
            let started = Instant::now();
            for b in req.iter().cycle() {
                if s.write_all(&[*b]).await.is_err() {
                    break;
                }
                // The server closes: a read returns 0 (or an error) before the time is up.
                let mut buf = [0u8; 256];
                match tokio::time::timeout(Duration::from_secs(1), s.read(&mut buf)).await {
                    Ok(Ok(0)) | Ok(Err(_)) => break,
                    Ok(Ok(_)) => break, // an answer (e.g. 408): also cut off
                    Err(_) => {}
                }
                if started.elapsed() > wait {
                    return;
                }
            }
            cut.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let http = client::Client::new(&format!("http://{addr}"));
    let mut lat = Vec::new();
    let mut errors = 0;
    for _ in 0..normal {
        let t = Instant::now();
        let ok = http.sites().await.is_ok();
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        if !ok {
            errors += 1;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for d in dribblers {
        let _ = d.await;
    }
    lat.sort_by(f64::total_cmp);
    let p99 = lat.get(((lat.len() as f64 - 1.0) * 0.99).round() as usize).copied().unwrap_or(0.0);
    SlowReport {
        slow,
        cut: cut.load(std::sync::atomic::Ordering::Relaxed),
        normal,
        normal_errors: errors,
        normal_p99_ms: p99,
        normal_max_ms: lat.last().copied().unwrap_or(0.0),
    }
}
