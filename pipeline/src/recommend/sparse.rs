//! Compressed sparse rows: the user × item matrix and per-item neighbour lists, plus top-k selection.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A compressed-sparse-row matrix of `f32` with sorted column indices in each row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Csr {
    pub n_rows: usize,
    pub n_cols: usize,
    /// Row `r` occupies `indices[indptr[r]..indptr[r + 1]]`.
    pub indptr: Vec<usize>,
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
}

impl Csr {
    /// Builds a matrix from `(row, col, value)` triplets in any order; duplicates are summed.
    pub fn from_triplets(n_rows: usize, n_cols: usize, triplets: &[(u32, u32, f32)]) -> Self {
        let mut counts = vec![0usize; n_rows + 1];
        for &(r, _, _) in triplets {
            counts[r as usize + 1] += 1;
        }
        for r in 0..n_rows {
            counts[r + 1] += counts[r];
        }
        let mut next = counts.clone();
        let mut cols = vec![0u32; triplets.len()];
        let mut vals = vec![0f32; triplets.len()];
        for &(r, c, v) in triplets {
            debug_assert!((c as usize) < n_cols, "column {c} out of {n_cols}");
            let at = &mut next[r as usize];
            cols[*at] = c;
            vals[*at] = v;
            *at += 1;
        }
        // Sort each row by column and merge duplicates.
        let mut indptr = Vec::with_capacity(n_rows + 1);
        let mut indices = Vec::with_capacity(triplets.len());
        let mut values = Vec::with_capacity(triplets.len());
        indptr.push(0);
        let mut row: Vec<(u32, f32)> = Vec::new();
        for r in 0..n_rows {
            row.clear();
            row.extend((counts[r]..counts[r + 1]).map(|k| (cols[k], vals[k])));
            row.sort_unstable_by_key(|&(c, _)| c);
            for &(c, v) in &row {
                if indices.len() > *indptr.last().unwrap() && *indices.last().unwrap() == c {
                    *values.last_mut().unwrap() += v;
                } else {
                    indices.push(c);
                    values.push(v);
                }
            }
            indptr.push(indices.len());
        }
        Self { n_rows, n_cols, indptr, indices, values }
    }

    /// Builds a matrix from rows already sorted by column without duplicates.
    pub fn from_rows(n_cols: usize, rows: impl IntoIterator<Item = Vec<(u32, f32)>>) -> Self {
        let mut m = Self { n_rows: 0, n_cols, indptr: vec![0], indices: Vec::new(), values: Vec::new() };
        for row in rows {
            for (c, v) in row {
                m.indices.push(c);
                m.values.push(v);
            }
            m.indptr.push(m.indices.len());
            m.n_rows += 1;
        }
        m
    }

    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// The column indices and values of row `r`.
    pub fn row(&self, r: usize) -> (&[u32], &[f32]) {
        let span = self.indptr[r]..self.indptr[r + 1];
        (&self.indices[span.clone()], &self.values[span])
    }

    /// Row `r` as `(column, value)` pairs.
    pub fn row_pairs(&self, r: usize) -> impl Iterator<Item = (u32, f32)> + '_ {
        let (c, v) = self.row(r);
        c.iter().copied().zip(v.iter().copied())
    }

    pub fn row_len(&self, r: usize) -> usize {
        self.indptr[r + 1] - self.indptr[r]
    }

    /// The transpose, with sorted rows (a counting sort, linear in nnz).
    pub fn transpose(&self) -> Self {
        let mut counts = vec![0usize; self.n_cols + 1];
        for &c in &self.indices {
            counts[c as usize + 1] += 1;
        }
        for c in 0..self.n_cols {
            counts[c + 1] += counts[c];
        }
        let mut next = counts.clone();
        let mut indices = vec![0u32; self.nnz()];
        let mut values = vec![0f32; self.nnz()];
        for r in 0..self.n_rows {
            let (cols, vals) = self.row(r);
            for (&c, &v) in cols.iter().zip(vals) {
                let at = &mut next[c as usize];
                indices[*at] = r as u32;
                values[*at] = v;
                *at += 1;
            }
        }
        Self { n_rows: self.n_cols, n_cols: self.n_rows, indptr: counts, indices, values }
    }

    /// The same pattern with every value replaced by `f(value)`; zeros produced by `f` are dropped.
    pub fn map_values(&self, f: impl Fn(f32) -> f32) -> Self {
        let rows =
            (0..self.n_rows).map(|r| self.row_pairs(r).map(|(c, v)| (c, f(v))).filter(|&(_, v)| v != 0.0).collect());
        Self::from_rows(self.n_cols, rows)
    }

    /// Number of stored entries in each column.
    pub fn column_counts(&self) -> Vec<u32> {
        let mut counts = vec![0u32; self.n_cols];
        for &c in &self.indices {
            counts[c as usize] += 1;
        }
        counts
    }
}

