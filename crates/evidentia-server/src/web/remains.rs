//! Remains for staff: the list, and the page of one set of remains with its post-mortem
//! particulars beside the ante-mortem particulars of a candidate case, field by field as on
//! INTERPOL's DVI forms, where the remains are identified as the case's person or an
//! identification is withdrawn. Both forms go through the API's own functions
//! ([`crate::api::missing::identify_remains`], [`crate::api::missing::withdraw_remains_identification`]),
//! with the same checks, in one transaction.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use evidentia_model::{FieldError, PartialDate, RecordKind};
use evidentia_store::StoredRecord;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::chrome::{Chrome, Ctx};
use super::forms::{Errors, Form};
use super::history::{Version, versions};
use super::incidents::parse_id;
use super::listing::listing;
use super::view::{self, Choice, choices, clean_query, param, text};
use crate::AppState;
use crate::api::{missing, records};
use crate::errors::{ApiError, ApiResult};

const FILTERS: &[&str] = &["q", "status", "cursor"];
const STATUSES: [&str; 3] = ["unidentified", "candidate_match", "identified"];
const METHODS: [&str; 6] = ["dna", "dental", "fingerprints", "visual", "circumstantial", "other"];
/// The particulars compared, in the order of the DVI forms.
const PARTICULARS: [&str; 10] = [
    "height_cm",
    "build",
    "hair",
    "eyes",
    "clothing",
    "effects",
    "marks",
    "dental",
    "medical",
    "sample_ids",
];
/// The identification form's fields.
const IDENTIFY_FIELDS: [&str; 4] = ["method", "confirmed_by", "confirmed_at", "notes"];

/// A record of `kind` the reader may see, or `None` (missing and hidden alike).
async fn visible(state: &AppState, ctx: &Ctx, kind: RecordKind, id: Option<Uuid>) -> ApiResult<Option<StoredRecord>> {
    let Some(id) = id else { return Ok(None) };
    records::read_if_visible(state, &ctx.caller, kind, id).await
}

fn uuid_at(body: &Value, field: &str) -> Option<Uuid> {
    body[field].as_str().and_then(|s| Uuid::parse_str(s).ok())
}

/// One particular as shown: a list of sample ids joined, a number as written.
fn particular(body: &Value, field: &str) -> String {
    match &body[field] {
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
        Value::Number(n) => n.to_string(),
        _ => text(body, field),
    }
}

pub struct RemainsRow {
    pub href: String,
    pub case_number: String,
    pub status: String,
    pub recovered: String,
}

#[derive(Template)]
#[template(path = "remains_list.html")]
struct ListPage {
    c: Chrome,
    q: String,
    statuses: Vec<Choice>,
    rows: Vec<RemainsRow>,
    total: u64,
    next: Option<String>,
    error: String,
}

/// `GET /remains`
pub async fn list(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    ctx.require_staff()?;
    let lang = ctx.lang;
    let query = clean_query(raw.as_deref(), FILTERS);
    let mut page = ListPage {
        c: ctx.chrome(lang.t("remains.title"), "missing"),
        q: param(&query, "q"),
        statuses: choices(
            STATUSES.map(|s| (s, lang.t(&format!("remains_status.{s}")).to_owned())),
            &[param(&query, "status")],
        ),
        rows: Vec::new(),
        total: 0,
        next: None,
        error: String::new(),
    };
    let Some(found) = listing(&state, &ctx, RecordKind::Remains, &query, "/remains").await? else {
        page.error = lang.t("validation.invalid").to_owned();
        return super::html(StatusCode::BAD_REQUEST, &page);
    };
    page.total = found.total;
    for r in &found.items {
        let b = &r.body;
        page.rows.push(RemainsRow {
            href: format!("/remains/{}", r.meta.id),
            case_number: text(b, "case_number"),
            status: lang.t(&format!("remains_status.{}", text(b, "status"))).to_owned(),
            recovered: view::partial_date(lang, &b["recovered_at"]),
        });
    }
    page.next = found.next;
    super::html(StatusCode::OK, &page)
}

/// A row of the comparison: the field, what the examination found, what relatives remember.
pub struct Compared {
    pub label: String,
    pub post_mortem: String,
    pub ante_mortem: String,
}

/// The identification form's values after a refused post.
#[derive(Default)]
pub struct IdentifyValues {
    pub confirmed_by: String,
    pub confirmed_at: String,
    pub notes: String,
}

