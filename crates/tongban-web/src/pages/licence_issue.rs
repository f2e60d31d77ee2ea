//! 手工签发 (`/work/licences/new`): first choose one of the types the department issues, then
//! fill in the holder, the optional start date and number, and the type's face fields (labels
//! from the type, required ones marked). Errors are shown next to their fields and what was typed
//! is kept; on success the licence's page opens.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tongban_app::Principal;
use tongban_app::licences::{IssueRequest, parse_cell_date};
use tongban_domain::licence::{HolderKind, LicenceType};

use super::chrome::Chrome;
use super::form::{Errors, t};
use super::licences::licence_path;
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct TypeParam {
    #[serde(default, rename = "type")]
    pub type_code: String,
}

/// One face field of the form: (key, label, required, value typed).
pub struct FaceInput {
    pub id: String,
    pub label: String,
    pub required: bool,
    pub value: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "work_licence_new.html")]
pub struct IssueTemplate {
    c: Chrome,
    department_name: String,
    /// (code, name, selected).
    types: Vec<(String, String, bool)>,
    chosen: Option<LicenceType>,
    holder_code_label: &'static str,
    holder_name: String,
    holder_code: String,
    valid_from: String,
    number: String,
    face: Vec<FaceInput>,
    errors: Errors,
}

impl IssueTemplate {
    /// The holder's two fields: (id, label, value typed, hint).
    pub fn holder_fields(&self) -> [(&'static str, &'static str, &str, &'static str); 2] {
        [
            (
                "holder_name",
                t("lic.new.holder_name"),
                &self.holder_name,
                "",
            ),
            (
                "holder_code",
                self.holder_code_label,
                &self.holder_code,
                t("lic.new.holder_code_hint"),
            ),
        ]
    }
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    who: &Principal,
    type_code: &str,
    typed: &BTreeMap<String, String>,
    errors: Errors,
) -> Result<IssueTemplate, WebError> {
    let dept = state.app.licence_desk_department(who, None).await?;
    let issued = state.app.types_issued_by(&dept.id).await?;
    let chosen = issued
        .iter()
        .find(|t| t.code.as_str() == type_code)
        .cloned()
        .or_else(|| (issued.len() == 1).then(|| issued[0].clone()));
    let typed_value = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let face = chosen
        .as_ref()
        .map(|t| {
            t.face_fields
                .iter()
                .map(|f| FaceInput {
                    id: format!("face_{}", f.key),
                    label: f.label.clone(),
                    required: f.required,
                    value: typed_value(&format!("face_{}", f.key)),
                })
                .collect()
        })
        .unwrap_or_default();
    let holder_code_label = match chosen.as_ref().map(|t| t.holder_kind) {
        Some(HolderKind::Organisation) => "统一社会信用代码",
        _ => "公民身份号码",
    };
    Ok(IssueTemplate {
        c: viewer.chrome(),
        department_name: dept.name,
        types: issued
            .iter()
            .map(|t| {
                let selected = chosen.as_ref().is_some_and(|c| c.code == t.code);
                (t.code.as_str().to_string(), t.name.clone(), selected)
            })
            .collect(),
        chosen,
        holder_code_label,
        holder_name: typed_value("holder_name"),
        holder_code: typed_value("holder_code"),
        valid_from: typed_value("valid_from"),
        number: typed_value("number"),
        face,
        errors,
    })
}

pub async fn form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<TypeParam>,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let typed = BTreeMap::new();
    let out = page(&state, &viewer, who, &q.type_code, &typed, Errors::none()).await?;
    Ok(out.into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    body: Bytes,
) -> Result<Response, WebError> {
    let who = match viewer.require_login() {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| WebError::BadRequest(t("lic.bad_form").into()))?;
    let typed: BTreeMap<String, String> = pairs.into_iter().collect();
    let typed_value = |k: &str| {
        typed
            .get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let type_code = typed_value("type");
    let lt = state.app.licence_type(&type_code).await.ok();
    let mut errors = Errors::none();
    let face: BTreeMap<String, String> = typed
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("face_")?.to_string(), v.trim().to_string())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    // Every empty required field at once, next to its field; the use case decides the rest.
    if typed_value("holder_name").is_empty() {
        errors.add("holder_name", "请填写持证主体名称");
    }
    if let Some(lt) = &lt {
        for f in lt.face_fields.iter().filter(|f| f.required) {
            if !face.contains_key(&f.key) {
                errors.add(&format!("face_{}", f.key), &format!("请填写{}", f.label));
            }
        }
    }
    let valid_from = match typed_value("valid_from").as_str() {
        "" => None,
        text => {
            let d = parse_cell_date(text);
            if d.is_none() {
                errors.add("valid_from", "有效期起始日期应写成 2026-03-01");
            }
            d
        }
    };
    if !errors.any() {
        let req = IssueRequest {
            type_code: type_code.clone(),
            holder_name: typed_value("holder_name"),
            holder_code: typed_value("holder_code"),
            face,
            valid_from,
            number: Some(typed_value("number")).filter(|n| !n.is_empty()),
        };
        match state.app.issue_licence(who, req).await {
            Ok(row) => {
                let to = format!("{}?done=issued", licence_path(&row.id));
                return Ok(Redirect::to(&to).into_response());
            }
            Err(err) => errors = Errors::from_app(err, &[("type_code", "type")])?,
        }
    }
    let out = page(&state, &viewer, who, &type_code, &typed, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, out).into_response())
}
