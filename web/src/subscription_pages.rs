//! The subscription pages: the form (name, e-mail and/or phone, channels, liked films, genres, explicit
//! consent), "check your messages", the confirmation link's page and button (double opt-in), and the one-click
//! unsubscribe page of the messages' links (RFC 8058).

use std::collections::HashMap;

use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};

use cinepicks_domain::Language;
use cinepicks_domain::names;

use super::AppState;
use super::forms::same_origin;
use super::language::{PageLanguage, code};
use super::pages::{layout, link, t};
use super::problem::Problem;
use super::rate_limit::Client;
use super::subscriptions::{self, Changed, SubscribeRequest};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/subscribe", get(subscribe_page).post(subscribe_now))
        .route("/subscribe/confirm", get(confirm_page).post(confirm_now))
        .route("/unsubscribe", get(unsubscribe_page).post(unsubscribe_now))
}

/// The form, filled with what was typed, each field at fault with its problems said under it.
fn form(state: &AppState, language: Language, typed: &SubscribeRequest, problems: &[Problem]) -> Markup {
    let of = |name: &str| -> Vec<&str> {
        let at = |field: &str| field == name || field.starts_with(&format!("{name}["));
        problems
            .iter()
            .filter(|p| p.field.as_deref().is_some_and(at))
            .map(|p| p.reason.as_deref().unwrap_or(&p.detail))
            .collect()
    };
    let invalid = |name: &str| !of(name).is_empty();
    let error = |name: &str| -> Markup {
        let whys = of(name);
        html! {
            @if !whys.is_empty() {
                span.error id=(format!("{name}-error")) { (whys.join(" ; ")) }
            }
        }
    };
    let described = |name: &str| invalid(name).then(|| format!("{name}-error"));
    let checked = |channel: &str| typed.channels.iter().any(|c| c == channel);
    let lang = language;
    let catalogue = state.catalogue();
    html! {
        form.subscribe method="post" action=(link("/subscribe", language)) novalidate {
            p { (t(language, "Chaque semaine, cinq films choisis pour vous, par e-mail ou par SMS. Vous pouvez vous désabonner en un clic à tout moment.",
                "Every week, five films picked for you, by e-mail or text message. You can unsubscribe in one click at any time.")) }
            label for="name" { (t(language, "Votre prénom et nom", "Your name")) }
            input #name type="text" name="name" value=(typed.name) autocomplete="name" required maxlength="100"
                aria-invalid=[invalid("name").then_some("true")] aria-describedby=[described("name")];
            (error("name"))
            fieldset {
                legend { (t(language, "Recevoir les films", "Receive the films")) }
                label.choice { input type="checkbox" name="channels" value="email" checked[checked("email")]; " " (t(language, "par e-mail", "by e-mail")) }
                label.choice { input type="checkbox" name="channels" value="sms" checked[checked("sms")]; " " (t(language, "par SMS", "by text message")) }
                (error("channels"))
            }
            label for="email" { (t(language, "Adresse e-mail", "E-mail address")) }
            input #email type="email" name="email" value=(typed.email.as_deref().unwrap_or("")) autocomplete="email"
                aria-invalid=[invalid("email").then_some("true")] aria-describedby=[described("email")];
            (error("email"))
            label for="phone" { (t(language, "Téléphone portable", "Mobile phone")) }
            input #phone type="tel" name="phone" value=(typed.phone.as_deref().unwrap_or("")) autocomplete="tel"
                placeholder="06 12 34 56 78"
                aria-invalid=[invalid("phone").then_some("true")] aria-describedby=[described("phone")];
            (error("phone"))
            label for="likes" { (t(language, "Des films que vous avez aimés, un par ligne (facultatif)", "Films you liked, one per line (optional)")) }
            textarea #likes name="likes" rows="3"
                aria-invalid=[invalid("likes").then_some("true")] aria-describedby=[described("likes")] { (typed.likes.join("\n")) }
            (error("likes"))
            @if !catalogue.genres.is_empty() {
                fieldset.genres {
                    legend { (t(language, "Vos genres préférés (facultatif)", "Your favourite genres (optional)")) }
                    @for genre in &catalogue.genres {
                        label.choice {
                            input type="checkbox" name="genres" value=(genre) checked[typed.genres.contains(genre)];
                            " " (names::genre(genre, lang))
                        }
                    }
                    (error("genres"))
                }
            }
            label.choice.consent {
                input #consent type="checkbox" name="consent" value="yes" required checked[typed.consent]
                    aria-invalid=[invalid("consent").then_some("true")] aria-describedby=[described("consent")];
                " " (t(language, "J'accepte de recevoir chaque semaine cinq suggestions de films du cinéma sur les canaux choisis. Un message de confirmation me sera d'abord envoyé.",
                    "I agree to receive five film suggestions a week from the cinema on the channels chosen. A confirmation message will be sent first."))
            }
            (error("consent"))
            button type="submit" { (t(language, "S'inscrire", "Subscribe")) }
        }
    }
}

