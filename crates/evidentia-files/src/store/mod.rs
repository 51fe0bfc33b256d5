//! The content-addressed file store.
//!
//! A file is `put` as a byte stream. The store streams it into a temporary place while computing
//! SHA-256 and BLAKE3, then gives it its final name — the SHA-256 — with create-only semantics:
//! an existing stored file is never replaced. Memory stays bounded whatever the size: the input
//! is read in chunks of [`CHUNK_SIZE`], one chunk being hashed and written while the next is read.
//!
//! # Layouts
//!
//! - Directory (`DATA/files`): `sha256/ab/cd/abcd…` (two levels of 256 shards, so that no
//!   directory holds millions of entries) and `tmp/` for uploads in progress, on the same file
//!   system. A file is written to `tmp/`, made read-only (0o440), `sync_all`ed, hard-linked to its
//!   final name — a hard link fails if the name exists, which is the create-only guarantee — and
//!   the shard directory is fsynced before `put` returns (as Garage's block manager does).
//! - S3: `PREFIX/sha256/<hash>` and `PREFIX/tmp/<random>`. A file is uploaded to a temporary key
//!   by multipart upload, copied to its final key with copy-if-not-exists (by default a multipart
//!   copy completed with `If-None-Match: *`, which AWS S3 and compatible servers honour), and the
//!   temporary key is deleted.
//!
//! # When the name is already taken
//!
//! Identical content is stored once: a second `put` of the same bytes answers
//! `newly_stored: false`. Because a name taken by *different* bytes would mean a corrupted or
//! tampered store, the store then re-hashes the file it already holds (streaming; the cost is one
//! read of a file of the size just uploaded). If that file does not match its name, `put` fails
//! with [`Error::Corrupt`] and leaves the stored file exactly as it is, for an operator to examine;
//! the uploaded copy is discarded. `verify` reports the same mismatch.
//!
//! # Interrupted uploads
//!
//! A failed or cancelled `put` removes its temporary file (S3: aborts the multipart upload). A
//! process killed mid-upload can leave temporary files or, on S3, incomplete multipart uploads:
//! [`FileStore::remove_stale_temp`] removes the former; for the latter, give the bucket a
//! lifecycle rule that aborts incomplete multipart uploads after a day.

mod dir;
mod extract;
pub use extract::{MAX_PICTURE_BYTES, PictureFacts, THUMBNAIL_SIDE};
#[cfg(feature = "s3")]
mod s3;

use std::fmt;
use std::future::Future;
use std::io;
use std::ops::Range;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::SystemTime;

use bytes::{Bytes, BytesMut};
use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::error::{Error, Result};
use crate::hashing::{Digests, Hashes, check_sha256};

/// How much of the input is read, hashed and written at a time. Memory per `put` is a small
/// multiple of this (two chunks on the directory backend; on S3 also the parts being uploaded).
pub const CHUNK_SIZE: usize = 1024 * 1024;

/// A stored file's bytes, as returned by [`FileStore::open`] and [`FileStore::read_range`].
pub type FileReader = Pin<Box<dyn AsyncRead + Send>>;

/// The result of a [`FileStore::put`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    /// SHA-256 of the content, lower-case hex: the file's name in the store.
    pub sha256: String,
    /// BLAKE3 of the content, lower-case hex, computed in the same pass.
    pub blake3: String,
    /// Length in bytes.
    pub size: u64,
    /// `false` when the store already held this content (it was verified, not replaced).
    pub newly_stored: bool,
}

/// The result of re-hashing a stored file ([`FileStore::verify`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyOutcome {
    /// The name the file is stored under.
    pub sha256: String,
    /// Whether the content still hashes to its name.
    pub ok: bool,
    /// SHA-256 of the bytes actually stored.
    pub actual_sha256: String,
    /// BLAKE3 of the bytes actually stored (compare with the BLAKE3 recorded at ingest).
    pub actual_blake3: String,
    /// Length of the bytes actually stored.
    pub size: u64,
}

