//! The notifier's outbox: who to write to, what was sent before, delivery rows created before sending,
//! claimed while in flight, then marked sent, retried, deferred or failed (with bounces flagging a subscription).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use cinepicks_domain::{Channel, ConsentChange, DeliveryStatus, IsoWeek};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
    Set,
};

use crate::connect::{Backend, Store};
use crate::coordination::{Worker, worker_gone};
use crate::entities::{customer, delivery, film, film_person, like, model_run, programme, similar_film, subscription};
use crate::error::{During, Result};

/// A delivery row to create before anything is sent.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub customer_id: i32,
    pub subscription_id: i32,
    pub channel: Channel,
    pub picks: serde_json::Value,
}

/// How one attempt ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent {
        id: i32,
        provider_message_id: Option<String>,
    },
    /// A transient failure: try again at `at`.
    Retry {
        id: i32,
        error: String,
        at: DateTime<Utc>,
    },
    /// Given up. A permanent failure (`bounce`) counts against the subscription.
    Failed {
        id: i32,
        error: String,
        bounce: bool,
        subscription_id: Option<i32>,
    },
}

/// What recording a wave's outcomes did besides the deliveries' states.
#[derive(Debug, Default)]
pub struct RecordedOutcomes {
    /// Subscriptions flagged by this wave's bounces.
    pub flagged: Vec<i32>,
    /// Deliveries another worker had taken over meanwhile: their outcomes were not recorded here.
    pub taken_over: Vec<i32>,
}

/// What the weekly picks read from the store in one go: films, directors, neighbours of the active run.
#[derive(Debug, Default)]
pub struct PicksSource {
    pub films: Vec<film::Model>,
    /// (film id, director person id).
    pub directors: Vec<(String, String)>,
    pub neighbours: Vec<similar_film::Model>,
}

/// The films sent to one customer one week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentPicks {
    pub customer_id: i32,
    pub week: String,
    /// Each film, and whether it was an exploration pick.
    pub films: Vec<(String, bool)>,
}

/// Pending or deferred, with no attempt time or one passed at `now`.
fn waiting(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(delivery::Column::Status.is_in([DeliveryStatus::Pending, DeliveryStatus::Deferred]))
        .add(delivery::Column::NextAttemptAt.is_null().or(delivery::Column::NextAttemptAt.lte(now)))
}

/// The films of a delivery's stored picks (`[{film_id, exploration?, …}]`, or bare ids in rows written before
/// picks had reasons), with their exploration flag.
fn picked_films(picks: &serde_json::Value) -> Vec<(String, bool)> {
    let films = picks.as_array().into_iter().flatten();
    films
        .filter_map(|p| {
            let film = p.get("film_id").or(Some(p)).and_then(serde_json::Value::as_str)?;
            Some((film.to_owned(), p.get("exploration").and_then(serde_json::Value::as_bool).unwrap_or(false)))
        })
        .collect()
}

impl Store {
    /// Subscriptions still in use (confirmed, not unsubscribed, not flagged), oldest first; one customer's when given.
    pub async fn active_subscriptions(&self, customer_id: Option<i32>) -> Result<Vec<subscription::Model>> {
        let mut query = subscription::Entity::find()
            .filter(subscription::Column::UnsubscribedAt.is_null())
            .filter(subscription::Column::FlaggedAt.is_null())
            .filter(subscription::Column::ConfirmedAt.is_not_null())
            .order_by_asc(subscription::Column::Id);
        if let Some(id) = customer_id {
            query = query.filter(subscription::Column::CustomerId.eq(id));
        }
        query.all(self.db()).await.during("reading active subscriptions")
    }

    /// Every subscription, stopped ones included.
    pub async fn all_subscriptions(&self) -> Result<Vec<subscription::Model>> {
        subscription::Entity::find().all(self.db()).await.during("reading subscriptions")
    }

    /// Every film of the store (the notifier renders its messages from them).
    pub async fn all_films(&self) -> Result<Vec<film::Model>> {
        film::Entity::find().all(self.db()).await.during("reading films")
    }

