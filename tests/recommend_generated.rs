//! Train, evaluate and recommend end to end on generated data, whose ratings follow planted tastes.

use crate::common;

use std::path::Path;

use cinepicks_generator::{GenerateOptions, generate};
use common::*;
use polars::prelude::*;

/// A generated, ingested and trained data folder shared by the tests of this file.
fn trained() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let data = tempfile::tempdir().unwrap();
        let opts = GenerateOptions { scale: 0.01, seed: 5, corrupt_share: 0.0, threads: 2 };
        generate(&opts, &data.path().join("raw"), &|_, _| {}).expect("generating test data");
        cinepicks_ok(data.path(), &["ingest"]);
        cinepicks_ok(data.path(), &["train"]);
        data
    })
    .path()
}

fn run_dirs(data: &Path) -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(data.join("models"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("run.json").exists())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn training_writes_a_complete_run_with_neighbours_for_every_catalogue_film() {
    let data = trained();
    let run = run_dirs(data).pop().expect("a run folder");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap();
    assert_eq!(manifest["status"], "succeeded");
    // Generated data has IMDb ratings and MovieLens demographics, so both XGBoost models train beside the recommender.
    assert_eq!(manifest["kinds"], serde_json::json!(["recommender", "popularity", "audience"]));
    assert!(run.join("popularity").join("manifest.json").exists());
    assert!(run.join("audience").join("model.json").exists());
    assert_eq!(manifest["artefacts"]["similar_films"], "similar_films.parquet");
    assert!(manifest["data_hashes"]["catalogue"].as_str().unwrap().starts_with("sha256:"));
    assert!(manifest["created_at"].as_str().unwrap().contains('T'));
    assert!(run.join("metrics.json").exists());

    let similar = read_parquet(&run.join("similar_films.parquet"));
    let schema = similar.schema();
    for (name, dtype) in [
        ("film_id", DataType::String),
        ("neighbour_id", DataType::String),
        ("rank", DataType::UInt32),
        ("score", DataType::Float32),
        ("model", DataType::String),
        ("reason_kind", DataType::String),
        ("reason_detail", DataType::String),
    ] {
        assert_eq!(schema.get(name), Some(&dtype), "column {name}");
    }
    let catalogue = read_parquet(&data.join("lake/catalogue.parquet"));
    let films_with_neighbours = similar.column("film_id").unwrap().n_unique().unwrap();
    assert_eq!(films_with_neighbours, catalogue.height(), "every catalogue film has neighbours");
    let self_links = similar.clone().lazy().filter(col("film_id").eq(col("neighbour_id"))).collect().unwrap().height();
    assert_eq!(self_links, 0, "a film is never its own neighbour");
    let kinds: Vec<String> = similar
        .column("reason_kind")
        .unwrap()
        .unique()
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    assert!(kinds.iter().any(|k| k == "co_liked"), "the crowd explains some neighbours: {kinds:?}");
    assert!(kinds.iter().any(|k| k == "same_director" || k == "shared_cast"), "people explain some: {kinds:?}");
    let first_ranks = similar.clone().lazy().filter(col("rank").eq(lit(1u32))).collect().unwrap().height();
    assert_eq!(first_ranks, catalogue.height(), "ranks start at 1 for every film");
}

#[test]
fn a_real_model_beats_the_popularity_baseline_on_planted_tastes() {
    let data = trained();
    let out = tempfile::tempdir().unwrap();
    let o = out.path().display().to_string();
    let stdout = cinepicks_ok(data, &["evaluate", "--folds", "0", "--out", &o]);
    assert!(stdout.contains("NDCG@10"), "{stdout}");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("metrics.json")).unwrap()).unwrap();
    let ndcg = |model: &str| {
        m["top_n"].as_array().unwrap().iter().find(|r| r["model"] == model).unwrap_or_else(|| panic!("{model}"))["test"]
            ["ndcg"]
            .as_f64()
            .unwrap()
    };
    let popularity = ndcg("popularity");
    // Measured at seed 5: popularity ≈ 0.25, EASE and hybrid ≈ 0.26 (popular films are also well liked there).
    for model in ["ease", "hybrid"] {
        assert!(ndcg(model) > popularity, "{model} {} vs popularity {popularity}", ndcg(model));
    }
}