/// GET: the empty form; `?likes=` pre-fills the liked films (the "my picks" page links here).
async fn subscribe_page(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    uri: axum::http::Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let likes = params
        .get("likes")
        .map(|l| l.split(['\n', ';']).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).take(20).collect());
    let typed =
        SubscribeRequest { likes: likes.unwrap_or_default(), channels: vec!["email".into()], ..Default::default() };
    let title = t(language, "Recevoir cinq films chaque semaine", "Get five films every week");
    let body = html! { h1 { (title) } (form(&state, language, &typed, &[])) };
    layout(&state, language, &uri, title, body).into_response()
}

/// The form's fields as the API's request (repeated fields: `channels`, `genres`; likes one per line).
fn read_form(fields: Vec<(String, String)>) -> SubscribeRequest {
    let mut request = SubscribeRequest::default();
    for (key, value) in fields {
        match key.as_str() {
            "name" => request.name = value,
            "email" => request.email = Some(value),
            "phone" => request.phone = Some(value),
            "channels" => request.channels.push(value),
            "genres" => request.genres.push(value),
            "likes" => request.likes.extend(value.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned)),
            "consent" => request.consent = !value.is_empty(),
            _ => {}
        }
    }
    request
}

/// POST: checks, records and sends the confirmation; the form again with the field at fault otherwise.
async fn subscribe_now(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    uri: axum::http::Uri,
    headers: HeaderMap,
    Client(client): Client,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if !same_origin(&headers, &state.ctx.config.notify.site_url) {
        return cross_site(&state, language, &uri);
    }
    let typed = read_form(fields);
    let title = t(language, "Recevoir cinq films chaque semaine", "Get five films every week");
    match subscriptions::subscribe(&state, client, &typed, language).await {
        Ok(outcome) => {
            let body = html! {
                h1 { (t(language, "Vérifiez vos messages", "Check your messages")) }
                p.notice role="status" {
                    (t(language, "Un message de confirmation part dans un instant vers ", "A confirmation message is on its way to "))
                    (outcome.addresses.join(t(language, " et ", " and ")))
                    @if typed.channels.iter().any(|c| c.eq_ignore_ascii_case("sms")) {
                        (sms_hours(&state, language))
                    }
                    ". "
                    (t(language, "Suivez son lien pour confirmer votre inscription : rien ne vous sera envoyé avant.",
                        "Follow its link to confirm your subscription: nothing will be sent to you before."))
                }
                p { (match language {
                    Language::Fr => format!("Le lien est valable {} jours.", outcome.valid_days),
                    Language::En => format!("The link works for {} days.", outcome.valid_days),
                }) }
                p { a href=(link("/", language)) { (t(language, "Retour à l'accueil", "Back to the home page")) } }
            };
            (
                StatusCode::ACCEPTED,
                layout(&state, language, &uri, t(language, "Vérifiez vos messages", "Check your messages"), body),
            )
                .into_response()
        }
        Err(problems) => {
            let status = problems.first().map_or(StatusCode::UNPROCESSABLE_ENTITY, Problem::status);
            // Each field's problem is said under it; the summary lists them all, each a link to its field.
            let anchor = |field: &str| {
                let base = field.split('[').next().unwrap_or(field);
                match base {
                    "channels" | "genres" => format!("#{base}-error"),
                    other => format!("#{other}"),
                }
            };
            let body = html! {
                h1 { (title) }
                div.notice.summary role="alert" tabindex="-1" {
                    @for p in problems.iter().filter(|p| p.field.is_none()) { p { (p.detail) } }
                    @if problems.iter().any(|p| p.field.is_some()) {
                        p { strong { (t(language, "Rien n'est enregistré, corrigez d'abord\u{a0}:", "Nothing is recorded; first correct:")) } }
                        ul { @for p in problems.iter().filter(|p| p.field.is_some()) {
                            li { a href=(anchor(p.field.as_deref().unwrap_or(""))) { (p.reason.as_deref().unwrap_or(&p.detail)) } }
                        } }
                    }
                }
                (form(&state, language, &typed, &problems))
            };
            (status, layout(&state, language, &uri, title, body)).into_response()
        }
    }
}

