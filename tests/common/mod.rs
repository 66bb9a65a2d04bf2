//! Shared helpers of the end-to-end tests: run the real binary, find the shared datasets, read outputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use polars::prelude::*;

pub use cinepicks_test_support::{sms_gateway, smtp, store};

/// The real public datasets beside the repository (never copied into it).
pub fn shared_data(dataset: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data").join(dataset);
    assert!(dir.is_dir(), "{} is missing: the tests need ../shared/data beside the repository", dir.display());
    dir
}

/// Runs `cinepicks --data-dir <data> <args>` and returns its output.
pub fn cinepicks(data: &Path, args: &[&str]) -> Output {
    cinepicks_with_env(data, args, &[])
}

/// [`cinepicks`] with more environment variables (configuration overrides, credentials).
pub fn cinepicks_with_env(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cinepicks"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("CINEPICKS_CONFIG")
        // As in production: the links of messages are signed with a secret from the environment.
        .env("CINEPICKS_UNSUBSCRIBE_SECRET", "end-to-end test secret, not a real one")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .output()
        .expect("running the cinepicks binary")
}

/// Like [`cinepicks`] but fails the test, with both streams, when the command fails.
pub fn cinepicks_ok(data: &Path, args: &[&str]) -> String {
    cinepicks_ok_with_env(data, args, &[])
}

/// [`cinepicks_ok`] with more environment variables.
pub fn cinepicks_ok_with_env(data: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = cinepicks_with_env(data, args, env);
    assert!(
        out.status.success(),
        "cinepicks {args:?} failed with {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Ingest of only the given source folders (the others point nowhere).
pub fn ingest_only(
    data: &Path,
    imdb: Option<&Path>,
    movielens: Option<&Path>,
    tmdb: Option<&Path>,
    extra: &[&str],
) -> Output {
    let none = data.join("absent");
    let arg = |p: Option<&Path>| p.unwrap_or(&none).display().to_string();
    let (i, m, t) = (arg(imdb), arg(movielens), arg(tmdb));
    let mut args = vec!["ingest", "--imdb", &i, "--movielens", &m, "--tmdb", &t];
    args.extend_from_slice(extra);
    cinepicks(data, &args)
}

/// The manifest of the last successful ingest.
pub fn manifest(data: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(data.join("lake/_manifest.json")).expect("lake/_manifest.json exists");
    serde_json::from_str(&text).expect("manifest is JSON")
}

/// One table's entry in the manifest's report.
pub fn table_report(manifest: &serde_json::Value, table: &str) -> serde_json::Value {
    manifest["report"]["tables"]
        .as_array()
        .expect("tables array")
        .iter()
        .find(|t| t["table"] == table)
        .unwrap_or_else(|| panic!("table {table} not in the manifest"))
        .clone()
}

pub fn count(report: &serde_json::Value, key: &str) -> u64 {
    report[key].as_u64().unwrap_or_else(|| panic!("{key} missing in {report}"))
}

/// Reads a Parquet file of the lake or quarantine.
pub fn read_parquet(path: &Path) -> DataFrame {
    LazyFrame::scan_parquet(PlRefPath::new(path.to_str().unwrap()), Default::default())
        .and_then(LazyFrame::collect)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// read = written + rejected, the lake file holds `written` rows, and the quarantine holds `rejected`.
pub fn assert_nothing_lost(data: &Path, manifest: &serde_json::Value) {
    for t in manifest["report"]["tables"].as_array().unwrap() {
        let name = t["table"].as_str().unwrap();
        let (read, written, rejected) = (count(t, "rows_read"), count(t, "rows_written"), count(t, "rows_rejected"));
        assert_eq!(read, written + rejected, "{name}: read != written + rejected");
        let lake = read_parquet(&data.join(format!("lake/{name}.parquet")));
        assert_eq!(lake.height() as u64, count(t, "lake_rows"), "{name}: lake rows");
        let quarantine = data.join(format!("quarantine/{name}.parquet"));
        if rejected > 0 {
            let q = read_parquet(&quarantine);
            assert_eq!(q.height() as u64, rejected, "{name}: quarantine rows");
            assert_eq!(q.column("reason").unwrap().null_count(), 0);
        } else {
            assert!(!quarantine.exists(), "{name}: a quarantine file without rejected rows");
        }
    }
}
