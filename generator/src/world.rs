//! The latent world shared by every output: how many titles and people exist per year, who is credited on what, and the hidden qualities (talent, taste, popularity) the ratings are built from.

use super::ids::IdSpace;
use super::layout::{Affine, BlockLayout, NOW_YEAR, NYEARS, apportion, year_of};
use super::rng::{Rng, key, stream};
use super::titles::{Concept, render_episode_dated, render_episode_number};
use super::vocabulary::{COUNTRIES, FILM_GENRE_WEIGHTS, GENRE_RATING_EFFECT, Lang, g, names};

/// Dimension of the latent taste space shared by films and MovieLens users.
pub(crate) const K: usize = 8;

/// Title kinds of the layout. Series come in tiers of run length; each tier has its own
/// episode kind so an episode can find its series in O(1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Movie,
    Short,
    Video,
    TvMovie,
    TvSpecial,
    VideoGame,
    TvShort,
    SeriesSoap,
    SeriesLong,
    SeriesMedium,
    SeriesShort,
    MiniSeries,
    EpSoap,
    EpLong,
    EpMedium,
    EpShort,
    EpMini,
}

pub(crate) const NKINDS: usize = 17;
const ALL_KINDS: [Kind; NKINDS] = [
    Kind::Movie,
    Kind::Short,
    Kind::Video,
    Kind::TvMovie,
    Kind::TvSpecial,
    Kind::VideoGame,
    Kind::TvShort,
    Kind::SeriesSoap,
    Kind::SeriesLong,
    Kind::SeriesMedium,
    Kind::SeriesShort,
    Kind::MiniSeries,
    Kind::EpSoap,
    Kind::EpLong,
    Kind::EpMedium,
    Kind::EpShort,
    Kind::EpMini,
];

/// Series tiers: (series kind, episode kind, years on air, relative episodes per year).
const SERIES_TIERS: [(Kind, Kind, usize, f64); 5] = [
    (Kind::SeriesSoap, Kind::EpSoap, 20, 60.0),
    (Kind::SeriesLong, Kind::EpLong, 8, 15.0),
    (Kind::SeriesMedium, Kind::EpMedium, 3, 9.0),
    (Kind::SeriesShort, Kind::EpShort, 1, 6.0),
    (Kind::MiniSeries, Kind::EpMini, 1, 4.0),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Film,
    Short,
    Series,
    Episode,
    Game,
}

impl Kind {
    pub fn from_index(i: usize) -> Kind {
        ALL_KINDS[i]
    }

    pub fn title_type(self) -> &'static str {
        match self {
            Kind::Movie => "movie",
            Kind::Short => "short",
            Kind::Video => "video",
            Kind::TvMovie => "tvMovie",
            Kind::TvSpecial => "tvSpecial",
            Kind::VideoGame => "videoGame",
            Kind::TvShort => "tvShort",
            Kind::SeriesSoap | Kind::SeriesLong | Kind::SeriesMedium | Kind::SeriesShort => "tvSeries",
            Kind::MiniSeries => "tvMiniSeries",
            _ => "tvEpisode",
        }
    }

    pub fn class(self) -> Class {
        match self {
            Kind::Movie | Kind::Video | Kind::TvMovie | Kind::TvSpecial => Class::Film,
            Kind::Short | Kind::TvShort => Class::Short,
            Kind::VideoGame => Class::Game,
            Kind::SeriesSoap | Kind::SeriesLong | Kind::SeriesMedium | Kind::SeriesShort | Kind::MiniSeries => {
                Class::Series
            }
            _ => Class::Episode,
        }
    }

    pub fn is_episode(self) -> bool {
        self.class() == Class::Episode
    }

    pub fn is_series(self) -> bool {
        self.class() == Class::Series
    }

    fn tier(self) -> Option<usize> {
        SERIES_TIERS.iter().position(|t| t.0 == self || t.1 == self)
    }
}

/// principals categories.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Category {
    Actor,
    Actress,
    SelfCat,
    Director,
    Writer,
    Producer,
    Composer,
    Cinematographer,
    Editor,
    ProductionDesigner,
    CastingDirector,
    Crew,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Actor => "actor",
            Category::Actress => "actress",
            Category::SelfCat => "self",
            Category::Director => "director",
            Category::Writer => "writer",
            Category::Producer => "producer",
            Category::Composer => "composer",
            Category::Cinematographer => "cinematographer",
            Category::Editor => "editor",
            Category::ProductionDesigner => "production_designer",
            Category::CastingDirector => "casting_director",
            Category::Crew => "miscellaneous",
        }
    }

    pub fn is_cast(self) -> bool {
        matches!(self, Category::Actor | Category::Actress | Category::SelfCat)
    }
}

/// A pool of people sharing a role and a career profile (tier A: long careers with many
/// credits a year, B: regulars, C: one-offs), which gives credits per person a heavy tail.
pub(crate) struct PoolSpec {
    pub category: Category,
    pub tier: u8,
    /// Years a member stays in the pool.
    career: usize,
    /// Target credits a year per member, before calibration to the people count.
    rate: f64,
    female_share: f64,
    /// Age range at career start.
    start_age: (i64, i64),
}

macro_rules! pool {
    ($c:ident, $t:expr, $l:expr, $r:expr, $f:expr, $a:expr) => {
        PoolSpec { category: Category::$c, tier: $t, career: $l, rate: $r, female_share: $f, start_age: $a }
    };
}

pub(crate) const POOLS: [PoolSpec; 26] = [
    pool!(Actor, 0, 35, 3.5, 0.0, (18, 34)),
    pool!(Actor, 1, 12, 1.2, 0.0, (18, 40)),
    pool!(Actor, 2, 1, 1.0, 0.0, (18, 70)),
    pool!(Actress, 0, 30, 3.5, 1.0, (18, 32)),
    pool!(Actress, 1, 12, 1.2, 1.0, (18, 40)),
    pool!(Actress, 2, 1, 1.0, 1.0, (18, 70)),
    pool!(SelfCat, 1, 15, 3.0, 0.45, (20, 55)),
    pool!(SelfCat, 2, 1, 1.0, 0.45, (18, 75)),
    pool!(Director, 0, 35, 1.6, 0.12, (24, 40)),
    pool!(Director, 1, 12, 2.5, 0.2, (25, 50)),
    pool!(Director, 2, 2, 0.6, 0.25, (22, 60)),
    pool!(Writer, 0, 30, 1.6, 0.25, (24, 45)),
    pool!(Writer, 1, 12, 2.0, 0.35, (22, 50)),
    pool!(Writer, 2, 2, 0.6, 0.35, (20, 60)),
    pool!(Producer, 0, 30, 4.0, 0.3, (25, 45)),
    pool!(Producer, 1, 12, 1.5, 0.4, (25, 50)),
    pool!(Producer, 2, 2, 0.6, 0.4, (22, 60)),
    pool!(Composer, 0, 30, 4.0, 0.08, (22, 40)),
    pool!(Composer, 1, 10, 1.5, 0.15, (20, 50)),
    pool!(Cinematographer, 0, 30, 3.0, 0.06, (24, 42)),
    pool!(Cinematographer, 1, 10, 1.5, 0.12, (22, 50)),
    pool!(Editor, 0, 30, 3.0, 0.3, (24, 42)),
    pool!(Editor, 1, 10, 2.0, 0.35, (22, 50)),
    pool!(ProductionDesigner, 1, 15, 1.5, 0.4, (25, 50)),
    pool!(CastingDirector, 1, 20, 4.0, 0.7, (25, 50)),
    pool!(Crew, 2, 10, 1.0, 0.35, (20, 55)),
];
pub(crate) const NPOOLS: usize = POOLS.len();

