//! End-to-end tests of `cinepicks fetch` against a real HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use cinepicks::config::Config;
use cinepicks_jobs::Context;
use cinepicks_jobs::fetch::{self, FetchConfig, FetchSource};
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

/// How a path answers.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Behaviour {
    Normal,
    /// First request: announces the full Content-Length, sends half, closes. Then normal.
    TruncateFirst,
    /// First request: 500. Then normal.
    ServerErrorFirst,
    /// First request: 429 with `Retry-After: 0`. Then normal.
    TooManyRequestsFirst,
    NotFound,
    /// Reads the request and never answers.
    NeverAnswer,
    /// Sends the headers and a quarter of the body, then goes silent.
    StallMidBody,
    /// Always sends half the body without a Content-Length, so only the gzip check can tell.
    HalfWithoutLength,
}

struct Route {
    body: Vec<u8>,
    etag: Option<String>,
    behaviour: Behaviour,
}

/// What the server saw.
#[derive(Clone, Debug)]
struct Seen {
    path: String,
    range: Option<String>,
    if_range: Option<String>,
}

/// A small real HTTP/1.1 server: one thread per connection, `Connection: close`, `Range: bytes=N-` and `If-Range`.
struct Server {
    base: String,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// Longest time a misbehaving handler holds its connection; bounds the test threads.
const SILENCE: Duration = Duration::from_secs(5);

impl Server {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (r, s) = (routes.clone(), seen.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (r, s) = (r.clone(), s.clone());
                thread::spawn(move || {
                    let _ = handle(stream, &r, &s);
                });
            }
        });
        Server { base, routes, seen }
    }

    fn route(&self, path: &str, body: Vec<u8>, behaviour: Behaviour) -> String {
        self.routes
            .lock()
            .unwrap()
            .insert(path.to_string(), Route { etag: Some(format!("\"{:x}\"", body.len())), body, behaviour });
        format!("{}{path}", self.base)
    }

    fn requests(&self, path: &str) -> Vec<Seen> {
        self.seen.lock().unwrap().iter().filter(|s| s.path == path).cloned().collect()
    }

    fn total_requests(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

fn handle(stream: TcpStream, routes: &Mutex<HashMap<String, Route>>, seen: &Mutex<Vec<Seen>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let request =
        Seen { path: path.clone(), range: headers.get("range").cloned(), if_range: headers.get("if-range").cloned() };
    let number = {
        let mut seen = seen.lock().unwrap();
        seen.push(request.clone());
        seen.iter().filter(|s| s.path == path).count()
    };
    let (body, etag, behaviour) = match routes.lock().unwrap().get(&path) {
        Some(route) => (route.body.clone(), route.etag.clone(), route.behaviour),
        None => (Vec::new(), None, Behaviour::NotFound),
    };
    let mut out = stream;
    let etag_line = etag.as_ref().map(|e| format!("ETag: {e}\r\n")).unwrap_or_default();
    let first = number == 1;
    match behaviour {
        Behaviour::NotFound => return reply(&mut out, "404 Not Found", "", b"no such file\n"),
        Behaviour::NeverAnswer => {
            thread::sleep(SILENCE);
            return Ok(());
        }
        Behaviour::ServerErrorFirst if first => {
            return reply(&mut out, "500 Internal Server Error", "", b"oops\n");
        }
        Behaviour::TooManyRequestsFirst if first => {
            return reply(&mut out, "429 Too Many Requests", "Retry-After: 0\r\n", b"slow down\n");
        }
        Behaviour::TruncateFirst if first => {
            write!(out, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n{etag_line}Connection: close\r\n\r\n", body.len())?;
            out.write_all(&body[..body.len() / 2])?;
            out.flush()?;
            return out.shutdown(Shutdown::Both);
        }
        Behaviour::HalfWithoutLength => {
            write!(out, "HTTP/1.1 200 OK\r\n{etag_line}Connection: close\r\n\r\n")?;
            out.write_all(&body[..body.len() / 2])?;
            out.flush()?;
            return out.shutdown(Shutdown::Both);
        }
        _ => {}
    }

    // Normal answer, honouring a range unless If-Range names another version.
    let start = request
        .range
        .as_deref()
        .filter(|_| request.if_range.is_none() || request.if_range == etag)
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok());
    let (status, extra, payload) = match start {
        Some(start) if start >= body.len() => {
            let extra = format!("Content-Range: bytes */{}\r\n", body.len());
            return reply(&mut out, "416 Range Not Satisfiable", &extra, b"");
        }
        Some(start) => {
            let extra = format!("Content-Range: bytes {start}-{}/{}\r\n{etag_line}", body.len() - 1, body.len());
            ("206 Partial Content", extra, &body[start..])
        }
        None => ("200 OK", etag_line, &body[..]),
    };
    if behaviour == Behaviour::StallMidBody {
        write!(out, "HTTP/1.1 {status}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n", payload.len())?;
        out.write_all(&payload[..payload.len() / 4])?;
        out.flush()?;
        thread::sleep(SILENCE);
        return Ok(());
    }
    reply(&mut out, status, &extra, payload)
}

fn reply(out: &mut TcpStream, status: &str, extra_headers: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nAccept-Ranges: bytes\r\n{extra_headers}Connection: close\r\n\r\n",
        body.len()
    )?;
    out.write_all(body)?;
    out.flush()?;
    // Let the client read everything before the socket goes away.
    let _ = out.shutdown(Shutdown::Write);
    let _ = out.set_read_timeout(Some(SILENCE));
    let _ = out.read(&mut [0u8; 64]);
    Ok(())
}

