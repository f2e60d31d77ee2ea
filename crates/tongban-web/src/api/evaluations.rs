//! 好差评 over JSON: the applicant rates a stage of a completed case; a clerk starts a window
//! service (一次一评); 好差评处理人员 work their unit's 差评 cases and record phone ratings;
//! the city's 局督查人员 decide appeals; anyone reads the public results. Who may do what is
//! decided in `tongban-app`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tongban_app::AppError;
use tongban_app::evaluations::{
    PublicEvaluations, RatingInput, RatingReceipt, RectificationView, WindowServiceStarted,
};
use tongban_domain::evaluation::{EvalChannel, EvalStage, LoopCommand, Satisfaction};
use tongban_store::RectificationRow;
use utoipa::ToSchema;

use super::caller::Caller;
use super::dto::{ApiJson, ErrorBody};
use crate::error::WebError;
use crate::state::AppState;

fn bad(field: &'static str, message: &str) -> AppError {
    AppError::field(field, "evaluation.invalid", message)
}

/// A rating.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EvaluationRateDto {
    /// `completed` (办结, the default) or `accepted` (受理).
    #[serde(default)]
    pub stage: Option<String>,
    /// 满意度代码 (GB/T 39046 A.8): 1 非常满意 … 5 非常不满意.
    pub satisfaction: u8,
    /// Codes of the ticked options of the current option set.
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub comment: String,
    /// 实名评价 (default) or anonymous.
    #[serde(default = "yes")]
    pub real_name: bool,
    /// `pc` (default) or `mobile`.
    #[serde(default)]
    pub channel: Option<String>,
}

fn yes() -> bool {
    true
}

/// What a rating produced.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationReceiptDto {
    pub evaluation_id: String,
    pub satisfaction: u8,
    /// The 差评 case opened for a rating of 4 or 5.
    pub rectification_id: Option<String>,
}

impl From<RatingReceipt> for EvaluationReceiptDto {
    fn from(r: RatingReceipt) -> Self {
        EvaluationReceiptDto {
            evaluation_id: r.evaluation_id,
            satisfaction: r.satisfaction.code(),
            rectification_id: r.rectification_id,
        }
    }
}

pub(crate) fn rating_input(
    satisfaction: u8,
    options: Vec<String>,
    comment: String,
    real_name: bool,
    channel: EvalChannel,
) -> Result<RatingInput, AppError> {
    let satisfaction = Satisfaction::from_code(satisfaction).ok_or_else(|| {
        bad(
            "satisfaction",
            "请选择满意程度（1 非常满意 至 5 非常不满意）",
        )
    })?;
    Ok(RatingInput {
        satisfaction,
        options,
        comment,
        real_name,
        channel,
    })
}

/// Rates a stage of the caller's own completed case (only the applicant, once per stage).
#[utoipa::path(post, path = "/api/v1/applications/{id}/evaluations", tag = "evaluations", operation_id = "evaluations_rate_application",
    params(("id" = String, Path, description = "办件标识")), request_body = EvaluationRateDto,
    responses((status = 201, description = "已评价", body = EvaluationReceiptDto),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody),
        (status = 422, description = "不是申请人本人、尚未办结、已评价或填写有误", body = ErrorBody)))]
pub async fn rate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(dto): ApiJson<EvaluationRateDto>,
) -> Result<(StatusCode, Json<EvaluationReceiptDto>), WebError> {
    let stage = match dto.stage.as_deref().unwrap_or("completed") {
        "completed" => EvalStage::Completed,
        "accepted" => EvalStage::Accepted,
        _ => return Err(bad("stage", "评价环节应为 completed 或 accepted").into()),
    };
    let channel = match dto.channel.as_deref().unwrap_or("pc") {
        "pc" => EvalChannel::Pc,
        "mobile" => EvalChannel::Mobile,
        _ => return Err(bad("channel", "在线评价的渠道应为 pc 或 mobile").into()),
    };
    let input = rating_input(
        dto.satisfaction,
        dto.options,
        dto.comment,
        dto.real_name,
        channel,
    )?;
    let receipt = state
        .app
        .rate_application(&caller.principal, &id, stage, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(receipt.into())))
}

/// One department's public line.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationDepartmentDto {
    pub department: String,
    /// Counts for 满意度代码 1..=5.
    pub levels: Vec<i64>,
    pub total: i64,
    /// 好评率, per mille.
    pub good_per_mille: i64,
}

/// A settled 差评, as published.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationRectificationPublicDto {
    pub unit: String,
    pub rated_on: String,
    pub settled_on: String,
    pub state: String,
    pub what_was_done: String,
    pub on_time: bool,
}

