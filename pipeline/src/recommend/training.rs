//! Training the serving recommender: the catalogue as items, MovieLens ratings mapped onto it and the cinema's
//! own customers' verdicts beside them, content neighbours for every film, EASE tuned on a validation split,
//! and the hybrid neighbours (with reasons) that `similar_films.parquet` publishes for every catalogue film.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use polars::prelude::*;
use rayon::prelude::*;
use serde::Serialize;

use super::content::{ContentModel, ContentParams, FeatureTable, tfidf};
use super::ease::{Ease, EaseParams};
use super::features::{self, FilmDescriptor};
use super::hybrid::{Hybrid, blend_neighbours_detailed};
use super::interactions::{self, LoadError, collect, require, string_list};
use super::reasons::{Reason, neighbour_reason};
use super::{Csr, RecommendError, Recommender};
use crate::evaluate::protocol::{HYBRID_WEIGHTS, ease_grid, evaluate_top_n};
use crate::evaluate::split::per_user_split;
use crate::ingest::catalogue::columns as cat;
use crate::lake::tables;
use crate::progress::Progress;
use crate::sources::imdb::columns as imdb;

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Model(#[from] RecommendError),
    #[error("the catalogue is empty: nothing to recommend (check `ingest.catalogue` rules and the IMDb inputs)")]
    EmptyCatalogue,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct TrainOptions {
    /// Neighbours published per catalogue film.
    pub neighbours: usize,
    /// Neighbours computed per side before blending (a pool, so filtering still leaves enough).
    pub pool: usize,
    pub seed: u64,
    /// Ratings at or above this are positives.
    pub threshold: f32,
    pub content: ContentParams,
    /// Most items EASE models (its matrix is dense: 4 bytes × items²).
    pub max_collaborative_items: usize,
    /// Fewest people who liked both films for the crowd to count in their neighbourhood (and for "people who
    /// liked X also liked it" to be said); a film liked by fewer leans on content alone.
    pub min_co_liked_support: u32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            neighbours: 30,
            pool: 100,
            seed: 42,
            threshold: 4.0,
            content: ContentParams::default(),
            max_collaborative_items: 15_000,
            min_co_liked_support: 10,
        }
    }
}

/// A catalogue film as the recommender serves it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogueFilm {
    pub film_id: String,
    pub primary_title: String,
    pub original_title: String,
    pub french_title: Option<String>,
    pub year: Option<i32>,
    pub genres: Vec<String>,
    pub num_votes: u32,
}

/// A film one of the cinema's own customers likes ("J'aime", or declared when subscribing), folded into the
/// collaborative model beside MovieLens: each customer becomes a user with these films as positives. "Pas pour
/// moi" and "Déjà vu" are not folded in: the tuned EASE may count any rating as an interaction (`below_weight`
/// 1), which would turn a rejection into a vote for the film's neighbours; they act on that customer's picks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerLike {
    pub customer_id: i32,
    pub film_id: String,
}

/// The rating a customer's like counts as: the top of the MovieLens scale.
pub const CUSTOMER_LIKE_RATING: f32 = 5.0;

/// One published neighbour.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarFilm {
    pub neighbour: u32,
    pub score: f32,
    pub reason: Reason,
}

/// Figures of a training run (saved in metrics.json and run.json).
#[derive(Debug, Clone, Default, Serialize)]
pub struct TrainMetrics {
    pub catalogue_films: usize,
    pub items: usize,
    pub users: usize,
    pub ratings: usize,
    pub films_with_ratings: usize,
    pub mapping: interactions::MappingCounts,
    /// The cinema's customers folded in as users, and their likes of catalogue films.
    pub customers_folded_in: usize,
    pub customer_likes: usize,
    pub content_features: usize,
    pub films_with_neighbours: usize,
    pub similar_rows: usize,
    pub collaborative_weight: f32,
    pub ease: Option<EaseParams>,
    /// NDCG@10 on the validation split carved from the ratings, per blend weight tried.
    pub validation_ndcg: Vec<(f32, f64)>,
    pub seconds_content: f64,
    pub seconds_collaborative: f64,
    pub seconds_total: f64,
}

