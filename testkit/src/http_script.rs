//! A fake HTTP server for client tests: one connection per request, answering a script of
//! `(status, body)` in order, and handing back the raw requests it got (head and body).

use std::io::{BufRead, BufReader, Read, Write};
use std::thread::JoinHandle;

/// One scripted answer: status, extra header lines (`"Retry-After: 3"`), JSON body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<String>,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply { status, headers: vec![], body: body.into() }
    }

    pub fn header(mut self, line: &str) -> Reply {
        self.headers.push(line.to_owned());
        self
    }
}

/// Serves `replies` on `127.0.0.1:0`; returns its base URL and a handle that yields the requests.
pub fn serve(replies: Vec<Reply>) -> (String, JoinHandle<Vec<String>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    let handle = std::thread::spawn(move || {
        let mut requests = Vec::new();
        for reply in replies {
            let (stream, _) = listener.accept().expect("a client connects");
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).expect("request head");
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().expect("content-length");
                }
                head.push_str(&line);
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).expect("request body");
            requests.push(head + &String::from_utf8_lossy(&body));
            let extra: String = reply.headers.iter().map(|h| format!("{h}\r\n")).collect();
            let answer = format!(
                "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n{}",
                reply.status,
                reply.body.len(),
                reply.body
            );
            reader.get_mut().write_all(answer.as_bytes()).expect("answer");
        }
        requests
    });
    (base, handle)
}
