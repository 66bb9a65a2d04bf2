//! Runs one logical run of a scheduled job: no overlap, one job_runs row, stages on the blocking pool in order.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Result;
use chrono::{DateTime, Utc};
use cinepicks_domain::JobStatus;
use cinepicks_store::queries::job_runs::StartedRun;
use cinepicks_store::{Backend, Lock, Store, Worker};
use tracing::Instrument;

use super::chain::ScheduledJob;
use crate::context::{Context, Metrics};

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    /// A stage failed; the later stages did not run (so publish kept the previous model active).
    Failed {
        stage: &'static str,
        error: String,
    },
    /// A shutdown stopped the chain before `next_stage`; the work done so far is complete and kept.
    Stopped {
        next_stage: &'static str,
    },
    /// The previous run of the same job was still going: this tick did nothing.
    Skipped,
}

/// What is running now: the job_runs row and the stage, per job (read at shutdown).
#[derive(Debug, Clone)]
pub struct InFlight {
    pub run: Option<StartedRun>,
    pub logical_key: String,
    pub stage: &'static str,
}

/// Shared by every tick of a daemon (or by one `cinepicks run`).
#[derive(Clone)]
pub struct Runner {
    ctx: Context,
    store: Store,
    worker: Arc<Worker>,
    in_flight: Arc<Mutex<HashMap<&'static str, InFlight>>>,
    stopping: Arc<AtomicBool>,
}

impl Runner {
    pub fn new(ctx: Context, store: Store, worker: Worker) -> Self {
        Self { ctx, store, worker: Arc::new(worker), in_flight: Arc::default(), stopping: Arc::default() }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn worker(&self) -> &Worker {
        &self.worker
    }

    /// From now on, chains stop at their next stage boundary.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    /// The runs going on now, by job.
    pub fn in_flight(&self) -> HashMap<&'static str, InFlight> {
        self.in_flight.lock().expect("in-flight lock").clone()
    }

    /// Whether the run for `slot` already succeeded (catch-up and `cinepicks run` do not repeat it).
    pub async fn succeeded(&self, job: &ScheduledJob, slot: DateTime<Utc>) -> Result<bool> {
        let key = job.schedule.logical_key(slot);
        let row = self.store.job_run(job.name, &key).await?;
        Ok(row.is_some_and(|r| r.status == JobStatus::Succeeded))
    }

    /// Whether any run was recorded for `slot`, whatever its outcome (a failed one is not "missed").
    pub async fn attempted(&self, job: &ScheduledJob, slot: DateTime<Utc>) -> Result<bool> {
        Ok(self.store.job_run(job.name, &job.schedule.logical_key(slot)).await?.is_some())
    }

    /// Marks runs of `job` left `running` by a stopped process as failed, unless a process is running it now
    /// (on SQLite, the holder of its lock file; on PostgreSQL, the store knows which workers are alive).
    pub async fn fail_abandoned_runs(&self, job: &ScheduledJob) -> Result<u64> {
        let _lock = match self.store.backend() {
            Backend::Postgres => None,
            Backend::Sqlite => match self.ctx.paths.try_lock(job.name)? {
                Some(file) => Some(file),
                None => return Ok(0),
            },
        };
        crate::store::fail_abandoned_runs(&self.store, job.name, self.ctx.clock.now()).await
    }

    /// Keeps other processes from running `job` meanwhile: `<data>/runs/<job>.lock` on SQLite (see
    /// [`crate::context::DataPaths::try_lock`]), an advisory lock on PostgreSQL (processes on any machine).
    /// `None` when another process holds it.
    async fn exclusive(&self, job: &ScheduledJob) -> Result<Option<Exclusive>> {
        Ok(match self.store.backend() {
            Backend::Postgres => self.worker.try_lock(Lock::Job(job.name)).await?.then_some(Exclusive::Store),
            Backend::Sqlite => self.ctx.paths.try_lock(job.name)?.map(Exclusive::File),
        })
    }

    /// Runs `job` for the slot fired at `slot`, unless its previous run is still going, here or in another
    /// process.
    pub async fn run(&self, job: &ScheduledJob, slot: DateTime<Utc>) -> Result<Outcome> {
        let key = job.schedule.logical_key(slot);
        {
            let mut in_flight = self.in_flight.lock().expect("in-flight lock");
            if let Some(running) = in_flight.get(job.name) {
                tracing::warn!(
                    job = job.name,
                    key = %key,
                    running = %running.logical_key,
                    stage = running.stage,
                    "tick skipped: the previous run of this job is still going"
                );
                return Ok(Outcome::Skipped);
            }
            let first = job.stages.first().map_or("-", |s| s.name);
            in_flight.insert(job.name, InFlight { run: None, logical_key: key.clone(), stage: first });
        }
        let _release = Release { in_flight: self.in_flight.clone(), job: job.name };
        let Some(exclusive) = self.exclusive(job).await? else {
            tracing::warn!(job = job.name, key = %key, "tick skipped: another process is running this job");
            return Ok(Outcome::Skipped);
        };
        let outcome = self.record(job, &key, slot).await;
        match exclusive {
            Exclusive::File(file) => drop(file),
            Exclusive::Store => {
                // Not released means the lock's connection is gone, which released it anyway: the outcome stands.
                if let Err(error) = self.worker.unlock(Lock::Job(job.name)).await {
                    tracing::warn!(job = job.name, error = %error, "could not release the job's lock");
                }
            }
        }
        outcome
    }

