//! Links in messages: the signed one-click unsubscribe token (HMAC-SHA256 of the subscription id with a secret
//! from the environment), the time-limited links confirming a subscription (double opt-in) and recording
//! feedback on a film, and the short link to a week's picks, all derived, never stored.

use chrono::{DateTime, Utc};
use cinepicks_domain::IsoWeek;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the MAC kept in a token: 128 bits, as strong as the random tokens of the store.
const TAG_BYTES: usize = 16;

/// Signs and checks links with the cinema's secret.
#[derive(Clone)]
pub struct LinkSigner {
    secret: Vec<u8>,
    site_url: String,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkSigner").field("site_url", &self.site_url).finish_non_exhaustive()
    }
}

impl LinkSigner {
    pub fn new(secret: &[u8], site_url: &str) -> Self {
        Self { secret: secret.to_vec(), site_url: site_url.trim_end_matches('/').to_owned() }
    }

    fn mac(&self, purpose: &str, payload: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(payload.as_bytes());
        mac
    }

    /// `"<subscription id>.<32 hex digits>"`.
    pub fn unsubscribe_token(&self, subscription_id: i32) -> String {
        let tag = self.mac("unsubscribe", &subscription_id.to_string()).finalize().into_bytes();
        format!("{subscription_id}.{}", hex::encode(&tag[..TAG_BYTES]))
    }

    /// The subscription id of a genuine token (constant-time check), `None` for anything else.
    pub fn verify_unsubscribe(&self, token: &str) -> Option<i32> {
        let (id, tag) = token.trim().split_once('.')?;
        let subscription_id: i32 = id.parse().ok().filter(|n: &i32| n.to_string() == id)?;
        let tag = hex::decode(tag).ok()?;
        if tag.len() != TAG_BYTES {
            return None;
        }
        self.mac("unsubscribe", &subscription_id.to_string()).verify_truncated_left(&tag).ok()?;
        Some(subscription_id)
    }

    /// The one-click unsubscribe URL (RFC 8058: a POST to it unsubscribes, a GET shows a confirmation).
    pub fn unsubscribe_url(&self, subscription_id: i32) -> String {
        format!("{}/unsubscribe?token={}", self.site_url, self.unsubscribe_token(subscription_id))
    }

    /// `"<subscription id>.<expiry in Unix seconds, base 36>.<32 hex digits>"`: valid until `expires`.
    pub fn confirm_token(&self, subscription_id: i32, expires: DateTime<Utc>) -> String {
        self.expiring_token("confirm", subscription_id, expires)
    }

    /// The subscription id of a genuine token still valid at `now`.
    pub fn verify_confirm(&self, token: &str, now: DateTime<Utc>) -> Result<i32, ConfirmError> {
        self.verify_confirm_expiry(token, now).map(|(id, _)| id)
    }

    /// The subscription id of a genuine token still valid at `now`, and when it expires (it was issued
    /// [`VALID_FOR`](super::confirmation::VALID_FOR) before).
    pub fn verify_confirm_expiry(&self, token: &str, now: DateTime<Utc>) -> Result<(i32, DateTime<Utc>), ConfirmError> {
        self.verify_expiring("confirm", token, now)
    }

    /// A subscriber's feedback token (`"<customer id>.<expiry>.<32 hex digits>"`), valid until `expires`: it
    /// stands behind the buttons of the weekly e-mail and of the SMS page, the site's "recognised subscriber"
    /// cookie (set when one of them is pressed) and `POST /api/v1/feedback`. It records verdicts and shows the
    /// subscriber's own verdicts on films; nothing else about them (name, address, subscriptions).
    pub fn feedback_token(&self, customer_id: i32, expires: DateTime<Utc>) -> String {
        self.expiring_token("feedback", customer_id, expires)
    }

    /// The customer id of a genuine feedback token still valid at `now`, and when it expires.
    pub fn verify_feedback(&self, token: &str, now: DateTime<Utc>) -> Result<(i32, DateTime<Utc>), ConfirmError> {
        self.verify_expiring("feedback", token, now)
    }

