//! The embedded default: one SQLite database file in the data directory.
//!
//! WAL mode with `synchronous = FULL`, so an acknowledged write survives a power cut. Writes go
//! through one connection (SQLite has one writer at a time anyway; queuing them here instead of
//! in `busy_timeout` keeps latency predictable), reads through a small pool of connections that
//! see the last committed state. All blocking calls run on Tokio's blocking threads.

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use evidentia_model::{Meta, RecordKind, Vocabularies, vocab::Vocabulary};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, Transaction, params};
use time::OffsetDateTime;
use uuid::Uuid;

use evidentia_log::{Event, Frontier, Hash};

use crate::codec::{
    check_new, parse_classification, parse_kind, parse_role, parse_time, parse_uuid, search_keys, time_key, time_text,
};
use crate::log::{MAX_LEAVES_PAGE, PendingLeaf, ProofQuery, db_int, from_db_int, hash_from_bytes, peak_positions};
use crate::query::{Dialect, Param, Select, cursor_key, list_sql};
use crate::{
    ApiToken, AuditEntry, Cursor, HistoryEntry, ListQuery, Membership, NewRecord, Organisation, Page, RecordUpdate,
    Result, SecondFactor, Session, Store, StoreError, StoredRecord, User,
};

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_records.sql")),
    (2, include_str!("../migrations/sqlite/0002_access.sql")),
    (3, include_str!("../migrations/sqlite/0003_log.sql")),
];
const READERS: usize = 4;
/// From this many records an insert computes its log events on a second thread.
const PARALLEL_LEAVES: usize = 256;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
            rusqlite::Error::SqliteFailure(f, msg)
                if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                StoreError::Duplicate(msg.unwrap_or_else(|| "a unique value".into()))
            }
            rusqlite::Error::SqliteFailure(f, msg) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                StoreError::Invalid(msg.unwrap_or_else(|| "a constraint failed".into()))
            }
            other => StoreError::Backend(other.to_string()),
        }
    }
}

/// The SQLite backend.
pub struct SqliteStore {
    writer: Arc<Mutex<Connection>>,
    /// The log's right edge as this process last wrote it, guarded by the writer lock (taken
    /// after it). Checked against the stored size before each append, as another process may
    /// have written to the file since.
    frontier: Arc<Mutex<Option<Frontier>>>,
    readers: Arc<Mutex<Vec<Connection>>>,
    reader_slots: tokio::sync::Semaphore,
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -32000;
         PRAGMA temp_store = MEMORY;",
    )?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    )?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| {
        r.get(0)
    })?;
    for (version, sql) in MIGRATIONS {
        if *version > current {
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?, datetime('now'))",
                [version],
            )?;
        }
    }
    let vocabularies: i64 = tx.query_row("SELECT COUNT(*) FROM vocabularies", [], |r| r.get(0))?;
    if vocabularies == 0 {
        put_vocabularies(&tx, &Vocabularies::defaults())?;
    }
    tx.commit()?;
    Ok(())
}

fn put_vocabularies(tx: &Transaction<'_>, vocabularies: &Vocabularies) -> Result<()> {
    tx.execute("DELETE FROM vocabularies", [])?;
    for v in vocabularies.iter() {
        let body = serde_json::to_string(v).map_err(|e| StoreError::Invalid(e.to_string()))?;
        tx.execute(
            "INSERT INTO vocabularies (name, body) VALUES (?, ?)",
            params![v.name, body],
        )?;
    }
    Ok(())
}

fn to_value(p: &Param) -> Value {
    match p {
        Param::Text(s) => Value::Text(s.clone()),
        Param::Int(i) => Value::Integer(*i),
        Param::Real(f) => Value::Real(*f),
        Param::Bool(b) => Value::Integer(i64::from(*b)),
        Param::Uuid(u) => Value::Text(u.to_string()),
    }
}

fn record_from_row(row: &Row<'_>) -> Result<StoredRecord> {
    let text = |i: usize| -> Result<String> { Ok(row.get::<_, String>(i)?) };
    let body_text = text(10)?;
    Ok(StoredRecord {
        kind: parse_kind(&text(1)?)?,
        meta: Meta {
            id: parse_uuid(&text(0)?)?,
            organisation_id: parse_uuid(&text(2)?)?,
            classification: parse_classification(&text(3)?)?,
            version: row.get(4)?,
            created_at: parse_time(&text(5)?)?,
            created_by: parse_uuid(&text(6)?)?,
            updated_at: parse_time(&text(7)?)?,
            updated_by: parse_uuid(&text(8)?)?,
        },
        published: row.get::<_, i64>(9)? != 0,
        body: serde_json::from_str(&body_text).map_err(|e| crate::codec::corrupt("body", "…", e))?,
    })
}