#[derive(Template)]
#[template(path = "remains.html")]
struct RemainsPage {
    c: Chrome,
    id: String,
    fields: Vec<(String, String)>,
    /// The grave site's page and name, when the reader may see the site.
    grave_site_href: String,
    grave_site: String,
    /// The identified person's page, when the reader may see the person.
    identified_href: String,
    identified_name: String,
    identified: bool,
    /// The candidate case compared, if any.
    case_id: String,
    case_href: String,
    person_id: String,
    person: String,
    identify_heading: String,
    compared: Vec<Compared>,
    may_write: bool,
    methods: Vec<Choice>,
    v: IdentifyValues,
    e: Errors,
    other_errors: Vec<String>,
    history: Vec<Version>,
}

/// The remains page: `case` is the candidate case to compare with (from the case's page).
async fn render(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    case: Option<Uuid>,
    refused: Option<(&Form, Errors)>,
) -> ApiResult<Response> {
    let r = records::read(state, &ctx.caller, RecordKind::Remains, id).await?;
    let lang = ctx.lang;
    let b = &r.body;
    let mut fields = view::Fields::new(lang);
    let status = text(b, "status");
    fields.add("remains.status", lang.t(&format!("remains_status.{status}")).to_owned());
    let sex = text(b, "sex_estimate");
    if !sex.is_empty() {
        fields.add("remains.sex_estimate", lang.t(&format!("sex.{sex}")).to_owned());
    }
    if let (Some(min), Some(max)) = (b["age_range"]["min"].as_u64(), b["age_range"]["max"].as_u64()) {
        fields.add("remains.age_range", format!("{min}–{max}"));
    }
    fields.add("remains.recovered_at", view::partial_date(lang, &b["recovered_at"]));
    let grave_site = visible(state, ctx, RecordKind::GraveSite, uuid_at(b, "grave_site_id"))
        .await?
        .map(|site| (format!("/grave-sites/{}", site.meta.id), text(&site.body, "name")))
        .unwrap_or_default();
    if let Some(ex) = visible(state, ctx, RecordKind::Exhumation, uuid_at(b, "exhumation_id")).await? {
        let label = [text(&ex.body, "team"), view::partial_date(lang, &ex.body["started_at"])]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        fields.add(
            "remains.exhumation",
            if label.is_empty() {
                lang.t("remains.exhumation").to_owned()
            } else {
                label
            },
        );
    }
    let identification = &b["identification"];
    if identification.is_object() {
        let method = text(identification, "method");
        fields.add(
            "remains.method",
            lang.t(&format!("identification_method.{method}")).to_owned(),
        );
        fields.add("remains.confirmed_by", text(identification, "confirmed_by"));
        fields.add(
            "remains.confirmed_at",
            view::partial_date(lang, &identification["confirmed_at"]),
        );
        fields.add("remains.notes", text(identification, "notes"));
    }
    fields.add(
        "record.classification",
        lang.t(&format!("classification.{}", r.meta.classification.as_str()))
            .to_owned(),
    );
    let identified_person = visible(state, ctx, RecordKind::Person, uuid_at(b, "identified_as")).await?;
    let (identified_href, identified_name) = identified_person
        .as_ref()
        .map(|p| (format!("/persons/{}", p.meta.id), view::person_name(&p.body)))
        .unwrap_or_default();

    // The candidate case, and its person, only as far as the reader may see them.
    let case = visible(state, ctx, RecordKind::MissingCase, case).await?;
    let person = match &case {
        Some(c) => visible(state, ctx, RecordKind::Person, uuid_at(&c.body, "person_id")).await?,
        None => None,
    };
    let pm = &b["post_mortem"];
    let none = Value::Null;
    let am = case.as_ref().map_or(&none, |c| &c.body["ante_mortem"]);
    let compared = PARTICULARS
        .iter()
        .map(|f| Compared {
            label: lang.t(&format!("particulars.{f}")).to_owned(),
            post_mortem: particular(pm, f),
            ante_mortem: particular(am, f),
        })
        .collect();

    let (v, e, selected) = match refused {
        Some((form, errors)) => (
            IdentifyValues {
                confirmed_by: form.get("confirmed_by").to_owned(),
                confirmed_at: form.get("confirmed_at").to_owned(),
                notes: form.get("notes").to_owned(),
            },
            errors,
            form.get("method").to_owned(),
        ),
        None => (IdentifyValues::default(), Errors::default(), String::new()),
    };
    let other_errors = e.others(&IDENTIFY_FIELDS);
    let status_code = if e.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = RemainsPage {
        c: ctx.chrome(
            format!("{} {}", lang.t("remains.one"), text(b, "case_number")),
            "missing",
        ),
        id: id.to_string(),
        fields: fields.into_vec(),
        grave_site_href: grave_site.0,
        grave_site: grave_site.1,
        identified: status == "identified",
        identified_href,
        identified_name,
        case_id: case.as_ref().map(|c| c.meta.id.to_string()).unwrap_or_default(),
        case_href: case
            .as_ref()
            .map(|c| format!("/missing-cases/{}", c.meta.id))
            .unwrap_or_default(),
        person_id: person.as_ref().map(|p| p.meta.id.to_string()).unwrap_or_default(),
        identify_heading: person
            .as_ref()
            .map(|p| {
                lang.tf(
                    "remains.identify_as",
                    &[("person", view::person_name(&p.body).as_str())],
                )
            })
            .unwrap_or_default(),
        person: person.as_ref().map(|p| view::person_name(&p.body)).unwrap_or_default(),
        compared,
        may_write: ctx.caller.viewer.may_write(r.meta.organisation_id),
        methods: choices(
            METHODS.map(|m| (m, lang.t(&format!("identification_method.{m}")).to_owned())),
            &[selected],
        ),
        v,
        e,
        other_errors,
        history: versions(state, ctx, RecordKind::Remains, id).await?,
    };
    super::html(status_code, &page)
}

