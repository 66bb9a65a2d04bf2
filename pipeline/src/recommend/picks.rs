//! The weekly picks: exactly five distinct films per customer from the stored neighbours of their liked
//! films, never a liked, recently sent or rejected film ("Pas pour moi", "Déjà vu"), within or boosted by the
//! programme, diversified by director and franchise, falling back to the best weighted-rated films of their
//! genres, with a share given to exploration (well-matched films never shown to them). Pure: no store, no clock.

use std::collections::{HashMap, HashSet};

use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::reasons::{Reason, ReasonKind};
use super::title_search::normalize;

/// Films in one weekly message.
pub const PICKS_PER_WEEK: usize = 5;

/// A film the picks can choose, as the store describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueFilm {
    pub film_id: String,
    /// The original (primary) title: franchises are recognised on it.
    pub primary_title: String,
    pub genres: Vec<String>,
    /// Person ids of the directors.
    pub directors: Vec<String>,
    pub average_rating: Option<f64>,
    pub num_votes: Option<u32>,
}

/// Why a film is in the picks, stored with the delivery and rendered in the customer's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PickReason {
    /// A neighbour of a liked film (`because_of`), with the recommender's reason.
    Similar { reason: ReasonKind, detail: Option<String>, because_of: String },
    /// Among the best weighted-rated films of a genre the customer declared or likes.
    TopRatedInGenre { genre: String },
    /// Among the best weighted-rated films of the catalogue.
    TopRated,
}

/// One picked film with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickedFilm {
    pub film_id: String,
    pub reason: PickReason,
    /// Shown at the cinema this week.
    #[serde(default)]
    pub in_programme: bool,
    /// Chosen to explore (a well-matched film never shown to the customer), not as one of the best matches.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exploration: bool,
}

/// Exactly five distinct films: the only shape a weekly message can have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct WeeklyPicks(Vec<PickedFilm>);

/// Why picks could not be made or read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PicksError {
    #[error("weekly picks need exactly {PICKS_PER_WEEK} films, got {0}")]
    WrongCount(usize),
    #[error("film {0} appears twice in the weekly picks")]
    Duplicate(String),
    #[error(
        "only {available} film(s) can be proposed (the catalogue minus liked, recently sent and out-of-programme \
         films); publish a larger catalogue or widen the programme"
    )]
    NotEnoughFilms { available: usize },
}

impl WeeklyPicks {
    /// Checks the count and distinctness.
    pub fn new(films: Vec<PickedFilm>) -> Result<Self, PicksError> {
        if films.len() != PICKS_PER_WEEK {
            return Err(PicksError::WrongCount(films.len()));
        }
        let mut seen = HashSet::new();
        for f in &films {
            if !seen.insert(f.film_id.as_str()) {
                return Err(PicksError::Duplicate(f.film_id.clone()));
            }
        }
        Ok(Self(films))
    }

    pub fn films(&self) -> &[PickedFilm] {
        &self.0
    }

    pub fn film_ids(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|f| f.film_id.as_str())
    }
}

impl<'de> Deserialize<'de> for WeeklyPicks {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let films = Vec::<PickedFilm>::deserialize(d)?;
        WeeklyPicks::new(films).map_err(serde::de::Error::custom)
    }
}

/// How the cinema's programme of the week weighs on the picks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProgrammeMode {
    /// Only films of the programme (when one is set for the week).
    Restrict,
    /// Programme films' scores are multiplied by `1 + boost`.
    Boost,
}

/// The films and neighbours the picks choose from, with everything precomputed once per run.
#[derive(Debug, Clone)]
pub struct Catalogue {
    films: Vec<CatalogueFilm>,
    index: HashMap<String, u32>,
    neighbours: Vec<Vec<(u32, f32, Reason)>>,
    /// A franchise group per film (films sharing a title stem share it); `u32::MAX` for none.
    franchise: Vec<u32>,
    weighted: Vec<f64>,
}

