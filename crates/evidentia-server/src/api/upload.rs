//! Evidence files over HTTP: uploads (`multipart/form-data` with the file in the part `file`, or
//! a raw body with the record's fields in the query string), streamed into the content-addressed
//! file store while they are hashed, and downloads, always as attachments.
//!
//! A file never sits in memory whole, and its original name is kept as data only: the store names
//! files by their SHA-256. An upload that is cut off, too large or empty leaves nothing stored and
//! nothing logged; the record is created (and its creation and the file's ingest logged) only
//! once the whole file is stored.

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use evidentia_files::{Error as FileError, FileStore, StoredFile};
use evidentia_log::{Event, EventKind};
use evidentia_model::evidence::{CustodyAction, EvidenceKind, FileRef};
use evidentia_model::{Evidence, PartialDate, RecordBody, RecordKind, Viewer};
use evidentia_store::StoredRecord;
use futures_util::TryStreamExt;
use serde_json::{Map, Value};
use tokio_util::io::StreamReader;
use uuid::Uuid;

use super::body::JsonObject;
use crate::AppState;
use crate::auth::Caller;
use crate::errors::{ApiError, ApiResult};

/// Fields an upload may carry besides the file, and whether they repeat.
const LIST_FIELDS: &[(&str, &str)] = &[("incident_id", "incident_ids"), ("person_id", "person_ids")];
/// Longest text field of a multipart upload.
const MAX_FIELD_BYTES: usize = 64 * 1024;

fn files(state: &AppState) -> ApiResult<&FileStore> {
    state
        .files
        .as_deref()
        .ok_or_else(|| ApiError::Unavailable("this server has no file store".into()))
}

fn file_error(e: FileError, limit: u64) -> ApiError {
    match e {
        FileError::Empty => ApiError::invalid_field("file", "required", "the file is empty"),
        FileError::TooLarge { .. } => ApiError::PayloadTooLarge(usize::try_from(limit).unwrap_or(usize::MAX)),
        FileError::Incomplete { .. } => {
            ApiError::BadRequest("the upload was cut off: nothing was stored".into(), Vec::new())
        }
        other => ApiError::Internal(other.to_string()),
    }
}

fn add_field(obj: &mut Map<String, Value>, name: &str, value: String) -> ApiResult<()> {
    if let Some((_, list)) = LIST_FIELDS.iter().find(|(one, many)| *one == name || *many == name) {
        let entry = obj
            .entry((*list).to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(a) = entry {
            a.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| Value::String(v.to_owned())),
            );
        }
        return Ok(());
    }
    if matches!(
        name,
        "file" | "extracted_metadata" | "perceptual_hash" | "thumbnail_sha256"
    ) {
        return Err(ApiError::invalid_field(
            name,
            "read_only",
            "is set from the uploaded file",
        ));
    }
    // Numbers and objects (reliability, captured_location) may be sent as JSON text.
    let parsed = match serde_json::from_str::<Value>(&value) {
        Ok(v @ (Value::Object(_) | Value::Bool(_))) => v,
        _ => Value::String(value),
    };
    obj.insert(name.to_owned(), parsed);
    Ok(())
}

/// Refuses before any byte is stored when the caller could not create the record anyway.
fn may_upload(caller: &Caller) -> ApiResult<()> {
    match &caller.viewer {
        Viewer::Public => Err(ApiError::Unauthorized("sign in to upload evidence".into())),
        Viewer::Staff { memberships, .. } if !memberships.iter().any(|(_, r)| r.can_write()) => Err(
            ApiError::Forbidden("your role does not allow you to upload evidence".into()),
        ),
        _ => Ok(()),
    }
}

/// What a stored file says about itself, as an evidence item's fields.
#[derive(Debug, Clone)]
pub struct FileFacts {
    pub file: FileRef,
    pub kind: EvidenceKind,
    pub captured_at: Option<PartialDate>,
    pub extracted_metadata: Value,
    pub perceptual_hash: Option<String>,
    pub thumbnail_sha256: Option<String>,
}

/// A capture time as a partial date: an instant when the file gives its offset from UTC; without
/// one (EXIF's DateTimeOriginal usually has none) the local time is no instant, so the day is what
/// is known. The metadata keeps the time as found.
fn captured_date(found: &str) -> Option<PartialDate> {
    found.parse().ok().or_else(|| found.get(..10)?.parse().ok())
}

