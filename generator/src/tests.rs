//! End-to-end checks of the generator: formats, counts, keys, cross-file consistency, corruption accounting and determinism, on tiny scales.

use super::*;
use flate2::read::GzDecoder;
use std::collections::{HashMap, HashSet};
use std::io::Read;

const SCALE: f64 = 0.0005;

fn opts(seed: u64) -> GenerateOptions {
    GenerateOptions { scale: SCALE, seed, corrupt_share: 0.0, threads: 2 }
}

struct Fixture {
    _dir: tempfile::TempDir,
    raw: PathBuf,
    summary: GenerateSummary,
}

fn fixture_with(o: &GenerateOptions) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let raw = dir.path().join("raw");
    let summary = generate(o, &raw, &|_, _| {}).expect("generate");
    Fixture { _dir: dir, raw, summary }
}

fn fixture() -> Fixture {
    fixture_with(&opts(7))
}

impl Fixture {
    fn bytes(&self, rel: &str) -> Vec<u8> {
        let data = std::fs::read(self.raw.join(rel)).expect("read");
        if rel.ends_with(".gz") {
            let mut out = Vec::new();
            GzDecoder::new(&data[..]).read_to_end(&mut out).expect("gunzip");
            out
        } else {
            data
        }
    }

    fn text(&self, rel: &str) -> String {
        String::from_utf8(self.bytes(rel)).expect("utf-8")
    }

    /// TSV rows without header, split on TAB.
    fn tsv(&self, rel: &str) -> (String, Vec<Vec<String>>) {
        let text = self.text(rel);
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default().to_string();
        (header, lines.map(|l| l.split('\t').map(str::to_string).collect()).collect())
    }

    fn csv(&self, rel: &str) -> (Vec<String>, Vec<csv::ByteRecord>) {
        let data = self.bytes(rel);
        let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(&data[..]);
        let header = r.headers().expect("header").iter().map(str::to_string).collect();
        let rows = r.byte_records().map(|x| x.expect("csv record")).collect();
        (header, rows)
    }

    fn rows(&self, name: &str) -> u64 {
        self.summary.file(name).map_or(u64::MAX, |f| f.rows)
    }
}

fn is_id(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() + 7 && s.starts_with(prefix) && s[prefix.len()..].bytes().all(|b| b.is_ascii_digit())
}

fn field(r: &csv::ByteRecord, i: usize) -> String {
    String::from_utf8_lossy(r.get(i).unwrap_or_default()).into_owned()
}

#[test]
fn same_seed_gives_identical_files_whatever_the_thread_count() {
    let a = fixture_with(&GenerateOptions { threads: 1, ..opts(11) });
    let b = fixture_with(&GenerateOptions { threads: 4, ..opts(11) });
    assert_eq!(a.summary.files.len(), 18);
    for (fa, fb) in a.summary.files.iter().zip(&b.summary.files) {
        let rel = fa.path.strip_prefix(&a.raw).expect("under raw");
        assert_eq!(rel, fb.path.strip_prefix(&b.raw).expect("under raw"));
        assert_eq!((fa.rows, fa.bytes), (fb.rows, fb.bytes), "{rel:?}");
        assert!(std::fs::read(&fa.path).ok() == std::fs::read(&fb.path).ok(), "{rel:?} differs");
    }
    let c = fixture_with(&GenerateOptions { threads: 2, ..opts(12) });
    let rel = "imdb/title.basics.tsv.gz";
    assert_ne!(a.bytes(rel), c.bytes(rel), "another seed must give another world");
}

#[test]
fn imdb_files_have_the_official_headers_and_field_counts() {
    let f = fixture();
    let expected = [
        (
            "title.basics.tsv.gz",
            "tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres",
        ),
        ("title.ratings.tsv.gz", "tconst\taverageRating\tnumVotes"),
        ("title.principals.tsv.gz", "tconst\tordering\tnconst\tcategory\tjob\tcharacters"),
        ("title.crew.tsv.gz", "tconst\tdirectors\twriters"),
        ("title.akas.tsv.gz", "titleId\tordering\ttitle\tregion\tlanguage\ttypes\tattributes\tisOriginalTitle"),
        ("title.episode.tsv.gz", "tconst\tparentTconst\tseasonNumber\tepisodeNumber"),
        ("name.basics.tsv.gz", "nconst\tprimaryName\tbirthYear\tdeathYear\tprimaryProfession\tknownForTitles"),
    ];
    for (name, header) in expected {
        let raw = f.bytes(&format!("imdb/{name}"));
        assert!(!raw.contains(&b'\r'), "{name} must use LF line endings");
        let (h, rows) = f.tsv(&format!("imdb/{name}"));
        assert_eq!(h, header, "{name}");
        assert_eq!(rows.len() as u64, f.rows(name), "{name} rows vs summary");
        let width = header.split('\t').count();
        for r in &rows {
            assert_eq!(r.len(), width, "{name}: {r:?}");
            assert!(r.iter().all(|x| !x.is_empty()), "{name} has an empty field: {r:?}");
        }
    }
}

