//! Subscriptions made on the web site, with double opt-in: recorded as awaiting confirmation with a queued
//! confirmation message (within daily caps), confirmed by that message's link, and only then sent weekly picks.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::customers::{NewCustomer, insert_likes, new_customer_row, new_subscription_row, record_consent};
use crate::connect::Store;
use crate::entities::{confirmation, customer, subscription};
use crate::error::{During, Result};
use cinepicks_domain::{Channel, ConsentChange, Language};

/// A confirmation message to send: which subscription, to whom, in which language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmationDue {
    /// The queued row (`confirmations.id`).
    pub confirmation_id: i32,
    pub subscription_id: i32,
    pub channel: Channel,
    pub address: String,
    pub name: String,
    /// fr or en.
    pub locale: Language,
}

/// What a web subscription did, per address. The visitor is told the same thing in every case ("check your
/// messages"), so that the form cannot be used to learn who is subscribed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptInRequest {
    /// Confirmation messages queued.
    pub queued: usize,
    /// Addresses already subscribed and confirmed: nothing to send.
    pub already_active: usize,
    /// Addresses whose confirmation was asked for moments ago: not sent again yet, so the form cannot flood an
    /// inbox.
    pub throttled: usize,
    /// Messages not queued because a daily cap is reached (this address's, or the channel's in all).
    pub capped: usize,
}

/// What one attempt to send a queued confirmation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Sent,
    /// The address or number is refused: never again.
    Permanent(String),
    /// Worth retrying (a server or gateway failing for now), from `at`.
    Retry {
        error: String,
        at: DateTime<Utc>,
    },
    /// Not the message's fault (refused credentials, outbox not writable): kept, tried again from `at`.
    Hold {
        error: String,
        at: DateTime<Utc>,
    },
}

/// The form of an address the caps count: e-mail sub-addresses (`name+tag@`) and, at Gmail, dots in the local
/// part reach the same inbox, so they count as one address.
pub fn cap_key(channel: Channel, address: &str) -> String {
    if channel != Channel::Email {
        return address.to_owned();
    }
    let Some((local, domain)) = address.rsplit_once('@') else { return address.to_owned() };
    let local = local.split('+').next().unwrap_or(local);
    let local =
        if matches!(domain, "gmail.com" | "googlemail.com") { local.replace('.', "") } else { local.to_owned() };
    format!("{local}@{domain}")
}

/// Daily caps on confirmation messages, counted over the last 24 hours: per address (one inbox or phone
/// cannot be flooded) and per channel in all (a flood from many addresses cannot run up the SMS bill).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfirmationCaps {
    pub per_address: u32,
    pub emails: u32,
    pub sms: u32,
}

impl ConfirmationCaps {
    fn of(&self, channel: Channel) -> u32 {
        match channel {
            Channel::Email => self.emails,
            Channel::Sms => self.sms,
        }
    }
}

/// How long after a confirmation message the same address can ask for another one.
pub const RESEND_AFTER: Duration = Duration::minutes(2);

/// What confirming did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmed {
    pub subscription: subscription::Model,
    /// False when it was already confirmed (clicking twice is fine).
    pub changed: bool,
}

