//! The audience job: the groups (age band × gender × occupation) most likely to love a film, with their lift
//! over the average MovieLens user, from the audience model of the latest run that has one.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use cinepicks_domain::Language;
use cinepicks_pipeline::audience::model::{GroupLift, StoredAudience};

use crate::context::{Context, Metrics, Report};

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
    let language = lang(ctx, args.locale);
    let stored = load(ctx, args.run.as_deref())?;
    let film = stored.find(&args.title)?;
    let (baseline, groups) = stored.audience(film, args.n, ctx.config.audience.min_group_users)?;
    Ok(AudienceReport { film: stored.film_title(film).to_owned(), baseline, groups, language })
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
        metrics.insert("groups", self.groups.len());
        metrics
    }
}

impl fmt::Display for AudienceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lang = self.language;
        writeln!(
            f,
            "{} « {} » — {} {}",
            lang.pick("Public de", "Audience of"),
            self.film,
            lang.pick("probabilité moyenne d'adorer :", "mean chance of loving it:"),
            lang.pct(self.baseline as f64, 1)
        )?;
        writeln!(
            f,
            "  {:<6} {:<7} {:<15} {:>8} {:>10} {:>7}",
            lang.pick("âge", "age"),
            lang.pick("genre", "gender"),
            lang.pick("profession", "occupation"),
            lang.pick("membres", "users"),
            lang.pick("P(adore)", "P(loved)"),
            "lift"
        )?;
        for g in &self.groups {
            writeln!(
                f,
                "  {:<6} {:<7} {:<15} {:>8} {:>10} {:>7}",
                g.age_band,
                g.gender,
                g.occupation,
                g.users,
                lang.pct(g.p_loved as f64, 1),
                format!("×{}", lang.num(g.lift as f64, 2))
            )?;
        }
        Ok(())
    }
}
