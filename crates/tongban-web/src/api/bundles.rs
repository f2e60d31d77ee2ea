//! 一件事一次办 over JSON: the bundle definitions with the fields and materials their one form
//! asks for, applying for a bundle (one multipart body: a `request` JSON part, then `material`
//! and `file` pairs), and one bundle with its parts.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use tongban_app::AppError;
use tongban_app::applications::{BundleFile, BundleRequest, BundleView, bundle_definitions};
use utoipa::ToSchema;

use super::applications::CaseLineDto;
use super::caller::Caller;
use super::dto::ErrorBody;
use crate::error::WebError;
use crate::state::AppState;

/// The largest bundle body through the API, in bytes (every material of every part at once).
pub const MAX_BUNDLE_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Serialize, ToSchema)]
pub struct BundleFieldDto {
    /// The key to use in `request.form`.
    pub key: String,
    pub label: String,
    pub required: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BundleMaterialDto {
    /// The name to send in the `material` part before its `file`.
    pub name: String,
    /// Some part needs it (not 可容缺).
    pub required: bool,
    /// The items that ask for it.
    pub items: Vec<String>,
}

/// A bundle on offer.
#[derive(Debug, Serialize, ToSchema)]
pub struct BundleDefDto {
    /// `newborn` (新生儿出生一件事) or `business` (开办企业一件事).
    pub code: String,
    pub name: String,
    pub summary: String,
    pub fields: Vec<BundleFieldDto>,
    /// The items the bundle covers.
    pub items: Vec<String>,
    /// The one set of materials; `null` when an item of the bundle is not published now.
    pub materials: Option<Vec<BundleMaterialDto>>,
}

/// An applied bundle.
#[derive(Debug, Serialize, ToSchema)]
pub struct BundleDto {
    pub id: String,
    pub code: String,
    pub name: String,
    /// `draft`, `in_progress`, `completed` or `partly_completed`.
    pub status: String,
    pub status_zh: String,
    /// Each part is a case of its own.
    pub parts: Vec<CaseLineDto>,
}

impl BundleDto {
    fn of(v: BundleView) -> Result<BundleDto, AppError> {
        let status = serde_json::to_value(v.status)
            .ok()
            .and_then(|s| s.as_str().map(str::to_string))
            .ok_or_else(|| AppError::Internal("bundle status".into()))?;
        Ok(BundleDto {
            id: v.id,
            code: v.code,
            name: v.name,
            status,
            status_zh: v.status_zh.to_string(),
            parts: v.parts.into_iter().map(Into::into).collect(),
        })
    }
}

/// The `request` part of `POST /api/v1/bundles`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BundleBody {
    pub code: String,
    /// `pc` (default) or `mobile`.
    #[serde(default)]
    pub channel: Option<String>,
    /// The `Idempotency-Key` header wins.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// The bundle's fields by key.
    #[serde(default)]
    pub form: BTreeMap<String, String>,
}

/// The bundles on offer, with the fields and the one set of materials each asks for.
#[utoipa::path(get, path = "/api/v1/bundles", tag = "applications",
    responses((status = 200, description = "成功", body = [BundleDefDto]), (status = 401, description = "未登录或令牌无效", body = ErrorBody)))]
pub async fn definitions(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<BundleDefDto>>, WebError> {
    let mut out = Vec::new();
    for def in bundle_definitions() {
        let materials = match state.app.bundle_form(&def.code).await {
            Ok(form) => Some(
                form.materials
                    .into_iter()
                    .map(|m| BundleMaterialDto {
                        name: m.name,
                        required: m.required,
                        items: m.items,
                    })
                    .collect(),
            ),
            Err(AppError::NotFound(_)) => None,
            Err(other) => return Err(other.into()),
        };
        out.push(BundleDefDto {
            fields: def
                .fields
                .into_iter()
                .map(|f| BundleFieldDto {
                    key: f.key,
                    label: f.label,
                    required: f.required,
                })
                .collect(),
            items: def.parts.into_iter().map(|p| p.item_name).collect(),
            code: def.code,
            name: def.name,
            summary: def.summary,
            materials,
        });
    }
    Ok(Json(out))
}

/// Reads the `request` part and the `material`/`file` pairs.
async fn read_bundle(mut body: Multipart) -> Result<(BundleBody, Vec<BundleFile>), WebError> {
    let bad = |_| WebError::BadRequest("上传内容格式不正确，请检查 request 与文件部分".to_string());
    let mut request = None;
    let mut material = String::new();
    let mut files = Vec::new();
    while let Some(field) = body.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "request" => {
                let text = field.text().await.map_err(bad)?;
                let parsed: BundleBody = serde_json::from_str(&text).map_err(|e| {
                    AppError::field(
                        "request",
                        "bundle.bad_request",
                        format!("request 不是有效的 JSON：{e}"),
                    )
                })?;
                request = Some(parsed);
            }
            "material" => material = field.text().await.map_err(bad)?.trim().to_string(),
            "file" => {
                if material.is_empty() {
                    return Err(AppError::field(
                        "material",
                        "bundle.bad_request",
                        "每个 file 部分之前须有一个 material 部分写明材料名称",
                    )
                    .into());
                }
                let file_name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(bad)?.to_vec();
                files.push(BundleFile {
                    material: std::mem::take(&mut material),
                    file_name,
                    bytes,
                });
            }
            _ => {}
        }
    }
    let request = request
        .ok_or_else(|| AppError::field("request", "bundle.bad_request", "缺少 request 部分"))?;
    Ok((request, files))
}

/// Apply for a bundle (multipart/form-data): a `request` part holding the JSON
/// `{code, channel, idempotency_key, form}`, then for each material a `material` part naming
/// it followed by its `file` part. Every part's case is created and submitted; a missing field
/// (`form.<key>`) or material (`files.<name>`) is 422 and creates nothing. The same
/// idempotency key again returns the same bundle.
#[utoipa::path(post, path = "/api/v1/bundles", tag = "applications",
    params(("Idempotency-Key" = Option<String>, Header, description = "同一键重复提交只生成一个一件事")),
    request_body(content_type = "multipart/form-data", description = "request（JSON：code、channel、idempotency_key、form），随后每份材料一对 material（材料名称）与 file（文件）"),
    responses((status = 201, description = "已提交（或返回同一幂等键的一件事）", body = BundleDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody), (status = 404, description = "一件事或其所含事项未找到", body = ErrorBody), (status = 422, description = "信息或材料缺失，见 fields", body = ErrorBody)))]
pub async fn apply(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Multipart,
) -> Result<(StatusCode, Json<BundleDto>), WebError> {
    let (request, files) = read_bundle(body).await?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(request.idempotency_key)
        .filter(|k| !k.trim().is_empty());
    let req = BundleRequest {
        code: request.code,
        channel: request.channel.unwrap_or_else(|| "pc".into()),
        idempotency_key: key,
        form: request.form,
        files,
    };
    let view = state.app.apply_bundle(&caller.principal, req).await?;
    Ok((StatusCode::CREATED, Json(BundleDto::of(view)?)))
}

/// One bundle with its combined status and its parts.
#[utoipa::path(get, path = "/api/v1/bundles/{id}", tag = "applications", params(("id" = String, Path, description = "Bundle id")),
    responses((status = 200, description = "成功", body = BundleDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn bundle(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<BundleDto>, WebError> {
    let view = state.app.bundle_view(&caller.principal, &id).await?;
    Ok(Json(BundleDto::of(view)?))
}
