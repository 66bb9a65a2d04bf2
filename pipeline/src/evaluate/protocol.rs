//! The offline protocol: every model tuned on a validation split carved from training, then scored once
//! on the test split, with the same full ranking for all (every item scored, training items masked).

use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::metrics::{ErrorMetrics, RankingAccumulator, RankingMetrics, errors};
use super::split::{Split, holdout, k_folds, per_user_split};
use crate::recommend::content::{ContentModel, ContentParams, FeatureTable};
use crate::recommend::ease::{Ease, EaseParams};
use crate::recommend::factors::{Baseline, BiasedMf, MfParams};
use crate::recommend::hybrid::Hybrid;
use crate::recommend::item_knn::{ItemKnn, ItemKnnParams};
use crate::recommend::popularity::Popularity;
use crate::recommend::{Csr, Filter, RecommendError, Recommender, Weighting, rank};

/// The fixed choices of the protocol.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ProtocolOptions {
    pub seed: u64,
    /// Share of each user's ratings held out for test (and, inside training, for validation).
    pub test_share: f64,
    /// Length of the recommendation lists (the k of the @k metrics).
    pub k: usize,
    /// Ratings at or above this are positives.
    pub threshold: f32,
    /// Folds of the rating-prediction cross-validation (0 skips it).
    pub folds: usize,
}

impl Default for ProtocolOptions {
    fn default() -> Self {
        Self { seed: 42, test_share: 0.2, k: 10, threshold: 4.0, folds: 5 }
    }
}

/// One model's result: the hyper-parameters chosen on validation, their validation score, the test metrics.
#[derive(Debug, Clone, Serialize)]
pub struct ModelReport {
    pub model: String,
    pub params: serde_json::Value,
    pub validation_ndcg: f64,
    pub test: RankingMetrics,
    pub fit_seconds: f64,
}

/// Cross-validated rating prediction of one model.
#[derive(Debug, Clone, Serialize)]
pub struct RatingReport {
    pub model: String,
    pub rmse: f64,
    pub rmse_std: f64,
    pub mae: f64,
    pub folds: Vec<ErrorMetrics>,
    /// Hyper-parameters chosen on each fold's validation split.
    pub params: Vec<serde_json::Value>,
}

/// Everything `cinepicks evaluate` reports (saved as metrics.json).
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationReport {
    pub protocol: ProtocolOptions,
    pub users: usize,
    pub items: usize,
    pub ratings: usize,
    pub train_ratings: usize,
    pub test_ratings: usize,
    pub test_positives: usize,
    pub top_n: Vec<ModelReport>,
    pub rating_prediction: Vec<RatingReport>,
    pub tuned: TunedParams,
    pub seconds: f64,
}

impl EvaluationReport {
    /// The top-N model with the best test NDCG (popularity included).
    pub fn best(&self) -> Option<&ModelReport> {
        self.top_n.iter().max_by(|a, b| a.test.ndcg.total_cmp(&b.test.ndcg))
    }
}

/// Hyper-parameters chosen on validation; `train` reuses them.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, Default)]
pub struct TunedParams {
    pub item_knn: ItemKnnParams,
    pub ease: EaseParams,
    pub hybrid_collaborative_weight: f32,
    pub mf: MfParams,
}

/// Full ranking for each user with a positive in `test`: every item scored, the user's training items masked.
pub fn evaluate_top_n(model: &dyn Recommender, train: &Csr, test: &Csr, k: usize, threshold: f32) -> RankingMetrics {
    let n = model.n_items();
    let seen = train.column_counts().iter().filter(|&&c| c > 0).count();
    (0..train.n_rows)
        .into_par_iter()
        .fold(
            || (RankingAccumulator::new(k, n), vec![0f32; n]),
            |(mut acc, mut scores), u| {
                let relevant: Vec<u32> = test.row_pairs(u).filter(|&(_, r)| r >= threshold).map(|(i, _)| i).collect();
                if !relevant.is_empty() {
                    let profile: Vec<(u32, f32)> = train.row_pairs(u).collect();
                    model.score(&profile, &mut scores);
                    let list: Vec<u32> =
                        rank(&scores, &profile, k, &Filter { skip_profile: true, ..Default::default() })
                            .iter()
                            .map(|s| s.item)
                            .collect();
                    acc.add(&list, &relevant);
                }
                (acc, scores)
            },
        )
        .map(|(acc, _)| acc)
        .reduce(|| RankingAccumulator::new(k, n), RankingAccumulator::merge)
        .finish(seen)
}

