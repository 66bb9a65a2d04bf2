//! The OpenAPI 3.1 document of the REST API (`/api/openapi.json`, derived from the handlers' annotations) and a
//! docs page rendered from it on the server (no external script, unlike the usual API explorers).

use axum::Router;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use maud::{DOCTYPE, html};
use utoipa::OpenApi;

use super::AppState;
use super::{api, feedback, programme, subscriptions};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "cinepicks",
        description = "Films of the cinema's catalogue, similar films with their reasons, picks for liked films, \
                       popularity of a film to come, its audience, suggestions for a profile, and subscriptions to \
                       the weekly picks (double opt-in, one-click unsubscribe) and subscribers' verdicts on films. Errors are RFC 9457 problem details \
                       (`application/problem+json`) whose `field` names the input at fault.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        api::health,
        api::search,
        api::film_details,
        api::similar,
        api::recommendations,
        api::predict,
        api::audience,
        api::suggest,
        programme::screenings_endpoint,
        subscriptions::subscribe_endpoint,
        subscriptions::confirm_endpoint,
        subscriptions::unsubscribe_endpoint,
        feedback::feedback_endpoint
    ),
    tags(
        (name = "films", description = "The catalogue and the recommender"),
        (name = "models", description = "The popularity and audience models"),
        (name = "subscriptions", description = "The weekly picks' subscriptions"),
        (name = "operations", description = "For monitoring"),
    )
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new().route("/openapi.json", get(document)).route("/docs", get(docs))
}

async fn document() -> Response {
    axum::Json(ApiDoc::openapi()).into_response()
}

/// Every operation with its method, path, summary and responses, and a link to the document.
async fn docs() -> Html<String> {
    let doc = ApiDoc::openapi();
    let mut operations = Vec::new();
    for (path, item) in &doc.paths.paths {
        let methods = [("GET", &item.get), ("POST", &item.post), ("PUT", &item.put), ("DELETE", &item.delete)];
        for (method, operation) in methods {
            if let Some(op) = operation {
                operations.push((method, path.clone(), op.clone()));
            }
        }
    }
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "cinepicks API" }
                link rel="stylesheet" href="/assets/style.css";
            }
            body {
                main {
                    h1 { "cinepicks REST API" }
                    p { (doc.info.description.clone().unwrap_or_default()) }
                    p { "The machine-readable document (OpenAPI 3.1): " a href="/api/openapi.json" { "/api/openapi.json" } "." }
                    @for (method, path, op) in &operations {
                        section.operation {
                            h2 { code { (method) " " (path) } }
                            @if let Some(summary) = &op.summary { p { (summary) } }
                            @if let Some(description) = &op.description { p { (description) } }
                            @if let Some(parameters) = &op.parameters {
                                h3 { "Parameters" }
                                ul {
                                    @for p in parameters {
                                        li { code { (p.name) } " (" (serde_json::to_value(&p.parameter_in).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()) ") " (p.description.clone().unwrap_or_default()) }
                                    }
                                }
                            }
                            h3 { "Responses" }
                            ul {
                                @for (status, response) in &op.responses.responses {
                                    li { code { (status) } " " (response_description(response)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Html(page.into_string())
}

fn response_description(response: &utoipa::openapi::RefOr<utoipa::openapi::Response>) -> String {
    match response {
        utoipa::openapi::RefOr::T(r) => r.description.clone(),
        utoipa::openapi::RefOr::Ref(r) => r.ref_location.clone(),
    }
}
