//! What both backends share to keep the tamper-evident log: the events a write appends, the
//! arithmetic of appending a batch to the tree, and proofs computed from a handful of stored
//! subtree hashes.
//!
//! Proof functions in `evidentia_log` read hashes synchronously through [`HashReader`], while the
//! databases are read asynchronously (PostgreSQL) or through a connection we want to hold only
//! briefly. Which subtrees a proof reads depends only on the sizes and the index, never on the
//! hash values, so a proof is computed twice: once with [`Recorder`], which answers dummy hashes
//! and notes the positions asked for, then — after one query fetched exactly those — with
//! [`NodeMap`].

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::convert::Infallible;

use evidentia_log::merkle::{self, Hash, ProveError};
use evidentia_log::{Event, EventKind, Frontier, HashReader, Subtree};
use evidentia_model::{Meta, RecordKind};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::codec::api_time;
use crate::{AuditEntry, Result, StoreError, record_content};

/// Most leaves one `log_leaves` call returns.
pub(crate) const MAX_LEAVES_PAGE: u32 = 10_000;

/// Whether a checkpoint of `size` may be kept, given the one kept at that size (`same`), the
/// largest size kept and the log's size. Keeping the very same checkpoint again is a no-op.
pub(crate) fn check_checkpoint(
    size: u64,
    note: &str,
    same: Option<&str>,
    latest: Option<u64>,
    log_size: u64,
) -> Result<()> {
    if let Some(same) = same {
        return if same == note {
            Ok(())
        } else {
            Err(StoreError::Invalid(format!(
                "a different checkpoint of size {size} is kept already"
            )))
        };
    }
    if size > log_size {
        return Err(StoreError::Invalid(format!(
            "a checkpoint of size {size} is beyond the log, which holds {log_size} entries"
        )));
    }
    if let Some(latest) = latest
        && size <= latest
    {
        return Err(StoreError::Invalid(format!(
            "a checkpoint of size {size} would go back: the latest kept is of size {latest}"
        )));
    }
    Ok(())
}

/// A leaf to append: its canonical JSON, the record it names and when it happened.
pub(crate) struct PendingLeaf {
    pub data: String,
    pub record_id: Option<Uuid>,
    pub at: OffsetDateTime,
}

/// Leaves appended in one transaction, with every subtree they completed.
pub(crate) struct Appended {
    pub first: u64,
    pub leaves: Vec<(u64, PendingLeaf)>,
    pub nodes: Vec<Subtree>,
}

fn leaf_from_event(event: &Event, record_id: Option<Uuid>, at: OffsetDateTime) -> Result<PendingLeaf> {
    let bytes = event
        .to_leaf_data()
        .map_err(|e| StoreError::Invalid(format!("log event: {e}")))?;
    let data = String::from_utf8(bytes).map_err(|e| StoreError::Invalid(format!("log event: {e}")))?;
    Ok(PendingLeaf { data, record_id, at })
}

/// Lowercase hex SHA-256 of a record version's canonical content.
pub(crate) fn content_hash(kind: RecordKind, meta: &Meta, body: &serde_json::Value) -> Result<String> {
    evidentia_log::event::content_hash(&record_content(kind, meta, body))
        .map_err(|e| StoreError::Invalid(format!("record content: {e}")))
}

/// The event of a record write: created (no previous hash) or changed.
pub(crate) fn record_leaf(
    kind: RecordKind,
    meta: &Meta,
    body: &serde_json::Value,
    previous_hash: Option<String>,
) -> Result<PendingLeaf> {
    let (event_kind, at, by) = match previous_hash {
        None => (EventKind::RecordCreated, meta.created_at, meta.created_by),
        Some(_) => (EventKind::RecordChanged, meta.updated_at, meta.updated_by),
    };
    let mut event = Event::new(event_kind, api_time(at));
    event.record_kind = Some(kind.as_str().to_owned());
    event.record_id = Some(meta.id.to_string());
    event.content_hash = Some(content_hash(kind, meta, body)?);
    event.previous_hash = previous_hash;
    event.by = Some(by.to_string());
    leaf_from_event(&event, Some(meta.id), at)
}

/// The leaves of a new record: its publication, when it is created published, then its creation
/// (the last leaf naming a record always records its current content).
pub(crate) fn created_leaves(record: &crate::NewRecord) -> Result<Vec<PendingLeaf>> {
    let mut leaves = Vec::with_capacity(1);
    if record.index.published {
        let (at, by) = (record.meta.created_at, record.meta.created_by);
        leaves.push(publication_leaf(record.kind, record.meta.id, true, at, by)?);
    }
    leaves.push(record_leaf(record.kind, &record.meta, &record.body, None)?);
    Ok(leaves)
}

