//! The screenings commands: `screenings import FILE` (CSV or iCalendar, all or nothing: every bad row is
//! reported with its line and field), `screenings list`. A screening is a film (IMDb id or title) at a time in a
//! room, in a version (VF, VOST, VO), with an optional price, booking link and note; it may not be in the past
//! nor overlap another screening of the same room.
//!
//! - `ics`: reading RFC 5545 calendars (time zones, folded lines, RRULE, EXDATE).

pub mod ics;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use cinepicks_domain::InvalidConfig;
use cinepicks_store::entities::screening;
use cinepicks_store::queries::film_lookup::FilmLookup;
use cinepicks_store::queries::screenings::{NewScreening, ScreeningsImported};

use crate::context::{Context, Metrics, Report};

/// `screenings`: what a file leaves out.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScreeningsConfig {
    /// The room of a screening that names none (a single-screen cinema).
    pub default_room: String,
    /// The version of a screening that names none.
    pub default_version: Version,
    /// How far ahead repeating events (RRULE) of a calendar are expanded.
    pub recurrence_weeks: u32,
    /// The length assumed for a film without a known runtime (overlap check, end time in the feed).
    pub default_runtime_minutes: u32,
}

impl Default for ScreeningsConfig {
    fn default() -> Self {
        Self {
            default_room: "Salle 1".into(),
            default_version: Version::Vf,
            recurrence_weeks: 8,
            default_runtime_minutes: 120,
        }
    }
}

impl ScreeningsConfig {
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        if self.default_room.trim().is_empty() {
            return Err(InvalidConfig::new("screenings.default_room", "must not be empty"));
        }
        if !(1..=52).contains(&self.recurrence_weeks) {
            return Err(InvalidConfig::new("screenings.recurrence_weeks", "must be between 1 and 52"));
        }
        if !(30..=600).contains(&self.default_runtime_minutes) {
            return Err(InvalidConfig::new("screenings.default_runtime_minutes", "must be between 30 and 600"));
        }
        Ok(())
    }
}

/// The language a film is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum Version {
    /// Dubbed in French (version française).
    #[serde(rename = "VF")]
    Vf,
    /// Original language, French subtitles (version originale sous-titrée).
    #[serde(rename = "VOST")]
    Vost,
    /// Original language without subtitles.
    #[serde(rename = "VO")]
    Vo,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vf => "VF",
            Self::Vost => "VOST",
            Self::Vo => "VO",
        }
    }

    /// `VF`, `VOST` (or `VOSTFR`, `VOSTF`), `VO`, any case.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_uppercase().as_str() {
            "VF" | "VFF" => Some(Self::Vf),
            "VOST" | "VOSTFR" | "VOSTF" => Some(Self::Vost),
            "VO" => Some(Self::Vo),
            _ => None,
        }
    }
}

/// What `cinepicks screenings …` asks.
#[derive(Debug, Clone)]
pub enum ScreeningsCommand {
    /// Import screenings from a CSV file (see docs/commands.md) or an iCalendar file (.ics).
    Import { file: PathBuf, dry_run: bool },
    /// The screenings of the coming days.
    List { days: u32 },
}

/// The CSV's columns, in any order; `film` and `starts_at` are required.
pub const CSV_COLUMNS: [&str; 7] = ["film", "starts_at", "room", "version", "price", "booking_url", "note"];

pub fn run(ctx: &Context, command: &ScreeningsCommand) -> Result<ScreeningsReport> {
    crate::store::with_store(ctx, async |store| run_command(ctx, store, command).await)
}

