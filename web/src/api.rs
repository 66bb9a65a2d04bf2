//! The REST API under `/api/v1`: health, film search, details and similar films, recommendations for liked
//! films, popularity prediction, audience and suggestions (the subscription endpoints live in `subscriptions`).
//! Every input is checked here, and refused with a problem naming the field.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use cinepicks_domain::{Language, titles};
use cinepicks_pipeline::audience::model::AudienceError;
use cinepicks_pipeline::popularity::dataset::Source;
use cinepicks_pipeline::popularity::predict::{self as popularity, PredictError};
use cinepicks_pipeline::recommend::picks::{Customer, PICKS_PER_WEEK, PicksError, ProgrammeMode, WeekPlan};
use cinepicks_pipeline::recommend::reasons;
use cinepicks_store::entities::film;

use super::AppState;
use super::catalogue::{Catalogue, MatchKind};
use super::language::ApiLanguage;
use super::problem::{ApiJson, Problem};
use super::subscriptions;
use cinepicks_jobs::notify::letter;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/films/search", get(search))
        .route("/v1/films/{id}", get(film_details))
        .route("/v1/films/{id}/similar", get(similar))
        .route("/v1/recommendations", post(recommendations))
        .route("/v1/popularity/predict", post(predict))
        .route("/v1/audience", get(audience))
        .route("/v1/suggest", get(suggest))
        .route("/v1/screenings", get(super::programme::screenings_endpoint))
        .route("/v1/subscriptions", post(subscriptions::subscribe_endpoint))
        .route("/v1/subscriptions/confirm", post(subscriptions::confirm_endpoint))
        .route("/v1/unsubscribe", post(subscriptions::unsubscribe_endpoint))
}

/// Any other path under `/api`.
pub async fn unknown_endpoint(uri: axum::http::Uri) -> Problem {
    Problem::not_found(format!("no endpoint {}; the endpoints are listed in /api/openapi.json", uri.path()))
}

/// Most films a search returns.
const MAX_SEARCH_RESULTS: usize = 20;
/// Most films a recommendation request may list (likes, exclusions, genres each).
const MAX_LIST: usize = 50;
/// Longest accepted title or query.
const MAX_TEXT: usize = 200;

// ---- Response types ----

/// A film as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilmSummary {
    /// IMDb id, the film's key.
    #[schema(example = "tt0211915")]
    pub id: String,
    /// The title in the response's language (the French title in French when there is one).
    #[schema(example = "Le Fabuleux Destin d'Amélie Poulain")]
    pub title: String,
    pub original_title: Option<String>,
    pub year: Option<i32>,
    /// IMDb genres.
    pub genres: Vec<String>,
    /// IMDb rating out of 10.
    pub rating: Option<f64>,
    pub votes: Option<i32>,
    /// The poster's URL when one is known.
    pub poster_url: Option<String>,
    /// The film's page on this site.
    #[schema(example = "/films/tt0211915")]
    pub page: String,
}

/// A film with every detail the store has.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilmDetails {
    #[serde(flatten)]
    pub film: FilmSummary,
    pub primary_title: String,
    pub french_title: Option<String>,
    pub title_type: String,
    pub runtime_minutes: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub query: String,
    /// `found`: the first film is the one meant (its homonyms follow); `suggestions`: closest titles only.
    #[serde(rename = "match")]
    pub match_kind: MatchKind,
    pub films: Vec<FilmSummary>,
}

