//! The owner's screenings: the coming four weeks, a form to add one or change one (every field checked at once,
//! a summary of the problems at the top, what was typed kept), and a button to remove one.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use maud::{Markup, html};

use cinepicks_domain::Language;
use cinepicks_domain::calendar::{day_name, time_of_day};
use cinepicks_jobs::screenings::{Version, check_url, parse_price, parse_time};
use cinepicks_store::entities::screening;
use cinepicks_store::queries::film_lookup::LookupError;
use cinepicks_store::queries::screenings::{NewScreening, ScreeningSaved};

use super::layout;
use super::session::Owner;
use crate::AppState;
use crate::api;
use crate::language::{PageLanguage, code};
use crate::pages::{link, t};

/// Days of screenings listed.
const LISTED_DAYS: i64 = 28;

/// What the form holds, as typed.
#[derive(Debug, Clone, Default)]
struct Typed {
    id: Option<i32>,
    /// The film of the screening being changed: kept while its title in `film` is left as shown.
    film_id: String,
    film: String,
    date: String,
    time: String,
    room: String,
    version: String,
    price: String,
    booking_url: String,
    note: String,
}

impl Typed {
    fn read(form: &HashMap<String, String>) -> Self {
        let get = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        Self {
            id: form.get("id").and_then(|v| v.parse().ok()),
            film_id: get("film_id"),
            film: get("film"),
            date: get("date"),
            time: get("time"),
            room: get("room"),
            version: get("version"),
            price: get("price"),
            booking_url: get("booking_url"),
            note: get("note"),
        }
    }

    /// A stored screening, as the form shows it to be changed.
    fn of(s: &screening::Model, title: String, state: &AppState) -> Self {
        let local = s.starts_at.with_timezone(&state.ctx.config.timezone);
        Self {
            id: Some(s.id),
            film_id: s.film_id.clone(),
            film: title,
            date: local.format("%Y-%m-%d").to_string(),
            time: local.format("%H:%M").to_string(),
            room: s.room.clone(),
            version: s.version.clone(),
            price: s.price_cents.map(|c| format!("{},{:02}", c / 100, c % 100)).unwrap_or_default(),
            booking_url: s.booking_url.clone().unwrap_or_default(),
            note: s.note.clone().unwrap_or_default(),
        }
    }
}

