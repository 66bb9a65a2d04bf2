//! Reading iCalendar files (RFC 5545) as ticketing and calendar tools export them: folded lines joined,
//! properties with their parameters and escaped text, and each VEVENT's start (UTC, with a TZID, or floating in
//! the cinema's timezone), summary, location, description and URL, its recurrence (RRULE with FREQ=DAILY or
//! WEEKLY, INTERVAL, COUNT, UNTIL and BYDAY; EXDATE) expanded up to a horizon.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// One event of the calendar, with its occurrences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Line of its `BEGIN:VEVENT` in the file.
    pub line: usize,
    pub summary: String,
    pub location: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
    pub categories: Vec<String>,
    /// Every start, in UTC, from the first up to the horizon (one for an event without RRULE).
    pub starts: Vec<DateTime<Utc>>,
    /// True when it repeats.
    pub recurring: bool,
}

/// A problem with the file, at a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl IcsError {
    fn new(line: usize, field: &str, message: impl Into<String>) -> Self {
        Self { line, field: field.to_owned(), message: message.into() }
    }
}

/// A property line: `NAME;PARAM=VALUE:value`, with the line it starts on.
#[derive(Debug, Clone)]
struct Property {
    line: usize,
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

impl Property {
    fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Parses a calendar; occurrences are expanded until `horizon`. A file that is not a calendar, or is cut short
/// (no `END:VCALENDAR`, an event never ended), is refused whole with the first problem.
pub fn parse(text: &str, local: Tz, horizon: DateTime<Utc>) -> Result<Vec<Event>, Vec<IcsError>> {
    let lines = unfold(text);
    let first = lines.iter().find(|(_, l)| !l.trim().is_empty());
    if !first.is_some_and(|(_, l)| l.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR")) {
        return Err(vec![IcsError::new(1, "BEGIN", "not an iCalendar file: it must start with BEGIN:VCALENDAR")]);
    }
    if !lines.iter().any(|(_, l)| l.trim().eq_ignore_ascii_case("END:VCALENDAR")) {
        let last = lines.last().map_or(1, |(n, _)| *n);
        return Err(vec![IcsError::new(last, "END", "the calendar is cut short: END:VCALENDAR is missing")]);
    }
    let mut events: Vec<Read> = Vec::new();
    let mut errors = Vec::new();
    // Components nest (VCALENDAR > VEVENT > VALARM): only the properties directly in a VEVENT are its own.
    let mut stack: Vec<String> = Vec::new();
    let mut current: Option<(usize, Vec<Property>)> = None;
    for (number, raw) in &lines {
        if raw.trim().is_empty() {
            continue;
        }
        let Some(property) = property(*number, raw) else {
            errors.push(IcsError::new(*number, "line", format!("not a property line: {:?}", clip(raw))));
            continue;
        };
        match property.name.as_str() {
            "BEGIN" => {
                let component = property.value.to_ascii_uppercase();
                if component == "VEVENT" && stack.last().map(String::as_str) == Some("VCALENDAR") {
                    current = Some((*number, Vec::new()));
                }
                stack.push(component);
            }
            "END" => {
                let component = property.value.to_ascii_uppercase();
                if stack.last() != Some(&component) {
                    errors.push(IcsError::new(*number, "END", format!("END:{component} closes nothing open")));
                    continue;
                }
                stack.pop();
                let closes_event = component == "VEVENT" && stack.last().map(String::as_str) == Some("VCALENDAR");
                if let Some((line, properties)) = current.take_if(|_| closes_event) {
                    match event(line, &properties, local, horizon) {
                        Ok(e) => events.push(e),
                        Err(e) => errors.push(e),
                    }
                }
            }
            _ if stack.last().map(String::as_str) == Some("VEVENT") => {
                if let Some((_, properties)) = current.as_mut() {
                    properties.push(property);
                }
            }
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        let last = lines.last().map_or(1, |(n, _)| *n);
        errors.push(IcsError::new(last, "END", format!("the calendar is cut short: {open} is never ended")));
    }
    if errors.is_empty() { Ok(resolve_changes(events)) } else { Err(errors) }
}

/// An event as read, before the changes of other events with the same UID are applied.
struct Read {
    event: Event,
    uid: Option<String>,
    /// The occurrence of a repeating event this one replaces (`RECURRENCE-ID`).
    replaces: Option<DateTime<Utc>>,
    cancelled: bool,
}

/// Applies what tools write when one occurrence of a series changes: an event with the series' UID and a
/// `RECURRENCE-ID` replaces that occurrence (moved, or cancelled with `STATUS:CANCELLED`); a cancelled event is
/// not a screening.
fn resolve_changes(read: Vec<Read>) -> Vec<Event> {
    let replaced: Vec<(String, DateTime<Utc>)> =
        read.iter().filter_map(|r| Some((r.uid.clone()?, r.replaces?))).collect();
    read.into_iter()
        .filter(|r| !r.cancelled)
        .map(|mut r| {
            if r.replaces.is_none()
                && let Some(uid) = &r.uid
            {
                r.event.starts.retain(|s| !replaced.contains(&(uid.clone(), *s)));
            }
            r.event
        })
        .filter(|e| !e.starts.is_empty())
        .collect()
}

/// Joins folded lines (a line starting with a space or tab continues the previous one), keeping the number of
/// the line each logical line starts on.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match (line.strip_prefix([' ', '\t']), out.last_mut()) {
            (Some(rest), Some((_, previous))) => previous.push_str(rest),
            _ => out.push((i + 1, line.to_owned())),
        }
    }
    out
}

