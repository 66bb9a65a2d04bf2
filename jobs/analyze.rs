//! The analyze job: compute the nine marts from the lake, write them to `marts/` all together, and
//! render the report (`marts/report.html` plus one SVG per chart in `marts/charts/`).

use std::path::Path;
use std::time::Instant;

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use cinepicks_pipeline::analyze::{AnalyzeParams, LakeFrames, MARTS};
use cinepicks_pipeline::lake::{self, ParquetSink};
use cinepicks_pipeline::report::{self, Lang, ReportInput};

use crate::config::Locale;
use crate::context::{Context, Metrics};

/// File name of the report inside `marts/`.
pub const REPORT: &str = "report.html";
/// Folder of the separate chart files inside `marts/`.
pub const CHARTS: &str = "charts";

/// The `analyze:` section of the configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeConfig {
    /// Length of the best-rated list.
    pub top_films: u32,
    /// The weighted rating's minimum-votes prior is this quantile of the catalogue's votes.
    pub prior_votes_quantile: f64,
    /// People kept per ranking (actors, people in both films and series).
    pub top_people: u32,
    /// Films a director needs in the best-rated list to get a lift row.
    pub min_director_top_films: u32,
}

impl AnalyzeConfig {
    pub fn validate(&self) -> Result<(), String> {
        if !(self.prior_votes_quantile > 0.0 && self.prior_votes_quantile < 1.0) {
            return Err("analyze.prior_votes_quantile: must be between 0 and 1 (exclusive)".into());
        }
        if self.top_films == 0 || self.top_people == 0 {
            return Err("analyze.top_films: top_films and top_people must be at least 1".into());
        }
        Ok(())
    }

    pub fn params(&self) -> AnalyzeParams {
        AnalyzeParams {
            top_films: self.top_films,
            prior_votes_quantile: self.prior_votes_quantile,
            top_people: self.top_people,
            min_director_top_films: self.min_director_top_films,
        }
    }
}

#[derive(Debug, Default, clap::Args)]
pub struct AnalyzeArgs {
    /// Language of the report [default: the configuration's `locale`].
    #[arg(long, value_enum)]
    pub lang: Option<Locale>,
    /// List the marts and the lake tables they would read, write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Context, args: &AnalyzeArgs) -> Result<Metrics> {
    let started = Instant::now();
    let lake_dir = &ctx.paths.lake;
    let lake = LakeFrames::scan(lake_dir).with_context(|| format!("reading the lake in {}", lake_dir.display()))?;
    let present = lake.present();
    anyhow::ensure!(
        !present.is_empty(),
        "the lake {} holds no table: run `cinepicks ingest` first (or `cinepicks demo`)",
        lake_dir.display()
    );
    let params = ctx.config.analyze.params();
    let lang = match args.lang.unwrap_or(ctx.config.locale) {
        Locale::Fr => Lang::Fr,
        Locale::En => Lang::En,
    };
    let marts_dir = &ctx.paths.marts;
    let mut metrics = Metrics::default();
    metrics.insert("marts", MARTS.len());

    if ctx.dry_run {
        println!("Would write {} marts and {} to {}:", MARTS.len(), REPORT, marts_dir.display());
        for mart in &MARTS {
            let missing: Vec<&str> = mart.inputs.iter().copied().filter(|t| !present.contains(t)).collect();
            let note = if missing.is_empty() { String::new() } else { format!("  (absent: {})", missing.join(", ")) };
            println!("  {:<16} reads {}{note}", mart.name, mart.inputs.join(", "));
        }
        return Ok(metrics);
    }

    tracing::info!(lake = %lake_dir.display(), tables = present.len(), "analyze started");
    // Title countries feed two marts: computed once.
    let lake = lake.with_title_countries().context("deriving the countries of titles")?;
    let bar = crate::telemetry::progress_bar(MARTS.len() as u64, "marts", crate::telemetry::ProgressUnit::Items);
    let mut computed = Vec::with_capacity(MARTS.len());
    let mut staged = Vec::with_capacity(MARTS.len());
    for mart in &MARTS {
        bar.set_message(mart.name);
        let t = Instant::now();
        let frame = mart.compute(&lake, &params).with_context(|| format!("computing mart {}", mart.name))?;
        let seconds = t.elapsed().as_secs_f64();
        tracing::info!(mart = mart.name, rows = frame.height(), seconds, "mart computed");
        // Staged beside its destination; published only when every mart and the report are ready.
        let dest = marts_dir.join(format!("{}.parquet", mart.name));
        let mut sink = ParquetSink::create(&dest, frame.schema())?;
        sink.write(&frame)?;
        staged.push(sink.finish()?);
        metrics.insert(format!("rows.{}", mart.name), frame.height());
        computed.push((mart, frame));
        bar.inc(1);
    }
    bar.finish_and_clear();