#[test]
fn imdb_values_follow_the_dump_conventions() {
    let f = fixture();
    let (_, basics) = f.tsv("imdb/title.basics.tsv.gz");
    let types: HashSet<&str> = [
        "movie",
        "short",
        "video",
        "tvMovie",
        "tvSpecial",
        "videoGame",
        "tvShort",
        "tvSeries",
        "tvMiniSeries",
        "tvEpisode",
    ]
    .into_iter()
    .collect();
    let mut by_type: HashMap<&str, usize> = HashMap::new();
    for r in &basics {
        assert!(is_id(&r[0], "tt"), "{r:?}");
        assert!(types.contains(r[1].as_str()), "{r:?}");
        *by_type.entry(types.get(r[1].as_str()).copied().unwrap_or("")).or_default() += 1;
        assert!(r[4] == "0" || r[4] == "1");
        for y in [&r[5], &r[6]] {
            assert!(
                y == "\\N" || (y.len() == 4 && y.parse::<i32>().is_ok_and(|y| (1874..=2031).contains(&y))),
                "{r:?}"
            );
        }
        if r[6] != "\\N" {
            assert!(r[1] == "tvSeries" || r[1] == "tvMiniSeries", "endYear only for series: {r:?}");
        }
        assert!(r[7] == "\\N" || r[7].parse::<u32>().is_ok_and(|m| (1..=320).contains(&m)), "{r:?}");
    }
    let total = basics.len() as f64;
    let share = |t: &str| *by_type.get(t).unwrap_or(&0) as f64 / total;
    assert!((0.70..0.82).contains(&share("tvEpisode")), "episodes {}", share("tvEpisode"));
    assert!((0.04..0.08).contains(&share("movie")), "movies {}", share("movie"));
    assert!((0.07..0.11).contains(&share("short")), "shorts {}", share("short"));

    let (_, ratings) = f.tsv("imdb/title.ratings.tsv.gz");
    for r in &ratings {
        let (int, dec) = r[1].split_once('.').expect("one decimal");
        assert_eq!(dec.len(), 1, "{r:?}");
        let v: f64 = r[1].parse().expect("rating");
        assert!((1.0..=10.0).contains(&v) && int.len() <= 2);
        assert!(r[2].parse::<u64>().is_ok_and(|n| n >= 5), "{r:?}");
    }
    let rated = ratings.len() as f64 / total;
    assert!((0.08..0.22).contains(&rated), "share of rated titles {rated}");

    let (_, principals) = f.tsv("imdb/title.principals.tsv.gz");
    let per_title = principals.len() as f64 / total;
    assert!((6.0..10.5).contains(&per_title), "principals per title {per_title}");
    let type_of: HashMap<&str, &str> = basics.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    let mean_credits = |t: &str| {
        let rows = principals.iter().filter(|r| type_of.get(r[0].as_str()) == Some(&t)).count();
        rows as f64 / by_type.get(t).copied().unwrap_or(1) as f64
    };
    assert!(mean_credits("movie") > mean_credits("tvEpisode") + 1.0, "movies get more principals than episodes");
    for r in &principals {
        assert!(is_id(&r[2], "nm"));
        if r[5] != "\\N" {
            let chars: Vec<String> = serde_json::from_str(&r[5]).expect("characters is a JSON array of strings");
            assert!(!chars.is_empty());
        }
    }
    assert!(principals.iter().any(|r| r[4].contains('"')), "some jobs carry a bare quote");
    assert!(basics.iter().any(|r| r[2].contains('"')), "some titles carry a bare quote");
    assert!(basics.iter().any(|r| r[3].chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))), "CJK titles");
    assert!(basics.iter().any(|r| r[2].chars().count() > 150), "very long titles");

    let (_, names) = f.tsv("imdb/name.basics.tsv.gz");
    let births = names.iter().filter(|r| r[2] != "\\N").count() as f64 / names.len() as f64;
    assert!((0.03..0.6).contains(&births), "known birth years {births}");
}

