//! Communications with international bodies (notifications, appeals, follow-ups), the bodies they
//! are sent to, and what came back.
//!
//! A communication's responses only grow (like an evidence item's chain of custody), and so do
//! its attachments (evidence bundles the server wrote). The letter as sent is frozen by the
//! server: its exact bytes are kept as an evidence item, named in `letter`.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::date::{PartialDate, day_key};
use crate::record::{RecordBody, RecordIndex, RecordKind, SetBy};
use crate::validation::{FieldErrors, LONG_TEXT, SHORT_TEXT};
use crate::vocab::Vocabularies;

/// The recipients a new deployment starts with: generic international mechanisms, as ordinary
/// records an administrator edits or deletes. Never a party to any conflict.
pub fn default_recipients() -> Vec<Recipient> {
    let r = |name: &str, recipient_type, channel: &str, notes: &str| Recipient {
        name: name.to_owned(),
        recipient_type,
        address: String::new(),
        channel: Some(channel.to_owned()),
        email: None,
        notes: notes.to_owned(),
    };
    vec![
        r(
            "UN human rights treaty body (example)",
            RecipientType::UnBody,
            "e-mail",
            "An example: replace with the committee or special procedure you write to, and its address.",
        ),
        r(
            "International Committee of the Red Cross",
            RecipientType::HumanitarianOrganisation,
            "e-mail",
            "Add the delegation you write to and its address.",
        ),
        r(
            "International court (example)",
            RecipientType::Court,
            "post",
            "An example: replace with the court or tribunal and its registry's address.",
        ),
    ]
}

/// What kind of body a recipient is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecipientType {
    UnBody,
    HumanitarianOrganisation,
    Court,
    NationalAuthority,
    Other,
}

impl RecipientType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnBody => "un_body",
            Self::HumanitarianOrganisation => "humanitarian_organisation",
            Self::Court => "court",
            Self::NationalAuthority => "national_authority",
            Self::Other => "other",
        }
    }
}

/// A body communications are sent to (a UN mechanism, the ICRC, a court, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub name: String,
    #[serde(rename = "type")]
    pub recipient_type: RecipientType,
    /// Postal address or office, as printed on a letter; line breaks are kept.
    #[serde(default)]
    pub address: String,
    /// How letters usually reach it (e-mail, post, online form, diplomatic pouch, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default)]
    pub notes: String,
}

impl RecordBody for Recipient {
    const KIND: RecordKind = RecordKind::Recipient;

    fn validate(&self, _vocabularies: &Vocabularies, errors: &mut FieldErrors) {
        errors.required_text("name", &self.name, SHORT_TEXT);
        errors.text("address", &self.address, 2_000);
        errors.optional_text("channel", self.channel.as_deref(), SHORT_TEXT);
        if let Some(e) = &self.email {
            errors.text("email", e, 320);
            if !e.contains('@') {
                errors.add("email", "invalid", "is not an e-mail address");
            }
        }
        errors.text("notes", &self.notes, LONG_TEXT);
    }

    fn index(&self) -> RecordIndex {
        RecordIndex {
            status: Some(self.recipient_type.as_str().to_owned()),
            text: [
                self.name.as_str(),
                self.address.as_str(),
                self.email.as_deref().unwrap_or_default(),
                self.notes.as_str(),
            ]
            .join(" "),
            label: self.name.clone(),
            ..RecordIndex::default()
        }
    }
}

/// What a communication is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommunicationKind {
    Notification,
    Appeal,
    FollowUp,
}

impl CommunicationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Notification => "notification",
            Self::Appeal => "appeal",
            Self::FollowUp => "follow_up",
        }
    }
}

/// Where a communication stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommunicationStatus {
    #[default]
    Draft,
    Sent,
    Acknowledged,
    Answered,
    NoResponse,
    Closed,
}

impl CommunicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Sent => "sent",
            Self::Acknowledged => "acknowledged",
            Self::Answered => "answered",
            Self::NoResponse => "no_response",
            Self::Closed => "closed",
        }
    }
}

/// One answer from the recipient (an acknowledgement or a reply). Responses are appended, never
/// rewritten.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Response {
    #[schema(value_type = String)]
    pub received_at: PartialDate,
    #[serde(default)]
    pub summary: String,
    /// A reply on the substance (not only an acknowledgement of receipt).
    #[serde(default)]
    pub substantive: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<Uuid>,
    #[schema(value_type = String)]
    pub recorded_at: PartialDate,
}