/// A few hundred KB of IMDb-like TSV, gzipped; varied enough that the gzip stays a few hundred KB too.
fn gzipped_tsv(seed: u64) -> Vec<u8> {
    let mut text = String::from("tconst\ttitleType\tprimaryTitle\tstartYear\truntimeMinutes\tgenres\n");
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        state >> 33
    };
    for i in 1..=12_000u64 {
        let title: String = (0..12).map(|_| char::from(b'a' + (next() % 26) as u8)).collect();
        text.push_str(&format!(
            "tt{i:07}\tmovie\t{title} {}\t{}\t{}\tDrama,{}\n",
            next(),
            1900 + next() % 126,
            40 + next() % 200,
            ["Comedy", "Horror", "Romance", "Western"][(next() % 4) as usize]
        ));
    }
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn source(name: &str, url: &str, dest: &str) -> FetchSource {
    FetchSource { name: name.into(), url: url.into(), dest: dest.into(), sha256: None, size: None, extract: false }
}

fn fetch_config(sources: Vec<FetchSource>) -> FetchConfig {
    FetchConfig {
        sources,
        retries: 3,
        backoff_initial_ms: 1,
        backoff_max_ms: 20,
        connect_timeout_secs: 2,
        read_timeout_secs: 5,
    }
}

fn context(data: &Path, fetch: FetchConfig, dry_run: bool) -> Context {
    let mut config = Config::embedded_default().jobs;
    config.data_dir = data.into();
    config.fetch = fetch;
    Context::new(config, dry_run)
}

fn raw(data: &Path, dest: &str) -> PathBuf {
    data.join("raw").join(dest)
}

fn part_of(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}.part", path.display()))
}

fn metric(metrics: &cinepicks_jobs::Metrics, key: &str) -> u64 {
    metrics.get(key).and_then(|v| v.as_u64()).unwrap_or_else(|| panic!("metric {key} missing in {metrics:?}"))
}

#[tokio::test]
async fn a_truncated_transfer_is_resumed_and_completed() {
    let server = Server::start();
    let body = gzipped_tsv(1);
    let url = server.route("/title.basics.tsv.gz", body.clone(), Behaviour::TruncateFirst);
    let tmp = tempfile::tempdir().unwrap();
    let ctx =
        context(tmp.path(), fetch_config(vec![source("imdb.title.basics", &url, "imdb/title.basics.tsv.gz")]), false);

    let metrics = fetch::run(&ctx, &[], false).await.unwrap();

    let dest = raw(tmp.path(), "imdb/title.basics.tsv.gz");
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert!(!part_of(&dest).exists(), "no .part may remain after success");
    let requests = server.requests("/title.basics.tsv.gz");
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(requests[0].range, None);
    assert_eq!(requests[1].range.as_deref(), Some(format!("bytes={}-", body.len() / 2).as_str()));
    assert_eq!(
        requests[1].if_range.as_deref(),
        Some(format!("\"{:x}\"", body.len()).as_str()),
        "the ETag guards the resume"
    );
    assert_eq!(metric(&metrics, "sources_fetched"), 1);
    assert_eq!(metric(&metrics, "retries"), 1);
    // Resumed, not restarted: every byte crossed the network once.
    assert_eq!(metric(&metrics, "bytes_downloaded"), body.len() as u64);
}

