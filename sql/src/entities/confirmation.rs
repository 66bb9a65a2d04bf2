//! A confirmation message of a web subscription (double opt-in): queued by the site, sent by its sender.

use cinepicks_domain::Channel;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "confirmations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub subscription_id: i32,
    pub channel: Channel,
    /// The subscription's address when it was asked for (the daily caps count per address).
    #[sea_orm(column_type = "Text")]
    pub address: String,
    pub requested_at: DateTimeUtc,
    /// Attempts that failed for a reason worth retrying.
    pub attempts: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// After a failure worth retrying, not before this.
    pub next_attempt_at: Option<DateTimeUtc>,
    /// Queued while this and `failed_at` are empty.
    pub sent_at: Option<DateTimeUtc>,
    pub failed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::subscription::Entity",
        from = "Column::SubscriptionId",
        to = "super::subscription::Column::Id"
    )]
    Subscription,
}

impl Related<super::subscription::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Subscription.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
