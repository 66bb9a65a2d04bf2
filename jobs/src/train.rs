//! The train job: every trainer writes its artefacts into a new run folder `<data>/models/<run-id>/`,
//! then `metrics.json`, then `run.json` last (a folder without it is an incomplete run, ignored by readers).
//!
//! Trainers are steps of one run (the recommender, the popularity model, the audience model), each adding its
//! kind, parameters, metrics, inputs and artefacts to the same run. A trainer whose inputs are not in the lake
//! is skipped with a message; the run fails only when no trainer had anything to learn from.

mod audience;
mod popularity;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context as _, Result};
use indicatif::ProgressBar;
use sha2::{Digest, Sha256};

use cinepicks_pipeline::lake::{table_path, tables};
use cinepicks_pipeline::progress::Progress;
use cinepicks_pipeline::recommend::artefacts;
use cinepicks_pipeline::recommend::training::{self, CustomerLike, TrainOptions};

use cinepicks_domain::{RunManifest, RunStatus};

use crate::context::{Context, Metrics, Report};
use crate::progress::{self, ProgressUnit};
use crate::storage::{self, Area};

#[derive(Debug, Clone, Default)]
pub struct TrainParams {
    /// Say what would be trained and where, write nothing.
    pub dry_run: bool,
    /// Only these models (recommender, popularity, audience; repeatable); all by default.
    pub only: Vec<String>,
}

/// What one trainer produced inside the run folder.
pub struct TrainerOutput {
    pub kind: &'static str,
    /// What a person reads of it: sizes, quality figures, where its files are.
    pub summary: Vec<String>,
    pub parameters: serde_json::Value,
    pub metrics: serde_json::Value,
    /// Artefact name → file name inside the run folder.
    pub artefacts: BTreeMap<String, String>,
    /// Lake tables it read (fingerprinted in run.json).
    pub inputs: Vec<&'static str>,
}

/// What a trainer did.
pub enum Trained {
    /// The lake lacks what this model learns from: why, for people.
    Skipped(String),
    Done(TrainerOutput),
}

/// One step of `cinepicks train`.
pub trait Trainer {
    fn kind(&self) -> &'static str;
    fn train(&self, ctx: &Context, run_dir: &Path) -> Result<Trained>;
}

/// The trainers of a run, in order. Another model kind is one more entry here.
pub fn trainers() -> Vec<Box<dyn Trainer>> {
    vec![Box::new(RecommenderTrainer), Box::new(popularity::PopularityTrainer), Box::new(audience::AudienceTrainer)]
}

pub fn run(ctx: &Context, args: &TrainParams) -> Result<TrainReport> {
    storage::with_areas(ctx, &[Area::Lake], &[Area::Models], |ctx| train_models(ctx, args))
}

fn train_models(ctx: &Context, args: &TrainParams) -> Result<TrainReport> {
    let created_at = ctx.clock.now();
    let run_id = created_at.format("%Y%m%dT%H%M%SZ").to_string();
    let run_dir = ctx.paths.models.join(&run_id);
    let mut trainers = trainers();
    if !args.only.is_empty() {
        let known: Vec<&str> = trainers.iter().map(|t| t.kind()).collect();
        if let Some(bad) = args.only.iter().find(|k| !known.contains(&k.as_str())) {
            anyhow::bail!("unknown model kind {bad:?} in --only: one of {}", known.join(", "));
        }
        trainers.retain(|t| args.only.iter().any(|k| k == t.kind()));
    }
    if ctx.dry_run || args.dry_run {
        let kinds = trainers.iter().map(|t| t.kind()).collect();
        return Ok(TrainReport::DryRun { kinds, run_dir });
    }
    // Unfinished folders are removed below: no other train may be writing one.
    let _lock = ctx.paths.lock(LOCK)?;
    remove_unfinished_runs(&ctx.paths.models)?;
    anyhow::ensure!(
        !run_dir.exists(),
        "run {} already exists in {} (one run per second of the clock)",
        run_id,
        ctx.paths.models.display()
    );
    // Trainers write into a hidden folder renamed into place when they are done, so a stopped run leaves no
    // half-written folder among the runs.
    let work_dir = ctx.paths.models.join(format!("{UNFINISHED}{run_id}"));
    std::fs::create_dir_all(&work_dir).with_context(|| format!("creating {}", work_dir.display()))?;
    let started = Instant::now();
    let mut manifest = RunManifest {
        run_id: run_id.clone(),
        created_at,
        status: RunStatus::Succeeded,
        kinds: Vec::new(),
        parameters: BTreeMap::new(),
        metrics: BTreeMap::new(),
        data_hashes: BTreeMap::new(),
        artefacts: BTreeMap::new(),
    };
    let mut summary = Vec::new();
    for trainer in &trainers {
        tracing::info!(kind = trainer.kind(), run = %run_id, "training");
        let out = match trainer.train(ctx, &work_dir).with_context(|| format!("training the {}", trainer.kind()))? {
            Trained::Skipped(why) => {
                summary.push(why);
                continue;
            }
            Trained::Done(out) => out,
        };
        summary.extend(out.summary);
        manifest.kinds.push(out.kind.to_owned());
        manifest.parameters.insert(out.kind.to_owned(), out.parameters);
        manifest.metrics.insert(out.kind.to_owned(), out.metrics);
        manifest.artefacts.extend(out.artefacts);
        for table in out.inputs {
            let path = table_path(&ctx.paths.lake, table);
            if path.exists() {
                manifest.data_hashes.insert(table.to_owned(), fingerprint(&path)?);
            }
        }
    }
    anyhow::ensure!(
        !manifest.kinds.is_empty(),
        "nothing to train in {}: ingest IMDb (titles and ratings), MovieLens or TMDB data first",
        ctx.paths.lake.display()
    );
    manifest.artefacts.insert("metrics".into(), artefacts::METRICS.into());
    cinepicks_pipeline::lake::write_json_atomically(&work_dir.join(artefacts::METRICS), &manifest.metrics)?;
    std::fs::rename(&work_dir, &run_dir)
        .with_context(|| format!("renaming {} to {}", work_dir.display(), run_dir.display()))?;
    // Last: the run becomes visible to readers only now.
    cinepicks_pipeline::lake::write_json_atomically(&run_dir.join(RunManifest::FILE), &manifest)?;
    Ok(TrainReport::Trained { summary, manifest, run_dir, seconds: started.elapsed().as_secs_f64() })
}

