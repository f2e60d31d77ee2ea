//! Divisions, halls and departments.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use tongban_app::{DepartmentEdit, HallEdit, HallQuery};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::dto::{
    ApiJson, DepartmentDto, DepartmentEditDto, DivisionDto, DivisionPageDto, ErrorBody, HallDto,
    HallEditDto,
};
use crate::error::WebError;
use crate::state::AppState;

/// The top of the division tree.
#[utoipa::path(get, path = "/api/v1/divisions", tag = "org",
    responses((status = 200, description = "成功", body = Vec<DivisionDto>), (status = 401, description = "未登录或令牌无效", body = ErrorBody)))]
pub async fn top_divisions(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<DivisionDto>>, WebError> {
    Ok(Json(
        state
            .app
            .top_divisions()
            .await?
            .into_iter()
            .map(DivisionDto::from)
            .collect(),
    ))
}

/// One division with its ancestors, children, departments and halls.
#[utoipa::path(get, path = "/api/v1/divisions/{code}", tag = "org",
    params(("code" = String, Path, description = "12-digit division code")),
    responses((status = 200, description = "成功", body = DivisionPageDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn division(
    State(state): State<AppState>,
    _caller: Caller,
    Path(code): Path<String>,
) -> Result<Json<DivisionPageDto>, WebError> {
    let page = state.app.division_page(&code).await?;
    Ok(Json(DivisionPageDto {
        division: page.division.into(),
        ancestors: page.ancestors.into_iter().map(Into::into).collect(),
        children: page.children.into_iter().map(Into::into).collect(),
        departments: page.departments.into_iter().map(Into::into).collect(),
        halls: page.halls.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams, ToSchema)]
pub struct HallParams {
    /// Division code: halls in its whole subtree.
    pub division: Option<String>,
    /// `city_center`, `county_center`, `township_center` or `village_station`.
    pub kind: Option<String>,
    /// Part of the name.
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The hall finder.
#[utoipa::path(get, path = "/api/v1/halls", tag = "org", params(HallParams),
    responses((status = 200, description = "成功", body = Vec<HallDto>), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 422, description = "输入有误，见 fields", body = ErrorBody)))]
pub async fn find_halls(
    State(state): State<AppState>,
    _caller: Caller,
    Query(p): Query<HallParams>,
) -> Result<Json<Vec<HallDto>>, WebError> {
    let query = HallQuery {
        division: p.division,
        kind: p.kind,
        name: p.q,
        page: p.page.unwrap_or(1),
        per_page: p.per_page.unwrap_or(20),
    };
    Ok(Json(
        state
            .app
            .find_halls(&query)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/halls/{id}", tag = "org", params(("id" = String, Path)),
    responses((status = 200, description = "成功", body = HallDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn hall(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<HallDto>, WebError> {
    Ok(Json(state.app.hall(&id).await?.into()))
}

/// Change a hall's public details (system administrators within their division).
#[utoipa::path(put, path = "/api/v1/halls/{id}", tag = "org", params(("id" = String, Path)), request_body = HallEditDto,
    responses((status = 200, description = "成功", body = HallDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody), (status = 422, description = "输入有误，见 fields", body = ErrorBody)))]
pub async fn edit_hall(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<HallEditDto>,
) -> Result<Json<HallDto>, WebError> {
    let edit = HallEdit {
        name: body.name,
        address: body.address,
        phone: body.phone,
        latitude: body.latitude,
        longitude: body.longitude,
        opening_hours: body.opening_hours,
    };
    Ok(Json(
        state
            .app
            .edit_hall(&caller.principal, &id, edit)
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/departments/{id}", tag = "org", params(("id" = String, Path)),
    responses((status = 200, description = "成功", body = DepartmentDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn department(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<DepartmentDto>, WebError> {
    Ok(Json(state.app.department(&id).await?.into()))
}

/// Rename a department or correct its USCC (system administrators in scope, or the
/// department's own administrator).
#[utoipa::path(put, path = "/api/v1/departments/{id}", tag = "org", params(("id" = String, Path)), request_body = DepartmentEditDto,
    responses((status = 200, description = "成功", body = DepartmentDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody), (status = 422, description = "输入有误，见 fields", body = ErrorBody)))]
pub async fn edit_department(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DepartmentEditDto>,
) -> Result<Json<DepartmentDto>, WebError> {
    let edit = DepartmentEdit {
        name: body.name,
        short_name: body.short_name,
        uscc: body.uscc,
    };
    Ok(Json(
        state
            .app
            .edit_department(&caller.principal, &id, edit)
            .await?
            .into(),
    ))
}
