//! The cinema's screenings as people and programs read them: `/programme` (the coming days, day by day, in the
//! cinema's time), `/programme.ics` (an iCalendar feed calendars can subscribe to) and `/api/v1/screenings`.

use std::collections::HashMap;

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use maud::html;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use cinepicks_domain::Language;
use cinepicks_domain::calendar::{self, day_name};
use cinepicks_store::entities::screening;

use super::AppState;
use super::api::{self, FilmSummary};
use super::language::{ApiLanguage, PageLanguage};
use super::pages::{layout, link, t};
use super::problem::Problem;

/// Days the programme page covers.
const PROGRAMME_DAYS: i64 = 14;
/// Days the calendar feed covers: a subscribed calendar shows what is announced further ahead.
const FEED_DAYS: i64 = 60;
/// Most days one API request may cover.
const MAX_DAYS: u32 = 62;

pub fn routes() -> Router<AppState> {
    Router::new().route("/programme", get(page)).route("/programme.ics", get(feed))
}

/// The screenings from `from` for `days`, with their films.
/// The screenings from `from` to the end of the `days`-th day in the cinema's time (its midnight, whatever the
/// clock changes in between).
async fn coming(state: &AppState, from: DateTime<Utc>, days: i64) -> Result<Vec<screening::Model>, Problem> {
    let tz = state.ctx.config.timezone;
    let last = from.with_timezone(&tz).date_naive() + Duration::days(days);
    let end = calendar::start_of_day(last, &tz).unwrap_or(from + Duration::days(days));
    Ok(state.store.screenings_between(from, end).await?)
}

/// "20 h 30" / "20:30" of an instant in the cinema's time.
fn time_of_day<Z: chrono::TimeZone>(at: DateTime<Z>, language: Language) -> String {
    calendar::time_of_day(at.naive_local().time(), language)
}

/// "VOST" spelled out for people: the version's short name with its meaning as a title.
fn version_label(version: &str, language: Language) -> &'static str {
    match (version, language) {
        ("VOST", Language::Fr) => "version originale sous-titrée",
        ("VOST", Language::En) => "original version, French subtitles",
        ("VO", Language::Fr) => "version originale",
        ("VO", Language::En) => "original version",
        (_, Language::Fr) => "version française",
        (_, Language::En) => "French version",
    }
}

fn price(cents: i32, language: Language) -> String {
    let euros = f64::from(cents) / 100.0;
    match language {
        Language::Fr => format!("{} €", language.num(euros, 2)),
        Language::En => format!("€{}", language.num(euros, 2)),
    }
}

