//! Electronic licences over JSON for holders and users: the caller's 卡包 and one licence, their 用证记录, sharing a
//! licence by link, a department's 用证 for a case (a 用证事由 is required; refusals are
//! recorded), and 证照免提交 on a draft (the materials a licence can stand in for, and
//! attaching them with the applicant's consent).
//!
//! Stable error codes (in `error.fields[].code` with `error.code` = `invalid_input`):
//! `licence.cause_required`, `licence.not_recognised`, `licence.purpose_required`,
//! `licence.share_hours`, `licence.no_substitute`; otherwise `forbidden` / `not_found`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tongban_app::AppError;
use tongban_app::licences::{LicenceQuery, LicenceView, Substitute, UsageView};
use utoipa::ToSchema;

use super::applications::ApplicationDto;
use super::caller::Caller;
use super::dto::{ApiJson, ErrorBody};
use crate::error::WebError;
use crate::state::AppState;

/// One field of a licence's face (照面信息).
#[derive(Debug, Serialize, ToSchema)]
pub struct FaceFieldDto {
    pub label: String,
    pub value: String,
}

/// A licence as its holder (or the department using it for a case) sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LicenceDto {
    /// GB/T 36904 证照标识 (contains dots).
    pub id: String,
    pub type_code: String,
    pub name: String,
    pub number: String,
    pub holder_name: String,
    /// The holder's ID number or credit code, masked.
    pub holder_code_masked: String,
    pub issuer_department_id: String,
    pub issuer_name: String,
    /// YYYY-MM-DD.
    pub issued_on: String,
    pub valid_from: String,
    /// `null` = 长期.
    pub valid_until: Option<String>,
    pub face: Vec<FaceFieldDto>,
    /// `valid`, `not_yet_valid`, `expired`, `suspended` or `revoked`, as of today.
    pub status: String,
    pub status_zh: String,
    pub state_reason: String,
    /// The case that issued it, if any.
    pub application_id: Option<String>,
    /// What the QR code holds: the public check URL with the signed payload.
    pub qr_text: String,
}

impl From<LicenceView> for LicenceDto {
    fn from(v: LicenceView) -> Self {
        LicenceDto {
            status: v.status.as_str().to_string(),
            status_zh: v.status_label,
            id: v.id,
            type_code: v.type_code,
            name: v.name,
            number: v.number,
            holder_name: v.holder_name,
            holder_code_masked: v.holder_code_masked,
            issuer_department_id: v.issuer_department_id,
            issuer_name: v.issuer_name,
            issued_on: v.issued_on,
            valid_from: v.valid_from,
            valid_until: v.valid_until,
            face: v
                .face
                .into_iter()
                .map(|(label, value)| FaceFieldDto { label, value })
                .collect(),
            state_reason: v.state_reason,
            application_id: v.application_id,
            qr_text: v.qr_text,
        }
    }
}

/// One line of a 用证记录.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageDto {
    pub at_ms: i64,
    pub licence_id: Option<String>,
    /// `query`, `download`, `verify`, `share_view` or `attach`.
    pub operation: String,
    pub operation_zh: String,
    /// 用证事由.
    pub cause: String,
    /// Who used it: department and person, or 分享链接访问者.
    pub actor: String,
    pub application_id: Option<String>,
    /// `ok`, `cause_missing`, `not_recognised` …
    pub result: String,
    pub result_zh: String,
}

impl From<UsageView> for UsageDto {
    fn from(u: UsageView) -> Self {
        UsageDto {
            at_ms: u.at_ms,
            licence_id: u.licence_id,
            operation: u.operation,
            operation_zh: u.operation_label,
            cause: u.cause,
            actor: u.actor_label,
            application_id: u.application_id,
            result: u.result,
            result_zh: u.result_label,
        }
    }
}

/// A share to make.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ShareBody {
    /// 用途 (1–100 characters).
    pub purpose: String,
    /// 1–72.
    pub hours: i64,
}

/// A share made: the token and link are shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareDto {
    pub token: String,
    /// `{public base}/s/{token}`, opened without login.
    pub url: String,
    pub expires_at_ms: i64,
}

/// A department's 用证 request for a case.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LicenceQueryBody {
    /// 用证事由 (1–200 characters); without it the query is refused and recorded.
    pub cause: String,
    /// Only this licence type.
    #[serde(default)]
    pub type_code: Option<String>,
}