impl Store {
    /// Records a subscription request from the site. A new address gets a new customer (with the liked films
    /// and genres given) and a subscription awaiting confirmation. A known address changes nothing of its
    /// customer (an unconfirmed form must not rewrite someone's data): an active subscription stays as it is,
    /// a pending or stopped one records the new consent and is sent a new confirmation.
    pub async fn request_subscription(
        &self,
        c: &NewCustomer,
        caps: ConfirmationCaps,
        now: DateTime<Utc>,
    ) -> Result<OptInRequest> {
        let txn = self.begin_write().await.during("starting a web subscription")?;
        if self.backend() == crate::connect::Backend::Postgres {
            // SQLite's write transaction already excludes other writers; PostgreSQL reads committed rows only,
            // so two requests at once would both count below a cap and both queue: one at a time.
            sea_orm::ConnectionTrait::execute_unprepared(&txn, "SELECT pg_advisory_xact_lock(7224001)")
                .await
                .during("waiting for the other web subscriptions")?;
        }
        let day_ago = now - Duration::hours(24);
        // Counted inside the writing transaction: two requests at once cannot both take the last message.
        let sent_today = |filter: sea_orm::Condition| {
            confirmation::Entity::find()
                .filter(confirmation::Column::RequestedAt.gt(day_ago))
                .filter(filter)
                .count(&txn)
        };
        let mut out = OptInRequest::default();
        let mut new_customer: Option<customer::Model> = None;
        for (channel, address) in c.subscriptions() {
            let existing = subscription::Entity::find()
                .filter(subscription::Column::Channel.eq(channel))
                .filter(subscription::Column::Address.eq(address.as_str()))
                .one(&txn)
                .await
                .during("matching a web subscription by address")?;
            let counted = cap_key(channel, &address);
            let to_address =
                sent_today(sea_orm::Condition::all().add(confirmation::Column::Address.eq(counted.as_str())))
                    .await
                    .during("counting today's confirmations to an address")?;
            let on_channel = sent_today(sea_orm::Condition::all().add(confirmation::Column::Channel.eq(channel)))
                .await
                .during("counting today's confirmations")?;
            let within_caps = to_address < u64::from(caps.per_address) && on_channel < u64::from(caps.of(channel));
            let queue = |subscription_id: i32| confirmation::ActiveModel {
                subscription_id: Set(subscription_id),
                channel: Set(channel),
                address: Set(counted.clone()),
                requested_at: Set(now),
                attempts: Set(0),
                ..Default::default()
            };
            match existing {
                Some(s) if s.confirmed_at.is_some() && s.unsubscribed_at.is_none() && s.flagged_at.is_none() => {
                    out.already_active += 1;
                }
                Some(s) if now - s.consent_at < RESEND_AFTER => out.throttled += 1,
                Some(_) if !within_caps => out.capped += 1,
                Some(s) => {
                    let mut row: subscription::ActiveModel = s.clone().into();
                    row.consent_at = Set(now);
                    row.consent_source = Set(c.source.clone());
                    row.update(&txn).await.during(format!("recording a new consent for subscription {}", s.id))?;
                    record_consent(&txn, s.id, ConsentChange::Requested, &c.source, now).await?;
                    queue(s.id).insert(&txn).await.during("queueing a confirmation message")?;
                    out.queued += 1;
                }
                None if !within_caps => out.capped += 1,
                None => {
                    let owner = match &new_customer {
                        Some(owner) => owner.clone(),
                        None => {
                            let row = new_customer_row(c, now)
                                .insert(&txn)
                                .await
                                .during("adding a customer from the site")?;
                            insert_likes(&txn, row.id, &c.likes, &c.source, now).await?;
                            new_customer.insert(row).clone()
                        }
                    };
                    let row = new_subscription_row(owner.id, channel, address.clone(), &c.source, now, None)
                        .insert(&txn)
                        .await
                        .during("adding a subscription awaiting confirmation")?;
                    record_consent(&txn, row.id, ConsentChange::Requested, &c.source, now).await?;
                    queue(row.id).insert(&txn).await.during("queueing a confirmation message")?;
                    out.queued += 1;
                }
            }
        }
        txn.commit().await.during("committing a web subscription")?;
        Ok(out)
    }

    /// Forgets web subscriptions still unconfirmed at `before` (their link has expired, so their owner never
    /// agreed), and the customers they leave without any subscription; returns the subscriptions removed
    /// (channel, address, id), whose confirmation messages the caller takes out of the outboxes. They were never
    /// sent picks, so no delivery refers to them.
    pub async fn purge_unconfirmed(&self, before: DateTime<Utc>) -> Result<Vec<(Channel, String, i32)>> {
        let txn = self.begin_write().await.during("starting the purge of unconfirmed subscriptions")?;
        let stale = subscription::Entity::find()
            .filter(subscription::Column::ConfirmedAt.is_null())
            .filter(subscription::Column::ConsentAt.lt(before))
            .all(&txn)
            .await
            .during("finding unconfirmed subscriptions")?;
        if stale.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i32> = stale.iter().map(|s| s.id).collect();
        subscription::Entity::delete_many()
            .filter(subscription::Column::Id.is_in(ids.clone()))
            .exec(&txn)
            .await
            .during("removing unconfirmed subscriptions")?;
        let mut owners: Vec<i32> = stale.iter().map(|s| s.customer_id).collect();
        owners.sort_unstable();
        owners.dedup();
        for owner in owners {
            let left = subscription::Entity::find()
                .filter(subscription::Column::CustomerId.eq(owner))
                .count(&txn)
                .await
                .during("counting a customer's subscriptions")?;
            if left == 0 {
                // Their likes go with them (ON DELETE CASCADE).
                customer::Entity::delete_by_id(owner)
                    .exec(&txn)
                    .await
                    .during("removing a customer who never confirmed")?;
            }
        }
        txn.commit().await.during("committing the purge of unconfirmed subscriptions")?;
        Ok(stale.into_iter().map(|s| (s.channel, s.address, s.id)).collect())
    }