/// The trained serving recommender.
#[derive(Debug, Clone)]
pub struct TrainedRecommender {
    pub films: Vec<CatalogueFilm>,
    /// Row `i`: catalogue film `i`'s neighbours, best first.
    pub similar: Vec<Vec<SimilarFilm>>,
    pub features: FeatureTable,
    pub metrics: TrainMetrics,
}

impl CatalogueFilm {
    /// What the content features and the TMDB join know it by: its id, titles, year and genres.
    pub fn descriptor(&self) -> FilmDescriptor {
        FilmDescriptor {
            film_id: Some(self.film_id.clone()),
            titles: [Some(&self.primary_title), Some(&self.original_title), self.french_title.as_ref()]
                .into_iter()
                .flatten()
                .cloned()
                .collect(),
            year: self.year,
            genres: self.genres.clone(),
        }
    }
}

/// Reads the catalogue table.
pub fn load_catalogue(lake: &Path) -> Result<Vec<CatalogueFilm>, LoadError> {
    let df = collect(
        require(lake, tables::CATALOGUE)?.select([
            col(imdb::TITLE_ID),
            col(imdb::PRIMARY_TITLE),
            col(imdb::ORIGINAL_TITLE),
            col(cat::FRENCH_TITLE),
            col(imdb::START_YEAR),
            col(imdb::GENRES),
            col(imdb::NUM_VOTES).cast(DataType::UInt32),
        ]),
        lake,
        tables::CATALOGUE,
    )?;
    let e = |source| LoadError::Polars {
        table: tables::CATALOGUE,
        path: crate::lake::table_path(lake, tables::CATALOGUE),
        source,
    };
    let ids = df.column(imdb::TITLE_ID).and_then(|c| c.str().cloned()).map_err(e)?;
    let primary = df.column(imdb::PRIMARY_TITLE).and_then(|c| c.str().cloned()).map_err(e)?;
    let original = df.column(imdb::ORIGINAL_TITLE).and_then(|c| c.str().cloned()).map_err(e)?;
    let french = df.column(cat::FRENCH_TITLE).and_then(|c| c.str().cloned()).map_err(e)?;
    let years = df.column(imdb::START_YEAR).and_then(|c| c.i32().cloned()).map_err(e)?;
    let genres = df.column(imdb::GENRES).and_then(|c| c.list().cloned()).map_err(e)?;
    let votes = df.column(imdb::NUM_VOTES).and_then(|c| c.u32().cloned()).map_err(e)?;
    let mut films = Vec::with_capacity(df.height());
    let rows = ids.iter().zip(primary.iter()).zip(original.iter()).zip(french.iter()).zip(years.iter());
    for (((((id, p), o), f), y), (g, v)) in rows.zip(genres.series_iter().zip(votes.iter())) {
        let Some(id) = id else { continue };
        films.push(CatalogueFilm {
            film_id: id.to_owned(),
            primary_title: p.unwrap_or_default().to_owned(),
            original_title: o.or(p).unwrap_or_default().to_owned(),
            french_title: f.map(str::to_owned),
            year: y,
            genres: string_list(g.as_ref()),
            num_votes: v.unwrap_or(0),
        });
    }
    Ok(films)
}

