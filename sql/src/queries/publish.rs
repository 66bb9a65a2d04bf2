//! Publishing a model run: catalogue display data and a run's outputs loaded in one transaction, then the
//! active run switched and old runs pruned, all committed at once.
//!
//! Readers only ever read the active run's rows ([`crate::queries::films`]), and the switch is an UPDATE in
//! the same transaction as the load, so they see the previous run or the new one, never a mix; a failure
//! anywhere rolls everything back and leaves the previous run active.

use std::collections::HashSet;

use arrow_array::{Array, RecordBatch};
use chrono::{DateTime, Utc};
use cinepicks_domain::{Language, titles};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, Value,
};
use serde::Serialize;

use crate::connect::Store;
use crate::entities::{film, model_run};
use crate::error::{During, Result, StoreError};
use crate::queries::bulk::{Rows, SqlType, Target};
use crate::queries::columns::{Columns, list_strings, opt_str};

/// Artefact names listed in a run's `run.json` (`artefacts`), and the columns each must have.
pub mod artefacts {
    pub const SIMILAR_FILMS: &str = "similar_films";
    pub const POPULARITY_PREDICTIONS: &str = "popularity_predictions";
    pub const AUDIENCE_SEGMENTS: &str = "audience_segments";
}

/// What `run.json` says about a run, as stored in `model_runs`.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub run_id: String,
    pub created_at: DateTime<Utc>,
    pub kinds: Vec<String>,
    pub parameters: serde_json::Value,
    pub metrics: serde_json::Value,
    pub data_hashes: serde_json::Value,
    pub artefact_path: String,
}

/// Rows loaded by one publish (reported by the job and kept in the run's job record).
#[derive(Debug, Default, Clone, Serialize)]
pub struct PublishCounts {
    pub films: u64,
    /// Films with a TMDB presentation (original language, overview).
    pub presentations: u64,
    /// Films with a TMDB poster.
    pub posters: u64,
    pub people: u64,
    pub film_people: u64,
    pub similar_films: u64,
    /// Neighbour rows naming a film that is not in the catalogue: nothing to show for them.
    pub similar_films_skipped: u64,
    pub popularity_predictions: u64,
    pub audience_segments: u64,
    pub pruned_runs: u64,
}

const FILMS: Target = Target {
    table: "films",
    columns: &[
        ("film_id", SqlType::Text),
        ("title_type", SqlType::Text),
        ("primary_title", SqlType::Text),
        ("original_title", SqlType::Text),
        ("french_title", SqlType::Text),
        ("display_title_fr", SqlType::Text),
        ("start_year", SqlType::Int),
        ("runtime_minutes", SqlType::Int),
        ("genres", SqlType::Text),
        ("average_rating", SqlType::Double),
        ("num_votes", SqlType::Int),
        ("updated_at", SqlType::Timestamp),
    ],
    // poster_url is a presentation (see load_presentations), set after the films.
    on_conflict: "ON CONFLICT (film_id) DO UPDATE SET title_type = excluded.title_type, \
        primary_title = excluded.primary_title, original_title = excluded.original_title, \
        french_title = excluded.french_title, display_title_fr = excluded.display_title_fr, \
        start_year = excluded.start_year, runtime_minutes = excluded.runtime_minutes, genres = excluded.genres, \
        average_rating = excluded.average_rating, num_votes = excluded.num_votes, updated_at = excluded.updated_at",
};

/// The staging table of [`Publisher::load_presentations`].
const PRESENTATIONS: Target = Target {
    table: "film_presentations",
    columns: &[
        ("film_id", SqlType::Text),
        ("original_language", SqlType::Text),
        ("overview", SqlType::Text),
        ("poster_url", SqlType::Text),
    ],
    on_conflict: "ON CONFLICT (film_id) DO NOTHING",
};

const PEOPLE: Target = Target {
    table: "people",
    columns: &[
        ("person_id", SqlType::Text),
        ("primary_name", SqlType::Text),
        ("birth_year", SqlType::Int),
        ("death_year", SqlType::Int),
    ],
    on_conflict: "ON CONFLICT (person_id) DO NOTHING",
};