pub(crate) mod p {
    pub const ACTOR_A: usize = 0;
    pub const ACTOR_B: usize = 1;
    pub const ACTOR_C: usize = 2;
    pub const ACTRESS_A: usize = 3;
    pub const ACTRESS_B: usize = 4;
    pub const ACTRESS_C: usize = 5;
    pub const SELF_B: usize = 6;
    pub const SELF_C: usize = 7;
    pub const DIRECTOR_A: usize = 8;
    pub const DIRECTOR_B: usize = 9;
    pub const DIRECTOR_C: usize = 10;
    pub const WRITER_A: usize = 11;
    pub const WRITER_B: usize = 12;
    pub const WRITER_C: usize = 13;
    pub const PRODUCER_A: usize = 14;
    pub const PRODUCER_B: usize = 15;
    pub const PRODUCER_C: usize = 16;
    pub const COMPOSER_A: usize = 17;
    pub const COMPOSER_B: usize = 18;
    pub const CINEMA_A: usize = 19;
    pub const CINEMA_B: usize = 20;
    pub const EDITOR_A: usize = 21;
    pub const EDITOR_B: usize = 22;
    pub const DESIGNER: usize = 23;
    pub const CASTING: usize = 24;
    pub const CREW: usize = 25;
}

/// Credit slots per title for each class: (pool, slots). A title keeps only some of its slots
/// (its plan); the fixed slot count is what lets people find their titles by arithmetic.
fn class_slots(class: Class) -> &'static [(usize, u8)] {
    use p::*;
    match class {
        Class::Film => &[
            (DIRECTOR_A, 1),
            (DIRECTOR_B, 2),
            (DIRECTOR_C, 1),
            (WRITER_A, 1),
            (WRITER_B, 2),
            (WRITER_C, 2),
            (ACTOR_A, 1),
            (ACTRESS_A, 1),
            (ACTOR_B, 3),
            (ACTRESS_B, 3),
            (ACTOR_C, 4),
            (ACTRESS_C, 4),
            (SELF_B, 1),
            (SELF_C, 3),
            (PRODUCER_A, 1),
            (PRODUCER_B, 2),
            (PRODUCER_C, 1),
            (COMPOSER_A, 1),
            (COMPOSER_B, 1),
            (CINEMA_A, 1),
            (CINEMA_B, 1),
            (EDITOR_A, 1),
            (EDITOR_B, 1),
            (DESIGNER, 1),
            (CASTING, 1),
        ],
        Class::Short => &[
            (DIRECTOR_B, 1),
            (DIRECTOR_C, 1),
            (WRITER_B, 1),
            (WRITER_C, 1),
            (ACTOR_B, 2),
            (ACTRESS_B, 2),
            (ACTOR_C, 2),
            (ACTRESS_C, 2),
            (SELF_C, 2),
            (PRODUCER_C, 1),
            (COMPOSER_B, 1),
            (CINEMA_B, 1),
            (EDITOR_B, 1),
        ],
        Class::Series => &[
            (DIRECTOR_B, 1),
            (WRITER_A, 1),
            (WRITER_B, 2),
            (ACTOR_A, 1),
            (ACTRESS_A, 1),
            (ACTOR_B, 3),
            (ACTRESS_B, 3),
            (ACTOR_C, 1),
            (ACTRESS_C, 1),
            (SELF_B, 3),
            (PRODUCER_A, 1),
            (PRODUCER_B, 2),
            (COMPOSER_B, 1),
        ],
        Class::Episode => &[
            (DIRECTOR_B, 1),
            (DIRECTOR_C, 1),
            (WRITER_B, 2),
            (WRITER_C, 1),
            (ACTOR_B, 1),
            (ACTRESS_B, 1),
            (ACTOR_C, 2),
            (ACTRESS_C, 2),
            (SELF_B, 1),
            (SELF_C, 3),
            (EDITOR_B, 1),
            (CINEMA_B, 1),
        ],
        Class::Game => &[
            (DIRECTOR_C, 1),
            (WRITER_C, 1),
            (ACTOR_B, 2),
            (ACTRESS_B, 2),
            (ACTOR_C, 2),
            (ACTRESS_C, 2),
            (PRODUCER_C, 1),
            (COMPOSER_B, 1),
        ],
    }
}

/// Kept credit slots of one title, per pool.
pub(crate) type Plan = [u8; NPOOLS];

/// Per (pool, year): people active, credit slots, and the permutation spreading slots over people.
#[derive(Clone, Debug, Default)]
struct PoolYear {
    /// First cohort year index of the active set.
    lo: usize,
    active: u64,
    slots: u64,
    spread: Affine,
}

struct Pool {
    /// cohort_cum[y] = people of this pool whose career starts before year index y.
    cohort_cum: Vec<u64>,
    years: Vec<PoolYear>,
    /// slot_base[y * NKINDS + k]: first slot of kind k in year y.
    slot_base: Vec<u64>,
}

/// Per (series tier, year): episodes of the year spread over the series on air.
#[derive(Clone, Debug, Default)]
struct TierYear {
    lo: usize,
    on_air: u64,
    episodes: u64,
    spread: Affine,
}

/// Where an episode sits in its series.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EpisodeLink {
    pub parent: u64,
    pub season: u32,
    pub episode: u32,
}

/// The cheap, always-needed attributes of a title.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TitleCore {
    pub index: u64,
    pub year_idx: usize,
    pub kind: Kind,
    pub rank: u64,
    pub country: usize,
    /// Bitmask over [`IMDB_GENRES`]; the output may still print `\N` (see `genres_known`).
    pub genres: u32,
    pub genres_known: bool,
    pub adult: bool,
    pub popularity: f64,
    pub runtime: Option<u16>,
    pub year_known: bool,
    /// Quality before the people credited on it are taken into account.
    pub quality_base: f64,
    pub talk_show: bool,
    pub episode: Option<EpisodeLink>,
}

impl TitleCore {
    pub fn year(&self) -> i32 {
        year_of(self.year_idx)
    }

    pub fn lang(&self) -> Lang {
        COUNTRIES[self.country].lang
    }

    pub fn has_genre(&self, genre: usize) -> bool {
        self.genres & (1 << genre) != 0
    }

    /// Share of star-tier people a title attracts, rising with popularity.
    pub fn star_power(&self) -> f64 {
        (0.05 + 0.2 * self.popularity.max(1.0).log10()).clamp(0.0, 0.9)
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct PersonCore {
    pub index: u64,
    pub year_idx: usize,
    pub pool: usize,
    pub rank: u64,
    pub female: bool,
    pub lang: Lang,
    pub talent: f64,
    pub birth: i32,
    pub birth_known: bool,
    pub death: Option<i32>,
}

/// One row-to-be of title.principals.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Credit {
    pub person: u64,
    pub category: Category,
    /// Seed of the character name (shared by a series and its episodes) or of the job.
    pub detail: u64,
}

/// Fixed-capacity list of cast credits, so building a title's credits allocates nothing.
struct CastBuf {
    items: [Credit; CAST_MAX],
    len: usize,
}

/// More than any plan can fill: 6 regulars + 2 stars + 6 regulars + 8 one-offs + 4 selves.
const CAST_MAX: usize = 40;

impl CastBuf {
    fn new() -> Self {
        CastBuf { items: [Credit { person: 0, category: Category::Actor, detail: 0 }; CAST_MAX], len: 0 }
    }

    fn push(&mut self, c: Credit) {
        if self.len < CAST_MAX {
            self.items[self.len] = c;
            self.len += 1;
        }
    }

