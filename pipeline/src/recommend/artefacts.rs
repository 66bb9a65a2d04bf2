//! The files of a trained recommender run (`<data>/models/<run-id>/`) and the serving side that answers
//! "films like this one" and "films for someone who liked these" from them, without retraining.
//!
//! - `similar_films.parquet` (public contract): film_id, neighbour_id, rank (1-based), score, model,
//!   reason_kind, reason_detail — the hybrid neighbours of every catalogue film;
//! - `films.parquet`: the catalogue films the run knows (ids, titles, year, votes), for title search.
//!
//! `run.json` is written last by the job; a folder without it is an incomplete run and is ignored.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use cinepicks_domain::{Language, RunManifest, titles};
use polars::prelude::*;

use super::reasons::{Reason, ReasonKind};
use super::title_search::{SearchOutcome, TitleIndex};
use super::training::TrainedRecommender;
use crate::lake::{self, LakeError};

pub const SIMILAR_FILMS: &str = "similar_films.parquet";
pub const FILMS: &str = "films.parquet";
pub const METRICS: &str = "metrics.json";
/// The model name written in `similar_films.model`.
pub const MODEL_NAME: &str = "hybrid";

/// Column names of `similar_films.parquet` and `films.parquet`.
pub mod columns {
    pub const FILM_ID: &str = "film_id";
    pub const NEIGHBOUR_ID: &str = "neighbour_id";
    pub const RANK: &str = "rank";
    pub const SCORE: &str = "score";
    pub const MODEL: &str = "model";
    pub const REASON_KIND: &str = "reason_kind";
    pub const REASON_DETAIL: &str = "reason_detail";
    pub const PRIMARY_TITLE: &str = "primary_title";
    pub const ORIGINAL_TITLE: &str = "original_title";
    pub const FRENCH_TITLE: &str = "french_title";
    pub const YEAR: &str = "year";
    pub const NUM_VOTES: &str = "num_votes";
}
use columns as c;

#[derive(Debug, thiserror::Error)]
pub enum ArtefactError {
    #[error(transparent)]
    Lake(#[from] LakeError),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: PolarsError },
    #[error("{path}: unknown reason kind `{kind}`")]
    UnknownReason { path: PathBuf, kind: String },
    #[error("no complete recommender run in {dir}: run `cinepicks train` first")]
    NoRun { dir: PathBuf },
}

/// `similar_films` as a frame.
pub fn similar_films_frame(trained: &TrainedRecommender) -> PolarsResult<DataFrame> {
    let rows: usize = trained.similar.iter().map(Vec::len).sum();
    let mut film = Vec::with_capacity(rows);
    let mut neighbour = Vec::with_capacity(rows);
    let mut rank = Vec::with_capacity(rows);
    let mut score = Vec::with_capacity(rows);
    let mut kind = Vec::with_capacity(rows);
    let mut detail: Vec<Option<&str>> = Vec::with_capacity(rows);
    for (i, list) in trained.similar.iter().enumerate() {
        for (r, s) in list.iter().enumerate() {
            film.push(trained.films[i].film_id.as_str());
            neighbour.push(trained.films[s.neighbour as usize].film_id.as_str());
            rank.push(r as u32 + 1);
            score.push(s.score);
            kind.push(s.reason.kind.as_str());
            detail.push(s.reason.detail.as_deref());
        }
    }
    DataFrame::new_infer_height(vec![
        Column::new(c::FILM_ID.into(), film),
        Column::new(c::NEIGHBOUR_ID.into(), neighbour),
        Column::new(c::RANK.into(), rank),
        Column::new(c::SCORE.into(), score),
        Column::new(c::MODEL.into(), vec![MODEL_NAME; rows]),
        Column::new(c::REASON_KIND.into(), kind),
        Column::new(c::REASON_DETAIL.into(), detail),
    ])
}

/// `films` as a frame.
pub fn films_frame(trained: &TrainedRecommender) -> PolarsResult<DataFrame> {
    let f = &trained.films;
    DataFrame::new_infer_height(vec![
        Column::new(c::FILM_ID.into(), f.iter().map(|x| x.film_id.as_str()).collect::<Vec<_>>()),
        Column::new(c::PRIMARY_TITLE.into(), f.iter().map(|x| x.primary_title.as_str()).collect::<Vec<_>>()),
        Column::new(c::ORIGINAL_TITLE.into(), f.iter().map(|x| x.original_title.as_str()).collect::<Vec<_>>()),
        Column::new(c::FRENCH_TITLE.into(), f.iter().map(|x| x.french_title.as_deref()).collect::<Vec<_>>()),
        Column::new(c::YEAR.into(), f.iter().map(|x| x.year).collect::<Vec<_>>()),
        Column::new(c::NUM_VOTES.into(), f.iter().map(|x| x.num_votes).collect::<Vec<_>>()),
    ])
}

/// Writes the Parquet artefacts of a trained run into `dir` (each atomically); returns rows per file.
pub fn write(dir: &Path, trained: &TrainedRecommender) -> Result<Vec<(&'static str, u64)>, ArtefactError> {
    let polars_err = |source| ArtefactError::Read { path: dir.to_path_buf(), source };
    let similar = similar_films_frame(trained).map_err(polars_err)?;
    let films = films_frame(trained).map_err(polars_err)?;
    Ok(vec![
        (SIMILAR_FILMS, lake::write_frame(&dir.join(SIMILAR_FILMS), &similar)?),
        (FILMS, lake::write_frame(&dir.join(FILMS), &films)?),
    ])
}

/// The newest complete recommender run under `models`: a folder whose `run.json` says
/// `"status": "succeeded"` and lists the `recommender` kind. Run ids sort by time.
pub fn latest_run(models: &Path) -> Option<PathBuf> {
    newest_run(models, |p| {
        let Ok(text) = std::fs::read_to_string(p.join(RunManifest::FILE)) else { return false };
        let Ok(run) = serde_json::from_str::<RunManifest>(&text) else { return false };
        run.holds("recommender") && p.join(SIMILAR_FILMS).exists() && p.join(FILMS).exists()
    })
}

/// The newest run folder under `models` that has its `run.json` (written last, so the run is complete) and
/// passes `holds`, the check of the model a caller needs. Run ids sort by time.
pub fn newest_run(models: &Path, holds: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    let mut runs: Vec<PathBuf> = std::fs::read_dir(models)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join(RunManifest::FILE).exists() && holds(p))
        .collect();
    runs.sort();
    runs.pop()
}

