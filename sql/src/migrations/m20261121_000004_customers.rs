//! Customers, their subscriptions (e-mail or SMS, with consent), the films they like, and weekly deliveries.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::foreign_key;
use super::m20261121_000001_catalogue::Films;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    Name,
    Locale,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    Id,
    CustomerId,
    Channel,
    Address,
    ConsentAt,
    ConsentSource,
    UnsubscribeToken,
    UnsubscribedAt,
}

#[derive(DeriveIden)]
enum Likes {
    Table,
    CustomerId,
    FilmId,
    Source,
    LikedAt,
}

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    Id,
    CustomerId,
    IsoWeek,
    Channel,
    Picks,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    SentAt,
    ProviderMessageId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Customers::Table)
                    .col(pk_auto(Customers::Id))
                    .col(text(Customers::Name))
                    .col(text(Customers::Locale))
                    .col(timestamp_with_time_zone(Customers::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Subscriptions::Table)
                    .col(pk_auto(Subscriptions::Id))
                    .col(integer(Subscriptions::CustomerId))
                    // email or sms; the address is a lower-cased e-mail or an E.164 phone number.
                    .col(text(Subscriptions::Channel))
                    .col(text(Subscriptions::Address))
                    .col(timestamp_with_time_zone(Subscriptions::ConsentAt))
                    // Where the consent was given ("import customers.csv line 4", "cli", "web form").
                    .col(text(Subscriptions::ConsentSource))
                    .col(text_uniq(Subscriptions::UnsubscribeToken))
                    .col(timestamp_with_time_zone_null(Subscriptions::UnsubscribedAt))
                    .foreign_key(&mut foreign_key(
                        Subscriptions::Table,
                        Subscriptions::CustomerId,
                        Customers::Table,
                        Customers::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // One subscription per address and channel: an address identifies its customer.
        manager
            .create_index(
                Index::create()
                    .name("ux_subscriptions_channel_address")
                    .table(Subscriptions::Table)
                    .col(Subscriptions::Channel)
                    .col(Subscriptions::Address)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_subscriptions_customer_id")
                    .table(Subscriptions::Table)
                    .col(Subscriptions::CustomerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Likes::Table)
                    .col(integer(Likes::CustomerId))
                    .col(text(Likes::FilmId))
                    // import, cli, web…
                    .col(text(Likes::Source))
                    .col(timestamp_with_time_zone(Likes::LikedAt))
                    .primary_key(Index::create().col(Likes::CustomerId).col(Likes::FilmId))
                    .foreign_key(&mut foreign_key(
                        Likes::Table,
                        Likes::CustomerId,
                        Customers::Table,
                        Customers::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        Likes::Table,
                        Likes::FilmId,
                        Films::Table,
                        Films::FilmId,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Deliveries::Table)
                    .col(pk_auto(Deliveries::Id))
                    .col(integer(Deliveries::CustomerId))
                    // ISO week in the cinema's timezone, "2026-W47".
                    .col(text(Deliveries::IsoWeek))
                    .col(text(Deliveries::Channel))
                    // JSON list of the five film ids sent.
                    .col(json(Deliveries::Picks))
                    // pending, sent or failed (permanently, after the last attempt).
                    .col(text(Deliveries::Status))
                    .col(integer(Deliveries::Attempts).default(0))
                    .col(timestamp_with_time_zone_null(Deliveries::NextAttemptAt))
                    .col(text_null(Deliveries::LastError))
                    .col(timestamp_with_time_zone_null(Deliveries::SentAt))
                    .col(text_null(Deliveries::ProviderMessageId))
                    .foreign_key(&mut foreign_key(
                        Deliveries::Table,
                        Deliveries::CustomerId,
                        Customers::Table,
                        Customers::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // The outbox's uniqueness key: a customer gets one delivery per week and channel, whatever re-runs.
        manager
            .create_index(
                Index::create()
                    .name("ux_deliveries_customer_week_channel")
                    .table(Deliveries::Table)
                    .col(Deliveries::CustomerId)
                    .col(Deliveries::IsoWeek)
                    .col(Deliveries::Channel)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The notifier's work queue: pending deliveries due now.
        manager
            .create_index(
                Index::create()
                    .name("ix_deliveries_status_next_attempt")
                    .table(Deliveries::Table)
                    .col(Deliveries::Status)
                    .col(Deliveries::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Deliveries::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Likes::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Subscriptions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Customers::Table).to_owned()).await
    }
}