#[test]
fn imdb_files_are_sorted_by_key() {
    let f = fixture();
    for name in [
        "title.basics.tsv.gz",
        "title.ratings.tsv.gz",
        "title.crew.tsv.gz",
        "title.episode.tsv.gz",
        "name.basics.tsv.gz",
    ] {
        let (_, rows) = f.tsv(&format!("imdb/{name}"));
        assert!(rows.windows(2).all(|w| w[0][0] < w[1][0]), "{name} not strictly sorted");
    }
    for name in ["title.principals.tsv.gz", "title.akas.tsv.gz"] {
        let (_, rows) = f.tsv(&format!("imdb/{name}"));
        let keys: Vec<(String, u32)> = rows.iter().map(|r| (r[0].clone(), r[1].parse().unwrap_or(0))).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{name} not sorted by (id, ordering)");
        assert!(keys.iter().all(|k| k.1 >= 1));
    }
}

#[test]
fn imdb_files_reference_titles_and_people_that_exist() {
    let f = fixture();
    let (_, basics) = f.tsv("imdb/title.basics.tsv.gz");
    let titles: HashMap<&str, &str> = basics.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    let (_, names) = f.tsv("imdb/name.basics.tsv.gz");
    let people: HashSet<&str> = names.iter().map(|r| r[0].as_str()).collect();
    let (_, principals) = f.tsv("imdb/title.principals.tsv.gz");
    for r in &principals {
        assert!(titles.contains_key(r[0].as_str()) && people.contains(r[2].as_str()), "{r:?}");
    }
    let (_, crew) = f.tsv("imdb/title.crew.tsv.gz");
    assert_eq!(crew.len(), basics.len(), "one crew row per title");
    let credited: HashSet<(&str, &str)> = principals.iter().map(|r| (r[0].as_str(), r[2].as_str())).collect();
    for r in &crew {
        assert!(titles.contains_key(r[0].as_str()));
        for list in [&r[1], &r[2]] {
            if list != "\\N" {
                for id in list.split(',') {
                    assert!(people.contains(id), "{r:?}");
                    assert!(credited.contains(&(r[0].as_str(), id)), "crew member missing from principals: {r:?}");
                }
            }
        }
    }
    let (_, episodes) = f.tsv("imdb/title.episode.tsv.gz");
    assert_eq!(episodes.len(), titles.values().filter(|t| **t == "tvEpisode").count());
    for r in &episodes {
        assert_eq!(titles.get(r[0].as_str()).copied(), Some("tvEpisode"));
        assert!(matches!(titles.get(r[1].as_str()).copied(), Some("tvSeries" | "tvMiniSeries")), "{r:?}");
    }
    let (_, ratings) = f.tsv("imdb/title.ratings.tsv.gz");
    assert!(ratings.iter().all(|r| titles.contains_key(r[0].as_str())));
    let (_, akas) = f.tsv("imdb/title.akas.tsv.gz");
    assert!(akas.iter().all(|r| titles.contains_key(r[0].as_str())));
    let akas_per_title = akas.len() as f64 / basics.len() as f64;
    assert!((3.5..6.0).contains(&akas_per_title), "akas per title {akas_per_title}");
    let originals: HashSet<&str> = akas.iter().filter(|r| r[7] == "1").map(|r| r[0].as_str()).collect();
    assert_eq!(originals.len(), basics.len(), "every title has its original-title aka");
    assert!(akas.iter().any(|r| r[3] == "FR" && r[2] != basics[0][2]), "French akas exist");
    for r in &names {
        if r[5] != "\\N" {
            let known: Vec<&str> = r[5].split(',').collect();
            assert!(known.len() <= 4);
            assert!(known.iter().all(|t| titles.contains_key(t)), "{r:?}");
        }
    }
}

#[test]
fn known_for_titles_are_titles_the_person_is_credited_on() {
    let f = fixture();
    let (_, principals) = f.tsv("imdb/title.principals.tsv.gz");
    let (_, episodes) = f.tsv("imdb/title.episode.tsv.gz");
    let parent: HashMap<&str, &str> = episodes.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    let mut credited: HashSet<(&str, &str)> = HashSet::new();
    for r in &principals {
        credited.insert((r[2].as_str(), r[0].as_str()));
        if let Some(p) = parent.get(r[0].as_str()) {
            credited.insert((r[2].as_str(), p));
        }
    }
    let (_, names) = f.tsv("imdb/name.basics.tsv.gz");
    let mut checked = 0;
    for r in names.iter().filter(|r| !r[4].starts_with("\\N") && r[5] != "\\N") {
        let crew_only = ![
            "actor",
            "actress",
            "director",
            "writer",
            "producer",
            "composer",
            "cinematographer",
            "editor",
            "production_designer",
            "casting_director",
        ]
        .iter()
        .any(|p| r[4].split(',').next() == Some(*p));
        if crew_only {
            continue;
        }
        for t in r[5].split(',') {
            assert!(credited.contains(&(r[0].as_str(), t)), "{} known for {t} without a credit", r[0]);
            checked += 1;
        }
    }
    assert!(checked > 100);
}

