//! The seven IMDb TSV dumps (gzip, TAB, `\N`, no quoting, sorted by key), streamed row by row from the world.

use super::corrupt::{self, Corrupter, FaultProfile};
use super::ids::push_int;
use super::layout::NOW_YEAR;
use super::output::{OutFile, Progress};
use super::rng::{Rng, key, stream, unit};
use super::vocabulary::{
    COUNTRIES, CREW_PROFESSIONS, IMDB_GENRES, Lang, PRODUCER_JOBS, REGION_FR, REGION_US, WRITER_JOBS, names,
};
use super::world::{Category, Credit, Kind, POOLS, PersonCore, TitleCore, World};
use super::{GenerateError, GenerateOptions, GeneratedFile};
use std::fmt::Write as _;
use std::path::Path;

use cinepicks_pipeline::sources::imdb::ImdbFile;

/// Rows are assembled in a chunk and handed to the compressor in large writes.
const CHUNK: usize = 1 << 18;

/// A TSV file under construction: rows are appended to `chunk`, checked for corruption, flushed in bulk.
struct Tsv<'a> {
    out: OutFile<'a>,
    chunk: Vec<u8>,
    row_start: usize,
    corrupter: Corrupter,
    scratch: Vec<u8>,
}

impl<'a> Tsv<'a> {
    fn create(
        dir: &Path,
        file: ImdbFile,
        profile: &'static FaultProfile,
        opts: &GenerateOptions,
        progress: Progress<'a>,
    ) -> Result<Self, GenerateError> {
        // File names and headers come from the reader's definition of the format.
        let mut out = OutFile::create(dir, &format!("{}.gz", file.file_name()), true, progress)?;
        out.write(file.header().join("\t").as_bytes())?;
        out.write(b"\n")?;
        Ok(Tsv {
            out,
            chunk: Vec::with_capacity(CHUNK + 4096),
            row_start: 0,
            corrupter: Corrupter::new(opts.corrupt_share, opts.seed, profile),
            scratch: Vec::new(),
        })
    }

    /// Starts a row; append its fields to the returned buffer, then call `end`.
    fn begin(&mut self) -> &mut Vec<u8> {
        self.row_start = self.chunk.len();
        &mut self.chunk
    }

