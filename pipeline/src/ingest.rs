//! The ingest stage: raw dumps → typed, validated lake tables, all published together or not at all.
//!
//! Files are read in parallel (largest first), each on a pipeline of three threads (inflate, parse,
//! encode). Rejected rows go to quarantine; a table fails only when its rejected share passes the limit.
//! Derived tables (the catalogue) are computed from the staged files before anything is published.

pub mod catalogue;
mod csv_input;
mod delimited;
pub mod output;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, UNIX_EPOCH};

use serde::Serialize;

use crate::lake::{self, LakeError, StagedFile, tables};
use crate::sources::keys::{IdSet, KeyReport, KeySpace};
use crate::sources::text::InputError;
use crate::sources::{Dialect, RowParser, imdb, movielens, tmdb};
pub use catalogue::CatalogueRules;
use output::{TableCounts, TableOutput};

/// Where the raw inputs are; `None` means the source is absent.
#[derive(Debug, Clone, Default)]
pub struct SourceDirs {
    pub imdb: Option<PathBuf>,
    pub movielens: Option<PathBuf>,
    pub tmdb: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub lake_dir: PathBuf,
    pub quarantine_dir: PathBuf,
    pub batch_rows: usize,
    /// Files read at the same time.
    pub workers: usize,
    pub max_rejected_share: f64,
    /// Turn a missing required file into a warning (the tables that need it are then left out).
    pub allow_partial: bool,
    pub catalogue: CatalogueRules,
}

/// One recognised input file.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    pub path: PathBuf,
    pub source: &'static str,
    pub table: &'static str,
    pub bytes: u64,
    /// Modification time (seconds since 1970), used with the size to detect unchanged inputs.
    pub modified: u64,
    #[serde(skip)]
    reader: Reader,
}

/// How a file is read: line-delimited with a row parser, or CSV with quoting.
#[derive(Debug, Clone, Copy)]
enum Reader {
    Delimited(Dialect, fn() -> Box<dyn RowParser>),
    Csv(fn() -> Box<dyn RowParser>),
}

impl InputFile {
    fn parser(&self) -> Box<dyn RowParser> {
        match self.reader {
            Reader::Delimited(_, make) | Reader::Csv(make) => make(),
        }
    }
}

/// Progress callbacks, implemented by the CLI (bars or logs).
pub trait ProgressSink: Sync {
    /// A file starts; the returned counter is advanced with the bytes read from disk.
    fn file_started(&self, input: &InputFile) -> Arc<AtomicU64>;
    fn file_finished(&self, input: &InputFile, counts: &TableCounts);
}