    /// The link of one feedback button of an e-mail: a GET shows the choice again with a button, whose POST
    /// records it (mail scanners follow links, and must not vote).
    pub fn feedback_url(&self, token: &str, film_id: &str, kind: cinepicks_domain::FeedbackKind) -> String {
        format!("{}&kind={kind}", self.feedback_page_url(token, film_id))
    }

    /// The page where a subscriber gives their verdict on a film (the three buttons, none chosen yet): the one
    /// link per film of the plain-text e-mail.
    pub fn feedback_page_url(&self, token: &str, film_id: &str) -> String {
        format!("{}/feedback?token={token}&film={}", self.site_url, form_encode(film_id))
    }

    fn expiring_token(&self, purpose: &str, id: i32, expires: DateTime<Utc>) -> String {
        let expiry = base36(u64::from(u32::try_from(expires.timestamp()).unwrap_or(u32::MAX)));
        let tag = self.mac(purpose, &format!("{id}.{expiry}")).finalize().into_bytes();
        format!("{id}.{expiry}.{}", hex::encode(&tag[..TAG_BYTES]))
    }

    fn verify_expiring(
        &self,
        purpose: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<(i32, DateTime<Utc>), ConfirmError> {
        let mut parts = token.trim().splitn(3, '.');
        let (Some(id), Some(expiry), Some(tag)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(ConfirmError::Invalid);
        };
        // One spelling per id: "+12" and "012" are not 12.
        let id: i32 = id.parse().ok().filter(|n: &i32| n.to_string() == id).ok_or(ConfirmError::Invalid)?;
        let tag = hex::decode(tag).map_err(|_| ConfirmError::Invalid)?;
        if tag.len() != TAG_BYTES || !expiry.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()) {
            return Err(ConfirmError::Invalid);
        }
        self.mac(purpose, &format!("{id}.{expiry}")).verify_truncated_left(&tag).map_err(|_| ConfirmError::Invalid)?;
        let expires = u32::from_str_radix(expiry, 36).map_err(|_| ConfirmError::Invalid)?;
        if now.timestamp() > i64::from(expires) {
            return Err(ConfirmError::Expired);
        }
        let expires = DateTime::from_timestamp(i64::from(expires), 0).ok_or(ConfirmError::Invalid)?;
        Ok((id, expires))
    }

    /// The link of a confirmation message: a GET shows a button, whose POST confirms (mail scanners follow
    /// links, and must not subscribe anyone).
    pub fn confirm_url(&self, subscription_id: i32, expires: DateTime<Utc>) -> String {
        format!("{}/subscribe/confirm?token={}", self.site_url, self.confirm_token(subscription_id, expires))
    }

    /// A short link to one week's picks of a customer, for SMS: `/p/` then the week as `YYWW`, 64 bits of MAC
    /// in 13 base-36 digits and the customer id in base 36 (20 characters for a customer below 1.7 million).
    pub fn picks_url(&self, week: IsoWeek, customer_id: i32) -> String {
        format!("{}/p/{}", self.site_url, self.picks_code(&week.to_string(), customer_id).unwrap_or_default())
    }

    fn picks_code(&self, iso_week: &str, customer_id: i32) -> Option<String> {
        let (year, week) = iso_week.split_once("-W")?;
        let yy = year.parse::<u32>().ok().filter(|y| (2000..2100).contains(y))? - 2000;
        let tag = u64::from_be_bytes(self.picks_tag(iso_week, customer_id));
        let customer = base36(u64::from(u32::try_from(customer_id).ok()?));
        Some(format!("{yy:02}{:02}{:0>width$}{customer}", week.parse::<u32>().ok()?, base36(tag), width = TAG_DIGITS))
    }

    fn picks_tag(&self, iso_week: &str, customer_id: i32) -> [u8; 8] {
        let tag = self.mac("picks", &format!("{iso_week}/{customer_id}")).finalize().into_bytes();
        tag[..8].try_into().expect("a SHA-256 MAC has 32 bytes")
    }