const FILM_PEOPLE: Target = Target {
    table: "film_people",
    columns: &[
        ("film_id", SqlType::Text),
        ("person_id", SqlType::Text),
        ("role", SqlType::Text),
        ("ordering", SqlType::Int),
        ("characters", SqlType::Text),
    ],
    // A director may also be listed among the principals as "director": keep the first.
    on_conflict: "ON CONFLICT DO NOTHING",
};

const SIMILAR_FILMS: Target = Target {
    table: "similar_films",
    columns: &[
        ("model_run_id", SqlType::Int),
        ("film_id", SqlType::Text),
        ("model", SqlType::Text),
        ("rank", SqlType::Int),
        ("neighbour_id", SqlType::Text),
        ("score", SqlType::Real),
        ("reason_kind", SqlType::Text),
        ("reason_detail", SqlType::Text),
    ],
    on_conflict: "",
};

const POPULARITY_PREDICTIONS: Target = Target {
    table: "popularity_predictions",
    columns: &[
        ("model_run_id", SqlType::Int),
        ("film_id", SqlType::Text),
        ("predicted_rating", SqlType::Real),
        ("predicted_num_votes", SqlType::Real),
    ],
    on_conflict: "",
};

const AUDIENCE_SEGMENTS: Target = Target {
    table: "audience_segments",
    columns: &[
        ("model_run_id", SqlType::Int),
        ("film_id", SqlType::Text),
        ("age_band", SqlType::Text),
        ("gender", SqlType::Text),
        ("occupation", SqlType::Text),
        ("lift", SqlType::Real),
    ],
    on_conflict: "",
};

fn text(s: impl Into<String>) -> Value {
    Value::String(Some(s.into()))
}

fn opt_text(s: Option<&str>) -> Value {
    Value::String(s.map(str::to_owned))
}

/// One publish in progress: an open transaction. Dropping it without [`Publisher::commit`] rolls back.
/// What TMDB says of a film for its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilmPresentation {
    pub film_id: String,
    /// ISO 639-1.
    pub original_language: Option<String>,
    pub overview: Option<String>,
    /// TMDB's poster at the cards' width (see `cinepicks_domain::tmdb_images`).
    pub poster_url: Option<String>,
}

pub struct Publisher {
    txn: DatabaseTransaction,
    now: DateTime<Utc>,
    /// Films that exist once this transaction commits: the only valid targets of neighbours and credits.
    films: HashSet<String>,
    /// People credited on catalogue films, collected before the people table is read.
    people_wanted: HashSet<String>,
    people_loaded: HashSet<String>,
    run: Option<(i32, String)>,
    /// Rows of similar_films.parquet read so far, so errors give a row number in the file.
    similar_rows_read: usize,
    counts: PublishCounts,
}

impl Store {
    /// Starts a publish: opens the transaction and learns which films already exist.
    pub async fn begin_publish(&self, now: DateTime<Utc>) -> Result<Publisher> {
        let txn = self.begin_write().await.during("starting the publish transaction")?;
        let ids: Vec<String> = film::Entity::find()
            .select_only()
            .column(film::Column::FilmId)
            .into_tuple()
            .all(&txn)
            .await
            .during("reading known films")?;
        Ok(Publisher {
            txn,
            now,
            films: ids.into_iter().collect(),
            people_wanted: HashSet::new(),
            people_loaded: HashSet::new(),
            run: None,
            similar_rows_read: 0,
            counts: PublishCounts::default(),
        })
    }

    /// The stored run with this id, if it was published before (active or not).
    pub async fn model_run(&self, run_id: &str) -> Result<Option<model_run::Model>> {
        model_run::Entity::find()
            .filter(model_run::Column::RunId.eq(run_id))
            .one(self.db())
            .await
            .during(format!("reading model run {run_id}"))
    }