    fn end(&mut self) -> Result<(), GenerateError> {
        let fault = self.corrupter.next_row();
        match fault {
            None => {
                self.corrupter.clean_line(&self.chunk[self.row_start..], b'\t');
            }
            Some(f) => {
                let line = self.chunk[self.row_start..].to_vec();
                self.corrupter.corrupt_line(f, &line, b'\t', &mut self.scratch);
                self.chunk.truncate(self.row_start);
                self.chunk.extend_from_slice(&self.scratch);
            }
        }
        self.chunk.push(b'\n');
        self.out.row_done(fault.is_some());
        if self.chunk.len() >= CHUNK {
            self.out.write(&self.chunk)?;
            self.chunk.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> Result<GeneratedFile, GenerateError> {
        self.out.write(&self.chunk)?;
        self.chunk.clear();
        self.out.finish()
    }
}

const NULL: &[u8] = b"\\N";

fn push_str(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(s.as_bytes());
}

fn tab(buf: &mut Vec<u8>) {
    buf.push(b'\t');
}

fn push_genres(buf: &mut Vec<u8>, mask: u32) {
    let mut first = true;
    for (i, name) in IMDB_GENRES.iter().enumerate() {
        if mask & (1 << i) != 0 {
            if !first {
                buf.push(b',');
            }
            push_str(buf, name);
            first = false;
        }
    }
}

fn push_opt_int(buf: &mut Vec<u8>, v: Option<i64>) {
    match v {
        Some(x) => push_int(buf, x),
        None => buf.extend_from_slice(NULL),
    }
}

/// endYear: only series that have stopped airing have one.
pub(crate) fn end_year(world: &World, core: &TitleCore) -> Option<i64> {
    if !core.kind.is_series() {
        return None;
    }
    let (last, _) = world.series_run(core)?;
    (last < NOW_YEAR - 1 || core.kind == Kind::MiniSeries).then_some(last as i64)
}

pub(crate) fn write_title_basics(
    world: &World,
    opts: &GenerateOptions,
    dir: &Path,
    progress: Progress,
) -> Result<GeneratedFile, GenerateError> {
    let mut t = Tsv::create(dir, ImdbFile::TitleBasics, &corrupt::TITLE_BASICS, opts, progress)?;
    let (mut primary, mut original) = (String::new(), String::new());
    for i in world.title_ids.file_order() {
        let core = world.title_core(i);
        world.title_names(&core, &mut primary, &mut original);
        let end = end_year(world, &core);
        let b = t.begin();
        world.title_ids.write(b"tt", i, b);
        tab(b);
        push_str(b, core.kind.title_type());
        tab(b);
        push_str(b, &primary);
        tab(b);
        push_str(b, &original);
        tab(b);
        b.push(if core.adult { b'1' } else { b'0' });
        tab(b);
        push_opt_int(b, core.year_known.then_some(core.year() as i64));
        tab(b);
        push_opt_int(b, end);
        tab(b);
        push_opt_int(b, core.runtime.map(i64::from));
        tab(b);
        if core.genres_known && core.genres != 0 {
            push_genres(b, core.genres);
        } else {
            b.extend_from_slice(NULL);
        }
        t.end()?;
    }
    t.finish()
}

/// One decimal, as the dump prints averageRating.
pub(crate) fn push_one_decimal(buf: &mut Vec<u8>, x: f64) {
    let tenths = (x * 10.0).round() as i64;
    push_int(buf, tenths / 10);
    buf.push(b'.');
    buf.push(b'0' + (tenths % 10).unsigned_abs() as u8);
}

pub(crate) fn write_title_ratings(
    world: &World,
    opts: &GenerateOptions,
    dir: &Path,
    progress: Progress,
) -> Result<GeneratedFile, GenerateError> {
    let mut t = Tsv::create(dir, ImdbFile::TitleRatings, &corrupt::TITLE_RATINGS, opts, progress)?;
    let mut credits = Vec::with_capacity(32);
    for i in world.title_ids.file_order() {
        let core = world.title_core(i);
        let votes = world.votes(&core);
        if votes < 5 {
            continue;
        }
        let plan = world.plan(&core);
        world.credits(&core, &plan, &mut credits);
        let rating = world.rating(&core, &credits, votes);
        let b = t.begin();
        world.title_ids.write(b"tt", i, b);
        tab(b);
        push_one_decimal(b, rating);
        tab(b);
        push_int(b, votes as i64);
        t.end()?;
    }
    t.finish()
}

/// JSON string body with the escapes a character name can need.
fn push_json_str(buf: &mut Vec<u8>, s: &str) {
    for c in s.chars() {
        match c {
            '"' => buf.extend_from_slice(b"\\\""),
            '\\' => buf.extend_from_slice(b"\\\\"),
            _ => {
                let mut tmp = [0u8; 4];
                buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
            }
        }
    }
}

/// Character name for a cast credit (seeded by `detail`, so a regular keeps it across episodes).
pub(crate) fn character_name(core: &TitleCore, credit: &Credit, out: &mut String) {
    out.clear();
    let mut rng = Rng::from_key(credit.detail);
    if credit.category == Category::SelfCat {
        out.push_str(if core.talk_show {
            rng.choose(&["Self - Host", "Self - Guest", "Self - Guest", "Self", "Self - Contestant"])
        } else {
            rng.choose(&["Self", "Self", "Self", "Self - Narrator"])
        });
        return;
    }
    let female = credit.category == Category::Actress;
    let set = names(core.lang());
    let given = if female { rng.pick(set.female) } else { rng.pick(set.male) };
    match rng.below(100) {
        0 => out.push_str("Narrator"),
        1 => {
            let _ = write!(out, "Dr. {}", rng.pick(set.family));
        }
        2 => {
            let _ = write!(out, "{} \"{}\" {}", given, rng.pick(&["Boss", "Kid", "Doc", "Ace"]), rng.pick(set.family));
        }
        3..=49 => out.push_str(given),
        _ => {
            if set.family_first {
                let _ = write!(out, "{} {}", rng.pick(set.family), given);
            } else {
                let _ = write!(out, "{} {}", given, rng.pick(set.family));
            }
        }
    }
}

pub(crate) fn write_title_principals(
    world: &World,
    opts: &GenerateOptions,
    dir: &Path,
    progress: Progress,
) -> Result<GeneratedFile, GenerateError> {
    let mut t = Tsv::create(dir, ImdbFile::TitlePrincipals, &corrupt::TITLE_PRINCIPALS, opts, progress)?;
    let mut credits = Vec::with_capacity(32);
    let mut character = String::new();
    let mut title = String::new();
    let mut tconst = Vec::with_capacity(12);
    for i in world.title_ids.file_order() {
        let core = world.title_core(i);
        let plan = world.plan(&core);
        world.credits(&core, &plan, &mut credits);
        tconst.clear();
        world.title_ids.write(b"tt", i, &mut tconst);
        for (ordering, credit) in credits.iter().enumerate() {
            let two = unit(credit.detail.rotate_left(7)) < 0.02;
            if credit.category.is_cast() {
                character_name(&core, credit, &mut character);
            }
            let b = t.begin();
            b.extend_from_slice(&tconst);
            tab(b);
            push_int(b, ordering as i64 + 1);
            tab(b);
            world.person_ids.write(b"nm", credit.person, b);
            tab(b);
            push_str(b, credit.category.as_str());
            tab(b);
            push_job(world, credit, &mut title, b);
            tab(b);
            if credit.category.is_cast() {
                b.extend_from_slice(b"[\"");
                push_json_str(b, &character);
                if two && credit.category != Category::SelfCat {
                    b.extend_from_slice(b"\",\"");
                    let set = names(core.lang());
                    let mut rng = Rng::from_key(credit.detail ^ 0x77);
                    push_json_str(b, rng.choose(set.male));
                }
                b.extend_from_slice(b"\"]");
            } else {
                b.extend_from_slice(NULL);
            }
            t.end()?;
        }
    }
    t.finish()
}

/// The `job` column: mostly `\N`; writers and producers get their credit, sometimes with bare quotes.
fn push_job(world: &World, credit: &Credit, scratch: &mut String, b: &mut Vec<u8>) {
    let mut rng = Rng::from_key(credit.detail ^ 0x10b);
    match credit.category {
        Category::Writer if rng.chance(0.6) => {
            if rng.chance(0.06) {
                // `based on the play "…"`: the bare quote the reader must not treat as quoting.
                let idx = key(world.seed, stream::TITLE_EXTRA, credit.detail) % world.titles.total().max(1);
                let core = world.title_core(idx);
                world.title_in(&core, Lang::En, scratch);
                push_str(b, "based on the play \"");
                push_str(b, scratch);
                b.push(b'"');
            } else {
                push_str(b, rng.choose(WRITER_JOBS));
            }
        }
        Category::Producer => push_str(b, rng.choose(PRODUCER_JOBS)),
        Category::Cinematographer if rng.chance(0.3) => push_str(b, "director of photography"),
        _ => b.extend_from_slice(NULL),
    }
}

pub(crate) fn write_title_crew(
    world: &World,
    opts: &GenerateOptions,
    dir: &Path,
    progress: Progress,
) -> Result<GeneratedFile, GenerateError> {
    let mut t = Tsv::create(dir, ImdbFile::TitleCrew, &corrupt::TITLE_CREW, opts, progress)?;
    let mut credits = Vec::with_capacity(32);
    let mut seen: Vec<u64> = Vec::with_capacity(8);
    for i in world.title_ids.file_order() {
        let core = world.title_core(i);
        let plan = world.plan(&core);
        world.credits(&core, &plan, &mut credits);
        let b = t.begin();
        world.title_ids.write(b"tt", i, b);
        for cat in [Category::Director, Category::Writer] {
            tab(b);
            seen.clear();
            for c in credits.iter().filter(|c| c.category == cat) {
                if seen.contains(&c.person) {
                    continue;
                }
                if !seen.is_empty() {
                    b.push(b',');
                }
                seen.push(c.person);
                world.person_ids.write(b"nm", c.person, b);
            }
            if seen.is_empty() {
                b.extend_from_slice(NULL);
            }
        }
        t.end()?;
    }
    t.finish()
}

/// Regions of extra akas rows with the language their title is written in.
const AKA_REGIONS: &[(&str, Lang)] = &[
    ("GB", Lang::En),
    ("DE", Lang::De),
    ("ES", Lang::Es),
    ("IT", Lang::It),
    ("BR", Lang::Pt),
    ("JP", Lang::Ja),
    ("MX", Lang::Es),
    ("CA", Lang::En),
    ("KR", Lang::Ko),
    ("IN", Lang::En),
    ("PT", Lang::Pt),
    ("AR", Lang::Es),
    ("AT", Lang::De),
    ("BE", Lang::Fr),
    ("CN", Lang::Zh),
    ("TW", Lang::Zh),
    ("AU", Lang::En),
    ("XWW", Lang::En),
];

const AKA_ATTRIBUTES: &[&str] = &[
    "literal title",
    "alternative spelling",
    "reissue title",
    "literal English title",
    "informal title",
    "transliterated title",
    "short title",
    "review title",
    "new title",
    "working title",
];

struct AkaRow<'s> {
    title: &'s str,
    region: &'s str,
    language: Option<&'s str>,
    types: Option<&'static str>,
    attributes: Option<&'static str>,
    original: bool,
}

fn push_aka(t: &mut Tsv, world: &World, index: u64, ordering: usize, row: &AkaRow) -> Result<(), GenerateError> {
    let b = t.begin();
    world.title_ids.write(b"tt", index, b);
    tab(b);
    push_int(b, ordering as i64);
    tab(b);
    push_str(b, row.title);
    tab(b);
    push_str(b, row.region);
    tab(b);
    match row.language {
        Some(l) => push_str(b, l),
        None => b.extend_from_slice(NULL),
    }
    tab(b);
    match row.types {
        Some(x) => push_str(b, x),
        None => b.extend_from_slice(NULL),
    }
    tab(b);
    match row.attributes {
        Some(x) => push_str(b, x),
        None => b.extend_from_slice(NULL),
    }
    tab(b);
    b.push(if row.original { b'1' } else { b'0' });
    t.end()
}

pub(crate) fn write_title_akas(
    world: &World,
    opts: &GenerateOptions,
    dir: &Path,
    progress: Progress,
) -> Result<GeneratedFile, GenerateError> {
    let mut t = Tsv::create(dir, ImdbFile::TitleAkas, &corrupt::TITLE_AKAS, opts, progress)?;
    let (mut primary, mut original, mut other) = (String::new(), String::new(), String::new());
    const NULL_STR: &str = "\\N";
    for i in world.title_ids.file_order() {
        let core = world.title_core(i);
        let mut rng = Rng::new(world.seed, stream::TITLE_AKAS, i);
        let class = core.kind.class();
        use super::world::Class;
        let n = match class {
            Class::Film | Class::Series => 3 + (core.popularity.max(1.0).log2() * 0.8) as usize + rng.index(6),
            Class::Episode => {
                if rng.chance(0.2) {
                    1
                } else {
                    1 + rng.index(9)
                }
            }
            _ => 1 + rng.index(4),
        }
        .min(40);
        world.title_names(&core, &mut primary, &mut original);
        let country = &COUNTRIES[core.country];
        let mut ordering = 1;
        push_aka(
            &mut t,
            world,
            i,
            ordering,
            &AkaRow {
                title: &original,
                region: NULL_STR,
                language: None,
                types: Some("original"),
                attributes: None,
                original: true,
            },
        )?;
        ordering += 1;
        if ordering <= n {
            push_aka(
                &mut t,
                world,
                i,
                ordering,
                &AkaRow {
                    title: &original,
                    region: country.iso,
                    language: None,
                    types: Some("imdbDisplay"),
                    attributes: None,
                    original: false,
                },
            )?;
            ordering += 1;
        }
        if ordering <= n && core.country != REGION_US {
            world.title_in(&core, Lang::En, &mut other);
            push_aka(
                &mut t,
                world,
                i,
                ordering,
                &AkaRow {
                    title: &other,
                    region: COUNTRIES[REGION_US].iso,
                    language: None,
                    types: Some("imdbDisplay"),
                    attributes: None,
                    original: false,
                },
            )?;
            ordering += 1;
        }
        let fr_chance = if class == Class::Film { 0.65 } else { 0.35 };
        if ordering <= n && country.lang != Lang::Fr && rng.chance(fr_chance) {
            world.title_in(&core, Lang::Fr, &mut other);
            push_aka(
                &mut t,
                world,
                i,
                ordering,
                &AkaRow {
                    title: &other,
                    region: COUNTRIES[REGION_FR].iso,
                    language: rng.chance(0.1).then_some("fr"),
                    types: Some("imdbDisplay"),
                    attributes: None,
                    original: false,
                },
            )?;
            ordering += 1;
        }
        while ordering <= n {
            let (region, lang) = rng.choose(AKA_REGIONS);
            world.title_in(&core, lang, &mut other);
            let types = match rng.below(100) {
                0..=59 => Some("imdbDisplay"),
                60..=81 => None,
                82..=88 => Some("alternative"),
                89..=92 => Some("working"),
                93..=95 => Some("tv"),
                96..=97 => Some("dvd"),
                98 => Some("festival"),
                _ => Some("video"),
            };
            let attributes = if types == Some("working") && rng.chance(0.5) {
                Some("working title")
            } else if rng.chance(0.12) {
                Some(rng.choose(AKA_ATTRIBUTES))
            } else {
                None
            };
            let language = if region == "XWW" {
                Some("en")
            } else if rng.chance(if lang == Lang::Ja { 0.3 } else { 0.06 }) {
                Some(lang.iso())
            } else {
                None
            };
            push_aka(
                &mut t,
                world,
                i,
                ordering,
                &AkaRow { title: &other, region, language, types, attributes, original: false },
            )?;
            ordering += 1;
        }
    }
    t.finish()
}

pub(crate) fn write_title_episode(
    world: &World,
    opts: &GenerateOptions,
    dir: &Path,
    progress: Progress,
) -> Result<GeneratedFile, GenerateError> {
    let mut t = Tsv::create(dir, ImdbFile::TitleEpisode, &corrupt::TITLE_EPISODE, opts, progress)?;
    for i in world.title_ids.file_order() {
        let (y, k, rank) = world.titles.locate(i);
        let kind = Kind::from_index(k);
        if !kind.is_episode() {
            continue;
        }
        let Some((link, _, _)) = world.episode_link(y, kind, rank) else {
            continue;
        };
        let numbered = unit(key(world.seed, stream::TITLE_EXTRA, i ^ 0xe9)) > 0.07;
        let b = t.begin();
        world.title_ids.write(b"tt", i, b);
        tab(b);
        world.title_ids.write(b"tt", link.parent, b);
        tab(b);
        push_opt_int(b, numbered.then_some(link.season as i64));
        tab(b);
        push_opt_int(b, numbered.then_some(link.episode as i64));
        t.end()?;
    }
    t.finish()
}

/// primaryProfession: the person's role first, then up to two related ones.
fn push_professions(pc: &PersonCore, rng: &mut Rng, b: &mut Vec<u8>) {
    let spec = &POOLS[pc.pool];
    let gendered_actor = if pc.female { "actress" } else { "actor" };
    let (primary, extras): (&str, &[&str]) = match spec.category {
        Category::Actor => ("actor", &["soundtrack", "producer", "director", "writer", "miscellaneous", "stunts"]),
        Category::Actress => ("actress", &["soundtrack", "producer", "director", "writer", "miscellaneous"]),
        Category::SelfCat => {
            if rng.chance(0.3) {
                b.extend_from_slice(NULL);
                return;
            }
            (rng.choose(&[gendered_actor, "miscellaneous", "producer", "writer"]), &["soundtrack", "music_department"])
        }
        Category::Director => ("director", &["writer", "producer", "editor", "actor", "assistant_director"]),
        Category::Writer => ("writer", &["director", "producer", "script_department", "actor"]),
        Category::Producer => ("producer", &["executive", "director", "writer", "production_manager"]),
        Category::Composer => ("composer", &["music_department", "soundtrack", "sound_department"]),
        Category::Cinematographer => ("cinematographer", &["camera_department", "director", "editor"]),
        Category::Editor => ("editor", &["editorial_department", "director", "producer"]),
        Category::ProductionDesigner => ("production_designer", &["art_department", "art_director", "set_decorator"]),
        Category::CastingDirector => ("casting_director", &["casting_department", "producer"]),
        Category::Crew => {
            if rng.chance(0.1) {
                b.extend_from_slice(NULL);
                return;
            }
            (rng.choose(CREW_PROFESSIONS), &["miscellaneous", "art_department", "camera_department"])
        }
    };
    push_str(b, primary);
    let extra_n = match rng.below(10) {
        0..=5 => 0,
        6..=8 => 1,
        _ => 2,
    };
    let mut used: [&str; 3] = [primary, "", ""];
    for k in 0..extra_n {
        let e = rng.choose(extras);
        let e = if e == "actor" { gendered_actor } else { e };
        if used.contains(&e) {
            continue;
        }
        used[k + 1] = e;
        b.push(b',');
        push_str(b, e);
    }
}

pub(crate) fn write_name_basics(
    world: &World,
    opts: &GenerateOptions,
    dir: &Path,
    progress: Progress,
) -> Result<GeneratedFile, GenerateError> {
    let mut t = Tsv::create(dir, ImdbFile::NameBasics, &corrupt::NAME_BASICS, opts, progress)?;
    let mut name = String::new();
    let mut known: Vec<(f64, u64)> = Vec::with_capacity(64);
    for j in world.person_ids.file_order() {
        let pc = world.person_core(j);
        world.person_name(&pc, &mut name);
        let mut rng = Rng::new(world.seed, stream::PERSON_FILE, j);
        known.clear();
        if POOLS[pc.pool].category == Category::Crew {
            if rng.chance(0.9) {
                for _ in 0..rng.range(1, 4) {
                    let y = (pc.year_idx + rng.index(10)).min(super::layout::NYEARS - 1);
                    if let Some(ti) = world.some_title_in_year(y, &mut rng) {
                        known.push((rng.f64(), ti));
                    }
                }
            }
        } else {
            world.person_slots(&pc, |ti, y, kind, rank, slot| {
                let core = world.title_core_at(ti, y, kind, rank);
                let plan = world.plan(&core);
                if slot < plan[pc.pool] as u64 {
                    let shown = core.episode.map_or(ti, |l| l.parent);
                    known.push((core.popularity, shown));
                }
            });
        }
        known.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let b = t.begin();
        world.person_ids.write(b"nm", j, b);
        tab(b);
        push_str(b, &name);
        tab(b);
        push_opt_int(b, pc.birth_known.then_some(pc.birth as i64));
        tab(b);
        push_opt_int(b, pc.death.map(i64::from));
        tab(b);
        push_professions(&pc, &mut rng, b);
        tab(b);
        let mut shown_ids = [0u64; 4];
        let mut shown = 0;
        for &(_, ti) in known.iter() {
            if shown == 4 {
                break;
            }
            if shown_ids[..shown].contains(&ti) {
                continue;
            }
            if shown > 0 {
                b.push(b',');
            }
            world.title_ids.write(b"tt", ti, b);
            shown_ids[shown] = ti;
            shown += 1;
        }
        if shown == 0 {
            b.extend_from_slice(NULL);
        }
        t.end()?;
    }
    t.finish()
}
