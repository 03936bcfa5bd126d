//! The relay to the regional hub: pushes the outbox in batches when it can, records the hub's
//! acknowledged watermark, and backs off (with jitter) while the hub is away. Nothing else of the
//! server waits for it: desks, kiosks and displays never notice the hub being down.

use crate::db;
use crate::state::AppState;
use config::HubSettings;
use queue_core::envelope::{Batch, ENVELOPE_VERSION, Envelope, SiteReport, public_safe};
use std::time::Duration;

/// Events in one push.
pub const BATCH: usize = 500;
/// How often a caught-up relay looks for new events.
const POLL: Duration = Duration::from_millis(500);
/// A push with no events (a heartbeat for the fleet page) at least this often.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Each push's time limit.
const PUSH_TIMEOUT: Duration = Duration::from_secs(20);

/// Runs until the server shuts down.
pub async fn run(state: AppState, hub: HubSettings) {
    let http = match relay_client(&hub) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "the hub relay cannot start");
            return;
        }
    };
    let mut backoff = client::Backoff::new(Duration::from_millis(500), state.hub_retry_max);
    let mut shutdown = state.shutdown.clone();
    let mut last_push = std::time::Instant::now() - HEARTBEAT;
    loop {
        let wait = match push_once(&state, &http, &hub.origin, last_push.elapsed() >= HEARTBEAT).await {
            Ok(Pushed::Full) => {
                backoff.reset();
                last_push = std::time::Instant::now();
                Duration::ZERO
            }
            Ok(Pushed::Some) => {
                backoff.reset();
                last_push = std::time::Instant::now();
                POLL
            }
            Ok(Pushed::Nothing) => POLL,
            Err(e) => {
                let d = backoff.next_delay();
                if e.downcast_ref::<client::Error>().is_some_and(|e| e.api().is_some()) {
                    // The hub answered and refused (a revoked key, a wrong origin): someone must look.
                    tracing::warn!(error = %e, retry_in_ms = d.as_millis() as u64, "the hub refused our events");
                } else {
                    tracing::debug!(error = %e, retry_in_ms = d.as_millis() as u64, "the hub is not reachable");
                }
                state.metrics.hub_push_failures.inc();
                d
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// The relay's client of the hub: https verified against the system's CAs and the `[hub] ca` file.
fn relay_client(hub: &HubSettings) -> anyhow::Result<client::Client> {
    let mut b = client::Client::builder(&hub.url)
        .connect_timeout(Duration::from_secs(5))
        .timeout(PUSH_TIMEOUT)
        .user_agent(concat!("sportello-relay/", env!("CARGO_PKG_VERSION")));
    if let Some(ca) = &hub.ca {
        let pem =
            std::fs::read(ca).map_err(|e| anyhow::anyhow!("cannot read the hub's CA file {}: {e}", ca.display()))?;
        b = b
            .add_root_certificates_pem(&pem)
            .map_err(|e| anyhow::anyhow!("the hub's CA file {}: {e}", ca.display()))?;
    }
    Ok(b.build()?.with_bearer(&hub.key))
}

enum Pushed {
    /// A whole batch went: there may be more.
    Full,
    Some,
    Nothing,
}

async fn push_once(state: &AppState, http: &client::Client, origin: &str, heartbeat: bool) -> anyhow::Result<Pushed> {
    let (status, events) = state
        .db
        .read(|conn| {
            let s = db::outbox::status(conn)?;
            let events = db::outbox::after(conn, s.acked, BATCH)?;
            Ok::<_, db::DbError>((s, events))
        })
        .await?;
    if events.is_empty() && !heartbeat {
        return Ok(Pushed::Nothing);
    }
    let n = events.len();
    let batch = batch(origin, &status, events);
    let reply = http.hub_push(&batch).await?;
    if reply.origin != origin {
        anyhow::bail!("the hub answered for origin {} (we are {origin})", reply.origin);
    }
    if let Some(gap) = reply.gap {
        tracing::warn!(expected = gap.expected, got = gap.got, "the hub reports a gap in our events");
    }
    let now = state.now();
    let kept = state.db.write(move |conn| db::outbox::acknowledge(conn, reply.watermark, now)).await?;
    if kept < status.acked + n as u64 && n > 0 && reply.gap.is_none() {
        tracing::warn!(watermark = kept, "the hub acknowledged less than it was sent");
    }
    Ok(if n == BATCH { Pushed::Full } else { Pushed::Some })
}

/// The push of `events` (oldest first) with what the site says about itself.
pub fn batch(origin: &str, status: &db::outbox::Status, events: Vec<(u64, queue_core::Event)>) -> Batch {
    Batch {
        origin: origin.to_owned(),
        report: SiteReport {
            software: env!("CARGO_PKG_VERSION").to_owned(),
            last: status.last,
            oldest_unacked_ms: status.oldest_unacked_ms,
        },
        events: events
            .into_iter()
            .map(|(seq, e)| Envelope { v: ENVELOPE_VERSION, seq, event: public_safe(e) })
            .collect(),
    }
}