/// No progress output (tests, library use).
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn file_started(&self, _: &InputFile) -> Arc<AtomicU64> {
        Arc::default()
    }
    fn file_finished(&self, _: &InputFile, _: &TableCounts) {}
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error(transparent)]
    Input(InputError),
    #[error("{path} is empty: expected a header line")]
    Empty { path: PathBuf },
    #[error("{path}: unexpected header.\n  expected: {expected}\n  found:    {found}")]
    Header { path: PathBuf, expected: String, found: String },
    #[error(transparent)]
    Lake(#[from] LakeError),
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("no input files found (looked in {looked_in}); run `cinepicks generate` or `cinepicks fetch` first")]
    NoInput { looked_in: String },
    #[error("{file} is required in {dir} (found: {found}); pass --allow-partial to ingest without it")]
    MissingRequired { dir: PathBuf, file: &'static str, found: String },
    #[error("{dir}: not a recognised MovieLens layout (expected u.data, ratings.dat or ratings.csv)")]
    UnknownMovieLensLayout { dir: PathBuf },
    #[error("ingest failed, the lake was left unchanged:\n{}", .failures.join("\n"))]
    Tables { failures: Vec<String>, report: Box<IngestReport> },
    #[error("cannot build the catalogue: {0}")]
    Catalogue(String),
    #[error(transparent)]
    Lake(#[from] LakeError),
}

/// Everything the manifest records about one table.
#[derive(Debug, Clone, Serialize)]
pub struct TableReport {
    pub table: &'static str,
    pub source: &'static str,
    pub file: PathBuf,
    pub sha256: String,
    pub file_bytes: u64,
    #[serde(flatten)]
    pub counts: TableCounts,
    /// Rows in the lake table (more than rows_written when one source row becomes several).
    pub lake_rows: u64,
    pub seconds: f64,
    pub notes: Vec<String>,
}

/// References to ids that the defining table does not have (counted as distinct ids).
#[derive(Debug, Clone, Serialize)]
pub struct OrphanReport {
    pub table: &'static str,
    pub field: &'static str,
    pub target: &'static str,
    pub distinct_ids: u64,
    pub unknown_ids: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestReport {
    pub tables: Vec<TableReport>,
    pub orphans: Vec<OrphanReport>,
    pub catalogue_rows: Option<u64>,
    pub warnings: Vec<String>,
    pub removed_tables: Vec<String>,
    pub seconds: f64,
}

/// Finds the input files of every present source, with warnings about optional files that are missing.
pub fn discover(dirs: &SourceDirs, allow_partial: bool) -> Result<(Vec<InputFile>, Vec<String>), IngestError> {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    if let Some(dir) = dirs.imdb.as_deref().filter(|d| d.is_dir()) {
        let found: Vec<(imdb::ImdbFile, PathBuf)> =
            imdb::ImdbFile::ALL.iter().filter_map(|f| find_file(dir, f.file_name()).map(|p| (*f, p))).collect();
        if !found.is_empty() {
            for file in imdb::ImdbFile::ALL {
                if found.iter().any(|(f, _)| *f == file) {
                    continue;
                }
                let names: Vec<_> = found.iter().map(|(f, _)| f.file_name()).collect();
                if file.required() && !allow_partial {
                    return Err(IngestError::MissingRequired {
                        dir: dir.into(),
                        file: file.file_name(),
                        found: names.join(", "),
                    });
                }
                warnings.push(format!("{}: {} is missing; its table is left out", dir.display(), file.file_name()));
            }
            for (file, path) in found {
                let parser = file.parser();
                files.push(input(path, "imdb", parser.table(), Reader::Delimited(imdb::DIALECT, imdb_parser(file)))?);
            }
        }
    }
    if let Some(dir) = dirs.movielens.as_deref().filter(|d| d.is_dir()) {
        let layout =
            movielens::Layout::detect(dir).ok_or_else(|| IngestError::UnknownMovieLensLayout { dir: dir.into() })?;
        for (ml_file, path) in layout.files(dir) {
            let reader = match ml_file.dialect() {
                Some(dialect) => Reader::Delimited(dialect, ml_file.parser_fn()),
                None => Reader::Csv(ml_file.parser_fn()),
            };
            files.push(input(path, "movielens", ml_file.parser_fn()().table(), reader)?);
        }
        for missing in layout.missing(dir) {
            warnings.push(format!("{}: {missing} is missing; its table is left out", dir.display()));
        }
    }
    if let Some(dir) = dirs.tmdb.as_deref().filter(|d| d.is_dir()) {
        for (file, path) in tmdb::TmdbFile::ALL.iter().filter_map(|f| find_file(dir, f.file_name()).map(|p| (*f, p))) {
            files.push(input(path, "tmdb", file.parser_fn()().table(), Reader::Csv(file.parser_fn()))?);
        }
    }
    if files.is_empty() {
        let looked: Vec<String> = [&dirs.imdb, &dirs.movielens, &dirs.tmdb]
            .iter()
            .filter_map(|d| d.as_ref())
            .map(|d| d.display().to_string())
            .collect();
        return Err(IngestError::NoInput { looked_in: looked.join(", ") });
    }
    Ok((files, warnings))
}

fn imdb_parser(file: imdb::ImdbFile) -> fn() -> Box<dyn RowParser> {
    use imdb::ImdbFile::*;
    match file {
        TitleBasics => || TitleBasics.parser(),
        TitleRatings => || TitleRatings.parser(),
        TitlePrincipals => || TitlePrincipals.parser(),
        TitleCrew => || TitleCrew.parser(),
        TitleAkas => || TitleAkas.parser(),
        TitleEpisode => || TitleEpisode.parser(),
        NameBasics => || NameBasics.parser(),
    }
}

/// `name` or `name.gz` in `dir`.
pub fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    [dir.join(name), dir.join(format!("{name}.gz"))].into_iter().find(|p| p.is_file())
}

fn input(path: PathBuf, source: &'static str, table: &'static str, reader: Reader) -> Result<InputFile, IngestError> {
    let meta = std::fs::metadata(&path).map_err(|source| LakeError::Io { path: path.clone(), source })?;
    let modified = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_secs());
    Ok(InputFile { path, source, table, bytes: meta.len(), modified, reader })
}

