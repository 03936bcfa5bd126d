//! Sportello's test kit, shared by every crate's tests, the bench and the tools.
//!
//! Codemap: [`require_tool`] and [`require`] are the rule for outside tools (say `SKIPPED: why`
//! when one is missing, fail when `CI=true`); [`eventually`] polls a condition until a deadline
//! and fails saying what it waited for and what it last saw; [`process::ServerProcess`] starts
//! the real server binary as a child process and waits for its ready line (the kill -9 tests,
//! the bench, the API fuzzing); [`http_script`] is a fake HTTP server that answers a script;
//! [`xvfb::Xvfb`] is a virtual X screen for tests of real windows; [`test_config_dir`] and
//! [`demo_config_dir`] are the shared configurations. The in-process
//! server (`tests::TestServer`) lives in the tests crate, next to the queue server it links.

pub mod http_script;
pub mod postgres;
pub mod process;
pub mod xvfb;

use std::fmt::Display;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The test configuration (both sites always open, short targets): `tests/data/config`.
pub fn test_config_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/config")
}

/// The demo configuration (`config/demo`), as the README runs it.
pub fn demo_config_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/demo")
}

/// Whether this run is CI's (`CI=true`): then a missing outside tool is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The rule for anything a test needs from outside the repository: when `available` is false,
/// print `SKIPPED: <why>` and return false, or fail when `CI=true` (CI installs every tool, so a
/// missing one there is a broken CI, never a silent skip).
#[track_caller]
pub fn require(available: bool, why: &str) -> bool {
    if !available {
        assert!(!in_ci(), "{why} (CI=true: failing instead of skipping)");
        eprintln!("SKIPPED: {why}");
    }
    available
}

/// The first `program` on `PATH`.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(program)).find(|p| p.is_file())
}

/// [`require`] for a program on `PATH` (from Debian `package`): its path, or `None` after saying
/// `SKIPPED: …` (a failure when `CI=true`).
#[track_caller]
pub fn require_tool(program: &str, package: &str, test: &str) -> Option<PathBuf> {
    let found = which(program);
    let why = format!("{test} needs {program} (apt-get install {package}); it is not on PATH");
    require(found.is_some(), &why).then_some(found).flatten()
}

/// What a probe of [`eventually`] returns: done (with a value) or not yet (with what it saw).
pub trait Check {
    type Value;
    fn check(self) -> Result<Self::Value, String>;
}

impl Check for bool {
    type Value = ();
    fn check(self) -> Result<(), String> {
        if self { Ok(()) } else { Err("the condition was false".into()) }
    }
}

impl<T> Check for Option<T> {
    type Value = T;
    fn check(self) -> Result<T, String> {
        self.ok_or_else(|| "nothing yet".into())
    }
}

impl<T, E: Display> Check for Result<T, E> {
    type Value = T;
    fn check(self) -> Result<T, String> {
        self.map_err(|e| e.to_string())
    }
}

/// Between two probes of [`eventually`].
const POLL: Duration = Duration::from_millis(50);

/// Probes until it says done (`true`, `Some`, `Ok`) and returns its value; after `within` it
/// fails with `what`, how long it waited and the last probe's answer. For conditions that come
/// true on their own (a reconnect, a page update), never for readiness a caller could await.
#[track_caller]
pub fn eventually<C: Check, F: Future<Output = C>>(
    what: &str,
    within: Duration,
    mut probe: impl FnMut() -> F,
) -> impl Future<Output = C::Value> {
    let caller = std::panic::Location::caller();
    async move {
        let started = Instant::now();
        let mut tries = 0;
        loop {
            tries += 1;
            let last = match probe().await.check() {
                Ok(v) => return v,
                Err(last) => last,
            };
            if started.elapsed() >= within {
                panic!("{caller}: never saw {what} within {within:?} ({tries} tries); last: {last}");
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn eventually_returns_the_value_once_the_probe_is_done() {
        let mut n = 0;
        let got = eventually("the third try", Duration::from_secs(5), || {
            n += 1;
            std::future::ready(if n < 3 { Err(format!("try {n}")) } else { Ok(n) })
        })
        .await;
        assert_eq!(got, 3);
    }

    #[tokio::test]
    async fn eventually_fails_saying_what_it_waited_for_and_saw_last() {
        let task = tokio::spawn(eventually("the moon", Duration::from_millis(60), || {
            std::future::ready(Some(1).filter(|_| false))
        }));
        let panic = task.await.unwrap_err().into_panic();
        let msg = panic.downcast_ref::<String>().unwrap();
        assert!(msg.contains("never saw the moon within 60ms") && msg.contains("last: nothing yet"), "{msg}");
        assert!(msg.contains("testkit/src/lib.rs"), "names the caller: {msg}");
    }

    #[test]
    fn a_missing_tool_is_skipped_here_and_fails_in_ci() {
        // `cargo test` runs tests on threads of one process: the environment is not touched here;
        // both branches of the rule are checked through `require` with the current CI setting.
        assert!(require(true, "present"));
        let missing = std::panic::catch_unwind(|| require_tool("no-such-tool-sportello", "nothing", "this test"));
        if in_ci() {
            let e = missing.unwrap_err();
            let msg = e.downcast_ref::<String>().unwrap();
            assert!(msg.contains("this test needs no-such-tool-sportello") && msg.contains("CI=true"), "{msg}");
        } else {
            assert_eq!(missing.unwrap(), None);
        }
        assert!(which("sh").is_some(), "sh is on PATH");
    }
}
