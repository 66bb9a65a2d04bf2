//! An owner's session signed out before its expiry: every `serve` replica refuses its cookie from then on.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "owner_sign_outs")]
pub struct Model {
    /// The session's random id, as signed in its cookie.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub session_id: String,
    /// The session's own expiry: past it the cookie is refused anyway and the row can go.
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
