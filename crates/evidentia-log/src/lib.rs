//! The pure core of Evidentia's tamper-evident log.
//!
//! Everything a server needs to append to the log and serve proofs, and everything an offline
//! verifier needs to check them, with no I/O: no files, no network, no clock, no randomness.
//! Times, keys and stored tree hashes are parameters. The crate is small on purpose, because the
//! standalone bundle verifier links it and an auditor should be able to read all of it.
//!
//! | module | what | standard |
//! |---|---|---|
//! | [`merkle`] | leaf and node hashes, roots, inclusion and consistency proofs | RFC 9162 §2.1 |
//! | [`canonical`] | canonical JSON bytes | RFC 8785 (JCS) |
//! | [`event`] | the log's leaves: one canonical JSON event each | Evidentia |
//! | [`checkpoint`] | the signed tree head body | C2SP `tlog-checkpoint` |
//! | [`note`] | Ed25519 signatures over text, verifier and signer keys | C2SP `signed-note` |
//! | [`proof`] | a self-contained "this entry is in the log" file | C2SP `tlog-proof` |
//! | [`bundle`] | an evidence bundle's manifest and its offline check | Evidentia |
//!
//! ```
//! use evidentia_log::{
//!     checkpoint::Checkpoint, event::{Event, EventKind}, merkle::{self, MemoryTree},
//!     note::Signer, proof::{self, Leaf, TlogProof},
//! };
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The server appends events ...
//! let mut tree = MemoryTree::new();
//! let mut event = Event::new(EventKind::RecordCreated, "2024-05-01T10:00:00Z");
//! event.record_kind = Some("incident".into());
//! event.record_id = Some("inc-1".into());
//! let leaf_data = event.to_leaf_data()?;
//! tree.append(merkle::leaf_hash(&leaf_data))?;
//!
//! // ... signs a checkpoint with a key whose seed it got from its key store ...
//! let signer = Signer::from_seed("evidentia.example/log", [7; 32])?;
//! let checkpoint = Checkpoint::new("evidentia.example/log", tree.size(), tree.root())?;
//! let note = signer.sign(&checkpoint.to_text())?;
//!
//! // ... and hands out a proof that an offline verifier checks with the public key alone.
//! let proof = TlogProof {
//!     extra: Vec::new(),
//!     index: 0,
//!     inclusion: merkle::inclusion_proof(&tree, 0, tree.size())?,
//!     checkpoint: note,
//! };
//! let verified = proof::verify(proof.to_text().as_bytes(), Leaf::Data(&leaf_data), &[signer.verifier()])?;
//! assert_eq!(verified.origin, "evidentia.example/log");
//! assert_eq!(verified.size, 1);
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

pub mod bundle;
pub mod canonical;
pub mod checkpoint;
pub mod event;
pub mod merkle;
pub mod note;
pub mod proof;
mod text;

pub use canonical::CanonicalError;
pub use checkpoint::{Checkpoint, CheckpointError, VerifiedCheckpoint};
pub use event::{Event, EventError, EventKind};
pub use merkle::{Frontier, Hash, HashReader, MemoryTree, MerkleError, ProveError, Subtree, VerifyError};
pub use note::{NoteError, Signer, Verifier};
pub use proof::{Leaf, ProofError, TlogProof, VerifiedProof};

/// Any error of this crate, for callers that want one type to propagate with `?`.
///
/// Each module has its own precise error; this only wraps them. Proof *generation* errors
/// ([`ProveError`]) are generic over the store's error and are not included.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Merkle(#[from] MerkleError),
    #[error(transparent)]
    Verify(#[from] VerifyError),
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
    #[error(transparent)]
    Event(#[from] EventError),
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error(transparent)]
    Proof(#[from] ProofError),
}
