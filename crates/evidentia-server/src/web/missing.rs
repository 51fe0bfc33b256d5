//! Missing-person cases for staff: the list (by status, reports from the public awaiting
//! moderation), the case page with its candidates among remains and the recorded dead, and the
//! moderation of reports from the public (a plain POST with the session's CSRF token that changes
//! the case through the API's own patch, with its checks, history and log entry).

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use evidentia_model::{MissingCase, RecordKind};
use evidentia_store::StoredRecord;
use serde_json::{Map, Value};

use super::chrome::{Chrome, Ctx};
use super::forms::{Errors, Form, JsonForm};
use super::history::{Version, versions};
use super::incidents::parse_id;
use super::listing::listing;
use super::view::{self, Choice, choices, clean_query, param, text};
use crate::AppState;
use crate::api::{missing, records};
use crate::errors::{ApiError, ApiResult};
use uuid::Uuid;

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
    let person = records::read_if_visible(state, &ctx.caller, RecordKind::Person, id).await?;
    Ok(person.map(|p| view::person_name(&p.body)).unwrap_or_default())
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
    let Some(found) = listing(&state, &ctx, RecordKind::MissingCase, &query, "/missing-cases").await? else {
        page.error = lang.t("validation.invalid").to_owned();
        return super::html(StatusCode::BAD_REQUEST, &page);
    };
    page.total = found.total;
    for r in &found.items {
        page.rows.push(case_row(&state, &ctx, r).await?);
    }
    page.next = found.next;
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
    id: String,
    version: i64,
    /// The reader may change the case (and so moderate it).
    may_write: bool,
    /// A report from the public awaiting moderation.
    pending: bool,
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
    let mut fields = view::Fields::new(lang);
    fields.add(
        "missing.status",
        lang.t(&format!("missing_status.{}", text(b, "status"))).to_owned(),
    );
    let moderation = text(b, "moderation");
    if !moderation.is_empty() {
        fields.add(
            "missing.moderation",
            lang.t(&format!("moderation.{moderation}")).to_owned(),
        );
    }
    fields.add("missing.last_seen", view::period(lang, &b["last_seen"]["period"]));
    fields.add("missing.place", text(&b["last_seen"]["place"], "place_name"));
    fields.add("missing.circumstances", text(b, "circumstances"));
    let am = &b["ante_mortem"];
    for field in ["clothing", "effects", "marks", "dental", "medical"] {
        fields.add(&format!("missing.am_{field}"), text(am, field));
    }
    let reporter = ["name", "relation", "contact"]
        .iter()
        .map(|f| text(&b["reported_by"], f))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    fields.add("missing.reported_by", reporter);
    fields.add("missing.reported_at", view::partial_date(lang, &b["reported_at"]));
    fields.add(
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
                    format!("/remains/{}?case={id}", c.id)
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
        id: id.to_string(),
        version: r.meta.version,
        may_write: ctx.caller.viewer.may_write(r.meta.organisation_id),
        pending: moderation == "pending",
        person,
        person_href,
        fields: fields.into_vec(),
        candidates,
        history: versions(&state, &ctx, RecordKind::MissingCase, id).await?,
    };
    super::html(StatusCode::OK, &page)
}

/// `POST /missing-cases/{id}/moderation` with `moderation=accepted|rejected` and the case's
/// `version`: accepts or rejects a report from the public.
pub async fn moderate(State(state): State<AppState>, Path(id): Path<String>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let version = form.version()?;
    let decision = match form.get("moderation") {
        m @ ("accepted" | "rejected") => m,
        _ => return Err(ApiError::bad_field("moderation", "must be accepted or rejected")),
    };
    let mut patch = Map::new();
    patch.insert("moderation".into(), Value::String(decision.to_owned()));
    records::patch::<MissingCase>(&state, &ctx.caller, id, version, patch).await?;
    Ok(super::see_other(&format!("/missing-cases/{id}")))
}

/// The case form's values, as typed.
#[derive(Default)]
pub struct CaseValues {
    pub person_id: String,
    pub last_seen_from: String,
    pub last_seen_to: String,
    pub place: String,
    pub circumstances: String,
    pub height_cm: String,
    pub build: String,
    pub hair: String,
    pub eyes: String,
    pub clothing: String,
    pub effects: String,
    pub marks: String,
    pub dental: String,
    pub medical: String,
    pub sample_ids: String,
    pub reporter_name: String,
    pub reporter_relation: String,
    pub reporter_contact: String,
    pub reported_at: String,
    pub consent_to_share: String,
    pub status: String,
    pub classification: String,
}

