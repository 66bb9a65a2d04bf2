//! The audience step of `cinepicks train`: MovieLens ratings with demographics → the XGBoost multi-class
//! model in `<run>/audience/`, its evaluation on held-out users, a summary for the report.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use cinepicks_pipeline::audience::{calibration, data, model};
use cinepicks_pipeline::lake::tables;

use super::{Trained, Trainer, TrainerOutput};
use crate::context::Context;

pub struct AudienceTrainer;

impl Trainer for AudienceTrainer {
    fn kind(&self) -> &'static str {
        "audience"
    }

    fn train(&self, ctx: &Context, run_dir: &Path) -> Result<Trained> {
        let mut summary = Vec::new();
        let Some(data) = data::load(&ctx.paths.lake)? else {
            return Ok(Trained::Skipped(
                "audience: skipped (no MovieLens users with demographics in the lake: the 100K or 1M release has them)"
                    .into(),
            ));
        };
        if data.ratings.is_empty() {
            return Ok(Trained::Skipped("audience: skipped (no ratings by users with demographics)".into()));
        }
        let params = &ctx.config.audience;
        let trained = model::train(&data, params, |stage| tracing::info!(stage, "audience"))?;
        let dir = trained.write(run_dir)?;
        let m = &trained.metrics;
        summary.push(format!(
            "audience: {} ratings by {} users on {} films ({} held-out users with a loved film), {:.1} s",
            m.ratings, m.users, m.films, m.test_users, m.seconds
        ));
        for (name, s) in &m.classification {
            summary.push(format!("  {name:<24} accuracy {:.3}  macro-F1 {:.3}", s.accuracy, s.macro_f1));
        }
        for (name, s) in &m.suggestions {
            summary.push(format!("  {name:<24} NDCG@10 {:.3}  HR@10 {:.3}", s.ndcg, s.hit_rate));
        }
        for (label, with_occupation) in [("age band × gender", false), ("× occupation", true)] {
            if let Some((mean, worst)) = calibration::summary(&m.calibration, with_occupation) {
                let groups = m.calibration.iter().filter(|g| g.occupation.is_some() == with_occupation).count();
                summary.push(format!(
                    "  calibration, {groups} groups {label}: predicted P(loved) within {:.1} points of the share \
                     loved on average, at most {:.1} ({} {}{})",
                    100.0 * mean,
                    100.0 * worst.gap(),
                    worst.age_band,
                    worst.gender,
                    worst.occupation.as_ref().map(|o| format!(" {o}")).unwrap_or_default()
                ));
            }
        }
        summary.push(format!("  model in {}/ of the run folder", dir.strip_prefix(run_dir).unwrap_or(&dir).display()));
        let mut files = BTreeMap::new();
        files.insert("audience_model".to_owned(), format!("{}/{}", model::DIR, model::MODEL));
        files.insert("audience_spec".to_owned(), format!("{}/{}", model::DIR, model::SPEC));
        Ok(Trained::Done(TrainerOutput {
            summary,
            kind: "audience",
            parameters: serde_json::to_value(params)?,
            metrics: serde_json::to_value(m)?,
            artefacts: files,
            inputs: vec![tables::ML_RATINGS, tables::ML_USERS, tables::ML_MOVIES],
        }))
    }
}
