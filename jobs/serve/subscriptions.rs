//! Subscriptions seen from the web: the one-click unsubscribe of a message's signed link (RFC 8058), shared by
//! the confirmation page, the mail clients' POST and the API.

use axum::http::StatusCode;

use super::AppState;
use super::problem::Problem;

/// What an unsubscribe did.
#[derive(Debug, Clone)]
pub struct Unsubscribed {
    /// `email` or `sms`.
    pub channel: String,
    /// The address, partly hidden (`c•••@example.org`): a forwarded link must not reveal it whole.
    pub masked_address: String,
    /// False when the subscription was already stopped (clicking twice is fine).
    pub changed: bool,
}

/// Checks the token's signature, then stops that subscription and records when.
pub async fn unsubscribe(state: &AppState, token: &str) -> Result<Unsubscribed, Problem> {
    let id = check(state, token)?;
    let subscription = state.store.subscription(id).await?.ok_or_else(|| {
        Problem::new(StatusCode::GONE, "this subscription no longer exists; nothing more will be sent to it")
    })?;
    let changed = state.store.unsubscribe_subscription(id, state.ctx.clock.now()).await?;
    if changed {
        tracing::info!(subscription = id, channel = %subscription.channel, "unsubscribed by one-click link");
    }
    Ok(Unsubscribed { masked_address: mask(&subscription.address), channel: subscription.channel, changed })
}

/// The subscription id of a genuine token; a 422 naming `token` for anything else (forged, truncated, empty).
pub fn check(state: &AppState, token: &str) -> Result<i32, Problem> {
    if token.trim().is_empty() {
        return Err(Problem::invalid("token", "missing: use the link of the message you received"));
    }
    state.signer.verify_unsubscribe(token).ok_or_else(|| {
        Problem::invalid("token", "this unsubscribe link is not valid (mistyped, cut, or not from the cinema)")
    })
}

/// `camille@example.org` → `c•••@example.org`; `+33600000001` → `+33•••••••01`.
pub fn mask(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => {
            let chars: Vec<char> = address.chars().collect();
            if chars.len() <= 5 {
                return "•".repeat(chars.len());
            }
            let head: String = chars[..3].iter().collect();
            let tail: String = chars[chars.len() - 2..].iter().collect();
            format!("{head}{}{tail}", "•".repeat(chars.len() - 5))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_shown_partly_hidden() {
        assert_eq!(mask("camille@example.org"), "c•••@example.org");
        assert_eq!(mask("+33600000001"), "+33•••••••01");
        assert_eq!(mask("123"), "•••");
    }
}
