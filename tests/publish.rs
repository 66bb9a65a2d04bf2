//! `publish` against real SQLite and PostgreSQL stores: loading, atomic switch, failures, idempotence,
//! retention and readers running during a publish.

use crate::common;
use cinepicks_test_support::on_both_backends;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use cinepicks::config::Config;
use cinepicks_domain::JobStatus;
use cinepicks_jobs::Report;
use cinepicks_jobs::context::Context;
use cinepicks_jobs::publish::{self, PublishParams};
use cinepicks_store::entities::prelude::*;
use cinepicks_store::sea_orm::{EntityTrait, PaginatorTrait};
use common::store::{Kind, Neighbour, TestDb, fixture_films, neighbours, write_lake, write_run};

const RUN_A: &str = "20261121T081500Z";
const RUN_B: &str = "20261122T081500Z";
const RUN_C: &str = "20261123T081500Z";

/// A job context on the test's store, with `keep` model runs retained.
fn context(db: &TestDb, keep: u32) -> Context {
    let env = vec![
        ("CINEPICKS__DATABASE__URL".to_owned(), db.url.clone()),
        ("CINEPICKS__DATABASE__KEEP_MODEL_RUNS".to_owned(), keep.to_string()),
    ];
    Context::new(Config::load_from(None, env, Some(&db.data_dir())).unwrap().jobs, false)
}

fn publish_latest(ctx: &Context) -> anyhow::Result<cinepicks_jobs::Metrics> {
    // The job runs its own runtime, as from the CLI: give it a thread outside the test's runtime.
    let ctx = ctx.clone();
    std::thread::spawn(move || publish::run(&ctx, &PublishParams::default()).map(|r| r.metrics())).join().unwrap()
}

fn publish_run(ctx: &Context, run: &str) -> anyhow::Result<cinepicks_jobs::Metrics> {
    let ctx = ctx.clone();
    let args = PublishParams { run: Some(run.to_owned()), ..Default::default() };
    std::thread::spawn(move || publish::run(&ctx, &args).map(|r| r.metrics())).join().unwrap()
}

/// A lake of `n` films and their ids.
fn lake(db: &TestDb, n: usize) -> Vec<String> {
    let films = fixture_films(n);
    write_lake(&db.data_dir(), &films);
    films.into_iter().map(|f| f.id).collect()
}

async fn publishing_a_run_loads_films_people_and_neighbours_and_makes_it_active(db: TestDb) {
    let ids = lake(&db, 50);
    write_run(&db.data_dir(), RUN_A, &neighbours(&ids, 10, 0), true);
    let metrics = publish_latest(&context(&db, 3)).unwrap();
    assert_eq!(metrics.get("similar_films").unwrap(), 500);

    let store = &db.store;
    let active = store.active_run().await.unwrap().expect("an active run");
    assert_eq!(active.run_id, RUN_A);
    assert_eq!(active.status, "published");
    assert_eq!(active.kinds, serde_json::json!(["recommender"]));
    assert_eq!(active.metrics["ndcg@10"], 0.31);
    assert_eq!(store.film_count().await.unwrap(), 50);

    let amelie = store.film("tt0211915").await.unwrap().unwrap();
    assert_eq!(amelie.display_title_fr, "Le Fabuleux Destin d'Amélie Poulain");
    assert_eq!(amelie.genre_list(), ["Comedy", "Romance"]);
    assert_eq!(amelie.start_year, Some(2001));

    let similar = store.similar_films("tt0211915", "hybrid", 100).await.unwrap();
    assert_eq!(similar.iter().map(|s| s.rank).collect::<Vec<_>>(), (1..=10).collect::<Vec<_>>());
    assert!(similar.iter().all(|s| s.model_run_id == active.id));
    assert_eq!(similar[1].reason_kind, "co_liked");
    assert!(similar[1].reason_detail.as_deref().is_some_and(|d| d.starts_with("tt")));
    assert_eq!(similar[0].reason_detail, None);

    let conn = store.db();
    assert_eq!(People::find().count(conn).await.unwrap(), 4, "three directors and one actor");
    assert_eq!(FilmPeople::find().count(conn).await.unwrap(), 4);
    assert_eq!(PopularityPredictions::find().count(conn).await.unwrap(), 50);
    assert_eq!(AudienceSegments::find().count(conn).await.unwrap(), 50);
    let job = store.job_run("publish", RUN_A).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Succeeded);
}

