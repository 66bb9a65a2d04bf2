//! The weekly SMS: one GSM-7 message within 160 characters naming the films, with a short link and the opt-out
//! mention; sent through an HTTP gateway (JSON or form body, token from the environment) or appended to the
//! JSON-lines outbox.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use super::Failure;
use super::gsm7;
use super::letter::Letter;
use super::links::form_encode;
use super::outbox::JsonLines;
use cinepicks_domain::InvalidConfig;

/// One SMS: at most this many GSM-7 septets (longer texts would be split and billed twice).
pub const SMS_SEPTETS: usize = 160;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsTransportKind {
    /// JSON lines in `<data_dir>/outbox/sms/<week>.jsonl`.
    Outbox,
    Http,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyFormat {
    Json,
    Form,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmsHttpConfig {
    pub url: String,
    /// Environment variable holding the gateway's bearer token.
    pub token_env: String,
    pub body: BodyFormat,
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    pub transport: SmsTransportKind,
    /// Sender name shown on phones (11 letters or digits at most).
    pub sender: String,
    /// The opt-out mention French law requires on marketing SMS.
    pub opt_out: String,
    pub concurrency: usize,
    pub rate_per_second: f64,
    /// Marketing SMS only from this local hour…
    pub allowed_from_hour: u32,
    /// …until this one (exclusive), never on Sundays and French public holidays.
    pub allowed_until_hour: u32,
    /// Countries (ISO 3166 codes) whose mobile numbers may subscribe and be texted; fixed lines, premium-rate
    /// and other numbers never are.
    #[serde(default = "french_mobiles")]
    pub destinations: Vec<String>,
    pub http: SmsHttpConfig,
}

fn french_mobiles() -> Vec<String> {
    vec!["FR".to_owned()]
}

impl SmsConfig {
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        if self.sender.is_empty() || self.sender.len() > 11 || !self.sender.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(InvalidConfig::new("notify.sms.sender", "1 to 11 ASCII letters or digits"));
        }
        if self.concurrency == 0 {
            return Err(InvalidConfig::new("notify.sms.concurrency", "must be at least 1"));
        }
        if self.rate_per_second.is_nan() || self.rate_per_second < 0.0 {
            return Err(InvalidConfig::new("notify.sms.rate_per_second", "must be 0 (no limit) or more"));
        }
        if !(self.allowed_from_hour < self.allowed_until_hour && self.allowed_until_hour <= 24) {
            return Err(InvalidConfig::new(
                "notify.sms.allowed_from_hour",
                "must be before allowed_until_hour, within 0–24",
            ));
        }
        if self.transport == SmsTransportKind::Http
            && !(self.http.url.starts_with("https://") || loopback(&self.http.url))
        {
            return Err(InvalidConfig::new(
                "notify.sms.http.url",
                "an https:// URL is needed when notify.sms.transport is http (the bearer token travels with every \
                 message); plain http:// only to a gateway on this machine (127.0.0.1, [::1] or localhost)",
            ));
        }
        if self.destinations.is_empty()
            || !self.destinations.iter().all(|d| d.len() == 2 && d.chars().all(|c| c.is_ascii_alphabetic()))
        {
            return Err(InvalidConfig::new(
                "notify.sms.destinations",
                "one or more two-letter country codes (ISO 3166), e.g. [FR]",
            ));
        }
        Ok(())
    }
}

