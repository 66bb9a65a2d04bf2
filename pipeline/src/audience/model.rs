//! The audience model: XGBoost multi-class (detested, disliked, liked, loved) on user group × film features,
//! judged on held-out users against majority-class and per-segment-mean baselines; served as the groups
//! most likely to love a film (with their lift) and the films most likely loved by a profile.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::calibration::{self, GroupCalibration};
use super::data::{AGE_BANDS, AudienceData, Class, FilmStats, MlFilm, Profile, age_band, film_stats};
use crate::evaluate::metrics::{RankingAccumulator, RankingMetrics};
use crate::popularity::booster::{BoostParams, BoosterError, Objective, Trees};
use crate::recommend::title_search::{movielens_variants, normalize, split_year};

/// The weight, in users, of a group's parent (same age band and gender) in the group's shrunk chance.
pub const GROUP_PRIOR_USERS: f32 = 20.0;

/// `audience:` in the configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AudienceParams {
    /// Share of users held out for evaluation.
    pub test_users: f64,
    /// Films with fewer training ratings get no mean (NaN) and are never suggested.
    pub min_ratings: u32,
    /// Groups with fewer users than this in the data are not listed by `audience`.
    pub min_group_users: usize,
    pub seed: u64,
    pub trees: BoostParams,
}

impl Default for AudienceParams {
    fn default() -> Self {
        Self {
            test_users: 0.2,
            min_ratings: 5,
            min_group_users: 10,
            seed: 42,
            trees: BoostParams { rounds: 150, learning_rate: 0.1, max_depth: 6, ..Default::default() },
        }
    }
}

/// The columns of a (profile, film) row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AudienceSpace {
    pub names: Vec<String>,
    pub occupations: Vec<String>,
    pub genres: Vec<String>,
    pub min_ratings: u32,
}

impl AudienceSpace {
    pub fn new(data: &AudienceData, min_ratings: u32) -> Self {
        let mut occupations: Vec<String> = data.users.values().map(|p| p.occupation.clone()).collect();
        occupations.sort();
        occupations.dedup();
        let mut genres: Vec<String> = data.films.iter().flat_map(|f| f.genres.iter().cloned()).collect();
        genres.sort();
        genres.dedup();
        let mut names: Vec<String> = ["age", "female"].iter().map(|s| (*s).to_owned()).collect();
        names.extend(
            occupations.iter().map(|o| format!("occupation:{}", o.replace(|c: char| !c.is_alphanumeric(), "_"))),
        );
        names.extend(
            [
                "film_year",
                "film_log_ratings",
                "film_mean",
                "film_loved_share",
                "film_mean_same_gender",
                "film_mean_same_age",
            ]
            .iter()
            .map(|s| (*s).to_owned()),
        );
        names.extend(genres.iter().map(|g| format!("genre:{}", g.replace(|c: char| !c.is_alphanumeric(), "_"))));
        Self { names, occupations, genres, min_ratings }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// One row: the profile, the film and its statistics (for fitting rows, computed without the user's fold).
    pub fn encode_into(&self, p: &Profile, film: &MlFilm, stats: &FilmStats, out: &mut Vec<f32>) {
        out.push(p.age as f32);
        out.push(if p.gender == "F" { 1.0 } else { 0.0 });
        let base = out.len();
        out.resize(base + self.occupations.len(), 0.0);
        if let Some(i) = self.occupations.iter().position(|o| *o == p.occupation) {
            out[base + i] = 1.0;
        }
        let min = self.min_ratings;
        let n = stats.all.n;
        out.push(film.year.map_or(f32::NAN, |y| y as f32));
        out.push((n as f32).ln_1p());
        out.push(stats.all.mean(min));
        out.push(if n < min { f32::NAN } else { stats.all.loved_share() });
        out.push(stats.gender[usize::from(p.gender != "F")].mean(min));
        out.push(stats.age[age_band(p.age)].mean(min));
        let base = out.len();
        out.resize(base + self.genres.len(), 0.0);
        for g in &film.genres {
            if let Some(i) = self.genres.iter().position(|x| x == g) {
                out[base + i] = 1.0;
            }
        }
    }
}

/// Accuracy and macro-F1 of class predictions.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct ClassScores {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub n: usize,
}

