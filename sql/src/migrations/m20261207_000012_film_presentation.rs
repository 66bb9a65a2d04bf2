//! A film's original language (ISO 639-1) and overview, from TMDB when it reaches the film, for its page. Filled
//! by publish; empty for films TMDB does not know.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Films {
    Table,
    OriginalLanguage,
    Overview,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        for column in [text_null(Films::OriginalLanguage), text_null(Films::Overview)] {
            manager.alter_table(Table::alter().table(Films::Table).add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Films::Overview, Films::OriginalLanguage] {
            manager.alter_table(Table::alter().table(Films::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
