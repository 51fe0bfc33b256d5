//! Evidence items: the description of a photo, video, document or testimony. The file itself
//! lives in the content-addressed file store; the item names it by its SHA-256.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::date::PartialDate;
use crate::incident::Location;
use crate::record::{RecordBody, RecordIndex, RecordKind, SetBy};
use crate::validation::{FieldErrors, LONG_TEXT, SHORT_TEXT};
use crate::vocab::{EVIDENCE_ACQUISITION, Vocabularies};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Photo,
    Video,
    Audio,
    Document,
    Testimony,
    WebCapture,
    Other,
}

impl EvidenceKind {
    /// The kind a file's media type (as detected from its content) suggests.
    pub fn from_media_type(media_type: &str) -> Self {
        match media_type.split('/').next().unwrap_or_default() {
            "image" => Self::Photo,
            "video" => Self::Video,
            "audio" => Self::Audio,
            "text" => Self::Document,
            _ if media_type == "application/pdf" => Self::Document,
            _ => Self::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Photo => "photo",
            Self::Video => "video",
            Self::Audio => "audio",
            Self::Document => "document",
            Self::Testimony => "testimony",
            Self::WebCapture => "web_capture",
            Self::Other => "other",
        }
    }
}

/// The stored file an item describes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    /// Lower-case hex SHA-256 of the exact bytes.
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    /// The name the file had when it was received; data only, never a path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_name: Option<String>,
}

/// Admiralty-code grading: source reliability A–F, information credibility 1–6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reliability {
    pub source: char,
    pub information: u8,
}

/// What happened to an item in its chain of custody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustodyAction {
    Collected,
    Received,
    Transferred,
    Accessed,
    Exported,
    Redacted,
}

impl CustodyAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Collected => "collected",
            Self::Received => "received",
            Self::Transferred => "transferred",
            Self::Accessed => "accessed",
            Self::Exported => "exported",
            Self::Redacted => "redacted",
        }
    }
}

