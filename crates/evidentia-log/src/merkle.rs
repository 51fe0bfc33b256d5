//! The Merkle tree of RFC 9162 §2.1 (identical to RFC 6962 §2.1), with SHA-256.
//!
//! * A leaf's hash is `SHA-256(0x00 || data)` and an interior node's is
//!   `SHA-256(0x01 || left || right)`. The different prefixes keep a leaf from ever being passed off
//!   as an interior node (second-preimage resistance).
//! * The tree of `n` leaves splits at `k`, the largest power of two *smaller* than `n`: the left
//!   subtree holds leaves `[0, k)` and is always complete, the right subtree holds `[k, n)`.
//!
//! # Storage model
//!
//! A log of ten million events cannot be rebuilt from its leaves for every proof. Every node the
//! RFC proofs ever need is either a *complete aligned subtree* — the `2^level` leaves starting at
//! `index * 2^level` — or (along the right edge of the tree) a combination of at most 64 of them.
//! Complete subtrees never change once their last leaf is appended, so a store can persist each
//! one once, the moment it is completed (see [`Frontier::append`], which reports exactly those),
//! and answer [`HashReader::subtree`] by key `(level, index)`. With that, [`inclusion_proof`],
//! [`consistency_proof`] and [`root_at`] each make O(log n) reads, for any past tree size. This is
//! the same idea as Go's `sumdb/tlog` stored hashes and the C2SP `tlog-tiles` layout; tiles are
//! just those hashes grouped for transport.
//!
//! [`MemoryTree`] keeps every level in memory, for tests and as a server-side cache (64 bytes per
//! leaf in total).
//!
//! # Verification
//!
//! [`verify_inclusion`] and [`verify_consistency`] follow RFC 9162 §2.1.3.2 and §2.1.4.2 step by
//! step. They take untrusted input: sizes, indices and proof lengths are all checked, nothing
//! overflows or panics, and every failure says which check failed.

use sha2::{Digest, Sha256};
use std::fmt;

/// Length in bytes of a SHA-256 hash.
pub const HASH_LEN: usize = 32;

/// A SHA-256 hash: a leaf hash, a subtree hash or a tree's root.
pub type Hash = [u8; HASH_LEN];

/// The root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1).
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41,
    0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// A tree of at most `u64::MAX` leaves is at most 64 levels high, so no valid proof is longer.
pub const MAX_PROOF_LEN: usize = 64;

/// `SHA-256(0x00 || data)`: the hash of one leaf.
///
/// ```
/// use evidentia_log::merkle::leaf_hash;
/// // RFC 6962 test vector: the leaf with empty data.
/// assert_eq!(
///     leaf_hash(b"")[..4],
///     [0x6e, 0x34, 0x0b, 0x9c],
/// );
/// ```
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(data);
    hasher.finalize().into()
}

/// `SHA-256(0x01 || left || right)`: the hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// MTH(D\[n\]) of RFC 9162 §2.1.1 for a list of leaf hashes; the empty list gives [`EMPTY_ROOT`].
///
/// Computed incrementally with a [`Frontier`] (O(log n) memory beyond the input); the tests
/// compare it with the recursive definition.
pub fn root_from_leaves(leaves: &[Hash]) -> Hash {
    let mut frontier = Frontier::new();
    for leaf in leaves {
        // A slice cannot hold u64::MAX leaves, so appending cannot fail; stop rather than panic.
        if frontier.push(*leaf, |_| {}).is_err() {
            break;
        }
    }
    frontier.root()
}

/// The largest power of two strictly smaller than `n`; `n` must be at least 2.
fn split_point(n: u64) -> u64 {
    // For n >= 2, n - 1 >= 1 has at most 63 leading zeros, so the shift is in range.
    let top_bit = 63u32.saturating_sub(n.saturating_sub(1).leading_zeros());
    1u64 << top_bit
}

