//! Customers, their subscriptions and likes: import (all or nothing), add, list, like, unsubscribe.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::connect::Store;
use crate::entities::{consent_event, customer, like, subscription};
use crate::error::{During, Result, StoreError};
use cinepicks_domain::{Channel, ConsentChange, Email, Language, PhoneNumber};

/// A customer as the CLI or an import file gives it, already validated.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub name: String,
    /// fr or en.
    pub locale: Language,
    pub email: Option<Email>,
    pub phone: Option<PhoneNumber>,
    /// Channels the customer agreed to be contacted on; each needs its address.
    pub consent: Vec<Channel>,
    /// IMDb ids of films in the store.
    pub likes: Vec<String>,
    /// IMDb genre names the customer declared liking (kept as they are when empty on an update).
    pub genres: Vec<String>,
    /// Where the customer and their consent came from ("import customers.csv line 4", "cli").
    pub source: String,
}

impl NewCustomer {
    /// The (channel, address) pairs the customer consented to.
    pub fn subscriptions(&self) -> Vec<(Channel, String)> {
        self.consent
            .iter()
            .filter_map(|channel| match channel {
                Channel::Email => self.email.as_ref().map(|e| (*channel, e.as_str().to_owned())),
                Channel::Sms => self.phone.as_ref().map(|p| (*channel, p.as_str().to_owned())),
            })
            .collect()
    }
}

/// What an import or add changed.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub created: u64,
    pub updated: u64,
    pub subscriptions: u64,
    pub likes: u64,
}

/// A customer with their subscriptions and liked film ids, for listings.
#[derive(Debug, Clone)]
pub struct CustomerView {
    pub customer: customer::Model,
    pub subscriptions: Vec<subscription::Model>,
    pub likes: Vec<String>,
}

impl Store {
    /// Adds or updates every customer in one transaction: if one fails, none is stored. A customer whose
    /// address is already known is updated (name, locale, new likes and subscriptions); an address that was
    /// unsubscribed stays unsubscribed.
    pub async fn import_customers(&self, customers: &[NewCustomer], now: DateTime<Utc>) -> Result<ImportSummary> {
        let txn = self.begin_write().await.during("starting the customer import")?;
        let mut summary = ImportSummary::default();
        for c in customers {
            upsert_customer(&txn, c, now, &mut summary).await?;
        }
        txn.commit().await.during("committing the customer import")?;
        Ok(summary)
    }

    /// Finds a customer by id, e-mail address, phone number or unsubscribe token.
    pub async fn find_customer(&self, reference: &str) -> Result<Option<customer::Model>> {
        find_customer(self.db(), reference).await
    }

    /// Every customer with subscriptions and likes, oldest first.
    pub async fn list_customers(&self) -> Result<Vec<CustomerView>> {
        let db = self.db();
        let customers =
            customer::Entity::find().order_by_asc(customer::Column::Id).all(db).await.during("listing customers")?;
        let mut subs: BTreeMap<i32, Vec<subscription::Model>> = BTreeMap::new();
        for s in subscription::Entity::find()
            .order_by_asc(subscription::Column::Id)
            .all(db)
            .await
            .during("listing subscriptions")?
        {
            subs.entry(s.customer_id).or_default().push(s);
        }
        let mut likes: BTreeMap<i32, Vec<String>> = BTreeMap::new();
        for l in like::Entity::find().order_by_asc(like::Column::LikedAt).all(db).await.during("listing likes")? {
            likes.entry(l.customer_id).or_default().push(l.film_id);
        }
        // Erased customers (no name, no subscription) are kept only as numbers for the statistics.
        let customers: Vec<customer::Model> =
            customers.into_iter().filter(|c| !c.name.is_empty() || subs.contains_key(&c.id)).collect();
        Ok(customers
            .into_iter()
            .map(|c| CustomerView {
                subscriptions: subs.remove(&c.id).unwrap_or_default(),
                likes: likes.remove(&c.id).unwrap_or_default(),
                customer: c,
            })
            .collect())
    }

    /// Records that the customer likes a film; false when they already did.
    pub async fn add_like(&self, customer_id: i32, film_id: &str, source: &str, now: DateTime<Utc>) -> Result<bool> {
        insert_likes(self.db(), customer_id, &[film_id.to_owned()], source, now).await.map(|n| n > 0)
    }

