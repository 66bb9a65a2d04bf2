//! Question 2: the most present actors and actresses, overall, per decade and per genre, with their
//! active period.
//!
//! Presence is the number of distinct films (`FILM_TYPES`) in which the person is credited as actor or
//! actress in title.principals. The active period is the first and last start year of those films,
//! over the whole career (the same on every row of a person). Ties are broken by person id (its number).

use polars::prelude::*;

use super::{ACTOR, ACTRESS, AnalyzeParams, MartSchema, MartType, decade, explode_list, films, id_number, stack};
use crate::sources::imdb::columns as imdb;

/// Mart columns.
pub mod columns {
    /// `overall`, `decade` or `genre`: which of `decade` / `genre` is set.
    pub const SCOPE: &str = "scope";
    pub const DECADE: &str = "decade";
    pub const GENRE: &str = "genre";
    /// `actor` or `actress` (the IMDb credit category).
    pub const CATEGORY: &str = "category";
    /// 1 = the most films in its scope, decade or genre, and category.
    pub const RANK: &str = "rank";
    pub const PERSON_ID: &str = "person_id";
    /// Name from name.basics; null when the person is not in it.
    pub const NAME: &str = "name";
    /// Distinct films in the scope.
    pub const FILMS: &str = "films";
    /// First and last start year of all the person's films.
    pub const FIRST_YEAR: &str = "first_year";
    pub const LAST_YEAR: &str = "last_year";
}
use columns as c;

pub const SCHEMA: MartSchema = &[
    (c::SCOPE, MartType::Str),
    (c::DECADE, MartType::I32),
    (c::GENRE, MartType::Str),
    (c::CATEGORY, MartType::Str),
    (c::RANK, MartType::I32),
    (c::PERSON_ID, MartType::Str),
    (c::NAME, MartType::Str),
    (c::FILMS, MartType::I64),
    (c::FIRST_YEAR, MartType::I32),
    (c::LAST_YEAR, MartType::I32),
];

pub const SCOPE_OVERALL: &str = "overall";
pub const SCOPE_DECADE: &str = "decade";
pub const SCOPE_GENRE: &str = "genre";

/// Actor and actress credits on films: `(title_id, person_id, category, start_year, genres)`, one row
/// per person, film and category.
pub fn performer_film_credits(credits: LazyFrame, titles: LazyFrame) -> LazyFrame {
    // Join the films first (most credits are on episodes), then drop repeated credits.
    credits
        .filter(super::is_one_of(imdb::CATEGORY, &[ACTOR, ACTRESS]))
        .select([col(imdb::TITLE_ID), col(imdb::PERSON_ID), col(imdb::CATEGORY)])
        .join(
            films(titles).select([col(imdb::TITLE_ID), col(imdb::START_YEAR), col(imdb::GENRES)]),
            [col(imdb::TITLE_ID)],
            [col(imdb::TITLE_ID)],
            JoinArgs::new(JoinType::Inner),
        )
        .with_columns([id_number(imdb::TITLE_ID).alias(TID), id_number(imdb::PERSON_ID).alias(PID)])
        .unique(Some(cols([TID, PID, imdb::CATEGORY])), UniqueKeepStrategy::Any)
}

/// Title and person ids as numbers, the grouping keys (see [`super::id_number`]).
const TID: &str = "tid";
const PID: &str = "pid";

/// Counts films per `keys` + person and keeps the `top` first of each `keys` + category (ties: smaller id
/// first). Ranked with a window rank rather than a sort: the counts have a row per person and key.
fn ranking(rows: LazyFrame, keys: &[&str], top: u32) -> PolarsResult<LazyFrame> {
    let mut group: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    group.push(col(imdb::CATEGORY));
    group.push(col(PID));
    let mut partition: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    partition.push(col(imdb::CATEGORY));
    // One distinct key per person: more films first, then the smaller id (ids stay below 2^34).
    let order = col(c::FILMS) * lit(1i64 << 34) - col(PID);
    Ok(rows
        .group_by(group)
        .agg([len().cast(DataType::Int64).alias(c::FILMS), col(imdb::PERSON_ID).first()])
        .with_column(
            order
                .rank(RankOptions { method: RankMethod::Ordinal, descending: true }, None)
                .over(partition)?
                .cast(DataType::Int32)
                .alias(c::RANK),
        )
        .filter(col(c::RANK).lt_eq(lit(top as i32))))
}

pub fn mart(
    credits: Option<LazyFrame>,
    titles: Option<LazyFrame>,
    people: Option<LazyFrame>,
    params: &AnalyzeParams,
) -> PolarsResult<LazyFrame> {
    let (Some(credits), Some(titles)) = (credits, titles) else { return Ok(super::empty(SCHEMA)) };
    // Read by four aggregations: computed once.
    let base = performer_film_credits(credits, titles).cache();
    let period = base
        .clone()
        .group_by([col(imdb::PERSON_ID)])
        .agg([col(imdb::START_YEAR).min().alias(c::FIRST_YEAR), col(imdb::START_YEAR).max().alias(c::LAST_YEAR)]);
    let top = params.top_people;
    let overall = ranking(base.clone(), &[], top)?.with_column(lit(SCOPE_OVERALL).alias(c::SCOPE));
    let by_decade = ranking(
        base.clone().with_column(decade(col(imdb::START_YEAR)).alias(c::DECADE)).filter(col(c::DECADE).is_not_null()),
        &[c::DECADE],
        top,
    )?
    .with_column(lit(SCOPE_DECADE).alias(c::SCOPE));
    let by_genre = ranking(explode_list(base.rename([imdb::GENRES], [c::GENRE], true), c::GENRE), &[c::GENRE], top)?
        .with_column(lit(SCOPE_GENRE).alias(c::SCOPE));
    let mut lf = stack(vec![overall, by_decade, by_genre], &with_keys())?.join(
        period,
        [col(imdb::PERSON_ID)],
        [col(imdb::PERSON_ID)],
        JoinArgs::new(JoinType::Left),
    );
    lf = match people {
        Some(p) => lf.join(
            p.select([col(imdb::PERSON_ID), col(imdb::PRIMARY_NAME).alias(c::NAME)]),
            [col(imdb::PERSON_ID)],
            [col(imdb::PERSON_ID)],
            JoinArgs::new(JoinType::Left),
        ),
        None => lf,
    };
    Ok(super::conform(lf, SCHEMA)?.sort_by_exprs(
        [col(c::SCOPE), col(c::DECADE), col(c::GENRE), col(c::CATEGORY), col(c::RANK)],
        SortMultipleOptions::default().with_order_descending_multi([true, false, false, false, false]),
    ))
}

