//! The one place that talks to XGBoost (through the `xgb` crate): gradient-boosted trees fitted on a dense
//! row-major f32 matrix (NaN = missing), predictions, SHAP contributions, and model files in XGBoost's own
//! JSON format, which the Python package loads as they are.

use std::path::Path;

use serde::{Deserialize, Serialize};
use xgb::parameters::BoosterParameters;
use xgb::{Booster, DMatrix};

/// An XGBoost call failed; `what` says which.
#[derive(Debug, thiserror::Error)]
#[error("XGBoost could not {what}: {detail}")]
pub struct BoosterError {
    pub what: String,
    pub detail: String,
}

fn fail(what: impl Into<String>) -> impl FnOnce(xgb::XGBError) -> BoosterError {
    let what = what.into();
    move |e| BoosterError { what, detail: e.to_string() }
}

/// What the trees learn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Squared error regression (`reg:squarederror`).
    Regression,
    /// Class probabilities over `n` classes (`multi:softprob`).
    MultiClass(u32),
}

/// Hyper-parameters of the trees (XGBoost's names in the comments).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoostParams {
    /// Boosting rounds (`num_boost_round`).
    pub rounds: u32,
    /// Shrinkage per round (`eta`).
    pub learning_rate: f64,
    pub max_depth: u32,
    pub min_child_weight: f64,
    /// Share of rows sampled per tree (`subsample`).
    pub subsample: f64,
    /// Share of columns sampled per tree (`colsample_bytree`).
    pub colsample_bytree: f64,
    /// L2 regularisation of leaf weights (`lambda`).
    pub l2: f64,
    /// Threads XGBoost uses (`nthread`); 0 lets it use every core.
    pub threads: u32,
    pub seed: u64,
}

impl Default for BoostParams {
    fn default() -> Self {
        Self {
            rounds: 400,
            learning_rate: 0.05,
            max_depth: 6,
            min_child_weight: 5.0,
            subsample: 0.8,
            colsample_bytree: 0.8,
            l2: 1.0,
            threads: 0,
            seed: 42,
        }
    }
}

/// A trained booster and the width of the rows it reads.
pub struct Trees {
    booster: Booster,
    pub n_features: usize,
    pub objective: Objective,
}

fn matrix(x: &[f32], n_features: usize) -> Result<DMatrix, BoosterError> {
    assert!(n_features > 0 && x.len().is_multiple_of(n_features), "rows of {n_features} values expected");
    let rows = x.len() / n_features;
    if rows == 0 {
        return Err(BoosterError { what: "build a matrix".into(), detail: "no rows".into() });
    }
    DMatrix::from_dense(x, rows).map_err(fail("build a matrix"))
}

impl Trees {
    /// Fits trees on `x` (rows of `names.len()` values) against `y`.
    pub fn fit(
        x: &[f32],
        names: &[String],
        y: &[f32],
        objective: Objective,
        params: &BoostParams,
        mut on_round: impl FnMut(u32),
    ) -> Result<Self, BoosterError> {
        let n_features = names.len();
        let mut train = matrix(x, n_features)?;
        train.set_labels(y).map_err(fail("set the labels"))?;
        let mut booster = Booster::new_with_cached_dmats(&BoosterParameters::default(), &[&train])
            .map_err(fail("create a booster"))?;
        let mut settings: Vec<(&str, String)> = vec![
            ("tree_method", "hist".into()),
            ("eta", params.learning_rate.to_string()),
            ("max_depth", params.max_depth.to_string()),
            ("min_child_weight", params.min_child_weight.to_string()),
            ("subsample", params.subsample.to_string()),
            ("colsample_bytree", params.colsample_bytree.to_string()),
            ("lambda", params.l2.to_string()),
            ("seed", params.seed.to_string()),
            ("verbosity", "0".into()),
        ];
        if params.threads > 0 {
            settings.push(("nthread", params.threads.to_string()));
        }
        match objective {
            Objective::Regression => {
                settings.push(("objective", "reg:squarederror".into()));
                // The crate's defaults pin base_score at 0.5; starting from the mean spares the first rounds.
                let mean = y.iter().map(|&v| v as f64).sum::<f64>() / y.len().max(1) as f64;
                settings.push(("base_score", mean.to_string()));
                settings.push(("eval_metric", "rmse".into()));
            }
            Objective::MultiClass(n) => {
                settings.push(("objective", "multi:softprob".into()));
                settings.push(("num_class", n.to_string()));
                settings.push(("eval_metric", "mlogloss".into()));
            }
        }
        for (key, value) in &settings {
            booster.set_param(key, value).map_err(fail(format!("set {key}={value}")))?;
        }
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        booster.set_feature_names(&refs).map_err(fail("name the features"))?;
        for round in 0..params.rounds {
            booster.update(&train, round as i32).map_err(fail(format!("run boosting round {round}")))?;
            on_round(round + 1);
        }
        Ok(Self { booster, n_features, objective })
    }

