-- Organisations, users and API tokens.
CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE memberships (
    user_id TEXT NOT NULL REFERENCES users(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'investigator', 'analyst', 'viewer')),
    PRIMARY KEY (user_id, organisation_id)
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

CREATE TABLE vocabularies (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL
);

-- Records: the current version of each, with the columns lists filter on.
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    classification TEXT NOT NULL CHECK (classification IN ('public', 'internal', 'restricted', 'confidential')),
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_key INTEGER NOT NULL,
    body TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    status TEXT,
    published INTEGER NOT NULL DEFAULT 0,
    period_from INTEGER,
    period_to INTEGER,
    lat REAL,
    lon REAL
);
CREATE INDEX records_kind_id ON records (kind, id);
CREATE INDEX records_kind_period ON records (kind, period_from, period_to);
CREATE INDEX records_kind_occurred ON records (kind, COALESCE(period_from, 0), id);
CREATE INDEX records_kind_updated ON records (kind, updated_key, id);
CREATE INDEX records_kind_status ON records (kind, status);
CREATE INDEX records_kind_point ON records (kind, lat, lon) WHERE lat IS NOT NULL;

CREATE TABLE record_terms (
    term TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (term, record_id)
) WITHOUT ROWID;
CREATE INDEX record_terms_record ON record_terms (record_id);

CREATE TABLE record_links (
    target_id TEXT NOT NULL,
    field TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (target_id, field, record_id)
) WITHOUT ROWID;
CREATE INDEX record_links_record ON record_links (record_id);

-- Superseded versions; the current one is in records.
CREATE TABLE record_history (
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    classification TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (record_id, version)
) WITHOUT ROWID;

-- Normalised search keys (computed in Rust), indexed by the records' rowid. `_` is part of a
-- token: skeleton keys start with it.
CREATE VIRTUAL TABLE records_fts USING fts5(
    keys,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 tokenchars '_'"
);
