//! Download of the public dumps (IMDb, MovieLens) into `<data-dir>/raw`: resumable, retried, verified, then renamed into place.
//!
//! A source is written to `<dest>.part` and only renamed to `<dest>` once every check passed, so the
//! ingest job never reads a half-downloaded or corrupt file. The part survives failures and crashes:
//! the next attempt (or the next run) resumes it with a `Range` request guarded by `If-Range`.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use chrono::{DateTime, Utc};
use flate2::read::MultiGzDecoder;
use reqwest::header::{self, HeaderMap};
use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncWriteExt, BufWriter};
use tracing::Instrument;

use crate::context::{Context, Metrics};
use crate::progress::{ProgressUnit, progress_bar};
use cinepicks_domain::InvalidConfig;

/// The `fetch:` section of the configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FetchConfig {
    pub sources: Vec<FetchSource>,
    /// Attempts after the first one.
    pub retries: u32,
    /// First backoff ceiling; doubles at each retry up to `backoff_max_ms`, with full jitter.
    pub backoff_initial_ms: u64,
    pub backoff_max_ms: u64,
    pub connect_timeout_secs: u64,
    /// Longest silence accepted from a server (before the headers or between two chunks).
    pub read_timeout_secs: u64,
}

/// One file to download.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FetchSource {
    /// Stable name used by `cinepicks fetch --only`, in logs and in errors, e.g. `imdb.title.basics`.
    pub name: String,
    pub url: String,
    /// Relative to `<data-dir>/raw`, e.g. `imdb/title.basics.tsv.gz`.
    pub dest: PathBuf,
    /// Expected SHA-256 of the complete file (64 hex characters).
    #[serde(default)]
    pub sha256: Option<String>,
    /// Expected size of the complete file in bytes.
    #[serde(default)]
    pub size: Option<u64>,
    /// A `.zip` destination is unpacked into its folder, without the archive's top folder.
    #[serde(default)]
    pub extract: bool,
}

impl FetchConfig {
    /// Checks what serde cannot. The error starts with the offending key, as `fetch.sources[2].url: ...`,
    /// so the configuration layer can point at it.
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        if self.connect_timeout_secs == 0 {
            return Err(InvalidConfig::new("fetch.connect_timeout_secs", "must be greater than 0"));
        }
        if self.read_timeout_secs == 0 {
            return Err(InvalidConfig::new("fetch.read_timeout_secs", "must be greater than 0"));
        }
        if self.backoff_initial_ms > self.backoff_max_ms {
            return Err(InvalidConfig::new(
                "fetch.backoff_initial_ms",
                format!("{} is above fetch.backoff_max_ms {}", self.backoff_initial_ms, self.backoff_max_ms),
            ));
        }
        let mut names = BTreeSet::new();
        for (i, source) in self.sources.iter().enumerate() {
            let key = format!("fetch.sources[{i}]");
            if source.name.trim().is_empty() {
                return Err(InvalidConfig::new(format!("{key}.name"), "must not be empty"));
            }
            if !names.insert(source.name.as_str()) {
                return Err(InvalidConfig::new(
                    format!("{key}.name"),
                    format!("duplicate source name '{}'", source.name),
                ));
            }
            match Url::parse(&source.url) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {}
                _ => {
                    return Err(InvalidConfig::new(
                        format!("{key}.url"),
                        format!("not an http(s) URL: '{}'", source.url),
                    ));
                }
            }
            check_dest(&source.dest).map_err(|why| {
                InvalidConfig::new(format!("{key}.dest"), format!("{why}: '{}'", source.dest.display()))
            })?;
            if let Some(sha) = &source.sha256
                && (sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                return Err(InvalidConfig::new(
                    format!("{key}.sha256"),
                    format!("must be 64 hexadecimal characters, got '{sha}'"),
                ));
            }
            if source.extract && !has_extension(&source.dest, "zip") {
                return Err(InvalidConfig::new(format!("{key}.extract"), "only a .zip destination can be extracted"));
            }
        }
        Ok(())
    }
}

