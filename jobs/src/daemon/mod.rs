//! `cinepicks daemon` and `cinepicks run JOB`: the scheduled jobs, run unattended or by hand.
//!
//! tokio-cron-scheduler is the timer: each job is armed as a one-shot at its next fire time, computed by
//! [`schedule::Schedule`] in the real timezone (its own cron jobs keep a fixed UTC offset, see there), and
//! re-armed after each tick. Every tick goes through [`runner::Runner`], which keeps runs from overlapping and
//! records each logical run once in job_runs. Daemons on several machines sharing a PostgreSQL store elect one
//! leader (an advisory lock): the others skip their ticks until the leader's connection ends, then the first to
//! tick takes over.

pub mod chain;
pub mod runner;
pub mod schedule;

use std::future::Future;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};
use cinepicks_domain::JobStatus;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_cron_scheduler::{Job, JobScheduler};

use cinepicks_store::Lock;

use crate::context::{Context, Metrics, Report};
use chain::ScheduledJob;
use runner::{Outcome, Runner};

#[derive(Debug, Clone, Default)]
pub struct DaemonParams {
    /// Do not catch up the latest run missed while the daemon was not running.
    pub no_catch_up: bool,
}

#[derive(Debug, Clone)]
pub struct RunParams {
    /// The job: `nightly` (fetch, ingest, train, analyze, evaluate, publish) or `weekly_notify`.
    pub job: String,
    /// Run it again even when its latest scheduled run already succeeded.
    pub force: bool,
}

/// Why the daemon stopped other than cleanly; [`ShutdownError::exit_code`] is the process's exit code.
#[derive(Debug, thiserror::Error)]
pub enum ShutdownError {
    #[error(
        "stopped by a signal between two stages of {0}: the finished stages are kept, the run is marked cancelled and \
         runs again at the next tick or with `cinepicks run`"
    )]
    StoppedBetweenStages(String),
    #[error(
        "stopped by a signal: the grace period ended during {0}; its unfinished output was never published (files \
         are renamed into place only when complete, the store writes in one transaction) and the run is marked \
         failed"
    )]
    Abandoned(String),
}

impl ShutdownError {
    /// 3: a chain stopped at a stage boundary; 4: a stage was abandoned when the grace period ended.
    pub fn exit_code(&self) -> u8 {
        match self {
            ShutdownError::StoppedBetweenStages(_) => 3,
            ShutdownError::Abandoned(_) => 4,
        }
    }
}

/// `cinepicks daemon`: runs the scheduled jobs until SIGINT or SIGTERM.
pub fn run(ctx: &Context, args: &DaemonParams) -> Result<Metrics> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    let jobs = chain::scheduled_jobs(ctx);
    let catch_up = ctx.config.schedule.catch_up && !args.no_catch_up;
    let result = rt.block_on(serve(ctx.clone(), jobs, catch_up, crate::shutdown::signal()));
    // A stage abandoned after the grace period still occupies a blocking thread: do not wait for it.
    rt.shutdown_background();
    result
}

/// `cinepicks run JOB`: one run of a scheduled job now, for its latest slot (so it retries a failed night).
pub fn run_now(ctx: &Context, args: &RunParams) -> Result<RunReport> {
    let jobs = chain::scheduled_jobs(ctx);
    let names: Vec<&str> = jobs.iter().map(|j| j.name).collect();
    let job = jobs
        .into_iter()
        .find(|j| j.name == args.job)
        .with_context(|| format!("no scheduled job named {:?}; the jobs are: {}", args.job, names.join(", ")))?;
    let rt = crate::store::runtime()?;
    rt.block_on(async {
        let store = crate::store::open(ctx).await?;
        let worker = store.worker().await?;
        let runner = Runner::new(ctx.clone(), store, worker);
        runner.fail_abandoned_runs(&job).await?;
        let now = ctx.clock.now();
        let slot = job.schedule.latest_at_or_before(now).unwrap_or(now);
        let key = job.schedule.logical_key(slot);
        let mut metrics = Metrics::default();
        metrics.insert("job", job.name);
        metrics.insert("logical_key", &key);
        if !args.force && runner.succeeded(&job, slot).await? {
            metrics.insert("outcome", "already succeeded");
            let text = format!("{} for {key} already succeeded; nothing to do (--force runs it again)", job.name);
            return Ok(RunReport { text, metrics });
        }
        let outcome = runner.run(&job, slot).await?;
        metrics.insert("outcome", format!("{outcome:?}"));
        match outcome {
            Outcome::Succeeded => {
                let text = format!("{} for {key} succeeded ({})", job.name, job.stage_names().join(" → "));
                Ok(RunReport { text, metrics })
            }
            Outcome::Failed { stage, error } => anyhow::bail!("{} for {key}: stage {stage} failed: {error}", job.name),
            Outcome::Skipped => anyhow::bail!("{} is already running (in the daemon or another process)", job.name),
            Outcome::Stopped { next_stage } => anyhow::bail!("{} stopped before {next_stage}", job.name),
        }
    })
}

