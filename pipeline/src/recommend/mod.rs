//! Recommendation models behind one small trait in the spirit of the `implicit` library.
//!
//! Layout:
//! - `sparse`: CSR matrices and top-k selection shared by every model;
//! - `popularity`, `item_knn`, `ease`, `factors` (biased matrix factorisation, also predicts ratings):
//!   collaborative models fitted on a user × item matrix of ratings;
//! - `content`: TF-IDF film vectors and top-k neighbours by sparse similarity (inverted index, bounded memory);
//! - `hybrid`: content and collaborative scores blended with weights tuned on a validation split;
//! - `interactions`: MovieLens ratings and the MovieLens → IMDb id mapping (links, or title + year);
//! - `features`: the content tokens of each film read from the lake (genres, people, decade, TMDB);
//! - `reasons`: why a film is recommended (same director, shared cast, co-liked…) rendered in French or English;
//! - `title_search`: fuzzy, accent- and case-insensitive title search with year disambiguation;
//! - `training`: the serving recommender trained from the lake (catalogue items, hybrid neighbours, reasons);
//! - `picks`: the weekly picks of the notifier (exactly five distinct, diversified films per customer);
//! - `artefacts`: the files of a trained run (`similar_films.parquet`, `films.parquet`) and serving from them.
//!
//! Items are dense indices `0..n_items`; a *profile* is a user's rated items as `(item, rating)` pairs
//! sorted by item. Models turn ratings into implicit weights through [`Weighting`].

pub mod artefacts;
pub mod content;
pub mod ease;
pub mod factors;
pub mod features;
pub mod hybrid;
pub mod interactions;
pub mod item_knn;
pub mod picks;
pub mod popularity;
pub mod reasons;
pub mod sparse;
pub mod title_search;
pub mod training;

use serde::{Deserialize, Serialize};
pub use sparse::{Csr, Scored, TopK};

