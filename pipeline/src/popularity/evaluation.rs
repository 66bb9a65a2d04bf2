//! How the popularity model is judged: splits (time-based, random hold-out, K-fold), regression metrics
//! (RMSE, MAE, R²) and the baselines it must beat (global mean, genre mean, ridge linear regression).

use std::collections::HashMap;

use faer::linalg::matmul::matmul;
use faer::linalg::solvers::Solve;
use faer::{Accum, Mat, Par, Side};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::dataset::Film;

/// RMSE, MAE and R² of predictions against truths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub rmse: f64,
    pub mae: f64,
    pub r2: f64,
    pub n: usize,
}

impl Scores {
    /// R² is 1 − SSE/SST with the mean of the truths (scikit-learn's `r2_score`).
    pub fn of(truth: &[f32], predicted: &[f32]) -> Self {
        let n = truth.len().min(predicted.len());
        if n == 0 {
            return Self { rmse: f64::NAN, mae: f64::NAN, r2: f64::NAN, n: 0 };
        }
        let mean = truth[..n].iter().map(|&t| t as f64).sum::<f64>() / n as f64;
        let (mut sse, mut sae, mut sst) = (0.0, 0.0, 0.0);
        for (&t, &p) in truth.iter().zip(predicted) {
            let e = t as f64 - p as f64;
            sse += e * e;
            sae += e.abs();
            sst += (t as f64 - mean).powi(2);
        }
        Self {
            rmse: (sse / n as f64).sqrt(),
            mae: sae / n as f64,
            r2: if sst > 0.0 { 1.0 - sse / sst } else { 0.0 },
            n,
        }
    }
}

/// Train and test row indices of one split.
#[derive(Debug, Clone, Default)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
    /// Track records of test films are computed as of this year (time-based split only).
    pub as_of: Option<i32>,
}

/// The first year of the test films: the smallest year such that at most `test_share` of dated films are
/// from it or later.
pub fn auto_test_year(films: &[Film], test_share: f64) -> Option<i32> {
    let mut years: Vec<i32> = films.iter().filter_map(|f| f.year).collect();
    if years.len() < 10 {
        return None;
    }
    years.sort_unstable();
    let cut = ((1.0 - test_share) * years.len() as f64).round() as usize;
    let year = years[cut.min(years.len() - 1)];
    // The year itself goes to test only if that keeps the train side non-empty.
    (years[0] < year).then_some(year)
}

/// Films before `year` train, films from `year` on test; undated films are left out of both.
pub fn time_split(films: &[Film], year: i32) -> Split {
    let mut split = Split { as_of: Some(year), ..Default::default() };
    for (i, f) in films.iter().enumerate() {
        match f.year {
            Some(y) if y < year => split.train.push(i),
            Some(_) => split.test.push(i),
            None => {}
        }
    }
    split
}

/// A seeded random permutation of `0..n`.
fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rand_pcg::Pcg64::seed_from_u64(seed));
    order
}

/// A random `test_share` of the films for test, the rest for training.
pub fn holdout_split(n: usize, test_share: f64, seed: u64) -> Split {
    let order = shuffled(n, seed);
    let n_test = ((n as f64) * test_share).round() as usize;
    let mut test = order[..n_test].to_vec();
    let mut train = order[n_test..].to_vec();
    test.sort_unstable();
    train.sort_unstable();
    Split { train, test, as_of: None }
}

/// K folds of a seeded permutation; each film is tested exactly once.
pub fn k_folds(n: usize, k: usize, seed: u64) -> Vec<Split> {
    let order = shuffled(n, seed);
    (0..k)
        .map(|fold| {
            let mut split = Split::default();
            for (pos, &i) in order.iter().enumerate() {
                if pos % k == fold { split.test.push(i) } else { split.train.push(i) }
            }
            split.train.sort_unstable();
            split.test.sort_unstable();
            split
        })
        .collect()
}

/// The training mean for every film.
pub fn global_mean(train_y: &[f32], n_test: usize) -> Vec<f32> {
    let mean = train_y.iter().map(|&y| y as f64).sum::<f64>() / train_y.len().max(1) as f64;
    vec![mean as f32; n_test]
}

