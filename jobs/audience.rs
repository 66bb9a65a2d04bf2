//! The audience job: the groups (age band × gender × occupation) most likely to love a film, with their lift
//! over the average MovieLens user, from the audience model of the latest run that has one.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use cinepicks_pipeline::audience::model::{self, StoredAudience};
use cinepicks_pipeline::report::Lang;

use crate::config::Locale;
use crate::context::{Context, Metrics};

#[derive(Debug, Default, clap::Args)]
pub struct AudienceArgs {
    /// A MovieLens film title, with "(year)" to choose between homonyms.
    #[arg(value_name = "TITLE")]
    pub title: String,
    /// Groups shown.
    #[arg(long, default_value_t = 10)]
    pub n: usize,
    /// Language of the output [default: locale].
    #[arg(long, value_enum)]
    pub locale: Option<Locale>,
    /// Use this run folder instead of the latest run with an audience model.
    #[arg(long, value_name = "DIR")]
    pub run: Option<PathBuf>,
}

/// The newest complete run that holds an audience model.
pub fn latest_run(models: &Path) -> Option<PathBuf> {
    cinepicks_pipeline::recommend::artefacts::newest_run(models, |p| p.join(model::DIR).join(model::SPEC).exists())
}

pub fn lang(ctx: &Context, locale: Option<Locale>) -> Lang {
    match locale.unwrap_or(ctx.config.locale) {
        Locale::Fr => Lang::Fr,
        Locale::En => Lang::En,
    }
}

/// Loads the audience model of `run` or of the latest run.
pub fn load(ctx: &Context, run: Option<&Path>) -> Result<StoredAudience> {
    let dir = match run {
        Some(dir) => dir.to_path_buf(),
        None => latest_run(&ctx.paths.models).with_context(|| {
            format!(
                "no trained audience model in {}: run `cinepicks train` after ingesting MovieLens 100K or 1M (they carry demographics)",
                ctx.paths.models.display()
            )
        })?,
    };
    Ok(StoredAudience::load(&dir)?)
}

pub fn run(ctx: &Context, args: &AudienceArgs) -> Result<Metrics> {
    let lang = lang(ctx, args.locale);
    let stored = load(ctx, args.run.as_deref())?;
    let film = stored.find(&args.title)?;
    let (baseline, groups) = stored.audience(film, args.n, ctx.config.audience.min_group_users)?;
    println!(
        "{} « {} » — {} {}",
        lang.pick("Public de", "Audience of"),
        stored.film_title(film),
        lang.pick("probabilité moyenne d'adorer :", "mean chance of loving it:"),
        lang.pct(baseline as f64, 1)
    );
    println!(
        "  {:<6} {:<7} {:<15} {:>8} {:>10} {:>7}",
        lang.pick("âge", "age"),
        lang.pick("genre", "gender"),
        lang.pick("profession", "occupation"),
        lang.pick("membres", "users"),
        lang.pick("P(adore)", "P(loved)"),
        "lift"
    );
    for g in &groups {
        println!(
            "  {:<6} {:<7} {:<15} {:>8} {:>10} {:>7}",
            g.age_band,
            g.gender,
            g.occupation,
            g.users,
            lang.pct(g.p_loved as f64, 1),
            format!("×{}", lang.num(g.lift as f64, 2))
        );
    }
    let mut metrics = Metrics::default();
    metrics.insert("film", stored.film_title(film));
    metrics.insert("baseline", baseline);
    metrics.insert("groups", groups.len());
    Ok(metrics)
}
