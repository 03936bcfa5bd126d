//! Ticket routes: issue, look up, the state transitions, transfer, and the public view by token.

use super::sites::site_id;
use super::{ApiJson, IdempotencyKey, OptionalJson, check_id};
use crate::auth::{DeviceKind, Identity, Role, keyed_token, random_secret, secret_hash};
use crate::client_addr::ClientAddr;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views;
use crate::writer::{Exec, Idempotency, Outcome};
use axum::Json;
use axum::extract::{Path, State};
use jiff::Timestamp;
use queue_core::engine::IssueTicket;
use queue_core::wire::{
    ErrorBody, IssueRequest, PublicTicket, ResumeRequest, ReturnRequest, TicketEventView, TicketView, TransferRequest,
};
use queue_core::{Command, DeskId, Priority, ServiceId, StaffId, TicketId};

const MAX_NEEDS: usize = 10;

fn valid_need(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 40
        && n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_:-".contains(&b))
}

/// Issue a ticket. Honours `Idempotency-Key`: a repeated request answers the first ticket again.
#[utoipa::path(post, path = "/api/v1/sites/{site}/tickets", tag = "tickets",
    params(("site" = String, Path, description = "site id"),
        ("Idempotency-Key" = Option<String>, Header, description = "repeat-safe key")),
    request_body = IssueRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = TicketView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn issue(
    State(state): State<AppState>,
    id: Identity,
    Path(site): Path<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<IssueRequest>,
) -> ApiResult<Outcome> {
    let site = site_id(&state, &site)?;
    id.staff_or_device(&site, &[DeviceKind::Kiosk])?;
    let cfg_site = state.cfg.site(&site).ok_or_else(|| ApiError::not_found("no such site"))?;
    check_id("service", req.service.as_str())?;
    let Some(cfg_service) = state.cfg.service(&site, &req.service) else {
        return Err(ApiError::not_found(format!("no service '{}' at site '{site}'", req.service)));
    };
    let cfg_daily_cap = cfg_service.daily_cap;
    let flood_alert_tickets = cfg_site.rate_limits.flood_alert_tickets;
    let request_hash = crate::auth::request_hash(&format!("POST /api/v1/sites/{site}/tickets"), &req);
    let priority = req.priority.unwrap_or_default();
    let language = req.language.unwrap_or_else(|| cfg_site.languages[0].clone());
    if !cfg_site.languages.contains(&language) {
        return Err(ApiError::unprocessable(format!(
            "language '{}' is not offered at this site (offered: {})",
            super::excerpt(&language, 16),
            cfg_site.languages.join(", ")
        )));
    }
    let needs = req.needs.unwrap_or_default();
    if needs.len() > MAX_NEEDS || !needs.iter().all(|n| valid_need(n)) {
        return Err(ApiError::unprocessable(format!(
            "needs must be at most {MAX_NEEDS} short codes of a-z, 0-9, '_', ':' or '-' (e.g. 'mediator:ar')"
        )));
    }
    if needs.iter().any(|n| n.starts_with("with:")) {
        return Err(ApiError::unprocessable(
            "a 'with:' need (a second professional) comes only from an appointment booked at the desk",
        ));
    }
    if let Some(bad) =
        needs.iter().filter_map(|n| n.strip_prefix("mediator:")).find(|l| state.cfg.language(l).is_none())
    {
        return Err(ApiError::unprocessable(format!("no mediator language '{bad}' is configured")));
    }
    let appointment_at = match req.appointment_at {
        Some(s) => Some(s.parse::<Timestamp>().map_err(|e| {
            ApiError::unprocessable(format!("appointment_at: {}", super::excerpt(&e.to_string(), 120)))
        })?),
        None => None,
    };
    if appointment_at.is_some() && priority != Priority::Appointment {
        return Err(ApiError::unprocessable("appointment_at needs priority 'appointment'"));
    }
    if let Identity::Device(d) = &id {
        state.limits.ticket(&site, &d.id)?;
    }
    let print_at = match req.print_at.as_deref() {
        Some(device) => Some(super::print_jobs::print_target(&state, &id, &site, device).await?),
        None => None,
    };
    let scope = format!("{}:issue:{site}", id.principal());
    let idempotency = key.map(|key| Idempotency { request_hash, scope: scope.clone(), key });
    // A keyed request's token comes from its key (a retry gets the same one, nothing is stored).
    let token = match &idempotency {
        Some(i) => keyed_token(&state.token_secret, &i.scope, &i.key),
        None if print_at.is_some() => String::new(),
        None => random_secret(24),
    };
    // A ticket printed at a kiosk: its token is derived from what the job keeps (the key, or a
    // random one of the job's), so the kiosk is handed the token without it being stored.
    let (token, print) = match print_at {
        Some(device) => {
            let (token_scope, token_key) = match &idempotency {
                Some(i) => (i.scope.clone(), i.key.clone()),
                None => ("print".to_owned(), random_secret(16)),
            };
            let token = keyed_token(&state.token_secret, &token_scope, &token_key);
            let job = ulid::Ulid::new().to_string();
            (token, Some(crate::writer::PrintAt { job, device, token_scope, token_key }))
        }
        None => (token, None),
    };
    let actor = id.actor(&state.cfg);
    let cmd = Command::Issue(IssueTicket {
        id: TicketId(ulid::Ulid::new().to_string()),
        site,
        service: req.service,
        priority,
        appointment_at,
        language,
        party_size: req.party_size.unwrap_or(1),
        needs,
    });
    let exec = Exec { cmd, actor, token: Some(token), idempotency, print, claim: None };
    let outcome = state.writer.exec(exec).await?;
    if let (Identity::Device(d), Outcome::Ticket { created: true, view }) = (&id, &outcome)
        && let Some(n) =
            state.limits.note_kiosk_ticket(&d.id, view.service.as_str(), flood_alert_tickets, cfg_daily_cap)
    {
        // One kiosk taking a service's day: tell the staff (a stuck button, a prank, a script).
        let alert = queue_core::event::Alert {
            id: ulid::Ulid::new().to_string(),
            kind: "kiosk_flood".into(),
            source: "server".into(),
            message: format!(
                "kiosk {} issued {n} tickets for {} within {} minutes",
                d.id,
                view.service,
                crate::auth::FLOOD_WINDOW.as_secs() / 60
            ),
            ticket_number: None,
        };
        let cmd = Command::RaiseAlert { site: view.site.clone(), alert };
        if let Err(e) = state.writer.exec(Exec::new(cmd, queue_core::Actor::System)).await {
            tracing::warn!(error = %e, "could not raise the kiosk flood alert");
        }
    }
    Ok(outcome)
}

