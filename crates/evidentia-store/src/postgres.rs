//! PostgreSQL backend, for deployments that run several server instances on one database.
//!
//! It behaves exactly as the SQLite backend: the same tables (with native types: `UUID`,
//! `TIMESTAMPTZ`, `JSONB`), the same list SQL from [`crate::query`], the same search keys (computed
//! in Rust and stored as a `TSVECTOR` of whole lexemes, never parsed by a text-search
//! configuration), the same errors. A pool of connections serves concurrent requests; every write
//! is one transaction.
//!
//! Inserts are built for bulk loads: each table gets one statement per chunk of records, its
//! columns sent as arrays and spread back into rows by `UNNEST`, so a batch of thousands of
//! records costs a handful of round trips instead of one per row.

use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use evidentia_model::{Meta, RecordIndex, RecordKind, Vocabularies, vocab::Vocabulary};
use time::OffsetDateTime;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{FromSql, ToSql, Type};
use tokio_postgres::{NoTls, Row};
use uuid::Uuid;

use evidentia_log::{Event, Frontier, Hash};

use crate::codec::{check_new, parse_classification, parse_kind, parse_role, search_keys, time_key};
use crate::log::{MAX_LEAVES_PAGE, PendingLeaf, ProofQuery, db_int, from_db_int, hash_from_bytes};
use crate::query::{Dialect, Param, RECORD_COLUMNS, Select, cursor_key, list_sql};
use crate::{
    ApiToken, AuditEntry, Cursor, HistoryEntry, ListQuery, Membership, NewRecord, Organisation, Page, RecordUpdate,
    Result, SecondFactor, Session, Store, StoreError, StoredRecord, User, redact_url,
};

/// Forward-only; a deployment records in `schema_migrations` which ones it has run.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_records.sql")),
    (2, include_str!("../migrations/postgres/0002_access.sql")),
    (3, include_str!("../migrations/postgres/0003_log.sql")),
];

/// Held (for the length of one transaction) by the instance that migrates, so that several
/// instances starting at once run each migration once. Any fixed number unique to Evidentia.
const MIGRATION_LOCK: i64 = 0x4576_6964_656e_7469; // "Evidenti"

/// Held (for the length of one transaction) by every transaction that appends to the log, taken
/// first thing, so that instances sharing the database append one at a time: leaf indexes stay
/// gapless and each append starts from the frontier the previous one left.
const LOG_LOCK: i64 = 0x4576_6964_4c6f_6721; // "EvidLog!"

/// Rows per `INSERT … SELECT FROM UNNEST(…)` of log leaves or nodes.
const LOG_CHUNK: usize = 10_000;

/// The log's size and its peaks (the subtrees of the binary decomposition of the size, largest
/// first: for each set bit k, level k at index (size >> (k + 1)) * 2), in one query.
const LOG_FRONTIER: &str = "WITH s AS (SELECT COALESCE(MAX(idx) + 1, 0)::bigint AS n FROM log_leaves)
     SELECT s.n, p.level, ln.hash
     FROM s
     LEFT JOIN LATERAL (
         SELECT g::smallint AS level FROM generate_series(62, 0, -1) AS g WHERE (s.n >> g) & 1 = 1
     ) p ON true
     LEFT JOIN log_nodes ln ON ln.level = p.level AND ln.idx = (s.n >> (p.level + 1)) * 2
     ORDER BY p.level DESC NULLS LAST";

const LOG_SIZE: &str = "SELECT COALESCE(MAX(idx) + 1, 0)::bigint FROM log_leaves";

const POOL_SIZE: usize = 16;

/// Records per `INSERT … SELECT FROM UNNEST(…)` statement: large enough that a bulk load costs few
/// round trips, small enough that one message stays a few megabytes whatever the batch size.
const INSERT_CHUNK: usize = 1000;

/// The search keys as a `TSVECTOR` of whole lexemes. `array_to_tsvector` refuses empty strings,
/// which splitting an empty text gives; a record without text gets an empty vector.
const SEARCH_VEC: &str = "array_to_tsvector(array_remove(string_to_array({}, ' '), ''))";

fn search_vec(arg: &str) -> String {
    SEARCH_VEC.replace("{}", arg)
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        match e.as_db_error() {
            Some(db) if *db.code() == SqlState::UNIQUE_VIOLATION => StoreError::Duplicate(unique_message(db)),
            // SQLite's message for the same violation.
            Some(db) if *db.code() == SqlState::FOREIGN_KEY_VIOLATION => {
                StoreError::Invalid("FOREIGN KEY constraint failed".into())
            }
            _ => StoreError::Backend(e.to_string()),
        }
    }
}

impl From<PoolError> for StoreError {
    fn from(e: PoolError) -> Self {
        match e {
            PoolError::Backend(e) => e.into(),
            other => StoreError::Backend(format!("no database connection: {other}")),
        }
    }
}

/// The message SQLite gives for the same violation (`UNIQUE constraint failed: users.email`), so
/// that callers and tests see one text whichever backend runs. The columns come from the
/// violation's detail (`Key (email)=(…) already exists.`); the values in it are left out, as they
/// may be personal data.
fn unique_message(db: &tokio_postgres::error::DbError) -> String {
    let columns = db
        .detail()
        .and_then(|d| d.strip_prefix("Key ("))
        .and_then(|d| d.split_once(")=(").map(|(cols, _)| cols));
    match (db.table(), columns) {
        (Some(table), Some(cols)) => {
            let cols = cols
                .split(", ")
                .map(|c| format!("{table}.{c}"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("UNIQUE constraint failed: {cols}")
        }
        _ => format!(
            "UNIQUE constraint failed: {}",
            db.constraint().unwrap_or("a unique value")
        ),
    }
}

/// Replaces the message of a unique violation, keeping every other error as it is.
fn duplicate_as(e: tokio_postgres::Error, what: impl FnOnce() -> String) -> StoreError {
    match StoreError::from(e) {
        StoreError::Duplicate(_) => StoreError::Duplicate(what()),
        other => other,
    }
}

/// A column of a row; a value of an unexpected type is reported, never a panic.
fn col<'a, T: FromSql<'a>>(row: &'a Row, i: usize) -> Result<T> {
    row.try_get(i)
        .map_err(|e| StoreError::Backend(format!("column {i} cannot be read: {e}")))
}

fn json_text(v: &impl serde::Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// The parameters of [`list_sql`], with their types stated: the text of a search is cast to
/// `tsquery` in the SQL, which would otherwise make PostgreSQL expect a `tsquery` value.
fn typed_params(params: &[Param]) -> Vec<(&(dyn ToSql + Sync), Type)> {
    params
        .iter()
        .map(|p| -> (&(dyn ToSql + Sync), Type) {
            match p {
                Param::Text(s) => (s, Type::TEXT),
                Param::Int(i) => (i, Type::INT8),
                Param::Real(f) => (f, Type::FLOAT8),
                Param::Bool(b) => (b, Type::BOOL),
                Param::Uuid(u) => (u, Type::UUID),
            }
        })
        .collect()
}

/// Decodes the first columns of a row, in [`RECORD_COLUMNS`] order.
fn record_from_row(row: &Row) -> Result<StoredRecord> {
    Ok(StoredRecord {
        kind: parse_kind(col(row, 1)?)?,
        meta: Meta {
            id: col(row, 0)?,
            organisation_id: col(row, 2)?,
            classification: parse_classification(col(row, 3)?)?,
            version: col(row, 4)?,
            created_at: col(row, 5)?,
            created_by: col(row, 6)?,
            updated_at: col(row, 7)?,
            updated_by: col(row, 8)?,
        },
        published: col(row, 9)?,
        body: col(row, 10)?,
    })
}

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.password_hash, u.created_at, u.disabled";

/// Decodes [`USER_COLUMNS`] starting at column `at`.
fn user_from_row(row: &Row, at: usize) -> Result<User> {
    Ok(User {
        id: col(row, at)?,
        email: col(row, at + 1)?,
        display_name: col(row, at + 2)?,
        password_hash: col(row, at + 3)?,
        created_at: col(row, at + 4)?,
        disabled: col(row, at + 5)?,
    })
}

const TOKEN_COLUMNS: &str = "t.id, t.user_id, t.name, t.secret_hash, t.created_at, t.last_used_at, t.revoked_at";

/// Decodes [`TOKEN_COLUMNS`].
fn token_from_row(row: &Row) -> Result<ApiToken> {
    Ok(ApiToken {
        id: col(row, 0)?,
        user_id: col(row, 1)?,
        name: col(row, 2)?,
        secret_hash: col(row, 3)?,
        created_at: col(row, 4)?,
        last_used_at: col(row, 5)?,
        revoked_at: col(row, 6)?,
    })
}

fn audit_from_row(row: &Row) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: col(row, 0)?,
        at: col(row, 1)?,
        actor: col(row, 2)?,
        action: col(row, 3)?,
        target: col(row, 4)?,
        address: col(row, 5)?,
        detail: col(row, 6)?,
    })
}

