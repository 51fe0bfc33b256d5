//! The record resources: incidents, persons, evidence, involvements, missing-person cases, grave
//! sites, exhumations and remains. Each gets the same five
//! routes from one macro, so they cannot drift apart, and each route carries its OpenAPI
//! description so the published document is generated from the routes that really exist.

use evidentia_model::{
    Communication, Evidence, Exhumation, GraveSite, Incident, Involvement, Meta, MissingCase, Person, Recipient,
    Remains,
};
use serde::Serialize;
use utoipa::ToSchema;

/// The documented shape of one record of each kind: meta fields and content side by side.
macro_rules! record_schemas {
    ($($record:ident, $input:ident, $page:ident, $body:ty;)*) => {$(
        #[derive(Serialize, ToSchema)]
        pub struct $record {
            #[serde(flatten)]
            pub meta: Meta,
            #[serde(flatten)]
            pub body: $body,
        }

        /// A new record, or (with every field optional) a JSON merge patch of one.
        #[derive(Serialize, ToSchema)]
        pub struct $input {
            /// Default `internal`.
            pub classification: Option<evidentia_model::Classification>,
            /// Default: the caller's first organisation in which they may write. Fixed once set.
            pub organisation_id: Option<uuid::Uuid>,
            #[serde(flatten)]
            pub body: $body,
        }

        #[derive(Serialize, ToSchema)]
        pub struct $page {
            pub items: Vec<$record>,
            /// Pass as `cursor` to get the next page; `null` on the last page.
            pub next_cursor: Option<String>,
        }
    )*};
}

record_schemas! {
    IncidentRecord, IncidentInput, IncidentPage, Incident;
    PersonRecord, PersonInput, PersonPage, Person;
    EvidenceRecord, EvidenceInput, EvidencePage, Evidence;
    InvolvementRecord, InvolvementInput, InvolvementPage, Involvement;
    RecipientRecord, RecipientInput, RecipientPage, Recipient;
    CommunicationRecord, CommunicationInput, CommunicationPage, Communication;
    MissingCaseRecord, MissingCaseInput, MissingCasePage, MissingCase;
    GraveSiteRecord, GraveSiteInput, GraveSitePage, GraveSite;
    ExhumationRecord, ExhumationInput, ExhumationPage, Exhumation;
    RemainsRecord, RemainsInput, RemainsPage, Remains;
}

/// The versions of a record, oldest first.
#[derive(Serialize, ToSchema)]
pub struct HistoryPage {
    pub items: Vec<evidentia_store::HistoryEntry>,
    pub next_cursor: Option<String>,
}

