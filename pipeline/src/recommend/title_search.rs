//! Film title search: accent- and case-insensitive, over original, primary and French titles, with
//! `"Dune (2021)"` year disambiguation, typo tolerance and "did you mean" suggestions.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower case, accents removed, ligatures expanded, punctuation turned into single spaces:
/// `"Amélie  (Le Fabuleux…)"` → `"amelie le fabuleux"`.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfd().filter(|c| !is_combining_mark(*c)) {
        let expanded: &str = match c {
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            'ß' => "ss",
            'ø' | 'Ø' => "o",
            'ł' | 'Ł' => "l",
            '&' => " and ",
            _ => "",
        };
        if !expanded.is_empty() {
            for e in expanded.chars() {
                push_char(&mut out, e, &mut space);
            }
            continue;
        }
        for l in c.to_lowercase() {
            push_char(&mut out, l, &mut space);
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn push_char(out: &mut String, c: char, space: &mut bool) {
    if c.is_alphanumeric() {
        out.push(c);
        *space = false;
    } else if !*space {
        out.push(' ');
        *space = true;
    }
}

pub use cinepicks_domain::titles::{movielens_variants, split_year};

/// One searchable film.
#[derive(Debug, Clone)]
pub struct Entry {
    pub item: u32,
    pub year: Option<i32>,
    /// Breaks ties between equally good matches (number of votes, for instance).
    pub popularity: f32,
    /// Normalised titles (original, primary, French…), deduplicated.
    names: Vec<String>,
}

/// A film found for a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub item: u32,
    /// 1.0 for an exact (normalised) title, lower for approximate matches.
    pub score: f32,
    pub year: Option<i32>,
}

/// The answer to a query: the film meant, or nothing and the closest titles ("did you mean").
#[derive(Debug, Clone, PartialEq)]
pub enum SearchOutcome {
    /// The best match, and other films with the same title (other years) to mention.
    Found {
        best: Match,
        same_title: Vec<Match>,
    },
    NotFound {
        suggestions: Vec<Match>,
    },
}

/// An in-memory index of titles.
#[derive(Debug, Clone, Default)]
pub struct TitleIndex {
    entries: Vec<Entry>,
    exact: HashMap<String, Vec<u32>>,
    /// Word → entries having it in a title, to find approximate candidates without scanning everything.
    words: HashMap<String, Vec<u32>>,
}

/// Below this similarity a title is not offered as a suggestion.
const SUGGESTION_FLOOR: f32 = 0.6;
/// The score of a film found because its title begins with the query.
const PREFIX_SCORE: f32 = 0.95;
/// At or above this similarity an approximate title is taken as the one meant (a typo).
const TYPO_ACCEPT: f32 = 0.93;

