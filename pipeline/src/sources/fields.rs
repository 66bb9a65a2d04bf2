//! Typed parsing of text fields, each failure carrying the field, the value and a reason code.

use std::fmt;
use std::ops::RangeInclusive;

use serde::Serialize;

use cinepicks_domain::{PersonId, TitleId};

/// Why a row was rejected; the code is what quarantine files and manifests count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectKind {
    FieldCount,
    MalformedId,
    InvalidNumber,
    OutOfRange,
    MissingValue,
    InvalidValue,
    InvalidUtf8,
    DuplicateKey,
}

impl RejectKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::FieldCount => "field_count",
            Self::MalformedId => "malformed_id",
            Self::InvalidNumber => "invalid_number",
            Self::OutOfRange => "out_of_range",
            Self::MissingValue => "missing_value",
            Self::InvalidValue => "invalid_value",
            Self::InvalidUtf8 => "invalid_utf8",
            Self::DuplicateKey => "duplicate_key",
        }
    }
}

/// A rejected row: the kind and a message naming the field and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    pub kind: RejectKind,
    pub message: String,
}

impl Reject {
    pub fn new(kind: RejectKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    pub fn field_count(expected: usize, found: usize) -> Self {
        Self::new(RejectKind::FieldCount, format!("expected {expected} fields, found {found}"))
    }

    pub fn duplicate(key: impl fmt::Display) -> Self {
        Self::new(RejectKind::DuplicateKey, format!("duplicate key {key}"))
    }

    pub fn invalid(field: &str, value: &str, why: &str) -> Self {
        Self::new(RejectKind::InvalidValue, format!("field `{field}`: {} {why}", shown(value)))
    }
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.kind.code())
    }
}

/// A value as shown in messages: quoted, and cut so that one huge field cannot flood a log.
pub fn shown(value: &str) -> String {
    const MAX: usize = 40;
    if value.chars().count() <= MAX {
        format!("{value:?}")
    } else {
        let cut: String = value.chars().take(MAX).collect();
        format!("{cut:?}…")
    }
}

pub fn title_id(field: &str, value: &str) -> Result<TitleId, Reject> {
    TitleId::parse(value).ok_or_else(|| {
        Reject::new(
            RejectKind::MalformedId,
            format!("field `{field}`: {} is not an IMDb title id (tt + 7 digits)", shown(value)),
        )
    })
}

pub fn person_id(field: &str, value: &str) -> Result<PersonId, Reject> {
    PersonId::parse(value).ok_or_else(|| {
        Reject::new(
            RejectKind::MalformedId,
            format!("field `{field}`: {} is not an IMDb person id (nm + 7 digits)", shown(value)),
        )
    })
}

/// A non-empty value, or a `MissingValue` rejection.
pub fn required<'a>(field: &str, value: Option<&'a str>) -> Result<&'a str, Reject> {
    match value {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Reject::new(RejectKind::MissingValue, format!("field `{field}` is required but empty"))),
    }
}

/// An integer within `range` (inclusive), with a message saying which bound was crossed.
pub fn int_in(field: &str, value: &str, range: RangeInclusive<i64>) -> Result<i64, Reject> {
    let n = parse_int(value).ok_or_else(|| {
        Reject::new(RejectKind::InvalidNumber, format!("field `{field}`: {} is not an integer", shown(value)))
    })?;
    if !range.contains(&n) {
        return Err(Reject::new(
            RejectKind::OutOfRange,
            format!("field `{field}`: {n} is outside {}..={}", range.start(), range.end()),
        ));
    }
    Ok(n)
}

/// A decimal number within `range` (inclusive).
pub fn float_in(field: &str, value: &str, range: RangeInclusive<f64>) -> Result<f64, Reject> {
    let x: f64 = value.parse().ok().filter(|x: &f64| x.is_finite()).ok_or_else(|| {
        Reject::new(RejectKind::InvalidNumber, format!("field `{field}`: {} is not a number", shown(value)))
    })?;
    if !range.contains(&x) {
        return Err(Reject::new(
            RejectKind::OutOfRange,
            format!("field `{field}`: {x} is outside {}..={}", range.start(), range.end()),
        ));
    }
    Ok(x)
}

/// `0` or `1`.
pub fn flag(field: &str, value: &str) -> Result<bool, Reject> {
    match value {
        "0" => Ok(false),
        "1" => Ok(true),
        other => Err(Reject::invalid(field, other, "is not 0 or 1")),
    }
}

/// Fast path for the millions of small integers in the dumps; None on anything but `-?[0-9]{1,18}`.
#[inline]
pub fn parse_int(s: &str) -> Option<i64> {
    let bytes = s.as_bytes();
    let (neg, digits) = match bytes.first()? {
        b'-' => (true, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut n: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    Some(if neg { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_outside_their_range_name_the_field_and_bound() {
        let err = int_in("startYear", "1700", 1870..=2100).unwrap_err();
        assert_eq!(err.kind, RejectKind::OutOfRange);
        assert_eq!(err.message, "field `startYear`: 1700 is outside 1870..=2100");
        assert_eq!(int_in("startYear", "1999", 1870..=2100), Ok(1999));
    }

    #[test]
    fn non_numbers_are_invalid_numbers() {
        for bad in ["", "-", "12a", "1.5", " 12", "99999999999999999999"] {
            let err = int_in("runtimeMinutes", bad, 1..=1000).unwrap_err();
            assert_eq!(err.kind, RejectKind::InvalidNumber, "{bad:?}");
        }
        assert_eq!(float_in("averageRating", "NaN", 1.0..=10.0).unwrap_err().kind, RejectKind::InvalidNumber);
        assert_eq!(float_in("averageRating", "11.3", 1.0..=10.0).unwrap_err().kind, RejectKind::OutOfRange);
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "x".repeat(500);
        let err = int_in("f", &long, 0..=1).unwrap_err();
        assert!(err.message.len() < 120, "{}", err.message);
    }

    #[test]
    fn flags_are_zero_or_one() {
        assert_eq!(flag("isAdult", "1"), Ok(true));
        assert_eq!(flag("isAdult", "2").unwrap_err().kind, RejectKind::InvalidValue);
    }
}