/// A destination must stay inside the raw folder: relative, no `..`, and naming a file.
fn check_dest(dest: &Path) -> Result<(), &'static str> {
    if dest.as_os_str().is_empty() {
        return Err("must not be empty");
    }
    for component in dest.components() {
        match component {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err("must not contain '..'"),
            Component::RootDir | Component::Prefix(_) => {
                return Err("must be relative to the raw folder");
            }
        }
    }
    if dest.file_name().is_none() {
        return Err("must name a file");
    }
    Ok(())
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// `path` + `suffix` (`title.basics.tsv.gz` → `title.basics.tsv.gz.part`), keeping the partial file beside its destination
/// so the final rename stays on one filesystem and is atomic.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Downloads the configured sources (`only` = names to fetch, empty = all). `force` downloads again sources
/// already present and verified. Every source is attempted; the error lists those that failed.
pub async fn run(ctx: &Context, only: &[String], force: bool) -> anyhow::Result<Metrics> {
    let started = Instant::now();
    let config = &ctx.config.fetch;
    config.validate().map_err(|message| anyhow!("invalid configuration: {message}"))?;
    let sources = select(config, only)?;

    if ctx.dry_run {
        return plan(ctx, &sources, force).await;
    }

    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(config.connect_timeout_secs))
        // Also bounds the wait for response headers, which the chunk loop's own timeout cannot see.
        .read_timeout(Duration::from_secs(config.read_timeout_secs))
        .user_agent(concat!("cinepicks/", env!("CARGO_PKG_VERSION"), " (fetch)"))
        .build()
        .context("building the HTTP client")?;

    let mut tally = Tally::default();
    let (mut fetched, mut skipped, mut extracted) = (0u64, 0u64, 0u64);
    let mut failures: Vec<(String, anyhow::Error)> = Vec::new();
    for source in &sources {
        let span = tracing::info_span!("fetch", source = %source.name);
        let outcome = fetch_source(ctx, &client, source, force, &mut tally)
            .instrument(span)
            .await
            .with_context(|| format!("fetching {} from {}", source.name, source.url));
        match outcome {
            Ok(Outcome::Fetched { files_extracted }) => {
                fetched += 1;
                extracted += files_extracted;
            }
            Ok(Outcome::Skipped { files_extracted }) => {
                skipped += 1;
                extracted += files_extracted;
            }
            Err(err) => {
                tracing::error!(source = %source.name, url = %source.url, "{err:#}");
                failures.push((source.name.clone(), err));
            }
        }
    }

    let seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        fetched,
        skipped,
        failed = failures.len(),
        bytes = tally.bytes,
        retries = tally.retries,
        seconds,
        "fetch finished"
    );
    if !failures.is_empty() {
        // Each error already starts with "fetching <name> from <url>".
        let list: Vec<String> = failures.iter().map(|(_, err)| format!("{err:#}")).collect();
        let names: Vec<&str> = failures.iter().map(|(name, _)| name.as_str()).collect();
        bail!(
            "{} of {} sources failed ({}):\n  - {}",
            failures.len(),
            sources.len(),
            names.join(", "),
            list.join("\n  - ")
        );
    }
    let mut metrics = Metrics::default();
    metrics.insert("sources_fetched", fetched);
    metrics.insert("sources_skipped", skipped);
    metrics.insert("sources_failed", failures.len());
    metrics.insert("bytes_downloaded", tally.bytes);
    metrics.insert("retries", tally.retries);
    metrics.insert("files_extracted", extracted);
    metrics.insert("seconds", (seconds * 1000.0).round() / 1000.0);
    Ok(metrics)
}

/// The sources named by `only`, in configuration order; an unknown name is an error before anything is downloaded.
fn select<'a>(config: &'a FetchConfig, only: &[String]) -> anyhow::Result<Vec<&'a FetchSource>> {
    if let Some(unknown) = only.iter().find(|name| !config.sources.iter().any(|s| &s.name == *name)) {
        let known: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
        bail!("unknown fetch source '{unknown}'; configured sources: {}", known.join(", "));
    }
    Ok(config.sources.iter().filter(|s| only.is_empty() || only.contains(&s.name)).collect())
}

/// `--dry-run`: says what would be downloaded where, reading the raw folder but sending no request and writing nothing.
async fn plan(ctx: &Context, sources: &[&FetchSource], force: bool) -> anyhow::Result<Metrics> {
    let mut planned = Vec::new();
    for source in sources {
        let dest = ctx.paths.raw.join(&source.dest);
        let part = with_suffix(&dest, ".part");
        let action = if !force && dest.exists() && existing_mismatch(&dest, source).await?.is_none() {
            "skip (present and verified)".to_string()
        } else if force {
            "download (forced, from the first byte)".to_string()
        } else if let Ok(meta) = fs::metadata(&part) {
            format!("download (resume after {} bytes)", meta.len())
        } else {
            "download".to_string()
        };
        tracing::info!(source = %source.name, url = %source.url, dest = %dest.display(), "dry run: would {action}");
        planned.push(serde_json::json!({
            "source": source.name,
            "url": source.url,
            "dest": dest.display().to_string(),
            "action": action,
        }));
    }
    let mut metrics = Metrics::default();
    metrics.insert("dry_run", true);
    metrics.insert("sources_planned", planned.len());
    metrics.insert("plan", planned);
    Ok(metrics)
}

