//! Deterministic generator of realistic film data in the real public formats (IMDb TSV dumps, MovieLens 100K and latest CSVs, TMDB 5000 CSVs), with planted structure for the models to find.
//!
//! Every entity is a pure function of (seed, table, index), so files are streamed row by row,
//! written in parallel and byte-identical for the same scale and seed whatever the thread count.
//! See `world` for the latent structure and the per-format modules for the writers.
//!
//! What is planted, so that models have something true to find:
//! - averageRating = base + genre effects (documentary/drama up, horror down) + the director's
//!   and the lead's talent (one latent per person, the same on all their titles) + mild runtime
//!   and decade effects + noise; numVotes is log-normal around a Zipf-like popularity.
//! - MovieLens ratings = mean + user bias + item bias (tied to the IMDb quality) + user taste ·
//!   film vector (8 latent factors; a film's vector is the mean of its genres' embeddings plus
//!   noise; tastes lean with gender and age) + noise. Users pick films by popularity × appeal,
//!   so missing ratings are not at random.
//! - MovieLens items and TMDB rows are the most popular generated movies; links.csv joins them.
//!
//! With `corrupt_share > 0`, each data row of the IMDb and MovieLens files (not u.genre or
//! u.occupation, nor TMDB) is replaced with that probability by one malformed row: a wrong field
//! count, a malformed id (`tx12`), a repeated key, invalid UTF-8 (UTF-8 files only), or an
//! impossible value (startYear 1700/2999, runtime `1h30`/`90min`, averageRating 11.3, negative numVotes,
//! ordering 0, isOriginalTitle 2, a malformed nconst, birthYear 2999, rating 0 or 7, age -3, gender
//! X, a `32-Foo-1995` date…). `GeneratedFile::corrupted_rows` counts them per file.

mod corrupt;
mod ids;
mod imdb;
mod layout;
mod movielens;
mod output;
mod rng;
mod titles;
mod tmdb;
mod vocabulary;
mod world;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenerateOptions {
    /// 1.0 is about the size of the real IMDb dump (~11M titles); 0.01 gives MovieLens close to ml-100k.
    pub scale: f64,
    pub seed: u64,
    /// Share of data rows (0.0 by default) replaced by malformed rows, for quarantine tests.
    pub corrupt_share: f64,
    /// Worker threads writing files in parallel (0 = available parallelism).
    pub threads: usize,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions { scale: 0.01, seed: 42, corrupt_share: 0.0, threads: 0 }
    }
}

/// One written file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    /// Data rows, header excluded, corrupted rows included.
    pub rows: u64,
    /// Size on disk (compressed size for `.gz`).
    pub bytes: u64,
    /// Rows deliberately made malformed (see [`GenerateOptions::corrupt_share`]).
    pub corrupted_rows: u64,
}

/// Every file written, sorted by path.
#[derive(Clone, Debug, Default)]
pub struct GenerateSummary {
    pub files: Vec<GeneratedFile>,
}

impl GenerateSummary {
    /// The entry for a file name (e.g. `title.basics.tsv.gz`), if it was written.
    pub fn file(&self, name: &str) -> Option<&GeneratedFile> {
        self.files.iter().find(|f| f.path.file_name().is_some_and(|n| n == name))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("invalid generator option: {0} (scale must be finite and > 0, corrupt_share within 0..=1)")]
    InvalidOptions(String),
    #[error("cannot create output folder {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source} (check free space and permissions)")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot move {from} into place as {path}: {source}")]
    Rename { from: PathBuf, path: PathBuf, source: std::io::Error },
    #[error("CSV writer failed on {path}: {source}")]
    Csv { path: PathBuf, source: csv::Error },
    #[error("a generator worker stopped unexpectedly while writing {path}")]
    Worker { path: PathBuf },
}

/// Sub-folders of `raw/` the ingest recognises.
pub const IMDB_DIR: &str = "imdb";
pub const MOVIELENS_DIR: &str = "movielens";
pub const MOVIELENS_LATEST_DIR: &str = "movielens-latest";
pub const TMDB_DIR: &str = "tmdb";

/// A unit of work for one thread: writes one or more files.
#[derive(Clone, Copy, Debug)]
enum Job {
    Principals,
    Akas,
    Names,
    Basics,
    Crew,
    Episode,
    Ratings,
    TmdbCredits,
    TmdbMovies,
    UData,
    LatestRatings,
    Catalogue,
}

type JobResult = Result<Vec<GeneratedFile>, GenerateError>;

