//! A fast hasher for the linker's internal maps (block keys that are already hashes, name keys).
//!
//! The standard SipHash resists collision attacks but made a fifth of a run's time. The maps here
//! hold keys derived from the input; a crafted list can at worst slow its own linking down, which
//! the block cap already bounds.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The rotate-multiply hash of rustc (FxHash).
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            for (slot, &b) in word.iter_mut().zip(rest) {
                *slot = b;
            }
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits depending on the low bits of the input alone, and a table
        // picks buckets by the low bits: keys that differ only in their last bytes (record ids)
        // would share a few buckets. Folding the high half in and mixing once more spreads them.
        let x = self.0 ^ (self.0 >> 32);
        x.wrapping_mul(SEED) ^ (x >> 29)
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use super::*;

    #[test]
    fn ids_that_differ_in_their_last_bytes_spread_over_the_low_bits() {
        // Tables pick a bucket by the low bits of the hash.
        let hasher = BuildHasherDefault::<FxHasher>::default();
        for format in [
            |k: u32| format!("r{k:07}"),
            |k: u32| format!("{k}"),
            |k: u32| format!("list-{k:05}-a"),
        ] {
            let mut buckets: Vec<u64> = (0..65_536).map(|k| hasher.hash_one(format(k)) & 0xffff).collect();
            buckets.sort_unstable();
            buckets.dedup();
            // Random hashes would fill about 63% of the buckets.
            assert!(
                buckets.len() > 35_000,
                "{} distinct buckets for {}",
                buckets.len(),
                format(1)
            );
        }
    }
}