#[tokio::test]
async fn a_500_is_retried_then_succeeds() {
    let server = Server::start();
    let body = gzipped_tsv(2);
    let url = server.route("/title.ratings.tsv.gz", body.clone(), Behaviour::ServerErrorFirst);
    let tmp = tempfile::tempdir().unwrap();
    let mut sources = vec![source("imdb.title.ratings", &url, "imdb/title.ratings.tsv.gz")];
    sources[0].sha256 = Some(sha256(&body));
    sources[0].size = Some(body.len() as u64);
    let ctx = context(tmp.path(), fetch_config(sources), false);

    let metrics = fetch::run(&ctx, &[], false).await.unwrap();

    let dest = raw(tmp.path(), "imdb/title.ratings.tsv.gz");
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert!(!part_of(&dest).exists());
    assert_eq!(server.requests("/title.ratings.tsv.gz").len(), 2);
    assert_eq!(metric(&metrics, "retries"), 1);
    assert_eq!(metric(&metrics, "sources_failed"), 0);
}

#[tokio::test]
async fn a_429_is_retried_when_the_server_allows() {
    let server = Server::start();
    let body = gzipped_tsv(3);
    let url = server.route("/title.crew.tsv.gz", body.clone(), Behaviour::TooManyRequestsFirst);
    let tmp = tempfile::tempdir().unwrap();
    let mut config = fetch_config(vec![source("imdb.title.crew", &url, "imdb/title.crew.tsv.gz")]);
    // A large backoff that Retry-After: 0 must override.
    config.backoff_initial_ms = 30_000;
    config.backoff_max_ms = 30_000;
    let ctx = context(tmp.path(), config, false);

    let started = Instant::now();
    let metrics = fetch::run(&ctx, &[], false).await.unwrap();

    assert!(started.elapsed() < Duration::from_secs(10), "Retry-After: 0 was not honoured");
    assert_eq!(std::fs::read(raw(tmp.path(), "imdb/title.crew.tsv.gz")).unwrap(), body);
    assert_eq!(server.requests("/title.crew.tsv.gz").len(), 2);
    assert_eq!(metric(&metrics, "retries"), 1);
}

#[tokio::test]
async fn a_404_fails_without_retrying() {
    let server = Server::start();
    let body = gzipped_tsv(4);
    let missing = server.route("/title.akas.tsv.gz", Vec::new(), Behaviour::NotFound);
    let present = server.route("/name.basics.tsv.gz", body.clone(), Behaviour::Normal);
    let tmp = tempfile::tempdir().unwrap();
    let sources = vec![
        source("imdb.title.akas", &missing, "imdb/title.akas.tsv.gz"),
        source("imdb.name.basics", &present, "imdb/name.basics.tsv.gz"),
    ];
    let ctx = context(tmp.path(), fetch_config(sources), false);

    let err = fetch::run(&ctx, &[], false).await.unwrap_err();

    let message = format!("{err:#}");
    assert!(message.contains("1 of 2 sources failed"), "{message}");
    assert!(message.contains("imdb.title.akas"), "{message}");
    assert!(message.contains(&missing), "the message names the URL: {message}");
    assert!(message.contains("404"), "{message}");
    assert!(!message.contains("imdb.name.basics"), "{message}");
    assert_eq!(server.requests("/title.akas.tsv.gz").len(), 1, "a 404 is not retried");
    let dest = raw(tmp.path(), "imdb/title.akas.tsv.gz");
    assert!(!dest.exists() && !part_of(&dest).exists());
    // One source failing does not stop the others.
    assert_eq!(std::fs::read(raw(tmp.path(), "imdb/name.basics.tsv.gz")).unwrap(), body);
}