    /// The oldest queued confirmation messages on `channels` due at `now` (not waiting for a retry), at most
    /// `limit`, with the subscription's address and in which language.
    pub async fn queued_confirmations(
        &self,
        limit: u64,
        channels: &[Channel],
        now: DateTime<Utc>,
    ) -> Result<Vec<ConfirmationDue>> {
        let rows = confirmation::Entity::find()
            .filter(confirmation::Column::SentAt.is_null())
            .filter(confirmation::Column::FailedAt.is_null())
            .filter(
                sea_orm::Condition::any()
                    .add(confirmation::Column::NextAttemptAt.is_null())
                    .add(confirmation::Column::NextAttemptAt.lte(now)),
            )
            .filter(confirmation::Column::Channel.is_in(channels.iter().copied()))
            .order_by_asc(confirmation::Column::Id)
            .limit(limit)
            .find_also_related(subscription::Entity)
            .all(self.db())
            .await
            .during("reading the queued confirmation messages")?;
        let mut due = Vec::with_capacity(rows.len());
        for (row, subscription) in rows {
            let Some(subscription) = subscription else { continue };
            let owner = customer::Entity::find_by_id(subscription.customer_id)
                .one(self.db())
                .await
                .during("reading the customer of a confirmation")?;
            let Some(owner) = owner else { continue };
            due.push(ConfirmationDue {
                confirmation_id: row.id,
                subscription_id: row.subscription_id,
                channel: row.channel,
                address: subscription.address,
                name: owner.name,
                locale: owner.locale,
            });
        }
        Ok(due)
    }

    /// Records what sending a queued confirmation did: sent; failed for good (`Permanent`, or a `Retry` that was
    /// the last of `max_attempts`); or to send again from `Retry`'s time (a passing failure, backed off) or
    /// `Hold`'s (the operator must act: not counted as an attempt).
    pub async fn confirmation_attempted(
        &self,
        id: i32,
        outcome: Attempt,
        max_attempts: u32,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let Some(row) = confirmation::Entity::find_by_id(id).one(self.db()).await.during("reading a confirmation")?
        else {
            return Ok(());
        };
        let attempts = row.attempts + 1;
        let mut update: confirmation::ActiveModel = row.into();
        match outcome {
            Attempt::Sent => update.sent_at = Set(Some(now)),
            Attempt::Permanent(error) => {
                update.attempts = Set(attempts);
                update.last_error = Set(Some(error));
                update.failed_at = Set(Some(now));
            }
            Attempt::Retry { error, at } => {
                update.attempts = Set(attempts);
                update.last_error = Set(Some(error));
                if attempts >= max_attempts as i32 {
                    update.failed_at = Set(Some(now));
                } else {
                    update.next_attempt_at = Set(Some(at));
                }
            }
            Attempt::Hold { error, at } => {
                update.last_error = Set(Some(error));
                update.next_attempt_at = Set(Some(at));
            }
        }
        update.update(self.db()).await.during(format!("recording the sending of confirmation {id}"))?;
        Ok(())
    }

    /// Confirms a subscription (its confirmation link, issued at `issued`, was followed): from now on it is sent
    /// weekly picks. A stopped subscription confirmed again starts afresh (no unsubscription, no flag, no
    /// bounce), but only with a link sent after it stopped: an old link kept in a mailbox cannot undo an
    /// unsubscription (`None`, as for a subscription that no longer exists).
    pub async fn confirm_subscription(
        &self,
        id: i32,
        issued: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<Confirmed>> {
        let Some(s) = self.subscription(id).await? else { return Ok(None) };
        if s.unsubscribed_at.is_some_and(|stopped| stopped >= issued) {
            return Ok(None);
        }
        let active = s.confirmed_at.is_some() && s.unsubscribed_at.is_none() && s.flagged_at.is_none();
        if active {
            return Ok(Some(Confirmed { subscription: s, changed: false }));
        }
        subscription::Entity::update_many()
            .col_expr(subscription::Column::ConfirmedAt, Expr::value(now))
            .col_expr(subscription::Column::UnsubscribedAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(subscription::Column::FlaggedAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(subscription::Column::Bounces, Expr::value(0))
            .filter(subscription::Column::Id.eq(id))
            .exec(self.db())
            .await
            .during(format!("confirming subscription {id}"))?;
        record_consent(self.db(), id, ConsentChange::Confirmed, "link", now).await?;
        let subscription = self.subscription(id).await?.unwrap_or(s);
        Ok(Some(Confirmed { subscription, changed: true }))
    }
}
