//! Ingest of generated data and of malformed files: exact quarantine counts, clear errors, no panic.

use crate::common;

use std::io::Write;
use std::path::Path;

use cinepicks_generator::{GenerateOptions, generate};
use common::*;

const IMDB_TABLES: [(&str, &str); 7] = [
    ("title.basics.tsv.gz", "titles"),
    ("title.ratings.tsv.gz", "imdb_ratings"),
    ("title.principals.tsv.gz", "credits"),
    ("title.crew.tsv.gz", "crew"),
    ("title.akas.tsv.gz", "akas"),
    ("title.episode.tsv.gz", "episodes"),
    ("name.basics.tsv.gz", "people"),
];

fn generated(data: &Path, corrupt_share: f64) -> cinepicks_generator::GenerateSummary {
    let opts = GenerateOptions { scale: 0.002, seed: 11, corrupt_share, threads: 2 };
    generate(&opts, &data.join("raw"), &|_, _| {}).expect("generating test data")
}

#[test]
fn every_corrupted_row_is_quarantined_and_every_other_row_kept() {
    let data = tempfile::tempdir().unwrap();
    let summary = generated(data.path(), 0.004);
    cinepicks_ok(data.path(), &["ingest"]);
    let m = manifest(data.path());
    assert_nothing_lost(data.path(), &m);
    for (file, table) in
        IMDB_TABLES.iter().chain(&[("u.data", "ml_ratings"), ("u.item", "ml_movies"), ("u.user", "ml_users")])
    {
        let generated = summary.file(file).unwrap_or_else(|| panic!("{file} generated"));
        let report = table_report(&m, table);
        assert_eq!(count(&report, "rows_read"), generated.rows, "{table}: every row read");
        assert_eq!(
            count(&report, "rows_rejected"),
            generated.corrupted_rows,
            "{table}: exactly the corrupted rows rejected"
        );
    }
    let catalogue = read_parquet(&data.path().join("lake/catalogue.parquet"));
    assert!(catalogue.height() > 50, "a catalogue of programmable films: {}", catalogue.height());
    assert!(catalogue.column("french_title").unwrap().null_count() < catalogue.height(), "French titles found");
}

