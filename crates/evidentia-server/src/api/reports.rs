//! Statistics over HTTP: the summary of incidents and documented persons for a period and
//! region, and the briefing, over exactly the records the caller may see (the public: published
//! records only). Reported casualty figures are kept apart from documented persons.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use evidentia_model::{Incident, Involvement, PartialDate, Period, Person, RecordKind, Viewer};
use evidentia_reports::Language;
use evidentia_reports::stats::{Filter, Summary};
use uuid::Uuid;

use super::communications::all_visible;
use crate::AppState;
use crate::auth::Caller;
use crate::errors::{ApiError, ApiResult, Problem};

/// The output formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Html,
    Pdf,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "json" => Self::Json,
            "csv" => Self::Csv,
            "html" => Self::Html,
            "pdf" => Self::Pdf,
            _ => return Err(format!("unknown format {s:?}: expected json, csv, html or pdf")),
        })
    }
}

/// What a report is asked for.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    pub filter: Filter,
    pub format: Format,
    pub language: Language,
    pub briefing: bool,
}

impl ReportRequest {
    /// Reads `from`, `to`, `region`, `format`, `lang`, `briefing` and `include_refuted`.
    pub fn parse(raw: Option<&str>) -> ApiResult<Self> {
        let mut from: Option<PartialDate> = None;
        let mut to: Option<PartialDate> = None;
        let mut r = Self {
            filter: Filter::default(),
            format: Format::Json,
            language: Language::En,
            briefing: false,
        };
        let flag = |name: &str, v: &str| match v {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(ApiError::bad_field(name, "must be true or false")),
        };
        for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let (k, v) = (k.as_ref(), v.as_ref());
            match k {
                "from" => {
                    from = Some(
                        v.parse()
                            .map_err(|e: evidentia_model::date::DateError| ApiError::bad_field("from", e.0))?,
                    )
                }
                "to" => {
                    to = Some(
                        v.parse()
                            .map_err(|e: evidentia_model::date::DateError| ApiError::bad_field("to", e.0))?,
                    )
                }
                "region" => {
                    if v.chars().count() > 500 || v.chars().any(char::is_control) {
                        return Err(ApiError::bad_field("region", "must be a region's name"));
                    }
                    if !v.trim().is_empty() {
                        r.filter.region = Some(v.trim().to_owned());
                    }
                }
                "format" => r.format = v.parse().map_err(|e: String| ApiError::bad_field("format", e))?,
                "lang" => r.language = v.parse().map_err(|e: String| ApiError::bad_field("lang", e))?,
                "briefing" => r.briefing = flag("briefing", v)?,
                "include_refuted" => r.filter.include_refuted = flag("include_refuted", v)?,
                other => return Err(ApiError::bad_field(other, "is not a parameter of this report")),
            }
        }
        r.filter.period = period(from, to)?;
        Ok(r)
    }
}

/// The period of `from` and `to`; either may be open.
fn period(from: Option<PartialDate>, to: Option<PartialDate>) -> ApiResult<Option<Period>> {
    let open_start = || "1800".parse::<PartialDate>().ok();
    let open_end = || "2200".parse::<PartialDate>().ok();
    Ok(match (from, to) {
        (None, None) => None,
        (f, t) => {
            let from = f
                .or_else(open_start)
                .ok_or_else(|| ApiError::bad_field("from", "is not a date"))?;
            let to = t.or_else(open_end);
            if let Some(t) = to
                && t.last_key() < from.first_key()
            {
                return Err(ApiError::bad_field("to", "is before from"));
            }
            Some(Period { from, to })
        }
    })
}

/// The records a report is computed from: exactly those the caller may see.
pub struct ReportData {
    pub incidents: Vec<(Uuid, Incident)>,
    pub persons: Vec<(Uuid, Person)>,
    pub involvements: Vec<Involvement>,
}

fn bodies<B: serde::de::DeserializeOwned>(records: Vec<evidentia_store::StoredRecord>) -> ApiResult<Vec<(Uuid, B)>> {
    records
        .into_iter()
        .map(|r| {
            serde_json::from_value(r.body)
                .map(|b| (r.meta.id, b))
                .map_err(|e| ApiError::Internal(format!("{} {}: {e}", r.kind, r.meta.id)))
        })
        .collect()
}

/// Reads what the caller may see (confidential reads audited as for any list).
pub async fn data(state: &AppState, caller: &Caller) -> ApiResult<ReportData> {
    ReportData::from_records(
        all_visible(state, caller, RecordKind::Incident, &[]).await?,
        all_visible(state, caller, RecordKind::Person, &[]).await?,
        all_visible(state, caller, RecordKind::Involvement, &[]).await?,
    )
}

