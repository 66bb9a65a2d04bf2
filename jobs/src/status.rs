//! `cinepicks status`: last and next runs of the scheduled jobs, the active model, deliveries, subscribers, and
//! what the audience said of the picks (weekly feedback, the films it liked most).

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::context::{Context, Metrics, Report};
use crate::daemon::chain;
use cinepicks_domain::{DeliveryStatus, FeedbackKind, IsoWeek};
use cinepicks_store::entities::{feedback, film, job_run, model_run};
use cinepicks_store::queries::deliveries::SentPicks;
use cinepicks_store::queries::feedback::Verdicts;
use cinepicks_store::queries::operations::{SubscriptionCounts, WeekReach};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum StatusFormat {
    /// A summary for people.
    #[default]
    Text,
    /// Prometheus text exposition format, for a node-exporter textfile collector or a scrape proxy.
    Prometheus,
}

#[derive(Debug, Clone, Default)]
pub struct StatusParams {
    pub format: StatusFormat,
}

/// What status reports, read once from the store and the schedules (also the owner's operations page).
pub struct Snapshot {
    pub jobs: Vec<JobSnapshot>,
    pub active_model: Option<model_run::Model>,
    pub deliveries: Vec<(DeliveryStatus, i64)>,
    pub subscriptions: SubscriptionCounts,
    /// The latest week's message (this week's once sent): customers reached, and those who opened their page.
    pub latest_week: (IsoWeek, WeekReach),
    /// The last weeks' picks and feedback, the latest first.
    pub feedback: Vec<FeedbackWeek>,
    /// The films the audience liked most ("J'aime" is the latest verdict of that many customers).
    pub favourites: Vec<Favourite>,
    pub now: DateTime<Utc>,
}

/// One week of picks sent and what their receivers said.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackWeek {
    pub week: IsoWeek,
    /// Films sent that week (five per customer reached).
    pub picks_sent: usize,
    /// Verdicts given during the week, by kind.
    pub likes: usize,
    pub not_for_me: usize,
    pub seen: usize,
    /// Of the films sent that week, those their receiver likes now.
    pub picks_liked: usize,
    /// Exploration picks sent that week (`notify.exploration_picks`), and those liked now.
    pub explored_sent: usize,
    pub explored_liked: usize,
}