    /// Unsubscribes an address (e-mail or phone, optionally one channel only) or the subscription holding an
    /// unsubscribe token. Returns the subscriptions changed (0 when already unsubscribed).
    pub async fn unsubscribe(&self, reference: &str, now: DateTime<Utc>) -> Result<u64> {
        let db = self.db();
        let reference = reference.trim();
        let mut condition = sea_orm::Condition::any().add(subscription::Column::UnsubscribeToken.eq(reference));
        if let Ok(email) = Email::parse(reference) {
            condition = condition.add(
                subscription::Column::Channel
                    .eq(Channel::Email.as_str())
                    .and(subscription::Column::Address.eq(email.as_str())),
            );
        } else if let Ok(phone) = PhoneNumber::parse(reference) {
            condition = condition.add(
                subscription::Column::Channel
                    .eq(Channel::Sms.as_str())
                    .and(subscription::Column::Address.eq(phone.as_str())),
            );
        } else if let Ok(id) = reference.parse::<i32>() {
            condition = condition.add(subscription::Column::CustomerId.eq(id));
        }
        let matching =
            subscription::Entity::find().filter(condition.clone()).all(db).await.during("finding subscriptions")?;
        if matching.is_empty() {
            return Err(StoreError::UnknownCustomer(reference.to_owned()));
        }
        let result = subscription::Entity::update_many()
            .col_expr(subscription::Column::UnsubscribedAt, Expr::value(now))
            .filter(condition)
            .filter(subscription::Column::UnsubscribedAt.is_null())
            .exec(db)
            .await
            .during("unsubscribing")?;
        for stopped in matching.iter().filter(|s| s.unsubscribed_at.is_none()) {
            record_consent(db, stopped.id, ConsentChange::Withdrawn, "cli", now).await?;
        }
        Ok(result.rows_affected)
    }
}

async fn find_customer(conn: &impl ConnectionTrait, reference: &str) -> Result<Option<customer::Model>> {
    let reference = reference.trim();
    if let Ok(id) = reference.parse::<i32>() {
        return customer::Entity::find_by_id(id).one(conn).await.during("finding a customer");
    }
    let by = |channel: Option<Channel>, column: subscription::Column, value: String| async move {
        let mut query = subscription::Entity::find().filter(column.eq(value));
        if let Some(channel) = channel {
            query = query.filter(subscription::Column::Channel.eq(channel));
        }
        let sub = query.one(conn).await.during("finding a subscription")?;
        match sub {
            Some(s) => customer::Entity::find_by_id(s.customer_id).one(conn).await.during("finding a customer"),
            None => Ok(None),
        }
    };
    if let Ok(email) = Email::parse(reference) {
        return by(Some(Channel::Email), subscription::Column::Address, email.as_str().to_owned()).await;
    }
    if let Ok(phone) = PhoneNumber::parse(reference) {
        return by(Some(Channel::Sms), subscription::Column::Address, phone.as_str().to_owned()).await;
    }
    by(None, subscription::Column::UnsubscribeToken, reference.to_owned()).await
}

/// The customer owning any of these addresses; an error when they belong to two different customers.
async fn owner_of(txn: &DatabaseTransaction, c: &NewCustomer) -> Result<Option<i32>> {
    let mut owners = HashSet::new();
    let addresses = [
        c.email.as_ref().map(|e| (Channel::Email, e.as_str().to_owned())),
        c.phone.as_ref().map(|p| (Channel::Sms, p.as_str().to_owned())),
    ];
    for (channel, address) in addresses.into_iter().flatten() {
        let found = subscription::Entity::find()
            .filter(subscription::Column::Channel.eq(channel))
            .filter(subscription::Column::Address.eq(address))
            .one(txn)
            .await
            .during("matching a customer by address")?;
        owners.extend(found.map(|s| s.customer_id));
    }
    match owners.len() {
        0 => Ok(None),
        1 => Ok(owners.into_iter().next()),
        _ => Err(StoreError::Invalid(format!(
            "{}: the e-mail address and the phone number belong to two different customers ({:?})",
            c.source, owners
        ))),
    }
}

