//! PostgreSQL backend.

use crate::{Result, StoreError};

/// The PostgreSQL backend.
pub struct PostgresStore;

impl PostgresStore {
    pub async fn connect(_url: &str) -> Result<Self> {
        Err(StoreError::Invalid("PostgreSQL backend not available".into()))
    }
}
