//! The programme: which films the cinema shows in which ISO week (optional; weekly picks may favour them).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::foreign_key;
use super::m20261121_000001_catalogue::Films;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Programme {
    Table,
    IsoWeek,
    FilmId,
    AddedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Programme::Table)
                    .col(text(Programme::IsoWeek))
                    .col(text(Programme::FilmId))
                    .col(timestamp_with_time_zone(Programme::AddedAt))
                    .primary_key(Index::create().col(Programme::IsoWeek).col(Programme::FilmId))
                    .foreign_key(&mut foreign_key(
                        Programme::Table,
                        Programme::FilmId,
                        Films::Table,
                        Films::FilmId,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Programme::Table).to_owned()).await
    }
}
