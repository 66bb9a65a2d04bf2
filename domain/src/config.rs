//! A configuration value refused by the crate that owns its section: always names the key.

use std::fmt;

/// Why a configuration key's value was refused (`analyze.top_films`, `fetch.sources[2].url`…).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid value for configuration key `{key}`: {message}")]
pub struct InvalidConfig {
    pub key: String,
    pub message: String,
}

impl InvalidConfig {
    pub fn new(key: impl Into<String>, message: impl fmt::Display) -> Self {
        Self { key: key.into(), message: message.to_string() }
    }
}
