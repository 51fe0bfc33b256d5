//! Signing in and out with a form. The checks (password, second factor, throttle, audit) are
//! the API's own: [`crate::api::session::start_session`].

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::chrome::{Chrome, Ctx};
use super::forms::{Form, local_path};
use crate::AppState;
use crate::api::session::{SignIn, end_session, start_session};
use crate::errors::{ApiError, ApiResult};

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    c: Chrome,
    email: String,
    next: String,
    /// The account has a second factor: ask for its code.
    need_code: bool,
    error: String,
}

#[derive(serde::Deserialize)]
pub struct Next {
    #[serde(default)]
    next: String,
}

fn page(ctx: &Ctx, email: String, next: String, need_code: bool, error: String) -> SignInPage {
    SignInPage {
        c: ctx.portal_chrome(ctx.lang.t("sign_in.title"), "sign_in"),
        email,
        next,
        need_code,
        error,
    }
}

/// `GET /sign-in`
pub async fn form(ctx: Ctx, Query(next): Query<Next>) -> ApiResult<Response> {
    let next = local_path(&next.next).unwrap_or_default().to_owned();
    super::html(StatusCode::OK, &page(&ctx, String::new(), next, false, String::new()))
}

/// `POST /sign-in`: on success to the page asked for (or the dashboard); otherwise the form
/// again with what went wrong, and the code field once the account turns out to need one.
pub async fn submit(State(state): State<AppState>, form: Form) -> ApiResult<Response> {
    let ctx = &form.ctx;
    let email = form.get("email").to_owned();
    let next = local_path(form.get("next")).unwrap_or_default().to_owned();
    let code = Some(form.get("code").to_owned()).filter(|c| !c.is_empty());
    let asked_code = code.is_some();
    let sign_in = SignIn {
        email: email.clone(),
        password: form.get("password").to_owned(),
        code,
    };
    let (status, need_code, key) = match start_session(&state, ctx.caller.clone(), &form.headers, sign_in).await {
        Ok(signed_in) => {
            let to = if next.is_empty() { "/dashboard" } else { &next };
            let mut response = super::see_other(to);
            response.headers_mut().insert(header::SET_COOKIE, signed_in.cookie);
            return Ok(response);
        }
        Err(ApiError::SecondFactorRequired) => (StatusCode::UNAUTHORIZED, true, "sign_in.code_needed"),
        Err(ApiError::Unauthorized(_)) if asked_code => (StatusCode::UNAUTHORIZED, true, "sign_in.wrong_code"),
        Err(ApiError::Unauthorized(_)) => (StatusCode::UNAUTHORIZED, false, "sign_in.wrong"),
        Err(ApiError::TooManyRequests(_)) => (StatusCode::TOO_MANY_REQUESTS, false, "sign_in.throttled"),
        Err(e) => return Err(e),
    };
    let error = ctx.lang.t(key).to_owned();
    super::html(status, &page(ctx, email, next, need_code, error))
}

/// `POST /sign-out`
pub async fn sign_out(State(state): State<AppState>, form: Form) -> ApiResult<Response> {
    match end_session(&state, &form.ctx.caller, &form.headers).await {
        Ok(cookie) => {
            let mut response = super::see_other("/portal");
            response.headers_mut().insert(header::SET_COOKIE, cookie);
            Ok(response)
        }
        Err(ApiError::Unauthorized(_)) => Ok(super::see_other("/portal").into_response()),
        Err(e) => Err(e),
    }
}
