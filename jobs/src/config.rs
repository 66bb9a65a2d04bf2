//! The jobs' sections of the configuration (data folder, stages, store, notifier, schedule), each validated
//! with an error naming its key; the binary assembles the whole configuration and layers its sources.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use cinepicks_domain::{InvalidConfig, Language};

use crate::analyze::AnalyzeConfig;
use crate::fetch::FetchConfig;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JobsConfig {
    pub data_dir: PathBuf,
    /// Where the lake, marts and model runs live when they are shared (object storage).
    #[serde(default)]
    pub data: crate::storage::StorageConfig,
    pub locale: Language,
    pub timezone: chrono_tz::Tz,
    pub ingest: IngestConfig,
    pub generate: GenerateConfig,
    pub recommend: RecommendConfig,
    pub popularity: cinepicks_pipeline::popularity::training::PopularityParams,
    pub audience: cinepicks_pipeline::audience::model::AudienceParams,
    pub schedule: ScheduleConfig,
    pub fetch: FetchConfig,
    pub analyze: AnalyzeConfig,
    pub database: DatabaseConfig,
    pub notify: crate::notify::NotifyConfig,
    #[serde(default)]
    pub screenings: crate::screenings::ScreeningsConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IngestConfig {
    pub max_rejected_share: f64,
    pub batch_rows: usize,
    pub workers: usize,
    pub catalogue: CatalogueConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueConfig {
    pub title_types: Vec<String>,
    pub min_votes: u32,
    pub min_runtime_minutes: u32,
    pub max_runtime_minutes: u32,
    pub include_adult: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GenerateConfig {
    pub scale: f64,
    pub seed: u64,
}

/// The recommender: training, evaluation and serving.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendConfig {
    pub neighbours: usize,
    pub picks: usize,
    pub positive_threshold: f32,
    pub seed: u64,
    pub max_collaborative_items: usize,
    pub min_co_liked_support: u32,
    pub evaluation: EvaluationConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationConfig {
    pub test_share: f64,
    pub k: usize,
    pub folds: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    pub nightly: CronExpr,
    pub weekly_notify: CronExpr,
    /// Start the nightly chain with `fetch` (off: ingest whatever is in raw/).
    pub nightly_fetch: bool,
    /// Catch up, once at start, the latest run missed while the daemon was not running.
    pub catch_up: bool,
    /// Seconds a running stage may take to finish after SIGINT or SIGTERM before it is abandoned.
    pub grace_period_secs: u64,
}

/// The store: a SQLite file under the data directory by default, PostgreSQL in production.
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// Empty for `<data_dir>/cinepicks.db`; otherwise `sqlite://PATH` or `postgres://USER@HOST/DB`. A URL with a
    /// password comes from `CINEPICKS__DATABASE__URL` only, and is never printed.
    #[serde(serialize_with = "serialize_redacted_url")]
    pub url: String,
    /// Model runs kept in the store, the active one included; older ones are pruned by `publish`.
    pub keep_model_runs: u32,
}

impl fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &cinepicks_store::error::redact_url(&self.url))
            .field("keep_model_runs", &self.keep_model_runs)
            .finish()
    }
}

fn serialize_redacted_url<S: serde::Serializer>(url: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&cinepicks_store::error::redact_url(url))
}

impl DatabaseConfig {
    fn validate(&self) -> Result<(), InvalidConfig> {
        let url = self.url.trim();
        let known = ["sqlite://", "postgres://", "postgresql://"];
        if !url.is_empty() && !known.iter().any(|p| url.starts_with(p)) {
            return Err(InvalidConfig::new(
                "database.url",
                format!(
                    "{} is not a sqlite:// or postgres:// URL (leave it empty for the SQLite file in data_dir)",
                    cinepicks_store::error::redact_url(url)
                ),
            ));
        }
        if self.keep_model_runs == 0 {
            return Err(InvalidConfig::new("database.keep_model_runs", "must be at least 1 (the active run)"));
        }
        Ok(())
    }
}

/// A cron expression with a seconds field, checked when the configuration is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CronExpr(String);

