//! cinepicks-store: the relational store (sea-orm 2.0 entities, migrations, queries); the only crate that touches the DB.
//!
//! Layout:
//! - [`connect`]: opening the store (SQLite file in WAL mode, or PostgreSQL) and running migrations;
//! - [`coordination`]: several processes on one store (workers' presence, advisory locks on PostgreSQL);
//! - [`entities`]: one sea-orm entity per table (see `sql/MODEL.md` for the Merise MCD / MLD / MPD);
//! - [`migrations`]: the schema history, each migration with its `up` and `down`;
//! - [`queries`]: what the jobs ask of the store, one module per concern (publish, films, customers, runs,
//!   schema introspection);
//! - [`error`]: the store's error type.
//!
//! Everything is async (sea-orm); time is passed in by the caller (`now`), never read here.

pub mod connect;
pub mod coordination;
pub mod entities;
pub mod error;
pub mod migrations;
pub mod queries;

pub use connect::{Backend, Store};
pub use coordination::{Lock, Worker};
pub use error::StoreError;

/// Re-exported so callers can name arrow types in the bulk-load API without a second version of arrow.
pub use arrow_array;
/// Re-exported for tests and tools that run their own queries.
pub use sea_orm;