/// `/programme`: the coming fortnight, day by day.
async fn page(State(state): State<AppState>, PageLanguage(language): PageLanguage, uri: axum::http::Uri) -> Response {
    let tz = state.ctx.config.timezone;
    let now = state.ctx.clock.now();
    let screenings = match coming(&state, now, PROGRAMME_DAYS).await {
        Ok(s) => s,
        Err(problem) => return problem.into_response(),
    };
    let catalogue = state.catalogue();
    let mut days: Vec<(NaiveDate, Vec<&screening::Model>)> = Vec::new();
    for s in &screenings {
        let day = s.starts_at.with_timezone(&tz).date_naive();
        match days.last_mut() {
            Some((d, list)) if *d == day => list.push(s),
            _ => days.push((day, vec![s])),
        }
    }
    let title = t(language, "Les séances", "Screenings");
    let body = html! {
        h1 { (title) }
        p {
            a href="/programme.ics" type="text/calendar" {
                (t(language, "Ajouter le programme à mon agenda (iCalendar)", "Add the programme to my calendar (iCalendar)"))
            }
        }
        @if days.is_empty() {
            p.notice { (t(language, "Aucune séance n'est encore annoncée pour les deux semaines à venir.",
                "No screening is announced for the coming two weeks yet.")) }
        }
        @for (day, list) in &days {
            section.day aria-labelledby=(format!("day-{day}")) {
                h2 id=(format!("day-{day}")) { (day_name(*day, language)) }
                ul.screenings {
                    @for s in list {
                        li {
                            time datetime=(s.starts_at.to_rfc3339()) { (time_of_day(s.starts_at.with_timezone(&tz), language)) }
                            " "
                            @match catalogue.film(&s.film_id) {
                                Some(film) => a href=(link(&format!("/films/{}", film.film_id), language)) { (api::label(film, language)) },
                                None => span { (s.film_id) },
                            }
                            " · " abbr title=(version_label(&s.version, language)) { (s.version) }
                            " · " (s.room)
                            @if let Some(cents) = s.price_cents { " · " (price(cents, language)) }
                            @if let Some(note) = &s.note { " · " strong { (note) } }
                            @if let Some(url) = &s.booking_url {
                                " " a.book href=(url) rel="noopener" { (t(language, "Réserver", "Book")) }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(&state, language, &uri, title, body).into_response()
}

/// A film's coming screenings, for its page.
pub async fn of_film(state: &AppState, film_id: &str) -> Vec<screening::Model> {
    let now = state.ctx.clock.now();
    match state.store.screenings_of(film_id, now).await {
        Ok(list) => list.into_iter().take(10).collect(),
        Err(err) => {
            tracing::warn!(error = %err, "reading a film's screenings failed");
            Vec::new()
        }
    }
}

/// The film page's "Prochaines séances" list: "mercredi 9 décembre, 20 h 30 · VOST · Salle 1 · Réserver".
pub fn film_section(state: &AppState, screenings: &[screening::Model], language: Language) -> maud::Markup {
    let tz = state.ctx.config.timezone;
    html! {
        @if !screenings.is_empty() {
            section aria-labelledby="screenings-heading" {
                h2 #screenings-heading { (t(language, "Prochaines séances", "Next screenings")) }
                ul.screenings {
                    @for s in screenings {
                        @let local = s.starts_at.with_timezone(&tz);
                        li {
                            time datetime=(s.starts_at.to_rfc3339()) {
                                (day_name(local.date_naive(), language)) ", " (time_of_day(local, language))
                            }
                            " · " abbr title=(version_label(&s.version, language)) { (s.version) } " · " (s.room)
                            @if let Some(note) = &s.note { " · " strong { (note) } }
                            @if let Some(url) = &s.booking_url {
                                " " a.book href=(url) rel="noopener" { (t(language, "Réserver", "Book")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The owner's view of the coming week: every screening with its day, time, film, version and room, and how to
/// change them.
pub async fn owner_section(state: &AppState, language: Language) -> maud::Markup {
    let tz = state.ctx.config.timezone;
    let screenings = coming(state, state.ctx.clock.now(), 7).await.unwrap_or_default();
    let catalogue = state.catalogue();
    html! {
        section.operation #screenings {
            h2 { (t(language, "Séances des sept prochains jours", "Screenings of the next seven days")) }
            @if screenings.is_empty() {
                p.notice { (t(language, "Aucune séance annoncée.", "No screening announced.")) }
            } @else {
                table {
                    thead { tr {
                        th { (t(language, "Jour", "Day")) } th { (t(language, "Heure", "Time")) } th { (t(language, "Film", "Film")) }
                        th { (t(language, "Version", "Version")) } th { (t(language, "Salle", "Room")) }
                    } }
                    tbody { @for s in &screenings {
                        @let local = s.starts_at.with_timezone(&tz);
                        tr {
                            td { (day_name(local.date_naive(), language)) }
                            td { (time_of_day(local, language)) }
                            td { (catalogue.film(&s.film_id).map_or_else(|| s.film_id.clone(), |f| api::label(f, language))) }
                            td { (s.version) } td { (s.room) }
                        }
                    } }
                }
            }
            p { a href=(link("/owner/screenings", language)) { (t(language, "Ajouter, modifier ou supprimer des séances", "Add, change or remove screenings")) }
                (t(language, ", ou importer tout un programme : ", ", or import a whole programme: "))
                code { (t(language, "cinepicks screenings import FICHIER.csv|.ics", "cinepicks screenings import FILE.csv|.ics")) }
                (t(language, " (le fichier remplace les séances des salles et des jours qu'il contient).",
                    " (the file replaces the screenings of the rooms and days it lists).")) }
        }
    }
}

/// `/programme.ics`: the coming screenings as an iCalendar feed (RFC 5545), in UTC, with stable UIDs so that a
/// subscribed calendar updates its events instead of duplicating them.
async fn feed(State(state): State<AppState>) -> Response {
    let now = state.ctx.clock.now();
    let screenings = match coming(&state, now - Duration::days(1), FEED_DAYS + 1).await {
        Ok(s) => s,
        Err(problem) => return problem.into_response(),
    };
    let catalogue = state.catalogue();
    let config = &state.ctx.config;
    let site = config.notify.site_url.trim_end_matches('/');
    let host = site.split("://").nth(1).unwrap_or(site).split('/').next().unwrap_or("cinepicks");
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//cinepicks//programme//FR".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", ics_text(&config.notify.cinema_name)),
    ];
    for s in &screenings {
        let film = catalogue.film(&s.film_id);
        let runtime = film
            .and_then(|f| f.runtime_minutes)
            .filter(|m| *m > 0)
            .map_or(i64::from(config.screenings.default_runtime_minutes), i64::from);
        let title = film.map_or_else(|| s.film_id.clone(), |f| api::label(f, config.locale));
        let mut description = format!("{} ({})", s.version, version_label(&s.version, config.locale));
        if let Some(note) = &s.note {
            description.push_str(&format!(" · {note}"));
        }
        if let Some(url) = &s.booking_url {
            description.push_str(&format!("\n{url}"));
        }
        lines.extend([
            "BEGIN:VEVENT".to_owned(),
            format!("UID:screening-{}@{host}", s.id),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART:{}", s.starts_at.format("%Y%m%dT%H%M%SZ")),
            format!("DTEND:{}", (s.starts_at + Duration::minutes(runtime)).format("%Y%m%dT%H%M%SZ")),
            format!("SUMMARY:{}", ics_text(&format!("{title} ({})", s.version))),
            format!("LOCATION:{}", ics_text(&format!("{}, {}", s.room, config.notify.cinema_name))),
            format!("DESCRIPTION:{}", ics_text(&description)),
            format!("URL:{site}/films/{}", s.film_id),
            "END:VEVENT".to_owned(),
        ]);
    }
    lines.push("END:VCALENDAR".to_owned());
    let body: String = lines.iter().map(|l| fold(l)).collect();
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline; filename=\"programme.ics\""));
    response
}

/// TEXT escaping of RFC 5545: backslash, comma, semicolon, new line.
fn ics_text(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n").replace('\r', "")
}

/// A content line folded at 75 octets (never inside a character), ended by CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScreeningsQuery {
    /// First day (YYYY-MM-DD, in the cinema's time zone) [default: today].
    pub from: Option<String>,
    /// Days covered, 1 to 62 [default: 14].
    pub days: Option<String>,
}

/// One screening.
#[derive(Debug, Serialize, ToSchema)]
pub struct Screening {
    /// Start, RFC 3339 with the cinema's offset.
    #[schema(example = "2026-12-09T20:30:00+01:00")]
    pub starts_at: String,
    pub film: FilmSummary,
    pub room: String,
    /// VF, VOST or VO.
    pub version: String,
    pub price_cents: Option<i32>,
    pub booking_url: Option<String>,
    /// "ciné-débat", "avant-première"…
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Screenings {
    pub screenings: Vec<Screening>,
}

/// The cinema's screenings of a period, earliest first.
#[utoipa::path(get, path = "/api/v1/screenings", tag = "films", params(ScreeningsQuery),
    responses(
        (status = 200, description = "The screenings of the period", body = Screenings),
        (status = 422, description = "A parameter is invalid (named in `field`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn screenings_endpoint(
    State(state): State<AppState>,
    ApiLanguage(language): ApiLanguage,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Screenings>, Problem> {
    let tz = state.ctx.config.timezone;
    let today = state.ctx.clock.now().with_timezone(&tz).date_naive();
    let from = match query.get("from").map(|f| NaiveDate::parse_from_str(f.trim(), "%Y-%m-%d")) {
        None => today,
        Some(Ok(day)) if (day - today).num_days().abs() <= 366 => day,
        Some(_) => return Err(Problem::invalid("from", "a day within a year of today, such as 2026-12-09")),
    };
    let days = match query.get("days").map(|d| d.trim().parse::<u32>()) {
        None => 14,
        Some(Ok(d)) if (1..=MAX_DAYS).contains(&d) => d,
        Some(_) => return Err(Problem::invalid("days", format!("a number of days from 1 to {MAX_DAYS}"))),
    };
    let start = calendar::start_of_day(from, &tz)
        .ok_or_else(|| Problem::invalid("from", "this day does not start in the cinema's time zone"))?;
    let catalogue = state.catalogue();
    let screenings = coming(&state, start, i64::from(days))
        .await?
        .into_iter()
        .filter_map(|s| {
            let film = catalogue.film(&s.film_id)?;
            Some(Screening {
                starts_at: s.starts_at.with_timezone(&tz).to_rfc3339(),
                film: api::summary(film, language),
                room: s.room,
                version: s.version,
                price_cents: s.price_cents,
                booking_url: s.booking_url,
                note: s.note,
            })
        })
        .collect();
    Ok(Json(Screenings { screenings }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_lines_are_escaped_and_folded_at_75_octets_without_cutting_a_character() {
        assert_eq!(ics_text("Salle 1, Cinéma; rue\\x\nbis"), "Salle 1\\, Cinéma\\; rue\\\\x\\nbis");
        let long = format!("SUMMARY:{}", "é".repeat(60));
        let folded = fold(&long);
        assert!(folded.split("\r\n").all(|l| l.len() <= 75), "{folded:?}");
        assert_eq!(folded.replace("\r\n ", "").trim_end(), long);
    }
}
