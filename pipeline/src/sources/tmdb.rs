//! TMDB CSVs (Kaggle): TMDB 5000's movies, with JSON lists inside fields, and its optional credits file; the
//! posters of The Movies Dataset's movies_metadata.csv.

use serde::Deserialize;

use super::RowParser;
use super::batch::{BatchBuilder, Columns, Kind};
use super::fields::{Reject, float_in, int_in, required, title_id};
use super::keys::{IdSet, KeyReport, KeySpace, Reference};
use crate::lake::tables;

/// Lake column names of the TMDB tables.
pub mod columns {
    pub const TMDB_ID: &str = "tmdb_id";
    pub const TITLE: &str = "title";
    pub const ORIGINAL_TITLE: &str = "original_title";
    pub const ORIGINAL_LANGUAGE: &str = "original_language";
    pub const RELEASE_DATE: &str = "release_date";
    pub const YEAR: &str = "year";
    pub const RUNTIME_MINUTES: &str = "runtime_minutes";
    pub const BUDGET: &str = "budget";
    pub const REVENUE: &str = "revenue";
    pub const POPULARITY: &str = "popularity";
    pub const VOTE_AVERAGE: &str = "vote_average";
    pub const VOTE_COUNT: &str = "vote_count";
    pub const GENRES: &str = "genres";
    pub const KEYWORDS: &str = "keywords";
    pub const PRODUCTION_COUNTRIES: &str = "production_countries";
    pub const PRODUCTION_COMPANIES: &str = "production_companies";
    pub const SPOKEN_LANGUAGES: &str = "spoken_languages";
    pub const OVERVIEW: &str = "overview";
    pub const TAGLINE: &str = "tagline";
    pub const HOMEPAGE: &str = "homepage";
    pub const STATUS: &str = "status";
    pub const ROLE: &str = "role";
    pub const PERSON_ID: &str = "person_id";
    pub const NAME: &str = "name";
    pub const CHARACTER: &str = "character";
    pub const JOB: &str = "job";
    pub const DEPARTMENT: &str = "department";
    pub const ORDER: &str = "credit_order";
    pub const IMDB_ID: &str = "imdb_id";
    pub const POSTER_PATH: &str = "poster_path";
}
use columns as c;

/// The 20 columns of tmdb_5000_movies.csv, in order.
pub const MOVIES_HEADER: &[&str] = &[
    "budget",
    "genres",
    "homepage",
    "id",
    "keywords",
    "original_language",
    "original_title",
    "overview",
    "popularity",
    "production_companies",
    "production_countries",
    "release_date",
    "revenue",
    "runtime",
    "spoken_languages",
    "status",
    "tagline",
    "title",
    "vote_average",
    "vote_count",
];
/// The columns of tmdb_5000_credits.csv.
pub const CREDITS_HEADER: &[&str] = &["movie_id", "title", "cast", "crew"];
/// The 24 columns of The Movies Dataset's movies_metadata.csv, in order.
pub const METADATA_HEADER: &[&str] = &[
    "adult",
    "belongs_to_collection",
    "budget",
    "genres",
    "homepage",
    "id",
    "imdb_id",
    "original_language",
    "original_title",
    "overview",
    "popularity",
    "poster_path",
    "production_companies",
    "production_countries",
    "release_date",
    "revenue",
    "runtime",
    "spoken_languages",
    "status",
    "tagline",
    "title",
    "video",
    "vote_average",
    "vote_count",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TmdbFile {
    Movies,
    Credits,
    /// The Movies Dataset's metadata, read for its posters only (its other columns repeat TMDB 5000's).
    Metadata,
}

impl TmdbFile {
    pub const ALL: [TmdbFile; 3] = [Self::Movies, Self::Credits, Self::Metadata];

    pub fn file_name(self) -> &'static str {
        match self {
            Self::Movies => "tmdb_5000_movies.csv",
            Self::Credits => "tmdb_5000_credits.csv",
            Self::Metadata => "movies_metadata.csv",
        }
    }

    pub fn parser_fn(self) -> fn() -> Box<dyn RowParser> {
        match self {
            Self::Movies => || Box::new(Movies::default()),
            Self::Credits => || Box::new(Credits::default()),
            Self::Metadata => || Box::new(Posters::default()),
        }
    }
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct Country {
    iso_3166_1: String,
}

#[derive(Deserialize)]
struct Language {
    iso_639_1: String,
}

fn json_list<T: for<'de> Deserialize<'de>>(field: &str, value: &str) -> Result<Vec<T>, Reject> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    serde_json::from_str(value).map_err(|_| Reject::invalid(field, value, "is not the expected JSON list"))
}

fn text(value: &str) -> Option<&str> {
    Some(value).filter(|v| !v.is_empty())
}

