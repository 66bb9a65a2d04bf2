//! What the owner checks on operations (`cinepicks status`): deliveries by status and subscriptions by state.

use cinepicks_domain::{DeliveryStatus, IsoWeek};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, Condition, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QuerySelect};

use crate::connect::Store;
use crate::entities::{delivery, subscription};
use crate::error::{During, Result};

#[derive(Debug, FromQueryResult)]
struct StatusCount {
    status: DeliveryStatus,
    count: i64,
}

impl Store {
    /// Deliveries per status (pending, sent, failed, ...), sorted by status.
    pub async fn deliveries_by_status(&self) -> Result<Vec<(DeliveryStatus, i64)>> {
        let rows = delivery::Entity::find()
            .select_only()
            .column(delivery::Column::Status)
            .column_as(delivery::Column::Id.count(), "count")
            .group_by(delivery::Column::Status)
            .into_model::<StatusCount>()
            .all(self.db())
            .await
            .during("counting deliveries by status")?;
        let mut counts: Vec<(DeliveryStatus, i64)> = rows.into_iter().map(|r| (r.status, r.count)).collect();
        counts.sort_by_key(|(status, _)| status.as_str());
        Ok(counts)
    }

    /// The latest week whose message reached someone (this week's goes out on Wednesday: before, the latest is
    /// last week's).
    pub async fn latest_sent_week(&self) -> Result<Option<IsoWeek>> {
        let latest = delivery::Entity::find()
            .select_only()
            .column_as(delivery::Column::IsoWeek.max(), "week")
            .filter(delivery::Column::Status.eq(DeliveryStatus::Sent))
            .into_tuple::<Option<String>>()
            .one(self.db())
            .await
            .during("finding the latest week sent")?;
        Ok(latest.flatten().and_then(|w| IsoWeek::parse(&w)))
    }

    /// One week's weekly message: customers it reached, and those who opened the page of their picks.
    pub async fn week_reach(&self, week: IsoWeek) -> Result<WeekReach> {
        let iso_week = week.to_string();
        let customers = |opened: bool| {
            let iso_week = iso_week.clone();
            async move {
                // A customer written to by e-mail and SMS counts once.
                let distinct = Expr::from(Func::count_distinct(Expr::col(delivery::Column::CustomerId)));
                let mut query = delivery::Entity::find()
                    .select_only()
                    .column_as(distinct, "customers")
                    .filter(delivery::Column::IsoWeek.eq(iso_week.as_str()))
                    .filter(delivery::Column::Status.eq(DeliveryStatus::Sent));
                if opened {
                    query = query.filter(delivery::Column::OpenedAt.is_not_null());
                }
                let count = query.into_tuple::<i64>().one(self.db()).await;
                count.during(format!("counting the customers reached in {iso_week}")).map(|n| n.unwrap_or(0) as u64)
            }
        };
        Ok(WeekReach { reached: customers(false).await?, opened: customers(true).await? })
    }

    /// Subscriptions by state.
    pub async fn subscription_counts(&self) -> Result<SubscriptionCounts> {
        let count = |filter: sea_orm::Condition, what: &'static str| async move {
            subscription::Entity::find().filter(filter).count(self.db()).await.during(what)
        };
        let stopped = subscription::Column::UnsubscribedAt.is_not_null();
        Ok(SubscriptionCounts {
            active: count(
                Condition::all()
                    .add(subscription::Column::UnsubscribedAt.is_null())
                    .add(subscription::Column::FlaggedAt.is_null())
                    .add(subscription::Column::ConfirmedAt.is_not_null()),
                "counting active subscriptions",
            )
            .await?,
            awaiting_confirmation: count(
                Condition::all()
                    .add(subscription::Column::UnsubscribedAt.is_null())
                    .add(subscription::Column::FlaggedAt.is_null())
                    .add(subscription::Column::ConfirmedAt.is_null()),
                "counting subscriptions awaiting confirmation",
            )
            .await?,
            unsubscribed: count(Condition::all().add(stopped), "counting unsubscriptions").await?,
            flagged: count(
                Condition::all()
                    .add(subscription::Column::UnsubscribedAt.is_null())
                    .add(subscription::Column::FlaggedAt.is_not_null()),
                "counting flagged subscriptions",
            )
            .await?,
        })
    }
}

/// What one week's message did: customers sent it on some channel, and of them those who opened their picks' page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct WeekReach {
    pub reached: u64,
    pub opened: u64,
}

/// Subscriptions by state; each subscription is in exactly one (an unsubscribed one counts as unsubscribed
/// whatever else it is).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SubscriptionCounts {
    /// Confirmed, not unsubscribed, not flagged: sent the weekly picks.
    pub active: u64,
    /// Made on the site, the confirmation link not followed yet.
    pub awaiting_confirmation: u64,
    pub unsubscribed: u64,
    /// Stopped after repeated bounces.
    pub flagged: u64,
}
