//! The portal's form to report a missing person. A report creates the person (status `missing`)
//! and a missing-person case awaiting moderation, both restricted to the organisation configured
//! to receive public reports; staff accept or reject it. Nothing of a report is shown publicly,
//! not even to the person who sent it: the answer is a thank-you page.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use evidentia_model::{Classification, Meta, MissingCase, Person, RecordBody};
use evidentia_store::NewRecord;
use serde_json::{Map, Value};

use super::chrome::{Chrome, Ctx};
use super::forms::{Errors, Form, JsonForm};
use super::view::{Choice, choices};
use crate::AppState;
use crate::api::body::typed;
use crate::errors::{ApiError, ApiResult};

/// Longest text accepted in any one field of a public report.
const MAX_FIELD: usize = 4_000;

/// The form's fields, named by their path in the person or the case.
const PERSON_FIELDS: [&str; 4] = ["given_name", "family_name", "patronymic", "birth_date"];
const CASE_FIELDS: [&str; 8] = [
    "last_seen.period.from",
    "last_seen.place.place_name",
    "circumstances",
    "ante_mortem.clothing",
    "ante_mortem.marks",
    "reported_by.name",
    "reported_by.relation",
    "reported_by.contact",
];

#[derive(Template)]
#[template(path = "report_missing.html")]
struct ReportPage {
    c: Chrome,
    /// The session's token when a signed-in reader fills it in.
    csrf: String,
    e: Errors,
    /// Errors of no field of the form.
    other_errors: Vec<String>,
    v: Values,
    sexes: Vec<Choice>,
    consents: Vec<Choice>,
    sent: bool,
    accepting: bool,
}

/// What was typed into the form, to show it again.
#[derive(Default)]
struct Values {
    given_name: String,
    family_name: String,
    patronymic: String,
    birth_date: String,
    last_seen: String,
    place: String,
    circumstances: String,
    clothing: String,
    marks: String,
    reporter_name: String,
    relation: String,
    contact: String,
}

impl Values {
    fn from(map: &Map<String, Value>) -> Self {
        let get = |field: &str| map.get(field).and_then(Value::as_str).unwrap_or_default().to_owned();
        Self {
            given_name: get("given_name"),
            family_name: get("family_name"),
            patronymic: get("patronymic"),
            birth_date: get("birth_date"),
            last_seen: get("last_seen.period.from"),
            place: get("last_seen.place.place_name"),
            circumstances: get("circumstances"),
            clothing: get("ante_mortem.clothing"),
            marks: get("ante_mortem.marks"),
            reporter_name: get("reported_by.name"),
            relation: get("reported_by.relation"),
            contact: get("reported_by.contact"),
        }
    }
}

#[derive(serde::Deserialize)]
pub struct Sent {
    #[serde(default)]
    sent: String,
}

fn page(state: &AppState, ctx: &Ctx, values: Map<String, Value>, errors: Errors, sent: bool) -> ReportPage {
    let lang = ctx.lang;
    let selected = |field: &str| -> Vec<String> {
        values
            .get(field)
            .and_then(Value::as_str)
            .map(|s| vec![s.to_owned()])
            .unwrap_or_default()
    };
    let other_errors = errors.others(&[
        "form",
        "given_name",
        "patronymic",
        "family_name",
        "sex",
        "birth_date",
        "last_seen",
        "circumstances",
        "ante_mortem",
        "reported_by",
        "consent_to_share",
    ]);
    ReportPage {
        c: ctx.portal_chrome(lang.t("report.title"), "report_missing"),
        csrf: ctx.csrf().to_owned(),
        e: errors,
        other_errors,
        sexes: choices(
            ["female", "male"].map(|s| (s, lang.t(&format!("sex.{s}")).to_owned())),
            &selected("sex"),
        ),
        consents: choices(
            ["none", "partners", "public"].map(|s| (s, lang.t(&format!("report.consent_{s}")).to_owned())),
            &selected("consent_to_share"),
        ),
        v: Values::from(&values),
        sent,
        accepting: state.config.public_reports_organisation.is_some(),
    }
}

/// `GET /portal/report-missing`
pub async fn form(State(state): State<AppState>, ctx: Ctx, Query(sent): Query<Sent>) -> ApiResult<Response> {
    let page = page(&state, &ctx, Map::new(), Errors::default(), sent.sent == "1");
    super::html(StatusCode::OK, &page)
}

