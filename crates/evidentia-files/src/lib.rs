//! Evidence files: the content-addressed file store and the metadata found inside files.
//!
//! - [`FileStore`] keeps every file under its SHA-256 (lower-case hex), computes BLAKE3 in the
//!   same pass (a second, independent hash in case SHA-256 ever weakens), stores identical
//!   content once and never overwrites a stored file. Two backends: a directory on a local file
//!   system (the embedded default, `DATA/files`) and S3-compatible object storage (feature `s3`,
//!   on by default). The backend is chosen once, at start-up, from a location string
//!   ([`FileStore::from_location`]).
//! - [`metadata`] reads what a file says about itself — media type by magic bytes, EXIF, XMP,
//!   MP4/QuickTime headers — and computes perceptual hashes and thumbnails of images. It is pure
//!   computation over bytes, bounded on hostile input, and never panics.
//!
//! The store's API takes no file names at all: a file is put as a byte stream and addressed by
//! the hash of its content, so nothing a client sends can become a path.

mod error;
mod hashing;
pub mod metadata;
mod store;

pub use error::{Error, Result};
pub use hashing::is_sha256_hex;
pub use store::{
    CHUNK_SIZE, FileReader, FileStore, MAX_PICTURE_BYTES, PictureFacts, StoredFile, THUMBNAIL_SIDE, VerifyOutcome,
};
