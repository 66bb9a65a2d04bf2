//! One area on an object store through the `object_store` crate: read the current manifest, download a version,
//! commit a new one with a conditional write, and delete the versions nobody reads any more.
//!
//! Layout under the area's location: `_current.json` (the manifest of the current version: the commit point),
//! `manifests/<version>.json` (every committed version's manifest) and `v/<version>/<file>` (its files).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Duration, Utc};
use futures::{StreamExt as _, TryStreamExt as _};
use indicatif::ProgressBar;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt as _, PutMode, PutOptions, PutPayload, UpdateVersion};
use sha2::{Digest as _, Sha256};
use tokio::io::AsyncWriteExt as _;

use super::Area;
use super::manifest::{self, FileEntry, Manifest};
use crate::progress::{ProgressUnit, progress_bar};

/// Files copied or uploaded at once.
const PARALLEL_TRANSFERS: usize = 4;

/// How long a version that stopped being current stays readable, beyond `keep_versions`: a reader that
/// followed `_current.json` just before a commit has that long to copy it.
const READERS_GRACE: Duration = Duration::hours(1);

/// Where an area lives, parsed from `data.<area>_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `s3://bucket/prefix`: credentials, region and endpoint from the standard AWS_* variables.
    S3 { bucket: String, prefix: String },
    /// `file:///folder` (absolute): a folder several machines mount.
    Folder(PathBuf),
}

impl Location {
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(format!("{url} names no bucket (s3://bucket/prefix)"));
            }
            return Ok(Location::S3 { bucket: bucket.to_owned(), prefix: prefix.trim_matches('/').to_owned() });
        }
        if let Some(path) = url.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err(format!("{url} is not an absolute file:// URL (file:///srv/cinepicks/lake)"));
            }
            return Ok(Location::Folder(PathBuf::from(path)));
        }
        Err(format!("{url} is neither s3://bucket/prefix nor file:///folder (leave it empty for the data folder)"))
    }
}

/// The current version as read, with the tag a commit must find unchanged.
#[derive(Debug, Clone)]
pub struct Committed {
    pub manifest: Manifest,
    e_tag: Option<String>,
}

/// One area's store.
pub struct Remote {
    area: Area,
    url: String,
    store: Arc<dyn ObjectStore>,
    root: Key,
    /// For a `file://` location: its folder, whose emptied directories a deletion leaves behind.
    folder: Option<PathBuf>,
    /// What keys are relative to, for messages: `s3://bucket` or `file:///folder`.
    store_url: String,
}

impl Remote {
    pub fn open(area: Area, url: &str) -> Result<Self> {
        Self::open_with(area, url, &[])
    }

    /// [`Self::open`] with S3 settings (`aws_endpoint`, `aws_access_key_id`…) over the environment's.
    pub fn open_with(area: Area, url: &str, settings: &[(&str, &str)]) -> Result<Self> {
        let location = Location::parse(url).map_err(anyhow::Error::msg)?;
        let (folder, store_url) = match &location {
            Location::Folder(dir) => (Some(dir.clone()), format!("file://{}", dir.display())),
            Location::S3 { bucket, .. } => (None, format!("s3://{bucket}")),
        };
        let (store, root): (Arc<dyn ObjectStore>, Key) = match location {
            Location::S3 { bucket, prefix } => {
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
                for (key, value) in settings {
                    builder = builder.with_config(key.parse()?, *value);
                }
                let store = builder.build()?;
                (Arc::new(store), Key::from(prefix))
            }
            Location::Folder(dir) => {
                // Never created here: a share that is not mounted would otherwise become one machine's folder.
                anyhow::ensure!(
                    dir.is_dir(),
                    "{} does not exist: create it, or mount the shared folder",
                    dir.display()
                );
                (Arc::new(LocalFileSystem::new_with_prefix(&dir)?), Key::default())
            }
        };
        Ok(Self { area, url: url.to_owned(), store, root, folder, store_url })
    }