impl Catalogue {
    pub fn new(films: Vec<CatalogueFilm>) -> Self {
        let index = films.iter().enumerate().map(|(i, f)| (f.film_id.clone(), i as u32)).collect();
        let mut stems: HashMap<String, u32> = HashMap::new();
        let franchise = films
            .iter()
            .map(|f| match franchise_stem(&f.primary_title) {
                Some(stem) => {
                    let next = stems.len() as u32;
                    *stems.entry(stem).or_insert(next)
                }
                None => u32::MAX,
            })
            .collect();
        let weighted = weighted_ratings(&films);
        let neighbours = vec![Vec::new(); films.len()];
        Self { films, index, neighbours, franchise, weighted }
    }

    /// Adds a stored neighbour; false when either film is not in the catalogue.
    pub fn add_neighbour(&mut self, film_id: &str, neighbour_id: &str, score: f32, reason: Reason) -> bool {
        match (self.index.get(film_id), self.index.get(neighbour_id)) {
            (Some(&a), Some(&b)) if a != b => {
                self.neighbours[a as usize].push((b, score, reason));
                true
            }
            _ => false,
        }
    }

    pub fn len(&self) -> usize {
        self.films.len()
    }

    pub fn is_empty(&self) -> bool {
        self.films.is_empty()
    }

    pub fn film(&self, film_id: &str) -> Option<&CatalogueFilm> {
        self.index.get(film_id).map(|&i| &self.films[i as usize])
    }

    /// The Bayesian weighted rating of a film (IMDb's top-list formula), 0 when unrated.
    pub fn weighted_rating(&self, film_id: &str) -> Option<f64> {
        self.index.get(film_id).map(|&i| self.weighted[i as usize])
    }

    fn same_franchise(&self, a: u32, b: u32) -> bool {
        let (fa, fb) = (self.franchise[a as usize], self.franchise[b as usize]);
        fa != u32::MAX && fa == fb
    }

    fn share_director(&self, a: u32, b: u32) -> bool {
        let da = &self.films[a as usize].directors;
        self.films[b as usize].directors.iter().any(|d| da.contains(d))
    }
}

/// What the picks know of one customer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Customer<'a> {
    /// Declared likes and films they said "J'aime" to.
    pub likes: &'a [String],
    /// Films sent in the last weeks (not repeated).
    pub recently_sent: &'a [String],
    /// Genres they told the cinema they like (IMDb genre names, any case).
    pub declared_genres: &'a [String],
    /// Films never to propose again ("Pas pour moi", "Déjà vu").
    pub rejected: &'a [String],
    /// Every film ever sent to them: exploration only proposes films outside it.
    pub ever_sent: &'a [String],
    /// Seed of their exploration draw (from the customer and the week, so a re-run draws the same).
    pub seed: u64,
}

/// Candidates beyond the best matches an exploration pick is drawn from: close enough to be well matched, far
/// enough down the list that the customer would not have been shown them.
pub const EXPLORATION_POOL: usize = 20;

/// The programme of one week turned into rankings, computed once and shared by every customer's picks.
#[derive(Debug, Clone)]
pub struct WeekPlan<'a> {
    catalogue: &'a Catalogue,
    programme: Option<HashSet<u32>>,
    mode: ProgrammeMode,
    boost: f32,
    /// Picks of the five given to exploration.
    exploration: usize,
    /// Every allowed film, best weighted rating first (programme films lifted by the boost).
    ranked: Vec<u32>,
    /// The same order per genre, keyed by the lower-cased genre, with the genre as the catalogue spells it.
    ranked_by_genre: HashMap<String, (String, Vec<u32>)>,
}

