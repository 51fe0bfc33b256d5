//! Persons and their involvement in incidents.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::date::PartialDate;
use crate::record::{Classification, RecordBody, RecordIndex, RecordKind, SetBy};
use crate::validation::{FieldErrors, LONG_TEXT, SHORT_TEXT};
use crate::vocab::Vocabularies;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Unknown,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
            Self::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonStatus {
    Alive,
    Injured,
    Killed,
    Missing,
    Detained,
    #[default]
    Unknown,
}

impl PersonStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Alive => "alive",
            Self::Injured => "injured",
            Self::Killed => "killed",
            Self::Missing => "missing",
            Self::Detained => "detained",
            Self::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Civilian {
    Yes,
    No,
    #[default]
    Unknown,
}

/// An estimated age range in years, for people whose birth date is not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgeEstimate {
    pub min: u8,
    pub max: u8,
}

/// The index term of a person merged into another; lists leave such persons out unless asked.
pub const MERGED_TERM: &str = "merged:yes";

/// A person as documented. Names are kept as the source wrote them; matching across scripts is
/// done on keys computed from them, never by rewriting what was recorded.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
    /// The name exactly as written in the source, any script.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_original: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_estimate: Option<AgeEstimate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residence: Option<String>,
    #[serde(default)]
    pub status: PersonStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub death_date: Option<PartialDate>,
    #[serde(default)]
    pub civilian: Civilian,
    /// Phone numbers, addresses, messengers. Their presence makes the record at least
    /// restricted: a leaked contact can endanger a witness or a relative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<String>,
    #[serde(default)]
    pub published: bool,
    /// Set by the server when a reviewer confirmed that this record and another describe the same
    /// person: the person this record was merged into. The record itself is kept unchanged, and
    /// undoing the merge clears the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<Uuid>,
}

impl Person {
    /// The name for lists: given, patronymic, family, or the original form.
    pub fn display_name(&self) -> String {
        let parts: Vec<&str> = [&self.given_name, &self.patronymic, &self.family_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .filter(|s| !s.trim().is_empty())
            .collect();
        if parts.is_empty() {
            self.name_original.clone().unwrap_or_default()
        } else {
            parts.join(" ")
        }
    }
}

impl RecordBody for Person {
    const KIND: RecordKind = RecordKind::Person;

    fn validate(&self, _: &Vocabularies, errors: &mut FieldErrors) {
        for (field, v) in [
            ("given_name", &self.given_name),
            ("family_name", &self.family_name),
            ("patronymic", &self.patronymic),
            ("name_original", &self.name_original),
            ("residence", &self.residence),
        ] {
            errors.optional_text(field, v.as_deref(), SHORT_TEXT);
        }
        errors.optional_text("contacts", self.contacts.as_deref(), LONG_TEXT);
        if self.display_name().trim().is_empty() {
            errors.add(
                "given_name",
                "required",
                "a person needs at least one name (or name_original)",
            );
        }
        if let Some(a) = self.age_estimate {
            if a.min > a.max {
                errors.add("age_estimate.min", "out_of_range", "must not exceed max");
            }
            if a.max > 130 {
                errors.add("age_estimate.max", "out_of_range", "must be at most 130");
            }
        }
        if let (Some(b), Some(d)) = (self.birth_date, self.death_date)
            && d.last_day() < b.first_day()
        {
            errors.add("death_date", "invalid", "is before the birth date");
        }
        if self.death_date.is_some() && self.status != PersonStatus::Killed {
            errors.add("death_date", "invalid", "a death date requires status killed");
        }
    }

    fn index(&self) -> RecordIndex {
        let text = [
            self.given_name.as_deref(),
            self.patronymic.as_deref(),
            self.family_name.as_deref(),
            self.name_original.as_deref(),
            self.residence.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        let mut terms = Vec::new();
        if let Some(s) = self.sex {
            terms.push(format!("sex:{}", s.as_str()));
        }
        let mut links = Vec::new();
        if let Some(survivor) = self.merged_into {
            terms.push(MERGED_TERM.to_owned());
            links.push(("merged_into", survivor));
        }
        RecordIndex {
            status: Some(self.status.as_str().to_owned()),
            period: self.birth_date.map(|b| (b.first_key(), b.last_key())),
            point: None,
            terms,
            links,
            text,
            published: self.published,
            label: self.display_name(),
        }
    }

    const SERVER_OWNED: &'static [(&'static str, SetBy)] = &[(
        "merged_into",
        SetBy::Server("when a duplicate is confirmed: POST /persons/duplicates"),
    )];

    fn minimum_classification(&self) -> Classification {
        if self.contacts.as_deref().is_some_and(|c| !c.trim().is_empty()) {
            Classification::Restricted
        } else {
            Classification::Public
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvolvementRole {
    Killed,
    Injured,
    Missing,
    Detained,
    Witness,
    Reporter,
    AllegedPerpetrator,
}

impl InvolvementRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Killed => "killed",
            Self::Injured => "injured",
            Self::Missing => "missing",
            Self::Detained => "detained",
            Self::Witness => "witness",
            Self::Reporter => "reporter",
            Self::AllegedPerpetrator => "alleged_perpetrator",
        }
    }
}

/// How a person was involved in an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Involvement {
    pub person_id: Uuid,
    pub incident_id: Uuid,
    pub role: InvolvementRole,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl RecordBody for Involvement {
    const KIND: RecordKind = RecordKind::Involvement;

    fn validate(&self, _: &Vocabularies, errors: &mut FieldErrors) {
        errors.optional_text("notes", self.notes.as_deref(), LONG_TEXT);
    }

    fn index(&self) -> RecordIndex {
        RecordIndex {
            status: Some(self.role.as_str().to_owned()),
            terms: vec![format!("role:{}", self.role.as_str())],
            links: vec![("person_id", self.person_id), ("incident_id", self.incident_id)],
            text: self.notes.clone().unwrap_or_default(),
            label: self.role.as_str().to_owned(),
            ..RecordIndex::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(p: &Person) -> Vec<String> {
        let mut e = FieldErrors::new();
        p.validate(&Vocabularies::defaults(), &mut e);
        e.into_vec().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_person_needs_a_name() {
        assert_eq!(errors(&Person::default()), ["given_name"]);
        let p = Person {
            name_original: Some("Олена".into()),
            ..Person::default()
        };
        assert!(errors(&p).is_empty());
    }

    #[test]
    fn dates_must_be_coherent() {
        let p = Person {
            given_name: Some("A".into()),
            birth_date: Some("1990".parse().unwrap()),
            death_date: Some("1989-05".parse().unwrap()),
            status: PersonStatus::Killed,
            ..Person::default()
        };
        assert_eq!(errors(&p), ["death_date"]);
    }

    #[test]
    fn contacts_force_restricted() {
        let mut p = Person {
            given_name: Some("A".into()),
            ..Person::default()
        };
        assert_eq!(p.minimum_classification(), Classification::Public);
        p.contacts = Some("+000 000".into());
        assert_eq!(p.minimum_classification(), Classification::Restricted);
    }
}