    pub fn area(&self) -> Area {
        self.area
    }

    pub fn location(&self) -> &str {
        &self.url
    }

    /// An object's full URL, for messages.
    fn url_of(&self, key: &Key) -> String {
        format!("{}/{key}", self.store_url)
    }

    fn key(&self, relative: &str) -> Key {
        relative.split('/').fold(self.root.clone(), |key, part| key.join(part))
    }

    /// The current version, `None` before the first commit.
    pub fn current(&self) -> Result<Option<Committed>> {
        block_on(async {
            let current = self.key(CURRENT);
            let got = match self.store.get(&current).await {
                Ok(got) => got,
                Err(object_store::Error::NotFound { .. }) => {
                    // Nothing committed yet, or no such bucket: a listing tells them apart before any work.
                    let listed = self.store.list_with_delimiter(Some(&self.root)).await;
                    listed.with_context(|| format!("listing {}", self.url))?;
                    return Ok(None);
                }
                Err(e) => return Err(e).with_context(|| format!("reading {}", self.url_of(&current))),
            };
            let e_tag = got.meta.e_tag.clone();
            let bytes = got.bytes().await?;
            let manifest: Manifest = serde_json::from_slice(&bytes)
                .with_context(|| format!("{} is not a cinepicks manifest", self.url_of(&current)))?;
            Ok(Some(Committed { manifest, e_tag }))
        })
    }

    /// Copies every file of a version into `dest`, checking each one's size and hash.
    pub fn download(&self, manifest: &Manifest, dest: &Path) -> Result<()> {
        let total = manifest.files.values().map(|f| f.bytes).sum();
        let bar = progress_bar(total, format!("copying the {}", self.area.name()), ProgressUnit::Bytes);
        let copied = block_on(async {
            futures::stream::iter(&manifest.files)
                .map(|(file, entry)| self.download_file(manifest, file, entry, dest, &bar))
                .buffer_unordered(PARALLEL_TRANSFERS)
                .try_collect::<Vec<()>>()
                .await
                .map(drop)
        });
        bar.finish_and_clear();
        copied
    }

