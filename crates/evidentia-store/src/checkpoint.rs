//! Signing the log's checkpoints: the one place a checkpoint is made, so that none is ever signed
//! that does not contain the last one.

use evidentia_log::{Checkpoint, Signer};
use time::OffsetDateTime;

use crate::{Result, Store, StoreError};

/// The latest signed checkpoint of `store`'s log, covering the whole log: signs a new one (kept
/// at time `at`) when the log has grown, after checking that the new tree contains the last
/// signed one (a checkpoint inconsistent with an earlier one is never signed).
pub async fn sign_checkpoint(store: &dyn Store, signer: &Signer, at: OffsetDateTime) -> Result<(u64, String)> {
    let size = store.log_size().await?;
    let latest = store.latest_checkpoint().await?;
    if let Some((signed, note)) = &latest
        && *signed >= size
    {
        return Ok((*signed, note.clone()));
    }
    let root = store.log_root(size).await?;
    if let Some((old_size, old_note)) = &latest {
        let verified = Checkpoint::open(old_note.as_bytes(), &[signer.verifier()])
            .map_err(|e| StoreError::Backend(format!("stored checkpoint {old_size} does not verify: {e}")))?;
        let proof = store.consistency_proof(*old_size, size).await?;
        evidentia_log::merkle::verify_consistency(*old_size, size, verified.checkpoint.root(), &root, &proof)
            .map_err(|e| StoreError::Backend(format!("the log is not consistent with checkpoint {old_size}: {e}")))?;
    }
    let checkpoint =
        Checkpoint::new(signer.name(), size, root).map_err(|e| StoreError::Backend(format!("checkpoint: {e}")))?;
    let note = checkpoint
        .sign(&[signer])
        .map_err(|e| StoreError::Backend(format!("signing: {e}")))?;
    store.put_checkpoint(size, &note, at).await?;
    Ok((size, note))
}
