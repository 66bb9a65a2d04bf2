//! What every form posted to the site shares, whoever posts it (a visitor, a subscriber, the owner): the check
//! that it comes from this site, and reading the cookies it carries.

use axum::http::{HeaderMap, header};

/// The value of one cookie of the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (key, value) = c.trim().split_once('=')?;
        (key == name).then_some(value)
    })
}

/// A form posted from another site (its `Origin` or, failing that, `Referer` is neither the host the request
/// was sent to nor the site's public address, `notify.site_url`, which a reverse proxy may hide): refused, so that
/// no page elsewhere can make a visitor's or the owner's browser act.
pub fn same_origin(headers: &HeaderMap, site_url: &str) -> bool {
    let host_of = |url: &str| -> Option<String> {
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        rest.split(['/', '?', '#']).next().map(str::to_ascii_lowercase)
    };
    let Some(source) = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)) else {
        // Browsers send Origin on every POST; a client that sends neither is not a browser led by another site.
        return true;
    };
    // Present but unreadable: not this site.
    let Ok(source) = source.to_str() else { return false };
    let Some(from) = host_of(source) else { return false };
    let request_host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_ascii_lowercase);
    request_host.as_deref() == Some(from.as_str()) || host_of(site_url).as_deref() == Some(from.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let site = "https://cinema.example.org";
        assert!(same_origin(&headers(Some("https://cinema.example.org")), site));
        assert!(!same_origin(&headers(Some("https://evil.example")), site));
        assert!(!same_origin(&headers(Some("https://cinema.example.org.evil.example")), site));
        assert!(same_origin(&headers(None), site));
        // Behind nginx the request's Host may be the upstream's (127.0.0.1:8080): the site's address counts.
        let mut proxied = headers(Some("https://Cinema.example.org"));
        proxied.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(same_origin(&proxied, site));
        assert!(!same_origin(&proxied, "https://other.example"));
    }
}
