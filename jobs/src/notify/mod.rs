//! The notify job: five picks a week for every active subscription, one delivery row per customer, week and
//! channel created before sending, then e-mails (SMTP or `.eml` outbox) and SMS (HTTP gateway or JSON-lines
//! outbox) sent exactly once, with retries, quiet hours, bounces and rate limits; and `unsubscribe TOKEN`.
//!
//! - `letter`: what a message says (cards, sentences) in French or English;
//! - `email`, `sms`: rendering and transports of each channel; `gsm7`: the SMS alphabet;
//! - `outbox`: the file outboxes; `links`: signed unsubscribe tokens and short links;
//! - `quiet_hours`: when SMS may go out (French public holidays); `deliver`: the sending loop.

pub mod confirmation;
pub mod deliver;
pub mod email;
pub mod gsm7;
pub mod letter;
pub mod links;
pub mod outbox;
pub mod quiet_hours;
pub mod sms;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::time::{Instant, SystemTime};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

use cinepicks_domain::{Channel, DeliveryStatus, FeedbackKind, InvalidConfig, IsoWeek, JobStatus, Language};
use cinepicks_pipeline::recommend::picks::{Catalogue, CatalogueFilm, Customer, ProgrammeMode, WeekPlan, WeeklyPicks};
use cinepicks_pipeline::recommend::reasons::{Reason, ReasonKind};
use cinepicks_store::entities::{customer, delivery, film, subscription};
use cinepicks_store::queries::deliveries::{NewDelivery, PicksSource};
use cinepicks_store::{Backend, Lock, Store, Worker};

use crate::context::{Context, Metrics, Report};
use deliver::{RateLimit, Retries, RunClock, Tally};
use email::{EmailConfig, EmailTransport, EmailTransportKind};
use letter::Letter;
use links::LinkSigner;
use quiet_hours::QuietHours;
use sms::{Sms, SmsConfig, SmsTransport};

/// Why one attempt did not deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Worth retrying (SMTP 4xx, timeouts, HTTP 5xx or 429, connection trouble).
    Transient(String),
    /// The address or number is refused (SMTP 5xx, HTTP 4xx): recorded, and counted as a bounce.
    Permanent(String),
    /// Not sent, and not the recipient's fault (unsubscribed since the row was created, unreadable row).
    Skipped(String),
    /// The operator must act (refused credentials, outbox not writable): the run stops.
    Fatal(String),
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// Name shown in messages.
    pub cinema_name: String,
    /// Base of the links in messages (unsubscribe, short links to the picks).
    pub site_url: String,
    /// Environment variable holding the secret that signs unsubscribe links.
    pub unsubscribe_secret_env: String,
    /// A film sent in one of the previous N weeks is not sent again.
    pub weeks_without_repeat: u32,
    /// restrict (only programme films) or boost (programme films first) when a programme is set for the week.
    pub programme: ProgrammeMode,
    /// Score multiplier of programme films in boost mode is 1 + this.
    pub programme_boost: f32,
    /// The model of the active run whose neighbours are used.
    pub model: String,
    /// Picks of the five given to exploration: a well-matched film the customer was never sent, drawn among the
    /// next candidates, so that their feedback teaches beyond what the model already believes (0 to 4).
    #[serde(default = "one")]
    pub exploration_picks: usize,
    /// Attempts per message before it is marked failed (transient failures).
    pub max_attempts: u32,
    pub backoff_initial_ms: u64,
    pub backoff_max_ms: u64,
    /// Permanent failures after which a subscription is flagged and no longer written to.
    pub bounces_before_flag: u32,
    /// A customer all of whose subscriptions stopped (unsubscribed or flagged) is erased this many days after the
    /// last one stopped (0: at the next weekly run).
    #[serde(default = "half_a_year")]
    pub keep_stopped_days: u32,
    pub email: EmailConfig,
    pub sms: SmsConfig,
    #[serde(default)]
    pub confirmations: confirmation::ConfirmationConfig,
}

impl NotifyConfig {
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        if !(self.site_url.starts_with("https://") || self.site_url.starts_with("http://")) {
            return Err(InvalidConfig::new("notify.site_url", "must start with https:// (or http:// for tests)"));
        }
        if self.weeks_without_repeat > 104 {
            return Err(InvalidConfig::new("notify.weeks_without_repeat", "at most 104"));
        }
        if self.max_attempts == 0 || self.bounces_before_flag == 0 {
            return Err(InvalidConfig::new(
                "notify.max_attempts",
                "max_attempts and bounces_before_flag must be at least 1",
            ));
        }
        if self.backoff_initial_ms > self.backoff_max_ms {
            return Err(InvalidConfig::new("notify.backoff_initial_ms", "must not exceed backoff_max_ms"));
        }
        if self.exploration_picks >= cinepicks_pipeline::recommend::picks::PICKS_PER_WEEK {
            return Err(InvalidConfig::new(
                "notify.exploration_picks",
                "at most 4 (the best match always comes first)",
            ));
        }
        if self.programme_boost.is_nan() || self.programme_boost < 0.0 {
            return Err(InvalidConfig::new("notify.programme_boost", "must be 0 or more"));
        }
        self.email.validate()?;
        self.sms.validate()?;
        self.confirmations.validate()
    }
}