/// The ante-mortem particulars kept as text, by their field name.
const AM_TEXTS: [&str; 8] = [
    "build", "hair", "eyes", "clothing", "effects", "marks", "dental", "medical",
];
/// Every field of the case form, by its JSON path.
const CASE_FIELDS: [&str; 22] = [
    "person_id",
    "last_seen.period.from",
    "last_seen.period.to",
    "last_seen.place.place_name",
    "circumstances",
    "ante_mortem.height_cm",
    "ante_mortem.build",
    "ante_mortem.hair",
    "ante_mortem.eyes",
    "ante_mortem.clothing",
    "ante_mortem.effects",
    "ante_mortem.marks",
    "ante_mortem.dental",
    "ante_mortem.medical",
    "ante_mortem.sample_ids",
    "reported_by.name",
    "reported_by.relation",
    "reported_by.contact",
    "reported_at",
    "consent_to_share",
    "status",
    "classification",
];
const CONSENTS: [&str; 3] = ["none", "partners", "public"];
/// Statuses set by hand; `identified` comes with an identification.
const SET_BY_HAND: [&str; 4] = ["open", "located_alive", "located_deceased", "closed"];

impl CaseValues {
    fn slots(&mut self) -> [&mut String; 22] {
        [
            &mut self.person_id,
            &mut self.last_seen_from,
            &mut self.last_seen_to,
            &mut self.place,
            &mut self.circumstances,
            &mut self.height_cm,
            &mut self.build,
            &mut self.hair,
            &mut self.eyes,
            &mut self.clothing,
            &mut self.effects,
            &mut self.marks,
            &mut self.dental,
            &mut self.medical,
            &mut self.sample_ids,
            &mut self.reporter_name,
            &mut self.reporter_relation,
            &mut self.reporter_contact,
            &mut self.reported_at,
            &mut self.consent_to_share,
            &mut self.status,
            &mut self.classification,
        ]
    }

    /// The values of a form, or of a stored case (`get` answers a JSON path).
    fn read(get: impl Fn(&str) -> String) -> Self {
        let mut v = Self::default();
        for (slot, path) in v.slots().into_iter().zip(CASE_FIELDS) {
            *slot = get(path);
        }
        v
    }

