//! An evidence item's chain of custody and its verification assessments, both append-only, and
//! redacted copies.
//!
//! Entries are appended to the item (so each is a new version, kept in its history and logged);
//! a custody entry is also a `custody` event in the log, in the same transaction. `exported` and
//! `redacted` entries are written by the server when it exports or redacts, never by hand, so the
//! chain says exactly what the archive did.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use evidentia_model::evidence::{CustodyAction, CustodyEvent, Verification, VerificationMethod, VerificationResult};
use evidentia_model::{Evidence, PartialDate, RecordKind};
use evidentia_store::StoredRecord;
use serde::Deserialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::body::{JsonObject, typed};
use super::records;
use super::resources::EvidenceRecord;
use crate::AppState;
use crate::auth::Caller;
use crate::errors::{ApiError, ApiResult, Problem};

/// A custody entry as a client records it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustodyInput {
    /// collected, received, transferred or accessed (`exported` and `redacted` are recorded by the
    /// server when it does them).
    #[schema(value_type = String)]
    pub action: CustodyAction,
    /// Who acted, in your words (a person, a team, an office).
    pub by: Option<String>,
    /// When, as far as known (partial date); default now.
    #[schema(value_type = Option<String>)]
    pub at: Option<PartialDate>,
    #[serde(default)]
    pub notes: String,
}

/// A verification assessment as a client records it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationInput {
    /// geolocation, chronolocation, source, technical or content
    #[schema(value_type = String)]
    pub method: VerificationMethod,
    /// confirmed, inconclusive or contradicted
    #[schema(value_type = String)]
    pub result: VerificationResult,
    /// Who assessed it, in your words.
    pub by: Option<String>,
    /// When, as far as known (partial date); default now.
    #[schema(value_type = Option<String>)]
    pub at: Option<PartialDate>,
    #[serde(default)]
    pub notes: String,
}

/// A claimed time, which cannot be after today.
fn claimed(at: Option<PartialDate>, now: OffsetDateTime) -> ApiResult<PartialDate> {
    let at = at.unwrap_or(PartialDate::Instant(now));
    if at.first_day() > now.date() {
        return Err(ApiError::invalid_field("at", "in_future", "is after today"));
    }
    Ok(at)
}

/// A custody entry the server records now, on the caller's behalf.
pub fn server_entry(
    state: &AppState,
    caller: &Caller,
    action: CustodyAction,
    notes: String,
    related_id: Option<Uuid>,
) -> CustodyEvent {
    let now = state.clock.now();
    CustodyEvent {
        action,
        by: None,
        at: PartialDate::Instant(now),
        notes,
        related_id,
        recorded_by: caller.user_id(),
        recorded_at: PartialDate::Instant(now),
    }
}

/// The fields that start a new item's chain of custody with `first`.
pub fn chain_starting_with(first: &CustodyEvent) -> ApiResult<Map<String, Value>> {
    let entry = serde_json::to_value(first).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Map::from_iter([("custody".to_owned(), Value::Array(vec![entry]))]))
}

/// Appends a custody entry to evidence item `id` and logs it.
pub async fn append_custody(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    entry: CustodyEvent,
) -> ApiResult<StoredRecord> {
    let current = records::read(state, caller, RecordKind::Evidence, id).await?;
    let sha256 = current.body["file"]["sha256"].as_str();
    let event = evidentia_archive::custody::log_event(id, &entry, sha256)?;
    let value = serde_json::to_value(&entry).map_err(|e| ApiError::Internal(e.to_string()))?;
    records::append::<Evidence>(state, caller, id, "custody", value, vec![event]).await
}

fn evidence_id(id: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| ApiError::NotFound)
}

fn answer(r: &StoredRecord) -> impl IntoResponse + use<> {
    (
        StatusCode::CREATED,
        records::record_headers(r, "evidence"),
        Json(records::record_json(r)),
    )
}

