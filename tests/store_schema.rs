//! The store's schema on both backends: migrations up, down and up again; the reference DDL in sql/ddl/
//! builds the same schema as the migrations; every entity reads from it; data changes of migrations; SQLite runs
//! in WAL mode.

use crate::common;
use cinepicks_test_support::on_both_backends;

use cinepicks_store::entities::prelude::*;
use cinepicks_store::sea_orm::{ConnectionTrait, EntityTrait, Statement};
use common::store::{Kind, TestDb};

/// Every table of the model (MODEL.md describes them).
const TABLES: [&str; 19] = [
    "audience_segments",
    "confirmations",
    "consent_events",
    "customers",
    "deliveries",
    "feedback",
    "film_people",
    "film_synopses",
    "films",
    "job_runs",
    "likes",
    "model_runs",
    "owner_sign_outs",
    "people",
    "popularity_predictions",
    "programme",
    "screenings",
    "similar_films",
    "subscriptions",
];

async fn migrations_go_up_down_and_up_again(db: TestDb) {
    let store = &db.store;
    store.migrate().await.unwrap();
    assert_eq!(store.table_names().await.unwrap(), TABLES);
    let first = store.describe_schema().await.unwrap();
    assert_eq!(store.applied_migrations().await.unwrap().len(), 15);

    store.migrate_down_all().await.unwrap();
    assert!(store.table_names().await.unwrap().is_empty(), "tables left after down: {:?}", store.table_names().await);
    assert!(store.applied_migrations().await.unwrap().is_empty());

    store.migrate().await.unwrap();
    assert_eq!(store.describe_schema().await.unwrap(), first, "the schema differs after down and up again");
    // Migrating an up-to-date store changes nothing.
    store.migrate().await.unwrap();
    assert_eq!(store.describe_schema().await.unwrap(), first);
}

async fn the_reference_ddl_builds_the_same_schema_as_the_migrations(db: TestDb) {
    db.store.migrate().await.unwrap();
    let migrated = db.store.describe_schema().await.unwrap();
    let file = match db.kind {
        Kind::Sqlite => "sqlite.sql",
        Kind::Postgres => "postgres.sql",
    };
    let ddl =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sql/ddl").join(file)).unwrap();
    let reference = TestDb::new(db.kind).await;
    reference.store.execute_script(&ddl).await.unwrap();
    let from_ddl = reference.store.describe_schema().await.unwrap();
    let only_migrations: Vec<&String> = migrated.iter().filter(|l| !from_ddl.contains(l)).collect();
    let only_ddl: Vec<&String> = from_ddl.iter().filter(|l| !migrated.contains(l)).collect();
    assert!(
        only_migrations.is_empty() && only_ddl.is_empty(),
        "sql/ddl/{file} and the migrations differ.\nOnly in the migrations:\n  {}\nOnly in the DDL file:\n  {}",
        only_migrations.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n  "),
        only_ddl.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n  ")
    );
}

async fn every_entity_reads_from_the_migrated_schema(db: TestDb) {
    db.store.migrate().await.unwrap();
    let conn = db.store.db();
    // Selecting every column of every entity fails if a name or type disagrees with the migrations.
    assert!(Films::find().all(conn).await.unwrap().is_empty());
    assert!(People::find().all(conn).await.unwrap().is_empty());
    assert!(FilmPeople::find().all(conn).await.unwrap().is_empty());
    assert!(ModelRuns::find().all(conn).await.unwrap().is_empty());
    assert!(SimilarFilms::find().all(conn).await.unwrap().is_empty());
    assert!(PopularityPredictions::find().all(conn).await.unwrap().is_empty());
    assert!(AudienceSegments::find().all(conn).await.unwrap().is_empty());
    assert!(JobRuns::find().all(conn).await.unwrap().is_empty());
    assert!(Customers::find().all(conn).await.unwrap().is_empty());
    assert!(Subscriptions::find().all(conn).await.unwrap().is_empty());
    assert!(Likes::find().all(conn).await.unwrap().is_empty());
    assert!(Deliveries::find().all(conn).await.unwrap().is_empty());
    assert!(Programme::find().all(conn).await.unwrap().is_empty());
    assert!(Confirmations::find().all(conn).await.unwrap().is_empty());
    assert!(ConsentEvents::find().all(conn).await.unwrap().is_empty());
    assert!(Screenings::find().all(conn).await.unwrap().is_empty());
    assert!(Feedback::find().all(conn).await.unwrap().is_empty());
    assert!(OwnerSignOuts::find().all(conn).await.unwrap().is_empty());
    assert!(FilmSynopses::find().all(conn).await.unwrap().is_empty());
}

