//! The Kaggle TMDB 5000 pair: tmdb_5000_movies.csv (20 columns, JSON arrays in quoted fields, 0 = unknown money) and tmdb_5000_credits.csv, for the most popular generated movies.

use super::imdb::character_name;
use super::layout::NOW_YEAR;
use super::output::{CsvOut, Progress};
use super::rng::{Rng, key, stream};
use super::titles::month_day;
use super::vocabulary::{
    COMPANY_SUFFIXES, COMPANY_WORDS, COUNTRIES, CREW_TMDB_JOBS, IMDB_TO_TMDB, KEYWORDS, Lang, OVERVIEW_EVENT,
    OVERVIEW_GOAL, OVERVIEW_WHO, TAGLINES,
};
use super::world::{Category, Credit, TitleCore, World, p};
use super::{GenerateError, GenerateOptions, GeneratedFile};
use std::fmt::Write as _;
use std::path::Path;

use cinepicks_pipeline::sources::tmdb::{CREDITS_HEADER, MOVIES_HEADER};

/// TMDB rows: the most popular movies, at least 50, at most 500k·scale.
pub(crate) fn select(opts: &GenerateOptions, movies: &[(f64, u64)]) -> Vec<u64> {
    let wanted = ((500_000.0 * opts.scale).round() as usize).max(50);
    movies.iter().take(wanted).map(|&(_, i)| i).collect()
}

/// JSON string as Python's `json.dumps` writes it (non-ASCII as `\uXXXX`).
fn push_json(buf: &mut String, s: &str) {
    buf.push('"');
    for c in s.chars() {
        match c {
            '"' => buf.push_str("\\\""),
            '\\' => buf.push_str("\\\\"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(buf, "\\u{:04x}", u);
                }
            }
            c => buf.push(c),
        }
    }
    buf.push('"');
}

pub(crate) fn tmdb_person_id(person: u64) -> u64 {
    person + 1 + person / 3
}

/// Python-like shortest float repr with at most six decimals.
fn push_float(buf: &mut String, x: f64) {
    let r = (x * 1e6).round() / 1e6;
    let _ = write!(buf, "{r}");
    if r.fract() == 0.0 {
        buf.push_str(".0");
    }
}

fn company_name(id: u64, out: &mut String) {
    let mut rng = Rng::from_key(key(0, stream::TMDB_MOVIE, id));
    out.clear();
    out.push_str(rng.choose(COMPANY_WORDS));
    out.push(' ');
    out.push_str(rng.choose(COMPANY_SUFFIXES));
}

struct Money {
    budget: u64,
    revenue: u64,
}

fn money(core: &TitleCore, rng: &mut Rng) -> Money {
    let inflation = ((core.year() - 1900).max(5) as f64 / 110.0).powf(1.5);
    let raw = 3.0e5 * core.popularity.max(1.0).powf(0.45) * inflation * (0.8 * rng.normal()).exp();
    let budget = if rng.chance(0.2 + 0.2 / (1.0 + core.popularity / 500.0)) {
        0
    } else {
        ((raw / 1e5).round() * 1e5).max(1e4) as u64
    };
    let revenue = if rng.chance(0.28) {
        0
    } else {
        let base = if budget > 0 { budget as f64 } else { raw };
        (base * (0.6 + 0.9 * rng.normal()).exp()) as u64
    };
    Money { budget, revenue }
}

