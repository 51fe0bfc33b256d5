//! Grave sites for staff: the list (by status) and the page of a site with its hazards, the number
//! of individuals, the remains recovered there and each exhumation with its recovery log. Every
//! linked record is read with the reader's rights: what they may not see is left out, not named.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use evidentia_model::RecordKind;
use serde_json::Value;

use super::chrome::{Chrome, Ctx};
use super::history::{Version, versions};
use super::incidents::{linked, parse_id};
use super::listing::listing;
use super::view::{self, Choice, choices, clean_query, param, text};
use crate::AppState;
use crate::api::records;
use crate::errors::ApiResult;

const FILTERS: &[&str] = &["q", "status", "cursor"];
const STATUSES: [&str; 5] = ["reported", "secured", "exhumation_planned", "exhumed", "closed"];

pub struct SiteRow {
    pub href: String,
    pub name: String,
    pub place: String,
    pub kind: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "grave_sites.html")]
struct ListPage {
    c: Chrome,
    q: String,
    statuses: Vec<Choice>,
    rows: Vec<SiteRow>,
    total: u64,
    next: Option<String>,
    error: String,
}

/// `GET /grave-sites`
pub async fn list(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    ctx.require_staff()?;
    let lang = ctx.lang;
    let query = clean_query(raw.as_deref(), FILTERS);
    let mut page = ListPage {
        c: ctx.chrome(lang.t("graves.title"), "missing"),
        q: param(&query, "q"),
        statuses: choices(
            STATUSES.map(|s| (s, lang.t(&format!("grave_status.{s}")).to_owned())),
            &[param(&query, "status")],
        ),
        rows: Vec::new(),
        total: 0,
        next: None,
        error: String::new(),
    };
    let Some(found) = listing(&state, &ctx, RecordKind::GraveSite, &query, "/grave-sites").await? else {
        page.error = lang.t("validation.invalid").to_owned();
        return super::html(StatusCode::BAD_REQUEST, &page);
    };
    page.total = found.total;
    for r in &found.items {
        let b = &r.body;
        page.rows.push(SiteRow {
            href: format!("/grave-sites/{}", r.meta.id),
            name: text(b, "name"),
            place: view::place(b),
            kind: lang.t(&format!("grave_kind.{}", text(b, "type"))).to_owned(),
            status: lang.t(&format!("grave_status.{}", text(b, "status"))).to_owned(),
        });
    }
    page.next = found.next;
    super::html(StatusCode::OK, &page)
}

/// An item of a recovery log as shown.
pub struct RecoveryRow {
    pub item_number: String,
    pub description: String,
    pub position: String,
    pub recovered: String,
    pub remains_href: String,
    pub remains: String,
}

pub struct ExhumationView {
    pub fields: Vec<(String, String)>,
    pub log: Vec<RecoveryRow>,
}

#[derive(Template)]
#[template(path = "grave_site.html")]
struct SitePage {
    c: Chrome,
    fields: Vec<(String, String)>,
    remains: Vec<(String, String, String)>,
    exhumations: Vec<ExhumationView>,
    history: Vec<Version>,
}

