//! The publish job: load the latest successful model run (and the catalogue's display data from the lake)
//! into the store in one transaction, switch the active run, prune old runs.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use cinepicks_domain::{JobStatus, tmdb_images};
use cinepicks_pipeline::lake::{read_batches, table_path, tables};
use cinepicks_pipeline::recommend::features::{self, FilmDescriptor};
use cinepicks_pipeline::recommend::training;
use cinepicks_store::Store;
use cinepicks_store::arrow_array::RecordBatch;
use cinepicks_store::queries::publish::{FilmPresentation, PublishCounts, Publisher, RunInfo, artefacts};

use cinepicks_domain::{RunManifest, RunStatus};

use crate::context::{Context, Metrics, Report};
use crate::storage::{self, Area};

#[derive(Debug, Clone, Default)]
pub struct PublishParams {
    /// Publish this run (its folder name under <data-dir>/models) instead of the latest successful one;
    /// naming an older, already published run makes it active again.
    pub run: Option<String>,
    /// When no model run exists yet, still load films and people from the lake (the demo before training).
    pub allow_no_run: bool,
    /// Say what would be published, change nothing.
    pub dry_run: bool,
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

pub fn run(ctx: &Context, args: &PublishParams) -> Result<PublishReport> {
    storage::with_areas(ctx, &[Area::Lake, Area::Models], &[], |ctx| publish_to_store(ctx, args))
}

fn publish_to_store(ctx: &Context, args: &PublishParams) -> Result<PublishReport> {
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
    let run_id = chosen.as_ref().map(|r| r.manifest.run_id.clone());
    if ctx.dry_run || args.dry_run {
        let plan = match &chosen {
            Some(r) => format!(
                "Would publish model run {} ({}) with {} into the store, keeping {} runs.",
                r.manifest.run_id,
                r.dir.display(),
                r.manifest.artefacts.keys().cloned().collect::<Vec<_>>().join(", "),
                ctx.config.database.keep_model_runs
            ),
            None => format!("No model run yet: would load films and people from {}.", ctx.paths.lake.display()),
        };
        return Ok(PublishReport { run_id, outcome: Published::DryRun(plan) });
    }
    // One publish at a time, so that a row left `running` can only be a killed publish's.
    let _lock = ctx.paths.lock(LOCK)?;
    // Read before the store's runtime starts: polars blocks on its own threads, which a current-thread runtime
    // cannot host.
    let presentations = match table_path(&ctx.paths.lake, tables::CATALOGUE).exists() {
        true => presentations(&ctx.paths.lake)?,
        false => Vec::new(),
    };
    crate::store::with_store(ctx, async |store| {
        crate::store::fail_abandoned_runs(store, LOCK, ctx.clock.now()).await?;
        let outcome = publish(ctx, store, chosen.as_ref(), &presentations).await?;
        Ok(PublishReport { run_id, outcome })
    })
}

async fn publish(
    ctx: &Context,
    store: &Store,
    run: Option<&ModelRun>,
    presentations: &[FilmPresentation],
) -> Result<Published> {
    let started = Instant::now();
    let keep = ctx.config.database.keep_model_runs;
    if let Some(r) = run
        && let Some(stored) = store.model_run(&r.manifest.run_id).await?
        && stored.status == "published"
    {
        // Idempotent: the run's rows are already there; only make sure it is the active one.
        if stored.active {
            return Ok(Published::AlreadyActive);
        }
        let pruned = store.reactivate_run(&stored.run_id, keep).await?;
        return Ok(Published::Reactivated { pruned_runs: pruned });
    }

    let logical_key = run.map_or_else(|| "catalogue".to_owned(), |r| r.manifest.run_id.clone());
    let worker = store.worker().await?;
    let job = store.start_job(LOCK, &logical_key, &worker, ctx.clock.now()).await?;
    let outcome = load(ctx, store, run, presentations, keep).await;
    let now = ctx.clock.now();
    match outcome {
        Ok(counts) => {
            let figures = serde_json::to_value(&counts)?;
            store.finish_job(job, JobStatus::Succeeded, None, Some(figures), now).await?;
            worker.close().await;
            Ok(Published::Loaded {
                counts,
                with_run: run.is_some(),
                store: store.url().to_owned(),
                seconds: started.elapsed().as_secs_f64(),
            })
        }
        Err(err) => {
            let message = format!("{err:#}");
            store.finish_job(job, JobStatus::Failed, Some(message), None, now).await?;
            worker.close().await;
            Err(err.context("publish failed and nothing changed in the store: the previously active model run, if any, is still active"))
        }
    }
}

/// Everything inside the one transaction: lake display data, the run and its outputs, the switch.
async fn load(
    ctx: &Context,
    store: &Store,
    run: Option<&ModelRun>,
    presentations: &[FilmPresentation],
    keep: u32,
) -> Result<PublishCounts> {
    let catalogue = table_path(&ctx.paths.lake, tables::CATALOGUE);
    if !catalogue.exists() {
        bail!("{} is missing: run `cinepicks ingest` first (films for display come from it)", catalogue.display());
    }
    let mut publisher = store.begin_publish(ctx.clock.now()).await?;
    match fill(ctx, &mut publisher, run, presentations).await {
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

async fn fill(
    ctx: &Context,
    publisher: &mut Publisher,
    run: Option<&ModelRun>,
    presentations: &[FilmPresentation],
) -> Result<()> {
    let lake = &ctx.paths.lake;
    for batch in batches(&table_path(lake, tables::CATALOGUE), None)? {
        publisher.load_films(&batch?).await?;
    }
    publisher.load_presentations(presentations).await?;
    load_people(publisher, lake).await?;
    let Some(r) = run else { return Ok(()) };
    let info = RunInfo {
        run_id: r.manifest.run_id.clone(),
        created_at: r.manifest.created_at,
        kinds: r.manifest.kinds.clone(),
        parameters: serde_json::to_value(&r.manifest.parameters)?,
        metrics: serde_json::to_value(&r.manifest.metrics)?,
        data_hashes: serde_json::to_value(&r.manifest.data_hashes)?,
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

/// Each catalogue film's original language and overview, from TMDB 5000 when it reaches the film, and its
/// poster, from The Movies Dataset's when it has one.
fn presentations(lake: &Path) -> Result<Vec<FilmPresentation>> {
    let descriptors: Vec<FilmDescriptor> =
        training::load_catalogue(lake)?.iter().map(training::CatalogueFilm::descriptor).collect();
    let found = features::tmdb_presentations(lake, &descriptors)?;
    let mut posters = features::tmdb_posters(lake, &descriptors)?;
    let mut presentations: Vec<FilmPresentation> = found
        .into_iter()
        .map(|p| FilmPresentation {
            poster_url: posters.remove(&p.film_id).map(|path| tmdb_images::poster_url(&path)),
            film_id: p.film_id,
            original_language: p.original_language,
            overview: p.overview,
        })
        .collect();
    presentations.extend(posters.into_iter().map(|(film_id, path)| FilmPresentation {
        film_id,
        original_language: None,
        overview: None,
        poster_url: Some(tmdb_images::poster_url(&path)),
    }));
    Ok(presentations)
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
    let manifest_path = dir.join(RunManifest::FILE);
    let text = std::fs::read_to_string(&manifest_path).with_context(|| {
        format!("{} not found: the run is missing or incomplete (training writes it last)", manifest_path.display())
    })?;
    let manifest: RunManifest = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid run manifest", manifest_path.display()))?;
    if manifest.status != RunStatus::Succeeded {
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
        if !dir.join(RunManifest::FILE).is_file() {
            continue; // still being written, or abandoned
        }
        match read_run(dir) {
            Ok(run) => return Ok(Some(run)),
            Err(err) => tracing::warn!(run = %dir.display(), "skipping run: {err:#}"),
        }
    }
    Ok(None)
}

/// What `publish` did.
#[derive(Debug)]
pub struct PublishReport {
    /// The model run chosen; `None` before the first training.
    pub run_id: Option<String>,
    pub outcome: Published,
}

#[derive(Debug)]
pub enum Published {
    /// The plan of a dry run.
    DryRun(String),
    /// The run was already published and active: nothing changed.
    AlreadyActive,
    /// The run was already published; it is the active one again.
    Reactivated { pruned_runs: u64 },
    /// Films, people and (`with_run`) the run's outputs loaded into `store`.
    Loaded { counts: PublishCounts, with_run: bool, store: String, seconds: f64 },
}

impl Report for PublishReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        metrics.insert("run_id", &self.run_id);
        match &self.outcome {
            Published::DryRun(_) => {}
            Published::AlreadyActive => metrics.insert("already_active", true),
            Published::Reactivated { pruned_runs } => {
                metrics.insert("reactivated", true);
                metrics.insert("pruned_runs", pruned_runs);
            }
            Published::Loaded { counts, seconds, .. } => {
                let figures = serde_json::to_value(counts).unwrap_or_default();
                for (key, value) in figures.as_object().into_iter().flatten() {
                    metrics.insert(key.clone(), value.clone());
                }
                metrics.insert("seconds", seconds);
            }
        }
        metrics
    }
}

impl fmt::Display for PublishReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let run_id = self.run_id.as_deref().unwrap_or_default();
        match &self.outcome {
            Published::DryRun(plan) => writeln!(f, "{plan}"),
            Published::AlreadyActive => {
                writeln!(f, "Model run {run_id} is already published and active; nothing to do.")
            }
            Published::Reactivated { .. } => {
                writeln!(f, "Model run {run_id} was already published; it is the active run again.")
            }
            Published::Loaded { counts: c, with_run, store: url, seconds } => {
                if *with_run {
                    writeln!(
                        f,
                        "Published model run {run_id} into {url} in {seconds:.1} s; it is now the active run."
                    )?;
                } else {
                    writeln!(f, "Loaded films and people into {url} in {seconds:.1} s (no model run yet).")?;
                }
                writeln!(
                    f,
                    "  films {} ({} with TMDB's original language and overview, {} with a poster)  people {}  credits {}",
                    c.films, c.presentations, c.posters, c.people, c.film_people
                )?;
                if *with_run {
                    writeln!(
                        f,
                        "  similar films {} ({} skipped: film not in the catalogue)  popularity predictions {}  audience segments {}",
                        c.similar_films, c.similar_films_skipped, c.popularity_predictions, c.audience_segments
                    )?;
                    writeln!(f, "  old runs pruned {}", c.pruned_runs)?;
                }
                Ok(())
            }
        }
    }
}
