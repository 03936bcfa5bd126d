//! Runs an API fuzzer once per role against a fresh test server (`.ci/fuzz` passes schemathesis):
//! starts `sportello-test-server` next to this binary through the test kit, logs in the demo
//! staff, manager and admin, and runs the given command for anonymous, kiosk, display, staff,
//! manager and admin, with `{url}` in its arguments replaced by the server's URL and
//! `-H 'Authorization: Bearer …'` appended for every role but anonymous. Fails if any run fails.
//!
//! `{schema}` in the arguments is a fuzz-only copy of the served OpenAPI document in which the
//! ticket request names the test site's real services and languages (so that issued tickets exist
//! and a stateful phase follows their links; the served document lists no service ids, since a
//! discreet service's id is not for the public) and `appointment_at` is dropped (it needs priority
//! `appointment`; most generated pairs would be refused). Staff roles run with
//! `--exclude-operation-id logout`: logging out would end the very session the run uses (the
//! anonymous run covers it).
//!
//! `api-fuzz COMMAND ARGS…` (e.g. `api-fuzz schemathesis run {schema} --url {url} …`)

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
    let schema = data.path().join("openapi.json");
    if let Err(e) = write_fuzz_schema(&server.url, &schema).await {
        eprintln!("the fuzz copy of the OpenAPI document: {e}");
        return ExitCode::FAILURE;
    }
    let schema = schema.display().to_string();
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
        cmd.args(rest.iter().map(|a| a.replace("{url}", &server.url).replace("{schema}", &schema)));
        if let Some(token) = bearer {
            cmd.args(["-H", &format!("Authorization: Bearer {token}")]);
        }
        if matches!(role, "staff" | "manager" | "admin") {
            cmd.args(["--exclude-operation-id", "logout"]);
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

/// Writes the fuzz-only copy of the served OpenAPI document (see the module comment).
async fn write_fuzz_schema(url: &str, path: &std::path::Path) -> anyhow::Result<()> {
    let mut doc: serde_json::Value =
        reqwest::get(format!("{url}/api/v1/openapi.json")).await?.error_for_status()?.json().await?;
    let cfg = config::load(&test_config_dir()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let site = cfg.sites.iter().find(|s| s.id.as_str() == LIVORNO).ok_or_else(|| anyhow::anyhow!("no {LIVORNO}"))?;
    let services: Vec<&str> = site.services.iter().map(|s| s.id.as_str()).collect();
    let mut languages: Vec<serde_json::Value> = site.languages.iter().map(|l| l.as_str().into()).collect();
    languages.push(serde_json::Value::Null);
    let props = doc
        .pointer_mut("/components/schemas/IssueRequest/properties")
        .and_then(|p| p.as_object_mut())
        .ok_or_else(|| anyhow::anyhow!("no IssueRequest in the document"))?;
    props.insert("service".into(), serde_json::json!({"type": "string", "enum": services}));
    props.insert("language".into(), serde_json::json!({"type": ["string", "null"], "enum": languages}));
    props.remove("appointment_at");
    std::fs::write(path, serde_json::to_vec(&doc)?)?;
    Ok(())
}
