//! Layered YAML configuration (built-in defaults → environment file → CINEPICKS__ variables), validated at start.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_yaml_ng::{Mapping, Value};

use crate::analyze::AnalyzeConfig;
use crate::fetch::FetchConfig;

/// The built-in defaults; `config/default.yaml` documents every key.
pub const DEFAULT_YAML: &str = include_str!("../config/default.yaml");

/// Prefix of environment variables that override keys (`CINEPICKS__INGEST__WORKERS=2`).
pub const ENV_PREFIX: &str = "CINEPICKS__";

/// Key names that must never come from a file: secrets are read from the environment only.
const SECRET_KEY_SUFFIXES: [&str; 3] = ["password", "token", "secret"];

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub data_dir: PathBuf,
    pub locale: Locale,
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
    pub serve: crate::serve::ServeConfig,
}

/// Language of output meant for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    Fr,
    En,
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
    fn validate(&self) -> Result<(), ConfigError> {
        let url = self.url.trim();
        let known = ["sqlite://", "postgres://", "postgresql://"];
        if !url.is_empty() && !known.iter().any(|p| url.starts_with(p)) {
            return Err(ConfigError::invalid(
                "database.url",
                format!(
                    "{} is not a sqlite:// or postgres:// URL (leave it empty for the SQLite file in data_dir)",
                    cinepicks_store::error::redact_url(url)
                ),
            ));
        }
        if self.keep_model_runs == 0 {
            return Err(ConfigError::invalid("database.keep_model_runs", "must be at least 1 (the active run)"));
        }
        Ok(())
    }
}

/// A database URL carrying a password is a secret: refused in files like keys named `*password`.
fn check_database_url_in_file(overlay: &Value, origin: &str) -> Result<(), ConfigError> {
    let url = overlay.get("database").and_then(|d| d.get("url")).and_then(Value::as_str).unwrap_or("");
    if cinepicks_store::error::redact_url(url) != url {
        return Err(ConfigError::SecretInFile { key: "database.url (its password)".into(), origin: origin.to_owned() });
    }
    Ok(())
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

/// Why the configuration was refused; always names the key and where it came from.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("configuration file {path} is not valid YAML: {source}")]
    Yaml { path: PathBuf, source: serde_yaml_ng::Error },
    #[error("unknown configuration key `{key}` in {origin} (see config/default.yaml for every key)")]
    UnknownKey { key: String, origin: String },
    #[error(
        "configuration key `{key}` in {origin} looks like a secret: secrets are read from environment variables only"
    )]
    SecretInFile { key: String, origin: String },
    #[error("invalid value for configuration key `{key}`: {message}")]
    Invalid { key: String, message: String },
}

impl ConfigError {
    fn invalid(key: &str, message: impl fmt::Display) -> Self {
        Self::Invalid { key: key.to_owned(), message: message.to_string() }
    }
}

impl Config {
    /// The built-in defaults alone (tests, and the base of every layered load).
    pub fn embedded_default() -> Self {
        let value = serde_yaml_ng::from_str(DEFAULT_YAML).expect("config/default.yaml is valid YAML");
        deserialize(value).expect("config/default.yaml matches Config")
    }

    /// Defaults, then `file`, then `CINEPICKS__…` variables of this process, then `data_dir`; validated.
    pub fn load(file: Option<&Path>, data_dir: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(file, std::env::vars(), data_dir)
    }

