//! What the site serves, read from the published store once per active model run: the films, a title index
//! over their French, primary and original titles, each film's neighbours with reasons, and the picks catalogue.
//! Requests read this snapshot only (no query per page); a newer published run replaces it whole.

use std::collections::HashMap;

use cinepicks_pipeline::recommend::picks::Catalogue as PicksCatalogue;
use cinepicks_pipeline::recommend::reasons::{Reason, ReasonKind};
use cinepicks_pipeline::recommend::title_search::{SearchOutcome, TitleIndex, normalize};
use cinepicks_store::entities::film;
use cinepicks_store::{Store, StoreError};

/// The model of the active run whose neighbours the site shows (the recommender's blend).
pub const MODEL: &str = cinepicks_store::queries::films::DEFAULT_MODEL;

/// One stored neighbour of a film.
#[derive(Debug, Clone)]
pub struct Neighbour {
    pub film: usize,
    pub score: f32,
    pub reason: Reason,
}

/// The published catalogue of one active run.
pub struct Catalogue {
    /// The active run's id (`20261121T081500Z`), `None` when nothing was published with a model.
    pub run_id: Option<String>,
    pub films: Vec<film::Model>,
    index: HashMap<String, usize>,
    titles: TitleIndex,
    /// Normalised titles per film, for prefix suggestions while someone types.
    normalised: Vec<Vec<String>>,
    /// Per film, its neighbours best first.
    neighbours: Vec<Vec<Neighbour>>,
    /// Films by Bayesian weighted rating, best first.
    best: Vec<usize>,
    /// Every IMDb genre of the films, sorted: what a subscriber may declare liking.
    pub genres: Vec<String>,
    pub picks: PicksCatalogue,
}

/// How a query was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The title (accents, case and punctuation aside) is the film's, or one typo away.
    Found,
    /// No title matches: the closest titles, and titles starting with what was typed.
    Suggestions,
}

impl Catalogue {
    /// Reads films, directors and the active run's neighbours in one go.
    pub async fn load(store: &Store) -> Result<Self, StoreError> {
        let run_id = store.active_run().await?.map(|r| r.run_id);
        let source = store.picks_source(MODEL).await?;
        let picks = cinepicks_jobs::notify::picks_catalogue(&source);
        let films = source.films;
        let index: HashMap<String, usize> = films.iter().enumerate().map(|(i, f)| (f.film_id.clone(), i)).collect();
        let mut titles = TitleIndex::new();
        let mut normalised = Vec::with_capacity(films.len());
        for (i, f) in films.iter().enumerate() {
            let names = [Some(f.primary_title.as_str()), f.original_title.as_deref(), f.french_title.as_deref()];
            let names: Vec<&str> = names.into_iter().flatten().collect();
            titles.add(i as u32, names.iter().copied(), f.start_year, f.num_votes.unwrap_or(0) as f32);
            let mut n: Vec<String> = names.iter().map(|t| normalize(t)).filter(|t| !t.is_empty()).collect();
            n.dedup();
            normalised.push(n);
        }

        let mut neighbours: Vec<Vec<(i32, Neighbour)>> = vec![Vec::new(); films.len()];
        for row in source.neighbours {
            let (Some(&a), Some(&b)) = (index.get(&row.film_id), index.get(&row.neighbour_id)) else { continue };
            let kind = ReasonKind::parse(&row.reason_kind).unwrap_or(ReasonKind::SimilarGenres);
            let reason = Reason { kind, detail: row.reason_detail };
            neighbours[a].push((row.rank, Neighbour { film: b, score: row.score, reason }));
        }
        let neighbours = neighbours
            .into_iter()
            .map(|mut list| {
                list.sort_by_key(|(rank, _)| *rank);
                list.into_iter().map(|(_, n)| n).collect()
            })
            .collect();

        let weighted: Vec<f64> = films.iter().map(|f| picks.weighted_rating(&f.film_id).unwrap_or(0.0)).collect();
        let mut best: Vec<usize> = (0..films.len()).collect();
        best.sort_by(|&a, &b| weighted[b].total_cmp(&weighted[a]).then(a.cmp(&b)));

        let genres: std::collections::BTreeSet<String> =
            films.iter().flat_map(|f| f.genre_list().into_iter().map(str::to_owned)).collect();
        let genres = genres.into_iter().collect();
        Ok(Self { run_id, films, index, titles, normalised, neighbours, best, genres, picks })
    }

    pub fn film(&self, film_id: &str) -> Option<&film::Model> {
        self.index.get(film_id).map(|&i| &self.films[i])
    }

    /// The `n` best weighted-rated films.
    pub fn best(&self, n: usize) -> impl Iterator<Item = &film::Model> {
        self.best.iter().take(n).map(|&i| &self.films[i])
    }

    /// The stored neighbours of a film, best first, at most `n`.
    pub fn similar(&self, film_id: &str, n: usize) -> Vec<(&film::Model, &Neighbour)> {
        let Some(&i) = self.index.get(film_id) else { return Vec::new() };
        self.neighbours[i].iter().take(n).map(|nb| (&self.films[nb.film], nb)).collect()
    }

    /// An IMDb id or a title meaning exactly one film (a typo allowed), else the closest titles.
    pub fn resolve(&self, reference: &str) -> Result<&film::Model, Vec<&film::Model>> {
        let reference = reference.trim();
        if let Some(film) = self.film(reference) {
            return Ok(film);
        }
        match self.titles.search(reference) {
            SearchOutcome::Found { best, .. } => Ok(&self.films[best.item as usize]),
            SearchOutcome::NotFound { suggestions } => {
                Err(suggestions.iter().map(|m| &self.films[m.item as usize]).collect())
            }
        }
    }

    /// Films for what someone typed, best first, at most `limit`: the film meant and its homonyms, or the
    /// closest titles; then, for a search box, films with a title word starting with the query.
    pub fn search(&self, query: &str, limit: usize) -> (MatchKind, Vec<&film::Model>) {
        let mut found: Vec<usize> = Vec::new();
        let kind = match self.titles.search(query) {
            SearchOutcome::Found { best, same_title } => {
                found.push(best.item as usize);
                found.extend(same_title.iter().map(|m| m.item as usize));
                MatchKind::Found
            }
            SearchOutcome::NotFound { suggestions } => {
                found.extend(suggestions.iter().map(|m| m.item as usize));
                MatchKind::Suggestions
            }
        };
        let q = normalize(query);
        if q.chars().count() >= 2 && found.len() < limit {
            let word_start = format!(" {q}");
            let mut prefixed: Vec<usize> = (0..self.films.len())
                .filter(|i| !found.contains(i))
                .filter(|&i| self.normalised[i].iter().any(|t| t.starts_with(&q) || t.contains(&word_start)))
                .collect();
            prefixed.sort_by_key(|&i| std::cmp::Reverse(self.films[i].num_votes.unwrap_or(0)));
            found.extend(prefixed);
        }
        found.truncate(limit);
        (kind, found.into_iter().map(|i| &self.films[i]).collect())
    }
}
