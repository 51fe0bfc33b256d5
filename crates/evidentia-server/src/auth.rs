//! Who is calling: a bearer token names a user; no credentials means the public.
//!
//! Tokens are `evd_` followed by 43 base64url characters (32 random bytes); only their SHA-256 is
//! stored, so a copy of the database does not hand out working tokens.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use evidentia_model::Viewer;
use evidentia_store::StoreError;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::errors::ApiError;

const TOKEN_PREFIX: &str = "evd_";

/// A fresh token secret from 32 random bytes.
pub fn new_token_secret(random: [u8; 32]) -> String {
    format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)
    )
}

/// What the store keeps of a token secret.
pub fn token_hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn well_formed(secret: &str) -> bool {
    secret.len() == TOKEN_PREFIX.len() + 43
        && secret.starts_with(TOKEN_PREFIX)
        && secret[TOKEN_PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The caller of a request.
#[derive(Debug, Clone)]
pub struct Caller(pub Viewer);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Self(Viewer::Public));
        };
        let value = value.to_str().map_err(|_| {
            ApiError::Unauthorized("the Authorization header is not readable text".into())
        })?;
        let (scheme, secret) = value.split_once(' ').ok_or_else(|| {
            ApiError::Unauthorized("expected \"Authorization: Bearer <token>\"".into())
        })?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(ApiError::Unauthorized(
                "only Bearer tokens are accepted".into(),
            ));
        }
        let secret = secret.trim();
        if !well_formed(secret) {
            return Err(ApiError::Unauthorized("the token is malformed".into()));
        }
        let (_, user) = match state
            .store
            .use_token(&token_hash(secret), state.clock.now())
            .await
        {
            Ok(found) => found,
            Err(StoreError::NotFound) => {
                return Err(ApiError::Unauthorized(
                    "the token is unknown or revoked".into(),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let memberships = state.store.memberships(user.id).await?;
        Ok(Self(Viewer::Staff {
            user_id: user.id,
            memberships: memberships
                .into_iter()
                .map(|m| (m.organisation_id, m.role))
                .collect(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_one_shape() {
        let s = new_token_secret([7; 32]);
        assert!(well_formed(&s), "{s}");
        assert!(!well_formed("evd_short"));
        assert!(!well_formed(&s.replace("evd_", "xyz_")));
        assert_eq!(token_hash("a").len(), 64);
        assert_ne!(token_hash("a"), token_hash("b"));
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
    let salt = argon2::password_hash::SaltString::encode_b64(&salt)
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
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

/// The form in which e-mail addresses are stored and compared: trimmed, lower case.
pub fn normalise_email(email: &str) -> Result<String, String> {
    let e = email.trim().to_lowercase();
    if e.len() > 254 {
        return Err("the e-mail address is longer than 254 bytes".into());
    }
    match e.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && domain.contains('.')
                && !e.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(e)
        }
        _ => Err(format!("{email:?} is not an e-mail address")),
    }
}

#[cfg(test)]
mod password_tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery", [1; 16]).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(matches!(
            hash_password("short", [1; 16]),
            Err(PasswordError::TooShort)
        ));
        assert!(matches!(
            hash_password(&"x".repeat(5000), [1; 16]),
            Err(PasswordError::TooLong)
        ));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            normalise_email("  Ada@Example.ORG ").unwrap(),
            "ada@example.org"
        );
        assert!(normalise_email("ada").is_err());
        assert!(normalise_email("a b@example.org").is_err());
        assert!(normalise_email(&format!("{}@example.org", "a".repeat(300))).is_err());
    }
}
