//! Storage behind one trait.
//!
//! Records are kept as JSON bodies beside the few columns lists filter on (status, period, point,
//! terms, links, a normalised search text); every version is kept in a history table. Two
//! backends implement [`Store`]: SQLite (the embedded default) and PostgreSQL. The backend is
//! chosen once, at start-up, from the database URL ([`open`]).
//!
//! Search text is normalised here, in Rust, before it reaches either database, so that several
//! server instances on one PostgreSQL — and the two backends — find the same records.

pub mod checkpoint;
mod codec;
mod log;
pub mod postgres;
mod query;
pub mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use evidentia_model::{Classification, Meta, RecordIndex, RecordKind, Role, Viewer, Vocabularies};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub use evidentia_log::Hash;
pub use query::{MAX_SEARCH_WORDS, search_words};

/// What can go wrong in a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such record (or row) — distinct so the API can answer 404.
    #[error("not found")]
    NotFound,
    /// The record changed since the version the caller read.
    #[error("the record is at version {current}, not the version given")]
    Conflict { current: i64 },
    /// A unique value (an e-mail, a name) already exists.
    #[error("{0} already exists")]
    Duplicate(String),
    /// The database URL or a stored value cannot be used.
    #[error("{0}")]
    Invalid(String),
    /// The database failed.
    #[error("database: {0}")]
    Backend(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The content of one version of a record, whose `evidentia_log::event::content_hash` the log
/// records: its meta fields and body, times in RFC 3339 UTC as the API shows them. `evidentia
/// verify` recomputes it from the stored row.
pub fn record_content(kind: RecordKind, meta: &Meta, body: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "id": meta.id,
        "kind": kind.as_str(),
        "organisation_id": meta.organisation_id,
        "classification": meta.classification.as_str(),
        "version": meta.version,
        "created_at": codec::api_time(meta.created_at),
        "created_by": meta.created_by,
        "updated_at": codec::api_time(meta.updated_at),
        "updated_by": meta.updated_by,
        "body": body,
    })
}

/// A record as stored: its meta fields and its body as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    pub kind: RecordKind,
    pub meta: Meta,
    pub published: bool,
    pub body: serde_json::Value,
}

/// A record to insert (version 1).
#[derive(Debug, Clone)]
pub struct NewRecord {
    pub kind: RecordKind,
    pub meta: Meta,
    pub body: serde_json::Value,
    pub index: RecordIndex,
}

/// A change to a record: the new body replaces the old one if the record is still at
/// `expected_version`.
#[derive(Debug, Clone)]
pub struct RecordUpdate {
    pub kind: RecordKind,
    pub id: Uuid,
    pub expected_version: i64,
    pub classification: Classification,
    pub body: serde_json::Value,
    pub index: RecordIndex,
    pub at: OffsetDateTime,
    pub by: Uuid,
    /// Events appended to the log with the change, in the same transaction, before the change's
    /// own entry (custody, verification …).
    pub events: Vec<evidentia_log::Event>,
}

/// One kept version of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub version: i64,
    pub classification: Classification,
    pub organisation_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
    pub changed_by: Uuid,
    pub body: serde_json::Value,
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Newest first.
    #[default]
    CreatedDesc,
    CreatedAsc,
    /// Most recent event first.
    OccurredDesc,
    OccurredAsc,
    /// Most recently changed first.
    UpdatedDesc,
}

/// Where a page ends, so the next one starts after it. Opaque to API callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub key: i64,
    pub id: Uuid,
}

/// A bounding box in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub min_lat: f64,
    pub min_lon: f64,
    pub max_lat: f64,
    pub max_lon: f64,
}

/// Filters of a list. Everything present must hold.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// `None` searches every kind.
    pub kind: Option<RecordKind>,
    pub viewer: Viewer,
    /// Any of these statuses.
    pub statuses: Vec<String>,
    /// All of these `field:code` terms.
    pub terms: Vec<String>,
    /// None of these `field:code` terms (persons merged into another, for example).
    pub without_terms: Vec<String>,
    /// Records whose period overlaps this range of `YYYYMMDD` keys.
    pub period: Option<(i32, i32)>,
    pub bbox: Option<BoundingBox>,
    /// Words to find, in any script.
    pub text: Option<String>,
    /// Records linked to all of these (field, id).
    pub links: Vec<(String, Uuid)>,
    pub organisation_id: Option<Uuid>,
    pub classification: Option<Classification>,
    pub published: Option<bool>,
    pub sort: Sort,
    pub limit: u32,
    pub after: Option<Cursor>,
}