/// One complete aligned subtree: the hash of leaves `[index * 2^level, (index + 1) * 2^level)`.
///
/// Level 0 subtrees are the leaves themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subtree {
    pub level: u8,
    pub index: u64,
    pub hash: Hash,
}

/// Errors building a tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    #[error("the tree already holds u64::MAX leaves")]
    TreeFull,
    #[error("a frontier of size {size} has {expected} subtree hashes, not {got}")]
    FrontierShape { size: u64, expected: u32, got: usize },
    #[error("the tree's stored levels are inconsistent at level {level}")]
    Inconsistent { level: u8 },
}

/// The right edge of a tree: the hashes of its maximal complete subtrees, largest first.
///
/// This is what an append-only log needs to keep in memory to append and to know its root:
/// one hash per set bit of the size, so at most 64. Also called a compact range `[0, size)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// One hash per set bit of `size`, most significant bit (leftmost subtree) first.
    peaks: Vec<Hash>,
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Restores a frontier from its size and subtree hashes, as saved from [`Frontier::peaks`].
    pub fn from_peaks(size: u64, peaks: Vec<Hash>) -> Result<Self, MerkleError> {
        let expected = size.count_ones();
        if usize::try_from(expected).ok() != Some(peaks.len()) {
            return Err(MerkleError::FrontierShape {
                size,
                expected,
                got: peaks.len(),
            });
        }
        Ok(Self { size, peaks })
    }

    /// Reads the frontier of the tree of `size` leaves from stored subtrees (popcount(size) reads).
    ///
    /// This is how a server resumes appending after a restart.
    pub fn from_reader<R: HashReader + ?Sized>(reader: &R, size: u64) -> Result<Self, ProveError<R::Error>> {
        let peaks = perfect_subtrees(0, size)
            .map(|(level, index)| read(reader, level, index))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { size, peaks })
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Hashes of the maximal complete subtrees, largest (leftmost) first.
    pub fn peaks(&self) -> &[Hash] {
        &self.peaks
    }

    /// Appends one leaf hash and returns every complete subtree this completed, from the leaf
    /// itself (level 0) upwards.
    ///
    /// A store that persists each returned [`Subtree`] can serve every proof via [`HashReader`].
    pub fn append(&mut self, leaf_hash: Hash) -> Result<Vec<Subtree>, MerkleError> {
        let mut completed = Vec::new();
        self.push(leaf_hash, |subtree| completed.push(subtree))?;
        Ok(completed)
    }

    fn push(&mut self, leaf_hash: Hash, mut completed: impl FnMut(Subtree)) -> Result<(), MerkleError> {
        let index = self.size;
        let new_size = index.checked_add(1).ok_or(MerkleError::TreeFull)?;
        let mut hash = leaf_hash;
        let mut level: u8 = 0;
        completed(Subtree { level, index, hash });
        // Each trailing one bit of the old size is a complete subtree of the same height as the
        // one just finished, to its left: merge them, like carrying in binary addition.
        while (index >> level) & 1 == 1 {
            let left = self.peaks.pop().ok_or(MerkleError::Inconsistent { level })?;
            hash = node_hash(&left, &hash);
            level = level.checked_add(1).ok_or(MerkleError::TreeFull)?;
            completed(Subtree {
                level,
                index: index >> level,
                hash,
            });
        }
        self.peaks.push(hash);
        self.size = new_size;
        Ok(())
    }

    /// The root hash of the tree of [`Frontier::size`] leaves.
    pub fn root(&self) -> Hash {
        fold_right(&self.peaks)
    }
}

/// MTH of a range given its maximal complete subtrees, largest first: right-fold with
/// `node_hash`, because the RFC tree always splits off the largest complete subtree on the left.
fn fold_right(peaks: &[Hash]) -> Hash {
    let mut iter = peaks.iter().rev();
    let Some(last) = iter.next() else {
        return EMPTY_ROOT;
    };
    iter.fold(*last, |acc, left| node_hash(left, &acc))
}