/// A table read and staged, with what it learned about keys.
struct TableResult {
    report: TableReport,
    lake: StagedFile,
    quarantine: Option<StagedFile>,
    keys: KeyReport,
}

/// Runs the whole stage. On success every table (and the catalogue) is published; on failure the lake is
/// unchanged but quarantine files are published so the rejected rows can be inspected.
pub fn ingest(
    files: &[InputFile],
    warnings: Vec<String>,
    opts: &IngestOptions,
    progress: &dyn ProgressSink,
) -> Result<IngestReport, IngestError> {
    let started = Instant::now();
    let mut order: Vec<&InputFile> = files.iter().collect();
    order.sort_by_key(|f| std::cmp::Reverse(f.bytes));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Result<TableResult, (String, TableError)>>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..opts.workers.max(1).min(order.len()) {
            scope.spawn(|| {
                while let Some(file) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = read_table(file, opts, progress).map_err(|e| (file.path.display().to_string(), e));
                    results.lock().expect("a reader thread panicked").push(result);
                }
            });
        }
    });
    let results = results.into_inner().expect("a reader thread panicked");

    let mut report = IngestReport { warnings, ..IngestReport::default() };
    let mut failures = Vec::new();
    let mut staged = Vec::new();
    let mut quarantines = Vec::new();
    let mut keys = Vec::new();
    for result in results {
        match result {
            Ok(t) => {
                if let Some(failure) = over_limit(&t.report, opts) {
                    failures.push(failure);
                }
                staged.push(t.lake);
                quarantines.extend(t.quarantine);
                keys.push((t.report.table, t.keys));
                report.tables.push(t.report);
            }
            Err((file, e)) => failures.push(format!("- {file}: {e}")),
        }
    }
    report.tables.sort_by_key(|t| t.table);
    report.orphans = orphans(keys);

    // Rejected rows are kept whatever happens: they are what the user needs to fix the input.
    let mut kept: Vec<PathBuf> = Vec::new();
    for q in quarantines {
        kept.push(q.dest().to_path_buf());
        q.publish()?;
    }
    if !failures.is_empty() {
        report.seconds = started.elapsed().as_secs_f64();
        return Err(IngestError::Tables { failures, report: Box::new(report) });
    }

    if let Some(catalogue) = build_catalogue(&staged, opts)? {
        report.catalogue_rows = Some(catalogue.rows);
        staged.push(catalogue);
    }
    for file in staged {
        kept.push(file.dest().to_path_buf());
        file.publish()?;
    }
    report.removed_tables = remove_stale_tables(opts, &kept)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn read_table(file: &InputFile, opts: &IngestOptions, progress: &dyn ProgressSink) -> Result<TableResult, TableError> {
    let started = Instant::now();
    let mut parser = file.parser();
    let lake_dest = lake::table_path(&opts.lake_dir, file.table);
    let quarantine_dest = lake::table_path(&opts.quarantine_dir, file.table);
    let mut out = TableOutput::new(parser.columns(), &lake_dest, &quarantine_dest, &file.path, opts.batch_rows)?;
    let counter = progress.file_started(file);
    let summary = match file.reader {
        Reader::Delimited(dialect, _) => {
            delimited::read_delimited(&file.path, dialect, parser.as_mut(), &mut out, counter)?
        }
        Reader::Csv(_) => csv_input::read_csv(&file.path, parser.as_mut(), &mut out, counter)?,
    };
    let (lake, quarantine, counts) = out.finish()?;
    progress.file_finished(file, &counts);
    let report = TableReport {
        table: file.table,
        source: file.source,
        file: file.path.clone(),
        sha256: summary.input.sha256,
        file_bytes: summary.input.file_bytes,
        lake_rows: lake.rows,
        counts,
        seconds: started.elapsed().as_secs_f64(),
        notes: summary.notes,
    };
    Ok(TableResult { report, lake, quarantine, keys: parser.into_keys() })
}

