//! A small Server-Sent Events reader for tests: connects, parses messages, yields them in order.

use futures_util::StreamExt;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct SseMessage {
    pub id: Option<u64>,
    pub event: String,
    pub data: serde_json::Value,
}

pub struct SseReader {
    stream: futures_util::stream::BoxStream<'static, reqwest::Result<Vec<u8>>>,
    buf: String,
}

impl SseReader {
    /// Open `GET {url}` with an optional bearer token and `Last-Event-ID`.
    pub async fn connect(url: &str, bearer: Option<&str>, last_id: Option<u64>) -> SseReader {
        let mut r = reqwest::Client::new().get(url).header("accept", "text/event-stream");
        if let Some(b) = bearer {
            r = r.bearer_auth(b);
        }
        if let Some(id) = last_id {
            r = r.header("last-event-id", id.to_string());
        }
        let resp = r.send().await.expect("stream connects");
        assert_eq!(resp.status(), 200, "stream status");
        let stream = resp.bytes_stream().map(|r| r.map(|b| b.to_vec())).boxed();
        SseReader { stream, buf: String::new() }
    }

    /// The next message (skipping comments), or None if the stream ended or `timeout` passed.
    pub async fn next(&mut self, timeout: Duration) -> Option<SseMessage> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                if let Some(m) = parse(&block) {
                    return Some(m);
                }
                continue;
            }
            let chunk = tokio::time::timeout(timeout, self.stream.next()).await.ok()??.ok()?;
            self.buf.push_str(&String::from_utf8_lossy(&chunk).replace("\r\n", "\n"));
        }
    }

    /// The next message that carries an id (skips heartbeats and queue snapshots).
    pub async fn next_with_id(&mut self, timeout: Duration) -> Option<SseMessage> {
        loop {
            let m = self.next(timeout).await?;
            if m.id.is_some() || m.event == "resync" {
                return Some(m);
            }
        }
    }
}

fn parse(block: &str) -> Option<SseMessage> {
    let (mut id, mut event, mut data) = (None, String::from("message"), String::new());
    for line in block.lines() {
        if let Some(v) = line.strip_prefix("id:") {
            id = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("event:") {
            event = v.trim().to_owned();
        } else if let Some(v) = line.strip_prefix("data:") {
            if !data.is_empty() {
                data.push('\n');
            }
            data.push_str(v.strip_prefix(' ').unwrap_or(v));
        }
    }
    if data.is_empty() && id.is_none() {
        return None;
    }
    Some(SseMessage { id, event, data: serde_json::from_str(&data).unwrap_or(serde_json::Value::String(data)) })
}