    /// As [`Config::load`] with an explicit environment, so tests need not mutate the process.
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
        data_dir: Option<&Path>,
    ) -> Result<Self, ConfigError> {
        let defaults: Value = serde_yaml_ng::from_str(DEFAULT_YAML).expect("config/default.yaml is valid YAML");
        let mut merged = defaults.clone();

        if let Some(path) = file {
            let text =
                std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.into(), source })?;
            let overlay: Value =
                serde_yaml_ng::from_str(&text).map_err(|source| ConfigError::Yaml { path: path.into(), source })?;
            let origin = path.display().to_string();
            if !overlay.is_null() {
                check_keys(&defaults, &overlay, "", &origin)?;
                check_database_url_in_file(&overlay, &origin)?;
                merge(&mut merged, overlay);
            }
        }

        let mut env: Vec<(String, String)> = env.into_iter().filter(|(k, _)| k.starts_with(ENV_PREFIX)).collect();
        env.sort(); // deterministic order when two variables name the same key differently
        for (name, raw) in env {
            let path: Vec<String> = name[ENV_PREFIX.len()..].split("__").map(str::to_lowercase).collect();
            let key = path.join(".");
            if !key_exists(&defaults, &path) {
                return Err(ConfigError::UnknownKey { key, origin: format!("environment variable {name}") });
            }
            let value: Value = serde_yaml_ng::from_str(&raw).unwrap_or(Value::String(raw));
            set_path(&mut merged, &path, value);
        }

        if let Some(dir) = data_dir {
            set_path(&mut merged, &["data_dir".to_owned()], Value::String(dir.display().to_string()));
        }

        let config = deserialize(merged)?;
        config.validate()?;
        Ok(config)
    }

    /// Checks that serde cannot express: ranges, paths, cross-field rules.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_data_dir(&self.data_dir)?;
        let ingest = &self.ingest;
        if !(0.0..=1.0).contains(&ingest.max_rejected_share) {
            return Err(ConfigError::invalid("ingest.max_rejected_share", "must be between 0 and 1"));
        }
        if ingest.batch_rows < 1024 {
            return Err(ConfigError::invalid("ingest.batch_rows", "must be at least 1024"));
        }
        let cat = &ingest.catalogue;
        if cat.title_types.is_empty() {
            return Err(ConfigError::invalid("ingest.catalogue.title_types", "must name at least one title type"));
        }
        if cat.min_runtime_minutes > cat.max_runtime_minutes {
            return Err(ConfigError::invalid(
                "ingest.catalogue.min_runtime_minutes",
                format!("{} is above max_runtime_minutes {}", cat.min_runtime_minutes, cat.max_runtime_minutes),
            ));
        }
        if !(self.generate.scale > 0.0 && self.generate.scale <= 10.0) {
            return Err(ConfigError::invalid("generate.scale", "must be in (0, 10]"));
        }
        self.analyze.validate().map_err(|message| match message.split_once(": ") {
            Some((key, rest)) => ConfigError::invalid(key, rest),
            None => ConfigError::invalid("analyze", message),
        })?;
        let rec = &self.recommend;
        if !(1..=500).contains(&rec.neighbours) {
            return Err(ConfigError::invalid("recommend.neighbours", "must be between 1 and 500"));
        }
        if !(1..=100).contains(&rec.picks) {
            return Err(ConfigError::invalid("recommend.picks", "must be between 1 and 100"));
        }
        if rec.max_collaborative_items < 10 {
            return Err(ConfigError::invalid("recommend.max_collaborative_items", "must be at least 10"));
        }
        let ev = &rec.evaluation;
        if !(ev.test_share > 0.0 && ev.test_share < 1.0) {
            return Err(ConfigError::invalid("recommend.evaluation.test_share", "must be in (0, 1)"));
        }
        if ev.k == 0 {
            return Err(ConfigError::invalid("recommend.evaluation.k", "must be at least 1"));
        }
        if ev.folds == 1 {
            return Err(ConfigError::invalid("recommend.evaluation.folds", "must be 0 (skip) or at least 2"));
        }
        self.fetch.validate().map_err(|message| match message.split_once(": ") {
            Some((key, rest)) => ConfigError::invalid(key, rest),
            None => ConfigError::invalid("fetch", message),
        })?;
        self.database.validate()?;
        self.notify.validate().map_err(|message| match message.split_once(": ") {
            Some((key, rest)) => ConfigError::invalid(key, rest),
            None => ConfigError::invalid("notify", message),
        })?;
        self.serve.validate().map_err(|message| match message.split_once(": ") {
            Some((key, rest)) => ConfigError::invalid(key, rest),
            None => ConfigError::invalid("serve", message),
        })?;
        Ok(())
    }
}

