//! The analyze job: compute the nine marts from the lake, write them to `marts/` all together, and
//! render the report (`marts/report.html` plus one SVG per chart in `marts/charts/`).

use std::fmt;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use cinepicks_domain::InvalidConfig;
use cinepicks_pipeline::analyze::{AnalyzeParams, LakeFrames, MARTS};
use cinepicks_pipeline::lake::{self, ParquetSink};
use cinepicks_pipeline::report::{self, ReportInput};

use crate::context::{Context, Metrics, Report};
use crate::storage::{self, Area};
use cinepicks_domain::Language;

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
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        if !(self.prior_votes_quantile > 0.0 && self.prior_votes_quantile < 1.0) {
            return Err(InvalidConfig::new("analyze.prior_votes_quantile", "must be between 0 and 1 (exclusive)"));
        }
        if self.top_films == 0 || self.top_people == 0 {
            return Err(InvalidConfig::new("analyze.top_films", "top_films and top_people must be at least 1"));
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

#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// Language of the report [default: the configuration's `locale`].
    pub lang: Option<Language>,
    /// List the marts and the lake tables they would read, write nothing.
    pub dry_run: bool,
}

pub fn run(ctx: &Context, args: &AnalyzeOptions) -> Result<AnalyzeReport> {
    storage::with_areas(ctx, &[Area::Lake, Area::Models], &[Area::Marts], |ctx| analyze(ctx, args))
}

fn analyze(ctx: &Context, args: &AnalyzeOptions) -> Result<AnalyzeReport> {
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
    let lang = args.lang.unwrap_or(ctx.config.locale);
    let marts_dir = &ctx.paths.marts;

    if ctx.dry_run {
        return Ok(AnalyzeReport::DryRun { marts: marts_dir.clone(), present });
    }

    tracing::info!(lake = %lake_dir.display(), tables = present.len(), "analyze started");
    // Title countries feed two marts: computed once.
    let lake = lake.with_title_countries().context("deriving the countries of titles")?;
    let bar = crate::progress::progress_bar(MARTS.len() as u64, "marts", crate::progress::ProgressUnit::Items);
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
        lake::write_atomically(&charts_dir.join(format!("{}.svg", chart.name)), chart.svg.as_bytes())?;
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
    lake::write_atomically(&report_path, rendered.html.as_bytes())?;

    Ok(AnalyzeReport::Written {
        rows: computed.iter().map(|(mart, frame)| (mart.name, frame.height())).collect(),
        notes: rendered.notes,
        marts: marts_dir.clone(),
        report: report_path,
        charts: rendered.charts.len(),
        charts_dir,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// What `analyze` did: listed the marts (dry run) or wrote them and the report.
#[derive(Debug)]
pub enum AnalyzeReport {
    DryRun {
        marts: PathBuf,
        /// The lake tables present.
        present: Vec<&'static str>,
    },
    Written {
        /// Rows of each mart, in registry order.
        rows: Vec<(&'static str, usize)>,
        notes: Vec<String>,
        marts: PathBuf,
        report: PathBuf,
        charts: usize,
        charts_dir: PathBuf,
        seconds: f64,
    },
}

impl Report for AnalyzeReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        metrics.insert("marts", MARTS.len());
        if let Self::Written { rows, report, charts, seconds, .. } = self {
            for (mart, n) in rows {
                metrics.insert(format!("rows.{mart}"), n);
            }
            metrics.insert("charts", charts);
            metrics.insert("report", report.display().to_string());
            metrics.insert("seconds", seconds);
        }
        metrics
    }
}

impl fmt::Display for AnalyzeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DryRun { marts, present } => {
                writeln!(f, "Would write {} marts and {} to {}:", MARTS.len(), REPORT, marts.display())?;
                for mart in &MARTS {
                    let missing: Vec<&str> = mart.inputs.iter().copied().filter(|t| !present.contains(t)).collect();
                    let note =
                        if missing.is_empty() { String::new() } else { format!("  (absent: {})", missing.join(", ")) };
                    writeln!(f, "  {:<16} reads {}{note}", mart.name, mart.inputs.join(", "))?;
                }
                Ok(())
            }
            Self::Written { rows, notes, marts, report, charts, charts_dir, .. } => {
                writeln!(f, "{:<16} {:>10}", "mart", "rows")?;
                for (mart, n) in rows {
                    writeln!(f, "{mart:<16} {n:>10}")?;
                }
                for note in notes {
                    writeln!(f, "note: {note}")?;
                }
                writeln!(f, "marts:  {}", marts.display())?;
                writeln!(f, "report: {}  ({charts} charts in {})", report.display(), charts_dir.display())
            }
        }
    }
}

/// The owner's dashboard: the report's content rendered live from the marts on disk (and the latest popularity
/// model); `None` before the first `analyze`.
pub fn dashboard(ctx: &Context, lang: Language) -> Result<Option<String>> {
    // Of the lake the dashboard needs only which tables exist: on shared storage, its manifest says so without
    // copying the lake to the web server.
    let lake_tables = match storage::current_files(ctx, Area::Lake)? {
        Some(files) => lake::tables::ALL.into_iter().filter(|t| files.contains(&format!("{t}.parquet"))).collect(),
        None => LakeFrames::scan(&ctx.paths.lake).context("listing the lake tables")?.present(),
    };
    storage::with_areas(ctx, &[Area::Marts, Area::Models], &[], |ctx| render_dashboard(ctx, lang, lake_tables))
}

fn render_dashboard(ctx: &Context, lang: Language, lake_tables: Vec<&'static str>) -> Result<Option<String>> {
    let marts = cinepicks_pipeline::analyze::read_marts(&ctx.paths.marts).context("reading the marts")?;
    if marts.is_empty() {
        return Ok(None);
    }
    let input = ReportInput {
        marts: marts.iter().map(|(m, f)| (*m, f)).collect(),
        lake_tables,
        generated_at: String::new(),
        params: ctx.config.analyze.params(),
        popularity: latest_popularity(ctx),
    };
    Ok(Some(report::dashboard(&input, lang)))
}

/// The metrics of the latest trained popularity model, for the report's section on what drives popularity
/// (none before the first `train`: the report then goes without it).
fn latest_popularity(ctx: &Context) -> Option<cinepicks_pipeline::popularity::training::PopularityMetrics> {
    use cinepicks_pipeline::popularity::artefacts;
    let run = crate::model_runs::latest_popularity(&ctx.paths.models)?;
    let path = run.join(artefacts::DIR).join(artefacts::MANIFEST);
    let manifest: artefacts::Manifest = serde_json::from_slice(&std::fs::read(&path).ok()?)
        .inspect_err(|e| tracing::warn!(path = %path.display(), error = %e, "unreadable popularity manifest"))
        .ok()?;
    Some(manifest.metrics)
}