impl CronExpr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CronExpr {
    type Error = String;

    fn try_from(expr: String) -> Result<Self, Self::Error> {
        croner::parser::CronParser::builder()
            .seconds(croner::parser::Seconds::Required)
            .build()
            .parse(&expr)
            .map_err(|e| format!("invalid cron expression {expr:?} (sec min hour day month weekday): {e}"))?;
        Ok(Self(expr))
    }
}

impl From<CronExpr> for String {
    fn from(c: CronExpr) -> Self {
        c.0
    }
}

impl FromStr for CronExpr {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::try_from(s.to_owned())
    }
}

impl JobsConfig {
    /// Checks that serde cannot express: ranges, paths, cross-field rules.
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        check_data_dir(&self.data_dir)?;
        self.data.validate()?;
        let ingest = &self.ingest;
        if !(0.0..=1.0).contains(&ingest.max_rejected_share) {
            return Err(InvalidConfig::new("ingest.max_rejected_share", "must be between 0 and 1"));
        }
        if ingest.batch_rows < 1024 {
            return Err(InvalidConfig::new("ingest.batch_rows", "must be at least 1024"));
        }
        let cat = &ingest.catalogue;
        if cat.title_types.is_empty() {
            return Err(InvalidConfig::new("ingest.catalogue.title_types", "must name at least one title type"));
        }
        if cat.min_runtime_minutes > cat.max_runtime_minutes {
            return Err(InvalidConfig::new(
                "ingest.catalogue.min_runtime_minutes",
                format!("{} is above max_runtime_minutes {}", cat.min_runtime_minutes, cat.max_runtime_minutes),
            ));
        }
        if !(self.generate.scale > 0.0 && self.generate.scale <= 10.0) {
            return Err(InvalidConfig::new("generate.scale", "must be in (0, 10]"));
        }
        self.analyze.validate()?;
        let rec = &self.recommend;
        if !(1..=10_000).contains(&rec.min_co_liked_support) {
            return Err(InvalidConfig::new("recommend.min_co_liked_support", "must be between 1 and 10000"));
        }
        if !(1..=500).contains(&rec.neighbours) {
            return Err(InvalidConfig::new("recommend.neighbours", "must be between 1 and 500"));
        }
        if !(1..=100).contains(&rec.picks) {
            return Err(InvalidConfig::new("recommend.picks", "must be between 1 and 100"));
        }
        if rec.max_collaborative_items < 10 {
            return Err(InvalidConfig::new("recommend.max_collaborative_items", "must be at least 10"));
        }
        let ev = &rec.evaluation;
        if !(ev.test_share > 0.0 && ev.test_share < 1.0) {
            return Err(InvalidConfig::new("recommend.evaluation.test_share", "must be in (0, 1)"));
        }
        if ev.k == 0 {
            return Err(InvalidConfig::new("recommend.evaluation.k", "must be at least 1"));
        }
        if ev.folds == 1 {
            return Err(InvalidConfig::new("recommend.evaluation.folds", "must be 0 (skip) or at least 2"));
        }
        self.fetch.validate()?;
        self.database.validate()?;
        self.notify.validate()?;
        self.screenings.validate()?;
        Ok(())
    }
}

/// A data directory must be a directory, or not exist yet under an existing directory we can create it in.
fn check_data_dir(dir: &Path) -> Result<(), InvalidConfig> {
    if dir.as_os_str().is_empty() {
        return Err(InvalidConfig::new("data_dir", "must not be empty"));
    }
    if dir.exists() {
        if !dir.is_dir() {
            return Err(InvalidConfig::new("data_dir", format!("{} exists and is not a directory", dir.display())));
        }
        return Ok(());
    }
    let mut ancestor = dir.parent();
    while let Some(a) = ancestor {
        if a.as_os_str().is_empty() || a.is_dir() {
            return Ok(());
        }
        if a.exists() {
            return Err(InvalidConfig::new(
                "data_dir",
                format!("{} cannot be created: {} is not a directory", dir.display(), a.display()),
            ));
        }
        ancestor = a.parent();
    }
    Ok(())
}