    /// Predictions for rows of `x`: one value per row, or `n` class probabilities per row.
    pub fn predict(&self, x: &[f32]) -> Result<Vec<f32>, BoosterError> {
        self.booster.predict(&matrix(x, self.n_features)?).map_err(fail("predict"))
    }

    /// SHAP contributions per row: `n_features + 1` values (the last is the bias) summing to the prediction
    /// (regression only).
    pub fn contributions(&self, x: &[f32]) -> Result<Vec<f32>, BoosterError> {
        let (values, _) =
            self.booster.predict_contributions(&matrix(x, self.n_features)?).map_err(fail("compute contributions"))?;
        Ok(values)
    }

    /// Writes the model in XGBoost's JSON format (chosen by XGBoost from the `.json` extension).
    pub fn save_json(&self, path: &Path) -> Result<(), BoosterError> {
        assert_eq!(
            path.extension().and_then(|e| e.to_str()),
            Some("json"),
            "XGBoost picks the format from the extension"
        );
        self.booster.save(path).map_err(fail(format!("write {}", path.display())))
    }

    /// Predicts on one thread: for a single row, waking a thread pool costs more than the trees
    /// (milliseconds on a busy machine).
    pub fn single_threaded(&mut self) -> Result<(), BoosterError> {
        self.booster.set_param("nthread", "1").map_err(fail("set nthread=1"))
    }

    pub fn load(path: &Path, n_features: usize, objective: Objective) -> Result<Self, BoosterError> {
        let booster = Booster::load(path).map_err(fail(format!("read {}", path.display())))?;
        Ok(Self { booster, n_features, objective })
    }
}

/// The XGBoost library version that wrote a JSON model (its `version` field), as `major.minor.patch`.
pub fn written_by(path: &Path) -> Option<String> {
    let text = std::fs::read(path).ok()?;
    let json: serde_json::Value = serde_json::from_slice(&text).ok()?;
    let parts: Vec<String> = json.get("version")?.as_array()?.iter().map(|v| v.to_string()).collect();
    Some(parts.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> (Vec<f32>, Vec<String>, Vec<f32>) {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..400 {
            let a = (i % 20) as f32;
            let b = if i % 11 == 0 { f32::NAN } else { (i % 7) as f32 };
            x.extend([a, b]);
            y.push(if a > 9.0 { 3.0 } else { 1.0 } + if b.is_nan() { 0.0 } else { 0.1 * b });
        }
        (x, vec!["a".into(), "b".into()], y)
    }

    #[test]
    fn trees_learn_a_step_and_contributions_add_up_to_the_prediction() {
        let (x, names, y) = toy();
        let params =
            BoostParams { rounds: 60, learning_rate: 0.3, subsample: 1.0, colsample_bytree: 1.0, ..Default::default() };
        let trees = Trees::fit(&x, &names, &y, Objective::Regression, &params, |_| {}).unwrap();
        let p = trees.predict(&x).unwrap();
        let err: f32 = p.iter().zip(&y).map(|(a, b)| (a - b).abs()).sum::<f32>() / y.len() as f32;
        assert!(err < 0.05, "mean error {err}");
        let c = trees.contributions(&x[..2]).unwrap();
        assert_eq!(c.len(), 3);
        assert!((c.iter().sum::<f32>() - p[0]).abs() < 1e-3, "{c:?} vs {}", p[0]);
    }

    #[test]
    fn a_saved_json_model_predicts_the_same_after_loading() {
        let (x, names, y) = toy();
        let params = BoostParams { rounds: 20, ..Default::default() };
        let trees = Trees::fit(&x, &names, &y, Objective::Regression, &params, |_| {}).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        trees.save_json(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"learner\"") && text.contains("\"feature_names\""), "XGBoost JSON schema");
        let loaded = Trees::load(&path, 2, Objective::Regression).unwrap();
        assert_eq!(trees.predict(&x).unwrap(), loaded.predict(&x).unwrap());
    }
}
