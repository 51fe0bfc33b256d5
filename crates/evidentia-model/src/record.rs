//! What every record has: identity, ownership, classification, version and the index fields
//! the stores filter on.

use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::validation::FieldErrors;
use crate::vocab::Vocabularies;

/// The kinds of record the stores keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Incident,
    Person,
    Involvement,
    Evidence,
    /// A reviewer's decision on a proposed pair of duplicate persons.
    PersonMatch,
    // Communications with international bodies and the bodies they are sent to.
    Recipient,
    Communication,
    // The search for the missing.
    MissingCase,
    GraveSite,
    Exhumation,
    Remains,
}

impl RecordKind {
    pub const ALL: [RecordKind; 11] = [
        Self::Incident,
        Self::Person,
        Self::Involvement,
        Self::Evidence,
        Self::PersonMatch,
        // Communications
        Self::Recipient,
        Self::Communication,
        // The search for the missing
        Self::MissingCase,
        Self::GraveSite,
        Self::Exhumation,
        Self::Remains,
    ];

    /// The stored name (`incident`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Incident => "incident",
            Self::Person => "person",
            Self::Involvement => "involvement",
            Self::Evidence => "evidence",
            Self::PersonMatch => "person_match",
            // Communications
            Self::Recipient => "recipient",
            Self::Communication => "communication",
            // The search for the missing
            Self::MissingCase => "missing_case",
            Self::GraveSite => "grave_site",
            Self::Exhumation => "exhumation",
            Self::Remains => "remains",
        }
    }

    /// The API's collection of this kind (`incidents`).
    pub fn collection(self) -> &'static str {
        match self {
            Self::Incident => "incidents",
            Self::Person => "persons",
            Self::Involvement => "involvements",
            Self::Evidence => "evidence",
            Self::PersonMatch => "persons/duplicates",
            // Communications
            Self::Recipient => "recipients",
            Self::Communication => "communications",
            // The search for the missing
            Self::MissingCase => "missing-cases",
            Self::GraveSite => "grave-sites",
            Self::Exhumation => "exhumations",
            Self::Remains => "remains",
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RecordKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown record kind {s:?}"))
    }
}

/// Who may see a record. Ordered from the widest audience to the narrowest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// May appear on the public portal once published.
    Public,
    /// Every signed-in user of the deployment.
    Internal,
    /// Users of the owning organisation.
    Restricted,
    /// Admins and investigators of the owning organisation; every read is audited.
    Confidential,
}

impl Classification {
    pub const ALL: [Classification; 4] = [Self::Public, Self::Internal, Self::Restricted, Self::Confidential];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Internal => "internal",
            Self::Restricted => "restricted",
            Self::Confidential => "confidential",
        }
    }
}

impl FromStr for Classification {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown classification {s:?}"))
    }
}

/// A user's role in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Investigator,
    Analyst,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Self::Admin, Self::Investigator, Self::Analyst, Self::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Investigator => "investigator",
            Self::Analyst => "analyst",
            Self::Viewer => "viewer",
        }
    }

    /// Admins and investigators create and change records.
    pub fn can_write(self) -> bool {
        matches!(self, Self::Admin | Self::Investigator)
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?}: expected admin, investigator, analyst or viewer"))
    }
}

/// The fields every record carries besides its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Meta {
    /// UUIDv7.
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub classification: Classification,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub created_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub updated_by: Uuid,
    /// 1 at creation, +1 on each change; send it back in `If-Match`.
    pub version: i64,
}

/// What a store indexes of a record so that lists filter without reading every body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordIndex {
    pub status: Option<String>,
    /// Widest bounds of the record's main period as `YYYYMMDD` keys.
    pub period: Option<(i32, i32)>,
    /// (lat, lon)
    pub point: Option<(f64, f64)>,
    /// Multi-valued filter terms as `field:code`, e.g. `category:killing`.
    pub terms: Vec<String>,
    /// Links to other records as (field, id), e.g. (`incident_id`, …).
    pub links: Vec<(&'static str, Uuid)>,
    /// Text to be found by search, in any script (the store normalises it).
    pub text: String,
    /// Shown on the public portal (only when also classified public).
    pub published: bool,
    /// Title or name, for sorting and display in lists of mixed records.
    pub label: String,
}