#[derive(Debug, Default, Clone)]
pub struct NotifyParams {
    /// ISO week to send, e.g. 2026-W48 [default: this week in the cinema's timezone].
    pub week: Option<IsoWeek>,
    /// Compute the picks and say what would be sent; create and send nothing.
    pub dry_run: bool,
    /// Only this customer (id).
    pub customer: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct ProgrammeParams {
    /// ISO week the films are shown, e.g. 2026-W48 [default: this week].
    pub week: Option<IsoWeek>,
    /// The films shown (IMDb ids or titles with an optional "(year)"); none clears the week's programme.
    pub films: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct UnsubscribeParams {
    /// The token of an unsubscribe link (`…/unsubscribe?token=TOKEN`).
    pub token: String,
}

/// The films the cinema shows in `week`: the programme set for it (`cinepicks programme`, the owner's page)
/// and every film with a screening that week in the cinema's time.
pub async fn week_programme(ctx: &Context, store: &Store, week: IsoWeek) -> Result<Vec<String>> {
    let mut films = store.programme(week).await?;
    let start = |day| cinepicks_domain::calendar::start_of_day(day, &ctx.config.timezone);
    let monday = week.monday();
    if let (Some(from), Some(to)) = (start(monday), start(monday + chrono::Duration::days(7))) {
        for screening in store.screenings_between(from, to).await? {
            if !films.contains(&screening.film_id) {
                films.push(screening.film_id);
            }
        }
    }
    Ok(films)
}

fn one() -> usize {
    1
}

fn half_a_year() -> u32 {
    180
}

/// This week, in the cinema's timezone: the one place "now" becomes a week.
pub fn this_week(ctx: &Context) -> IsoWeek {
    IsoWeek::of(ctx.clock.now().with_timezone(&ctx.config.timezone).date_naive())
}

/// The signer of links: the secret of `notify.unsubscribe_secret_env` (16 bytes or more, not a repeated
/// pattern). Without it only a demo's data folder works, with the throwaway key `demo` wrote there
/// ([`DEMO_KEY`]), and only into the file outboxes: `serve` and every real transport refuse to start, since a
/// known key would let anyone confirm, unsubscribe or read someone else's picks.
pub fn link_signer(ctx: &Context) -> Result<LinkSigner> {
    let config = &ctx.config.notify;
    let variable = &config.unsubscribe_secret_env;
    if let Ok(secret) = std::env::var(variable) {
        check_secret(secret.as_bytes()).with_context(|| format!("the environment variable {variable}"))?;
        return Ok(LinkSigner::new(secret.as_bytes(), &config.site_url));
    }
    let real =
        config.email.transport != EmailTransportKind::Outbox || config.sms.transport != sms::SmsTransportKind::Outbox;
    let demo_key = ctx.paths.root.join(DEMO_KEY);
    let how = format!(
        "set the environment variable {variable} (notify.unsubscribe_secret_env) to a long random secret, e.g. \
         `openssl rand -hex 32`: it signs the unsubscribe, confirmation and short links"
    );
    if real {
        bail!("{how} (real messages are never signed with a demo key)");
    }
    let Ok(key) = std::fs::read(&demo_key) else {
        bail!("{how}; only the demo's own data folder has a throwaway key ({} is missing)", demo_key.display());
    };
    check_secret(&key).with_context(|| format!("the demo key {}", demo_key.display()))?;
    tracing::warn!(
        variable = %variable,
        key = %demo_key.display(),
        "no link secret in the environment: this demo folder's throwaway key signs the links (outboxes only)"
    );
    Ok(LinkSigner::new(&key, &config.site_url))
}

/// Where `demo` keeps its throwaway link key, under the data folder (readable by its owner only).
pub const DEMO_KEY: &str = "demo/link-key";

/// Writes the demo's throwaway link key (32 random bytes, hex) unless the folder has one already, so that links
/// sent earlier keep working.
pub fn ensure_demo_key(ctx: &Context) -> Result<()> {
    let path = ctx.paths.root.join(DEMO_KEY);
    if path.exists() {
        return Ok(());
    }
    let key = hex::encode(rand::random::<[u8; 32]>());
    outbox::write_private(&path, key.as_bytes()).with_context(|| format!("writing the demo key {}", path.display()))
}

/// A secret good enough to sign links: 16 bytes or more, and not one character or a short pattern repeated
/// (`aaaaaaaaaaaaaaaa`, `abcabcabcabcabca`), which a guess would find.
pub fn check_secret(secret: &[u8]) -> Result<()> {
    let secret = secret.trim_ascii();
    if secret.len() < 16 {
        bail!("must hold at least 16 random characters (it has {})", secret.len());
    }
    let distinct = secret.iter().collect::<std::collections::BTreeSet<_>>().len();
    let repeated = (1..=secret.len() / 2).any(|n| secret.iter().enumerate().all(|(i, b)| *b == secret[i % n]));
    if distinct < 6 || repeated {
        bail!("is not random enough (a short pattern repeated, or few characters): use e.g. `openssl rand -hex 32`");
    }
    Ok(())
}

/// Name of the job in job_runs, and of the lock file (under `runs/`) held while a run sends.
const LOCK: &str = "notify";

pub fn run(ctx: &Context, args: &NotifyParams) -> Result<NotifyReport> {
    crate::store::with_store(ctx, async |store| {
        // On SQLite two senders would claim from one file without seeing each other's live claims: one at a time
        // per data folder. On PostgreSQL the store coordinates any number of them (claims, presence, planning
        // lock). A dry run sends nothing.
        let _lock = match args.dry_run || ctx.dry_run || store.backend() == Backend::Postgres {
            true => None,
            false => Some(ctx.paths.lock(LOCK)?),
        };
        let worker = store.worker().await?;
        let result = notify(ctx, store, &worker, args).await;
        worker.close().await;
        result
    })
}

/// `cinepicks unsubscribe TOKEN`: checks the signature, then stops the subscription and records when.
pub fn unsubscribe(ctx: &Context, args: &UnsubscribeParams) -> Result<UnsubscribeReport> {
    let signer = link_signer(ctx)?;
    let Some(subscription_id) = signer.verify_unsubscribe(&args.token) else {
        bail!("this unsubscribe token is not valid (mistyped, truncated, or signed with another secret)");
    };
    let (changed, sub) = crate::store::with_store(ctx, async |store| {
        let Some(sub) = store.subscription(subscription_id).await? else {
            bail!("subscription {subscription_id} no longer exists");
        };
        Ok((store.unsubscribe_subscription(sub.id, ctx.clock.now()).await?, sub))
    })?;
    Ok(UnsubscribeReport { channel: sub.channel, address: sub.address, changed })
}

/// The subscription a token stopped.
#[derive(Debug)]
pub struct UnsubscribeReport {
    pub channel: Channel,
    pub address: String,
    /// False when it was already stopped.
    pub changed: bool,
}

impl Report for UnsubscribeReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        metrics.insert("unsubscribed", u64::from(self.changed));
        metrics
    }
}

