//! The event log, chain verification, and audited reads of personal records.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use tongban_app::EventView;
use tongban_store::VerifyOutcome;
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::dto::ErrorBody;
use crate::error::WebError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct CitizenRecordDto {
    pub account_id: String,
    pub real_name: String,
    pub id_number: String,
    pub phone: String,
    pub division_code: Option<String>,
}

/// A citizen's personal record. Staff only; every read is recorded in the event log first.
#[utoipa::path(get, path = "/api/v1/citizens/{id}", tag = "audit", params(("id" = String, Path, description = "account id")),
    responses((status = 200, description = "成功", body = CitizenRecordDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn citizen_record(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<CitizenRecordDto>, WebError> {
    let r = state
        .app
        .view_citizen_record(&caller.principal, &id)
        .await?;
    Ok(Json(CitizenRecordDto {
        account_id: r.account_id,
        real_name: r.real_name,
        id_number: r.id_number,
        phone: r.phone,
        division_code: r.division_code,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct EventParams {
    /// Return events with a sequence number greater than this (the consumer's cursor).
    pub after: Option<i64>,
    /// At most 1,000.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    pub seq: i64,
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub payload: serde_json::Value,
    pub hash: String,
}

impl From<EventView> for EventDto {
    fn from(e: EventView) -> Self {
        EventDto {
            seq: e.seq,
            at_ms: e.at_ms,
            actor: e.actor,
            action: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            payload: e.payload,
            hash: e.hash,
        }
    }
}

/// Events after a cursor (system administrators and bureau supervisors).
#[utoipa::path(get, path = "/api/v1/events", tag = "audit", params(EventParams),
    responses((status = 200, description = "成功", body = Vec<EventDto>), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<EventParams>,
) -> Result<Json<Vec<EventDto>>, WebError> {
    let rows = state
        .app
        .events_after(
            &caller.principal,
            p.after.unwrap_or(0),
            p.limit.unwrap_or(100),
        )
        .await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyDto {
    pub intact: bool,
    pub count: Option<i64>,
    pub head_hash: Option<String>,
    /// The first event that fails, when one does.
    pub first_bad_seq: Option<i64>,
    pub problem: Option<String>,
}

/// Re-compute the hash chain of the whole event log.
#[utoipa::path(post, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, description = "成功", body = VerifyDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<VerifyDto>, WebError> {
    Ok(Json(verify_dto(
        state.app.verify_audit_chain(&caller.principal).await?,
    )))
}

pub fn verify_dto(outcome: VerifyOutcome) -> VerifyDto {
    match outcome {
        VerifyOutcome::Intact { count, head_hash } => VerifyDto {
            intact: true,
            count: Some(count),
            head_hash: Some(head_hash),
            first_bad_seq: None,
            problem: None,
        },
        VerifyOutcome::Broken(b) => VerifyDto {
            intact: false,
            count: None,
            head_hash: None,
            first_bad_seq: Some(b.seq),
            problem: Some(b.to_string()),
        },
        VerifyOutcome::HeadMismatch { head_seq, last_seq } => VerifyDto {
            intact: false,
            count: Some(last_seq),
            head_hash: None,
            first_bad_seq: Some(last_seq + 1),
            problem: Some(format!(
                "链头记录为第 {head_seq} 号事件，但日志只到第 {last_seq} 号：最新的事件被删除"
            )),
        },
    }
}
