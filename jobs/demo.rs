//! The demo: generate a small dataset and run every stage that exists on it, then say where outputs are.

use std::time::Instant;

use anyhow::Result;

use crate::context::{Context, Metrics};
use crate::{analyze, generate, ingest};

#[derive(Debug, Default, clap::Args)]
pub struct DemoArgs {
    /// Size of the generated dataset (see `generate --scale`).
    #[arg(long, default_value_t = 0.01)]
    pub scale: f64,
}

pub fn run(ctx: &Context, args: &DemoArgs) -> Result<Metrics> {
    let started = Instant::now();
    println!("== 1/3 generate: synthetic IMDb, MovieLens and TMDB files (scale {})", args.scale);
    let generate_args = generate::GenerateArgs { scale: Some(args.scale), ..Default::default() };
    let generated = generate::run(ctx, &generate_args)?;

    println!("\n== 2/3 ingest: raw dumps → typed Parquet lake");
    let ingest_args = ingest::IngestArgs { force: true, ..Default::default() };
    let ingested = ingest::run(ctx, &ingest_args)?;

    println!("\n== 3/3 analyze: lake → marts answering the cinema's questions, and the report");
    let analyzed = analyze::run(ctx, &analyze::AnalyzeArgs::default())?;

    let paths = &ctx.paths;
    println!("\nDemo finished in {:.1} s. Outputs:", started.elapsed().as_secs_f64());
    println!("  raw dumps     {}", paths.raw.display());
    println!("  lake          {}  (Parquet tables; manifest in _manifest.json)", paths.lake.display());
    println!("  quarantine    {}  (rejected rows, if any)", paths.quarantine.display());
    println!("  marts         {}  (one Parquet table per question)", paths.marts.display());
    println!("  report        {}  (open it in a browser)", paths.marts.join(analyze::REPORT).display());
    println!("  run manifests {}", paths.runs.display());
    let mut metrics = Metrics::default();
    metrics.insert("generated_files", generated.get("files"));
    metrics.insert("lake_rows", ingested.get("rows_written"));
    metrics.insert("report", analyzed.get("report"));
    metrics.insert("seconds", started.elapsed().as_secs_f64());
    Ok(metrics)
}
