//! The HTTP API under `/api/v1`.

pub mod admin;
pub mod body;
pub mod bundles;
pub mod candidates;
pub mod communications;
pub mod custody;
pub mod duplicates;
pub mod log;
pub mod missing;
pub mod params;
pub mod records;
pub mod reports;
pub mod resources;
pub mod session;
pub mod upload;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use evidentia_model::{Involvement, RecordKind};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Caller;
use crate::errors::{ApiError, ApiResult, Problem};
use body::JsonObject;
use resources::{InvolvementInput, InvolvementPage, InvolvementRecord};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Evidentia API",
        description = "Incidents, persons, evidence, missing-person cases, grave sites, exhumations, remains and their history. Errors are RFC 9457 problem documents; \
                       lists paginate with `limit` and an opaque `cursor`; changes take `If-Match: <version>`.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    servers((url = "/api/v1", description = "This server")),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API routes and the OpenAPI document describing exactly them.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(resources::incidents::list, resources::incidents::create))
        .routes(routes!(resources::incidents::read, resources::incidents::change))
        .routes(routes!(resources::incidents::history))
        .routes(routes!(incident_persons, add_incident_person))
        .routes(routes!(resources::persons::list, resources::persons::create))
        .routes(routes!(resources::persons::read, resources::persons::change))
        .routes(routes!(resources::persons::history))
        .routes(routes!(duplicates::list, duplicates::decide))
        .routes(routes!(duplicates::undo))
        .routes(routes!(resources::evidence::list, resources::evidence::create))
        .routes(routes!(resources::evidence::read, resources::evidence::change))
        .routes(routes!(resources::evidence::history))
        .routes(routes!(evidence_file))
        .routes(routes!(evidence_thumbnail))
        .routes(routes!(similar_evidence))
        .routes(routes!(custody::add_custody))
        .routes(routes!(custody::add_verification))
        .routes(routes!(custody::add_redaction))
        .routes(routes!(bundles::create))
        .routes(routes!(resources::involvements::list, resources::involvements::create))
        .routes(routes!(resources::involvements::read, resources::involvements::change))
        .routes(routes!(resources::involvements::history))
        // Communications with international bodies, and reports
        .routes(routes!(resources::recipients::list, resources::recipients::create))
        .routes(routes!(resources::recipients::read, resources::recipients::change))
        .routes(routes!(resources::recipients::history))
        .routes(routes!(
            resources::communications::list,
            resources::communications::create
        ))
        .routes(routes!(
            resources::communications::read,
            resources::communications::change
        ))
        .routes(routes!(resources::communications::history))
        .routes(routes!(communications::tracking_table))
        .routes(routes!(communications::letter))
        .routes(routes!(communications::send))
        .routes(routes!(communications::add_response))
        .routes(routes!(communications::attach_bundle))
        .routes(routes!(reports::summary_report))
        .routes(routes!(
            resources::missing_cases::list,
            resources::missing_cases::create
        ))
        .routes(routes!(
            resources::missing_cases::read,
            resources::missing_cases::change
        ))
        .routes(routes!(resources::missing_cases::history))
        .routes(routes!(missing::candidates))
        .routes(routes!(resources::grave_sites::list, resources::grave_sites::create))
        .routes(routes!(resources::grave_sites::read, resources::grave_sites::change))
        .routes(routes!(resources::grave_sites::history))
        .routes(routes!(resources::exhumations::list, resources::exhumations::create))
        .routes(routes!(resources::exhumations::read, resources::exhumations::change))
        .routes(routes!(resources::exhumations::history))
        .routes(routes!(missing::add_recovery))
        .routes(routes!(resources::remains::list, resources::remains::create))
        .routes(routes!(resources::remains::read, resources::remains::change))
        .routes(routes!(resources::remains::history))
        .routes(routes!(missing::identify, missing::withdraw_identification))
        .routes(routes!(session::sign_in, session::current, session::sign_out))
        .routes(routes!(session::tokens, session::create_token))
        .routes(routes!(session::revoke_token))
        .routes(routes!(session::begin_totp, session::remove_totp))
        .routes(routes!(session::confirm_totp))
        .routes(routes!(admin::users, admin::create_user))
        .routes(routes!(admin::reset_password))
        .routes(routes!(admin::set_disabled))
        .routes(routes!(admin::audit))
        .routes(routes!(log::checkpoint))
        .routes(routes!(log::public_key))
        .routes(routes!(log::inclusion))
        .routes(routes!(log::consistency))
        .routes(routes!(log::entry))
        .routes(routes!(search))
        .routes(routes!(vocabularies))
        .split_for_parts()
}

#[derive(Serialize, ToSchema)]
struct SearchPage {
    /// Records of any kind, each with a `kind` field.
    items: Vec<serde_json::Value>,
    next_cursor: Option<String>,
}

