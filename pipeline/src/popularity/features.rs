//! The feature space of the popularity model: named columns of a dense f32 matrix (numbers, one-hot and
//! multi-hot vocabularies fitted on the training films) and leak-free track records of directors, writers,
//! lead cast and companies, computed only from films released before the film described.

use std::collections::HashMap;

use cinepicks_domain::{Language, names};
use serde::{Deserialize, Serialize};

use super::dataset::Film;

/// A role whose track record is a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Director,
    Writer,
    Lead,
    Company,
    /// A TMDB keyword's earlier films (what the theme has done before).
    Keyword,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Director, Role::Writer, Role::Lead, Role::Company, Role::Keyword];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Director => "director",
            Self::Writer => "writer",
            Self::Lead => "lead",
            Self::Company => "company",
            Self::Keyword => "keyword",
        }
    }

    pub fn of(self, film: &Film) -> &[String] {
        match self {
            Self::Director => &film.directors,
            Self::Writer => &film.writers,
            Self::Lead => &film.leads,
            Self::Company => &film.companies,
            Self::Keyword => &film.keywords,
        }
    }
}

/// Earlier films of a set of people: how many, and their mean targets.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Track {
    pub films: u32,
    pub sums: [f64; 2],
}

impl Track {
    pub fn mean(&self, target: usize) -> Option<f64> {
        (self.films > 0).then(|| self.sums[target] / self.films as f64)
    }

    fn add(&mut self, other: &Track) {
        self.films += other.films;
        self.sums[0] += other.sums[0];
        self.sums[1] += other.sums[1];
    }
}

/// A film's year and its two targets.
type Dated = (i32, [f64; 2]);

/// Every person's (or company's) films by year, with running sums, per role.
#[derive(Debug, Clone, Default)]
pub struct TrackRecords {
    /// (role, id) → (year, cumulative track up to and including this entry), sorted by year.
    entries: HashMap<(Role, String), Vec<(i32, Track)>>,
}

impl TrackRecords {
    /// From the films whose targets are known (films without a year cannot be placed in time).
    pub fn from_films<'a>(films: impl IntoIterator<Item = &'a Film>) -> Self {
        let mut raw: HashMap<(Role, String), Vec<Dated>> = HashMap::new();
        for film in films {
            let Some(year) = film.year else { continue };
            if film.targets.iter().any(|t| !t.is_finite()) {
                continue;
            }
            let t = [film.targets[0] as f64, film.targets[1] as f64];
            for role in Role::ALL {
                for id in role.of(film) {
                    raw.entry((role, id.clone())).or_default().push((year, t));
                }
            }
        }
        let entries = raw
            .into_iter()
            .map(|(key, mut films)| {
                films.sort_by_key(|f| f.0);
                let mut acc = Track::default();
                let cumulative = films
                    .into_iter()
                    .map(|(year, t)| {
                        acc.add(&Track { films: 1, sums: t });
                        (year, acc)
                    })
                    .collect();
                (key, cumulative)
            })
            .collect();
        Self { entries }
    }

    /// One person's whole record (for serving): a single entry dated before any film.
    pub fn insert_total(&mut self, role: Role, id: &str, track: Track) {
        self.entries.insert((role, id.to_owned()), vec![(i32::MIN, track)]);
    }

    /// A person's films strictly before `before` (a year).
    pub fn person(&self, role: Role, id: &str, before: i32) -> Track {
        let Some(list) = self.entries.get(&(role, id.to_owned())) else { return Track::default() };
        let n = list.partition_point(|(year, _)| *year < before);
        if n == 0 { Track::default() } else { list[n - 1].1 }
    }

    /// Pooled earlier films of several people (each person's films count once per person).
    pub fn pooled(&self, role: Role, ids: &[String], before: i32) -> Track {
        let mut total = Track::default();
        for id in ids {
            total.add(&self.person(role, id, before));
        }
        total
    }

    /// Each (role, id) with its whole record.
    pub fn totals(&self) -> impl Iterator<Item = (Role, &str, Track)> + '_ {
        self.entries.iter().filter_map(|((role, id), list)| list.last().map(|(_, t)| (*role, id.as_str(), *t)))
    }

    pub fn is_known(&self, role: Role, id: &str) -> bool {
        self.entries.contains_key(&(role, id.to_owned()))
    }
}

/// Sizes of the vocabularies kept.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabularies {
    pub keywords: usize,
    pub countries: usize,
    pub languages: usize,
}

impl Default for Vocabularies {
    fn default() -> Self {
        Self { keywords: 100, countries: 25, languages: 20 }
    }
}