fn token_from_row(row: &Row<'_>) -> Result<ApiToken> {
    let time = |i: usize| -> Result<Option<OffsetDateTime>> {
        row.get::<_, Option<String>>(i)?.as_deref().map(parse_time).transpose()
    };
    Ok(ApiToken {
        id: parse_uuid(&row.get::<_, String>(0)?)?,
        user_id: parse_uuid(&row.get::<_, String>(1)?)?,
        name: row.get(2)?,
        secret_hash: row.get(3)?,
        created_at: parse_time(&row.get::<_, String>(4)?)?,
        last_used_at: time(5)?,
        revoked_at: time(6)?,
    })
}

fn audit_from_row(row: &Row<'_>) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: row.get(0)?,
        at: parse_time(&row.get::<_, String>(1)?)?,
        actor: row
            .get::<_, Option<String>>(2)?
            .as_deref()
            .map(parse_uuid)
            .transpose()?,
        action: row.get(3)?,
        target: row.get(4)?,
        address: row.get(5)?,
        detail: serde_json::from_str(&row.get::<_, String>(6)?)
            .map_err(|e| crate::codec::corrupt("audit detail", "…", e))?,
    })
}

fn user_from_row(row: &Row<'_>) -> Result<User> {
    Ok(User {
        id: parse_uuid(&row.get::<_, String>(0)?)?,
        email: row.get(1)?,
        display_name: row.get(2)?,
        password_hash: row.get(3)?,
        created_at: parse_time(&row.get::<_, String>(4)?)?,
        disabled: row.get::<_, i64>(5)? != 0,
    })
}

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.password_hash, u.created_at, u.disabled";

fn write_index(tx: &Transaction<'_>, rowid: i64, id: &str, rec_index: &evidentia_model::RecordIndex) -> Result<()> {
    tx.prepare_cached("INSERT INTO records_fts (rowid, keys) VALUES (?, ?)")?
        .execute(params![rowid, search_keys(rec_index)])?;
    let mut term = tx.prepare_cached("INSERT OR IGNORE INTO record_terms (term, record_id) VALUES (?, ?)")?;
    for t in &rec_index.terms {
        term.execute(params![t, id])?;
    }
    let mut link =
        tx.prepare_cached("INSERT OR IGNORE INTO record_links (target_id, field, record_id) VALUES (?, ?, ?)")?;
    for (field, target) in &rec_index.links {
        link.execute(params![target.to_string(), field, id])?;
    }
    Ok(())
}

fn clear_index(tx: &Transaction<'_>, rowid: i64, id: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM records_fts WHERE rowid = ?")?
        .execute([rowid])?;
    tx.prepare_cached("DELETE FROM record_terms WHERE record_id = ?")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM record_links WHERE record_id = ?")?
        .execute([id])?;
    Ok(())
}

fn insert_record(tx: &Transaction<'_>, r: &NewRecord) -> Result<()> {
    check_new(&r.meta)?;
    let id = r.meta.id.to_string();
    let body = serde_json::to_string(&r.body).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let (period_from, period_to) = r.index.period.unzip();
    let (lat, lon) = r.index.point.unzip();
    let changed = tx
        .prepare_cached(
            "INSERT INTO records (id, kind, organisation_id, classification, version, created_at, created_by,
                 updated_at, updated_by, updated_key, body, label, status, published, period_from, period_to, lat, lon)
             VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )?
        .execute(params![
            id,
            r.kind.as_str(),
            r.meta.organisation_id.to_string(),
            r.meta.classification.as_str(),
            time_text(r.meta.created_at),
            r.meta.created_by.to_string(),
            time_text(r.meta.updated_at),
            r.meta.updated_by.to_string(),
            time_key(r.meta.updated_at),
            body,
            r.index.label,
            r.index.status,
            r.index.published,
            period_from,
            period_to,
            lat,
            lon,
        ])?;
    if changed != 1 {
        return Err(StoreError::Backend("record not inserted".into()));
    }
    write_index(tx, tx.last_insert_rowid(), &id, &r.index)
}

fn update_record(tx: &Transaction<'_>, u: &RecordUpdate) -> Result<()> {
    let id = u.id.to_string();
    let current = tx
        .query_row(
            "SELECT rowid, version, classification, organisation_id, updated_at, updated_by, body
             FROM records WHERE id = ? AND kind = ?",
            params![id, u.kind.as_str()],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, String>(6)?,
                ))
            },
        )
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let (rowid, version, classification, organisation_id, updated_at, updated_by, body) = current;
    if version != u.expected_version {
        return Err(StoreError::Conflict { current: version });
    }
    tx.execute(
        "INSERT INTO record_history (record_id, version, classification, organisation_id, changed_at, changed_by, body)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        params![
            id,
            version,
            classification,
            organisation_id,
            updated_at,
            updated_by,
            body
        ],
    )?;
    let new_body = serde_json::to_string(&u.body).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let (period_from, period_to) = u.index.period.unzip();
    let (lat, lon) = u.index.point.unzip();
    tx.execute(
        "UPDATE records SET version = ?, classification = ?, updated_at = ?, updated_by = ?, updated_key = ?,
             body = ?, label = ?, status = ?, published = ?, period_from = ?, period_to = ?, lat = ?, lon = ?
         WHERE rowid = ?",
        params![
            version + 1,
            u.classification.as_str(),
            time_text(u.at),
            u.by.to_string(),
            time_key(u.at),
            new_body,
            u.index.label,
            u.index.status,
            u.index.published,
            period_from,
            period_to,
            lat,
            lon,
            rowid,
        ],
    )?;
    clear_index(tx, rowid, &id)?;
    write_index(tx, rowid, &id, &u.index)
}

