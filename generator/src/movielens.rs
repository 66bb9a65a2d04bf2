//! MovieLens in two layouts over one ratings world: the 100K files (u.data, latin-1 u.item, u.user, u.genre, u.occupation) and the latest CSVs (ratings, movies, tags, links; CRLF).

use super::corrupt::{self, Corrupter, FaultProfile};
use super::ids::{push_int, push_padded};
use super::output::{CsvOut, OutFile, Progress};
use super::rng::{Rng, key, stream};
use super::titles::month_day;
use super::vocabulary::{IMDB_TO_ML, ML_GENRES_100K, ML_OCCUPATIONS, MONTHS, TAGS, g, ml_latest_genre};
use super::world::{Category, K, World};
use super::{GenerateError, GenerateOptions, GeneratedFile};
use std::path::Path;

/// Latest year of films MovieLens users can rate.
const LAST_ITEM_YEAR: i32 = 2023;
const FIRST_USER_TS: i64 = 820_454_400; // 1996-01-01
const LAST_USER_START_TS: i64 = 1_672_531_200; // 2023-01-01
const LAST_TS: i64 = 1_735_689_600; // 2025-01-01
const GLOBAL_MEAN: f64 = 3.55;

pub(crate) struct MlItem {
    pub title_index: u64,
    pub item_id: u32,
    pub movie_id: u32,
    pub tmdb_id: Option<u64>,
    /// IMDb id number (links.csv writes it zero-padded, without `tt`).
    pub imdb_number: u64,
    pub year: i32,
    pub day: u32,
    /// "primaryTitle (year)".
    pub title: String,
    /// Bit i = genre i of [`ML_GENRES_100K`].
    pub genres: u32,
    pub imax: bool,
    pub vector: [f64; K],
    pub bias: f64,
    pub release_ts: i64,
    /// u.item quirks of the real file: an item titled `unknown`, a missing date, missing URLs.
    pub shown_unknown: bool,
    pub empty_date: bool,
    pub empty_url: bool,
}

pub(crate) struct MlUser {
    pub id: u32,
    pub age: u8,
    pub female: bool,
    pub occupation: usize,
    pub zip: String,
    taste: [f64; K],
    bias: f64,
    pub ratings: u32,
    start_ts: i64,
    span: f64,
    pub tagger: bool,
}

/// One rating before rounding to the file's scale.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawRating {
    pub item: usize,
    pub score: f64,
    pub ts: i64,
}

