//! cinepicks application: configuration, CLI, and one module per job, callable from the CLI, the daemon and tests.
//!
//! Every job is `run(ctx, ..) -> Result<Metrics>`; `main.rs` only parses arguments and calls them.

pub mod analyze;
pub mod audience;
pub mod backoff;
pub mod cli;
pub mod config;
pub mod context;
pub mod customers;
pub mod daemon;
pub mod demo;
pub mod evaluate;
pub mod fetch;
pub mod generate;
pub mod ingest;
pub mod notify;
pub mod predict;
pub mod publish;
pub mod recommend;
pub mod serve;
pub mod status;
pub mod store;
pub mod suggest;
pub mod telemetry;
pub mod train;

pub use context::{Context, Metrics};
