//! How the API answers when something is wrong.
//!
//! Policy: every handler returns `Result<_, ApiError>`; every error leaves as an RFC 9457
//! `application/problem+json` document whose `errors` list names each bad field or parameter.
//! Store and internal failures are logged with their cause and answered with a generic detail,
//! so that nothing about hidden records or the database leaks into a response. A record the
//! caller may not see is answered exactly like one that does not exist.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use evidentia_model::FieldError;
use evidentia_store::StoreError;
use serde::Serialize;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URN naming the kind of problem, e.g. `urn:evidentia:problem:validation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// One entry per bad field or parameter.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For 412 answers: the version the record is at now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("authentication required: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The request could not be read (syntax, unknown parameter).
    #[error("bad request: {0}")]
    BadRequest(String, Vec<FieldError>),
    /// The request was read but its content is not acceptable.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("precondition failed")]
    PreconditionFailed { current: i64 },
    #[error("precondition required")]
    PreconditionRequired,
    #[error("payload too large")]
    PayloadTooLarge(usize),
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Too many failed attempts; try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests(i64),
    /// The password was right; the account also needs a second-factor code.
    #[error("second factor required")]
    SecondFactorRequired,
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A 400 about one field or parameter.
    pub fn bad_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::BadRequest(
            format!("{field}: {message}"),
            vec![FieldError {
                field: field.to_owned(),
                code: "invalid".into(),
                message,
            }],
        )
    }

    /// A 422 about one field.
    pub fn invalid_field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }])
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            Self::NotFound => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", "Authentication required"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Not allowed"),
            Self::BadRequest(..) => (StatusCode::BAD_REQUEST, "bad-request", "The request could not be read"),
            Self::Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "The record is not valid",
            ),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict", "Conflict"),
            Self::PreconditionFailed { .. } => (
                StatusCode::PRECONDITION_FAILED,
                "stale-version",
                "The record changed since you read it",
            ),
            Self::PreconditionRequired => (
                StatusCode::PRECONDITION_REQUIRED,
                "version-required",
                "If-Match with the record's version is required",
            ),
            Self::PayloadTooLarge(_) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "The request body is too large",
            ),
            Self::UnsupportedMediaType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "media-type",
                "Unsupported media type",
            ),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Service unavailable"),
            Self::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "throttled", "Too many attempts"),
            Self::SecondFactorRequired => (
                StatusCode::UNAUTHORIZED,
                "second-factor-required",
                "A second-factor code is required",
            ),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error"),
        }
    }

    pub fn problem(&self) -> Problem {
        let (status, kind, title) = self.parts();
        let (detail, errors, current_version) = match self {
            Self::NotFound => (None, Vec::new(), None),
            Self::Unauthorized(d) | Self::Forbidden(d) | Self::Conflict(d) | Self::UnsupportedMediaType(d) => {
                (Some(d.clone()), Vec::new(), None)
            }
            Self::BadRequest(d, errors) => (Some(d.clone()), errors.clone(), None),
            Self::Validation(errors) => (
                Some(
                    errors
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                errors.clone(),
                None,
            ),
            Self::PreconditionFailed { current } => (
                Some(format!("the record is now at version {current}")),
                Vec::new(),
                Some(*current),
            ),
            Self::PreconditionRequired => (Some("send If-Match with the version you read".into()), Vec::new(), None),
            Self::PayloadTooLarge(limit) => (Some(format!("the limit is {limit} bytes")), Vec::new(), None),
            Self::TooManyRequests(wait) => (Some(format!("try again in {wait} seconds")), Vec::new(), None),
            Self::SecondFactorRequired => (
                Some("send the code from your authenticator app, or a recovery code, as `code`".into()),
                Vec::new(),
                None,
            ),
            // Causes are logged, not shown.
            Self::Unavailable(_) => (Some("the database is not reachable".into()), Vec::new(), None),
            Self::Internal(_) => (Some("the error has been logged".into()), Vec::new(), None),
        };
        Problem {
            kind: format!("urn:evidentia:problem:{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors,
            current_version,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict { current } => Self::PreconditionFailed { current },
            StoreError::Duplicate(what) => Self::Conflict(what),
            StoreError::Invalid(what) | StoreError::Backend(what) => Self::Internal(what),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) | Self::Unavailable(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let problem = self.problem();
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Self::TooManyRequests(wait) = &self
            && let Ok(v) = HeaderValue::from_str(&wait.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if matches!(self, Self::Unauthorized(_) | Self::SecondFactorRequired) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"evidentia\""),
            );
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
