//! Customer contact details parsed once at the boundary: `Email`, `PhoneNumber` (E.164) and the `Channel`.

use std::fmt;
use std::str::FromStr;

/// A syntactically valid e-mail address, trimmed and lower-cased (addresses are unique per channel, and
/// no mail provider the cinema's customers use treats case as significant).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

/// A phone number normalised to E.164 (`+33612345678`); national numbers are read as French.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

/// How weekly picks reach a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Channel {
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "email"))]
    Email,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "sms"))]
    Sms,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("invalid e-mail address {0:?}: {1}")]
    Email(String, &'static str),
    #[error("invalid phone number {0:?}: {1}")]
    Phone(String, String),
    #[error("unknown channel {0:?} (email or sms)")]
    Channel(String),
}

impl Email {
    /// Checks the shape `local@domain.tld` (RFC 5321 lengths, no spaces, a dotted domain of letters, digits
    /// and hyphens); whether the mailbox exists is for the mail server to say.
    pub fn parse(raw: &str) -> Result<Self, ContactError> {
        let s = raw.trim();
        let bad = |why| Err(ContactError::Email(raw.to_owned(), why));
        if s.is_empty() {
            return bad("empty");
        }
        if s.len() > 254 {
            return bad("longer than 254 characters");
        }
        let Some((local, domain)) = s.rsplit_once('@') else { return bad("no @") };
        if local.is_empty() || local.len() > 64 {
            return bad("the part before @ must have 1 to 64 characters");
        }
        if local.contains('@') {
            return bad("more than one @");
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad("contains spaces or control characters");
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return bad("misplaced dot before @");
        }
        if !local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c) || !c.is_ascii()) {
            return bad("forbidden character before @");
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 {
            return bad("the domain needs a dot (example.fr)");
        }
        for label in &labels {
            let ok = !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-');
            if !ok {
                return bad("malformed domain");
            }
        }
        if labels.last().is_some_and(|tld| tld.len() < 2 || tld.chars().all(|c| c.is_ascii_digit())) {
            return bad("malformed top-level domain");
        }
        Ok(Self(s.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PhoneNumber {
    /// Parses international (`+33 6 12 34 56 78`, `0033…`) or French national (`06 12 34 56 78`) numbers
    /// and keeps only numbers valid for their country.
    pub fn parse(raw: &str) -> Result<Self, ContactError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(ContactError::Phone(raw.to_owned(), "empty".into()));
        }
        let cleaned = match s.strip_prefix("00") {
            Some(rest) => format!("+{rest}"),
            None => s.to_owned(),
        };
        let number = phonenumber::parse(Some(phonenumber::country::Id::FR), &cleaned)
            .map_err(|e| ContactError::Phone(raw.to_owned(), e.to_string()))?;
        if !phonenumber::is_valid(&number) {
            return Err(ContactError::Phone(raw.to_owned(), "not a valid number for its country".into()));
        }
        Ok(Self(number.format().mode(phonenumber::Mode::E164).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The country (ISO 3166 alpha-2, e.g. `FR`) of a mobile number; `None` for fixed lines, premium-rate,
    /// shared-cost and other numbers a text message should never be sent to.
    pub fn mobile_region(&self) -> Option<String> {
        let number = phonenumber::parse(None, &self.0).ok()?;
        match number.number_type(&phonenumber::metadata::DATABASE) {
            phonenumber::Type::Mobile | phonenumber::Type::FixedLineOrMobile => {
                number.country().id().map(|id| id.as_ref().to_owned())
            }
            _ => None,
        }
    }
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Email, Channel::Sms];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }
}

impl FromStr for Channel {
    type Err = ContactError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "email" | "e-mail" | "mail" => Ok(Channel::Email),
            "sms" | "text" => Ok(Channel::Sms),
            _ => Err(ContactError::Channel(s.to_owned())),
        }
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_emails_are_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Jeanne.Moreau@Example.FR ").unwrap().as_str(), "jeanne.moreau@example.fr");
        assert!(Email::parse("a+films@cinema-gueret.fr").is_ok());
    }

    #[test]
    fn malformed_emails_are_refused_with_a_reason() {
        for bad in [
            "",
            "jeanne",
            "jeanne@",
            "@example.fr",
            "jeanne@example",
            "jean ne@example.fr",
            "a@@b.fr",
            "a@b..fr",
            "a@-b.fr",
            "a..b@c.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn only_mobile_numbers_have_a_region_to_text() {
        let region = |n: &str| PhoneNumber::parse(n).unwrap().mobile_region();
        assert_eq!(region("06 12 34 56 78").as_deref(), Some("FR"));
        assert_eq!(region("+32 474 09 11 50").as_deref(), Some("BE"));
        assert_eq!(region("01 42 68 53 00"), None, "a Paris fixed line");
        assert_eq!(region("08 99 23 45 67"), None, "a premium-rate number");
    }

    #[test]
    fn french_national_numbers_become_e164() {
        assert_eq!(PhoneNumber::parse("06 12 34 56 78").unwrap().as_str(), "+33612345678");
        assert_eq!(PhoneNumber::parse("06.12.34.56.78").unwrap().as_str(), "+33612345678");
        assert_eq!(PhoneNumber::parse("+33 6 12 34 56 78").unwrap().as_str(), "+33612345678");
        assert_eq!(PhoneNumber::parse("0033612345678").unwrap().as_str(), "+33612345678");
        assert_eq!(PhoneNumber::parse("05 55 52 00 00").unwrap().as_str(), "+33555520000");
    }

    #[test]
    fn international_numbers_keep_their_country() {
        assert_eq!(PhoneNumber::parse("+44 20 7946 0958").unwrap().as_str(), "+442079460958");
    }

    #[test]
    fn impossible_numbers_are_refused() {
        for bad in ["", "12", "06 12 34", "not a number", "+33 6 12 34 56 78 90 12"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn channels_parse_from_their_names() {
        assert_eq!("E-mail".parse::<Channel>().unwrap(), Channel::Email);
        assert_eq!("sms".parse::<Channel>().unwrap(), Channel::Sms);
        assert!("pigeon".parse::<Channel>().is_err());
    }
}
