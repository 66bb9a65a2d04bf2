//! Which model run folder (`<data-dir>/models/<run-id>`) holds which model: the newest complete one of each.

use std::path::{Path, PathBuf};

use cinepicks_pipeline::audience::model;
use cinepicks_pipeline::popularity::artefacts;
use cinepicks_pipeline::recommend::artefacts::newest_run;

/// The newest complete run that holds a popularity model.
pub fn latest_popularity(models: &Path) -> Option<PathBuf> {
    newest_run(models, |p| p.join(artefacts::DIR).join(artefacts::SPEC).exists())
}

/// The newest complete run that holds an audience model.
pub fn latest_audience(models: &Path) -> Option<PathBuf> {
    newest_run(models, |p| p.join(model::DIR).join(model::SPEC).exists())
}
