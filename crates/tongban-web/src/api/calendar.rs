//! The working-day calendar and the due-date calculator.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tongban_app::{DueDateRequest, PauseRequest};
use tongban_domain::DayReason;
use utoipa::ToSchema;

use super::caller::Caller;
use super::dto::{ApiJson, ErrorBody};
use crate::error::WebError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct DayDto {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    pub working: bool,
    /// `weekday`, `weekend`, `holiday` or `makeup_workday`.
    pub reason_kind: String,
    /// The holiday's name, or for a make-up working day the holiday it makes up for.
    pub holiday_name: Option<String>,
    /// In words, e.g. "调休上班（春节）".
    pub description: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarYearDto {
    pub year: i32,
    pub working_days: usize,
    pub days: Vec<DayDto>,
}

/// Every day of a year, with working / rest and why.
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i32, Path)),
    responses((status = 200, description = "成功", body = CalendarYearDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 422, description = "输入有误，见 fields", body = ErrorBody)))]
pub async fn year(
    State(state): State<AppState>,
    _caller: Caller,
    Path(year): Path<i32>,
) -> Result<Json<CalendarYearDto>, WebError> {
    let days = state.app.calendar_year_days(year)?;
    let working_days = days.iter().filter(|d| d.working).count();
    let days = days
        .into_iter()
        .map(|d| {
            let description = d.describe_zh();
            let (kind, name) = match d.reason {
                DayReason::Weekday => ("weekday", None),
                DayReason::Weekend => ("weekend", None),
                DayReason::Holiday(name) => ("holiday", Some(name)),
                DayReason::MakeupWorkday(name) => ("makeup_workday", Some(name)),
            };
            DayDto {
                date: d.date.to_string(),
                weekday: d.date.weekday().number_from_monday(),
                working: d.working,
                reason_kind: kind.to_string(),
                holiday_name: name,
                description,
            }
        })
        .collect();
    Ok(Json(CalendarYearDto {
        year,
        working_days,
        days,
    }))
}

/// A year as the State Council notice publishes it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct CalendarImportDto {
    pub year: i32,
    /// The notice, e.g. "国办发明电〔2026〕X号".
    pub source: String,
    pub holidays: Vec<serde_json::Value>,
    pub makeup_workdays: Vec<serde_json::Value>,
}

/// Import or replace one year (city-level system administrators).
#[utoipa::path(put, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i32, Path)),
    request_body(content = CalendarImportDto, description = "{\"year\":2027,\"source\":\"…\",\"holidays\":[{\"date\":\"2027-01-01\",\"name\":\"元旦\"}],\"makeup_workdays\":[{\"date\":\"…\",\"name\":\"春节\"}]}"),
    responses((status = 200, description = "成功", body = CalendarYearDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody), (status = 422, description = "输入有误，见 fields", body = ErrorBody)))]
pub async fn import_year(
    State(state): State<AppState>,
    caller: Caller,
    Path(year): Path<i32>,
    ApiJson(body): ApiJson<CalendarImportDto>,
) -> Result<Json<CalendarYearDto>, WebError> {
    if body.year != year {
        return Err(WebError::App(tongban_app::AppError::field(
            "year",
            "calendar.year_mismatch",
            format!("路径中的年份 {year} 与内容中的年份 {} 不一致", body.year),
        )));
    }
    let text = serde_json::to_string(&body).map_err(|e| WebError::BadRequest(e.to_string()))?;
    state
        .app
        .import_calendar_year(&caller.principal, &text)
        .await?;
    self::year(State(state), caller, Path(year)).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DueDateBody {
    /// Acceptance date `YYYY-MM-DD` (not counted).
    pub accepted_on: String,
    /// The limit in working days.
    pub working_days: u32,
    #[serde(default)]
    pub extension_days: u32,
    #[serde(default)]
    pub pauses: Vec<PauseBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PauseBody {
    /// Working days after this date are not counted …
    pub from: String,
    /// … up to and including this one; absent while still paused.
    pub until: Option<String>,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueDateDto {
    pub due_on: Option<String>,
    pub paused_since: Option<String>,
    pub used_working_days: Option<u32>,
    pub remaining_working_days: Option<u32>,
    /// How the date was reached, step by step, in Chinese.
    pub steps: Vec<String>,
}

/// When a case falls due, and why.
#[utoipa::path(post, path = "/api/v1/calendar/due-date", tag = "calendar", request_body = DueDateBody,
    responses((status = 200, description = "成功", body = DueDateDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 422, description = "输入有误，见 fields", body = ErrorBody)))]
pub async fn due_date(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<DueDateBody>,
) -> Result<Json<DueDateDto>, WebError> {
    let request = DueDateRequest {
        accepted_on: body.accepted_on,
        working_days: body.working_days,
        extension_days: body.extension_days,
        pauses: body
            .pauses
            .into_iter()
            .map(|p| PauseRequest {
                from: p.from,
                until: p.until,
                reason: p.reason,
            })
            .collect(),
    };
    let answer = state.app.due_date(&request)?;
    Ok(Json(DueDateDto {
        due_on: answer.due_on,
        paused_since: answer.paused_since,
        used_working_days: answer.used_working_days,
        remaining_working_days: answer.remaining_working_days,
        steps: answer.steps,
    }))
}