impl FeedbackWeek {
    /// Share of the week's picks liked, when any were sent.
    pub fn liked_share(&self) -> Option<f64> {
        (self.picks_sent > 0).then(|| self.picks_liked as f64 / self.picks_sent as f64)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Favourite {
    pub film_id: String,
    /// In the configured language.
    pub title: String,
    pub customers: usize,
}

/// Weeks of feedback shown.
const FEEDBACK_WEEKS: u32 = 6;
/// Favourite films shown.
const FAVOURITES: usize = 5;

/// The weekly figures of `weeks` from the picks sent and every feedback event (`week_of` places an event).
pub fn feedback_weeks(
    weeks: &[IsoWeek],
    sent: &[SentPicks],
    events: &[feedback::Model],
    week_of: impl Fn(DateTime<Utc>) -> IsoWeek,
) -> Vec<FeedbackWeek> {
    let verdicts = Verdicts::by_customer(events);
    weeks
        .iter()
        .map(|&week| {
            let key = week.to_string();
            let mut row = FeedbackWeek {
                week,
                picks_sent: 0,
                likes: 0,
                not_for_me: 0,
                seen: 0,
                picks_liked: 0,
                explored_sent: 0,
                explored_liked: 0,
            };
            for s in sent.iter().filter(|s| s.week == key) {
                let liked = |f: &str| verdicts.get(&s.customer_id).is_some_and(|v| v.has(f, FeedbackKind::Like));
                for (film, explored) in &s.films {
                    row.picks_sent += 1;
                    row.picks_liked += usize::from(liked(film));
                    row.explored_sent += usize::from(*explored);
                    row.explored_liked += usize::from(*explored && liked(film));
                }
            }
            for e in events.iter().filter(|e| week_of(e.given_at) == week) {
                match e.kind {
                    FeedbackKind::Like => row.likes += 1,
                    FeedbackKind::NotForMe => row.not_for_me += 1,
                    FeedbackKind::Seen => row.seen += 1,
                }
            }
            row
        })
        .collect()
}

/// Films by the number of customers whose latest verdict on them is "J'aime", most first (ties by id).
pub fn favourite_films(events: &[feedback::Model]) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for verdicts in Verdicts::by_customer(events).values() {
        for film in verdicts.liked() {
            *counts.entry(film).or_default() += 1;
        }
    }
    let mut out: Vec<(String, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

pub struct JobSnapshot {
    pub name: &'static str,
    pub stages: Vec<&'static str>,
    pub last: Option<job_run::Model>,
    pub next: Option<DateTime<Utc>>,
    pub timezone: chrono_tz::Tz,
}

/// Reads the snapshot from the store and the configured schedules.
pub async fn snapshot(ctx: &Context, store: &cinepicks_store::Store) -> Result<Snapshot> {
    let now = ctx.clock.now();
    let mut jobs = Vec::new();
    for job in chain::scheduled_jobs(ctx) {
        let last = store.recent_job_runs(job.name, 1).await?.into_iter().next();
        let next = job.schedule.next_after(now);
        jobs.push(JobSnapshot {
            name: job.name,
            stages: job.stage_names(),
            last,
            next,
            timezone: job.schedule.timezone(),
        });
    }
    let tz = ctx.config.timezone;
    let this_week = IsoWeek::of(now.with_timezone(&tz).date_naive());
    let mut weeks = vec![this_week];
    weeks.extend(this_week.previous(FEEDBACK_WEEKS - 1));
    let events = store.feedback_events().await?;
    let sent = store.sent_picks(&weeks).await?;
    let feedback = feedback_weeks(&weeks, &sent, &events, |at| IsoWeek::of(at.with_timezone(&tz).date_naive()));
    let counts = favourite_films(&events);
    let top: Vec<String> = counts.iter().take(FAVOURITES).map(|(f, _)| f.clone()).collect();
    let films: HashMap<String, film::Model> =
        store.films_by_ids(&top).await?.into_iter().map(|f| (f.film_id.clone(), f)).collect();
    let favourites = counts
        .into_iter()
        .take(FAVOURITES)
        .filter_map(|(film_id, customers)| {
            let title = films.get(&film_id)?.title(ctx.config.locale).to_owned();
            Some(Favourite { film_id, title, customers })
        })
        .collect();
    Ok(Snapshot {
        jobs,
        active_model: store.active_run().await?,
        deliveries: store.deliveries_by_status().await?,
        subscriptions: store.subscription_counts().await?,
        latest_week: match store.latest_sent_week().await?.filter(|w| *w <= this_week) {
            Some(week) => (week, store.week_reach(week).await?),
            None => (this_week, WeekReach::default()),
        },
        feedback,
        favourites,
        now,
    })
}

pub fn run(ctx: &Context, args: &StatusParams) -> Result<StatusReport> {
    let snapshot = crate::store::with_store(ctx, async |store| snapshot(ctx, store).await)?;
    Ok(StatusReport { snapshot, shared: crate::storage::status(ctx), format: args.format })
}

/// The snapshot, for people or for Prometheus.
pub struct StatusReport {
    pub snapshot: Snapshot,
    /// The areas on object storage and their current versions (none on one machine).
    pub shared: Vec<crate::storage::AreaStatus>,
    pub format: StatusFormat,
}

impl Report for StatusReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        metrics.insert("jobs", self.snapshot.jobs.len());
        metrics.insert("active_model", self.snapshot.active_model.as_ref().map(|m| m.run_id.clone()));
        metrics
    }
}

impl fmt::Display for StatusReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.format {
            StatusFormat::Text => {
                f.write_str(&text(&self.snapshot))?;
                f.write_str(&shared_text(&self.shared))
            }
            StatusFormat::Prometheus => f.write_str(&prometheus(&self.snapshot)),
        }
    }
}

