//! The lake, marts and model runs on a real S3-compatible server (moto's, started on 127.0.0.1): the pipeline end
//! to end through it from two data folders (two machines), a reader during writes, a writer that lost the race,
//! old versions collected, and the analysts' engines (Spark, DuckDB) reading every table back.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use cinepicks_jobs::storage::{Area, Remote};

use crate::common;

const BUCKET: &str = "cinepicks";

/// moto's S3 server on a free port of 127.0.0.1, with one bucket; stopped when dropped.
struct S3Server {
    child: Child,
    endpoint: String,
}

impl S3Server {
    fn start(python: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(python)
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting moto's S3 server (pip package moto[server])");
        let endpoint = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(60), "moto's server did not listen on {endpoint}");
            std::thread::sleep(Duration::from_millis(100));
        }
        let server = Self { child, endpoint };
        let create = format!(
            "import boto3; boto3.client('s3', endpoint_url='{}', aws_access_key_id='test', \
             aws_secret_access_key='test', region_name='us-east-1').create_bucket(Bucket='{BUCKET}')",
            server.endpoint
        );
        let status = Command::new(python).args(["-c", &create]).status().unwrap();
        assert!(status.success(), "creating the bucket");
        server
    }

    /// What a machine of the installation has in its environment: the credentials, the endpoint and the areas.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", "test".into()),
            ("AWS_SECRET_ACCESS_KEY", "test".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".into()),
            ("CINEPICKS__DATA__LAKE_URL", format!("s3://{BUCKET}/network/lake")),
            ("CINEPICKS__DATA__MARTS_URL", format!("s3://{BUCKET}/network/marts")),
            ("CINEPICKS__DATA__MODELS_URL", format!("s3://{BUCKET}/network/models")),
            // The models' quality is not under test: light settings keep the runs short.
            ("CINEPICKS__POPULARITY__FOLDS", "0".into()),
            ("CINEPICKS__POPULARITY__TREES__ROUNDS", "30".into()),
            ("CINEPICKS__AUDIENCE__TREES__ROUNDS", "20".into()),
            ("CINEPICKS__RECOMMEND__EVALUATION__FOLDS", "0".into()),
        ]
    }

    fn remote(&self, area: Area) -> Remote {
        let url = format!("s3://{BUCKET}/network/{}", area.name());
        let settings = [
            ("aws_endpoint", self.endpoint.as_str()),
            ("aws_allow_http", "true"),
            ("aws_access_key_id", "test"),
            ("aws_secret_access_key", "test"),
            ("aws_region", "us-east-1"),
        ];
        Remote::open_with(area, &url, &settings).unwrap()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(data: &Path, s3: &S3Server, args: &[&str], extra: &[(&str, &str)]) -> String {
    let env = s3.env();
    let mut all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    all.extend_from_slice(extra);
    common::cinepicks_ok_with_env(data, args, &all)
}

#[test]
fn the_pipeline_runs_on_object_storage_from_two_machines_and_readers_never_see_a_mix() {
    let Ok(python) = std::env::var("CINEPICKS_PYTHON") else {
        eprintln!("CINEPICKS_PYTHON is not set: the object storage test runs under `make test` (moto's server)");
        return;
    };
    let s3 = S3Server::start(&python);
    let machines = tempfile::tempdir().unwrap();
    let (a, b) = (machines.path().join("a"), machines.path().join("b"));

    // Machine A fetches (here: generates) the dumps and runs the nightly chain against the store.
    common::cinepicks_ok(&a, &["generate", "--scale", "0.002"]);
    for stage in ["ingest", "train", "analyze", "publish"] {
        run(&a, &s3, &[stage], &[]);
    }
    assert!(!a.join("lake/titles.parquet").exists(), "the lake went to the store, not to the data folder");
    let lake = s3.remote(Area::Lake).current().unwrap().expect("a committed lake");
    let marts = s3.remote(Area::Marts).current().unwrap().expect("committed marts");
    let models = s3.remote(Area::Models).current().unwrap().expect("committed model runs");
    for table in ["titles.parquet", "catalogue.parquet", "ml_ratings.parquet", "_manifest.json"] {
        assert!(lake.manifest.files.contains_key(table), "{table} missing from the lake's manifest");
    }
    let titles = lake.manifest.files["titles.parquet"].table.as_ref().expect("a Parquet table's shape");
    assert!(titles.rows > 100 && titles.columns.iter().any(|c| c.name == "primary_title"), "{titles:?}");
    assert!(marts.manifest.files.contains_key("report.html"), "{:?}", marts.manifest.files.keys());
    assert!(models.manifest.files.keys().any(|f| f.ends_with("/run.json")), "{:?}", models.manifest.files.keys());
    // The mirror A worked on is exactly the committed version.
    let mirrored = a.join("mirror/lake").join(&lake.manifest.version);
    let titles_rows = common::read_parquet(&mirrored.join("titles.parquet")).height() as u64;
    assert_eq!(titles_rows, titles.rows);

    // Machine B has no dumps and no lake of its own: it analyzes and publishes from the store.
    std::fs::create_dir_all(&b).unwrap();
    run(&b, &s3, &["analyze"], &[]);
    let published = run(&b, &s3, &["publish"], &[]);
    assert!(b.join("mirror/models").join(&models.manifest.version).is_dir(), "{published}");
    let marts_b = s3.remote(Area::Marts).current().unwrap().unwrap();
    assert_eq!(marts_b.manifest.previous.as_deref(), Some(marts.manifest.version.as_str()), "B built on A's marts");
    let status = run(&b, &s3, &["status"], &[]);
    for version in [&lake.manifest.version, &marts_b.manifest.version, &models.manifest.version] {
        assert!(status.contains(&format!("version {version} committed")), "{status}");
    }

    // Unchanged dumps: ingest skips them and the lake keeps its version.
    run(&a, &s3, &["ingest"], &[]);
    assert_eq!(s3.remote(Area::Lake).current().unwrap().unwrap().manifest.version, lake.manifest.version);

    // A reader copying the current lake over and over while A writes three new versions: every copy is one whole
    // version (the download checks each file's size and hash against that version's manifest).
    let writer = {
        let (a, s3_env) = (a.clone(), s3.env());
        std::thread::spawn(move || {
            let env: Vec<(&str, &str)> = s3_env.iter().map(|(k, v)| (*k, v.as_str())).collect();
            for _ in 0..3 {
                common::cinepicks_ok_with_env(&a, &["ingest", "--force"], &env);
            }
        })
    };
    let reader = s3.remote(Area::Lake);
    let mut seen = std::collections::BTreeSet::new();
    let mut copies = 0;
    while !writer.is_finished() || copies == 0 {
        let current = reader.current().unwrap().unwrap();
        let copy = tempfile::tempdir().unwrap();
        reader.download(&current.manifest, copy.path()).expect("a whole version, never a mix");
        for (file, entry) in &current.manifest.files {
            if let Some(table) = &entry.table {
                assert_eq!(common::read_parquet(&copy.path().join(file)).height() as u64, table.rows, "{file}");
            }
        }
        seen.insert(current.manifest.version);
        copies += 1;
    }
    writer.join().unwrap();
    let (committed, _) = reader.stored_versions().unwrap();
    assert_eq!(committed.len(), 4, "one version per ingest that changed something: {committed:?}");
    eprintln!("{copies} copies of the lake during the writes, {} versions seen", seen.len());

    // Two writers from the same version: the second commit is refused, the first stays current.
    let base = reader.current().unwrap().unwrap();
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    std::fs::write(first.path().join("note.txt"), "first").unwrap();
    std::fs::write(second.path().join("note.txt"), "second").unwrap();
    let version = |now| cinepicks_jobs::storage::new_version(now, Some(&base.manifest.version));
    let won =
        reader.commit(first.path(), Some(&base), None, &version(Utc::now()), Utc::now()).unwrap().expect("a version");
    let lost = reader.commit(second.path(), Some(&base), None, &version(Utc::now()), Utc::now()).unwrap_err();
    assert!(format!("{lost:#}").contains("another writer committed"), "{lost:#}");
    assert_eq!(reader.current().unwrap().unwrap().manifest.version, won.version);

    // Two hours later, with two versions kept: the older ones and the lost writer's files are collected.
    let later = (Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    run(&a, &s3, &["ingest", "--force"], &[("CINEPICKS_NOW", &later), ("CINEPICKS__DATA__KEEP_VERSIONS", "2")]);
    let (committed, stored) = reader.stored_versions().unwrap();
    assert_eq!(committed.len(), 2, "{committed:?}");
    assert_eq!(stored, committed, "version folders left behind");
    let current = reader.current().unwrap().unwrap();
    assert_eq!(committed.last(), Some(&current.manifest.version));

    // The analysts' engines read every table of the lake and the marts, from the store and from A's mirror.
    let marts = s3.remote(Area::Marts).current().unwrap().unwrap();
    let mut check = Command::new(&python);
    check
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/readers/read_shared_lake.py"))
        .args(["--endpoint", &s3.endpoint, "--bucket", BUCKET])
        .args(["--area", "network/lake", "--mirror"])
        .arg(a.join("mirror/lake").join(&current.manifest.version))
        .args(["--area", "network/marts", "--mirror"])
        .arg(b.join("mirror/marts").join(&marts.manifest.version));
    let out = check.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let tables = current.manifest.files.values().chain(marts.manifest.files.values()).filter(|f| f.table.is_some());
    let expected = tables.count();
    assert!(stdout.contains(&format!("{expected} tables checked")), "{stdout}");
}
