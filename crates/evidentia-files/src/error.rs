//! What can go wrong in the file store.
//!
//! Callers map these to answers: [`Error::TooLarge`] and [`Error::Empty`] are the uploader's
//! fault (413 and 422), [`Error::Incomplete`] means the upload was cut off (nothing was stored;
//! the client may retry), [`Error::NotFound`] is a 404, [`Error::Corrupt`] must reach an
//! operator (a stored file no longer matches its name), everything else is a server fault.

use std::io;

/// What can go wrong in a [`crate::FileStore`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input had no bytes at all; an empty file is never evidence of anything.
    #[error("the file is empty")]
    Empty,
    /// The input was longer than the limit given to `put`; nothing was stored.
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    /// Reading the input failed after `received` bytes (an upload cut off, a disk read error);
    /// nothing was stored.
    #[error("the upload was cut off after {received} bytes: {source}")]
    Incomplete {
        received: u64,
        #[source]
        source: io::Error,
    },
    /// No stored file has this SHA-256.
    #[error("no stored file has SHA-256 {0}")]
    NotFound(String),
    /// The string is not a SHA-256 in lower-case hexadecimal (64 characters `0-9a-f`).
    #[error("not a lower-case hexadecimal SHA-256: {0:?}")]
    InvalidHash(String),
    /// A stored file does not hash to its name. It is left exactly as found, for an operator to
    /// examine; the store never replaces it.
    #[error("the file stored as {sha256} is corrupt: its content hashes to {actual_sha256}")]
    Corrupt { sha256: String, actual_sha256: String },
    /// A byte range outside the stored file.
    #[error("the range {start}..{end} is not inside the file of {size} bytes")]
    InvalidRange { start: u64, end: u64, size: u64 },
    /// Something in the store that is not a stored file where only stored files belong (a stray
    /// name in the directory tree or under the object prefix). Reported by `list`.
    #[error("unexpected entry in the file store: {0}")]
    Unexpected(String),
    /// The location string does not name a usable store.
    #[error("invalid file store location {location:?}: {reason}")]
    InvalidLocation { location: String, reason: String },
    /// The local file system failed.
    #[error("file store I/O: {0}")]
    Io(#[from] io::Error),
    /// The object storage service failed.
    #[error("object storage: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn invalid_location(location: &str, reason: impl Into<String>) -> Self {
        Error::InvalidLocation {
            location: redact_location(location),
            reason: reason.into(),
        }
    }
}

/// The location without anything that could be a secret: user information and the query string
/// (an S3 URL should not carry keys, but a mistaken one must not end up in a log).
fn redact_location(location: &str) -> String {
    match url::Url::parse(location) {
        Ok(mut parsed) if parsed.scheme() != "file" && parsed.has_host() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.set_query(None);
            parsed.to_string()
        }
        _ => location.to_owned(),
    }
}

/// A task running blocking file work could not finish (it panicked or the runtime is going
/// down); reported as I/O.
pub(crate) fn join_error(e: tokio::task::JoinError) -> Error {
    Error::Io(io::Error::other(format!("blocking task failed: {e}")))
}
