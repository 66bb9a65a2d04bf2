//! A real HTTP server on 127.0.0.1 standing in for the SMS gateway: records each request (headers, body) and
//! answers 200 with a message id, 429, 500, or 400 for numbers it refuses, as the test sets it.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One request the gateway received.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The status it was answered with.
    pub status: u16,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

#[derive(Default)]
struct State {
    /// Statuses answered to the next requests, in order; 200 once empty.
    script: VecDeque<u16>,
    /// Numbers answered 400 (invalid number).
    invalid: HashSet<String>,
    requests: Vec<Request>,
}

pub struct SmsGateway {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl SmsGateway {
    /// `script`: the statuses of the first requests (e.g. `[429, 500]`), then 200; `invalid`: numbers refused.
    pub fn start(script: &[u16], invalid: &[&str]) -> Self {
        let state = Arc::new(Mutex::new(State {
            script: script.iter().copied().collect(),
            invalid: invalid.iter().map(|s| s.to_string()).collect(),
            requests: Vec::new(),
        }));
        let port = crate::loopback::serve(state.clone(), |socket, state| async move {
            let _ = handle(socket, state).await;
        });
        Self { port, state }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/v1/sms", self.port)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }
}

async fn handle(socket: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).await? == 0 {
            return Ok(());
        }
        let path = request_line.split_whitespace().nth(1).unwrap_or("").to_owned();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).await?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((n, v)) = line.split_once(':') {
                headers.push((n.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let length: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).await?;
        let body = String::from_utf8_lossy(&body).into_owned();
        let (status, reply) = {
            let mut s = state.lock().unwrap();
            let to = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["to"].as_str().map(str::to_owned))
                .unwrap_or_default();
            let status = if s.invalid.contains(&to) { 400 } else { s.script.pop_front().unwrap_or(200) };
            let n = s.requests.len() + 1;
            s.requests.push(Request { path: path.clone(), headers, body, status });
            let reply = match status {
                200 => format!(r#"{{"id":"sms-{n}","status":"queued"}}"#),
                400 => r#"{"error":"invalid number"}"#.to_owned(),
                429 => r#"{"error":"too many requests"}"#.to_owned(),
                _ => r#"{"error":"internal error"}"#.to_owned(),
            };
            (status, reply)
        };
        let reason = match status {
            200 => "OK",
            400 => "Bad Request",
            429 => "Too Many Requests",
            _ => "Internal Server Error",
        };
        let response = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{reply}",
            reply.len()
        );
        write.write_all(response.as_bytes()).await?;
    }
}
