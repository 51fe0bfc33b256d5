-- Second factors, browser sessions and the audit log.
CREATE TABLE second_factors (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    totp_secret TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    last_step INTEGER NOT NULL,
    recovery_hashes TEXT NOT NULL
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT,
    action TEXT NOT NULL,
    target TEXT,
    address TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