/// True for an `http://` URL to this machine (a gateway on the loopback: nothing crosses a network).
fn loopback(url: &str) -> bool {
    // Parsed as the HTTP client will parse it: `http://evil.example#@127.0.0.1/` goes to evil.example.
    let Ok(url) = reqwest::Url::parse(url) else { return false };
    url.scheme() == "http" && matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

/// Septets a leading film must leave for the other titles.
const LEAD_ROOM: usize = 10;

/// The SMS text: "<cinema> : vos 5 films … : A, B, C, D, E <link> <opt-out>" (or, when a film is shown this week,
/// "<cinema> : à l'affiche pour vous, A, mer. 9/12 20h30 VOST. Et : B, C… <link> <opt-out>"), in GSM-7 and within
/// 160 septets; film titles are cut first, never the link or the opt-out.
pub fn sms_text(letter: &Letter, opt_out: &str) -> String {
    // The best match shown this week leads, with its next screening (the message brings people to the cinema),
    // when that leaves room for the link, the opt-out and the start of another title; otherwise the plain heading.
    let tail = format!(" {} {}", letter.picks_url, opt_out);
    let lead = |card: &crate::notify::letter::Card, when: &str| match letter.french() {
        true => format!("{} : à l'affiche pour vous, {}, {when}. Et : ", letter.cinema_name, card.title),
        false => format!("{}: showing for you, {}, {when}. And: ", letter.cinema_name, card.title),
    };
    let fits = |text: &str| gsm7::septets(&gsm7::to_gsm7(text)).is_some_and(|n| n + LEAD_ROOM <= SMS_SEPTETS);
    let showing = letter
        .cards
        .iter()
        .find_map(|c| c.next_screening.as_deref().map(|when| (c, when)))
        .filter(|(card, when)| fits(&format!("{}{tail}", lead(card, when))));
    let head = match (letter.french(), showing) {
        (_, Some((card, when))) => lead(card, when),
        (true, None) => format!("{} : vos 5 films de la semaine : ", letter.cinema_name),
        (false, None) => format!("{}: your 5 films this week: ", letter.cinema_name),
    };
    let others: Vec<&str> = match showing {
        Some((lead, _)) => {
            letter.cards.iter().filter(|c| c.film_id != lead.film_id).map(|c| c.title.as_str()).collect()
        }
        None => letter.cards.iter().map(|c| c.title.as_str()).collect(),
    };
    let (head, tail) = (gsm7::to_gsm7(&head), gsm7::to_gsm7(&tail));
    let fixed = gsm7::septets(&head).unwrap_or(0) + gsm7::septets(&tail).unwrap_or(0);
    let titles = gsm7::to_gsm7(&others.join(", "));
    let titles = gsm7::truncate(&titles, SMS_SEPTETS.saturating_sub(fixed));
    let text = format!("{head}{titles}{tail}");
    if gsm7::septets(&text).is_some_and(|n| n <= SMS_SEPTETS) { text } else { gsm7::truncate(&text, SMS_SEPTETS) }
}

/// One SMS to hand to a transport.
#[derive(Debug, Clone, Serialize)]
pub struct Sms {
    pub key: String,
    pub to: String,
    pub from: String,
    pub text: String,
}

/// Where SMS go.
pub enum SmsTransport {
    Outbox(JsonLines),
    Http { client: reqwest::Client, url: String, token: String, body: BodyFormat },
}

impl SmsTransport {
    pub fn from_config(config: &SmsConfig, outbox_file: PathBuf) -> Result<Self> {
        match config.transport {
            SmsTransportKind::Outbox => Ok(Self::Outbox(JsonLines::open(outbox_file)?)),
            SmsTransportKind::Http => {
                let token = std::env::var(&config.http.token_env).with_context(|| {
                    format!(
                        "notify.sms.transport is http but the environment variable {} (notify.sms.http.token_env) \
                         holding the gateway token is not set",
                        config.http.token_env
                    )
                })?;
                let client = reqwest::Client::builder()
                    .timeout(Duration::from_secs(config.http.timeout_secs.max(1)))
                    .connect_timeout(Duration::from_secs(config.http.timeout_secs.max(1)))
                    .build()
                    .context("building the SMS gateway's HTTP client")?;
                Ok(Self::Http { client, url: config.http.url.clone(), token, body: config.http.body })
            }
        }
    }

    /// Sends one SMS; `Ok` carries the gateway's message id when it gives one.
    pub async fn send(&self, sms: &Sms) -> Result<Option<String>, Failure> {
        match self {
            Self::Outbox(lines) => {
                let record = serde_json::json!({
                    "key": sms.key, "to": sms.to, "from": sms.from, "text": sms.text,
                    "septets": gsm7::septets(&sms.text),
                });
                lines.append(&record).map_err(|e| Failure::Fatal(format!("{e:#}")))?;
                Ok(Some(format!("{}#{}", lines.path().display(), sms.key)))
            }
            Self::Http { client, url, token, body } => {
                let request = client.post(url).bearer_auth(token);
                let fields = [("to", &sms.to), ("from", &sms.from), ("text", &sms.text), ("reference", &sms.key)];
                let request = match body {
                    BodyFormat::Json => {
                        let json: serde_json::Map<String, serde_json::Value> = fields
                            .iter()
                            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(v.as_str())))
                            .collect();
                        request
                            .header("content-type", "application/json")
                            .body(serde_json::Value::Object(json).to_string())
                    }
                    BodyFormat::Form => {
                        let form: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={}", form_encode(v))).collect();
                        request.header("content-type", "application/x-www-form-urlencoded").body(form.join("&"))
                    }
                };
                let response = request.send().await.map_err(|e| {
                    Failure::Transient(if e.is_timeout() {
                        format!("SMS gateway timeout: {e}")
                    } else {
                        format!("SMS gateway: {e}")
                    })
                })?;
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                let snippet: String = text.chars().take(200).collect();
                if status.is_success() {
                    let id = serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|v| {
                        ["id", "message_id", "messageId"]
                            .iter()
                            .find_map(|k| v.get(*k).map(|x| x.to_string().trim_matches('"').to_owned()))
                    });
                    return Ok(id);
                }
                let message = format!("SMS gateway answered {status}: {snippet}");
                Err(match status.as_u16() {
                    429 | 500..=599 | 408 => Failure::Transient(message),
                    401 | 403 => Failure::Fatal(format!("{message} (check the token in the environment variable)")),
                    _ => Failure::Permanent(message),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::letter::tests::sample_letter;

    #[test]
    fn plain_http_gateways_are_only_accepted_on_this_machine() {
        for url in ["http://127.0.0.1:8025/sms", "http://localhost/x", "http://[::1]:9000/"] {
            assert!(loopback(url), "{url}");
        }
        for url in [
            "http://sms.example.com/send",
            "http://127.0.0.1.evil.example/",
            "http://evil@example.com",
            "https://127.0.0.1/",
            "http://evil.example#@127.0.0.1/",
            "http://evil.example\\@127.0.0.1/",
        ] {
            assert!(!loopback(url), "{url}");
        }
        assert!(loopback("http://user@127.0.0.1/"), "credentials before the host do not change it");
    }

    #[test]
    fn an_sms_fits_in_160_gsm7_characters_with_its_link_and_opt_out() {
        let mut letter = sample_letter(true);
        for c in &mut letter.cards {
            c.title = "Le Fabuleux Destin d’Amélie Poulain : une très longue histoire".into();
        }
        let text = sms_text(&letter, "STOP au 36111");
        assert!(gsm7::septets(&text).unwrap() <= SMS_SEPTETS, "{} septets: {text}", text.chars().count());
        assert!(text.starts_with("Cinéma de la Creuse : vos 5 films de la semaine : "), "{text}");
        assert!(text.ends_with(" https://cinema.example.org/p/0123456789 STOP au 36111"), "{text}");
        assert!(text.contains("..."), "{text}");
    }

    #[test]
    fn the_best_match_shown_this_week_leads_the_sms_with_its_next_screening() {
        let mut letter = sample_letter(true);
        letter.cards[1].title = "Amelie".into();
        letter.cards[1].film_id = "tt0000002".into();
        letter.cards[1].next_screening = Some("mer. 9/12 20h30 VOST".into());
        let text = sms_text(&letter, "STOP au 36111");
        assert!(
            text.starts_with("Cinéma de la Creuse : à l'affiche pour vous, Amelie, mer. 9/12 20h30 VOST. Et : "),
            "{text}"
        );
        assert_eq!(text.matches("Amelie").count(), 1, "not listed twice: {text}");
        assert!(gsm7::septets(&text).unwrap() <= SMS_SEPTETS && text.ends_with("STOP au 36111"), "{text}");
        // A lead too long to leave room for the link and the opt-out: the plain heading.
        letter.cards[1].title = "Un titre de film vraiment beaucoup trop long pour tenir dans un seul message".into();
        let text = sms_text(&letter, "STOP au 36111");
        assert!(text.starts_with("Cinéma de la Creuse : vos 5 films de la semaine : "), "{text}");
        assert!(text.ends_with(" https://cinema.example.org/p/0123456789 STOP au 36111"), "{text}");
    }

    #[test]
    fn a_short_sms_keeps_every_title() {
        let text = sms_text(&sample_letter(false), "STOP 36111");
        assert_eq!(
            text,
            "Cinéma de la Creuse: your 5 films this week: Tom & Jerry <3, Amélie, B, C, D https://cinema.example.org/p/0123456789 STOP 36111"
        );
    }

    #[test]
    fn form_bodies_are_url_encoded() {
        assert_eq!(form_encode("a b&é"), "a+b%26%C3%A9");
    }
}
