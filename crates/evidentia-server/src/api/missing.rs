//! The search for the missing beyond plain records: an exhumation's recovery log, the
//! identification of remains, and the candidates for a missing person.
//!
//! An identification changes several records at once: the remains become `identified`, the
//! person `killed`, and the person's open cases `identified`. All of them change in one
//! transaction, each as a new version with its log entry, or none does. The caller must be
//! allowed to change every record they can see among them; records they cannot see are neither
//! changed nor mentioned.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use evidentia_model::missing::{
    Identification, IdentificationMethod, MissingStatus, Position, RecoveryEntry, RemainsStatus,
};
use evidentia_model::person::PersonStatus;
use evidentia_model::{
    Exhumation, GraveSite, MissingCase, PartialDate, Person, RecordBody, RecordKind, Remains, Viewer,
};
use evidentia_store::{ListQuery, RecordUpdate, StoredRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::body::{JsonObject, typed};
use super::candidates;
use super::records;
use super::resources::{ExhumationRecord, RemainsRecord};
use crate::AppState;
use crate::auth::Caller;
use crate::errors::{ApiError, ApiResult, Problem};

fn record_id(id: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| ApiError::NotFound)
}

fn body_of<B: RecordBody>(r: &StoredRecord) -> ApiResult<B> {
    serde_json::from_value(r.body.clone()).map_err(|e| ApiError::Internal(format!("{} {}: {e}", r.kind, r.meta.id)))
}

/// A claimed time, which cannot be after today.
fn claimed(field: &str, at: Option<PartialDate>, state: &AppState) -> ApiResult<PartialDate> {
    let now = state.clock.now();
    let at = at.unwrap_or(PartialDate::Instant(now));
    if at.first_day() > now.date() {
        return Err(ApiError::invalid_field(field, "in_future", "is after today"));
    }
    Ok(at)
}