    pub async fn subscription(&self, id: i32) -> Result<Option<subscription::Model>> {
        subscription::Entity::find_by_id(id).one(self.db()).await.during(format!("reading subscription {id}"))
    }

    /// Every customer by id.
    pub async fn customers_by_id(&self) -> Result<HashMap<i32, customer::Model>> {
        let all = customer::Entity::find().all(self.db()).await.during("reading customers")?;
        Ok(all.into_iter().map(|c| (c.id, c)).collect())
    }

    /// Every customer's liked film ids.
    pub async fn likes_by_customer(&self) -> Result<HashMap<i32, Vec<String>>> {
        let mut out: HashMap<i32, Vec<String>> = HashMap::new();
        let rows: Vec<(i32, String)> = like::Entity::find()
            .select_only()
            .column(like::Column::CustomerId)
            .column(like::Column::FilmId)
            .order_by_asc(like::Column::LikedAt)
            .into_tuple()
            .all(self.db())
            .await
            .during("reading likes")?;
        for (customer, film) in rows {
            out.entry(customer).or_default().push(film);
        }
        Ok(out)
    }

    /// Films, directors and the active run's `model` neighbours, for the weekly picks.
    pub async fn picks_source(&self, model: &str) -> Result<PicksSource> {
        let db = self.db();
        let films = film::Entity::find().order_by_asc(film::Column::FilmId).all(db).await.during("reading films")?;
        let directors = film_person::Entity::find()
            .select_only()
            .column(film_person::Column::FilmId)
            .column(film_person::Column::PersonId)
            .filter(film_person::Column::Role.eq("director"))
            .into_tuple()
            .all(db)
            .await
            .during("reading directors")?;
        let neighbours = similar_film::Entity::find()
            .join(JoinType::InnerJoin, similar_film::Relation::ModelRun.def())
            .filter(model_run::Column::Active.eq(true))
            .filter(similar_film::Column::Model.eq(model))
            .all(db)
            .await
            .during("reading the active run's neighbours")?;
        Ok(PicksSource { films, directors, neighbours })
    }

    /// The programme of a week (film ids), empty when none is set.
    pub async fn programme(&self, week: IsoWeek) -> Result<Vec<String>> {
        let iso_week = week.to_string();
        programme::Entity::find()
            .select_only()
            .column(programme::Column::FilmId)
            .filter(programme::Column::IsoWeek.eq(iso_week.as_str()))
            .into_tuple()
            .all(self.db())
            .await
            .during(format!("reading the programme of {iso_week}"))
    }

    /// Sets the programme of a week (replacing it).
    pub async fn set_programme(&self, week: IsoWeek, films: &[String], now: DateTime<Utc>) -> Result<()> {
        let iso_week = week.to_string();
        let txn = self.begin_write().await.during("starting the programme update")?;
        programme::Entity::delete_many()
            .filter(programme::Column::IsoWeek.eq(iso_week.as_str()))
            .exec(&txn)
            .await
            .during("clearing the programme")?;
        for film_id in films {
            programme::Entity::insert(programme::ActiveModel {
                iso_week: Set(iso_week.clone()),
                film_id: Set(film_id.clone()),
                added_at: Set(now),
            })
            .exec_without_returning(&txn)
            .await
            .during(format!("adding {film_id} to the programme of {iso_week}"))?;
        }
        txn.commit().await.during("committing the programme")
    }

