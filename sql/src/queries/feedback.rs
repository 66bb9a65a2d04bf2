//! Customers' feedback on films: recorded once per customer, film and kind, read back as each customer's current
//! verdicts (for the picks and the pages), as events (for training) and beside the picks sent (for the owner).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::connect::Store;
use crate::entities::{delivery, feedback, film, subscription};
use crate::error::{During, Result};
use cinepicks_domain::{DeliveryStatus, FeedbackKind, FeedbackSource, IsoWeek};

/// What recording one verdict did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackOutcome {
    /// Recorded (new, or the customer changed their mind back to it).
    Recorded,
    /// Already the customer's verdict: nothing changed (a link followed twice, a button pressed twice).
    AlreadyRecorded,
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
}

/// The films sent to one customer one week (both channels share them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentPicks {
    pub customer_id: i32,
    pub week: String,
    pub films: Vec<String>,
}

impl Store {
    /// Records a customer's verdict on a film, in one transaction. Saying again what is already their verdict
    /// changes nothing; "J'aime" after "Pas pour moi" (or the reverse) is a change of mind and becomes the verdict.
    pub async fn record_feedback(
        &self,
        customer_id: i32,
        film_id: &str,
        kind: FeedbackKind,
        source: FeedbackSource,
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
        let on_film = feedback::Entity::find()
            .filter(feedback::Column::CustomerId.eq(customer_id))
            .filter(feedback::Column::FilmId.eq(film_id))
            .all(&txn)
            .await
            .during("reading a customer's feedback on a film")?;
        let before = Verdicts::of(&on_film);
        let outcome = match on_film.iter().find(|e| e.kind == kind) {
            None => {
                let row = feedback::ActiveModel {
                    customer_id: Set(customer_id),
                    film_id: Set(film_id.to_owned()),
                    kind: Set(kind),
                    source: Set(source),
                    given_at: Set(now),
                    ..Default::default()
                };
                // A request racing this one with the same verdict inserted it first: the same outcome for both.
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
                    _ => FeedbackOutcome::AlreadyRecorded,
                }
            }
            Some(existing) => {
                let current = kind == FeedbackKind::Seen || before.opinion(film_id) == Some(kind);
                if current {
                    FeedbackOutcome::AlreadyRecorded
                } else {
                    // Back to an earlier opinion: it becomes the latest again.
                    let mut row: feedback::ActiveModel = existing.clone().into();
                    row.given_at = Set(now);
                    row.source = Set(source);
                    sea_orm::ActiveModelTrait::update(row, &txn).await.during("recording a change of mind")?;
                    FeedbackOutcome::Recorded
                }
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

    /// Every customer's current verdicts, for the weekly picks.
    pub async fn verdicts_by_customer(&self) -> Result<HashMap<i32, Verdicts>> {
        let mut events: HashMap<i32, Vec<feedback::Model>> = HashMap::new();
        for e in self.feedback_events().await? {
            events.entry(e.customer_id).or_default().push(e);
        }
        Ok(events.into_iter().map(|(customer, events)| (customer, Verdicts::of(&events))).collect())
    }

    /// The films sent (delivered) to each customer in `weeks`, one entry per customer and week.
    pub async fn sent_picks(&self, weeks: &[IsoWeek]) -> Result<Vec<SentPicks>> {
        let rows: Vec<(i32, String, serde_json::Value)> = delivery::Entity::find()
            .select_only()
            .column(delivery::Column::CustomerId)
            .column(delivery::Column::IsoWeek)
            .column(delivery::Column::Picks)
            .filter(delivery::Column::IsoWeek.is_in(weeks.iter().map(ToString::to_string)))
            .filter(delivery::Column::Status.eq(DeliveryStatus::Sent))
            .order_by_asc(delivery::Column::Id)
            .into_tuple()
            .all(self.db())
            .await
            .during("reading the picks sent")?;
        let mut out: Vec<SentPicks> = Vec::new();
        let mut index: HashMap<(i32, String), usize> = HashMap::new();
        for (customer_id, week, picks) in rows {
            let films: Vec<String> = picks
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("film_id").and_then(serde_json::Value::as_str).map(str::to_owned))
                .collect();
            // A customer reached on both channels got the same five films once.
            if index.contains_key(&(customer_id, week.clone())) {
                continue;
            }
            index.insert((customer_id, week.clone()), out.len());
            out.push(SentPicks { customer_id, week, films });
        }
        Ok(out)
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
    }
}
