//! The 证照目录 over JSON (public): every licence type with its holder kind, validity, face
//! fields, issuing items and replaced materials, and the 互通互认清单.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::WebError;
use crate::state::AppState;

/// One face field (照面项).
#[derive(Debug, Serialize, ToSchema)]
pub struct FaceFieldDefDto {
    pub key: String,
    pub label: String,
    pub required: bool,
}

/// One licence type.
#[derive(Debug, Serialize, ToSchema)]
pub struct LicenceTypeDto {
    /// 证照类型代码: the defining authority's credit code and 3 digits.
    pub code: String,
    pub name: String,
    pub authority_name: String,
    /// 持证主体代码类型: `111` 公民身份号码, `001` 统一社会信用代码.
    pub holder_kind_code: String,
    /// e.g. `5年`, `长期`.
    pub validity: String,
    pub issuing_department_ids: Vec<String>,
    pub face_fields: Vec<FaceFieldDefDto>,
    /// 事项基本编码 of the items whose approval issues it.
    pub issuing_items: Vec<String>,
    pub replaces_materials: Vec<String>,
}

/// One entry of the 互通互认清单 (`item_code` null = every item of the department).
#[derive(Debug, Serialize, ToSchema)]
pub struct RecognitionDto {
    pub department_id: String,
    pub type_code: String,
    pub item_code: Option<String>,
}

/// The catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct LicenceCatalogueDto {
    pub types: Vec<LicenceTypeDto>,
    pub recognitions: Vec<RecognitionDto>,
}

/// The licence types and the 互通互认清单.
#[utoipa::path(get, path = "/api/v1/licences/types", tag = "licences", security(()),
    responses((status = 200, description = "成功", body = LicenceCatalogueDto)))]
pub async fn licence_types(
    State(state): State<AppState>,
) -> Result<Json<LicenceCatalogueDto>, WebError> {
    let types = state
        .app
        .licence_types()
        .await?
        .into_iter()
        .map(|t| LicenceTypeDto {
            code: t.code.to_string(),
            name: t.name,
            authority_name: t.authority_name,
            holder_kind_code: t.holder_kind.code().to_string(),
            validity: t.validity.label(),
            issuing_department_ids: t.issuing_department_ids,
            face_fields: t
                .face_fields
                .into_iter()
                .map(|f| FaceFieldDefDto {
                    key: f.key,
                    label: f.label,
                    required: f.required,
                })
                .collect(),
            issuing_items: t.issuing_items,
            replaces_materials: t.replaces_materials,
        })
        .collect();
    let recognitions = state
        .app
        .recognitions()
        .await?
        .into_iter()
        .map(|r| RecognitionDto {
            department_id: r.department_id,
            type_code: r.type_code.to_string(),
            item_code: r.item_code,
        })
        .collect();
    Ok(Json(LicenceCatalogueDto {
        types,
        recognitions,
    }))
}
