//! IMDb non-commercial dumps: file names, official headers, lake columns and one row parser per file.
//!
//! Format: TAB-separated, one header row, `\N` for null, no quoting, comma-joined lists.

use super::batch::{BatchBuilder, Columns, Kind};
use super::fields::{Reject, flag, float_in, int_in, person_id, required, title_id};
use super::keys::{GroupedKeys, IdSet, KeyReport, KeySpace, Reference};
use super::{Dialect, Encoding, RowParser};
use crate::lake::tables;

pub const DIALECT: Dialect = Dialect { separator: "\t", header: true, encoding: Encoding::Utf8 };

/// The null marker of the dumps.
pub const NULL: &str = "\\N";

/// Film years outside this range are impossible (the first films date from the late 1880s).
pub const YEARS: std::ops::RangeInclusive<i64> = 1870..=2100;
/// People's birth and death years (historical people, e.g. writers adapted centuries later, are fine).
pub const PERSON_YEARS: std::ops::RangeInclusive<i64> = 1..=2100;
/// Runtimes kept as given. Above 1,000 minutes they are unusual but real (a 1914 serial catalogued as one
/// title runs 1,428 minutes, experimental films run for days): kept and counted in the manifest's notes.
/// Outside the range (zero, negative, beyond 100,000 minutes) the runtime alone is nulled and counted: the
/// title, its credits and akas stay.
pub const RUNTIMES: std::ops::RangeInclusive<i64> = 1..=100_000;
/// Runtimes above this many minutes are counted as unusual.
pub const LONG_RUNTIME: i64 = 1000;
pub const RATINGS: std::ops::RangeInclusive<f64> = 1.0..=10.0;

/// The seven files, by base name (a `.gz` suffix is optional).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImdbFile {
    TitleBasics,
    TitleRatings,
    TitlePrincipals,
    TitleCrew,
    TitleAkas,
    TitleEpisode,
    NameBasics,
}

impl ImdbFile {
    pub const ALL: [ImdbFile; 7] = [
        Self::TitleBasics,
        Self::TitleRatings,
        Self::TitlePrincipals,
        Self::TitleCrew,
        Self::TitleAkas,
        Self::TitleEpisode,
        Self::NameBasics,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            Self::TitleBasics => "title.basics.tsv",
            Self::TitleRatings => "title.ratings.tsv",
            Self::TitlePrincipals => "title.principals.tsv",
            Self::TitleCrew => "title.crew.tsv",
            Self::TitleAkas => "title.akas.tsv",
            Self::TitleEpisode => "title.episode.tsv",
            Self::NameBasics => "name.basics.tsv",
        }
    }

    /// The official header: column names in order (their number is the field count).
    pub fn header(self) -> &'static [&'static str] {
        match self {
            Self::TitleBasics => &[
                "tconst",
                "titleType",
                "primaryTitle",
                "originalTitle",
                "isAdult",
                "startYear",
                "endYear",
                "runtimeMinutes",
                "genres",
            ],
            Self::TitleRatings => &["tconst", "averageRating", "numVotes"],
            Self::TitlePrincipals => &["tconst", "ordering", "nconst", "category", "job", "characters"],
            Self::TitleCrew => &["tconst", "directors", "writers"],
            Self::TitleAkas => {
                &["titleId", "ordering", "title", "region", "language", "types", "attributes", "isOriginalTitle"]
            }
            Self::TitleEpisode => &["tconst", "parentTconst", "seasonNumber", "episodeNumber"],
            Self::NameBasics => {
                &["nconst", "primaryName", "birthYear", "deathYear", "primaryProfession", "knownForTitles"]
            }
        }
    }

    /// title.basics and title.ratings are needed for the catalogue; the others enrich it.
    pub fn required(self) -> bool {
        matches!(self, Self::TitleBasics | Self::TitleRatings)
    }

    pub fn parser(self) -> Box<dyn RowParser> {
        match self {
            Self::TitleBasics => Box::new(TitleBasics::default()),
            Self::TitleRatings => Box::new(TitleRatings::default()),
            Self::TitlePrincipals => Box::new(TitlePrincipals::default()),
            Self::TitleCrew => Box::new(TitleCrew::default()),
            Self::TitleAkas => Box::new(TitleAkas::default()),
            Self::TitleEpisode => Box::new(TitleEpisode::default()),
            Self::NameBasics => Box::new(NameBasics::default()),
        }
    }
}

