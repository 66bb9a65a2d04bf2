//! Predicting a film that does not exist yet: its traits become a feature row (people found by name, their
//! whole track record), both models predict with an interval, and SHAP contributions give the main reasons.

use serde::Serialize;

use super::artefacts::{ArtefactError, KnownPerson, StoredPopularity};
use super::dataset::{Film, Source};
use super::features::{Role, UNSTATED};
use crate::recommend::title_search::normalize;
use cinepicks_domain::{Language, names};

/// The traits of a film to predict, as a programmer types them.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub genres: Vec<String>,
    pub runtime: Option<f32>,
    pub year: i32,
    pub title_type: Option<String>,
    pub directors: Vec<String>,
    pub writers: Vec<String>,
    pub actors: Vec<String>,
    pub companies: Vec<String>,
    pub budget: Option<f64>,
    pub countries: Vec<String>,
    pub language: Option<String>,
    pub keywords: Vec<String>,
}

/// A predicted value and its interval.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// One reason: a feature and how much it moves each target (SHAP, in the target's units; audience in log units).
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    pub feature: String,
    /// The feature's value as the model saw it (a budget's logarithm, 0 or 1 for a genre…).
    pub value: f32,
    /// The value as typed, when the feature transforms it (the budget): echoed rather than recomputed.
    pub typed: Option<f64>,
    pub quality: f32,
    pub audience: f32,
}

/// A person named in the query and what the model knows of them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonMatch {
    pub asked: String,
    pub role: &'static str,
    /// Name, id, earlier films and their mean quality, when found.
    pub found: Option<(String, String, u32, Option<f64>)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Prediction {
    pub source: Source,
    pub quality: Estimate,
    /// Audience size on its natural scale (IMDb votes, or TMDB popularity).
    pub audience: Estimate,
    pub interval_coverage: f64,
    pub reasons: Vec<Reason>,
    pub people: Vec<PersonMatch>,
    /// Genres, countries… of the query that the model has no column for.
    pub ignored: Vec<String>,
    /// Traits of the query outside what the model learnt from: its answer there is an extrapolation.
    pub outside: Vec<Outside>,
    /// The runtime assumed (the training films' median, in minutes) when the query gave none.
    pub assumed_runtime: Option<f32>,
}

/// A trait of the query outside the span of the training films.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Outside {
    Year { asked: i32, first: i32, last: i32 },
    Budget { asked: f64, lowest: f64, highest: f64 },
}

