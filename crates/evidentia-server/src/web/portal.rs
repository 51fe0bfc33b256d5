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

/// Shortest and longest name a lookup accepts, in characters.
const LOOKUP_MIN_CHARS: usize = 2;
const LOOKUP_MAX_CHARS: usize = 100;
/// Most persons a lookup shows.
const LOOKUP_RESULTS: u32 = 50;

/// A published person as the lookup shows them: no contacts, nothing but what identifies them.
pub struct FoundPerson {
    pub name: String,
    pub original: String,
    pub birth: String,
    pub residence: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "portal_lookup.html")]
struct LookupPage {
    c: Chrome,
    name: String,
    error: String,
    searched: bool,
    found: Vec<FoundPerson>,
    count: u64,
}

/// `GET /portal/lookup?name=…`: a relative searches for a name, in any script or spelling, among
/// the published public persons. A person who is not published is never found, and the answer
/// for them is the answer for a name nobody has. Lookups are limited per client address.
pub async fn lookup(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let public = ctx.as_public();
    let query = clean_query(raw.as_deref(), &["name"]);
    let name = view::param(&query, "name").trim().to_owned();
    let mut page = LookupPage {
        c: ctx.portal_chrome(ctx.lang.t("lookup.title"), "portal_lookup"),
        name: name.chars().take(LOOKUP_MAX_CHARS).collect(),
        error: String::new(),
        searched: false,
        found: Vec::new(),
        count: 0,
    };
    if name.is_empty() {
        return super::html(StatusCode::OK, &page);
    }
    let chars = name.chars().count();
    if !(LOOKUP_MIN_CHARS..=LOOKUP_MAX_CHARS).contains(&chars) || name.chars().any(char::is_control) {
        page.error = ctx.lang.t("lookup.length").to_owned();
        return super::html(StatusCode::BAD_REQUEST, &page);
    }
    let address = ctx.caller.address.clone().unwrap_or_default();
    if let Some(wait) = state.throttle.lookup(&address, state.clock.now()) {
        return Err(crate::errors::ApiError::TooManyRequests(wait));
    }
    let mut q = evidentia_store::ListQuery::new(Some(RecordKind::Person), public.viewer.clone());
    q.text = Some(name.clone());
    q.without_terms.push(evidentia_model::person::MERGED_TERM.to_owned());
    q.limit = LOOKUP_RESULTS;
    let found = records::page(&state, &public, &q).await?;
    // Persons whose names agree with the query on the linkage keys (every spelling of one name
    // has the same key) come first; the search's looser phonetic matches follow.
    let wanted: Vec<String> = evidentia_linkage::key::name_keys(&name);
    let agreement = |r: &evidentia_store::StoredRecord| {
        let keys: Vec<String> = ["given_name", "patronymic", "family_name", "name_original"]
            .iter()
            .flat_map(|f| evidentia_linkage::key::name_keys(&view::text(&r.body, f)))
            .collect();
        wanted.iter().filter(|k| keys.contains(k)).count()
    };
    let mut ranked: Vec<(usize, &evidentia_store::StoredRecord)> =
        found.items.iter().map(|r| (agreement(r), r)).collect();
    ranked.sort_by_key(|(agreement, _)| std::cmp::Reverse(*agreement));
    page.searched = true;
    page.found = ranked
        .into_iter()
        .map(|(_, r)| {
            let b = &r.body;
            FoundPerson {
                name: view::person_name(b),
                original: view::text(b, "name_original"),
                birth: view::partial_date(ctx.lang, &b["birth_date"]),
                residence: view::text(b, "residence"),
                status: ctx
                    .lang
                    .t(&format!("person_status.{}", view::text(b, "status")))
                    .to_owned(),
            }
        })
        .collect();
    page.count = page.found.len() as u64;
    super::html(StatusCode::OK, &page)
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
