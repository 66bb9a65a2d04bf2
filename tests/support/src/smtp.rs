//! A real SMTP server on 127.0.0.1 for the notifier's tests: speaks EHLO/HELO, STARTTLS, AUTH PLAIN, MAIL, RCPT,
//! DATA, RSET, NOOP and QUIT over TCP (or TLS from the first byte), keeps what it received, and can answer 451 or
//! 550, be slow, or not answer at all.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

/// How the server secures connections.
#[derive(Clone, Default)]
pub enum Security {
    #[default]
    Plain,
    /// Plain first, `STARTTLS` offered in EHLO.
    Starttls(TlsAcceptor),
    /// TLS from the first byte.
    Tls(TlsAcceptor),
}

impl fmt::Debug for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Security::Plain => "Plain",
            Security::Starttls(_) => "Starttls",
            Security::Tls(_) => "Tls",
        })
    }
}

/// A certificate for 127.0.0.1 and localhost signed by a throwaway authority, as a relay with a private CA has:
/// the acceptor serving it and the authority's certificate (PEM) for the client to trust.
pub fn private_ca_certificate() -> (TlsAcceptor, String) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "cinepicks test authority");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap()).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    let cert = params.signed_by(&key, &ca).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()))
        .unwrap();
    (TlsAcceptor::from(Arc::new(config)), ca.pem())
}

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
    pub security: Security,
    /// When set, MAIL is refused until `AUTH PLAIN` gives this user and password (offered only once encrypted).
    pub credentials: Option<(String, String)>,
}

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent, dot-unstuffed, CRLF line ends.
    pub data: String,
    /// Whether it came over TLS.
    pub encrypted: bool,
    /// The user it was sent as, when the session authenticated.
    pub user: Option<String>,
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
        let port = crate::loopback::serve(state.clone(), |socket, state| async move {
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
    let (silent, security) = {
        let mut s = state.lock().unwrap();
        s.connections += 1;
        (s.behaviour.silent, s.behaviour.security.clone())
    };
    if silent {
        let mut sink = Vec::new();
        let _ = tokio::io::AsyncReadExt::read_to_end(&mut BufReader::new(socket), &mut sink).await;
        return Ok(());
    }
    match security {
        Security::Plain => converse(socket, &state, Stage::Plain).await.map(drop),
        Security::Tls(acceptor) => converse(acceptor.accept(socket).await?, &state, Stage::Encrypted).await.map(drop),
        Security::Starttls(acceptor) => {
            if let Some(plain) = converse(socket, &state, Stage::OfferingStarttls).await? {
                converse(acceptor.accept(plain).await?, &state, Stage::Upgraded).await?;
            }
            Ok(())
        }
    }
}

/// Where a conversation stands on encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Plain,
    OfferingStarttls,
    /// Encrypted after STARTTLS: no new greeting, the client speaks first.
    Upgraded,
    /// Encrypted from the first byte.
    Encrypted,
}

/// One SMTP conversation over `stream`; returns the stream when the client asked for STARTTLS.
async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    state: &Arc<Mutex<State>>,
    stage: Stage,
) -> std::io::Result<Option<S>> {
    let mut lines = BufReader::new(stream);
    let (delay, discard, credentials) = {
        let s = state.lock().unwrap();
        (s.behaviour.delay_per_message, s.behaviour.discard_data, s.behaviour.credentials.clone())
    };
    let encrypted = matches!(stage, Stage::Upgraded | Stage::Encrypted);
    if stage != Stage::Upgraded {
        lines.write_all(b"220 127.0.0.1 ESMTP cinepicks-test\r\n").await?;
    }
    let mut user: Option<String> = None;
    let mut mail_from = String::new();
    let mut rcpt_to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        let reply: String = if upper.starts_with("EHLO") {
            let mut extensions = String::from("250-127.0.0.1\r\n250-8BITMIME\r\n");
            if stage == Stage::OfferingStarttls {
                extensions.push_str("250-STARTTLS\r\n");
            }
            if encrypted && credentials.is_some() {
                extensions.push_str("250-AUTH PLAIN\r\n");
            }
            extensions + "250 SIZE 10000000\r\n"
        } else if upper == "STARTTLS" && stage == Stage::OfferingStarttls {
            lines.write_all(b"220 2.0.0 ready to start TLS\r\n").await?;
            lines.flush().await?;
            return Ok(Some(lines.into_inner()));
        } else if upper.starts_with("AUTH PLAIN ") && encrypted {
            // The initial response is base64 of "authzid\0user\0password".
            let decoded = decode_base64(command[11..].trim()).unwrap_or_default();
            let parts: Vec<&[u8]> = decoded.split(|&b| b == 0).collect();
            let given = match parts.as_slice() {
                [_, u, p] => Some((String::from_utf8_lossy(u).into_owned(), String::from_utf8_lossy(p).into_owned())),
                _ => None,
            };
            if given.is_some() && given == credentials {
                user = given.map(|(u, _)| u);
                "235 2.7.0 authentication successful\r\n".into()
            } else {
                "535 5.7.8 authentication credentials invalid\r\n".into()
            }
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            "250 OK\r\n".into()
        } else if upper.starts_with("RSET") {
            mail_from.clear();
            rcpt_to.clear();
            "250 OK\r\n".into()
        } else if upper.starts_with("MAIL FROM:") && credentials.is_some() && user.is_none() {
            "530 5.7.0 authentication required\r\n".into()
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
                lines.write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n").await?;
                lines.flush().await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(None);
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
                let (mail_from, user) = (mail_from.clone(), user.clone());
                s.received.push(Received { mail_from, rcpt_to: std::mem::take(&mut rcpt_to), data, encrypted, user });
                let n = s.received.len();
                format!("250 2.0.0 OK queued as test-{n}\r\n")
            }
        } else if upper.starts_with("QUIT") {
            lines.write_all(b"221 2.0.0 bye\r\n").await?;
            lines.flush().await?;
            return Ok(None);
        } else {
            "502 5.5.2 command not implemented\r\n".into()
        };
        lines.write_all(reply.as_bytes()).await?;
        lines.flush().await?;
    }
}

/// Standard base64 (with padding) → bytes; `None` on a character outside the alphabet.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=') {
        buffer = (buffer << 6) | ALPHABET.iter().position(|&a| a == c)? as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// `<a@b>` (with optional parameters after it) → `a@b`.
fn address(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.find('>')) {
        (Some(a), Some(b)) if a < b => arg[a + 1..b].to_owned(),
        _ => arg.split_whitespace().next().unwrap_or("").to_owned(),
    }
}
