//! The schema history: sea-orm-migration migrations, one per concern, each with `up` and `down`.
//!
//! Migrations are frozen once released: they name tables and columns with their own `DeriveIden` enums
//! rather than the entities, so a later entity change cannot silently rewrite history. The reference DDL in
//! `sql/ddl/` is what these produce (checked by `tests/store_schema.rs`).

use sea_orm_migration::prelude::*;

mod m20261121_000001_catalogue;
mod m20261121_000002_model_runs;
mod m20261121_000003_job_runs;
mod m20261121_000004_customers;
mod m20261121_000005_programme;
mod m20261121_000006_notify;
mod m20261121_000007_double_opt_in;
mod m20261207_000008_confirmation_queue;
mod m20261207_000009_consent_history;
mod m20261207_000010_screenings;
mod m20261207_000011_feedback;
mod m20261207_000012_film_presentation;
mod m20261207_000013_workers;
mod m20261207_000014_opened_pages;
mod m20261207_000015_synopses;

/// Applies the migrations in order (and rolls them back in reverse).
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_catalogue::Migration),
            Box::new(m20261121_000002_model_runs::Migration),
            Box::new(m20261121_000003_job_runs::Migration),
            Box::new(m20261121_000004_customers::Migration),
            Box::new(m20261121_000005_programme::Migration),
            Box::new(m20261121_000006_notify::Migration),
            Box::new(m20261121_000007_double_opt_in::Migration),
            Box::new(m20261207_000008_confirmation_queue::Migration),
            Box::new(m20261207_000009_consent_history::Migration),
            Box::new(m20261207_000010_screenings::Migration),
            Box::new(m20261207_000011_feedback::Migration),
            Box::new(m20261207_000012_film_presentation::Migration),
            Box::new(m20261207_000013_workers::Migration),
            Box::new(m20261207_000014_opened_pages::Migration),
            Box::new(m20261207_000015_synopses::Migration),
        ]
    }
}

/// A foreign key from `table.column` to `target.target_column`, named `fk_<table>_<column>`.
pub(crate) fn foreign_key(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
    target: impl IntoIden + 'static,
    target_column: impl IntoIden + 'static,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    let table = table.into_iden();
    let column = column.into_iden();
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, target_column)
        .on_delete(on_delete)
        .take()
}
