//! The lake, the marts and the model runs on shared object storage (S3-compatible, or a `file://` folder that
//! several machines mount): each write is a new version, made current by one small manifest object, and the
//! stages work on a mirror of the current version in the data folder.
//!
//! Objects cannot be renamed, so the atomic renames the stages rely on locally become, on the store: write every
//! file of the new version under its own prefix, then replace `_current.json` (the commit). A reader follows
//! `_current.json` to one version and never sees a half-written one. Without a URL an area is the local folder
//! it always was, and nothing here runs.

mod manifest;
mod mirror;
mod remote;

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use cinepicks_domain::InvalidConfig;

use crate::context::{Context, DataPaths};
pub use manifest::{FileEntry, Manifest, new_version};
pub use remote::{Committed, Location, Remote};

/// The folders of the data directory that may live on shared storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Typed Parquet tables written by `ingest`.
    Lake,
    /// The answers of `analyze` and its report.
    Marts,
    /// The model runs of `train`.
    Models,
}

impl Area {
    pub const ALL: [Area; 3] = [Area::Lake, Area::Marts, Area::Models];

    pub fn name(self) -> &'static str {
        match self {
            Area::Lake => "lake",
            Area::Marts => "marts",
            Area::Models => "models",
        }
    }

    /// The local folder that holds the area (or, with a URL, the mirror a stage works on).
    fn folder(self, paths: &mut DataPaths) -> &mut PathBuf {
        match self {
            Area::Lake => &mut paths.lake,
            Area::Marts => &mut paths.marts,
            Area::Models => &mut paths.models,
        }
    }
}

/// The configuration's `data` section: where the areas live when not in `data_dir`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    /// `s3://bucket/prefix` or `file:///shared/folder`; empty: `<data_dir>/lake`.
    pub lake_url: String,
    /// Same for the marts; empty: `<data_dir>/marts`.
    pub marts_url: String,
    /// Same for the model runs; empty: `<data_dir>/models`.
    pub models_url: String,
    /// Versions of each area kept on the store, the current one included (older ones are deleted an hour after
    /// they stopped being current, so a reader still copying one finishes).
    pub keep_versions: u32,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self { lake_url: String::new(), marts_url: String::new(), models_url: String::new(), keep_versions: 3 }
    }
}

impl StorageConfig {
    /// The area's location, `None` for the local folder.
    pub fn location(&self, area: Area) -> Option<&str> {
        let url = match area {
            Area::Lake => &self.lake_url,
            Area::Marts => &self.marts_url,
            Area::Models => &self.models_url,
        };
        Some(url.trim()).filter(|u| !u.is_empty())
    }

    pub fn validate(&self) -> Result<(), InvalidConfig> {
        for area in Area::ALL {
            if let Some(url) = self.location(area) {
                Location::parse(url).map_err(|why| InvalidConfig::new(format!("data.{}_url", area.name()), why))?;
            }
        }
        if self.keep_versions < 2 {
            return Err(InvalidConfig::new(
                "data.keep_versions",
                "must be at least 2 (the current version and the one readers may still be on)",
            ));
        }
        Ok(())
    }
}

/// Runs a stage on the current versions of the areas it `reads` and `writes`, then commits a new version of each
/// area it wrote (none when nothing changed, or when the stage failed: the store keeps the version it had).
/// Areas without a URL are the local folders, used in place.
pub fn with_areas<T>(
    ctx: &Context,
    reads: &[Area],
    writes: &[Area],
    stage: impl FnOnce(&Context) -> Result<T>,
) -> Result<T> {
    let shared = |areas: &[Area]| -> Vec<Area> {
        areas.iter().copied().filter(|a| ctx.config.data.location(*a).is_some()).collect()
    };
    let (reads, writes) = (shared(reads), shared(writes));
    if reads.is_empty() && writes.is_empty() {
        return stage(ctx);
    }
    let mut local = ctx.clone();
    let mut drafts = Vec::new();
    // Held until the stage ends: other processes on this machine do not prune the versions it reads.
    let mut in_use = Vec::new();
    for area in reads.iter().chain(&writes) {
        let remote = open(ctx, *area)?;
        let current = remote.current()?;
        let (version, guard) = mirror::pull(&ctx.paths, &remote, current.as_ref())?;
        in_use.extend(guard);
        if writes.contains(area) && !ctx.dry_run {
            let after = current.as_ref().map(|c| c.manifest.version.as_str());
            let draft =
                mirror::Draft::start(&ctx.paths, *area, &version, manifest::new_version(ctx.clock.now(), after))?;
            *area.folder(&mut local.paths) = draft.dir().to_path_buf();
            drafts.push((remote, current, draft));
        } else {
            *area.folder(&mut local.paths) = version;
        }
    }
    // A failed stage drops its drafts (their folders are removed): nothing reaches the store.
    let out = stage(&local)?;
    for (remote, current, draft) in drafts {
        let committed = remote
            .commit(draft.dir(), current.as_ref(), Some(draft.base()), &draft.version, ctx.clock.now())
            .with_context(|| format!("saving the {} to {}", remote.area().name(), remote.location()))?;
        match committed {
            Some(manifest) => {
                tracing::info!(area = remote.area().name(), version = %manifest.version, files = manifest.files.len(), location = %remote.location(), "new version committed");
                draft.keep();
                // The version is committed: old ones left behind (no right to delete, the store unreachable) are
                // collected by the next commit.
                if let Err(e) = remote.collect_garbage(ctx.config.data.keep_versions, ctx.clock.now()) {
                    tracing::warn!(area = remote.area().name(), error = format!("{e:#}"), "old versions not collected");
                }
            }
            None => tracing::info!(area = remote.area().name(), "unchanged: no new version"),
        }
    }
    Ok(out)
}

/// The context with `areas` pointing at mirrors of their current versions, for a reader that keeps running (the
/// web server loading its models).
pub fn pull(ctx: &Context, areas: &[Area]) -> Result<Context> {
    with_areas(ctx, areas, &[], |local| Ok(local.clone()))
}

/// The files of an area's current version, without copying them; `None` for an area in the data folder.
pub fn current_files(ctx: &Context, area: Area) -> Result<Option<Vec<String>>> {
    if ctx.config.data.location(area).is_none() {
        return Ok(None);
    }
    let current = open(ctx, area)?.current()?;
    Ok(Some(current.map(|c| c.manifest.files.into_keys().collect()).unwrap_or_default()))
}

/// An area on object storage as `cinepicks status` shows it.
pub struct AreaStatus {
    pub area: Area,
    pub location: String,
    /// The current version's manifest (`None` before the first commit), or why it could not be read.
    pub current: Result<Option<Manifest>, String>,
}

/// The areas that have a URL, each with its current version.
pub fn status(ctx: &Context) -> Vec<AreaStatus> {
    Area::ALL
        .into_iter()
        .filter_map(|area| {
            let location = ctx.config.data.location(area)?.to_owned();
            let current = open(ctx, area)
                .and_then(|remote| remote.current())
                .map(|c| c.map(|c| c.manifest))
                // The context and the root cause: the layers between repeat themselves.
                .map_err(|e| format!("{e}: {}", e.root_cause()));
            Some(AreaStatus { area, location, current })
        })
        .collect()
}

/// The store of an area that has a URL.
fn open(ctx: &Context, area: Area) -> Result<Remote> {
    let url = ctx.config.data.location(area).expect("only areas with a URL are opened");
    Remote::open(area, url).with_context(|| format!("opening data.{}_url {url}", area.name()))
}
