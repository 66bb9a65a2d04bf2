//! The daemon's scheduled jobs as chains of stages: the nightly rebuild and the weekly send.

use std::sync::Arc;

use anyhow::Result;
use chrono::{DateTime, Utc};
use cinepicks_domain::IsoWeek;

use super::schedule::Schedule;
use crate::context::{Context, Metrics, Report};
use crate::{analyze, evaluate, fetch, ingest, notify, publish, train};

/// A job function as the daemon calls it, with the run's slot (the CLI's arguments already chosen).
pub type StageFn = dyn Fn(&Context, DateTime<Utc>) -> Result<Metrics> + Send + Sync;

/// One step of a chain: a blocking job function, run on tokio's blocking pool.
#[derive(Clone)]
pub struct Stage {
    pub name: &'static str,
    pub run: Arc<StageFn>,
}

impl Stage {
    pub fn new(
        name: &'static str,
        run: impl Fn(&Context, DateTime<Utc>) -> Result<Metrics> + Send + Sync + 'static,
    ) -> Self {
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

/// The nightly chain: fetch (when configured), ingest, train, analyze, evaluate, publish. A failed stage stops
/// it, so publish, the last stage, only ever activates a model whose whole chain succeeded.
pub fn nightly(ctx: &Context) -> ScheduledJob {
    let schedule = Schedule::new(&ctx.config.schedule.nightly, ctx.config.timezone);
    let mut stages = Vec::new();
    if ctx.config.schedule.nightly_fetch {
        stages.push(Stage::new("fetch", |ctx, _| crate::store::runtime()?.block_on(fetch::run(ctx, &[], false))));
    }
    stages.extend([
        // Unchanged inputs are skipped by ingest itself (it fingerprints them), so a quiet night costs little.
        Stage::new("ingest", |ctx, _| ingest::run(ctx, &ingest::IngestParams::default()).map(|r| r.metrics())),
        // Train before analyze: the report's "what drives popularity" section reads the model just trained.
        Stage::new("train", |ctx, _| train::run(ctx, &train::TrainParams::default()).map(|r| r.metrics())),
        Stage::new("analyze", |ctx, _| analyze::run(ctx, &analyze::AnalyzeOptions::default()).map(|r| r.metrics())),
        Stage::new("evaluate", |ctx, _| evaluate::run(ctx, &evaluate::EvaluateParams::default()).map(|r| r.metrics())),
        Stage::new("publish", |ctx, _| publish::run(ctx, &publish::PublishParams::default()).map(|r| r.metrics())),
    ]);
    ScheduledJob { name: NIGHTLY, schedule, stages }
}

/// Name of the weekly send in job_runs and on the command line.
pub const WEEKLY_NOTIFY: &str = "weekly_notify";

/// The weekly send: the picks of the slot's ISO week in the cinema's timezone, so a run caught up or retried the
/// next day still sends that week (deliveries are unique per customer, week and channel: nothing goes twice).
pub fn weekly_notify(ctx: &Context) -> ScheduledJob {
    let tz = ctx.config.timezone;
    let schedule = Schedule::new(&ctx.config.schedule.weekly_notify, tz);
    let stages = vec![Stage::new("notify", move |ctx, slot| {
        let week = IsoWeek::of(slot.with_timezone(&tz).date_naive());
        let args = notify::NotifyParams { week: Some(week), ..Default::default() };
        notify::run(ctx, &args).map(|report| report.metrics())
    })];
    ScheduledJob { name: WEEKLY_NOTIFY, schedule, stages }
}

/// Every job the daemon schedules, from the configuration.
pub fn scheduled_jobs(ctx: &Context) -> Vec<ScheduledJob> {
    vec![nightly(ctx), weekly_notify(ctx)]
}
