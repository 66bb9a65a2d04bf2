//! The analyze stage: one mart per question of the cinema, each a pure `LazyFrame → LazyFrame` function.
//!
//! The lake tables come in as [`LakeFrames`] (any of them may be absent); [`mart::MARTS`] lists the nine
//! marts with their names, descriptions and functions, so the job, the report and the docs agree. Every
//! mart has a fixed schema ([`mart::Mart::schema`]): an absent input gives an empty mart with that
//! schema, never an error. Marts holding several kinds of rows have a `section` column; the columns
//! that do not apply to a section are null (see `analyze/README.md`).

pub mod actors;
pub mod ages;
pub mod audience;
pub mod best_rated;
pub mod countries;
pub mod genres_money;
pub mod mart;
pub mod niches;
pub mod runtime;
pub mod series_vs_films;

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::lake::{table_path, tables};
use crate::sources::imdb::columns as imdb;

pub use mart::{MARTS, Mart};

#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("cannot read lake table {table} ({path}): {source}")]
    Read { table: &'static str, path: PathBuf, source: PolarsError },
    #[error("cannot compute mart {mart}: {source}")]
    Mart { mart: &'static str, source: PolarsError },
}

/// The marts computed earlier, read back from `<marts>/<name>.parquet` in registry order (those missing are
/// skipped): what the owner's dashboard shows between two `analyze` runs.
pub fn read_marts(marts: &Path) -> Result<Vec<(&'static Mart, DataFrame)>, AnalyzeError> {
    let mut out = Vec::new();
    for mart in &MARTS {
        let path = marts.join(format!("{}.parquet", mart.name));
        if !path.is_file() {
            continue;
        }
        let frame =
            LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().as_ref()), ScanArgsParquet::default())
                .and_then(LazyFrame::collect)
                .map_err(|source| AnalyzeError::Read { table: mart.name, path, source })?;
        out.push((mart, frame));
    }
    Ok(out)
}

/// Title types counted as films in every mart (the catalogue's default types too).
pub const FILM_TYPES: [&str; 2] = ["movie", "tvMovie"];
/// Title types counted as series work: a series, a mini-series or one of their episodes.
pub const SERIES_TYPES: [&str; 3] = ["tvSeries", "tvMiniSeries", "tvEpisode"];
/// The episode title type (runtime of series episodes).
pub const EPISODE_TYPE: &str = "tvEpisode";
/// Credit categories of performers.
pub const ACTOR: &str = "actor";
pub const ACTRESS: &str = "actress";

/// Tunable parameters of the marts (config section `analyze`).
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzeParams {
    /// Length of the best-rated list.
    pub top_films: u32,
    /// The minimum-votes prior `m` of the weighted rating is this quantile of the catalogue's votes.
    pub prior_votes_quantile: f64,
    /// People kept per ranking (overall, per decade, per genre).
    pub top_people: u32,
    /// A director needs this many films in the best-rated list to get a lift row.
    pub min_director_top_films: u32,
}

impl Default for AnalyzeParams {
    fn default() -> Self {
        Self { top_films: 100, prior_votes_quantile: 0.9, top_people: 25, min_director_top_films: 2 }
    }
}

/// The lake tables the marts read; `None` when the table is not in the lake.
#[derive(Clone, Default)]
pub struct LakeFrames {
    pub titles: Option<LazyFrame>,
    pub imdb_ratings: Option<LazyFrame>,
    pub people: Option<LazyFrame>,
    pub credits: Option<LazyFrame>,
    pub crew: Option<LazyFrame>,
    pub episodes: Option<LazyFrame>,
    pub akas: Option<LazyFrame>,
    pub catalogue: Option<LazyFrame>,
    pub ml_ratings: Option<LazyFrame>,
    pub ml_movies: Option<LazyFrame>,
    pub ml_users: Option<LazyFrame>,
    pub links: Option<LazyFrame>,
    pub tmdb_movies: Option<LazyFrame>,
    /// `(title_id, country)` of IMDb titles, derived from the tables above by
    /// [`LakeFrames::with_title_countries`] so that the marts needing it share one computation.
    pub title_countries: Option<LazyFrame>,
}

impl LakeFrames {
    /// Computes the countries of IMDb titles once (TMDB through links, else akas regions); the
    /// best-rated and niche marts read it. Without it they derive it themselves.
    pub fn with_title_countries(mut self) -> Result<Self, AnalyzeError> {
        let derived = self.titles.clone().and_then(|t| {
            countries::title_countries(t, self.akas.clone(), self.links.clone(), self.tmdb_movies.clone())
        });
        if let Some(lf) = derived {
            let frame = lf.collect().map_err(|source| AnalyzeError::Mart { mart: "title countries", source })?;
            self.title_countries = Some(frame.lazy());
        }
        Ok(self)
    }

