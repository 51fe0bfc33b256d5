//! A person as a list gives it, and the same person prepared for comparison.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::hash::FastMap;
use crate::key::{NameGroups, family_word_key, name_keys, patronymic_stems};

/// One row of a list of persons. Every field is as written in the source and may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub record_id: String,
    pub given_name: String,
    pub family_name: String,
    pub patronymic: String,
    /// A partial date: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or `DD.MM.YYYY` / `DD/MM/YYYY` as written in
    /// lists from the region.
    pub birth_date: String,
    /// Age in years at the time of the list.
    pub age: String,
    pub sex: String,
    pub residence: String,
}

/// Sex as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

/// A date of which the year, and perhaps month and day, are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// Oldest and latest plausible birth years; anything else is treated as missing.
const YEARS: std::ops::RangeInclusive<u16> = 1850..=2100;

impl PartialDate {
    /// Parses a partial date; `None` for anything that is not one (including `0000-00-00`). A zero or
    /// out-of-range month or day makes the date less precise rather than invalid ("1985-00-00" is
    /// 1985).
    #[must_use]
    pub fn parse(text: &str) -> Option<PartialDate> {
        let text = text.trim();
        if text.is_empty() || text.len() > 40 {
            return None;
        }
        // RFC 3339 instants: the date part.
        let text = text.split(['T', ' ']).next().unwrap_or(text);
        let parts: Vec<&str> = text.split(['-', '.', '/']).collect();
        let num = |s: &str| -> Option<u16> {
            if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        let (year, month, day) = match parts.as_slice() {
            [y] if y.len() == 4 => (num(y)?, None, None),
            [y, m] if y.len() == 4 => (num(y)?, num(m), None),
            [y, m, d] if y.len() == 4 => (num(y)?, num(m), num(d)),
            [d, m, y] if y.len() == 4 => (num(y)?, num(m), num(d)),
            [m, y] if y.len() == 4 => (num(y)?, num(m), None),
            _ => return None,
        };
        if !YEARS.contains(&year) {
            return None;
        }
        let month = month
            .filter(|m| (1..=12).contains(m))
            .and_then(|m| u8::try_from(m).ok());
        let day = if month.is_some() {
            day.filter(|d| (1..=31).contains(d)).and_then(|d| u8::try_from(d).ok())
        } else {
            None
        };
        Some(PartialDate { year, month, day })
    }
}

/// Parses an age in years (leading digits; "45", "45 years", "~45"); `None` beyond 130.
#[must_use]
pub fn parse_age(text: &str) -> Option<u16> {
    let digits: String = text
        .trim()
        .trim_start_matches(['~', '≈', 'c', 'a', '.', ' '])
        .chars()
        .take_while(char::is_ascii_digit)
        .take(4)
        .collect();
    digits.parse::<u16>().ok().filter(|a| *a <= 130)
}

/// Parses sex from the usual English, Ukrainian and Russian words and abbreviations.
#[must_use]
pub fn parse_sex(text: &str) -> Option<Sex> {
    let lower = text.trim().to_lowercase();
    let lower = lower.trim_end_matches('.');
    match lower {
        "m" | "male" | "man" | "м" | "ч" | "чол" | "чоловік" | "чоловіча" | "муж" | "мужской" | "мужчина"
        | "мужчына" => Some(Sex::Male),
        "f" | "female" | "woman" | "w" | "ж" | "жін" | "жінка" | "жіноча" | "жен" | "женский" | "женщина"
        | "жанчына" => Some(Sex::Female),
        _ => None,
    }
}

/// A record reduced to what comparisons need. The name parts are shared between the records that
/// spell a name the same way (lists repeat names thousands of times), so that preparing a record
/// allocates little and comparisons touch little memory.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub given: Arc<GivenParts>,
    pub family: Arc<FamilyParts>,
    pub patronymic: Arc<PatronymicParts>,
    pub birth: Option<PartialDate>,
    pub age: Option<u16>,
    pub sex: Option<Sex>,
    pub residence: Arc<str>,
}

impl Prepared {
    /// Family-name keys of the given-name field, set only when the family-name field looks like a
    /// given name (for swaps).
    pub fn given_as_family(&self) -> &[Box<str>] {
        if self.family.groups.is_empty() {
            &[]
        } else {
            &self.given.as_family
        }
    }
}

fn boxed(v: Vec<String>) -> Vec<Box<str>> {
    v.into_iter().map(String::into_boxed_str).collect()
}

fn groups_of(keys: &[Box<str>], groups: &NameGroups) -> Vec<u32> {
    let mut out: Vec<u32> = keys
        .iter()
        .flat_map(|k| groups.groups_of_key(k).iter().copied())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The given-name field prepared.
#[derive(Debug, Clone, Default)]
pub(crate) struct GivenParts {
    pub keys: Vec<Box<str>>,
    /// As written (see [`exact`]).
    pub latin: Box<str>,
    pub groups: Vec<u32>,
    /// Family-name keys of the field (for swaps).
    pub as_family: Vec<Box<str>>,
    /// The given name for term frequencies: `g<group>` or the first key.
    pub token: Option<Box<str>>,
}

/// The family-name field prepared.
#[derive(Debug, Clone, Default)]
pub(crate) struct FamilyParts {
    pub keys: Vec<Box<str>>,
    /// As written (see [`exact`]).
    pub latin: Box<str>,
    /// Name groups of the field, set only when it looks like a given name (for swaps).
    pub groups: Vec<u32>,
}

/// The patronymic prepared.
#[derive(Debug, Clone, Default)]
pub(crate) struct PatronymicParts {
    pub key: Box<str>,
    pub stems: Vec<Box<str>>,
    pub groups: Vec<u32>,
}

/// Prepares records, remembering the parts of names already seen: lists repeat the same given
/// names, family names, patronymics and places thousands of times.
pub(crate) struct Preparer<'g> {
    groups: &'g NameGroups,
    given: FastMap<Box<str>, Arc<GivenParts>>,
    family: FastMap<Box<str>, Arc<FamilyParts>>,
    patronymic: FastMap<Box<str>, Arc<PatronymicParts>>,
    residence: FastMap<Box<str>, Arc<str>>,
}

