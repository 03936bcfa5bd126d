//! Desk routes: open (or resume), pause, close, call next.

use super::{IdempotencyKey, OptionalJson, check_id};
use crate::auth::{Identity, Role};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::writer::{Exec, Idempotency, Outcome};
use axum::extract::{Path, State};
use queue_core::wire::{CallNextRequest, DeskView, ErrorBody, TicketView};
use queue_core::{Command, DeskId, StaffId};

fn desk_id(state: &AppState, desk: &str) -> ApiResult<DeskId> {
    check_id("desk", desk)?;
    let id = DeskId::from(desk);
    if state.cfg.desk(&id).is_none() {
        return Err(ApiError::not_found(format!("no desk '{desk}'")));
    }
    Ok(id)
}

/// A desk command from this staff member: the engine decides whether they may (the desk's holder,
/// or a coordinator of its site) in the same step that makes the change.
async fn exec(state: &AppState, id: &Identity, cmd: Command, idempotency: Option<Idempotency>) -> ApiResult<Outcome> {
    Ok(state.writer.exec(Exec { idempotency, ..Exec::new(cmd, id.actor(&state.cfg)) }).await?)
}

/// Sit at a desk (or resume it after a pause).
#[utoipa::path(post, path = "/api/v1/desks/{desk}/open", tag = "desks",
    params(("desk" = String, Path, description = "desk id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = DeskView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn open(State(state): State<AppState>, id: Identity, Path(desk): Path<String>) -> ApiResult<Outcome> {
    let me = id.staff(Role::Staff)?;
    let desk = desk_id(&state, &desk)?;
    let cmd = Command::OpenDesk {
        desk,
        staff: StaffId(me.username.clone()),
        languages: me.languages.clone(),
        professions: me.professions.clone(),
    };
    exec(&state, &id, cmd, None).await
}

/// Pause a desk: it calls nobody until opened again.
#[utoipa::path(post, path = "/api/v1/desks/{desk}/pause", tag = "desks",
    params(("desk" = String, Path, description = "desk id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = DeskView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn pause(State(state): State<AppState>, id: Identity, Path(desk): Path<String>) -> ApiResult<Outcome> {
    id.staff(Role::Staff)?;
    let desk = desk_id(&state, &desk)?;
    exec(&state, &id, Command::PauseDesk { desk }, None).await
}

/// Leave a desk (it must not hold a ticket).
#[utoipa::path(post, path = "/api/v1/desks/{desk}/close", tag = "desks",
    params(("desk" = String, Path, description = "desk id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = DeskView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn close(State(state): State<AppState>, id: Identity, Path(desk): Path<String>) -> ApiResult<Outcome> {
    id.staff(Role::Staff)?;
    let desk = desk_id(&state, &desk)?;
    exec(&state, &id, Command::CloseDesk { desk }, None).await
}

/// Call the next ticket by policy (or `{"ticket": id}` out of order where the site allows it).
/// Honours `Idempotency-Key`: a repeated call answers the same ticket.
#[utoipa::path(post, path = "/api/v1/desks/{desk}/call-next", tag = "desks",
    params(("desk" = String, Path, description = "desk id"),
        ("Idempotency-Key" = Option<String>, Header, description = "repeat-safe key")),
    request_body(content = Option<CallNextRequest>, description = "optional"),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = TicketView), (status = 204, description = "nobody waits"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn call_next(
    State(state): State<AppState>,
    id: Identity,
    Path(desk): Path<String>,
    IdempotencyKey(key): IdempotencyKey,
    OptionalJson(req): OptionalJson<CallNextRequest>,
) -> ApiResult<Outcome> {
    id.staff(Role::Staff)?;
    let desk = desk_id(&state, &desk)?;
    if let Some(t) = &req.ticket {
        check_id("ticket", t.as_str())?;
    }
    let idempotency = key.map(|key| Idempotency {
        scope: format!("{}:call-next:{desk}", id.principal()),
        request_hash: crate::auth::request_hash(&format!("POST /api/v1/desks/{desk}/call-next"), &req),
        key,
    });
    exec(&state, &id, Command::CallNext { desk, ticket: req.ticket }, idempotency).await
}
