//! Site routes: public site list, what a kiosk shows, queues, desks, the display snapshot, alerts.

use super::{ApiJson, check_id};
use crate::auth::{DeviceKind, Identity, Role};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views;
use crate::writer::{Exec, Live, Outcome};
use axum::Json;
use axum::extract::{Path, State};
use queue_core::event::Alert;
use queue_core::wire::{
    AlertRequest, AlertView, Colleague, DeskView, DisplayDesk, DisplaySnapshot, KioskInfo, KioskService, QueueView,
    ServiceView, SiteView, WaitingList,
};
use queue_core::{Availability, Command, SiteId};

pub(super) fn site_id(state: &AppState, site: &str) -> ApiResult<SiteId> {
    check_id("site", site)?;
    let id = SiteId::from(site);
    if state.cfg.site(&id).is_none() {
        return Err(ApiError::not_found(format!("no site '{site}'")));
    }
    Ok(id)
}

/// Sites with their services (public fields only; staff of a site also see its service ids and
/// the names of its discreet services).
#[utoipa::path(get, path = "/api/v1/sites", tag = "sites",
    responses((status = 200, body = [SiteView])))]
pub async fn list_sites(State(state): State<AppState>, who: crate::auth::MaybeIdentity) -> Json<Vec<SiteView>> {
    let staff_of = |site: &SiteId| matches!(&who.0, Some(Identity::Staff(s)) if s.works_at(site));
    let sites = state
        .cfg
        .sites
        .iter()
        .map(|s| (s, staff_of(&s.id)))
        .map(|(s, staff)| SiteView {
            id: s.id.clone(),
            name: s.name.clone(),
            address: s.address.clone(),
            time_zone: s.time_zone_name.clone(),
            languages: s.languages.clone(),
            services: s
                .services
                .iter()
                .map(|svc| ServiceView {
                    id: if staff { svc.id.clone() } else { queue_core::ServiceId(svc.public_id.clone()) },
                    prefix: svc.prefix.to_string(),
                    public_label: svc.public_label.clone(),
                    names: if svc.discreet && !staff { Default::default() } else { svc.names.clone() },
                    target_wait_s: svc.target_wait_s,
                    appointments: svc.appointments.is_some(),
                })
                .collect(),
        })
        .collect();
    Json(sites)
}

fn kiosk_info(live: &Live<'_>, site: &SiteId) -> Option<KioskInfo> {
    let s = live.cfg.site(site)?;
    let queues = live.engine.queues(site, live.now);
    let services = s
        .services
        .iter()
        .map(|svc| {
            let availability = live.engine.availability(site, &svc.id, live.now);
            let q = queues.iter().find(|q| q.service == svc.id);
            let (closed_reason, opens_at) = match availability {
                Availability::Open => (None, None),
                Availability::Closed { opens_at } => {
                    (Some("closed".into()), opens_at.map(|at| views::local_time(live.cfg, site, at)))
                }
                Availability::Full { .. } => (Some("full".into()), None),
            };
            KioskService {
                id: svc.id.clone(),
                names: svc.names.clone(),
                public_label: svc.public_label.clone(),
                open: availability == Availability::Open,
                closed_reason,
                opens_at,
                waiting: q.map_or(0, |q| q.waiting),
                estimated_wait_s: q.and_then(|q| q.estimated_wait_s),
                estimated_wait_range_s: q.and_then(|q| q.estimated_wait_range_s).map(|(lo, hi)| [lo, hi]),
                open_desks: q.map_or(0, |q| q.open_desks),
            }
        })
        .collect();
    Some(KioskInfo {
        site: site.clone(),
        name: s.name.clone(),
        languages: s.languages.iter().filter_map(|l| live.cfg.language(l).cloned()).collect(),
        services,
        triage: s.triage.clone(),
        waiting_area: s.waiting_area.clone(),
        public_url: s.public_url.clone(),
        appointments: s.services.iter().any(|svc| svc.appointments.is_some()),
    })
}