#[test]
fn too_many_bad_rows_fail_the_ingest_naming_file_counts_and_lines() {
    let data = tempfile::tempdir().unwrap();
    generated(data.path(), 0.05);
    let out = cinepicks(data.path(), &["ingest"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("title.basics.tsv.gz") && stderr.contains("rows rejected") && stderr.contains("line "),
        "{stderr}"
    );
    assert!(!data.path().join("lake/titles.parquet").exists(), "the lake is left unchanged");
    assert!(data.path().join("quarantine/titles.parquet").exists(), "rejected rows are kept for inspection");
    // Raising the limit lets the same data through.
    let out = cinepicks(
        data.path(),
        &["--config", &write_config(data.path(), "ingest:\n  max_rejected_share: 0.2\n"), "ingest"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn write_config(dir: &Path, yaml: &str) -> String {
    let path = dir.join("env.yaml");
    std::fs::write(&path, yaml).unwrap();
    path.display().to_string()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

const BASICS_HEADER: &str =
    "tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres\n";
const RATINGS: &str = "tconst\taverageRating\tnumVotes\ntt0000001\t5.7\t2100\n";

/// An IMDb folder with the given title.basics bytes and a valid title.ratings.
fn imdb_dir(root: &Path, basics_name: &str, basics: &[u8]) -> std::path::PathBuf {
    let dir = root.join("imdb");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(basics_name), basics).unwrap();
    std::fs::write(dir.join("title.ratings.tsv"), RATINGS).unwrap();
    dir
}

#[test]
fn a_truncated_gzip_is_a_clear_error_and_leaves_the_lake_alone() {
    let data = tempfile::tempdir().unwrap();
    let mut text = BASICS_HEADER.to_owned();
    for i in 1..20_000 {
        text.push_str(&format!("tt{i:07}\tmovie\tFilm {i}\tFilm {i}\t0\t1999\t\\N\t90\tDrama\n"));
    }
    let gz = gzip(text.as_bytes());
    let dir = imdb_dir(data.path(), "title.basics.tsv.gz", &gz[..gz.len() / 2]);
    let out = ingest_only(data.path(), Some(&dir), None, None, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("title.basics.tsv.gz is truncated"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!data.path().join("lake/titles.parquet").exists());
}

#[test]
fn an_empty_file_and_a_wrong_header_are_named() {
    let data = tempfile::tempdir().unwrap();
    let dir = imdb_dir(data.path(), "title.basics.tsv", b"");
    let out = ingest_only(data.path(), Some(&dir), None, None, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("title.basics.tsv is empty"));

    let dir = imdb_dir(data.path(), "title.basics.tsv", b"id\ttype\n");
    let out = ingest_only(data.path(), Some(&dir), None, None, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("unexpected header") && stderr.contains("tconst"), "{stderr}");
}

#[test]
fn crlf_a_bom_and_bad_rows_in_a_small_file_are_handled_row_by_row() {
    let data = tempfile::tempdir().unwrap();
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend_from_slice(BASICS_HEADER.replace('\n', "\r\n").as_bytes());
    // 400 good rows keep the 3 bad ones (0.74%) under the default 1% limit.
    for i in 1..=400 {
        text.extend_from_slice(format!("tt{i:07}\tmovie\tFilm {i}\tFilm {i}\t0\t1999\t\\N\t90\tDrama\r\n").as_bytes());
    }
    text.extend_from_slice(b"tt0000401\tmovie\tBad \xFF byte\tx\t0\t1999\t\\N\t90\tDrama\r\n");
    text.extend_from_slice(b"tt0000402\tmovie\ttoo few fields\r\n");
    text.extend_from_slice(b"tt0000001\tmovie\tDuplicate\tx\t0\t1999\t\\N\t90\tDrama\r\n");
    let dir = imdb_dir(data.path(), "title.basics.tsv", &text);
    let out = ingest_only(data.path(), Some(&dir), None, None, &["--allow-partial"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let m = manifest(data.path());
    let titles = table_report(&m, "titles");
    assert_eq!(count(&titles, "rows_read"), 403);
    assert_eq!(count(&titles, "rows_rejected"), 3);
    assert_nothing_lost(data.path(), &m);
    let q = read_parquet(&data.path().join("quarantine/titles.parquet"));
    let codes: Vec<_> = q.column("reason_code").unwrap().str().unwrap().iter().flatten().map(str::to_owned).collect();
    assert_eq!(codes, ["invalid_utf8", "field_count", "duplicate_key"]);
    let lines: Vec<_> = q.column("line").unwrap().i64().unwrap().iter().flatten().collect();
    assert_eq!(lines, [402, 403, 404], "physical line numbers, header is line 1");
    let lake = read_parquet(&data.path().join("lake/titles.parquet"));
    let ids = lake.column("title_id").unwrap().str().unwrap();
    assert!(ids.iter().flatten().all(|id| !id.contains('\u{feff}')), "BOM removed");
    let genres = lake.column("genres").unwrap().list().unwrap().get_as_series(0).unwrap();
    assert_eq!(genres.str().unwrap().get(0), Some("Drama"), "CR removed from the last field");
}

#[test]
fn configuration_errors_exit_with_code_2_and_name_the_key() {
    let data = tempfile::tempdir().unwrap();
    let config = write_config(data.path(), "ingest:\n  max_rejected: 0.5\n");
    let out = cinepicks(data.path(), &["--config", &config, "ingest"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ingest.max_rejected"));
    let out = cinepicks(data.path(), &["no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn dry_run_lists_inputs_and_writes_nothing() {
    let data = tempfile::tempdir().unwrap();
    generated(data.path(), 0.0);
    let stdout = cinepicks_ok(data.path(), &["ingest", "--dry-run"]);
    assert!(stdout.contains("title.principals.tsv.gz") && stdout.contains("credits"), "{stdout}");
    assert!(!data.path().join("lake").exists());
}