/// The content-addressed file store: a directory or an S3 bucket, chosen once at start-up.
pub struct FileStore {
    backend: Backend,
}

enum Backend {
    Directory(dir::DirectoryStore),
    #[cfg(feature = "s3")]
    S3(s3::S3Store),
}

/// Where bytes of an upload in progress go (the backend's temporary file or object).
trait Sink: Send {
    fn write(&mut self, chunk: Bytes) -> impl Future<Output = Result<()>> + Send;
}

impl FileStore {
    /// The store a location names, as given to `--files`:
    ///
    /// - a path, or a `file://` URL: a directory (created if missing, with `sha256/` and `tmp/`);
    /// - `s3://BUCKET/PREFIX?endpoint=URL&region=R`: S3-compatible object storage. Credentials and
    ///   other settings come from the usual `AWS_*` environment variables (`AWS_ACCESS_KEY_ID`,
    ///   `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`, ...), never from the URL.
    ///   Other parameters: `allow_http=true` (plain HTTP to a non-local endpoint; an endpoint on
    ///   `localhost`, `127.0.0.1` or `::1` may always use HTTP) and `copy_if_not_exists=...`
    ///   (object_store's syntax, e.g. `header:cf-copy-destination-if-none-match:*` for R2; the
    ///   default `multipart` suits AWS S3, MinIO and most others).
    pub async fn from_location(location: &str) -> Result<Self> {
        let trimmed = location.trim();
        if trimmed.is_empty() {
            return Err(Error::invalid_location(location, "empty"));
        }
        let scheme = trimmed.split_once("://").map(|(scheme, _)| scheme.to_ascii_lowercase());
        match scheme.as_deref() {
            None => Self::directory(PathBuf::from(trimmed)).await,
            Some("file") => {
                let url = url::Url::parse(trimmed).map_err(|e| Error::invalid_location(location, e.to_string()))?;
                let path = url
                    .to_file_path()
                    .map_err(|()| Error::invalid_location(location, "not a local absolute path"))?;
                Self::directory(path).await
            }
            Some("s3") => Self::s3(trimmed),
            Some(other) => Err(Error::invalid_location(
                location,
                format!("unsupported scheme {other:?}: use a directory, file:// or s3://"),
            )),
        }
    }

    /// A store in a local directory (created if missing).
    pub async fn directory(root: impl Into<PathBuf>) -> Result<Self> {
        Ok(FileStore {
            backend: Backend::Directory(dir::DirectoryStore::create(root.into()).await?),
        })
    }

    /// A store in S3-compatible object storage; see [`FileStore::from_location`] for the URL.
    /// Nothing is contacted until the first operation.
    #[cfg(feature = "s3")]
    pub fn s3(url: &str) -> Result<Self> {
        Ok(FileStore {
            backend: Backend::S3(s3::S3Store::from_url(url)?),
        })
    }

    #[cfg(not(feature = "s3"))]
    fn s3(url: &str) -> Result<Self> {
        Err(Error::invalid_location(
            url,
            "this build has no S3 support (feature `s3`)",
        ))
    }