/// `NotFound` when an update by key changed no row.
fn one_row(changed: u64) -> Result<()> {
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

fn organisation_from_row(row: &Row) -> Result<Organisation> {
    Ok(Organisation {
        id: col(row, 0)?,
        name: col(row, 1)?,
        created_at: col(row, 2)?,
    })
}

async fn put_vocabularies(tx: &deadpool_postgres::Transaction<'_>, vocabularies: &Vocabularies) -> Result<()> {
    tx.execute("DELETE FROM vocabularies", &[]).await?;
    let insert = tx
        .prepare_cached("INSERT INTO vocabularies (name, body) VALUES ($1, $2)")
        .await?;
    for v in vocabularies.iter() {
        tx.execute(&insert, &[&v.name, &json_text(v)?]).await?;
    }
    Ok(())
}

/// Writes the terms and links of records, given as (record id, index) pairs.
async fn write_index(tx: &deadpool_postgres::Transaction<'_>, records: &[(Uuid, &RecordIndex)]) -> Result<()> {
    let mut term_ids = Vec::new();
    let mut terms = Vec::new();
    let mut link_targets = Vec::new();
    let mut link_fields = Vec::new();
    let mut link_ids = Vec::new();
    for (id, index) in records {
        for t in &index.terms {
            term_ids.push(*id);
            terms.push(t.as_str());
        }
        for (field, target) in &index.links {
            link_targets.push(*target);
            link_fields.push(*field);
            link_ids.push(*id);
        }
    }
    if !terms.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO record_terms (term, record_id)
                 SELECT * FROM UNNEST($1::text[], $2::uuid[])
                 ON CONFLICT DO NOTHING",
            )
            .await?;
        tx.execute(&stmt, &[&terms, &term_ids]).await?;
    }
    if !link_ids.is_empty() {
        let stmt = tx
            .prepare_cached(
                "INSERT INTO record_links (target_id, field, record_id)
                 SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::uuid[])
                 ON CONFLICT DO NOTHING",
            )
            .await?;
        tx.execute(&stmt, &[&link_targets, &link_fields, &link_ids]).await?;
    }
    Ok(())
}

/// Inserts one chunk of records, each table in one statement.
/// Changes one record inside `tx` and answers it with the log leaves of the change.
async fn update_in(
    tx: &deadpool_postgres::Transaction<'_>,
    u: &RecordUpdate,
) -> Result<(StoredRecord, Vec<crate::log::PendingLeaf>)> {
    // The row lock makes a concurrent update of the same record wait, then see the new version.
    let stmt = tx
        .prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} FROM records r WHERE r.id = $1 AND r.kind = $2 FOR UPDATE"
        ))
        .await?;
    let row = tx
        .query_opt(&stmt, &[&u.id, &u.kind.as_str()])
        .await?
        .ok_or(StoreError::NotFound)?;
    let old = record_from_row(&row)?;
    let version = old.meta.version;
    if version != u.expected_version {
        return Err(StoreError::Conflict { current: version });
    }
    let stmt = tx
            .prepare_cached(
                "INSERT INTO record_history (record_id, version, classification, organisation_id, changed_at, changed_by, body)
                 SELECT id, version, classification, organisation_id, updated_at, updated_by, body
                 FROM records WHERE id = $1",
            )
            .await?;
    tx.execute(&stmt, &[&u.id]).await?;
    let (period_from, period_to) = u.index.period.unzip();
    let (lat, lon) = u.index.point.unzip();
    let stmt = tx
        .prepare_cached(&format!(
            "UPDATE records r SET version = r.version + 1, classification = $2, updated_at = $3, updated_by = $4,
                     updated_key = $5, body = $6, label = $7, status = $8, published = $9, period_from = $10,
                     period_to = $11, lat = $12, lon = $13, search_vec = {}
                 WHERE r.id = $1
                 RETURNING {RECORD_COLUMNS}",
            search_vec("$14::text")
        ))
        .await?;
    let row = tx
        .query_one(
            &stmt,
            &[
                &u.id,
                &u.classification.as_str(),
                &u.at,
                &u.by,
                &time_key(u.at),
                &u.body,
                &u.index.label,
                &u.index.status,
                &u.index.published,
                &period_from,
                &period_to,
                &lat,
                &lon,
                &search_keys(&u.index),
            ],
        )
        .await?;
    let record = record_from_row(&row)?;
    let stmt = tx
        .prepare_cached("DELETE FROM record_terms WHERE record_id = $1")
        .await?;
    tx.execute(&stmt, &[&u.id]).await?;
    let stmt = tx
        .prepare_cached("DELETE FROM record_links WHERE record_id = $1")
        .await?;
    tx.execute(&stmt, &[&u.id]).await?;
    write_index(tx, &[(u.id, &u.index)]).await?;
    let leaves = crate::log::changed_leaves(&old, &record, &u.events)?;
    Ok((record, leaves))
}

async fn insert_chunk(tx: &deadpool_postgres::Transaction<'_>, records: &[NewRecord]) -> Result<()> {
    let n = records.len();
    let mut ids = Vec::with_capacity(n);
    let mut kinds = Vec::with_capacity(n);
    let mut orgs = Vec::with_capacity(n);
    let mut classifications = Vec::with_capacity(n);
    let mut created_at = Vec::with_capacity(n);
    let mut created_by = Vec::with_capacity(n);
    let mut updated_at = Vec::with_capacity(n);
    let mut updated_by = Vec::with_capacity(n);
    let mut updated_keys = Vec::with_capacity(n);
    let mut bodies = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    let mut statuses = Vec::with_capacity(n);
    let mut published = Vec::with_capacity(n);
    let mut period_from = Vec::with_capacity(n);
    let mut period_to = Vec::with_capacity(n);
    let mut lats = Vec::with_capacity(n);
    let mut lons = Vec::with_capacity(n);
    let mut keys = Vec::with_capacity(n);
    for r in records {
        ids.push(r.meta.id);
        kinds.push(r.kind.as_str());
        orgs.push(r.meta.organisation_id);
        classifications.push(r.meta.classification.as_str());
        created_at.push(r.meta.created_at);
        created_by.push(r.meta.created_by);
        updated_at.push(r.meta.updated_at);
        updated_by.push(r.meta.updated_by);
        updated_keys.push(time_key(r.meta.updated_at));
        bodies.push(&r.body);
        labels.push(r.index.label.as_str());
        statuses.push(r.index.status.as_deref());
        published.push(r.index.published);
        period_from.push(r.index.period.map(|p| p.0));
        period_to.push(r.index.period.map(|p| p.1));
        lats.push(r.index.point.map(|p| p.0));
        lons.push(r.index.point.map(|p| p.1));
        keys.push(search_keys(&r.index));
    }
    let sql = format!(
        "INSERT INTO records (id, kind, organisation_id, classification, version, created_at, created_by,
             updated_at, updated_by, updated_key, body, label, status, published, period_from, period_to, lat, lon,
             search_vec)
         SELECT id, kind, organisation_id, classification, 1, created_at, created_by,
             updated_at, updated_by, updated_key, body, label, status, published, period_from, period_to, lat, lon,
             {}
         FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[], $6::uuid[],
             $7::timestamptz[], $8::uuid[], $9::bigint[], $10::jsonb[], $11::text[], $12::text[], $13::boolean[],
             $14::integer[], $15::integer[], $16::float8[], $17::float8[], $18::text[])
           AS u(id, kind, organisation_id, classification, created_at, created_by,
             updated_at, updated_by, updated_key, body, label, status, published, period_from, period_to, lat, lon,
             keys)",
        search_vec("u.keys")
    );
    let stmt = tx.prepare_cached(&sql).await?;
    let inserted = tx
        .execute(
            &stmt,
            &[
                &ids,
                &kinds,
                &orgs,
                &classifications,
                &created_at,
                &created_by,
                &updated_at,
                &updated_by,
                &updated_keys,
                &bodies,
                &labels,
                &statuses,
                &published,
                &period_from,
                &period_to,
                &lats,
                &lons,
                &keys,
            ],
        )
        .await?;
    if inserted != n as u64 {
        return Err(StoreError::Backend(format!("{inserted} of {n} records inserted")));
    }
    let index = records.iter().map(|r| (r.meta.id, &r.index)).collect::<Vec<_>>();
    write_index(tx, &index).await
}

async fn lock_log(tx: &deadpool_postgres::Transaction<'_>) -> Result<()> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOG_LOCK]).await?;
    Ok(())
}

async fn log_size(client: &impl deadpool_postgres::GenericClient) -> Result<u64> {
    let stmt = client.prepare_cached(LOG_SIZE).await?;
    let n: i64 = col(&client.query_one(&stmt, &[]).await?, 0)?;
    from_db_int(n)
}