#[test]
fn movielens_items_link_to_generated_imdb_movies() {
    let f = fixture();
    let (_, basics) = f.tsv("imdb/title.basics.tsv.gz");
    let by_id: HashMap<&str, &Vec<String>> = basics.iter().map(|r| (r[0].as_str(), r)).collect();
    let (header, links) = f.csv("movielens-latest/links.csv");
    assert_eq!(header, ["movieId", "imdbId", "tmdbId"]);
    let (_, movies) = f.csv("movielens-latest/movies.csv");
    assert_eq!(links.len(), movies.len());
    let titles: HashMap<String, String> = movies.iter().map(|r| (field(r, 0), field(r, 1))).collect();
    let mut empty_tmdb = 0;
    for l in &links {
        let imdb = field(l, 1);
        assert!(imdb.len() >= 7 && imdb.bytes().all(|b| b.is_ascii_digit()), "{imdb}");
        let tconst = format!("tt{imdb}");
        let row = by_id.get(tconst.as_str()).unwrap_or_else(|| panic!("{tconst} not in title.basics"));
        assert_eq!(row[1], "movie");
        let expected = format!("{} ({})", row[2], row[5]);
        assert_eq!(titles.get(&field(l, 0)), Some(&expected));
        empty_tmdb += usize::from(field(l, 2).is_empty());
    }
    assert!(empty_tmdb >= 1, "some links lack a tmdbId, like the real file");
    assert_eq!(f.rows("u.item"), movies.len() as u64);
    let genres: Vec<String> = movies.iter().map(|r| field(r, 2)).collect();
    assert!(genres.iter().any(|g| g == "(no genres listed)"));
    assert!(genres.iter().all(|g| !g.is_empty()));
}

#[test]
fn u_item_is_latin1_with_the_real_quirks() {
    let f = fixture();
    let data = f.bytes("movielens/u.item");
    assert!(std::str::from_utf8(&data).is_err(), "accented titles must be latin-1 bytes, not UTF-8");
    assert!(data.iter().any(|&b| b >= 0xc0), "some accented letters");
    let text: String = data.iter().map(|&b| b as char).collect();
    let (_, latest) = f.csv("movielens-latest/movies.csv");
    let mut unknown = 0;
    for (line, movie) in text.lines().zip(&latest) {
        let fields: Vec<&str> = line.split('|').collect();
        assert_eq!(fields.len(), 24, "{line}");
        assert!(fields[5..].iter().all(|x| *x == "0" || *x == "1"));
        if fields[1] == "unknown" {
            unknown += 1;
            assert_eq!(&fields[2..5], ["", "", ""]);
            continue;
        }
        assert_eq!(fields[1], field(movie, 1), "same title in both layouts");
        if !fields[2].is_empty() {
            let parts: Vec<&str> = fields[2].split('-').collect();
            assert!(parts.len() == 3 && parts[0].len() == 2 && vocabulary::MONTHS.contains(&parts[1]), "{line}");
            assert!(fields[1].ends_with(&format!("({})", parts[2])));
        }
        if !fields[4].is_empty() {
            assert!(fields[4].starts_with("http://us.imdb.com/M/title-exact?") && !fields[4].contains(' '));
        }
    }
    assert_eq!(unknown, 1);
    let genres = f.text("movielens/u.genre");
    assert!(genres.starts_with("unknown|0\nAction|1\n") && genres.ends_with("Western|18\n\n"));
    let occupations = f.text("movielens/u.occupation");
    assert_eq!(occupations.lines().count(), 21);
    assert!(occupations.starts_with("administrator\nartist\n") && occupations.ends_with("writer\n"));
    let users = f.text("movielens/u.user");
    for line in users.lines() {
        let x: Vec<&str> = line.split('|').collect();
        assert_eq!(x.len(), 5);
        assert!(x[2] == "M" || x[2] == "F");
        assert!(vocabulary::ML_OCCUPATIONS.iter().any(|o| o.0 == x[3]));
    }
}