#[tokio::test]
async fn a_wrong_checksum_is_rejected_and_nothing_is_renamed() {
    let server = Server::start();
    let body = gzipped_tsv(5);
    let url = server.route("/title.basics.tsv.gz", body.clone(), Behaviour::Normal);
    let tmp = tempfile::tempdir().unwrap();
    let wrong = "0".repeat(64);
    let mut sources = vec![source("imdb.title.basics", &url, "imdb/title.basics.tsv.gz")];
    sources[0].sha256 = Some(wrong.clone());
    let ctx = context(tmp.path(), fetch_config(sources), false);

    let err = fetch::run(&ctx, &[], false).await.unwrap_err();

    let message = format!("{err:#}");
    let expected = format!("sha256 mismatch for imdb.title.basics: expected {wrong}, got {}", sha256(&body));
    assert!(message.contains(&expected), "{message}");
    assert!(message.contains(&url), "{message}");
    let dest = raw(tmp.path(), "imdb/title.basics.tsv.gz");
    assert!(!dest.exists(), "a file failing its checksum is never renamed into place");
    assert!(!part_of(&dest).exists(), "the bad part is deleted");
    assert_eq!(server.requests("/title.basics.tsv.gz").len(), 1, "a checksum mismatch is not retried");
}

#[tokio::test]
async fn a_truncated_gzip_is_never_renamed_into_place() {
    let server = Server::start();
    let body = gzipped_tsv(6);
    let url = server.route("/title.episode.tsv.gz", body, Behaviour::HalfWithoutLength);
    let tmp = tempfile::tempdir().unwrap();
    let mut config = fetch_config(vec![source("imdb.title.episode", &url, "imdb/title.episode.tsv.gz")]);
    config.retries = 1;
    let ctx = context(tmp.path(), config, false);

    let err = fetch::run(&ctx, &[], false).await.unwrap_err();

    let message = format!("{err:#}");
    assert!(message.contains("imdb.title.episode is not a complete gzip stream"), "{message}");
    assert!(message.contains("gave up after 2 attempts"), "{message}");
    let dest = raw(tmp.path(), "imdb/title.episode.tsv.gz");
    assert!(!dest.exists() && !part_of(&dest).exists());
    let requests = server.requests("/title.episode.tsv.gz");
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].range, None, "a corrupt part is deleted, not resumed");
}

#[tokio::test]
async fn an_existing_verified_file_is_skipped() {
    let server = Server::start();
    let body = gzipped_tsv(7);
    let url = server.route("/title.principals.tsv.gz", body.clone(), Behaviour::Normal);
    let tmp = tempfile::tempdir().unwrap();
    let mut sources = vec![source("imdb.title.principals", &url, "imdb/title.principals.tsv.gz")];
    sources[0].sha256 = Some(sha256(&body));
    let ctx = context(tmp.path(), fetch_config(sources), false);
    let dest = raw(tmp.path(), "imdb/title.principals.tsv.gz");

    let first = fetch::run(&ctx, &[], false).await.unwrap();
    assert_eq!(metric(&first, "sources_fetched"), 1);

    let second = fetch::run(&ctx, &[], false).await.unwrap();
    assert_eq!(metric(&second, "sources_skipped"), 1);
    assert_eq!(metric(&second, "sources_fetched"), 0);
    assert_eq!(metric(&second, "bytes_downloaded"), 0);
    assert_eq!(server.requests("/title.principals.tsv.gz").len(), 1, "a verified file is not requested again");

    // A damaged file no longer matches its checksum, so it is downloaded again.
    std::fs::write(&dest, b"damaged").unwrap();
    let third = fetch::run(&ctx, &[], false).await.unwrap();
    assert_eq!(metric(&third, "sources_fetched"), 1);
    assert_eq!(std::fs::read(&dest).unwrap(), body);

    // --force downloads even a verified file.
    let forced = fetch::run(&ctx, &["imdb.title.principals".to_string()], true).await.unwrap();
    assert_eq!(metric(&forced, "sources_fetched"), 1);
    assert_eq!(server.requests("/title.principals.tsv.gz").len(), 3);
    assert_eq!(std::fs::read(&dest).unwrap(), body);
}