fn shared_text(areas: &[crate::storage::AreaStatus]) -> String {
    let mut out = String::new();
    if areas.is_empty() {
        return out;
    }
    let _ = writeln!(out, "Shared storage");
    for area in areas {
        let state = match &area.current {
            Ok(Some(m)) => {
                let bytes: u64 = m.files.values().map(|f| f.bytes).sum();
                let committed = m.committed_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                format!(
                    "version {} committed {committed}, {} files, {:.1} MB",
                    m.version,
                    m.files.len(),
                    bytes as f64 / 1e6
                )
            }
            Ok(None) => "no version yet".to_owned(),
            Err(why) => format!("unreachable: {why}"),
        };
        let _ = writeln!(out, "  {:<7} {}  {state}", area.area.name(), area.location);
    }
    out
}

fn text(s: &Snapshot) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Scheduled jobs");
    for job in &s.jobs {
        let _ = writeln!(out, "  {}  ({})", job.name, job.stages.join(" → "));
        match &job.last {
            Some(run) => {
                let took = run.finished_at.map(|f| format!(" in {} s", (f - run.started_at).num_seconds()));
                // Which machine and process ran it: with several daemons on one store, the leader of the time.
                let host = run.host.as_deref().map(|h| format!(" on {h}")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    last  {} for {}{}{host}, attempt {}{}",
                    run.status,
                    run.logical_key,
                    took.unwrap_or_default(),
                    run.attempts,
                    run.error.as_deref().map(|e| format!("\n          error: {e}")).unwrap_or_default()
                );
            }
            None => {
                let _ = writeln!(out, "    last  never run");
            }
        }
        let next = job.next.map(|n| n.with_timezone(&job.timezone).to_rfc3339());
        let _ = writeln!(out, "    next  {}", next.unwrap_or_else(|| "never (the schedule has no future time)".into()));
    }
    let _ = writeln!(out, "Active model");
    match &s.active_model {
        Some(run) => {
            let published = run.published_at.map(|p| p.to_rfc3339()).unwrap_or_else(|| "-".into());
            let _ = writeln!(out, "  run {} published {published}", run.run_id);
            for (name, value) in numeric_metrics(&run.metrics) {
                let _ = writeln!(out, "    {name} = {value:.4}");
            }
        }
        None => {
            let _ = writeln!(out, "  none published yet (run `cinepicks train` then `cinepicks publish`)");
        }
    }
    let _ = writeln!(out, "Deliveries");
    if s.deliveries.is_empty() {
        let _ = writeln!(out, "  none yet");
    }
    for (status, count) in &s.deliveries {
        let _ = writeln!(out, "  {status:8} {count}");
    }
    let (week, reach) = &s.latest_week;
    let _ = writeln!(out, "  {week}: {} customers reached, {} opened their picks' page", reach.reached, reach.opened);
    let c = &s.subscriptions;
    let _ = writeln!(
        out,
        "Subscriptions  {} active, {} awaiting confirmation, {} unsubscribed, {} flagged",
        c.active, c.awaiting_confirmation, c.unsubscribed, c.flagged
    );
    let _ = writeln!(
        out,
        "Feedback on the picks (week: films sent, liked now, of which exploration picks; verdicts standing from that week)"
    );
    for w in &s.feedback {
        let share = w.liked_share().map(|x| format!(" ({:.0} %)", 100.0 * x)).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}  {:>5} sent, {:>4} liked{share}, exploration {}/{}; {} like, {} not for me, {} seen",
            w.week, w.picks_sent, w.picks_liked, w.explored_liked, w.explored_sent, w.likes, w.not_for_me, w.seen
        );
    }
    if s.favourites.is_empty() {
        let _ = writeln!(out, "  no film liked yet");
    } else {
        let _ = writeln!(out, "  liked most");
        for f in &s.favourites {
            let _ = writeln!(out, "    {:>3} × {}", f.customers, f.title);
        }
    }
    out
}

