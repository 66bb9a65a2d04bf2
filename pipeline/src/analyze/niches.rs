//! Question 9: specialisation — a scored comparison of candidate niches for the cinema on supply,
//! quality and audience appetite.
//!
//! Each niche is a predicate over a film's genres, year, rating (out of 10) and countries, applied to
//! the catalogue (IMDb) and to the MovieLens films (genre vocabularies differ: `Children`/`Children's`
//! stand for IMDb's `Family`). Supply = the catalogue's films in the niche; quality = their mean
//! Bayesian weighted rating (same prior as the best-rated mart); appetite = the niche's share of
//! MovieLens ratings / its share of MovieLens films (above 1: more watched than its size suggests).
//! Each component is min-max scaled over the niches (supply on log(1 + films)); the score is 100 × the
//! mean of the available components. MovieLens films get countries only through `links` (latest layout).

use polars::prelude::*;

use super::best_rated::{self, columns as br};
use super::{AnalyzeParams, MartSchema, MartType, count, min_max, stack};
use crate::sources::imdb::columns as imdb;
use crate::sources::movielens::columns as ml;

/// Mart columns.
pub mod columns {
    /// Stable key of the niche (`nineties`, `action_adventure`, …).
    pub const NICHE: &str = "niche";
    pub const LABEL_FR: &str = "label_fr";
    pub const LABEL_EN: &str = "label_en";
    /// Catalogue films in the niche and their share of the catalogue's rated films.
    pub const CATALOGUE_FILMS: &str = "catalogue_films";
    pub const CATALOGUE_SHARE: &str = "catalogue_share";
    pub const MEAN_RATING: &str = "mean_rating";
    pub const MEAN_WEIGHTED_RATING: &str = "mean_weighted_rating";
    /// MovieLens films in the niche, their ratings and mean rating (out of 5).
    pub const ML_MOVIES: &str = "ml_movies";
    pub const ML_RATINGS: &str = "ml_ratings";
    pub const ML_MEAN_RATING: &str = "ml_mean_rating";
    /// (niche ratings / all ratings) / (niche films / all films) in MovieLens.
    pub const APPETITE: &str = "appetite";
    /// Components scaled to [0, 1] over the niches, and the score out of 100.
    pub const SUPPLY_SCORE: &str = "supply_score";
    pub const QUALITY_SCORE: &str = "quality_score";
    pub const APPETITE_SCORE: &str = "appetite_score";
    pub const SCORE: &str = "score";
    /// 1 = the best score.
    pub const RANK: &str = "rank";
}
use columns as c;

pub const SCHEMA: MartSchema = &[
    (c::NICHE, MartType::Str),
    (c::LABEL_FR, MartType::Str),
    (c::LABEL_EN, MartType::Str),
    (c::CATALOGUE_FILMS, MartType::I64),
    (c::CATALOGUE_SHARE, MartType::F64),
    (c::MEAN_RATING, MartType::F64),
    (c::MEAN_WEIGHTED_RATING, MartType::F64),
    (c::ML_MOVIES, MartType::I64),
    (c::ML_RATINGS, MartType::I64),
    (c::ML_MEAN_RATING, MartType::F64),
    (c::APPETITE, MartType::F64),
    (c::SUPPLY_SCORE, MartType::F64),
    (c::QUALITY_SCORE, MartType::F64),
    (c::APPETITE_SCORE, MartType::F64),
    (c::SCORE, MartType::F64),
    (c::RANK, MartType::I32),
];

/// Columns of the feature frames the predicates read.
const GENRES: &str = "genres";
const YEAR: &str = "year";
const RATING: &str = "rating";
const COUNTRIES: &str = "countries";

/// A candidate niche.
pub struct Niche {
    pub key: &'static str,
    pub label_fr: &'static str,
    pub label_en: &'static str,
    pub predicate: fn() -> Expr,
}

