//! The weekly e-mail: multipart HTML and plain text in the customer's language, posters with alt text, the
//! RFC 8058 one-click unsubscribe headers, a Message-ID derived from the delivery key; sent over SMTP (lettre,
//! pooled, STARTTLS or TLS) or written as `.eml` files to the outbox.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use anyhow::{Context as _, Result};
use lettre::message::header::{ContentTransferEncoding, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use maud::{DOCTYPE, Markup, html};
use serde::{Deserialize, Serialize};

use super::Failure;
use super::letter::{Card, Letter, Texts};
use cinepicks_domain::identity::{ACCENT, CARD, EMAIL_TEXT_FONT, INK, LINE, MUTED, PAPER, TITLE_FONT};
use cinepicks_domain::{FeedbackKind, InvalidConfig, Language};

/// How e-mails leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTransportKind {
    /// `.eml` files in `<data_dir>/outbox/email/<week>/`.
    Outbox,
    Smtp,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587); refuses to go on unencrypted.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or tests.
    None,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// Empty: no authentication.
    pub username: String,
    /// Environment variable holding the password.
    pub password_env: String,
    /// Connections kept open and reused.
    pub pool_size: u32,
    pub timeout_secs: u64,
    /// Name given in EHLO (empty: the machine's).
    pub hello_name: String,
    /// PEM file of a certificate authority to trust besides the public ones (a relay with a private CA;
    /// empty: public roots only).
    pub ca_file: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    pub transport: EmailTransportKind,
    /// Sender, as `Name <address>`.
    pub from: String,
    /// Messages in flight at once (also the bound on duplicates after a kill).
    pub concurrency: usize,
    /// Most messages per second (0: no limit).
    pub rate_per_second: f64,
    pub smtp: SmtpConfig,
}

impl EmailConfig {
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        self.from.parse::<Mailbox>().map_err(|e| {
            InvalidConfig::new("notify.email.from", format!("{:?} is not `Name <address>`: {e}", self.from))
        })?;
        if self.concurrency == 0 {
            return Err(InvalidConfig::new("notify.email.concurrency", "must be at least 1"));
        }
        if self.rate_per_second.is_nan() || self.rate_per_second < 0.0 {
            return Err(InvalidConfig::new("notify.email.rate_per_second", "must be 0 (no limit) or more"));
        }
        if self.transport == EmailTransportKind::Smtp {
            if self.smtp.host.trim().is_empty() {
                return Err(InvalidConfig::new("notify.email.smtp.host", "needed when notify.email.transport is smtp"));
            }
            if self.smtp.pool_size == 0 || self.smtp.timeout_secs == 0 {
                return Err(InvalidConfig::new(
                    "notify.email.smtp.pool_size",
                    "pool_size and timeout_secs must be at least 1",
                ));
            }
        }
        Ok(())
    }
}

/// A custom header whose value is kept as given.
macro_rules! raw_header {
    ($name:ident, $text:literal) => {
        #[derive(Debug, Clone)]
        struct $name(String);

        impl Header for $name {
            fn name() -> HeaderName {
                HeaderName::new_from_ascii_str($text)
            }

            fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
                Ok(Self(s.to_owned()))
            }

            fn display(&self) -> HeaderValue {
                HeaderValue::new(Self::name(), self.0.clone())
            }
        }
    };
}

raw_header!(ListUnsubscribe, "List-Unsubscribe");
raw_header!(ListUnsubscribePost, "List-Unsubscribe-Post");

/// The message of a letter, ready for any transport.
pub fn build_message(letter: &Letter, from: &Mailbox, date: SystemTime) -> Result<Message, String> {
    let to_address = letter.address.parse().map_err(|e| format!("invalid recipient {}: {e}", letter.address))?;
    let to = Mailbox::new(Some(letter.customer_name.clone()), to_address);
    let domain = from.email.domain().to_owned();
    let text = SinglePart::builder()
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .header(ContentTransferEncoding::QuotedPrintable)
        .body(render_text(letter));
    let html = SinglePart::builder()
        .header(lettre::message::header::ContentType::TEXT_HTML)
        .header(ContentTransferEncoding::QuotedPrintable)
        .body(render_html(letter));
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(letter.subject())
        .date(date)
        .message_id(Some(format!("<{}@{domain}>", letter.key.replace('/', "."))))
        .header(ListUnsubscribe(format!("<{}>", letter.unsubscribe_url)))
        .header(ListUnsubscribePost("List-Unsubscribe=One-Click".to_owned()))
        .multipart(MultiPart::alternative().singlepart(text).singlepart(html))
        .map_err(|e| format!("building the e-mail {}: {e}", letter.key))
}