    /// The run itself, recorded in job_runs from start to end.
    async fn record(&self, job: &ScheduledJob, key: &str, slot: DateTime<Utc>) -> Result<Outcome> {
        let run = self.store.start_job(job.name, key, &self.worker, self.ctx.clock.now()).await?;
        let span =
            tracing::info_span!("job_run", job = job.name, run_id = run.id, key = %key, host = self.worker.host());
        let outcome = self.stages(job, run, key, slot).instrument(span.clone()).await;
        let now = self.ctx.clock.now();
        let _entered = span.enter();
        match outcome {
            Ok(metrics) => {
                self.store.finish_job(run, JobStatus::Succeeded, None, Some(metrics_json(&metrics)), now).await?;
                tracing::info!("run succeeded");
                Ok(Outcome::Succeeded)
            }
            Err(Ended::Failed { stage, error, metrics }) => {
                let message = format!("stage {stage} failed: {error}");
                self.store.finish_job(run, JobStatus::Failed, Some(message), Some(metrics_json(&metrics)), now).await?;
                tracing::error!(stage, error = %error, "run failed; the later stages did not run");
                Ok(Outcome::Failed { stage, error })
            }
            Err(Ended::Stopped { next_stage, metrics }) => {
                let message = format!("stopped by a shutdown before stage {next_stage}");
                let json = Some(metrics_json(&metrics));
                self.store.finish_job(run, JobStatus::Cancelled, Some(message), json, now).await?;
                tracing::warn!(next_stage, "run stopped by the shutdown at a stage boundary");
                Ok(Outcome::Stopped { next_stage })
            }
        }
    }

    /// The stages in order; each one's figures and duration go under its name in the run's metrics.
    async fn stages(
        &self,
        job: &ScheduledJob,
        run: StartedRun,
        key: &str,
        slot: DateTime<Utc>,
    ) -> Result<Metrics, Ended> {
        let mut metrics = Metrics::default();
        for stage in &job.stages {
            if self.stopping.load(Ordering::SeqCst) {
                return Err(Ended::Stopped { next_stage: stage.name, metrics });
            }
            self.in_flight
                .lock()
                .expect("in-flight lock")
                .insert(job.name, InFlight { run: Some(run), logical_key: key.to_owned(), stage: stage.name });
            tracing::info!(stage = stage.name, "stage starting");
            let started = Instant::now();
            let (ctx, run, span) = (self.ctx.clone(), stage.run.clone(), tracing::Span::current());
            // CPU-heavy work goes to the blocking pool, inside this run's span so its logs carry job and run ids.
            let result = tokio::task::spawn_blocking(move || span.in_scope(|| run(&ctx, slot))).await;
            let seconds = (started.elapsed().as_secs_f64() * 100.0).round() / 100.0;
            let outcome = match result {
                Ok(Ok(figures)) => Ok(figures),
                Ok(Err(err)) => Err(format!("{err:#}")),
                Err(join) => Err(format!("the stage panicked: {join}")),
            };
            let mut figures = BTreeMap::new();
            figures.insert("seconds".to_owned(), serde_json::json!(seconds));
            match outcome {
                Ok(stage_metrics) => {
                    figures.extend(stage_metrics.0);
                    metrics.insert(stage.name, figures);
                    tracing::info!(stage = stage.name, seconds, "stage done");
                }
                Err(error) => {
                    metrics.insert(stage.name, figures);
                    return Err(Ended::Failed { stage: stage.name, error, metrics });
                }
            }
        }
        Ok(metrics)
    }
}

/// What keeps other processes from running the same job (released when the run ends).
enum Exclusive {
    /// The job's lock file, released when closed.
    File(File),
    /// An advisory lock of this worker, released explicitly.
    Store,
}

enum Ended {
    Failed { stage: &'static str, error: String, metrics: Metrics },
    Stopped { next_stage: &'static str, metrics: Metrics },
}

/// Frees the job for the next tick however the run ends.
struct Release {
    in_flight: Arc<Mutex<HashMap<&'static str, InFlight>>>,
    job: &'static str,
}

impl Drop for Release {
    fn drop(&mut self) {
        if let Ok(mut in_flight) = self.in_flight.lock() {
            in_flight.remove(self.job);
        }
    }
}

fn metrics_json(metrics: &Metrics) -> serde_json::Value {
    serde_json::to_value(metrics).unwrap_or(serde_json::Value::Null)
}
