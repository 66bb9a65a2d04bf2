//! The evaluate job: the offline protocol on the MovieLens ratings of the lake (100K, 1M, latest…), a
//! table of every model against the popularity baseline, metrics.json, and optionally the exact split; or the
//! feedback replay (`--feedback-replay`): held-out users playing subscribers for some weeks, with and without
//! their verdicts.

use std::fmt;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result};

use cinepicks_pipeline::evaluate::protocol::{self, EvaluationReport, ProtocolOptions};
use cinepicks_pipeline::evaluate::replay::{ReplayFilm, ReplayOptions, ReplayReport, relative, replay};
use cinepicks_pipeline::evaluate::split::{per_user_split, write_csv};
use cinepicks_pipeline::recommend::features::{self, FilmDescriptor};
use cinepicks_pipeline::recommend::interactions;
use cinepicks_pipeline::recommend::title_search::split_year;

use crate::context::{Context, Metrics, Report};
use crate::storage::{self, Area};
use cinepicks_domain::Language;
use cinepicks_pipeline::lake::write_json_atomically;

#[derive(Debug, Clone, Default)]
pub struct EvaluateParams {
    /// Seed of the split [default: recommend.seed].
    pub seed: Option<u64>,
    /// Folds of the rating cross-validation, 0 to skip it [default: recommend.evaluation.folds].
    pub folds: Option<usize>,
    /// Leave out the content and hybrid models (no film features read).
    pub no_content: bool,
    /// Write the exact train and test split (`train.csv`, `test.csv`: user,item,rating with MovieLens ids).
    pub export_split: Option<PathBuf>,
    /// Folder for metrics.json [default: <data-dir>/evaluations/<run-id>].
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Default)]
pub struct ReplayParams {
    /// Weeks played [default: 10].
    pub weeks: Option<usize>,
    /// Held-out users playing subscribers [default: 200].
    pub subscribers: Option<usize>,
    /// Seed of the draws [default: recommend.seed].
    pub seed: Option<u64>,
    /// Folder for replay.json [default: <data-dir>/evaluations/<run-id>].
    pub out: Option<PathBuf>,
}

/// `cinepicks evaluate --feedback-replay`: the weekly picks played with and without the subscribers' feedback.
pub fn feedback_replay(ctx: &Context, args: &ReplayParams) -> Result<ReplayOutcome> {
    storage::with_areas(ctx, &[Area::Lake], &[], |ctx| replay_feedback(ctx, args))
}