    fn as_slice(&self) -> &[Credit] {
        &self.items[..self.len]
    }
}

pub(crate) struct World {
    pub seed: u64,
    pub titles: BlockLayout,
    pub people: BlockLayout,
    pub title_ids: IdSpace,
    pub person_ids: IdSpace,
    pools: Vec<Pool>,
    tiers: Vec<Vec<TierYear>>,
    /// series_cum[tier][y]: series of that tier started before year index y.
    series_cum: Vec<Vec<u64>>,
    /// movie_cum[y]: movies before year index y (for TMDB ids).
    movie_cum: Vec<u64>,
    slots_per_kind: [[u8; NPOOLS]; NKINDS],
    pub genre_embedding: [[f64; K]; 28],
}

fn future_factor(y: i32) -> f64 {
    match y - NOW_YEAR {
        i32::MIN..=-1 => 1.0,
        0 => 0.85,
        1 => 0.25,
        2 => 0.08,
        3 => 0.03,
        _ => 0.012,
    }
}

/// Relative number of titles of a kind started in a year: exponential growth with a
/// kind-specific time constant, gated by when the medium existed.
fn year_weight(kind: Kind, y: i32) -> f64 {
    let (tau, from) = match kind {
        Kind::Movie => (35.0, 1896),
        Kind::Short => (25.0, 1874),
        Kind::Video => (15.0, 1978),
        Kind::TvMovie => (25.0, 1947),
        Kind::TvSpecial => (20.0, 1947),
        Kind::VideoGame => (12.0, 1975),
        Kind::TvShort => (20.0, 1947),
        Kind::MiniSeries => (15.0, 1947),
        _ => (18.0, 1947),
    };
    if y < from {
        return 0.0;
    }
    let mut w = ((y.min(NOW_YEAR - 1) - (NOW_YEAR - 1)) as f64 / tau).exp() * future_factor(y);
    match kind {
        Kind::Movie if y < 1906 => w *= 0.15,
        Kind::Short if y < 1894 => w *= 0.05,
        Kind::Short if y <= 1920 => w *= 6.0,
        _ => {}
    }
    w
}

/// Share of all titles per non-episode kind (episodes take the rest, ~77%).
fn kind_share(kind: Kind) -> f64 {
    match kind {
        Kind::Movie => 0.06,
        Kind::Short => 0.09,
        Kind::Video => 0.02,
        Kind::TvMovie => 0.014,
        Kind::TvSpecial => 0.005,
        Kind::VideoGame => 0.004,
        Kind::TvShort => 0.001,
        Kind::SeriesSoap => 0.02 * 0.03,
        Kind::SeriesLong => 0.02 * 0.12,
        Kind::SeriesMedium => 0.02 * 0.30,
        Kind::SeriesShort => 0.02 * 0.55,
        Kind::MiniSeries => 0.005,
        _ => 0.0,
    }
}

fn pareto_pop(rng: &mut Rng) -> f64 {
    // Tail index 1 gives Zipf (s ≈ 1) rank-frequency; capped so one title cannot dominate.
    rng.pareto(1.0).min(5.0e6)
}

/// Genre weights of a class with their total, built once.
struct GenreTable {
    w: [f64; 28],
    total: f64,
}

impl GenreTable {
    fn new(w: [f64; 28]) -> Self {
        GenreTable { w, total: w.iter().sum() }
    }

    fn pick(&self, rng: &mut Rng) -> usize {
        let mut x = rng.f64() * self.total;
        for (i, w) in self.w.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        g::DRAMA
    }
}

/// Film, short, series and video-game genre weights.
static GENRE_TABLES: std::sync::LazyLock<[GenreTable; 4]> = std::sync::LazyLock::new(|| {
    let film = FILM_GENRE_WEIGHTS;
    let mut short = film;
    short[g::ANIMATION] = 25.0;
    short[g::DOCUMENTARY] = 25.0;
    let mut series = film;
    series[g::TALK_SHOW] = 7.0;
    series[g::REALITY_TV] = 7.0;
    series[g::NEWS] = 3.0;
    series[g::GAME_SHOW] = 3.0;
    series[g::ANIMATION] = 8.0;
    series[g::FAMILY] = 6.0;
    let mut game = [0.0; 28];
    for (gi, w) in [
        (g::ACTION, 30.0),
        (g::ADVENTURE, 25.0),
        (g::FANTASY, 15.0),
        (g::SCI_FI, 10.0),
        (g::FAMILY, 5.0),
        (g::SPORT, 5.0),
        (g::HORROR, 5.0),
        (g::COMEDY, 5.0),
    ] {
        game[gi] = w;
    }
    [GenreTable::new(film), GenreTable::new(short), GenreTable::new(series), GenreTable::new(game)]
});

/// One to three distinct genres; documentaries usually stand alone.
fn draw_genres(rng: &mut Rng, table: &GenreTable, max: usize) -> u32 {
    let n = match rng.below(100) {
        0..=39 => 1,
        40..=74 => 2,
        _ => 3,
    }
    .min(max);
    let mut mask = 0u32;
    for _ in 0..n {
        let mut gi = table.pick(rng);
        let mut tries = 0;
        while mask & (1 << gi) != 0 && tries < 8 {
            gi = table.pick(rng);
            tries += 1;
        }
        if mask & (1 << gi) != 0 {
            break;
        }
        mask |= 1 << gi;
        if gi == g::DOCUMENTARY && rng.chance(0.7) {
            break;
        }
    }
    mask
}

/// How much a year's titles are voted on today: most votes go to films of the last decades.
fn era(year: i32) -> f64 {
    (-((year as f64 - 2008.0) / 40.0).powi(2)).exp() * if year > NOW_YEAR { 0.05 } else { 1.0 }
}

struct Traits {
    country: usize,
    genres: u32,
    genres_known: bool,
    adult: bool,
    popularity: f64,
    talk_show: bool,
}

impl World {
    pub fn build(scale: f64, seed: u64) -> World {
        let target_titles = (11_000_000.0 * scale).round().max(2_000.0);
        let target_people = (14_000_000.0 * scale).round().max(2_500.0);

        // Titles per (year, kind).
        let mut counts = vec![0u64; NYEARS * NKINDS];
        for kind in ALL_KINDS {
            let share = kind_share(kind);
            if share == 0.0 {
                continue;
            }
            let weights: Vec<f64> = (0..NYEARS).map(|y| year_weight(kind, year_of(y))).collect();
            let total = (target_titles * share).round().max(3.0) as u64;
            for (y, c) in apportion(total, &weights).into_iter().enumerate() {
                counts[y * NKINDS + kind as usize] = c;
            }
        }
        // Episodes follow the series on air, with more episodes a year for long-running tiers.
        let episode_total = (target_titles * 0.776).round() as u64;
        let mut ep_weights = Vec::with_capacity(SERIES_TIERS.len() * NYEARS);
        for &(series, _, years_on_air, rate) in &SERIES_TIERS {
            for y in 0..NYEARS {
                let lo = (y + 1).saturating_sub(years_on_air);
                let on_air: u64 = (lo..=y).map(|yy| counts[yy * NKINDS + series as usize]).sum();
                ep_weights.push(on_air as f64 * rate * future_factor(year_of(y)).max(0.1));
            }
        }
        let ep_counts = apportion(episode_total, &ep_weights);
        for (t, &(_, ep, _, _)) in SERIES_TIERS.iter().enumerate() {
            for y in 0..NYEARS {
                counts[y * NKINDS + ep as usize] = ep_counts[t * NYEARS + y];
            }
        }
        let titles = BlockLayout::new(NKINDS, counts, seed, 1);

        let mut tiers = Vec::new();
        let mut series_cum = Vec::new();
        for (t, &(series, ep, years_on_air, _)) in SERIES_TIERS.iter().enumerate() {
            let mut cum = vec![0u64; NYEARS + 1];
            for y in 0..NYEARS {
                cum[y + 1] = cum[y] + titles.count(y, series as usize);
            }
            let mut per_year = Vec::with_capacity(NYEARS);
            for y in 0..NYEARS {
                let lo = (y + 1).saturating_sub(years_on_air);
                let on_air = cum[y + 1] - cum[lo];
                let mut rng = Rng::new(seed, stream::LAYOUT, 50_000 + (t * NYEARS + y) as u64);
                per_year.push(TierYear {
                    lo,
                    on_air,
                    episodes: titles.count(y, ep as usize),
                    spread: Affine::new(on_air, &mut rng),
                });
            }
            tiers.push(per_year);
            series_cum.push(cum);
        }
        let mut movie_cum = vec![0u64; NYEARS + 1];
        for y in 0..NYEARS {
            movie_cum[y + 1] = movie_cum[y] + titles.count(y, Kind::Movie as usize);
        }

        let mut slots_per_kind = [[0u8; NPOOLS]; NKINDS];
        for kind in ALL_KINDS {
            for &(pool, n) in class_slots(kind.class()) {
                slots_per_kind[kind as usize][pool] = n;
            }
        }

        let mut genre_embedding = [[0.0; K]; 28];
        for (gi, e) in genre_embedding.iter_mut().enumerate() {
            let mut rng = Rng::new(seed, stream::GENRE_EMBEDDING, gi as u64);
            for v in e.iter_mut() {
                *v = 0.6 * rng.normal();
            }
        }

        let mut world = World {
            seed,
            title_ids: IdSpace::new(titles.total()),
            titles,
            people: BlockLayout::new(NPOOLS, vec![0; NYEARS * NPOOLS], seed, 2),
            person_ids: IdSpace::new(0),
            pools: Vec::new(),
            tiers,
            series_cum,
            movie_cum,
            slots_per_kind,
            genre_embedding,
        };
        world.size_people(target_people);
        world
    }