/// The maximal complete aligned subtrees covering `[start, start + len)`, largest first, as
/// `(level, index)`.
///
/// Only called for ranges that are nodes of an RFC 9162 tree, whose start is a multiple of the
/// next power of two at or above `len`; every piece is then aligned to its own size.
fn perfect_subtrees(start: u64, len: u64) -> impl Iterator<Item = (u8, u64)> {
    (0u8..64).rev().filter_map(move |level| {
        if (len >> level) & 1 == 0 {
            return None;
        }
        // The larger pieces come first: their total is the bits of `len` above `level`.
        let above_level = u64::MAX.checked_shl(u32::from(level) + 1).unwrap_or(0);
        let piece_start = start.wrapping_add(len & above_level);
        Some((level, piece_start >> level))
    })
}

/// Read access to the hashes of complete aligned subtrees of a tree.
///
/// `subtree(level, index)` must return the hash of leaves `[index * 2^level, (index + 1) *
/// 2^level)`. Complete subtrees never change, so a reader over a larger tree can serve proofs
/// for any smaller size. Readers are only asked for subtrees inside the requested tree size.
pub trait HashReader {
    type Error: std::error::Error + 'static;

    fn subtree(&self, level: u8, index: u64) -> Result<Hash, Self::Error>;
}

impl<T: HashReader + ?Sized> HashReader for &T {
    type Error = T::Error;

    fn subtree(&self, level: u8, index: u64) -> Result<Hash, Self::Error> {
        (**self).subtree(level, index)
    }
}

/// Errors producing a proof or a root from stored hashes.
#[derive(Debug, thiserror::Error)]
pub enum ProveError<E: std::error::Error + 'static> {
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("old tree size {old} is larger than new tree size {new}")]
    SizesOutOfOrder { old: u64, new: u64 },
    #[error("could not read the subtree at level {level}, index {index}")]
    Read {
        level: u8,
        index: u64,
        #[source]
        source: E,
    },
}

fn read<R: HashReader + ?Sized>(reader: &R, level: u8, index: u64) -> Result<Hash, ProveError<R::Error>> {
    reader
        .subtree(level, index)
        .map_err(|source| ProveError::Read { level, index, source })
}

/// MTH(D\[lo:hi\]) for a node `[lo, hi)` of the tree, from at most 64 stored subtrees.
fn range_hash<R: HashReader + ?Sized>(reader: &R, lo: u64, hi: u64) -> Result<Hash, ProveError<R::Error>> {
    let len = hi.saturating_sub(lo);
    let peaks = perfect_subtrees(lo, len)
        .map(|(level, index)| read(reader, level, index))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(fold_right(&peaks))
}

/// The root of the tree of the first `size` leaves.
pub fn root_at<R: HashReader + ?Sized>(reader: &R, size: u64) -> Result<Hash, ProveError<R::Error>> {
    range_hash(reader, 0, size)
}

