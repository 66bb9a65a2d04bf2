//! The owner's sign-in: the password checked against an Argon2id hash from the environment, a signed session
//! cookie (`__Host-` prefixed, HttpOnly, SameSite=Strict, Secure), a CSRF token bound to the session in every
//! form that changes something, and the same-origin check of those forms.

use std::collections::HashMap;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::AppState;

type HmacSha256 = Hmac<Sha256>;

/// The cookie's name: `__Host-` makes browsers refuse it unless Secure, on path `/` and without a domain.
const SECURE_COOKIE: &str = "__Host-cinepicks_owner";
/// Without `serve.secure_cookies` the prefix is not allowed.
const PLAIN_COOKIE: &str = "cinepicks_owner";

/// Signs sessions with a key drawn at start: restarting the server signs every owner out, and no key is stored.
pub struct Sessions {
    key: [u8; 32],
    lifetime: Duration,
    secure: bool,
    /// The PHC string of the owner's password, or why the owner's pages are closed.
    password_hash: Result<String, String>,
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
}

impl Sessions {
    /// Reads the password hash from the variable `hash_env`; a missing or malformed hash closes the pages.
    pub fn new(hash_env: &str, lifetime_hours: u32, secure: bool) -> Self {
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
        Self {
            key: rand::random(),
            lifetime: Duration::from_secs(u64::from(lifetime_hours) * 3600),
            secure,
            password_hash,
        }
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

    /// The `Set-Cookie` value that signs out.
    pub fn end(&self) -> String {
        self.set_cookie("", 0)
    }

    fn set_cookie(&self, value: &str, max_age: u64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!("{}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}", self.cookie_name())
    }

    /// The owner of a genuine, unexpired session cookie in `headers`.
    pub fn owner(&self, headers: &HeaderMap, now: DateTime<Utc>) -> Option<Owner> {
        self.password_hash.as_ref().ok()?;
        let value = cookie(headers, self.cookie_name())?;
        let (payload, tag) = value.rsplit_once('.')?;
        let (expires, id) = payload.split_once('.')?;
        let tag = hex::decode(tag).ok()?;
        self.mac("session", payload).verify_slice(&tag).ok()?;
        if now.timestamp() > expires.parse::<i64>().ok()? {
            return None;
        }
        Some(Owner { csrf: hex::encode(&self.mac("csrf", id).finalize().into_bytes()[..16]) })
    }
}

/// The value of one cookie of the request.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (key, value) = c.trim().split_once('=')?;
        (key == name).then_some(value)
    })
}

/// A form posted from another site (its `Origin` or, failing that, `Referer` is not this host): refused, so that
/// no page elsewhere can make a signed-in owner's browser act.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else { return false };
    let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    match source {
        // Browsers send Origin on every POST; a client that sends neither is not a browser led by another site.
        None => true,
        Some(url) => {
            let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
            rest.split('/').next() == Some(host)
        }
    }
}

impl Owner {
    /// A refusal (403) unless a form that changes something carries this session's CSRF token and comes from
    /// this site.
    pub fn refuse_forged(&self, headers: &HeaderMap, form: &HashMap<String, String>) -> Option<Response> {
        let genuine = same_origin(headers) && form.get("csrf") == Some(&self.csrf);
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
        state.sessions.owner(&parts.headers, state.ctx.clock.now()).ok_or(SignIn(path))
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

    fn sessions(hash: Option<&str>) -> Sessions {
        Sessions {
            key: [7; 32],
            lifetime: Duration::from_secs(3600),
            secure: true,
            password_hash: hash.map(str::to_owned).ok_or_else(|| "closed".to_owned()),
        }
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
        let other = Sessions { key: [8; 32], ..sessions(Some("x")) };
        assert!(other.owner(&with_cookie(&set), now).is_none());
        // Two sessions get two CSRF tokens.
        let second = s.owner(&with_cookie(&s.start(now)), now).unwrap();
        assert_ne!(owner.csrf, second.csrf);
        assert!(s.end().contains("Max-Age=0"));
    }

    #[test]
    fn forms_from_another_site_are_refused() {
        let headers = |origin: Option<&str>| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, "cinema.example.org".parse().unwrap());
            if let Some(o) = origin {
                h.insert(header::ORIGIN, o.parse().unwrap());
            }
            h
        };
        assert!(same_origin(&headers(Some("https://cinema.example.org"))));
        assert!(!same_origin(&headers(Some("https://evil.example"))));
        assert!(!same_origin(&headers(Some("https://cinema.example.org.evil.example"))));
        assert!(same_origin(&headers(None)));
    }
}
