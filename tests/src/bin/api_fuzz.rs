//! Runs an API fuzzer once per role against a fresh test server (`.ci/fuzz` passes schemathesis):
//! starts `sportello-test-server` next to this binary through the test kit, logs in the demo
//! staff, manager and admin, and runs the given command for anonymous, kiosk, display, staff,
//! manager and admin, with `{url}` in its arguments replaced by the server's URL and
//! `-H 'Authorization: Bearer …'` appended for every role but anonymous. Fails if any run fails.
//!
//! `api-fuzz COMMAND ARGS…` (e.g. `api-fuzz schemathesis run {url}/api/v1/openapi.json …`)

use std::process::{Command, ExitCode};
use testkit::process::ServerProcess;
use tests::{LIVORNO, PASSWORD, display_key, kiosk_key, test_config_dir};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((program, rest)) = args.split_first() else {
        eprintln!("usage: api-fuzz COMMAND ARGS… ({{url}} in ARGS is the server's URL)");
        return ExitCode::FAILURE;
    };
    let bin = tests::fault::server_binary_near(&std::env::current_exe().expect("exe"));
    let data = tempfile::tempdir().expect("temp dir");
    let server =
        match ServerProcess::start(testkit::process::server_command(&bin, &[], &test_config_dir(), data.path())) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("the server did not start: {e} (cargo build -p tests --bins)");
                return ExitCode::FAILURE;
            }
        };
    let anyone = client::Client::new(&server.url);
    let mut roles =
        vec![("anonymous", None), ("kiosk", Some(kiosk_key(LIVORNO))), ("display", Some(display_key(LIVORNO)))];
    for (role, user) in [("staff", "giulia"), ("manager", "responsabile"), ("admin", "admin")] {
        match anyone.login(user, PASSWORD).await {
            Ok((_, login)) => roles.push((role, Some(login.token))),
            Err(e) => {
                eprintln!("log in {user}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let mut failed = Vec::new();
    for (role, bearer) in roles {
        println!("== {program} as {role}");
        let mut cmd = Command::new(program);
        cmd.args(rest.iter().map(|a| a.replace("{url}", &server.url)));
        if let Some(token) = bearer {
            cmd.args(["-H", &format!("Authorization: Bearer {token}")]);
        }
        match cmd.status() {
            Ok(s) if s.success() => {}
            Ok(s) => failed.push(format!("{role} ({s})")),
            Err(e) => {
                eprintln!("cannot run {program}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    drop(server);
    if failed.is_empty() {
        println!("== passed for every role");
        ExitCode::SUCCESS
    } else {
        println!("== FAILED for: {}", failed.join(", "));
        ExitCode::FAILURE
    }
}
