//! `cinepicks analyze` on lakes ingested from the real datasets in ../shared/data: every mart with its
//! documented schema, invariants that real data must satisfy, fallbacks when inputs are absent, and a
//! self-contained report with every chart.

use crate::common;

use std::path::Path;

use cinepicks_domain::titles;
use cinepicks_pipeline::analyze::MARTS;
use common::*;
use polars::prelude::*;

/// Ingests the given shared datasets into `data`.
fn lake(data: &Path, imdb: Option<&str>, movielens: Option<&str>, tmdb: Option<&str>, extra: &[&str]) {
    let (i, m, t) = (imdb.map(shared_data), movielens.map(shared_data), tmdb.map(shared_data));
    let out = ingest_only(data, i.as_deref(), m.as_deref(), t.as_deref(), extra);
    assert!(out.status.success(), "ingest failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

fn mart(data: &Path, name: &str) -> DataFrame {
    read_parquet(&data.join(format!("marts/{name}.parquet")))
}

fn report(data: &Path) -> String {
    std::fs::read_to_string(data.join("marts/report.html")).expect("marts/report.html exists")
}

fn filter(df: &DataFrame, predicate: Expr) -> DataFrame {
    df.clone().lazy().filter(predicate).collect().unwrap()
}

fn f64s(df: &DataFrame, column: &str) -> Vec<f64> {
    df.column(column).unwrap().cast(&DataType::Float64).unwrap().f64().unwrap().iter().flatten().collect()
}

fn i64s(df: &DataFrame, column: &str) -> Vec<i64> {
    df.column(column).unwrap().cast(&DataType::Int64).unwrap().i64().unwrap().iter().flatten().collect()
}

fn strs(df: &DataFrame, column: &str) -> Vec<String> {
    df.column(column).unwrap().str().unwrap().iter().flatten().map(str::to_owned).collect()
}

/// Every mart file exists with exactly the registry's columns and types, and no temporary file is left.
fn assert_marts_match_their_schemas(data: &Path) {
    for m in &MARTS {
        let df = mart(data, m.name);
        let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
        let expected: Vec<&str> = m.schema.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, expected, "{} columns", m.name);
        for (name, t) in m.schema {
            assert_eq!(df.column(name).unwrap().dtype(), &t.dtype(), "{}.{name} type", m.name);
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(data.join("marts"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// The report opens offline: no script, no external URL other than the SVG namespace, every chart inline,
/// and a chart for each question that has data.
fn assert_report_is_self_contained_with_every_chart(data: &Path, html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "the report runs no script");
    let external = html.replace("http://www.w3.org/2000/svg", "");
    assert!(!external.contains("http://") && !external.contains("https://"), "no external resource");
    assert!(!external.contains("url(") && !external.contains("@import"), "no external stylesheet or font");
    // Real dumps credit people missing from name.basics: the report names people or leaves them out.
    let ids: Vec<&str> = html.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| titles::is_raw_id(w)).collect();
    assert!(ids.is_empty(), "raw ids in the report: {ids:?}");
    for m in &MARTS {
        assert!(html.contains(&format!("<section class=\"q\" id=\"{}\">", m.name)), "a section for {}", m.name);
    }
    let charts: Vec<_> = std::fs::read_dir(data.join("marts/charts")).unwrap().flatten().map(|e| e.path()).collect();
    let with_data = MARTS.iter().filter(|m| mart(data, m.name).height() > 0).count();
    assert!(charts.len() >= with_data, "a chart per question with data ({with_data}): {charts:?}");
    for chart in &charts {
        let stem = chart.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(html.contains(&format!("<figure data-chart=\"{stem}\"><svg")), "chart {stem} is inline in the report");
        let svg = std::fs::read_to_string(chart).unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.ends_with("</svg>"), "{stem}");
    }
    assert_eq!(html.matches("<svg").count(), charts.len(), "every inline chart is also a file");
}

#[test]
fn analyze_on_imdb_movielens_100k_and_tmdb_writes_every_mart_and_a_french_report() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    lake(d, Some("imdb-head50k"), Some("ml-100k"), Some("tmdb-5000"), &[]);
    let out = cinepicks_ok(d, &["analyze"]);
    assert!(out.contains("report.html"), "the job says where the report is:\n{out}");
    assert_marts_match_their_schemas(d);

    // 1. TMDB countries: the US lead, shares are fractions, the overall rows rank from 1.
    let countries = mart(d, "countries");
    let tmdb_all = filter(&countries, col("source").eq(lit("tmdb")).and(col("decade").is_null()));
    assert_eq!(strs(&tmdb_all.clone().lazy().filter(col("rank").eq(lit(1))).collect().unwrap(), "country"), ["US"]);
    assert!(f64s(&countries, "share").iter().all(|s| *s > 0.0 && *s <= 1.0));
    assert!(filter(&countries, col("source").eq(lit("akas"))).height() > 0, "akas regions are counted too");

    // 2. Actors: ranks start at 1 in each scope, the active period is ordered.
    let actors = mart(d, "actors");
    assert!(actors.height() > 0);
    let (first, last) = (i64s(&actors, "first_year"), i64s(&actors, "last_year"));
    assert!(first.iter().zip(&last).all(|(a, b)| a <= b), "first year ≤ last year");

    // 3. Runtime: plausible film means, and the CI brackets the slope.
    let runtime = mart(d, "runtime");
    let film_all = filter(&runtime, col("kind").eq(lit("film")).and(col("scope").eq(lit("all"))));
    let mean = f64s(&film_all, "mean_minutes")[0];
    assert!((40.0..200.0).contains(&mean), "mean film runtime {mean}");
    let (s, lo, hi) = (
        f64s(&film_all, "slope_minutes_per_year")[0],
        f64s(&film_all, "slope_ci_low")[0],
        f64s(&film_all, "slope_ci_high")[0],
    );
    assert!(lo <= s && s <= hi, "{lo} ≤ {s} ≤ {hi}");

    // 4. Series vs films: both ≤ each side, Jaccard in [0, 1].
    let svf = mart(d, "series_vs_films");
    let overall = filter(&svf, col("section").eq(lit("overall")));
    let (both, films, series) =
        (i64s(&overall, "both")[0], i64s(&overall, "film_actors")[0], i64s(&overall, "series_actors")[0]);
    assert!(both <= films.min(series));
    assert!(f64s(&svf, "jaccard").iter().all(|j| (0.0..=1.0).contains(j)));

    // 5. Ages: known ages only, within 0–110.
    let ages = mart(d, "ages");
    assert!(f64s(&ages, "median_age").iter().all(|a| (0.0..=110.0).contains(a)));

    // 6. Best rated: ranks 1..n, at least m votes, weighted rating between the film's rating and C.
    let best = mart(d, "best_rated");
    let top = filter(&best, col("section").eq(lit("top")));
    assert_eq!(i64s(&top, "rank"), (1..=top.height() as i64).collect::<Vec<_>>());
    let (votes, m) = (f64s(&top, "num_votes"), f64s(&top, "prior_votes")[0]);
    assert!(votes.iter().all(|v| *v >= m), "every listed film has at least m = {m} votes");
    let (r, wr, c) = (f64s(&top, "average_rating"), f64s(&top, "weighted_rating"), f64s(&top, "prior_mean_rating")[0]);
    assert!(r.iter().zip(&wr).all(|(r, w)| (w - r.min(c)) >= -1e-9 && (r.max(c) - w) >= -1e-9));
    assert!(wr.windows(2).all(|w| w[0] >= w[1]), "sorted by weighted rating");
    assert!(filter(&best, col("section").eq(lit("lift"))).height() > 0);

    // 7. Genres and money: TMDB money rows exist, pooled ROI is consistent with totals.
    let money = filter(&mart(d, "genres_money"), col("section").eq(lit("money")));
    assert!(money.height() > 0);
    for ((b, r), roi) in
        f64s(&money, "budget_total").iter().zip(f64s(&money, "revenue_total")).zip(f64s(&money, "roi_pooled"))
    {
        assert!((roi - (r / b - 1.0)).abs() < 1e-9);
    }

    // 8. Audience (ml-100k has demographics): every dimension, ratings within 1–5.
    let audience = mart(d, "audience");
    let mut dims = strs(&audience, "dimension");
    dims.sort();
    dims.dedup();
    assert_eq!(dims, ["age_group", "all", "gender", "occupation"]);
    assert!(f64s(&audience, "mean_rating").iter().all(|r| (1.0..=5.0).contains(r)));

    // 9. Niches: every candidate once, scores in [0, 100], ranks 1..n.
    let niches = mart(d, "niches");
    assert_eq!(niches.height(), cinepicks_pipeline::analyze::niches::NICHES.len());
    assert!(f64s(&niches, "score").iter().all(|s| (0.0..=100.0).contains(s)));
    let mut ranks = i64s(&niches, "rank");
    ranks.sort();
    assert_eq!(ranks, (1..=niches.height() as i64).collect::<Vec<_>>());

    assert!(MARTS.iter().all(|m| mart(d, m.name).height() > 0), "every question has data");
    let html = report(d);
    assert!(html.contains("<html lang=\"fr\">"), "French by default");
    assert!(html.contains("Chiffres clés") && html.contains("États-Unis"));
    // This head of name.basics lacks most credited actors: the report says so instead of showing their ids,
    // reads decade leaders on a stated base, and says an extract without series credits cannot compare them.
    assert!(html.contains("pas de nom dans cet extrait de name.basics"), "unnamed actors are counted, not shown");
    assert!(html.contains("Premier producteur dans les années 1920 (sur "), "decade leaders state their base");
    assert!(html.contains("aucun crédit d'acteur de série"), "no '0 personnes' reading");
    assert_report_is_self_contained_with_every_chart(d, &html);
}

#[test]
fn without_tmdb_or_demographics_the_marts_fall_back_and_the_english_report_says_so() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    lake(d, Some("imdb-head50k"), Some("ml-latest-small"), None, &[]);
    cinepicks_ok(d, &["analyze", "--lang", "en"]);
    assert_marts_match_their_schemas(d);
    let countries = mart(d, "countries");
    assert_eq!(strs(&countries, "source").into_iter().collect::<std::collections::BTreeSet<_>>().len(), 1);
    assert!(strs(&countries, "source").iter().all(|s| s == "akas"), "akas regions replace TMDB countries");
    assert_eq!(filter(&mart(d, "genres_money"), col("section").eq(lit("money"))).height(), 0);
    let audience = mart(d, "audience");
    assert!(audience.height() > 0 && strs(&audience, "dimension").iter().all(|s| s == "all"));
    let html = report(d);
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("TMDB is absent"), "the report says countries come from akas");
    assert!(html.contains("no viewer data"), "the report says MovieLens latest has no demographics");
    assert_report_is_self_contained_with_every_chart(d, &html);
}

