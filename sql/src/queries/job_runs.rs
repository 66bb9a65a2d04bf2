//! Job runs keyed by (job, logical key): started, finished or failed, re-runs counted as attempts.

use chrono::{DateTime, Utc};
use cinepicks_domain::JobStatus;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::connect::{Backend, Store};
use crate::coordination::{Worker, worker_gone};
use crate::entities::job_run;
use crate::error::{During, Result, StoreError};

impl Store {
    /// Records that `job` starts for `logical_key` by `worker`; a re-run of the same key reuses its row, one
    /// attempt more, and names the new worker and host. Safe when several workers start the same key at once
    /// (notifiers on several machines): the row is inserted once, the others update it.
    pub async fn start_job(
        &self,
        job: &str,
        logical_key: &str,
        worker: &Worker,
        now: DateTime<Utc>,
    ) -> Result<StartedRun> {
        let db = self.db();
        let doing = format!("recording the start of {job} {logical_key}");
        let row = job_run::ActiveModel {
            job: Set(job.to_owned()),
            logical_key: Set(logical_key.to_owned()),
            status: Set(JobStatus::Running),
            started_at: Set(now),
            finished_at: Set(None),
            attempts: Set(1),
            error: Set(None),
            metrics: Set(None),
            host: Set(Some(worker.host().to_owned())),
            worker: Set(Some(worker.id())),
            ..Default::default()
        };
        let inserted = job_run::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([job_run::Column::Job, job_run::Column::LogicalKey]).do_nothing().to_owned(),
            )
            .exec_without_returning(db)
            .await
            .during(&doing)?;
        if inserted == 0 {
            job_run::Entity::update_many()
                .col_expr(job_run::Column::Status, Expr::value(JobStatus::Running))
                .col_expr(job_run::Column::StartedAt, Expr::value(now))
                .col_expr(job_run::Column::FinishedAt, Expr::value(Option::<DateTime<Utc>>::None))
                .col_expr(job_run::Column::Error, Expr::value(Option::<String>::None))
                .col_expr(job_run::Column::Attempts, Expr::col(job_run::Column::Attempts).add(1))
                .col_expr(job_run::Column::Host, Expr::value(worker.host()))
                .col_expr(job_run::Column::Worker, Expr::value(worker.id()))
                .filter(job_run::Column::Job.eq(job))
                .filter(job_run::Column::LogicalKey.eq(logical_key))
                .exec(db)
                .await
                .during(&doing)?;
        }
        let id = self.job_run(job, logical_key).await?.map(|r| r.id).ok_or_else(|| StoreError::Db {
            doing: doing.clone(),
            source: sea_orm::DbErr::RecordNotFound(format!("job run {job} {logical_key}")),
        })?;
        Ok(StartedRun { id, worker: worker.id() })
    }

    /// Records how `run` ended, with its error or figures. When several workers run the same key (notifiers
    /// sharing a week on PostgreSQL), the row tells the story of the latest to start while it lives; once it is
    /// gone (killed), of whichever survivor ends next, so a week the survivors finished does not stay `running`.
    pub async fn finish_job(
        &self,
        run: StartedRun,
        status: JobStatus,
        error: Option<String>,
        metrics: Option<serde_json::Value>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        job_run::Entity::update_many()
            .col_expr(job_run::Column::Status, Expr::value(status))
            .col_expr(job_run::Column::FinishedAt, Expr::value(Some(now)))
            .col_expr(job_run::Column::Error, Expr::value(error))
            .col_expr(job_run::Column::Metrics, Expr::value(metrics))
            .filter(job_run::Column::Id.eq(run.id))
            .filter(self.still_ours(run.worker))
            .exec(self.db())
            .await
            .during(format!("recording the end of job run {}", run.id))?;
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
    /// process is doing them any more. On SQLite the caller holds the job's lock file; on PostgreSQL only the runs
    /// whose worker is gone are marked (others may be running on other machines). Returns how many were marked.
    pub async fn fail_abandoned_runs(&self, job: &str, reason: &str, now: DateTime<Utc>) -> Result<u64> {
        let mut update = job_run::Entity::update_many()
            .col_expr(job_run::Column::Status, Expr::value(JobStatus::Failed))
            .col_expr(job_run::Column::FinishedAt, Expr::value(Some(now)))
            .col_expr(job_run::Column::Error, Expr::value(Some(reason.to_owned())))
            .filter(job_run::Column::Job.eq(job))
            .filter(job_run::Column::Status.eq(JobStatus::Running));
        if self.backend() == Backend::Postgres {
            update = update.filter(Expr::cust(worker_gone("job_runs.worker")));
        }
        let done = update.exec(self.db()).await.during(format!("marking abandoned runs of {job}"))?;
        Ok(done.rows_affected)
    }
}

impl Store {
    /// The row is `worker`'s, or (on PostgreSQL) its worker is gone.
    fn still_ours(&self, worker: i32) -> Condition {
        let mut condition = Condition::any().add(job_run::Column::Worker.eq(worker));
        if self.backend() == Backend::Postgres {
            condition = condition.add(Expr::cust(worker_gone("job_runs.worker")));
        }
        condition
    }
}

/// A run this worker started: finishing it touches the row only while it is still this worker's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartedRun {
    pub id: i32,
    worker: i32,
}
