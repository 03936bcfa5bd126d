//! The queue server as the kiosk sees it: the `ServerClient` trait and its blocking HTTP implementation.

use queue_core::wire::{
    AlertRequest, CheckInRequest, DeviceHealthReport, IssueRequest, KioskInfo, PrintJob, PrintResult, TicketView,
};
use std::time::Duration;

/// Why a request to the server did not give what was asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ServerError {
    /// No answer (connection refused, timeout, DNS): the kiosk goes offline and retries in the background.
    #[error("the server cannot be reached: {0}")]
    Unreachable(String),
    /// The service is closed now or full for today (`service_closed`, `daily_cap_reached`).
    #[error("the service is not available: {code}: {message}")]
    Closed { code: String, message: String },
    /// Too many tickets from this kiosk (429).
    #[error("rate limited: {0}")]
    RateLimited(String),
    /// An appointment code refused at check-in: `too_early` (with when the window opens, site-local
    /// `HH:MM`), `too_late`, `code_used`, `unknown_code`, `code_mistyped`.
    #[error("check-in refused: {code}")]
    CheckIn { code: String, opens_at: Option<String> },
    /// Any other refusal (bad key, unknown service, …): a person must look at it.
    #[error("the server refused ({status} {code}): {message}")]
    Refused { status: u16, code: String, message: String },
}

/// What the kiosk needs from the queue server. The app uses [`HttpServer`]; tests use fakes.
pub trait ServerClient: Send {
    /// `GET /api/v1/sites/{site}/kiosk`.
    fn kiosk_info(&mut self) -> Result<KioskInfo, ServerError>;
    /// `POST /api/v1/sites/{site}/tickets` with `Idempotency-Key: key`; the same key returns the same ticket.
    fn issue(&mut self, request: &IssueRequest, key: &str) -> Result<TicketView, ServerError>;
    /// `POST /api/v1/sites/{site}/appointments/check-in`: the appointment ticket for a code.
    fn check_in(&mut self, request: &CheckInRequest) -> Result<TicketView, ServerError>;
    /// `POST /api/v1/sites/{site}/alerts`: the alert's id, to ask later whether someone is coming.
    fn alert(&mut self, alert: &AlertRequest) -> Result<String, ServerError>;
    /// `GET /api/v1/alerts/{id}`: has a staff member taken it ("I'm going")?
    fn alert_taken(&mut self, id: &str) -> Result<bool, ServerError>;
    /// `POST /api/v1/devices/health`: how this kiosk's printer is, for the staff pages and the fleet.
    fn report_health(&mut self, report: &DeviceHealthReport) -> Result<(), ServerError>;
    /// `GET /api/v1/devices/print-jobs`: tickets reception sent to this kiosk's printer, each
    /// handed out once.
    fn print_jobs(&mut self) -> Result<Vec<PrintJob>, ServerError>;
    /// `POST /api/v1/print-jobs/{id}/result`: whether the job's ticket came out.
    fn print_result(&mut self, id: &str, result: &PrintResult) -> Result<(), ServerError>;
    /// The server's base URL, for the QR code (`{server}{status_url}`).
    fn base_url(&self) -> String;
}

/// The kiosk's connection to a queue server over HTTP: the client crate's blocking wrapper, used
/// from the controller's own thread.
pub struct HttpServer {
    site: String,
    http: client::blocking::Client,
    /// Attempts for a transport failure or 5xx of an issue (always with the same `Idempotency-Key`).
    pub attempts: u32,
    /// The first pause before a retry (then doubled, with jitter: the client crate's backoff).
    pub backoff: Duration,
}

/// One request's limit: a server on the LAN answers in milliseconds; one that takes this long is hung.
pub const REQUEST_TIMEOUT: Duration = Duration::from_millis(2000);
/// Connecting's limit (a machine that is off does not answer at all).
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);

impl HttpServer {
    pub fn new(base: &str, site: &str, key: &str) -> Result<HttpServer, ServerError> {
        let api = client::Client::builder(base)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()?
            .with_bearer(key);
        Ok(HttpServer {
            site: site.to_string(),
            http: client::blocking::Client::new(api)?,
            attempts: 2,
            backoff: Duration::from_millis(250),
        })
    }

    /// The longest a visitor waits for an issue against a hung server before the offline message: every
    /// attempt's timeout and the pauses between them (the backoff doubles, with at most 4× the first).
    pub fn worst_case(&self) -> Duration {
        let attempts = self.attempts.max(1);
        let pauses: Duration = (1..attempts).map(|i| (self.backoff * 2u32.pow(i - 1)).min(self.backoff * 4)).sum();
        REQUEST_TIMEOUT * attempts + pauses
    }
}

