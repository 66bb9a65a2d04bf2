//! The owner's pages, behind a sign-in: the KPI dashboard (the analysis marts as charts with their readings,
//! live from the data), the popularity estimator, the audience tool, operations and screenings. `session` checks
//! who is signed in; `tools` holds the two model forms; `operations` the jobs, model, deliveries, subscriptions
//! and subscribers' verdicts; `screenings` adds, changes and removes the cinema's screenings; `synopses` lets
//! the owner write a film's synopsis in French (TMDB's are English).

pub mod operations;
pub mod screenings;
pub mod session;
pub mod synopses;
pub mod tools;

use std::collections::HashMap;
use std::time::Instant;

use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use tower_http::set_header::SetResponseHeaderLayer;

use cinepicks_domain::Language;

use super::AppState;
use super::language::{PageLanguage, code};
use super::pages::{link, t};
use super::rate_limit::Client;
use crate::forms::same_origin;
use session::{NotChecked, Owner};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/owner", get(dashboard))
        .route("/owner/login", get(login_page).post(login))
        .route("/owner/logout", post(logout))
        .route("/owner/popularity", get(tools::popularity))
        .route("/owner/audience", get(tools::audience))
        .route("/owner/operations", get(operations::page).post(operations::set_programme))
        .route("/owner/screenings", get(screenings::page).post(screenings::save))
        .route("/owner/screenings/{id}/remove", post(screenings::remove))
        .route("/owner/films/{id}/synopsis", get(synopses::page).post(synopses::save))
        // Pages with the cinema's figures: never kept by a browser or a proxy, never indexed.
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static("noindex"),
        ))
}

/// The owner's pages share this frame: their own navigation, and the sign-out form with its CSRF token.
fn layout(state: &AppState, language: Language, owner: Option<&Owner>, title: &str, body: Markup) -> Html<String> {
    let cinema = &state.ctx.config.notify.cinema_name;
    let page = html! {
        (DOCTYPE)
        html lang=(code(language)) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) " · " (cinema) }
                link rel="stylesheet" href="/assets/style.css";
                link rel="stylesheet" href="/assets/report.css";
                script src="/assets/suggest.js" defer {}
            }
            body {
                a.skip href="#content" { (t(language, "Aller au contenu", "Skip to content")) }
                header.site.owner {
                    a.brand href=(link("/owner", language)) { (cinema) " · " (t(language, "espace gérant", "owner")) }
                    @if let Some(owner) = owner {
                        nav aria-label=(t(language, "Espace gérant", "Owner")) {
                            a href=(link("/owner", language)) { (t(language, "Tableau de bord", "Dashboard")) }
                            a href=(link("/owner/popularity", language)) { (t(language, "Popularité", "Popularity")) }
                            a href=(link("/owner/audience", language)) { (t(language, "Public", "Audience")) }
                            a href=(link("/owner/operations", language)) { (t(language, "Exploitation", "Operations")) }
                            a href=(link("/owner/screenings", language)) { (t(language, "Séances", "Screenings")) }
                            form.inline method="post" action=(link("/owner/logout", language)) {
                                input type="hidden" name="csrf" value=(owner.csrf);
                                button.link type="submit" { (t(language, "Se déconnecter", "Sign out")) }
                            }
                        }
                    }
                }
                main #content { (body) }
            }
        }
    };
    Html(page.into_string())
}