fn deserialize(value: Value) -> Result<Config, ConfigError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let key = err.path().to_string();
        ConfigError::Invalid { key, message: err.into_inner().to_string() }
    })
}

/// A data directory must be a directory, or not exist yet under an existing directory we can create it in.
fn check_data_dir(dir: &Path) -> Result<(), ConfigError> {
    if dir.as_os_str().is_empty() {
        return Err(ConfigError::invalid("data_dir", "must not be empty"));
    }
    if dir.exists() {
        if !dir.is_dir() {
            return Err(ConfigError::invalid("data_dir", format!("{} exists and is not a directory", dir.display())));
        }
        return Ok(());
    }
    let mut ancestor = dir.parent();
    while let Some(a) = ancestor {
        if a.as_os_str().is_empty() || a.is_dir() {
            return Ok(());
        }
        if a.exists() {
            return Err(ConfigError::invalid(
                "data_dir",
                format!("{} cannot be created: {} is not a directory", dir.display(), a.display()),
            ));
        }
        ancestor = a.parent();
    }
    Ok(())
}

/// Every key of `overlay` must exist in `defaults`; lists are taken whole (their items are typed by serde).
fn check_keys(defaults: &Value, overlay: &Value, prefix: &str, origin: &str) -> Result<(), ConfigError> {
    let (Value::Mapping(base), Value::Mapping(over)) = (defaults, overlay) else {
        return Ok(());
    };
    for (k, v) in over {
        let name = k.as_str().map(str::to_owned).unwrap_or_else(|| format!("{k:?}"));
        let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        if SECRET_KEY_SUFFIXES.iter().any(|s| name.to_lowercase().ends_with(s)) {
            return Err(ConfigError::SecretInFile { key, origin: origin.to_owned() });
        }
        match base.get(k) {
            None => return Err(ConfigError::UnknownKey { key, origin: origin.to_owned() }),
            Some(b) => check_keys(b, v, &key, origin)?,
        }
    }
    Ok(())
}

fn key_exists(defaults: &Value, path: &[String]) -> bool {
    let mut node = defaults;
    for part in path {
        match node {
            Value::Mapping(m) => match m.get(part.as_str()) {
                Some(next) => node = next,
                None => return false,
            },
            _ => return false,
        }
    }
    true
}

