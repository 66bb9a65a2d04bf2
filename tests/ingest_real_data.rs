//! Ingest of every real dataset in ../shared/data: the row counts of its SOURCES.md and its known quirks.

use crate::common;

use common::*;
use polars::prelude::*;

#[test]
fn movielens_100k_is_ingested_whole_with_latin1_titles() {
    let data = tempfile::tempdir().unwrap();
    let ml = shared_data("ml-100k");
    let out = ingest_only(data.path(), None, Some(&ml), None, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let m = manifest(data.path());
    for (table, rows) in [("ml_ratings", 100_000), ("ml_movies", 1_682), ("ml_users", 943)] {
        let t = table_report(&m, table);
        assert_eq!(count(&t, "rows_written"), rows, "{table}");
        assert_eq!(count(&t, "rows_rejected"), 0, "{table}");
    }
    assert_nothing_lost(data.path(), &m);
    let movies = read_parquet(&data.path().join("lake/ml_movies.parquet"));
    let titles = movies.column("title").unwrap().str().unwrap();
    assert!(titles.iter().flatten().any(|t| t == "Misérables, Les (1995)"), "latin-1 é decoded");
    // 18 titles appear under two ids: kept, since the ids differ.
    let unknown = movies.clone().lazy().filter(col("title").eq(lit("unknown"))).collect().unwrap();
    assert_eq!(unknown.height(), 1, "movie 267 titled `unknown` is kept");
    let users = read_parquet(&data.path().join("lake/ml_users.parquet"));
    let zips = users.column("zip_code").unwrap().str().unwrap();
    assert!(zips.iter().flatten().any(|z| z == "T8H1N"), "non-numeric zip codes stay strings");
    let orphans = m["report"]["orphans"].as_array().unwrap();
    assert!(orphans.iter().all(|o| o["unknown_ids"] == 0), "{orphans:?}");
}

#[test]
fn movielens_latest_small_with_crlf_and_quoted_titles_is_ingested_whole() {
    let data = tempfile::tempdir().unwrap();
    let ml = shared_data("ml-latest-small");
    let out = ingest_only(data.path(), None, Some(&ml), None, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let m = manifest(data.path());
    for (table, rows) in [("ml_ratings", 100_836), ("ml_movies", 9_742), ("ml_tags", 3_683), ("links", 9_742)] {
        let t = table_report(&m, table);
        assert_eq!(count(&t, "rows_written"), rows, "{table}");
        assert_eq!(count(&t, "rows_rejected"), 0, "{table}");
    }
    assert_nothing_lost(data.path(), &m);
    let links = read_parquet(&data.path().join("lake/links.parquet"));
    assert_eq!(links.column("tmdb_id").unwrap().null_count(), 8, "8 links have no tmdbId");
    let ids = links.column("imdb_id").unwrap().str().unwrap();
    assert!(ids.iter().flatten().all(|id| id.starts_with("tt") && id.len() >= 9));
    let ratings = read_parquet(&data.path().join("lake/ml_ratings.parquet"));
    let distinct = ratings.column("movie_id").unwrap().n_unique().unwrap();
    assert_eq!(distinct, 9_724, "ratings cover 9,724 distinct movies");
    let movies = read_parquet(&data.path().join("lake/ml_movies.parquet"));
    let no_genres = movies.clone().lazy().filter(col("genres").list().len().eq(lit(0))).collect().unwrap();
    assert_eq!(no_genres.height(), 34, "`(no genres listed)` becomes an empty list");
    let titles = movies.column("title").unwrap().str().unwrap();
    assert!(titles.iter().flatten().all(|t| !t.ends_with('\r')), "CRLF stripped");
}

#[test]
fn imdb_head_sample_unquotes_principals_and_reports_orphans() {
    let data = tempfile::tempdir().unwrap();
    let imdb = shared_data("imdb-head50k");
    let out = ingest_only(data.path(), Some(&imdb), None, None, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let m = manifest(data.path());
    for table in ["titles", "imdb_ratings", "credits", "crew", "akas", "episodes", "people"] {
        assert_eq!(count(&table_report(&m, table), "rows_read"), 50_001, "{table}");
    }
    assert_nothing_lost(data.path(), &m);
    // The Hazards of Helen (1914), a serial catalogued as one title, runs 1,428 minutes: unusual but real, so it
    // is kept with its runtime and counted in the manifest, and its credits, crew and akas keep their title.
    let titles = table_report(&m, "titles");
    assert_eq!(count(&titles, "rows_rejected"), 0);
    assert!(titles["notes"].to_string().contains("over 1000 minutes"), "{}", titles["notes"]);
    let lake_titles = read_parquet(&data.path().join("lake/titles.parquet"))
        .lazy()
        .filter(col("runtime_minutes").gt(lit(1000)))
        .collect()
        .unwrap();
    assert_eq!(lake_titles.height(), 1);
    assert_eq!(lake_titles.column("primary_title").unwrap().str().unwrap().get(0), Some("The Hazards of Helen"));
    // The CSV-quoted principals are decoded back to the official format, not rejected.
    let credits = table_report(&m, "credits");
    assert_eq!(count(&credits, "rows_rejected"), 0);
    assert!(credits["notes"].to_string().contains("CSV-quoted"), "{}", credits["notes"]);
    let lake = read_parquet(&data.path().join("lake/credits.parquet"));
    let chars = lake.column("characters").unwrap().list().unwrap();
    assert_eq!(chars.len() - chars.null_count(), 27_924, "every quoted characters field decoded");
    let mut names = 0;
    for list in chars.amortized_iter().flatten() {
        for name in list.as_ref().str().unwrap().iter().flatten() {
            assert!(!name.starts_with('[') && !name.starts_with('"'), "left quoted: {name}");
            names += 1;
        }
    }
    assert!(names >= 27_924);
    let jobs = lake.column("job").unwrap().str().unwrap();
    assert!(jobs.iter().flatten().any(|j| j == "play \"Hamlet\""));
    // Partial joins of a head() sample are reported as orphans, never dropped.
    let orphan = |table: &str, field: &str| {
        m["report"]["orphans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["table"] == table && o["field"] == field)
            .cloned()
            .unwrap()
    };
    let people = orphan("credits", "nconst");
    assert_eq!(people["distinct_ids"], 9_612);
    assert_eq!(people["unknown_ids"], 9_612 - 459);
    // SOURCES.md: 32,238 rated titles are in title.basics, and every principals title is. With the long serial
    // kept rather than quarantined, its rating, credits, crew and akas have their title: no orphan of its own.
    let ratings = orphan("imdb_ratings", "tconst");
    assert_eq!(ratings["unknown_ids"], 50_001 - 32_238);
    assert_eq!(orphan("credits", "tconst")["unknown_ids"], 0);
    assert_eq!(orphan("crew", "tconst")["unknown_ids"], 0);
    assert_eq!(orphan("akas", "titleId")["unknown_ids"], 0);
    assert_eq!(read_parquet(&data.path().join("lake/imdb_ratings.parquet")).height(), 50_001, "orphan ratings kept");
    assert!(data.path().join("lake/catalogue.parquet").exists());
}

#[test]
fn imdb_movies_subset_without_ratings_needs_allow_partial() {
    let data = tempfile::tempdir().unwrap();
    let imdb = shared_data("imdb-movies-2000");
    let out = ingest_only(data.path(), Some(&imdb), None, None, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("title.ratings.tsv is required") && stderr.contains("--allow-partial"), "{stderr}");
    assert!(!data.path().join("lake").exists(), "nothing written on a refused ingest");

    let out = ingest_only(data.path(), Some(&imdb), None, None, &["--allow-partial"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let m = manifest(data.path());
    assert_eq!(count(&table_report(&m, "titles"), "rows_written"), 2_000);
    assert_eq!(count(&table_report(&m, "credits"), "rows_written"), 11_576);
    assert_eq!(count(&table_report(&m, "people"), "rows_written"), 10_177);
    assert_nothing_lost(data.path(), &m);
    let orphans = m["report"]["orphans"].as_array().unwrap();
    let people = orphans.iter().find(|o| o["table"] == "credits" && o["field"] == "nconst").unwrap();
    assert_eq!(people["unknown_ids"], 6, "6 referenced people are missing from name.basics");
    let titles = read_parquet(&data.path().join("lake/titles.parquet"));
    assert_eq!(titles.column("start_year").unwrap().null_count(), 637);
}

#[test]
fn tmdb_5000_keeps_every_movie_and_reads_zero_budgets_as_unknown() {
    let data = tempfile::tempdir().unwrap();
    let tmdb = shared_data("tmdb-5000");
    let out = ingest_only(data.path(), None, None, Some(&tmdb), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let m = manifest(data.path());
    let t = table_report(&m, "tmdb_movies");
    assert_eq!(count(&t, "rows_written"), 4_803);
    assert_eq!(count(&t, "rows_rejected"), 0);
    assert_nothing_lost(data.path(), &m);
    let movies = read_parquet(&data.path().join("lake/tmdb_movies.parquet"));
    assert_eq!(movies.column("budget").unwrap().null_count(), 1_037);
    assert_eq!(movies.column("revenue").unwrap().null_count(), 1_427);
    assert_eq!(movies.column("release_date").unwrap().null_count(), 1);
    let countries = movies.column("production_countries").unwrap().list().unwrap();
    let has_fr = countries
        .amortized_iter()
        .flatten()
        .filter(|s| s.as_ref().str().unwrap().iter().flatten().any(|c| c == "FR"))
        .count();
    assert!(has_fr > 100, "French co-productions found: {has_fr}");
}

#[test]
fn an_unchanged_input_is_skipped_unless_forced() {
    let data = tempfile::tempdir().unwrap();
    let tmdb = shared_data("tmdb-5000");
    assert!(ingest_only(data.path(), None, None, Some(&tmdb), &[]).status.success());
    let out = ingest_only(data.path(), None, None, Some(&tmdb), &[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("unchanged"));
    let out = ingest_only(data.path(), None, None, Some(&tmdb), &["--force"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("tmdb_movies"));
    let runs = std::fs::read_dir(data.path().join("runs")).unwrap().count();
    assert!(runs >= 1);
}
