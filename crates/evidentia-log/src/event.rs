//! The log's leaves: one event per leaf, as canonical JSON bytes.
//!
//! An event says what happened to which record and when: a record was created or changed, a file
//! was ingested, evidence changed hands, something was published or exported, or an auditable
//! action happened. It names the record's new content hash and the previous one, so the log
//! chains every version of every record and `evidentia verify` can re-derive each hash from the
//! stored record.
//!
//! The leaf data is the [RFC 8785 canonical JSON](crate::canonical) of the event, so anyone can
//! re-create the exact bytes from the JSON. Absent optional fields are omitted rather than
//! written as `null`, and [`Event::from_leaf_data`] only accepts bytes that are already
//! canonical: one event has exactly one leaf.
//!
//! The crate stays generic: which kinds carry which fields, and what goes in `detail`, is the
//! server's decision. Only the shape is checked here (timestamps, hash spellings, sizes).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::canonical::{self, CanonicalError};
use crate::merkle::{self, Hash};
use crate::text::{encode_hex, is_lower_hex};

/// Largest canonical `detail` accepted, in bytes: events are meant to be small, the records they
/// name hold the content.
pub const MAX_DETAIL_BYTES: usize = 16 * 1024;

/// Largest leaf accepted, in bytes.
pub const MAX_LEAF_BYTES: usize = 64 * 1024;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    RecordCreated,
    RecordChanged,
    FileIngested,
    Custody,
    Publication,
    Export,
    Audit,
}

/// One leaf of the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub kind: EventKind,
    /// The kind of record concerned, e.g. `incident`, `person`, `evidence`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// Lowercase hex SHA-256 of the canonical JSON of the record's new content
    /// (see [`content_hash`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
    /// The record's previous `content_hash`, chaining versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_hash: Option<String>,
    /// Lowercase hex SHA-256 of a file's bytes (see [`sha256_hex`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_sha256: Option<String>,
    /// When it happened, RFC 3339 (e.g. `2024-05-01T10:00:00Z`), as given by the caller's clock.
    pub at: String,
    /// Who did it (an account identifier), if anyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Small, kind-specific facts; `null` (the default) is omitted.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub detail: Value,
}

