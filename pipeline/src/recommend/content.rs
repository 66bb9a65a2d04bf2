//! Content-based neighbours: a TF-IDF vector per film (genres, directors, writers, top-billed cast, decade,
//! language, countries, TMDB keywords), L2-normalised, and top-k neighbours by cosine similarity.
//!
//! Never an n × n matrix: neighbours come from an inverted index over the *narrow* features (people,
//! keywords: each shared by few films), accumulated in one sparse accumulator per thread. *Broad* features
//! (a genre shared by 40% of the catalogue) would make that quadratic, so they only score candidates; films
//! sharing their broad signature (same genres, decade, language…) are added as candidates, most popular
//! first, so a film known only by its genres still gets sensible neighbours. Scores of all candidates are
//! exact cosines. Memory is O(films × (features + k)).

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Csr, Neighbours, RecommendError, Recommender, Scored, TopK, Weighting};

/// The kind of a content feature; it decides its weight and the reason it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Director,
    Cast,
    Writer,
    Keyword,
    Genre,
    Decade,
    Language,
    Country,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Director,
        Field::Cast,
        Field::Writer,
        Field::Keyword,
        Field::Genre,
        Field::Decade,
        Field::Language,
        Field::Country,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Director => "director",
            Field::Cast => "cast",
            Field::Writer => "writer",
            Field::Keyword => "keyword",
            Field::Genre => "genre",
            Field::Decade => "decade",
            Field::Language => "language",
            Field::Country => "country",
        }
    }
}

/// Features of every item: a vocabulary (field, key, label for people) and each item's `(feature, tf)`.
#[derive(Debug, Clone, Default)]
pub struct FeatureTable {
    pub fields: Vec<Field>,
    /// Stable key of each feature (`nm0000001`, `Drama`, `1990s`…).
    pub keys: Vec<String>,
    /// Human label of each feature (a person's name; the key otherwise).
    pub labels: Vec<String>,
    index: HashMap<(Field, String), u32>,
    /// Row `i`: item `i`'s features, sorted by feature id, with a term weight (cast billing, etc.).
    pub items: Vec<Vec<(u32, f32)>>,
}

impl FeatureTable {
    pub fn with_items(n_items: usize) -> Self {
        Self { items: vec![Vec::new(); n_items], ..Default::default() }
    }

    /// The id of a feature, created on first use.
    pub fn feature(&mut self, field: Field, key: &str, label: Option<&str>) -> u32 {
        if let Some(&id) = self.index.get(&(field, key.to_owned())) {
            if let Some(label) = label
                && self.labels[id as usize] == self.keys[id as usize]
            {
                self.labels[id as usize] = label.to_owned();
            }
            return id;
        }
        let id = self.fields.len() as u32;
        self.fields.push(field);
        self.keys.push(key.to_owned());
        self.labels.push(label.unwrap_or(key).to_owned());
        self.index.insert((field, key.to_owned()), id);
        id
    }

    /// Adds a feature to an item (the larger weight wins when it is added twice).
    pub fn add(&mut self, item: usize, field: Field, key: &str, weight: f32) {
        let f = self.feature(field, key, None);
        let row = &mut self.items[item];
        match row.iter_mut().find(|(g, _)| *g == f) {
            Some((_, w)) => *w = w.max(weight),
            None => row.push((f, weight)),
        }
    }

    /// Sets the label of a feature if it exists (people's names are known after their ids).
    pub fn set_label(&mut self, field: Field, key: &str, label: &str) {
        if let Some(&id) = self.index.get(&(field, key.to_owned())) {
            self.labels[id as usize] = label.to_owned();
        }
    }

    /// True when the feature's label can be shown: a person whose name the data gave (real dumps are not
    /// closed: crews reference people missing from name.basics, whose label stays their id), or any other field.
    pub fn is_named(&self, feature: u32) -> bool {
        let f = feature as usize;
        !matches!(self.fields[f], Field::Director | Field::Cast | Field::Writer) || self.labels[f] != self.keys[f]
    }

    pub fn n_features(&self) -> usize {
        self.fields.len()
    }

    /// Features shared by two items, as (feature, item a's weight × item b's weight).
    pub fn shared(&self, a: usize, b: usize) -> Vec<u32> {
        let (ra, rb) = (&self.items[a], &self.items[b]);
        ra.iter().filter(|(f, _)| rb.iter().any(|(g, _)| g == f)).map(|(f, _)| *f).collect()
    }

    fn sort_rows(&mut self) {
        for row in &mut self.items {
            row.sort_unstable_by_key(|&(f, _)| f);
        }
    }
}

/// Relative weight of each field in the similarity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FieldWeights {
    pub director: f32,
    pub cast: f32,
    pub writer: f32,
    pub keyword: f32,
    pub genre: f32,
    pub decade: f32,
    pub language: f32,
    pub country: f32,
}

impl Default for FieldWeights {
    fn default() -> Self {
        Self {
            director: 2.0,
            cast: 1.2,
            writer: 1.0,
            keyword: 1.0,
            genre: 1.0,
            decade: 0.6,
            language: 0.6,
            country: 0.5,
        }
    }
}

