//! Communications with international bodies beyond their records: letters from templates (a
//! preview of a draft, the frozen bytes once sent), sending, responses, evidence bundles sent
//! with a letter, and per-recipient tracking.
//!
//! A letter shows only what the caller may see: incidents they may not see are left out of it,
//! and the letter as sent is kept as an evidence item classified as high as the most protected
//! record it draws from.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use evidentia_model::communication::{Attachment, CommunicationStatus, FrozenLetter, Response as Reply, overdue_key};
use evidentia_model::evidence::CustodyAction;
use evidentia_model::{
    Classification, Communication, Incident, Involvement, PartialDate, Recipient, RecordBody, RecordKind,
};
use evidentia_reports::Language;
use evidentia_reports::letter::{self, BundleRef, LetterContext, LetterError, LetterIncident, LetterKind, Sender};
use evidentia_store::{ListQuery, RecordUpdate, StoredRecord};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tokio::io::AsyncReadExt;
use utoipa::ToSchema;
use uuid::Uuid;

use super::body::{JsonObject, typed};
use super::records;
use super::resources::CommunicationRecord;
use crate::AppState;
use crate::auth::Caller;
use crate::errors::{ApiError, ApiResult, Problem};

/// Longest letter template accepted.
pub const MAX_TEMPLATE_CHARS: usize = 64 * 1024;
/// Most records of one kind a letter, tracking table or report reads.
pub const MAX_RECORDS: usize = 100_000;
/// How often a change retries when another change landed between its read and its write.
const ATTEMPTS: usize = 5;

fn communication_id(id: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| ApiError::NotFound)
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(e.to_string())
}

/// Every record of `kind` the caller may see that links to each of `links`, in pages; reads of
/// confidential records are audited as for any list.
pub async fn all_visible(
    state: &AppState,
    caller: &Caller,
    kind: RecordKind,
    links: &[(&str, Uuid)],
) -> ApiResult<Vec<StoredRecord>> {
    let mut q = ListQuery::new(Some(kind), caller.viewer.clone());
    q.limit = super::params::MAX_LIMIT;
    q.links = links.iter().map(|(f, id)| ((*f).to_owned(), *id)).collect();
    let mut out = Vec::new();
    loop {
        let page = records::page(state, caller, &q).await?;
        out.extend(page.items);
        match page.next {
            Some(next) if out.len() < MAX_RECORDS => q.after = Some(next),
            _ => return Ok(out),
        }
    }
}

fn body_of<B: RecordBody>(r: &StoredRecord) -> ApiResult<B> {
    serde_json::from_value(r.body.clone()).map_err(|e| internal(format!("{} {}: {e}", r.kind, r.meta.id)))
}

fn letter_error(e: &LetterError) -> ApiError {
    let (code, message) = match e {
        LetterError::Syntax { line, message } => ("syntax", format!("line {line}: {message}")),
        LetterError::UnknownField { line, field } => ("unknown_field", format!("line {line}: unknown field `{field}`")),
        LetterError::Render { line, message } => ("invalid", format!("line {line}: {message}")),
    };
    ApiError::invalid_field("template", code, message)
}

fn check_template(template: Option<String>) -> ApiResult<Option<String>> {
    match template {
        Some(t) if t.chars().count() > MAX_TEMPLATE_CHARS => Err(ApiError::invalid_field(
            "template",
            "too_long",
            format!("must be at most {MAX_TEMPLATE_CHARS} characters"),
        )),
        Some(t) if t.trim().is_empty() => Ok(None),
        other => Ok(other),
    }
}