/// Appends leaves at the end of a transaction that holds [`LOG_LOCK`]; returns the first index.
async fn append_leaves(tx: &deadpool_postgres::Transaction<'_>, leaves: Vec<PendingLeaf>) -> Result<u64> {
    let stmt = tx.prepare_cached(LOG_FRONTIER).await?;
    let rows = tx.query(&stmt, &[]).await?;
    let mut size = 0;
    let mut peaks = Vec::new();
    for row in &rows {
        size = col::<i64>(row, 0)?;
        if let Some(level) = col::<Option<i16>>(row, 1)? {
            let hash: Option<&[u8]> = col(row, 2)?;
            let hash =
                hash.ok_or_else(|| StoreError::Backend(format!("the log has no peak subtree at level {level}")))?;
            peaks.push(hash_from_bytes(hash)?);
        }
    }
    let mut frontier: Frontier = crate::log::frontier_from_peaks(from_db_int(size)?, peaks)?;
    let appended = crate::log::append(&mut frontier, leaves)?;
    let stmt = tx
        .prepare_cached(
            "INSERT INTO log_leaves (idx, data, record_id, at)
             SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::uuid[], $4::timestamptz[])",
        )
        .await?;
    for chunk in appended.leaves.chunks(LOG_CHUNK) {
        let idx = chunk.iter().map(|(i, _)| db_int(*i)).collect::<Result<Vec<_>>>()?;
        let data = chunk.iter().map(|(_, l)| l.data.as_str()).collect::<Vec<_>>();
        let ids = chunk.iter().map(|(_, l)| l.record_id).collect::<Vec<_>>();
        let at = chunk.iter().map(|(_, l)| l.at).collect::<Vec<_>>();
        tx.execute(&stmt, &[&idx, &data, &ids, &at]).await?;
    }
    let stmt = tx
        .prepare_cached(
            "INSERT INTO log_nodes (level, idx, hash)
             SELECT * FROM UNNEST($1::smallint[], $2::bigint[], $3::bytea[])",
        )
        .await?;
    for chunk in appended.nodes.chunks(LOG_CHUNK) {
        let levels = chunk.iter().map(|n| i16::from(n.level)).collect::<Vec<_>>();
        let idx = chunk.iter().map(|n| db_int(n.index)).collect::<Result<Vec<_>>>()?;
        let hashes = chunk.iter().map(|n| &n.hash[..]).collect::<Vec<_>>();
        tx.execute(&stmt, &[&levels, &idx, &hashes]).await?;
    }
    Ok(appended.first)
}

/// The PostgreSQL backend.
pub struct PostgresStore {
    pool: Pool,
}

