//! cinepicks-pipeline: all data and model logic of cinepicks. No database, no network, no clock reads.
//!
//! Layout:
//! - `generate`: deterministic generator of IMDb / MovieLens / TMDB-format files with planted structure.
pub mod domain;
pub mod generate;
pub mod ingest;
pub mod lake;
pub mod sources;