/// The public results of the last 365 days (no personal data).
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationSummaryDto {
    pub from: String,
    pub levels: Vec<i64>,
    pub total: i64,
    pub good_per_mille: i64,
    pub departments: Vec<EvaluationDepartmentDto>,
    pub rectifications: Vec<EvaluationRectificationPublicDto>,
}

impl From<PublicEvaluations> for EvaluationSummaryDto {
    fn from(p: PublicEvaluations) -> Self {
        EvaluationSummaryDto {
            from: p.from,
            levels: p.levels.to_vec(),
            total: p.total,
            good_per_mille: p.good_per_mille,
            departments: p
                .departments
                .into_iter()
                .map(|d| EvaluationDepartmentDto {
                    department: d.department,
                    levels: d.levels.to_vec(),
                    total: d.total,
                    good_per_mille: d.good_per_mille,
                })
                .collect(),
            rectifications: p
                .rectifications
                .into_iter()
                .map(|r| EvaluationRectificationPublicDto {
                    unit: r.unit,
                    rated_on: r.rated_on,
                    settled_on: r.settled_on,
                    state: r.state,
                    what_was_done: r.what_was_done,
                    on_time: r.on_time,
                })
                .collect(),
        }
    }
}

/// The public results: counts per level, 好评率 overall and per department, rectifications.
#[utoipa::path(get, path = "/api/v1/evaluations/summary", tag = "evaluations", operation_id = "evaluations_summary",
    security(()),
    responses((status = 200, description = "成功", body = EvaluationSummaryDto)))]
pub async fn summary(
    State(state): State<AppState>,
) -> Result<Json<EvaluationSummaryDto>, WebError> {
    Ok(Json(state.app.public_evaluations().await?.into()))
}

/// A window service to start.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WindowServiceStartDto {
    /// The case served, if any.
    #[serde(default)]
    pub application_id: Option<String>,
}

/// A started window service: its one-time link (shown as a QR code and on the hall tablet).
#[derive(Debug, Serialize, ToSchema)]
pub struct WindowServiceDto {
    pub id: String,
    pub url: String,
    pub expires_at_ms: i64,
}

impl From<WindowServiceStarted> for WindowServiceDto {
    fn from(w: WindowServiceStarted) -> Self {
        WindowServiceDto {
            id: w.id,
            url: w.url,
            expires_at_ms: w.expires_at_ms,
        }
    }
}

/// 一次一评: a 窗口人员 starts a service record at their hall.
#[utoipa::path(post, path = "/api/v1/work/window-services", tag = "evaluations", operation_id = "evaluations_start_window_service",
    request_body = WindowServiceStartDto,
    responses((status = 201, description = "已生成评价码", body = WindowServiceDto),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "不是服务大厅的窗口人员", body = ErrorBody),
        (status = 404, description = "办件不存在", body = ErrorBody)))]
pub async fn start_window_service(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(dto): ApiJson<WindowServiceStartDto>,
) -> Result<(StatusCode, Json<WindowServiceDto>), WebError> {
    let started = state
        .app
        .start_window_service(&caller.principal, dto.application_id.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(started.into())))
}

/// A 差评 case as staff see it (no rater identity).
#[derive(Debug, Serialize, ToSchema)]
pub struct RectificationDto {
    pub id: String,
    pub evaluation_id: String,
    pub unit_kind: String,
    pub unit_id: String,
    pub application_id: Option<String>,
    pub satisfaction: i64,
    pub real_name: bool,
    /// open, verified, rectified, explained, revisited, appealed or closed.
    pub state: String,
    pub rated_on: String,
    pub due: String,
    pub escalated: bool,
    pub appeal_upheld: Option<bool>,
    pub revision: i64,
    /// Present on a single case: the rating's comment and the actions the caller may take.
    pub comment: Option<String>,
    pub allowed: Vec<String>,
    pub overdue: Option<bool>,
}

fn row_dto(r: RectificationRow) -> RectificationDto {
    RectificationDto {
        id: r.id,
        evaluation_id: r.evaluation_id,
        unit_kind: r.unit_kind,
        unit_id: r.unit_id,
        application_id: r.application_id,
        satisfaction: r.satisfaction,
        real_name: r.real_name == 1,
        state: r.state,
        rated_on: r.rated_on,
        due: r.due,
        escalated: r.escalated == 1,
        appeal_upheld: r.appeal_upheld.map(|u| u == 1),
        revision: r.revision,
        comment: None,
        allowed: Vec::new(),
        overdue: None,
    }
}

fn view_dto(v: RectificationView) -> RectificationDto {
    RectificationDto {
        comment: Some(v.comment),
        allowed: v.allowed.iter().map(|a| a.to_string()).collect(),
        overdue: Some(v.overdue),
        ..row_dto(v.row)
    }
}

