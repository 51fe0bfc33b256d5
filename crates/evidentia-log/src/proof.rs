//! C2SP `tlog-proof` (<https://c2sp.org/tlog-proof>): one self-contained text file proving that
//! an entry is in the log, checkable offline with the log's public key.
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64>                      (optional)
//! index <decimal>
//! <base64 hash>                       (zero or more: the RFC 9162 inclusion proof,
//! <base64 hash>                        from the leaf's sibling up to the root's child)
//!
//! <signed checkpoint note, verbatim>
//! ```
//!
//! Evidence bundles carry one of these per event. How the spec is read here, strictly:
//!
//! * The file must be valid UTF-8 with no control characters other than newline, at most
//!   [`MAX_PROOF_BYTES`].
//! * The first line is exactly `c2sp.org/tlog-proof@v1`.
//! * `extra` is optional; when present its payload must be non-empty canonical base64. An empty
//!   `extra` is represented by omitting the line, so [`TlogProof::extra`] empty means "absent".
//!   The extra data is not authenticated; [`VerifiedProof::extra`] only passes it on.
//! * The index is a decimal without sign or leading zeros.
//! * Hash lines are canonical base64 of exactly 32 bytes; at most [`MAX_PROOF_LEN`] of them.
//! * The first empty line after the index ends the proof; everything after it is the checkpoint
//!   note, which must open with [`note::open`] and parse with [`Checkpoint::parse`].
//! * The index must be below the checkpoint's tree size, and the proof must verify with
//!   [`verify_inclusion`] against the checkpoint's root.
//!
//! Which keys to trust and which origin to expect are the caller's policy: [`verify`] returns the
//! origin and the names of the keys that signed, and the caller compares them with what it
//! expects (for Evidentia: the deployment's published key, whose name is the log's origin).

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::merkle::{Hash, MAX_PROOF_LEN, VerifyError, leaf_hash, verify_inclusion};
use crate::note::{self, MAX_NOTE_BYTES, NoteError, Verifier};
use crate::text::{decode_base64, decode_hash, encode_base64, find_control_character, parse_decimal};

/// The first line of every proof.
pub const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// Largest extra data accepted, in bytes.
pub const MAX_EXTRA_BYTES: usize = 64 * 1024;

/// Largest proof file accepted: a maximal note plus a maximal proof and extra data.
pub const MAX_PROOF_BYTES: usize = MAX_NOTE_BYTES + 128 * 1024;

/// Why a proof was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("proof is {len} bytes, more than the limit of {max}")]
    TooLarge { len: usize, max: usize },
    #[error("proof is not valid UTF-8")]
    NotUtf8,
    #[error("proof contains a control character at byte {offset}")]
    ControlCharacter { offset: usize },
    #[error("proof does not start with the line {HEADER:?}")]
    BadHeader,
    #[error("proof's extra line is not non-empty canonical base64 of at most {MAX_EXTRA_BYTES} bytes")]
    InvalidExtra,
    #[error("proof has no 'index <n>' line where expected")]
    MissingIndex,
    #[error("proof index {0:?} is not a decimal without leading zeros")]
    InvalidIndex(String),
    #[error("proof hash line {line} is not the base64 of 32 bytes")]
    InvalidHash { line: usize },
    #[error("proof has more than {MAX_PROOF_LEN} hashes")]
    TooManyHashes,
    #[error("proof has no blank line followed by a checkpoint")]
    MissingCheckpoint,
    #[error("checkpoint signature: {0}")]
    Note(#[from] NoteError),
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    #[error("entry index {index} is not below the checkpoint's tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("inclusion proof: {0}")]
    Inclusion(#[from] VerifyError),
}

/// A parsed (not yet verified) proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlogProof {
    /// Unauthenticated application data; empty when absent.
    pub extra: Vec<u8>,
    /// Zero-based index of the entry in the log.
    pub index: u64,
    /// RFC 9162 inclusion proof, from the leaf's sibling upwards.
    pub inclusion: Vec<Hash>,
    /// The signed checkpoint note, verbatim (ends with a newline).
    pub checkpoint: String,
}

/// The entry a proof is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leaf<'a> {
    /// The leaf data (for Evidentia, the event's canonical JSON); it is hashed as a leaf.
    Data(&'a [u8]),
    /// An already computed Merkle leaf hash.
    Hash(Hash),
}

impl Leaf<'_> {
    fn hash(&self) -> Hash {
        match self {
            Leaf::Data(data) => leaf_hash(data),
            Leaf::Hash(hash) => *hash,
        }
    }
}

/// What a proof established: the entry at `index` is in the tree of `size` leaves with `root`,
/// as signed by `signers` for the log `origin`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedProof {
    pub index: u64,
    pub size: u64,
    pub root: Hash,
    pub origin: String,
    /// Names of the trusted keys whose signatures on the checkpoint verified.
    pub signers: Vec<String>,
    /// The unauthenticated extra data, passed through.
    pub extra: Vec<u8>,
}

