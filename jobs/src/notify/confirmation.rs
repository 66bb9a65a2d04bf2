//! The double opt-in message: sent at once when someone subscribes on the site, by the channel they chose,
//! with the link that confirms the subscription. It carries no film and no offer: nothing marketing-related
//! reaches an address before its owner confirms it.

use std::time::SystemTime;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Duration, Utc};
use lettre::Message;
use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentTransferEncoding};

use cinepicks_domain::Channel;
use cinepicks_store::queries::opt_in::ConfirmationDue;

use super::Failure;
use maud::html;

use super::email::{EmailTransport, page};
use super::gsm7;
use super::links::LinkSigner;
use super::sms::{Sms, SmsTransport};
use crate::context::Context;

/// How long a confirmation link works.
pub const VALID_FOR: Duration = Duration::days(7);

/// Sends confirmation messages through the configured transports (the outbox folders by default:
/// `outbox/email/confirmations/` and `outbox/sms/confirmations.jsonl`).
pub struct ConfirmationSender {
    email: EmailTransport,
    sms: SmsTransport,
    from: Mailbox,
    sms_from: String,
    cinema_name: String,
    signer: LinkSigner,
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
        })
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
        let first = due.name.split_whitespace().next().unwrap_or("");
        let cinema = &self.cinema_name;
        if due.locale.eq_ignore_ascii_case("en") {
            Words {
                subject: format!("Confirm your subscription to {cinema}'s weekly picks"),
                greeting: if first.is_empty() { "Hello,".into() } else { format!("Hello {first},") },
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
                greeting: if first.is_empty() { "Bonjour,".into() } else { format!("Bonjour {first},") },
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
        let header = html! {
            tr { td style="background:#7a1f1f;color:#fff;padding:20px 24px;border-radius:6px 6px 0 0;font-size:13px;letter-spacing:2px;text-transform:uppercase" {
                (self.cinema_name)
            } }
        };
        let content = html! {
            tr { td style="padding:20px 24px;font-size:16px;line-height:1.5" {
                p style="margin:0 0 12px 0" { (w.greeting) }
                p style="margin:0 0 20px 0" { (w.body) }
                p style="margin:0 0 20px 0" {
                    a href=(url) style="background:#7a1f1f;color:#fff;text-decoration:none;padding:12px 20px;border-radius:4px;font-family:Arial,sans-serif;font-size:16px;display:inline-block" {
                        (w.button)
                    }
                }
                p style="margin:0;font-size:13px;color:#666;font-family:Arial,sans-serif" { (w.expiry) br; (w.ignore) }
            } }
        };
        let lang = if due.locale.eq_ignore_ascii_case("en") { "en" } else { "fr" };
        let html = page(lang, &w.subject, header, content);
        let part = |content_type, body: String| {
            SinglePart::builder().header(content_type).header(ContentTransferEncoding::QuotedPrintable).body(body)
        };
        let domain = self.from.email.domain().to_owned();
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(due.name.clone()), to))
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
        let text = if due.locale.eq_ignore_ascii_case("en") {
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
        }
    }

    fn due(channel: Channel, locale: &str) -> ConfirmationDue {
        ConfirmationDue {
            subscription_id: 12,
            channel,
            address: if channel == Channel::Email { "lea@example.org".into() } else { "+33600000001".into() },
            name: "<Léa> Martin".into(),
            locale: locale.into(),
        }
    }

    #[test]
    fn the_confirmation_email_carries_the_link_escapes_the_name_and_offers_no_film() {
        let s = sender();
        let now = DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z").unwrap().with_timezone(&Utc);
        let url = s.signer.confirm_url(12, now + VALID_FOR);
        let message = s.email_message(&due(Channel::Email, "fr"), &url, "confirm/12/1", now).unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap().replace("=\r\n", "");
        assert!(raw.contains("Subject: Confirmez votre inscription"), "French by default: {raw}");
        assert!(raw.contains("Bonjour &lt;L=C3=A9a&gt;,"), "the name is escaped in HTML: {raw}");
        assert!(raw.contains("subscribe/confirm?token=3D12."), "the link is in the message: {raw}");
        assert!(!raw.contains("List-Unsubscribe"), "a confirmation is not a mailing");
        let english = s.email_message(&due(Channel::Email, "en"), &url, "confirm/12/1", now).unwrap();
        let english = String::from_utf8(english.formatted()).unwrap();
        assert!(english.contains("Subject: Confirm your subscription"), "{english}");
    }

    #[test]
    fn the_confirmation_sms_fits_one_message() {
        let s = sender();
        let now = Utc::now();
        let url = s.signer.confirm_url(1_234_567, now + VALID_FOR);
        let text = s.sms_text(&due(Channel::Sms, "fr"), &url);
        assert!(text.ends_with(&url), "{text}");
        assert!(
            gsm7::septets(&text).is_some_and(|n| n <= 160),
            "{} septets: {text}",
            gsm7::septets(&text).unwrap_or(0)
        );
    }
}
