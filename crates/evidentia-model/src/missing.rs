//! The search for missing persons: the case of a person reported missing, the grave sites where
//! the dead may lie, the exhumations of those sites and the remains recovered from them.
//!
//! What relatives remember of the person (ante-mortem data) and what the examination of remains
//! finds (post-mortem data) are recorded in the same [`Particulars`], as on INTERPOL's DVI forms,
//! so that the two compare field by field.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::date::{PartialDate, Period};
use crate::incident::Location;
use crate::person::{AgeEstimate, Sex};
use crate::record::{Classification, RecordBody, RecordIndex, RecordKind, SetBy};
use crate::validation::{FieldErrors, LONG_TEXT, SHORT_TEXT};
use crate::vocab::Vocabularies;

/// Most reference-sample ids one record keeps.
pub const MAX_SAMPLES: usize = 100;
/// Most recovered items one exhumation's log keeps.
pub const MAX_RECOVERY_LOG: usize = 20_000;
/// Most points of a grave site's boundary, over all rings.
pub const MAX_BOUNDARY_POINTS: usize = 10_000;

/// A physical description as the DVI forms set it out: filled from what relatives and records say
/// of a missing person (ante-mortem), or from the examination of remains (post-mortem).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Particulars {
    /// Height in centimetres (stature estimate for remains).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height_cm: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hair: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eyes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clothing: Option<String>,
    /// Personal effects: jewellery, watch, documents, keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effects: Option<String>,
    /// Scars, tattoos, birthmarks, amputations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marks: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dental: Option<String>,
    /// Fractures, implants, illnesses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical: Option<String>,
    /// Identifiers of DNA or other samples: reference samples of relatives for a missing person,
    /// samples taken from remains for a post-mortem record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sample_ids: Vec<String>,
}

impl Particulars {
    /// The described fields that compare as text, with their names.
    pub fn texts(&self) -> [(&'static str, Option<&str>); 8] {
        [
            ("build", self.build.as_deref()),
            ("hair", self.hair.as_deref()),
            ("eyes", self.eyes.as_deref()),
            ("clothing", self.clothing.as_deref()),
            ("effects", self.effects.as_deref()),
            ("marks", self.marks.as_deref()),
            ("dental", self.dental.as_deref()),
            ("medical", self.medical.as_deref()),
        ]
    }

    fn validate(&self, prefix: &str, errors: &mut FieldErrors) {
        if let Some(h) = self.height_cm
            && !(30..=260).contains(&h)
        {
            errors.add(
                format!("{prefix}.height_cm"),
                "out_of_range",
                "must be between 30 and 260 centimetres",
            );
        }
        for (field, value) in self.texts() {
            let max = if matches!(field, "build" | "hair" | "eyes") {
                SHORT_TEXT
            } else {
                LONG_TEXT
            };
            errors.optional_text(&format!("{prefix}.{field}"), value, max);
        }
        if self.sample_ids.len() > MAX_SAMPLES {
            errors.add(
                format!("{prefix}.sample_ids"),
                "too_long",
                format!("holds more than {MAX_SAMPLES} ids"),
            );
        }
        let mut seen = HashSet::new();
        for (i, s) in self.sample_ids.iter().enumerate() {
            errors.required_text(&format!("{prefix}.sample_ids.{i}"), s, 200);
            if !seen.insert(s.trim()) {
                errors.add(
                    format!("{prefix}.sample_ids.{i}"),
                    "invalid",
                    format!("{s:?} is listed twice"),
                );
            }
        }
    }

    fn text(&self) -> String {
        let mut parts: Vec<&str> = self.texts().into_iter().filter_map(|(_, v)| v).collect();
        parts.extend(self.sample_ids.iter().map(String::as_str));
        parts.join(" ")
    }
}

/// A date that cannot be after today; `today` is passed in, as time is a parameter.
fn not_in_future(field: &str, date: Option<&PartialDate>, today: time::Date, errors: &mut FieldErrors) {
    if let Some(d) = date
        && d.first_day() > today
    {
        errors.add(field, "in_future", "is after today");
    }
}

/// Who reported a person missing. Their contact details make the case at least restricted.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reporter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How they are related to the missing person (mother, neighbour, colleague).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// Phone, address, messenger: never below restricted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// What the person who reported a case agreed may be shared of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShareConsent {
    /// Nothing beyond the organisation that received the report.
    #[default]
    None,
    /// With partner organisations searching for the missing (commissions, the ICRC).
    Partners,
    /// The person's name and the circumstances may be published in a public appeal.
    Public,
}

