//! Notices: the signed-in caller's inbox (消息中心) and, for system administrators and
//! supervisors, the delivery status of the SMS and email outbox with recipients masked.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use tongban_app::{NoticeView, NoticesPage, OutboxLine, OutboxOverview};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::dto::ErrorBody;
use crate::error::WebError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// From 1.
    pub page: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeDto {
    pub id: String,
    pub at_ms: i64,
    pub subject: String,
    pub body: String,
    /// A path inside the site to open, if any.
    pub link: Option<String>,
    pub read: bool,
}

impl From<NoticeView> for NoticeDto {
    fn from(n: NoticeView) -> Self {
        NoticeDto {
            id: n.id,
            at_ms: n.at_ms,
            subject: n.subject,
            body: n.body,
            link: n.link,
            read: n.read,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticesPageDto {
    /// Newest first.
    pub notices: Vec<NoticeDto>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    pub unread: i64,
}

impl From<NoticesPage> for NoticesPageDto {
    fn from(p: NoticesPage) -> Self {
        NoticesPageDto {
            notices: p.notices.into_iter().map(Into::into).collect(),
            page: p.page,
            per_page: p.per_page,
            total: p.total,
            unread: p.unread,
        }
    }
}

/// The caller's notices, newest first, 20 a page.
#[utoipa::path(get, path = "/api/v1/me/notices", tag = "notices", params(PageParams),
    responses((status = 200, description = "成功", body = NoticesPageDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody)))]
pub async fn my_notices(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<PageParams>,
) -> Result<Json<NoticesPageDto>, WebError> {
    let page = state
        .app
        .my_notices(&caller.principal, p.page.unwrap_or(1))
        .await?;
    Ok(Json(page.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedDto {
    /// How many notices were unread.
    pub marked: u64,
}

/// Mark all of the caller's notices read.
#[utoipa::path(post, path = "/api/v1/me/notices/read", tag = "notices",
    responses((status = 200, description = "成功", body = MarkedDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<MarkedDto>, WebError> {
    let marked = state.app.mark_notices_read(&caller.principal).await?;
    Ok(Json(MarkedDto { marked }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxCountDto {
    /// `sms` or `email`.
    pub channel: String,
    /// `pending`, `sending`, `sent` or `failed`.
    pub status: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxMessageDto {
    pub idempotency_key: String,
    pub channel: String,
    /// Masked: `138****8000`, `z***@example.com`.
    pub recipient: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_ms: i64,
    /// The last delivery error, without personal data.
    pub last_error: Option<String>,
    pub created_at_ms: i64,
    pub sent_at_ms: Option<i64>,
}

impl From<OutboxLine> for OutboxMessageDto {
    fn from(m: OutboxLine) -> Self {
        OutboxMessageDto {
            idempotency_key: m.idempotency_key,
            channel: m.channel,
            recipient: m.recipient,
            status: m.status,
            attempts: m.attempts,
            next_attempt_ms: m.next_attempt_ms,
            last_error: m.last_error,
            created_at_ms: m.created_at_ms,
            sent_at_ms: m.sent_at_ms,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxDto {
    /// Channels that have a sender; messages of the others wait as `pending`.
    pub configured: Vec<String>,
    pub max_attempts: i64,
    pub counts: Vec<OutboxCountDto>,
    /// Newest first, 50 a page.
    pub messages: Vec<OutboxMessageDto>,
    pub page: i64,
    pub per_page: i64,
}

impl From<OutboxOverview> for OutboxDto {
    fn from(o: OutboxOverview) -> Self {
        OutboxDto {
            configured: o.configured,
            max_attempts: o.max_attempts,
            counts: o
                .counts
                .into_iter()
                .map(|c| OutboxCountDto {
                    channel: c.channel,
                    status: c.status,
                    count: c.count,
                })
                .collect(),
            messages: o.messages.into_iter().map(Into::into).collect(),
            page: o.page,
            per_page: o.per_page,
        }
    }
}

/// Delivery status of SMS and email notices (system administrators and bureau supervisors).
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "notices", params(PageParams),
    responses((status = 200, description = "成功", body = OutboxDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody)))]
pub async fn outbox(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<PageParams>,
) -> Result<Json<OutboxDto>, WebError> {
    let overview = state
        .app
        .outbox_messages(&caller.principal, p.page.unwrap_or(1))
        .await?;
    Ok(Json(overview.into()))
}