/// What a kiosk shows: languages, triage tree, services (open or not), current waits.
#[utoipa::path(get, path = "/api/v1/sites/{site}/kiosk", tag = "sites",
    params(("site" = String, Path, description = "site id")),
    security(("bearer" = [])),
    responses((status = 200, body = KioskInfo), (status = 401, body = queue_core::wire::ErrorBody),
        (status = 403, body = queue_core::wire::ErrorBody), (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn kiosk(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
) -> ApiResult<Json<KioskInfo>> {
    let site = site_id(&state, &site)?;
    id.staff_or_device(&site, &[DeviceKind::Kiosk])?;
    let info = state.writer.read(move |live| kiosk_info(live, &site)).await.flatten();
    info.map(Json).ok_or_else(ApiError::shutting_down)
}

/// Per service: waiting count, longest wait, estimated wait, open desks.
#[utoipa::path(get, path = "/api/v1/sites/{site}/queues", tag = "sites",
    params(("site" = String, Path, description = "site id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [QueueView]), (status = 401, body = queue_core::wire::ErrorBody),
        (status = 403, body = queue_core::wire::ErrorBody), (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn queues(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
) -> ApiResult<Json<Vec<QueueView>>> {
    let site = site_id(&state, &site)?;
    id.staff_or_device(&site, &[DeviceKind::Display])?;
    let audience = if matches!(id, Identity::Staff(_)) { views::Audience::Staff } else { views::Audience::Public };
    let out = state
        .writer
        .read(move |live| views::queue_views(live.cfg, &site, live.engine.queues(&site, live.now), audience))
        .await;
    out.map(Json).ok_or_else(ApiError::shutting_down)
}

/// Desks with their services, who sits there, what they serve now.
#[utoipa::path(get, path = "/api/v1/sites/{site}/desks", tag = "desks",
    params(("site" = String, Path, description = "site id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [DeskView]), (status = 401, body = queue_core::wire::ErrorBody),
        (status = 403, body = queue_core::wire::ErrorBody), (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn desks(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
) -> ApiResult<Json<Vec<DeskView>>> {
    let site = site_id(&state, &site)?;
    id.staff_at(&site, Role::Staff)?;
    let out = state
        .writer
        .read(move |live| {
            live.engine
                .desks()
                .filter(|d| d.site == site)
                .map(|d| views::desk_view(live.cfg, live.engine, d, live.now))
                .collect()
        })
        .await;
    out.map(Json).ok_or_else(ApiError::shutting_down)
}

/// `?desk=` of the waiting list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct WaitingQuery {
    /// List the tickets in the order this desk's Call next takes them, with the reasons.
    #[param(value_type = Option<String>, pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub desk: Option<String>,
}

/// The waiting and held tickets of a site (numbers, needs, language, household size; never names):
/// oldest first, or with `?desk=` in the order that desk's Call next takes them with the reasons;
/// whether the site allows calling one out of order; when it closes. For the desk page.
#[utoipa::path(get, path = "/api/v1/sites/{site}/waiting", tag = "desks",
    params(("site" = String, Path, description = "site id"), WaitingQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = WaitingList), (status = 400, body = queue_core::wire::ErrorBody),
        (status = 401, body = queue_core::wire::ErrorBody),
        (status = 403, body = queue_core::wire::ErrorBody), (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn waiting(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
    crate::api::ApiQuery(q): crate::api::ApiQuery<WaitingQuery>,
) -> ApiResult<Json<WaitingList>> {
    let site = site_id(&state, &site)?;
    id.staff_at(&site, Role::Staff)?;
    let desk = match q.desk {
        Some(d) => {
            check_id("desk", &d)?;
            let desk = queue_core::DeskId::from(d.as_str());
            if state.cfg.desk(&desk).is_none_or(|(s, _)| s.id != site) {
                return Err(ApiError::not_found(format!("no desk '{d}' at this site")));
            }
            Some(desk)
        }
        None => None,
    };
    let lang = id.language().map(str::to_owned);
    let out = state
        .writer
        .read(move |live| views::waiting_list(live.cfg, live.engine, &site, live.now, desk.as_ref(), lang.as_deref()))
        .await;
    out.map(Json).ok_or_else(ApiError::shutting_down)
}

/// Every staff member of the site (enabled accounts), by display name, with the desk they hold now
/// and whether they are free: whom a ticket can be transferred to. Staff of the site.
#[utoipa::path(get, path = "/api/v1/sites/{site}/colleagues", tag = "desks",
    params(("site" = String, Path, description = "site id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [Colleague]), (status = 401, body = queue_core::wire::ErrorBody),
        (status = 403, body = queue_core::wire::ErrorBody), (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn colleagues(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
) -> ApiResult<Json<Vec<Colleague>>> {
    let site = site_id(&state, &site)?;
    id.staff_at(&site, Role::Staff)?;
    let staff = state.db.read(crate::db::list_staff).await?;
    let here = site.clone();
    let seats = state
        .writer
        .read(move |live| {
            live.engine
                .desks()
                .filter(|d| d.site == here)
                .filter_map(|d| d.staff.clone().map(|s| (s, d.clone())))
                .collect::<std::collections::HashMap<_, _>>()
        })
        .await
        .ok_or_else(ApiError::shutting_down)?;
    let out = staff
        .into_iter()
        .filter(|s| !s.disabled && s.sites.as_ref().is_none_or(|list| list.iter().any(|x| x == site.as_str())))
        .map(|s| {
            let seat = seats.get(&queue_core::StaffId(s.username.clone()));
            Colleague {
                username: queue_core::StaffId(s.username),
                display_name: s.display_name,
                desk: seat.map(|d| d.id.clone()),
                desk_label: seat.and_then(|d| state.cfg.desk(&d.id)).map(|(_, d)| d.label.clone()),
                desk_status: seat.map(|d| d.status),
                free: seat.is_some_and(|d| d.status == queue_core::DeskStatus::Open && d.current.is_none()),
            }
        })
        .collect();
    Ok(Json(out))
}

/// The site's open alerts (raised, not yet acknowledged), oldest first: what every staff page shows
/// at its top until someone says "I'm going". Staff of the site.
#[utoipa::path(get, path = "/api/v1/sites/{site}/alerts", tag = "sites",
    params(("site" = String, Path, description = "site id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [AlertView]), (status = 401, body = queue_core::wire::ErrorBody),
        (status = 403, body = queue_core::wire::ErrorBody), (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn open_alerts(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
) -> ApiResult<Json<Vec<AlertView>>> {
    let site = site_id(&state, &site)?;
    id.staff_at(&site, Role::Staff)?;
    let out = state
        .writer
        .read(move |live| live.engine.open_alerts(&site).map(|a| views::alert_view(live.cfg, a, None)).collect())
        .await;
    out.map(Json).ok_or_else(ApiError::shutting_down)
}

/// "I'm going": a staff member of the alert's site takes it; it leaves every staff page and the
/// kiosk that raised it can tell the visitor someone is coming. 404 once taken.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/ack", tag = "sites",
    params(("id" = String, Path, description = "alert id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = AlertView), (status = 401, body = queue_core::wire::ErrorBody),
        (status = 403, body = queue_core::wire::ErrorBody), (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn ack_alert(State(state): State<AppState>, id: Identity, Path(alert): Path<String>) -> ApiResult<Outcome> {
    check_id("alert", &alert)?;
    id.staff(Role::Staff)?;
    Ok(state.writer.exec(Exec::new(Command::AckAlert { alert }, id.actor(&state.cfg))).await?)
}

/// One alert, open or taken: staff of its site, or the kiosk that raised it (which tells the visitor
/// "someone is coming" once `acknowledged_at` is set).
#[utoipa::path(get, path = "/api/v1/alerts/{id}", tag = "sites",
    params(("id" = String, Path, description = "alert id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = AlertView), (status = 401, body = queue_core::wire::ErrorBody),
        (status = 403, body = queue_core::wire::ErrorBody), (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn get_alert(
    State(state): State<AppState>,
    id: Identity,
    Path(alert): Path<String>,
) -> ApiResult<Json<AlertView>> {
    check_id("alert", &alert)?;
    if let Identity::Device(d) = &id
        && d.kind != DeviceKind::Kiosk
    {
        return Err(ApiError::forbidden("only staff and the kiosk that raised an alert may read it"));
    }
    let not_found = || ApiError::not_found(format!("no alert '{alert}'"));
    let key = alert.clone();
    let (open, acked) = state.db.read(move |conn| crate::db::alert(conn, &key)).await?.ok_or_else(not_found)?;
    match &id {
        // Another kiosk's alert is, to a kiosk, no alert at all.
        Identity::Device(_) if open.alert.source != id.principal() => return Err(not_found()),
        Identity::Device(_) => {}
        Identity::Staff(_) => {
            id.staff_at(&open.site, Role::Staff)?;
        }
    }
    Ok(Json(views::alert_view(&state.cfg, &open, acked)))
}

/// The full state a waiting-room display starts (and re-syncs) from.
#[utoipa::path(get, path = "/api/v1/sites/{site}/display", tag = "sites",
    params(("site" = String, Path, description = "site id"), ("key" = Option<String>, Query, description = "display key, for browsers")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = DisplaySnapshot), (status = 401, body = queue_core::wire::ErrorBody),
        (status = 403, body = queue_core::wire::ErrorBody), (status = 404, body = queue_core::wire::ErrorBody)))]
pub async fn display(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
) -> ApiResult<Json<DisplaySnapshot>> {
    let site = site_id(&state, &site)?;
    id.staff_or_device(&site, &[DeviceKind::Display])?;
    let heartbeat_s = state.heartbeat_s;
    let out = state
        .writer
        .read(move |live| {
            let s = live.cfg.site(&site)?;
            Some(DisplaySnapshot {
                site: site.clone(),
                name: s.name.clone(),
                languages: s.languages.clone(),
                notice: s.notice.clone(),
                calls: live.recent_calls.get(&site).map(|c| c.iter().cloned().collect()).unwrap_or_default(),
                queues: views::queue_views(
                    live.cfg,
                    &site,
                    live.engine.queues(&site, live.now),
                    views::Audience::Public,
                ),
                desks: s
                    .desks
                    .iter()
                    .map(|d| DisplayDesk {
                        id: d.id.clone(),
                        label: d.public_label.clone(),
                        services: d
                            .services
                            .iter()
                            .map(|x| {
                                queue_core::ServiceId(views::service_id_for(
                                    live.cfg,
                                    &site,
                                    x,
                                    views::Audience::Public,
                                ))
                            })
                            .collect(),
                    })
                    .collect(),
                last_event_id: live.last_event_id,
                heartbeat_s,
            })
        })
        .await
        .flatten();
    out.map(Json).ok_or_else(ApiError::shutting_down)
}

/// Raise an alert for the staff on duty ("I need help now", printer failure). Never shown on displays.
#[utoipa::path(post, path = "/api/v1/sites/{site}/alerts", tag = "sites",
    params(("site" = String, Path, description = "site id")),
    request_body = AlertRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 202, description = "raised"), (status = 400, body = queue_core::wire::ErrorBody),
        (status = 401, body = queue_core::wire::ErrorBody), (status = 403, body = queue_core::wire::ErrorBody),
        (status = 404, body = queue_core::wire::ErrorBody), (status = 422, body = queue_core::wire::ErrorBody)))]
pub async fn raise_alert(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
    ApiJson(req): ApiJson<AlertRequest>,
) -> ApiResult<Outcome> {
    let site = site_id(&state, &site)?;
    id.staff_or_device(&site, &[DeviceKind::Kiosk])?;
    if !matches!(req.kind.as_str(), "help_requested" | "printer_failure" | "other") {
        return Err(ApiError::unprocessable("kind must be 'help_requested', 'printer_failure' or 'other'"));
    }
    // Alerts have a budget of their own: a kiosk that has used up its tickets can still call for help.
    if let Identity::Device(d) = &id {
        state.limits.alert(&site, &d.id)?;
    }
    let message = req.message.unwrap_or_default().chars().take(500).collect();
    let ticket_number = req.ticket_number.map(|n| n.chars().take(16).collect());
    let alert =
        Alert { id: ulid::Ulid::new().to_string(), kind: req.kind, source: id.principal(), message, ticket_number };
    Ok(state.writer.exec(Exec::new(Command::RaiseAlert { site, alert }, id.actor(&state.cfg))).await?)
}

/// Lift a service's daily cap for the rest of today (staff of the site), e.g. when the queue is
/// short and the desks can take more people than planned.
#[utoipa::path(post, path = "/api/v1/sites/{site}/services/{service}/lift-cap", tag = "sites",
    params(("site" = String, Path, description = "site id"), ("service" = String, Path, description = "service id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 202, description = "lifted for today"), (status = 401, body = queue_core::wire::ErrorBody),
        (status = 403, body = queue_core::wire::ErrorBody), (status = 404, body = queue_core::wire::ErrorBody),
        (status = 422, body = queue_core::wire::ErrorBody)))]
pub async fn lift_cap(
    State(state): State<AppState>,
    id: Identity,
    Path((site, service)): Path<(String, String)>,
) -> ApiResult<Outcome> {
    let site = site_id(&state, &site)?;
    check_id("service", &service)?;
    id.staff_at(&site, Role::Staff)?;
    let service = queue_core::ServiceId::from(service.as_str());
    Ok(state.writer.exec(Exec::new(Command::LiftCap { site, service }, id.actor(&state.cfg))).await?)
}
