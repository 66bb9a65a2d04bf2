//! The predict job: how a film that does not exist yet would do (its rating and audience, with an interval)
//! and the traits that weigh most, from the popularity model of the latest run that has one.

use std::fmt;
use std::path::PathBuf;

use anyhow::{Context as _, Result};

use cinepicks_domain::{Language, titles};
use cinepicks_pipeline::popularity::artefacts::StoredPopularity;
use cinepicks_pipeline::popularity::dataset::Source;
use cinepicks_pipeline::popularity::predict::{self, Outside, Prediction, Query};

use crate::context::{Context, Metrics, Report};
use crate::storage::{self, Area};

#[derive(Debug, Clone, Default)]
pub struct PredictParams {
    /// A genre (repeat for several): --genre Drama --genre Romance.
    pub genres: Vec<String>,
    /// Runtime in minutes.
    pub runtime: Option<f32>,
    /// Release year [default: this year].
    pub year: Option<i32>,
    /// A director, by name or IMDb id (repeatable).
    pub directors: Vec<String>,
    /// A writer (repeatable).
    pub writers: Vec<String>,
    /// A lead actor or actress (repeatable; the first three count).
    pub actors: Vec<String>,
    /// A production company, as TMDB names it (repeatable).
    pub companies: Vec<String>,
    /// Budget in US dollars.
    pub budget: Option<f64>,
    /// A production country, ISO code such as FR (repeatable).
    pub countries: Vec<String>,
    /// Original language, ISO 639-1 code such as fr.
    pub language: Option<String>,
    /// A TMDB keyword (repeatable).
    pub keywords: Vec<String>,
    /// IMDb title type [default: movie].
    pub title_type: Option<String>,
    /// Reasons shown.
    pub reasons: usize,
    /// Language of the output [default: locale].
    pub locale: Option<Language>,
    /// Print the prediction as JSON instead of sentences.
    pub json: bool,
    /// Use this run folder instead of the latest run with a popularity model.
    pub run: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: &PredictParams) -> Result<PredictReport> {
    storage::with_areas(ctx, &[Area::Models], &[], |ctx| predict(ctx, args))
}

fn predict(ctx: &Context, args: &PredictParams) -> Result<PredictReport> {
    let lang = args.locale.unwrap_or(ctx.config.locale);
    let run_dir = match &args.run {
        Some(dir) => dir.clone(),
        None => crate::model_runs::latest_popularity(&ctx.paths.models).with_context(|| {
            format!(
                "no trained popularity model in {}: run `cinepicks train` after ingesting IMDb or TMDB data",
                ctx.paths.models.display()
            )
        })?,
    };
    let model = StoredPopularity::load(&run_dir)?;
    let query = Query {
        genres: args.genres.clone(),
        runtime: args.runtime,
        year: args.year.unwrap_or_else(|| chrono::Datelike::year(&ctx.clock.now())),
        title_type: args.title_type.clone(),
        directors: args.directors.clone(),
        writers: args.writers.clone(),
        actors: args.actors.clone(),
        companies: args.companies.clone(),
        budget: args.budget,
        countries: args.countries.clone(),
        language: args.language.clone(),
        keywords: args.keywords.clone(),
    };
    let started = std::time::Instant::now();
    let prediction = model.predict(&query, args.reasons)?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(PredictReport { prediction, language: lang, json: args.json, run: run_dir, seconds })
}

/// A film's predicted rating and audience, with reasons: in sentences, or as JSON.
#[derive(Debug)]
pub struct PredictReport {
    pub prediction: Prediction,
    pub language: Language,
    /// Shown as JSON rather than sentences.
    pub json: bool,
    pub run: PathBuf,
    pub seconds: f64,
}

impl Report for PredictReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        metrics.insert("quality", self.prediction.quality.value);
        metrics.insert("audience", self.prediction.audience.value);
        metrics.insert("seconds", self.seconds);
        metrics.insert("run", self.run.display().to_string());
        metrics
    }
}

impl fmt::Display for PredictReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.json {
            let json = serde_json::to_string_pretty(&self.prediction).map_err(|_| fmt::Error)?;
            writeln!(f, "{json}")
        } else {
            f.write_str(&render(&self.prediction, self.language))
        }
    }
}

