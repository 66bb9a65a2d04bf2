//! Offline evaluation: splitters, metrics with stated definitions, and the protocol that tunes every model
//! on validation and scores it once on test.
//!
//! Layout: `split` (per-user random split, k folds, CSV export), `metrics` (Precision/Recall/NDCG/HitRate@k,
//! coverage, RMSE/MAE), `protocol` (the comparison of all models, and the rating cross-validation), `replay` (held-out
//! users playing subscribers for some weeks, with and without their feedback).

pub mod metrics;
pub mod protocol;
pub mod replay;
pub mod split;