/// The audit path PATH(index, D\[size\]) of RFC 9162 §2.1.3.1: sibling hashes from the leaf's
/// sibling up to the root's child.
///
/// Makes O(log size) subtree reads: every sibling is a complete subtree except at most one on the
/// right edge, which takes at most 64 reads.
pub fn inclusion_proof<R: HashReader + ?Sized>(
    reader: &R,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, ProveError<R::Error>> {
    if index >= size {
        return Err(ProveError::IndexOutOfRange { index, size });
    }
    // Walk down from the root; the RFC lists siblings bottom-up, so reverse at the end.
    let (mut lo, mut hi) = (0u64, size);
    let mut path = Vec::new();
    while hi - lo > 1 {
        let mid = lo + split_point(hi - lo);
        if index < mid {
            path.push(range_hash(reader, mid, hi)?);
            hi = mid;
        } else {
            path.push(range_hash(reader, lo, mid)?);
            lo = mid;
        }
    }
    path.reverse();
    Ok(path)
}

/// The consistency proof PROOF(old_size, D\[new_size\]) of RFC 9162 §2.1.4.1.
///
/// The RFC defines it for `0 < old_size < new_size`; for `old_size == 0` and
/// `old_size == new_size` the proof is empty (there is nothing to prove), matching
/// [`verify_consistency`].
pub fn consistency_proof<R: HashReader + ?Sized>(
    reader: &R,
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Hash>, ProveError<R::Error>> {
    if old_size > new_size {
        return Err(ProveError::SizesOutOfOrder {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == 0 || old_size == new_size {
        return Ok(Vec::new());
    }
    // SUBPROOF(m, D[lo:hi], b), unrolled. Invariant: lo < old_size < hi, or old_size == hi.
    let (mut lo, mut hi) = (0u64, new_size);
    let mut whole_old_tree = true; // the RFC's `b`
    let mut proof = Vec::new();
    loop {
        if old_size == hi {
            // The old tree ends exactly at this node; its hash is needed unless the node is the
            // old tree's root, which the verifier already has.
            if !whole_old_tree {
                proof.push(range_hash(reader, lo, hi)?);
            }
            break;
        }
        let mid = lo + split_point(hi - lo);
        if old_size <= mid {
            proof.push(range_hash(reader, mid, hi)?);
            hi = mid;
        } else {
            proof.push(range_hash(reader, lo, mid)?);
            lo = mid;
            whole_old_tree = false;
        }
    }
    proof.reverse();
    Ok(proof)
}

/// Why a proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("old tree size {old} is larger than new tree size {new}")]
    SizesOutOfOrder { old: u64, new: u64 },
    #[error("the proof has {len} hashes, more than this tree needs")]
    ProofTooLong { len: usize },
    #[error("the proof has {len} hashes, fewer than this tree needs")]
    ProofTooShort { len: usize },
    #[error("a consistency proof from size {old} to size {new} must be empty, this one has {len} hashes")]
    UnexpectedProof { old: u64, new: u64, len: usize },
    #[error("the consistency proof from size {old} to size {new} is empty")]
    EmptyProof { old: u64, new: u64 },
    #[error("the proof leads to root {computed}, not the expected {expected}")]
    RootMismatch { computed: HexHash, expected: HexHash },
    #[error("the proof leads to old root {computed}, not the expected {expected}")]
    OldRootMismatch { computed: HexHash, expected: HexHash },
    #[error("the proof leads to new root {computed}, not the expected {expected}")]
    NewRootMismatch { computed: HexHash, expected: HexHash },
}

/// A hash shown as lowercase hex in error messages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HexHash(pub Hash);

impl fmt::Display for HexHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::text::encode_hex(&self.0))
    }
}

impl fmt::Debug for HexHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Verifies an inclusion proof exactly as RFC 9162 §2.1.3.2 describes.
///
/// ```
/// use evidentia_log::merkle::{leaf_hash, node_hash, verify_inclusion};
/// let (a, b) = (leaf_hash(b"a"), leaf_hash(b"b"));
/// let root = node_hash(&a, &b);
/// assert!(verify_inclusion(&b, 1, 2, &[a], &root).is_ok());
/// assert!(verify_inclusion(&b, 0, 2, &[a], &root).is_err());
/// ```
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    let len = proof.len();
    // Step 1.
    if index >= size {
        return Err(VerifyError::IndexOutOfRange { index, size });
    }
    if len > MAX_PROOF_LEN {
        return Err(VerifyError::ProofTooLong { len });
    }
    // Steps 2 and 3. `size >= 1` here.
    let mut f_n = index;
    let mut s_n = size - 1;
    let mut r = *leaf_hash;
    // Step 4.
    for p in proof {
        if s_n == 0 {
            return Err(VerifyError::ProofTooLong { len });
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    // Step 5.
    if s_n != 0 {
        return Err(VerifyError::ProofTooShort { len });
    }
    if r != *root {
        return Err(VerifyError::RootMismatch {
            computed: HexHash(r),
            expected: HexHash(*root),
        });
    }
    Ok(())
}

/// Verifies a consistency proof exactly as RFC 9162 §2.1.4.2 describes.
///
/// The RFC algorithm covers `0 < old_size < new_size`. The edge cases are decided strictly:
/// equal sizes need an empty proof and equal roots; `old_size == 0` needs an empty proof and an
/// old root equal to [`EMPTY_ROOT`] (the empty tree is a prefix of every tree).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), VerifyError> {
    let len = proof.len();
    if old_size > new_size {
        return Err(VerifyError::SizesOutOfOrder {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == new_size || old_size == 0 {
        if !proof.is_empty() {
            return Err(VerifyError::UnexpectedProof {
                old: old_size,
                new: new_size,
                len,
            });
        }
        let (computed, expected) = if old_size == 0 {
            (EMPTY_ROOT, *old_root)
        } else {
            (*old_root, *new_root)
        };
        if computed != expected {
            return Err(VerifyError::OldRootMismatch {
                computed: HexHash(computed),
                expected: HexHash(expected),
            });
        }
        return Ok(());
    }
    // Step 1.
    if proof.is_empty() {
        return Err(VerifyError::EmptyProof {
            old: old_size,
            new: new_size,
        });
    }
    if len > MAX_PROOF_LEN {
        return Err(VerifyError::ProofTooLong { len });
    }
    // Step 2: if old_size is a power of two, the old root is itself a node of the path.
    let prefix: Option<&Hash> = old_size.is_power_of_two().then_some(old_root);
    let mut path = prefix.into_iter().chain(proof.iter());
    // Step 3. Both sizes are at least 1 here.
    let mut f_n = old_size - 1;
    let mut s_n = new_size - 1;
    // Step 4.
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    // Step 5.
    let Some(first) = path.next() else {
        return Err(VerifyError::EmptyProof {
            old: old_size,
            new: new_size,
        });
    };
    let mut f_r = *first;
    let mut s_r = *first;
    // Step 6.
    for c in path {
        if s_n == 0 {
            return Err(VerifyError::ProofTooLong { len });
        }
        if f_n & 1 == 1 || f_n == s_n {
            f_r = node_hash(c, &f_r);
            s_r = node_hash(c, &s_r);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            s_r = node_hash(&s_r, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    // Step 7.
    if s_n != 0 {
        return Err(VerifyError::ProofTooShort { len });
    }
    if f_r != *old_root {
        return Err(VerifyError::OldRootMismatch {
            computed: HexHash(f_r),
            expected: HexHash(*old_root),
        });
    }
    if s_r != *new_root {
        return Err(VerifyError::NewRootMismatch {
            computed: HexHash(s_r),
            expected: HexHash(*new_root),
        });
    }
    Ok(())
}

/// A tree that keeps every complete subtree in memory (about 64 bytes per leaf).
///
/// Serves proofs through [`HashReader`] like a persistent store would, so tests of the proof code
/// exercise the same path as production.
#[derive(Clone, Debug, Default)]
pub struct MemoryTree {
    /// `levels[l][i]` is the hash of the complete subtree at level `l`, index `i`.
    levels: Vec<Vec<Hash>>,
    frontier: Frontier,
}

/// [`MemoryTree`] was asked for a subtree it does not hold (beyond its size).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no complete subtree at level {level}, index {index} in a tree of {size} leaves")]
pub struct MissingSubtree {
    pub level: u8,
    pub index: u64,
    pub size: u64,
}

impl MemoryTree {
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree holding these leaf hashes in order.
    pub fn from_leaf_hashes(leaves: impl IntoIterator<Item = Hash>) -> Result<Self, MerkleError> {
        let mut tree = Self::new();
        for leaf in leaves {
            tree.append(leaf)?;
        }
        Ok(tree)
    }

    /// Appends one leaf hash.
    pub fn append(&mut self, leaf_hash: Hash) -> Result<(), MerkleError> {
        for subtree in self.frontier.append(leaf_hash)? {
            let level = usize::from(subtree.level);
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = self
                .levels
                .get_mut(level)
                .ok_or(MerkleError::Inconsistent { level: subtree.level })?;
            // The frontier completes subtrees strictly left to right on every level.
            if u64::try_from(row.len()).ok() != Some(subtree.index) {
                return Err(MerkleError::Inconsistent { level: subtree.level });
            }
            row.push(subtree.hash);
        }
        Ok(())
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// Root of the whole tree.
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// The frontier of the whole tree.
    pub fn frontier(&self) -> &Frontier {
        &self.frontier
    }

    /// The hash of leaf `index`, if present.
    pub fn leaf_hash(&self, index: u64) -> Option<Hash> {
        self.subtree(0, index).ok()
    }
}

impl HashReader for MemoryTree {
    type Error = MissingSubtree;

    fn subtree(&self, level: u8, index: u64) -> Result<Hash, MissingSubtree> {
        let missing = || MissingSubtree {
            level,
            index,
            size: self.size(),
        };
        let row = self.levels.get(usize::from(level)).ok_or_else(missing)?;
        let i = usize::try_from(index).map_err(|_| missing())?;
        row.get(i).copied().ok_or_else(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        let expected: Hash = Sha256::digest(b"").into();
        assert_eq!(EMPTY_ROOT, expected);
        assert_eq!(root_from_leaves(&[]), EMPTY_ROOT);
        assert_eq!(MemoryTree::new().root(), EMPTY_ROOT);
    }

    #[test]
    fn split_point_is_the_largest_power_of_two_below() {
        for (n, k) in [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (u64::MAX, 1 << 63)] {
            assert_eq!(split_point(n), k, "n = {n}");
        }
    }

    #[test]
    fn perfect_subtrees_cover_the_range() {
        let got: Vec<_> = perfect_subtrees(0, 13).collect();
        assert_eq!(got, vec![(3, 0), (2, 2), (0, 12)]);
        let got: Vec<_> = perfect_subtrees(8, 5).collect();
        assert_eq!(got, vec![(2, 2), (0, 12)]);
        assert_eq!(perfect_subtrees(0, 0).count(), 0);
        let got: Vec<_> = perfect_subtrees(0, u64::MAX).collect();
        assert_eq!(got.len(), 64);
        assert_eq!(got.first(), Some(&(63, 0)));
        assert_eq!(got.last(), Some(&(0, u64::MAX - 1)));
    }

    #[test]
    fn frontier_reports_completed_subtrees() {
        let mut f = Frontier::new();
        let leaves: Vec<Hash> = (0u8..4).map(|i| leaf_hash(&[i])).collect();
        let mut all = Vec::new();
        for leaf in &leaves {
            all.extend(f.append(*leaf).unwrap());
        }
        let levels: Vec<(u8, u64)> = all.iter().map(|s| (s.level, s.index)).collect();
        assert_eq!(levels, vec![(0, 0), (0, 1), (1, 0), (0, 2), (0, 3), (1, 1), (2, 0)]);
        assert_eq!(f.peaks().len(), 1);
        assert_eq!(all.last().map(|s| s.hash), Some(f.root()));
    }

    #[test]
    fn frontier_rejects_wrong_shape_and_overflow() {
        assert!(matches!(
            Frontier::from_peaks(3, vec![EMPTY_ROOT]),
            Err(MerkleError::FrontierShape {
                expected: 2,
                got: 1,
                ..
            })
        ));
        let mut full = Frontier::from_peaks(u64::MAX, vec![EMPTY_ROOT; 64]).unwrap();
        assert_eq!(full.size(), u64::MAX);
        assert_eq!(full.append(EMPTY_ROOT), Err(MerkleError::TreeFull));
    }
}
