//! A real SMTP server on 127.0.0.1 for the notifier's tests: speaks EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP and
//! QUIT over TCP, keeps what it received, and can answer 451 or 550, be slow, or not answer at all.
#![allow(dead_code)]

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// How the server answers.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// The first N recipients not rejected (counted over the server's life) get `451 4.3.0`.
    pub temp_fail_first: usize,
    /// These recipients always get `550 5.1.1`.
    pub reject: HashSet<String>,
    /// Every recipient gets `451` (a server in trouble).
    pub always_451: bool,
    /// Accept connections but never say anything.
    pub silent: bool,
    /// Wait this long before accepting each message's data (a slow server, for kill tests).
    pub delay_per_message: Duration,
    /// Count messages but keep only their envelope (benchmarks of many messages).
    pub discard_data: bool,
}

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent, dot-unstuffed, CRLF line ends.
    pub data: String,
}

impl Received {
    /// The first header with this name (case-insensitive), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(v) = value.as_mut() {
                if line.starts_with(' ') || line.starts_with('\t') {
                    v.push_str(line.trim_start());
                    continue;
                }
                return value;
            }
            if let Some((n, v)) = line.split_once(':')
                && n.eq_ignore_ascii_case(name)
            {
                value = Some(v.trim().to_owned());
            }
        }
        value
    }

    /// The body with quoted-printable soft breaks and `=XX` escapes decoded (good enough to search text).
    pub fn decoded_body(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let joined = body.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let escaped = (bytes[i] == b'=' && i + 2 < bytes.len())
                .then(|| std::str::from_utf8(&bytes[i + 1..i + 3]).ok())
                .flatten()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            if let Some(b) = escaped {
                out.push(b);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

#[derive(Default)]
struct State {
    behaviour: Behaviour,
    received: Vec<Received>,
    recipients_seen: usize,
    connections: usize,
}

/// The server; it stops when dropped (its runtime thread ends with the test process).
pub struct SmtpServer {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl SmtpServer {
    /// Starts listening on a free port of 127.0.0.1, on a thread of its own (usable from sync and async tests).
    pub fn start(behaviour: Behaviour) -> Self {
        let state = Arc::new(Mutex::new(State { behaviour, ..Default::default() }));
        let port = super::loopback::serve(state.clone(), |socket, state| async move {
            let _ = session(socket, state).await;
        });
        Self { port, state }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    pub fn count(&self) -> usize {
        self.state.lock().unwrap().received.len()
    }

    pub fn connections(&self) -> usize {
        self.state.lock().unwrap().connections
    }

    pub fn set_behaviour(&self, behaviour: Behaviour) {
        self.state.lock().unwrap().behaviour = behaviour;
    }
}

async fn session(socket: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    let (silent, delay, discard) = {
        let mut s = state.lock().unwrap();
        s.connections += 1;
        (s.behaviour.silent, s.behaviour.delay_per_message, s.behaviour.discard_data)
    };
    if silent {
        let mut sink = Vec::new();
        let _ = tokio::io::AsyncReadExt::read_to_end(&mut lines, &mut sink).await;
        return Ok(());
    }
    write.write_all(b"220 127.0.0.1 ESMTP cinepicks-test\r\n").await?;
    let mut mail_from = String::new();
    let mut rcpt_to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        let reply: String = if upper.starts_with("EHLO") {
            "250-127.0.0.1\r\n250-8BITMIME\r\n250 SIZE 10000000\r\n".into()
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            "250 OK\r\n".into()
        } else if upper.starts_with("RSET") {
            mail_from.clear();
            rcpt_to.clear();
            "250 OK\r\n".into()
        } else if upper.starts_with("MAIL FROM:") {
            mail_from = address(&command[10..]);
            rcpt_to.clear();
            "250 2.1.0 OK\r\n".into()
        } else if upper.starts_with("RCPT TO:") {
            let to = address(&command[8..]);
            let mut s = state.lock().unwrap();
            if s.behaviour.reject.contains(&to) {
                "550 5.1.1 no such user here\r\n".into()
            } else {
                s.recipients_seen += 1;
                if s.behaviour.always_451 || s.recipients_seen <= s.behaviour.temp_fail_first {
                    "451 4.3.0 please try again later\r\n".into()
                } else {
                    rcpt_to.push(to);
                    "250 2.1.5 OK\r\n".into()
                }
            }
        } else if upper == "DATA" {
            if rcpt_to.is_empty() {
                "554 5.5.1 no valid recipients\r\n".into()
            } else {
                write.write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    if !discard {
                        data.push_str(line.strip_prefix('.').unwrap_or(&line));
                    }
                }
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let mut s = state.lock().unwrap();
                s.received.push(Received { mail_from: mail_from.clone(), rcpt_to: rcpt_to.clone(), data });
                let n = s.received.len();
                rcpt_to.clear();
                format!("250 2.0.0 OK queued as test-{n}\r\n")
            }
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 2.0.0 bye\r\n").await?;
            return Ok(());
        } else {
            "502 5.5.2 command not implemented\r\n".into()
        };
        write.write_all(reply.as_bytes()).await?;
    }
}

/// `<a@b>` (with optional parameters after it) → `a@b`.
fn address(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.find('>')) {
        (Some(a), Some(b)) if a < b => arg[a + 1..b].to_owned(),
        _ => arg.split_whitespace().next().unwrap_or("").to_owned(),
    }
}
