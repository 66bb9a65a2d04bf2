//! The train job: every trainer writes its artefacts into a new run folder `<data>/models/<run-id>/`,
//! then `metrics.json`, then `run.json` last (a folder without it is an incomplete run, ignored by readers).
//!
//! Trainers are steps of one run (the recommender, the popularity model, the audience model), each adding its
//! kind, parameters, metrics, inputs and artefacts to the same run. A trainer whose inputs are not in the lake
//! is skipped with a message; the run fails only when no trainer had anything to learn from.

mod audience;
mod popularity;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use indicatif::ProgressBar;
use serde::Serialize;
use sha2::{Digest, Sha256};

use cinepicks_pipeline::lake::{table_path, tables, temp_path};
use cinepicks_pipeline::recommend::artefacts;
use cinepicks_pipeline::recommend::training::{self, TrainOptions, TrainProgress};

use crate::context::{Context, Metrics};
use crate::telemetry::{self, ProgressUnit};

#[derive(Debug, Default, clap::Args)]
pub struct TrainArgs {
    /// Say what would be trained and where, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Only these models (recommender, popularity, audience; repeatable); all by default.
    #[arg(long, value_name = "KIND")]
    pub only: Vec<String>,
}

/// What one trainer produced inside the run folder.
pub struct TrainerOutput {
    pub kind: &'static str,
    pub parameters: serde_json::Value,
    pub metrics: serde_json::Value,
    /// Artefact name → file name inside the run folder.
    pub artefacts: BTreeMap<String, String>,
    /// Lake tables it read (fingerprinted in run.json).
    pub inputs: Vec<&'static str>,
}

/// One step of `cinepicks train`.
pub trait Trainer {
    fn kind(&self) -> &'static str;
    /// `Ok(None)` when the lake lacks what this model learns from (said on stdout).
    fn train(&self, ctx: &Context, run_dir: &Path) -> Result<Option<TrainerOutput>>;
}

/// `run.json`: the manifest that makes a run complete.
#[derive(Debug, Serialize)]
pub struct RunManifest {
    pub run_id: String,
    pub created_at: DateTime<Utc>,
    pub status: &'static str,
    pub kinds: Vec<&'static str>,
    pub parameters: BTreeMap<&'static str, serde_json::Value>,
    pub metrics: BTreeMap<&'static str, serde_json::Value>,
    pub data_hashes: BTreeMap<String, String>,
    pub artefacts: BTreeMap<String, String>,
}

/// The trainers of a run, in order. Another model kind is one more entry here.
pub fn trainers() -> Vec<Box<dyn Trainer>> {
    vec![Box::new(RecommenderTrainer), Box::new(popularity::PopularityTrainer), Box::new(audience::AudienceTrainer)]
}

pub fn run(ctx: &Context, args: &TrainArgs) -> Result<Metrics> {
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
    let mut metrics = Metrics::default();
    if ctx.dry_run || args.dry_run {
        println!(
            "Would train {} into {}",
            trainers.iter().map(|t| t.kind()).collect::<Vec<_>>().join(", "),
            run_dir.display()
        );
        metrics.insert("dry_run", true);
        return Ok(metrics);
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
        status: "succeeded",
        kinds: Vec::new(),
        parameters: BTreeMap::new(),
        metrics: BTreeMap::new(),
        data_hashes: BTreeMap::new(),
        artefacts: BTreeMap::new(),
    };
    for trainer in &trainers {
        tracing::info!(kind = trainer.kind(), run = %run_id, "training");
        let Some(out) = trainer.train(ctx, &work_dir).with_context(|| format!("training the {}", trainer.kind()))?
        else {
            continue;
        };
        manifest.kinds.push(out.kind);
        manifest.parameters.insert(out.kind, out.parameters);
        manifest.metrics.insert(out.kind, out.metrics);
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
    write_json(&work_dir.join(artefacts::METRICS), &manifest.metrics)?;
    std::fs::rename(&work_dir, &run_dir)
        .with_context(|| format!("renaming {} to {}", work_dir.display(), run_dir.display()))?;
    // Last: the run becomes visible to readers only now.
    write_json(&run_dir.join(artefacts::RUN), &manifest)?;
    println!("run {run_id} written to {} ({:.1} s)", run_dir.display(), started.elapsed().as_secs_f64());
    metrics.insert("run_id", &run_id);
    metrics.insert("run_dir", run_dir.display().to_string());
    metrics.insert("seconds", started.elapsed().as_secs_f64());
    for (kind, m) in &manifest.metrics {
        metrics.insert(*kind, m);
    }
    Ok(metrics)
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
            || (path.is_dir() && !path.join(artefacts::RUN).exists());
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

/// JSON through a temporary file and a rename.
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    let tmp = temp_path(path);
    std::fs::write(&tmp, serde_json::to_vec_pretty(value)?).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming {} into place", path.display()))
}

/// The recommender trainer: content, collaborative and hybrid neighbours of every catalogue film.
pub struct RecommenderTrainer;

/// Stage logs, and a bar over films while neighbours are computed.
struct TrainBars {
    bar: Mutex<Option<ProgressBar>>,
    last_log: Mutex<Instant>,
}

impl TrainProgress for TrainBars {
    fn stage(&self, name: &str) {
        if let Some(bar) = self.bar.lock().expect("progress lock").take() {
            bar.finish_and_clear();
        }
        tracing::info!(stage = name, "train");
    }

    fn films_done(&self, done: usize, total: usize) {
        let mut bar = self.bar.lock().expect("progress lock");
        let bar =
            bar.get_or_insert_with(|| telemetry::progress_bar(total as u64, "content neighbours", ProgressUnit::Items));
        bar.set_position(done as u64);
        let mut last = self.last_log.lock().expect("progress lock");
        if bar.is_hidden() && (last.elapsed().as_secs() >= 10 || done == total) {
            tracing::info!(done, total, "content neighbours");
            *last = Instant::now();
        }
    }
}

impl Trainer for RecommenderTrainer {
    fn kind(&self) -> &'static str {
        "recommender"
    }

    fn train(&self, ctx: &Context, run_dir: &Path) -> Result<Option<TrainerOutput>> {
        if !table_path(&ctx.paths.lake, tables::CATALOGUE).exists() {
            println!("recommender: skipped (no catalogue in the lake: it needs IMDb titles)");
            return Ok(None);
        }
        let config = &ctx.config.recommend;
        let options = TrainOptions {
            neighbours: config.neighbours,
            seed: config.seed,
            threshold: config.positive_threshold,
            max_collaborative_items: config.max_collaborative_items,
            ..Default::default()
        };
        let bars = TrainBars { bar: Mutex::new(None), last_log: Mutex::new(Instant::now()) };
        let trained = training::train(&ctx.paths.lake, &options, &bars)?;
        bars.stage("writing artefacts");
        let written = artefacts::write(run_dir, &trained)?;
        let m = &trained.metrics;
        println!(
            "recommender: {} catalogue films ({} with ratings), {} ratings from {} users; collaborative weight {:.2}; \
             {} films with neighbours",
            m.catalogue_films,
            m.films_with_ratings,
            m.ratings,
            m.users,
            m.collaborative_weight,
            m.films_with_neighbours
        );
        for (file, rows) in &written {
            println!("  {:>10} rows  {}", rows, run_dir.join(file).display());
        }
        let mut artefacts_map = BTreeMap::new();
        artefacts_map.insert("similar_films".to_owned(), artefacts::SIMILAR_FILMS.to_owned());
        artefacts_map.insert("films".to_owned(), artefacts::FILMS.to_owned());
        Ok(Some(TrainerOutput {
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
