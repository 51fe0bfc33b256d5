//! The one integration-test binary of evidentia-files.
//!
//! - `store_dir`, `store_s3`: the store scenario (`scenario`) on each backend, and what is
//!   particular to each. The S3 tests need `EVIDENTIA_TEST_S3_URL` (see `scripts/with-s3`); under
//!   `CI=true` they fail without it.
//! - `metadata`, `images`: extraction over real files built in `fixtures`, hostile ones included.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fixtures;
mod images;
mod metadata;
mod scenario;
mod store_dir;
#[cfg(feature = "s3")]
mod store_s3;

/// Runs every scenario as its own test against the backend `$env` builds (an async expression
/// giving `Option<Env>`; `None`: not configured here, the test passes after saying so).
#[macro_export]
macro_rules! scenarios {
    ($env:expr) => {
        #[tokio::test]
        async fn round_trip() {
            let Some(env) = $env else { return };
            $crate::scenario::round_trip(&env.store).await;
            env.check_clean().await;
        }

        #[tokio::test]
        async fn small_file() {
            let Some(env) = $env else { return };
            $crate::scenario::small_file(&env.store).await;
        }

        #[tokio::test]
        async fn dedup() {
            let Some(env) = $env else { return };
            $crate::scenario::dedup(&env.store).await;
            env.check_clean().await;
        }

        #[tokio::test]
        async fn empty_is_refused() {
            let Some(env) = $env else { return };
            $crate::scenario::empty_is_refused(&env.store).await;
            env.check_clean().await;
        }

        #[tokio::test]
        async fn too_large_is_refused() {
            let Some(env) = $env else { return };
            $crate::scenario::too_large_is_refused(&env.store).await;
            env.check_clean().await;
        }

        #[tokio::test]
        async fn cut_off_upload_leaves_nothing() {
            let Some(env) = $env else { return };
            $crate::scenario::cut_off_upload_leaves_nothing(&env.store).await;
            env.check_clean().await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn concurrent_puts_of_the_same_content() {
            let Some(env) = $env else { return };
            $crate::scenario::concurrent_puts_of_the_same_content(&env.store).await;
            env.check_clean().await;
        }

        #[tokio::test]
        async fn verify_detects_a_flipped_byte() {
            let Some(env) = $env else { return };
            $crate::scenario::verify_detects_a_flipped_byte(&env.store, &env).await;
        }

        #[tokio::test]
        async fn create_only() {
            let Some(env) = $env else { return };
            $crate::scenario::create_only(&env.store, &env).await;
            env.check_clean().await;
        }

        #[tokio::test]
        async fn list_returns_all() {
            let Some(env) = $env else { return };
            $crate::scenario::list_returns_all(&env.store).await;
        }

        #[tokio::test]
        async fn only_hashes_name_files() {
            let Some(env) = $env else { return };
            $crate::scenario::only_hashes_name_files(&env.store).await;
        }

        #[tokio::test]
        async fn extract_metadata_reads_moov_at_the_end() {
            let Some(env) = $env else { return };
            $crate::scenario::extract_metadata_reads_moov_at_the_end(&env.store).await;
        }
    };
}
