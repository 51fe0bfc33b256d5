//! What every page needs: who reads it and in which language ([`Ctx`]), and the frame around its
//! content — navigation, language switcher, assets ([`Chrome`]).

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use evidentia_model::Viewer;

use super::assets;
use super::i18n::Lang;
use crate::AppState;
use crate::auth::{self, Caller, Credential, CsrfCheck};
use crate::errors::{ApiError, ApiResult};

/// The reader of a page: the caller as the API sees them, and their language.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub caller: Caller,
    /// The page's path and query, for links back to it.
    pub path: String,
}

impl Ctx {
    /// Identifies the reader. A session that has ended reads as the public (the page then offers
    /// to sign in) rather than as an error.
    pub(super) async fn build(state: &AppState, parts: &Parts, csrf: CsrfCheck) -> ApiResult<Self> {
        let caller = match auth::identify_with(state, parts, csrf).await {
            Ok(c) => c,
            Err(ApiError::Unauthorized(_)) if !parts.headers.contains_key(header::AUTHORIZATION) => Caller {
                viewer: Viewer::Public,
                credential: Credential::None,
                address: None,
            },
            Err(e) => return Err(e),
        };
        Ok(Self {
            lang: Lang::from_headers(&parts.headers),
            caller,
            path: parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
        })
    }

    pub fn signed_in(&self) -> bool {
        self.caller.user_id().is_some()
    }

    /// Staff pages: 401 (a sign-in redirect, see `html_errors`) for the public.
    pub fn require_staff(&self) -> ApiResult<()> {
        if self.signed_in() {
            Ok(())
        } else {
            Err(ApiError::Unauthorized("sign in first".into()))
        }
    }

    /// Whether the reader may create records in some organisation.
    pub fn can_write(&self) -> bool {
        match &self.caller.viewer {
            Viewer::Staff { memberships, .. } => memberships.iter().any(|(_, r)| r.can_write()),
            Viewer::System => true,
            Viewer::Public => false,
        }
    }

    /// The session's CSRF token, for forms and scripts (empty for other callers).
    pub fn csrf(&self) -> &str {
        match &self.caller.credential {
            Credential::Session { csrf_token, .. } => csrf_token,
            _ => "",
        }
    }

    /// The same reader as the public: what the portal shows, whoever is signed in.
    pub fn as_public(&self) -> Caller {
        Caller {
            viewer: Viewer::Public,
            credential: Credential::None,
            address: self.caller.address.clone(),
        }
    }

    /// The frame of a staff page.
    pub fn chrome(&self, title: impl Into<String>, section: &'static str) -> Chrome {
        Chrome {
            lang: self.lang,
            title: title.into(),
            section,
            portal: false,
            staff: self.signed_in(),
            signed_in: self.signed_in(),
            can_write: self.can_write(),
            csrf: self.csrf().to_owned(),
            path: self.path.clone(),
            scripts: vec![assets::url("app.js")],
            styles: vec![assets::url("app.css")],
        }
    }

    /// The frame of a portal page (which a signed-in user reads as the public does).
    pub fn portal_chrome(&self, title: impl Into<String>, section: &'static str) -> Chrome {
        Chrome {
            portal: true,
            staff: self.signed_in(),
            signed_in: false,
            can_write: false,
            csrf: String::new(),
            ..self.chrome(title, section)
        }
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Pages read with Ctx alone; a change must come through `forms::Form`, which checks the
        // form's CSRF field. Anything else that changes must carry the header.
        let csrf = if matches!(parts.method, Method::GET | Method::HEAD) {
            CsrfCheck::Deferred
        } else {
            CsrfCheck::Header
        };
        Self::build(state, parts, csrf).await
    }
}

/// A link of the language switcher.
pub struct LangLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

/// The frame around a page's content.
pub struct Chrome {
    pub lang: Lang,
    pub title: String,
    /// The navigation entry to mark as current.
    pub section: &'static str,
    pub portal: bool,
    /// The reader is signed in (on the portal too, where `signed_in` is false).
    pub staff: bool,
    pub signed_in: bool,
    pub can_write: bool,
    pub csrf: String,
    pub path: String,
    pub scripts: Vec<String>,
    pub styles: Vec<String>,
}

impl Chrome {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lang.t(key)
    }

    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.lang.tf(key, args)
    }

    /// A message with the number `{n}` in it ("12 incidents").
    pub fn count(&self, key: &str, n: &u64) -> String {
        self.lang.tf(key, &[("n", &self.lang.number(*n))])
    }

    pub fn number(&self, n: &u64) -> String {
        self.lang.number(*n)
    }

    /// `aria-current` for the navigation entry of this page.
    pub fn current(&self, section: &str) -> &'static str {
        if self.section == section { "page" } else { "false" }
    }

    pub fn langs(&self) -> Vec<LangLink> {
        let back: String = form_urlencoded::byte_serialize(self.path.as_bytes()).collect();
        Lang::ALL
            .into_iter()
            .map(|l| LangLink {
                code: l.code(),
                name: l.native_name(),
                href: format!("/language?to={}&back={back}", l.code()),
                current: l == self.lang,
            })
            .collect()
    }

    /// Adds the map's scripts and styles (only map pages load them).
    pub fn with_map(mut self) -> Self {
        self.styles.insert(0, assets::url("vendor/leaflet/leaflet.css"));
        self.styles
            .insert(1, assets::url("vendor/leaflet.markercluster/MarkerCluster.Default.css"));
        self.scripts.push(assets::url("vendor/leaflet/leaflet.js"));
        self.scripts
            .push(assets::url("vendor/leaflet.markercluster/leaflet.markercluster.js"));
        self.scripts.push(assets::url("map.js"));
        self
    }

    /// Adds the evidence upload script.
    pub fn with_upload(mut self) -> Self {
        self.scripts.push(assets::url("upload.js"));
        self
    }

    pub fn asset(&self, path: &str) -> String {
        assets::url(path)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    heading: String,
    message: String,
}

/// An error page in `lang` for an API error's status.
pub fn error_page(lang: Lang, status: StatusCode) -> Response {
    let key = match status.as_u16() {
        400 => "error.bad_request",
        401 => "error.unauthorized",
        403 => "error.forbidden",
        404 => "error.not_found",
        409 | 412 => "error.conflict",
        413 => "error.too_large",
        422 => "error.invalid",
        429 => "error.throttled",
        _ => "error.internal",
    };
    let page = ErrorPage {
        c: Chrome {
            lang,
            title: lang.t(key).to_owned(),
            section: "",
            portal: true,
            staff: false,
            signed_in: false,
            can_write: false,
            csrf: String::new(),
            path: "/".into(),
            scripts: Vec::new(),
            styles: vec![assets::url("app.css")],
        },
        heading: lang.t(key).to_owned(),
        message: lang.t(&format!("{key}_detail")).to_owned(),
    };
    match super::html(status, &page) {
        Ok(r) => r,
        Err(_) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            )],
            status.to_string(),
        )
            .into_response(),
    }
}
