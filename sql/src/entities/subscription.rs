//! A customer's consent to receive weekly picks on one channel (e-mail or SMS) at one address.

use cinepicks_domain::Channel;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub customer_id: i32,
    pub channel: Channel,
    /// A lower-cased e-mail address or an E.164 phone number; unique per channel.
    #[sea_orm(column_type = "Text")]
    pub address: String,
    pub consent_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub consent_source: String,
    /// When the address was confirmed (double opt-in of the web site); nothing is sent before. Imports and the
    /// CLI record consent the cinema collected itself, confirmed at once.
    pub confirmed_at: Option<DateTimeUtc>,
    /// Secret of the one-click unsubscribe link.
    #[sea_orm(unique, column_type = "Text")]
    pub unsubscribe_token: String,
    pub unsubscribed_at: Option<DateTimeUtc>,
    /// Permanent delivery failures (bounces, invalid number) since the last success.
    pub bounces: i32,
    /// Set when `bounces` reached the configured limit: nothing is sent there any more.
    pub flagged_at: Option<DateTimeUtc>,
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
