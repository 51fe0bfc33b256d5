//! Incidents on a map and in time, for staff and (through [`super::portal`]) for the public: the
//! map page (Leaflet, loaded on map pages only), its points as GeoJSON, and a chart of incidents
//! per month drawn on the server as SVG.

use askama::Template;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use evidentia_store::BoundingBox;
use serde_json::json;

use super::chrome::{Chrome, Ctx};
use super::forms::Errors;
use super::incidents::{Filters, filtered_query, filters};
use super::view::{clean_query, period, text};
use crate::AppState;
use crate::api::records;
use crate::auth::Caller;
use crate::errors::ApiResult;

/// The filters of the map and the timeline.
pub const FILTERS: &[&str] = &["q", "status", "category", "from", "to"];
/// Most incidents drawn on one map.
const MOST_POINTS: usize = 5000;
/// Most months in one chart (the latest are kept).
const MOST_MONTHS: usize = 120;

/// What the map script needs besides its points: the offline outline, the tile server (if
/// any) and where Leaflet's marker images are.
pub struct MapConfig {
    pub region: String,
    pub tiles: String,
    pub markers: String,
}

pub fn map_config(state: &AppState) -> MapConfig {
    MapConfig {
        region: super::assets::url("region.geojson"),
        tiles: state.config.map_tile_url.clone().unwrap_or_default(),
        markers: super::assets::url("vendor/leaflet/images/marker-icon.png")
            .trim_end_matches("marker-icon.png")
            .to_owned(),
    }
}

#[derive(Template)]
#[template(path = "map.html")]
pub struct MapPage {
    pub c: Chrome,
    pub f: Filters,
    pub errors: Errors,
    pub action: &'static str,
    pub points: String,
    /// The grave sites' GeoJSON, on the staff map only ("" elsewhere).
    pub graves: String,
    pub map: MapConfig,
}

/// The map page's fields for a reader, a filter query and where its pages live.
pub fn map_page(state: &AppState, ctx: &Ctx, c: Chrome, raw: Option<&str>, base: &'static str) -> MapPage {
    let query = clean_query(raw, FILTERS);
    MapPage {
        c: c.with_map(),
        f: filters(state, ctx, &query),
        errors: Errors::default(),
        action: base,
        points: format!("{base}/incidents.geojson?{query}"),
        graves: if base == "/map" {
            "/map/grave-sites.geojson".to_owned()
        } else {
            String::new()
        },
        map: map_config(state),
    }
}

/// `GET /map`
pub async fn staff_map(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    ctx.require_staff()?;
    let c = ctx.chrome(ctx.lang.t("map.title"), "map");
    super::html(StatusCode::OK, &map_page(&state, &ctx, c, raw.as_deref(), "/map"))
}

/// The incidents with a location that `caller` may see and the filters select, as a GeoJSON
/// feature collection linking each to its page under `href_base`.
pub async fn points(
    state: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    raw: Option<&str>,
    href_base: &str,
) -> ApiResult<Response> {
    let query = clean_query(raw, FILTERS);
    let Ok(q) = filtered_query(state, ctx, caller.viewer.clone(), &query) else {
        return Ok((
            StatusCode::BAD_REQUEST,
            Json(json!({"type": "FeatureCollection", "features": []})),
        )
            .into_response());
    };
    located(state, caller, q, |r| {
        let b = &r.body;
        let (lat, lon) = (b["location"]["lat"].as_f64()?, b["location"]["lon"].as_f64()?);
        Some(json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "title": text(b, "title"),
                "when": period(ctx.lang, &b["occurred"]),
                "href": format!("{href_base}/{}", r.meta.id),
            },
        }))
    })
    .await
}

/// The records the query selects that have a location, up to [`MOST_POINTS`], as a GeoJSON
/// feature collection of what `feature` makes of each (`None`: left off the map).
async fn located(
    state: &AppState,
    caller: &Caller,
    mut q: evidentia_store::ListQuery,
    feature: impl Fn(&evidentia_store::StoredRecord) -> Option<serde_json::Value>,
) -> ApiResult<Response> {
    q.bbox = Some(BoundingBox {
        min_lat: -90.0,
        min_lon: -180.0,
        max_lat: 90.0,
        max_lon: 180.0,
    });
    q.limit = 500;
    let mut features = Vec::new();
    loop {
        let page = records::page(state, caller, &q).await?;
        features.extend(page.items.iter().filter_map(&feature));
        match page.next {
            Some(after) if features.len() < MOST_POINTS => q.after = Some(after),
            _ => break,
        }
    }
    Ok(Json(json!({"type": "FeatureCollection", "features": features})).into_response())
}

/// `GET /map/incidents.geojson`
pub async fn staff_points(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    ctx.require_staff()?;
    points(&state, &ctx, &ctx.caller, raw.as_deref(), "/incidents").await
}