    /// Stores the bytes `reader` yields, refusing more than `limit` bytes.
    ///
    /// Streams: at most a few [`CHUNK_SIZE`] chunks are in memory whatever the size. Errors:
    /// [`Error::Empty`] for no bytes, [`Error::TooLarge`] past `limit`, [`Error::Incomplete`] if
    /// `reader` fails (an upload cut off); in all three nothing is stored and nothing temporary is
    /// left. [`Error::Corrupt`] if the name is taken by a file that does not match it (see the
    /// module documentation). Dropping the future part-way removes the temporary file too.
    ///
    /// The end of `reader` is taken as the end of the file: a reader over an HTTP body must
    /// report a body cut short as an error (hyper does when `Content-Length` or chunked framing
    /// says more was coming), not as a clean end.
    pub async fn put<R>(&self, reader: R, limit: u64) -> Result<StoredFile>
    where
        R: AsyncRead + Unpin + Send,
    {
        let mut input = Input {
            reader,
            limit,
            received: 0,
        };
        // The first chunk is read before anything is created, so that an empty or tiny refused
        // input costs the backend nothing.
        let first = input.next_chunk().await?;
        if first.is_empty() {
            return Err(Error::Empty);
        }
        let (hashes, newly_stored) = match &self.backend {
            Backend::Directory(store) => {
                let mut staging = store.begin().await?;
                // On error the staging file is dropped, which removes it.
                let hashes = pump(&mut input, &mut staging, first).await?;
                let newly = store.commit(staging, &hashes).await?;
                (hashes, newly)
            }
            #[cfg(feature = "s3")]
            Backend::S3(store) => {
                let mut staging = store.begin().await?;
                match pump(&mut input, &mut staging, first).await {
                    Ok(hashes) => {
                        let newly = store.commit(staging, &hashes).await?;
                        (hashes, newly)
                    }
                    Err(e) => {
                        staging.abort().await;
                        return Err(e);
                    }
                }
            }
        };
        if !newly_stored {
            // The name was taken: make sure by whom.
            let outcome = self.verify(&hashes.sha256).await?;
            if !outcome.ok {
                return Err(Error::Corrupt {
                    sha256: outcome.sha256,
                    actual_sha256: outcome.actual_sha256,
                });
            }
        }
        Ok(StoredFile {
            sha256: hashes.sha256,
            blake3: hashes.blake3,
            size: hashes.size,
            newly_stored,
        })
    }

    /// The stored file's bytes from the start. [`Error::NotFound`] if there is none.
    pub async fn open(&self, sha256: &str) -> Result<FileReader> {
        check_sha256(sha256)?;
        match &self.backend {
            Backend::Directory(store) => store.open(sha256).await,
            #[cfg(feature = "s3")]
            Backend::S3(store) => store.open(sha256).await,
        }
    }

    /// The bytes `range` (end exclusive) of the stored file; [`Error::InvalidRange`] unless
    /// `range.start <= range.end <= size`.
    pub async fn read_range(&self, sha256: &str, range: Range<u64>) -> Result<FileReader> {
        check_sha256(sha256)?;
        match &self.backend {
            Backend::Directory(store) => store.read_range(sha256, range).await,
            #[cfg(feature = "s3")]
            Backend::S3(store) => store.read_range(sha256, range).await,
        }
    }

    /// Whether a file is stored under this SHA-256.
    pub async fn exists(&self, sha256: &str) -> Result<bool> {
        match self.size(sha256).await {
            Ok(_) => Ok(true),
            Err(Error::NotFound(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The stored file's length in bytes. [`Error::NotFound`] if there is none.
    pub async fn size(&self, sha256: &str) -> Result<u64> {
        check_sha256(sha256)?;
        match &self.backend {
            Backend::Directory(store) => store.size(sha256).await,
            #[cfg(feature = "s3")]
            Backend::S3(store) => store.size(sha256).await,
        }
    }

    /// The SHA-256 of every stored file, in ascending order, as a stream (a store can hold
    /// millions). Anything else found where only stored files belong comes as
    /// [`Error::Unexpected`] naming it, and the listing goes on.
    pub fn list(&self) -> BoxStream<'static, Result<String>> {
        match &self.backend {
            Backend::Directory(store) => store.list(),
            #[cfg(feature = "s3")]
            Backend::S3(store) => store.list(),
        }
    }

    /// Re-hashes the stored bytes (streaming) and says whether they still match their name.
    pub async fn verify(&self, sha256: &str) -> Result<VerifyOutcome> {
        let reader = self.open(sha256).await?;
        let hashes = hash_reader(reader).await?;
        Ok(VerifyOutcome {
            sha256: sha256.to_owned(),
            ok: hashes.sha256 == sha256,
            actual_sha256: hashes.sha256,
            actual_blake3: hashes.blake3,
            size: hashes.size,
        })
    }

    /// Removes temporary files (S3: objects under `tmp/`) last modified before `older_than`,
    /// left by a process that died mid-upload; answers how many. Give a time well in the past
    /// (say a day ago): an upload in progress elsewhere is also a temporary file.
    pub async fn remove_stale_temp(&self, older_than: SystemTime) -> Result<u64> {
        match &self.backend {
            Backend::Directory(store) => store.remove_stale_temp(older_than).await,
            #[cfg(feature = "s3")]
            Backend::S3(store) => store.remove_stale_temp(older_than).await,
        }
    }
}

impl fmt::Display for FileStore {
    /// Where the files are, without credentials (for start-up logs and `--help` output).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.backend {
            Backend::Directory(store) => write!(f, "directory {}", store.root().display()),
            #[cfg(feature = "s3")]
            Backend::S3(store) => f.write_str(store.describe()),
        }
    }
}

impl fmt::Debug for FileStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FileStore").field(&self.to_string()).finish()
    }
}

