//! The indicators API under `/api/v1/indicators`: every indicator per unit for a period (the
//! same figures the `/work/indicators` page shows), the cases behind a number, and the
//! published formulas (public). Who may read what is decided in `tongban-app`.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use tongban_app::AppError;
use tongban_app::indicators::{CaseCounter, CaseFilter, CasePage, IndicatorRow};
use tongban_domain::indicators::{
    Counters, Dimension, Indicator, IndicatorValue, Period, PeriodKind,
};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::dto::ErrorBody;
use crate::error::WebError;
use crate::state::AppState;

/// Reads a period code, or gives the field error every indicator form and route shows.
pub fn parse_period(text: Option<&str>, default: Period) -> Result<Period, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(default),
        Some(t) => Period::parse(t)
            .map_err(|e| AppError::field("period", "indicators.bad_period", e.to_string())),
    }
}

/// Reads a dimension code (default: department).
pub fn parse_dimension(text: Option<&str>) -> Result<Dimension, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(Dimension::Department),
        Some(t) => Dimension::parse(t).ok_or_else(|| {
            AppError::field(
                "dimension",
                "indicators.bad_dimension",
                "统计维度应为 department、county、township、hall 或 item",
            )
        }),
    }
}

/// Reads a counter code (default: every completed case).
pub fn parse_counter(text: Option<&str>) -> Result<CaseCounter, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(CaseCounter::Completed),
        Some(t) => CaseCounter::parse(t).ok_or_else(|| {
            AppError::field("counter", "indicators.bad_counter", "未知的办件筛选条件")
        }),
    }
}

/// The month before the one containing `today` (the usual 月度考核 period).
pub fn default_period(today: time::Date) -> Period {
    Period::containing(PeriodKind::Month, today).previous()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorParams {
    /// department, county, township, hall or item (default department).
    pub dimension: Option<String>,
    /// 2026, 2026-Q2, 2026-05 or 2026-W05 (default: last month).
    pub period: Option<String>,
    /// A county's code or a parent unit's key, to drill down.
    pub within: Option<String>,
}

/// The additive counters an indicator is computed from.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorCountersDto {
    pub completed: u64,
    pub online_capable: u64,
    pub fully_online: u64,
    pub zero_visit: u64,
    pub at_most_one_visit: u64,
    pub immediate: u64,
    pub on_time: u64,
    pub legal_days: u64,
    pub promised_days: u64,
    pub used_days: u64,
    pub materials_required: u64,
    pub materials_by_licence: u64,
    pub completed_rated: u64,
    /// By 满意度代码 1..=5 (index 0 = 非常满意).
    pub ratings: [u64; 5],
    pub bad: u64,
    pub bad_rectified: u64,
    pub bad_rectified_on_time: u64,
    pub bad_real_name: u64,
    pub bad_real_name_revisited: u64,
}

impl From<&Counters> for IndicatorCountersDto {
    fn from(c: &Counters) -> Self {
        IndicatorCountersDto {
            completed: c.completed,
            online_capable: c.online_capable,
            fully_online: c.fully_online,
            zero_visit: c.zero_visit,
            at_most_one_visit: c.at_most_one_visit,
            immediate: c.immediate,
            on_time: c.on_time,
            legal_days: c.legal_days,
            promised_days: c.promised_days,
            used_days: c.used_days,
            materials_required: c.materials_required,
            materials_by_licence: c.materials_by_licence,
            completed_rated: c.completed_rated,
            ratings: c.ratings,
            bad: c.bad,
            bad_rectified: c.bad_rectified,
            bad_rectified_on_time: c.bad_rectified_on_time,
            bad_real_name: c.bad_real_name,
            bad_real_name_revisited: c.bad_real_name_revisited,
        }
    }
}

/// One indicator's value: a count, or an exact fraction with its text.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorValueDto {
    pub code: String,
    pub name: String,
    /// "98.24%", a count, or "—" when there is nothing to divide by.
    pub text: String,
    /// The numerator of a fraction, or the count.
    pub numerator: i64,
    /// The denominator of a fraction (absent for a count).
    pub denominator: Option<u64>,
    /// Hundredths of a percent (9824 = 98.24 %) or the count; absent without a denominator.
    pub score: Option<i64>,
}