/// `NAME;P=V;Q="a:b":value` → the property; `None` for a line without a colon outside quotes.
fn property(line: usize, raw: &str) -> Option<Property> {
    let mut in_quotes = false;
    let colon = raw.char_indices().find(|&(_, c)| {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        c == ':' && !in_quotes
    })?;
    let (head, value) = (&raw[..colon.0], &raw[colon.0 + 1..]);
    let mut parts = head.split(';');
    let name = parts.next()?.trim().to_ascii_uppercase();
    if name.is_empty() {
        return None;
    }
    let params = parts
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_uppercase(), v.trim().trim_matches('"').to_owned()))
        .collect();
    Some(Property { line, name, params, value: value.to_owned() })
}

/// TEXT values: `\n`, `\,`, `\;` and `\\` unescaped.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn event(line: usize, properties: &[Property], local: Tz, horizon: DateTime<Utc>) -> Result<Read, IcsError> {
    let one = |name: &str| properties.iter().find(|p| p.name == name);
    let text = |name: &str| one(name).map(|p| unescape(&p.value).trim().to_owned()).filter(|v| !v.is_empty());
    let summary = text("SUMMARY").ok_or_else(|| IcsError::new(line, "SUMMARY", "the event has no title (SUMMARY)"))?;
    let start = one("DTSTART").ok_or_else(|| IcsError::new(line, "DTSTART", "the event has no start (DTSTART)"))?;
    let (first, zone) = date_time(start, local)?;
    let mut excluded = Vec::new();
    for exdate in properties.iter().filter(|p| p.name == "EXDATE") {
        for value in exdate.value.split(',') {
            let single = Property { value: value.to_owned(), ..exdate.clone() };
            excluded.push(date_time(&single, local)?.0);
        }
    }
    let starts = match one("RRULE") {
        None => vec![first],
        Some(rule) => expand(rule, first, zone, horizon)?,
    };
    let replaces = one("RECURRENCE-ID").map(|p| date_time(p, local)).transpose()?.map(|(at, _)| at);
    let cancelled = one("STATUS").is_some_and(|p| p.value.trim().eq_ignore_ascii_case("CANCELLED"));
    let event = Event {
        line,
        summary,
        location: text("LOCATION"),
        description: text("DESCRIPTION"),
        url: text("URL"),
        categories: properties
            .iter()
            .filter(|p| p.name == "CATEGORIES")
            .flat_map(|p| p.value.split(',').map(|c| unescape(c).trim().to_owned()).collect::<Vec<_>>())
            .collect(),
        starts: starts.into_iter().filter(|s| !excluded.contains(s)).collect(),
        recurring: one("RRULE").is_some(),
    };
    Ok(Read { event, uid: text("UID"), replaces, cancelled })
}

