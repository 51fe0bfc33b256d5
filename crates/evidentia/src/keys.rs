//! The deployment's log-signing key: an Ed25519 key created once, at `init`, kept in the data
//! directory readable by its owner only, and used to sign the log's checkpoints.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use evidentia_log::Signer;

use crate::cli::Failure;

const KEY_DIR: &str = "keys";
const KEY_FILE: &str = "log-signing.key";

pub fn key_path(data: &Path) -> PathBuf {
    data.join(KEY_DIR).join(KEY_FILE)
}

/// The signing key of the data directory; `None` when it has none yet.
pub fn load(data: &Path) -> Result<Option<Signer>, Failure> {
    let path = key_path(data);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(anyhow!("cannot read {}: {e}", path.display()).into()),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0);
        if mode & 0o077 != 0 {
            return Err(anyhow!("{} is readable by others (mode {mode:o}): make it 0600", path.display()).into());
        }
    }
    let signer = Signer::from_skey(text.trim()).map_err(|e| anyhow!("{} is not a signing key: {e}", path.display()))?;
    Ok(Some(signer))
}

/// The signing key of the data directory, created (named after a random log identifier) if it
/// has none: temp file with mode 0600 → fsync → rename → fsync of the directory, so a crash never
/// leaves a half-written key.
pub fn load_or_create(data: &Path) -> Result<Signer, Failure> {
    if let Some(s) = load(data)? {
        return Ok(s);
    }
    let dir = data.join(KEY_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow!("no randomness available: {e}"))?;
    let mut id = [0u8; 6];
    getrandom::fill(&mut id).map_err(|e| anyhow!("no randomness available: {e}"))?;
    let name = format!(
        "evidentia.log/{}",
        id.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let signer = Signer::from_seed(&name, seed).map_err(|e| anyhow!("cannot create the signing key: {e}"))?;
    let skey = signer.to_skey();
    let tmp = dir.join(format!(".{KEY_FILE}.tmp"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict {}", dir.display()))?;
    }
    let _ = std::fs::remove_file(&tmp);
    let mut file = options
        .open(&tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    file.write_all(format!("{skey}\n").as_bytes())
        .context("cannot write the signing key")?;
    file.sync_all().context("cannot sync the signing key")?;
    drop(file);
    std::fs::rename(&tmp, key_path(data)).context("cannot put the signing key in place")?;
    std::fs::File::open(&dir)
        .and_then(|d| d.sync_all())
        .context("cannot sync the key directory")?;
    Ok(signer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_created_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let a = load_or_create(dir.path()).unwrap();
        let b = load_or_create(dir.path()).unwrap();
        assert_eq!(a.verifier().to_vkey(), b.verifier().to_vkey());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_path(dir.path())).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            std::fs::set_permissions(key_path(dir.path()), std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(load(dir.path()).is_err(), "a key readable by others is refused");
        }
    }
}