/// Where and when the person was last seen.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LastSeen {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Location>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MissingStatus {
    #[default]
    Open,
    LocatedAlive,
    LocatedDeceased,
    /// Remains were identified as the person (set by the identification, never by hand).
    Identified,
    Closed,
}

impl MissingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::LocatedAlive => "located_alive",
            Self::LocatedDeceased => "located_deceased",
            Self::Identified => "identified",
            Self::Closed => "closed",
        }
    }
}

/// Where a report from the public stands: it is seen by staff only until accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    Pending,
    Accepted,
    Rejected,
}

impl Moderation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }
}

/// The case of a person reported missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MissingCase {
    /// The missing person.
    pub person_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_by: Option<Reporter>,
    #[serde(default)]
    pub consent_to_share: ShareConsent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_at: Option<PartialDate>,
    #[serde(default)]
    pub last_seen: LastSeen,
    #[serde(default)]
    pub circumstances: String,
    /// The person as relatives and records describe them.
    #[serde(default)]
    pub ante_mortem: Particulars,
    #[serde(default)]
    pub status: MissingStatus,
    /// Set on reports from the public: staff accept or reject them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderation: Option<Moderation>,
}

impl RecordBody for MissingCase {
    const KIND: RecordKind = RecordKind::MissingCase;

    fn validate_dates(&self, today: time::Date, errors: &mut FieldErrors) {
        not_in_future("reported_at", self.reported_at.as_ref(), today, errors);
        if let Some(p) = &self.last_seen.period {
            not_in_future("last_seen.period.from", Some(&p.from), today, errors);
            not_in_future("last_seen.period.to", p.to.as_ref(), today, errors);
        }
    }

    fn validate(&self, _: &Vocabularies, errors: &mut FieldErrors) {
        if let Some(r) = &self.reported_by {
            errors.optional_text("reported_by.name", r.name.as_deref(), SHORT_TEXT);
            errors.optional_text("reported_by.relation", r.relation.as_deref(), SHORT_TEXT);
            errors.optional_text("reported_by.contact", r.contact.as_deref(), LONG_TEXT);
        }
        if let Some(p) = &self.last_seen.period
            && let Some(problem) = p.problem()
        {
            errors.add("last_seen.period.to", "invalid", problem);
        }
        if let Some(l) = &self.last_seen.place {
            l.validate("last_seen.place", errors);
        }
        if let (Some(reported), Some(p)) = (self.reported_at, &self.last_seen.period)
            && reported.last_day() < p.from.first_day()
        {
            errors.add("reported_at", "invalid", "is before the person was last seen");
        }
        errors.text("circumstances", &self.circumstances, LONG_TEXT);
        self.ante_mortem.validate("ante_mortem", errors);
    }

    fn index(&self) -> RecordIndex {
        let mut terms = Vec::new();
        if let Some(m) = self.moderation {
            terms.push(format!("moderation:{}", m.as_str()));
        }
        terms.push(format!("consent:{}", share_str(self.consent_to_share)));
        let place = self.last_seen.place.as_ref();
        let text = [
            self.circumstances.clone(),
            place.map(Location::text).unwrap_or_default(),
            self.ante_mortem.text(),
        ]
        .join(" ");
        RecordIndex {
            status: Some(self.status.as_str().to_owned()),
            period: self.last_seen.period.map(|p| p.keys()),
            point: place.and_then(Location::point),
            terms,
            links: vec![("person_id", self.person_id)],
            text,
            published: false,
            label: place
                .and_then(|p| p.place_name.clone())
                .unwrap_or_else(|| "missing-person case".to_owned()),
        }
    }

