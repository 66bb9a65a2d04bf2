//! Question 3: film runtime over the years, films versus series episodes, with the trend.
//!
//! Mean and median runtime per year and per decade for films (`FILM_TYPES`) and for series episodes
//! (`tvEpisode`), titles without runtime or year left out. The trend is the ordinary least-squares
//! slope of runtime on start year over the individual titles, with its 95% confidence interval
//! `slope ± t(0.975, n−2) · se`, `se = sqrt(SSE / (n−2) / Sxx)`; it is on the `all` row of each kind.

use polars::prelude::*;

use super::{EPISODE_TYPE, FILM_TYPES, MartSchema, MartType, count, decade, is_one_of, stack};
use crate::sources::imdb::columns as imdb;

/// Mart columns.
pub mod columns {
    /// `film` or `episode`.
    pub const KIND: &str = "kind";
    /// `all` (every year), `decade` or `year`.
    pub const SCOPE: &str = "scope";
    /// The year, or the decade's first year; null on `all` rows.
    pub const PERIOD: &str = "period";
    /// Titles with a runtime in the period.
    pub const TITLES: &str = "titles";
    pub const MEAN_MINUTES: &str = "mean_minutes";
    pub const MEDIAN_MINUTES: &str = "median_minutes";
    /// OLS slope of runtime on year, minutes per year (`all` rows only).
    pub const SLOPE: &str = "slope_minutes_per_year";
    /// 95% confidence interval of the slope (`all` rows only; null below 3 titles).
    pub const SLOPE_LOW: &str = "slope_ci_low";
    pub const SLOPE_HIGH: &str = "slope_ci_high";
}
use columns as c;

pub const SCHEMA: MartSchema = &[
    (c::KIND, MartType::Str),
    (c::SCOPE, MartType::Str),
    (c::PERIOD, MartType::I32),
    (c::TITLES, MartType::I64),
    (c::MEAN_MINUTES, MartType::F64),
    (c::MEDIAN_MINUTES, MartType::F64),
    (c::SLOPE, MartType::F64),
    (c::SLOPE_LOW, MartType::F64),
    (c::SLOPE_HIGH, MartType::F64),
];

pub const KIND_FILM: &str = "film";
pub const KIND_EPISODE: &str = "episode";
pub const SCOPE_ALL: &str = "all";
pub const SCOPE_DECADE: &str = "decade";
pub const SCOPE_YEAR: &str = "year";

/// t(0.975, ν) for ν = 1…30 (statistical tables, 4 decimals).
const T975_TABLE: [f64; 30] = [
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010, 2.1788, 2.1604, 2.1448,
    2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484,
    2.0452, 2.0423,
];