async fn a_failed_publish_leaves_the_previous_run_active(db: TestDb) {
    let ids = lake(&db, 200);
    write_run(&db.data_dir(), RUN_A, &neighbours(&ids, 10, 0), false);
    let ctx = context(&db, 3);
    publish_latest(&ctx).unwrap();
    let before = db.store.active_similar_films().await.unwrap();

    // Run B fails after most of its rows are loaded: its last row repeats a (film, model, rank) key.
    let mut rows = neighbours(&ids, 10, 1);
    let mut duplicate: Neighbour = rows[0].clone();
    duplicate.neighbour_id = ids[7].clone();
    rows.push(duplicate);
    write_run(&db.data_dir(), RUN_B, &rows, false);
    let err = publish_latest(&ctx).unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains("previously active model run, if any, is still active"), "{message}");
    assert!(message.contains("similar_films"), "{message}");

    let store = &db.store;
    assert_eq!(store.active_run().await.unwrap().unwrap().run_id, RUN_A);
    assert_eq!(store.active_similar_films().await.unwrap(), before, "the active run's rows changed");
    assert!(store.model_run(RUN_B).await.unwrap().is_none(), "the failed run was recorded");
    assert_eq!(SimilarFilms::find().count(store.db()).await.unwrap(), 2000, "rows of the failed run remain");
    let job = store.job_run("publish", RUN_B).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Failed);
    assert!(job.error.unwrap_or_default().contains("similar_films"));
}

async fn a_run_with_a_malformed_artefact_is_refused_with_the_file_named(db: TestDb) {
    let ids = lake(&db, 20);
    let ctx = context(&db, 3);
    write_run(&db.data_dir(), RUN_A, &neighbours(&ids, 5, 0), false);
    publish_latest(&ctx).unwrap();
    let dir = write_run(&db.data_dir(), RUN_B, &neighbours(&ids, 5, 1), false);
    std::fs::write(dir.join("similar_films.parquet"), b"not parquet at all").unwrap();
    let message = format!("{:#}", publish_latest(&ctx).unwrap_err());
    assert!(message.contains("similar_films.parquet"), "{message}");
    assert_eq!(db.store.active_run().await.unwrap().unwrap().run_id, RUN_A);
}

async fn publishing_the_same_run_again_changes_nothing(db: TestDb) {
    let ids = lake(&db, 30);
    write_run(&db.data_dir(), RUN_A, &neighbours(&ids, 5, 0), true);
    let ctx = context(&db, 3);
    publish_latest(&ctx).unwrap();
    let runs = db.store.model_runs().await.unwrap();
    let rows = db.store.active_similar_films().await.unwrap();

    let again = publish_latest(&ctx).unwrap();
    assert_eq!(again.get("already_active").unwrap(), true);
    assert_eq!(db.store.model_runs().await.unwrap(), runs);
    assert_eq!(db.store.active_similar_films().await.unwrap(), rows);
    assert_eq!(SimilarFilms::find().count(db.store.db()).await.unwrap(), 150);
}

async fn old_runs_are_pruned_beyond_the_retention_setting(db: TestDb) {
    let ids = lake(&db, 40);
    let ctx = context(&db, 2);
    for (seed, run) in [RUN_A, RUN_B, RUN_C].into_iter().enumerate() {
        write_run(&db.data_dir(), run, &neighbours(&ids, 5, seed), true);
        publish_latest(&ctx).unwrap();
        assert_eq!(db.store.active_run().await.unwrap().unwrap().run_id, run);
    }
    let kept: Vec<String> = db.store.model_runs().await.unwrap().into_iter().map(|r| r.run_id).collect();
    assert_eq!(kept, [RUN_C, RUN_B]);
    let conn = db.store.db();
    assert_eq!(SimilarFilms::find().count(conn).await.unwrap(), 2 * 200, "the pruned run's neighbours remain");
    assert_eq!(PopularityPredictions::find().count(conn).await.unwrap(), 2 * 40);

    // An older run still kept can be made active again, without reloading it.
    let metrics = publish_run(&ctx, RUN_B).unwrap();
    assert_eq!(metrics.get("reactivated").unwrap(), true);
    assert_eq!(db.store.active_run().await.unwrap().unwrap().run_id, RUN_B);
    assert_eq!(db.store.model_runs().await.unwrap().len(), 2);
}

