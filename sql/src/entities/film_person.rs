//! Who did what on a film (the association between films and people): role, billing order, characters.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "film_people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub film_id: String,
    /// director, writer, actor, actress, self, … (IMDb crew and principals categories).
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub role: String,
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub person_id: String,
    /// Billing order within the role (IMDb principals ordering; list order for crew).
    pub ordering: i32,
    /// Characters played, joined with " / ".
    #[sea_orm(column_type = "Text", nullable)]
    pub characters: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::film::Entity", from = "Column::FilmId", to = "super::film::Column::FilmId")]
    Film,
    #[sea_orm(belongs_to = "super::person::Entity", from = "Column::PersonId", to = "super::person::Column::PersonId")]
    Person,
}

impl Related<super::film::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Film.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
