//! 委托代办 (`/me/mandates`): an applicant grants a runner a mandate — for every item or for
//! one item picked from a search, until a date — sees the mandates they gave and revokes them;
//! a runner sees the mandates they hold, with a link to apply under each.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::applications::{MandateRequest, MandateView};
use tongban_app::{AppError, ItemSummary, Principal};

use super::applications::no_store;
use super::chrome::Chrome;
use super::form::Errors;
use super::viewer::Viewer;
use crate::api::applications::parse_day;
use crate::error::WebError;
use crate::state::AppState;

/// The grant form; `items` is `all` or one item id.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    pub agent_login: String,
    #[serde(default)]
    pub items: String,
    #[serde(default)]
    pub valid_until: String,
    /// The search text that found the items offered.
    #[serde(default)]
    pub q: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub done: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "me_mandates.html")]
pub struct MandatesPage {
    c: Chrome,
    is_runner: bool,
    given: Vec<MandateView>,
    held: Vec<MandateView>,
    found: Vec<ItemSummary>,
    f: GrantForm,
    notice: Option<&'static str>,
    errors: Errors,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    who: &Principal,
    f: GrantForm,
    notice: Option<&'static str>,
    errors: Errors,
) -> Result<MandatesPage, WebError> {
    let all = state.app.mandates(who).await?;
    let (given, held) = all
        .into_iter()
        .partition(|m| m.principal_account == who.account_id());
    let found = if f.q.trim().is_empty() {
        Vec::new()
    } else {
        let query = tongban_app::CatalogQuery {
            text: f.q.trim().to_string(),
            per_page: 10,
            ..Default::default()
        };
        state.app.search_items(&query).await?.0
    };
    Ok(MandatesPage {
        c: viewer.chrome(),
        is_runner: who.role() == Some(tongban_domain::Role::Runner),
        given,
        held,
        found,
        f,
        notice,
        errors,
    })
}

/// `GET /me/mandates[?q=…]`.
pub async fn list(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let notice = match query.done.as_str() {
        "granted" => Some("mandate.done.granted"),
        "revoked" => Some("mandate.done.revoked"),
        _ => None,
    };
    let f = GrantForm {
        q: query.q,
        items: "all".into(),
        ..GrantForm::default()
    };
    let page = page(&state, &viewer, who, f, notice, Errors::none()).await?;
    Ok(no_store(page.into_response()))
}

/// `POST /me/mandates`: grants the mandate, or shows the form again with the problem next to
/// its field.
pub async fn grant(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(f): Form<GrantForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let result = async {
        let valid_until = parse_day("valid_until", &f.valid_until)?;
        let item_ids = match f.items.trim() {
            "" | "all" => Vec::new(),
            one => vec![one.to_string()],
        };
        let req = MandateRequest {
            agent_login: f.agent_login.clone(),
            item_ids,
            valid_until,
        };
        state.app.grant_mandate(who, req).await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/me/mandates?done=granted").into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let errors = Errors::from_app(err, &[])?;
            let page = page(&state, &viewer, who, f, None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// `POST /me/mandates/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    match state.app.revoke_mandate(who, &id).await {
        Ok(()) => Ok(Redirect::to("/me/mandates?done=revoked").into_response()),
        Err(AppError::Conflict(message)) => {
            let mut errors = Errors::none();
            errors.add("", &message);
            let page = page(&state, &viewer, who, GrantForm::default(), None, errors).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(err) => Err(err.into()),
    }
}
