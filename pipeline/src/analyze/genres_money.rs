//! Question 7: genre popularity over time, and TMDB budget, revenue and return on investment per genre
//! and decade.
//!
//! Popularity (IMDb films, `FILM_TYPES`): per decade and genre, the films of the genre, their share of
//! the decade's films with a genre, their IMDb votes and mean rating (films without ratings count in
//! `films` only). Money (TMDB): films with both a budget and a revenue (the ingest turned TMDB's 0 into
//! unknown); ROI = (revenue − budget) / budget per film; `roi_median` is the median of films' ROI and
//! `roi_pooled` = Σ revenue / Σ budget − 1. A film counts in each of its genres.

use polars::prelude::*;

use super::{MartSchema, MartType, decade, explode_list, films, stack};
use crate::sources::imdb::columns as imdb;
use crate::sources::tmdb::columns as tmdb;

/// Mart columns.
pub mod columns {
    /// `popularity` (IMDb) or `money` (TMDB).
    pub const SECTION: &str = "section";
    pub const GENRE: &str = "genre";
    /// The decade; null on `money` rows over all years.
    pub const DECADE: &str = "decade";
    /// Films of the genre (popularity: all; money: those with budget and revenue).
    pub const FILMS: &str = "films";
    /// Popularity: films / films of the decade with a genre.
    pub const SHARE: &str = "share";
    /// Popularity: sum of IMDb votes, mean IMDb rating.
    pub const VOTES: &str = "votes";
    pub const MEAN_RATING: &str = "mean_rating";
    /// Money, in US dollars as TMDB gives them (not inflation-adjusted).
    pub const BUDGET_TOTAL: &str = "budget_total";
    pub const REVENUE_TOTAL: &str = "revenue_total";
    pub const BUDGET_MEDIAN: &str = "budget_median";
    pub const REVENUE_MEDIAN: &str = "revenue_median";
    pub const ROI_MEDIAN: &str = "roi_median";
    pub const ROI_POOLED: &str = "roi_pooled";
}
use columns as c;

pub const SCHEMA: MartSchema = &[
    (c::SECTION, MartType::Str),
    (c::GENRE, MartType::Str),
    (c::DECADE, MartType::I32),
    (c::FILMS, MartType::I64),
    (c::SHARE, MartType::F64),
    (c::VOTES, MartType::I64),
    (c::MEAN_RATING, MartType::F64),
    (c::BUDGET_TOTAL, MartType::F64),
    (c::REVENUE_TOTAL, MartType::F64),
    (c::BUDGET_MEDIAN, MartType::F64),
    (c::REVENUE_MEDIAN, MartType::F64),
    (c::ROI_MEDIAN, MartType::F64),
    (c::ROI_POOLED, MartType::F64),
];

pub const SECTION_POPULARITY: &str = "popularity";
pub const SECTION_MONEY: &str = "money";

fn popularity(titles: LazyFrame, ratings: Option<LazyFrame>) -> LazyFrame {
    let base = films(titles).filter(col(imdb::START_YEAR).is_not_null()).select([
        col(imdb::TITLE_ID),
        decade(col(imdb::START_YEAR)).alias(c::DECADE),
        col(imdb::GENRES).alias(c::GENRE),
    ]);
    let base = match ratings {
        Some(r) => base.join(
            r.select([col(imdb::TITLE_ID), col(imdb::AVERAGE_RATING), col(imdb::NUM_VOTES)]),
            [col(imdb::TITLE_ID)],
            [col(imdb::TITLE_ID)],
            JoinArgs::new(JoinType::Left),
        ),
        None => base.with_columns([
            lit(NULL).cast(DataType::Float64).alias(imdb::AVERAGE_RATING),
            lit(NULL).cast(DataType::Int32).alias(imdb::NUM_VOTES),
        ]),
    };
    let rows = explode_list(base, c::GENRE);
    let totals = rows
        .clone()
        .group_by([col(c::DECADE)])
        .agg([col(imdb::TITLE_ID).n_unique().cast(DataType::Int64).alias("decade_films")]);
    rows.group_by([col(c::DECADE), col(c::GENRE)])
        .agg([
            col(imdb::TITLE_ID).n_unique().cast(DataType::Int64).alias(c::FILMS),
            col(imdb::NUM_VOTES).cast(DataType::Int64).sum().alias(c::VOTES),
            col(imdb::AVERAGE_RATING).mean().alias(c::MEAN_RATING),
        ])
        .join(totals, [col(c::DECADE)], [col(c::DECADE)], JoinArgs::new(JoinType::Inner))
        .with_columns([
            (col(c::FILMS).cast(DataType::Float64) / col("decade_films").cast(DataType::Float64)).alias(c::SHARE),
            lit(SECTION_POPULARITY).alias(c::SECTION),
        ])
}