    /// The films sent (delivered) to each customer in `weeks`, one entry per customer and week (a customer reached
    /// on both channels got the same five films once).
    pub async fn sent_picks(&self, weeks: &[IsoWeek]) -> Result<Vec<SentPicks>> {
        let rows: Vec<(i32, String, serde_json::Value)> = delivery::Entity::find()
            .select_only()
            .column(delivery::Column::CustomerId)
            .column(delivery::Column::IsoWeek)
            .column(delivery::Column::Picks)
            .filter(delivery::Column::IsoWeek.is_in(weeks.iter().map(ToString::to_string)))
            .filter(delivery::Column::Status.eq(DeliveryStatus::Sent))
            .order_by_asc(delivery::Column::Id)
            .into_tuple()
            .all(self.db())
            .await
            .during("reading the picks sent")?;
        let mut seen = HashSet::new();
        Ok(rows
            .into_iter()
            .filter(|(customer_id, week, _)| seen.insert((*customer_id, week.clone())))
            .map(|(customer_id, week, picks)| SentPicks { customer_id, week, films: picked_films(&picks) })
            .collect())
    }

    /// (customer, channel) pairs that already have a delivery row this week.
    pub async fn delivery_keys(&self, week: IsoWeek) -> Result<HashSet<(i32, Channel)>> {
        let iso_week = week.to_string();
        let rows: Vec<(i32, Channel)> = delivery::Entity::find()
            .select_only()
            .column(delivery::Column::CustomerId)
            .column(delivery::Column::Channel)
            .filter(delivery::Column::IsoWeek.eq(iso_week.as_str()))
            .into_tuple()
            .all(self.db())
            .await
            .during(format!("reading the deliveries of {iso_week}"))?;
        Ok(rows.into_iter().collect())
    }

