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
mod pages;
mod state;
pub mod svg_chart;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;

pub use api::{Access, ROUTES};
pub use error::WebError;
pub use i18n::Catalog;
pub use state::AppState;

/// Switches of the web layer.
#[derive(Debug, Clone, Default)]
pub struct WebOptions {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub cookie_secure: bool,
    /// Take the client address for login throttling from `X-Forwarded-For` (behind a proxy).
    pub trust_forwarded_for: bool,
}

/// Builds the whole router.
pub fn router(app: tongban_app::App, options: WebOptions) -> Router {
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
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
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