    /// The run readers currently use.
    pub async fn active_run(&self) -> Result<Option<model_run::Model>> {
        model_run::Entity::find()
            .filter(model_run::Column::Active.eq(true))
            .one(self.db())
            .await
            .during("reading the active model run")
    }

    /// Every stored run, newest first.
    pub async fn model_runs(&self) -> Result<Vec<model_run::Model>> {
        model_run::Entity::find().order_by_desc(model_run::Column::Id).all(self.db()).await.during("listing model runs")
    }

    /// Makes an already published run active again (a re-publish of the same run, or a rollback), pruning
    /// beyond `keep_runs`. Returns the number of runs pruned.
    pub async fn reactivate_run(&self, run_id: &str, keep_runs: u32) -> Result<u64> {
        let txn = self.begin_write().await.during("starting the activation transaction")?;
        let run = model_run::Entity::find()
            .filter(model_run::Column::RunId.eq(run_id))
            .one(&txn)
            .await
            .during(format!("reading model run {run_id}"))?
            .ok_or_else(|| StoreError::Run { run_id: run_id.to_owned(), message: "was never published".into() })?;
        switch_active(&txn, run.id).await?;
        let pruned = prune(&txn, keep_runs, run.id).await?;
        txn.commit().await.during("committing the activation")?;
        Ok(pruned)
    }
}

impl Publisher {
    pub fn counts(&self) -> &PublishCounts {
        &self.counts
    }

    /// Whether the film exists (or will once this publish commits).
    pub fn knows_film(&self, film_id: &str) -> bool {
        self.films.contains(film_id)
    }

    /// Upserts films from a batch of `lake/catalogue.parquet`.
    pub async fn load_films(&mut self, batch: &RecordBatch) -> Result<()> {
        let c = Columns::new("catalogue.parquet", batch);
        let (id, title_type, primary, original, french, display) = (
            c.text("title_id")?,
            c.text_opt("title_type")?,
            c.text("primary_title")?,
            c.text_opt("original_title")?,
            c.text_opt("french_title")?,
            c.text_opt("display_title_fr")?,
        );
        let (year, runtime, genres) =
            (c.int32_opt("start_year")?, c.int32_opt("runtime_minutes")?, c.text_list("genres")?);
        let (rating, votes) = (c.float64("average_rating").ok(), c.int32_opt("num_votes")?);
        let mut rows = Rows::new(&FILMS);
        for i in 0..batch.num_rows() {
            let Some(film_id) = opt_str(&id, i) else { continue };
            let primary_title = opt_str(&primary, i).unwrap_or(film_id);
            let french_title = french.as_ref().and_then(|a| opt_str(a, i));
            let original_title = original.as_ref().and_then(|a| opt_str(a, i));
            let display_title = display
                .as_ref()
                .and_then(|a| opt_str(a, i))
                .unwrap_or_else(|| titles::display_title(Language::Fr, primary_title, original_title, french_title));
            let genre_list = list_strings(&genres, i);
            let int = |a: &Option<arrow_array::Int32Array>| {
                Value::Int(a.as_ref().and_then(|a| (!a.is_null(i)).then(|| a.value(i))))
            };
            rows.push([
                text(film_id),
                text(title_type.as_ref().and_then(|a| opt_str(a, i)).unwrap_or("movie")),
                text(primary_title),
                opt_text(original_title),
                opt_text(french_title),
                text(display_title),
                int(&year),
                int(&runtime),
                Value::String((!genre_list.is_empty()).then(|| genre_list.join(","))),
                Value::Double(rating.as_ref().and_then(|a| (!a.is_null(i)).then(|| a.value(i)))),
                int(&votes),
                Value::ChronoDateTimeUtc(Some(self.now)),
            ]);
            self.films.insert(film_id.to_owned());
        }
        self.counts.films += rows.flush(&self.txn, &FILMS).await?;
        Ok(())
    }

