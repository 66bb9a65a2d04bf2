//! Latent factors: biased matrix factorisation (Koren, Bell & Volinsky 2009) fitted by SGD, which predicts
//! ratings, and the bias-only baseline it is judged against.
//!
//! r̂(u, i) = μ + b_u + b_i + p_u · q_i. As a [`Recommender`], a profile is folded in (the user's bias and
//! factors solved by ridge regression against the fixed item factors, as `implicit` recalculates a user),
//! so unseen profiles such as "I liked these three films" are served without refitting.

use faer::linalg::solvers::Solve;
use faer::{Mat, Side};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64;
use serde::{Deserialize, Serialize};

use super::{Csr, RecommendError, Recommender, Scored, TopK};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MfParams {
    pub factors: usize,
    pub epochs: usize,
    pub learning_rate: f32,
    /// L2 penalty on the factors.
    pub regularisation: f32,
    /// L2 penalty on the biases.
    pub bias_regularisation: f32,
    /// Standard deviation of the initial factors.
    pub init_std: f32,
    /// Learning rate multiplier applied after each epoch.
    pub decay: f32,
    pub seed: u64,
}

impl Default for MfParams {
    fn default() -> Self {
        Self {
            factors: 100,
            epochs: 35,
            learning_rate: 0.014,
            regularisation: 0.09,
            bias_regularisation: 0.02,
            init_std: 0.05,
            decay: 0.98,
            seed: 42,
        }
    }
}

/// A fitted biased matrix factorisation.
#[derive(Debug, Clone, Default)]
pub struct BiasedMf {
    pub params: MfParams,
    mean: f32,
    min_rating: f32,
    max_rating: f32,
    n_users: usize,
    n_items: usize,
    user_bias: Vec<f32>,
    item_bias: Vec<f32>,
    /// Row-major users × factors and items × factors.
    p: Vec<f32>,
    q: Vec<f32>,
}

/// One observed rating.
#[derive(Debug, Clone, Copy)]
pub struct Rating {
    pub user: u32,
    pub item: u32,
    pub value: f32,
}

/// The ratings of a matrix as a flat list.
pub fn ratings_of(m: &Csr) -> Vec<Rating> {
    (0..m.n_rows).flat_map(|u| m.row_pairs(u).map(move |(i, v)| Rating { user: u as u32, item: i, value: v })).collect()
}

impl BiasedMf {
    pub fn new(params: MfParams) -> Self {
        Self { params, ..Default::default() }
    }

    /// Fits by SGD; after each epoch `on_epoch(epoch, &self)` may stop training by returning false
    /// (early stopping on a validation set).
    pub fn fit_with(
        &mut self,
        user_items: &Csr,
        mut on_epoch: impl FnMut(usize, &Self) -> bool,
    ) -> Result<(), RecommendError> {
        let mut ratings = ratings_of(user_items);
        if ratings.is_empty() {
            return Err(RecommendError::EmptyTraining { model: "biased_mf" });
        }
        let k = self.params.factors;
        let (nu, ni) = (user_items.n_rows, user_items.n_cols);
        self.n_users = nu;
        self.n_items = ni;
        self.mean = ratings.iter().map(|r| f64::from(r.value)).sum::<f64>() as f32 / ratings.len() as f32;
        self.min_rating = ratings.iter().map(|r| r.value).fold(f32::INFINITY, f32::min);
        self.max_rating = ratings.iter().map(|r| r.value).fold(f32::NEG_INFINITY, f32::max);
        let mut rng = Pcg64::seed_from_u64(self.params.seed);
        let normal = Normal::new(0.0, self.params.init_std).expect("a finite standard deviation");
        self.p = (0..nu * k).map(|_| normal.sample(&mut rng)).collect();
        self.q = (0..ni * k).map(|_| normal.sample(&mut rng)).collect();
        self.user_bias = vec![0.0; nu];
        self.item_bias = vec![0.0; ni];
        let (reg, breg) = (self.params.regularisation, self.params.bias_regularisation);
        let mut lr = self.params.learning_rate;
        for epoch in 0..self.params.epochs {
            ratings.shuffle(&mut rng);
            self.sgd_epoch(&ratings, lr, reg, breg);
            lr *= self.params.decay;
            if !on_epoch(epoch + 1, self) {
                break;
            }
        }
        Ok(())
    }

