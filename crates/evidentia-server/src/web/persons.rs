//! Persons for staff: the list (search by name in any script, status, pages), the person page
//! (details, the incidents they were involved in, history) and the forms to create and change one.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use evidentia_model::{Person, RecordKind};
use evidentia_store::StoredRecord;

use super::chrome::{Chrome, Ctx};
use super::forms::{Errors, Form, JsonForm};
use super::history::{Version, versions};
use super::incidents::{classification_choices, linked, parse_id};
use super::listing::listing;
use super::view::{self, Choice, choices, clean_query, param, text};
use crate::AppState;
use crate::api::records;
use crate::errors::{ApiError, ApiResult};

const FILTERS: &[&str] = &["q", "status", "sort", "cursor", "merged"];
const STATUSES: [&str; 6] = ["alive", "injured", "killed", "missing", "detained", "unknown"];

pub struct PersonRow {
    pub href: String,
    pub name: String,
    pub original: String,
    pub birth: String,
    pub status: String,
    pub residence: String,
}

fn person_row(r: &StoredRecord, ctx: &Ctx) -> PersonRow {
    let b = &r.body;
    PersonRow {
        href: format!("/persons/{}", r.meta.id),
        name: view::person_name(b),
        original: text(b, "name_original"),
        birth: view::partial_date(ctx.lang, &b["birth_date"]),
        status: ctx.lang.t(&format!("person_status.{}", text(b, "status"))).to_owned(),
        residence: text(b, "residence"),
    }
}

fn status_choices(ctx: &Ctx, selected: &str) -> Vec<Choice> {
    choices(
        STATUSES
            .into_iter()
            .map(|s| (s, ctx.lang.t(&format!("person_status.{s}")).to_owned())),
        &[selected.to_owned()],
    )
}

#[derive(Template)]
#[template(path = "persons.html")]
struct ListPage {
    c: Chrome,
    q: String,
    statuses: Vec<Choice>,
    rows: Vec<PersonRow>,
    total: u64,
    next: Option<String>,
    error: String,
}

/// `GET /persons`
pub async fn list(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    ctx.require_staff()?;
    let query = clean_query(raw.as_deref(), FILTERS);
    let mut page = ListPage {
        c: ctx.chrome(ctx.lang.t("persons.title"), "persons"),
        q: param(&query, "q"),
        statuses: status_choices(&ctx, &param(&query, "status")),
        rows: Vec::new(),
        total: 0,
        next: None,
        error: String::new(),
    };
    let Some(found) = listing(&state, &ctx, RecordKind::Person, &query, "/persons").await? else {
        page.error = ctx.lang.t("validation.invalid").to_owned();
        return super::html(StatusCode::BAD_REQUEST, &page);
    };
    page.total = found.total;
    page.rows = found.items.iter().map(|r| person_row(r, &ctx)).collect();
    page.next = found.next;
    super::html(StatusCode::OK, &page)
}

pub struct PersonIncident {
    pub href: String,
    pub title: String,
    pub role: String,
    /// The name of the merged record the involvement was recorded for ("" for this person's own).
    pub via: String,
}

/// Another person record linked to this one by a merge.
pub struct MergedLink {
    pub href: String,
    pub name: String,
    /// The decision record, for the undo form ("" when the caller may not undo it).
    pub match_id: String,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    c: Chrome,
    id: String,
    name: String,
    fields: Vec<(String, String)>,
    incidents: Vec<PersonIncident>,
    history: Vec<Version>,
    may_write: bool,
    /// The person this record was merged into, if it was.
    merged_into: Option<MergedLink>,
    /// The records merged into this person.
    merged: Vec<MergedLink>,
}

/// The decision that merged `absorbed` into `survivor`, if the caller may undo it.
async fn undo_id(state: &AppState, ctx: &Ctx, survivor: uuid::Uuid, absorbed: &StoredRecord) -> ApiResult<String> {
    if !ctx.caller.viewer.may_write(absorbed.meta.organisation_id) {
        return Ok(String::new());
    }
    let decision =
        crate::api::duplicates::decision_of(state, [survivor.min(absorbed.meta.id), survivor.max(absorbed.meta.id)])
            .await?;
    Ok(decision.map(|d| d.meta.id.to_string()).unwrap_or_default())
}