fn replay_feedback(ctx: &Context, args: &ReplayParams) -> Result<ReplayOutcome> {
    let started = Instant::now();
    let config = &ctx.config.recommend;
    let defaults = ReplayOptions::default();
    let options = ReplayOptions {
        weeks: args.weeks.unwrap_or(defaults.weeks),
        subscribers: args.subscribers.unwrap_or(defaults.subscribers),
        seed: args.seed.unwrap_or(config.seed),
        threshold: config.positive_threshold,
        neighbours: config.neighbours,
        min_co_liked_support: config.min_co_liked_support,
        weeks_without_repeat: ctx.config.notify.weeks_without_repeat as usize,
        exploration: ctx.config.notify.exploration_picks,
        ..defaults
    };
    anyhow::ensure!(options.weeks > 0 && options.subscribers > 0, "--weeks and --subscribers must be at least 1");
    let data = interactions::load(&ctx.paths.lake).context("reading MovieLens ratings from the lake")?;
    anyhow::ensure!(data.ratings.nnz() > 0, "the lake has no MovieLens ratings: ingest a MovieLens release first");
    let films: Vec<ReplayFilm> = data
        .movies
        .iter()
        .map(|m| ReplayFilm { title: split_year(&m.title).0.to_owned(), genres: m.genres.clone() })
        .collect();
    let bar = crate::progress::progress_bar(options.weeks as u64, "weeks played", crate::progress::ProgressUnit::Items);
    let report = replay(&data.ratings, &films, &options, &|week| {
        bar.set_position(week as u64);
        if bar.is_hidden() {
            tracing::info!(week, weeks = options.weeks, "feedback replay");
        }
    })?;
    bar.finish_and_clear();
    let out = output_folder(ctx, args.out.as_ref())?;
    let mut saved = serde_json::to_value(&report)?;
    saved["last_week_gain"] = report.last_week_gain().into();
    saved["cumulative_gain"] = report.cumulative_gain().into();
    write_json_atomically(&out.join("replay.json"), &saved)?;
    Ok(ReplayOutcome {
        report,
        ratings: data.ratings.nnz(),
        language: ctx.config.locale,
        file: out.join("replay.json"),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The folder an evaluation writes into: `--out`, else `<data-dir>/evaluations/<run-id>`; created.
fn output_folder(ctx: &Context, out: Option<&PathBuf>) -> Result<PathBuf> {
    let run_id = ctx.clock.now().format("%Y%m%dT%H%M%SZ").to_string();
    let out = out.cloned().unwrap_or_else(|| ctx.paths.root.join("evaluations").join(run_id));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    Ok(out)
}

/// The replay's weeks side by side.
#[derive(Debug)]
pub struct ReplayOutcome {
    pub report: ReplayReport,
    pub ratings: usize,
    pub language: Language,
    pub file: PathBuf,
    pub seconds: f64,
}

impl Report for ReplayOutcome {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        let r = &self.report;
        if let Some(last) = r.weeks.last() {
            metrics.insert("last_week_hit_rate_with_feedback", last.with_feedback.hit_rate);
            metrics.insert("last_week_hit_rate_without_feedback", last.without_feedback.hit_rate);
        }
        metrics.insert("last_week_gain", r.last_week_gain());
        metrics.insert("cumulative_gain", r.cumulative_gain());
        metrics.insert("replay_file", self.file.display().to_string());
        metrics.insert("seconds", self.seconds);
        metrics
    }
}

impl fmt::Display for ReplayOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.report;
        let o = &r.options;
        let fr = self.language == Language::Fr;
        let pct = |x: f64| {
            let s = format!("{:+.1} %", 100.0 * x);
            if fr { s.replace('.', ",") } else { s.replace(" %", "%") }
        };
        if fr {
            writeln!(
                f,
                "Rejeu des retours : {} utilisateurs MovieLens mis de côté jouent les abonnés pendant {} semaines \
                 ({} notes, graine {}).",
                r.subscribers, o.weeks, self.ratings, o.seed
            )?;
            writeln!(
                f,
                "Chacun déclare {} films aimés ; chaque semaine, cinq films ; « J'aime » pour ceux qu'il a notés \
                 ≥ {} (jamais vus avant), « Pas pour moi » pour {:.0} % des autres ; réentraînement entre les semaines.",
                o.declared_likes,
                o.threshold,
                100.0 * o.not_for_me_share
            )?;
            writeln!(f, "Sans retours : les seuls films déclarés, sans exploration (le système d'avant).")?;
        } else {
            writeln!(
                f,
                "Feedback replay: {} held-out MovieLens users play subscribers for {} weeks ({} ratings, seed {}).",
                r.subscribers, o.weeks, self.ratings, o.seed
            )?;
            writeln!(
                f,
                "Each declares {} liked films; every week, five films; “like” for those they rated ≥ {} (never \
                 shown before), “not for me” for {:.0}% of the others; retrained between weeks.",
                o.declared_likes,
                o.threshold,
                100.0 * o.not_for_me_share
            )?;
            writeln!(f, "Without feedback: the declared films only, no exploration (the system before).")?;
        }
        let (week_h, with_h, without_h) =
            if fr { ("semaine", "avec retours", "sans retours") } else { ("week", "with feedback", "without") };
        writeln!(f)?;
        writeln!(f, "{week_h:>8}  {with_h:>22}  {without_h:>22}  {:>8}", if fr { "écart" } else { "gain" })?;
        let liked_h = if fr { "part aimée" } else { "liked" };
        writeln!(f, "{:>8}  {liked_h:>10} {:>11}  {liked_h:>10} {:>11}", "", "NDCG@5", "NDCG@5")?;
        for w in &r.weeks {
            let (a, b) = (&w.with_feedback, &w.without_feedback);
            let gain = relative(a.hit_rate, b.hit_rate).map_or_else(|| "—".to_owned(), pct);
            writeln!(
                f,
                "{:>8}  {:>10.3} {:>11.3}  {:>10.3} {:>11.3}  {gain:>8}",
                w.week, a.hit_rate, a.ndcg, b.hit_rate, b.ndcg
            )?;
        }
        writeln!(f)?;
        let last = r.weeks.last().map_or((0.0, 0.0), |w| (w.with_feedback.hit_rate, w.without_feedback.hit_rate));
        let number = |x: f64| if fr { format!("{x:.3}").replace('.', ",") } else { format!("{x:.3}") };
        let cumulative = r.cumulative_gain().map_or_else(|| "—".to_owned(), pct);
        if fr {
            writeln!(
                f,
                "Films aimés en {} semaines : {} avec retours, {} sans ({cumulative}) ; part aimée la dernière \
                 semaine : {} avec, {} sans.",
                o.weeks,
                r.liked_with_feedback,
                r.liked_without_feedback,
                number(last.0),
                number(last.1)
            )?;
        } else {
            writeln!(
                f,
                "Films liked over {} weeks: {} with feedback, {} without ({cumulative}); share liked in the last \
                 week: {} with, {} without.",
                o.weeks,
                r.liked_with_feedback,
                r.liked_without_feedback,
                number(last.0),
                number(last.1)
            )?;
        }
        writeln!(f, "{}: {}", if fr { "détail" } else { "details" }, self.file.display())?;
        writeln!(f, "{}: {:.1} s", if fr { "durée" } else { "time" }, self.seconds)
    }
}

