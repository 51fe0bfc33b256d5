//! Organisations, users and tokens created from the command line.

use anyhow::{Context, anyhow};
use evidentia_model::{Classification, Clock, Meta, RecordBody, Role};
use evidentia_server::auth;
use evidentia_store::{ApiToken, Membership, NewRecord, Organisation, Store, StoreError, User};

use crate::cli::Failure;

fn random<const N: usize>() -> Result<[u8; N], Failure> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness available: {e}"))?;
    Ok(bytes)
}

pub async fn create_organisation(store: &dyn Store, clock: &dyn Clock, name: &str) -> Result<Organisation, Failure> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Failure::input(anyhow!("an organisation name has 1 to 200 characters")));
    }
    let org = Organisation {
        id: clock.new_id(),
        name: name.to_owned(),
        created_at: clock.now(),
    };
    match store.create_organisation(&org).await {
        Ok(()) => Ok(org),
        Err(StoreError::Duplicate(what)) => Err(Failure::input(anyhow!("{what} already exists"))),
        Err(e) => Err(e.into()),
    }
}

/// Gives a new organisation the default recipients of communications (editable records).
pub async fn create_default_recipients(
    store: &dyn Store,
    clock: &dyn Clock,
    organisation_id: uuid::Uuid,
) -> Result<usize, Failure> {
    let now = clock.now();
    let records = evidentia_model::communication::default_recipients()
        .into_iter()
        .map(|body| {
            Ok(NewRecord {
                kind: evidentia_model::Recipient::KIND,
                meta: Meta {
                    id: clock.new_id(),
                    organisation_id,
                    classification: Classification::Internal,
                    created_at: now,
                    created_by: uuid::Uuid::nil(),
                    updated_at: now,
                    updated_by: uuid::Uuid::nil(),
                    version: 1,
                },
                body: serde_json::to_value(&body).context("default recipient")?,
                index: body.index(),
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let n = records.len();
    store.insert(records).await?;
    Ok(n)
}

/// The organisation named, or the only one when no name is given.
pub async fn organisation(store: &dyn Store, name: Option<&str>) -> Result<Organisation, Failure> {
    match name {
        Some(n) => match store.organisation_by_name(n).await {
            Err(StoreError::NotFound) => Err(Failure::input(anyhow!("no organisation named {n:?}"))),
            other => Ok(other?),
        },
        None => {
            let mut all = store.organisations().await?;
            match all.len() {
                1 => Ok(all.remove(0)),
                0 => Err(Failure::input(anyhow!(
                    "there is no organisation yet: run `evidentia init --organisation NAME`"
                ))),
                _ => Err(Failure::input(anyhow!(
                    "there are several organisations: name one with --organisation"
                ))),
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn create_user(
    store: &dyn Store,
    clock: &dyn Clock,
    email: &str,
    role: &str,
    organisation_name: Option<&str>,
    display_name: Option<&str>,
    password: &str,
) -> Result<User, Failure> {
    let email = auth::normalise_email(email).map_err(|e| Failure::input(anyhow!(e)))?;
    let role: Role = role.parse().map_err(|e: String| Failure::input(anyhow!(e)))?;
    let org = organisation(store, organisation_name).await?;
    let hash = auth::hash_password(password, random()?).map_err(Failure::input)?;
    let user = User {
        id: clock.new_id(),
        display_name: display_name.map_or_else(|| email.clone(), str::to_owned),
        email,
        password_hash: Some(hash),
        created_at: clock.now(),
        disabled: false,
    };
    match store
        .create_user(
            &user,
            &[Membership {
                organisation_id: org.id,
                role,
            }],
        )
        .await
    {
        Ok(()) => Ok(user),
        Err(StoreError::Duplicate(what)) => Err(Failure::input(anyhow!("{what} already exists"))),
        Err(e) => Err(e.into()),
    }
}

/// Creates a token for the user and returns its secret (shown once, stored only as a hash).
pub async fn create_token(store: &dyn Store, clock: &dyn Clock, email: &str, name: &str) -> Result<String, Failure> {
    let email = auth::normalise_email(email).map_err(|e| Failure::input(anyhow!(e)))?;
    let user = match store.user_by_email(&email).await {
        Err(StoreError::NotFound) => return Err(Failure::input(anyhow!("no user {email}"))),
        other => other?,
    };
    let secret = auth::new_token_secret(random()?);
    let token = ApiToken {
        id: clock.new_id(),
        user_id: user.id,
        name: name.chars().take(200).collect(),
        secret_hash: auth::token_hash(&secret),
        created_at: clock.now(),
        last_used_at: None,
        revoked_at: None,
    };
    store.create_token(&token).await.context("cannot store the token")?;
    Ok(secret)
}
