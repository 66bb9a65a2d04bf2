//! A film's synopsis written by the cinema, in one language (shown on the film's page in that language).

use cinepicks_domain::Language;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "film_synopses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub film_id: String,
    /// Stored as fr or en.
    #[sea_orm(primary_key, auto_increment = false)]
    pub locale: Language,
    #[sea_orm(column_type = "Text")]
    pub synopsis: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
