//! The child processes `up` started: their output with a name in front of every line, and one
//! way to stop them all (SIGTERM, then SIGKILL for whoever has not gone after a grace period),
//! reaping each so that nothing is left behind. Each child leads its own process group, and the
//! signals go to the group: what a child started itself (the kiosk's speech, the display's
//! sound player) goes with it.

use anyhow::Context;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

/// How long a child has to end after SIGTERM before it gets SIGKILL.
pub const GRACE: Duration = Duration::from_secs(5);

/// One started program.
pub struct Running {
    pub name: &'static str,
    pub child: Child,
    pub pid: u32,
}

/// Starts `cmd` with its output prefixed by `[name]`. Every line of stdout also goes to `lines`
/// (the launcher reads the server's ready line there).
pub fn spawn(
    name: &'static str,
    mut cmd: Command,
    lines: Option<tokio::sync::mpsc::UnboundedSender<String>>,
) -> anyhow::Result<Running> {
    // Its own process group: a Ctrl-C in the terminal reaches the launcher only, which then stops
    // the children in order (rather than every process at once, racing the launcher).
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true).process_group(0);
    let mut child = cmd.spawn().with_context(|| format!("cannot start the {name}"))?;
    let pid = child.id().context("the child has no pid")?;
    if let Some(out) = child.stdout.take() {
        tokio::spawn(relay(name, out, lines));
    }
    if let Some(err) = child.stderr.take() {
        tokio::spawn(relay(name, err, None));
    }
    Ok(Running { name, child, pid })
}

async fn relay(
    name: &'static str,
    from: impl AsyncRead + Unpin,
    lines: Option<tokio::sync::mpsc::UnboundedSender<String>>,
) {
    let mut reader = BufReader::new(from).lines();
    while let Ok(Some(line)) = reader.next_line().await {
        crate::say!("[{name}] {line}");
        if let Some(tx) = &lines {
            let _ = tx.send(line);
        }
    }
}

/// Stops every child: SIGTERM to all, then waits; SIGKILL to any still there after `GRACE`.
/// Returns once every child has been reaped.
pub async fn stop_all(children: &mut [Running]) {
    for c in children.iter() {
        let _ = killpg(group(c.pid), Signal::SIGTERM);
    }
    for c in children.iter_mut() {
        match tokio::time::timeout(GRACE, c.child.wait()).await {
            Ok(Ok(status)) => crate::say!("sportello: the {} (pid {}) stopped ({status})", c.name, c.pid),
            Ok(Err(e)) => crate::say!("sportello: waiting for the {} (pid {}): {e}", c.name, c.pid),
            Err(_) => {
                crate::say!("sportello: the {} (pid {}) did not stop in {GRACE:?}: killing it", c.name, c.pid);
                let _ = c.child.kill().await;
            }
        }
        // Whatever the child left in its group (ESRCH when nothing is left: the usual case), and
        // wait (up to a second) until the kernel has taken it away.
        let g = group(c.pid);
        if killpg(g, Signal::SIGKILL).is_ok() {
            for _ in 0..50 {
                if killpg(g, None).is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

/// The process group a child leads (its pid).
fn group(pid: u32) -> Pid {
    Pid::from_raw(i32::try_from(pid).unwrap_or(i32::MAX))
}