/// The candidate case named by `case=` in a query string or form, if it is an id.
fn case_param(value: &str) -> Option<Uuid> {
    Uuid::parse_str(value.trim()).ok()
}

/// `GET /remains/{id}?case={case}`
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let query = clean_query(raw.as_deref(), &["case"]);
    render(&state, &ctx, id, case_param(&param(&query, "case")), None).await
}

/// The page to see after a change: the remains, compared with the case they came from.
fn back(id: Uuid, case: Option<Uuid>) -> String {
    match case {
        Some(c) => format!("/remains/{id}?case={c}"),
        None => format!("/remains/{id}"),
    }
}

/// `POST /remains/{id}/identification` with `person_id`, `method`, `confirmed_by`,
/// `confirmed_at` (a partial date), `notes` and the `case` compared.
pub async fn identify(State(state): State<AppState>, Path(id): Path<String>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let current = records::read(&state, &ctx.caller, RecordKind::Remains, id).await?;
    if !ctx.caller.viewer.may_write(current.meta.organisation_id) {
        return Err(records::unauthorised_or_forbidden(
            &ctx.caller.viewer,
            "identify these remains",
        ));
    }
    let case = case_param(form.get("case"));
    // Every field the form can get wrong, at once; the API's function checks the rest.
    let mut errors = Vec::new();
    let mut refuse = |field: &str, code: &str, message: &str| {
        errors.push(FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.to_owned(),
        });
    };
    let person_id = form.get("person_id");
    if Uuid::parse_str(person_id).is_err() {
        refuse("person_id", "required", "choose the person the remains are");
    }
    let method = form.get("method");
    if !METHODS.contains(&method) {
        refuse("method", "invalid", "choose how the remains were identified");
    }
    let confirmed_by = form.get("confirmed_by");
    if confirmed_by.is_empty() {
        refuse("confirmed_by", "required", "is required");
    }
    let confirmed_at = form.get("confirmed_at");
    if !confirmed_at.is_empty() && confirmed_at.parse::<PartialDate>().is_err() {
        refuse("confirmed_at", "invalid", "must be a date: YYYY, YYYY-MM or YYYY-MM-DD");
    }
    if !errors.is_empty() {
        let errors = Errors::new(ctx.lang, errors);
        return render(&state, ctx, id, case, Some((&form, errors))).await;
    }
    let mut input = Map::new();
    input.insert("person_id".into(), Value::String(person_id.to_owned()));
    input.insert("method".into(), Value::String(method.to_owned()));
    input.insert("confirmed_by".into(), Value::String(confirmed_by.to_owned()));
    if !confirmed_at.is_empty() {
        input.insert("confirmed_at".into(), Value::String(confirmed_at.to_owned()));
    }
    input.insert("notes".into(), Value::String(form.get("notes").to_owned()));
    match missing::identify_remains(&state, &ctx.caller, id, input).await {
        Ok(_) => Ok(super::see_other(&back(id, case))),
        Err(ApiError::Validation(found)) => {
            // The model names the fields inside the identification it would store.
            let found = found
                .into_iter()
                .map(|mut e| {
                    if let Some(f) = e.field.strip_prefix("identification.") {
                        e.field = f.to_owned();
                    }
                    e
                })
                .collect();
            let errors = Errors::new(ctx.lang, found);
            render(&state, ctx, id, case, Some((&form, errors))).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /remains/{id}/identification/withdrawal`: withdraws a mistaken identification.
pub async fn withdraw(State(state): State<AppState>, Path(id): Path<String>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    missing::withdraw_remains_identification(&state, &ctx.caller, id).await?;
    Ok(super::see_other(&back(id, case_param(form.get("case")))))
}