/// A record visible to `viewer`, or `None` (missing and hidden alike).
async fn visible(state: &AppState, viewer: &Viewer, kind: RecordKind, id: Uuid) -> ApiResult<Option<StoredRecord>> {
    match state.store.get(kind, id).await {
        Ok(r) if viewer.may_read(r.meta.organisation_id, r.meta.classification, r.published) => Ok(Some(r)),
        Ok(_) | Err(evidentia_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The change of `current` to `body`, checked as any change is.
fn change_of<B: RecordBody>(
    state: &AppState,
    caller: &Caller,
    current: &StoredRecord,
    body: &B,
) -> ApiResult<RecordUpdate> {
    records::validate(state, body, current.meta.classification)?;
    Ok(RecordUpdate {
        kind: B::KIND,
        id: current.meta.id,
        expected_version: current.meta.version,
        classification: current.meta.classification,
        body: serde_json::to_value(body).map_err(|e| ApiError::Internal(e.to_string()))?,
        index: body.index(),
        at: state.clock.now(),
        by: caller.user_id().unwrap_or_default(),
        events: Vec::new(),
    })
}

/// An item of a recovery log as a client records it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryInput {
    /// The team's number for the item, unique within the exhumation.
    pub item_number: String,
    #[serde(default)]
    pub description: String,
    pub position: Option<Position>,
    /// When, as far as known (partial date); default now.
    #[schema(value_type = Option<String>)]
    pub recovered_at: Option<PartialDate>,
    /// The remains record the item became.
    pub remains_id: Option<Uuid>,
}

/// Records an item recovered from the site. The log only grows; the exhumation's new version is
/// answered.
#[utoipa::path(post, path = "/exhumations/{id}/recovery-log", tag = "missing",
    params(("id" = Uuid, Path)),
    request_body(content = RecoveryInput, content_type = "application/json"),
    responses(
        (status = 201, body = ExhumationRecord, headers(("ETag" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_recovery(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(obj): JsonObject,
) -> ApiResult<impl IntoResponse> {
    let id = record_id(&id)?;
    let current = records::read(&state, &caller, RecordKind::Exhumation, id).await?;
    if !caller.viewer.may_write(current.meta.organisation_id) {
        return Err(records::unauthorised_or_forbidden(&caller.viewer, "change this record"));
    }
    let input: RecoveryInput = typed(Value::Object(obj))?;
    let exhumation: Exhumation = body_of(&current)?;
    if exhumation
        .recovery_log
        .iter()
        .any(|e| e.item_number.trim() == input.item_number.trim())
    {
        return Err(ApiError::invalid_field(
            "item_number",
            "duplicate",
            format!("item {:?} is already in the log", input.item_number),
        ));
    }
    if let Some(remains) = input.remains_id
        && visible(&state, &caller.viewer, RecordKind::Remains, remains)
            .await?
            .is_none()
    {
        return Err(ApiError::invalid_field(
            "remains_id",
            "not_found",
            format!("no remains {remains}"),
        ));
    }
    let entry = RecoveryEntry {
        item_number: input.item_number,
        description: input.description,
        position: input.position,
        recovered_at: claimed("recovered_at", input.recovered_at, &state)?,
        remains_id: input.remains_id,
        recorded_by: caller.user_id(),
        recorded_at: PartialDate::Instant(state.clock.now()),
    };
    let mut errors = evidentia_model::FieldErrors::new();
    entry.validate("", &mut errors);
    if !errors.is_empty() {
        let errors = errors
            .into_vec()
            .into_iter()
            .map(|mut e| {
                e.field = e.field.trim_start_matches('.').to_owned();
                e
            })
            .collect();
        return Err(ApiError::Validation(errors));
    }
    let value = serde_json::to_value(&entry).map_err(|e| ApiError::Internal(e.to_string()))?;
    let r = records::append::<Exhumation>(&state, &caller, id, "recovery_log", value, Vec::new()).await?;
    Ok((
        StatusCode::CREATED,
        records::record_headers(&r, "exhumations"),
        Json(records::record_json(&r)),
    ))
}

/// An identification as a client records it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentificationInput {
    /// The person the remains are.
    pub person_id: Uuid,
    /// dna, dental, fingerprints, visual, circumstantial or other
    #[schema(value_type = String)]
    pub method: IdentificationMethod,
    /// Who confirmed it (a pathologist, a commission).
    pub confirmed_by: String,
    /// When it was confirmed (partial date); default now.
    #[schema(value_type = Option<String>)]
    pub confirmed_at: Option<PartialDate>,
    #[serde(default)]
    pub notes: String,
}

/// What an identification changed.
#[derive(Serialize, ToSchema)]
pub struct IdentificationAnswer {
    pub remains: RemainsRecord,
    #[schema(value_type = Object)]
    pub person: Value,
    /// The person's cases closed as identified.
    #[schema(value_type = Vec<Object>)]
    pub missing_cases: Vec<Value>,
}

/// Cases the changes of a person's identification concern: those of `person` the caller can see
/// that are in `statuses`.
async fn cases_of(
    state: &AppState,
    caller: &Caller,
    person: Uuid,
    statuses: &[MissingStatus],
) -> ApiResult<Vec<StoredRecord>> {
    let mut query = ListQuery::new(Some(RecordKind::MissingCase), caller.viewer.clone());
    query.links.push(("person_id".into(), person));
    query.statuses = statuses.iter().map(|s| s.as_str().to_owned()).collect();
    query.limit = 1000;
    let mut out = Vec::new();
    loop {
        let page = state.store.list(&query).await?;
        out.extend(page.items);
        match page.next {
            Some(next) if out.len() < 10_000 => query.after = Some(next),
            _ => break,
        }
    }
    crate::audit::confidential_reads(state, caller, &out).await?;
    Ok(out)
}

/// How often an identification retries when a record changed between its reads and its write.
const ATTEMPTS: usize = 3;

/// What an identification, or its withdrawal, changed: the remains, the person (when the caller
/// may see them) and the person's cases.
pub struct IdentificationChange {
    pub remains: StoredRecord,
    pub person: Option<StoredRecord>,
    pub missing_cases: Vec<StoredRecord>,
}

impl IdentificationChange {
    fn answer(&self) -> (axum::http::HeaderMap, Json<Value>) {
        (
            records::record_headers(&self.remains, "remains"),
            Json(serde_json::json!({
                "remains": records::record_json(&self.remains),
                "person": self.person.as_ref().map_or(Value::Null, records::record_json),
                "missing_cases": self.missing_cases.iter().map(records::record_json).collect::<Vec<_>>(),
            })),
        )
    }
}

/// Identifies the remains as a person: the remains become `identified`, the person `killed`, and
/// the person's open cases `identified`, in one transaction, each change a new version with its
/// log entry.
#[utoipa::path(post, path = "/remains/{id}/identification", tag = "missing",
    params(("id" = Uuid, Path)),
    request_body(content = IdentificationInput, content_type = "application/json"),
    responses(
        (status = 200, body = IdentificationAnswer),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn identify(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(obj): JsonObject,
) -> ApiResult<impl IntoResponse> {
    let id = record_id(&id)?;
    Ok(identify_remains(&state, &caller, id, obj).await?.answer())
}

/// The identification of remains `id` as the person `input` names (an [`IdentificationInput`]
/// as a JSON object): what `POST /remains/{id}/identification` and the remains page's form do.
/// The caller's right to change the remains is checked before the input is read.
pub async fn identify_remains(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    input: serde_json::Map<String, Value>,
) -> ApiResult<IdentificationChange> {
    let viewer = &caller.viewer;
    let current = records::read(state, caller, RecordKind::Remains, id).await?;
    if !viewer.may_write(current.meta.organisation_id) {
        return Err(records::unauthorised_or_forbidden(viewer, "identify these remains"));
    }
    let input: IdentificationInput = typed(Value::Object(input))?;
    let confirmed_at = claimed("confirmed_at", input.confirmed_at, state)?;
    let mut attempts = 0;
    loop {
        let current = records::read(state, caller, RecordKind::Remains, id).await?;
        let mut remains: Remains = body_of(&current)?;
        if remains.status == RemainsStatus::Identified {
            return Err(ApiError::Conflict(
                "the remains are already identified; withdraw that identification first".into(),
            ));
        }
        let Some(person_record) = visible(state, viewer, RecordKind::Person, input.person_id).await? else {
            return Err(ApiError::invalid_field(
                "person_id",
                "not_found",
                format!("no person {}", input.person_id),
            ));
        };
        if !viewer.may_write(person_record.meta.organisation_id) {
            return Err(records::unauthorised_or_forbidden(
                viewer,
                "change the person identified",
            ));
        }
        let cases = cases_of(
            state,
            caller,
            input.person_id,
            &[MissingStatus::Open, MissingStatus::LocatedDeceased],
        )
        .await?;
        if cases.iter().any(|c| !viewer.may_write(c.meta.organisation_id)) {
            return Err(records::unauthorised_or_forbidden(
                viewer,
                "close the person's missing-person cases",
            ));
        }
        remains.status = RemainsStatus::Identified;
        remains.identified_as = Some(input.person_id);
        remains.identification = Some(Identification {
            method: input.method,
            confirmed_by: input.confirmed_by.clone(),
            confirmed_at,
            notes: input.notes.clone(),
            recorded_by: caller.user_id(),
        });
        let mut person: Person = body_of(&person_record)?;
        person.status = PersonStatus::Killed;
        let mut updates = vec![
            change_of(state, caller, &current, &remains)?,
            change_of(state, caller, &person_record, &person)?,
        ];
        for c in &cases {
            let mut case: MissingCase = body_of(c)?;
            case.status = MissingStatus::Identified;
            updates.push(change_of(state, caller, c, &case)?);
        }
        match state.store.write_all(Vec::new(), updates).await {
            Err(evidentia_store::StoreError::Conflict { .. }) if attempts + 1 < ATTEMPTS => attempts += 1,
            Err(e) => return Err(e.into()),
            Ok(changed) => {
                let mut changed = changed.into_iter();
                let (Some(remains), Some(person)) = (changed.next(), changed.next()) else {
                    return Err(ApiError::Internal(
                        "an identification changed fewer records than asked".into(),
                    ));
                };
                return Ok(IdentificationChange {
                    remains,
                    person: Some(person),
                    missing_cases: changed.collect(),
                });
            }
        }
    }
}

/// Withdraws a mistaken identification: the remains become `candidate_match` again and the
/// person's cases closed by it are reopened. The person's status is left for staff to set, as
/// only they know what else is recorded of the person's fate.
#[utoipa::path(delete, path = "/remains/{id}/identification", tag = "missing",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = IdentificationAnswer),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn withdraw_identification(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let id = record_id(&id)?;
    Ok(withdraw_remains_identification(&state, &caller, id).await?.answer())
}

/// The withdrawal of the identification of remains `id`: what
/// `DELETE /remains/{id}/identification` and the remains page's button do.
pub async fn withdraw_remains_identification(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
) -> ApiResult<IdentificationChange> {
    let viewer = &caller.viewer;
    let mut attempts = 0;
    loop {
        let current = records::read(state, caller, RecordKind::Remains, id).await?;
        if !viewer.may_write(current.meta.organisation_id) {
            return Err(records::unauthorised_or_forbidden(
                viewer,
                "withdraw this identification",
            ));
        }
        let mut remains: Remains = body_of(&current)?;
        let Some(person_id) = remains.identified_as else {
            return Err(ApiError::Conflict("the remains are not identified".into()));
        };
        let cases = cases_of(state, caller, person_id, &[MissingStatus::Identified]).await?;
        if cases.iter().any(|c| !viewer.may_write(c.meta.organisation_id)) {
            return Err(records::unauthorised_or_forbidden(
                viewer,
                "reopen the person's missing-person cases",
            ));
        }
        remains.status = RemainsStatus::CandidateMatch;
        remains.identified_as = None;
        remains.identification = None;
        let mut updates = vec![change_of(state, caller, &current, &remains)?];
        for c in &cases {
            let mut case: MissingCase = body_of(c)?;
            case.status = MissingStatus::Open;
            updates.push(change_of(state, caller, c, &case)?);
        }
        match state.store.write_all(Vec::new(), updates).await {
            Err(evidentia_store::StoreError::Conflict { .. }) if attempts + 1 < ATTEMPTS => attempts += 1,
            Err(e) => return Err(e.into()),
            Ok(changed) => {
                let mut changed = changed.into_iter();
                let Some(remains) = changed.next() else {
                    return Err(ApiError::Internal("a withdrawal changed no record".into()));
                };
                let person = visible(state, viewer, RecordKind::Person, person_id).await?;
                return Ok(IdentificationChange {
                    remains,
                    person,
                    missing_cases: changed.collect(),
                });
            }
        }
    }
}

/// One candidate for a missing person.
#[derive(Serialize, ToSchema)]
pub struct Candidate {
    /// `remains` or `person` (recorded killed).
    pub kind: String,
    pub id: Uuid,
    /// Higher is likelier; the sum of the weights of the reasons.
    pub score: f64,
    /// One reason per compared field, in words.
    pub reasons: Vec<String>,
    #[schema(value_type = Object)]
    pub record: Value,
}

#[derive(Serialize, ToSchema)]
pub struct CandidatePage {
    /// Best first.
    pub items: Vec<Candidate>,
}

/// Most records of each kind a candidate search reads.
const MAX_SCANNED: usize = 5_000;

/// The records of `kind` in `statuses` that the caller may see, up to [`MAX_SCANNED`].
async fn scan(state: &AppState, caller: &Caller, kind: RecordKind, statuses: &[&str]) -> ApiResult<Vec<StoredRecord>> {
    let mut query = ListQuery::new(Some(kind), caller.viewer.clone());
    query.statuses = statuses.iter().map(|s| (*s).to_owned()).collect();
    query.limit = 1000;
    let mut out = Vec::new();
    loop {
        let page = state.store.list(&query).await?;
        out.extend(page.items);
        match page.next {
            Some(next) if out.len() < MAX_SCANNED => query.after = Some(next),
            _ => break,
        }
    }
    Ok(out)
}

/// Remains (unidentified or candidate matches) and persons recorded killed who may be the missing
/// person, best first, each with its score and the reasons for it, field by field. Only records
/// the caller may see are read.
#[utoipa::path(get, path = "/missing-cases/{id}/candidates", tag = "missing",
    params(("id" = Uuid, Path), ("limit" = Option<u32>, Query, description = "1–100, default 20")),
    responses(
        (status = 200, body = CandidatePage),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn candidates(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<impl IntoResponse> {
    let id = record_id(&id)?;
    let mut limit = 20;
    for (k, v) in form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "limit" => {
                limit = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| ApiError::bad_field("limit", "must be a whole number from 1 to 100"))?;
            }
            other => return Err(ApiError::bad_field(other, "is not a parameter of this request")),
        }
    }
    let items = candidates_of(&state, &caller, id, limit).await?;
    Ok(Json(CandidatePage { items }))
}

/// The candidates for missing-person case `id`, best first, at most `limit`: what
/// `GET /missing-cases/{id}/candidates` answers and the case's page shows.
pub async fn candidates_of(state: &AppState, caller: &Caller, id: Uuid, limit: usize) -> ApiResult<Vec<Candidate>> {
    let case_record = records::read(state, caller, RecordKind::MissingCase, id).await?;
    let case: MissingCase = body_of(&case_record)?;
    let person = match visible(state, &caller.viewer, RecordKind::Person, case.person_id).await? {
        Some(p) => Some(body_of::<Person>(&p)?),
        None => None,
    };
    let remains = scan(
        state,
        caller,
        RecordKind::Remains,
        &[
            RemainsStatus::Unidentified.as_str(),
            RemainsStatus::CandidateMatch.as_str(),
        ],
    )
    .await?;
    let mut scored: Vec<(f64, Vec<String>, &StoredRecord)> = Vec::new();
    let mut sites: std::collections::HashMap<Uuid, Option<(f64, f64)>> = std::collections::HashMap::new();
    for r in &remains {
        let body: Remains = body_of(r)?;
        let site = match body.grave_site_id {
            Some(site_id) => {
                if let Some(point) = sites.get(&site_id) {
                    *point
                } else {
                    let point = match visible(state, &caller.viewer, RecordKind::GraveSite, site_id).await? {
                        Some(s) => body_of::<GraveSite>(&s)?.point(),
                        None => None,
                    };
                    sites.insert(site_id, point);
                    point
                }
            }
            None => None,
        };
        let s = candidates::score_remains(&case, person.as_ref(), &body, site);
        scored.push((s.score, s.reasons, r));
    }
    let deceased: Vec<StoredRecord> = if person.is_some() {
        scan(state, caller, RecordKind::Person, &[PersonStatus::Killed.as_str()])
            .await?
            .into_iter()
            .filter(|p| p.meta.id != case.person_id)
            .collect()
    } else {
        Vec::new()
    };
    if let Some(person) = &person {
        let bodies = deceased.iter().map(body_of::<Person>).collect::<ApiResult<Vec<_>>>()?;
        let (case_for_scoring, person_for_scoring) = (case.clone(), person.clone());
        let scores = tokio::task::spawn_blocking(move || {
            let refs: Vec<&Person> = bodies.iter().collect();
            candidates::score_deceased(&case_for_scoring, &person_for_scoring, &refs)
        })
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
        for (s, r) in scores.into_iter().zip(&deceased) {
            scored.push((s.score, s.reasons, r));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.meta.id.cmp(&b.2.meta.id)));
    scored.truncate(limit);
    let shown: Vec<&StoredRecord> = scored.iter().map(|s| s.2).collect();
    crate::audit::confidential_reads(state, caller, shown).await?;
    Ok(scored
        .into_iter()
        .map(|(score, reasons, r)| Candidate {
            kind: if r.kind == RecordKind::Remains {
                "remains"
            } else {
                "person"
            }
            .to_owned(),
            id: r.meta.id,
            score: (score * 10.0).round() / 10.0,
            reasons,
            record: records::record_json(r),
        })
        .collect())
}
