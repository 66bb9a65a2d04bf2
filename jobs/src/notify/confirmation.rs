//! The double opt-in message: queued when someone subscribes on the site (within daily caps), then sent by
//! the channel they chose by the site's sender, at most `notify.confirmations.per_minute` a minute and SMS only
//! within the allowed hours, with the link that confirms the subscription. It carries no film, no offer and not
//! the name typed in the form (unverified text must not reach someone else's inbox): nothing reaches an
//! address but this until its owner confirms it.

use std::time::SystemTime;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Duration, Utc};
use lettre::Message;
use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentTransferEncoding};

use serde::{Deserialize, Serialize};

use cinepicks_domain::identity::{ACCENT, EMAIL_TEXT_FONT, MUTED};
use cinepicks_domain::{Channel, InvalidConfig, Language, PhoneNumber};
use cinepicks_store::Store;
use cinepicks_store::queries::opt_in::{Attempt, ConfirmationCaps, ConfirmationDue};

use super::Failure;
use maud::html;

use super::email::{EmailTransport, band, page};
use super::gsm7;
use super::links::LinkSigner;
use super::sms::{Sms, SmsTransport};
use crate::context::Context;

/// How long a confirmation link works.
pub const VALID_FOR: Duration = Duration::days(7);
/// After a passing failure (a server or gateway down), a message waits this long before its next attempt.
const RETRY_AFTER: Duration = Duration::minutes(5);
/// After a failure the operator must fix (refused credentials, outbox not writable), messages wait this long.
const HOLD_AFTER: Duration = Duration::minutes(15);

/// `notify.confirmations`: how many confirmation messages may go out, so that the subscription form cannot be
/// used to flood an inbox or run up an SMS bill.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConfirmationConfig {
    /// Confirmation messages one address (e-mail or number) may be sent in 24 hours.
    pub per_address_per_day: u32,
    /// Confirmation e-mails in all in 24 hours.
    pub emails_per_day: u32,
    /// Confirmation SMS in all in 24 hours (each one is billed).
    pub sms_per_day: u32,
    /// Messages the site's sender sends a minute.
    pub per_minute: u32,
    /// Attempts per message when the server or gateway fails for a reason worth retrying.
    pub max_attempts: u32,
}

impl Default for ConfirmationConfig {
    fn default() -> Self {
        Self { per_address_per_day: 3, emails_per_day: 500, sms_per_day: 50, per_minute: 30, max_attempts: 5 }
    }
}

impl ConfirmationConfig {
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        if self.per_address_per_day == 0 {
            return Err(InvalidConfig::new("notify.confirmations.per_address_per_day", "must be at least 1"));
        }
        if !(1..=600).contains(&self.per_minute) {
            return Err(InvalidConfig::new("notify.confirmations.per_minute", "must be between 1 and 600"));
        }
        if self.max_attempts == 0 {
            return Err(InvalidConfig::new("notify.confirmations.max_attempts", "must be at least 1"));
        }
        Ok(())
    }

    pub fn caps(&self) -> ConfirmationCaps {
        ConfirmationCaps { per_address: self.per_address_per_day, emails: self.emails_per_day, sms: self.sms_per_day }
    }
}

/// Sends confirmation messages through the configured transports (the outbox folders by default:
/// `outbox/email/confirmations/` and `outbox/sms/confirmations.jsonl`).
pub struct ConfirmationSender {
    email: EmailTransport,
    sms: SmsTransport,
    from: Mailbox,
    sms_from: String,
    cinema_name: String,
    signer: LinkSigner,
    /// Countries whose mobile numbers may be texted (`notify.sms.destinations`).
    sms_destinations: Vec<String>,
    /// SMS go out from this local hour until that one (`notify.sms.allowed_*_hour`), in `timezone`.
    sms_hours: (u32, u32),
    timezone: chrono_tz::Tz,
    limits: ConfirmationConfig,
    /// Rung when a request queues a message, so that it goes out at once rather than at the next poll.
    queued: tokio::sync::Notify,
}

/// The words of a confirmation, in the subscriber's language.
struct Words {
    subject: String,
    greeting: String,
    body: String,
    button: String,
    expiry: String,
    ignore: String,
}

