//! What the store holds about one person, exported as JSON or erased (GDPR articles 15 and 17): erasing
//! removes the name, genres, addresses, likes, feedback and confirmation messages, and keeps the deliveries for the
//! cinema's statistics under the customer's bare number, with nothing left that points to the person.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};

use crate::connect::Store;
use crate::entities::{confirmation, consent_event, customer, delivery, feedback, like, subscription};
use crate::error::{During, Result};
use cinepicks_domain::Channel;

/// What erasing a customer removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    pub customer_id: i32,
    /// The addresses the customer had, for the caller to clean the outboxes of (channel, address, subscription).
    pub addresses: Vec<(Channel, String, i32)>,
    pub likes: u64,
    /// "J'aime", "Pas pour moi" and "Déjà vu" events.
    pub feedback: u64,
    /// Deliveries kept for the statistics, stripped of what pointed to the address.
    pub deliveries_kept: u64,
}

impl Store {
    /// Everything held about a customer, as one JSON document: identity, subscriptions with their consent
    /// history, likes, feedback on films, the picks sent each week and the confirmation messages. Secrets (unsubscribe tokens) are
    /// left out: the document may travel.
    pub async fn export_customer(&self, customer_id: i32) -> Result<Option<Value>> {
        let db = self.db();
        let Some(c) = customer::Entity::find_by_id(customer_id).one(db).await.during("reading a customer")? else {
            return Ok(None);
        };
        let subscriptions = subscription::Entity::find()
            .filter(subscription::Column::CustomerId.eq(customer_id))
            .order_by_asc(subscription::Column::Id)
            .all(db)
            .await
            .during("reading a customer's subscriptions")?;
        let ids: Vec<i32> = subscriptions.iter().map(|s| s.id).collect();
        let confirmations = confirmation::Entity::find()
            .filter(confirmation::Column::SubscriptionId.is_in(ids))
            .order_by_asc(confirmation::Column::Id)
            .all(db)
            .await
            .during("reading a customer's confirmation messages")?;
        let history = consent_event::Entity::find()
            .filter(consent_event::Column::SubscriptionId.is_in(subscriptions.iter().map(|s| s.id)))
            .order_by_asc(consent_event::Column::Id)
            .all(db)
            .await
            .during("reading a customer's consent history")?;
        let likes = like::Entity::find()
            .filter(like::Column::CustomerId.eq(customer_id))
            .order_by_asc(like::Column::LikedAt)
            .all(db)
            .await
            .during("reading a customer's likes")?;
        let verdicts = feedback::Entity::find()
            .filter(feedback::Column::CustomerId.eq(customer_id))
            .order_by_asc(feedback::Column::GivenAt)
            .all(db)
            .await
            .during("reading a customer's feedback")?;
        let deliveries = delivery::Entity::find()
            .filter(delivery::Column::CustomerId.eq(customer_id))
            .order_by_asc(delivery::Column::Id)
            .all(db)
            .await
            .during("reading a customer's deliveries")?;
        Ok(Some(json!({
            "customer": {
                "id": c.id, "name": c.name, "locale": c.locale, "created_at": c.created_at,
                "genres": c.genres.as_deref().map(|g| g.split(',').collect::<Vec<_>>()).unwrap_or_default(),
            },
            "subscriptions": subscriptions.iter().map(|s| json!({
                "channel": s.channel.as_str(), "address": s.address,
                "consent_at": s.consent_at, "consent_source": s.consent_source, "confirmed_at": s.confirmed_at,
                "unsubscribed_at": s.unsubscribed_at, "bounces": s.bounces, "flagged_at": s.flagged_at,
                "consent_history": history.iter().filter(|e| e.subscription_id == s.id).map(|e| json!({
                    "change": e.kind.as_str(), "source": e.source, "at": e.occurred_at,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "confirmation_messages": confirmations.iter().map(|m| json!({
                "channel": m.channel.as_str(), "address": m.address, "requested_at": m.requested_at,
                "sent_at": m.sent_at, "failed_at": m.failed_at,
            })).collect::<Vec<_>>(),
            "likes": likes.iter().map(|l| json!({
                "film_id": l.film_id, "source": l.source, "liked_at": l.liked_at,
            })).collect::<Vec<_>>(),
            "feedback": verdicts.iter().map(|f| json!({
                "film_id": f.film_id, "kind": f.kind.as_str(), "source": f.source.as_str(), "given_at": f.given_at,
            })).collect::<Vec<_>>(),
            "deliveries": deliveries.iter().map(|d| json!({
                "week": d.iso_week, "channel": d.channel.as_str(), "status": d.status.to_string(),
                "picks": d.picks, "sent_at": d.sent_at,
            })).collect::<Vec<_>>(),
        })))
    }

    /// Erases a customer in one transaction: subscriptions (and their confirmation messages), likes, feedback, name and
    /// genres go; the deliveries stay for the statistics (weeks, channels, films sent, outcomes) under the bare
    /// customer number, without the subscription, provider id and error that could lead back to an address.
    /// `None` when there is no such customer.
    pub async fn erase_customer(&self, customer_id: i32) -> Result<Option<Erased>> {
        let txn = self.begin_write().await.during("starting an erasure")?;
        let Some(c) = customer::Entity::find_by_id(customer_id).one(&txn).await.during("reading a customer")? else {
            return Ok(None);
        };
        let subscriptions = subscription::Entity::find()
            .filter(subscription::Column::CustomerId.eq(customer_id))
            .all(&txn)
            .await
            .during("reading a customer's subscriptions")?;
        let addresses = subscriptions.iter().map(|s| (s.channel, s.address.clone(), s.id)).collect();
        // Their confirmation messages go with them (ON DELETE CASCADE).
        subscription::Entity::delete_many()
            .filter(subscription::Column::CustomerId.eq(customer_id))
            .exec(&txn)
            .await
            .during("erasing a customer's subscriptions")?;
        let likes = like::Entity::delete_many()
            .filter(like::Column::CustomerId.eq(customer_id))
            .exec(&txn)
            .await
            .during("erasing a customer's likes")?
            .rows_affected;
        let feedback = feedback::Entity::delete_many()
            .filter(feedback::Column::CustomerId.eq(customer_id))
            .exec(&txn)
            .await
            .during("erasing a customer's feedback")?
            .rows_affected;
        // The films sent stay (the statistics count them); their reasons go: "because you liked …" names the
        // customer's tastes.
        let kept = delivery::Entity::find()
            .filter(delivery::Column::CustomerId.eq(customer_id))
            .all(&txn)
            .await
            .during("reading a customer's deliveries")?;
        let deliveries_kept = kept.len() as u64;
        for d in kept {
            let films: Vec<Value> = d
                .picks
                .as_array()
                .map(|picks| {
                    picks
                        .iter()
                        .map(|p| json!({ "film_id": p["film_id"], "in_programme": p["in_programme"] }))
                        .collect()
                })
                .unwrap_or_default();
            let mut row: delivery::ActiveModel = d.into();
            row.picks = Set(Value::Array(films));
            row.subscription_id = Set(None);
            row.provider_message_id = Set(None);
            row.last_error = Set(None);
            sea_orm::ActiveModelTrait::update(row, &txn).await.during("anonymising a customer's delivery")?;
        }
        let mut erased: customer::ActiveModel = c.into();
        erased.name = Set(String::new());
        erased.genres = Set(None);
        sea_orm::ActiveModelTrait::update(erased, &txn).await.during("erasing a customer's name")?;
        txn.commit().await.during("committing an erasure")?;
        if self.backend() == crate::connect::Backend::Sqlite {
            // The write-ahead log still holds the pages as they were before: copy them back and empty it.
            let checkpoint = "PRAGMA wal_checkpoint(TRUNCATE)";
            sea_orm::ConnectionTrait::execute_unprepared(self.db(), checkpoint).await.during("emptying the log")?;
        }
        Ok(Some(Erased { customer_id, addresses, likes, feedback, deliveries_kept }))
    }

    /// The addresses a customer has (channel, address, subscription id): what to clean from the outboxes, before
    /// the erasure forgets them.
    pub async fn addresses_of(&self, customer_id: i32) -> Result<Vec<(Channel, String, i32)>> {
        let rows = subscription::Entity::find()
            .filter(subscription::Column::CustomerId.eq(customer_id))
            .all(self.db())
            .await
            .during("reading a customer's subscriptions")?;
        Ok(rows.into_iter().map(|s| (s.channel, s.address, s.id)).collect())
    }

    /// Customers all of whose subscriptions stopped (unsubscribed or flagged) before `before`: the retention
    /// purge erases them. Erased ones (no subscription left) are not listed again.
    pub async fn stopped_before(&self, before: DateTime<Utc>) -> Result<Vec<i32>> {
        let all = subscription::Entity::find().all(self.db()).await.during("reading subscriptions")?;
        let mut latest: std::collections::BTreeMap<i32, Option<DateTime<Utc>>> = std::collections::BTreeMap::new();
        for s in all {
            // Asked for again on the site since it stopped: live (awaiting its confirmation), not a leaver.
            let stopped = s.unsubscribed_at.or(s.flagged_at).filter(|stopped| *stopped >= s.consent_at);
            let entry = latest.entry(s.customer_id).or_insert(stopped);
            // A customer with one live subscription is kept; otherwise the latest stop counts.
            *entry = match (*entry, stopped) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
        }
        Ok(latest.into_iter().filter_map(|(id, stopped)| stopped.filter(|t| *t < before).map(|_| id)).collect())
    }
}
