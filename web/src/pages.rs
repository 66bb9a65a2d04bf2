//! The customers' pages, rendered on the server with maud (every interpolated value is HTML-escaped): home (the
//! week's programme and the best films), search with suggestions, a film with its five similar films, "my picks"
//! (several liked films in, five films out) and a week's picks behind an SMS short link (the subscription pages
//! are in `subscription_pages`). French by default, English with `?lang=en` or the browser's language.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{DOCTYPE, Markup, html};

use cinepicks_domain::{IsoWeek, Language};
use cinepicks_domain::{names, tmdb_images};
use cinepicks_pipeline::recommend::picks::WeeklyPicks;
use cinepicks_store::entities::film;

use super::AppState;
use super::api::{self, ReasonedFilm};
use super::assets::PLACEHOLDER_POSTER;
use super::catalogue::MatchKind;
use super::feedback::{self, Viewer};
use super::language::{PageLanguage, code};
use cinepicks_jobs::notify::letter;
use cinepicks_jobs::notify::links::{feedback_expiry, picks_link_expired};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/search", get(search))
        .route("/films/{id}", get(film_page))
        .route("/picks", get(my_picks))
        .route("/p/{code}", get(week_picks))
}

/// French or English text.
pub(super) fn t(language: Language, fr: &'static str, en: &'static str) -> &'static str {
    match language {
        Language::Fr => fr,
        Language::En => en,
    }
}

/// An internal link that keeps the page's language.
pub(super) fn link(path: &str, language: Language) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}lang={}", code(language))
}

/// The same page in the other language: the request's path and parameters with `lang` replaced.
fn other_language(uri: &axum::http::Uri, language: Language) -> (Language, String) {
    let other = match language {
        Language::Fr => Language::En,
        Language::En => Language::Fr,
    };
    let kept: Vec<&str> =
        uri.query().unwrap_or("").split('&').filter(|p| !p.is_empty() && !p.starts_with("lang=")).collect();
    // One leading slash: `//evil.example/x` would be a link to another site.
    let path = format!("/{}", uri.path().trim_start_matches(['/', '\\']));
    let path = if kept.is_empty() { path } else { format!("{path}?{}", kept.join("&")) };
    (other, link(&path, other))
}

pub(super) fn layout(
    state: &AppState,
    language: Language,
    uri: &axum::http::Uri,
    title: &str,
    body: Markup,
) -> Html<String> {
    let cinema = &state.ctx.config.notify.cinema_name;
    let (other, other_href) = other_language(uri, language);
    let page = html! {
        (DOCTYPE)
        html lang=(code(language)) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (cinema) }
                link rel="stylesheet" href="/assets/style.css";
                link rel="icon" href=(PLACEHOLDER_POSTER);
                script src="/assets/suggest.js" defer {}
                script src="/assets/posters.js" defer {}
            }
            body {
                a.skip href="#content" { (t(language, "Aller au contenu", "Skip to content")) }
                header.site {
                    a.brand href=(link("/", language)) { (cinema) }
                    nav aria-label=(t(language, "Navigation", "Navigation")) {
                        a href=(link("/programme", language)) { (t(language, "Séances", "Screenings")) }
                        a href=(link("/picks", language)) { (t(language, "Mes films", "My picks")) }
                        a href=(link("/subscribe", language)) { (t(language, "S'inscrire", "Subscribe")) }
                        a href=(other_href) lang=(code(other)) hreflang=(code(other)) {
                            (t(language, "English", "Français"))
                        }
                    }
                }
                main #content {
                    (body)
                }
                footer {
                    (t(language, "Données : IMDb, MovieLens, TMDB. ", "Data: IMDb, MovieLens, TMDB. "))
                    a href="/api/docs" { (t(language, "API pour les analystes", "API for analysts")) }
                }
            }
        }
    };
    Html(page.into_string())
}