/// Fits each candidate on the validation split's training part and keeps the best NDCG.
fn tune<P: Clone + Serialize>(
    grid: &[P],
    build: impl Fn(&P) -> Box<dyn Recommender>,
    validation: &Split,
    options: &ProtocolOptions,
) -> Result<(P, f64), RecommendError> {
    let mut best: Option<(P, f64)> = None;
    for p in grid {
        let mut model = build(p);
        model.fit(&validation.train)?;
        let ndcg =
            evaluate_top_n(model.as_ref(), &validation.train, &validation.test, options.k, options.threshold).ndcg;
        tracing::debug!(model = model.name(), params = %serde_json::to_string(p).unwrap_or_default(), ndcg, "validation");
        if best.as_ref().is_none_or(|(_, b)| ndcg > *b) {
            best = Some((p.clone(), ndcg));
        }
    }
    Ok(best.expect("a non-empty grid"))
}

/// Fits the chosen model on the whole training split and scores it on test.
fn final_report<P: Serialize>(
    mut model: Box<dyn Recommender>,
    params: &P,
    validation_ndcg: f64,
    split: &Split,
    options: &ProtocolOptions,
) -> Result<(ModelReport, Box<dyn Recommender>), RecommendError> {
    let started = Instant::now();
    model.fit(&split.train)?;
    let fit_seconds = started.elapsed().as_secs_f64();
    let test = evaluate_top_n(model.as_ref(), &split.train, &split.test, options.k, options.threshold);
    let report = ModelReport {
        model: model.name().to_owned(),
        params: serde_json::to_value(params).unwrap_or_default(),
        validation_ndcg,
        test,
        fit_seconds,
    };
    Ok((report, model))
}

/// The weightings tried for implicit models: positives only, or every rating with low ones counted less.
const WEIGHTINGS: [f32; 2] = [0.0, 1.0];

pub fn item_knn_grid(threshold: f32) -> Vec<ItemKnnParams> {
    let mut grid = Vec::new();
    for below_weight in WEIGHTINGS {
        for k in [50, 100, 200] {
            for shrink in [0.0, 20.0] {
                grid.push(ItemKnnParams { k, shrink, weighting: Weighting { threshold, below_weight } });
            }
        }
    }
    grid
}

pub fn ease_grid(threshold: f32) -> Vec<EaseParams> {
    let mut grid = Vec::new();
    for below_weight in WEIGHTINGS {
        for lambda in [50.0, 100.0, 200.0, 400.0, 800.0] {
            grid.push(EaseParams { lambda, weighting: Weighting { threshold, below_weight }, ..Default::default() });
        }
    }
    grid
}

pub const HYBRID_WEIGHTS: [f32; 7] = [0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0];