/// Lake column names of the IMDb tables.
pub mod columns {
    pub const TITLE_ID: &str = "title_id";
    pub const TITLE_TYPE: &str = "title_type";
    pub const PRIMARY_TITLE: &str = "primary_title";
    pub const ORIGINAL_TITLE: &str = "original_title";
    pub const IS_ADULT: &str = "is_adult";
    pub const START_YEAR: &str = "start_year";
    pub const END_YEAR: &str = "end_year";
    pub const RUNTIME_MINUTES: &str = "runtime_minutes";
    pub const GENRES: &str = "genres";
    pub const AVERAGE_RATING: &str = "average_rating";
    pub const NUM_VOTES: &str = "num_votes";
    pub const PERSON_ID: &str = "person_id";
    pub const PRIMARY_NAME: &str = "primary_name";
    pub const BIRTH_YEAR: &str = "birth_year";
    pub const DEATH_YEAR: &str = "death_year";
    pub const PRIMARY_PROFESSION: &str = "primary_profession";
    pub const KNOWN_FOR_TITLES: &str = "known_for_titles";
    pub const ORDERING: &str = "ordering";
    pub const CATEGORY: &str = "category";
    pub const JOB: &str = "job";
    pub const CHARACTERS: &str = "characters";
    pub const DIRECTORS: &str = "directors";
    pub const WRITERS: &str = "writers";
    pub const EPISODE_ID: &str = "episode_id";
    pub const SERIES_ID: &str = "series_id";
    pub const SEASON_NUMBER: &str = "season_number";
    pub const EPISODE_NUMBER: &str = "episode_number";
    pub const TITLE: &str = "title";
    pub const REGION: &str = "region";
    pub const LANGUAGE: &str = "language";
    pub const TYPES: &str = "types";
    pub const ATTRIBUTES: &str = "attributes";
    pub const IS_ORIGINAL_TITLE: &str = "is_original_title";
}
use columns as c;

#[inline]
fn opt(value: &str) -> Option<&str> {
    if value == NULL { None } else { Some(value) }
}

#[inline]
fn opt_int(field: &str, value: &str, range: std::ops::RangeInclusive<i64>) -> Result<Option<i32>, Reject> {
    opt(value).map(|v| int_in(field, v, range).map(|n| n as i32)).transpose()
}

/// A comma-joined list field; `\N` is null.
#[inline]
fn list(value: &str) -> Option<std::str::Split<'_, char>> {
    opt(value).map(|v| v.split(','))
}