fn has_any_genre(genres: &[&str]) -> Expr {
    genres
        .iter()
        .map(|g| col(GENRES).list().contains(lit(*g), false))
        .reduce(|a, b| a.or(b))
        .expect("at least one genre")
}

/// The niches compared (the examples, plus a few the cinema asked about).
pub const NICHES: [Niche; 8] = [
    Niche {
        key: "nineties",
        label_fr: "Films des années 1990",
        label_en: "1990s films",
        predicate: || col(YEAR).gt_eq(lit(1990)).and(col(YEAR).lt_eq(lit(1999))),
    },
    Niche {
        key: "action_adventure",
        label_fr: "Action et aventure",
        label_en: "Action and adventure",
        predicate: || has_any_genre(&["Action", "Adventure"]),
    },
    Niche {
        key: "french",
        label_fr: "Cinéma français",
        label_en: "French cinema",
        predicate: || col(COUNTRIES).list().contains(lit("FR"), false),
    },
    Niche {
        key: "rated_dramas",
        label_fr: "Drames très bien notés",
        label_en: "Highly rated dramas",
        predicate: || has_any_genre(&["Drama"]).and(col(RATING).gt_eq(lit(7.5))),
    },
    Niche {
        key: "family_animation",
        label_fr: "Animation familiale",
        label_en: "Family animation",
        predicate: || has_any_genre(&["Animation"]).and(has_any_genre(&["Family", "Children", "Children's"])),
    },
    Niche {
        key: "classics",
        label_fr: "Classiques d'avant 1960",
        label_en: "Classics before 1960",
        predicate: || col(YEAR).lt(lit(1960)),
    },
    Niche {
        key: "horror_thriller",
        label_fr: "Horreur et frissons",
        label_en: "Horror and thrillers",
        predicate: || has_any_genre(&["Horror", "Thriller"]),
    },
    Niche {
        key: "documentary",
        label_fr: "Documentaires",
        label_en: "Documentaries",
        predicate: || has_any_genre(&["Documentary"]),
    },
];

/// One row per niche with `aggs` over the films matching it (`features` has the predicate columns).
fn per_niche(features: LazyFrame, aggs: &[Expr]) -> PolarsResult<LazyFrame> {
    let parts: Vec<LazyFrame> = NICHES
        .iter()
        .map(|n| features.clone().filter((n.predicate)()).select(aggs).with_column(lit(n.key).alias(c::NICHE)))
        .collect();
    concat(parts, UnionArgs::default())
}

fn niche_names() -> LazyFrame {
    df!(
        c::NICHE => NICHES.iter().map(|n| n.key).collect::<Vec<_>>(),
        c::LABEL_FR => NICHES.iter().map(|n| n.label_fr).collect::<Vec<_>>(),
        c::LABEL_EN => NICHES.iter().map(|n| n.label_en).collect::<Vec<_>>(),
    )
    .expect("static niche table")
    .lazy()
}

/// Catalogue features: genres, year, rating, countries, weighted rating.
fn catalogue_figures(
    catalogue: LazyFrame,
    countries: Option<LazyFrame>,
    params: &AnalyzeParams,
) -> PolarsResult<LazyFrame> {
    let rated = best_rated::weighted(catalogue, params.prior_votes_quantile).select([
        col(imdb::TITLE_ID),
        col(imdb::GENRES).alias(GENRES),
        col(imdb::START_YEAR).alias(YEAR),
        col(imdb::AVERAGE_RATING).alias(RATING),
        col(br::WEIGHTED_RATING),
    ]);
    let features = with_countries(rated.clone(), imdb::TITLE_ID, countries);
    let total = rated.select([len().cast(DataType::Float64).alias("catalogue_total")]);
    Ok(per_niche(
        features,
        &[
            count().alias(c::CATALOGUE_FILMS),
            col(RATING).mean().alias(c::MEAN_RATING),
            col(br::WEIGHTED_RATING).mean().alias(c::MEAN_WEIGHTED_RATING),
        ],
    )?
    .cross_join(total, None)
    .with_column((col(c::CATALOGUE_FILMS).cast(DataType::Float64) / col("catalogue_total")).alias(c::CATALOGUE_SHARE)))
}

