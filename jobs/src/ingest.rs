//! The ingest job: find the raw dumps, skip them when unchanged, run the pipeline's ingest stage with
//! progress, and record a run manifest (inputs, hashes, counts, timings).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use indicatif::{MultiProgress, ProgressBar};
use serde::{Deserialize, Serialize};

use cinepicks_pipeline::ingest::output::TableCounts;
use cinepicks_pipeline::ingest::{
    self, CatalogueRules, IngestError, IngestOptions, IngestReport, InputFile, ProgressSink, SourceDirs,
};

use crate::context::{Context, Metrics, Report};
use crate::progress::{self, ProgressUnit};
use crate::storage::{self, Area};

/// File name of the manifest of the last successful ingest, inside the lake.
pub const MANIFEST: &str = "_manifest.json";

#[derive(Debug, Clone, Default)]
pub struct IngestParams {
    /// Folder of the IMDb .tsv(.gz) files [default: <data-dir>/raw/imdb].
    pub imdb: Option<PathBuf>,
    /// Folder of a MovieLens release (100K, 1M or latest layout) [default: <data-dir>/raw/movielens].
    pub movielens: Option<PathBuf>,
    /// Folder of the TMDB 5000 CSVs [default: <data-dir>/raw/tmdb].
    pub tmdb: Option<PathBuf>,
    /// Ingest even when the inputs are unchanged since the last run.
    pub force: bool,
    /// Ingest without a required file (title.basics or title.ratings), leaving its tables out.
    pub allow_partial: bool,
    /// List what would be ingested, write nothing.
    pub dry_run: bool,
}

/// What `_manifest.json` holds: enough to tell whether inputs changed and what each table contains.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub inputs: Vec<InputFingerprint>,
    pub report: serde_json::Value,
}

/// An input as seen by the skip check: unchanged path, size and modification time mean unchanged data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFingerprint {
    pub path: PathBuf,
    pub bytes: u64,
    pub modified: u64,
}

pub fn run(ctx: &Context, args: &IngestParams) -> Result<IngestJobReport> {
    storage::with_areas(ctx, &[], &[Area::Lake], |ctx| ingest(ctx, args))
}

fn ingest(ctx: &Context, args: &IngestParams) -> Result<IngestJobReport> {
    let raw = &ctx.paths.raw;
    let dirs = SourceDirs {
        imdb: Some(args.imdb.clone().unwrap_or_else(|| raw.join("imdb"))),
        movielens: Some(args.movielens.clone().unwrap_or_else(|| raw.join("movielens"))),
        tmdb: Some(args.tmdb.clone().unwrap_or_else(|| raw.join("tmdb"))),
    };
    let (files, warnings) = ingest::discover(&dirs, args.allow_partial)?;
    for w in &warnings {
        tracing::warn!("{w}");
    }
    let fingerprints: Vec<InputFingerprint> =
        files.iter().map(|f| InputFingerprint { path: f.path.clone(), bytes: f.bytes, modified: f.modified }).collect();
    if ctx.dry_run {
        return Ok(IngestJobReport::DryRun { lake: ctx.paths.lake.clone(), files });
    }

    let manifest_path = ctx.paths.lake.join(MANIFEST);
    if !args.force && unchanged(&manifest_path, &fingerprints) {
        tracing::info!(manifest = %manifest_path.display(), "inputs unchanged since the last ingest: skipped (use --force to ingest again)");
        return Ok(IngestJobReport::Unchanged { files: files.len() });
    }

    let config = &ctx.config.ingest;
    let cat = &config.catalogue;
    let options = IngestOptions {
        lake_dir: ctx.paths.lake.clone(),
        quarantine_dir: ctx.paths.quarantine.clone(),
        batch_rows: config.batch_rows,
        workers: if config.workers == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            config.workers
        },
        max_rejected_share: config.max_rejected_share,
        allow_partial: args.allow_partial,
        catalogue: CatalogueRules {
            title_types: cat.title_types.clone(),
            min_votes: cat.min_votes,
            min_runtime_minutes: cat.min_runtime_minutes,
            max_runtime_minutes: cat.max_runtime_minutes,
            include_adult: cat.include_adult,
        },
    };
    let started_at = ctx.clock.now();
    let progress = Progress::start(&files);
    let result = ingest::ingest(&files, warnings, &options, &progress);
    progress.stop();

    let (status, report) = match &result {
        Ok(report) => ("succeeded", report),
        Err(IngestError::Tables { report, .. }) => ("failed", report.as_ref()),
        Err(_) => ("failed", &IngestReport::default()),
    };
    let manifest = Manifest {
        status: status.to_owned(),
        started_at,
        finished_at: ctx.clock.now(),
        inputs: fingerprints,
        report: serde_json::to_value(report)?,
    };
    let run_file = ctx.paths.runs.join(format!("ingest-{}.json", started_at.format("%Y%m%dT%H%M%SZ")));
    cinepicks_pipeline::lake::write_json_atomically(&run_file, &manifest)?;
    let report = result.context("ingest failed")?;
    cinepicks_pipeline::lake::write_json_atomically(&manifest_path, &manifest)?;

    Ok(IngestJobReport::Ingested {
        files: files.len(),
        report,
        lake: ctx.paths.lake.clone(),
        quarantine: ctx.paths.quarantine.clone(),
    })
}

