//! Communications for staff: the list (per recipient what was sent and what came back, then the
//! communications the reader may see, newest first), the form to write one, and its page (the
//! letter's preview, sending, the responses as they arrive, history).

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use evidentia_model::{Communication, RecordKind};
use evidentia_store::{ListQuery, Sort, StoredRecord};
use serde_json::{Map, Value};

use super::chrome::{Chrome, Ctx};
use super::forms::{Errors, Form, JsonForm};
use super::history::{Version, versions};
use super::i18n::Lang;
use super::incidents::{classification_choices, parse_id};
use super::view::{self, Choice, choices, param, text};
use crate::AppState;
use crate::api::communications::{RecipientTracking, record_response, send_letter, tracking_for};
use crate::api::records;
use crate::errors::{ApiError, ApiResult};

/// How many communications the page lists.
const PAGE_SIZE: u32 = 100;

pub struct Row {
    pub subject: String,
    pub letter: String,
    pub status: String,
    pub sent_at: String,
    pub response_due: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "communications.html")]
struct Page {
    c: Chrome,
    tracking: Vec<RecipientTracking>,
    rows: Vec<Row>,
}

/// `GET /communications`
pub async fn page(State(state): State<AppState>, ctx: Ctx) -> ApiResult<Response> {
    ctx.require_staff()?;
    let tracking = tracking_for(&state, &ctx.caller).await?;
    let mut q = ListQuery::new(Some(RecordKind::Communication), ctx.caller.viewer.clone());
    q.sort = Sort::CreatedDesc;
    q.limit = PAGE_SIZE;
    let today = state.clock.now().date();
    let rows = records::page(&state, &ctx.caller, &q)
        .await?
        .items
        .iter()
        .map(|r| {
            let text = |f: &str| r.body[f].as_str().unwrap_or_default().to_owned();
            let overdue = serde_json::from_value::<evidentia_model::Communication>(r.body.clone())
                .is_ok_and(|c| c.overdue(today));
            Row {
                subject: text("subject"),
                letter: format!("/communications/{}", r.meta.id),
                status: ctx
                    .lang
                    .t(&format!("communication_status.{}", text("status")))
                    .to_owned(),
                sent_at: view::partial_date(ctx.lang, &r.body["sent_at"]),
                response_due: view::partial_date(ctx.lang, &r.body["response_due"]),
                overdue,
            }
        })
        .collect();
    let page = Page {
        c: ctx.chrome(ctx.lang.t("communications.title"), "communications"),
        tracking,
        rows,
    };
    super::html(StatusCode::OK, &page)
}

/// Most recipients offered in the form's list.
const RECIPIENTS: u32 = 500;
const KINDS: [&str; 3] = ["notification", "appeal", "follow_up"];

/// The values of the communication form, as typed.
#[derive(Default)]
pub struct Values {
    pub recipient_id: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub language: String,
    pub incident_ids: String,
    pub response_due: String,
    pub channel: String,
    pub reference: String,
    pub classification: String,
}

impl Values {
    fn read(get: impl Fn(&str) -> String) -> Self {
        Self {
            recipient_id: get("recipient_id"),
            kind: get("kind"),
            subject: get("subject"),
            body: get("body"),
            language: get("language"),
            incident_ids: get("incident_ids"),
            response_due: get("response_due"),
            channel: get("channel"),
            reference: get("reference"),
            classification: get("classification"),
        }
    }

    fn json(&self) -> JsonForm {
        let mut j = JsonForm::default();
        for (name, value) in [
            ("recipient_id", &self.recipient_id),
            ("kind", &self.kind),
            ("subject", &self.subject),
            ("body", &self.body),
            ("language", &self.language),
            ("response_due", &self.response_due),
            ("channel", &self.channel),
            ("reference", &self.reference),
            ("classification", &self.classification),
        ] {
            j.text(name, value);
        }
        let ids: Vec<String> = self
            .incident_ids
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        j.list("incident_ids", ids);
        j
    }
}

#[derive(Template)]
#[template(path = "communication_form.html")]
struct FormPage {
    c: Chrome,
    v: Values,
    e: Errors,
    recipients: Vec<Choice>,
    kinds: Vec<Choice>,
    languages: Vec<Choice>,
    classifications: Vec<Choice>,
    other_errors: Vec<String>,
}