impl PostgresStore {
    /// Connects to the database a `postgres://` URL names and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Self> {
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Invalid(format!("database URL {:?}: {e}", redact_url(url))))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("evidentia");
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .create_timeout(Some(Duration::from_secs(15)))
            .wait_timeout(Some(Duration::from_secs(30)))
            .build()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let store = Self { pool };
        store.migrate().await.map_err(|e| match e {
            StoreError::Backend(msg) => StoreError::Backend(format!("{}: {msg}", redact_url(url))),
            other => other,
        })?;
        Ok(store)
    }

    async fn client(&self) -> Result<deadpool_postgres::Client> {
        Ok(self.pool.get().await?)
    }

    /// Answers a root or proof query from the stored subtrees, fetched in one query.
    async fn prove(&self, query: ProofQuery) -> Result<Vec<Hash>> {
        let client = self.client().await?;
        query.check(log_size(&client).await?)?;
        let positions = query.positions()?;
        let levels = positions.iter().map(|(l, _)| i16::from(*l)).collect::<Vec<_>>();
        let idx = positions.iter().map(|(_, i)| db_int(*i)).collect::<Result<Vec<_>>>()?;
        let stmt = client
            .prepare_cached(
                "SELECT n.level, n.idx, n.hash FROM log_nodes n
                 JOIN UNNEST($1::smallint[], $2::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx",
            )
            .await?;
        let mut nodes = std::collections::HashMap::new();
        for row in client.query(&stmt, &[&levels, &idx]).await? {
            let level = u8::try_from(col::<i16>(&row, 0)?)
                .map_err(|_| StoreError::Backend("stored log level out of range".into()))?;
            nodes.insert((level, from_db_int(col(&row, 1)?)?), hash_from_bytes(col(&row, 2)?)?);
        }
        query.answer(nodes)
    }

    async fn migrate(&self) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version BIGINT PRIMARY KEY,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await?;
        let current: i64 = col(
            &tx.query_one("SELECT COALESCE(MAX(version), 0)::bigint FROM schema_migrations", &[])
                .await?,
            0,
        )?;
        for (version, sql) in MIGRATIONS {
            if *version > current {
                tx.batch_execute(sql).await?;
                tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[version])
                    .await?;
            }
        }
        let vocabularies: i64 = col(&tx.query_one("SELECT COUNT(*) FROM vocabularies", &[]).await?, 0)?;
        if vocabularies == 0 {
            put_vocabularies(&tx, &Vocabularies::defaults()).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn ping(&self) -> Result<()> {
        Ok(self.client().await?.batch_execute("SELECT 1").await?)
    }

    async fn create_organisation(&self, org: &Organisation) -> Result<()> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("INSERT INTO organisations (id, name, created_at) VALUES ($1, $2, $3)")
            .await?;
        client
            .execute(&stmt, &[&org.id, &org.name, &org.created_at])
            .await
            .map_err(|e| duplicate_as(e, || format!("organisation {:?}", org.name)))?;
        Ok(())
    }

    async fn organisation_by_name(&self, name: &str) -> Result<Organisation> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT id, name, created_at FROM organisations WHERE name = $1")
            .await?;
        let row = client.query_opt(&stmt, &[&name]).await?.ok_or(StoreError::NotFound)?;
        organisation_from_row(&row)
    }

    async fn organisations(&self) -> Result<Vec<Organisation>> {
        let client = self.client().await?;
        // Byte order, as SQLite sorts, whatever collation the database was created with.
        let stmt = client
            .prepare_cached("SELECT id, name, created_at FROM organisations ORDER BY name COLLATE \"C\"")
            .await?;
        client
            .query(&stmt, &[])
            .await?
            .iter()
            .map(organisation_from_row)
            .collect()
    }

    async fn create_user(&self, user: &User, memberships: &[Membership]) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let stmt = tx
            .prepare_cached(
                "INSERT INTO users (id, email, display_name, password_hash, created_at, disabled)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .await?;
        tx.execute(
            &stmt,
            &[
                &user.id,
                &user.email,
                &user.display_name,
                &user.password_hash,
                &user.created_at,
                &user.disabled,
            ],
        )
        .await
        .map_err(|e| duplicate_as(e, || format!("user {:?}", user.email)))?;
        let stmt = tx
            .prepare_cached("INSERT INTO memberships (user_id, organisation_id, role) VALUES ($1, $2, $3)")
            .await?;
        for m in memberships {
            tx.execute(&stmt, &[&user.id, &m.organisation_id, &m.role.as_str()])
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn user_by_email(&self, email: &str) -> Result<User> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1"))
            .await?;
        let row = client.query_opt(&stmt, &[&email]).await?.ok_or(StoreError::NotFound)?;
        user_from_row(&row, 0)
    }

    async fn user(&self, id: Uuid) -> Result<User> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"))
            .await?;
        let row = client.query_opt(&stmt, &[&id]).await?.ok_or(StoreError::NotFound)?;
        user_from_row(&row, 0)
    }

    async fn memberships(&self, user_id: Uuid) -> Result<Vec<Membership>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT organisation_id, role FROM memberships WHERE user_id = $1 ORDER BY organisation_id")
            .await?;
        client
            .query(&stmt, &[&user_id])
            .await?
            .iter()
            .map(|r| {
                Ok(Membership {
                    organisation_id: col(r, 0)?,
                    role: parse_role(col(r, 1)?)?,
                })
            })
            .collect()
    }

    async fn create_token(&self, token: &ApiToken) -> Result<()> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "INSERT INTO api_tokens (id, user_id, name, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .await?;
        client
            .execute(
                &stmt,
                &[
                    &token.id,
                    &token.user_id,
                    &token.name,
                    &token.secret_hash,
                    &token.created_at,
                ],
            )
            .await?;
        Ok(())
    }

    async fn use_token(&self, secret_hash: &str, at: OffsetDateTime) -> Result<(ApiToken, User)> {
        let client = self.client().await?;
        // One statement finds the live token, locks it and records its use, atomically; `old`
        // keeps the previous use (a concurrent use waits on the lock, then sees this one's).
        let stmt = client
            .prepare_cached(&format!(
                "UPDATE api_tokens t SET last_used_at = $2
                 FROM (SELECT t0.id, t0.last_used_at
                       FROM api_tokens t0 JOIN users u0 ON u0.id = t0.user_id
                       WHERE t0.secret_hash = $1 AND t0.revoked_at IS NULL AND NOT u0.disabled
                       FOR UPDATE OF t0) old,
                      users u
                 WHERE t.id = old.id AND u.id = t.user_id
                 RETURNING t.id, t.name, t.created_at, old.last_used_at, {USER_COLUMNS}"
            ))
            .await?;
        let row = client
            .query_opt(&stmt, &[&secret_hash, &at])
            .await?
            .ok_or(StoreError::NotFound)?;
        let user = user_from_row(&row, 4)?;
        let token = ApiToken {
            id: col(&row, 0)?,
            user_id: user.id,
            name: col(&row, 1)?,
            secret_hash: secret_hash.to_owned(),
            created_at: col(&row, 2)?,
            last_used_at: col(&row, 3)?,
            revoked_at: None,
        };
        Ok((token, user))
    }

    async fn tokens_of(&self, user_id: Uuid) -> Result<Vec<ApiToken>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens t WHERE t.user_id = $1
                 ORDER BY t.created_at DESC, t.id DESC"
            ))
            .await?;
        client
            .query(&stmt, &[&user_id])
            .await?
            .iter()
            .map(token_from_row)
            .collect()
    }

    async fn revoke_token(&self, user_id: Uuid, token_id: Uuid, at: OffsetDateTime) -> Result<()> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND user_id = $3",
            )
            .await?;
        one_row(client.execute(&stmt, &[&at, &token_id, &user_id]).await?)
    }

    async fn users(&self) -> Result<Vec<User>> {
        let client = self.client().await?;
        // Byte order, as SQLite sorts.
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users u ORDER BY u.email COLLATE \"C\""
            ))
            .await?;
        client
            .query(&stmt, &[])
            .await?
            .iter()
            .map(|r| user_from_row(r, 0))
            .collect()
    }

    async fn set_password(&self, user_id: Uuid, password_hash: &str) -> Result<()> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("UPDATE users SET password_hash = $1 WHERE id = $2")
            .await?;
        one_row(client.execute(&stmt, &[&password_hash, &user_id]).await?)
    }

    async fn set_disabled(&self, user_id: Uuid, disabled: bool) -> Result<()> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("UPDATE users SET disabled = $1 WHERE id = $2")
            .await?;
        one_row(client.execute(&stmt, &[&disabled, &user_id]).await?)
    }

    async fn second_factor(&self, user_id: Uuid) -> Result<Option<SecondFactor>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT totp_secret, enabled, last_step, recovery_hashes FROM second_factors WHERE user_id = $1",
            )
            .await?;
        client
            .query_opt(&stmt, &[&user_id])
            .await?
            .map(|r| {
                Ok(SecondFactor {
                    totp_secret: col(&r, 0)?,
                    enabled: col(&r, 1)?,
                    last_step: col(&r, 2)?,
                    recovery_hashes: serde_json::from_value(col(&r, 3)?)
                        .map_err(|e| crate::codec::corrupt("recovery codes", "…", e))?,
                })
            })
            .transpose()
    }

    async fn put_second_factor(&self, user_id: Uuid, factor: Option<&SecondFactor>) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let stmt = tx
            .prepare_cached("DELETE FROM second_factors WHERE user_id = $1")
            .await?;
        tx.execute(&stmt, &[&user_id]).await?;
        if let Some(f) = factor {
            let stmt = tx
                .prepare_cached(
                    "INSERT INTO second_factors (user_id, totp_secret, enabled, last_step, recovery_hashes)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .await?;
            tx.execute(
                &stmt,
                &[
                    &user_id,
                    &f.totp_secret,
                    &f.enabled,
                    &f.last_step,
                    &json_text(&f.recovery_hashes)?,
                ],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn advance_totp_step(&self, user_id: Uuid, step: i64) -> Result<bool> {
        let client = self.client().await?;
        // The condition is checked on the row as it is when locked, so of two concurrent uses of
        // one code only one moves the step.
        let stmt = client
            .prepare_cached("UPDATE second_factors SET last_step = $1 WHERE user_id = $2 AND last_step < $1")
            .await?;
        Ok(client.execute(&stmt, &[&step, &user_id]).await? == 1)
    }

    async fn consume_recovery_code(&self, user_id: Uuid, code_hash: &str) -> Result<bool> {
        let client = self.client().await?;
        // As for TOTP steps: one statement, so a code is used once however many try at once.
        let stmt = client
            .prepare_cached(
                "UPDATE second_factors SET recovery_hashes = recovery_hashes - $2::text
                 WHERE user_id = $1 AND recovery_hashes ? $2::text",
            )
            .await?;
        Ok(client.execute(&stmt, &[&user_id, &code_hash]).await? == 1)
    }

    async fn create_session(&self, session: &Session) -> Result<()> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .await?;
        client
            .execute(
                &stmt,
                &[
                    &session.id_hash,
                    &session.user_id,
                    &session.csrf_token,
                    &session.created_at,
                    &session.expires_at,
                    &session.last_seen_at,
                ],
            )
            .await?;
        Ok(())
    }

    async fn session(&self, id_hash: &str, at: OffsetDateTime) -> Result<(Session, User)> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT s.user_id, s.csrf_token, s.created_at, s.expires_at, s.last_seen_at, {USER_COLUMNS}
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.id_hash = $1 AND s.expires_at > $2 AND NOT u.disabled"
            ))
            .await?;
        let row = client
            .query_opt(&stmt, &[&id_hash, &at])
            .await?
            .ok_or(StoreError::NotFound)?;
        let session = Session {
            id_hash: id_hash.to_owned(),
            user_id: col(&row, 0)?,
            csrf_token: col(&row, 1)?,
            created_at: col(&row, 2)?,
            expires_at: col(&row, 3)?,
            last_seen_at: col(&row, 4)?,
        };
        let user = user_from_row(&row, 5)?;
        // As in SQLite: last seen is written at most once a minute, not on every request. Never
        // moved back, should a request that started earlier finish later.
        if at - session.last_seen_at > time::Duration::minutes(1) {
            let stmt = client
                .prepare_cached("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2 AND last_seen_at < $1")
                .await?;
            client.execute(&stmt, &[&at, &id_hash]).await?;
        }
        Ok((session, user))
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        let client = self.client().await?;
        let stmt = client.prepare_cached("DELETE FROM sessions WHERE id_hash = $1").await?;
        client.execute(&stmt, &[&id_hash]).await?;
        Ok(())
    }

    async fn delete_sessions_of(&self, user_id: Uuid) -> Result<()> {
        let client = self.client().await?;
        let stmt = client.prepare_cached("DELETE FROM sessions WHERE user_id = $1").await?;
        client.execute(&stmt, &[&user_id]).await?;
        Ok(())
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Result<i64> {
        let leaf = crate::log::audit_leaf(entry)?;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock_log(&tx).await?;
        let stmt = tx
            .prepare_cached(
                "INSERT INTO audit_log (at, actor, action, target, address, detail)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
            )
            .await?;
        let row = tx
            .query_one(
                &stmt,
                &[
                    &entry.at,
                    &entry.actor,
                    &entry.action,
                    &entry.target,
                    &entry.address,
                    &entry.detail,
                ],
            )
            .await?;
        let seq = col(&row, 0)?;
        append_leaves(&tx, vec![leaf]).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn audit(&self, limit: u32, before: Option<i64>) -> Result<Vec<AuditEntry>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT seq, at, actor, action, target, address, detail FROM audit_log
                 WHERE seq < $1 ORDER BY seq DESC LIMIT $2",
            )
            .await?;
        client
            .query(&stmt, &[&before.unwrap_or(i64::MAX), &i64::from(limit.clamp(1, 1000))])
            .await?
            .iter()
            .map(audit_from_row)
            .collect()
    }

    async fn vocabularies(&self) -> Result<Vocabularies> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT body FROM vocabularies ORDER BY name COLLATE \"C\"")
            .await?;
        let list = client
            .query(&stmt, &[])
            .await?
            .iter()
            .map(|r| {
                serde_json::from_value::<Vocabulary>(col(r, 0)?)
                    .map_err(|e| crate::codec::corrupt("vocabulary", "…", e))
            })
            .collect::<Result<Vec<_>>>()?;
        Vocabularies::from_list(list).map_err(|e| StoreError::Backend(e.to_string()))
    }

    async fn put_vocabularies(&self, vocabularies: &Vocabularies) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        put_vocabularies(&tx, vocabularies).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn insert(&self, records: Vec<NewRecord>) -> Result<()> {
        for r in &records {
            check_new(&r.meta)?;
        }
        if records.is_empty() {
            return Ok(());
        }
        // The events are hashed on a blocking thread while the records travel to the database.
        let records = std::sync::Arc::new(records);
        let hashing = {
            let records = std::sync::Arc::clone(&records);
            tokio::task::spawn_blocking(move || {
                records
                    .iter()
                    .map(crate::log::created_leaves)
                    .collect::<Result<Vec<_>>>()
                    .map(|l| l.into_iter().flatten().collect::<Vec<_>>())
            })
        };
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock_log(&tx).await?;
        for chunk in records.chunks(INSERT_CHUNK) {
            insert_chunk(&tx, chunk).await?;
        }
        let leaves = hashing
            .await
            .map_err(|e| StoreError::Backend(format!("hashing log events: {e}")))??;
        append_leaves(&tx, leaves).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update(&self, u: RecordUpdate) -> Result<StoredRecord> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock_log(&tx).await?;
        let (record, leaves) = update_in(&tx, &u).await?;
        append_leaves(&tx, leaves).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn write_all(&self, inserts: Vec<NewRecord>, updates: Vec<RecordUpdate>) -> Result<Vec<StoredRecord>> {
        for r in &inserts {
            check_new(&r.meta)?;
        }
        if inserts.is_empty() && updates.is_empty() {
            return Ok(Vec::new());
        }
        let mut leaves = Vec::new();
        for r in &inserts {
            leaves.extend(crate::log::created_leaves(r)?);
        }
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock_log(&tx).await?;
        for chunk in inserts.chunks(INSERT_CHUNK) {
            insert_chunk(&tx, chunk).await?;
        }
        let mut records = Vec::with_capacity(updates.len());
        for u in &updates {
            let (record, l) = update_in(&tx, u).await?;
            records.push(record);
            leaves.extend(l);
        }
        append_leaves(&tx, leaves).await?;
        tx.commit().await?;
        Ok(records)
    }

    async fn get(&self, kind: RecordKind, id: Uuid) -> Result<StoredRecord> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM records r WHERE r.id = $1 AND r.kind = $2"
            ))
            .await?;
        let row = client
            .query_opt(&stmt, &[&id, &kind.as_str()])
            .await?
            .ok_or(StoreError::NotFound)?;
        record_from_row(&row)
    }

    async fn list(&self, query: &ListQuery) -> Result<Page> {
        let sql = list_sql(query, Dialect::Postgres, Select::Page);
        let (limit, sort) = (query.limit.clamp(1, 1000) as usize, query.sort);
        let client = self.client().await?;
        // Not prepared: the text varies with the filters, and each statement would stay cached on
        // its connection.
        let rows = client.query_typed(&sql.text, &typed_params(&sql.params)).await?;
        let mut items: Vec<(StoredRecord, i64)> = Vec::with_capacity(limit.min(rows.len()));
        let mut next = None;
        for row in &rows {
            if items.len() == limit {
                next = items.last().map(|(r, key)| Cursor {
                    key: *key,
                    id: r.meta.id,
                });
                break;
            }
            let record = record_from_row(row)?;
            let period_from: Option<i32> = col(row, 11)?;
            let key = cursor_key(sort, period_from.map(i64::from), col(row, 12)?);
            items.push((record, key));
        }
        Ok(Page {
            items: items.into_iter().map(|(r, _)| r).collect(),
            next,
        })
    }

    async fn count(&self, query: &ListQuery) -> Result<u64> {
        let sql = list_sql(query, Dialect::Postgres, Select::Count);
        let client = self.client().await?;
        let row = client.query_typed_one(&sql.text, &typed_params(&sql.params)).await?;
        let n: i64 = col(&row, 0)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn month_spans(&self, query: &ListQuery) -> Result<Vec<(i32, i32, u64)>> {
        let sql = list_sql(query, Dialect::Postgres, Select::MonthSpans);
        let client = self.client().await?;
        let rows = client.query_typed(&sql.text, &typed_params(&sql.params)).await?;
        rows.iter()
            .map(|r| Ok(crate::query::month_span(col(r, 0)?, col(r, 1)?, col(r, 2)?)))
            .collect()
    }

    async fn history(&self, kind: RecordKind, id: Uuid) -> Result<Vec<HistoryEntry>> {
        let client = self.client().await?;
        // One statement, so the kept versions and the current one come from one snapshot.
        let stmt = client
            .prepare_cached(
                "SELECT h.version, h.classification, h.organisation_id, h.changed_at, h.changed_by, h.body
                 FROM record_history h
                 WHERE h.record_id = $1 AND EXISTS (SELECT 1 FROM records r WHERE r.id = $1 AND r.kind = $2)
                 UNION ALL
                 SELECT r.version, r.classification, r.organisation_id, r.updated_at, r.updated_by, r.body
                 FROM records r WHERE r.id = $1 AND r.kind = $2
                 ORDER BY 1",
            )
            .await?;
        let rows = client.query(&stmt, &[&id, &kind.as_str()]).await?;
        if rows.is_empty() {
            return Err(StoreError::NotFound);
        }
        rows.iter()
            .map(|r| {
                Ok(HistoryEntry {
                    version: col(r, 0)?,
                    classification: parse_classification(col(r, 1)?)?,
                    organisation_id: col(r, 2)?,
                    changed_at: col(r, 3)?,
                    changed_by: col(r, 4)?,
                    body: col(r, 5)?,
                })
            })
            .collect()
    }

    async fn append_events(&self, events: &[Event]) -> Result<u64> {
        let leaves = crate::log::event_leaves(events)?;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock_log(&tx).await?;
        let first = append_leaves(&tx, leaves).await?;
        tx.commit().await?;
        Ok(first)
    }

    async fn log_size(&self) -> Result<u64> {
        let client = self.client().await?;
        log_size(&client).await
    }

    async fn log_leaves(&self, from: u64, limit: u32) -> Result<Vec<(u64, Vec<u8>)>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT idx, data FROM log_leaves WHERE idx >= $1 ORDER BY idx LIMIT $2")
            .await?;
        client
            .query(&stmt, &[&db_int(from)?, &i64::from(limit.clamp(1, MAX_LEAVES_PAGE))])
            .await?
            .iter()
            .map(|r| Ok((from_db_int(col(r, 0)?)?, col::<String>(r, 1)?.into_bytes())))
            .collect()
    }

    async fn log_root(&self, size: u64) -> Result<Hash> {
        let answer = self.prove(ProofQuery::Root { size }).await?;
        answer
            .first()
            .copied()
            .ok_or_else(|| StoreError::Backend("log root not computed".into()))
    }

    async fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>> {
        self.prove(ProofQuery::Inclusion { index, size }).await
    }

    async fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>> {
        self.prove(ProofQuery::Consistency { old, new }).await
    }

    async fn latest_event_for(&self, record_id: Uuid) -> Result<Option<(u64, Vec<u8>)>> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached("SELECT idx, data FROM log_leaves WHERE record_id = $1 ORDER BY idx DESC LIMIT 1")
            .await?;
        client
            .query_opt(&stmt, &[&record_id])
            .await?
            .map(|r| Ok((from_db_int(col(&r, 0)?)?, col::<String>(&r, 1)?.into_bytes())))
            .transpose()
    }

    async fn put_checkpoint(&self, size: u64, note: &str, at: OffsetDateTime) -> Result<()> {
        let size_db = db_int(size)?;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // Serialised with appends and other checkpoints, so "the latest" cannot change meanwhile.
        lock_log(&tx).await?;
        let same: Option<String> = tx
            .query_opt("SELECT note FROM log_checkpoints WHERE size = $1", &[&size_db])
            .await?
            .map(|r| col(&r, 0))
            .transpose()?;
        let latest: Option<i64> = col(&tx.query_one("SELECT MAX(size) FROM log_checkpoints", &[]).await?, 0)?;
        let current = log_size(&tx).await?;
        crate::log::check_checkpoint(
            size,
            note,
            same.as_deref(),
            latest.map(from_db_int).transpose()?,
            current,
        )?;
        if same.is_none() {
            tx.execute(
                "INSERT INTO log_checkpoints (size, note, created_at) VALUES ($1, $2, $3)",
                &[&size_db, &note, &at],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn checkpoints(&self) -> Result<Vec<(u64, String)>> {
        let client = self.client().await?;
        client
            .query("SELECT size, note FROM log_checkpoints ORDER BY size", &[])
            .await?
            .iter()
            .map(|r| Ok((from_db_int(col(r, 0)?)?, col(r, 1)?)))
            .collect()
    }

    async fn latest_checkpoint(&self) -> Result<Option<(u64, String)>> {
        let client = self.client().await?;
        client
            .query_opt("SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1", &[])
            .await?
            .map(|r| Ok((from_db_int(col(&r, 0)?)?, col(&r, 1)?)))
            .transpose()
    }
}

/// PostgreSQL against the reference backend: the same calls must give the same answers. Each test
/// makes a database of its own on the server `EVIDENTIA_TEST_PG_ADMIN_URL` names (see
/// `scripts/with-postgres`) and does nothing when it is unset.
#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use evidentia_model::{Classification, Role, Viewer};
    use serde_json::json;
    use time::macros::datetime;

    use super::*;
    use crate::{BoundingBox, Sort};

    /// A fresh database and its URL, or `None` without a test server.
    async fn fresh_database() -> Option<(String, String)> {
        let admin = std::env::var("EVIDENTIA_TEST_PG_ADMIN_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let name = format!("evidentia_{}", Uuid::new_v4().simple());
        let (client, connection) = tokio_postgres::connect(&admin, NoTls).await.unwrap();
        tokio::spawn(connection);
        client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
        let base = admin.rsplit_once('/').unwrap().0;
        Some((format!("{base}/{name}"), name))
    }

    async fn drop_database(name: &str) {
        if let Ok(admin) = std::env::var("EVIDENTIA_TEST_PG_ADMIN_URL") {
            let (client, connection) = tokio_postgres::connect(&admin, NoTls).await.unwrap();
            tokio::spawn(connection);
            client
                .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .await
                .unwrap();
        }
    }

    fn record(id: Uuid, org: Uuid, kind: RecordKind, index: RecordIndex, body: serde_json::Value) -> NewRecord {
        let at = datetime!(2024-03-01 12:00:00.123456 UTC) + time::Duration::milliseconds(i64::from(id.as_fields().1));
        let meta = Meta {
            id,
            organisation_id: org,
            classification: Classification::Internal,
            created_at: at,
            created_by: org,
            updated_at: at,
            updated_by: org,
            version: 1,
        };
        NewRecord {
            kind,
            meta,
            body,
            index,
        }
    }

    fn id(n: u16) -> Uuid {
        Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | (u128::from(n) << 80))
    }

    /// Every call of the script, answered as text so the two backends can be compared line by line.
    async fn script(store: &dyn Store) -> Vec<String> {
        let mut out = Vec::new();
        let mut log = |what: &str, answer: String| out.push(format!("{what}: {answer}"));
        let t0 = datetime!(2024-03-01 12:00 UTC);
        let (a, b) = (id(1), id(2));
        let org_a = Organisation {
            id: a,
            name: "Ärzte office".into(),
            created_at: t0,
        };
        let org_b = Organisation {
            id: b,
            name: "Zed monitor".into(),
            created_at: t0,
        };
        log("org a", format!("{:?}", store.create_organisation(&org_a).await));
        log("org b", format!("{:?}", store.create_organisation(&org_b).await));
        let same_name = Organisation {
            id: id(3),
            ..org_a.clone()
        };
        log(
            "org same name",
            format!("{:?}", store.create_organisation(&same_name).await),
        );
        let same_id = Organisation {
            name: "Other".into(),
            ..org_a.clone()
        };
        log(
            "org same id",
            format!("{:?}", store.create_organisation(&same_id).await),
        );
        log(
            "org by name",
            format!("{:?}", store.organisation_by_name("Zed monitor").await),
        );
        log(
            "org by missing name",
            format!("{:?}", store.organisation_by_name("None").await),
        );
        log("organisations", format!("{:?}", store.organisations().await));

        let user = User {
            id: id(10),
            email: "a@example.org".into(),
            display_name: "A".into(),
            password_hash: Some("$argon2id$...".into()),
            created_at: t0,
            disabled: false,
        };
        let roles = [
            Membership {
                organisation_id: b,
                role: Role::Viewer,
            },
            Membership {
                organisation_id: a,
                role: Role::Admin,
            },
        ];
        log("user", format!("{:?}", store.create_user(&user, &roles).await));
        log(
            "user same email",
            format!(
                "{:?}",
                store
                    .create_user(
                        &User {
                            id: id(11),
                            ..user.clone()
                        },
                        &[]
                    )
                    .await
            ),
        );
        let twice = [roles[0], roles[0]];
        let other = User {
            id: id(12),
            email: "b@example.org".into(),
            ..user.clone()
        };
        log(
            "membership twice",
            format!("{:?}", store.create_user(&other, &twice).await),
        );
        log("user after failed create", format!("{:?}", store.user(id(12)).await));
        log(
            "user by email",
            format!("{:?}", store.user_by_email("a@example.org").await),
        );
        log("memberships", format!("{:?}", store.memberships(user.id).await));
        let disabled = User {
            id: id(13),
            email: "d@example.org".into(),
            disabled: true,
            password_hash: None,
            ..user.clone()
        };
        log(
            "disabled user",
            format!("{:?}", store.create_user(&disabled, &[]).await),
        );

        let token = ApiToken {
            id: id(20),
            user_id: user.id,
            name: "scripts".into(),
            secret_hash: "ab".repeat(32),
            created_at: t0,
            last_used_at: None,
            revoked_at: None,
        };
        log("token", format!("{:?}", store.create_token(&token).await));
        log(
            "token same hash",
            format!(
                "{:?}",
                store
                    .create_token(&ApiToken {
                        id: id(21),
                        ..token.clone()
                    })
                    .await
            ),
        );
        let off = ApiToken {
            id: id(22),
            user_id: disabled.id,
            secret_hash: "cd".repeat(32),
            ..token.clone()
        };
        log("token of disabled", format!("{:?}", store.create_token(&off).await));
        log(
            "use token",
            format!(
                "{:?}",
                store.use_token(&token.secret_hash, t0 + time::Duration::hours(1)).await
            ),
        );
        log(
            "use token of disabled",
            format!("{:?}", store.use_token(&off.secret_hash, t0).await),
        );
        log("use unknown token", format!("{:?}", store.use_token("00", t0).await));
        log(
            "use token again",
            format!(
                "{:?}",
                store.use_token(&token.secret_hash, t0 + time::Duration::hours(2)).await
            ),
        );
        let later = ApiToken {
            id: id(23),
            secret_hash: "ef".repeat(32),
            name: "later".into(),
            created_at: t0 + time::Duration::minutes(1),
            ..token.clone()
        };
        log("later token", format!("{:?}", store.create_token(&later).await));
        log(
            "token of missing user",
            format!(
                "{:?}",
                store
                    .create_token(&ApiToken {
                        id: id(24),
                        user_id: id(99),
                        secret_hash: "12".repeat(32),
                        ..token.clone()
                    })
                    .await
            ),
        );
        log("tokens of", format!("{:?}", store.tokens_of(user.id).await));
        log(
            "tokens of disabled",
            format!("{:?}", store.tokens_of(disabled.id).await),
        );
        log("tokens of missing", format!("{:?}", store.tokens_of(id(99)).await));
        let t1 = t0 + time::Duration::days(1);
        log(
            "revoke other's token",
            format!("{:?}", store.revoke_token(disabled.id, token.id, t1).await),
        );
        log(
            "revoke missing token",
            format!("{:?}", store.revoke_token(user.id, id(98), t1).await),
        );
        log(
            "revoke",
            format!("{:?}", store.revoke_token(user.id, token.id, t1).await),
        );
        log(
            "revoke again",
            format!(
                "{:?}",
                store
                    .revoke_token(user.id, token.id, t1 + time::Duration::days(1))
                    .await
            ),
        );
        log(
            "use revoked token",
            format!("{:?}", store.use_token(&token.secret_hash, t1).await),
        );
        log("tokens after revoke", format!("{:?}", store.tokens_of(user.id).await));

        log("users", format!("{:?}", store.users().await));
        log(
            "set password",
            format!("{:?}", store.set_password(user.id, "$argon2id$new").await),
        );
        log(
            "set password of missing",
            format!("{:?}", store.set_password(id(99), "x").await),
        );
        log(
            "set disabled of missing",
            format!("{:?}", store.set_disabled(id(99), true).await),
        );
        log("enable", format!("{:?}", store.set_disabled(disabled.id, false).await));
        log("users after", format!("{:?}", store.users().await));
        log(
            "disable again",
            format!("{:?}", store.set_disabled(disabled.id, true).await),
        );

        log("no second factor", format!("{:?}", store.second_factor(user.id).await));
        let factor = SecondFactor {
            totp_secret: "JBSWY3DPEHPK3PXP".into(),
            enabled: false,
            last_step: 100,
            recovery_hashes: vec!["r1".into(), "r2".into(), "r1".into(), "r3".into()],
        };
        log(
            "second factor of missing",
            format!("{:?}", store.put_second_factor(id(99), Some(&factor)).await),
        );
        log(
            "put second factor",
            format!("{:?}", store.put_second_factor(user.id, Some(&factor)).await),
        );
        log("second factor", format!("{:?}", store.second_factor(user.id).await));
        let enabled = SecondFactor {
            enabled: true,
            ..factor.clone()
        };
        log(
            "replace second factor",
            format!("{:?}", store.put_second_factor(user.id, Some(&enabled)).await),
        );
        for step in [99, 100, 101, 101, 105, 103] {
            log(
                &format!("advance to {step}"),
                format!("{:?}", store.advance_totp_step(user.id, step).await),
            );
        }
        log(
            "advance missing",
            format!("{:?}", store.advance_totp_step(id(99), 1).await),
        );
        for code in ["r1", "r1", "r3", "nope", "r2"] {
            log(
                &format!("consume {code}"),
                format!("{:?}", store.consume_recovery_code(user.id, code).await),
            );
        }
        log(
            "consume missing",
            format!("{:?}", store.consume_recovery_code(id(99), "r1").await),
        );
        log(
            "second factor used",
            format!("{:?}", store.second_factor(user.id).await),
        );
        log(
            "remove second factor",
            format!("{:?}", store.put_second_factor(user.id, None).await),
        );
        log(
            "remove missing second factor",
            format!("{:?}", store.put_second_factor(id(99), None).await),
        );
        log(
            "second factor removed",
            format!("{:?}", store.second_factor(user.id).await),
        );

        let session = Session {
            id_hash: "5a".repeat(32),
            user_id: user.id,
            csrf_token: "csrf".into(),
            created_at: t0,
            expires_at: t0 + time::Duration::hours(8),
            last_seen_at: t0,
        };
        log("session", format!("{:?}", store.create_session(&session).await));
        log(
            "session same hash",
            format!("{:?}", store.create_session(&session).await),
        );
        log(
            "session of missing user",
            format!(
                "{:?}",
                store
                    .create_session(&Session {
                        id_hash: "5b".repeat(32),
                        user_id: id(99),
                        ..session.clone()
                    })
                    .await
            ),
        );
        let of_disabled = Session {
            id_hash: "5c".repeat(32),
            user_id: disabled.id,
            ..session.clone()
        };
        log(
            "session of disabled",
            format!("{:?}", store.create_session(&of_disabled).await),
        );
        let other_session = Session {
            id_hash: "5d".repeat(32),
            csrf_token: "other".into(),
            ..session.clone()
        };
        log(
            "other session",
            format!("{:?}", store.create_session(&other_session).await),
        );
        for (what, at) in [
            ("within a minute", time::Duration::seconds(59)),
            ("at a minute", time::Duration::minutes(1)),
            ("after two minutes", time::Duration::minutes(2)),
            ("soon after", time::Duration::seconds(150)),
            ("before last seen", time::Duration::seconds(30)),
            ("after four minutes", time::Duration::minutes(4)),
            ("at expiry", time::Duration::hours(8)),
            ("after expiry", time::Duration::hours(9)),
        ] {
            log(
                &format!("find session {what}"),
                format!("{:?}", store.session(&session.id_hash, t0 + at).await),
            );
        }
        log(
            "find session of disabled",
            format!("{:?}", store.session(&of_disabled.id_hash, t0).await),
        );
        log("find unknown session", format!("{:?}", store.session("00", t0).await));
        log(
            "delete session",
            format!("{:?}", store.delete_session(&session.id_hash).await),
        );
        log(
            "delete unknown session",
            format!("{:?}", store.delete_session("00").await),
        );
        log(
            "find deleted session",
            format!("{:?}", store.session(&session.id_hash, t0).await),
        );
        log(
            "find other session",
            format!("{:?}", store.session(&other_session.id_hash, t0).await),
        );
        log(
            "delete sessions of",
            format!("{:?}", store.delete_sessions_of(user.id).await),
        );
        log(
            "delete sessions of missing",
            format!("{:?}", store.delete_sessions_of(id(99)).await),
        );
        log(
            "find other session after",
            format!("{:?}", store.session(&other_session.id_hash, t0).await),
        );

        for n in 0..5u16 {
            let entry = AuditEntry {
                seq: 0,
                at: t0 + time::Duration::microseconds(i64::from(n) * 1001),
                actor: (n % 2 == 0).then_some(user.id),
                action: format!("action_{n}"),
                target: (n % 3 == 0).then(|| format!("incident:{}", id(n))),
                address: (n != 1).then(|| "2001:db8::1".to_owned()),
                detail: if n == 4 {
                    json!(null)
                } else {
                    json!({"n": n, "text": "Харків ü", "nested": {"z": [1.5, null, true], "a": {}}})
                },
            };
            log(
                &format!("append audit {n}"),
                format!("{:?}", store.append_audit(&entry).await),
            );
        }
        log("audit", format!("{:?}", store.audit(1000, None).await));
        log("audit 2", format!("{:?}", store.audit(2, None).await));
        log("audit 0", format!("{:?}", store.audit(0, None).await));
        log("audit before 4", format!("{:?}", store.audit(2, Some(4)).await));
        log("audit before 1", format!("{:?}", store.audit(10, Some(1)).await));

        log(
            "vocabularies",
            format!(
                "{:?}",
                store.vocabularies().await.map(|v| v == Vocabularies::defaults())
            ),
        );
        let mut list: Vec<Vocabulary> = Vocabularies::defaults().iter().cloned().collect();
        list.truncate(2);
        let fewer = Vocabularies::from_list(list).unwrap();
        log(
            "put vocabularies",
            format!("{:?}", store.put_vocabularies(&fewer).await),
        );
        log(
            "vocabularies after",
            format!("{:?}", store.vocabularies().await.map(|v| v == fewer)),
        );

        let index =
            |text: &str, status: &str, terms: &[&str], period: Option<(i32, i32)>, point: Option<(f64, f64)>| {
                RecordIndex {
                    status: Some(status.into()),
                    period,
                    point,
                    terms: terms.iter().map(|t| (*t).to_owned()).collect(),
                    links: Vec::new(),
                    text: text.into(),
                    published: false,
                    label: text.into(),
                }
            };
        let mut records = Vec::new();
        for n in 0..30u16 {
            let text = match n % 5 {
                0 => "Олександр Коваленко, Харків",
                1 => "Aleksandr Kovalenko from Kharkiv",
                2 => "",
                3 => "attack on the clinic, 12 killed",
                _ => "  ... !!! ",
            };
            let terms: &[&str] = if n % 2 == 0 {
                &["category:killing", "category:killing"]
            } else {
                &["category:pillage"]
            };
            let period = (n % 4 != 0).then(|| (20_140_700 + i32::from(n % 3), 20_140_800 + i32::from(n)));
            let point = (n % 3 == 0).then(|| (40.0 + f64::from(n), if n % 2 == 0 { 179.5 } else { -20.25 }));
            let mut r = record(
                id(100 + n),
                if n % 7 == 0 { b } else { a },
                RecordKind::Incident,
                index(
                    text,
                    if n % 2 == 0 { "verified" } else { "reported" },
                    terms,
                    period,
                    point,
                ),
                json!({"n": n, "title": text, "nested": {"z": 1, "a": [1.5, null]}}),
            );
            r.meta.classification = Classification::ALL[usize::from(n % 4)];
            r.index.published = n % 3 == 1;
            records.push(r);
        }
        let mut inv = record(id(200), a, RecordKind::Involvement, RecordIndex::default(), json!({}));
        inv.index.links = vec![
            ("incident_id", id(101)),
            ("person_id", id(300)),
            ("incident_id", id(101)),
        ];
        records.push(inv);
        let mut bad = records.clone();
        bad[5].meta.version = 2;
        log("insert version 2", format!("{:?}", store.insert(bad).await));
        let mut dup = records.clone();
        dup.push(records[3].clone());
        log("insert duplicate", format!("{:?}", store.insert(dup).await));
        log("insert empty", format!("{:?}", store.insert(Vec::new()).await));
        log("insert", format!("{:?}", store.insert(records).await));
        log("get", format!("{:?}", store.get(RecordKind::Incident, id(103)).await));
        log(
            "get wrong kind",
            format!("{:?}", store.get(RecordKind::Person, id(103)).await),
        );

        let change = |n: u16, expected: i64, text: &str, terms: &[&str]| RecordUpdate {
            kind: RecordKind::Incident,
            id: id(100 + n),
            expected_version: expected,
            classification: Classification::Restricted,
            body: json!({"changed": text}),
            index: RecordIndex {
                links: vec![("incident_id", id(150))],
                ..index(text, "disputed", terms, None, Some((1.0, 2.0)))
            },
            at: t0 + time::Duration::days(expected) + time::Duration::microseconds(7),
            by: id(10),
            events: Vec::new(),
        };
        log(
            "update",
            format!(
                "{:?}",
                store.update(change(4, 1, "Petrenko", &["category:torture"])).await
            ),
        );
        log(
            "update again",
            format!("{:?}", store.update(change(4, 2, "", &[])).await),
        );
        log(
            "update stale",
            format!("{:?}", store.update(change(4, 2, "x", &[])).await),
        );
        log(
            "update 1",
            format!(
                "{:?}",
                store.update(change(1, 1, "Шевченко", &["category:torture"])).await
            ),
        );
        let wrong_kind = RecordUpdate {
            kind: RecordKind::Person,
            ..change(4, 3, "x", &[])
        };
        log("update wrong kind", format!("{:?}", store.update(wrong_kind).await));
        log(
            "update missing",
            format!(
                "{:?}",
                store
                    .update(RecordUpdate {
                        id: id(999),
                        ..change(4, 3, "x", &[])
                    })
                    .await
            ),
        );
        log(
            "history",
            format!("{:?}", store.history(RecordKind::Incident, id(104)).await),
        );
        log(
            "history of unchanged",
            format!("{:?}", store.history(RecordKind::Incident, id(105)).await),
        );
        log(
            "history wrong kind",
            format!("{:?}", store.history(RecordKind::Person, id(104)).await),
        );

        let viewers = [
            Viewer::System,
            Viewer::Public,
            Viewer::Staff {
                user_id: id(10),
                memberships: vec![(a, Role::Viewer)],
            },
            Viewer::Staff {
                user_id: id(10),
                memberships: vec![(a, Role::Investigator), (b, Role::Analyst)],
            },
            Viewer::Staff {
                user_id: id(10),
                memberships: vec![],
            },
        ];
        let mut queries = Vec::new();
        for viewer in viewers {
            let q = ListQuery::new(Some(RecordKind::Incident), viewer);
            queries.push(q.clone());
            queries.push(ListQuery {
                kind: None,
                ..q.clone()
            });
            queries.push(ListQuery {
                statuses: vec!["verified".into(), "disputed".into()],
                ..q.clone()
            });
            queries.push(ListQuery {
                terms: vec!["category:killing".into()],
                ..q.clone()
            });
            queries.push(ListQuery {
                terms: vec!["category:torture".into()],
                ..q.clone()
            });
            queries.push(ListQuery {
                period: Some((20_140_801, 20_140_805)),
                ..q.clone()
            });
            let bbox = BoundingBox {
                min_lat: 0.0,
                min_lon: 170.0,
                max_lat: 60.0,
                max_lon: -10.0,
            };
            queries.push(ListQuery {
                bbox: Some(bbox),
                ..q.clone()
            });
            let bbox = BoundingBox {
                min_lat: 0.0,
                min_lon: -30.0,
                max_lat: 60.0,
                max_lon: 10.0,
            };
            queries.push(ListQuery {
                bbox: Some(bbox),
                ..q.clone()
            });
            for text in [
                "Kharkiv",
                "Харків",
                "kovalenk",
                "Oleksandr Kovalenko",
                "clinic 12",
                "Petrenko",
                "Шевченко",
                "!!",
                "",
                "o'brien",
            ] {
                queries.push(ListQuery {
                    text: Some(text.into()),
                    ..q.clone()
                });
            }
            queries.push(ListQuery {
                links: vec![("incident_id".into(), id(101))],
                kind: None,
                ..q.clone()
            });
            queries.push(ListQuery {
                links: vec![("incident_id".into(), id(150))],
                ..q.clone()
            });
            queries.push(ListQuery {
                organisation_id: Some(b),
                ..q.clone()
            });
            queries.push(ListQuery {
                classification: Some(Classification::Public),
                ..q.clone()
            });
            queries.push(ListQuery {
                published: Some(true),
                ..q.clone()
            });
        }
        for (i, q) in queries.iter().enumerate() {
            log(&format!("count {i}"), format!("{:?}", store.count(q).await));
            log(
                &format!("list {i}"),
                format!("{:?}", store.list(q).await.map(|p| ids(&p))),
            );
        }
        for sort in [
            Sort::CreatedDesc,
            Sort::CreatedAsc,
            Sort::OccurredDesc,
            Sort::OccurredAsc,
            Sort::UpdatedDesc,
        ] {
            let mut q = ListQuery {
                sort,
                limit: 7,
                ..ListQuery::new(None, Viewer::System)
            };
            loop {
                let page = store.list(&q).await.unwrap();
                log(&format!("page {sort:?}"), format!("{:?} {:?}", ids(&page), page.next));
                match page.next {
                    Some(next) => q.after = Some(next),
                    None => break,
                }
            }
        }
        let first = store
            .list(&ListQuery {
                limit: 1000,
                ..ListQuery::new(None, Viewer::System)
            })
            .await;
        log("all", format!("{first:?}"));
        out
    }

    fn ids(page: &Page) -> Vec<u16> {
        page.items.iter().map(|r| r.meta.id.as_fields().1).collect()
    }

    #[tokio::test]
    async fn answers_as_sqlite_does() {
        let Some((url, name)) = fresh_database().await else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let sqlite = crate::sqlite::SqliteStore::open(&dir.path().join("reference.db"))
            .await
            .unwrap();
        let expected = script(&sqlite).await;
        let postgres = PostgresStore::connect(&url).await.unwrap();
        let got = script(&postgres).await;
        for (e, g) in expected.iter().zip(&got) {
            assert_eq!(g, e);
        }
        assert_eq!(got.len(), expected.len());
        drop(postgres);
        drop_database(&name).await;
    }

    /// A code, a TOTP step and a token use each count once, however many requests race.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_uses_count_once() {
        let Some((url, name)) = fresh_database().await else {
            return;
        };
        let store = Arc::new(PostgresStore::connect(&url).await.unwrap());
        let t0 = datetime!(2024-03-01 12:00 UTC);
        let user = User {
            id: id(10),
            email: "a@example.org".into(),
            display_name: "A".into(),
            password_hash: None,
            created_at: t0,
            disabled: false,
        };
        store.create_user(&user, &[]).await.unwrap();
        let factor = SecondFactor {
            totp_secret: "JBSWY3DPEHPK3PXP".into(),
            enabled: true,
            last_step: 0,
            recovery_hashes: vec!["r1".into(), "r2".into()],
        };
        store.put_second_factor(user.id, Some(&factor)).await.unwrap();
        let token = ApiToken {
            id: id(20),
            user_id: user.id,
            name: "scripts".into(),
            secret_hash: "ab".repeat(32),
            created_at: t0,
            last_used_at: None,
            revoked_at: None,
        };
        store.create_token(&token).await.unwrap();

        // Each phase starts its requests together, each on a connection of its own.
        const N: i64 = 12;
        async fn race<T: Send + 'static, F: std::future::Future<Output = T> + Send + 'static>(
            f: impl Fn(i64, Arc<tokio::sync::Barrier>) -> F,
        ) -> Vec<T> {
            let barrier = Arc::new(tokio::sync::Barrier::new(N as usize));
            let tasks: Vec<_> = (0..N).map(|n| tokio::spawn(f(n, Arc::clone(&barrier)))).collect();
            let mut out = Vec::new();
            for t in tasks {
                out.push(t.await.unwrap());
            }
            out
        }
        let steps = race(|n, barrier| {
            let store = Arc::clone(&store);
            async move {
                let client = store.client().await.unwrap();
                barrier.wait().await;
                drop(client);
                store.advance_totp_step(id(10), 1 + n % 2).await.unwrap()
            }
        })
        .await;
        let codes = race(|_, barrier| {
            let store = Arc::clone(&store);
            async move {
                let client = store.client().await.unwrap();
                barrier.wait().await;
                drop(client);
                store.consume_recovery_code(id(10), "r1").await.unwrap()
            }
        })
        .await;
        let mut previous = race(|n, barrier| {
            let store = Arc::clone(&store);
            let hash = token.secret_hash.clone();
            async move {
                let client = store.client().await.unwrap();
                barrier.wait().await;
                drop(client);
                let at = t0 + time::Duration::seconds(n + 1);
                store.use_token(&hash, at).await.unwrap().0.last_used_at
            }
        })
        .await;
        // Step 1 then 2, or 2 alone.
        let steps = steps.iter().filter(|s| **s).count();
        assert!((1..=2).contains(&steps), "{steps}");
        assert_eq!(codes.iter().filter(|c| **c).count(), 1);
        assert_eq!(
            store.second_factor(user.id).await.unwrap().unwrap(),
            SecondFactor {
                last_step: 2,
                recovery_hashes: vec!["r2".into()],
                ..factor
            }
        );
        // Each use saw the one before it: one saw none, and no two saw the same.
        previous.sort();
        previous.dedup();
        assert_eq!(previous.len(), N as usize, "{previous:?}");
        assert_eq!(previous[0], None);
        let last = store.tokens_of(user.id).await.unwrap()[0].last_used_at;
        assert!(last.is_some() && !previous.contains(&last), "{last:?}");
        drop(store);
        drop_database(&name).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn instances_starting_together_migrate_once() {
        let Some((url, name)) = fresh_database().await else {
            return;
        };
        let starts = (0..6).map(|_| {
            let url = url.clone();
            tokio::spawn(async move { PostgresStore::connect(&url).await.map(Arc::new) })
        });
        let mut stores = Vec::new();
        for s in starts {
            stores.push(s.await.unwrap().unwrap());
        }
        let client = stores[0].client().await.unwrap();
        let migrations: i64 = client
            .query_one("SELECT COUNT(*) FROM schema_migrations", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(migrations, i64::try_from(MIGRATIONS.len()).unwrap());
        assert_eq!(stores[5].vocabularies().await.unwrap(), Vocabularies::defaults());
        drop(client);
        drop(stores);
        drop_database(&name).await;
    }

    #[tokio::test]
    async fn a_server_that_does_not_answer_is_an_error_without_the_password() {
        let err = PostgresStore::connect("postgres://u:secret@127.0.0.1:1/db")
            .await
            .err()
            .unwrap();
        let text = err.to_string();
        assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
        assert!(
            text.contains("postgres://u:***@127.0.0.1:1/db") && !text.contains("secret"),
            "{text}"
        );
        let err = PostgresStore::connect("postgres://u:secret@127.0.0.1:1/db?sslmode=nonsense")
            .await
            .err()
            .unwrap();
        assert!(
            matches!(err, StoreError::Invalid(_)) && !err.to_string().contains("secret"),
            "{err:?}"
        );
    }
}
