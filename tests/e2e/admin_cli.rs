//! Issue #2: the admin commands work while the server runs — staff add/list/disable,
//! device add/list/revoke, check-config — through the real binary on the same data directory.

use serde_json::json;
use std::io::Write;
use std::process::{Command, Stdio};
use tests::StatusCode;
use tests::{LIVORNO, TestServer, test_config_dir};

/// Run the server binary's admin command line on `data`: (success, stdout, stderr).
pub(crate) fn cli(data: &std::path::Path, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sportello-test-server"))
        .arg("--config")
        .arg(test_config_dir())
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    if let Some(input) = stdin {
        // A command that fails before reading its input closes the pipe: its stderr tells why.
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_commands_work_while_the_server_runs() {
    let server = TestServer::start().await;
    let data = server.data.path().to_owned();

    // staff add: the password comes from standard input; the new account logs in at once.
    let (ok, out, err) = cli(
        &data,
        &["staff", "add", "rossi", "--role", "staff", "--languages", "it,ar", "--sites", LIVORNO],
        Some("a long enough password\n"),
    );
    assert!(ok, "{out}{err}");
    // Issue 12: an account belongs to sites; an unknown site or none at all is refused.
    let (ok, _, err) = cli(&data, &["staff", "add", "neri", "--role", "staff"], Some("another password 123\n"));
    assert!(!ok && err.contains("--sites is required"), "{err}");
    let (ok, _, err) =
        cli(&data, &["staff", "add", "neri", "--role", "staff", "--sites", "nowhere"], Some("another password 123\n"));
    assert!(!ok && err.contains("no site 'nowhere'"), "{err}");
    let (status, body) = server
        .client()
        .post("/api/v1/session", json!({"username": "rossi", "password": "a long enough password"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["languages"], json!(["it", "ar"]));
    assert_eq!(body["sites"], json!([LIVORNO]));
    let (ok, _, err) =
        cli(&data, &["staff", "add", "rossi", "--role", "staff", "--sites", "all"], Some("another password 123\n"));
    assert!(!ok && err.contains("already exists"), "{err}");
    let (ok, _, err) =
        cli(&data, &["staff", "add", "bianchi", "--role", "boss", "--sites", "all"], Some("another password 123\n"));
    assert!(!ok && err.contains("--role"), "{err}");
    let (ok, _, err) = cli(&data, &["staff", "add", "bianchi", "--role", "staff", "--sites", LIVORNO], Some("short\n"));
    assert!(!ok && err.contains("at least 10"), "{err}");
    let (ok, out, _) = cli(&data, &["staff", "list"], None);
    assert!(ok && out.contains("rossi") && out.contains("giulia"), "{out}");
    assert!(out.lines().any(|l| l.starts_with("rossi") && l.contains(&format!("sites={LIVORNO} "))), "{out}");
    let (ok, out, err) = cli(&data, &["staff", "sites", "rossi", "grosseto-stazione,livorno-terreni"], None);
    assert!(ok && out.contains("rossi works at: grosseto-stazione,livorno-terreni"), "{out}{err}");
    assert!(!out.contains("argon2"), "hashes are never printed");
    let (ok, _, _) = cli(&data, &["staff", "disable", "rossi"], None);
    assert!(ok);
    let (status, _) = server
        .client()
        .post("/api/v1/session", json!({"username": "rossi", "password": "a long enough password"}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a disabled account cannot log in");

    // device add: the key alone on the last line; it works at its site only.
    let (ok, out, err) = cli(&data, &["device", "add", "--site", LIVORNO, "--kind", "kiosk"], None);
    assert!(ok, "{err}");
    let key = out.lines().last().unwrap().trim().to_owned();
    assert!(key.len() >= 40, "a long random key: {key}");
    let kiosk = server.client().with_bearer(&key);
    let (status, _) = kiosk.get(&format!("/api/v1/sites/{LIVORNO}/kiosk")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = kiosk.get("/api/v1/sites/grosseto-stazione/kiosk").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (ok, _, err) = cli(&data, &["device", "add", "--site", "nowhere", "--kind", "kiosk"], None);
    assert!(!ok && err.contains("no site 'nowhere'"), "{err}");

    // device revoke: a key revoked before its first use is refused.
    let (_, out, _) = cli(&data, &["device", "add", "--site", LIVORNO, "--kind", "display"], None);
    let display_key = out.lines().last().unwrap().trim().to_owned();
    let (_, list, _) = cli(&data, &["device", "list"], None);
    let id = list
        .lines()
        .find(|l| l.contains("display") && !l.contains("demo"))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    assert!(!list.contains(&display_key), "keys are never listed");
    let (ok, _, _) = cli(&data, &["device", "revoke", &id], None);
    assert!(ok);
    let (status, _) = server.client().with_bearer(&display_key).get(&format!("/api/v1/sites/{LIVORNO}/queues")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (ok, _, err) = cli(&data, &["device", "revoke", &id], None);
    assert!(!ok && err.contains("no active device"), "{err}");
    server.stop().await;
}

#[test]
fn check_config_names_file_line_and_field_and_fails() {
    let (ok, out, _) =
        cli(std::path::Path::new("/nonexistent"), &["check-config", test_config_dir().to_str().unwrap()], None);
    assert!(ok, "{out}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sites")).unwrap();
    std::fs::copy(test_config_dir().join("sportello.toml"), dir.path().join("sportello.toml")).unwrap();
    let site = std::fs::read_to_string(test_config_dir().join("sites/livorno-terreni.toml")).unwrap();
    let broken = site.replacen("prefix = \"B\"", "prefix = \"A\"", 1).replacen(
        "time_zone = \"Europe/Rome\"",
        "time_zone = \"Mars/Olympus\"",
        1,
    );
    std::fs::write(dir.path().join("sites/livorno-terreni.toml"), broken).unwrap();
    let (ok, _, err) = cli(std::path::Path::new("/nonexistent"), &["check-config", dir.path().to_str().unwrap()], None);
    assert!(!ok, "a broken configuration fails");
    assert!(err.contains("sites/livorno-terreni.toml:") && err.contains("time_zone: 'Mars/Olympus'"), "{err}");
    assert!(err.contains("services[1].prefix: prefix 'A' is already used by service 'letto'"), "{err}");
    assert!(err.contains("2 error(s)"), "{err}");
}

// Issue 12: two servers on one data directory would both call the same ticket: the second one
// refuses to start and names the first; admin commands still work beside the running one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_the_same_data_directory_is_refused() {
    let server = TestServer::start().await;
    let data = server.data.path().to_owned();
    let out = Command::new(env!("CARGO_BIN_EXE_sportello-test-server"))
        .arg("--config")
        .arg(test_config_dir())
        .arg("--data")
        .arg(&data)
        .args(["--listen", "127.0.0.1:0"])
        .output()
        .expect("binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the second server must not run");
    let pid = std::process::id().to_string();
    assert!(err.contains("another Sportello server") && err.contains(&pid), "names the other process: {err}");
    let (ok, list, _) = cli(&data, &["staff", "list"], None);
    assert!(ok && list.contains("giulia"), "admin commands work beside the server: {list}");
    // Once the first one stops, the directory is free again.
    let data = server.stop().await;
    let again = TestServer::start_with(test_config_dir(), data).await;
    again.stop().await;
}

// Issue 12: disabling an account or revoking a key ends its sessions and its open event streams
// within a second (the admin commands move an epoch the server watches).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_ends_open_streams_and_sessions() {
    let server = TestServer::start().await;
    let data = server.data.path().to_owned();
    let (ok, out, err) =
        cli(&data, &["staff", "add", "verdi", "--role", "staff", "--sites", LIVORNO], Some("a long enough password\n"));
    assert!(ok, "{out}{err}");
    let (status, login) = server
        .client()
        .post("/api/v1/session", json!({"username": "verdi", "password": "a long enough password"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let token = login["token"].as_str().unwrap().to_owned();
    let (ok, out, _) = cli(&data, &["device", "add", "--site", LIVORNO, "--kind", "display"], None);
    assert!(ok);
    let key = out.lines().last().unwrap().trim().to_owned();
    // "added display display-… for site …": the id is the third word of the first line.
    let id = out.lines().next().and_then(|l| l.split_whitespace().nth(2)).unwrap().to_owned();
    let staff_stream = server.client().with_bearer(&token).events(LIVORNO, None).await;
    let display_stream = server.client().with_bearer(&key).events(LIVORNO, None).await;

    let ended = |mut s: tests::Stream| async move {
        let t0 = std::time::Instant::now();
        // Heartbeats come every second; the stream must end, not just go quiet.
        while s.next(std::time::Duration::from_secs(5)).await.is_some() {
            assert!(t0.elapsed() < std::time::Duration::from_secs(5), "the stream goes on after the revocation");
        }
        t0.elapsed()
    };
    assert!(cli(&data, &["device", "revoke", &id], None).0);
    let took = ended(display_stream).await;
    println!("display stream ended {took:?} after the key was revoked");
    assert!(took < std::time::Duration::from_secs(3), "{took:?}");
    assert!(cli(&data, &["staff", "disable", "verdi"], None).0);
    let took = ended(staff_stream).await;
    println!("staff stream ended {took:?} after the account was disabled");
    assert!(took < std::time::Duration::from_secs(3), "{took:?}");
    let (status, _) = server.client().with_bearer(&token).get("/api/v1/session").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the session is gone");
    let (status, _) = server.client().with_bearer(&key).get(&format!("/api/v1/sites/{LIVORNO}/queues")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the key is refused");
    server.stop().await;
}
