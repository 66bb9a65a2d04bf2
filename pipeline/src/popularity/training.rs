//! Training the popularity model: both targets evaluated on a time-based split, a random hold-out and K-fold
//! cross-validation against the baselines, then refitted on every film, with global importance (mean |SHAP|),
//! partial dependence of runtime and decade, and prediction intervals from out-of-sample residuals.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::booster::{BoostParams, BoosterError, Objective, Trees};
use super::dataset::{Dataset, DatasetRules, Film};
use super::evaluation::{self, Linear, Scores, Split};
use super::features::{FeatureSpace, TrackRecords, UNSTATED, Vocabularies};
use crate::progress::Progress;

/// Everything `cinepicks train` needs to know about the popularity model (`popularity:` in the config).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopularityParams {
    pub dataset: DatasetRules,
    /// Share of films held out (the latest ones for the time split, random ones for the hold-out).
    pub test_share: f64,
    /// First year of the time split's test films; empty: the year that leaves `test_share` of films after it.
    pub test_from_year: Option<i32>,
    /// Folds of the cross-validation; 0 skips it.
    pub folds: usize,
    pub seed: u64,
    pub vocabularies: Vocabularies,
    pub trees: BoostParams,
    /// Coverage of the prediction interval (0.8: from the 10th to the 90th percentile of residuals).
    pub interval: f64,
}

impl Default for PopularityParams {
    fn default() -> Self {
        Self {
            dataset: DatasetRules::default(),
            test_share: 0.2,
            test_from_year: None,
            folds: 5,
            seed: 42,
            vocabularies: Vocabularies::default(),
            trees: BoostParams::default(),
            interval: 0.8,
        }
    }
}

/// Scores of every model on one split.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SplitScores {
    pub train: usize,
    pub test: usize,
    /// Model name (`xgboost`, `global_mean`, `genre_mean`, `linear`) → scores on the test films.
    pub models: Vec<(String, Scores)>,
}

impl SplitScores {
    pub fn get(&self, model: &str) -> Option<&Scores> {
        self.models.iter().find(|(m, _)| m == model).map(|(_, s)| s)
    }

    /// Whether XGBoost has the lowest RMSE of all models.
    pub fn xgboost_beats_every_baseline(&self) -> bool {
        let Some(x) = self.get(XGBOOST) else { return false };
        self.models.iter().filter(|(m, _)| m != XGBOOST).all(|(_, s)| x.rmse < s.rmse)
    }
}

pub const XGBOOST: &str = "xgboost";
pub const BASELINES: [&str; 3] = ["global_mean", "genre_mean", "linear"];

/// Cross-validated scores: the mean over folds, and each fold's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CrossValidation {
    pub folds: usize,
    pub mean: Vec<(String, Scores)>,
    pub per_fold: Vec<SplitScores>,
}

/// A feature's share of the predictions: its mean absolute SHAP contribution over the training films.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Importance {
    pub feature: String,
    pub mean_abs_shap: f64,
}

/// Mean prediction when every film is given the same value of a feature.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PartialDependence {
    pub feature: String,
    pub points: Vec<(f32, f32)>,
}

/// Everything measured for one target.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetReport {
    pub target: String,
    pub films: usize,
    pub mean: f64,
    pub time_split: Option<SplitScores>,
    pub test_from_year: Option<i32>,
    pub holdout: SplitScores,
    pub cross_validation: Option<CrossValidation>,
    /// Residual quantiles (truth − prediction) on out-of-sample films, added to a prediction for its interval.
    pub interval: (f32, f32),
    pub importance: Vec<Importance>,
    pub partial_dependence: Vec<PartialDependence>,
}

/// Figures of a training run, in metrics.json.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PopularityMetrics {
    pub source: super::dataset::Source,
    pub films: usize,
    pub features: usize,
    pub targets: Vec<TargetReport>,
    pub seconds_evaluation: f64,
    pub seconds_final_fit: f64,
}

/// The refitted models and what serving needs.
pub struct TrainedPopularity {
    pub source: super::dataset::Source,
    pub space: FeatureSpace,
    /// Quality then audience size.
    pub models: [Trees; 2],
    pub tracks: TrackRecords,
    pub metrics: PopularityMetrics,
    /// Rows (encoded for the final models) and the final models' predictions, for checks by other tools.
    pub check: CheckRows,
    pub ranges: TrainingRanges,
}

/// The span of the traits the models learnt from, so that a prediction outside it can say so, and the typical
/// value of the columns a prediction cannot state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingRanges {
    pub years: Option<(i32, i32)>,
    pub budgets: Option<(f64, f64)>,
    /// Median over the training films (where known) of the runtime and of each [`UNSTATED`] column (runs
    /// before this field have none: their predictions leave those columns unknown).
    #[serde(default)]
    pub typical: BTreeMap<String, f32>,
}

