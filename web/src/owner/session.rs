//! The owner's sign-in: the password checked against an Argon2id hash from the environment (two checks at a
//! time at most, a client locked out after repeated failures), a signed session cookie (`__Host-` prefixed,
//! HttpOnly, SameSite=Strict, Secure) that signing out revokes on the server, a CSRF token bound to the session
//! in every form that changes something, and the same-origin check of those forms.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::forms::{cookie, same_origin};

type HmacSha256 = Hmac<Sha256>;

/// The cookie's name: `__Host-` makes browsers refuse it unless Secure, on path `/` and without a domain.
const SECURE_COOKIE: &str = "__Host-cinepicks_owner";
/// Without `serve.secure_cookies` the prefix is not allowed.
const PLAIN_COOKIE: &str = "cinepicks_owner";

/// Signs sessions with the key in `serve.session_key_env` (shared by every replica), else with a key drawn at start
/// (one replica; restarting it signs every owner out). Sign-outs are recorded in the store, so every replica
/// refuses a signed-out cookie.
pub struct Sessions {
    key: [u8; 32],
    lifetime: Duration,
    secure: bool,
    /// The PHC string of the owner's password, or why the owner's pages are closed.
    password_hash: Result<String, String>,
    /// Ids of the sessions signed out, with their expiry: a copied cookie dies with the sign-out, not hours later.
    revoked: Mutex<HashMap<String, i64>>,
    /// Failed sign-ins per client.
    failures: Mutex<HashMap<IpAddr, Failures>>,
    /// Argon2 takes 19 MiB and tens of milliseconds per check: at most this many run at once.
    checks: tokio::sync::Semaphore,
}

/// Consecutive failed sign-ins of one client, and since when it is locked out.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// Failed sign-ins in a row after which a client must wait [`LOCK_OUT`] (its next attempt is not even checked).
pub const FAILURES_BEFORE_LOCK_OUT: u32 = 5;
/// How long a client that failed [`FAILURES_BEFORE_LOCK_OUT`] times in a row is refused.
pub const LOCK_OUT: Duration = Duration::from_secs(15 * 60);
/// Clients whose failures are remembered; past it the oldest are forgotten (bounded memory).
const MAX_FAILING_CLIENTS: usize = 10_000;
/// Password checks running at once; more wait their turn, up to [`CHECK_WAIT`].
const CONCURRENT_CHECKS: usize = 2;
/// A sign-in waiting longer than this for a check is answered "busy" rather than queued for ever.
pub const CHECK_WAIT: Duration = Duration::from_secs(5);

/// Why a sign-in was not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotChecked {
    /// This client failed too often: locked out for this long.
    LockedOut(Duration),
    /// Too many checks are running.
    Busy,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions").field("secure", &self.secure).finish_non_exhaustive()
    }
}

/// An owner signed in (the extractor of every owner page); its CSRF token goes into forms.
#[derive(Debug, Clone)]
pub struct Owner {
    pub csrf: String,
    /// The session's id and expiry (Unix seconds), to record its sign-out.
    session: String,
    expires: i64,
}

impl Sessions {
    /// Reads the password hash from the variable `hash_env` and the signing key from `key_env`; a missing or
    /// malformed hash, or a weak key, closes the pages.
    pub fn new(hash_env: &str, key_env: &str, lifetime_hours: u32, secure: bool) -> Self {
        let password_hash = match std::env::var(hash_env) {
            Ok(hash) if PasswordHash::new(hash.trim()).is_ok() => Ok(hash.trim().to_owned()),
            Ok(_) => Err(format!(
                "the environment variable {hash_env} does not hold an Argon2 hash: make one with `cinepicks hash-password`"
            )),
            Err(_) => Err(format!(
                "the owner's pages are closed: set the environment variable {hash_env} (serve.owner_password_hash_env) \
                 to the hash `cinepicks hash-password` prints"
            )),
        };
        let (key, password_hash) = match std::env::var(key_env) {
            Ok(value) => match cinepicks_jobs::notify::check_secret(value.as_bytes()) {
                Ok(()) => (Sha256::digest(value.trim().as_bytes()).into(), password_hash),
                Err(why) => (rand::random(), Err(format!("the environment variable {key_env} {why:#}"))),
            },
            Err(_) => {
                tracing::info!(
                    "{key_env} is not set: owner sessions are signed with a key of this process (valid on this \
                     replica only, until it restarts)"
                );
                (rand::random(), password_hash)
            }
        };
        Self::with_key(key, Duration::from_secs(u64::from(lifetime_hours) * 3600), secure, password_hash)
    }