/// Reads the form into the person's and the case's fields, with the errors of fields too long to
/// take.
fn read(form: &Form) -> (JsonForm, JsonForm, Map<String, Value>) {
    let mut person = JsonForm::default();
    let mut case = JsonForm::default();
    let mut values = Map::new();
    for field in PERSON_FIELDS
        .iter()
        .chain(&CASE_FIELDS)
        .chain(&["sex", "consent_to_share"])
    {
        let value = form.get(field);
        values.insert((*field).to_owned(), Value::String(value.to_owned()));
        let target = if PERSON_FIELDS.contains(field) || *field == "sex" {
            &mut person
        } else {
            &mut case
        };
        if value.chars().count() > MAX_FIELD {
            target.error(field, "too_long", &format!("must be at most {MAX_FIELD} characters"));
        } else if !value.is_empty() {
            // Only what was filled in: an empty date must not leave an empty period behind.
            target.text(field, value);
        }
    }
    (person, case, values)
}

/// `POST /portal/report-missing`
pub async fn submit(State(state): State<AppState>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    let (person_form, case_form, values) = read(&form);
    let Some(organisation) = state.config.public_reports_organisation.clone() else {
        return Err(ApiError::NotFound);
    };
    let address = ctx.caller.address.clone().unwrap_or_default();
    let now = state.clock.now();
    if state
        .throttle
        .attempt(&format!("missing-report:{address}"), &address, now)
        .is_some()
    {
        let errors = vec![evidentia_model::FieldError {
            field: "form".into(),
            code: "throttled".into(),
            message: ctx.lang.t("report.throttled").to_owned(),
        }];
        let page = page(&state, ctx, values, Errors::new(ctx.lang, errors), false);
        return super::html(StatusCode::TOO_MANY_REQUESTS, &page);
    }
    let mut person_form = person_form;
    person_form.text("status", "missing");
    let mut case_form = case_form;
    case_form.text("person_id", &uuid::Uuid::nil().to_string());
    case_form.text("moderation", "pending");
    case_form.text("classification", "restricted");
    person_form.text("classification", "restricted");
    let person = person_form.into_checked_new::<Person>(&state);
    let case = case_form.into_checked_new::<MissingCase>(&state);
    let (person, case) = match (person, case) {
        (Ok(p), Ok(c)) => (p, c),
        (p, c) => {
            let mut errors = Vec::new();
            for r in [p, c] {
                match r {
                    Ok(_) => {}
                    Err(ApiError::Validation(e)) => errors.extend(e),
                    Err(other) => return Err(other),
                }
            }
            let page = page(&state, ctx, values, Errors::new(ctx.lang, errors), false);
            return super::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let org = state
        .store
        .organisation_by_name(&organisation)
        .await
        .map_err(|e| match e {
            evidentia_store::StoreError::NotFound => {
                ApiError::Internal(format!("public_reports_organisation {organisation:?} does not exist"))
            }
            other => other.into(),
        })?;
    let person_id = state.clock.new_id();
    let mut case = case;
    case.insert("person_id".into(), Value::String(person_id.to_string()));
    case.insert(
        "reported_at".into(),
        Value::String(evidentia_model::PartialDate::Day(now.date()).to_string()),
    );
    let records = match (
        new_record::<Person>(&state, person_id, org.id, person),
        new_record::<MissingCase>(&state, state.clock.new_id(), org.id, case),
    ) {
        (Ok(p), Ok(c)) => vec![p, c],
        (p, c) => {
            let mut errors = Vec::new();
            for e in [p.err(), c.err()].into_iter().flatten() {
                match e {
                    ApiError::Validation(e) => errors.extend(e),
                    other => return Err(other),
                }
            }
            let page = page(&state, ctx, values, Errors::new(ctx.lang, errors), false);
            return super::html(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    state.store.insert(records).await?;
    Ok(super::see_other("/portal/report-missing?sent=1"))
}

/// A restricted record of the receiving organisation, created by no account (the public).
fn new_record<B: RecordBody>(
    state: &AppState,
    id: uuid::Uuid,
    organisation_id: uuid::Uuid,
    mut obj: Map<String, Value>,
) -> ApiResult<NewRecord> {
    obj.remove("classification");
    let body: B = typed(Value::Object(obj))?;
    crate::api::records::validate(state, &body, Classification::Restricted)?;
    let now = state.clock.now();
    let meta = Meta {
        id,
        organisation_id,
        classification: Classification::Restricted,
        created_at: now,
        created_by: uuid::Uuid::nil(),
        updated_at: now,
        updated_by: uuid::Uuid::nil(),
        version: 1,
    };
    Ok(NewRecord {
        kind: B::KIND,
        meta,
        body: serde_json::to_value(&body).map_err(|e| ApiError::Internal(e.to_string()))?,
        index: body.index(),
    })
}