    /// Sets what TMDB says of films for their pages (original language, overview); films not listed keep none.
    pub async fn load_presentations(&mut self, rows: &[FilmPresentation]) -> Result<()> {
        let clear = "UPDATE films SET original_language = NULL, overview = NULL, poster_url = NULL";
        self.txn.execute_unprepared(clear).await.during("clearing the films' presentations")?;
        // Staged in a table of the transaction, then one UPDATE … FROM: a catalogue of posters is tens of thousands
        // of films, too many round trips one statement each on a remote PostgreSQL.
        // Created and dropped inside the transaction (both stores' DDL is transactional: a failed publish leaves none).
        let create = "CREATE TEMP TABLE film_presentations \
                      (film_id text PRIMARY KEY, original_language text, overview text, poster_url text)";
        self.txn.execute_unprepared(create).await.during("staging the films' presentations")?;
        let mut staged = Rows::new(&PRESENTATIONS);
        for row in rows.iter().filter(|r| self.films.contains(&r.film_id)) {
            staged.push([
                Value::from(row.film_id.clone()),
                Value::from(row.original_language.clone()),
                Value::from(row.overview.clone()),
                Value::from(row.poster_url.clone()),
            ]);
            self.counts.presentations += u64::from(row.original_language.is_some() || row.overview.is_some());
            self.counts.posters += u64::from(row.poster_url.is_some());
        }
        staged.flush(&self.txn, &PRESENTATIONS).await?;
        let update = "UPDATE films SET original_language = p.original_language, overview = p.overview, \
                      poster_url = p.poster_url FROM film_presentations AS p WHERE films.film_id = p.film_id";
        self.txn.execute_unprepared(update).await.during("recording the films' presentations")?;
        self.txn
            .execute_unprepared("DROP TABLE film_presentations")
            .await
            .during("dropping the staged presentations")?;
        Ok(())
    }

    /// Forgets the credits and people of the previous publish (they are reloaded whole from the lake).
    pub async fn clear_people(&mut self) -> Result<()> {
        for table in ["film_people", "people"] {
            self.txn.execute_unprepared(&format!("DELETE FROM {table}")).await.during(format!("emptying {table}"))?;
        }
        Ok(())
    }

    /// First pass over `crew.parquet`: remembers directors and writers of catalogue films.
    pub fn want_crew(&mut self, batch: &RecordBatch) -> Result<()> {
        let c = Columns::new("crew.parquet", batch);
        let (id, directors, writers) = (c.text("title_id")?, c.text_list("directors")?, c.text_list("writers")?);
        for i in 0..batch.num_rows() {
            if opt_str(&id, i).is_some_and(|f| self.films.contains(f)) {
                self.people_wanted.extend(list_strings(&directors, i));
                self.people_wanted.extend(list_strings(&writers, i));
            }
        }
        Ok(())
    }

    /// First pass over `credits.parquet`: remembers the principal cast and crew of catalogue films.
    pub fn want_credits(&mut self, batch: &RecordBatch) -> Result<()> {
        let c = Columns::new("credits.parquet", batch);
        let (id, person) = (c.text("title_id")?, c.text("person_id")?);
        for i in 0..batch.num_rows() {
            if opt_str(&id, i).is_some_and(|f| self.films.contains(f))
                && let Some(p) = opt_str(&person, i)
            {
                self.people_wanted.insert(p.to_owned());
            }
        }
        Ok(())
    }

    /// Inserts the wanted people from a batch of `people.parquet`.
    pub async fn load_people(&mut self, batch: &RecordBatch) -> Result<()> {
        let c = Columns::new("people.parquet", batch);
        let (id, name, birth, death) =
            (c.text("person_id")?, c.text("primary_name")?, c.int32_opt("birth_year")?, c.int32_opt("death_year")?);
        let mut rows = Rows::new(&PEOPLE);
        for i in 0..batch.num_rows() {
            let Some(person_id) = opt_str(&id, i) else { continue };
            if !self.people_wanted.contains(person_id) || self.people_loaded.contains(person_id) {
                continue;
            }
            let year = |a: &Option<arrow_array::Int32Array>| {
                Value::Int(a.as_ref().and_then(|a| (!a.is_null(i)).then(|| a.value(i))))
            };
            rows.push([text(person_id), text(opt_str(&name, i).unwrap_or(person_id)), year(&birth), year(&death)]);
            self.people_loaded.insert(person_id.to_owned());
        }
        self.counts.people += rows.flush(&self.txn, &PEOPLE).await?;
        Ok(())
    }

