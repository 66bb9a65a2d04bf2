//! What the owner checks on operations (`cinepicks status`): deliveries by status and subscriber counts.

use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QuerySelect};

use crate::connect::Store;
use crate::entities::{delivery, subscription};
use crate::error::{During, Result};

#[derive(Debug, FromQueryResult)]
struct StatusCount {
    status: String,
    count: i64,
}

impl Store {
    /// Deliveries per status (pending, sent, failed, ...), sorted by status.
    pub async fn deliveries_by_status(&self) -> Result<Vec<(String, i64)>> {
        let rows = delivery::Entity::find()
            .select_only()
            .column(delivery::Column::Status)
            .column_as(delivery::Column::Id.count(), "count")
            .group_by(delivery::Column::Status)
            .into_model::<StatusCount>()
            .all(self.db())
            .await
            .during("counting deliveries by status")?;
        let mut counts: Vec<(String, i64)> = rows.into_iter().map(|r| (r.status, r.count)).collect();
        counts.sort();
        Ok(counts)
    }

    /// Subscriptions not unsubscribed.
    pub async fn active_subscription_count(&self) -> Result<u64> {
        subscription::Entity::find()
            .filter(subscription::Column::UnsubscribedAt.is_null())
            .count(self.db())
            .await
            .during("counting active subscriptions")
    }
}