/// Largest first, so the long poles start early.
const JOBS: [Job; 12] = [
    Job::Names,
    Job::Principals,
    Job::Akas,
    Job::Crew,
    Job::Basics,
    Job::TmdbCredits,
    Job::Ratings,
    Job::Episode,
    Job::LatestRatings,
    Job::UData,
    Job::TmdbMovies,
    Job::Catalogue,
];

/// Writes the IMDb, MovieLens and TMDB files under `raw_dir` (normally `<data-dir>/raw`).
///
/// `progress(file_name, rows_written_so_far)` is called about every 100k rows of a file and
/// when it is complete; it may be called from several threads.
pub fn generate(
    opts: &GenerateOptions,
    raw_dir: &Path,
    progress: &(dyn Fn(&str, u64) + Sync),
) -> Result<GenerateSummary, GenerateError> {
    if !opts.scale.is_finite() || opts.scale <= 0.0 || opts.scale > 100.0 {
        return Err(GenerateError::InvalidOptions(format!("scale = {}", opts.scale)));
    }
    if !(0.0..=1.0).contains(&opts.corrupt_share) {
        return Err(GenerateError::InvalidOptions(format!("corrupt_share = {}", opts.corrupt_share)));
    }
    let dirs = [IMDB_DIR, MOVIELENS_DIR, MOVIELENS_LATEST_DIR, TMDB_DIR].map(|d| raw_dir.join(d));
    for d in &dirs {
        std::fs::create_dir_all(d).map_err(|source| GenerateError::CreateDir { path: d.clone(), source })?;
    }
    let [imdb_dir, ml_dir, latest_dir, tmdb_dir] = &dirs;

    let world = world::World::build(opts.scale, opts.seed);
    let movies = world.popular_movies(layout::NOW_YEAR + 2);
    let ml = movielens::MovieLens::build(&world, opts, &movies);
    let tmdb_rows = tmdb::select(opts, &movies);
    drop(movies);

    let run = |job: Job| -> JobResult {
        let one = |f: Result<GeneratedFile, GenerateError>| f.map(|x| vec![x]);
        match job {
            Job::Principals => one(imdb::write_title_principals(&world, opts, imdb_dir, progress)),
            Job::Akas => one(imdb::write_title_akas(&world, opts, imdb_dir, progress)),
            Job::Names => one(imdb::write_name_basics(&world, opts, imdb_dir, progress)),
            Job::Basics => one(imdb::write_title_basics(&world, opts, imdb_dir, progress)),
            Job::Crew => one(imdb::write_title_crew(&world, opts, imdb_dir, progress)),
            Job::Episode => one(imdb::write_title_episode(&world, opts, imdb_dir, progress)),
            Job::Ratings => one(imdb::write_title_ratings(&world, opts, imdb_dir, progress)),
            Job::TmdbMovies => one(tmdb::write_movies(&world, opts, &tmdb_rows, tmdb_dir, progress)),
            Job::TmdbCredits => one(tmdb::write_credits(&world, opts, &tmdb_rows, tmdb_dir, progress)),
            Job::UData => one(movielens::write_u_data(&ml, opts, ml_dir, progress)),
            Job::LatestRatings => movielens::write_latest_ratings_and_tags(&world, &ml, opts, latest_dir, progress),
            Job::Catalogue => movielens::write_catalogue_files(&ml, opts, ml_dir, latest_dir, progress),
        }
    };

    let threads =
        if opts.threads == 0 { std::thread::available_parallelism().map_or(2, |n| n.get()) } else { opts.threads }
            .clamp(1, JOBS.len());
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let results: Mutex<Vec<Option<JobResult>>> = Mutex::new((0..JOBS.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= JOBS.len() || failed.load(Ordering::Relaxed) {
                            break;
                        }
                        let r = run(JOBS[i]);
                        if r.is_err() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        if let Ok(mut slots) = results.lock() {
                            slots[i] = Some(r);
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            // A panicking worker leaves its job's slot empty; reported below.
            let _ = h.join();
        }
    });

    let slots = results.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut files = Vec::new();
    for (i, slot) in slots.into_iter().enumerate() {
        match slot {
            Some(Ok(mut f)) => files.append(&mut f),
            Some(Err(e)) => return Err(e),
            None if failed.load(Ordering::Relaxed) => continue,
            None => return Err(GenerateError::Worker { path: raw_dir.join(format!("{:?}", JOBS[i])) }),
        }
    }
    if failed.load(Ordering::Relaxed) {
        return Err(GenerateError::Worker { path: raw_dir.to_path_buf() });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(GenerateSummary { files })
}