    fn with_key(key: [u8; 32], lifetime: Duration, secure: bool, password_hash: Result<String, String>) -> Self {
        Self {
            key,
            lifetime,
            secure,
            password_hash,
            revoked: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            checks: tokio::sync::Semaphore::new(CONCURRENT_CHECKS),
        }
    }

    /// Checks `password` for `client` on the blocking pool, unless the client is locked out or the checks are
    /// saturated; records the outcome (a success clears the client's failures).
    pub async fn check_password(
        self: &std::sync::Arc<Self>,
        client: Option<IpAddr>,
        password: String,
        now: Instant,
    ) -> Result<bool, NotChecked> {
        // Counted as the rate limit counts clients: an IPv6 /64 is one, whatever address in it is used.
        let client = client.map(crate::rate_limit::client_key);
        if let Some(wait) = client.and_then(|ip| self.locked_out(ip, now)) {
            return Err(NotChecked::LockedOut(wait));
        }
        let permit = tokio::time::timeout(CHECK_WAIT, self.checks.acquire()).await;
        let Ok(Ok(_permit)) = permit else { return Err(NotChecked::Busy) };
        let sessions = self.clone();
        let matches = tokio::task::spawn_blocking(move || sessions.password_matches(&password)).await.unwrap_or(false);
        if let Some(ip) = client {
            self.record(ip, matches, now);
        }
        Ok(matches)
    }