#[test]
fn movielens_layouts_hold_the_same_ratings_and_users_rate_at_least_twenty_films() {
    let f = fixture();
    let data = f.text("movielens/u.data");
    let mut per_user: HashMap<u32, usize> = HashMap::new();
    let mut pairs = HashSet::new();
    for line in data.lines() {
        let x: Vec<&str> = line.split('\t').collect();
        assert_eq!(x.len(), 4);
        let user: u32 = x[0].parse().expect("user");
        let rating: u8 = x[2].parse().expect("rating");
        assert!((1..=5).contains(&rating));
        assert!(x[3].parse::<i64>().is_ok_and(|t| t > 800_000_000));
        *per_user.entry(user).or_default() += 1;
        assert!(pairs.insert((x[0].to_string(), x[1].to_string())), "duplicate rating {line}");
    }
    assert_eq!(pairs.len(), 20_000, "at least 20k ratings");
    assert_eq!(per_user.len() as u64, f.rows("u.user"));
    assert!(per_user.values().all(|&n| n >= 20));
    let raw = f.bytes("movielens-latest/ratings.csv");
    assert!(raw.starts_with(b"userId,movieId,rating,timestamp\r\n"));
    let lf = raw.iter().filter(|&&b| b == b'\n').count();
    let crlf = raw.windows(2).filter(|w| w == b"\r\n").count();
    assert_eq!(lf, crlf, "all line endings are CRLF");
    let (_, ratings) = f.csv("movielens-latest/ratings.csv");
    assert_eq!(ratings.len(), 20_000);
    let mut sum = 0.0;
    for r in &ratings {
        let v: f64 = field(r, 2).parse().expect("rating");
        assert!((0.5..=5.0).contains(&v) && (v * 2.0).fract() == 0.0);
        sum += v;
    }
    let mean = sum / ratings.len() as f64;
    assert!((3.0..4.2).contains(&mean), "mean rating {mean}");
    let keys: Vec<(u32, u32)> =
        ratings.iter().map(|r| (field(r, 0).parse().unwrap_or(0), field(r, 1).parse().unwrap_or(0))).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "ratings.csv sorted by user then movie");
    for name in ["movies.csv", "tags.csv", "links.csv"] {
        let raw = f.bytes(&format!("movielens-latest/{name}"));
        let lf = raw.iter().filter(|&&b| b == b'\n').count();
        assert_eq!(lf, raw.windows(2).filter(|w| w == b"\r\n").count(), "{name} CRLF");
    }
    let movies = f.text("movielens-latest/movies.csv");
    assert!(movies.lines().any(|l| l.contains(",\"") && l.contains(", ")), "titles with commas are quoted");
}

#[test]
fn tmdb_files_have_the_real_columns_and_agree_with_imdb() {
    let f = fixture();
    let (header, movies) = f.csv("tmdb/tmdb_5000_movies.csv");
    assert_eq!(
        header.join(","),
        "budget,genres,homepage,id,keywords,original_language,original_title,overview,popularity,production_companies,production_countries,release_date,revenue,runtime,spoken_languages,status,tagline,title,vote_average,vote_count"
    );
    assert!(movies.len() >= 50);
    let mut zero_budget = 0;
    for m in &movies {
        assert_eq!(m.len(), 20);
        zero_budget += usize::from(field(m, 0) == "0");
        for col in [1, 4, 9, 10, 14] {
            let v: serde_json::Value = serde_json::from_str(&field(m, col)).expect("JSON array");
            assert!(v.is_array());
        }
        let countries: serde_json::Value = serde_json::from_str(&field(m, 10)).unwrap_or_default();
        assert!(countries[0]["iso_3166_1"].is_string() && countries[0]["name"].is_string());
    }
    assert!(zero_budget > 0, "budget 0 means unknown and occurs");

    // Same films as IMDb: title, year, runtime, and the IMDb directors in the TMDB crew.
    let (_, basics) = f.tsv("imdb/title.basics.tsv.gz");
    let by_id: HashMap<&str, &Vec<String>> = basics.iter().map(|r| (r[0].as_str(), r)).collect();
    let (_, names) = f.tsv("imdb/name.basics.tsv.gz");
    let name_of: HashMap<&str, &str> = names.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    let (_, crew) = f.tsv("imdb/title.crew.tsv.gz");
    let directors: HashMap<&str, &str> = crew.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    let (_, links) = f.csv("movielens-latest/links.csv");
    let tmdb_to_imdb: HashMap<String, String> =
        links.iter().map(|l| (field(l, 2), format!("tt{}", field(l, 1)))).collect();
    let (_, credits) = f.csv("tmdb/tmdb_5000_credits.csv");
    assert_eq!(credits.len(), movies.len());
    let crew_by_movie: HashMap<String, serde_json::Value> =
        credits.iter().map(|c| (field(c, 0), serde_json::from_str(&field(c, 3)).unwrap_or_default())).collect();
    let mut matched = 0;
    for m in &movies {
        let Some(tconst) = tmdb_to_imdb.get(&field(m, 3)) else { continue };
        let row = by_id[tconst.as_str()];
        assert_eq!(field(m, 17), row[2], "title");
        assert_eq!(field(m, 6), row[3], "original title");
        let date = field(m, 11);
        if !date.is_empty() {
            assert_eq!(&date[..4], row[5], "year");
        }
        let runtime = field(m, 13);
        assert_eq!(if runtime.is_empty() { "\\N".to_string() } else { runtime }, row[7], "runtime");
        let crew = &crew_by_movie[&field(m, 3)];
        if let Some(ds) = directors.get(tconst.as_str()).filter(|d| **d != "\\N") {
            for d in ds.split(',') {
                let listed = crew
                    .as_array()
                    .is_some_and(|a| a.iter().any(|c| c["job"] == "Director" && c["name"] == name_of[d]));
                assert!(listed, "{tconst}: director {d} missing from TMDB crew");
            }
        }
        matched += 1;
    }
    assert!(matched >= 30, "TMDB and MovieLens share films ({matched})");
    let cast: serde_json::Value = serde_json::from_str(&field(&credits[0], 2)).unwrap_or_default();
    let first = &cast[0];
    for k in ["cast_id", "character", "credit_id", "gender", "id", "name", "order"] {
        assert!(!first[k].is_null(), "cast item lacks {k}");
    }
}

