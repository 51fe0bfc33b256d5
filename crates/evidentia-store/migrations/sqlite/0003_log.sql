-- The tamper-evident log (RFC 9162 Merkle tree). Written in the same transaction as the record,
-- audit entry or custody event it describes, so that neither exists without the other.

-- One row per leaf: the canonical JSON event, and the record it names (for `latest_event_for`).
CREATE TABLE log_leaves (
    idx INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    record_id TEXT,
    at TEXT NOT NULL
);
CREATE INDEX log_leaves_record ON log_leaves (record_id, idx) WHERE record_id IS NOT NULL;

-- Every complete aligned subtree: hash of leaves [idx * 2^level, (idx + 1) * 2^level). Level 0
-- holds the leaf hashes. Any root or proof then takes O(log n) point reads.
CREATE TABLE log_nodes (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Signed tree heads, as C2SP signed notes; sizes only grow.
CREATE TABLE log_checkpoints (
    size INTEGER PRIMARY KEY,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL
);