fn search_form(language: Language, query: &str) -> Markup {
    html! {
        form.search action="/search" method="get" role="search" {
            label for="q" { (t(language, "Chercher un film (titre français ou original)", "Find a film (French or original title)")) }
            input #q type="search" name="q" value=(query) list="suggestions" autocomplete="off" required
                placeholder=(t(language, "ex. Amélie, Le Parrain, Dune (2021)", "e.g. Amélie, The Godfather, Dune (2021)"));
            datalist #suggestions {}
            input type="hidden" name="lang" value=(code(language));
            button type="submit" { (t(language, "Chercher", "Search")) }
        }
    }
}

fn year_suffix(film: &film::Model) -> String {
    film.start_year.map(|y| format!(" ({y})")).unwrap_or_default()
}

/// The poster, or a poster drawn from the film's title, year and genres when none is known. The title always
/// follows it on the page, so the image is decorative (`alt=""`: screen readers do not read the title twice).
/// A poster from elsewhere that fails to load (its host down, the site offline) is replaced by the drawn one
/// (`data-drawn`, see posters.js); without the script the placeholder, the frame's background, shows.
/// A TMDB poster comes at several widths: the browser picks by the width the page shows it at (`sizes`).
fn poster(film: &film::Model, sizes: &str) -> Markup {
    let drawn = super::posters::url(&film.film_id);
    let (src, fallback) = match &film.poster_url {
        Some(url) => (url.clone(), Some(drawn)),
        None => (drawn, None),
    };
    let srcset = film.poster_url.as_deref().and_then(tmdb_images::srcset);
    html! {
        span.poster {
            img src=(src) srcset=[srcset.as_deref()] sizes=[srcset.as_ref().map(|_| sizes)] alt="" loading="lazy"
                width="200" height="300" data-drawn=[fallback];
        }
    }
}

/// What `sizes` says of a card's poster (grid columns of 9.5 rem and more: two a row on a phone), of the film
/// page's (at most 16 rem, 14 on a phone) and of a similar film's thumbnail (4 rem), as site.css lays them out.
const CARD_POSTER: &str = "(max-width: 40rem) 45vw, 12rem";
const PAGE_POSTER: &str = "(max-width: 40rem) 14rem, 16rem";
const THUMBNAIL_POSTER: &str = "4rem";

fn film_card(film: &film::Model, language: Language, extra: Option<&str>) -> Markup {
    film_item(film, language, extra, html! {})
}

/// A film of a list, with something under its link (the feedback buttons).
fn film_item(film: &film::Model, language: Language, extra: Option<&str>, after: Markup) -> Markup {
    let lang = language;
    let genres: Vec<String> = film.genre_list().iter().map(|g| names::genre(g, lang)).collect();
    html! {
        li {
            a href=(link(&format!("/films/{}", film.film_id), language)) {
                (poster(film, CARD_POSTER))
                span.text {
                    span.title { (api::title(film, language)) (year_suffix(film)) }
                    span.meta { (genres.join(", ")) }
                    @if let Some(extra) = extra { span.reason { (extra) } }
                }
            }
            (after)
        }
    }
}

async fn home(State(state): State<AppState>, PageLanguage(language): PageLanguage, uri: axum::http::Uri) -> Response {
    let catalogue = state.catalogue();
    let week = cinepicks_jobs::notify::this_week(&state.ctx);
    let programme: Vec<&film::Model> = match cinepicks_jobs::notify::week_programme(&state.ctx, &state.store, week)
        .await
    {
        Ok(ids) => ids.iter().filter_map(|id| catalogue.film(id)).collect(),
        Err(err) => {
            tracing::warn!(error = %err, "reading this week's programme failed; the home page shows the best films");
            Vec::new()
        }
    };
    let best: Vec<&film::Model> = catalogue.best(state.config.home_films).collect();
    let body = html! {
        h1 { (t(language, "Trouvez votre prochain film", "Find your next film")) }
        (search_form(language, ""))
        @if !programme.is_empty() {
            h2 { (t(language, "À l'affiche cette semaine", "Showing this week")) }
            ul.films { @for f in &programme { (film_card(f, language, None)) } }
            p { a href=(link("/programme", language)) { (t(language, "Toutes les séances, jour par jour", "Every screening, day by day")) } }
        }
        h2 { (t(language, "Les films les mieux notés", "The best-rated films")) }
        @if best.is_empty() {
            p.notice { (t(language, "Le catalogue est vide pour l'instant.", "The catalogue is empty for now.")) }
        } @else {
            ul.films { @for f in &best { (film_card(f, language, None)) } }
        }
    };
    layout(&state, language, &uri, t(language, "Accueil", "Home"), body).into_response()
}

