//! `/auth/login`, `/auth/logout` and `/me`.

use axum::Extension;
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use tongban_app::{LoginRequest, OrgUnit, Principal};
use utoipa::ToSchema;

use super::caller::Caller;
use super::dto::{ApiJson, ErrorBody};
use crate::error::WebError;
use crate::pages::client_address;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginBody {
    /// Login name, a citizen's 公民身份号码, or an enterprise's 统一社会信用代码.
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`. Shown once; only its hash is stored.
    pub token: String,
    pub expires_at_ms: i64,
    pub me: MeDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    pub account_id: String,
    /// `staff`, `citizen` or `enterprise`.
    pub kind: String,
    pub name: String,
    /// Staff role code, e.g. `window_clerk`.
    pub role: Option<String>,
    /// `division`, `department` or `hall`.
    pub unit_kind: Option<String>,
    pub unit_id: Option<String>,
    pub unit_division_code: Option<String>,
}

pub fn me_dto(p: &Principal) -> MeDto {
    let unit: Option<&OrgUnit> = match p {
        Principal::Staff { unit, .. } => Some(unit),
        _ => None,
    };
    MeDto {
        account_id: p.account_id().to_string(),
        kind: p.kind_code().to_string(),
        name: p.display_name().to_string(),
        role: p.role().map(|r| r.code().to_string()),
        unit_kind: unit.map(|u| u.kind_code().to_string()),
        unit_id: unit.map(|u| u.id().to_string()),
        unit_division_code: unit.map(|u| u.division().as_str().to_string()),
    }
}

/// Log in and receive a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()), request_body = LoginBody,
    responses((status = 200, description = "成功", body = LoginResponse), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 429, description = "尝试次数过多", body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Json<LoginResponse>, WebError> {
    let client = client_address(
        &headers,
        connect.as_ref().map(|c| &c.0),
        state.options.trust_forwarded_for,
    );
    let outcome = state
        .app
        .login(LoginRequest {
            login: body.login,
            password: body.password,
            client,
        })
        .await?;
    Ok(Json(LoginResponse {
        me: me_dto(&outcome.principal),
        token: outcome.token,
        expires_at_ms: outcome.expires_at_ms,
    }))
}

/// End the session of this token.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "成功，无内容"), (status = 401, description = "未登录或令牌无效", body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<axum::http::StatusCode, WebError> {
    state.app.logout(&caller.token).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, description = "成功", body = MeDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody)))]
pub async fn me(caller: Caller) -> Json<MeDto> {
    Json(me_dto(&caller.principal))
}
