//! Question 5: actors' age at release, per decade and per genre, and the age of lead roles for actors
//! versus actresses.
//!
//! Age = the film's start year − the person's birth year, for actor/actress credits on films
//! (`FILM_TYPES`); one row per person, film and category. People without a birth year, films without
//! a year, and ages outside 0–110 (data errors) are left out. A lead role is a billing position
//! (`ordering` in title.principals) of 3 or less.

use polars::prelude::*;

use super::{ACTOR, ACTRESS, MartSchema, MartType, count, decade, explode_list, films, is_one_of, stack};
use crate::sources::imdb::columns as imdb;

/// Mart columns.
pub mod columns {
    /// `overall`, `decade`, `genre` or `lead` (billing ≤ 3; per decade, and over all years where `decade` is null).
    pub const SECTION: &str = "section";
    pub const DECADE: &str = "decade";
    pub const GENRE: &str = "genre";
    /// `actor`, `actress`, or `all` for both.
    pub const CATEGORY: &str = "category";
    /// Credits with a known age.
    pub const CREDITS: &str = "credits";
    pub const MEAN_AGE: &str = "mean_age";
    pub const MEDIAN_AGE: &str = "median_age";
}
use columns as c;

pub const SCHEMA: MartSchema = &[
    (c::SECTION, MartType::Str),
    (c::DECADE, MartType::I32),
    (c::GENRE, MartType::Str),
    (c::CATEGORY, MartType::Str),
    (c::CREDITS, MartType::I64),
    (c::MEAN_AGE, MartType::F64),
    (c::MEDIAN_AGE, MartType::F64),
];

pub const SECTION_OVERALL: &str = "overall";
pub const SECTION_DECADE: &str = "decade";
pub const SECTION_GENRE: &str = "genre";
pub const SECTION_LEAD: &str = "lead";
pub const ALL: &str = "all";
/// Highest billing position counted as a lead role.
pub const LEAD_MAX_ORDERING: i32 = 3;

/// Statistics of `age` grouped by `keys` + category, plus the same with category `all` when `with_all`.
fn age_stats(rows: LazyFrame, keys: &[&str], with_all: bool) -> PolarsResult<Vec<LazyFrame>> {
    let stats =
        [count().alias(c::CREDITS), col("age").mean().alias(c::MEAN_AGE), col("age").median().alias(c::MEDIAN_AGE)];
    let mut by: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    by.push(col(imdb::CATEGORY));
    let mut out = vec![rows.clone().group_by(by).agg(stats.clone())];
    if with_all {
        let all = if keys.is_empty() {
            rows.select(stats)
        } else {
            rows.group_by(keys.iter().map(|k| col(*k)).collect::<Vec<_>>()).agg(stats)
        };
        out.push(all.with_column(lit(ALL).alias(c::CATEGORY)));
    }
    Ok(out)
}

