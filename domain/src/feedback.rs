//! What a customer says about a film they were shown ("J'aime", "Pas pour moi", "Déjà vu") and where they said
//! it. Stored as their lower-case names; with the `sea-orm` feature they are the entities' column types.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Language;

/// A customer's verdict on one film.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum FeedbackKind {
    /// "J'aime": weighs like a declared like, seeds the next picks.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "like"))]
    Like,
    /// "Pas pour moi": never proposed again; a negative signal for the model.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "not_for_me"))]
    NotForMe,
    /// "Déjà vu": never proposed again, without saying whether it was liked.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "seen"))]
    Seen,
}

/// Where the feedback was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum FeedbackSource {
    /// A button of the weekly e-mail (through its confirmation page).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "email"))]
    Email,
    /// The page behind the weekly SMS's short link.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "sms"))]
    Sms,
    /// A film page or "Mes films" on the site.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "site"))]
    Site,
    /// `POST /api/v1/feedback`.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "api"))]
    Api,
}

impl FeedbackKind {
    pub const ALL: [FeedbackKind; 3] = [Self::Like, Self::NotForMe, Self::Seen];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Like => "like",
            Self::NotForMe => "not_for_me",
            Self::Seen => "seen",
        }
    }

    /// The button's words.
    pub fn label(self, language: Language) -> &'static str {
        match (self, language) {
            (Self::Like, Language::Fr) => "J'aime",
            (Self::Like, Language::En) => "I like it",
            (Self::NotForMe, Language::Fr) => "Pas pour moi",
            (Self::NotForMe, Language::En) => "Not for me",
            (Self::Seen, Language::Fr) => "Déjà vu",
            (Self::Seen, Language::En) => "Seen it",
        }
    }

    /// True when the film must not be proposed again to whoever said it.
    pub fn excludes(self) -> bool {
        matches!(self, Self::NotForMe | Self::Seen)
    }
}

impl FeedbackSource {
    pub const ALL: [FeedbackSource; 4] = [Self::Email, Self::Sms, Self::Site, Self::Api];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Site => "site",
            Self::Api => "api",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown feedback {0:?} (expected like, not_for_me or seen)")]
pub struct UnknownFeedback(pub String);

impl FromStr for FeedbackKind {
    type Err = UnknownFeedback;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| UnknownFeedback(s.to_owned()))
    }
}

impl FromStr for FeedbackSource {
    type Err = UnknownFeedback;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| UnknownFeedback(s.to_owned()))
    }
}

impl fmt::Display for FeedbackKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Display for FeedbackSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_sources_read_back_their_stored_names() {
        for kind in FeedbackKind::ALL {
            assert_eq!(kind.as_str().parse::<FeedbackKind>(), Ok(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        for source in FeedbackSource::ALL {
            assert_eq!(source.to_string().parse::<FeedbackSource>(), Ok(source));
        }
        assert!("love".parse::<FeedbackKind>().is_err());
        assert!(FeedbackKind::NotForMe.excludes() && FeedbackKind::Seen.excludes() && !FeedbackKind::Like.excludes());
    }
}
