//! Reading films and the active run's neighbours, each in a single statement so a concurrent publish is
//! seen entirely or not at all.

use sea_orm::{ColumnTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait};

use crate::connect::Store;
use crate::entities::{film, film_person, model_run, person, similar_film};
use crate::error::{During, Result};

/// The model shown when none is asked for: the recommender's blend of the others.
pub const DEFAULT_MODEL: &str = "hybrid";

/// Who made a film, as its page shows it: named people only (a credit whose person is unknown is left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credits {
    pub directors: Vec<String>,
    /// Actors and actresses in billing order.
    pub cast: Vec<String>,
}

impl Store {
    /// The directors and the billed cast of a film, by name.
    pub async fn credits(&self, film_id: &str) -> Result<Credits> {
        let rows: Vec<(String, String)> = film_person::Entity::find()
            .select_only()
            .column(film_person::Column::Role)
            .column(person::Column::PrimaryName)
            .join(JoinType::InnerJoin, film_person::Relation::Person.def())
            .filter(film_person::Column::FilmId.eq(film_id))
            .filter(film_person::Column::Role.is_in(["director", "actor", "actress"]))
            .order_by_asc(film_person::Column::Ordering)
            .into_tuple()
            .all(self.db())
            .await
            .during(format!("reading the credits of {film_id}"))?;
        let mut credits = Credits::default();
        for (role, name) in rows {
            let list = if role == "director" { &mut credits.directors } else { &mut credits.cast };
            if !list.contains(&name) {
                list.push(name);
            }
        }
        Ok(credits)
    }

    pub async fn film(&self, film_id: &str) -> Result<Option<film::Model>> {
        film::Entity::find_by_id(film_id.to_owned()).one(self.db()).await.during(format!("reading film {film_id}"))
    }

    /// The films of these ids that the store has.
    pub async fn films_by_ids(&self, ids: &[String]) -> Result<Vec<film::Model>> {
        film::Entity::find()
            .filter(film::Column::FilmId.is_in(ids.iter().map(String::as_str)))
            .all(self.db())
            .await
            .during("reading films")
    }

    pub async fn film_count(&self) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        film::Entity::find().count(self.db()).await.during("counting films")
    }

    /// The most voted films, for examples and the demo.
    pub async fn top_films(&self, limit: u64) -> Result<Vec<film::Model>> {
        film::Entity::find()
            .filter(film::Column::NumVotes.is_not_null())
            .order_by_desc(film::Column::NumVotes)
            .order_by_asc(film::Column::FilmId)
            .limit(limit)
            .all(self.db())
            .await
            .during("reading the most voted films")
    }

    /// The neighbours of `film_id` in the active run according to `model`, best first.
    pub async fn similar_films(&self, film_id: &str, model: &str, limit: u64) -> Result<Vec<similar_film::Model>> {
        similar_film::Entity::find()
            .join(JoinType::InnerJoin, similar_film::Relation::ModelRun.def())
            .filter(model_run::Column::Active.eq(true))
            .filter(similar_film::Column::FilmId.eq(film_id))
            .filter(similar_film::Column::Model.eq(model))
            .order_by_asc(similar_film::Column::Rank)
            .limit(limit)
            .all(self.db())
            .await
            .during(format!("reading films similar to {film_id}"))
    }

    /// Every neighbour row of the active run (tests and exports; a full scan).
    pub async fn active_similar_films(&self) -> Result<Vec<similar_film::Model>> {
        similar_film::Entity::find()
            .join(JoinType::InnerJoin, similar_film::Relation::ModelRun.def())
            .filter(model_run::Column::Active.eq(true))
            .order_by_asc(similar_film::Column::FilmId)
            .order_by_asc(similar_film::Column::Model)
            .order_by_asc(similar_film::Column::Rank)
            .all(self.db())
            .await
            .during("reading the active run's similar films")
    }
}