impl FieldWeights {
    pub fn of(&self, field: Field) -> f32 {
        match field {
            Field::Director => self.director,
            Field::Cast => self.cast,
            Field::Writer => self.writer,
            Field::Keyword => self.keyword,
            Field::Genre => self.genre,
            Field::Decade => self.decade,
            Field::Language => self.language,
            Field::Country => self.country,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ContentParams {
    /// Neighbours kept per film.
    pub k: usize,
    /// A feature shared by more films than this is broad: it scores candidates but does not generate them.
    pub max_postings: usize,
    /// Candidates added per film from films with the same broad signature (most popular first).
    pub signature_fill: usize,
    pub weights: FieldWeights,
    pub weighting: Weighting,
}

impl Default for ContentParams {
    fn default() -> Self {
        Self {
            k: 50,
            max_postings: 2_000,
            signature_fill: 200,
            weights: FieldWeights::default(),
            weighting: Weighting::default(),
        }
    }
}

/// TF-IDF vectors, L2-normalised: items × features.
pub fn tfidf(table: &FeatureTable, weights: &FieldWeights) -> Csr {
    let n = table.items.len().max(1) as f32;
    let mut df = vec![0u32; table.n_features()];
    for row in &table.items {
        for &(f, _) in row {
            df[f as usize] += 1;
        }
    }
    let rows = table.items.iter().map(|row| {
        let mut v: Vec<(u32, f32)> = row
            .iter()
            .map(|&(f, tf)| {
                let idf = (n / df[f as usize] as f32).ln() + 1.0;
                (f, tf * idf * weights.of(table.fields[f as usize]))
            })
            .filter(|&(_, w)| w > 0.0)
            .collect();
        v.sort_unstable_by_key(|&(f, _)| f);
        let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|(_, w)| *w /= norm);
        }
        v
    });
    Csr::from_rows(table.n_features(), rows.collect::<Vec<_>>())
}

/// Top-`k` cosine neighbours of each item of `queries` among the items where `candidate` is true.
/// `prior` orders the broad-signature fill (e.g. log of the number of votes).
pub fn neighbours(
    vectors: &Csr,
    queries: &[u32],
    candidate: &[bool],
    prior: &[f32],
    params: &ContentParams,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Vec<Scored>> {
    let n = vectors.n_rows;
    let features = vectors.transpose();
    let narrow: Vec<bool> = (0..features.n_rows).map(|f| features.row_len(f) <= params.max_postings).collect();
    // Postings of narrow features, restricted to candidates.
    let postings = Csr::from_rows(
        n,
        (0..features.n_rows)
            .map(|f| {
                if narrow[f] {
                    features.row_pairs(f).filter(|&(i, _)| candidate[i as usize]).collect()
                } else {
                    Vec::new()
                }
            })
            .collect::<Vec<_>>(),
    );
    let broad_of =
        |i: usize| -> Vec<(u32, f32)> { vectors.row_pairs(i).filter(|&(f, _)| !narrow[f as usize]).collect() };
    // Buckets of candidates by broad signature, and by genre-only signature, most popular first.
    let mut by_signature: HashMap<Vec<u32>, Vec<u32>> = HashMap::new();
    for i in (0..n).filter(|&i| candidate[i]) {
        let sig: Vec<u32> = broad_of(i).iter().map(|&(f, _)| f).collect();
        if !sig.is_empty() {
            by_signature.entry(sig).or_default().push(i as u32);
        }
    }
    let by_prior = |a: &u32, b: &u32| prior[*b as usize].total_cmp(&prior[*a as usize]).then(a.cmp(b));
    for bucket in by_signature.values_mut() {
        bucket.sort_by(by_prior);
        bucket.truncate(params.signature_fill + 1);
    }
    let done = std::sync::atomic::AtomicUsize::new(0);
    queries
        .par_iter()
        .map_init(
            || (vec![0f32; n], Vec::<u32>::new(), vec![false; n]),
            |(acc, touched, seen), &q| {
                let q = q as usize;
                for (f, wq) in vectors.row_pairs(q) {
                    if !narrow[f as usize] {
                        continue;
                    }
                    let (items, ws) = postings.row(f as usize);
                    for (&j, &wj) in items.iter().zip(ws) {
                        if !seen[j as usize] {
                            seen[j as usize] = true;
                            touched.push(j);
                        }
                        acc[j as usize] += wq * wj;
                    }
                }
                let broad_q = broad_of(q);
                if !broad_q.is_empty() {
                    let sig: Vec<u32> = broad_q.iter().map(|&(f, _)| f).collect();
                    for &j in by_signature.get(&sig).map(Vec::as_slice).unwrap_or(&[]) {
                        if !seen[j as usize] {
                            seen[j as usize] = true;
                            touched.push(j);
                        }
                    }
                }
                let mut top = TopK::new(params.k);
                for &j in touched.iter() {
                    let ju = j as usize;
                    let mut score = acc[ju];
                    // Broad features: merge the two short sorted lists.
                    let (fj, wj) = vectors.row(ju);
                    for &(f, wq) in &broad_q {
                        if let Ok(at) = fj.binary_search(&f) {
                            score += wq * wj[at];
                        }
                    }
                    acc[ju] = 0.0;
                    seen[ju] = false;
                    if ju != q && score > 0.0 {
                        top.push(j, score);
                    }
                }
                touched.clear();
                let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if finished.is_multiple_of(4096) {
                    progress(finished);
                }
                top.into_sorted()
            },
        )
        .collect()
}

/// The content model: each liked film passes its content similarity on to its neighbours.
#[derive(Debug, Clone, Default)]
pub struct ContentModel {
    pub params: ContentParams,
    neighbours: Neighbours,
}

impl ContentModel {
    /// Computes neighbours of every item among all items.
    pub fn build(table: &FeatureTable, prior: &[f32], params: ContentParams) -> Self {
        let mut table = table.clone();
        table.sort_rows();
        let vectors = tfidf(&table, &params.weights);
        let n = table.items.len();
        let queries: Vec<u32> = (0..n as u32).collect();
        let neighbours = neighbours(&vectors, &queries, &vec![true; n], prior, &params, &|_| {});
        Self { params, neighbours }
    }

    pub fn from_neighbours(params: ContentParams, neighbours: Neighbours) -> Self {
        Self { params, neighbours }
    }

    pub fn neighbours(&self) -> &Neighbours {
        &self.neighbours
    }

    pub fn similarity(&self, i: u32, j: u32) -> f32 {
        super::neighbour_score(&self.neighbours, i, j)
    }
}

impl Recommender for ContentModel {
    fn name(&self) -> &'static str {
        "content"
    }

    /// Content does not learn from ratings: its neighbours come from the films' features.
    fn fit(&mut self, _user_items: &Csr) -> Result<(), RecommendError> {
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

    fn table() -> FeatureTable {
        let mut t = FeatureTable::with_items(4);
        // 0 and 1 share a director; 2 shares only a genre with 0; 3 shares nothing.
        t.add(0, Field::Director, "nm1", 1.0);
        t.add(0, Field::Genre, "Drama", 1.0);
        t.add(1, Field::Director, "nm1", 1.0);
        t.add(1, Field::Genre, "Comedy", 1.0);
        t.add(2, Field::Genre, "Drama", 1.0);
        t.add(2, Field::Cast, "nm2", 1.0);
        t.add(3, Field::Genre, "Western", 1.0);
        t
    }

    #[test]
    fn vectors_are_unit_length_and_rare_features_weigh_more() {
        let v = tfidf(&table(), &FieldWeights { director: 1.0, genre: 1.0, ..Default::default() });
        for r in 0..v.n_rows {
            let norm: f32 = v.row(r).1.iter().map(|w| w * w).sum();
            assert!((norm - 1.0).abs() < 1e-5);
        }
    }

    #[test]
    fn a_shared_director_outranks_a_shared_genre() {
        let model = ContentModel::build(&table(), &[0.0; 4], ContentParams::default());
        let nb = model.similar_items(0, 3);
        assert_eq!(nb.iter().map(|s| s.item).collect::<Vec<_>>(), vec![1, 2]);
        assert!(model.similar_items(3, 3).is_empty(), "nothing in common, no neighbour");
    }

    #[test]
    fn the_inverted_index_gives_the_same_cosines_as_brute_force() {
        // Genres (15 films each) are broad under a posting limit of 10; people stay narrow.
        let mut t = FeatureTable::with_items(30);
        for i in 0..30usize {
            t.add(i, Field::Genre, if i % 2 == 0 { "Drama" } else { "Comedy" }, 1.0);
            t.add(i, Field::Cast, &format!("nm{}", i % 7), 1.0);
            t.add(i, Field::Director, &format!("nm{}", 100 + i % 5), 1.0);
        }
        t.sort_rows();
        let params = ContentParams { k: 5, max_postings: 10, signature_fill: 100, ..Default::default() };
        let v = tfidf(&t, &params.weights);
        let queries: Vec<u32> = (0..30).collect();
        let got = neighbours(&v, &queries, &[true; 30], &[0.0; 30], &params, &|_| {});
        #[allow(clippy::needless_range_loop)] // q indexes the vectors and the result alike
        for q in 0..30usize {
            let mut brute = TopK::new(5);
            for j in 0..30usize {
                let dot: f32 = v
                    .row_pairs(q)
                    .map(|(f, w)| v.row_pairs(j).find(|&(g, _)| g == f).map_or(0.0, |(_, x)| w * x))
                    .sum();
                if j != q && dot > 0.0 {
                    brute.push(j as u32, dot);
                }
            }
            let brute = brute.into_sorted();
            let scores = |v: &[Scored]| v.iter().map(|s| (s.score * 1e4).round() as i64).collect::<Vec<_>>();
            assert_eq!(scores(&got[q]), scores(&brute), "item {q}");
        }
    }
}