#[test]
fn a_lake_without_ratings_akas_crew_or_movielens_still_gives_every_mart() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    // imdb-movies-2000: titles, principals and people only; 637 films have no year.
    lake(d, Some("imdb-movies-2000"), None, None, &["--allow-partial"]);
    cinepicks_ok(d, &["analyze"]);
    assert_marts_match_their_schemas(d);
    assert_eq!(mart(d, "best_rated").height(), 0, "no ratings: no best-rated list");
    assert_eq!(mart(d, "audience").height(), 0, "no MovieLens: no audience");
    assert!(mart(d, "actors").height() > 0, "credits and titles are enough for actors");
    let ages = mart(d, "ages");
    assert!(ages.height() > 0, "birth years are in name.basics");
    let html = report(d);
    assert!(html.contains("Pas de données pour cette question"), "empty questions are said, not hidden");
    assert_report_is_self_contained_with_every_chart(d, &html);
}

#[test]
fn figures_match_a_direct_recomputation_from_the_lake() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    lake(d, Some("imdb-head50k"), Some("ml-100k"), Some("tmdb-5000"), &[]);
    cinepicks_ok(d, &["analyze"]);
    // Median runtime of films, straight from titles.
    let titles = read_parquet(&d.join("lake/titles.parquet"));
    let direct = titles
        .lazy()
        .filter(
            col("title_type")
                .eq(lit("movie"))
                .or(col("title_type").eq(lit("tvMovie")))
                .and(col("runtime_minutes").is_not_null())
                .and(col("start_year").is_not_null()),
        )
        .select([col("runtime_minutes").cast(DataType::Float64).median().alias("m"), len().alias("n")])
        .collect()
        .unwrap();
    let runtime = filter(&mart(d, "runtime"), col("kind").eq(lit("film")).and(col("scope").eq(lit("all"))));
    assert_eq!(f64s(&runtime, "median_minutes"), f64s(&direct, "m"));
    assert_eq!(i64s(&runtime, "titles"), i64s(&direct, "n"));
    // TMDB films produced in France, straight from tmdb_movies.
    let tmdb = read_parquet(&d.join("lake/tmdb_movies.parquet"));
    let french =
        tmdb.lazy().filter(col("production_countries").list().contains(lit("FR"), false)).collect().unwrap().height()
            as i64;
    let countries = filter(
        &mart(d, "countries"),
        col("source").eq(lit("tmdb")).and(col("decade").is_null()).and(col("country").eq(lit("FR"))),
    );
    assert_eq!(i64s(&countries, "films"), [french]);
}