/// A film of a stored run.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFilm {
    pub film_id: String,
    pub primary_title: String,
    pub original_title: String,
    pub french_title: Option<String>,
    pub year: Option<i32>,
    pub num_votes: u32,
}

impl StoredFilm {
    /// "Title (year)" in the audience's language ([`titles::display_title`]).
    pub fn label(&self, language: Language) -> String {
        let title = titles::display_title(
            language,
            &self.primary_title,
            Some(&self.original_title),
            self.french_title.as_deref(),
        );
        match self.year {
            Some(y) => format!("{title} ({y})"),
            None => title.to_owned(),
        }
    }
}

/// One stored neighbour.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredNeighbour {
    pub item: u32,
    pub score: f32,
    pub reason: Reason,
}

/// A recommended film with its reason; `because_of` is the liked film that contributed most.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub item: u32,
    pub score: f32,
    pub reason: Reason,
    pub because_of: u32,
}

/// A trained run loaded for serving: films, their neighbours, and a title index.
#[derive(Debug, Clone)]
pub struct StoredRecommender {
    pub films: Vec<StoredFilm>,
    index_of: HashMap<String, u32>,
    neighbours: Vec<Vec<StoredNeighbour>>,
    /// Every film, most votes first: the last resort of [`StoredRecommender::for_likes`].
    by_votes: Vec<u32>,
    titles: TitleIndex,
}

/// Best score first; ties broken by item so that answers are reproducible.
fn sort_picks(picks: &mut [Pick]) {
    picks.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
}

fn str_col(df: &DataFrame, name: &str, path: &Path) -> Result<StringChunked, ArtefactError> {
    df.column(name)
        .and_then(|c| c.str().cloned())
        .map_err(|source| ArtefactError::Read { path: path.to_path_buf(), source })
}

fn read(path: &Path) -> Result<DataFrame, ArtefactError> {
    let err = |source| ArtefactError::Read { path: path.to_path_buf(), source };
    LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().as_ref()), ScanArgsParquet::default())
        .and_then(LazyFrame::collect)
        .map_err(err)
}

