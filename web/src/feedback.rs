//! Feedback on films ("J'aime", "Pas pour moi", "Déjà vu"): the weekly e-mail's links (a page with the choice
//! and a button: following a link records nothing, as mail scanners follow them all), the buttons of film pages,
//! of the SMS page and of "Mes films" (plain forms, no script needed), and `POST /api/v1/feedback`.
//!
//! A subscriber is recognised by a signed feedback token: the one in their message's link (the e-mail's page and
//! the SMS page put it in their forms), then a cookie set when they press one of those buttons, which the site's
//! other pages use without ever writing the token into a page. A visitor's verdicts stay in their browser, in a
//! cookie, and only shape what this site shows them.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use cinepicks_domain::{FeedbackKind, FeedbackSource, Language};
use cinepicks_jobs::notify::links::ConfirmError;
use cinepicks_store::queries::feedback::{FeedbackOutcome, Verdicts};

use super::AppState;
use super::api;
use super::forms::{cookie, same_origin};
use super::language::PageLanguage;
use super::pages::{layout, link, t};
use super::problem::{ApiJson, Problem};
use super::rate_limit::Client;

pub fn routes() -> Router<AppState> {
    Router::new().route("/feedback", get(feedback_page).post(feedback_now))
}

pub fn api_routes() -> Router<AppState> {
    Router::new().route("/v1/feedback", post(feedback_endpoint))
}

/// The cookie holding a recognised subscriber's feedback token.
const SUBSCRIBER_COOKIE: &str = "cinepicks_subscriber";
/// The cookie holding a visitor's verdicts (`l.tt…~n.tt…~s.tt…`), in their browser only.
const VISITOR_COOKIE: &str = "cinepicks_verdicts";
/// Verdicts a visitor's cookie keeps (the latest; 100 × 12 bytes stays well under browsers' 4 KB).
const VISITOR_MAX: usize = 100;

/// Who is looking at a page, as far as feedback goes.
pub enum Viewer {
    /// Recognised by their cookie's genuine, unexpired token, and still subscribed.
    Subscriber { customer_id: i32 },
    /// Anyone else: their verdicts are the cookie's.
    Visitor(Verdicts),
}

impl Viewer {
    /// The viewer of a request: a subscriber when the cookie holds a genuine token of a customer still subscribed
    /// (and, when the store does not answer, a visitor for this page: nothing is written from it).
    pub async fn of(state: &AppState, headers: &HeaderMap) -> Self {
        match subscriber_of_cookie(state, headers).await {
            CookieSays::Subscriber(customer_id) => Self::Subscriber { customer_id },
            CookieSays::Nobody | CookieSays::Unknown => {
                Self::Visitor(cookie(headers, VISITOR_COOKIE).map(parse_visitor).unwrap_or_default())
            }
        }
    }

    /// Their current verdicts (a subscriber's from the store; none when it does not answer).
    pub async fn verdicts(&self, state: &AppState) -> Verdicts {
        match self {
            Self::Visitor(verdicts) => verdicts.clone(),
            Self::Subscriber { customer_id } => subscriber_verdicts(state, *customer_id).await,
        }
    }
}

async fn subscriber_verdicts(state: &AppState, customer_id: i32) -> Verdicts {
    match state.store.feedback_of(customer_id).await {
        Ok(events) => Verdicts::of(&events),
        Err(err) => {
            tracing::warn!(error = %err, "reading a subscriber's feedback failed");
            Verdicts::default()
        }
    }
}

/// What the subscriber cookie tells.
enum CookieSays {
    /// A genuine, unexpired token of a customer still subscribed.
    Subscriber(i32),
    /// No cookie, or one no longer good (forged, expired, unsubscribed).
    Nobody,
    /// The store does not answer: whether they are still subscribed is not known.
    Unknown,
}

