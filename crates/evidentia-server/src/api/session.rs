//! Signing in and out (browser sessions), and the caller's own account: API tokens and the
//! second factor.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use evidentia_model::Viewer;
use evidentia_store::{ApiToken, Membership, SecondFactor, Session, StoreError, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::body::{JsonObject, typed};
use crate::AppState;
use crate::auth::{self, Caller, Credential, SESSION_COOKIE};
use crate::errors::{ApiError, ApiResult, Problem};

/// TOTP parameters: RFC 6238 defaults that every authenticator app supports.
const TOTP_DIGITS: u8 = 6;
const TOTP_STEP: u64 = 30;
const RECOVERY_CODES: usize = 10;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub email: String,
    pub password: String,
    /// A code from the authenticator app, or a recovery code, when the account has a second
    /// factor.
    #[serde(default)]
    pub code: Option<String>,
}

/// The signed-in user.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub memberships: Vec<Membership>,
    pub second_factor: bool,
    /// Send in `X-CSRF-Token` with every change made with the session cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

fn totp(secret_base32: &str) -> ApiResult<totp_rs::Totp> {
    let secret = totp_rs::Secret::try_from_base32(secret_base32)
        .map_err(|e| ApiError::Internal(format!("stored TOTP secret: {e:?}")))?;
    totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(TOTP_DIGITS)
        .with_skew(1)
        .with_step_duration(TOTP_STEP)
        .with_secret(secret)
        .build()
        .map_err(|e| ApiError::Internal(format!("TOTP: {e:?}")))
}

/// The time step a code belongs to (now, or one step either side for clock drift), if valid.
fn totp_step(secret: &str, code: &str, now: time::OffsetDateTime) -> ApiResult<Option<i64>> {
    let code = code.trim();
    if code.len() != usize::from(TOTP_DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let now = u64::try_from(now.unix_timestamp()).unwrap_or(0);
    Ok(totp(secret)?.check(code, now).and_then(|step| i64::try_from(step).ok()))
}

/// Whether `code` is a fresh TOTP code or an unused recovery code of the user; uses it up.
async fn second_factor_passes(state: &AppState, user: &User, factor: &SecondFactor, code: &str) -> ApiResult<bool> {
    if let Some(step) = totp_step(&factor.totp_secret, code, state.clock.now())? {
        return Ok(state.store.advance_totp_step(user.id, step).await?);
    }
    let normalised: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    Ok(state
        .store
        .consume_recovery_code(user.id, &auth::token_hash(&normalised))
        .await?)
}

async fn verify_hash(state: &AppState, password: String, phc: Option<String>) -> ApiResult<bool> {
    let _slot = state
        .hashing
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    // Unknown accounts cost the same as known ones, so the answer's timing does not tell which
    // e-mail addresses have accounts.
    let phc = phc.unwrap_or_else(|| {
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Ah3xmPtbvgWz4kHDcNi9gV2cUtiw21tTvGyB8ZQwrsU".into()
    });
    tokio::task::spawn_blocking(move || auth::verify_password(&password, &phc))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))
}

