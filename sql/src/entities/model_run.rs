//! A published training run: what it trained, with which parameters and data, how it scored, and whether it
//! is the active one.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "model_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The run's folder name under `data/models/` (`20261121T081500Z`).
    #[sea_orm(unique, column_type = "Text")]
    pub run_id: String,
    /// JSON list of the kinds of model trained: `["recommender", "popularity"]`.
    pub kinds: Json,
    /// `published` once its outputs are loaded (only published runs are stored).
    #[sea_orm(column_type = "Text")]
    pub status: String,
    pub created_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
    pub parameters: Json,
    pub metrics: Json,
    /// Fingerprints of the input tables the run was trained on.
    pub data_hashes: Json,
    /// The run's folder, where its Parquet outputs and models stay.
    #[sea_orm(column_type = "Text")]
    pub artefact_path: String,
    /// The run readers use; at most one row has it (a partial unique index enforces it).
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::similar_film::Entity")]
    SimilarFilms,
    #[sea_orm(has_many = "super::popularity_prediction::Entity")]
    PopularityPredictions,
    #[sea_orm(has_many = "super::audience_segment::Entity")]
    AudienceSegments,
}

impl Related<super::similar_film::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SimilarFilms.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