    fn of_record(r: &StoredRecord) -> Self {
        let b = &r.body;
        let mut v = Self::read(|path| match path {
            "ante_mortem.height_cm" => b["ante_mortem"]["height_cm"]
                .as_u64()
                .map(|n| n.to_string())
                .unwrap_or_default(),
            "ante_mortem.sample_ids" => b["ante_mortem"]["sample_ids"]
                .as_array()
                .map(|ids| ids.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
                .unwrap_or_default(),
            _ => text(b, path),
        });
        v.classification = r.meta.classification.as_str().to_owned();
        v
    }

    /// The JSON object of the form; empty fields are `null` (removed by a patch).
    fn json(&self) -> JsonForm {
        let mut j = JsonForm::default();
        j.text("person_id", &self.person_id);
        if self.last_seen_from.is_empty() && self.last_seen_to.is_empty() {
            j.set("last_seen.period", Value::Null);
        } else {
            j.text("last_seen.period.from", &self.last_seen_from);
            j.text("last_seen.period.to", &self.last_seen_to);
        }
        j.text("last_seen.place.place_name", &self.place);
        j.set("circumstances", Value::String(self.circumstances.clone()));
        j.count("ante_mortem.height_cm", &self.height_cm);
        for (field, value) in AM_TEXTS.iter().zip([
            &self.build,
            &self.hair,
            &self.eyes,
            &self.clothing,
            &self.effects,
            &self.marks,
            &self.dental,
            &self.medical,
        ]) {
            j.text(&format!("ante_mortem.{field}"), value);
        }
        j.list(
            "ante_mortem.sample_ids",
            self.sample_ids
                .split([',', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        );
        j.text("reported_by.name", &self.reporter_name);
        j.text("reported_by.relation", &self.reporter_relation);
        j.text("reported_by.contact", &self.reporter_contact);
        j.text("reported_at", &self.reported_at);
        j.text("consent_to_share", &self.consent_to_share);
        j.text("status", &self.status);
        j.text("classification", &self.classification);
        j
    }
}

#[derive(Template)]
#[template(path = "missing_case_form.html")]
struct CaseFormPage {
    c: Chrome,
    v: CaseValues,
    e: Errors,
    action: String,
    cancel: String,
    version: i64,
    /// The missing person, when the reader may see them.
    person: String,
    person_href: String,
    statuses: Vec<Choice>,
    consents: Vec<Choice>,
    classifications: Vec<Choice>,
    other_errors: Vec<String>,
}

async fn case_form(
    state: &AppState,
    ctx: &Ctx,
    v: CaseValues,
    e: Errors,
    id: Option<Uuid>,
    version: i64,
) -> ApiResult<CaseFormPage> {
    let lang = ctx.lang;
    let person = match Uuid::parse_str(&v.person_id) {
        Ok(p) => match records::read(state, &ctx.caller, RecordKind::Person, p).await {
            Ok(r) => Some(r),
            Err(ApiError::NotFound) => None,
            Err(e) => return Err(e),
        },
        Err(_) => None,
    };
    let mut statuses: Vec<&str> = SET_BY_HAND.to_vec();
    if v.status == "identified" {
        statuses.push("identified");
    }
    let mut all: Vec<&str> = CASE_FIELDS.to_vec();
    all.extend(["last_seen", "ante_mortem", "reported_by"]);
    let (title, action, cancel) = match id {
        None => (
            lang.t("missing.new"),
            "/missing-cases".to_owned(),
            "/missing-cases".to_owned(),
        ),
        Some(id) => (
            lang.t("missing.edit"),
            format!("/missing-cases/{id}"),
            format!("/missing-cases/{id}"),
        ),
    };
    Ok(CaseFormPage {
        c: ctx.chrome(title, "missing"),
        statuses: choices(
            statuses
                .into_iter()
                .map(|s| (s, lang.t(&format!("missing_status.{s}")).to_owned())),
            std::slice::from_ref(&v.status),
        ),
        consents: choices(
            CONSENTS.map(|s| (s, lang.t(&format!("report.consent_{s}")).to_owned())),
            std::slice::from_ref(&v.consent_to_share),
        ),
        classifications: super::incidents::classification_choices(ctx, &v.classification),
        other_errors: e.others(&all),
        person_href: person
            .as_ref()
            .map(|p| format!("/persons/{}", p.meta.id))
            .unwrap_or_default(),
        person: person.as_ref().map(|p| view::person_name(&p.body)).unwrap_or_default(),
        v,
        e,
        action,
        cancel,
        version,
    })
}

/// `GET /missing-cases/new?person={id}`: the person's page opens it with the person set.
pub async fn new_form(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    ctx.require_staff()?;
    let query = clean_query(raw.as_deref(), &["person"]);
    let v = CaseValues {
        person_id: param(&query, "person"),
        status: "open".into(),
        consent_to_share: "none".into(),
        classification: "restricted".into(),
        ..CaseValues::default()
    };
    let page = case_form(&state, &ctx, v, Errors::default(), None, 0).await?;
    super::html(StatusCode::OK, &page)
}

/// `GET /missing-cases/{id}/edit`
pub async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> ApiResult<Response> {
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let r = records::read(&state, &ctx.caller, RecordKind::MissingCase, id).await?;
    let page = case_form(
        &state,
        &ctx,
        CaseValues::of_record(&r),
        Errors::default(),
        Some(id),
        r.meta.version,
    )
    .await?;
    super::html(StatusCode::OK, &page)
}

async fn refused(
    state: &AppState,
    ctx: &Ctx,
    v: CaseValues,
    error: ApiError,
    id: Option<Uuid>,
    version: i64,
) -> ApiResult<Response> {
    let errors = match error {
        ApiError::PreconditionFailed { .. } => Errors::new(
            ctx.lang,
            vec![evidentia_model::FieldError {
                field: "version".into(),
                code: "stale".into(),
                message: ctx.lang.t("validation.stale").into(),
            }],
        ),
        other => Errors::from_api(ctx.lang, other)?,
    };
    let page = case_form(state, ctx, v, errors, id, version).await?;
    super::html(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// `POST /missing-cases`
pub async fn create(State(state): State<AppState>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let v = CaseValues::read(|path| form.get(path).to_owned());
    let result = match v.json().into_checked_new::<MissingCase>(&state) {
        Ok(obj) => records::create::<MissingCase>(&state, &ctx.caller, obj).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => Ok(super::see_other(&format!("/missing-cases/{}", r.meta.id))),
        Err(e) => refused(&state, ctx, v, e, None, 0).await,
    }
}

/// `POST /missing-cases/{id}`: the edit form.
pub async fn update(State(state): State<AppState>, Path(id): Path<String>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let version = form.version()?;
    let v = CaseValues::read(|path| form.get(path).to_owned());
    let result = match v.json().into_checked_patch::<MissingCase>(&state) {
        Ok(patch) => records::patch::<MissingCase>(&state, &ctx.caller, id, version, patch).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(super::see_other(&format!("/missing-cases/{id}"))),
        Err(e) => refused(&state, ctx, v, e, Some(id), version).await,
    }
}
