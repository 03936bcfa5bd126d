//! Issue 17: `sportello up --simulate` brings up the whole centre — the real server, kiosk and
//! display programs, the kiosk and display as real X windows (Xvfb) — simulated traffic produces
//! calls that a display stream sees, and one Ctrl-C (SIGINT to the launcher alone) leaves no
//! process behind, not even one a child started.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use testkit::{eventually, require_tool};
use tests::{LIVORNO, display_key};

/// The directory of the workspace's binaries (`target/debug`).
fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("exe");
    tests::fault::server_binary_near(&exe).parent().expect("bin dir").to_owned()
}

/// The processes still running (zombies aside: their parent is gone and init reaps them) in
/// `groups` (each child of the launcher leads its own).
fn alive_in_groups(groups: &[u32]) -> Vec<String> {
    let mut alive = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // After the command name in parentheses: state, ppid, pgrp.
        let Some((_, rest)) = stat.rsplit_once(')') else { continue };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if let Some(pgrp) = fields.get(2).and_then(|g| g.parse::<u32>().ok())
            && groups.contains(&pgrp)
            && fields.first() != Some(&"Z")
        {
            alive.push(stat.split(')').next().unwrap_or_default().to_owned() + ")");
        }
    }
    alive
}

struct StopOnDrop(u32);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if std::path::Path::new(&format!("/proc/{}", self.0)).exists() {
            let _ = Command::new("kill").args(["-INT", &self.0.to_string()]).status();
        }
    }
}

fn pid_after(lines: &[String], label: &str) -> u32 {
    let line = lines.iter().find(|l| l.contains(label)).unwrap_or_else(|| panic!("no '{label}' line in {lines:#?}"));
    let rest = line.split("pid ").nth(1).unwrap_or_else(|| panic!("no pid in {line}"));
    rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|p| p.parse().ok()).expect("a pid")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sportello_up_brings_up_the_whole_centre_and_ctrl_c_stops_everything() {
    let test = "the launcher test (real kiosk and display windows)";
    let Some(xvfb) = require_tool("Xvfb", "xvfb", test) else { return };
    let Some(xdotool) = require_tool("xdotool", "xdotool", test) else { return };
    let screen = testkit::xvfb::Xvfb::start(&xvfb, "1920x1080x24").expect("Xvfb starts");
    let data = tempfile::tempdir().expect("temp dir");
    let bins = bin_dir();
    let bin = |name: &str| -> PathBuf {
        let p = bins.join(name);
        assert!(p.is_file(), "{} is missing (cargo test builds it)", p.display());
        p
    };
    let mut launcher = Command::new(bin("sportello-test-launcher"))
        .args(["up", "--simulate", "--speed", "100", "--listen", "127.0.0.1:0"])
        .arg("--data")
        .arg(data.path().join("data"))
        .arg("--server-bin")
        .arg(bin("sportello-test-server"))
        .arg("--kiosk-bin")
        .arg(bin("sportello-test-kiosk"))
        .arg("--display-bin")
        .arg(bin("sportello-test-display"))
        .env("DISPLAY", &screen.display)
        .env_remove("WAYLAND_DISPLAY")
        .env("SLINT_BACKEND", "winit-software")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the launcher starts");
    let launcher_pid = launcher.id();
    // If the test fails half-way, the launcher still gets its Ctrl-C (and stops what it started).
    let _stop = StopOnDrop(launcher_pid);
    let output = Arc::new(Mutex::new(Vec::<String>::new()));
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    {
        let output = output.clone();
        let stdout = launcher.stdout.take().expect("piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("sportello ready on ") {
                    let _ = ready_tx.send(url.trim().to_owned());
                }
                output.lock().unwrap().push(line);
            }
        });
    }
    let url = ready_rx
        .recv_timeout(Duration::from_secs(120))
        .unwrap_or_else(|_| panic!("the launcher was not ready: {:#?}", output.lock().unwrap()));
    let lines = output.lock().unwrap().clone();
    let groups =
        [pid_after(&lines, "Server:"), pid_after(&lines, "Kiosk window:"), pid_after(&lines, "Display window:")];

    // Everything becomes ready: the kiosk's and the display's windows are on the screen, and the
    // display program has its live stream open.
    let windows = |pattern: &'static str| {
        let (xdotool, display) = (xdotool.clone(), screen.display.clone());
        move || {
            let (xdotool, display) = (xdotool.clone(), display.clone());
            async move {
                let out = Command::new(&xdotool)
                    .args(["search", "--onlyvisible", "--name", pattern])
                    .env("DISPLAY", &display)
                    .output()
                    .expect("xdotool runs");
                let found = String::from_utf8_lossy(&out.stdout).lines().count();
                if found > 0 { Ok(found) } else { Err(format!("no visible window named {pattern}")) }
            }
        }
    };
    eventually("the kiosk window", Duration::from_secs(60), windows("^Sportello$")).await;
    eventually("the display window", Duration::from_secs(60), windows("Via Terreni$")).await;
    let http = client::Client::new(&url);
    eventually("the display program's live stream", Duration::from_secs(60), || async {
        let metrics = http.exchange(http.request(client::Method::GET, "/metrics")).await.map_err(|e| e.to_string())?;
        let subscribers = metrics
            .body
            .lines()
            .find_map(|l| l.strip_prefix("sportello_stream_subscribers "))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(0.0);
        if subscribers >= 1.0 { Ok(()) } else { Err(format!("{subscribers} subscribers")) }
    })
    .await;

    // Simulated traffic: a display's stream sees calls.
    let display = http.clone().with_bearer(&display_key(LIVORNO));
    let mut stream = display.events(LIVORNO, None).await.expect("the display stream opens");
    let called = tokio::time::timeout(Duration::from_secs(90), async {
        while let Some(m) = stream.next().await {
            if m.expect("a stream message").event == "ticket.called" {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(called, Ok(true), "no call reached the display stream: {:#?}", output.lock().unwrap());
    drop(stream);

    // One Ctrl-C, to the launcher alone: it stops everything it started.
    let sent = Command::new("kill").args(["-INT", &launcher_pid.to_string()]).status().expect("kill runs");
    assert!(sent.success());
    let status = tokio::task::spawn_blocking(move || launcher.wait()).await.expect("join").expect("wait");
    assert!(status.success(), "the launcher ended with {status}: {:#?}", output.lock().unwrap());
    // The launcher has waited for its children; a grandchild killed with them (the kiosk's
    // espeak-ng) may take a moment more to be gone.
    eventually("nothing left of what the launcher started", Duration::from_secs(5), || async {
        let left = alive_in_groups(&groups);
        if left.is_empty() { Ok(()) } else { Err(format!("processes left behind: {left:?}")) }
    })
    .await;
}
