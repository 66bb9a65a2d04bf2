//! Question 1: which countries produce the most films, overall and per decade.
//!
//! Two sources, one `source` column: TMDB production countries (every TMDB film, its release year), and
//! for the IMDb films the region of origin found in title.akas. The akas have no country field, so the
//! region of origin is the region of the first aka (lowest ordering) whose title is the original
//! title, pseudo-regions such as XWW (worldwide) excepted. A film with several production countries
//! counts once for each.

use polars::prelude::*;

use super::{MartSchema, MartType, decade, explode_list, films, stack};
use crate::sources::imdb::columns as imdb;
use crate::sources::movielens::columns as ml;
use crate::sources::tmdb::columns as tmdb;

/// Mart columns.
pub mod columns {
    /// `tmdb` (production countries) or `akas` (region of the original title).
    pub const SOURCE: &str = "source";
    /// Decade (1990 for the 1990s); null on the rows over all years.
    pub const DECADE: &str = "decade";
    /// ISO 3166-1 alpha-2 code (IMDb regions are the same codes).
    pub const COUNTRY: &str = "country";
    /// Distinct films with this country.
    pub const FILMS: &str = "films";
    /// films / distinct films with a known country in the same source and decade.
    pub const SHARE: &str = "share";
    /// 1 = the most films in its source and decade (ties share the rank).
    pub const RANK: &str = "rank";
}
use columns as c;

pub const SCHEMA: MartSchema = &[
    (c::SOURCE, MartType::Str),
    (c::DECADE, MartType::I32),
    (c::COUNTRY, MartType::Str),
    (c::FILMS, MartType::I64),
    (c::SHARE, MartType::F64),
    (c::RANK, MartType::I32),
];

pub const SOURCE_TMDB: &str = "tmdb";
pub const SOURCE_AKAS: &str = "akas";

/// IMDb regions that are not countries (worldwide, continents, festival circuits…).
pub const PSEUDO_REGIONS: [&str; 9] = ["XWW", "XEU", "XAS", "XSA", "XWG", "XNA", "XPI", "XAU", "XSI"];

/// `(title_id, country)`: the region of origin of each title that has one (see the module docs).
pub fn origin_regions(akas: LazyFrame, titles: LazyFrame) -> LazyFrame {
    let pseudo = Series::new("pseudo".into(), PSEUDO_REGIONS);
    akas.filter(col(imdb::REGION).is_not_null().and(col(imdb::REGION).is_in(lit(pseudo).implode(false), false).not()))
        .select([col(imdb::TITLE_ID), col(imdb::ORDERING), col(imdb::TITLE), col(imdb::REGION)])
        .join(
            titles.select([col(imdb::TITLE_ID), col(imdb::ORIGINAL_TITLE)]),
            [col(imdb::TITLE_ID)],
            [col(imdb::TITLE_ID)],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col(imdb::TITLE).eq(col(imdb::ORIGINAL_TITLE)))
        .sort_by_exprs([col(imdb::TITLE_ID), col(imdb::ORDERING)], SortMultipleOptions::default())
        .unique_stable(Some(cols([imdb::TITLE_ID])), UniqueKeepStrategy::First)
        .select([col(imdb::TITLE_ID), col(imdb::REGION).alias(c::COUNTRY)])
}

/// `(title_id, country)` for IMDb titles: TMDB production countries where the title is linked to TMDB
/// (through MovieLens links), else the akas region of origin. Used by the best-rated and niche marts.
pub fn title_countries(
    titles: LazyFrame,
    akas: Option<LazyFrame>,
    links: Option<LazyFrame>,
    tmdb_movies: Option<LazyFrame>,
) -> Option<LazyFrame> {
    let from_tmdb = match (links, tmdb_movies) {
        (Some(links), Some(movies)) => Some(explode_list(
            links
                .filter(col(ml::TMDB_ID).is_not_null())
                .select([col(ml::IMDB_ID).alias(imdb::TITLE_ID), col(ml::TMDB_ID)])
                .unique_stable(Some(cols([imdb::TITLE_ID])), UniqueKeepStrategy::First)
                .join(
                    movies.select([col(tmdb::TMDB_ID), col(tmdb::PRODUCTION_COUNTRIES).alias(c::COUNTRY)]),
                    [col(ml::TMDB_ID)],
                    [col(tmdb::TMDB_ID)],
                    JoinArgs::new(JoinType::Inner),
                )
                .select([col(imdb::TITLE_ID), col(c::COUNTRY)]),
            c::COUNTRY,
        )),
        _ => None,
    };
    let from_akas = akas.map(|a| origin_regions(a, titles));
    match (from_tmdb, from_akas) {
        (Some(t), Some(a)) => {
            // akas only for the titles TMDB does not cover.
            let uncovered = a.join(
                t.clone().select([col(imdb::TITLE_ID)]),
                [col(imdb::TITLE_ID)],
                [col(imdb::TITLE_ID)],
                JoinArgs::new(JoinType::Anti),
            );
            concat([t, uncovered], UnionArgs::default()).ok()
        }
        (t, a) => t.or(a),
    }
}

