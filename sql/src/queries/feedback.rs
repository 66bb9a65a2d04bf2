//! Customers' feedback on films: recorded once per customer, film and kind ("J'aime" and "Pas pour moi" exclude
//! each other: the last said replaces the other), read back as each customer's verdicts (for the picks, the pages
//! and training) and beside the picks sent (for the owner).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::connect::Store;
use crate::entities::{feedback, film, subscription};
use crate::error::{During, Result};
use cinepicks_domain::{FeedbackKind, FeedbackSource};

/// What recording one verdict did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackOutcome {
    /// Recorded (new, or the customer changed their mind back to it).
    Recorded,
    /// Already the customer's verdict: nothing changed (a link followed twice, a button pressed twice).
    AlreadyRecorded,
    /// Taken back (a pressed button of the site pressed again).
    Removed,
    /// No such film in the store.
    UnknownFilm,
    /// The customer has no subscription in use (never confirmed, unsubscribed, flagged or erased).
    NotSubscribed,
}

/// One customer's current verdicts, as the picks and the pages use them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdicts {
    /// Each film's latest "J'aime" or "Pas pour moi", in the order the films were first judged.
    pub opinions: Vec<(String, FeedbackKind)>,
    /// Films marked "Déjà vu".
    pub seen: Vec<String>,
}

impl Verdicts {
    /// The verdicts told by a customer's events (any order): the latest of "J'aime" and "Pas pour moi" is the
    /// opinion; "Déjà vu" stands beside either.
    pub fn of(events: &[feedback::Model]) -> Self {
        let mut sorted: Vec<&feedback::Model> = events.iter().collect();
        sorted.sort_by_key(|e| (e.given_at, e.id));
        let mut out = Self::default();
        for e in sorted {
            match e.kind {
                FeedbackKind::Seen => out.seen.push(e.film_id.clone()),
                kind => match out.opinions.iter_mut().find(|(f, _)| *f == e.film_id) {
                    Some(opinion) => opinion.1 = kind,
                    None => out.opinions.push((e.film_id.clone(), kind)),
                },
            }
        }
        out
    }

    /// Films liked ("J'aime" is the latest opinion): they seed the picks like declared likes.
    pub fn liked(&self) -> Vec<String> {
        self.opinions.iter().filter(|(_, k)| *k == FeedbackKind::Like).map(|(f, _)| f.clone()).collect()
    }

    /// Films never to propose again: "Pas pour moi" (the latest opinion) or "Déjà vu".
    pub fn excluded(&self) -> Vec<String> {
        let mut out: Vec<String> =
            self.opinions.iter().filter(|(_, k)| *k == FeedbackKind::NotForMe).map(|(f, _)| f.clone()).collect();
        out.extend(self.seen.iter().filter(|f| !out.contains(f)).cloned().collect::<Vec<_>>());
        out
    }

    /// The latest opinion on a film, if any.
    pub fn opinion(&self, film_id: &str) -> Option<FeedbackKind> {
        self.opinions.iter().find(|(f, _)| f == film_id).map(|(_, k)| *k)
    }

    pub fn is_seen(&self, film_id: &str) -> bool {
        self.seen.iter().any(|f| f == film_id)
    }

    /// True when `kind` is one of the verdicts on the film (the pressed button).
    pub fn has(&self, film_id: &str, kind: FeedbackKind) -> bool {
        match kind {
            FeedbackKind::Seen => self.is_seen(film_id),
            opinion => self.opinion(film_id) == Some(opinion),
        }
    }

    /// The films the picks start from: the declared likes, then those liked since, without any since rejected.
    pub fn effective_likes(&self, declared: &[String]) -> Vec<String> {
        let mut likes: Vec<String> = declared.to_vec();
        likes.extend(self.liked().into_iter().filter(|f| !declared.contains(f)));
        likes.retain(|f| self.opinion(f) != Some(FeedbackKind::NotForMe));
        likes
    }

    /// Each customer's verdicts, from events in any order.
    pub fn by_customer(events: &[feedback::Model]) -> HashMap<i32, Verdicts> {
        let mut grouped: HashMap<i32, Vec<feedback::Model>> = HashMap::new();
        for e in events {
            grouped.entry(e.customer_id).or_default().push(e.clone());
        }
        grouped.into_iter().map(|(customer, events)| (customer, Self::of(&events))).collect()
    }
}

