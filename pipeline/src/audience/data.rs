//! The audience model's data: MovieLens ratings with their users' demographics, the four rating classes,
//! the groups (age band × gender × occupation), and per-film statistics computed from training ratings only.

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::lake::tables;
use crate::recommend::interactions::{LoadError, collect, require, string_list};
use crate::sources::movielens::columns as ml;

/// The four documented classes a rating falls in (MovieLens 1–5 stars; half stars of later releases round
/// into the same bands).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// 1 star or less (≤ 1.5).
    Detested = 0,
    /// 2 or 3 stars (1.5 < r ≤ 3.5): a film one would not recommend.
    Disliked = 1,
    /// 4 stars (3.5 < r < 4.5).
    Liked = 2,
    /// 5 stars (≥ 4.5).
    Loved = 3,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::Detested, Class::Disliked, Class::Liked, Class::Loved];

    pub fn of(rating: f32) -> Self {
        if rating <= 1.5 {
            Self::Detested
        } else if rating <= 3.5 {
            Self::Disliked
        } else if rating < 4.5 {
            Self::Liked
        } else {
            Self::Loved
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Detested => "detested",
            Self::Disliked => "disliked",
            Self::Liked => "liked",
            Self::Loved => "loved",
        }
    }
}

/// Age bands of the groups (MovieLens 1M's bands).
pub const AGE_BANDS: [(&str, i32, i32); 7] = [
    ("<18", 0, 17),
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-49", 45, 49),
    ("50-55", 50, 55),
    ("56+", 56, 200),
];

pub fn age_band(age: i32) -> usize {
    AGE_BANDS.iter().position(|(_, lo, hi)| (*lo..=*hi).contains(&age)).unwrap_or(AGE_BANDS.len() - 1)
}

/// A MovieLens user's demographics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub age: i32,
    /// `F` or `M`.
    pub gender: String,
    pub occupation: String,
}

impl Profile {
    pub fn group(&self) -> (usize, bool, &str) {
        (age_band(self.age), self.gender == "F", self.occupation.as_str())
    }
}

/// A film of the ratings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MlFilm {
    pub movie_id: i32,
    pub title: String,
    pub year: Option<i32>,
    pub genres: Vec<String>,
}

/// Ratings with demographics.
#[derive(Debug, Clone)]
pub struct AudienceData {
    pub users: HashMap<i32, Profile>,
    pub films: Vec<MlFilm>,
    /// (user, film index, rating), only for users with demographics and films in `films`.
    pub ratings: Vec<(i32, u32, f32)>,
}

/// Reads ratings, users and films; `None` when the lake has no MovieLens users (no demographics).
pub fn load(lake: &Path) -> Result<Option<AudienceData>, LoadError> {
    let Some(users_lf) = crate::recommend::interactions::scan_table(lake, tables::ML_USERS)? else { return Ok(None) };
    let users_df = collect(
        users_lf.select([col(ml::USER_ID), col(ml::AGE), col(ml::GENDER), col(ml::OCCUPATION)]),
        lake,
        tables::ML_USERS,
    )?;
    let e = |table: &'static str| {
        move |source| LoadError::Polars { table, path: crate::lake::table_path(lake, table), source }
    };
    let ids = users_df.column(ml::USER_ID).and_then(|c| c.i32().cloned()).map_err(e(tables::ML_USERS))?;
    let ages = users_df.column(ml::AGE).and_then(|c| c.i32().cloned()).map_err(e(tables::ML_USERS))?;
    let genders = users_df.column(ml::GENDER).and_then(|c| c.str().cloned()).map_err(e(tables::ML_USERS))?;
    let occupations = users_df.column(ml::OCCUPATION).and_then(|c| c.str().cloned()).map_err(e(tables::ML_USERS))?;
    let mut users = HashMap::new();
    for i in 0..users_df.height() {
        if let (Some(id), Some(age), Some(g), Some(o)) = (ids.get(i), ages.get(i), genders.get(i), occupations.get(i)) {
            users.insert(id, Profile { age, gender: g.to_owned(), occupation: o.to_owned() });
        }
    }
    if users.is_empty() {
        return Ok(None);
    }
    let movies = collect(
        require(lake, tables::ML_MOVIES)?.select([col(ml::MOVIE_ID), col(ml::TITLE), col(ml::YEAR), col(ml::GENRES)]),
        lake,
        tables::ML_MOVIES,
    )?;
    let em = e(tables::ML_MOVIES);
    let mids = movies.column(ml::MOVIE_ID).and_then(|c| c.i32().cloned()).map_err(em)?;
    let titles = movies.column(ml::TITLE).and_then(|c| c.str().cloned()).map_err(e(tables::ML_MOVIES))?;
    let years = movies.column(ml::YEAR).and_then(|c| c.i32().cloned()).map_err(e(tables::ML_MOVIES))?;
    let genres = movies.column(ml::GENRES).and_then(|c| c.list().cloned()).map_err(e(tables::ML_MOVIES))?;
    let mut films = Vec::new();
    for i in 0..movies.height() {
        let Some(id) = mids.get(i) else { continue };
        films.push(MlFilm {
            movie_id: id,
            title: titles.get(i).unwrap_or_default().to_owned(),
            year: years.get(i),
            genres: string_list(genres.get_as_series(i).as_ref())
                .into_iter()
                .filter(|g| g != "unknown" && g != "(no genres listed)")
                .collect(),
        });
    }
    films.sort_by_key(|f| f.movie_id);
    let index: HashMap<i32, u32> = films.iter().enumerate().map(|(i, f)| (f.movie_id, i as u32)).collect();
    let r = collect(
        require(lake, tables::ML_RATINGS)?.select([col(ml::USER_ID), col(ml::MOVIE_ID), col(ml::RATING)]),
        lake,
        tables::ML_RATINGS,
    )?;
    let er = e(tables::ML_RATINGS);
    let u = r.column(ml::USER_ID).and_then(|c| c.i32().cloned()).map_err(er)?;
    let m = r.column(ml::MOVIE_ID).and_then(|c| c.i32().cloned()).map_err(e(tables::ML_RATINGS))?;
    let v = r.column(ml::RATING).and_then(|c| c.f64().cloned()).map_err(e(tables::ML_RATINGS))?;
    let mut ratings = Vec::with_capacity(r.height());
    for ((u, m), v) in u.iter().zip(m.iter()).zip(v.iter()) {
        if let (Some(u), Some(&film), Some(v)) = (u, m.and_then(|m| index.get(&m)), v)
            && users.contains_key(&u)
        {
            ratings.push((u, film, v as f32));
        }
    }
    ratings.sort_by_key(|r| (r.0, r.1));
    Ok(Some(AudienceData { users, films, ratings }))
}

