//! The sending loop of one channel: waves of at most `concurrency` due deliveries are claimed (marked in
//! flight by this worker), sent at the transport's rate, and their outcomes recorded before the next wave, so a
//! kill can only leave the last wave in flight; transient failures come back after a jittered exponential backoff.
//! Several workers on one PostgreSQL store claim disjoint waves (see `Store::claim_due`).

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use tokio::sync::Mutex;

use cinepicks_domain::{Channel, DeliveryStatus, IsoWeek};
use cinepicks_store::entities::delivery;
use cinepicks_store::queries::deliveries::Outcome;
use cinepicks_store::{Store, Worker};

use super::Failure;
use super::quiet_hours::QuietHours;

/// "Now" for one run: the injected clock's time at the start, advanced by the monotonic clock, so waits for
/// retries end even under a fixed test clock.
#[derive(Debug, Clone, Copy)]
pub struct RunClock {
    start: DateTime<Utc>,
    started: Instant,
}

impl RunClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self { start, started: Instant::now() }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.start + chrono::Duration::from_std(self.started.elapsed()).unwrap_or_default()
    }
}

/// At most `per_second` sends per second, spread evenly (0: no limit).
pub struct RateLimit {
    interval: Option<Duration>,
    next: Mutex<tokio::time::Instant>,
}

impl RateLimit {
    pub fn new(per_second: f64) -> Self {
        let interval = (per_second > 0.0).then(|| Duration::from_secs_f64(1.0 / per_second));
        Self { interval, next: Mutex::new(tokio::time::Instant::now()) }
    }