#[test]
fn a_second_run_on_a_smaller_lake_leaves_no_stale_chart() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    lake(d, Some("imdb-head50k"), Some("ml-100k"), Some("tmdb-5000"), &[]);
    cinepicks_ok(d, &["analyze"]);
    let before = std::fs::read_dir(d.join("marts/charts")).unwrap().count();
    // The same folder re-ingested without MovieLens or TMDB: the audience and money charts must go.
    std::fs::remove_dir_all(d.join("lake")).unwrap();
    lake(d, Some("imdb-movies-2000"), None, None, &["--allow-partial"]);
    cinepicks_ok(d, &["analyze"]);
    let after = std::fs::read_dir(d.join("marts/charts")).unwrap().count();
    assert!(after < before, "{after} charts after, {before} before");
    assert_report_is_self_contained_with_every_chart(d, &report(d));
}

#[test]
fn dry_run_lists_the_marts_and_writes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    lake(d, Some("imdb-movies-2000"), None, None, &["--allow-partial"]);
    let out = cinepicks_ok(d, &["analyze", "--dry-run"]);
    for m in &MARTS {
        assert!(out.contains(m.name), "{} listed:\n{out}", m.name);
    }
    assert!(out.contains("absent: "), "absent inputs are named:\n{out}");
    assert!(!d.join("marts").exists());
}

#[test]
fn analyze_without_a_lake_fails_with_a_hint() {
    let data = tempfile::tempdir().unwrap();
    let out = cinepicks(data.path(), &["analyze"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cinepicks ingest"), "{err}");
}