/// The named columns of the model's input, and the vocabularies behind the one-hot ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSpace {
    pub names: Vec<String>,
    pub title_types: Vec<String>,
    pub genres: Vec<String>,
    pub languages: Vec<String>,
    pub countries: Vec<String>,
    pub keywords: Vec<String>,
    /// Roles with a track record (those the training films credit).
    pub roles: Vec<Role>,
}

/// Numeric columns, in order, before the track records and vocabularies.
pub const NUMERIC: [&str; 14] = [
    "year",
    "decade",
    "runtime",
    "credited_people",
    "log_budget",
    "genre_count",
    "keyword_count",
    "release_month",
    "has_tagline",
    "has_homepage",
    "retitled",
    "spoken_language_count",
    "country_count",
    "company_count",
];

/// Numeric columns that say how a film was documented or presented (how many people the dump credits, how many
/// keywords TMDB tagged it with, a tagline, a homepage…) rather than what someone planning a film states: ten
/// typed keywords would otherwise pass for a well-documented hit. A prediction gives them the training films'
/// median and does not count them among its reasons.
pub const UNSTATED: [&str; 9] = [
    "credited_people",
    "keyword_count",
    "release_month",
    "has_tagline",
    "has_homepage",
    "retitled",
    "spoken_language_count",
    "country_count",
    "company_count",
];

/// A feature column in words, as the report's charts and the predictions' reasons name it: "genre Horreur",
/// "pays États-Unis", "nombre de mots-clés" (never the column's raw name, never an English value in French).
pub fn label(name: &str, lang: Language) -> String {
    if let Some((prefix, value)) = name.split_once(':') {
        // Vocabulary values were cleaned into column names (spaces as underscores).
        let value = value.replace('_', " ");
        return match (prefix, lang) {
            ("genre", _) => format!("genre {}", names::genre(&value, lang)),
            ("keyword", Language::Fr) => format!("mot-clé « {} »", names::keyword(&value, lang).unwrap_or(value)),
            ("keyword", Language::En) => format!("keyword \"{value}\""),
            ("country", _) => format!("{} {}", lang.pick("pays", "country"), names::country(&value, lang)),
            ("language", _) => format!("{} {}", lang.pick("langue", "language"), names::language(&value, lang)),
            ("type", _) => format!("type {}", names::title_type(&value, lang)),
            _ => value,
        };
    }
    let fixed = match name {
        "year" => lang.pick("année de sortie", "release year"),
        "decade" => lang.pick("décennie", "decade"),
        "runtime" => lang.pick("durée", "runtime"),
        "credited_people" => lang.pick("personnes créditées", "credited people"),
        "log_budget" => lang.pick("budget", "budget"),
        "genre_count" => lang.pick("nombre de genres", "number of genres"),
        "keyword_count" => lang.pick("nombre de mots-clés", "number of keywords"),
        "release_month" => lang.pick("mois de sortie", "release month"),
        "has_tagline" => lang.pick("accroche", "tagline"),
        "has_homepage" => lang.pick("site officiel", "official site"),
        "retitled" => lang.pick("titre original différent", "different original title"),
        "spoken_language_count" => lang.pick("nombre de langues parlées", "number of spoken languages"),
        "country_count" => lang.pick("nombre de pays de production", "number of production countries"),
        "company_count" => lang.pick("nombre de sociétés de production", "number of production companies"),
        "director_prev_films" => lang.pick("films antérieurs de la réalisation", "director's earlier films"),
        "director_prev_quality" => lang.pick("note antérieure de la réalisation", "director's earlier rating"),
        "director_prev_audience" => lang.pick("audience antérieure de la réalisation", "director's earlier audience"),
        "writer_prev_films" => lang.pick("films antérieurs du scénario", "writers' earlier films"),
        "writer_prev_quality" => lang.pick("note antérieure du scénario", "writers' earlier rating"),
        "writer_prev_audience" => lang.pick("audience antérieure du scénario", "writers' earlier audience"),
        "lead_prev_films" => lang.pick("films antérieurs des têtes d'affiche", "leads' earlier films"),
        "lead_prev_quality" => lang.pick("note antérieure des têtes d'affiche", "leads' earlier rating"),
        "lead_prev_audience" => lang.pick("audience antérieure des têtes d'affiche", "leads' earlier audience"),
        "company_prev_films" => lang.pick("films antérieurs des producteurs", "companies' earlier films"),
        "company_prev_quality" => lang.pick("note antérieure des producteurs", "companies' earlier rating"),
        "company_prev_audience" => lang.pick("audience antérieure des producteurs", "companies' earlier audience"),
        "keyword_prev_films" => {
            lang.pick("films antérieurs aux mêmes mots-clés", "earlier films with the same keywords")
        }
        "keyword_prev_quality" => {
            lang.pick("note antérieure des mêmes mots-clés", "earlier rating of the same keywords")
        }
        "keyword_prev_audience" => {
            lang.pick("audience antérieure des mêmes mots-clés", "earlier audience of the same keywords")
        }
        other => other,
    };
    fixed.to_owned()
}