    /// Sizes every pool's yearly cohorts so that members get about `rate` kept credits a year,
    /// then scales the rates so the number of people lands near the target.
    fn size_people(&mut self, target_people: f64) {
        // Expected kept slots per title, per kind and pool, measured on sampled real titles.
        let mut kept = [[0.0f64; NPOOLS]; NKINDS];
        for kind in ALL_KINDS {
            let total = self.titles.kind_total(kind as usize);
            if total == 0 {
                continue;
            }
            let weights: Vec<f64> = (0..NYEARS).map(|y| self.titles.count(y, kind as usize) as f64).collect();
            let samples = 400;
            let mut rng = Rng::new(self.seed, stream::CALIBRATION, kind as u64);
            for _ in 0..samples {
                let y = rng.weighted(&weights);
                let rank = rng.below(self.titles.count(y, kind as usize));
                let index = self.titles.index_of(y, kind as usize, rank);
                let core = self.title_core(index);
                let plan = self.plan(&core);
                for (pool, k) in plan.iter().enumerate() {
                    kept[kind as usize][pool] += *k as f64 / samples as f64;
                }
            }
        }
        let demand = |pool: usize, y: usize| -> (f64, u64) {
            let mut expected = 0.0;
            let mut slots = 0u64;
            for kind in ALL_KINDS {
                let c = self.titles.count(y, kind as usize);
                expected += c as f64 * kept[kind as usize][pool];
                slots += c * self.slots_per_kind[kind as usize][pool] as u64;
            }
            (expected, slots)
        };
        // Star and regular tiers are scaled to hit the people target; one-off tiers keep about
        // one credit per person (so most people have a single credit) unless they alone would
        // outnumber three quarters of the target.
        let cohorts_for = |regular: f64, one_off: f64| -> Vec<Vec<u64>> {
            let mut all = Vec::with_capacity(NPOOLS);
            for (pi, spec) in POOLS.iter().enumerate() {
                let mut c = vec![0u64; NYEARS];
                if spec.category == Category::Crew {
                    all.push(c);
                    continue;
                }
                let rate = spec.rate * if spec.tier == 2 { one_off } else { regular };
                for y in 0..NYEARS {
                    let (expected, slots) = demand(pi, y);
                    let lo = (y + 1).saturating_sub(spec.career);
                    let active_before: u64 = c[lo..y].iter().sum();
                    let want = (expected / rate).round() as u64;
                    let mut new = want.saturating_sub(active_before);
                    if slots > 0 && active_before + new == 0 {
                        new = 1;
                    }
                    c[y] = new;
                }
                all.push(c);
            }
            all
        };
        let sum_tier = |cohorts: &[Vec<u64>], one_off: bool| -> f64 {
            POOLS
                .iter()
                .zip(cohorts)
                .filter(|(s, _)| s.category != Category::Crew && (s.tier == 2) == one_off)
                .map(|(_, c)| c.iter().sum::<u64>() as f64)
                .sum()
        };
        let credited_target = target_people * 0.9;
        let base = cohorts_for(1.0, 1.0);
        let one_off_people = sum_tier(&base, true);
        let one_off = (one_off_people / (0.75 * credited_target)).max(1.0);
        let regular_budget = (credited_target - one_off_people / one_off).max(0.1 * credited_target);
        let regular = (sum_tier(&base, false) / regular_budget).max(0.05);
        let mut cohorts = cohorts_for(regular, one_off);
        let credited: u64 = cohorts.iter().flatten().sum();
        // Crew who never reach principals fill the rest, spread like the titles.
        let crew_total = (target_people as u64).saturating_sub(credited).max(1);
        let weights: Vec<f64> = (0..NYEARS)
            .map(|y| {
                let n: u64 = (0..NKINDS).map(|k| self.titles.count(y, k)).sum();
                n as f64
            })
            .collect();
        cohorts[p::CREW] = apportion(crew_total, &weights);

        let mut counts = vec![0u64; NYEARS * NPOOLS];
        for (pi, c) in cohorts.iter().enumerate() {
            for y in 0..NYEARS {
                counts[y * NPOOLS + pi] = c[y];
            }
        }
        self.people = BlockLayout::new(NPOOLS, counts, self.seed, 2);
        self.person_ids = IdSpace::new(self.people.total());

        let mut pools = Vec::with_capacity(NPOOLS);
        for (pi, spec) in POOLS.iter().enumerate() {
            let mut cum = vec![0u64; NYEARS + 1];
            for y in 0..NYEARS {
                cum[y + 1] = cum[y] + cohorts[pi][y];
            }
            let mut years = Vec::with_capacity(NYEARS);
            let mut slot_base = vec![0u64; NYEARS * NKINDS];
            for y in 0..NYEARS {
                let mut acc = 0u64;
                for kind in ALL_KINDS {
                    slot_base[y * NKINDS + kind as usize] = acc;
                    acc += self.titles.count(y, kind as usize) * self.slots_per_kind[kind as usize][pi] as u64;
                }
                let lo = (y + 1).saturating_sub(spec.career);
                let active = cum[y + 1] - cum[lo];
                let mut rng = Rng::new(self.seed, stream::LAYOUT, 100_000 + (pi * NYEARS + y) as u64);
                years.push(PoolYear { lo, active, slots: acc, spread: Affine::new(active, &mut rng) });
            }
            pools.push(Pool { cohort_cum: cum, years, slot_base });
        }
        self.pools = pools;
    }

    // ---------------------------------------------------------------- titles

    pub fn title_core(&self, index: u64) -> TitleCore {
        let (y, k, rank) = self.titles.locate(index);
        self.title_core_at(index, y, Kind::from_index(k), rank)
    }

    pub fn episode_link(&self, y: usize, kind: Kind, rank: u64) -> Option<(EpisodeLink, usize, u64)> {
        let tier = kind.tier()?;
        let ty = &self.tiers[tier][y];
        if ty.on_air == 0 {
            return None;
        }
        let c = ty.spread.forward(rank);
        let cum = &self.series_cum[tier];
        let abs = cum[ty.lo] + c;
        let y2 = cum.partition_point(|&s| s <= abs) - 1;
        let series_rank = abs - cum[y2];
        let series_kind = SERIES_TIERS[tier].0;
        let parent = self.titles.index_of(y2, series_kind as usize, series_rank);
        Some((
            EpisodeLink { parent, season: (y - y2 + 1) as u32, episode: (rank / ty.on_air + 1) as u32 },
            y2,
            series_rank,
        ))
    }

