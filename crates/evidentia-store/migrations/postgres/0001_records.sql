-- Organisations, users and API tokens.
CREATE TABLE organisations (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE memberships (
    user_id UUID NOT NULL REFERENCES users(id),
    organisation_id UUID NOT NULL REFERENCES organisations(id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'investigator', 'analyst', 'viewer')),
    PRIMARY KEY (user_id, organisation_id)
);

CREATE TABLE api_tokens (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE vocabularies (
    name TEXT PRIMARY KEY,
    body JSONB NOT NULL
);

-- Records: the current version of each, with the columns lists filter on.
CREATE TABLE records (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL,
    organisation_id UUID NOT NULL REFERENCES organisations(id),
    classification TEXT NOT NULL CHECK (classification IN ('public', 'internal', 'restricted', 'confidential')),
    version BIGINT NOT NULL CHECK (version >= 1),
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    updated_key BIGINT NOT NULL,
    body JSONB NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    status TEXT,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    period_from INTEGER,
    period_to INTEGER,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    -- Normalised search keys computed in Rust, taken as lexemes without parsing.
    search_vec TSVECTOR NOT NULL DEFAULT ''::tsvector
);
CREATE INDEX records_kind_id ON records (kind, id);
CREATE INDEX records_kind_period ON records (kind, period_from, period_to);
-- The list orders (query.rs): by id, by COALESCE(period_from, 0) then id, by updated_key then id;
-- indexed in full so that a page, and the page after a cursor, is read in order without sorting.
CREATE INDEX records_kind_occurred ON records (kind, (COALESCE(period_from, 0)), id);
CREATE INDEX records_kind_updated ON records (kind, updated_key, id);
CREATE INDEX records_kind_status ON records (kind, status);
CREATE INDEX records_kind_point ON records (kind, lat, lon) WHERE lat IS NOT NULL;
CREATE INDEX records_search ON records USING GIN (search_vec);

CREATE TABLE record_terms (
    term TEXT NOT NULL,
    record_id UUID NOT NULL,
    PRIMARY KEY (term, record_id)
);
CREATE INDEX record_terms_record ON record_terms (record_id);

CREATE TABLE record_links (
    target_id UUID NOT NULL,
    field TEXT NOT NULL,
    record_id UUID NOT NULL,
    PRIMARY KEY (target_id, field, record_id)
);
CREATE INDEX record_links_record ON record_links (record_id);

-- Superseded versions; the current one is in records.
CREATE TABLE record_history (
    record_id UUID NOT NULL,
    version BIGINT NOT NULL,
    classification TEXT NOT NULL,
    organisation_id UUID NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    changed_by UUID NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (record_id, version)
);
