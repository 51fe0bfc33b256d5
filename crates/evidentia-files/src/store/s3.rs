//! The S3 backend: `PREFIX/sha256/<hash>`, uploads in progress under `PREFIX/tmp/`.

use std::io;
use std::net::IpAddr;
use std::ops::Range;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey, S3CopyIfNotExists};
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart};
use tokio_util::io::StreamReader;

use super::{FileReader, Sink, check_range};
use crate::error::{Error, Result};
use crate::hashing::{Hashes, is_sha256_hex};

/// Part size of multipart uploads: S3's minimum (the last part may be smaller). With S3's limit
/// of 10,000 parts this allows files up to about 48 GiB.
const PART_SIZE: usize = 5 * 1024 * 1024;
/// Parts uploaded at once; with the part being filled this bounds an upload's memory to about
/// three parts.
const PARTS_IN_FLIGHT: usize = 2;

/// How many locks the commits of one store are spread over (by the first byte of the hash).
const COMMIT_LOCKS: usize = 64;

pub(crate) struct S3Store {
    store: Arc<AmazonS3>,
    objects: Path,
    tmp: Path,
    description: String,
    /// Commits of the same content in this process take turns, so that exactly one of them
    /// stores it, whether or not the server enforces the copy's `If-None-Match` atomically
    /// (between processes, only the server can).
    commit_locks: Box<[tokio::sync::Mutex<()>]>,
}

/// An upload in progress: a multipart upload to a temporary key.
pub(crate) struct Staging {
    upload: Option<WriteMultipart>,
    key: Path,
}

fn backend(e: object_store::Error) -> Error {
    Error::Backend(Box::new(e))
}

fn not_found_or(e: object_store::Error, sha256: &str) -> Error {
    match e {
        object_store::Error::NotFound { .. } => Error::NotFound(sha256.to_owned()),
        e => backend(e),
    }
}

impl S3Store {
    /// `s3://BUCKET/PREFIX?endpoint=URL&region=R&allow_http=true&copy_if_not_exists=...`.
    pub fn from_url(location: &str) -> Result<Self> {
        let invalid = |reason: &str| Error::invalid_location(location, reason);
        let url = url::Url::parse(location).map_err(|e| invalid(&e.to_string()))?;
        if url.scheme() != "s3" {
            return Err(invalid("not an s3:// URL"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "credentials do not belong in the URL: use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            ));
        }
        let bucket = url
            .host_str()
            .filter(|b| !b.is_empty())
            .ok_or_else(|| invalid("no bucket"))?;
        let prefix = url.path().trim_matches('/');
        let prefix = if prefix.is_empty() {
            Path::default()
        } else {
            Path::parse(prefix).map_err(|e| invalid(&format!("prefix: {e}")))?
        };

        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        let mut endpoint: Option<url::Url> = None;
        let mut allow_http = false;
        let mut copy_if_not_exists = None;
        let mut region = None;
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "endpoint" => endpoint = Some(url::Url::parse(&value).map_err(|e| invalid(&format!("endpoint: {e}")))?),
                "region" => region = Some(value.into_owned()),
                "allow_http" => allow_http = value.parse().map_err(|_| invalid("allow_http is true or false"))?,
                "copy_if_not_exists" => copy_if_not_exists = Some(value.into_owned()),
                other => return Err(invalid(&format!("unknown parameter {other:?}"))),
            }
        }
        if let Some(region) = &region {
            builder = builder.with_region(region);
        }
        let mut description = format!("s3://{bucket}/{prefix}");
        if let Some(endpoint) = &endpoint {
            match endpoint.scheme() {
                "https" => {}
                "http" if allow_http || is_local(endpoint) => builder = builder.with_allow_http(true),
                "http" => {
                    return Err(invalid(
                        "plain http to a non-local endpoint: use https, or add allow_http=true",
                    ));
                }
                _ => return Err(invalid("the endpoint is an http:// or https:// URL")),
            }
            let endpoint = endpoint.as_str().trim_end_matches('/');
            builder = builder.with_endpoint(endpoint);
            description.push_str(&format!(" at {endpoint}"));
        }
        builder = match copy_if_not_exists {
            Some(value) => builder.with_config(AmazonS3ConfigKey::CopyIfNotExists, value),
            None => builder.with_copy_if_not_exists(S3CopyIfNotExists::Multipart),
        };
        let store = builder.build().map_err(|e| invalid(&e.to_string()))?;
        Ok(S3Store {
            store: Arc::new(store),
            objects: prefix.clone().join("sha256"),
            tmp: prefix.join("tmp"),
            description,
            commit_locks: (0..COMMIT_LOCKS).map(|_| tokio::sync::Mutex::new(())).collect(),
        })
    }

    pub fn describe(&self) -> &str {
        &self.description
    }

    fn key_of(&self, sha256: &str) -> Path {
        self.objects.clone().join(sha256)
    }

