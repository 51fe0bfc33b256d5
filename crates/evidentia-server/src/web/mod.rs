//! The web application for staff and the public portal: HTML rendered on the server from askama
//! templates (compiled in), a little JavaScript for uploads and maps, no inline script or style.
//!
//! Pages are a thin layer over the API's functions ([`crate::api::records`],
//! [`crate::api::session`]): they read and write through the same calls, with the caller's
//! [`Viewer`](evidentia_model::Viewer), so a page can never show what the API would hide. Errors
//! are the API's errors; [`html_errors`] turns them into pages in the reader's language.

pub mod assets;
mod chrome;
mod communications;
mod dashboard;
mod duplicates;
mod evidence;
mod forms;
mod graves;
mod history;
pub mod i18n;
mod incidents;
mod listing;
mod map;
mod missing;
mod persons;
mod portal;
mod remains;
mod report;
mod session;
mod view;

use axum::Router;
use axum::extract::{Query, Request};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

pub use chrome::{Chrome, Ctx};
use i18n::Lang;

use crate::errors::ApiResult;
use crate::{AppState, ServerConfig};

/// The routes of the web application and the portal.
pub fn router(config: &ServerConfig) -> Router<AppState> {
    let policy = HeaderValue::from_str(&html_policy(config.map_tile_url.as_deref()))
        .unwrap_or_else(|_| HeaderValue::from_static(STRICT_HTML_POLICY));
    Router::new()
        .route("/", get(home))
        .route("/language", get(language))
        .route("/sign-in", get(session::form).post(session::submit))
        .route("/sign-out", post(session::sign_out))
        .route("/dashboard", get(dashboard::page))
        .route("/incidents", get(incidents::list).post(incidents::create))
        .route("/incidents/new", get(incidents::new_form))
        .route("/incidents/{id}", get(incidents::page).post(incidents::update))
        .route("/incidents/{id}/edit", get(incidents::edit_form))
        .route("/incidents/{id}/publication", post(incidents::publication))
        .route(
            "/incidents/{id}/persons",
            get(incidents::involvement_form).post(incidents::add_involvement),
        )
        .route("/persons", get(persons::list).post(persons::create))
        .route(
            "/communications",
            get(communications::page).post(communications::create),
        )
        .route("/communications/new", get(communications::new_form))
        .route("/communications/{id}", get(communications::page_of))
        .route("/communications/{id}/send", post(communications::send))
        .route("/communications/{id}/responses", post(communications::respond))
        .route("/persons/new", get(persons::new_form))
        .route("/persons/duplicates", get(duplicates::page).post(duplicates::decide))
        .route("/persons/duplicates/{id}/undo", post(duplicates::undo))
        .route("/persons/{id}", get(persons::page).post(persons::update))
        .route("/persons/{id}/edit", get(persons::edit_form))
        .route("/missing-cases", get(missing::list).post(missing::create))
        .route("/missing-cases/new", get(missing::new_form))
        .route("/missing-cases/{id}", get(missing::page).post(missing::update))
        .route("/missing-cases/{id}/edit", get(missing::edit_form))
        .route("/missing-cases/{id}/moderation", post(missing::moderate))
        .route("/grave-sites", get(graves::list))
        .route("/grave-sites/{id}", get(graves::page))
        .route("/remains", get(remains::list))
        .route("/remains/{id}", get(remains::page))
        .route("/remains/{id}/identification", post(remains::identify))
        .route("/remains/{id}/identification/withdrawal", post(remains::withdraw))
        .route("/map", get(map::staff_map))
        .route("/map/incidents.geojson", get(map::staff_points).layer(compressed()))
        .route("/map/grave-sites.geojson", get(map::staff_graves).layer(compressed()))
        .route("/timeline", get(map::staff_timeline))
        .route("/portal", get(portal::list))
        .route("/portal/incidents/{id}", get(portal::incident))
        .route("/portal/map", get(portal::map))
        .route("/portal/map/incidents.geojson", get(portal::points).layer(compressed()))
        .route("/portal/timeline", get(portal::timeline))
        .route("/portal/lookup", get(portal::lookup))
        .route("/portal/report-missing", get(report::form).post(report::submit))
        .layer(middleware::from_fn(html_errors))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("content-security-policy"),
            policy,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // The figures are a standalone report document with its own policy (inline style only).
        .route("/portal/figures", get(portal::figures))
        // Static files keep the strict policy of every other answer.
        .route("/static/{hash}/{*path}", get(assets::serve))
}