/// " (SMS go out between 8 h and 20 h)", from the configured hours.
fn sms_hours(state: &AppState, language: Language) -> String {
    let sms = &state.ctx.config.notify.sms;
    let (from, until) = (sms.allowed_from_hour, sms.allowed_until_hour);
    match language {
        Language::Fr => format!(" (les SMS partent entre {from} h et {until} h)"),
        Language::En => format!(" (text messages go out between {from}:00 and {until}:00)"),
    }
}

/// A form posted from another site's page (its `Origin` is not this site): refused, so that no page elsewhere
/// can make its visitors' browsers subscribe, confirm or unsubscribe anyone.
fn cross_site(state: &AppState, language: Language, uri: &axum::http::Uri) -> Response {
    let title = t(language, "Formulaire refusé", "Form refused");
    let body = html! {
        h1 { (title) }
        p.notice role="alert" { (t(language, "Ce formulaire a été envoyé depuis un autre site : rien n'a été fait.",
            "This form was sent from another site: nothing was done.")) }
    };
    (StatusCode::FORBIDDEN, layout(state, language, uri, title, body)).into_response()
}

/// GET of a confirmation link: a button, nothing changed yet (mail scanners follow links).
async fn confirm_page(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    uri: axum::http::Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let token = params.get("token").cloned().unwrap_or_default();
    let title = t(language, "Confirmer votre inscription", "Confirm your subscription");
    if let Err(why) = state.signer.verify_confirm(&token, state.ctx.clock.now()) {
        let expired = why == cinepicks_jobs::notify::links::ConfirmError::Expired;
        return invalid_link(
            &state,
            language,
            &uri,
            if expired { Link::ExpiredConfirmation } else { Link::Confirmation },
        );
    }
    let action = format!("/subscribe/confirm?token={}&lang={}", token.trim(), code(language));
    let body = html! {
        h1 { (title) }
        p { (t(language, "Un clic, et vous recevrez chaque semaine cinq films choisis pour vous.",
            "One click, and you will receive five films picked for you every week.")) }
        form method="post" action=(action) {
            button type="submit" { (t(language, "Je confirme mon inscription", "I confirm my subscription")) }
        }
    };
    layout(&state, language, &uri, title, body).into_response()
}

/// POST of the confirmation button.
async fn confirm_now(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    uri: axum::http::Uri,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if !same_origin(&headers, &state.ctx.config.notify.site_url) {
        return cross_site(&state, language, &uri);
    }
    let token = params.get("token").cloned().unwrap_or_default();
    match subscriptions::confirm(&state, &token).await {
        Ok(done) => {
            let body = html! {
                h1 { (t(language, "Inscription confirmée", "Subscription confirmed")) }
                p.notice role="status" {
                    @match language {
                        Language::Fr => { "Vos cinq films de la semaine arriveront " (channel(&done, language)) " à " (done.masked_address) "." }
                        Language::En => { "Your five films of the week will come " (channel(&done, language)) " to " (done.masked_address) "." }
                    }
                }
                p { a href=(link("/", language)) { (t(language, "Retour à l'accueil", "Back to the home page")) } }
            };
            layout(&state, language, &uri, t(language, "Inscription confirmée", "Subscription confirmed"), body)
                .into_response()
        }
        Err(problem) if problem.status == 422 => invalid_link(&state, language, &uri, Link::Confirmation),
        Err(problem) if problem.status == 410 => invalid_link(&state, language, &uri, Link::ExpiredConfirmation),
        Err(problem) => {
            failed(&state, language, &uri, t(language, "Confirmation impossible", "Could not confirm"), problem)
        }
    }
}

fn channel(done: &Changed, language: Language) -> &'static str {
    match (done.channel.as_str(), language) {
        ("sms", Language::Fr) => "par SMS",
        ("sms", Language::En) => "by text message",
        (_, Language::Fr) => "par e-mail",
        (_, Language::En) => "by e-mail",
    }
}

