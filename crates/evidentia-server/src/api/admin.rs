//! Administration: the users of the administrator's organisations, password resets, and the
//! audit log.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use evidentia_model::{Role, Viewer};
use evidentia_store::{AuditEntry, Membership, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::body::{JsonObject, typed};
use crate::AppState;
use crate::auth::{self, Caller};
use crate::errors::{ApiError, ApiResult, Problem};

/// The organisations the caller administers; 401 / 403 when none.
fn administered(caller: &Caller) -> ApiResult<Vec<Uuid>> {
    match &caller.viewer {
        Viewer::Staff { memberships, .. } => {
            let orgs: Vec<Uuid> = memberships
                .iter()
                .filter(|(_, r)| *r == Role::Admin)
                .map(|(o, _)| *o)
                .collect();
            if orgs.is_empty() {
                Err(ApiError::Forbidden("only administrators may do this".into()))
            } else {
                Ok(orgs)
            }
        }
        _ => Err(ApiError::Unauthorized("sign in as an administrator".into())),
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserInfo {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub disabled: bool,
    pub memberships: Vec<Membership>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserInfo>,
}

/// The user, if they belong to one of `orgs`; otherwise 404 (other offices' staff lists are
/// not the administrator's business).
async fn managed_user(state: &AppState, orgs: &[Uuid], id: Uuid) -> ApiResult<(User, Vec<Membership>)> {
    let user = state.store.user(id).await?;
    let memberships = state.store.memberships(id).await?;
    if memberships.iter().any(|m| orgs.contains(&m.organisation_id)) {
        Ok((user, memberships))
    } else {
        Err(ApiError::NotFound)
    }
}

/// Users of the organisations the caller administers.
#[utoipa::path(get, path = "/admin/users", tag = "admin",
    responses((status = 200, body = UserList), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn users(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<UserList>> {
    let orgs = administered(&caller)?;
    let mut items = Vec::new();
    for user in state.store.users().await? {
        let memberships = state.store.memberships(user.id).await?;
        if memberships.iter().any(|m| orgs.contains(&m.organisation_id)) {
            items.push(UserInfo {
                id: user.id,
                email: user.email,
                display_name: user.display_name,
                disabled: user.disabled,
                memberships,
                created_at: user.created_at,
            });
        }
    }
    Ok(Json(UserList { items }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub role: Role,
    /// One of the caller's administered organisations; default the first.
    #[serde(default)]
    pub organisation_id: Option<Uuid>,
    pub password: String,
}

/// Creates a user in an organisation the caller administers.
#[utoipa::path(post, path = "/admin/users", tag = "admin",
    request_body(content = NewUser, content_type = "application/json"),
    responses(
        (status = 201, body = UserInfo),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(obj): JsonObject,
) -> ApiResult<(StatusCode, Json<UserInfo>)> {
    let orgs = administered(&caller)?;
    let form: NewUser = typed(serde_json::Value::Object(obj))?;
    let email = auth::normalise_email(&form.email).map_err(|e| ApiError::invalid_field("email", "invalid", e))?;
    let org = form.organisation_id.or(orgs.first().copied()).unwrap_or_default();
    if !orgs.contains(&org) {
        return Err(ApiError::Forbidden("you do not administer that organisation".into()));
    }
    let hash = hash(&state, form.password).await?;
    let user = User {
        id: state.clock.new_id(),
        display_name: form
            .display_name
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| email.clone()),
        email,
        password_hash: Some(hash),
        created_at: state.clock.now(),
        disabled: false,
    };
    let memberships = vec![Membership {
        organisation_id: org,
        role: form.role,
    }];
    state
        .store
        .create_user(&user, &memberships)
        .await
        .map_err(|e| match e {
            evidentia_store::StoreError::Duplicate(_) => {
                ApiError::Conflict("a user with this e-mail address exists".into())
            }
            other => other.into(),
        })?;
    let detail = serde_json::json!({"email": user.email, "role": form.role, "organisation_id": org});
    crate::audit::record(
        &state,
        &caller,
        "user_created",
        Some(format!("user:{}", user.id)),
        detail,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(UserInfo {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            disabled: false,
            memberships,
            created_at: user.created_at,
        }),
    ))
}

async fn hash(state: &AppState, password: String) -> ApiResult<String> {
    let salt = state.random::<16>()?;
    let _slot = state
        .hashing
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(move || auth::hash_password(&password, salt))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::invalid_field("password", "invalid", e.to_string()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub password: String,
}

/// Sets a new password for a user of the caller's organisations and ends their sessions.
#[utoipa::path(post, path = "/admin/users/{id}/password", tag = "admin", params(("id" = Uuid, Path)),
    request_body(content = PasswordReset, content_type = "application/json"),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(obj): JsonObject,
) -> ApiResult<StatusCode> {
    let orgs = administered(&caller)?;
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    let form: PasswordReset = typed(serde_json::Value::Object(obj))?;
    managed_user(&state, &orgs, id).await?;
    let hash = hash(&state, form.password).await?;
    state.store.set_password(id, &hash).await?;
    state.store.delete_sessions_of(id).await?;
    crate::audit::record(
        &state,
        &caller,
        "password_reset",
        Some(format!("user:{id}")),
        serde_json::json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Disable {
    pub disabled: bool,
}

/// Disables (or re-enables) a user; disabling ends their sessions and stops their tokens.
#[utoipa::path(post, path = "/admin/users/{id}/disabled", tag = "admin", params(("id" = Uuid, Path)),
    request_body(content = Disable, content_type = "application/json"),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn set_disabled(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(obj): JsonObject,
) -> ApiResult<StatusCode> {
    let orgs = administered(&caller)?;
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    let form: Disable = typed(serde_json::Value::Object(obj))?;
    managed_user(&state, &orgs, id).await?;
    state.store.set_disabled(id, form.disabled).await?;
    if form.disabled {
        state.store.delete_sessions_of(id).await?;
    }
    let action = if form.disabled { "user_disabled" } else { "user_enabled" };
    crate::audit::record(
        &state,
        &caller,
        action,
        Some(format!("user:{id}")),
        serde_json::json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `before` for older entries.
    pub next_cursor: Option<String>,
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/admin/audit", tag = "admin",
    params(("limit" = Option<u32>, Query), ("before" = Option<i64>, Query, description = "Entries older than this sequence number")),
    responses((status = 200, body = AuditPage), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<AuditPage>> {
    let orgs = administered(&caller)?;
    let (mut limit, mut before) = (100u32, None);
    for (k, v) in form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "limit" => {
                limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| ApiError::bad_field("limit", "must be between 1 and 1000"))?;
            }
            "before" | "cursor" => {
                before = Some(
                    v.parse::<i64>()
                        .map_err(|_| ApiError::bad_field(&k, "must be a sequence number"))?,
                );
            }
            other => return Err(ApiError::bad_field(other, "is not a parameter of this list")),
        }
    }
    let entries = state.store.audit(limit, before).await?;
    let next_cursor = (entries.len() == limit as usize)
        .then(|| entries.last().map(|e| e.seq.to_string()))
        .flatten();
    // An administrator sees what the staff of their own organisations did, not other offices'
    // activity; a page may therefore hold fewer entries than asked.
    let mut managed = std::collections::HashMap::new();
    let mut items = Vec::with_capacity(entries.len());
    for e in entries {
        let Some(actor) = e.actor else { continue };
        let own = match managed.get(&actor) {
            Some(own) => *own,
            None => {
                let ms = state.store.memberships(actor).await?;
                let own = ms.iter().any(|m| orgs.contains(&m.organisation_id));
                managed.insert(actor, own);
                own
            }
        };
        if own {
            items.push(e);
        }
    }
    Ok(Json(AuditPage { items, next_cursor }))
}