/// Every record of a kind a viewer may see, for an operator's command (`evidentia report`).
pub async fn load(
    store: &dyn evidentia_store::Store,
    viewer: &Viewer,
    kind: RecordKind,
) -> Result<Vec<evidentia_store::StoredRecord>, evidentia_store::StoreError> {
    let mut q = evidentia_store::ListQuery::new(Some(kind), viewer.clone());
    q.limit = super::params::MAX_LIMIT;
    let mut out = Vec::new();
    loop {
        let page = store.list(&q).await?;
        out.extend(page.items);
        match page.next {
            Some(next) if out.len() < super::communications::MAX_RECORDS => q.after = Some(next),
            _ => return Ok(out),
        }
    }
}

impl ReportData {
    pub fn from_records(
        incidents: Vec<evidentia_store::StoredRecord>,
        persons: Vec<evidentia_store::StoredRecord>,
        involvements: Vec<evidentia_store::StoredRecord>,
    ) -> ApiResult<Self> {
        Ok(Self {
            incidents: bodies(incidents)?,
            persons: bodies(persons)?,
            involvements: bodies::<Involvement>(involvements)?
                .into_iter()
                .map(|(_, i)| i)
                .collect(),
        })
    }
}

/// The summary for a filter over the data.
pub fn summary(data: &ReportData, filter: &Filter) -> Summary {
    evidentia_reports::stats::summary(&data.incidents, &data.persons, &data.involvements, filter)
}

/// A report's title in its language.
pub fn title(request: &ReportRequest) -> String {
    let base = match request.language {
        Language::En => "Incidents and documented persons",
        Language::Uk => "Інциденти та задокументовані особи",
        Language::Ru => "Инциденты и задокументированные лица",
    };
    let mut t = base.to_owned();
    if let Some(p) = &request.filter.period {
        t.push_str(&format!(
            ", {}",
            evidentia_reports::dates::format_period(p, request.language)
        ));
    }
    if let Some(r) = &request.filter.region {
        t.push_str(&format!(", {r}"));
    }
    t
}

/// The report's bytes and media type.
pub fn render(
    data: &ReportData,
    request: &ReportRequest,
    vocabularies: &evidentia_model::Vocabularies,
) -> ApiResult<(Vec<u8>, &'static str)> {
    let title = title(request);
    let doc = if request.briefing {
        Some(evidentia_reports::report::briefing_document(
            &data.incidents,
            &data.persons,
            &data.involvements,
            &request.filter,
            &[],
            vocabularies,
            request.language,
            &title,
        ))
    } else {
        None
    };
    let figures = || summary(data, &request.filter);
    let document = || {
        doc.clone().unwrap_or_else(|| {
            evidentia_reports::report::summary_document(&figures(), vocabularies, request.language, &title)
        })
    };
    Ok(match request.format {
        Format::Json => (
            evidentia_reports::stats::to_json(&figures()).into_bytes(),
            "application/json",
        ),
        Format::Csv => (
            evidentia_reports::stats::to_csv(&figures()).into_bytes(),
            "text/csv; charset=utf-8",
        ),
        Format::Html => (
            evidentia_reports::html::render(&document()).into_bytes(),
            "text/html; charset=utf-8",
        ),
        Format::Pdf => (
            evidentia_reports::pdf::render(&document()).map_err(|e| ApiError::Internal(e.to_string()))?,
            "application/pdf",
        ),
    })
}

/// Counts of incidents and of documented persons by month, region, category, weapon type,
/// damaged-object type, alleged perpetrator (as alleged) and status, with the casualty figures
/// sources reported (low / best / high) kept apart — over the records the caller may see
/// (anonymous callers: published records). `briefing=true` adds a map and the verified
/// incidents (HTML and PDF).
#[utoipa::path(get, path = "/reports/summary", tag = "reports",
    params(
        ("from" = Option<String>, Query, description = "Partial date: incidents whose period overlaps [from, to]"),
        ("to" = Option<String>, Query, description = "Partial date"),
        ("region" = Option<String>, Query, description = "location.admin1, compared case-insensitively"),
        ("format" = Option<String>, Query, description = "json (default), csv, html or pdf"),
        ("lang" = Option<String>, Query, description = "en (default), uk or ru"),
        ("briefing" = Option<bool>, Query, description = "The briefing: figures, a map and the verified incidents"),
        ("include_refuted" = Option<bool>, Query, description = "Count refuted incidents too"),
    ),
    responses(
        (status = 200, description = "The summary: JSON (default), CSV, HTML or PDF as `format` says"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn summary_report(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let mut request = ReportRequest::parse(raw.as_deref())?;
    if matches!(caller.viewer, Viewer::Public) {
        request.filter.published_only = true;
    }
    let data = data(&state, &caller).await?;
    let vocabularies = state.vocabularies();
    let (bytes, content_type) = render(&data, &request, &vocabularies)?;
    let mut response = Body::from(bytes).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
        ),
    );
    Ok(response)
}