    /// One pass of stochastic gradient descent over the ratings, in their order. The loop is compiled
    /// twice: for AVX2 with FMA when the processor has them (twice the lanes of the baseline x86-64
    /// SSE2, so the epoch takes about half the time), and for the baseline otherwise.
    fn sgd_epoch(&mut self, ratings: &[Rating], lr: f32, reg: f32, breg: f32) {
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: the processor was just checked to support both features.
            unsafe { self.sgd_epoch_avx2(ratings, lr, reg, breg) };
            return;
        }
        self.sgd_epoch_portable(ratings, lr, reg, breg);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn sgd_epoch_avx2(&mut self, ratings: &[Rating], lr: f32, reg: f32, breg: f32) {
        self.sgd_epoch_portable(ratings, lr, reg, breg);
    }

    #[inline(always)]
    fn sgd_epoch_portable(&mut self, ratings: &[Rating], lr: f32, reg: f32, breg: f32) {
        let k = self.params.factors;
        for r in ratings {
            let (u, i) = (r.user as usize, r.item as usize);
            let pu = &mut self.p[u * k..(u + 1) * k];
            let qi = &mut self.q[i * k..(i + 1) * k];
            let err = r.value - (self.mean + self.user_bias[u] + self.item_bias[i] + dot(pu, qi));
            self.user_bias[u] += lr * (err - breg * self.user_bias[u]);
            self.item_bias[i] += lr * (err - breg * self.item_bias[i]);
            for (a, b) in pu.iter_mut().zip(qi.iter_mut()) {
                let (pa, qb) = (*a, *b);
                *a += lr * (err * qb - reg * pa);
                *b += lr * (err * pa - reg * qb);
            }
        }
    }

    /// The predicted rating of a known user for an item, clipped to the training scale.
    pub fn predict(&self, user: u32, item: u32) -> f32 {
        let k = self.params.factors;
        let (u, i) = (user as usize, item as usize);
        let mut r = self.mean;
        if u < self.n_users {
            r += self.user_bias[u];
        }
        if i < self.n_items {
            r += self.item_bias[i];
        }
        if u < self.n_users && i < self.n_items {
            r += dot(&self.p[u * k..(u + 1) * k], &self.q[i * k..(i + 1) * k]);
        }
        r.clamp(self.min_rating, self.max_rating)
    }

    /// Bias and factors of a new user from a profile, by ridge regression against the item factors.
    pub fn fold_in(&self, profile: &[(u32, f32)]) -> (f32, Vec<f32>) {
        let k = self.params.factors;
        let d = k + 1; // factors plus the user bias
        let known: Vec<(usize, f32)> =
            profile.iter().filter(|(i, _)| (*i as usize) < self.n_items).map(|&(i, r)| (i as usize, r)).collect();
        if known.is_empty() {
            return (0.0, vec![0.0; k]);
        }
        let mut a = Mat::<f64>::zeros(d, d);
        let mut b = Mat::<f64>::zeros(d, 1);
        for &(i, r) in &known {
            let qi = &self.q[i * k..(i + 1) * k];
            let x = |j: usize| if j < k { f64::from(qi[j]) } else { 1.0 };
            let target = f64::from(r - self.mean - self.item_bias[i]);
            for row in 0..d {
                b[(row, 0)] += x(row) * target;
                for col in 0..d {
                    a[(row, col)] += x(row) * x(col);
                }
            }
        }
        let n = known.len() as f64;
        for j in 0..d {
            let reg = if j < k { self.params.regularisation } else { self.params.bias_regularisation };
            a[(j, j)] += f64::from(reg) * n + 1e-6;
        }
        match a.llt(Side::Lower) {
            Ok(llt) => {
                let sol = llt.solve(b.as_ref());
                let factors = (0..k).map(|j| sol[(j, 0)] as f32).collect();
                (sol[(k, 0)] as f32, factors)
            }
            Err(_) => (0.0, vec![0.0; k]),
        }
    }

    pub fn item_factors(&self, item: u32) -> &[f32] {
        let k = self.params.factors;
        &self.q[item as usize * k..(item as usize + 1) * k]
    }
}

