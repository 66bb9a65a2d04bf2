//! Model runs and what they produced: similar films, popularity predictions and audience segments.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::foreign_key;
use super::m20261121_000001_catalogue::Films;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ModelRuns {
    Table,
    Id,
    RunId,
    Kinds,
    Status,
    CreatedAt,
    PublishedAt,
    Parameters,
    Metrics,
    DataHashes,
    ArtefactPath,
    Active,
}

#[derive(DeriveIden)]
enum SimilarFilms {
    Table,
    ModelRunId,
    FilmId,
    Model,
    Rank,
    NeighbourId,
    Score,
    ReasonKind,
    ReasonDetail,
}

#[derive(DeriveIden)]
enum PopularityPredictions {
    Table,
    ModelRunId,
    FilmId,
    PredictedRating,
    PredictedNumVotes,
}

#[derive(DeriveIden)]
enum AudienceSegments {
    Table,
    Id,
    ModelRunId,
    FilmId,
    AgeBand,
    Gender,
    Occupation,
    Lift,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ModelRuns::Table)
                    .col(pk_auto(ModelRuns::Id))
                    // The training run's folder name under data/models (`20261121T081500Z`).
                    .col(text_uniq(ModelRuns::RunId))
                    // JSON list of what the run trained: ["recommender", "popularity", …].
                    .col(json(ModelRuns::Kinds))
                    .col(text(ModelRuns::Status))
                    .col(timestamp_with_time_zone(ModelRuns::CreatedAt))
                    .col(timestamp_with_time_zone_null(ModelRuns::PublishedAt))
                    .col(json(ModelRuns::Parameters))
                    .col(json(ModelRuns::Metrics))
                    .col(json(ModelRuns::DataHashes))
                    .col(text(ModelRuns::ArtefactPath))
                    .col(boolean(ModelRuns::Active).default(false))
                    .to_owned(),
            )
            .await?;
        // At most one active run: the switch is an UPDATE inside the publish transaction, and this index makes
        // a second active row impossible even if two publishes raced.
        manager
            .create_index(
                Index::create()
                    .name("ux_model_runs_single_active")
                    .table(ModelRuns::Table)
                    .col(ModelRuns::Active)
                    .unique()
                    .and_where(Expr::col(ModelRuns::Active).eq(true))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SimilarFilms::Table)
                    .col(integer(SimilarFilms::ModelRunId))
                    .col(text(SimilarFilms::FilmId))
                    // Which model of the run ranked this neighbour (content, item_knn, hybrid…).
                    .col(text(SimilarFilms::Model))
                    .col(integer(SimilarFilms::Rank))
                    .col(text(SimilarFilms::NeighbourId))
                    .col(float(SimilarFilms::Score))
                    .col(text(SimilarFilms::ReasonKind))
                    .col(text_null(SimilarFilms::ReasonDetail))
                    // Also the index of the only read: neighbours of one film in the active run, in rank order.
                    .primary_key(
                        Index::create()
                            .col(SimilarFilms::ModelRunId)
                            .col(SimilarFilms::FilmId)
                            .col(SimilarFilms::Model)
                            .col(SimilarFilms::Rank),
                    )
                    // No foreign keys to films here, deliberately: this is the bulk-loaded table (millions of
                    // rows per run), PostgreSQL checks each foreign key with a per-row trigger (two lookups per
                    // row halved the load speed), and publish already loads only neighbours whose films are in
                    // the catalogue, which is never deleted from. The run key stays: pruning cascades through it.
                    .foreign_key(&mut foreign_key(
                        SimilarFilms::Table,
                        SimilarFilms::ModelRunId,
                        ModelRuns::Table,
                        ModelRuns::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PopularityPredictions::Table)
                    .col(integer(PopularityPredictions::ModelRunId))
                    .col(text(PopularityPredictions::FilmId))
                    .col(float_null(PopularityPredictions::PredictedRating))
                    .col(float_null(PopularityPredictions::PredictedNumVotes))
                    .primary_key(
                        Index::create().col(PopularityPredictions::ModelRunId).col(PopularityPredictions::FilmId),
                    )
                    .foreign_key(&mut foreign_key(
                        PopularityPredictions::Table,
                        PopularityPredictions::ModelRunId,
                        ModelRuns::Table,
                        ModelRuns::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        PopularityPredictions::Table,
                        PopularityPredictions::FilmId,
                        Films::Table,
                        Films::FilmId,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AudienceSegments::Table)
                    .col(pk_auto(AudienceSegments::Id))
                    .col(integer(AudienceSegments::ModelRunId))
                    .col(text(AudienceSegments::FilmId))
                    // A segment leaves some dimensions open ("women, any age"): null means any.
                    .col(text_null(AudienceSegments::AgeBand))
                    .col(text_null(AudienceSegments::Gender))
                    .col(text_null(AudienceSegments::Occupation))
                    .col(float(AudienceSegments::Lift))
                    .foreign_key(&mut foreign_key(
                        AudienceSegments::Table,
                        AudienceSegments::ModelRunId,
                        ModelRuns::Table,
                        ModelRuns::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        AudienceSegments::Table,
                        AudienceSegments::FilmId,
                        Films::Table,
                        Films::FilmId,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audience_segments_run_film")
                    .table(AudienceSegments::Table)
                    .col(AudienceSegments::ModelRunId)
                    .col(AudienceSegments::FilmId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AudienceSegments::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(PopularityPredictions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(SimilarFilms::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ModelRuns::Table).to_owned()).await
    }
}
