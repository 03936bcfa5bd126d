//! The async client of API v1: one base URL, an optional bearer (device key or staff token),
//! typed calls for what the kiosk, the display, the bench and the tests do, the live event
//! stream, and raw requests for anything else (tests that send bad input on purpose).

use crate::backoff::Backoff;
use crate::error::{ApiError, Error};
use crate::sse::{SseMessage, SseParser};
use queue_core::wire::{
    AlertRequest, AlertView, CheckInRequest, DeskView, DeviceHealthReport, DisplaySnapshot, IssueRequest, KioskInfo,
    LoginRequest, LoginResponse, PrintJob, PrintJobView, PrintResult, PublicTicket, QueueView, SiteView, TicketView,
};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::time::Duration;

/// How long opening the event stream may take (the stream itself has no time limit).
const STREAM_OPEN_TIMEOUT: Duration = Duration::from_secs(10);

/// A client of one queue server (cheap to clone: the connection pool is shared).
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    bearer: Option<String>,
    /// For every request but the event stream.
    timeout: Option<Duration>,
}

/// Connection settings; [`Client::new`] takes the defaults.
#[derive(Debug)]
pub struct Builder {
    base: String,
    http: reqwest::ClientBuilder,
    timeout: Option<Duration>,
}

impl Builder {
    /// Time limit to connect.
    pub fn connect_timeout(mut self, d: Duration) -> Builder {
        self.http = self.http.connect_timeout(d);
        self
    }

    /// Time limit of each request, answer body included (never applied to the event stream).
    pub fn timeout(mut self, d: Duration) -> Builder {
        self.timeout = Some(d);
        self
    }

    /// TCP keep-alive probes, so a dead connection (a machine that slept) is noticed.
    pub fn tcp_keepalive(mut self, d: Duration) -> Builder {
        self.http = self.http.tcp_keepalive(d);
        self
    }

    pub fn user_agent(mut self, agent: &str) -> Builder {
        self.http = self.http.user_agent(agent.to_owned());
        self
    }

    /// Idle connections kept per host (a load generator keeps one per lane).
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Builder {
        self.http = self.http.pool_max_idle_per_host(n);
        self
    }

    /// Trust the certificate authorities of a PEM bundle besides the system's store (a Region's own
    /// CA for its hub). https is verified either way; there is no way to turn verification off.
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Result<Builder, Error> {
        let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| Error::transport(&self.base, e))?;
        for c in certs {
            self.http = self.http.add_root_certificate(c);
        }
        Ok(self)
    }

    pub fn build(self) -> Result<Client, Error> {
        let http = self.http.build().map_err(|e| Error::transport(&self.base, e))?;
        Ok(Client { http, base: self.base, bearer: None, timeout: self.timeout })
    }
}

/// An answer as it came, for callers that look at any status (tests, tools).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Answer {
    /// The body as JSON; `Null` when empty, a JSON string when it is not JSON (a CSV, a page).
    pub fn json(&self) -> serde_json::Value {
        if self.body.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&self.body).unwrap_or_else(|_| serde_json::Value::String(self.body.clone()))
        }
    }
}

impl Client {
    /// A client of the server at `base` (`http://127.0.0.1:8080`, a trailing slash is fine).
    pub fn new(base: &str) -> Client {
        Client::builder(base).build().expect("a client with default settings builds")
    }

    pub fn builder(base: &str) -> Builder {
        Builder { base: base.trim_end_matches('/').to_owned(), http: reqwest::Client::builder(), timeout: None }
    }

    /// The same client (and connection pool) sending `Authorization: Bearer token`.
    pub fn with_bearer(mut self, token: &str) -> Client {
        self.bearer = Some(token.to_owned());
        self
    }

    pub fn bearer(&self) -> Option<&str> {
        self.bearer.as_deref()
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// `base` + `path` (`/api/v1/…`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request to `path` with the bearer and the time limit set; send it with [`Client::send`],
    /// [`Client::exchange`], or reqwest's own `send()` where every microsecond counts (the bench).
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut r = self.http.request(method, self.url(path));
        if let Some(b) = &self.bearer {
            r = r.bearer_auth(b);
        }
        if let Some(t) = self.timeout {
            r = r.timeout(t);
        }
        r
    }