fn cookie_header(state: &AppState, headers: &HeaderMap, value: &str, max_age: i64) -> ApiResult<HeaderValue> {
    let forwarded_https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let secure = if state.config.secure_cookies || forwarded_https {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .map_err(|e| ApiError::Internal(e.to_string()))
}

async fn me(state: &AppState, user: &User, csrf_token: Option<String>) -> ApiResult<Me> {
    Ok(Me {
        user_id: user.id,
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        memberships: state.store.memberships(user.id).await?,
        second_factor: state.store.second_factor(user.id).await?.is_some_and(|f| f.enabled),
        csrf_token,
    })
}

/// Signs in with e-mail, password and (when enrolled) a second-factor code; sets the session
/// cookie.
#[utoipa::path(post, path = "/session", tag = "session", security(),
    request_body(content = SignIn, content_type = "application/json"),
    responses(
        (status = 201, body = Me, headers(("Set-Cookie" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json",
            description = "Wrong e-mail or password, or `urn:evidentia:problem:second-factor-required`"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    JsonObject(obj): JsonObject,
) -> ApiResult<Response> {
    let form: SignIn = typed(serde_json::Value::Object(obj))?;
    let signed_in = start_session(&state, caller, &headers, form).await?;
    let body = me(&state, &signed_in.user, Some(signed_in.csrf_token)).await?;
    Ok((
        StatusCode::CREATED,
        [(header::SET_COOKIE, signed_in.cookie)],
        Json(body),
    )
        .into_response())
}

/// A session just started: its user, the `Set-Cookie` value and the session's CSRF token.
pub struct SignedIn {
    pub user: User,
    pub cookie: HeaderValue,
    pub csrf_token: String,
}

/// Checks e-mail, password and (when enrolled) the second-factor code, throttling failures and
/// auditing both outcomes, and starts a session. The API and the sign-in page both sign in here.
pub async fn start_session(state: &AppState, caller: Caller, headers: &HeaderMap, form: SignIn) -> ApiResult<SignedIn> {
    let now = state.clock.now();
    let address = caller.address.clone().unwrap_or_default();
    let wrong = || ApiError::Unauthorized("the e-mail address or the password is wrong".into());
    // An address that is not an e-mail address still counts against the throttle, and is never
    // looked up.
    let normalised = auth::normalise_email(&form.email);
    let email = normalised
        .clone()
        .unwrap_or_else(|_| form.email.chars().filter(|c| !c.is_control()).take(254).collect());
    if let Some(wait) = state.throttle.attempt(&email, &address, now) {
        return Err(ApiError::TooManyRequests(wait));
    }
    let user = match &normalised {
        Ok(email) => match state.store.user_by_email(email).await {
            Ok(u) if !u.disabled => Some(u),
            Ok(_) | Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        Err(_) => None,
    };
    let password_ok = form.password.len() <= auth::MAX_PASSWORD_BYTES
        && verify_hash(
            state,
            form.password,
            user.as_ref().and_then(|u| u.password_hash.clone()),
        )
        .await?;
    let failed = |reason: &'static str| {
        let (state, caller, email) = (&state, &caller, email.clone());
        async move {
            let detail = serde_json::json!({"email": email, "reason": reason});
            crate::audit::record(state, caller, "sign_in_failed", None, detail).await
        }
    };
    let Some(user) = user.filter(|_| password_ok) else {
        failed("password").await?;
        return Err(wrong());
    };
    if let Some(factor) = state.store.second_factor(user.id).await?.filter(|f| f.enabled) {
        let Some(code) = form.code.as_deref().filter(|c| !c.trim().is_empty()) else {
            return Err(ApiError::SecondFactorRequired);
        };
        if !second_factor_passes(state, &user, &factor, code).await? {
            failed("second_factor").await?;
            return Err(ApiError::Unauthorized("the code is wrong or was already used".into()));
        }
    }
    state.throttle.success(&email);
    let secret = auth::random_secret(state.random()?);
    let csrf_token = auth::random_secret(state.random()?);
    let session = Session {
        id_hash: auth::token_hash(&secret),
        user_id: user.id,
        csrf_token: csrf_token.clone(),
        created_at: now,
        expires_at: now + state.config.session_lifetime,
        last_seen_at: now,
    };
    state.store.create_session(&session).await?;
    let signed_in = Caller {
        viewer: Viewer::Staff {
            user_id: user.id,
            memberships: Vec::new(),
        },
        ..caller
    };
    crate::audit::record(
        state,
        &signed_in,
        "sign_in",
        Some(format!("user:{}", user.id)),
        serde_json::json!({}),
    )
    .await?;
    let cookie = cookie_header(state, headers, &secret, state.config.session_lifetime.whole_seconds())?;
    Ok(SignedIn {
        user,
        cookie,
        csrf_token,
    })
}

/// The signed-in user (and, for sessions, the CSRF token).
#[utoipa::path(get, path = "/session", tag = "session",
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn current(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Me>> {
    let user_id = caller
        .user_id()
        .ok_or_else(|| ApiError::Unauthorized("not signed in".into()))?;
    let user = state.store.user(user_id).await?;
    let csrf = match caller.credential {
        Credential::Session { csrf_token, .. } => Some(csrf_token),
        _ => None,
    };
    Ok(Json(me(&state, &user, csrf).await?))
}

/// Signs out: the session ends on the server, not only in the browser.
#[utoipa::path(delete, path = "/session", tag = "session",
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn sign_out(State(state): State<AppState>, caller: Caller, headers: HeaderMap) -> ApiResult<Response> {
    let cookie = end_session(&state, &caller, &headers).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// Ends the caller's session on the server and returns the `Set-Cookie` value that clears it.
pub async fn end_session(state: &AppState, caller: &Caller, headers: &HeaderMap) -> ApiResult<HeaderValue> {
    let Credential::Session { id_hash, .. } = &caller.credential else {
        return Err(ApiError::Unauthorized("not signed in with a session".into()));
    };
    state.store.delete_session(id_hash).await?;
    crate::audit::record(state, caller, "sign_out", None, serde_json::json!({})).await?;
    cookie_header(state, headers, "", 0)
}

fn signed_in(caller: &Caller) -> ApiResult<Uuid> {
    caller
        .user_id()
        .ok_or_else(|| ApiError::Unauthorized("sign in first".into()))
}

/// An API token as listed (never its secret).
#[derive(Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: Uuid,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<time::OffsetDateTime>,
}

impl From<ApiToken> for TokenInfo {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    pub items: Vec<TokenInfo>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, e.g. "import script".
    pub name: String,
}

/// A new token: the secret is shown this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: TokenInfo,
    pub secret: String,
}

/// The caller's API tokens.
#[utoipa::path(get, path = "/account/tokens", tag = "account", responses((status = 200, body = TokenList)))]
pub async fn tokens(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<TokenList>> {
    let user = signed_in(&caller)?;
    let items = state
        .store
        .tokens_of(user)
        .await?
        .into_iter()
        .map(TokenInfo::from)
        .collect();
    Ok(Json(TokenList { items }))
}

/// Creates an API token for the caller.
#[utoipa::path(post, path = "/account/tokens", tag = "account",
    request_body(content = NewToken, content_type = "application/json"),
    responses((status = 201, body = CreatedToken), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(obj): JsonObject,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    let user = signed_in(&caller)?;
    let form: NewToken = typed(serde_json::Value::Object(obj))?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid_field(
            "name",
            "invalid",
            "must have 1 to 200 characters",
        ));
    }
    let secret = auth::new_token_secret(state.random()?);
    let token = ApiToken {
        id: state.clock.new_id(),
        user_id: user,
        name: name.to_owned(),
        secret_hash: auth::token_hash(&secret),
        created_at: state.clock.now(),
        last_used_at: None,
        revoked_at: None,
    };
    state.store.create_token(&token).await?;
    crate::audit::record(
        &state,
        &caller,
        "token_created",
        Some(format!("token:{}", token.id)),
        serde_json::json!({"name": name}),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: token.into(),
            secret,
        }),
    ))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/account/tokens/{id}", tag = "account", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let user = signed_in(&caller)?;
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    state.store.revoke_token(user, id, state.clock.now()).await?;
    crate::audit::record(
        &state,
        &caller,
        "token_revoked",
        Some(format!("token:{id}")),
        serde_json::json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A second factor being set up: add the secret to an authenticator app, then confirm a code.
#[derive(Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// Base32 secret.
    pub secret: String,
    /// `otpauth://` URI for authenticator apps.
    pub uri: String,
}

/// Starts setting up a second factor (replacing an unconfirmed one).
#[utoipa::path(post, path = "/account/totp", tag = "account",
    responses((status = 201, body = TotpEnrolment), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn begin_totp(State(state): State<AppState>, caller: Caller) -> ApiResult<(StatusCode, Json<TotpEnrolment>)> {
    let user_id = signed_in(&caller)?;
    if state.store.second_factor(user_id).await?.is_some_and(|f| f.enabled) {
        return Err(ApiError::Conflict(
            "a second factor is already set up: remove it first".into(),
        ));
    }
    let user = state.store.user(user_id).await?;
    let secret = totp_rs::Secret::new_stack(state.random::<20>()?).to_base32();
    let factor = SecondFactor {
        totp_secret: secret.clone(),
        enabled: false,
        last_step: 0,
        recovery_hashes: Vec::new(),
    };
    state.store.put_second_factor(user_id, Some(&factor)).await?;
    let label: String = form_urlencoded::byte_serialize(format!("Evidentia:{}", user.email).as_bytes()).collect();
    let uri =
        format!("otpauth://totp/{label}?secret={secret}&issuer=Evidentia&digits={TOTP_DIGITS}&period={TOTP_STEP}");
    Ok((StatusCode::CREATED, Json(TotpEnrolment { secret, uri })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    pub code: String,
}

/// The one-time recovery codes, shown this once.
#[derive(Serialize, ToSchema)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// Confirms the second factor with a first code; answers the recovery codes.
#[utoipa::path(post, path = "/account/totp/confirm", tag = "account",
    request_body(content = TotpCode, content_type = "application/json"),
    responses((status = 200, body = RecoveryCodes), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn confirm_totp(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(obj): JsonObject,
) -> ApiResult<Json<RecoveryCodes>> {
    let user_id = signed_in(&caller)?;
    let form: TotpCode = typed(serde_json::Value::Object(obj))?;
    let Some(mut factor) = state.store.second_factor(user_id).await?.filter(|f| !f.enabled) else {
        return Err(ApiError::Conflict("start the set-up first (POST /account/totp)".into()));
    };
    let Some(step) = totp_step(&factor.totp_secret, &form.code, state.clock.now())? else {
        return Err(ApiError::invalid_field(
            "code",
            "invalid",
            "the code does not match: check the device's clock",
        ));
    };
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let bytes = state.random::<8>()?;
        let code: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        codes.push(format!("{}-{}", &code[..8], &code[8..]));
    }
    factor.enabled = true;
    factor.last_step = step;
    factor.recovery_hashes = codes.iter().map(|c| auth::token_hash(&c.replace('-', ""))).collect();
    state.store.put_second_factor(user_id, Some(&factor)).await?;
    crate::audit::record(
        &state,
        &caller,
        "second_factor_enabled",
        Some(format!("user:{user_id}")),
        serde_json::json!({}),
    )
    .await?;
    Ok(Json(RecoveryCodes { recovery_codes: codes }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordConfirmation {
    pub password: String,
}

/// Removes the caller's second factor (the password is asked again).
#[utoipa::path(delete, path = "/account/totp", tag = "account",
    request_body(content = PasswordConfirmation, content_type = "application/json"),
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn remove_totp(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(obj): JsonObject,
) -> ApiResult<StatusCode> {
    let user_id = signed_in(&caller)?;
    let form: PasswordConfirmation = typed(serde_json::Value::Object(obj))?;
    let user = state.store.user(user_id).await?;
    if !verify_hash(&state, form.password, user.password_hash).await? {
        return Err(ApiError::Unauthorized("the password is wrong".into()));
    }
    state.store.put_second_factor(user_id, None).await?;
    crate::audit::record(
        &state,
        &caller,
        "second_factor_removed",
        Some(format!("user:{user_id}")),
        serde_json::json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
