//! The audience model: which groups of people (age band × gender × occupation) love a film, and what to
//! suggest to a profile, learnt from MovieLens ratings with demographics.
//!
//! Layout:
//! - `data`: ratings with demographics, the four rating classes, groups and per-film statistics;
//! - `model`: features, the XGBoost multi-class model, its evaluation, files and serving;
//! - `calibration`: predicted against observed share of "loved" per group, on held-out users.
pub mod calibration;
pub mod data;
pub mod model;
