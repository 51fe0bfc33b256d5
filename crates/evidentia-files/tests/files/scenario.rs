//! The store scenario: what every backend must do. Run by `store_dir` and `store_s3`.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use evidentia_files::{Error, FileStore};
use futures_util::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};

use crate::fixtures;

/// Writes bytes at a stored file's place behind the store's back (a corrupted disk, an
/// attacker): what `verify` and create-only are for.
pub trait Backdoor {
    async fn plant(&self, sha256: &str, bytes: &[u8]);
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

async fn read_all(store: &FileStore, sha256: &str) -> Vec<u8> {
    let mut out = Vec::new();
    store.open(sha256).await.unwrap().read_to_end(&mut out).await.unwrap();
    out
}

async fn listed(store: &FileStore) -> Vec<String> {
    store.list().try_collect().await.unwrap()
}

/// A reader that yields `data` in pieces of `step` bytes, then fails if `fail` (an upload cut
/// off: the connection reset after `data.len()` bytes).
pub struct Flaky {
    data: Vec<u8>,
    at: usize,
    step: usize,
    fail: bool,
}

impl Flaky {
    pub fn new(data: Vec<u8>, step: usize, fail: bool) -> Self {
        Flaky {
            data,
            at: 0,
            step,
            fail,
        }
    }
}

impl AsyncRead for Flaky {
    fn poll_read(mut self: Pin<&mut Self>, _: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if self.at >= self.data.len() {
            if self.fail {
                return Poll::Ready(Err(io::Error::new(io::ErrorKind::ConnectionReset, "connection reset")));
            }
            return Poll::Ready(Ok(()));
        }
        let end = (self.at + self.step)
            .min(self.data.len())
            .min(self.at + buf.remaining());
        let at = self.at;
        buf.put_slice(&self.data[at..end]);
        self.at = end;
        Poll::Ready(Ok(()))
    }
}

/// Several chunks and an odd tail, so that chunk boundaries are crossed.
fn sample(len: usize, seed: u64) -> Vec<u8> {
    fixtures::noise(len, seed)
}

pub async fn round_trip(store: &FileStore) {
    let data = sample(3 * 1024 * 1024 + 17, 1);
    let stored = store
        .put(Flaky::new(data.clone(), 10_000, false), 1 << 30)
        .await
        .unwrap();
    assert_eq!(stored.sha256, sha256_hex(&data));
    assert_eq!(stored.blake3, blake3::hash(&data).to_hex().to_string());
    assert_eq!(stored.size, data.len() as u64);
    assert!(stored.newly_stored);

    assert_eq!(read_all(store, &stored.sha256).await, data);
    assert!(store.exists(&stored.sha256).await.unwrap());
    assert_eq!(store.size(&stored.sha256).await.unwrap(), data.len() as u64);

    let mut part = Vec::new();
    let range = 1_048_570..2_097_160;
    store
        .read_range(&stored.sha256, range.clone())
        .await
        .unwrap()
        .read_to_end(&mut part)
        .await
        .unwrap();
    assert_eq!(part, data[range.start as usize..range.end as usize]);
    let mut empty = Vec::new();
    store
        .read_range(&stored.sha256, 5..5)
        .await
        .unwrap()
        .read_to_end(&mut empty)
        .await
        .unwrap();
    assert!(empty.is_empty());
    let size = data.len() as u64;
    assert!(matches!(
        store.read_range(&stored.sha256, size - 1..size + 1).await,
        Err(Error::InvalidRange { .. })
    ));

    let outcome = store.verify(&stored.sha256).await.unwrap();
    assert!(outcome.ok);
    assert_eq!(outcome.actual_blake3, stored.blake3);
    assert_eq!(outcome.size, size);
}

pub async fn small_file(store: &FileStore) {
    let stored = store.put(&b"x"[..], 1).await.unwrap();
    assert_eq!(stored.size, 1);
    assert_eq!(read_all(store, &stored.sha256).await, b"x");
}

pub async fn dedup(store: &FileStore) {
    let data = sample(200_000, 2);
    let first = store.put(&data[..], 1 << 20).await.unwrap();
    let second = store.put(&data[..], 1 << 20).await.unwrap();
    assert!(first.newly_stored);
    assert!(!second.newly_stored);
    assert_eq!(
        (first.sha256.clone(), first.blake3.clone(), first.size),
        (second.sha256, second.blake3, second.size)
    );
    assert_eq!(listed(store).await, vec![first.sha256]);
}

pub async fn empty_is_refused(store: &FileStore) {
    assert!(matches!(store.put(&b""[..], 100).await, Err(Error::Empty)));
    assert!(listed(store).await.is_empty());
}

pub async fn too_large_is_refused(store: &FileStore) {
    let data = sample(2 * 1024 * 1024 + 1, 3);
    let limit = 2 * 1024 * 1024;
    assert!(matches!(
        store.put(&data[..], limit).await,
        Err(Error::TooLarge { limit: l }) if l == limit
    ));
    // Exactly at the limit is fine.
    let at_limit = store.put(&data[..limit as usize], limit).await.unwrap();
    assert_eq!(listed(store).await, vec![at_limit.sha256]);
    assert!(!store.exists(&sha256_hex(&data)).await.unwrap());
    // A small limit refuses at once, before the first chunk is complete.
    assert!(matches!(
        store.put(&b"abc"[..], 2).await,
        Err(Error::TooLarge { limit: 2 })
    ));
}

pub async fn cut_off_upload_leaves_nothing(store: &FileStore) {
    let data = sample(2 * 1024 * 1024 + 500, 4);
    let result = store.put(Flaky::new(data.clone(), 64 * 1024, true), 1 << 30).await;
    match result {
        Err(Error::Incomplete { received, .. }) => assert_eq!(received, data.len() as u64),
        other => panic!("expected Incomplete, got {other:?}"),
    }
    // Cut off inside the first chunk too.
    let result = store.put(Flaky::new(data[..1000].to_vec(), 100, true), 1 << 30).await;
    assert!(matches!(result, Err(Error::Incomplete { received: 1000, .. })));
    assert!(listed(store).await.is_empty());
    assert!(!store.exists(&sha256_hex(&data)).await.unwrap());
}

pub async fn concurrent_puts_of_the_same_content(store: &FileStore) {
    let data = sample(1_500_000, 5);
    let puts = (0..6).map(|_| store.put(Flaky::new(data.clone(), 50_000, false), 1 << 30));
    let results = futures_util::future::join_all(puts).await;
    let stored: Vec<_> = results.into_iter().map(Result::unwrap).collect();
    assert!(stored.iter().all(|s| s.sha256 == sha256_hex(&data)));
    assert_eq!(stored.iter().filter(|s| s.newly_stored).count(), 1, "{stored:?}");
    assert_eq!(listed(store).await, vec![sha256_hex(&data)]);
    assert_eq!(read_all(store, &sha256_hex(&data)).await, data);
}

pub async fn verify_detects_a_flipped_byte(store: &FileStore, backdoor: &impl Backdoor) {
    let data = sample(100_000, 6);
    let stored = store.put(&data[..], 1 << 20).await.unwrap();
    let mut flipped = data.clone();
    flipped[54_321] ^= 0x01;
    backdoor.plant(&stored.sha256, &flipped).await;
    let outcome = store.verify(&stored.sha256).await.unwrap();
    assert!(!outcome.ok);
    assert_eq!(outcome.actual_sha256, sha256_hex(&flipped));
    assert_eq!(outcome.size, data.len() as u64);
}

/// A different file already sits under the name of the content being put: the store must not
/// replace it (it is evidence of what happened) and must not answer as if all were well.
pub async fn create_only(store: &FileStore, backdoor: &impl Backdoor) {
    let genuine = sample(300_000, 7);
    let impostor = sample(300_000, 8);
    let name = sha256_hex(&genuine);
    backdoor.plant(&name, &impostor).await;

    let outcome = store.verify(&name).await.unwrap();
    assert!(!outcome.ok);

    match store.put(&genuine[..], 1 << 20).await {
        Err(Error::Corrupt { sha256, actual_sha256 }) => {
            assert_eq!(sha256, name);
            assert_eq!(actual_sha256, sha256_hex(&impostor));
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    // The planted file is untouched.
    assert_eq!(read_all(store, &name).await, impostor);
}

pub async fn list_returns_all(store: &FileStore) {
    let mut expected = Vec::new();
    for seed in 10..17 {
        let data = sample(1000 + seed as usize, seed);
        expected.push(store.put(&data[..], 1 << 20).await.unwrap().sha256);
    }
    expected.sort();
    assert_eq!(listed(store).await, expected);
    // Every listed file verifies.
    let mut stream = store.list();
    while let Some(sha256) = stream.next().await {
        assert!(store.verify(&sha256.unwrap()).await.unwrap().ok);
    }
}

/// The API takes no file names: only a SHA-256 in lower-case hex ever names a file, so nothing
/// a client sends can become a path or an object key.
pub async fn only_hashes_name_files(store: &FileStore) {
    let stored = store.put(&b"evidence"[..], 100).await.unwrap();
    for bad in [
        "../../../etc/passwd".to_owned(),
        stored.sha256.to_uppercase(),
        format!("{}/..", &stored.sha256[..61]),
        format!("../{}", &stored.sha256[..61]),
        format!("{}\0", &stored.sha256[..63]),
        String::new(),
        "a".repeat(1000),
    ] {
        assert!(matches!(store.open(&bad).await, Err(Error::InvalidHash(_))), "{bad:?}");
        assert!(
            matches!(store.verify(&bad).await, Err(Error::InvalidHash(_))),
            "{bad:?}"
        );
        assert!(
            matches!(store.exists(&bad).await, Err(Error::InvalidHash(_))),
            "{bad:?}"
        );
        assert!(
            matches!(store.read_range(&bad, 0..1).await, Err(Error::InvalidHash(_))),
            "{bad:?}"
        );
    }
    let absent = "0".repeat(64);
    assert!(matches!(store.open(&absent).await, Err(Error::NotFound(_))));
    assert!(matches!(store.size(&absent).await, Err(Error::NotFound(_))));
    assert!(!store.exists(&absent).await.unwrap());
}

/// Metadata of a stored phone video whose `moov` box is far from the start.
pub async fn extract_metadata_reads_moov_at_the_end(store: &FileStore) {
    let video = fixtures::mp4(20 * 1024 * 1024);
    let stored = store.put(&video[..], 1 << 30).await.unwrap();
    let meta = store.extract_metadata(&stored.sha256, Some("video/mp4")).await.unwrap();
    assert_eq!(meta.media_type, "video/mp4");
    assert_eq!(meta.duration_seconds, Some(12.345));
    assert_eq!(meta.captured_at.as_deref(), Some("2024-01-02T06:04:05+03:00"));
    let gps = meta.gps.expect("location");
    assert_eq!((gps.lat, gps.lon), (50.4501, 30.5234));
    assert!(meta.warnings.is_empty(), "{:?}", meta.warnings);
}
