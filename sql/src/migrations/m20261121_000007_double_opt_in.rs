//! Double opt-in for subscriptions made on the web site: a subscription is sent nothing until its address is
//! confirmed. Subscriptions already in the store were recorded with their consent by the cinema (import, CLI),
//! so they count as confirmed at their consent time.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    ConsentAt,
    ConfirmedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Subscriptions::Table)
                    .add_column(timestamp_with_time_zone_null(Subscriptions::ConfirmedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Subscriptions::Table)
                    .value(Subscriptions::ConfirmedAt, Expr::col(Subscriptions::ConsentAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Subscriptions::Table).drop_column(Subscriptions::ConfirmedAt).to_owned())
            .await
    }
}
