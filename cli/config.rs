//! The whole configuration, assembled here only: the built-in defaults, then an environment file, then
//! `CINEPICKS__…` variables, then `--data-dir`; each section validated by the crate that owns it.

use std::path::{Path, PathBuf};

use cinepicks_domain::InvalidConfig;
use cinepicks_jobs::config::JobsConfig;
use cinepicks_web::ServeConfig;
use serde::Serialize;
use serde_yaml_ng::{Mapping, Value};

/// The built-in defaults; `config/default.yaml` documents every key.
pub const DEFAULT_YAML: &str = include_str!("../config/default.yaml");

/// Prefix of environment variables that override keys (`CINEPICKS__INGEST__WORKERS=2`).
pub const ENV_PREFIX: &str = "CINEPICKS__";

/// Key names that must never come from a file: secrets are read from the environment only.
const SECRET_KEY_SUFFIXES: [&str; 3] = ["password", "token", "secret"];

/// Every section: the jobs' (stages, store, notifier, schedule) and the web site's (`serve`).
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    #[serde(flatten)]
    pub jobs: JobsConfig,
    pub serve: ServeConfig,
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
    /// A value refused by the section's owner (the jobs or the web site), or by its type.
    #[error(transparent)]
    Invalid(#[from] InvalidConfig),
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
        config.jobs.validate()?;
        config.serve.validate()?;
        Ok(config)
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

/// The `serve` section goes to the web site, the rest to the jobs; a type error names the full key.
fn deserialize(mut value: Value) -> Result<Config, ConfigError> {
    let serve = value.as_mapping_mut().and_then(|m| m.remove("serve")).unwrap_or(Value::Null);
    Ok(Config { jobs: typed(value, "")?, serve: typed(serve, "serve.")? })
}

fn typed<T: serde::de::DeserializeOwned>(value: Value, prefix: &str) -> Result<T, ConfigError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let key = format!("{prefix}{}", err.path()).trim_end_matches('.').to_owned();
        ConfigError::Invalid(InvalidConfig::new(key, err.into_inner()))
    })
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
    use cinepicks_domain::Language;

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
        assert_eq!(config.jobs.locale, Language::Fr);
        assert_eq!(config.jobs.timezone, chrono_tz::Europe::Paris);
        assert_eq!(config.jobs.ingest.max_rejected_share, 0.01);
    }

    #[test]
    fn an_environment_file_overrides_only_its_keys() {
        let config = load_yaml("ingest:\n  catalogue:\n    min_votes: 500\n", &[]).unwrap();
        assert_eq!(config.jobs.ingest.catalogue.min_votes, 500);
        assert_eq!(config.jobs.ingest.catalogue.max_runtime_minutes, 300);
    }

    #[test]
    fn environment_variables_override_files() {
        let config = load_yaml(
            "locale: en\n",
            &[("CINEPICKS__INGEST__WORKERS", "3"), ("CINEPICKS__LOCALE", "fr"), ("OTHER", "x")],
        )
        .unwrap();
        assert_eq!(config.jobs.ingest.workers, 3);
        assert_eq!(config.jobs.locale, Language::Fr);
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
        assert_eq!(config.jobs.database.url, url);
        assert!(!format!("{:?}", config.jobs.database).contains("hunter2"));
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

    #[test]
    fn the_default_configuration_gives_the_pipelines_default_analyze_parameters() {
        let params = Config::embedded_default().jobs.analyze.params();
        assert_eq!(params, cinepicks_pipeline::analyze::AnalyzeParams::default());
    }

    #[test]
    fn a_prior_quantile_outside_zero_and_one_is_refused_naming_its_key() {
        let err = load_yaml("analyze:\n  prior_votes_quantile: 1.5\n", &[]).unwrap_err();
        assert!(err.to_string().contains("analyze.prior_votes_quantile"), "{err}");
    }
}
