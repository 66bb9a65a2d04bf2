//! Screenings (séances): a film at a time in a room, in a version (VF, VOST, VO), with an optional price,
//! booking link and note. One screening per room and start time, so that importing the same file again
//! updates it instead of adding it twice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::foreign_key;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Films {
    Table,
    FilmId,
}

#[derive(DeriveIden)]
enum Screenings {
    Table,
    Id,
    FilmId,
    StartsAt,
    Room,
    Version,
    PriceCents,
    BookingUrl,
    Note,
    Source,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Screenings::Table)
                    .col(pk_auto(Screenings::Id))
                    .col(text(Screenings::FilmId))
                    .col(timestamp_with_time_zone(Screenings::StartsAt))
                    .col(text(Screenings::Room))
                    // VF, VOST or VO.
                    .col(text(Screenings::Version))
                    .col(integer_null(Screenings::PriceCents))
                    .col(text_null(Screenings::BookingUrl))
                    // "ciné-débat", "avant-première"…
                    .col(text_null(Screenings::Note))
                    // Where it came from: "import programme.ics line 12", "owner".
                    .col(text(Screenings::Source))
                    .col(timestamp_with_time_zone(Screenings::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        Screenings::Table,
                        Screenings::FilmId,
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
                    .name("ux_screenings_room_starts_at")
                    .table(Screenings::Table)
                    .col(Screenings::Room)
                    .col(Screenings::StartsAt)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_screenings_starts_at")
                    .table(Screenings::Table)
                    .col(Screenings::StartsAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Screenings::Table).to_owned()).await
    }
}
