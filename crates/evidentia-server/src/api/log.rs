//! The tamper-evident log over HTTP: signed checkpoints, inclusion and consistency proofs, the
//! public key, and single entries.
//!
//! Checkpoints, proofs and the key are public: they reveal only hashes and the log's size. An
//! entry names a record, so it is served only to callers who may see that record; entries that
//! name no record (audit, exports) only to administrators.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::IntoResponse;
use base64::Engine;
use evidentia_log::Event;
use evidentia_model::{RecordKind, Role, Viewer};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Caller;
use crate::errors::{ApiError, ApiResult, Problem};

fn b64(h: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(h)
}

fn signer(state: &AppState) -> ApiResult<&evidentia_log::Signer> {
    state
        .log_signer
        .as_deref()
        .ok_or_else(|| ApiError::Unavailable("this server has no log-signing key".into()))
}

/// The latest signed checkpoint, covering the whole log (see [`evidentia_store::checkpoint::sign_checkpoint`]).
pub async fn current_checkpoint(state: &AppState) -> ApiResult<(u64, String)> {
    Ok(evidentia_store::checkpoint::sign_checkpoint(state.store.as_ref(), signer(state)?, state.clock.now()).await?)
}

/// The latest checkpoint as a C2SP signed note.
#[utoipa::path(get, path = "/log/checkpoint", tag = "log", security(),
    responses((status = 200, content_type = "text/plain", body = String, description = "C2SP tlog-checkpoint, signed as a C2SP signed-note"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
pub async fn checkpoint(State(state): State<AppState>) -> ApiResult<impl IntoResponse> {
    let (_, note) = current_checkpoint(&state).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note))
}

/// The key that verifies checkpoints, as a signed-note verifier key.
#[utoipa::path(get, path = "/log/public-key", tag = "log", security(),
    responses((status = 200, content_type = "text/plain", body = String, description = "`<name>+<key id>+<base64 key>`")))]
pub async fn public_key(State(state): State<AppState>) -> ApiResult<impl IntoResponse> {
    let vkey = signer(&state)?.verifier().to_vkey();
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{vkey}\n"),
    ))
}

/// A proof (RFC 9162) with the tree it is against.
#[derive(Serialize, ToSchema)]
pub struct ProofAnswer {
    pub size: u64,
    /// Base64 root hash of the tree of `size` leaves.
    pub root: String,
    /// Base64 hashes, in RFC 9162 order.
    pub proof: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<u64>,
}

fn numbers(raw: Option<&str>, names: &[&str]) -> ApiResult<Vec<Option<u64>>> {
    let mut out = vec![None; names.len()];
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        let Some(i) = names.iter().position(|n| *n == k) else {
            return Err(ApiError::bad_field(&k, "is not a parameter of this request"));
        };
        out[i] = Some(
            v.parse()
                .map_err(|_| ApiError::bad_field(names[i], "must be a whole number"))?,
        );
    }
    Ok(out)
}

async fn checked_size(state: &AppState, size: Option<u64>) -> ApiResult<u64> {
    let log = state.store.log_size().await?;
    let size = size.unwrap_or(log);
    if size > log {
        return Err(ApiError::bad_field("size", format!("the log has {log} entries")));
    }
    Ok(size)
}

/// The inclusion proof of entry `index` in the tree of `size` entries (default: all).
#[utoipa::path(get, path = "/log/inclusion", tag = "log", security(),
    params(("index" = u64, Query), ("size" = Option<u64>, Query)),
    responses((status = 200, body = ProofAnswer), (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn inclusion(State(state): State<AppState>, RawQuery(raw): RawQuery) -> ApiResult<Json<ProofAnswer>> {
    let [index, size] = numbers(raw.as_deref(), &["index", "size"])?[..] else {
        return Err(ApiError::Internal("parameters".into()));
    };
    let index = index.ok_or_else(|| ApiError::bad_field("index", "is required"))?;
    let size = checked_size(&state, size).await?;
    if index >= size {
        return Err(ApiError::bad_field("index", format!("must be below the size {size}")));
    }
    let proof = state.store.inclusion_proof(index, size).await?;
    let root = state.store.log_root(size).await?;
    Ok(Json(ProofAnswer {
        size,
        root: b64(&root),
        proof: proof.iter().map(|h| b64(h)).collect(),
        index: Some(index),
        from: None,
    }))
}

/// The consistency proof between the trees of `from` and `to` entries (default: all).
#[utoipa::path(get, path = "/log/consistency", tag = "log", security(),
    params(("from" = u64, Query), ("to" = Option<u64>, Query)),
    responses((status = 200, body = ProofAnswer), (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn consistency(State(state): State<AppState>, RawQuery(raw): RawQuery) -> ApiResult<Json<ProofAnswer>> {
    let [from, to] = numbers(raw.as_deref(), &["from", "to"])?[..] else {
        return Err(ApiError::Internal("parameters".into()));
    };
    let from = from.ok_or_else(|| ApiError::bad_field("from", "is required"))?;
    let to = checked_size(&state, to).await?;
    if from > to {
        return Err(ApiError::bad_field("from", format!("must not exceed {to}")));
    }
    let proof = state.store.consistency_proof(from, to).await?;
    let root = state.store.log_root(to).await?;
    Ok(Json(ProofAnswer {
        size: to,
        root: b64(&root),
        proof: proof.iter().map(|h| b64(h)).collect(),
        index: None,
        from: Some(from),
    }))
}

/// One entry of the log (its canonical JSON), for callers who may see what it names.
#[utoipa::path(get, path = "/log/entries/{index}", tag = "log", params(("index" = u64, Path)),
    responses((status = 200, content_type = "application/json", body = Object, description = "The leaf's canonical JSON"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn entry(
    State(state): State<AppState>,
    caller: Caller,
    Path(index): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let index: u64 = index.parse().map_err(|_| ApiError::NotFound)?;
    let leaves = state.store.log_leaves(index, 1).await?;
    let Some((_, data)) = leaves.into_iter().next().filter(|(i, _)| *i == index) else {
        return Err(ApiError::NotFound);
    };
    let event = Event::from_leaf_data(&data).map_err(|e| ApiError::Internal(format!("log entry {index}: {e}")))?;
    let named = event
        .record_kind
        .as_deref()
        .and_then(|k| k.parse::<RecordKind>().ok())
        .zip(event.record_id.as_deref().and_then(|id| Uuid::parse_str(id).ok()));
    let allowed = match named {
        Some((kind, id)) => crate::api::records::require_visible(&state, &caller, kind, id)
            .await
            .is_ok(),
        None => {
            matches!(&caller.viewer, Viewer::Staff { memberships, .. } if memberships.iter().any(|(_, r)| *r == Role::Admin))
        }
    };
    if !allowed {
        return Err(ApiError::NotFound);
    }
    Ok(([(header::CONTENT_TYPE, "application/json")], data))
}