/// `(film, decade, country)` rows → counts and shares per country, over all years and per decade.
fn count_by_country(rows: LazyFrame, source: &str) -> PolarsResult<LazyFrame> {
    let rows = rows.unique_stable(None, UniqueKeepStrategy::First);
    let per = |lf: LazyFrame, by: Vec<Expr>| {
        let totals = lf.clone().group_by(by.clone()).agg([col("film").n_unique().cast(DataType::Int64).alias("total")]);
        let mut keys = by.clone();
        keys.push(col(c::COUNTRY));
        let counts = lf.group_by(keys).agg([col("film").n_unique().cast(DataType::Int64).alias(c::FILMS)]);
        if by.is_empty() {
            counts.cross_join(totals, None)
        } else {
            counts.join(totals, by.clone(), by, JoinArgs::new(JoinType::Inner))
        }
    };
    let overall = per(rows.clone(), vec![]).with_column(lit(NULL).cast(DataType::Int32).alias(c::DECADE));
    let by_decade = per(rows.filter(col(c::DECADE).is_not_null()), vec![col(c::DECADE)]);
    let ranked = stack(
        vec![overall, by_decade],
        &[(c::DECADE, MartType::I32), (c::COUNTRY, MartType::Str), (c::FILMS, MartType::I64), ("total", MartType::I64)],
    )?
    .with_columns([
        lit(source.to_owned()).alias(c::SOURCE),
        (col(c::FILMS).cast(DataType::Float64) / col("total").cast(DataType::Float64)).alias(c::SHARE),
        col(c::FILMS)
            .rank(RankOptions { method: RankMethod::Min, descending: true }, None)
            .over([col(c::DECADE)])?
            .cast(DataType::Int32)
            .alias(c::RANK),
    ]);
    Ok(ranked)
}

/// TMDB films: one row per (film, decade, production country).
fn tmdb_rows(movies: LazyFrame) -> LazyFrame {
    explode_list(
        movies.select([
            col(tmdb::TMDB_ID).cast(DataType::String).alias("film"),
            decade(col(tmdb::YEAR)).alias(c::DECADE),
            col(tmdb::PRODUCTION_COUNTRIES).alias(c::COUNTRY),
        ]),
        c::COUNTRY,
    )
}

/// IMDb films: one row per (film, decade, region of origin).
fn akas_rows(titles: LazyFrame, akas: LazyFrame) -> LazyFrame {
    let films = films(titles);
    films
        .clone()
        .select([col(imdb::TITLE_ID), decade(col(imdb::START_YEAR)).alias(c::DECADE)])
        .join(origin_regions(akas, films), [col(imdb::TITLE_ID)], [col(imdb::TITLE_ID)], JoinArgs::new(JoinType::Inner))
        .select([col(imdb::TITLE_ID).alias("film"), col(c::DECADE), col(c::COUNTRY)])
}

/// The mart: TMDB rows when TMDB is in the lake, akas rows when titles and akas are.
pub fn mart(
    tmdb_movies: Option<LazyFrame>,
    titles: Option<LazyFrame>,
    akas: Option<LazyFrame>,
) -> PolarsResult<LazyFrame> {
    let mut parts = Vec::new();
    if let Some(m) = tmdb_movies {
        parts.push(count_by_country(tmdb_rows(m), SOURCE_TMDB)?);
    }
    if let (Some(t), Some(a)) = (titles, akas) {
        parts.push(count_by_country(akas_rows(t, a), SOURCE_AKAS)?);
    }
    Ok(stack(parts, SCHEMA)?.sort_by_exprs(
        [col(c::SOURCE), col(c::DECADE), col(c::RANK), col(c::COUNTRY)],
        SortMultipleOptions::default().with_nulls_last(false),
    ))
}

