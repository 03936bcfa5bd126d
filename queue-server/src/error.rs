//! The one HTTP error type: every failure leaves as `{"error": {"code", "message"}}`.
//!
//! Policy: domain refusals (`QueueError`) map to 404/409/403/422 with their own message.
//! Failures of the server itself (storage, a stopped writer) answer 5xx with a fixed message and
//! carry their detail in `detail`, which is logged exactly once, at the edge, when the response is
//! made (`IntoResponse`); nothing internal leaks in a body, and no layer below logs it again.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use queue_core::QueueError;
use queue_core::wire::{ErrorBody, ErrorDetail};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds for a `Retry-After` header (429, 503).
    pub retry_after: Option<u64>,
    /// What went wrong inside, for the log (never sent to the client).
    pub detail: Option<String>,
    /// `ErrorDetail::opens_at`: when a check-in window opens (`too_early` only).
    pub opens_at: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), retry_after: None, detail: None, opens_at: None }
    }
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
    pub fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
    }
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "log in (POST /api/v1/session) or send a device key as 'Authorization: Bearer <key>'",
        )
    }
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    pub fn too_many(what: &str, retry_after: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after.max(1)),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many {what}: try again in {} s", retry_after.max(1)),
            )
        }
    }
    /// Storage failed: answer 503; the detail is logged once when the response is made.
    pub fn unavailable(detail: impl std::fmt::Display) -> ApiError {
        ApiError {
            retry_after: Some(5),
            detail: Some(detail.to_string()),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_unavailable",
                "the server could not store this change; nothing was changed, try again",
            )
        }
    }
    /// The server is stopping (the writer has gone): 503, not a failure worth an error in the log.
    pub fn shutting_down() -> ApiError {
        ApiError {
            retry_after: Some(2),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "the server is shutting down; try again")
        }
    }
    /// A bug or an impossible state: 500 with a fixed message; the detail goes to the log only.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        ApiError {
            detail: Some(detail.to_string()),
            ..ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error")
        }
    }
}

impl From<QueueError> for ApiError {
    fn from(e: QueueError) -> ApiError {
        use QueueError::*;
        let status = match &e {
            UnknownSite(_) | UnknownService(..) | UnknownDesk(_) | UnknownTicket(_) | UnknownStaff(_)
            | UnknownAlert(_) => StatusCode::NOT_FOUND,
            IllegalTransition { .. }
            | DeskNotOpen(_)
            | DeskBusy { .. }
            | DeskTaken { .. }
            | StaffAtOtherDesk { .. }
            | ServiceClosed(_)
            | DailyCapReached(..)
            | ReservedElsewhere(_)
            | NothingToUndo(_) => StatusCode::CONFLICT,
            OutOfOrderNotAllowed | Forbidden(_) => StatusCode::FORBIDDEN,
            DeskDoesNotServe { .. } | Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.code(), e.to_string())
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> ApiError {
        ApiError::unavailable(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(detail) = &self.detail {
            // The one place a server-side failure is logged.
            tracing::error!(status = self.status.as_u16(), code = self.code, %detail, "request failed");
        }
        let body = ErrorBody {
            error: ErrorDetail { code: self.code.to_owned(), message: self.message, opens_at: self.opens_at },
        };
        let mut resp = (self.status, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, s.into());
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
