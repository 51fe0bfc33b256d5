//! Custody entries as log events, and entries the archive appends on its own account.

use evidentia_log::{Event, EventKind};
use evidentia_model::evidence::CustodyEvent;
use evidentia_model::{Evidence, PartialDate, RecordBody, RecordKind};
use evidentia_store::{RecordUpdate, Store, StoreError, StoredRecord};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

/// How often an append retries when another change landed between its read and its write.
const ATTEMPTS: usize = 5;

fn rfc3339(at: OffsetDateTime) -> Result<String, StoreError> {
    at.format(&Rfc3339).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// The log event of custody entry `entry` of evidence item `id`, whose file is `file_sha256`.
pub fn log_event(id: Uuid, entry: &CustodyEvent, file_sha256: Option<&str>) -> Result<Event, StoreError> {
    let recorded = match entry.recorded_at {
        PartialDate::Instant(t) => rfc3339(t)?,
        other => {
            return Err(StoreError::Invalid(format!(
                "custody entry recorded at {other}, not an instant"
            )));
        }
    };
    let mut event = Event::new(EventKind::Custody, recorded);
    event.record_kind = Some(RecordKind::Evidence.as_str().to_owned());
    event.record_id = Some(id.to_string());
    event.by = entry.recorded_by.map(|u| u.to_string());
    event.file_sha256 = file_sha256.map(str::to_owned);
    let mut detail = serde_json::json!({"action": entry.action.as_str(), "at": entry.at.to_string()});
    if let Some(related) = entry.related_id {
        detail["related_id"] = serde_json::Value::String(related.to_string());
    }
    event.detail = detail;
    Ok(event)
}

/// Appends `entry` to evidence item `id`'s chain of custody and logs it, with no check of who
/// asks: for entries the archive itself records (exports). The HTTP API checks permissions first.
pub async fn append(
    store: &dyn Store,
    id: Uuid,
    entry: CustodyEvent,
    at: OffsetDateTime,
) -> Result<StoredRecord, StoreError> {
    let mut attempt = 0;
    loop {
        let current = store.get(RecordKind::Evidence, id).await?;
        let mut body: Evidence = serde_json::from_value(current.body.clone())
            .map_err(|e| StoreError::Invalid(format!("evidence {id} is not readable: {e}")))?;
        let event = log_event(id, &entry, body.file.as_ref().map(|f| f.sha256.as_str()))?;
        body.custody.push(entry.clone());
        let update = RecordUpdate {
            kind: RecordKind::Evidence,
            id,
            expected_version: current.meta.version,
            classification: current.meta.classification,
            index: body.index(),
            body: serde_json::to_value(&body).map_err(|e| StoreError::Invalid(e.to_string()))?,
            at,
            by: entry.recorded_by.unwrap_or_default(),
            events: vec![event],
        };
        match store.update(update).await {
            Err(StoreError::Conflict { .. }) if attempt + 1 < ATTEMPTS => attempt += 1,
            other => return other,
        }
    }
}
