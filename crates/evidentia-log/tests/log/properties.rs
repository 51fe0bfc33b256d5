//! Property tests: the incremental, store-backed tree against the literal RFC recursion, and
//! every tampering of a valid proof is caught.

use evidentia_log::merkle::{
    Frontier, Hash, MemoryTree, VerifyError, consistency_proof, inclusion_proof, root_at, root_from_leaves,
    verify_consistency, verify_inclusion,
};
use proptest::prelude::*;

use crate::reference;

fn tree_of(leaves: &[Hash]) -> MemoryTree {
    MemoryTree::from_leaf_hashes(leaves.iter().copied()).unwrap()
}

fn flip(hash: &Hash, byte: usize, mask: u8) -> Hash {
    let mut h = *hash;
    h[byte] ^= mask;
    h
}

/// Exhaustive for small trees: every size up to 70, every index, every old size.
#[test]
fn small_trees_match_the_rfc_recursion_exhaustively() {
    let all = reference::leaves(70);
    let tree = tree_of(&all);
    for n in 0..=70usize {
        let d = &all[..n];
        let size = n as u64;
        let root = reference::mth(d);
        assert_eq!(root_from_leaves(d), root, "root {n}");
        assert_eq!(root_at(&tree, size).unwrap(), root, "root_at {n}");
        assert_eq!(tree_of(d).root(), root, "incremental root {n}");
        for m in 0..n {
            let expected = reference::hashes(&reference::path(m, d));
            let got = inclusion_proof(&tree, m as u64, size).unwrap();
            assert_eq!(got, expected, "PATH({m}, D[{n}])");
            verify_inclusion(&d[m], m as u64, size, &got, &root).unwrap();
        }
        for m in 1..=n {
            let expected = reference::hashes(&reference::consistency(m, d));
            let got = consistency_proof(&tree, m as u64, size).unwrap();
            assert_eq!(got, expected, "PROOF({m}, D[{n}])");
            verify_consistency(m as u64, size, &reference::mth(&d[..m]), &root, &got).unwrap();
        }
    }
}

/// A store that counts reads, to check proofs stay O(log n) in reads.
struct Counting<'a> {
    tree: &'a MemoryTree,
    reads: std::cell::Cell<usize>,
}

impl evidentia_log::HashReader for Counting<'_> {
    type Error = <MemoryTree as evidentia_log::HashReader>::Error;
    fn subtree(&self, level: u8, index: u64) -> Result<Hash, Self::Error> {
        self.reads.set(self.reads.get() + 1);
        self.tree.subtree(level, index)
    }
}

