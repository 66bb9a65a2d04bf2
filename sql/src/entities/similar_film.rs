//! One neighbour of a film according to one model of a run, with its rank, score and why it is similar.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "similar_films")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub model_run_id: i32,
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub film_id: String,
    /// The model of the run that ranked it (content, item_knn, hybrid…).
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub model: String,
    /// 1-based.
    #[sea_orm(primary_key, auto_increment = false)]
    pub rank: i32,
    #[sea_orm(column_type = "Text")]
    pub neighbour_id: String,
    pub score: f32,
    /// same_director, shared_cast, co_liked, similar_genres, …
    #[sea_orm(column_type = "Text")]
    pub reason_kind: String,
    /// The director's name, the co-liked film id, …
    #[sea_orm(column_type = "Text", nullable)]
    pub reason_detail: Option<String>,
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
    #[sea_orm(belongs_to = "super::film::Entity", from = "Column::NeighbourId", to = "super::film::Column::FilmId")]
    Neighbour,
}

impl Related<super::model_run::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ModelRun.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