impl TrainingRanges {
    /// `x` is the films' row-major matrix in `space`.
    pub fn of(films: &[Film], space: &FeatureSpace, x: &[f32]) -> Self {
        let mut typical = BTreeMap::new();
        for name in UNSTATED.iter().chain(&["runtime"]) {
            let Some(column) = space.index(name) else { continue };
            let mut known: Vec<f32> =
                x.chunks(space.len().max(1)).map(|row| row[column]).filter(|v| !v.is_nan()).collect();
            if !known.is_empty() {
                let middle = known.len() / 2;
                known.select_nth_unstable_by(middle, f32::total_cmp);
                typical.insert((*name).to_owned(), known[middle]);
            }
        }
        let span = |values: &mut dyn Iterator<Item = f64>| {
            values.fold(None, |acc: Option<(f64, f64)>, v| Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v)))))
        };
        let years = span(&mut films.iter().filter_map(|f| f.year).map(f64::from)).map(|(a, b)| (a as i32, b as i32));
        let budgets = span(&mut films.iter().filter_map(|f| f.budget).filter(|b| *b > 0.0));
        Self { years, budgets, typical }
    }
}

/// A sample of encoded films with the final models' predictions.
#[derive(Debug, Clone, Default)]
pub struct CheckRows {
    pub film_ids: Vec<String>,
    pub x: Vec<f32>,
    pub truth: [Vec<f32>; 2],
    pub predicted: [Vec<f32>; 2],
}

#[derive(Debug, thiserror::Error)]
pub enum PopularityError {
    #[error(transparent)]
    Booster(#[from] BoosterError),
    #[error("too few films to learn from: {films} (at least {needed} with known targets are needed)")]
    TooFewFilms { films: usize, needed: usize },
}

/// The least films worth training on.
pub const MIN_FILMS: usize = 50;

struct Fitter<'a> {
    films: &'a [Film],
    params: &'a PopularityParams,
    progress: &'a dyn Progress,
    done: usize,
    total: usize,
}

impl Fitter<'_> {
    /// Fits every model on a split for both targets; returns scores and XGBoost's test predictions.
    fn run_split(&mut self, split: &Split) -> Result<([SplitScores; 2], [Vec<f32>; 2]), PopularityError> {
        let train: Vec<&Film> = split.train.iter().map(|&i| &self.films[i]).collect();
        let test: Vec<&Film> = split.test.iter().map(|&i| &self.films[i]).collect();
        // Track records come from the training films only, so no test target leaks into any feature.
        let tracks = TrackRecords::from_films(train.iter().copied());
        let space = FeatureSpace::fit(&train, &self.params.vocabularies);
        let x_train = space.encode(&train, &tracks, None);
        let x_test = space.encode(&test, &tracks, split.as_of);
        let mut scores: Vec<SplitScores> = Vec::new();
        let mut predictions: Vec<Vec<f32>> = Vec::new();
        for t in 0..2 {
            let y_train: Vec<f32> = train.iter().map(|f| f.targets[t]).collect();
            let y_test: Vec<f32> = test.iter().map(|f| f.targets[t]).collect();
            let trees =
                Trees::fit(&x_train, &space.names, &y_train, Objective::Regression, &self.params.trees, |_| {})?;
            let p = trees.predict(&x_test)?;
            self.done += 1;
            self.progress.advanced(self.done, self.total);
            let linear = Linear::fit(&x_train, space.len(), &y_train, 1e-3);
            let models = vec![
                (XGBOOST.to_owned(), Scores::of(&y_test, &p)),
                ("global_mean".to_owned(), Scores::of(&y_test, &evaluation::global_mean(&y_train, y_test.len()))),
                ("genre_mean".to_owned(), Scores::of(&y_test, &evaluation::genre_mean(&train, &y_train, &test))),
                ("linear".to_owned(), Scores::of(&y_test, &linear.predict(&x_test))),
            ];
            scores.push(SplitScores { train: train.len(), test: test.len(), models });
            predictions.push(p);
        }
        let [s0, s1]: [SplitScores; 2] = scores.try_into().expect("two targets");
        let [p0, p1]: [Vec<f32>; 2] = predictions.try_into().expect("two targets");
        Ok(([s0, s1], [p0, p1]))
    }
}