/// Generates the handlers of one resource.
macro_rules! record_resource {
    (
        module: $module:ident,
        body: $body:ty,
        path: $path:tt,
        item_path: $item_path:tt,
        history_path: $history_path:tt,
        name: $name:tt,
        tag: $tag:tt,
        record: $record:ty,
        input: $input:ty,
        page: $page:ty,
        list_params: [$($param:tt)*],
    ) => {
        pub mod $module {
            use axum::extract::{Path, RawQuery, State};
            use axum::http::{HeaderMap, StatusCode};
            use axum::response::IntoResponse;
            use axum::Json;
            use evidentia_model::RecordBody;
            use uuid::Uuid;

            use crate::api::body::JsonObject;
            use crate::api::{params, records};
            use crate::auth::Caller;
            use crate::errors::{ApiError, ApiResult, Problem};
            use crate::AppState;

            #[allow(unused_imports)]
            use super::*;

            #[utoipa::path(get, path = $path, tag = $tag,
                summary = concat!("List ", $name, " records"),
                params(
                    ("limit" = Option<u32>, Query, description = "Page size, 1–500 (default 50)"),
                    ("cursor" = Option<String>, Query, description = "From `next_cursor` of the previous page"),
                    ("q" = Option<String>, Query, description = "Words to find, in any script"),
                    ("sort" = Option<String>, Query, description = "created, -created (default), occurred, -occurred, -updated"),
                    ("status" = Option<String>, Query, description = "Comma-separated statuses"),
                    ("from" = Option<String>, Query, description = "Partial date: records whose period overlaps [from, to]"),
                    ("to" = Option<String>, Query, description = "Partial date"),
                    ("bbox" = Option<String>, Query, description = "west,south,east,north in degrees"),
                    ("organisation_id" = Option<Uuid>, Query, description = "Owning organisation"),
                    ("classification" = Option<String>, Query, description = "public, internal, restricted or confidential"),
                    ("published" = Option<bool>, Query, description = "Published on the portal"),
                    $($param)*
                ),
                responses(
                    (status = 200, body = $page),
                    (status = 400, body = Problem, content_type = "application/problem+json"),
                ))]
            pub async fn list(State(state): State<AppState>, caller: Caller, RawQuery(raw): RawQuery) -> ApiResult<impl IntoResponse> {
                let vocabularies = state.vocabularies();
                let kind = <$body>::KIND;
                let (mut query, rest) = params::list_query(Some(kind), caller.viewer.clone(), raw.as_deref(), &vocabularies, params::kind_params(kind))?;
                params::apply_kind_params(&mut query, &rest, state.clock.now().date())?;
                Ok(Json(records::list(&state, &caller, &query, false).await?))
            }

            #[utoipa::path(post, path = $path, tag = $tag,
                summary = concat!("Create ", $name, " record"),
                request_body(content = $input, content_type = "application/json"),
                responses(
                    (status = 201, body = $record, headers(("ETag" = String), ("Location" = String))),
                    (status = 400, body = Problem, content_type = "application/problem+json"),
                    (status = 401, body = Problem, content_type = "application/problem+json"),
                    (status = 403, body = Problem, content_type = "application/problem+json"),
                    (status = 413, body = Problem, content_type = "application/problem+json"),
                    (status = 415, body = Problem, content_type = "application/problem+json"),
                    (status = 422, body = Problem, content_type = "application/problem+json"),
                ))]
            pub async fn create(State(state): State<AppState>, caller: Caller, req: axum::extract::Request) -> ApiResult<impl IntoResponse> {
                let r = crate::api::upload::create::<$body>(&state, &caller, req).await?;
                let headers = records::record_headers(&r, stringify!($module));
                Ok((StatusCode::CREATED, headers, Json(records::record_json(&r))))
            }

            #[utoipa::path(get, path = $item_path, tag = $tag,
                summary = concat!("Read ", $name, " record"),
                params(("id" = Uuid, Path)),
                responses(
                    (status = 200, body = $record, headers(("ETag" = String))),
                    (status = 404, body = Problem, content_type = "application/problem+json"),
                ))]
            pub async fn read(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<impl IntoResponse> {
                let id = parse_id(&id)?;
                let r = records::read(&state, &caller, <$body>::KIND, id).await?;
                Ok((records::record_headers(&r, stringify!($module)), Json(records::record_json(&r))))
            }

            #[utoipa::path(patch, path = $item_path, tag = $tag,
                summary = concat!("Change ", $name, " record (JSON merge patch)"),
                params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The version you read, e.g. \"3\"")),
                request_body(content = $input, content_type = "application/merge-patch+json"),
                responses(
                    (status = 200, body = $record, headers(("ETag" = String))),
                    (status = 404, body = Problem, content_type = "application/problem+json"),
                    (status = 412, body = Problem, content_type = "application/problem+json"),
                    (status = 422, body = Problem, content_type = "application/problem+json"),
                    (status = 428, body = Problem, content_type = "application/problem+json"),
                ))]
            pub async fn change(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, headers: HeaderMap, JsonObject(obj): JsonObject) -> ApiResult<impl IntoResponse> {
                let id = parse_id(&id)?;
                let version = records::if_match(&headers)?;
                let r = records::patch::<$body>(&state, &caller, id, version, obj).await?;
                Ok((records::record_headers(&r, stringify!($module)), Json(records::record_json(&r))))
            }

            #[utoipa::path(get, path = $history_path, tag = $tag,
                summary = concat!("Every version of ", $name, " record"),
                params(("id" = Uuid, Path)),
                responses(
                    (status = 200, body = super::HistoryPage),
                    (status = 404, body = Problem, content_type = "application/problem+json"),
                ))]
            pub async fn history(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<impl IntoResponse> {
                let id = parse_id(&id)?;
                Ok(Json(records::history(&state, &caller, <$body>::KIND, id).await?))
            }

            fn parse_id(id: &str) -> ApiResult<Uuid> {
                // A malformed id cannot name a record: answer as for any missing one.
                Uuid::parse_str(id).map_err(|_| ApiError::NotFound)
            }
        }
    };
}

record_resource! {
    module: incidents,
    body: evidentia_model::Incident,
    path: "/incidents",
    item_path: "/incidents/{id}",
    history_path: "/incidents/{id}/history",
    name: "an incident",
    tag: "incidents",
    record: IncidentRecord,
    input: IncidentInput,
    page: IncidentPage,
    list_params: [
        ("category" = Option<String>, Query, description = "Comma-separated terms of incident_category; all must hold"),
        ("weapon" = Option<String>, Query, description = "Comma-separated terms of weapon_type"),
        ("damaged_object" = Option<String>, Query, description = "Comma-separated terms of damaged_object_type"),
        ("country" = Option<String>, Query, description = "ISO 3166-1 alpha-2"),
    ],
}

record_resource! {
    module: persons,
    body: evidentia_model::Person,
    path: "/persons",
    item_path: "/persons/{id}",
    history_path: "/persons/{id}/history",
    name: "a person",
    tag: "persons",
    record: PersonRecord,
    input: PersonInput,
    page: PersonPage,
    list_params: [
        ("sex" = Option<String>, Query, description = "female, male or unknown"),
        ("merged" = Option<bool>, Query, description = "Also list persons merged into another (default false)"),
        ("merged_into" = Option<Uuid>, Query, description = "The persons merged into this one"),
    ],
}