/// Partial sums kept apart in `dot`: one running sum must be added in order, element after element,
/// while eight independent ones let the compiler use SIMD (the SGD epoch runs about four times faster).
const LANES: usize = 8;

#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    let mut acc = [0f32; LANES];
    for (x, y) in ca.zip(cb) {
        for l in 0..LANES {
            acc[l] += x[l] * y[l];
        }
    }
    acc.iter().sum::<f32>() + tail
}

impl Recommender for BiasedMf {
    fn name(&self) -> &'static str {
        "biased_mf"
    }

    fn fit(&mut self, user_items: &Csr) -> Result<(), RecommendError> {
        self.fit_with(user_items, |_, _| true)
    }

    fn n_items(&self) -> usize {
        self.n_items
    }

    fn score(&self, profile: &[(u32, f32)], scores: &mut [f32]) {
        let (bias, pu) = self.fold_in(profile);
        let k = self.params.factors;
        for (i, s) in scores.iter_mut().enumerate() {
            *s = self.mean + bias + self.item_bias[i] + dot(&pu, &self.q[i * k..(i + 1) * k]);
        }
    }

    /// Items whose factor vectors point the same way (cosine).
    fn similar_items(&self, item: u32, n: usize) -> Vec<Scored> {
        if item as usize >= self.n_items {
            return Vec::new();
        }
        let qi = self.item_factors(item);
        let ni = dot(qi, qi).sqrt();
        let mut top = TopK::new(n);
        for j in 0..self.n_items as u32 {
            if j != item {
                let qj = self.item_factors(j);
                top.push(j, dot(qi, qj) / (ni * dot(qj, qj).sqrt() + 1e-9));
            }
        }
        top.into_sorted()
    }
}

/// The bias-only baseline r̂ = μ + b_u + b_i, fitted by alternating least squares (Surprise's `BaselineOnly`).
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub user_regularisation: f32,
    pub item_regularisation: f32,
    pub epochs: usize,
    mean: f32,
    user_bias: Vec<f32>,
    item_bias: Vec<f32>,
    min_rating: f32,
    max_rating: f32,
}

impl Baseline {
    /// Surprise's defaults: 10 epochs, λ_user = 15, λ_item = 10.
    pub fn new() -> Self {
        Self { user_regularisation: 15.0, item_regularisation: 10.0, epochs: 10, ..Default::default() }
    }

    pub fn fit(&mut self, user_items: &Csr) -> Result<(), RecommendError> {
        let ratings = ratings_of(user_items);
        if ratings.is_empty() {
            return Err(RecommendError::EmptyTraining { model: "baseline" });
        }
        self.mean = ratings.iter().map(|r| f64::from(r.value)).sum::<f64>() as f32 / ratings.len() as f32;
        self.min_rating = ratings.iter().map(|r| r.value).fold(f32::INFINITY, f32::min);
        self.max_rating = ratings.iter().map(|r| r.value).fold(f32::NEG_INFINITY, f32::max);
        self.user_bias = vec![0.0; user_items.n_rows];
        self.item_bias = vec![0.0; user_items.n_cols];
        for _ in 0..self.epochs {
            let mut sum = vec![0f32; user_items.n_cols];
            let mut cnt = vec![0f32; user_items.n_cols];
            for r in &ratings {
                sum[r.item as usize] += r.value - self.mean - self.user_bias[r.user as usize];
                cnt[r.item as usize] += 1.0;
            }
            for i in 0..sum.len() {
                self.item_bias[i] = sum[i] / (self.item_regularisation + cnt[i]);
            }
            let mut sum = vec![0f32; user_items.n_rows];
            let mut cnt = vec![0f32; user_items.n_rows];
            for r in &ratings {
                sum[r.user as usize] += r.value - self.mean - self.item_bias[r.item as usize];
                cnt[r.user as usize] += 1.0;
            }
            for u in 0..sum.len() {
                self.user_bias[u] = sum[u] / (self.user_regularisation + cnt[u]);
            }
        }
        Ok(())
    }

    pub fn predict(&self, user: u32, item: u32) -> f32 {
        let bu = self.user_bias.get(user as usize).copied().unwrap_or(0.0);
        let bi = self.item_bias.get(item as usize).copied().unwrap_or(0.0);
        (self.mean + bu + bi).clamp(self.min_rating, self.max_rating)
    }
}

