//! Incidents for staff: the list (filters, search in any script, sorting, pages), the incident
//! page (details, map, persons, evidence, history), the forms to create and change one, the
//! persons involved, and publication on the portal.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use evidentia_model::incident::IncidentStatus;
use evidentia_model::{Incident, Involvement, RecordKind, vocab};
use evidentia_store::{ListQuery, StoredRecord};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::chrome::{Chrome, Ctx};
use super::evidence::{EvidenceCard, evidence_cards};
use super::forms::{Errors, Form, JsonForm};
use super::history::{Version, versions};
use super::view::{self, Choice, IncidentRow, choices, clean_query, incident_row, param, text};
use crate::AppState;
use crate::api::{params, records};
use crate::errors::{ApiError, ApiResult};

/// Most persons and evidence items shown on an incident page.
const MOST_LINKED: u32 = 200;
/// The list's filters, as query parameters.
const FILTERS: &[&str] = &["q", "status", "category", "from", "to", "sort", "cursor"];
pub const SORTS: [&str; 5] = ["-created", "created", "-occurred", "occurred", "-updated"];

pub fn parse_id(id: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| ApiError::NotFound)
}

/// The filter form's current values and choices.
pub struct Filters {
    pub q: String,
    pub from: String,
    pub to: String,
    pub statuses: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub sorts: Vec<Choice>,
}

pub fn filters(state: &AppState, ctx: &Ctx, query: &str) -> Filters {
    let lang = ctx.lang;
    let status = vec![param(query, "status")];
    let category = vec![param(query, "category")];
    let sort = vec![param(query, "sort")];
    Filters {
        q: param(query, "q"),
        from: param(query, "from"),
        to: param(query, "to"),
        statuses: choices(
            IncidentStatus::ALL.iter().map(|s| {
                (
                    s.as_str(),
                    lang.t(&format!("incident_status.{}", s.as_str())).to_owned(),
                )
            }),
            &status,
        ),
        categories: view::vocabulary_choices(&state.vocabularies(), lang, vocab::INCIDENT_CATEGORY, &category),
        sorts: choices(
            SORTS.iter().map(|s| (*s, lang.t(&format!("sort.{s}")).to_owned())),
            &sort,
        ),
    }
}