pub(crate) struct MovieLens {
    pub items: Vec<MlItem>,
    pub users: Vec<MlUser>,
    cum_weight: Vec<f64>,
    weight: Vec<f64>,
    seed: u64,
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn latin1_encodable(s: &str) -> bool {
    s.chars().all(|c| (c as u32) < 0x100)
}

fn dot(a: &[f64; K], b: &[f64; K]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Splits `total` over users: each gets at least `floor`, the rest follows heavy-tailed
/// activity, nobody gets more than `cap` (water-filling).
fn allocate(total: u64, weights: &[f64], floor: u64, cap: u64) -> Vec<u64> {
    let n = weights.len();
    let mut out = vec![floor.min(cap); n];
    let mut left = total.saturating_sub(out.iter().sum());
    let mut open: Vec<usize> = (0..n).filter(|&i| out[i] < cap).collect();
    while left > 0 && !open.is_empty() {
        let wsum: f64 = open.iter().map(|&i| weights[i]).sum();
        let mut given = 0u64;
        for &i in &open {
            let share = ((weights[i] / wsum) * left as f64).floor() as u64;
            let add = share.min(cap - out[i]);
            out[i] += add;
            given += add;
        }
        if given == 0 {
            // Hand out the remainder one by one to the heaviest open users.
            let mut order = open.clone();
            order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
            for &i in order.iter() {
                if given == left {
                    break;
                }
                if out[i] < cap {
                    out[i] += 1;
                    given += 1;
                }
            }
            if given == 0 {
                break;
            }
        }
        left -= given;
        open.retain(|&i| out[i] < cap);
    }
    out
}

impl MovieLens {
    pub fn build(world: &World, opts: &GenerateOptions, movies: &[(f64, u64)]) -> MovieLens {
        let seed = opts.seed;
        let n_ratings = ((10_000_000.0 * opts.scale).round() as u64).max(20_000);
        let n_users = (n_ratings / 100).max(20) as usize;
        let wanted_items = ((60_000.0 * opts.scale + 500.0).round() as usize).max(30);

        // Items: the most popular eligible movies whose title survives latin-1 (u.item's encoding).
        let mut primary = String::new();
        let mut original = String::new();
        let mut chosen: Vec<u64> = Vec::new();
        let dup_count = if wanted_items >= 100 { wanted_items / 200 } else { 0 };
        for &(_, index) in movies {
            if chosen.len() + dup_count >= wanted_items {
                break;
            }
            let core = world.title_core(index);
            if core.year() > LAST_ITEM_YEAR {
                continue;
            }
            world.title_names(&core, &mut primary, &mut original);
            if latin1_encodable(&primary) && !primary.contains('|') {
                chosen.push(index);
            }
        }
        // A few films listed twice under different ids, as in ml-100k.
        let mut rng = Rng::new(seed, stream::ML_ITEM, u64::MAX);
        let base = chosen.len();
        for _ in 0..dup_count.min(base) {
            chosen.push(chosen[rng.index(base)]);
        }
        // MovieLens ids grow with the time a film entered the catalogue.
        let mut keyed: Vec<(f64, usize, u64)> = chosen
            .iter()
            .enumerate()
            .map(|(k, &index)| {
                let core = world.title_core(index);
                let entry = core.year().max(1995) as f64 + 6.0 * super::rng::unit(key(seed, stream::ML_ITEM, k as u64));
                (entry, k, index)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

        let mut items = Vec::with_capacity(keyed.len());
        let mut credits = Vec::new();
        let mut movie_id = 0u32;
        let n = keyed.len();
        for (pos, &(_, k, index)) in keyed.iter().enumerate() {
            let core = world.title_core(index);
            let mut rng = Rng::new(seed, stream::ML_ITEM, k as u64);
            movie_id += 1 + if rng.chance(0.1) { rng.range(1, 40) as u32 } else { 0 };
            world.title_names(&core, &mut primary, &mut original);
            let mut genres = 0u32;
            for (gi, ml) in IMDB_TO_ML.iter().enumerate() {
                if let Some(m) = ml
                    && core.genres_known
                    && core.genres & (1 << gi) != 0
                {
                    genres |= 1 << m;
                }
            }
            let plan = world.plan(&core);
            world.credits(&core, &plan, &mut credits);
            let quality = world.rating(&core, &credits, 1_000_000_000);
            let day = world.release_day(&core);
            let (m, d) = month_day(day);
            let release_ts = days_from_civil(core.year(), m, d) * 86_400;
            let item_id = pos as u32 + 1;
            let quirk_unknown = n >= 20 && item_id as usize == if n >= 267 { 267 } else { n / 2 + 1 };
            items.push(MlItem {
                title_index: index,
                item_id,
                movie_id,
                tmdb_id: (!(rng.chance(0.001) || n >= 300 && pos == n / 3)).then(|| world.tmdb_id(&core)),
                imdb_number: world.title_ids.number(index),
                year: core.year(),
                day,
                title: format!("{} ({})", primary, core.year()),
                genres,
                imax: core.year() >= 2005 && core.popularity > 2_000.0 && rng.chance(0.3),
                vector: world.film_vector(&core),
                bias: 0.38 * (quality - 6.4) + 0.15 * rng.normal(),
                release_ts,
                shown_unknown: quirk_unknown,
                empty_date: n >= 100 && pos == n / 4,
                empty_url: n >= 100 && (pos == n / 5 || pos == n / 7),
            });
        }
        let weight: Vec<f64> =
            keyed.iter().map(|&(_, _, index)| world.title_core(index).popularity.max(1.0).powf(0.8)).collect();
        let mut cum_weight = Vec::with_capacity(weight.len());
        let mut acc = 0.0;
        for w in &weight {
            acc += w;
            cum_weight.push(acc);
        }

        // Users: demographics, tastes nudged by demographics, heavy-tailed activity.
        let occupation_weights: Vec<f64> = ML_OCCUPATIONS.iter().map(|o| o.1).collect();
        let emb = &world.genre_embedding;
        let mut users = Vec::with_capacity(n_users);
        let mut activity = Vec::with_capacity(n_users);
        for u in 0..n_users {
            let mut rng = Rng::new(seed, stream::ML_USER, u as u64);
            let age = (7.0 + (rng.f64() + rng.f64() + rng.f64()) / 3.0 * 66.0).round() as u8;
            let female = rng.chance(0.29);
            let occupation = if age < 23 && rng.chance(0.6) { 18 } else { rng.weighted(&occupation_weights) };
            let zip = if rng.chance(0.02) {
                let l = |r: &mut Rng| (b'A' + r.below(26) as u8) as char;
                let d = |r: &mut Rng| (b'0' + r.below(10) as u8) as char;
                [l(&mut rng), d(&mut rng), l(&mut rng), d(&mut rng), l(&mut rng)].iter().collect()
            } else {
                format!("{:05}", rng.below(100_000))
            };
            let mut taste = [0.0; K];
            for t in taste.iter_mut() {
                *t = 0.35 * rng.normal();
            }
            let mut nudge = |gi: usize, w: f64| {
                for (t, e) in taste.iter_mut().zip(&emb[gi]) {
                    *t += w * e;
                }
            };
            if female {
                nudge(g::ROMANCE, 0.3);
                nudge(g::DRAMA, 0.15);
            } else {
                nudge(g::ACTION, 0.3);
                nudge(g::SCI_FI, 0.2);
            }
            if age < 25 {
                nudge(g::COMEDY, 0.2);
                nudge(g::HORROR, 0.2);
            } else if age > 45 {
                nudge(g::DRAMA, 0.2);
                nudge(g::DOCUMENTARY, 0.2);
                nudge(g::WAR, 0.15);
            }
            let start_ts = FIRST_USER_TS + (rng.f64().powf(0.7) * (LAST_USER_START_TS - FIRST_USER_TS) as f64) as i64;
            let span = (86_400.0 * (60.0f64.ln() + 1.5 * rng.normal()).exp()).min(86_400.0 * 3650.0);
            activity.push(rng.pareto(1.2).min(500.0));
            users.push(MlUser {
                id: u as u32 + 1,
                age,
                female,
                occupation,
                zip,
                taste,
                bias: 0.4 * rng.normal(),
                ratings: 0,
                start_ts,
                span,
                tagger: rng.chance(0.08),
            });
        }
        let cap = ((items.len() as f64 * 0.6) as u64).max(1).min(items.len() as u64);
        let floor = 20u64.min(cap);
        for (u, n) in allocate(n_ratings, &activity, floor, cap).into_iter().enumerate() {
            users[u].ratings = n as u32;
            if n > 300 {
                users[u].tagger |= Rng::new(seed, stream::ML_USER, u as u64 ^ 0xfeed).chance(0.3);
            }
        }
        MovieLens { items, users, cum_weight, weight, seed }
    }

    /// The ratings of one user, in the order they were drawn. Pure in (seed, user).
    pub fn user_ratings(&self, user: &MlUser, seen: &mut Vec<bool>, out: &mut Vec<RawRating>) {
        out.clear();
        let n_items = self.items.len();
        if n_items == 0 {
            return;
        }
        seen.clear();
        seen.resize(n_items, false);
        let mut rng = Rng::new(self.seed, stream::ML_USER_RATINGS, user.id as u64);
        let want = user.ratings as usize;
        let appeal = |i: usize| sigmoid(1.6 * dot(&user.taste, &self.items[i].vector) + 0.6 * self.items[i].bias);
        let mut chosen: Vec<usize> = Vec::with_capacity(want);
        if want * 16 > n_items {
            // Heavy raters: weighted sampling without replacement over the whole catalogue
            // (Efraimidis–Spirakis keys), since rejection would stall on the rare items.
            let mut keys: Vec<(f64, usize)> = (0..n_items)
                .map(|i| {
                    let w = self.weight[i] * appeal(i);
                    let u = 1.0 - rng.f64();
                    (u.ln() / w, i)
                })
                .collect();
            let k = want.min(n_items);
            if k < n_items {
                keys.select_nth_unstable_by(k, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            }
            keys.truncate(k);
            keys.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            chosen.extend(keys.into_iter().map(|(_, i)| i));
        } else {
            let total = *self.cum_weight.last().unwrap_or(&1.0);
            let mut attempts = 0usize;
            while chosen.len() < want && attempts < want * 200 {
                attempts += 1;
                let x = rng.f64() * total;
                let i = self.cum_weight.partition_point(|&c| c <= x).min(n_items - 1);
                if seen[i] || !rng.chance(appeal(i)) {
                    continue;
                }
                seen[i] = true;
                chosen.push(i);
            }
        }
        for i in chosen {
            let item = &self.items[i];
            let score = GLOBAL_MEAN + user.bias + item.bias + dot(&user.taste, &item.vector) + 0.8 * rng.normal();
            let mut ts = user.start_ts + (rng.f64() * user.span) as i64;
            ts = ts.max(item.release_ts + 86_400 * rng.range(1, 200) + rng.range(0, 86_399)).min(LAST_TS);
            out.push(RawRating { item: i, score, ts });
        }
    }

    /// Users in the scrambled order u.data lists them in.
    fn udata_order(&self) -> Vec<usize> {
        let mut order: Vec<(u64, usize)> =
            (0..self.users.len()).map(|u| (key(self.seed, stream::ML_USER, u as u64 ^ 0xd47a), u)).collect();
        order.sort_unstable();
        order.into_iter().map(|x| x.1).collect()
    }
}

fn score_100k(score: f64) -> i64 {
    score.round().clamp(1.0, 5.0) as i64
}

fn score_latest(score: f64) -> f64 {
    ((score * 2.0).round() / 2.0).clamp(0.5, 5.0)
}

/// A `|`- or TAB-separated text file without header (the 100K layout).
struct Delimited<'a> {
    out: OutFile<'a>,
    line: Vec<u8>,
    broken: Vec<u8>,
    corrupter: Corrupter,
    delim: u8,
    chunk: Vec<u8>,
}

impl<'a> Delimited<'a> {
    fn create(
        dir: &Path,
        name: &str,
        delim: u8,
        profile: Option<&'static FaultProfile>,
        opts: &GenerateOptions,
        progress: Progress<'a>,
    ) -> Result<Self, GenerateError> {
        let share = if profile.is_some() { opts.corrupt_share } else { 0.0 };
        Ok(Delimited {
            out: OutFile::create(dir, name, false, progress)?,
            line: Vec::with_capacity(256),
            broken: Vec::new(),
            corrupter: Corrupter::new(share, opts.seed, profile.unwrap_or(&corrupt::U_DATA)),
            delim,
            chunk: Vec::with_capacity(1 << 16),
        })
    }

    fn row(&mut self) -> Result<(), GenerateError> {
        let fault = self.corrupter.next_row();
        match fault {
            None => {
                self.corrupter.clean_line(&self.line, self.delim);
                self.chunk.extend_from_slice(&self.line);
            }
            Some(f) => {
                self.corrupter.corrupt_line(f, &self.line, self.delim, &mut self.broken);
                self.chunk.extend_from_slice(&self.broken);
            }
        }
        self.chunk.push(b'\n');
        self.line.clear();
        self.out.row_done(fault.is_some());
        if self.chunk.len() >= 1 << 16 {
            self.out.write(&self.chunk)?;
            self.chunk.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> Result<GeneratedFile, GenerateError> {
        self.out.write(&self.chunk)?;
        self.out.finish()
    }
}

/// A CSV row being built; corrupted on the way out if its number comes up.
struct CsvTable<'a> {
    out: CsvOut<'a>,
    record: csv::ByteRecord,
    corrupter: Corrupter,
}

impl<'a> CsvTable<'a> {
    fn create(
        dir: &Path,
        name: &str,
        header: &[&str],
        profile: &'static FaultProfile,
        opts: &GenerateOptions,
        progress: Progress<'a>,
    ) -> Result<Self, GenerateError> {
        let mut out = CsvOut::create(dir, name, true, progress)?;
        out.header(header)?;
        Ok(CsvTable {
            out,
            record: csv::ByteRecord::new(),
            corrupter: Corrupter::new(opts.corrupt_share, opts.seed, profile),
        })
    }

    fn row(&mut self) -> Result<(), GenerateError> {
        match self.corrupter.next_row() {
            None => {
                self.corrupter.clean_fields(self.record.iter());
                self.out.record(&self.record, false)?;
            }
            Some(f) => {
                let fields: Vec<&[u8]> = self.record.iter().collect();
                let broken = self.corrupter.corrupt(f, &fields);
                let rec: csv::ByteRecord = broken.iter().map(|f| f.as_slice()).collect();
                self.out.record(&rec, true)?;
            }
        }
        self.record.clear();
        Ok(())
    }
}

fn push_score(buf: &mut Vec<u8>, half_stars: f64) {
    let tenths = (half_stars * 10.0).round() as i64;
    push_int(buf, tenths / 10);
    buf.push(b'.');
    buf.push(b'0' + (tenths % 10) as u8);
}

/// u.data: TAB-separated, users in scrambled order, integer stars.
pub(crate) fn write_u_data(
    ml: &MovieLens,
    opts: &GenerateOptions,
    dir: &Path,
    progress: Progress,
) -> Result<GeneratedFile, GenerateError> {
    let mut f = Delimited::create(dir, "u.data", b'\t', Some(&corrupt::U_DATA), opts, progress)?;
    let mut seen = Vec::new();
    let mut ratings = Vec::new();
    for u in ml.udata_order() {
        let user = &ml.users[u];
        ml.user_ratings(user, &mut seen, &mut ratings);
        for r in &ratings {
            push_int(&mut f.line, user.id as i64);
            f.line.push(b'\t');
            push_int(&mut f.line, ml.items[r.item].item_id as i64);
            f.line.push(b'\t');
            push_int(&mut f.line, score_100k(r.score));
            f.line.push(b'\t');
            push_int(&mut f.line, r.ts);
            f.row()?;
        }
    }
    f.finish()
}

/// ratings.csv and tags.csv of the latest layout, sorted by user then movie.
pub(crate) fn write_latest_ratings_and_tags(
    world: &World,
    ml: &MovieLens,
    opts: &GenerateOptions,
    dir: &Path,
    progress: Progress,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    let mut ratings_csv = CsvTable::create(
        dir,
        "ratings.csv",
        &["userId", "movieId", "rating", "timestamp"],
        &corrupt::ML_RATINGS,
        opts,
        progress,
    )?;
    let mut tags_csv = CsvTable::create(
        dir,
        "tags.csv",
        &["userId", "movieId", "tag", "timestamp"],
        &corrupt::ML_TAGS,
        opts,
        progress,
    )?;
    let mut seen = Vec::new();
    let mut ratings = Vec::new();
    let mut num = Vec::with_capacity(24);
    let mut credits = Vec::new();
    let mut name = String::new();
    for user in &ml.users {
        ml.user_ratings(user, &mut seen, &mut ratings);
        ratings.sort_by_key(|r| (ml.items[r.item].movie_id, r.ts));
        for r in &ratings {
            let item = &ml.items[r.item];
            let rec = &mut ratings_csv.record;
            num.clear();
            push_int(&mut num, user.id as i64);
            rec.push_field(&num);
            num.clear();
            push_int(&mut num, item.movie_id as i64);
            rec.push_field(&num);
            num.clear();
            push_score(&mut num, score_latest(r.score));
            rec.push_field(&num);
            num.clear();
            push_int(&mut num, r.ts);
            rec.push_field(&num);
            ratings_csv.row()?;
        }
        if !user.tagger || ratings.is_empty() {
            continue;
        }
        let mut rng = Rng::new(opts.seed, stream::ML_TAGS, user.id as u64);
        let n_tagged = rng.range(1, (ratings.len() as i64 / 5).clamp(1, 12)) as usize;
        let step = (ratings.len() / n_tagged).max(1);
        for r in ratings.iter().step_by(step).take(n_tagged) {
            let item = &ml.items[r.item];
            for t in 0..rng.range(1, 3) {
                let tag: String = match rng.below(10) {
                    0 | 1 => {
                        // A cast or director name, as users often tag.
                        let core = world.title_core(item.title_index);
                        let plan = world.plan(&core);
                        world.credits(&core, &plan, &mut credits);
                        match credits
                            .iter()
                            .find(|c| matches!(c.category, Category::Actor | Category::Actress | Category::Director))
                        {
                            Some(c) => {
                                world.person_name(&world.person_core(c.person), &mut name);
                                name.clone()
                            }
                            None => (*rng.pick(TAGS)).to_string(),
                        }
                    }
                    2 => {
                        let genre = (0..19).find(|gi| item.genres & (1 << gi) != 0);
                        match genre {
                            Some(11) => "scary".to_string(),
                            Some(5) => "funny".to_string(),
                            Some(14) => "romantic".to_string(),
                            _ => (*rng.pick(TAGS)).to_string(),
                        }
                    }
                    _ => (*rng.pick(TAGS)).to_string(),
                };
                let rec = &mut tags_csv.record;
                num.clear();
                push_int(&mut num, user.id as i64);
                rec.push_field(&num);
                num.clear();
                push_int(&mut num, item.movie_id as i64);
                rec.push_field(&num);
                rec.push_field(tag.as_bytes());
                num.clear();
                push_int(&mut num, r.ts + 30 * t + rng.range(0, 3600));
                rec.push_field(&num);
                tags_csv.row()?;
            }
        }
    }
    Ok(vec![ratings_csv.out.finish()?, tags_csv.out.finish()?])
}

/// Latin-1 bytes of a string already checked to be encodable.
fn push_latin1(buf: &mut Vec<u8>, s: &str) {
    for c in s.chars() {
        let v = c as u32;
        buf.push(if v < 0x100 { v as u8 } else { b'?' });
    }
}

/// The percent-encoding ml-100k used in its IMDb URLs: spaces and non-ASCII bytes only.
fn push_url_title(buf: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for c in s.chars() {
        let v = c as u32;
        if c == ' ' {
            buf.extend_from_slice(b"%20");
        } else if (0x80..0x100).contains(&v) {
            buf.push(b'%');
            buf.push(HEX[(v >> 4) as usize]);
            buf.push(HEX[(v & 15) as usize]);
        } else if v < 0x80 {
            buf.push(v as u8);
        }
    }
}

/// u.item, u.user, u.genre, u.occupation, movies.csv and links.csv.
pub(crate) fn write_catalogue_files(
    ml: &MovieLens,
    opts: &GenerateOptions,
    dir_100k: &Path,
    dir_latest: &Path,
    progress: Progress,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    let mut files = Vec::new();

    let mut f = Delimited::create(dir_100k, "u.item", b'|', Some(&corrupt::U_ITEM), opts, progress)?;
    for item in &ml.items {
        let l = &mut f.line;
        push_int(l, item.item_id as i64);
        l.push(b'|');
        if item.shown_unknown {
            l.extend_from_slice(b"unknown||||1");
            for _ in 1..19 {
                l.extend_from_slice(b"|0");
            }
            f.row()?;
            continue;
        }
        push_latin1(l, &item.title);
        l.push(b'|');
        if !item.empty_date {
            let (m, d) = month_day(item.day);
            push_padded(l, d as u64, 2);
            l.push(b'-');
            l.extend_from_slice(MONTHS[m as usize - 1].as_bytes());
            l.push(b'-');
            push_int(l, item.year as i64);
        }
        l.extend_from_slice(b"||");
        if !item.empty_url {
            l.extend_from_slice(b"http://us.imdb.com/M/title-exact?");
            push_url_title(l, &item.title);
        }
        for gi in 0..19 {
            l.push(b'|');
            let on = if gi == 0 { item.genres == 0 } else { item.genres & (1 << gi) != 0 };
            l.push(if on { b'1' } else { b'0' });
        }
        f.row()?;
    }
    files.push(f.finish()?);

    let mut f = Delimited::create(dir_100k, "u.user", b'|', Some(&corrupt::U_USER), opts, progress)?;
    for u in &ml.users {
        let l = &mut f.line;
        push_int(l, u.id as i64);
        l.push(b'|');
        push_int(l, u.age as i64);
        l.push(b'|');
        l.push(if u.female { b'F' } else { b'M' });
        l.push(b'|');
        l.extend_from_slice(ML_OCCUPATIONS[u.occupation].0.as_bytes());
        l.push(b'|');
        l.extend_from_slice(u.zip.as_bytes());
        f.row()?;
    }
    files.push(f.finish()?);

    // Reference lists: never corrupted, u.genre ends with an empty line like the original.
    let mut f = Delimited::create(dir_100k, "u.genre", b'|', None, opts, progress)?;
    for (i, name) in ML_GENRES_100K.iter().enumerate() {
        f.line.extend_from_slice(name.as_bytes());
        f.line.push(b'|');
        push_int(&mut f.line, i as i64);
        f.row()?;
    }
    f.chunk.push(b'\n');
    files.push(f.finish()?);

    let mut f = Delimited::create(dir_100k, "u.occupation", b'|', None, opts, progress)?;
    for (name, _) in ML_OCCUPATIONS.iter() {
        f.line.extend_from_slice(name.as_bytes());
        f.row()?;
    }
    files.push(f.finish()?);

    let mut movies = CsvTable::create(
        dir_latest,
        "movies.csv",
        &["movieId", "title", "genres"],
        &corrupt::ML_MOVIES,
        opts,
        progress,
    )?;
    let mut num = Vec::new();
    let mut genres = String::new();
    for item in &ml.items {
        num.clear();
        push_int(&mut num, item.movie_id as i64);
        movies.record.push_field(&num);
        movies.record.push_field(item.title.as_bytes());
        genres.clear();
        let mut names: Vec<&str> = (1..19).filter(|gi| item.genres & (1 << gi) != 0).map(ml_latest_genre).collect();
        if item.imax {
            names.push("IMAX");
        }
        names.sort_unstable();
        if names.is_empty() {
            genres.push_str("(no genres listed)");
        } else {
            genres.push_str(&names.join("|"));
        }
        movies.record.push_field(genres.as_bytes());
        movies.row()?;
    }
    files.push(movies.out.finish()?);

    let mut links = CsvTable::create(
        dir_latest,
        "links.csv",
        &["movieId", "imdbId", "tmdbId"],
        &corrupt::ML_LINKS,
        opts,
        progress,
    )?;
    for item in &ml.items {
        num.clear();
        push_int(&mut num, item.movie_id as i64);
        links.record.push_field(&num);
        num.clear();
        push_padded(&mut num, item.imdb_number, 7);
        links.record.push_field(&num);
        num.clear();
        if let Some(t) = item.tmdb_id {
            push_int(&mut num, t as i64);
        }
        links.record.push_field(&num);
        links.row()?;
    }
    files.push(links.out.finish()?);
    Ok(files)
}