impl TlogProof {
    /// The proof file's text.
    pub fn to_text(&self) -> String {
        let mut text = String::with_capacity(64 + 46 * self.inclusion.len() + self.checkpoint.len());
        text.push_str(HEADER);
        text.push('\n');
        if !self.extra.is_empty() {
            text.push_str("extra ");
            text.push_str(&encode_base64(&self.extra));
            text.push('\n');
        }
        text.push_str("index ");
        text.push_str(&self.index.to_string());
        text.push('\n');
        for hash in &self.inclusion {
            text.push_str(&encode_base64(hash));
            text.push('\n');
        }
        text.push('\n');
        text.push_str(&self.checkpoint);
        text
    }

    /// Parses a proof file. Signatures and the inclusion proof are not checked here; see
    /// [`TlogProof::verify`].
    pub fn parse(text: &[u8]) -> Result<Self, ProofError> {
        if text.len() > MAX_PROOF_BYTES {
            return Err(ProofError::TooLarge {
                len: text.len(),
                max: MAX_PROOF_BYTES,
            });
        }
        let text = std::str::from_utf8(text).map_err(|_| ProofError::NotUtf8)?;
        if let Some(offset) = find_control_character(text) {
            return Err(ProofError::ControlCharacter { offset });
        }
        let rest = text
            .strip_prefix(HEADER)
            .and_then(|r| r.strip_prefix('\n'))
            .ok_or(ProofError::BadHeader)?;

        let (mut line, mut rest) = rest.split_once('\n').ok_or(ProofError::MissingIndex)?;
        let mut extra = Vec::new();
        if let Some(b64) = line.strip_prefix("extra ") {
            extra = decode_base64(b64)
                .filter(|e| !e.is_empty() && e.len() <= MAX_EXTRA_BYTES)
                .ok_or(ProofError::InvalidExtra)?;
            (line, rest) = rest.split_once('\n').ok_or(ProofError::MissingIndex)?;
        }
        let index_text = line.strip_prefix("index ").ok_or(ProofError::MissingIndex)?;
        let index = parse_decimal(index_text).ok_or_else(|| ProofError::InvalidIndex(index_text.to_owned()))?;

        let mut inclusion = Vec::new();
        loop {
            let (line, after) = rest.split_once('\n').ok_or(ProofError::MissingCheckpoint)?;
            rest = after;
            if line.is_empty() {
                break;
            }
            if inclusion.len() == MAX_PROOF_LEN {
                return Err(ProofError::TooManyHashes);
            }
            let hash = decode_hash(line).ok_or(ProofError::InvalidHash {
                line: inclusion.len() + 1,
            })?;
            inclusion.push(hash);
        }
        if rest.is_empty() {
            return Err(ProofError::MissingCheckpoint);
        }
        Ok(Self {
            extra,
            index,
            inclusion,
            checkpoint: rest.to_owned(),
        })
    }

    /// Checks the checkpoint's signature against `verifiers`, then the inclusion of `leaf` at
    /// `index` in the checkpointed tree.
    pub fn verify(&self, leaf: Leaf<'_>, verifiers: &[Verifier]) -> Result<VerifiedProof, ProofError> {
        let (text, signers) = note::open(self.checkpoint.as_bytes(), verifiers)?;
        let checkpoint = Checkpoint::parse(&text)?;
        let size = checkpoint.size();
        if self.index >= size {
            return Err(ProofError::IndexOutOfRange {
                index: self.index,
                size,
            });
        }
        verify_inclusion(&leaf.hash(), self.index, size, &self.inclusion, checkpoint.root())?;
        Ok(VerifiedProof {
            index: self.index,
            size,
            root: *checkpoint.root(),
            origin: checkpoint.origin().to_owned(),
            signers,
            extra: self.extra.clone(),
        })
    }
}

