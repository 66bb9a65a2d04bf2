//! The daemon's scheduled jobs as chains of stages: the nightly rebuild and the weekly send.

use std::sync::Arc;

use anyhow::Result;

use super::schedule::Schedule;
use crate::context::{Context, Metrics};
use crate::{analyze, evaluate, fetch, ingest, publish, train};

/// A job function as the daemon calls it (the CLI's arguments already chosen).
pub type StageFn = dyn Fn(&Context) -> Result<Metrics> + Send + Sync;

/// One step of a chain: a blocking job function, run on tokio's blocking pool.
#[derive(Clone)]
pub struct Stage {
    pub name: &'static str,
    pub run: Arc<StageFn>,
}

impl Stage {
    pub fn new(name: &'static str, run: impl Fn(&Context) -> Result<Metrics> + Send + Sync + 'static) -> Self {
        Self { name, run: Arc::new(run) }
    }
}

/// A scheduled job: its name in job_runs, when it fires, and its stages in order.
#[derive(Clone)]
pub struct ScheduledJob {
    pub name: &'static str,
    pub schedule: Schedule,
    pub stages: Vec<Stage>,
}

impl ScheduledJob {
    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name).collect()
    }
}

/// Name of the nightly chain in job_runs and on the command line.
pub const NIGHTLY: &str = "nightly";

/// The nightly chain: fetch (when configured), ingest, analyze, train, evaluate, publish. A failed stage stops
/// it, so publish, the last stage, only ever activates a model whose whole chain succeeded.
pub fn nightly(ctx: &Context) -> ScheduledJob {
    let schedule = Schedule::new(&ctx.config.schedule.nightly, ctx.config.timezone);
    let mut stages = Vec::new();
    if ctx.config.schedule.nightly_fetch {
        stages.push(Stage::new("fetch", |ctx| crate::store::runtime()?.block_on(fetch::run(ctx, &[], false))));
    }
    stages.extend([
        // Unchanged inputs are skipped by ingest itself (it fingerprints them), so a quiet night costs little.
        Stage::new("ingest", |ctx| ingest::run(ctx, &ingest::IngestArgs::default())),
        Stage::new("analyze", |ctx| analyze::run(ctx, &analyze::AnalyzeArgs::default())),
        Stage::new("train", |ctx| train::run(ctx, &train::TrainArgs::default())),
        Stage::new("evaluate", |ctx| evaluate::run(ctx, &evaluate::EvaluateArgs::default())),
        Stage::new("publish", |ctx| publish::run(ctx, &publish::PublishArgs::default())),
    ]);
    ScheduledJob { name: NIGHTLY, schedule, stages }
}

/// Every job the daemon schedules, from the configuration.
pub fn scheduled_jobs(ctx: &Context) -> Vec<ScheduledJob> {
    vec![nightly(ctx)]
}