    /// Creates the pending rows, ignoring any that exist (the uniqueness key customer, week, channel); returns
    /// how many were created. Written in chunks, each in one transaction.
    pub async fn create_deliveries(&self, week: IsoWeek, rows: &[NewDelivery]) -> Result<u64> {
        let iso_week = week.to_string();
        let mut created = 0;
        for chunk in rows.chunks(500) {
            let txn = self.begin_write().await.during("starting to create deliveries")?;
            let models = chunk.iter().map(|r| delivery::ActiveModel {
                customer_id: Set(r.customer_id),
                iso_week: Set(iso_week.clone()),
                channel: Set(r.channel),
                picks: Set(r.picks.clone()),
                status: Set(DeliveryStatus::Pending),
                attempts: Set(0),
                subscription_id: Set(Some(r.subscription_id)),
                ..Default::default()
            });
            let result = delivery::Entity::insert_many(models)
                .on_conflict(
                    OnConflict::columns([
                        delivery::Column::CustomerId,
                        delivery::Column::IsoWeek,
                        delivery::Column::Channel,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await
                .during(format!("creating the deliveries of {iso_week}"))?;
            created += result;
            txn.commit().await.during("committing deliveries")?;
        }
        Ok(created)
    }

    /// Claims up to `limit` due deliveries of the week and channel for `worker` (one customer's when given), in
    /// id order, and returns them as they were before the claim (a row still 'sending' was in flight when the
    /// worker that claimed it stopped). Due: pending or deferred with no attempt time or one passed, or 'sending'
    /// with its worker gone. On PostgreSQL the rows are read `FOR UPDATE SKIP LOCKED` and marked in the same
    /// transaction, so any number of workers claim disjoint waves; on SQLite the write transaction is exclusive.
    pub async fn claim_due(
        &self,
        week: IsoWeek,
        channel: Channel,
        customer_id: Option<i32>,
        worker: &Worker,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<delivery::Model>> {
        let iso_week = week.to_string();
        let doing = format!("claiming due {channel} deliveries of {iso_week}");
        let txn = self.begin_write().await.during(&doing)?;
        let mut query = delivery::Entity::find()
            .filter(self.of_week(&iso_week, channel, customer_id))
            .filter(self.due(now))
            .order_by_asc(delivery::Column::Id)
            .limit(limit);
        if self.backend() == Backend::Postgres {
            query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let claimed = query.all(&txn).await.during(&doing)?;
        if !claimed.is_empty() {
            delivery::Entity::update_many()
                .col_expr(delivery::Column::Status, Expr::value(DeliveryStatus::Sending))
                .col_expr(delivery::Column::ClaimedAt, Expr::value(now))
                .col_expr(delivery::Column::ClaimedBy, Expr::value(worker.id()))
                .col_expr(delivery::Column::Attempts, Expr::col(delivery::Column::Attempts).add(1))
                .filter(delivery::Column::Id.is_in(claimed.iter().map(|d| d.id)))
                .exec(&txn)
                .await
                .during(&doing)?;
        }
        txn.commit().await.during(&doing)?;
        Ok(claimed)
    }

    /// Defers every delivery of the week and channel waiting to be sent before `until` (due now, retrying in
    /// the meantime, or left in flight by a worker that stopped) to `until`, without attempting it (quiet hours).
    pub async fn defer_due(
        &self,
        week: IsoWeek,
        channel: Channel,
        customer_id: Option<i32>,
        reason: &str,
        until: DateTime<Utc>,
    ) -> Result<u64> {
        let iso_week = week.to_string();
        let done = delivery::Entity::update_many()
            .col_expr(delivery::Column::Status, Expr::value(DeliveryStatus::Deferred))
            .col_expr(delivery::Column::NextAttemptAt, Expr::value(until))
            .col_expr(delivery::Column::LastError, Expr::value(reason))
            .filter(self.of_week(&iso_week, channel, customer_id))
            .filter(self.due(until - chrono::Duration::seconds(1)))
            .exec(self.db())
            .await
            .during(format!("deferring the {channel} deliveries of {iso_week}"))?;
        Ok(done.rows_affected)
    }

    /// Deliveries of the week not done yet although nothing waits for a later time: due now, or in flight (with a
    /// live worker, or being claimed by one). A notifier with nothing left to claim waits while there are any:
    /// on PostgreSQL another worker has them, and if it dies they come back due and are taken over here.
    pub async fn unfinished(
        &self,
        week: IsoWeek,
        channel: Channel,
        customer_id: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let iso_week = week.to_string();
        // A plain read, not SKIP LOCKED: rows another worker is claiming right now still count (as pending).
        delivery::Entity::find()
            .filter(self.of_week(&iso_week, channel, customer_id))
            .filter(Condition::any().add(delivery::Column::Status.eq(DeliveryStatus::Sending)).add(waiting(now)))
            .count(self.db())
            .await
            .during(format!("counting the {channel} deliveries of {iso_week} not done"))
    }

    /// Deliveries of the week left 'sending' by a worker that stopped (in flight at the stop).
    pub async fn abandoned_deliveries(&self, week: IsoWeek) -> Result<u64> {
        let iso_week = week.to_string();
        delivery::Entity::find()
            .filter(delivery::Column::IsoWeek.eq(iso_week.as_str()))
            .filter(self.abandoned())
            .count(self.db())
            .await
            .during(format!("reading the in-flight deliveries of {iso_week}"))
    }

    fn of_week(&self, iso_week: &str, channel: Channel, customer_id: Option<i32>) -> Condition {
        let mut condition =
            Condition::all().add(delivery::Column::IsoWeek.eq(iso_week)).add(delivery::Column::Channel.eq(channel));
        if let Some(id) = customer_id {
            condition = condition.add(delivery::Column::CustomerId.eq(id));
        }
        condition
    }

    /// Due at `now`: waiting with its time come, or abandoned.
    fn due(&self, now: DateTime<Utc>) -> Condition {
        Condition::any().add(waiting(now)).add(self.abandoned())
    }

    /// In flight with its worker gone (on SQLite the caller holds the notifier's lock file and has recorded its
    /// own waves, so every row 'sending' is a stopped run's).
    fn abandoned(&self) -> Condition {
        let mut abandoned = Condition::all().add(delivery::Column::Status.eq(DeliveryStatus::Sending));
        if self.backend() == Backend::Postgres {
            abandoned = abandoned.add(Expr::cust(worker_gone("deliveries.claimed_by")));
        }
        abandoned
    }

    /// The earliest retry still waiting (pending with a future attempt time), if any.
    pub async fn next_retry_at(
        &self,
        week: IsoWeek,
        channel: Channel,
        customer_id: Option<i32>,
    ) -> Result<Option<DateTime<Utc>>> {
        let next: Option<Option<DateTime<Utc>>> = delivery::Entity::find()
            .select_only()
            .column(delivery::Column::NextAttemptAt)
            .filter(self.of_week(&week.to_string(), channel, customer_id))
            .filter(delivery::Column::Status.eq(DeliveryStatus::Pending))
            .filter(delivery::Column::NextAttemptAt.is_not_null())
            .order_by_asc(delivery::Column::NextAttemptAt)
            .limit(1)
            .into_tuple()
            .one(self.db())
            .await
            .during("reading the next retry time")?;
        Ok(next.flatten())
    }

    /// Records how `worker`'s attempts ended, in one transaction. An outcome counts only while the row is still
    /// claimed by `worker`: if another took it over meanwhile (this worker's presence was lost), the row is left
    /// to it. A bounce adds to the subscription's count and flags it when the count reaches `bounce_limit`.
    pub async fn record_outcomes(
        &self,
        outcomes: &[Outcome],
        worker: &Worker,
        bounce_limit: i32,
        now: DateTime<Utc>,
    ) -> Result<RecordedOutcomes> {
        let mut recorded = RecordedOutcomes::default();
        if outcomes.is_empty() {
            return Ok(recorded);
        }
        let txn = self.begin_write().await.during("starting to record deliveries")?;
        let none_time = Option::<DateTime<Utc>>::None;
        for outcome in outcomes {
            let (id, update) = match outcome {
                Outcome::Sent { id, provider_message_id } => (
                    *id,
                    delivery::Entity::update_many()
                        .col_expr(delivery::Column::Status, Expr::value(DeliveryStatus::Sent))
                        .col_expr(delivery::Column::SentAt, Expr::value(now))
                        .col_expr(delivery::Column::NextAttemptAt, Expr::value(none_time))
                        .col_expr(delivery::Column::ProviderMessageId, Expr::value(provider_message_id.clone())),
                ),
                Outcome::Retry { id, error, at } => (
                    *id,
                    delivery::Entity::update_many()
                        .col_expr(delivery::Column::Status, Expr::value(DeliveryStatus::Pending))
                        .col_expr(delivery::Column::NextAttemptAt, Expr::value(*at))
                        .col_expr(delivery::Column::LastError, Expr::value(error.clone())),
                ),
                Outcome::Failed { id, error, .. } => (
                    *id,
                    delivery::Entity::update_many()
                        .col_expr(delivery::Column::Status, Expr::value(DeliveryStatus::Failed))
                        .col_expr(delivery::Column::NextAttemptAt, Expr::value(none_time))
                        .col_expr(delivery::Column::LastError, Expr::value(error.clone())),
                ),
            };
            let done = update
                .filter(delivery::Column::Id.eq(id))
                .filter(delivery::Column::ClaimedBy.eq(worker.id()))
                .exec(&txn)
                .await
                .during(format!("recording the outcome of delivery {id}"))?;
            if done.rows_affected == 0 {
                recorded.taken_over.push(id);
                continue;
            }
            if let Outcome::Failed { bounce: true, subscription_id: Some(sub), .. } = outcome {
                subscription::Entity::update_many()
                    .col_expr(subscription::Column::Bounces, Expr::col(subscription::Column::Bounces).add(1))
                    .filter(subscription::Column::Id.eq(*sub))
                    .exec(&txn)
                    .await
                    .during(format!("counting a bounce of subscription {sub}"))?;
                let flag = subscription::Entity::update_many()
                    .col_expr(subscription::Column::FlaggedAt, Expr::value(now))
                    .filter(subscription::Column::Id.eq(*sub))
                    .filter(subscription::Column::FlaggedAt.is_null())
                    .filter(subscription::Column::Bounces.gte(bounce_limit))
                    .exec(&txn)
                    .await
                    .during(format!("flagging subscription {sub}"))?;
                if flag.rows_affected > 0 {
                    recorded.flagged.push(*sub);
                }
            }
        }
        txn.commit().await.during("committing delivery outcomes")?;
        Ok(recorded)
    }

    /// Deliveries of a week: (channel, status) → count.
    pub async fn delivery_counts(&self, week: IsoWeek) -> Result<Vec<(Channel, DeliveryStatus, i64)>> {
        let iso_week = week.to_string();
        delivery::Entity::find()
            .select_only()
            .column(delivery::Column::Channel)
            .column(delivery::Column::Status)
            .column_as(delivery::Column::Id.count(), "n")
            .filter(delivery::Column::IsoWeek.eq(iso_week.as_str()))
            .group_by(delivery::Column::Channel)
            .group_by(delivery::Column::Status)
            .order_by_asc(delivery::Column::Channel)
            .order_by_asc(delivery::Column::Status)
            .into_tuple()
            .all(self.db())
            .await
            .during(format!("counting the deliveries of {iso_week}"))
    }

    /// Every delivery of a week (tests, reconciliation), by id.
    pub async fn deliveries_of(&self, week: IsoWeek) -> Result<Vec<delivery::Model>> {
        let iso_week = week.to_string();
        delivery::Entity::find()
            .filter(delivery::Column::IsoWeek.eq(iso_week.as_str()))
            .order_by_asc(delivery::Column::Id)
            .all(self.db())
            .await
            .during(format!("reading the deliveries of {iso_week}"))
    }

    /// The picks of a customer's week (of any channel: they are the same), for the short link of an SMS.
    pub async fn week_picks(&self, customer_id: i32, week: IsoWeek) -> Result<Option<serde_json::Value>> {
        let iso_week = week.to_string();
        let row = delivery::Entity::find()
            .filter(delivery::Column::CustomerId.eq(customer_id))
            .filter(delivery::Column::IsoWeek.eq(iso_week.as_str()))
            .order_by_asc(delivery::Column::Id)
            .one(self.db())
            .await
            .during(format!("reading the picks of customer {customer_id} for {iso_week}"))?;
        Ok(row.map(|d| d.picks))
    }

    /// Records that the customer opened the page of a week's picks, the first time only; false when it was known.
    pub async fn record_picks_opened(&self, customer_id: i32, week: IsoWeek, now: DateTime<Utc>) -> Result<bool> {
        let iso_week = week.to_string();
        let unopened = Condition::all()
            .add(delivery::Column::CustomerId.eq(customer_id))
            .add(delivery::Column::IsoWeek.eq(iso_week.as_str()))
            .add(delivery::Column::OpenedAt.is_null());
        let during = || format!("recording that customer {customer_id} opened the picks of {iso_week}");
        // A read first: coming back to the page writes nothing (on SQLite, even an update of no row takes the
        // write lock, and would wait behind a notifier).
        let to_mark = delivery::Entity::find().filter(unopened.clone()).count(self.db()).await.during(during())?;
        if to_mark == 0 {
            return Ok(false);
        }
        let result = delivery::Entity::update_many()
            .col_expr(delivery::Column::OpenedAt, Expr::value(now))
            .filter(unopened)
            .exec(self.db())
            .await
            .during(during())?;
        Ok(result.rows_affected > 0)
    }

    /// Stops sending to one subscription (an unsubscribe link); false when it was already stopped.
    pub async fn unsubscribe_subscription(&self, id: i32, now: DateTime<Utc>) -> Result<bool> {
        let result = subscription::Entity::update_many()
            .col_expr(subscription::Column::UnsubscribedAt, Expr::value(now))
            .filter(subscription::Column::Id.eq(id))
            .filter(subscription::Column::UnsubscribedAt.is_null())
            .exec(self.db())
            .await
            .during(format!("unsubscribing subscription {id}"))?;
        if result.rows_affected > 0 {
            super::customers::record_consent(self.db(), id, ConsentChange::Withdrawn, "link", now).await?;
        }
        Ok(result.rows_affected > 0)
    }
}