fn ticket_id(ticket: &str) -> ApiResult<TicketId> {
    check_id("ticket", ticket)?;
    Ok(TicketId::from(ticket))
}

/// The ticket with its journey and events (staff).
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets",
    params(("id" = String, Path, description = "ticket id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = TicketView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get_ticket(
    State(state): State<AppState>,
    id: Identity,
    Path(ticket): Path<String>,
) -> ApiResult<Json<TicketView>> {
    id.staff(Role::Staff)?;
    let tid = ticket_id(&ticket)?;
    let live = state
        .writer
        .read({
            let tid = tid.clone();
            move |live| {
                live.engine
                    .ticket(&tid)
                    .map(|t| views::ticket_view(live.cfg, t, views::position(live.engine, t, live.now), None))
            }
        })
        .await
        .flatten();
    let t = tid.clone();
    let (stored, events) = state
        .db
        .read(move |conn| -> db::Result<_> {
            Ok((db::ticket_by_id(conn, t.as_str())?, db::ticket_events(conn, t.as_str())?))
        })
        .await?;
    let mut view = match (live, stored) {
        (Some(v), _) => v,
        (None, Some(t)) => views::ticket_view(&state.cfg, &t, (0, Some(queue_core::Estimate::ZERO)), None),
        (None, None) => return Err(ApiError::not_found(format!("no ticket '{ticket}'"))),
    };
    id.staff_at(&view.site, Role::Staff)?;
    view.events = Some(
        events
            .into_iter()
            .map(|(seq, kind, at, e)| {
                Ok(TicketEventView {
                    id: seq,
                    kind,
                    at: views::local_time(&state.cfg, &e.site, at),
                    actor: e.actor.as_ref().map(|a| a.to_string()),
                    data: serde_json::to_value(&e.kind).map_err(ApiError::internal)?,
                })
            })
            .collect::<ApiResult<_>>()?,
    );
    Ok(Json(view))
}

/// A ticket transition: the engine decides whether this staff member may (their desk's ticket, or a
/// coordinator of the site) in the same step that makes the change.
async fn run(state: &AppState, id: &Identity, cmd: Command) -> ApiResult<Outcome> {
    id.staff(Role::Staff)?;
    Ok(state.writer.exec(Exec::new(cmd, id.actor(&state.cfg))).await?)
}

macro_rules! transition {
    ($name:ident, $path:literal, $doc:literal, $variant:ident) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "tickets",
            params(("id" = String, Path, description = "ticket id")),
            security(("bearer" = []), ("cookie" = [])),
            responses((status = 200, body = TicketView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
                (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
        pub async fn $name(State(state): State<AppState>, id: Identity, Path(ticket): Path<String>) -> ApiResult<Outcome> {
            let ticket = ticket_id(&ticket)?;
            run(&state, &id, Command::$variant { ticket }).await
        }
    };
}

transition!(recall, "/api/v1/tickets/{id}/recall", "Call a called ticket again (called → called).", Recall);
transition!(start, "/api/v1/tickets/{id}/start", "The person arrived at the desk (called → serving).", Start);
transition!(finish, "/api/v1/tickets/{id}/finish", "Done (serving → done).", Finish);
transition!(no_show, "/api/v1/tickets/{id}/no-show", "Nobody came (called → no_show).", NoShow);
transition!(cancel, "/api/v1/tickets/{id}/cancel", "Cancel (waiting|called → cancelled).", Cancel);
transition!(hold, "/api/v1/tickets/{id}/hold", "Park without losing the place (called|serving → on_hold).", Hold);
transition!(
    undo,
    "/api/v1/tickets/{id}/undo",
    "Undo the desk's last Finish or No-show (done → serving, no_show → called, at the same desk; event \
     `ticket.reopened`) within 15 seconds, while the desk is open and has called nobody since; else 409 \
     `nothing_to_undo`, changing nothing.",
    Undo
);

/// Back to the queue (called|serving → waiting; body `{keep_position}` defaults to true),
/// or resume a held ticket (on_hold → waiting, keeping its place, reserved for the desk that parked it).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/return", tag = "tickets",
    params(("id" = String, Path, description = "ticket id")),
    request_body(content = Option<ReturnRequest>, description = "optional"),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = TicketView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn return_to_queue(
    State(state): State<AppState>,
    id: Identity,
    Path(ticket): Path<String>,
    OptionalJson(req): OptionalJson<ReturnRequest>,
) -> ApiResult<Outcome> {
    let ticket = ticket_id(&ticket)?;
    run(&state, &id, Command::Return { ticket, keep_position: req.keep_position }).await
}

/// Call a held ticket back (on_hold → called) to a desk: by default the desk that parked it, or
/// `{desk}` (the staff member's own). The desk must be open, free, and serve the ticket's service.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/resume", tag = "tickets",
    params(("id" = String, Path, description = "ticket id")),
    request_body(content = Option<ResumeRequest>, description = "optional"),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = TicketView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resume(
    State(state): State<AppState>,
    id: Identity,
    Path(ticket): Path<String>,
    OptionalJson(req): OptionalJson<ResumeRequest>,
) -> ApiResult<Outcome> {
    let ticket = ticket_id(&ticket)?;
    if let Some(d) = &req.desk {
        check_id("desk", d.as_str())?;
    }
    run(&state, &id, Command::Resume { ticket, desk: req.desk }).await
}

/// Transfer to another service, a desk or a colleague (called|serving → waiting), keeping the place or not.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/transfer", tag = "tickets",
    params(("id" = String, Path, description = "ticket id")),
    request_body = TransferRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = TicketView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn transfer(
    State(state): State<AppState>,
    id: Identity,
    Path(ticket): Path<String>,
    ApiJson(req): ApiJson<TransferRequest>,
) -> ApiResult<Outcome> {
    id.staff(Role::Staff)?;
    let ticket = ticket_id(&ticket)?;
    let service: Option<ServiceId> = req.service;
    let desk: Option<DeskId> = req.desk;
    if let Some(s) = &service {
        check_id("service", s.as_str())?;
    }
    if let Some(d) = &desk {
        check_id("desk", d.as_str())?;
    }
    let staff: Option<StaffId> = match req.staff {
        Some(s) => {
            check_id("staff member", s.as_str())?;
            let name = s.to_string();
            let row = state.db.read(move |conn| db::staff(conn, &name)).await?;
            let Some(row) = row.filter(|r| !r.disabled) else {
                return Err(ApiError::not_found(format!("no staff member '{s}'")));
            };
            // A colleague of the ticket's site (a ticket never changes site).
            let t = ticket.clone();
            let site = state.writer.read(move |live| live.engine.ticket(&t).map(|t| t.site.clone())).await.flatten();
            if let (Some(site), Some(sites)) = (site, &row.sites)
                && !sites.iter().any(|x| x == site.as_str())
            {
                return Err(ApiError::unprocessable(format!("{s} does not work at site '{site}'")));
            }
            Some(s)
        }
        None => None,
    };
    run(&state, &id, Command::Transfer { ticket, service, desk, staff, keep_position: req.keep_position }).await
}

/// What anyone holding the ticket's token may see: number, label, status, people ahead, wait, desk.
#[utoipa::path(get, path = "/api/v1/public/tickets/{token}", tag = "public",
    params(("token" = String, Path, description = "the token from the ticket's QR code")),
    responses((status = 200, body = PublicTicket), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn public_ticket(
    State(state): State<AppState>,
    client: ClientAddr,
    Path(token): Path<String>,
) -> ApiResult<Json<PublicTicket>> {
    state.limits.lookup(client.ip)?;
    state.limits.token_lookup(&secret_hash(&token))?;
    Ok(Json(lookup_public(&state, &token).await?))
}

/// A public ticket by token.
pub async fn lookup_public(state: &AppState, token: &str) -> ApiResult<PublicTicket> {
    lookup_ticket(state, token).await.map(|(_, public)| public)
}

/// The stored ticket behind a token (for its language and service) and its public view now.
pub async fn lookup_ticket(state: &AppState, token: &str) -> ApiResult<(queue_core::Ticket, PublicTicket)> {
    let not_found = || ApiError::not_found("no ticket with this code: it may have expired");
    if token.len() < 16
        || token.len() > 64
        || !token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(not_found());
    }
    let hash = secret_hash(token);
    let stored = state.db.read(move |conn| db::ticket_by_token_hash(conn, &hash)).await?.ok_or_else(not_found)?;
    let id = stored.id.clone();
    let live = state
        .writer
        .read(move |live| {
            live.engine
                .ticket(&id)
                .map(|t| (t.clone(), views::public_ticket(live.cfg, t, views::position(live.engine, t, live.now))))
        })
        .await
        .flatten();
    Ok(live.unwrap_or_else(|| {
        let public = views::public_ticket(&state.cfg, &stored, (0, Some(queue_core::Estimate::ZERO)));
        (stored, public)
    }))
}