/// Adds the `countries` list of each film from `(title_id, country)` rows joined on `key`.
fn with_countries(films: LazyFrame, key: &str, countries: Option<LazyFrame>) -> LazyFrame {
    match countries {
        Some(rows) => films.join(
            rows.group_by([col(imdb::TITLE_ID)]).agg([col(super::countries::columns::COUNTRY).alias(COUNTRIES)]),
            [col(key)],
            [col(imdb::TITLE_ID)],
            JoinArgs::new(JoinType::Left),
        ),
        None => films.with_column(lit(NULL).cast(DataType::List(Box::new(DataType::String))).alias(COUNTRIES)),
    }
}

/// MovieLens features: genres, year, mean rating out of 10, countries (through links), ratings.
fn movielens_figures(
    ratings: LazyFrame,
    movies: LazyFrame,
    links: Option<LazyFrame>,
    countries: Option<LazyFrame>,
) -> PolarsResult<LazyFrame> {
    let per_movie = ratings
        .group_by([col(ml::MOVIE_ID)])
        .agg([count().alias("n_ratings"), col(ml::RATING).mean().alias("ml_rating")]);
    let movies = movies
        .select([col(ml::MOVIE_ID), col(ml::GENRES).alias(GENRES), col(ml::YEAR).alias(YEAR)])
        .join(per_movie, [col(ml::MOVIE_ID)], [col(ml::MOVIE_ID)], JoinArgs::new(JoinType::Left))
        .with_columns([col("n_ratings").fill_null(lit(0i64)), (col("ml_rating") * lit(2.0)).alias(RATING)]);
    let features = match (links, countries) {
        (Some(links), Some(countries)) => with_countries(
            movies.join(
                links.select([col(ml::MOVIE_ID), col(ml::IMDB_ID)]),
                [col(ml::MOVIE_ID)],
                [col(ml::MOVIE_ID)],
                JoinArgs::new(JoinType::Left),
            ),
            ml::IMDB_ID,
            Some(countries),
        ),
        _ => with_countries(movies, ml::MOVIE_ID, None),
    };
    let totals = features.clone().select([
        len().cast(DataType::Float64).alias("ml_movies_total"),
        col("n_ratings").sum().cast(DataType::Float64).alias("ml_ratings_total"),
    ]);
    Ok(per_niche(
        features,
        &[
            count().alias(c::ML_MOVIES),
            col("n_ratings").sum().cast(DataType::Int64).alias(c::ML_RATINGS),
            // Mean over ratings, not over films: weight each film's mean by its ratings.
            when(col("n_ratings").sum().gt(lit(0)))
                .then(
                    (col("ml_rating") * col("n_ratings").cast(DataType::Float64)).sum()
                        / col("n_ratings").sum().cast(DataType::Float64),
                )
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias(c::ML_MEAN_RATING),
        ],
    )?
    .cross_join(totals, None)
    .with_column(
        // A niche without MovieLens films (or no ratings at all) has no measurable appetite: null, not NaN.
        when(col(c::ML_MOVIES).gt(lit(0)).and(col("ml_ratings_total").gt(lit(0.0))))
            .then(
                (col(c::ML_RATINGS).cast(DataType::Float64) / col("ml_ratings_total"))
                    / (col(c::ML_MOVIES).cast(DataType::Float64) / col("ml_movies_total")),
            )
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(c::APPETITE),
    ))
}