/// Counters shared by all sources of a run (failed sources count too: their bytes and retries happened).
#[derive(Default)]
struct Tally {
    bytes: u64,
    retries: u64,
}

enum Outcome {
    Fetched { files_extracted: u64 },
    Skipped { files_extracted: u64 },
}

/// What to do after a failed attempt.
enum Failure {
    /// Worth another attempt (network, 5xx, 429, truncation, corrupt stream); `wait` overrides the backoff.
    Retry { error: anyhow::Error, wait: Option<Duration> },
    /// Retrying would give the same answer (4xx, checksum mismatch, local I/O).
    Fatal(anyhow::Error),
}

impl Failure {
    fn retry(error: impl Into<anyhow::Error>) -> Self {
        Failure::Retry { error: error.into(), wait: None }
    }
}

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Self {
        Failure::Fatal(err.into())
    }
}

/// Beside the part: where it came from and the server's validator, so a resume never splices two versions.
#[derive(Debug, Serialize, Deserialize)]
struct PartMeta {
    url: String,
    /// Strong ETag, or else Last-Modified, sent back as `If-Range`.
    validator: Option<String>,
}

/// Files of one source.
struct Paths {
    dest: PathBuf,
    part: PathBuf,
    meta: PathBuf,
}

async fn fetch_source(
    ctx: &Context,
    client: &reqwest::Client,
    source: &FetchSource,
    force: bool,
    tally: &mut Tally,
) -> anyhow::Result<Outcome> {
    let config = &ctx.config.fetch;
    let dest = ctx.paths.raw.join(&source.dest);
    let paths = Paths { part: with_suffix(&dest, ".part"), meta: with_suffix(&dest, ".part.meta"), dest };

    if !force && paths.dest.exists() {
        match existing_mismatch(&paths.dest, source).await? {
            None => {
                tracing::info!(source = %source.name, dest = %paths.dest.display(), "already present and verified: skipped");
                // A crash between the rename and the end of the extraction must not leave members missing forever.
                let files_extracted = if source.extract { extract(&paths.dest, false).await? } else { 0 };
                return Ok(Outcome::Skipped { files_extracted });
            }
            Some(reason) => {
                tracing::warn!(source = %source.name, dest = %paths.dest.display(), "present but {reason}: downloading again")
            }
        }
    }
    if force {
        // A forced download is often a repair: start from nothing rather than trust an old part.
        remove_if_exists(&paths.part)?;
        remove_if_exists(&paths.meta)?;
    }
    if let Some(folder) = paths.dest.parent() {
        fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    }

    let bar = progress_bar(source.size.unwrap_or(0), source.name.clone(), ProgressUnit::Bytes);
    let mut last_error = None;
    for attempt in 1..=config.retries.saturating_add(1) {
        if let Some((error, wait)) = last_error.take() {
            let delay = backoff_delay(config, attempt - 1, wait);
            tracing::warn!(
                source = %source.name,
                attempt,
                delay_ms = delay.as_millis() as u64,
                "{error:#}; retrying"
            );
            tokio::time::sleep(delay).await;
            tally.retries += 1;
        }
        let result = match download(ctx, client, source, &paths, attempt, &bar, tally).await {
            Ok(()) => verify_part(source, &paths).await,
            Err(failure) => Err(failure),
        };
        match result {
            Ok(()) => {
                bar.finish_and_clear();
                tokio::fs::rename(&paths.part, &paths.dest)
                    .await
                    .with_context(|| format!("renaming {} into place", paths.part.display()))?;
                remove_if_exists(&paths.meta)?;
                let size = fs::metadata(&paths.dest).map(|m| m.len()).unwrap_or(0);
                tracing::info!(source = %source.name, bytes = size, dest = %paths.dest.display(), "fetched and verified");
                let files_extracted = if source.extract { extract(&paths.dest, true).await? } else { 0 };
                return Ok(Outcome::Fetched { files_extracted });
            }
            Err(Failure::Fatal(error)) => {
                bar.abandon();
                return Err(error);
            }
            Err(Failure::Retry { error, wait }) => last_error = Some((error, wait)),
        }
    }
    bar.abandon();
    let (error, _) = last_error.expect("the loop runs at least once and only falls through after a failure");
    let attempts = config.retries.saturating_add(1);
    Err(error.context(format!("gave up after {attempts} attempt{}", if attempts == 1 { "" } else { "s" })))
}