pub fn mart(
    credits: Option<LazyFrame>,
    titles: Option<LazyFrame>,
    people: Option<LazyFrame>,
) -> PolarsResult<LazyFrame> {
    let (Some(credits), Some(titles), Some(people)) = (credits, titles, people) else {
        return Ok(super::empty(SCHEMA));
    };
    // Join the films first: it keeps a small share of all credits, so the grouping below is cheap.
    let base = credits
        .filter(is_one_of(imdb::CATEGORY, &[ACTOR, ACTRESS]))
        .select([col(imdb::TITLE_ID), col(imdb::PERSON_ID), col(imdb::CATEGORY), col(imdb::ORDERING)])
        .join(
            films(titles).select([col(imdb::TITLE_ID), col(imdb::START_YEAR), col(imdb::GENRES)]),
            [col(imdb::TITLE_ID)],
            [col(imdb::TITLE_ID)],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            people.select([col(imdb::PERSON_ID), col(imdb::BIRTH_YEAR)]).filter(col(imdb::BIRTH_YEAR).is_not_null()),
            [col(imdb::PERSON_ID)],
            [col(imdb::PERSON_ID)],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col(imdb::TITLE_ID), col(imdb::PERSON_ID), col(imdb::CATEGORY)])
        // The best billing when a person is credited twice on a film.
        .agg([
            col(imdb::ORDERING).min(),
            col(imdb::START_YEAR).first(),
            col(imdb::GENRES).first(),
            col(imdb::BIRTH_YEAR).first(),
        ])
        .with_columns([
            (col(imdb::START_YEAR) - col(imdb::BIRTH_YEAR)).cast(DataType::Float64).alias("age"),
            decade(col(imdb::START_YEAR)).alias(c::DECADE),
        ])
        .filter(col("age").is_not_null().and(col("age").gt_eq(lit(0.0))).and(col("age").lt_eq(lit(110.0))))
        // Computed once for the five sections that read it.
        .cache();
    let tag = |parts: Vec<LazyFrame>, section: &str| -> Vec<LazyFrame> {
        parts.into_iter().map(|p| p.with_column(lit(section.to_owned()).alias(c::SECTION))).collect()
    };
    let mut parts = tag(age_stats(base.clone(), &[], true)?, SECTION_OVERALL);
    parts
        .extend(tag(age_stats(base.clone().filter(col(c::DECADE).is_not_null()), &[c::DECADE], true)?, SECTION_DECADE));
    let genres = explode_list(base.clone().rename([imdb::GENRES], [c::GENRE], true), c::GENRE);
    parts.extend(tag(age_stats(genres, &[c::GENRE], true)?, SECTION_GENRE));
    let leads = base.filter(col(imdb::ORDERING).lt_eq(lit(LEAD_MAX_ORDERING)));
    parts.extend(tag(age_stats(leads.clone(), &[], false)?, SECTION_LEAD));
    parts.extend(tag(age_stats(leads.filter(col(c::DECADE).is_not_null()), &[c::DECADE], false)?, SECTION_LEAD));
    Ok(stack(parts, SCHEMA)?.sort_by_exprs(
        [col(c::SECTION), col(c::DECADE), col(c::GENRE), col(c::CATEGORY)],
        SortMultipleOptions::default().with_nulls_last(false),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_frames::*;
    use super::*;

    fn titles() -> LazyFrame {
        df!(
            imdb::TITLE_ID => ["tt1", "tt2", "tt3"],
            imdb::TITLE_TYPE => ["movie", "movie", "movie"],
            imdb::START_YEAR => [Some(1990i32), Some(2000), None],
            imdb::GENRES => lists("", &[&["Drama"], &["Drama", "Comedy"], &["Drama"]]),
        )
        .unwrap()
        .lazy()
    }

    fn people() -> LazyFrame {
        df!(
            imdb::PERSON_ID => ["nm1", "nm2", "nm3"],
            imdb::BIRTH_YEAR => [Some(1960i32), Some(1970), None],
        )
        .unwrap()
        .lazy()
    }

    fn credits() -> LazyFrame {
        df!(
            imdb::TITLE_ID => ["tt1", "tt2", "tt2", "tt1", "tt3", "tt2"],
            imdb::PERSON_ID => ["nm1", "nm1", "nm2", "nm3", "nm1", "nm2"],
            imdb::ORDERING => [1i32, 5, 2, 1, 1, 8],
            imdb::CATEGORY => ["actor", "actor", "actress", "actor", "actor", "actress"],
        )
        .unwrap()
        .lazy()
    }

    fn out() -> DataFrame {
        mart(Some(credits()), Some(titles()), Some(people())).unwrap().collect().unwrap()
    }

    #[test]
    fn ages_leave_out_people_without_birth_year_and_films_without_year() {
        // Known ages: nm1 in tt1 30, nm1 in tt2 40, nm2 in tt2 30 (credited twice, counted once).
        let overall = rows_where(&out(), c::SECTION, SECTION_OVERALL);
        let all = rows_where(&overall, c::CATEGORY, ALL);
        assert_eq!(i64s(&all, c::CREDITS), [Some(3)]);
        assert!(approx(f64s(&all, c::MEAN_AGE)[0].unwrap(), 100.0 / 3.0));
        assert_eq!(f64s(&all, c::MEDIAN_AGE), [Some(30.0)]);
        let actors = rows_where(&overall, c::CATEGORY, ACTOR);
        assert_eq!(f64s(&actors, c::MEAN_AGE), [Some(35.0)]);
    }

    #[test]
    fn ages_per_genre_count_a_film_in_each_of_its_genres() {
        let genre = rows_where(&out(), c::SECTION, SECTION_GENRE);
        let comedy = rows_where(&rows_where(&genre, c::GENRE, "Comedy"), c::CATEGORY, ALL);
        assert_eq!(f64s(&comedy, c::MEAN_AGE), [Some(35.0)]);
        let drama = rows_where(&rows_where(&genre, c::GENRE, "Drama"), c::CATEGORY, ALL);
        assert_eq!(i64s(&drama, c::CREDITS), [Some(3)]);
    }

    #[test]
    fn lead_roles_are_billed_third_or_better_and_split_actors_from_actresses() {
        let lead = rows_where(&out(), c::SECTION, SECTION_LEAD);
        let overall = lead.clone().lazy().filter(col(c::DECADE).is_null()).collect().unwrap();
        // Leads: nm1 in tt1 (ordering 1, age 30); nm2 in tt2 (best ordering 2, age 30). nm1 in tt2 is 5th.
        assert_eq!(strs(&overall, c::CATEGORY), [Some("actor".into()), Some("actress".into())]);
        assert_eq!(f64s(&overall, c::MEAN_AGE), [Some(30.0), Some(30.0)]);
        assert_eq!(i64s(&overall, c::CREDITS), [Some(1), Some(1)]);
    }

    #[test]
    fn without_people_the_mart_is_empty() {
        assert_eq!(mart(Some(credits()), Some(titles()), None).unwrap().collect().unwrap().height(), 0);
    }
}