impl fmt::Display for UnsubscribeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changed {
            writeln!(f, "{} {}: unsubscribed; no more weekly picks will be sent there.", self.channel, self.address)
        } else {
            writeln!(f, "{} {}: already unsubscribed.", self.channel, self.address)
        }
    }
}

/// `cinepicks programme [--week W] FILM…`: sets (replaces) the films the cinema shows that week, which the picks
/// are restricted to or boosted by (`notify.programme`).
pub fn programme(ctx: &Context, args: &ProgrammeParams) -> Result<ProgrammeReport> {
    let week = args.week.unwrap_or_else(|| this_week(ctx));
    let films = crate::store::with_store(ctx, async |store| {
        let lookup = store.film_lookup().await?;
        let films: Vec<String> = args.films.iter().map(|f| lookup.resolve(f)).collect::<Result<_, _>>()?;
        store.set_programme(week, &films, ctx.clock.now()).await?;
        Ok(films)
    })?;
    Ok(ProgrammeReport { week, films })
}

/// The films set for a week.
#[derive(Debug)]
pub struct ProgrammeReport {
    pub week: IsoWeek,
    pub films: Vec<String>,
}

impl Report for ProgrammeReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        metrics.insert("films", self.films.len());
        metrics
    }
}

impl fmt::Display for ProgrammeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Programme of {}: {} film(s) {}", self.week, self.films.len(), self.films.join(" "))
    }
}

