//! The demo: generate a small dataset and run every stage that exists on it, then say where outputs are.

use std::time::Instant;

use anyhow::{Context as _, Result};

use crate::context::{Context, Metrics};
use crate::{analyze, evaluate, generate, ingest, recommend, train};
use cinepicks_pipeline::recommend::artefacts::{self, StoredRecommender};

#[derive(Debug, Default, clap::Args)]
pub struct DemoArgs {
    /// Size of the generated dataset (see `generate --scale`).
    #[arg(long, default_value_t = 0.01)]
    pub scale: f64,
}

pub fn run(ctx: &Context, args: &DemoArgs) -> Result<Metrics> {
    let started = Instant::now();
    println!("== 1/6 generate: synthetic IMDb, MovieLens and TMDB files (scale {})", args.scale);
    let generate_args = generate::GenerateArgs { scale: Some(args.scale), ..Default::default() };
    let generated = generate::run(ctx, &generate_args)?;

    println!("\n== 2/6 ingest: raw dumps → typed Parquet lake");
    let ingest_args = ingest::IngestArgs { force: true, ..Default::default() };
    let ingested = ingest::run(ctx, &ingest_args)?;

    println!("\n== 3/6 analyze: lake → marts answering the cinema's questions, and the report");
    let analyzed = analyze::run(ctx, &analyze::AnalyzeArgs::default())?;

    println!("\n== 4/6 train: content, collaborative and hybrid neighbours of every catalogue film");
    let trained = train::run(ctx, &train::TrainArgs::default())?;

    println!("\n== 5/6 evaluate: every model against the popularity baseline on the MovieLens ratings");
    let evaluated = evaluate::run(ctx, &evaluate::EvaluateArgs::default())?;

    println!("\n== 6/6 recommend: five films like a well-known film of the demo data");
    let run_dir = artefacts::latest_run(&ctx.paths.models).context("the run just trained is missing")?;
    let model = StoredRecommender::load(&run_dir)?;
    let mut by_votes: Vec<u32> = (0..model.films.len() as u32).collect();
    by_votes.sort_by_key(|&i| std::cmp::Reverse(model.film(i).num_votes));
    let none = std::collections::HashSet::new();
    let famous = by_votes.into_iter().find(|&i| model.similar(i, 5, &none, None).len() >= 5);
    if let Some(item) = famous {
        let film = model.film(item);
        let title = match film.year {
            Some(y) => format!("{} ({y})", film.original_title),
            None => film.original_title.clone(),
        };
        recommend::run(ctx, &recommend::RecommendArgs { title: Some(title), ..Default::default() })?;
    }

    let paths = &ctx.paths;
    println!("\nDemo finished in {:.1} s. Outputs:", started.elapsed().as_secs_f64());
    println!("  raw dumps     {}", paths.raw.display());
    println!("  lake          {}  (Parquet tables; manifest in _manifest.json)", paths.lake.display());
    println!("  quarantine    {}  (rejected rows, if any)", paths.quarantine.display());
    println!("  marts         {}  (one Parquet table per question)", paths.marts.display());
    println!("  report        {}  (open it in a browser)", paths.marts.join(analyze::REPORT).display());
    println!("  run manifests {}", paths.runs.display());
    println!("  models        {}  (similar_films.parquet, metrics.json, run.json)", run_dir.display());
    println!("  evaluation    {}", evaluated.get("metrics_file").and_then(|v| v.as_str()).unwrap_or("-"));
    let mut metrics = Metrics::default();
    metrics.insert("generated_files", generated.get("files"));
    metrics.insert("lake_rows", ingested.get("rows_written"));
    metrics.insert("run_id", trained.get("run_id"));
    metrics.insert("best_model", evaluated.get("best_model"));
    metrics.insert("report", analyzed.get("report"));
    metrics.insert("seconds", started.elapsed().as_secs_f64());
    Ok(metrics)
}