/// The plain-text part: the same content as the HTML, readable in any client.
pub fn render_text(letter: &Letter) -> String {
    let t = letter.texts();
    let colon = if letter.french() { " :" } else { ":" };
    let mut out = format!("{}\n\n{}\n\n", t.greeting, t.intro);
    for (i, card) in letter.cards.iter().enumerate() {
        out.push_str(&format!("{}. {}", i + 1, card.title_with_year()));
        if card.in_programme {
            out.push_str(&format!(" [{}]", t.showing));
        }
        out.push('\n');
        if let Some(line) = card.facts(letter.french()) {
            out.push_str(&format!("   {line}\n"));
        }
        out.push_str(&format!("   {}\n", card.reason));
        // "Séances : jeudi 10 décembre, 14 h 30 · VF", the next ones aligned under the first.
        let indent = " ".repeat(t.screenings.chars().count());
        for (i, (when, booking)) in card.screenings.iter().enumerate() {
            let label = if i == 0 { t.screenings.as_str() } else { indent.as_str() };
            out.push_str(&format!("   {label} {when}"));
            if let Some(url) = booking {
                out.push_str(&format!(" — {} {url}", t.book));
            }
            out.push('\n');
        }
        if !card.page_url.is_empty() {
            out.push_str(&format!("   {}\n", card.page_url));
        }
        if let Some(url) = &card.feedback_page {
            let choices: Vec<&str> = FeedbackKind::ALL.iter().map(|k| k.label(letter.language)).collect();
            out.push_str(&format!("   {} ({}){colon} {url}\n", t.your_verdict, choices.join(", ")));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "{}{colon} {}\n\n{}\n\n-- \n{}\n{}{colon} {}\n",
        t.all_on_site,
        letter.picks_url_by_email(),
        t.sign_off,
        t.why_received,
        t.unsubscribe,
        letter.unsubscribe_url
    ));
    out
}

/// The HTML part: a simple table layout with inline styles, as mail clients need.
pub fn render_html(letter: &Letter) -> String {
    let t = letter.texts();
    let french = letter.french();
    let header = band(&letter.cinema_name, Some(&t.heading));
    let content = html! {
        tr { td style=(format!("padding:20px 24px 4px 24px;font-size:16px;line-height:1.5;font-family:{EMAIL_TEXT_FONT}")) {
            p style="margin:0 0 8px 0" { (t.greeting) }
            p style="margin:0" { (t.intro) }
        } }
        @for card in &letter.cards {
            (card_row(card, french, &t))
        }
        tr { td style=(format!("padding:12px 24px 4px 24px;font-size:16px;font-family:{EMAIL_TEXT_FONT}")) {
            a href=(letter.picks_url_by_email()) style=(format!("color:{ACCENT}")) { (t.all_on_site) }
        } }
        tr { td style=(format!("padding:12px 24px 20px 24px;font-size:16px;font-family:{EMAIL_TEXT_FONT}")) { (t.sign_off) } }
        tr { td style=(format!("padding:16px 24px;border-top:1px solid {LINE};font-size:12px;color:{MUTED};font-family:{EMAIL_TEXT_FONT}")) {
            (t.why_received) br;
            a href=(letter.unsubscribe_url) style=(format!("color:{ACCENT}")) { (t.unsubscribe) }
        } }
    };
    page(if french { "fr" } else { "en" }, &letter.subject(), header, content)
}