impl<'a> WeekPlan<'a> {
    /// `programme` is the week's programme (film ids; unknown ones are ignored), or `None` when no programme is
    /// set, in which case `mode` does not matter.
    pub fn new(catalogue: &'a Catalogue, programme: Option<&[String]>, mode: ProgrammeMode, boost: f32) -> Self {
        let programme: Option<HashSet<u32>> =
            programme.map(|ids| ids.iter().filter_map(|id| catalogue.index.get(id).copied()).collect());
        let mut plan = Self {
            catalogue,
            programme,
            mode,
            boost,
            exploration: 0,
            ranked: Vec::new(),
            ranked_by_genre: HashMap::new(),
        };
        let mut ranked: Vec<u32> = (0..catalogue.len() as u32).filter(|&i| plan.allowed_by_programme(i)).collect();
        let key = |i: u32| catalogue.weighted[i as usize] * f64::from(plan.multiplier(i));
        ranked.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
        for &i in &ranked {
            for g in &catalogue.films[i as usize].genres {
                plan.ranked_by_genre.entry(g.to_lowercase()).or_insert_with(|| (g.clone(), Vec::new())).1.push(i);
            }
        }
        plan.ranked = ranked;
        plan
    }

    /// Gives `picks` of the five to exploration (at most four: the best match always comes first).
    pub fn with_exploration(mut self, picks: usize) -> Self {
        self.exploration = picks.min(PICKS_PER_WEEK - 1);
        self
    }

    fn in_programme(&self, i: u32) -> bool {
        self.programme.as_ref().is_some_and(|p| p.contains(&i))
    }

    fn allowed_by_programme(&self, i: u32) -> bool {
        match (&self.programme, self.mode) {
            (Some(p), ProgrammeMode::Restrict) => p.contains(&i),
            _ => true,
        }
    }

    fn multiplier(&self, i: u32) -> f32 {
        if self.mode == ProgrammeMode::Boost && self.in_programme(i) { 1.0 + self.boost } else { 1.0 }
    }

