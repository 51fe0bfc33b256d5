//! A reviewer's decision on two person records that linkage proposed as the same person.
//!
//! Decisions are records like any other, so each one has a history, a classification (at least
//! that of the stricter of the two persons) and entries in the tamper-evident log. A confirmed
//! decision merges: the absorbed person's `merged_into` names the survivor; both records are kept.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::record::{RecordBody, RecordIndex, RecordKind};
use crate::validation::{FieldErrors, LONG_TEXT};
use crate::vocab::Vocabularies;

/// What the reviewer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchDecision {
    /// The same person: the two records are merged.
    Confirmed,
    /// Different persons: the pair is never proposed again.
    Rejected,
    /// Not decided yet: the pair is proposed again after the open ones.
    Deferred,
}

impl MatchDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Rejected => "rejected",
            Self::Deferred => "deferred",
        }
    }
}

/// A merge made by a confirmed decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Merge {
    /// The person shown in lists from now on.
    pub survivor_id: Uuid,
    /// The person whose `merged_into` names the survivor.
    pub absorbed_id: Uuid,
    /// When the merge was undone, if it was.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub undone_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undone_by: Option<Uuid>,
}

/// A decision on a pair of persons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonMatch {
    /// The two persons, the smaller id first.
    pub person_ids: [Uuid; 2],
    pub decision: MatchDecision,
    /// The match weight linkage gave the pair when it was decided.
    pub score: f64,
    /// Why linkage proposed the pair, in words.
    #[serde(default)]
    pub reasons: String,
    pub decided_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub decided_at: OffsetDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged: Option<Merge>,
}

impl PersonMatch {
    /// Whether this decision holds a merge that has not been undone.
    pub fn active_merge(&self) -> Option<&Merge> {
        self.merged.as_ref().filter(|m| m.undone_at.is_none())
    }
}

impl RecordBody for PersonMatch {
    const KIND: RecordKind = RecordKind::PersonMatch;

    fn validate(&self, _: &Vocabularies, errors: &mut FieldErrors) {
        let [a, b] = self.person_ids;
        if a >= b {
            errors.add("person_ids", "invalid", "two different persons, the smaller id first");
        }
        if !self.score.is_finite() {
            errors.add("score", "invalid", "must be a number");
        }
        errors.optional_text("reasons", Some(&self.reasons), LONG_TEXT);
        if let Some(m) = &self.merged {
            let pair = [m.survivor_id, m.absorbed_id];
            if m.survivor_id == m.absorbed_id || !pair.iter().all(|id| self.person_ids.contains(id)) {
                errors.add("merged", "invalid", "must name the two persons of the pair");
            }
        }
    }

    fn index(&self) -> RecordIndex {
        let [a, b] = self.person_ids;
        RecordIndex {
            status: Some(self.decision.as_str().to_owned()),
            terms: vec![format!("decision:{}", self.decision.as_str())],
            links: vec![("person_id", a), ("person_id", b)],
            label: format!("{a} {b}"),
            ..RecordIndex::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision() -> PersonMatch {
        PersonMatch {
            person_ids: [Uuid::from_u128(1), Uuid::from_u128(2)],
            decision: MatchDecision::Confirmed,
            score: 12.5,
            reasons: "same family name".into(),
            decided_by: Uuid::from_u128(9),
            decided_at: time::macros::datetime!(2024-01-02 03:04:05 UTC),
            merged: Some(Merge {
                survivor_id: Uuid::from_u128(1),
                absorbed_id: Uuid::from_u128(2),
                undone_at: None,
                undone_by: None,
            }),
        }
    }

    fn errors(m: &PersonMatch) -> Vec<String> {
        let mut e = FieldErrors::new();
        m.validate(&Vocabularies::defaults(), &mut e);
        e.into_vec().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_decision_names_two_persons_in_order() {
        assert!(errors(&decision()).is_empty());
        let mut m = decision();
        m.person_ids.reverse();
        assert_eq!(errors(&m), ["person_ids"]);
        let mut m = decision();
        if let Some(merge) = &mut m.merged {
            merge.absorbed_id = Uuid::from_u128(3);
        }
        assert_eq!(errors(&m), ["merged"]);
    }

    #[test]
    fn round_trips_through_json() {
        let m = decision();
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["decision"], "confirmed");
        assert_eq!(serde_json::from_value::<PersonMatch>(json).unwrap(), m);
        assert!(m.active_merge().is_some());
    }
}