/// The band at the top of every e-mail, as on the site and the report: the cinema's name on the ink, a line of
/// its red below, and the message's heading when it has one.
pub(super) fn band(cinema: &str, heading: Option<&str>) -> Markup {
    html! {
        tr { td style=(format!("background:{INK};color:#fff;padding:20px 24px;border-radius:6px 6px 0 0;border-bottom:4px solid {ACCENT}")) {
            div style=(format!("font-family:{TITLE_FONT};font-size:15px;letter-spacing:2px;text-transform:uppercase")) { (cinema) }
            @if let Some(heading) = heading {
                div style=(format!("font-family:{TITLE_FONT};font-size:24px;margin-top:6px")) { (heading) }
            }
        } }
    }
}

/// The frame every e-mail of the cinema shares: a 600-pixel card on the paper of the site, header band first.
pub(super) fn page(lang: &str, subject: &str, header: Markup, content: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (subject) }
            }
            body style=(format!("margin:0;padding:0;background:{PAPER};font-family:{EMAIL_TEXT_FONT};color:{INK}")) {
                table role="presentation" width="100%" cellpadding="0" cellspacing="0" style=(format!("background:{PAPER}")) {
                    tr { td align="center" style="padding:24px 12px" {
                        table role="presentation" width="600" cellpadding="0" cellspacing="0"
                            style=(format!("max-width:600px;width:100%;background:{CARD};border-radius:6px")) {
                            (header)
                            (content)
                        }
                    } }
                }
            }
        }
    }
    .into_string()
}

fn card_row(card: &Card, french: bool, t: &Texts) -> Markup {
    let alt = card.poster_alt(french);
    html! {
        tr { td style="padding:12px 24px" {
            table role="presentation" width="100%" cellpadding="0" cellspacing="0" { tr {
                td width="108" valign="top" {
                    @if let Some(url) = &card.poster_url {
                        img src=(url) alt=(alt) width="96" style="display:block;width:96px;border-radius:3px;border:0";
                    } @else {
                        // No poster known: the title and year in the colours the site draws this film with (mail
                        // clients do not show SVG, so the drawing itself stays on the site).
                        div role="img" aria-label=(alt)
                            style=(format!("width:96px;height:136px;background:{};color:{};border-radius:3px;font-family:{TITLE_FONT};font-size:13px;font-weight:bold;text-align:center;overflow:hidden", card.drawn.0, card.drawn.1)) {
                            div style="padding:34px 6px 6px 6px;line-height:16px" { (card.title) }
                            @if let Some(year) = card.year { div style="font-size:11px;font-weight:normal;letter-spacing:2px" { (year) } }
                        }
                    }
                }
                td valign="top" style=(format!("padding-left:12px;font-family:{EMAIL_TEXT_FONT}")) {
                    div style=(format!("font-family:{TITLE_FONT};font-size:18px;font-weight:bold")) {
                        @if card.page_url.is_empty() {
                            (card.title_with_year())
                        } @else {
                            a href=(card.page_url) style=(format!("color:{INK};text-decoration:none")) { (card.title_with_year()) }
                        }
                        @if card.in_programme {
                            " "
                            span style=(format!("background:{ACCENT};color:#fff;font-size:11px;padding:2px 6px;border-radius:3px;font-family:{EMAIL_TEXT_FONT};font-weight:normal")) { (t.showing) }
                        }
                    }
                    @if let Some(facts) = card.facts(french) {
                        div style=(format!("font-size:13px;color:{MUTED};margin:4px 0")) { (facts) }
                    }
                    div style=(format!("font-size:14px;font-style:italic;color:{INK}")) { (card.reason) }
                    @if !card.screenings.is_empty() {
                        div style="font-size:14px;margin-top:6px" {
                            strong { (t.screenings) }
                            @for (when, booking) in &card.screenings {
                                br;
                                (when)
                                @if let Some(url) = booking {
                                    " "
                                    a href=(url) style=(format!("background:{ACCENT};color:#fff;text-decoration:none;padding:2px 8px;border-radius:3px;font-size:13px")) { (t.book) }
                                }
                            }
                        }
                    }
                    @if !card.feedback.is_empty() {
                        // One click opens a page on the site with the choice and one button: nothing is recorded
                        // by following the link (mail scanners follow them all).
                        div style="font-size:13px;margin-top:8px" {
                            @for (i, (kind, url)) in card.feedback.iter().enumerate() {
                                @if i > 0 { " " }
                                a href=(url) style=(format!("color:{ACCENT};border:1px solid {LINE};border-radius:12px;padding:2px 10px;text-decoration:none;display:inline-block;margin:2px 0")) {
                                    (kind.label(if french { Language::Fr } else { Language::En }))
                                }
                            }
                        }
                    }
                }
            } }
        } }
    }
}

