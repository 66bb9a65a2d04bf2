//! Domain identifiers parsed once at the boundary: IMDb title and person ids, ISO weeks.

use std::fmt;

/// An IMDb title id such as `tt0133093`: the canonical film key of cinepicks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TitleId(pub u32);

/// An IMDb person id such as `nm0000206`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonId(pub u32);

impl TitleId {
    pub const PREFIX: &'static str = "tt";

    /// Parses `tt` followed by at least seven digits.
    pub fn parse(s: &str) -> Option<Self> {
        parse_prefixed(s, Self::PREFIX).map(Self)
    }

    /// The id of a MovieLens `links.csv` imdbId (digits only, usually zero-padded to seven).
    pub fn from_digits(s: &str) -> Option<Self> {
        parse_digits(s, 1).map(Self)
    }
}

impl PersonId {
    pub const PREFIX: &'static str = "nm";

    /// Parses `nm` followed by at least seven digits.
    pub fn parse(s: &str) -> Option<Self> {
        parse_prefixed(s, Self::PREFIX).map(Self)
    }
}

impl fmt::Display for TitleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tt{:07}", self.0)
    }
}

impl fmt::Display for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "nm{:07}", self.0)
    }
}

/// An ISO 8601 week such as `2026-W48` (weeks start on Monday; week 1 holds the year's first Thursday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IsoWeek {
    year: i32,
    week: u32,
}

impl IsoWeek {
    /// Parses `YYYY-Www` (`2026-W48`), refusing weeks the year does not have.
    pub fn parse(s: &str) -> Option<Self> {
        let (year, week) = s.trim().split_once("-W")?;
        if year.len() != 4 || week.len() != 2 {
            return None;
        }
        let (year, week) = (year.parse().ok()?, week.parse().ok()?);
        chrono::NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon)?;
        Some(Self { year, week })
    }

    /// The week holding `date`.
    pub fn of(date: chrono::NaiveDate) -> Self {
        let w = chrono::Datelike::iso_week(&date);
        Self { year: w.year(), week: w.week() }
    }

    /// Its Monday.
    pub fn monday(self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_isoywd_opt(self.year, self.week, chrono::Weekday::Mon).expect("checked on construction")
    }

    /// The `n` weeks before this one, the nearest first.
    pub fn previous(self, n: u32) -> Vec<IsoWeek> {
        (1..=n).map(|k| Self::of(self.monday() - chrono::Duration::weeks(i64::from(k)))).collect()
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

fn parse_prefixed(s: &str, prefix: &str) -> Option<u32> {
    parse_digits(s.strip_prefix(prefix)?, 7)
}

/// Digits only, at least `min_len` of them, fitting in u32 (IMDb ids are below 10^9).
fn parse_digits(digits: &str, min_len: usize) -> Option<u32> {
    if digits.len() < min_len || digits.len() > 9 {
        return None;
    }
    let mut n: u32 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(b - b'0');
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_ids_round_trip_with_zero_padding() {
        let id = TitleId::parse("tt0133093").unwrap();
        assert_eq!(id, TitleId(133093));
        assert_eq!(id.to_string(), "tt0133093");
        assert_eq!(TitleId::parse("tt12345678").unwrap().to_string(), "tt12345678");
    }

    #[test]
    fn malformed_ids_are_refused() {
        for bad in ["", "tt", "tt123", "nm0000001", "tx0133093", "tt01330a3", "tt 133093", "tt0133093 "] {
            assert_eq!(TitleId::parse(bad), None, "{bad:?}");
        }
        assert_eq!(PersonId::parse("tt0000001"), None);
        assert_eq!(PersonId::parse("nm0000206"), Some(PersonId(206)));
    }

    #[test]
    fn iso_weeks_parse_print_and_step_back_across_years() {
        let w = IsoWeek::parse("2026-W48").unwrap();
        assert_eq!(w.to_string(), "2026-W48");
        assert_eq!(w.monday(), chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(IsoWeek::of(chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()).to_string(), "2026-W53");
        let back: Vec<String> = IsoWeek::parse("2027-W02").unwrap().previous(3).iter().map(|w| w.to_string()).collect();
        assert_eq!(back, ["2027-W01", "2026-W53", "2026-W52"]);
        for bad in ["2026-W54", "2025-W53", "2026-48", "26-W48", "2026-W4"] {
            assert_eq!(IsoWeek::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn movielens_imdb_digits_map_to_title_ids() {
        assert_eq!(TitleId::from_digits("0114709"), Some(TitleId(114709)));
        assert_eq!(TitleId::from_digits("114709").unwrap().to_string(), "tt0114709");
        assert_eq!(TitleId::from_digits(""), None);
    }
}