/// Counts rows a strict reader would quarantine in a TSV/pipe file.
fn invalid_rows(
    lines: &[&[u8]],
    check: impl Fn(&[&str]) -> bool,
    key_len: usize,
    delim: u8,
    dup_is_error: bool,
) -> u64 {
    let mut bad = 0;
    let mut prev: Option<Vec<Vec<u8>>> = None;
    for line in lines {
        let raw: Vec<&[u8]> = line.split(|&b| b == delim).collect();
        let key: Vec<Vec<u8>> = raw.iter().take(key_len).map(|x| x.to_vec()).collect();
        let ok = match std::str::from_utf8(line) {
            Ok(s) => {
                let fields: Vec<&str> = s.split(delim as char).collect();
                check(&fields) && !(dup_is_error && prev.as_ref() == Some(&key))
            }
            Err(_) => false,
        };
        bad += u64::from(!ok);
        prev = Some(key);
    }
    bad
}

fn year_ok(s: &str, lo: i32, hi: i32) -> bool {
    s == "\\N" || s.parse::<i32>().is_ok_and(|y| (lo..=hi).contains(&y))
}

fn nconst_list(s: &str) -> bool {
    s == "\\N" || s.split(',').all(|x| is_id(x, "nm"))
}

#[test]
fn corrupt_share_reports_the_rows_it_broke() {
    let f = fixture_with(&GenerateOptions { corrupt_share: 0.04, ..opts(5) });
    let lines = |rel: &str, skip_header: bool| -> Vec<Vec<u8>> {
        let data = f.bytes(rel);
        let mut v: Vec<Vec<u8>> =
            data.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec()).collect();
        if v.last().is_some_and(|l| l.is_empty()) {
            v.pop();
        }
        if skip_header {
            v.remove(0);
        }
        v
    };
    type Check = fn(&[&str]) -> bool;
    let imdb: [(&str, usize, usize, Check); 7] = [
        ("title.basics.tsv.gz", 1, 9, |x| {
            is_id(x[0], "tt")
                && year_ok(x[5], 1874, 2031)
                && year_ok(x[6], 1874, 2031)
                && (x[7] == "\\N" || x[7].parse::<u32>().is_ok_and(|m| (1..=320).contains(&m)))
        }),
        ("title.ratings.tsv.gz", 1, 3, |x| {
            is_id(x[0], "tt")
                && x[1].parse::<f64>().is_ok_and(|r| (1.0..=10.0).contains(&r))
                && x[2].parse::<i64>().is_ok_and(|v| v >= 5)
        }),
        ("title.principals.tsv.gz", 2, 6, |x| {
            is_id(x[0], "tt") && x[1].parse::<u32>().is_ok_and(|o| o >= 1) && is_id(x[2], "nm")
        }),
        ("title.crew.tsv.gz", 1, 3, |x| is_id(x[0], "tt") && nconst_list(x[1]) && nconst_list(x[2])),
        ("title.akas.tsv.gz", 2, 8, |x| is_id(x[0], "tt") && (x[7] == "0" || x[7] == "1")),
        ("title.episode.tsv.gz", 1, 4, |x| {
            is_id(x[0], "tt") && is_id(x[1], "tt") && (x[2] == "\\N" || x[2].parse::<u32>().is_ok_and(|s| s >= 1))
        }),
        ("name.basics.tsv.gz", 1, 6, |x| is_id(x[0], "nm") && year_ok(x[2], 1, 2100) && year_ok(x[3], 1, 2100)),
    ];
    for (name, key_len, width, check) in imdb {
        let all = lines(&format!("imdb/{name}"), true);
        let refs: Vec<&[u8]> = all.iter().map(|l| l.as_slice()).collect();
        let bad = invalid_rows(&refs, |x| x.len() == width && check(x), key_len, b'\t', true);
        let reported = f.summary.file(name).map_or(0, |x| x.corrupted_rows);
        assert!(reported > 0, "{name}: nothing corrupted");
        assert_eq!(bad, reported, "{name}: quarantinable rows vs reported");
        assert_eq!(all.len() as u64, f.rows(name));
    }
    let num = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    type Rule<'a> = (&'a str, u8, usize, bool, Box<dyn Fn(&[&str]) -> bool>);
    let ml: [Rule; 7] = [
        (
            "movielens/u.data",
            b'\t',
            2,
            true,
            Box::new(move |x: &[&str]| {
                x.len() == 4
                    && num(x[0])
                    && num(x[1])
                    && x[2].parse::<u8>().is_ok_and(|r| (1..=5).contains(&r))
                    && num(x[3])
            }),
        ),
        (
            "movielens/u.user",
            b'|',
            1,
            true,
            Box::new(move |x: &[&str]| {
                x.len() == 5
                    && num(x[0])
                    && x[1].parse::<u8>().is_ok_and(|a| (1..=120).contains(&a))
                    && (x[2] == "M" || x[2] == "F")
            }),
        ),
        (
            "movielens/u.item",
            b'|',
            1,
            true,
            Box::new(move |x: &[&str]| {
                x.len() == 24
                    && num(x[0])
                    && x[5..].iter().all(|g| *g == "0" || *g == "1")
                    && (x[2].is_empty() || (x[2].len() == 11 && vocabulary::MONTHS.contains(&&x[2][3..6])))
            }),
        ),
        (
            "movielens-latest/ratings.csv",
            b',',
            2,
            true,
            Box::new(move |x: &[&str]| {
                x.len() == 4
                    && num(x[0])
                    && num(x[1])
                    && x[2].parse::<f64>().is_ok_and(|r| (0.5..=5.0).contains(&r) && (r * 2.0).fract() == 0.0)
                    && num(x[3])
            }),
        ),
        (
            "movielens-latest/links.csv",
            b',',
            1,
            true,
            Box::new(move |x: &[&str]| {
                x.len() == 3 && num(x[0]) && x[1].len() >= 7 && num(x[1]) && (x[2].is_empty() || num(x[2]))
            }),
        ),
        (
            "movielens-latest/tags.csv",
            b',',
            2,
            false,
            Box::new(move |x: &[&str]| x.len() == 4 && num(x[0]) && num(x[1]) && num(x[3])),
        ),
        ("movielens-latest/movies.csv", b',', 1, true, Box::new(move |x: &[&str]| x.len() == 3 && num(x[0]))),
    ];
    for (rel, delim, key_len, dup, check) in ml {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let reported = f.summary.file(name).map_or(0, |x| x.corrupted_rows);
        let bad = if delim == b',' {
            // Parse CSV properly (quoted commas), then validate the fields.
            let data = f.bytes(rel);
            let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(&data[..]);
            let mut bad = 0;
            let mut prev: Option<Vec<Vec<u8>>> = None;
            for rec in r.byte_records() {
                let rec = rec.expect("record");
                let key: Vec<Vec<u8>> = rec.iter().take(key_len).map(|x| x.to_vec()).collect();
                let ok = match rec.iter().map(std::str::from_utf8).collect::<Result<Vec<&str>, _>>() {
                    Ok(fields) => check(&fields) && !(dup && prev.as_ref() == Some(&key)),
                    Err(_) => false,
                };
                bad += u64::from(!ok);
                prev = Some(key);
            }
            bad
        } else {
            // u.item is latin-1: validate its bytes as latin-1 text.
            let all = lines(rel, false);
            let latin: Vec<Vec<u8>> =
                all.iter().map(|l| l.iter().map(|&b| b as char).collect::<String>().into_bytes()).collect();
            let refs: Vec<&[u8]> = latin.iter().map(|l| l.as_slice()).collect();
            invalid_rows(&refs, |x| check(x), key_len, delim, dup)
        };
        assert_eq!(bad, reported, "{rel}: quarantinable rows vs reported");
    }
    let udata = f.summary.file("u.data").map_or(0, |x| x.corrupted_rows);
    assert!(udata > 100, "about 4% of 20k ratings broken, got {udata}");
    assert_eq!(f.summary.file("u.genre").map(|x| x.corrupted_rows), Some(0), "reference lists stay intact");
}

