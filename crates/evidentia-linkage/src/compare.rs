//! Comparison of two prepared records field by field, into Fellegi–Sunter levels.
//!
//! Each field yields a level (0 = strongest agreement) or nothing when either side is missing; a
//! missing field is no evidence either way (weight 0).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::record::{PartialDate, Prepared};

/// The compared fields, in the order of [`Levels`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    FamilyName,
    GivenName,
    Patronymic,
    BirthDate,
    Age,
    Sex,
    Residence,
}

pub const FIELDS: [Field; 7] = [
    Field::FamilyName,
    Field::GivenName,
    Field::Patronymic,
    Field::BirthDate,
    Field::Age,
    Field::Sex,
    Field::Residence,
];

/// "Missing on one side or both".
pub const NULL: u8 = u8::MAX;

/// The level of each field of [`FIELDS`] for one pair.
pub type Levels = [u8; 7];

impl Field {
    /// The words for the field in reasons.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Field::FamilyName => "family name",
            Field::GivenName => "given name",
            Field::Patronymic => "patronymic",
            Field::BirthDate => "birth date",
            Field::Age => "age",
            Field::Sex => "sex",
            Field::Residence => "residence",
        }
    }

    /// The words for each level of the field, strongest agreement first.
    #[must_use]
    pub const fn levels(self) -> &'static [&'static str] {
        match self {
            Field::FamilyName => &[
                "same spelling",
                "same after transliteration",
                "close spelling",
                "somewhat similar",
                "different",
            ],
            Field::GivenName => &[
                "same spelling",
                "same after transliteration",
                "equivalent forms (name group)",
                "close spelling",
                "different",
            ],
            Field::Patronymic => &["same father's name", "close spelling", "different"],
            Field::BirthDate => &[
                "same",
                "day and month swapped",
                "same year and month",
                "same year",
                "one year apart",
                "different",
            ],
            Field::Age => &["consistent (within a year)", "within three years", "inconsistent"],
            Field::Sex => &["same", "different"],
            Field::Residence => &["same", "close spelling", "different"],
        }
    }

    /// The field's position in [`Levels`].
    #[must_use]
    pub fn index(self) -> usize {
        FIELDS.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// Jaro–Winkler similarity of two byte strings (keys are ASCII).
#[must_use]
pub fn jaro_winkler(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let (a, b) = (a.get(..64).unwrap_or(a), b.get(..64).unwrap_or(b));
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut b_used = [false; 64];
    let mut a_match = [0u8; 64];
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if b_used.get(j) == Some(&false) && b.get(j) == Some(&ca) {
                if let Some(u) = b_used.get_mut(j) {
                    *u = true;
                }
                if let Some(slot) = a_match.get_mut(matches) {
                    *slot = ca;
                }
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0usize;
    for (j, &cb) in b.iter().enumerate() {
        if b_used.get(j) == Some(&true) {
            if a_match.get(k) != Some(&cb) {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = matches as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0;
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
    jaro + prefix as f64 * 0.1 * (1.0 - jaro)
}

fn best_jw(a: &[Box<str>], b: &[Box<str>]) -> f64 {
    let mut best: f64 = 0.0;
    for x in a {
        for y in b {
            best = best.max(jaro_winkler(x.as_bytes(), y.as_bytes()));
        }
    }
    best
}

fn shares(a: &[Box<str>], b: &[Box<str>]) -> bool {
    a.iter().any(|x| b.contains(x))
}

fn intersects(a: &[u32], b: &[u32]) -> bool {
    // Both sorted.
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    false
}

/// Family-name level of keys `a` against `b`.
fn family_level(a_exact: &str, a: &[Box<str>], b_exact: &str, b: &[Box<str>]) -> u8 {
    if a.is_empty() || b.is_empty() {
        return NULL;
    }
    if a_exact == b_exact {
        return 0;
    }
    // Double-barrelled names: one side's words contained in the other's.
    let subset = |x: &[Box<str>], y: &[Box<str>]| x.iter().all(|w| y.contains(w));
    if subset(a, b) || subset(b, a) {
        return 1;
    }
    let jw = best_jw(a, b);
    if jw >= 0.92 {
        2
    } else if jw >= 0.82 {
        3
    } else {
        4
    }
}

fn given_level(a_exact: &str, a: &[Box<str>], a_groups: &[u32], b_exact: &str, b: &[Box<str>], b_groups: &[u32]) -> u8 {
    if a.is_empty() || b.is_empty() {
        return NULL;
    }
    if a_exact == b_exact {
        return 0;
    }
    if shares(a, b) {
        return 1;
    }
    if intersects(a_groups, b_groups) {
        return 2;
    }
    if best_jw(a, b) >= 0.9 { 3 } else { 4 }
}

fn patronymic_level(a: &Prepared, b: &Prepared) -> u8 {
    if Arc::ptr_eq(&a.patronymic, &b.patronymic) {
        return if b.patronymic.key.is_empty() { NULL } else { 0 };
    }
    if a.patronymic.key.is_empty() || b.patronymic.key.is_empty() {
        return NULL;
    }
    if a.patronymic.key == b.patronymic.key
        || shares(&a.patronymic.stems, &b.patronymic.stems)
        || intersects(&a.patronymic.groups, &b.patronymic.groups)
    {
        return 0;
    }
    if jaro_winkler(a.patronymic.key.as_bytes(), b.patronymic.key.as_bytes()) >= 0.9 {
        1
    } else {
        2
    }
}

fn birth_level(a: Option<PartialDate>, b: Option<PartialDate>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else {
        return NULL;
    };
    if a.year == b.year {
        match (a.month, b.month, a.day, b.day) {
            (Some(am), Some(bm), Some(ad), Some(bd)) => {
                if am == bm && ad == bd {
                    0
                } else if am == bd && ad == bm {
                    1
                } else if am == bm {
                    2
                } else {
                    3
                }
            }
            (Some(am), Some(bm), _, _) if am == bm => 2,
            _ => 3,
        }
    } else if a.year.abs_diff(b.year) == 1 {
        4
    } else {
        5
    }
}

fn age_level(a: &Prepared, b: &Prepared, reference_year: i32) -> u8 {
    // Only where the dates could not be compared: an age beside a full date adds nothing.
    if a.birth.is_some() && b.birth.is_some() {
        return NULL;
    }
    let year = |p: &Prepared| -> Option<i32> {
        p.birth
            .map(|d| i32::from(d.year))
            .or_else(|| p.age.map(|age| reference_year - i32::from(age)))
    };
    if a.age.is_none() && b.age.is_none() {
        return NULL;
    }
    let (Some(x), Some(y)) = (year(a), year(b)) else {
        return NULL;
    };
    match x.abs_diff(y) {
        0 | 1 => 0,
        2 | 3 => 1,
        _ => 2,
    }
}

/// Levels of the fields that do not depend on which name is the given and which the family name:
/// everything but the first two entries, which are left [`NULL`] (see [`family_level_of`] and
/// [`given_level_of`]).
pub(crate) fn shared_levels(a: &Prepared, b: &Prepared, reference_year: i32) -> Levels {
    let sex = match (a.sex, b.sex) {
        (Some(x), Some(y)) => u8::from(x != y),
        _ => NULL,
    };
    let residence = if a.residence.is_empty() || b.residence.is_empty() {
        NULL
    } else if Arc::ptr_eq(&a.residence, &b.residence) || a.residence == b.residence {
        0
    } else if jaro_winkler(a.residence.as_bytes(), b.residence.as_bytes()) >= 0.9 {
        1
    } else {
        2
    };
    [
        NULL,
        NULL,
        patronymic_level(a, b),
        birth_level(a.birth, b.birth),
        age_level(a, b, reference_year),
        sex,
        residence,
    ]
}

/// Records that spell a name the same way mostly share its prepared parts, which settles the level
/// without reading the other record's strings.
fn same(empty: bool) -> u8 {
    if empty { NULL } else { 0 }
}

/// The family-name level of a pair, in the orientation given (`swapped`: the given-name field of
/// `a` against the family-name field of `b`).
pub(crate) fn family_level_of(a: &Prepared, b: &Prepared, swapped: bool) -> u8 {
    if swapped {
        family_level(&a.given.latin, a.given_as_family(), &b.family.latin, &b.family.keys)
    } else if Arc::ptr_eq(&a.family, &b.family) {
        same(b.family.keys.is_empty())
    } else {
        family_level(&a.family.latin, &a.family.keys, &b.family.latin, &b.family.keys)
    }
}

/// The given-name level of a pair, in the orientation given (`swapped`: the family-name field of
/// `a` against the given-name field of `b`).
pub(crate) fn given_level_of(a: &Prepared, b: &Prepared, swapped: bool) -> u8 {
    if swapped {
        given_level(
            &a.family.latin,
            &a.family.keys,
            &a.family.groups,
            &b.given.latin,
            &b.given.keys,
            &b.given.groups,
        )
    } else if Arc::ptr_eq(&a.given, &b.given) {
        same(b.given.keys.is_empty())
    } else {
        given_level(
            &a.given.latin,
            &a.given.keys,
            &a.given.groups,
            &b.given.latin,
            &b.given.keys,
            &b.given.groups,
        )
    }
}

/// Whether a swapped orientation is worth scoring for this pair.
pub(crate) fn may_be_swapped(a: &Prepared, b: &Prepared) -> bool {
    !a.family.groups.is_empty() && !a.given_as_family().is_empty() && !b.family.keys.is_empty()
        || !b.family.groups.is_empty() && !b.given_as_family().is_empty() && !a.family.keys.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaro_winkler_known_values() {
        let jw = |a: &str, b: &str| jaro_winkler(a.as_bytes(), b.as_bytes());
        assert!((jw("martha", "marhta") - 0.961).abs() < 0.001);
        assert!((jw("dwayne", "duane") - 0.84).abs() < 0.001);
        assert!((jw("dixon", "dicksonx") - 0.813).abs() < 0.001);
        assert_eq!(jw("", "abc"), 0.0);
        assert_eq!(jw("abc", "abc"), 1.0);
        assert_eq!(jw("abc", "xyz"), 0.0);
        let long = "a".repeat(1000);
        assert!(jw(&long, "aaa") > 0.0);
    }

    #[test]
    fn birth_levels() {
        let d = |s| PartialDate::parse(s);
        assert_eq!(birth_level(d("1980-03-04"), d("1980-03-04")), 0);
        assert_eq!(birth_level(d("1980-03-04"), d("1980-04-03")), 1);
        assert_eq!(birth_level(d("1980-03-04"), d("1980-03-09")), 2);
        assert_eq!(birth_level(d("1980-03-04"), d("1980-03")), 2);
        assert_eq!(birth_level(d("1980-03-04"), d("1980")), 3);
        assert_eq!(birth_level(d("1980-03-04"), d("1981-03-04")), 4);
        assert_eq!(birth_level(d("1980-03-04"), d("1990-03-04")), 5);
        assert_eq!(birth_level(d("1980-03-04"), None), NULL);
    }

    #[test]
    fn every_field_has_words_for_its_levels() {
        for field in FIELDS {
            assert!(field.levels().len() >= 2, "{field:?}");
            assert_eq!(FIELDS.get(field.index()), Some(&field));
        }
    }
}