/// The number of leaves stored, whoever wrote them.
fn stored_log_size(conn: &Connection) -> Result<u64> {
    let n: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves")?
        .query_row([], |r| r.get(0))?;
    from_db_int(n)
}

/// The frontier of the stored tree of `size` leaves, from its peaks.
fn load_frontier(conn: &Connection, size: u64) -> Result<Frontier> {
    let mut stmt = conn.prepare_cached("SELECT hash FROM log_nodes WHERE level = ? AND idx = ?")?;
    let mut peaks = Vec::new();
    for (level, index) in peak_positions(size) {
        let hash: Option<Vec<u8>> = stmt
            .query_row(params![level, db_int(index)?], |r| r.get(0))
            .optional()?;
        let hash =
            hash.ok_or_else(|| StoreError::Backend(format!("the log has no subtree at level {level}, index {index}")))?;
        peaks.push(hash_from_bytes(&hash)?);
    }
    crate::log::frontier_from_peaks(size, peaks)
}

fn write_appended(tx: &Transaction<'_>, appended: &crate::log::Appended) -> Result<()> {
    let mut leaf = tx.prepare_cached("INSERT INTO log_leaves (idx, data, record_id, at) VALUES (?, ?, ?, ?)")?;
    for (index, l) in &appended.leaves {
        leaf.execute(params![
            db_int(*index)?,
            l.data,
            l.record_id.map(|id| id.to_string()),
            time_text(l.at)
        ])?;
    }
    let mut node = tx.prepare_cached("INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)")?;
    for n in &appended.nodes {
        node.execute(params![n.level, db_int(n.index)?, &n.hash[..]])?;
    }
    Ok(())
}