/// Where e-mails go.
pub enum EmailTransport {
    Outbox {
        dir: PathBuf,
    },
    /// lettre's own timeout covers only the TCP connect, so every send is also bounded by `timeout` here: a
    /// server that accepts the connection and never answers must not hang the run.
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        timeout: Duration,
    },
}

impl EmailTransport {
    /// The configured transport; the SMTP password comes from the environment variable the config names.
    pub fn from_config(config: &EmailConfig, outbox: PathBuf) -> Result<Self> {
        match config.transport {
            EmailTransportKind::Outbox => Ok(Self::Outbox { dir: outbox }),
            EmailTransportKind::Smtp => Ok(Self::Smtp {
                transport: smtp_transport(&config.smtp)?,
                timeout: Duration::from_secs(config.smtp.timeout_secs),
            }),
        }
    }

    /// Sends one message; `Ok` carries what the server or outbox says identifies it.
    pub async fn send(&self, message: Message, file_name: &str) -> Result<Option<String>, Failure> {
        match self {
            Self::Outbox { dir } => {
                let path = dir.join(file_name);
                super::outbox::write_private(&path, &message.formatted())
                    .map_err(|e| Failure::Fatal(format!("{e:#}")))?;
                Ok(Some(path.display().to_string()))
            }
            Self::Smtp { transport, timeout } => match tokio::time::timeout(*timeout, transport.send(message)).await {
                Ok(Ok(response)) => Ok(response.message().next().map(str::to_owned)),
                Ok(Err(e)) => Err(classify_smtp_error(&e)),
                Err(_) => Err(Failure::Transient(format!("SMTP timeout: no answer within {} s", timeout.as_secs()))),
            },
        }
    }
}

fn smtp_transport(config: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>> {
    let host = config.host.trim();
    let tls = match config.security {
        SmtpSecurity::Starttls => Tls::Required(tls_parameters(host, config.ca_file.trim())?),
        SmtpSecurity::Tls => Tls::Wrapper(tls_parameters(host, config.ca_file.trim())?),
        SmtpSecurity::None => Tls::None,
    };
    // "dangerous" only means that TLS is not set up by the builder: it is, just above.
    let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).tls(tls);
    let mut builder = builder
        .port(config.port)
        .timeout(Some(Duration::from_secs(config.timeout_secs)))
        .pool_config(PoolConfig::new().max_size(config.pool_size));
    if !config.hello_name.trim().is_empty() {
        builder = builder.hello_name(ClientId::Domain(config.hello_name.trim().to_owned()));
    }
    if !config.username.trim().is_empty() {
        let password = std::env::var(&config.password_env).with_context(|| {
            format!(
                "notify.email.smtp.username is set but the environment variable {} (notify.email.smtp.password_env) \
                 holding its password is not",
                config.password_env
            )
        })?;
        builder = builder.credentials(Credentials::new(config.username.trim().to_owned(), password));
    }
    Ok(builder.build())
}

/// TLS towards `host`, whose certificate must be valid for that name and signed by a public root or, when
/// given, the authority in `ca_file`.
fn tls_parameters(host: &str, ca_file: &str) -> Result<TlsParameters> {
    let mut builder = TlsParameters::builder(host.to_owned());
    if !ca_file.is_empty() {
        let pem = std::fs::read(ca_file).with_context(|| format!("notify.email.smtp.ca_file: reading {ca_file}"))?;
        let authority = Certificate::from_pem(&pem)
            .with_context(|| format!("notify.email.smtp.ca_file: {ca_file} holds no PEM certificate"))?;
        builder = builder.add_root_certificate(authority);
    }
    builder.build_rustls().with_context(|| format!("notify.email.smtp.host {host}: cannot set up TLS"))
}