/// The wait before retry number `retry` (1-based): full jitter over an exponentially growing, capped ceiling
/// (so many clients failing together do not come back together), or the server's `Retry-After`, capped too.
fn backoff_delay(config: &FetchConfig, retry: u32, server_wait: Option<Duration>) -> Duration {
    let max = Duration::from_millis(config.backoff_max_ms);
    if let Some(wait) = server_wait {
        return wait.min(max);
    }
    crate::backoff::full_jitter(config.backoff_initial_ms, config.backoff_max_ms, retry)
}

/// One HTTP request, appending to (or restarting) the part. `Ok` means the server says the part is complete.
async fn download(
    ctx: &Context,
    client: &reqwest::Client,
    source: &FetchSource,
    paths: &Paths,
    attempt: u32,
    bar: &indicatif::ProgressBar,
    tally: &mut Tally,
) -> Result<(), Failure> {
    let read_timeout = Duration::from_secs(ctx.config.fetch.read_timeout_secs);
    let mut offset = resumable_offset(source, paths)?;
    let validator = if offset > 0 { read_meta(&paths.meta).and_then(|m| m.validator) } else { None };

    let mut request = client.get(&source.url).header(header::ACCEPT_ENCODING, "identity");
    if offset > 0 {
        request = request.header(header::RANGE, format!("bytes={offset}-"));
        // Without a validator the gzip/zip checks and the configured checksum are what catch a changed file.
        if let Some(validator) = &validator {
            request = request.header(header::IF_RANGE, validator);
        }
        tracing::info!(source = %source.name, attempt, bytes = offset, "resuming");
    } else {
        tracing::info!(source = %source.name, attempt, url = %source.url, "downloading");
    }
    let response = request.send().await.map_err(|err| network_failure(err, "no response", read_timeout))?;
    let status = response.status();

    let expected_total = match status {
        StatusCode::PARTIAL_CONTENT => {
            let range = response
                .headers()
                .get(header::CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_content_range);
            match range {
                Some((start, end, _)) if start == offset => Some(end + 1),
                _ => {
                    // Appending anything else would corrupt the part: start over on the next attempt.
                    discard_part(paths)?;
                    return Err(Failure::retry(anyhow!(
                        "server answered 206 with an unexpected Content-Range for offset {offset}; restarting from zero"
                    )));
                }
            }
        }
        status if status.is_success() => {
            if offset > 0 {
                tracing::info!(source = %source.name, attempt, "server sent the whole file (changed or no range support): restarting from zero");
                offset = 0;
            }
            let meta = PartMeta { url: source.url.clone(), validator: validator_of(response.headers()) };
            fs::write(&paths.meta, serde_json::to_vec(&meta).map_err(io::Error::other)?)?;
            response.content_length()
        }
        StatusCode::RANGE_NOT_SATISFIABLE if offset > 0 => {
            let total = response
                .headers()
                .get(header::CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("bytes */"))
                .and_then(|v| v.trim().parse::<u64>().ok());
            if total == Some(offset) {
                // The part was complete already (a crash before the rename): go on to the checks.
                return Ok(());
            }
            discard_part(paths)?;
            return Err(Failure::retry(anyhow!(
                "server refused to resume at byte {offset} (416); restarting from zero"
            )));
        }
        StatusCode::TOO_MANY_REQUESTS => {
            let wait = retry_after(response.headers(), ctx.clock.now());
            return Err(Failure::Retry { error: anyhow!("the server answered {status}"), wait });
        }
        status if status.is_server_error() => {
            return Err(Failure::retry(anyhow!("the server answered {status}")));
        }
        status => {
            // The URL is in the context added by `run`; a 4xx will not change by asking again.
            return Err(Failure::Fatal(anyhow!(
                "the server answered {status} (not retried: check the url of this source)"
            )));
        }
    };

    let file = if offset == 0 {
        tokio::fs::File::create(&paths.part).await?
    } else {
        tokio::fs::OpenOptions::new().append(true).open(&paths.part).await?
    };
    if let Some(total) = expected_total {
        bar.set_length(total);
    }
    bar.set_position(offset);
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut response = response;
    let mut received = offset;
    let streamed: Result<(), Failure> = async {
        loop {
            let chunk = match tokio::time::timeout(read_timeout, response.chunk()).await {
                Err(_) => {
                    return Err(Failure::retry(anyhow!(
                        "transfer stalled: no data for {} s after {received} bytes",
                        read_timeout.as_secs()
                    )));
                }
                Ok(Err(err)) if err.is_timeout() => {
                    return Err(Failure::retry(anyhow!(
                        "transfer stalled: no data for {} s after {received} bytes",
                        read_timeout.as_secs()
                    )));
                }
                Ok(Err(err)) => {
                    return Err(network_failure(err, "transfer interrupted", read_timeout));
                }
                Ok(Ok(None)) => return Ok(()),
                Ok(Ok(Some(chunk))) => chunk,
            };
            out.write_all(&chunk).await?;
            received += chunk.len() as u64;
            tally.bytes += chunk.len() as u64;
            bar.inc(chunk.len() as u64);
        }
    }
    .await;
    // Whatever happened, what arrived must reach the part so that the next attempt resumes after it.
    out.flush().await?;
    let file = out.into_inner();
    file.sync_all().await?;
    drop(file);
    streamed?;

    match expected_total {
        Some(total) if received < total => {
            Err(Failure::retry(anyhow!("truncated transfer: {received} of {total} bytes")))
        }
        Some(total) if received > total => {
            discard_part(paths)?;
            Err(Failure::retry(anyhow!("server sent {received} bytes but announced {total}; restarting from zero")))
        }
        _ => {
            tracing::info!(source = %source.name, attempt, bytes = received, "transfer complete");
            Ok(())
        }
    }
}