impl ClassScores {
    /// Macro-F1 averages the F1 of the four classes (a class never predicted nor present scores 0).
    pub fn of(truth: &[Class], predicted: &[Class]) -> Self {
        let n = truth.len();
        let correct = truth.iter().zip(predicted).filter(|(a, b)| a == b).count();
        let mut f1 = 0.0;
        for c in Class::ALL {
            let tp = truth.iter().zip(predicted).filter(|(t, p)| **t == c && **p == c).count() as f64;
            let fp = truth.iter().zip(predicted).filter(|(t, p)| **t != c && **p == c).count() as f64;
            let fneg = truth.iter().zip(predicted).filter(|(t, p)| **t == c && **p != c).count() as f64;
            if tp > 0.0 {
                f1 += 2.0 * tp / (2.0 * tp + fp + fneg);
            }
        }
        Self { accuracy: correct as f64 / n.max(1) as f64, macro_f1: f1 / 4.0, n }
    }
}

/// Figures of the audience model, in metrics.json.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AudienceMetrics {
    pub users: usize,
    pub test_users: usize,
    pub films: usize,
    pub ratings: usize,
    pub class_shares: BTreeMap<String, f64>,
    /// Model → accuracy and macro-F1 on the held-out users' ratings.
    pub classification: Vec<(String, ClassScores)>,
    /// Model → NDCG@10 (and the other ranking metrics) of suggestions against held-out users' loved films.
    pub suggestions: Vec<(String, RankingMetrics)>,
    /// Per group of held-out users: the mean predicted P(loved) against the share loved (runs before this
    /// check have none).
    #[serde(default)]
    pub calibration: Vec<GroupCalibration>,
    pub seconds: f64,
}

/// The trained model and what serving needs.
pub struct TrainedAudience {
    pub space: AudienceSpace,
    pub trees: Trees,
    pub films: Vec<MlFilm>,
    pub stats: Vec<FilmStats>,
    pub profiles: Vec<Profile>,
    pub metrics: AudienceMetrics,
    /// Held-out rows (encoded) and the model's class probabilities for them, for checks by other tools.
    pub check: AudienceCheck,
}

/// A sample of encoded held-out ratings with the final model's four class probabilities each.
#[derive(Debug, Clone, Default)]
pub struct AudienceCheck {
    pub x: Vec<f32>,
    pub probabilities: Vec<f32>,
}

/// Held-out rows kept in `check.parquet`.
const CHECK_ROWS: usize = 2000;

/// A group of users: age band, female, occupation.
type Segment = (usize, bool, String);

fn argmax(p: &[f32]) -> Class {
    let i = p.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(i, _)| i);
    Class::ALL[i]
}

/// Rows of `ratings` encoded with the given film statistics (held-out users: statistics of the others).
fn rows(
    space: &AudienceSpace,
    data: &AudienceData,
    ratings: &[(i32, u32, f32)],
    stats: &[FilmStats],
) -> (Vec<f32>, Vec<f32>) {
    let mut x = Vec::with_capacity(ratings.len() * space.len());
    let mut y = Vec::with_capacity(ratings.len());
    for &(u, f, r) in ratings {
        space.encode_into(&data.users[&u], &data.films[f as usize], &stats[f as usize], &mut x);
        y.push(Class::of(r) as u8 as f32);
    }
    (x, y)
}

/// Folds of users for the statistics of the fitting rows.
const ENCODING_FOLDS: i32 = 5;