/// Trains the serving recommender from the lake and the cinema's customers' likes.
pub fn train(
    lake: &Path,
    customers: &[CustomerLike],
    options: &TrainOptions,
    progress: &dyn Progress,
) -> Result<TrainedRecommender, TrainError> {
    let started = Instant::now();
    let mut metrics = TrainMetrics::default();
    progress.stage("catalogue");
    let films = load_catalogue(lake)?;
    if films.is_empty() {
        return Err(TrainError::EmptyCatalogue);
    }
    let n_catalogue = films.len();
    metrics.catalogue_films = n_catalogue;

    // Items: the catalogue, then MovieLens films that are not in it (they carry co-ratings).
    let mut descriptors: Vec<FilmDescriptor> = films.iter().map(CatalogueFilm::descriptor).collect();
    let mut prior: Vec<f32> = films.iter().map(|f| (f.num_votes as f32).ln_1p()).collect();
    let ratings = if interactions::scan_table(lake, tables::ML_RATINGS)?.is_some() {
        progress.stage("MovieLens ratings");
        let ml = interactions::load(lake)?;
        metrics.mapping = ml.mapping;
        let index_of: HashMap<&str, u32> =
            films.iter().enumerate().map(|(i, f)| (f.film_id.as_str(), i as u32)).collect();
        let counts = ml.ratings.column_counts();
        let item_of_column: Vec<u32> = ml
            .movies
            .iter()
            .zip(&counts)
            .map(|(m, &count)| match m.film_id.as_deref().and_then(|id| index_of.get(id)) {
                Some(&i) => i,
                None => {
                    let (title, year) = super::title_search::split_year(&m.title);
                    descriptors.push(FilmDescriptor {
                        film_id: m.film_id.clone(),
                        titles: vec![title.to_owned()],
                        year: m.year.or(year),
                        genres: m.genres.clone(),
                    });
                    prior.push((count as f32).ln_1p());
                    (descriptors.len() - 1) as u32
                }
            })
            .collect();
        // Two MovieLens ids of one film (ml-100k has 18) keep the user's higher rating.
        let mut best: HashMap<(u32, u32), f32> = HashMap::with_capacity(ml.ratings.nnz());
        for u in 0..ml.ratings.n_rows {
            for (c, r) in ml.ratings.row_pairs(u) {
                let e = best.entry((u as u32, item_of_column[c as usize])).or_insert(r);
                *e = e.max(r);
            }
        }
        let triplets: Vec<(u32, u32, f32)> = best.into_iter().map(|((u, i), r)| (u, i, r)).collect();
        Some(Csr::from_triplets(ml.ratings.n_rows, descriptors.len(), &triplets))
    } else {
        None
    };
    let n_items = descriptors.len();
    metrics.items = n_items;
    let ratings = with_customers(ratings, customers, &films, n_items, &mut metrics);

    progress.stage("content features");
    let features = features::load(lake, &descriptors)?;
    metrics.content_features = features.n_features();
    progress.stage("content neighbours");
    let content_started = Instant::now();
    let content_params = ContentParams { k: options.pool, ..options.content };
    let content = {
        let mut sorted = features.clone();
        for row in &mut sorted.items {
            row.sort_unstable_by_key(|&(f, _)| f);
        }
        let vectors = tfidf(&sorted, &content_params.weights);
        let queries: Vec<u32> = (0..n_items as u32).collect();
        let candidate = vec![true; n_items];
        let report = |done: usize| progress.advanced(done, n_items);
        let lists = super::content::neighbours(&vectors, &queries, &candidate, &prior, &content_params, &report);
        progress.advanced(n_items, n_items);
        // Published neighbours must be catalogue films: when MovieLens films outside the catalogue are
        // items too, a catalogue film's closest films could all be outside it, so search again among
        // catalogue films only.
        let published = if n_items > n_catalogue {
            let queries: Vec<u32> = (0..n_catalogue as u32).collect();
            let in_catalogue: Vec<bool> = (0..n_items).map(|i| i < n_catalogue).collect();
            super::content::neighbours(&vectors, &queries, &in_catalogue, &prior, &content_params, &|_| {})
        } else {
            lists[..n_catalogue].to_vec()
        };
        (Arc::new(ContentModel::from_neighbours(content_params, lists)), published)
    };
    let (content, catalogue_content) = content;
    metrics.seconds_content = content_started.elapsed().as_secs_f64();

    // Collaborative side: EASE tuned on a validation split, then the blend weight, then a refit on all.
    let collaborative_started = Instant::now();
    let mut weight = 0.0f32;
    let mut ease_model: Option<Ease> = None;
    if let Some(ratings) = &ratings
        && ratings.nnz() > 0
    {
        metrics.users = ratings.n_rows;
        metrics.ratings = ratings.nnz();
        metrics.films_with_ratings = ratings.column_counts()[..n_catalogue].iter().filter(|&&c| c > 0).count();
        progress.stage("EASE: tuning on a validation split");
        let validation = per_user_split(ratings, 0.2, options.seed);
        let mut best: Option<(EaseParams, f64)> = None;
        for mut p in ease_grid(options.threshold) {
            p.max_items = options.max_collaborative_items;
            let mut ease = Ease::new(p);
            ease.fit(&validation.train)?;
            let ndcg = evaluate_top_n(&ease, &validation.train, &validation.test, 10, options.threshold).ndcg;
            if best.as_ref().is_none_or(|(_, b)| ndcg > *b) {
                best = Some((p, ndcg));
            }
        }
        let (params, _) = best.expect("a non-empty grid");
        progress.stage("hybrid: tuning the blend on the validation split");
        let mut ease = Ease::new(params);
        ease.fit(&validation.train)?;
        let mut hybrid = Hybrid { collaborative: Box::new(ease), content: content.clone(), collaborative_weight: 1.0 };
        let mut best_w = (1.0f32, f64::NEG_INFINITY);
        for w in HYBRID_WEIGHTS {
            hybrid.collaborative_weight = w;
            let ndcg = evaluate_top_n(&hybrid, &validation.train, &validation.test, 10, options.threshold).ndcg;
            metrics.validation_ndcg.push((w, ndcg));
            if ndcg > best_w.1 {
                best_w = (w, ndcg);
            }
        }
        weight = best_w.0;
        progress.stage("EASE: fitting on all ratings");
        let mut ease = Ease::new(params);
        ease.fit(ratings)?;
        metrics.ease = Some(params);
        ease_model = Some(ease);
    }
    metrics.collaborative_weight = weight;
    metrics.seconds_collaborative = collaborative_started.elapsed().as_secs_f64();

    progress.stage("similar films and reasons");
    // Even when validation prefers the crowd alone, content keeps a sliver of weight so that films nobody
    // rated still get neighbours (ranked after the co-liked ones when both exist).
    let publish_weight = weight.min(0.99);
    let likers = ratings.as_ref().map(|r| r.map_values(|v| if v >= options.threshold { 1.0 } else { 0.0 }).transpose());
    let min_support = options.min_co_liked_support;
    let similar: Vec<Vec<SimilarFilm>> = (0..n_catalogue)
        .into_par_iter()
        .map(|i| {
            // The crowd's say grows with the evidence: none below the minimum support, then n / (n + minimum)
            // of the tuned weight, so a film liked by a handful of people leans on its director and cast.
            let liked_by = likers.as_ref().map_or(0, |l| l.row_len(i) as u32);
            let supported = |j: u32| likers.as_ref().is_some_and(|l| co_count(l, i, j as usize) >= min_support);
            let (cf, w) = match &ease_model {
                Some(ease) if liked_by >= min_support.max(1) => {
                    let mut cf = ease.similar_items(i as u32, options.pool);
                    cf.retain(|s| supported(s.item));
                    let evidence = liked_by as f32 / (liked_by + min_support) as f32;
                    (cf, publish_weight * evidence)
                }
                _ => (Vec::new(), 0.0),
            };
            let ct = &catalogue_content[i];
            blend_neighbours_detailed(&cf, ct, w, options.neighbours, |j| (j as usize) < n_catalogue)
                .into_iter()
                .map(|b| SimilarFilm {
                    neighbour: b.item,
                    score: b.score,
                    reason: neighbour_reason(&features, i, b.item as usize, &films[i].film_id, b.collaborative > 0.0),
                })
                .collect()
        })
        .collect();
    metrics.films_with_neighbours = similar.iter().filter(|s| !s.is_empty()).count();
    metrics.similar_rows = similar.iter().map(Vec::len).sum();
    metrics.seconds_total = started.elapsed().as_secs_f64();
    Ok(TrainedRecommender { films, similar, features, metrics })
}