    fn minimum_classification(&self) -> Classification {
        let contact = self
            .reported_by
            .as_ref()
            .and_then(|r| r.contact.as_deref())
            .is_some_and(|c| !c.trim().is_empty());
        if contact || self.moderation == Some(Moderation::Pending) {
            Classification::Restricted
        } else {
            Classification::Public
        }
    }
}

fn share_str(c: ShareConsent) -> &'static str {
    match c {
        ShareConsent::None => "none",
        ShareConsent::Partners => "partners",
        ShareConsent::Public => "public",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GraveType {
    Individual,
    Mass,
    Improvised,
    Cemetery,
}

impl GraveType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Mass => "mass",
            Self::Improvised => "improvised",
            Self::Cemetery => "cemetery",
        }
    }
}

/// Where the remains lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GraveSetting {
    Buried,
    Submerged,
    Surface,
}

/// Dangers at a site, which decide how a team may approach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Hazard {
    Mines,
    UnexplodedOrdnance,
    UnstableGround,
    Contamination,
    Water,
    Other,
}

impl Hazard {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mines => "mines",
            Self::UnexplodedOrdnance => "unexploded_ordnance",
            Self::UnstableGround => "unstable_ground",
            Self::Contamination => "contamination",
            Self::Water => "water",
            Self::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GraveStatus {
    #[default]
    Reported,
    Secured,
    ExhumationPlanned,
    Exhumed,
    Closed,
}

impl GraveStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reported => "reported",
            Self::Secured => "secured",
            Self::ExhumationPlanned => "exhumation_planned",
            Self::Exhumed => "exhumed",
            Self::Closed => "closed",
        }
    }
}

/// The outline of a site as a GeoJSON `Polygon`: `coordinates` holds closed rings of
/// `[longitude, latitude]` positions, the first ring the outer edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Boundary {
    /// Always `Polygon`.
    #[serde(rename = "type")]
    pub kind: String,
    #[schema(value_type = Vec<Vec<Vec<f64>>>)]
    pub coordinates: Vec<Vec<[f64; 2]>>,
}

impl Boundary {
    fn validate(&self, errors: &mut FieldErrors) {
        if self.kind != "Polygon" {
            errors.add("boundary.type", "invalid", "must be \"Polygon\"");
        }
        if self.coordinates.is_empty() {
            errors.add("boundary.coordinates", "required", "needs at least the outer ring");
        }
        let points: usize = self.coordinates.iter().map(Vec::len).sum();
        if points > MAX_BOUNDARY_POINTS {
            errors.add(
                "boundary.coordinates",
                "too_long",
                format!("holds more than {MAX_BOUNDARY_POINTS} points"),
            );
            return;
        }
        for (r, ring) in self.coordinates.iter().enumerate() {
            let field = format!("boundary.coordinates.{r}");
            if ring.len() < 4 {
                errors.add(&field, "invalid", "a ring needs at least four positions");
                continue;
            }
            if ring.first() != ring.last() {
                errors.add(&field, "invalid", "a ring must end where it begins (closed)");
            }
            for (i, [lon, lat]) in ring.iter().enumerate() {
                if !lon.is_finite() || !(-180.0..=180.0).contains(lon) {
                    errors.add(
                        format!("{field}.{i}.0"),
                        "out_of_range",
                        "longitude must be between -180 and 180",
                    );
                }
                if !lat.is_finite() || !(-90.0..=90.0).contains(lat) {
                    errors.add(
                        format!("{field}.{i}.1"),
                        "out_of_range",
                        "latitude must be between -90 and 90",
                    );
                }
            }
        }
    }