fn money(movies: LazyFrame) -> PolarsResult<LazyFrame> {
    let rows = explode_list(
        movies
            .filter(
                col(tmdb::BUDGET)
                    .gt(lit(0i64))
                    .and(col(tmdb::REVENUE).gt(lit(0i64)))
                    .and(col(tmdb::BUDGET).is_not_null())
                    .and(col(tmdb::REVENUE).is_not_null()),
            )
            .select([
                col(tmdb::TMDB_ID),
                decade(col(tmdb::YEAR)).alias(c::DECADE),
                col(tmdb::GENRES).alias(c::GENRE),
                col(tmdb::BUDGET).cast(DataType::Float64).alias("budget"),
                col(tmdb::REVENUE).cast(DataType::Float64).alias("revenue"),
            ])
            .with_column(((col("revenue") - col("budget")) / col("budget")).alias("roi")),
        c::GENRE,
    );
    let aggs = [
        col(tmdb::TMDB_ID).n_unique().cast(DataType::Int64).alias(c::FILMS),
        col("budget").sum().alias(c::BUDGET_TOTAL),
        col("revenue").sum().alias(c::REVENUE_TOTAL),
        col("budget").median().alias(c::BUDGET_MEDIAN),
        col("revenue").median().alias(c::REVENUE_MEDIAN),
        col("roi").median().alias(c::ROI_MEDIAN),
    ];
    let all_years = rows.clone().group_by([col(c::GENRE)]).agg(aggs.clone());
    let by_decade = rows.filter(col(c::DECADE).is_not_null()).group_by([col(c::GENRE), col(c::DECADE)]).agg(aggs);
    Ok(stack(vec![all_years, by_decade], SCHEMA)?.with_columns([
        (col(c::REVENUE_TOTAL) / col(c::BUDGET_TOTAL) - lit(1.0)).alias(c::ROI_POOLED),
        lit(SECTION_MONEY).alias(c::SECTION),
    ]))
}

pub fn mart(
    titles: Option<LazyFrame>,
    ratings: Option<LazyFrame>,
    tmdb_movies: Option<LazyFrame>,
) -> PolarsResult<LazyFrame> {
    let mut parts = Vec::new();
    if let Some(t) = titles {
        parts.push(popularity(t, ratings));
    }
    if let Some(m) = tmdb_movies {
        parts.push(money(m)?);
    }
    Ok(stack(parts, SCHEMA)?.sort_by_exprs(
        [col(c::SECTION), col(c::GENRE), col(c::DECADE)],
        SortMultipleOptions::default().with_order_descending_multi([true, false, false]).with_nulls_last(false),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_frames::*;
    use super::*;

    #[test]
    fn genre_shares_are_over_the_decades_films_and_ratings_are_optional() {
        let titles = df!(
            imdb::TITLE_ID => ["tt1", "tt2", "tt3", "tt4"],
            imdb::TITLE_TYPE => ["movie", "movie", "movie", "tvEpisode"],
            imdb::START_YEAR => [1991i32, 1995, 1999, 1995],
            imdb::GENRES => lists("", &[&["Drama", "Crime"], &["Drama"], &["Comedy"], &["Drama"]]),
        )
        .unwrap()
        .lazy();
        let ratings = df!(
            imdb::TITLE_ID => ["tt1", "tt2"],
            imdb::AVERAGE_RATING => [8.0, 6.0],
            imdb::NUM_VOTES => [100i32, 50],
        )
        .unwrap()
        .lazy();
        let out = mart(Some(titles), Some(ratings), None).unwrap().collect().unwrap();
        let drama = rows_where(&out, c::GENRE, "Drama");
        // 1990s: 3 films; Drama in 2 → share 2/3, votes 150, mean rating 7.
        assert_eq!(i64s(&drama, c::FILMS), [Some(2)]);
        assert!(approx(f64s(&drama, c::SHARE)[0].unwrap(), 2.0 / 3.0));
        assert_eq!(i64s(&drama, c::VOTES), [Some(150)]);
        assert_eq!(f64s(&drama, c::MEAN_RATING), [Some(7.0)]);
        let comedy = rows_where(&out, c::GENRE, "Comedy");
        assert_eq!(f64s(&comedy, c::MEAN_RATING), [None]);
    }

    #[test]
    fn roi_is_per_film_for_the_median_and_pooled_over_totals() {
        let movies = df!(
            tmdb::TMDB_ID => [1i32, 2, 3, 4],
            tmdb::YEAR => [1995i32, 1998, 2005, 2006],
            tmdb::GENRES => lists("", &[&["Action"], &["Action"], &["Action"], &["Action"]]),
            tmdb::BUDGET => [Some(10i64), Some(100), Some(50), None],
            tmdb::REVENUE => [Some(40i64), Some(100), Some(25), Some(999)],
        )
        .unwrap()
        .lazy();
        let out = mart(None, None, Some(movies)).unwrap().collect().unwrap();
        let all = out.clone().lazy().filter(col(c::DECADE).is_null()).collect().unwrap();
        // ROIs: 3.0, 0.0, -0.5 (film 4 has no budget) → median 0; pooled 165/160 − 1 = 0.03125.
        assert_eq!(i64s(&all, c::FILMS), [Some(3)]);
        assert_eq!(f64s(&all, c::ROI_MEDIAN), [Some(0.0)]);
        assert!(approx(f64s(&all, c::ROI_POOLED)[0].unwrap(), 0.03125));
        let nineties = out.lazy().filter(col(c::DECADE).eq(lit(1990))).collect().unwrap();
        assert_eq!(f64s(&nineties, c::ROI_MEDIAN), [Some(1.5)]);
        assert_eq!(strs(&nineties, c::SECTION), [Some(SECTION_MONEY.into())]);
    }
}
