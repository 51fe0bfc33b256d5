//! Fellegi–Sunter parameters: for every field and level, `m` (probability of the level among pairs
//! that are the same person) and `u` (among pairs that are not). A pair's match weight is the sum
//! over its non-missing fields of `log2(m / u)`.
//!
//! `u` is estimated by comparing random pairs (almost all of them are different persons); `m` by
//! expectation–maximisation on the blocked pairs, with `u` held fixed (as Splink does). Both can be
//! overridden: the struct is serialisable so that a deployment can store reviewed parameters.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::compare::{FIELDS, Field, Levels, NULL, family_level_of, given_level_of, may_be_swapped, shared_levels};
use crate::hash::FastMap;
use crate::parallel::map_chunks;
use crate::record::{FamilyParts, GivenParts, Prepared};

/// `m` and `u` of each level of one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldParameters {
    pub field: Field,
    pub m: Vec<f64>,
    pub u: Vec<f64>,
}

impl FieldParameters {
    /// `log2(m / u)` of a level; 0 for a missing field or an unknown level.
    #[must_use]
    pub fn weight(&self, level: u8) -> f64 {
        if level == NULL {
            return 0.0;
        }
        let i = usize::from(level);
        match (self.m.get(i), self.u.get(i)) {
            (Some(&m), Some(&u)) => (m.max(MIN_PROBABILITY) / u.max(MIN_PROBABILITY)).log2(),
            _ => 0.0,
        }
    }
}

/// Weight of the starting `m` in EM, as a share of the blocked pairs sampled.
const PRIOR_STRENGTH: f64 = 0.25;

/// Probabilities are kept above this, so that no level is infinitely conclusive.
const MIN_PROBABILITY: f64 = 1e-5;

/// Everything that decides which pairs match and how records are grouped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameters {
    /// One entry per field, in the order of [`FIELDS`].
    pub fields: Vec<FieldParameters>,
    /// Pairs with a match weight at or above this are linked. [`crate::Linker::estimate`] sets it
    /// from `match_probability` and the estimated share of random pairs that match.
    pub threshold: f64,
    /// The probability of being the same person at which a pair is linked (used by the estimate).
    pub match_probability: f64,
    /// A cluster never holds two records whose own match weight is below `threshold -
    /// cluster_margin`: chains of good links are cut where they would join records that do not
    /// match well directly (see [`crate::cluster`]).
    pub cluster_margin: f64,
    /// The year ages were recorded in, to compare an age with a birth date.
    pub reference_year: i32,
    /// Blocks with more records than this are not compared within (a name too common to block on).
    pub block_cap: usize,
    /// Share of blocked pairs that are matches (estimated by EM).
    pub prior: f64,
    /// How common the most common family and given names are (term-frequency adjustment).
    #[serde(default)]
    pub term_frequencies: TermFrequencies,
}

/// Shares of records carrying the most common name keys. Agreeing on a common name is weaker
/// evidence than agreeing on a rare one: for agreement levels the `u` probability of the level is
/// replaced by the name's share when that is larger (Splink's term-frequency adjustment, one-sided
/// so that rare or unseen names keep the level's weight).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TermFrequencies {
    /// Family-name key → share of records.
    pub family: FastMap<String, f64>,
    /// Given-name token (`g<group>` or the key) → share of records.
    pub given: FastMap<String, f64>,
}

/// Names kept in [`TermFrequencies`]: those carried by at least this share of records.
const MIN_TERM_SHARE: f64 = 0.0005;

impl TermFrequencies {
    /// Counts the names of prepared records, on `workers` threads.
    ///
    /// Records that spell a name alike share its prepared parts, so each thread counts the parts by
    /// address, without reading them, and only the distinct parts' names are then looked at.
    pub(crate) fn count(records: &[Prepared], workers: usize) -> TermFrequencies {
        let parts = map_chunks(records, workers, |chunk| {
            let mut family: FastMap<*const FamilyParts, (&FamilyParts, u64)> = FastMap::default();
            let mut given: FastMap<*const GivenParts, (&GivenParts, u64)> = FastMap::default();
            for p in chunk {
                family.entry(Arc::as_ptr(&p.family)).or_insert((&p.family, 0)).1 += 1;
                given.entry(Arc::as_ptr(&p.given)).or_insert((&p.given, 0)).1 += 1;
            }
            (
                family.into_values().collect::<Vec<_>>(),
                given.into_values().collect::<Vec<_>>(),
            )
        });
        let mut family: FastMap<&str, u64> = FastMap::default();
        let mut given: FastMap<&str, u64> = FastMap::default();
        for (family_parts, given_parts) in &parts {
            for &(f, n) in family_parts {
                if let Some(key) = f.keys.first() {
                    *family.entry(key).or_default() += n;
                }
            }
            for &(g, n) in given_parts {
                if let Some(token) = g.token.as_deref() {
                    *given.entry(token).or_default() += n;
                }
            }
        }
        let n = records.len().max(1) as f64;
        TermFrequencies {
            family: family
                .into_iter()
                .map(|(k, c)| (k.to_owned(), c as f64 / n))
                .filter(|(_, s)| *s >= MIN_TERM_SHARE)
                .collect(),
            given: given
                .into_iter()
                .map(|(k, c)| (k.to_owned(), c as f64 / n))
                .filter(|(_, s)| *s >= MIN_TERM_SHARE)
                .collect(),
        }
    }
}