async fn run_command(
    ctx: &Context,
    store: &cinepicks_store::Store,
    command: &ScreeningsCommand,
) -> Result<ScreeningsReport> {
    let now = ctx.clock.now();
    match command {
        ScreeningsCommand::Import { file, dry_run } => {
            let films = Films::load(store, ctx).await?;
            let read = read_file(ctx, file, &films, now)?;
            let (rows, mut problems) = (read.rows, read.problems);
            let programmed = programmed_days(ctx, &rows);
            // Stored screenings of the days the file programmes are replaced by it: not compared with it.
            let stored: Vec<screening::Model> = store
                .screenings_between(now - Duration::days(1), now + Duration::days(400))
                .await?
                .into_iter()
                .filter(|s| {
                    !programmed.iter().any(|(room, from, to)| *room == s.room && (*from..*to).contains(&s.starts_at))
                })
                .collect();
            // The rows that read well are checked against each other too, so that one pass names every problem.
            problems.extend(overlaps(ctx, &rows, &stored, &films));
            if !problems.is_empty() {
                return Err(refused(file, problems));
            }
            if *dry_run || ctx.dry_run {
                return Ok(ScreeningsReport::Checked { file: file.clone(), valid: rows.len() });
            }
            let screenings: Vec<NewScreening> = rows.into_iter().map(|r| r.screening).collect();
            let imported = store.import_screenings(&screenings, &programmed, now).await?;
            Ok(ScreeningsReport::Imported { file: file.clone(), imported, past_skipped: read.past_skipped })
        }
        ScreeningsCommand::List { days } => {
            let rows = store.screenings_between(now, now + Duration::days(i64::from(*days))).await?;
            let titles: HashMap<String, String> = store
                .all_films()
                .await?
                .into_iter()
                .map(|f| (f.film_id.clone(), f.title(ctx.config.locale).to_owned()))
                .collect();
            let lines = rows
                .into_iter()
                .map(|s| ScreeningLine {
                    starts_at: s.starts_at.with_timezone(&ctx.config.timezone).format("%a %d/%m %H:%M").to_string(),
                    title: titles.get(&s.film_id).cloned().unwrap_or_else(|| s.film_id.clone()),
                    room: s.room,
                    version: s.version,
                    note: s.note,
                })
                .collect();
            Ok(ScreeningsReport::Listed(lines))
        }
    }
}

/// The catalogue as the import needs it: ids and titles, and runtimes for the overlap check.
struct Films {
    lookup: FilmLookup,
    runtime: HashMap<String, i64>,
    titles: HashMap<String, String>,
    default_runtime: i64,
}

impl Films {
    async fn load(store: &cinepicks_store::Store, ctx: &Context) -> Result<Self> {
        let all = store.all_films().await?;
        Ok(Self {
            lookup: store.film_lookup().await?,
            runtime: all.iter().filter_map(|f| f.runtime_minutes.map(|r| (f.film_id.clone(), i64::from(r)))).collect(),
            titles: all.iter().map(|f| (f.film_id.clone(), f.title(ctx.config.locale).to_owned())).collect(),
            default_runtime: i64::from(ctx.config.screenings.default_runtime_minutes),
        })
    }

    fn runtime(&self, film_id: &str) -> Duration {
        Duration::minutes(self.runtime.get(film_id).copied().filter(|m| *m > 0).unwrap_or(self.default_runtime))
    }

    fn title<'a>(&'a self, film_id: &'a str) -> &'a str {
        self.titles.get(film_id).map_or(film_id, String::as_str)
    }
}

/// A screening read from a file, with the line it came from.
#[derive(Debug, Clone)]
struct Row {
    line: usize,
    screening: NewScreening,
}

/// One refused field: `line`, `field`, why.
type Problem = (usize, String, String);

fn refused(file: &Path, mut problems: Vec<Problem>) -> anyhow::Error {
    problems.sort();
    let name = file.display();
    let lines: Vec<String> =
        problems.iter().map(|(line, field, why)| format!("  {name} line {line}, field {field}: {why}")).collect();
    anyhow::anyhow!(
        "{} refused: {} problem(s), nothing imported:\n{}",
        file.display(),
        problems.len(),
        lines.join("\n")
    )
}

/// Reads a CSV or an iCalendar file (by its extension or content: a calendar starts with BEGIN:VCALENDAR): the
/// rows that read well, and the problems of the others.
fn read_file(ctx: &Context, file: &Path, films: &Films, now: DateTime<Utc>) -> Result<ReadFile> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let calendar = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("ics"))
        || text.trim_start_matches('\u{feff}').trim_start().to_ascii_uppercase().starts_with("BEGIN:VCALENDAR");
    let source = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    Ok(if calendar {
        from_calendar(ctx, &text, &source, films, now)
    } else {
        from_csv(ctx, &text, &source, films, now)
    })
}

/// What a file held: the rows that read well, the problems of the others, and how many events of a calendar
/// were already past (an export keeps last week's screenings: they are skipped, not refused).
struct ReadFile {
    rows: Vec<Row>,
    problems: Vec<Problem>,
    past_skipped: usize,
}