    pub async fn wait(&self) {
        let Some(interval) = self.interval else { return };
        let at = {
            let mut next = self.next.lock().await;
            let at = (*next).max(tokio::time::Instant::now());
            *next = at + interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

/// Retry policy of a channel.
#[derive(Debug, Clone, Copy)]
pub struct Retries {
    pub max_attempts: u32,
    pub backoff_initial_ms: u64,
    pub backoff_max_ms: u64,
    pub bounce_limit: i32,
}

/// What a channel's run did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Tally {
    pub sent: u64,
    pub retried: u64,
    pub failed: u64,
    pub bounced: u64,
    pub deferred: u64,
    pub resent_in_flight: u64,
    pub flagged_subscriptions: u64,
}

/// Sends every due delivery of one channel and week until none is left (or only deferred ones), and none is in
/// flight with another live worker (it may die: its wave is then taken over here).
#[allow(clippy::too_many_arguments)]
pub async fn run_channel<F, Fut>(
    store: &Store,
    worker: &Worker,
    week: IsoWeek,
    channel: Channel,
    customer: Option<i32>,
    concurrency: usize,
    rate: &RateLimit,
    retries: Retries,
    quiet: Option<QuietHours>,
    clock: RunClock,
    progress: &indicatif::ProgressBar,
    send: F,
) -> Result<Tally>
where
    F: Fn(delivery::Model) -> Fut,
    Fut: std::future::Future<Output = Result<Option<String>, Failure>>,
{
    let mut tally = Tally::default();
    let mut last_log = Instant::now();
    loop {
        let now = clock.now();
        if let Some(window) = quiet.filter(|w| !w.allows(now)) {
            let until = window.next_allowed(now);
            let local = until.with_timezone(&window.tz).format("%Y-%m-%d %H:%M");
            let reason = format!("quiet hours: deferred to {local}");
            tally.deferred += store.defer_due(week, channel, customer, &reason, until).await?;
            break;
        }
        if !worker.alive().await {
            bail!("{channel}: the connection holding this worker's presence was lost; stopping before claiming more");
        }
        let wave = store.claim_due(week, channel, customer, worker, now, concurrency.max(1) as u64).await?;
        if wave.is_empty() {
            match store.next_retry_at(week, channel, customer).await? {
                Some(at) => {
                    let wait = (at - clock.now()).to_std().unwrap_or_default().max(Duration::from_millis(5));
                    tracing::debug!(%channel, wait_ms = wait.as_millis() as u64, "waiting for the next retry");
                    tokio::time::sleep(wait).await;
                }
                None if store.unfinished(week, channel, customer, clock.now()).await? > 0 => {
                    tokio::time::sleep(IN_FLIGHT_POLL).await;
                }
                None => break,
            }
            continue;
        }
        send_wave(store, worker, week, channel, &wave, rate, retries, clock, &send, &mut tally).await?;
        progress.inc(wave.len() as u64);
        if last_log.elapsed() > Duration::from_secs(5) {
            tracing::info!(%channel, %week, sent = tally.sent, retried = tally.retried, failed = tally.failed, "sending");
            last_log = Instant::now();
        }
    }
    Ok(tally)
}

/// How often a notifier with nothing left to claim looks again at the waves other workers have in flight.
const IN_FLIGHT_POLL: Duration = Duration::from_millis(200);

/// Sends one claimed wave and records every outcome before returning: the only rows this worker has in flight.
#[allow(clippy::too_many_arguments)]
async fn send_wave<F, Fut>(
    store: &Store,
    worker: &Worker,
    week: IsoWeek,
    channel: Channel,
    wave: &[delivery::Model],
    rate: &RateLimit,
    retries: Retries,
    clock: RunClock,
    send: &F,
    tally: &mut Tally,
) -> Result<()>
where
    F: Fn(delivery::Model) -> Fut,
    Fut: std::future::Future<Output = Result<Option<String>, Failure>>,
{
    for d in wave.iter().filter(|d| d.status == DeliveryStatus::Sending) {
        tracing::warn!(
            delivery = d.id,
            customer = d.customer_id,
            %channel,
            %week,
            claimed_at = ?d.claimed_at,
            "delivery was in flight when the previous run stopped: sending it again, it may arrive twice"
        );
        tally.resent_in_flight += 1;
    }
    let attempts: Vec<_> = wave
        .iter()
        .map(|d| {
            let d = d.clone();
            async move {
                rate.wait().await;
                send(d).await
            }
        })
        .collect();
    let results = futures::future::join_all(attempts).await;
    let now = clock.now();
    let mut outcomes = Vec::with_capacity(wave.len());
    let mut fatal = None;
    for (d, result) in wave.iter().zip(results) {
        let attempt = d.attempts as u32 + 1;
        outcomes.push(match result {
            Ok(provider_message_id) => {
                tally.sent += 1;
                Outcome::Sent { id: d.id, provider_message_id }
            }
            Err(Failure::Transient(error)) if attempt < retries.max_attempts => {
                tally.retried += 1;
                let wait = crate::backoff::full_jitter(retries.backoff_initial_ms, retries.backoff_max_ms, attempt);
                tracing::info!(delivery = d.id, %channel, attempt, error = %error, "transient failure, will retry");
                Outcome::Retry { id: d.id, error, at: now + chrono::Duration::from_std(wait).unwrap_or_default() }
            }
            Err(Failure::Transient(error)) => {
                tally.failed += 1;
                tracing::warn!(delivery = d.id, %channel, attempt, error = %error, "failed after the last attempt");
                let error = format!("after {attempt} attempts: {error}");
                Outcome::Failed { id: d.id, error, bounce: false, subscription_id: None }
            }
            Err(Failure::Permanent(error)) => {
                tally.failed += 1;
                tally.bounced += 1;
                tracing::warn!(delivery = d.id, %channel, error = %error, "permanent failure");
                Outcome::Failed { id: d.id, error, bounce: true, subscription_id: d.subscription_id }
            }
            Err(Failure::Skipped(error)) => {
                tally.failed += 1;
                tracing::info!(delivery = d.id, %channel, error = %error, "not sent");
                Outcome::Failed { id: d.id, error, bounce: false, subscription_id: None }
            }
            Err(Failure::Fatal(error)) => {
                // Not sent, and not the recipient's fault: back to pending so a fixed re-run sends it.
                fatal.get_or_insert(error.clone());
                Outcome::Retry { id: d.id, error, at: now }
            }
        });
    }
    let recorded = store.record_outcomes(&outcomes, worker, retries.bounce_limit, now).await?;
    for delivery in &recorded.taken_over {
        tracing::warn!(
            delivery,
            %channel,
            "another worker took this delivery over while it was being sent (this worker's presence was lost): it may \
             arrive twice; its outcome is left to that worker"
        );
    }
    let flagged = recorded.flagged;
    for sub in &flagged {
        tracing::warn!(subscription = sub, "subscription flagged after repeated permanent failures: no more sending");
    }
    tally.flagged_subscriptions += flagged.len() as u64;
    match fatal {
        Some(error) => bail!("{channel}: {error}"),
        None => Ok(()),
    }
}
