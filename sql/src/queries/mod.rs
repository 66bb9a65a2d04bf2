//! What the jobs ask of the store, one module per concern.

pub(crate) mod bulk;
pub mod columns;
pub mod customers;
pub mod deliveries;
pub mod feedback;
pub mod film_lookup;
pub mod films;
pub mod job_runs;
pub mod operations;
pub mod opt_in;
pub mod owner_sessions;
pub mod privacy;
pub mod publish;
pub mod schema;
pub mod screenings;
pub mod synopses;
