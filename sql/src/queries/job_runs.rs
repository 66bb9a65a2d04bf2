//! Job runs keyed by (job, logical key): started, finished or failed, re-runs counted as attempts.

use chrono::{DateTime, Utc};
use cinepicks_domain::JobStatus;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::connect::Store;
use crate::entities::job_run;
use crate::error::{During, Result};

impl Store {
    /// Records that `job` starts for `logical_key`; a re-run of the same key reuses its row, one attempt more.
    pub async fn start_job(&self, job: &str, logical_key: &str, now: DateTime<Utc>) -> Result<i32> {
        let db = self.db();
        let doing = format!("recording the start of {job} {logical_key}");
        if let Some(existing) = self.job_run(job, logical_key).await? {
            job_run::Entity::update_many()
                .col_expr(job_run::Column::Status, Expr::value(JobStatus::Running))
                .col_expr(job_run::Column::StartedAt, Expr::value(now))
                .col_expr(job_run::Column::FinishedAt, Expr::value(Option::<DateTime<Utc>>::None))
                .col_expr(job_run::Column::Error, Expr::value(Option::<String>::None))
                .col_expr(job_run::Column::Attempts, Expr::col(job_run::Column::Attempts).add(1))
                .filter(job_run::Column::Id.eq(existing.id))
                .exec(db)
                .await
                .during(doing)?;
            return Ok(existing.id);
        }
        let row = job_run::ActiveModel {
            job: Set(job.to_owned()),
            logical_key: Set(logical_key.to_owned()),
            status: Set(JobStatus::Running),
            started_at: Set(now),
            finished_at: Set(None),
            attempts: Set(1),
            error: Set(None),
            metrics: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await
        .during(doing)?;
        Ok(row.id)
    }

    /// Records how the run `id` ended, with its error or figures.
    pub async fn finish_job(
        &self,
        id: i32,
        status: JobStatus,
        error: Option<String>,
        metrics: Option<serde_json::Value>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        job_run::ActiveModel {
            id: Set(id),
            status: Set(status),
            finished_at: Set(Some(now)),
            error: Set(error),
            metrics: Set(metrics),
            ..Default::default()
        }
        .update(self.db())
        .await
        .during(format!("recording the end of job run {id}"))?;
        Ok(())
    }

    pub async fn job_run(&self, job: &str, logical_key: &str) -> Result<Option<job_run::Model>> {
        job_run::Entity::find()
            .filter(job_run::Column::Job.eq(job))
            .filter(job_run::Column::LogicalKey.eq(logical_key))
            .one(self.db())
            .await
            .during(format!("reading job run {job} {logical_key}"))
    }

    /// The latest runs of `job`, newest first.
    pub async fn recent_job_runs(&self, job: &str, limit: u64) -> Result<Vec<job_run::Model>> {
        job_run::Entity::find()
            .filter(job_run::Column::Job.eq(job))
            .order_by_desc(job_run::Column::StartedAt)
            .limit(limit)
            .all(self.db())
            .await
            .during(format!("reading the latest runs of {job}"))
    }

    /// Marks the runs of `job` still recorded as running as failed with `reason`: after a crash or a kill, no
    /// process is doing them any more. Returns how many were marked.
    pub async fn fail_abandoned_runs(&self, job: &str, reason: &str, now: DateTime<Utc>) -> Result<u64> {
        let done = job_run::Entity::update_many()
            .col_expr(job_run::Column::Status, Expr::value(JobStatus::Failed))
            .col_expr(job_run::Column::FinishedAt, Expr::value(Some(now)))
            .col_expr(job_run::Column::Error, Expr::value(Some(reason.to_owned())))
            .filter(job_run::Column::Job.eq(job))
            .filter(job_run::Column::Status.eq(JobStatus::Running))
            .exec(self.db())
            .await
            .during(format!("marking abandoned runs of {job}"))?;
        Ok(done.rows_affected)
    }
}