async fn search(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    uri: axum::http::Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query: String = params.get("q").map(|q| q.trim().chars().take(200).collect()).unwrap_or_default();
    let catalogue = state.catalogue();
    let (kind, films) =
        if query.is_empty() { (MatchKind::Suggestions, Vec::new()) } else { catalogue.search(&query, 20) };
    // The film meant, without homonyms: straight to its page.
    if kind == MatchKind::Found && films.len() == 1 {
        return Redirect::to(&link(&format!("/films/{}", films[0].film_id), language)).into_response();
    }
    let heading = match (language, query.is_empty()) {
        (_, true) => t(language, "Chercher un film", "Find a film").to_owned(),
        (Language::Fr, false) => format!("Résultats pour « {query} »"),
        (Language::En, false) => format!("Results for “{query}”"),
    };
    let body = html! {
        h1 { (heading) }
        (search_form(language, &query))
        @if !query.is_empty() && films.is_empty() {
            p.notice { (t(language, "Aucun film ne ressemble à ce titre. Essayez le titre original, ou moins de mots.",
                "No film looks like this title. Try the original title, or fewer words.")) }
        }
        @if kind == MatchKind::Suggestions && !films.is_empty() {
            p { (t(language, "Vouliez-vous dire :", "Did you mean:")) }
        }
        ul.films { @for f in &films { (film_card(f, language, None)) } }
    };
    layout(&state, language, &uri, &heading, body).into_response()
}

/// Actors named on a film's page: the first ones billed.
const MAIN_CAST: usize = 5;