/// Checks every id of a comma-joined list of person ids and appends them to `ids`.
fn person_list(field: &str, value: &str, ids: &mut Vec<u32>) -> Result<(), Reject> {
    if let Some(items) = list(value) {
        for item in items {
            ids.push(person_id(field, item)?.0);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- title.basics → titles

#[derive(Default)]
pub struct TitleBasics {
    ids: IdSet,
    /// Runtimes over [`LONG_RUNTIME`] kept, and impossible ones nulled.
    long_runtimes: u64,
    nulled_runtimes: u64,
}

impl RowParser for TitleBasics {
    fn table(&self) -> &'static str {
        tables::TITLES
    }
    fn header(&self) -> &'static [&'static str] {
        ImdbFile::TitleBasics.header()
    }
    fn columns(&self) -> Columns {
        &[
            (c::TITLE_ID, Kind::Str),
            (c::TITLE_TYPE, Kind::Str),
            (c::PRIMARY_TITLE, Kind::Str),
            (c::ORIGINAL_TITLE, Kind::Str),
            (c::IS_ADULT, Kind::Bool),
            (c::START_YEAR, Kind::I32),
            (c::END_YEAR, Kind::I32),
            (c::RUNTIME_MINUTES, Kind::I32),
            (c::GENRES, Kind::StrList),
        ]
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let id = title_id("tconst", f[0])?;
        let title_type = required("titleType", opt(f[1]))?;
        let adult = flag("isAdult", f[4])?;
        let start = opt_int("startYear", f[5], YEARS)?;
        let end = opt_int("endYear", f[6], YEARS)?;
        let runtime = opt(f[7]).map(|v| int_in("runtimeMinutes", v, i64::MIN..=i64::MAX)).transpose()?;
        if !self.ids.insert(id.0) {
            return Err(Reject::duplicate(f[0]));
        }
        let runtime = runtime.and_then(|n| {
            self.long_runtimes += u64::from(n > LONG_RUNTIME && RUNTIMES.contains(&n));
            self.nulled_runtimes += u64::from(!RUNTIMES.contains(&n));
            RUNTIMES.contains(&n).then_some(n as i32)
        });
        out.str(0, Some(f[0]));
        out.str(1, Some(title_type));
        out.str(2, opt(f[2]));
        out.str(3, opt(f[3]));
        out.bool(4, Some(adult));
        out.i32(5, start);
        out.i32(6, end);
        out.i32(7, runtime);
        out.list(8, list(f[8]));
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: Some((KeySpace::ImdbTitle, self.ids)), references: Vec::new() }
    }
    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.long_runtimes > 0 {
            notes.push(format!(
                "titles with a runtime over {LONG_RUNTIME} minutes (serials catalogued as one title, experimental \
                 films), kept as given: {}",
                self.long_runtimes
            ));
        }
        if self.nulled_runtimes > 0 {
            notes.push(format!(
                "titles with an impossible runtime (outside {}..={} minutes), kept with the runtime left empty: {}",
                RUNTIMES.start(),
                RUNTIMES.end(),
                self.nulled_runtimes
            ));
        }
        notes
    }
}

// ---------------------------------------------------------------- title.ratings → imdb_ratings

pub struct TitleRatings {
    titles: Reference,
}

impl Default for TitleRatings {
    fn default() -> Self {
        Self { titles: Reference::new("tconst", KeySpace::ImdbTitle) }
    }
}

impl RowParser for TitleRatings {
    fn table(&self) -> &'static str {
        tables::IMDB_RATINGS
    }
    fn header(&self) -> &'static [&'static str] {
        ImdbFile::TitleRatings.header()
    }
    fn columns(&self) -> Columns {
        &[(c::TITLE_ID, Kind::Str), (c::AVERAGE_RATING, Kind::F64), (c::NUM_VOTES, Kind::I32)]
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let id = title_id("tconst", f[0])?;
        let rating = float_in("averageRating", f[1], RATINGS)?;
        let votes = int_in("numVotes", f[2], 0..=i64::from(i32::MAX))?;
        if !self.titles.ids.insert(id.0) {
            return Err(Reject::duplicate(f[0]));
        }
        out.str(0, Some(f[0]));
        out.f64(1, Some(rating));
        out.i32(2, Some(votes as i32));
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: None, references: vec![self.titles] }
    }
}

// ---------------------------------------------------------------- title.principals → credits

pub struct TitlePrincipals {
    keys: GroupedKeys,
    titles: Reference,
    people: Reference,
    characters: Vec<String>,
}

impl Default for TitlePrincipals {
    fn default() -> Self {
        Self {
            keys: GroupedKeys::default(),
            titles: Reference::new("tconst", KeySpace::ImdbTitle),
            people: Reference::new("nconst", KeySpace::ImdbPerson),
            characters: Vec::new(),
        }
    }
}

