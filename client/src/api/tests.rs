//! The client against a scripted HTTP server: what goes on the wire, and how every kind of
//! answer comes back typed.

use super::*;
use testkit::http_script::{Reply, serve};

const TICKET: &str = r#"{"id":"01J","number":"A023","site":"livorno-terreni","service":"lavoro",
  "service_label":"Area D","status":"waiting","priority":"standard","language":"ar","party_size":1,
  "needs":[],"issued_at":"2026-11-23T09:14:03+01:00","desk":null,"desk_label":null,"staff":null,
  "people_ahead":3,"estimated_wait_s":540,"status_url":"/t/Zk3","token":"Zk3","journey":[]}"#;

fn busy() -> Reply {
    Reply::json(503, r#"{"error":{"code":"storage_unavailable","message":"try again"}}"#).header("Retry-After: 5")
}

#[tokio::test]
async fn a_429_is_typed_with_its_retry_after() {
    let body = r#"{"error":{"code":"rate_limited","message":"too many tickets: try again shortly"}}"#;
    let (base, requests) = serve(vec![Reply::json(429, body).header("Retry-After: 12")]);
    let kiosk = Client::new(&base).with_bearer("k");
    let err = kiosk.issue("livorno-terreni", &IssueRequest::default(), None).await.unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!((api.status, api.code.as_str()), (429, "rate_limited"));
    assert_eq!(api.retry_after, Some(Duration::from_secs(12)));
    assert!(!err.is_retryable(), "a 429 waits for Retry-After, it is not resent at once");
    let r = requests.join().unwrap();
    assert!(r[0].starts_with("POST /api/v1/sites/livorno-terreni/tickets HTTP/1.1"), "{}", r[0]);
    assert!(r[0].to_ascii_lowercase().contains("authorization: bearer k\r\n"), "{}", r[0]);
}

#[tokio::test]
async fn issue_retrying_resends_the_same_key_after_a_503_and_stops_at_a_refusal() {
    let (base, requests) = serve(vec![busy(), Reply::json(201, TICKET)]);
    let kiosk = Client::new(&base).with_bearer("k");
    let request = IssueRequest { service: "lavoro".into(), ..IssueRequest::default() };
    let none = Backoff::new(Duration::ZERO, Duration::ZERO);
    let t = kiosk.issue_retrying("livorno-terreni", &request, "key-1", 3, none.clone()).await.unwrap();
    assert_eq!((t.number.as_str(), t.token.as_deref()), ("A023", Some("Zk3")));
    let r = requests.join().unwrap();
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|r| r.to_ascii_lowercase().contains("idempotency-key: key-1\r\n")), "{r:?}");

    // A refusal is final; so is the last attempt.
    let closed = r#"{"error":{"code":"service_closed","message":"closed now"}}"#;
    let (base, requests) = serve(vec![Reply::json(409, closed)]);
    let err = Client::new(&base).issue_retrying("s", &request, "key-2", 3, none.clone()).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(409), Some("service_closed")));
    assert_eq!(requests.join().unwrap().len(), 1);
    let (base, requests) = serve(vec![busy(), busy()]);
    let err = Client::new(&base).issue_retrying("s", &request, "key-3", 2, none).await.unwrap_err();
    assert_eq!(err.api().unwrap().retry_after, Some(Duration::from_secs(5)));
    assert_eq!(requests.join().unwrap().len(), 2);
}

#[tokio::test]
async fn issue_retrying_waits_a_short_retry_after_and_returns_a_long_one() {
    let limited = |s: &str| {
        Reply::json(429, r#"{"error":{"code":"rate_limited","message":"try again in 1 s"}}"#)
            .header(&format!("Retry-After: {s}"))
    };
    let request = IssueRequest { service: "lavoro".into(), ..IssueRequest::default() };
    let none = Backoff::new(Duration::ZERO, Duration::ZERO);
    let (base, requests) = serve(vec![limited("1"), Reply::json(201, TICKET)]);
    let started = std::time::Instant::now();
    let t = Client::new(&base).issue_retrying("s", &request, "key-4", 3, none.clone()).await.unwrap();
    assert_eq!(t.number, "A023");
    assert!(started.elapsed() >= Duration::from_secs(1), "waited as told");
    let r = requests.join().unwrap();
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|r| r.to_ascii_lowercase().contains("idempotency-key: key-4\r\n")), "{r:?}");
    // Too long to keep a visitor waiting: the caller hears it at once.
    let (base, requests) = serve(vec![limited("60")]);
    let err = Client::new(&base).issue_retrying("s", &request, "key-5", 3, none).await.unwrap_err();
    assert_eq!(err.short_retry_after(), None);
    assert_eq!(err.status(), Some(429));
    assert_eq!(requests.join().unwrap().len(), 1);
}