/// A film and why it is proposed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonedFilm {
    pub film: FilmSummary,
    /// same_director, shared_cast, shared_writer, co_liked, shared_keywords, similar_genres, top_rated_in_genre,
    /// top_rated.
    #[schema(example = "same_director")]
    pub reason_kind: String,
    /// The reason in the response's language.
    #[schema(example = "du même réalisateur : Jean-Pierre Jeunet")]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarFilms {
    pub film: FilmSummary,
    /// At most five, most similar first.
    pub similar: Vec<ReasonedFilm>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Recommendations {
    /// The liked films as understood (titles resolved to films).
    pub liked: Vec<FilmSummary>,
    /// Exactly five distinct films, never a liked or excluded one.
    pub picks: Vec<ReasonedFilm>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    pub films: usize,
    /// The published model run the site reads.
    pub active_run: Option<String>,
    pub popularity_model: bool,
    pub audience_model: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Estimate {
    pub value: f64,
    /// The 80 % interval (10th and 90th percentiles of out-of-sample errors added to the prediction).
    pub low: f64,
    pub high: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Driver {
    /// The model's feature (`genre:Drama`, `runtime`, `director_mean_quality`…).
    pub feature: String,
    /// The feature described for people, in the response's language.
    pub description: String,
    /// Rating points this trait adds or removes.
    pub rating_effect: f64,
    /// Percent of audience this trait adds or removes.
    pub audience_effect_percent: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PopularityPrediction {
    /// `imdb` (rating out of 10, audience in votes) or `tmdb` (vote average, TMDB popularity).
    pub source: String,
    pub rating: Estimate,
    pub audience: Estimate,
    /// The traits that weigh most (SHAP contributions), strongest first.
    pub reasons: Vec<Driver>,
    /// People named in the request and unknown to the data: treated as debutants.
    pub unknown_people: Vec<String>,
    /// Values the model has no column for (ignored).
    pub ignored: Vec<String>,
}

// ---- Request types ----

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationRequest {
    /// Films the person liked: IMDb ids or titles (French or original, accents optional, `"Dune (2021)"`).
    #[schema(example = json!(["Amelie", "tt0133093"]))]
    pub likes: Vec<String>,
    /// IMDb genres they like, used when the likes give fewer than five films.
    #[serde(default)]
    pub genres: Vec<String>,
    /// Films never to propose (ids or titles).
    #[serde(default)]
    pub exclude: Vec<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PredictionRequest {
    /// IMDb genres of the film.
    #[serde(default)]
    #[schema(example = json!(["Drama", "Romance"]))]
    pub genres: Vec<String>,
    /// Minutes, 1 to 1000.
    #[schema(example = 110)]
    pub runtime: Option<f32>,
    /// Release year, 1870 to 2100 [default: this year].
    pub year: Option<i32>,
    #[serde(default)]
    pub directors: Vec<String>,
    #[serde(default)]
    pub writers: Vec<String>,
    /// Lead actors (the first three count).
    #[serde(default)]
    pub actors: Vec<String>,
    #[serde(default)]
    pub companies: Vec<String>,
    /// US dollars.
    pub budget: Option<f64>,
    /// ISO 3166 codes such as FR.
    #[serde(default)]
    pub countries: Vec<String>,
    /// ISO 639-1 code such as fr.
    pub language: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// IMDb title type [default: movie].
    pub title_type: Option<String>,
    /// Reasons returned, 0 to 20 [default: 5].
    pub reasons: Option<usize>,
}

// ---- Shaping ----

/// The title shown in a language.
pub fn title(film: &film::Model, language: Language) -> &str {
    film.title(language)
}

pub fn summary(film: &film::Model, language: Language) -> FilmSummary {
    FilmSummary {
        id: film.film_id.clone(),
        title: title(film, language).to_owned(),
        original_title: film.original_title.clone(),
        year: film.start_year,
        genres: film.genre_list().iter().map(|g| g.to_string()).collect(),
        rating: film.average_rating,
        votes: film.num_votes,
        poster_url: film.poster_url.clone(),
        page: format!("/films/{}", film.film_id),
    }
}

/// "Title (year)" for reasons that name another film.
pub fn label(film: &film::Model, language: Language) -> String {
    match film.start_year {
        Some(y) => format!("{} ({y})", title(film, language)),
        None => title(film, language).to_owned(),
    }
}

/// The five neighbours of a film with their reasons, in a language.
pub fn similar_films(catalogue: &Catalogue, film_id: &str, language: Language) -> Vec<ReasonedFilm> {
    catalogue
        .similar(film_id, PICKS_PER_WEEK)
        .into_iter()
        .map(|(neighbour, link)| {
            let title_of = |id: &str| catalogue.film(id).map(|f| label(f, language));
            let text = reasons::render(link.reason.kind, link.reason.detail.as_deref(), language, title_of);
            ReasonedFilm {
                film: summary(neighbour, language),
                reason_kind: link.reason.kind.as_str().to_owned(),
                reason: capitalise(&text),
            }
        })
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Checks an IMDb film id from a path.
pub fn film_id(id: &str) -> Result<&str, Problem> {
    let digits = id.strip_prefix("tt").unwrap_or("");
    if (7..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(id)
    } else {
        Err(Problem::invalid("id", format!("{id:?} is not an IMDb film id such as tt0133093")))
    }
}

/// The film of `reference` (id or title), or a 422 naming `field` with "did you mean".
pub fn resolve<'a>(
    catalogue: &'a Catalogue,
    field: &str,
    reference: &str,
    language: Language,
) -> Result<&'a film::Model, Problem> {
    let reference = reference.trim();
    if reference.is_empty() {
        let why = match language {
            Language::Fr => "vide : donnez un titre ou un identifiant IMDb",
            Language::En => "empty: give an IMDb id or a title",
        };
        return Err(Problem::invalid(field, why));
    }
    if reference.chars().count() > MAX_TEXT {
        let why = match language {
            Language::Fr => format!("plus de {MAX_TEXT} caractères"),
            Language::En => format!("longer than {MAX_TEXT} characters"),
        };
        return Err(Problem::invalid(field, why));
    }
    catalogue.resolve(reference).map_err(|closest| {
        let names: Vec<String> = closest.iter().take(3).map(|f| label(f, language)).collect();
        match (language, names.is_empty()) {
            (Language::Fr, true) => Problem::invalid(field, format!("aucun film ne correspond à « {reference} »")),
            (Language::Fr, false) => Problem::invalid(
                field,
                format!("aucun film ne correspond à « {reference} » ; vouliez-vous dire : {} ?", names.join(" ; ")),
            ),
            (Language::En, true) => Problem::invalid(field, format!("no film matches \"{reference}\"")),
            (Language::En, false) => {
                Problem::invalid(field, format!("no film matches \"{reference}\"; did you mean: {}?", names.join("; ")))
            }
        }
    })
}

fn check_list(field: &str, values: &[String]) -> Result<(), Problem> {
    if values.len() > MAX_LIST {
        return Err(Problem::invalid(field, format!("at most {MAX_LIST} values")));
    }
    for (i, v) in values.iter().enumerate() {
        if v.trim().is_empty() || v.chars().count() > MAX_TEXT {
            return Err(Problem::invalid(format!("{field}[{i}]"), format!("must hold 1 to {MAX_TEXT} characters")));
        }
    }
    Ok(())
}

// ---- Handlers ----

/// The server is up and reads the store.
#[utoipa::path(get, path = "/api/v1/health", tag = "operations",
    responses(
        (status = 200, description = "Up, with what it serves", body = Health),
        (status = 503, description = "The store does not answer", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, Problem> {
    state.store.active_run().await.map_err(|err| {
        tracing::error!(error = %err, "health check: the store does not answer");
        Problem::new(StatusCode::SERVICE_UNAVAILABLE, "the store does not answer")
    })?;
    let catalogue = state.catalogue();
    Ok(Json(Health {
        status: "ok",
        films: catalogue.films.len(),
        active_run: catalogue.run_id.clone(),
        popularity_model: state.popularity().is_some(),
        audience_model: state.audience().is_some(),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What was typed: a title (French or original; accents, case and punctuation ignored; typos tolerated),
    /// optionally with "(year)".
    pub q: Option<String>,
    /// Most films returned, 1 to 20 [default: 10].
    pub limit: Option<String>,
    /// fr or en [default: Accept-Language, else the site's language].
    pub lang: Option<String>,
}

/// Films for what someone typed in the search box.
#[utoipa::path(get, path = "/api/v1/films/search", tag = "films", params(SearchParams),
    responses(
        (status = 200, body = SearchResults),
        (status = 422, description = "`q`, `limit` or `lang` is not acceptable", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn search(
    State(state): State<AppState>,
    ApiLanguage(language): ApiLanguage,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<SearchResults>, Problem> {
    let q = params.get("q").map(|q| q.trim()).unwrap_or("");
    if q.is_empty() {
        return Err(Problem::invalid("q", "missing: type part of a title, e.g. ?q=amelie"));
    }
    if q.chars().count() > MAX_TEXT {
        return Err(Problem::invalid("q", format!("longer than {MAX_TEXT} characters")));
    }
    let limit = count_param("limit", params.get("limit"), MAX_SEARCH_RESULTS)?;
    let catalogue = state.catalogue();
    let (match_kind, films) = catalogue.search(q, limit);
    Ok(Json(SearchResults {
        query: q.to_owned(),
        match_kind,
        films: films.into_iter().map(|f| summary(f, language)).collect(),
    }))
}

/// One film's details.
#[utoipa::path(get, path = "/api/v1/films/{id}", tag = "films",
    params(("id" = String, Path, description = "IMDb id", example = "tt0211915"),
        ("lang" = Option<String>, Query, description = "fr or en")),
    responses(
        (status = 200, body = FilmDetails),
        (status = 404, description = "No such film in the catalogue", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an IMDb id", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn film_details(
    State(state): State<AppState>,
    ApiLanguage(language): ApiLanguage,
    Path(id): Path<String>,
) -> Result<Json<FilmDetails>, Problem> {
    let id = film_id(&id)?;
    let catalogue = state.catalogue();
    let film = catalogue.film(id).ok_or_else(|| Problem::not_found(format!("no film {id} in the catalogue")))?;
    Ok(Json(FilmDetails {
        film: summary(film, language),
        primary_title: film.primary_title.clone(),
        french_title: film.french_title.clone(),
        title_type: film.title_type.clone(),
        runtime_minutes: film.runtime_minutes,
    }))
}

/// The five films most like one film, each with its reason.
#[utoipa::path(get, path = "/api/v1/films/{id}/similar", tag = "films",
    params(("id" = String, Path, description = "IMDb id", example = "tt0211915"),
        ("lang" = Option<String>, Query, description = "fr or en")),
    responses(
        (status = 200, body = SimilarFilms),
        (status = 404, description = "No such film in the catalogue", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an IMDb id", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn similar(
    State(state): State<AppState>,
    ApiLanguage(language): ApiLanguage,
    Path(id): Path<String>,
) -> Result<Json<SimilarFilms>, Problem> {
    let id = film_id(&id)?;
    let catalogue = state.catalogue();
    let film = catalogue.film(id).ok_or_else(|| Problem::not_found(format!("no film {id} in the catalogue")))?;
    Ok(Json(SimilarFilms { film: summary(film, language), similar: similar_films(&catalogue, id, language) }))
}

/// Five films for someone who liked some films: their neighbours, diversified, then the best-rated films of the
/// given or liked genres.
#[utoipa::path(post, path = "/api/v1/recommendations", tag = "films", request_body = RecommendationRequest,
    params(("lang" = Option<String>, Query, description = "fr or en")),
    responses(
        (status = 200, body = Recommendations),
        (status = 422, description = "A field is not acceptable (an unknown film, an empty list…)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn recommendations(
    State(state): State<AppState>,
    ApiLanguage(language): ApiLanguage,
    ApiJson(request): ApiJson<RecommendationRequest>,
) -> Result<Json<Recommendations>, Problem> {
    check_list("likes", &request.likes)?;
    check_list("genres", &request.genres)?;
    check_list("exclude", &request.exclude)?;
    Ok(Json(recommend(&state.catalogue(), &request, language)?))
}

/// The picks for a request, as the API and the "my picks" page show them: liked and excluded films resolved
/// (a 422 naming the one that is not found), then the weekly picks' rules without a programme.
pub fn recommend(
    catalogue: &Catalogue,
    request: &RecommendationRequest,
    language: Language,
) -> Result<Recommendations, Problem> {
    if request.likes.is_empty() && request.genres.is_empty() {
        return Err(Problem::invalid("likes", "give at least one liked film (or a genre in `genres`)"));
    }
    let mut liked = Vec::new();
    for (i, reference) in request.likes.iter().enumerate() {
        liked.push(resolve(catalogue, &format!("likes[{i}]"), reference, language)?);
    }
    let mut excluded = Vec::new();
    for (i, reference) in request.exclude.iter().enumerate() {
        excluded.push(resolve(catalogue, &format!("exclude[{i}]"), reference, language)?.film_id.clone());
    }
    let plan = WeekPlan::new(&catalogue.picks, None, ProgrammeMode::Boost, 0.0);
    let like_ids: Vec<String> = liked.iter().map(|f| f.film_id.clone()).collect();
    let customer =
        Customer { likes: &like_ids, declared_genres: &request.genres, rejected: &excluded, ..Default::default() };
    let picks = plan.picks(&customer).map_err(|err| match err {
        PicksError::NotEnoughFilms { .. } if !request.exclude.is_empty() => Problem::invalid("exclude", err),
        PicksError::NotEnoughFilms { .. } => Problem::new(StatusCode::SERVICE_UNAVAILABLE, err.to_string()),
        other => Problem::internal(other),
    })?;
    let title_of = |id: &str| catalogue.film(id).map(|f| label(f, language));
    let mut seen = HashSet::new();
    Ok(Recommendations {
        liked: liked.iter().filter(|f| seen.insert(&f.film_id)).map(|f| summary(f, language)).collect(),
        picks: picks
            .films()
            .iter()
            .filter_map(|pick| {
                let film = catalogue.film(&pick.film_id)?;
                Some(ReasonedFilm {
                    film: summary(film, language),
                    reason_kind: reason_kind(&pick.reason),
                    reason: letter::reason_text(&pick.reason, language, &title_of),
                })
            })
            .collect(),
    })
}

fn reason_kind(reason: &cinepicks_pipeline::recommend::picks::PickReason) -> String {
    use cinepicks_pipeline::recommend::picks::PickReason;
    match reason {
        PickReason::Similar { reason, .. } => reason.as_str().to_owned(),
        PickReason::TopRatedInGenre { .. } => "top_rated_in_genre".to_owned(),
        PickReason::TopRated => "top_rated".to_owned(),
    }
}

/// The predicted rating and audience of a film that does not exist yet, with an 80 % interval and the traits
/// that weigh most.
#[utoipa::path(post, path = "/api/v1/popularity/predict", tag = "models", request_body = PredictionRequest,
    params(("lang" = Option<String>, Query, description = "fr or en")),
    responses(
        (status = 200, body = PopularityPrediction),
        (status = 422, description = "A field is not acceptable (an unknown genre, a runtime of 0…)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No popularity model is trained yet", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn predict(
    State(state): State<AppState>,
    ApiLanguage(language): ApiLanguage,
    ApiJson(request): ApiJson<PredictionRequest>,
) -> Result<Json<PopularityPrediction>, Problem> {
    for (field, list) in [
        ("genres", &request.genres),
        ("directors", &request.directors),
        ("writers", &request.writers),
        ("actors", &request.actors),
        ("companies", &request.companies),
        ("countries", &request.countries),
        ("keywords", &request.keywords),
    ] {
        check_list(field, list)?;
    }
    if let Some(r) = request.runtime
        && !(r.is_finite() && (1.0..=1000.0).contains(&r))
    {
        return Err(Problem::invalid("runtime", "minutes from 1 to 1000"));
    }
    if let Some(y) = request.year
        && !(1870..=2100).contains(&y)
    {
        return Err(Problem::invalid("year", "a year from 1870 to 2100"));
    }
    if let Some(b) = request.budget
        && !(b.is_finite() && b >= 0.0)
    {
        return Err(Problem::invalid("budget", "US dollars, 0 or more"));
    }
    let reasons = request.reasons.unwrap_or(5);
    if reasons > 20 {
        return Err(Problem::invalid("reasons", "from 0 to 20"));
    }
    let Some(popularity) = state.popularity() else {
        return Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no popularity model is trained yet: run `cinepicks train` after ingesting IMDb or TMDB data",
        ));
    };
    let year = request.year.unwrap_or_else(|| chrono::Datelike::year(&state.ctx.clock.now()));
    let genres = request.genres.clone();
    let query = popularity::Query {
        genres: request.genres,
        runtime: request.runtime,
        year,
        title_type: request.title_type,
        directors: request.directors,
        writers: request.writers,
        actors: request.actors,
        companies: request.companies,
        budget: request.budget,
        countries: request.countries,
        language: request.language,
        keywords: request.keywords,
    };
    let prediction = popularity
        .call(move |model| {
            model.predict(&query, reasons).map_err(|err| match err {
                PredictError::UnknownGenre { ref genre, ref known } => {
                    let i = genres.iter().position(|g| g == genre).unwrap_or(0);
                    Problem::invalid(
                        format!("genres[{i}]"),
                        format!("unknown genre {genre:?}; the model knows {known}"),
                    )
                }
                other => Problem::internal(other),
            })
        })
        .await?;
    let lang = language;
    let estimate = |e: popularity::Estimate| Estimate { value: e.value, low: e.low, high: e.high };
    Ok(Json(PopularityPrediction {
        source: match prediction.source {
            Source::Imdb => "imdb",
            Source::Tmdb => "tmdb",
        }
        .to_owned(),
        rating: estimate(prediction.quality),
        audience: estimate(prediction.audience),
        reasons: prediction
            .reasons
            .iter()
            .map(|r| Driver {
                feature: r.feature.clone(),
                description: popularity::describe(r, lang),
                rating_effect: f64::from(r.quality),
                // SHAP on ln(audience) multiplies the audience.
                audience_effect_percent: (f64::from(r.audience).exp() - 1.0) * 100.0,
            })
            .collect(),
        unknown_people: prediction.people.iter().filter(|p| p.found.is_none()).map(|p| p.asked.clone()).collect(),
        ignored: prediction.ignored,
    }))
}

/// Parameters of `GET /audience`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AudienceParams {
    /// A MovieLens film title, with "(year)" to choose between homonyms.
    pub title: Option<String>,
    /// Groups returned, 1 to 50 [default: 10].
    pub n: Option<String>,
}

/// Who a film is for: the groups most likely to love it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilmAudience {
    /// The MovieLens film the title was matched to.
    #[schema(example = "Star Wars (1977)")]
    pub film: String,
    /// The mean chance of loving it over every user of the data.
    pub mean_p_loved: f32,
    /// Best first.
    pub groups: Vec<AudienceGroup>,
}

/// An age band × gender × occupation group of MovieLens users.
#[derive(Debug, Serialize, ToSchema)]
pub struct AudienceGroup {
    #[schema(example = "25-34")]
    pub age_band: String,
    #[schema(example = "F")]
    pub gender: String,
    /// Null when the group is every occupation of its age band and gender (too few people share one).
    #[schema(example = "artist")]
    pub occupation: Option<String>,
    /// Users of the data in the group.
    pub users: usize,
    /// The model's chance that the group loves the film (rates it 4.5 or 5).
    pub p_loved: f32,
    /// p_loved over the mean chance.
    pub lift: f32,
}

/// Parameters of `GET /suggest`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SuggestParams {
    /// Age in years, 1 to 120.
    pub age: Option<String>,
    /// F or M.
    pub gender: Option<String>,
    /// A MovieLens occupation (artist, educator, student…).
    pub occupation: Option<String>,
    /// Films returned, 1 to 50 [default: 10].
    pub n: Option<String>,
}

/// Films for a profile, most loved by people like it first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Suggestions {
    pub films: Vec<SuggestedFilm>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedFilm {
    #[schema(example = "Fargo (1996)")]
    pub title: String,
    pub year: Option<i32>,
    pub genres: Vec<String>,
    /// People who rated it 4.5 or 5.
    pub loved_by: u32,
    /// Of them, those of the profile's age band.
    pub loved_by_age_band: u32,
    /// The model's chance that the profile loves it.
    pub p_loved: f32,
    pub ratings: u32,
}

/// Most groups or films `/audience` and `/suggest` return.
const MAX_AUDIENCE_RESULTS: usize = 50;

/// A count parameter from 1 to `max`, 10 when absent.
fn count_param(field: &str, value: Option<&String>, max: usize) -> Result<usize, Problem> {
    match value {
        None => Ok(10),
        Some(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| Problem::invalid(field, format!("{v:?} is not a whole number from 1 to {max}"))),
    }
}

/// The audience model, or a 503 saying how to get one.
fn audience_model(state: &AppState) -> Result<Arc<crate::state::Audience>, Problem> {
    state.audience().ok_or_else(|| {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no audience model is trained yet: run `cinepicks train` after ingesting MovieLens 100K or 1M",
        )
    })
}

/// The groups (age band × gender × occupation) most likely to love a MovieLens film, with their lift.
#[utoipa::path(get, path = "/api/v1/audience", tag = "models", params(AudienceParams),
    responses(
        (status = 200, body = FilmAudience),
        (status = 404, description = "No MovieLens film has that title (closest titles in the message)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`title` or `n` is not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No audience model is trained yet", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn audience(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<FilmAudience>, Problem> {
    let title = params.get("title").map(|t| t.trim().to_owned()).unwrap_or_default();
    if title.is_empty() || title.chars().count() > MAX_TEXT {
        return Err(Problem::invalid("title", format!("a film title of 1 to {MAX_TEXT} characters")));
    }
    let n = count_param("n", params.get("n"), MAX_AUDIENCE_RESULTS)?;
    let min_group_users = state.ctx.config.audience.min_group_users;
    audience_model(&state)?
        .call(move |stored| {
            let film = stored.find(&title).map_err(|err| match err {
                AudienceError::UnknownFilm { .. } => Problem::not_found(err.to_string()),
                other => Problem::internal(other),
            })?;
            let (mean, groups) = stored.audience(film, n, min_group_users).map_err(Problem::internal)?;
            Ok(Json(FilmAudience {
                film: titles::readable_movielens_label(stored.film_title(film), Language::En),
                mean_p_loved: mean,
                groups: groups
                    .into_iter()
                    .map(|g| AudienceGroup {
                        age_band: g.age_band.to_owned(),
                        gender: g.gender.to_owned(),
                        occupation: g.occupation,
                        users: g.users,
                        p_loved: g.p_loved,
                        lift: g.lift,
                    })
                    .collect(),
            }))
        })
        .await
}

/// Films a fictitious profile would most likely love: counted loves, those of its age band and gender
/// counted twice, with the model's chance that it loves each.
#[utoipa::path(get, path = "/api/v1/suggest", tag = "models", params(SuggestParams),
    responses(
        (status = 200, body = Suggestions),
        (status = 422, description = "`age`, `gender`, `occupation` or `n` is not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No audience model is trained yet", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn suggest(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Suggestions>, Problem> {
    let age = params
        .get("age")
        .and_then(|a| a.trim().parse::<i32>().ok())
        .filter(|a| (1..=120).contains(a))
        .ok_or_else(|| Problem::invalid("age", "a whole number of years from 1 to 120"))?;
    let gender = params.get("gender").map(|g| g.trim().to_owned()).unwrap_or_default();
    let occupation = params.get("occupation").map(|o| o.trim().to_owned()).unwrap_or_default();
    if occupation.is_empty() || occupation.chars().count() > MAX_TEXT {
        return Err(Problem::invalid("occupation", "a MovieLens occupation, e.g. artist"));
    }
    let n = count_param("n", params.get("n"), MAX_AUDIENCE_RESULTS)?;
    audience_model(&state)?
        .call(move |stored| {
            let profile = stored.profile(age, &gender, &occupation).map_err(|err| match err {
                AudienceError::BadGender(_) => Problem::invalid("gender", err),
                AudienceError::UnknownOccupation { .. } => Problem::invalid("occupation", err),
                other => Problem::internal(other),
            })?;
            let films = stored.suggest(&profile, n).map_err(Problem::internal)?;
            Ok(Json(Suggestions {
                films: films
                    .into_iter()
                    .map(|f| SuggestedFilm {
                        title: f.title,
                        year: f.year,
                        genres: f.genres,
                        loved_by: f.loved_by,
                        loved_by_age_band: f.loved_by_age_band,
                        p_loved: f.p_loved,
                        ratings: f.ratings,
                    })
                    .collect(),
            }))
        })
        .await
}
