//! Catalogue display data: films, the people shown with them (directors, writers, principal cast) and credits.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::foreign_key;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Films {
    Table,
    FilmId,
    TitleType,
    PrimaryTitle,
    OriginalTitle,
    FrenchTitle,
    DisplayTitleFr,
    StartYear,
    RuntimeMinutes,
    Genres,
    AverageRating,
    NumVotes,
    PosterUrl,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum People {
    Table,
    PersonId,
    PrimaryName,
    BirthYear,
    DeathYear,
}

#[derive(DeriveIden)]
enum FilmPeople {
    Table,
    FilmId,
    PersonId,
    Role,
    Ordering,
    Characters,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Films::Table)
                    .col(text(Films::FilmId).primary_key())
                    .col(text(Films::TitleType))
                    .col(text(Films::PrimaryTitle))
                    .col(text_null(Films::OriginalTitle))
                    .col(text_null(Films::FrenchTitle))
                    .col(text(Films::DisplayTitleFr))
                    .col(integer_null(Films::StartYear))
                    .col(integer_null(Films::RuntimeMinutes))
                    // Comma-separated IMDb genres ("Crime,Drama"): display only, never queried by genre here.
                    .col(text_null(Films::Genres))
                    .col(double_null(Films::AverageRating))
                    .col(integer_null(Films::NumVotes))
                    // No poster source in the public dumps yet; filled by a later enrichment.
                    .col(text_null(Films::PosterUrl))
                    .col(timestamp_with_time_zone(Films::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(People::Table)
                    .col(text(People::PersonId).primary_key())
                    .col(text(People::PrimaryName))
                    .col(integer_null(People::BirthYear))
                    .col(integer_null(People::DeathYear))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FilmPeople::Table)
                    .col(text(FilmPeople::FilmId))
                    .col(text(FilmPeople::PersonId))
                    // director, writer, actor, actress, self, …: IMDb crew and principals categories.
                    .col(text(FilmPeople::Role))
                    .col(integer(FilmPeople::Ordering))
                    .col(text_null(FilmPeople::Characters))
                    .primary_key(
                        Index::create().col(FilmPeople::FilmId).col(FilmPeople::Role).col(FilmPeople::PersonId),
                    )
                    .foreign_key(&mut foreign_key(
                        FilmPeople::Table,
                        FilmPeople::FilmId,
                        Films::Table,
                        Films::FilmId,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        FilmPeople::Table,
                        FilmPeople::PersonId,
                        People::Table,
                        People::PersonId,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // "Films with this person" on a person's page.
        manager
            .create_index(
                Index::create()
                    .name("ix_film_people_person_id")
                    .table(FilmPeople::Table)
                    .col(FilmPeople::PersonId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(FilmPeople::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(People::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Films::Table).to_owned()).await
    }
}