/// The caller's 差评 queue: a handler's unit's cases; a 局督查人员's escalated cases.
#[utoipa::path(get, path = "/api/v1/work/rectifications", tag = "evaluations", operation_id = "evaluations_rectification_queue",
    responses((status = 200, description = "成功", body = [RectificationDto]),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody)))]
pub async fn queue(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<RectificationDto>>, WebError> {
    let rows = state.app.rectification_queue(&caller.principal).await?;
    Ok(Json(rows.into_iter().map(row_dto).collect()))
}

/// Appeals waiting for the caller's decision (the city's 局督查人员).
#[utoipa::path(get, path = "/api/v1/work/appeals", tag = "evaluations", operation_id = "evaluations_appeal_queue",
    responses((status = 200, description = "成功", body = [RectificationDto]),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody)))]
pub async fn appeals(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<RectificationDto>>, WebError> {
    let rows = state.app.appeal_queue(&caller.principal).await?;
    Ok(Json(rows.into_iter().map(row_dto).collect()))
}

/// One 差评 case with the actions the caller may take.
#[utoipa::path(get, path = "/api/v1/work/rectifications/{id}", tag = "evaluations", operation_id = "evaluations_rectification_view",
    params(("id" = String, Path, description = "差评标识")),
    responses((status = 200, description = "成功", body = RectificationDto),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<RectificationDto>, WebError> {
    Ok(Json(view_dto(
        state.app.rectification(&caller.principal, &id).await?,
    )))
}

/// A step of the 差评 loop.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RectificationActionDto {
    /// verify, rectify, explain, revisit, close, appeal or decide_appeal.
    pub action: String,
    /// The finding, measures, explanation, revisit outcome, appeal reason or review note.
    #[serde(default)]
    pub text: String,
    /// revisit: whether the rater was satisfied; decide_appeal: whether the appeal is upheld.
    #[serde(default)]
    pub yes: bool,
    /// The revision the caller saw (refused with 409 if the case moved on).
    #[serde(default)]
    pub revision: Option<i64>,
}

pub(crate) fn loop_command(action: &str, text: String, yes: bool) -> Result<LoopCommand, AppError> {
    Ok(match action {
        "verify" => LoopCommand::Verify { finding: text },
        "rectify" => LoopCommand::Rectify { measures: text },
        "explain" => LoopCommand::Explain { explanation: text },
        "revisit" => LoopCommand::Revisit {
            outcome: text,
            satisfied: yes,
        },
        "close" => LoopCommand::Close,
        "appeal" => LoopCommand::Appeal { reason: text },
        "decide_appeal" => LoopCommand::DecideAppeal {
            upheld: yes,
            note: text,
        },
        _ => return Err(bad("action", "未知的操作")),
    })
}

/// Sends a step to a 差评 case.
#[utoipa::path(post, path = "/api/v1/work/rectifications/{id}/actions", tag = "evaluations", operation_id = "evaluations_rectification_act",
    params(("id" = String, Path, description = "差评标识")), request_body = RectificationActionDto,
    responses((status = 200, description = "成功", body = RectificationDto),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody),
        (status = 409, description = "已被他人更新", body = ErrorBody),
        (status = 422, description = "当前状态不能进行此操作或未填写说明", body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(dto): ApiJson<RectificationActionDto>,
) -> Result<Json<RectificationDto>, WebError> {
    let cmd = loop_command(&dto.action, dto.text, dto.yes)?;
    let view = state
        .app
        .act_on_rectification(&caller.principal, &id, dto.revision, cmd)
        .await?;
    Ok(Json(view_dto(view)))
}

/// A rating given by telephone.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PhoneEvaluationDto {
    pub satisfaction: u8,
    /// The caller's own words.
    pub caller_words: String,
    #[serde(default = "yes")]
    pub real_name: bool,
}

/// A 好差评处理人员 records a rating the applicant gave by telephone.
#[utoipa::path(post, path = "/api/v1/work/applications/{id}/phone-evaluations", tag = "evaluations", operation_id = "evaluations_record_phone",
    params(("id" = String, Path, description = "办件标识")), request_body = PhoneEvaluationDto,
    responses((status = 201, description = "已记录", body = EvaluationReceiptDto),
        (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody),
        (status = 404, description = "未找到", body = ErrorBody),
        (status = 422, description = "已评价或填写有误", body = ErrorBody)))]
pub async fn record_phone(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(dto): ApiJson<PhoneEvaluationDto>,
) -> Result<(StatusCode, Json<EvaluationReceiptDto>), WebError> {
    let input = rating_input(
        dto.satisfaction,
        Vec::new(),
        String::new(),
        dto.real_name,
        EvalChannel::Phone,
    )?;
    let receipt = state
        .app
        .record_phone_rating(&caller.principal, &id, &input, &dto.caller_words)
        .await?;
    Ok((StatusCode::CREATED, Json(receipt.into())))
}
