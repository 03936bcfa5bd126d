//! The one HTTP error type: every failure leaves as `{"error": {"code", "message"}}`.
//!
//! Policy: domain refusals (`QueueError`) map to 404/409/403/422 with their own message;
//! storage failures answer 503 and are logged once here; nothing internal leaks in a body.

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
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), retry_after: None }
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
                format!("too many {what}: try again shortly"),
            )
        }
    }
    /// Storage failed: log the detail once, answer 503.
    pub fn unavailable(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(%detail, "storage failure");
        ApiError {
            retry_after: Some(5),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_unavailable",
                "the server could not store this change; nothing was changed, try again",
            )
        }
    }
}

impl From<QueueError> for ApiError {
    fn from(e: QueueError) -> ApiError {
        use QueueError::*;
        let status = match &e {
            UnknownSite(_) | UnknownService(..) | UnknownDesk(_) | UnknownTicket(_) | UnknownStaff(_) => {
                StatusCode::NOT_FOUND
            }
            IllegalTransition { .. }
            | DeskNotOpen(_)
            | DeskBusy { .. }
            | DeskTaken { .. }
            | StaffAtOtherDesk { .. }
            | ServiceClosed(_)
            | DailyCapReached(..)
            | ReservedElsewhere(_) => StatusCode::CONFLICT,
            OutOfOrderNotAllowed => StatusCode::FORBIDDEN,
            DeskDoesNotServe { .. } | Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.code(), e.to_string())
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> ApiError {
        tracing::error!(error = %e, "storage read failed");
        ApiError::unavailable(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: ErrorDetail { code: self.code.to_owned(), message: self.message } };
        let mut resp = (self.status, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, s.into());
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