/// The most frequent values of a list field in `films` (ties broken by name), at most `k`, each at least twice.
fn top_values<'a>(films: &[&'a Film], k: usize, field: impl Fn(&'a Film) -> Vec<&'a str>) -> Vec<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for f in films {
        for v in field(f) {
            *counts.entry(v).or_default() += 1;
        }
    }
    let mut list: Vec<(&str, usize)> = counts.into_iter().filter(|(_, n)| *n >= 2).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    list.into_iter().take(k).map(|(v, _)| v.to_owned()).collect()
}

/// Appends one 0/1 column per vocabulary entry, 1 for the values present.
fn hot<'a>(vocab: &[String], values: impl IntoIterator<Item = &'a String>, out: &mut Vec<f32>) {
    let base = out.len();
    out.resize(base + vocab.len(), 0.0);
    for v in values {
        if let Some(i) = vocab.iter().position(|x| x == v) {
            out[base + i] = 1.0;
        }
    }
}

/// XGBoost refuses feature names with `[`, `]` or `<`, and Python tools dislike commas and spaces.
fn clean(value: &str) -> String {
    value.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' }).collect()
}

impl FeatureSpace {
    /// Vocabularies from the training films (no targets involved).
    pub fn fit(films: &[&Film], vocab: &Vocabularies) -> Self {
        let title_types = top_values(films, 20, |f| f.title_type.iter().map(String::as_str).collect());
        let genres = top_values(films, 64, |f| f.genres.iter().map(String::as_str).collect());
        let languages = top_values(films, vocab.languages, |f| f.language.iter().map(String::as_str).collect());
        let countries = top_values(films, vocab.countries, |f| f.countries.iter().map(String::as_str).collect());
        let keywords = top_values(films, vocab.keywords, |f| f.keywords.iter().map(String::as_str).collect());
        let roles: Vec<Role> = Role::ALL.into_iter().filter(|r| films.iter().any(|f| !r.of(f).is_empty())).collect();
        let mut names: Vec<String> = NUMERIC.iter().map(|s| (*s).to_owned()).collect();
        for role in &roles {
            for stat in ["prev_films", "prev_quality", "prev_audience"] {
                names.push(format!("{}_{stat}", role.name()));
            }
        }
        let prefixed = |prefix: &str, values: &[String]| {
            values.iter().map(|v| format!("{prefix}:{}", clean(v))).collect::<Vec<_>>()
        };
        names.extend(prefixed("type", &title_types));
        names.extend(prefixed("genre", &genres));
        names.extend(prefixed("language", &languages));
        names.extend(prefixed("country", &countries));
        names.extend(prefixed("keyword", &keywords));
        // Two values may clean to the same name; XGBoost needs them distinct.
        let mut seen: HashMap<String, usize> = HashMap::new();
        for name in &mut names {
            let n = seen.entry(name.clone()).or_default();
            *n += 1;
            if *n > 1 {
                name.push_str(&format!("_{n}"));
            }
        }
        Self { names, title_types, genres, languages, countries, keywords, roles }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Appends one film's row. Track records count films before `min(year, as_of)`; without a year the
    /// film has no track record (it cannot be placed in time). Unknown values are NaN (XGBoost's missing).
    pub fn encode_into(&self, film: &Film, tracks: &TrackRecords, as_of: Option<i32>, out: &mut Vec<f32>) {
        let start = out.len();
        let nan = f32::NAN;
        let year = film.year;
        out.push(year.map_or(nan, |y| y as f32));
        out.push(year.map_or(nan, |y| y.div_euclid(10) as f32 * 10.0));
        out.push(film.runtime.unwrap_or(nan));
        out.push(film.credited.map_or(nan, |n| n as f32));
        out.push(film.budget.filter(|b| *b > 0.0).map_or(nan, |b| b.ln() as f32));
        out.push(film.genres.len() as f32);
        out.push(film.keywords.len() as f32);
        match &film.presentation {
            Some(p) => {
                let flag = |b: bool| if b { 1.0 } else { 0.0 };
                out.push(p.release_month.map_or(nan, |m| m as f32));
                out.extend([flag(p.has_tagline), flag(p.has_homepage), flag(p.retitled)]);
                out.extend([p.spoken_languages as f32, p.countries as f32, p.companies as f32]);
            }
            None => out.extend([nan; 7]),
        }
        let before = year.map(|y| as_of.map_or(y, |a| y.min(a)));
        for role in &self.roles {
            let track = before.map(|b| tracks.pooled(*role, role.of(film), b)).unwrap_or_default();
            out.push(track.films as f32);
            out.push(track.mean(0).map_or(nan, |m| m as f32));
            out.push(track.mean(1).map_or(nan, |m| m as f32));
        }
        hot(&self.title_types, &film.title_type, out);
        hot(&self.genres, &film.genres, out);
        hot(&self.languages, &film.language, out);
        hot(&self.countries, &film.countries, out);
        hot(&self.keywords, &film.keywords, out);
        debug_assert_eq!(out.len() - start, self.len());
    }

    /// A row-major matrix of `films`.
    pub fn encode(&self, films: &[&Film], tracks: &TrackRecords, as_of: Option<i32>) -> Vec<f32> {
        let mut out = Vec::with_capacity(films.len() * self.len());
        for f in films {
            self.encode_into(f, tracks, as_of, &mut out);
        }
        out
    }

    /// The column of a named feature.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn film(id: &str, year: i32, director: &str, rating: f32) -> Film {
        Film {
            film_id: id.into(),
            year: Some(year),
            directors: vec![director.into()],
            genres: vec!["Drama".into()],
            targets: [rating, 5.0],
            ..Default::default()
        }
    }