#[tokio::test]
async fn call_next_is_none_on_204_and_a_bad_body_is_a_decode_error() {
    let (base, _r) = serve(vec![Reply::json(204, ""), Reply::json(200, "{\"id\": 1}")]);
    let staff = Client::new(&base).with_bearer("t");
    assert_eq!(staff.call_next("d1").await.unwrap(), None);
    let err = staff.call_next("d1").await.unwrap_err();
    assert!(matches!(&err, Error::Decode { status: 200, .. }), "{err}");
}

#[tokio::test]
async fn no_answer_is_a_transport_error_worth_retrying() {
    // Reserve a port, then free it: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = Client::new(&format!("http://127.0.0.1:{port}")).sites().await.unwrap_err();
    assert!(err.is_transport() && err.is_retryable(), "{err}");
    assert!(err.to_string().contains(&format!("127.0.0.1:{port}/api/v1/sites")), "{err}");
}

#[tokio::test]
async fn the_event_stream_yields_parsed_messages_and_ends_with_the_body() {
    let body = ": sportello\nretry: 2000\n\nid: 7\nevent: ticket.called\ndata: {\"type\":\"ticket.called\"}\n\n\
                event: heartbeat\ndata: {}\n\n";
    let (base, requests) = serve(vec![Reply::json(200, body)]);
    let display = Client::new(&base).with_bearer("d");
    let mut events = display.events("livorno-terreni", Some(5)).await.unwrap();
    let first = events.next().await.unwrap().unwrap();
    assert_eq!((first.id_u64(), first.event.as_str()), (Some(7), "ticket.called"));
    assert_eq!(events.next().await.unwrap().unwrap().event, "heartbeat");
    assert!(events.next().await.is_none(), "the server ended the stream");
    let r = requests.join().unwrap().remove(0).to_ascii_lowercase();
    assert!(r.contains("last-event-id: 5\r\n") && r.contains("accept: text/event-stream\r\n"), "{r}");

    let (base, _r) = serve(vec![Reply::json(401, r#"{"error":{"code":"unauthenticated","message":"no"}}"#)]);
    let err = Client::new(&base).events("x", None).await.unwrap_err();
    assert_eq!(err.code(), Some("unauthenticated"));
}

#[test]
fn the_blocking_wrapper_drives_the_same_client() {
    let (base, requests) = serve(vec![Reply::json(202, "{}")]);
    let kiosk = crate::blocking::Client::new(Client::new(&base).with_bearer("k")).unwrap();
    let alert = AlertRequest { kind: "help_requested".into(), message: None, ticket_number: None };
    kiosk.alert("livorno-terreni", &alert).unwrap();
    let r = requests.join().unwrap();
    assert!(r[0].starts_with("POST /api/v1/sites/livorno-terreni/alerts "), "{}", r[0]);
    assert!(r[0].ends_with(r#"{"kind":"help_requested","message":null,"ticket_number":null}"#), "{}", r[0]);
}

#[tokio::test]
async fn the_blocking_wrapper_may_be_dropped_inside_an_async_runtime() {
    let kiosk =
        tokio::task::spawn_blocking(|| crate::blocking::Client::new(Client::new("http://127.0.0.1:9")).unwrap())
            .await
            .unwrap();
    drop(kiosk);
}

/// An idle kiosk whose kept-alive connection the server closed (its idle timeout) must not fail
/// its next request: the wrapper's worker notices the close while the kiosk waits.
#[test]
fn the_blocking_wrapper_survives_the_server_closing_an_idle_connection() {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        for _ in 0..2 {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line == "\r\n" {
                    break;
                }
            }
            // Kept alive as far as the client knows, then closed by the server once idle.
            reader.get_mut().write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\n{}").unwrap();
            std::thread::sleep(Duration::from_millis(50));
            reader.get_mut().shutdown(std::net::Shutdown::Both).unwrap();
        }
    });
    let kiosk = crate::blocking::Client::new(Client::new(&base)).unwrap();
    let alert = AlertRequest { kind: "help_requested".into(), message: None, ticket_number: None };
    kiosk.alert("s", &alert).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    kiosk.alert("s", &alert).expect("a new connection, not the closed one");
    server.join().unwrap();
}