    /// How long `client` must still wait, when it is locked out.
    fn locked_out(&self, client: IpAddr, now: Instant) -> Option<Duration> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let f = failures.get(&client)?;
        let waited = now.saturating_duration_since(f.last);
        (f.count >= FAILURES_BEFORE_LOCK_OUT && waited < LOCK_OUT).then(|| LOCK_OUT - waited)
    }

    fn record(&self, client: IpAddr, success: bool, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if success {
            failures.remove(&client);
            return;
        }
        if failures.len() >= MAX_FAILING_CLIENTS && !failures.contains_key(&client) {
            failures.retain(|_, f| now.saturating_duration_since(f.last) < LOCK_OUT);
            if failures.len() >= MAX_FAILING_CLIENTS {
                let oldest = failures.iter().min_by_key(|(_, f)| f.last).map(|(ip, _)| *ip);
                oldest.map(|ip| failures.remove(&ip));
            }
        }
        let entry = failures.entry(client).or_insert(Failures { count: 0, last: now });
        // A lock-out served in full starts a new count.
        if now.saturating_duration_since(entry.last) >= LOCK_OUT {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = now;
    }

    /// Why the owner cannot sign in, when the pages are closed.
    pub fn closed(&self) -> Option<&str> {
        self.password_hash.as_ref().err().map(String::as_str)
    }

    /// True when `password` matches the hash (Argon2 takes tens of milliseconds: call it off the runtime).
    pub fn password_matches(&self, password: &str) -> bool {
        let Ok(hash) = &self.password_hash else { return false };
        let Ok(parsed) = PasswordHash::new(hash) else { return false };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
    }

    fn cookie_name(&self) -> &'static str {
        if self.secure { SECURE_COOKIE } else { PLAIN_COOKIE }
    }

    fn mac(&self, purpose: &str, payload: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(payload.as_bytes());
        mac
    }

    /// A new session's `Set-Cookie` value: `<expiry>.<random id>.<MAC>`.
    pub fn start(&self, now: DateTime<Utc>) -> String {
        let expires = now.timestamp() + self.lifetime.as_secs() as i64;
        let payload = format!("{expires}.{}", hex::encode(rand::random::<[u8; 16]>()));
        let tag = hex::encode(self.mac("session", &payload).finalize().into_bytes());
        self.set_cookie(&format!("{payload}.{tag}"), self.lifetime.as_secs())
    }

    /// Signs out `owner`'s session in this process (its cookie no longer opens anything, wherever it was copied;
    /// the caller records it in the store for the other replicas) and returns the `Set-Cookie` value that clears
    /// it in the browser.
    pub fn end(&self, owner: &Owner, now: DateTime<Utc>) -> String {
        let mut revoked = self.revoked.lock().unwrap_or_else(|p| p.into_inner());
        // Revocations of expired sessions are no longer needed: the expiry refuses them.
        revoked.retain(|_, &mut until| until >= now.timestamp());
        revoked.insert(owner.session.clone(), owner.expires);
        self.set_cookie("", 0)
    }

    fn set_cookie(&self, value: &str, max_age: u64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!("{}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}", self.cookie_name())
    }

    /// The expiry and id of a session cookie in `headers` signed with this server's key.
    fn genuine(&self, headers: &HeaderMap) -> Option<(i64, String)> {
        let value = cookie(headers, self.cookie_name())?;
        let (payload, tag) = value.rsplit_once('.')?;
        let (expires, id) = payload.split_once('.')?;
        let tag = hex::decode(tag).ok()?;
        self.mac("session", payload).verify_slice(&tag).ok()?;
        Some((expires.parse().ok()?, id.to_owned()))
    }

    /// The owner of a genuine, unexpired session cookie in `headers` that was not signed out.
    pub fn owner(&self, headers: &HeaderMap, now: DateTime<Utc>) -> Option<Owner> {
        self.password_hash.as_ref().ok()?;
        let (expires, id) = self.genuine(headers)?;
        if now.timestamp() > expires || self.revoked.lock().unwrap_or_else(|p| p.into_inner()).contains_key(&id) {
            return None;
        }
        let csrf = hex::encode(&self.mac("csrf", &id).finalize().into_bytes()[..16]);
        Some(Owner { csrf, session: id, expires })
    }
}

impl Owner {
    /// The session's id, as its sign-out is recorded in the store.
    pub fn session(&self) -> &str {
        &self.session
    }

    /// When the session expires (its sign-out need not be kept longer).
    pub fn expires_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.expires, 0).unwrap_or_default()
    }

    /// A refusal (403) unless a form that changes something carries this session's CSRF token and comes from
    /// this site.
    pub fn refuse_forged(
        &self,
        headers: &HeaderMap,
        site_url: &str,
        form: &HashMap<String, String>,
    ) -> Option<Response> {
        let genuine = same_origin(headers, site_url) && form.get("csrf") == Some(&self.csrf);
        let refusal = (StatusCode::FORBIDDEN, "this form is not from this site (CSRF token missing or wrong)");
        (!genuine).then(|| refusal.into_response())
    }
}

/// Not signed in: the sign-in page, coming back here afterwards.
pub struct SignIn(String);

impl IntoResponse for SignIn {
    fn into_response(self) -> Response {
        let next = cinepicks_jobs::notify::links::form_encode(&self.0);
        Redirect::to(&format!("/owner/login?next={next}")).into_response()
    }
}

impl FromRequestParts<AppState> for Owner {
    type Rejection = SignIn;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path_and_query().map_or("/owner", |p| p.as_str()).to_owned();
        let Some(owner) = state.sessions.owner(&parts.headers, state.ctx.clock.now()) else {
            return Err(SignIn(path));
        };
        // Signed out on another replica? Every replica records sign-outs in the store; unanswered, refuse.
        match state.store.signed_out(owner.session()).await {
            Ok(false) => Ok(owner),
            Ok(true) => Err(SignIn(path)),
            Err(error) => {
                tracing::error!(error = %error, "the store does not answer: owner session refused");
                Err(SignIn(path))
            }
        }
    }
}