/// What `ingest` did: listed the files (dry run), found them unchanged, or wrote the lake.
#[derive(Debug)]
pub enum IngestJobReport {
    DryRun { lake: PathBuf, files: Vec<InputFile> },
    Unchanged { files: usize },
    Ingested { files: usize, report: IngestReport, lake: PathBuf, quarantine: PathBuf },
}

impl Report for IngestJobReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        match self {
            Self::DryRun { files, .. } => metrics.insert("files", files.len()),
            Self::Unchanged { files } => {
                metrics.insert("files", files);
                metrics.insert("skipped", true);
            }
            Self::Ingested { files, report, .. } => {
                let sum = |f: fn(&TableCounts) -> u64| report.tables.iter().map(|t| f(&t.counts)).sum::<u64>();
                metrics.insert("files", files);
                metrics.insert("tables", report.tables.len());
                metrics.insert("rows_read", sum(|c| c.rows_read));
                metrics.insert("rows_written", sum(|c| c.rows_written));
                metrics.insert("rows_rejected", sum(|c| c.rows_rejected));
                metrics.insert("catalogue_rows", report.catalogue_rows);
                metrics.insert("seconds", report.seconds);
            }
        }
        metrics
    }
}

impl fmt::Display for IngestJobReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DryRun { lake, files } => {
                writeln!(f, "Would ingest {} files into {}:", files.len(), lake.display())?;
                for file in files {
                    let (source, bytes, path, table) = (&file.source, file.bytes, file.path.display(), &file.table);
                    writeln!(f, "  {source:<14} {bytes:>12} bytes  {path} → {table}.parquet")?;
                }
                Ok(())
            }
            Self::Unchanged { .. } => {
                writeln!(f, "Inputs unchanged since the last ingest; nothing to do (use --force to ingest again).")
            }
            Self::Ingested { report, lake, quarantine, .. } => summary(f, report, lake, quarantine),
        }
    }
}

fn unchanged(manifest: &Path, inputs: &[InputFingerprint]) -> bool {
    let Ok(text) = std::fs::read_to_string(manifest) else { return false };
    let Ok(previous) = serde_json::from_str::<Manifest>(&text) else { return false };
    previous.status == "succeeded" && previous.inputs == inputs
}