/// What `train` did: said what it would train (dry run), or trained a run.
#[derive(Debug)]
pub enum TrainReport {
    DryRun {
        kinds: Vec<&'static str>,
        run_dir: PathBuf,
    },
    Trained {
        /// Each trainer's lines for people, skipped ones included, in order.
        summary: Vec<String>,
        manifest: RunManifest,
        run_dir: PathBuf,
        seconds: f64,
    },
}

impl Report for TrainReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        match self {
            Self::DryRun { .. } => metrics.insert("dry_run", true),
            Self::Trained { manifest, run_dir, seconds, .. } => {
                metrics.insert("run_id", &manifest.run_id);
                metrics.insert("run_dir", run_dir.display().to_string());
                metrics.insert("seconds", seconds);
                for (kind, m) in &manifest.metrics {
                    metrics.insert(kind.clone(), m);
                }
            }
        }
        metrics
    }
}

impl fmt::Display for TrainReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DryRun { kinds, run_dir } => {
                writeln!(f, "Would train {} into {}", kinds.join(", "), run_dir.display())
            }
            Self::Trained { summary, manifest, run_dir, seconds } => {
                for line in summary {
                    writeln!(f, "{line}")?;
                }
                writeln!(f, "run {} written to {} ({seconds:.1} s)", manifest.run_id, run_dir.display())
            }
        }
    }
}

/// Name of the lock file (under `runs/`) held while a run trains.
const LOCK: &str = "train";

/// Prefix of the folder a run is trained in before it is renamed into place.
const UNFINISHED: &str = ".unfinished-";

