//! The public portal: published incidents only, read as [`Viewer::Public`] whoever asks (a
//! signed-in user sees here what the public sees), with only the fields meant for the public —
//! no contacts, no internal notes, no person who is not published.
//!
//! [`Viewer::Public`]: evidentia_model::Viewer::Public

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use evidentia_model::RecordKind;

use super::chrome::{Chrome, Ctx};
use super::evidence::{EvidenceCard, evidence_cards};
use super::forms::Errors;
use super::incidents::{
    Filters, IncidentView, InvolvedPerson, filtered_query, filters, incident_view, involved_persons, linked, parse_id,
};
use super::map::{self, FILTERS};
use super::view::{self, IncidentRow, clean_query, incident_row};
use crate::AppState;
use crate::api::records;
use crate::errors::ApiResult;

const PAGE_SIZE: u32 = 25;

#[derive(Template)]
#[template(path = "portal.html")]
struct ListPage {
    c: Chrome,
    f: Filters,
    errors: Errors,
    rows: Vec<IncidentRow>,
    total: u64,
    next: Option<String>,
}

/// `GET /portal`: the published incidents, with the same filters and search as staff have.
pub async fn list(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let public = ctx.as_public();
    let mut allowed = FILTERS.to_vec();
    allowed.extend(["sort", "cursor"]);
    let query = clean_query(raw.as_deref(), &allowed);
    let mut page = ListPage {
        c: ctx.portal_chrome(ctx.lang.t("portal.title"), "portal"),
        f: filters(&state, &ctx, &query),
        errors: Errors::default(),
        rows: Vec::new(),
        total: 0,
        next: None,
    };
    let mut q = match filtered_query(&state, &ctx, public.viewer.clone(), &query) {
        Ok(q) => q,
        Err(errors) => {
            page.errors = errors;
            return super::html(StatusCode::BAD_REQUEST, &page);
        }
    };
    q.limit = PAGE_SIZE;
    page.total = state.store.count(&q).await?;
    let found = records::page(&state, &public, &q).await?;
    let vocabularies = state.vocabularies();
    page.rows = found
        .items
        .iter()
        .map(|r| incident_row(r, ctx.lang, &vocabularies, "/portal/incidents"))
        .collect();
    page.next = found.next.map(|c| {
        let cursor = crate::api::params::encode_cursor(c);
        format!("/portal?{}", view::with_cursor(&query, &cursor))
    });
    super::html(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "portal_incident.html")]
struct IncidentPage {
    c: Chrome,
    i: IncidentView,
    persons: Vec<InvolvedPerson>,
    /// Published public evidence items (thumbnail, title, capture time only).
    evidence: Vec<EvidenceCard>,
    map: super::map::MapConfig,
}

/// `GET /portal/incidents/{id}`: 404 unless the incident is public and published.
pub async fn incident(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> ApiResult<Response> {
    let public = ctx.as_public();
    let id = parse_id(&id)?;
    let r = records::read(&state, &public, RecordKind::Incident, id).await?;
    // Persons are read as the public too: only published public persons are named.
    let persons = involved_persons(&state, &ctx, &public, id, "").await?;
    let evidence = linked(&state, &public, RecordKind::Evidence, "incident_id", id).await?;
    let mut i = incident_view(&state, &ctx, &r);
    // Who is alleged to have done it stays with the staff until verified by them elsewhere.
    i.perpetrator = String::new();
    let mut c = ctx.portal_chrome(i.title.clone(), "portal");
    if !i.lat.is_empty() {
        c = c.with_map();
    }
    let page = IncidentPage {
        c,
        i,
        persons,
        evidence: evidence_cards(&ctx, &evidence),
        map: super::map::map_config(&state),
    };
    super::html(StatusCode::OK, &page)
}

/// `GET /portal/map`
pub async fn map(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let c = ctx.portal_chrome(ctx.lang.t("map.title"), "portal_map");
    super::html(
        StatusCode::OK,
        &map::map_page(&state, &ctx, c, raw.as_deref(), "/portal/map"),
    )
}

/// `GET /portal/map/incidents.geojson`
pub async fn points(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let public = ctx.as_public();
    map::points(&state, &ctx, &public, raw.as_deref(), "/portal/incidents").await
}

/// `GET /portal/timeline`
pub async fn timeline(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let public = ctx.as_public();
    let c = ctx.portal_chrome(ctx.lang.t("timeline.title"), "portal_timeline");
    map::timeline_page(&state, &ctx, &public, c, raw.as_deref(), "/portal/timeline").await
}

/// `GET /portal/figures`: the statistics report over published records only, whoever asks
/// (`from`, `to`, `region`, `lang` as for `GET /api/v1/reports/summary`).
pub async fn figures(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    use crate::api::reports::{Format, ReportRequest, data, render};
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;

    let public = ctx.as_public();
    let mut request = ReportRequest::parse(raw.as_deref())?;
    if !raw
        .as_deref()
        .unwrap_or_default()
        .split('&')
        .any(|p| p.starts_with("lang="))
    {
        request.language = ctx.lang.code().parse().unwrap_or(evidentia_reports::Language::En);
    }
    request.filter.published_only = true;
    request.format = Format::Html;
    request.briefing = false;
    let published = data(&state, &public).await?;
    let (bytes, _) = render(&published, &request, &state.vocabularies())?;
    let mut response = axum::body::Body::from(bytes).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
        ),
    );
    Ok(response)
}
