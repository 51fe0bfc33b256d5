//! Incidents: what happened, where and when, as alleged by the sources.

use serde::{Deserialize, Serialize};

use crate::date::Period;
use crate::record::{RecordBody, RecordIndex, RecordKind};
use crate::validation::{FieldErrors, LONG_TEXT, SHORT_TEXT};
use crate::vocab::{DAMAGED_OBJECT_TYPE, INCIDENT_CATEGORY, Vocabularies, WEAPON_TYPE};

/// How sure the location is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Exact,
    Settlement,
    District,
    Region,
    Country,
}

/// Where something happened.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_name: Option<String>,
    /// First-level administrative division (region, oblast, province).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin1: Option<String>,
    /// Second-level administrative division (district).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin2: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
}

impl Location {
    pub fn validate(&self, prefix: &str, errors: &mut FieldErrors) {
        errors.optional_text(&format!("{prefix}.place_name"), self.place_name.as_deref(), SHORT_TEXT);
        errors.optional_text(&format!("{prefix}.admin1"), self.admin1.as_deref(), SHORT_TEXT);
        errors.optional_text(&format!("{prefix}.admin2"), self.admin2.as_deref(), SHORT_TEXT);
        if let Some(c) = &self.country
            && !crate::country::is_country_code(c)
        {
            errors.add(
                format!("{prefix}.country"),
                "invalid",
                "must be an ISO 3166-1 alpha-2 code such as \"GE\"",
            );
        }
        match (self.lat, self.lon) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    errors.add(format!("{prefix}.lat"), "out_of_range", "must be between -90 and 90");
                }
                if !(-180.0..=180.0).contains(&lon) {
                    errors.add(format!("{prefix}.lon"), "out_of_range", "must be between -180 and 180");
                }
            }
            (Some(_), None) => errors.add(format!("{prefix}.lon"), "required", "is required with lat"),
            (None, Some(_)) => errors.add(format!("{prefix}.lat"), "required", "is required with lon"),
            (None, None) => {}
        }
    }

    /// (lat, lon) when both are given and valid.
    pub fn point(&self) -> Option<(f64, f64)> {
        match (self.lat, self.lon) {
            (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => Some((lat, lon)),
            _ => None,
        }
    }

    /// The names of the place, for search.
    pub fn text(&self) -> String {
        [&self.place_name, &self.admin2, &self.admin1]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Weapon {
    /// A term of the `weapon_type` vocabulary.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibre: Option<String>,
    /// ISO 3166-1 alpha-2 of the country of manufacture, as alleged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_country: Option<String>,
}

/// Who the sources say did it. Free text, never defaulted: Evidentia records allegations.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllegedPerpetrator {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DamagedObject {
    /// A term of the `damaged_object_type` vocabulary.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A reported count with its known breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Count {
    pub total: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub women: Option<u32>,
}

/// Casualty figures as reported by sources; distinct from the persons documented by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Casualties {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub killed: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injured: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<Count>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    #[default]
    Reported,
    UnderReview,
    Verified,
    Disputed,
    Refuted,
}

impl IncidentStatus {
    pub const ALL: [IncidentStatus; 5] = [
        Self::Reported,
        Self::UnderReview,
        Self::Verified,
        Self::Disputed,
        Self::Refuted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reported => "reported",
            Self::UnderReview => "under_review",
            Self::Verified => "verified",
            Self::Disputed => "disputed",
            Self::Refuted => "refuted",
        }
    }
}

/// An incident as documented.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub occurred: Period,
    #[serde(default)]
    pub location: Location,
    /// Terms of the `incident_category` vocabulary.
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub weapons: Vec<Weapon>,
    #[serde(default)]
    pub alleged_perpetrator: AllegedPerpetrator,
    #[serde(default)]
    pub damaged_objects: Vec<DamagedObject>,
    #[serde(default)]
    pub reported_casualties: Casualties,
    #[serde(default)]
    pub status: IncidentStatus,
    #[serde(default)]
    pub published: bool,
}

fn validate_count(field: &str, count: Option<&Count>, errors: &mut FieldErrors) {
    let Some(c) = count else { return };
    for (part, v) in [("children", c.children), ("women", c.women)] {
        if v.is_some_and(|v| v > c.total) {
            errors.add(format!("{field}.{part}"), "out_of_range", "must not exceed the total");
        }
    }
}

