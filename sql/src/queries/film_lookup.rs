//! Finding a film from what a person typed: an IMDb id, or a title (French, primary or original) compared
//! without accents, case or punctuation, with an optional "(year)". Deliberately small: fuzzy search belongs
//! to the recommender's work and can replace [`FilmLookup::resolve`] behind the same signature.

use std::collections::HashMap;

use cinepicks_domain::TitleId;
use cinepicks_domain::titles::split_year;
use sea_orm::{EntityTrait, QuerySelect};
use unicode_normalization::UnicodeNormalization;

use crate::connect::Store;
use crate::entities::film;
use crate::error::{During, Result};

/// Titles of every stored film, indexed by their normalised form.
#[derive(Debug, Default)]
pub struct FilmLookup {
    ids: std::collections::HashSet<String>,
    by_title: HashMap<String, Vec<Candidate>>,
}

#[derive(Debug, Clone)]
struct Candidate {
    film_id: String,
    year: Option<i32>,
    title: String,
}

/// Why a reference did not resolve to exactly one film.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("no film {0:?} in the catalogue (use its IMDb id, e.g. tt0133093, or the exact title)")]
    Unknown(String),
    #[error("{reference:?} matches {} films ({}): add the year, e.g. \"{title} ({year_hint})\", or use the IMDb id", .candidates.len(), .candidates.join(", "))]
    Ambiguous { reference: String, title: String, year_hint: String, candidates: Vec<String> },
}

type FilmTitles = (String, String, Option<String>, Option<String>, String, Option<i32>);

impl Store {
    /// Loads the lookup from the films table.
    pub async fn film_lookup(&self) -> Result<FilmLookup> {
        let rows: Vec<FilmTitles> = film::Entity::find()
            .select_only()
            .columns([
                film::Column::FilmId,
                film::Column::PrimaryTitle,
                film::Column::OriginalTitle,
                film::Column::FrenchTitle,
                film::Column::DisplayTitleFr,
                film::Column::StartYear,
            ])
            .into_tuple()
            .all(self.db())
            .await
            .during("reading film titles")?;
        let mut lookup = FilmLookup::default();
        for (id, primary, original, french, display, year) in rows {
            lookup.add(&id, year, [Some(primary), original, french, Some(display)].into_iter().flatten());
        }
        Ok(lookup)
    }
}

impl FilmLookup {
    pub fn add(&mut self, film_id: &str, year: Option<i32>, titles: impl IntoIterator<Item = String>) {
        self.ids.insert(film_id.to_owned());
        let mut seen = Vec::new();
        for title in titles {
            let key = normalise_title(&title);
            if key.is_empty() || seen.contains(&key) {
                continue;
            }
            let candidate = Candidate { film_id: film_id.to_owned(), year, title: title.clone() };
            self.by_title.entry(key.clone()).or_default().push(candidate);
            seen.push(key);
        }
    }

