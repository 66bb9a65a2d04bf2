//! The ISO 8601 week, the unit of the weekly picks (`2026-W48`).

use std::fmt;

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

impl std::str::FromStr for IsoWeek {
    type Err = NotAWeek;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| NotAWeek(s.to_owned()))
    }
}

/// Text that is not an ISO week the calendar has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an ISO week such as 2026-W48")]
pub struct NotAWeek(pub String);

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