fn mean_scores(per_fold: &[SplitScores]) -> Vec<(String, Scores)> {
    let Some(first) = per_fold.first() else { return Vec::new() };
    first
        .models
        .iter()
        .map(|(name, _)| {
            let all: Vec<&Scores> = per_fold.iter().filter_map(|f| f.get(name)).collect();
            let k = all.len().max(1) as f64;
            let s = Scores {
                rmse: all.iter().map(|s| s.rmse).sum::<f64>() / k,
                mae: all.iter().map(|s| s.mae).sum::<f64>() / k,
                r2: all.iter().map(|s| s.r2).sum::<f64>() / k,
                n: all.iter().map(|s| s.n).sum(),
            };
            (name.clone(), s)
        })
        .collect()
}

/// Evaluates, then fits the final models on every film.
pub fn train(
    data: &Dataset,
    params: &PopularityParams,
    progress: &dyn Progress,
) -> Result<TrainedPopularity, PopularityError> {
    let films = &data.films;
    if films.len() < MIN_FILMS {
        return Err(PopularityError::TooFewFilms { films: films.len(), needed: MIN_FILMS });
    }
    let started = std::time::Instant::now();
    let test_year = params.test_from_year.or_else(|| evaluation::auto_test_year(films, params.test_share));
    let time_split = test_year
        .map(|y| evaluation::time_split(films, y))
        .filter(|s| s.train.len() >= MIN_FILMS / 2 && !s.test.is_empty());
    let holdout = evaluation::holdout_split(films.len(), params.test_share, params.seed);
    let folds =
        if params.folds >= 2 { evaluation::k_folds(films.len(), params.folds, params.seed) } else { Vec::new() };
    let total = 2 * (usize::from(time_split.is_some()) + 1 + folds.len() + 1);
    let mut fitter = Fitter { films, params, progress, done: 0, total };

    let time_scores = match &time_split {
        Some(split) => {
            progress
                .stage(&format!("time-based split: films before {} against later ones", test_year.unwrap_or_default()));
            Some(fitter.run_split(split)?.0)
        }
        None => None,
    };
    progress.stage("random hold-out");
    let (holdout_scores, holdout_pred) = fitter.run_split(&holdout)?;
    // Out-of-sample residuals for the intervals: cross-validation's when there is one, else the hold-out's.
    let mut residuals: [Vec<f32>; 2] = [Vec::new(), Vec::new()];
    let mut cv_scores: [Vec<SplitScores>; 2] = [Vec::new(), Vec::new()];
    for (k, split) in folds.iter().enumerate() {
        progress.stage(&format!("cross-validation fold {}/{}", k + 1, folds.len()));
        let (scores, pred) = fitter.run_split(split)?;
        for t in 0..2 {
            residuals[t].extend(split.test.iter().zip(&pred[t]).map(|(&i, p)| films[i].targets[t] - p));
        }
        let [a, b] = scores;
        cv_scores[0].push(a);
        cv_scores[1].push(b);
    }
    if folds.is_empty() {
        for t in 0..2 {
            residuals[t].extend(holdout.test.iter().zip(&holdout_pred[t]).map(|(&i, p)| films[i].targets[t] - p));
        }
    }
    let seconds_evaluation = started.elapsed().as_secs_f64();

    progress.stage("final models on every film");
    let started = std::time::Instant::now();
    let all: Vec<&Film> = films.iter().collect();
    let tracks = TrackRecords::from_films(all.iter().copied());
    let space = FeatureSpace::fit(&all, &params.vocabularies);
    let x = space.encode(&all, &tracks, None);
    let mut models = Vec::new();
    for t in 0..2 {
        let y: Vec<f32> = films.iter().map(|f| f.targets[t]).collect();
        models.push(Trees::fit(&x, &space.names, &y, Objective::Regression, &params.trees, |_| {})?);
        fitter.done += 1;
        progress.advanced(fitter.done, fitter.total);
    }
    let models: [Trees; 2] = models.try_into().map_err(|_| ()).expect("two targets");
    let seconds_final_fit = started.elapsed().as_secs_f64();

    progress.stage("importance and partial dependence");
    // A bounded, evenly spread sample keeps SHAP and partial dependence cheap at any size.
    let step = (films.len() / 2000).max(1);
    let sample: Vec<usize> = (0..films.len()).step_by(step).collect();
    let mut x_sample = Vec::with_capacity(sample.len() * space.len());
    for &i in &sample {
        x_sample.extend_from_slice(&x[i * space.len()..(i + 1) * space.len()]);
    }
    let lo = (1.0 - params.interval) / 2.0;
    let mut targets = Vec::new();
    let time_scores = time_scores.map(|[a, b]| [Some(a), Some(b)]).unwrap_or([None, None]);
    let [h0, h1] = holdout_scores;
    let holdouts = [h0, h1];
    for (t, (time, holdout_s)) in time_scores.into_iter().zip(holdouts).enumerate() {
        let y: Vec<f32> = films.iter().map(|f| f.targets[t]).collect();
        let importance = importance(&models[t], &space, &x_sample)?;
        let partial_dependence = partial_dependence(&models[t], &space, &x_sample)?;
        let cross_validation = (!folds.is_empty()).then(|| CrossValidation {
            folds: folds.len(),
            mean: mean_scores(&cv_scores[t]),
            per_fold: cv_scores[t].clone(),
        });
        targets.push(TargetReport {
            target: data.source.targets()[t].to_owned(),
            films: films.len(),
            mean: y.iter().map(|&v| v as f64).sum::<f64>() / y.len() as f64,
            time_split: time,
            test_from_year: time_split.as_ref().and(test_year),
            holdout: holdout_s,
            cross_validation,
            interval: (evaluation::quantile(&residuals[t], lo), evaluation::quantile(&residuals[t], 1.0 - lo)),
            importance,
            partial_dependence,
        });
    }
    // The check rows: the hold-out films, encoded and predicted by the final models.
    let check_films: Vec<usize> = holdout.test.iter().copied().take(2000).collect();
    let mut check = CheckRows::default();
    for &i in &check_films {
        check.film_ids.push(films[i].film_id.clone());
        check.x.extend_from_slice(&x[i * space.len()..(i + 1) * space.len()]);
        for t in 0..2 {
            check.truth[t].push(films[i].targets[t]);
        }
    }
    if !check_films.is_empty() {
        for (predicted, model) in check.predicted.iter_mut().zip(&models) {
            *predicted = model.predict(&check.x)?;
        }
    }
    let metrics = PopularityMetrics {
        source: data.source,
        films: films.len(),
        features: space.len(),
        targets,
        seconds_evaluation,
        seconds_final_fit,
    };
    let ranges = TrainingRanges::of(films, &space, &x);
    Ok(TrainedPopularity { source: data.source, space, models, tracks, metrics, check, ranges })
}