/// GET of a message's unsubscribe link: a confirmation button, nothing changed yet (mail scanners follow links).
async fn unsubscribe_page(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    uri: axum::http::Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let token = params.get("token").cloned().unwrap_or_default();
    let title = t(language, "Se désabonner", "Unsubscribe");
    if subscriptions::check(&state, &token).is_err() {
        return invalid_link(&state, language, &uri, Link::Unsubscribe);
    }
    let action = format!("/unsubscribe?token={}&lang={}", token.trim(), code(language));
    let body = html! {
        h1 { (title) }
        p { (t(language, "Vous ne recevrez plus les cinq films de la semaine à cette adresse.",
            "You will no longer receive the week's five films at this address.")) }
        form method="post" action=(action) {
            input type="hidden" name="List-Unsubscribe" value="One-Click";
            button type="submit" { (t(language, "Confirmer le désabonnement", "Confirm unsubscribing")) }
        }
    };
    layout(&state, language, &uri, title, body).into_response()
}

/// POST of the link: the RFC 8058 one-click request of mail clients (body `List-Unsubscribe=One-Click`) and the
/// confirmation button both land here.
async fn unsubscribe_now(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    uri: axum::http::Uri,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if !same_origin(&headers, &state.ctx.config.notify.site_url) {
        return cross_site(&state, language, &uri);
    }
    let token = params.get("token").cloned().unwrap_or_default();
    let done = match subscriptions::unsubscribe(&state, &token).await {
        Ok(done) => done,
        Err(problem) if problem.status == 422 => return invalid_link(&state, language, &uri, Link::Unsubscribe),
        Err(problem) => {
            return failed(
                &state,
                language,
                &uri,
                t(language, "Désabonnement impossible", "Could not unsubscribe"),
                problem,
            );
        }
    };
    let body = html! {
        h1 { (t(language, "Vous êtes désabonné·e", "You are unsubscribed")) }
        p.notice role="status" {
            @match language {
                Language::Fr => { "Plus aucune sélection ne sera envoyée " (channel(&done, language)) " à " (done.masked_address) "." }
                Language::En => { "No more picks will be sent " (channel(&done, language)) " to " (done.masked_address) "." }
            }
        }
        p { a href=(link("/", language)) { (t(language, "Retour à l'accueil", "Back to the home page")) } }
    };
    layout(&state, language, &uri, t(language, "Désabonnement", "Unsubscribed"), body).into_response()
}

fn failed(state: &AppState, language: Language, uri: &axum::http::Uri, title: &str, problem: Problem) -> Response {
    let body = html! { h1 { (title) } p.notice role="alert" { (problem.detail) } };
    (problem.status(), layout(state, language, uri, title, body)).into_response()
}

/// Which link was refused.
#[derive(Clone, Copy)]
enum Link {
    Confirmation,
    ExpiredConfirmation,
    Unsubscribe,
}

fn invalid_link(state: &AppState, language: Language, uri: &axum::http::Uri, which: Link) -> Response {
    let (heading, text, status) = match which {
        Link::Unsubscribe => (
            t(language, "Lien de désabonnement non valide", "Invalid unsubscribe link"),
            t(
                language,
                "Ce lien est incomplet ou ne vient pas du cinéma. Utilisez le lien en bas du dernier message reçu.",
                "This link is incomplete or not from the cinema. Use the link at the bottom of the last message you received.",
            ),
            StatusCode::BAD_REQUEST,
        ),
        Link::Confirmation => (
            t(language, "Lien de confirmation non valide", "Invalid confirmation link"),
            t(
                language,
                "Ce lien est incomplet ou ne vient pas du cinéma. Utilisez le lien du message de confirmation reçu.",
                "This link is incomplete or not from the cinema. Use the link of the confirmation message you received.",
            ),
            StatusCode::BAD_REQUEST,
        ),
        Link::ExpiredConfirmation => (
            t(language, "Lien de confirmation expiré", "Confirmation link expired"),
            t(
                language,
                "Ce lien de confirmation n'est plus valable. Inscrivez-vous à nouveau : un nouveau message vous sera envoyé.",
                "This confirmation link no longer works. Subscribe again: a new message will be sent to you.",
            ),
            StatusCode::GONE,
        ),
    };
    let body = html! {
        h1 { (heading) }
        p { (text) }
        @if matches!(which, Link::ExpiredConfirmation) {
            p { a href=(link("/subscribe", language)) { (t(language, "S'inscrire à nouveau", "Subscribe again")) } }
        }
    };
    (status, layout(state, language, uri, t(language, "Lien non valide", "Invalid link"), body)).into_response()
}
