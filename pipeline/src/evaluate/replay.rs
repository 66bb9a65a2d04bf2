//! The feedback replay: held-out MovieLens users play subscribers for some weeks. Each week they receive the
//! weekly picks (the notifier's rules: neighbours of their likes, diversified, nothing liked, rejected or
//! recently sent), "like" those among their held-out positives and answer "pas pour moi" to a share of the
//! others; between weeks the collaborative model is retrained with their likes. The same weeks are played
//! without feedback (the system before it learned from its audience: declared likes only, nothing rejected,
//! no exploration), and the two are compared week by week.
//!
//! A film counts as liked the first time it is shown to a user who rated it at or above the threshold in the
//! held-out ratings; shown again, it counts for nothing (they know it by then), in both simulations.

use std::collections::{HashMap, HashSet};

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::recommend::ease::{Ease, EaseParams};
use crate::recommend::picks::{Catalogue, CatalogueFilm, Customer, PICKS_PER_WEEK, ProgrammeMode, WeekPlan};
use crate::recommend::reasons::{Reason, ReasonKind};
use crate::recommend::training::{CUSTOMER_LIKE_RATING, co_count};
use crate::recommend::{Csr, RecommendError, Recommender, Weighting};

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ReplayOptions {
    /// Weeks played.
    pub weeks: usize,
    /// Users held out to play subscribers (among those with enough positives).
    pub subscribers: usize,
    /// Liked films each subscriber declares when subscribing (drawn from their positives).
    pub declared_likes: usize,
    /// Share of the picks they do not like that they answer "pas pour moi".
    pub not_for_me_share: f64,
    /// Picks of the five given to exploration when feedback is used.
    pub exploration: usize,
    /// Weeks a film sent is not sent again (`notify.weeks_without_repeat`).
    pub weeks_without_repeat: usize,
    /// Ratings at or above this are positives.
    pub threshold: f32,
    /// Neighbours kept per film, as publishing keeps them.
    pub neighbours: usize,
    /// Fewest users who liked both films for a neighbour to count (`recommend.min_co_liked_support`).
    pub min_co_liked_support: u32,
    /// Films the collaborative model covers (the most rated).
    pub max_items: usize,
    pub lambda: f64,
    pub seed: u64,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        Self {
            weeks: 10,
            subscribers: 200,
            declared_likes: 3,
            not_for_me_share: 0.5,
            exploration: 1,
            weeks_without_repeat: 8,
            threshold: 4.0,
            neighbours: 30,
            min_co_liked_support: 10,
            max_items: 3_000,
            lambda: 200.0,
            seed: 42,
        }
    }
}

/// A film as the replay knows it (MovieLens title and genres).
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayFilm {
    pub title: String,
    pub genres: Vec<String>,
}

/// One week of one simulation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct WeekScore {
    /// Share of the week's picks the subscribers liked.
    pub hit_rate: f64,
    /// NDCG@5 of the week's picks against the positives not shown yet, averaged over subscribers.
    pub ndcg: f64,
    pub liked: usize,
    pub picks: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplayWeek {
    pub week: usize,
    pub with_feedback: WeekScore,
    pub without_feedback: WeekScore,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplayReport {
    pub options: ReplayOptions,
    pub subscribers: usize,
    pub films: usize,
    pub weeks: Vec<ReplayWeek>,
    /// Films liked over all weeks, with and without feedback.
    pub liked_with_feedback: usize,
    pub liked_without_feedback: usize,
}

impl ReplayReport {
    /// The last week's hit rate with feedback relative to without (0.25: 25 % higher); `None` when nothing was
    /// liked without feedback that week (no ratio to give).
    pub fn last_week_gain(&self) -> Option<f64> {
        self.weeks.last().and_then(|w| relative(w.with_feedback.hit_rate, w.without_feedback.hit_rate))
    }

    /// All the weeks' liked picks with feedback relative to without.
    pub fn cumulative_gain(&self) -> Option<f64> {
        relative(self.liked_with_feedback as f64, self.liked_without_feedback as f64)
    }
}

/// `a` relative to `b` (0.25: 25 % more), when `b` is not zero.
pub fn relative(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b - 1.0)
}