impl RowParser for TitlePrincipals {
    fn table(&self) -> &'static str {
        tables::CREDITS
    }
    fn header(&self) -> &'static [&'static str] {
        ImdbFile::TitlePrincipals.header()
    }
    fn columns(&self) -> Columns {
        &[
            (c::TITLE_ID, Kind::Str),
            (c::ORDERING, Kind::I32),
            (c::PERSON_ID, Kind::Str),
            (c::CATEGORY, Kind::Str),
            (c::JOB, Kind::Str),
            (c::CHARACTERS, Kind::StrList),
        ]
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let title = title_id("tconst", f[0])?;
        let ordering = int_in("ordering", f[1], 1..=100_000)?;
        let person = person_id("nconst", f[2])?;
        let category = required("category", opt(f[3]))?;
        let has_characters = match opt(f[5]) {
            Some(json) => {
                parse_json_strings(json, &mut self.characters)
                    .map_err(|why| Reject::invalid("characters", json, why))?;
                true
            }
            None => false,
        };
        if !self.keys.insert(title.0, ordering) {
            return Err(Reject::duplicate(format_args!("{} ordering {ordering}", f[0])));
        }
        self.titles.ids.insert(title.0);
        self.people.ids.insert(person.0);
        out.str(0, Some(f[0]));
        out.i32(1, Some(ordering as i32));
        out.str(2, Some(f[2]));
        out.str(3, Some(category));
        out.str(4, opt(f[4]));
        out.list(5, has_characters.then(|| self.characters.iter().map(String::as_str)));
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: None, references: vec![self.titles, self.people] }
    }
    fn notes(&self) -> Vec<String> {
        grouping_note(&self.keys)
    }
}

fn grouping_note(keys: &GroupedKeys) -> Vec<String> {
    if keys.regrouped_rows == 0 {
        return Vec::new();
    }
    vec![format!(
        "{} rows belong to a title seen earlier in the file (not grouped by title): duplicates across groups are not checked",
        keys.regrouped_rows
    )]
}

/// Parses a JSON array of strings (`["Neo","Thomas A. Anderson"]`) into `out`.
/// Most values have no escapes, so they are split directly; others go through serde_json.
pub fn parse_json_strings(json: &str, out: &mut Vec<String>) -> Result<(), &'static str> {
    out.clear();
    let inner = json.strip_prefix('[').and_then(|s| s.strip_suffix(']')).ok_or("is not a JSON array")?;
    if inner.trim().is_empty() {
        return Ok(());
    }
    if !json.contains('\\') {
        let body = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')).ok_or("is not a JSON array of strings")?;
        // Without escapes a `"` can only delimit strings, so `","` always separates two items.
        for item in body.split("\",\"") {
            if item.contains('"') {
                return Err("is not a JSON array of strings");
            }
            out.push(item.to_owned());
        }
        return Ok(());
    }
    *out = serde_json::from_str::<Vec<String>>(json).map_err(|_| "is not a JSON array of strings")?;
    Ok(())
}

// ---------------------------------------------------------------- title.crew → crew

pub struct TitleCrew {
    ids: IdSet,
    titles: Reference,
    people: Reference,
    /// The row's person ids, recorded only once the whole row is valid (reused: no allocation per row).
    row_people: Vec<u32>,
}

impl Default for TitleCrew {
    fn default() -> Self {
        Self {
            ids: IdSet::default(),
            titles: Reference::new("tconst", KeySpace::ImdbTitle),
            people: Reference::new("directors/writers", KeySpace::ImdbPerson),
            row_people: Vec::new(),
        }
    }
}

impl RowParser for TitleCrew {
    fn table(&self) -> &'static str {
        tables::CREW
    }
    fn header(&self) -> &'static [&'static str] {
        ImdbFile::TitleCrew.header()
    }
    fn columns(&self) -> Columns {
        &[(c::TITLE_ID, Kind::Str), (c::DIRECTORS, Kind::StrList), (c::WRITERS, Kind::StrList)]
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let title = title_id("tconst", f[0])?;
        self.row_people.clear();
        person_list("directors", f[1], &mut self.row_people)?;
        person_list("writers", f[2], &mut self.row_people)?;
        if !self.ids.insert(title.0) {
            return Err(Reject::duplicate(f[0]));
        }
        self.titles.ids.insert(title.0);
        for &id in &self.row_people {
            self.people.ids.insert(id);
        }
        out.str(0, Some(f[0]));
        out.list(1, list(f[1]));
        out.list(2, list(f[2]));
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: None, references: vec![self.titles, self.people] }
    }
}

