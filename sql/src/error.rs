//! The store's error type: what failed, on which table, run or customer, and what to do about it.

use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store at {url}: {source}")]
    Connect { url: String, source: DbErr },
    #[error("unsupported database URL {url}: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl { url: String },
    #[error("migrating the store failed: {0}")]
    Migrate(DbErr),
    #[error("database error while {doing}: {source}")]
    Db { doing: String, source: DbErr },
    #[error("{artefact}: {message}")]
    Artefact { artefact: String, message: String },
    #[error("model run {run_id}: {message}")]
    Run { run_id: String, message: String },
    #[error("no customer matches {0:?} (give an e-mail address, a phone number or a customer id)")]
    UnknownCustomer(String),
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    pub fn artefact(artefact: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Artefact { artefact: artefact.into(), message: message.into() }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Attaches what the store was doing to a database error (`.during("loading similar films")`).
pub trait During<T> {
    fn during(self, doing: impl Into<String>) -> Result<T>;
}

impl<T> During<T> for Result<T, DbErr> {
    fn during(self, doing: impl Into<String>) -> Result<T> {
        self.map_err(|source| StoreError::Db { doing: doing.into(), source })
    }
}

/// A database URL with any password replaced by `***`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    format!("{scheme}://{authority}{}", redact_query(tail))
}

/// `?password=…` (and `passfile`, `sslpassword`) in a URL's query: libpq and sqlx accept the password there too.
fn redact_query(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else { return tail.to_owned() };
    let parameters: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.to_ascii_lowercase().contains("pass") => format!("{key}=***"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{path}?{}", parameters.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_redacted_urls() {
        assert_eq!(redact_url("postgres://app:s3cret@db:5432/cine"), "postgres://app:***@db:5432/cine");
        assert_eq!(redact_url("postgres://app@db/cine"), "postgres://app@db/cine");
        assert_eq!(redact_url("sqlite:///data/cinepicks.db?mode=rwc"), "sqlite:///data/cinepicks.db?mode=rwc");
        assert_eq!(
            redact_url("postgres://db/cine?user=app&password=s3cret&sslmode=require"),
            "postgres://db/cine?user=app&password=***&sslmode=require"
        );
        assert_eq!(redact_url("postgres://a:b@db/cine?sslpassword=k"), "postgres://a:***@db/cine?sslpassword=***");
    }
}