/// The columns of the rankings before names and periods are joined.
fn with_keys() -> Vec<(&'static str, MartType)> {
    vec![
        (c::SCOPE, MartType::Str),
        (c::DECADE, MartType::I32),
        (c::GENRE, MartType::Str),
        (c::CATEGORY, MartType::Str),
        (c::RANK, MartType::I32),
        (c::PERSON_ID, MartType::Str),
        (c::FILMS, MartType::I64),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::test_frames::*;
    use super::*;

    fn titles() -> LazyFrame {
        df!(
            imdb::TITLE_ID => ["tt1", "tt2", "tt3", "tt4"],
            imdb::TITLE_TYPE => ["movie", "movie", "movie", "tvEpisode"],
            imdb::START_YEAR => [1995i32, 2003, 2005, 2006],
            imdb::GENRES => lists("", &[&["Drama"], &["Drama", "Comedy"], &["Comedy"], &["Drama"]]),
        )
        .unwrap()
        .lazy()
    }

    fn credits() -> LazyFrame {
        df!(
            imdb::TITLE_ID => ["tt1", "tt2", "tt3", "tt1", "tt2", "tt4", "tt4", "tt1", "tt1"],
            imdb::PERSON_ID => ["nm1", "nm1", "nm1", "nm2", "nm2", "nm2", "nm3", "nm4", "nm1"],
            imdb::CATEGORY => ["actor", "actor", "actor", "actress", "actress", "actress", "actor", "director", "actor"],
        )
        .unwrap()
        .lazy()
    }

    fn people() -> LazyFrame {
        df!(imdb::PERSON_ID => ["nm1", "nm2"], imdb::PRIMARY_NAME => ["Jean Gabin", "Simone Signoret"]).unwrap().lazy()
    }

    #[test]
    fn overall_ranking_counts_distinct_films_per_category_with_the_active_period() {
        let out = mart(Some(credits()), Some(titles()), Some(people()), &AnalyzeParams::default())
            .unwrap()
            .collect()
            .unwrap();
        let overall = rows_where(&out, c::SCOPE, SCOPE_OVERALL);
        // nm1: 3 films (tt1 credited twice counts once); nm2: 2 films (tt4 is an episode); nm3: none.
        assert_eq!(strs(&overall, c::PERSON_ID), [Some("nm1".into()), Some("nm2".into())]);
        assert_eq!(strs(&overall, c::CATEGORY), [Some("actor".into()), Some("actress".into())]);
        assert_eq!(i64s(&overall, c::FILMS), [Some(3), Some(2)]);
        assert_eq!(i64s(&overall, c::FIRST_YEAR), [Some(1995), Some(1995)]);
        assert_eq!(i64s(&overall, c::LAST_YEAR), [Some(2005), Some(2003)]);
        assert_eq!(strs(&overall, c::NAME)[0].as_deref(), Some("Jean Gabin"));
    }

    #[test]
    fn decade_and_genre_rankings_count_films_within_them() {
        let out = mart(Some(credits()), Some(titles()), None, &AnalyzeParams::default()).unwrap().collect().unwrap();
        let noughties = out
            .clone()
            .lazy()
            .filter(col(c::SCOPE).eq(lit(SCOPE_DECADE)).and(col(c::DECADE).eq(lit(2000))))
            .collect()
            .unwrap();
        assert_eq!(i64s(&noughties, c::FILMS), [Some(2), Some(1)]);
        let comedy = out
            .lazy()
            .filter(col(c::SCOPE).eq(lit(SCOPE_GENRE)).and(col(c::GENRE).eq(lit("Comedy"))))
            .collect()
            .unwrap();
        assert_eq!(strs(&comedy, c::PERSON_ID), [Some("nm1".into()), Some("nm2".into())]);
        assert_eq!(i64s(&comedy, c::FILMS), [Some(2), Some(1)]);
    }

    #[test]
    fn rankings_keep_the_top_people_and_break_ties_by_id() {
        let params = AnalyzeParams { top_people: 1, ..Default::default() };
        let credits = df!(
            imdb::TITLE_ID => ["tt1", "tt1"],
            imdb::PERSON_ID => ["nm9", "nm5"],
            imdb::CATEGORY => ["actor", "actor"],
        )
        .unwrap()
        .lazy();
        let out = mart(Some(credits), Some(titles()), None, &params).unwrap().collect().unwrap();
        let overall = rows_where(&out, c::SCOPE, SCOPE_OVERALL);
        assert_eq!(strs(&overall, c::PERSON_ID), [Some("nm5".into())]);
        assert_eq!(i64s(&overall, c::RANK), [Some(1)]);
    }
}
