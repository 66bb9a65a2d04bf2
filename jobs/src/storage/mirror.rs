//! The data folder's copies of shared versions: `<data_dir>/mirror/<area>/<version>/`, downloaded once and never
//! changed (a version is immutable), and the drafts a writing stage fills before its commit.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use super::Area;
use super::remote::{Committed, Remote};
use crate::context::DataPaths;

/// Mirrored versions kept per area, the newest ones, besides those in use.
const KEEP_LOCAL: usize = 2;

/// The folder of an area's mirrors.
fn area_dir(paths: &DataPaths, area: Area) -> PathBuf {
    paths.root.join("mirror").join(area.name())
}

/// A version folder in use by this process: a shared lock on `.<version>.lock` beside it, which keeps other
/// processes' pruning away from it until dropped (the OS releases it if the process dies).
pub struct InUse {
    _lock: File,
}

impl InUse {
    fn take(dir: &Path, version: &str) -> Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = lock_path(dir, version);
        let file = File::create(&path).with_context(|| format!("opening {}", path.display()))?;
        file.lock_shared().with_context(|| format!("locking {}", path.display()))?;
        Ok(Self { _lock: file })
    }
}

fn lock_path(dir: &Path, version: &str) -> PathBuf {
    dir.join(format!(".{version}.lock"))
}

/// The local folder of the current version, downloaded when not mirrored yet (an empty folder before the first
/// commit), held in use until the returned guard drops.
pub fn pull(paths: &DataPaths, remote: &Remote, current: Option<&Committed>) -> Result<(PathBuf, Option<InUse>)> {
    let dir = area_dir(paths, remote.area());
    let Some(current) = current else {
        let empty = dir.join("empty");
        std::fs::create_dir_all(&empty).with_context(|| format!("creating {}", empty.display()))?;
        return Ok((empty, None));
    };
    let name = &current.manifest.version;
    // Locked before looking: a folder seen here is not pruned under us.
    let in_use = InUse::take(&dir, name)?;
    let version = dir.join(name);
    if !version.is_dir() {
        // A folder of its own per download: two threads or processes copying the same version never share one.
        let partial = dir.join(format!(".partial-{name}-{}-{:08x}", std::process::id(), rand::random::<u32>()));
        std::fs::create_dir_all(&partial).with_context(|| format!("creating {}", partial.display()))?;
        let bytes: u64 = current.manifest.files.values().map(|f| f.bytes).sum();
        tracing::info!(area = remote.area().name(), version = %name, files = current.manifest.files.len(), bytes, "copying the current version");
        if let Err(e) = remote.download(&current.manifest, &partial) {
            let _ = std::fs::remove_dir_all(&partial);
            return Err(e);
        }
        // Another thread or process may have mirrored the same version meanwhile: theirs is as good.
        if std::fs::rename(&partial, &version).is_err() && version.is_dir() {
            std::fs::remove_dir_all(&partial)?;
        }
        anyhow::ensure!(version.is_dir(), "could not move the copy of {} into place", version.display());
    }
    prune(&dir);
    Ok((version, Some(in_use)))
}

/// Removes mirrored versions beyond the newest [`KEEP_LOCAL`] (names sort by time) that no process holds in use;
/// a failure only leaves a folder behind.
fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut versions: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| super::manifest::version_time(name).is_some())
        .collect();
    versions.sort();
    let cut = versions.len().saturating_sub(KEEP_LOCAL);
    for old in &versions[..cut] {
        let Ok(lock) = File::create(lock_path(dir, old)) else { continue };
        if lock.try_lock().is_err() {
            continue;
        }
        match std::fs::remove_dir_all(dir.join(old)) {
            Ok(()) => _ = std::fs::remove_file(lock_path(dir, old)),
            Err(e) => {
                tracing::warn!(folder = %dir.join(old).display(), error = %e, "could not remove an old mirrored version")
            }
        }
    }
}

/// A writing stage's folder, already named after the version it will become (so that what the stage reports is
/// where its output stays): the current version's files, hard-linked (stages replace files through a rename and
/// never write into one, so the mirror stays intact), then whatever the stage writes. Nobody reads it before the
/// commit makes that version current; dropped unkept, it is removed.
pub struct Draft {
    pub version: String,
    dir: PathBuf,
    base: PathBuf,
    kept: bool,
    _in_use: InUse,
}

impl Draft {
    pub fn start(paths: &DataPaths, area: Area, from: &Path, version: String) -> Result<Self> {
        let area_dir = area_dir(paths, area);
        let in_use = InUse::take(&area_dir, &version)?;
        let dir = area_dir.join(&version);
        link_tree(from, &dir).with_context(|| format!("preparing {} from {}", dir.display(), from.display()))?;
        Ok(Self { version, dir, base: from.to_path_buf(), kept: false, _in_use: in_use })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The local copy of the version the draft started from.
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// Keeps the draft as the mirror of its version, now committed, and prunes the older ones.
    pub fn keep(mut self) {
        self.kept = true;
        if let Some(area_dir) = self.dir.parent() {
            prune(area_dir);
        }
    }
}

impl Drop for Draft {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Recreates the tree of `from` at `to` with hard links (copies where the file system refuses links).
fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            link_tree(&entry.path(), &target)?;
        } else if std::fs::hard_link(entry.path(), &target).is_err() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
