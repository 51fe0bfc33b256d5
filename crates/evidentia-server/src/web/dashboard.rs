//! The staff dashboard: incidents by status, what changed lately, what waits for review.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use evidentia_model::RecordKind;
use evidentia_model::incident::IncidentStatus;
use evidentia_store::{ListQuery, Sort};

use super::chrome::{Chrome, Ctx};
use super::view::{IncidentRow, RecordLink, incident_row, record_link};
use crate::AppState;
use crate::api::records;
use crate::errors::ApiResult;

/// How many records the dashboard's lists show.
const RECENT: u32 = 10;

pub struct StatusCount {
    pub status: &'static str,
    pub label: String,
    pub count: u64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    counts: Vec<StatusCount>,
    total: u64,
    recent: Vec<RecordLink>,
    review: Vec<IncidentRow>,
    overdue: Vec<OverdueRow>,
}

/// A communication whose reply is overdue.
pub struct OverdueRow {
    pub subject: String,
    pub href: String,
    pub due: String,
}

/// `GET /dashboard`
pub async fn page(State(state): State<AppState>, ctx: Ctx) -> ApiResult<Response> {
    ctx.require_staff()?;
    let viewer = ctx.caller.viewer.clone();
    let mut counts = Vec::new();
    for status in IncidentStatus::ALL {
        let mut q = ListQuery::new(Some(RecordKind::Incident), viewer.clone());
        q.statuses = vec![status.as_str().to_owned()];
        counts.push(StatusCount {
            status: status.as_str(),
            label: ctx.lang.t(&format!("incident_status.{}", status.as_str())).to_owned(),
            count: state.store.count(&q).await?,
        });
    }
    let total = counts.iter().map(|c| c.count).sum();

    let mut q = ListQuery::new(None, viewer.clone());
    q.sort = Sort::UpdatedDesc;
    q.limit = RECENT;
    let recent = records::page(&state, &ctx.caller, &q).await?.items;

    let mut q = ListQuery::new(Some(RecordKind::Incident), viewer);
    q.statuses = vec![
        IncidentStatus::Reported.as_str().to_owned(),
        IncidentStatus::UnderReview.as_str().to_owned(),
    ];
    q.sort = Sort::UpdatedDesc;
    q.limit = RECENT;
    let review = records::page(&state, &ctx.caller, &q).await?.items;

    let overdue = crate::api::communications::overdue_for(&state, &ctx.caller, RECENT)
        .await?
        .iter()
        .map(|r| OverdueRow {
            subject: r.body["subject"].as_str().unwrap_or_default().to_owned(),
            href: format!("/api/v1/communications/{}/letter?format=html", r.meta.id),
            due: r.body["response_due"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();

    let vocabularies = state.vocabularies();
    let page = DashboardPage {
        c: ctx.chrome(ctx.lang.t("dashboard.title"), "dashboard"),
        counts,
        total,
        recent: recent.iter().map(|r| record_link(r, ctx.lang)).collect(),
        review: review
            .iter()
            .map(|r| incident_row(r, ctx.lang, &vocabularies, "/incidents"))
            .collect(),
        overdue,
    };
    super::html(StatusCode::OK, &page)
}