    /// Second pass over `crew.parquet`: director and writer credits of catalogue films.
    pub async fn load_crew(&mut self, batch: &RecordBatch) -> Result<()> {
        let c = Columns::new("crew.parquet", batch);
        let (id, directors, writers) = (c.text("title_id")?, c.text_list("directors")?, c.text_list("writers")?);
        let mut rows = Rows::new(&FILM_PEOPLE);
        for i in 0..batch.num_rows() {
            let Some(film_id) = opt_str(&id, i).filter(|f| self.films.contains(*f)) else { continue };
            for (role, list) in [("director", &directors), ("writer", &writers)] {
                for (order, person) in list_strings(list, i).into_iter().enumerate() {
                    if self.people_loaded.contains(&person) {
                        rows.push([
                            text(film_id),
                            text(person),
                            text(role),
                            Value::Int(Some(order as i32 + 1)),
                            opt_text(None),
                        ]);
                    }
                }
            }
        }
        self.counts.film_people += rows.flush(&self.txn, &FILM_PEOPLE).await?;
        Ok(())
    }

    /// Second pass over `credits.parquet`: the principal cast and crew of catalogue films.
    pub async fn load_credits(&mut self, batch: &RecordBatch) -> Result<()> {
        let c = Columns::new("credits.parquet", batch);
        let (id, person, category, ordering) =
            (c.text("title_id")?, c.text("person_id")?, c.text("category")?, c.int32_opt("ordering")?);
        let characters =
            if batch.schema_ref().index_of("characters").is_ok() { Some(c.text_list("characters")?) } else { None };
        let mut rows = Rows::new(&FILM_PEOPLE);
        for i in 0..batch.num_rows() {
            let Some(film_id) = opt_str(&id, i).filter(|f| self.films.contains(*f)) else { continue };
            let Some(person_id) = opt_str(&person, i).filter(|p| self.people_loaded.contains(*p)) else { continue };
            let played = characters.as_ref().map(|l| list_strings(l, i)).unwrap_or_default();
            rows.push([
                text(film_id),
                text(person_id),
                text(opt_str(&category, i).unwrap_or("unknown")),
                Value::Int(Some(ordering.as_ref().and_then(|a| (!a.is_null(i)).then(|| a.value(i))).unwrap_or(0))),
                Value::String((!played.is_empty()).then(|| played.join(" / "))),
            ]);
        }
        self.counts.film_people += rows.flush(&self.txn, &FILM_PEOPLE).await?;
        Ok(())
    }

    /// Records the run (not active yet). Must come before its outputs.
    pub async fn start_run(&mut self, info: &RunInfo) -> Result<i32> {
        // A run published before and then pruned, or a half-recorded one, is replaced whole.
        model_run::Entity::delete_many()
            .filter(model_run::Column::RunId.eq(&info.run_id))
            .exec(&self.txn)
            .await
            .during(format!("replacing model run {}", info.run_id))?;
        let row = model_run::ActiveModel {
            run_id: Set(info.run_id.clone()),
            kinds: Set(serde_json::json!(info.kinds)),
            status: Set("loading".into()),
            created_at: Set(info.created_at),
            published_at: Set(None),
            parameters: Set(info.parameters.clone()),
            metrics: Set(info.metrics.clone()),
            data_hashes: Set(info.data_hashes.clone()),
            artefact_path: Set(info.artefact_path.clone()),
            active: Set(false),
            ..Default::default()
        }
        .insert(&self.txn)
        .await
        .during(format!("recording model run {}", info.run_id))?;
        self.run = Some((row.id, info.run_id.clone()));
        Ok(row.id)
    }