    /// The reader of the stage: scans every lake table present in `lake` (lazily: nothing is read yet).
    pub fn scan(lake: &Path) -> Result<Self, AnalyzeError> {
        let open = |table: &'static str| -> Result<Option<LazyFrame>, AnalyzeError> {
            let path = table_path(lake, table);
            if !path.is_file() {
                return Ok(None);
            }
            LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().as_ref()), ScanArgsParquet::default())
                .map(Some)
                .map_err(|source| AnalyzeError::Read { table, path, source })
        };
        Ok(Self {
            titles: open(tables::TITLES)?,
            imdb_ratings: open(tables::IMDB_RATINGS)?,
            people: open(tables::PEOPLE)?,
            credits: open(tables::CREDITS)?,
            crew: open(tables::CREW)?,
            episodes: open(tables::EPISODES)?,
            akas: open(tables::AKAS)?,
            catalogue: open(tables::CATALOGUE)?,
            ml_ratings: open(tables::ML_RATINGS)?,
            ml_movies: open(tables::ML_MOVIES)?,
            ml_users: open(tables::ML_USERS)?,
            links: open(tables::LINKS)?,
            tmdb_movies: open(tables::TMDB_MOVIES)?,
            title_countries: None,
        })
    }

    /// Names of the lake tables present, for the report's notes.
    pub fn present(&self) -> Vec<&'static str> {
        let all = [
            (tables::TITLES, &self.titles),
            (tables::IMDB_RATINGS, &self.imdb_ratings),
            (tables::PEOPLE, &self.people),
            (tables::CREDITS, &self.credits),
            (tables::CREW, &self.crew),
            (tables::EPISODES, &self.episodes),
            (tables::AKAS, &self.akas),
            (tables::CATALOGUE, &self.catalogue),
            (tables::ML_RATINGS, &self.ml_ratings),
            (tables::ML_MOVIES, &self.ml_movies),
            (tables::ML_USERS, &self.ml_users),
            (tables::LINKS, &self.links),
            (tables::TMDB_MOVIES, &self.tmdb_movies),
        ];
        all.into_iter().filter(|(_, f)| f.is_some()).map(|(n, _)| n).collect()
    }
}

/// A mart's schema as `(column, type)` pairs, in order.
pub type MartSchema = &'static [(&'static str, MartType)];

/// The column types marts use: portable ones (signed integers, no unsigned counts) so every engine reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MartType {
    Str,
    I32,
    I64,
    F64,
}

impl MartType {
    pub fn dtype(self) -> DataType {
        match self {
            Self::Str => DataType::String,
            Self::I32 => DataType::Int32,
            Self::I64 => DataType::Int64,
            Self::F64 => DataType::Float64,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Str => "string",
            Self::I32 => "int32",
            Self::I64 => "int64",
            Self::F64 => "float64",
        }
    }
}

/// The polars schema of a mart.
pub fn polars_schema(schema: &[(&str, MartType)]) -> Schema {
    schema.iter().map(|(name, t)| Field::new((*name).into(), t.dtype())).collect()
}

/// An empty frame with the mart's schema: what a mart gives when its inputs are absent.
pub fn empty(schema: MartSchema) -> LazyFrame {
    DataFrame::empty_with_schema(&polars_schema(schema)).lazy()
}

/// Selects exactly the mart's columns, in order and with their types; a column the frame lacks is null.
/// This is how sections with different columns are stacked into one mart.
pub fn conform(mut lf: LazyFrame, schema: &[(&str, MartType)]) -> PolarsResult<LazyFrame> {
    let have = lf.collect_schema()?;
    let exprs: Vec<Expr> = schema
        .iter()
        .map(
            |(name, t)| {
                if have.contains(name) { col(*name).cast(t.dtype()) } else { lit(NULL).cast(t.dtype()).alias(*name) }
            },
        )
        .collect();
    Ok(lf.select(exprs))
}

/// Stacks sections (each conformed to the schema) into one mart.
pub fn stack(parts: Vec<LazyFrame>, schema: &[(&str, MartType)]) -> PolarsResult<LazyFrame> {
    if parts.is_empty() {
        return Ok(DataFrame::empty_with_schema(&polars_schema(schema)).lazy());
    }
    let parts = parts.into_iter().map(|p| conform(p, schema)).collect::<PolarsResult<Vec<_>>>()?;
    concat(parts, UnionArgs { rechunk: true, ..Default::default() })
}

