//! The synopses the cinema writes for its films, one per film and language.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use cinepicks_domain::Language;

use crate::connect::Store;
use crate::entities::film_synopsis;
use crate::error::{During, Result};

/// The longest synopsis kept, in characters: a page's paragraph, not an essay.
pub const MAX_CHARS: usize = 1500;

impl Store {
    /// The cinema's synopsis of a film in that language, if it wrote one.
    pub async fn synopsis(&self, film_id: &str, language: Language) -> Result<Option<String>> {
        let row = film_synopsis::Entity::find_by_id((film_id.to_owned(), language))
            .one(self.db())
            .await
            .during(format!("reading the synopsis of {film_id}"))?;
        Ok(row.map(|r| r.synopsis))
    }

    /// The films of `ids` that have a synopsis in that language.
    pub async fn films_with_synopsis(&self, ids: &[String], language: Language) -> Result<Vec<String>> {
        let rows = film_synopsis::Entity::find()
            .filter(film_synopsis::Column::FilmId.is_in(ids.iter().map(String::as_str)))
            .filter(film_synopsis::Column::Locale.eq(language))
            .all(self.db())
            .await
            .during("reading which films have a synopsis")?;
        Ok(rows.into_iter().map(|r| r.film_id).collect())
    }

    /// Writes (or replaces) the synopsis of a film in a language; an empty text removes it.
    pub async fn set_synopsis(&self, film_id: &str, language: Language, text: &str, now: DateTime<Utc>) -> Result<()> {
        let text = text.trim();
        if text.is_empty() {
            film_synopsis::Entity::delete_by_id((film_id.to_owned(), language))
                .exec(self.db())
                .await
                .during(format!("removing the synopsis of {film_id}"))?;
            return Ok(());
        }
        let row = film_synopsis::ActiveModel {
            film_id: Set(film_id.to_owned()),
            locale: Set(language),
            synopsis: Set(text.to_owned()),
            updated_at: Set(now),
        };
        film_synopsis::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([film_synopsis::Column::FilmId, film_synopsis::Column::Locale])
                    .update_columns([film_synopsis::Column::Synopsis, film_synopsis::Column::UpdatedAt])
                    .to_owned(),
            )
            .exec(self.db())
            .await
            .during(format!("writing the synopsis of {film_id}"))?;
        Ok(())
    }
}
