//! The owner's sessions signed out before their expiry, kept in the store so that every `serve` replica refuses
//! a signed-out cookie, whichever replica the sign-out reached.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::connect::Store;
use crate::entities::owner_sign_out;
use crate::error::{During, Result};

impl Store {
    /// Records that session `id` (valid until `expires_at`) was signed out; rows of sessions already expired go,
    /// their expiry refuses them anyway.
    pub async fn record_sign_out(&self, id: &str, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
        owner_sign_out::Entity::delete_many()
            .filter(owner_sign_out::Column::ExpiresAt.lt(now))
            .exec(self.db())
            .await
            .during("forgetting expired sign-outs")?;
        let row = owner_sign_out::ActiveModel { session_id: Set(id.to_owned()), expires_at: Set(expires_at) };
        owner_sign_out::Entity::insert(row)
            .on_conflict(OnConflict::column(owner_sign_out::Column::SessionId).do_nothing().to_owned())
            .exec_without_returning(self.db())
            .await
            .during("recording a sign-out")?;
        Ok(())
    }

    /// Whether session `id` was signed out.
    pub async fn signed_out(&self, id: &str) -> Result<bool> {
        let found = owner_sign_out::Entity::find()
            .filter(owner_sign_out::Column::SessionId.eq(id))
            .count(self.db())
            .await
            .during("reading the sign-outs")?;
        Ok(found > 0)
    }
}
