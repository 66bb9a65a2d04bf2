//! Prints the DDL the migrations create, to refresh `sql/ddl/sqlite.sql` (PostgreSQL: use `pg_dump
//! --schema-only` on a migrated database, as explained in that file's header).
//!
//! `cargo run -p cinepicks-store --example ddl`

use cinepicks_store::Store;
use cinepicks_store::sea_orm::{ConnectionTrait, Statement};

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = Store::open_sqlite(&dir.path().join("ddl.db")).await.unwrap();
        store.migrate().await.unwrap();
        let rows = store
            .db()
            .query_all_raw(Statement::from_string(
                store.db_backend(),
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name <> 'seaql_migrations' ORDER BY rowid",
            ))
            .await
            .unwrap();
        for row in rows {
            println!("{};\n", row.try_get::<String>("", "sql").unwrap());
        }
        store.close().await.unwrap();
    });
}
