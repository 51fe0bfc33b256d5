//! The blocks: for each blocking key, the records that carry it, in record order.
//!
//! The index is cut into shards by key, so that a batch of records is indexed on all threads at
//! once, each thread filling its own shards; a key's members are the same whatever the number of
//! threads.

use crate::block::{NONE, SLOTS};
use crate::hash::FastMap;

/// Shards of the index (a power of two; keys are spread by their top bits).
const SHARDS: usize = 16;

/// The records of a block, in record order. Most keys are carried by one record (a rare name in a
/// given year), so a single member is kept in place rather than in an allocation of its own.
#[derive(Debug, Clone)]
enum Members {
    One(u32),
    Many(Vec<u32>),
}

impl Members {
    fn push(&mut self, i: u32) {
        match self {
            Members::One(first) => *self = Members::Many(vec![*first, i]),
            Members::Many(v) => v.push(i),
        }
    }

    fn as_slice(&self) -> &[u32] {
        match self {
            Members::One(one) => std::slice::from_ref(one),
            Members::Many(v) => v,
        }
    }
}

/// Blocking key → members.
#[derive(Debug)]
pub(crate) struct Blocks {
    shards: Vec<FastMap<u64, Members>>,
}

impl Default for Blocks {
    fn default() -> Self {
        Blocks {
            shards: (0..SHARDS).map(|_| FastMap::default()).collect(),
        }
    }
}

fn shard_of(key: u64) -> usize {
    (key >> (64 - SHARDS.trailing_zeros())) as usize
}

impl Blocks {
    /// The records carrying `key`, in record order (empty for an unknown key).
    pub(crate) fn get(&self, key: u64) -> &[u32] {
        self.shards
            .get(shard_of(key))
            .and_then(|shard| shard.get(&key))
            .map_or(&[], Members::as_slice)
    }

    /// Every block's members.
    pub(crate) fn all(&self) -> impl Iterator<Item = &[u32]> {
        self.shards
            .iter()
            .flat_map(|shard| shard.values().map(Members::as_slice))
    }

    /// Adds records `first..` with blocking keys `keys` (one entry per record, each key once per
    /// record: later slots repeating an earlier slot's key are skipped), on `workers` threads.
    /// Returns the keys whose blocks grew beyond `cap` members with this batch.
    pub(crate) fn add(&mut self, first: usize, keys: &[[u64; SLOTS]], cap: usize, workers: usize) -> Vec<u64> {
        let workers = workers.clamp(1, SHARDS);
        let mut mine: Vec<Vec<(usize, &mut FastMap<u64, Members>)>> = (0..workers).map(|_| Vec::new()).collect();
        for (s, shard) in self.shards.iter_mut().enumerate() {
            if let Some(list) = mine.get_mut(s % workers) {
                list.push((s, shard));
            }
        }
        let fill = |shards: Vec<(usize, &mut FastMap<u64, Members>)>| {
            let mut owned: [Option<&mut FastMap<u64, Members>>; SHARDS] = Default::default();
            for (s, shard) in shards {
                // Room for the batch's share of new keys (about two per record): growing in steps
                // would move the whole shard several times.
                shard.reserve((keys.len() * 2).div_ceil(SHARDS));
                if let Some(slot) = owned.get_mut(s) {
                    *slot = Some(shard);
                }
            }
            let mut capped = Vec::new();
            for (offset, record_keys) in keys.iter().enumerate() {
                let i = u32::try_from(first + offset).unwrap_or(u32::MAX);
                for (s, &key) in record_keys.iter().enumerate() {
                    if key == NONE || record_keys.get(..s).is_some_and(|earlier| earlier.contains(&key)) {
                        continue;
                    }
                    let Some(Some(shard)) = owned.get_mut(shard_of(key)) else {
                        continue;
                    };
                    let members = shard.entry(key).and_modify(|m| m.push(i)).or_insert(Members::One(i));
                    if members.as_slice().len() == cap + 1 {
                        capped.push(key);
                    }
                }
            }
            capped
        };
        if workers == 1 {
            return mine.into_iter().flat_map(fill).collect();
        }
        let fill = &fill;
        std::thread::scope(|s| {
            let handles: Vec<_> = mine.into_iter().map(|shards| s.spawn(move || fill(shards))).collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_and_capped_keys_do_not_depend_on_threads_or_batches() {
        // Keys spread over every shard, some shared by many records, some repeated in one record.
        let keys: Vec<[u64; SLOTS]> = (0..3_000u64)
            .map(|r| {
                let spread = |k: u64| k.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                [
                    spread(r % 7),
                    spread(1_000 + r % 300),
                    spread(1_000 + r % 300),
                    NONE,
                    spread(5_000 + r),
                    spread(r % 7),
                ]
            })
            .collect();
        let mut one = Blocks::default();
        let mut capped_one = one.add(0, &keys, 100, 1);
        capped_one.sort_unstable();
        let (head, tail) = keys.split_at(1_234);
        let mut many = Blocks::default();
        let mut capped_many = many.add(0, head, 100, 3);
        capped_many.extend(many.add(head.len(), tail, 100, 2));
        capped_many.sort_unstable();
        assert_eq!(capped_one.len(), 7, "the seven keys every seventh record carries");
        assert_eq!(capped_one, capped_many);
        let mut blocks_one: Vec<&[u32]> = one.all().collect();
        let mut blocks_many: Vec<&[u32]> = many.all().collect();
        blocks_one.sort_unstable();
        blocks_many.sort_unstable();
        assert_eq!(blocks_one, blocks_many);
        assert_eq!(blocks_one.len(), 7 + 300 + 3_000);
        for record_keys in &keys {
            for &key in record_keys.iter().filter(|&&k| k != NONE) {
                let members = one.get(key);
                assert!(members.windows(2).all(|w| w[0] < w[1]), "in record order, once each");
                assert_eq!(members, many.get(key));
            }
        }
        assert!(one.get(12_345).is_empty());
    }
}