/// How a field that clients never write is set (see [`RecordBody::SERVER_OWNED`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetBy {
    /// It only grows, an entry at a time, through `POST /{collection}/{id}/{route}` (the route
    /// named here).
    Appending(&'static str),
    /// It is set through `POST /{collection}/{id}/{route}` (the route named here).
    Route(&'static str),
    /// The server sets it as a consequence of another action, described here in words that
    /// follow "is set by the server " ("when the communication is sent: …").
    Server(&'static str),
}

impl SetBy {
    /// The error code a client gets for writing the field: `append_only` or `read_only`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Appending(_) => "append_only",
            Self::Route(_) | Self::Server(_) => "read_only",
        }
    }

    /// What a client is told for writing the field of a record in `collection`.
    pub fn message(self, collection: &str) -> String {
        match self {
            Self::Appending(route) => {
                format!("only grows: add an entry with POST /{collection}/{{id}}/{route}")
            }
            Self::Route(route) => format!("is set only with POST /{collection}/{{id}}/{route}"),
            Self::Server(when) => format!("is set by the server {when}"),
        }
    }
}

/// The content of one kind of record.
pub trait RecordBody: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    const KIND: RecordKind;

    /// Checks the content against the rules and the deployment's vocabularies.
    fn validate(&self, vocabularies: &Vocabularies, errors: &mut FieldErrors);

    /// The fields the stores index.
    fn index(&self) -> RecordIndex;

    /// Classifications this kind of record may never be given below; persons' contact details,
    /// for example, are always at least restricted.
    fn minimum_classification(&self) -> Classification {
        Classification::Public
    }

    /// Fields a client never writes, with the way each is set instead: never accepted on
    /// creation, kept as they are by a patch (an evidence item's chain of custody, a
    /// communication's frozen letter, a remains record's identification).
    const SERVER_OWNED: &'static [(&'static str, SetBy)] = &[];

    /// Checks the dates that may not be after `today` (time is a parameter, not read here).
    fn validate_dates(&self, _today: time::Date, _errors: &mut FieldErrors) {}
}

/// Time and fresh identifiers, passed in so that tests and demo data are deterministic.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
    fn new_id(&self) -> Uuid;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one place the real time is read
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    #[allow(clippy::disallowed_methods)]
    fn new_id(&self) -> Uuid {
        Uuid::now_v7()
    }
}

/// A UUIDv7 for a given time and 10 random bytes, for deterministic generators.
pub fn uuid_v7_at(at: OffsetDateTime, random: [u8; 10]) -> Uuid {
    let millis = u64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
}

/// A clock that stands still unless advanced and counts identifiers; for tests.
#[derive(Debug)]
pub struct FixedClock {
    now: std::sync::Mutex<OffsetDateTime>,
    counter: std::sync::atomic::AtomicU64,
    seed: u64,
}

impl FixedClock {
    pub fn new(now: OffsetDateTime) -> Self {
        Self::seeded(now, 0)
    }

    /// A clock whose identifiers differ from those of clocks with another seed, for tests that
    /// share one database.
    pub fn seeded(now: OffsetDateTime, seed: u64) -> Self {
        Self {
            now: std::sync::Mutex::new(now),
            counter: std::sync::atomic::AtomicU64::new(0),
            seed,
        }
    }

    pub fn advance(&self, by: time::Duration) {
        if let Ok(mut now) = self.now.lock() {
            *now += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.now.lock().map(|n| *n).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    fn new_id(&self) -> Uuid {
        let n = self.counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut random = [0u8; 10];
        // 48 bits of seed and 32 of counter: clocks of tests sharing one database do not collide.
        random[..6].copy_from_slice(&self.seed.to_be_bytes()[2..]);
        random[6..].copy_from_slice(&(n as u32).to_be_bytes());
        uuid_v7_at(self.now(), random)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_ids_are_v7_and_increase() {
        let c = FixedClock::new(time::macros::datetime!(2024-01-02 03:04:05 UTC));
        let a = c.new_id();
        let b = c.new_id();
        assert_eq!(a.get_version_num(), 7);
        assert!(a < b);
        assert!(a.to_string() < b.to_string());
    }

    #[test]
    fn enumerations_parse_their_wire_names() {
        for k in RecordKind::ALL {
            assert_eq!(k.as_str().parse::<RecordKind>().unwrap(), k);
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for c in Classification::ALL {
            assert_eq!(c.as_str().parse::<Classification>().unwrap(), c);
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!(Classification::Public < Classification::Confidential);
    }
}
