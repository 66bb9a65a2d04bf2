//! The hybrid model: a weighted blend of a collaborative model and the content model, so that films
//! nobody rated still get neighbours and recommendations, and rated films profit from the crowd.
//!
//! Each side's scores are scaled to a maximum of 1 before blending (their raw scales differ: EASE weights
//! versus cosines); the collaborative weight is tuned on a validation split carved from training.

use std::sync::Arc;

use super::content::ContentModel;
use super::{Csr, RecommendError, Recommender, Scored};

pub struct Hybrid {
    pub collaborative: Box<dyn Recommender>,
    /// Shared: the content neighbours of a large catalogue are not copied for each blend tried.
    pub content: Arc<ContentModel>,
    /// Weight of the collaborative side, in [0, 1]; the content side gets the rest.
    pub collaborative_weight: f32,
}

/// Divides by the largest positive value so the best item scores 1 (all-zero or negative inputs unchanged).
pub fn scale_to_max(scores: &mut [f32]) {
    let max = scores.iter().copied().filter(|s| s.is_finite()).fold(0.0f32, f32::max);
    if max > 0.0 {
        scores.iter_mut().for_each(|s| *s /= max);
    }
}

/// A blended neighbour with what each side contributed to its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlendedNeighbour {
    pub item: u32,
    pub score: f32,
    pub collaborative: f32,
    pub content: f32,
}

/// Blends two neighbour lists (each scaled so its best neighbour scores 1) and keeps the `n` best for which
/// `keep` is true, with each side's contribution (to choose the reason shown).
pub fn blend_neighbours_detailed(
    collaborative: &[Scored],
    content: &[Scored],
    weight: f32,
    n: usize,
    keep: impl Fn(u32) -> bool,
) -> Vec<BlendedNeighbour> {
    let top_of = |v: &[Scored]| v.first().map_or(1.0, |s| s.score.max(f32::MIN_POSITIVE));
    let (cmax, tmax) = (top_of(collaborative), top_of(content));
    let mut merged: Vec<BlendedNeighbour> = collaborative
        .iter()
        .filter(|s| keep(s.item))
        .map(|s| {
            let c = weight * s.score / cmax;
            BlendedNeighbour { item: s.item, score: c, collaborative: c, content: 0.0 }
        })
        .collect();
    for s in content.iter().filter(|s| keep(s.item)) {
        let add = (1.0 - weight) * s.score / tmax;
        match merged.iter_mut().find(|m| m.item == s.item) {
            Some(m) => {
                m.score += add;
                m.content = add;
            }
            None => merged.push(BlendedNeighbour { item: s.item, score: add, collaborative: 0.0, content: add }),
        }
    }
    merged.retain(|m| m.score > 0.0);
    merged.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
    merged.truncate(n);
    merged
}

/// [`blend_neighbours_detailed`] without the detail and without a filter.
pub fn blend_neighbours(collaborative: &[Scored], content: &[Scored], weight: f32, n: usize) -> Vec<Scored> {
    blend_neighbours_detailed(collaborative, content, weight, n, |_| true)
        .into_iter()
        .map(|b| Scored { item: b.item, score: b.score })
        .collect()
}

impl Recommender for Hybrid {
    fn name(&self) -> &'static str {
        "hybrid"
    }

    fn fit(&mut self, user_items: &Csr) -> Result<(), RecommendError> {
        self.collaborative.fit(user_items)
    }

    fn n_items(&self) -> usize {
        self.content.n_items().max(self.collaborative.n_items())
    }

    fn score(&self, profile: &[(u32, f32)], scores: &mut [f32]) {
        let w = self.collaborative_weight;
        let mut cf = vec![0f32; self.collaborative.n_items()];
        self.collaborative.score(profile, &mut cf);
        scale_to_max(&mut cf);
        let mut ct = vec![0f32; self.content.n_items()];
        self.content.score(profile, &mut ct);
        scale_to_max(&mut ct);
        for (i, s) in scores.iter_mut().enumerate() {
            *s = w * cf.get(i).copied().unwrap_or(0.0) + (1.0 - w) * ct.get(i).copied().unwrap_or(0.0);
        }
    }

    fn similar_items(&self, item: u32, n: usize) -> Vec<Scored> {
        let pool = n.max(10) * 4;
        blend_neighbours(
            &self.collaborative.similar_items(item, pool),
            &self.content.similar_items(item, pool),
            self.collaborative_weight,
            n,
        )
    }

    fn explain(&self, profile: &[(u32, f32)], item: u32) -> Vec<Scored> {
        let w = self.collaborative_weight;
        let mut out: Vec<Scored> = Vec::new();
        for (side, weight) in
            [(self.collaborative.explain(profile, item), w), (self.content.explain(profile, item), 1.0 - w)]
        {
            let max = side.first().map_or(1.0, |s| s.score.max(f32::MIN_POSITIVE));
            for s in side {
                let add = weight * s.score / max;
                match out.iter_mut().find(|o| o.item == s.item) {
                    Some(o) => o.score += add,
                    None => out.push(Scored { item: s.item, score: add }),
                }
            }
        }
        super::sparse::sort_best_first(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_film_without_ratings_still_gets_content_neighbours() {
        let collaborative = vec![Scored { item: 1, score: 4.0 }, Scored { item: 2, score: 2.0 }];
        let content = vec![Scored { item: 3, score: 0.8 }, Scored { item: 2, score: 0.4 }];
        let blended = blend_neighbours(&collaborative, &content, 0.5, 3);
        // 2 is on both sides: 0.5·(2/4) + 0.5·(0.4/0.8) = 0.5; 1: 0.5; 3: 0.5. Ties break by index.
        assert_eq!(blended.iter().map(|s| s.item).collect::<Vec<_>>(), vec![1, 2, 3]);
        let cold = blend_neighbours(&[], &content, 0.7, 3);
        assert_eq!(cold.iter().map(|s| s.item).collect::<Vec<_>>(), vec![3, 2]);
    }
}