/// A seeded random number generator for callers that shuffle or split alongside a model.
pub fn seeded_rng(seed: u64) -> Pcg64 {
    Pcg64::seed_from_u64(seed)
}

/// Draws a uniform f64 in [0, 1) (kept here so splitters share one generator type).
pub fn uniform(rng: &mut Pcg64) -> f64 {
    rng.random::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ratings generated exactly by r = 3 + u_bias + i_bias + a rank-1 term.
    fn planted() -> (Csr, Vec<(u32, u32, f32)>) {
        let (nu, ni) = (40u32, 30u32);
        let f = |u: u32, i: u32| {
            let a = (u as f32 / nu as f32) - 0.5;
            let b = (i as f32 / ni as f32) - 0.5;
            3.0 + 0.5 * a + 0.3 * b + 4.0 * a * b
        };
        let mut train = Vec::new();
        let mut test = Vec::new();
        for u in 0..nu {
            for i in 0..ni {
                if (u * 7 + i * 3) % 5 == 0 { test.push((u, i, f(u, i))) } else { train.push((u, i, f(u, i))) }
            }
        }
        (Csr::from_triplets(nu as usize, ni as usize, &train), test)
    }

    fn rmse(pred: impl Fn(u32, u32) -> f32, test: &[(u32, u32, f32)]) -> f32 {
        (test.iter().map(|&(u, i, r)| (pred(u, i) - r).powi(2)).sum::<f32>() / test.len() as f32).sqrt()
    }

    #[test]
    fn factors_recover_an_interaction_that_biases_cannot() {
        let (train, test) = planted();
        let mut base = Baseline::new();
        base.fit(&train).unwrap();
        let params = MfParams {
            factors: 4,
            epochs: 200,
            learning_rate: 0.02,
            regularisation: 0.001,
            decay: 1.0,
            ..Default::default()
        };
        let mut mf = BiasedMf::new(params);
        mf.fit(&train).unwrap();
        let (b, m) = (rmse(|u, i| base.predict(u, i), &test), rmse(|u, i| mf.predict(u, i), &test));
        assert!(m < 0.5 * b, "matrix factorisation {m} should beat the bias baseline {b} by far");
    }

    #[test]
    fn the_vectorised_epoch_computes_what_the_portable_one_does() {
        let (train, _) = planted();
        let mut fast = BiasedMf::new(MfParams { factors: 20, epochs: 3, ..Default::default() });
        fast.fit(&train).unwrap();
        let before = fast.p.clone();
        let mut portable = fast.clone();
        let ratings = ratings_of(&train);
        fast.sgd_epoch(&ratings, 0.01, 0.05, 0.02);
        portable.sgd_epoch_portable(&ratings, 0.01, 0.05, 0.02);
        let gap = fast.p.iter().chain(&fast.q).zip(portable.p.iter().chain(&portable.q)).map(|(a, b)| (a - b).abs());
        assert!(gap.fold(0f32, f32::max) < 1e-5);
        assert!(fast.user_bias.iter().zip(&portable.user_bias).all(|(a, b)| (a - b).abs() < 1e-5));
        // The epoch did move the factors, so the comparison is not between two untouched copies.
        assert!(fast.p.iter().zip(&before).any(|(a, b)| (a - b).abs() > 1e-4));
    }

    #[test]
    fn a_folded_in_profile_predicts_like_the_user_it_copies() {
        let (train, _) = planted();
        let params = MfParams {
            factors: 4,
            epochs: 200,
            learning_rate: 0.02,
            regularisation: 0.001,
            decay: 1.0,
            ..Default::default()
        };
        let mut mf = BiasedMf::new(params);
        mf.fit(&train).unwrap();
        let user = 35;
        let profile: Vec<(u32, f32)> = train.row_pairs(user).collect();
        let mut scores = vec![0.0; mf.n_items()];
        mf.score(&profile, &mut scores);
        let err: f32 = (0..30).map(|i| (scores[i] - mf.predict(user as u32, i as u32)).abs()).sum::<f32>() / 30.0;
        assert!(err < 0.15, "mean gap between folded-in and learned predictions: {err}");
    }
}
