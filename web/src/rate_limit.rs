//! Rate limits per client: a token bucket per IP address. The public API gets `serve.rate_limit_per_minute`
//! requests a minute (as a burst or spread out), answered 429 with `Retry-After` when empty; sign-ins and
//! subscriptions, which cost a hash or a message, get a few a minute (`Shared::forms_limiter`).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::problem::Problem;

/// Buckets kept before idle ones are dropped (a full bucket and a missing one behave the same).
const MAX_CLIENTS: usize = 10_000;

/// Token buckets by client address.
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// `per_minute` 0 turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token of `client`'s bucket, or says how long until one is there.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().expect("rate limit lock");
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(&client) {
            // Buckets idle for a minute are full again: forgetting them changes nothing.
            buckets.retain(|_, b| now.duration_since(b.updated) < Duration::from_secs(60));
        }
        let bucket = buckets.entry(client).or_insert(Bucket { tokens: capacity, updated: now });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

/// The client of a request: the connection's peer, or with `serve.behind_proxy` the last address the proxy
/// appended to `X-Forwarded-For`.
fn client_of(state: &AppState, headers: &HeaderMap, extensions: &Extensions) -> Option<IpAddr> {
    let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded = state
        .config
        .behind_proxy
        .then(|| {
            let value = headers.get("x-forwarded-for")?.to_str().ok()?;
            value.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
        })
        .flatten();
    forwarded.or(peer)
}

/// The client of a request, for the handlers that limit it themselves (sign-ins, subscriptions).
pub struct Client(pub Option<IpAddr>);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(client_of(state, &parts.headers, &parts.extensions)))
    }
}

/// Middleware of `/api/v1` (health excepted: monitoring polls it). The client is the connection's peer, or with
/// `serve.behind_proxy` the last address the proxy appended to `X-Forwarded-For`.
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.uri().path().ends_with("/health") {
        return next.run(request).await;
    }
    let Some(client) = client_of(&state, request.headers(), request.extensions()) else {
        return next.run(request).await;
    };
    match state.rate_limiter.check(client, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let seconds = wait.as_secs().max(1);
            let mut response = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many requests from this address; try again in {seconds} s (serve.rate_limit_per_minute)"),
            )
            .into_response();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_waits_while_others_are_untouched() {
        let limiter = RateLimiter::new(3);
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check(a, start).is_ok());
        }
        let wait = limiter.check(a, start).unwrap_err();
        assert!((19..=20).contains(&wait.as_secs()), "one token every 20 s: {wait:?}");
        assert!(limiter.check(b, start).is_ok(), "another client has its own bucket");
        assert!(limiter.check(a, start + Duration::from_secs(20)).is_ok(), "a token came back");
        assert!(RateLimiter::new(0).check(a, start).is_ok(), "0 turns the limit off");
    }
}