/// What the kiosk makes of the client crate's typed error (our `{"error": {code, message}}` body).
impl From<client::Error> for ServerError {
    fn from(e: client::Error) -> ServerError {
        let api = match e {
            client::Error::Api { error, .. } => error,
            client::Error::Decode { status, .. } => {
                return ServerError::Refused { status, code: "bad_answer".into(), message: e.to_string() };
            }
            client::Error::Transport { .. } => return ServerError::Unreachable(e.to_string()),
        };
        let client::ApiError { status, code, message, opens_at, .. } = api;
        match (status, code.as_str()) {
            (_, "service_closed" | "daily_cap_reached" | "closed" | "full") => ServerError::Closed { code, message },
            (_, "too_early" | "too_late" | "code_used" | "unknown_code" | "code_mistyped") => {
                ServerError::CheckIn { code, opens_at }
            }
            (429, _) => ServerError::RateLimited(message),
            _ => ServerError::Refused { status, code, message },
        }
    }
}

impl ServerClient for HttpServer {
    fn kiosk_info(&mut self) -> Result<KioskInfo, ServerError> {
        Ok(self.http.kiosk_info(&self.site)?)
    }

    fn issue(&mut self, request: &IssueRequest, key: &str) -> Result<TicketView, ServerError> {
        // The controller thread waits between retries, not the UI.
        let backoff = client::Backoff::new(self.backoff, self.backoff * 4);
        Ok(self.http.issue_retrying(&self.site, request, key, self.attempts.max(1), backoff)?)
    }

    fn check_in(&mut self, request: &CheckInRequest) -> Result<TicketView, ServerError> {
        Ok(self.http.check_in(&self.site, request)?)
    }

    fn alert(&mut self, alert: &AlertRequest) -> Result<String, ServerError> {
        Ok(self.http.raise_alert(&self.site, alert)?.id)
    }

    fn alert_taken(&mut self, id: &str) -> Result<bool, ServerError> {
        Ok(self.http.alert_status(id)?.acknowledged_at.is_some())
    }

    fn report_health(&mut self, report: &DeviceHealthReport) -> Result<(), ServerError> {
        Ok(self.http.report_health(report)?)
    }

    fn print_jobs(&mut self) -> Result<Vec<PrintJob>, ServerError> {
        Ok(self.http.print_jobs()?)
    }

    fn print_result(&mut self, id: &str, result: &PrintResult) -> Result<(), ServerError> {
        // An answer lost on the way is sent again once: the server answers a repeat the same.
        match self.http.print_result(id, result) {
            Err(client::Error::Transport { .. }) => self.http.print_result(id, result).map(drop)?,
            other => other.map(drop)?,
        }
        Ok(())
    }

