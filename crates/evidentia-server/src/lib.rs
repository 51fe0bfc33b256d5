//! Evidentia's HTTP server: a thin layer over the store and the model.

pub mod api;
pub mod audit;
pub mod auth;
pub mod errors;
pub mod throttle;
pub mod web;

use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use evidentia_model::{Clock, Vocabularies};
use evidentia_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;

/// What the server needs to know beyond the store.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest JSON request body accepted.
    pub max_json_bytes: usize,
    /// Mark cookies `Secure`: set when clients reach the server over TLS (directly or through a
    /// proxy). A request that arrives with `X-Forwarded-Proto: https` gets them either way.
    pub secure_cookies: bool,
    /// How long a session lasts at most, however active.
    pub session_lifetime: time::Duration,
    /// Largest evidence file accepted in one upload.
    pub max_upload_bytes: u64,
    /// Map tiles for the web maps (`https://tiles.example.org/{z}/{x}/{y}.png`); `None` shows
    /// only the bundled offline outline of the region.
    pub map_tile_url: Option<String>,
    /// The organisation (by name) whose staff receive reports of missing persons sent through the
    /// portal; `None` turns the portal's report form off.
    pub public_reports_organisation: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            max_json_bytes: 1024 * 1024,
            secure_cookies: false,
            session_lifetime: time::Duration::hours(12),
            max_upload_bytes: 8 * 1024 * 1024 * 1024,
            map_tile_url: None,
            public_reports_organisation: None,
        }
    }
}

/// Randomness, passed in so that tests can be deterministic.
pub trait Entropy: Send + Sync {
    fn fill(&self, buf: &mut [u8]) -> Result<(), String>;
}

/// The operating system's randomness.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn fill(&self, buf: &mut [u8]) -> Result<(), String> {
        getrandom::fill(buf).map_err(|e| e.to_string())
    }
}

/// Room for a multipart body's other parts and boundaries beyond the file itself, so that a file
/// over the upload limit is refused by the file store (413) before the body limit cuts the stream.
const MULTIPART_OVERHEAD: u64 = 1024 * 1024;

/// Password hashes computed at once; argon2 takes tens of milliseconds of a core and memory, and
/// a flood of sign-ins must not starve everything else.
const CONCURRENT_HASHES: usize = 2;

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub entropy: Arc<dyn Entropy>,
    pub config: Arc<ServerConfig>,
    pub throttle: Arc<throttle::Throttle>,
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// Signs the log's checkpoints; `None` on servers without the deployment's key.
    pub log_signer: Option<Arc<evidentia_log::Signer>>,
    /// Where evidence files are kept; `None` on servers without a file store.
    pub files: Option<Arc<evidentia_files::FileStore>>,
    vocabularies: Arc<RwLock<Arc<Vocabularies>>>,
}

impl AppState {
    /// Loads what the server caches (the vocabularies) from the store.
    pub async fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: ServerConfig,
    ) -> Result<Self, evidentia_store::StoreError> {
        let vocabularies = store.vocabularies().await?;
        Ok(Self {
            store,
            clock,
            entropy: Arc::new(OsEntropy),
            config: Arc::new(config),
            throttle: Arc::default(),
            hashing: Arc::new(tokio::sync::Semaphore::new(CONCURRENT_HASHES)),
            log_signer: None,
            files: None,
            vocabularies: Arc::new(RwLock::new(Arc::new(vocabularies))),
        })
    }

    /// Gives the server the key that signs the log's checkpoints.
    pub fn with_log_signer(mut self, signer: evidentia_log::Signer) -> Self {
        self.log_signer = Some(Arc::new(signer));
        self
    }

    /// Gives the server its evidence file store.
    pub fn with_files(mut self, files: evidentia_files::FileStore) -> Self {
        self.files = Some(Arc::new(files));
        self
    }

    /// `N` random bytes.
    pub fn random<const N: usize>(&self) -> Result<[u8; N], errors::ApiError> {
        let mut bytes = [0u8; N];
        self.entropy.fill(&mut bytes).map_err(errors::ApiError::Internal)?;
        Ok(bytes)
    }

    /// The vocabularies as last loaded.
    pub fn vocabularies(&self) -> Arc<Vocabularies> {
        self.vocabularies.read().map(|v| Arc::clone(&v)).unwrap_or_default()
    }
}

/// The whole application: API, OpenAPI document, health checks, web application and portal.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = api::router();
    let openapi = Arc::new(openapi);
    Router::new()
        .nest("/api/v1", api)
        .merge(web::router(&state.config))
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let doc = Arc::clone(&openapi);
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .fallback(|| async { errors::ApiError::NotFound })
        // JSON bodies have their own, smaller limit (answered 413 as a problem); uploads stream
        // into the file store, which enforces the upload limit; this outer limit bounds the
        // multipart reader.
        .layer(DefaultBodyLimit::max(
            usize::try_from(state.config.max_upload_bytes.saturating_add(MULTIPART_OVERHEAD)).unwrap_or(usize::MAX),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // The strictest policy for every answer that did not set its own (the web pages do).
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => errors::ApiError::Unavailable(e.to_string()).into_response(),
    }
}

/// Serves until the shutdown future completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
