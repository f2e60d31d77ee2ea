//! The published lists (权责清单, 行政许可事项清单, 公共资源交易监管权力和责任清单): their
//! editions, one edition's entries a page at a time, the comparison of two editions (动态调整),
//! and drafting and publishing an edition (city-level system administrators).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tongban_app::{AppError, EditionInfo, EntriesQuery};
use tongban_domain::lists::{ListEntry, ListKind, parse_edition};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::dto::{ApiJson, ErrorBody};
use crate::error::WebError;
use crate::state::AppState;

/// One entry as `tongban_domain::lists::ListEntry` serialises it: `code` (stable across
/// editions), `name`, `item_type` (“01” … “10”), `basis`, `department_id`, `level` (`city`,
/// `county`, `township` …), `basic_code` (optional) and `duties` (`[{name, accountability}]`).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[schema(value_type = Object)]
pub struct EntryBody(pub ListEntry);

#[derive(Debug, Serialize, ToSchema)]
pub struct EditionDto {
    /// `power`, `licensing` or `trading`.
    pub list: String,
    pub year: i32,
    /// “2023年本”.
    pub label: String,
    pub published: bool,
    pub entry_count: i64,
    pub duty_count: i64,
    pub published_at_ms: Option<i64>,
}

impl From<EditionInfo> for EditionDto {
    fn from(e: EditionInfo) -> Self {
        EditionDto {
            list: e.kind.code().into(),
            year: e.year,
            label: e.label,
            published: e.published,
            entry_count: e.entry_count,
            duty_count: e.duty_count,
            published_at_ms: e.published_at_ms,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListDto {
    pub list: String,
    pub name: String,
    pub editions: Vec<EditionDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryPageDto {
    pub edition: EditionDto,
    /// Entries passing the department filter.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub entries: Vec<EntryBody>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryParams {
    /// Only this department's entries.
    pub department: Option<String>,
    /// From 1.
    pub page: Option<i64>,
    /// 20 by default, at most 200.
    pub per_page: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffParams {
    /// The older edition: “2022” or “2022年本”.
    pub from: String,
    /// The newer edition.
    pub to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChangeDto {
    /// `name`, `item_type`, `basis`, `department_id`, `level`, `basic_code` or `duties`.
    pub field: String,
    /// The field's Chinese name.
    pub label: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeDto {
    pub code: String,
    pub name: String,
    pub fields: Vec<FieldChangeDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiffDto {
    pub from: EditionDto,
    pub to: EditionDto,
    pub added: Vec<EntryBody>,
    pub removed: Vec<EntryBody>,
    pub changed: Vec<ChangeDto>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewEditionBody {
    pub year: i32,
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<ListEntry>,
}

pub(crate) fn kind(code: &str) -> Result<ListKind, AppError> {
    ListKind::parse(code).ok_or(AppError::NotFound("该清单"))
}

pub(crate) fn year(text: &str) -> Result<i32, AppError> {
    parse_edition(text).ok_or(AppError::NotFound("该清单版本"))
}

/// Every list with its editions (drafts for staff only).
#[utoipa::path(get, path = "/api/v1/lists", tag = "lists",
    responses((status = 200, description = "成功", body = [ListDto]), (status = 401, description = "未登录或令牌无效", body = ErrorBody)))]
pub async fn lists(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ListDto>>, WebError> {
    let lists = state.app.list_overview(Some(&caller.principal)).await?;
    Ok(Json(
        lists
            .into_iter()
            .map(|l| ListDto {
                list: l.kind.code().into(),
                name: l.kind.name_zh().into(),
                editions: l.editions.into_iter().map(Into::into).collect(),
            })
            .collect(),
    ))
}

/// One page of an edition's entries with their responsibility items, in edition order.
#[utoipa::path(get, path = "/api/v1/lists/{list}/editions/{edition}/entries", tag = "lists", params(
        ("list" = String, Path, description = "power, licensing or trading"),
        ("edition" = String, Path, description = "Year, e.g. 2023"), EntryParams),
    responses((status = 200, description = "成功", body = EntryPageDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 404, description = "清单或版本不存在", body = ErrorBody)))]
pub async fn entries(
    State(state): State<AppState>,
    caller: Caller,
    Path((list, edition)): Path<(String, String)>,
    Query(params): Query<EntryParams>,
) -> Result<Json<EntryPageDto>, WebError> {
    let query = EntriesQuery {
        department_id: params.department.filter(|d| !d.trim().is_empty()),
        page: params.page.unwrap_or(1),
        per_page: params.per_page.unwrap_or(20),
    };
    let page = state
        .app
        .list_entries(
            Some(&caller.principal),
            kind(&list)?,
            year(&edition)?,
            &query,
        )
        .await?;
    Ok(Json(EntryPageDto {
        edition: page.edition.into(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        entries: page
            .entries
            .into_iter()
            .map(|e| EntryBody(e.entry))
            .collect(),
    }))
}

/// What changed from one edition to another: entries added, removed, and changed field by
/// field (department changes as department names).
#[utoipa::path(get, path = "/api/v1/lists/{list}/diff", tag = "lists", params(
        ("list" = String, Path, description = "power, licensing or trading"), DiffParams),
    responses((status = 200, description = "成功", body = DiffDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 404, description = "清单或版本不存在", body = ErrorBody)))]
pub async fn diff(
    State(state): State<AppState>,
    caller: Caller,
    Path(list): Path<String>,
    Query(params): Query<DiffParams>,
) -> Result<Json<DiffDto>, WebError> {
    let cmp = state
        .app
        .compare_editions(
            Some(&caller.principal),
            kind(&list)?,
            year(&params.from)?,
            year(&params.to)?,
        )
        .await?;
    Ok(Json(DiffDto {
        from: cmp.from.into(),
        to: cmp.to.into(),
        added: cmp.diff.added.into_iter().map(EntryBody).collect(),
        removed: cmp.diff.removed.into_iter().map(EntryBody).collect(),
        changed: cmp
            .diff
            .changed
            .into_iter()
            .map(|c| ChangeDto {
                code: c.code,
                name: c.name,
                fields: c
                    .fields
                    .into_iter()
                    .map(|f| FieldChangeDto {
                        field: f.field.code().into(),
                        label: f.field.name_zh().into(),
                        old: f.old,
                        new: f.new,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

/// Save an edition as a draft with all its entries (replacing a draft of the same year).
/// City-level system administrators only; a published edition cannot be changed.
#[utoipa::path(post, path = "/api/v1/lists/{list}/editions", operation_id = "create_list_edition", tag = "lists", request_body = NewEditionBody,
    params(("list" = String, Path, description = "power, licensing or trading")),
    responses((status = 201, description = "已保存为草稿版本", body = EditionDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "清单不存在", body = ErrorBody), (status = 409, description = "该版本已发布，不能修改", body = ErrorBody),
        (status = 422, description = "输入有误，见 fields", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(list): Path<String>,
    ApiJson(body): ApiJson<NewEditionBody>,
) -> Result<(StatusCode, Json<EditionDto>), WebError> {
    let info = state
        .app
        .create_list_edition(&caller.principal, kind(&list)?, body.year, body.entries)
        .await?;
    Ok((StatusCode::CREATED, Json(info.into())))
}

/// Publish a draft edition; from then on it never changes.
#[utoipa::path(post, path = "/api/v1/lists/{list}/editions/{edition}/publish", operation_id = "publish_list_edition", tag = "lists", params(
        ("list" = String, Path, description = "power, licensing or trading"),
        ("edition" = String, Path, description = "Year, e.g. 2023")),
    responses((status = 200, description = "已发布", body = EditionDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "清单或版本不存在", body = ErrorBody), (status = 409, description = "该版本已发布", body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path((list, edition)): Path<(String, String)>,
) -> Result<Json<EditionDto>, WebError> {
    let info = state
        .app
        .publish_list_edition(&caller.principal, kind(&list)?, year(&edition)?)
        .await?;
    Ok(Json(info.into()))
}