    async fn download_file(
        &self,
        manifest: &Manifest,
        file: &str,
        entry: &FileEntry,
        dest: &Path,
        bar: &ProgressBar,
    ) -> Result<()> {
        let key = self.key(&manifest.key(file));
        let plain = Path::new(file).components().all(|c| matches!(c, std::path::Component::Normal(_)));
        anyhow::ensure!(plain, "{} names a file outside its version: {file:?}", self.url);
        let path = dest.join(file);
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let mut out = tokio::fs::File::create(&path).await.with_context(|| format!("creating {}", path.display()))?;
        let mut stream =
            self.store.get(&key).await.with_context(|| format!("reading {}", self.url_of(&key)))?.into_stream();
        let (mut hasher, mut bytes) = (Sha256::new(), 0u64);
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.with_context(|| format!("reading {}", self.url_of(&key)))?;
            hasher.update(&chunk);
            bytes += chunk.len() as u64;
            bar.inc(chunk.len() as u64);
            out.write_all(&chunk).await?;
        }
        out.flush().await?;
        if bytes != entry.bytes || hex::encode(hasher.finalize()) != entry.sha256 {
            bail!("{} does not match its manifest (size or SHA-256): the store's copy is damaged", self.url_of(&key));
        }
        Ok(())
    }

    /// Writes the files of `dir` as `version` (from [`manifest::new_version`]) and makes it current, unless they
    /// are `base`'s already. Files of `base_copy` (the local copy of `base`) still linked into `dir` are not read
    /// again; files `base` holds unchanged are copied on the store, the others uploaded. The commit is a conditional
    /// write of `_current.json`: if another writer committed since `base` was read, this version is dropped with an
    /// error rather than silently undo theirs.
    pub fn commit(
        &self,
        dir: &Path,
        base: Option<&Committed>,
        base_copy: Option<&Path>,
        version: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Manifest>> {
        let known = base_copy.zip(base.map(|b| &b.manifest.files));
        let files = manifest::list_files(dir, known)?;
        if base.is_some_and(|b| b.manifest.holds_same(&files)) {
            return Ok(None);
        }
        let manifest = Manifest {
            area: self.area.name().to_owned(),
            prefix: format!("{VERSIONS}/{version}"),
            version: version.to_owned(),
            committed_at: now,
            previous: base.map(|b| b.manifest.version.clone()),
            files,
        };
        let bar =
            progress_bar(manifest.files.len() as u64, format!("saving the {}", self.area.name()), ProgressUnit::Items);
        let saved = block_on(async {
            let unchanged = |file: &str, entry: &FileEntry| {
                base.and_then(|b| {
                    b.manifest.files.get(file).filter(|old| old.sha256 == entry.sha256).map(|_| &b.manifest)
                })
            };
            let (new, progress) = (&manifest, &bar);
            futures::stream::iter(&new.files)
                .map(|(file, entry)| async move {
                    let to = self.key(&new.key(file));
                    let written = match unchanged(file, entry) {
                        Some(old) => self.store.copy(&self.key(&old.key(file)), &to).await.map_err(anyhow::Error::from),
                        None => self.upload(&dir.join(file), &to).await,
                    };
                    progress.inc(1);
                    written.with_context(|| format!("writing {}", self.url_of(&to)))
                })
                .buffer_unordered(PARALLEL_TRANSFERS)
                .try_collect::<Vec<()>>()
                .await?;
            let json = serde_json::to_vec_pretty(&manifest)?;
            self.commit_current(json.clone(), base, version).await?;
            // The history, after the commit: a writer that lost the race leaves no manifest, only files that the
            // garbage collection removes. The version is current whatever happens here.
            let history = self.key(&format!("{MANIFESTS}/{}.json", manifest.version));
            if let Err(e) = self.store.put(&history, PutPayload::from(json)).await {
                tracing::warn!(area = self.area.name(), version, error = %e, "the version's manifest is not in the history");
            }
            Ok(())
        });
        bar.finish_and_clear();
        saved?;
        Ok(Some(manifest))
    }

    async fn upload(&self, path: &Path, to: &Key) -> Result<()> {
        let mut file = tokio::fs::File::open(path).await.with_context(|| format!("reading {}", path.display()))?;
        let mut writer = object_store::buffered::BufWriter::new(self.store.clone(), to.clone());
        let copied = tokio::io::copy(&mut file, &mut writer).await;
        if let Err(e) = copied {
            // An unfinished multipart upload would stay on the store (and be billed) until aborted.
            let _ = writer.abort().await;
            return Err(e.into());
        }
        writer.shutdown().await?;
        Ok(())
    }

    /// Replaces `_current.json` only if it is still `base`'s (creates it only if there was none).
    async fn commit_current(&self, json: Vec<u8>, base: Option<&Committed>, version: &str) -> Result<()> {
        let mode = match base {
            None => PutMode::Create,
            Some(b) => PutMode::Update(UpdateVersion { e_tag: b.e_tag.clone(), version: None }),
        };
        let key = self.key(CURRENT);
        match self.store.put_opts(&key, PutPayload::from(json.clone()), PutOptions::from(mode)).await {
            Ok(_) => Ok(()),
            Err(object_store::Error::Precondition { .. } | object_store::Error::AlreadyExists { .. }) => {
                self.lost_race(version).await
            }
            // A local folder cannot compare versions, only create a file that does not exist (atomically): the
            // first writer to claim the base's successor wins, then replaces `_current.json`.
            Err(object_store::Error::NotImplemented { .. }) if base.is_some() => {
                let base = base.expect("checked").manifest.version.as_str();
                let claim = self.key(&format!("{SUCCESSORS}/{base}.json"));
                let claimed = PutPayload::from(version.as_bytes().to_vec());
                match self.store.put_opts(&claim, claimed, PutOptions::from(PutMode::Create)).await {
                    Ok(_) => {}
                    Err(object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. }) => {
                        return self.lost_race(version).await;
                    }
                    Err(e) => return Err(e).context(self.needs_conditional_writes()),
                }
                self.store.put(&key, PutPayload::from(json)).await?;
                Ok(())
            }
            Err(e @ object_store::Error::NotImplemented { .. }) => Err(e).context(self.needs_conditional_writes()),
            Err(e) => Err(e.into()),
        }
    }

    /// The error of a commit refused because `_current.json` changed since the stage started; unless the change
    /// was this very version (a retried request whose first attempt went through).
    async fn lost_race(&self, version: &str) -> Result<()> {
        let now_current = self.store.get(&self.key(CURRENT)).await?.bytes().await?;
        let now_current: Manifest = serde_json::from_slice(&now_current)?;
        anyhow::ensure!(
            now_current.version == version,
            "another writer committed a new version of the {} at {} meanwhile ({}): this run's version is dropped \
             (run it again to build on theirs)",
            self.area.name(),
            self.url,
            now_current.version
        );
        Ok(())
    }

    fn needs_conditional_writes(&self) -> String {
        format!(
            "{} cannot write an object only if it is unchanged or absent, which commits need (on S3, leave \
             aws_conditional_put at its default, etag)",
            self.url
        )
    }

    /// Deletes what readers no longer need: versions beyond the newest `keep` once the version after them has been
    /// committed for [`READERS_GRACE`] (the store's time of its manifest), and the files of versions never
    /// committed (a writer that died, or lost a race) untouched for as long. Never the current version.
    pub fn collect_garbage(&self, keep: u32, now: DateTime<Utc>) -> Result<()> {
        let current = self.current()?.map(|c| c.manifest.version);
        block_on(async {
            let listing = self.listing().await?;
            let old_enough = |t: DateTime<Utc>| now - t > READERS_GRACE;
            let names: Vec<&String> = listing.committed.iter().map(|(v, _)| v).collect();
            let cut = listing.committed.len().saturating_sub(keep as usize);
            let mut expired: Vec<String> = listing
                .committed
                .windows(2)
                .take(cut)
                .filter(|pair| old_enough(pair[1].1))
                .map(|pair| pair[0].0.clone())
                .collect();
            for folder in listing.folders.iter().filter(|v| !names.contains(v)) {
                let prefix = self.key(&format!("{VERSIONS}/{folder}"));
                let objects: Vec<_> = self.store.list(Some(&prefix)).try_collect().await?;
                if objects.iter().map(|o| o.last_modified).max().is_none_or(old_enough) {
                    expired.push(folder.clone());
                }
            }
            for version in expired.iter().filter(|v| Some(*v) != current.as_ref()) {
                let prefix = self.key(&format!("{VERSIONS}/{version}"));
                let objects = self.store.list(Some(&prefix)).map_ok(|o| o.location).boxed();
                self.store.delete_stream(objects).try_collect::<Vec<Key>>().await?;
                if let Some(folder) = &self.folder {
                    let _ = std::fs::remove_dir_all(folder.join(VERSIONS).join(version));
                }
                for record in [format!("{MANIFESTS}/{version}.json"), format!("{SUCCESSORS}/{version}.json")] {
                    match self.store.delete(&self.key(&record)).await {
                        Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
                tracing::info!(area = self.area.name(), version = %version, "old version deleted");
            }
            Ok(())
        })
    }

    /// The committed versions (with the store's time of their manifest) and the version folders, sorted by name.
    async fn listing(&self) -> Result<Listing> {
        let manifests = self.store.list_with_delimiter(Some(&self.key(MANIFESTS))).await?;
        let mut committed: Vec<(String, DateTime<Utc>)> = manifests
            .objects
            .iter()
            .filter_map(|o| Some((o.location.filename()?.strip_suffix(".json")?.to_owned(), o.last_modified)))
            .collect();
        let folders = self.store.list_with_delimiter(Some(&self.key(VERSIONS))).await?;
        let mut folders: Vec<String> =
            folders.common_prefixes.iter().filter_map(|p| p.filename().map(str::to_owned)).collect();
        committed.sort();
        folders.sort();
        Ok(Listing { committed, folders })
    }

    /// What the store holds: the versions with a manifest, and the version folders (the same, unless a writer
    /// died before its commit or garbage is still to be collected), each sorted.
    pub fn stored_versions(&self) -> Result<(Vec<String>, Vec<String>)> {
        let listing = block_on(self.listing())?;
        Ok((listing.committed.into_iter().map(|(v, _)| v).collect(), listing.folders))
    }
}

struct Listing {
    committed: Vec<(String, DateTime<Utc>)>,
    folders: Vec<String>,
}

/// The commit point: the current version's manifest.
pub const CURRENT: &str = "_current.json";
const MANIFESTS: &str = "manifests";
const VERSIONS: &str = "v";
/// `successors/<version>.json`: the claim of the version that replaced `<version>` (stores without conditional
/// replacement: a local folder).
const SUCCESSORS: &str = "successors";

/// Runs an object-store call from the synchronous stages, on a runtime of its own.
fn block_on<T>(work: impl Future<Output = Result<T>>) -> Result<T> {
    crate::store::runtime()?.block_on(work)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder_remote(dir: &Path) -> Remote {
        Remote::open(Area::Lake, &format!("file://{}", dir.display())).unwrap()
    }

    fn write(dir: &Path, file: &str, text: &str) {
        std::fs::create_dir_all(dir.join(file).parent().unwrap()).unwrap();
        std::fs::write(dir.join(file), text).unwrap();
    }

    #[test]
    fn locations_are_s3_or_absolute_folders() {
        assert_eq!(
            Location::parse("s3://bucket/a/b/").unwrap(),
            Location::S3 { bucket: "bucket".into(), prefix: "a/b".into() }
        );
        assert_eq!(
            Location::parse("s3://bucket").unwrap(),
            Location::S3 { bucket: "bucket".into(), prefix: "".into() }
        );
        assert_eq!(Location::parse("file:///srv/lake").unwrap(), Location::Folder("/srv/lake".into()));
        for bad in ["s3:///prefix", "file://relative/lake", "gs://bucket", "/srv/lake"] {
            assert!(Location::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_version_is_committed_read_back_and_not_repeated_when_unchanged() {
        let (store, work, copy) =
            (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let remote = folder_remote(store.path());
        assert!(remote.current().unwrap().is_none());
        write(work.path(), "a.txt", "one");
        write(work.path(), "run/b.json", "{}");
        write(work.path(), ".a.txt.tmp", "half-written");
        let now = Utc::now();
        let first = remote.commit(work.path(), None, None, &manifest::new_version(now, None), now).unwrap().unwrap();
        assert_eq!(first.files.keys().collect::<Vec<_>>(), ["a.txt", "run/b.json"], "hidden files are left out");
        let current = remote.current().unwrap().unwrap();
        assert_eq!(current.manifest, first);
        remote.download(&current.manifest, copy.path()).unwrap();
        assert_eq!(std::fs::read_to_string(copy.path().join("run/b.json")).unwrap(), "{}");
        // The same files again: no version.
        assert!(
            remote
                .commit(
                    work.path(),
                    Some(&current),
                    None,
                    &manifest::new_version(now, Some(&current.manifest.version)),
                    now
                )
                .unwrap()
                .is_none()
        );
        // One file changed: a version that names the first as the previous one.
        write(work.path(), "a.txt", "two");
        let second = remote
            .commit(
                work.path(),
                Some(&current),
                None,
                &manifest::new_version(now, Some(&current.manifest.version)),
                now,
            )
            .unwrap()
            .unwrap();
        assert_eq!(second.previous.as_deref(), Some(first.version.as_str()));
        assert_eq!(remote.stored_versions().unwrap().0, [first.version.clone(), second.version.clone()]);
    }

    #[test]
    fn a_damaged_object_is_refused_on_download() {
        let (store, work, copy) =
            (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let remote = folder_remote(store.path());
        write(work.path(), "a.txt", "one");
        let now = Utc::now();
        let version = remote.commit(work.path(), None, None, &manifest::new_version(now, None), now).unwrap().unwrap();
        std::fs::write(store.path().join(version.key("a.txt")), "One").unwrap();
        let err = remote.download(&version, copy.path()).unwrap_err();
        assert!(format!("{err:#}").contains("does not match its manifest"), "{err:#}");
    }

    #[test]
    fn old_versions_go_once_the_version_after_them_has_been_current_an_hour() {
        let (store, work) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let remote = folder_remote(store.path());
        let mut base: Option<Committed> = None;
        let mut versions = Vec::new();
        for n in 0..4 {
            write(work.path(), "a.txt", &n.to_string());
            let (now, after) = (Utc::now(), base.as_ref().map(|b| b.manifest.version.as_str()));
            let v = remote
                .commit(work.path(), base.as_ref(), None, &manifest::new_version(now, after), now)
                .unwrap()
                .unwrap();
            versions.push(v.version);
            base = remote.current().unwrap();
        }
        // A writer that died before its commit: files, no manifest.
        let dead = manifest::new_version(Utc::now(), None);
        write(&store.path().join("v").join(&dead), "a.txt", "x");

        // Half an hour later nothing goes: a reader may still be copying a version replaced just now, and the
        // writer of the files without a manifest may still be uploading.
        remote.collect_garbage(2, Utc::now() + Duration::minutes(30)).unwrap();
        let (committed, stored) = remote.stored_versions().unwrap();
        assert_eq!(committed, versions);
        assert!(stored.contains(&dead));

        // Two hours later the two oldest go, and the dead writer's files.
        remote.collect_garbage(2, Utc::now() + Duration::hours(2)).unwrap();
        let (committed, stored) = remote.stored_versions().unwrap();
        assert_eq!(committed, versions[2..]);
        assert_eq!(stored, committed);
        assert_eq!(remote.current().unwrap().unwrap().manifest.version, versions[3]);
    }

    #[test]
    fn in_a_folder_two_writers_from_one_version_cannot_both_commit() {
        let (store, first, second) =
            (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let remote = folder_remote(store.path());
        write(first.path(), "a.txt", "base");
        let now = Utc::now();
        remote.commit(first.path(), None, None, &manifest::new_version(now, None), now).unwrap();
        let base = remote.current().unwrap().unwrap();
        write(first.path(), "a.txt", "first");
        write(second.path(), "a.txt", "second");
        let after = Some(base.manifest.version.as_str());
        let won =
            remote.commit(first.path(), Some(&base), None, &manifest::new_version(now, after), now).unwrap().unwrap();
        let lost =
            remote.commit(second.path(), Some(&base), None, &manifest::new_version(now, after), now).unwrap_err();
        assert!(format!("{lost:#}").contains("another writer committed"), "{lost:#}");
        assert_eq!(remote.current().unwrap().unwrap().manifest.version, won.version);
    }

    #[test]
    fn a_folder_location_must_exist() {
        let missing = tempfile::tempdir().unwrap().path().join("not-mounted");
        let err = Remote::open(Area::Lake, &format!("file://{}", missing.display())).err().unwrap();
        assert!(err.to_string().contains("mount"), "{err}");
    }
}
