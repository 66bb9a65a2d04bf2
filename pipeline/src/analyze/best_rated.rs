//! Question 6: the best-rated films by a Bayesian weighted rating, and what they share.
//!
//! Over the catalogue's films with a rating: `WR = v/(v+m)·R + m/(v+m)·C`, where R is the film's mean
//! rating, v its votes, C the mean rating of the catalogue and m the minimum-votes prior, the
//! `prior_votes_quantile` quantile of the catalogue's votes (linear interpolation, as numpy's default
//! and DuckDB's `quantile_cont`). As in IMDb's top lists, only films with at least m votes enter the
//! list, ranked by WR then id. Lift of a feature value = its share among the listed films / its share
//! in the catalogue; 1 means no over-representation.

use polars::prelude::*;

use super::{AnalyzeParams, MartSchema, MartType, decade, explode_list, stack};
use crate::ingest::catalogue::columns as cat;
use crate::sources::imdb::columns as imdb;

/// Mart columns.
pub mod columns {
    /// `top` (the list) or `lift` (what the listed films share).
    pub const SECTION: &str = "section";
    // `top` rows.
    pub const RANK: &str = "rank";
    pub const TITLE_ID: &str = "title_id";
    pub const TITLE: &str = "title";
    /// The French display title (the catalogue's `display_title_fr`).
    pub const TITLE_FR: &str = "title_fr";
    pub const YEAR: &str = "year";
    pub const AVERAGE_RATING: &str = "average_rating";
    pub const NUM_VOTES: &str = "num_votes";
    pub const WEIGHTED_RATING: &str = "weighted_rating";
    /// C and m of the formula (the same on every `top` row).
    pub const PRIOR_MEAN_RATING: &str = "prior_mean_rating";
    pub const PRIOR_VOTES: &str = "prior_votes";
    // `lift` rows.
    /// `genre`, `decade`, `runtime_band`, `director` or `country`.
    pub const DIMENSION: &str = "dimension";
    /// The feature value: genre name, decade (`1990`), band (`100-119`), director id, country code.
    pub const VALUE: &str = "value";
    /// What to show: the director's name, else the value.
    pub const LABEL: &str = "label";
    pub const TOP_FILMS: &str = "top_films";
    pub const TOP_SHARE: &str = "top_share";
    pub const CATALOGUE_FILMS: &str = "catalogue_films";
    pub const CATALOGUE_SHARE: &str = "catalogue_share";
    pub const LIFT: &str = "lift";
}
use columns as c;

pub const SCHEMA: MartSchema = &[
    (c::SECTION, MartType::Str),
    (c::RANK, MartType::I32),
    (c::TITLE_ID, MartType::Str),
    (c::TITLE, MartType::Str),
    (c::TITLE_FR, MartType::Str),
    (c::YEAR, MartType::I32),
    (c::AVERAGE_RATING, MartType::F64),
    (c::NUM_VOTES, MartType::I64),
    (c::WEIGHTED_RATING, MartType::F64),
    (c::PRIOR_MEAN_RATING, MartType::F64),
    (c::PRIOR_VOTES, MartType::F64),
    (c::DIMENSION, MartType::Str),
    (c::VALUE, MartType::Str),
    (c::LABEL, MartType::Str),
    (c::TOP_FILMS, MartType::I64),
    (c::TOP_SHARE, MartType::F64),
    (c::CATALOGUE_FILMS, MartType::I64),
    (c::CATALOGUE_SHARE, MartType::F64),
    (c::LIFT, MartType::F64),
];

pub const SECTION_TOP: &str = "top";
pub const SECTION_LIFT: &str = "lift";
pub const DIM_GENRE: &str = "genre";
pub const DIM_DECADE: &str = "decade";
pub const DIM_RUNTIME: &str = "runtime_band";
pub const DIM_DIRECTOR: &str = "director";
pub const DIM_COUNTRY: &str = "country";

/// The runtime band of a film, as a label (`<80`, `80-99`, `100-119`, `120-149`, `150+`).
pub fn runtime_band(minutes: Expr) -> Expr {
    when(minutes.clone().lt(lit(80)))
        .then(lit("<80"))
        .when(minutes.clone().lt(lit(100)))
        .then(lit("80-99"))
        .when(minutes.clone().lt(lit(120)))
        .then(lit("100-119"))
        .when(minutes.lt(lit(150)))
        .then(lit("120-149"))
        .otherwise(lit("150+"))
}