    /// The mean of the outer ring's distinct positions, as (lat, lon).
    pub fn centre(&self) -> Option<(f64, f64)> {
        let ring = self.coordinates.first()?;
        let distinct = ring.get(..ring.len().saturating_sub(1))?;
        if distinct.is_empty() {
            return None;
        }
        let n = distinct.len() as f64;
        let (lon, lat) = distinct
            .iter()
            .fold((0.0, 0.0), |(x, y), [lon, lat]| (x + lon, y + lat));
        let (lat, lon) = (lat / n, lon / n);
        (lat.is_finite() && lon.is_finite()).then_some((lat, lon))
    }
}

/// A place where the dead are or may be buried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GraveSite {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub location: Location,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<Boundary>,
    #[serde(rename = "type")]
    pub kind: GraveType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<GraveSetting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discovered_at: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discovered_by: Option<String>,
    /// How the site is protected (fenced, guarded, marked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hazards: Vec<Hazard>,
    /// The number of individuals the site is believed to hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_individuals: Option<u32>,
    /// The minimum number of individuals (MNI) the recovered remains prove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_individuals: Option<u32>,
    /// Whether remains of several individuals are mixed.
    #[serde(default)]
    pub commingled: bool,
    #[serde(default)]
    pub status: GraveStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident_id: Option<Uuid>,
}

impl GraveSite {
    /// The site's point: its location, or the centre of its boundary.
    pub fn point(&self) -> Option<(f64, f64)> {
        self.location
            .point()
            .or_else(|| self.boundary.as_ref().and_then(Boundary::centre))
    }
}

impl RecordBody for GraveSite {
    const KIND: RecordKind = RecordKind::GraveSite;

    fn validate_dates(&self, today: time::Date, errors: &mut FieldErrors) {
        not_in_future("discovered_at", self.discovered_at.as_ref(), today, errors);
    }

    fn validate(&self, _: &Vocabularies, errors: &mut FieldErrors) {
        errors.required_text("name", &self.name, SHORT_TEXT);
        errors.text("description", &self.description, LONG_TEXT);
        self.location.validate("location", errors);
        if let Some(b) = &self.boundary {
            b.validate(errors);
        }
        errors.optional_text("discovered_by", self.discovered_by.as_deref(), SHORT_TEXT);
        errors.optional_text("protection", self.protection.as_deref(), LONG_TEXT);
        let mut seen = HashSet::new();
        for (i, h) in self.hazards.iter().enumerate() {
            if !seen.insert(h) {
                errors.add(
                    format!("hazards.{i}"),
                    "invalid",
                    format!("{:?} is listed twice", h.as_str()),
                );
            }
        }
    }

    fn index(&self) -> RecordIndex {
        let mut terms = vec![format!("type:{}", self.kind.as_str())];
        terms.extend(self.hazards.iter().map(|h| format!("hazard:{}", h.as_str())));
        RecordIndex {
            status: Some(self.status.as_str().to_owned()),
            period: self.discovered_at.map(|d| (d.first_key(), d.last_key())),
            point: self.point(),
            terms,
            links: self.incident_id.map(|id| ("incident_id", id)).into_iter().collect(),
            text: [self.name.as_str(), self.description.as_str(), &self.location.text()].join(" "),
            published: false,
            label: self.name.clone(),
        }
    }
}

/// Where an item lay in the site: local grid coordinates in metres from the site's datum, or a
/// geographic position, or both.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Position {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<f64>,
    /// Metres below the surface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

/// One item of an exhumation's recovery log. The log only grows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryEntry {
    /// The team's number for the item (`B-014`), unique within the exhumation.
    pub item_number: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    pub recovered_at: PartialDate,
    /// The remains record the item became, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remains_id: Option<Uuid>,
    /// The account that recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<Uuid>,
    pub recorded_at: PartialDate,
}

