//! The states the store records: a delivery's (the notifier's outbox row) and a scheduled job run's. Stored as
//! their lower-case names; with the `sea-orm` feature they are the entities' column types.

use std::fmt;
use std::str::FromStr;

/// Where a weekly message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum DeliveryStatus {
    /// Created, not yet handed to a transport (or waiting for a retry at `next_attempt_at`).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "pending"))]
    Pending,
    /// Held back (SMS quiet hours) until `next_attempt_at`.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "deferred"))]
    Deferred,
    /// Handed to the transport; still so at the next run means it was in flight when a run stopped.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "sending"))]
    Sending,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "sent"))]
    Sent,
    /// Given up: a permanent failure, or transient ones up to the attempt limit.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "failed"))]
    Failed,
}

/// Where a run of a scheduled job (or of `publish`, `notify`) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum JobStatus {
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "running"))]
    Running,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "succeeded"))]
    Succeeded,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "failed"))]
    Failed,
    /// Stopped by a shutdown between two stages; the next tick or `cinepicks run` does it again.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "cancelled"))]
    Cancelled,
}

/// A change of a subscription's consent, kept as history (the subscription row holds only the latest state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum ConsentChange {
    /// Consent the cinema collected itself (import file, counter, CLI): in force at once.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "given"))]
    Given,
    /// Asked for on the site: in force once confirmed.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "requested"))]
    Requested,
    /// The confirmation link was followed.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "confirmed"))]
    Confirmed,
    /// Unsubscribed (link, reply, CLI).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "withdrawn"))]
    Withdrawn,
}

impl ConsentChange {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Given => "given",
            Self::Requested => "requested",
            Self::Confirmed => "confirmed",
            Self::Withdrawn => "withdrawn",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status {0:?}")]
pub struct UnknownStatus(pub String);

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 5] = [Self::Pending, Self::Deferred, Self::Sending, Self::Sent, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Deferred => "deferred",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }
}

impl JobStatus {
    pub const ALL: [JobStatus; 4] = [Self::Running, Self::Succeeded, Self::Failed, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

impl FromStr for DeliveryStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

impl FromStr for JobStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_back_their_stored_names() {
        for status in DeliveryStatus::ALL {
            assert_eq!(status.as_str().parse::<DeliveryStatus>(), Ok(status));
        }
        for status in JobStatus::ALL {
            assert_eq!(status.to_string().parse::<JobStatus>(), Ok(status));
        }
        assert!("done".parse::<JobStatus>().is_err());
    }
}
