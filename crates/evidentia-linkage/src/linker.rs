//! Linking: an index of prepared records that new records are linked against, and the clusters.
//!
//! A full run and an incremental one are the same code: [`Linker::add`] indexes a batch, compares
//! each new record with the records that share a valid blocking key (right after
//! [`Linker::estimate`], which lists those pairs anyway, the pairs it listed), keeps the pairs at or
//! above the threshold, and re-clusters only the connected components the batch touched. Which pairs
//! are linked is a function of the final set of records alone (a pair is linked when it shares a
//! key whose block is within the cap, and its weight clears the threshold); when a batch makes a
//! block exceed the cap, links that depended on that block alone are removed. Clustering is a
//! function of a component's records and links, and cluster ids are the smallest record id of each
//! cluster. So adding records in batches gives exactly the clusters of one run over all of them
//! (with the same parameters), which the tests check.

use std::collections::HashMap;

use crate::block::{self, NONE, SLOTS};
use crate::blocks::Blocks;
use crate::cluster::split_component;
use crate::compare::Levels;
use crate::key::NameGroups;
use crate::parallel::map_chunks;
use crate::params::{NameShares, Parameters, Scored, Scorer};
use crate::record::{PersonRecord, Prepared, Preparer};

/// Pairs compared for the estimate of `u` and at most for the EM estimate of `m`.
const RANDOM_PAIRS: u64 = 100_000;
const EM_PAIRS: u64 = 200_000;
/// Smallest list the parameters are estimated from; smaller lists keep the given parameters (a
/// few hundred pairs do not identify EM's two classes, and name shares of a tiny list are noise).
const MIN_ESTIMATE_RECORDS: u64 = 1_000;

/// A link: two record indices (the earlier first) and the pair's match weight.
type Edge = (u32, u32, f32);

/// A range of records (by number) and its blocked pairs.
type RangePairs = (usize, Vec<(u32, u32)>);

/// What a call to [`Linker::link`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Pairs compared.
    pub compared: u64,
    /// Pairs at or above the threshold.
    pub linked: u64,
    /// Links removed because a block grew beyond the cap.
    pub unlinked: u64,
    /// Records whose cluster was recomputed.
    pub reclustered: u64,
}

/// A proposed match between two records, with its weight and reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposedMatch {
    pub a: String,
    pub b: String,
    pub weight: f64,
    pub reasons: String,
}

/// The index of records, their links and clusters.
#[derive(Debug, Default)]
pub struct Linker {
    params: Parameters,
    ids: Vec<Box<str>>,
    prepared: Vec<Prepared>,
    /// How common each record's names are under `params` (kept in step with `prepared`).
    shares: Vec<NameShares>,
    /// `params` tabulated for scoring.
    scorer: Scorer,
    keys: Vec<[u64; SLOTS]>,
    index: Blocks,
    adjacency: Vec<Vec<(u32, f32)>>,
    cluster_of: Vec<u32>,
    /// First record not yet linked.
    linked_upto: usize,
    /// Keys whose block exceeded the cap since the last link.
    newly_capped: Vec<u64>,
    /// Every blocked pair of the records as [`Linker::estimate`] listed them, while still valid (no
    /// record added and no parameter changed since): the first link compares these rather than
    /// looking the pairs up again.
    listed: Option<Vec<RangePairs>>,
    threads: usize,
    /// One per thread, kept between batches: the names already prepared.
    preparers: Vec<Preparer<'static>>,
}

/// Threads the linker works on: the processor's cores, at most 8.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 8)
}

/// SplitMix64: a small deterministic generator for sampling pairs.
pub(crate) struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