/// `GET /map/grave-sites.geojson`: the grave sites with a location that the reader may see.
pub async fn staff_graves(State(state): State<AppState>, ctx: Ctx) -> ApiResult<Response> {
    ctx.require_staff()?;
    let q = evidentia_store::ListQuery::new(Some(evidentia_model::RecordKind::GraveSite), ctx.caller.viewer.clone());
    located(&state, &ctx.caller, q, |r| {
        let site = serde_json::from_value::<evidentia_model::GraveSite>(r.body.clone()).ok()?;
        let (lat, lon) = site.point()?;
        Some(json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "title": site.name,
                "when": ctx.lang.t(&format!("grave_status.{}", site.status.as_str())),
            },
        }))
    })
    .await
}

/// One bar of the chart.
pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub height: u32,
    pub label: String,
    pub count_label: String,
    /// Whether the month's name is written under the axis (every few months).
    pub tick: bool,
}

/// Incidents per month, ready to draw.
pub struct Chart {
    pub bars: Vec<Bar>,
    pub width: u32,
    pub height: u32,
    pub max: String,
}

/// Chart geometry, in SVG user units.
const BAR: u32 = 14;
const PLOT: u32 = 160;

/// Counts the incidents `caller` may see per month over the filters' period (or the period
/// their incidents span).
pub async fn chart(state: &AppState, ctx: &Ctx, caller: &Caller, query: &str) -> ApiResult<Result<Chart, Errors>> {
    let q = match filtered_query(state, ctx, caller.viewer.clone(), query) {
        Ok(q) => q,
        Err(errors) => return Ok(Err(errors)),
    };
    // One query: the matches counted by the months their periods start and end in. A record
    // counts in every month its period overlaps, as a filter by that month would find it.
    let spans = state.store.month_spans(&q).await?;
    let index = |yyyymm: i32| i64::from(yyyymm / 100) * 12 + i64::from((yyyymm % 100).clamp(1, 12)) - 1;
    let mut lo = spans.iter().map(|s| index(s.0)).min().unwrap_or(0);
    let mut hi = spans.iter().map(|s| index(s.1)).max().unwrap_or(-1);
    if let Some((from, to)) = q.period {
        lo = lo.max(index(from / 100));
        hi = hi.min(index(to / 100));
    }
    // The latest months when there are too many to draw.
    lo = lo.max(hi - i64::try_from(MOST_MONTHS).unwrap_or(i64::MAX) + 1);
    let months = usize::try_from(hi - lo + 1).unwrap_or(0);
    let mut starts = vec![0i64; months + 1];
    for &(from, to, n) in &spans {
        let (a, b) = (index(from).max(lo), index(to).min(hi));
        if a > b {
            continue;
        }
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        starts[usize::try_from(a - lo).unwrap_or(0)] += n;
        starts[usize::try_from(b - lo + 1).unwrap_or(months)] -= n;
    }
    let mut counts = Vec::with_capacity(months);
    let mut running = 0i64;
    for (i, delta) in starts.iter().take(months).enumerate() {
        running += delta;
        let month = lo + i64::try_from(i).unwrap_or(0);
        let (y, m) = (
            i32::try_from(month / 12).unwrap_or(0),
            u8::try_from(month % 12 + 1).unwrap_or(1),
        );
        counts.push((y, m, u64::try_from(running).unwrap_or(0)));
    }
    let max = counts.iter().map(|c| c.2).max().unwrap_or(0).max(1);
    let every = (counts.len() / 12).max(1);
    let bars = counts
        .iter()
        .enumerate()
        .map(|(i, (y, m, n))| {
            let height = u32::try_from(n.saturating_mul(u64::from(PLOT)) / max).unwrap_or(PLOT);
            let x = u32::try_from(i).unwrap_or(0) * BAR;
            Bar {
                x,
                y: PLOT - height,
                height,
                label: ctx.lang.month_short(*y, *m),
                count_label: ctx.lang.number(*n),
                tick: i % every == 0,
            }
        })
        .collect::<Vec<_>>();
    Ok(Ok(Chart {
        width: u32::try_from(bars.len()).unwrap_or(0) * BAR + 40,
        height: PLOT + 40,
        max: ctx.lang.number(max),
        bars,
    }))
}

#[derive(Template)]
#[template(path = "timeline.html")]
pub struct TimelinePage {
    pub c: Chrome,
    pub f: Filters,
    pub errors: Errors,
    pub action: &'static str,
    pub chart: Chart,
}

/// The timeline page for a reader (as `caller`) under `base`.
pub async fn timeline_page(
    state: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    c: Chrome,
    raw: Option<&str>,
    base: &'static str,
) -> ApiResult<Response> {
    let query = clean_query(raw, FILTERS);
    let (chart, errors, status) = match chart(state, ctx, caller, &query).await? {
        Ok(chart) => (chart, Errors::default(), StatusCode::OK),
        Err(errors) => (
            Chart {
                bars: Vec::new(),
                width: 40,
                height: PLOT + 40,
                max: String::new(),
            },
            errors,
            StatusCode::BAD_REQUEST,
        ),
    };
    let page = TimelinePage {
        c,
        f: filters(state, ctx, &query),
        errors,
        action: base,
        chart,
    };
    super::html(status, &page)
}

/// `GET /timeline`
pub async fn staff_timeline(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    ctx.require_staff()?;
    let c = ctx.chrome(ctx.lang.t("timeline.title"), "timeline");
    timeline_page(&state, &ctx, &ctx.caller, c, raw.as_deref(), "/timeline").await
}