impl StoredRecommender {
    /// Loads the artefacts of the run in `dir`.
    pub fn load(dir: &Path) -> Result<Self, ArtefactError> {
        let films_path = dir.join(FILMS);
        let df = read(&films_path)?;
        let err = |source| ArtefactError::Read { path: films_path.clone(), source };
        let ids = str_col(&df, c::FILM_ID, &films_path)?;
        let primary = str_col(&df, c::PRIMARY_TITLE, &films_path)?;
        let original = str_col(&df, c::ORIGINAL_TITLE, &films_path)?;
        let french = str_col(&df, c::FRENCH_TITLE, &films_path)?;
        let years = df.column(c::YEAR).and_then(|c| c.i32().cloned()).map_err(err)?;
        let votes = df.column(c::NUM_VOTES).and_then(|c| c.u32().cloned()).map_err(err)?;
        let mut films = Vec::with_capacity(df.height());
        let mut titles = TitleIndex::new();
        for (((((id, p), o), f), y), v) in
            ids.iter().zip(primary.iter()).zip(original.iter()).zip(french.iter()).zip(years.iter()).zip(votes.iter())
        {
            let film = StoredFilm {
                film_id: id.unwrap_or_default().to_owned(),
                primary_title: p.unwrap_or_default().to_owned(),
                original_title: o.unwrap_or_default().to_owned(),
                french_title: f.map(str::to_owned),
                year: y,
                num_votes: v.unwrap_or(0),
            };
            let names =
                [Some(film.primary_title.as_str()), Some(film.original_title.as_str()), film.french_title.as_deref()];
            titles.add(films.len() as u32, names.into_iter().flatten(), film.year, film.num_votes as f32);
            films.push(film);
        }
        let index_of: HashMap<String, u32> =
            films.iter().enumerate().map(|(i, f)| (f.film_id.clone(), i as u32)).collect();

        let similar_path = dir.join(SIMILAR_FILMS);
        let df = read(&similar_path)?;
        let err = |source| ArtefactError::Read { path: similar_path.clone(), source };
        let film = str_col(&df, c::FILM_ID, &similar_path)?;
        let neighbour = str_col(&df, c::NEIGHBOUR_ID, &similar_path)?;
        let score = df.column(c::SCORE).and_then(|c| c.f32().cloned()).map_err(err)?;
        let kind = str_col(&df, c::REASON_KIND, &similar_path)?;
        let detail = str_col(&df, c::REASON_DETAIL, &similar_path)?;
        let mut neighbours = vec![Vec::new(); films.len()];
        for ((((f, n), s), k), d) in
            film.iter().zip(neighbour.iter()).zip(score.iter()).zip(kind.iter()).zip(detail.iter())
        {
            let (Some(&fi), Some(&ni)) = (f.and_then(|f| index_of.get(f)), n.and_then(|n| index_of.get(n))) else {
                continue;
            };
            let k = k.unwrap_or_default();
            let kind = ReasonKind::parse(k)
                .ok_or_else(|| ArtefactError::UnknownReason { path: similar_path.clone(), kind: k.to_owned() })?;
            neighbours[fi as usize].push(StoredNeighbour {
                item: ni,
                score: s.unwrap_or(0.0),
                reason: Reason { kind, detail: d.map(str::to_owned) },
            });
        }
        for list in &mut neighbours {
            list.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
        }
        let mut by_votes: Vec<u32> = (0..films.len() as u32).collect();
        by_votes.sort_by_key(|&i| (std::cmp::Reverse(films[i as usize].num_votes), i));
        Ok(Self { films, index_of, neighbours, by_votes, titles })
    }

    pub fn film(&self, item: u32) -> &StoredFilm {
        &self.films[item as usize]
    }

    pub fn item_of(&self, film_id: &str) -> Option<u32> {
        self.index_of.get(film_id).copied()
    }

    /// Finds a film by (approximate) title, French or original, with an optional "(year)".
    pub fn search(&self, query: &str) -> SearchOutcome {
        self.titles.search(query)
    }