pub fn mart(
    catalogue: Option<LazyFrame>,
    countries: Option<LazyFrame>,
    ml_ratings: Option<LazyFrame>,
    ml_movies: Option<LazyFrame>,
    links: Option<LazyFrame>,
    params: &AnalyzeParams,
) -> PolarsResult<LazyFrame> {
    let supply = catalogue.map(|cat| catalogue_figures(cat, countries.clone(), params)).transpose()?;
    let appetite = match (ml_ratings, ml_movies) {
        (Some(r), Some(m)) => Some(movielens_figures(r, m, links, countries)?),
        _ => None,
    };
    if supply.is_none() && appetite.is_none() {
        return Ok(super::empty(SCHEMA));
    }
    let mut lf = niche_names();
    for part in [supply, appetite].into_iter().flatten() {
        lf = lf.join(part, [col(c::NICHE)], [col(c::NICHE)], JoinArgs::new(JoinType::Left));
    }
    let components = [c::SUPPLY_SCORE, c::QUALITY_SCORE, c::APPETITE_SCORE];
    let present = components
        .iter()
        .map(|k| col(*k).is_not_null().cast(DataType::Float64))
        .reduce(|a, b| a + b)
        .expect("three components");
    let total = components.iter().map(|k| col(*k).fill_null(lit(0.0))).reduce(|a, b| a + b).expect("three components");
    let scored = super::conform(lf, SCHEMA)?
        .with_column(col(c::CATALOGUE_FILMS).cast(DataType::Float64).log1p().alias("log_films"))
        .with_columns([
            min_max("log_films").alias(c::SUPPLY_SCORE),
            min_max(c::MEAN_WEIGHTED_RATING).alias(c::QUALITY_SCORE),
            min_max(c::APPETITE).alias(c::APPETITE_SCORE),
        ])
        // With a catalogue, a niche without a film to programme is no recommendation, whatever its audience: no
        // score, ranked last. (Without any catalogue, the audience's appetite alone still ranks the niches.)
        .with_column(
            when(
                present.clone().gt(lit(0.0)).and(
                    col(c::CATALOGUE_FILMS)
                        .fill_null(lit(0))
                        .gt(lit(0))
                        .or(col(c::CATALOGUE_FILMS).fill_null(lit(0)).sum().eq(lit(0))),
                ),
            )
            .then(lit(100.0) * total / present)
            .otherwise(lit(NULL))
            .alias(c::SCORE),
        )
        .sort_by_exprs(
            [col(c::SCORE), col(c::NICHE)],
            SortMultipleOptions::default().with_order_descending_multi([true, false]).with_nulls_last(true),
        )
        .with_column(col(c::NICHE).cum_count(false).cast(DataType::Int32).alias(c::RANK));
    stack(vec![scored], SCHEMA)
}

#[cfg(test)]
mod tests {
    use super::super::test_frames::*;
    use super::*;

    fn catalogue() -> LazyFrame {
        df!(
            imdb::TITLE_ID => ["tt1", "tt2", "tt3", "tt4"],
            imdb::GENRES => lists("", &[&["Drama"], &["Action"], &["Animation", "Family"], &["Drama"]]),
            imdb::START_YEAR => [1994i32, 1995, 2005, 1950],
            imdb::AVERAGE_RATING => [8.0, 6.0, 7.0, 7.0],
            imdb::NUM_VOTES => [100i32, 100, 100, 100],
        )
        .unwrap()
        .lazy()
    }

    fn countries() -> LazyFrame {
        df!(imdb::TITLE_ID => ["tt1", "tt1", "tt2"], "country" => ["FR", "BE", "US"]).unwrap().lazy()
    }

    fn niche(out: &DataFrame, key: &str) -> DataFrame {
        rows_where(out, c::NICHE, key)
    }

