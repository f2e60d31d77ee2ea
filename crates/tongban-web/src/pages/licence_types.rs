//! 证照目录 (`/licences/types`, no login): the licence types the platform issues — code, defining
//! authority, holder, validity, face fields, the items that issue each and the materials it
//! replaces — and, per type, the 互通互认清单 entries saying which departments may use it for what.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, Query, State};
use serde::Deserialize;
use tongban_domain::licence::{HolderKind, LicenceType};

use super::chrome::Chrome;
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// One type in the list.
pub struct TypeLine {
    pub code: String,
    pub name: String,
    pub authority: String,
    pub holder: &'static str,
    pub validity: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "licence_types.html")]
pub struct TypesPage {
    c: Chrome,
    q: String,
    types: Vec<TypeLine>,
    total: usize,
}

/// One 互通互认 entry of a type.
pub struct UseLine {
    pub department: String,
    /// "" = every item the department handles.
    pub item: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "licence_type.html")]
pub struct TypePage {
    c: Chrome,
    t: LicenceType,
    holder: &'static str,
    validity: String,
    issuers: Vec<String>,
    uses: Vec<UseLine>,
}

#[derive(Debug, Default, Deserialize)]
pub struct TypesQuery {
    #[serde(default)]
    pub q: String,
}

fn holder_label(kind: HolderKind) -> &'static str {
    match kind {
        HolderKind::Person => "个人（公民身份号码）",
        HolderKind::Organisation => "单位（统一社会信用代码）",
    }
}

/// `GET /licences/types?q=`.
pub async fn list(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<TypesQuery>,
) -> Result<TypesPage, WebError> {
    let all = state.app.licence_types().await?;
    let total = all.len();
    let q = query.q.trim().to_string();
    let types = all
        .into_iter()
        .filter(|t| {
            q.is_empty()
                || t.name.contains(&q)
                || t.code.as_str().contains(&q)
                || t.authority_name.contains(&q)
        })
        .map(|t| TypeLine {
            holder: holder_label(t.holder_kind),
            validity: t.validity.label(),
            code: t.code.to_string(),
            name: t.name,
            authority: t.authority_name,
        })
        .collect();
    Ok(TypesPage {
        c: viewer.chrome(),
        q,
        types,
        total,
    })
}

/// `GET /licences/types/{code}`.
pub async fn one(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(code): Path<String>,
) -> Result<TypePage, WebError> {
    let t = state.app.licence_type(&code).await?;
    let names: HashMap<String, String> = state
        .app
        .store()
        .department_names()
        .await
        .map_err(tongban_app::AppError::from)?
        .into_iter()
        .collect();
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let issuers = t
        .issuing_department_ids
        .iter()
        .map(|d| name_of(d))
        .collect();
    let uses = state
        .app
        .recognitions()
        .await?
        .into_iter()
        .filter(|r| r.type_code == t.code)
        .map(|r| UseLine {
            department: name_of(&r.department_id),
            item: r.item_code.unwrap_or_default(),
        })
        .collect();
    Ok(TypePage {
        c: viewer.chrome(),
        holder: holder_label(t.holder_kind),
        validity: t.validity.label(),
        issuers,
        uses,
        t,
    })
}
