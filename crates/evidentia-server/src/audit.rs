//! The audit log: sign-ins and their failures, token use, administrative actions and every read
//! of a confidential record. Writing it is part of the action: if the entry cannot be written, the
//! action fails (a confidential read that leaves no trace must not happen).

use evidentia_store::{AuditEntry, StoredRecord};

use crate::AppState;
use crate::auth::Caller;
use crate::errors::ApiResult;

/// Appends one entry for `caller`.
pub async fn record(
    state: &AppState,
    caller: &Caller,
    action: &str,
    target: Option<String>,
    detail: serde_json::Value,
) -> ApiResult<()> {
    let entry = AuditEntry {
        seq: 0,
        at: state.clock.now(),
        actor: caller.user_id(),
        action: action.to_owned(),
        target,
        address: caller.address.clone(),
        detail,
    };
    state.store.append_audit(&entry).await?;
    Ok(())
}

/// Records the reads of the confidential records among `records`.
pub async fn confidential_reads<'a>(
    state: &AppState,
    caller: &Caller,
    records: impl IntoIterator<Item = &'a StoredRecord>,
) -> ApiResult<()> {
    for r in records {
        if r.meta.classification == evidentia_model::Classification::Confidential {
            let target = Some(format!("{}:{}", r.kind.as_str(), r.meta.id));
            record(
                state,
                caller,
                "record_read",
                target,
                serde_json::json!({"version": r.meta.version}),
            )
            .await?;
        }
    }
    Ok(())
}