/// The instant of a DTSTART/EXDATE/UNTIL value, and the zone its wall-clock time is in (for recurrences).
fn date_time(p: &Property, local: Tz) -> Result<(DateTime<Utc>, Tz), IcsError> {
    let value = p.value.trim();
    if p.param("VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE")) || value.len() == 8 {
        return Err(IcsError::new(p.line, &p.name, format!("{value} is a day without a time: a screening needs one")));
    }
    let bad = || IcsError::new(p.line, &p.name, format!("{value:?} is not a date and time such as 20261209T203000"));
    if let Some(utc) = value.strip_suffix('Z') {
        let naive = NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S").map_err(|_| bad())?;
        return Ok((Utc.from_utc_datetime(&naive), local));
    }
    let naive = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").map_err(|_| bad())?;
    let zone = match p.param("TZID") {
        None => local,
        Some(name) => zone(name).ok_or_else(|| {
            IcsError::new(
                p.line,
                &p.name,
                format!("unknown time zone {name:?} (use an IANA name such as Europe/Paris)"),
            )
        })?,
    };
    Ok((in_zone(zone, naive).ok_or_else(bad)?, zone))
}

/// An IANA zone, also when a tool prefixes it (`/mozilla.org/20070129_1/Europe/Paris`) or names Paris the
/// Windows way.
fn zone(name: &str) -> Option<Tz> {
    if let Ok(tz) = name.parse::<Tz>() {
        return Some(tz);
    }
    if name.eq_ignore_ascii_case("Romance Standard Time") {
        return Some(chrono_tz::Europe::Paris);
    }
    let parts: Vec<&str> = name.split('/').collect();
    (0..parts.len()).find_map(|i| parts[i..].join("/").parse::<Tz>().ok())
}

/// A wall-clock time in a zone; in the hour skipped by a clock change, the time after it.
fn in_zone(zone: Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&naive)
        .earliest()
        .or_else(|| zone.from_local_datetime(&(naive + Duration::hours(1))).earliest())
        .map(|t| t.with_timezone(&Utc))
}

/// Occurrences of an RRULE from `first` (included) until COUNT, UNTIL or `horizon`, at the same wall-clock time.
fn expand(
    rule: &Property,
    first: DateTime<Utc>,
    zone: Tz,
    horizon: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, IcsError> {
    let err = |m: String| IcsError::new(rule.line, "RRULE", m);
    let mut freq = None;
    let (mut interval, mut count, mut until, mut by_day) = (1i64, None, None, Vec::new());
    for part in rule.value.split(';').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').ok_or_else(|| err(format!("{part:?} is not KEY=VALUE")))?;
        match key.to_ascii_uppercase().as_str() {
            "FREQ" => freq = Some(value.to_ascii_uppercase()),
            "INTERVAL" => {
                interval = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=366).contains(n))
                    .ok_or_else(|| err(format!("INTERVAL={value}: a whole number from 1 to 366")))?
            }
            "COUNT" => count = Some(value.parse::<usize>().map_err(|_| err(format!("COUNT={value}")))?),
            "UNTIL" => {
                let p = Property { value: value.to_owned(), params: Vec::new(), ..rule.clone() };
                until = Some(match value.len() {
                    8 => {
                        let day =
                            NaiveDate::parse_from_str(value, "%Y%m%d").map_err(|_| err(format!("UNTIL={value}")))?;
                        in_zone(zone, day.and_hms_opt(23, 59, 59).expect("a valid time"))
                            .ok_or_else(|| err(value.into()))?
                    }
                    _ => date_time(&p, zone)?.0,
                });
            }
            "BYDAY" => {
                for day in value.split(',') {
                    by_day.push(
                        weekday(day).ok_or_else(|| err(format!("BYDAY={day}: only MO, TU, WE, TH, FR, SA, SU")))?,
                    );
                }
            }
            "WKST" => {}
            other => return Err(err(format!("{other} is not supported (FREQ, INTERVAL, COUNT, UNTIL, BYDAY are)"))),
        }
    }
    let local_first = first.with_timezone(&zone).naive_local();
    let (day, time) = (local_first.date(), local_first.time());
    // Candidate days in order: every INTERVAL days, or the BYDAY days of every INTERVAL weeks.
    let candidates: Box<dyn Iterator<Item = NaiveDate>> = match freq.as_deref() {
        Some("DAILY") => {
            // BYDAY narrows a daily rule to those days of the week.
            let days = by_day.clone();
            Box::new(
                (0..)
                    .map(move |k| day + Duration::days(k * interval))
                    .filter(move |d| days.is_empty() || days.contains(&d.weekday())),
            )
        }
        Some("WEEKLY") => {
            let days = if by_day.is_empty() { vec![day.weekday()] } else { by_day };
            let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
            Box::new((0..).flat_map(move |k| {
                let week = monday + Duration::weeks(k * interval);
                let mut in_week: Vec<NaiveDate> =
                    days.iter().map(|d| week + Duration::days(i64::from(d.num_days_from_monday()))).collect();
                in_week.sort();
                in_week
            }))
        }
        Some(other) => return Err(err(format!("FREQ={other}: only DAILY and WEEKLY repeat screenings"))),
        None => return Err(err("FREQ is missing".into())),
    };
    let mut out = Vec::new();
    for candidate in candidates.skip_while(|d| *d < day) {
        let Some(at) = in_zone(zone, candidate.and_time(time)) else { continue };
        if at > horizon || until.is_some_and(|u| at > u) || count.is_some_and(|c| out.len() >= c) {
            break;
        }
        out.push(at);
        if out.len() > 10_000 {
            break;
        }
    }
    Ok(out)
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code.trim().to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