async fn form_page(state: &AppState, ctx: &Ctx, v: Values, e: Errors) -> ApiResult<FormPage> {
    let lang = ctx.lang;
    let mut q = ListQuery::new(Some(RecordKind::Recipient), ctx.caller.viewer.clone());
    q.limit = RECIPIENTS;
    let recipients = records::page(state, &ctx.caller, &q)
        .await?
        .items
        .iter()
        .map(|r| (r.meta.id.to_string(), text(&r.body, "name")))
        .collect::<Vec<_>>();
    let recipients = choices(
        recipients.iter().map(|(id, name)| (id.as_str(), name.clone())),
        std::slice::from_ref(&v.recipient_id),
    );
    let all = [
        "recipient_id",
        "kind",
        "subject",
        "body",
        "language",
        "incident_ids",
        "response_due",
        "channel",
        "reference",
        "classification",
    ];
    Ok(FormPage {
        c: ctx.chrome(lang.t("communication_form.title"), "communications"),
        recipients,
        kinds: choices(
            KINDS
                .into_iter()
                .map(|k| (k, lang.t(&format!("communication_kind.{k}")).to_owned())),
            std::slice::from_ref(&v.kind),
        ),
        languages: choices(
            Lang::ALL.into_iter().map(|l| (l.code(), l.native_name().to_owned())),
            std::slice::from_ref(&v.language),
        ),
        classifications: classification_choices(ctx, &v.classification),
        other_errors: e.others(&all),
        v,
        e,
    })
}

/// `GET /communications/new`, optionally `?incident_id=` to write about an incident.
pub async fn new_form(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    ctx.require_staff()?;
    let incident = param(raw.as_deref().unwrap_or_default(), "incident_id");
    let v = Values {
        kind: "notification".into(),
        language: ctx.lang.code().into(),
        classification: "internal".into(),
        incident_ids: parse_id(&incident).map(|id| id.to_string()).unwrap_or_default(),
        ..Values::default()
    };
    let page = form_page(&state, &ctx, v, Errors::default()).await?;
    super::html(StatusCode::OK, &page)
}