    #[test]
    fn supply_and_quality_come_from_the_catalogue_films_matching_each_niche() {
        let out = mart(Some(catalogue()), Some(countries()), None, None, None, &AnalyzeParams::default())
            .unwrap()
            .collect()
            .unwrap();
        assert_eq!(out.height(), NICHES.len());
        // Equal votes: m = 100, C = 7 → WR = (R + 7) / 2.
        let nineties = niche(&out, "nineties");
        assert_eq!(i64s(&nineties, c::CATALOGUE_FILMS), [Some(2)]);
        assert_eq!(f64s(&nineties, c::CATALOGUE_SHARE), [Some(0.5)]);
        assert_eq!(f64s(&nineties, c::MEAN_WEIGHTED_RATING), [Some(7.0)]);
        let french = niche(&out, "french");
        assert_eq!(i64s(&french, c::CATALOGUE_FILMS), [Some(1)]);
        assert_eq!(f64s(&french, c::MEAN_WEIGHTED_RATING), [Some(7.5)]);
        assert_eq!(i64s(&niche(&out, "rated_dramas"), c::CATALOGUE_FILMS), [Some(1)]);
        assert_eq!(i64s(&niche(&out, "family_animation"), c::CATALOGUE_FILMS), [Some(1)]);
        assert_eq!(i64s(&niche(&out, "documentary"), c::CATALOGUE_FILMS), [Some(0)]);
        assert_eq!(f64s(&niche(&out, "documentary"), c::SCORE), [None], "no film, no score");
        // Without MovieLens the score is the mean of supply and quality; ranks are 1..8.
        assert_eq!(f64s(&out, c::APPETITE_SCORE).iter().flatten().count(), 0);
        let mut ranks: Vec<_> = i64s(&out, c::RANK).into_iter().flatten().collect();
        ranks.sort();
        assert_eq!(ranks, (1..=8).collect::<Vec<_>>());
    }

    #[test]
    fn appetite_compares_the_share_of_ratings_with_the_share_of_films() {
        let movies = df!(
            ml::MOVIE_ID => [1i32, 2, 3, 4],
            ml::GENRES => lists("", &[&["Animation", "Children's"], &["Drama"], &["Drama"], &["Comedy"]]),
            ml::YEAR => [1995i32, 1980, 1981, 1982],
        )
        .unwrap()
        .lazy();
        let ratings = df!(
            ml::USER_ID => [1i32, 2, 3, 1, 2, 1],
            ml::MOVIE_ID => [1i32, 1, 1, 2, 2, 4],
            ml::RATING => [4.0, 5.0, 3.0, 4.0, 4.0, 1.0],
        )
        .unwrap()
        .lazy();
        let out =
            mart(None, None, Some(ratings), Some(movies), None, &AnalyzeParams::default()).unwrap().collect().unwrap();
        let family = niche(&out, "family_animation");
        // Film 1: 3 of 6 ratings, 1 of 4 films → appetite 0.5 / 0.25 = 2; mean rating 4.
        assert_eq!(f64s(&family, c::APPETITE), [Some(2.0)]);
        assert_eq!(f64s(&family, c::ML_MEAN_RATING), [Some(4.0)]);
        // Highly rated dramas: film 2 (mean 4 → 8/10) only; film 3 has no ratings.
        let dramas = niche(&out, "rated_dramas");
        assert_eq!(i64s(&dramas, c::ML_MOVIES), [Some(1)]);
        assert_eq!(f64s(&dramas, c::APPETITE), [Some((2.0 / 6.0) / 0.25)]);
        assert_eq!(strs(&niche(&out, "nineties"), c::LABEL_FR)[0].as_deref(), Some("Films des années 1990"));
        // No MovieLens film is French (no links) or a documentary: no appetite and no score (null, never NaN).
        assert_eq!(f64s(&niche(&out, "documentary"), c::APPETITE), [None]);
        assert_eq!(f64s(&niche(&out, "documentary"), c::SCORE), [None]);
        assert!(f64s(&out, c::SCORE).iter().flatten().all(|s| s.is_finite()), "{:?}", f64s(&out, c::SCORE));
        // Unscored niches rank last.
        assert_eq!(i64s(&rows_where(&out, c::NICHE, "family_animation"), c::RANK), [Some(1)]);
    }

    #[test]
    fn no_inputs_give_an_empty_mart() {
        let out = mart(None, None, None, None, None, &AnalyzeParams::default()).unwrap().collect().unwrap();
        assert_eq!(out.height(), 0);
    }
}