    /// The week and customer of a genuine short-link code (constant-time check), `None` for anything else. Whether
    /// the link is still valid is [`picks_link_expired`]'s question.
    pub fn verify_picks(&self, code: &str) -> Option<(IsoWeek, i32)> {
        if !code.is_ascii() || code.len() <= 4 + TAG_DIGITS {
            return None;
        }
        let (yy, week) = (code[..2].parse::<u32>().ok()?, code[2..4].parse::<u32>().ok()?);
        let iso_week = format!("{}-W{week:02}", 2000 + yy);
        let tag = u64::from_str_radix(&code[4..4 + TAG_DIGITS], 36).ok()?;
        let customer_id = i32::try_from(u64::from_str_radix(&code[4 + TAG_DIGITS..], 36).ok()?).ok()?;
        let expected = self.mac("picks", &format!("{iso_week}/{customer_id}"));
        expected.verify_truncated_left(&tag.to_be_bytes()).ok()?;
        Some((IsoWeek::parse(&iso_week)?, customer_id))
    }
}

/// Weeks a short link keeps working after the week it was sent for: long enough to look at the picks again,
/// short enough that an old SMS found later shows nothing.
pub const PICKS_LINK_WEEKS: i64 = 4;

/// Until when the feedback buttons of `week`'s message work: as long as its short link.
pub fn feedback_expiry(week: IsoWeek, tz: &chrono_tz::Tz) -> DateTime<Utc> {
    let end = week.monday() + chrono::Duration::weeks(PICKS_LINK_WEEKS + 1);
    cinepicks_domain::calendar::start_of_day(end, tz).unwrap_or_else(|| end.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// True when the short link of `week` has expired by `today`'s week.
pub fn picks_link_expired(week: IsoWeek, today: IsoWeek) -> bool {
    (today.monday() - week.monday()).num_weeks() > PICKS_LINK_WEEKS
}

/// Why a confirmation token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmError {
    /// Forged, cut or mistyped.
    Invalid,
    /// Genuine, but older than its validity.
    Expired,
}

/// Base-36 digits of a short link's 64-bit MAC (36^13 > 2^64): guessing one link takes about 2^63 requests, and
/// lower-case letters and digits are GSM-7 and survive being read aloud.
const TAG_DIGITS: usize = 13;

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII digits")
}