fn given_token(p: &Prepared) -> Option<&str> {
    p.given.token.as_deref()
}

impl Default for Parameters {
    fn default() -> Self {
        let f = |field, m: &[f64], u: &[f64]| FieldParameters {
            field,
            m: m.to_vec(),
            u: u.to_vec(),
        };
        Parameters {
            fields: vec![
                f(
                    Field::FamilyName,
                    &[0.55, 0.3, 0.08, 0.04, 0.03],
                    &[0.002, 0.002, 0.01, 0.05, 0.936],
                ),
                f(
                    Field::GivenName,
                    &[0.45, 0.25, 0.15, 0.1, 0.05],
                    &[0.01, 0.01, 0.01, 0.02, 0.95],
                ),
                f(Field::Patronymic, &[0.9, 0.05, 0.05], &[0.02, 0.02, 0.96]),
                f(
                    Field::BirthDate,
                    &[0.75, 0.03, 0.05, 0.1, 0.04, 0.03],
                    &[0.00005, 0.00001, 0.0008, 0.015, 0.03, 0.95414],
                ),
                f(Field::Age, &[0.9, 0.07, 0.03], &[0.04, 0.08, 0.88]),
                f(Field::Sex, &[0.98, 0.02], &[0.5, 0.5]),
                f(Field::Residence, &[0.8, 0.05, 0.15], &[0.05, 0.01, 0.94]),
            ],
            threshold: 10.0,
            match_probability: 0.5,
            cluster_margin: 4.0,
            reference_year: 2025,
            block_cap: 200,
            prior: 0.05,
            term_frequencies: TermFrequencies::default(),
        }
    }
}

/// A scored pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub levels: Levels,
    /// Whether the given and family names were compared crosswise.
    pub swapped: bool,
    pub weight: f64,
}

/// Levels of the field with the most ([`Field::BirthDate`]).
const MAX_LEVELS: usize = 6;

/// How common a record's names are ([`TermFrequencies`]), looked up once per record rather than
/// once per pair.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct NameShares {
    /// Share of the first family-name key.
    family: Option<f64>,
    /// Share, as a family name, of the first family-name key of the given-name field (set only when
    /// the names may be swapped; see [`Prepared::given_as_family`]).
    given_as_family: Option<f64>,
    /// Share of the given-name token.
    given: Option<f64>,
}

impl NameShares {
    pub(crate) fn of(tf: &TermFrequencies, p: &Prepared) -> NameShares {
        let family = |k: Option<&Box<str>>| k.and_then(|k| tf.family.get(&**k)).copied();
        NameShares {
            family: family(p.family.keys.first()),
            given_as_family: family(p.given_as_family().first()),
            given: given_token(p).and_then(|k| tf.given.get(k)).copied(),
        }
    }

