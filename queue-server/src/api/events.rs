//! The per-site Server-Sent Events stream: resume from `Last-Event-ID`, heartbeats, resync.
//! Staff get staff payloads (with alerts); displays get public payloads only.

use super::sites::site_id;
use crate::auth::{DeviceKind, Identity};
use crate::error::ApiResult;
use crate::hub::{Msg, Start};
use crate::metrics::Metrics;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, Sse};
use futures_util::Stream;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// Counts a subscriber while its stream lives.
struct Subscribed(Arc<Metrics>);

impl Drop for Subscribed {
    fn drop(&mut self) {
        self.0.subscribers.dec();
    }
}

struct Sub {
    backlog: VecDeque<Event>,
    rx: broadcast::Receiver<Arc<Msg>>,
    heartbeat: tokio::time::Interval,
    shutdown: watch::Receiver<bool>,
    staff: bool,
    clock: crate::writer::Clock,
    /// Moves when credentials may have been revoked: the stream checks its own again.
    revocations: watch::Receiver<u64>,
    state: AppState,
    site: queue_core::SiteId,
    secret_hash: String,
    _guard: Subscribed,
}

impl Sub {
    /// Is the credential this stream was opened with still good for its site?
    async fn still_allowed(&self) -> bool {
        match crate::auth::lookup_hash(&self.state, self.secret_hash.clone()).await {
            Ok(Some(id)) => id.staff_or_device(&self.site, &[DeviceKind::Display]).is_ok(),
            Ok(None) => false,
            // Cannot tell now (storage trouble): keep the stream, the next change checks again.
            Err(_) => true,
        }
    }
}

fn to_event(msg: &Msg, staff: bool) -> Option<Event> {
    let data = if staff { Some(msg.staff.as_str()) } else { msg.public.as_deref() }?;
    let e = Event::default().event(msg.event).data(data);
    Some(match msg.id {
        Some(id) => e.id(id.to_string()),
        None => e,
    })
}

/// Seconds between heartbeats on staff streams at most.
pub const STAFF_HEARTBEAT_S: u32 = 3;

fn resync() -> Event {
    Event::default().event("resync").data(r#"{"type":"resync"}"#)
}

/// Live events of a site. Send `Last-Event-ID` to resume; `event: resync` means re-read the snapshot.
#[utoipa::path(get, path = "/api/v1/sites/{site}/events", tag = "sites",
    params(("site" = String, Path, description = "site id"),
        ("Last-Event-ID" = Option<String>, Header, description = "resume after this event id"),
        ("key" = Option<String>, Query, description = "display key, for browsers' EventSource")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "text/event-stream of StreamEvent messages", content_type = "text/event-stream"),
        (status = 401, body = queue_core::wire::ErrorBody), (status = 403, body = queue_core::wire::ErrorBody),
        (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn stream(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
    headers: HeaderMap,
    slot: Option<axum::Extension<Arc<crate::net::ConnSlot>>>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let site = site_id(&state, &site)?;
    id.staff_or_device(&site, &[DeviceKind::Display])?;
    // A live stream leaves the request budget for the streams' own (`net`).
    if let Some(axum::Extension(slot)) = &slot {
        slot.become_stream().map_err(|why| {
            let message = match why {
                crate::net::Refusal::Address => "too many live streams from this address",
                crate::net::Refusal::Full => "the server has no room for another live stream now",
            };
            crate::error::ApiError {
                retry_after: Some(10),
                ..crate::error::ApiError::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, "too_many_streams", message)
            }
        })?;
    }
    let staff = matches!(id, Identity::Staff(_));
    let last_id = headers.get("last-event-id").and_then(|v| v.to_str().ok()).map(|v| v.trim().parse::<u64>());
    let (start, rx) = match last_id {
        // An id we cannot read: start over from a snapshot.
        Some(Err(_)) => {
            let (_, rx) =
                state.hub.subscribe(&site, None).ok_or_else(|| crate::error::ApiError::not_found("no such site"))?;
            (Start::Resync, rx)
        }
        other => state
            .hub
            .subscribe(&site, other.and_then(Result::ok))
            .ok_or_else(|| crate::error::ApiError::not_found("no such site"))?,
    };
    let mut backlog = VecDeque::new();
    // Ask browsers to reconnect quickly after a cut.
    backlog.push_back(Event::default().retry(Duration::from_secs(2)).comment("sportello"));
    match start {
        Start::Resync => backlog.push_back(resync()),
        Start::Resume(missed) => backlog.extend(missed.iter().filter_map(|m| to_event(m, staff))),
    }
    state.metrics.subscribers.inc();
    // Staff pages show "not connected" after a few seconds of silence: their streams beat at least
    // every `STAFF_HEARTBEAT_S` (displays keep the configured, usually longer, period).
    let every = if staff { state.heartbeat_s.min(STAFF_HEARTBEAT_S) } else { state.heartbeat_s };
    let period = Duration::from_secs(u64::from(every));
    let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let sub = Sub {
        backlog,
        rx,
        heartbeat,
        shutdown: state.shutdown.clone(),
        staff,
        clock: state.clock.clone(),
        revocations: state.auth_epoch.subscribe(),
        secret_hash: id.secret_hash().to_owned(),
        site: site.clone(),
        state: state.clone(),
        _guard: Subscribed(state.metrics.clone()),
    };
    let s = futures_util::stream::unfold(sub, |mut sub| async move {
        if let Some(e) = sub.backlog.pop_front() {
            return Some((Ok(e), sub));
        }
        loop {
            if *sub.shutdown.borrow() {
                return None;
            }
            tokio::select! {
                msg = sub.rx.recv() => match msg {
                    Ok(m) => {
                        if let Some(e) = to_event(&m, sub.staff) {
                            return Some((Ok(e), sub));
                        }
                    }
                    // Too slow to keep up: tell the client to re-read the snapshot.
                    Err(broadcast::error::RecvError::Lagged(_)) => return Some((Ok(resync()), sub)),
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = sub.heartbeat.tick() => {
                    let at = (sub.clock)().to_string();
                    let e = Event::default().event("heartbeat").data(format!(r#"{{"type":"heartbeat","at":"{at}"}}"#));
                    return Some((Ok(e), sub));
                }
                _ = sub.shutdown.changed() => return None,
                changed = sub.revocations.changed() => {
                    if changed.is_err() || !sub.still_allowed().await {
                        return None;
                    }
                }
            }
        }
    });
    Ok(Sse::new(s))
}
