//! The files the pages load from this server only (the CSP allows nothing else): the stylesheets, the placeholder
//! poster (an SVG), the small script filling the search box's suggestions and the one replacing posters that fail
//! to load.

use std::sync::LazyLock;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use cinepicks_domain::identity;

use super::AppState;

/// Where the placeholder poster is served; pages use it when a film has no known poster, and the stylesheet
/// shows it behind every poster, so a poster that fails to load leaves the placeholder (and its alt text).
pub const PLACEHOLDER_POSTER: &str = "/assets/poster-placeholder.svg";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/style.css", get(|| asset("text/css; charset=utf-8", &SITE_STYLE)))
        // The analysis report's content styles, for the owner's dashboard.
        .route("/assets/report.css", get(|| asset("text/css; charset=utf-8", cinepicks_pipeline::report::CONTENT_CSS)))
        .route(PLACEHOLDER_POSTER, get(|| asset("image/svg+xml", PLACEHOLDER_SVG)))
        .route("/assets/suggest.js", get(|| asset("text/javascript; charset=utf-8", SUGGEST_JS)))
        .route("/assets/posters.js", get(|| asset("text/javascript; charset=utf-8", POSTERS_JS)))
}

async fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body)
}

// The files themselves live in `web/assets/`, compiled into the binary (nothing to deploy beside it).
/// A neutral film-frame drawing, 2:3 like posters.
const PLACEHOLDER_SVG: &str = include_str!("../assets/poster-placeholder.svg");
const STYLE: &str = include_str!("../assets/style.css");
/// The site's stylesheet after the cinema's identity (its colours and faces as CSS variables).
static SITE_STYLE: LazyLock<String> = LazyLock::new(|| identity::css_variables() + STYLE);
const POSTERS_JS: &str = include_str!("../assets/posters.js");
const SUGGEST_JS: &str = include_str!("../assets/suggest.js");
