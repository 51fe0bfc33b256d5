//! Evidentia's HTTP server: a thin layer over the store and the model.

pub mod api;
pub mod auth;
pub mod errors;

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
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            max_json_bytes: 1024 * 1024,
        }
    }
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<ServerConfig>,
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
            config: Arc::new(config),
            vocabularies: Arc::new(RwLock::new(Arc::new(vocabularies))),
        })
    }

    /// The vocabularies as last loaded.
    pub fn vocabularies(&self) -> Arc<Vocabularies> {
        self.vocabularies
            .read()
            .map(|v| Arc::clone(&v))
            .unwrap_or_default()
    }
}

/// The whole application: API, OpenAPI document, health checks.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = api::router();
    let openapi = Arc::new(openapi);
    Router::new()
        .nest("/api/v1", api)
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
        // The JSON extractor enforces the configured limit itself and answers 413 as a problem;
        // this outer limit only stops unbounded bodies on routes that take none.
        .layer(DefaultBodyLimit::max(state.config.max_json_bytes))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
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
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