fn clip(line: &str) -> String {
    line.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARIS: Tz = chrono_tz::Europe::Paris;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// As a ticketing tool exports it: CRLF, a VTIMEZONE, a folded description, an alarm inside an event.
    const EXPORT: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Billetterie//FR\r\nBEGIN:VTIMEZONE\r\n\
TZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n\
END:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:1@billetterie\r\nDTSTART;TZID=Europe/Paris:20261209T203000\r\n\
SUMMARY:Le Salaire de la peur (VOST)\r\nLOCATION:Salle 1\r\nDESCRIPTION:Ciné-débat avec l'association\\, \r\n \
suivi d'un verre\\nRéservation conseillée\r\nURL:https://billetterie.example/s/1\r\nBEGIN:VALARM\r\n\
TRIGGER:-PT1H\r\nDESCRIPTION:Rappel\r\nEND:VALARM\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:2@billetterie\r\n\
DTSTART;TZID=/mozilla.org/20070129_1/Europe/Paris:20261212T180000\r\nRRULE:FREQ=WEEKLY;BYDAY=SA,SU;COUNT=5\r\n\
EXDATE;TZID=Europe/Paris:20261213T180000\r\nSUMMARY:Les Enfants du paradis\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn a_real_world_export_reads_with_time_zones_folded_lines_and_recurrences() {
        let events = parse(EXPORT, PARIS, at("2027-06-01T00:00:00Z")).unwrap();
        assert_eq!(events.len(), 2);
        let debate = &events[0];
        assert_eq!(debate.summary, "Le Salaire de la peur (VOST)");
        assert_eq!(debate.starts, [at("2026-12-09T19:30:00Z")], "20:30 in Paris in winter");
        assert_eq!(
            debate.description.as_deref(),
            Some("Ciné-débat avec l'association, suivi d'un verre\nRéservation conseillée")
        );
        assert_eq!(debate.url.as_deref(), Some("https://billetterie.example/s/1"));
        assert_eq!(debate.location.as_deref(), Some("Salle 1"));
        assert!(!debate.recurring);
        // Saturdays and Sundays at 18:00, five in all, the first Sunday excluded.
        let weekend = &events[1];
        let expected = ["2026-12-12T17:00:00Z", "2026-12-19T17:00:00Z", "2026-12-20T17:00:00Z", "2026-12-26T17:00:00Z"];
        assert_eq!(weekend.starts, expected.map(at));
        assert!(weekend.recurring);
    }

    #[test]
    fn recurrences_keep_their_wall_clock_time_across_a_clock_change_and_stop_at_until_or_the_horizon() {
        let calendar = |rule: &str| {
            format!(
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20270320T203000\nRRULE:{rule}\nSUMMARY:Film\nEND:VEVENT\nEND:VCALENDAR\n"
            )
        };
        let weekly = parse(&calendar("FREQ=WEEKLY;UNTIL=20270403"), PARIS, at("2030-01-01T00:00:00Z")).unwrap();
        // 20:30 in Paris: UTC+1 before 28 March 2027, UTC+2 after.
        let expected = ["2027-03-20T19:30:00Z", "2027-03-27T19:30:00Z", "2027-04-03T18:30:00Z"];
        assert_eq!(weekly[0].starts, expected.map(at));
        let daily = parse(&calendar("FREQ=DAILY;INTERVAL=2"), PARIS, at("2027-03-25T00:00:00Z")).unwrap();
        assert_eq!(daily[0].starts.len(), 3, "20, 22 and 24 March, then the horizon: {:?}", daily[0].starts);
    }

    #[test]
    fn a_cancelled_or_moved_occurrence_replaces_the_one_of_its_series_and_daily_rules_keep_their_days() {
        let calendar = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:s1\nDTSTART:20261207T203000\n\
            RRULE:FREQ=DAILY;BYDAY=MO,WE,FR;COUNT=4\nSUMMARY:Film\nEND:VEVENT\n\
            BEGIN:VEVENT\nUID:s1\nRECURRENCE-ID:20261209T203000\nDTSTART:20261209T210000\nSUMMARY:Film\nEND:VEVENT\n\
            BEGIN:VEVENT\nUID:s1\nRECURRENCE-ID:20261211T203000\nDTSTART:20261211T203000\nSTATUS:CANCELLED\n\
            SUMMARY:Film\nEND:VEVENT\nBEGIN:VEVENT\nUID:x\nDTSTART:20261208T180000\nSTATUS:CANCELLED\n\
            SUMMARY:Annulé\nEND:VEVENT\nEND:VCALENDAR\n";
        let events = parse(calendar, PARIS, at("2027-01-01T00:00:00Z")).unwrap();
        let starts: Vec<DateTime<Utc>> = events.iter().flat_map(|e| e.starts.clone()).collect();
        // Mondays, Wednesdays and Fridays: 7, 9 (moved to 21:00), 11 (cancelled), 14 December.
        assert_eq!(starts, ["2026-12-07T19:30:00Z", "2026-12-14T19:30:00Z", "2026-12-09T20:00:00Z"].map(at));
        let bad = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261207T203000\nRRULE:FREQ=DAILY;INTERVAL=100000000\n\
                   SUMMARY:Film\nEND:VEVENT\nEND:VCALENDAR\n";
        assert!(parse(bad, PARIS, at("2027-01-01T00:00:00Z")).unwrap_err()[0].message.contains("1 to 366"));
    }

    #[test]
    fn what_is_not_a_calendar_or_is_cut_short_is_refused_whole_with_its_line() {
        let horizon = at("2027-01-01T00:00:00Z");
        assert_eq!(parse("title,starts_at\n", PARIS, horizon).unwrap_err()[0].line, 1);
        let cut = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261209T203000\nSUMMARY:Film\n";
        assert!(parse(cut, PARIS, horizon).unwrap_err()[0].message.contains("cut short"));
        let bad = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261309T203000\nSUMMARY:Film\nEND:VEVENT\n\
                   BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261210\nSUMMARY:Film\nEND:VEVENT\n\
                   BEGIN:VEVENT\nDTSTART:20261211T203000\nRRULE:FREQ=MONTHLY\nSUMMARY:Film\nEND:VEVENT\nEND:VCALENDAR\n";
        let errors = parse(bad, PARIS, horizon).unwrap_err();
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(found, [(3, "DTSTART"), (7, "DTSTART"), (12, "RRULE")], "{errors:?}");
    }
}