/// Involvements of `person` in incidents the caller may see.
async fn incidents_of(state: &AppState, ctx: &Ctx, person: uuid::Uuid, via: &str) -> ApiResult<Vec<PersonIncident>> {
    let lang = ctx.lang;
    let mut incidents = Vec::new();
    for inv in linked(state, &ctx.caller, RecordKind::Involvement, "person_id", person).await? {
        let Some(incident_id) = inv.body["incident_id"]
            .as_str()
            .and_then(|s| uuid::Uuid::parse_str(s).ok())
        else {
            continue;
        };
        match records::read(state, &ctx.caller, RecordKind::Incident, incident_id).await {
            Ok(i) => incidents.push(PersonIncident {
                href: format!("/incidents/{incident_id}"),
                title: text(&i.body, "title"),
                role: lang.t(&format!("role.{}", text(&inv.body, "role"))).to_owned(),
                via: via.to_owned(),
            }),
            Err(ApiError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(incidents)
}

/// `GET /persons/{id}`
pub async fn page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> ApiResult<Response> {
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let r = records::read(&state, &ctx.caller, RecordKind::Person, id).await?;
    let lang = ctx.lang;
    let b = &r.body;
    let mut fields = view::Fields::new(lang);
    fields.add("person.name_original", text(b, "name_original"));
    fields.add("person.sex", {
        let s = text(b, "sex");
        if s.is_empty() {
            s
        } else {
            lang.t(&format!("sex.{s}")).to_owned()
        }
    });
    fields.add("person.birth_date", view::partial_date(lang, &b["birth_date"]));
    fields.add("person.residence", text(b, "residence"));
    fields.add(
        "person.status",
        lang.t(&format!("person_status.{}", text(b, "status"))).to_owned(),
    );
    fields.add("person.death_date", view::partial_date(lang, &b["death_date"]));
    fields.add(
        "person.civilian",
        lang.t(&format!("civilian.{}", text(b, "civilian"))).to_owned(),
    );
    fields.add("person.contacts", text(b, "contacts"));
    fields.add(
        "record.classification",
        lang.t(&format!("classification.{}", r.meta.classification.as_str()))
            .to_owned(),
    );
    let mut incidents = incidents_of(&state, &ctx, id, "").await?;
    // The records merged into this person, and what they were involved in.
    let mut merged = Vec::new();
    for m in linked(&state, &ctx.caller, RecordKind::Person, "merged_into", id).await? {
        let name = view::person_name(&m.body);
        incidents.extend(incidents_of(&state, &ctx, m.meta.id, &name).await?);
        merged.push(MergedLink {
            href: format!("/persons/{}", m.meta.id),
            match_id: undo_id(&state, &ctx, id, &m).await?,
            name,
        });
    }
    let merged_into = match b["merged_into"].as_str().and_then(|s| uuid::Uuid::parse_str(s).ok()) {
        Some(survivor) => match records::read(&state, &ctx.caller, RecordKind::Person, survivor).await {
            Ok(sr) => Some(MergedLink {
                href: format!("/persons/{survivor}"),
                name: view::person_name(&sr.body),
                match_id: undo_id(&state, &ctx, survivor, &r).await?,
            }),
            Err(ApiError::NotFound) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let name = view::person_name(b);
    let page = PersonPage {
        c: ctx.chrome(name.clone(), "persons"),
        id: id.to_string(),
        name,
        fields: fields.into_vec(),
        incidents,
        history: versions(&state, &ctx, RecordKind::Person, id).await?,
        may_write: ctx.caller.viewer.may_write(r.meta.organisation_id),
        merged_into,
        merged,
    };
    super::html(StatusCode::OK, &page)
}

#[derive(Default)]
pub struct PersonValues {
    pub given_name: String,
    pub patronymic: String,
    pub family_name: String,
    pub name_original: String,
    pub sex: String,
    pub birth_date: String,
    pub residence: String,
    pub status: String,
    pub death_date: String,
    pub civilian: String,
    pub contacts: String,
    pub classification: String,
}

const TEXT_FIELDS: [&str; 10] = [
    "given_name",
    "patronymic",
    "family_name",
    "name_original",
    "sex",
    "birth_date",
    "residence",
    "status",
    "death_date",
    "civilian",
];

impl PersonValues {
    fn fields_mut(&mut self) -> [&mut String; 12] {
        [
            &mut self.given_name,
            &mut self.patronymic,
            &mut self.family_name,
            &mut self.name_original,
            &mut self.sex,
            &mut self.birth_date,
            &mut self.residence,
            &mut self.status,
            &mut self.death_date,
            &mut self.civilian,
            &mut self.contacts,
            &mut self.classification,
        ]
    }

    fn fields(&self) -> [&String; 11] {
        [
            &self.given_name,
            &self.patronymic,
            &self.family_name,
            &self.name_original,
            &self.sex,
            &self.birth_date,
            &self.residence,
            &self.status,
            &self.death_date,
            &self.civilian,
            &self.contacts,
        ]
    }

    fn read(get: impl Fn(&str) -> String) -> Self {
        let mut v = Self::default();
        let names = TEXT_FIELDS.iter().copied().chain(["contacts", "classification"]);
        for (slot, name) in v.fields_mut().into_iter().zip(names) {
            *slot = get(name);
        }
        v
    }

    fn json(&self) -> JsonForm {
        let mut j = JsonForm::default();
        let names = TEXT_FIELDS.iter().copied().chain(["contacts"]);
        for (value, name) in self.fields().into_iter().zip(names) {
            j.text(name, value);
        }
        j.text("classification", &self.classification);
        j
    }
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct FormPage {
    c: Chrome,
    v: PersonValues,
    e: Errors,
    action: String,
    version: i64,
    statuses: Vec<Choice>,
    sexes: Vec<Choice>,
    civilians: Vec<Choice>,
    classifications: Vec<Choice>,
    other_errors: Vec<String>,
}

fn form_page(ctx: &Ctx, v: PersonValues, e: Errors, action: String, version: i64) -> FormPage {
    let lang = ctx.lang;
    let title = if version == 0 {
        lang.t("person_form.new_title").to_owned()
    } else {
        lang.t("person_form.edit_title").to_owned()
    };
    let mut all: Vec<&str> = TEXT_FIELDS.to_vec();
    all.extend(["contacts", "classification", "age_estimate"]);
    FormPage {
        c: ctx.chrome(title, "persons"),
        statuses: status_choices(ctx, &v.status),
        sexes: choices(
            ["female", "male", "unknown"]
                .into_iter()
                .map(|s| (s, lang.t(&format!("sex.{s}")).to_owned())),
            std::slice::from_ref(&v.sex),
        ),
        civilians: choices(
            ["yes", "no", "unknown"]
                .into_iter()
                .map(|s| (s, lang.t(&format!("civilian.{s}")).to_owned())),
            std::slice::from_ref(&v.civilian),
        ),
        classifications: classification_choices(ctx, &v.classification),
        other_errors: e.others(&all),
        v,
        e,
        action,
        version,
    }
}

/// `GET /persons/new`
pub async fn new_form(ctx: Ctx) -> ApiResult<Response> {
    ctx.require_staff()?;
    let v = PersonValues {
        status: "unknown".into(),
        civilian: "unknown".into(),
        classification: "internal".into(),
        ..PersonValues::default()
    };
    super::html(
        StatusCode::OK,
        &form_page(&ctx, v, Errors::default(), "/persons".into(), 0),
    )
}

/// `GET /persons/{id}/edit`
pub async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> ApiResult<Response> {
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let r = records::read(&state, &ctx.caller, RecordKind::Person, id).await?;
    let mut v = PersonValues::read(|name| text(&r.body, name));
    v.classification = r.meta.classification.as_str().to_owned();
    super::html(
        StatusCode::OK,
        &form_page(&ctx, v, Errors::default(), format!("/persons/{id}"), r.meta.version),
    )
}

fn refused(ctx: &Ctx, v: PersonValues, error: ApiError, action: String, version: i64) -> ApiResult<Response> {
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
    super::html(
        StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(ctx, v, errors, action, version),
    )
}

/// `POST /persons`
pub async fn create(State(state): State<AppState>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let v = PersonValues::read(|name| form.get(name).to_owned());
    let result = match v.json().into_checked_new::<Person>(&state) {
        Ok(obj) => records::create::<Person>(&state, &ctx.caller, obj).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => Ok(super::see_other(&format!("/persons/{}", r.meta.id))),
        Err(e) => refused(ctx, v, e, "/persons".into(), 0),
    }
}

/// `POST /persons/{id}`: the edit form.
pub async fn update(State(state): State<AppState>, Path(id): Path<String>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let version = form.version()?;
    let v = PersonValues::read(|name| form.get(name).to_owned());
    let result = match v.json().into_checked_patch::<Person>(&state) {
        Ok(patch) => records::patch::<Person>(&state, &ctx.caller, id, version, patch).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(super::see_other(&format!("/persons/{id}"))),
        Err(e) => refused(ctx, v, e, format!("/persons/{id}"), version),
    }
}