impl ListQuery {
    /// Everything of one kind the viewer may see, newest first.
    pub fn new(kind: Option<RecordKind>, viewer: Viewer) -> Self {
        Self {
            kind,
            viewer,
            statuses: Vec::new(),
            terms: Vec::new(),
            without_terms: Vec::new(),
            period: None,
            bbox: None,
            text: None,
            links: Vec::new(),
            organisation_id: None,
            classification: None,
            published: None,
            sort: Sort::default(),
            limit: 50,
            after: None,
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub items: Vec<StoredRecord>,
    pub next: Option<Cursor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    /// Normalised (NFKC, lower case).
    pub email: String,
    pub display_name: String,
    /// PHC string; `None` for accounts that only use tokens.
    pub password_hash: Option<String>,
    pub created_at: OffsetDateTime,
    pub disabled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Membership {
    pub organisation_id: Uuid,
    pub role: Role,
}

/// An API bearer token; only a hash of the secret is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    /// Hex SHA-256 of the secret.
    pub secret_hash: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// A signed-in browser session; only a hash of the cookie's secret is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Hex SHA-256 of the cookie secret.
    pub id_hash: String,
    pub user_id: Uuid,
    /// Sent back by the browser in `X-CSRF-Token` with every change.
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

/// A user's second factor: a TOTP secret and one-time recovery codes (stored hashed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactor {
    /// Base32 TOTP secret.
    pub totp_secret: String,
    /// False while enrolment awaits its first code.
    pub enabled: bool,
    /// The last time step accepted, so a code is never accepted twice.
    pub last_step: i64,
    /// Hex SHA-256 of each unused recovery code.
    pub recovery_hashes: Vec<String>,
}

/// One entry of the audit log: who did what, when, from where, with what outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Assigned by the store, increasing.
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The user, when known.
    pub actor: Option<Uuid>,
    /// `sign_in`, `sign_in_failed`, `token_used`, `record_read`, `user_created`, ...
    pub action: String,
    /// What the action concerned: a record (`incident:…`), a user, a token.
    pub target: Option<String>,
    /// The client address.
    pub address: Option<String>,
    /// Further facts (never passwords or token secrets).
    pub detail: serde_json::Value,
}

/// The storage of a deployment.
#[async_trait]
pub trait Store: Send + Sync {
    /// Answers when the database can be used.
    async fn ping(&self) -> Result<()>;

    async fn create_organisation(&self, org: &Organisation) -> Result<()>;
    async fn organisation_by_name(&self, name: &str) -> Result<Organisation>;
    async fn organisations(&self) -> Result<Vec<Organisation>>;

    async fn create_user(&self, user: &User, memberships: &[Membership]) -> Result<()>;
    async fn user_by_email(&self, email: &str) -> Result<User>;
    async fn user(&self, id: Uuid) -> Result<User>;
    async fn memberships(&self, user_id: Uuid) -> Result<Vec<Membership>>;
    async fn create_token(&self, token: &ApiToken) -> Result<()>;
    /// The live token with this secret hash and its user; records the use. The token returned
    /// carries the *previous* `last_used_at`.
    async fn use_token(&self, secret_hash: &str, at: OffsetDateTime) -> Result<(ApiToken, User)>;
    /// A user's tokens, revoked ones included, newest first.
    async fn tokens_of(&self, user_id: Uuid) -> Result<Vec<ApiToken>>;
    /// Revokes one of the user's tokens (NotFound when it is not theirs).
    async fn revoke_token(&self, user_id: Uuid, token_id: Uuid, at: OffsetDateTime) -> Result<()>;
    /// Every user, by e-mail.
    async fn users(&self) -> Result<Vec<User>>;
    async fn set_password(&self, user_id: Uuid, password_hash: &str) -> Result<()>;
    async fn set_disabled(&self, user_id: Uuid, disabled: bool) -> Result<()>;

    async fn second_factor(&self, user_id: Uuid) -> Result<Option<SecondFactor>>;
    /// Replaces (or with `None` removes) a user's second factor.
    async fn put_second_factor(&self, user_id: Uuid, factor: Option<&SecondFactor>) -> Result<()>;
    /// Records that TOTP step `step` was used, if it is later than the last one; false otherwise
    /// (a replayed code).
    async fn advance_totp_step(&self, user_id: Uuid, step: i64) -> Result<bool>;
    /// Removes a recovery code; false when it was not (or no longer) there.
    async fn consume_recovery_code(&self, user_id: Uuid, code_hash: &str) -> Result<bool>;