    fn run_id(&self, artefact: &str) -> Result<i32> {
        self.run.as_ref().map(|(id, _)| *id).ok_or_else(|| {
            StoreError::Invalid(format!("{artefact} loaded before the run was recorded (call start_run first)"))
        })
    }

    /// Loads a batch of `similar_films.parquet`. Rows naming films outside the catalogue are skipped and
    /// counted; a malformed row stops the publish with its position.
    pub async fn load_similar_films(&mut self, batch: &RecordBatch) -> Result<()> {
        const FILE: &str = "similar_films.parquet";
        let run = Value::Int(Some(self.run_id(FILE)?));
        let c = Columns::new(FILE, batch);
        let (film, neighbour, rank, score) =
            (c.text("film_id")?, c.text("neighbour_id")?, c.int32("rank")?, c.float32("score")?);
        let (model, reason_kind, reason_detail) =
            (c.text("model")?, c.text("reason_kind")?, c.text_opt("reason_detail")?);
        let mut rows = Rows::new(&SIMILAR_FILMS);
        let first_row = self.similar_rows_read + 1;
        self.similar_rows_read += batch.num_rows();
        for i in 0..batch.num_rows() {
            let bad = |what: &str| StoreError::artefact(FILE, format!("row {}: {what}", first_row + i));
            let (Some(f), Some(n)) = (opt_str(&film, i), opt_str(&neighbour, i)) else {
                return Err(bad("film_id or neighbour_id is null"));
            };
            if rank.is_null(i) || rank.value(i) < 1 {
                return Err(bad("rank must be 1 or more"));
            }
            if score.is_null(i) {
                return Err(bad("score is null"));
            }
            let (Some(m), Some(kind)) = (opt_str(&model, i), opt_str(&reason_kind, i)) else {
                return Err(bad("model or reason_kind is null"));
            };
            if !self.films.contains(f) || !self.films.contains(n) {
                self.counts.similar_films_skipped += 1;
                continue;
            }
            rows.push([
                run.clone(),
                text(f),
                text(m),
                Value::Int(Some(rank.value(i))),
                text(n),
                Value::Float(Some(score.value(i))),
                text(kind),
                opt_text(reason_detail.as_ref().and_then(|a| opt_str(a, i))),
            ]);
        }
        self.counts.similar_films += rows.flush(&self.txn, &SIMILAR_FILMS).await?;
        Ok(())
    }

    /// Loads a batch of `popularity_predictions.parquet` (extra columns are ignored).
    pub async fn load_popularity_predictions(&mut self, batch: &RecordBatch) -> Result<()> {
        const FILE: &str = "popularity_predictions.parquet";
        let run = Value::Int(Some(self.run_id(FILE)?));
        let c = Columns::new(FILE, batch);
        let (film, rating, votes) =
            (c.text("film_id")?, c.float32_opt("predicted_rating")?, c.float32_opt("predicted_num_votes")?);
        let mut rows = Rows::new(&POPULARITY_PREDICTIONS);
        let float = |a: &Option<arrow_array::Float32Array>, i: usize| {
            Value::Float(a.as_ref().and_then(|a| (!a.is_null(i)).then(|| a.value(i))))
        };
        for i in 0..batch.num_rows() {
            let Some(f) = opt_str(&film, i).filter(|f| self.films.contains(*f)) else { continue };
            rows.push([run.clone(), text(f), float(&rating, i), float(&votes, i)]);
        }
        self.counts.popularity_predictions += rows.flush(&self.txn, &POPULARITY_PREDICTIONS).await?;
        Ok(())
    }

