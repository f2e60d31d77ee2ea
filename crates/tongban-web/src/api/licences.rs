//! The issuing department's licence API under `/api/v1/work/licences`: list, issue by hand,
//! view, suspend/reinstate/revoke, bulk import from xlsx (multipart) and key rotation. Every
//! decision about who may do what is taken in `tongban-app`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tongban_app::AppError;
use tongban_app::licences::{
    DeskPage, DeskQuery, IssueRequest, LicenceImportOptions, LicenceImportProblem,
    LicenceImportReport, LicenceView, PublishedKey, StateChange, parse_cell_date,
};
use tongban_store::UsageRow;
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::dto::{ApiJson, ErrorBody};
use crate::error::WebError;
use crate::state::AppState;

/// The largest import file, in bytes.
pub const MAX_LICENCE_IMPORT_BYTES: usize = 32 * 1024 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A system admin's department (omitted: every department); others may omit it.
    pub department_id: Option<String>,
    pub type_code: Option<String>,
    /// active, suspended or revoked.
    pub state: Option<String>,
    /// 1-based.
    pub page: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LicenceRowDto {
    pub id: String,
    pub name: String,
    pub number: String,
    pub holder_name_masked: String,
    pub holder_code_masked: String,
    pub issued_on: String,
    pub valid_until: Option<String>,
    pub status_label: String,
    pub source: String,
    pub has_warning: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LicencePageDto {
    pub department_id: Option<String>,
    pub total: i64,
    /// Counts by state: active, suspended, revoked.
    pub counts: BTreeMap<String, i64>,
    pub page: u32,
    pub pages: u32,
    pub licences: Vec<LicenceRowDto>,
}

impl From<DeskPage> for LicencePageDto {
    fn from(p: DeskPage) -> Self {
        LicencePageDto {
            department_id: p.department.map(|d| d.0),
            total: p.total,
            counts: p.counts.into_iter().collect(),
            page: p.page,
            pages: p.pages,
            licences: p
                .rows
                .into_iter()
                .map(|r| LicenceRowDto {
                    id: r.id,
                    name: r.name,
                    number: r.number,
                    holder_name_masked: r.holder_name_masked,
                    holder_code_masked: r.holder_code_masked,
                    issued_on: r.issued_on,
                    valid_until: r.valid_until,
                    status_label: r.status_label,
                    source: r.source,
                    has_warning: r.has_warning,
                })
                .collect(),
        }
    }
}

/// A licence to issue by hand.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IssueDto {
    pub type_code: String,
    pub holder_name: String,
    /// 公民身份号码 or 统一社会信用代码, by the type's holder kind.
    pub holder_code: String,
    /// Face fields by key (KZ_…).
    #[serde(default)]
    pub face: BTreeMap<String, String>,
    /// YYYY-MM-DD; defaults to today.
    pub valid_from: Option<String>,
    /// 证照编号; generated when omitted.
    pub number: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeskUsageDto {
    pub at_ms: i64,
    pub operation: String,
    pub cause: String,
    pub actor_label: String,
    pub result: String,
}

impl From<UsageRow> for DeskUsageDto {
    fn from(u: UsageRow) -> Self {
        DeskUsageDto {
            at_ms: u.at_ms,
            operation: u.operation,
            cause: u.cause,
            actor_label: u.actor_label,
            result: u.result,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FaceDto {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeskLicenceDto {
    pub id: String,
    pub type_code: String,
    pub name: String,
    pub number: String,
    pub holder_name: String,
    pub holder_code_masked: String,
    pub issuer_department_id: String,
    pub issuer_name: String,
    pub issued_on: String,
    pub valid_from: String,
    /// None = 长期.
    pub valid_until: Option<String>,
    /// Face fields in the type's order.
    pub face: Vec<FaceDto>,
    /// valid, not_yet_valid, expired, suspended, revoked.
    pub status: String,
    pub status_label: String,
    pub state_reason: String,
    pub source: String,
    pub warning: String,
    pub key_id: String,
    pub usages: Vec<DeskUsageDto>,
}

fn licence_dto(v: LicenceView, usages: Vec<UsageRow>) -> DeskLicenceDto {
    DeskLicenceDto {
        status: v.status.as_str().into(),
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
            .map(|(label, value)| FaceDto { label, value })
            .collect(),
        status_label: v.status_label,
        state_reason: v.state_reason,
        source: v.source,
        warning: v.warning,
        key_id: v.key_id,
        usages: usages.into_iter().map(Into::into).collect(),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StateDto {
    /// suspend, reinstate or revoke.
    #[schema(value_type = String)]
    pub change: StateChange,
    pub reason: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `true` (the default) only checks the file.
    pub dry_run: Option<bool>,
    /// Keep identifiers whose check character is wrong (department or system admins).
    pub accept_bad_check: Option<bool>,
    /// A system admin's issuing department.
    pub department_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportProblemDto {
    /// The row as a spreadsheet numbers it; 0 for the file.
    pub row: u32,
    pub column: String,
    pub header: String,
    /// Stable code, e.g. licence_id.check.
    pub code: String,
    pub reason: String,
}

impl From<LicenceImportProblem> for ImportProblemDto {
    fn from(p: LicenceImportProblem) -> Self {
        ImportProblemDto {
            row: p.row,
            column: p.column,
            header: p.header,
            code: p.code,
            reason: p.reason,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LicenceImportReportDto {
    pub file_name: String,
    pub department_id: String,
    pub dry_run: bool,
    pub applied: bool,
    pub rows: usize,
    pub licences: usize,
    pub written: usize,
    pub generated_ids: usize,
    pub accepted_bad_check: usize,
    pub problems: Vec<ImportProblemDto>,
    pub problem_count: usize,
}

impl From<LicenceImportReport> for LicenceImportReportDto {
    fn from(r: LicenceImportReport) -> Self {
        LicenceImportReportDto {
            file_name: r.file_name,
            department_id: r.department_id,
            dry_run: r.dry_run,
            applied: r.applied,
            rows: r.rows,
            licences: r.licences,
            written: r.written,
            generated_ids: r.generated_ids,
            accepted_bad_check: r.accepted_bad_check,
            problems: r.problems.into_iter().map(Into::into).collect(),
            problem_count: r.problem_count,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyDto {
    pub key_id: String,
    pub department_id: String,
    pub public_pem: String,
    pub created_at_ms: i64,
}

impl From<PublishedKey> for KeyDto {
    fn from(k: PublishedKey) -> Self {
        KeyDto {
            key_id: k.key_id,
            department_id: k.department_id,
            public_pem: k.public_pem,
            created_at_ms: k.created_at_ms,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DepartmentParam {
    /// A system admin's department; others act for their own.
    pub department_id: Option<String>,
}

/// The department's licences, newest first, with counts by state.
#[utoipa::path(get, path = "/api/v1/work/licences", tag = "licences", operation_id = "work_licences_list", params(ListParams),
    responses((status = 200, description = "成功", body = LicencePageDto),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限（非颁发部门审批人员、部门管理员或系统管理员）", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<ListParams>,
) -> Result<Json<LicencePageDto>, WebError> {
    let page = state
        .app
        .licence_desk(
            &caller.principal,
            DeskQuery {
                department_id: p.department_id,
                type_code: p.type_code,
                state: p.state,
                page: p.page.unwrap_or(1),
            },
        )
        .await?;
    Ok(Json(page.into()))
}

/// Issues a licence by hand (approver or department admin of an issuing department).
#[utoipa::path(post, path = "/api/v1/work/licences", tag = "licences", operation_id = "work_licences_issue", request_body = IssueDto,
    responses((status = 201, description = "已签发", body = DeskLicenceDto),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "证照类型不存在", body = ErrorBody),
        (status = 409, description = "未配置签名主密钥", body = ErrorBody),
        (status = 422, description = "输入有误，见 fields", body = ErrorBody)))]
pub async fn issue(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(dto): ApiJson<IssueDto>,
) -> Result<(StatusCode, Json<DeskLicenceDto>), WebError> {
    let valid_from = match dto.valid_from.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(parse_cell_date(text).ok_or_else(|| {
            AppError::field(
                "valid_from",
                "licence.valid_from",
                "有效期起始日期应写成 2026-03-01",
            )
        })?),
    };
    let row = state
        .app
        .issue_licence(
            &caller.principal,
            IssueRequest {
                type_code: dto.type_code,
                holder_name: dto.holder_name,
                holder_code: dto.holder_code,
                face: dto.face,
                valid_from,
                number: dto.number,
            },
        )
        .await?;
    let (view, usages) = state
        .app
        .licence_for_issuer(&caller.principal, &row.id)
        .await?;
    Ok((StatusCode::CREATED, Json(licence_dto(view, usages))))
}

/// A licence as its issuer sees it, with its 用证记录 (the read is recorded).
#[utoipa::path(get, path = "/api/v1/work/licences/{id}", tag = "licences", operation_id = "work_licences_view",
    params(("id" = String, Path, description = "证照标识")),
    responses((status = 200, description = "成功", body = DeskLicenceDto),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<DeskLicenceDto>, WebError> {
    let (view, usages) = state.app.licence_for_issuer(&caller.principal, &id).await?;
    Ok(Json(licence_dto(view, usages)))
}

/// Suspends, reinstates or revokes a licence, with a reason.
#[utoipa::path(post, path = "/api/v1/work/licences/{id}/state", tag = "licences", operation_id = "work_licences_change_state",
    params(("id" = String, Path, description = "证照标识")), request_body = StateDto,
    responses((status = 200, description = "成功", body = DeskLicenceDto),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody),
        (status = 409, description = "当前状态不能进行此操作（如已注销）", body = ErrorBody),
        (status = 422, description = "未填写原因", body = ErrorBody)))]
pub async fn change_state(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(dto): ApiJson<StateDto>,
) -> Result<Json<DeskLicenceDto>, WebError> {
    state
        .app
        .change_licence_state(&caller.principal, &id, dto.change, &dto.reason)
        .await?;
    let (view, usages) = state.app.licence_for_issuer(&caller.principal, &id).await?;
    Ok(Json(licence_dto(view, usages)))
}

/// Checks (dry run, the default) or imports historic licences from an xlsx or CSV file sent as
/// the multipart part `file`; see docs/licence-import-format.md.
#[utoipa::path(post, path = "/api/v1/work/licences/import", tag = "licences", operation_id = "work_licences_import", params(ImportParams),
    request_body(content_type = "multipart/form-data", description = "part `file`: the xlsx or CSV file"),
    responses((status = 200, description = "检查报告（dry_run，或文件有误、未写入）", body = LicenceImportReportDto),
        (status = 201, description = "已全部导入", body = LicenceImportReportDto),
        (status = 400, description = "不是 multipart 请求或缺少 file", body = ErrorBody),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限（保留校验位错误的标识需管理员）", body = ErrorBody),
        (status = 413, description = "文件过大", body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<ImportParams>,
    request: Request,
) -> Result<(StatusCode, Json<LicenceImportReportDto>), WebError> {
    // Authorize before reading the body, so that a refused caller learns nothing else.
    state
        .app
        .licence_desk_department(&caller.principal, p.department_id.as_deref())
        .await?;
    let bad = || WebError::BadRequest("请以 multipart/form-data 上传文件（字段名 file）".into());
    let mut form = Multipart::from_request(request, &state)
        .await
        .map_err(|_| bad())?;
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(|_| bad())? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("licences.xlsx").to_string();
            file = Some((name, field.bytes().await.map_err(|_| bad())?.to_vec()));
        }
    }
    let Some((name, bytes)) = file else {
        return Err(WebError::BadRequest("缺少文件（字段名 file）".into()));
    };
    let report = state
        .app
        .import_licences(
            &caller.principal,
            &name,
            bytes,
            LicenceImportOptions {
                dry_run: p.dry_run.unwrap_or(true),
                accept_bad_check: p.accept_bad_check.unwrap_or(false),
                department_id: p.department_id,
            },
        )
        .await?;
    let status = if report.applied {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report.into())))
}

/// Replaces the department's signing key; earlier licences keep verifying with the old one.
#[utoipa::path(post, path = "/api/v1/work/licences/keys/rotate", tag = "licences", operation_id = "work_licences_rotate_key", params(DepartmentParam),
    responses((status = 201, description = "已更换", body = KeyDto),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限（部门管理员或系统管理员）", body = ErrorBody),
        (status = 409, description = "未配置签名主密钥", body = ErrorBody)))]
pub async fn rotate(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<DepartmentParam>,
) -> Result<(StatusCode, Json<KeyDto>), WebError> {
    let dept = state
        .app
        .licence_desk_department(&caller.principal, p.department_id.as_deref())
        .await?;
    let key = state
        .app
        .rotate_signing_key(&caller.principal, &dept.id)
        .await?;
    Ok((StatusCode::CREATED, Json(key.into())))
}