/// Entries per memo before it is emptied (bounds memory on lists of unique names).
const MEMO_LIMIT: usize = 100_000;

fn memo<V: ?Sized>(map: &mut FastMap<Box<str>, Arc<V>>, text: &str, make: impl FnOnce() -> Arc<V>) -> Arc<V> {
    if let Some(v) = map.get(text) {
        return Arc::clone(v);
    }
    if map.len() >= MEMO_LIMIT {
        map.clear();
    }
    let v = make();
    if text.len() <= 256 {
        map.insert(text.into(), Arc::clone(&v));
    }
    v
}

impl std::fmt::Debug for Preparer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Preparer")
            .field("given", &self.given.len())
            .field("family", &self.family.len())
            .field("patronymic", &self.patronymic.len())
            .field("residence", &self.residence.len())
            .finish_non_exhaustive()
    }
}

impl<'g> Preparer<'g> {
    pub fn new(groups: &'g NameGroups) -> Preparer<'g> {
        Preparer {
            groups,
            given: FastMap::default(),
            family: FastMap::default(),
            patronymic: FastMap::default(),
            residence: FastMap::default(),
        }
    }

    pub fn prepare(&mut self, record: &PersonRecord) -> Prepared {
        let groups = self.groups;
        let given = memo(&mut self.given, &record.given_name, || {
            let keys = boxed(name_keys(&record.given_name));
            let groups_found = groups_of(&keys, groups);
            let token = groups_found
                .first()
                .map(|g| format!("g{g}").into_boxed_str())
                .or_else(|| keys.first().cloned());
            Arc::new(GivenParts {
                as_family: keys.iter().map(|w| family_word_key(w).into_boxed_str()).collect(),
                latin: exact(&record.given_name),
                groups: groups_found,
                token,
                keys,
            })
        });
        let family = memo(&mut self.family, &record.family_name, || {
            let words = boxed(name_keys(&record.family_name));
            Arc::new(FamilyParts {
                groups: groups_of(&words, groups),
                keys: words.iter().map(|w| family_word_key(w).into_boxed_str()).collect(),
                latin: exact(&record.family_name),
            })
        });
        let patronymic = memo(&mut self.patronymic, &record.patronymic, || {
            let key = name_keys(&record.patronymic).into_iter().next().unwrap_or_default();
            let stems = boxed(patronymic_stems(&key));
            Arc::new(PatronymicParts {
                groups: groups_of(&stems, groups),
                key: key.into_boxed_str(),
                stems,
            })
        });
        let residence = memo(&mut self.residence, &record.residence, || {
            Arc::from(name_keys(&record.residence).join(" "))
        });
        Prepared {
            given,
            family,
            patronymic,
            birth: PartialDate::parse(&record.birth_date),
            age: parse_age(&record.age),
            sex: parse_sex(&record.sex),
            residence,
        }
    }
}

/// A name as written, for the "same spelling" level: case, surrounding space and runs of spaces
/// do not count.
fn exact(text: &str) -> Box<str> {
    let words: Vec<String> = text.split_whitespace().take(16).map(str::to_lowercase).collect();
    cap(words.join(" "))
}

fn cap(mut s: String) -> Box<str> {
    if s.len() > 256 {
        let mut end = 256;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s.into_boxed_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates() {
        let d = |s| PartialDate::parse(s);
        assert_eq!(
            d("1985-07-21"),
            Some(PartialDate {
                year: 1985,
                month: Some(7),
                day: Some(21)
            })
        );
        assert_eq!(
            d("21.07.1985"),
            Some(PartialDate {
                year: 1985,
                month: Some(7),
                day: Some(21)
            })
        );
        assert_eq!(
            d("1985-07"),
            Some(PartialDate {
                year: 1985,
                month: Some(7),
                day: None
            })
        );
        assert_eq!(
            d("1985"),
            Some(PartialDate {
                year: 1985,
                month: None,
                day: None
            })
        );
        assert_eq!(
            d("1985-00-00"),
            Some(PartialDate {
                year: 1985,
                month: None,
                day: None
            })
        );
        assert_eq!(
            d("1985-07-21T10:00:00Z"),
            Some(PartialDate {
                year: 1985,
                month: Some(7),
                day: Some(21)
            })
        );
        assert_eq!(d("0000-00-00"), None);
        assert_eq!(d("85"), None);
        assert_eq!(d("unknown"), None);
        assert_eq!(d(""), None);
        assert_eq!(
            d("1985-13-40"),
            Some(PartialDate {
                year: 1985,
                month: None,
                day: None
            })
        );
    }

    #[test]
    fn ages_and_sexes() {
        assert_eq!(parse_age("45"), Some(45));
        assert_eq!(parse_age("45 years"), Some(45));
        assert_eq!(parse_age("~45"), Some(45));
        assert_eq!(parse_age("999"), None);
        assert_eq!(parse_age(""), None);
        assert_eq!(parse_sex("Ж"), Some(Sex::Female));
        assert_eq!(parse_sex("male"), Some(Sex::Male));
        assert_eq!(parse_sex("чол."), Some(Sex::Male));
        assert_eq!(parse_sex("?"), None);
    }
}
