//! The file outboxes used when no mail server or SMS gateway is configured: one `.eml` file per e-mail under
//! `outbox/email/<week>/`, one JSON line per SMS in `outbox/sms/<week>.jsonl`. Their files hold live links
//! (unsubscribe, confirmation, picks): only their owner may read them (mode 0600).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context as _, Result};

/// A JSON-lines file that SMS are appended to, one whole line per write. The file is opened for each line, so
/// that an erasure rewriting it (taking a person's lines out) is never written past by a long-running sender.
pub struct JsonLines {
    path: PathBuf,
    lock: Mutex<()>,
}

impl JsonLines {
    pub fn open(path: PathBuf) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let lines = Self { path, lock: Mutex::new(()) };
        // Created private, and an older file made private too (it holds live links).
        drop(lines.file()?);
        std::fs::set_permissions(&lines.path, std::fs::Permissions::from_mode(PRIVATE))
            .with_context(|| format!("restricting {}", lines.path.display()))?;
        Ok(lines)
    }

    fn file(&self) -> Result<File> {
        OpenOptions::new()
            .create(true)
            .append(true)
            .mode(PRIVATE)
            .open(&self.path)
            .with_context(|| format!("opening {}", self.path.display()))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record as a line (a single `write` of the whole line, so lines never interleave).
    pub fn append(&self, record: &serde_json::Value) -> Result<()> {
        let mut line = serde_json::to_vec(record)?;
        line.push(b'\n');
        let _one_at_a_time = self.lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.file()?.write_all(&line).with_context(|| format!("appending to {}", self.path.display()))
    }

    /// Takes the lines whose record matches out of the file at `path` (rewritten atomically); returns how many.
    pub fn remove_lines(path: &Path, matches: impl Fn(&serde_json::Value) -> bool) -> Result<usize> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let theirs = |line: &str| serde_json::from_str::<serde_json::Value>(line).is_ok_and(|v| matches(&v));
        let kept: Vec<&str> = text.lines().filter(|line| !theirs(line)).collect();
        let removed = text.lines().count() - kept.len();
        if removed > 0 {
            let mut rewritten = kept.join("\n");
            if !rewritten.is_empty() {
                rewritten.push('\n');
            }
            write_private(path, rewritten.as_bytes())?;
        }
        Ok(removed)
    }
}

/// Read and write for the owner only.
const PRIVATE: u32 = 0o600;

/// Writes `bytes` to `path` readable by its owner only, atomically (a temporary file renamed over it): a reader
/// never sees half a message, and a crash leaves the old file or none.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(PRIVATE)
        .open(&tmp)
        .with_context(|| format!("creating {}", tmp.display()))?;
    file.write_all(bytes).with_context(|| format!("writing {}", tmp.display()))?;
    drop(file);
    std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outbox_files_are_readable_by_their_owner_only() {
        let dir = std::env::temp_dir().join(format!("cinepicks-outbox-{}", std::process::id()));
        let eml = dir.join("email/2026-W49/1.eml");
        write_private(&eml, b"Subject: x").unwrap();
        let sms = JsonLines::open(dir.join("sms/2026-W49.jsonl")).unwrap();
        sms.append(&serde_json::json!({"to": "+33600000001"})).unwrap();
        for path in [eml, sms.path().to_path_buf()] {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", path.display());
        }
        assert_eq!(std::fs::read(dir.join("email/2026-W49/1.eml")).unwrap(), b"Subject: x");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
