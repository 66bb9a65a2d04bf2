//! An audience segment a run's audience model finds over-represented among a film's fans, with its lift.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audience_segments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub model_run_id: i32,
    #[sea_orm(column_type = "Text")]
    pub film_id: String,
    /// Null means any age band (likewise gender and occupation).
    #[sea_orm(column_type = "Text", nullable)]
    pub age_band: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub gender: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub occupation: Option<String>,
    /// How much more likely than average this segment is to like the film (1.0 = average).
    pub lift: f32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::model_run::Entity",
        from = "Column::ModelRunId",
        to = "super::model_run::Column::Id"
    )]
    ModelRun,
    #[sea_orm(belongs_to = "super::film::Entity", from = "Column::FilmId", to = "super::film::Column::FilmId")]
    Film,
}

impl Related<super::model_run::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ModelRun.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