/// The mean of the training films' targets per genre, averaged over a film's genres (the global mean
/// for films whose genres were never seen).
pub fn genre_mean(train: &[&Film], train_y: &[f32], test: &[&Film]) -> Vec<f32> {
    let global = global_mean(train_y, 1)[0];
    let mut sums: HashMap<&str, (f64, usize)> = HashMap::new();
    for (f, &y) in train.iter().zip(train_y) {
        for g in &f.genres {
            let e = sums.entry(g.as_str()).or_default();
            e.0 += y as f64;
            e.1 += 1;
        }
    }
    test.iter()
        .map(|f| {
            let means: Vec<f64> =
                f.genres.iter().filter_map(|g| sums.get(g.as_str())).map(|(s, n)| s / *n as f64).collect();
            if means.is_empty() { global } else { (means.iter().sum::<f64>() / means.len() as f64) as f32 }
        })
        .collect()
}

/// Ordinary least squares with a small ridge on standardised columns; missing values (NaN) are replaced by
/// the column's training mean, and a 0/1 "was missing" column is added for columns that had any.
pub struct Linear {
    means: Vec<f64>,
    scales: Vec<f64>,
    /// Share of training rows missing each column (indicator columns are centred with it).
    missing: Vec<Option<f64>>,
    weights: Vec<f64>,
    intercept: f64,
}

impl Linear {
    pub fn fit(x: &[f32], cols: usize, y: &[f32], lambda: f64) -> Self {
        let rows = y.len();
        let mut means = vec![0.0; cols];
        let mut counts = vec![0usize; cols];
        let mut missing = vec![false; cols];
        for r in 0..rows {
            for c in 0..cols {
                let v = x[r * cols + c];
                if v.is_nan() {
                    missing[c] = true;
                } else {
                    means[c] += v as f64;
                    counts[c] += 1;
                }
            }
        }
        for c in 0..cols {
            means[c] /= counts[c].max(1) as f64;
        }
        let missing: Vec<Option<f64>> =
            (0..cols).map(|c| missing[c].then(|| (rows - counts[c]) as f64 / rows.max(1) as f64)).collect();
        let mut scales = vec![0.0; cols];
        for r in 0..rows {
            for c in 0..cols {
                let v = x[r * cols + c];
                if !v.is_nan() {
                    scales[c] += (v as f64 - means[c]).powi(2);
                }
            }
        }
        for c in 0..cols {
            let sd = (scales[c] / counts[c].max(1) as f64).sqrt();
            scales[c] = if sd > 1e-12 { sd } else { 1.0 };
        }
        let mut model = Self { means, scales, missing, weights: Vec::new(), intercept: 0.0 };
        let d = model.width();
        let y_mean = y.iter().map(|&v| v as f64).sum::<f64>() / rows.max(1) as f64;
        // XᵀX and Xᵀy through faer's parallel products: a row-by-row accumulation is O(rows × d²) scalar work.
        let mut xm = Mat::<f64>::zeros(rows, d);
        let mut row = vec![0.0; d];
        for r in 0..rows {
            model.row(&x[r * cols..(r + 1) * cols], &mut row);
            for (i, v) in row.iter().enumerate() {
                xm[(r, i)] = *v;
            }
        }
        let yv = Mat::<f64>::from_fn(rows, 1, |r, _| y[r] as f64 - y_mean);
        let par = Par::rayon(0);
        let mut a = Mat::<f64>::zeros(d, d);
        matmul(a.as_mut(), Accum::Replace, xm.transpose(), xm.as_ref(), 1.0, par);
        let mut b = Mat::<f64>::zeros(d, 1);
        matmul(b.as_mut(), Accum::Replace, xm.transpose(), yv.as_ref(), 1.0, par);
        for i in 0..d {
            a[(i, i)] += lambda * rows.max(1) as f64;
        }
        model.weights = match a.llt(Side::Lower) {
            Ok(llt) => {
                let w = llt.solve(b.as_ref());
                (0..d).map(|i| w[(i, 0)]).collect()
            }
            Err(_) => vec![0.0; d],
        };
        // Every column is centred on its training mean, so the intercept is the target mean.
        model.intercept = y_mean;
        model
    }

