//! Ranking and rating metrics, with the definitions of Microsoft `recommenders` (`python_evaluation.py`).
//!
//! For one user with relevant (test-positive) items R and a top-k list L:
//! - Precision@k = |L ∩ R| / k (k, not |L|, as `precision_at_k`);
//! - Recall@k = |L ∩ R| / |R| (over all relevant items, as `recall_at_k`, not min(k, |R|));
//! - NDCG@k = DCG / IDCG with binary relevance, DCG = Σ 1 / log2(rank + 1) over hits (rank from 1),
//!   IDCG the DCG of min(k, |R|) hits at the top (`ndcg_at_k`, relevance "binary");
//! - HitRate@k = 1 when |L ∩ R| > 0, else 0 (the share of users with at least one hit).
//!
//! Each is averaged over the users that have at least one relevant item. Catalogue coverage =
//! distinct items recommended to anyone / items in training (`catalog_coverage`).

use serde::{Deserialize, Serialize};

/// Running sums of the per-user ranking metrics.
#[derive(Debug, Clone, Default)]
pub struct RankingAccumulator {
    pub k: usize,
    users: usize,
    precision: f64,
    recall: f64,
    ndcg: f64,
    hits: f64,
    recommended: Vec<bool>,
}

/// Averages of the ranking metrics.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct RankingMetrics {
    pub k: usize,
    pub users: usize,
    pub precision: f64,
    pub recall: f64,
    pub ndcg: f64,
    pub hit_rate: f64,
    pub coverage: f64,
}

impl RankingAccumulator {
    pub fn new(k: usize, n_items: usize) -> Self {
        Self { k, recommended: vec![false; n_items], ..Default::default() }
    }

    /// Adds one user: `list` is the ranked recommendation (at most k items), `relevant` sorted.
    pub fn add(&mut self, list: &[u32], relevant: &[u32]) {
        for &i in list {
            if let Some(r) = self.recommended.get_mut(i as usize) {
                *r = true;
            }
        }
        if relevant.is_empty() {
            return;
        }
        let list = &list[..list.len().min(self.k)];
        let mut hits = 0usize;
        let mut dcg = 0.0;
        for (rank, item) in list.iter().enumerate() {
            if relevant.binary_search(item).is_ok() {
                hits += 1;
                dcg += 1.0 / ((rank + 2) as f64).log2();
            }
        }
        let idcg: f64 = (0..self.k.min(relevant.len())).map(|r| 1.0 / ((r + 2) as f64).log2()).sum();
        self.users += 1;
        self.precision += hits as f64 / self.k as f64;
        self.recall += hits as f64 / relevant.len() as f64;
        self.ndcg += dcg / idcg;
        self.hits += f64::from(u8::from(hits > 0));
    }

    /// Merges another accumulator (per-thread partial sums).
    pub fn merge(mut self, other: Self) -> Self {
        self.users += other.users;
        self.precision += other.precision;
        self.recall += other.recall;
        self.ndcg += other.ndcg;
        self.hits += other.hits;
        if self.recommended.len() < other.recommended.len() {
            self.recommended.resize(other.recommended.len(), false);
        }
        for (a, b) in self.recommended.iter_mut().zip(other.recommended) {
            *a |= b;
        }
        self
    }

    /// Final averages; coverage is over `catalogue_items` (the items seen in training).
    pub fn finish(&self, catalogue_items: usize) -> RankingMetrics {
        let n = self.users.max(1) as f64;
        RankingMetrics {
            k: self.k,
            users: self.users,
            precision: self.precision / n,
            recall: self.recall / n,
            ndcg: self.ndcg / n,
            hit_rate: self.hits / n,
            coverage: self.recommended.iter().filter(|&&r| r).count() as f64 / catalogue_items.max(1) as f64,
        }
    }
}

/// Root mean squared error and mean absolute error of `(prediction, truth)` pairs.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct ErrorMetrics {
    pub rmse: f64,
    pub mae: f64,
    pub n: usize,
}

pub fn errors(pairs: impl IntoIterator<Item = (f32, f32)>) -> ErrorMetrics {
    let (mut se, mut ae, mut n) = (0.0f64, 0.0f64, 0usize);
    for (p, t) in pairs {
        let d = f64::from(p) - f64::from(t);
        se += d * d;
        ae += d.abs();
        n += 1;
    }
    let m = n.max(1) as f64;
    ErrorMetrics { rmse: (se / m).sqrt(), mae: ae / m, n }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_metrics_match_a_hand_worked_example() {
        // k = 3. User A: relevant {1, 4}, list [1, 2, 4] → hits at ranks 1 and 3.
        // User B: relevant {9}, list [5, 6, 7] → no hit. User C has no relevant item: not averaged.
        let mut acc = RankingAccumulator::new(3, 10);
        acc.add(&[1, 2, 4], &[1, 4]);
        acc.add(&[5, 6, 7], &[9]);
        acc.add(&[8], &[]);
        let m = acc.finish(10);
        assert_eq!(m.users, 2);
        assert!((m.precision - (2.0 / 3.0) / 2.0).abs() < 1e-12);
        assert!((m.recall - 0.5).abs() < 1e-12);
        // A: DCG = 1 + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) ≈ 1.6309 → 0.91972; B: 0.
        let ndcg_a = 1.5 / (1.0 + 1.0 / 3f64.log2());
        assert!((m.ndcg - ndcg_a / 2.0).abs() < 1e-12, "{}", m.ndcg);
        assert!((m.hit_rate - 0.5).abs() < 1e-12);
        // Items 1, 2, 4, 5, 6, 7, 8 recommended out of 10.
        assert!((m.coverage - 0.7).abs() < 1e-12);
    }

    #[test]
    fn recall_divides_by_all_relevant_items_not_by_k() {
        let mut acc = RankingAccumulator::new(2, 10);
        acc.add(&[0, 1], &[0, 1, 2, 3]);
        let m = acc.finish(10);
        assert!((m.recall - 0.5).abs() < 1e-12);
        assert!((m.ndcg - 1.0).abs() < 1e-12, "ideal order within k gives NDCG 1");
    }

    #[test]
    fn rmse_and_mae_of_known_errors() {
        let e = errors([(3.0, 4.0), (5.0, 2.0)]);
        assert!((e.rmse - 5f64.sqrt()).abs() < 1e-12);
        assert!((e.mae - 2.0).abs() < 1e-12);
    }
}