#[derive(Default)]
struct Movies {
    ids: IdSet,
}

impl RowParser for Movies {
    fn table(&self) -> &'static str {
        tables::TMDB_MOVIES
    }
    fn header(&self) -> &'static [&'static str] {
        MOVIES_HEADER
    }
    fn columns(&self) -> Columns {
        &[
            (c::TMDB_ID, Kind::I32),
            (c::TITLE, Kind::Str),
            (c::ORIGINAL_TITLE, Kind::Str),
            (c::ORIGINAL_LANGUAGE, Kind::Str),
            (c::RELEASE_DATE, Kind::Date),
            (c::YEAR, Kind::I32),
            (c::RUNTIME_MINUTES, Kind::I32),
            (c::BUDGET, Kind::I64),
            (c::REVENUE, Kind::I64),
            (c::POPULARITY, Kind::F64),
            (c::VOTE_AVERAGE, Kind::F64),
            (c::VOTE_COUNT, Kind::I32),
            (c::GENRES, Kind::StrList),
            (c::KEYWORDS, Kind::StrList),
            (c::PRODUCTION_COUNTRIES, Kind::StrList),
            (c::PRODUCTION_COMPANIES, Kind::StrList),
            (c::SPOKEN_LANGUAGES, Kind::StrList),
            (c::OVERVIEW, Kind::Str),
            (c::TAGLINE, Kind::Str),
            (c::HOMEPAGE, Kind::Str),
            (c::STATUS, Kind::Str),
        ]
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        // TMDB writes 0 for an unknown budget, revenue or runtime.
        let money = |field, v: &str| -> Result<Option<i64>, Reject> {
            if v.is_empty() { Ok(None) } else { int_in(field, v, 0..=i64::MAX).map(|n| Some(n).filter(|n| *n > 0)) }
        };
        let budget = money("budget", f[0])?;
        let genres: Vec<Named> = json_list("genres", f[1])?;
        let id = int_in("id", f[3], 1..=i32::MAX as i64)? as u32;
        let keywords: Vec<Named> = json_list("keywords", f[4])?;
        let popularity = if f[8].is_empty() { None } else { Some(float_in("popularity", f[8], 0.0..=f64::MAX)?) };
        let companies: Vec<Named> = json_list("production_companies", f[9])?;
        let countries: Vec<Country> = json_list("production_countries", f[10])?;
        let release = match f[11] {
            "" => None,
            d => Some(
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| Reject::invalid("release_date", d, "is not a YYYY-MM-DD date"))?,
            ),
        };
        if let Some(year) = release.map(|d| chrono::Datelike::year(&d) as i64) {
            int_in("release_date", &year.to_string(), super::imdb::YEARS)?;
        }
        let revenue = money("revenue", f[12])?;
        let runtime = match f[13] {
            "" | "0" | "0.0" => None,
            r => Some(int_in("runtime", r.trim_end_matches(".0"), super::imdb::RUNTIMES)? as i32),
        };
        let languages: Vec<Language> = json_list("spoken_languages", f[14])?;
        let title = required("title", text(f[17]))?;
        let vote_average = if f[18].is_empty() { None } else { Some(float_in("vote_average", f[18], 0.0..=10.0)?) };
        let vote_count =
            if f[19].is_empty() { None } else { Some(int_in("vote_count", f[19], 0..=i32::MAX as i64)? as i32) };
        if !self.ids.insert(id) {
            return Err(Reject::duplicate(format_args!("id {id}")));
        }
        out.i32(0, Some(id as i32));
        out.str(1, Some(title));
        out.str(2, text(f[6]));
        out.str(3, text(f[5]));
        out.i64(4, release.map(|d| d.signed_duration_since(chrono::NaiveDate::default()).num_days()));
        out.i32(5, release.map(|d| chrono::Datelike::year(&d)));
        out.i32(6, runtime);
        out.i64(7, budget);
        out.i64(8, revenue);
        out.f64(9, popularity);
        out.f64(10, vote_average);
        out.i32(11, vote_count);
        out.list(12, Some(genres.iter().map(|g| g.name.as_str())));
        out.list(13, Some(keywords.iter().map(|k| k.name.as_str())));
        out.list(14, Some(countries.iter().map(|c| c.iso_3166_1.as_str())));
        out.list(15, Some(companies.iter().map(|c| c.name.as_str())));
        out.list(16, Some(languages.iter().map(|l| l.iso_639_1.as_str())));
        out.str(17, text(f[7]));
        out.str(18, text(f[16]));
        out.str(19, text(f[2]));
        out.str(20, text(f[15]));
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: Some((KeySpace::TmdbMovie, self.ids)), references: Vec::new() }
    }
}

