//! Question 8: the MovieLens audience — ratings by age group, gender and occupation crossed with genre
//! (which groups love which genres).
//!
//! A rating of a film with several genres counts in each. For a group and a genre: the ratings, the
//! distinct users, the mean rating, its difference with the group's mean over all its ratings
//! (`rating_delta`: above 0, the group rates this genre better than it rates films in general), the
//! share of the group's ratings that go to the genre and the preference lift (that share / the same
//! share over everyone: above 1, the group watches the genre more than the average user). Age groups
//! are MovieLens 1M's brackets. Without user demographics (MovieLens latest) only the `all` rows exist.

use polars::prelude::*;

use super::{MartSchema, MartType, count, explode_list, stack};
use crate::sources::movielens::columns as ml;

/// Mart columns.
pub mod columns {
    /// `all`, `age_group`, `gender` or `occupation`.
    pub const DIMENSION: &str = "dimension";
    /// The group: `all`, an age bracket (`18-24`), `M`/`F`, an occupation.
    pub const GROUP: &str = "group";
    pub const GENRE: &str = "genre";
    pub const RATINGS: &str = "ratings";
    pub const USERS: &str = "users";
    pub const MEAN_RATING: &str = "mean_rating";
    /// The group's mean over all its ratings.
    pub const GROUP_MEAN_RATING: &str = "group_mean_rating";
    pub const RATING_DELTA: &str = "rating_delta";
    /// The genre's ratings / the group's ratings.
    pub const GENRE_SHARE: &str = "genre_share";
    /// genre_share / the genre's share over all ratings.
    pub const PREFERENCE_LIFT: &str = "preference_lift";
}
use columns as c;

pub const SCHEMA: MartSchema = &[
    (c::DIMENSION, MartType::Str),
    (c::GROUP, MartType::Str),
    (c::GENRE, MartType::Str),
    (c::RATINGS, MartType::I64),
    (c::USERS, MartType::I64),
    (c::MEAN_RATING, MartType::F64),
    (c::GROUP_MEAN_RATING, MartType::F64),
    (c::RATING_DELTA, MartType::F64),
    (c::GENRE_SHARE, MartType::F64),
    (c::PREFERENCE_LIFT, MartType::F64),
];

pub const DIM_ALL: &str = "all";
pub const DIM_AGE: &str = "age_group";
pub const DIM_GENDER: &str = "gender";
pub const DIM_OCCUPATION: &str = "occupation";

/// MovieLens 1M's age brackets (the 1M files store the bracket's lower bound, 100K the age itself).
pub fn age_group(age: Expr) -> Expr {
    when(age.clone().lt(lit(18)))
        .then(lit("<18"))
        .when(age.clone().lt(lit(25)))
        .then(lit("18-24"))
        .when(age.clone().lt(lit(35)))
        .then(lit("25-34"))
        .when(age.clone().lt(lit(45)))
        .then(lit("35-44"))
        .when(age.clone().lt(lit(50)))
        .then(lit("45-49"))
        .when(age.clone().lt(lit(56)))
        .then(lit("50-55"))
        .when(age.is_not_null())
        .then(lit("56+"))
        .otherwise(lit(NULL).cast(DataType::String))
}

/// Per group and genre figures; `rated` has one row per rating with `group`, `user_id`, `rating`, `genres`.
fn by_group(rated: LazyFrame, dimension: &str, genre_share_all: LazyFrame) -> LazyFrame {
    let group_totals = rated
        .clone()
        .group_by([col(c::GROUP)])
        .agg([count().alias("group_ratings"), col(ml::RATING).mean().alias(c::GROUP_MEAN_RATING)]);
    explode_list(rated.rename([ml::GENRES], [c::GENRE], true), c::GENRE)
        .group_by([col(c::GROUP), col(c::GENRE)])
        .agg([
            count().alias(c::RATINGS),
            col(ml::USER_ID).n_unique().cast(DataType::Int64).alias(c::USERS),
            col(ml::RATING).mean().alias(c::MEAN_RATING),
        ])
        .join(group_totals, [col(c::GROUP)], [col(c::GROUP)], JoinArgs::new(JoinType::Inner))
        .join(genre_share_all, [col(c::GENRE)], [col(c::GENRE)], JoinArgs::new(JoinType::Left))
        .with_columns([
            (col(c::MEAN_RATING) - col(c::GROUP_MEAN_RATING)).alias(c::RATING_DELTA),
            (col(c::RATINGS).cast(DataType::Float64) / col("group_ratings").cast(DataType::Float64))
                .alias(c::GENRE_SHARE),
            lit(dimension.to_owned()).alias(c::DIMENSION),
        ])
        .with_column((col(c::GENRE_SHARE) / col("share_all")).alias(c::PREFERENCE_LIFT))
}