/// The rooms and days (in the cinema's time) the rows programme, as a room with the start and end of the day.
fn programmed_days(ctx: &Context, rows: &[Row]) -> Vec<(String, DateTime<Utc>, DateTime<Utc>)> {
    let tz = ctx.config.timezone;
    let start = |day| cinepicks_domain::calendar::start_of_day(day, &tz);
    let mut out: Vec<(String, DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for row in rows {
        let day = row.screening.starts_at.with_timezone(&tz).date_naive();
        let (Some(from), Some(to)) = (start(day), start(day + Duration::days(1))) else { continue };
        if !out.iter().any(|(room, f, _)| *room == row.screening.room && *f == from) {
            out.push((row.screening.room.clone(), from, to));
        }
    }
    out
}

fn from_calendar(ctx: &Context, text: &str, source: &str, films: &Films, now: DateTime<Utc>) -> ReadFile {
    let config = &ctx.config.screenings;
    let horizon = now + Duration::weeks(i64::from(config.recurrence_weeks));
    let events = match ics::parse(text, ctx.config.timezone, horizon) {
        Ok(events) => events,
        Err(errors) => {
            let problems = errors.into_iter().map(|e| (e.line, e.field, e.message)).collect();
            return ReadFile { rows: Vec::new(), problems, past_skipped: 0 };
        }
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut past_skipped = 0;
    for event in events {
        let (title, marked) = strip_version(&event.summary);
        let version = marked
            .or_else(|| event.categories.iter().find_map(|c| Version::parse(c)))
            .unwrap_or(config.default_version);
        // An IMDb id anywhere in the description or URL wins over the title.
        let id = [event.description.as_deref(), event.url.as_deref()].into_iter().flatten().find_map(imdb_id);
        let film = match id {
            Some(id) => films.lookup.resolve(&id),
            None => films.lookup.resolve(&title),
        };
        let film_id = match film {
            Ok(id) => id,
            Err(why) => {
                problems.push((event.line, "SUMMARY".into(), why.to_string()));
                continue;
            }
        };
        let booking_url = match event.url.as_deref().map(check_url).transpose() {
            Ok(url) => url,
            Err(why) => {
                problems.push((event.line, "URL".into(), why));
                continue;
            }
        };
        for starts_at in event.starts.iter().copied() {
            if starts_at < now {
                past_skipped += 1;
                continue;
            }
            rows.push(Row {
                line: event.line,
                screening: NewScreening {
                    film_id: film_id.clone(),
                    starts_at,
                    room: event.location.clone().unwrap_or_else(|| config.default_room.clone()),
                    version: version.as_str().to_owned(),
                    price_cents: None,
                    booking_url: booking_url.clone(),
                    note: None,
                    source: format!("import {source} line {}", event.line),
                },
            });
        }
    }
    ReadFile { rows, problems, past_skipped }
}

fn from_csv(ctx: &Context, text: &str, source: &str, films: &Films, now: DateTime<Utc>) -> ReadFile {
    let config = &ctx.config.screenings;
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
        Err(e) => {
            return ReadFile { rows: Vec::new(), problems: vec![(1, "header".into(), e.to_string())], past_skipped: 0 };
        }
    };
    let unknown: Vec<&String> = header.iter().filter(|c| !CSV_COLUMNS.contains(&c.as_str())).collect();
    let missing: Vec<&str> = ["film", "starts_at"].into_iter().filter(|c| !header.iter().any(|h| h == c)).collect();
    if !unknown.is_empty() || !missing.is_empty() {
        let why = format!(
            "the header must name the columns {} (film and starts_at required); unknown: {unknown:?}, missing: {missing:?}",
            CSV_COLUMNS.join(",")
        );
        return ReadFile { rows: Vec::new(), problems: vec![(1, "header".into(), why)], past_skipped: 0 };
    }
    let column = |name: &str| header.iter().position(|h| h == name);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        // The line the record starts on (blank lines and quoted line breaks counted), else its rank.
        let position = |r: &csv::StringRecord| r.position().map(|p| p.line() as usize);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(i + 2, |p| p.line() as usize);
                problems.push((line, "row".into(), e.to_string()));
                continue;
            }
        };
        let line = position(&record).unwrap_or(i + 2);
        let get = |name: &str| column(name).and_then(|c| record.get(c)).map(str::trim).filter(|v| !v.is_empty());
        let mut fail = |field: &str, why: String| problems.push((line, field.to_owned(), why));
        let film_id = match get("film").map(|f| films.lookup.resolve(f)) {
            Some(Ok(id)) => Some(id),
            Some(Err(why)) => {
                fail("film", why.to_string());
                None
            }
            None => {
                fail("film", "missing: an IMDb id or a title".into());
                None
            }
        };
        let starts_at = match get("starts_at").map(|s| parse_time(s, ctx.config.timezone)) {
            Some(Ok(t)) if t < now => {
                fail("starts_at", format!("{} is in the past", local(ctx, t)));
                None
            }
            Some(Ok(t)) => Some(t),
            Some(Err(why)) => {
                fail("starts_at", why);
                None
            }
            None => {
                fail("starts_at", "missing: a date and time such as 2026-12-09 20:30".into());
                None
            }
        };
        let version = match get("version").map(|v| Version::parse(v).ok_or(v)) {
            None => Some(config.default_version),
            Some(Ok(v)) => Some(v),
            Some(Err(v)) => {
                fail("version", format!("{v:?} is not VF, VOST or VO"));
                None
            }
        };
        let price_cents = match get("price").map(parse_price).transpose() {
            Ok(p) => p,
            Err(why) => {
                fail("price", why);
                None
            }
        };
        let booking_url = match get("booking_url").map(check_url).transpose() {
            Ok(u) => u,
            Err(why) => {
                fail("booking_url", why);
                None
            }
        };
        if let (Some(film_id), Some(starts_at), Some(version)) = (film_id, starts_at, version) {
            rows.push(Row {
                line,
                screening: NewScreening {
                    film_id,
                    starts_at,
                    room: get("room").map_or_else(|| config.default_room.clone(), str::to_owned),
                    version: version.as_str().to_owned(),
                    price_cents,
                    booking_url,
                    note: get("note").map(str::to_owned),
                    source: format!("import {source} line {line}"),
                },
            });
        }
    }
    ReadFile { rows, problems, past_skipped: 0 }
}

