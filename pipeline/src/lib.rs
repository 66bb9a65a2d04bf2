//! cinepicks-pipeline: all data and model logic of cinepicks. No database, no network, no clock reads.
//!
//! Layout:
//! - `generate`: deterministic generator of IMDb / MovieLens / TMDB-format files with planted structure.
pub mod generate;
pub mod domain;
pub mod lake;
pub mod sources;
pub mod ingest;