impl Store {
    /// Records a customer's verdict on a film, in one transaction. Saying again what is already their verdict
    /// changes nothing; "J'aime" replaces "Pas pour moi" and the reverse (a change of mind). With `toggle`, saying
    /// again what is already their verdict takes it back instead.
    pub async fn record_feedback(
        &self,
        customer_id: i32,
        film_id: &str,
        kind: FeedbackKind,
        source: FeedbackSource,
        toggle: bool,
        now: DateTime<Utc>,
    ) -> Result<FeedbackOutcome> {
        let txn = self.begin_write().await.during("starting to record feedback")?;
        let known = film::Entity::find_by_id(film_id.to_owned()).one(&txn).await.during("reading a film")?;
        if known.is_none() {
            return Ok(FeedbackOutcome::UnknownFilm);
        }
        let active = subscription::Entity::find()
            .filter(subscription::Column::CustomerId.eq(customer_id))
            .filter(subscription::Column::UnsubscribedAt.is_null())
            .filter(subscription::Column::FlaggedAt.is_null())
            .filter(subscription::Column::ConfirmedAt.is_not_null())
            .one(&txn)
            .await
            .during("reading a customer's subscriptions")?;
        if active.is_none() {
            return Ok(FeedbackOutcome::NotSubscribed);
        }
        let on_film = |kinds: Vec<FeedbackKind>| {
            feedback::Entity::delete_many()
                .filter(feedback::Column::CustomerId.eq(customer_id))
                .filter(feedback::Column::FilmId.eq(film_id))
                .filter(feedback::Column::Kind.is_in(kinds))
        };
        let existing = feedback::Entity::find()
            .filter(feedback::Column::CustomerId.eq(customer_id))
            .filter(feedback::Column::FilmId.eq(film_id))
            .filter(feedback::Column::Kind.eq(kind))
            .one(&txn)
            .await
            .during("reading a customer's feedback on a film")?;
        let outcome = if existing.is_some() && toggle {
            on_film(vec![kind]).exec(&txn).await.during("taking feedback back")?;
            FeedbackOutcome::Removed
        } else {
            // The opposite opinion goes: one of "J'aime" and "Pas pour moi" at a time.
            let opposite = match kind {
                FeedbackKind::Like => vec![FeedbackKind::NotForMe],
                FeedbackKind::NotForMe => vec![FeedbackKind::Like],
                FeedbackKind::Seen => vec![],
            };
            let replaced = match opposite.is_empty() {
                true => 0,
                false => on_film(opposite).exec(&txn).await.during("replacing an opinion")?.rows_affected,
            };
            let row = feedback::ActiveModel {
                customer_id: Set(customer_id),
                film_id: Set(film_id.to_owned()),
                kind: Set(kind),
                source: Set(source),
                given_at: Set(now),
                ..Default::default()
            };
            // A request racing this one with the same verdict may have inserted it first: the same outcome.
            let inserted = feedback::Entity::insert(row)
                .on_conflict_do_nothing_on([
                    feedback::Column::CustomerId,
                    feedback::Column::FilmId,
                    feedback::Column::Kind,
                ])
                .exec(&txn)
                .await
                .during(format!("recording feedback of customer {customer_id} on {film_id}"))?;
            match inserted {
                sea_orm::TryInsertResult::Inserted(_) => FeedbackOutcome::Recorded,
                _ if replaced > 0 => FeedbackOutcome::Recorded,
                _ => FeedbackOutcome::AlreadyRecorded,
            }
        };
        txn.commit().await.during("committing feedback")?;
        Ok(outcome)
    }

    /// A customer's feedback events, oldest first.
    pub async fn feedback_of(&self, customer_id: i32) -> Result<Vec<feedback::Model>> {
        feedback::Entity::find()
            .filter(feedback::Column::CustomerId.eq(customer_id))
            .order_by_asc(feedback::Column::GivenAt)
            .order_by_asc(feedback::Column::Id)
            .all(self.db())
            .await
            .during("reading a customer's feedback")
    }

    /// Every feedback event, oldest first: what training folds into the collaborative model.
    pub async fn feedback_events(&self) -> Result<Vec<feedback::Model>> {
        feedback::Entity::find()
            .order_by_asc(feedback::Column::GivenAt)
            .order_by_asc(feedback::Column::Id)
            .all(self.db())
            .await
            .during("reading feedback")
    }

    /// Every customer's verdicts, for the weekly picks.
    pub async fn verdicts_by_customer(&self) -> Result<HashMap<i32, Verdicts>> {
        Ok(Verdicts::by_customer(&self.feedback_events().await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: i32, film: &str, kind: FeedbackKind, minute: u32) -> feedback::Model {
        feedback::Model {
            id,
            customer_id: 1,
            film_id: film.into(),
            kind,
            source: FeedbackSource::Site,
            given_at: DateTime::from_timestamp(1_800_000_000 + i64::from(minute) * 60, 0).unwrap(),
        }
    }

    #[test]
    fn the_latest_opinion_is_the_verdict_and_seen_films_are_excluded() {
        use FeedbackKind::*;
        let events = [
            event(1, "tt1", Like, 1),
            event(2, "tt2", Like, 2),
            event(3, "tt2", NotForMe, 3),
            event(4, "tt3", Seen, 4),
            event(5, "tt4", Seen, 5),
            event(6, "tt4", Like, 6),
            event(7, "tt5", NotForMe, 7),
            event(8, "tt5", Like, 0),
        ];
        let v = Verdicts::of(&events);
        // tt5: "J'aime" at minute 0 comes before "Pas pour moi" at minute 7, whatever the order of the ids.
        assert_eq!(v.liked(), ["tt1", "tt4"]);
        assert_eq!(v.excluded(), ["tt5", "tt2", "tt3", "tt4"]);
        assert_eq!(v.opinion("tt2"), Some(NotForMe));
        assert_eq!(v.opinion("tt3"), None);
        assert!(v.is_seen("tt3") && !v.is_seen("tt1"));
        assert!(v.has("tt4", Like) && v.has("tt4", Seen) && !v.has("tt4", NotForMe));
        // Declared likes first, then those liked since, without those rejected since.
        let declared = ["tt2".to_owned(), "tt9".to_owned()];
        assert_eq!(v.effective_likes(&declared), ["tt9", "tt1", "tt4"]);
    }
}