record_resource! {
    module: evidence,
    body: evidentia_model::Evidence,
    path: "/evidence",
    item_path: "/evidence/{id}",
    history_path: "/evidence/{id}/history",
    name: "an evidence",
    tag: "evidence",
    record: EvidenceRecord,
    input: EvidenceInput,
    page: EvidencePage,
    list_params: [
        ("kind" = Option<String>, Query, description = "photo, video, audio, document, testimony, web_capture or other"),
        ("incident_id" = Option<Uuid>, Query, description = "Items linked to this incident"),
        ("person_id" = Option<Uuid>, Query, description = "Items linked to this person"),
    ],
}

record_resource! {
    module: involvements,
    body: evidentia_model::Involvement,
    path: "/involvements",
    item_path: "/involvements/{id}",
    history_path: "/involvements/{id}/history",
    name: "an involvement",
    tag: "involvements",
    record: InvolvementRecord,
    input: InvolvementInput,
    page: InvolvementPage,
    list_params: [
        ("role" = Option<String>, Query, description = "killed, injured, missing, detained, witness, reporter or alleged_perpetrator"),
        ("incident_id" = Option<Uuid>, Query, description = "Involvements in this incident"),
        ("person_id" = Option<Uuid>, Query, description = "Involvements of this person"),
    ],
}

record_resource! {
    module: recipients,
    body: evidentia_model::Recipient,
    path: "/recipients",
    item_path: "/recipients/{id}",
    history_path: "/recipients/{id}/history",
    name: "a recipient",
    tag: "communications",
    record: RecipientRecord,
    input: RecipientInput,
    page: RecipientPage,
    list_params: [],
}

record_resource! {
    module: communications,
    body: evidentia_model::Communication,
    path: "/communications",
    item_path: "/communications/{id}",
    history_path: "/communications/{id}/history",
    name: "a communication",
    tag: "communications",
    record: CommunicationRecord,
    input: CommunicationInput,
    page: CommunicationPage,
    list_params: [
        ("kind" = Option<String>, Query, description = "notification, appeal or follow_up"),
        ("language" = Option<String>, Query, description = "en, uk or ru"),
        ("overdue" = Option<bool>, Query, description = "true: sent or acknowledged, no substantive reply, and the reply was due before today"),
        ("recipient_id" = Option<Uuid>, Query, description = "Communications to this recipient"),
        ("follows_id" = Option<Uuid>, Query, description = "Follow-ups of this communication"),
        ("incident_id" = Option<Uuid>, Query, description = "Communications about this incident"),
        ("person_id" = Option<Uuid>, Query, description = "Communications about this person"),
        ("evidence_id" = Option<Uuid>, Query, description = "Communications citing this evidence item"),
    ],
}

record_resource! {
    module: missing_cases,
    body: evidentia_model::MissingCase,
    path: "/missing-cases",
    item_path: "/missing-cases/{id}",
    history_path: "/missing-cases/{id}/history",
    name: "a missing-person case",
    tag: "missing",
    record: MissingCaseRecord,
    input: MissingCaseInput,
    page: MissingCasePage,
    list_params: [
        ("moderation" = Option<String>, Query, description = "pending, accepted or rejected: reports from the public"),
        ("consent" = Option<String>, Query, description = "none, partners or public"),
        ("person_id" = Option<Uuid>, Query, description = "Cases of this person"),
    ],
}

record_resource! {
    module: grave_sites,
    body: evidentia_model::GraveSite,
    path: "/grave-sites",
    item_path: "/grave-sites/{id}",
    history_path: "/grave-sites/{id}/history",
    name: "a grave site",
    tag: "missing",
    record: GraveSiteRecord,
    input: GraveSiteInput,
    page: GraveSitePage,
    list_params: [
        ("type" = Option<String>, Query, description = "individual, mass, improvised or cemetery"),
        ("hazard" = Option<String>, Query, description = "mines, unexploded_ordnance, unstable_ground, contamination, water or other"),
        ("incident_id" = Option<Uuid>, Query, description = "Sites linked to this incident"),
    ],
}

record_resource! {
    module: exhumations,
    body: evidentia_model::Exhumation,
    path: "/exhumations",
    item_path: "/exhumations/{id}",
    history_path: "/exhumations/{id}/history",
    name: "an exhumation",
    tag: "missing",
    record: ExhumationRecord,
    input: ExhumationInput,
    page: ExhumationPage,
    list_params: [("grave_site_id" = Option<Uuid>, Query, description = "Exhumations of this site"),],
}

record_resource! {
    module: remains,
    body: evidentia_model::Remains,
    path: "/remains",
    item_path: "/remains/{id}",
    history_path: "/remains/{id}/history",
    name: "a remains",
    tag: "missing",
    record: RemainsRecord,
    input: RemainsInput,
    page: RemainsPage,
    list_params: [
        ("sex" = Option<String>, Query, description = "female, male or unknown (estimated)"),
        ("grave_site_id" = Option<Uuid>, Query, description = "Remains from this site"),
        ("exhumation_id" = Option<Uuid>, Query, description = "Remains from this exhumation"),
        ("identified_as" = Option<Uuid>, Query, description = "Remains identified as this person"),
    ],
}