/// The ratings with the cinema's customers appended as users, their likes of catalogue films as ratings of 5.
fn with_customers(
    ratings: Option<Csr>,
    customers: &[CustomerLike],
    films: &[CatalogueFilm],
    n_items: usize,
    metrics: &mut TrainMetrics,
) -> Option<Csr> {
    let index_of: HashMap<&str, u32> = films.iter().enumerate().map(|(i, f)| (f.film_id.as_str(), i as u32)).collect();
    let first_row = ratings.as_ref().map_or(0, |r| r.n_rows);
    let mut rows: HashMap<i32, u32> = HashMap::new();
    let mut liked: HashSet<(u32, u32)> = HashSet::new();
    for like in customers {
        let Some(&item) = index_of.get(like.film_id.as_str()) else { continue };
        let next = (first_row + rows.len()) as u32;
        liked.insert((*rows.entry(like.customer_id).or_insert(next), item));
    }
    if liked.is_empty() {
        return ratings;
    }
    metrics.customers_folded_in = rows.len();
    metrics.customer_likes = liked.len();
    let mut triplets: Vec<(u32, u32, f32)> = Vec::with_capacity(ratings.as_ref().map_or(0, Csr::nnz) + liked.len());
    if let Some(r) = &ratings {
        for u in 0..r.n_rows {
            triplets.extend(r.row_pairs(u).map(|(c, v)| (u as u32, c, v)));
        }
    }
    triplets.extend(liked.into_iter().map(|(u, i)| (u, i, CUSTOMER_LIKE_RATING)));
    Some(Csr::from_triplets(first_row + rows.len(), n_items, &triplets))
}

