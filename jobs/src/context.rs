//! What every job receives: validated configuration, the data folders, the clock and the dry-run flag.

use std::collections::BTreeMap;
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::JobsConfig;

/// Shared, read-only state of one invocation (CLI command, daemon tick or test).
#[derive(Clone)]
pub struct Context {
    pub config: Arc<JobsConfig>,
    pub paths: DataPaths,
    /// Plan and report, but write nothing outside temporary folders.
    pub dry_run: bool,
    pub clock: Arc<dyn Clock>,
}

impl Context {
    pub fn new(config: JobsConfig, dry_run: bool) -> Self {
        let paths = DataPaths::new(&config.data_dir);
        Self { config: Arc::new(config), paths, dry_run, clock: Arc::new(SystemClock) }
    }

    /// The same context with another clock (tests, replays).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

/// The folders under the data directory; their names are part of the public contract.
#[derive(Debug, Clone)]
pub struct DataPaths {
    pub root: PathBuf,
    pub raw: PathBuf,
    pub lake: PathBuf,
    pub quarantine: PathBuf,
    pub marts: PathBuf,
    pub models: PathBuf,
    pub outbox: PathBuf,
    pub runs: PathBuf,
}

impl DataPaths {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            raw: root.join("raw"),
            lake: root.join("lake"),
            quarantine: root.join("quarantine"),
            marts: root.join("marts"),
            models: root.join("models"),
            outbox: root.join("outbox"),
            runs: root.join("runs"),
        }
    }

    /// Takes `runs/<name>.lock`, which keeps two processes (the daemon and a command) from running the same
    /// job on this data folder at once; `None` when another process holds it. The OS releases it when the
    /// returned file closes, even if the process is killed.
    pub fn try_lock(&self, name: &str) -> anyhow::Result<Option<File>> {
        std::fs::create_dir_all(&self.runs).with_context(|| format!("creating {}", self.runs.display()))?;
        let path = self.lock_path(name);
        let file = File::create(&path).with_context(|| format!("opening the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(file)),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(err)) => Err(err).with_context(|| format!("locking {}", path.display())),
        }
    }

    /// [`Self::try_lock`] for a command: an error saying who holds the lock when another process does.
    pub fn lock(&self, name: &str) -> anyhow::Result<File> {
        self.try_lock(name)?.with_context(|| {
            format!(
                "another {name} run is going on in this data folder (it holds {}): wait for it to end",
                self.lock_path(name).display()
            )
        })
    }

    pub fn lock_path(&self, name: &str) -> PathBuf {
        self.runs.join(format!("{name}.lock"))
    }
}

/// Wall-clock time, injected so that tests and replays control "now".
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant (tests, and replays through `CINEPICKS_NOW`).
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// What every job returns: a typed report that the command line prints for people (its `Display`) and whose
/// figures the daemon keeps with the run in job_runs ([`Report::metrics`]). Jobs print nothing themselves.
pub trait Report: std::fmt::Display {
    fn metrics(&self) -> Metrics;

    /// Remarks for the person who asked, apart from the answer (the command line prints them on stderr).
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Named figures a job reports (rows written, seconds, files fetched...), stored with the run and logged.
#[derive(Debug, Default, Clone, Serialize)]
#[serde(transparent)]
pub struct Metrics(pub BTreeMap<String, serde_json::Value>);

impl Metrics {
    pub fn insert(&mut self, key: impl Into<String>, value: impl Serialize) {
        let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        self.0.insert(key.into(), value);
    }

    pub fn get(&self, key: &str) -> Option<&serde_json::Value> {
        self.0.get(key)
    }
}

/// Jobs whose figures say it all (fetch, the daemon) report them as an aligned two-column table.
impl Report for Metrics {
    fn metrics(&self) -> Metrics {
        self.clone()
    }
}

impl std::fmt::Display for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let width = self.0.keys().map(String::len).max().unwrap_or(0);
        for (key, value) in &self.0 {
            match value {
                serde_json::Value::String(s) => writeln!(f, "  {key:width$}  {s}")?,
                other => writeln!(f, "  {key:width$}  {other}")?,
            }
        }
        Ok(())
    }
}