pub fn run(ctx: &Context, args: &EvaluateParams) -> Result<EvaluateReport> {
    storage::with_areas(ctx, &[Area::Lake], &[], |ctx| evaluate(ctx, args))
}

fn evaluate(ctx: &Context, args: &EvaluateParams) -> Result<EvaluateReport> {
    let started = Instant::now();
    let config = &ctx.config.recommend;
    let options = ProtocolOptions {
        seed: args.seed.unwrap_or(config.seed),
        test_share: config.evaluation.test_share,
        k: config.evaluation.k,
        threshold: config.positive_threshold,
        folds: args.folds.unwrap_or(config.evaluation.folds),
    };
    anyhow::ensure!(options.folds != 1, "--folds must be 0 (skip) or at least 2");
    let lake = &ctx.paths.lake;
    let data = interactions::load(lake).context("reading MovieLens ratings from the lake")?;
    anyhow::ensure!(data.ratings.nnz() > 0, "the lake has no MovieLens ratings: ingest a MovieLens release first");
    let data_line = format!(
        "MovieLens: {} ratings, {} users, {} films ({} mapped to IMDb by links, {} by title and year)",
        data.ratings.nnz(),
        data.user_ids.len(),
        data.movies.len(),
        data.mapping.by_links,
        data.mapping.by_title_and_year
    );
    let mut split_line = None;

    if let Some(dir) = &args.export_split {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let split = per_user_split(&data.ratings, options.test_share, options.seed);
        let items = data.movie_ids();
        let train = write_csv(&dir.join("train.csv"), &split.train, &data.user_ids, &items)
            .with_context(|| format!("writing {}", dir.join("train.csv").display()))?;
        let test = write_csv(&dir.join("test.csv"), &split.test, &data.user_ids, &items)
            .with_context(|| format!("writing {}", dir.join("test.csv").display()))?;
        let description = serde_json::json!({
            "protocol": options,
            "train_rows": train,
            "test_rows": test,
            "columns": "user,item,rating (MovieLens user and movie ids)",
            "positives": format!("test ratings >= {}", options.threshold),
            "ranking": "every item ranked for every user with a positive in test; the user's train items masked",
        });
        write_json_atomically(&dir.join("split.json"), &description)?;
        split_line = Some(format!("split written to {} ({train} train rows, {test} test rows)", dir.display()));
    }

    let features = if args.no_content {
        None
    } else {
        let descriptors: Vec<FilmDescriptor> = data
            .movies
            .iter()
            .map(|m| {
                let (title, year) = split_year(&m.title);
                FilmDescriptor {
                    film_id: m.film_id.clone(),
                    titles: vec![title.to_owned()],
                    year: m.year.or(year),
                    genres: m.genres.clone(),
                }
            })
            .collect();
        Some(features::load(lake, &descriptors).context("reading film features from the lake")?)
    };
    let prior: Vec<f32> = data.ratings.column_counts().iter().map(|&c| (c as f32).ln_1p()).collect();
    let progress = |stage: &str| tracing::info!(stage, "evaluate");
    let report = protocol::run(&data.ratings, features.as_ref().map(|f| (f, prior.as_slice())), &options, &progress)?;

    let out = output_folder(ctx, args.out.as_ref())?;
    let mut saved = serde_json::to_value(&report)?;
    saved["mapping"] = serde_json::to_value(data.mapping)?;
    write_json_atomically(&out.join("metrics.json"), &saved)?;
    Ok(EvaluateReport {
        data_line,
        split_line,
        report,
        language: ctx.config.locale,
        metrics_file: out.join("metrics.json"),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The offline comparison: what was read, every model's figures, where metrics.json is.
#[derive(Debug)]
pub struct EvaluateReport {
    /// The ratings read (counts and how films were mapped to IMDb).
    pub data_line: String,
    /// Where the exact split was written, when asked.
    pub split_line: Option<String>,
    pub report: EvaluationReport,
    /// Of the table's headings.
    pub language: Language,
    pub metrics_file: PathBuf,
    pub seconds: f64,
}

impl Report for EvaluateReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        if let Some(best) = self.report.best() {
            metrics.insert("best_model", &best.model);
            metrics.insert("best_ndcg", best.test.ndcg);
        }
        if let Some(mf) = self.report.rating_prediction.first() {
            metrics.insert("rmse", mf.rmse);
        }
        metrics.insert("metrics_file", self.metrics_file.display().to_string());
        metrics.insert("seconds", self.seconds);
        metrics
    }
}

impl fmt::Display for EvaluateReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.data_line)?;
        if let Some(line) = &self.split_line {
            writeln!(f, "{line}")?;
        }
        comparison(f, &self.report, self.language)?;
        writeln!(f, "metrics: {}", self.metrics_file.display())
    }
}

