//! The popularity step of `cinepicks train`: films and targets from the lake, evaluation against the
//! baselines, final XGBoost models and their files in `<run>/popularity/`, a summary for the report.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use anyhow::Result;
use indicatif::ProgressBar;

use cinepicks_pipeline::lake::{table_path, tables};
use cinepicks_pipeline::popularity::training::{self, TargetReport, XGBOOST};
use cinepicks_pipeline::popularity::{artefacts, dataset};
use cinepicks_pipeline::progress::Progress;

use super::{Trained, Trainer, TrainerOutput, fingerprint};
use crate::context::Context;
use crate::progress::{self, ProgressUnit};

/// The lake tables the popularity model may read.
pub const INPUTS: [&str; 7] = [
    tables::TITLES,
    tables::IMDB_RATINGS,
    tables::CREW,
    tables::CREDITS,
    tables::PEOPLE,
    tables::TMDB_MOVIES,
    tables::LINKS,
];

pub struct PopularityTrainer;

/// Stage logs and a bar over the XGBoost fits.
struct FitBar(Mutex<Option<ProgressBar>>);

impl Progress for FitBar {
    fn stage(&self, name: &str) {
        tracing::info!(stage = name, "popularity");
    }

    fn advanced(&self, done: usize, total: usize) {
        let mut bar = self.0.lock().expect("progress lock");
        let bar =
            bar.get_or_insert_with(|| progress::progress_bar(total as u64, "popularity fits", ProgressUnit::Items));
        bar.set_position(done as u64);
        if bar.is_hidden() {
            tracing::info!(done, total, "popularity fits");
        }
        if done == total {
            bar.finish_and_clear();
        }
    }
}

/// One line per split: R² and RMSE of XGBoost and of the best baseline.
pub fn target_lines(report: &TargetReport) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = |name: String, s: &training::SplitScores| {
        let x = s.get(XGBOOST);
        let best = s.models.iter().filter(|(m, _)| m != XGBOOST).min_by(|a, b| a.1.rmse.total_cmp(&b.1.rmse));
        if let (Some(x), Some((bname, b))) = (x, best) {
            lines.push(format!(
                "  {:<16} {:<28} R² {:.3}  RMSE {:.3}  MAE {:.3}   best baseline {bname}: R² {:.3}  RMSE {:.3}",
                report.target, name, x.r2, x.rmse, x.mae, b.r2, b.rmse
            ));
        }
    };
    if let (Some(s), Some(y)) = (&report.time_split, report.test_from_year) {
        line(format!("time split (test ≥ {y})"), s);
    }
    line("random hold-out".into(), &report.holdout);
    if let Some(cv) = &report.cross_validation {
        let fold = training::SplitScores { train: 0, test: 0, models: cv.mean.clone() };
        line(format!("{}-fold CV (mean)", cv.folds), &fold);
    }
    lines
}

impl Trainer for PopularityTrainer {
    fn kind(&self) -> &'static str {
        "popularity"
    }

    fn train(&self, ctx: &Context, run_dir: &Path) -> Result<Trained> {
        let mut summary = Vec::new();
        let params = &ctx.config.popularity;
        let lake = &ctx.paths.lake;
        let Some(data) = dataset::load(lake, &params.dataset)? else {
            return Ok(Trained::Skipped(
                "popularity: skipped (no IMDb titles with ratings nor TMDB films with votes in the lake)".into(),
            ));
        };
        if data.films.len() < training::MIN_FILMS {
            return Ok(Trained::Skipped(format!(
                "popularity: skipped (only {} films with known targets)",
                data.films.len()
            )));
        }
        tracing::info!(films = data.films.len(), source = ?data.source, "popularity: films loaded");
        let bar = FitBar(Mutex::new(None));
        let trained = training::train(&data, params, &bar)?;
        let mut hashes = BTreeMap::new();
        for table in INPUTS {
            let path = table_path(lake, table);
            if path.exists() {
                hashes.insert(table.to_owned(), fingerprint(&path)?);
            }
        }
        let dir = artefacts::write(run_dir, &trained, params, &data.names, hashes)?;
        let m = &trained.metrics;
        summary.push(format!(
            "popularity ({:?} data): {} films, {} features; evaluation {:.1} s, final fit {:.1} s",
            m.source, m.films, m.features, m.seconds_evaluation, m.seconds_final_fit
        ));
        for report in &m.targets {
            for line in target_lines(report) {
                summary.push(line);
            }
        }
        summary.push(format!("  models in {}/ of the run folder", dir.strip_prefix(run_dir).unwrap_or(&dir).display()));
        let mut files = BTreeMap::new();
        for (name, file) in [
            ("popularity_quality_model", artefacts::QUALITY_MODEL),
            ("popularity_audience_model", artefacts::AUDIENCE_MODEL),
            ("popularity_spec", artefacts::SPEC),
            ("popularity_people", artefacts::PEOPLE),
            ("popularity_check", artefacts::CHECK),
            ("popularity_manifest", artefacts::MANIFEST),
        ] {
            files.insert(name.to_owned(), format!("{}/{file}", artefacts::DIR));
        }
        Ok(Trained::Done(TrainerOutput {
            summary,
            kind: "popularity",
            parameters: serde_json::to_value(params)?,
            metrics: serde_json::to_value(m)?,
            artefacts: files,
            inputs: INPUTS.to_vec(),
        }))
    }
}
