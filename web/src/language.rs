//! The language of a response: `?lang=fr|en`, else the first of French or English in `Accept-Language`, else the
//! configured `locale` (French by default). The API refuses other `lang` values; pages fall back quietly.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Query};
use axum::http::header;
use axum::http::request::Parts;

use cinepicks_domain::Language;

use super::AppState;
use super::problem::Problem;

/// The language of an API response.
pub struct ApiLanguage(pub Language);

/// The language of a page.
pub struct PageLanguage(pub Language);

impl FromRequestParts<AppState> for ApiLanguage {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match query_lang(parts) {
            Some(value) => parse(&value)
                .map(Self)
                .ok_or_else(|| Problem::invalid("lang", format!("{value:?} is not a language of the site: fr or en"))),
            None => Ok(Self(from_headers(parts).unwrap_or_else(|| configured(state)))),
        }
    }
}

impl FromRequestParts<AppState> for PageLanguage {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let chosen = query_lang(parts).and_then(|v| parse(&v)).or_else(|| from_headers(parts));
        Ok(Self(chosen.unwrap_or_else(|| configured(state))))
    }
}

/// `fr` or `en` as used in URLs and the `lang` attribute.
pub fn code(language: Language) -> &'static str {
    match language {
        Language::Fr => "fr",
        Language::En => "en",
    }
}

fn configured(state: &AppState) -> Language {
    state.ctx.config.locale
}

fn parse(value: &str) -> Option<Language> {
    match value.trim().to_ascii_lowercase().as_str() {
        "fr" => Some(Language::Fr),
        "en" => Some(Language::En),
        _ => None,
    }
}

fn query_lang(parts: &Parts) -> Option<String> {
    let Query(mut params) = Query::<HashMap<String, String>>::try_from_uri(&parts.uri).ok()?;
    params.remove("lang")
}

/// The preferred of French and English in `Accept-Language` (`en-GB,en;q=0.9,fr;q=0.8` → English).
fn from_headers(parts: &Parts) -> Option<Language> {
    let header = parts.headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(f32, Language)> = None;
    for item in header.split(',') {
        let mut pieces = item.split(';');
        let tag = pieces.next()?.trim().to_ascii_lowercase();
        let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(language) = parse(primary)
            && q > 0.0
            && best.is_none_or(|(b, _)| q > b)
        {
            best = Some((q, language));
        }
    }
    best.map(|(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(uri: &str, accept: Option<&str>) -> Parts {
        let mut builder = axum::http::Request::builder().uri(uri);
        if let Some(a) = accept {
            builder = builder.header(header::ACCEPT_LANGUAGE, a);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_query_wins_then_the_preferred_of_french_and_english() {
        assert_eq!(query_lang(&parts("/films?q=a&lang=en", None)).as_deref(), Some("en"));
        assert_eq!(query_lang(&parts("/films?q=Am%C3%A9lie", None)), None);
        assert_eq!(from_headers(&parts("/", Some("en-GB,en;q=0.9,fr;q=0.8"))), Some(Language::En));
        assert_eq!(from_headers(&parts("/", Some("de-DE,fr;q=0.5,en;q=0.4"))), Some(Language::Fr));
        assert_eq!(from_headers(&parts("/", Some("de, it;q=0.9"))), None);
        assert_eq!(from_headers(&parts("/", Some("en;q=0, fr;q=0.1"))), Some(Language::Fr));
    }
}
