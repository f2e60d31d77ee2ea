//! Batch validation of 公民身份号码 and 统一社会信用代码.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tongban_app::ValidateKind;
use utoipa::ToSchema;

use super::caller::Caller;
use super::dto::{ApiJson, ErrorBody};
use crate::error::WebError;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct ValidateBody {
    /// `resident-id` or `uscc`.
    pub kind: String,
    /// At most 1,000 values.
    pub values: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ValidateResult {
    pub value_index: usize,
    pub ok: bool,
    /// Why it is wrong, in Chinese.
    pub reason: Option<String>,
}

/// Check identifiers by the national standards (GB 11643, GB 32100).
#[utoipa::path(post, path = "/api/v1/validate", tag = "tools", request_body = ValidateBody,
    responses((status = 200, description = "成功", body = Vec<ValidateResult>), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 422, description = "输入有误，见 fields", body = ErrorBody)))]
pub async fn validate(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<ValidateBody>,
) -> Result<Json<Vec<ValidateResult>>, WebError> {
    let Some(kind) = ValidateKind::parse(&body.kind) else {
        return Err(tongban_app::AppError::field(
            "kind",
            "validate.kind",
            "kind 只能是 resident-id 或 uscc",
        )
        .into());
    };
    if body.values.len() > 1_000 {
        return Err(tongban_app::AppError::field(
            "values",
            "validate.too_many",
            "一次最多校验 1000 个",
        )
        .into());
    }
    let today = state.app.now().to_offset(tongban_app::beijing()).date();
    let lines = tongban_app::validate_lines(kind, body.values.iter().map(String::as_str), today);
    Ok(Json(
        lines
            .into_iter()
            .enumerate()
            .map(|(value_index, line)| ValidateResult {
                value_index,
                ok: line == "ok",
                reason: line.strip_prefix("error: ").map(str::to_string),
            })
            .collect(),
    ))
}