async fn notify(ctx: &Context, store: &Store, worker: &Worker, args: &NotifyParams) -> Result<NotifyReport> {
    let started = Instant::now();
    let week = args.week.unwrap_or_else(|| this_week(ctx));
    let week_key = week.to_string();
    let dry_run = args.dry_run || ctx.dry_run;
    let clock = RunClock::new(ctx.clock.now());
    let mut metrics = Metrics::default();
    metrics.insert("week", &week_key);

    let job = if dry_run {
        None
    } else {
        // The lock file is held on SQLite (see `run`); on PostgreSQL only runs whose worker is gone are marked.
        crate::store::fail_abandoned_runs(store, LOCK, clock.now()).await?;
        Some(store.start_job(LOCK, &week_key, worker, clock.now()).await?)
    };
    let mut preview = None;
    let result = async {
        if !dry_run {
            // One worker cleans up and plans at a time; the others wait, then find the week planned. Released
            // after planning, or with the worker's connection if this fails.
            worker.lock(Lock::NotifyPlanning).await?;
            // Addresses whose owner never followed the confirmation link are not kept beyond its validity.
            let purged = store.purge_unconfirmed(clock.now() - confirmation::VALID_FOR).await?;
            if !purged.is_empty() {
                // Their confirmation messages too: nothing of them is kept.
                crate::customers::forget_in_outboxes(ctx, None, &purged)?;
                tracing::info!(subscriptions = purged.len(), "unconfirmed web subscriptions forgotten (link expired)");
            }
            metrics.insert("unconfirmed_purged", purged.len());
            // People who left are not kept for ever: erased (store and outboxes) once the retention is over.
            let stopped = chrono::Duration::days(i64::from(ctx.config.notify.keep_stopped_days));
            let leavers = store.stopped_before(clock.now() - stopped).await?;
            for customer in &leavers {
                crate::customers::erase(ctx, store, *customer).await?;
            }
            if !leavers.is_empty() {
                tracing::info!(customers = leavers.len(), "customers who left erased (retention over)");
            }
            metrics.insert("left_erased", leavers.len());
        }
        let planned = plan(ctx, store, week, args.customer, dry_run).await?;
        worker.unlock(Lock::NotifyPlanning).await?;
        metrics.insert("planned", planned.considered);
        metrics.insert("created", planned.created);
        metrics.insert("without_picks", planned.without_picks);
        if dry_run {
            preview = planned.preview;
            return Ok(());
        }
        for (channel, tally) in send(ctx, store, worker, week, args.customer, clock).await? {
            metrics.insert(channel, tally);
        }
        for (channel, status, n) in store.delivery_counts(week).await? {
            metrics.insert(format!("{channel}_{status}"), n);
        }
        Ok::<_, anyhow::Error>(())
    }
    .await;
    metrics.insert("seconds", started.elapsed().as_secs_f64());
    if let Some(id) = job {
        let (status, error) = match &result {
            Ok(()) => (JobStatus::Succeeded, None),
            Err(e) => (JobStatus::Failed, Some(format!("{e:#}"))),
        };
        let figures = serde_json::to_value(&metrics.0).ok();
        store.finish_job(id, status, error, figures, clock.now()).await?;
    }
    result?;
    let outcome = match preview {
        Some(preview) => NotifyOutcome::DryRun(preview),
        None => NotifyOutcome::Sent { counts: store.delivery_counts(week).await? },
    };
    Ok(NotifyReport { week, metrics, outcome })
}

/// What a weekly run did: its figures (also kept in job_runs), and the plan or the deliveries' states.
#[derive(Debug)]
pub struct NotifyReport {
    pub week: IsoWeek,
    pub metrics: Metrics,
    pub outcome: NotifyOutcome,
}

#[derive(Debug)]
pub enum NotifyOutcome {
    DryRun(Preview),
    /// The week's deliveries by (channel, status), after the run.
    Sent {
        counts: Vec<(Channel, DeliveryStatus, i64)>,
    },
}

/// What a dry run would send.
#[derive(Debug)]
pub struct Preview {
    pub per_channel: BTreeMap<Channel, usize>,
    /// Each planned message (name, channel, "title — reason" lines) when there are few of them.
    pub messages: Vec<(String, Channel, Vec<String>)>,
}

impl Report for NotifyReport {
    fn metrics(&self) -> Metrics {
        self.metrics.clone()
    }
}

impl fmt::Display for NotifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let week = self.week;
        match &self.outcome {
            NotifyOutcome::DryRun(preview) => {
                let total = preview.per_channel.values().sum::<usize>();
                let per_channel: Vec<String> =
                    preview.per_channel.iter().map(|(channel, n)| format!("{n} by {channel}")).collect();
                let per_channel = per_channel.join(", ");
                writeln!(
                    f,
                    "Dry run for {week}: would create {total} deliveries ({per_channel}); nothing written or sent."
                )?;
                for (name, channel, lines) in &preview.messages {
                    writeln!(f, "  {name} ({channel}):")?;
                    for line in lines {
                        writeln!(f, "    - {line}")?;
                    }
                }
                Ok(())
            }
            NotifyOutcome::Sent { counts } => {
                let created = self.metrics.get("created").cloned().unwrap_or_default();
                writeln!(f, "Weekly picks {week}: {created} new deliveries.")?;
                for (channel, status, n) in counts {
                    writeln!(f, "  {:5} {:9} {n}", channel.as_str(), status.as_str())?;
                }
                Ok(())
            }
        }
    }
}