// ---------------------------------------------------------------- title.akas → akas

pub struct TitleAkas {
    keys: GroupedKeys,
    titles: Reference,
}

impl Default for TitleAkas {
    fn default() -> Self {
        Self { keys: GroupedKeys::default(), titles: Reference::new("titleId", KeySpace::ImdbTitle) }
    }
}

/// `types` and `attributes` may hold several values, separated by the 0x02 control character.
#[inline]
fn multi(value: &str) -> Option<std::str::Split<'_, char>> {
    opt(value).map(|v| v.split('\u{2}'))
}

impl RowParser for TitleAkas {
    fn table(&self) -> &'static str {
        tables::AKAS
    }
    fn header(&self) -> &'static [&'static str] {
        ImdbFile::TitleAkas.header()
    }
    fn columns(&self) -> Columns {
        &[
            (c::TITLE_ID, Kind::Str),
            (c::ORDERING, Kind::I32),
            (c::TITLE, Kind::Str),
            (c::REGION, Kind::Str),
            (c::LANGUAGE, Kind::Str),
            (c::TYPES, Kind::StrList),
            (c::ATTRIBUTES, Kind::StrList),
            (c::IS_ORIGINAL_TITLE, Kind::Bool),
        ]
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let title = title_id("titleId", f[0])?;
        let ordering = int_in("ordering", f[1], 1..=1_000_000)?;
        let original = opt(f[7]).map(|v| flag("isOriginalTitle", v)).transpose()?;
        if !self.keys.insert(title.0, ordering) {
            return Err(Reject::duplicate(format_args!("{} ordering {ordering}", f[0])));
        }
        self.titles.ids.insert(title.0);
        out.str(0, Some(f[0]));
        out.i32(1, Some(ordering as i32));
        out.str(2, opt(f[2]));
        out.str(3, opt(f[3]));
        out.str(4, opt(f[4]));
        out.list(5, multi(f[5]));
        out.list(6, multi(f[6]));
        out.bool(7, original);
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: None, references: vec![self.titles] }
    }
    fn notes(&self) -> Vec<String> {
        grouping_note(&self.keys)
    }
}

// ---------------------------------------------------------------- title.episode → episodes

pub struct TitleEpisode {
    ids: IdSet,
    episodes: Reference,
    series: Reference,
}

impl Default for TitleEpisode {
    fn default() -> Self {
        Self {
            ids: IdSet::default(),
            episodes: Reference::new("tconst", KeySpace::ImdbTitle),
            series: Reference::new("parentTconst", KeySpace::ImdbTitle),
        }
    }
}

impl RowParser for TitleEpisode {
    fn table(&self) -> &'static str {
        tables::EPISODES
    }
    fn header(&self) -> &'static [&'static str] {
        ImdbFile::TitleEpisode.header()
    }
    fn columns(&self) -> Columns {
        &[
            (c::EPISODE_ID, Kind::Str),
            (c::SERIES_ID, Kind::Str),
            (c::SEASON_NUMBER, Kind::I32),
            (c::EPISODE_NUMBER, Kind::I32),
        ]
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let episode = title_id("tconst", f[0])?;
        let series = title_id("parentTconst", f[1])?;
        let season = opt_int("seasonNumber", f[2], 0..=1_000_000)?;
        let number = opt_int("episodeNumber", f[3], 0..=1_000_000)?;
        if !self.ids.insert(episode.0) {
            return Err(Reject::duplicate(f[0]));
        }
        self.episodes.ids.insert(episode.0);
        self.series.ids.insert(series.0);
        out.str(0, Some(f[0]));
        out.str(1, Some(f[1]));
        out.i32(2, season);
        out.i32(3, number);
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: None, references: vec![self.episodes, self.series] }
    }
}

// ---------------------------------------------------------------- name.basics → people

pub struct NameBasics {
    ids: IdSet,
    known_for: Reference,
    /// The row's knownForTitles ids, recorded only once the whole row is valid.
    row_titles: Vec<u32>,
}