/// One subscriber's state in one simulation.
#[derive(Debug, Clone, Default)]
struct Subscriber {
    /// MovieLens user row.
    user: usize,
    likes: Vec<u32>,
    rejected: Vec<u32>,
    /// Films sent, by week.
    sent: Vec<Vec<u32>>,
    shown: HashSet<u32>,
}

/// Plays the weeks with and without feedback. `ratings` is users × films (explicit ratings), `films` describes
/// the columns. `progress` gets the week just played.
pub fn replay(
    ratings: &Csr,
    films: &[ReplayFilm],
    options: &ReplayOptions,
    progress: &dyn Fn(usize),
) -> Result<ReplayReport, RecommendError> {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(options.seed);
    let positives: Vec<Vec<u32>> = (0..ratings.n_rows)
        .map(|u| ratings.row_pairs(u).filter(|&(_, r)| r >= options.threshold).map(|(i, _)| i).collect())
        .collect();
    // Subscribers: users with their declared likes and at least a week's picks of positives left to find.
    let mut eligible: Vec<usize> =
        (0..ratings.n_rows).filter(|&u| positives[u].len() >= options.declared_likes + PICKS_PER_WEEK).collect();
    eligible.shuffle(&mut rng);
    eligible.truncate(options.subscribers);
    eligible.sort_unstable();
    let playing: HashSet<usize> = eligible.iter().copied().collect();
    let mut declared: HashMap<usize, Vec<u32>> = HashMap::new();
    let mut held_out: HashMap<usize, HashSet<u32>> = HashMap::new();
    for &u in &eligible {
        let mut mine = positives[u].clone();
        mine.shuffle(&mut rng);
        let (seed, rest) = mine.split_at(options.declared_likes);
        declared.insert(u, seed.to_vec());
        held_out.insert(u, rest.iter().copied().collect());
    }
    // What the cinema knows besides its subscribers: every other user's ratings.
    let mut base: Vec<(u32, u32, f32)> = Vec::with_capacity(ratings.nnz());
    for u in (0..ratings.n_rows).filter(|u| !playing.contains(u)) {
        base.extend(ratings.row_pairs(u).map(|(i, r)| (u as u32, i, r)));
    }
    // Ratings and counts from what the cinema knows: the subscribers' held-out ratings stay hidden.
    let catalogue_films = catalogue_films(&base, ratings.n_cols, films);

    let start = |u: usize| Subscriber { user: u, likes: declared[&u].clone(), ..Default::default() };
    let mut with: Vec<Subscriber> = eligible.iter().map(|&u| start(u)).collect();
    let mut without: Vec<Subscriber> = with.clone();
    // Without feedback the cinema never learns anything new: one model for all the weeks.
    let still = fit_catalogue(&base, &without, ratings, &catalogue_films, options)?;
    let mut weeks = Vec::with_capacity(options.weeks);
    let (mut liked_with, mut liked_without) = (0, 0);
    for week in 1..=options.weeks {
        // Week 1 knows what the still model knows: nothing has been said yet.
        let learned = match week {
            1 => still.clone(),
            _ => fit_catalogue(&base, &with, ratings, &catalogue_films, options)?,
        };
        let with_score = play_week(&learned, &mut with, &held_out, options, week, true, &mut rng);
        let without_score = play_week(&still, &mut without, &held_out, options, week, false, &mut rng);
        liked_with += with_score.liked;
        liked_without += without_score.liked;
        weeks.push(ReplayWeek { week, with_feedback: with_score, without_feedback: without_score });
        progress(week);
    }
    Ok(ReplayReport {
        options: *options,
        subscribers: eligible.len(),
        films: films.len(),
        weeks,
        liked_with_feedback: liked_with,
        liked_without_feedback: liked_without,
    })
}