/// Mean |SHAP| per feature over the sample, largest first (features that never matter are left out).
fn importance(model: &Trees, space: &FeatureSpace, x: &[f32]) -> Result<Vec<Importance>, PopularityError> {
    let c = model.contributions(x)?;
    let width = space.len() + 1;
    let rows = c.len() / width;
    let mut sums = vec![0.0f64; space.len()];
    for r in 0..rows {
        for (f, sum) in sums.iter_mut().enumerate() {
            *sum += c[r * width + f].abs() as f64;
        }
    }
    let mut list: Vec<Importance> = space
        .names
        .iter()
        .zip(sums)
        .filter(|(_, s)| *s > 0.0)
        .map(|(name, s)| Importance { feature: name.clone(), mean_abs_shap: s / rows.max(1) as f64 })
        .collect();
    list.sort_by(|a, b| b.mean_abs_shap.total_cmp(&a.mean_abs_shap));
    Ok(list)
}

/// Partial dependence of runtime (60 to 200 minutes) and decade (the decades of the sample).
fn partial_dependence(
    model: &Trees,
    space: &FeatureSpace,
    x: &[f32],
) -> Result<Vec<PartialDependence>, PopularityError> {
    let width = space.len();
    let mut out = Vec::new();
    let curve = |set: &dyn Fn(&mut [f32], f32), grid: &[f32]| -> Result<Vec<(f32, f32)>, PopularityError> {
        let mut points = Vec::new();
        for &v in grid {
            let mut rows = x.to_vec();
            for row in rows.chunks_mut(width) {
                set(row, v);
            }
            let p = model.predict(&rows)?;
            points.push((v, p.iter().sum::<f32>() / p.len().max(1) as f32));
        }
        Ok(points)
    };
    if let Some(r) = space.index("runtime") {
        let grid: Vec<f32> = (6..=20).map(|m| m as f32 * 10.0).collect();
        out.push(PartialDependence { feature: "runtime".into(), points: curve(&|row, v| row[r] = v, &grid)? });
    }
    if let (Some(y), Some(d)) = (space.index("year"), space.index("decade")) {
        let decades: std::collections::BTreeSet<i32> =
            x.chunks(width).filter(|r| !r[d].is_nan()).map(|r| r[d] as i32).collect();
        let grid: Vec<f32> = decades.into_iter().map(|d| d as f32).collect();
        // A decade moves the year with it (the middle of the decade), as a film of that decade would.
        let set = |row: &mut [f32], v: f32| {
            row[d] = v;
            row[y] = v + 5.0;
        };
        out.push(PartialDependence { feature: "decade".into(), points: curve(&set, &grid)? });
    }
    Ok(out)
}