    /// [`NameShares::of`] every record, on `workers` threads; each name's prepared parts are looked
    /// up once per thread (records that spell a name alike share them).
    pub(crate) fn all(tf: &TermFrequencies, records: &[Prepared], workers: usize) -> Vec<NameShares> {
        let family_share = |k: Option<&Box<str>>| k.and_then(|k| tf.family.get(&**k)).copied();
        map_chunks(records, workers, |chunk| {
            // Family parts → (share, whether the field looks like a given name); given parts →
            // (share of the token, share of the field's first key as a family name).
            let mut family: FastMap<*const FamilyParts, (Option<f64>, bool)> = FastMap::default();
            let mut given: FastMap<*const GivenParts, (Option<f64>, Option<f64>)> = FastMap::default();
            chunk
                .iter()
                .map(|p| {
                    let (family_share_of_p, swappable) = *family
                        .entry(Arc::as_ptr(&p.family))
                        .or_insert_with(|| (family_share(p.family.keys.first()), !p.family.groups.is_empty()));
                    let (given_share, as_family) = *given.entry(Arc::as_ptr(&p.given)).or_insert_with(|| {
                        (
                            given_token(p).and_then(|k| tf.given.get(k)).copied(),
                            family_share(p.given.as_family.first()),
                        )
                    });
                    NameShares {
                        family: family_share_of_p,
                        given_as_family: if swappable { as_family } else { None },
                        given: given_share,
                    }
                })
                .collect::<Vec<_>>()
        })
        .concat()
    }
}

/// The weights of [`Parameters`] tabulated, for scoring many pairs: the weight of every level of
/// every field (a logarithm each, otherwise computed for every pair) and the `u` probabilities the
/// term-frequency adjustment compares shares with.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scorer {
    table: [[f64; MAX_LEVELS]; FIELDS.len()],
    family_u: [Option<f64>; 2],
    given_u: [Option<f64>; 3],
    reference_year: i32,
    /// The most the family and the given name can add to a weight: their strongest level's weight,
    /// or 0 (a missing field).
    family_at_most: f64,
    given_at_most: f64,
}

/// Room left for rounding when a bound of a weight is compared with the threshold: sums of the same
/// terms in another order differ by far less.
const BOUND_MARGIN: f64 = 1e-6;

impl Scorer {
    pub(crate) fn new(params: &Parameters) -> Scorer {
        let mut table = [[0.0; MAX_LEVELS]; FIELDS.len()];
        for (row, f) in table.iter_mut().zip(&params.fields) {
            for (level, w) in (0u8..).zip(row.iter_mut()) {
                *w = f.weight(level);
            }
        }
        let u = |field: usize, level: usize| params.fields.get(field).and_then(|f| f.u.get(level)).copied();
        let at_most = |field: Field| {
            table
                .get(field.index())
                .map_or(0.0, |row| row.iter().copied().fold(0.0, f64::max))
        };
        Scorer {
            family_at_most: at_most(Field::FamilyName),
            given_at_most: at_most(Field::GivenName),
            table,
            family_u: [u(0, 0), u(0, 1)],
            given_u: [u(1, 0), u(1, 1), u(1, 2)],
            reference_year: params.reference_year,
        }
    }

    /// The table's weight of one field's level (0 for a missing field).
    fn level_weight(&self, field: Field, level: u8) -> f64 {
        self.table
            .get(field.index())
            .and_then(|row| row.get(usize::from(level)))
            .copied()
            .unwrap_or(0.0)
    }

    /// [`Parameters::weight`] from the table.
    fn weight(&self, levels: &Levels) -> f64 {
        let mut sum = 0.0;
        for (row, &level) in self.table.iter().zip(levels) {
            if level != NULL {
                sum += row.get(usize::from(level)).copied().unwrap_or(0.0);
            }
        }
        sum
    }

    /// The term-frequency adjustment (≤ 0) of a pair's family and given-name agreement: the share
    /// of the more common of the two names replaces the level's `u` when it is larger.
    fn adjustment(a: &NameShares, b: &NameShares, levels: &Levels, swapped: bool, scorer: &Scorer) -> f64 {
        let mut adjust = 0.0;
        let share_of = |x: Option<f64>, y: Option<f64>| -> Option<f64> {
            match (x, y) {
                (Some(x), Some(y)) => Some(x.max(y)),
                (x, y) => x.or(y),
            }
        };
        let family_level = levels.first().copied().unwrap_or(NULL);
        let a_family = if swapped { a.given_as_family } else { a.family };
        if let Some(Some(u)) = scorer.family_u.get(usize::from(family_level))
            && let Some(share) = share_of(a_family, b.family)
            && share > *u
        {
            adjust += (u / share).log2();
        }
        let given_level = levels.get(1).copied().unwrap_or(NULL);
        if !swapped
            && let Some(Some(u)) = scorer.given_u.get(usize::from(given_level))
            && let Some(share) = share_of(a.given, b.given)
            && share > *u
        {
            adjust += (u / share).log2();
        }
        adjust
    }

    /// Scores a pair: the straight orientation, or the crosswise one when that weighs clearly more.
    pub(crate) fn score(&self, a: (&Prepared, &NameShares), b: (&Prepared, &NameShares)) -> Scored {
        self.score_from(a, b, shared_levels(a.0, b.0, self.reference_year))
    }

