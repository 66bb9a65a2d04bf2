//! The audience job: the groups (age band × gender × occupation) most likely to love a film, with their lift
//! over the average MovieLens user, from the audience model of the latest run that has one.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use cinepicks_domain::{Language, names, titles};
use cinepicks_pipeline::audience::model::{AudienceError, GroupLift, StoredAudience};

use crate::context::{Context, Metrics, Report};
use crate::storage::{self, Area};

#[derive(Debug, Clone, Default)]
pub struct AudienceParams {
    /// A MovieLens film title, with "(year)" to choose between homonyms.
    pub title: String,
    /// Groups shown.
    pub n: usize,
    /// Language of the output [default: locale].
    pub locale: Option<Language>,
    /// Use this run folder instead of the latest run with an audience model.
    pub run: Option<PathBuf>,
}

pub fn lang(ctx: &Context, locale: Option<Language>) -> Language {
    locale.unwrap_or(ctx.config.locale)
}

/// Loads the audience model of `run` or of the latest run.
pub fn load(ctx: &Context, run: Option<&Path>) -> Result<StoredAudience> {
    let dir = match run {
        Some(dir) => dir.to_path_buf(),
        None => crate::model_runs::latest_audience(&ctx.paths.models).with_context(|| {
            format!(
                "no trained audience model in {}: run `cinepicks train` after ingesting MovieLens 100K or 1M (they carry demographics)",
                ctx.paths.models.display()
            )
        })?,
    };
    Ok(StoredAudience::load(&dir)?)
}

pub fn run(ctx: &Context, args: &AudienceParams) -> Result<AudienceReport> {
    storage::with_areas(ctx, &[Area::Models], &[], |ctx| describe_audience(ctx, args))
}

fn describe_audience(ctx: &Context, args: &AudienceParams) -> Result<AudienceReport> {
    let language = lang(ctx, args.locale);
    let stored = load(ctx, args.run.as_deref())?;
    let film = stored.find(&args.title).map_err(|e| in_language(e, language))?;
    let (baseline, groups) = stored.audience(film, args.n, ctx.config.audience.min_group_users)?;
    Ok(AudienceReport {
        film: titles::readable_movielens_label(stored.film_title(film), language),
        baseline,
        groups,
        language,
    })
}

/// The audience model's error for a title it does not know, in the reader's language and with readable titles.
pub fn in_language(error: AudienceError, language: Language) -> anyhow::Error {
    match error {
        AudienceError::UnknownFilm { title, suggestions } => {
            let list: Vec<String> = suggestions.iter().map(|t| titles::readable_movielens_label(t, language)).collect();
            match language {
                Language::Fr => anyhow::anyhow!(
                    "aucun film «\u{a0}{title}\u{a0}» parmi les films notés de MovieLens\u{a0}; vouliez-vous dire\u{a0}: {}\u{a0}?",
                    list.join("\u{a0}; ")
                ),
                Language::En => anyhow::anyhow!(
                    "no film titled \"{title}\" among the rated MovieLens films; did you mean: {}?",
                    list.join("; ")
                ),
            }
        }
        other => other.into(),
    }
}

/// The groups most likely to love a film.
#[derive(Debug)]
pub struct AudienceReport {
    pub film: String,
    /// Mean chance of loving the film over every user.
    pub baseline: f32,
    pub groups: Vec<GroupLift>,
    pub language: Language,
}

impl Report for AudienceReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        metrics.insert("film", &self.film);
        metrics.insert("baseline", self.baseline);
        metrics.insert("groups", &self.groups);
        metrics
    }
}

impl fmt::Display for AudienceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lang = self.language;
        writeln!(
            f,
            "{} {} — {} {}",
            lang.pick("Public de", "Audience of"),
            lang.pick_pair(format!("« {} »", self.film), format!("\u{201c}{}\u{201d}", self.film)),
            lang.pick("probabilité moyenne d'adorer :", "mean chance of loving it:"),
            lang.pct(self.baseline as f64, 1)
        )?;
        writeln!(
            f,
            "  {:<6} {:<7} {:<20} {:>8} {:>10} {:>7}",
            lang.pick("âge", "age"),
            lang.pick("sexe", "gender"),
            lang.pick("profession", "occupation"),
            lang.pick("membres", "users"),
            lang.pick("P(adore)", "P(loved)"),
            lang.pick("rapport", "lift")
        )?;
        for g in &self.groups {
            writeln!(
                f,
                "  {:<6} {:<7} {:<20} {:>8} {:>10} {:>7}",
                g.age_band,
                names::gender_group(g.gender, lang),
                g.occupation.as_deref().map_or_else(
                    || lang.pick("toutes professions", "all occupations").to_owned(),
                    |o| names::occupation(o, g.gender, lang)
                ),
                g.users,
                lang.pct(g.p_loved as f64, 1),
                format!("×{}", lang.num(g.lift as f64, 2))
            )?;
        }
        if !self.groups.is_empty() {
            writeln!(
                f,
                "  {}",
                lang.pick(
                    "(chaque groupe est rapproché de sa tranche d'âge et de son sexe d'autant plus qu'il est petit)",
                    "(each group is pulled toward its age band and gender, the more so the smaller it is)"
                )
            )?;
        }
        Ok(())
    }
}