#[tokio::test]
async fn a_changed_file_restarts_from_zero_instead_of_splicing() {
    let server = Server::start();
    let old = gzipped_tsv(8);
    let url = server.route("/title.basics.tsv.gz", old.clone(), Behaviour::TruncateFirst);
    let tmp = tempfile::tempdir().unwrap();
    let mut config = fetch_config(vec![source("imdb.title.basics", &url, "imdb/title.basics.tsv.gz")]);
    config.retries = 0;
    let ctx = context(tmp.path(), config.clone(), false);
    let dest = raw(tmp.path(), "imdb/title.basics.tsv.gz");

    // The first run stops with half of the old version in the part.
    fetch::run(&ctx, &[], false).await.unwrap_err();
    assert_eq!(std::fs::metadata(part_of(&dest)).unwrap().len(), (old.len() / 2) as u64);

    // Overnight the dump is republished (new content, new ETag).
    let new = gzipped_tsv(9);
    assert_ne!(old.len(), new.len());
    server.route("/title.basics.tsv.gz", new.clone(), Behaviour::Normal);
    let metrics = fetch::run(&ctx, &[], false).await.unwrap();

    assert_eq!(std::fs::read(&dest).unwrap(), new);
    let requests = server.requests("/title.basics.tsv.gz");
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].range.as_deref(), Some(format!("bytes={}-", old.len() / 2).as_str()));
    assert_eq!(requests[1].if_range.as_deref(), Some(format!("\"{:x}\"", old.len()).as_str()));
    assert_eq!(metric(&metrics, "bytes_downloaded"), new.len() as u64, "the new version came whole");
}

#[tokio::test]
async fn a_stalled_server_times_out_and_is_reported() {
    let server = Server::start();
    let body = gzipped_tsv(10);
    let silent = server.route("/title.akas.tsv.gz", body.clone(), Behaviour::NeverAnswer);
    let stalling = server.route("/title.crew.tsv.gz", body.clone(), Behaviour::StallMidBody);
    let fine = server.route("/title.ratings.tsv.gz", body.clone(), Behaviour::Normal);
    let tmp = tempfile::tempdir().unwrap();
    let mut config = fetch_config(vec![
        source("imdb.title.akas", &silent, "imdb/title.akas.tsv.gz"),
        source("imdb.title.crew", &stalling, "imdb/title.crew.tsv.gz"),
        source("imdb.title.ratings", &fine, "imdb/title.ratings.tsv.gz"),
    ]);
    config.retries = 1;
    config.read_timeout_secs = 1;
    let ctx = context(tmp.path(), config, false);

    let started = Instant::now();
    let err = fetch::run(&ctx, &[], false).await.unwrap_err();
    let elapsed = started.elapsed();

    let message = format!("{err:#}");
    assert!(message.contains("2 of 3 sources failed"), "{message}");
    assert!(message.contains("imdb.title.akas") && message.contains(&silent), "{message}");
    assert!(message.contains("imdb.title.crew") && message.contains(&stalling), "{message}");
    assert!(message.contains("timed out") || message.contains("stalled"), "{message}");
    // Two attempts of about one second for each stalled source, far less than the server's silence.
    assert!(elapsed < Duration::from_secs(15), "took {elapsed:?}");
    assert_eq!(server.requests("/title.akas.tsv.gz").len(), 2);
    let crew = server.requests("/title.crew.tsv.gz");
    assert_eq!(crew.len(), 2);
    assert!(crew[1].range.is_some(), "the second attempt resumes what the stalled one received: {crew:?}");
    let crew_part = part_of(&raw(tmp.path(), "imdb/title.crew.tsv.gz"));
    assert!(crew_part.exists(), "the part is kept for the next run to resume");
    assert!(!raw(tmp.path(), "imdb/title.crew.tsv.gz").exists());
    assert_eq!(std::fs::read(raw(tmp.path(), "imdb/title.ratings.tsv.gz")).unwrap(), body);
}

