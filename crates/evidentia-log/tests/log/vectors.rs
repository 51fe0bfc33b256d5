//! Published test vectors: the RFC 6962 reference data of the Certificate Transparency project
//! (certificate-transparency `merkle_tree_test.cc`, reused by Trillian and transparency-dev).

use evidentia_log::merkle::{
    self, EMPTY_ROOT, Hash, MemoryTree, VerifyError, consistency_proof, inclusion_proof, root_from_leaves,
    verify_consistency, verify_inclusion,
};

const LEAVES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (leaf index, tree size, audit path)
const INCLUSION: [(u64, u64, &[&str]); 5] = [
    (0, 1, &[]),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// (old size, new size, consistency proof)
const CONSISTENCY: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hash(s: &str) -> Hash {
    unhex(s).try_into().unwrap()
}

fn tree() -> (MemoryTree, Vec<Hash>) {
    let leaves: Vec<Hash> = LEAVES.iter().map(|d| merkle::leaf_hash(&unhex(d))).collect();
    (MemoryTree::from_leaf_hashes(leaves.clone()).unwrap(), leaves)
}

#[test]
fn empty_tree() {
    assert_eq!(
        EMPTY_ROOT,
        hash("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
}

#[test]
fn roots() {
    let (tree, leaves) = tree();
    for (n, root) in ROOTS.iter().enumerate() {
        let size = n as u64 + 1;
        assert_eq!(root_from_leaves(&leaves[..=n]), hash(root), "size {size}");
        assert_eq!(merkle::root_at(&tree, size).unwrap(), hash(root), "size {size}");
        let grown = MemoryTree::from_leaf_hashes(leaves[..=n].iter().copied()).unwrap();
        assert_eq!(grown.root(), hash(root), "size {size}");
    }
}

#[test]
fn inclusion() {
    let (tree, leaves) = tree();
    for (index, size, path) in INCLUSION {
        let expected: Vec<Hash> = path.iter().map(|h| hash(h)).collect();
        assert_eq!(inclusion_proof(&tree, index, size).unwrap(), expected, "{index}/{size}");
        let root = hash(ROOTS[size as usize - 1]);
        verify_inclusion(&leaves[index as usize], index, size, &expected, &root).unwrap();
    }
}

#[test]
fn consistency() {
    let (tree, _) = tree();
    for (old, new, path) in CONSISTENCY {
        let expected: Vec<Hash> = path.iter().map(|h| hash(h)).collect();
        assert_eq!(consistency_proof(&tree, old, new).unwrap(), expected, "{old}->{new}");
        let (old_root, new_root) = (hash(ROOTS[old as usize - 1]), hash(ROOTS[new as usize - 1]));
        verify_consistency(old, new, &old_root, &new_root, &expected).unwrap();
    }
}

/// The transparency-dev "static" probes: degenerate inputs with their expected outcome.
#[test]
fn degenerate_inputs() {
    let (some, other) = ([1u8; 32], [2u8; 32]);
    // Inclusion with impossible index/size combinations.
    for (index, size) in [(0, 0), (1, 0), (2, 1), (1, 1), (u64::MAX, u64::MAX)] {
        assert_eq!(
            verify_inclusion(&some, index, size, &[], &some),
            Err(VerifyError::IndexOutOfRange { index, size })
        );
    }
    // A one-leaf tree's root is the leaf hash and the proof is empty.
    verify_inclusion(&some, 0, 1, &[], &some).unwrap();
    assert!(verify_inclusion(&some, 0, 1, &[], &other).is_err());
    assert!(matches!(
        verify_inclusion(&some, 0, 1, &[some], &some),
        Err(VerifyError::ProofTooLong { .. })
    ));
    assert!(matches!(
        verify_inclusion(&some, 0, 2, &[], &some),
        Err(VerifyError::ProofTooShort { .. })
    ));
    // Huge sizes and over-long proofs are refused, not overflowed.
    // Leaf 0 of the largest possible tree has a 64-hash path; the last leaf a 63-hash one.
    let cases = [
        (0, 65, "long"),
        (0, 64, "root"),
        (0, 63, "short"),
        (u64::MAX - 1, 64, "long"),
        (u64::MAX - 1, 63, "root"),
        (u64::MAX - 1, 62, "short"),
    ];
    for (index, len, outcome) in cases {
        let got = verify_inclusion(&some, index, u64::MAX, &vec![some; len], &some);
        let ok = match outcome {
            "long" => matches!(got, Err(VerifyError::ProofTooLong { .. })),
            "short" => matches!(got, Err(VerifyError::ProofTooShort { .. })),
            _ => matches!(got, Err(VerifyError::RootMismatch { .. })),
        };
        assert!(ok, "index {index}, {len} hashes: {got:?}");
    }

    // Consistency.
    assert_eq!(
        verify_consistency(2, 1, &some, &other, &[]),
        Err(VerifyError::SizesOutOfOrder { old: 2, new: 1 })
    );
    verify_consistency(0, 0, &EMPTY_ROOT, &EMPTY_ROOT, &[]).unwrap();
    verify_consistency(1, 1, &some, &some, &[]).unwrap();
    verify_consistency(0, 5, &EMPTY_ROOT, &other, &[]).unwrap();
    assert!(
        verify_consistency(0, 5, &some, &other, &[]).is_err(),
        "old root of size 0 must be the empty root"
    );
    assert!(verify_consistency(1, 1, &some, &other, &[]).is_err());
    assert!(verify_consistency(1, 1, &some, &some, &[some]).is_err());
    assert!(verify_consistency(0, 1, &EMPTY_ROOT, &some, &[EMPTY_ROOT]).is_err());
    assert_eq!(
        verify_consistency(1, 2, &some, &other, &[]),
        Err(VerifyError::EmptyProof { old: 1, new: 2 })
    );
    assert!(matches!(
        verify_consistency(u64::MAX - 1, u64::MAX, &some, &other, &vec![some; 200]),
        Err(VerifyError::ProofTooLong { .. })
    ));
    assert!(verify_consistency(u64::MAX - 1, u64::MAX, &some, &other, &vec![some; 64]).is_err());
    assert!(verify_consistency(1, u64::MAX, &some, &other, &vec![some; 64]).is_err());
}

#[test]
fn proof_generation_rejects_bad_ranges() {
    let (tree, _) = tree();
    assert!(matches!(
        inclusion_proof(&tree, 8, 8),
        Err(merkle::ProveError::IndexOutOfRange { index: 8, size: 8 })
    ));
    assert!(matches!(
        inclusion_proof(&tree, 0, 0),
        Err(merkle::ProveError::IndexOutOfRange { .. })
    ));
    assert!(matches!(
        consistency_proof(&tree, 5, 4),
        Err(merkle::ProveError::SizesOutOfOrder { old: 5, new: 4 })
    ));
    assert_eq!(consistency_proof(&tree, 0, 8).unwrap(), Vec::<Hash>::new());
    assert_eq!(consistency_proof(&tree, 8, 8).unwrap(), Vec::<Hash>::new());
    // Beyond what the store holds: a read error naming the subtree, not a panic.
    let err = inclusion_proof(&tree, 3, 9).unwrap_err();
    assert!(
        matches!(err, merkle::ProveError::Read { level: 0, index: 8, .. }),
        "{err}"
    );
    assert!(merkle::root_at(&tree, 9).is_err());
    assert!(inclusion_proof(&tree, u64::MAX - 1, u64::MAX).is_err());
}