    /// The five picks of one customer.
    pub fn picks(&self, customer: &Customer) -> Result<WeeklyPicks, PicksError> {
        let cat = self.catalogue;
        let ids = |films: &[String]| -> Vec<u32> { films.iter().filter_map(|id| cat.index.get(id).copied()).collect() };
        let liked = ids(customer.likes);
        let mut excluded: HashSet<u32> = liked.iter().copied().collect();
        excluded.extend(ids(customer.recently_sent));
        excluded.extend(ids(customer.rejected));
        let allowed = |i: u32| !excluded.contains(&i) && self.allowed_by_programme(i);

        // 1. Neighbours of liked films, scores summed over the liked films, reason from the strongest link.
        let mut scored: HashMap<u32, (f32, f32, PickReason)> = HashMap::new();
        for &l in &liked {
            for (nb, score, reason) in &cat.neighbours[l as usize] {
                if !allowed(*nb) {
                    continue;
                }
                let entry = scored.entry(*nb).or_insert((0.0, f32::MIN, PickReason::TopRated));
                entry.0 += score;
                if *score > entry.1 {
                    entry.1 = *score;
                    entry.2 = PickReason::Similar {
                        reason: reason.kind,
                        detail: reason.detail.clone(),
                        because_of: cat.films[l as usize].film_id.clone(),
                    };
                }
            }
        }
        let mut similar: Vec<(u32, f32, PickReason)> =
            scored.into_iter().map(|(i, (s, _, r))| (i, s * self.multiplier(i), r)).collect();
        similar.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));

        // 2. Then the best weighted-rated films of the declared genres, else of the liked films' genres, then
        // of the whole catalogue.
        let mut genres: Vec<String> = customer.declared_genres.iter().map(|g| g.trim().to_lowercase()).collect();
        if genres.is_empty() {
            for &l in &liked {
                genres.extend(cat.films[l as usize].genres.iter().map(|g| g.to_lowercase()));
            }
        }
        let mut seen_genres = HashSet::new();
        genres.retain(|g| !g.is_empty() && seen_genres.insert(g.clone()));
        let by_genre = genres.iter().filter_map(|g| self.ranked_by_genre.get(g)).flat_map(|(display, films)| {
            films.iter().map(move |&i| (i, PickReason::TopRatedInGenre { genre: display.clone() }))
        });
        let overall = self.ranked.iter().map(|&i| (i, PickReason::TopRated));
        let stream = similar.into_iter().map(|(i, _, r)| (i, r)).chain(by_genre).chain(overall);

        // 3. Greedy diversification: skip a film sharing a director or franchise with one already picked,
        // and only take such films back when nothing else is left. The exploration picks' places are kept
        // for step 4, whose pool is the next candidates after the best matches.
        let best = PICKS_PER_WEEK - self.exploration;
        let pool_size = best + self.exploration * EXPLORATION_POOL;
        let diverse = |chosen: &[(u32, PickReason, bool)], i: u32| {
            !chosen.iter().any(|&(c, _, _)| cat.share_director(c, i) || cat.same_franchise(c, i))
        };
        let mut chosen: Vec<(u32, PickReason, bool)> = Vec::with_capacity(PICKS_PER_WEEK);
        let mut set_aside: Vec<(u32, PickReason)> = Vec::new();
        let mut considered = HashSet::new();
        for (i, reason) in stream {
            if chosen.len() + set_aside.len() >= pool_size && chosen.len() >= best {
                break;
            }
            if !allowed(i) || !considered.insert(i) {
                continue;
            }
            if chosen.len() < best && diverse(&chosen, i) {
                chosen.push((i, reason, false));
            } else {
                set_aside.push((i, reason));
            }
        }

        // 4. Exploration: a film drawn among the next well-matched candidates that was never sent to them.
        let ever_sent: HashSet<u32> = ids(customer.ever_sent).into_iter().collect();
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(customer.seed);
        for _ in 0..self.exploration {
            let fresh: Vec<usize> = (0..set_aside.len())
                .filter(|&k| !ever_sent.contains(&set_aside[k].0) && diverse(&chosen, set_aside[k].0))
                .take(EXPLORATION_POOL)
                .collect();
            if fresh.is_empty() {
                break;
            }
            let (i, reason) = set_aside.remove(fresh[rng.random_range(0..fresh.len())]);
            chosen.push((i, reason, true));
        }
        // Then the best of what is left, diverse first.
        let (diverse_left, rest): (Vec<_>, Vec<_>) = set_aside.into_iter().partition(|(i, _)| diverse(&chosen, *i));
        for (i, reason) in diverse_left.into_iter().chain(rest) {
            if chosen.len() == PICKS_PER_WEEK {
                break;
            }
            chosen.push((i, reason, false));
        }
        if chosen.len() < PICKS_PER_WEEK {
            return Err(PicksError::NotEnoughFilms { available: chosen.len() });
        }
        WeeklyPicks::new(
            chosen
                .into_iter()
                .map(|(i, reason, exploration)| PickedFilm {
                    film_id: cat.films[i as usize].film_id.clone(),
                    reason,
                    in_programme: self.in_programme(i),
                    exploration,
                })
                .collect(),
        )
    }
}

/// The title stem a franchise shares: the part before a colon or dash, without a trailing sequel number
/// ("Toy Story 3" → "toy story", "Mission: Impossible - Fallout" → "mission"). `None` for titles too short
/// to say anything (one short word). A heuristic: the store has no collection data.
pub fn franchise_stem(title: &str) -> Option<String> {
    let head = title.split([':', '–', '—']).next().unwrap_or(title);
    let head = head.split(" - ").next().unwrap_or(head);
    let mut words: Vec<String> = normalize(head).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
    const SEQUEL: [&str; 12] = ["ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "part", "chapter", "partie"];
    while words.len() > 1
        && words.last().is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()) || SEQUEL.contains(&w.as_str()))
    {
        words.pop();
    }
    let stem = words.join(" ");
    (stem.len() >= 4).then_some(stem)
}

