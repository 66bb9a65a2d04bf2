//! The owner writes a film's synopsis, in French and optionally in English, for its page: TMDB's overviews
//! are English only, so without it a French film page has none. TMDB's text is shown beside as material.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use cinepicks_domain::Language;
use cinepicks_store::entities::film;
use cinepicks_store::queries::synopses::MAX_CHARS;

use super::layout;
use super::session::Owner;
use crate::AppState;
use crate::api;
use crate::language::{PageLanguage, code};
use crate::pages::{link, t};

/// The two texts of the form, as typed or stored.
#[derive(Debug, Default)]
struct Texts {
    fr: String,
    en: String,
}

/// GET: the form with the stored synopses.
pub async fn page(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    owner: Owner,
    Path(id): Path<String>,
    axum::extract::Query(params): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    let Some(film) = film_of(&state, &id) else { return not_found(&state, language, &owner) };
    let stored = async |l| state.store.synopsis(&film.film_id, l).await;
    let (fr, en) = match (stored(Language::Fr).await, stored(Language::En).await) {
        (Ok(fr), Ok(en)) => (fr.unwrap_or_default(), en.unwrap_or_default()),
        (Err(err), _) | (_, Err(err)) => {
            tracing::error!(error = %err, "reading a film's synopses failed");
            return unavailable(&state, language, &owner);
        }
    };
    let notice = params.contains_key("saved").then(|| t(language, "Résumé enregistré.", "Synopsis saved."));
    render(&state, language, &owner, &film, &Texts { fr, en }, &[], notice)
}

/// POST: both texts checked at once, then saved (an emptied text removes that synopsis).
pub async fn save(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    owner: Owner,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Some(refusal) = owner.refuse_forged(&headers, &state.ctx.config.notify.site_url, &form) {
        return refusal;
    }
    let Some(film) = film_of(&state, &id) else { return not_found(&state, language, &owner) };
    // Browsers send line breaks as CRLF; paragraphs are kept as single line breaks.
    let read = |k: &str| form.get(k).map(|v| v.replace("\r\n", "\n").trim().to_owned()).unwrap_or_default();
    let texts = Texts { fr: read("fr"), en: read("en") };
    let mut problems = Vec::new();
    for (field, text) in [("fr", &texts.fr), ("en", &texts.en)] {
        let chars = text.chars().count();
        if chars > MAX_CHARS {
            let (max, typed) = (language.num(MAX_CHARS as f64, 0), language.num(chars as f64, 0));
            let why = match language {
                Language::Fr => format!("{max} caractères au plus : celui-ci en compte {typed}"),
                Language::En => format!("at most {max} characters: this one has {typed}"),
            };
            problems.push((field, why));
        }
    }
    if !problems.is_empty() {
        return render(&state, language, &owner, &film, &texts, &problems, None);
    }
    let now = state.ctx.clock.now();
    for (l, text) in [(Language::Fr, &texts.fr), (Language::En, &texts.en)] {
        if let Err(err) = state.store.set_synopsis(&film.film_id, l, text, now).await {
            tracing::error!(error = %err, "saving a film's synopsis failed");
            return unavailable(&state, language, &owner);
        }
    }
    tracing::info!(film = %film.film_id, "synopsis saved from the owner's page");
    Redirect::to(&format!("/owner/films/{}/synopsis?lang={}&saved=1", film.film_id, code(language))).into_response()
}

fn film_of(state: &AppState, id: &str) -> Option<film::Model> {
    api::film_id(id).ok().and_then(|id| state.catalogue().film(id).cloned())
}

fn render(
    state: &AppState,
    language: Language,
    owner: &Owner,
    film: &film::Model,
    texts: &Texts,
    problems: &[(&str, String)],
    notice: Option<&str>,
) -> Response {
    let heading = match language {
        Language::Fr => format!("Résumé de « {} »", api::label(film, language)),
        Language::En => format!("Synopsis of “{}”", api::label(film, language)),
    };
    let invalid = |field: &str| problems.iter().any(|(f, _)| *f == field);
    let error = |field: &str| {
        html! { @for (_, why) in problems.iter().filter(|(f, _)| *f == field) { span.error id=(format!("{field}-error")) { (why) } } }
    };
    let described = |field: &str| invalid(field).then(|| format!("{field}-error"));
    let action = link(&format!("/owner/films/{}/synopsis", film.film_id), language);
    let body = html! {
        h1 { (heading) }
        @if let Some(text) = notice { p.notice role="status" { (text) } }
        @if !problems.is_empty() {
            div.notice.summary role="alert" tabindex="-1" {
                p { strong { (t(language, "Le résumé n'est pas enregistré :", "The synopsis is not saved:")) } }
                ul { @for (field, why) in problems { li { a href=(format!("#{field}")) { (why) } } } }
            }
        }
        section.operation {
            p { (t(language,
                "Le résumé paraît sur la page du film dans sa langue. Sans résumé français, la page française n'en a pas : celui de TMDB est en anglais.",
                "The synopsis appears on the film's page in its language. Without an English one, the English page shows TMDB's.")) }
            form.owner.subscribe method="post" action=(action) novalidate {
                input type="hidden" name="csrf" value=(owner.csrf);
                label for="fr" { (t(language, "Résumé en français", "Synopsis in French")) }
                textarea #fr name="fr" rows="7" lang="fr" aria-invalid=[invalid("fr").then_some("true")] aria-describedby=[described("fr")] { (texts.fr) }
                (error("fr"))
                label for="en" { (t(language, "Résumé en anglais (facultatif : sinon celui de TMDB)", "Synopsis in English (optional: TMDB's otherwise)")) }
                textarea #en name="en" rows="5" lang="en" aria-invalid=[invalid("en").then_some("true")] aria-describedby=[described("en")] { (texts.en) }
                (error("en"))
                button type="submit" { (t(language, "Enregistrer le résumé", "Save the synopsis")) }
            }
            @if let Some(overview) = &film.overview {
                h2 { (t(language, "Le résumé de TMDB, en anglais", "TMDB's overview")) }
                blockquote lang="en" { (overview) }
            }
            p { a href=(link(&format!("/films/{}", film.film_id), language)) { (t(language, "Voir la page du film", "See the film's page")) } }
        }
    };
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    (status, layout(state, language, Some(owner), &heading, body)).into_response()
}

fn not_found(state: &AppState, language: Language, owner: &Owner) -> Response {
    let title = t(language, "Film introuvable", "Film not found");
    let body = html! { h1 { (title) } p.notice { (t(language, "Ce film n'est pas au catalogue publié.", "This film is not in the published catalogue.")) } };
    (StatusCode::NOT_FOUND, layout(state, language, Some(owner), title, body)).into_response()
}

fn unavailable(state: &AppState, language: Language, owner: &Owner) -> Response {
    let title = t(language, "Résumé", "Synopsis");
    let why = t(
        language,
        "Le résumé n'a pas pu être lu ou enregistré : réessayez dans un instant.",
        "The synopsis could not be read or saved: try again in a moment.",
    );
    let body = html! { h1 { (title) } p.notice role="alert" { (why) } };
    (StatusCode::SERVICE_UNAVAILABLE, layout(state, language, Some(owner), title, body)).into_response()
}