impl ConfirmationSender {
    pub fn from_context(ctx: &Context, signer: LinkSigner) -> Result<Self> {
        let config = &ctx.config.notify;
        let outbox = &ctx.paths.outbox;
        Ok(Self {
            email: EmailTransport::from_config(&config.email, outbox.join("email").join("confirmations"))?,
            sms: SmsTransport::from_config(&config.sms, outbox.join("sms").join("confirmations.jsonl"))?,
            from: config.email.from.parse().context("notify.email.from")?,
            sms_from: config.sms.sender.clone(),
            cinema_name: config.cinema_name.clone(),
            signer,
            sms_destinations: config.sms.destinations.clone(),
            sms_hours: (config.sms.allowed_from_hour, config.sms.allowed_until_hour),
            timezone: ctx.config.timezone,
            limits: config.confirmations.clone(),
            queued: tokio::sync::Notify::new(),
        })
    }

    /// Tells [`run`](Self::run) that a message was queued.
    pub fn wake(&self) {
        self.queued.notify_one();
    }

    /// Sends the queued messages for as long as the server runs: one every [`interval`](Self::interval) at
    /// most, at once when [`wake`](Self::wake) rings, and every half minute anyway (SMS held for the night,
    /// retries, messages queued by another process).
    pub async fn run(&self, store: &Store, clock: &dyn crate::context::Clock) {
        loop {
            match self.send_next(store, clock.now()).await {
                Ok(true) => tokio::time::sleep(self.interval()).await,
                Ok(false) => {
                    tokio::select! {
                        () = self.queued.notified() => {}
                        () = tokio::time::sleep(std::time::Duration::from_secs(30)) => {}
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %format!("{err:#}"), "the confirmation sender could not read its queue");
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                }
            }
        }
    }