/// `cinepicks hash-password`: the Argon2id PHC string of a password, for `serve.owner_password_hash_env`.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    fn sessions(hash: Option<&str>) -> Sessions {
        let hash = hash.map(str::to_owned).ok_or_else(|| "closed".to_owned());
        Sessions::with_key([7; 32], Duration::from_secs(3600), true, hash)
    }

    fn with_cookie(set_cookie: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let pair = set_cookie.split(';').next().unwrap();
        headers.insert(header::COOKIE, format!("theme=dark; {pair}").parse().unwrap());
        headers
    }

    #[test]
    fn a_password_matches_its_hash_only() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let s = sessions(Some(&hash));
        assert!(s.password_matches("correct horse"));
        assert!(!s.password_matches("correct horse "));
        assert!(!sessions(None).password_matches("correct horse"));
    }

    #[test]
    fn a_session_cookie_holds_until_it_expires_and_cannot_be_forged() {
        let s = sessions(Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"));
        let now = Utc::now();
        let set = s.start(now);
        assert!(set.starts_with("__Host-cinepicks_owner=") && set.contains("HttpOnly") && set.contains("Secure"));
        assert!(set.contains("SameSite=Strict") && set.contains("Path=/"), "{set}");
        let owner = s.owner(&with_cookie(&set), now).expect("the fresh session is accepted");
        assert_eq!(owner.csrf.len(), 32);
        assert!(s.owner(&with_cookie(&set), now + chrono::Duration::hours(2)).is_none(), "expired");
        // A longer expiry with the same MAC, or another server's key: refused.
        let value = set.split(';').next().unwrap().split_once('=').unwrap().1;
        let (expires, rest) = value.split_once('.').unwrap();
        let stretched = format!("__Host-cinepicks_owner={}.{rest}", expires.parse::<i64>().unwrap() + 86_400);
        assert!(s.owner(&with_cookie(&stretched), now).is_none());
        let other = Sessions::with_key([8; 32], Duration::from_secs(3600), true, Ok("x".into()));
        assert!(other.owner(&with_cookie(&set), now).is_none());
        // Two sessions get two CSRF tokens; signing one out revokes it on the server and leaves the other open.
        let second_cookie = s.start(now);
        let second = s.owner(&with_cookie(&second_cookie), now).unwrap();
        assert_ne!(owner.csrf, second.csrf);
        assert!(s.end(&owner, now).contains("Max-Age=0"));
        assert!(s.owner(&with_cookie(&set), now).is_none(), "a signed-out cookie replayed");
        assert!(s.owner(&with_cookie(&second_cookie), now).is_some());
    }

    #[tokio::test]
    async fn a_client_failing_five_times_is_locked_out_while_others_still_sign_in() {
        let s = std::sync::Arc::new(sessions(Some(&hash_password("right").unwrap())));
        let (guesser, owner): (IpAddr, IpAddr) = ("192.0.2.9".parse().unwrap(), "198.51.100.1".parse().unwrap());
        let start = Instant::now();
        for _ in 0..FAILURES_BEFORE_LOCK_OUT {
            assert_eq!(s.check_password(Some(guesser), "guess".into(), start).await, Ok(false));
        }
        let locked = s.check_password(Some(guesser), "right".into(), start).await;
        assert!(
            matches!(locked, Err(NotChecked::LockedOut(wait)) if wait > Duration::from_secs(14 * 60)),
            "{locked:?}"
        );
        assert_eq!(s.check_password(Some(owner), "right".into(), start).await, Ok(true));
        let later = start + LOCK_OUT;
        assert_eq!(s.check_password(Some(guesser), "right".into(), later).await, Ok(true), "the lock-out ends");
    }
}
