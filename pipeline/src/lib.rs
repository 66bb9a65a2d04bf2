//! cinepicks-pipeline: all data and model logic of cinepicks. No database, no network, no clock reads.
//!
//! Layout:
//! - `sources`: one reader per source format (IMDb TSV, MovieLens, TMDB CSV) with its column names and checks.
//! - `ingest`: raw dumps → typed, validated lake tables (quarantine of rejected rows, atomic Parquet writes).
//! - `lake`: the lake's table contracts (names, schemas) that the other stages and analysts read.
//! - `recommend`: the recommendation models (content, item-kNN, EASE, latent factors, hybrid) behind one
//!   trait, title search, reasons, and the artefacts of a trained run.
//! - `evaluate`: splitters, metrics and the offline protocol comparing every model.
//! - `popularity`: the XGBoost popularity model (features, leak-free track records, evaluation, prediction).
//! - `audience`: the XGBoost audience model on MovieLens demographics (groups who love a film, suggestions).
//! - `analyze`: one mart per question of the cinema (pure `LazyFrame → LazyFrame` functions) and their registry.
//! - `progress`: the one trait long work reports its progress through.
//! - `report`: the self-contained HTML report with SVG charts, French or English, read from the marts.
pub mod analyze;
pub mod audience;
pub mod evaluate;
pub mod ingest;
pub mod lake;
pub mod popularity;
pub mod progress;
pub mod recommend;
pub mod report;
pub mod sources;
