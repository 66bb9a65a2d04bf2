//! cinepicks-store: the relational store (sea-orm entities, migrations, queries). Only this crate touches
//! the database; it is empty until the store issue adds the schema, so no job depends on it yet.