fn summary(f: &mut fmt::Formatter<'_>, report: &IngestReport, lake: &Path, quarantine: &Path) -> fmt::Result {
    writeln!(f, "{:<14} {:>12} {:>12} {:>10} {:>8}", "table", "read", "written", "rejected", "seconds")?;
    for t in &report.tables {
        let c = &t.counts;
        writeln!(
            f,
            "{:<14} {:>12} {:>12} {:>10} {:>8.1}",
            t.table, c.rows_read, c.rows_written, c.rows_rejected, t.seconds
        )?;
        for note in &t.notes {
            writeln!(f, "    note: {note}")?;
        }
    }
    for o in report.orphans.iter().filter(|o| o.unknown_ids > 0) {
        writeln!(
            f,
            "orphans: {}.{} references {} distinct ids, {} of them unknown to {}",
            o.table, o.field, o.distinct_ids, o.unknown_ids, o.target
        )?;
    }
    if let Some(n) = report.catalogue_rows {
        writeln!(f, "catalogue: {n} films the cinema could program")?;
    }
    let rejected: u64 = report.tables.iter().map(|t| t.counts.rows_rejected).sum();
    writeln!(f, "lake: {} ({:.1} s)", lake.display(), report.seconds)?;
    if rejected > 0 {
        writeln!(f, "quarantine: {} ({rejected} rejected rows, with file, line and reason)", quarantine.display())?;
    }
    Ok(())
}

/// A file being read: its name, the byte counter its reader advances, its bar and its size.
struct ActiveFile {
    name: String,
    counter: Arc<AtomicU64>,
    bar: ProgressBar,
    bytes: u64,
}

/// Progress of the files being read: a bar per file on a terminal, periodic structured logs otherwise.
struct Progress {
    multi: Option<MultiProgress>,
    active: Arc<Mutex<Vec<ActiveFile>>>,
    stop: Arc<AtomicBool>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(files: &[InputFile]) -> Self {
        let multi = progress::bars_enabled().then(MultiProgress::new);
        let active: Arc<Mutex<Vec<ActiveFile>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let total: u64 = files.iter().map(|f| f.bytes).sum();
        tracing::info!(files = files.len(), bytes = total, "ingest started");
        let ticker = {
            let (active, stop) = (active.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut last_log = Instant::now();
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(150));
                    let active = active.lock().expect("progress lock");
                    let log = last_log.elapsed() > Duration::from_secs(10);
                    for file in active.iter() {
                        let done = file.counter.load(Ordering::Relaxed);
                        file.bar.set_position(done);
                        if log && file.bar.is_hidden() {
                            tracing::info!(file = %file.name, read_bytes = done, total_bytes = file.bytes, "reading");
                        }
                    }
                    if log {
                        last_log = Instant::now();
                    }
                }
            })
        };
        Self { multi, active, stop, ticker: Some(ticker) }
    }

    fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
        if let Some(m) = &self.multi {
            let _ = m.clear();
        }
    }
}

impl ProgressSink for Progress {
    fn file_started(&self, input: &InputFile) -> Arc<AtomicU64> {
        let counter = Arc::new(AtomicU64::new(0));
        let name = input.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bar = match &self.multi {
            Some(m) => m.add(progress::progress_bar(input.bytes, name.clone(), ProgressUnit::Bytes)),
            None => ProgressBar::hidden(),
        };
        tracing::debug!(file = %input.path.display(), table = input.table, bytes = input.bytes, "reading file");
        self.active.lock().expect("progress lock").push(ActiveFile {
            name,
            counter: counter.clone(),
            bar,
            bytes: input.bytes,
        });
        counter
    }

    fn file_finished(&self, input: &InputFile, counts: &TableCounts) {
        let mut active = self.active.lock().expect("progress lock");
        if let Some(i) = active.iter().position(|f| input.path.ends_with(&f.name)) {
            active.remove(i).bar.finish_and_clear();
        }
        tracing::info!(
            table = input.table,
            file = %input.path.display(),
            rows_read = counts.rows_read,
            rows_written = counts.rows_written,
            rows_rejected = counts.rows_rejected,
            "table read"
        );
    }
}
