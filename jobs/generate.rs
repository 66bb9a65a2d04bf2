//! The generate job: deterministic synthetic IMDb, MovieLens and TMDB files in their real formats.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context as _, Result};
use cinepicks_pipeline::generate::{self, GenerateOptions};

use crate::context::{Context, Metrics};

#[derive(Debug, Default, clap::Args)]
pub struct GenerateArgs {
    /// Size relative to the full IMDb dump (1.0 ≈ 11M titles; 0.01 for tests) [default: generate.scale].
    #[arg(long)]
    pub scale: Option<f64>,
    /// Random seed: the same seed and scale give byte-identical files [default: generate.seed].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Data folder to write `raw/` into [default: the data directory].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Share of rows replaced by malformed ones, to exercise the quarantine (0 = clean data).
    #[arg(long, default_value_t = 0.0)]
    pub corrupt_share: f64,
}

pub fn run(ctx: &Context, args: &GenerateArgs) -> Result<Metrics> {
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
            let bar = crate::telemetry::spinner(file);
            if bar.is_hidden() {
                tracing::debug!(file, "writing");
            }
            bar
        });
        bar.set_position(rows);
    };
    let summary = generate::generate(&options, &raw, &progress)
        .with_context(|| format!("generating data into {}", raw.display()))?;
    for bar in bars.into_inner().expect("progress lock").into_values() {
        bar.finish_and_clear();
    }

    let mut metrics = Metrics::default();
    let rows: u64 = summary.files.iter().map(|f| f.rows).sum();
    let bytes: u64 = summary.files.iter().map(|f| f.bytes).sum();
    for f in &summary.files {
        println!("{:>12} rows {:>12} bytes  {}", f.rows, f.bytes, f.path.display());
    }
    println!("generated {} files in {} ({:.1} s)", summary.files.len(), raw.display(), started.elapsed().as_secs_f64());
    metrics.insert("files", summary.files.len());
    metrics.insert("rows", rows);
    metrics.insert("bytes", bytes);
    metrics.insert("corrupted_rows", summary.files.iter().map(|f| f.corrupted_rows).sum::<u64>());
    metrics.insert("seconds", started.elapsed().as_secs_f64());
    Ok(metrics)
}