#[test]
fn proofs_take_logarithmically_many_reads() {
    let leaves = reference::leaves(5000);
    let tree = tree_of(&leaves);
    let counting = Counting {
        tree: &tree,
        reads: std::cell::Cell::new(0),
    };
    for (index, size) in [(0, 4999), (4998, 4999), (2500, 5000), (1234, 4097)] {
        counting.reads.set(0);
        let proof = inclusion_proof(&counting, index, size).unwrap();
        // log2(5000) < 13: the path has at most 13 hashes, one of them perhaps on the right
        // edge (at most 13 reads), the rest one read each.
        assert!(
            counting.reads.get() <= 2 * 13,
            "{index}/{size}: {} reads",
            counting.reads.get()
        );
        assert!(proof.len() <= 13);
    }
    for (old, new) in [(1, 4999), (4998, 4999), (2500, 5000), (1234, 4097)] {
        counting.reads.set(0);
        consistency_proof(&counting, old, new).unwrap();
        assert!(
            counting.reads.get() <= 3 * 13,
            "{old}->{new}: {} reads",
            counting.reads.get()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Every inclusion proof of a random tree verifies against the root of its leaves.
    #[test]
    fn every_inclusion_proof_verifies(size in 1usize..2000, salt in any::<u64>()) {
        let leaves: Vec<Hash> = (0..size as u64).map(|i| reference::leaf(&(i ^ salt).to_be_bytes())).collect();
        let tree = tree_of(&leaves);
        let root = root_from_leaves(&leaves);
        prop_assert_eq!(tree.root(), root);
        for (i, leaf) in leaves.iter().enumerate() {
            let proof = inclusion_proof(&tree, i as u64, size as u64).unwrap();
            prop_assert!(verify_inclusion(leaf, i as u64, size as u64, &proof, &root).is_ok());
        }
    }

    /// Proofs for a past size served from a larger tree equal the RFC's PATH over that prefix.
    #[test]
    fn past_inclusion_proofs_match_the_rfc(
        (total, size, index) in (1usize..2000).prop_flat_map(|t| (Just(t), 1..=t))
            .prop_flat_map(|(t, s)| (Just(t), Just(s), 0..s)),
    ) {
        let leaves = reference::leaves(total);
        let tree = tree_of(&leaves);
        let d = &leaves[..size];
        let proof = inclusion_proof(&tree, index as u64, size as u64).unwrap();
        prop_assert_eq!(&proof, &reference::hashes(&reference::path(index, d)));
        prop_assert_eq!(root_at(&tree, size as u64).unwrap(), reference::mth(d));
    }

    /// Consistency proofs between random sizes verify and equal the RFC's PROOF.
    #[test]
    fn consistency_proofs_verify_and_match_the_rfc(
        (new, old) in (1usize..2000).prop_flat_map(|n| (Just(n), 0..=n)),
    ) {
        let leaves = reference::leaves(new);
        let tree = tree_of(&leaves);
        let proof = consistency_proof(&tree, old as u64, new as u64).unwrap();
        let expected = if old == 0 { Vec::new() } else { reference::hashes(&reference::consistency(old, &leaves)) };
        prop_assert_eq!(&proof, &expected);
        let (old_root, new_root) = (reference::mth(&leaves[..old]), reference::mth(&leaves));
        prop_assert!(verify_consistency(old as u64, new as u64, &old_root, &new_root, &proof).is_ok());
    }

    /// A frontier saved and restored (or re-read from the store) keeps appending correctly.
    #[test]
    fn frontier_restores(size in 0usize..600, more in 1usize..100) {
        let leaves = reference::leaves(size + more);
        let tree = tree_of(&leaves[..size]);
        let saved = tree.frontier().clone();
        let mut restored = Frontier::from_peaks(saved.size(), saved.peaks().to_vec()).unwrap();
        let mut reread = Frontier::from_reader(&tree, size as u64).unwrap();
        prop_assert_eq!(&reread, &saved);
        for leaf in &leaves[size..] {
            restored.append(*leaf).unwrap();
            reread.append(*leaf).unwrap();
        }
        prop_assert_eq!(restored.root(), reference::mth(&leaves));
        prop_assert_eq!(reread.root(), reference::mth(&leaves));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any change to an inclusion proof, the leaf, the root or the index is caught. A different
    /// tree size is caught exactly when it changes the shape of the path: the proof does not
    /// authenticate the size, the signed checkpoint does.
    #[test]
    fn tampered_inclusion_fails(
        (size, index) in (1usize..700).prop_flat_map(|s| (Just(s), 0..s)),
        mask in 1u8..=255,
    ) {
        let leaves = reference::leaves(size);
        let tree = tree_of(&leaves);
        let root = tree.root();
        let (n, i) = (size as u64, index as u64);
        let leaf = leaves[index];
        let proof = inclusion_proof(&tree, i, n).unwrap();
        prop_assert!(verify_inclusion(&leaf, i, n, &proof, &root).is_ok());

        for (k, byte) in (0..proof.len()).flat_map(|k| (0..32).map(move |b| (k, b))) {
            let mut bad = proof.clone();
            bad[k] = flip(&bad[k], byte, mask);
            prop_assert!(verify_inclusion(&leaf, i, n, &bad, &root).is_err(), "hash {} byte {}", k, byte);
        }
        for byte in 0..32 {
            prop_assert!(verify_inclusion(&flip(&leaf, byte, mask), i, n, &proof, &root).is_err());
            prop_assert!(verify_inclusion(&leaf, i, n, &proof, &flip(&root, byte, mask)).is_err());
        }
        // Dropping, adding, duplicating or reordering hashes.
        if !proof.is_empty() {
            prop_assert!(verify_inclusion(&leaf, i, n, &proof[1..], &root).is_err());
            prop_assert!(verify_inclusion(&leaf, i, n, &proof[..proof.len() - 1], &root).is_err());
            let mut longer = proof.clone();
            longer.push(root);
            prop_assert!(verify_inclusion(&leaf, i, n, &longer, &root).is_err());
            let mut front = vec![leaf];
            front.extend_from_slice(&proof);
            prop_assert!(verify_inclusion(&leaf, i, n, &front, &root).is_err());
        }
        if proof.len() > 1 {
            let mut swapped = proof.clone();
            swapped.swap(0, 1);
            prop_assert!(verify_inclusion(&leaf, i, n, &swapped, &root).is_err());
        }
        for other in (0..n + 2).filter(|&j| j != i) {
            prop_assert!(verify_inclusion(&leaf, other, n, &proof, &root).is_err(), "index {}", other);
        }
        let shape = reference::sides(&reference::path(index, &leaves));
        prop_assert_eq!(&shape, &reference::path_sides(index, size));
        for other_size in (1..=2 * size + 2).filter(|&s| s != size) {
            let result = verify_inclusion(&leaf, i, other_size as u64, &proof, &root);
            if index >= other_size {
                prop_assert!(matches!(result, Err(VerifyError::IndexOutOfRange { .. })), "size {}", other_size);
                continue;
            }
            let other_shape = reference::path_sides(index, other_size);
            prop_assert_eq!(result.is_ok(), other_shape == shape, "size {} (shape {:?} vs {:?})", other_size, other_shape, shape);
        }
    }

    /// Any change to a consistency proof or either root is caught; a different old size always
    /// is; a different new size exactly when it changes the shape of the proof.
    #[test]
    fn tampered_consistency_fails(
        (new, old) in (2usize..700).prop_flat_map(|n| (Just(n), 1..n)),
        mask in 1u8..=255,
    ) {
        let leaves = reference::leaves(new);
        let tree = tree_of(&leaves);
        let (m, n) = (old as u64, new as u64);
        let old_root = reference::mth(&leaves[..old]);
        let new_root = tree.root();
        let proof = consistency_proof(&tree, m, n).unwrap();
        prop_assert!(verify_consistency(m, n, &old_root, &new_root, &proof).is_ok());

        for (k, byte) in (0..proof.len()).flat_map(|k| (0..32).map(move |b| (k, b))) {
            let mut bad = proof.clone();
            bad[k] = flip(&bad[k], byte, mask);
            prop_assert!(verify_consistency(m, n, &old_root, &new_root, &bad).is_err(), "hash {} byte {}", k, byte);
        }
        for byte in 0..32 {
            prop_assert!(verify_consistency(m, n, &flip(&old_root, byte, mask), &new_root, &proof).is_err());
            prop_assert!(verify_consistency(m, n, &old_root, &flip(&new_root, byte, mask), &proof).is_err());
        }
        prop_assert!(verify_consistency(m, n, &new_root, &old_root, &proof).is_err());
        prop_assert!(verify_consistency(m, n, &old_root, &new_root, &proof[..proof.len() - 1]).is_err());
        prop_assert!(verify_consistency(m, n, &old_root, &new_root, &proof[1..]).is_err());
        let mut longer = proof.clone();
        longer.push(new_root);
        prop_assert!(verify_consistency(m, n, &old_root, &new_root, &longer).is_err());
        for other_old in (0..=n).filter(|&o| o != m) {
            prop_assert!(verify_consistency(other_old, n, &old_root, &new_root, &proof).is_err(), "old size {}", other_old);
        }
        let shape = reference::sides(&reference::consistency(old, &leaves));
        prop_assert_eq!(&shape, &reference::consistency_sides(old, new));
        for other_new in (old..=2 * new + 2).filter(|&s| s != new) {
            let result = verify_consistency(m, other_new as u64, &old_root, &new_root, &proof);
            let other_shape = reference::consistency_sides(old, other_new);
            prop_assert_eq!(result.is_ok(), other_shape == shape, "new size {} (shape {:?} vs {:?})", other_new, other_shape, shape);
        }
    }
}
