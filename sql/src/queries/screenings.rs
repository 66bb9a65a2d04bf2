//! Screenings (séances): imported all at once (a file's rows replace the screenings of the same room and start
//! time), read by time range for the programme pages, the feed and the weekly picks.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::connect::Store;
use crate::entities::screening;
use crate::error::{During, Result};

/// A screening to record; `room` and `starts_at` identify it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewScreening {
    pub film_id: String,
    pub starts_at: DateTime<Utc>,
    pub room: String,
    /// VF, VOST or VO.
    pub version: String,
    pub price_cents: Option<i32>,
    pub booking_url: Option<String>,
    pub note: Option<String>,
    /// "import programme.ics line 12", "owner"…
    pub source: String,
}

/// What saving one screening did.
#[derive(Debug, Clone, PartialEq)]
pub enum ScreeningSaved {
    Saved,
    /// The screening to change was removed meanwhile.
    Gone,
    /// Another screening of the room overlaps it.
    Taken(screening::Model),
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScreeningsImported {
    pub created: u64,
    /// Screenings of the same room and start time, replaced.
    pub updated: u64,
    /// Screenings of the rooms and days the file programmes that it no longer lists (moved or cancelled).
    pub removed: u64,
}

impl Store {
    /// Records screenings in one transaction. The file is the programme of the rooms and days it covers
    /// (`programmed`: a room and the start and end of a day): what it no longer lists there was moved or
    /// cancelled and goes; a screening of the same room and start time is updated, so that importing a file again
    /// changes nothing.
    pub async fn import_screenings(
        &self,
        rows: &[NewScreening],
        programmed: &[(String, DateTime<Utc>, DateTime<Utc>)],
        now: DateTime<Utc>,
    ) -> Result<ScreeningsImported> {
        let txn = self.begin_write().await.during("starting the screenings import")?;
        let mut out = ScreeningsImported::default();
        for (room, from, to) in programmed {
            let listed: Vec<DateTime<Utc>> = rows
                .iter()
                .filter(|r| &r.room == room && r.starts_at >= *from && r.starts_at < *to)
                .map(|r| r.starts_at)
                .collect();
            let gone = screening::Entity::delete_many()
                .filter(screening::Column::Room.eq(room.as_str()))
                .filter(screening::Column::StartsAt.gte(*from))
                .filter(screening::Column::StartsAt.lt(*to))
                .filter(screening::Column::StartsAt.is_not_in(listed))
                .exec(&txn)
                .await
                .during(format!("replacing the screenings of {room}"))?;
            out.removed += gone.rows_affected;
        }
        for row in rows {
            let existing = screening::Entity::find()
                .filter(screening::Column::Room.eq(row.room.as_str()))
                .filter(screening::Column::StartsAt.eq(row.starts_at))
                .one(&txn)
                .await
                .during(format!("{}: finding the screening", row.source))?;
            let mut model = match existing {
                Some(found) => {
                    out.updated += 1;
                    screening::ActiveModel::from(found)
                }
                None => {
                    out.created += 1;
                    <screening::ActiveModel as sea_orm::ActiveModelBehavior>::new()
                }
            };
            fill(&mut model, row, now);
            model.save(&txn).await.during(format!("{}: recording the screening", row.source))?;
        }
        txn.commit().await.during("committing the screenings import")?;
        Ok(out)
    }

    /// Screenings starting in `[from, to)`, earliest first.
    pub async fn screenings_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<screening::Model>> {
        screening::Entity::find()
            .filter(screening::Column::StartsAt.gte(from))
            .filter(screening::Column::StartsAt.lt(to))
            .order_by_asc(screening::Column::StartsAt)
            .order_by_asc(screening::Column::Room)
            .all(self.db())
            .await
            .during("reading screenings")
    }

    /// Records one screening (the owner's form), a new one or screening `id` changed, in one transaction with the
    /// check that its room is free: refused when another screening of the room runs at its start or starts
    /// before it ends (`runtime` gives each film's length; `longest` bounds how far back to look).
    pub async fn save_screening(
        &self,
        id: Option<i32>,
        row: &NewScreening,
        runtime: impl Fn(&str) -> Duration,
        longest: Duration,
        now: DateTime<Utc>,
    ) -> Result<ScreeningSaved> {
        let txn = self.begin_write().await.during("starting to record a screening")?;
        if self.backend() == crate::connect::Backend::Postgres {
            // Two owners saving at once must not both find the room free: one waits for the other's commit.
            let lock = "SELECT pg_advisory_xact_lock(7224002)";
            sea_orm::ConnectionTrait::execute_unprepared(&txn, lock).await.during("locking the screenings")?;
        }
        let mut model = match id {
            Some(id) => match screening::Entity::find_by_id(id).one(&txn).await.during("reading a screening")? {
                Some(found) => screening::ActiveModel::from(found),
                None => return Ok(ScreeningSaved::Gone),
            },
            None => <screening::ActiveModel as sea_orm::ActiveModelBehavior>::new(),
        };
        let end = row.starts_at + runtime(&row.film_id);
        let around = screening::Entity::find()
            .filter(screening::Column::Room.eq(row.room.as_str()))
            .filter(screening::Column::StartsAt.gt(row.starts_at - longest))
            .filter(screening::Column::StartsAt.lt(end))
            .order_by_asc(screening::Column::StartsAt)
            .all(&txn)
            .await
            .during("reading the room's screenings")?;
        let taken = around
            .into_iter()
            .filter(|s| Some(s.id) != id)
            .find(|s| s.starts_at < end && row.starts_at < s.starts_at + runtime(&s.film_id));
        if let Some(other) = taken {
            return Ok(ScreeningSaved::Taken(other));
        }
        fill(&mut model, row, now);
        model.save(&txn).await.during("recording a screening")?;
        txn.commit().await.during("committing a screening")?;
        Ok(ScreeningSaved::Saved)
    }

    /// Removes a screening; false when it was already gone.
    pub async fn remove_screening(&self, id: i32) -> Result<bool> {
        let gone = screening::Entity::delete_by_id(id).exec(self.db()).await.during("removing a screening")?;
        Ok(gone.rows_affected > 0)
    }

    pub async fn screening(&self, id: i32) -> Result<Option<screening::Model>> {
        screening::Entity::find_by_id(id).one(self.db()).await.during("reading a screening")
    }

    /// A film's screenings from `from` on, earliest first.
    pub async fn screenings_of(&self, film_id: &str, from: DateTime<Utc>) -> Result<Vec<screening::Model>> {
        screening::Entity::find()
            .filter(screening::Column::FilmId.eq(film_id))
            .filter(screening::Column::StartsAt.gte(from))
            .order_by_asc(screening::Column::StartsAt)
            .all(self.db())
            .await
            .during(format!("reading the screenings of {film_id}"))
    }
}

/// A screening row's columns from what is recorded.
fn fill(model: &mut screening::ActiveModel, row: &NewScreening, now: DateTime<Utc>) {
    model.film_id = Set(row.film_id.clone());
    model.starts_at = Set(row.starts_at);
    model.room = Set(row.room.clone());
    model.version = Set(row.version.clone());
    model.price_cents = Set(row.price_cents);
    model.booking_url = Set(row.booking_url.clone());
    model.note = Set(row.note.clone());
    model.source = Set(row.source.clone());
    model.updated_at = Set(now);
}