/// A material a licence can stand in for.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubstituteDto {
    pub material: String,
    pub licence_id: String,
    pub licence_name: String,
    pub number: String,
    pub valid_until: Option<String>,
}

impl From<Substitute> for SubstituteDto {
    fn from(s: Substitute) -> Self {
        SubstituteDto {
            material: s.material,
            licence_id: s.licence_id,
            licence_name: s.licence_name,
            number: s.number,
            valid_until: s.valid_until,
        }
    }
}

/// The materials to attach as licences, with the applicant's consent.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AttachBody {
    pub materials: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/me/licences", tag = "licences",
    responses((status = 200, description = "成功", body = [LicenceDto]), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "工作人员没有卡包", body = ErrorBody)))]
pub async fn my_licences(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<LicenceDto>>, WebError> {
    let views = state.app.my_licences(&caller.principal).await?;
    Ok(Json(views.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/me/licences/{id}", tag = "licences", params(("id" = String, Path, description = "证照标识")),
    responses((status = 200, description = "成功", body = LicenceDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "不是持证人或发证部门", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn licence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<LicenceDto>, WebError> {
    Ok(Json(
        state.app.licence_view(&caller.principal, &id).await?.into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/me/licence-usages", tag = "licences",
    responses((status = 200, description = "成功，最新的在前", body = [UsageDto]), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "工作人员没有用证记录", body = ErrorBody)))]
pub async fn my_usages(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<UsageDto>>, WebError> {
    let mut usages = state.app.my_licence_usages(&caller.principal).await?;
    usages.sort_by_key(|u| std::cmp::Reverse(u.at_ms));
    Ok(Json(usages.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/me/licences/{id}/shares", tag = "licences", request_body = ShareBody,
    params(("id" = String, Path, description = "证照标识")),
    responses((status = 201, description = "已生成分享链接（令牌只返回这一次）", body = ShareDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "不是持证人", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody),
        (status = 422, description = "licence.purpose_required 或 licence.share_hours", body = ErrorBody)))]
pub async fn share(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ShareBody>,
) -> Result<(StatusCode, Json<ShareDto>), WebError> {
    let link = state
        .app
        .share_licence(&caller.principal, &id, &body.purpose, body.hours)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ShareDto {
            url: format!("{}/s/{}", state.app.public_base_url(), link.token),
            token: link.token,
            expires_at_ms: link.expires_at_ms,
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/work/applications/{id}/licence-query", tag = "licences", request_body = LicenceQueryBody,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "申请人可供本事项调用的证照（每次调用记入用证记录）", body = [LicenceDto]), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "不是工作人员或无权办理该办件", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody),
        (status = 422, description = "licence.cause_required 或 licence.not_recognised（拒绝也被记录）", body = ErrorBody)))]
pub async fn licence_query(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Vec<LicenceDto>>, WebError> {
    // Who is asking is decided before what they sent.
    caller.principal.require_staff()?;
    let body: LicenceQueryBody = serde_json::from_slice(&body)
        .map_err(|e| WebError::BadRequest(format!("请求体不是有效的 JSON 或缺少字段：{e}")))?;
    let query = LicenceQuery {
        application_id: id,
        cause: body.cause,
        type_code: body.type_code.filter(|t| !t.trim().is_empty()),
    };
    let views = state
        .app
        .query_case_licences(&caller.principal, &query)
        .await?;
    Ok(Json(views.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/licence-substitutes", tag = "licences",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "可用电子证照免于提交的材料", body = [SubstituteDto]), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn substitutes(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<SubstituteDto>>, WebError> {
    let list = state
        .app
        .licence_substitutes(&caller.principal, &id)
        .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/licence-substitutes", tag = "licences", request_body = AttachBody,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "已用电子证照代替这些材料（视为同意调用）", body = ApplicationDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody), (status = 409, description = "办件状态不允许", body = ErrorBody),
        (status = 422, description = "licence.no_substitute", body = ErrorBody)))]
pub async fn attach(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AttachBody>,
) -> Result<Json<ApplicationDto>, WebError> {
    if body.materials.is_empty() {
        return Err(AppError::field(
            "materials",
            "licence.no_substitute",
            "请至少选择一项要用电子证照代替的材料",
        )
        .into());
    }
    state
        .app
        .attach_licences(&caller.principal, &id, &body.materials)
        .await?;
    let view = state.app.application_view(&caller.principal, &id).await?;
    Ok(Json(ApplicationDto::of(view)?))
}
