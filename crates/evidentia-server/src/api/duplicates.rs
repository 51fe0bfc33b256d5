//! Duplicate persons: the review queue of pairs that linkage proposes, the reviewers' decisions,
//! merges and their undoing.
//!
//! Proposals are computed on every request from the persons the caller may see, so nothing one
//! reviewer's linkage saw can reach another; nothing is cached. A decision is a `person_match`
//! record (history, classification and log entries like every record), classified at least as
//! strictly as the stricter of its two persons and owned by that person's organisation, so that
//! whoever may see both persons may see the decision. A confirmed decision merges: the absorbed
//! person's `merged_into` names the survivor, both records are kept, lists show the survivor, and
//! undoing clears the field again. A person the caller may not see is answered as one that does
//! not exist, on every path.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use evidentia_linkage::{Linker, Parameters, PersonRecord as LinkageRecord, ProposedMatch};
use evidentia_model::person::MERGED_TERM;
use evidentia_model::person_match::Merge;
use evidentia_model::{MatchDecision, Meta, Person, PersonMatch, RecordBody, RecordKind, Viewer};
use evidentia_store::{Cursor, ListQuery, NewRecord, RecordUpdate, Sort, Store, StoreError, StoredRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::body::{JsonObject, typed};
use super::params::{DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, encode_cursor};
use super::records::{self, record_json, unauthorised_or_forbidden};
use crate::AppState;
use crate::auth::Caller;
use crate::errors::{ApiError, ApiResult, Problem};

/// Most persons read for one computation of the queue; beyond it the queue covers the first ones
/// created (a deployment that large deduplicates with `evidentia persons dedupe` in batches).
const MAX_PERSONS: usize = 200_000;
/// Seed of the parameter estimate, fixed so that the same persons give the same proposals.
const ESTIMATE_SEED: u64 = 1;

/// One of the two persons of a proposal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposedPerson {
    pub id: Uuid,
    /// The name as lists show it.
    pub label: String,
}

/// A pair that linkage takes for one person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Proposal {
    /// The two persons, the smaller id first.
    pub person_ids: [Uuid; 2],
    pub persons: [ProposedPerson; 2],
    /// The match weight (log₂ of the likelihood ratio); higher is surer.
    pub score: f64,
    /// Why, in words: which fields agree and which differ.
    pub reasons: String,
    /// A reviewer deferred the pair; deferred pairs come after the open ones.
    pub deferred: bool,
    /// The decision record of a deferred pair.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct ProposalPage {
    pub items: Vec<Proposal>,
    pub next_cursor: Option<String>,
}

/// A reviewer's decision on a pair.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub person_ids: [Uuid; 2],
    pub decision: MatchDecision,
    /// On `confirmed`: the person to keep showing (default: the one recorded first).
    #[serde(default)]
    pub survivor_id: Option<Uuid>,
}

/// The documented shape of a decision record.
#[derive(Serialize, ToSchema)]
pub struct PersonMatchRecord {
    #[serde(flatten)]
    pub meta: Meta,
    #[serde(flatten)]
    pub body: PersonMatch,
}

/// Every person the viewer may see that is not merged into another, oldest first.
pub async fn visible_persons(store: &dyn Store, viewer: &Viewer) -> Result<Vec<StoredRecord>, StoreError> {
    let mut out = Vec::new();
    let mut query = ListQuery::new(Some(RecordKind::Person), viewer.clone());
    query.without_terms.push(MERGED_TERM.to_owned());
    query.sort = Sort::CreatedAsc;
    query.limit = 1000;
    loop {
        let page = store.list(&query).await?;
        out.extend(page.items);
        match page.next {
            Some(next) if out.len() < MAX_PERSONS => query.after = Some(next),
            _ => break,
        }
    }
    out.truncate(MAX_PERSONS);
    Ok(out)
}

