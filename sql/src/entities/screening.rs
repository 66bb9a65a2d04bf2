//! A screening (séance): a film at a time in a room, in a version, with an optional price, booking link and note.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "screenings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(column_type = "Text")]
    pub film_id: String,
    pub starts_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub room: String,
    /// VF, VOST or VO.
    #[sea_orm(column_type = "Text")]
    pub version: String,
    pub price_cents: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub booking_url: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    /// Where it came from: "import programme.ics line 12", "owner".
    #[sea_orm(column_type = "Text")]
    pub source: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::film::Entity", from = "Column::FilmId", to = "super::film::Column::FilmId")]
    Film,
}

impl Related<super::film::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Film.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
