//! The queue of confirmation messages (double opt-in): a web subscription records one row and returns at once;
//! the site's sender sends it within the notifier's limits. The rows of the last day also count the messages
//! sent to one address and in all, which the daily caps bound.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::foreign_key;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Confirmations {
    Table,
    Id,
    SubscriptionId,
    Channel,
    Address,
    RequestedAt,
    Attempts,
    LastError,
    SentAt,
    FailedAt,
    NextAttemptAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Confirmations::Table)
                    .col(pk_auto(Confirmations::Id))
                    .col(integer(Confirmations::SubscriptionId))
                    // email or sms, and the address as the subscription has it (the caps count per address).
                    .col(text(Confirmations::Channel))
                    .col(text(Confirmations::Address))
                    .col(timestamp_with_time_zone(Confirmations::RequestedAt))
                    .col(integer(Confirmations::Attempts).default(0))
                    .col(text_null(Confirmations::LastError))
                    // After a failure worth retrying, not before this (backoff).
                    .col(timestamp_with_time_zone_null(Confirmations::NextAttemptAt))
                    // Queued while both are null.
                    .col(timestamp_with_time_zone_null(Confirmations::SentAt))
                    .col(timestamp_with_time_zone_null(Confirmations::FailedAt))
                    // Erasing or purging a subscription takes its messages with it.
                    .foreign_key(&mut foreign_key(
                        Confirmations::Table,
                        Confirmations::SubscriptionId,
                        Subscriptions::Table,
                        Subscriptions::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("ix_confirmations_address_requested_at", [Confirmations::Address, Confirmations::RequestedAt]),
            ("ix_confirmations_channel_requested_at", [Confirmations::Channel, Confirmations::RequestedAt]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Confirmations::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Confirmations::Table).to_owned()).await
    }
}