pub(crate) fn write_movies(
    world: &World,
    opts: &GenerateOptions,
    rows: &[u64],
    dir: &Path,
    progress: Progress,
) -> Result<GeneratedFile, GenerateError> {
    let mut out = CsvOut::create(dir, "tmdb_5000_movies.csv", false, progress)?;
    out.header(MOVIES_HEADER)?;
    let mut rec = csv::ByteRecord::new();
    let (mut primary, mut original, mut field) = (String::new(), String::new(), String::new());
    let mut name = String::new();
    let mut credits = Vec::new();
    for &index in rows {
        let core = world.title_core(index);
        let mut rng = Rng::new(opts.seed, stream::TMDB_MOVIE, index);
        world.title_names(&core, &mut primary, &mut original);
        let m = money(&core, &mut rng);
        rec.clear();
        field.clear();
        let _ = write!(field, "{}", m.budget);
        rec.push_field(field.as_bytes());
        // genres
        field.clear();
        field.push('[');
        let mut ids: Vec<u32> = Vec::new();
        for (gi, t) in IMDB_TO_TMDB.iter().enumerate() {
            if let Some((id, gname)) = t
                && core.genres_known
                && core.has_genre(gi)
                && !ids.contains(id)
            {
                if !ids.is_empty() {
                    field.push_str(", ");
                }
                let _ = write!(field, "{{\"id\": {id}, \"name\": ");
                push_json(&mut field, gname);
                field.push('}');
                ids.push(*id);
            }
        }
        field.push(']');
        rec.push_field(field.as_bytes());
        // homepage
        field.clear();
        if rng.chance(0.35) {
            let mut english = String::new();
            world.title_in(&core, Lang::En, &mut english);
            let slug: String = english.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
            let _ = write!(
                field,
                "http://www.{}{}.com/",
                if slug.is_empty() { "film" } else { &slug },
                if rng.chance(0.3) { "movie" } else { "" }
            );
        }
        rec.push_field(field.as_bytes());
        field.clear();
        let _ = write!(field, "{}", world.tmdb_id(&core));
        rec.push_field(field.as_bytes());
        // keywords: heavy-tailed use of the list
        field.clear();
        field.push('[');
        let nk = if rng.chance(0.08) { 0 } else { rng.range(1, 12) as usize };
        let mut used: Vec<usize> = Vec::new();
        for _ in 0..nk {
            let k = (KEYWORDS.len() as f64 * rng.f64().powi(2)) as usize;
            if used.contains(&k) {
                continue;
            }
            if !used.is_empty() {
                field.push_str(", ");
            }
            used.push(k);
            let _ = write!(field, "{{\"id\": {}, \"name\": ", KEYWORDS[k].0);
            push_json(&mut field, KEYWORDS[k].1);
            field.push('}');
        }
        field.push(']');
        rec.push_field(field.as_bytes());
        let country = &COUNTRIES[core.country];
        let lang_code = if country.iso == "HK" && rng.chance(0.5) { "cn" } else { country.lang.iso() };
        rec.push_field(lang_code.as_bytes());
        rec.push_field(original.as_bytes());
        // overview
        field.clear();
        if !rng.chance(0.005) {
            let plan = world.plan(&core);
            world.credits(&core, &plan, &mut credits);
            let lead = credits.iter().find(|c| matches!(c.category, Category::Actor | Category::Actress));
            match lead {
                Some(c) => {
                    character_name(&core, c, &mut name);
                }
                None => {
                    name.clear();
                    name.push_str("a stranger");
                }
            }
            let _ = write!(
                field,
                "When {} {}, {} must {}.",
                rng.pick(OVERVIEW_WHO),
                rng.pick(OVERVIEW_EVENT),
                name,
                rng.pick(OVERVIEW_GOAL)
            );
            if rng.chance(0.5) {
                let _ = write!(
                    field,
                    " Set in {}, it is a story about {}.",
                    country.name,
                    if rng.chance(0.5) { "loyalty, grief and second chances" } else { "what we owe each other" }
                );
            }
        }
        rec.push_field(field.as_bytes());
        field.clear();
        push_float(&mut field, 0.05 * core.popularity.max(1.0).powf(0.7) * (0.3 * rng.normal()).exp());
        rec.push_field(field.as_bytes());
        // production_companies: note TMDB's key order, name before id
        field.clear();
        field.push('[');
        for c in 0..rng.range(0, 4) {
            let id = (2.0 + 60_000.0 * rng.f64().powi(3)) as u64;
            company_name(id, &mut name);
            if c > 0 {
                field.push_str(", ");
            }
            field.push_str("{\"name\": ");
            push_json(&mut field, &name);
            let _ = write!(field, ", \"id\": {id}}}");
        }
        field.push(']');
        rec.push_field(field.as_bytes());
        // production_countries
        field.clear();
        field.push_str("[{\"iso_3166_1\": ");
        push_json(&mut field, country.iso);
        field.push_str(", \"name\": ");
        push_json(&mut field, country.name);
        field.push('}');
        if rng.chance(0.25) {
            let other = &COUNTRIES[rng.index(COUNTRIES.len())];
            if other.iso != country.iso {
                field.push_str(", {\"iso_3166_1\": ");
                push_json(&mut field, other.iso);
                field.push_str(", \"name\": ");
                push_json(&mut field, other.name);
                field.push('}');
            }
        }
        field.push(']');
        rec.push_field(field.as_bytes());
        // release_date (the same day u.item shows)
        field.clear();
        if !rng.chance(0.002) {
            let (mo, d) = month_day(world.release_day(&core));
            let _ = write!(field, "{:04}-{:02}-{:02}", core.year(), mo, d);
        }
        rec.push_field(field.as_bytes());
        field.clear();
        let _ = write!(field, "{}", m.revenue);
        rec.push_field(field.as_bytes());
        field.clear();
        if let Some(rt) = core.runtime {
            let _ = write!(field, "{rt}");
        }
        rec.push_field(field.as_bytes());
        // spoken_languages
        field.clear();
        field.push_str("[{\"iso_639_1\": ");
        push_json(&mut field, country.lang.iso());
        field.push_str(", \"name\": ");
        push_json(&mut field, country.lang.native_name());
        field.push('}');
        if country.lang != Lang::En && rng.chance(0.3) {
            field.push_str(", {\"iso_639_1\": \"en\", \"name\": \"English\"}");
        }
        field.push(']');
        rec.push_field(field.as_bytes());
        let status = if core.year() > NOW_YEAR {
            if rng.chance(0.6) { "Post Production" } else { "Rumored" }
        } else {
            "Released"
        };
        rec.push_field(status.as_bytes());
        field.clear();
        if !rng.chance(0.18) {
            field.push_str(rng.choose(TAGLINES));
        }
        rec.push_field(field.as_bytes());
        rec.push_field(primary.as_bytes());
        let votes = world.votes(&core);
        let count = ((votes as f64) * 0.12 * (0.4 * rng.normal()).exp()).round() as u64;
        field.clear();
        if count == 0 {
            field.push_str("0.0");
        } else {
            if credits.is_empty() {
                let plan = world.plan(&core);
                world.credits(&core, &plan, &mut credits);
            }
            let avg = (world.rating(&core, &credits, votes.max(5)) - 0.2 + 0.3 * rng.normal()).clamp(0.0, 10.0);
            let _ = write!(field, "{:.1}", avg);
        }
        rec.push_field(field.as_bytes());
        field.clear();
        let _ = write!(field, "{count}");
        rec.push_field(field.as_bytes());
        credits.clear();
        out.record(&rec, false)?;
    }
    out.finish()
}