/// An item and its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub item: u32,
    pub score: f32,
}

/// Heap entry ordered so that the *worst* kept item is on top (min-heap on score, then larger id).
#[derive(PartialEq)]
struct Worst(Scored);

impl Eq for Worst {}

impl Ord for Worst {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.score.total_cmp(&self.0.score).then(self.0.item.cmp(&other.0.item))
    }
}

impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Keeps the `k` best of a stream of scored items; ties go to the smaller item index so results are stable.
pub struct TopK {
    k: usize,
    heap: BinaryHeap<Worst>,
}

impl TopK {
    pub fn new(k: usize) -> Self {
        Self { k, heap: BinaryHeap::with_capacity(k + 1) }
    }

    pub fn push(&mut self, item: u32, score: f32) {
        if self.k == 0 || score.is_nan() {
            return;
        }
        let entry = Worst(Scored { item, score });
        if self.heap.len() < self.k {
            self.heap.push(entry);
        } else if let Some(top) = self.heap.peek()
            && entry < *top
        {
            self.heap.pop();
            self.heap.push(entry);
        }
    }

    /// The kept items, best first.
    pub fn into_sorted(self) -> Vec<Scored> {
        let mut v: Vec<Scored> = self.heap.into_iter().map(|w| w.0).collect();
        sort_best_first(&mut v);
        v
    }
}

/// Sorts by descending score, then ascending item index.
pub fn sort_best_first(v: &mut [Scored]) {
    v.sort_unstable_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
}

/// The `k` best entries of a dense score vector, skipping items for which `skip` is true.
pub fn top_k_dense(scores: &[f32], k: usize, skip: impl Fn(u32) -> bool) -> Vec<Scored> {
    let mut top = TopK::new(k);
    for (i, &s) in scores.iter().enumerate() {
        if s.is_finite() && !skip(i as u32) {
            top.push(i as u32, s);
        }
    }
    top.into_sorted()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triplets_are_sorted_and_duplicates_summed() {
        let m = Csr::from_triplets(2, 3, &[(1, 2, 1.0), (0, 1, 2.0), (1, 0, 3.0), (0, 1, 0.5)]);
        assert_eq!(m.row(0), (&[1u32][..], &[2.5f32][..]));
        assert_eq!(m.row(1), (&[0u32, 2][..], &[3.0f32, 1.0][..]));
        assert_eq!(m.nnz(), 3);
    }

    #[test]
    fn transposing_twice_gives_the_same_matrix() {
        let m = Csr::from_triplets(3, 4, &[(0, 3, 1.0), (2, 0, 2.0), (1, 3, 3.0), (2, 3, 4.0)]);
        let t = m.transpose();
        assert_eq!(t.row(3), (&[0u32, 1, 2][..], &[1.0f32, 3.0, 4.0][..]));
        assert_eq!(t.transpose(), m);
    }

    #[test]
    fn top_k_keeps_the_best_and_breaks_ties_by_index() {
        let scores = [0.5, 2.0, 2.0, -1.0, 3.0, f32::NAN];
        let top = top_k_dense(&scores, 3, |i| i == 4);
        let items: Vec<u32> = top.iter().map(|s| s.item).collect();
        assert_eq!(items, vec![1, 2, 0]);
    }
}