/// Two screenings of the same room whose times overlap (a film lasts its runtime), within the file and
/// against those already stored (a stored screening at the same room and time is the one the file replaces).
fn overlaps(ctx: &Context, rows: &[Row], stored: &[screening::Model], films: &Films) -> Vec<Problem> {
    // (room, start, film, line: None for a stored one), in time order per room.
    let mut all: Vec<(&str, DateTime<Utc>, &str, Option<usize>)> = rows
        .iter()
        .map(|r| (r.screening.room.as_str(), r.screening.starts_at, r.screening.film_id.as_str(), Some(r.line)))
        .collect();
    for s in stored {
        if !rows.iter().any(|r| r.screening.room == s.room && r.screening.starts_at == s.starts_at) {
            all.push((s.room.as_str(), s.starts_at, s.film_id.as_str(), None));
        }
    }
    all.sort_by_key(|(room, start, _, line)| (*room, *start, *line));
    let mut problems = Vec::new();
    for (i, &(room, start, film, line)) in all.iter().enumerate() {
        // Every earlier screening of the room still running at this start (a long film can cover several).
        for &(_, earlier_start, earlier_film, earlier_line) in all[..i].iter().filter(|e| e.0 == room) {
            if start >= earlier_start + films.runtime(earlier_film) {
                continue;
            }
            // Named on the file's row; the other side is another row of the file or the stored programme.
            let (at, other) = match (line, earlier_line) {
                (Some(at), Some(other)) => (at, format!("line {other}")),
                (Some(at), None) => (at, "already in the programme".to_owned()),
                (None, Some(at)) => (at, "already in the programme".to_owned()),
                (None, None) => continue,
            };
            let why = format!(
                "{} at {} overlaps {} at {} in {room} ({other})",
                films.title(film),
                local(ctx, start),
                films.title(earlier_film),
                local(ctx, earlier_start)
            );
            problems.push((at, "starts_at".into(), why));
        }
    }
    problems
}

/// `2026-12-09 20:30`, `2026-12-09T20:30` (the cinema's time) or RFC 3339 with an offset.
pub fn parse_time(text: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .ok_or_else(|| format!("{text:?} is not a date and time such as 2026-12-09 20:30"))?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{text} does not exist in {tz} (the clocks skip that hour)"))
}

/// `7,50`, `7.50`, `7,50 €`, `7 €` → cents.
pub fn parse_price(text: &str) -> Result<i32, String> {
    let number = text.trim_end_matches('€').trim().replace(',', ".");
    match number.parse::<f64>() {
        Ok(euros) if (0.0..=1000.0).contains(&euros) => Ok((euros * 100.0).round() as i32),
        _ => Err(format!("{text:?} is not a price in euros such as 7,50")),
    }
}

/// A booking link: an absolute http(s) URL without spaces.
pub fn check_url(text: &str) -> Result<String, String> {
    let url = text.trim();
    let scheme = url.starts_with("https://") || url.starts_with("http://");
    if !scheme || url.contains(char::is_whitespace) || url.len() < 12 {
        return Err(format!("{url:?} is not a web address starting with https://"));
    }
    Ok(url.to_owned())
}

