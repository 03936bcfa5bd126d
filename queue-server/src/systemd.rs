//! systemd integration for the packaged unit (`Type=notify`, `WatchdogSec=`): `READY=1` once the
//! server listens and its storage is open, `STOPPING=1` when it shuts down, and `WATCHDOG=1`
//! every half watchdog interval for as long as the queue writer answers — a writer that hangs
//! stops the pings and systemd restarts the service. Without systemd (`NOTIFY_SOCKET` unset)
//! every call does nothing.

use crate::state::AppState;
use sd_notify::NotifyState;
use std::time::Duration;

/// Tells systemd the server is ready (and what it listens on, for `systemctl status`).
pub(crate) fn ready(base: &str) {
    let status = format!("listening on {base}");
    if let Err(e) = sd_notify::notify(false, &[NotifyState::Ready, NotifyState::Status(&status)]) {
        tracing::warn!("cannot tell systemd the server is ready: {e}");
    }
}

/// Tells systemd the server is stopping.
pub(crate) fn stopping() {
    let _ = sd_notify::notify(false, &[NotifyState::Stopping]);
}

/// The watchdog interval systemd asked for, if any.
fn watchdog_interval() -> Option<Duration> {
    let mut usec = 0;
    (sd_notify::watchdog_enabled(false, &mut usec) && usec > 0).then(|| Duration::from_micros(usec))
}

/// Pings the watchdog every half interval while the writer answers a read within that time.
pub(crate) fn spawn_watchdog(state: AppState) {
    let Some(interval) = watchdog_interval() else { return };
    tracing::info!("systemd watchdog every {interval:?}");
    tokio::spawn(async move {
        let every = interval / 2;
        // It holds a writer: it must end with the server, or the writer thread never stops (a
        // stop or a live reload would wait for it for ever).
        let mut shutdown = state.shutdown.clone();
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = shutdown.wait_for(|s| *s) => return,
            }
            match tokio::time::timeout(every, state.writer.read(|live| live.last_event_id)).await {
                Ok(Some(_)) => {
                    let _ = sd_notify::notify(false, &[NotifyState::Watchdog]);
                }
                Ok(None) => return,
                Err(_) => tracing::error!("the queue writer did not answer within {every:?}: no watchdog ping"),
            }
        }
    });
}