fn text(body: &Value, field: &str) -> String {
    body.get(field).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// A stored person as linkage reads it.
pub fn linkage_record(r: &StoredRecord) -> LinkageRecord {
    let b = &r.body;
    let mut given = text(b, "given_name");
    let family = text(b, "family_name");
    let patronymic = text(b, "patronymic");
    if given.is_empty() && family.is_empty() && patronymic.is_empty() {
        // Only the name as the source wrote it: read it as given and family names.
        given = text(b, "name_original");
    }
    let age = match (
        b.pointer("/age_estimate/min").and_then(Value::as_u64),
        b.pointer("/age_estimate/max").and_then(Value::as_u64),
    ) {
        (Some(min), Some(max)) => ((min + max) / 2).to_string(),
        _ => String::new(),
    };
    LinkageRecord {
        record_id: r.meta.id.to_string(),
        given_name: given,
        family_name: family,
        patronymic,
        birth_date: text(b, "birth_date"),
        age,
        sex: text(b, "sex"),
        residence: text(b, "residence"),
    }
}

/// The name of a stored person as lists show it.
pub fn person_label(r: &StoredRecord) -> String {
    typed::<Person>(r.body.clone())
        .map(|p| p.display_name())
        .unwrap_or_default()
}

/// The pairs linkage proposes among `persons`, strongest first.
pub fn propose(persons: &[StoredRecord]) -> Vec<ProposedMatch> {
    let records: Vec<LinkageRecord> = persons.iter().map(linkage_record).collect();
    let mut linker = Linker::new(Parameters::default());
    linker.insert(&records);
    linker.estimate(ESTIMATE_SEED);
    linker.link();
    linker.proposed_matches()
}

fn sorted(a: Uuid, b: Uuid) -> [Uuid; 2] {
    if a <= b { [a, b] } else { [b, a] }
}

/// Every decision, by pair. Read as the system: only pairs of persons the caller may see are ever
/// looked up in it.
async fn decisions(store: &dyn Store) -> Result<HashMap<[Uuid; 2], (Uuid, PersonMatch)>, StoreError> {
    let mut out = HashMap::new();
    let mut query = ListQuery::new(Some(RecordKind::PersonMatch), Viewer::System);
    query.sort = Sort::CreatedAsc;
    query.limit = 1000;
    loop {
        let page = store.list(&query).await?;
        for r in &page.items {
            if let Ok(m) = serde_json::from_value::<PersonMatch>(r.body.clone()) {
                out.insert(m.person_ids, (r.meta.id, m));
            }
        }
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    Ok(out)
}

/// The review queue of `viewer`: open pairs strongest first, then deferred ones; never a rejected
/// or confirmed pair, never a person `viewer` may not see. With `writable_only`, only pairs whose
/// two persons the viewer may change (those they can decide on).
pub async fn queue(
    store: &dyn Store,
    viewer: &Viewer,
    writable_only: bool,
) -> Result<(Vec<Proposal>, HashMap<Uuid, StoredRecord>), StoreError> {
    let mut persons = visible_persons(store, viewer).await?;
    if writable_only {
        // Linkage sees only what the reviewer may decide on, so that neither the proposals nor
        // their scores depend on records of other offices.
        persons.retain(|r| viewer.may_write(r.meta.organisation_id));
    }
    let proposed = propose(&persons);
    let decided = decisions(store).await?;
    let by_id: HashMap<Uuid, StoredRecord> = persons.into_iter().map(|r| (r.meta.id, r)).collect();
    let mut open = Vec::new();
    let mut deferred = Vec::new();
    for m in proposed {
        let (Ok(a), Ok(b)) = (Uuid::parse_str(&m.a), Uuid::parse_str(&m.b)) else {
            continue;
        };
        let (Some(ra), Some(rb)) = (by_id.get(&a), by_id.get(&b)) else {
            continue;
        };
        if writable_only && !(viewer.may_write(ra.meta.organisation_id) && viewer.may_write(rb.meta.organisation_id)) {
            continue;
        }
        let ids = sorted(a, b);
        let decision = decided.get(&ids);
        let is_deferred = match decision.map(|(_, d)| d.decision) {
            None => false,
            Some(MatchDecision::Deferred) => true,
            Some(MatchDecision::Rejected | MatchDecision::Confirmed) => continue,
        };
        let person = |id: Uuid| ProposedPerson {
            id,
            label: by_id.get(&id).map(person_label).unwrap_or_default(),
        };
        let proposal = Proposal {
            person_ids: ids,
            persons: [person(ids[0]), person(ids[1])],
            score: m.weight,
            reasons: m.reasons,
            deferred: is_deferred,
            match_id: decision.map(|(id, _)| *id),
        };
        if is_deferred {
            deferred.push(proposal);
        } else {
            open.push(proposal);
        }
    }
    open.extend(deferred);
    Ok((open, by_id))
}

/// 401 for the public, 403 for staff who may change records in no organisation.
fn require_reviewer(viewer: &Viewer) -> ApiResult<()> {
    let may = match viewer {
        Viewer::Staff { memberships, .. } => memberships.iter().any(|(_, r)| r.can_write()),
        Viewer::System => true,
        Viewer::Public => false,
    };
    if may {
        Ok(())
    } else {
        Err(unauthorised_or_forbidden(viewer, "decide on duplicate persons"))
    }
}

/// The proposed duplicate persons the caller may decide on.
#[utoipa::path(get, path = "/persons/duplicates", tag = "persons", operation_id = "list_duplicate_persons",
    summary = "The review queue of proposed duplicate persons",
    params(
        ("limit" = Option<u32>, Query, description = "Page size, 1–500 (default 50)"),
        ("cursor" = Option<String>, Query, description = "From `next_cursor` of the previous page"),
    ),
    responses(
        (status = 200, body = ProposalPage),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<impl IntoResponse> {
    if caller.viewer == Viewer::Public {
        return Err(unauthorised_or_forbidden(&caller.viewer, "review duplicate persons"));
    }
    let (limit, offset) = page_params(raw.as_deref())?;
    Ok(Json(proposal_page(&state, &caller, limit, offset).await?))
}

/// `limit` and the offset a `cursor` names.
pub fn page_params(raw: Option<&str>) -> ApiResult<(usize, usize)> {
    let mut limit = DEFAULT_LIMIT;
    let mut offset = 0usize;
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "limit" => {
                limit = v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| ApiError::bad_field("limit", format!("must be between 1 and {MAX_LIMIT}")))?;
            }
            "cursor" => {
                offset = decode_cursor(&v)
                    .filter(|c| c.id.is_nil())
                    .and_then(|c| usize::try_from(c.key).ok())
                    .ok_or_else(|| ApiError::bad_field("cursor", "is not a cursor this API gave out"))?;
            }
            other => return Err(ApiError::bad_field(other, "is not a parameter of this list")),
        }
    }
    Ok((limit as usize, offset))
}