fn prometheus(s: &Snapshot) -> String {
    let mut out = String::new();
    let job = |name: &str| format!("job=\"{name}\"");
    let last_runs: Vec<_> = s.jobs.iter().filter_map(|j| j.last.as_ref().map(|r| (j.name, r))).collect();
    let starts: Vec<(String, f64)> = last_runs
        .iter()
        .map(|(name, r)| (format!("{},status=\"{}\"", job(name), r.status), r.started_at.timestamp() as f64))
        .collect();
    gauge(&mut out, "job_last_run_start_timestamp_seconds", "Start of the latest run of each scheduled job.", &starts);
    let durations: Vec<(String, f64)> = last_runs
        .iter()
        .filter_map(|(name, r)| {
            r.finished_at.map(|f| (job(name), (f - r.started_at).num_milliseconds() as f64 / 1000.0))
        })
        .collect();
    gauge(&mut out, "job_last_run_duration_seconds", "Duration of the latest finished run.", &durations);
    let next: Vec<(String, f64)> =
        s.jobs.iter().filter_map(|j| j.next.map(|n| (job(j.name), n.timestamp() as f64))).collect();
    gauge(&mut out, "job_next_run_timestamp_seconds", "Next scheduled fire time.", &next);
    let deliveries: Vec<(String, f64)> =
        s.deliveries.iter().map(|(status, n)| (format!("status=\"{status}\""), *n as f64)).collect();
    gauge(&mut out, "deliveries", "Weekly-pick deliveries by status.", &deliveries);
    let c = &s.subscriptions;
    let subscriptions = [
        ("state=\"active\"".to_owned(), c.active as f64),
        ("state=\"awaiting_confirmation\"".to_owned(), c.awaiting_confirmation as f64),
        ("state=\"unsubscribed\"".to_owned(), c.unsubscribed as f64),
        ("state=\"flagged\"".to_owned(), c.flagged as f64),
    ];
    gauge(&mut out, "subscriptions", "Subscriptions by state.", &subscriptions);
    if let Some(w) = s.feedback.first() {
        let week = |kind: &str| format!("week=\"{}\",kind=\"{kind}\"", w.week);
        let verdicts =
            [(week("like"), w.likes as f64), (week("not_for_me"), w.not_for_me as f64), (week("seen"), w.seen as f64)];
        gauge(&mut out, "feedback_this_week", "Verdicts on films given this week, by kind.", &verdicts);
        // No sample when nothing was sent: a share of nothing is not 0.
        let liked: Vec<(String, f64)> =
            w.liked_share().map(|x| (format!("week=\"{}\"", w.week), x)).into_iter().collect();
        gauge(&mut out, "picks_liked_share", "Share of this week's picks their receivers like.", &liked);
    }
    if let Some(run) = &s.active_model {
        let metrics: Vec<(String, f64)> = numeric_metrics(&run.metrics)
            .into_iter()
            .map(|(name, v)| (format!("run=\"{}\",name=\"{name}\"", run.run_id), v))
            .collect();
        gauge(&mut out, "active_model_metric", "Offline metrics of the active model run.", &metrics);
    }
    let now = [(String::new(), s.now.timestamp() as f64)];
    gauge(&mut out, "status_timestamp_seconds", "When this status was read.", &now);
    out
}

/// One gauge family in Prometheus text format: HELP, TYPE, then a sample per label set.
fn gauge(out: &mut String, name: &str, help: &str, samples: &[(String, f64)]) {
    let _ = writeln!(out, "# HELP cinepicks_{name} {help}\n# TYPE cinepicks_{name} gauge");
    for (labels, value) in samples {
        let labels = if labels.is_empty() { String::new() } else { format!("{{{labels}}}") };
        let _ = writeln!(out, "cinepicks_{name}{labels} {value}");
    }
}

/// The numeric leaves of a metrics document, as dotted names (`recommender.ndcg_at_10`).
pub fn numeric_metrics(value: &serde_json::Value) -> Vec<(String, f64)> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, f64)>) {
        match value {
            serde_json::Value::Number(n) => {
                if let Some(f) = n.as_f64() {
                    out.push((prefix.to_owned(), f));
                }
            }
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let name = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(&name, v, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("", value, &mut out);
    out
}