/// The top-N protocol for popularity, content (when features are given), item-kNN, EASE, biased MF and the
/// hybrid; then the rating-prediction cross-validation. `progress` receives a line per stage.
pub fn run(
    ratings: &Csr,
    content: Option<(&FeatureTable, &[f32])>,
    options: &ProtocolOptions,
    progress: &dyn Fn(&str),
) -> Result<EvaluationReport, RecommendError> {
    let started = Instant::now();
    let split = per_user_split(ratings, options.test_share, options.seed);
    let validation = per_user_split(&split.train, options.test_share, options.seed.wrapping_add(1));
    let positive = Weighting { threshold: options.threshold, below_weight: 0.0 };
    let mut top_n = Vec::new();

    progress("popularity");
    let (report, _) = final_report(Box::new(Popularity::new(positive)), &positive, f64::NAN, &split, options)?;
    top_n.push(report);

    let content_model = content.map(|(table, prior)| {
        progress("content: TF-IDF neighbours");
        let weighting = Weighting { threshold: options.threshold, below_weight: 0.5 };
        Arc::new(ContentModel::build(table, prior, ContentParams { weighting, ..Default::default() }))
    });
    if let Some(model) = &content_model {
        let validation_ndcg =
            evaluate_top_n(model.as_ref(), &validation.train, &validation.test, options.k, options.threshold).ndcg;
        let (report, _) =
            final_report(Box::new(model.as_ref().clone()), &model.params, validation_ndcg, &split, options)?;
        top_n.push(report);
    }

    progress("item-kNN: tuning on validation");
    let (knn_params, v) =
        tune(&item_knn_grid(options.threshold), |p| Box::new(ItemKnn::new(*p)), &validation, options)?;
    let (report, _) = final_report(Box::new(ItemKnn::new(knn_params)), &knn_params, v, &split, options)?;
    top_n.push(report);

    progress("EASE: tuning on validation");
    let (ease_params, v) = tune(&ease_grid(options.threshold), |p| Box::new(Ease::new(*p)), &validation, options)?;
    let (report, _) = final_report(Box::new(Ease::new(ease_params)), &ease_params, v, &split, options)?;
    top_n.push(report);

    progress("biased MF (top-N by folded-in predicted rating)");
    let mf_params = MfParams::default();
    let (report, _) = final_report(Box::new(BiasedMf::new(mf_params)), &mf_params, f64::NAN, &split, options)?;
    top_n.push(report);

    let mut hybrid_weight = 1.0;
    if let Some(content_model) = &content_model {
        progress("hybrid: tuning the blend on validation");
        let mut ease = Ease::new(ease_params);
        ease.fit(&validation.train)?;
        let mut hybrid =
            Hybrid { collaborative: Box::new(ease), content: content_model.clone(), collaborative_weight: 1.0 };
        let mut best = (1.0f32, f64::NEG_INFINITY);
        for w in HYBRID_WEIGHTS {
            hybrid.collaborative_weight = w;
            let ndcg = evaluate_top_n(&hybrid, &validation.train, &validation.test, options.k, options.threshold).ndcg;
            if ndcg > best.1 {
                best = (w, ndcg);
            }
        }
        hybrid_weight = best.0;
        let model = Hybrid {
            collaborative: Box::new(Ease::new(ease_params)),
            content: content_model.clone(),
            collaborative_weight: hybrid_weight,
        };
        let params = serde_json::json!({ "collaborative": "ease", "collaborative_weight": hybrid_weight });
        let (report, _) = final_report(Box::new(model), &params, best.1, &split, options)?;
        top_n.push(report);
    }

    let mut rating_prediction = Vec::new();
    let mut tuned_mf = mf_params;
    if options.folds >= 2 {
        progress("rating prediction: cross-validation");
        let (mf, baseline, chosen) = cross_validate_ratings(ratings, options.folds, options.seed)?;
        tuned_mf = chosen;
        rating_prediction.push(mf);
        rating_prediction.push(baseline);
    }

    Ok(EvaluationReport {
        protocol: *options,
        users: ratings.n_rows,
        items: ratings.n_cols,
        ratings: ratings.nnz(),
        train_ratings: split.train.nnz(),
        test_ratings: split.test.nnz(),
        test_positives: split.test.values.iter().filter(|&&r| r >= options.threshold).count(),
        top_n,
        rating_prediction,
        tuned: TunedParams {
            item_knn: knn_params,
            ease: ease_params,
            hybrid_collaborative_weight: hybrid_weight,
            mf: tuned_mf,
        },
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The candidate settings of the rating model; epochs are chosen by early stopping on validation.
/// On MovieLens 100K a fast, slowly decaying rate converges in 30 to 40 epochs; a stronger penalty trained
/// longer did no better (0.9059 against 0.9060 RMSE) at twice the time, a weaker one did worse (0.9115).
pub fn mf_grid() -> Vec<MfParams> {
    [0.07f32, 0.09, 0.11]
        .iter()
        .map(|&regularisation| MfParams { regularisation, epochs: 150, ..Default::default() })
        .collect()
}

/// Trains on `train`, watching RMSE on `valid` after each epoch; returns the best epoch count and its RMSE.
pub fn early_stopped(params: MfParams, train: &Csr, valid: &Csr) -> Result<(usize, f64), RecommendError> {
    let valid_pairs: Vec<(u32, u32, f32)> =
        (0..valid.n_rows).flat_map(|u| valid.row_pairs(u).map(move |(i, r)| (u as u32, i, r))).collect();
    let mut best = (0usize, f64::INFINITY);
    let mut worse = 0;
    let mut mf = BiasedMf::new(params);
    mf.fit_with(train, |epoch, m| {
        let rmse = errors(valid_pairs.iter().map(|&(u, i, r)| (m.predict(u, i), r))).rmse;
        if rmse < best.1 {
            best = (epoch, rmse);
            worse = 0;
        } else {
            worse += 1;
        }
        worse < 3
    })?;
    Ok(best)
}

/// k-fold RMSE and MAE of biased MF (tuned inside each fold on a 10% validation carve-out of its
/// training part) and of the bias-only baseline. Returns the MF parameters chosen most often.
pub fn cross_validate_ratings(
    ratings: &Csr,
    folds: usize,
    seed: u64,
) -> Result<(RatingReport, RatingReport, MfParams), RecommendError> {
    let splits = k_folds(ratings, folds, seed);
    let inner: Vec<Split> = splits
        .iter()
        .enumerate()
        .map(|(f, split)| holdout(&split.train, 0.1, seed.wrapping_add(100 + f as u64)))
        .collect();
    // Every (fold, setting) pair is one task, so that both cores stay busy (a grid of three settings
    // per fold left one idle a third of the time).
    let tasks: Vec<(usize, MfParams)> =
        (0..splits.len()).flat_map(|f| mf_grid().into_iter().map(move |p| (f, p))).collect();
    let tried: Vec<(usize, MfParams, usize, f64)> = tasks
        .into_par_iter()
        .map(|(f, p)| early_stopped(p, &inner[f].train, &inner[f].test).map(|(epochs, rmse)| (f, p, epochs, rmse)))
        .collect::<Result<_, _>>()?;
    let chosen: Vec<MfParams> = (0..splits.len())
        .map(|f| {
            // The first setting of the grid wins ties, as in a sequential search.
            let mut best: Option<&(usize, MfParams, usize, f64)> = None;
            for t in tried.iter().filter(|t| t.0 == f) {
                if best.is_none_or(|b| t.3 < b.3) {
                    best = Some(t);
                }
            }
            let &(_, mut params, epochs, _) = best.expect("a non-empty grid");
            params.epochs = epochs.max(1);
            params
        })
        .collect();
    let scored: Vec<(ErrorMetrics, ErrorMetrics)> = splits
        .par_iter()
        .zip(chosen.par_iter())
        .map(|(split, &params)| -> Result<_, RecommendError> {
            let test: Vec<(u32, u32, f32)> = (0..split.test.n_rows)
                .flat_map(|u| split.test.row_pairs(u).map(move |(i, r)| (u as u32, i, r)))
                .collect();
            let mut mf = BiasedMf::new(params);
            mf.fit(&split.train)?;
            let mut base = Baseline::new();
            base.fit(&split.train)?;
            Ok((
                errors(test.iter().map(|&(u, i, r)| (mf.predict(u, i), r))),
                errors(test.iter().map(|&(u, i, r)| (base.predict(u, i), r))),
            ))
        })
        .collect::<Result<_, _>>()?;
    let (mf_folds, base_folds): (Vec<_>, Vec<_>) = scored.into_iter().unzip();
    let summary = |model: &str, folds: Vec<ErrorMetrics>, params: Vec<serde_json::Value>| {
        let n = folds.len().max(1) as f64;
        let rmse = folds.iter().map(|e| e.rmse).sum::<f64>() / n;
        let mae = folds.iter().map(|e| e.mae).sum::<f64>() / n;
        let var = folds.iter().map(|e| (e.rmse - rmse).powi(2)).sum::<f64>() / n;
        RatingReport { model: model.to_owned(), rmse, rmse_std: var.sqrt(), mae, folds, params }
    };
    let mf_params: Vec<serde_json::Value> =
        chosen.iter().map(|p| serde_json::to_value(p).unwrap_or_default()).collect();
    let most_common = chosen
        .iter()
        .max_by_key(|p| chosen.iter().filter(|q| q.regularisation == p.regularisation).count())
        .copied()
        .unwrap_or_default();
    Ok((summary("biased_mf", mf_folds, mf_params), summary("baseline", base_folds, Vec::new()), most_common))
}