fn movielens_zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    writer.add_directory("ml-latest-small/", options).unwrap();
    for (name, bytes) in members {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[tokio::test]
async fn zip_sources_are_extracted() {
    let server = Server::start();
    let ratings = b"userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.0,964981247\n".repeat(2000);
    let movies = b"movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n".to_vec();
    let archive = movielens_zip(&[
        ("ml-latest-small/ratings.csv", &ratings),
        ("ml-latest-small/movies.csv", &movies),
        ("ml-latest-small/README.txt", b"Summary\n"),
    ]);
    let url = server.route("/ml-latest-small.zip", archive.clone(), Behaviour::TruncateFirst);
    let tmp = tempfile::tempdir().unwrap();
    let mut sources = vec![source("movielens.ml-latest-small", &url, "movielens/ml-latest-small.zip")];
    sources[0].sha256 = Some(sha256(&archive));
    sources[0].extract = true;
    let ctx = context(tmp.path(), fetch_config(sources), false);

    let metrics = fetch::run(&ctx, &[], false).await.unwrap();

    let folder = raw(tmp.path(), "movielens");
    assert_eq!(std::fs::read(folder.join("ratings.csv")).unwrap(), ratings, "the top folder is flattened");
    assert_eq!(std::fs::read(folder.join("movies.csv")).unwrap(), movies);
    assert_eq!(std::fs::read(folder.join("README.txt")).unwrap(), b"Summary\n");
    assert_eq!(std::fs::read(folder.join("ml-latest-small.zip")).unwrap(), archive);
    assert!(!folder.join("ml-latest-small").exists());
    let mut left: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, ["README.txt", "ml-latest-small.zip", "movies.csv", "ratings.csv"], "no temporary file remains");
    assert_eq!(metric(&metrics, "files_extracted"), 3);
    assert!(server.requests("/ml-latest-small.zip")[1].range.is_some());

    // A member deleted by hand comes back on the next run without downloading the archive again.
    std::fs::remove_file(folder.join("movies.csv")).unwrap();
    let again = fetch::run(&ctx, &[], false).await.unwrap();
    assert_eq!(metric(&again, "sources_skipped"), 1);
    assert_eq!(metric(&again, "files_extracted"), 1);
    assert_eq!(std::fs::read(folder.join("movies.csv")).unwrap(), movies);
    assert_eq!(server.requests("/ml-latest-small.zip").len(), 2);
}

#[tokio::test]
async fn a_zip_member_escaping_the_folder_is_refused() {
    let server = Server::start();
    let archive = movielens_zip(&[("ml-latest-small/ratings.csv", b"a\n"), ("ml-latest-small/../../evil.csv", b"x\n")]);
    let url = server.route("/evil.zip", archive, Behaviour::Normal);
    let tmp = tempfile::tempdir().unwrap();
    let mut sources = vec![source("movielens.evil", &url, "movielens/evil.zip")];
    sources[0].extract = true;
    let ctx = context(tmp.path(), fetch_config(sources), false);

    let err = fetch::run(&ctx, &[], false).await.unwrap_err();

    let message = format!("{err:#}");
    assert!(message.contains("leaves the extraction folder"), "{message}");
    assert!(!tmp.path().join("evil.csv").exists() && !raw(tmp.path(), "evil.csv").exists());
    assert!(!raw(tmp.path(), "movielens/ratings.csv").exists(), "nothing is extracted from a hostile archive");
}

#[tokio::test]
async fn dry_run_writes_nothing() {
    let server = Server::start();
    let body = gzipped_tsv(11);
    let a = server.route("/title.basics.tsv.gz", body.clone(), Behaviour::Normal);
    let b = server.route("/ml-latest-small.zip", movielens_zip(&[]), Behaviour::Normal);
    let tmp = tempfile::tempdir().unwrap();
    let mut zip = source("movielens.ml-latest-small", &b, "movielens/ml-latest-small.zip");
    zip.extract = true;
    let ctx =
        context(tmp.path(), fetch_config(vec![source("imdb.title.basics", &a, "imdb/title.basics.tsv.gz"), zip]), true);

    let metrics = fetch::run(&ctx, &[], false).await.unwrap();

    assert_eq!(server.total_requests(), 0, "a dry run sends no request");
    assert!(!tmp.path().join("raw").exists(), "a dry run writes nothing");
    let plan = metrics.get("plan").and_then(|p| p.as_array()).expect("the plan is reported");
    assert_eq!(plan.len(), 2);
    assert_eq!(plan[0]["source"], "imdb.title.basics");
    assert_eq!(plan[0]["url"], a.as_str());
    assert_eq!(plan[0]["action"], "download");
    assert!(plan[1]["dest"].as_str().unwrap().ends_with("ml-latest-small.zip"));
}

#[tokio::test]
async fn an_unknown_source_name_is_refused_before_any_download() {
    let server = Server::start();
    let url = server.route("/title.basics.tsv.gz", gzipped_tsv(12), Behaviour::Normal);
    let tmp = tempfile::tempdir().unwrap();
    let ctx =
        context(tmp.path(), fetch_config(vec![source("imdb.title.basics", &url, "imdb/title.basics.tsv.gz")]), false);

    let err = fetch::run(&ctx, &["imdb.title.basic".to_string()], false).await.unwrap_err();

    assert!(err.to_string().contains("unknown fetch source 'imdb.title.basic'"), "{err}");
    assert!(err.to_string().contains("imdb.title.basics"), "the known names are listed: {err}");
    assert_eq!(server.total_requests(), 0);
}