/// The decade of a year (1994 → 1990), as Int32.
pub fn decade(year: Expr) -> Expr {
    year.cast(DataType::Int32).floor_div(lit(10)) * lit(10)
}

/// Whether `column` is one of `values`.
pub fn is_one_of(column: &str, values: &[&str]) -> Expr {
    let values = Series::new("values".into(), values);
    col(column).is_in(lit(values).implode(false), false)
}

/// Films only (`FILM_TYPES`).
pub fn films(titles: LazyFrame) -> LazyFrame {
    titles.filter(is_one_of(imdb::TITLE_TYPE, &FILM_TYPES))
}

/// The number of an IMDb id (`nm0000206` → 206): grouping and joining on integers is several times
/// faster than on strings, and the lake guarantees the `tt`/`nm` + digits shape.
pub fn id_number(column: &str) -> Expr {
    col(column).str().slice(lit(2), lit(32u64)).cast(DataType::Int64)
}

/// `len()` as the portable Int64 count.
pub fn count() -> Expr {
    len().cast(DataType::Int64)
}

/// Explodes a list column into one row per element, dropping rows whose list was empty or null.
pub fn explode_list(lf: LazyFrame, column: &str) -> LazyFrame {
    lf.explode(cols([column]), ExplodeOptions { empty_as_null: true, keep_nulls: true })
        .filter(col(column).is_not_null())
}

/// Min-max scaling to [0, 1] over the whole frame; 0.5 when every value is equal, null stays null.
pub fn min_max(column: &str) -> Expr {
    let (min, max) = (col(column).min(), col(column).max());
    when(max.clone().gt(min.clone()))
        .then((col(column) - min.clone()) / (max - min))
        .otherwise(when(col(column).is_not_null()).then(lit(0.5)).otherwise(lit(NULL).cast(DataType::Float64)))
}

#[cfg(test)]
pub(crate) mod test_frames {
    //! Small builders for the marts' unit tests.
    use polars::prelude::*;

    /// A list-of-strings series from slices.
    pub fn lists(name: &str, rows: &[&[&str]]) -> Series {
        let items: Vec<Series> = rows.iter().map(|r| Series::new("".into(), *r)).collect();
        Series::new(name.into(), items)
    }

    pub fn strs(df: &DataFrame, column: &str) -> Vec<Option<String>> {
        df.column(column).unwrap().str().unwrap().iter().map(|s| s.map(str::to_owned)).collect()
    }

    pub fn i64s(df: &DataFrame, column: &str) -> Vec<Option<i64>> {
        df.column(column).unwrap().cast(&DataType::Int64).unwrap().i64().unwrap().iter().collect()
    }

    pub fn f64s(df: &DataFrame, column: &str) -> Vec<Option<f64>> {
        df.column(column).unwrap().cast(&DataType::Float64).unwrap().f64().unwrap().iter().collect()
    }

    pub fn approx(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * (1.0 + b.abs())
    }

    /// Rows where `column == value`.
    pub fn rows_where(df: &DataFrame, column: &str, value: &str) -> DataFrame {
        df.clone().lazy().filter(col(column).eq(lit(value))).collect().unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conform_adds_missing_columns_as_typed_nulls_in_schema_order() {
        const SCHEMA: MartSchema = &[("b", MartType::I64), ("a", MartType::Str), ("c", MartType::F64)];
        let lf = df!("a" => ["x"], "b" => [1i32]).unwrap().lazy();
        let out = conform(lf, SCHEMA).unwrap().collect().unwrap();
        assert_eq!(out.get_column_names(), ["b", "a", "c"]);
        assert_eq!(out.column("b").unwrap().dtype(), &DataType::Int64);
        assert_eq!(out.column("c").unwrap().null_count(), 1);
    }

    #[test]
    fn decades_floor_years_to_their_decade() {
        let out = df!("y" => [1994i32, 2000, 1899]).unwrap().lazy().select([decade(col("y"))]).collect().unwrap();
        assert_eq!(test_frames::i64s(&out, "y"), [Some(1990), Some(2000), Some(1890)]);
    }

    #[test]
    fn min_max_scales_to_unit_interval_and_gives_half_when_flat() {
        let out = df!("x" => [Some(2.0), Some(4.0), None]).unwrap().lazy().select([min_max("x")]).collect().unwrap();
        assert_eq!(test_frames::f64s(&out, "x"), [Some(0.0), Some(1.0), None]);
        let flat = df!("x" => [3.0, 3.0]).unwrap().lazy().select([min_max("x")]).collect().unwrap();
        assert_eq!(test_frames::f64s(&flat, "x"), [Some(0.5), Some(0.5)]);
    }
}