/// SMTP replies: 4xx and network trouble are worth retrying; 5xx are permanent (the recipient's address),
/// except authentication refusals, which are the operator's to fix and stop the run.
fn classify_smtp_error(e: &lettre::transport::smtp::Error) -> Failure {
    let text = e.to_string();
    if e.is_permanent() {
        let code = e.status().map(|c| c.to_string()).unwrap_or_default();
        if ["530", "534", "535", "538"].contains(&code.as_str()) {
            return Failure::Fatal(format!("the SMTP server refused the credentials: {text}"));
        }
        return Failure::Permanent(format!("SMTP {text}"));
    }
    // A certificate that does not verify is the operator's to fix, like refused credentials: retrying
    // every message would only end each in `failed`.
    if e.is_tls() || text.contains("invalid peer certificate") {
        return Failure::Fatal(format!(
            "the SMTP server's certificate is not trusted ({text}); for a relay with a private authority set \
             notify.email.smtp.ca_file"
        ));
    }
    let timed_out = e.is_timeout() || text.to_lowercase().contains("timed out");
    Failure::Transient(if timed_out { format!("SMTP timeout: {text}") } else { format!("SMTP {text}") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::letter::tests::sample_letter;

    #[test]
    fn the_email_has_both_parts_the_unsubscribe_headers_and_a_stable_message_id() {
        let letter = sample_letter(true);
        let from: Mailbox = "Cinéma de la Creuse <programme@cinema.example.org>".parse().unwrap();
        let message = build_message(&letter, &from, SystemTime::UNIX_EPOCH).unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(raw.contains("Message-ID: <2026-W48.email.7@cinema.example.org>"), "{raw}");
        assert!(raw.contains("List-Unsubscribe: <https://cinema.example.org/unsubscribe?token=3.abc>"), "{raw}");
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{raw}");
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("text/plain") && raw.contains("text/html"), "{raw}");
    }

    #[test]
    fn the_html_escapes_titles_and_gives_posters_alt_text() {
        let letter = sample_letter(true);
        let html = render_html(&letter);
        assert!(html.contains(r#"alt="Affiche du film « Tom &amp; Jerry &lt;3 »""#), "{html}");
        assert!(html.contains("Bonjour Camille"), "{html}");
        assert!(html.contains("https://cinema.example.org/unsubscribe?token=3.abc"));
        assert!(!html.contains("<3"), "unescaped title");
        // Drawn in the cinema's identity, as the site and the report: its ink band, its red, its title face.
        let band = format!("background:{INK};color:#fff");
        assert!(html.contains(&band) && html.contains(&format!("border-bottom:4px solid {ACCENT}")), "{html}");
        assert!(html.contains(&format!("font-family:{}", maud::html! { (TITLE_FONT) }.into_string())), "{html}");
        let english = render_text(&sample_letter(false));
        assert!(english.starts_with("Hello Camille"), "{english}");
    }

    #[test]
    fn every_film_carries_its_feedback_links_three_buttons_in_html_one_page_in_text() {
        let mut letter = sample_letter(true);
        for card in &mut letter.cards {
            let page = format!("https://cinema.example.org/feedback?token=1.a.b&film={}", card.film_id);
            card.feedback = FeedbackKind::ALL.iter().map(|&k| (k, format!("{page}&kind={k}"))).collect();
            card.feedback_page = Some(page);
        }
        // The text part: one link per film, to the page with the three choices.
        let text = render_text(&letter);
        let line = "   Votre avis (J'aime, Pas pour moi, Déjà vu) : \
                    https://cinema.example.org/feedback?token=1.a.b&film=tt0211915\n";
        assert!(text.contains(line), "{text}");
        assert_eq!(text.matches("/feedback?").count(), letter.cards.len());
        // The HTML part: a button per choice.
        let html = render_html(&letter);
        assert!(html.contains(r#"&amp;kind=not_for_me" style="#) && html.contains(">Déjà vu</a>"), "{html}");
        assert_eq!(html.matches("/feedback?").count(), 3 * letter.cards.len());
        letter.language = Language::En;
        assert!(render_text(&letter).contains("   Your verdict (I like it, Not for me, Seen it): https://"));
    }
}
