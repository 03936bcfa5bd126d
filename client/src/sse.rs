//! The one Server-Sent Events parser (WHATWG "event stream interpretation"), incremental.
//!
//! Bytes go in as they arrive from the network, in chunks cut anywhere (even inside a UTF-8
//! sequence or between CR and LF); whole messages come out. A line is decoded only once it is
//! complete, so a character split across two chunks arrives whole.

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

impl SseMessage {
    /// The id as our server writes it (a number), if the message has one.
    pub fn id_u64(&self) -> Option<u64> {
        self.id.as_deref().and_then(|s| s.trim().parse().ok())
    }

    /// The data as JSON (`StreamEvent` for ticket, desk and queue events; `serde_json::Value` to look around).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(&self.data)
    }
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
        let mut rest = bytes;
        if std::mem::take(&mut self.after_cr)
            && let Some(tail) = rest.strip_prefix(b"\n")
        {
            rest = tail;
        }
        while let Some(i) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            self.line.extend_from_slice(&rest[..i]);
            let cr = rest[i] == b'\r';
            rest = &rest[i + 1..];
            if cr {
                match rest.first() {
                    None => self.after_cr = true,
                    Some(b'\n') => rest = &rest[1..],
                    Some(_) => {}
                }
            }
            self.end_line(&mut out);
        }
        self.line.extend_from_slice(rest);
        out
    }

    fn end_line(&mut self, out: &mut Vec<SseMessage>) {
        if self.line.is_empty() {
            self.dispatch(out);
            return;
        }
        let bytes = std::mem::take(&mut self.line);
        let line = String::from_utf8_lossy(&bytes);
        if !line.starts_with(':') {
            // (A line starting with ':' is a comment: a keep-alive.)
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
        drop(line);
        // Keep the line buffer's allocation for the next line.
        self.line = bytes;
        self.line.clear();
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

    fn parse_in_pieces(input: &[u8], piece: usize) -> Vec<SseMessage> {
        let mut p = SseParser::new();
        input.chunks(piece).flat_map(|c| p.push(c)).collect()
    }

    fn check(input: &str, expect: &[(Option<&str>, &str, &str)]) {
        for piece in [1, 2, 3, 7, input.len().max(1)] {
            let got = parse_in_pieces(input.as_bytes(), piece);
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

    /// Issue 20: the tests' old reader decoded each network chunk on its own, so an Arabic
    /// letter cut between two chunks became two U+FFFD. Cut this message at every byte.
    #[test]
    fn arabic_cut_inside_a_letter_at_any_byte_arrives_whole() {
        let text = "الرقم A013، الشباك 1";
        let input = format!("id: 41\nevent: ticket.called\ndata: {{\"desk_label\":\"{text}\"}}\n\n");
        let bytes = input.as_bytes();
        let mut cuts_inside_a_letter = 0;
        for cut in 1..bytes.len() {
            if !input.is_char_boundary(cut) {
                // Decoding each chunk on its own, as the old reader did, breaks the letter here.
                assert!(String::from_utf8_lossy(&bytes[..cut]).ends_with('\u{FFFD}'));
                cuts_inside_a_letter += 1;
            }
            let mut p = SseParser::new();
            let mut got = p.push(&bytes[..cut]);
            got.extend(p.push(&bytes[cut..]));
            assert_eq!(got.len(), 1, "cut at byte {cut}");
            assert_eq!(got[0].id_u64(), Some(41));
            let v: serde_json::Value = got[0].json().unwrap();
            assert_eq!(v["desk_label"], text, "cut at byte {cut}");
            assert!(!got[0].data.contains('\u{FFFD}'), "cut at byte {cut}");
        }
        assert!(cuts_inside_a_letter > 10, "the test cuts inside letters ({cuts_inside_a_letter} times)");
    }

    #[test]
    fn a_cr_at_the_end_of_a_chunk_and_its_lf_in_the_next_end_one_line() {
        let mut p = SseParser::new();
        assert!(p.push(b"data: a\r").is_empty());
        // The LF completes the CR's line ending; the next CR LF is the blank line.
        let m = p.push(b"\n\r\n");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].data, "a");
    }
}