/// The KPI dashboard: the report's content, rendered from the marts as they are now.
async fn dashboard(State(state): State<AppState>, PageLanguage(language): PageLanguage, owner: Owner) -> Response {
    let started = Instant::now();
    let ctx = state.ctx.clone();
    let lang = language;
    let content = tokio::task::spawn_blocking(move || cinepicks_jobs::analyze::dashboard(&ctx, lang)).await;
    let title = t(language, "Tableau de bord", "Dashboard");
    let body = match content {
        Ok(Ok(Some(html))) => {
            tracing::debug!(ms = started.elapsed().as_millis() as u64, "dashboard rendered");
            html! { h1 { (title) } div.report { (PreEscaped(html)) } }
        }
        Ok(Ok(None)) => html! {
            h1 { (title) }
            p.notice { (t(language, "Aucune analyse n'a encore été calculée : lancez `cinepicks analyze` (ou la démo).",
                "No analysis has been computed yet: run `cinepicks analyze` (or the demo).")) }
        },
        Ok(Err(err)) => {
            tracing::error!(error = %format!("{err:#}"), "the dashboard could not read the marts");
            let why = t(
                language,
                "Les analyses sont illisibles : le détail est dans le journal du serveur.",
                "The analyses cannot be read: the details are in the server's log.",
            );
            let body = html! { h1 { (title) } p.notice role="alert" { (why) } };
            return (StatusCode::INTERNAL_SERVER_ERROR, layout(&state, language, Some(&owner), title, body))
                .into_response();
        }
        Err(err) => {
            tracing::error!(error = %err, "rendering the dashboard panicked");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    layout(&state, language, Some(&owner), title, body).into_response()
}

/// Where to go after signing in: an owner page only (never another site).
fn next_page(next: Option<&String>) -> String {
    next.filter(|n| n.starts_with("/owner") && !n.starts_with("/owner/login") && !n.contains("//"))
        .cloned()
        .unwrap_or_else(|| "/owner".to_owned())
}

fn login_form(state: &AppState, language: Language, next: &str, error: Option<&str>) -> Html<String> {
    let title = t(language, "Espace gérant", "Owner's pages");
    let body = html! {
        h1 { (title) }
        @if let Some(closed) = state.sessions.closed() {
            p.notice role="alert" { (t(language, "L'espace gérant est fermé sur ce serveur.", "The owner's pages are closed on this server.")) " " (closed) }
        } @else {
            form.owner.subscribe method="post" action=(link("/owner/login", language)) {
                @if let Some(error) = error { p.error role="alert" #password-error { (error) } }
                label for="password" { (t(language, "Mot de passe", "Password")) }
                input #password type="password" name="password" autocomplete="current-password" required autofocus
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "password-error")];
                input type="hidden" name="next" value=(next);
                button type="submit" { (t(language, "Se connecter", "Sign in")) }
            }
        }
    };
    layout(state, language, None, title, body)
}

async fn login_page(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let status = if state.sessions.closed().is_some() { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    (status, login_form(&state, language, &next_page(params.get("next")), None)).into_response()
}

/// Checks the password (a few attempts a minute per address), then starts a session.
async fn login(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    Client(client): Client,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let next = next_page(form.get("next"));
    if !same_origin(&headers, &state.ctx.config.notify.site_url) {
        return (StatusCode::FORBIDDEN, "this form was sent from another site").into_response();
    }
    if state.sessions.closed().is_some() {
        return (StatusCode::SERVICE_UNAVAILABLE, login_form(&state, language, &next, None)).into_response();
    }
    if let Some(Err(wait)) = client.map(|ip| state.forms_limiter.check(ip, Instant::now())) {
        let message = match language {
            Language::Fr => format!("Trop d'essais : réessayez dans {} s.", wait.as_secs().max(1)),
            Language::En => format!("Too many attempts: try again in {} s.", wait.as_secs().max(1)),
        };
        return (StatusCode::TOO_MANY_REQUESTS, login_form(&state, language, &next, Some(&message))).into_response();
    }
    let password = form.get("password").cloned().unwrap_or_default();
    let matches = match state.sessions.check_password(client, password, Instant::now()).await {
        Ok(matches) => matches,
        Err(NotChecked::LockedOut(wait)) => {
            tracing::warn!(client = ?client, "owner sign-in refused: locked out after repeated failures");
            let minutes = wait.as_secs().div_ceil(60);
            let message = match language {
                Language::Fr => format!("Trop d'échecs : réessayez dans {minutes} min."),
                Language::En => format!("Too many failures: try again in {minutes} min."),
            };
            let page = login_form(&state, language, &next, Some(&message));
            return (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, wait.as_secs().to_string())], page)
                .into_response();
        }
        Err(NotChecked::Busy) => {
            let message = t(
                language,
                "Le serveur est occupé : réessayez dans un instant.",
                "The server is busy: try again in a moment.",
            );
            return (StatusCode::SERVICE_UNAVAILABLE, login_form(&state, language, &next, Some(message)))
                .into_response();
        }
    };
    if !matches {
        tracing::warn!(client = ?client, "owner sign-in refused: wrong password");
        let message = t(language, "Mot de passe incorrect.", "Wrong password.");
        return (StatusCode::UNAUTHORIZED, login_form(&state, language, &next, Some(message))).into_response();
    }
    tracing::info!(client = ?client, "owner signed in");
    let cookie = state.sessions.start(state.ctx.clock.now());
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("ASCII cookie"));
    response
}

/// Signs out: the form carries the session's CSRF token, so another site cannot sign the owner out (or in).
async fn logout(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    owner: Owner,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Some(refusal) = owner.refuse_forged(&headers, &state.ctx.config.notify.site_url, &form) {
        return refusal;
    }
    let now = state.ctx.clock.now();
    let clear = state.sessions.end(&owner, now);
    // The other replicas learn it from the store; if it does not answer, they accept the cookie until it expires.
    match state.store.record_sign_out(owner.session(), owner.expires_at(), now).await {
        Ok(()) => tracing::info!("owner signed out"),
        Err(error) => tracing::error!(error = %error, "owner signed out here, but the store did not record it"),
    }
    let mut response = Redirect::to(&link("/", language)).into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&clear).expect("ASCII cookie"));
    response
}