/// "x 4.0 m, y 3.1 m, depth 1.1 m" of a recovered item.
fn position(lang: super::i18n::Lang, p: &Value) -> String {
    [("x", "graves.x"), ("y", "graves.y"), ("depth", "graves.depth")]
        .iter()
        .filter_map(|(f, key)| p[*f].as_f64().map(|v| format!("{} {v} m", lang.t(key))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `GET /grave-sites/{id}`
pub async fn page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> ApiResult<Response> {
    ctx.require_staff()?;
    let id = parse_id(&id)?;
    let r = records::read(&state, &ctx.caller, RecordKind::GraveSite, id).await?;
    let lang = ctx.lang;
    let b = &r.body;
    let mut fields = view::Fields::new(lang);
    fields.add(
        "graves.status",
        lang.t(&format!("grave_status.{}", text(b, "status"))).to_owned(),
    );
    fields.add(
        "graves.kind",
        lang.t(&format!("grave_kind.{}", text(b, "type"))).to_owned(),
    );
    let setting = text(b, "setting");
    if !setting.is_empty() {
        fields.add("graves.setting", lang.t(&format!("grave_setting.{setting}")).to_owned());
    }
    fields.add("graves.place", view::place(b));
    fields.add("graves.description", text(b, "description"));
    fields.add("graves.discovered_at", view::partial_date(lang, &b["discovered_at"]));
    fields.add("graves.discovered_by", text(b, "discovered_by"));
    fields.add("graves.protection", text(b, "protection"));
    let hazards = b["hazards"]
        .as_array()
        .map(|hs| {
            hs.iter()
                .filter_map(Value::as_str)
                .map(|h| lang.t(&format!("hazard.{h}")).to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    fields.add("graves.hazards", hazards);
    for field in ["estimated_individuals", "minimum_individuals"] {
        fields.add(
            &format!("graves.{field}"),
            b[field].as_u64().map(|n| n.to_string()).unwrap_or_default(),
        );
    }
    if b["commingled"].as_bool() == Some(true) {
        fields.add("graves.commingled", lang.t("graves.yes").to_owned());
    }
    fields.add(
        "record.classification",
        lang.t(&format!("classification.{}", r.meta.classification.as_str()))
            .to_owned(),
    );
    let found = linked(&state, &ctx.caller, RecordKind::Remains, "grave_site_id", id).await?;
    let remains = found
        .iter()
        .map(|r| {
            (
                format!("/remains/{}", r.meta.id),
                text(&r.body, "case_number"),
                lang.t(&format!("remains_status.{}", text(&r.body, "status")))
                    .to_owned(),
            )
        })
        .collect();
    let mut exhumations = Vec::new();
    for ex in linked(&state, &ctx.caller, RecordKind::Exhumation, "grave_site_id", id).await? {
        let e = &ex.body;
        let mut fields = view::Fields::new(lang);
        for (key, value) in [
            ("graves.team", text(e, "team")),
            ("graves.started_at", view::partial_date(lang, &e["started_at"])),
            ("graves.ended_at", view::partial_date(lang, &e["ended_at"])),
            ("graves.notes", text(e, "notes")),
        ] {
            fields.add(key, value);
        }
        let mut log = Vec::new();
        for item in e["recovery_log"].as_array().map(Vec::as_slice).unwrap_or_default() {
            // Remains the reader may not see are left unnamed.
            let linked_remains = match item["remains_id"].as_str().and_then(|s| uuid::Uuid::parse_str(s).ok()) {
                Some(rid) => match records::read(&state, &ctx.caller, RecordKind::Remains, rid).await {
                    Ok(r) => Some(r),
                    Err(crate::errors::ApiError::NotFound) => None,
                    Err(err) => return Err(err),
                },
                None => None,
            };
            log.push(RecoveryRow {
                item_number: text(item, "item_number"),
                description: text(item, "description"),
                position: position(lang, &item["position"]),
                recovered: view::partial_date(lang, &item["recovered_at"]),
                remains_href: linked_remains
                    .as_ref()
                    .map(|r| format!("/remains/{}", r.meta.id))
                    .unwrap_or_default(),
                remains: linked_remains
                    .as_ref()
                    .map(|r| text(&r.body, "case_number"))
                    .unwrap_or_default(),
            });
        }
        exhumations.push(ExhumationView {
            fields: fields.into_vec(),
            log,
        });
    }
    let page = SitePage {
        c: ctx.chrome(text(b, "name"), "missing"),
        fields: fields.into_vec(),
        remains,
        exhumations,
        history: versions(&state, &ctx, RecordKind::GraveSite, id).await?,
    };
    super::html(StatusCode::OK, &page)
}