/// Describes a stored file: its metadata, the kind of item it suggests, and for pictures a
/// perceptual hash and a stored thumbnail. Shared by uploads and `evidentia ingest`.
pub async fn describe_file(
    files: &FileStore,
    stored: &StoredFile,
    declared: Option<&str>,
    original_name: Option<&str>,
) -> Result<FileFacts, FileError> {
    let metadata = files.extract_metadata(&stored.sha256, declared).await?;
    let picture = files.picture_facts(&stored.sha256).await?;
    let name = original_name.map(|n| n.chars().filter(|c| !c.is_control()).take(1024).collect());
    Ok(FileFacts {
        kind: EvidenceKind::from_media_type(&metadata.media_type),
        captured_at: metadata.captured_at.as_deref().and_then(captured_date),
        file: FileRef {
            sha256: stored.sha256.clone(),
            size: stored.size,
            media_type: metadata.media_type.clone(),
            original_name: name,
        },
        extracted_metadata: serde_json::to_value(&metadata).unwrap_or(Value::Null),
        perceptual_hash: picture.as_ref().map(|p| format!("{:016x}", p.perceptual_hash)),
        thumbnail_sha256: picture.map(|p| p.thumbnail_sha256),
    })
}

/// Completes the record's fields from the stored file; fields the uploader sent are kept.
async fn describe(
    state: &AppState,
    obj: &mut Map<String, Value>,
    stored: &StoredFile,
    declared: Option<&str>,
    original_name: Option<String>,
) -> ApiResult<()> {
    let facts = describe_file(files(state)?, stored, declared, original_name.as_deref())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    obj.entry("kind")
        .or_insert_with(|| Value::String(facts.kind.as_str().into()));
    if let Some(captured) = facts.captured_at {
        obj.entry("captured_at")
            .or_insert_with(|| Value::String(captured.to_string()));
    }
    if let Some(n) = &facts.file.original_name {
        obj.entry("title").or_insert_with(|| Value::String(n.clone()));
    }
    obj.insert(
        "file".into(),
        serde_json::to_value(&facts.file).map_err(|e| ApiError::Internal(e.to_string()))?,
    );
    obj.insert("extracted_metadata".into(), facts.extracted_metadata);
    if let (Some(hash), Some(thumbnail)) = (facts.perceptual_hash, facts.thumbnail_sha256) {
        obj.insert("perceptual_hash".into(), Value::String(hash));
        obj.insert("thumbnail_sha256".into(), Value::String(thumbnail));
    }
    Ok(())
}

async fn from_multipart(state: &AppState, req: Request) -> ApiResult<(Map<String, Value>, StoredFile)> {
    let limit = state.config.max_upload_bytes;
    let mut multipart = Multipart::from_request(req, state)
        .await
        .map_err(|e| ApiError::BadRequest(format!("not a readable multipart body: {e}"), Vec::new()))?;
    let mut obj = Map::new();
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::BadRequest(format!("the multipart body is malformed: {e}"), Vec::new()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if file.is_some() {
                return Err(ApiError::invalid_field(
                    "file",
                    "invalid",
                    "send one file per evidence item",
                ));
            }
            let original = field.file_name().map(str::to_owned);
            let declared = field.content_type().map(str::to_owned);
            let reader = StreamReader::new(field.map_err(std::io::Error::other));
            let stored = files(state)?
                .put(reader, limit)
                .await
                .map_err(|e| file_error(e, limit))?;
            file = Some((stored, declared, original));
        } else {
            let bytes = field
                .bytes()
                .await
                .map_err(|e| ApiError::BadRequest(format!("the part {name:?} is malformed: {e}"), Vec::new()))?;
            if bytes.len() > MAX_FIELD_BYTES {
                return Err(ApiError::invalid_field(&name, "too_long", "is too long"));
            }
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| ApiError::invalid_field(&name, "invalid", "is not UTF-8 text"))?;
            add_field(&mut obj, &name, text)?;
        }
    }
    let (stored, declared, original) =
        file.ok_or_else(|| ApiError::invalid_field("file", "required", "send the file in the part `file`"))?;
    describe(state, &mut obj, &stored, declared.as_deref(), original).await?;
    Ok((obj, stored))
}

