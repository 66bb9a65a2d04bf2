//! One verdict of a customer on a film ("J'aime", "Pas pour moi", "Déjà vu"), with where and when it was given.

use cinepicks_domain::{FeedbackKind, FeedbackSource};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub customer_id: i32,
    #[sea_orm(column_type = "Text")]
    pub film_id: String,
    pub kind: FeedbackKind,
    pub source: FeedbackSource,
    pub given_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::customer::Entity", from = "Column::CustomerId", to = "super::customer::Column::Id")]
    Customer,
    #[sea_orm(belongs_to = "super::film::Entity", from = "Column::FilmId", to = "super::film::Column::FilmId")]
    Film,
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::film::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Film.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