    /// Country, genres and popularity: what episodes inherit from their series, drawn first
    /// so an episode can get them without computing the rest of its series.
    fn traits(&self, rng: &mut Rng, kind: Kind, era: f64) -> Traits {
        let country = rng.weighted(&COUNTRY_WEIGHTS);
        let adult = matches!(kind, Kind::Movie | Kind::Video) && rng.chance(0.015);
        let table = &GENRE_TABLES[match kind.class() {
            Class::Short => 1,
            Class::Series => 2,
            Class::Game => 3,
            _ => 0,
        }];
        let mut mask = draw_genres(rng, table, if kind.class() == Class::Short { 2 } else { 3 });
        if kind.class() == Class::Short {
            mask |= 1 << g::SHORT;
        }
        if adult {
            mask = (1 << g::ADULT) | (mask & (1 << g::DRAMA | 1 << g::ROMANCE | 1 << g::COMEDY));
        }
        let talk_show = mask & (1 << g::TALK_SHOW | 1 << g::REALITY_TV | 1 << g::NEWS | 1 << g::GAME_SHOW) != 0;
        let kind_factor = match kind {
            Kind::Movie => 3.2,
            Kind::Short => 1.1,
            Kind::Video => 1.0,
            Kind::TvMovie => 1.3,
            Kind::TvSpecial => 1.0,
            Kind::VideoGame => 2.5,
            Kind::TvShort => 0.6,
            _ => 2.5,
        };
        let adult_factor = if adult { 0.3 } else { 1.0 };
        let popularity = kind_factor * era * adult_factor * pareto_pop(rng);
        let genres_known = rng.f64() > 0.06 / (1.0 + popularity / 20.0);
        Traits { country, genres: mask, genres_known, adult, popularity, talk_show }
    }

    pub fn title_core_at(&self, index: u64, y: usize, kind: Kind, rank: u64) -> TitleCore {
        let mut rng = Rng::new(self.seed, stream::TITLE_CORE, index);
        let year = year_of(y);
        let class = kind.class();
        let mut episode = None;
        let t = if class == Class::Episode {
            let link = self.episode_link(y, kind, rank);
            let parent = link.map(|(l, y2, _)| {
                let series_kind = SERIES_TIERS[kind.tier().unwrap_or(0)].0;
                let mut prng = Rng::new(self.seed, stream::TITLE_CORE, l.parent);
                self.traits(&mut prng, series_kind, era(year_of(y2)))
            });
            episode = link.map(|l| l.0);
            let parent_pop = parent.as_ref().map_or(1.0, |p| p.popularity);
            Traits {
                country: parent.as_ref().map_or(0, |p| p.country),
                genres: parent.as_ref().map_or(1 << g::DRAMA, |p| p.genres),
                genres_known: parent.as_ref().is_some_and(|p| p.genres_known) && rng.chance(0.7),
                adult: false,
                talk_show: parent.as_ref().is_some_and(|p| p.talk_show),
                popularity: 0.16 * parent_pop.sqrt() * era(year) * pareto_pop(&mut rng),
            }
        } else {
            self.traits(&mut rng, kind, era(year))
        };
        let Traits { country, genres, genres_known, adult, popularity, talk_show } = t;
        let runtime = {
            let missing = match class {
                Class::Episode => 0.55,
                Class::Game => 1.0,
                Class::Short => 0.2,
                _ => 0.3 / (1.0 + popularity / 10.0),
            };
            if rng.chance(missing) {
                None
            } else {
                let minutes = match kind {
                    Kind::Movie => {
                        if rng.chance(0.02) {
                            rng.range(180, 320) as f64
                        } else {
                            95.0 + 17.0 * rng.normal()
                        }
                    }
                    Kind::Short | Kind::TvShort => 1.0 + 12.0 * -(1.0 - rng.f64()).ln(),
                    Kind::TvMovie => 88.0 + 12.0 * rng.normal(),
                    Kind::Video => 75.0 + 25.0 * rng.normal(),
                    Kind::TvSpecial => 60.0 + 25.0 * rng.normal(),
                    _ => *rng.pick(&[22.0, 24.0, 30.0, 44.0, 45.0, 60.0]) + rng.range(-2, 2) as f64,
                };
                let (lo, hi) = match class {
                    Class::Short => (1.0, 45.0),
                    Class::Film => (40.0, 320.0),
                    _ => (5.0, 120.0),
                };
                Some(minutes.round().clamp(lo, hi) as u16)
            }
        };
        let year_known = if year > NOW_YEAR {
            rng.chance(0.7)
        } else if class == Class::Episode {
            rng.chance(0.92)
        } else {
            rng.chance(0.99)
        };
        let mut q = 6.1;
        let mut ng = 0.0f64;
        let mut effect = 0.0;
        for (gi, e) in GENRE_RATING_EFFECT.iter().enumerate() {
            if genres & (1 << gi) != 0 {
                effect += e;
                ng += 1.0;
            }
        }
        if ng > 0.0 {
            q += effect / ng.sqrt();
        }
        if let Some(rt) = runtime {
            q += (0.004 * (rt as f64 - 95.0)).clamp(-0.2, 0.3) * f64::from(class == Class::Film);
        }
        q += (0.006 * (2015 - year) as f64).clamp(-0.05, 0.35);
        q += match class {
            Class::Episode => 0.9,
            Class::Series => 0.5,
            Class::Short => 0.3,
            Class::Game => 0.4,
            Class::Film => 0.0,
        };
        q += 0.55 * rng.normal();
        TitleCore {
            index,
            year_idx: y,
            kind,
            rank,
            country,
            genres,
            genres_known,
            adult,
            popularity,
            runtime,
            year_known,
            quality_base: q,
            talk_show,
            episode,
        }
    }