impl RecordBody for Incident {
    const KIND: RecordKind = RecordKind::Incident;

    fn validate(&self, vocabularies: &Vocabularies, errors: &mut FieldErrors) {
        errors.required_text("title", &self.title, SHORT_TEXT);
        errors.text("description", &self.description, LONG_TEXT);
        if let Some(p) = self.occurred.problem() {
            errors.add("occurred.to", "invalid", p);
        }
        self.location.validate("location", errors);
        let mut seen = std::collections::HashSet::new();
        for (i, c) in self.categories.iter().enumerate() {
            if !vocabularies.contains(INCIDENT_CATEGORY, c) {
                errors.add(
                    format!("categories.{i}"),
                    "unknown_term",
                    format!("{c:?} is not a term of {INCIDENT_CATEGORY}"),
                );
            } else if !seen.insert(c) {
                errors.add(format!("categories.{i}"), "invalid", format!("{c:?} is listed twice"));
            }
        }
        for (i, w) in self.weapons.iter().enumerate() {
            if !vocabularies.contains(WEAPON_TYPE, &w.kind) {
                errors.add(
                    format!("weapons.{i}.type"),
                    "unknown_term",
                    format!("{:?} is not a term of {WEAPON_TYPE}", w.kind),
                );
            }
            errors.optional_text(&format!("weapons.{i}.model"), w.model.as_deref(), SHORT_TEXT);
            errors.optional_text(&format!("weapons.{i}.calibre"), w.calibre.as_deref(), SHORT_TEXT);
            if let Some(c) = &w.origin_country
                && !crate::country::is_country_code(c)
            {
                errors.add(
                    format!("weapons.{i}.origin_country"),
                    "invalid",
                    "must be an ISO 3166-1 alpha-2 code",
                );
            }
        }
        errors.optional_text(
            "alleged_perpetrator.party",
            self.alleged_perpetrator.party.as_deref(),
            SHORT_TEXT,
        );
        errors.optional_text(
            "alleged_perpetrator.unit",
            self.alleged_perpetrator.unit.as_deref(),
            SHORT_TEXT,
        );
        for (i, d) in self.damaged_objects.iter().enumerate() {
            if !vocabularies.contains(DAMAGED_OBJECT_TYPE, &d.kind) {
                errors.add(
                    format!("damaged_objects.{i}.type"),
                    "unknown_term",
                    format!("{:?} is not a term of {DAMAGED_OBJECT_TYPE}", d.kind),
                );
            }
            errors.optional_text(
                &format!("damaged_objects.{i}.description"),
                d.description.as_deref(),
                LONG_TEXT,
            );
        }
        validate_count(
            "reported_casualties.killed",
            self.reported_casualties.killed.as_ref(),
            errors,
        );
        validate_count(
            "reported_casualties.injured",
            self.reported_casualties.injured.as_ref(),
            errors,
        );
        validate_count(
            "reported_casualties.missing",
            self.reported_casualties.missing.as_ref(),
            errors,
        );
    }

    fn index(&self) -> RecordIndex {
        let mut terms: Vec<String> = self.categories.iter().map(|c| format!("category:{c}")).collect();
        terms.extend(self.weapons.iter().map(|w| format!("weapon:{}", w.kind)));
        terms.extend(
            self.damaged_objects
                .iter()
                .map(|d| format!("damaged_object:{}", d.kind)),
        );
        if let Some(c) = &self.location.country {
            terms.push(format!("country:{c}"));
        }
        if let Some(a) = &self.location.admin1 {
            terms.push(format!("admin1:{}", a.to_lowercase()));
        }
        terms.sort();
        terms.dedup();
        let text = [
            self.title.as_str(),
            self.description.as_str(),
            &self.location.text(),
            self.alleged_perpetrator.party.as_deref().unwrap_or_default(),
            self.alleged_perpetrator.unit.as_deref().unwrap_or_default(),
        ]
        .join(" ");
        RecordIndex {
            status: Some(self.status.as_str().to_owned()),
            period: Some(self.occurred.keys()),
            point: self.location.point(),
            terms,
            links: Vec::new(),
            text,
            published: self.published,
            label: self.title.clone(),
        }
    }
}