fn get_record(conn: &Connection, kind: RecordKind, id: Uuid) -> Result<StoredRecord> {
    let sql = format!(
        "SELECT {} FROM records r WHERE r.id = ? AND r.kind = ?",
        crate::query::RECORD_COLUMNS
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![id.to_string(), kind.as_str()])?;
    match rows.next()? {
        Some(row) => record_from_row(row),
        None => Err(StoreError::NotFound),
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self> {
        let path = path.to_path_buf();
        tokio::task::spawn_blocking(move || Self::open_blocking(&path))
            .await
            .map_err(|e| StoreError::Backend(e.to_string()))?
    }

    fn open_blocking(path: &Path) -> Result<Self> {
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        migrate(&mut writer)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
            )?;
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            conn.execute_batch("PRAGMA cache_size = -16000; PRAGMA temp_store = MEMORY;")?;
            readers.push(conn);
        }
        Ok(Self {
            writer: Arc::new(Mutex::new(writer)),
            frontier: Arc::new(Mutex::new(None)),
            readers: Arc::new(Mutex::new(readers)),
            reader_slots: tokio::sync::Semaphore::new(READERS),
        })
    }

    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        let writer = Arc::clone(&self.writer);
        tokio::task::spawn_blocking(move || {
            let mut conn = writer
                .lock()
                .map_err(|_| StoreError::Backend("writer lock poisoned".into()))?;
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))?
    }

    /// A write that appends to the log: `f` does the write and pushes its events; they are
    /// appended at the end of the same transaction. Returns `f`'s result and the first new index.
    async fn write_logged<T, F>(&self, f: F) -> Result<(T, u64)>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>, &mut Vec<PendingLeaf>) -> Result<T> + Send + 'static,
    {
        let writer = Arc::clone(&self.writer);
        let cache = Arc::clone(&self.frontier);
        tokio::task::spawn_blocking(move || {
            let mut conn = writer
                .lock()
                .map_err(|_| StoreError::Backend("writer lock poisoned".into()))?;
            let mut cached = cache
                .lock()
                .map_err(|_| StoreError::Backend("log frontier lock poisoned".into()))?;
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut leaves = Vec::new();
            let out = f(&tx, &mut leaves)?;
            let size = stored_log_size(&tx)?;
            let mut frontier = match cached.as_ref() {
                Some(f) if f.size() == size => f.clone(),
                _ => load_frontier(&tx, size)?,
            };
            let appended = crate::log::append(&mut frontier, leaves)?;
            write_appended(&tx, &appended)?;
            tx.commit()?;
            *cached = Some(frontier);
            Ok((out, appended.first))
        })
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))?
    }

    /// Answers a root or proof query from the stored subtrees.
    async fn prove(&self, query: ProofQuery) -> Result<Vec<Hash>> {
        self.read(move |c| {
            query.check(stored_log_size(c)?)?;
            let mut stmt = c.prepare_cached("SELECT hash FROM log_nodes WHERE level = ? AND idx = ?")?;
            let mut nodes = std::collections::HashMap::new();
            for (level, index) in query.positions()? {
                let hash: Vec<u8> = stmt.query_row(params![level, db_int(index)?], |r| r.get(0))?;
                nodes.insert((level, index), hash_from_bytes(&hash)?);
            }
            query.answer(nodes)
        })
        .await
    }

    async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let _slot = self
            .reader_slots
            .acquire()
            .await
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let readers = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || {
            let conn = readers
                .lock()
                .map_err(|_| StoreError::Backend("reader pool poisoned".into()))?
                .pop()
                .ok_or_else(|| StoreError::Backend("no reader connection free".into()))?;
            let out = f(&conn);
            if let Ok(mut pool) = readers.lock() {
                pool.push(conn);
            }
            out
        })
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))?
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<()> {
        self.read(|c| Ok(c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)).map(|_| ())?))
            .await
    }

    async fn create_organisation(&self, org: &Organisation) -> Result<()> {
        let org = org.clone();
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)",
                params![org.id.to_string(), org.name, time_text(org.created_at)],
            )
            .map_err(|e| match StoreError::from(e) {
                StoreError::Duplicate(_) => StoreError::Duplicate(format!("organisation {:?}", org.name)),
                other => other,
            })?;
            Ok(())
        })
        .await
    }

    async fn organisation_by_name(&self, name: &str) -> Result<Organisation> {
        let name = name.to_owned();
        self.read(move |c| {
            let (id, name, created) = c.query_row(
                "SELECT id, name, created_at FROM organisations WHERE name = ?",
                [name],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)),
            )?;
            Ok(Organisation {
                id: parse_uuid(&id)?,
                name,
                created_at: parse_time(&created)?,
            })
        })
        .await
    }

    async fn organisations(&self) -> Result<Vec<Organisation>> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT id, name, created_at FROM organisations ORDER BY name")?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(Organisation {
                    id: parse_uuid(&r.get::<_, String>(0)?)?,
                    name: r.get(1)?,
                    created_at: parse_time(&r.get::<_, String>(2)?)?,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn create_user(&self, user: &User, memberships: &[Membership]) -> Result<()> {
        let user = user.clone();
        let memberships = memberships.to_vec();
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO users (id, email, display_name, password_hash, created_at, disabled) VALUES (?, ?, ?, ?, ?, ?)",
                params![
                    user.id.to_string(),
                    user.email,
                    user.display_name,
                    user.password_hash,
                    time_text(user.created_at),
                    user.disabled
                ],
            )
            .map_err(|e| match StoreError::from(e) {
                StoreError::Duplicate(_) => StoreError::Duplicate(format!("user {:?}", user.email)),
                other => other,
            })?;
            for m in memberships {
                tx.execute(
                    "INSERT INTO memberships (user_id, organisation_id, role) VALUES (?, ?, ?)",
                    params![user.id.to_string(), m.organisation_id.to_string(), m.role.as_str()],
                )?;
            }
            Ok(())
        })
        .await
    }

    async fn user_by_email(&self, email: &str) -> Result<User> {
        let email = email.to_owned();
        self.read(move |c| {
            let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = ?");
            let mut stmt = c.prepare_cached(&sql)?;
            let mut rows = stmt.query([email])?;
            rows.next()?.map(user_from_row).ok_or(StoreError::NotFound)?
        })
        .await
    }

    async fn user(&self, id: Uuid) -> Result<User> {
        self.read(move |c| {
            let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?");
            let mut stmt = c.prepare_cached(&sql)?;
            let mut rows = stmt.query([id.to_string()])?;
            rows.next()?.map(user_from_row).ok_or(StoreError::NotFound)?
        })
        .await
    }

    async fn memberships(&self, user_id: Uuid) -> Result<Vec<Membership>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT organisation_id, role FROM memberships WHERE user_id = ? ORDER BY organisation_id",
            )?;
            let mut rows = stmt.query([user_id.to_string()])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(Membership {
                    organisation_id: parse_uuid(&r.get::<_, String>(0)?)?,
                    role: parse_role(&r.get::<_, String>(1)?)?,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn create_token(&self, token: &ApiToken) -> Result<()> {
        let t = token.clone();
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO api_tokens (id, user_id, name, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                params![
                    t.id.to_string(),
                    t.user_id.to_string(),
                    t.name,
                    t.secret_hash,
                    time_text(t.created_at)
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn use_token(&self, secret_hash: &str, at: OffsetDateTime) -> Result<(ApiToken, User)> {
        let hash = secret_hash.to_owned();
        self.write(move |tx| {
            let sql = format!(
                "SELECT t.id, t.name, t.created_at, t.last_used_at, {USER_COLUMNS}
                 FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.secret_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0"
            );
            let mut stmt = tx.prepare_cached(&sql)?;
            let mut rows = stmt.query([&hash])?;
            let row = rows.next()?.ok_or(StoreError::NotFound)?;
            let token_id: String = row.get(0)?;
            let name: String = row.get(1)?;
            let created: String = row.get(2)?;
            let previous: Option<String> = row.get(3)?;
            let user = User {
                id: parse_uuid(&row.get::<_, String>(4)?)?,
                email: row.get(5)?,
                display_name: row.get(6)?,
                password_hash: row.get(7)?,
                created_at: parse_time(&row.get::<_, String>(8)?)?,
                disabled: row.get::<_, i64>(9)? != 0,
            };
            drop(rows);
            drop(stmt);
            tx.execute(
                "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                params![time_text(at), token_id],
            )?;
            Ok((
                ApiToken {
                    id: parse_uuid(&token_id)?,
                    user_id: user.id,
                    name,
                    secret_hash: hash,
                    created_at: parse_time(&created)?,
                    last_used_at: previous.as_deref().map(parse_time).transpose()?,
                    revoked_at: None,
                },
                user,
            ))
        })
        .await
    }

    async fn tokens_of(&self, user_id: Uuid) -> Result<Vec<ApiToken>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, user_id, name, secret_hash, created_at, last_used_at, revoked_at
                 FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id DESC",
            )?;
            let mut rows = stmt.query([user_id.to_string()])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(token_from_row(r)?);
            }
            Ok(out)
        })
        .await
    }

    async fn revoke_token(&self, user_id: Uuid, token_id: Uuid, at: OffsetDateTime) -> Result<()> {
        self.write(move |tx| {
            let n = tx.execute(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND user_id = ?",
                params![time_text(at), token_id.to_string(), user_id.to_string()],
            )?;
            if n == 1 { Ok(()) } else { Err(StoreError::NotFound) }
        })
        .await
    }

    async fn users(&self) -> Result<Vec<User>> {
        self.read(|c| {
            let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.email");
            let mut stmt = c.prepare(&sql)?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(user_from_row(r)?);
            }
            Ok(out)
        })
        .await
    }

    async fn set_password(&self, user_id: Uuid, password_hash: &str) -> Result<()> {
        let hash = password_hash.to_owned();
        self.write(move |tx| {
            let n = tx.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?",
                params![hash, user_id.to_string()],
            )?;
            if n == 1 { Ok(()) } else { Err(StoreError::NotFound) }
        })
        .await
    }

    async fn set_disabled(&self, user_id: Uuid, disabled: bool) -> Result<()> {
        self.write(move |tx| {
            let n = tx.execute(
                "UPDATE users SET disabled = ? WHERE id = ?",
                params![disabled, user_id.to_string()],
            )?;
            if n == 1 { Ok(()) } else { Err(StoreError::NotFound) }
        })
        .await
    }

    async fn second_factor(&self, user_id: Uuid) -> Result<Option<SecondFactor>> {
        self.read(move |c| {
            c.query_row(
                "SELECT totp_secret, enabled, last_step, recovery_hashes FROM second_factors WHERE user_id = ?",
                [user_id.to_string()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?
            .map(|(totp_secret, enabled, last_step, hashes)| {
                Ok(SecondFactor {
                    totp_secret,
                    enabled: enabled != 0,
                    last_step,
                    recovery_hashes: serde_json::from_str(&hashes)
                        .map_err(|e| crate::codec::corrupt("recovery codes", "…", e))?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn put_second_factor(&self, user_id: Uuid, factor: Option<&SecondFactor>) -> Result<()> {
        let factor = factor.cloned();
        self.write(move |tx| {
            tx.execute("DELETE FROM second_factors WHERE user_id = ?", [user_id.to_string()])?;
            if let Some(f) = factor {
                let hashes =
                    serde_json::to_string(&f.recovery_hashes).map_err(|e| StoreError::Invalid(e.to_string()))?;
                tx.execute(
                    "INSERT INTO second_factors (user_id, totp_secret, enabled, last_step, recovery_hashes)
                     VALUES (?, ?, ?, ?, ?)",
                    params![user_id.to_string(), f.totp_secret, f.enabled, f.last_step, hashes],
                )?;
            }
            Ok(())
        })
        .await
    }

    async fn advance_totp_step(&self, user_id: Uuid, step: i64) -> Result<bool> {
        self.write(move |tx| {
            let n = tx.execute(
                "UPDATE second_factors SET last_step = ? WHERE user_id = ? AND last_step < ?",
                params![step, user_id.to_string(), step],
            )?;
            Ok(n == 1)
        })
        .await
    }

    async fn consume_recovery_code(&self, user_id: Uuid, code_hash: &str) -> Result<bool> {
        let code_hash = code_hash.to_owned();
        self.write(move |tx| {
            let hashes: Option<String> = tx
                .query_row(
                    "SELECT recovery_hashes FROM second_factors WHERE user_id = ?",
                    [user_id.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(hashes) = hashes else { return Ok(false) };
            let mut list: Vec<String> =
                serde_json::from_str(&hashes).map_err(|e| crate::codec::corrupt("recovery codes", "…", e))?;
            let before = list.len();
            list.retain(|h| h != &code_hash);
            if list.len() == before {
                return Ok(false);
            }
            let text = serde_json::to_string(&list).map_err(|e| StoreError::Invalid(e.to_string()))?;
            tx.execute(
                "UPDATE second_factors SET recovery_hashes = ? WHERE user_id = ?",
                params![text, user_id.to_string()],
            )?;
            Ok(true)
        })
        .await
    }

    async fn create_session(&self, session: &Session) -> Result<()> {
        let s = session.clone();
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
                params![
                    s.id_hash,
                    s.user_id.to_string(),
                    s.csrf_token,
                    time_text(s.created_at),
                    time_text(s.expires_at),
                    time_text(s.last_seen_at)
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn session(&self, id_hash: &str, at: OffsetDateTime) -> Result<(Session, User)> {
        let id_hash = id_hash.to_owned();
        let found = self
            .read(move |c| {
                let sql = format!(
                    "SELECT s.user_id, s.csrf_token, s.created_at, s.expires_at, s.last_seen_at, {USER_COLUMNS}
                     FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = 0"
                );
                let mut stmt = c.prepare_cached(&sql)?;
                let mut rows = stmt.query(params![id_hash, time_text(at)])?;
                let row = rows.next()?.ok_or(StoreError::NotFound)?;
                let session = Session {
                    id_hash: id_hash.clone(),
                    user_id: parse_uuid(&row.get::<_, String>(0)?)?,
                    csrf_token: row.get(1)?,
                    created_at: parse_time(&row.get::<_, String>(2)?)?,
                    expires_at: parse_time(&row.get::<_, String>(3)?)?,
                    last_seen_at: parse_time(&row.get::<_, String>(4)?)?,
                };
                let user = User {
                    id: parse_uuid(&row.get::<_, String>(5)?)?,
                    email: row.get(6)?,
                    display_name: row.get(7)?,
                    password_hash: row.get(8)?,
                    created_at: parse_time(&row.get::<_, String>(9)?)?,
                    disabled: row.get::<_, i64>(10)? != 0,
                };
                Ok((session, user))
            })
            .await?;
        // Writing last_seen on every request would serialise all reads behind the writer; once a
        // minute is enough to show activity.
        if at - found.0.last_seen_at > time::Duration::minutes(1) {
            let hash = found.0.id_hash.clone();
            self.write(move |tx| {
                tx.execute(
                    "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?",
                    params![time_text(at), hash],
                )?;
                Ok(())
            })
            .await?;
        }
        Ok(found)
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        let id_hash = id_hash.to_owned();
        self.write(move |tx| {
            tx.execute("DELETE FROM sessions WHERE id_hash = ?", [id_hash])?;
            Ok(())
        })
        .await
    }

    async fn delete_sessions_of(&self, user_id: Uuid) -> Result<()> {
        self.write(move |tx| {
            tx.execute("DELETE FROM sessions WHERE user_id = ?", [user_id.to_string()])?;
            Ok(())
        })
        .await
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Result<i64> {
        let e = entry.clone();
        let leaf = crate::log::audit_leaf(&e)?;
        self.write_logged(move |tx, leaves| {
            leaves.push(leaf);
            tx.execute(
                "INSERT INTO audit_log (at, actor, action, target, address, detail) VALUES (?, ?, ?, ?, ?, ?)",
                params![
                    time_text(e.at),
                    e.actor.map(|a| a.to_string()),
                    e.action,
                    e.target,
                    e.address,
                    e.detail.to_string()
                ],
            )?;
            Ok(tx.last_insert_rowid())
        })
        .await
        .map(|(seq, _)| seq)
    }

    async fn audit(&self, limit: u32, before: Option<i64>) -> Result<Vec<AuditEntry>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, at, actor, action, target, address, detail FROM audit_log
                 WHERE seq < ? ORDER BY seq DESC LIMIT ?",
            )?;
            let mut rows = stmt.query(params![before.unwrap_or(i64::MAX), i64::from(limit.clamp(1, 1000))])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(audit_from_row(r)?);
            }
            Ok(out)
        })
        .await
    }

    async fn vocabularies(&self) -> Result<Vocabularies> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT body FROM vocabularies ORDER BY name")?;
            let mut rows = stmt.query([])?;
            let mut list = Vec::new();
            while let Some(r) = rows.next()? {
                let body: String = r.get(0)?;
                let v: Vocabulary =
                    serde_json::from_str(&body).map_err(|e| crate::codec::corrupt("vocabulary", "…", e))?;
                list.push(v);
            }
            Vocabularies::from_list(list).map_err(|e| StoreError::Backend(e.to_string()))
        })
        .await
    }

    async fn put_vocabularies(&self, vocabularies: &Vocabularies) -> Result<()> {
        let v = vocabularies.clone();
        self.write(move |tx| put_vocabularies(tx, &v)).await
    }

    async fn insert(&self, records: Vec<NewRecord>) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        self.write_logged(move |tx, leaves| {
            let created = |records: &[NewRecord]| -> Result<Vec<PendingLeaf>> {
                records
                    .iter()
                    .map(crate::log::created_leaves)
                    .collect::<Result<Vec<_>>>()
                    .map(|l| l.into_iter().flatten().collect())
            };
            if records.len() < PARALLEL_LEAVES {
                for r in &records {
                    insert_record(tx, r)?;
                }
                leaves.extend(created(&records)?);
                return Ok(());
            }
            // A bulk load: hash the events on another core while this one writes the records
            // (hashing is about a sixth of the cost of a logged insert). The hashing thread is
            // always joined, so that a failed write never leaves a panic to the scope.
            std::thread::scope(|scope| {
                let hashing = scope.spawn(|| created(&records));
                let written = records.iter().try_for_each(|r| insert_record(tx, r));
                let computed = hashing
                    .join()
                    .map_err(|_| StoreError::Backend("hashing log events failed".into()))?;
                written?;
                leaves.extend(computed?);
                Ok(())
            })
        })
        .await
        .map(|_| ())
    }

    async fn update(&self, update: RecordUpdate) -> Result<StoredRecord> {
        let (kind, id) = (update.kind, update.id);
        self.write_logged(move |tx, leaves| {
            let old = get_record(tx, kind, id)?;
            update_record(tx, &update)?;
            let new = get_record(tx, kind, id)?;
            leaves.extend(crate::log::changed_leaves(&old, &new, &update.events)?);
            Ok(new)
        })
        .await
        .map(|(record, _)| record)
    }

    async fn write_all(&self, inserts: Vec<NewRecord>, updates: Vec<RecordUpdate>) -> Result<Vec<StoredRecord>> {
        if inserts.is_empty() && updates.is_empty() {
            return Ok(Vec::new());
        }
        self.write_logged(move |tx, leaves| {
            for r in &inserts {
                insert_record(tx, r)?;
                leaves.extend(crate::log::created_leaves(r)?);
            }
            let mut out = Vec::with_capacity(updates.len());
            for update in &updates {
                let (kind, id) = (update.kind, update.id);
                let old = get_record(tx, kind, id)?;
                update_record(tx, update)?;
                let new = get_record(tx, kind, id)?;
                leaves.extend(crate::log::changed_leaves(&old, &new, &update.events)?);
                out.push(new);
            }
            Ok(out)
        })
        .await
        .map(|(records, _)| records)
    }

    async fn get(&self, kind: RecordKind, id: Uuid) -> Result<StoredRecord> {
        self.read(move |c| get_record(c, kind, id)).await
    }

    async fn list(&self, query: &ListQuery) -> Result<Page> {
        let sql = list_sql(query, Dialect::Sqlite, Select::Page);
        let (limit, sort) = (query.limit.clamp(1, 1000) as usize, query.sort);
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&sql.text)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(sql.params.iter().map(to_value)))?;
            let mut items = Vec::new();
            let mut next = None;
            while let Some(row) = rows.next()? {
                if items.len() == limit {
                    next = items.last().map(|(r, key): &(StoredRecord, i64)| Cursor {
                        key: *key,
                        id: r.meta.id,
                    });
                    break;
                }
                let rec = record_from_row(row)?;
                let key = cursor_key(sort, row.get::<_, Option<i64>>(11)?, row.get::<_, i64>(12)?);
                items.push((rec, key));
            }
            Ok(Page {
                items: items.into_iter().map(|(r, _)| r).collect(),
                next,
            })
        })
        .await
    }

    async fn count(&self, query: &ListQuery) -> Result<u64> {
        let sql = list_sql(query, Dialect::Sqlite, Select::Count);
        self.read(move |c| {
            let n: i64 = c.query_row(
                &sql.text,
                rusqlite::params_from_iter(sql.params.iter().map(to_value)),
                |r| r.get(0),
            )?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
        .await
    }

    async fn month_spans(&self, query: &ListQuery) -> Result<Vec<(i32, i32, u64)>> {
        let sql = list_sql(query, Dialect::Sqlite, Select::MonthSpans);
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&sql.text)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(sql.params.iter().map(to_value)))?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(crate::query::month_span(row.get(0)?, row.get(1)?, row.get(2)?));
            }
            Ok(out)
        })
        .await
    }

    async fn history(&self, kind: RecordKind, id: Uuid) -> Result<Vec<HistoryEntry>> {
        self.read(move |c| {
            let current = get_record(c, kind, id)?;
            let mut stmt = c.prepare_cached(
                "SELECT version, classification, organisation_id, changed_at, changed_by, body
                 FROM record_history WHERE record_id = ? ORDER BY version",
            )?;
            let mut rows = stmt.query([id.to_string()])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(HistoryEntry {
                    version: r.get(0)?,
                    classification: parse_classification(&r.get::<_, String>(1)?)?,
                    organisation_id: parse_uuid(&r.get::<_, String>(2)?)?,
                    changed_at: parse_time(&r.get::<_, String>(3)?)?,
                    changed_by: parse_uuid(&r.get::<_, String>(4)?)?,
                    body: serde_json::from_str(&r.get::<_, String>(5)?)
                        .map_err(|e| crate::codec::corrupt("history body", "…", e))?,
                });
            }
            out.push(HistoryEntry {
                version: current.meta.version,
                classification: current.meta.classification,
                organisation_id: current.meta.organisation_id,
                changed_at: current.meta.updated_at,
                changed_by: current.meta.updated_by,
                body: current.body,
            });
            Ok(out)
        })
        .await
    }

    async fn append_events(&self, events: &[Event]) -> Result<u64> {
        let pending = crate::log::event_leaves(events)?;
        self.write_logged(move |_, leaves| {
            leaves.extend(pending);
            Ok(())
        })
        .await
        .map(|(_, first)| first)
    }

    async fn log_size(&self) -> Result<u64> {
        self.read(stored_log_size).await
    }

    async fn log_leaves(&self, from: u64, limit: u32) -> Result<Vec<(u64, Vec<u8>)>> {
        let from = db_int(from)?;
        self.read(move |c| {
            let mut stmt = c.prepare_cached("SELECT idx, data FROM log_leaves WHERE idx >= ? ORDER BY idx LIMIT ?")?;
            let mut rows = stmt.query(params![from, i64::from(limit.clamp(1, MAX_LEAVES_PAGE))])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push((from_db_int(r.get(0)?)?, r.get::<_, String>(1)?.into_bytes()));
            }
            Ok(out)
        })
        .await
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
        self.read(move |c| {
            c.prepare_cached("SELECT idx, data FROM log_leaves WHERE record_id = ? ORDER BY idx DESC LIMIT 1")?
                .query_row([record_id.to_string()], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .optional()?
                .map(|(idx, data)| Ok((from_db_int(idx)?, data.into_bytes())))
                .transpose()
        })
        .await
    }

    async fn put_checkpoint(&self, size: u64, note: &str, at: OffsetDateTime) -> Result<()> {
        let note = note.to_owned();
        self.write(move |tx| {
            let size_db = db_int(size)?;
            let same: Option<String> = tx
                .query_row("SELECT note FROM log_checkpoints WHERE size = ?", [size_db], |r| {
                    r.get(0)
                })
                .optional()?;
            let latest: Option<i64> = tx.query_row("SELECT MAX(size) FROM log_checkpoints", [], |r| r.get(0))?;
            let log_size = stored_log_size(tx)?;
            crate::log::check_checkpoint(
                size,
                &note,
                same.as_deref(),
                latest.map(from_db_int).transpose()?,
                log_size,
            )?;
            if same.is_none() {
                tx.execute(
                    "INSERT INTO log_checkpoints (size, note, created_at) VALUES (?, ?, ?)",
                    params![size_db, note, time_text(at)],
                )?;
            }
            Ok(())
        })
        .await
    }

    async fn checkpoints(&self) -> Result<Vec<(u64, String)>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached("SELECT size, note FROM log_checkpoints ORDER BY size")?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push((from_db_int(r.get(0)?)?, r.get(1)?));
            }
            Ok(out)
        })
        .await
    }

    async fn latest_checkpoint(&self) -> Result<Option<(u64, String)>> {
        self.read(|c| {
            c.prepare_cached("SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1")?
                .query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .optional()?
                .map(|(size, note)| Ok((from_db_int(size)?, note)))
                .transpose()
        })
        .await
    }
}
