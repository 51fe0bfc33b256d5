-- The tamper-evident log (RFC 9162 Merkle tree). Written in the same transaction as the record,
-- audit entry or custody event it describes, so that neither exists without the other. Appends
-- are serialised across instances by a transaction-scoped advisory lock.

-- One row per leaf: the canonical JSON event, and the record it names (for `latest_event_for`).
CREATE TABLE log_leaves (
    idx BIGINT PRIMARY KEY,
    data TEXT NOT NULL,
    record_id UUID,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX log_leaves_record ON log_leaves (record_id, idx) WHERE record_id IS NOT NULL;

-- Every complete aligned subtree: hash of leaves [idx * 2^level, (idx + 1) * 2^level). Level 0
-- holds the leaf hashes. Any root or proof then takes O(log n) point reads.
CREATE TABLE log_nodes (
    level SMALLINT NOT NULL,
    idx BIGINT NOT NULL,
    hash BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);

-- Signed tree heads, as C2SP signed notes; sizes only grow.
CREATE TABLE log_checkpoints (
    size BIGINT PRIMARY KEY,
    note TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