/// `application/x-www-form-urlencoded` encoding of one value (also right in a URL's query string).
pub fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_tokens_verify_only_with_the_same_secret_and_id() {
        let signer = LinkSigner::new(b"secret one", "https://cinema.example.org/");
        let token = signer.unsubscribe_token(42);
        assert_eq!(signer.verify_unsubscribe(&token), Some(42));
        assert_eq!(LinkSigner::new(b"secret two", "x").verify_unsubscribe(&token), None);
        let forged = token.replacen("42.", "43.", 1);
        assert_eq!(signer.verify_unsubscribe(&forged), None);
        assert_eq!(signer.verify_unsubscribe("42"), None);
        assert_eq!(signer.verify_unsubscribe("42.zz"), None);
        assert!(signer.unsubscribe_url(42).starts_with("https://cinema.example.org/unsubscribe?token=42."));
    }

    #[test]
    fn confirmation_tokens_verify_until_they_expire_and_only_for_their_subscription() {
        let signer = LinkSigner::new(b"secret", "https://c.example");
        let now = DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z").unwrap().with_timezone(&Utc);
        let expires = now + chrono::Duration::days(7);
        let token = signer.confirm_token(7, expires);
        assert_eq!(signer.verify_confirm(&token, now), Ok(7));
        assert_eq!(signer.verify_confirm(&token, expires), Ok(7));
        assert_eq!(signer.verify_confirm(&token, expires + chrono::Duration::seconds(1)), Err(ConfirmError::Expired));
        // Another subscription, a later expiry, another secret, the unsubscribe token: all refused.
        assert_eq!(signer.verify_confirm(&token.replacen("7.", "8.", 1), now), Err(ConfirmError::Invalid));
        let later = signer.confirm_token(7, expires + chrono::Duration::days(30));
        let later_expiry = later.split('.').nth(1).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let stretched = format!("{}.{later_expiry}.{}", parts[0], parts[2]);
        assert_eq!(signer.verify_confirm(&stretched, now), Err(ConfirmError::Invalid));
        assert_eq!(LinkSigner::new(b"other", "x").verify_confirm(&token, now), Err(ConfirmError::Invalid));
        assert_eq!(signer.verify_confirm(&signer.unsubscribe_token(7), now), Err(ConfirmError::Invalid));
        assert!(signer.confirm_url(7, expires).starts_with("https://c.example/subscribe/confirm?token=7."));
    }

    #[test]
    fn feedback_tokens_are_their_own_and_expire() {
        let signer = LinkSigner::new(b"secret", "https://c.example");
        let now = DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z").unwrap().with_timezone(&Utc);
        let expires = now + chrono::Duration::weeks(5);
        let token = signer.feedback_token(12, expires);
        assert_eq!(signer.verify_feedback(&token, now), Ok((12, expires)));
        assert_eq!(signer.verify_feedback(&token, expires + chrono::Duration::seconds(1)), Err(ConfirmError::Expired));
        // A confirmation token of the same id and expiry is not a feedback token, nor the reverse.
        assert_eq!(signer.verify_feedback(&signer.confirm_token(12, expires), now), Err(ConfirmError::Invalid));
        assert_eq!(signer.verify_confirm(&token, now), Err(ConfirmError::Invalid));
        assert_eq!(signer.verify_feedback(&token.replacen("12.", "13.", 1), now), Err(ConfirmError::Invalid));
        assert_eq!(signer.verify_feedback(&format!("0{token}"), now), Err(ConfirmError::Invalid));
        assert_eq!(signer.verify_feedback(&format!("+{token}"), now), Err(ConfirmError::Invalid));
        assert_eq!(signer.verify_unsubscribe(&format!("0{}", signer.unsubscribe_token(12))), None);
        let url = signer.feedback_url(&token, "tt0211915", cinepicks_domain::FeedbackKind::NotForMe);
        assert_eq!(url, format!("https://c.example/feedback?token={token}&film=tt0211915&kind=not_for_me"));
    }

    #[test]
    fn short_links_are_stable_short_and_lead_back_to_their_week_and_customer() {
        let signer = LinkSigner::new(b"k", "https://c.example");
        let week = |w: &str| IsoWeek::parse(w).unwrap();
        let a = signer.picks_url(week("2026-W48"), 1);
        assert_eq!(a, signer.picks_url(week("2026-W48"), 1));
        assert_ne!(a, signer.picks_url(week("2026-W48"), 2));
        assert_eq!(a.len(), "https://c.example/p/".len() + 18);
        assert_eq!(signer.picks_url(week("2026-W05"), 1_000_000).len(), "https://c.example/p/".len() + 21);
        let code = |url: &str| url.rsplit('/').next().unwrap().to_owned();
        for (w, customer) in [("2026-W48", 1), ("2027-W01", 123_456), ("2026-W53", 0)] {
            let url = signer.picks_url(week(w), customer);
            assert_eq!(signer.verify_picks(&code(&url)), Some((week(w), customer)));
        }
        let genuine = code(&a);
        // Another customer's id behind the same tag, another secret, a cut or non-ASCII code: refused.
        assert_eq!(signer.verify_picks(&format!("{}2", &genuine[..genuine.len() - 1])), None);
        assert_eq!(LinkSigner::new(b"other", "x").verify_picks(&genuine), None);
        assert_eq!(signer.verify_picks(&genuine[..10]), None);
        assert_eq!(signer.verify_picks("2648ééééééé1"), None);
        // A tag of all zeros (a guess with the right shape) and a flipped tag digit: refused.
        assert_eq!(signer.verify_picks(&format!("2648{}1", "0".repeat(TAG_DIGITS))), None);
        let mut flipped = genuine.clone().into_bytes();
        flipped[4] = if flipped[4] == b'a' { b'b' } else { b'a' };
        assert_eq!(signer.verify_picks(&String::from_utf8(flipped).unwrap()), None);
    }

    #[test]
    fn short_links_expire_some_weeks_after_their_week() {
        let week = |w: &str| IsoWeek::parse(w).unwrap();
        assert!(!picks_link_expired(week("2026-W48"), week("2026-W48")));
        assert!(!picks_link_expired(week("2026-W48"), week("2026-W52")), "four weeks on: still valid");
        assert!(picks_link_expired(week("2026-W48"), week("2026-W53")));
        assert!(!picks_link_expired(week("2026-W52"), week("2027-W02")), "across a year");
        assert!(picks_link_expired(week("2025-W48"), week("2026-W48")));
    }
}