async fn subscriber_of_cookie(state: &AppState, headers: &HeaderMap) -> CookieSays {
    let Some(token) = cookie(headers, SUBSCRIBER_COOKIE) else { return CookieSays::Nobody };
    let Ok((customer_id, _)) = state.signer.verify_feedback(token, state.ctx.clock.now()) else {
        return CookieSays::Nobody;
    };
    match state.store.active_subscriptions(Some(customer_id)).await {
        Ok(subscriptions) if subscriptions.is_empty() => CookieSays::Nobody,
        Ok(_) => CookieSays::Subscriber(customer_id),
        Err(err) => {
            tracing::warn!(error = %err, "checking a subscriber's subscriptions failed");
            CookieSays::Unknown
        }
    }
}

/// The three buttons for one film, as a form posting to `/feedback` that comes back to `back` (this page). The
/// current verdicts are pressed (`aria-pressed`; pressing one again takes it back), and said in words for those
/// who do not see the styles. `token` only on the pages a message's signed link opened.
pub fn buttons(language: Language, film_id: &str, verdicts: &Verdicts, token: Option<&str>, back: &str) -> Markup {
    let said: Vec<&str> =
        FeedbackKind::ALL.into_iter().filter(|&k| verdicts.has(film_id, k)).map(|k| k.label(language)).collect();
    html! {
        form.feedback method="post" action=(link("/feedback", language)) {
            input type="hidden" name="film" value=(film_id);
            input type="hidden" name="back" value=(back);
            @if let Some(token) = token { input type="hidden" name="token" value=(token); }
            span.label { (t(language, "Votre avis :", "Your verdict:")) }
            (choices(language, film_id, verdicts, None))
            @if !said.is_empty() {
                span.said role="status" { (t(language, "noté : ", "noted: ")) (said.join(", ")) }
            }
        }
    }
}

/// The three submit buttons, the verdicts held pressed, `focused` (the e-mail's choice) focused.
fn choices(language: Language, film_id: &str, verdicts: &Verdicts, focused: Option<FeedbackKind>) -> Markup {
    html! {
        @for kind in FeedbackKind::ALL {
            button type="submit" name="kind" value=(kind.as_str()) class=(kind.as_str())
                aria-pressed=(if verdicts.has(film_id, kind) { "true" } else { "false" })
                autofocus[focused == Some(kind)] { (kind.label(language)) }
        }
    }
}

/// The buttons for a page's viewer (the cookie's subscriber or a visitor), coming back to `back`.
pub async fn buttons_for(
    state: &AppState,
    headers: &HeaderMap,
    language: Language,
    film_id: &str,
    back: &str,
) -> Markup {
    let verdicts = Viewer::of(state, headers).await.verdicts(state).await;
    buttons(language, film_id, &verdicts, None, back)
}