/// Sum and count of ratings, and how many were "loved".
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub sum: f64,
    pub n: u32,
    pub loved: u32,
}

impl Tally {
    pub fn add(&mut self, rating: f32) {
        self.sum += rating as f64;
        self.n += 1;
        self.loved += u32::from(Class::of(rating) == Class::Loved);
    }

    /// The mean rating; NaN under `min` ratings.
    pub fn mean(&self, min: u32) -> f32 {
        if self.n < min.max(1) { f32::NAN } else { (self.sum / self.n as f64) as f32 }
    }

    /// The share of "loved" ratings; NaN without ratings.
    pub fn loved_share(&self) -> f32 {
        if self.n == 0 { f32::NAN } else { self.loved as f32 / self.n as f32 }
    }
}

/// Per-film statistics: overall, per gender (F, M) and per age band.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FilmStats {
    pub all: Tally,
    pub gender: [Tally; 2],
    pub age: [Tally; 7],
}

/// Statistics of every film from the given ratings.
pub fn film_stats(data: &AudienceData, ratings: &[(i32, u32, f32)]) -> Vec<FilmStats> {
    let mut stats = vec![FilmStats::default(); data.films.len()];
    for &(u, f, r) in ratings {
        let p = &data.users[&u];
        let s = &mut stats[f as usize];
        s.all.add(r);
        s.gender[usize::from(p.gender != "F")].add(r);
        s.age[age_band(p.age)].add(r);
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_fall_in_four_documented_classes() {
        assert_eq!(Class::of(1.0), Class::Detested);
        assert_eq!(Class::of(2.0), Class::Disliked);
        assert_eq!(Class::of(3.0), Class::Disliked);
        assert_eq!(Class::of(4.0), Class::Liked);
        assert_eq!(Class::of(4.5), Class::Loved);
        assert_eq!(Class::of(5.0), Class::Loved);
        assert_eq!(Class::of(0.5), Class::Detested);
    }

    #[test]
    fn ages_map_to_movielens_bands() {
        assert_eq!(AGE_BANDS[age_band(34)].0, "25-34");
        assert_eq!(AGE_BANDS[age_band(7)].0, "<18");
        assert_eq!(AGE_BANDS[age_band(73)].0, "56+");
    }

    #[test]
    fn tallies_give_the_mean_and_the_loved_share() {
        let mut t = Tally::default();
        for r in [5.0, 3.0, 4.0] {
            t.add(r);
        }
        assert_eq!(t.mean(1), 4.0);
        assert!(t.mean(4).is_nan());
        assert_eq!(t.loved_share(), 1.0 / 3.0);
        assert!(Tally::default().loved_share().is_nan());
    }
}