/// Parses and verifies a proof file in one step.
pub fn verify(proof_text: &[u8], leaf: Leaf<'_>, verifiers: &[Verifier]) -> Result<VerifiedProof, ProofError> {
    TlogProof::parse(proof_text)?.verify(leaf, verifiers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{MemoryTree, inclusion_proof};
    use crate::note::Signer;

    fn fixture() -> (MemoryTree, Signer, Vec<Vec<u8>>) {
        let data: Vec<Vec<u8>> = (0..7u8).map(|i| vec![i; usize::from(i)]).collect();
        let tree = MemoryTree::from_leaf_hashes(data.iter().map(|d| leaf_hash(d))).unwrap();
        let signer = Signer::from_seed("example.org/log", [4; 32]).unwrap();
        (tree, signer, data)
    }

    fn proof_for(tree: &MemoryTree, signer: &Signer, index: u64, extra: &[u8]) -> TlogProof {
        let cp = Checkpoint::new("example.org/log", tree.size(), tree.root()).unwrap();
        TlogProof {
            extra: extra.to_vec(),
            index,
            inclusion: inclusion_proof(tree, index, tree.size()).unwrap(),
            checkpoint: cp.sign(&[signer]).unwrap(),
        }
    }

    #[test]
    fn round_trip_and_verify() {
        let (tree, signer, data) = fixture();
        for (i, d) in data.iter().enumerate() {
            let index = i as u64;
            let extra: &[u8] = if i % 2 == 0 { b"" } else { b"context" };
            let proof = proof_for(&tree, &signer, index, extra);
            let text = proof.to_text();
            assert_eq!(TlogProof::parse(text.as_bytes()).unwrap(), proof);
            let v = verify(text.as_bytes(), Leaf::Data(d), &[signer.verifier()]).unwrap();
            assert_eq!(
                v,
                VerifiedProof {
                    index,
                    size: 7,
                    root: tree.root(),
                    origin: "example.org/log".into(),
                    signers: vec!["example.org/log".into()],
                    extra: extra.to_vec(),
                }
            );
            let by_hash = verify(text.as_bytes(), Leaf::Hash(leaf_hash(d)), &[signer.verifier()]);
            assert!(by_hash.is_ok());
            // Another entry's data does not verify at this index.
            let other = data.get((i + 1) % data.len()).unwrap();
            assert!(matches!(
                verify(text.as_bytes(), Leaf::Data(other), &[signer.verifier()]),
                Err(ProofError::Inclusion(_))
            ));
        }
    }

    #[test]
    fn spec_example_layout() {
        let (tree, signer, _) = fixture();
        let text = proof_for(&tree, &signer, 5, b"x").to_text();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("c2sp.org/tlog-proof@v1"));
        assert_eq!(lines.next(), Some("extra eA=="));
        assert_eq!(lines.next(), Some("index 5"));
        assert!(text.contains("=\n\nexample.org/log\n7\n"));
        assert!(text.ends_with("=\n"));
    }

    #[test]
    fn rejects_malformed() {
        let (tree, signer, data) = fixture();
        let good = proof_for(&tree, &signer, 3, b"").to_text();
        let leaf = Leaf::Data(data.get(3).unwrap());
        let keys = [signer.verifier()];
        assert!(verify(good.as_bytes(), leaf, &keys).is_ok());
        let hash_line = good.lines().nth(2).unwrap().to_owned();
        let cases: Vec<(String, &str)> = vec![
            (good.replacen("@v1", "@v2", 1), "header"),
            (good.replacen("index 3", "index 03", 1), "leading zero"),
            (good.replacen("index 3", "index  3", 1), "double space"),
            (good.replacen("index 3", "index 4", 1), "wrong index"),
            (good.replacen("index 3", "index 7", 1), "index = size"),
            (good.replacen("index 3\n", "", 1), "no index"),
            (
                good.replacen("index 3\n", "index 3\nextra eA==\n", 1),
                "extra after index",
            ),
            (good.replacen("index 3\n", "extra \nindex 3\n", 1), "empty extra"),
            (good.replacen("index 3\n", "extra eA\nindex 3\n", 1), "unpadded extra"),
            (
                good.replacen(&hash_line, &hash_line[..hash_line.len() - 4], 1),
                "short hash",
            ),
            (good.replacen(&format!("{hash_line}\n"), "", 1), "missing hash"),
            (
                good.replacen(&format!("{hash_line}\n"), &format!("{hash_line}\n{hash_line}\n"), 1),
                "extra hash",
            ),
            (good.replacen("\n\n", "\n", 1), "no blank line"),
            (good.replacen("\n", "\r\n", 1), "CRLF"),
            (
                good.replacen("example.org/log\n7", "example.org/log\n8", 1),
                "tampered checkpoint",
            ),
            (good.split("\n\n").next().unwrap().to_owned() + "\n\n", "no checkpoint"),
            (good.replacen("c2sp.org/tlog-proof@v1\n", "", 1), "no header"),
            (String::new(), "empty"),
        ];
        for (text, why) in cases {
            assert!(verify(text.as_bytes(), leaf, &keys).is_err(), "{why}:\n{text}");
        }
        let past_end = good.replacen("index 3", "index 7", 1);
        assert_eq!(
            verify(past_end.as_bytes(), leaf, &keys),
            Err(ProofError::IndexOutOfRange { index: 7, size: 7 })
        );
        let stranger = Signer::from_seed("example.org/log", [5; 32]).unwrap();
        assert!(matches!(
            verify(good.as_bytes(), leaf, &[stranger.verifier()]),
            Err(ProofError::Note(NoteError::NoVerifiedSignature))
        ));
        assert!(matches!(verify(&[0xff, 0xfe], leaf, &keys), Err(ProofError::NotUtf8)));
    }

    #[test]
    fn too_many_hashes() {
        let (tree, signer, _) = fixture();
        let mut proof = proof_for(&tree, &signer, 0, b"");
        proof.inclusion = vec![[0; 32]; MAX_PROOF_LEN + 1];
        assert_eq!(
            TlogProof::parse(proof.to_text().as_bytes()),
            Err(ProofError::TooManyHashes)
        );
    }
}
