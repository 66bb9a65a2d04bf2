//! IMDb identifiers parsed once at the boundary: title ids (the canonical film key) and person ids.

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
    fn movielens_imdb_digits_map_to_title_ids() {
        assert_eq!(TitleId::from_digits("0114709"), Some(TitleId(114709)));
        assert_eq!(TitleId::from_digits("114709").unwrap().to_string(), "tt0114709");
        assert_eq!(TitleId::from_digits(""), None);
    }
}