/// An evidence bundle sent with a communication, stored as an evidence item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The evidence item holding the bundle's zip.
    pub evidence_id: Uuid,
    /// The incident the bundle was written for.
    pub incident_id: Uuid,
    /// Lower-case hex SHA-256 of the zip, printed in the letter.
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
}

/// The letter as sent: its exact bytes are the file of an evidence item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FrozenLetter {
    pub evidence_id: Uuid,
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
}

/// A communication to an international body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Communication {
    pub kind: CommunicationKind,
    pub subject: String,
    /// The letter's own text; blank lines separate paragraphs.
    #[serde(default)]
    pub body: String,
    /// en, uk or ru.
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_id: Option<Uuid>,
    /// The communication a follow-up follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follows_id: Option<Uuid>,
    #[serde(default)]
    pub incident_ids: Vec<Uuid>,
    #[serde(default)]
    pub person_ids: Vec<Uuid>,
    #[serde(default)]
    pub evidence_ids: Vec<Uuid>,
    /// Evidence bundles sent with it (append-only, written by the server).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub sent_at: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The recipient's reference number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub response_due: Option<PartialDate>,
    #[serde(default)]
    pub status: CommunicationStatus,
    /// What came back, oldest first (append-only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<Response>,
    /// The letter as sent (set by the server when it sends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<FrozenLetter>,
}

fn default_language() -> String {
    "en".to_owned()
}

/// The languages letters are written in.
pub const LANGUAGES: [&str; 3] = ["en", "uk", "ru"];
/// The index term of communications waiting for a substantive reply.
pub const AWAITING_TERM: &str = "awaiting:reply";
/// Most responses or attachments one communication keeps.
pub const MAX_ENTRIES: usize = 10_000;

impl Communication {
    /// Sent (or further) and no substantive reply yet.
    pub fn awaiting_reply(&self) -> bool {
        matches!(
            self.status,
            CommunicationStatus::Sent | CommunicationStatus::Acknowledged
        ) && !self.responses.iter().any(|r| r.substantive)
    }

    /// Waiting for a reply whose due date has passed by `today`.
    pub fn overdue(&self, today: Date) -> bool {
        self.awaiting_reply() && self.response_due.is_some_and(|d| d.last_day() < today)
    }
}

impl RecordBody for Communication {
    const KIND: RecordKind = RecordKind::Communication;
    const SERVER_OWNED: &'static [(&'static str, SetBy)] = &[
        ("responses", SetBy::Appending("responses")),
        ("attachments", SetBy::Appending("bundle")),
        (
            "letter",
            SetBy::Server("when the communication is sent: POST /communications/{id}/send"),
        ),
    ];

    fn validate(&self, _vocabularies: &Vocabularies, errors: &mut FieldErrors) {
        errors.required_text("subject", &self.subject, SHORT_TEXT);
        errors.text("body", &self.body, LONG_TEXT);
        if !LANGUAGES.contains(&self.language.as_str()) {
            errors.add("language", "invalid", "must be en, uk or ru");
        }
        errors.optional_text("channel", self.channel.as_deref(), SHORT_TEXT);
        errors.optional_text("reference", self.reference.as_deref(), SHORT_TEXT);
        if self.kind == CommunicationKind::FollowUp && self.follows_id.is_none() {
            errors.add(
                "follows_id",
                "required",
                "a follow-up names the communication it follows",
            );
        }
        if self.status != CommunicationStatus::Draft {
            if self.recipient_id.is_none() {
                errors.add(
                    "recipient_id",
                    "required",
                    format!("a {} communication has a recipient", self.status.as_str()),
                );
            }
            if self.sent_at.is_none() {
                errors.add(
                    "sent_at",
                    "required",
                    format!("a {} communication has a date of sending", self.status.as_str()),
                );
            }
        }
        if let (Some(sent), Some(due)) = (self.sent_at, self.response_due)
            && due.last_day() < sent.first_day()
        {
            errors.add("response_due", "invalid", "is before the communication was sent");
        }
        for (i, r) in self.responses.iter().enumerate() {
            errors.text(&format!("responses[{i}].summary"), &r.summary, LONG_TEXT);
            match self.sent_at {
                None => errors.add(
                    format!("responses[{i}].received_at"),
                    "invalid",
                    "the communication has not been sent",
                ),
                Some(sent) if r.received_at.last_day() < sent.first_day() => errors.add(
                    format!("responses[{i}].received_at"),
                    "before_sending",
                    format!("is before the communication was sent ({sent})"),
                ),
                Some(_) => {}
            }
        }
        for (field, len) in [
            ("responses", self.responses.len()),
            ("attachments", self.attachments.len()),
        ] {
            if len > MAX_ENTRIES {
                errors.add(field, "too_long", format!("holds more than {MAX_ENTRIES} entries"));
            }
        }
    }

    fn index(&self) -> RecordIndex {
        let mut links: Vec<(&'static str, Uuid)> = self.incident_ids.iter().map(|id| ("incident_id", *id)).collect();
        links.extend(self.person_ids.iter().map(|id| ("person_id", *id)));
        links.extend(self.evidence_ids.iter().map(|id| ("evidence_id", *id)));
        links.extend(self.recipient_id.map(|id| ("recipient_id", id)));
        links.extend(self.follows_id.map(|id| ("follows_id", id)));
        let mut terms = vec![
            format!("kind:{}", self.kind.as_str()),
            format!("language:{}", self.language),
        ];
        if self.awaiting_reply() {
            terms.push(AWAITING_TERM.to_owned());
        }
        RecordIndex {
            status: Some(self.status.as_str().to_owned()),
            // The day a reply is due: lists filter and sort on it (`overdue`, `from`, `to`).
            period: self.response_due.map(|d| (d.last_key(), d.last_key())),
            point: None,
            terms,
            links,
            text: [
                self.subject.as_str(),
                self.body.as_str(),
                self.reference.as_deref().unwrap_or_default(),
            ]
            .join(" "),
            published: false,
            label: self.subject.clone(),
        }
    }
}

