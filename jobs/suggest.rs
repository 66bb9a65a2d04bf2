//! The suggest job: the films a fictitious profile (age, gender, occupation) would most likely love, from the
//! audience model of the latest run that has one.

use std::path::PathBuf;

use anyhow::Result;

use crate::audience::{lang, load};
use crate::config::Locale;
use crate::context::{Context, Metrics};

#[derive(Debug, Default, clap::Args)]
pub struct SuggestArgs {
    #[arg(long)]
    pub age: i32,
    /// F or M (MovieLens records only these two).
    #[arg(long)]
    pub gender: String,
    /// A MovieLens occupation (artist, engineer, student, …).
    #[arg(long)]
    pub occupation: String,
    /// Films proposed.
    #[arg(long, default_value_t = 10)]
    pub n: usize,
    /// Language of the output [default: locale].
    #[arg(long, value_enum)]
    pub locale: Option<Locale>,
    /// Use this run folder instead of the latest run with an audience model.
    #[arg(long, value_name = "DIR")]
    pub run: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: &SuggestArgs) -> Result<Metrics> {
    let lang = lang(ctx, args.locale);
    let stored = load(ctx, args.run.as_deref())?;
    let profile = stored.profile(args.age, &args.gender, &args.occupation)?;
    let films = stored.suggest(&profile, args.n)?;
    println!(
        "{} {} {}, {} {} :",
        lang.pick("Pour un profil", "For a profile"),
        profile.age,
        lang.pick("ans", "years old"),
        profile.gender,
        profile.occupation
    );
    for (i, f) in films.iter().enumerate() {
        println!(
            "  {:>2}. {}  — {} {} {}, {} {}{} {} {} ({} {})",
            i + 1,
            f.title,
            lang.pick("adoré par", "loved by"),
            lang.int(f.loved_by as i64),
            lang.pick("spectateurs", "viewers"),
            lang.int(f.loved_by_age_band as i64),
            lang.pick("de sa tranche d'âge", "of that age band"),
            lang.pick(" ;", ";"),
            lang.pick("probabilité d'adorer", "chance of loving it"),
            lang.pct(f.p_loved as f64, 0),
            lang.int(f.ratings as i64),
            lang.pick("notes", "ratings")
        );
    }
    let mut metrics = Metrics::default();
    metrics.insert("films", films.len());
    Ok(metrics)
}