/// `POST /communications`: a new draft.
pub async fn create(State(state): State<AppState>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let v = Values::read(|name| form.get(name).to_owned());
    let result = match v.json().into_checked_new::<Communication>(&state) {
        Ok(obj) => records::create::<Communication>(&state, &ctx.caller, obj).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => Ok(super::see_other(&format!("/communications/{}", r.meta.id))),
        Err(e) => {
            let errors = Errors::from_api(ctx.lang, e)?;
            let page = form_page(&state, ctx, v, errors).await?;
            super::html(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

pub struct ResponseRow {
    pub received_at: String,
    pub summary: String,
    pub substantive: bool,
}

pub struct AttachmentRow {
    pub file_name: String,
    pub sha256: String,
}

#[derive(Template)]
#[template(path = "communication.html")]
struct DetailPage {
    c: Chrome,
    id: String,
    fields: Vec<(String, String)>,
    draft: bool,
    sent: bool,
    may_write: bool,
    letter_pdf: String,
    responses: Vec<ResponseRow>,
    attachments: Vec<AttachmentRow>,
    /// The refused form's errors: beside their fields when the form is shown, else in `notes`.
    e: Errors,
    notes: Vec<String>,
    sent_at: String,
    channel: String,
    received_at: String,
    summary: String,
    history: Vec<Version>,
}

/// The name of a record the reader may see, or "".
async fn name_of(state: &AppState, ctx: &Ctx, kind: RecordKind, id: &str, field: &str) -> ApiResult<String> {
    let Ok(id) = parse_id(id) else {
        return Ok(String::new());
    };
    let record = records::read_if_visible(state, &ctx.caller, kind, id).await?;
    Ok(record.map(|r| text(&r.body, field)).unwrap_or_default())
}

async fn detail(
    state: &AppState,
    ctx: &Ctx,
    r: &StoredRecord,
    refused: &'static str,
    form: Option<&Form>,
    e: Errors,
) -> ApiResult<DetailPage> {
    let lang = ctx.lang;
    let b = &r.body;
    let mut fields = view::Fields::new(lang);
    let recipient = name_of(state, ctx, RecordKind::Recipient, &text(b, "recipient_id"), "name").await?;
    for (key, value) in [
        ("communications.recipient", recipient),
        (
            "communication_form.kind",
            lang.t(&format!("communication_kind.{}", text(b, "kind"))).to_owned(),
        ),
        (
            "communications.status",
            lang.t(&format!("communication_status.{}", text(b, "status")))
                .to_owned(),
        ),
        ("communications.sent_at", view::partial_date(lang, &b["sent_at"])),
        ("communication_form.channel", text(b, "channel")),
        ("communication_form.reference", text(b, "reference")),
        (
            "communications.response_due",
            view::partial_date(lang, &b["response_due"]),
        ),
        (
            "communication_form.language",
            Lang::parse(&text(b, "language"))
                .map(Lang::native_name)
                .unwrap_or_default()
                .to_owned(),
        ),
        (
            "record.classification",
            lang.t(&format!("classification.{}", r.meta.classification.as_str()))
                .to_owned(),
        ),
    ] {
        fields.add(key, value);
    }
    for id in b["incident_ids"].as_array().into_iter().flatten() {
        let title = name_of(
            state,
            ctx,
            RecordKind::Incident,
            id.as_str().unwrap_or_default(),
            "title",
        )
        .await?;
        fields.add("communication_form.incidents", title);
    }
    let status = text(b, "status");
    let responses = b["responses"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| ResponseRow {
            received_at: view::partial_date(lang, &x["received_at"]),
            summary: text(x, "summary"),
            substantive: x["substantive"].as_bool().unwrap_or(false),
        })
        .collect();
    let attachments = b["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| AttachmentRow {
            file_name: text(x, "file_name"),
            sha256: text(x, "sha256"),
        })
        .collect();
    let get = |name: &str| form.map(|f| f.get(name).to_owned()).unwrap_or_default();
    let id = r.meta.id;
    let draft = status == "draft";
    let sent = !b["sent_at"].is_null();
    let may_write = ctx.caller.viewer.may_write(r.meta.organisation_id);
    let shown: &[&str] = match refused {
        "send" if draft && may_write => &["sent_at", "channel"],
        "response" if sent && may_write => &["received_at", "summary"],
        _ => &[],
    };
    let notes = e.others(shown);
    Ok(DetailPage {
        c: ctx.chrome(text(b, "subject"), "communications"),
        id: id.to_string(),
        fields: fields.into_vec(),
        draft,
        sent,
        may_write,
        letter_pdf: format!("/api/v1/communications/{id}/letter?format=pdf"),
        responses,
        attachments,
        e,
        notes,
        sent_at: get("sent_at"),
        channel: get("channel"),
        received_at: get("received_at"),
        summary: get("summary"),
        history: versions(state, ctx, RecordKind::Communication, id).await?,
    })
}

/// `GET /communications/{id}`
pub async fn page_of(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> ApiResult<Response> {
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let r = records::read(&state, &ctx.caller, RecordKind::Communication, id).await?;
    let page = detail(&state, &ctx, &r, "", None, Errors::default()).await?;
    super::html(StatusCode::OK, &page)
}

/// Shows the page again with the refused form's errors, or passes on an error that is not about
/// the form's fields.
async fn refused(
    state: &AppState,
    form: &Form,
    id: uuid::Uuid,
    which: &'static str,
    error: ApiError,
) -> ApiResult<Response> {
    let ctx = &form.ctx;
    let errors = match error {
        ApiError::Conflict(message) => Errors::new(
            ctx.lang,
            vec![evidentia_model::FieldError {
                field: "form".into(),
                code: "conflict".into(),
                message,
            }],
        ),
        other => Errors::from_api(ctx.lang, other)?,
    };
    let r = records::read(state, &ctx.caller, RecordKind::Communication, id).await?;
    let page = detail(state, ctx, &r, which, Some(form), errors).await?;
    super::html(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// `POST /communications/{id}/send`: renders, freezes and marks the letter sent.
pub async fn send(State(state): State<AppState>, Path(id): Path<String>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let mut j = JsonForm::default();
    j.text("sent_at", form.get("sent_at"));
    j.text("channel", form.get("channel"));
    let obj: Map<String, Value> = match j.into_new() {
        Ok(obj) => obj,
        Err(errors) => return refused(&state, &form, id, "send", ApiError::Validation(errors)).await,
    };
    match send_letter(&state, &ctx.caller, id, obj).await {
        Ok(_) => Ok(super::see_other(&format!("/communications/{id}"))),
        Err(e) => refused(&state, &form, id, "send", e).await,
    }
}

/// `POST /communications/{id}/responses`: records what came back.
pub async fn respond(State(state): State<AppState>, Path(id): Path<String>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let mut j = JsonForm::default();
    j.text("received_at", form.get("received_at"));
    j.text("summary", form.get("summary"));
    j.set("substantive", Value::Bool(form.get("substantive") == "yes"));
    let obj = match j.into_new() {
        Ok(obj) => obj,
        Err(errors) => return refused(&state, &form, id, "response", ApiError::Validation(errors)).await,
    };
    match record_response(&state, &ctx.caller, id, obj).await {
        Ok(_) => Ok(super::see_other(&format!("/communications/{id}#responses"))),
        Err(e) => refused(&state, &form, id, "response", e).await,
    }
}
