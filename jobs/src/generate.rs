//! The generate job: deterministic synthetic IMDb, MovieLens and TMDB files in their real formats.

use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context as _, Result};
use cinepicks_generator::{GenerateOptions, GeneratedFile};

use crate::context::{Context, Metrics, Report};

#[derive(Debug, Clone, Default)]
pub struct GenerateParams {
    /// Size relative to the full IMDb dump (1.0 ≈ 11M titles; 0.01 for tests) [default: generate.scale].
    pub scale: Option<f64>,
    /// Random seed: the same seed and scale give byte-identical files [default: generate.seed].
    pub seed: Option<u64>,
    /// Data folder to write `raw/` into [default: the data directory].
    pub out: Option<PathBuf>,
    /// Share of rows replaced by malformed ones, to exercise the quarantine (0 = clean data).
    pub corrupt_share: f64,
}

pub fn run(ctx: &Context, args: &GenerateParams) -> Result<GenerateReport> {
    let scale = args.scale.unwrap_or(ctx.config.generate.scale);
    let seed = args.seed.unwrap_or(ctx.config.generate.seed);
    anyhow::ensure!(scale > 0.0 && scale <= 10.0, "--scale must be in (0, 10], got {scale}");
    anyhow::ensure!((0.0..=0.5).contains(&args.corrupt_share), "--corrupt-share must be in [0, 0.5]");
    let raw = args.out.as_ref().map_or_else(|| ctx.paths.raw.clone(), |out| out.join("raw"));
    let options = GenerateOptions { scale, seed, corrupt_share: args.corrupt_share, threads: 0 };
    tracing::info!(scale, seed, out = %raw.display(), "generating data");

    let started = Instant::now();
    let bars = Mutex::new(std::collections::BTreeMap::<String, indicatif::ProgressBar>::new());
    let progress = |file: &str, rows: u64| {
        let mut bars = bars.lock().expect("progress lock");
        let bar = bars.entry(file.to_owned()).or_insert_with(|| {
            let bar = crate::progress::spinner(file);
            if bar.is_hidden() {
                tracing::debug!(file, "writing");
            }
            bar
        });
        bar.set_position(rows);
    };
    let summary = cinepicks_generator::generate(&options, &raw, &progress)
        .with_context(|| format!("generating data into {}", raw.display()))?;
    for bar in bars.into_inner().expect("progress lock").into_values() {
        bar.finish_and_clear();
    }

    Ok(GenerateReport { raw, files: summary.files, seconds: started.elapsed().as_secs_f64() })
}

/// The files `generate` wrote.
#[derive(Debug)]
pub struct GenerateReport {
    pub raw: PathBuf,
    pub files: Vec<GeneratedFile>,
    pub seconds: f64,
}

impl Report for GenerateReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        metrics.insert("files", self.files.len());
        metrics.insert("rows", self.files.iter().map(|f| f.rows).sum::<u64>());
        metrics.insert("bytes", self.files.iter().map(|f| f.bytes).sum::<u64>());
        metrics.insert("corrupted_rows", self.files.iter().map(|f| f.corrupted_rows).sum::<u64>());
        metrics.insert("seconds", self.seconds);
        metrics
    }
}

impl fmt::Display for GenerateReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in &self.files {
            writeln!(f, "{:>12} rows {:>12} bytes  {}", file.rows, file.bytes, file.path.display())?;
        }
        writeln!(f, "generated {} files in {} ({:.1} s)", self.files.len(), self.raw.display(), self.seconds)
    }
}