/// Finds records of every kind (or of `kind`) by words in any script.
#[utoipa::path(get, path = "/search", tag = "search",
    params(
        ("q" = String, Query, description = "Words to find; Latin finds Cyrillic and the reverse"),
        ("kind" = Option<String>, Query, description = "incident, person, evidence, involvement, person_match, recipient, communication, missing_case, grave_site, exhumation or remains"),
        ("limit" = Option<u32>, Query),
        ("cursor" = Option<String>, Query),
    ),
    responses((status = 200, body = SearchPage), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn search(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<impl IntoResponse> {
    let kind = form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "kind")
        .map(|(_, v)| v.parse::<RecordKind>().map_err(|e| ApiError::bad_field("kind", e)))
        .transpose()?;
    let vocabularies = state.vocabularies();
    let (mut query, _) = params::list_query(kind, caller.viewer.clone(), raw.as_deref(), &vocabularies, &["kind"])?;
    if query.text.is_none() {
        return Err(ApiError::bad_field("q", "say what to search for"));
    }
    query.kind = kind;
    Ok(Json(records::list(&state, &caller, &query, true).await?))
}

#[derive(Serialize, ToSchema)]
struct VocabularyList {
    items: Vec<evidentia_model::vocab::Vocabulary>,
}

/// The deployment's vocabularies with labels in English, Ukrainian and Russian.
#[utoipa::path(get, path = "/vocabularies", tag = "vocabularies", responses((status = 200, body = VocabularyList)))]
async fn vocabularies(State(state): State<AppState>) -> Json<VocabularyList> {
    Json(VocabularyList {
        items: state.vocabularies().iter().cloned().collect(),
    })
}

/// The persons involved in an incident, with their roles.
#[utoipa::path(get, path = "/incidents/{id}/persons", tag = "incidents",
    params(("id" = Uuid, Path), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query), ("role" = Option<String>, Query)),
    responses((status = 200, body = InvolvementPage), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn incident_persons(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<impl IntoResponse> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    records::require_visible(&state, &caller, RecordKind::Incident, id).await?;
    let vocabularies = state.vocabularies();
    let (mut query, _) = params::list_query(
        Some(RecordKind::Involvement),
        caller.viewer.clone(),
        raw.as_deref(),
        &vocabularies,
        &[],
    )?;
    query.links.push(("incident_id".into(), id));
    Ok(Json(records::list(&state, &caller, &query, false).await?))
}

/// Records that a person was involved in an incident (`person_id`, `role`, `notes`).
#[utoipa::path(post, path = "/incidents/{id}/persons", tag = "incidents",
    params(("id" = Uuid, Path)),
    request_body(content = InvolvementInput, content_type = "application/json"),
    responses(
        (status = 201, body = InvolvementRecord),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn add_incident_person(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(mut obj): JsonObject,
) -> ApiResult<impl IntoResponse> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    records::require_visible(&state, &caller, RecordKind::Incident, id).await?;
    obj.insert("incident_id".into(), serde_json::Value::String(id.to_string()));
    let r = records::create::<Involvement>(&state, &caller, obj).await?;
    let headers = records::record_headers(&r, "involvements");
    Ok((StatusCode::CREATED, headers, Json(records::record_json(&r))))
}

/// The file of an evidence item, as a download (`Content-Disposition: attachment`).
#[utoipa::path(get, path = "/evidence/{id}/file", tag = "evidence", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn evidence_file(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::response::Response> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    upload::download(&state, &caller, id).await
}

/// The JPEG thumbnail of a picture.
#[utoipa::path(get, path = "/evidence/{id}/thumbnail", tag = "evidence", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn evidence_thumbnail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::response::Response> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    upload::thumbnail(&state, &caller, id).await
}

#[derive(Serialize, ToSchema)]
struct SimilarPage {
    /// Evidence items, each with a `distance` (differing bits of 64), closest first.
    items: Vec<serde_json::Value>,
    next_cursor: Option<String>,
}

/// Pictures that look like this one (perceptual hashes within `max_distance` bits; default 10).
#[utoipa::path(get, path = "/evidence/{id}/similar", tag = "evidence",
    params(("id" = Uuid, Path), ("max_distance" = Option<u32>, Query, description = "0–32, default 10")),
    responses((status = 200, body = SimilarPage), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn similar_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<impl IntoResponse> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    let mut max_distance = 10;
    for (k, v) in form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "max_distance" => {
                max_distance = v
                    .parse::<u32>()
                    .ok()
                    .filter(|d| *d <= 32)
                    .ok_or_else(|| ApiError::bad_field("max_distance", "must be a whole number from 0 to 32"))?;
            }
            other => return Err(ApiError::bad_field(other, "is not a parameter of this request")),
        }
    }
    Ok(Json(upload::similar(&state, &caller, id, max_distance).await?))
}
