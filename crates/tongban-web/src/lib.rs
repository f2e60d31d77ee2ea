//! HTTP edge of Tongban: the only crate that knows HTTP.
//!
//! Server-rendered zh-CN pages (askama templates, plain forms, no JavaScript needed), the JSON
//! API under `/api/v1` with its OpenAPI 3.1 document at `/api/openapi.json`, `/healthz` and
//! Prometheus `/metrics`. Handlers translate HTTP to use-case calls on [`tongban_app::App`] and
//! back; they hold no business rules.

mod api;
pub mod bureau_docs;
mod context;
mod error;
pub mod export;
mod i18n;
mod metrics;
mod page_routes;
mod pages;
mod state;
pub mod svg_chart;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;

pub use api::request_bodies::{Decoder, REQUEST_BODIES};
pub use api::{Access, ROUTES};
pub use error::WebError;
pub use i18n::Catalog;
pub use page_routes::PAGE_ROUTES;
pub use state::AppState;

/// The default largest JSON or form body, in bytes (2 MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// The default largest multipart upload on a page, in bytes (64 MiB).
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// Switches of the web layer.
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub cookie_secure: bool,
    /// Take the client address for login throttling from `X-Forwarded-For` (behind a proxy).
    pub trust_forwarded_for: bool,
    /// The largest JSON or form body a route without its own limit accepts; larger ones get
    /// 413 `payload_too_large`.
    pub max_body_bytes: usize,
    /// The largest multipart form (a file upload) a page accepts.
    pub max_upload_bytes: usize,
}

impl Default for WebOptions {
    fn default() -> WebOptions {
        WebOptions {
            cookie_secure: false,
            trust_forwarded_for: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
        }
    }
}

/// Builds the whole router.
pub fn router(app: tongban_app::App, options: WebOptions) -> Router {
    let max_body_bytes = options.max_body_bytes;
    let state = AppState {
        app,
        options: Arc::new(options),
        metrics: metrics::handle(),
        cjk_font: pages::licence_font(),
    };
    Router::new()
        .merge(pages::router(state.clone()))
        .nest("/api/v1", api::router(state.clone()))
        .route("/api/openapi.json", get(api::openapi_json))
        .route("/healthz", get(metrics::healthz))
        .route("/metrics", get(metrics::prometheus))
        .fallback(pages::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(max_body_bytes))
        .layer(axum::middleware::from_fn(context::request_context))
        .with_state(state)
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(
    app: tongban_app::App,
    listener: TcpListener,
    options: WebOptions,
) -> std::io::Result<()> {
    let router = router(app, options);
    let upkeep = metrics::spawn_upkeep();
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    upkeep.abort();
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