impl Default for NameBasics {
    fn default() -> Self {
        Self {
            ids: IdSet::default(),
            known_for: Reference::new("knownForTitles", KeySpace::ImdbTitle),
            row_titles: Vec::new(),
        }
    }
}

impl RowParser for NameBasics {
    fn table(&self) -> &'static str {
        tables::PEOPLE
    }
    fn header(&self) -> &'static [&'static str] {
        ImdbFile::NameBasics.header()
    }
    fn columns(&self) -> Columns {
        &[
            (c::PERSON_ID, Kind::Str),
            (c::PRIMARY_NAME, Kind::Str),
            (c::BIRTH_YEAR, Kind::I32),
            (c::DEATH_YEAR, Kind::I32),
            (c::PRIMARY_PROFESSION, Kind::StrList),
            (c::KNOWN_FOR_TITLES, Kind::StrList),
        ]
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let person = person_id("nconst", f[0])?;
        let birth = opt_int("birthYear", f[2], PERSON_YEARS)?;
        let death = opt_int("deathYear", f[3], PERSON_YEARS)?;
        self.row_titles.clear();
        if let Some(items) = list(f[5]) {
            for item in items {
                self.row_titles.push(title_id("knownForTitles", item)?.0);
            }
        }
        if !self.ids.insert(person.0) {
            return Err(Reject::duplicate(f[0]));
        }
        for &id in &self.row_titles {
            self.known_for.ids.insert(id);
        }
        out.str(0, Some(f[0]));
        out.str(1, opt(f[1]));
        out.i32(2, birth);
        out.i32(3, death);
        out.list(4, list(f[4]));
        out.list(5, list(f[5]));
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: Some((KeySpace::ImdbPerson, self.ids)), references: vec![self.known_for] }
    }
}