async fn readers_during_a_publish_see_the_old_run_or_the_new_one_never_a_mix(db: TestDb) {
    const K: usize = 20;
    let ids = lake(&db, 3000);
    let ctx = context(&db, 3);
    write_run(&db.data_dir(), RUN_A, &neighbours(&ids, K, 0), false);
    publish_latest(&ctx).unwrap();
    let run_a = db.store.active_run().await.unwrap().unwrap().id;
    write_run(&db.data_dir(), RUN_B, &neighbours(&ids, K, 1), false);

    let done = Arc::new(AtomicBool::new(false));
    let publisher = {
        let (ctx, done) = (ctx.clone(), done.clone());
        std::thread::spawn(move || {
            let result = publish::run(&ctx, &PublishParams::default());
            done.store(true, Ordering::SeqCst);
            result
        })
    };
    let reader = db.reopen().await;
    let (mut reads, mut reads_during, mut seen_new) = (0, 0, false);
    let mut extra_after = 5;
    loop {
        let finished = done.load(Ordering::SeqCst);
        let film = &ids[reads % ids.len()];
        let rows = reader.similar_films(film, "hybrid", 100).await.unwrap();
        reads += 1;
        assert_eq!(rows.len(), K, "a read returned {} neighbours for {film}", rows.len());
        let run = rows[0].model_run_id;
        assert!(rows.iter().all(|r| r.model_run_id == run), "a read mixed two runs for {film}");
        // Scores encode the run's seed: 1/rank for run A, 1/rank + 1 for run B.
        let seed = if run == run_a { 0.0 } else { 1.0 };
        assert!(rows.iter().all(|r| (r.score - (1.0 / r.rank as f32 + seed)).abs() < 1e-4), "scores of another run");
        if run != run_a {
            seen_new = true;
        } else {
            assert!(!seen_new, "a read went back to the old run after seeing the new one");
        }
        if !finished {
            reads_during += 1;
        } else {
            extra_after -= 1;
            if extra_after == 0 {
                break;
            }
        }
    }
    publisher.join().unwrap().unwrap();
    assert!(seen_new, "the new run was never seen after the publish");
    assert!(reads_during >= 3, "only {reads_during} reads overlapped the publish: the test proves nothing");
    reader.close().await.unwrap();
}

async fn neighbours_of_films_outside_the_catalogue_are_skipped_and_counted(db: TestDb) {
    let ids = lake(&db, 10);
    let mut rows = neighbours(&ids, 3, 0);
    rows[0].neighbour_id = "tt0000404".into();
    rows[4].film_id = "tt0000405".into();
    write_run(&db.data_dir(), RUN_A, &rows, false);
    let metrics = publish_latest(&context(&db, 3)).unwrap();
    assert_eq!(metrics.get("similar_films").unwrap(), 28);
    assert_eq!(metrics.get("similar_films_skipped").unwrap(), 2);
}

on_both_backends!(
    publishing_a_run_loads_films_people_and_neighbours_and_makes_it_active,
    a_failed_publish_leaves_the_previous_run_active,
    a_run_with_a_malformed_artefact_is_refused_with_the_file_named,
    publishing_the_same_run_again_changes_nothing,
    old_runs_are_pruned_beyond_the_retention_setting,
    readers_during_a_publish_see_the_old_run_or_the_new_one_never_a_mix,
    neighbours_of_films_outside_the_catalogue_are_skipped_and_counted,
);