    /// Loads a batch of `audience_segments.parquet` (extra columns are ignored).
    pub async fn load_audience_segments(&mut self, batch: &RecordBatch) -> Result<()> {
        const FILE: &str = "audience_segments.parquet";
        let run = Value::Int(Some(self.run_id(FILE)?));
        let c = Columns::new(FILE, batch);
        let (film, lift) = (c.text("film_id")?, c.float32("lift")?);
        let (age, gender, occupation) = (c.text_opt("age_band")?, c.text_opt("gender")?, c.text_opt("occupation")?);
        let mut rows = Rows::new(&AUDIENCE_SEGMENTS);
        for i in 0..batch.num_rows() {
            let Some(f) = opt_str(&film, i).filter(|f| self.films.contains(*f)) else { continue };
            if lift.is_null(i) {
                continue;
            }
            let dim = |a: &Option<arrow_array::StringArray>| opt_text(a.as_ref().and_then(|a| opt_str(a, i)));
            rows.push([
                run.clone(),
                text(f),
                dim(&age),
                dim(&gender),
                dim(&occupation),
                Value::Float(Some(lift.value(i))),
            ]);
        }
        self.counts.audience_segments += rows.flush(&self.txn, &AUDIENCE_SEGMENTS).await?;
        Ok(())
    }

    /// Makes the recorded run the active one, prunes runs beyond `keep_runs` (the active one included) and
    /// commits everything at once. Without a recorded run, commits the catalogue alone.
    pub async fn commit(mut self, keep_runs: u32) -> Result<PublishCounts> {
        if let Some((id, run_id)) = self.run.clone() {
            model_run::Entity::update_many()
                .col_expr(model_run::Column::Status, sea_orm::sea_query::Expr::value("published"))
                .col_expr(model_run::Column::PublishedAt, sea_orm::sea_query::Expr::value(self.now))
                .filter(model_run::Column::Id.eq(id))
                .exec(&self.txn)
                .await
                .during(format!("marking model run {run_id} published"))?;
            switch_active(&self.txn, id).await?;
            self.counts.pruned_runs = prune(&self.txn, keep_runs, id).await?;
        }
        self.txn.commit().await.during("committing the publish")?;
        Ok(self.counts)
    }

    /// Abandons the publish: nothing it loaded becomes visible.
    pub async fn rollback(self) -> Result<()> {
        self.txn.rollback().await.during("rolling back the publish")
    }
}

/// Deactivates the current run, then activates `id`: two statements, so the single-active index never sees
/// two active rows, inside the caller's transaction, so readers never see none.
async fn switch_active(txn: &DatabaseTransaction, id: i32) -> Result<()> {
    model_run::Entity::update_many()
        .col_expr(model_run::Column::Active, sea_orm::sea_query::Expr::value(false))
        .filter(model_run::Column::Active.eq(true))
        .filter(model_run::Column::Id.ne(id))
        .exec(txn)
        .await
        .during("deactivating the previous model run")?;
    model_run::Entity::update_many()
        .col_expr(model_run::Column::Active, sea_orm::sea_query::Expr::value(true))
        .filter(model_run::Column::Id.eq(id))
        .exec(txn)
        .await
        .during("activating the new model run")?;
    Ok(())
}

/// Deletes the oldest runs beyond `keep` (never `active_id`); their outputs go with them (ON DELETE CASCADE).
async fn prune(txn: &DatabaseTransaction, keep: u32, active_id: i32) -> Result<u64> {
    // Ids grow with each publish (a re-published run is recorded anew), so they order runs by age.
    let ids: Vec<i32> = model_run::Entity::find()
        .select_only()
        .column(model_run::Column::Id)
        .order_by_desc(model_run::Column::Id)
        .into_tuple()
        .all(txn)
        .await
        .during("listing model runs to prune")?;
    let keep = keep.max(1) as usize;
    let doomed: Vec<i32> = ids.into_iter().filter(|id| *id != active_id).skip(keep - 1).collect();
    if doomed.is_empty() {
        return Ok(0);
    }
    let result = model_run::Entity::delete_many()
        .filter(model_run::Column::Id.is_in(doomed))
        .exec(txn)
        .await
        .during("pruning old model runs")?;
    Ok(result.rows_affected)
}
