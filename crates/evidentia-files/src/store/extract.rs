//! Metadata of a stored file, reading only the parts needed.
//!
//! The extraction is synchronous and reads through [`Source`]; the store is asynchronous and
//! may be remote. So the extraction runs over what has been fetched — the first
//! [`PREFIX_LIMIT`] bytes, then whatever ranges it asked for — and when it asks for bytes not yet
//! fetched, it is run again once they are (at most [`MAX_ROUNDS`] times, [`FETCH_BUDGET`] bytes
//! in all). For a phone video with its `moov` box at the end that is two or three rounds.

use bytes::Bytes;
use tokio::io::AsyncReadExt;

use super::FileStore;
use crate::error::{Result, join_error};
use crate::metadata::{ExtractedMetadata, PREFIX_LIMIT, Source, extract_with};

const MAX_ROUNDS: usize = 16;
const FETCH_BUDGET: u64 = 24 * 1024 * 1024;
/// Fetch at least this much at a time: box headers are small and close together.
const MIN_FETCH: u64 = 64 * 1024;

/// The prefix and the fetched ranges of a stored file.
struct Fetched {
    size: u64,
    prefix: Bytes,
    ranges: Vec<(u64, Bytes)>,
    /// The first range asked for and not available.
    missing: Option<(u64, u64)>,
}

impl Fetched {
    fn slice(bytes: &Bytes, start: u64, offset: u64, len: u64) -> Option<Vec<u8>> {
        let from = usize::try_from(offset.checked_sub(start)?).ok()?;
        let to = usize::try_from(offset.checked_sub(start)?.checked_add(len)?).ok()?;
        bytes.get(from..to).map(<[u8]>::to_vec)
    }
}

impl Source for Fetched {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&mut self, offset: u64, len: usize) -> Option<Vec<u8>> {
        let len = (len as u64).min(self.size.saturating_sub(offset));
        if len == 0 {
            return Some(Vec::new());
        }
        if let Some(bytes) = Self::slice(&self.prefix, 0, offset, len) {
            return Some(bytes);
        }
        for (start, bytes) in &self.ranges {
            if let Some(bytes) = Self::slice(bytes, *start, offset, len) {
                return Some(bytes);
            }
        }
        if self.missing.is_none() {
            self.missing = Some((offset, len));
        }
        None
    }
}

impl FileStore {
    /// [`crate::metadata::extract`] over a stored file: image metadata from its first
    /// [`PREFIX_LIMIT`] bytes, MP4/QuickTime headers wherever they are (ranged reads).
    pub async fn extract_metadata(&self, sha256: &str, media_type_hint: Option<&str>) -> Result<ExtractedMetadata> {
        let size = self.size(sha256).await?;
        let prefix = self.read_all(sha256, 0, size.min(PREFIX_LIMIT as u64)).await?;
        let mut fetched = Fetched {
            size,
            prefix,
            ranges: Vec::new(),
            missing: None,
        };
        let hint = media_type_hint.map(str::to_owned);
        let mut spent = 0u64;
        let mut round = 0;
        loop {
            round += 1;
            let hint = hint.clone();
            let (metadata, back) = tokio::task::spawn_blocking(move || {
                fetched.missing = None;
                let prefix = fetched.prefix.clone();
                let metadata = extract_with(&prefix, &mut fetched, hint.as_deref());
                (metadata, fetched)
            })
            .await
            .map_err(join_error)?;
            fetched = back;
            let Some((offset, len)) = fetched.missing else {
                return Ok(metadata);
            };
            let len = len.max(MIN_FETCH).min(size.saturating_sub(offset));
            if round >= MAX_ROUNDS || spent.saturating_add(len) > FETCH_BUDGET {
                return Ok(metadata);
            }
            spent += len;
            let bytes = self.read_all(sha256, offset, len).await?;
            fetched.ranges.push((offset, bytes));
        }
    }

    /// `len` bytes at `offset`, in memory (callers bound `len`).
    async fn read_all(&self, sha256: &str, offset: u64, len: u64) -> Result<Bytes> {
        let mut reader = self.read_range(sha256, offset..offset.saturating_add(len)).await?;
        let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0).min(PREFIX_LIMIT));
        reader.read_to_end(&mut buf).await?;
        Ok(Bytes::from(buf))
    }
}

/// What a stored picture gives beyond its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureFacts {
    /// 64-bit difference hash, for finding similar pictures by Hamming distance.
    pub perceptual_hash: u64,
    /// SHA-256 of a JPEG thumbnail, stored in the same file store.
    pub thumbnail_sha256: String,
}

/// Largest picture decoded for a perceptual hash and a thumbnail.
pub const MAX_PICTURE_BYTES: u64 = 64 * 1024 * 1024;
/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;

impl FileStore {
    /// The perceptual hash and a stored thumbnail of a picture; `None` for files that are not
    /// pictures this crate decodes, or are larger than [`MAX_PICTURE_BYTES`]. Decoding runs on a
    /// blocking thread.
    pub async fn picture_facts(&self, sha256: &str) -> Result<Option<PictureFacts>> {
        let size = self.size(sha256).await?;
        if size > MAX_PICTURE_BYTES {
            return Ok(None);
        }
        let bytes = self.read_all(sha256, 0, size).await?;
        let computed = tokio::task::spawn_blocking(move || crate::metadata::hash_and_thumbnail(&bytes, THUMBNAIL_SIDE))
            .await
            .map_err(|e| crate::Error::Unexpected(e.to_string()))?;
        let Some((perceptual_hash, thumbnail)) = computed else {
            return Ok(None);
        };
        let stored = self.put(std::io::Cursor::new(thumbnail), MAX_PICTURE_BYTES).await?;
        Ok(Some(PictureFacts {
            perceptual_hash,
            thumbnail_sha256: stored.sha256,
        }))
    }
}