/// Bayesian weighted rating (v/(v+m))·R + (m/(v+m))·C, with C the mean rating and m the median vote count of
/// the rated catalogue films, so a 9.0 from 20 votes does not beat an 8.5 from 100 000.
fn weighted_ratings(films: &[CatalogueFilm]) -> Vec<f64> {
    let rated: Vec<(f64, f64)> = films
        .iter()
        .filter_map(|f| Some((f.average_rating?, f64::from(f.num_votes?))))
        .filter(|(_, v)| *v > 0.0)
        .collect();
    if rated.is_empty() {
        return vec![0.0; films.len()];
    }
    let c = rated.iter().map(|(r, _)| r).sum::<f64>() / rated.len() as f64;
    let mut votes: Vec<f64> = rated.iter().map(|(_, v)| *v).collect();
    votes.sort_by(f64::total_cmp);
    let m = votes[votes.len() / 2].max(1.0);
    films
        .iter()
        .map(|f| match (f.average_rating, f.num_votes) {
            (Some(r), Some(v)) if v > 0 => {
                let v = f64::from(v);
                v / (v + m) * r + m / (v + m) * c
            }
            _ => 0.0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn film(id: &str, title: &str, genres: &[&str], director: &str, rating: f64, votes: u32) -> CatalogueFilm {
        CatalogueFilm {
            film_id: id.to_owned(),
            primary_title: title.to_owned(),
            genres: genres.iter().map(|g| g.to_string()).collect(),
            directors: if director.is_empty() { vec![] } else { vec![director.to_owned()] },
            average_rating: Some(rating),
            num_votes: Some(votes),
        }
    }

    /// Twelve films: liked tt01 has neighbours tt02..tt08; tt02 and tt03 share a director; tt04 and tt05 are one
    /// franchise; tt09..tt12 are unconnected, tt12 the best rated of all.
    fn catalogue() -> Catalogue {
        let mut films = vec![film("tt01", "Liked One", &["Drama"], "nmA", 7.0, 1000)];
        films.push(film("tt02", "Alpha", &["Drama"], "nmB", 7.0, 1000));
        films.push(film("tt03", "Beta", &["Drama"], "nmB", 7.0, 1000));
        films.push(film("tt04", "Toy Tale", &["Comedy"], "nmC", 7.0, 1000));
        films.push(film("tt05", "Toy Tale 2", &["Comedy"], "nmD", 7.0, 1000));
        films.push(film("tt06", "Gamma", &["Drama"], "nmE", 7.0, 1000));
        films.push(film("tt07", "Delta", &["Drama"], "nmF", 7.0, 1000));
        films.push(film("tt08", "Epsilon", &["Drama"], "nmG", 7.0, 1000));
        films.push(film("tt09", "Horror Night", &["Horror"], "nmH", 6.0, 1000));
        films.push(film("tt10", "Horror Day", &["Horror"], "nmI", 8.0, 5000));
        films.push(film("tt11", "Obscure Gem", &["Horror"], "nmJ", 9.9, 3));
        films.push(film("tt12", "Masterpiece", &["Western"], "nmK", 9.0, 90000));
        let mut cat = Catalogue::new(films);
        for (rank, nb) in ["tt02", "tt03", "tt04", "tt05", "tt06", "tt07", "tt08"].iter().enumerate() {
            let reason = Reason { kind: ReasonKind::SameDirector, detail: Some("Someone".into()) };
            assert!(cat.add_neighbour("tt01", nb, 1.0 - rank as f32 * 0.1, reason));
        }
        cat
    }

    fn ids(p: &WeeklyPicks) -> Vec<&str> {
        p.film_ids().collect()
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn weekly_picks_are_exactly_five_distinct_films() {
        let pick = |id: &str| PickedFilm {
            film_id: id.into(),
            reason: PickReason::TopRated,
            in_programme: false,
            exploration: false,
        };
        assert!(WeeklyPicks::new(["a", "b", "c", "d", "e"].map(pick).to_vec()).is_ok());
        assert_eq!(WeeklyPicks::new(["a", "b"].map(pick).to_vec()), Err(PicksError::WrongCount(2)));
        assert_eq!(
            WeeklyPicks::new(["a", "b", "c", "d", "a"].map(pick).to_vec()),
            Err(PicksError::Duplicate("a".into()))
        );
        let json = r#"[{"film_id":"a","reason":{"kind":"top_rated"}}]"#;
        assert!(serde_json::from_str::<WeeklyPicks>(json).is_err(), "reading back checks the count too");
    }

    #[test]
    fn picks_avoid_a_second_film_of_the_same_director_or_franchise_when_they_can() {
        let cat = catalogue();
        let plan = WeekPlan::new(&cat, None, ProgrammeMode::Boost, 0.5);
        let picks = plan.picks(&Customer { likes: &s(&["tt01"]), ..Default::default() }).unwrap();
        assert_eq!(ids(&picks), ["tt02", "tt04", "tt06", "tt07", "tt08"]);
        assert!(matches!(&picks.films()[0].reason, PickReason::Similar { because_of, .. } if because_of == "tt01"));
    }

    #[test]
    fn liked_and_recently_sent_films_are_never_picked() {
        let cat = catalogue();
        let plan = WeekPlan::new(&cat, None, ProgrammeMode::Boost, 0.5);
        let picks = plan
            .picks(&Customer { likes: &s(&["tt01"]), recently_sent: &s(&["tt02", "tt06"]), ..Default::default() })
            .unwrap();
        let got = ids(&picks);
        assert!(!got.contains(&"tt01") && !got.contains(&"tt02") && !got.contains(&"tt06"), "{got:?}");
        assert_eq!(&got[..4], ["tt03", "tt04", "tt07", "tt08"]);
        // Every other drama (the liked film's genre) is excluded or taken, and tt05 is tt04's franchise: the
        // fifth is the best-rated film overall.
        assert_eq!(got[4], "tt12");
        assert_eq!(picks.films()[4].reason, PickReason::TopRated);
    }

    #[test]
    fn films_marked_not_for_me_or_seen_are_never_picked() {
        let cat = catalogue();
        let plan = WeekPlan::new(&cat, None, ProgrammeMode::Boost, 0.5);
        let rejected = s(&["tt02", "tt04", "tt12"]);
        let picks = plan.picks(&Customer { likes: &s(&["tt01"]), rejected: &rejected, ..Default::default() }).unwrap();
        let got = ids(&picks);
        assert!(got.iter().all(|id| !rejected.iter().any(|r| r == id)), "{got:?}");
        assert_eq!(&got[..3], ["tt03", "tt05", "tt06"]);
    }

    #[test]
    fn exploration_draws_a_well_matched_film_never_sent_the_same_way_for_the_same_seed() {
        let cat = catalogue();
        let plan = WeekPlan::new(&cat, None, ProgrammeMode::Boost, 0.5).with_exploration(1);
        let likes = s(&["tt01"]);
        let ever_sent = s(&["tt07"]);
        let draw = |seed| {
            let customer = Customer { likes: &likes, ever_sent: &ever_sent, seed, ..Default::default() };
            plan.picks(&customer).unwrap()
        };
        let picks = draw(7);
        // The four best matches first, as without exploration.
        assert_eq!(&ids(&picks)[..4], ["tt02", "tt04", "tt06", "tt07"]);
        let explored = &picks.films()[4];
        assert!(explored.exploration && picks.films()[..4].iter().all(|f| !f.exploration));
        assert!(!["tt01", "tt02", "tt04", "tt06", "tt07"].contains(&explored.film_id.as_str()));
        assert_eq!(draw(7), picks, "reproducible for a seed");
        let drawn: HashSet<String> = (0..40).map(|seed| draw(seed).films()[4].film_id.clone()).collect();
        assert!(drawn.len() > 1, "different customers or weeks explore different films: {drawn:?}");
        assert!(!drawn.contains("tt07"), "a film already sent is never an exploration pick");
    }

    #[test]
    fn a_customer_without_likes_gets_the_best_rated_films_of_their_genres_then_overall() {
        let cat = catalogue();
        let plan = WeekPlan::new(&cat, None, ProgrammeMode::Boost, 0.5);
        let picks = plan.picks(&Customer { declared_genres: &s(&["horror"]), ..Default::default() }).unwrap();
        let got = ids(&picks);
        // Weighted rating: 8.0 from 5000 votes beats 9.9 from 3 votes.
        assert_eq!(&got[..3], ["tt10", "tt11", "tt09"], "{got:?}");
        assert_eq!(picks.films()[0].reason, PickReason::TopRatedInGenre { genre: "Horror".into() });
        assert_eq!(got[3], "tt12");
        assert_eq!(picks.films()[3].reason, PickReason::TopRated);
        let overall = plan.picks(&Customer::default()).unwrap();
        assert_eq!(ids(&overall)[0], "tt12");
    }

    #[test]
    fn a_restricting_programme_keeps_only_its_films() {
        let cat = catalogue();
        let programme = s(&["tt03", "tt05", "tt09", "tt10", "tt11", "tt12"]);
        let plan = WeekPlan::new(&cat, Some(&programme), ProgrammeMode::Restrict, 0.0);
        let picks = plan.picks(&Customer { likes: &s(&["tt01"]), ..Default::default() }).unwrap();
        let got = ids(&picks);
        assert!(got.iter().all(|id| programme.iter().any(|p| p == id)), "{got:?}");
        assert!(picks.films().iter().all(|f| f.in_programme));
        assert_eq!(&got[..2], ["tt03", "tt05"]);
        let too_small = WeekPlan::new(&cat, Some(&s(&["tt03", "tt05"])), ProgrammeMode::Restrict, 0.0);
        assert_eq!(
            too_small.picks(&Customer { likes: &s(&["tt01"]), ..Default::default() }),
            Err(PicksError::NotEnoughFilms { available: 2 })
        );
    }

    #[test]
    fn a_boosting_programme_lifts_its_films_first() {
        let cat = catalogue();
        let programme = s(&["tt08"]);
        let plan = WeekPlan::new(&cat, Some(&programme), ProgrammeMode::Boost, 2.0);
        let picks = plan.picks(&Customer { likes: &s(&["tt01"]), ..Default::default() }).unwrap();
        assert_eq!(ids(&picks)[0], "tt08");
        assert!(picks.films()[0].in_programme && !picks.films()[1].in_programme);
    }

    #[test]
    fn same_director_films_come_back_only_when_nothing_else_is_left() {
        let films =
            (1..=6).map(|i| film(&format!("tt{i}"), &format!("Title {i}"), &["Drama"], "nmX", 7.0, 10)).collect();
        let cat = Catalogue::new(films);
        let plan = WeekPlan::new(&cat, None, ProgrammeMode::Boost, 0.0);
        assert_eq!(plan.picks(&Customer::default()).unwrap().films().len(), 5);
    }

    #[test]
    fn franchise_stems_ignore_sequel_numbers_and_subtitles() {
        assert_eq!(franchise_stem("Toy Story 3").as_deref(), Some("toy story"));
        assert_eq!(franchise_stem("Toy Story").as_deref(), Some("toy story"));
        assert_eq!(franchise_stem("Star Wars: Episode IV - A New Hope").as_deref(), Some("star wars"));
        assert_eq!(franchise_stem("Rocky II").as_deref(), Some("rocky"));
        assert_eq!(franchise_stem("Up"), None);
    }
}
