//! Calibration of the audience model per group: on held-out users' ratings, the mean predicted chance of
//! "loved" of each group (age band × gender, and × occupation) against the share its members actually loved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::data::{AGE_BANDS, Class, Profile};

/// A group is listed when its held-out members gave at least this many ratings: below, the observed share
/// is too noisy to judge the prediction (its standard error at 200 ratings and a 20 % share is 2.8 points).
pub const MIN_RATINGS: usize = 200;
/// …and are at least this many people: one person's 300 ratings say how that person rates, not the group (on
/// MovieLens 100K, "45-49 M other" was two held-out users loving 58 % of what they rated).
pub const MIN_USERS: usize = 5;

/// Predicted against observed share of "loved" among one group's held-out ratings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCalibration {
    pub age_band: String,
    /// `F` or `M`.
    pub gender: String,
    /// None: every occupation of the age band and gender.
    pub occupation: Option<String>,
    pub users: usize,
    pub ratings: usize,
    /// Mean P(loved) the model gave the group's ratings.
    pub predicted: f64,
    /// Share of those ratings that were "loved".
    pub observed: f64,
}

impl GroupCalibration {
    pub fn gap(&self) -> f64 {
        (self.predicted - self.observed).abs()
    }
}

/// Every group (with and without occupation) with at least [`MIN_USERS`] held-out users and [`MIN_RATINGS`]
/// ratings, the age band ×
/// gender groups first. `ratings` are (user id, the user's profile, the class, the predicted
/// P(loved)).
pub fn by_group<'a>(ratings: impl IntoIterator<Item = (i32, &'a Profile, Class, f32)>) -> Vec<GroupCalibration> {
    #[derive(Default)]
    struct Sums {
        users: std::collections::HashSet<i32>,
        ratings: usize,
        predicted: f64,
        loved: usize,
    }
    let mut groups: BTreeMap<(usize, bool, Option<&str>), Sums> = BTreeMap::new();
    for (user, profile, class, p) in ratings {
        let (band, female, occupation) = profile.group();
        for key in [(band, female, None), (band, female, Some(occupation))] {
            let s = groups.entry(key).or_default();
            s.users.insert(user);
            s.ratings += 1;
            s.predicted += p as f64;
            s.loved += usize::from(class == Class::Loved);
        }
    }
    let mut out: Vec<GroupCalibration> = groups
        .into_iter()
        .filter(|(_, s)| s.ratings >= MIN_RATINGS && s.users.len() >= MIN_USERS)
        .map(|((band, female, occupation), s)| GroupCalibration {
            age_band: AGE_BANDS[band].0.to_owned(),
            gender: if female { "F" } else { "M" }.to_owned(),
            occupation: occupation.map(str::to_owned),
            users: s.users.len(),
            ratings: s.ratings,
            predicted: s.predicted / s.ratings as f64,
            observed: s.loved as f64 / s.ratings as f64,
        })
        .collect();
    out.sort_by_key(|g| g.occupation.is_some());
    out
}

/// Mean gap between predicted and observed, weighted by ratings, over the listed groups of one kind (with or
/// without occupation); and the largest gap. None when no group is listed.
pub fn summary(groups: &[GroupCalibration], with_occupation: bool) -> Option<(f64, &GroupCalibration)> {
    let kind: Vec<&GroupCalibration> = groups.iter().filter(|g| g.occupation.is_some() == with_occupation).collect();
    let ratings: usize = kind.iter().map(|g| g.ratings).sum();
    let worst = kind.iter().copied().max_by(|a, b| a.gap().total_cmp(&b.gap()))?;
    Some((kind.iter().map(|g| g.gap() * g.ratings as f64).sum::<f64>() / ratings as f64, worst))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(age: i32, gender: &str, occupation: &str) -> Profile {
        Profile { age, gender: gender.into(), occupation: occupation.into() }
    }

    #[test]
    fn groups_compare_the_mean_prediction_with_the_share_loved_and_small_groups_are_left_out() {
        let student = profile(20, "M", "student");
        let writer = profile(22, "M", "writer");
        let nurse = profile(40, "F", "healthcare");
        let programmer = profile(40, "M", "programmer");
        let mut ratings = Vec::new();
        // Five students rate 60 films each, a third loved, predicted at 0.4; five writers 20 each, none loved,
        // at 0.1: too few ratings for the writers' own group, counted in their age band's.
        for user in 1..=5 {
            for i in 0..60 {
                ratings.push((user, &student, if i % 3 == 0 { Class::Loved } else { Class::Liked }, 0.4));
            }
            for _ in 0..20 {
                ratings.push((user + 5, &writer, Class::Disliked, 0.1));
            }
        }
        // Too few ratings for the nurse's groups; one programmer's 300 ratings are one person, not a group.
        for _ in 0..50 {
            ratings.push((11, &nurse, Class::Loved, 0.9));
        }
        for _ in 0..300 {
            ratings.push((12, &programmer, Class::Loved, 0.2));
        }
        let groups = by_group(ratings);
        assert_eq!(groups.len(), 2, "{groups:?}");
        let band = &groups[0];
        assert_eq!((band.age_band.as_str(), band.gender.as_str(), band.occupation.as_deref()), ("18-24", "M", None));
        assert_eq!((band.users, band.ratings), (10, 400));
        assert!((band.predicted - 0.325).abs() < 1e-6 && (band.observed - 0.25).abs() < 1e-6, "{band:?}");
        let students = &groups[1];
        assert_eq!((students.occupation.as_deref(), students.users, students.ratings), (Some("student"), 5, 300));
        assert!((students.gap() - (0.4 - 1.0 / 3.0)).abs() < 1e-6);
        let (mean, worst) = summary(&groups, false).unwrap();
        assert!((mean - 0.075).abs() < 1e-6 && worst == band);
        assert!(summary(&[], true).is_none());
    }
}
