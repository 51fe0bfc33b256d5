//! The directory backend.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, UNIX_EPOCH};

use evidentia_files::{Error, FileStore};
use futures_util::StreamExt;
use tempfile::TempDir;
use tokio::io::{AsyncRead, ReadBuf};

use crate::scenario::Backdoor;

pub struct Env {
    _dir: TempDir,
    root: PathBuf,
    pub store: FileStore,
}

impl Env {
    pub async fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("files");
        let store = FileStore::from_location(root.to_str().unwrap()).await.unwrap();
        Env { _dir: dir, root, store }
    }

    fn path_of(&self, sha256: &str) -> PathBuf {
        self.root
            .join("sha256")
            .join(&sha256[..2])
            .join(&sha256[2..4])
            .join(sha256)
    }

    /// Nothing is left in `tmp/`.
    pub async fn check_clean(&self) {
        let left: Vec<_> = std::fs::read_dir(self.root.join("tmp")).unwrap().collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
    }
}

impl Backdoor for Env {
    async fn plant(&self, sha256: &str, bytes: &[u8]) {
        let path = self.path_of(sha256);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        if path.exists() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        std::fs::write(&path, bytes).unwrap();
    }
}

async fn env() -> Option<Env> {
    Some(Env::new().await)
}

crate::scenarios!(env().await);

#[tokio::test]
async fn layout_and_permissions() {
    let env = Env::new().await;
    let stored = env.store.put(&b"a photo"[..], 100).await.unwrap();
    let path = env.path_of(&stored.sha256);
    assert_eq!(std::fs::read(&path).unwrap(), b"a photo");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o440, "stored files are read-only");
    assert_eq!(
        path.strip_prefix(&env.root).unwrap(),
        Path::new(&format!(
            "sha256/{}/{}/{}",
            &stored.sha256[..2],
            &stored.sha256[2..4],
            stored.sha256
        ))
    );
    assert_eq!(env.store.to_string(), format!("directory {}", env.root.display()));
}

#[tokio::test]
async fn locations() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}/via-url", dir.path().display());
    let store = FileStore::from_location(&url).await.unwrap();
    store.put(&b"x"[..], 10).await.unwrap();
    assert!(dir.path().join("via-url/sha256").is_dir());
    for bad in ["", "  ", "ftp://example.org/files", "file://relative/path"] {
        assert!(
            matches!(FileStore::from_location(bad).await, Err(Error::InvalidLocation { .. })),
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn stray_entries_are_reported_by_list() {
    let env = Env::new().await;
    let stored = env.store.put(&b"evidence"[..], 100).await.unwrap();
    std::fs::write(env.root.join("sha256/README"), b"hello").unwrap();
    std::fs::create_dir_all(env.root.join("sha256/zz")).unwrap();
    // A file in the wrong shard.
    let wrong = env.root.join("sha256/00/00").join(&stored.sha256);
    std::fs::create_dir_all(wrong.parent().unwrap()).unwrap();
    std::fs::write(&wrong, b"evidence").unwrap();

    let items: Vec<_> = env.store.list().collect().await;
    let found: Vec<&String> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
    assert_eq!(found, vec![&stored.sha256]);
    let strays: Vec<String> = items
        .iter()
        .filter_map(|i| match i {
            Err(Error::Unexpected(path)) => Some(path.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(strays.len(), 3, "{strays:?}");
}

#[tokio::test]
async fn stale_temporary_files_are_removed() {
    let env = Env::new().await;
    std::fs::write(env.root.join("tmp/put-crashed.partial"), b"half an upload").unwrap();
    assert_eq!(env.store.remove_stale_temp(UNIX_EPOCH).await.unwrap(), 0);
    let far_future = UNIX_EPOCH + Duration::from_secs(u64::from(u32::MAX));
    assert_eq!(env.store.remove_stale_temp(far_future).await.unwrap(), 1);
    env.check_clean().await;
}

/// A reader that gives some bytes, then never anything more (a client that stalls).
struct Stalls(usize);

impl AsyncRead for Stalls {
    fn poll_read(mut self: Pin<&mut Self>, _: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if self.0 == 0 {
            return Poll::Pending;
        }
        let n = self.0.min(buf.remaining()).min(4096);
        buf.put_slice(&vec![7u8; n]);
        self.0 -= n;
        Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn a_dropped_put_leaves_nothing() {
    let env = Env::new().await;
    let put = env.store.put(Stalls(3 * 1024 * 1024), 1 << 30);
    assert!(tokio::time::timeout(Duration::from_millis(500), put).await.is_err());
    // The blocking pool may still be finishing a write to the (already unlinked) file.
    for _ in 0..50 {
        if std::fs::read_dir(env.root.join("tmp")).unwrap().next().is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    env.check_clean().await;
    assert_eq!(env.store.list().count().await, 0);
}

/// A large upload with bounded memory: the store's memory grows by less than 64 MiB whatever the
/// size, so a store that held the upload in memory fails. 512 MiB by default, which a test run can
/// afford; `scripts/bench files` runs it with `EVIDENTIA_TEST_UPLOAD_MIB=4096` (release build).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_upload_with_bounded_memory() {
    struct Generated {
        left: u64,
        counter: u8,
    }
    impl AsyncRead for Generated {
        fn poll_read(mut self: Pin<&mut Self>, _: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
            let n = (buf.remaining() as u64).min(self.left).min(256 * 1024) as usize;
            let fill = self.counter;
            self.counter = self.counter.wrapping_add(1);
            buf.put_slice(&vec![fill; n]);
            self.left -= n as u64;
            Poll::Ready(Ok(()))
        }
    }
    fn peak_rss_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
    let env = Env::new().await;
    let before = peak_rss_kib();
    let mib: u64 = std::env::var("EVIDENTIA_TEST_UPLOAD_MIB").map_or(512, |v| {
        v.parse()
            .unwrap_or_else(|_| panic!("EVIDENTIA_TEST_UPLOAD_MIB={v:?} is not a number of MiB"))
    });
    let size = mib << 20;
    let stored = env.store.put(Generated { left: size, counter: 0 }, size).await.unwrap();
    let after = peak_rss_kib();
    assert_eq!(stored.size, size);
    eprintln!("peak RSS before {before} KiB, after {after} KiB");
    assert!(after - before < 64 * 1024, "memory grew by {} KiB", after - before);
    assert!(env.store.verify(&stored.sha256).await.unwrap().ok);
}

/// The store lives in shared server state and its futures run on any worker thread.
#[tokio::test]
async fn store_and_futures_are_send() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: T) {}
    let env = Env::new().await;
    send_sync(&env.store);
    send(env.store.put(&b"x"[..], 1));
    send(env.store.verify("0"));
    send(env.store.extract_metadata("0", None));
    send(env.store.list());
}
