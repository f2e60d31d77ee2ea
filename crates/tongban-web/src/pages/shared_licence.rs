//! `/s/{token}`: a licence its holder shared by link, for whoever opens it (no login): the
//! licence with the holder's code masked and its live status, or in plain words why the link
//! no longer opens. Every opening is in the holder's 用证记录.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tongban_app::AppError;

use super::applications::no_store;
use super::chrome::Chrome;
use super::form::t;
use super::licence_cards::{LicenceCard, qr};
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "shared_licence.html")]
pub struct SharedPage {
    c: Chrome,
    card: Option<LicenceCard>,
    qr_svg: String,
    /// Why the link does not open ('' when it does).
    problem: String,
}

/// `GET /s/{token}`.
pub async fn open(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let (status, card, qr_svg, problem) = match state.app.open_share(&token).await {
        Ok(view) => (
            StatusCode::OK,
            Some(LicenceCard::of(&view)),
            qr(&view.qr_text),
            String::new(),
        ),
        Err(AppError::Conflict(message)) => (StatusCode::GONE, None, String::new(), message),
        Err(AppError::NotFound(_)) => (
            StatusCode::NOT_FOUND,
            None,
            String::new(),
            t("shared.unknown").to_string(),
        ),
        Err(other) => return Err(other.into()),
    };
    let page = SharedPage {
        c: viewer.chrome(),
        card,
        qr_svg,
        problem,
    };
    Ok(no_store((status, page).into_response()))
}
