//! Server-rendered pages: routing, the per-request viewer (session, CSRF, 长者版), and the
//! shared page chrome. Each page family lives in its own module.

mod auth;
mod chrome;
mod form;
mod hall_edit;
mod halls;
mod home;
mod viewer;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};

pub use chrome::error_page;
pub use viewer::client_address;

use crate::error::WebError;
use crate::state::AppState;

const SITE_CSS: &str = include_str!("../../static/site.css");

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/search", get(home::search))
        .route("/login", get(auth::login_form).post(auth::login_submit))
        .route("/logout", post(auth::logout))
        .route("/mode", post(auth::switch_mode))
        .route("/halls", get(halls::finder))
        .route("/halls/{id}", get(halls::detail))
        .route("/admin/halls/{id}/edit", get(hall_edit::edit_form).post(hall_edit::edit_submit))
        .route("/static/site.css", get(site_css))
        .route_layer(axum::middleware::from_fn(crate::context::tag_route))
        .layer(axum::middleware::from_fn_with_state(state, viewer::attach_viewer))
}

async fn site_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        SITE_CSS,
    )
}

/// Any unknown path.
pub async fn not_found() -> WebError {
    WebError::NotFound
}