/// Worker `worker`'s share of the pairs of `ranges` when `workers` share them equally: the
/// pairs from `worker / workers` to `(worker + 1) / workers` of the way through, as slices.
fn share_of_pairs(ranges: &[RangePairs], worker: usize, workers: usize) -> impl Iterator<Item = &[(u32, u32)]> {
    let total: usize = ranges.iter().map(|(_, pairs)| pairs.len()).sum();
    let (start, end) = (total * worker / workers.max(1), total * (worker + 1) / workers.max(1));
    let mut offset = 0;
    ranges.iter().filter_map(move |(_, pairs)| {
        let (lo, hi) = (offset, offset + pairs.len());
        offset = hi;
        pairs
            .get(start.clamp(lo, hi) - lo..end.clamp(lo, hi) - lo)
            .filter(|part| !part.is_empty())
    })
}

fn as_index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Linker {
    /// An empty index using `params`.
    #[must_use]
    pub fn new(params: Parameters) -> Linker {
        Linker {
            scorer: Scorer::new(&params),
            params,
            threads: threads(),
            ..Linker::default()
        }
    }

    /// The parameters in use.
    #[must_use]
    pub fn params(&self) -> &Parameters {
        &self.params
    }

    /// Replaces the parameters. Links already made are kept; call before the first [`Linker::link`].
    pub fn set_params(&mut self, params: Parameters) {
        self.params = params;
        self.params_changed();
    }

    /// Brings what is derived from the parameters up to date.
    fn params_changed(&mut self) {
        self.listed = None;
        self.scorer = Scorer::new(&self.params);
        self.shares = NameShares::all(&self.params.term_frequencies, &self.prepared, self.threads);
    }

    /// Number of records indexed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no record is indexed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Indexes records without linking them yet.
    pub fn insert(&mut self, records: &[PersonRecord]) {
        self.listed = None;
        let groups = NameGroups::builtin();
        let workers = self.threads.max(1);
        self.preparers.resize_with(workers, || Preparer::new(groups));
        let chunk = records.len().div_ceil(workers).max(1);
        let tf = &self.params.term_frequencies;
        let preparers = &mut self.preparers;
        let prepared: Vec<(Prepared, [u64; SLOTS], NameShares)> = std::thread::scope(|s| {
            let handles: Vec<_> = records
                .chunks(chunk)
                .zip(preparers.iter_mut())
                .map(|(part, preparer)| {
                    s.spawn(move || {
                        part.iter()
                            .map(|r| {
                                let p = preparer.prepare(r);
                                let keys = block::keys(&p);
                                let shares = NameShares::of(tf, &p);
                                (p, keys, shares)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
        });
        let first = self.ids.len();
        for (record, (p, keys, shares)) in records.iter().zip(prepared) {
            let i = as_index(self.ids.len());
            self.ids.push(record.record_id.clone().into_boxed_str());
            self.prepared.push(p);
            self.shares.push(shares);
            self.keys.push(keys);
            self.adjacency.push(Vec::new());
            self.cluster_of.push(i);
        }
        let capped = self.index.add(
            first,
            self.keys.get(first..).unwrap_or_default(),
            self.params.block_cap,
            self.threads,
        );
        self.newly_capped.extend(capped);
    }

    fn valid(&self, h: u64) -> bool {
        h != NONE && (1..=self.params.block_cap).contains(&self.index.get(h).len())
    }

    /// Indexes and links a batch: the incremental path, and the whole of a full run.
    pub fn add(&mut self, records: &[PersonRecord]) -> LinkStats {
        self.insert(records);
        self.link()
    }

    /// Links every record inserted since the last call, and re-clusters what changed.
    pub fn link(&mut self) -> LinkStats {
        let mut stats = LinkStats::default();
        let mut affected: Vec<u32> = Vec::new();
        self.unlink_capped(&mut stats, &mut affected);
        let from = self.linked_upto;
        let to = self.ids.len();
        let workers = self.threads.max(1);
        // The estimate's list holds exactly the pairs of all records, each once: usable when no
        // record is linked yet.
        let listed = self.listed.take().filter(|_| from == 0);
        let results: Vec<(Vec<Edge>, u64)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..workers)
                .map(|w| {
                    let this = &*self;
                    let listed = listed.as_deref();
                    s.spawn(move || match listed {
                        Some(ranges) => this.compare_listed(share_of_pairs(ranges, w, workers)),
                        None => this.compare_new(from, to, w, workers),
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
        });
        drop(listed);
        let mut edges: Vec<Edge> = Vec::new();
        for (part, compared) in results {
            stats.compared += compared;
            edges.extend(part);
        }
        edges.sort_by_key(|e| (e.0, e.1));
        stats.linked = edges.len() as u64;
        for (a, b, w) in edges {
            if let Some(adj) = self.adjacency.get_mut(a as usize) {
                adj.push((b, w));
            }
            if let Some(adj) = self.adjacency.get_mut(b as usize) {
                adj.push((a, w));
            }
        }
        affected.extend((from..to).map(as_index));
        self.linked_upto = to;
        stats.reclustered = self.recluster(&affected);
        stats
    }

    /// Compares new records `from..to` (those with `r % workers == worker`) with earlier records
    /// sharing a valid key; each pair once, through the first slot of `r` they share.
    fn compare_new(&self, from: usize, to: usize, worker: usize, workers: usize) -> (Vec<Edge>, u64) {
        let mut edges = Vec::new();
        let mut compared = 0u64;
        let mut candidates: Vec<u32> = Vec::new();
        for r in (from..to).filter(|r| r % workers == worker) {
            let (Some(keys), Some(pr), Some(sr)) = (self.keys.get(r), self.prepared.get(r), self.shares.get(r)) else {
                continue;
            };
            candidates.clear();
            self.for_each_candidate(r, keys, |c| candidates.push(c));
            self.touch(&candidates);
            for &c in &candidates {
                let Some(earlier) = self.scorable(c) else {
                    continue;
                };
                compared += 1;
                if let Some(scored) = self.scorer.score_reaching(earlier, (pr, sr), self.params.threshold) {
                    edges.push((c, as_index(r), scored.weight as f32));
                }
            }
        }
        (edges, compared)
    }

    /// Compares listed pairs `(earlier, later)`.
    fn compare_listed<'a>(&self, parts: impl Iterator<Item = &'a [(u32, u32)]>) -> (Vec<Edge>, u64) {
        let mut edges = Vec::new();
        let mut compared = 0u64;
        let mut earlier: Vec<u32> = Vec::new();
        for pairs in parts {
            for batch in pairs.chunks(32) {
                earlier.clear();
                earlier.extend(batch.iter().map(|&(c, _)| c));
                self.touch(&earlier);
                for &(c, r) in batch {
                    let (Some(earlier), Some(later)) = (self.scorable(c), self.scorable(r)) else {
                        continue;
                    };
                    compared += 1;
                    if let Some(scored) = self.scorer.score_reaching(earlier, later, self.params.threshold) {
                        edges.push((c, r, scored.weight as f32));
                    }
                }
            }
        }
        (edges, compared)
    }

    /// Reads the names of `records` ahead of scoring them: the reads do not depend on one another,
    /// so the processor fetches them from memory together rather than one pair at a time (most of
    /// the cost of a comparison is waiting for the other record's names).
    fn touch(&self, records: &[u32]) {
        let mut sum = 0usize;
        for &c in records {
            if let Some(p) = self.prepared.get(c as usize) {
                sum = sum
                    .wrapping_add(p.family.latin.len())
                    .wrapping_add(p.given.latin.len())
                    .wrapping_add(p.patronymic.key.len());
            }
        }
        std::hint::black_box(sum);
    }

    /// Calls `visit` with every earlier record sharing a valid key with record `r` (of `keys`), once
    /// each: in the order of `r`'s slots, each record through the first slot they
    /// share, and within a slot in index order. Blocks hold their members in index order, so
    /// whether an earlier slot was shared is a binary search in a block already in cache rather
    /// than a look at the other record's keys.
    fn for_each_candidate(&self, r: usize, keys: &[u64; SLOTS], mut visit: impl FnMut(u32)) {
        let mut earlier: [&[u32]; SLOTS] = [&[]; SLOTS];
        let mut seen = 0;
        for (s, &h) in keys.iter().enumerate() {
            if h == NONE || keys.get(..s).is_some_and(|e| e.contains(&h)) {
                continue;
            }
            let members = self.index.get(h);
            if members.len() > self.params.block_cap {
                continue;
            }
            let members = members
                .get(..members.partition_point(|&c| (c as usize) < r))
                .unwrap_or_default();
            let before = earlier.get(..seen).unwrap_or_default();
            for &c in members {
                if !before.iter().any(|m| m.binary_search(&c).is_ok()) {
                    visit(c);
                }
            }
            if let Some(slot) = earlier.get_mut(seen) {
                *slot = members;
                seen += 1;
            }
        }
    }

    /// Removes links whose only shared valid key was a block that has just exceeded the cap.
    fn unlink_capped(&mut self, stats: &mut LinkStats, affected: &mut Vec<u32>) {
        let capped = std::mem::take(&mut self.newly_capped);
        let mut removals: Vec<(u32, u32)> = Vec::new();
        for h in capped {
            for &a in self.index.get(h).iter().filter(|&&a| (a as usize) < self.linked_upto) {
                let (Some(adj), Some(ak)) = (self.adjacency.get(a as usize), self.keys.get(a as usize)) else {
                    continue;
                };
                for &(b, _) in adj {
                    let Some(bk) = self.keys.get(b as usize) else {
                        continue;
                    };
                    if a < b && bk.contains(&h) && !ak.iter().any(|&k| bk.contains(&k) && self.valid(k)) {
                        removals.push((a, b));
                    }
                }
            }
        }
        removals.sort_unstable();
        removals.dedup();
        for &(a, b) in &removals {
            if let Some(adj) = self.adjacency.get_mut(a as usize) {
                adj.retain(|&(x, _)| x != b);
            }
            if let Some(adj) = self.adjacency.get_mut(b as usize) {
                adj.retain(|&(x, _)| x != a);
            }
            affected.push(a);
            affected.push(b);
        }
        stats.unlinked = removals.len() as u64;
    }

    /// Recomputes the clusters of the components containing `affected` records.
    fn recluster(&mut self, affected: &[u32]) -> u64 {
        let mut seen = vec![false; self.ids.len()];
        let mut mark = |node: u32| seen.get_mut(node as usize).is_some_and(|s| !std::mem::replace(s, true));
        let mut count = 0u64;
        let mut components: Vec<Vec<u32>> = Vec::new();
        for &start in affected {
            if !mark(start) {
                continue;
            }
            let mut component = vec![start];
            let mut k = 0;
            while let Some(&node) = component.get(k) {
                k += 1;
                if let Some(adj) = self.adjacency.get(node as usize) {
                    for &(next, _) in adj {
                        if mark(next) {
                            component.push(next);
                        }
                    }
                }
            }
            count += component.len() as u64;
            if component.len() == 1 {
                if let Some(c) = self.cluster_of.get_mut(start as usize) {
                    *c = start;
                }
            } else {
                component.sort_unstable();
                components.push(component);
            }
        }
        // Each component is split on its own (on all threads); the groups are then recorded.
        let workers = self.threads.max(1);
        let this = &*self;
        let components = &components;
        let groups: Vec<Vec<(u32, Vec<u32>)>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..workers)
                .map(|w| {
                    s.spawn(move || {
                        let mut out = Vec::new();
                        for component in components.iter().skip(w).step_by(workers) {
                            let groups = split_component(
                                component,
                                &this.adjacency,
                                |a, b| this.pair_weight(a, b),
                                &this.params,
                            );
                            for group in groups {
                                let rep = group
                                    .iter()
                                    .copied()
                                    .min_by(|&x, &y| this.id(x).cmp(this.id(y)).then(x.cmp(&y)))
                                    .unwrap_or(0);
                                out.push((rep, group));
                            }
                        }
                        out
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
        });
        for (rep, group) in groups.into_iter().flatten() {
            for node in group {
                if let Some(c) = self.cluster_of.get_mut(node as usize) {
                    *c = rep;
                }
            }
        }
        count
    }

    fn id(&self, i: u32) -> &str {
        self.ids.get(i as usize).map_or("", |s| s)
    }

    fn pair_weight(&self, a: u32, b: u32) -> f64 {
        self.score_indices(a, b).map_or(f64::NEG_INFINITY, |s| s.weight)
    }

    /// What scoring reads of record `i`: its prepared fields and its name shares.
    fn scorable(&self, i: u32) -> Option<(&Prepared, &NameShares)> {
        self.prepared.get(i as usize).zip(self.shares.get(i as usize))
    }

    fn score_indices(&self, a: u32, b: u32) -> Option<Scored> {
        Some(self.scorer.score(self.scorable(a)?, self.scorable(b)?))
    }

    /// `(record_id, cluster_id)` of every record, in insertion order; the cluster id is the smallest
    /// record id in the cluster.
    #[must_use]
    pub fn clusters(&self) -> Vec<(&str, &str)> {
        self.ids
            .iter()
            .zip(&self.cluster_of)
            .map(|(id, &c)| (&**id, self.id(c)))
            .collect()
    }

    /// The number of records in each record's cluster if the record represents it (its id is the
    /// cluster id), else 0; by record number.
    #[must_use]
    pub fn cluster_sizes(&self) -> Vec<u32> {
        let mut sizes = vec![0u32; self.cluster_of.len()];
        for &c in &self.cluster_of {
            if let Some(n) = sizes.get_mut(c as usize) {
                *n += 1;
            }
        }
        sizes
    }

    /// The linked pairs that ended up in one cluster, with weights and reasons, strongest first.
    #[must_use]
    pub fn proposed_matches(&self) -> Vec<ProposedMatch> {
        let mut out = Vec::new();
        for (a, adj) in self.adjacency.iter().enumerate() {
            let a = as_index(a);
            for &(b, _) in adj {
                if a < b && self.cluster_of.get(a as usize) == self.cluster_of.get(b as usize) {
                    out.push(self.explain_indices(a, b));
                }
            }
        }
        out.sort_by(|x, y| {
            y.weight
                .total_cmp(&x.weight)
                .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
        });
        out
    }

    fn explain_indices(&self, a: u32, b: u32) -> ProposedMatch {
        let scored = self.score_indices(a, b);
        ProposedMatch {
            a: self.id(a).to_owned(),
            b: self.id(b).to_owned(),
            weight: scored.map_or(f64::NEG_INFINITY, |s| s.weight),
            reasons: scored.map(|s| self.params.reasons(&s)).unwrap_or_default(),
        }
    }

    /// Weight and reasons for any two indexed records (by record id), linked or not.
    #[must_use]
    pub fn explain(&self, a: &str, b: &str) -> Option<ProposedMatch> {
        let find = |id: &str| self.ids.iter().position(|x| &**x == id).map(as_index);
        Some(self.explain_indices(find(a)?, find(b)?))
    }

    /// Level patterns of `pairs` and how often each occurs, scored on all threads.
    fn level_counts(&self, pairs: &[(u32, u32)]) -> HashMap<Levels, u64> {
        let parts = map_chunks(pairs, self.threads, |part| {
            let mut counts: HashMap<Levels, u64> = HashMap::new();
            let mut ends: Vec<u32> = Vec::new();
            for batch in part.chunks(32) {
                ends.clear();
                ends.extend(batch.iter().flat_map(|&(a, b)| [a, b]));
                self.touch(&ends);
                for &(a, b) in batch {
                    if let Some(scored) = self.score_indices(a, b) {
                        *counts.entry(scored.levels).or_default() += 1;
                    }
                }
            }
            counts
        });
        let mut total: HashMap<Levels, u64> = HashMap::new();
        for part in parts {
            for (levels, n) in part {
                *total.entry(levels).or_default() += n;
            }
        }
        total
    }

    /// Re-estimates `u` (random pairs) and `m` (EM on blocked pairs) from the indexed records, keeping
    /// the threshold and other settings. Deterministic for a given `seed`. Lists of fewer than 1,000
    /// records keep the parameters they have.
    pub fn estimate(&mut self, seed: u64) {
        let n = self.prepared.len() as u64;
        if n < MIN_ESTIMATE_RECORDS {
            return;
        }
        self.params.term_frequencies = crate::params::TermFrequencies::count(&self.prepared, self.threads);
        self.params_changed();
        let mut rng = SplitMix(seed);
        let samples = RANDOM_PAIRS.min(n * (n - 1) / 2);
        let random_pairs: Vec<(u32, u32)> = (0..samples)
            .map(|_| {
                let a = rng.below(n);
                let mut b = rng.below(n - 1);
                if b >= a {
                    b += 1;
                }
                (as_index(a as usize), as_index(b as usize))
            })
            .collect();
        let random = self.level_counts(&random_pairs);
        let total: u64 = self
            .index
            .all()
            .filter(|m| m.len() <= self.params.block_cap)
            .map(|m| (m.len() as u64) * (m.len() as u64).saturating_sub(1) / 2)
            .sum();
        let stride = total.div_ceil(EM_PAIRS).max(1);
        // Every `stride`-th blocked pair in the order of the records: the pairs of consecutive
        // ranges of records are listed on all threads, then taken in range order.
        let workers = self.threads.max(1);
        let ranges = workers * 8;
        let size = self.prepared.len().div_ceil(ranges).max(1);
        let this = &*self;
        let listed: Vec<Vec<RangePairs>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..workers)
                .map(|w| {
                    s.spawn(move || {
                        (w..ranges)
                            .step_by(workers)
                            .map(|range| {
                                let mut pairs = Vec::new();
                                for r in range * size..((range + 1) * size).min(this.prepared.len()) {
                                    if let Some(keys) = this.keys.get(r) {
                                        this.for_each_candidate(r, keys, |c| pairs.push((c, as_index(r))));
                                    }
                                }
                                (range, pairs)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
        });
        let mut listed: Vec<RangePairs> = listed.into_iter().flatten().collect();
        listed.sort_by_key(|(range, _)| *range);
        let mut blocked_pairs: Vec<(u32, u32)> = Vec::new();
        let mut counter = 0u64;
        for &pair in listed.iter().flat_map(|(_, pairs)| pairs) {
            counter += 1;
            if counter.is_multiple_of(stride) {
                blocked_pairs.push(pair);
            }
        }
        let blocked = self.level_counts(&blocked_pairs);
        self.params = self.params.estimated(&random, &blocked);
        // Share of all pairs that match: EM's share among blocked pairs, times blocked pairs, over
        // all pairs (pairs outside blocks are taken as non-matches).
        let all_pairs = (n * (n - 1) / 2) as f64;
        let rate = self.params.prior * total as f64 / all_pairs;
        self.params.set_threshold_from_rate(rate);
        self.scorer = Scorer::new(&self.params);
        self.listed = Some(listed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_share_the_listed_pairs_equally_in_order() {
        let ranges: Vec<RangePairs> = [0usize, 5, 1, 0, 7, 3]
            .iter()
            .enumerate()
            .map(|(range, &n)| (range, (0..n).map(|k| (as_index(range), as_index(k))).collect()))
            .collect();
        let all: Vec<(u32, u32)> = ranges.iter().flat_map(|(_, pairs)| pairs.iter().copied()).collect();
        for workers in 1..=20 {
            let shares: Vec<Vec<(u32, u32)>> = (0..workers)
                .map(|w| share_of_pairs(&ranges, w, workers).flatten().copied().collect())
                .collect();
            assert_eq!(shares.concat(), all, "{workers} workers");
            let (least, most) = shares
                .iter()
                .fold((usize::MAX, 0), |(lo, hi), s| (lo.min(s.len()), hi.max(s.len())));
            assert!(most - least <= 1, "{workers} workers: {least}..{most}");
        }
    }
}
