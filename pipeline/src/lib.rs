//! cinepicks-pipeline: all data and model logic of cinepicks. No database, no network, no clock reads.
//!
//! Layout:
//! - `generate`: deterministic generator of IMDb / MovieLens / TMDB-format files with planted structure.
//! - `recommend`: the recommendation models (content, item-kNN, EASE, latent factors, hybrid) behind one
//!   trait, title search, reasons, and the artefacts of a trained run.
//! - `evaluate`: splitters, metrics and the offline protocol comparing every model.
pub mod domain;
pub mod evaluate;
pub mod generate;
pub mod ingest;
pub mod lake;
pub mod recommend;
pub mod sources;