/// People who liked both items `a` and `b`: the size of the intersection of two sorted rows of `likers`
/// (items × users).
pub(crate) fn co_count(likers: &Csr, a: usize, b: usize) -> u32 {
    let (x, y) = (likers.row(a).0, likers.row(b).0);
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn film(id: &str) -> CatalogueFilm {
        CatalogueFilm { film_id: id.into(), ..Default::default() }
    }

    /// MovieLens users like films 0 and 1 together, or 2 and 3; nobody likes 0 with 3. Twelve of the cinema's
    /// customers like 0 and 3: once folded in, 3 becomes one of 0's supported neighbours.
    #[test]
    fn the_customers_likes_change_the_neighbours_the_way_they_point() {
        let films: Vec<CatalogueFilm> = ["tt0", "tt1", "tt2", "tt3"].into_iter().map(film).collect();
        let mut triplets = Vec::new();
        for u in 0..60u32 {
            let pair = if u % 2 == 0 { [0, 1] } else { [2, 3] };
            triplets.extend(pair.map(|i| (u, i, 5.0)));
        }
        let ml = Csr::from_triplets(60, 4, &triplets);
        let like = |customer_id, film: &str| CustomerLike { customer_id, film_id: film.into() };
        let mut customers: Vec<CustomerLike> = (1..=12).flat_map(|c| [like(c, "tt0"), like(c, "tt3")]).collect();
        customers.push(like(1, "tt0"));
        customers.push(like(99, "tt_not_in_catalogue"));

        let neighbours_of_0 = |ratings: &Csr| -> Vec<u32> {
            let mut ease = Ease::new(EaseParams { lambda: 10.0, ..Default::default() });
            ease.fit(ratings).unwrap();
            let likers = ratings.map_values(|v| if v >= 4.0 { 1.0 } else { 0.0 }).transpose();
            let supported = |j: u32| co_count(&likers, 0, j as usize) >= 10;
            ease.similar_items(0, 3).into_iter().map(|s| s.item).filter(|&j| supported(j)).collect()
        };
        let mut metrics = TrainMetrics::default();
        let before = neighbours_of_0(&ml);
        assert!(!before.contains(&3), "{before:?}");
        let folded = with_customers(Some(ml.clone()), &customers, &films, 4, &mut metrics).unwrap();
        assert_eq!((folded.n_rows, metrics.customers_folded_in, metrics.customer_likes), (72, 12, 24));
        let after = neighbours_of_0(&folded);
        assert!(after.contains(&3), "{after:?}");
        // With no MovieLens ratings at all, the customers alone make the matrix; with no customer, nothing changes.
        assert_eq!(with_customers(None, &customers, &films, 4, &mut metrics).unwrap().n_rows, 12);
        assert_eq!(with_customers(Some(ml.clone()), &[], &films, 4, &mut metrics).unwrap().n_rows, ml.n_rows);
    }
}
