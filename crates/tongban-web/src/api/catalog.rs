//! The service-item catalogue: search, the published 办事指南 content, and drafting and the life
//! cycle of item versions. Bodies carry the item exactly as `tongban_domain::catalog::ServiceItem`
//! serialises it.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tongban_app::{AppError, CatalogQuery, ItemSummary, ItemView};
use tongban_domain::AdminLevel;
use tongban_domain::catalog::{ItemType, OnlineLevel, ServiceItem, Theme};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::dto::{ApiJson, DepartmentDto, ErrorBody, HallDto};
use crate::error::WebError;
use crate::state::AppState;

/// A service item's content (GB/T 39046 表4), as `ServiceItem` in `tongban-domain` defines it:
/// `name`, `aliases`, `item_type` (“01” … “20”), `basic_code`, `implementation_code`,
/// `handling_code`, `level` (`city`, `county`, …), `department_id`, limits in working days,
/// `materials`, `steps`, `fees`, `themes`, `hall_ids` and the rest.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[schema(value_type = Object)]
pub struct ItemBody(pub ServiceItem);

/// One line of a search result.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemSummaryDto {
    pub item_id: String,
    pub version: i64,
    /// `draft`, `in_review`, `published` or `withdrawn`.
    pub status: String,
    pub name: String,
    /// 事项类型 code, e.g. “01” 行政许可, “20” 公共服务.
    pub item_type: String,
    /// 行使层级 code: 1 national … 6 village.
    pub level: u8,
    pub department_id: String,
    pub department_name: String,
    /// 承诺办结时限, working days (0 = 即办).
    pub promised_limit_days: u32,
    /// 法定办结时限, working days.
    pub legal_limit_days: u32,
    /// 网上办理深度 level code, “1” … “4”.
    pub online_level: String,
    /// 到办事现场次数.
    pub visits: u32,
}

impl From<ItemSummary> for ItemSummaryDto {
    fn from(s: ItemSummary) -> Self {
        ItemSummaryDto {
            item_id: s.item_id,
            version: s.version,
            status: s.status.code().to_string(),
            name: s.name,
            item_type: s.item_type.code().to_string(),
            level: s.level.code(),
            department_id: s.department_id,
            department_name: s.department_name,
            promised_limit_days: s.promised_limit_days,
            legal_limit_days: s.legal_limit_days,
            online_level: s.online_level.code().to_string(),
            visits: s.visits,
        }
    }
}

/// One page of search results and how many match in all.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemListDto {
    pub total: i64,
    pub items: Vec<ItemSummaryDto>,
}

/// One version of an item with its department and halls.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemViewDto {
    pub item_id: String,
    pub version: i64,
    /// `draft`, `in_review`, `published` or `withdrawn`.
    pub status: String,
    /// When this version was published (Unix milliseconds), if it was.
    pub published_at_ms: Option<i64>,
    pub item: ItemBody,
    pub department: DepartmentDto,
    /// The halls where the item can be handled.
    pub halls: Vec<HallDto>,
}

impl From<ItemView> for ItemViewDto {
    fn from(v: ItemView) -> Self {
        ItemViewDto {
            item_id: v.item_id,
            version: v.version,
            status: v.status.code().to_string(),
            published_at_ms: v.published_at_ms,
            item: ItemBody(v.item),
            department: v.department.into(),
            halls: v.halls.into_iter().map(Into::into).collect(),
        }
    }
}

/// Where a new draft was saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemVersionRefDto {
    pub item_id: String,
    pub version: i64,
}

#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct ItemSearchParams {
    /// Words to look for in names, aliases, materials and themes (at most 50 characters).
    pub text: Option<String>,
    /// Implementing department id.
    pub department: Option<String>,
    /// 行使层级: the code 1–6 or its name (`city`, `county`, `township`, …).
    pub level: Option<String>,
    /// 事项类型 code, e.g. “01”.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub item_type: Option<String>,
    /// Life-event theme code, e.g. `birth`, `business`.
    pub theme: Option<String>,
    /// 网上办理深度 level, “1” … “4”.
    pub online_level: Option<String>,
    /// From 1.
    pub page: Option<i64>,
    /// 20 by default, at most 100.
    pub per_page: Option<i64>,
}

