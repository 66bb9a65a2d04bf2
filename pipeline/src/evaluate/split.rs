//! Splitters: a seeded per-user random split (Microsoft `recommenders`' `python_random_split` applied per
//! user, like its stratified splitter), k folds over ratings for cross-validated RMSE, and CSV export.

use std::io::Write;
use std::path::Path;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use crate::recommend::Csr;

/// A train / test pair over the same users and items.
#[derive(Debug, Clone)]
pub struct Split {
    pub train: Csr,
    pub test: Csr,
}

/// A generator for one user: the split of a user does not depend on other users or on thread order.
fn user_rng(seed: u64, user: usize) -> Pcg64 {
    Pcg64::seed_from_u64(seed ^ (user as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// For every user, a random `test_share` of their ratings (rounded, at least one when they have two or more)
/// goes to test, the rest to train.
pub fn per_user_split(ratings: &Csr, test_share: f64, seed: u64) -> Split {
    let mut train = Vec::with_capacity(ratings.n_rows);
    let mut test = Vec::with_capacity(ratings.n_rows);
    for u in 0..ratings.n_rows {
        let mut row: Vec<(u32, f32)> = ratings.row_pairs(u).collect();
        let mut rng = user_rng(seed, u);
        row.shuffle(&mut rng);
        let mut n_test = (row.len() as f64 * test_share).round() as usize;
        if n_test == 0 && row.len() >= 2 && test_share > 0.0 {
            n_test = 1;
        }
        let mut t: Vec<(u32, f32)> = row.drain(..n_test).collect();
        t.sort_unstable_by_key(|&(i, _)| i);
        row.sort_unstable_by_key(|&(i, _)| i);
        test.push(t);
        train.push(row);
    }
    Split { train: Csr::from_rows(ratings.n_cols, train), test: Csr::from_rows(ratings.n_cols, test) }
}

/// `k` folds over all ratings (a seeded shuffle cut into `k` near-equal parts, like scikit-learn's KFold):
/// fold `f` tests on part `f` and trains on the others.
pub fn k_folds(ratings: &Csr, k: usize, seed: u64) -> Vec<Split> {
    let mut all: Vec<(u32, u32, f32)> =
        (0..ratings.n_rows).flat_map(|u| ratings.row_pairs(u).map(move |(i, r)| (u as u32, i, r))).collect();
    let mut rng = Pcg64::seed_from_u64(seed);
    all.shuffle(&mut rng);
    let n = all.len();
    (0..k)
        .map(|f| {
            let (lo, hi) = (f * n / k, (f + 1) * n / k);
            let test: Vec<_> = all[lo..hi].to_vec();
            let train: Vec<_> = all[..lo].iter().chain(&all[hi..]).copied().collect();
            Split {
                train: Csr::from_triplets(ratings.n_rows, ratings.n_cols, &train),
                test: Csr::from_triplets(ratings.n_rows, ratings.n_cols, &test),
            }
        })
        .collect()
}

/// A random `share` of training ratings held out as validation (for tuning and early stopping).
pub fn holdout(ratings: &Csr, share: f64, seed: u64) -> Split {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut train = Vec::new();
    let mut valid = Vec::new();
    for u in 0..ratings.n_rows {
        for (i, r) in ratings.row_pairs(u) {
            if rng.random::<f64>() < share { valid.push((u as u32, i, r)) } else { train.push((u as u32, i, r)) }
        }
    }
    Split {
        train: Csr::from_triplets(ratings.n_rows, ratings.n_cols, &train),
        test: Csr::from_triplets(ratings.n_rows, ratings.n_cols, &valid),
    }
}

/// Writes `user,item,rating` rows (with a header) using the original ids, so that other tools can be scored
/// on exactly the same split.
pub fn write_csv(path: &Path, m: &Csr, user_ids: &[i64], item_ids: &[i64]) -> std::io::Result<u64> {
    let tmp = crate::lake::temp_path(path);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    writeln!(out, "user,item,rating")?;
    let mut rows = 0;
    for (u, user) in user_ids.iter().enumerate().take(m.n_rows) {
        for (i, r) in m.row_pairs(u) {
            writeln!(out, "{},{},{}", user, item_ids[i as usize], r)?;
            rows += 1;
        }
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix() -> Csr {
        let t: Vec<(u32, u32, f32)> =
            (0..20u32).flat_map(|u| (0..(10 + u)).map(move |i| (u, i % 40, (i % 5 + 1) as f32))).collect();
        Csr::from_triplets(20, 40, &t)
    }

    #[test]
    fn each_user_keeps_eighty_percent_in_train_and_nothing_is_lost_or_shared() {
        let m = matrix();
        let s = per_user_split(&m, 0.2, 7);
        for u in 0..m.n_rows {
            let n = m.row_len(u);
            assert_eq!(s.test.row_len(u), (n as f64 * 0.2).round() as usize, "user {u}");
            assert_eq!(s.train.row_len(u) + s.test.row_len(u), n);
            let (train, _) = s.train.row(u);
            assert!(s.test.row(u).0.iter().all(|i| !train.contains(i)), "no item in both");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_split_and_another_seed_a_different_one() {
        let m = matrix();
        assert_eq!(per_user_split(&m, 0.2, 7).test, per_user_split(&m, 0.2, 7).test);
        assert_ne!(per_user_split(&m, 0.2, 7).test, per_user_split(&m, 0.2, 8).test);
    }

    #[test]
    fn folds_partition_the_ratings() {
        let m = matrix();
        let folds = k_folds(&m, 5, 3);
        let total: usize = folds.iter().map(|f| f.test.nnz()).sum();
        assert_eq!(total, m.nnz());
        assert!(folds.iter().all(|f| f.train.nnz() + f.test.nnz() == m.nnz()));
    }
}
