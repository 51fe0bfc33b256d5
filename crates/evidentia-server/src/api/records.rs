//! What every kind of record shares over HTTP: create, read, change with `If-Match`, list,
//! history. The per-kind handlers in [`super::resources`] are thin wrappers over these.

use axum::http::{HeaderMap, HeaderValue, header};
use evidentia_model::{Classification, Meta, RecordBody, RecordKind, Viewer};
use evidentia_store::{ListQuery, NewRecord, RecordUpdate, StoredRecord};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::body::typed;
use super::params::encode_cursor;
use crate::AppState;
use crate::auth::Caller;
use crate::errors::{ApiError, ApiResult};

/// Fields the server sets; a client may read them but never write them.
const SERVER_FIELDS: &[&str] = &["id", "version", "created_at", "created_by", "updated_at", "updated_by"];

/// A record as the API shows it: meta fields and content side by side.
pub fn record_json(r: &StoredRecord) -> Value {
    let mut out = match serde_json::to_value(&r.meta) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    if let Value::Object(body) = &r.body {
        for (k, v) in body {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

/// A record of a kind that lists several kinds (search).
pub fn tagged_record_json(r: &StoredRecord) -> Value {
    let mut v = record_json(r);
    if let Value::Object(m) = &mut v {
        m.insert("kind".into(), Value::String(r.kind.as_str().to_owned()));
    }
    v
}

/// `ETag` and `Location` for a record answer.
pub fn record_headers(r: &StoredRecord, path: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", r.meta.version)) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/{path}/{}", r.meta.id)) {
        h.insert(header::LOCATION, v);
    }
    h
}

/// The version an `If-Match` header names: `3`, `"3"` or `W/"3"`.
pub fn if_match(headers: &HeaderMap) -> ApiResult<i64> {
    let value = headers.get(header::IF_MATCH).ok_or(ApiError::PreconditionRequired)?;
    let text = value
        .to_str()
        .map_err(|_| ApiError::bad_field("If-Match", "is not readable text"))?;
    let text = text.trim().trim_start_matches("W/").trim_matches('"');
    text.parse::<i64>()
        .ok()
        .filter(|v| *v >= 1)
        .ok_or_else(|| ApiError::bad_field("If-Match", "must be the record's version, e.g. \"3\""))
}

fn take_classification(obj: &mut Map<String, Value>, default: Classification) -> ApiResult<Classification> {
    match obj.remove("classification") {
        None | Some(Value::Null) => Ok(default),
        Some(Value::String(s)) => s
            .parse()
            .map_err(|e: String| ApiError::invalid_field("classification", "invalid", e)),
        Some(_) => Err(ApiError::invalid_field("classification", "invalid", "must be a string")),
    }
}

fn refuse_server_fields<B: RecordBody>(obj: &Map<String, Value>) -> ApiResult<()> {
    let read_only = SERVER_FIELDS
        .iter()
        .filter(|f| obj.contains_key(**f))
        .map(|f| evidentia_model::FieldError {
            field: (*f).to_owned(),
            code: "read_only".into(),
            message: "is set by the server".into(),
        });
    let owned = B::SERVER_OWNED
        .iter()
        .filter(|(f, _)| obj.contains_key(*f))
        .map(|(f, set_by)| evidentia_model::FieldError {
            field: (*f).to_owned(),
            code: set_by.code().into(),
            message: set_by.message(B::KIND.collection()),
        });
    let errors: Vec<_> = read_only.chain(owned).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// 401 for the public, 403 for staff whose role does not allow `what`.
pub fn unauthorised_or_forbidden(viewer: &Viewer, what: &str) -> ApiError {
    match viewer {
        Viewer::Public => ApiError::Unauthorized(format!("sign in to {what}")),
        _ => ApiError::Forbidden(format!("your role does not allow you to {what}")),
    }
}

fn kind_of_link(field: &str) -> Option<RecordKind> {
    match field {
        "incident_id" => Some(RecordKind::Incident),
        "person_id" => Some(RecordKind::Person),
        "derived_from" | "evidence_id" => Some(RecordKind::Evidence),
        "recipient_id" => Some(RecordKind::Recipient),
        "follows_id" => Some(RecordKind::Communication),
        "identified_as" => Some(RecordKind::Person),
        "grave_site_id" => Some(RecordKind::GraveSite),
        "exhumation_id" => Some(RecordKind::Exhumation),
        "remains_id" => Some(RecordKind::Remains),
        _ => None,
    }
}

/// Every record a new body links to must exist and be visible to the caller; the answer does
/// not tell a hidden record from a missing one.
pub(crate) async fn check_links<B: RecordBody>(state: &AppState, viewer: &Viewer, body: &B) -> ApiResult<()> {
    let mut errors = Vec::new();
    for (field, id) in body.index().links {
        let Some(kind) = kind_of_link(field) else {
            continue;
        };
        let visible = match state.store.get(kind, id).await {
            Ok(r) => viewer.may_read(r.meta.organisation_id, r.meta.classification, r.published),
            Err(evidentia_store::StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        };
        if !visible {
            let listed = matches!(field, "incident_id" | "person_id" | "evidence_id");
            let field = if listed && matches!(B::KIND, RecordKind::Evidence | RecordKind::Communication) {
                format!("{field}s")
            } else {
                field.to_owned()
            };
            errors.push(evidentia_model::FieldError {
                field,
                code: "not_found".into(),
                message: format!("no {kind} {id}"),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

pub(crate) fn validate<B: RecordBody>(state: &AppState, body: &B, classification: Classification) -> ApiResult<()> {
    let vocabularies = state.vocabularies();
    let mut errors = evidentia_model::validate(body, classification, &vocabularies)
        .err()
        .unwrap_or_default();
    let mut dates = evidentia_model::FieldErrors::new();
    body.validate_dates(state.clock.now().date(), &mut dates);
    errors.extend(dates.into_vec());
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Creates a record from a JSON object of its fields plus `classification` (default
/// `internal`) and `organisation_id` (default: the caller's first organisation they may write in).
pub async fn create<B: RecordBody>(
    state: &AppState,
    caller: &Caller,
    obj: Map<String, Value>,
) -> ApiResult<StoredRecord> {
    create_with::<B>(state, caller, obj, Map::new()).await
}

/// Creates a record as [`create`] does, with fields the server sets itself (`server`, e.g. the
/// first entry of an evidence item's chain of custody) added after the caller's are checked.
pub async fn create_with<B: RecordBody>(
    state: &AppState,
    caller: &Caller,
    mut obj: Map<String, Value>,
    server: Map<String, Value>,
) -> ApiResult<StoredRecord> {
    let viewer = &caller.viewer;
    refuse_server_fields::<B>(&obj)?;
    obj.extend(server);
    let classification = take_classification(&mut obj, Classification::Internal)?;
    let organisation_id = match obj.remove("organisation_id") {
        None | Some(Value::Null) => match viewer {
            Viewer::Staff { memberships, .. } => memberships
                .iter()
                .find(|(_, role)| role.can_write())
                .map(|(org, _)| *org)
                .ok_or_else(|| unauthorised_or_forbidden(viewer, "create records"))?,
            _ => return Err(unauthorised_or_forbidden(viewer, "create records")),
        },
        Some(v) => {
            typed::<Uuid>(v).map_err(|_| ApiError::invalid_field("organisation_id", "invalid", "is not a UUID"))?
        }
    };
    if !viewer.may_write(organisation_id) {
        return Err(unauthorised_or_forbidden(viewer, "create records in this organisation"));
    }
    let body: B = typed(Value::Object(obj))?;
    validate(state, &body, classification)?;
    check_links(state, viewer, &body).await?;
    let now = state.clock.now();
    let by = viewer.user_id().unwrap_or_default();
    let meta = Meta {
        id: state.clock.new_id(),
        organisation_id,
        classification,
        created_at: now,
        created_by: by,
        updated_at: now,
        updated_by: by,
        version: 1,
    };
    let index = body.index();
    let record = StoredRecord {
        kind: B::KIND,
        meta: meta.clone(),
        published: index.published,
        body: serde_json::to_value(&body).map_err(|e| ApiError::Internal(e.to_string()))?,
    };
    state
        .store
        .insert(vec![NewRecord {
            kind: B::KIND,
            meta,
            body: record.body.clone(),
            index,
        }])
        .await?;
    Ok(record)
}

/// What is wrong with the fields of a new record, without creating it or checking its links
/// (forms use it to report every problem at once). The same parsing and validation as `create`.
pub fn check<B: RecordBody>(state: &AppState, mut obj: Map<String, Value>) -> ApiResult<()> {
    refuse_server_fields::<B>(&obj)?;
    let classification = take_classification(&mut obj, Classification::Internal)?;
    obj.remove("organisation_id");
    let body: B = typed(Value::Object(obj))?;
    validate(state, &body, classification)
}

/// A record the caller may see, or 404, without recording a read (for checks).
async fn visible(state: &AppState, viewer: &Viewer, kind: RecordKind, id: Uuid) -> ApiResult<StoredRecord> {
    let r = state.store.get(kind, id).await?;
    if viewer.may_read(r.meta.organisation_id, r.meta.classification, r.published) {
        Ok(r)
    } else {
        Err(ApiError::NotFound)
    }
}

/// A record the caller may see, or 404; reads of confidential records are audited.
pub async fn read(state: &AppState, caller: &Caller, kind: RecordKind, id: Uuid) -> ApiResult<StoredRecord> {
    let r = visible(state, &caller.viewer, kind, id).await?;
    crate::audit::confidential_reads(state, caller, [&r]).await?;
    Ok(r)
}

/// A record the caller may see, or `None` (hidden and missing alike); reads of confidential
/// records are audited.
pub async fn read_if_visible(
    state: &AppState,
    caller: &Caller,
    kind: RecordKind,
    id: Uuid,
) -> ApiResult<Option<StoredRecord>> {
    match read(state, caller, kind, id).await {
        Ok(r) => Ok(Some(r)),
        Err(ApiError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Reads a record the caller may change: 404 unless they may see it, then 401/403 naming `what`
/// unless they may write it.
pub async fn writable(
    state: &AppState,
    caller: &Caller,
    kind: RecordKind,
    id: Uuid,
    what: &str,
) -> ApiResult<StoredRecord> {
    let r = read(state, caller, kind, id).await?;
    if caller.viewer.may_write(r.meta.organisation_id) {
        Ok(r)
    } else {
        Err(unauthorised_or_forbidden(&caller.viewer, what))
    }
}

/// Answers 404 unless the caller may see the record (nothing is read out, nothing audited).
pub async fn require_visible(state: &AppState, caller: &Caller, kind: RecordKind, id: Uuid) -> ApiResult<()> {
    visible(state, &caller.viewer, kind, id).await.map(|_| ())
}

/// RFC 7396 JSON merge patch.
fn merge_patch(target: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (k, v) in patch {
        match v {
            Value::Null => {
                target.remove(&k);
            }
            Value::Object(p) => {
                let entry = target.entry(k).or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    *entry = Value::Object(Map::new());
                }
                if let Value::Object(t) = entry {
                    merge_patch(t, p);
                }
            }
            other => {
                target.insert(k, other);
            }
        }
    }
}

/// Applies a JSON merge patch to a record at the version named by `If-Match`.
pub async fn patch<B: RecordBody>(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    expected_version: i64,
    patch: Map<String, Value>,
) -> ApiResult<StoredRecord> {
    let viewer = &caller.viewer;
    refuse_server_fields::<B>(&patch)?;
    if patch.contains_key("organisation_id") {
        return Err(ApiError::invalid_field(
            "organisation_id",
            "read_only",
            "a record's owner does not change",
        ));
    }
    let current = writable(state, caller, B::KIND, id, "change this record").await?;
    if current.meta.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: current.meta.version,
        });
    }
    let mut doc = match current.body {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    doc.insert(
        "classification".into(),
        Value::String(current.meta.classification.as_str().to_owned()),
    );
    merge_patch(&mut doc, patch);
    let classification = take_classification(&mut doc, current.meta.classification)?;
    let body: B = typed(Value::Object(doc))?;
    validate(state, &body, classification)?;
    check_links(state, viewer, &body).await?;
    let update = RecordUpdate {
        kind: B::KIND,
        id,
        expected_version,
        classification,
        body: serde_json::to_value(&body).map_err(|e| ApiError::Internal(e.to_string()))?,
        index: body.index(),
        at: state.clock.now(),
        by: viewer.user_id().unwrap_or_default(),
        events: Vec::new(),
    };
    Ok(state.store.update(update).await?)
}

/// How often an append retries when another change landed between its read and its write.
const APPEND_ATTEMPTS: usize = 5;

/// Appends `entry` to the append-only list `field` of a record the caller may change, with
/// `events` logged in the same transaction. Appends commute, so no `If-Match` is needed: a
/// concurrent change makes the append read the record again.
pub async fn append<B: RecordBody>(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    field: &str,
    entry: Value,
    events: Vec<evidentia_log::Event>,
) -> ApiResult<StoredRecord> {
    debug_assert!(
        B::SERVER_OWNED
            .iter()
            .any(|(f, set_by)| *f == field && matches!(set_by, evidentia_model::SetBy::Appending(_)))
    );
    let viewer = &caller.viewer;
    let mut attempts = 0;
    loop {
        let current = writable(state, caller, B::KIND, id, "change this record").await?;
        let mut doc = match current.body {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        match doc.entry(field.to_owned()).or_insert_with(|| Value::Array(Vec::new())) {
            Value::Array(list) => list.push(entry.clone()),
            _ => return Err(ApiError::Internal(format!("{} {id}: {field} is not a list", B::KIND))),
        }
        let body: B = typed(Value::Object(doc))?;
        validate(state, &body, current.meta.classification)?;
        let update = RecordUpdate {
            kind: B::KIND,
            id,
            expected_version: current.meta.version,
            classification: current.meta.classification,
            body: serde_json::to_value(&body).map_err(|e| ApiError::Internal(e.to_string()))?,
            index: body.index(),
            at: state.clock.now(),
            by: viewer.user_id().unwrap_or_default(),
            events: events.clone(),
        };
        match state.store.update(update).await {
            Err(evidentia_store::StoreError::Conflict { .. }) if attempts + 1 < APPEND_ATTEMPTS => attempts += 1,
            other => return Ok(other?),
        }
    }
}

/// A page of the records the query's viewer may see, and where the next page starts; reads of
/// confidential records are audited.
pub async fn page(state: &AppState, caller: &Caller, query: &ListQuery) -> ApiResult<evidentia_store::Page> {
    let page = state.store.list(query).await?;
    crate::audit::confidential_reads(state, caller, &page.items).await?;
    Ok(page)
}

/// A page of records as `{"items": [...], "next_cursor": ...}`.
pub async fn list(state: &AppState, caller: &Caller, query: &ListQuery, tagged: bool) -> ApiResult<Value> {
    let page = page(state, caller, query).await?;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|r| if tagged { tagged_record_json(r) } else { record_json(r) })
        .collect();
    Ok(serde_json::json!({
        "items": items,
        "next_cursor": page.next.map(encode_cursor),
    }))
}

/// Every version of a record the caller may see, oldest first.
pub async fn versions(
    state: &AppState,
    caller: &Caller,
    kind: RecordKind,
    id: Uuid,
) -> ApiResult<Vec<evidentia_store::HistoryEntry>> {
    read(state, caller, kind, id).await?;
    Ok(state.store.history(kind, id).await?)
}

/// Every version of a record the caller may see, oldest first, as a list answer.
pub async fn history(state: &AppState, caller: &Caller, kind: RecordKind, id: Uuid) -> ApiResult<Value> {
    let versions = versions(state, caller, kind, id).await?;
    Ok(serde_json::json!({ "items": versions, "next_cursor": null }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let Value::Object(mut doc) = json!({"a": "b", "c": {"d": "e", "f": "g"}}) else {
            unreachable!()
        };
        let Value::Object(patch) = json!({"a": "z", "c": {"f": null}}) else {
            unreachable!()
        };
        merge_patch(&mut doc, patch);
        assert_eq!(Value::Object(doc), json!({"a": "z", "c": {"d": "e"}}));
    }

    #[test]
    fn if_match_forms() {
        let mut h = HeaderMap::new();
        assert!(matches!(if_match(&h), Err(ApiError::PreconditionRequired)));
        for v in ["3", "\"3\"", "W/\"3\""] {
            h.insert(header::IF_MATCH, HeaderValue::from_static(v));
            assert_eq!(if_match(&h).unwrap(), 3);
        }
        h.insert(header::IF_MATCH, HeaderValue::from_static("\"x\""));
        assert!(matches!(if_match(&h), Err(ApiError::BadRequest(..))));
    }
}
