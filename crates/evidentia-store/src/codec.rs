//! Conversions both backends share between stored values and model types.

use evidentia_model::{Classification, Meta, RecordIndex, RecordKind, Role};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

use crate::{Result, StoreError};

/// Times as fixed-width UTC text, so that text order is time order (SQLite).
pub(crate) fn time_text(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// A time as the API shows it (RFC 3339 in UTC, `time::serde::rfc3339`), at the microsecond
/// precision both databases keep, so that content re-read from a row spells it the same way.
pub(crate) fn api_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let t = t.replace_nanosecond(t.microsecond() * 1_000).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_else(|_| time_text(t))
}

pub(crate) fn parse_time(s: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| corrupt("time", s, e))
}

/// Microseconds since the epoch: the integer sort key of a time.
pub(crate) fn time_key(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

pub(crate) fn corrupt(what: &str, value: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("stored {what} {value:?} cannot be read: {e}"))
}

pub(crate) fn parse_uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| corrupt("id", s, e))
}

pub(crate) fn parse_kind(s: &str) -> Result<RecordKind> {
    s.parse().map_err(|e: String| corrupt("kind", s, e))
}

pub(crate) fn parse_classification(s: &str) -> Result<Classification> {
    s.parse().map_err(|e: String| corrupt("classification", s, e))
}

pub(crate) fn parse_role(s: &str) -> Result<Role> {
    s.parse().map_err(|e: String| corrupt("role", s, e))
}

/// The search keys of a record, in the form both full-text indexes take.
pub(crate) fn search_keys(index: &RecordIndex) -> String {
    evidentia_linkage::normalise::index_text(&index.text)
}

/// The version a meta describes must be 1 for a new record.
pub(crate) fn check_new(meta: &Meta) -> Result<()> {
    if meta.version == 1 {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "a new record has version 1, not {}",
            meta.version
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_and_sort_as_text() {
        let a = time::macros::datetime!(2024-01-02 03:04:05.123456 +02:00);
        let b = time::macros::datetime!(2024-01-02 03:04:05.9 UTC);
        assert_eq!(time_text(a), "2024-01-02T01:04:05.123456Z");
        assert_eq!(parse_time(&time_text(a)).unwrap(), a);
        assert!(time_text(a) < time_text(b));
    }
}