/// Rows for fitting: each film's statistics computed without the rating user's whole fold of users. Leaving out
/// only the row's own rating leaks it: a film's left-out share of "loved" differs by one rating depending on
/// whether that rating was a "loved", which deep trees learn and serving (full statistics) cannot reproduce;
/// predictions then went wrong film by film (The Silence of the Lambs at 12 % loved against 46 % observed).
fn fitting_rows(space: &AudienceSpace, data: &AudienceData, ratings: &[(i32, u32, f32)]) -> (Vec<f32>, Vec<f32>) {
    let fold_of = |user: i32| user.rem_euclid(ENCODING_FOLDS);
    let stats: Vec<Vec<FilmStats>> = (0..ENCODING_FOLDS)
        .map(|k| {
            let others: Vec<(i32, u32, f32)> = ratings.iter().copied().filter(|r| fold_of(r.0) != k).collect();
            film_stats(data, &others)
        })
        .collect();
    let mut x = Vec::with_capacity(ratings.len() * space.len());
    let mut y = Vec::with_capacity(ratings.len());
    for &(u, f, r) in ratings {
        let fold = &stats[fold_of(u) as usize];
        space.encode_into(&data.users[&u], &data.films[f as usize], &fold[f as usize], &mut x);
        y.push(Class::of(r) as u8 as f32);
    }
    (x, y)
}

/// Scores of every film for one profile: P(loved) per candidate film (films under `min_ratings` get none).
pub fn loved_probabilities(
    trees: &Trees,
    space: &AudienceSpace,
    films: &[MlFilm],
    stats: &[FilmStats],
    p: &Profile,
) -> Result<Vec<Option<f32>>, BoosterError> {
    let candidates: Vec<usize> = (0..films.len()).filter(|&f| stats[f].all.n >= space.min_ratings).collect();
    let mut out = vec![None; films.len()];
    if candidates.is_empty() {
        return Ok(out);
    }
    let mut x = Vec::with_capacity(candidates.len() * space.len());
    for &f in &candidates {
        space.encode_into(p, &films[f], &stats[f], &mut x);
    }
    let probs = trees.predict(&x)?;
    for (k, &f) in candidates.iter().enumerate() {
        out[f] = Some(probs[k * 4 + Class::Loved as usize]);
    }
    Ok(out)
}

/// Ranks films by score, best first.
fn top(scores: &[Option<f32>], k: usize) -> Vec<u32> {
    let mut v: Vec<(u32, f32)> = scores.iter().enumerate().filter_map(|(i, s)| s.map(|s| (i as u32, s))).collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter().take(k).map(|(i, _)| i).collect()
}

/// Suggestion score of the films `p_loved` covers: how many people loved each, counting again those of the
/// profile's age band and gender, so that films loved by people like the profile rise. On MovieLens 100K it
/// beats ranking by the model's chance of "loved" (alone, or times ln of the ratings: NDCG@10 0.19 and 0.20)
/// and ranking by loves overall (0.274): demographics say little about which films one loves, and the
/// model's probabilities, sharper on the group's mean taste, lose the crowd's agreement that counts more.
fn suggestion_scores(p_loved: &[Option<f32>], stats: &[FilmStats], profile: &Profile) -> Vec<Option<f32>> {
    let (band, female, _) = profile.group();
    let gender = usize::from(!female); // film_stats counts women at 0
    p_loved
        .iter()
        .zip(stats)
        .map(|(p, s)| {
            p.map(|_| {
                // How many people loved the film, times how much more (or less) the profile's age band and gender
                // love it when they see it: each segment's rate of "loved" shrunk toward the film's own rate by
                // SEGMENT_PRIOR_RATINGS pseudo-ratings, so a segment that rated it three times barely moves it.
                let rate = s.all.loved as f32 / s.all.n.max(1) as f32;
                let lift = |t: &super::data::Tally| {
                    if rate <= 0.0 {
                        return 1.0;
                    }
                    ((t.loved as f32 + SEGMENT_PRIOR_RATINGS * rate) / (t.n as f32 + SEGMENT_PRIOR_RATINGS)) / rate
                };
                s.all.loved as f32 * lift(&s.age[band]) * lift(&s.gender[gender])
            })
        })
        .collect()
}

/// Pseudo-ratings at the film's own rate of "loved" added to a segment's, in suggestions.
const SEGMENT_PRIOR_RATINGS: f32 = 20.0;

