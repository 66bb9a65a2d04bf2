//! Publish speed: neighbour rows per second from a `similar_films.parquet` file into SQLite and PostgreSQL,
//! Parquet reading, validation, bulk insert and commit included.
//!
//! `cargo bench -p cinepicks-store --bench publish` (or `make bench-publish`). Environment:
//! `BENCH_ROWS` (default 1,000,000), `CINEPICKS_TEST_PG_URL` (default: the local test server of
//! scripts/postgres.sh), `BENCH_BACKENDS` (default `sqlite,postgres`).

use std::sync::Arc;
use std::time::Instant;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, Float32Array, Int32Array, RecordBatch, StringArray, UInt32Array};
use arrow_schema::{Field, Schema};
use cinepicks_store::Store;
use cinepicks_store::queries::publish::RunInfo;
use cinepicks_store::sea_orm::{ConnectionTrait, Database};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

const K: usize = 20;

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let schema = Arc::new(Schema::new(
        columns.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect::<Vec<_>>(),
    ));
    RecordBatch::try_new(schema, columns.into_iter().map(|(_, a)| a).collect()).unwrap()
}

fn film_id(i: usize) -> String {
    format!("tt{:07}", 1_000_000 + i)
}

/// The catalogue (`films` films) as one batch.
fn catalogue(films: usize) -> RecordBatch {
    let ids: Vec<String> = (0..films).map(film_id).collect();
    let titles: Vec<String> = (0..films).map(|i| format!("Film {i}")).collect();
    let mut genres = ListBuilder::new(StringBuilder::new());
    for _ in 0..films {
        genres.values().append_value("Drama");
        genres.append(true);
    }
    batch(vec![
        ("title_id", Arc::new(StringArray::from_iter_values(&ids))),
        ("primary_title", Arc::new(StringArray::from_iter_values(&titles))),
        ("start_year", Arc::new(Int32Array::from_iter_values((0..films).map(|i| 1950 + (i % 70) as i32)))),
        ("genres", Arc::new(genres.finish())),
    ])
}

/// Writes `rows` neighbour rows (K per film) in the contract's format; returns the file.
fn write_neighbours(dir: &std::path::Path, rows: usize) -> std::path::PathBuf {
    let films = rows / K;
    let path = dir.join("similar_films.parquet");
    let mut writer: Option<ArrowWriter<std::fs::File>> = None;
    let chunk = 100_000;
    let mut start = 0;
    while start < rows {
        let end = (start + chunk).min(rows);
        let film: Vec<String> = (start..end).map(|r| film_id(r / K)).collect();
        let neighbour: Vec<String> = (start..end).map(|r| film_id((r / K + 1 + r % K) % films)).collect();
        let b = batch(vec![
            ("film_id", Arc::new(StringArray::from_iter_values(&film))),
            ("neighbour_id", Arc::new(StringArray::from_iter_values(&neighbour))),
            ("rank", Arc::new(UInt32Array::from_iter_values((start..end).map(|r| (r % K) as u32 + 1)))),
            ("score", Arc::new(Float32Array::from_iter_values((start..end).map(|r| 1.0 / ((r % K) as f32 + 1.0))))),
            ("model", Arc::new(StringArray::from_iter_values((start..end).map(|_| "hybrid")))),
            (
                "reason_kind",
                Arc::new(StringArray::from_iter_values(
                    (start..end).map(|r| if r % 2 == 0 { "similar_genres" } else { "co_liked" }),
                )),
            ),
            (
                "reason_detail",
                Arc::new(StringArray::from_iter((start..end).map(|r| (r % 2 == 1).then(|| film_id(r % films))))),
            ),
        ]);
        let w = writer.get_or_insert_with(|| {
            ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), b.schema(), None).unwrap()
        });
        w.write(&b).unwrap();
        start = end;
    }
    writer.unwrap().close().unwrap();
    path
}

async fn bench(store: &Store, label: &str, file: &std::path::Path, rows: usize) {
    store.migrate().await.unwrap();
    let now = chrono::Utc::now();
    let mut publisher = store.begin_publish(now).await.unwrap();
    publisher.load_films(&catalogue(rows / K)).await.unwrap();
    publisher.commit(3).await.unwrap();

    let info = RunInfo {
        run_id: "bench".into(),
        created_at: now,
        kinds: vec!["recommender".into()],
        parameters: serde_json::json!({}),
        metrics: serde_json::json!({}),
        data_hashes: serde_json::json!({}),
        artefact_path: file.display().to_string(),
    };
    let started = Instant::now();
    let mut publisher = store.begin_publish(now).await.unwrap();
    publisher.start_run(&info).await.unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(file).unwrap())
        .unwrap()
        .with_batch_size(64 * 1024)
        .build()
        .unwrap();
    for b in reader {
        publisher.load_similar_films(&b.unwrap()).await.unwrap();
    }
    let counts = publisher.commit(3).await.unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(counts.similar_films as usize, rows);
    println!("{label:<10} {rows:>9} neighbour rows in {seconds:>6.2} s = {:>9.0} rows/s", rows as f64 / seconds);
}

fn main() {
    let rows: usize = std::env::var("BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let dir = tempfile::tempdir().unwrap();
    let file = write_neighbours(dir.path(), rows);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        if backends.contains("sqlite") {
            let store = Store::open_sqlite(&dir.path().join("bench.db")).await.unwrap();
            bench(&store, "SQLite", &file, rows).await;
            store.close().await.unwrap();
        }
        if backends.contains("postgres") {
            let admin_url = std::env::var("CINEPICKS_TEST_PG_URL")
                .unwrap_or_else(|_| "postgres://cinepicks:cinepicks@127.0.0.1:5432/postgres".into());
            let admin = Database::connect(admin_url.as_str())
                .await
                .expect("PostgreSQL for the benchmark (run scripts/postgres.sh)");
            let name = format!("cinepicks_bench_{}", std::process::id());
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
            let url = match admin_url.rsplit_once('/') {
                Some((base, _)) => format!("{base}/{name}"),
                None => unreachable!(),
            };
            let store = Store::open(&url).await.unwrap();
            bench(&store, "PostgreSQL", &file, rows).await;
            store.close().await.unwrap();
            admin.execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)")).await.unwrap();
        }
    });
}