async fn film_page(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    uri: axum::http::Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let catalogue = state.catalogue();
    let Some(film) = api::film_id(&id).ok().and_then(|id| catalogue.film(id)) else {
        return not_found_page(&state, language, &uri);
    };
    let lang = language;
    let screenings = super::programme::of_film(&state, &film.film_id).await;
    let credits = state.store.credits(&film.film_id).await.unwrap_or_else(|err| {
        tracing::warn!(error = %err, "reading a film's credits failed");
        Default::default()
    });
    // The cinema's own synopsis in the page's language; else, in English only, TMDB's (its overviews are
    // English: a French page never shows one).
    let synopsis = match state.store.synopsis(&film.film_id, language).await {
        Ok(Some(own)) => Some(own),
        Ok(None) => (language == Language::En).then(|| film.overview.clone()).flatten(),
        Err(err) => {
            tracing::warn!(error = %err, "reading a film's synopsis failed");
            None
        }
    };
    let back = link(&format!("/films/{}", film.film_id), language);
    let verdict = feedback::buttons_for(&state, &headers, language, &film.film_id, &back).await;
    let similar: Vec<ReasonedFilm> = api::similar_films(&catalogue, &film.film_id, language);
    let genres: Vec<String> = film.genre_list().iter().map(|g| names::genre(g, lang)).collect();
    let title = api::title(film, language);
    let body = html! {
        article.film {
            (poster(film, PAGE_POSTER))
            div {
                h1 { (title) (year_suffix(film)) }
                dl.facts {
                    @if let Some(original) = film.original_title.as_deref().filter(|o| *o != title) {
                        dt { (t(language, "Titre original", "Original title")) } dd lang="" { (original) }
                    }
                    @if !credits.directors.is_empty() {
                        dt { (t(language, "Réalisation", "Directed by")) } dd { (credits.directors.join(", ")) }
                    }
                    @if !credits.cast.is_empty() {
                        dt { (t(language, "Avec", "With")) }
                        dd { (credits.cast.iter().take(MAIN_CAST).cloned().collect::<Vec<_>>().join(", ")) }
                    }
                    @if !genres.is_empty() { dt { (t(language, "Genres", "Genres")) } dd { (genres.join(", ")) } }
                    @if let Some(code) = film.original_language.as_deref() {
                        dt { (t(language, "Langue originale", "Original language")) } dd { (names::language(code, lang)) }
                    }
                    @if let Some(m) = film.runtime_minutes.filter(|m| *m > 0) {
                        dt { (t(language, "Durée", "Runtime")) }
                        dd { @match language {
                            Language::Fr => { (format!("{} h {:02}", m / 60, m % 60)) }
                            Language::En => { (format!("{m} min")) }
                        } }
                    }
                    @if let Some(r) = film.average_rating {
                        dt { (t(language, "Note IMDb", "IMDb rating")) }
                        dd { (lang.num(r, 1)) " / 10"
                            @if let Some(v) = film.num_votes { " (" (lang.num(f64::from(v), 0)) " " (t(language, "votes", "votes")) ")" } }
                    }
                }
                @if let Some(synopsis) = &synopsis {
                    @for paragraph in synopsis.split("\n").map(str::trim).filter(|p| !p.is_empty()) {
                        p.overview { (paragraph) }
                    }
                }
                (verdict)
            }
        }
        (super::programme::film_section(&state, &screenings, language))
        section aria-labelledby="similar-heading" {
            h2 #similar-heading { (t(language, "Cinq films proches", "Five similar films")) }
            @if similar.is_empty() {
                p.notice { (t(language, "Aucun film proche n'est encore calculé pour ce film.", "No similar film is computed for this film yet.")) }
            } @else {
                ol.similar {
                    @for s in &similar {
                        @if let Some(neighbour) = catalogue.film(&s.film.id) {
                            li {
                                (poster(neighbour, THUMBNAIL_POSTER))
                                div {
                                    a href=(link(&s.film.page, language)) { (s.film.title) (year_suffix(neighbour)) }
                                    br;
                                    span.reason { (s.reason) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    feedback::private(layout(&state, language, &uri, title, body).into_response())
}

/// "My picks": liked films typed one per line (or separated by ";") and the visitor's "J'aime" in, five films
/// with their reasons out, never one they said "Pas pour moi" or "Déjà vu" to; their verdicts listed below.
async fn my_picks(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    uri: axum::http::Uri,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let typed = params.get("likes").map(String::as_str).unwrap_or("").trim().to_owned();
    let mut likes: Vec<String> =
        typed.split(['\n', ';']).map(str::trim).filter(|l| !l.is_empty()).take(20).map(str::to_owned).collect();
    let viewer = Viewer::of(&state, &headers).await;
    let verdicts = viewer.verdicts(&state).await;
    let catalogue = state.catalogue();
    let known = |id: &String| catalogue.film(id).is_some();
    likes.extend(verdicts.liked().into_iter().filter(known).take(20));
    let exclude: Vec<String> = verdicts.excluded().into_iter().filter(known).collect();
    let outcome = (!likes.is_empty()).then(|| {
        let request = api::RecommendationRequest { likes, exclude, ..Default::default() };
        api::recommend(&catalogue, &request, language)
    });
    let back = uri.path_and_query().map_or_else(|| "/picks".to_owned(), ToString::to_string);
    let buttons = |film_id: &str| feedback::buttons(language, film_id, &verdicts, None, &back);
    // Every film they gave a verdict on, in the order they first did (the buttons say which).
    let judged: Vec<&film::Model> = verdicts
        .opinions
        .iter()
        .map(|(f, _)| f)
        .chain(verdicts.seen.iter().filter(|f| verdicts.opinion(f).is_none()))
        .filter_map(|f| catalogue.film(f))
        .collect();
    // "Get five films like these": what they typed and what they liked.
    let mut liked_lines: Vec<String> =
        typed.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    for film in verdicts.liked().iter().filter_map(|f| catalogue.film(f)) {
        let label = api::label(film, language);
        if !liked_lines.contains(&label) {
            liked_lines.push(label);
        }
    }
    liked_lines.truncate(20);
    let subscribe_likes = cinepicks_jobs::notify::links::form_encode(&liked_lines.join("\n"));
    let title = t(language, "Mes cinq films", "My five films");
    let body = html! {
        h1 { (title) }
        form.search action="/picks" method="get" {
            label for="likes" { (t(language, "Des films que vous avez aimés, un par ligne", "Films you liked, one per line")) }
            textarea #likes name="likes" rows="4" cols="40" required[judged.is_empty()]
                placeholder=(t(language, "ex. Amélie\nLe Parrain", "e.g. Amélie\nThe Godfather")) { (typed) }
            input type="hidden" name="lang" value=(code(language));
            button type="submit" { (t(language, "Proposez-moi cinq films", "Suggest five films")) }
        }
        @match &outcome {
            Some(Ok(found)) => {
                h2 { (t(language, "Pour vous", "For you")) }
                ul.films {
                    @for pick in &found.picks {
                        @if let Some(film) = catalogue.film(&pick.film.id) {
                            (film_item(film, language, Some(&pick.reason), buttons(&film.film_id)))
                        }
                    }
                }
                p {
                    a href=(link(&format!("/subscribe?likes={subscribe_likes}"), language)) {
                        (t(language, "Recevoir cinq films comme ceux-ci chaque semaine", "Get five films like these every week"))
                    }
                }
            }
            Some(Err(problem)) if problem.field.as_deref() == Some("exclude") => {
                // Their "Pas pour moi" and "Déjà vu" leave too few films (the detail names a field they never saw).
                p.notice role="alert" { (t(language, "Vos avis écartent presque tout le catalogue : il ne reste pas cinq films à vous proposer. Retirez un « Pas pour moi » ou un « Déjà vu » ci-dessous.",
                    "Your verdicts rule out almost the whole catalogue: five films cannot be proposed. Take back a “Not for me” or a “Seen it” below.")) }
            }
            Some(Err(problem)) => {
                // The detail starts with the field (`likes[1]: `), which means nothing on a page: its reason alone.
                p.notice role="alert" { (problem.reason.as_deref().unwrap_or(&problem.detail)) }
            }
            None => {}
        }
        @if !judged.is_empty() {
            section aria-labelledby="verdicts-heading" {
                h2 #verdicts-heading { (t(language, "Vos avis", "Your verdicts")) }
                p.meta { @match viewer {
                    Viewer::Subscriber { .. } => (t(language, "Enregistrés par le cinéma : ils orientent vos films de la semaine.",
                        "Recorded by the cinema: they guide your films of the week.")),
                    Viewer::Visitor(_) => (t(language, "Gardés dans ce navigateur seulement.", "Kept in this browser only.")),
                } }
                ul.films {
                    @for film in &judged {
                        (film_item(film, language, None, buttons(&film.film_id)))
                    }
                }
            }
        }
    };
    let status = match &outcome {
        Some(Err(problem)) => problem.status(),
        _ => StatusCode::OK,
    };
    feedback::private((status, layout(&state, language, &uri, title, body)).into_response())
}

/// The page behind an SMS's short link: the five films sent that week, with their reasons. Forged, expired
/// (older than [`PICKS_LINK_WEEKS`](cinepicks_jobs::notify::links::PICKS_LINK_WEEKS) weeks) and unknown codes,
/// and those of customers who have unsubscribed, all get the same "not found" page, which tells nothing about
/// which customers exist.
async fn week_picks(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    uri: axum::http::Uri,
    Path(code): Path<String>,
) -> Response {
    let Some((week, customer)) = state.signer.verify_picks(&code) else {
        return not_found_page(&state, language, &uri);
    };
    let today = IsoWeek::of(state.ctx.clock.now().with_timezone(&state.ctx.config.timezone).date_naive());
    if picks_link_expired(week, today) {
        return not_found_page(&state, language, &uri);
    }
    let subscribed = state.store.active_subscriptions(Some(customer)).await.map(|s| !s.is_empty());
    let picks = match subscribed {
        Ok(false) => Ok(None),
        Ok(true) => state
            .store
            .week_picks(customer, week)
            .await
            .map(|json| json.and_then(|j| serde_json::from_value::<WeeklyPicks>(j).ok())),
        Err(err) => Err(err),
    };
    let picks = match picks {
        Ok(picks) => picks,
        Err(err) => {
            tracing::warn!(error = %err, "reading a week's picks");
            return (StatusCode::SERVICE_UNAVAILABLE, "the store does not answer").into_response();
        }
    };
    let Some(picks) = picks else { return not_found_page(&state, language, &uri) };
    // The owner's "pages ouvertes": the first visit of the week's link is recorded, without making the page wait;
    // a failure only loses that figure.
    let (store, now) = (state.store.clone(), state.ctx.clock.now());
    tokio::spawn(async move {
        if let Err(err) = store.record_picks_opened(customer, week, now).await {
            tracing::warn!(error = %err, "recording an opened picks page");
        }
    });
    let catalogue = state.catalogue();
    let title_of = |id: &str| catalogue.film(id).map(|f| api::label(f, language));
    let title = t(language, "Vos cinq films de la semaine", "Your five films of the week");
    // The signed link recognises the subscriber: the buttons carry their token, and pressing one lets the site's
    // other pages recognise them too.
    let token = state.signer.feedback_token(customer, feedback_expiry(week, &state.ctx.config.timezone));
    let verdicts = Viewer::Subscriber { customer_id: customer }.verdicts(&state).await;
    // Verdicts given here count as the e-mail's when its link was followed, else as the SMS's.
    let by_email = uri.query().is_some_and(|q| q.split('&').any(|p| p == letter::BY_EMAIL));
    let back = match by_email {
        true => link(&format!("/p/{code}?{}", letter::BY_EMAIL), language),
        false => link(&format!("/p/{code}"), language),
    };
    let body = html! {
        h1 { (title) }
        p.meta { (week) }
        p { (t(language, "Dites-nous ce que vous en pensez : les films des semaines suivantes en tiendront compte.",
            "Tell us what you think: the films of the weeks to come will take it into account.")) }
        ul.films {
            @for pick in picks.films() {
                @if let Some(film) = catalogue.film(&pick.film_id) {
                    (film_item(film, language, Some(&letter::reason_text(&pick.reason, language, &title_of)),
                        feedback::buttons(language, &film.film_id, &verdicts, Some(&token), &back)))
                }
            }
        }
    };
    feedback::private(layout(&state, language, &uri, title, body).into_response())
}

fn not_found_page(state: &AppState, language: Language, uri: &axum::http::Uri) -> Response {
    let body = html! {
        h1 { (t(language, "Page introuvable", "Page not found")) }
        p { (t(language, "Ce film ou cette page n'existe pas ici.", "This film or page does not exist here.")) }
        (search_form(language, ""))
    };
    let page = layout(state, language, uri, t(language, "Page introuvable", "Page not found"), body);
    (StatusCode::NOT_FOUND, page).into_response()
}

/// Any other path.
pub async fn not_found(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    uri: axum::http::Uri,
) -> Response {
    not_found_page(&state, language, &uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_link_stays_on_this_site_whatever_the_path() {
        let other = |uri: &str| other_language(&uri.parse().unwrap(), Language::Fr).1;
        assert_eq!(other("/films/tt0133093?q=a&lang=fr"), "/films/tt0133093?q=a&lang=en");
        assert_eq!(other("//evil.example/x"), "/evil.example/x?lang=en");
    }
}