/// The films as the picks see them: MovieLens titles and genres, the mean rating and count of the known ratings
/// (`base`) as their rating.
fn catalogue_films(base: &[(u32, u32, f32)], n_films: usize, films: &[ReplayFilm]) -> Vec<CatalogueFilm> {
    let mut sums = vec![(0f64, 0u32); n_films];
    for &(_, i, r) in base {
        sums[i as usize].0 += f64::from(r);
        sums[i as usize].1 += 1;
    }
    (0..n_films)
        .map(|i| {
            let film = films.get(i);
            let (sum, count) = sums[i];
            CatalogueFilm {
                film_id: i.to_string(),
                primary_title: film.map(|f| f.title.clone()).unwrap_or_default(),
                genres: film.map(|f| f.genres.clone()).unwrap_or_default(),
                directors: Vec::new(),
                // On the IMDb scale, as the catalogue's ratings are.
                average_rating: (count > 0).then(|| 2.0 * sum / f64::from(count)),
                num_votes: Some(count),
            }
        })
        .collect()
}

/// Retrains the collaborative model on the other users and the subscribers' likes (declared and "J'aime", as
/// training folds customers in; rejections act on the picks only), then keeps each film's neighbours liked together
/// by enough people, as training publishes them (EASE alone here: MovieLens films have no IMDb credits for the
/// content side).
fn fit_catalogue(
    base: &[(u32, u32, f32)],
    subscribers: &[Subscriber],
    ratings: &Csr,
    films: &[CatalogueFilm],
    options: &ReplayOptions,
) -> Result<Catalogue, RecommendError> {
    let mut triplets = base.to_vec();
    for s in subscribers {
        let u = s.user as u32;
        triplets.extend(s.likes.iter().map(|&i| (u, i, CUSTOMER_LIKE_RATING)));
    }
    let matrix = Csr::from_triplets(ratings.n_rows, ratings.n_cols, &triplets);
    let weighting = Weighting { threshold: options.threshold, below_weight: 0.0 };
    let mut ease = Ease::new(EaseParams { lambda: options.lambda, max_items: options.max_items, weighting });
    ease.fit(&matrix)?;
    let likers = matrix.map_values(|r| if r >= options.threshold { 1.0 } else { 0.0 }).transpose();
    let mut catalogue = Catalogue::new(films.to_vec());
    for i in 0..ratings.n_cols {
        if (likers.row_len(i) as u32) < options.min_co_liked_support.max(1) {
            continue;
        }
        let mut kept = 0;
        for s in ease.similar_items(i as u32, options.neighbours * 3) {
            if kept == options.neighbours {
                break;
            }
            if co_count(&likers, i, s.item as usize) >= options.min_co_liked_support {
                let reason = Reason { kind: ReasonKind::CoLiked, detail: None };
                catalogue.add_neighbour(&i.to_string(), &s.item.to_string(), s.score, reason);
                kept += 1;
            }
        }
    }
    Ok(catalogue)
}