/// The catalogue's rated films with `weighted_rating`, `prior_mean_rating` and `prior_votes`.
pub fn weighted(catalogue: LazyFrame, prior_votes_quantile: f64) -> LazyFrame {
    let votes = col(imdb::NUM_VOTES).cast(DataType::Float64);
    catalogue
        .filter(col(imdb::AVERAGE_RATING).is_not_null().and(col(imdb::NUM_VOTES).is_not_null()))
        .with_columns([
            col(imdb::AVERAGE_RATING).mean().alias(c::PRIOR_MEAN_RATING),
            votes.clone().quantile(lit(prior_votes_quantile), QuantileMethod::Linear).alias(c::PRIOR_VOTES),
        ])
        .with_column(
            ((votes.clone() / (votes.clone() + col(c::PRIOR_VOTES))) * col(imdb::AVERAGE_RATING)
                + (col(c::PRIOR_VOTES) / (votes + col(c::PRIOR_VOTES))) * col(c::PRIOR_MEAN_RATING))
            .alias(c::WEIGHTED_RATING),
        )
}

/// The best-rated list: films with at least m votes, by weighted rating (then id), with their rank.
pub fn top_list(weighted: LazyFrame, top: u32) -> LazyFrame {
    weighted
        .filter(col(imdb::NUM_VOTES).cast(DataType::Float64).gt_eq(col(c::PRIOR_VOTES)))
        .sort_by_exprs(
            [col(c::WEIGHTED_RATING), col(imdb::TITLE_ID)],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .limit(top)
        .with_column(col(imdb::TITLE_ID).cum_count(false).cast(DataType::Int32).alias(c::RANK))
}

/// `(title_id, dimension, value, label)` for every feature of the catalogue's films.
fn features(
    films: LazyFrame,
    crew: Option<LazyFrame>,
    people: Option<LazyFrame>,
    countries: Option<LazyFrame>,
) -> PolarsResult<LazyFrame> {
    let schema: &[(&str, MartType)] = &[
        (imdb::TITLE_ID, MartType::Str),
        (c::DIMENSION, MartType::Str),
        (c::VALUE, MartType::Str),
        (c::LABEL, MartType::Str),
    ];
    let ids = films.clone().select([col(imdb::TITLE_ID)]);
    let mut parts = vec![
        explode_list(films.clone().select([col(imdb::TITLE_ID), col(imdb::GENRES).alias(c::VALUE)]), c::VALUE)
            .with_column(lit(DIM_GENRE).alias(c::DIMENSION)),
        films
            .clone()
            .select([col(imdb::TITLE_ID), decade(col(imdb::START_YEAR)).cast(DataType::String).alias(c::VALUE)])
            .filter(col(c::VALUE).is_not_null())
            .with_column(lit(DIM_DECADE).alias(c::DIMENSION)),
        films
            .select([col(imdb::TITLE_ID), runtime_band(col(imdb::RUNTIME_MINUTES)).alias(c::VALUE)])
            .filter(col(c::VALUE).is_not_null())
            .with_column(lit(DIM_RUNTIME).alias(c::DIMENSION)),
    ];
    if let Some(crew) = crew {
        let mut directors = explode_list(
            crew.select([col(imdb::TITLE_ID), col(imdb::DIRECTORS).alias(c::VALUE)]).join(
                ids.clone(),
                [col(imdb::TITLE_ID)],
                [col(imdb::TITLE_ID)],
                JoinArgs::new(JoinType::Semi),
            ),
            c::VALUE,
        )
        .with_column(lit(DIM_DIRECTOR).alias(c::DIMENSION));
        if let Some(p) = people {
            directors = directors.join(
                p.select([col(imdb::PERSON_ID), col(imdb::PRIMARY_NAME).alias(c::LABEL)]),
                [col(c::VALUE)],
                [col(imdb::PERSON_ID)],
                JoinArgs::new(JoinType::Left),
            );
        }
        parts.push(directors);
    }
    if let Some(countries) = countries {
        parts.push(
            countries
                .select([col(imdb::TITLE_ID), col(super::countries::columns::COUNTRY).alias(c::VALUE)])
                .join(ids, [col(imdb::TITLE_ID)], [col(imdb::TITLE_ID)], JoinArgs::new(JoinType::Semi))
                .with_column(lit(DIM_COUNTRY).alias(c::DIMENSION)),
        );
    }
    Ok(stack(parts, schema)?
        .with_column(coalesce(&[col(c::LABEL), col(c::VALUE)]).alias(c::LABEL))
        .unique_stable(None, UniqueKeepStrategy::First))
}

/// The mart. `countries` is `(title_id, country)` (see [`super::countries::title_countries`]).
pub fn mart(
    catalogue: Option<LazyFrame>,
    crew: Option<LazyFrame>,
    people: Option<LazyFrame>,
    countries: Option<LazyFrame>,
    params: &AnalyzeParams,
) -> PolarsResult<LazyFrame> {
    let Some(catalogue) = catalogue else { return Ok(super::empty(SCHEMA)) };
    let rated = weighted(catalogue, params.prior_votes_quantile);
    let top = top_list(rated.clone(), params.top_films);
    let top_rows = top.clone().select([
        lit(SECTION_TOP).alias(c::SECTION),
        col(c::RANK),
        col(imdb::TITLE_ID),
        col(imdb::PRIMARY_TITLE).alias(c::TITLE),
        col(cat::DISPLAY_TITLE_FR).alias(c::TITLE_FR),
        col(imdb::START_YEAR).alias(c::YEAR),
        col(imdb::AVERAGE_RATING),
        col(imdb::NUM_VOTES),
        col(c::WEIGHTED_RATING),
        col(c::PRIOR_MEAN_RATING),
        col(c::PRIOR_VOTES),
    ]);
    let feats = features(rated.clone(), crew, people, countries)?;
    let n_catalogue = rated.select([len().cast(DataType::Float64).alias("n_catalogue")]);
    let n_top = top.clone().select([len().cast(DataType::Float64).alias("n_top")]);
    let key = [col(c::DIMENSION), col(c::VALUE)];
    let in_top = feats
        .clone()
        .join(
            top.select([col(imdb::TITLE_ID)]),
            [col(imdb::TITLE_ID)],
            [col(imdb::TITLE_ID)],
            JoinArgs::new(JoinType::Semi),
        )
        .group_by(key.clone())
        .agg([col(imdb::TITLE_ID).n_unique().cast(DataType::Int64).alias(c::TOP_FILMS)]);
    let min_director = params.min_director_top_films as i64;
    let lift = feats
        .group_by(key.clone())
        .agg([
            col(imdb::TITLE_ID).n_unique().cast(DataType::Int64).alias(c::CATALOGUE_FILMS),
            col(c::LABEL).first().alias(c::LABEL),
        ])
        .join(in_top, key.clone(), key, JoinArgs::new(JoinType::Left))
        .with_column(col(c::TOP_FILMS).fill_null(lit(0i64)))
        .cross_join(n_catalogue, None)
        .cross_join(n_top, None)
        .with_columns([
            (col(c::TOP_FILMS).cast(DataType::Float64) / col("n_top")).alias(c::TOP_SHARE),
            (col(c::CATALOGUE_FILMS).cast(DataType::Float64) / col("n_catalogue")).alias(c::CATALOGUE_SHARE),
        ])
        .with_columns([
            (col(c::TOP_SHARE) / col(c::CATALOGUE_SHARE)).alias(c::LIFT),
            lit(SECTION_LIFT).alias(c::SECTION),
        ])
        // Directors and countries are many: keep the ones the list actually has (directors with support).
        .filter(
            col(c::DIMENSION)
                .eq(lit(DIM_DIRECTOR))
                .not()
                .or(col(c::TOP_FILMS).gt_eq(lit(min_director)))
                .and(col(c::DIMENSION).eq(lit(DIM_COUNTRY)).not().or(col(c::TOP_FILMS).gt_eq(lit(1i64)))),
        )
        .sort_by_exprs(
            [col(c::DIMENSION), col(c::LIFT), col(c::VALUE)],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        );
    stack(vec![top_rows, lift], SCHEMA)
}

#[cfg(test)]
mod tests {
    use super::super::test_frames::*;
    use super::*;

    /// Five films: C = (9+8+7+6+5)/5 = 7; votes 100, 400, 900, 1600, 2500.
    fn catalogue() -> LazyFrame {
        df!(
            imdb::TITLE_ID => ["tt1", "tt2", "tt3", "tt4", "tt5"],
            imdb::PRIMARY_TITLE => ["A", "B", "C", "D", "E"],
            cat::DISPLAY_TITLE_FR => ["A fr", "B fr", "C fr", "D fr", "E fr"],
            imdb::START_YEAR => [1994i32, 1995, 2001, 2005, 2010],
            imdb::RUNTIME_MINUTES => [95i32, 130, 100, 85, 160],
            imdb::GENRES => lists("", &[&["Drama"], &["Drama", "Crime"], &["Comedy"], &["Comedy"], &["Action"]]),
            imdb::AVERAGE_RATING => [9.0, 8.0, 7.0, 6.0, 5.0],
            imdb::NUM_VOTES => [100i32, 400, 900, 1600, 2500],
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn the_weighted_rating_shrinks_towards_the_mean_with_the_quantile_prior() {
        // Median of votes (q = 0.5) = 900 → m = 900. tt3: 900/1800·7 + 900/1800·7 = 7.
        // tt2 (400 votes) is below m and stays out of the list; tt4: 1600/2500·6 + 900/2500·7 = 6.36.
        let params = AnalyzeParams { prior_votes_quantile: 0.5, top_films: 2, ..Default::default() };
        let out = mart(Some(catalogue()), None, None, None, &params).unwrap().collect().unwrap();
        let top = rows_where(&out, c::SECTION, SECTION_TOP);
        assert_eq!(strs(&top, c::TITLE_ID), [Some("tt3".into()), Some("tt4".into())]);
        assert_eq!(f64s(&top, c::PRIOR_VOTES)[0], Some(900.0));
        assert_eq!(f64s(&top, c::PRIOR_MEAN_RATING)[0], Some(7.0));
        assert!(approx(f64s(&top, c::WEIGHTED_RATING)[1].unwrap(), 6.36));
        assert_eq!(strs(&top, c::TITLE_FR)[0].as_deref(), Some("C fr"));
    }

    #[test]
    fn the_quantile_interpolates_linearly_between_votes() {
        // q = 0.9 over 100…2500: position 0.9·4 = 3.6 → 1600 + 0.6·900 = 2140.
        let out = weighted(catalogue(), 0.9).collect().unwrap();
        assert!(approx(f64s(&out, c::PRIOR_VOTES)[0].unwrap(), 2140.0));
    }

    #[test]
    fn lift_is_the_share_in_the_list_over_the_share_in_the_catalogue() {
        let params = AnalyzeParams { prior_votes_quantile: 0.5, top_films: 2, ..Default::default() };
        let out = mart(Some(catalogue()), None, None, None, &params).unwrap().collect().unwrap();
        let lift = rows_where(&out, c::SECTION, SECTION_LIFT);
        let comedy = rows_where(&rows_where(&lift, c::DIMENSION, DIM_GENRE), c::VALUE, "Comedy");
        // Comedy: 2 of 2 listed films (share 1), 2 of 5 in the catalogue (0.4) → lift 2.5.
        assert_eq!(i64s(&comedy, c::TOP_FILMS), [Some(2)]);
        assert!(approx(f64s(&comedy, c::LIFT)[0].unwrap(), 2.5));
        let drama = rows_where(&rows_where(&lift, c::DIMENSION, DIM_GENRE), c::VALUE, "Drama");
        assert_eq!(f64s(&drama, c::LIFT), [Some(0.0)]);
        let band = rows_where(&rows_where(&lift, c::DIMENSION, DIM_RUNTIME), c::VALUE, "80-99");
        // 80-99: tt1, tt4 in the catalogue; tt4 listed → 0.5 / 0.4 = 1.25.
        assert!(approx(f64s(&band, c::LIFT)[0].unwrap(), 1.25));
    }

    #[test]
    fn directors_need_support_in_the_list_and_carry_their_names() {
        let crew = df!(
            imdb::TITLE_ID => ["tt3", "tt4", "tt1"],
            imdb::DIRECTORS => lists("", &[&["nm7"], &["nm7", "nm8"], &["nm8"]]),
        )
        .unwrap()
        .lazy();
        let people = df!(imdb::PERSON_ID => ["nm7"], imdb::PRIMARY_NAME => ["Agnès Varda"]).unwrap().lazy();
        let params = AnalyzeParams { prior_votes_quantile: 0.5, top_films: 2, ..Default::default() };
        let out = mart(Some(catalogue()), Some(crew), Some(people), None, &params).unwrap().collect().unwrap();
        let directors = rows_where(&rows_where(&out, c::SECTION, SECTION_LIFT), c::DIMENSION, DIM_DIRECTOR);
        // nm7 directed both listed films; nm8 only one (below the default support of 2).
        assert_eq!(strs(&directors, c::LABEL), [Some("Agnès Varda".into())]);
        assert!(approx(f64s(&directors, c::LIFT)[0].unwrap(), 2.5));
    }
}
