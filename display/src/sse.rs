//! A small incremental Server-Sent Events parser (WHATWG "event stream interpretation").
//!
//! Bytes go in as they arrive from the network, in chunks cut anywhere (even inside a
//! UTF-8 sequence or between CR and LF); whole messages come out.

/// One dispatched message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseMessage {
    /// The `id:` field of *this* message, if it had one (heartbeats and resyncs have none).
    pub id: Option<String>,
    /// The `event:` field; `message` when absent.
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// A `retry:` field (milliseconds), if any.
    pub retry: Option<u64>,
}

/// Incremental parser: feed with [`SseParser::push`].
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// The previous chunk ended with CR: a LF at the start of the next one belongs to it.
    after_cr: bool,
    id: Option<String>,
    event: Option<String>,
    data: Option<String>,
    retry: Option<u64>,
}

impl SseParser {
    pub fn new() -> SseParser {
        SseParser::default()
    }

    /// Feeds bytes; returns the messages completed by them, in order.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SseMessage> {
        let mut out = Vec::new();
        for &b in bytes {
            if self.after_cr {
                self.after_cr = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\r' => {
                    self.after_cr = true;
                    self.end_line(&mut out);
                }
                b'\n' => self.end_line(&mut out),
                _ => self.line.push(b),
            }
        }
        out
    }

    fn end_line(&mut self, out: &mut Vec<SseMessage>) {
        let line = std::mem::take(&mut self.line);
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        let line = String::from_utf8_lossy(&line);
        if line.starts_with(':') {
            return; // a comment (keep-alive)
        }
        let (field, value) = match line.find(':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(' ').unwrap_or(v))
            }
            None => (&line[..], ""),
        };
        match field {
            "event" => self.event = Some(value.to_owned()),
            "data" => match &mut self.data {
                Some(d) => {
                    d.push('\n');
                    d.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            "retry" => self.retry = value.parse().ok().or(self.retry),
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<SseMessage>) {
        let id = self.id.take();
        let event = self.event.take();
        let retry = self.retry.take();
        let Some(data) = self.data.take() else {
            // No data: nothing is dispatched (the spec keeps only the id, which we track per message).
            return;
        };
        out.push(SseMessage { id, event: event.unwrap_or_else(|| "message".to_owned()), data, retry });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in_pieces(input: &str, piece: usize) -> Vec<SseMessage> {
        let mut p = SseParser::new();
        input.as_bytes().chunks(piece).flat_map(|c| p.push(c)).collect()
    }

    fn check(input: &str, expect: &[(Option<&str>, &str, &str)]) {
        for piece in [1, 2, 3, 7, input.len().max(1)] {
            let got = parse_in_pieces(input, piece);
            let got: Vec<_> = got.iter().map(|m| (m.id.as_deref(), m.event.as_str(), m.data.as_str())).collect();
            assert_eq!(got, expect, "input cut in pieces of {piece} bytes");
        }
    }

    #[test]
    fn messages_with_ids_events_and_heartbeats() {
        check(
            "id: 7\nevent: ticket.called\ndata: {\"a\":1}\n\nevent: heartbeat\ndata: {}\n\n",
            &[(Some("7"), "ticket.called", "{\"a\":1}"), (None, "heartbeat", "{}")],
        );
    }

    #[test]
    fn line_endings_comments_multiline_data_and_utf8() {
        check(
            ": keep-alive\r\nid:8\r\nevent:ticket.called\r\ndata: مرحبا\r\ndata: Привіт\r\n\r\ndata: x\r\r",
            &[(Some("8"), "ticket.called", "مرحبا\nПривіт"), (None, "message", "x")],
        );
    }

    #[test]
    fn incomplete_message_waits_and_no_data_dispatches_nothing() {
        check("id: 1\n\nid: 2\nevent: a\ndata: b", &[]);
        check("id: 1\nevent: a\ndata: b\n", &[]);
    }

    #[test]
    fn retry_field() {
        let mut p = SseParser::new();
        let m = p.push(b"retry: 1500\ndata: x\n\n");
        assert_eq!(m[0].retry, Some(1500));
    }
}