pub fn train(
    data: &AudienceData,
    params: &AudienceParams,
    mut progress: impl FnMut(&str),
) -> Result<TrainedAudience, BoosterError> {
    let started = std::time::Instant::now();
    let space = AudienceSpace::new(data, params.min_ratings);
    let mut users: Vec<i32> = data.users.keys().copied().collect();
    users.sort_unstable();
    users.shuffle(&mut rand_pcg::Pcg64::seed_from_u64(params.seed));
    let n_test = ((users.len() as f64) * params.test_users).round() as usize;
    let test_users: std::collections::HashSet<i32> = users[..n_test].iter().copied().collect();
    let (test, train): (Vec<_>, Vec<_>) = data.ratings.iter().copied().partition(|r| test_users.contains(&r.0));
    let stats_train = film_stats(data, &train);
    progress("audience: fitting on training users");
    let (x_train, y_train) = fitting_rows(&space, data, &train);
    let trees = Trees::fit(&x_train, &space.names, &y_train, Objective::MultiClass(4), &params.trees, |_| {})?;
    let (x_test, y_test) = rows(&space, data, &test, &stats_train);
    let truth: Vec<Class> = y_test.iter().map(|&c| Class::ALL[c as usize]).collect();
    let mut classification = Vec::new();
    let mut calibration = Vec::new();
    if !test.is_empty() {
        let probs = trees.predict(&x_test)?;
        let predicted: Vec<Class> = probs.chunks(4).map(argmax).collect();
        classification.push(("xgboost".to_owned(), ClassScores::of(&truth, &predicted)));
        calibration = calibration::by_group(
            test.iter()
                .zip(&truth)
                .zip(probs.chunks(4))
                .map(|((&(u, _, _), &class), p)| (u, &data.users[&u], class, p[Class::Loved as usize])),
        );
    }
    let check_x = x_test[..test.len().min(CHECK_ROWS) * space.len()].to_vec();
    // Majority class of the training ratings.
    let mut counts = [0usize; 4];
    for &c in &y_train {
        counts[c as usize] += 1;
    }
    let majority = Class::ALL[(0..4).max_by_key(|&i| counts[i]).unwrap_or(0)];
    classification.push(("majority_class".to_owned(), ClassScores::of(&truth, &vec![majority; truth.len()])));
    // Per-segment mean: the segment's mean rating of the film (≥ 3 ratings), else the film's, else the segment's.
    let segment = |u: i32| {
        let (band, female, occ) = data.users[&u].group();
        (band, female, occ.to_owned())
    };
    let mut seg_film: HashMap<(Segment, u32), (f64, u32)> = HashMap::new();
    let mut seg_all: HashMap<Segment, (f64, u32)> = HashMap::new();
    for &(u, f, r) in &train {
        let s = segment(u);
        let e = seg_film.entry((s.clone(), f)).or_default();
        e.0 += r as f64;
        e.1 += 1;
        let e = seg_all.entry(s).or_default();
        e.0 += r as f64;
        e.1 += 1;
    }
    let global = train.iter().map(|r| r.2 as f64).sum::<f64>() / train.len().max(1) as f64;
    let segment_pred: Vec<Class> = test
        .iter()
        .map(|&(u, f, _)| {
            let s = segment(u);
            let mean = match seg_film.get(&(s.clone(), f)) {
                Some((sum, n)) if *n >= 3 => sum / *n as f64,
                _ if stats_train[f as usize].all.n > 0 => {
                    stats_train[f as usize].all.sum / stats_train[f as usize].all.n as f64
                }
                _ => seg_all.get(&s).map_or(global, |(sum, n)| sum / *n as f64),
            };
            Class::of(mean as f32)
        })
        .collect();
    classification.push(("segment_mean".to_owned(), ClassScores::of(&truth, &segment_pred)));

    progress("audience: suggestions for held-out users");
    let k = 10;
    let mut loved_test: BTreeMap<i32, Vec<u32>> = BTreeMap::new();
    for &(u, f, r) in &test {
        if Class::of(r) == Class::Loved && stats_train[f as usize].all.n >= params.min_ratings {
            loved_test.entry(u).or_default().push(f);
        }
    }
    let mut acc_model = RankingAccumulator::new(k, data.films.len());
    let mut acc_prob = RankingAccumulator::new(k, data.films.len());
    let mut acc_pop = RankingAccumulator::new(k, data.films.len());
    let popular: Vec<Option<f32>> =
        stats_train.iter().map(|s| (s.all.n >= params.min_ratings).then_some(s.all.loved as f32)).collect();
    let pop_list = top(&popular, k);
    let mut by_group: HashMap<(usize, bool, String), Vec<Option<f32>>> = HashMap::new();
    for (&u, relevant) in &loved_test {
        let mut relevant = relevant.clone();
        relevant.sort_unstable();
        let p = &data.users[&u];
        let probs = match by_group.get(&segment(u)) {
            Some(v) => v.clone(),
            None => {
                let v = loved_probabilities(&trees, &space, &data.films, &stats_train, p)?;
                by_group.insert(segment(u), v.clone());
                v
            }
        };
        acc_prob.add(&top(&probs, k), &relevant);
        acc_model.add(&top(&suggestion_scores(&probs, &stats_train, p), k), &relevant);
        acc_pop.add(&pop_list, &relevant);
    }
    let catalogue = stats_train.iter().filter(|s| s.all.n >= params.min_ratings).count();
    let suggestions = vec![
        ("group_loves".to_owned(), acc_model.finish(catalogue)),
        ("xgboost_p_loved".to_owned(), acc_prob.finish(catalogue)),
        ("popularity".to_owned(), acc_pop.finish(catalogue)),
    ];

    progress("audience: final model on every user");
    let (x_all, y_all) = fitting_rows(&space, data, &data.ratings);
    let trees = Trees::fit(&x_all, &space.names, &y_all, Objective::MultiClass(4), &params.trees, |_| {})?;
    // What the saved (final) model predicts for held-out rows, for other tools to compare with.
    let check = AudienceCheck { probabilities: trees.predict(&check_x)?, x: check_x };
    let mut shares = BTreeMap::new();
    for c in Class::ALL {
        let n = y_all.iter().filter(|&&y| y as usize == c as usize).count();
        shares.insert(c.name().to_owned(), n as f64 / y_all.len().max(1) as f64);
    }
    let mut profiles: Vec<(i32, Profile)> = data.users.iter().map(|(u, p)| (*u, p.clone())).collect();
    profiles.sort_by_key(|(u, _)| *u);
    let metrics = AudienceMetrics {
        users: data.users.len(),
        test_users: loved_test.len(),
        films: data.films.len(),
        ratings: data.ratings.len(),
        class_shares: shares,
        classification,
        suggestions,
        calibration,
        seconds: started.elapsed().as_secs_f64(),
    };
    Ok(TrainedAudience {
        space,
        trees,
        films: data.films.clone(),
        stats: film_stats(data, &data.ratings),
        profiles: profiles.into_iter().map(|(_, p)| p).collect(),
        metrics,
        check,
    })
}

