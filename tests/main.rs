//! The end-to-end tests, one binary (one link of polars, XGBoost, sea-orm and axum instead of one per file):
//! each module drives the real `cinepicks` binary or the libraries on real files, stores and servers.

mod common;

mod analyze_real_data;
mod browser;
mod customers;
mod daemon;
mod fetch;
mod ingest_generated;
mod ingest_real_data;
mod layering;
mod notify;
mod object_storage;
mod popularity_real_data;
mod publish;
mod recommend_generated;
mod recommend_real_data;
mod serve;
mod store_schema;