    async fn create_session(&self, session: &Session) -> Result<()>;
    /// The live session with this hash and its (enabled) user; records `at` as last seen.
    async fn session(&self, id_hash: &str, at: OffsetDateTime) -> Result<(Session, User)>;
    async fn delete_session(&self, id_hash: &str) -> Result<()>;
    /// Ends every session of a user (password reset, account disabled).
    async fn delete_sessions_of(&self, user_id: Uuid) -> Result<()>;

    /// Appends to the audit log and returns the entry's sequence number.
    async fn append_audit(&self, entry: &AuditEntry) -> Result<i64>;
    /// Audit entries, newest first, before `before` (a sequence number) if given.
    async fn audit(&self, limit: u32, before: Option<i64>) -> Result<Vec<AuditEntry>>;

    /// The deployment's vocabularies (seeded with the defaults at creation).
    async fn vocabularies(&self) -> Result<Vocabularies>;
    async fn put_vocabularies(&self, vocabularies: &Vocabularies) -> Result<()>;

    /// Inserts records in one transaction: all or none.
    async fn insert(&self, records: Vec<NewRecord>) -> Result<()>;
    /// Replaces a record's body if it is at `expected_version`, keeping the old one as history.
    async fn update(&self, update: RecordUpdate) -> Result<StoredRecord>;
    /// Inserts records and applies changes in one transaction: all or none (an identification
    /// changes the remains, the person and the person's cases together; a merge marks a person
    /// merged and records the decision). A record out of date fails it all with
    /// [`StoreError::Conflict`]. Answers the changed records, in the order of `updates`.
    async fn write_all(&self, inserts: Vec<NewRecord>, updates: Vec<RecordUpdate>) -> Result<Vec<StoredRecord>>;
    async fn get(&self, kind: RecordKind, id: Uuid) -> Result<StoredRecord>;
    /// A page of records the viewer may see.
    async fn list(&self, query: &ListQuery) -> Result<Page>;
    /// How many records the viewer may see match (ignores `limit`, `after` and `sort`).
    async fn count(&self, query: &ListQuery) -> Result<u64>;
    /// The matching records that have a period, counted by the months their period starts and
    /// ends in, as (`YYYYMM`, `YYYYMM`, records): a timeline in one query (ignores `limit`,
    /// `after` and `sort`).
    async fn month_spans(&self, query: &ListQuery) -> Result<Vec<(i32, i32, u64)>>;
    /// Every version, oldest first.
    async fn history(&self, kind: RecordKind, id: Uuid) -> Result<Vec<HistoryEntry>>;

    // The tamper-evident log. Record writes (`insert`, `update`) and `append_audit` append their
    // events themselves, in their own transaction.

    /// Appends events (custody, export, file ingestion …) in one transaction; returns the index of
    /// the first.
    async fn append_events(&self, events: &[evidentia_log::Event]) -> Result<u64>;
    /// Number of leaves in the log.
    async fn log_size(&self) -> Result<u64>;
    /// Up to `limit` leaves from index `from`, in order: (index, canonical JSON event).
    async fn log_leaves(&self, from: u64, limit: u32) -> Result<Vec<(u64, Vec<u8>)>>;
    /// The root hash of the tree of the first `size` leaves (`Invalid` beyond the log).
    async fn log_root(&self, size: u64) -> Result<Hash>;
    /// The RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves.
    async fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>>;
    /// The RFC 9162 consistency proof between the trees of `old` and `new` leaves.
    async fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>>;
    /// The last leaf naming a record: (index, canonical JSON event).
    async fn latest_event_for(&self, record_id: Uuid) -> Result<Option<(u64, Vec<u8>)>>;
    /// Keeps a signed checkpoint of the tree of `size` leaves. A size at or below the latest kept
    /// one is refused (`Invalid`) unless the very same checkpoint is kept already.
    async fn put_checkpoint(&self, size: u64, note: &str, at: OffsetDateTime) -> Result<()>;
    /// Every kept checkpoint, smallest size first: (size, signed note).
    async fn checkpoints(&self) -> Result<Vec<(u64, String)>>;
    /// The checkpoint of the largest size, if any.
    async fn latest_checkpoint(&self) -> Result<Option<(u64, String)>>;
}

/// Opens the store a URL names: `sqlite://PATH` or `postgres://…`, creating or migrating its
/// schema.
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        Ok(Arc::new(sqlite::SqliteStore::open(std::path::Path::new(path)).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PostgresStore::connect(url).await?))
    } else {
        Err(StoreError::Invalid(format!(
            "unsupported database URL {:?}: expected sqlite://PATH or postgres://…",
            redact_url(url)
        )))
    }
}

/// A database URL with any password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme + 3], &creds[..colon], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(super::redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact_url("sqlite:///tmp/x"), "sqlite:///tmp/x");
    }
}