/// Folder, model and spec files of the audience model in a run.
pub const DIR: &str = "audience";
pub const MODEL: &str = "model.json";
pub const SPEC: &str = "spec.json";
/// Encoded held-out rows (the columns of `spec.json`'s space) and the probabilities of each class
/// (`p_<class>`): Python XGBoost loading `model.json` must predict the same (scripts/check-xgboost-models.py).
pub const CHECK: &str = "check.parquet";

/// A film as the stored model knows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredFilm {
    pub movie_id: i32,
    pub title: String,
    pub year: Option<i32>,
    pub genres: Vec<String>,
    pub stats: FilmStats,
}

/// `spec.json`: the columns, the films with their statistics and the users' profiles (for lifts and support).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AudienceSpec {
    pub space: AudienceSpace,
    pub classes: Vec<String>,
    pub films: Vec<StoredFilm>,
    pub profiles: Vec<Profile>,
    pub metrics: AudienceMetrics,
}

#[derive(Debug, thiserror::Error)]
pub enum AudienceError {
    #[error(transparent)]
    Booster(#[from] BoosterError),
    #[error("cannot write or read {path}: {detail}")]
    File { path: PathBuf, detail: String },
    #[error("no film titled {title:?} among the MovieLens films; did you mean: {}?", suggestions.join(", "))]
    UnknownFilm { title: String, suggestions: Vec<String> },
    #[error("unknown occupation {occupation:?}: one of {known}")]
    UnknownOccupation { occupation: String, known: String },
    #[error("gender must be F or M, not {0:?}")]
    BadGender(String),
}

impl TrainedAudience {
    pub fn write(&self, run_dir: &Path) -> Result<PathBuf, AudienceError> {
        let dir = run_dir.join(DIR);
        std::fs::create_dir_all(&dir).map_err(|e| AudienceError::File { path: dir.clone(), detail: e.to_string() })?;
        self.trees.save_json(&dir.join(MODEL))?;
        let spec = AudienceSpec {
            space: self.space.clone(),
            classes: Class::ALL.iter().map(|c| c.name().to_owned()).collect(),
            films: self
                .films
                .iter()
                .zip(&self.stats)
                .map(|(f, s)| StoredFilm {
                    movie_id: f.movie_id,
                    title: f.title.clone(),
                    year: f.year,
                    genres: f.genres.clone(),
                    stats: s.clone(),
                })
                .collect(),
            profiles: self.profiles.clone(),
            metrics: self.metrics.clone(),
        };
        let path = dir.join(SPEC);
        let text =
            serde_json::to_vec(&spec).map_err(|e| AudienceError::File { path: path.clone(), detail: e.to_string() })?;
        std::fs::write(&path, text).map_err(|e| AudienceError::File { path: path.clone(), detail: e.to_string() })?;
        self.write_check(&dir.join(CHECK))?;
        Ok(dir)
    }

