//! cinepicks-domain: the small vocabulary every other crate shares, parsed once at the boundary. No I/O.
//!
//! Layout:
//! - [`ids`]: IMDb title and person ids (`tt0133093`, `nm0000206`), the canonical keys;
//! - [`week`]: the ISO week of the weekly picks (`2026-W48`);
//! - [`contact`]: a customer's `Email`, `PhoneNumber` (E.164) and the `Channel` that reaches them;
//! - [`config`]: the error of a refused configuration value, naming its key (each crate owns its section);
//! - [`language`]: the one `Language` of everything people read (French by default, English);
//! - [`names`]: genres and countries as people read them, in French or English;
//! - [`calendar`]: days and times as people read them ("mercredi 9 décembre, 20 h 30");
//! - [`identity`]: the cinema's colours and type faces, shared by the site, the e-mails and the report;
//! - [`poster_art`]: the palette and motif a film without a poster is drawn with;
//! - [`tmdb_images`]: TMDB poster URLs at the widths pages show them;
//! - [`titles`]: a film's title as people read it (French title rule, MovieLens forms undone, raw ids spotted);
//! - [`feedback`]: what a customer says about a film shown to them ("J'aime", "Pas pour moi", "Déjà vu");
//! - [`status`]: `DeliveryStatus` and `JobStatus`, the states the store records;
//! - [`run`]: `run.json`, the manifest of a model run (the contract between training and its readers).

pub mod calendar;
pub mod config;
pub mod contact;
pub mod feedback;
pub mod identity;
pub mod ids;
pub mod language;
pub mod names;
pub mod poster_art;
pub mod run;
pub mod status;
pub mod titles;
pub mod tmdb_images;
pub mod week;

pub use config::InvalidConfig;
pub use contact::{Channel, ContactError, Email, PhoneNumber};
pub use feedback::{FeedbackKind, FeedbackSource};
pub use ids::{PersonId, TitleId};
pub use language::Language;
pub use run::{RunManifest, RunStatus};
pub use status::{ConsentChange, DeliveryStatus, JobStatus};
pub use week::IsoWeek;