/// One week's picks for every subscriber of a simulation, and what they answer.
fn play_week(
    catalogue: &Catalogue,
    subscribers: &mut [Subscriber],
    held_out: &HashMap<usize, HashSet<u32>>,
    options: &ReplayOptions,
    week: usize,
    feedback: bool,
    rng: &mut impl Rng,
) -> WeekScore {
    let exploration = if feedback { options.exploration } else { 0 };
    let plan = WeekPlan::new(catalogue, None, ProgrammeMode::Boost, 0.0).with_exploration(exploration);
    let (mut liked, mut picks, mut ndcg, mut scored) = (0, 0, 0.0, 0);
    for s in subscribers.iter_mut() {
        let ids = |films: &[u32]| -> Vec<String> { films.iter().map(u32::to_string).collect() };
        let recent: Vec<u32> = s.sent.iter().rev().take(options.weeks_without_repeat).flatten().copied().collect();
        let ever: Vec<u32> = s.shown.iter().copied().collect();
        let (likes, recently_sent, rejected, ever_sent) = (ids(&s.likes), ids(&recent), ids(&s.rejected), ids(&ever));
        let customer = Customer {
            likes: &likes,
            recently_sent: &recently_sent,
            rejected: &rejected,
            ever_sent: &ever_sent,
            seed: options.seed ^ ((s.user as u64) << 16) ^ week as u64,
            ..Default::default()
        };
        let Ok(weekly) = plan.picks(&customer) else { continue };
        let positives = &held_out[&s.user];
        let fresh_positives = positives.iter().filter(|i| !s.shown.contains(i)).count();
        let mut sent = Vec::with_capacity(PICKS_PER_WEEK);
        let (mut dcg, mut hits) = (0.0, 0);
        for (rank, pick) in weekly.films().iter().enumerate() {
            let item: u32 = pick.film_id.parse().expect("replay film ids are column numbers");
            let hit = positives.contains(&item) && !s.shown.contains(&item);
            if hit {
                hits += 1;
                dcg += 1.0 / (rank as f64 + 2.0).log2();
            }
            if feedback {
                if hit {
                    s.likes.push(item);
                } else if rng.random_bool(options.not_for_me_share) {
                    s.rejected.push(item);
                }
            }
            sent.push(item);
        }
        s.shown.extend(sent.iter().copied());
        s.sent.push(sent);
        let ideal: f64 = (0..fresh_positives.min(PICKS_PER_WEEK)).map(|r| 1.0 / (r as f64 + 2.0).log2()).sum();
        if ideal > 0.0 {
            ndcg += dcg / ideal;
            scored += 1;
        }
        liked += hits;
        picks += weekly.films().len();
    }
    WeekScore {
        hit_rate: if picks > 0 { liked as f64 / picks as f64 } else { 0.0 },
        ndcg: if scored > 0 { ndcg / scored as f64 } else { 0.0 },
        liked,
        picks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two tastes: users of taste A like films 0..20, users of taste B films 20..40, each a random half of
    /// their side; nobody likes the other side.
    fn two_tastes(users: usize, seed: u64) -> (Csr, Vec<ReplayFilm>) {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let mut triplets = Vec::new();
        for u in 0..users {
            let side = if u % 2 == 0 { 0 } else { 20 };
            for i in 0..20u32 {
                if rng.random_bool(0.5) {
                    triplets.push((u as u32, side + i, 5.0));
                }
            }
            for i in 0..3u32 {
                triplets.push((u as u32, (20 - side) + i * 5, 2.0));
            }
        }
        let films =
            (0..40).map(|i| ReplayFilm { title: format!("Film number {i}"), genres: vec!["Drama".into()] }).collect();
        (Csr::from_triplets(users, 40, &triplets), films)
    }

    #[test]
    fn the_replay_is_reproducible_and_feedback_finds_more_liked_films() {
        let (ratings, films) = two_tastes(300, 1);
        // Three neighbours per film: the declared likes alone soon run out of films to propose.
        let options =
            ReplayOptions { weeks: 6, subscribers: 40, neighbours: 3, min_co_liked_support: 5, ..Default::default() };
        let report = replay(&ratings, &films, &options, &|_| {}).unwrap();
        assert_eq!(report.subscribers, 40);
        assert_eq!(report.weeks.len(), 6);
        for w in &report.weeks {
            assert_eq!(w.with_feedback.picks, 40 * PICKS_PER_WEEK);
            assert!((0.0..=1.0).contains(&w.with_feedback.hit_rate) && (0.0..=1.0).contains(&w.without_feedback.ndcg));
        }
        assert!(report.liked_with_feedback > report.liked_without_feedback, "{report:?}");
        let again = replay(&ratings, &films, &options, &|_| {}).unwrap();
        assert_eq!(
            again.weeks.iter().map(|w| w.with_feedback).collect::<Vec<_>>(),
            report.weeks.iter().map(|w| w.with_feedback).collect::<Vec<_>>()
        );
    }
}
