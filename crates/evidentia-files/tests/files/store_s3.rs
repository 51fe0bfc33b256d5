//! The S3 backend, against a real S3-compatible server: `scripts/with-s3 cargo test -p
//! evidentia-files` starts one and sets `EVIDENTIA_TEST_S3_URL`
//! (`s3://BUCKET/PREFIX?endpoint=http://127.0.0.1:PORT&region=us-east-1`) and dummy AWS keys.
//! Each test works under a prefix of its own.
//!
//! Without the variable the tests say so and pass — except under `CI=true`, where they fail:
//! CI must never report the S3 backend as tested when it was not.

use evidentia_files::{Error, FileStore};
use futures_util::TryStreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder, S3CopyIfNotExists};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::scenario::Backdoor;

pub struct Env {
    pub store: FileStore,
    raw: AmazonS3,
    prefix: Path,
}

/// The test server's URL, or `None` (outside CI) when there is none.
fn base_url() -> Option<url::Url> {
    match std::env::var("EVIDENTIA_TEST_S3_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url::Url::parse(url.trim()).expect("EVIDENTIA_TEST_S3_URL")),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true but EVIDENTIA_TEST_S3_URL is not set: run the tests under scripts/with-s3")
        }
        _ => {
            eprintln!("EVIDENTIA_TEST_S3_URL is not set: S3 test NOT RUN (use scripts/with-s3)");
            None
        }
    }
}

impl Env {
    pub async fn new() -> Option<Env> {
        let base = base_url()?;
        let mut url = base.clone();
        let prefix = format!("{}/t{:016x}", base.path().trim_matches('/'), fastrand::u64(..));
        let prefix = prefix.trim_start_matches('/').to_owned();
        url.set_path(&format!("/{prefix}"));
        let store = FileStore::from_location(url.as_str()).await.unwrap();

        let query: std::collections::HashMap<_, _> = base.query_pairs().into_owned().collect();
        let mut raw = AmazonS3Builder::from_env()
            .with_bucket_name(base.host_str().unwrap())
            .with_allow_http(true);
        if let Some(endpoint) = query.get("endpoint") {
            raw = raw.with_endpoint(endpoint);
        }
        if let Some(region) = query.get("region") {
            raw = raw.with_region(region);
        }
        Some(Env {
            store,
            raw: raw
                .with_copy_if_not_exists(S3CopyIfNotExists::Multipart)
                .build()
                .unwrap(),
            prefix: Path::parse(&prefix).unwrap(),
        })
    }

    /// Nothing is left under `tmp/`.
    pub async fn check_clean(&self) {
        let tmp = self.prefix.clone().join("tmp");
        let left: Vec<_> = self.raw.list(Some(&tmp)).try_collect().await.unwrap();
        assert!(left.is_empty(), "temporary objects left: {left:?}");
    }
}

impl Backdoor for Env {
    async fn plant(&self, sha256: &str, bytes: &[u8]) {
        let key = self.prefix.clone().join("sha256").join(sha256);
        self.raw.put(&key, PutPayload::from(bytes.to_vec())).await.unwrap();
    }
}

crate::scenarios!(Env::new().await);

#[tokio::test]
async fn stray_objects_are_reported_by_list() {
    let Some(env) = Env::new().await else { return };
    let stored = env.store.put(&b"evidence"[..], 100).await.unwrap();
    let stray = env.prefix.clone().join("sha256").join("notes.txt");
    env.raw.put(&stray, PutPayload::from_static(b"hello")).await.unwrap();
    let items: Vec<_> = futures_util::StreamExt::collect(env.store.list()).await;
    assert_eq!(items.len(), 2);
    assert!(items.iter().any(|i| matches!(i, Ok(s) if *s == stored.sha256)));
    assert!(
        items
            .iter()
            .any(|i| matches!(i, Err(Error::Unexpected(k)) if k.ends_with("notes.txt")))
    );
}

/// What create-only rests on when two uploads race: the server refuses a copy onto an existing
/// key (a multipart copy completed with `If-None-Match: *`).
#[tokio::test]
async fn the_server_honours_conditional_copies() {
    let Some(env) = Env::new().await else { return };
    let (a, b) = (env.prefix.clone().join("a"), env.prefix.clone().join("b"));
    env.raw.put(&a, PutPayload::from_static(b"first")).await.unwrap();
    env.raw.put(&b, PutPayload::from_static(b"second")).await.unwrap();
    let refused = env.raw.copy_if_not_exists(&a, &b).await;
    assert!(
        matches!(refused, Err(object_store::Error::AlreadyExists { .. })),
        "{refused:?}"
    );
    let kept = env.raw.get(&b).await.unwrap().bytes().await.unwrap();
    assert_eq!(&kept[..], b"second");
}

#[test]
fn urls() {
    for bad in [
        "s3://",
        "s3://bucket/p?endpoint=http://storage.example.org:9000",
        "s3://bucket/p?endpoint=ftp://127.0.0.1",
        "s3://bucket/p?color=blue",
        "s3://key:secret@bucket/p",
    ] {
        let err = FileStore::s3(bad).unwrap_err();
        assert!(matches!(err, Error::InvalidLocation { .. }), "{bad}: {err}");
        assert!(!err.to_string().contains("secret"), "{err}");
    }
    let ok = FileStore::s3("s3://bucket/some/prefix?endpoint=http://localhost:9000&region=eu-west-1").unwrap();
    assert_eq!(ok.to_string(), "s3://bucket/some/prefix at http://localhost:9000");
    FileStore::s3("s3://bucket?endpoint=http://storage.example.org:9000&allow_http=true").unwrap();
    FileStore::s3("s3://bucket/p?endpoint=https://s3.example.org").unwrap();
}