    pub async fn begin(&self) -> Result<Staging> {
        let key = self
            .tmp
            .clone()
            .join(format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)).as_str());
        let upload = self.store.put_multipart(&key).await.map_err(backend)?;
        Ok(Staging {
            upload: Some(WriteMultipart::new_with_chunk_size(upload, PART_SIZE)),
            key,
        })
    }

    /// Completes the upload, copies it to its final key unless that key exists, and deletes the
    /// temporary object. Answers whether the file was newly stored.
    pub async fn commit(&self, mut staging: Staging, hashes: &Hashes) -> Result<bool> {
        let upload = staging
            .upload
            .take()
            .ok_or_else(|| Error::Io(io::Error::other("upload already committed")))?;
        upload.finish().await.map_err(backend)?;
        let target = self.key_of(&hashes.sha256);
        let stripe = u8::from_str_radix(hashes.sha256.get(..2).unwrap_or("00"), 16).unwrap_or(0);
        let turn = self.commit_locks[usize::from(stripe) % COMMIT_LOCKS].lock().await;
        // Look first: a duplicate then costs no copy, and on a server that ignores the
        // copy's `If-None-Match` only two uploads racing — of the same content, since the name
        // is its hash — can overlap.
        let copied = match self.store.head(&target).await {
            Ok(_) => Err(object_store::Error::AlreadyExists {
                path: target.to_string(),
                source: "found before copying".into(),
            }),
            Err(object_store::Error::NotFound { .. }) => self.store.copy_if_not_exists(&staging.key, &target).await,
            Err(e) => Err(e),
        };
        drop(turn);
        if let Err(e) = self.store.delete(&staging.key).await {
            // The file is stored (or the copy failed and says so); a leftover temporary object is
            // for remove_stale_temp.
            tracing::warn!(error = %e, key = %staging.key, "could not delete a temporary upload object");
        }
        match copied {
            Ok(()) => Ok(true),
            Err(object_store::Error::AlreadyExists { .. }) => Ok(false),
            Err(e) => Err(backend(e)),
        }
    }

    pub async fn open(&self, sha256: &str) -> Result<FileReader> {
        let got = self
            .store
            .get(&self.key_of(sha256))
            .await
            .map_err(|e| not_found_or(e, sha256))?;
        Ok(Box::pin(StreamReader::new(got.into_stream().map_err(io::Error::other))))
    }

    pub async fn read_range(&self, sha256: &str, range: Range<u64>) -> Result<FileReader> {
        let size = self.size(sha256).await?;
        check_range(&range, size)?;
        if range.is_empty() {
            return Ok(Box::pin(tokio::io::empty()));
        }
        let options = GetOptions {
            range: Some(GetRange::Bounded(range)),
            ..GetOptions::default()
        };
        let got = self
            .store
            .get_opts(&self.key_of(sha256), options)
            .await
            .map_err(|e| not_found_or(e, sha256))?;
        Ok(Box::pin(StreamReader::new(got.into_stream().map_err(io::Error::other))))
    }

    pub async fn size(&self, sha256: &str) -> Result<u64> {
        let meta = self
            .store
            .head(&self.key_of(sha256))
            .await
            .map_err(|e| not_found_or(e, sha256))?;
        Ok(meta.size)
    }

    pub fn list(&self) -> BoxStream<'static, Result<String>> {
        let objects = self.objects.clone();
        let depth = objects.parts_count() + 1;
        self.store
            .list(Some(&self.objects))
            .map(move |meta| {
                let meta = meta.map_err(backend)?;
                let location = &meta.location;
                match location.filename() {
                    Some(name)
                        if location.parts_count() == depth
                            && location.prefix_matches(&objects)
                            && is_sha256_hex(name) =>
                    {
                        Ok(name.to_owned())
                    }
                    _ => Err(Error::Unexpected(location.to_string())),
                }
            })
            .boxed()
    }

    pub async fn remove_stale_temp(&self, older_than: SystemTime) -> Result<u64> {
        let mut removed = 0;
        let mut temporaries = self.store.list(Some(&self.tmp));
        while let Some(meta) = temporaries.next().await {
            let meta = meta.map_err(backend)?;
            if SystemTime::from(meta.last_modified) < older_than {
                match self.store.delete(&meta.location).await {
                    Ok(()) => removed += 1,
                    Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(backend(e)),
                }
            }
        }
        Ok(removed)
    }
}

impl Staging {
    /// Abandons the upload (best effort: a lifecycle rule catches what this misses).
    pub async fn abort(mut self) {
        if let Some(upload) = self.upload.take()
            && let Err(e) = upload.abort().await
        {
            tracing::warn!(error = %e, key = %self.key, "could not abort a multipart upload");
        }
    }
}

impl Drop for Staging {
    /// A `put` dropped mid-upload: abort the multipart upload in the background.
    fn drop(&mut self) {
        if let Some(upload) = self.upload.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move {
                let _ = upload.abort().await;
            });
        }
    }
}

impl Sink for Staging {
    async fn write(&mut self, chunk: Bytes) -> Result<()> {
        let upload = self
            .upload
            .as_mut()
            .ok_or_else(|| Error::Io(io::Error::other("upload already committed")))?;
        upload.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(backend)?;
        upload.put(chunk);
        Ok(())
    }
}

/// Whether plain HTTP to this endpoint stays on this machine.
fn is_local(endpoint: &url::Url) -> bool {
    match endpoint.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}
