//! Controlled vocabularies: categories, weapon types, damaged-object types, acquisition methods.
//!
//! They are data, not enums: a deployment adds the terms its work needs (and retires others)
//! without a new release. Records store the stable `code`; people read the label in their
//! language. The defaults ship in `data/vocabularies.toml` and are seeded into the store at
//! `init`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The vocabularies a record field may draw from.
pub const INCIDENT_CATEGORY: &str = "incident_category";
pub const WEAPON_TYPE: &str = "weapon_type";
pub const DAMAGED_OBJECT_TYPE: &str = "damaged_object_type";
pub const EVIDENCE_ACQUISITION: &str = "evidence_acquisition";

const DEFAULTS: &str = include_str!("../data/vocabularies.toml");

/// One term of a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Term {
    /// Stable code stored in records (`snake_case`).
    pub code: String,
    /// Label in English.
    pub en: String,
    /// Label in Ukrainian.
    pub uk: String,
    /// Label in Russian.
    pub ru: String,
    /// Retired terms stay valid in existing records but are no longer offered.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

impl Term {
    /// The label in `lang` (`en`, `uk`, `ru`), English otherwise.
    pub fn label(&self, lang: &str) -> &str {
        match lang {
            "uk" => &self.uk,
            "ru" => &self.ru,
            _ => &self.en,
        }
    }
}

/// A named list of terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Vocabulary {
    pub name: String,
    #[serde(rename = "term", alias = "terms")]
    pub terms: Vec<Term>,
}

#[derive(Deserialize)]
struct VocabularyFile {
    vocabulary: Vec<Vocabulary>,
}

/// All vocabularies of a deployment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabularies {
    by_name: BTreeMap<String, Vocabulary>,
}

/// A vocabulary file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum VocabularyError {
    #[error("vocabulary file: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("vocabulary {vocabulary}: term code {code:?} must be lower-case snake_case")]
    BadCode { vocabulary: String, code: String },
    #[error("vocabulary {vocabulary}: term {code:?} appears twice")]
    Duplicate { vocabulary: String, code: String },
}

/// True for codes of the form `[a-z][a-z0-9_]*`, at most 64 bytes.
pub fn is_code(s: &str) -> bool {
    let mut bytes = s.bytes();
    s.len() <= 64
        && bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl Vocabularies {
    /// The vocabularies Evidentia ships with.
    pub fn defaults() -> Self {
        // The defaults are compiled in and covered by a test; falling back to empty keeps a
        // broken build from panicking at start-up.
        Self::from_toml(DEFAULTS).unwrap_or_default()
    }

    /// Parses and checks a vocabulary file.
    pub fn from_toml(text: &str) -> Result<Self, VocabularyError> {
        let file: VocabularyFile = toml::from_str(text)?;
        Self::from_list(file.vocabulary)
    }

    /// Checks and indexes vocabularies.
    pub fn from_list(list: Vec<Vocabulary>) -> Result<Self, VocabularyError> {
        let mut by_name = BTreeMap::new();
        for v in list {
            let mut seen = std::collections::HashSet::new();
            for t in &v.terms {
                if !is_code(&t.code) {
                    return Err(VocabularyError::BadCode {
                        vocabulary: v.name.clone(),
                        code: t.code.clone(),
                    });
                }
                if !seen.insert(t.code.as_str()) {
                    return Err(VocabularyError::Duplicate {
                        vocabulary: v.name.clone(),
                        code: t.code.clone(),
                    });
                }
            }
            by_name.insert(v.name.clone(), v);
        }
        Ok(Self { by_name })
    }

    pub fn get(&self, name: &str) -> Option<&Vocabulary> {
        self.by_name.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Vocabulary> {
        self.by_name.values()
    }

    /// True when `code` is a term (current or retired) of vocabulary `name`.
    pub fn contains(&self, name: &str, code: &str) -> bool {
        self.get(name).is_some_and(|v| v.terms.iter().any(|t| t.code == code))
    }

    /// The term, if any.
    pub fn term(&self, name: &str, code: &str) -> Option<&Term> {
        self.get(name)?.terms.iter().find(|t| t.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_parse_and_hold_the_spec_categories() {
        let v = Vocabularies::from_toml(DEFAULTS).unwrap();
        for code in [
            "attack_on_civilians",
            "indiscriminate_attack",
            "attack_on_civilian_object",
            "attack_on_medical_care",
            "killing",
            "torture_or_ill_treatment",
            "enforced_disappearance",
            "arbitrary_detention",
            "sexual_violence",
            "use_of_prohibited_weapon",
            "landmine_or_explosive_remnant",
            "desecration_of_graves_or_remains",
            "forced_displacement",
            "pillage",
            "other",
        ] {
            assert!(v.contains(INCIDENT_CATEGORY, code), "{code}");
        }
        for name in [WEAPON_TYPE, DAMAGED_OBJECT_TYPE, EVIDENCE_ACQUISITION] {
            assert!(v.get(name).is_some_and(|v| !v.terms.is_empty()), "{name}");
        }
        assert_eq!(v.term(INCIDENT_CATEGORY, "pillage").unwrap().label("uk"), "Мародерство");
    }

    #[test]
    fn bad_vocabularies_are_refused() {
        let bad = "[[vocabulary]]\nname='x'\nterm=[{code='Bad Code',en='a',uk='a',ru='a'}]";
        assert!(matches!(
            Vocabularies::from_toml(bad),
            Err(VocabularyError::BadCode { .. })
        ));
        let dup = "[[vocabulary]]\nname='x'\nterm=[{code='a',en='a',uk='a',ru='a'},{code='a',en='b',uk='b',ru='b'}]";
        assert!(matches!(
            Vocabularies::from_toml(dup),
            Err(VocabularyError::Duplicate { .. })
        ));
    }

    #[test]
    fn codes_are_snake_case() {
        assert!(is_code("attack_on_civilians"));
        assert!(!is_code("Attack"));
        assert!(!is_code("_x"));
        assert!(!is_code(""));
        assert!(!is_code("a-b"));
    }
}
