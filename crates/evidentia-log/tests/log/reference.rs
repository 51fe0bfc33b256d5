//! RFC 9162 §2.1 written out literally, recursion and all, sharing no code with the crate
//! (not even its hash functions). Slow on purpose: it is the specification, not an algorithm.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

pub fn leaf(data: &[u8]) -> Hash {
    Sha256::new().chain_update([0u8]).chain_update(data).finalize().into()
}

pub fn node(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([1u8])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// "the largest power of two smaller than n"
fn k_of(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// MTH(D[n]) over leaf hashes (so MTH({d0}) = the leaf hash itself).
pub fn mth(d: &[Hash]) -> Hash {
    match d.len() {
        0 => Sha256::digest(b"").into(),
        1 => d[0],
        n => {
            let k = k_of(n);
            node(&mth(&d[..k]), &mth(&d[k..]))
        }
    }
}

/// Which side of the path a proof hash sits on, as the RFC recursion places it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Sibling to the left: for consistency proofs, part of both the old and new tree.
    Left,
    /// Sibling to the right: only in the new tree.
    Right,
    /// SUBPROOF's `m == n, b == false` node: the start of the old tree's reconstruction.
    Start,
}

/// PATH(m, D[n]) with the side of each hash.
pub fn path(m: usize, d: &[Hash]) -> Vec<(Side, Hash)> {
    let n = d.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = k_of(n);
    if m < k {
        let mut p = path(m, &d[..k]);
        p.push((Side::Right, mth(&d[k..])));
        p
    } else {
        let mut p = path(m - k, &d[k..]);
        p.push((Side::Left, mth(&d[..k])));
        p
    }
}

/// SUBPROOF(m, D[n], b) with the side of each hash.
pub fn subproof(m: usize, d: &[Hash], b: bool) -> Vec<(Side, Hash)> {
    let n = d.len();
    if m == n {
        return if b { Vec::new() } else { vec![(Side::Start, mth(d))] };
    }
    let k = k_of(n);
    if m <= k {
        let mut p = subproof(m, &d[..k], b);
        p.push((Side::Right, mth(&d[k..])));
        p
    } else {
        let mut p = subproof(m - k, &d[k..], false);
        p.push((Side::Left, mth(&d[..k])));
        p
    }
}

/// PROOF(m, D[n]) = SUBPROOF(m, D[n], true).
pub fn consistency(m: usize, d: &[Hash]) -> Vec<(Side, Hash)> {
    subproof(m, d, true)
}

pub fn hashes(p: &[(Side, Hash)]) -> Vec<Hash> {
    p.iter().map(|(_, h)| *h).collect()
}

pub fn sides(p: &[(Side, Hash)]) -> Vec<Side> {
    p.iter().map(|(s, _)| *s).collect()
}

/// Deterministic, distinct leaves.
pub fn leaves(n: usize) -> Vec<Hash> {
    (0..n as u64).map(|i| leaf(&i.to_le_bytes())).collect()
}

/// The sides of PATH(m, D[n]) without hashing anything: the same recursion on sizes alone.
pub fn path_sides(m: usize, n: usize) -> Vec<Side> {
    if n <= 1 {
        return Vec::new();
    }
    let k = k_of(n);
    let mut p = if m < k {
        path_sides(m, k)
    } else {
        path_sides(m - k, n - k)
    };
    p.push(if m < k { Side::Right } else { Side::Left });
    p
}

/// The sides of PROOF(m, D[n]) without hashing anything.
pub fn consistency_sides(m: usize, n: usize) -> Vec<Side> {
    fn sub(m: usize, n: usize, b: bool) -> Vec<Side> {
        if m == n {
            return if b { Vec::new() } else { vec![Side::Start] };
        }
        let k = k_of(n);
        let mut p = if m <= k { sub(m, k, b) } else { sub(m - k, n - k, false) };
        p.push(if m <= k { Side::Right } else { Side::Left });
        p
    }
    sub(m, n, true)
}