/// Undoes the RFC-4180 quoting that a CSV writer adds to IMDb fields containing `"`
/// (`"[""Self""]"` → `["Self"]`). Only applied to files detected as rewritten that way.
pub fn csv_unquote(field: &str) -> Option<String> {
    let inner = field.strip_prefix('"')?.strip_suffix('"')?;
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            if bytes.get(i + 1) != Some(&b'"') {
                return None; // a lone quote inside: not a CSV-quoted field
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    Some(inner.replace("\"\"", "\""))
}

/// True when a line has a field that only a CSV writer would produce: quoted, with doubled quotes inside.
pub fn looks_csv_quoted(line: &str) -> bool {
    line.split('\t').any(|f| f.len() > 2 && f.contains("\"\"") && csv_unquote(f).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::fields::RejectKind;

    fn push(parser: &mut dyn RowParser, line: &str) -> Result<(), Reject> {
        let mut out = BatchBuilder::new(parser.columns(), 16);
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), parser.header().len(), "test line has the wrong field count");
        parser.push(&fields, &mut out)
    }

    #[test]
    fn a_valid_title_row_is_accepted() {
        let mut p = TitleBasics::default();
        push(&mut p, "tt0133093\tmovie\tThe Matrix\tThe Matrix\t0\t1999\t\\N\t136\tAction,Sci-Fi").unwrap();
    }

    #[test]
    fn impossible_title_values_are_rejected_with_their_field() {
        let cases = [
            ("tx0133093\tmovie\tA\tA\t0\t1999\t\\N\t136\tAction", RejectKind::MalformedId, "tconst"),
            ("tt0133093\tmovie\tA\tA\t0\t1700\t\\N\t136\tAction", RejectKind::OutOfRange, "startYear"),
            ("tt0133093\tmovie\tA\tA\t0\t2999\t\\N\t136\tAction", RejectKind::OutOfRange, "startYear"),
            ("tt0133093\tmovie\tA\tA\t0\t1999\t\\N\tlong\tAction", RejectKind::InvalidNumber, "runtimeMinutes"),
            ("tt0133093\tmovie\tA\tA\t0\tabcd\t\\N\t90\tAction", RejectKind::InvalidNumber, "startYear"),
            ("tt0133093\tmovie\tA\tA\t7\t1999\t\\N\t90\tAction", RejectKind::InvalidValue, "isAdult"),
        ];
        for (line, kind, field) in cases {
            let err = push(&mut TitleBasics::default(), line).unwrap_err();
            assert_eq!(err.kind, kind, "{line}");
            assert!(err.message.contains(field), "{}", err.message);
        }
    }

    #[test]
    fn unusual_runtimes_are_kept_and_impossible_ones_nulled_without_losing_the_title() {
        let mut p = TitleBasics::default();
        let rows = [
            "tt0004465\tmovie\tThe Hazards of Helen\tThe Hazards of Helen\t0\t1914\t\\N\t1428\tAction",
            "tt0000002\tmovie\tA\tA\t0\t1999\t\\N\t0\tAction",
            "tt0000003\tmovie\tB\tB\t0\t1999\t\\N\t900000\tAction",
            "tt0000004\tmovie\tC\tC\t0\t1999\t\\N\t95\tAction",
        ];
        for row in rows {
            push(&mut p, row).unwrap();
        }
        let notes = p.notes();
        assert!(notes.iter().any(|n| n.contains("over 1000 minutes") && n.ends_with(": 1")), "{notes:?}");
        assert!(notes.iter().any(|n| n.contains("impossible runtime") && n.ends_with(": 2")), "{notes:?}");
    }

    #[test]
    fn a_repeated_title_is_a_duplicate_key() {
        let mut p = TitleBasics::default();
        let line = "tt0000001\tshort\tCarmencita\tCarmencita\t0\t1894\t\\N\t1\tDocumentary,Short";
        push(&mut p, line).unwrap();
        assert_eq!(push(&mut p, line).unwrap_err().kind, RejectKind::DuplicateKey);
    }

    #[test]
    fn ratings_out_of_range_and_negative_votes_are_rejected() {
        let mut p = TitleRatings::default();
        assert_eq!(push(&mut p, "tt0000001\t11.3\t100").unwrap_err().kind, RejectKind::OutOfRange);
        assert_eq!(push(&mut p, "tt0000001\t5.6\t-3").unwrap_err().kind, RejectKind::OutOfRange);
        push(&mut p, "tt0000001\t5.6\t2100").unwrap();
    }

    #[test]
    fn characters_are_parsed_as_a_list() {
        let mut out = Vec::new();
        parse_json_strings(r#"["Neo","Thomas A. Anderson"]"#, &mut out).unwrap();
        assert_eq!(out, ["Neo", "Thomas A. Anderson"]);
        parse_json_strings(r#"["Sam \"Ace\" Rothstein"]"#, &mut out).unwrap();
        assert_eq!(out, ["Sam \"Ace\" Rothstein"]);
        parse_json_strings("[]", &mut out).unwrap();
        assert!(out.is_empty());
        assert!(parse_json_strings("Neo", &mut out).is_err());
        assert!(parse_json_strings(r#"["a" "b"]"#, &mut out).is_err());
    }

    #[test]
    fn a_person_list_with_a_bad_id_rejects_the_crew_row() {
        let mut p = TitleCrew::default();
        let err = push(&mut p, "tt0000001\tnm0000001,xx12\t\\N").unwrap_err();
        assert_eq!(err.kind, RejectKind::MalformedId);
        assert!(err.message.contains("directors"));
        push(&mut p, "tt0000001\tnm0000001,nm0000002\t\\N").unwrap();
        let keys = Box::new(p).into_keys();
        assert_eq!(keys.references[1].ids.len(), 2);
    }

    #[test]
    fn csv_quoted_fields_are_recognised_and_unquoted() {
        assert_eq!(csv_unquote(r#""[""Self""]""#).as_deref(), Some(r#"["Self"]"#));
        assert_eq!(csv_unquote(r#""play ""Hamlet""""#).as_deref(), Some(r#"play "Hamlet""#));
        assert_eq!(csv_unquote(r#""Kino-Pravda" No. 3"#), None);
        assert!(looks_csv_quoted("tt0000001\t1\tnm0000001\tself\t\\N\t\"[\"\"Self\"\"]\""));
        assert!(!looks_csv_quoted("tt0000001\t1\tnm0000001\tself\t\\N\t[\"Self\"]"));
    }
}