/// Bytes of the part that can be resumed: 0 when there is none, or when it came from another URL or has no
/// record of where it came from (then it is deleted).
fn resumable_offset(source: &FetchSource, paths: &Paths) -> Result<u64, Failure> {
    let Ok(meta) = fs::metadata(&paths.part) else {
        return Ok(0);
    };
    let same_url = read_meta(&paths.meta).is_some_and(|m| m.url == source.url);
    if meta.len() > 0 && same_url {
        return Ok(meta.len());
    }
    discard_part(paths)?;
    Ok(0)
}

fn read_meta(path: &Path) -> Option<PartMeta> {
    serde_json::from_slice(&fs::read(path).ok()?).ok()
}

/// `If-Range` only accepts a strong ETag or a date.
fn validator_of(headers: &HeaderMap) -> Option<String> {
    let text = |name| headers.get(name).and_then(|v: &header::HeaderValue| v.to_str().ok()).map(str::to_owned);
    text(header::ETAG).filter(|etag| !etag.starts_with("W/")).or_else(|| text(header::LAST_MODIFIED))
}

/// `bytes START-END/TOTAL` (TOTAL may be `*`).
fn parse_content_range(value: &str) -> Option<(u64, u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let (start, end) = (start.trim().parse().ok()?, end.trim().parse().ok()?);
    if end < start {
        return None;
    }
    let total = if total.trim() == "*" { None } else { Some(total.trim().parse().ok()?) };
    Some((start, end, total))
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

fn network_failure(err: reqwest::Error, what: &str, read_timeout: Duration) -> Failure {
    if err.is_builder() || err.is_redirect() {
        return Failure::Fatal(anyhow::Error::new(err));
    }
    if err.is_timeout() {
        return Failure::retry(
            anyhow::Error::new(err).context(format!("{what}: timed out ({} s without data)", read_timeout.as_secs())),
        );
    }
    Failure::retry(anyhow::Error::new(err).context(what.to_owned()))
}

fn discard_part(paths: &Paths) -> io::Result<()> {
    remove_if_exists(&paths.part)?;
    remove_if_exists(&paths.meta)
}

fn remove_if_exists(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

/// Checks the complete part: size, archive integrity, checksum. A mismatch deletes the part.
async fn verify_part(source: &FetchSource, paths: &Paths) -> Result<(), Failure> {
    let part = paths.part.clone();
    let owned = source.clone();
    let checked = tokio::task::spawn_blocking(move || check_file(&part, &owned))
        .await
        .map_err(|err| Failure::Fatal(anyhow!("checking task failed: {err}")))?;
    match checked {
        Ok(()) => {
            tracing::info!(source = %source.name, "checks passed");
            Ok(())
        }
        Err(problem) => {
            discard_part(paths)?;
            Err(match problem {
                // A broken archive whose transfer looked complete (no Content-Length) may download fine next time.
                Problem::Corrupt(why) => Failure::retry(anyhow!("{why}; the partial file was deleted")),
                Problem::Mismatch(why) => Failure::Fatal(anyhow!("{why}; the partial file was deleted")),
                Problem::Io(err) => Failure::Fatal(anyhow::Error::new(err).context("reading the downloaded file")),
            })
        }
    }
}

/// Whether an existing destination can be kept: `None` if it matches its checks, else why not.
async fn existing_mismatch(dest: &Path, source: &FetchSource) -> anyhow::Result<Option<String>> {
    if source.size.is_none() && source.sha256.is_none() {
        return Ok(None);
    }
    let (path, owned) = (dest.to_path_buf(), source.clone());
    let checked = tokio::task::spawn_blocking(move || check_checksums(&path, &owned)).await?;
    match checked {
        Ok(()) => Ok(None),
        Err(Problem::Io(err)) => Err(anyhow::Error::new(err).context(format!("reading {}", dest.display()))),
        Err(Problem::Mismatch(why) | Problem::Corrupt(why)) => Ok(Some(why)),
    }
}

enum Problem {
    /// The bytes cannot be what the server meant to send (truncated gzip, unreadable zip).
    Corrupt(String),
    /// The bytes are not the configured ones.
    Mismatch(String),
    Io(io::Error),
}

impl From<io::Error> for Problem {
    fn from(err: io::Error) -> Self {
        Problem::Io(err)
    }
}

/// Size and SHA-256 against the configuration.
fn check_checksums(path: &Path, source: &FetchSource) -> Result<(), Problem> {
    check_size(path, source)?;
    if let Some(expected) = &source.sha256 {
        let mut reader = HashingReader::new(File::open(path)?);
        io::copy(&mut reader, &mut io::sink())?;
        check_sha256(source, expected, reader.finish())?;
    }
    Ok(())
}

fn check_size(path: &Path, source: &FetchSource) -> Result<(), Problem> {
    let actual = fs::metadata(path)?.len();
    match source.size {
        Some(expected) if expected != actual => Err(Problem::Mismatch(format!(
            "size mismatch for {}: expected {expected} bytes, got {actual}",
            source.name
        ))),
        _ => Ok(()),
    }
}

fn check_sha256(source: &FetchSource, expected: &str, actual: String) -> Result<(), Problem> {
    if expected.eq_ignore_ascii_case(&actual) {
        Ok(())
    } else {
        Err(Problem::Mismatch(format!(
            "sha256 mismatch for {}: expected {}, got {actual}",
            source.name,
            expected.to_ascii_lowercase()
        )))
    }
}

/// All checks of a freshly downloaded file, reading it once: a `.gz` is decoded to its end (its CRC and
/// length trailer catch truncation and spliced resumes) while the same bytes feed the hash.
fn check_file(path: &Path, source: &FetchSource) -> Result<(), Problem> {
    check_size(path, source)?;
    let dest = &source.dest;
    if has_extension(dest, "gz") {
        let hashing = HashingReader::new(File::open(path)?);
        let mut decoder = MultiGzDecoder::new(BufReader::with_capacity(1 << 20, hashing));
        if let Err(err) = io::copy(&mut decoder, &mut io::sink()) {
            return Err(Problem::Corrupt(format!("{} is not a complete gzip stream ({err})", source.name)));
        }
        // The decoder may stop before the last bytes it buffered; hash whatever is left.
        let mut rest = decoder.into_inner();
        io::copy(&mut rest, &mut io::sink())?;
        let actual = rest.into_inner().finish();
        if let Some(expected) = &source.sha256 {
            check_sha256(source, expected, actual)?;
        }
        return Ok(());
    }
    if has_extension(dest, "zip") {
        // A truncated zip loses its central directory, which sits at the end.
        if let Err(err) = zip::ZipArchive::new(BufReader::new(File::open(path)?)) {
            return Err(Problem::Corrupt(format!("{} is not a readable zip archive ({err})", source.name)));
        }
    }
    check_checksums(path, source)
}

/// Hashes what passes through it.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R> HashingReader<R> {
    fn new(inner: R) -> Self {
        Self { inner, hasher: Sha256::new() }
    }

    fn finish(self) -> String {
        hex::encode(self.hasher.finalize())
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Unpacks a verified archive beside itself. With `overwrite` false, members already present with their
/// size are left alone. Returns the number of files written.
async fn extract(archive: &Path, overwrite: bool) -> anyhow::Result<u64> {
    let path = archive.to_path_buf();
    let into = archive.parent().map(Path::to_path_buf).unwrap_or_default();
    let written = tokio::task::spawn_blocking(move || extract_zip(&path, &into, overwrite))
        .await?
        .with_context(|| format!("extracting {}", archive.display()))?;
    if written > 0 {
        tracing::info!(archive = %archive.display(), files = written, "extracted");
    }
    Ok(written)
}

fn extract_zip(archive: &Path, into: &Path, overwrite: bool) -> anyhow::Result<u64> {
    let mut zip = zip::ZipArchive::new(BufReader::new(File::open(archive)?))?;
    // Validate every name before writing anything, so a hostile archive leaves no trace.
    let mut members = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let member = zip.by_index_raw(i)?;
        let name = member.name()?.into_owned();
        if member.is_symlink() {
            bail!("archive member '{name}' is a symbolic link");
        }
        let path = member_path(&name).map_err(|why| anyhow!("archive member '{name}' {why}"))?;
        members.push((path, member.is_dir(), member.size()));
    }
    // MovieLens archives wrap everything in one folder (ml-latest-small/); the files belong directly beside the zip.
    let top =
        common_top_folder(members.iter().filter(|(p, _, _)| !is_mac_metadata(p)).map(|(p, d, _)| (p.as_path(), *d)));

    let mut written = 0;
    for (i, (path, is_dir, size)) in members.into_iter().enumerate() {
        if is_mac_metadata(&path) {
            continue;
        }
        let relative = match &top {
            Some(top) => path.strip_prefix(top).map(Path::to_path_buf).unwrap_or(path),
            None => path,
        };
        if relative.as_os_str().is_empty() {
            continue;
        }
        let target = into.join(&relative);
        if is_dir {
            fs::create_dir_all(&target).with_context(|| format!("creating {}", target.display()))?;
            continue;
        }
        if !overwrite && fs::metadata(&target).is_ok_and(|m| m.len() == size) {
            continue;
        }
        if let Some(folder) = target.parent() {
            fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
        }
        // Readers of raw/ see either the old file or the complete new one, never a half-written member.
        let temporary = with_suffix(&target, ".extracting");
        let copied = (|| -> anyhow::Result<()> {
            let mut out = File::create(&temporary)?;
            let mut member = zip.by_index(i)?;
            io::copy(&mut member, &mut out)?;
            out.sync_all()?;
            fs::rename(&temporary, &target)?;
            Ok(())
        })();
        if let Err(err) = copied {
            let _ = fs::remove_file(&temporary);
            return Err(err.context(format!("writing {}", target.display())));
        }
        written += 1;
    }
    Ok(written)
}

/// A member's path inside the extraction folder; absolute paths and `..` are refused rather than rewritten.
fn member_path(name: &str) -> Result<PathBuf, &'static str> {
    let bytes = name.as_bytes();
    let has_drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if name.starts_with('/') || name.starts_with('\\') || has_drive {
        return Err("has an absolute path");
    }
    let mut path = PathBuf::new();
    for part in name.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return Err("leaves the extraction folder (..)"),
            part if part.contains('\0') => return Err("contains a NUL byte"),
            part => path.push(part),
        }
    }
    Ok(path)
}