async fn from_raw(state: &AppState, req: Request) -> ApiResult<(Map<String, Value>, StoredFile)> {
    let limit = state.config.max_upload_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut obj = Map::new();
    let mut original = None;
    for (k, v) in form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes()) {
        if k == "original_name" {
            original = Some(v.into_owned());
        } else {
            add_field(&mut obj, &k, v.into_owned())?;
        }
    }
    let stream = req.into_body().into_data_stream().map_err(std::io::Error::other);
    let stored = files(state)?
        .put(StreamReader::new(stream), limit)
        .await
        .map_err(|e| file_error(e, limit))?;
    describe(state, &mut obj, &stored, declared.as_deref(), original).await?;
    Ok((obj, stored))
}

/// The fields of a new record from a request: a JSON object for every kind; for evidence also a
/// multipart or raw upload, whose file is stored first (returned so its ingest can be logged).
pub async fn record_fields<B: RecordBody>(
    state: &AppState,
    caller: &Caller,
    req: Request,
) -> ApiResult<(Map<String, Value>, Option<StoredFile>)> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if content_type == "application/json" || B::KIND != RecordKind::Evidence {
        let JsonObject(obj) = JsonObject::from_request(req, state).await?;
        return Ok((obj, None));
    }
    may_upload(caller)?;
    let (obj, stored) = if content_type == "multipart/form-data" {
        from_multipart(state, req).await?
    } else {
        from_raw(state, req).await?
    };
    Ok((obj, Some(stored)))
}

/// The fields and stored file of a redacted copy: an upload like any other.
pub async fn redaction_fields(
    state: &AppState,
    caller: &Caller,
    req: Request,
) -> ApiResult<(Map<String, Value>, StoredFile)> {
    match record_fields::<Evidence>(state, caller, req).await? {
        (obj, Some(stored)) => Ok((obj, stored)),
        (_, None) => Err(ApiError::invalid_field(
            "file",
            "required",
            "send the redacted file as multipart/form-data (part `file`) or as a raw body",
        )),
    }
}

/// Creates a record from a request; an evidence upload's file is stored first, its ingest logged,
/// and the item's chain of custody starts with its receipt.
pub async fn create<B: RecordBody>(state: &AppState, caller: &Caller, req: Request) -> ApiResult<StoredRecord> {
    let (obj, file) = record_fields::<B>(state, caller, req).await?;
    let Some(stored) = file else {
        return super::records::create::<B>(state, caller, obj).await;
    };
    let received = super::custody::server_entry(state, caller, CustodyAction::Received, "uploaded".into(), None);
    let r =
        super::records::create_with::<B>(state, caller, obj, super::custody::chain_starting_with(&received)?).await?;
    log_ingest(state, caller, r.meta.id, &stored).await?;
    Ok(r)
}

/// Logs the ingest of a file that became (part of) a record.
pub async fn log_ingest(state: &AppState, caller: &Caller, record_id: Uuid, stored: &StoredFile) -> ApiResult<()> {
    let at = state
        .clock
        .now()
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut event = Event::new(EventKind::FileIngested, at);
    event.file_sha256 = Some(stored.sha256.clone());
    event.by = caller.user_id().map(|u| u.to_string());
    event.detail = serde_json::json!({"size": stored.size, "blake3": stored.blake3, "evidence_id": record_id});
    state.store.append_events(&[event]).await?;
    Ok(())
}

/// The file of an evidence item the caller may see, as a download that browsers never render.
pub async fn download(state: &AppState, caller: &Caller, id: Uuid) -> ApiResult<Response> {
    let record = super::records::read(state, caller, RecordKind::Evidence, id).await?;
    let sha256 = record.body["file"]["sha256"]
        .as_str()
        .ok_or(ApiError::NotFound)?
        .to_owned();
    let size = record.body["file"]["size"].as_u64().unwrap_or_default();
    // Who took a copy of an original is part of its custody; the audit log (itself logged)
    // keeps every staff download without making each one a new version of the item.
    if caller.user_id().is_some() {
        let detail = serde_json::json!({"sha256": sha256, "version": record.meta.version});
        crate::audit::record(
            state,
            caller,
            "evidence_file_downloaded",
            Some(format!("evidence:{id}")),
            detail,
        )
        .await?;
    }
    let reader = files(state)?.open(&sha256).await.map_err(|e| match e {
        FileError::NotFound(_) => ApiError::Internal(format!("evidence {id}: its file {sha256} is missing")),
        other => ApiError::Internal(other.to_string()),
    })?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(reader));
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"evidence-{sha256}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&size.to_string()) {
        h.insert(header::CONTENT_LENGTH, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("\"{sha256}\"")) {
        h.insert(header::ETAG, v);
    }
    Ok(response)
}