/// A table whose rejected share passes the limit fails, with the counts and the first bad lines.
fn over_limit(report: &TableReport, opts: &IngestOptions) -> Option<String> {
    let c = &report.counts;
    if c.rows_read == 0 || (c.rows_rejected as f64) <= opts.max_rejected_share * c.rows_read as f64 {
        return None;
    }
    let mut text = format!(
        "- {}: {} of {} rows rejected ({:.2}%, above the {:.2}% limit set by ingest.max_rejected_share); \
         all rejected rows are in {}. First bad lines:",
        report.file.display(),
        c.rows_rejected,
        c.rows_read,
        100.0 * c.rows_rejected as f64 / c.rows_read as f64,
        100.0 * opts.max_rejected_share,
        lake::table_path(&opts.quarantine_dir, report.table).display(),
    );
    for s in &c.first_rejects {
        text.push_str(&format!("\n    line {}: {}", s.line, s.reason));
    }
    Some(text)
}

fn orphans(keys: Vec<(&'static str, KeyReport)>) -> Vec<OrphanReport> {
    let mut defined: BTreeMap<KeySpace, (&'static str, IdSet)> = BTreeMap::new();
    let mut references = Vec::new();
    for (table, report) in keys {
        if let Some((space, ids)) = report.defines {
            defined.insert(space, (table, ids));
        }
        references.extend(report.references.into_iter().map(|r| (table, r)));
    }
    references
        .into_iter()
        .filter_map(|(table, r)| {
            let (target, ids) = defined.get(&r.space)?;
            Some(OrphanReport {
                table,
                field: r.field,
                target,
                distinct_ids: r.ids.len(),
                unknown_ids: r.ids.count_missing_from(ids),
            })
        })
        .collect()
}

fn build_catalogue(staged: &[StagedFile], opts: &IngestOptions) -> Result<Option<StagedFile>, IngestError> {
    let find = |table: &str| {
        let dest = lake::table_path(&opts.lake_dir, table);
        staged.iter().find(|s| s.dest() == dest).map(|s| s.path().to_path_buf())
    };
    let Some(titles) = find(tables::TITLES) else {
        return Ok(None);
    };
    let dest = lake::table_path(&opts.lake_dir, tables::CATALOGUE);
    catalogue::write(
        &titles,
        find(tables::IMDB_RATINGS).as_deref(),
        find(tables::AKAS).as_deref(),
        &opts.catalogue,
        &dest,
    )
    .map(Some)
    .map_err(|e| IngestError::Catalogue(e.to_string()))
}

/// Lake and quarantine files of an earlier ingest that this one did not produce are removed, so the lake
/// mirrors the current inputs and no stale quarantine file suggests rejections that no longer happen.
fn remove_stale_tables(opts: &IngestOptions, kept: &[PathBuf]) -> Result<Vec<String>, IngestError> {
    let mut removed = Vec::new();
    for table in tables::ALL {
        for dir in [&opts.lake_dir, &opts.quarantine_dir] {
            let path = lake::table_path(dir, table);
            if path.exists() && !kept.contains(&path) {
                std::fs::remove_file(&path).map_err(|source| LakeError::Io { path: path.clone(), source })?;
                removed.push(path.display().to_string());
            }
        }
    }
    Ok(removed)
}