/// An optional code from a query parameter: absent or empty is `None`, a wrong one a field error.
fn code<T>(
    value: Option<&str>,
    field: &'static str,
    parse: impl Fn(&str) -> Option<T>,
    message: &'static str,
) -> Result<Option<T>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => parse(v)
            .map(Some)
            .ok_or_else(|| AppError::field(field, "invalid_code", message)),
    }
}

fn parse_level(v: &str) -> Option<AdminLevel> {
    match v.parse::<u8>() {
        Ok(n) => AdminLevel::from_code(n),
        Err(_) => serde_json::from_value(serde_json::Value::String(v.to_string())).ok(),
    }
}

impl ItemSearchParams {
    fn into_query(self) -> Result<CatalogQuery, AppError> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<(), AppError>| {
            if let Err(AppError::Invalid { fields, .. }) = r {
                errors.extend(fields);
            }
        };
        let mut query = CatalogQuery {
            text: self.text.unwrap_or_default(),
            department_id: self.department.filter(|d| !d.trim().is_empty()),
            page: self.page.unwrap_or(1),
            per_page: self.per_page.unwrap_or(20),
            ..CatalogQuery::default()
        };
        keep(
            code(
                self.level.as_deref(),
                "level",
                parse_level,
                "行使层级不正确",
            )
            .map(|v| query.level = v),
        );
        keep(
            code(
                self.item_type.as_deref(),
                "type",
                ItemType::parse,
                "事项类型不正确",
            )
            .map(|v| query.item_type = v),
        );
        keep(
            code(self.theme.as_deref(), "theme", Theme::parse, "主题不正确")
                .map(|v| query.theme = v),
        );
        keep(
            code(
                self.online_level.as_deref(),
                "online_level",
                OnlineLevel::parse,
                "网上办理深度不正确",
            )
            .map(|v| query.online_level = v),
        );
        if errors.is_empty() {
            Ok(query)
        } else {
            Err(AppError::fields(errors))
        }
    }
}

