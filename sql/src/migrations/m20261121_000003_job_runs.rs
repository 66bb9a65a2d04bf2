//! Job runs: one row per (job, logical key) such as ("notify", "2026-W47"), so re-runs are recognised.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum JobRuns {
    Table,
    Id,
    Job,
    LogicalKey,
    Status,
    StartedAt,
    FinishedAt,
    Attempts,
    Error,
    Metrics,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(JobRuns::Table)
                    .col(pk_auto(JobRuns::Id))
                    .col(text(JobRuns::Job))
                    .col(text(JobRuns::LogicalKey))
                    // running, succeeded or failed.
                    .col(text(JobRuns::Status))
                    .col(timestamp_with_time_zone(JobRuns::StartedAt))
                    .col(timestamp_with_time_zone_null(JobRuns::FinishedAt))
                    .col(integer(JobRuns::Attempts).default(1))
                    .col(text_null(JobRuns::Error))
                    .col(json_null(JobRuns::Metrics))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_job_runs_job_logical_key")
                    .table(JobRuns::Table)
                    .col(JobRuns::Job)
                    .col(JobRuns::LogicalKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(JobRuns::Table).to_owned()).await
    }
}
