//! Links in messages: the signed one-click unsubscribe token (HMAC-SHA256 of the subscription id with a secret
//! from the environment) and the short link to a week's picks, both derived, never stored.

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
        let subscription_id: i32 = id.parse().ok()?;
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

    /// A short link to one delivery's picks (`/p/` and 10 characters), for SMS.
    pub fn picks_url(&self, iso_week: &str, customer_id: i32) -> String {
        let tag = self.mac("picks", &format!("{iso_week}/{customer_id}")).finalize().into_bytes();
        format!("{}/p/{}", self.site_url, hex::encode(&tag[..5]))
    }
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
    fn short_links_are_stable_and_differ_by_customer() {
        let signer = LinkSigner::new(b"k", "https://c.example");
        let a = signer.picks_url("2026-W48", 1);
        assert_eq!(a, signer.picks_url("2026-W48", 1));
        assert_ne!(a, signer.picks_url("2026-W48", 2));
        assert_eq!(a.len(), "https://c.example/p/".len() + 10);
    }
}
