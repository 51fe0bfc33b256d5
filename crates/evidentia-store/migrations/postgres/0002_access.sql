-- Second factors, browser sessions and the audit log.
CREATE TABLE second_factors (
    user_id UUID PRIMARY KEY REFERENCES users(id),
    totp_secret TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    last_step BIGINT NOT NULL,
    recovery_hashes JSONB NOT NULL
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    seq BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor UUID,
    action TEXT NOT NULL,
    target TEXT,
    address TEXT,
    detail JSONB NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