#[test]
fn planted_structure_shows_in_the_ratings() {
    let f = fixture_with(&GenerateOptions { scale: 0.002, ..opts(3) });
    let (_, basics) = f.tsv("imdb/title.basics.tsv.gz");
    let genres: HashMap<&str, &str> = basics.iter().map(|r| (r[0].as_str(), r[8].as_str())).collect();
    let (_, ratings) = f.tsv("imdb/title.ratings.tsv.gz");
    let mean_for = |g: &str| {
        let v: Vec<f64> = ratings
            .iter()
            .filter(|r| genres.get(r[0].as_str()).is_some_and(|x| x.split(',').any(|y| y == g)))
            .filter_map(|r| r[1].parse().ok())
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    assert!(mean_for("Documentary") > mean_for("Horror") + 0.8, "documentaries rate above horror");

    // A director's films share their talent: ratings of films by the same director correlate.
    let (_, crew) = f.tsv("imdb/title.crew.tsv.gz");
    let rating: HashMap<&str, f64> = ratings.iter().filter_map(|r| Some((r[0].as_str(), r[1].parse().ok()?))).collect();
    let mut by_director: HashMap<&str, Vec<f64>> = HashMap::new();
    for r in &crew {
        if let (Some(&x), Some(d)) = (rating.get(r[0].as_str()), r[1].split(',').next().filter(|d| *d != "\\N")) {
            by_director.entry(d).or_default().push(x);
        }
    }
    let pairs: Vec<(f64, f64)> = by_director
        .values()
        .filter(|v| v.len() >= 2)
        .flat_map(|v| v.windows(2).map(|w| (w[0], w[1])).collect::<Vec<_>>())
        .collect();
    assert!(pairs.len() > 50);
    let n = pairs.len() as f64;
    let (ma, mb) = (pairs.iter().map(|p| p.0).sum::<f64>() / n, pairs.iter().map(|p| p.1).sum::<f64>() / n);
    let cov = pairs.iter().map(|p| (p.0 - ma) * (p.1 - mb)).sum::<f64>() / n;
    let (sa, sb) = (
        (pairs.iter().map(|p| (p.0 - ma).powi(2)).sum::<f64>() / n).sqrt(),
        (pairs.iter().map(|p| (p.1 - mb).powi(2)).sum::<f64>() / n).sqrt(),
    );
    assert!(cov / (sa * sb) > 0.1, "same-director correlation {}", cov / (sa * sb));
}

#[test]
fn invalid_options_are_refused_and_no_partial_files_remain() {
    let dir = tempfile::tempdir().expect("temp dir");
    for bad in [0.0, -1.0, f64::NAN] {
        let o = GenerateOptions { scale: bad, ..opts(1) };
        assert!(matches!(generate(&o, dir.path(), &|_, _| {}), Err(GenerateError::InvalidOptions(_))));
    }
    let o = GenerateOptions { corrupt_share: 1.5, ..opts(1) };
    assert!(matches!(generate(&o, dir.path(), &|_, _| {}), Err(GenerateError::InvalidOptions(_))));
    let f = fixture();
    for sub in [IMDB_DIR, MOVIELENS_DIR, MOVIELENS_LATEST_DIR, TMDB_DIR] {
        for entry in std::fs::read_dir(f.raw.join(sub)).expect("dir") {
            let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
            assert!(!name.ends_with(".partial"), "{name} left behind");
        }
    }
}

#[test]
fn progress_is_reported_for_every_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let seen = Mutex::new(HashMap::<String, u64>::new());
    let progress = |name: &str, rows: u64| {
        if let Ok(mut s) = seen.lock() {
            s.insert(name.to_string(), rows);
        }
    };
    let summary = generate(&opts(2), &dir.path().join("raw"), &progress).expect("generate");
    let seen = seen.into_inner().unwrap_or_default();
    for f in &summary.files {
        let name = f.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        assert_eq!(seen.get(&name), Some(&f.rows), "{name}");
    }
}

#[test]
fn an_output_folder_that_cannot_be_created_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocker = dir.path().join("raw");
    std::fs::write(&blocker, b"a file where the folder should be").expect("write");
    match generate(&opts(1), &blocker, &|_, _| {}) {
        Err(e @ GenerateError::CreateDir { .. }) => assert!(e.to_string().contains("raw"), "{e}"),
        other => panic!("expected CreateDir, got {other:?}"),
    }
}
