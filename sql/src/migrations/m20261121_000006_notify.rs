//! What the notifier needs beyond the customers migration: declared genres, bounce counting and flagging of
//! subscriptions, and on deliveries the subscription written to and when the send was claimed (in flight).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Genres,
}

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    Bounces,
    FlaggedAt,
}

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    IsoWeek,
    Status,
    SubscriptionId,
    ClaimedAt,
}

/// SQLite alters one column per statement, so every change is its own `ALTER TABLE`.
async fn add(manager: &SchemaManager<'_>, table: impl IntoIden + 'static, column: ColumnDef) -> Result<(), DbErr> {
    manager.alter_table(Table::alter().table(table).add_column(column).to_owned()).await
}

async fn drop(manager: &SchemaManager<'_>, table: impl IntoIden + 'static, column: impl IntoIden) -> Result<(), DbErr> {
    manager.alter_table(Table::alter().table(table).drop_column(column).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Comma-separated IMDb genres the customer declared (picks for customers without likes).
        add(manager, Customers::Table, text_null(Customers::Genres)).await?;
        // Permanent delivery failures in a row; the subscription is flagged (no longer sent to) after N.
        add(manager, Subscriptions::Table, integer(Subscriptions::Bounces).default(0).take()).await?;
        add(manager, Subscriptions::Table, timestamp_with_time_zone_null(Subscriptions::FlaggedAt)).await?;
        // The subscription (address) a delivery is for; no foreign key, as SQLite cannot add one to a table.
        add(manager, Deliveries::Table, integer_null(Deliveries::SubscriptionId)).await?;
        // When the current attempt was handed to the transport: a row still 'sending' at the next run was in
        // flight when the previous run stopped.
        add(manager, Deliveries::Table, timestamp_with_time_zone_null(Deliveries::ClaimedAt)).await?;
        // The notifier's work list: a week's deliveries by status.
        manager
            .create_index(
                Index::create()
                    .name("ix_deliveries_week_status")
                    .table(Deliveries::Table)
                    .col(Deliveries::IsoWeek)
                    .col(Deliveries::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ix_deliveries_week_status").table(Deliveries::Table).to_owned()).await?;
        drop(manager, Deliveries::Table, Deliveries::ClaimedAt).await?;
        drop(manager, Deliveries::Table, Deliveries::SubscriptionId).await?;
        drop(manager, Subscriptions::Table, Subscriptions::FlaggedAt).await?;
        drop(manager, Subscriptions::Table, Subscriptions::Bounces).await?;
        drop(manager, Customers::Table, Customers::Genres).await
    }
}
