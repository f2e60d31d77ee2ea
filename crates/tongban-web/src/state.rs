//! Shared state of every handler.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;

use crate::WebOptions;

#[derive(Clone)]
pub struct AppState {
    pub app: tongban_app::App,
    pub options: Arc<WebOptions>,
    pub metrics: PrometheusHandle,
    /// The CJK font licence PDFs are drawn with, found once at startup (or why not).
    pub cjk_font: Arc<Result<tongban_render::CjkFont, tongban_render::RenderError>>,
}
