//! 签名密钥 (`/work/licences/keys`): the department's current signing key and its retired ones,
//! and, for department and system admins, the button that replaces the key (earlier licences
//! stay valid: their key stays published).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::licences::DepartmentKeys;

use super::chrome::Chrome;
use super::form::beijing_time;
use super::licences::department_query;
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "work_licence_keys.html")]
pub struct KeysTemplate {
    c: Chrome,
    k: DepartmentKeys,
    /// (key id, created, retired).
    retired: Vec<(String, String, String)>,
    current_created: String,
    rotated: bool,
    dq: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct KeysParams {
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub rotated: String,
}

pub async fn show(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<KeysParams>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let dept = Some(q.department.as_str()).filter(|d| !d.is_empty());
    let k = state.app.department_keys(who, dept).await?;
    let retired = k
        .retired
        .iter()
        .map(|r| {
            (
                r.key_id.clone(),
                beijing_time(r.created_at_ms),
                r.retired_at_ms.map(beijing_time).unwrap_or_default(),
            )
        })
        .collect();
    let current_created = k
        .current
        .as_ref()
        .map(|c| beijing_time(c.created_at_ms))
        .unwrap_or_default();
    Ok(KeysTemplate {
        c: viewer.chrome(),
        k,
        retired,
        current_created,
        rotated: q.rotated == "1",
        dq: department_query(&q.department),
    }
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct RotateForm {
    #[serde(default)]
    pub department: String,
}

pub async fn rotate(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(f): Form<RotateForm>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let dept = Some(f.department.as_str()).filter(|d| !d.is_empty());
    let dept = state.app.licence_desk_department(who, dept).await?;
    state.app.rotate_signing_key(who, &dept.id).await?;
    let q = department_query(&f.department);
    let sep = if q.is_empty() { "?" } else { "&" };
    Ok(Redirect::to(&format!("/work/licences/keys{q}{sep}rotated=1")).into_response())
}