    fn write_check(&self, path: &Path) -> Result<(), AudienceError> {
        use polars::prelude::*;
        let width = self.space.names.len();
        let mut columns: Vec<Column> = self
            .space
            .names
            .iter()
            .enumerate()
            .map(|(i, name)| Column::new(name.into(), self.check.x.chunks(width).map(|r| r[i]).collect::<Vec<f32>>()))
            .collect();
        for (k, class) in Class::ALL.iter().enumerate() {
            let p: Vec<f32> = self.check.probabilities.chunks(4).map(|c| c[k]).collect();
            columns.push(Column::new(format!("p_{}", class.name()).into(), p));
        }
        let fail = |detail: String| AudienceError::File { path: path.to_path_buf(), detail };
        let mut frame = DataFrame::new_infer_height(columns).map_err(|e| fail(e.to_string()))?;
        let file = std::fs::File::create(path).map_err(|e| fail(e.to_string()))?;
        ParquetWriter::new(file).finish(&mut frame).map(|_| ()).map_err(|e| fail(e.to_string()))
    }
}

/// A group's appetite for a film.
#[derive(Debug, Clone, Serialize)]
pub struct GroupLift {
    pub age_band: &'static str,
    pub gender: &'static str,
    /// None: every occupation of the age band and gender (when too few people share one).
    pub occupation: Option<String>,
    pub users: usize,
    pub p_loved: f32,
    /// P(loved | group) / mean P(loved) over every user of the data.
    pub lift: f32,
}

/// A suggested film for a profile.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub title: String,
    pub year: Option<i32>,
    pub genres: Vec<String>,
    pub p_loved: f32,
    pub ratings: u32,
    /// People who rated it 4.5 or 5, and how many of them are in the profile's age band.
    pub loved_by: u32,
    pub loved_by_age_band: u32,
}

/// The stored audience model.
pub struct StoredAudience {
    pub spec: AudienceSpec,
    pub trees: Trees,
    films: Vec<MlFilm>,
    stats: Vec<FilmStats>,
}

impl StoredAudience {
    pub fn load(run_dir: &Path) -> Result<Self, AudienceError> {
        let dir = run_dir.join(DIR);
        let path = dir.join(SPEC);
        let text =
            std::fs::read(&path).map_err(|e| AudienceError::File { path: path.clone(), detail: e.to_string() })?;
        let spec: AudienceSpec = serde_json::from_slice(&text)
            .map_err(|e| AudienceError::File { path: path.clone(), detail: e.to_string() })?;
        let trees = Trees::load(&dir.join(MODEL), spec.space.len(), Objective::MultiClass(4))?;
        let films = spec
            .films
            .iter()
            .map(|f| MlFilm { movie_id: f.movie_id, title: f.title.clone(), year: f.year, genres: f.genres.clone() })
            .collect();
        let stats = spec.films.iter().map(|f| f.stats.clone()).collect();
        Ok(Self { spec, trees, films, stats })
    }

