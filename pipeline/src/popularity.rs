//! The popularity model: which traits make a film well rated (quality) and widely seen (audience size).
//!
//! Layout:
//! - `dataset`: the films and their two targets, from IMDb (rating, ln votes) or TMDB (vote average,
//!   ln(1 + popularity)) lake tables;
//! - `features`: the named feature columns and the leak-free track records of people and companies;
//! - `booster`: the only code that calls XGBoost (fit, predict, SHAP contributions, JSON model files);
//! - `evaluation`: splits, RMSE / MAE / R², and the baselines (global mean, genre mean, linear regression);
//! - `training`: evaluation on every split, the final fit, importance and partial dependence;
//! - `artefacts`: the model files of a run and loading them back;
//! - `predict`: a film that does not exist yet → predicted rating and audience with reasons.
pub mod artefacts;
pub mod booster;
pub mod dataset;
pub mod evaluation;
pub mod features;
pub mod predict;
pub mod training;