fn credit_id(seed: u64, movie: u64, slot: u64) -> String {
    let h1 = key(seed, stream::TMDB_CREDITS, movie.wrapping_mul(1_000) ^ slot);
    let h2 = key(seed, stream::TMDB_CREDITS + 1, movie.wrapping_mul(1_000) ^ slot);
    format!("{:08x}{:016x}", 0x52fe_4000u64 + h1 % 0x0b00_0000, h2)
}

fn gender_code(world: &World, person: u64, rng: &mut Rng) -> u8 {
    if rng.chance(0.15) {
        return 0;
    }
    if world.person_core(person).female { 1 } else { 2 }
}

fn crew_job(c: &Credit, rng: &mut Rng) -> (&'static str, &'static str) {
    match c.category {
        Category::Director => ("Directing", "Director"),
        Category::Writer => ("Writing", rng.choose(&["Screenplay", "Writer", "Novel", "Story"])),
        Category::Producer => ("Production", rng.choose(&["Producer", "Producer", "Executive Producer"])),
        Category::Composer => ("Sound", "Original Music Composer"),
        Category::Cinematographer => ("Camera", "Director of Photography"),
        Category::Editor => ("Editing", "Editor"),
        Category::ProductionDesigner => ("Art", "Production Design"),
        Category::CastingDirector => ("Production", "Casting"),
        _ => ("Crew", "Additional Crew"),
    }
}

