//! The one language of everything people read (report, e-mails, SMS, pages, command answers) and its number
//! formats: French by default, English available.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language of the product's output (`fr` or `en` in configuration, URLs, command options and the store's
/// `customers.locale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "fr"))]
    Fr,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "en"))]
    En,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?} (fr or en)")]
pub struct UnknownLanguage(pub String);

impl Language {
    pub const ALL: [Language; 2] = [Language::Fr, Language::En];

    /// The ISO 639-1 code (`fr`, `en`), as in `lang` attributes and `?lang=`.
    pub fn code(self) -> &'static str {
        self.pick("fr", "en")
    }

    /// The French or the English text.
    pub fn pick<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        self.pick_pair(fr, en)
    }

    /// The French or the English value, of any type.
    pub fn pick_pair<T>(self, fr: T, en: T) -> T {
        match self {
            Self::Fr => fr,
            Self::En => en,
        }
    }

    /// A number with `decimals` decimals: `12 345,6` in French (narrow no-break spaces), `12,345.6` in English.
    pub fn num(self, value: f64, decimals: usize) -> String {
        if !value.is_finite() {
            return "—".into();
        }
        let text = format!("{:.*}", decimals, value.abs());
        let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
        let (sep, point) = self.pick_pair(("\u{202f}", ","), (",", "."));
        let mut grouped = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push_str(sep);
            }
            grouped.push(ch);
        }
        let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "−" } else { "" };
        match frac {
            Some(f) => format!("{sign}{grouped}{point}{f}"),
            None => format!("{sign}{grouped}"),
        }
    }

    /// An integer count.
    pub fn int(self, value: i64) -> String {
        self.num(value as f64, 0)
    }

    /// A share as a percentage: `12,3 %` / `12.3%`.
    pub fn pct(self, share: f64, decimals: usize) -> String {
        let n = self.num(share * 100.0, decimals);
        self.pick_pair(format!("{n}\u{a0}%"), format!("{n}%"))
    }

    /// A signed number (`+1,2`).
    pub fn signed(self, value: f64, decimals: usize) -> String {
        let n = self.num(value, decimals);
        if value > 0.0 && n.chars().any(|c| c.is_ascii_digit() && c != '0') { format!("+{n}") } else { n }
    }
}

impl FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" => Ok(Self::Fr),
            "en" => Ok(Self::En),
            _ => Err(UnknownLanguage(s.to_owned())),
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_each_language() {
        assert_eq!(Language::Fr.num(12345.67, 1), "12\u{202f}345,7");
        assert_eq!(Language::En.num(12345.67, 1), "12,345.7");
        assert_eq!(Language::Fr.pct(0.123, 1), "12,3\u{a0}%");
        assert_eq!(Language::En.signed(0.25, 2), "+0.25");
        assert_eq!(Language::Fr.signed(-0.001, 1), "0,0");
    }

    #[test]
    fn codes_parse_back_and_others_are_refused() {
        for language in Language::ALL {
            assert_eq!(language.code().parse::<Language>(), Ok(language));
        }
        assert_eq!(" EN ".parse::<Language>(), Ok(Language::En));
        assert!("de".parse::<Language>().is_err());
    }
}