/// Why a model could not be fitted or used.
#[derive(Debug, thiserror::Error)]
pub enum RecommendError {
    #[error("{model}: nothing to learn from (the interaction matrix has no entries)")]
    EmptyTraining { model: &'static str },
    #[error("{model}: the linear system is not positive definite ({detail}); raise the regularisation")]
    NotPositiveDefinite { model: &'static str, detail: String },
    #[error("{model}: item {item} is outside the {n_items} items the model was fitted on")]
    UnknownItem { model: &'static str, item: u32, n_items: usize },
    #[error("{model}: the model is used before `fit`")]
    NotFitted { model: &'static str },
}

/// How an explicit rating becomes an implicit interaction weight: ratings at or above `threshold`
/// count 1, lower ratings count `below_weight` (0 ignores them; a small weight keeps "seen" as a signal).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weighting {
    pub threshold: f32,
    pub below_weight: f32,
}

impl Default for Weighting {
    fn default() -> Self {
        Self { threshold: 4.0, below_weight: 0.0 }
    }
}

impl Weighting {
    pub fn weight(&self, rating: f32) -> f32 {
        if rating >= self.threshold { 1.0 } else { self.below_weight }
    }

    /// The implicit matrix of a rating matrix (entries of weight 0 dropped).
    pub fn apply(&self, ratings: &Csr) -> Csr {
        ratings.map_values(|r| self.weight(r))
    }
}

/// What to leave out of, or restrict, a recommendation list.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    /// Leave out the profile's own items (`filter_already_liked_items` in `implicit`).
    pub skip_profile: bool,
    /// Items never to recommend.
    pub exclude: &'a [u32],
    /// When given, recommend only among these items (the cinema's programme).
    pub candidates: Option<&'a [u32]>,
}

/// The interface every model implements (content, item-kNN, EASE, latent factors, hybrid, popularity), so
/// evaluation, the CLI and the notifier do not depend on which model is active.
pub trait Recommender: Send + Sync {
    /// Short stable name (`ease`, `item_knn`, …) used in metrics and artefacts.
    fn name(&self) -> &'static str;

    /// Learns from a user × item matrix of explicit ratings (rows users, columns items).
    fn fit(&mut self, user_items: &Csr) -> Result<(), RecommendError>;

    /// Number of items the model scores.
    fn n_items(&self) -> usize;

    /// Writes a score for every item into `scores` (length [`Recommender::n_items`]); higher is better.
    fn score(&self, profile: &[(u32, f32)], scores: &mut [f32]);

    /// The `n` best items for a profile.
    fn recommend(&self, profile: &[(u32, f32)], n: usize, filter: &Filter) -> Vec<Scored> {
        let mut scores = vec![0f32; self.n_items()];
        self.score(profile, &mut scores);
        rank(&scores, profile, n, filter)
    }

    /// The `n` items most similar to `item` (never `item` itself).
    fn similar_items(&self, item: u32, n: usize) -> Vec<Scored>;

    /// How much each profile item contributes to `item`'s score, largest first.
    fn explain(&self, profile: &[(u32, f32)], item: u32) -> Vec<Scored> {
        let mut scores = vec![0f32; self.n_items()];
        let mut out: Vec<Scored> = profile
            .iter()
            .map(|&(p, r)| {
                scores.iter_mut().for_each(|s| *s = 0.0);
                self.score(&[(p, r)], &mut scores);
                Scored { item: p, score: scores.get(item as usize).copied().unwrap_or(0.0) }
            })
            .collect();
        sparse::sort_best_first(&mut out);
        out
    }
}

/// Turns dense scores into the `n` best items under a filter.
pub fn rank(scores: &[f32], profile: &[(u32, f32)], n: usize, filter: &Filter) -> Vec<Scored> {
    let skipped = |i: u32| {
        (filter.skip_profile && profile.binary_search_by_key(&i, |&(p, _)| p).is_ok()) || filter.exclude.contains(&i)
    };
    match filter.candidates {
        Some(candidates) => {
            let mut top = TopK::new(n);
            for &c in candidates {
                if let Some(&s) = scores.get(c as usize)
                    && s.is_finite()
                    && !skipped(c)
                {
                    top.push(c, s);
                }
            }
            top.into_sorted()
        }
        None => sparse::top_k_dense(scores, n, skipped),
    }
}

/// Builds a profile from `(item, rating)` pairs in any order (duplicates keep the last rating).
pub fn profile_of(mut pairs: Vec<(u32, f32)>) -> Vec<(u32, f32)> {
    pairs.sort_by_key(|&(i, _)| i);
    pairs.reverse();
    pairs.dedup_by_key(|&mut (i, _)| i);
    pairs.reverse();
    pairs
}

/// Neighbour lists: row `i` holds item `i`'s neighbours sorted best first.
pub type Neighbours = Vec<Vec<Scored>>;

/// The similarity of `j` to `i`: its score in `i`'s list, 0 when it is not a kept neighbour.
pub fn neighbour_score(neighbours: &Neighbours, i: u32, j: u32) -> f32 {
    neighbours.get(i as usize).and_then(|row| row.iter().find(|s| s.item == j)).map_or(0.0, |s| s.score)
}

/// The [`Recommender::score`] of a neighbour-list model: each profile item lends its neighbours its weight.
pub fn score_by_neighbours(neighbours: &Neighbours, weighting: Weighting, profile: &[(u32, f32)], scores: &mut [f32]) {
    scores.iter_mut().for_each(|s| *s = 0.0);
    for &(i, r) in profile {
        let w = weighting.weight(r);
        if w == 0.0 {
            continue;
        }
        for s in neighbours.get(i as usize).map(Vec::as_slice).unwrap_or(&[]) {
            scores[s.item as usize] += w * s.score;
        }
    }
}

/// The [`Recommender::similar_items`] of a neighbour-list model.
pub fn top_neighbours(neighbours: &Neighbours, item: u32, n: usize) -> Vec<Scored> {
    neighbours.get(item as usize).map(|row| row.iter().take(n).copied().collect()).unwrap_or_default()
}

/// The [`Recommender::explain`] of a neighbour-list model: the profile items that lent `item` its score.
pub fn explain_by_neighbours(
    neighbours: &Neighbours,
    weighting: Weighting,
    profile: &[(u32, f32)],
    item: u32,
) -> Vec<Scored> {
    let mut out: Vec<Scored> = profile
        .iter()
        .map(|&(i, r)| Scored { item: i, score: weighting.weight(r) * neighbour_score(neighbours, i, item) })
        .filter(|s| s.score > 0.0)
        .collect();
    sparse::sort_best_first(&mut out);
    out
}
