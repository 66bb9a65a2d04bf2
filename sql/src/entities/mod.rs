//! sea-orm entities: one module per table of the store (see `sql/MODEL.md` for how they relate).

pub mod audience_segment;
pub mod confirmation;
pub mod consent_event;
pub mod customer;
pub mod delivery;
pub mod feedback;
pub mod film;
pub mod film_person;
pub mod film_synopsis;
pub mod job_run;
pub mod like;
pub mod model_run;
pub mod owner_sign_out;
pub mod person;
pub mod popularity_prediction;
pub mod programme;
pub mod screening;
pub mod similar_film;
pub mod subscription;

/// `use cinepicks_store::entities::prelude::*` names every entity as `Films`, `Customers`, …
pub mod prelude {
    pub use super::audience_segment::Entity as AudienceSegments;
    pub use super::confirmation::Entity as Confirmations;
    pub use super::consent_event::Entity as ConsentEvents;
    pub use super::customer::Entity as Customers;
    pub use super::delivery::Entity as Deliveries;
    pub use super::feedback::Entity as Feedback;
    pub use super::film::Entity as Films;
    pub use super::film_person::Entity as FilmPeople;
    pub use super::film_synopsis::Entity as FilmSynopses;
    pub use super::job_run::Entity as JobRuns;
    pub use super::like::Entity as Likes;
    pub use super::model_run::Entity as ModelRuns;
    pub use super::owner_sign_out::Entity as OwnerSignOuts;
    pub use super::person::Entity as People;
    pub use super::popularity_prediction::Entity as PopularityPredictions;
    pub use super::programme::Entity as Programme;
    pub use super::screening::Entity as Screenings;
    pub use super::similar_film::Entity as SimilarFilms;
    pub use super::subscription::Entity as Subscriptions;
}