/// Removes what stopped runs left: their hidden work folders, and a run folder renamed into place whose
/// `run.json` was never written.
fn remove_unfinished_runs(models: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(models) else { return Ok(()) };
    for entry in entries.flatten() {
        let path = entry.path();
        let unfinished = entry.file_name().to_string_lossy().starts_with(UNFINISHED)
            || (path.is_dir() && !path.join(RunManifest::FILE).exists());
        if unfinished && path.is_dir() {
            tracing::warn!(folder = %path.display(), "removing the folder of a training run that was stopped");
            std::fs::remove_dir_all(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}

/// A cheap content fingerprint of a lake file: sha256 of its size, first and last 64 KiB (the Parquet
/// footer holds the schema, row counts and statistics, so any rewrite changes it).
pub fn fingerprint(path: &Path) -> Result<String> {
    const SPAN: u64 = 64 * 1024;
    let mut file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let len = file.metadata()?.len();
    let mut hasher = Sha256::new();
    hasher.update(len.to_le_bytes());
    let mut buf = Vec::new();
    (&mut file).take(SPAN).read_to_end(&mut buf)?;
    hasher.update(&buf);
    if len > SPAN {
        use std::io::Seek as _;
        file.seek(std::io::SeekFrom::Start(len.saturating_sub(SPAN).max(SPAN)))?;
        buf.clear();
        file.read_to_end(&mut buf)?;
        hasher.update(&buf);
    }
    Ok(format!("sha256:{}", hex::encode(hasher.finalize())))
}

/// The recommender trainer: content, collaborative and hybrid neighbours of every catalogue film.
pub struct RecommenderTrainer;

/// Stage logs, and a bar over films while neighbours are computed.
struct TrainBars {
    bar: Mutex<Option<ProgressBar>>,
    last_log: Mutex<Instant>,
}

impl Progress for TrainBars {
    fn stage(&self, name: &str) {
        if let Some(bar) = self.bar.lock().expect("progress lock").take() {
            bar.finish_and_clear();
        }
        tracing::info!(stage = name, "train");
    }

    fn advanced(&self, done: usize, total: usize) {
        let mut bar = self.bar.lock().expect("progress lock");
        let bar =
            bar.get_or_insert_with(|| progress::progress_bar(total as u64, "content neighbours", ProgressUnit::Items));
        bar.set_position(done as u64);
        let mut last = self.last_log.lock().expect("progress lock");
        if bar.is_hidden() && (last.elapsed().as_secs() >= 10 || done == total) {
            tracing::info!(done, total, "content neighbours");
            *last = Instant::now();
        }
    }
}

/// The films the cinema's subscribed customers like (declared, or "J'aime" since, without those rejected since);
/// none when there is no store yet (training before the first publish) or it does not answer: training goes on
/// from the lake alone, and says so.
fn customer_likes(ctx: &Context) -> Vec<CustomerLike> {
    if ctx.config.database.url.trim().is_empty() && !crate::store::default_sqlite_path(ctx).exists() {
        return Vec::new();
    }
    let read = || -> Result<Vec<CustomerLike>> {
        crate::store::runtime()?.block_on(async {
            let store = crate::store::open(ctx).await?;
            let verdicts = store.verdicts_by_customer().await?;
            let declared = store.likes_by_customer().await?;
            // Only customers who still receive the picks: the others' tastes are kept for them, not for training.
            let subscribed: BTreeSet<i32> =
                store.active_subscriptions(None).await?.into_iter().map(|s| s.customer_id).collect();
            let none = Vec::new();
            let mut out = Vec::new();
            for customer_id in subscribed {
                let likes = verdicts
                    .get(&customer_id)
                    .cloned()
                    .unwrap_or_default()
                    .effective_likes(declared.get(&customer_id).unwrap_or(&none));
                out.extend(likes.into_iter().map(|film_id| CustomerLike { customer_id, film_id }));
            }
            Ok(out)
        })
    };
    read().unwrap_or_else(|err| {
        tracing::warn!(error = %format!("{err:#}"), "the customers' likes could not be read: training from the lake alone");
        Vec::new()
    })
}

impl Trainer for RecommenderTrainer {
    fn kind(&self) -> &'static str {
        "recommender"
    }

    fn train(&self, ctx: &Context, run_dir: &Path) -> Result<Trained> {
        let mut summary = Vec::new();
        if !table_path(&ctx.paths.lake, tables::CATALOGUE).exists() {
            return Ok(Trained::Skipped(
                "recommender: skipped (no catalogue in the lake: it needs IMDb titles)".into(),
            ));
        }
        let config = &ctx.config.recommend;
        let options = TrainOptions {
            neighbours: config.neighbours,
            seed: config.seed,
            threshold: config.positive_threshold,
            max_collaborative_items: config.max_collaborative_items,
            min_co_liked_support: config.min_co_liked_support,
            ..Default::default()
        };
        let customers = customer_likes(ctx);
        let bars = TrainBars { bar: Mutex::new(None), last_log: Mutex::new(Instant::now()) };
        let trained = training::train(&ctx.paths.lake, &customers, &options, &bars)?;
        bars.stage("writing artefacts");
        let written = artefacts::write(run_dir, &trained)?;
        let m = &trained.metrics;
        summary.push(format!(
            "recommender: {} catalogue films ({} with ratings), {} ratings from {} users; collaborative weight {:.2}; \
             {} films with neighbours",
            m.catalogue_films,
            m.films_with_ratings,
            m.ratings,
            m.users,
            m.collaborative_weight,
            m.films_with_neighbours
        ));
        if m.customers_folded_in > 0 {
            summary.push(format!(
                "  the cinema's customers folded in as users: {} ({} films they like)",
                m.customers_folded_in, m.customer_likes
            ));
        }
        for (file, rows) in &written {
            summary.push(format!("  {:>10} rows  {}", rows, run_dir.join(file).display()));
        }
        let mut artefacts_map = BTreeMap::new();
        artefacts_map.insert("similar_films".to_owned(), artefacts::SIMILAR_FILMS.to_owned());
        artefacts_map.insert("films".to_owned(), artefacts::FILMS.to_owned());
        Ok(Trained::Done(TrainerOutput {
            summary,
            kind: "recommender",
            parameters: serde_json::to_value(options)?,
            metrics: serde_json::to_value(m)?,
            artefacts: artefacts_map,
            inputs: vec![
                tables::CATALOGUE,
                tables::ML_RATINGS,
                tables::ML_MOVIES,
                tables::LINKS,
                tables::TITLES,
                tables::CREW,
                tables::CREDITS,
                tables::PEOPLE,
                tables::TMDB_MOVIES,
            ],
        }))
    }
}