#[test]
fn recommend_gives_five_films_with_reasons_for_a_title() {
    let data = trained();
    let run = run_dirs(data).pop().unwrap();
    let films = read_parquet(&run.join("films.parquet"));
    let title = films.column("original_title").unwrap().str().unwrap().get(0).unwrap().to_owned();
    let year = films.column("year").unwrap().i32().unwrap().get(0).unwrap();
    let query = format!("{} ({year})", title.to_uppercase());
    let stdout = cinepicks_ok(data, &["recommend", &query]);
    assert!(stdout.starts_with("Films proches de"), "French by default: {stdout}");
    let picks: Vec<&str> = stdout.lines().filter(|l| l.trim_start().starts_with(char::is_numeric)).collect();
    assert_eq!(picks.len(), 5, "{stdout}");
    assert!(picks.iter().all(|l| l.contains(" — ")), "each pick has a reason: {stdout}");
    assert!(!cinepicks_domain::titles::contains_raw_id(&stdout), "people read titles, not ids: {stdout}");
    let english = cinepicks_ok(data, &["recommend", &query, "--locale", "en", "--n", "3"]);
    assert!(english.starts_with("Films like"), "{english}");
    assert_eq!(english.lines().filter(|l| l.trim_start().starts_with(char::is_numeric)).count(), 3);
}

#[test]
fn liked_films_and_excluded_films_are_never_proposed() {
    let data = trained();
    let run = run_dirs(data).pop().unwrap();
    let similar = read_parquet(&run.join("similar_films.parquet"));
    let ids = similar.column("film_id").unwrap().str().unwrap();
    let neighbours = similar.column("neighbour_id").unwrap().str().unwrap();
    let (a, b) = (ids.get(0).unwrap().to_owned(), neighbours.get(0).unwrap().to_owned());
    let likes = format!("{a}; {b}");
    let first = recommended_ids(data, &["--likes", &likes]);
    assert_eq!(first.len(), 5);
    assert!(!first.iter().any(|id| *id == a || *id == b), "likes excluded: {first:?}");
    let top_id = &first[0];
    let second = recommended_ids(data, &["--likes", &likes, "--exclude", top_id]);
    assert!(!second.contains(top_id), "excluded film still proposed: {second:?}");
}

