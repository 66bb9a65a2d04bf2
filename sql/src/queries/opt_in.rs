//! Subscriptions made on the web site, with double opt-in: recorded as awaiting confirmation, confirmed by the
//! link of the confirmation message, and only then sent weekly picks.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use super::customers::{NewCustomer, insert_likes, new_customer_row, new_subscription_row};
use crate::connect::Store;
use crate::entities::{customer, subscription};
use crate::error::{During, Result};
use cinepicks_domain::Channel;

/// A confirmation message to send: which subscription, to whom, in which language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmationDue {
    pub subscription_id: i32,
    pub channel: Channel,
    pub address: String,
    pub name: String,
    /// fr or en.
    pub locale: String,
}

/// What a web subscription did, per address. The visitor is told the same thing in every case ("check your
/// messages"), so that the form cannot be used to learn who is subscribed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptInRequest {
    /// Confirmation messages to send now.
    pub due: Vec<ConfirmationDue>,
    /// Addresses already subscribed and confirmed: nothing to send.
    pub already_active: usize,
    /// Addresses whose confirmation was sent moments ago: not sent again yet, so the form cannot flood an inbox.
    pub throttled: usize,
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
    pub async fn request_subscription(&self, c: &NewCustomer, now: DateTime<Utc>) -> Result<OptInRequest> {
        let txn = self.begin_write().await.during("starting a web subscription")?;
        let mut out = OptInRequest::default();
        let mut new_customer: Option<customer::Model> = None;
        for (channel, address) in c.subscriptions() {
            let existing = subscription::Entity::find()
                .filter(subscription::Column::Channel.eq(channel))
                .filter(subscription::Column::Address.eq(address.as_str()))
                .one(&txn)
                .await
                .during("matching a web subscription by address")?;
            let due = |subscription_id: i32, customer: &customer::Model| ConfirmationDue {
                subscription_id,
                channel,
                address: address.clone(),
                name: customer.name.clone(),
                locale: customer.locale.clone(),
            };
            match existing {
                Some(s) if s.confirmed_at.is_some() && s.unsubscribed_at.is_none() && s.flagged_at.is_none() => {
                    out.already_active += 1;
                }
                Some(s) if now - s.consent_at < RESEND_AFTER => out.throttled += 1,
                Some(s) => {
                    let owner = customer::Entity::find_by_id(s.customer_id)
                        .one(&txn)
                        .await
                        .during("reading the customer of a subscription")?;
                    let mut row: subscription::ActiveModel = s.clone().into();
                    row.consent_at = Set(now);
                    row.consent_source = Set(c.source.clone());
                    row.update(&txn).await.during(format!("recording a new consent for subscription {}", s.id))?;
                    if let Some(owner) = owner {
                        out.due.push(due(s.id, &owner));
                    }
                }
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
                    out.due.push(due(row.id, &owner));
                }
            }
        }
        txn.commit().await.during("committing a web subscription")?;
        Ok(out)
    }

    /// Forgets web subscriptions still unconfirmed at `before` (their link has expired, so their owner never
    /// agreed), and the customers they leave without any subscription; returns the subscriptions removed. They
    /// were never written to, so no delivery refers to them.
    pub async fn purge_unconfirmed(&self, before: DateTime<Utc>) -> Result<u64> {
        let txn = self.begin_write().await.during("starting the purge of unconfirmed subscriptions")?;
        let stale = subscription::Entity::find()
            .filter(subscription::Column::ConfirmedAt.is_null())
            .filter(subscription::Column::ConsentAt.lt(before))
            .all(&txn)
            .await
            .during("finding unconfirmed subscriptions")?;
        if stale.is_empty() {
            return Ok(0);
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
        Ok(ids.len() as u64)
    }

    /// Confirms a subscription (its confirmation link was followed): from now on it is sent weekly picks. A
    /// stopped subscription confirmed again starts afresh (no unsubscription, no flag, no bounce).
    pub async fn confirm_subscription(&self, id: i32, now: DateTime<Utc>) -> Result<Option<Confirmed>> {
        let Some(s) = self.subscription(id).await? else { return Ok(None) };
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
        let subscription = self.subscription(id).await?.unwrap_or(s);
        Ok(Some(Confirmed { subscription, changed: true }))
    }
}