/// Deep merge: mappings merge key by key, anything else is replaced.
fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Mapping(b), Value::Mapping(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

fn set_path(root: &mut Value, path: &[String], value: Value) {
    let mut node = root;
    for (i, part) in path.iter().enumerate() {
        if !node.is_mapping() {
            *node = Value::Mapping(Mapping::new());
        }
        let map = node.as_mapping_mut().expect("just made a mapping");
        let key = Value::String(part.clone());
        if i + 1 == path.len() {
            map.insert(key, value);
            return;
        }
        node = map.entry(key).or_insert(Value::Null);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_yaml(yaml: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("env.yaml");
        std::fs::write(&file, yaml).unwrap();
        let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        Config::load_from(Some(&file), env, Some(dir.path()))
    }

    #[test]
    fn the_embedded_defaults_are_valid() {
        let config = Config::load_from(None, Vec::new(), None).unwrap();
        assert_eq!(config.locale, Locale::Fr);
        assert_eq!(config.timezone, chrono_tz::Europe::Paris);
        assert_eq!(config.ingest.max_rejected_share, 0.01);
    }

    #[test]
    fn an_environment_file_overrides_only_its_keys() {
        let config = load_yaml("ingest:\n  catalogue:\n    min_votes: 500\n", &[]).unwrap();
        assert_eq!(config.ingest.catalogue.min_votes, 500);
        assert_eq!(config.ingest.catalogue.max_runtime_minutes, 300);
    }

    #[test]
    fn environment_variables_override_files() {
        let config = load_yaml(
            "locale: en\n",
            &[("CINEPICKS__INGEST__WORKERS", "3"), ("CINEPICKS__LOCALE", "fr"), ("OTHER", "x")],
        )
        .unwrap();
        assert_eq!(config.ingest.workers, 3);
        assert_eq!(config.locale, Locale::Fr);
    }

    #[test]
    fn an_unknown_key_in_a_file_is_named() {
        let err = load_yaml("ingest:\n  max_reject: 0.5\n", &[]).unwrap_err();
        assert!(err.to_string().contains("`ingest.max_reject`"), "{err}");
    }

    #[test]
    fn an_unknown_environment_key_is_named_with_its_variable() {
        let err = load_yaml("", &[("CINEPICKS__INGEST__NOPE", "1")]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("ingest.nope") && text.contains("CINEPICKS__INGEST__NOPE"), "{text}");
    }

    #[test]
    fn a_bad_timezone_is_named() {
        let err = load_yaml("timezone: Europe/Guéret\n", &[]).unwrap_err();
        assert!(err.to_string().contains("`timezone`"), "{err}");
    }

    #[test]
    fn a_bad_cron_expression_is_named() {
        let err = load_yaml("schedule:\n  nightly: \"0 61 2 * * *\"\n", &[]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("schedule.nightly") && text.contains("cron"), "{text}");
    }

    #[test]
    fn a_cron_expression_without_seconds_is_refused() {
        let err = load_yaml("schedule:\n  weekly_notify: \"0 10 * * Wed\"\n", &[]).unwrap_err();
        assert!(err.to_string().contains("schedule.weekly_notify"), "{err}");
    }

    #[test]
    fn a_data_dir_that_is_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain-file");
        std::fs::write(&file, "x").unwrap();
        let err = Config::load_from(None, Vec::new(), Some(&file)).unwrap_err();
        assert!(err.to_string().contains("`data_dir`"), "{err}");
    }

    #[test]
    fn secrets_are_refused_in_files() {
        let err = load_yaml("fetch:\n  api_token: abc\n", &[]).unwrap_err();
        assert!(matches!(err, ConfigError::SecretInFile { .. }), "{err}");
    }

    #[test]
    fn out_of_range_values_are_named() {
        let err = load_yaml("ingest:\n  max_rejected_share: 1.5\n", &[]).unwrap_err();
        assert!(err.to_string().contains("ingest.max_rejected_share"), "{err}");
    }

    #[test]
    fn a_database_password_in_a_file_is_refused() {
        let err = load_yaml("database:\n  url: postgres://cine:hunter2@db/cinepicks\n", &[]).unwrap_err();
        assert!(matches!(err, ConfigError::SecretInFile { .. }), "{err}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn a_database_password_from_the_environment_is_accepted_and_never_shown() {
        let url = "postgres://cine:hunter2@db/cinepicks";
        let config = load_yaml("", &[("CINEPICKS__DATABASE__URL", url)]).unwrap();
        assert_eq!(config.database.url, url);
        assert!(!format!("{:?}", config.database).contains("hunter2"));
        assert!(!serde_json::to_string(&config).unwrap().contains("hunter2"));
    }

    #[test]
    fn a_database_url_of_another_kind_is_named() {
        let err = load_yaml("database:\n  url: mysql://db/cinepicks\n", &[]).unwrap_err();
        assert!(err.to_string().contains("database.url"), "{err}");
    }

    #[test]
    fn the_production_example_is_valid() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/production.example.yaml");
        let dir = tempfile::tempdir().unwrap();
        Config::load_from(Some(&file), Vec::new(), Some(dir.path())).unwrap();
    }
}