/// The single folder every member sits in, if there is one (a directory entry for the folder itself is fine).
fn common_top_folder<'a>(members: impl Iterator<Item = (&'a Path, bool)>) -> Option<PathBuf> {
    let mut top: Option<&std::ffi::OsStr> = None;
    let mut any_file = false;
    for (path, is_dir) in members {
        let mut components = path.components();
        let first = components.next()?.as_os_str();
        let nested = components.next().is_some();
        if !nested && !is_dir {
            return None;
        }
        any_file |= !is_dir;
        match top {
            None => top = Some(first),
            Some(seen) if seen != first => return None,
            Some(_) => {}
        }
    }
    top.filter(|_| any_file).map(PathBuf::from)
}

/// Finder metadata that macOS adds to archives it creates; never data.
fn is_mac_metadata(path: &Path) -> bool {
    path.components().next().is_some_and(|c| c.as_os_str() == "__MACOSX")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(sources: Vec<FetchSource>) -> FetchConfig {
        FetchConfig {
            sources,
            retries: 2,
            backoff_initial_ms: 100,
            backoff_max_ms: 1000,
            connect_timeout_secs: 5,
            read_timeout_secs: 5,
        }
    }

    fn source(name: &str, url: &str, dest: &str) -> FetchSource {
        FetchSource { name: name.into(), url: url.into(), dest: dest.into(), sha256: None, size: None, extract: false }
    }

    #[test]
    fn a_valid_configuration_passes() {
        let ok =
            source("imdb.title.basics", "https://datasets.imdbws.com/title.basics.tsv.gz", "imdb/title.basics.tsv.gz");
        config(vec![ok]).validate().unwrap();
    }

    #[test]
    fn validation_errors_name_the_key() {
        let good = || source("a", "https://example.org/a.gz", "a.gz");
        let cases: Vec<(FetchSource, &str)> = vec![
            (source("b", "ftp://example.org/b", "b"), "fetch.sources[1].url: not an http(s) URL"),
            (source("b", "https://example.org/b", "../b"), "fetch.sources[1].dest: must not contain '..'"),
            (source("b", "https://example.org/b", "/etc/b"), "fetch.sources[1].dest: must be relative"),
            (source("a", "https://example.org/b", "b"), "fetch.sources[1].name: duplicate source name 'a'"),
            (
                FetchSource { sha256: Some("abc".into()), ..source("b", "https://example.org/b", "b") },
                "fetch.sources[1].sha256: must be 64 hexadecimal characters",
            ),
            (
                FetchSource { extract: true, ..source("b", "https://example.org/b", "b.tar") },
                "fetch.sources[1].extract:",
            ),
        ];
        // The key at fault, then why.
        let named = |err: InvalidConfig| format!("{}: {}", err.key, err.message);
        for (bad, expected) in cases {
            let err = named(config(vec![good(), bad]).validate().unwrap_err());
            assert!(err.starts_with(expected), "{err:?} should start with {expected:?}");
        }
        let err = named(FetchConfig { read_timeout_secs: 0, ..config(vec![]) }.validate().unwrap_err());
        assert!(err.starts_with("fetch.read_timeout_secs:"), "{err}");
        let err = named(FetchConfig { backoff_initial_ms: 2000, ..config(vec![]) }.validate().unwrap_err());
        assert!(err.starts_with("fetch.backoff_initial_ms:"), "{err}");
    }

    #[test]
    fn backoff_stays_under_its_growing_cap() {
        let config = config(vec![]);
        for _ in 0..200 {
            assert!(backoff_delay(&config, 1, None) <= Duration::from_millis(100));
            assert!(backoff_delay(&config, 3, None) <= Duration::from_millis(400));
            assert!(backoff_delay(&config, 40, None) <= Duration::from_millis(1000));
        }
        assert_eq!(backoff_delay(&config, 1, Some(Duration::from_secs(30))), Duration::from_millis(1000));
        assert_eq!(backoff_delay(&config, 1, Some(Duration::ZERO)), Duration::ZERO);
    }

    #[test]
    fn content_ranges_are_parsed() {
        assert_eq!(parse_content_range("bytes 100-199/200"), Some((100, 199, Some(200))));
        assert_eq!(parse_content_range("bytes 0-9/*"), Some((0, 9, None)));
        assert_eq!(parse_content_range("bytes */200"), None);
        assert_eq!(parse_content_range("bytes 9-1/20"), None);
    }

    #[test]
    fn retry_after_accepts_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z").unwrap().with_timezone(&Utc);
        let mut headers = HeaderMap::new();
        headers.insert(header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        headers.insert(header::RETRY_AFTER, "Sat, 21 Nov 2026 10:00:30 GMT".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
    }

    #[test]
    fn archive_members_cannot_escape() {
        assert_eq!(member_path("ml-latest-small/ratings.csv").unwrap(), PathBuf::from("ml-latest-small/ratings.csv"));
        assert!(member_path("/etc/passwd").is_err());
        assert!(member_path("C:\\evil.csv").is_err());
        assert!(member_path("ml/../../evil.csv").is_err());
    }

    #[test]
    fn the_single_top_folder_is_found() {
        let members = [(Path::new("ml"), true), (Path::new("ml/a.csv"), false), (Path::new("ml/b.csv"), false)];
        assert_eq!(common_top_folder(members.into_iter()), Some(PathBuf::from("ml")));
        let flat = [(Path::new("a.csv"), false), (Path::new("ml/b.csv"), false)];
        assert_eq!(common_top_folder(flat.into_iter()), None);
    }
}