/// The input of a `put`, with what has been read of it.
struct Input<R> {
    reader: R,
    limit: u64,
    received: u64,
}

impl<R: AsyncRead + Unpin + Send> Input<R> {
    /// The next chunk (empty at the end), refusing input past the limit.
    async fn next_chunk(&mut self) -> Result<Bytes> {
        match read_chunk(&mut self.reader, &mut self.received).await {
            Ok(_) if self.received > self.limit => Err(Error::TooLarge { limit: self.limit }),
            Ok(chunk) => Ok(chunk),
            Err(source) => Err(Error::Incomplete {
                received: self.received,
                source,
            }),
        }
    }
}

/// Reads up to [`CHUNK_SIZE`] bytes (fewer only at the end), counting them in `received`.
async fn read_chunk<R: AsyncRead + Unpin>(reader: &mut R, received: &mut u64) -> io::Result<Bytes> {
    let mut buf = BytesMut::with_capacity(CHUNK_SIZE);
    while buf.len() < CHUNK_SIZE {
        // `take` so that a read never grows the buffer past the chunk size.
        let want = (CHUNK_SIZE - buf.len()) as u64;
        match (&mut *reader).take(want).read_buf(&mut buf).await {
            Ok(0) => break,
            Ok(n) => *received = received.saturating_add(n as u64),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(buf.freeze())
}

/// Moves the input into `sink` chunk by chunk, hashing as it goes. While one chunk is hashed and
/// written, the next is read.
async fn pump<R, S>(input: &mut Input<R>, sink: &mut S, first: Bytes) -> Result<Hashes>
where
    R: AsyncRead + Unpin + Send,
    S: Sink,
{
    let mut digests = Digests::new();
    let mut chunk = first;
    loop {
        let process = async {
            let (hashed, written) = tokio::join!(digests.update_blocking(chunk.clone()), sink.write(chunk));
            written?;
            hashed
        };
        let (processed, next) = tokio::join!(process, input.next_chunk());
        digests = processed?;
        chunk = next?;
        if chunk.is_empty() {
            return Ok(digests.finish());
        }
    }
}

/// Hashes everything a reader yields (stored bytes: read errors are the store's).
async fn hash_reader(mut reader: FileReader) -> Result<Hashes> {
    let mut digests = Digests::new();
    let mut read = 0;
    loop {
        let chunk = read_chunk(&mut reader, &mut read).await?;
        if chunk.is_empty() {
            return Ok(digests.finish());
        }
        digests = digests.update_blocking(chunk).await?;
    }
}

/// Checks `range` against a file of `size` bytes.
fn check_range(range: &Range<u64>, size: u64) -> Result<()> {
    if range.start <= range.end && range.end <= size {
        Ok(())
    } else {
        Err(Error::InvalidRange {
            start: range.start,
            end: range.end,
            size,
        })
    }
}
