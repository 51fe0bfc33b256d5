//! Missing-person cases for staff: the list (by status, reports from the public awaiting
//! moderation) and the case page with its candidates among remains and the recorded dead.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use evidentia_model::RecordKind;
use evidentia_store::StoredRecord;
use serde_json::Value;

use super::chrome::{Chrome, Ctx};
use super::history::{Version, versions};
use super::incidents::parse_id;
use super::view::{self, Choice, choices, clean_query, param, text};
use crate::AppState;
use crate::api::{missing, params, records};
use crate::errors::{ApiError, ApiResult};

const PAGE_SIZE: u32 = 25;
const FILTERS: &[&str] = &["status", "moderation", "cursor"];
const STATUSES: [&str; 5] = ["open", "located_alive", "located_deceased", "identified", "closed"];
const MODERATION: [&str; 3] = ["pending", "accepted", "rejected"];
/// Candidates shown on a case's page.
const CANDIDATES: usize = 10;

pub struct CaseRow {
    pub href: String,
    pub person: String,
    pub last_seen: String,
    pub place: String,
    pub status: String,
    pub moderation: String,
}

/// The name of a linked person the reader may see, or "".
async fn person_name(state: &AppState, ctx: &Ctx, body: &Value) -> ApiResult<String> {
    let Some(id) = body["person_id"].as_str().and_then(|s| uuid::Uuid::parse_str(s).ok()) else {
        return Ok(String::new());
    };
    match records::read(state, &ctx.caller, RecordKind::Person, id).await {
        Ok(p) => Ok(view::person_name(&p.body)),
        Err(ApiError::NotFound) => Ok(String::new()),
        Err(e) => Err(e),
    }
}

async fn case_row(state: &AppState, ctx: &Ctx, r: &StoredRecord) -> ApiResult<CaseRow> {
    let b = &r.body;
    let lang = ctx.lang;
    let moderation = text(b, "moderation");
    Ok(CaseRow {
        href: format!("/missing-cases/{}", r.meta.id),
        person: person_name(state, ctx, b).await?,
        last_seen: view::period(lang, &b["last_seen"]["period"]),
        place: text(&b["last_seen"]["place"], "place_name"),
        status: lang.t(&format!("missing_status.{}", text(b, "status"))).to_owned(),
        moderation: if moderation.is_empty() {
            moderation
        } else {
            lang.t(&format!("moderation.{moderation}")).to_owned()
        },
    })
}

#[derive(Template)]
#[template(path = "missing_cases.html")]
struct ListPage {
    c: Chrome,
    statuses: Vec<Choice>,
    moderations: Vec<Choice>,
    rows: Vec<CaseRow>,
    total: u64,
    next: Option<String>,
    error: String,
}

/// `GET /missing-cases`
pub async fn list(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    ctx.require_staff()?;
    let lang = ctx.lang;
    let query = clean_query(raw.as_deref(), FILTERS);
    let mut page = ListPage {
        c: ctx.chrome(lang.t("missing.title"), "missing"),
        statuses: choices(
            STATUSES.map(|s| (s, lang.t(&format!("missing_status.{s}")).to_owned())),
            &[param(&query, "status")],
        ),
        moderations: choices(
            MODERATION.map(|s| (s, lang.t(&format!("moderation.{s}")).to_owned())),
            &[param(&query, "moderation")],
        ),
        rows: Vec::new(),
        total: 0,
        next: None,
        error: String::new(),
    };
    let vocabularies = state.vocabularies();
    let mut q = match params::list_query(
        Some(RecordKind::MissingCase),
        ctx.caller.viewer.clone(),
        Some(&query),
        &vocabularies,
        &[],
    ) {
        Ok((q, _)) => q,
        Err(_) => {
            page.error = lang.t("validation.invalid").to_owned();
            return super::html(StatusCode::BAD_REQUEST, &page);
        }
    };
    q.limit = PAGE_SIZE;
    page.total = state.store.count(&q).await?;
    let found = records::page(&state, &ctx.caller, &q).await?;
    for r in &found.items {
        page.rows.push(case_row(&state, &ctx, r).await?);
    }
    page.next = found.next.map(|cursor| {
        format!(
            "/missing-cases?{}",
            view::with_cursor(&query, &params::encode_cursor(cursor))
        )
    });
    super::html(StatusCode::OK, &page)
}

pub struct CandidateRow {
    pub href: String,
    pub label: String,
    pub kind: String,
    pub score: String,
    pub reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "missing_case.html")]
struct CasePage {
    c: Chrome,
    person: String,
    person_href: String,
    fields: Vec<(String, String)>,
    candidates: Vec<CandidateRow>,
    history: Vec<Version>,
}

/// `GET /missing-cases/{id}`
pub async fn page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> ApiResult<Response> {
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let r = records::read(&state, &ctx.caller, RecordKind::MissingCase, id).await?;
    let lang = ctx.lang;
    let b = &r.body;
    let mut fields = Vec::new();
    let mut add = |key: &str, value: String| {
        if !value.is_empty() {
            fields.push((lang.t(key).to_owned(), value));
        }
    };
    add(
        "missing.status",
        lang.t(&format!("missing_status.{}", text(b, "status"))).to_owned(),
    );
    let moderation = text(b, "moderation");
    if !moderation.is_empty() {
        add(
            "missing.moderation",
            lang.t(&format!("moderation.{moderation}")).to_owned(),
        );
    }
    add("missing.last_seen", view::period(lang, &b["last_seen"]["period"]));
    add("missing.place", text(&b["last_seen"]["place"], "place_name"));
    add("missing.circumstances", text(b, "circumstances"));
    let am = &b["ante_mortem"];
    for field in ["clothing", "effects", "marks", "dental", "medical"] {
        add(&format!("missing.am_{field}"), text(am, field));
    }
    let reporter = ["name", "relation", "contact"]
        .iter()
        .map(|f| text(&b["reported_by"], f))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    add("missing.reported_by", reporter);
    add("missing.reported_at", view::partial_date(lang, &b["reported_at"]));
    add(
        "record.classification",
        lang.t(&format!("classification.{}", r.meta.classification.as_str()))
            .to_owned(),
    );
    let person = person_name(&state, &ctx, b).await?;
    let person_href = if person.is_empty() {
        String::new()
    } else {
        format!("/persons/{}", text(b, "person_id"))
    };
    let candidates = missing::candidates_of(&state, &ctx.caller, id, CANDIDATES)
        .await?
        .into_iter()
        .map(|c| {
            let remains = c.kind == "remains";
            CandidateRow {
                href: if remains {
                    String::new()
                } else {
                    format!("/persons/{}", c.id)
                },
                label: if remains {
                    text(&c.record, "case_number")
                } else {
                    view::person_name(&c.record)
                },
                kind: lang.t(&format!("missing.candidate_{}", c.kind)).to_owned(),
                score: format!("{:+.1}", c.score),
                reasons: c.reasons,
            }
        })
        .collect();
    let title = if person.is_empty() {
        lang.t("missing.case").to_owned()
    } else {
        format!("{} — {person}", lang.t("missing.case"))
    };
    let page = CasePage {
        c: ctx.chrome(title, "missing"),
        person,
        person_href,
        fields,
        candidates,
        history: versions(&state, &ctx, RecordKind::MissingCase, id).await?,
    };
    super::html(StatusCode::OK, &page)
}
