//! The `cinepicks` command: clap arguments → the jobs' parameters → the call → the report printed. The whole
//! configuration is assembled here, from the sections that the jobs and the web site own.
//!
//! Layout: [`cli`] (the commands and their dispatch), [`args`] (each command's options and their conversion to
//! the job's parameters), [`config`] (layered YAML), [`demo`] (every stage on generated data), [`telemetry`]
//! (logs).

pub mod args;
pub mod cli;
pub mod config;
pub mod demo;
pub mod telemetry;