/// The list query of a filter form's query string; errors name the filter.
pub fn filtered_query(
    state: &AppState,
    ctx: &Ctx,
    viewer: evidentia_model::Viewer,
    query: &str,
) -> Result<ListQuery, Errors> {
    params::list_query(
        Some(RecordKind::Incident),
        viewer,
        Some(query),
        &state.vocabularies(),
        &[],
    )
    .map(|(q, _)| q)
    .map_err(|e| match Errors::from_api(ctx.lang, e) {
        Ok(errors) => errors,
        Err(_) => Errors::new(ctx.lang, Vec::new()),
    })
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct ListPage {
    c: Chrome,
    f: Filters,
    errors: Errors,
    rows: Vec<IncidentRow>,
    total: u64,
    next: Option<String>,
}

/// `GET /incidents`
pub async fn list(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    ctx.require_staff()?;
    let query = clean_query(raw.as_deref(), FILTERS);
    let f = filters(&state, &ctx, &query);
    let c = ctx.chrome(ctx.lang.t("incidents.title"), "incidents");
    let q = match filtered_query(&state, &ctx, ctx.caller.viewer.clone(), &query) {
        Ok(q) => q,
        Err(errors) => {
            let page = ListPage {
                c,
                f,
                errors,
                rows: Vec::new(),
                total: 0,
                next: None,
            };
            return super::html(StatusCode::BAD_REQUEST, &page);
        }
    };
    let found = super::listing::listing_of(&state, &ctx, q, &query, "/incidents").await?;
    let vocabularies = state.vocabularies();
    let page = ListPage {
        c,
        f,
        errors: Errors::default(),
        rows: found
            .items
            .iter()
            .map(|r| incident_row(r, ctx.lang, &vocabularies, "/incidents"))
            .collect(),
        total: found.total,
        next: found.next,
    };
    super::html(StatusCode::OK, &page)
}

/// A person involved in an incident, as the incident page lists them.
pub struct InvolvedPerson {
    pub href: String,
    pub name: String,
    pub role: String,
}

/// The records linked to `field` = `id` that the caller may see (one page of at most
/// [`MOST_LINKED`]).
pub async fn linked(
    state: &AppState,
    caller: &crate::auth::Caller,
    kind: RecordKind,
    field: &str,
    id: Uuid,
) -> ApiResult<Vec<StoredRecord>> {
    let mut q = ListQuery::new(Some(kind), caller.viewer.clone());
    q.links.push((field.to_owned(), id));
    q.limit = MOST_LINKED;
    q.sort = evidentia_store::Sort::CreatedAsc;
    Ok(records::page(state, caller, &q).await?.items)
}

/// The persons of an incident's involvements, each read with the caller's rights: a person the
/// caller may not see is left out, not named.
pub async fn involved_persons(
    state: &AppState,
    ctx: &Ctx,
    caller: &crate::auth::Caller,
    incident: Uuid,
    href_base: &str,
) -> ApiResult<Vec<InvolvedPerson>> {
    let involvements = linked(state, caller, RecordKind::Involvement, "incident_id", incident).await?;
    let mut out = Vec::new();
    for inv in involvements {
        let Some(person_id) = inv.body["person_id"].as_str().and_then(|s| Uuid::parse_str(s).ok()) else {
            continue;
        };
        let person = match records::read(state, caller, RecordKind::Person, person_id).await {
            Ok(p) => p,
            Err(ApiError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        out.push(InvolvedPerson {
            href: format!("{href_base}/{person_id}"),
            name: view::person_name(&person.body),
            role: ctx.lang.t(&format!("role.{}", text(&inv.body, "role"))).to_owned(),
        });
    }
    Ok(out)
}

/// An incident's fields for display.
pub struct IncidentView {
    pub id: String,
    pub version: i64,
    pub title: String,
    pub description: String,
    pub when: String,
    pub place: String,
    pub country: String,
    pub lat: String,
    pub lon: String,
    pub precision: String,
    pub status: String,
    pub status_label: String,
    pub categories: Vec<String>,
    pub casualties: Vec<(String, String)>,
    pub perpetrator: String,
    pub published: bool,
    pub public: bool,
    pub classification: String,
    pub updated: String,
}

pub fn incident_view(state: &AppState, ctx: &Ctx, r: &StoredRecord) -> IncidentView {
    let lang = ctx.lang;
    let b = &r.body;
    let row = incident_row(r, lang, &state.vocabularies(), "");
    let casualties = ["killed", "injured", "missing"]
        .iter()
        .filter_map(|k| {
            b["reported_casualties"][k]["total"]
                .as_u64()
                .map(|n| (lang.t(&format!("casualties.{k}")).to_owned(), lang.number(n)))
        })
        .collect();
    let perpetrator = [
        text(b, "alleged_perpetrator.party"),
        text(b, "alleged_perpetrator.unit"),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    let precision = text(b, "location.precision");
    IncidentView {
        id: r.meta.id.to_string(),
        version: r.meta.version,
        title: row.title,
        description: text(b, "description"),
        when: row.when,
        place: row.place,
        country: text(b, "location.country"),
        lat: text(b, "location.lat"),
        lon: text(b, "location.lon"),
        precision: if precision.is_empty() {
            String::new()
        } else {
            lang.t(&format!("precision.{precision}")).to_owned()
        },
        status: row.status,
        status_label: row.status_label,
        categories: row.categories,
        casualties,
        perpetrator,
        published: r.published,
        public: r.meta.classification == evidentia_model::Classification::Public,
        classification: row.classification,
        updated: row.updated,
    }
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentPage {
    c: Chrome,
    i: IncidentView,
    may_write: bool,
    persons: Vec<InvolvedPerson>,
    evidence: Vec<EvidenceCard>,
    history: Vec<Version>,
    map: super::map::MapConfig,
}

/// `GET /incidents/{id}`
pub async fn page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> ApiResult<Response> {
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let r = records::read(&state, &ctx.caller, RecordKind::Incident, id).await?;
    let persons = involved_persons(&state, &ctx, &ctx.caller, id, "/persons").await?;
    let evidence = linked(&state, &ctx.caller, RecordKind::Evidence, "incident_id", id).await?;
    let history = versions(&state, &ctx, RecordKind::Incident, id).await?;
    let i = incident_view(&state, &ctx, &r);
    let mut c = ctx.chrome(i.title.clone(), "incidents").with_upload();
    if !i.lat.is_empty() {
        c = c.with_map();
    }
    let page = IncidentPage {
        may_write: ctx.caller.viewer.may_write(r.meta.organisation_id),
        i,
        persons,
        evidence: evidence_cards(&ctx, &evidence),
        history,
        map: super::map::map_config(&state),
        c,
    };
    super::html(StatusCode::OK, &page)
}

/// The incident form's values, as typed.
#[derive(Default)]
pub struct IncidentValues {
    pub title: String,
    pub description: String,
    pub occurred_from: String,
    pub occurred_to: String,
    pub place_name: String,
    pub admin1: String,
    pub admin2: String,
    pub country: String,
    pub lat: String,
    pub lon: String,
    pub precision: String,
    pub categories: Vec<String>,
    pub status: String,
    pub classification: String,
    pub killed: String,
    pub injured: String,
    pub missing: String,
    pub party: String,
    pub unit: String,
}

impl IncidentValues {
    fn from_form(f: &Form) -> Self {
        Self {
            title: f.get("title").to_owned(),
            description: f.get("description").to_owned(),
            occurred_from: f.get("occurred.from").to_owned(),
            occurred_to: f.get("occurred.to").to_owned(),
            place_name: f.get("location.place_name").to_owned(),
            admin1: f.get("location.admin1").to_owned(),
            admin2: f.get("location.admin2").to_owned(),
            country: f.get("location.country").to_owned(),
            lat: f.get("location.lat").to_owned(),
            lon: f.get("location.lon").to_owned(),
            precision: f.get("location.precision").to_owned(),
            categories: f.all("categories"),
            status: f.get("status").to_owned(),
            classification: f.get("classification").to_owned(),
            killed: f.get("reported_casualties.killed").to_owned(),
            injured: f.get("reported_casualties.injured").to_owned(),
            missing: f.get("reported_casualties.missing").to_owned(),
            party: f.get("alleged_perpetrator.party").to_owned(),
            unit: f.get("alleged_perpetrator.unit").to_owned(),
        }
    }

    fn from_record(r: &StoredRecord) -> Self {
        let b = &r.body;
        Self {
            title: text(b, "title"),
            description: text(b, "description"),
            occurred_from: text(b, "occurred.from"),
            occurred_to: text(b, "occurred.to"),
            place_name: text(b, "location.place_name"),
            admin1: text(b, "location.admin1"),
            admin2: text(b, "location.admin2"),
            country: text(b, "location.country"),
            lat: text(b, "location.lat"),
            lon: text(b, "location.lon"),
            precision: text(b, "location.precision"),
            categories: b["categories"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default(),
            status: text(b, "status"),
            classification: r.meta.classification.as_str().to_owned(),
            killed: text(b, "reported_casualties.killed.total"),
            injured: text(b, "reported_casualties.injured.total"),
            missing: text(b, "reported_casualties.missing.total"),
            party: text(b, "alleged_perpetrator.party"),
            unit: text(b, "alleged_perpetrator.unit"),
        }
    }

    /// The JSON object of the form. Casualty counts replace the whole count (the form has no
    /// breakdown fields, and a breakdown without its total would not be valid).
    fn json(&self) -> JsonForm {
        let mut j = JsonForm::default();
        j.text("title", &self.title);
        j.set("description", Value::String(self.description.clone()));
        j.text("occurred.from", &self.occurred_from);
        j.text("occurred.to", &self.occurred_to);
        j.text("location.place_name", &self.place_name);
        j.text("location.admin1", &self.admin1);
        j.text("location.admin2", &self.admin2);
        j.text("location.country", &self.country.to_uppercase());
        j.decimal("location.lat", &self.lat);
        j.decimal("location.lon", &self.lon);
        j.text("location.precision", &self.precision);
        j.list("categories", self.categories.clone());
        j.text("status", &self.status);
        j.text("classification", &self.classification);
        for (k, v) in [
            ("killed", &self.killed),
            ("injured", &self.injured),
            ("missing", &self.missing),
        ] {
            let path = format!("reported_casualties.{k}");
            j.set(&path, Value::Null);
            if !v.is_empty() {
                j.count(&format!("{path}.total"), v);
            }
        }
        j.text("alleged_perpetrator.party", &self.party);
        j.text("alleged_perpetrator.unit", &self.unit);
        j
    }
}

#[derive(Template)]
#[template(path = "incident_form.html")]
struct FormPage {
    c: Chrome,
    v: IncidentValues,
    e: Errors,
    action: String,
    version: i64,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    precisions: Vec<Choice>,
    classifications: Vec<Choice>,
    other_errors: Vec<String>,
}

const FORM_FIELDS: &[&str] = &[
    "title",
    "description",
    "occurred.from",
    "occurred.to",
    "occurred",
    "location.place_name",
    "location.admin1",
    "location.admin2",
    "location.country",
    "location.lat",
    "location.lon",
    "location.precision",
    "categories",
    "status",
    "classification",
    "reported_casualties.killed",
    "reported_casualties.injured",
    "reported_casualties.missing",
    "alleged_perpetrator.party",
    "alleged_perpetrator.unit",
];

pub fn classification_choices(ctx: &Ctx, selected: &str) -> Vec<Choice> {
    choices(
        ["public", "internal", "restricted", "confidential"]
            .into_iter()
            .map(|c| (c, ctx.lang.t(&format!("classification.{c}")).to_owned())),
        &[selected.to_owned()],
    )
}

fn form_page(state: &AppState, ctx: &Ctx, v: IncidentValues, e: Errors, action: String, version: i64) -> FormPage {
    let lang = ctx.lang;
    let title = if version == 0 {
        lang.t("incident_form.new_title").to_owned()
    } else {
        lang.tf("incident_form.edit_title", &[("title", &v.title)])
    };
    FormPage {
        c: ctx.chrome(title, "incidents"),
        statuses: choices(
            IncidentStatus::ALL.iter().map(|s| {
                (
                    s.as_str(),
                    lang.t(&format!("incident_status.{}", s.as_str())).to_owned(),
                )
            }),
            std::slice::from_ref(&v.status),
        ),
        categories: view::vocabulary_choices(&state.vocabularies(), lang, vocab::INCIDENT_CATEGORY, &v.categories),
        precisions: choices(
            ["exact", "settlement", "district", "region", "country"]
                .into_iter()
                .map(|p| (p, lang.t(&format!("precision.{p}")).to_owned())),
            std::slice::from_ref(&v.precision),
        ),
        classifications: classification_choices(ctx, &v.classification),
        other_errors: e.others(FORM_FIELDS),
        v,
        e,
        action,
        version,
    }
}

/// `GET /incidents/new`
pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> ApiResult<Response> {
    ctx.require_staff()?;
    let v = IncidentValues {
        status: "reported".into(),
        classification: "internal".into(),
        ..IncidentValues::default()
    };
    let page = form_page(&state, &ctx, v, Errors::default(), "/incidents".into(), 0);
    super::html(StatusCode::OK, &page)
}

/// `GET /incidents/{id}/edit`
pub async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> ApiResult<Response> {
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let r = records::read(&state, &ctx.caller, RecordKind::Incident, id).await?;
    let v = IncidentValues::from_record(&r);
    let page = form_page(
        &state,
        &ctx,
        v,
        Errors::default(),
        format!("/incidents/{id}"),
        r.meta.version,
    );
    super::html(StatusCode::OK, &page)
}

/// The form again with the errors beside their fields (422), or the error itself.
fn refused(
    state: &AppState,
    ctx: &Ctx,
    v: IncidentValues,
    error: ApiError,
    action: String,
    version: i64,
) -> ApiResult<Response> {
    let errors = Errors::from_api(ctx.lang, error)?;
    super::html(
        StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(state, ctx, v, errors, action, version),
    )
}

/// `POST /incidents`
pub async fn create(State(state): State<AppState>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let v = IncidentValues::from_form(&form);
    let result = match v.json().into_checked_new::<Incident>(&state) {
        Ok(obj) => records::create::<Incident>(&state, &ctx.caller, obj).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => Ok(super::see_other(&format!("/incidents/{}", r.meta.id))),
        Err(e) => refused(&state, ctx, v, e, "/incidents".into(), 0),
    }
}

/// `POST /incidents/{id}`: the edit form.
pub async fn update(State(state): State<AppState>, Path(id): Path<String>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let version = form.version()?;
    let v = IncidentValues::from_form(&form);
    let result = match v.json().into_checked_patch::<Incident>(&state) {
        Ok(patch) => records::patch::<Incident>(&state, &ctx.caller, id, version, patch).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(super::see_other(&format!("/incidents/{id}"))),
        Err(ApiError::PreconditionFailed { .. }) => {
            let errors = Errors::new(
                ctx.lang,
                vec![evidentia_model::FieldError {
                    field: "version".into(),
                    code: "stale".into(),
                    message: ctx.lang.t("validation.stale").into(),
                }],
            );
            let page = form_page(&state, ctx, v, errors, format!("/incidents/{id}"), version);
            super::html(StatusCode::PRECONDITION_FAILED, &page)
        }
        Err(e) => refused(&state, ctx, v, e, format!("/incidents/{id}"), version),
    }
}

/// `POST /incidents/{id}/publication` with `published=true|false`.
pub async fn publication(State(state): State<AppState>, Path(id): Path<String>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let version = form.version()?;
    let published = match form.get("published") {
        "true" => true,
        "false" => false,
        _ => return Err(ApiError::bad_field("published", "must be true or false")),
    };
    let mut patch = Map::new();
    patch.insert("published".into(), Value::Bool(published));
    records::patch::<Incident>(&state, &ctx.caller, id, version, patch).await?;
    Ok(super::see_other(&format!("/incidents/{id}")))
}

/// A person found for the involvement form.
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub birth: String,
}

#[derive(Template)]
#[template(path = "involvement_form.html")]
struct InvolvementPage {
    c: Chrome,
    incident_id: String,
    incident_title: String,
    q: String,
    candidates: Vec<Candidate>,
    roles: Vec<Choice>,
    error: String,
}

pub fn role_choices(ctx: &Ctx) -> Vec<Choice> {
    choices(
        [
            "killed",
            "injured",
            "missing",
            "detained",
            "witness",
            "reporter",
            "alleged_perpetrator",
        ]
        .into_iter()
        .map(|r| (r, ctx.lang.t(&format!("role.{r}")).to_owned())),
        &["witness".to_owned()],
    )
}

/// `GET /incidents/{id}/persons?q=`: find a person to add to the incident.
pub async fn involvement_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let incident = records::read(&state, &ctx.caller, RecordKind::Incident, id).await?;
    let query = clean_query(raw.as_deref(), &["q"]);
    let q = param(&query, "q");
    let mut candidates = Vec::new();
    let mut error = String::new();
    if !q.is_empty() {
        match params::list_query(
            Some(RecordKind::Person),
            ctx.caller.viewer.clone(),
            Some(&query),
            &state.vocabularies(),
            &[],
        ) {
            Ok((mut lq, _)) => {
                lq.limit = 20;
                let found = records::page(&state, &ctx.caller, &lq).await?.items;
                candidates = found
                    .iter()
                    .map(|p| Candidate {
                        id: p.meta.id.to_string(),
                        name: view::person_name(&p.body),
                        birth: view::partial_date(ctx.lang, &p.body["birth_date"]),
                    })
                    .collect();
            }
            Err(_) => error = ctx.lang.t("validation.invalid").to_owned(),
        }
    }
    let page = InvolvementPage {
        c: ctx.chrome(ctx.lang.t("involvement.title"), "incidents"),
        incident_id: id.to_string(),
        incident_title: text(&incident.body, "title"),
        q,
        candidates,
        roles: role_choices(&ctx),
        error,
    };
    super::html(StatusCode::OK, &page)
}

/// `POST /incidents/{id}/persons` with `person_id`, `role`, `notes`.
pub async fn add_involvement(State(state): State<AppState>, Path(id): Path<String>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    records::require_visible(&state, &ctx.caller, RecordKind::Incident, id).await?;
    let mut j = JsonForm::default();
    j.text("person_id", form.get("person_id"));
    j.text("role", form.get("role"));
    j.text("notes", form.get("notes"));
    j.set("incident_id", Value::String(id.to_string()));
    let obj = j.into_new().map_err(ApiError::Validation)?;
    records::create::<Involvement>(&state, &ctx.caller, obj).await?;
    Ok(super::see_other(&format!("/incidents/{id}#persons")))
}