    #[test]
    fn columns_are_named_in_the_reader_s_language() {
        let fr = Language::Fr;
        assert_eq!(label("genre:Science_Fiction", fr), "genre Science-fiction");
        assert_eq!(label("genre:Horror", fr), "genre Horreur");
        assert_eq!(label("country:US", fr), "pays États-Unis");
        assert_eq!(label("language:fr", fr), "langue français");
        assert_eq!(label("type:tvMovie", fr), "type téléfilm");
        assert_eq!(label("company_count", fr), "nombre de sociétés de production");
        assert_eq!(label("genre:Horror", Language::En), "genre Horror");
    }

    #[test]
    fn a_track_record_only_counts_films_released_before() {
        let films = [film("a", 2000, "d", 8.0), film("b", 2005, "d", 6.0), film("c", 2010, "d", 4.0)];
        let tracks = TrackRecords::from_films(&films);
        assert_eq!(tracks.person(Role::Director, "d", 2000).films, 0);
        assert_eq!(tracks.person(Role::Director, "d", 2005).mean(0), Some(8.0));
        assert_eq!(tracks.person(Role::Director, "d", 2010).mean(0), Some(7.0));
        assert_eq!(tracks.person(Role::Director, "d", 2011).films, 3);
    }

    #[test]
    fn a_films_own_rating_never_enters_its_features() {
        let films = [film("a", 2000, "d", 8.0), film("b", 2005, "d", 2.0)];
        let tracks = TrackRecords::from_films(&films);
        let refs: Vec<&Film> = films.iter().collect();
        let space = FeatureSpace::fit(&refs, &Vocabularies::default());
        let x = space.encode(&refs, &tracks, None);
        let q = space.index("director_prev_quality").unwrap();
        assert!(x[q].is_nan(), "the first film has no earlier film");
        assert_eq!(x[space.len() + q], 8.0, "the second film sees only the first");
    }

    #[test]
    fn an_as_of_year_hides_later_films_from_test_features() {
        let films = [film("a", 2000, "d", 8.0), film("b", 2005, "d", 2.0), film("c", 2010, "d", 5.0)];
        let tracks = TrackRecords::from_films(&films);
        let refs: Vec<&Film> = films.iter().collect();
        let space = FeatureSpace::fit(&refs, &Vocabularies::default());
        let x = space.encode(&refs[2..], &tracks, Some(2003));
        assert_eq!(x[space.index("director_prev_films").unwrap()], 1.0);
    }

    #[test]
    fn vocabularies_become_named_multi_hot_columns() {
        let mut a = film("a", 2000, "d", 8.0);
        a.keywords = vec!["based on novel".into(), "paris".into()];
        let mut b = a.clone();
        b.keywords = vec!["based on novel".into()];
        let films = [a, b];
        let refs: Vec<&Film> = films.iter().collect();
        let space = FeatureSpace::fit(&refs, &Vocabularies::default());
        assert!(space.names.contains(&"keyword:based_on_novel".to_owned()), "{:?}", space.names);
        assert!(!space.names.iter().any(|n| n.contains("paris")), "values seen once are not kept");
        let x = space.encode(&refs, &TrackRecords::default(), None);
        assert_eq!(x[space.index("keyword:based_on_novel").unwrap()], 1.0);
        assert_eq!(x[space.index("genre:Drama").unwrap()], 1.0);
    }
}
