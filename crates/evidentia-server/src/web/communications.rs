//! The staff page of communications: per recipient what was sent and what came back, and the
//! communications the reader may see, newest first, each with its letter.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use evidentia_model::RecordKind;
use evidentia_store::{ListQuery, Sort};

use super::chrome::{Chrome, Ctx};
use crate::AppState;
use crate::api::communications::{RecipientTracking, tracking_for};
use crate::api::records;
use crate::errors::ApiResult;

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
                letter: format!("/api/v1/communications/{}/letter?format=html", r.meta.id),
                status: ctx
                    .lang
                    .t(&format!("communication_status.{}", text("status")))
                    .to_owned(),
                sent_at: text("sent_at"),
                response_due: text("response_due"),
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