    /// The film of a title ("Toy Story", "toy story (1995)"), the most rated when several match.
    pub fn find(&self, title: &str) -> Result<usize, AudienceError> {
        // People type "The Godfather" or "Le Parrain (1972)"; MovieLens writes "Godfather, The (1972)".
        let (query, year) = split_year(title);
        let wanted = normalize(query);
        let bare = |t: &str| normalize(t.rsplit_once(" (").map_or(t, |(a, _)| a));
        let forms = |t: &str| -> Vec<String> {
            let (without_year, _) = split_year(t);
            movielens_variants(without_year).iter().map(|v| normalize(v)).collect()
        };
        let year_ok = |i: usize| year.is_none() || split_year(&self.films[i].title).1 == year;
        let mut hits: Vec<usize> =
            (0..self.films.len()).filter(|&i| year_ok(i) && forms(&self.films[i].title).contains(&wanted)).collect();
        if hits.is_empty() {
            hits = (0..self.films.len()).filter(|&i| normalize(&self.films[i].title).contains(&wanted)).collect();
        }
        hits.sort_by_key(|&i| std::cmp::Reverse(self.stats[i].all.n));
        hits.first().copied().ok_or_else(|| {
            let mut close: Vec<(f64, &str)> =
                self.films.iter().map(|f| (strsim::jaro_winkler(&bare(&f.title), &wanted), f.title.as_str())).collect();
            close.sort_by(|a, b| b.0.total_cmp(&a.0));
            AudienceError::UnknownFilm {
                title: title.to_owned(),
                suggestions: close.iter().take(3).map(|c| c.1.to_owned()).collect(),
            }
        })
    }

    /// The title of the film with the most ratings.
    pub fn most_rated_title(&self) -> Option<String> {
        (0..self.films.len()).max_by_key(|&i| self.stats[i].all.n).map(|i| self.films[i].title.clone())
    }

    pub fn film_title(&self, film: usize) -> &str {
        &self.films[film].title
    }

    fn p_loved(&self, profiles: &[Profile], film: usize) -> Result<Vec<f32>, AudienceError> {
        let mut x = Vec::with_capacity(profiles.len() * self.spec.space.len());
        for p in profiles {
            self.spec.space.encode_into(p, &self.films[film], &self.stats[film], &mut x);
        }
        Ok(self.trees.predict(&x)?.chunks(4).map(|c| c[Class::Loved as usize]).collect())
    }