    /// Sends and returns the answer whatever its status; only a transport failure is an error.
    pub async fn exchange(&self, r: RequestBuilder) -> Result<Answer, Error> {
        let (url, resp) = self.send_raw(r).await?;
        let (status, headers) = (resp.status(), resp.headers().clone());
        let body = resp.text().await.map_err(|e| Error::transport(&url, e))?;
        Ok(Answer { status, headers, body })
    }

    /// Sends and reads a success answer as `T`; an error status becomes [`Error::Api`].
    pub async fn send<T: DeserializeOwned>(&self, r: RequestBuilder) -> Result<T, Error> {
        let (url, body, status) = self.send_ok(r).await?;
        serde_json::from_str(&body).map_err(|e| Error::Decode { url, status, message: e.to_string() })
    }

    /// Sends and checks for a success status, ignoring the body.
    pub async fn send_unit(&self, r: RequestBuilder) -> Result<(), Error> {
        self.send_ok(r).await.map(|_| ())
    }

    async fn send_raw(&self, r: RequestBuilder) -> Result<(String, reqwest::Response), Error> {
        let (client, req) = r.build_split();
        let req = req.map_err(|e| Error::transport(&self.base, e))?;
        let url = req.url().to_string();
        let resp = client.execute(req).await.map_err(|e| Error::transport(&url, e))?;
        Ok((url, resp))
    }

    async fn send_ok(&self, r: RequestBuilder) -> Result<(String, String, u16), Error> {
        let (url, resp) = self.send_raw(r).await?;
        let status = resp.status().as_u16();
        let retry_after =
            resp.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = resp.text().await.map_err(|e| Error::transport(&url, e))?;
        if !(200..300).contains(&status) {
            return Err(Error::Api { url, error: ApiError::from_answer(status, retry_after.as_deref(), &body) });
        }
        Ok((url, body, status))
    }

    // --- Anyone ---

    /// `GET /api/v1/sites`
    pub async fn sites(&self) -> Result<Vec<SiteView>, Error> {
        self.send(self.request(Method::GET, "/api/v1/sites")).await
    }

    /// `GET /api/v1/public/tickets/{token}`
    pub async fn public_ticket(&self, token: &str) -> Result<PublicTicket, Error> {
        self.send(self.request(Method::GET, &format!("/api/v1/public/tickets/{token}"))).await
    }

    /// `POST /api/v1/session`: a client of the same server with the new session's bearer token.
    pub async fn login(&self, username: &str, password: &str) -> Result<(Client, LoginResponse), Error> {
        let body = LoginRequest { username: username.to_owned(), password: password.to_owned() };
        let login: LoginResponse = self.send(self.request(Method::POST, "/api/v1/session").json(&body)).await?;
        Ok((self.clone().with_bearer(&login.token), login))
    }

    // --- Kiosks ---

    /// `GET /api/v1/sites/{site}/kiosk`
    pub async fn kiosk_info(&self, site: &str) -> Result<KioskInfo, Error> {
        self.send(self.request(Method::GET, &format!("/api/v1/sites/{site}/kiosk"))).await
    }

    /// `POST /api/v1/sites/{site}/tickets`, with `Idempotency-Key: key` when given.
    pub async fn issue(&self, site: &str, request: &IssueRequest, key: Option<&str>) -> Result<TicketView, Error> {
        let mut r = self.request(Method::POST, &format!("/api/v1/sites/{site}/tickets")).json(request);
        if let Some(k) = key {
            r = r.header("Idempotency-Key", k);
        }
        self.send(r).await
    }

    /// `POST /api/v1/sites/{site}/appointments/check-in`: an appointment's code typed at a kiosk
    /// (201, the appointment ticket). Refusals: 409 `too_early` (with [`ApiError::opens_at`]),
    /// `too_late`, `code_used`; 404 `unknown_code`; 422 `code_mistyped`; 429 after too many wrong
    /// codes. Not retried: a code is single use, and the server answers a repeat `code_used`.
    pub async fn check_in(&self, site: &str, request: &CheckInRequest) -> Result<TicketView, Error> {
        self.send(self.request(Method::POST, &format!("/api/v1/sites/{site}/appointments/check-in")).json(request))
            .await
    }

