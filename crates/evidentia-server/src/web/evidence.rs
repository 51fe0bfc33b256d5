//! Evidence items as an incident page shows them: a gallery of thumbnails with the capture time
//! found in each file, and each item's custody and verification timeline.
//!
//! `custody` and `verifications` are read from the item's JSON body when present, field by
//! field, so items recorded before (or without) them render all the same.

use evidentia_store::StoredRecord;
use serde_json::Value;

use super::chrome::Ctx;
use super::view::{partial_date, text};

/// One event of an item's custody or verification timeline.
pub struct TimelineEntry {
    pub what: String,
    pub by: String,
    pub at: String,
    pub notes: String,
}

pub struct EvidenceCard {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub thumbnail: Option<String>,
    pub captured: String,
    pub file_name: String,
    pub media_type: String,
    pub size: String,
    pub custody: Vec<TimelineEntry>,
    pub verifications: Vec<TimelineEntry>,
}

fn timeline(ctx: &Ctx, entries: &Value, what: impl Fn(&Value) -> String) -> Vec<TimelineEntry> {
    entries
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|e| e.is_object())
                .map(|e| TimelineEntry {
                    what: what(e),
                    by: text(e, "by"),
                    at: partial_date(ctx.lang, &e["at"]),
                    notes: text(e, "notes"),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The capture time: the item's `captured_at`, or else what the file claims
/// (`extracted_metadata.captured_at`), whose time of day without a zone is the camera's clock —
/// not UTC — and is shown as such.
fn captured(ctx: &Ctx, body: &Value) -> String {
    let found = text(body, "extracted_metadata.captured_at");
    // A day taken from the file's own clock (no zone) is shown with the clock's time of day.
    let from_file = body["captured_at"]
        .as_str()
        .is_some_and(|day| day.len() == 10 && found.starts_with(day));
    let recorded = partial_date(ctx.lang, &body["captured_at"]);
    if !recorded.is_empty() && !from_file {
        return recorded;
    }
    let (date, time) = found.split_once('T').unwrap_or((found.as_str(), ""));
    let day = partial_date(ctx.lang, &Value::String(date.to_owned()));
    match time.get(..5) {
        Some(hhmm) if !day.is_empty() && !time.contains(['Z', '+', '-']) => {
            format!("{day}, {hhmm} ({})", ctx.lang.t("evidence.camera_time"))
        }
        _ if !found.is_empty() && time.contains(['Z', '+', '-']) => partial_date(ctx.lang, &Value::String(found)),
        _ => day,
    }
}

pub fn evidence_cards(ctx: &Ctx, items: &[StoredRecord]) -> Vec<EvidenceCard> {
    let lang = ctx.lang;
    items
        .iter()
        .map(|r| {
            let b = &r.body;
            let custody = timeline(ctx, &b["custody"], |e| {
                lang.t(&format!("custody.{}", text(e, "action"))).to_owned()
            });
            let verifications = timeline(ctx, &b["verifications"], |e| {
                format!(
                    "{}: {}",
                    lang.t(&format!("verification.{}", text(e, "method"))),
                    lang.t(&format!("verification_result.{}", text(e, "result")))
                )
            });
            EvidenceCard {
                id: r.meta.id.to_string(),
                title: text(b, "title"),
                kind: lang.t(&format!("evidence_kind.{}", text(b, "kind"))).to_owned(),
                thumbnail: b["thumbnail_sha256"]
                    .as_str()
                    .map(|_| format!("/api/v1/evidence/{}/thumbnail", r.meta.id)),
                captured: captured(ctx, b),
                file_name: text(b, "file.original_name"),
                media_type: text(b, "file.media_type"),
                size: b["file"]["size"].as_u64().map(|n| lang.number(n)).unwrap_or_default(),
                custody,
                verifications,
            }
        })
        .collect()
}