    /// Seconds between two messages of the sender.
    pub fn interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(60.0 / f64::from(self.limits.per_minute))
    }

    /// Sends the oldest queued message that is due (SMS only when marketing SMS may go out: the allowed hours,
    /// not on Sundays nor French public holidays; e-mails at any time) and records the outcome; false when
    /// nothing was due.
    pub async fn send_next(&self, store: &Store, now: DateTime<Utc>) -> Result<bool> {
        let quiet = super::quiet_hours::QuietHours {
            from_hour: self.sms_hours.0,
            until_hour: self.sms_hours.1,
            tz: self.timezone,
        };
        let channels: &[Channel] = if quiet.allows(now) { &Channel::ALL } else { &[Channel::Email] };
        let Some(due) = store.queued_confirmations(1, channels, now).await?.into_iter().next() else {
            return Ok(false);
        };
        let outcome = match self.refusal(&due) {
            Some(why) => Err(Failure::Permanent(why)),
            None => self.send(&due, now).await,
        };
        let attempt = match outcome {
            Ok(()) => Attempt::Sent,
            Err(Failure::Transient(error)) => Attempt::Retry { error, at: now + RETRY_AFTER },
            Err(Failure::Permanent(error) | Failure::Skipped(error)) => Attempt::Permanent(error),
            Err(Failure::Fatal(error)) => Attempt::Hold { error, at: now + HOLD_AFTER },
        };
        if attempt != Attempt::Sent {
            tracing::warn!(confirmation = due.confirmation_id, channel = due.channel.as_str(), outcome = ?attempt, "a confirmation message was not sent");
        }
        store.confirmation_attempted(due.confirmation_id, attempt, self.limits.max_attempts, now).await?;
        Ok(true)
    }

    /// Why a queued message must not go out: a number the configuration does not allow texting (rows queued
    /// before the configuration changed).
    fn refusal(&self, due: &ConfirmationDue) -> Option<String> {
        if due.channel != Channel::Sms {
            return None;
        }
        let region = PhoneNumber::parse(&due.address).ok().and_then(|n| n.mobile_region());
        match region {
            Some(region) if self.sms_destinations.iter().any(|d| d.eq_ignore_ascii_case(&region)) => None,
            _ => Some("not a mobile number of the countries in notify.sms.destinations".into()),
        }
    }

    /// Sends the confirmation of one subscription; its link works for [`VALID_FOR`] from `now`.
    pub async fn send(&self, due: &ConfirmationDue, now: DateTime<Utc>) -> Result<(), Failure> {
        let url = self.signer.confirm_url(due.subscription_id, now + VALID_FOR);
        let key = format!("confirm/{}/{}", due.subscription_id, now.timestamp());
        match due.channel {
            Channel::Email => {
                let message = self.email_message(due, &url, &key, now).map_err(Failure::Skipped)?;
                self.email.send(message, &format!("{}-{}.eml", due.subscription_id, now.timestamp())).await?;
            }
            Channel::Sms => {
                let text = self.sms_text(due, &url);
                let sms = Sms { key, to: due.address.clone(), from: self.sms_from.clone(), text };
                self.sms.send(&sms).await?;
            }
        }
        tracing::info!(subscription = due.subscription_id, channel = due.channel.as_str(), "confirmation sent");
        Ok(())
    }

    fn words(&self, due: &ConfirmationDue) -> Words {
        let cinema = &self.cinema_name;
        if due.locale == Language::En {
            Words {
                subject: format!("Confirm your subscription to {cinema}'s weekly picks"),
                greeting: "Hello,".into(),
                body: format!(
                    "You asked to receive five films picked for you every week by {cinema}. Please confirm that \
                     this address is yours: nothing will be sent to it before."
                ),
                button: "Confirm my subscription".into(),
                expiry: format!("This link works for {} days.", VALID_FOR.num_days()),
                ignore: "If you did not ask for it, ignore this message: you will receive nothing more.".into(),
            }
        } else {
            Words {
                subject: format!("Confirmez votre inscription aux films de la semaine de {cinema}"),
                greeting: "Bonjour,".into(),
                body: format!(
                    "Vous avez demandé à recevoir chaque semaine cinq films choisis pour vous par {cinema}. \
                     Confirmez que cette adresse est bien la vôtre : rien ne vous sera envoyé avant."
                ),
                button: "Confirmer mon inscription".into(),
                expiry: format!("Ce lien est valable {} jours.", VALID_FOR.num_days()),
                ignore: "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : vous ne recevrez \
                         rien d'autre."
                    .into(),
            }
        }
    }

    fn email_message(
        &self,
        due: &ConfirmationDue,
        url: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Message, String> {
        let w = self.words(due);
        let to = due.address.parse().map_err(|e| format!("invalid recipient {}: {e}", due.address))?;
        let text = format!(
            "{}\n\n{}\n\n{}: {url}\n\n{}\n{}\n\n-- \n{}\n",
            w.greeting, w.body, w.button, w.expiry, w.ignore, self.cinema_name
        );
        let header = band(&self.cinema_name, None);
        let content = html! {
            tr { td style=(format!("padding:20px 24px;font-size:16px;line-height:1.5;font-family:{EMAIL_TEXT_FONT}")) {
                p style="margin:0 0 12px 0" { (w.greeting) }
                p style="margin:0 0 20px 0" { (w.body) }
                p style="margin:0 0 20px 0" {
                    a href=(url) style=(format!("background:{ACCENT};color:#fff;text-decoration:none;padding:12px 20px;border-radius:4px;font-size:16px;display:inline-block")) {
                        (w.button)
                    }
                }
                p style=(format!("margin:0;font-size:13px;color:{MUTED}")) { (w.expiry) br; (w.ignore) }
            } }
        };
        let lang = due.locale.code();
        let html = page(lang, &w.subject, header, content);
        let part = |content_type, body: String| {
            SinglePart::builder().header(content_type).header(ContentTransferEncoding::QuotedPrintable).body(body)
        };
        let domain = self.from.email.domain().to_owned();
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(w.subject)
            .date(SystemTime::from(now))
            .message_id(Some(format!("<{}@{domain}>", key.replace('/', "."))))
            .multipart(
                MultiPart::alternative()
                    .singlepart(part(lettre::message::header::ContentType::TEXT_PLAIN, text))
                    .singlepart(part(lettre::message::header::ContentType::TEXT_HTML, html)),
            )
            .map_err(|e| format!("building the confirmation e-mail {key}: {e}"))
    }

    /// "<cinema> : confirmez votre inscription aux films de la semaine : <link>" in GSM-7.
    fn sms_text(&self, due: &ConfirmationDue, url: &str) -> String {
        let text = if due.locale == Language::En {
            format!("{}: confirm your subscription to the weekly picks: {url}", self.cinema_name)
        } else {
            format!("{} : confirmez votre inscription aux films de la semaine : {url}", self.cinema_name)
        };
        gsm7::to_gsm7(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sender() -> ConfirmationSender {
        let dir = std::env::temp_dir().join(format!("cinepicks-confirmation-{}", std::process::id()));
        ConfirmationSender {
            email: EmailTransport::Outbox { dir: dir.join("email") },
            sms: SmsTransport::Outbox(super::super::outbox::JsonLines::open(dir.join("sms.jsonl")).unwrap()),
            from: "Ciné Creuse <bonjour@cine.example>".parse().unwrap(),
            sms_from: "CINECREUSE".into(),
            cinema_name: "Ciné Creuse".into(),
            signer: LinkSigner::new(b"k", "https://cine.example"),
            sms_destinations: vec!["FR".into()],
            sms_hours: (8, 20),
            timezone: chrono_tz::Europe::Paris,
            limits: ConfirmationConfig::default(),
            queued: tokio::sync::Notify::new(),
        }
    }

    fn due(channel: Channel, locale: Language) -> ConfirmationDue {
        ConfirmationDue {
            confirmation_id: 3,
            subscription_id: 12,
            channel,
            address: if channel == Channel::Email { "lea@example.org".into() } else { "+33600000001".into() },
            name: "Léa www.evil.example".into(),
            locale,
        }
    }

    #[test]
    fn the_confirmation_email_carries_the_link_and_neither_the_typed_name_nor_a_film() {
        let s = sender();
        let now = DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z").unwrap().with_timezone(&Utc);
        let url = s.signer.confirm_url(12, now + VALID_FOR);
        let message = s.email_message(&due(Channel::Email, Language::Fr), &url, "confirm/12/1", now).unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap().replace("=\r\n", "");
        assert!(raw.contains("Subject: Confirmez votre inscription"), "French by default: {raw}");
        assert!(raw.contains("Bonjour,"), "{raw}");
        assert!(!raw.contains("evil") && !raw.contains("L=C3=A9a"), "the unverified name is not copied: {raw}");
        assert!(raw.contains("subscribe/confirm?token=3D12."), "the link is in the message: {raw}");
        assert!(!raw.contains("List-Unsubscribe"), "a confirmation is not a mailing");
        assert!(s.refusal(&due(Channel::Email, Language::Fr)).is_none());
        let english = s.email_message(&due(Channel::Email, Language::En), &url, "confirm/12/1", now).unwrap();
        let english = String::from_utf8(english.formatted()).unwrap();
        assert!(english.contains("Subject: Confirm your subscription"), "{english}");
    }

    #[test]
    fn only_mobile_numbers_of_the_allowed_countries_are_texted() {
        let s = sender();
        let to = |address: &str| ConfirmationDue { address: address.into(), ..due(Channel::Sms, Language::Fr) };
        assert_eq!(s.refusal(&to("+33611223344")), None);
        assert!(s.refusal(&to("+32474091150")).is_some(), "a Belgian mobile, not allowed by default");
        assert!(s.refusal(&to("+33899234567")).is_some(), "a premium-rate number");
        assert!(s.refusal(&to("+33142685300")).is_some(), "a fixed line");
    }

    #[test]
    fn the_confirmation_sms_fits_one_message() {
        let s = sender();
        let now = Utc::now();
        let url = s.signer.confirm_url(1_234_567, now + VALID_FOR);
        let text = s.sms_text(&due(Channel::Sms, Language::Fr), &url);
        assert!(text.ends_with(&url), "{text}");
        assert!(
            gsm7::septets(&text).is_some_and(|n| n <= 160),
            "{} septets: {text}",
            gsm7::septets(&text).unwrap_or(0)
        );
    }
}