async fn two_active_runs_are_impossible(db: TestDb) {
    db.store.migrate().await.unwrap();
    let conn = db.store.db();
    let insert = |run: &str| {
        format!(
            "INSERT INTO model_runs (run_id, kinds, status, created_at, parameters, metrics, data_hashes, artefact_path, active) \
             VALUES ('{run}', '[]', 'published', '2026-11-21T08:00:00Z', '{{}}', '{{}}', '{{}}', '/x', TRUE)"
        )
    };
    conn.execute_unprepared(&insert("a")).await.unwrap();
    let second = conn.execute_unprepared(&insert("b")).await;
    assert!(second.is_err(), "a second active run was accepted");
}

async fn a_second_delivery_for_the_same_customer_week_and_channel_is_refused(db: TestDb) {
    db.store.migrate().await.unwrap();
    let conn = db.store.db();
    conn.execute_unprepared(
        "INSERT INTO customers (name, locale, created_at) VALUES ('A', 'fr', '2026-11-21T08:00:00Z')",
    )
    .await
    .unwrap();
    let delivery = "INSERT INTO deliveries (customer_id, iso_week, channel, picks, status, attempts) \
                    VALUES (1, '2026-W47', 'email', '[]', 'pending', 0)";
    conn.execute_unprepared(delivery).await.unwrap();
    assert!(conn.execute_unprepared(delivery).await.is_err(), "a duplicate delivery was accepted");
    let sms = delivery.replace("'email'", "'sms'");
    conn.execute_unprepared(&sms).await.unwrap();
}

/// Double opt-in arrived with migration 7: subscriptions recorded before it (imports, CLI: consent the cinema
/// collected) count as confirmed at their consent time, so upgrading stops nobody's weekly picks.
async fn subscriptions_older_than_double_opt_in_count_as_confirmed(db: TestDb) {
    let store = &db.store;
    store.migrate().await.unwrap();
    // Back to before migration 7 (the confirmation queue, consent history, screenings, feedback, films'
    // presentation, workers and opened pages came after it): the six before it stay.
    let applied = store.applied_migrations().await.unwrap().len() as u32;
    store.migrate_down(Some(applied - 6)).await.unwrap();
    let conn = store.db();
    conn.execute_unprepared(
        "INSERT INTO customers (name, locale, created_at) VALUES ('A', 'fr', '2026-11-21T08:00:00Z')",
    )
    .await
    .unwrap();
    conn.execute_unprepared(
        "INSERT INTO subscriptions (customer_id, channel, address, consent_at, consent_source, unsubscribe_token) \
         VALUES (1, 'email', 'a@example.org', '2026-03-01T10:00:00Z', 'import', 'abc')",
    )
    .await
    .unwrap();
    store.migrate().await.unwrap();
    let subscription = Subscriptions::find().one(conn).await.unwrap().unwrap();
    assert_eq!(subscription.confirmed_at, Some(subscription.consent_at));
    assert_eq!(store.active_subscriptions(None).await.unwrap().len(), 1, "still sent the weekly picks");
    // Migration 9 writes the consent history the columns tell: given by the cinema (confirmed at consent).
    let history = ConsentEvents::find().all(conn).await.unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!((history[0].kind, history[0].source.as_str()), (cinepicks_domain::ConsentChange::Given, "import"));
    assert_eq!(history[0].occurred_at, subscription.consent_at);
}

on_both_backends!(
    subscriptions_older_than_double_opt_in_count_as_confirmed,
    migrations_go_up_down_and_up_again,
    the_reference_ddl_builds_the_same_schema_as_the_migrations,
    every_entity_reads_from_the_migrated_schema,
    two_active_runs_are_impossible,
    a_second_delivery_for_the_same_customer_week_and_channel_is_refused,
);

#[tokio::test]
async fn the_sqlite_store_runs_in_wal_mode_with_foreign_keys_on() {
    let db = TestDb::migrated(Kind::Sqlite).await;
    let conn = db.store.db();
    let one = |sql: &str| Statement::from_string(conn.get_database_backend(), sql.to_owned());
    let mode = conn.query_one_raw(one("PRAGMA journal_mode")).await.unwrap().unwrap();
    assert_eq!(mode.try_get_by_index::<String>(0).unwrap().to_lowercase(), "wal");
    let fk = conn.query_one_raw(one("PRAGMA foreign_keys")).await.unwrap().unwrap();
    assert_eq!(fk.try_get_by_index::<i32>(0).unwrap(), 1);
}
