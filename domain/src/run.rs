//! `run.json`, the manifest of a model run (`<data-dir>/models/<run-id>/run.json`): the contract between
//! training, which writes it last (so a folder without it is incomplete), and everything that reads runs.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a training run holds and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunManifest {
    /// The run folder's name; run ids sort by time.
    pub run_id: String,
    pub created_at: DateTime<Utc>,
    pub status: RunStatus,
    /// The model kinds trained (`recommender`, `popularity`, `audience`).
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Per kind, the parameters it was trained with.
    #[serde(default)]
    pub parameters: BTreeMap<String, serde_json::Value>,
    /// Per kind, its offline metrics.
    #[serde(default)]
    pub metrics: BTreeMap<String, serde_json::Value>,
    /// Lake table → fingerprint of the file it was trained on.
    #[serde(default)]
    pub data_hashes: BTreeMap<String, String>,
    /// Artefact name → file name inside the run folder.
    #[serde(default)]
    pub artefacts: BTreeMap<String, String>,
}

/// Only a finished run gets a manifest; the status keeps room for runs recorded otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Succeeded,
    Failed,
}

impl RunManifest {
    /// The manifest's file name inside a run folder.
    pub const FILE: &'static str = "run.json";

    /// A succeeded run that trained `kind`.
    pub fn holds(&self, kind: &str) -> bool {
        self.status == RunStatus::Succeeded && self.kinds.iter().any(|k| k == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_what_training_wrote_and_tells_its_kinds() {
        let text = r#"{"run_id":"20261206T101500","created_at":"2026-12-06T10:15:00Z","status":"succeeded",
            "kinds":["recommender","popularity"],"parameters":{"recommender":{"k":50}},"metrics":{},
            "data_hashes":{"titles":"sha256:00"},"artefacts":{"similar_films":"similar_films.parquet"}}"#;
        let manifest: RunManifest = serde_json::from_str(text).unwrap();
        assert!(manifest.holds("popularity") && !manifest.holds("audience"));
        let again: RunManifest = serde_json::from_str(&serde_json::to_string(&manifest).unwrap()).unwrap();
        assert_eq!(again, manifest);
        let failed = RunManifest { status: RunStatus::Failed, ..manifest };
        assert!(!failed.holds("recommender"));
    }

    #[test]
    fn an_unknown_status_is_refused() {
        let text = r#"{"run_id":"x","created_at":"2026-12-06T10:15:00Z","status":"half-done"}"#;
        assert!(serde_json::from_str::<RunManifest>(text).is_err());
    }
}