/// `Le Salaire de la peur (VOST)` → the title and the version it names (`(VF)`, `- VOSTFR`, `[VO]`).
fn strip_version(summary: &str) -> (String, Option<Version>) {
    let trimmed = summary.trim();
    for (open, close) in [("(", ")"), ("[", "]")] {
        if let Some((title, inner)) = trimmed.strip_suffix(close).and_then(|s| s.rsplit_once(open))
            && let Some(v) = Version::parse(inner)
        {
            return (title.trim().to_owned(), Some(v));
        }
    }
    if let Some((title, last)) = trimmed.rsplit_once([' ', '-', '–'])
        && let Some(v) = Version::parse(last)
    {
        return (title.trim().trim_end_matches(['-', '–']).trim().to_owned(), Some(v));
    }
    (trimmed.to_owned(), None)
}

/// The first IMDb title id (`tt` and 7 or more digits) in a text.
fn imdb_id(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(8)).find_map(|i| {
        let digits = bytes[i + 2..].iter().take_while(|b| b.is_ascii_digit()).count();
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        (boundary && &bytes[i..i + 2] == b"tt" && digits >= 7).then(|| text[i..i + 2 + digits].to_owned())
    })
}

fn local(ctx: &Context, at: DateTime<Utc>) -> String {
    at.with_timezone(&ctx.config.timezone).format("%Y-%m-%d %H:%M").to_string()
}

/// What a `screenings` command did.
#[derive(Debug)]
pub enum ScreeningsReport {
    Checked { file: PathBuf, valid: usize },
    Imported { file: PathBuf, imported: ScreeningsImported, past_skipped: usize },
    Listed(Vec<ScreeningLine>),
}

#[derive(Debug, Clone)]
pub struct ScreeningLine {
    pub starts_at: String,
    pub title: String,
    pub room: String,
    pub version: String,
    pub note: Option<String>,
}

impl Report for ScreeningsReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        match self {
            Self::Checked { valid, .. } => metrics.insert("valid_rows", valid),
            Self::Imported { imported, past_skipped, .. } => {
                metrics.insert("created", imported.created);
                metrics.insert("updated", imported.updated);
                metrics.insert("removed", imported.removed);
                metrics.insert("past_skipped", past_skipped);
            }
            Self::Listed(lines) => metrics.insert("screenings", lines.len()),
        }
        metrics
    }
}

impl fmt::Display for ScreeningsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Checked { file, valid } => {
                writeln!(f, "{}: {valid} screenings, all valid; nothing imported (dry run).", file.display())
            }
            Self::Imported { file, imported, past_skipped } => {
                write!(
                    f,
                    "Imported {}: {} screenings added, {} updated",
                    file.display(),
                    imported.created,
                    imported.updated
                )?;
                if imported.removed > 0 {
                    write!(f, ", {} removed (no longer listed on their day)", imported.removed)?;
                }
                if *past_skipped > 0 {
                    write!(f, "; {past_skipped} past event(s) of the calendar skipped")?;
                }
                writeln!(f, ".")
            }
            Self::Listed(lines) if lines.is_empty() => writeln!(f, "No screening in the coming days."),
            Self::Listed(lines) => {
                for s in lines {
                    let note = s.note.as_deref().map(|n| format!(" · {n}")).unwrap_or_default();
                    writeln!(f, "{}  {:<8} {:<5} {}{note}", s.starts_at, s.room, s.version, s.title)?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_prices_links_and_times_read_as_people_write_them() {
        assert_eq!(
            strip_version("Le Salaire de la peur (VOST)"),
            ("Le Salaire de la peur".into(), Some(Version::Vost))
        );
        assert_eq!(strip_version("Nosferatu - VOSTFR"), ("Nosferatu".into(), Some(Version::Vost)));
        assert_eq!(strip_version("Le Grand Bleu [VF]"), ("Le Grand Bleu".into(), Some(Version::Vf)));
        assert_eq!(
            strip_version("Vol au-dessus d'un nid de coucou"),
            ("Vol au-dessus d'un nid de coucou".into(), None)
        );
        assert_eq!(parse_price("7,50 €"), Ok(750));
        assert_eq!(parse_price("6"), Ok(600));
        assert!(parse_price("gratuit").is_err());
        assert!(check_url("javascript:alert(1)").is_err());
        assert_eq!(imdb_id("Fiche : https://www.imdb.com/title/tt0046268/"), Some("tt0046268".into()));
        assert_eq!(imdb_id("att0046268"), None);
        let paris = chrono_tz::Europe::Paris;
        let winter = DateTime::parse_from_rfc3339("2026-12-09T19:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(parse_time("2026-12-09 20:30", paris), Ok(winter));
        assert_eq!(parse_time("09/12/2026 20:30", paris), Ok(winter));
        assert_eq!(parse_time("2026-12-09T20:30:00+01:00", paris), Ok(winter));
        assert!(parse_time("mercredi soir", paris).is_err());
    }
}
