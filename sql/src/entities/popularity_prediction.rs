//! How popular a run's popularity model predicts a film to be (rating and number of votes).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "popularity_predictions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub model_run_id: i32,
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub film_id: String,
    pub predicted_rating: Option<f32>,
    pub predicted_num_votes: Option<f32>,
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
