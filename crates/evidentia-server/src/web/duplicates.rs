//! The review queue of duplicate persons for staff: each proposed pair side by side with the
//! reasons, and forms to confirm (merge), reject or defer it, and to undo a merge. Every form is a
//! plain POST with the session's CSRF token; the decisions go through the API's functions
//! ([`crate::api::duplicates`]), with the same checks.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use evidentia_model::MatchDecision;
use evidentia_store::StoredRecord;
use uuid::Uuid;

use super::chrome::{Chrome, Ctx};
use super::forms::Form;
use super::incidents::parse_id;
use super::view::{self, clean_query, text};
use crate::AppState;
use crate::api::duplicates::{self, DecisionInput};
use crate::errors::{ApiError, ApiResult};

const PAGE_SIZE: usize = 20;

pub struct PairView {
    pub ids: String,
    pub left: String,
    pub right: String,
    /// Field label, left value, right value.
    pub rows: Vec<(String, String, String)>,
    pub score: String,
    pub reasons: String,
    pub deferred: bool,
}

#[derive(Template)]
#[template(path = "duplicates.html")]
struct QueuePage {
    c: Chrome,
    pairs: Vec<PairView>,
    next: Option<String>,
}

fn fields(ctx: &Ctx, r: Option<&StoredRecord>) -> Vec<(String, String)> {
    let lang = ctx.lang;
    let mut fields = Vec::new();
    if let Some(r) = r {
        let b = &r.body;
        let sex = text(b, "sex");
        for (key, value) in [
            ("person.name", view::person_name(b)),
            ("person.name_original", text(b, "name_original")),
            (
                "person.sex",
                if sex.is_empty() {
                    sex
                } else {
                    lang.t(&format!("sex.{sex}")).to_owned()
                },
            ),
            ("person.birth_date", view::partial_date(lang, &b["birth_date"])),
            ("person.residence", text(b, "residence")),
            (
                "person.status",
                lang.t(&format!("person_status.{}", text(b, "status"))).to_owned(),
            ),
        ] {
            fields.push((lang.t(key).to_owned(), value));
        }
    }
    fields
}

fn side_by_side(ctx: &Ctx, a: Option<&StoredRecord>, b: Option<&StoredRecord>) -> Vec<(String, String, String)> {
    let right = fields(ctx, b);
    fields(ctx, a)
        .into_iter()
        .enumerate()
        .map(|(i, (label, left))| {
            let r = right.get(i).map(|(_, v)| v.clone()).unwrap_or_default();
            (label, left, r)
        })
        .collect()
}

/// `GET /persons/duplicates`: the pairs the reader may decide on, open ones first.
pub async fn page(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    ctx.require_staff()?;
    let query = clean_query(raw.as_deref(), &["cursor"]);
    let (_, offset) = duplicates::page_params(Some(query.as_str()))?;
    let (all, persons) = duplicates::queue(state.store.as_ref(), &ctx.caller.viewer, true).await?;
    let shown: Vec<_> = all.iter().skip(offset).take(PAGE_SIZE).collect();
    let read: Vec<&StoredRecord> = shown
        .iter()
        .flat_map(|p| p.person_ids)
        .filter_map(|id| persons.get(&id))
        .collect();
    crate::audit::confidential_reads(&state, &ctx.caller, read).await?;
    let pairs = shown
        .iter()
        .map(|p| PairView {
            ids: format!("{},{}", p.person_ids[0], p.person_ids[1]),
            score: format!("{:.1}", p.score),
            reasons: p.reasons.clone(),
            deferred: p.deferred,
            left: p.person_ids[0].to_string(),
            right: p.person_ids[1].to_string(),
            rows: side_by_side(&ctx, persons.get(&p.person_ids[0]), persons.get(&p.person_ids[1])),
        })
        .collect();
    let end = offset + shown.len();
    let next = (end < all.len()).then(|| {
        let cursor = crate::api::params::encode_cursor(evidentia_store::Cursor {
            key: i64::try_from(end).unwrap_or(i64::MAX),
            id: Uuid::nil(),
        });
        format!("/persons/duplicates?cursor={cursor}")
    });
    let page = QueuePage {
        c: ctx.chrome(ctx.lang.t("duplicates.title"), "persons"),
        pairs,
        next,
    };
    super::html(StatusCode::OK, &page)
}

/// `POST /persons/duplicates` with `person_ids=A,B` and `decision=confirmed|rejected|deferred`.
pub async fn decide(State(state): State<AppState>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let ids: Vec<Uuid> = form
        .get("person_ids")
        .split(',')
        .map(|s| Uuid::parse_str(s.trim()))
        .collect::<Result<_, _>>()
        .map_err(|_| ApiError::NotFound)?;
    let [a, b] = ids[..] else {
        return Err(ApiError::bad_field("person_ids", "two persons"));
    };
    let decision = match form.get("decision") {
        "confirmed" => MatchDecision::Confirmed,
        "rejected" => MatchDecision::Rejected,
        "deferred" => MatchDecision::Deferred,
        _ => return Err(ApiError::bad_field("decision", "confirmed, rejected or deferred")),
    };
    let input = DecisionInput {
        person_ids: [a, b],
        decision,
        survivor_id: None,
    };
    let (_, r) = duplicates::record_decision(&state, &ctx.caller, &input).await?;
    if decision == MatchDecision::Confirmed {
        let survivor = r
            .body
            .pointer("/merged/survivor_id")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        return Ok(super::see_other(&format!("/persons/{survivor}")));
    }
    Ok(super::see_other("/persons/duplicates"))
}

/// `POST /persons/duplicates/{id}/undo`: undoes a merge and shows the person absorbed by it.
pub async fn undo(State(state): State<AppState>, Path(id): Path<String>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let r = duplicates::undo_merge(&state, &ctx.caller, id).await?;
    let absorbed = r
        .body
        .pointer("/merged/absorbed_id")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    Ok(super::see_other(&format!("/persons/{absorbed}")))
}
