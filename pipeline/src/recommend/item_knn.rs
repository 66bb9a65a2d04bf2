//! Item-based k-nearest neighbours: cosine similarity of item columns, top-k neighbours per item.
//!
//! A liked item passes its similarity on to each of its `k` neighbours; an item's score is the sum over
//! the profile (Sarwar et al. 2001; `implicit`'s `CosineRecommender`). Similarities are computed with
//! one sparse accumulator per thread, so memory is O(items × k), never items².

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Csr, Neighbours, RecommendError, Recommender, Scored, TopK, Weighting};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ItemKnnParams {
    /// Neighbours kept per item.
    pub k: usize,
    /// Added to the cosine denominator: pairs seen together by few users count less.
    pub shrink: f32,
    pub weighting: Weighting,
}

impl Default for ItemKnnParams {
    fn default() -> Self {
        Self { k: 100, shrink: 10.0, weighting: Weighting::default() }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ItemKnn {
    pub params: ItemKnnParams,
    neighbours: Neighbours,
}

impl ItemKnn {
    pub fn new(params: ItemKnnParams) -> Self {
        Self { params, neighbours: Vec::new() }
    }

    pub fn neighbours(&self) -> &Neighbours {
        &self.neighbours
    }

    /// The similarity of `j` as stored among `i`'s neighbours (0 when `j` is not one of them).
    pub fn similarity(&self, i: u32, j: u32) -> f32 {
        super::neighbour_score(&self.neighbours, i, j)
    }
}

/// Top-`k` cosine neighbours of every column of `x` (users × items).
pub fn cosine_neighbours(x: &Csr, k: usize, shrink: f32) -> Neighbours {
    let xt = x.transpose();
    let n = x.n_cols;
    let norms: Vec<f32> = (0..n).map(|i| xt.row(i).1.iter().map(|v| v * v).sum::<f32>().sqrt()).collect();
    (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0f32; n], Vec::<u32>::new()),
            |(acc, touched), i| {
                let (users, weights) = xt.row(i);
                for (&u, &wi) in users.iter().zip(weights) {
                    let (items, values) = x.row(u as usize);
                    for (&j, &wj) in items.iter().zip(values) {
                        if acc[j as usize] == 0.0 {
                            touched.push(j);
                        }
                        acc[j as usize] += wi * wj;
                    }
                }
                let mut top = TopK::new(k);
                for &j in touched.iter() {
                    let dot = acc[j as usize];
                    acc[j as usize] = 0.0;
                    if j as usize != i && dot > 0.0 {
                        top.push(j, dot / (norms[i] * norms[j as usize] + shrink));
                    }
                }
                touched.clear();
                top.into_sorted()
            },
        )
        .collect()
}

impl Recommender for ItemKnn {
    fn name(&self) -> &'static str {
        "item_knn"
    }

    fn fit(&mut self, user_items: &Csr) -> Result<(), RecommendError> {
        let x = self.params.weighting.apply(user_items);
        if x.nnz() == 0 {
            return Err(RecommendError::EmptyTraining { model: "item_knn" });
        }
        self.neighbours = cosine_neighbours(&x, self.params.k, self.params.shrink);
        Ok(())
    }

    fn n_items(&self) -> usize {
        self.neighbours.len()
    }

    fn score(&self, profile: &[(u32, f32)], scores: &mut [f32]) {
        super::score_by_neighbours(&self.neighbours, self.params.weighting, profile, scores);
    }

    fn similar_items(&self, item: u32, n: usize) -> Vec<Scored> {
        super::top_neighbours(&self.neighbours, item, n)
    }

    fn explain(&self, profile: &[(u32, f32)], item: u32) -> Vec<Scored> {
        super::explain_by_neighbours(&self.neighbours, self.params.weighting, profile, item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_similarity_matches_a_hand_computation() {
        // Users × items, binary: item 0 = {u0, u1}, item 1 = {u0, u1, u2}, item 2 = {u2}.
        let x =
            Csr::from_triplets(3, 3, &[(0, 0, 1.0), (1, 0, 1.0), (0, 1, 1.0), (1, 1, 1.0), (2, 1, 1.0), (2, 2, 1.0)]);
        let nb = cosine_neighbours(&x, 5, 0.0);
        // cos(0,1) = 2 / (√2 · √3); cos(1,2) = 1 / (√3 · 1); cos(0,2) = 0 (never seen together).
        let c01 = 2.0 / (2f32.sqrt() * 3f32.sqrt());
        let c12 = 1.0 / 3f32.sqrt();
        assert_eq!(nb[0].len(), 1);
        assert!((nb[0][0].score - c01).abs() < 1e-6 && nb[0][0].item == 1);
        assert_eq!(nb[1].iter().map(|s| s.item).collect::<Vec<_>>(), vec![0, 2]);
        assert!((nb[1][1].score - c12).abs() < 1e-6);
        assert!(nb[2].iter().all(|s| s.item != 0), "no similarity without a common user");
    }

    #[test]
    fn shrinkage_lowers_similarities_built_on_few_users() {
        let x = Csr::from_triplets(2, 2, &[(0, 0, 1.0), (0, 1, 1.0)]);
        let plain = cosine_neighbours(&x, 1, 0.0)[0][0].score;
        let shrunk = cosine_neighbours(&x, 1, 10.0)[0][0].score;
        assert!((plain - 1.0).abs() < 1e-6 && shrunk < 0.1, "{plain} {shrunk}");
    }
}