/// Why an event cannot be a leaf.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
    #[error("event JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
    #[error("leaf data is not the canonical JSON of the event it contains")]
    NotCanonical,
    #[error("event time {0:?} is not an RFC 3339 date-time like 2024-05-01T10:00:00Z")]
    InvalidTime(String),
    #[error("event field {field} is not 64 lowercase hex digits")]
    InvalidHash { field: &'static str },
    #[error("event field {field} is empty")]
    EmptyField { field: &'static str },
    #[error("event detail is {len} bytes of canonical JSON, more than {max}")]
    DetailTooLarge { len: usize, max: usize },
    #[error("leaf is {len} bytes, more than {max}")]
    LeafTooLarge { len: usize, max: usize },
}

impl Event {
    /// An event of `kind` at time `at` with every optional field empty.
    pub fn new(kind: EventKind, at: impl Into<String>) -> Self {
        Self {
            kind,
            record_kind: None,
            record_id: None,
            content_hash: None,
            previous_hash: None,
            file_sha256: None,
            at: at.into(),
            by: None,
            detail: Value::Null,
        }
    }

    /// Checks the shape: timestamp syntax, hash spellings, no empty strings, detail size.
    pub fn validate(&self) -> Result<(), EventError> {
        if !is_rfc3339(&self.at) {
            return Err(EventError::InvalidTime(self.at.clone()));
        }
        for (field, value) in [
            ("record_kind", &self.record_kind),
            ("record_id", &self.record_id),
            ("by", &self.by),
        ] {
            if value.as_deref() == Some("") {
                return Err(EventError::EmptyField { field });
            }
        }
        for (field, value) in [
            ("content_hash", &self.content_hash),
            ("previous_hash", &self.previous_hash),
            ("file_sha256", &self.file_sha256),
        ] {
            if let Some(hash) = value
                && !is_lower_hex(hash, 64)
            {
                return Err(EventError::InvalidHash { field });
            }
        }
        if !self.detail.is_null() {
            let len = canonical::to_string(&self.detail)?.len();
            if len > MAX_DETAIL_BYTES {
                return Err(EventError::DetailTooLarge {
                    len,
                    max: MAX_DETAIL_BYTES,
                });
            }
        }
        Ok(())
    }

    /// The leaf data: canonical JSON bytes of the validated event.
    ///
    /// ```
    /// use evidentia_log::event::{Event, EventKind};
    /// let mut e = Event::new(EventKind::Custody, "2024-05-01T10:00:00Z");
    /// e.record_id = Some("ev-7".into());
    /// e.detail = serde_json::json!({"to": "lab", "from": "field team"});
    /// assert_eq!(
    ///     String::from_utf8(e.to_leaf_data()?).unwrap(),
    ///     r#"{"at":"2024-05-01T10:00:00Z","detail":{"from":"field team","to":"lab"},"kind":"custody","record_id":"ev-7"}"#
    /// );
    /// # Ok::<(), evidentia_log::EventError>(())
    /// ```
    pub fn to_leaf_data(&self) -> Result<Vec<u8>, EventError> {
        self.validate()?;
        let bytes = canonical::to_vec(&serde_json::to_value(self)?)?;
        if bytes.len() > MAX_LEAF_BYTES {
            return Err(EventError::LeafTooLarge {
                len: bytes.len(),
                max: MAX_LEAF_BYTES,
            });
        }
        Ok(bytes)
    }

    /// The Merkle leaf hash of this event.
    pub fn leaf_hash(&self) -> Result<Hash, EventError> {
        Ok(merkle::leaf_hash(&self.to_leaf_data()?))
    }

    /// Parses leaf data, accepting only the canonical bytes of a valid event.
    pub fn from_leaf_data(data: &[u8]) -> Result<Self, EventError> {
        if data.len() > MAX_LEAF_BYTES {
            return Err(EventError::LeafTooLarge {
                len: data.len(),
                max: MAX_LEAF_BYTES,
            });
        }
        let event: Self = serde_json::from_slice(data)?;
        if event.to_leaf_data()? != data {
            return Err(EventError::NotCanonical);
        }
        Ok(event)
    }
}

/// Lowercase hex SHA-256 of the canonical JSON of `content`: a record version's identity.
pub fn content_hash(content: &Value) -> Result<String, CanonicalError> {
    Ok(sha256_hex(&canonical::to_vec(content)?))
}

/// Lowercase hex SHA-256 of `data`, the spelling used in events.
pub fn sha256_hex(data: &[u8]) -> String {
    encode_hex(&Sha256::digest(data))
}

/// RFC 3339 `date-time` with uppercase `T` and `Z`, as `time`'s RFC 3339 formatter writes it.
///
/// Checks the grammar and field ranges, not the calendar (February 31 passes): the log records
/// what the server's clock said, and the clock formats real dates.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        part.iter()
            .try_fold(0u32, |acc, d| acc.checked_mul(10)?.checked_add(u32::from(d - b'0')))
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let date_time = (|| {
        let (_year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        let separators = at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':');
        let ranges = (1..=12).contains(&month) && (1..=31).contains(&day) && hour <= 23 && minute <= 59 && second <= 60;
        (separators && ranges).then_some(())
    })();
    if date_time.is_none() {
        return false;
    }
    // Optional fraction, then the offset.
    let mut i = 19;
    if at(i, b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let offset_ok = digits(i + 1..i + 3).is_some_and(|h| h <= 23)
                && at(i + 3, b':')
                && digits(i + 4..i + 6).is_some_and(|m| m <= 59);
            offset_ok && i + 6 == b.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn full_event() -> Event {
        Event {
            kind: EventKind::RecordChanged,
            record_kind: Some("incident".into()),
            record_id: Some("01890a5d-ac96-774b-bcce-b302099a8057".into()),
            content_hash: Some(sha256_hex(b"new")),
            previous_hash: Some(sha256_hex(b"old")),
            file_sha256: None,
            at: "2024-05-01T10:00:00.123456789+02:00".into(),
            by: Some("user-1".into()),
            detail: json!({"fields": ["casualties"], "reason": "correction"}),
        }
    }

    #[test]
    fn leaf_round_trip_and_canonical_only() {
        let e = full_event();
        let data = e.to_leaf_data().unwrap();
        assert_eq!(Event::from_leaf_data(&data).unwrap(), e);
        // Same event, different bytes: refused.
        let pretty = serde_json::to_vec_pretty(&e).unwrap();
        assert!(matches!(Event::from_leaf_data(&pretty), Err(EventError::NotCanonical)));
        let with_null = br#"{"at":"2024-05-01T10:00:00Z","by":null,"kind":"audit"}"#;
        assert!(matches!(
            Event::from_leaf_data(with_null),
            Err(EventError::NotCanonical)
        ));
        let unknown = br#"{"at":"2024-05-01T10:00:00Z","kind":"audit","x":1}"#;
        assert!(matches!(Event::from_leaf_data(unknown), Err(EventError::Json(_))));
        let minimal = br#"{"at":"2024-05-01T10:00:00Z","kind":"audit"}"#;
        assert_eq!(
            Event::from_leaf_data(minimal).unwrap(),
            Event::new(EventKind::Audit, "2024-05-01T10:00:00Z")
        );
    }

    #[test]
    fn kinds_are_snake_case() {
        let names: Vec<String> = [
            EventKind::RecordCreated,
            EventKind::RecordChanged,
            EventKind::FileIngested,
            EventKind::Custody,
            EventKind::Publication,
            EventKind::Export,
            EventKind::Audit,
        ]
        .iter()
        .map(|k| serde_json::to_value(k).unwrap().as_str().unwrap_or("").to_owned())
        .collect();
        assert_eq!(
            names,
            [
                "record_created",
                "record_changed",
                "file_ingested",
                "custody",
                "publication",
                "export",
                "audit"
            ]
        );
    }

    #[test]
    fn validation() {
        let mut e = full_event();
        e.content_hash = Some("ABC".into());
        assert!(matches!(
            e.validate(),
            Err(EventError::InvalidHash { field: "content_hash" })
        ));
        let mut e = full_event();
        e.file_sha256 = Some(sha256_hex(b"x").to_uppercase());
        assert!(e.validate().is_err());
        let mut e = full_event();
        e.by = Some(String::new());
        assert!(matches!(e.validate(), Err(EventError::EmptyField { field: "by" })));
        let mut e = full_event();
        e.detail = json!({ "big": "x".repeat(MAX_DETAIL_BYTES) });
        assert!(matches!(e.validate(), Err(EventError::DetailTooLarge { .. })));
        let mut e = full_event();
        e.detail = json!({ "n": u64::MAX });
        assert!(matches!(e.to_leaf_data(), Err(EventError::Canonical(_))));
    }

    #[test]
    fn timestamps() {
        for good in [
            "2024-05-01T10:00:00Z",
            "2024-12-31T23:59:60Z",
            "2024-05-01T10:00:00.5Z",
            "2024-05-01T10:00:00.123456789-07:30",
            "0001-01-01T00:00:00+00:00",
        ] {
            assert!(is_rfc3339(good), "{good}");
        }
        for bad in [
            "",
            "2024-05-01",
            "2024-05-01 10:00:00Z",
            "2024-05-01t10:00:00Z",
            "2024-05-01T10:00:00z",
            "2024-05-01T10:00:00",
            "2024-13-01T10:00:00Z",
            "2024-00-01T10:00:00Z",
            "2024-05-32T10:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T10:60:00Z",
            "2024-05-01T10:00:61Z",
            "2024-05-01T10:00:00.Z",
            "2024-05-01T10:00:00+0200",
            "2024-05-01T10:00:00+24:00",
            "2024-05-01T10:00:00Z ",
            "+2024-05-01T10:00:00Z",
            "2024-5-01T10:00:00Z",
            "２０２４-05-01T10:00:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn content_hash_is_of_canonical_json() {
        let a = content_hash(&json!({"b": 1, "a": [true]})).unwrap();
        let b = content_hash(&serde_json::from_str(r#"{ "a" : [ true ], "b" : 1 }"#).unwrap()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, sha256_hex(br#"{"a":[true],"b":1}"#));
        // SHA-256("abc"), FIPS 180-2.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