async fn upsert_customer(
    txn: &DatabaseTransaction,
    c: &NewCustomer,
    now: DateTime<Utc>,
    summary: &mut ImportSummary,
) -> Result<i32> {
    let id = match owner_of(txn, c).await? {
        Some(id) => {
            let mut row = customer::ActiveModel {
                id: Set(id),
                name: Set(c.name.clone()),
                locale: Set(c.locale),
                ..Default::default()
            };
            if !c.genres.is_empty() {
                row.genres = Set(Some(c.genres.join(",")));
            }
            row.update(txn).await.during(format!("{}: updating customer {id}", c.source))?;
            summary.updated += 1;
            id
        }
        None => {
            let row = new_customer_row(c, now).insert(txn).await.during(format!("{}: adding customer", c.source))?;
            summary.created += 1;
            row.id
        }
    };
    for (channel, address) in c.subscriptions() {
        // The cinema collected this consent itself (import file, counter, CLI): no double opt-in.
        let row = new_subscription_row(id, channel, address, &c.source, now, Some(now));
        // An existing subscription keeps its consent record, token and any unsubscription.
        let inserted = subscription::Entity::insert(row)
            .on_conflict_do_nothing_on([subscription::Column::Channel, subscription::Column::Address])
            .exec(txn)
            .await
            .during(format!("{}: subscribing", c.source))?;
        if let sea_orm::TryInsertResult::Inserted(row) = inserted {
            record_consent(txn, row.last_insert_id, ConsentChange::Given, &c.source, now).await?;
            summary.subscriptions += 1;
        }
    }
    summary.likes += insert_likes(txn, id, &c.likes, "import", now).await?;
    Ok(id)
}

pub(crate) async fn insert_likes(
    conn: &impl ConnectionTrait,
    customer_id: i32,
    films: &[String],
    source: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut added = 0;
    let mut seen = HashSet::new();
    for film_id in films.iter().filter(|f| seen.insert(f.as_str())) {
        let row = like::ActiveModel {
            customer_id: Set(customer_id),
            film_id: Set(film_id.clone()),
            source: Set(source.to_owned()),
            liked_at: Set(now),
        };
        let inserted = like::Entity::insert(row)
            .on_conflict_do_nothing_on([like::Column::CustomerId, like::Column::FilmId])
            .exec(conn)
            .await
            .during(format!("recording that customer {customer_id} likes {film_id}"))?;
        if matches!(inserted, sea_orm::TryInsertResult::Inserted(_)) {
            added += 1;
        }
    }
    Ok(added)
}

/// A new customer's row (name, locale, declared genres).
pub(crate) fn new_customer_row(c: &NewCustomer, now: DateTime<Utc>) -> customer::ActiveModel {
    customer::ActiveModel {
        name: Set(c.name.clone()),
        locale: Set(c.locale),
        created_at: Set(now),
        genres: Set((!c.genres.is_empty()).then(|| c.genres.join(","))),
        ..Default::default()
    }
}

/// A new subscription's row, with its consent record and a fresh unsubscribe token; `confirmed_at` is `None`
/// while it awaits double opt-in.
pub(crate) fn new_subscription_row(
    customer_id: i32,
    channel: Channel,
    address: String,
    source: &str,
    now: DateTime<Utc>,
    confirmed_at: Option<DateTime<Utc>>,
) -> subscription::ActiveModel {
    subscription::ActiveModel {
        customer_id: Set(customer_id),
        channel: Set(channel),
        address: Set(address),
        consent_at: Set(now),
        consent_source: Set(source.to_owned()),
        unsubscribe_token: Set(hex::encode(rand::random::<[u8; 16]>())),
        unsubscribed_at: Set(None),
        confirmed_at: Set(confirmed_at),
        ..Default::default()
    }
}

/// Adds one change to a subscription's consent history.
pub(crate) async fn record_consent(
    conn: &impl ConnectionTrait,
    subscription_id: i32,
    kind: ConsentChange,
    source: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let event = consent_event::ActiveModel {
        subscription_id: Set(subscription_id),
        kind: Set(kind),
        source: Set(source.to_owned()),
        occurred_at: Set(at),
        ..Default::default()
    };
    event.insert(conn).await.during(format!("recording that consent was {} ({source})", kind.as_str()))?;
    Ok(())
}