pub(crate) fn write_credits(
    world: &World,
    opts: &GenerateOptions,
    rows: &[u64],
    dir: &Path,
    progress: Progress,
) -> Result<GeneratedFile, GenerateError> {
    let mut out = CsvOut::create(dir, "tmdb_5000_credits.csv", false, progress)?;
    out.header(CREDITS_HEADER)?;
    let mut rec = csv::ByteRecord::new();
    let (mut primary, mut original, mut cast, mut crew) = (String::new(), String::new(), String::new(), String::new());
    let mut name = String::new();
    let mut character = String::new();
    let mut credits = Vec::new();
    for &index in rows {
        let core = world.title_core(index);
        let mut rng = Rng::new(opts.seed, stream::TMDB_CREDITS, index);
        world.title_names(&core, &mut primary, &mut original);
        let plan = world.plan(&core);
        world.credits(&core, &plan, &mut credits);
        let movie = world.tmdb_id(&core);
        let mut slot = 0u64;

        // Cast: IMDb's billed cast first, then uncredited extras TMDB lists.
        cast.clear();
        cast.push('[');
        let mut order = 0;
        let mut cast_id = rng.range(1, 20) as u64;
        let mut members: Vec<Credit> = credits.iter().copied().filter(|c| c.category.is_cast()).collect();
        let extras = rng.range(2, 4 + (core.popularity.max(1.0).log10() * 2.0) as i64);
        for _ in 0..extras {
            let (pool, cat) =
                if rng.chance(0.5) { (p::ACTOR_C, Category::Actor) } else { (p::ACTRESS_C, Category::Actress) };
            if let Some(person) = world.random_active(pool, core.year_idx, &mut rng) {
                members.push(Credit { person, category: cat, detail: key(opts.seed, index, person) });
            }
        }
        for c in &members {
            if order > 0 {
                cast.push_str(", ");
            }
            character_name(&core, c, &mut character);
            world.person_name(&world.person_core(c.person), &mut name);
            let _ = write!(cast, "{{\"cast_id\": {cast_id}, \"character\": ");
            push_json(&mut cast, &character);
            cast.push_str(", \"credit_id\": ");
            push_json(&mut cast, &credit_id(opts.seed, movie, slot));
            let _ = write!(
                cast,
                ", \"gender\": {}, \"id\": {}, \"name\": ",
                gender_code(world, c.person, &mut rng),
                tmdb_person_id(c.person)
            );
            push_json(&mut cast, &name);
            let _ = write!(cast, ", \"order\": {order}}}");
            order += 1;
            slot += 1;
            cast_id += rng.range(1, 3) as u64;
        }
        cast.push(']');

        // Crew: IMDb's directors, writers and crew (so directors always appear), plus extras.
        crew.clear();
        crew.push('[');
        let mut first = true;
        let mut listed: Vec<(u64, Category)> = Vec::new();
        for c in credits.iter().filter(|c| !c.category.is_cast()) {
            if listed.contains(&(c.person, c.category)) {
                continue;
            }
            listed.push((c.person, c.category));
            let (dept, job) = crew_job(c, &mut rng);
            push_crew(
                world,
                &mut crew,
                &mut first,
                &credit_id(opts.seed, movie, slot),
                dept,
                job,
                c.person,
                &mut rng,
                &mut name,
            );
            slot += 1;
        }
        for _ in 0..rng.range(0, 5) {
            if let Some(person) = world.random_active(p::CREW, core.year_idx, &mut rng) {
                let (dept, job) = rng.choose(CREW_TMDB_JOBS);
                push_crew(
                    world,
                    &mut crew,
                    &mut first,
                    &credit_id(opts.seed, movie, slot),
                    dept,
                    job,
                    person,
                    &mut rng,
                    &mut name,
                );
                slot += 1;
            }
        }
        crew.push(']');

        rec.clear();
        let mut num = String::new();
        let _ = write!(num, "{movie}");
        rec.push_field(num.as_bytes());
        rec.push_field(primary.as_bytes());
        rec.push_field(cast.as_bytes());
        rec.push_field(crew.as_bytes());
        out.record(&rec, false)?;
    }
    out.finish()
}

#[allow(clippy::too_many_arguments)]
fn push_crew(
    world: &World,
    crew: &mut String,
    first: &mut bool,
    credit: &str,
    dept: &str,
    job: &str,
    person: u64,
    rng: &mut Rng,
    name: &mut String,
) {
    if !*first {
        crew.push_str(", ");
    }
    *first = false;
    world.person_name(&world.person_core(person), name);
    crew.push_str("{\"credit_id\": ");
    push_json(crew, credit);
    crew.push_str(", \"department\": ");
    push_json(crew, dept);
    let _ = write!(
        crew,
        ", \"gender\": {}, \"id\": {}, \"job\": ",
        gender_code(world, person, rng),
        tmdb_person_id(person)
    );
    push_json(crew, job);
    crew.push_str(", \"name\": ");
    push_json(crew, name);
    crew.push('}');
}
