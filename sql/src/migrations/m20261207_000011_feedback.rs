//! Feedback on the films a customer was shown ("J'aime", "Pas pour moi", "Déjà vu"), kept as events: one per
//! customer, film and kind (saying it twice changes nothing), with where and when it was said. Erasing a
//! customer takes their feedback with them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::foreign_key;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Films {
    Table,
    FilmId,
}

#[derive(DeriveIden)]
enum Feedback {
    Table,
    Id,
    CustomerId,
    FilmId,
    Kind,
    Source,
    GivenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Feedback::Table)
                    .col(pk_auto(Feedback::Id))
                    .col(integer(Feedback::CustomerId))
                    .col(text(Feedback::FilmId))
                    // like, not_for_me or seen.
                    .col(text(Feedback::Kind))
                    // email, sms, site or api.
                    .col(text(Feedback::Source))
                    .col(timestamp_with_time_zone(Feedback::GivenAt))
                    .foreign_key(&mut foreign_key(
                        Feedback::Table,
                        Feedback::CustomerId,
                        Customers::Table,
                        Customers::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        Feedback::Table,
                        Feedback::FilmId,
                        Films::Table,
                        Films::FilmId,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_feedback_customer_film_kind")
                    .table(Feedback::Table)
                    .col(Feedback::CustomerId)
                    .col(Feedback::FilmId)
                    .col(Feedback::Kind)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("ix_feedback_given_at").table(Feedback::Table).col(Feedback::GivenAt).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Feedback::Table).to_owned()).await
    }
}
