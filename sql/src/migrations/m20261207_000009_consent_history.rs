//! Consent as history: every change of a subscription's consent (given, requested, confirmed, withdrawn) is an
//! event kept with its source and time, instead of the subscription's columns being overwritten. Existing
//! subscriptions get the events their columns still tell.

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
enum ConsentEvents {
    Table,
    Id,
    SubscriptionId,
    Kind,
    Source,
    OccurredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConsentEvents::Table)
                    .col(pk_auto(ConsentEvents::Id))
                    .col(integer(ConsentEvents::SubscriptionId))
                    // given, requested, confirmed or withdrawn.
                    .col(text(ConsentEvents::Kind))
                    // Where: "web", "import customers.csv", "cli", "link"…
                    .col(text(ConsentEvents::Source))
                    .col(timestamp_with_time_zone(ConsentEvents::OccurredAt))
                    // Erasing a subscription takes its history with it.
                    .foreign_key(&mut foreign_key(
                        ConsentEvents::Table,
                        ConsentEvents::SubscriptionId,
                        Subscriptions::Table,
                        Subscriptions::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_consent_events_subscription_id")
                    .table(ConsentEvents::Table)
                    .col(ConsentEvents::SubscriptionId)
                    .to_owned(),
            )
            .await?;
        // What the subscriptions' columns still tell. Confirmed at its consent time: consent the cinema collected
        // (import, CLI). Otherwise the latest consent was asked for on the site; confirmed later by its link, or
        // confirmed earlier, which means an older consent (whose source was overwritten) came before the request.
        let backfill = [
            "INSERT INTO consent_events (subscription_id, kind, source, occurred_at) \
             SELECT id, 'given', consent_source, consent_at FROM subscriptions WHERE confirmed_at = consent_at",
            "INSERT INTO consent_events (subscription_id, kind, source, occurred_at) \
             SELECT id, 'given', 'unknown (before the consent history)', confirmed_at FROM subscriptions \
             WHERE confirmed_at < consent_at",
            "INSERT INTO consent_events (subscription_id, kind, source, occurred_at) \
             SELECT id, 'requested', consent_source, consent_at FROM subscriptions \
             WHERE confirmed_at IS NULL OR confirmed_at <> consent_at",
            "INSERT INTO consent_events (subscription_id, kind, source, occurred_at) \
             SELECT id, 'confirmed', 'link', confirmed_at FROM subscriptions WHERE confirmed_at > consent_at",
            "INSERT INTO consent_events (subscription_id, kind, source, occurred_at) \
             SELECT id, 'withdrawn', 'unsubscribe', unsubscribed_at FROM subscriptions WHERE unsubscribed_at IS NOT NULL",
        ];
        for sql in backfill {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ConsentEvents::Table).to_owned()).await
    }
}
