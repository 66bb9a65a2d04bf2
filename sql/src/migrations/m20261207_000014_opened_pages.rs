//! When a subscriber first opened the page of a week's picks (the link of the e-mail or the SMS): the owner's
//! "pages ouvertes".

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    OpenedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = timestamp_with_time_zone_null(Deliveries::OpenedAt);
        manager.alter_table(Table::alter().table(Deliveries::Table).add_column(column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Deliveries::Table).drop_column(Deliveries::OpenedAt).to_owned()).await
    }
}