/// The comparison table, headings in the configured language.
fn comparison(f: &mut fmt::Formatter<'_>, report: &EvaluationReport, locale: Language) -> fmt::Result {
    let k = report.protocol.k;
    let fr = locale == Language::Fr;
    writeln!(f)?;
    if fr {
        writeln!(
            f,
            "Top-{k} : positifs = notes ≥ {}, découpage 80/20 par utilisateur (graine {}), classement complet, \
             films vus en entraînement masqués ; {} utilisateurs évalués",
            report.protocol.threshold,
            report.protocol.seed,
            report.top_n.first().map_or(0, |m| m.test.users)
        )?;
    } else {
        writeln!(
            f,
            "Top-{k}: positives = ratings ≥ {}, per-user 80/20 split (seed {}), full ranking, training items masked; \
             {} users evaluated",
            report.protocol.threshold,
            report.protocol.seed,
            report.top_n.first().map_or(0, |m| m.test.users)
        )?;
    }
    let model_h = if fr { "modèle" } else { "model" };
    let valid_h = if fr { "NDCG valid." } else { "valid NDCG" };
    let fit_h = if fr { "apprentissage s" } else { "fit s" };
    writeln!(
        f,
        "{model_h:<12} {:>8} {:>8} {:>8} {:>8} {:>9} {valid_h:>11} {fit_h:>15}",
        format!("P@{k}"),
        format!("R@{k}"),
        format!("NDCG@{k}"),
        format!("HR@{k}"),
        "coverage"
    )?;
    for m in &report.top_n {
        let t = &m.test;
        let valid = if m.validation_ndcg.is_nan() { "-".to_owned() } else { format!("{:.4}", m.validation_ndcg) };
        writeln!(
            f,
            "{:<12} {:>8.4} {:>8.4} {:>8.4} {:>8.4} {:>9.3} {:>11} {:>15.2}",
            m.model, t.precision, t.recall, t.ndcg, t.hit_rate, t.coverage, valid, m.fit_seconds
        )?;
    }
    if !report.rating_prediction.is_empty() {
        writeln!(f)?;
        let folds = report.rating_prediction[0].folds.len();
        if fr {
            writeln!(f, "Prédiction de note, validation croisée à {folds} plis :")?;
        } else {
            writeln!(f, "Rating prediction, {folds}-fold cross-validation:")?;
        }
        writeln!(f, "{model_h:<12} {:>8} {:>8} {:>8}", "RMSE", "± std", "MAE")?;
        for r in &report.rating_prediction {
            writeln!(f, "{:<12} {:>8.4} {:>8.4} {:>8.4}", r.model, r.rmse, r.rmse_std, r.mae)?;
        }
    }
    writeln!(f)?;
    writeln!(f, "{}: {:.1} s", if fr { "durée" } else { "time" }, report.seconds)?;
    Ok(())
}