/// The letter's view of a communication: its recipient, the writing organisation, the incidents
/// the caller may see with their counts, and the latest bundle. Also the highest classification
/// of the records it draws from.
async fn letter_context(
    state: &AppState,
    caller: &Caller,
    record: &StoredRecord,
    communication: &Communication,
    sent_date: Option<PartialDate>,
) -> ApiResult<(LetterContext, Classification)> {
    let language: Language = communication
        .language
        .parse()
        .map_err(|e: String| ApiError::invalid_field("language", "invalid", e))?;
    let mut classification = record.meta.classification;
    let recipient = match communication.recipient_id {
        Some(id) => {
            let r = records::read_if_visible(state, caller, RecordKind::Recipient, id)
                .await?
                .ok_or_else(|| ApiError::invalid_field("recipient_id", "not_found", format!("no recipient {id}")))?;
            classification = classification.max(r.meta.classification);
            let body: Recipient = body_of(&r)?;
            letter::Recipient {
                name: body.name,
                kind: body.recipient_type.as_str().replace('_', " "),
                address: body.address,
            }
        }
        None => letter::Recipient::default(),
    };
    let sender = state
        .store
        .organisations()
        .await?
        .into_iter()
        .find(|o| o.id == record.meta.organisation_id)
        .map(|o| Sender {
            name: o.name,
            address: String::new(),
        })
        .unwrap_or_default();
    let vocabularies = state.vocabularies();
    let mut incidents = Vec::new();
    for id in &communication.incident_ids {
        let Some(r) = records::read_if_visible(state, caller, RecordKind::Incident, *id).await? else {
            continue;
        };
        classification = classification.max(r.meta.classification);
        let incident: Incident = body_of(&r)?;
        let involvements: Vec<Involvement> =
            all_visible(state, caller, RecordKind::Involvement, &[("incident_id", *id)])
                .await?
                .iter()
                .map(body_of)
                .collect::<ApiResult<_>>()?;
        let mut q = ListQuery::new(Some(RecordKind::Evidence), caller.viewer.clone());
        q.links.push(("incident_id".into(), *id));
        let evidence_count = u32::try_from(state.store.count(&q).await?).unwrap_or(u32::MAX);
        incidents.push(LetterIncident::from_incident(
            *id,
            &incident,
            &involvements,
            evidence_count,
            &vocabularies,
            language,
        ));
    }
    let bundle = communication.attachments.last().map(|a| BundleRef {
        file_name: a.file_name.clone(),
        sha256: a.sha256.clone(),
        size: a.size,
    });
    let kind = match communication.kind {
        evidentia_model::communication::CommunicationKind::Notification => LetterKind::Notification,
        evidentia_model::communication::CommunicationKind::Appeal => LetterKind::Appeal,
        evidentia_model::communication::CommunicationKind::FollowUp => LetterKind::FollowUp,
    };
    Ok((
        LetterContext {
            kind,
            language,
            recipient,
            sender,
            subject: communication.subject.clone(),
            body: communication.body.clone(),
            reference: communication.reference.clone(),
            sent_date: sent_date.or(communication.sent_at),
            incidents,
            bundle,
        },
        classification,
    ))
}

fn render(template: Option<&str>, ctx: &LetterContext) -> ApiResult<evidentia_reports::doc::Document> {
    match template {
        Some(t) => letter::render_letter(t, ctx),
        None => letter::render_default_letter(ctx),
    }
    .map_err(|e| letter_error(&e))
}

fn document_response(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut response = Body::from(bytes).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // The letter is the office's own document; nothing in it may run or load.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
        ),
    );
    response
}

/// The header saying whether a letter is the frozen one as sent.
pub const FROZEN_HEADER: &str = "x-evidentia-letter-frozen";