#[test]
fn an_incomplete_run_folder_is_ignored_and_a_missing_run_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let ids: Vec<String> = fixture_films(10).into_iter().map(|f| f.id).collect();
    write_lake(data, &fixture_films(10));
    let complete = write_run(data, RUN_A, &neighbours(&ids, 3, 0), false);
    // A newer folder without run.json: training is still writing it.
    let incomplete = data.join("models").join(RUN_B);
    std::fs::create_dir_all(&incomplete).unwrap();
    std::fs::copy(complete.join("similar_films.parquet"), incomplete.join("similar_films.parquet")).unwrap();
    let latest = publish::latest_successful_run(&data.join("models")).unwrap().unwrap();
    assert_eq!(latest.manifest.run_id, RUN_A);

    let out = common::cinepicks(data, &["publish"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(RUN_A));
    assert!(data.join("cinepicks.db").is_file(), "the default store is the SQLite file in the data directory");

    let empty = tempfile::tempdir().unwrap();
    let out = common::cinepicks(empty.path(), &["publish"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cinepicks train"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn a_postgres_store_is_reached_through_the_database_url() {
    // The URL (with its password) comes from the environment; the job must use it, not the SQLite file.
    let db = TestDb::migrated(Kind::Postgres).await;
    let films = fixture_films(5);
    write_lake(&db.data_dir(), &films);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cinepicks"))
        .args(["--data-dir", db.data_dir().to_str().unwrap(), "publish", "--allow-no-run"])
        .env("CINEPICKS__DATABASE__URL", &db.url)
        .env_remove("CINEPICKS_CONFIG")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains(":cinepicks@"), "the password was printed: {stdout}");
    assert!(!db.data_dir().join("cinepicks.db").exists());
    assert_eq!(db.store.film_count().await.unwrap(), 5);
}

#[tokio::test]
async fn the_demo_publishes_the_generated_catalogue_and_imports_demo_customers() {
    // The whole chain on polars-written lake files: generate, ingest, publish (arrow-rs reader), customers.
    let dir = tempfile::tempdir().unwrap();
    let out = common::cinepicks_ok(dir.path(), &["demo", "--scale", "0.002"]);
    assert!(out.contains("6 customers created"), "{out}");
    let store = cinepicks_store::Store::open_sqlite(&dir.path().join("cinepicks.db")).await.unwrap();
    assert!(store.film_count().await.unwrap() > 10);
    let customers = store.list_customers().await.unwrap();
    assert_eq!(customers.len(), 6);
    assert!(customers.iter().all(|c| !c.subscriptions.is_empty()));
    assert_eq!(customers.iter().filter(|c| c.likes.is_empty()).count(), 1, "one demo customer has only genres");
    // The demo ends with this week's picks in the outbox and prints one e-mail's path.
    let line = out.lines().find(|l| l.contains("one e-mail")).unwrap_or_else(|| panic!("no e-mail path: {out}"));
    let path = line.split_whitespace().nth(2).unwrap();
    let eml = std::fs::read_to_string(path).unwrap();
    assert!(eml.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{eml}");
    assert!(People::find().count(store.db()).await.unwrap() > 0, "no people for the generated films");
    let list = common::cinepicks_ok(dir.path(), &["customers", "list"]);
    assert!(list.contains("Camille Martin") && list.contains("+33600000001"), "{list}");
}

/// The Movies Dataset's movies_metadata.csv beside TMDB 5000: its posters reach the catalogue films they name by
/// IMDb id, at the cards' width; a row without an IMDb id and a shifted row go to quarantine with their reason.
#[test]
fn posters_of_the_movies_dataset_reach_the_films_they_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    common::cinepicks_ok(data, &["generate", "--scale", "0.002"]);
    common::cinepicks_ok(data, &["ingest"]);
    let catalogue = common::read_parquet(&data.join("lake/catalogue.parquet"));
    let ids: Vec<String> =
        catalogue.column("title_id").unwrap().str().unwrap().iter().flatten().take(2).map(str::to_owned).collect();
    let (with_poster, without) = (&ids[0], &ids[1]);
    let header = "adult,belongs_to_collection,budget,genres,homepage,id,imdb_id,original_language,original_title,\
                  overview,popularity,poster_path,production_companies,production_countries,release_date,revenue,\
                  runtime,spoken_languages,status,tagline,title,video,vote_average,vote_count";
    let row = |id: u32, imdb: &str, poster: &str| {
        format!(
            "False,,0,[],,{id},{imdb},fr,Titre,\"Un film.\",1.5,{poster},[],[],1999-01-01,0,90.0,[],Released,,Titre,False,6.5,10"
        )
    };
    let rows = [
        row(1, with_poster, "/kqjL17yufvn9OVLyXYpvtyrFfak.jpg"),
        row(2, without, ""),
        row(3, "tt9999999", "/elsewhere.jpg"),
        row(4, "", "/no-imdb-id.jpg"),
        // A row shifted by a stray line break, as the real export has a few.
        "False,,0,[],,1997-08-20,tt0000005".to_owned(),
    ];
    std::fs::write(
        data.join("raw/tmdb/movies_metadata.csv"),
        format!("{}\n{}\n", header.replace(' ', ""), rows.join("\n")),
    )
    .unwrap();
    // Two bad rows of five: above the default 1 % that fails a table.
    common::cinepicks_ok_with_env(data, &["ingest"], &[("CINEPICKS__INGEST__MAX_REJECTED_SHARE", "0.5")]);
    let quarantined = common::read_parquet(&data.join("quarantine/tmdb_posters.parquet"));
    assert_eq!(quarantined.height(), 2, "{quarantined}");
    let published = common::cinepicks_ok(data, &["publish", "--allow-no-run"]);
    assert!(published.contains("1 with a poster"), "{published}");

    let env = Vec::<(String, String)>::new();
    let ctx = Context::new(Config::load_from(None, env, Some(data)).unwrap().jobs, false);
    let wanted = ids.clone();
    let films = std::thread::spawn(move || {
        cinepicks_jobs::store::with_store(&ctx, async |store| Ok(store.films_by_ids(&wanted).await?))
    })
    .join()
    .unwrap()
    .unwrap();
    let poster = |id: &str| films.iter().find(|f| f.film_id == id).unwrap().poster_url.clone();
    assert_eq!(poster(with_poster).as_deref(), Some("https://image.tmdb.org/t/p/w342/kqjL17yufvn9OVLyXYpvtyrFfak.jpg"));
    assert_eq!(poster(without), None);
}
