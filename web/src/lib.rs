//! cinepicks-web: the customers' web site, the owner's pages and the REST API, on axum, read from the published
//! store (`cinepicks serve`).
//!
//! - `config`: the `serve` section; `server`: the router, limits, headers and the serving loop; `state`: what
//!   every request shares;
//! - `catalogue`: the snapshot of the store that requests read (films, titles, neighbours), swapped when a newer
//!   run is published; `language`: French or English per request;
//! - `api`: `/api/v1` in JSON; `problem`: RFC 9457 errors; `openapi`: the API's document and docs page;
//! - `pages`: the HTML pages; `programme`: the screenings (page, iCalendar feed, API); `posters`: drawn posters
//!   for films without one; `assets`: the stylesheet, placeholder poster and search suggestions script;
//! - `owner`: the owner's pages behind a sign-in (dashboard, model tools, operations);
//! - `subscriptions`: subscribing with double opt-in, confirming and one-click unsubscribe, shared by the API and
//!   `subscription_pages`; `feedback`: "J'aime", "Pas pour moi", "Déjà vu" on films (the e-mail's links, the pages'
//!   buttons, the API); `forms`: the same-origin check and cookies every posted form shares; `rate_limit`: requests per
//!   client.

pub mod api;
pub mod assets;
pub mod catalogue;
pub mod config;
pub mod feedback;
pub mod forms;
pub mod language;
pub mod openapi;
pub mod owner;
pub mod pages;
pub mod posters;
pub mod problem;
pub mod programme;
pub mod rate_limit;
pub mod server;
pub mod state;
pub mod subscription_pages;
pub mod subscriptions;

pub use config::ServeConfig;
pub use server::{Ready, Served, router, run};
pub use state::{AppState, Shared, state};
