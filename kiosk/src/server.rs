//! The queue server as the kiosk sees it: the `ServerClient` trait and its blocking HTTP implementation.

use queue_core::wire::{AlertRequest, ErrorBody, IssueRequest, KioskInfo, TicketView};
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
    /// `POST /api/v1/sites/{site}/alerts`.
    fn alert(&mut self, alert: &AlertRequest) -> Result<(), ServerError>;
    /// The server's base URL, for the QR code (`{server}{status_url}`).
    fn base_url(&self) -> String;
}

/// The kiosk's connection to a queue server over HTTP (blocking; used from the controller's own thread).
pub struct HttpServer {
    base: String,
    site: String,
    key: String,
    http: reqwest::blocking::Client,
    /// Attempts for a transport failure or 5xx of an issue (always with the same `Idempotency-Key`).
    pub attempts: u32,
    /// Pause before the n-th retry: `n × backoff`.
    pub backoff: Duration,
}

impl HttpServer {
    pub fn new(base: &str, site: &str, key: &str) -> Result<HttpServer, ServerError> {
        let http = reqwest::blocking::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| ServerError::Unreachable(e.to_string()))?;
        Ok(HttpServer {
            base: base.trim_end_matches('/').to_string(),
            site: site.to_string(),
            key: key.to_string(),
            http,
            attempts: 3,
            backoff: Duration::from_millis(250),
        })
    }

    fn url(&self, tail: &str) -> String {
        format!("{}/api/v1/sites/{}/{tail}", self.base, self.site)
    }
}

/// Turns a non-success answer into a [`ServerError`] using the server's `{"error": {code, message}}` body.
fn refusal(status: u16, body: &str) -> ServerError {
    let (code, message) = match serde_json::from_str::<ErrorBody>(body) {
        Ok(b) => (b.error.code, b.error.message),
        Err(_) => (String::new(), body.chars().take(200).collect()),
    };
    match (status, code.as_str()) {
        (_, "service_closed" | "daily_cap_reached" | "closed" | "full") => ServerError::Closed { code, message },
        (429, _) => ServerError::RateLimited(message),
        _ => ServerError::Refused { status, code, message },
    }
}

fn transport(e: reqwest::Error) -> ServerError {
    ServerError::Unreachable(e.to_string())
}

fn answer<T: serde::de::DeserializeOwned>(response: reqwest::blocking::Response) -> Result<T, ServerError> {
    let status = response.status().as_u16();
    let body = response.text().map_err(transport)?;
    if !(200..300).contains(&status) {
        return Err(refusal(status, &body));
    }
    serde_json::from_str(&body).map_err(|e| ServerError::Refused {
        status,
        code: "bad_answer".into(),
        message: format!("the server's answer does not parse: {e}"),
    })
}

impl ServerClient for HttpServer {
    fn kiosk_info(&mut self) -> Result<KioskInfo, ServerError> {
        let response = self.http.get(self.url("kiosk")).bearer_auth(&self.key).send().map_err(transport)?;
        answer(response)
    }

    fn issue(&mut self, request: &IssueRequest, key: &str) -> Result<TicketView, ServerError> {
        let mut last = ServerError::Unreachable("no attempt made".into());
        for attempt in 0..self.attempts.max(1) {
            if attempt > 0 {
                // A short back-off between retries of the same request; the controller thread waits, not the UI.
                std::thread::sleep(self.backoff * attempt);
            }
            let sent = self
                .http
                .post(self.url("tickets"))
                .bearer_auth(&self.key)
                .header("Idempotency-Key", key)
                .json(request)
                .send();
            match sent {
                Ok(response) if response.status().is_server_error() => {
                    let status = response.status().as_u16();
                    last = refusal(status, &response.text().unwrap_or_default());
                }
                Ok(response) => return answer(response),
                Err(e) => last = transport(e),
            }
        }
        Err(last)
    }

    fn alert(&mut self, alert: &AlertRequest) -> Result<(), ServerError> {
        let response =
            self.http.post(self.url("alerts")).bearer_auth(&self.key).json(alert).send().map_err(transport)?;
        let status = response.status().as_u16();
        if (200..300).contains(&status) { Ok(()) } else { Err(refusal(status, &response.text().unwrap_or_default())) }
    }

    fn base_url(&self) -> String {
        self.base.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    /// A one-request-per-connection HTTP server that answers with `answers` in order and returns the raw requests.
    fn fake_http(answers: Vec<(u16, String)>) -> (String, std::thread::JoinHandle<Vec<String>>) {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let mut requests = Vec::new();
            for (status, body) in answers {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream);
                let mut head = String::new();
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                    head.push_str(&line);
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body_in = vec![0; length];
                reader.read_exact(&mut body_in).unwrap();
                requests.push(head + &String::from_utf8(body_in).unwrap());
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                reader.get_mut().write_all(answer.as_bytes()).unwrap();
            }
            requests
        });
        (base, handle)
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
        let (base, requests) = fake_http(vec![(200, serde_json::to_string(&info).unwrap()), (202, "{}".into())]);
        let mut server = HttpServer::new(&base, "livorno-terreni", "key").unwrap();
        assert_eq!(server.kiosk_info().unwrap(), info);
        let alert = AlertRequest { kind: "help_requested".into(), message: None, ticket_number: None };
        server.alert(&alert).unwrap();
        let requests = requests.join().unwrap();
        assert!(requests[0].starts_with("GET /api/v1/sites/livorno-terreni/kiosk "));
        assert!(requests[1].starts_with("POST /api/v1/sites/livorno-terreni/alerts "));
        assert!(requests[1].ends_with(r#"{"kind":"help_requested","message":null,"ticket_number":null}"#));
    }

    #[test]
    fn unreachable_server_is_reported_as_unreachable() {
        // Port 9 on loopback: nothing listens there, the connection is refused at once.
        let mut server = HttpServer::new("http://127.0.0.1:9", "livorno-terreni", "k").unwrap();
        server.attempts = 1;
        assert!(matches!(server.kiosk_info(), Err(ServerError::Unreachable(_))));
    }
}