    fn base_url(&self) -> String {
        self.http.api().base().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(status: u16, body: &str) -> ServerError {
        let error = client::ApiError::from_answer(status, None, body);
        ServerError::from(client::Error::Api { url: "http://kiosk.test/".into(), error })
    }

    #[test]
    fn error_bodies_map_to_what_the_kiosk_says() {
        let body = r#"{"error":{"code":"daily_cap_reached","message":"full for today"}}"#;
        assert_eq!(
            refusal(409, body),
            ServerError::Closed { code: "daily_cap_reached".into(), message: "full for today".into() }
        );
        let body = r#"{"error":{"code":"rate_limited","message":"slow down"}}"#;
        assert_eq!(refusal(429, body), ServerError::RateLimited("slow down".into()));
        assert!(matches!(refusal(401, "nope"), ServerError::Refused { status: 401, .. }));
        let body = r#"{"error":{"code":"too_early","message":"check-in opens at 08:30","opens_at":"08:30"}}"#;
        assert_eq!(
            refusal(409, body),
            ServerError::CheckIn { code: "too_early".into(), opens_at: Some("08:30".into()) }
        );
        let body = r#"{"error":{"code":"unknown_code","message":"no appointment has this code"}}"#;
        assert_eq!(refusal(404, body), ServerError::CheckIn { code: "unknown_code".into(), opens_at: None });
        let body = r#"{"error":{"code":"rate_limited","message":"too many wrong codes"}}"#;
        assert_eq!(refusal(429, body), ServerError::RateLimited("too many wrong codes".into()));
    }

    fn fake_http(answers: Vec<(u16, String)>) -> (String, std::thread::JoinHandle<Vec<String>>) {
        testkit::http_script::serve(answers.into_iter().map(|(s, b)| testkit::http_script::Reply::json(s, b)).collect())
    }

    fn ticket_json() -> String {
        let mut server = crate::demo::FakeServer::new(crate::demo::livorno());
        let request = IssueRequest { service: "lavoro".into(), ..IssueRequest::default() };
        serde_json::to_string(&server.issue(&request, "k").unwrap()).unwrap()
    }

    // Issue 3: device key, Idempotency-Key, and a retry after a 503 with the same key.
    #[test]
    fn issue_sends_the_device_key_and_retries_with_the_same_idempotency_key() {
        let busy = r#"{"error":{"code":"unavailable","message":"try later"}}"#.to_string();
        let (base, requests) = fake_http(vec![(503, busy), (201, ticket_json())]);
        let mut server = HttpServer::new(&base, "livorno-terreni", "demo-kiosk-livorno-terreni").unwrap();
        server.backoff = Duration::ZERO;
        let request = IssueRequest {
            service: "lavoro".into(),
            language: Some("ar".into()),
            needs: Some(vec!["mediator:ar".into()]),
            ..IssueRequest::default()
        };
        let ticket = server.issue(&request, "kiosk-0123").unwrap();
        assert_eq!(ticket.number, "A023");
        let requests = requests.join().unwrap();
        assert_eq!(requests.len(), 2);
        for r in &requests {
            let r = r.to_ascii_lowercase();
            assert!(r.starts_with("post /api/v1/sites/livorno-terreni/tickets http/1.1"), "{r}");
            assert!(r.contains("authorization: bearer demo-kiosk-livorno-terreni\r\n"), "{r}");
            assert!(r.contains("idempotency-key: kiosk-0123\r\n"), "{r}");
            assert!(r.contains(r#""needs":["mediator:ar"]"#), "{r}");
        }
    }

    #[test]
    fn kiosk_info_and_alerts_over_http() {
        let info = crate::demo::livorno();
        let raised = queue_core::wire::AlertView {
            id: "01JALERT".into(),
            site: "livorno-terreni".into(),
            kind: "help_requested".into(),
            source: "device:kiosk-1".into(),
            message: String::new(),
            ticket_number: None,
            raised_at: "2026-11-23T09:14:03+01:00".into(),
            acknowledged_by: None,
            acknowledged_at: None,
        };
        let taken = queue_core::wire::AlertView {
            acknowledged_by: Some("staff:marco".into()),
            acknowledged_at: Some("2026-11-23T09:15:03+01:00".into()),
            ..raised.clone()
        };
        let (base, requests) = fake_http(vec![
            (200, serde_json::to_string(&info).unwrap()),
            (202, serde_json::to_string(&raised).unwrap()),
            (200, serde_json::to_string(&raised).unwrap()),
            (200, serde_json::to_string(&taken).unwrap()),
        ]);
        let mut server = HttpServer::new(&base, "livorno-terreni", "key").unwrap();
        assert_eq!(server.kiosk_info().unwrap(), info);
        let alert = AlertRequest { kind: "help_requested".into(), message: None, ticket_number: None };
        assert_eq!(server.alert(&alert).unwrap(), "01JALERT");
        assert!(!server.alert_taken("01JALERT").unwrap());
        assert!(server.alert_taken("01JALERT").unwrap());
        let requests = requests.join().unwrap();
        assert!(requests[0].starts_with("GET /api/v1/sites/livorno-terreni/kiosk "));
        assert!(requests[1].starts_with("POST /api/v1/sites/livorno-terreni/alerts "));
        assert!(requests[1].ends_with(r#"{"kind":"help_requested","message":null,"ticket_number":null}"#));
        assert!(requests[2].starts_with("GET /api/v1/alerts/01JALERT "));
    }

    // Issue 18: a hung server (it accepts, never answers) gives the offline message within 5 s, not 16.
    #[test]
    fn a_hung_server_is_offline_within_five_seconds() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let holder = std::thread::spawn(move || {
            // Accept both attempts and hold them open without a byte of answer.
            let mut held = Vec::new();
            for _ in 0..2 {
                if let Ok((s, _)) = listener.accept() {
                    held.push(s);
                }
            }
            held
        });
        let mut server = HttpServer::new(&base, "livorno-terreni", "k").unwrap();
        assert!(server.worst_case() <= Duration::from_secs(5), "{:?}", server.worst_case());
        let started = std::time::Instant::now();
        let request = IssueRequest { service: "lavoro".into(), ..IssueRequest::default() };
        assert!(matches!(server.issue(&request, "kiosk-hung"), Err(ServerError::Unreachable(_))));
        eprintln!("hung server: offline after {:?} (budget {:?})", started.elapsed(), server.worst_case());
        // The holder may still wait for a connection that never comes; it ends with the test process.
        drop(holder);
    }

    #[test]
    fn unreachable_server_is_reported_as_unreachable() {
        // Port 9 on loopback: nothing listens there, the connection is refused at once.
        let mut server = HttpServer::new("http://127.0.0.1:9", "livorno-terreni", "k").unwrap();
        server.attempts = 1;
        assert!(matches!(server.kiosk_info(), Err(ServerError::Unreachable(_))));
    }
}