#[derive(Deserialize)]
struct CastMember {
    id: i64,
    name: String,
    #[serde(default)]
    character: Option<String>,
    #[serde(default)]
    order: Option<i64>,
}

#[derive(Deserialize)]
struct CrewMember {
    id: i64,
    name: String,
    #[serde(default)]
    job: Option<String>,
    #[serde(default)]
    department: Option<String>,
}

/// tmdb_5000_credits.csv → `tmdb_credits`, one row per cast or crew member (role `cast` or `crew`).
struct Credits {
    ids: IdSet,
    movies: Reference,
}

impl Default for Credits {
    fn default() -> Self {
        Self { ids: IdSet::default(), movies: Reference::new("movie_id", KeySpace::TmdbMovie) }
    }
}

impl RowParser for Credits {
    fn table(&self) -> &'static str {
        tables::TMDB_CREDITS
    }
    fn header(&self) -> &'static [&'static str] {
        CREDITS_HEADER
    }
    fn columns(&self) -> Columns {
        &[
            (c::TMDB_ID, Kind::I32),
            (c::ROLE, Kind::Str),
            (c::PERSON_ID, Kind::I64),
            (c::NAME, Kind::Str),
            (c::CHARACTER, Kind::Str),
            (c::JOB, Kind::Str),
            (c::DEPARTMENT, Kind::Str),
            (c::ORDER, Kind::I32),
        ]
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let id = int_in("movie_id", f[0], 1..=i32::MAX as i64)? as u32;
        let cast: Vec<CastMember> = json_list("cast", f[2])?;
        let crew: Vec<CrewMember> = json_list("crew", f[3])?;
        if !self.ids.insert(id) {
            return Err(Reject::duplicate(format_args!("movie_id {id}")));
        }
        self.movies.ids.insert(id);
        for m in &cast {
            out.i32(0, Some(id as i32));
            out.str(1, Some("cast"));
            out.i64(2, Some(m.id));
            out.str(3, Some(&m.name));
            out.str(4, m.character.as_deref());
            out.str(5, None);
            out.str(6, None);
            out.i32(7, m.order.and_then(|o| i32::try_from(o).ok()));
            out.end_row();
        }
        for m in &crew {
            out.i32(0, Some(id as i32));
            out.str(1, Some("crew"));
            out.i64(2, Some(m.id));
            out.str(3, Some(&m.name));
            out.str(4, None);
            out.str(5, m.job.as_deref());
            out.str(6, m.department.as_deref());
            out.i32(7, None);
            out.end_row();
        }
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: None, references: vec![self.movies] }
    }
}

/// movies_metadata.csv → `tmdb_posters`: each film's IMDb id, TMDB id and poster path (`/abc.jpg`, to be put
/// after `https://image.tmdb.org/t/p/<size>`). A row without an IMDb id cannot reach a film of the catalogue: it is
/// quarantined with that reason, like the export's few malformed rows (fields shifted by stray line breaks).
#[derive(Default)]
struct Posters {
    ids: IdSet,
}

