//! `evidentia export bundle --incident ID --out FILE.zip`: an evidence bundle for one incident,
//! written by [`evidentia_archive::bundle`] as the system (an operator's export sees every record),
//! into a temporary file next to `FILE.zip` that is renamed into place once complete and synced:
//! a reader never sees half a bundle.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::anyhow;
use evidentia_archive::{BundleError, BundleRequest};
use evidentia_model::{Clock, Viewer};
use uuid::Uuid;

use crate::cli::Failure;
use crate::config::Config;

pub async fn bundle(config: &Config, clock: &dyn Clock, incident_id: Uuid, out: &Path) -> Result<(), Failure> {
    // Refuse a bad destination before anything is logged.
    let (dir, file_name) = destination(out)?;
    if !dir.is_dir() {
        return Err(Failure::input(anyhow!(
            "--out {}: {} is not a directory",
            out.display(),
            dir.display()
        )));
    }
    let store = super::open_store(config).await?;
    let files = Arc::new(super::ingest::file_store(config).await?);
    let signer = crate::keys::load_or_create(&config.data)?;
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| anyhow!("cannot create {}: {e}", tmp.display()))?;
    let request = BundleRequest {
        incident_id,
        viewer: Viewer::System,
        exported_by: None,
        at: clock.now(),
    };
    let written = match evidentia_archive::write_bundle(store.as_ref(), Some(files), &signer, &request, file).await {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(match e {
                BundleError::NoIncident(_) => Failure::input(anyhow!("{e}")),
                other => anyhow!("{other}").into(),
            });
        }
    };
    let placed = std::fs::rename(&tmp, out).and_then(|()| std::fs::File::open(&dir)?.sync_all());
    if let Err(e) = placed {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow!("cannot write {}: {e}", out.display()).into());
    }
    eprintln!(
        "wrote {} ({} records, {} files, against checkpoint {} of {}; sha256 {})",
        out.display(),
        written.records,
        written.files,
        written.checkpoint_size,
        written.origin,
        written.sha256
    );
    Ok(())
}

/// The directory and file name of `out`.
fn destination(out: &Path) -> Result<(PathBuf, String), Failure> {
    let file_name = out
        .file_name()
        .ok_or_else(|| Failure::input(anyhow!("--out {} names no file", out.display())))?;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, file_name.to_string_lossy().into_owned()))
}