/// The last day whose replies are overdue on `today` (the day before), as an index key.
pub fn overdue_key(today: Date) -> i32 {
    day_key(today.previous_day().unwrap_or(today))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(status: CommunicationStatus) -> Communication {
        Communication {
            kind: CommunicationKind::Notification,
            subject: "s".into(),
            body: String::new(),
            language: "en".into(),
            recipient_id: Some(Uuid::nil()),
            follows_id: None,
            incident_ids: vec![],
            person_ids: vec![],
            evidence_ids: vec![],
            attachments: vec![],
            sent_at: Some("2024-03-10".parse().unwrap()),
            channel: None,
            reference: None,
            response_due: Some("2024-04".parse().unwrap()),
            status,
            responses: vec![],
            letter: None,
        }
    }

    fn problems(c: &Communication) -> Vec<String> {
        let mut e = FieldErrors::new();
        c.validate(&Vocabularies::defaults(), &mut e);
        e.into_vec().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn default_recipients_are_valid_records() {
        for r in default_recipients() {
            let mut e = FieldErrors::new();
            r.validate(&Vocabularies::defaults(), &mut e);
            assert!(e.is_empty(), "{:?}", e.into_vec());
        }
    }

    #[test]
    fn responses_before_sending_are_refused_by_field() {
        let mut c = sent(CommunicationStatus::Answered);
        c.responses.push(Response {
            received_at: "2024-03-09".parse().unwrap(),
            summary: String::new(),
            substantive: true,
            recorded_by: None,
            recorded_at: "2024-03-11".parse().unwrap(),
        });
        assert_eq!(problems(&c), ["responses[0].received_at"]);
        c.responses[0].received_at = "2024-03-10".parse().unwrap();
        assert!(problems(&c).is_empty());
    }

    #[test]
    fn sent_needs_recipient_and_date_and_follow_up_its_original() {
        let mut c = sent(CommunicationStatus::Sent);
        c.recipient_id = None;
        c.sent_at = None;
        c.response_due = None;
        c.kind = CommunicationKind::FollowUp;
        assert_eq!(problems(&c), ["follows_id", "recipient_id", "sent_at"]);
        c.status = CommunicationStatus::Draft;
        c.follows_id = Some(Uuid::nil());
        assert!(problems(&c).is_empty());
    }

    #[test]
    fn overdue_once_the_whole_due_period_has_passed_without_a_substantive_reply() {
        let c = sent(CommunicationStatus::Sent);
        assert!(!c.overdue(time::macros::date!(2024 - 04 - 30)));
        assert!(c.overdue(time::macros::date!(2024 - 05 - 01)));
        assert!(!sent(CommunicationStatus::Answered).overdue(time::macros::date!(2024 - 05 - 01)));
        assert_eq!(overdue_key(time::macros::date!(2024 - 05 - 01)), 20240430);
        assert!(c.index().period.unwrap().1 <= overdue_key(time::macros::date!(2024 - 05 - 01)));
    }
}