    /// Which of a title's credit slots are used.
    pub fn plan(&self, core: &TitleCore) -> Plan {
        use p::*;
        let mut rng = Rng::new(self.seed, stream::TITLE_PLAN, core.index);
        let mut plan = [0u8; NPOOLS];
        let star = core.star_power();
        let documentary = core.has_genre(g::DOCUMENTARY);
        let animation = core.has_genre(g::ANIMATION);
        match core.kind.class() {
            Class::Film => {
                let r = rng.f64();
                if r < 0.97 {
                    let pa = 0.06 + 0.5 * star;
                    let pc = 0.3 * (1.0 - star);
                    let t = rng.f64();
                    if t < pa {
                        plan[DIRECTOR_A] = 1;
                    } else if t < pa + pc {
                        plan[DIRECTOR_C] = 1;
                    } else {
                        plan[DIRECTOR_B] = if rng.chance(0.08) { 2 } else { 1 };
                    }
                }
                let writers = [0u8, 1, 1, 1, 1, 2, 2, 2, 3][rng.index(9)];
                let mut left = writers;
                if left > 0 && rng.chance(0.08 + 0.3 * star) {
                    plan[WRITER_A] = 1;
                    left -= 1;
                }
                let b = left.min(rng.range(0, 2) as u8);
                plan[WRITER_B] = b;
                plan[WRITER_C] = (left - b).min(2);
                if documentary {
                    plan[SELF_B] = u8::from(rng.chance(0.4));
                    plan[SELF_C] = rng.range(1, 3) as u8;
                    plan[ACTOR_B] = u8::from(rng.chance(0.2));
                } else {
                    plan[ACTOR_A] = u8::from(rng.chance(0.9 * star));
                    plan[ACTRESS_A] = u8::from(rng.chance(0.6 * star));
                    let extra = if animation { 0 } else { 1 };
                    plan[ACTOR_B] = rng.range(1, 2 + extra) as u8;
                    plan[ACTRESS_B] = rng.range(1, 2 + extra) as u8;
                    plan[ACTOR_C] = rng.range(0, 2) as u8;
                    plan[ACTRESS_C] = rng.range(0, 2) as u8;
                }
                plan[PRODUCER_A] = u8::from(rng.chance(0.05 + 0.4 * star));
                plan[PRODUCER_B] = rng.range(0, 2) as u8;
                plan[PRODUCER_C] = u8::from(rng.chance(0.3));
                if rng.chance(0.1 + 0.4 * star) {
                    plan[COMPOSER_A] = 1;
                } else {
                    plan[COMPOSER_B] = u8::from(rng.chance(0.45));
                }
                if rng.chance(0.1 + 0.3 * star) {
                    plan[CINEMA_A] = 1;
                } else {
                    plan[CINEMA_B] = u8::from(rng.chance(0.4));
                }
                if rng.chance(0.08 + 0.3 * star) {
                    plan[EDITOR_A] = 1;
                } else {
                    plan[EDITOR_B] = u8::from(rng.chance(0.4));
                }
                plan[DESIGNER] = u8::from(rng.chance(0.15 + 0.2 * star));
                plan[CASTING] = u8::from(rng.chance(0.1 + 0.3 * star));
            }
            Class::Short => {
                if rng.chance(0.95) {
                    if rng.chance(0.5) {
                        plan[DIRECTOR_B] = 1;
                    } else {
                        plan[DIRECTOR_C] = 1;
                    }
                }
                if rng.chance(0.4) {
                    if rng.chance(0.3) {
                        plan[WRITER_B] = 1;
                    } else {
                        plan[WRITER_C] = 1;
                    }
                }
                if documentary {
                    plan[SELF_C] = rng.range(1, 2) as u8;
                } else if !animation || rng.chance(0.5) {
                    plan[ACTOR_B] = rng.range(0, 2) as u8;
                    plan[ACTRESS_B] = rng.range(0, 2) as u8;
                    plan[ACTOR_C] = rng.range(0, 1) as u8;
                    plan[ACTRESS_C] = rng.range(0, 1) as u8;
                }
                plan[PRODUCER_C] = u8::from(rng.chance(0.4));
                plan[COMPOSER_B] = u8::from(rng.chance(0.25));
                plan[CINEMA_B] = u8::from(rng.chance(0.25));
                plan[EDITOR_B] = u8::from(rng.chance(0.2));
            }
            Class::Series => {
                plan[WRITER_A] = u8::from(rng.chance(0.5 * star));
                plan[WRITER_B] = rng.range(1, 2) as u8;
                if core.talk_show {
                    plan[SELF_B] = rng.range(1, 3) as u8;
                } else {
                    plan[ACTOR_A] = u8::from(rng.chance(star));
                    plan[ACTRESS_A] = u8::from(rng.chance(0.7 * star));
                    plan[ACTOR_B] = rng.range(1, 3) as u8;
                    plan[ACTRESS_B] = rng.range(1, 3) as u8;
                    plan[ACTOR_C] = rng.range(0, 1) as u8;
                    plan[ACTRESS_C] = rng.range(0, 1) as u8;
                }
                plan[PRODUCER_A] = u8::from(rng.chance(0.5 * star));
                plan[PRODUCER_B] = rng.range(1, 2) as u8;
                plan[COMPOSER_B] = u8::from(rng.chance(0.3));
                plan[DIRECTOR_B] = u8::from(rng.chance(0.15));
            }
            Class::Episode => {
                if rng.chance(0.85) {
                    if rng.chance(0.85) {
                        plan[DIRECTOR_B] = 1;
                    } else {
                        plan[DIRECTOR_C] = 1;
                    }
                }
                plan[WRITER_B] = rng.range(0, 2) as u8;
                plan[WRITER_C] = u8::from(rng.chance(0.1));
                if core.talk_show {
                    plan[SELF_C] = rng.range(0, 2) as u8;
                    plan[SELF_B] = u8::from(rng.chance(0.5));
                } else {
                    plan[ACTOR_B] = u8::from(rng.chance(0.5));
                    plan[ACTRESS_B] = u8::from(rng.chance(0.5));
                    plan[ACTOR_C] = u8::from(rng.chance(0.35));
                    plan[ACTRESS_C] = u8::from(rng.chance(0.35));
                }
                plan[EDITOR_B] = u8::from(rng.chance(0.15));
                plan[CINEMA_B] = u8::from(rng.chance(0.1));
            }
            Class::Game => {
                plan[ACTOR_B] = rng.range(0, 2) as u8;
                plan[ACTRESS_B] = rng.range(0, 2) as u8;
                plan[ACTOR_C] = rng.range(0, 2) as u8;
                plan[ACTRESS_C] = rng.range(0, 2) as u8;
                plan[DIRECTOR_C] = u8::from(rng.chance(0.5));
                plan[WRITER_C] = u8::from(rng.chance(0.4));
                plan[COMPOSER_B] = u8::from(rng.chance(0.4));
                plan[PRODUCER_C] = u8::from(rng.chance(0.3));
            }
        }
        plan
    }

    /// Person holding slot `j` of `pool` on the title at (year, kind, rank).
    pub fn slot_person(&self, pool: usize, y: usize, kind: Kind, rank: u64, j: u64) -> u64 {
        let pl = &self.pools[pool];
        let n = self.slots_per_kind[kind as usize][pool] as u64;
        let t = pl.slot_base[y * NKINDS + kind as usize] + rank * n + j;
        let py = &pl.years[y];
        let c = py.spread.forward(t);
        let abs = pl.cohort_cum[py.lo] + c;
        let y2 = pl.cohort_cum.partition_point(|&s| s <= abs) - 1;
        self.people.index_of(y2, pool, abs - pl.cohort_cum[y2])
    }

    /// Calls `f(title index, year index, kind, rank, slot)` for every credit slot a person holds (kept or not).
    pub fn person_slots(&self, person: &PersonCore, mut f: impl FnMut(u64, usize, Kind, u64, u64)) {
        let spec = &POOLS[person.pool];
        if spec.category == Category::Crew {
            return;
        }
        let pl = &self.pools[person.pool];
        let last = (person.year_idx + spec.career - 1).min(NYEARS - 1);
        for y in person.year_idx..=last {
            let py = &pl.years[y];
            if py.slots == 0 || py.active == 0 {
                continue;
            }
            let c = pl.cohort_cum[person.year_idx] - pl.cohort_cum[py.lo] + person.rank;
            let mut t = py.spread.backward(c);
            let bases = &pl.slot_base[y * NKINDS..(y + 1) * NKINDS];
            while t < py.slots {
                let k = bases.partition_point(|&b| b <= t) - 1;
                let n = self.slots_per_kind[k][person.pool] as u64;
                let within = t - bases[k];
                let kind = Kind::from_index(k);
                f(self.titles.index_of(y, k, within / n), y, kind, within / n, within % n);
                t += py.active;
            }
        }
    }