/// Search the published catalogue, best matches first: the name itself, names starting with
/// the text, names containing it, then aliases, then materials and themes.
#[utoipa::path(get, path = "/api/v1/items", tag = "catalog", params(ItemSearchParams),
    responses((status = 200, description = "成功", body = ItemListDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 422, description = "输入有误，见 fields", body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    _caller: Caller,
    Query(params): Query<ItemSearchParams>,
) -> Result<Json<ItemListDto>, WebError> {
    let query = params.into_query()?;
    let (items, total) = state.app.search_items(&query).await?;
    Ok(Json(ItemListDto {
        total,
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// The version of an item in force (its 办事指南 content).
#[utoipa::path(get, path = "/api/v1/items/{id}", tag = "catalog", params(("id" = String, Path, description = "Item id")),
    responses((status = 200, description = "成功", body = ItemViewDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 404, description = "未找到或尚未发布", body = ErrorBody)))]
pub async fn published(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ItemViewDto>, WebError> {
    Ok(Json(state.app.published_item(&id).await?.into()))
}

/// Start a new item as a draft (the department's administrator, or a system administrator in
/// scope).
#[utoipa::path(post, path = "/api/v1/items", tag = "catalog", request_body = ItemBody,
    responses((status = 201, description = "已保存为草稿（第 1 版）", body = ItemVersionRefDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody),
        (status = 422, description = "输入有误，见 fields", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ItemBody>,
) -> Result<(StatusCode, Json<ItemVersionRefDto>), WebError> {
    let (item_id, version) = state
        .app
        .create_item_draft(&caller.principal, body.0)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ItemVersionRefDto { item_id, version }),
    ))
}

/// Any version of an item, drafts included (staff).
#[utoipa::path(get, path = "/api/v1/items/{id}/versions/{version}", tag = "catalog",
    params(("id" = String, Path, description = "Item id"), ("version" = i64, Path, description = "Version number")),
    responses((status = 200, description = "成功", body = ItemViewDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, i64)>,
) -> Result<Json<ItemViewDto>, WebError> {
    Ok(Json(
        state
            .app
            .item_version(&caller.principal, &id, version)
            .await?
            .into(),
    ))
}

/// Replace the content of a draft.
#[utoipa::path(put, path = "/api/v1/items/{id}/versions/{version}", tag = "catalog", request_body = ItemBody,
    params(("id" = String, Path, description = "Item id"), ("version" = i64, Path, description = "Version number")),
    responses((status = 200, description = "已保存", body = ItemViewDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody), (status = 409, description = "与他人的修改冲突", body = ErrorBody),
        (status = 422, description = "输入有误，或该版本不是草稿（code item.not_editable），见 fields", body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, i64)>,
    ApiJson(body): ApiJson<ItemBody>,
) -> Result<Json<ItemViewDto>, WebError> {
    state
        .app
        .update_item_draft(&caller.principal, &id, version, body.0)
        .await?;
    read_back(&state, &caller, &id, version).await
}

async fn read_back(
    state: &AppState,
    caller: &Caller,
    id: &str,
    version: i64,
) -> Result<Json<ItemViewDto>, WebError> {
    Ok(Json(
        state
            .app
            .item_version(&caller.principal, id, version)
            .await?
            .into(),
    ))
}

/// Send a draft to review.
#[utoipa::path(post, path = "/api/v1/items/{id}/versions/{version}/submit", tag = "catalog",
    params(("id" = String, Path, description = "Item id"), ("version" = i64, Path, description = "Version number")),
    responses((status = 200, description = "已提交审核", body = ItemViewDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody), (status = 422, description = "当前状态不能提交（code item.lifecycle）", body = ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, i64)>,
) -> Result<Json<ItemViewDto>, WebError> {
    state
        .app
        .submit_item(&caller.principal, &id, version)
        .await?;
    read_back(&state, &caller, &id, version).await
}

/// Publish a version in review (system administrators in scope); the version it replaces is
/// withdrawn at the same moment.
#[utoipa::path(post, path = "/api/v1/items/{id}/versions/{version}/publish", tag = "catalog",
    params(("id" = String, Path, description = "Item id"), ("version" = i64, Path, description = "Version number")),
    responses((status = 200, description = "已发布", body = ItemViewDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody), (status = 422, description = "当前状态不能发布（code item.lifecycle）", body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, i64)>,
) -> Result<Json<ItemViewDto>, WebError> {
    state
        .app
        .publish_item(&caller.principal, &id, version)
        .await?;
    read_back(&state, &caller, &id, version).await
}

/// Send a version in review back to its author as a draft (system administrators in scope).
#[utoipa::path(post, path = "/api/v1/items/{id}/versions/{version}/return", tag = "catalog",
    params(("id" = String, Path, description = "Item id"), ("version" = i64, Path, description = "Version number")),
    responses((status = 200, description = "已退回修改", body = ItemViewDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody), (status = 422, description = "当前状态不能退回（code item.lifecycle）", body = ErrorBody)))]
pub async fn return_to_author(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, i64)>,
) -> Result<Json<ItemViewDto>, WebError> {
    state
        .app
        .return_item(&caller.principal, &id, version)
        .await?;
    read_back(&state, &caller, &id, version).await
}

/// Take a published version out of the catalogue (system administrators in scope).
#[utoipa::path(post, path = "/api/v1/items/{id}/versions/{version}/withdraw", tag = "catalog",
    params(("id" = String, Path, description = "Item id"), ("version" = i64, Path, description = "Version number")),
    responses((status = 200, description = "已撤销", body = ItemViewDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody), (status = 422, description = "当前状态不能撤销（code item.lifecycle）", body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, i64)>,
) -> Result<Json<ItemViewDto>, WebError> {
    state
        .app
        .withdraw_item(&caller.principal, &id, version)
        .await?;
    read_back(&state, &caller, &id, version).await
}

/// Start the next version of an item as a draft copy of its latest version.
#[utoipa::path(post, path = "/api/v1/items/{id}/versions", tag = "catalog",
    params(("id" = String, Path, description = "Item id")),
    responses((status = 201, description = "已新建草稿版本", body = ItemVersionRefDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody), (status = 409, description = "版本号已被占用", body = ErrorBody),
        (status = 422, description = "最新版本尚未发布（code item.open_version）", body = ErrorBody)))]
pub async fn new_version(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<ItemVersionRefDto>), WebError> {
    let version = state.app.new_item_version(&caller.principal, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(ItemVersionRefDto {
            item_id: id,
            version,
        }),
    ))
}
