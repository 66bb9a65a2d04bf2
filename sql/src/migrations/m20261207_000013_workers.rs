//! Several processes on one store: which worker claimed a delivery in flight, which host ran a job, and the owner's
//! sign-outs shared by every `serve` replica.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    ClaimedBy,
}

#[derive(DeriveIden)]
enum JobRuns {
    Table,
    Host,
    Worker,
}

#[derive(DeriveIden)]
enum OwnerSignOuts {
    Table,
    SessionId,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        // The worker whose attempt is in flight: on PostgreSQL a row 'sending' is abandoned once that worker's
        // presence lock is gone, and any other worker takes it over.
        let alter = Table::alter().table(Deliveries::Table).add_column(integer_null(Deliveries::ClaimedBy)).to_owned();
        manager.alter_table(alter).await?;
        // The host (name and process) and worker of the latest start, so an operator sees who ran what.
        let alter = Table::alter().table(JobRuns::Table).add_column(text_null(JobRuns::Host)).to_owned();
        manager.alter_table(alter).await?;
        let alter = Table::alter().table(JobRuns::Table).add_column(integer_null(JobRuns::Worker)).to_owned();
        manager.alter_table(alter).await?;
        manager
            .create_table(
                Table::create()
                    .table(OwnerSignOuts::Table)
                    .col(text(OwnerSignOuts::SessionId).primary_key())
                    // Past it the session's cookie is refused anyway: the row can go.
                    .col(timestamp_with_time_zone(OwnerSignOuts::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OwnerSignOuts::Table).to_owned()).await?;
        for column in [JobRuns::Worker, JobRuns::Host] {
            manager.alter_table(Table::alter().table(JobRuns::Table).drop_column(column).to_owned()).await?;
        }
        let alter = Table::alter().table(Deliveries::Table).drop_column(Deliveries::ClaimedBy).to_owned();
        manager.alter_table(alter).await
    }
}