    /// The groups most likely to love `film`, best first, with their lift over every user's mean.
    ///
    /// A group's chance is the mean of its members' predicted chances, shrunk toward its parent group (same age
    /// band and gender, every occupation) as an empirical-Bayes estimate would: (n·group + k·parent) / (n + k)
    /// with k = [`GROUP_PRIOR_USERS`]. So a group of four people cannot top an audience on the strength of
    /// four answers, and groups under `min_group_users` members are not listed at all.
    pub fn audience(
        &self,
        film: usize,
        n: usize,
        min_group_users: usize,
    ) -> Result<(f32, Vec<GroupLift>), AudienceError> {
        let everyone = self.p_loved(&self.spec.profiles, film)?;
        let baseline = everyone.iter().sum::<f32>() / everyone.len().max(1) as f32;
        let mut groups: HashMap<(usize, bool, &str), (usize, f32)> = HashMap::new();
        let mut parents: HashMap<(usize, bool), (usize, f32)> = HashMap::new();
        for (profile, &p) in self.spec.profiles.iter().zip(&everyone) {
            let (band, female, occupation) = profile.group();
            let g = groups.entry((band, female, occupation)).or_default();
            *g = (g.0 + 1, g.1 + p);
            let parent = parents.entry((band, female)).or_default();
            *parent = (parent.0 + 1, parent.1 + p);
        }
        let k = GROUP_PRIOR_USERS;
        let mut lifts: Vec<GroupLift> = groups
            .into_iter()
            .filter(|(_, (users, _))| *users >= min_group_users.max(1))
            .map(|((band, female, occupation), (users, sum))| {
                let (parent_users, parent_sum) = parents[&(band, female)];
                let parent = parent_sum / parent_users as f32;
                let p = (sum + k * parent) / (users as f32 + k);
                GroupLift {
                    age_band: AGE_BANDS[band].0,
                    gender: if female { "F" } else { "M" },
                    occupation: Some(occupation.to_owned()),
                    users,
                    p_loved: p,
                    lift: if baseline > 0.0 { p / baseline } else { f32::NAN },
                }
            })
            .collect();
        lifts.sort_by(|a, b| {
            b.p_loved.total_cmp(&a.p_loved).then(b.users.cmp(&a.users)).then(a.occupation.cmp(&b.occupation))
        });
        lifts.truncate(n);
        // Too few people per occupation (a small dataset): the age band × gender groups complete the list.
        if lifts.len() < n {
            let mut broader: Vec<GroupLift> = parents
                .into_iter()
                .filter(|(_, (users, _))| *users >= min_group_users.max(1))
                .map(|((band, female), (users, sum))| {
                    let p = sum / users as f32;
                    GroupLift {
                        age_band: AGE_BANDS[band].0,
                        gender: if female { "F" } else { "M" },
                        occupation: None,
                        users,
                        p_loved: p,
                        lift: if baseline > 0.0 { p / baseline } else { f32::NAN },
                    }
                })
                .collect();
            broader.sort_by(|a, b| b.p_loved.total_cmp(&a.p_loved).then(b.users.cmp(&a.users)));
            lifts.extend(broader.into_iter().take(n - lifts.len()));
        }
        Ok((baseline, lifts))
    }

    /// The occupations the model was trained with (MovieLens 100K's or 1M's), sorted.
    pub fn occupations(&self) -> &[String] {
        &self.spec.space.occupations
    }

    /// Checks a profile typed by a person.
    pub fn profile(&self, age: i32, gender: &str, occupation: &str) -> Result<Profile, AudienceError> {
        let gender = match gender.trim().to_uppercase().as_str() {
            "F" | "W" | "FEMALE" | "FEMME" => "F",
            "M" | "H" | "MALE" | "HOMME" => "M",
            other => return Err(AudienceError::BadGender(other.to_owned())),
        };
        let occ =
            self.spec.space.occupations.iter().find(|o| normalize(o) == normalize(occupation)).cloned().ok_or_else(
                || AudienceError::UnknownOccupation {
                    occupation: occupation.to_owned(),
                    known: self.spec.space.occupations.join(", "),
                },
            )?;
        Ok(Profile { age, gender: gender.to_owned(), occupation: occ })
    }

    /// The `n` films a profile most likely loves among films it would have a chance to see.
    pub fn suggest(&self, profile: &Profile, n: usize) -> Result<Vec<Suggestion>, AudienceError> {
        let probs = loved_probabilities(&self.trees, &self.spec.space, &self.films, &self.stats, profile)?;
        let scores = suggestion_scores(&probs, &self.stats, profile);
        Ok(top(&scores, n)
            .into_iter()
            .map(|i| {
                let f = &self.films[i as usize];
                Suggestion {
                    title: f.title.clone(),
                    year: f.year,
                    genres: f.genres.clone(),
                    p_loved: probs[i as usize].unwrap_or(f32::NAN),
                    ratings: self.stats[i as usize].all.n,
                    loved_by: self.stats[i as usize].all.loved,
                    loved_by_age_band: self.stats[i as usize].age[profile.group().0].loved,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_f1_averages_the_four_classes() {
        use Class::*;
        let truth = [Loved, Loved, Liked, Disliked];
        let s = ClassScores::of(&truth, &truth);
        assert_eq!(s.accuracy, 1.0);
        assert!((s.macro_f1 - 0.75).abs() < 1e-12, "a class absent from both scores 0");
        let s = ClassScores::of(&truth, &[Loved; 4]);
        assert_eq!(s.accuracy, 0.5);
        assert!((s.macro_f1 - (2.0 / 3.0) / 4.0).abs() < 1e-12);
    }
}
