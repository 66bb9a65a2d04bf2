//! A customer of the cinema: a name and the language to write to them in.

use cinepicks_domain::Language;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    /// The language written to them in (stored as fr or en).
    pub locale: Language,
    pub created_at: DateTimeUtc,
    /// Comma-separated IMDb genres the customer declared liking (picks for customers without likes).
    #[sea_orm(column_type = "Text", nullable)]
    pub genres: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::subscription::Entity")]
    Subscriptions,
    #[sea_orm(has_many = "super::like::Entity")]
    Likes,
    #[sea_orm(has_many = "super::delivery::Entity")]
    Deliveries,
}

impl Related<super::subscription::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Subscriptions.def()
    }
}

impl Related<super::like::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Likes.def()
    }
}

impl Related<super::delivery::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deliveries.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
