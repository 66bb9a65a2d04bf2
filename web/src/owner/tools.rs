//! The owner's model tools, as GET forms (they change nothing, and their answers can be bookmarked): the
//! popularity estimator (a film to come → predicted rating and audience with intervals and the main reasons) and
//! the audience tool (a film → its target groups; a profile → films to suggest). They call the API's handlers, so
//! the checks and answers are the API's.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use cinepicks_domain::Language;
use cinepicks_domain::names;

use super::layout;
use super::session::Owner;
use crate::AppState;
use crate::api::{self, PopularityPrediction, PredictionRequest};
use crate::language::{ApiLanguage, PageLanguage, code};
use crate::pages::t;
use crate::problem::{ApiJson, Problem};

/// A list typed in one box: one value per line or comma.
fn list(params: &HashMap<String, String>, key: &str) -> Vec<String> {
    params
        .get(key)
        .map(|v| v.split(['\n', ',']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// What was typed, between the language's quotation marks.
fn quoted(language: Language, typed: &str) -> String {
    let (open, close) = language.pick_pair(("«\u{a0}", "\u{a0}»"), ("\u{201c}", "\u{201d}"));
    format!("{open}{typed}{close}")
}

/// The problems of the estimator's form, each with its field, in the page's language; all of them at once.
struct FormProblems {
    language: Language,
    found: Vec<(&'static str, String)>,
}

impl FormProblems {
    /// A number box within `range`: empty is none; digits may be grouped as the page's language groups them.
    fn number<T>(
        &mut self,
        params: &HashMap<String, String>,
        key: &'static str,
        range: (T, T),
        what: (&'static str, &'static str),
    ) -> Option<T>
    where
        T: std::str::FromStr + PartialOrd + Copy,
    {
        let typed = params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())?;
        // Grouped as the page's language groups: "1 000,5" in French, "1,000.5" in English.
        let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        let digits = match self.language {
            Language::Fr => digits.replace(',', "."),
            Language::En => digits.replace(',', ""),
        };
        match digits.parse::<T>() {
            Ok(n) if n >= range.0 && n <= range.1 => Some(n),
            _ => {
                let why = t(self.language, what.0, what.1);
                self.found.push((key, format!("{why} ({})", quoted(self.language, typed))));
                None
            }
        }
    }

    /// Countries by name or code; a name nobody knows is a problem (a code passes: the model ignores the ones it
    /// has no column for, and says so).
    fn countries(&mut self, params: &HashMap<String, String>) -> Vec<String> {
        let mut codes = Vec::new();
        for typed in list(params, "countries") {
            match names::country_code(&typed) {
                Some(code) => codes.push(code.to_owned()),
                None if typed.len() <= 3 && typed.chars().all(|c| c.is_ascii_alphabetic()) => {
                    codes.push(typed.to_uppercase())
                }
                None => {
                    let why = t(self.language, "Pays inconnu\u{a0}: ", "Unknown country: ");
                    self.found.push(("countries", format!("{why}{}", quoted(self.language, &typed))));
                }
            }
        }
        codes
    }

    /// The original language by name or code.
    fn language(&mut self, params: &HashMap<String, String>) -> Option<String> {
        let typed = params.get("language").map(|l| l.trim()).filter(|l| !l.is_empty())?;
        match names::language_code(typed) {
            Some(code) => Some(code.to_owned()),
            None if typed.len() == 2 && typed.chars().all(|c| c.is_ascii_alphabetic()) => Some(typed.to_lowercase()),
            None => {
                let why = t(self.language, "Langue inconnue\u{a0}: ", "Unknown language: ");
                self.found.push(("language", format!("{why}{}", quoted(self.language, typed))));
                None
            }
        }
    }
}

fn problem_notice(problem: &Problem) -> Markup {
    html! { p.notice role="alert" { (problem.detail) } }
}

/// `/owner/popularity`: the form, and with any field filled, the prediction.
pub async fn popularity(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    owner: Owner,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let asked = params.iter().any(|(k, v)| k != "lang" && !v.trim().is_empty());
    let mut problems = FormProblems { language, found: Vec::new() };
    let request = PredictionRequest {
        genres: params.iter().filter(|(k, _)| k.starts_with("genre:")).map(|(_, v)| v.clone()).collect(),
        runtime: problems.number(
            &params,
            "runtime",
            (1.0, 1000.0),
            ("Durée\u{a0}: des minutes, de 1 à 1\u{202f}000", "Runtime: minutes, from 1 to 1,000"),
        ),
        year: problems.number(
            &params,
            "year",
            (1870, 2100),
            ("Année\u{a0}: de 1870 à 2100", "Year: from 1870 to 2100"),
        ),
        directors: list(&params, "directors"),
        writers: list(&params, "writers"),
        actors: list(&params, "actors"),
        budget: problems.number(
            &params,
            "budget",
            (0.0, 1e12),
            ("Budget\u{a0}: des dollars, 0 ou plus", "Budget: dollars, 0 or more"),
        ),
        // Names as displayed ("Belgique", "français") or codes: the model knows codes.
        countries: problems.countries(&params),
        language: problems.language(&params),
        keywords: list(&params, "keywords"),
        ..Default::default()
    };
    let problems = problems.found;
    let outcome = match asked && problems.is_empty() {
        true => {
            Some(api::predict(State(state.clone()), ApiLanguage(language), ApiJson(request)).await.map(|Json(p)| p))
        }
        false => None,
    };
    let lang = language;
    let value = |key: &str| params.get(key).cloned().unwrap_or_default();
    let genres = state.catalogue().genres.clone();
    let title = t(language, "Estimer la popularité d'un film", "Estimate a film's popularity");
    // A field with its problems said under it and tied to it (read out with the field by screen readers).
    let field = |key: &str, label: &str, kind: &str, hint: &str| {
        let whys: Vec<&str> = problems.iter().filter(|(f, _)| *f == key).map(|(_, why)| why.as_str()).collect();
        let error = format!("{key}-error");
        html! {
            label for=(key) { (label) }
            // Numbers are typed as text so that "25 000 000" is accepted; phones still show digits.
            input id=(key) name=(key) type=(if kind == "numeric" { "text" } else { kind }) inputmode=[(kind == "numeric").then_some("numeric")]
                value=(value(key)) placeholder=(hint)
                aria-invalid=[(!whys.is_empty()).then_some("true")] aria-describedby=[(!whys.is_empty()).then_some(&error)];
            @if !whys.is_empty() { span.error id=(error) { (whys.join(" ; ")) } }
        }
    };
    let body = html! {
        h1 { (title) }
        @if !problems.is_empty() {
            div.notice.summary role="alert" tabindex="-1" {
                p { strong { (t(language, "Rien n'est estimé, corrigez d'abord\u{a0}:", "Nothing is estimated; first correct:")) } }
                ul { @for (field, why) in &problems { li { a href=(format!("#{field}")) { (why) } } } }
            }
        }
        p { (t(language, "Décrivez un film à venir : le modèle de popularité prédit sa note et son public, avec un intervalle à 80 % et les traits qui pèsent le plus.",
            "Describe a film to come: the popularity model predicts its rating and audience, with an 80% interval and the traits that weigh most.")) }
        form.owner.subscribe method="get" action="/owner/popularity" {
            input type="hidden" name="lang" value=(code(language));
            fieldset.genres {
                legend { (t(language, "Genres", "Genres")) }
                @for g in &genres {
                    label.choice {
                        input type="checkbox" name=(format!("genre:{g}")) value=(g) checked[params.contains_key(&format!("genre:{g}"))];
                        " " (names::genre(g, lang))
                    }
                }
            }
            (field("runtime", t(language, "Durée (minutes)", "Runtime (minutes)"), "numeric", "110"))
            (field("year", t(language, "Année de sortie", "Release year"), "numeric", "2026"))
            (field("directors", t(language, "Réalisateur·rices (séparés par des virgules)", "Directors (comma-separated)"), "text", "Céline Sciamma"))
            (field("actors", t(language, "Acteur·rices principaux", "Lead actors"), "text", ""))
            (field("writers", t(language, "Scénaristes", "Writers"), "text", ""))
            (field("budget", t(language, "Budget (dollars US)", "Budget (US dollars)"), "numeric", "25 000 000"))
            (field("countries", t(language, "Pays (France, Belgique… ou codes : FR, BE…)", "Countries (France, Belgium… or codes: FR, BE…)"), "text", t(language, "France", "France")))
            (field("language", t(language, "Langue originale (français, anglais… ou code)", "Original language (French, English… or code)"), "text", t(language, "français", "French")))
            button type="submit" { (t(language, "Estimer", "Estimate")) }
        }
        @match &outcome {
            Some(Ok(prediction)) => { (prediction_view(prediction, language)) }
            Some(Err(problem)) if problem.status() == axum::http::StatusCode::SERVICE_UNAVAILABLE => {
                p.notice role="alert" { (t(language, "Aucun modèle de popularité n'est encore entraîné\u{a0}: lancez «\u{a0}cinepicks train\u{a0}» après avoir importé les données IMDb ou TMDB.",
                    "No popularity model is trained yet: run `cinepicks train` after ingesting IMDb or TMDB data.")) }
            }
            Some(Err(problem)) => { (problem_notice(problem)) }
            None => {}
        }
    };
    let status = match &outcome {
        _ if !problems.is_empty() => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        Some(Err(problem)) => problem.status(),
        _ => axum::http::StatusCode::OK,
    };
    (status, layout(&state, language, Some(&owner), title, body)).into_response()
}

/// "80 % des cas entre 5,9 et 7,4".
fn interval(language: Language, low: String, high: String) -> String {
    match language {
        Language::Fr => format!("80 % des cas entre {low} et {high}"),
        Language::En => format!("80% of cases between {low} and {high}"),
    }
}

fn prediction_view(p: &PopularityPrediction, language: Language) -> Markup {
    let lang = language;
    let imdb = p.source == "imdb";
    let (rating_label, audience_label) = if imdb {
        (
            t(language, "Note IMDb prédite", "Predicted IMDb rating"),
            t(language, "Votes IMDb prédits", "Predicted IMDb votes"),
        )
    } else {
        (
            t(language, "Note TMDB prédite", "Predicted TMDB rating"),
            t(language, "Popularité TMDB prédite", "Predicted TMDB popularity"),
        )
    };
    let audience_decimals = if imdb { 0 } else { 1 };
    html! {
        section.result aria-live="polite" {
            h2 { (t(language, "Prédiction", "Prediction")) }
            div.figures {
                div.figure {
                    div.label { (rating_label) }
                    div.value #predicted-rating { (lang.num(p.rating.value, 1)) " / 10" }
                    div.detail { (interval(language, lang.num(p.rating.low, 1), lang.num(p.rating.high, 1))) }
                }
                div.figure {
                    div.label { (audience_label) }
                    div.value { (lang.num(p.audience.value, audience_decimals)) }
                    div.detail { (interval(language, lang.num(p.audience.low, audience_decimals), lang.num(p.audience.high, audience_decimals))) }
                }
            }
            @if !p.unknown_people.is_empty() {
                p.note { (t(language, "Inconnus des données, comptés comme débutants : ", "Unknown to the data, counted as debutants: ")) (p.unknown_people.join(", ")) }
            }
            @if !p.ignored.is_empty() {
                p.note { (t(language, "Ignorés (le modèle n'a pas de colonne pour eux) : ", "Ignored (the model has no column for them): ")) (p.ignored.join(", ")) }
            }
            h3 { (t(language, "Ce qui pèse le plus", "What weighs most")) }
            table.reasons {
                thead { tr {
                    th { (t(language, "Trait", "Trait")) }
                    th.num { (t(language, "Effet sur la note", "Effect on the rating")) }
                    th.num { (t(language, "Effet sur le public", "Effect on the audience")) }
                } }
                tbody {
                    @for r in &p.reasons {
                        tr {
                            td { (r.description) }
                            td.num { (lang.signed(r.rating_effect, 2)) }
                            td.num { (lang.signed(r.audience_effect_percent, 0)) " %" }
                        }
                    }
                }
            }
        }
    }
}

/// A problem of the audience tools in the page's language (the API speaks English): the closest titles for an
/// unknown film, the model missing, an age out of range.
async fn audience_problem(state: &AppState, problem: &Problem, title: &str, language: Language) -> String {
    use axum::http::StatusCode;
    match (problem.status(), problem.field.as_deref()) {
        (StatusCode::SERVICE_UNAVAILABLE, _) => t(
            language,
            "Aucun modèle de public n'est encore entraîné\u{a0}: lancez «\u{a0}cinepicks train\u{a0}» après avoir importé MovieLens 100K ou 1M.",
            "No audience model is trained yet: run `cinepicks train` after ingesting MovieLens 100K or 1M.",
        )
        .to_owned(),
        (StatusCode::NOT_FOUND, _) => {
            // The same search again, for its closest titles, said as the command line says them.
            let (title, model) = (title.to_owned(), state.audience());
            let explained = match model {
                Some(model) => model.call(move |stored| Ok(stored.find(&title).err())).await.ok().flatten(),
                None => None,
            };
            match explained {
                Some(error) => cinepicks_jobs::audience::in_language(error, language).to_string(),
                None => problem.detail.clone(),
            }
        }
        (_, Some("age")) => t(language, "Âge\u{a0}: un nombre entier d'années, de 1 à 120.", "Age: a whole number of years, from 1 to 120.").to_owned(),
        (_, Some("gender")) => t(language, "Sexe\u{a0}: femme ou homme.", "Gender: woman or man.").to_owned(),
        (_, Some("occupation")) => t(language, "Profession\u{a0}: une de la liste.", "Occupation: one of the list.").to_owned(),
        (_, Some("title")) => t(language, "Titre\u{a0}: de 1 à 200 caractères.", "Title: 1 to 200 characters.").to_owned(),
        _ => problem.detail.clone(),
    }
}

/// `/owner/audience`: a film gives its target groups; a profile gives films to suggest.
pub async fn audience(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    owner: Owner,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = language;
    let value = |key: &str| params.get(key).cloned().unwrap_or_default();
    let film_asked = params.get("title").is_some_and(|t| !t.trim().is_empty());
    let profile_asked = params.get("age").is_some_and(|a| !a.trim().is_empty());
    let groups = if film_asked {
        let query = HashMap::from([("title".to_owned(), value("title"))]);
        let found = api::audience(State(state.clone()), Query(query)).await;
        Some(match found {
            Ok(found) => Ok(found),
            Err(problem) => Err(audience_problem(&state, &problem, &value("title"), language).await),
        })
    } else {
        None
    };
    let suggestions = if profile_asked {
        let query: HashMap<String, String> =
            ["age", "gender", "occupation"].iter().map(|k| ((*k).to_owned(), value(k))).collect();
        let found = api::suggest(State(state.clone()), Query(query)).await;
        Some(match found {
            Ok(found) => Ok(found),
            Err(problem) => Err(audience_problem(&state, &problem, "", language).await),
        })
    } else {
        None
    };
    // The model's own occupations (MovieLens 100K and 1M name them differently); 100K's before any model.
    let occupations: Vec<String> = match state.audience() {
        Some(model) => model.call(|stored| Ok(stored.occupations().to_vec())).await.unwrap_or_default(),
        None => names::occupations().map(str::to_owned).collect(),
    };
    let title = t(language, "Public d'un film, films pour un profil", "A film's audience, films for a profile");
    let body = html! {
        h1 { (title) }
        section.tool {
            h2 { (t(language, "Pour qui est ce film ?", "Who is this film for?")) }
            form.owner.search method="get" action="/owner/audience" {
                input type="hidden" name="lang" value=(code(language));
                // The other form's answer stays on the page: its fields travel along.
                @for key in ["age", "gender", "occupation"] { input type="hidden" name=(key) value=(value(key)); }
                label for="title" { (t(language, "Titre du film (MovieLens)", "Film title (MovieLens)")) }
                input #title type="search" name="title" value=(value("title")) placeholder="Star Wars (1977)";
                button type="submit" { (t(language, "Voir son public", "See its audience")) }
            }
            @match &groups {
                Some(Ok(Json(found))) => {
                    p { (found.film) " — " (t(language, "chance moyenne d'être adoré : ", "mean chance of being loved: ")) (lang.pct(f64::from(found.mean_p_loved), 1)) }
                    table #groups {
                        thead { tr {
                            th { (t(language, "Âge", "Age")) } th { (t(language, "Sexe", "Gender")) } th { (t(language, "Profession", "Occupation")) }
                            th.num { (t(language, "Personnes", "People")) } th.num { (t(language, "Chance d'adorer", "Chance of loving")) } th.num { (t(language, "Effet de levier", "Lift")) }
                        } }
                        tbody { @for g in &found.groups { tr {
                            td { (g.age_band) } td { (names::gender_group(&g.gender, lang)) }
                            td { (g.occupation.as_deref().map_or_else(|| t(language, "toutes professions", "all occupations").to_owned(), |o| names::occupation(o, &g.gender, lang))) }
                            td.num { (g.users) } td.num { (lang.pct(f64::from(g.p_loved), 1)) } td.num { "×" (lang.num(f64::from(g.lift), 2)) }
                        } } }
                    }
                }
                Some(Err(why)) => { p.notice role="alert" { (why) } }
                None => {}
            }
        }
        section.tool {
            h2 { (t(language, "Que proposer à ce profil ?", "What to suggest to this profile?")) }
            form.owner.search method="get" action="/owner/audience" {
                input type="hidden" name="lang" value=(code(language));
                input type="hidden" name="title" value=(value("title"));
                label for="age" { (t(language, "Âge", "Age")) }
                input #age type="number" name="age" min="1" max="120" value=(value("age")) placeholder="34";
                label for="gender" { (t(language, "Sexe", "Gender")) }
                select #gender name="gender" {
                    @for (code, word) in [("F", names::gender("F", lang)), ("M", names::gender("M", lang))] {
                        option value=(code) selected[value("gender") == code] { (word) }
                    }
                }
                label for="occupation" { (t(language, "Profession", "Occupation")) }
                select #occupation name="occupation" {
                    @for code in &occupations {
                        option value=(code) selected[value("occupation") == *code] { (names::occupation_choice(code, lang)) }
                    }
                }
                button type="submit" { (t(language, "Suggérer", "Suggest")) }
            }
            @match &suggestions {
                Some(Ok(Json(found))) => {
                    ol #suggestions { @for f in &found.films {
                        li { strong { (f.title) } " — " (f.loved_by) (t(language, " personnes l'adorent, dont ", " people love it, ")) (f.loved_by_age_band) (t(language, " de cet âge", " of this age")) }
                    } }
                }
                Some(Err(why)) => { p.notice role="alert" { (why) } }
                None => {}
            }
        }
    };
    layout(&state, language, Some(&owner), title, body).into_response()
}
