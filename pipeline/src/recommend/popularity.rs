//! The popularity baseline: every user gets the items most often liked in training.

use super::{Csr, RecommendError, Recommender, Scored, Weighting};

/// Scores an item by how many users interacted with it (with the model's weighting).
#[derive(Debug, Clone, Default)]
pub struct Popularity {
    pub weighting: Weighting,
    counts: Vec<f32>,
}

impl Popularity {
    pub fn new(weighting: Weighting) -> Self {
        Self { weighting, counts: Vec::new() }
    }

    /// Interaction weight summed per item.
    pub fn counts(&self) -> &[f32] {
        &self.counts
    }
}

impl Recommender for Popularity {
    fn name(&self) -> &'static str {
        "popularity"
    }

    fn fit(&mut self, user_items: &Csr) -> Result<(), RecommendError> {
        let x = self.weighting.apply(user_items);
        if x.nnz() == 0 {
            return Err(RecommendError::EmptyTraining { model: "popularity" });
        }
        self.counts = vec![0.0; x.n_cols];
        for (&c, &v) in x.indices.iter().zip(&x.values) {
            self.counts[c as usize] += v;
        }
        Ok(())
    }

    fn n_items(&self) -> usize {
        self.counts.len()
    }

    fn score(&self, _profile: &[(u32, f32)], scores: &mut [f32]) {
        scores.copy_from_slice(&self.counts);
    }

    fn similar_items(&self, item: u32, n: usize) -> Vec<Scored> {
        super::sparse::top_k_dense(&self.counts, n, |i| i == item)
    }

    fn explain(&self, _profile: &[(u32, f32)], _item: u32) -> Vec<Scored> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::Filter;

    #[test]
    fn the_most_liked_unseen_items_come_first() {
        // Item 2 liked by three users, item 0 by two, item 1 by one (and disliked by one).
        let m = Csr::from_triplets(
            3,
            3,
            &[(0, 2, 5.0), (1, 2, 4.0), (2, 2, 4.0), (0, 0, 4.0), (1, 0, 5.0), (2, 1, 4.0), (1, 1, 2.0)],
        );
        let mut p = Popularity::default();
        p.fit(&m).unwrap();
        let recs = p.recommend(&[(2, 4.0)], 2, &Filter { skip_profile: true, ..Default::default() });
        assert_eq!(recs.iter().map(|s| s.item).collect::<Vec<_>>(), vec![0, 1]);
    }
}