impl TitleIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a film under all of its titles.
    pub fn add<'a>(
        &mut self,
        item: u32,
        titles: impl IntoIterator<Item = &'a str>,
        year: Option<i32>,
        popularity: f32,
    ) {
        let mut names: Vec<String> = titles.into_iter().map(normalize).filter(|n| !n.is_empty()).collect();
        names.sort();
        names.dedup();
        let e = self.entries.len() as u32;
        for n in &names {
            self.exact.entry(n.clone()).or_default().push(e);
            for w in n.split(' ') {
                let list = self.words.entry(w.to_owned()).or_default();
                if list.last() != Some(&e) {
                    list.push(e);
                }
            }
        }
        self.entries.push(Entry { item, year, popularity, names });
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn to_match(&self, e: u32, score: f32) -> Match {
        let entry = &self.entries[e as usize];
        Match { item: entry.item, score, year: entry.year }
    }

    fn sort(&self, matches: &mut [(u32, f32)]) {
        matches.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(self.entries[b.0 as usize].popularity.total_cmp(&self.entries[a.0 as usize].popularity))
        });
    }

    /// Finds the film a person means by `query` (`"Dune"`, `"dune (2021)"`, `"amelie"`, `"Le Parrain"`).
    pub fn search(&self, query: &str) -> SearchOutcome {
        let (title, year) = split_year(query);
        let q = normalize(title);
        if q.is_empty() {
            return SearchOutcome::NotFound { suggestions: Vec::new() };
        }
        let year_ok = |e: u32, tolerance: i32| match (year, self.entries[e as usize].year) {
            (None, _) => true,
            (Some(y), Some(ey)) => (y - ey).abs() <= tolerance,
            (Some(_), None) => false,
        };
        // 1. Exact titles, the right year first (then a year off by one: release years differ by country).
        let exact = self.exact.get(&q).cloned().unwrap_or_default();
        for tolerance in [0, 1] {
            let mut hits: Vec<(u32, f32)> =
                exact.iter().filter(|&&e| year_ok(e, tolerance)).map(|&e| (e, 1.0)).collect();
            if !hits.is_empty() {
                self.sort(&mut hits);
                let best = self.to_match(hits[0].0, 1.0);
                let same_title = exact
                    .iter()
                    .filter(|&&e| self.entries[e as usize].item != best.item)
                    .map(|&e| self.to_match(e, 1.0))
                    .collect();
                return SearchOutcome::Found { best, same_title };
            }
        }
        // 2. Titles that begin with the query's words ("Nosferatu" → "Nosferatu, eine Symphonie des Grauens",
        // "Hotel Transylvania 4" → "Hotel Transylvania 4: Transformania"): the film, when only one begins so.
        let mut beginning = self.beginning_with(&q);
        beginning.retain(|&e| year_ok(e, 1));
        let mut films: Vec<u32> = beginning.iter().map(|&e| self.entries[e as usize].item).collect();
        films.sort_unstable();
        films.dedup();
        if films.len() == 1 {
            return SearchOutcome::Found { best: self.to_match(beginning[0], PREFIX_SCORE), same_title: Vec::new() };
        }
        // Several films begin so ("Hotel Transylvania" → its sequels): the person chooses; none is taken for a typo.
        if films.len() > 1 && exact.is_empty() {
            let mut offered: Vec<(u32, f32)> = beginning.iter().map(|&e| (e, PREFIX_SCORE)).collect();
            self.sort(&mut offered);
            offered.truncate(5);
            return SearchOutcome::NotFound {
                suggestions: offered.into_iter().map(|(e, s)| self.to_match(e, s)).collect(),
            };
        }
        // 3. Approximate titles among films sharing a word (or a word's first letters) with the query.
        let mut scored = self.approximate(&q);
        scored.retain(|&(e, _)| year_ok(e, 1));
        self.sort(&mut scored);
        if let Some(&(e, s)) = scored.first()
            && s >= TYPO_ACCEPT
        {
            return SearchOutcome::Found { best: self.to_match(e, s), same_title: Vec::new() };
        }
        // Suggestions ignore the year (it may be the part that is wrong), but prefer titles of that year.
        let mut suggestions: Vec<(u32, f32)> =
            if exact.is_empty() { self.approximate(&q) } else { exact.iter().map(|&e| (e, 1.0)).collect() };
        suggestions.retain(|&(_, s)| s >= SUGGESTION_FLOOR);
        self.sort(&mut suggestions);
        suggestions.truncate(5);
        SearchOutcome::NotFound { suggestions: suggestions.into_iter().map(|(e, s)| self.to_match(e, s)).collect() }
    }

    /// Entries with a title that begins with the words of `q` (whole words).
    fn beginning_with(&self, q: &str) -> Vec<u32> {
        let first = q.split(' ').next().unwrap_or(q);
        let prefix = format!("{q} ");
        self.words
            .get(first)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&e| self.entries[e as usize].names.iter().any(|n| n.starts_with(&prefix)))
            .collect()
    }

    /// Entries scored by their best title's similarity to `q`.
    fn approximate(&self, q: &str) -> Vec<(u32, f32)> {
        let mut candidates: Vec<u32> = Vec::new();
        for w in q.split(' ') {
            if let Some(list) = self.words.get(w) {
                candidates.extend(list);
            }
            // A typo inside a word: words sharing the first three letters.
            if w.chars().count() >= 3 {
                let prefix: String = w.chars().take(3).collect();
                for (word, list) in &self.words {
                    if word.starts_with(&prefix) && word != w {
                        candidates.extend(list);
                    }
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        if candidates.is_empty() || candidates.len() > 50_000 {
            candidates = (0..self.entries.len() as u32).collect();
        }
        candidates
            .into_iter()
            .map(|e| {
                let s = self.entries[e as usize].names.iter().map(|n| similarity(q, n)).fold(0.0f32, f32::max);
                (e, s)
            })
            .filter(|&(_, s)| s > 0.0)
            .collect()
    }
}

/// Words that say little about which film is meant.
const STOP_WORDS: [&str; 14] = ["the", "a", "an", "of", "le", "la", "les", "l", "de", "des", "du", "un", "une", "et"];

/// Similarity of a query and a title in [0, 1]: the best of Jaro-Winkler and normalised Levenshtein on the
/// whole strings, word-by-word matching (each query word against its closest title word, so a typo in one
/// word of a long title still scores well), and a bonus when the title starts with the whole query.
fn similarity(q: &str, title: &str) -> f32 {
    let jw = strsim::jaro_winkler(q, title) as f32;
    let lev = strsim::normalized_levenshtein(q, title) as f32;
    let prefix = if title.starts_with(q) && q.len() >= 4 { 0.9 } else { 0.0 };
    let words: Vec<&str> = title.split(' ').filter(|w| !STOP_WORDS.contains(w)).collect();
    let query_words: Vec<&str> = q.split(' ').filter(|w| !STOP_WORDS.contains(w)).collect();
    let by_word = if words.is_empty() || query_words.is_empty() {
        0.0
    } else {
        let sum: f32 = query_words
            .iter()
            .map(|w| words.iter().map(|t| strsim::jaro_winkler(w, t) as f32).fold(0.0, f32::max))
            .sum();
        // Title words the query does not mention lower the score a little.
        let coverage = (query_words.len() as f32 / words.len() as f32).min(1.0);
        0.9 * (sum / query_words.len() as f32) * (0.8 + 0.2 * coverage)
    };
    jw.min(0.97).max(lev).max(prefix).max(by_word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> TitleIndex {
        let mut idx = TitleIndex::new();
        idx.add(0, ["Dune"], Some(1984), 200_000.0);
        idx.add(1, ["Dune"], Some(2021), 900_000.0);
        idx.add(2, ["Le fabuleux destin d'Amélie Poulain", "Amélie"], Some(2001), 800_000.0);
        idx.add(3, ["The Godfather", "Le Parrain"], Some(1972), 2_000_000.0);
        idx.add(4, ["Les Misérables"], Some(1995), 5_000.0);
        idx
    }

    fn found(outcome: SearchOutcome) -> u32 {
        match outcome {
            SearchOutcome::Found { best, .. } => best.item,
            other => panic!("expected a film, got {other:?}"),
        }
    }

    #[test]
    fn a_title_beginning_with_the_query_is_the_film_when_it_is_the_only_one() {
        let mut idx = index();
        idx.add(5, ["Nosferatu: A Symphony of Horror", "Nosferatu, eine Symphonie des Grauens"], Some(1922), 90_000.0);
        idx.add(6, ["Hotel Transylvania 4: Transformania", "Hotel Transylvania: Transformania"], Some(2022), 40_000.0);
        idx.add(7, ["Hotel Transylvania 2"], Some(2015), 150_000.0);
        assert_eq!(found(idx.search("Nosferatu")), 5);
        assert_eq!(found(idx.search("nosferatu (1922)")), 5);
        assert_eq!(found(idx.search("Hotel Transylvania 4")), 6);
        // Two films begin with "Hotel Transylvania": both are offered, none is taken.
        match idx.search("Hotel Transylvania") {
            SearchOutcome::NotFound { suggestions } => {
                let mut items: Vec<u32> = suggestions.iter().map(|m| m.item).collect();
                items.sort_unstable();
                assert_eq!(items, [6, 7]);
            }
            other => panic!("ambiguous: {other:?}"),
        }
    }

    #[test]
    fn titles_are_folded_to_lowercase_without_accents_or_punctuation() {
        assert_eq!(normalize("  Amélie (Le Fabuleux…)  "), "amelie le fabuleux");
        assert_eq!(normalize("Œdipe & Cœur"), "oedipe and coeur");
    }

    #[test]
    fn a_year_in_parentheses_picks_between_films_of_the_same_title() {
        let idx = index();
        assert_eq!(found(idx.search("Dune (2021)")), 1);
        assert_eq!(found(idx.search("dune (1984)")), 0);
        // Without a year, the better-known film wins and the other is mentioned.
        match idx.search("DUNE") {
            SearchOutcome::Found { best, same_title } => {
                assert_eq!(best.item, 1);
                assert_eq!(same_title.iter().map(|m| m.item).collect::<Vec<_>>(), vec![0]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn french_titles_accents_and_typos_are_found() {
        let idx = index();
        assert_eq!(found(idx.search("le parrain")), 3);
        assert_eq!(found(idx.search("amelie")), 2);
        assert_eq!(found(idx.search("Les Miserables")), 4);
        assert_eq!(found(idx.search("The Godfahter")), 3);
    }

    #[test]
    fn an_unknown_title_gets_did_you_mean_suggestions() {
        let idx = index();
        match idx.search("Godfater part") {
            SearchOutcome::NotFound { suggestions } => assert_eq!(suggestions.first().map(|m| m.item), Some(3)),
            SearchOutcome::Found { best, .. } => panic!("a weak match must not be taken as the film: {best:?}"),
        }
        assert_eq!(idx.search("zzzz qqqq"), SearchOutcome::NotFound { suggestions: Vec::new() });
    }
}
