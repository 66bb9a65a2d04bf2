//! Store test helpers: a fresh SQLite file or PostgreSQL database per test, fixture Parquet files of the
//! lake and model-run contracts, and a macro running one test body against both backends.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, Float32Array, Float64Array, Int32Array, RecordBatch, StringArray, UInt32Array};
use arrow_schema::{Field, Schema};
use cinepicks_store::Store;
use cinepicks_store::sea_orm::{ConnectionTrait, Database};
use parquet::arrow::ArrowWriter;

/// The local test server that `scripts/postgres.sh` installs and starts (role and password exist only there).
pub const DEFAULT_PG_URL: &str = "postgres://cinepicks:cinepicks@127.0.0.1:5432/postgres";

/// Where the tests' PostgreSQL server is: `CINEPICKS_TEST_PG_URL`, or the local one.
pub fn pg_admin_url() -> String {
    std::env::var("CINEPICKS_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A store of its own for one test; a PostgreSQL database is dropped when this is dropped.
pub struct TestDb {
    pub kind: Kind,
    pub store: Store,
    /// The URL `cinepicks` would use for this store (`CINEPICKS__DATABASE__URL`).
    pub url: String,
    pub dir: tempfile::TempDir,
    pg_database: Option<String>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub async fn new(kind: Kind) -> Self {
        let dir = tempfile::tempdir().unwrap();
        match kind {
            Kind::Sqlite => {
                let path = dir.path().join("store.db");
                let store = Store::open_sqlite(&path).await.expect("opening a SQLite store");
                let url = format!("sqlite://{}", path.display());
                Self { kind, store, url, dir, pg_database: None }
            }
            Kind::Postgres => {
                let admin_url = pg_admin_url();
                let name = format!(
                    "cinepicks_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    chrono::Utc::now().timestamp_micros() % 1_000_000
                );
                let admin = Database::connect(admin_url.as_str()).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is expected for the store tests but {} does not answer ({e}).\n\
                         Run scripts/postgres.sh (make test does) or set CINEPICKS_TEST_PG_URL to a server where the \
                         user may create databases.",
                        cinepicks_store::error::redact_url(&admin_url)
                    )
                });
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("creating the test database");
                admin.close().await.ok();
                let url = replace_database(&admin_url, &name);
                let store = Store::open(&url).await.expect("opening the PostgreSQL test database");
                Self { kind, store, url, dir, pg_database: Some(name) }
            }
        }
    }

    /// A store with every migration applied.
    pub async fn migrated(kind: Kind) -> Self {
        let db = Self::new(kind).await;
        db.store.migrate().await.expect("migrating");
        db
    }

    /// The data directory of this test (the SQLite file lives there too).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A second, independent connection pool to the same store (a reader next to a writer).
    pub async fn reopen(&self) -> Store {
        Store::open(&self.url).await.expect("reopening the store")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_database.take() {
            let admin_url = pg_admin_url();
            // Drop runs inside the test's runtime: use a thread with its own runtime to drop the database.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                        let _ =
                            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// The same URL with another database name.
pub fn replace_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    format!("{}/{database}{query}", &base[..path_start])
}

/// Generates `mod sqlite` and `mod postgres`, each with one `#[tokio::test]` per named async fn taking a
/// `TestDb`: the same store test suite runs against both backends.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::store::TestDb::new($crate::store::Kind::Sqlite).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::store::TestDb::new($crate::store::Kind::Postgres).await).await;
                }
            )*
        }
    };
}

// ---- Fixture Parquet files of the contracts (lake tables and model runs) ----

fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let schema = Arc::new(Schema::new(
        columns.iter().map(|(name, a)| Field::new(*name, a.data_type().clone(), true)).collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(schema.clone(), columns.into_iter().map(|(_, a)| a).collect()).unwrap();
    let mut writer = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

fn strings<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(StringArray::from_iter(values))
}

fn string_lists(lists: &[Vec<&str>]) -> ArrayRef {
    let mut builder = ListBuilder::new(StringBuilder::new());
    for list in lists {
        for v in list {
            builder.values().append_value(v);
        }
        builder.append(true);
    }
    Arc::new(builder.finish())
}

/// A fixture film: id, French display title, year, genres.
pub struct FixtureFilm {
    pub id: String,
    pub title: String,
    pub year: i32,
    pub genres: Vec<&'static str>,
    pub director: Option<(&'static str, &'static str)>,
}

/// `n` films `tt9000001…` titled "Film 1"… plus a few real-looking titles for lookups.
pub fn fixture_films(n: usize) -> Vec<FixtureFilm> {
    let mut films = vec![
        FixtureFilm {
            id: "tt0211915".into(),
            title: "Le Fabuleux Destin d'Amélie Poulain".into(),
            year: 2001,
            genres: vec!["Comedy", "Romance"],
            director: Some(("nm0000466", "Jean-Pierre Jeunet")),
        },
        FixtureFilm {
            id: "tt0133093".into(),
            title: "Matrix".into(),
            year: 1999,
            genres: vec!["Action", "Sci-Fi"],
            director: Some(("nm0905154", "Lana Wachowski")),
        },
        FixtureFilm {
            id: "tt0046911".into(),
            title: "Les Diaboliques".into(),
            year: 1955,
            genres: vec!["Thriller"],
            director: Some(("nm0167241", "Henri-Georges Clouzot")),
        },
        FixtureFilm {
            id: "tt0117998".into(),
            title: "Les Diaboliques".into(),
            year: 1996,
            genres: vec!["Thriller"],
            director: None,
        },
    ];
    for i in 1..=n.saturating_sub(films.len()) {
        films.push(FixtureFilm {
            id: format!("tt9{i:06}"),
            title: format!("Film {i}"),
            year: 1950 + (i % 70) as i32,
            genres: vec!["Drama"],
            director: None,
        });
    }
    films
}

/// Writes `lake/catalogue.parquet`, `people.parquet`, `crew.parquet` and `credits.parquet` for `films`.
pub fn write_lake(data: &Path, films: &[FixtureFilm]) {
    let lake = data.join("lake");
    let ids: Vec<&str> = films.iter().map(|f| f.id.as_str()).collect();
    let titles: Vec<&str> = films.iter().map(|f| f.title.as_str()).collect();
    write_parquet(
        &lake.join("catalogue.parquet"),
        vec![
            ("title_id", strings(ids.iter().map(|s| Some(*s)))),
            ("title_type", strings(films.iter().map(|_| Some("movie")))),
            ("primary_title", strings(titles.iter().map(|s| Some(*s)))),
            ("original_title", strings(titles.iter().map(|s| Some(*s)))),
            ("french_title", strings(titles.iter().map(|s| Some(*s)))),
            ("display_title_fr", strings(titles.iter().map(|s| Some(*s)))),
            ("start_year", Arc::new(Int32Array::from_iter(films.iter().map(|f| Some(f.year))))),
            ("runtime_minutes", Arc::new(Int32Array::from_iter(films.iter().map(|_| Some(100))))),
            ("genres", string_lists(&films.iter().map(|f| f.genres.clone()).collect::<Vec<_>>())),
            ("average_rating", Arc::new(Float64Array::from_iter(films.iter().map(|_| Some(7.5))))),
            (
                "num_votes",
                Arc::new(Int32Array::from_iter(films.iter().enumerate().map(|(i, _)| Some(100_000 - i as i32)))),
            ),
        ],
    );
    let directed: Vec<&FixtureFilm> = films.iter().filter(|f| f.director.is_some()).collect();
    let people: Vec<(&str, &str)> =
        directed.iter().map(|f| f.director.unwrap()).chain([("nm0000001", "Fred Astaire")]).collect();
    write_parquet(
        &lake.join("people.parquet"),
        vec![
            ("person_id", strings(people.iter().map(|p| Some(p.0)))),
            ("primary_name", strings(people.iter().map(|p| Some(p.1)))),
            ("birth_year", Arc::new(Int32Array::from_iter(people.iter().map(|_| Some(1950))))),
            ("death_year", Arc::new(Int32Array::from_iter(people.iter().map(|_| None::<i32>)))),
        ],
    );
    write_parquet(
        &lake.join("crew.parquet"),
        vec![
            ("title_id", strings(directed.iter().map(|f| Some(f.id.as_str())))),
            ("directors", string_lists(&directed.iter().map(|f| vec![f.director.unwrap().0]).collect::<Vec<_>>())),
            ("writers", string_lists(&directed.iter().map(|_| vec![]).collect::<Vec<_>>())),
        ],
    );
    write_parquet(
        &lake.join("credits.parquet"),
        vec![
            ("title_id", strings([Some(films[0].id.as_str())])),
            ("ordering", Arc::new(Int32Array::from(vec![1]))),
            ("person_id", strings([Some("nm0000001")])),
            ("category", strings([Some("actor")])),
            ("job", strings([None])),
            ("characters", string_lists(&[vec!["Himself"]])),
        ],
    );
}

/// One neighbour row of `similar_films.parquet`.
#[derive(Debug, Clone)]
pub struct Neighbour {
    pub film_id: String,
    pub neighbour_id: String,
    pub rank: u32,
    pub score: f32,
    pub model: &'static str,
    pub reason_kind: &'static str,
    pub reason_detail: Option<String>,
}

/// `k` neighbours for each film among `ids`, by a rotation that depends on `seed` (so runs differ).
pub fn neighbours(ids: &[String], k: usize, seed: usize) -> Vec<Neighbour> {
    let mut rows = Vec::with_capacity(ids.len() * k);
    for (i, film) in ids.iter().enumerate() {
        for r in 0..k {
            let j = (i + 1 + r + seed) % ids.len();
            let j = if j == i { (j + 1) % ids.len() } else { j };
            rows.push(Neighbour {
                film_id: film.clone(),
                neighbour_id: ids[j].clone(),
                rank: r as u32 + 1,
                score: 1.0 / (r as f32 + 1.0) + seed as f32,
                model: "hybrid",
                reason_kind: if r % 2 == 0 { "similar_genres" } else { "co_liked" },
                reason_detail: (r % 2 == 1).then(|| ids[(j + 1) % ids.len()].clone()),
            });
        }
    }
    rows
}

/// Writes `similar_films.parquet` with the contract's column types.
pub fn write_similar_films(path: &Path, rows: &[Neighbour]) {
    write_parquet(
        path,
        vec![
            ("film_id", strings(rows.iter().map(|r| Some(r.film_id.as_str())))),
            ("neighbour_id", strings(rows.iter().map(|r| Some(r.neighbour_id.as_str())))),
            ("rank", Arc::new(UInt32Array::from_iter(rows.iter().map(|r| Some(r.rank))))),
            ("score", Arc::new(Float32Array::from_iter(rows.iter().map(|r| Some(r.score))))),
            ("model", strings(rows.iter().map(|r| Some(r.model)))),
            ("reason_kind", strings(rows.iter().map(|r| Some(r.reason_kind)))),
            ("reason_detail", strings(rows.iter().map(|r| r.reason_detail.as_deref()))),
        ],
    );
}

/// Writes a complete run folder `<data>/models/<run_id>/` (similar films, optional predictions and
/// segments, then `run.json` last, as training does). Returns the folder.
pub fn write_run(data: &Path, run_id: &str, rows: &[Neighbour], with_optional: bool) -> PathBuf {
    let dir = data.join("models").join(run_id);
    write_similar_films(&dir.join("similar_films.parquet"), rows);
    let mut artefacts = serde_json::json!({ "similar_films": "similar_films.parquet" });
    if with_optional {
        let films: Vec<&str> =
            rows.iter().map(|r| r.film_id.as_str()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        write_parquet(
            &dir.join("popularity_predictions.parquet"),
            vec![
                ("film_id", strings(films.iter().map(|f| Some(*f)))),
                ("predicted_rating", Arc::new(Float32Array::from_iter(films.iter().map(|_| Some(6.5f32))))),
                ("predicted_num_votes", Arc::new(Float32Array::from_iter(films.iter().map(|_| Some(1234.0f32))))),
                ("model_version", strings(films.iter().map(|_| Some("xgb-1")))),
            ],
        );
        write_parquet(
            &dir.join("audience_segments.parquet"),
            vec![
                ("film_id", strings(films.iter().map(|f| Some(*f)))),
                ("age_band", strings(films.iter().map(|_| Some("25-34")))),
                ("gender", strings(films.iter().map(|_| None))),
                ("occupation", strings(films.iter().map(|_| Some("student")))),
                ("lift", Arc::new(Float32Array::from_iter(films.iter().map(|_| Some(1.8f32))))),
            ],
        );
        artefacts["popularity_predictions"] = "popularity_predictions.parquet".into();
        artefacts["audience_segments"] = "audience_segments.parquet".into();
    }
    let manifest = serde_json::json!({
        "run_id": run_id,
        "created_at": "2026-11-21T08:15:00Z",
        "status": "succeeded",
        "kinds": ["recommender"],
        "parameters": { "k": 10 },
        "metrics": { "ndcg@10": 0.31 },
        "data_hashes": { "ml_ratings": "abc123" },
        "artefacts": artefacts,
    });
    let tmp = dir.join("run.json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    std::fs::rename(&tmp, dir.join("run.json")).unwrap();
    dir
}