impl RowParser for Posters {
    fn table(&self) -> &'static str {
        tables::TMDB_POSTERS
    }
    fn header(&self) -> &'static [&'static str] {
        METADATA_HEADER
    }
    fn columns(&self) -> Columns {
        &[(c::IMDB_ID, Kind::Str), (c::TMDB_ID, Kind::I32), (c::POSTER_PATH, Kind::Str)]
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let id = int_in("id", f[5], 1..=i32::MAX as i64)? as u32;
        let imdb = title_id("imdb_id", required("imdb_id", text(f[6]))?)?;
        let poster = match f[11] {
            "" => None,
            path if path.starts_with('/')
                && path.len() > 1
                && path[1..].chars().all(|ch| ch.is_ascii_alphanumeric() || "._-".contains(ch)) =>
            {
                Some(path)
            }
            path => return Err(Reject::invalid("poster_path", path, "is not a TMDB image path (/name.jpg)")),
        };
        if !self.ids.insert(id) {
            return Err(Reject::duplicate(format_args!("id {id}")));
        }
        out.str(0, Some(&imdb.to_string()));
        out.i32(1, Some(id as i32));
        out.str(2, poster);
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::batch::read;
    use crate::sources::fields::RejectKind;

    fn avatar() -> Vec<&'static str> {
        vec![
            "237000000",
            r#"[{"id": 28, "name": "Action"}, {"id": 12, "name": "Adventure"}]"#,
            "http://www.avatarmovie.com/",
            "19995",
            r#"[{"id": 1463, "name": "culture clash"}]"#,
            "en",
            "Avatar",
            "In the 22nd century...",
            "150.437577",
            r#"[{"name": "Ingenious Film Partners", "id": 289}]"#,
            r#"[{"iso_3166_1": "US", "name": "United States of America"}]"#,
            "2009-12-10",
            "2787965087",
            "162",
            r#"[{"iso_639_1": "en", "name": "English"}]"#,
            "Released",
            "Enter the World of Pandora.",
            "Avatar",
            "7.2",
            "11800",
        ]
    }

    #[test]
    fn a_tmdb_row_becomes_typed_columns_with_lists() {
        let mut p = Movies::default();
        let mut out = BatchBuilder::new(p.columns(), 4);
        p.push(&avatar(), &mut out).unwrap();
        let batch = out.take().unwrap();
        assert_eq!(read::list_at(&batch, c::GENRES, 0), ["Action", "Adventure"]);
        assert_eq!(read::i32_at(&batch, c::YEAR, 0), Some(2009));
        assert_eq!(read::i64_at(&batch, c::BUDGET, 0), Some(237_000_000));
    }

    #[test]
    fn a_zero_budget_means_unknown() {
        let mut p = Movies::default();
        let mut row = avatar();
        row[0] = "0";
        let mut out = BatchBuilder::new(p.columns(), 4);
        p.push(&row, &mut out).unwrap();
        assert_eq!(read::null_count(&out.take().unwrap(), c::BUDGET), 1);
    }

    #[test]
    fn broken_json_lists_are_rejected_with_their_field() {
        let mut p = Movies::default();
        let mut row = avatar();
        row[1] = "[{\"id\": 28, \"name\": ";
        let mut out = BatchBuilder::new(p.columns(), 4);
        let err = p.push(&row, &mut out).unwrap_err();
        assert_eq!(err.kind, RejectKind::InvalidValue);
        assert!(err.message.contains("genres"));
        assert_eq!(out.rows(), 0);
    }

    /// A row of The Movies Dataset's movies_metadata.csv (Toy Story), with its 24 fields.
    fn toy_story() -> Vec<&'static str> {
        vec![
            "False",
            "{'id': 10194, 'name': 'Toy Story Collection'}",
            "30000000",
            "[{'id': 16, 'name': 'Animation'}]",
            "http://toystory.disney.com/toy-story",
            "862",
            "tt0114709",
            "en",
            "Toy Story",
            "Led by Woody, Andy's toys live happily in his room...",
            "21.946943",
            "/rhIRbceoE9lR4veEXuwCC2wARtG.jpg",
            "[{'name': 'Pixar Animation Studios', 'id': 3}]",
            "[{'iso_3166_1': 'US', 'name': 'United States of America'}]",
            "1995-10-30",
            "373554033",
            "81.0",
            "[{'iso_639_1': 'en', 'name': 'English'}]",
            "Released",
            "",
            "Toy Story",
            "False",
            "7.7",
            "5415",
        ]
    }

    #[test]
    fn a_metadata_row_gives_the_poster_of_its_imdb_title() {
        let mut p = Posters::default();
        let mut out = BatchBuilder::new(p.columns(), 4);
        p.push(&toy_story(), &mut out).unwrap();
        let mut without = toy_story();
        (without[5], without[11]) = ("863", "");
        p.push(&without, &mut out).unwrap();
        let batch = out.take().unwrap();
        assert_eq!(read::str_at(&batch, c::IMDB_ID, 0).as_deref(), Some("tt0114709"));
        assert_eq!(read::str_at(&batch, c::POSTER_PATH, 0).as_deref(), Some("/rhIRbceoE9lR4veEXuwCC2wARtG.jpg"));
        assert_eq!(read::null_count(&batch, c::POSTER_PATH), 1, "a film without a poster keeps its row");
    }

    #[test]
    fn metadata_rows_that_cannot_give_a_poster_are_rejected_with_their_field() {
        let cases: [(usize, &str, &str); 4] = [
            (6, "", "imdb_id"),
            (6, "0114709", "imdb_id"),
            (11, "rhIRbceoE9lR4veEXuwCC2wARtG.jpg\"><script>", "poster_path"),
            // The export's shifted rows: a date where the id should be.
            (5, "1997-08-20", "id"),
        ];
        for (field, value, named) in cases {
            let mut p = Posters::default();
            let mut row = toy_story();
            row[field] = value;
            let mut out = BatchBuilder::new(p.columns(), 4);
            let err = p.push(&row, &mut out).unwrap_err();
            assert!(err.message.contains(named), "{value}: {}", err.message);
            assert_eq!(out.rows(), 0);
        }
        let mut p = Posters::default();
        let mut out = BatchBuilder::new(p.columns(), 4);
        p.push(&toy_story(), &mut out).unwrap();
        assert_eq!(p.push(&toy_story(), &mut out).unwrap_err().kind, RejectKind::DuplicateKey);
    }
}