impl RecoveryEntry {
    /// Checks one entry; `prefix` names it (`recovery_log.3`).
    pub fn validate(&self, prefix: &str, errors: &mut FieldErrors) {
        errors.required_text(&format!("{prefix}.item_number"), &self.item_number, 100);
        errors.text(&format!("{prefix}.description"), &self.description, LONG_TEXT);
        if let Some(p) = &self.position {
            for (name, v) in [("x", p.x), ("y", p.y), ("depth", p.depth)] {
                if v.is_some_and(|v| !v.is_finite() || v.abs() > 100_000.0) {
                    errors.add(
                        format!("{prefix}.position.{name}"),
                        "out_of_range",
                        "must be a number of metres within 100 km",
                    );
                }
            }
            let location = Location {
                lat: p.lat,
                lon: p.lon,
                ..Location::default()
            };
            location.validate(&format!("{prefix}.position"), errors);
        }
    }
}

/// The exhumation of a grave site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Exhumation {
    pub grave_site_id: Uuid,
    /// Who worked the site (team, lead archaeologist and pathologist), in the user's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<PartialDate>,
    #[serde(default)]
    pub notes: String,
    /// The items recovered, in the order recorded (append-only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovery_log: Vec<RecoveryEntry>,
}

impl RecordBody for Exhumation {
    const KIND: RecordKind = RecordKind::Exhumation;
    const SERVER_OWNED: &'static [(&'static str, SetBy)] = &[("recovery_log", SetBy::Appending("recovery-log"))];

    fn validate_dates(&self, today: time::Date, errors: &mut FieldErrors) {
        not_in_future("started_at", self.started_at.as_ref(), today, errors);
        not_in_future("ended_at", self.ended_at.as_ref(), today, errors);
    }

    fn validate(&self, _: &Vocabularies, errors: &mut FieldErrors) {
        errors.optional_text("team", self.team.as_deref(), LONG_TEXT);
        errors.text("notes", &self.notes, LONG_TEXT);
        if let (Some(s), Some(e)) = (self.started_at, self.ended_at)
            && e.last_day() < s.first_day()
        {
            errors.add("ended_at", "invalid", "is before started_at");
        }
        if self.recovery_log.len() > MAX_RECOVERY_LOG {
            errors.add(
                "recovery_log",
                "too_long",
                format!("holds more than {MAX_RECOVERY_LOG} entries"),
            );
        }
        let mut seen = HashSet::new();
        for (i, e) in self.recovery_log.iter().enumerate() {
            let prefix = format!("recovery_log.{i}");
            e.validate(&prefix, errors);
            if !seen.insert(e.item_number.trim()) {
                errors.add(
                    format!("{prefix}.item_number"),
                    "duplicate",
                    format!("item {:?} is already in the log", e.item_number),
                );
            }
        }
    }

    fn index(&self) -> RecordIndex {
        let mut links = vec![("grave_site_id", self.grave_site_id)];
        links.extend(
            self.recovery_log
                .iter()
                .filter_map(|e| e.remains_id)
                .map(|id| ("remains_id", id)),
        );
        let period = match (self.started_at, self.ended_at) {
            (Some(s), e) => Some((s.first_key(), e.unwrap_or(s).last_key())),
            (None, Some(e)) => Some((e.first_key(), e.last_key())),
            (None, None) => None,
        };
        let status = if self.ended_at.is_some() { "ended" } else { "ongoing" };
        let mut text = vec![self.team.clone().unwrap_or_default(), self.notes.clone()];
        text.extend(
            self.recovery_log
                .iter()
                .map(|e| format!("{} {}", e.item_number, e.description)),
        );
        RecordIndex {
            status: Some(status.to_owned()),
            period,
            point: None,
            terms: Vec::new(),
            links,
            text: text.join(" "),
            published: false,
            label: self.team.clone().unwrap_or_else(|| "exhumation".to_owned()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RemainsStatus {
    #[default]
    Unidentified,
    CandidateMatch,
    /// Set by the identification, never by hand.
    Identified,
}

impl RemainsStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unidentified => "unidentified",
            Self::CandidateMatch => "candidate_match",
            Self::Identified => "identified",
        }
    }
}

