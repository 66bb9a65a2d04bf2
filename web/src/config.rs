//! The web site's section of the configuration (`serve`), validated with an error naming the key.

use std::net::SocketAddr;

use cinepicks_domain::InvalidConfig;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServeConfig {
    /// Address and port to listen on.
    pub addr: String,
    /// A request still running after this is answered 503.
    pub request_timeout_secs: u64,
    /// Largest request body accepted.
    pub body_limit_bytes: usize,
    /// Seconds between two checks for a newly published run.
    pub reload_secs: u64,
    /// Films on the home page.
    pub home_films: usize,
    /// Requests a minute one client may make to the API (0: no limit).
    pub rate_limit_per_minute: u32,
    /// Behind a reverse proxy: the client is read from `X-Forwarded-For`, not the connection's peer.
    pub behind_proxy: bool,
    /// Proxies in front of the server that each append the address they saw to `X-Forwarded-For` (a CDN and
    /// nginx: 2): the client is that many addresses from the right.
    pub proxy_hops: usize,
    /// Addresses the proxy connects from: `X-Forwarded-For` is believed only on their connections (a client
    /// reaching the server directly cannot pick its address).
    #[serde(default = "loopback")]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// A connection that has not sent a request's headers within this is closed (slow clients holding
    /// connections open, "slowloris"); an idle kept-alive connection is closed after the same time.
    pub header_read_timeout_secs: u64,
    /// Environment variable holding the Argon2id hash of the owner's password (unset: owner pages closed).
    pub owner_password_hash_env: String,
    /// Environment variable holding the key that signs the owner's sessions, the same on every replica (unset:
    /// a key drawn at start, valid on this process only).
    pub session_key_env: String,
    pub owner_session_hours: u32,
    /// The owner's session cookie is sent over HTTPS only (browsers also allow http://localhost).
    pub secure_cookies: bool,
}

fn loopback() -> Vec<std::net::IpAddr> {
    vec![std::net::Ipv4Addr::LOCALHOST.into(), std::net::Ipv6Addr::LOCALHOST.into()]
}

impl ServeConfig {
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        self.addr.parse::<SocketAddr>().map_err(|e| {
            InvalidConfig::new(
                "serve.addr",
                format!("{:?} is not an address and port such as 127.0.0.1:8080 ({e})", self.addr),
            )
        })?;
        if !(1..=300).contains(&self.request_timeout_secs) {
            return Err(InvalidConfig::new("serve.request_timeout_secs", "must be between 1 and 300"));
        }
        if !(1024..=10 << 20).contains(&self.body_limit_bytes) {
            return Err(InvalidConfig::new("serve.body_limit_bytes", "must be between 1024 and 10485760"));
        }
        if self.reload_secs == 0 {
            return Err(InvalidConfig::new("serve.reload_secs", "must be at least 1"));
        }
        if !(1..=100).contains(&self.home_films) {
            return Err(InvalidConfig::new("serve.home_films", "must be between 1 and 100"));
        }
        if !(1..=5).contains(&self.proxy_hops) {
            return Err(InvalidConfig::new("serve.proxy_hops", "must be between 1 and 5"));
        }
        if !(1..=120).contains(&self.header_read_timeout_secs) {
            return Err(InvalidConfig::new("serve.header_read_timeout_secs", "must be between 1 and 120"));
        }
        if !(1..=168).contains(&self.owner_session_hours) {
            return Err(InvalidConfig::new("serve.owner_session_hours", "must be between 1 and 168"));
        }
        Ok(())
    }
}
