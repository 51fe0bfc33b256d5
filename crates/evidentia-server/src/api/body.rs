//! Reading JSON request bodies: size limit, media type, and errors that name the field.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use evidentia_model::FieldError;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::errors::ApiError;

/// A JSON object body, read whole up to the configured limit.
pub struct JsonObject(pub serde_json::Map<String, serde_json::Value>);

impl FromRequest<AppState> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || v == "application/merge-patch+json"
            });
        if !json {
            return Err(ApiError::UnsupportedMediaType(
                "send the record as application/json".into(),
            ));
        }
        let limit = state.config.max_json_bytes;
        let bytes = axum::body::to_bytes(req.into_body(), limit).await.map_err(|e| {
            if std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
                || e.to_string().contains("length limit")
            {
                ApiError::PayloadTooLarge(limit)
            } else {
                ApiError::BadRequest("the request body could not be read".into(), Vec::new())
            }
        })?;
        parse_object(&bytes).map(Self)
    }
}

fn parse_object(bytes: &Bytes) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::BadRequest(
            "the body must be a JSON object".into(),
            Vec::new(),
        )),
        Err(e) => Err(ApiError::BadRequest(
            format!("malformed JSON at line {} column {}: {e}", e.line(), e.column()),
            vec![FieldError {
                field: String::new(),
                code: "malformed".into(),
                message: e.to_string(),
            }],
        )),
    }
}

/// Deserialises a value into `T`, naming the field a type error is in.
pub fn typed<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." { String::new() } else { field };
        let message = e.inner().to_string();
        let code = if message.starts_with("unknown field") {
            "unknown_field"
        } else if message.starts_with("missing field") {
            "required"
        } else {
            "invalid"
        };
        // serde names a missing field in the message, not the path.
        let field = match (code, message.split('`').nth(1)) {
            ("required", Some(name)) if field.is_empty() => name.to_owned(),
            ("required", Some(name)) => format!("{field}.{name}"),
            _ => field,
        };
        ApiError::Validation(vec![FieldError {
            field,
            code: code.into(),
            message,
        }])
    })
}