/// How remains were identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentificationMethod {
    Dna,
    Dental,
    Fingerprints,
    Visual,
    Circumstantial,
    Other,
}

impl IdentificationMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dna => "dna",
            Self::Dental => "dental",
            Self::Fingerprints => "fingerprints",
            Self::Visual => "visual",
            Self::Circumstantial => "circumstantial",
            Self::Other => "other",
        }
    }
}

/// The identification of remains as a person: how, and who confirmed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Identification {
    pub method: IdentificationMethod,
    /// Who confirmed it (a pathologist, a commission), in the user's words.
    pub confirmed_by: String,
    pub confirmed_at: PartialDate,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// The account that recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<Uuid>,
}

/// A post-mortem record of recovered remains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Remains {
    /// The examining office's case number.
    pub case_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grave_site_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exhumation_id: Option<Uuid>,
    /// The remains as examined; the same fields as a case's `ante_mortem`.
    #[serde(default)]
    pub post_mortem: Particulars,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex_estimate: Option<Sex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_range: Option<AgeEstimate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovered_at: Option<PartialDate>,
    #[serde(default)]
    pub status: RemainsStatus,
    /// The person the remains were identified as (set by the identification).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identified_as: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identification: Option<Identification>,
}

impl RecordBody for Remains {
    const KIND: RecordKind = RecordKind::Remains;
    const SERVER_OWNED: &'static [(&'static str, SetBy)] = &[
        ("identified_as", SetBy::Route("identification")),
        ("identification", SetBy::Route("identification")),
    ];

    fn validate_dates(&self, today: time::Date, errors: &mut FieldErrors) {
        not_in_future("recovered_at", self.recovered_at.as_ref(), today, errors);
        if let Some(i) = &self.identification {
            not_in_future("identification.confirmed_at", Some(&i.confirmed_at), today, errors);
        }
    }

    fn validate(&self, _: &Vocabularies, errors: &mut FieldErrors) {
        errors.required_text("case_number", &self.case_number, 100);
        self.post_mortem.validate("post_mortem", errors);
        if let Some(a) = self.age_range {
            if a.min > a.max {
                errors.add("age_range.min", "out_of_range", "must not exceed max");
            }
            if a.max > 130 {
                errors.add("age_range.max", "out_of_range", "must be at most 130");
            }
        }
        let identified = self.status == RemainsStatus::Identified;
        if identified != self.identified_as.is_some() || identified != self.identification.is_some() {
            errors.add(
                "status",
                "invalid",
                "remains become identified only through POST /remains/{id}/identification",
            );
        }
        if let Some(i) = &self.identification {
            errors.required_text("identification.confirmed_by", &i.confirmed_by, SHORT_TEXT);
            errors.text("identification.notes", &i.notes, LONG_TEXT);
        }
    }

    fn index(&self) -> RecordIndex {
        let mut links = Vec::new();
        links.extend(self.grave_site_id.map(|id| ("grave_site_id", id)));
        links.extend(self.exhumation_id.map(|id| ("exhumation_id", id)));
        links.extend(self.identified_as.map(|id| ("identified_as", id)));
        let mut terms = Vec::new();
        if let Some(s) = self.sex_estimate {
            terms.push(format!("sex:{}", s.as_str()));
        }
        if let Some(i) = &self.identification {
            terms.push(format!("method:{}", i.method.as_str()));
        }
        RecordIndex {
            status: Some(self.status.as_str().to_owned()),
            period: self.recovered_at.map(|d| (d.first_key(), d.last_key())),
            point: None,
            terms,
            links,
            text: format!("{} {}", self.case_number, self.post_mortem.text()),
            published: false,
            label: self.case_number.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<B: RecordBody>(b: &B) -> Vec<String> {
        let mut e = FieldErrors::new();
        b.validate(&Vocabularies::defaults(), &mut e);
        e.into_vec().into_iter().map(|e| e.field).collect()
    }

    fn remains() -> Remains {
        serde_json::from_value(serde_json::json!({"case_number": "PM-1"})).unwrap()
    }

    #[test]
    fn an_age_range_is_ordered() {
        let mut r = remains();
        assert!(fields(&r).is_empty());
        r.age_range = Some(AgeEstimate { min: 40, max: 30 });
        assert_eq!(fields(&r), ["age_range.min"]);
    }

    #[test]
    fn remains_are_identified_only_with_an_identification() {
        let mut r = remains();
        r.status = RemainsStatus::Identified;
        assert_eq!(fields(&r), ["status"]);
    }

    #[test]
    fn a_boundary_is_a_closed_ring_of_valid_positions() {
        let site = |coordinates: serde_json::Value| -> GraveSite {
            serde_json::from_value(serde_json::json!({
                "name": "Site", "type": "mass",
                "boundary": {"type": "Polygon", "coordinates": coordinates}
            }))
            .unwrap()
        };
        let ok = site(serde_json::json!([[
            [30.0, 46.0],
            [30.1, 46.0],
            [30.1, 46.1],
            [30.0, 46.0]
        ]]));
        assert!(fields(&ok).is_empty());
        let (lat, lon) = ok.point().unwrap();
        assert!((lat - 46.0333).abs() < 0.001 && (lon - 30.0666).abs() < 0.001);
        let open = site(serde_json::json!([[
            [30.0, 46.0],
            [30.1, 46.0],
            [30.1, 46.1],
            [30.2, 46.0]
        ]]));
        assert_eq!(fields(&open), ["boundary.coordinates.0"]);
        let far = site(serde_json::json!([[
            [30.0, 46.0],
            [190.0, 46.0],
            [30.1, 95.0],
            [30.0, 46.0]
        ]]));
        assert_eq!(
            fields(&far),
            ["boundary.coordinates.0.1.0", "boundary.coordinates.0.2.1"]
        );
    }

    #[test]
    fn recovery_items_are_numbered_once() {
        let e: Exhumation = serde_json::from_value(serde_json::json!({
            "grave_site_id": Uuid::nil(),
            "recovery_log": [
                {"item_number": "B-1", "recovered_at": "2024-05-01", "recorded_at": "2024-05-01"},
                {"item_number": "B-1", "recovered_at": "2024-05-01", "recorded_at": "2024-05-01"},
            ]
        }))
        .unwrap();
        assert_eq!(fields(&e), ["recovery_log.1.item_number"]);
    }

    #[test]
    fn dates_may_not_be_in_the_future() {
        let mut r = remains();
        r.recovered_at = Some("2030-01".parse().unwrap());
        let mut e = FieldErrors::new();
        r.validate_dates(time::macros::date!(2029 - 12 - 31), &mut e);
        assert_eq!(e.into_vec()[0].field, "recovered_at");
    }

    #[test]
    fn contacts_and_pending_reports_are_restricted() {
        let mut c: MissingCase = serde_json::from_value(serde_json::json!({"person_id": Uuid::nil()})).unwrap();
        assert_eq!(c.minimum_classification(), Classification::Public);
        c.reported_by = Some(Reporter {
            contact: Some("+000".into()),
            ..Reporter::default()
        });
        assert_eq!(c.minimum_classification(), Classification::Restricted);
        c.reported_by = None;
        c.moderation = Some(Moderation::Pending);
        assert_eq!(c.minimum_classification(), Classification::Restricted);
    }
}
