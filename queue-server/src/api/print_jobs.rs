//! Print jobs (issue 19): reception issues a ticket with `print_at` (a kiosk of the site), the
//! kiosk takes its jobs (`GET /api/v1/devices/print-jobs`), prints them and answers
//! (`POST /api/v1/print-jobs/{id}/result`); the staff page follows the job
//! (`GET /api/v1/print-jobs/{id}`). A job is taken once, by its kiosk only, and expires after
//! `JOB_TTL` untaken or unanswered; the staff page then shows the QR code on screen.

use super::{ApiJson, check_id};
use crate::auth::{DeviceKind, Identity, Role, keyed_token};
use crate::db::print_jobs::{self, Answered, JobRow};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::{self, local_time};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use queue_core::SiteId;
use queue_core::wire::{ErrorBody, PrintJob, PrintJobView, PrintResult, TicketView};

/// Why a kiosk could not print, as it reports it (the desk page says each in its language).
pub const ERRORS: [&str; 5] = ["paper_out", "cover_open", "offline", "failing", "no_printer"];

/// Check an issue's `print_at`: staff only, a live kiosk of the ticket's site. The kiosk's id.
pub async fn print_target(state: &AppState, id: &Identity, site: &SiteId, device: &str) -> ApiResult<String> {
    if !matches!(id, Identity::Staff(_)) {
        return Err(ApiError::forbidden("only staff send a ticket to a kiosk's printer (print_at)"));
    }
    check_id("print_at", device)
        .map_err(|_| ApiError::unprocessable("print_at is a kiosk's device id (letters, digits, '-' and '_')"))?;
    let key = device.to_owned();
    let row = state.db.read(move |conn| crate::db::device(conn, &key)).await?;
    match row {
        Some(d) if d.kind == "kiosk" && !d.revoked && d.site == site.as_str() => Ok(d.id),
        _ => Err(ApiError::unprocessable(format!(
            "print_at: '{device}' is not a kiosk of site '{site}' (GET /api/v1/sites/{site}/devices lists them)"
        ))),
    }
}

fn ms_time(state: &AppState, site: &SiteId, ms: i64) -> String {
    local_time(&state.cfg, site, Timestamp::from_millisecond(ms).unwrap_or_default())
}

fn job_view(state: &AppState, job: &JobRow, device_name: String, now: Timestamp) -> PrintJobView {
    let site = SiteId::from(job.site.as_str());
    let (status, error) = job.status(now);
    PrintJobView {
        id: job.id.clone(),
        ticket: queue_core::TicketId::from(job.ticket.as_str()),
        number: job.number.clone(),
        device: job.device.clone(),
        device_name,
        status: status.to_owned(),
        error: error.map(str::to_owned),
        created_at: ms_time(state, &site, job.created_ms),
        taken_at: job.taken_ms.map(|t| ms_time(state, &site, t)),
        done_at: job.done_ms.map(|t| ms_time(state, &site, t)),
        site,
    }
}

async fn device_name(state: &AppState, device: &str) -> ApiResult<String> {
    let key = device.to_owned();
    let row = state.db.read(move |conn| crate::db::device(conn, &key)).await?;
    Ok(row.map_or_else(|| device.to_owned(), |d| d.name))
}