/// The source the report shows: TMDB when present (production countries are the better measure).
pub fn preferred_source(mart: &DataFrame) -> Option<&'static str> {
    let sources = mart.column(c::SOURCE).ok()?.str().ok()?;
    [SOURCE_TMDB, SOURCE_AKAS].into_iter().find(|s| sources.iter().any(|v| v == Some(*s)))
}

#[cfg(test)]
mod tests {
    use super::super::test_frames::*;
    use super::*;

    fn tmdb() -> LazyFrame {
        df!(
            tmdb::TMDB_ID => [1i32, 2, 3, 4],
            tmdb::YEAR => [Some(1995i32), Some(1998), Some(2003), None],
            tmdb::PRODUCTION_COUNTRIES => lists("", &[&["US", "FR"], &["FR"], &["US"], &["DE"]]),
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn tmdb_counts_each_production_country_of_a_film_with_shares_over_films() {
        let out = mart(Some(tmdb()), None, None).unwrap().collect().unwrap();
        let overall = out.clone().lazy().filter(col(c::DECADE).is_null()).collect().unwrap();
        // 4 films; US in 2, FR in 2, DE in 1 (a film with no year still counts overall).
        assert_eq!(strs(&overall, c::COUNTRY), [Some("FR".into()), Some("US".into()), Some("DE".into())]);
        assert_eq!(i64s(&overall, c::FILMS), [Some(2), Some(2), Some(1)]);
        assert_eq!(f64s(&overall, c::SHARE), [Some(0.5), Some(0.5), Some(0.25)]);
        assert_eq!(i64s(&overall, c::RANK), [Some(1), Some(1), Some(3)]);
        let nineties = out.lazy().filter(col(c::DECADE).eq(lit(1990))).collect().unwrap();
        // 1990s: films 1 (US, FR) and 2 (FR): FR 2/2, US 1/2.
        assert_eq!(strs(&nineties, c::COUNTRY), [Some("FR".into()), Some("US".into())]);
        assert_eq!(f64s(&nineties, c::SHARE), [Some(1.0), Some(0.5)]);
    }

    #[test]
    fn without_tmdb_the_region_of_the_original_title_is_used() {
        let titles = df!(
            imdb::TITLE_ID => ["tt1", "tt2", "tt3"],
            imdb::TITLE_TYPE => ["movie", "movie", "tvEpisode"],
            imdb::ORIGINAL_TITLE => ["Les Amants", "Heat", "Pilot"],
            imdb::START_YEAR => [1958i32, 1995, 2001],
        )
        .unwrap()
        .lazy();
        let akas = df!(
            imdb::TITLE_ID => ["tt1", "tt1", "tt1", "tt2", "tt2", "tt3"],
            imdb::ORDERING => [1i32, 2, 3, 1, 2, 1],
            imdb::TITLE => ["Les Amants", "The Lovers", "Les Amants", "Heat", "Heat", "Pilot"],
            imdb::REGION => [Some("XWW"), Some("US"), Some("FR"), None, Some("US"), Some("GB")],
        )
        .unwrap()
        .lazy();
        let out = mart(None, Some(titles), Some(akas)).unwrap().collect().unwrap();
        let overall = out.lazy().filter(col(c::DECADE).is_null()).collect().unwrap();
        // tt1: XWW is not a country, US is a translated title → FR. tt3 is not a film.
        assert_eq!(strs(&overall, c::COUNTRY), [Some("FR".into()), Some("US".into())]);
        assert_eq!(strs(&overall, c::SOURCE), [Some("akas".into()), Some("akas".into())]);
    }

    #[test]
    fn no_inputs_give_an_empty_mart_with_its_schema() {
        let out = mart(None, None, None).unwrap().collect().unwrap();
        assert_eq!(out.height(), 0);
        assert_eq!(out.width(), SCHEMA.len());
    }
}
