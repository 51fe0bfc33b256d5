//! Who is calling.
//!
//! Programs send `Authorization: Bearer evd_…`; browsers carry the `evidentia_session` cookie and,
//! for every change, the session's CSRF token in `X-CSRF-Token`. No credentials means the public.
//! Token and session secrets are 32 random bytes; only their SHA-256 is stored, so a copy of the
//! database hands out no working credential.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use base64::Engine;
use evidentia_model::Viewer;
use evidentia_store::StoreError;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::AppState;
use crate::errors::ApiError;

const TOKEN_PREFIX: &str = "evd_";
/// The session cookie.
pub const SESSION_COOKIE: &str = "evidentia_session";
/// The header carrying the CSRF token of a cookie-authenticated change.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// A token unused for this long is audited again when it is next used.
const TOKEN_AUDIT_INTERVAL: time::Duration = time::Duration::hours(1);
/// Sessions end after this long without a request.
pub const SESSION_IDLE: time::Duration = time::Duration::hours(2);

/// Base64url of 32 random bytes: a session secret or CSRF token.
pub fn random_secret(random: [u8; 32]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)
}

/// A fresh API token secret from 32 random bytes.
pub fn new_token_secret(random: [u8; 32]) -> String {
    format!("{TOKEN_PREFIX}{}", random_secret(random))
}

/// What the store keeps of a secret (tokens, sessions, recovery codes).
pub fn token_hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn well_formed(secret: &str, prefix: &str) -> bool {
    secret.len() == prefix.len() + 43
        && secret.starts_with(prefix)
        && secret[prefix.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    None,
    Token { token_id: Uuid },
    Session { id_hash: String, csrf_token: String },
}

/// The caller of a request: who, how, and from where.
#[derive(Debug, Clone)]
pub struct Caller {
    pub viewer: Viewer,
    pub credential: Credential,
    /// The client address, for the audit log.
    pub address: Option<String>,
}

impl Caller {
    pub fn user_id(&self) -> Option<Uuid> {
        self.viewer.user_id()
    }
}

/// The value of a cookie in the request, if any.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn address(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

async fn viewer_of(state: &AppState, user_id: Uuid) -> Result<Viewer, ApiError> {
    let memberships = state.store.memberships(user_id).await?;
    Ok(Viewer::Staff {
        user_id,
        memberships: memberships.into_iter().map(|m| (m.organisation_id, m.role)).collect(),
    })
}

async fn from_token(state: &AppState, value: &str, address: Option<String>) -> Result<Caller, ApiError> {
    let (scheme, secret) = value
        .split_once(' ')
        .ok_or_else(|| ApiError::Unauthorized("expected \"Authorization: Bearer <token>\"".into()))?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::Unauthorized("only Bearer tokens are accepted".into()));
    }
    let secret = secret.trim();
    if !well_formed(secret, TOKEN_PREFIX) {
        return Err(ApiError::Unauthorized("the token is malformed".into()));
    }
    let now = state.clock.now();
    let (token, user) = match state.store.use_token(&token_hash(secret), now).await {
        Ok(found) => found,
        Err(StoreError::NotFound) => return Err(ApiError::Unauthorized("the token is unknown or revoked".into())),
        Err(e) => return Err(e.into()),
    };
    let caller = Caller {
        viewer: viewer_of(state, user.id).await?,
        credential: Credential::Token { token_id: token.id },
        address,
    };
    // Every request would drown the audit log; a token's first use after a quiet hour is what
    // a reviewer needs to see.
    if token.last_used_at.is_none_or(|t| now - t > TOKEN_AUDIT_INTERVAL) {
        let detail = serde_json::json!({"name": token.name});
        crate::audit::record(
            state,
            &caller,
            "token_used",
            Some(format!("token:{}", token.id)),
            detail,
        )
        .await?;
    }
    Ok(caller)
}

/// Whether a cookie-authenticated change must carry the CSRF token in its header now, or whether
/// the caller checks it later (HTML forms send it as a field: see `web::forms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrfCheck {
    Header,
    Deferred,
}

async fn from_session(
    state: &AppState,
    secret: &str,
    method: &Method,
    headers: &HeaderMap,
    address: Option<String>,
    csrf: CsrfCheck,
) -> Result<Caller, ApiError> {
    let expired = || ApiError::Unauthorized("the session has ended: sign in again".into());
    if !well_formed(secret, "") {
        return Err(expired());
    }
    let id_hash = token_hash(secret);
    let now = state.clock.now();
    let (session, user) = match state.store.session(&id_hash, now).await {
        Ok(found) => found,
        Err(StoreError::NotFound) => return Err(expired()),
        Err(e) => return Err(e.into()),
    };
    if now - session.last_seen_at > SESSION_IDLE {
        state.store.delete_session(&id_hash).await?;
        return Err(expired());
    }
    // A cookie is sent by the browser whoever asks it to; a change must also prove it comes from
    // our own pages, which alone can read the CSRF token.
    if csrf == CsrfCheck::Header && !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        let sent = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !same_secret(sent, &session.csrf_token) {
            return Err(ApiError::Forbidden("the CSRF token is missing or wrong".into()));
        }
    }
    Ok(Caller {
        viewer: viewer_of(state, user.id).await?,
        credential: Credential::Session {
            id_hash,
            csrf_token: session.csrf_token,
        },
        address,
    })
}