    /// The credits of a title in billing order: top cast, directors, writers, the rest of the
    /// cast, then producers and crew. Episodes start with their series' regulars.
    pub fn credits(&self, core: &TitleCore, plan: &Plan, out: &mut Vec<Credit>) {
        use p::*;
        out.clear();
        let (y, kind, rank) = (core.year_idx, core.kind, core.rank);
        let mut rng = Rng::new(self.seed, stream::CREDIT, core.index);
        let cast_credit = |pool: usize, cat: Category, j: u64| {
            let person = self.slot_person(pool, y, kind, rank, j);
            Credit { person, category: cat, detail: key(self.seed, core.index, person) }
        };
        let push_crew = |pool: usize, cat: Category, v: &mut Vec<Credit>, rng: &mut Rng| {
            for j in 0..plan[pool] as u64 {
                let person = self.slot_person(pool, y, kind, rank, j);
                v.push(Credit { person, category: cat, detail: rng.next_u64() });
            }
        };
        let mut cast = CastBuf::new();
        if let Some(link) = core.episode {
            // Regulars keep the character they have in the series.
            let series = self.title_core(link.parent);
            let series_plan = self.plan(&series);
            let mut regulars = CastBuf::new();
            self.cast_of(&series, &series_plan, &mut regulars);
            let keep = if core.talk_show { rng.range(1, 3) } else { rng.range(3, 6) } as usize;
            let year = core.year();
            // Long-running shows lose regulars who died or grew too old since the pilot.
            for c in regulars.as_slice() {
                if cast.len >= keep {
                    break;
                }
                let pc = self.person_core(c.person);
                if year - pc.birth <= 80 && pc.death.is_none_or(|d| d >= year) {
                    cast.push(*c);
                }
            }
        }
        // Billing alternates men and women within each tier, stars first.
        let actress_first = rng.chance(0.4);
        for (m, f) in [(ACTOR_A, ACTRESS_A), (ACTOR_B, ACTRESS_B), (ACTOR_C, ACTRESS_C)] {
            let (first, second) = if actress_first {
                ((f, Category::Actress), (m, Category::Actor))
            } else {
                ((m, Category::Actor), (f, Category::Actress))
            };
            for j in 0..plan[m].max(plan[f]) as u64 {
                for (pool, cat) in [first, second] {
                    if j < plan[pool] as u64 {
                        cast.push(cast_credit(pool, cat, j));
                    }
                }
            }
        }
        for pool in [SELF_B, SELF_C] {
            for j in 0..plan[pool] as u64 {
                cast.push(cast_credit(pool, Category::SelfCat, j));
            }
        }

        let cast = cast.as_slice();
        let top = cast.len().min(if kind.is_episode() { 4 } else { 3 });
        out.extend_from_slice(&cast[..top]);
        let first_director = out.len();
        push_crew(DIRECTOR_A, Category::Director, out, &mut rng);
        push_crew(DIRECTOR_B, Category::Director, out, &mut rng);
        push_crew(DIRECTOR_C, Category::Director, out, &mut rng);
        let directors_end = out.len();
        push_crew(WRITER_A, Category::Writer, out, &mut rng);
        push_crew(WRITER_B, Category::Writer, out, &mut rng);
        push_crew(WRITER_C, Category::Writer, out, &mut rng);
        // Auteurs: the director also wrote it (listed twice, as in the dump).
        if directors_end > first_director && kind.class() == Class::Film && rng.chance(0.15) {
            let d = out[first_director];
            out.push(Credit { person: d.person, category: Category::Writer, detail: rng.next_u64() });
        }
        out.extend_from_slice(&cast[top..]);
        push_crew(PRODUCER_A, Category::Producer, out, &mut rng);
        push_crew(PRODUCER_B, Category::Producer, out, &mut rng);
        push_crew(PRODUCER_C, Category::Producer, out, &mut rng);
        push_crew(COMPOSER_A, Category::Composer, out, &mut rng);
        push_crew(COMPOSER_B, Category::Composer, out, &mut rng);
        push_crew(CINEMA_A, Category::Cinematographer, out, &mut rng);
        push_crew(CINEMA_B, Category::Cinematographer, out, &mut rng);
        push_crew(EDITOR_A, Category::Editor, out, &mut rng);
        push_crew(EDITOR_B, Category::Editor, out, &mut rng);
        push_crew(DESIGNER, Category::ProductionDesigner, out, &mut rng);
        push_crew(CASTING, Category::CastingDirector, out, &mut rng);
    }

    /// Cast of a (non-episode) title in billing order, with characters keyed on that title.
    fn cast_of(&self, core: &TitleCore, plan: &Plan, out: &mut CastBuf) {
        use p::*;
        for (pool, cat) in [
            (ACTOR_A, Category::Actor),
            (ACTRESS_A, Category::Actress),
            (ACTOR_B, Category::Actor),
            (ACTRESS_B, Category::Actress),
            (SELF_B, Category::SelfCat),
            (ACTOR_C, Category::Actor),
            (ACTRESS_C, Category::Actress),
        ] {
            for j in 0..plan[pool] as u64 {
                let person = self.slot_person(pool, core.year_idx, core.kind, core.rank, j);
                out.push(Credit { person, category: cat, detail: key(self.seed, core.index, person) });
            }
        }
    }

    /// averageRating before rounding: the title's base quality plus its director's and lead's talent.
    pub fn rating(&self, core: &TitleCore, credits: &[Credit], votes: u64) -> f64 {
        let mut q = core.quality_base;
        if let Some(d) = credits.iter().find(|c| c.category == Category::Director) {
            q += 0.45 * self.person_core(d.person).talent;
        }
        if let Some(l) = credits.iter().find(|c| matches!(c.category, Category::Actor | Category::Actress)) {
            q += 0.35 * self.person_core(l.person).talent;
        }
        let mut rng = Rng::new(self.seed, stream::TITLE_RATING, core.index);
        q += rng.normal() * 0.9 / ((votes as f64 + 1.0).ln()).max(1.0).sqrt();
        q.clamp(1.0, 10.0)
    }

    /// numVotes: log-normal around the title's popularity, a little higher for better titles.
    pub fn votes(&self, core: &TitleCore) -> u64 {
        let mut rng = Rng::new(self.seed, stream::TITLE_RATING, core.index ^ 0x5555);
        let v = core.popularity * (0.5 * rng.normal()).exp() * (1.0 + 0.2 * (core.quality_base - 6.5)).max(0.3);
        v.floor() as u64
    }

    /// Last year with an episode and number of episodes of a series (None if it has none).
    pub fn series_run(&self, core: &TitleCore) -> Option<(i32, u64)> {
        let tier = core.kind.tier()?;
        let (_, _, years_on_air, _) = SERIES_TIERS[tier];
        let cum = &self.series_cum[tier];
        let mut last = None;
        let mut episodes = 0u64;
        let end = (core.year_idx + years_on_air - 1).min(NYEARS - 1);
        for y in core.year_idx..=end {
            let ty = &self.tiers[tier][y];
            if ty.on_air == 0 || ty.episodes == 0 {
                continue;
            }
            let c = cum[core.year_idx] - cum[ty.lo] + core.rank;
            let t0 = ty.spread.backward(c);
            if t0 < ty.episodes {
                last = Some(year_of(y));
                episodes += (ty.episodes - t0).div_ceil(ty.on_air);
            }
        }
        last.map(|l| (l, episodes))
    }

    /// Latent taste vector of a film: mean of its genres' embeddings plus its own noise.
    pub fn film_vector(&self, core: &TitleCore) -> [f64; K] {
        let mut v = [0.0; K];
        let mut n = 0.0;
        for (gi, e) in self.genre_embedding.iter().enumerate() {
            if core.genres & (1 << gi) != 0 {
                for (a, b) in v.iter_mut().zip(e) {
                    *a += b;
                }
                n += 1.0;
            }
        }
        let mut rng = Rng::new(self.seed, stream::TITLE_LATENT, core.index);
        for a in v.iter_mut() {
            *a = if n > 0.0 { *a / n } else { 0.0 } + 0.35 * rng.normal();
        }
        v
    }

    /// TMDB id of a movie: injective in the movie's ordinal, loosely increasing with time.
    pub fn tmdb_id(&self, core: &TitleCore) -> u64 {
        let ordinal = self.movie_cum[core.year_idx] + core.rank;
        2 + ordinal * 3 + key(self.seed, stream::TMDB_MOVIE, core.index) % 3
    }

    /// Release day of year (0-364) of a title, shared by u.item and TMDB.
    pub fn release_day(&self, core: &TitleCore) -> u32 {
        (key(self.seed, stream::TITLE_EXTRA, core.index) % 365) as u32
    }

    /// A random title released in year index `y` (for crew members' knownForTitles).
    pub fn some_title_in_year(&self, y: usize, rng: &mut Rng) -> Option<u64> {
        let (start, end) = self.titles.year_range(y);
        (end > start).then(|| start + rng.below(end - start))
    }