    fn width(&self) -> usize {
        self.means.len() + self.missing.iter().filter(|m| m.is_some()).count()
    }

    /// The standardised row (a missing value sits at the mean), then the centred "was missing" indicators.
    fn row(&self, x: &[f32], out: &mut [f64]) {
        let cols = self.means.len();
        let mut k = cols;
        for c in 0..cols {
            let v = x[c];
            out[c] = if v.is_nan() { 0.0 } else { (v as f64 - self.means[c]) / self.scales[c] };
            if let Some(rate) = self.missing[c] {
                out[k] = if v.is_nan() { 1.0 - rate } else { -rate };
                k += 1;
            }
        }
    }

    pub fn predict(&self, x: &[f32]) -> Vec<f32> {
        let cols = self.means.len();
        let mut row = vec![0.0; self.width()];
        x.chunks(cols)
            .map(|r| {
                self.row(r, &mut row);
                (self.intercept + row.iter().zip(&self.weights).map(|(a, b)| a * b).sum::<f64>()) as f32
            })
            .collect()
    }
}

/// A quantile of a sample (linear interpolation between order statistics).
pub fn quantile(values: &[f32], q: f64) -> f32 {
    let mut v: Vec<f32> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f32::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    let frac = (pos - lo as f64) as f32;
    v[lo] * (1.0 - frac) + v[hi] * frac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_predictions_score_an_r2_of_one_and_the_mean_scores_zero() {
        let y = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(Scores::of(&y, &y).r2, 1.0);
        let s = Scores::of(&y, &[2.5; 4]);
        assert!(s.r2.abs() < 1e-12);
        assert!((s.mae - 1.0).abs() < 1e-12);
        assert!((s.rmse - 1.25f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn k_folds_test_every_film_exactly_once() {
        let folds = k_folds(23, 5, 7);
        let mut seen: Vec<usize> = folds.iter().flat_map(|f| f.test.clone()).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..23).collect::<Vec<_>>());
        assert!(folds.iter().all(|f| f.train.len() + f.test.len() == 23));
    }

    #[test]
    fn a_time_split_trains_only_on_earlier_films() {
        let films: Vec<Film> = (1990..2010).map(|y| Film { year: Some(y), ..Default::default() }).collect();
        let year = auto_test_year(&films, 0.2).unwrap();
        assert_eq!(year, 2006);
        let split = time_split(&films, year);
        assert!(split.train.iter().all(|&i| films[i].year.unwrap() < year));
        assert!(split.test.iter().all(|&i| films[i].year.unwrap() >= year));
        assert_eq!(split.test.len(), 4);
    }

    #[test]
    fn the_linear_baseline_recovers_a_linear_relation_with_missing_values() {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..200 {
            let a = i as f32 / 10.0;
            let b = if i % 7 == 0 { f32::NAN } else { (i % 13) as f32 };
            x.extend([a, b]);
            y.push(2.0 * a + if b.is_nan() { 5.0 } else { 0.5 * b } + 1.0);
        }
        let model = Linear::fit(&x, 2, &y, 1e-9);
        let s = Scores::of(&y, &model.predict(&x));
        assert!(s.r2 > 0.99, "{s:?}");
    }

    #[test]
    fn the_genre_mean_baseline_averages_the_films_genres() {
        let f = |g: &[&str]| Film { genres: g.iter().map(|s| (*s).to_owned()).collect(), ..Default::default() };
        let train = [f(&["Drama"]), f(&["Drama"]), f(&["Horror"])];
        let refs: Vec<&Film> = train.iter().collect();
        let test = [f(&["Drama", "Horror"]), f(&["Western"])];
        let trefs: Vec<&Film> = test.iter().collect();
        let p = genre_mean(&refs, &[8.0, 6.0, 4.0], &trefs);
        assert_eq!(p, vec![5.5, 6.0]);
    }
}
