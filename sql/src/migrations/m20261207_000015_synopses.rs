//! The cinema's own synopsis of a film, per language: TMDB's overviews are in English, so a French film page
//! had none until the owner wrote one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FilmSynopses {
    Table,
    FilmId,
    Locale,
    Synopsis,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No foreign key to films: a synopsis the cinema wrote outlives the film leaving a published catalogue.
        manager
            .create_table(
                Table::create()
                    .table(FilmSynopses::Table)
                    .col(text(FilmSynopses::FilmId))
                    .col(text(FilmSynopses::Locale))
                    .col(text(FilmSynopses::Synopsis))
                    .col(timestamp_with_time_zone(FilmSynopses::UpdatedAt))
                    .primary_key(Index::create().col(FilmSynopses::FilmId).col(FilmSynopses::Locale))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(FilmSynopses::Table).to_owned()).await
    }
}