/// The letter of a communication: a preview rendered from the records now (a draft, or
/// `format=html`, or with `template`), or the exact PDF as sent once the communication was sent.
#[utoipa::path(get, path = "/communications/{id}/letter", tag = "communications",
    params(("id" = Uuid, Path),
        ("format" = Option<String>, Query, description = "pdf (default) or html"),
        ("template" = Option<String>, Query, description = "A minijinja letter template to preview instead of the default")),
    responses(
        (status = 200, content_type = "application/pdf", body = Vec<u8>,
            headers(("X-Evidentia-Letter-Frozen" = String, description = "true for the letter as sent"))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn letter(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let id = communication_id(&id)?;
    let mut pdf = true;
    let mut template = None;
    for (k, v) in form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "format" => {
                pdf = match v.as_ref() {
                    "pdf" => true,
                    "html" => false,
                    _ => return Err(ApiError::bad_field("format", "expected pdf or html")),
                }
            }
            "template" => template = Some(v.into_owned()),
            other => return Err(ApiError::bad_field(other, "is not a parameter of this request")),
        }
    }
    let template = check_template(template)?;
    let record = records::read(&state, &caller, RecordKind::Communication, id).await?;
    let communication: Communication = body_of(&record)?;
    if let (Some(frozen), true, None) = (&communication.letter, pdf, &template) {
        // The letter as sent, byte for byte, to those who may see the item that keeps it.
        let item = records::read(&state, &caller, RecordKind::Evidence, frozen.evidence_id).await?;
        let sha256 = item.body["file"]["sha256"].as_str().ok_or(ApiError::NotFound)?;
        let files = state
            .files
            .as_deref()
            .ok_or_else(|| ApiError::Unavailable("this server has no file store".into()))?;
        let mut reader = files.open(sha256).await.map_err(internal)?;
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await.map_err(internal)?;
        let mut response = document_response(bytes, "application/pdf", &format!("letter-{id}.pdf"));
        response
            .headers_mut()
            .insert(FROZEN_HEADER, HeaderValue::from_static("true"));
        return Ok(response);
    }
    let (ctx, _) = letter_context(&state, &caller, &record, &communication, None).await?;
    let doc = render(template.as_deref(), &ctx)?;
    let mut response = if pdf {
        let bytes = evidentia_reports::pdf::render(&doc).map_err(internal)?;
        document_response(bytes, "application/pdf", &format!("letter-{id}.pdf"))
    } else {
        document_response(
            evidentia_reports::html::render(&doc).into_bytes(),
            "text/html; charset=utf-8",
            &format!("letter-{id}.html"),
        )
    };
    response
        .headers_mut()
        .insert(FROZEN_HEADER, HeaderValue::from_static("false"));
    Ok(response)
}

/// Reads a communication the caller may change, applies `change` and stores the new version
/// with `events`; retried when another change landed in between (`change` sees the newest).
async fn modify(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    mut change: impl FnMut(&StoredRecord, &mut Communication) -> ApiResult<()>,
) -> ApiResult<StoredRecord> {
    let mut attempts = 0;
    loop {
        let current = records::writable(
            state,
            caller,
            RecordKind::Communication,
            id,
            "change this communication",
        )
        .await?;
        let mut body: Communication = body_of(&current)?;
        change(&current, &mut body)?;
        let vocabularies = state.vocabularies();
        evidentia_model::validate(&body, current.meta.classification, &vocabularies).map_err(ApiError::Validation)?;
        let update = RecordUpdate {
            kind: RecordKind::Communication,
            id,
            expected_version: current.meta.version,
            classification: current.meta.classification,
            body: serde_json::to_value(&body).map_err(internal)?,
            index: body.index(),
            at: state.clock.now(),
            by: caller.user_id().unwrap_or_default(),
            events: Vec::new(),
        };
        match state.store.update(update).await {
            Err(evidentia_store::StoreError::Conflict { .. }) if attempts + 1 < ATTEMPTS => attempts += 1,
            other => return Ok(other?),
        }
    }
}

fn answer(r: &StoredRecord) -> impl IntoResponse + use<> {
    (
        StatusCode::OK,
        records::record_headers(r, "communications"),
        Json(records::record_json(r)),
    )
}

/// A response from the recipient as a client records it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseInput {
    /// When it arrived (partial date); not before the communication was sent, not after today.
    #[schema(value_type = String)]
    pub received_at: PartialDate,
    #[serde(default)]
    pub summary: String,
    /// A reply on the substance, not only an acknowledgement.
    #[serde(default)]
    pub substantive: bool,
}