    /// The `n` films most like `item`, leaving out `exclude` and, with a programme, anything outside it.
    pub fn similar(&self, item: u32, n: usize, exclude: &HashSet<u32>, candidates: Option<&HashSet<u32>>) -> Vec<Pick> {
        self.for_likes(&[item], n, exclude, candidates)
    }

    /// The `n` films for someone who liked `likes`: stored neighbour scores summed over the liked films
    /// (the likes themselves excluded); each pick's reason comes from the liked film contributing most.
    pub fn for_likes(
        &self,
        likes: &[u32],
        n: usize,
        exclude: &HashSet<u32>,
        candidates: Option<&HashSet<u32>>,
    ) -> Vec<Pick> {
        let mut acc: HashMap<u32, Pick> = HashMap::new();
        let mut best_part: HashMap<u32, f32> = HashMap::new();
        for &liked in likes {
            for nb in self.neighbours.get(liked as usize).map(Vec::as_slice).unwrap_or(&[]) {
                if likes.contains(&nb.item)
                    || exclude.contains(&nb.item)
                    || candidates.is_some_and(|c| !c.contains(&nb.item))
                {
                    continue;
                }
                let pick = acc.entry(nb.item).or_insert_with(|| Pick {
                    item: nb.item,
                    score: 0.0,
                    reason: nb.reason.clone(),
                    because_of: liked,
                });
                pick.score += nb.score;
                let part = best_part.entry(nb.item).or_insert(0.0);
                if nb.score > *part {
                    *part = nb.score;
                    pick.reason = nb.reason.clone();
                    pick.because_of = liked;
                }
            }
        }
        let mut picks: Vec<Pick> = acc.into_values().collect();
        sort_picks(&mut picks);
        picks.truncate(n);
        if picks.len() < n {
            self.fill(likes, n, exclude, candidates, &mut picks);
        }
        picks
    }

    /// Completes `picks` up to `n` when too few stored neighbours pass the filters (a small programme, a
    /// long exclusion list): films close to a neighbour come next, scored by the product of both links,
    /// then the most-voted allowed films, so `n` films are proposed whenever `n` are allowed.
    fn fill(
        &self,
        likes: &[u32],
        n: usize,
        exclude: &HashSet<u32>,
        candidates: Option<&HashSet<u32>>,
        picks: &mut Vec<Pick>,
    ) {
        let mut taken: HashSet<u32> = picks.iter().map(|p| p.item).chain(likes.iter().copied()).collect();
        let allowed = |item: u32, taken: &HashSet<u32>| {
            !taken.contains(&item) && !exclude.contains(&item) && candidates.is_none_or(|c| c.contains(&item))
        };
        let neighbours = |item: u32| self.neighbours.get(item as usize).map(Vec::as_slice).unwrap_or(&[]);
        let mut second: HashMap<u32, Pick> = HashMap::new();
        for &liked in likes {
            for via in neighbours(liked) {
                for nb in neighbours(via.item).iter().filter(|nb| allowed(nb.item, &taken)) {
                    let detail = Some(self.film(via.item).film_id.clone());
                    let reason = Reason { kind: ReasonKind::CloseTo, detail };
                    let pick = Pick { item: nb.item, score: via.score * nb.score, reason, because_of: liked };
                    if second.get(&nb.item).is_none_or(|p| pick.score > p.score) {
                        second.insert(nb.item, pick);
                    }
                }
            }
        }
        let mut second: Vec<Pick> = second.into_values().collect();
        sort_picks(&mut second);
        for pick in second.into_iter().take(n - picks.len()) {
            taken.insert(pick.item);
            picks.push(pick);
        }
        let because_of = likes.first().copied().unwrap_or(0);
        // A programme is short: sort it rather than walk the whole catalogue.
        let programme: Vec<u32>;
        let by_votes = match candidates {
            Some(c) => {
                let mut films: Vec<u32> = c.iter().copied().collect();
                films.sort_by_key(|&i| (std::cmp::Reverse(self.films.get(i as usize).map_or(0, |f| f.num_votes)), i));
                programme = films;
                &programme
            }
            None => &self.by_votes,
        };
        for &item in by_votes {
            if picks.len() >= n {
                break;
            }
            if allowed(item, &taken) {
                let reason = Reason { kind: ReasonKind::Popular, detail: None };
                picks.push(Pick { item, score: 0.0, reason, because_of });
            }
        }
    }
}
