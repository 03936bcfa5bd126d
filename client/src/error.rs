//! The one mapping of the server's answers to a typed error: no answer at all (transport), an
//! error status with our body `{"error": {"code", "message"}}` (and `Retry-After` on 429/503), or
//! an answer that does not parse.

use queue_core::wire::ErrorBody;
use std::time::Duration;

/// Why a request did not give what was asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// No answer: connection refused or cut, timeout, bad address. Worth retrying later.
    #[error("cannot reach the queue server at {url}: {message}")]
    Transport { url: String, message: String },
    /// The server answered with an error status.
    #[error("the queue server answered {} to {url}: {}", .error.status, .error)]
    Api { url: String, error: ApiError },
    /// A success status whose body is not what the API promises.
    #[error("the queue server's answer to {url} ({status}) does not parse: {message}")]
    Decode { url: String, status: u16, message: String },
}

/// An error answer of the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub status: u16,
    /// Our error code (`rate_limited`, `illegal_transition`, …); `http_<status>` when the body was
    /// not ours (a proxy's page, an empty body).
    pub code: String,
    pub message: String,
    /// From `Retry-After` (seconds), on 429 and 503.
    pub retry_after: Option<Duration>,
    /// When an appointment's check-in opens (site-local `HH:MM`), on `too_early` only.
    pub opens_at: Option<String>,
}

/// The longest `Retry-After` of a 429 that `Client::issue_retrying` waits for.
pub const SHORT_RETRY_AFTER: Duration = Duration::from_secs(3);

impl ApiError {
    /// Reads an error answer: status, its `Retry-After` header value if any, and the body.
    pub fn from_answer(status: u16, retry_after: Option<&str>, body: &str) -> ApiError {
        let (code, message, opens_at) = match serde_json::from_str::<ErrorBody>(body) {
            Ok(b) => (b.error.code, b.error.message, b.error.opens_at),
            Err(_) => (format!("http_{status}"), body.chars().take(300).collect(), None),
        };
        let retry_after = retry_after.and_then(|v| v.trim().parse::<u64>().ok()).map(Duration::from_secs);
        ApiError { status, code, message, retry_after, opens_at }
    }
}

impl Error {
    pub(crate) fn transport(url: &str, e: reqwest::Error) -> Error {
        // reqwest's Display stops at "error sending request"; the cause says what happened.
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message = format!("{message}: {s}");
            source = s.source();
        }
        Error::Transport { url: url.to_owned(), message }
    }

    /// The API error, when the server answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The HTTP status of an error answer.
    pub fn status(&self) -> Option<u16> {
        self.api().map(|e| e.status)
    }

    /// Our error code of an error answer.
    pub fn code(&self) -> Option<&str> {
        self.api().map(|e| e.code.as_str())
    }

    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Transport { .. })
    }

    /// Worth sending again, unchanged (with the same `Idempotency-Key`): no answer, or a 5xx.
    pub fn is_retryable(&self) -> bool {
        self.is_transport() || self.status().is_some_and(|s| s >= 500)
    }

    /// A 429 whose `Retry-After` is short enough to wait for while a visitor stands at the kiosk
    /// (at most `SHORT_RETRY_AFTER`, 3 s): how long.
    pub fn short_retry_after(&self) -> Option<Duration> {
        self.api().filter(|e| e.status == 429).and_then(|e| e.retry_after).filter(|d| *d <= SHORT_RETRY_AFTER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_error_body_with_retry_after() {
        let body = r#"{"error":{"code":"rate_limited","message":"too many tickets: try again shortly"}}"#;
        let e = ApiError::from_answer(429, Some("7"), body);
        assert_eq!(
            e,
            ApiError {
                status: 429,
                code: "rate_limited".into(),
                message: "too many tickets: try again shortly".into(),
                retry_after: Some(Duration::from_secs(7)),
                opens_at: None,
            }
        );
        let err = Error::Api { url: "http://s/api/v1/sites/x/tickets".into(), error: e };
        assert_eq!(
            err.to_string(),
            "the queue server answered 429 to http://s/api/v1/sites/x/tickets: rate_limited: too many tickets: try again shortly"
        );
        assert!(!err.is_retryable());
    }

    #[test]
    fn too_early_carries_when_check_in_opens() {
        let body = r#"{"error":{"code":"too_early","message":"check-in opens at 08:30","opens_at":"08:30"}}"#;
        let e = ApiError::from_answer(409, None, body);
        assert_eq!((e.code.as_str(), e.opens_at.as_deref()), ("too_early", Some("08:30")));
        let body = r#"{"error":{"code":"code_used","message":"used"}}"#;
        assert_eq!(ApiError::from_answer(409, None, body).opens_at, None);
    }

    #[test]
    fn a_body_that_is_not_ours_keeps_its_start() {
        let page = format!("<html>Bad Gateway{}</html>", "x".repeat(1000));
        let e = ApiError::from_answer(502, None, &page);
        assert_eq!((e.status, e.code.as_str(), e.retry_after), (502, "http_502", None));
        assert_eq!(e.message.chars().count(), 300);
        assert!(Error::Api { url: String::new(), error: e }.is_retryable());
        let e = ApiError::from_answer(401, Some("soon"), "");
        assert_eq!((e.code.as_str(), e.message.as_str(), e.retry_after), ("http_401", "", None));
    }
}
