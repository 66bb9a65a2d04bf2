//! A person shown with films (director, writer, cast), from IMDb name.basics.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    /// The IMDb id (`nm0000206`).
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub person_id: String,
    #[sea_orm(column_type = "Text")]
    pub primary_name: String,
    pub birth_year: Option<i32>,
    pub death_year: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::film_person::Entity")]
    FilmPeople,
}

impl Related<super::film_person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::FilmPeople.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
