//! Importing a list edition from a spreadsheet (`POST /api/v1/lists/{list}/imports`): the file
//! is the request body, xlsx or CSV in the layout of `docs/import-format.md`. A dry run only
//! reports; apply writes the whole edition as a draft, or nothing when any cell is wrong.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};
use tongban_app::import::{ImportProblem, ImportReport};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::dto::ErrorBody;
use super::lists::{EditionDto, kind, year};
use crate::error::WebError;
use crate::export::{CSV_TYPE, XLSX_TYPE};
use crate::state::AppState;

/// The largest file accepted, in bytes.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// The edition: “2024” or “2024年本”.
    pub edition: String,
    /// `true` (the default) only checks the file; `false` writes it when it has no problem.
    pub dry_run: Option<bool>,
    /// The file's name, shown as the sheet of a CSV's problems.
    pub file_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemDto {
    /// The sheet (a CSV file's name).
    pub sheet: String,
    /// The row as a spreadsheet numbers it (1 is the header row); 0 for the file as a whole.
    pub row: u32,
    /// The column letter (“C”), empty for a whole row or file.
    pub column: String,
    /// The column's header (“事项类型”).
    pub header: String,
    /// Why, in Chinese.
    pub reason: String,
}

impl From<ImportProblem> for ProblemDto {
    fn from(p: ImportProblem) -> Self {
        ProblemDto {
            sheet: p.sheet,
            row: p.row,
            column: p.column,
            header: p.header,
            reason: p.reason,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportDto {
    pub list: String,
    pub year: i32,
    pub file_name: String,
    pub dry_run: bool,
    /// Whether the edition was written (never when there is a problem).
    pub applied: bool,
    /// Data rows read.
    pub rows: usize,
    pub entries: usize,
    pub duties: usize,
    /// The first 1,000 problems, by row and column.
    pub problems: Vec<ProblemDto>,
    /// All problems, listed or not.
    pub problem_count: usize,
    /// The draft edition written, when applied.
    pub edition: Option<EditionDto>,
}

impl From<ImportReport> for ImportReportDto {
    fn from(r: ImportReport) -> Self {
        ImportReportDto {
            list: r.kind.code().into(),
            year: r.year,
            file_name: r.file_name,
            dry_run: r.dry_run,
            applied: r.applied,
            rows: r.rows,
            entries: r.entries,
            duties: r.duties,
            problems: r.problems.into_iter().map(Into::into).collect(),
            problem_count: r.problem_count,
            edition: r.edition.map(Into::into),
        }
    }
}

/// Check (dry run) or import an edition from an xlsx or CSV file sent as the body. City-level
/// system administrators only.
#[utoipa::path(post, path = "/api/v1/lists/{list}/imports", tag = "lists",
    params(("list" = String, Path, description = "power, licensing or trading"), ImportParams),
    request_body(description = "The file in the layout of docs/import-format.md: xlsx, or CSV in UTF-8",
        content((Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (String = "text/csv"))),
    responses((status = 200, description = "检查报告（dry_run，或文件有误、未写入）", body = ImportReportDto),
        (status = 201, description = "已全部导入为草稿版本", body = ImportReportDto),
        (status = 400, description = "请求体不是 xlsx 或 CSV 文件", body = ErrorBody),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "清单不存在", body = ErrorBody), (status = 409, description = "该版本已发布，不能修改", body = ErrorBody),
        (status = 413, description = "文件过大", body = ErrorBody),
        (status = 422, description = "版本年份不正确", body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Path(list): Path<String>,
    Query(params): Query<ImportParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportReportDto>), WebError> {
    let kind = kind(&list)?;
    let year = year(&params.edition)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mime = content_type.split(';').next().unwrap_or_default().trim();
    let extension = if mime == XLSX_TYPE || (mime.is_empty() && body.starts_with(b"PK")) {
        "xlsx"
    } else if mime.is_empty() || CSV_TYPE.starts_with(mime) {
        "csv"
    } else {
        return Err(WebError::BadRequest(
            "请求体应为 xlsx 或 CSV 文件（Content-Type 为 xlsx 的类型或 text/csv）".into(),
        ));
    };
    let file_name = params
        .file_name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("{}{year}.{extension}", kind.name_zh()));
    let report = state
        .app
        .import_list_edition(
            &caller.principal,
            kind,
            year,
            &file_name,
            body.to_vec(),
            params.dry_run.unwrap_or(true),
        )
        .await?;
    let status = if report.applied {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report.into())))
}
