//! The relay to the regional hub: pushes the outbox in batches when it can, records the hub's
//! acknowledged watermark, and backs off (with jitter) while the hub is away. Every push says how
//! the site is (its devices' health, the configuration it runs). It also pulls the site's newest
//! configuration bundle, checks it and writes it into the data directory for the next start
//! (`bundle`), or refuses it and says why. Nothing else of the server waits for it: desks, kiosks
//! and displays never notice the hub being down.

use crate::db;
use crate::state::AppState;
use config::HubSettings;
use queue_core::envelope::{
    Batch, ConfigId, ConfigReport, ENVELOPE_VERSION, Envelope, RefusedBundle, SiteReport, public_safe,
};
use std::time::Duration;

/// Events in one push.
pub const BATCH: usize = 500;
/// How often a caught-up relay looks for new events.
const POLL: Duration = Duration::from_millis(500);
/// A push with no events (a heartbeat for the fleet page) at least this often.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Each push's time limit.
const PUSH_TIMEOUT: Duration = Duration::from_secs(20);
/// How often a server with a bundle waiting to apply looks whether the site is quiet.
const QUIET_CHECK: Duration = Duration::from_secs(2);

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
    let mut config = ConfigReport {
        running: ConfigId { version: state.cfg.bundle, sha256: state.cfg.digest.clone() },
        pending_restart: None,
        refused: state.bundle_refused.clone(),
    };
    let mut last_pull: Option<std::time::Instant> = None;
    let mut last_quiet_check: Option<std::time::Instant> = None;
    loop {
        if last_pull.is_none_or(|t| t.elapsed() >= state.hub_config_poll) {
            last_pull = Some(std::time::Instant::now());
            if pull_config(&state, &http, &hub.origin, &mut config).await {
                // Say so at once: the fleet shows what was deployed or refused.
                last_push = std::time::Instant::now() - HEARTBEAT;
            }
        }
        if last_quiet_check.is_none_or(|t| t.elapsed() >= QUIET_CHECK) {
            last_quiet_check = Some(std::time::Instant::now());
            apply_when_quiet(&state, &config).await;
        }
        let heartbeat = last_push.elapsed() >= HEARTBEAT;
        let wait = match push_once(&state, &http, &hub.origin, heartbeat, &config).await {
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

/// Why the site is not quiet (a ticket in a queue, at a desk or on hold; a desk open or paused),
/// or `None`: nobody would notice the server starting again on another configuration.
async fn busy(state: &AppState) -> Option<String> {
    use queue_core::Status;
    let counted = state
        .writer
        .read(|live| {
            let tickets = live
                .engine
                .tickets()
                .filter(|t| matches!(t.status, Status::Waiting | Status::Called | Status::Serving | Status::OnHold))
                .count();
            let desks = live.engine.desks().filter(|d| d.status != queue_core::DeskStatus::Closed).count();
            (tickets, desks)
        })
        .await;
    match counted {
        None => Some("the server is stopping".into()),
        Some((0, 0)) => None,
        Some((t, d)) => Some(format!("{t} tickets in the queues or at desks, {d} desks open")),
    }
}

/// With live reload (`AppState::reload`): a deployed bundle waiting for a start is applied now
/// if the site is quiet — no ticket waiting, called, being served or on hold, no desk open —
/// else at the next quiet moment (or the next start). A busy site is never disturbed.
async fn apply_when_quiet(state: &AppState, config: &ConfigReport) {
    let (Some(reload), Some(version)) = (&state.reload, config.pending_restart.as_ref().and_then(|p| p.version)) else {
        return;
    };
    if reload.borrow().is_some() {
        return;
    }
    match busy(state).await {
        None => {
            tracing::info!(version, "the site is quiet: applying the configuration bundle now");
            let _ = reload.send(Some(version));
        }
        Some(why) => tracing::debug!(version, %why, "configuration bundle waits for a quiet moment"),
    }
}

/// Ask the hub for a bundle newer than any this server knows; check it and deploy it for the next
/// start, or refuse it. True when `config` changed.
async fn pull_config(state: &AppState, http: &client::Client, origin: &str, config: &mut ConfigReport) -> bool {
    let have = [config.running.version, config.pending_restart.as_ref().and_then(|p| p.version)]
        .into_iter()
        .flatten()
        .chain(config.refused.as_ref().map(|r| r.version))
        .max();
    let bundle = match http.hub_config(have).await {
        Ok(Some(b)) => b,
        Ok(None) => return false,
        Err(e) => {
            if e.api().is_some() {
                tracing::warn!(error = %e, "the hub refused to give our configuration bundle");
            } else {
                tracing::debug!(error = %e, "the hub is not reachable for our configuration");
            }
            return false;
        }
    };
    if have.is_some_and(|h| bundle.version <= h) {
        return false;
    }
    let id = ConfigId { version: Some(bundle.version), sha256: bundle.sha256.clone() };
    let checked = if bundle.origin != origin {
        Err(format!("the bundle is for origin {} (we are {origin})", bundle.origin))
    } else {
        crate::bundle::check(&bundle, &state.cfg).map(|_| ())
    };
    let written = match checked {
        Ok(()) => {
            let (dir, b) = (state.data_dir.clone(), bundle.clone());
            tokio::task::spawn_blocking(move || crate::bundle::deploy(&dir, &b))
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r.map_err(|e| format!("cannot write it into the data directory: {e}")))
        }
        Err(e) => Err(e),
    };
    match written {
        Ok(()) => {
            tracing::info!(version = bundle.version, "configuration bundle deployed: it applies at the next start");
            if id.sha256 == config.running.sha256 {
                config.running = id;
                config.pending_restart = None;
            } else {
                config.pending_restart = Some(id);
            }
            config.refused = None;
        }
        Err(reason) => {
            tracing::warn!(version = bundle.version, %reason, "configuration bundle refused: the current one stays");
            config.refused = Some(RefusedBundle { version: bundle.version, reason });
        }
    }
    true
}

async fn push_once(
    state: &AppState,
    http: &client::Client,
    origin: &str,
    heartbeat: bool,
    config: &ConfigReport,
) -> anyhow::Result<Pushed> {
    let (status, events, forgotten) = state
        .db
        .read(|conn| {
            let s = db::outbox::status(conn)?;
            let events = db::outbox::after(conn, s.acked, BATCH)?;
            let forgotten = db::outbox::forgotten(conn, s.acked, span_end(&s, &events, BATCH))?;
            Ok::<_, db::DbError>((s, events, forgotten))
        })
        .await?;
    if events.is_empty() && !heartbeat {
        return Ok(Pushed::Nothing);
    }
    let n = events.len();
    let mut batch = batch(origin, &status, events, forgotten);
    batch.report.devices = crate::api::devices::fleet_health(state).await?;
    batch.report.config = Some(config.clone());
    batch.report.services = services(&state.cfg);
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

/// Every configured service with its kind and target wait: the hub counts the service level and
/// integrated journeys as the site does (`hub::Services`).
pub fn services(cfg: &config::Config) -> Vec<queue_core::envelope::ServiceInfo> {
    let mut out: Vec<_> = cfg
        .sites
        .iter()
        .flat_map(|site| {
            site.services.iter().map(|s| queue_core::envelope::ServiceInfo {
                site: site.id.as_str().to_owned(),
                service: s.id.as_str().to_owned(),
                kind: s.kind.as_str().to_owned(),
                target_wait_s: s.target_wait_s,
            })
        })
        .collect();
    out.sort();
    out
}

/// The last sequence number a push of `events` (read after the watermark, at most `limit`) speaks
/// for: its last event's when the batch is full, else the last number given out (forgotten runs at
/// the end too).
pub fn span_end(status: &db::outbox::Status, events: &[(u64, queue_core::Event)], limit: usize) -> u64 {
    match events.last() {
        Some((seq, _)) if events.len() == limit => *seq,
        _ => status.last,
    }
}

/// The push of `events` (oldest first) with what the site says about itself and the runs its
/// retention forgot inside the push's span.
pub fn batch(
    origin: &str,
    status: &db::outbox::Status,
    events: Vec<(u64, queue_core::Event)>,
    forgotten: Vec<[u64; 2]>,
) -> Batch {
    Batch {
        forgotten,
        origin: origin.to_owned(),
        report: SiteReport {
            software: env!("CARGO_PKG_VERSION").to_owned(),
            last: status.last,
            oldest_unacked_ms: status.oldest_unacked_ms,
            ..SiteReport::default()
        },
        events: events
            .into_iter()
            .map(|(seq, e)| Envelope { v: ENVELOPE_VERSION, seq, event: public_safe(e) })
            .collect(),
    }
}