/// The kiosk's print jobs waiting for it, each handed out once (taken): the ticket as the kiosk
/// prints it, in the visitor's language, with its status URL.
#[utoipa::path(get, path = "/api/v1/devices/print-jobs", tag = "devices",
    security(("bearer" = [])),
    responses((status = 200, body = [PrintJob]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn take_jobs(State(state): State<AppState>, id: Identity) -> ApiResult<Json<Vec<PrintJob>>> {
    let device = match &id {
        Identity::Device(d) if d.kind == DeviceKind::Kiosk => d.id.clone(),
        _ => return Err(ApiError::forbidden("only a kiosk takes its print jobs, with its device key")),
    };
    let now = state.now();
    let jobs = state.db.write(move |conn| print_jobs::take(conn, &device, now)).await?;
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        let mut ticket: TicketView = serde_json::from_str(&job.ticket_json)
            .map_err(|e| ApiError::internal(format!("print job {}: stored ticket unreadable: {e}", job.id)))?;
        let token = keyed_token(&state.token_secret, &job.token_scope, &job.token_key);
        ticket.status_url = views::status_url(&token);
        ticket.token = Some(token);
        out.push(PrintJob { id: job.id, ticket });
    }
    if !out.is_empty() {
        tracing::info!(device = %id.principal(), jobs = out.len(), "print jobs taken");
    }
    Ok(Json(out))
}

/// The kiosk's answer for a job it took: `{printed: true}` or `{printed: false, error: "paper_out"}`.
/// The same answer again is answered the same (a retry); another answer is 409.
#[utoipa::path(post, path = "/api/v1/print-jobs/{id}/result", tag = "devices",
    params(("id" = String, Path, description = "print job id")),
    request_body = PrintResult,
    security(("bearer" = [])),
    responses((status = 200, body = PrintJobView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn result(
    State(state): State<AppState>,
    id: Identity,
    Path(job): Path<String>,
    ApiJson(answer): ApiJson<PrintResult>,
) -> ApiResult<Json<PrintJobView>> {
    check_id("print job", &job)?;
    let device = match &id {
        Identity::Device(d) if d.kind == DeviceKind::Kiosk => d.clone(),
        _ => return Err(ApiError::forbidden("only the kiosk that took a print job answers it")),
    };
    let error = match (answer.printed, answer.error.as_deref()) {
        (true, None) => None,
        (true, Some(_)) => return Err(ApiError::unprocessable("a printed ticket has no error")),
        (false, Some(e)) if ERRORS.contains(&e) => Some(e.to_owned()),
        (false, _) => {
            return Err(ApiError::unprocessable(format!(
                "a ticket not printed says why: error is one of {}",
                ERRORS.join(", ")
            )));
        }
    };
    let now = state.now();
    let (key, me) = (job.clone(), device.id.clone());
    let answered = state.db.write(move |conn| print_jobs::answer(conn, &key, &me, error.as_deref(), now)).await?;
    let row = match answered {
        Answered::NotFound => return Err(ApiError::not_found(format!("no print job '{job}'"))),
        Answered::NotYours(j) if j.site != device.site.as_str() => {
            return Err(ApiError::forbidden(format!("print job '{job}' belongs to another site")));
        }
        Answered::NotYours(_) => return Err(ApiError::forbidden(format!("print job '{job}' is another kiosk's"))),
        Answered::NotTaken(_) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "not_taken",
                format!("print job '{job}' was not taken (GET /api/v1/devices/print-jobs): nothing to answer"),
            ));
        }
        Answered::Conflict(j) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "already_answered",
                format!("print job '{job}' was already answered: {}", j.state),
            ));
        }
        Answered::Recorded(j) => j,
    };
    if row.state == "failed" {
        tracing::info!(device = %device.id, job = %row.id, error = ?row.error, "print job failed at the kiosk");
    }
    let name = device_name(&state, &row.device).await?;
    Ok(Json(job_view(&state, &row, name, now)))
}

/// A print job as the staff who sent it follow it: queued, taken, printed, failed or expired.
#[utoipa::path(get, path = "/api/v1/print-jobs/{id}", tag = "tickets",
    params(("id" = String, Path, description = "print job id")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = PrintJobView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get_job(
    State(state): State<AppState>,
    id: Identity,
    Path(job): Path<String>,
) -> ApiResult<Json<PrintJobView>> {
    check_id("print job", &job)?;
    id.staff(Role::Staff)?;
    let key = job.clone();
    let row = state.db.read(move |conn| print_jobs::get(conn, &key)).await?;
    let row = row.ok_or_else(|| ApiError::not_found(format!("no print job '{job}'")))?;
    id.staff_at(&SiteId::from(row.site.as_str()), Role::Staff)?;
    let name = device_name(&state, &row.device).await?;
    Ok(Json(job_view(&state, &row, name, state.now())))
}
