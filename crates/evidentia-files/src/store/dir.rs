//! The directory backend: `ROOT/sha256/ab/cd/<hash>`, uploads in progress in `ROOT/tmp/`.

use std::fs::{self, File};
use std::io::{self, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use tempfile::TempPath;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::sync::mpsc;

use super::{FileReader, Sink, check_range};
use crate::error::{Error, Result, join_error};
use crate::hashing::{Hashes, is_sha256_hex};

/// Directory under the root that holds the stored files.
const OBJECTS: &str = "sha256";
/// Directory under the root that holds uploads in progress (same file system: hard links work).
const TMP: &str = "tmp";

pub(crate) struct DirectoryStore {
    root: PathBuf,
    objects: PathBuf,
    tmp: PathBuf,
}

/// An upload in progress: an open temporary file, removed when dropped unless linked first.
pub(crate) struct Staging {
    file: Option<File>,
    path: TempPath,
}

async fn blocking<T, F>(f: F) -> Result<T>
where
    F: FnOnce() -> Result<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f).await.map_err(join_error)?
}

impl DirectoryStore {
    pub async fn create(root: PathBuf) -> Result<Self> {
        let store = DirectoryStore {
            objects: root.join(OBJECTS),
            tmp: root.join(TMP),
            root,
        };
        let (objects, tmp) = (store.objects.clone(), store.tmp.clone());
        blocking(move || {
            for dir in [&objects, &tmp] {
                if !dir.is_dir() {
                    fs::create_dir_all(dir)?;
                    if let Some(parent) = dir.parent() {
                        sync_dir(parent)?;
                    }
                }
            }
            Ok(())
        })
        .await?;
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `sha256/ab/cd/abcd…`. Only ever called with a checked hash.
    fn path_of(&self, sha256: &str) -> PathBuf {
        let (a, b) = (sha256.get(0..2).unwrap_or("00"), sha256.get(2..4).unwrap_or("00"));
        self.objects.join(a).join(b).join(sha256)
    }

    pub async fn begin(&self) -> Result<Staging> {
        let tmp = self.tmp.clone();
        blocking(move || {
            let (file, path) = tempfile::Builder::new()
                .prefix("put-")
                .suffix(".partial")
                .tempfile_in(&tmp)?
                .into_parts();
            Ok(Staging { file: Some(file), path })
        })
        .await
    }

    /// Makes the staged file durable and read-only, then links it to its final name unless that
    /// name exists. Answers whether it was newly stored; the temporary name is removed either way.
    pub async fn commit(&self, mut staging: Staging, hashes: &Hashes) -> Result<bool> {
        let target = self.path_of(&hashes.sha256);
        let objects = self.objects.clone();
        blocking(move || {
            let file = staging
                .file
                .take()
                .ok_or_else(|| io::Error::other("upload already committed"))?;
            make_read_only(&file)?;
            file.sync_all()?;
            drop(file);
            let shard = target
                .parent()
                .ok_or_else(|| io::Error::other("stored file path has no parent"))?;
            ensure_shard(&objects, shard)?;
            let newly = match link_create_only(&staging.path, &target) {
                Ok(()) => {
                    // The new name is durable once its directory is.
                    sync_dir(shard)?;
                    true
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => false,
                Err(e) => return Err(e.into()),
            };
            if let Err(e) = staging.path.close() {
                // The file is stored; a leftover temporary name is for remove_stale_temp.
                if e.kind() != io::ErrorKind::NotFound {
                    tracing::warn!(error = %e, "could not remove a temporary upload file");
                }
            }
            Ok(newly)
        })
        .await
    }

    pub async fn open(&self, sha256: &str) -> Result<FileReader> {
        let file = self.open_file(sha256).await?;
        Ok(Box::pin(file))
    }

    async fn open_file(&self, sha256: &str) -> Result<tokio::fs::File> {
        tokio::fs::File::open(self.path_of(sha256))
            .await
            .map_err(|e| not_found_or(e, sha256))
    }

    pub async fn read_range(&self, sha256: &str, range: Range<u64>) -> Result<FileReader> {
        let mut file = self.open_file(sha256).await?;
        let size = file.metadata().await?.len();
        check_range(&range, size)?;
        file.seek(SeekFrom::Start(range.start)).await?;
        Ok(Box::pin(file.take(range.end - range.start)))
    }

    pub async fn size(&self, sha256: &str) -> Result<u64> {
        let metadata = tokio::fs::metadata(self.path_of(sha256))
            .await
            .map_err(|e| not_found_or(e, sha256))?;
        if metadata.is_file() {
            Ok(metadata.len())
        } else {
            Err(Error::Unexpected(self.path_of(sha256).display().to_string()))
        }
    }

    pub fn list(&self) -> BoxStream<'static, Result<String>> {
        let (tx, rx) = mpsc::channel(256);
        let objects = self.objects.clone();
        tokio::task::spawn_blocking(move || walk(&objects, &tx));
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) }).boxed()
    }

    pub async fn remove_stale_temp(&self, older_than: SystemTime) -> Result<u64> {
        let tmp = self.tmp.clone();
        blocking(move || {
            let mut removed = 0;
            for entry in fs::read_dir(&tmp)? {
                let entry = entry?;
                let metadata = entry.metadata()?;
                if metadata.is_file() && metadata.modified()? < older_than {
                    match fs::remove_file(entry.path()) {
                        Ok(()) => removed += 1,
                        // Finished or removed by its own upload meanwhile.
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            Ok(removed)
        })
        .await
    }
}

impl Sink for Staging {
    async fn write(&mut self, chunk: Bytes) -> Result<()> {
        let mut file = self
            .file
            .take()
            .ok_or_else(|| io::Error::other("upload already committed"))?;
        let (file, written) = tokio::task::spawn_blocking(move || {
            let written = file.write_all(&chunk);
            (file, written)
        })
        .await
        .map_err(join_error)?;
        self.file = Some(file);
        Ok(written?)
    }
}

fn not_found_or(e: io::Error, sha256: &str) -> Error {
    if e.kind() == io::ErrorKind::NotFound {
        Error::NotFound(sha256.to_owned())
    } else {
        Error::Io(e)
    }
}

#[cfg(unix)]
fn make_read_only(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(0o440))
}

#[cfg(not(unix))]
fn make_read_only(file: &File) -> io::Result<()> {
    let mut permissions = file.metadata()?.permissions();
    permissions.set_readonly(true);
    file.set_permissions(permissions)
}

/// fsync of a directory: makes the names created in it durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Creates `sha256/ab/cd` if missing, durably (each new directory's parent is fsynced).
fn ensure_shard(objects: &Path, shard: &Path) -> io::Result<()> {
    if shard.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(shard)?;
    let mut dir = shard;
    while let Some(parent) = dir.parent() {
        sync_dir(parent)?;
        if parent == objects {
            break;
        }
        dir = parent;
    }
    Ok(())
}

/// Gives `from` the additional name `to`, failing with `AlreadyExists` if `to` exists: a hard
/// link never replaces anything, which is what makes stored files create-only.
///
/// On a file system without hard links (FAT, some network mounts) it falls back to
/// check-then-rename, which is not atomic: two uploads of the same content may both rename, the
/// second replacing the first with the same bytes (same name ⇒ same content). Use a POSIX file
/// system for the data directory.
fn link_create_only(from: &Path, to: &Path) -> io::Result<()> {
    match fs::hard_link(from, to) {
        Ok(()) => Ok(()),
        Err(e) if matches!(e.kind(), io::ErrorKind::Unsupported | io::ErrorKind::PermissionDenied) => {
            if fs::symlink_metadata(to).is_ok() {
                return Err(io::Error::from(io::ErrorKind::AlreadyExists));
            }
            fs::rename(from, to)
        }
        Err(e) => Err(e),
    }
}

/// Lists `sha256/ab/cd/<hash>` in order, sending each hash (or each stray entry as an error).
/// Stops when the receiver is gone.
fn walk(objects: &Path, tx: &mpsc::Sender<Result<String>>) {
    let send = |item: Result<String>| tx.blocking_send(item).is_ok();
    let shards = |dir: &Path| -> io::Result<Vec<(String, PathBuf, bool)>> {
        let mut entries = Vec::new();
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let is_dir = entry.file_type()?.is_dir();
            entries.push((entry.file_name().to_string_lossy().into_owned(), entry.path(), is_dir));
        }
        entries.sort();
        Ok(entries)
    };
    let is_shard = |name: &str, is_dir: bool| is_dir && name.len() == 2 && is_hex(name);
    let top = match shards(objects) {
        Ok(top) => top,
        Err(e) => {
            send(Err(e.into()));
            return;
        }
    };
    for (a, a_path, a_dir) in top {
        if !is_shard(&a, a_dir) {
            if !send(Err(Error::Unexpected(a_path.display().to_string()))) {
                return;
            }
            continue;
        }
        let second = match shards(&a_path) {
            Ok(second) => second,
            Err(e) => {
                if !send(Err(e.into())) {
                    return;
                }
                continue;
            }
        };
        for (b, b_path, b_dir) in second {
            if !is_shard(&b, b_dir) {
                if !send(Err(Error::Unexpected(b_path.display().to_string()))) {
                    return;
                }
                continue;
            }
            let files = match shards(&b_path) {
                Ok(files) => files,
                Err(e) => {
                    if !send(Err(e.into())) {
                        return;
                    }
                    continue;
                }
            };
            let prefix = format!("{a}{b}");
            for (name, path, is_dir) in files {
                let item = if !is_dir && is_sha256_hex(&name) && name.starts_with(&prefix) {
                    Ok(name)
                } else {
                    Err(Error::Unexpected(path.display().to_string()))
                };
                if !send(item) {
                    return;
                }
            }
        }
    }
}

fn is_hex(name: &str) -> bool {
    name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