/// Gzip for the map's points, which can be large. Pages are not compressed: they carry the CSRF
/// token beside text from the query string, which compression would let an attacker guess at
/// (BREACH); they are small anyway.
fn compressed() -> tower_http::compression::CompressionLayer {
    tower_http::compression::CompressionLayer::new()
}

const STRICT_HTML_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The pages' Content-Security-Policy: our own scripts and styles only, nothing inline; map
/// tiles from the configured server when there is one.
fn html_policy(tile_url: Option<&str>) -> String {
    let tiles = tile_url
        .and_then(url_origin)
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
}

/// `https://host[:port]` of a tile URL template (`{s}.` subdomains become `*.`), if it is a plain
/// http(s) URL.
fn url_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "https" | "http") {
        return None;
    }
    let host = rest.split('/').next()?;
    let host = host
        .strip_prefix("{s}.")
        .map_or_else(|| host.to_owned(), |h| format!("*.{h}"));
    let plain = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'*'));
    plain.then(|| format!("{scheme}://{host}"))
}

/// `/`: the dashboard for staff, the portal for everyone else.
async fn home(ctx: Ctx) -> Redirect {
    if ctx.signed_in() {
        Redirect::to("/dashboard")
    } else {
        Redirect::to("/portal")
    }
}

#[derive(serde::Deserialize)]
struct LanguageChoice {
    #[serde(default)]
    to: String,
    #[serde(default)]
    back: String,
}

/// `/language?to=uk&back=/incidents`: keeps the choice in the `lang` cookie (a preference, not a
/// change to any record) and returns to the page.
async fn language(Query(choice): Query<LanguageChoice>) -> Response {
    let back = forms::local_path(&choice.back).unwrap_or("/");
    let lang = Lang::parse(&choice.to).unwrap_or_default();
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        i18n::LANG_COOKIE,
        lang.code()
    );
    let mut response = Redirect::to(back).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// Turns the API's problem answers into pages: a sign-in redirect for staff pages asked without
/// a session, an error page in the reader's language for everything else.
async fn html_errors(request: Request, next: Next) -> Response {
    let lang = Lang::from_headers(request.headers());
    let safe = matches!(*request.method(), Method::GET | Method::HEAD);
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let response = next.run(request).await;
    let problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !problem {
        return response;
    }
    let status = response.status();
    if status == StatusCode::UNAUTHORIZED && safe && !path.starts_with("/portal") {
        let next = form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>();
        return Redirect::to(&format!("/sign-in?next={next}")).into_response();
    }
    chrome::error_page(lang, status)
}

/// Renders a template as an HTML answer.
pub(crate) fn html(status: StatusCode, template: &impl askama::Template) -> ApiResult<Response> {
    let body = template
        .render()
        .map_err(|e| crate::errors::ApiError::Internal(format!("template: {e}")))?;
    Ok((
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}

/// The answer to a form post that worked: see the result (303, so a reload does not post again).
pub(crate) fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_servers_are_allowed_by_origin_only() {
        assert!(html_policy(None).contains("img-src 'self' data:;"));
        let p = html_policy(Some("https://tiles.example.org/{z}/{x}/{y}.png"));
        assert!(p.contains("img-src 'self' data: https://tiles.example.org;"), "{p}");
        let p = html_policy(Some("javascript:alert(1)"));
        assert!(p.contains("img-src 'self' data:;"), "{p}");
        let p = html_policy(Some("https://evil.org; script-src *"));
        assert!(!p.contains("script-src *"), "{p}");
    }
}