/// The leaves of a change: the caller's events (custody …), the publication or withdrawal when
/// `published` flipped, then the change itself, last.
pub(crate) fn changed_leaves(
    old: &crate::StoredRecord,
    new: &crate::StoredRecord,
    events: &[Event],
) -> Result<Vec<PendingLeaf>> {
    let mut leaves = event_leaves(events)?;
    if old.published != new.published {
        let (at, by) = (new.meta.updated_at, new.meta.updated_by);
        leaves.push(publication_leaf(new.kind, new.meta.id, new.published, at, by)?);
    }
    let previous = content_hash(old.kind, &old.meta, &old.body)?;
    leaves.push(record_leaf(new.kind, &new.meta, &new.body, Some(previous))?);
    Ok(leaves)
}

/// The event of a record's publication on the portal (`published: true`) or its withdrawal.
fn publication_leaf(kind: RecordKind, id: Uuid, published: bool, at: OffsetDateTime, by: Uuid) -> Result<PendingLeaf> {
    let mut event = Event::new(EventKind::Publication, api_time(at));
    event.record_kind = Some(kind.as_str().to_owned());
    event.record_id = Some(id.to_string());
    event.by = Some(by.to_string());
    event.detail = serde_json::json!({ "published": published });
    leaf_from_event(&event, None, at)
}

/// The event of an audit entry: what was done to what, and by whom. Never the client address or
/// the entry's detail, which may hold personal data; the audit log keeps those.
pub(crate) fn audit_leaf(entry: &AuditEntry) -> Result<PendingLeaf> {
    let mut event = Event::new(EventKind::Audit, api_time(entry.at));
    event.by = entry.actor.map(|a| a.to_string());
    let mut detail = serde_json::Map::new();
    detail.insert("action".into(), entry.action.clone().into());
    if let Some(target) = &entry.target {
        detail.insert("target".into(), target.clone().into());
    }
    event.detail = serde_json::Value::Object(detail);
    leaf_from_event(&event, None, entry.at)
}

/// Events given by a caller (custody, export, file ingestion …), checked and made leaves.
pub(crate) fn event_leaves(events: &[Event]) -> Result<Vec<PendingLeaf>> {
    events
        .iter()
        .map(|event| {
            let at = crate::codec::parse_time(&event.at)
                .map_err(|_| StoreError::Invalid(format!("log event time {:?} is not RFC 3339", event.at)))?;
            // Only a leaf recording a record's content is found as that record's latest entry.
            let records_content = matches!(event.kind, EventKind::RecordCreated | EventKind::RecordChanged);
            let record_id = event
                .record_id
                .as_deref()
                .and_then(|id| Uuid::parse_str(id).ok())
                .filter(|_| records_content);
            leaf_from_event(event, record_id, at)
        })
        .collect()
}

/// Appends leaves to a frontier (which must be the stored tree's), returning what to write.
pub(crate) fn append(frontier: &mut Frontier, leaves: Vec<PendingLeaf>) -> Result<Appended> {
    let first = frontier.size();
    let mut nodes = Vec::with_capacity(leaves.len() * 2 + 64);
    let mut out = Vec::with_capacity(leaves.len());
    for leaf in leaves {
        let index = frontier.size();
        let completed = frontier
            .append(merkle::leaf_hash(leaf.data.as_bytes()))
            .map_err(|e| StoreError::Backend(format!("log: {e}")))?;
        nodes.extend(completed);
        out.push((index, leaf));
    }
    Ok(Appended {
        first,
        leaves: out,
        nodes,
    })
}

/// The (level, index) of the peaks of a tree of `size` leaves, largest first: one per set bit,
/// each the subtree just after the larger ones.
pub(crate) fn peak_positions(size: u64) -> Vec<(u8, u64)> {
    (0u8..64)
        .rev()
        .filter(|level| (size >> level) & 1 == 1)
        .map(|level| {
            // The bits above `level` are the leaves in larger peaks; shifting drops the rest.
            let index = size.checked_shr(u32::from(level) + 1).unwrap_or(0) << 1;
            (level, index)
        })
        .collect()
}

/// Restores a frontier from its peaks, as read from `log_nodes`.
pub(crate) fn frontier_from_peaks(size: u64, peaks: Vec<Hash>) -> Result<Frontier> {
    Frontier::from_peaks(size, peaks).map_err(|e| StoreError::Backend(format!("log: {e}")))
}

/// A stored hash as read from the database.
pub(crate) fn hash_from_bytes(bytes: &[u8]) -> Result<Hash> {
    Hash::try_from(bytes).map_err(|_| StoreError::Backend(format!("stored log hash has {} bytes", bytes.len())))
}