/// Identifies the caller of a request from its headers.
pub async fn identify(state: &AppState, parts: &Parts) -> Result<Caller, ApiError> {
    identify_with(state, parts, CsrfCheck::Header).await
}

/// Identifies the caller; with [`CsrfCheck::Deferred`] a session's change is let through for the
/// caller to check the CSRF token it carries elsewhere (compare with [`same_secret`]).
pub async fn identify_with(state: &AppState, parts: &Parts, csrf: CsrfCheck) -> Result<Caller, ApiError> {
    let address = address(parts);
    if let Some(value) = parts.headers.get(AUTHORIZATION) {
        let value = value
            .to_str()
            .map_err(|_| ApiError::Unauthorized("the Authorization header is not readable text".into()))?;
        return from_token(state, value, address).await;
    }
    if let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) {
        return from_session(state, secret, &parts.method, &parts.headers, address, csrf).await;
    }
    Ok(Caller {
        viewer: Viewer::Public,
        credential: Credential::None,
        address,
    })
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(c) = parts.extensions.get::<Caller>() {
            return Ok(c.clone());
        }
        let caller = identify(state, parts).await?;
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

/// Longest password accepted: argon2 hashes anything, but a megabyte "password" is an attack.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Why a password was refused.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password must have at most {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    #[error("the password could not be hashed: {0}")]
    Hash(String),
}

/// An argon2id PHC string for `password`, with a salt from 16 random bytes.
pub fn hash_password(password: &str, salt: [u8; 16]) -> Result<String, PasswordError> {
    use argon2::PasswordHasher;
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    let salt = argon2::password_hash::SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches a stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::PasswordVerifier;
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    argon2::password_hash::PasswordHash::new(phc).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// The form in which e-mail addresses are stored and compared: Unicode NFKC (so that full-width
/// and other compatibility look-alikes fold to one form), trimmed, lower case; ASCII only in the
/// domain, so that a Cyrillic "а" cannot pose as a Latin "a" in someone else's address.
pub fn normalise_email(email: &str) -> Result<String, String> {
    use unicode_normalization::UnicodeNormalization;
    if email.len() > 1024 {
        return Err("the e-mail address is longer than 254 bytes".into());
    }
    let e: String = email.trim().nfkc().collect::<String>().to_lowercase();
    if e.len() > 254 {
        return Err("the e-mail address is longer than 254 bytes".into());
    }
    let shown: String = email.chars().take(80).collect();
    match e.rsplit_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && domain.contains('.')
                && domain
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
                && !e.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(e)
        }
        _ => Err(format!("{shown:?} is not an e-mail address")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_one_shape() {
        let s = new_token_secret([7; 32]);
        assert!(well_formed(&s, TOKEN_PREFIX), "{s}");
        assert!(!well_formed("evd_short", TOKEN_PREFIX));
        assert!(!well_formed(&s.replace("evd_", "xyz_"), TOKEN_PREFIX));
        assert!(well_formed(&random_secret([1; 32]), ""));
        assert_eq!(token_hash("a").len(), 64);
        assert_ne!(token_hash("a"), token_hash("b"));
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery", [1; 16]).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(matches!(hash_password("short", [1; 16]), Err(PasswordError::TooShort)));
        assert!(matches!(
            hash_password(&"x".repeat(5000), [1; 16]),
            Err(PasswordError::TooLong)
        ));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(normalise_email("  Ada@Example.ORG ").unwrap(), "ada@example.org");
        assert_eq!(
            normalise_email("Ａｄａ@example.org").unwrap(),
            "ada@example.org",
            "full-width letters fold"
        );
        assert!(
            normalise_email("ada@exаmple.org").is_err(),
            "a Cyrillic а in the domain is refused"
        );
        assert!(normalise_email("ada").is_err());
        assert!(normalise_email("a b@example.org").is_err());
        assert!(normalise_email(&format!("{}@example.org", "a".repeat(300))).is_err());
        assert!(normalise_email(&"@".repeat(100_000)).is_err());
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, "a=1; evidentia_session=xyz; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&h, "c"), None);
    }
}
