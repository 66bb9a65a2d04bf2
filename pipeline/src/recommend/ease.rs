//! EASE (Steck 2019, "Embarrassingly Shallow Autoencoders"): an item × item weight matrix in closed form.
//!
//! B = I − P · diag(1 / diag(P)) with P = (XᵀX + λI)⁻¹, and B's diagonal forced to zero. P comes from a
//! Cholesky factorisation in faer. When there are fewer users than items, P is computed through the
//! Woodbury identity, P = (I − Xᵀ(λI + XXᵀ)⁻¹X) / λ, which needs a users × users factorisation instead
//! of an items × items one (ml-latest-small: 610 users, 9,724 items). Only items seen in training are
//! modelled, at most `max_items` of them (the most frequent): B is dense, so memory is 4 · items² bytes.

use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::{Accum, Mat, Par, Side};
use serde::{Deserialize, Serialize};

use super::{Csr, Neighbours, RecommendError, Recommender, Scored, TopK, Weighting};

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EaseParams {
    /// L2 regularisation λ added to the Gram matrix's diagonal.
    pub lambda: f64,
    /// Largest number of items modelled (the most frequent in training).
    pub max_items: usize,
    pub weighting: Weighting,
}

impl Default for EaseParams {
    fn default() -> Self {
        Self { lambda: 300.0, max_items: 15_000, weighting: Weighting::default() }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Ease {
    pub params: EaseParams,
    n_items: usize,
    /// Modelled item → global item.
    active: Vec<u32>,
    /// Global item → modelled item, or `NONE`.
    index_of: Vec<u32>,
    /// Row-major m × m: `b[i * m + j]` is how much liking i raises j.
    b: Vec<f32>,
}

impl Ease {
    pub fn new(params: EaseParams) -> Self {
        Self { params, ..Default::default() }
    }

    /// Number of items modelled (seen in training).
    pub fn modelled_items(&self) -> usize {
        self.active.len()
    }

    /// The weight from `i` to `j` (0 when either is not modelled).
    pub fn weight(&self, i: u32, j: u32) -> f32 {
        let (Some(&a), Some(&b)) = (self.index_of.get(i as usize), self.index_of.get(j as usize)) else {
            return 0.0;
        };
        if a == NONE || b == NONE {
            return 0.0;
        }
        self.b[a as usize * self.active.len() + b as usize]
    }

    /// The `k` largest positive weights of each item's row, for storage and hybrid blending.
    pub fn neighbour_lists(&self, k: usize) -> Neighbours {
        (0..self.n_items as u32).map(|i| self.similar_items(i, k)).collect()
    }
}

/// Users densified at a time when accumulating XᵀX (bounds memory to `GRAM_BLOCK` × items).
const GRAM_BLOCK: usize = 1024;

/// P = (XᵀX + λI)⁻¹ for the modelled columns of a sparse users × items matrix, by whichever side is smaller.
/// `rows` lists the users to use, `index_of` maps a global item to its modelled column.
fn inverse_gram(x: &Csr, rows: &[usize], index_of: &[u32], m: usize, lambda: f64) -> Result<Mat<f64>, RecommendError> {
    let par = Par::rayon(0);
    let not_pd = |e: faer::linalg::solvers::LltError| RecommendError::NotPositiveDefinite {
        model: "ease",
        detail: format!("{e:?}"),
    };
    let densify = |users: &[usize]| {
        let mut dense = Mat::<f64>::zeros(users.len(), m);
        for (r, &u) in users.iter().enumerate() {
            for (i, v) in x.row_pairs(u) {
                let a = index_of[i as usize];
                if a != NONE {
                    dense[(r, a as usize)] = f64::from(v);
                }
            }
        }
        dense
    };
    if rows.len() < m {
        // Woodbury: (λI + XᵀX)⁻¹ = (I − Xᵀ (λI + XXᵀ)⁻¹ X) / λ, with a users × users factorisation.
        let x = densify(rows);
        let u = rows.len();
        let mut k = Mat::<f64>::zeros(u, u);
        faer::linalg::matmul::matmul(k.as_mut(), Accum::Replace, x.as_ref(), x.transpose(), 1.0, par);
        for d in 0..u {
            k[(d, d)] += lambda;
        }
        let y = k.llt(Side::Lower).map_err(not_pd)?.solve(x.as_ref());
        let mut p = Mat::<f64>::identity(m, m);
        faer::linalg::matmul::matmul(p.as_mut(), Accum::Add, x.transpose(), y.as_ref(), -1.0, par);
        for j in 0..m {
            for v in p.col_as_slice_mut(j) {
                *v /= lambda;
            }
        }
        Ok(p)
    } else {
        let mut g = Mat::<f64>::zeros(m, m);
        for block in rows.chunks(GRAM_BLOCK) {
            let xb = densify(block);
            faer::linalg::matmul::matmul(g.as_mut(), Accum::Add, xb.transpose(), xb.as_ref(), 1.0, par);
        }
        for d in 0..m {
            g[(d, d)] += lambda;
        }
        Ok(g.llt(Side::Lower).map_err(not_pd)?.inverse())
    }
}

impl Recommender for Ease {
    fn name(&self) -> &'static str {
        "ease"
    }

    fn fit(&mut self, user_items: &Csr) -> Result<(), RecommendError> {
        let x = self.params.weighting.apply(user_items);
        if x.nnz() == 0 {
            return Err(RecommendError::EmptyTraining { model: "ease" });
        }
        self.n_items = x.n_cols;
        let counts = x.column_counts();
        let mut active: Vec<u32> = (0..x.n_cols as u32).filter(|&i| counts[i as usize] > 0).collect();
        if active.len() > self.params.max_items {
            active.sort_by_key(|&i| (std::cmp::Reverse(counts[i as usize]), i));
            active.truncate(self.params.max_items);
            active.sort_unstable();
        }
        let mut index_of = vec![NONE; x.n_cols];
        for (a, &i) in active.iter().enumerate() {
            index_of[i as usize] = a as u32;
        }
        // Users without a modelled item add nothing to XᵀX.
        let users: Vec<usize> =
            (0..x.n_rows).filter(|&u| x.row(u).0.iter().any(|&i| index_of[i as usize] != NONE)).collect();
        let m = active.len();
        let p = inverse_gram(&x, &users, &index_of, m, self.params.lambda)?;
        let diag: Vec<f64> = (0..m).map(|j| p[(j, j)]).collect();
        let mut b = vec![0f32; m * m];
        for (i, row) in b.chunks_mut(m.max(1)).enumerate().take(m) {
            // P is symmetric, so row i of P is its (contiguous) column i.
            let col = p.col_as_slice(i);
            for j in 0..m {
                row[j] = if i == j { 0.0 } else { (-col[j] / diag[j]) as f32 };
            }
        }
        self.active = active;
        self.index_of = index_of;
        self.b = b;
        Ok(())
    }

    fn n_items(&self) -> usize {
        self.n_items
    }

    fn score(&self, profile: &[(u32, f32)], scores: &mut [f32]) {
        let m = self.active.len();
        let mut acc = vec![0f32; m];
        for &(i, r) in profile {
            let w = self.params.weighting.weight(r);
            let a = self.index_of.get(i as usize).copied().unwrap_or(NONE);
            if w == 0.0 || a == NONE {
                continue;
            }
            let row = &self.b[a as usize * m..(a as usize + 1) * m];
            for (s, &bij) in acc.iter_mut().zip(row) {
                *s += w * bij;
            }
        }
        scores.iter_mut().for_each(|s| *s = 0.0);
        for (a, &i) in self.active.iter().enumerate() {
            scores[i as usize] = acc[a];
        }
    }

    fn similar_items(&self, item: u32, n: usize) -> Vec<Scored> {
        let m = self.active.len();
        let Some(&a) = self.index_of.get(item as usize) else { return Vec::new() };
        if a == NONE {
            return Vec::new();
        }
        let mut top = TopK::new(n);
        for (j, &w) in self.b[a as usize * m..(a as usize + 1) * m].iter().enumerate() {
            if j != a as usize && w > 0.0 {
                top.push(self.active[j], w);
            }
        }
        top.into_sorted()
    }

    fn explain(&self, profile: &[(u32, f32)], item: u32) -> Vec<Scored> {
        let mut out: Vec<Scored> = profile
            .iter()
            .map(|&(i, r)| Scored { item: i, score: self.params.weighting.weight(r) * self.weight(i, item) })
            .filter(|s| s.score > 0.0)
            .collect();
        super::sparse::sort_best_first(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// B computed independently: solve (G + λI) P = I by Gauss-Jordan on a tiny matrix, in f64.
    fn reference_b(x: &[Vec<f64>], lambda: f64) -> Vec<Vec<f64>> {
        let m = x[0].len();
        let mut a = vec![vec![0.0; 2 * m]; m];
        for i in 0..m {
            for j in 0..m {
                a[i][j] = x.iter().map(|row| row[i] * row[j]).sum::<f64>() + if i == j { lambda } else { 0.0 };
            }
            a[i][m + i] = 1.0;
        }
        for c in 0..m {
            let pivot = a[c][c];
            for v in a[c].iter_mut() {
                *v /= pivot;
            }
            for r in 0..m {
                if r != c {
                    let f = a[r][c];
                    let pivot_row = a[c].clone();
                    for (v, p) in a[r].iter_mut().zip(pivot_row) {
                        *v -= f * p;
                    }
                }
            }
        }
        let p = |i: usize, j: usize| a[i][m + j];
        (0..m).map(|i| (0..m).map(|j| if i == j { 0.0 } else { -p(i, j) / p(j, j) }).collect()).collect()
    }

    fn check_against_reference(x: Vec<Vec<f64>>, lambda: f64) {
        let triplets: Vec<(u32, u32, f32)> = x
            .iter()
            .enumerate()
            .flat_map(|(u, row)| {
                row.iter().enumerate().filter(|(_, v)| **v > 0.0).map(move |(i, _)| (u as u32, i as u32, 5.0))
            })
            .collect();
        let csr = Csr::from_triplets(x.len(), x[0].len(), &triplets);
        let mut ease = Ease::new(EaseParams { lambda, ..Default::default() });
        ease.fit(&csr).unwrap();
        let expected = reference_b(&x, lambda);
        for (i, row) in expected.iter().enumerate() {
            for (j, &e) in row.iter().enumerate() {
                let got = ease.weight(i as u32, j as u32);
                assert!((f64::from(got) - e).abs() < 1e-5, "B[{i}][{j}] = {got}, expected {e}");
            }
        }
    }

    #[test]
    fn weights_match_the_closed_form_with_more_users_than_items() {
        let x = vec![
            vec![1.0, 1.0, 0.0, 0.0],
            vec![1.0, 0.0, 1.0, 0.0],
            vec![0.0, 1.0, 1.0, 1.0],
            vec![1.0, 1.0, 1.0, 0.0],
            vec![0.0, 0.0, 1.0, 1.0],
            vec![0.0, 1.0, 0.0, 1.0],
        ];
        check_against_reference(x, 2.0);
    }

    #[test]
    fn weights_match_the_closed_form_with_fewer_users_than_items() {
        // The Woodbury path: two users, five items.
        let x = vec![vec![1.0, 1.0, 0.0, 1.0, 0.0], vec![0.0, 1.0, 1.0, 1.0, 1.0]];
        check_against_reference(x, 0.5);
    }

    #[test]
    fn items_never_seen_in_training_get_no_neighbours() {
        let csr = Csr::from_triplets(2, 3, &[(0, 0, 5.0), (0, 1, 5.0), (1, 0, 4.0)]);
        let mut ease = Ease::new(EaseParams { lambda: 1.0, ..Default::default() });
        ease.fit(&csr).unwrap();
        assert_eq!(ease.modelled_items(), 2);
        assert!(ease.similar_items(2, 5).is_empty());
        assert_eq!(ease.similar_items(0, 5).first().map(|s| s.item), Some(1));
    }
}