#[test]
fn a_programme_restricts_the_films_proposed() {
    let data = trained();
    let run = run_dirs(data).pop().unwrap();
    let similar = read_parquet(&run.join("similar_films.parquet"));
    let film = similar.column("film_id").unwrap().str().unwrap().get(0).unwrap().to_owned();
    let mine: Vec<String> = similar
        .clone()
        .lazy()
        .filter(col("film_id").eq(lit(film.clone())))
        .collect()
        .unwrap()
        .column("neighbour_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    // Two neighbours of the film and four films that are not: the neighbours come first, in their order,
    // and the others complete the five picks, each with a reason.
    let films = read_parquet(&run.join("films.parquet"));
    let others: Vec<String> = films
        .column("film_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .filter(|id| *id != film && !mine.iter().any(|m| m == id))
        .take(4)
        .map(str::to_owned)
        .collect();
    let programme = tempfile::NamedTempFile::new().unwrap();
    let list: Vec<&str> = [&mine[3], &mine[7]].into_iter().chain(&others).map(String::as_str).collect();
    std::fs::write(programme.path(), list.join("\n")).unwrap();
    let out = recommended(data, &[&film, "--candidates", programme.path().to_str().unwrap()]);
    let ids: Vec<&str> = out.iter().map(|p| p["film_id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 5, "{out:?}");
    assert!(ids[0] == mine[3] && ids[1] == mine[7], "programme films in neighbour order: {out:?}");
    for pick in &out[2..] {
        assert!(others.iter().any(|o| pick["film_id"] == o.as_str()), "only programme films: {out:?}");
        let reason = pick["reason"].as_str().unwrap();
        assert!(reason.contains("dans l'esprit de") || reason.contains("les plus appréciés"), "{out:?}");
    }

    // A programme of two films gives two picks, and says why there are no more.
    std::fs::write(programme.path(), format!("{}\n{}\n", mine[3], mine[7])).unwrap();
    let out = cinepicks_ok(data, &["recommend", &film, "--candidates", programme.path().to_str().unwrap()]);
    assert_eq!(out.lines().filter(|l| l.trim_start().starts_with(char::is_numeric)).count(), 2, "{out}");
    assert!(out.contains("2 film(s) seulement"), "{out}");
}

#[test]
fn an_unknown_title_fails_with_suggestions() {
    let data = trained();
    let run = run_dirs(data).pop().unwrap();
    let films = read_parquet(&run.join("films.parquet"));
    let title = films.column("primary_title").unwrap().str().unwrap().get(0).unwrap().to_owned();
    // Drop one letter in the middle and append an unrelated word: close, but not the title.
    let mut garbled: String = title.clone();
    garbled.remove(garbled.len() / 2);
    let out = cinepicks(data, &["recommend", &format!("{garbled} xyzzy quux")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("aucun film ne correspond"), "{stderr}");
    let none = cinepicks(data, &["recommend", "qqqqqqqqqqqqqq"]);
    assert_eq!(none.status.code(), Some(1));
}

#[test]
fn an_incomplete_run_is_ignored() {
    let data = trained();
    let good = run_dirs(data).pop().unwrap();
    // A newer folder without run.json, as a crashed training would leave.
    let broken = data.join("models/99991231T235959Z");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::copy(good.join("films.parquet"), broken.join("films.parquet")).unwrap();
    let out = cinepicks_ok(data, &["recommend", &first_film(&good)]);
    assert!(out.lines().count() > 1, "{out}");
    std::fs::remove_dir_all(&broken).unwrap();
}

fn first_film(run: &Path) -> String {
    let films = read_parquet(&run.join("films.parquet"));
    films.column("film_id").unwrap().str().unwrap().get(0).unwrap().to_owned()
}

#[test]
fn the_exported_split_partitions_the_ratings_and_is_reproducible() {
    let data = trained();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [&a, &b] {
        let d = dir.path().display().to_string();
        cinepicks_ok(data, &["evaluate", "--folds", "0", "--no-content", "--export-split", &d, "--out", &d]);
    }
    let lines = |p: &Path| std::fs::read_to_string(p).unwrap().lines().skip(1).count();
    let (train, test) = (lines(&a.path().join("train.csv")), lines(&a.path().join("test.csv")));
    assert_eq!(train + test, 100_000, "every rating in exactly one file");
    assert!((test as f64 / 100_000.0 - 0.2).abs() < 0.01, "about 20% in test: {test}");
    assert_eq!(
        std::fs::read(a.path().join("test.csv")).unwrap(),
        std::fs::read(b.path().join("test.csv")).unwrap(),
        "the same seed gives the same split"
    );
    assert!(std::fs::read_to_string(a.path().join("train.csv")).unwrap().starts_with("user,item,rating\n"));
}

/// The picks of `recommend ARGS` as its JSON output gives them: film_id, title, reason.
fn recommended(data: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut full = vec!["--output", "json", "recommend"];
    full.extend_from_slice(args);
    let out: serde_json::Value = serde_json::from_str(&cinepicks_ok(data, &full)).expect("JSON on stdout");
    out["picks"].as_array().expect("picks").clone()
}

fn recommended_ids(data: &Path, args: &[&str]) -> Vec<String> {
    recommended(data, args).iter().map(|p| p["film_id"].as_str().unwrap().to_owned()).collect()
}
