//! A film of the catalogue as shown to people: titles, year, runtime, genres, IMDb rating, poster.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "films")]
pub struct Model {
    /// The IMDb id (`tt0133093`), the canonical film key.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub film_id: String,
    #[sea_orm(column_type = "Text")]
    pub title_type: String,
    #[sea_orm(column_type = "Text")]
    pub primary_title: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub original_title: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub french_title: Option<String>,
    /// The title a French reader is shown ([`cinepicks_domain::titles::display_title`]).
    #[sea_orm(column_type = "Text")]
    pub display_title_fr: String,
    pub start_year: Option<i32>,
    pub runtime_minutes: Option<i32>,
    /// Comma-separated IMDb genres.
    #[sea_orm(column_type = "Text", nullable)]
    pub genres: Option<String>,
    pub average_rating: Option<f64>,
    pub num_votes: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub poster_url: Option<String>,
    pub updated_at: DateTimeUtc,
    /// ISO 639-1 code of the language it was made in, from TMDB.
    #[sea_orm(column_type = "Text", nullable)]
    pub original_language: Option<String>,
    /// TMDB's overview (in English in TMDB 5000).
    #[sea_orm(column_type = "Text", nullable)]
    pub overview: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::film_person::Entity")]
    FilmPeople,
    #[sea_orm(has_many = "super::like::Entity")]
    Likes,
}

impl Related<super::film_person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::FilmPeople.def()
    }
}

impl Related<super::like::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Likes.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The title people read in `language`: in French the French title, else the original one; in English
    /// the primary title ([`cinepicks_domain::titles::display_title`]).
    pub fn title(&self, language: cinepicks_domain::Language) -> &str {
        cinepicks_domain::titles::display_title(
            language,
            &self.primary_title,
            self.original_title.as_deref(),
            self.french_title.as_deref(),
        )
    }

    /// The genres as a list.
    pub fn genre_list(&self) -> Vec<&str> {
        self.genres.as_deref().map(|g| g.split(',').filter(|s| !s.is_empty()).collect()).unwrap_or_default()
    }
}