fn values(c: &Counters) -> Vec<IndicatorValueDto> {
    Indicator::ALL
        .iter()
        .map(|i| {
            let v = i.value(c);
            let (numerator, denominator) = match v {
                IndicatorValue::Count { value } => (i64::try_from(value).unwrap_or(i64::MAX), None),
                IndicatorValue::Ratio(r) => (r.num, Some(r.den)),
            };
            IndicatorValueDto {
                code: i.code().to_string(),
                name: i.name_zh().to_string(),
                text: v.text(),
                numerator,
                denominator,
                score: v.score(),
            }
        })
        .collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorRowDto {
    pub key: String,
    pub name: String,
    pub parent_key: Option<String>,
    pub counters: IndicatorCountersDto,
    pub indicators: Vec<IndicatorValueDto>,
}

impl From<IndicatorRow> for IndicatorRowDto {
    fn from(r: IndicatorRow) -> Self {
        IndicatorRowDto {
            indicators: values(&r.counters),
            counters: (&r.counters).into(),
            key: r.key,
            name: r.name,
            parent_key: r.parent_key,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorTableDto {
    pub dimension: String,
    /// The period's code, e.g. `2026-05`.
    pub period: String,
    /// e.g. "2026年5月".
    pub period_name: String,
    pub first_day: String,
    pub last_day: String,
    pub within: Option<String>,
    /// The city's (or, with `within`, the county's or department's) counters; a 部门管理员's
    /// department.
    pub total: IndicatorRowDto,
    pub rows: Vec<IndicatorRowDto>,
}

/// Every indicator per unit of a dimension for a period, with the total.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators", params(IndicatorParams),
    responses((status = 200, description = "成功", body = IndicatorTableDto), (status = 400, description = "参数不正确", body = ErrorBody), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody)))]
pub async fn table(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<IndicatorParams>,
) -> Result<Json<IndicatorTableDto>, WebError> {
    let today = state.app.now().to_offset(tongban_app::beijing()).date();
    let period = parse_period(p.period.as_deref(), default_period(today))?;
    let dimension = parse_dimension(p.dimension.as_deref())?;
    let within = p.within.as_deref().map(str::trim).filter(|w| !w.is_empty());
    let who = &caller.principal;
    let rows = state
        .app
        .indicator_rows(who, dimension, &period, within)
        .await?;
    let total = state.app.indicator_total(who, &period, within).await?;
    Ok(Json(IndicatorTableDto {
        dimension: dimension.code().to_string(),
        period: period.code(),
        period_name: period.name_zh(),
        first_day: period.first.to_string(),
        last_day: period.last.to_string(),
        within: within.map(str::to_string),
        total: IndicatorRow {
            key: within.unwrap_or("city").to_string(),
            name: "合计".to_string(),
            parent_key: None,
            counters: total,
        }
        .into(),
        rows: rows.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseParams {
    /// default: last month.
    pub period: Option<String>,
    /// The dimension of `key` (default department).
    pub dimension: Option<String>,
    /// The unit the cases were counted under (omitted: all).
    pub key: Option<String>,
    /// completed (default), not_on_time, not_fully_online, more_than_one_visit, …
    pub counter: Option<String>,
    /// 1-based.
    pub page: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorCaseDto {
    pub application_id: String,
    pub number: String,
    pub item_id: String,
    pub item_name: String,
    pub department_id: String,
    pub hall_id: Option<String>,
    pub channel: String,
    pub visits: u32,
    pub completed_on: String,
    pub online_capable: bool,
    pub fully_online: bool,
    pub zero_visit: bool,
    pub at_most_one_visit: bool,
    pub immediate: bool,
    pub on_time: bool,
    pub legal_days: u32,
    pub promised_days: u32,
    pub used_days: u32,
    pub materials_required: u32,
    pub materials_by_licence: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorCasePageDto {
    pub period: String,
    pub counter: String,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub cases: Vec<IndicatorCaseDto>,
}

fn case_page(period: &Period, counter: CaseCounter, p: CasePage) -> IndicatorCasePageDto {
    IndicatorCasePageDto {
        period: period.code(),
        counter: counter.code().to_string(),
        total: p.total,
        page: p.page,
        per_page: p.per_page,
        cases: p
            .cases
            .into_iter()
            .map(|c| IndicatorCaseDto {
                channel: c.channel.code().to_string(),
                completed_on: c.completed_on.to_string(),
                application_id: c.application_id,
                number: c.number,
                item_id: c.item_id,
                item_name: c.item_name,
                department_id: c.department_id,
                hall_id: c.hall_id,
                visits: c.visits,
                online_capable: c.online_capable,
                fully_online: c.fully_online,
                zero_visit: c.zero_visit,
                at_most_one_visit: c.at_most_one_visit,
                immediate: c.immediate,
                on_time: c.on_time,
                legal_days: c.legal_days,
                promised_days: c.promised_days,
                used_days: c.used_days,
                materials_required: c.materials_required,
                materials_by_licence: c.materials_by_licence,
            })
            .collect(),
    }
}

/// Builds the case filter the page and the API share.
pub fn case_filter(
    period: Period,
    dimension: Option<&str>,
    key: Option<&str>,
    counter: CaseCounter,
    page: Option<u32>,
) -> Result<CaseFilter, AppError> {
    let unit = match key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => Some((parse_dimension(dimension)?, k.to_string())),
        None => None,
    };
    Ok(CaseFilter {
        period,
        unit,
        counter,
        page: page.unwrap_or(1),
        per_page: 50,
    })
}

/// The completed cases behind a number (drill-down).
#[utoipa::path(get, path = "/api/v1/indicators/cases", tag = "indicators", params(CaseParams),
    responses((status = 200, description = "成功", body = IndicatorCasePageDto), (status = 400, description = "参数不正确", body = ErrorBody), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody)))]
pub async fn cases(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<CaseParams>,
) -> Result<Json<IndicatorCasePageDto>, WebError> {
    let today = state.app.now().to_offset(tongban_app::beijing()).date();
    let period = parse_period(p.period.as_deref(), default_period(today))?;
    let counter = parse_counter(p.counter.as_deref())?;
    let filter = case_filter(
        period,
        p.dimension.as_deref(),
        p.key.as_deref(),
        counter,
        p.page,
    )?;
    let page = state.app.indicator_cases(&caller.principal, filter).await?;
    Ok(Json(case_page(&period, counter, page)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorFormulaDto {
    pub code: String,
    pub name: String,
    pub formula: String,
    /// false for 差评率, where lower ranks better.
    pub higher_is_better: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorFormulasDto {
    /// Where the official formula is unconfirmed, the formula is Tongban's own.
    pub note: String,
    pub formulas: Vec<IndicatorFormulaDto>,
}

/// What the formulas page says about whose formulas these are.
pub const FORMULAS_NOTE: &str = "以下公式为通办平台的计算口径。国家和省级考核的官方计算公式未正式公布或尚未确认的，以本平台公式计算；官方口径确认后将按官方公式调整并公告。所有指标均由办件和评价的事件记录直接计算，可逐件核对。";

/// Every indicator with its formula (no sign-in needed).
#[utoipa::path(get, path = "/api/v1/indicators/formulas", tag = "indicators", security(()),
    responses((status = 200, description = "成功", body = IndicatorFormulasDto)))]
pub async fn formulas() -> Json<IndicatorFormulasDto> {
    Json(IndicatorFormulasDto {
        note: FORMULAS_NOTE.to_string(),
        formulas: Indicator::ALL
            .iter()
            .map(|i| IndicatorFormulaDto {
                code: i.code().to_string(),
                name: i.name_zh().to_string(),
                formula: i.formula_zh().to_string(),
                higher_is_better: i.higher_is_better(),
            })
            .collect(),
    })
}
