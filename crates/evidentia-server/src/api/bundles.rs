//! Evidence bundles over HTTP: the same zip as `evidentia export bundle`, holding what the caller
//! may see. Exporting is an investigator's act (admins and investigators); the export is logged
//! and each exported item's chain of custody records it.

use std::io::Seek;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use evidentia_archive::{BundleError, BundleRequest};
use evidentia_model::Viewer;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::body::{JsonObject, typed};
use crate::AppState;
use crate::auth::Caller;
use crate::errors::{ApiError, ApiResult, Problem};

/// What to put in a bundle.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleInput {
    /// The incident whose records, people and evidence the bundle holds.
    pub incident_id: Uuid,
}

/// The header naming the bundle's SHA-256, as its items' custody entries record it.
pub const BUNDLE_SHA256_HEADER: &str = "x-evidentia-bundle-sha256";

/// Writes an evidence bundle of an incident (records, proofs against a signed checkpoint, the
/// key, every evidence file, `index.html`), as far as the caller may see, and sends it as a zip.
/// Check it offline with `evidentia-verify`.
#[utoipa::path(post, path = "/bundles", tag = "evidence",
    request_body(content = BundleInput, content_type = "application/json"),
    responses(
        (status = 200, content_type = "application/zip", body = Vec<u8>,
            headers(("X-Evidentia-Bundle-Sha256" = String, description = "SHA-256 of the zip"))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(State(state): State<AppState>, caller: Caller, JsonObject(obj): JsonObject) -> ApiResult<Response> {
    match &caller.viewer {
        Viewer::Public => return Err(ApiError::Unauthorized("sign in to export evidence".into())),
        Viewer::Staff { memberships, .. } if !memberships.iter().any(|(_, role)| role.can_write()) => {
            return Err(ApiError::Forbidden(
                "your role does not allow you to export evidence".into(),
            ));
        }
        _ => {}
    }
    let input: BundleInput = typed(serde_json::Value::Object(obj))?;
    let signer = state
        .log_signer
        .as_deref()
        .ok_or_else(|| ApiError::Unavailable("this server has no log-signing key".into()))?;
    let request = BundleRequest {
        incident_id: input.incident_id,
        viewer: caller.viewer.clone(),
        exported_by: caller.user_id(),
        at: state.clock.now(),
    };
    // A temporary file that vanishes when closed: the zip never sits in memory.
    let file = tempfile::tempfile().map_err(|e| ApiError::Internal(format!("temporary file: {e}")))?;
    let writing = file
        .try_clone()
        .map_err(|e| ApiError::Internal(format!("temporary file: {e}")))?;
    let written = evidentia_archive::write_bundle(state.store.as_ref(), state.files.clone(), signer, &request, writing)
        .await
        .map_err(|e| match e {
            BundleError::NoIncident(_) => ApiError::NotFound,
            BundleError::Store(e) => e.into(),
            BundleError::NoFileStore => ApiError::Unavailable(e.to_string()),
            other => ApiError::Internal(other.to_string()),
        })?;
    let mut file = file;
    file.rewind().map_err(|e| ApiError::Internal(e.to_string()))?;
    let reader = tokio::fs::File::from_std(file);
    let mut response = Body::from_stream(tokio_util::io::ReaderStream::new(reader)).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"evidence-bundle-{}.zip\"",
        input.incident_id
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&written.size.to_string()) {
        h.insert(header::CONTENT_LENGTH, v);
    }
    if let Ok(v) = HeaderValue::from_str(&written.sha256) {
        h.insert(BUNDLE_SHA256_HEADER, v);
    }
    Ok(response)
}