/// A page that depends on who asks (their verdicts) must not be cached by anyone else.
pub fn private(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

/// GET of an e-mail's link: the film and the choice again, with a button whose POST records it. It records
/// nothing and sets nothing: a link followed is not a decision.
async fn feedback_page(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    uri: axum::http::Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let token = params.get("token").map(|t| t.trim().to_owned()).unwrap_or_default();
    let customer_id = match state.signer.verify_feedback(&token, state.ctx.clock.now()) {
        Ok((customer_id, _)) => customer_id,
        Err(why) => return refused(&state, language, &uri, Refusal::Link(why)),
    };
    let catalogue = state.catalogue();
    let Some(film) = params.get("film").and_then(|id| api::film_id(id).ok()).and_then(|id| catalogue.film(id)) else {
        return refused(&state, language, &uri, Refusal::UnknownFilm);
    };
    let chosen = params.get("kind").and_then(|k| k.parse::<FeedbackKind>().ok());
    let verdicts = subscriber_verdicts(&state, customer_id).await;
    let title = api::title(film, language);
    let body = html! {
        h1 { (t(language, "Votre avis sur « ", "Your verdict on “")) (title) (t(language, " »", "”")) }
        @match chosen {
            Some(kind) => p { (t(language, "Vous avez choisi : ", "You chose: ")) strong { (kind.label(language)) } ". "
                (t(language, "Un clic pour l'enregistrer (ou choisissez autre chose) :", "One click to record it (or choose otherwise):")) },
            None => p { (t(language, "Qu'en pensez-vous ? Un clic suffit :", "What do you think of it? One click is enough:")) },
        }
        form.feedback.confirm method="post" action=(link("/feedback", language)) {
            input type="hidden" name="token" value=(token);
            input type="hidden" name="film" value=(film.film_id);
            (choices(language, &film.film_id, &verdicts, chosen))
        }
        p { a href=(link(&format!("/films/{}", film.film_id), language)) { (t(language, "Voir la fiche du film", "See the film's page")) } }
    };
    private(layout(&state, language, &uri, title, body).into_response())
}

/// The fields of a feedback form.
#[derive(Debug)]
struct Posted {
    film: String,
    kind: Option<FeedbackKind>,
    token: Option<String>,
    back: Option<String>,
}

fn read_form(fields: Vec<(String, String)>) -> Posted {
    let mut posted = Posted { film: String::new(), kind: None, token: None, back: None };
    for (key, value) in fields {
        match key.as_str() {
            "film" => posted.film = value.trim().to_owned(),
            "kind" => posted.kind = value.parse().ok(),
            "token" if !value.trim().is_empty() => posted.token = Some(value.trim().to_owned()),
            "back" if is_back(&value) => posted.back = Some(value),
            _ => {}
        }
    }
    posted
}

/// Pages a feedback form may come back to: the site's own pages with buttons, and nothing a browser could read
/// as another site (no control character, no backslash).
fn is_back(path: &str) -> bool {
    const PAGES: [&str; 3] = ["/films/", "/picks", "/p/"];
    PAGES.iter().any(|p| path.starts_with(p)) && !path.chars().any(|c| c.is_control() || c == '\\')
}

/// Where a verdict was given, told by the form, not by what it claims: a token in the form means a message's
/// page (the week's page comes back to `/p/`, marked when the e-mail led there), none means the site.
fn source_of(posted: &Posted) -> FeedbackSource {
    let by_email = |back: &str| back.split(['?', '&']).any(|p| p == cinepicks_jobs::notify::letter::BY_EMAIL);
    match (&posted.token, &posted.back) {
        (Some(_), Some(back)) if back.starts_with("/p/") && !by_email(back) => FeedbackSource::Sms,
        (Some(_), _) => FeedbackSource::Email,
        (None, _) => FeedbackSource::Site,
    }
}

/// POST of a feedback button.
async fn feedback_now(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    uri: axum::http::Uri,
    headers: HeaderMap,
    Client(client): Client,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if !same_origin(&headers, &state.ctx.config.notify.site_url) {
        return refused(&state, language, &uri, Refusal::CrossSite);
    }
    if let Some(Err(wait)) = client.map(|ip| state.feedback_limiter.check(ip, std::time::Instant::now())) {
        return refused(&state, language, &uri, Refusal::TooMany(wait.as_secs().max(1)));
    }
    let posted = read_form(fields);
    let Some(kind) = posted.kind else {
        return refused(&state, language, &uri, Refusal::NoChoice);
    };
    let catalogue = state.catalogue();
    let Some(film) = api::film_id(&posted.film).ok().and_then(|id| catalogue.film(id)) else {
        return refused(&state, language, &uri, Refusal::UnknownFilm);
    };
    let now = state.ctx.clock.now();
    // The form's token (a message's page), else the cookie's; a cookie no longer good makes a visitor.
    let subscriber = match &posted.token {
        Some(token) => match state.signer.verify_feedback(token, now) {
            Ok((customer_id, _)) => Some((customer_id, token.clone())),
            Err(why) => return refused(&state, language, &uri, Refusal::Link(why)),
        },
        None => match subscriber_of_cookie(&state, &headers).await {
            CookieSays::Subscriber(customer_id) => {
                cookie(&headers, SUBSCRIBER_COOKIE).map(|t| (customer_id, t.to_owned()))
            }
            CookieSays::Nobody => None,
            // Not the moment to decide they left (and forget their cookie): nothing recorded, say so.
            CookieSays::Unknown => return refused(&state, language, &uri, Refusal::Unavailable),
        },
    };
    let Some((customer_id, token)) = subscriber else {
        // A visitor: their browser keeps it; pressing a pressed button takes it back.
        let mut verdicts = cookie(&headers, VISITOR_COOKIE).map(parse_visitor).unwrap_or_default();
        let toggle = posted.back.is_some() && verdicts.has(&film.film_id, kind);
        if toggle {
            remove(&mut verdicts, &film.film_id, kind)
        } else {
            apply(&mut verdicts, &film.film_id, kind)
        }
        let response = match &posted.back {
            Some(back) => Redirect::to(back).into_response(),
            None => done(&state, language, &uri, film, kind, Done::InThisBrowser),
        };
        let mut response = with_cookie(response, &visitor_cookie(&state, &verdicts));
        if cookie(&headers, SUBSCRIBER_COOKIE).is_some() {
            // A stale subscriber cookie (expired, unsubscribed): forgotten.
            response =
                with_cookie(response, &format!("{SUBSCRIBER_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"));
        }
        return response;
    };
    let source = source_of(&posted);
    let toggle = posted.back.is_some();
    let outcome = match state.store.record_feedback(customer_id, &film.film_id, kind, source, toggle, now).await {
        Ok(outcome) => outcome,
        Err(err) => {
            tracing::error!(error = %err, "recording feedback failed");
            return refused(&state, language, &uri, Refusal::Unavailable);
        }
    };
    tracing::info!(customer = customer_id, film = %film.film_id, %kind, %source, ?outcome, "feedback");
    let response = match (outcome, &posted.back) {
        (FeedbackOutcome::UnknownFilm, _) => return refused(&state, language, &uri, Refusal::UnknownFilm),
        (FeedbackOutcome::NotSubscribed, _) => return refused(&state, language, &uri, Refusal::NotSubscribed),
        (_, Some(back)) => Redirect::to(back).into_response(),
        (FeedbackOutcome::AlreadyRecorded, None) => done(&state, language, &uri, film, kind, Done::Already),
        (_, None) => done(&state, language, &uri, film, kind, Done::Recorded),
    };
    // Pressing a button of their message's page is their decision to be recognised on this site.
    with_subscriber_cookie(&state, &token, response)
}

/// What a recorded verdict page says.
#[derive(Clone, Copy, PartialEq)]
enum Done {
    Recorded,
    Already,
    InThisBrowser,
}

fn done(
    state: &AppState,
    language: Language,
    uri: &axum::http::Uri,
    film: &cinepicks_store::entities::film::Model,
    kind: FeedbackKind,
    how: Done,
) -> Response {
    let title = api::title(film, language);
    let heading = match how {
        Done::Already => t(language, "C'était déjà noté", "It was already noted"),
        _ => t(language, "Merci, c'est noté", "Thank you, it is noted"),
    };
    let body = html! {
        h1 { (heading) }
        p.notice role="status" {
            "« " (title) " » : " strong { (kind.label(language)) } ". "
            @match how {
                Done::Recorded => (t(language, "Vos prochains films en tiendront compte.", "Your next films will take it into account.")),
                Done::Already => (t(language, "Rien n'a changé.", "Nothing changed.")),
                Done::InThisBrowser => (t(language, "Gardé dans ce navigateur seulement : il oriente les films que ce site vous propose.",
                    "Kept in this browser only: it guides the films this site suggests to you.")),
            }
        }
        @if kind.excludes() {
            p { (t(language, "Ce film ne vous sera plus proposé.", "This film will not be suggested to you again.")) }
        }
        p {
            a href=(link(&format!("/films/{}", film.film_id), language)) { (t(language, "Voir la fiche du film", "See the film's page")) }
            " · "
            a href=(link("/picks", language)) { (t(language, "Mes films", "My picks")) }
        }
    };
    layout(state, language, uri, heading, body).into_response()
}

/// Why nothing was recorded.
enum Refusal {
    Link(ConfirmError),
    UnknownFilm,
    NotSubscribed,
    NoChoice,
    CrossSite,
    TooMany(u64),
    Unavailable,
}

fn refused(state: &AppState, language: Language, uri: &axum::http::Uri, why: Refusal) -> Response {
    let (status, heading, text) = match why {
        Refusal::Link(ConfirmError::Invalid) => (
            StatusCode::BAD_REQUEST,
            t(language, "Lien non valide", "Invalid link"),
            t(
                language,
                "Ce lien est incomplet ou ne vient pas du cinéma : rien n'est enregistré. Utilisez les boutons du dernier message reçu.",
                "This link is incomplete or not from the cinema: nothing is recorded. Use the buttons of the last message you received.",
            ),
        ),
        Refusal::Link(ConfirmError::Expired) => (
            StatusCode::GONE,
            t(language, "Lien expiré", "Link expired"),
            t(
                language,
                "Ce lien n'est plus valable : rien n'est enregistré. Les boutons du dernier message reçu fonctionnent, et ceux des fiches de films aussi.",
                "This link no longer works: nothing is recorded. The buttons of the last message you received work, and so do those of the film pages.",
            ),
        ),
        Refusal::UnknownFilm => (
            StatusCode::NOT_FOUND,
            t(language, "Film inconnu", "Unknown film"),
            t(
                language,
                "Ce film n'est pas au catalogue du cinéma : rien n'est enregistré.",
                "This film is not in the cinema's catalogue: nothing is recorded.",
            ),
        ),
        Refusal::NotSubscribed => (
            StatusCode::FORBIDDEN,
            t(language, "Abonnement arrêté", "Subscription stopped"),
            t(
                language,
                "Votre abonnement aux films de la semaine est arrêté : votre avis n'est pas enregistré. Réinscrivez-vous pour que vos avis comptent.",
                "Your subscription to the weekly films is stopped: your verdict is not recorded. Subscribe again for your verdicts to count.",
            ),
        ),
        Refusal::NoChoice => (
            StatusCode::BAD_REQUEST,
            t(language, "Aucun avis choisi", "No verdict chosen"),
            t(
                language,
                "Choisissez « J'aime », « Pas pour moi » ou « Déjà vu ».",
                "Choose “I like it”, “Not for me” or “Seen it”.",
            ),
        ),
        Refusal::CrossSite => (
            StatusCode::FORBIDDEN,
            t(language, "Formulaire refusé", "Form refused"),
            t(
                language,
                "Ce formulaire ne vient pas de ce site : rien n'est enregistré.",
                "This form is not from this site: nothing is recorded.",
            ),
        ),
        Refusal::TooMany(_) => (
            StatusCode::TOO_MANY_REQUESTS,
            t(language, "Trop d'avis d'un coup", "Too many verdicts at once"),
            t(
                language,
                "Trop d'avis envoyés depuis cette adresse : attendez une minute, puis réessayez.",
                "Too many verdicts sent from this address: wait a minute, then try again.",
            ),
        ),
        Refusal::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            t(language, "Avis non enregistré", "Verdict not recorded"),
            t(
                language,
                "Le cinéma ne peut pas enregistrer votre avis pour l'instant : réessayez plus tard.",
                "The cinema cannot record your verdict right now: please try again later.",
            ),
        ),
    };
    let retry = match why {
        Refusal::TooMany(seconds) => Some(seconds),
        _ => None,
    };
    let body = html! { h1 { (heading) } p.notice role="alert" { (text) } };
    let mut response = (status, layout(state, language, uri, heading, body)).into_response();
    if let Some(seconds) = retry {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// A verdict applied to a visitor's cookie as the store applies it: one opinion per film, "Déjà vu" beside it,
/// the latest last (the oldest go first when the cookie is full).
fn apply(verdicts: &mut Verdicts, film_id: &str, kind: FeedbackKind) {
    match kind {
        FeedbackKind::Seen => {
            if !verdicts.is_seen(film_id) {
                verdicts.seen.push(film_id.to_owned());
            }
        }
        kind => {
            verdicts.opinions.retain(|(f, _)| f != film_id);
            verdicts.opinions.push((film_id.to_owned(), kind));
        }
    }
    while verdicts.opinions.len() + verdicts.seen.len() > VISITOR_MAX {
        if verdicts.seen.len() > verdicts.opinions.len() {
            verdicts.seen.remove(0);
        } else {
            verdicts.opinions.remove(0);
        }
    }
}

/// A verdict taken back from a visitor's cookie.
fn remove(verdicts: &mut Verdicts, film_id: &str, kind: FeedbackKind) {
    match kind {
        FeedbackKind::Seen => verdicts.seen.retain(|f| f != film_id),
        kind => verdicts.opinions.retain(|(f, k)| !(f == film_id && *k == kind)),
    }
}

/// `l.tt0211915~n.tt0133093~s.tt0110912`: only well-formed ids are kept, so the cookie cannot carry anything else.
fn parse_visitor(value: &str) -> Verdicts {
    let mut verdicts = Verdicts::default();
    for item in value.split('~').take(VISITOR_MAX) {
        let Some((kind, film)) = item.split_once('.') else { continue };
        if api::film_id(film).is_err() {
            continue;
        }
        match kind {
            "l" => apply(&mut verdicts, film, FeedbackKind::Like),
            "n" => apply(&mut verdicts, film, FeedbackKind::NotForMe),
            "s" => apply(&mut verdicts, film, FeedbackKind::Seen),
            _ => {}
        }
    }
    verdicts
}

fn visitor_value(verdicts: &Verdicts) -> String {
    let opinions = verdicts.opinions.iter().map(|(f, k)| match k {
        FeedbackKind::Like => format!("l.{f}"),
        _ => format!("n.{f}"),
    });
    opinions.chain(verdicts.seen.iter().map(|f| format!("s.{f}"))).collect::<Vec<_>>().join("~")
}

fn visitor_cookie(state: &AppState, verdicts: &Verdicts) -> String {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    // A year: a visitor's tastes outlive a session.
    format!("{VISITOR_COOKIE}={}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}", visitor_value(verdicts))
}

/// Remembers a subscriber's genuine token in their browser until it expires, so that film pages recognise them.
fn with_subscriber_cookie(state: &AppState, token: &str, response: Response) -> Response {
    let now = state.ctx.clock.now();
    let Ok((_, expires)) = state.signer.verify_feedback(token, now) else { return response };
    with_cookie(response, &subscriber_cookie(state, token, expires, now))
}

fn subscriber_cookie(state: &AppState, token: &str, expires: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let max_age = (expires - now).num_seconds().max(0);
    // SameSite=Lax: the e-mail's link opens the site from elsewhere, and must find the cookie.
    format!("{SUBSCRIBER_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// A verdict sent to the API.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    /// The subscriber's feedback token (the `token` of the weekly e-mail's feedback links).
    pub token: String,
    /// The film's IMDb id.
    #[schema(example = "tt0211915")]
    pub film: String,
    /// `like` ("J'aime"), `not_for_me` ("Pas pour moi") or `seen` ("Déjà vu").
    #[schema(value_type = String, example = "like")]
    pub kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackRecorded {
    pub film: String,
    pub kind: String,
    /// False when it was already the subscriber's verdict (nothing changed).
    pub changed: bool,
}

/// Records a subscriber's verdict on a film. Idempotent: the same verdict again changes nothing
/// (`changed: false`); "like" after "not_for_me" (or the reverse) is a change of mind.
#[utoipa::path(post, path = "/api/v1/feedback", tag = "subscriptions", request_body = FeedbackRequest,
    responses(
        (status = 200, description = "Recorded (or already recorded)", body = FeedbackRecorded),
        (status = 403, description = "The subscriber's subscription is stopped", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The token has expired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The token is forged or cut, the film unknown or the kind not one of the three", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many verdicts from this client", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn feedback_endpoint(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(request): ApiJson<FeedbackRequest>,
) -> Result<Json<FeedbackRecorded>, Problem> {
    if let Some(Err(wait)) = client.map(|ip| state.feedback_limiter.check(ip, std::time::Instant::now())) {
        let why = format!("too many verdicts from this address: try again in {} s", wait.as_secs().max(1));
        return Err(Problem::new(StatusCode::TOO_MANY_REQUESTS, why));
    }
    let kind: FeedbackKind =
        request.kind.parse().map_err(|_| Problem::invalid("kind", "must be like, not_for_me or seen"))?;
    let now = state.ctx.clock.now();
    let customer_id = match state.signer.verify_feedback(&request.token, now) {
        Ok((customer_id, _)) => customer_id,
        Err(ConfirmError::Expired) => {
            return Err(Problem::new(StatusCode::GONE, "token: expired; use the links of the latest message"));
        }
        Err(ConfirmError::Invalid) => return Err(Problem::invalid("token", "forged, cut or mistyped")),
    };
    let film = api::film_id(&request.film).map_err(|_| Problem::invalid("film", "not an IMDb title id (tt…)"))?;
    match state.store.record_feedback(customer_id, film, kind, FeedbackSource::Api, false, now).await? {
        FeedbackOutcome::UnknownFilm => Err(Problem::invalid("film", "not in the cinema's catalogue")),
        FeedbackOutcome::NotSubscribed => Err(Problem::new(
            StatusCode::FORBIDDEN,
            "the subscription is stopped (unsubscribed or never confirmed): the verdict is not recorded",
        )),
        outcome => Ok(Json(FeedbackRecorded {
            film: film.to_owned(),
            kind: kind.to_string(),
            changed: outcome == FeedbackOutcome::Recorded,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visitors_cookie_keeps_well_formed_verdicts_only_and_reads_back() {
        let verdicts = parse_visitor("l.tt0211915~n.tt0133093~s.tt0110912~x.tt1~l.<script>~s.tt0211915");
        assert_eq!(verdicts.liked(), ["tt0211915"]);
        assert_eq!(verdicts.excluded(), ["tt0133093", "tt0110912", "tt0211915"]);
        assert_eq!(parse_visitor(&visitor_value(&verdicts)), verdicts);
        let mut changed = verdicts.clone();
        apply(&mut changed, "tt0133093", FeedbackKind::Like);
        assert_eq!(changed.opinion("tt0133093"), Some(FeedbackKind::Like));
    }

    #[test]
    fn a_full_cookie_forgets_the_oldest_verdicts() {
        let mut verdicts = Verdicts::default();
        for i in 0..150 {
            apply(&mut verdicts, &format!("tt{:07}", i), FeedbackKind::Like);
        }
        assert_eq!(verdicts.opinions.len(), VISITOR_MAX);
        assert_eq!(verdicts.opinions[0].0, "tt0000050");
        assert!(visitor_value(&verdicts).len() < 4000);
    }

    #[test]
    fn only_local_paths_are_followed_back() {
        let back = |v: &str| read_form(vec![("back".into(), v.into())]).back;
        assert_eq!(back("/films/tt0211915?lang=fr").as_deref(), Some("/films/tt0211915?lang=fr"));
        assert_eq!(back("//evil.example/"), None);
        assert_eq!(back("https://evil.example/"), None);
        assert_eq!(back("/\\evil.example"), None);
        assert_eq!(back("/\t/evil.example"), None);
        assert_eq!(back("/picks\n"), None);
        assert_eq!(back("/owner/operations"), None);
        assert_eq!(back("/p/2650abc?lang=fr").as_deref(), Some("/p/2650abc?lang=fr"));
    }

    #[test]
    fn a_verdict_counts_for_the_message_whose_page_it_was_given_on() {
        let posted = |back: &str| read_form(vec![("back".into(), back.into()), ("token".into(), "1.x.y".into())]);
        assert_eq!(source_of(&posted("/p/2650abc?lang=fr")), FeedbackSource::Sms);
        assert_eq!(source_of(&posted("/p/2650abc?via=email&lang=fr")), FeedbackSource::Email);
        assert_eq!(source_of(&posted("/films/tt0211915?lang=fr")), FeedbackSource::Email);
        assert_eq!(source_of(&read_form(vec![("back".into(), "/films/tt0211915".into())])), FeedbackSource::Site);
    }
}
