//! One run of a job for a logical key (`("notify", "2026-W47")`), with its timings, outcome and figures.

use cinepicks_domain::JobStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "job_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(column_type = "Text")]
    pub job: String,
    /// Unique with `job`: a re-run of the same logical work updates this row.
    #[sea_orm(column_type = "Text")]
    pub logical_key: String,
    /// running, succeeded, failed or cancelled (stopped by a shutdown between two stages).
    pub status: JobStatus,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// Starts of this key: re-runs, and on PostgreSQL every notifier that joined the week.
    pub attempts: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    pub metrics: Option<Json>,
    /// Host name and process id of the latest start ("cinema-1:4242").
    #[sea_orm(column_type = "Text", nullable)]
    pub host: Option<String>,
    /// The worker of the latest start (see `coordination`): on PostgreSQL a row 'running' whose worker is gone
    /// was abandoned.
    pub worker: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