/// What `cinepicks run JOB` did: one sentence, and the run's figures.
#[derive(Debug)]
pub struct RunReport {
    pub text: String,
    pub metrics: Metrics,
}

impl Report for RunReport {
    fn metrics(&self) -> Metrics {
        self.metrics.clone()
    }
}

impl std::fmt::Display for RunReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}", self.text)
    }
}

/// A tick for job `job` at `slot`; catch-ups do not re-arm the timer.
#[derive(Debug)]
struct Tick {
    job: usize,
    slot: DateTime<Utc>,
    catch_up: bool,
}

/// The daemon's loop, callable from tests with their own jobs and shutdown trigger: returns when `shutdown`
/// completes and the running jobs have finished, stopped at a stage boundary, or outlived the grace period.
pub async fn serve(
    ctx: Context,
    jobs: Vec<ScheduledJob>,
    catch_up: bool,
    shutdown: impl Future<Output = &'static str>,
) -> Result<Metrics> {
    let store = crate::store::open(&ctx).await?;
    let worker = store.worker().await?;
    let runner = Runner::new(ctx.clone(), store, worker);
    for job in &jobs {
        runner.fail_abandoned_runs(job).await?;
    }
    // Several daemons may share a PostgreSQL store (one per machine): one leads and runs the ticks, the others
    // keep their timers and try to take over at each tick, which they do as soon as the leader's connection ends.
    let mut leading = runner.worker().try_lock(Lock::DaemonLeader).await?;
    if !leading {
        tracing::info!(host = runner.worker().host(), "another daemon leads: this one takes over if it stops");
    }

    let (ticks, mut tick_rx) = mpsc::unbounded_channel::<Tick>();
    let mut scheduler = JobScheduler::new().await.context("starting the scheduler")?;
    scheduler.start().await.context("starting the scheduler")?;
    let now = ctx.clock.now();
    for (i, job) in jobs.iter().enumerate() {
        if catch_up
            && leading
            && let Some(slot) = job.schedule.latest_at_or_before(now)
            && !runner.attempted(job, slot).await?
        {
            tracing::info!(job = job.name, key = %job.schedule.logical_key(slot), "catching up a missed run");
            let _ = ticks.send(Tick { job: i, slot, catch_up: true });
        }
        arm(&scheduler, &jobs, i, now, &ticks).await?;
    }

    let mut running: JoinSet<(usize, Result<Outcome>)> = JoinSet::new();
    let (mut succeeded, mut failed, mut skipped) = (0u32, 0u32, 0u32);
    tokio::pin!(shutdown);
    let signal = loop {
        tokio::select! {
            signal = &mut shutdown => break signal,
            Some(tick) = tick_rx.recv() => {
                if !tick.catch_up {
                    arm(&scheduler, &jobs, tick.job, tick.slot, &ticks).await?;
                }
                // Leadership lives on one connection: once it is lost another daemon may lead, so this one must
                // not run anything more. It stops with an error; the service manager restarts it, and it then
                // leads or follows anew.
                if !runner.worker().alive().await {
                    bail!("the connection holding this daemon's place among the daemons of the store was lost");
                }
                if !leading {
                    leading = runner.worker().try_lock(Lock::DaemonLeader).await?;
                    if !leading {
                        tracing::debug!(job = jobs[tick.job].name, "tick left to the leading daemon");
                        continue;
                    }
                    tracing::warn!(host = runner.worker().host(), "the leading daemon stopped: this one leads now");
                    // What the old leader left running is marked failed, and the latest slot of the other jobs
                    // that did not succeed (it may have died in it, or before it) runs now.
                    for (i, job) in jobs.iter().enumerate() {
                        runner.fail_abandoned_runs(job).await?;
                        if i != tick.job
                            && catch_up
                            && let Some(slot) = job.schedule.latest_at_or_before(tick.slot)
                            && !runner.succeeded(job, slot).await?
                        {
                            tracing::info!(job = job.name, key = %job.schedule.logical_key(slot), "taking over a run");
                            let _ = ticks.send(Tick { job: i, slot, catch_up: true });
                        }
                    }
                }
                let (runner, job) = (runner.clone(), jobs[tick.job].clone());
                running.spawn(async move { (tick.job, runner.run(&job, tick.slot).await) });
            }
            Some(done) = running.join_next() => {
                match done.context("a job task panicked")? {
                    (_, Ok(Outcome::Succeeded)) => succeeded += 1,
                    (_, Ok(Outcome::Skipped)) => skipped += 1,
                    (_, Ok(_)) => failed += 1,
                    (i, Err(err)) => {
                        failed += 1;
                        tracing::error!(job = jobs[i].name, error = %format!("{err:#}"), "the run could not be recorded");
                    }
                }
            }
        }
    };

    tracing::info!(signal, "shutting down: no new runs; waiting for the running ones");
    runner.stop();
    scheduler.shutdown().await.context("stopping the scheduler")?;
    let grace = Duration::from_secs(ctx.config.schedule.grace_period_secs);
    let mut stopped_between_stages = Vec::new();
    let drained = tokio::time::timeout(grace, async {
        while let Some(done) = running.join_next().await {
            if let Ok((i, Ok(Outcome::Stopped { .. }))) = done {
                stopped_between_stages.push(jobs[i].name);
            }
        }
    })
    .await;
    if drained.is_err() {
        let abandoned = runner.in_flight();
        let mut names = Vec::new();
        for (job, in_flight) in abandoned {
            let reason = format!("abandoned during stage {} when the shutdown grace period ended", in_flight.stage);
            if let Some(run) = in_flight.run {
                runner.store().finish_job(run, JobStatus::Failed, Some(reason), None, ctx.clock.now()).await?;
            }
            names.push(format!("{job} (stage {})", in_flight.stage));
        }
        return Err(ShutdownError::Abandoned(names.join(", ")).into());
    }
    if !stopped_between_stages.is_empty() {
        return Err(ShutdownError::StoppedBetweenStages(stopped_between_stages.join(", ")).into());
    }
    let mut metrics = Metrics::default();
    metrics.insert("runs_succeeded", succeeded);
    metrics.insert("runs_failed", failed);
    metrics.insert("ticks_skipped", skipped);
    Ok(metrics)
}

/// Arms job `i`'s next tick after `after` as a one-shot in the scheduler.
async fn arm(
    scheduler: &JobScheduler,
    jobs: &[ScheduledJob],
    i: usize,
    after: DateTime<Utc>,
    ticks: &mpsc::UnboundedSender<Tick>,
) -> Result<()> {
    let job = &jobs[i];
    let Some(slot) = job.schedule.next_after(after) else {
        tracing::warn!(job = job.name, "the schedule never fires again");
        return Ok(());
    };
    let wait = (slot - Utc::now()).to_std().unwrap_or_default();
    let ticks = ticks.clone();
    let one_shot = Job::new_one_shot_at_instant_async(std::time::Instant::now() + wait, move |_, _| {
        let _ = ticks.send(Tick { job: i, slot, catch_up: false });
        Box::pin(async {})
    })
    .with_context(|| format!("arming {}", job.name))?;
    scheduler.add(one_shot).await.with_context(|| format!("arming {}", job.name))?;
    tracing::info!(job = job.name, next = %job.schedule.logical_key(slot), "next run armed");
    Ok(())
}
