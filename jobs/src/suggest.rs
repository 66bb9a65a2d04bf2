//! The suggest job: the films a fictitious profile (age, gender, occupation) would most likely love, from the
//! audience model of the latest run that has one.

use std::fmt;
use std::path::PathBuf;

use anyhow::Result;

use crate::audience::{lang, load};
use cinepicks_domain::{Language, names, titles};
use cinepicks_pipeline::audience::data::Profile;
use cinepicks_pipeline::audience::model::Suggestion;

use crate::context::{Context, Metrics, Report};
use crate::storage::{self, Area};

#[derive(Debug, Clone, Default)]
pub struct SuggestParams {
    pub age: i32,
    /// F or M (MovieLens records only these two).
    pub gender: String,
    /// A MovieLens occupation (artist, engineer, student, …).
    pub occupation: String,
    /// Films proposed.
    pub n: usize,
    /// Language of the output [default: locale].
    pub locale: Option<Language>,
    /// Use this run folder instead of the latest run with an audience model.
    pub run: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: &SuggestParams) -> Result<SuggestReport> {
    storage::with_areas(ctx, &[Area::Models], &[], |ctx| suggest(ctx, args))
}

fn suggest(ctx: &Context, args: &SuggestParams) -> Result<SuggestReport> {
    let language = lang(ctx, args.locale);
    let stored = load(ctx, args.run.as_deref())?;
    let profile = stored.profile(args.age, &args.gender, &args.occupation)?;
    let films = stored.suggest(&profile, args.n)?;
    Ok(SuggestReport { profile, films, language })
}

/// The films a profile would most likely love.
#[derive(Debug)]
pub struct SuggestReport {
    pub profile: Profile,
    pub films: Vec<Suggestion>,
    pub language: Language,
}

impl Report for SuggestReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        metrics.insert("films", self.films.len());
        metrics
    }
}

impl fmt::Display for SuggestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (lang, profile) = (self.language, &self.profile);
        let (person, occupation) =
            (names::gender(&profile.gender, lang), names::occupation(&profile.occupation, &profile.gender, lang));
        match lang {
            Language::Fr => {
                let article = if profile.gender == "F" { "une" } else { "un" };
                writeln!(f, "Pour {article} {person} de {} ans, {occupation} :", profile.age)?
            }
            Language::En => writeln!(f, "For a {}-year-old {person}, {occupation}:", profile.age)?,
        }
        for (i, film) in self.films.iter().enumerate() {
            writeln!(
                f,
                "  {:>2}. {}  — {} {} {}, {} {}{} {} {} ({} {})",
                i + 1,
                titles::readable_movielens_label(&film.title, lang),
                lang.pick("adoré par", "loved by"),
                lang.int(film.loved_by as i64),
                lang.pick("spectateurs", "viewers"),
                lang.int(film.loved_by_age_band as i64),
                lang.pick("de sa tranche d'âge", "of that age band"),
                lang.pick(" ;", ";"),
                lang.pick("probabilité d'adorer", "chance of loving it"),
                lang.pct(film.p_loved as f64, 0),
                lang.int(film.ratings as i64),
                lang.pick("notes", "ratings")
            )?;
        }
        Ok(())
    }
}
