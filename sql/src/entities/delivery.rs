//! One week's picks for one customer on one channel: the notifier's outbox row, retried until sent or failed.

use cinepicks_domain::{Channel, DeliveryStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub customer_id: i32,
    /// "2026-W47" in the cinema's timezone; unique with customer and channel.
    #[sea_orm(column_type = "Text")]
    pub iso_week: String,
    pub channel: Channel,
    /// JSON list of the five picked films, each `{film_id, reason, in_programme}` (`WeeklyPicks`).
    pub picks: Json,
    /// pending, deferred (quiet hours), sending (handed to the transport), sent or failed.
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub provider_message_id: Option<String>,
    /// The subscription (address) written to.
    pub subscription_id: Option<i32>,
    /// When the current attempt was handed to the transport.
    pub claimed_at: Option<DateTimeUtc>,
    /// The worker whose attempt is in flight (see `coordination`): on PostgreSQL a row 'sending' whose worker is
    /// gone is taken over by another.
    pub claimed_by: Option<i32>,
    /// When the customer first opened the page of this week's picks (its link in the message).
    pub opened_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::customer::Entity", from = "Column::CustomerId", to = "super::customer::Column::Id")]
    Customer,
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