/// The thumbnail of a picture the caller may see (made by Evidentia from decoded pixels, so it
/// is safe to show inline).
pub async fn thumbnail(state: &AppState, caller: &Caller, id: Uuid) -> ApiResult<Response> {
    let record = super::records::read(state, caller, RecordKind::Evidence, id).await?;
    let sha256 = record.body["thumbnail_sha256"]
        .as_str()
        .ok_or(ApiError::NotFound)?
        .to_owned();
    let reader = files(state)?
        .open(&sha256)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut response = Body::from_stream(tokio_util::io::ReaderStream::new(reader)).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400, immutable"),
    );
    Ok(response)
}

/// Most candidates a similarity search compares.
const MAX_SIMILAR_CANDIDATES: usize = 200_000;

/// Pictures the caller may see whose perceptual hash differs from this item's in at most
/// `max_distance` bits, closest first, each with its `distance`.
pub async fn similar(state: &AppState, caller: &Caller, id: Uuid, max_distance: u32) -> ApiResult<Value> {
    let record = super::records::read(state, caller, RecordKind::Evidence, id).await?;
    let parse = |v: &Value| {
        v["perceptual_hash"]
            .as_str()
            .and_then(|h| u64::from_str_radix(h, 16).ok())
    };
    let Some(own) = parse(&record.body) else {
        return Ok(serde_json::json!({"items": [], "next_cursor": null}));
    };
    let mut q = evidentia_store::ListQuery::new(Some(RecordKind::Evidence), caller.viewer.clone());
    q.terms = vec![evidentia_model::evidence::PICTURE_TERM.to_owned()];
    q.limit = 1000;
    let mut found = Vec::new();
    let mut seen = 0;
    loop {
        let page = state.store.list(&q).await?;
        seen += page.items.len();
        for r in page.items {
            if r.meta.id == id {
                continue;
            }
            if let Some(h) = parse(&r.body) {
                let distance = evidentia_files::metadata::hamming(own, h);
                if distance <= max_distance {
                    found.push((distance, r));
                }
            }
        }
        match page.next {
            Some(c) if seen < MAX_SIMILAR_CANDIDATES => q.after = Some(c),
            _ => break,
        }
    }
    found.sort_by_key(|(d, r)| (*d, r.meta.id));
    found.truncate(100);
    let (distances, records): (Vec<u32>, Vec<evidentia_store::StoredRecord>) = found.into_iter().unzip();
    crate::audit::confidential_reads(state, caller, &records).await?;
    let items: Vec<Value> = distances
        .iter()
        .zip(&records)
        .map(|(d, r)| {
            let mut v = super::records::record_json(r);
            if let Value::Object(m) = &mut v {
                m.insert("distance".into(), Value::from(*d));
            }
            v
        })
        .collect();
    Ok(serde_json::json!({"items": items, "next_cursor": null}))
}

#[cfg(test)]
mod tests {
    use super::captured_date;

    #[test]
    fn capture_times_without_an_offset_give_their_day() {
        assert_eq!(
            captured_date("2023-05-01T10:00:00+03:00").map(|d| d.to_string()),
            Some("2023-05-01T10:00:00+03:00".to_owned())
        );
        assert_eq!(
            captured_date("2023-05-01T10:00:00").map(|d| d.to_string()),
            Some("2023-05-01".to_owned())
        );
        assert_eq!(captured_date("0000-00-00T00:00:00"), None);
        assert_eq!(captured_date("2023"), Some("2023".parse().unwrap()));
        assert_eq!(captured_date("é"), None);
    }
}