#[derive(Debug, thiserror::Error)]
pub enum PredictError {
    #[error(transparent)]
    Model(#[from] ArtefactError),
    #[error(transparent)]
    Booster(#[from] super::booster::BoosterError),
    #[error("unknown genre {genre:?}: the model knows {known}")]
    UnknownGenre { genre: String, known: String },
}

impl StoredPopularity {
    /// The person of that name (or id) in that role with the most films; accents and case are ignored.
    pub fn find_person(&self, role: Role, name: &str) -> Option<&KnownPerson> {
        let hits =
            self.index.get(&(role, normalize(name))).or_else(|| self.index.get(&(role, name.trim().to_lowercase())))?;
        hits.iter().map(|&i| &self.people[i]).max_by_key(|p| p.track.films)
    }

    /// Predicts both targets for `query`, with `top` reasons.
    pub fn predict(&self, query: &Query, top: usize) -> Result<Prediction, PredictError> {
        let space = &self.spec.features;
        let mut ignored = Vec::new();
        let mut genres = Vec::new();
        for g in &query.genres {
            match space.genres.iter().find(|k| normalize(k) == normalize(g)) {
                Some(k) => genres.push(k.clone()),
                None => {
                    return Err(PredictError::UnknownGenre { genre: g.clone(), known: space.genres.join(", ") });
                }
            }
        }
        let match_vocab = |values: &[String], vocab: &[String], ignored: &mut Vec<String>| -> Vec<String> {
            values
                .iter()
                .filter_map(|v| {
                    let hit = vocab.iter().find(|k| normalize(k) == normalize(v)).cloned();
                    if hit.is_none() {
                        ignored.push(v.clone());
                    }
                    hit
                })
                .collect()
        };
        let countries = match_vocab(&query.countries, &space.countries, &mut ignored);
        // A keyword counts through its column when it has one, and through its track record when known.
        let mut keywords = Vec::new();
        for k in &query.keywords {
            match space.keywords.iter().find(|v| normalize(v) == normalize(k)) {
                Some(v) => keywords.push(v.clone()),
                None if self.tracks.is_known(Role::Keyword, k) => keywords.push(k.clone()),
                None => ignored.push(k.clone()),
            }
        }
        let language = query
            .language
            .as_ref()
            .and_then(|l| match_vocab(std::slice::from_ref(l), &space.languages, &mut ignored).pop());
        let mut people = Vec::new();
        let mut resolve = |role: Role, names: &[String]| -> Vec<String> {
            let mut ids = Vec::new();
            for name in names {
                let found = self.find_person(role, name);
                people.push(PersonMatch {
                    asked: name.clone(),
                    role: role.name(),
                    found: found.map(|p| (p.name.clone(), p.id.clone(), p.track.films, p.track.mean(0))),
                });
                if let Some(p) = found {
                    ids.push(p.id.clone());
                }
            }
            ids
        };
        let film = Film {
            film_id: "query".into(),
            title: String::new(),
            year: Some(query.year),
            title_type: query.title_type.clone().or_else(|| space.title_types.iter().find(|t| *t == "movie").cloned()),
            runtime: query.runtime,
            genres,
            directors: resolve(Role::Director, &query.directors),
            writers: resolve(Role::Writer, &query.writers),
            leads: resolve(Role::Lead, &query.actors),
            companies: resolve(Role::Company, &query.companies),
            credited: None,
            budget: query.budget,
            countries,
            language,
            keywords,
            presentation: None,
            targets: [f32::NAN; 2],
        };
        // Unknown people count as debutants (a track record of 0 earlier films, as for every first film the
        // model learnt from), which is the prior the message to the user names.
        let mut x = Vec::with_capacity(space.len());
        space.encode_into(&film, &self.tracks, None, &mut x);
        // What the query cannot state takes the training films' typical value and is no reason of the answer
        // (runs older than the typical values leave it unknown, and their reasons say so).
        let typical = &self.spec.ranges.typical;
        let assumed: Vec<bool> = space
            .names
            .iter()
            .map(|name| {
                let unstated = UNSTATED.contains(&name.as_str()) || (name == "runtime" && query.runtime.is_none());
                unstated && typical.contains_key(name)
            })
            .collect();
        for (i, name) in space.names.iter().enumerate() {
            if assumed[i] {
                x[i] = typical[name];
            }
        }
        let assumed_runtime = query.runtime.is_none().then(|| typical.get("runtime").copied()).flatten();
        let q = self.models[0].predict(&x)?[0] as f64;
        let a = self.models[1].predict(&x)?[0] as f64;
        let (cq, ca) = if top == 0 {
            (vec![0.0; space.len() + 1], vec![0.0; space.len() + 1])
        } else {
            (self.models[0].contributions(&x)?, self.models[1].contributions(&x)?)
        };
        let [(ql, qh), (al, ah)] = self.spec.intervals;
        let source = self.spec.source;
        let quality_scale = if source == Source::Imdb { (1.0, 10.0) } else { (0.0, 10.0) };
        let clamp = |v: f64| v.clamp(quality_scale.0, quality_scale.1);
        let quality = Estimate { value: clamp(q), low: clamp(q + ql as f64), high: clamp(q + qh as f64) };
        let audience = Estimate {
            value: source.audience_from_log(a),
            low: source.audience_from_log(a + al as f64),
            high: source.audience_from_log(a + ah as f64),
        };
        // A role with no earlier film known is one fact, whatever its three track-record columns each added:
        // one reason with their contributions summed (SHAP values add up), not three lines saying the same.
        let index = |name: &str| space.names.iter().position(|n| n == name);
        let mut folded = vec![false; space.len()];
        let mut no_track_record = Vec::new();
        for role in Role::ALL {
            let Some(films) = index(&format!("{}_prev_films", role.name())) else { continue };
            if x[films] > 0.0 {
                continue;
            }
            let columns: Vec<usize> = ["prev_films", "prev_quality", "prev_audience"]
                .iter()
                .filter_map(|stat| index(&format!("{}_{stat}", role.name())))
                .collect();
            for &i in &columns {
                folded[i] = true;
            }
            no_track_record.push(Reason {
                feature: space.names[films].clone(),
                value: 0.0,
                typed: None,
                quality: columns.iter().map(|&i| cq[i]).sum(),
                audience: columns.iter().map(|&i| ca[i]).sum(),
            });
        }
        let mut reasons: Vec<Reason> = space
            .names
            .iter()
            .enumerate()
            .filter(|(i, _)| !assumed[*i] && !folded[*i])
            .map(|(i, name)| Reason {
                feature: name.clone(),
                value: x[i],
                typed: (name == "log_budget").then_some(query.budget).flatten(),
                quality: cq[i],
                audience: ca[i],
            })
            .chain(no_track_record)
            .filter(|r| r.quality != 0.0 || r.audience != 0.0)
            .collect();
        // Ranked by their weight on quality and audience together, each relative to its target's spread.
        let spread = |t: usize| self.spec.intervals[t].1 - self.spec.intervals[t].0;
        let (sq, sa) = (spread(0).max(1e-6), spread(1).max(1e-6));
        reasons.sort_by(|a, b| {
            (b.quality.abs() / sq + b.audience.abs() / sa).total_cmp(&(a.quality.abs() / sq + a.audience.abs() / sa))
        });
        reasons.truncate(top);
        let ranges = &self.spec.ranges;
        let mut outside = Vec::new();
        if let Some((first, last)) = ranges.years
            && !(first..=last).contains(&query.year)
        {
            outside.push(Outside::Year { asked: query.year, first, last });
        }
        if let (Some((lowest, highest)), Some(asked)) = (ranges.budgets, query.budget)
            && !(lowest..=highest).contains(&asked)
        {
            outside.push(Outside::Budget { asked, lowest, highest });
        }
        Ok(Prediction {
            source,
            quality,
            audience,
            interval_coverage: self.spec.interval_coverage,
            reasons,
            people,
            ignored,
            outside,
            assumed_runtime,
        })
    }
}

/// A feature in words, true of the input as given: `runtime` → "durée (110 min)", `language:en` at 0 → "langue
/// originale autre que l'anglais", a budget as it was typed.
pub fn describe(reason: &Reason, lang: Language) -> String {
    let v = reason.value;
    let (prefix, rest) = reason.feature.split_once(':').unwrap_or(("", reason.feature.as_str()));
    let known = !v.is_nan();
    let has = v > 0.0;
    match (prefix, rest) {
        ("genre", g) => {
            let g = names::genre(g, lang);
            match (lang, has) {
                (Language::Fr, true) => format!("genre {g}"),
                (Language::Fr, false) => format!("pas du genre {g}"),
                (Language::En, true) => format!("genre {g}"),
                (Language::En, false) => format!("not {g}"),
            }
        }
        ("keyword", k) => {
            let k = k.replace('_', " ");
            let shown = names::keyword(&k, lang).unwrap_or(k);
            match (lang, has) {
                (Language::Fr, true) => format!("mot-clé « {shown} »"),
                (Language::Fr, false) => format!("sans le mot-clé « {shown} »"),
                (Language::En, true) => format!("keyword \"{shown}\""),
                (Language::En, false) => format!("without the keyword \"{shown}\""),
            }
        }
        ("country", c) => {
            let c = names::country(c, lang);
            match (lang, has) {
                (Language::Fr, true) => format!("pays de production : {c}"),
                (Language::Fr, false) => format!("pays de production autre que {c}"),
                (Language::En, true) => format!("production country: {c}"),
                (Language::En, false) => format!("not produced in {c}"),
            }
        }
        ("language", l) => {
            let l = names::language(l, lang);
            match (lang, has) {
                (Language::Fr, true) => format!("langue originale : {l}"),
                (Language::Fr, false) => {
                    let article = if l.starts_with(['a', 'e', 'i', 'o', 'u', 'é']) { "l'" } else { "le " };
                    format!("langue originale autre que {article}{l}")
                }
                (Language::En, true) => format!("original language: {l}"),
                (Language::En, false) => format!("original language other than {l}"),
            }
        }
        ("type", t) => {
            let t = names::title_type(t, lang);
            match (lang, has) {
                (Language::Fr, true) => format!("type : {t}"),
                (Language::Fr, false) => format!("type autre que {t}"),
                (Language::En, true) => format!("type: {t}"),
                (Language::En, false) => format!("type other than {t}"),
            }
        }
        (_, "runtime") if known => format!("{} ({} min)", lang.pick("durée", "runtime"), v.round()),
        (_, "runtime") => lang.pick("durée non précisée", "runtime not given").to_owned(),
        (_, "year") if known => format!("{} {}", lang.pick("année", "year"), v),
        (_, "decade") if known => format!("{} {}", lang.pick("décennie", "decade"), v),
        (_, "log_budget") if known => {
            let budget = reason.typed.unwrap_or_else(|| f64::from(v).exp());
            format!("{} ({} $)", lang.pick("budget", "budget"), lang.num(budget, 0))
        }
        (_, "log_budget") => lang.pick("budget non précisé", "budget not given").to_owned(),
        (_, "genre_count") => format!("{} ({v})", lang.pick("nombre de genres", "number of genres")),
        (_, name) => {
            for role in Role::ALL {
                if let Some(stat) = name.strip_prefix(role.name()).and_then(|s| s.strip_prefix('_')) {
                    let who = match role {
                        Role::Director => lang.pick("réalisation", "director"),
                        Role::Writer => lang.pick("scénario", "writer"),
                        Role::Lead => lang.pick("têtes d'affiche", "lead cast"),
                        Role::Company => lang.pick("société de production", "production company"),
                        Role::Keyword => lang.pick("mots-clés", "keywords"),
                    };
                    let sep = lang.pick(" :", ":");
                    return match stat {
                        "prev_films" if v > 0.0 => {
                            format!("{who}{sep} {} {}", v, lang.pick("films antérieurs", "earlier films"))
                        }
                        "prev_quality" if known => format!(
                            "{who}{sep} {} {}",
                            lang.num(v as f64, 1),
                            lang.pick("de note moyenne antérieure", "mean earlier rating")
                        ),
                        "prev_audience" if known => format!(
                            "{who}{sep} {}",
                            lang.pick("audience de ses films antérieurs", "audience of earlier films")
                        ),
                        _ => format!("{who}{sep} {}", lang.pick("aucun film antérieur connu", "no earlier film known")),
                    };
                }
            }
            let label = super::features::label(name, lang);
            match name {
                _ if !known => format!("{label} ({})", lang.pick("inconnu", "unknown")),
                "has_tagline" | "has_homepage" | "retitled" => {
                    format!(
                        "{label}{} {}",
                        lang.pick(" :", ":"),
                        if has { lang.pick("oui", "yes") } else { lang.pick("non", "no") }
                    )
                }
                _ => format!("{label} ({})", lang.num(f64::from(v), 0)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(feature: &str, value: f32, typed: Option<f64>) -> Reason {
        Reason { feature: feature.into(), value, typed, quality: 0.1, audience: 0.0 }
    }

    #[test]
    fn explanations_are_true_of_the_input_and_in_the_reader_s_language() {
        let fr = Language::Fr;
        // A French film: the English-language column is 0, and the line says so.
        assert_eq!(describe(&reason("language:en", 0.0, None), fr), "langue originale autre que l'anglais");
        assert_eq!(describe(&reason("language:fr", 1.0, None), fr), "langue originale : français");
        assert_eq!(describe(&reason("country:US", 0.0, None), fr), "pays de production autre que États-Unis");
        assert_eq!(describe(&reason("genre:Horror", 1.0, None), fr), "genre Horreur");
        assert_eq!(describe(&reason("type:tvMovie", 1.0, None), fr), "type : téléfilm");
        // The budget as typed, not exp(ln(budget)) in single precision (249 999 952).
        let budget = reason("log_budget", (250_000_000f64).ln() as f32, Some(250_000_000.0));
        assert_eq!(describe(&budget, fr), format!("budget ({} $)", fr.num(250_000_000.0, 0)));
        assert_eq!(describe(&reason("director_prev_films", 3.0, None), Language::En), "director: 3 earlier films");
        // A column a run older than the typical values left unknown: named in words, never by its raw name.
        assert_eq!(describe(&reason("credited_people", f32::NAN, None), fr), "personnes créditées (inconnu)");
        assert_eq!(describe(&reason("has_tagline", 1.0, None), fr), "accroche : oui");
        assert_eq!(describe(&reason("lead_prev_films", 0.0, None), fr), "têtes d'affiche : aucun film antérieur connu");
    }
}