pub fn mart(
    ratings: Option<LazyFrame>,
    movies: Option<LazyFrame>,
    users: Option<LazyFrame>,
) -> PolarsResult<LazyFrame> {
    let (Some(ratings), Some(movies)) = (ratings, movies) else { return Ok(super::empty(SCHEMA)) };
    let rated = ratings
        .select([col(ml::USER_ID), col(ml::MOVIE_ID), col(ml::RATING)])
        .join(
            movies.select([col(ml::MOVIE_ID), col(ml::GENRES)]),
            [col(ml::MOVIE_ID)],
            [col(ml::MOVIE_ID)],
            JoinArgs::new(JoinType::Inner),
        )
        // Read by every group below: joined once.
        .cache();
    let total = rated.clone().select([count().cast(DataType::Float64).alias("all_ratings")]);
    let share_all = explode_list(rated.clone().select([col(ml::GENRES).alias(c::GENRE)]), c::GENRE)
        .group_by([col(c::GENRE)])
        .agg([count().cast(DataType::Float64).alias("genre_ratings")])
        .cross_join(total, None)
        .select([col(c::GENRE), (col("genre_ratings") / col("all_ratings")).alias("share_all")]);
    let mut parts = vec![by_group(rated.clone().with_column(lit(DIM_ALL).alias(c::GROUP)), DIM_ALL, share_all.clone())];
    if let Some(users) = users {
        let with_users = rated
            .join(
                users.select([col(ml::USER_ID), col(ml::AGE), col(ml::GENDER), col(ml::OCCUPATION)]),
                [col(ml::USER_ID)],
                [col(ml::USER_ID)],
                JoinArgs::new(JoinType::Inner),
            )
            .cache();
        for (dimension, group) in
            [(DIM_AGE, age_group(col(ml::AGE))), (DIM_GENDER, col(ml::GENDER)), (DIM_OCCUPATION, col(ml::OCCUPATION))]
        {
            let rows = with_users.clone().with_column(group.alias(c::GROUP)).filter(col(c::GROUP).is_not_null());
            parts.push(by_group(rows, dimension, share_all.clone()));
        }
    }
    Ok(stack(parts, SCHEMA)?
        .sort_by_exprs([col(c::DIMENSION), col(c::GROUP), col(c::GENRE)], SortMultipleOptions::default()))
}

#[cfg(test)]
mod tests {
    use super::super::test_frames::*;
    use super::*;

    fn ratings() -> LazyFrame {
        df!(
            ml::USER_ID => [1i32, 1, 2, 2, 3],
            ml::MOVIE_ID => [10i32, 20, 10, 30, 20],
            ml::RATING => [5.0, 3.0, 4.0, 2.0, 1.0],
        )
        .unwrap()
        .lazy()
    }

    fn movies() -> LazyFrame {
        df!(
            ml::MOVIE_ID => [10i32, 20, 30],
            ml::GENRES => lists("", &[&["Drama"], &["Comedy", "Drama"], &[]]),
        )
        .unwrap()
        .lazy()
    }

    fn users() -> LazyFrame {
        df!(
            ml::USER_ID => [1i32, 2, 3],
            ml::AGE => [17i32, 30, 56],
            ml::GENDER => ["F", "M", "F"],
            ml::OCCUPATION => ["student", "writer", "retired"],
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn group_figures_compare_a_genre_with_the_groups_own_mean_and_share() {
        let out = mart(Some(ratings()), Some(movies()), Some(users())).unwrap().collect().unwrap();
        let women = rows_where(&rows_where(&out, c::DIMENSION, DIM_GENDER), c::GROUP, "F");
        // Women: user 1 (5 on Drama, 3 on Comedy+Drama), user 3 (1 on Comedy+Drama): mean 3.
        let drama = rows_where(&women, c::GENRE, "Drama");
        assert_eq!(i64s(&drama, c::RATINGS), [Some(3)]);
        assert_eq!(f64s(&drama, c::GROUP_MEAN_RATING), [Some(3.0)]);
        assert_eq!(f64s(&drama, c::RATING_DELTA), [Some(0.0)]);
        assert_eq!(f64s(&drama, c::GENRE_SHARE), [Some(1.0)]);
        // Drama over everyone: 4 of 5 ratings → lift 1 / 0.8 = 1.25.
        assert!(approx(f64s(&drama, c::PREFERENCE_LIFT)[0].unwrap(), 1.25));
        let comedy = rows_where(&women, c::GENRE, "Comedy");
        assert_eq!(f64s(&comedy, c::RATING_DELTA), [Some(-1.0)]);
        assert_eq!(i64s(&comedy, c::USERS), [Some(2)]);
    }

    #[test]
    fn ages_fall_into_movielens_brackets() {
        let out = mart(Some(ratings()), Some(movies()), Some(users())).unwrap().collect().unwrap();
        let ages = rows_where(&out, c::DIMENSION, DIM_AGE);
        let mut groups: Vec<_> = strs(&ages, c::GROUP).into_iter().flatten().collect();
        groups.dedup();
        assert_eq!(groups, ["25-34", "56+", "<18"]);
    }

    #[test]
    fn without_demographics_only_the_all_rows_remain() {
        let out = mart(Some(ratings()), Some(movies()), None).unwrap().collect().unwrap();
        let dims: Vec<_> = strs(&out, c::DIMENSION).into_iter().flatten().collect();
        assert!(dims.iter().all(|d| d == DIM_ALL), "{dims:?}");
        // The film without genres (30) is in no genre row; Drama has 4 ratings.
        assert_eq!(i64s(&rows_where(&out, c::GENRE, "Drama"), c::RATINGS), [Some(4)]);
        assert_eq!(mart(None, Some(movies()), None).unwrap().collect().unwrap().height(), 0);
    }
}