/// Records a link of the item's chain of custody (who collected, received, transferred or
/// accessed it). The chain only grows; the item's new version is answered.
#[utoipa::path(post, path = "/evidence/{id}/custody", tag = "evidence",
    params(("id" = Uuid, Path)),
    request_body(content = CustodyInput, content_type = "application/json"),
    responses(
        (status = 201, body = EvidenceRecord, headers(("ETag" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_custody(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(obj): JsonObject,
) -> ApiResult<impl IntoResponse> {
    let id = evidence_id(&id)?;
    let input: CustodyInput = typed(Value::Object(obj))?;
    if matches!(input.action, CustodyAction::Exported | CustodyAction::Redacted) {
        return Err(ApiError::invalid_field(
            "action",
            "server_recorded",
            format!(
                "{:?} is recorded by the server when it exports or redacts the item",
                input.action.as_str()
            ),
        ));
    }
    let now = state.clock.now();
    let entry = CustodyEvent {
        action: input.action,
        by: input.by,
        at: claimed(input.at, now)?,
        notes: input.notes,
        related_id: None,
        recorded_by: caller.user_id(),
        recorded_at: PartialDate::Instant(now),
    };
    let r = append_custody(&state, &caller, id, entry).await?;
    Ok(answer(&r))
}

/// Records a verification assessment of the item. Assessments are never rewritten: a later one
/// that disagrees is another entry.
#[utoipa::path(post, path = "/evidence/{id}/verifications", tag = "evidence",
    params(("id" = Uuid, Path)),
    request_body(content = VerificationInput, content_type = "application/json"),
    responses(
        (status = 201, body = EvidenceRecord, headers(("ETag" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_verification(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(obj): JsonObject,
) -> ApiResult<impl IntoResponse> {
    let id = evidence_id(&id)?;
    let input: VerificationInput = typed(Value::Object(obj))?;
    let now = state.clock.now();
    let entry = Verification {
        method: input.method,
        result: input.result,
        by: input.by,
        at: claimed(input.at, now)?,
        notes: input.notes,
        recorded_by: caller.user_id(),
        recorded_at: PartialDate::Instant(now),
    };
    let value = serde_json::to_value(&entry).map_err(|e| ApiError::Internal(e.to_string()))?;
    let r = records::append::<Evidence>(&state, &caller, id, "verifications", value, Vec::new()).await?;
    Ok(answer(&r))
}

/// Stores a redacted copy of the item (a new file, uploaded like any evidence file) as a new item
/// that points to its original (`derived_from`) and shares its links; the original's chain of
/// custody records the redaction. The copy is often given a lower classification, to be shared.
#[utoipa::path(post, path = "/evidence/{id}/redactions", tag = "evidence",
    params(("id" = Uuid, Path)),
    request_body(content = Vec<u8>, content_type = "multipart/form-data",
        description = "the redacted file in the part `file`; optional parts `classification`, `title`, `description`, `notes`"),
    responses(
        (status = 201, body = EvidenceRecord, headers(("ETag" = String), ("Location" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_redaction(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    req: Request,
) -> ApiResult<impl IntoResponse> {
    let id = evidence_id(&id)?;
    // Refuse before a byte is stored when the caller could not record the redaction.
    let original = records::writable(&state, &caller, RecordKind::Evidence, id, "redact this item").await?;
    let (mut obj, stored) = super::upload::redaction_fields(&state, &caller, req).await?;
    let notes = match obj.remove("notes") {
        None => String::new(),
        Some(Value::String(s)) => s,
        Some(_) => return Err(ApiError::invalid_field("notes", "invalid", "must be text")),
    };
    for field in ["derived_from", "incident_ids", "person_ids", "organisation_id"] {
        if obj.contains_key(field) {
            return Err(ApiError::invalid_field(
                field,
                "read_only",
                "a redacted copy takes it from its original",
            ));
        }
    }
    obj.insert("derived_from".into(), Value::String(id.to_string()));
    obj.insert(
        "organisation_id".into(),
        Value::String(original.meta.organisation_id.to_string()),
    );
    for field in ["incident_ids", "person_ids"] {
        if let Some(v) = original.body.get(field) {
            obj.insert(field.into(), v.clone());
        }
    }
    let first = server_entry(
        &state,
        &caller,
        CustodyAction::Redacted,
        format!("redacted copy of evidence {id}: {notes}")
            .trim_end_matches([' ', ':'])
            .to_owned(),
        Some(id),
    );
    let copy = records::create_with::<Evidence>(&state, &caller, obj, chain_starting_with(&first)?).await?;
    super::upload::log_ingest(&state, &caller, copy.meta.id, &stored).await?;
    let entry = server_entry(&state, &caller, CustodyAction::Redacted, notes, Some(copy.meta.id));
    append_custody(&state, &caller, id, entry).await?;
    Ok(answer(&copy))
}