/// What planning did.
struct Planned {
    considered: usize,
    created: u64,
    without_picks: usize,
    /// A dry run's plan.
    preview: Option<Preview>,
}

/// Creates the week's delivery rows (with their picks) for active subscriptions that have none yet.
async fn plan(ctx: &Context, store: &Store, week: IsoWeek, customer: Option<i32>, dry_run: bool) -> Result<Planned> {
    let config = &ctx.config.notify;
    let week_key = week.to_string();
    let subscriptions = store.active_subscriptions(customer).await?;
    let existing = store.delivery_keys(week).await?;
    let mut seen = std::collections::HashSet::new();
    let mut todo: Vec<&subscription::Model> = subscriptions
        .iter()
        .filter(|s| !existing.contains(&(s.customer_id, s.channel)))
        .filter(|s| seen.insert((s.customer_id, s.channel)))
        .collect();
    tracing::info!(week = %week_key, active = subscriptions.len(), to_plan = todo.len(), "planning the weekly picks");
    if todo.is_empty() {
        return Ok(Planned { considered: 0, created: 0, without_picks: 0, preview: dry_run.then(Preview::empty) });
    }
    let catalogue = load_catalogue(store, &config.model).await?;
    if catalogue.is_empty() {
        bail!("the store has no films: run `cinepicks publish` first");
    }
    let programme = week_programme(ctx, store, week).await?;
    let plan = WeekPlan::new(
        &catalogue,
        (!programme.is_empty()).then_some(programme.as_slice()),
        config.programme,
        config.programme_boost,
    )
    .with_exploration(config.exploration_picks);
    let likes = store.likes_by_customer().await?;
    let verdicts = store.verdicts_by_customer().await?;
    let (sent, ever_sent) = sending_history(store, week, config.weeks_without_repeat).await?;
    let customers = store.customers_by_id().await?;

    // One customer's subscriptions are adjacent, so their channels share one computation of the picks; rows
    // are written a batch at a time, so memory does not grow with the number of subscribers and a stopped
    // planning keeps what it wrote (the next run plans only the rest).
    todo.sort_by_key(|s| (s.customer_id, s.id));
    let none = Vec::new();
    let mut batch = Vec::with_capacity(PLAN_BATCH);
    let mut per_channel: BTreeMap<Channel, usize> = BTreeMap::new();
    let mut sample = Vec::new();
    let (mut created, mut without_picks) = (0, 0);
    for group in todo.chunk_by(|a, b| a.customer_id == b.customer_id) {
        let customer_id = group[0].customer_id;
        let genres: Vec<String> = customers
            .get(&customer_id)
            .and_then(|c| c.genres.as_deref())
            .map(|g| g.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        let verdict = verdicts.get(&customer_id).cloned().unwrap_or_default();
        // "J'aime" weighs like a declared like; "Pas pour moi" and "Déjà vu" are never proposed again.
        let liked = verdict.effective_likes(likes.get(&customer_id).unwrap_or(&none));
        let rejected = verdict.excluded();
        let customer = Customer {
            likes: &liked,
            recently_sent: sent.get(&customer_id).unwrap_or(&none),
            declared_genres: &genres,
            rejected: &rejected,
            ever_sent: ever_sent.get(&customer_id).unwrap_or(&none),
            seed: exploration_seed(customer_id, week),
        };
        let picks = match plan.picks(&customer) {
            Ok(picks) => serde_json::to_value(&picks).expect("picks serialise"),
            Err(e) => {
                tracing::warn!(customer = customer_id, error = %e, "no picks this week");
                without_picks += group.len();
                continue;
            }
        };
        for sub in group {
            *per_channel.entry(sub.channel).or_default() += 1;
            let row = NewDelivery { customer_id, subscription_id: sub.id, channel: sub.channel, picks: picks.clone() };
            match dry_run {
                true if sample.len() < DRY_RUN_SHOWN => sample.push(row),
                true => {}
                false => batch.push(row),
            }
        }
        if batch.len() >= PLAN_BATCH {
            created += store.create_deliveries(week, &batch).await?;
            batch.clear();
        }
    }
    if dry_run {
        let preview = Some(preview(store, per_channel, &sample, &customers).await?);
        return Ok(Planned { considered: todo.len(), created: 0, without_picks, preview });
    }
    created += store.create_deliveries(week, &batch).await?;
    tracing::info!(week = %week_key, created, without_picks, "delivery rows created");
    Ok(Planned { considered: todo.len(), created, without_picks, preview: None })
}

/// Weeks of sending history an exploration pick must be new to (a year: films sent before are news again).
const EXPLORATION_MEMORY_WEEKS: u32 = 52;

/// Films sent to each customer in the `without_repeat` weeks before `week` (not sent again), and in the year
/// before it (never an exploration pick), from one read of the history.
async fn sending_history(
    store: &Store,
    week: IsoWeek,
    without_repeat: u32,
) -> Result<(HashMap<i32, Vec<String>>, HashMap<i32, Vec<String>>)> {
    let weeks =
        |n: u32| -> std::collections::HashSet<String> { week.previous(n).iter().map(ToString::to_string).collect() };
    let (recent, year) = (weeks(without_repeat), weeks(EXPLORATION_MEMORY_WEEKS));
    let (mut sent, mut ever): (HashMap<i32, Vec<String>>, HashMap<i32, Vec<String>>) = Default::default();
    for picks in store.sent_picks(&week.previous(without_repeat.max(EXPLORATION_MEMORY_WEEKS))).await? {
        for (film, _) in picks.films {
            if recent.contains(&picks.week) {
                sent.entry(picks.customer_id).or_default().push(film.clone());
            }
            if year.contains(&picks.week) {
                ever.entry(picks.customer_id).or_default().push(film);
            }
        }
    }
    Ok((sent, ever))
}

/// The seed of a customer's exploration draw for a week: the same on a re-run, different every week.
fn exploration_seed(customer_id: i32, week: IsoWeek) -> u64 {
    let week_number = u64::from(chrono::Datelike::num_days_from_ce(&week.monday()).unsigned_abs() / 7);
    u64::from(customer_id.unsigned_abs()).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ week_number.wrapping_mul(0xC2B2_AE3D)
}

/// Delivery rows planned between two writes.
const PLAN_BATCH: usize = 2_000;

/// A dry run lists each planned message when there are at most this many.
const DRY_RUN_SHOWN: usize = 20;

/// The store's films and the active run's neighbours, as the picks need them.
async fn load_catalogue(store: &Store, model: &str) -> Result<Catalogue> {
    Ok(picks_catalogue(&store.picks_source(model).await?))
}

/// The picks' view of the published films, their directors and the active run's neighbours: what the weekly
/// send and the site's "my picks" both choose from.
pub fn picks_catalogue(source: &PicksSource) -> Catalogue {
    let mut directors: HashMap<&str, Vec<String>> = HashMap::new();
    for (film, person) in &source.directors {
        directors.entry(film).or_default().push(person.clone());
    }
    let films = source
        .films
        .iter()
        .map(|f| CatalogueFilm {
            film_id: f.film_id.clone(),
            primary_title: f.primary_title.clone(),
            genres: f.genre_list().iter().map(|g| g.to_string()).collect(),
            directors: directors.remove(f.film_id.as_str()).unwrap_or_default(),
            average_rating: f.average_rating,
            num_votes: f.num_votes.and_then(|v| u32::try_from(v).ok()),
        })
        .collect();
    let mut catalogue = Catalogue::new(films);
    for n in &source.neighbours {
        let kind = ReasonKind::parse(&n.reason_kind).unwrap_or(ReasonKind::SimilarGenres);
        let reason = Reason { kind, detail: n.reason_detail.clone() };
        catalogue.add_neighbour(&n.film_id, &n.neighbour_id, n.score, reason);
    }
    catalogue
}

impl Preview {
    fn empty() -> Self {
        Self { per_channel: BTreeMap::new(), messages: Vec::new() }
    }
}

/// A dry run's plan, each message spelled out when there are at most [`DRY_RUN_SHOWN`].
async fn preview(
    store: &Store,
    per_channel: BTreeMap<Channel, usize>,
    sample: &[NewDelivery],
    customers: &HashMap<i32, customer::Model>,
) -> Result<Preview> {
    let total: usize = per_channel.values().sum();
    let mut messages = Vec::new();
    if total <= DRY_RUN_SHOWN {
        let films: HashMap<String, film::Model> =
            store.all_films().await?.into_iter().map(|f| (f.film_id.clone(), f)).collect();
        for r in sample {
            let name = customers.get(&r.customer_id).map_or("?", |c| c.name.as_str());
            let picks: WeeklyPicks = serde_json::from_value(r.picks.clone())?;
            let language = customers.get(&r.customer_id).map_or(Language::Fr, |c| c.locale);
            let lines = letter::cards(&picks, language, |id| films.get(id))
                .iter()
                .map(|card| format!("{} — {}", card.title_with_year(), card.reason))
                .collect();
            messages.push((name.to_owned(), r.channel, lines));
        }
    }
    Ok(Preview { per_channel, messages })
}

/// Everything a message needs besides its delivery row, read once per run.
struct Directory {
    week: IsoWeek,
    cinema_name: String,
    site_url: String,
    timezone: chrono_tz::Tz,
    /// The screenings from the send to the end of the week, by film, earliest first.
    screenings: HashMap<String, Vec<cinepicks_store::entities::screening::Model>>,
    signer: LinkSigner,
    customers: HashMap<i32, customer::Model>,
    subscriptions: HashMap<i32, subscription::Model>,
    films: HashMap<String, film::Model>,
}

impl Directory {
    /// Each card with its page and, for a film shown this week, its next screenings (three at most).
    fn with_screenings(&self, mut cards: Vec<letter::Card>, language: Language) -> Vec<letter::Card> {
        for card in &mut cards {
            card.page_url = format!("{}/films/{}", self.site_url, card.film_id);
            let coming = self.screenings.get(&card.film_id).map(Vec::as_slice).unwrap_or_default();
            card.screenings = coming
                .iter()
                .take(3)
                .map(|s| {
                    let local = s.starts_at.with_timezone(&self.timezone).naive_local();
                    let when = format!(
                        "{}, {} · {}",
                        cinepicks_domain::calendar::day_name(local.date(), language),
                        cinepicks_domain::calendar::time_of_day(local.time(), language),
                        s.version
                    );
                    (when, s.booking_url.clone())
                })
                .collect();
            card.next_screening = coming.first().map(|s| {
                let local = s.starts_at.with_timezone(&self.timezone).naive_local();
                let when = cinepicks_domain::calendar::short_day_time(local.date(), local.time(), language);
                format!("{when} {}", s.version)
            });
        }
        cards
    }

    /// The letter of a delivery, or why it must not be sent.
    fn letter(&self, d: &delivery::Model) -> Result<(Letter, &subscription::Model), Failure> {
        let sub = d
            .subscription_id
            .and_then(|id| self.subscriptions.get(&id))
            .or_else(|| self.subscriptions.values().find(|s| s.customer_id == d.customer_id && s.channel == d.channel))
            .ok_or_else(|| {
                Failure::Skipped("the subscription was stopped (unsubscribed or flagged) before sending".into())
            })?;
        if sub.unsubscribed_at.is_some() || sub.flagged_at.is_some() {
            return Err(Failure::Skipped(
                "the subscription was stopped (unsubscribed or flagged) before sending".into(),
            ));
        }
        let customer = self
            .customers
            .get(&d.customer_id)
            .ok_or_else(|| Failure::Skipped(format!("customer {} no longer exists", d.customer_id)))?;
        let picks: WeeklyPicks = serde_json::from_value(d.picks.clone())
            .map_err(|e| Failure::Skipped(format!("delivery {}: unreadable picks: {e}", d.id)))?;
        let language = customer.locale;
        let mut cards = self.with_screenings(letter::cards(&picks, language, |id| self.films.get(id)), language);
        let token = self.signer.feedback_token(d.customer_id, links::feedback_expiry(self.week, &self.timezone));
        for card in &mut cards {
            card.feedback =
                FeedbackKind::ALL.iter().map(|&k| (k, self.signer.feedback_url(&token, &card.film_id, k))).collect();
            card.feedback_page = Some(self.signer.feedback_page_url(&token, &card.film_id));
        }
        let letter = Letter {
            key: format!("{}/{}/{}", self.week, d.channel, d.customer_id),
            week: self.week,
            customer_name: customer.name.clone(),
            address: sub.address.clone(),
            language,
            cinema_name: self.cinema_name.clone(),
            cards,
            unsubscribe_url: self.signer.unsubscribe_url(sub.id),
            picks_url: self.signer.picks_url(self.week, d.customer_id),
        };
        Ok((letter, sub))
    }
}

/// Sends the week's due deliveries of every channel.
async fn send(
    ctx: &Context,
    store: &Store,
    worker: &Worker,
    week: IsoWeek,
    customer: Option<i32>,
    clock: RunClock,
) -> Result<Vec<(&'static str, Tally)>> {
    let config = &ctx.config.notify;
    let week_key = week.to_string();
    let in_flight = store.abandoned_deliveries(week).await?;
    if in_flight > 0 {
        tracing::warn!(
            week = %week_key,
            count = in_flight,
            "deliveries were in flight when the previous run stopped; they are sent again and may arrive twice"
        );
    }
    // Every subscription, stopped ones included, so a row whose subscription was stopped is recognised as such.
    let subscriptions: HashMap<i32, subscription::Model> = {
        let all = store.all_subscriptions().await?;
        all.into_iter().map(|s| (s.id, s)).collect()
    };
    let tz = ctx.config.timezone;
    let week_end =
        cinepicks_domain::calendar::start_of_day(week.monday() + chrono::Duration::days(7), &tz).unwrap_or(clock.now());
    let mut screenings: HashMap<String, Vec<_>> = HashMap::new();
    for s in store.screenings_between(clock.now(), week_end).await? {
        screenings.entry(s.film_id.clone()).or_default().push(s);
    }
    let directory = Directory {
        week,
        cinema_name: config.cinema_name.clone(),
        site_url: config.site_url.trim_end_matches('/').to_owned(),
        timezone: tz,
        screenings,
        signer: link_signer(ctx)?,
        customers: store.customers_by_id().await?,
        subscriptions,
        films: store.all_films().await?.into_iter().map(|f| (f.film_id.clone(), f)).collect(),
    };
    let retries = Retries {
        max_attempts: config.max_attempts,
        backoff_initial_ms: config.backoff_initial_ms,
        backoff_max_ms: config.backoff_max_ms,
        bounce_limit: config.bounces_before_flag as i32,
    };
    let counts = store.delivery_counts(week).await?;
    let open = |channel: Channel| -> u64 {
        counts
            .iter()
            .filter(|(c, s, _)| *c == channel && ![DeliveryStatus::Sent, DeliveryStatus::Failed].contains(s))
            .map(|(_, _, n)| *n as u64)
            .sum()
    };
    let mut out = Vec::new();

    let from: lettre::message::Mailbox = config.email.from.parse().context("notify.email.from")?;
    let email_outbox = ctx.paths.outbox.join("email").join(&week_key);
    let email = EmailTransport::from_config(&config.email, email_outbox)?;
    let bar =
        crate::progress::progress_bar(open(Channel::Email), "notify e-mail", crate::progress::ProgressUnit::Items);
    let date = SystemTime::from(clock.now());
    let tally = deliver::run_channel(
        store,
        worker,
        week,
        Channel::Email,
        customer,
        config.email.concurrency,
        &RateLimit::new(config.email.rate_per_second),
        retries,
        None,
        clock,
        &bar,
        |d| {
            let (directory, email, from) = (&directory, &email, &from);
            async move {
                let (letter, _) = directory.letter(&d)?;
                let message = email::build_message(&letter, from, date).map_err(Failure::Skipped)?;
                email.send(message, &format!("{}.eml", d.customer_id)).await
            }
        },
    )
    .await?;
    bar.finish_and_clear();
    out.push(("email", tally));

    let sms_outbox = ctx.paths.outbox.join("sms").join(format!("{week_key}.jsonl"));
    let sms_transport = SmsTransport::from_config(&config.sms, sms_outbox)?;
    let quiet = QuietHours {
        from_hour: config.sms.allowed_from_hour,
        until_hour: config.sms.allowed_until_hour,
        tz: ctx.config.timezone,
    };
    let bar = crate::progress::progress_bar(open(Channel::Sms), "notify SMS", crate::progress::ProgressUnit::Items);
    let tally = deliver::run_channel(
        store,
        worker,
        week,
        Channel::Sms,
        customer,
        config.sms.concurrency,
        &RateLimit::new(config.sms.rate_per_second),
        retries,
        Some(quiet),
        clock,
        &bar,
        |d| {
            let (directory, transport, sms_config) = (&directory, &sms_transport, &config.sms);
            async move {
                let (letter, _) = directory.letter(&d)?;
                let sms = Sms {
                    key: letter.key.clone(),
                    to: letter.address.clone(),
                    from: sms_config.sender.clone(),
                    text: sms::sms_text(&letter, &sms_config.opt_out),
                };
                transport.send(&sms).await
            }
        },
    )
    .await?;
    bar.finish_and_clear();
    out.push(("sms", tally));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_long_and_unpatterned_secrets_sign_links() {
        assert!(check_secret(b"3f9c2a7e51b04d8c9e6a1f2b7c3d4e5f").is_ok());
        assert!(check_secret(b"end-to-end test secret, not a real one").is_ok());
        for weak in [&b"short"[..], b"aaaaaaaaaaaaaaaaaaaa", b"abcdefabcdefabcdefab", b"abababababababababab"] {
            assert!(check_secret(weak).is_err(), "{}", String::from_utf8_lossy(weak));
        }
    }
}
