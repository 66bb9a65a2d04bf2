//! cinepicks-jobs: the batch stages, the one-off queries, the notifier and the scheduler, each callable from
//! the command line, the daemon, the web site and tests alike. No command-line parsing here.
//!
//! Every job is `run(&Context, &Params) -> Result<impl Report>`: the context carries the configuration (the
//! jobs' sections), the data folders, the clock and the dry-run flag; the report is typed, its `Display` is
//! what the command line prints and its metrics what the daemon records. No job prints.
//!
//! Layout:
//! - setup: [`config`] (the jobs' configuration sections), [`context`] (what every job receives), [`store`]
//!   (opening the store), [`progress`] (bars on a terminal), [`shutdown`] (SIGINT and SIGTERM);
//! - batch stages: [`generate`], [`fetch`], [`ingest`], [`analyze`], [`train`], [`evaluate`], [`publish`];
//! - queries of the trained models: [`recommend`], [`predict`], [`audience`], [`suggest`], and
//!   [`model_runs`] (which run holds which model);
//! - the customers and their weekly picks: [`customers`], [`notify`] (e-mail, SMS, outboxes, links);
//! - operations: [`daemon`] (the scheduled chains), [`status`] (runs, deliveries, subscriptions), [`backoff`].

pub mod analyze;
pub mod audience;
pub mod backoff;
pub mod config;
pub mod context;
pub mod customers;
pub mod daemon;
pub mod evaluate;
pub mod fetch;
pub mod generate;
pub mod ingest;
pub mod model_runs;
pub mod notify;
pub mod predict;
pub mod progress;
pub mod publish;
pub mod recommend;
pub mod screenings;
pub mod shutdown;
pub mod status;
pub mod storage;
pub mod store;
pub mod suggest;
pub mod train;

pub use context::{Context, Metrics, Report};
