//! The push to the provincial platform (上级平台推送), for platform administrators: each
//! stream's cursor, what was pushed, what waits, the last error and the next attempt.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use tongban_app::{UpstreamStatus, UpstreamStreamStatus};
use utoipa::ToSchema;

use super::caller::Caller;
use super::dto::ErrorBody;
use crate::error::WebError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct UpstreamStreamDto {
    /// e.g. `licences`.
    pub stream: String,
    /// The event kinds the stream carries.
    pub kinds: Vec<String>,
    /// The seq of the last event the receiver acknowledged (0: none yet).
    pub last_seq: i64,
    pub pushed_count: i64,
    /// Events of the stream's kinds after the cursor, waiting to be pushed.
    pub backlog: i64,
    /// Failed attempts since the last success.
    pub attempts: i64,
    /// The last error, without personal data.
    pub last_error: Option<String>,
    /// When the next attempt is due, after a failure.
    pub next_attempt_ms: Option<i64>,
    pub last_success_at_ms: Option<i64>,
    /// Who is pushing the stream now, while the lease runs.
    pub lease_holder: Option<String>,
    pub lease_until_ms: Option<i64>,
}

impl From<UpstreamStreamStatus> for UpstreamStreamDto {
    fn from(s: UpstreamStreamStatus) -> Self {
        UpstreamStreamDto {
            stream: s.stream,
            kinds: s.kinds,
            last_seq: s.last_seq,
            pushed_count: s.pushed_count,
            backlog: s.backlog,
            attempts: s.attempts,
            last_error: s.last_error,
            next_attempt_ms: s.next_attempt_ms,
            last_success_at_ms: s.last_success_at_ms,
            lease_holder: s.lease_holder,
            lease_until_ms: s.lease_until_ms,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UpstreamDto {
    /// Whether an upstream address is configured; without one nothing is pushed.
    pub configured: bool,
    /// Where events go (scheme, host and path only).
    pub target: Option<String>,
    pub streams: Vec<UpstreamStreamDto>,
}

impl From<UpstreamStatus> for UpstreamDto {
    fn from(s: UpstreamStatus) -> Self {
        UpstreamDto {
            configured: s.configured,
            target: s.target,
            streams: s.streams.into_iter().map(Into::into).collect(),
        }
    }
}

/// Push status of each stream to the provincial platform (system administrators).
#[utoipa::path(get, path = "/api/v1/admin/upstream", tag = "notices",
    responses((status = 200, description = "成功", body = UpstreamDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<UpstreamDto>, WebError> {
    let status = state.app.upstream_status(&caller.principal).await?;
    Ok(Json(status.into()))
}