/// One page of the caller's queue; reads of confidential persons shown are audited.
pub async fn proposal_page(state: &AppState, caller: &Caller, limit: usize, offset: usize) -> ApiResult<ProposalPage> {
    let (all, persons) = queue(state.store.as_ref(), &caller.viewer, true).await?;
    let items: Vec<Proposal> = all.iter().skip(offset).take(limit).cloned().collect();
    let shown: Vec<&StoredRecord> = items
        .iter()
        .flat_map(|p| p.person_ids)
        .filter_map(|id| persons.get(&id))
        .collect();
    crate::audit::confidential_reads(state, caller, shown).await?;
    let next = offset + items.len();
    let next_cursor = (next < all.len()).then(|| {
        encode_cursor(Cursor {
            key: i64::try_from(next).unwrap_or(i64::MAX),
            id: Uuid::nil(),
        })
    });
    Ok(ProposalPage { items, next_cursor })
}

/// A person the caller may see, or 404 (a hidden one is answered as a missing one).
async fn visible_person(state: &AppState, viewer: &Viewer, id: Uuid) -> ApiResult<StoredRecord> {
    let r = match state.store.get(RecordKind::Person, id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(ApiError::NotFound),
        Err(e) => return Err(e.into()),
    };
    if viewer.may_read(r.meta.organisation_id, r.meta.classification, r.published) {
        Ok(r)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The decision record on a pair, if any (read as the system; the caller sees both persons).
pub async fn decision_of(state: &AppState, ids: [Uuid; 2]) -> ApiResult<Option<StoredRecord>> {
    let mut query = ListQuery::new(Some(RecordKind::PersonMatch), Viewer::System);
    query.links = vec![("person_id".into(), ids[0]), ("person_id".into(), ids[1])];
    query.limit = 1;
    Ok(state.store.list(&query).await?.items.into_iter().next())
}

/// The change that sets or clears `merged_into` of a person at the version read.
fn merged_into_change(state: &AppState, by: Uuid, person: &StoredRecord, to: Option<Uuid>) -> ApiResult<RecordUpdate> {
    let mut body: Person = typed(person.body.clone())?;
    body.merged_into = to;
    Ok(RecordUpdate {
        kind: RecordKind::Person,
        id: person.meta.id,
        expected_version: person.meta.version,
        classification: person.meta.classification,
        body: serde_json::to_value(&body).map_err(|e| ApiError::Internal(e.to_string()))?,
        index: body.index(),
        at: state.clock.now(),
        by,
        events: Vec::new(),
    })
}

/// Writes a decision — a new record, or a new version of the pair's record — together with
/// `also` (the merge or unmerge of a person) in one transaction: both or neither.
async fn write_decision(
    state: &AppState,
    by: Uuid,
    persons: [&StoredRecord; 2],
    existing: Option<&StoredRecord>,
    body: &PersonMatch,
    also: Option<RecordUpdate>,
) -> ApiResult<(StatusCode, StoredRecord)> {
    // The stricter person decides the classification and the owner, so that whoever may see both
    // persons may see the decision.
    let [a, b] = persons;
    let strict = if b.meta.classification > a.meta.classification {
        b
    } else {
        a
    };
    let mut classification = strict.meta.classification;
    let json = serde_json::to_value(body).map_err(|e| ApiError::Internal(e.to_string()))?;
    let vocabularies = state.vocabularies();
    evidentia_model::validate(body, classification, &vocabularies).map_err(ApiError::Validation)?;
    let now = state.clock.now();
    let conflict = |e: StoreError| match e {
        StoreError::Conflict { .. } => {
            ApiError::Conflict("the decision or one of the persons changed meanwhile; try again".into())
        }
        e => e.into(),
    };
    let mut updates: Vec<RecordUpdate> = also.into_iter().collect();
    if let Some(current) = existing {
        classification = classification.max(current.meta.classification);
        updates.push(RecordUpdate {
            kind: RecordKind::PersonMatch,
            id: current.meta.id,
            expected_version: current.meta.version,
            classification,
            body: json,
            index: body.index(),
            at: now,
            by,
            events: Vec::new(),
        });
        let written = state.store.write_all(Vec::new(), updates).await.map_err(conflict)?;
        let r = written
            .into_iter()
            .last()
            .ok_or_else(|| ApiError::Internal("a decision changed no record".into()))?;
        return Ok((StatusCode::OK, r));
    }
    let meta = Meta {
        id: state.clock.new_id(),
        organisation_id: strict.meta.organisation_id,
        classification,
        created_at: now,
        created_by: by,
        updated_at: now,
        updated_by: by,
        version: 1,
    };
    let record = StoredRecord {
        kind: RecordKind::PersonMatch,
        meta: meta.clone(),
        published: false,
        body: json.clone(),
    };
    let new = NewRecord {
        kind: RecordKind::PersonMatch,
        meta,
        body: json,
        index: body.index(),
    };
    state.store.write_all(vec![new], updates).await.map_err(conflict)?;
    Ok((StatusCode::CREATED, record))
}

/// Weight and reasons for one pair, as the queue would give them with the default parameters.
fn explain(a: &StoredRecord, b: &StoredRecord) -> (f64, String) {
    let mut linker = Linker::new(Parameters::default());
    linker.add(&[linkage_record(a), linkage_record(b)]);
    linker
        .explain(&a.meta.id.to_string(), &b.meta.id.to_string())
        .map_or((0.0, String::new()), |m| {
            (if m.weight.is_finite() { m.weight } else { 0.0 }, m.reasons)
        })
}

/// Records a decision on a pair; `confirmed` merges the two persons.
#[utoipa::path(post, path = "/persons/duplicates", tag = "persons", operation_id = "decide_duplicate_persons",
    summary = "Confirm, reject or defer a proposed pair of duplicate persons",
    request_body(content = DecisionInput, content_type = "application/json"),
    responses(
        (status = 201, body = PersonMatchRecord),
        (status = 200, body = PersonMatchRecord, description = "A new version of the pair's decision"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(obj): JsonObject,
) -> ApiResult<impl IntoResponse> {
    let input: DecisionInput = typed(Value::Object(obj))?;
    let (status, r) = record_decision(&state, &caller, &input).await?;
    Ok((status, Json(record_json(&r))))
}

/// The decision of [`decide`], for the API and the review page.
pub async fn record_decision(
    state: &AppState,
    caller: &Caller,
    input: &DecisionInput,
) -> ApiResult<(StatusCode, StoredRecord)> {
    let viewer = &caller.viewer;
    require_reviewer(viewer)?;
    let [a, b] = input.person_ids;
    if a == b {
        return Err(ApiError::invalid_field(
            "person_ids",
            "invalid",
            "two different persons",
        ));
    }
    let ids = sorted(a, b);
    let first = visible_person(state, viewer, ids[0]).await?;
    let second = visible_person(state, viewer, ids[1]).await?;
    if !viewer.may_write(first.meta.organisation_id) || !viewer.may_write(second.meta.organisation_id) {
        return Err(unauthorised_or_forbidden(viewer, "decide on these persons"));
    }
    crate::audit::confidential_reads(state, caller, [&first, &second]).await?;
    let existing = decision_of(state, ids).await?;
    if let Some(current) = &existing
        && typed::<PersonMatch>(current.body.clone())?.active_merge().is_some()
    {
        return Err(ApiError::Conflict(
            "the two persons are merged: undo the merge first".into(),
        ));
    }
    let by = viewer.user_id().unwrap_or_default();
    let (score, reasons) = explain(&first, &second);
    let mut body = PersonMatch {
        person_ids: ids,
        decision: input.decision,
        score,
        reasons,
        decided_by: by,
        decided_at: state.clock.now(),
        merged: None,
    };
    if input.decision == MatchDecision::Confirmed {
        for p in [&first, &second] {
            if p.body.get("merged_into").is_some_and(|v| !v.is_null()) {
                return Err(ApiError::Conflict(format!(
                    "person {} is merged into another person already",
                    p.meta.id
                )));
            }
        }
        let survivor = match input.survivor_id {
            Some(s) if ids.contains(&s) => s,
            Some(_) => {
                return Err(ApiError::invalid_field(
                    "survivor_id",
                    "invalid",
                    "must be one of person_ids",
                ));
            }
            None => {
                // The person recorded first stays.
                if (second.meta.created_at, second.meta.id) < (first.meta.created_at, first.meta.id) {
                    second.meta.id
                } else {
                    first.meta.id
                }
            }
        };
        let absorbed = if survivor == first.meta.id { &second } else { &first };
        body.merged = Some(Merge {
            survivor_id: survivor,
            absorbed_id: absorbed.meta.id,
            undone_at: None,
            undone_by: None,
        });
        let merge = merged_into_change(state, by, absorbed, Some(survivor))?;
        return write_decision(state, by, [&first, &second], existing.as_ref(), &body, Some(merge)).await;
    }
    write_decision(state, by, [&first, &second], existing.as_ref(), &body, None).await
}

/// Undoes the merge of a confirmed decision: the absorbed person is shown on its own again and
/// the pair goes back to the queue as deferred.
#[utoipa::path(post, path = "/persons/duplicates/{id}/undo", tag = "persons", operation_id = "undo_person_merge",
    summary = "Undo the merge of two persons",
    params(("id" = Uuid, Path, description = "The decision record (`id` of a confirmed decision)")),
    responses(
        (status = 200, body = PersonMatchRecord),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn undo(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    let r = undo_merge(&state, &caller, id).await?;
    Ok(Json(record_json(&r)))
}

/// The undoing of [`undo`], for the API and the review page.
pub async fn undo_merge(state: &AppState, caller: &Caller, id: Uuid) -> ApiResult<StoredRecord> {
    let viewer = &caller.viewer;
    require_reviewer(viewer)?;
    let current = records::read(state, caller, RecordKind::PersonMatch, id).await?;
    let mut body: PersonMatch = typed(current.body.clone())?;
    let [a, b] = body.person_ids;
    let first = visible_person(state, viewer, a).await?;
    let second = visible_person(state, viewer, b).await?;
    if !viewer.may_write(first.meta.organisation_id) || !viewer.may_write(second.meta.organisation_id) {
        return Err(unauthorised_or_forbidden(viewer, "undo this merge"));
    }
    let Some(merge) = body.active_merge().cloned() else {
        return Err(ApiError::Conflict("this decision holds no merge to undo".into()));
    };
    let absorbed = if merge.absorbed_id == first.meta.id {
        &first
    } else {
        &second
    };
    let points_to = absorbed
        .body
        .get("merged_into")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok());
    let by = viewer.user_id().unwrap_or_default();
    let unmerge = if points_to == Some(merge.survivor_id) {
        Some(merged_into_change(state, by, absorbed, None)?)
    } else {
        None
    };
    let now = state.clock.now();
    body.decision = MatchDecision::Deferred;
    body.decided_by = by;
    body.decided_at = now;
    body.merged = Some(Merge {
        undone_at: Some(now),
        undone_by: Some(by),
        ..merge
    });
    let (_, r) = write_decision(state, by, [&first, &second], Some(&current), &body, unmerge).await?;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use evidentia_model::{Classification, Meta};
    use serde_json::json;

    fn stored(id: u128, body: Value) -> StoredRecord {
        let at = time::macros::datetime!(2024-01-02 03:04:05 UTC);
        StoredRecord {
            kind: RecordKind::Person,
            meta: Meta {
                id: Uuid::from_u128(id),
                organisation_id: Uuid::from_u128(1),
                classification: Classification::Internal,
                created_at: at,
                created_by: Uuid::nil(),
                updated_at: at,
                updated_by: Uuid::nil(),
                version: 1,
            },
            published: false,
            body,
        }
    }

    #[test]
    fn stored_persons_are_read_as_linkage_records() {
        let r = linkage_record(&stored(
            7,
            json!({"name_original": "Шевчук Олександр", "age_estimate": {"min": 30, "max": 40},
                   "birth_date": "1980-03", "sex": "male", "residence": "Тихоріччя"}),
        ));
        assert_eq!(r.record_id, Uuid::from_u128(7).to_string());
        assert_eq!(
            r.given_name, "Шевчук Олександр",
            "only the original form: it is the name"
        );
        assert_eq!(r.age, "35");
        assert_eq!((r.birth_date.as_str(), r.sex.as_str()), ("1980-03", "male"));
        let r = linkage_record(&stored(8, json!({"given_name": "Ганна", "name_original": "x"})));
        assert_eq!((r.given_name.as_str(), r.age.as_str()), ("Ганна", ""));
    }

    #[test]
    fn the_same_person_in_two_scripts_is_proposed_with_reasons() {
        let persons = [
            stored(
                1,
                json!({"given_name": "Олександр", "family_name": "Шевчук", "birth_date": "1980-03-04"}),
            ),
            stored(
                2,
                json!({"given_name": "Oleksandr", "family_name": "Shevchuk", "birth_date": "1980-03-04"}),
            ),
            stored(
                3,
                json!({"given_name": "Ірина", "family_name": "Коваль", "birth_date": "1975"}),
            ),
        ];
        let proposed = propose(&persons);
        assert_eq!(proposed.len(), 1, "{proposed:?}");
        let m = &proposed[0];
        let pair = sorted(Uuid::parse_str(&m.a).unwrap(), Uuid::parse_str(&m.b).unwrap());
        assert_eq!(pair, [Uuid::from_u128(1), Uuid::from_u128(2)]);
        assert!(m.weight > 0.0 && !m.reasons.is_empty(), "{m:?}");
        let (score, reasons) = explain(&persons[0], &persons[1]);
        assert!(score > 0.0 && reasons.contains("family name"), "{reasons}");
    }
}
