//! The manifest of one version of an area: its files with their sizes and hashes and, for Parquet tables, the
//! row count and columns that other engines check what they read against.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use cinepicks_pipeline::lake::{TableShape, table_shape};

/// `_current.json` (the commit) and `manifests/<version>.json` (the history) both hold one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// `lake`, `marts` or `models`.
    pub area: String,
    /// Sortable by time: `20261207T153012.345Z-1a2b3c`.
    pub version: String,
    pub committed_at: DateTime<Utc>,
    /// The version this one replaced.
    pub previous: Option<String>,
    /// Folder of the version's objects under the area's location: `v/<version>`.
    pub prefix: String,
    /// Path inside the area (`titles.parquet`, `20261207T020000Z/run.json`) → what it holds.
    pub files: BTreeMap<String, FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    pub bytes: u64,
    pub sha256: String,
    /// For a `.parquet` file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<TableShape>,
}

impl Manifest {
    /// The object key of a file of this version, under the area's location.
    pub fn key(&self, file: &str) -> String {
        format!("{}/{file}", self.prefix)
    }

    /// Whether `files` are exactly this version's (same paths and contents).
    pub fn holds_same(&self, files: &BTreeMap<String, FileEntry>) -> bool {
        self.files.len() == files.len()
            && self.files.iter().zip(files).all(|((pa, a), (pb, b))| pa == pb && a.sha256 == b.sha256)
    }
}

/// A new version's id from the time it is started, with random digits so that two writers never share one. It
/// sorts after `after` (the version it replaces) even when the clock says otherwise (a clock set back, a fixed
/// clock in replays), so that names order the versions.
pub fn new_version(now: DateTime<Utc>, after: Option<&str>) -> String {
    // Names keep milliseconds: compare at that precision.
    let now = chrono::SubsecRound::trunc_subsecs(now, 3);
    let time = match after.and_then(version_time) {
        Some(previous) if previous >= now => previous + chrono::Duration::milliseconds(1),
        _ => now,
    };
    format!("{}-{:06x}", time.format("%Y%m%dT%H%M%S%.3fZ"), rand::random::<u32>() & 0xff_ffff)
}

/// When a version was started, read back from its id (`None` for a name that is not one).
pub fn version_time(version: &str) -> Option<DateTime<Utc>> {
    let stamp = version.split('-').next()?;
    chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S%.3fZ").ok().map(|t| t.and_utc())
}

/// Every file under `dir` (hidden files and folders, which are temporary or unfinished, left out), with its
/// entry; keys use `/` whatever the platform. A file that is the very file (a hard link) of the same path in
/// `known`'s folder keeps that version's entry instead of being read again: a draft's unchanged files (stages
/// replace files by a rename, never write into one).
pub fn list_files(
    dir: &Path,
    known: Option<(&Path, &BTreeMap<String, FileEntry>)>,
) -> Result<BTreeMap<String, FileEntry>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).with_context(|| format!("listing {}", folder.display()))? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if entry.file_type()?.is_dir() {
                pending.push(path);
                continue;
            }
            let relative =
                path.strip_prefix(dir)?.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>();
            let relative = relative.join("/");
            let unchanged = known.and_then(|(folder, entries)| {
                let entry = entries.get(&relative)?;
                same_file(&path, &folder.join(&relative)).then(|| entry.clone())
            });
            let entry = match unchanged {
                Some(entry) => entry,
                None => describe(&path)?,
            };
            files.insert(relative, entry);
        }
    }
    Ok(files)
}

/// Whether two paths are links to one file (same device and inode).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Size, SHA-256 and, for Parquet, the table's shape.
fn describe(path: &Path) -> Result<FileEntry> {
    let mut file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    let mut bytes = 0;
    loop {
        let n = file.read(&mut buffer).with_context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
    let table = match path.extension().is_some_and(|e| e == "parquet") {
        true => Some(table_shape(path)?),
        false => None,
    };
    Ok(FileEntry { bytes, sha256: hex::encode(hasher.finalize()), table })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_linked_from_the_base_copy_keep_its_entries_and_others_are_read() {
        let (base, draft) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::write(base.path().join("linked.txt"), "same").unwrap();
        std::fs::write(base.path().join("copied.txt"), "same").unwrap();
        std::fs::hard_link(base.path().join("linked.txt"), draft.path().join("linked.txt")).unwrap();
        std::fs::copy(base.path().join("copied.txt"), draft.path().join("copied.txt")).unwrap();
        // The base's entries as its manifest recorded them (a marker hash shows which were taken over unread).
        let recorded = FileEntry { bytes: 4, sha256: "recorded".into(), table: None };
        let known: BTreeMap<String, FileEntry> =
            [("linked.txt".into(), recorded.clone()), ("copied.txt".into(), recorded.clone())].into();
        let files = list_files(draft.path(), Some((base.path(), &known))).unwrap();
        assert_eq!(files["linked.txt"], recorded, "a hard link to the base's file is not read again");
        assert_eq!(files["copied.txt"].sha256, hex::encode(Sha256::digest(b"same")), "a copy is read");
        assert_eq!(list_files(draft.path(), None).unwrap()["linked.txt"].sha256, files["copied.txt"].sha256);
    }
}