/// Records a response from the recipient. Responses are never rewritten; the communication
/// becomes `answered` with a substantive reply, `acknowledged` with another while it was `sent`.
#[utoipa::path(post, path = "/communications/{id}/responses", tag = "communications",
    params(("id" = Uuid, Path)),
    request_body(content = ResponseInput, content_type = "application/json"),
    responses(
        (status = 201, body = CommunicationRecord, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_response(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(obj): JsonObject,
) -> ApiResult<impl IntoResponse> {
    let id = communication_id(&id)?;
    let r = record_response(&state, &caller, id, obj).await?;
    Ok((
        StatusCode::CREATED,
        records::record_headers(&r, "communications"),
        Json(records::record_json(&r)),
    ))
}

/// Records a response (a [`ResponseInput`] object) and answers the communication's new version.
pub async fn record_response(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    obj: Map<String, Value>,
) -> ApiResult<StoredRecord> {
    // Refuse the caller who could not record it before reading the body's content.
    records::writable(
        state,
        caller,
        RecordKind::Communication,
        id,
        "change this communication",
    )
    .await?;
    let input: ResponseInput = typed(Value::Object(obj))?;
    let now = state.clock.now();
    if input.received_at.first_day() > now.date() {
        return Err(ApiError::invalid_field("received_at", "in_future", "is after today"));
    }
    modify(state, caller, id, |_, c| {
        match c.sent_at {
            None => {
                return Err(ApiError::invalid_field(
                    "received_at",
                    "not_sent",
                    "the communication has not been sent: record its sending first",
                ));
            }
            Some(sent) if input.received_at.last_day() < sent.first_day() => {
                return Err(ApiError::invalid_field(
                    "received_at",
                    "before_sending",
                    format!("is before the communication was sent ({sent})"),
                ));
            }
            Some(_) => {}
        }
        c.responses.push(Reply {
            received_at: input.received_at,
            summary: input.summary.clone(),
            substantive: input.substantive,
            recorded_by: caller.user_id(),
            recorded_at: PartialDate::Instant(now),
        });
        c.status = match (c.status, input.substantive) {
            (CommunicationStatus::Sent | CommunicationStatus::Acknowledged | CommunicationStatus::NoResponse, true) => {
                CommunicationStatus::Answered
            }
            (CommunicationStatus::Sent | CommunicationStatus::NoResponse, false) => CommunicationStatus::Acknowledged,
            (other, _) => other,
        };
        Ok(())
    })
    .await
}

/// How a letter is sent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendInput {
    /// A minijinja template to write the letter with instead of the default for its kind and
    /// language.
    pub template: Option<String>,
    /// The day it is sent (partial date); default today.
    #[schema(value_type = Option<String>)]
    pub sent_at: Option<PartialDate>,
    /// How it is sent (e-mail, post, …); default the communication's channel.
    pub channel: Option<String>,
}

/// Sends a draft: renders its letter to PDF, keeps the exact bytes as an evidence item (of kind
/// document, linked to the communication's incidents, its ingest logged) and marks the
/// communication sent with the date and the frozen letter. Refused without a recipient; a
/// template error is answered naming its line and field, and nothing is stored.
#[utoipa::path(post, path = "/communications/{id}/send", tag = "communications",
    params(("id" = Uuid, Path)),
    request_body(content = SendInput, content_type = "application/json"),
    responses(
        (status = 200, body = CommunicationRecord, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn send(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(obj): JsonObject,
) -> ApiResult<impl IntoResponse> {
    let id = communication_id(&id)?;
    let r = send_letter(&state, &caller, id, obj).await?;
    Ok(answer(&r))
}

/// Sends a draft as [`send`] describes, with a [`SendInput`] object, and answers the
/// communication's new version.
pub async fn send_letter(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    obj: Map<String, Value>,
) -> ApiResult<StoredRecord> {
    let record = records::writable(state, caller, RecordKind::Communication, id, "send this communication").await?;
    let input: SendInput = typed(Value::Object(obj))?;
    let template = check_template(input.template)?;
    let communication: Communication = body_of(&record)?;
    if communication.status != CommunicationStatus::Draft || communication.letter.is_some() {
        return Err(ApiError::Conflict(format!(
            "the communication is {}, not a draft: a letter is sent once",
            communication.status.as_str()
        )));
    }
    if communication.recipient_id.is_none() {
        return Err(ApiError::invalid_field(
            "recipient_id",
            "required",
            "name the recipient before sending",
        ));
    }
    let now = state.clock.now();
    let sent_at = input.sent_at.unwrap_or(PartialDate::Day(now.date()));
    if sent_at.first_day() > now.date() {
        return Err(ApiError::invalid_field("sent_at", "in_future", "is after today"));
    }
    if input.channel.as_deref().is_some_and(|c| c.chars().count() > 500) {
        return Err(ApiError::invalid_field(
            "channel",
            "too_long",
            "must be at most 500 characters",
        ));
    }
    let (ctx, classification) = letter_context(state, caller, &record, &communication, Some(sent_at)).await?;
    let doc = render(template.as_deref(), &ctx)?;
    let bytes = evidentia_reports::pdf::render(&doc).map_err(internal)?;
    let files = state
        .files
        .as_deref()
        .ok_or_else(|| ApiError::Unavailable("this server has no file store".into()))?;
    let size = bytes.len() as u64;
    let stored = files.put(&bytes[..], size.max(1)).await.map_err(internal)?;
    let incident_ids: Vec<Value> = ctx_incident_ids(state, caller, &communication).await?;
    let item = json!({
        "kind": "document",
        "title": format!("Letter as sent: {}", communication.subject),
        "description": format!("The letter of communication {id}, frozen when it was sent."),
        "file": {
            "sha256": stored.sha256,
            "size": stored.size,
            "media_type": "application/pdf",
            "original_name": format!("letter-{id}.pdf"),
        },
        "acquisition": "direct_upload",
        "incident_ids": incident_ids,
        "classification": classification.as_str(),
        "organisation_id": record.meta.organisation_id,
    });
    let Value::Object(item) = item else {
        return Err(internal("the letter's record is not an object"));
    };
    let first = super::custody::server_entry(
        state,
        caller,
        CustodyAction::Collected,
        format!("letter of communication {id} as sent"),
        None,
    );
    let evidence = records::create_with::<evidentia_model::Evidence>(
        state,
        caller,
        item,
        super::custody::chain_starting_with(&first)?,
    )
    .await?;
    super::upload::log_ingest(state, caller, evidence.meta.id, &stored).await?;
    let frozen = FrozenLetter {
        evidence_id: evidence.meta.id,
        sha256: stored.sha256.clone(),
        size: stored.size,
        media_type: "application/pdf".into(),
    };
    let channel = input.channel;
    modify(state, caller, id, |_, c| {
        if c.status != CommunicationStatus::Draft || c.letter.is_some() {
            return Err(ApiError::Conflict("the communication was sent meanwhile".into()));
        }
        c.status = CommunicationStatus::Sent;
        c.sent_at = Some(sent_at);
        c.letter = Some(frozen.clone());
        if let Some(ch) = &channel {
            c.channel = Some(ch.clone());
        }
        Ok(())
    })
    .await
}

/// The incidents of a communication that the caller may see, as JSON ids.
async fn ctx_incident_ids(state: &AppState, caller: &Caller, c: &Communication) -> ApiResult<Vec<Value>> {
    let mut out = Vec::new();
    for id in &c.incident_ids {
        if records::read_if_visible(state, caller, RecordKind::Incident, *id)
            .await?
            .is_some()
        {
            out.push(Value::String(id.to_string()));
        }
    }
    Ok(out)
}

/// The incident whose bundle is attached.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachInput {
    /// One of the communication's incidents.
    pub incident_id: Uuid,
}

/// Writes the evidence bundle of one of the communication's incidents (as the caller may see
/// it), keeps the zip as a confidential evidence item and records its SHA-256 in the
/// communication's attachments, so that the letter prints it.
#[utoipa::path(post, path = "/communications/{id}/bundle", tag = "communications",
    params(("id" = Uuid, Path)),
    request_body(content = AttachInput, content_type = "application/json"),
    responses(
        (status = 201, body = CommunicationRecord, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn attach_bundle(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(obj): JsonObject,
) -> ApiResult<impl IntoResponse> {
    let id = communication_id(&id)?;
    let record = records::writable(
        &state,
        &caller,
        RecordKind::Communication,
        id,
        "attach evidence to this communication",
    )
    .await?;
    let input: AttachInput = typed(Value::Object(obj))?;
    let communication: Communication = body_of(&record)?;
    if communication.letter.is_some() {
        return Err(ApiError::Conflict(
            "the letter was sent: its attachments are final".into(),
        ));
    }
    if !communication.incident_ids.contains(&input.incident_id)
        || records::read_if_visible(&state, &caller, RecordKind::Incident, input.incident_id)
            .await?
            .is_none()
    {
        return Err(ApiError::invalid_field(
            "incident_id",
            "not_linked",
            "is not one of this communication's incidents",
        ));
    }
    let signer = state
        .log_signer
        .as_deref()
        .ok_or_else(|| ApiError::Unavailable("this server has no log-signing key".into()))?;
    let files = state
        .files
        .clone()
        .ok_or_else(|| ApiError::Unavailable("this server has no file store".into()))?;
    let request = evidentia_archive::BundleRequest {
        incident_id: input.incident_id,
        viewer: caller.viewer.clone(),
        exported_by: caller.user_id(),
        at: state.clock.now(),
    };
    let file = tempfile::tempfile().map_err(|e| internal(format!("temporary file: {e}")))?;
    let writing = file.try_clone().map_err(|e| internal(format!("temporary file: {e}")))?;
    let written = evidentia_archive::write_bundle(state.store.as_ref(), Some(files.clone()), signer, &request, writing)
        .await
        .map_err(|e| match e {
            evidentia_archive::BundleError::NoIncident(_) => ApiError::NotFound,
            evidentia_archive::BundleError::Store(e) => e.into(),
            other => internal(other),
        })?;
    let mut file = file;
    std::io::Seek::rewind(&mut file).map_err(internal)?;
    let stored = files
        .put(tokio::fs::File::from_std(file), written.size.max(1))
        .await
        .map_err(internal)?;
    if stored.sha256 != written.sha256 {
        return Err(internal("the stored bundle differs from the one written"));
    }
    let file_name = format!("evidence-bundle-{}.zip", input.incident_id);
    let item = json!({
        "kind": "other",
        "title": format!("Evidence bundle sent with: {}", communication.subject),
        "file": {
            "sha256": stored.sha256,
            "size": stored.size,
            "media_type": "application/zip",
            "original_name": file_name,
        },
        "incident_ids": [input.incident_id],
        // A bundle holds everything its writer could see of the incident.
        "classification": Classification::Confidential.as_str(),
        "organisation_id": record.meta.organisation_id,
    });
    let Value::Object(item) = item else {
        return Err(internal("the bundle's record is not an object"));
    };
    let first = super::custody::server_entry(
        &state,
        &caller,
        CustodyAction::Exported,
        format!("evidence bundle for communication {id}"),
        None,
    );
    let evidence = records::create_with::<evidentia_model::Evidence>(
        &state,
        &caller,
        item,
        super::custody::chain_starting_with(&first)?,
    )
    .await?;
    super::upload::log_ingest(&state, &caller, evidence.meta.id, &stored).await?;
    let attachment = Attachment {
        evidence_id: evidence.meta.id,
        incident_id: input.incident_id,
        sha256: stored.sha256.clone(),
        size: stored.size,
        file_name,
    };
    let r = modify(&state, &caller, id, |_, c| {
        if c.letter.is_some() {
            return Err(ApiError::Conflict("the letter was sent meanwhile".into()));
        }
        c.attachments.push(attachment.clone());
        Ok(())
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        records::record_headers(&r, "communications"),
        Json(records::record_json(&r)),
    ))
}

/// What came of the communications to one recipient.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RecipientTracking {
    /// `null` for communications without a recipient the caller may see.
    pub recipient_id: Option<Uuid>,
    pub name: String,
    /// Communications sent (every status but draft).
    pub sent: u64,
    /// Sent communications with a response of any kind, or marked acknowledged or answered.
    pub acknowledged: u64,
    /// Sent communications with a substantive reply.
    pub substantive_replies: u64,
    /// Sent communications with no response recorded.
    pub no_response: u64,
    /// Sent communications waiting for a substantive reply past their due date.
    pub overdue: u64,
    /// Median of the days from sending to the first substantive reply; `null` with none.
    pub median_days_to_reply: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrackingTable {
    pub items: Vec<RecipientTracking>,
}

/// The median of whole days; `None` for none.
pub fn median(values: &mut [i64]) -> Option<f64> {
    values.sort_unstable();
    let n = values.len();
    if n == 0 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)] // days fit an f64 exactly
    let at = |i: usize| values[i] as f64;
    Some(if n % 2 == 1 {
        at(n / 2)
    } else {
        f64::midpoint(at(n / 2 - 1), at(n / 2))
    })
}

/// Tracking figures per recipient over the communications the caller may see.
pub fn tracking(
    communications: &[Communication],
    recipients: &[(Uuid, String)],
    today: time::Date,
) -> Vec<RecipientTracking> {
    let mut rows: Vec<(RecipientTracking, Vec<i64>)> = recipients
        .iter()
        .map(|(id, name)| {
            (
                RecipientTracking {
                    recipient_id: Some(*id),
                    name: name.clone(),
                    sent: 0,
                    acknowledged: 0,
                    substantive_replies: 0,
                    no_response: 0,
                    overdue: 0,
                    median_days_to_reply: None,
                },
                Vec::new(),
            )
        })
        .collect();
    for c in communications {
        let Some(sent) = c.sent_at.filter(|_| c.status != CommunicationStatus::Draft) else {
            continue;
        };
        let at = match c
            .recipient_id
            .and_then(|id| rows.iter().position(|(r, _)| r.recipient_id == Some(id)))
        {
            Some(i) => i,
            None => match rows.iter().position(|(r, _)| r.recipient_id.is_none()) {
                Some(i) => i,
                None => {
                    rows.push((
                        RecipientTracking {
                            recipient_id: None,
                            name: String::new(),
                            sent: 0,
                            acknowledged: 0,
                            substantive_replies: 0,
                            no_response: 0,
                            overdue: 0,
                            median_days_to_reply: None,
                        },
                        Vec::new(),
                    ));
                    rows.len() - 1
                }
            },
        };
        let (row, days) = &mut rows[at];
        row.sent += 1;
        if !c.responses.is_empty()
            || matches!(
                c.status,
                CommunicationStatus::Acknowledged | CommunicationStatus::Answered
            )
        {
            row.acknowledged += 1;
        } else {
            row.no_response += 1;
        }
        let first_reply = c
            .responses
            .iter()
            .filter(|r| r.substantive)
            .map(|r| r.received_at.first_day())
            .min();
        if let Some(reply) = first_reply {
            row.substantive_replies += 1;
            days.push((reply - sent.first_day()).whole_days().max(0));
        }
        if c.overdue(today) {
            row.overdue += 1;
        }
    }
    rows.into_iter()
        .map(|(mut row, mut days)| {
            row.median_days_to_reply = median(&mut days);
            row
        })
        .collect()
}

/// Per recipient: communications sent, acknowledged, answered on the substance, without any
/// response, overdue, and the median days to a substantive reply — over the communications and
/// recipients the caller may see.
#[utoipa::path(get, path = "/communications/tracking", tag = "communications",
    responses(
        (status = 200, body = TrackingTable),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn tracking_table(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<TrackingTable>> {
    if caller.user_id().is_none() {
        return Err(ApiError::Unauthorized("sign in to see communications".into()));
    }
    let items = tracking_for(&state, &caller).await?;
    Ok(Json(TrackingTable { items }))
}

/// The tracking rows the caller may see (for the API and the dashboard).
pub async fn tracking_for(state: &AppState, caller: &Caller) -> ApiResult<Vec<RecipientTracking>> {
    let recipients: Vec<(Uuid, String)> = all_visible(state, caller, RecordKind::Recipient, &[])
        .await?
        .iter()
        .map(|r| (r.meta.id, r.body["name"].as_str().unwrap_or_default().to_owned()))
        .collect();
    let communications: Vec<Communication> = all_visible(state, caller, RecordKind::Communication, &[])
        .await?
        .iter()
        .map(body_of)
        .collect::<ApiResult<_>>()?;
    let mut rows = tracking(&communications, &recipients, state.clock.now().date());
    rows.sort_by(|a, b| b.sent.cmp(&a.sent).then_with(|| a.name.cmp(&b.name)));
    Ok(rows)
}

/// The communications waiting for a reply past their due date, that the caller may see, most
/// overdue first (for the dashboard).
pub async fn overdue_for(state: &AppState, caller: &Caller, limit: u32) -> ApiResult<Vec<StoredRecord>> {
    let mut q = ListQuery::new(Some(RecordKind::Communication), caller.viewer.clone());
    q.terms.push(evidentia_model::communication::AWAITING_TERM.to_owned());
    q.period = Some((i32::MIN, overdue_key(state.clock.now().date())));
    q.sort = evidentia_store::Sort::OccurredAsc;
    q.limit = limit;
    Ok(records::page(state, caller, &q).await?.items)
}