/// One link of the chain of custody. The chain only grows: the server appends entries and
/// refuses any change that would alter or drop one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustodyEvent {
    pub action: CustodyAction,
    /// Who acted (a person or team, in the user's words); the account that recorded the entry is
    /// `recorded_by`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// When it happened, as far as known.
    pub at: PartialDate,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Another item this entry concerns: the redacted copy made, for `redacted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_id: Option<Uuid>,
    /// The account that recorded it; absent when an operator's command did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<Uuid>,
    /// When the server recorded it, RFC 3339.
    pub recorded_at: PartialDate,
}

/// How a claim about an item was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerificationMethod {
    Geolocation,
    Chronolocation,
    Source,
    Technical,
    Content,
}

/// What the check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerificationResult {
    Confirmed,
    Inconclusive,
    Contradicted,
}

/// One verification assessment of an item. Assessments are appended, never rewritten: a later
/// assessment that disagrees is a new entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    pub method: VerificationMethod,
    pub result: VerificationResult,
    /// Who assessed it, in the user's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    pub at: PartialDate,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<Uuid>,
    pub recorded_at: PartialDate,
}

/// An evidence item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub kind: EvidenceKind,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<PartialDate>,
    /// A term of the `evidence_acquisition` vocabulary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquisition: Option<String>,
    /// Who or where it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reliability: Option<Reliability>,
    #[serde(default)]
    pub incident_ids: Vec<Uuid>,
    #[serde(default)]
    pub person_ids: Vec<Uuid>,
    /// A redacted copy points to its original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived_from: Option<Uuid>,
    /// 64-bit perceptual (difference) hash of a picture, 16 lower-case hex digits; pictures whose
    /// hashes differ in few bits look alike.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perceptual_hash: Option<String>,
    /// SHA-256 of the picture's JPEG thumbnail in the file store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_sha256: Option<String>,
    /// EXIF/XMP/container metadata as found in the file, when it was ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub extracted_metadata: Option<serde_json::Value>,
    /// The chain of custody, oldest first (append-only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custody: Vec<CustodyEvent>,
    /// Verification assessments, oldest first (append-only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verifications: Vec<Verification>,
    #[serde(default)]
    pub published: bool,
}

/// Longest chain of custody or list of assessments one item keeps.
pub const MAX_CHAIN: usize = 10_000;

/// The index term of evidence items with a perceptual hash (the candidates of a similarity search).
pub const PICTURE_TERM: &str = "perceptual_hash:present";

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl RecordBody for Evidence {
    const KIND: RecordKind = RecordKind::Evidence;
    const SERVER_OWNED: &'static [(&'static str, SetBy)] = &[
        ("custody", SetBy::Appending("custody")),
        ("verifications", SetBy::Appending("verifications")),
    ];

    fn validate(&self, vocabularies: &Vocabularies, errors: &mut FieldErrors) {
        errors.text("title", &self.title, SHORT_TEXT);
        errors.text("description", &self.description, LONG_TEXT);
        if let Some(f) = &self.file {
            if !is_sha256_hex(&f.sha256) {
                errors.add("file.sha256", "invalid", "must be 64 lower-case hexadecimal digits");
            }
            errors.required_text("file.media_type", &f.media_type, 255);
            errors.optional_text("file.original_name", f.original_name.as_deref(), 1024);
        }
        if let Some(l) = &self.captured_location {
            l.validate("captured_location", errors);
        }
        errors.optional_text("collected_by", self.collected_by.as_deref(), SHORT_TEXT);
        errors.optional_text("source", self.source.as_deref(), LONG_TEXT);
        if let Some(h) = &self.perceptual_hash
            && !(h.len() == 16 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        {
            errors.add("perceptual_hash", "invalid", "must be 16 lower-case hexadecimal digits");
        }
        if let Some(t) = &self.thumbnail_sha256
            && !is_sha256_hex(t)
        {
            errors.add(
                "thumbnail_sha256",
                "invalid",
                "must be 64 lower-case hexadecimal digits",
            );
        }
        if let Some(a) = &self.acquisition
            && !vocabularies.contains(EVIDENCE_ACQUISITION, a)
        {
            errors.add(
                "acquisition",
                "unknown_term",
                format!("{a:?} is not a term of {EVIDENCE_ACQUISITION}"),
            );
        }
        for (i, c) in self.custody.iter().enumerate() {
            errors.optional_text(&format!("custody[{i}].by"), c.by.as_deref(), SHORT_TEXT);
            errors.text(&format!("custody[{i}].notes"), &c.notes, LONG_TEXT);
        }
        for (i, v) in self.verifications.iter().enumerate() {
            errors.optional_text(&format!("verifications[{i}].by"), v.by.as_deref(), SHORT_TEXT);
            errors.text(&format!("verifications[{i}].notes"), &v.notes, LONG_TEXT);
        }
        for (field, len) in [
            ("custody", self.custody.len()),
            ("verifications", self.verifications.len()),
        ] {
            if len > MAX_CHAIN {
                errors.add(field, "too_long", format!("holds more than {MAX_CHAIN} entries"));
            }
        }
        if let Some(r) = self.reliability {
            if !('A'..='F').contains(&r.source) {
                errors.add("reliability.source", "out_of_range", "must be a letter from A to F");
            }
            if !(1..=6).contains(&r.information) {
                errors.add(
                    "reliability.information",
                    "out_of_range",
                    "must be a number from 1 to 6",
                );
            }
        }
    }

    fn index(&self) -> RecordIndex {
        let mut links: Vec<(&'static str, Uuid)> = self.incident_ids.iter().map(|id| ("incident_id", *id)).collect();
        links.extend(self.person_ids.iter().map(|id| ("person_id", *id)));
        links.extend(self.derived_from.map(|id| ("derived_from", id)));
        let mut terms = vec![format!("kind:{}", self.kind.as_str())];
        if let Some(f) = &self.file {
            terms.push(format!("sha256:{}", f.sha256));
        }
        if self.perceptual_hash.is_some() {
            terms.push(PICTURE_TERM.to_owned());
        }
        let text = [
            self.title.as_str(),
            self.description.as_str(),
            self.source.as_deref().unwrap_or_default(),
            self.file
                .as_ref()
                .and_then(|f| f.original_name.as_deref())
                .unwrap_or_default(),
        ]
        .join(" ");
        RecordIndex {
            status: Some(self.kind.as_str().to_owned()),
            period: self.captured_at.map(|d| (d.first_key(), d.last_key())),
            point: self.captured_location.as_ref().and_then(Location::point),
            terms,
            links,
            text,
            published: self.published,
            label: if self.title.is_empty() {
                self.file
                    .as_ref()
                    .and_then(|f| f.original_name.clone())
                    .unwrap_or_default()
            } else {
                self.title.clone()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EvidenceKind;

    #[test]
    fn kinds_follow_the_detected_media_type() {
        assert_eq!(EvidenceKind::from_media_type("image/jpeg"), EvidenceKind::Photo);
        assert_eq!(EvidenceKind::from_media_type("video/mp4"), EvidenceKind::Video);
        assert_eq!(EvidenceKind::from_media_type("audio/ogg"), EvidenceKind::Audio);
        assert_eq!(EvidenceKind::from_media_type("application/pdf"), EvidenceKind::Document);
        assert_eq!(EvidenceKind::from_media_type("text/plain"), EvidenceKind::Document);
        assert_eq!(EvidenceKind::from_media_type("application/zip"), EvidenceKind::Other);
        assert_eq!(EvidenceKind::from_media_type(""), EvidenceKind::Other);
    }
}