    /// An IMDb id of a stored film, or a title with an optional "(year)" matching exactly one film. A title no
    /// film has exactly may be the start of one film's title, as the site's search reads it ("Nosferatu" for
    /// "Nosferatu, eine Symphonie des Grauens"); the start of several is ambiguous.
    pub fn resolve(&self, reference: &str) -> Result<String, LookupError> {
        let reference = reference.trim();
        let unknown = || LookupError::Unknown(reference.to_owned());
        if TitleId::parse(reference).is_some() {
            return if self.ids.contains(reference) { Ok(reference.to_owned()) } else { Err(unknown()) };
        }
        let (title, year) = split_year(reference);
        let key = normalise_title(title);
        let candidates: Vec<&Candidate> = match self.by_title.get(&key) {
            Some(exact) => exact.iter().collect(),
            None if key.is_empty() => Vec::new(),
            None => {
                // No exact title: the films whose title starts with it, each once.
                let prefix = format!("{key} ");
                let mut seen = std::collections::HashSet::new();
                let starting = self.by_title.iter().filter(|(k, _)| k.starts_with(&prefix)).flat_map(|(_, l)| l);
                starting.filter(|c| seen.insert(c.film_id.as_str())).collect()
            }
        };
        let matching: Vec<&Candidate> = candidates.into_iter().filter(|c| year.is_none() || c.year == year).collect();
        match matching.as_slice() {
            [] => Err(unknown()),
            [one] => Ok(one.film_id.clone()),
            many => Err(LookupError::Ambiguous {
                reference: reference.to_owned(),
                title: many[0].title.clone(),
                year_hint: many[0].year.map_or("year".to_owned(), |y| y.to_string()),
                candidates: many
                    .iter()
                    .map(|c| format!("{} {}", c.film_id, c.year.map_or("(no year)".into(), |y| format!("({y})"))))
                    .collect(),
            }),
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Lower case, accents removed (NFD then combining marks dropped), "œ"/"æ" spelled out, anything that is
/// not a letter or digit collapsed to single spaces: "L'Œuvre  d'Art!" → "l oeuvre d art".
pub fn normalise_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut pending_space = false;
    for c in title.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let lowered: String = match c {
            'œ' | 'Œ' => "oe".into(),
            'æ' | 'Æ' => "ae".into(),
            'ß' => "ss".into(),
            _ => c.to_lowercase().collect(),
        };
        for l in lowered.chars() {
            if l.is_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(l);
            } else {
                pending_space = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup() -> FilmLookup {
        let mut l = FilmLookup::default();
        l.add("tt0211915", Some(2001), ["Amélie".to_owned(), "Le fabuleux destin d'Amélie Poulain".to_owned()]);
        l.add("tt0133093", Some(1999), ["The Matrix".to_owned(), "Matrix".to_owned()]);
        l.add("tt0000001", Some(1954), ["Les Diaboliques".to_owned()]);
        l.add("tt0000002", Some(1996), ["Les Diaboliques".to_owned(), "Diabolique".to_owned()]);
        l
    }

    #[test]
    fn titles_match_without_accents_case_or_punctuation() {
        assert_eq!(normalise_title("L'Œuvre  d'Art!"), "l oeuvre d art");
        let l = lookup();
        assert_eq!(l.resolve("amelie").unwrap(), "tt0211915");
        assert_eq!(l.resolve("LE FABULEUX DESTIN D’AMÉLIE POULAIN").unwrap(), "tt0211915");
        assert_eq!(l.resolve(" matrix ").unwrap(), "tt0133093");
    }

    #[test]
    fn imdb_ids_resolve_only_when_the_film_is_stored() {
        let l = lookup();
        assert_eq!(l.resolve("tt0133093").unwrap(), "tt0133093");
        assert!(matches!(l.resolve("tt9999999"), Err(LookupError::Unknown(_))));
    }

    #[test]
    fn a_year_in_brackets_settles_ambiguous_titles() {
        let l = lookup();
        let err = l.resolve("Les Diaboliques").unwrap_err();
        assert!(matches!(err, LookupError::Ambiguous { .. }), "{err}");
        assert!(err.to_string().contains("tt0000001") && err.to_string().contains("tt0000002"), "{err}");
        assert_eq!(l.resolve("Les Diaboliques (1996)").unwrap(), "tt0000002");
        assert!(matches!(l.resolve("Les Diaboliques (2020)"), Err(LookupError::Unknown(_))));
    }

    #[test]
    fn the_start_of_one_title_finds_it_and_the_start_of_several_is_ambiguous() {
        let mut l = lookup();
        l.add("tt0013442", Some(1922), ["Nosferatu, eine Symphonie des Grauens".to_owned()]);
        assert_eq!(l.resolve("Nosferatu").unwrap(), "tt0013442");
        assert_eq!(l.resolve("nosferatu (1922)").unwrap(), "tt0013442");
        assert!(matches!(l.resolve("Nosferatu (1979)"), Err(LookupError::Unknown(_))));
        assert!(matches!(l.resolve("Les"), Err(LookupError::Ambiguous { .. })), "both Diaboliques start with it");
        assert!(matches!(l.resolve("Nosfe"), Err(LookupError::Unknown(_))), "whole words only");
    }
}