/// Coefficients of the Cornish-Fisher expansion of t(0.975, ν) in powers of 1/ν around the normal quantile.
fn cornish_fisher() -> [f64; 5] {
    let z: f64 = 1.959_963_984_540_054;
    [
        z,
        (z.powi(3) + z) / 4.0,
        (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / 96.0,
        (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / 384.0,
        (79.0 * z.powi(9) + 776.0 * z.powi(7) + 1482.0 * z.powi(5) - 1920.0 * z.powi(3) - 945.0 * z) / 92160.0,
    ]
}

/// The 0.975 quantile of Student's t with `nu` degrees of freedom: the tables up to 30, then the
/// Cornish-Fisher expansion (error below 1e-4 beyond 30, exact in the limit).
pub fn t975(nu: Expr) -> Expr {
    let [z, g1, g2, g3, g4] = cornish_fisher();
    let nu = nu.cast(DataType::Float64);
    let inv = lit(1.0) / nu.clone();
    let expansion =
        lit(z) + inv.clone() * (lit(g1) + inv.clone() * (lit(g2) + inv.clone() * (lit(g3) + inv * lit(g4))));
    let mut chain = when(nu.clone().lt(lit(1.0)))
        .then(lit(NULL).cast(DataType::Float64))
        .when(nu.clone().lt_eq(lit(1.0)))
        .then(lit(T975_TABLE[0]));
    for (i, t) in T975_TABLE.iter().enumerate().skip(1) {
        chain = chain.when(nu.clone().lt_eq(lit((i + 1) as f64))).then(lit(*t));
    }
    chain.otherwise(expansion)
}

/// The same quantile in plain Rust (report readings, tests).
pub fn t975_value(nu: f64) -> f64 {
    if nu < 1.0 {
        return f64::NAN;
    }
    if let Some(t) = T975_TABLE.iter().enumerate().find(|(i, _)| nu <= (i + 1) as f64).map(|(_, t)| *t) {
        return t;
    }
    let [z, g1, g2, g3, g4] = cornish_fisher();
    let inv = 1.0 / nu;
    z + inv * (g1 + inv * (g2 + inv * (g3 + inv * g4)))
}

/// OLS of `y` on `x` as aggregations: slope and its 95% interval.
fn trend(x: &str, y: &str) -> [Expr; 3] {
    let dx = col(x) - col(x).mean();
    let dy = col(y) - col(y).mean();
    let sxx = (dx.clone() * dx.clone()).sum();
    let sxy = (dx * dy.clone()).sum();
    let syy = (dy.clone() * dy).sum();
    let n = len().cast(DataType::Float64);
    let slope = sxy.clone() / sxx.clone();
    let sse = syy - slope.clone() * sxy;
    let se = (sse / (n.clone() - lit(2.0)) / sxx).sqrt();
    let half = t975(n.clone() - lit(2.0)) * se;
    let enough = n.gt_eq(lit(3.0));
    [
        slope.clone().alias(c::SLOPE),
        when(enough.clone()).then(slope.clone() - half.clone()).otherwise(lit(NULL)).alias(c::SLOPE_LOW),
        when(enough).then(slope + half).otherwise(lit(NULL)).alias(c::SLOPE_HIGH),
    ]
}

pub fn mart(titles: Option<LazyFrame>) -> PolarsResult<LazyFrame> {
    let Some(titles) = titles else { return Ok(super::empty(SCHEMA)) };
    let base = titles
        .filter(col(imdb::RUNTIME_MINUTES).is_not_null().and(col(imdb::START_YEAR).is_not_null()))
        .select([
            when(is_one_of(imdb::TITLE_TYPE, &FILM_TYPES))
                .then(lit(KIND_FILM))
                .when(col(imdb::TITLE_TYPE).eq(lit(EPISODE_TYPE)))
                .then(lit(KIND_EPISODE))
                .otherwise(lit(NULL).cast(DataType::String))
                .alias(c::KIND),
            col(imdb::START_YEAR).cast(DataType::Float64).alias("x"),
            col(imdb::START_YEAR).alias(c::PERIOD),
            col(imdb::RUNTIME_MINUTES).cast(DataType::Float64).alias("minutes"),
        ])
        .filter(col(c::KIND).is_not_null());
    let stats = || {
        [
            count().alias(c::TITLES),
            col("minutes").mean().alias(c::MEAN_MINUTES),
            col("minutes").median().alias(c::MEDIAN_MINUTES),
        ]
    };
    let mut all_aggs = stats().to_vec();
    all_aggs.extend(trend("x", "minutes"));
    let all = base.clone().group_by([col(c::KIND)]).agg(all_aggs).with_column(lit(SCOPE_ALL).alias(c::SCOPE));
    let by_decade = base
        .clone()
        .with_column(decade(col(c::PERIOD)).alias(c::PERIOD))
        .group_by([col(c::KIND), col(c::PERIOD)])
        .agg(stats())
        .with_column(lit(SCOPE_DECADE).alias(c::SCOPE));
    let by_year =
        base.group_by([col(c::KIND), col(c::PERIOD)]).agg(stats()).with_column(lit(SCOPE_YEAR).alias(c::SCOPE));
    Ok(stack(vec![all, by_decade, by_year], SCHEMA)?.sort_by_exprs(
        [col(c::KIND), col(c::SCOPE), col(c::PERIOD)],
        SortMultipleOptions::default().with_order_descending_multi([false, false, false]).with_nulls_last(false),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_frames::*;
    use super::*;

    fn titles() -> LazyFrame {
        df!(
            imdb::TITLE_ID => ["tt1", "tt2", "tt3", "tt4", "tt5", "tt6", "tt7"],
            imdb::TITLE_TYPE => ["movie", "movie", "movie", "tvMovie", "tvEpisode", "tvEpisode", "short"],
            imdb::START_YEAR => [Some(1990i32), Some(1991), Some(2000), Some(2001), Some(2000), Some(2000), Some(2000)],
            imdb::RUNTIME_MINUTES => [Some(90i32), Some(100), Some(110), None, Some(30), Some(50), Some(10)],
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn means_and_medians_per_decade_and_year_separate_films_from_episodes() {
        let out = mart(Some(titles())).unwrap().collect().unwrap();
        let films = out
            .clone()
            .lazy()
            .filter(col(c::KIND).eq(lit(KIND_FILM)).and(col(c::SCOPE).eq(lit(SCOPE_DECADE))))
            .collect()
            .unwrap();
        // 1990s: 90 and 100; 2000s: 110 (tt4 has no runtime, tt7 is a short).
        assert_eq!(i64s(&films, c::PERIOD), [Some(1990), Some(2000)]);
        assert_eq!(f64s(&films, c::MEAN_MINUTES), [Some(95.0), Some(110.0)]);
        assert_eq!(i64s(&films, c::TITLES), [Some(2), Some(1)]);
        let episodes = out
            .lazy()
            .filter(col(c::KIND).eq(lit(KIND_EPISODE)).and(col(c::SCOPE).eq(lit(SCOPE_YEAR))))
            .collect()
            .unwrap();
        assert_eq!(f64s(&episodes, c::MEDIAN_MINUTES), [Some(40.0)]);
    }

    #[test]
    fn the_trend_is_the_least_squares_slope_with_a_t_interval() {
        // x = 1990, 1991, 2000; y = 90, 100, 110. x̄ = 1993.667, ȳ = 100.
        // Sxx = 13.444+7.111+40.111 = 60.667; Sxy = (-3.667)(-10)+(-2.667)(0)+(6.333)(10) = 100.
        // slope = 1.648352; SSE = Syy − slope·Sxy = 200 − 164.835 = 35.165; se = sqrt(35.165/1/60.667) = 0.761345.
        let out = mart(Some(titles())).unwrap().collect().unwrap();
        let all =
            out.lazy().filter(col(c::KIND).eq(lit(KIND_FILM)).and(col(c::SCOPE).eq(lit(SCOPE_ALL)))).collect().unwrap();
        let slope = f64s(&all, c::SLOPE)[0].unwrap();
        assert!((slope - 100.0 / (182.0 / 3.0)).abs() < 1e-9, "{slope}");
        let se = ((200.0 - slope * 100.0) / (182.0 / 3.0)).sqrt();
        let low = f64s(&all, c::SLOPE_LOW)[0].unwrap();
        assert!(approx(low, slope - t975_value(1.0) * se), "{low}");
    }

    #[test]
    fn the_t_quantile_matches_tables_and_its_expression_matches_the_rust_value() {
        for (nu, table) in
            [(1.0, 12.706_205), (5.0, 2.570_582), (30.0, 2.042_272), (31.0, 2.039_513), (1000.0, 1.962_339)]
        {
            let t = t975_value(nu);
            assert!((t - table).abs() < 1e-4, "t(0.975, {nu}) = {t}, tables say {table}");
            let out = df!("nu" => [nu]).unwrap().lazy().select([t975(col("nu")).alias("t")]).collect().unwrap();
            assert_eq!(f64s(&out, "t")[0], Some(t));
        }
    }

    #[test]
    fn titles_without_runtime_or_year_are_left_out_and_no_titles_give_an_empty_mart() {
        let out = mart(None).unwrap().collect().unwrap();
        assert_eq!((out.height(), out.width()), (0, SCHEMA.len()));
        let none = titles().with_column(lit(NULL).cast(DataType::Int32).alias(imdb::RUNTIME_MINUTES));
        assert_eq!(mart(Some(none)).unwrap().collect().unwrap().height(), 0);
    }
}