    /// [`Scorer::score`] given the pair's [`shared_levels`].
    fn score_from(&self, a: (&Prepared, &NameShares), b: (&Prepared, &NameShares), shared: Levels) -> Scored {
        let oriented = |x: (&Prepared, &NameShares), y: (&Prepared, &NameShares), swapped: bool| {
            let mut levels = shared;
            levels[0] = family_level_of(x.0, y.0, swapped);
            levels[1] = given_level_of(x.0, y.0, swapped);
            let weight = self.weight(&levels) + Scorer::adjustment(x.1, y.1, &levels, swapped, self);
            Scored {
                levels,
                swapped,
                weight,
            }
        };
        let mut best = oriented(a, b, false);
        if may_be_swapped(a.0, b.0) {
            for (x, y) in [(a, b), (b, a)] {
                if x.0.family.groups.is_empty() || x.0.given_as_family().is_empty() {
                    continue;
                }
                let mut crossed = oriented(x, y, true);
                // Swapping is itself weak evidence against: require a clear gain.
                crossed.weight -= 2.0;
                if crossed.weight > best.weight {
                    best = crossed;
                }
            }
        }
        best
    }

    /// The pair's score if its weight reaches `threshold`, else `None`: the same as [`Scorer::score`]
    /// followed by a comparison, but most pairs that fall short are told apart before their names
    /// are compared.
    ///
    /// The fields other than the names, plus the most the names could add, bound the weight from
    /// above (the term-frequency adjustment only lowers a weight, and the crosswise orientation has
    /// the same other fields and costs 2 more). Where names cannot be swapped, the family name's
    /// level then narrows the bound before the given names are compared.
    pub(crate) fn score_reaching(
        &self,
        a: (&Prepared, &NameShares),
        b: (&Prepared, &NameShares),
        threshold: f64,
    ) -> Option<Scored> {
        let mut levels = shared_levels(a.0, b.0, self.reference_year);
        let others = self.weight(&levels);
        if others + self.family_at_most + self.given_at_most + BOUND_MARGIN < threshold {
            return None;
        }
        let scored = if may_be_swapped(a.0, b.0) {
            self.score_from(a, b, levels)
        } else {
            let family = family_level_of(a.0, b.0, false);
            if others + self.level_weight(Field::FamilyName, family) + self.given_at_most + BOUND_MARGIN < threshold {
                return None;
            }
            levels[0] = family;
            levels[1] = given_level_of(a.0, b.0, false);
            Scored {
                weight: self.weight(&levels) + Scorer::adjustment(a.1, b.1, &levels, false, self),
                levels,
                swapped: false,
            }
        };
        (scored.weight >= threshold).then_some(scored)
    }
}

impl Parameters {
    /// The lowest match weight allowed between two records of one cluster.
    #[must_use]
    pub fn cluster_floor(&self) -> f64 {
        self.threshold - self.cluster_margin
    }

    /// Sets the threshold to the weight at which a pair's probability of being a match reaches
    /// `match_probability`, given that `random_match_rate` of all pairs are matches.
    pub fn set_threshold_from_rate(&mut self, random_match_rate: f64) {
        let rate = random_match_rate.clamp(1e-15, 0.5);
        let p = self.match_probability.clamp(1e-6, 1.0 - 1e-6);
        self.threshold = (p / (1.0 - p)).log2() - (rate / (1.0 - rate)).log2();
    }

    /// Match weight of a level vector.
    #[must_use]
    pub fn weight(&self, levels: &Levels) -> f64 {
        self.fields.iter().zip(levels).map(|(f, &l)| f.weight(l)).sum()
    }

    /// Reasons in words, one per compared field: "family name: same after transliteration; birth
    /// date: day and month swapped".
    #[must_use]
    pub fn reasons(&self, scored: &Scored) -> String {
        let mut parts = Vec::new();
        if scored.swapped {
            parts.push("given and family names swapped".to_owned());
        }
        for (field, &level) in FIELDS.iter().zip(&scored.levels) {
            if level == NULL {
                continue;
            }
            let words = field.levels().get(usize::from(level)).copied().unwrap_or("?");
            let weight = self.fields.get(field.index()).map_or(0.0, |f| f.weight(level));
            parts.push(format!("{}: {words} ({weight:+.1})", field.label()));
        }
        parts.join("; ")
    }