/// One refused field, and why, in the page's language.
type Problem = (&'static str, String);

/// GET: the coming screenings and the form (empty, or filled with `?edit=ID`'s screening).
pub async fn page(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    owner: Owner,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let editing = match params.get("edit").and_then(|id| id.parse::<i32>().ok()) {
        Some(id) => state.store.screening(id).await.ok().flatten(),
        None => None,
    };
    let catalogue = state.catalogue();
    let typed = match &editing {
        Some(s) => {
            let title = catalogue.film(&s.film_id).map_or_else(|| s.film_id.clone(), |f| api::label(f, language));
            Typed::of(s, title, &state)
        }
        None => Typed {
            room: state.ctx.config.screenings.default_room.clone(),
            version: state.ctx.config.screenings.default_version.as_str().to_owned(),
            ..Default::default()
        },
    };
    let notice = if params.contains_key("saved") {
        Some(t(language, "Séance enregistrée.", "Screening saved."))
    } else if params.contains_key("removed") {
        Some(t(language, "Séance supprimée.", "Screening removed."))
    } else if params.contains_key("gone") {
        Some(t(language, "Cette séance avait déjà été supprimée.", "This screening had already been removed."))
    } else {
        None
    };
    render(&state, language, &owner, &typed, &[], notice).await
}

/// POST: checks every field, then adds or changes the screening; the form again, as typed, otherwise.
pub async fn save(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    owner: Owner,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Some(refusal) = owner.refuse_forged(&headers, &state.ctx.config.notify.site_url, &form) {
        return refusal;
    }
    if form.get("id").is_some_and(|id| !id.is_empty() && id.parse::<i32>().is_err()) {
        return unavailable(&state, language, &owner, StatusCode::BAD_REQUEST);
    }
    let typed = Typed::read(&form);
    let (screening, problems) = check(&state, &typed, language).await;
    let Some(screening) = screening.filter(|_| problems.is_empty()) else {
        return render(&state, language, &owner, &typed, &problems, None).await;
    };
    let catalogue = state.catalogue();
    let default_runtime = i32::try_from(state.ctx.config.screenings.default_runtime_minutes).unwrap_or(120);
    let runtime = |film: &str| {
        let minutes = catalogue.film(film).and_then(|f| f.runtime_minutes).filter(|m| *m > 0);
        Duration::minutes(i64::from(minutes.unwrap_or(default_runtime)))
    };
    // No screened film lasts a day: how far back a screening still running may have started.
    let longest = Duration::hours(24);
    match state.store.save_screening(typed.id, &screening, runtime, longest, state.ctx.clock.now()).await {
        Ok(ScreeningSaved::Saved) => {
            tracing::info!(film = %screening.film_id, at = %screening.starts_at, room = %screening.room, "screening saved from the owner's page");
            Redirect::to(&format!("/owner/screenings?lang={}&saved=1", code(language))).into_response()
        }
        Ok(ScreeningSaved::Gone) => {
            let why = t(
                language,
                "cette séance a été supprimée entre-temps : elle sera ajoutée si vous enregistrez à nouveau",
                "this screening was removed meanwhile: it will be added if you save again",
            );
            render(&state, language, &owner, &Typed { id: None, ..typed }, &[("film", why.to_owned())], None).await
        }
        Ok(ScreeningSaved::Taken(other)) => {
            let taken = ("date", taken_room(&state, &other, language));
            render(&state, language, &owner, &typed, &[taken], None).await
        }
        Err(err) => {
            tracing::error!(error = %err, "saving a screening failed");
            unavailable(&state, language, &owner, StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

/// "salle déjà prise : « Le Salaire de la peur » y commence le mercredi 9 décembre à 20 h 30".
fn taken_room(state: &AppState, other: &screening::Model, language: Language) -> String {
    let catalogue = state.catalogue();
    let title = catalogue.film(&other.film_id).map_or_else(|| other.film_id.clone(), |f| api::label(f, language));
    let local = other.starts_at.with_timezone(&state.ctx.config.timezone);
    let (day, time) = (day_name(local.date_naive(), language), time_of_day(local.time(), language));
    match language {
        Language::Fr => format!("salle déjà prise : « {title} » y commence le {day} à {time}"),
        Language::En => format!("room already taken: “{title}” starts there on {day} at {time}"),
    }
}

/// The page when the store does not answer (or the form was tampered with), in the owner's frame.
fn unavailable(state: &AppState, language: Language, owner: &Owner, status: StatusCode) -> Response {
    let title = t(language, "Séances", "Screenings");
    let why = t(
        language,
        "La séance n'a pas pu être enregistrée : réessayez dans un instant.",
        "The screening could not be saved: try again in a moment.",
    );
    let body = html! { h1 { (title) } p.notice role="alert" { (why) } };
    (status, layout(state, language, Some(owner), title, body)).into_response()
}

/// POST of a screening's remove button.
pub async fn remove(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    owner: Owner,
    headers: HeaderMap,
    Path(id): Path<i32>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Some(refusal) = owner.refuse_forged(&headers, &state.ctx.config.notify.site_url, &form) {
        return refusal;
    }
    let outcome = match state.store.remove_screening(id).await {
        Ok(true) => "removed",
        Ok(false) => "gone",
        Err(err) => {
            tracing::error!(error = %err, "removing a screening failed");
            return unavailable(&state, language, &owner, StatusCode::SERVICE_UNAVAILABLE);
        }
    };
    tracing::info!(screening = id, outcome, "screening removed from the owner's page");
    Redirect::to(&format!("/owner/screenings?lang={}&{outcome}=1", code(language))).into_response()
}

/// Every field checked at once: the screening when all are good, and every problem.
async fn check(state: &AppState, typed: &Typed, language: Language) -> (Option<NewScreening>, Vec<Problem>) {
    let say = |fr: &'static str, en: &'static str| t(language, fr, en).to_owned();
    let catalogue = state.catalogue();
    let config = &state.ctx.config;
    let now = state.ctx.clock.now();
    let mut problems: Vec<Problem> = Vec::new();
    // The film of the screening being changed, its title left as shown: no need to look it up again.
    let kept = catalogue.film(&typed.film_id).filter(|f| api::label(f, language) == typed.film);
    let film_id = if let Some(film) = kept {
        Some(film.film_id.clone())
    } else if typed.film.is_empty() {
        problems
            .push(("film", say("indiquez le film (titre ou identifiant IMDb)", "give the film (title or IMDb id)")));
        None
    } else {
        match state.store.film_lookup().await.map(|l| l.resolve(&typed.film)) {
            Ok(Ok(id)) => Some(id),
            Ok(Err(LookupError::Unknown(_))) => {
                problems.push((
                    "film",
                    say(
                        "aucun film de ce titre au catalogue : essayez le titre original ou l'identifiant IMDb (tt…)",
                        "no film of this title in the catalogue: try the original title or the IMDb id (tt…)",
                    ),
                ));
                None
            }
            Ok(Err(LookupError::Ambiguous { candidates, .. })) => {
                problems.push(("film", ambiguous(&catalogue, &candidates, language)));
                None
            }
            Err(err) => {
                tracing::error!(error = %err, "reading the catalogue's titles failed");
                problems.push((
                    "film",
                    say("le catalogue ne répond pas : réessayez", "the catalogue does not answer: try again"),
                ));
                None
            }
        }
    };
    let starts_at = match parse_time(&format!("{} {}", typed.date, typed.time), config.timezone) {
        Ok(at) if at < now => {
            problems.push(("date", say("cette date et cette heure sont passées", "this date and time are past")));
            None
        }
        Ok(at) => Some(at),
        Err(_) if typed.date.is_empty() || typed.time.is_empty() => {
            problems.push((
                "date",
                say("indiquez le jour et l'heure de la séance", "give the day and time of the screening"),
            ));
            None
        }
        Err(_) => {
            // Typed, but not a time of that day: the hour the clocks skip in spring.
            problems.push((
                "date",
                say(
                    "cette heure n'existe pas ce jour-là (changement d'heure) : choisissez-en une autre",
                    "this time does not exist on that day (clock change): choose another",
                ),
            ));
            None
        }
    };
    let room = if typed.room.is_empty() { config.screenings.default_room.clone() } else { typed.room.clone() };
    let version = Version::parse(&typed.version);
    if version.is_none() {
        problems.push(("version", say("choisissez VF, VOST ou VO", "choose VF, VOST or VO")));
    }
    let price_cents = match typed.price.as_str() {
        "" => None,
        price => match parse_price(price) {
            Ok(cents) => Some(cents),
            Err(_) => {
                problems.push(("price", say("un prix en euros, par exemple 7,50", "a price in euros, e.g. 7.50")));
                None
            }
        },
    };
    let booking_url = match typed.booking_url.as_str() {
        "" => None,
        url => match check_url(url) {
            Ok(url) => Some(url),
            Err(_) => {
                problems.push((
                    "booking_url",
                    say("une adresse web commençant par https://", "a web address starting with https://"),
                ));
                None
            }
        },
    };
    if typed.note.chars().count() > 200 {
        problems.push(("note", say("200 caractères au plus", "at most 200 characters")));
    }
    let (Some(film_id), Some(starts_at), Some(version)) = (film_id, starts_at, version) else {
        return (None, problems);
    };
    // Whether the room is free is checked when saving, in the same transaction as the write.
    let screening = NewScreening {
        film_id,
        starts_at,
        room,
        version: version.as_str().to_owned(),
        price_cents,
        booking_url,
        note: (!typed.note.is_empty()).then(|| typed.note.clone()),
        source: "owner".into(),
    };
    (Some(screening), problems)
}

/// "mardi 8 décembre, 20 h 30".
fn when(state: &AppState, at: DateTime<Utc>, language: Language) -> String {
    let local = at.with_timezone(&state.ctx.config.timezone);
    format!("{}, {}", day_name(local.date_naive(), language), time_of_day(local.time(), language))
}

/// Several films answer the title typed (each candidate is "tt… (year)"): named by their titles, with their IMDb
/// ids when title and year are the same.
fn ambiguous(catalogue: &crate::catalogue::Catalogue, candidates: &[String], language: Language) -> String {
    let labels: Vec<(String, &str)> = candidates
        .iter()
        .filter_map(|c| c.split_whitespace().next())
        .map(|id| (catalogue.film(id).map_or_else(|| id.to_owned(), |f| api::label(f, language)), id))
        .collect();
    let twins = labels.iter().any(|(l, id)| labels.iter().any(|(m, other)| l == m && id != other));
    let names: Vec<String> =
        labels.iter().map(|(l, id)| if twins { format!("{l} : {id}") } else { l.clone() }).collect();
    let names = names.join(", ");
    match (language, twins) {
        (Language::Fr, false) => {
            format!("plusieurs films portent ce titre ({names}) : ajoutez l'année entre parenthèses")
        }
        (Language::Fr, true) => {
            format!("plusieurs films portent ce titre et cette année ({names}) : indiquez l'identifiant IMDb")
        }
        (Language::En, false) => format!("several films have this title ({names}): add the year in brackets"),
        (Language::En, true) => format!("several films have this title and year ({names}): give the IMDb id"),
    }
}

async fn render(
    state: &AppState,
    language: Language,
    owner: &Owner,
    typed: &Typed,
    problems: &[Problem],
    notice: Option<&str>,
) -> Response {
    let now = state.ctx.clock.now();
    let coming = state.store.screenings_between(now, now + Duration::days(LISTED_DAYS)).await.unwrap_or_default();
    let shown: Vec<String> = coming.iter().map(|s| s.film_id.clone()).collect();
    let with_synopsis = state.store.films_with_synopsis(&shown, Language::Fr).await.unwrap_or_default();
    let catalogue = state.catalogue();
    let title = t(language, "Séances", "Screenings");
    let invalid = |field: &str| problems.iter().any(|(f, _)| *f == field);
    // One message element per field, whatever the number of its problems.
    let error = |field: &str| -> Markup {
        let whys: Vec<&str> = problems.iter().filter(|(f, _)| *f == field).map(|(_, why)| why.as_str()).collect();
        html! { @if !whys.is_empty() { span.error id=(format!("{field}-error")) { (whys.join(" ; ")) } } }
    };
    // The film's input is `q`: the suggestions script looks for it.
    let input_of = |field: &str| if field == "film" { "q".to_owned() } else { field.to_owned() };
    let described = |field: &str| invalid(field).then(|| format!("{field}-error"));
    let body = html! {
        h1 { (title) }
        @if let Some(text) = notice { p.notice role="status" { (text) } }
        @if !problems.is_empty() {
            div.notice.summary role="alert" tabindex="-1" {
                p { strong { (t(language, "La séance n'est pas enregistrée :", "The screening is not saved:")) } }
                ul { @for (field, why) in problems { li { a href=(format!("#{}", input_of(field))) { (why) } } } }
            }
        }
        section.operation #form {
            h2 { @if typed.id.is_some() { (t(language, "Modifier la séance", "Change the screening")) } @else { (t(language, "Ajouter une séance", "Add a screening")) } }
            form.owner.subscribe method="post" action=(link("/owner/screenings", language)) novalidate {
                input type="hidden" name="csrf" value=(owner.csrf);
                @if let Some(id) = typed.id { input type="hidden" name="id" value=(id); }
                @if !typed.film_id.is_empty() { input type="hidden" name="film_id" value=(typed.film_id); }
                label for="q" { (t(language, "Film (titre, avec l'année s'il le faut, ou identifiant IMDb)", "Film (title, with the year if needed, or IMDb id)")) }
                input #q type="text" name="film" value=(typed.film) list="suggestions" autocomplete="off" required
                    aria-invalid=[invalid("film").then_some("true")] aria-describedby=[described("film")];
                datalist #suggestions {}
                (error("film"))
                label for="date" { (t(language, "Jour", "Day")) }
                input #date type="date" name="date" value=(typed.date) required
                    aria-invalid=[invalid("date").then_some("true")] aria-describedby=[described("date")];
                label for="time" { (t(language, "Heure", "Time")) }
                input #time type="time" name="time" value=(typed.time) required
                    aria-invalid=[invalid("date").then_some("true")] aria-describedby=[described("date")];
                (error("date"))
                label for="room" { (t(language, "Salle", "Room")) }
                input #room type="text" name="room" value=(typed.room) maxlength="60";
                label for="version" { (t(language, "Version", "Version")) }
                select #version name="version" aria-invalid=[invalid("version").then_some("true")] {
                    @for (value, fr, en) in [("VF", "VF (doublé en français)", "VF (dubbed in French)"), ("VOST", "VOST (sous-titré)", "VOST (subtitled)"), ("VO", "VO (sans sous-titres)", "VO (no subtitles)")] {
                        option value=(value) selected[typed.version.eq_ignore_ascii_case(value)] { (t(language, fr, en)) }
                    }
                }
                (error("version"))
                label for="price" { (t(language, "Prix (facultatif)", "Price (optional)")) }
                input #price type="text" name="price" value=(typed.price) placeholder="7,50" inputmode="decimal"
                    aria-invalid=[invalid("price").then_some("true")] aria-describedby=[described("price")];
                (error("price"))
                label for="booking_url" { (t(language, "Lien de réservation (facultatif)", "Booking link (optional)")) }
                input #booking_url type="url" name="booking_url" value=(typed.booking_url) placeholder="https://"
                    aria-invalid=[invalid("booking_url").then_some("true")] aria-describedby=[described("booking_url")];
                (error("booking_url"))
                label for="note" { (t(language, "Note (facultatif : ciné-débat, avant-première…)", "Note (optional: debate, preview…)")) }
                input #note type="text" name="note" value=(typed.note) maxlength="200"
                    aria-invalid=[invalid("note").then_some("true")] aria-describedby=[described("note")];
                (error("note"))
                button type="submit" { @if typed.id.is_some() { (t(language, "Enregistrer les changements", "Save the changes")) } @else { (t(language, "Ajouter la séance", "Add the screening")) } }
            }
        }
        section.operation #coming {
            h2 { (t(language, "Les quatre semaines à venir", "The coming four weeks")) }
            @if coming.is_empty() {
                p { (t(language, "Aucune séance annoncée.", "No screening announced.")) }
            } @else {
                table {
                    thead { tr {
                        th { (t(language, "Quand", "When")) } th { (t(language, "Film", "Film")) }
                        th { (t(language, "Version", "Version")) } th { (t(language, "Salle", "Room")) }
                        th { (t(language, "Résumé", "Synopsis")) } th {}
                    } }
                    tbody { @for s in &coming { tr {
                        td { (when(state, s.starts_at, language)) }
                        td { (catalogue.film(&s.film_id).map_or_else(|| s.film_id.clone(), |f| api::label(f, language))) }
                        td { (s.version) } td { (s.room) }
                        td { @if catalogue.film(&s.film_id).is_some() {
                            a href=(link(&format!("/owner/films/{}/synopsis", s.film_id), language)) {
                                @if with_synopsis.contains(&s.film_id) { (t(language, "Modifier", "Change")) } @else { (t(language, "À écrire", "To write")) }
                            }
                        } }
                        td {
                            a href=(format!("{}#form", link(&format!("/owner/screenings?edit={}", s.id), language))) { (t(language, "Modifier", "Change")) }
                            form.inline method="post" action=(link(&format!("/owner/screenings/{}/remove", s.id), language)) {
                                input type="hidden" name="csrf" value=(owner.csrf);
                                button.remove type="submit" { (t(language, "Supprimer", "Remove")) }
                            }
                        }
                    } } }
                }
            }
        }
    };
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    (status, layout(state, language, Some(owner), title, body)).into_response()
}