    /// [`Client::issue`] with the same `Idempotency-Key` up to `attempts` times while the failure
    /// is worth retrying (no answer, 5xx), pausing as `backoff` says: the same key never issues
    /// two tickets. Returns the last error.
    pub async fn issue_retrying(
        &self,
        site: &str,
        request: &IssueRequest,
        key: &str,
        attempts: u32,
        mut backoff: Backoff,
    ) -> Result<TicketView, Error> {
        let mut attempt = 1;
        loop {
            match self.issue(site, request, Some(key)).await {
                Err(e) if e.is_retryable() && attempt < attempts => {
                    tokio::time::sleep(backoff.next_delay()).await;
                    attempt += 1;
                }
                // Rate limited for a moment (two tickets in quick succession at one kiosk): wait as
                // told and resend, with the same key; a long wait goes back to the caller.
                Err(e) if attempt < attempts && e.short_retry_after().is_some() => {
                    let wait = e.short_retry_after().unwrap_or_default();
                    tokio::time::sleep(wait.max(backoff.next_delay())).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// `POST /api/v1/sites/{site}/alerts`
    pub async fn alert(&self, site: &str, alert: &AlertRequest) -> Result<(), Error> {
        self.send_unit(self.request(Method::POST, &format!("/api/v1/sites/{site}/alerts")).json(alert)).await
    }

    /// `POST /api/v1/devices/health`: this device's sound and printer, for the staff pages.
    pub async fn report_health(&self, report: &DeviceHealthReport) -> Result<(), Error> {
        self.send_unit(self.request(Method::POST, "/api/v1/devices/health").json(report)).await
    }

    /// `POST /api/v1/sites/{site}/alerts`, with the raised alert (its id) in the answer.
    pub async fn raise_alert(&self, site: &str, alert: &AlertRequest) -> Result<AlertView, Error> {
        self.send(self.request(Method::POST, &format!("/api/v1/sites/{site}/alerts")).json(alert)).await
    }

    /// `GET /api/v1/alerts/{id}`: an alert and, once a staff member took it, who and when.
    pub async fn alert_status(&self, id: &str) -> Result<AlertView, Error> {
        self.send(self.request(Method::GET, &format!("/api/v1/alerts/{id}"))).await
    }

    /// `GET /api/v1/devices/print-jobs`: this kiosk's print jobs from reception, each handed out once.
    pub async fn print_jobs(&self) -> Result<Vec<PrintJob>, Error> {
        self.send(self.request(Method::GET, "/api/v1/devices/print-jobs")).await
    }

    /// `POST /api/v1/print-jobs/{id}/result`: whether a job's ticket came out of the printer.
    pub async fn print_result(&self, id: &str, result: &PrintResult) -> Result<PrintJobView, Error> {
        self.send(self.request(Method::POST, &format!("/api/v1/print-jobs/{id}/result")).json(result)).await
    }

    /// `GET /api/v1/print-jobs/{id}` (staff): where a print job is.
    pub async fn print_job(&self, id: &str) -> Result<PrintJobView, Error> {
        self.send(self.request(Method::GET, &format!("/api/v1/print-jobs/{id}"))).await
    }

    // --- Displays and staff ---

    /// `GET /api/v1/sites/{site}/display`
    pub async fn display_snapshot(&self, site: &str) -> Result<DisplaySnapshot, Error> {
        self.send(self.request(Method::GET, &format!("/api/v1/sites/{site}/display"))).await
    }

    /// `GET /api/v1/sites/{site}/queues`
    pub async fn queues(&self, site: &str) -> Result<Vec<QueueView>, Error> {
        self.send(self.request(Method::GET, &format!("/api/v1/sites/{site}/queues"))).await
    }

    /// `GET /api/v1/sites/{site}/events`, resuming after `last_event_id`. Waits at most 10 s for
    /// the answer's headers; the stream then runs as long as the server keeps it open.
    pub async fn events(&self, site: &str, last_event_id: Option<u64>) -> Result<EventStream, Error> {
        let url = self.url(&format!("/api/v1/sites/{site}/events"));
        let mut r = self.http.get(&url).header(reqwest::header::ACCEPT, "text/event-stream");
        if let Some(b) = &self.bearer {
            r = r.bearer_auth(b);
        }
        if let Some(id) = last_event_id {
            r = r.header("Last-Event-ID", id.to_string());
        }
        let resp = match tokio::time::timeout(STREAM_OPEN_TIMEOUT, r.send()).await {
            Ok(sent) => sent.map_err(|e| Error::transport(&url, e))?,
            Err(_) => {
                return Err(Error::Transport { url, message: format!("no answer within {STREAM_OPEN_TIMEOUT:?}") });
            }
        };
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            let retry_after =
                resp.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let body = resp.text().await.unwrap_or_default();
            return Err(Error::Api { url, error: ApiError::from_answer(status, retry_after.as_deref(), &body) });
        }
        Ok(EventStream { url, resp, parser: SseParser::new(), pending: VecDeque::new() })
    }

    // --- Staff ---

    /// `GET /api/v1/sites/{site}/desks`
    pub async fn desks(&self, site: &str) -> Result<Vec<DeskView>, Error> {
        self.send(self.request(Method::GET, &format!("/api/v1/sites/{site}/desks"))).await
    }

    /// `POST /api/v1/desks/{desk}/open`, `pause` or `close`.
    pub async fn desk(&self, desk: &str, action: &str) -> Result<DeskView, Error> {
        self.send(self.request(Method::POST, &format!("/api/v1/desks/{desk}/{action}"))).await
    }

    /// `POST /api/v1/desks/{desk}/call-next`: the called ticket, or `None` when nobody waits (204).
    pub async fn call_next(&self, desk: &str) -> Result<Option<TicketView>, Error> {
        let (url, body, status) =
            self.send_ok(self.request(Method::POST, &format!("/api/v1/desks/{desk}/call-next"))).await?;
        if status == 204 {
            return Ok(None);
        }
        serde_json::from_str(&body).map(Some).map_err(|e| Error::Decode { url, status, message: e.to_string() })
    }

    /// `POST /api/v1/tickets/{id}/{action}` without a body (`recall`, `start`, `finish`, `no-show`,
    /// `cancel`, `hold`, `return`).
    pub async fn act(&self, ticket: &str, action: &str) -> Result<TicketView, Error> {
        self.send(self.request(Method::POST, &format!("/api/v1/tickets/{ticket}/{action}"))).await
    }

    /// `GET /api/v1/tickets/{id}`, with its journey and events.
    pub async fn ticket(&self, id: &str) -> Result<TicketView, Error> {
        self.send(self.request(Method::GET, &format!("/api/v1/tickets/{id}"))).await
    }
}

/// A site's live event stream, parsed as it arrives.
#[derive(Debug)]
pub struct EventStream {
    url: String,
    resp: reqwest::Response,
    parser: SseParser,
    pending: VecDeque<SseMessage>,
}

impl EventStream {
    /// The messages completed by the next piece of the stream as it came off the network (often
    /// none: a piece may end mid-message); `None` when the server ended the stream. Cancel-safe.
    pub async fn next_chunk(&mut self) -> Option<Result<Vec<SseMessage>, Error>> {
        match self.resp.chunk().await {
            Ok(Some(bytes)) => Some(Ok(self.parser.push(&bytes))),
            Ok(None) => None,
            Err(e) => Some(Err(Error::transport(&self.url, e))),
        }
    }

    /// The next whole message; `None` when the server ended the stream. Cancel-safe.
    pub async fn next(&mut self) -> Option<Result<SseMessage, Error>> {
        loop {
            if let Some(m) = self.pending.pop_front() {
                return Some(Ok(m));
            }
            match self.next_chunk().await? {
                Ok(messages) => self.pending.extend(messages),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests;