    /// Re-estimates `u` from `random` pairs' levels and `m` and the prior by EM on `blocked` pairs'
    /// level patterns (pattern → count). The threshold and other settings are kept.
    #[must_use]
    pub fn estimated(&self, random: &HashMap<Levels, u64>, blocked: &HashMap<Levels, u64>) -> Parameters {
        let mut out = self.clone();
        // u from random pairs, with add-one smoothing.
        for (fi, fp) in out.fields.iter_mut().enumerate() {
            let mut counts = vec![1.0; fp.u.len()];
            for (levels, &n) in random {
                if let Some(&l) = levels.get(fi)
                    && let Some(c) = counts.get_mut(usize::from(l))
                {
                    *c += n as f64;
                }
            }
            let total: f64 = counts.iter().sum();
            fp.u = counts.iter().map(|c| c / total).collect();
        }
        if blocked.is_empty() {
            return out;
        }
        // Sorted, so that floating-point sums (and so the parameters) do not depend on hash order.
        let mut patterns: Vec<(&Levels, f64)> = blocked.iter().map(|(l, &n)| (l, n as f64)).collect();
        patterns.sort_by(|x, y| x.0.cmp(y.0));
        let mut prior = out.prior.clamp(0.001, 0.999);
        // Non-matches among blocked pairs are not like random pairs (they share what they were
        // blocked on), so EM estimates their level distribution too; the final weights use `u` from
        // random pairs, which describe the population the threshold is about.
        let mut u_blocked: Vec<Vec<f64>> = out.fields.iter().map(|f| f.u.clone()).collect();
        let mut m: Vec<Vec<f64>> = out.fields.iter().map(|f| f.m.clone()).collect();
        let log_ratio = |levels: &Levels, m: &[Vec<f64>], u: &[Vec<f64>]| -> f64 {
            levels
                .iter()
                .enumerate()
                .filter(|(_, l)| **l != NULL)
                .map(|(fi, &l)| {
                    let pm = m.get(fi).and_then(|v| v.get(usize::from(l))).copied().unwrap_or(1.0);
                    let pu = u.get(fi).and_then(|v| v.get(usize::from(l))).copied().unwrap_or(1.0);
                    (pm.max(MIN_PROBABILITY) / pu.max(MIN_PROBABILITY)).log2()
                })
                .sum()
        };
        // The starting `m` acts as a Dirichlet prior worth a share of the sample: without it EM on
        // large lists drifts to a "match" class of namesakes (same family name and birth year,
        // different given names), because blocked non-matches are mostly such pairs.
        let total_pairs: f64 = patterns.iter().map(|(_, n)| n).sum();
        let prior_m: Vec<Vec<f64>> = m.clone();
        let strength = PRIOR_STRENGTH * total_pairs;
        for _ in 0..40 {
            let mut m_counts: Vec<Vec<f64>> = prior_m
                .iter()
                .map(|v| v.iter().map(|p| 0.01 + p * strength).collect())
                .collect();
            let mut u_counts: Vec<Vec<f64>> = m.iter().map(|v| vec![0.01; v.len()]).collect();
            let mut matched = 0.0;
            let mut total = 0.0;
            for &(levels, n) in &patterns {
                let odds = prior / (1.0 - prior) * log_ratio(levels, &m, &u_blocked).exp2();
                let p = if odds.is_finite() { odds / (1.0 + odds) } else { 1.0 };
                matched += p * n;
                total += n;
                for (fi, &l) in levels.iter().enumerate() {
                    if let Some(c) = m_counts.get_mut(fi).and_then(|c| c.get_mut(usize::from(l))) {
                        *c += p * n;
                    }
                    if let Some(c) = u_counts.get_mut(fi).and_then(|c| c.get_mut(usize::from(l))) {
                        *c += (1.0 - p) * n;
                    }
                }
            }
            prior = (matched / total).clamp(0.0001, 0.9999);
            let normalise = |counts: &[Vec<f64>]| -> Vec<Vec<f64>> {
                counts
                    .iter()
                    .map(|c| {
                        let sum: f64 = c.iter().sum();
                        c.iter().map(|x| x / sum).collect()
                    })
                    .collect()
            };
            m = normalise(&m_counts);
            u_blocked = normalise(&u_counts);
        }
        for (fp, m) in out.fields.iter_mut().zip(m) {
            fp.m = m;
        }
        out.prior = prior;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_round_trip_through_json() -> Result<(), serde_json::Error> {
        let p = Parameters::default();
        let json = serde_json::to_string(&p)?;
        let back: Parameters = serde_json::from_str(&json)?;
        assert_eq!(back, p);
        Ok(())
    }

    #[test]
    fn default_probabilities_sum_to_one() {
        for f in Parameters::default().fields {
            assert!((f.m.iter().sum::<f64>() - 1.0).abs() < 1e-6, "{:?} m", f.field);
            assert!((f.u.iter().sum::<f64>() - 1.0).abs() < 1e-6, "{:?} u", f.field);
            assert_eq!(f.m.len(), f.field.levels().len());
        }
    }

    #[test]
    fn em_separates_two_populations() {
        // Matches agree on everything, non-matches on nothing.
        let agree: Levels = [0, 0, 0, 0, NULL, 0, 0];
        let disagree: Levels = [4, 4, 2, 5, NULL, 0, 2];
        let random = HashMap::from([(disagree, 10_000)]);
        let blocked = HashMap::from([(agree, 100), (disagree, 900)]);
        let p = Parameters::default().estimated(&random, &blocked);
        assert!((p.prior - 0.1).abs() < 0.02, "prior {}", p.prior);
        assert!(p.weight(&agree) > 20.0);
        assert!(p.weight(&disagree) < -5.0);
    }

    #[test]
    fn names_are_counted_and_looked_up_alike_on_any_number_of_threads() {
        use crate::key::NameGroups;
        use crate::record::Preparer;
        use crate::simulate::{Config, generate};

        let sim = generate(&Config::new(5_000, 11));
        // Two preparers, as on two threads: the same names in separately prepared parts.
        let (first, second) = sim.records.split_at(2_500);
        let mut a = Preparer::new(NameGroups::builtin());
        let mut b = Preparer::new(NameGroups::builtin());
        let prepared: Vec<Prepared> = first
            .iter()
            .map(|r| a.prepare(r))
            .chain(second.iter().map(|r| b.prepare(r)))
            .collect();
        let tf = TermFrequencies::count(&prepared, 1);
        assert!(tf.family.len() > 10 && tf.given.len() > 10, "{tf:?}");
        let one_by_one: Vec<NameShares> = prepared.iter().map(|p| NameShares::of(&tf, p)).collect();
        assert!(one_by_one.iter().any(|s| s.given_as_family.is_some()));
        for workers in [2, 3, 8] {
            assert_eq!(TermFrequencies::count(&prepared, workers), tf, "{workers} workers");
            assert_eq!(
                NameShares::all(&tf, &prepared, workers),
                one_by_one,
                "{workers} workers"
            );
        }
    }

    #[test]
    fn the_bounded_score_keeps_exactly_the_pairs_that_reach_the_threshold() {
        use crate::key::NameGroups;
        use crate::record::Preparer;
        use crate::simulate::{Config, generate};

        let sim = generate(&Config::new(3_000, 7));
        let mut preparer = Preparer::new(NameGroups::builtin());
        let prepared: Vec<Prepared> = sim.records.iter().map(|r| preparer.prepare(r)).collect();
        let params = Parameters {
            term_frequencies: TermFrequencies::count(&prepared, 2),
            ..Parameters::default()
        };
        let shares: Vec<NameShares> = prepared
            .iter()
            .map(|p| NameShares::of(&params.term_frequencies, p))
            .collect();
        let scorer = Scorer::new(&params);
        // Neighbours in the list (the simulation puts a person's records near one another) and
        // pairs far apart, so that both matches and non-matches are scored.
        let (mut kept, mut cut_short) = (0, 0);
        for i in 0..prepared.len() {
            for j in [i + 1, i + 2, i + 3, i + 500, i + 1_501] {
                let (Some(a), Some(b)) = (prepared.get(i).zip(shares.get(i)), prepared.get(j).zip(shares.get(j)))
                else {
                    continue;
                };
                let full = scorer.score(a, b);
                for threshold in [-10.0, 0.0, 8.0, 16.0, 25.0, full.weight, full.weight + 1e-9] {
                    let bounded = scorer.score_reaching(a, b, threshold);
                    if full.weight >= threshold {
                        assert_eq!(bounded, Some(full), "pair {i}, {j} at {threshold}");
                        kept += 1;
                    } else {
                        assert_eq!(bounded, None, "pair {i}, {j} at {threshold}");
                        cut_short += 1;
                    }
                }
            }
        }
        assert!(kept > 1_000 && cut_short > 1_000, "kept {kept}, cut short {cut_short}");
    }
}
