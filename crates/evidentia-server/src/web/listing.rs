//! One page of a staff list of records: the query read as the API reads it, how many records
//! match, the page the reader may see, and the link to the next page.

use evidentia_model::RecordKind;
use evidentia_store::{ListQuery, StoredRecord};

use super::chrome::Ctx;
use super::view;
use crate::AppState;
use crate::api::{params, records};
use crate::errors::ApiResult;

/// Records shown on one page of a staff list.
pub const PAGE_SIZE: u32 = 25;

pub struct Listing {
    /// How many records the reader may see match, on every page.
    pub total: u64,
    pub items: Vec<StoredRecord>,
    /// `path?query` with the cursor of the next page, when there is one.
    pub next: Option<String>,
}

/// The page of `kind` that the cleaned `query` asks for, as `path` lists it; `None` when the
/// query is not valid (the page then says so).
pub async fn listing(
    state: &AppState,
    ctx: &Ctx,
    kind: RecordKind,
    query: &str,
    path: &str,
) -> ApiResult<Option<Listing>> {
    let vocabularies = state.vocabularies();
    let Ok((q, _)) = params::list_query(Some(kind), ctx.caller.viewer.clone(), Some(query), &vocabularies, &[]) else {
        return Ok(None);
    };
    Ok(Some(listing_of(state, ctx, q, query, path).await?))
}

/// The page `q` (read from the cleaned `query`) selects, as `path` lists it.
pub async fn listing_of(state: &AppState, ctx: &Ctx, mut q: ListQuery, query: &str, path: &str) -> ApiResult<Listing> {
    q.limit = PAGE_SIZE;
    let total = state.store.count(&q).await?;
    let page = records::page(state, &ctx.caller, &q).await?;
    let next = page
        .next
        .map(|cursor| format!("{path}?{}", view::with_cursor(query, &params::encode_cursor(cursor))));
    Ok(Listing {
        total,
        items: page.items,
        next,
    })
}
