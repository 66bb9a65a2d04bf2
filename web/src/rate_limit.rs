//! Rate limits per client: a token bucket per client. Every page and the API share
//! `serve.rate_limit_per_minute` requests a minute (as a burst or spread out), answered 429 with `Retry-After`
//! when empty; sign-ins and subscriptions, which cost a hash or a message, get a few a minute
//! (`Shared::forms_limiter`). A client is an IPv4 address or an IPv6 /64 (what one subscriber line gets), and
//! behind a proxy (a connection from `serve.trusted_proxies`) the address `serve.proxy_hops` from the right of
//! `X-Forwarded-For`.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::problem::Problem;

/// Buckets are spread over this many independently locked shards: a request locks one, never the whole table.
const SHARDS: usize = 64;
/// Buckets per shard: memory stays bounded (16,384 clients tracked) whatever the number of addresses seen.
const PER_SHARD: usize = 256;

/// Token buckets by client, in shards of bounded size.
pub struct RateLimiter {
    per_minute: u32,
    shards: Vec<Mutex<HashMap<IpAddr, Bucket>>>,
    /// Keyed per process: a client cannot choose addresses that all land in one shard.
    hasher: RandomState,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// `per_minute` 0 turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        let shards = (0..SHARDS).map(|_| Mutex::new(HashMap::with_capacity(PER_SHARD))).collect();
        Self { per_minute, shards, hasher: RandomState::new() }
    }

    /// Takes one token of `client`'s bucket, or says how long until one is there.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let key = client_key(client);
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let shard = &self.shards[self.hasher.hash_one(key) as usize % SHARDS];
        let mut buckets = shard.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= PER_SHARD && !buckets.contains_key(&key) {
            // A bucket idle for a minute is full again: forgetting it changes nothing. When none is, the least
            // recently used one goes (a scan of one shard, not of the table).
            buckets.retain(|_, b| now.duration_since(b.updated) < Duration::from_secs(60));
            if buckets.len() >= PER_SHARD {
                let oldest = buckets.iter().min_by_key(|(_, b)| b.updated).map(|(k, _)| *k);
                oldest.map(|k| buckets.remove(&k));
            }
        }
        let bucket = buckets.entry(key).or_insert(Bucket { tokens: capacity, updated: now });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = bucket.updated.max(now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.shards.iter().map(|s| s.lock().unwrap().len()).sum()
    }
}

/// What one client is: an IPv4 address, or the /64 of an IPv6 one (a home or phone line gets a whole /64, and
/// would otherwise have 2^64 fresh buckets); IPv4 mapped into IPv6 is IPv4.
pub(crate) fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(v6.to_bits() & !u128::from(u64::MAX))),
        },
    }
}

/// The client of a request: the connection's peer, or with `serve.behind_proxy` the address `serve.proxy_hops`
/// from the right of `X-Forwarded-For` (every line of it, in order): each trusted proxy appends the address it
/// saw, so the addresses to their left are the client's word and are never believed.
fn client_of(state: &AppState, headers: &HeaderMap, extensions: &Extensions) -> Option<IpAddr> {
    let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let config = &state.config;
    let from_proxy = peer.is_some_and(|p| config.trusted_proxies.contains(&p.to_canonical()));
    if !(config.behind_proxy && from_proxy) {
        return peer;
    }
    forwarded_client(headers, config.proxy_hops).or(peer)
}

fn forwarded_client(headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    let lines: Vec<&str> = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    let addresses: Vec<&str> = lines.iter().flat_map(|line| line.split(',')).map(str::trim).collect();
    let address = addresses.len().checked_sub(hops.max(1)).map(|i| addresses[i])?;
    address.parse::<IpAddr>().ok()
}

/// The client of a request, for the handlers that limit it themselves (sign-ins, subscriptions).
pub struct Client(pub Option<IpAddr>);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(client_of(state, &parts.headers, &parts.extensions)))
    }
}

/// Middleware of every page and of the API, but not of `/assets/` (a page's own files) nor
/// `/api/v1/health` (monitoring polls it).
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.starts_with("/assets/") || path == "/api/v1/health" {
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

    #[test]
    fn an_ipv6_client_is_its_slash_64() {
        let limiter = RateLimiter::new(2);
        let start = Instant::now();
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let same_line: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap();
        let next_line: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(limiter.check(one, start).is_ok() && limiter.check(same_line, start).is_ok());
        assert!(limiter.check("2001:db8:1:2:abcd::9".parse().unwrap(), start).is_err(), "the /64 is one client");
        assert!(limiter.check(next_line, start).is_ok());
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_key(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn memory_stays_bounded_under_a_flood_of_addresses_and_active_clients_keep_their_bucket() {
        let limiter = RateLimiter::new(2);
        let start = Instant::now();
        let regular: IpAddr = "198.51.100.1".parse().unwrap();
        assert!(limiter.check(regular, start).is_ok() && limiter.check(regular, start).is_ok());
        for i in 0..100_000u32 {
            let ip = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            let _ = limiter.check(ip, start + Duration::from_micros(u64::from(i)));
            if i % 1000 == 0 {
                // The regular client keeps coming back: its bucket is recent, never the one evicted.
                assert!(limiter.check(regular, start + Duration::from_micros(u64::from(i))).is_err());
            }
        }
        assert!(limiter.tracked() <= SHARDS * PER_SHARD, "{} buckets", limiter.tracked());
    }

    #[test]
    fn behind_proxies_the_client_is_counted_from_the_right() {
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", "203.0.113.9, 198.51.100.20".parse().unwrap());
        headers.append("x-forwarded-for", "192.0.2.30".parse().unwrap());
        let client = |hops| forwarded_client(&headers, hops).map(|ip| ip.to_string());
        assert_eq!(client(1).as_deref(), Some("192.0.2.30"), "one proxy: the address it appended");
        assert_eq!(client(2).as_deref(), Some("198.51.100.20"), "two proxies: the one before the last");
        assert_eq!(client(4), None, "fewer addresses than proxies: not believed");
        let mut spoofed = HeaderMap::new();
        spoofed.append("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(forwarded_client(&spoofed, 1), None);
    }
}