/// The prediction in sentences.
pub fn render(p: &Prediction, lang: Language) -> String {
    let mut out = String::new();
    for person in &p.people {
        let role = role_name(person.role, lang);
        match &person.found {
            Some((name, _, films, mean)) => {
                // A person the training data credits but name.basics lacks: shown as typed, never by id.
                let name = if titles::is_raw_id(name) { &person.asked } else { name };
                out.push_str(&match lang {
                    Language::Fr => format!(
                        "{name} ({role}) : {films} film(s) connu(s), note moyenne {}\n",
                        mean.map_or("—".into(), |m| lang.num(m, 1))
                    ),
                    Language::En => format!(
                        "{name} ({role}): {films} known film(s), mean rating {}\n",
                        mean.map_or("—".into(), |m| lang.num(m, 1))
                    ),
                });
            }
            // Said of the model's training films, not of the data: a person can be in `people` without a
            // film in this role among the films the model learnt from.
            None => out.push_str(&match lang {
                Language::Fr => format!(
                    "« {} » n'a aucun film ({role}) parmi ceux dont le modèle a appris : traité(e) comme pour un \
                     premier film, sans antécédents.\n",
                    person.asked
                ),
                Language::En => format!(
                    "\"{}\" has no film ({role}) among those the model learnt from: treated as a first film, with no \
                     track record.\n",
                    person.asked
                ),
            }),
        }
    }
    for o in &p.outside {
        out.push_str(&match (o, lang) {
            (Outside::Year { asked, first, last }, Language::Fr) => format!(
                "Attention : le modèle a appris de films sortis de {first} à {last} ; pour {asked}, sa réponse est une \
                 extrapolation.\n"
            ),
            (Outside::Year { asked, first, last }, Language::En) => format!(
                "Warning: the model learnt from films released from {first} to {last}; for {asked}, its answer is an \
                 extrapolation.\n"
            ),
            (Outside::Budget { asked, lowest, highest }, _) => format!(
                "{} {} $ {} {} $ {} {} $ {}\n",
                lang.pick("Attention : le modèle a appris de budgets de", "Warning: the model learnt from budgets of"),
                lang.num(*lowest, 0),
                lang.pick("à", "to"),
                lang.num(*highest, 0),
                lang.pick("; pour", "; for"),
                lang.num(*asked, 0),
                lang.pick("sa réponse est une extrapolation.", "its answer is an extrapolation."),
            ),
        });
    }
    if let Some(minutes) = p.assumed_runtime {
        out.push_str(&match lang {
            Language::Fr => format!(
                "Durée non précisée : celle des films appris, {} min (médiane), est supposée.\n",
                minutes.round()
            ),
            Language::En => {
                format!(
                    "Runtime not given: the median of the films learnt from, {} min, is assumed.\n",
                    minutes.round()
                )
            }
        });
    }
    if !p.ignored.is_empty() {
        out.push_str(lang.pick("Ignorés (inconnus du modèle) : ", "Ignored (unknown to the model): "));
        out.push_str(&p.ignored.join(", "));
        out.push('\n');
    }
    let pct = lang.pct(p.interval_coverage, 0);
    let (q, a) = (p.quality, p.audience);
    // IMDb audiences are vote counts (whole numbers); TMDB's is a popularity score (one decimal).
    let (rating_name, audience_name, audience_decimals) = match p.source {
        Source::Imdb => (
            lang.pick("Note IMDb prévue", "Predicted IMDb rating"),
            lang.pick("Nombre de votes IMDb prévu", "Predicted number of IMDb votes"),
            0,
        ),
        Source::Tmdb => (
            lang.pick("Note TMDB prévue", "Predicted TMDB rating"),
            lang.pick("Popularité TMDB prévue", "Predicted TMDB popularity"),
            1,
        ),
    };
    let colon = lang.pick(" :", ":");
    let interval = |low: f64, high: f64, decimals: usize| match lang {
        Language::Fr => format!("(intervalle à {pct} : {} – {})", lang.num(low, decimals), lang.num(high, decimals)),
        Language::En => format!("({pct} interval: {} – {})", lang.num(low, decimals), lang.num(high, decimals)),
    };
    out.push_str(&format!("{rating_name}{colon} {} / 10 {}\n", lang.num(q.value, 1), interval(q.low, q.high, 1)));
    out.push_str(&format!(
        "{audience_name}{colon} {} {}\n",
        lang.num(a.value, audience_decimals),
        interval(a.low, a.high, audience_decimals)
    ));
    out.push_str(lang.pick("Principales raisons :\n", "Main reasons:\n"));
    for r in &p.reasons {
        // SHAP on ln(audience) is a multiplicative effect on the audience itself.
        let audience_change = (r.audience as f64).exp() - 1.0;
        out.push_str(&format!(
            "  - {}{} {} {}, {}{} {}\n",
            predict::describe(r, lang),
            lang.pick(" :", ":"),
            lang.signed(r.quality as f64, 2),
            lang.pick("point(s) de note", "rating point(s)"),
            lang.signed(audience_change * 100.0, 0),
            lang.pick("\u{a0}%", "%"),
            lang.pick("d'audience", "audience"),
        ));
    }
    out
}

/// A role of the popularity model in the reader's language.
fn role_name(role: &str, lang: Language) -> &'static str {
    match (role, lang) {
        ("director", Language::Fr) => "réalisation",
        ("writer", Language::Fr) => "scénario",
        ("lead", Language::Fr) => "tête d'affiche",
        ("company", Language::Fr) => "production",
        ("director", _) => "director",
        ("writer", _) => "writer",
        ("lead", _) => "lead",
        ("company", _) => "company",
        (_, Language::Fr) => "mots-clés",
        (_, Language::En) => "keywords",
    }
}