    /// Released, dated, non-adult movies up to `max_year`, most popular first: the pool
    /// MovieLens items and TMDB rows are drawn from.
    pub fn popular_movies(&self, max_year: i32) -> Vec<(f64, u64)> {
        let mut out = Vec::new();
        for y in 0..NYEARS {
            if year_of(y) > max_year {
                break;
            }
            for rank in 0..self.titles.count(y, Kind::Movie as usize) {
                let index = self.titles.index_of(y, Kind::Movie as usize, rank);
                let core = self.title_core_at(index, y, Kind::Movie, rank);
                if core.year_known && !core.adult {
                    out.push((core.popularity, index));
                }
            }
        }
        out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        out
    }

    // ---------------------------------------------------------------- names

    /// The title's concept (remakes reuse an earlier title's concept, giving duplicate titles).
    pub fn concept(&self, core: &TitleCore) -> Concept {
        let mut rng = Rng::new(self.seed, stream::TITLE_NAME, core.index);
        if core.index > 100 && rng.chance(0.02) {
            let earlier = core.index - 1 - rng.below(core.index.min(50_000) - 1);
            let other = self.title_core(earlier);
            let mut r2 = Rng::new(self.seed, stream::TITLE_NAME, earlier);
            r2.next_u64();
            return Concept::draw(&mut r2, other.lang());
        }
        Concept::draw(&mut rng, core.lang())
    }

    /// A title's name in `lang`: its concept translated, or for episodes the placeholder
    /// (`Episode #1.2`, `Episode dated …`) in that language.
    pub fn title_in(&self, core: &TitleCore, lang: Lang, out: &mut String) {
        if let Some(link) = core.episode {
            let mut rng = Rng::new(self.seed, stream::TITLE_NAME, core.index ^ 0xe915);
            let r = rng.f64();
            if core.talk_show && r < 0.5 {
                render_episode_dated(core.year(), self.release_day(core), out);
            } else if r < 0.4 {
                render_episode_number(lang, link.season, link.episode, out);
            } else {
                self.concept(core).render(lang, out);
            }
            return;
        }
        self.concept(core).render(lang, out);
    }

    /// primaryTitle and originalTitle of a title.
    pub fn title_names(&self, core: &TitleCore, primary: &mut String, original: &mut String) {
        let lang = core.lang();
        if core.episode.is_some() {
            self.title_in(core, lang, original);
            primary.clear();
            primary.push_str(original);
            return;
        }
        let concept = self.concept(core);
        concept.render(lang, original);
        let mut rng = Rng::new(self.seed, stream::TITLE_NAME, core.index ^ 0x9a1);
        let english = match lang {
            Lang::En => false,
            Lang::Ja | Lang::Zh | Lang::Ko => rng.chance(0.85),
            _ => rng.chance(0.2 + 0.4 * core.star_power()),
        };
        if english {
            concept.render(Lang::En, primary);
        } else {
            primary.clear();
            primary.push_str(original);
        }
    }

    // ---------------------------------------------------------------- people

    pub fn person_core(&self, index: u64) -> PersonCore {
        let (y, pool, rank) = self.people.locate(index);
        let spec = &POOLS[pool];
        let mut rng = Rng::new(self.seed, stream::PERSON_CORE, index);
        let female = rng.chance(spec.female_share);
        let lang = COUNTRIES[rng.weighted(&COUNTRY_WEIGHTS)].lang;
        let talent = rng.normal() + if spec.tier == 0 { 0.4 } else { 0.0 };
        let start = year_of(y);
        let birth = start - rng.range(spec.start_age.0, spec.start_age.1) as i32;
        let birth_known = rng.chance(match spec.tier {
            0 => 0.92,
            1 => 0.35,
            _ => 0.05,
        });
        let lifespan = 62 + (16.0 + 11.0 * rng.normal()).max(0.0) as i32;
        let death_year = (birth + lifespan).max(start + spec.career as i32);
        let death = (death_year <= NOW_YEAR && (birth_known || rng.chance(0.1))).then_some(death_year);
        PersonCore { index, year_idx: y, pool, rank, female, lang, talent, birth, birth_known, death }
    }

    /// primaryName of a person.
    pub fn person_name(&self, person: &PersonCore, out: &mut String) {
        let mut rng = Rng::new(self.seed, stream::PERSON_NAME, person.index);
        push_person_name(&mut rng, person.lang, person.female, out);
    }

    /// Index of a random member of `pool` active in year index `y` (extra TMDB credits).
    pub fn random_active(&self, pool: usize, y: usize, rng: &mut Rng) -> Option<u64> {
        let pl = &self.pools[pool];
        let lo = (y + 1).saturating_sub(POOLS[pool].career);
        let active = pl.cohort_cum[y + 1] - pl.cohort_cum[lo];
        if active == 0 {
            return None;
        }
        let abs = pl.cohort_cum[lo] + rng.below(active);
        let y2 = pl.cohort_cum.partition_point(|&s| s <= abs) - 1;
        Some(self.people.index_of(y2, pool, abs - pl.cohort_cum[y2]))
    }
}

/// Writes "Given [M.] Family" (or "Family Given" for Chinese names) into `out`.
pub(crate) fn push_person_name(rng: &mut Rng, lang: Lang, female: bool, out: &mut String) {
    let set = names(lang);
    let given = if female { rng.pick(set.female) } else { rng.pick(set.male) };
    let family = rng.pick(set.family);
    out.clear();
    if set.family_first {
        out.push_str(family);
        out.push(' ');
        out.push_str(given);
        return;
    }
    out.push_str(given);
    out.push(' ');
    if rng.chance(0.06) {
        out.push((b'A' + rng.below(26) as u8) as char);
        out.push_str(". ");
    }
    out.push_str(family);
    if !female && rng.chance(0.01) {
        out.push_str(" Jr.");
    }
}

static COUNTRY_WEIGHTS: std::sync::LazyLock<Vec<f64>> =
    std::sync::LazyLock::new(|| COUNTRIES.iter().map(|c| c.weight).collect());

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        World::build(0.001, 42)
    }

    #[test]
    fn episodes_point_to_series_that_started_earlier() {
        let w = world();
        let mut n = 0;
        for i in 0..w.titles.total() {
            let core = w.title_core(i);
            if let Some(link) = core.episode {
                let parent = w.title_core(link.parent);
                assert!(parent.kind.is_series());
                assert!(parent.year_idx <= core.year_idx);
                assert_eq!(link.season as usize, core.year_idx - parent.year_idx + 1);
                n += 1;
            }
        }
        assert!(n > 0);
    }

    #[test]
    fn people_find_exactly_the_slots_titles_give_them() {
        let w = world();
        // From the title side: every kept slot's person, from the person side: their slots.
        let mut checked = 0;
        for i in (0..w.titles.total()).step_by(7) {
            let core = w.title_core(i);
            let plan = w.plan(&core);
            for (pool, &k) in plan.iter().enumerate() {
                for j in 0..k as u64 {
                    let person = w.slot_person(pool, core.year_idx, core.kind, core.rank, j);
                    let pc = w.person_core(person);
                    assert_eq!(pc.pool, pool);
                    let mut found = false;
                    w.person_slots(&pc, |t, _, _, _, jj| found |= t == i && jj == j);
                    assert!(found, "title {i} pool {pool} slot {j}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000);
    }

    #[test]
    fn actors_are_of_plausible_age_when_credited() {
        let w = world();
        for i in (0..w.titles.total()).step_by(3) {
            let core = w.title_core(i);
            let plan = w.plan(&core);
            let mut credits = Vec::new();
            w.credits(&core, &plan, &mut credits);
            for c in credits.iter().filter(|c| matches!(c.category, Category::Actor | Category::Actress)) {
                let pc = w.person_core(c.person);
                let age = core.year() - pc.birth;
                assert!((18..=80).contains(&age), "age {age} in {:?}", core.kind);
            }
        }
    }
}