    let input = ReportInput {
        marts: computed.iter().map(|(m, f)| (*m, f)).collect(),
        lake_tables: present.clone(),
        generated_at: ctx.clock.now().with_timezone(&ctx.config.timezone).format("%Y-%m-%d %H:%M").to_string(),
        params: params.clone(),
        popularity: latest_popularity(ctx),
    };
    let rendered = report::render(&input, lang);
    let charts_dir = marts_dir.join(CHARTS);
    std::fs::create_dir_all(&charts_dir).with_context(|| format!("creating {}", charts_dir.display()))?;
    for staged_file in staged {
        staged_file.publish()?;
    }
    for chart in &rendered.charts {
        write_atomic(&charts_dir.join(format!("{}.svg", chart.name)), chart.svg.as_bytes())?;
    }
    // Charts of an earlier run that this one did not draw (a question without data now) would be stale.
    let current: Vec<String> = rendered.charts.iter().map(|c| format!("{}.svg", c.name)).collect();
    for entry in std::fs::read_dir(&charts_dir).with_context(|| format!("listing {}", charts_dir.display()))? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.ends_with(".svg") && !current.contains(&name) {
            std::fs::remove_file(&path).with_context(|| format!("removing stale chart {}", path.display()))?;
        }
    }
    let report_path = marts_dir.join(REPORT);
    write_atomic(&report_path, rendered.html.as_bytes())?;

    println!("{:<16} {:>10}", "mart", "rows");
    for (mart, frame) in &computed {
        println!("{:<16} {:>10}", mart.name, frame.height());
    }
    for note in &rendered.notes {
        println!("note: {note}");
    }
    println!("marts:  {}", marts_dir.display());
    println!("report: {}  ({} charts in {})", report_path.display(), rendered.charts.len(), charts_dir.display());
    metrics.insert("charts", rendered.charts.len());
    metrics.insert("report", report_path.display().to_string());
    metrics.insert("seconds", started.elapsed().as_secs_f64());
    Ok(metrics)
}

/// Writes through a hidden temporary file and a rename, like every other output.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = lake::temp_path(path);
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming {} into place", path.display()))?;
    Ok(())
}

/// The metrics of the latest trained popularity model, for the report's section on what drives popularity
/// (none before the first `train`: the report then goes without it).
/// The owner's dashboard: the report's content rendered live from the marts on disk (and the latest popularity
/// model); `None` before the first `analyze`.
pub fn dashboard(ctx: &Context, lang: Lang) -> Result<Option<String>> {
    let marts = cinepicks_pipeline::analyze::read_marts(&ctx.paths.marts).context("reading the marts")?;
    if marts.is_empty() {
        return Ok(None);
    }
    let lake = LakeFrames::scan(&ctx.paths.lake).context("listing the lake tables")?;
    let input = ReportInput {
        marts: marts.iter().map(|(m, f)| (*m, f)).collect(),
        lake_tables: lake.present(),
        generated_at: String::new(),
        params: ctx.config.analyze.params(),
        popularity: latest_popularity(ctx),
    };
    Ok(Some(report::dashboard(&input, lang)))
}

fn latest_popularity(ctx: &Context) -> Option<cinepicks_pipeline::popularity::training::PopularityMetrics> {
    use cinepicks_pipeline::popularity::artefacts;
    let run = crate::predict::latest_run(&ctx.paths.models)?;
    let path = run.join(artefacts::DIR).join(artefacts::MANIFEST);
    let manifest: artefacts::Manifest = serde_json::from_slice(&std::fs::read(&path).ok()?)
        .inspect_err(|e| tracing::warn!(path = %path.display(), error = %e, "unreadable popularity manifest"))
        .ok()?;
    Some(manifest.metrics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_default_configuration_gives_the_pipelines_default_parameters() {
        assert_eq!(Config::embedded_default().analyze.params(), AnalyzeParams::default());
    }

    #[test]
    fn a_prior_quantile_outside_zero_and_one_is_refused_naming_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("env.yaml");
        std::fs::write(&file, "analyze:\n  prior_votes_quantile: 1.5\n").unwrap();
        let err = Config::load_from(Some(&file), Vec::new(), Some(dir.path())).unwrap_err();
        assert!(err.to_string().contains("analyze.prior_votes_quantile"), "{err}");
    }
}