/// A u64 size or index as a database integer.
pub(crate) fn db_int(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| StoreError::Invalid(format!("{n} is too large")))
}

/// A database integer as a size or index.
pub(crate) fn from_db_int(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| StoreError::Backend(format!("stored log position {n} is negative")))
}

/// What a caller asked of the tree.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ProofQuery {
    Root { size: u64 },
    Inclusion { index: u64, size: u64 },
    Consistency { old: u64, new: u64 },
}

impl ProofQuery {
    /// The tree size the query needs, to refuse a size beyond the log.
    fn size(self) -> u64 {
        match self {
            Self::Root { size } | Self::Inclusion { size, .. } => size,
            Self::Consistency { new, .. } => new,
        }
    }

    /// Refuses a size beyond the log (of `log_size` leaves).
    pub fn check(self, log_size: u64) -> Result<()> {
        if self.size() > log_size {
            return Err(StoreError::Invalid(format!(
                "tree size {} is beyond the log, which holds {log_size} entries",
                self.size()
            )));
        }
        Ok(())
    }

    fn run<R: HashReader>(self, reader: &R) -> std::result::Result<Vec<Hash>, ProveError<R::Error>> {
        match self {
            Self::Root { size } => merkle::root_at(reader, size).map(|root| vec![root]),
            Self::Inclusion { index, size } => merkle::inclusion_proof(reader, index, size),
            Self::Consistency { old, new } => merkle::consistency_proof(reader, old, new),
        }
    }

    /// The stored subtrees this query reads.
    pub fn positions(self) -> Result<Vec<(u8, u64)>> {
        let recorder = Recorder::default();
        self.run(&recorder).map_err(prove_error)?;
        Ok(recorder.0.into_inner().into_iter().collect())
    }

    /// The answer, from the subtrees [`ProofQuery::positions`] named.
    pub fn answer(self, nodes: HashMap<(u8, u64), Hash>) -> Result<Vec<Hash>> {
        self.run(&NodeMap(nodes)).map_err(prove_error)
    }
}

fn prove_error<E: std::error::Error + 'static>(e: ProveError<E>) -> StoreError {
    match e {
        ProveError::Read { .. } => StoreError::Backend(format!("log: {e}")),
        other => StoreError::Invalid(other.to_string()),
    }
}

#[derive(Default)]
struct Recorder(RefCell<BTreeSet<(u8, u64)>>);

impl HashReader for Recorder {
    type Error = Infallible;

    fn subtree(&self, level: u8, index: u64) -> std::result::Result<Hash, Infallible> {
        self.0.borrow_mut().insert((level, index));
        Ok([0; 32])
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the stored log has no subtree at this position")]
struct MissingNode;

struct NodeMap(HashMap<(u8, u64), Hash>);

impl HashReader for NodeMap {
    type Error = MissingNode;

    fn subtree(&self, level: u8, index: u64) -> std::result::Result<Hash, MissingNode> {
        self.0.get(&(level, index)).copied().ok_or(MissingNode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peaks_are_the_binary_decomposition() {
        assert_eq!(peak_positions(0), vec![]);
        assert_eq!(peak_positions(1), vec![(0, 0)]);
        assert_eq!(peak_positions(6), vec![(2, 0), (1, 2)]);
        assert_eq!(peak_positions(7), vec![(2, 0), (1, 2), (0, 6)]);
        assert_eq!(peak_positions(8), vec![(3, 0)]);
    }

    #[test]
    fn proofs_from_recorded_positions_match_the_memory_tree() {
        let mut tree = merkle::MemoryTree::new();
        let mut frontier = Frontier::new();
        let mut nodes = HashMap::new();
        for i in 0u32..37 {
            let leaf = merkle::leaf_hash(&i.to_be_bytes());
            tree.append(leaf).unwrap();
            for s in frontier.append(leaf).unwrap() {
                nodes.insert((s.level, s.index), s.hash);
            }
        }
        for size in 1..=37u64 {
            let peaks = peak_positions(size).iter().map(|p| nodes[p]).collect();
            assert_eq!(
                frontier_from_peaks(size, peaks).unwrap().root(),
                merkle::root_at(&tree, size).unwrap()
            );
            for q in [
                ProofQuery::Root { size },
                ProofQuery::Inclusion { index: size / 3, size },
                ProofQuery::Consistency {
                    old: size / 2,
                    new: size,
                },
            ] {
                let wanted = q.positions().unwrap();
                let map = wanted.iter().map(|p| (*p, nodes[p])).collect();
                assert_eq!(q.answer(map).unwrap(), q.run(&tree).unwrap());
            }
        }
    }
}
