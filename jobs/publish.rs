//! The publish job: load the latest successful model run (and the catalogue's display data from the lake)
//! into the store in one transaction, switch the active run, prune old runs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use cinepicks_pipeline::lake::{read_batches, table_path, tables};
use cinepicks_store::Store;
use cinepicks_store::arrow::record_batch::RecordBatch;
use cinepicks_store::queries::job_runs::JobStatus;
use cinepicks_store::queries::publish::{PublishCounts, Publisher, RunInfo, artefacts};

use crate::context::{Context, Metrics};

/// Written last by training (temp file + rename): a run folder without it is incomplete.
pub const RUN_MANIFEST: &str = "run.json";

#[derive(Debug, Default, clap::Args)]
pub struct PublishArgs {
    /// Publish this run (its folder name under <data-dir>/models) instead of the latest successful one;
    /// naming an older, already published run makes it active again.
    #[arg(long, value_name = "RUN_ID")]
    pub run: Option<String>,
    /// When no model run exists yet, still load films and people from the lake (the demo before training).
    #[arg(long)]
    pub allow_no_run: bool,
    /// Say what would be published, change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `run.json`, the contract with training.
#[derive(Debug, Clone, Deserialize)]
pub struct RunManifest {
    pub run_id: String,
    pub created_at: DateTime<Utc>,
    pub status: String,
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub parameters: serde_json::Value,
    #[serde(default)]
    pub metrics: serde_json::Value,
    #[serde(default)]
    pub data_hashes: serde_json::Value,
    #[serde(default)]
    pub artefacts: std::collections::BTreeMap<String, String>,
}

/// A complete run folder and its manifest.
#[derive(Debug, Clone)]
pub struct ModelRun {
    pub dir: PathBuf,
    pub manifest: RunManifest,
}

impl ModelRun {
    /// The file of an artefact the manifest lists, if it lists it.
    fn artefact(&self, name: &str) -> Option<PathBuf> {
        self.manifest.artefacts.get(name).map(|file| self.dir.join(file))
    }
}

/// Name of the job in job_runs, and of its lock file under `runs/`.
const LOCK: &str = "publish";

pub fn run(ctx: &Context, args: &PublishArgs) -> Result<Metrics> {
    let chosen = match &args.run {
        Some(id) => Some(read_run(&ctx.paths.models.join(id))?),
        None => latest_successful_run(&ctx.paths.models)?,
    };
    if chosen.is_none() && !args.allow_no_run {
        bail!(
            "no successful model run in {} (a run folder needs a run.json with status \"succeeded\"): run `cinepicks train` first",
            ctx.paths.models.display()
        );
    }
    let mut metrics = Metrics::default();
    metrics.insert("run_id", chosen.as_ref().map(|r| r.manifest.run_id.clone()));
    if ctx.dry_run || args.dry_run {
        match &chosen {
            Some(r) => println!(
                "Would publish model run {} ({}) with {} into the store, keeping {} runs.",
                r.manifest.run_id,
                r.dir.display(),
                r.manifest.artefacts.keys().cloned().collect::<Vec<_>>().join(", "),
                ctx.config.database.keep_model_runs
            ),
            None => println!("No model run yet: would load films and people from {}.", ctx.paths.lake.display()),
        }
        return Ok(metrics);
    }
    // One publish at a time, so that a row left `running` can only be a killed publish's.
    let _lock = ctx.paths.lock(LOCK)?;
    let rt = crate::store::runtime()?;
    rt.block_on(async {
        let store = crate::store::open(ctx).await?;
        crate::store::fail_abandoned_runs(&store, LOCK, ctx.clock.now()).await?;
        let result = publish(ctx, &store, chosen.as_ref(), &mut metrics).await;
        store.close().await?;
        result.map(|()| metrics)
    })
}

async fn publish(ctx: &Context, store: &Store, run: Option<&ModelRun>, metrics: &mut Metrics) -> Result<()> {
    let started = Instant::now();
    let keep = ctx.config.database.keep_model_runs;
    if let Some(r) = run
        && let Some(stored) = store.model_run(&r.manifest.run_id).await?
        && stored.status == "published"
    {
        // Idempotent: the run's rows are already there; only make sure it is the active one.
        if stored.active {
            println!("Model run {} is already published and active; nothing to do.", stored.run_id);
            metrics.insert("already_active", true);
        } else {
            let pruned = store.reactivate_run(&stored.run_id, keep).await?;
            println!("Model run {} was already published; it is the active run again.", stored.run_id);
            metrics.insert("reactivated", true);
            metrics.insert("pruned_runs", pruned);
        }
        return Ok(());
    }

    let logical_key = run.map_or_else(|| "catalogue".to_owned(), |r| r.manifest.run_id.clone());
    let job = store.start_job(LOCK, &logical_key, ctx.clock.now()).await?;
    let outcome = load(ctx, store, run, keep).await;
    let now = ctx.clock.now();
    match outcome {
        Ok(counts) => {
            let figures = serde_json::to_value(&counts)?;
            store.finish_job(job, JobStatus::Succeeded, None, Some(figures), now).await?;
            print_summary(run, &counts, started.elapsed().as_secs_f64(), store.url());
            for (key, value) in serde_json::to_value(&counts)?.as_object().into_iter().flatten() {
                metrics.insert(key.clone(), value.clone());
            }
            metrics.insert("seconds", started.elapsed().as_secs_f64());
            Ok(())
        }
        Err(err) => {
            let message = format!("{err:#}");
            store.finish_job(job, JobStatus::Failed, Some(message), None, now).await?;
            Err(err.context("publish failed and nothing changed in the store: the previously active model run, if any, is still active"))
        }
    }
}

/// Everything inside the one transaction: lake display data, the run and its outputs, the switch.
async fn load(ctx: &Context, store: &Store, run: Option<&ModelRun>, keep: u32) -> Result<PublishCounts> {
    let catalogue = table_path(&ctx.paths.lake, tables::CATALOGUE);
    if !catalogue.exists() {
        bail!("{} is missing: run `cinepicks ingest` first (films for display come from it)", catalogue.display());
    }
    let mut publisher = store.begin_publish(ctx.clock.now()).await?;
    match fill(ctx, &mut publisher, run).await {
        Ok(()) => Ok(publisher.commit(keep).await?),
        Err(err) => {
            // Roll back now rather than on drop, so the write lock is free for recording the failure.
            if let Err(rollback) = publisher.rollback().await {
                tracing::warn!("rolling back the failed publish: {rollback}");
            }
            Err(err)
        }
    }
}

async fn fill(ctx: &Context, publisher: &mut Publisher, run: Option<&ModelRun>) -> Result<()> {
    let lake = &ctx.paths.lake;
    for batch in batches(&table_path(lake, tables::CATALOGUE), None)? {
        publisher.load_films(&batch?).await?;
    }
    load_people(publisher, lake).await?;
    let Some(r) = run else { return Ok(()) };
    let info = RunInfo {
        run_id: r.manifest.run_id.clone(),
        created_at: r.manifest.created_at,
        kinds: r.manifest.kinds.clone(),
        parameters: r.manifest.parameters.clone(),
        metrics: r.manifest.metrics.clone(),
        data_hashes: r.manifest.data_hashes.clone(),
        artefact_path: r.dir.display().to_string(),
    };
    publisher.start_run(&info).await?;
    if let Some(path) = r.artefact(artefacts::SIMILAR_FILMS) {
        for batch in batches(&path, None)? {
            publisher.load_similar_films(&batch?).await?;
        }
    }
    if let Some(path) = r.artefact(artefacts::POPULARITY_PREDICTIONS) {
        for batch in batches(&path, None)? {
            publisher.load_popularity_predictions(&batch?).await?;
        }
    }
    if let Some(path) = r.artefact(artefacts::AUDIENCE_SEGMENTS) {
        for batch in batches(&path, None)? {
            publisher.load_audience_segments(&batch?).await?;
        }
    }
    Ok(())
}

/// People shown with films: the directors and writers (crew) and principals (credits) of catalogue films.
/// Skipped, keeping what the store has, when the lake has no people table.
async fn load_people(publisher: &mut Publisher, lake: &Path) -> Result<()> {
    let people = table_path(lake, tables::PEOPLE);
    let crew = table_path(lake, tables::CREW).exists().then(|| table_path(lake, tables::CREW));
    let credits = table_path(lake, tables::CREDITS).exists().then(|| table_path(lake, tables::CREDITS));
    if !people.exists() || (crew.is_none() && credits.is_none()) {
        tracing::warn!(lake = %lake.display(), "no people, crew or credits table in the lake: film credits not refreshed");
        return Ok(());
    }
    const CREW_COLUMNS: &[&str] = &["title_id", "directors", "writers"];
    const CREDIT_COLUMNS: &[&str] = &["title_id", "ordering", "person_id", "category", "characters"];
    if let Some(path) = &crew {
        for batch in batches(path, Some(CREW_COLUMNS))? {
            publisher.want_crew(&batch?)?;
        }
    }
    if let Some(path) = &credits {
        for batch in batches(path, Some(&["title_id", "person_id"]))? {
            publisher.want_credits(&batch?)?;
        }
    }
    publisher.clear_people().await?;
    for batch in batches(&people, Some(&["person_id", "primary_name", "birth_year", "death_year"]))? {
        publisher.load_people(&batch?).await?;
    }
    if let Some(path) = &crew {
        for batch in batches(path, Some(CREW_COLUMNS))? {
            publisher.load_crew(&batch?).await?;
        }
    }
    if let Some(path) = &credits {
        for batch in batches(path, Some(CREDIT_COLUMNS))? {
            publisher.load_credits(&batch?).await?;
        }
    }
    Ok(())
}

/// Streams a lake table as Arrow record batches, reading only `columns` when given.
fn batches(path: &Path, columns: Option<&[&str]>) -> Result<impl Iterator<Item = Result<RecordBatch>> + use<>> {
    Ok(read_batches(path, columns)?.map(|batch| Ok(batch?)))
}

/// Reads and checks one run folder.
pub fn read_run(dir: &Path) -> Result<ModelRun> {
    let manifest_path = dir.join(RUN_MANIFEST);
    let text = std::fs::read_to_string(&manifest_path).with_context(|| {
        format!("{} not found: the run is missing or incomplete (training writes it last)", manifest_path.display())
    })?;
    let manifest: RunManifest = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid run manifest", manifest_path.display()))?;
    if manifest.status != "succeeded" {
        bail!(
            "model run {} has status {:?}, not \"succeeded\": it cannot be published",
            manifest.run_id,
            manifest.status
        );
    }
    for (name, file) in &manifest.artefacts {
        let path = dir.join(file);
        if matches!(
            name.as_str(),
            artefacts::SIMILAR_FILMS | artefacts::POPULARITY_PREDICTIONS | artefacts::AUDIENCE_SEGMENTS
        ) && !path.is_file()
        {
            bail!("model run {}: artefact {name} lists {} but the file is missing", manifest.run_id, path.display());
        }
    }
    Ok(ModelRun { dir: dir.to_path_buf(), manifest })
}

/// The newest run folder (by run id, which sorts by time) whose manifest says it succeeded.
pub fn latest_successful_run(models: &Path) -> Result<Option<ModelRun>> {
    let Ok(entries) = std::fs::read_dir(models) else { return Ok(None) };
    let mut dirs: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for dir in dirs.iter().rev() {
        if !dir.join(RUN_MANIFEST).is_file() {
            continue; // still being written, or abandoned
        }
        match read_run(dir) {
            Ok(run) => return Ok(Some(run)),
            Err(err) => tracing::warn!(run = %dir.display(), "skipping run: {err:#}"),
        }
    }
    Ok(None)
}

fn print_summary(run: Option<&ModelRun>, c: &PublishCounts, seconds: f64, url: &str) {
    match run {
        Some(r) => println!(
            "Published model run {} into {url} in {seconds:.1} s; it is now the active run.",
            r.manifest.run_id
        ),
        None => println!("Loaded films and people into {url} in {seconds:.1} s (no model run yet)."),
    }
    println!("  films {}  people {}  credits {}", c.films, c.people, c.film_people);
    if run.is_some() {
        println!(
            "  similar films {} ({} skipped: film not in the catalogue)  popularity predictions {}  audience segments {}",
            c.similar_films, c.similar_films_skipped, c.popularity_predictions, c.audience_segments
        );
        println!("  old runs pruned {}", c.pruned_runs);
    }
}
