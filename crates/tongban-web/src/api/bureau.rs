//! `/api/v1/bureau/...`: the bureau's dashboard, a county, the assessment, the bulletins, the
//! 两书一函 (list, draft a month's, read, edit, send) and the assessment weights — the same use
//! cases as the `/bureau` pages, as JSON.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use tongban_app::bulletins::{
    Assessment, AssessmentSettings, CountyView, Dashboard, DraftReport, LetterQuery, LetterView,
};
use tongban_domain::indicators::{Bulletin, Counters, Indicator, Period, Ranked};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::dto::{ApiJson, ErrorBody};
use crate::error::WebError;
use crate::state::AppState;

/// A unit's place in a ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct BureauRankedDto {
    pub key: String,
    pub name: String,
    /// 1 = best; ties share a rank; `null` when not ranked (no activity).
    pub rank: Option<u32>,
    /// Score in hundredths of a point (8650 = 86.50).
    pub score: Option<i64>,
    pub score_text: String,
    /// Last in the ranking (ties included).
    pub last: bool,
    pub completed: u64,
    /// Indicator code → value text ("98.24%").
    pub indicators: BTreeMap<String, String>,
}

fn indicators_of(c: &Counters) -> BTreeMap<String, String> {
    Indicator::ALL
        .iter()
        .map(|i| (i.code().to_string(), i.value(c).text()))
        .collect()
}

fn ranked(r: &Ranked) -> BureauRankedDto {
    BureauRankedDto {
        key: r.key.clone(),
        name: r.name.clone(),
        rank: r.rank,
        score: r.score.map(|s| s.0),
        score_text: r.score.map_or_else(|| "—".to_string(), |s| s.text()),
        last: r.last,
        completed: r.counters.completed,
        indicators: indicators_of(&r.counters),
    }
}

/// One period of a trend.
#[derive(Debug, Serialize, ToSchema)]
pub struct BureauTrendPointDto {
    /// `2026-10`.
    pub period: String,
    pub completed: u64,
    pub indicators: BTreeMap<String, String>,
}

fn trend(points: &[(Period, Counters)]) -> Vec<BureauTrendPointDto> {
    points
        .iter()
        .map(|(p, c)| BureauTrendPointDto {
            period: p.code(),
            completed: c.completed,
            indicators: indicators_of(c),
        })
        .collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BureauDashboardDto {
    pub month: String,
    /// The city's last twelve months, oldest first.
    pub trend: Vec<BureauTrendPointDto>,
    pub completed: u64,
    /// The month's indicators, code → value text.
    pub indicators: BTreeMap<String, String>,
    pub counties: Vec<BureauRankedDto>,
    pub threshold: String,
    /// Open applications past their due date today.
    pub overdue: i64,
    /// 差评 of the last twelve months not yet rectified.
    pub open_bad: u64,
    /// Letters drafted and not yet sent.
    pub letters_waiting: i64,
}

impl From<Dashboard> for BureauDashboardDto {
    fn from(d: Dashboard) -> Self {
        BureauDashboardDto {
            month: d.month_code,
            trend: trend(&d.trend),
            completed: d.total.completed,
            indicators: indicators_of(&d.total),
            counties: d.counties.iter().map(ranked).collect(),
            threshold: d.threshold.text(),
            overdue: d.overdue,
            open_bad: d.open_bad,
            letters_waiting: d.letters_waiting,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BureauCountyDto {
    pub code: String,
    pub name: String,
    pub month: String,
    pub trend: Vec<BureauTrendPointDto>,
    pub completed: u64,
    pub indicators: BTreeMap<String, String>,
    pub departments: Vec<BureauRankedDto>,
    pub overdue: i64,
    pub open_bad: u64,
}

impl From<CountyView> for BureauCountyDto {
    fn from(v: CountyView) -> Self {
        BureauCountyDto {
            trend: trend(&v.trend),
            completed: v.total.completed,
            indicators: indicators_of(&v.total),
            departments: v.departments.iter().map(ranked).collect(),
            code: v.code,
            name: v.name,
            month: v.month_code,
            overdue: v.overdue,
            open_bad: v.open_bad,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BureauWeightDto {
    pub indicator: String,
    pub name: String,
    pub weight: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BureauAssessmentDto {
    pub month: String,
    pub title: String,
    pub threshold: String,
    pub settings_version: i64,
    pub weights: Vec<BureauWeightDto>,
    pub counties: Vec<BureauRankedDto>,
    pub departments: Vec<BureauRankedDto>,
}

fn weights_dto(w: &[(Indicator, u32)]) -> Vec<BureauWeightDto> {
    w.iter()
        .map(|(i, w)| BureauWeightDto {
            indicator: i.code().to_string(),
            name: i.name_zh().to_string(),
            weight: *w,
        })
        .collect()
}

impl From<Assessment> for BureauAssessmentDto {
    fn from(a: Assessment) -> Self {
        BureauAssessmentDto {
            month: a.period_code,
            title: a.title,
            threshold: a.threshold.text(),
            settings_version: a.settings_version,
            weights: weights_dto(&a.weights),
            counties: a.counties.iter().map(ranked).collect(),
            departments: a.departments.iter().map(ranked).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BureauFigureDto {
    pub indicator: String,
    pub name: String,
    pub value: String,
    pub previous: String,
    pub change: String,
    /// `true` better, `false` worse, `null` unchanged or unknown.
    pub improved: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BureauLaggardDto {
    pub group: String,
    pub key: String,
    pub name: String,
    pub score: String,
    pub why: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BureauOpenBadDto {
    pub key: String,
    pub name: String,
    pub open: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BureauLetterLineDto {
    pub kind: String,
    pub unit_name: String,
    pub period: String,
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BureauBulletinDto {
    /// `week`, `month` or `quarter`.
    pub kind: String,
    pub period: String,
    pub title: String,
    pub first_day: String,
    pub last_day: String,
    pub completed: u64,
    pub previous_completed: u64,
    pub rated: u64,
    pub figures: Vec<BureauFigureDto>,
    pub county_ranking: Vec<BureauRankedDto>,
    pub department_ranking: Vec<BureauRankedDto>,
    pub laggards: Vec<BureauLaggardDto>,
    /// 差评 of the period not yet rectified (`bad − bad_rectified`).
    pub open_bad: u64,
    pub open_bad_by_unit: Vec<BureauOpenBadDto>,
    pub threshold: String,
    pub letters: Vec<BureauLetterLineDto>,
}

impl From<Bulletin> for BureauBulletinDto {
    fn from(b: Bulletin) -> Self {
        BureauBulletinDto {
            kind: b.kind.code().to_string(),
            period: b.period_code,
            title: b.title,
            first_day: b.period.first.to_string(),
            last_day: b.period.last.to_string(),
            completed: b.completed,
            previous_completed: b.previous_completed,
            rated: b.rated,
            figures: b
                .figures
                .into_iter()
                .map(|f| BureauFigureDto {
                    indicator: f.indicator.code().to_string(),
                    name: f.name,
                    value: f.value,
                    previous: f.previous,
                    change: f.change_text,
                    improved: f.improved,
                })
                .collect(),
            county_ranking: b.county_ranking.iter().map(ranked).collect(),
            department_ranking: b.department_ranking.iter().map(ranked).collect(),
            laggards: b
                .laggards
                .into_iter()
                .map(|l| BureauLaggardDto {
                    group: l.group,
                    key: l.key,
                    name: l.name,
                    score: l.score.map_or_else(|| "—".to_string(), |s| s.text()),
                    why: l.why,
                })
                .collect(),
            open_bad: b.open_bad,
            open_bad_by_unit: b
                .open_bad_by_unit
                .into_iter()
                .map(|o| BureauOpenBadDto {
                    key: o.key,
                    name: o.name,
                    open: o.open,
                })
                .collect(),
            threshold: b.threshold.text(),
            letters: b
                .letters
                .into_iter()
                .map(|l| BureauLetterLineDto {
                    kind: l.kind.code().to_string(),
                    unit_name: l.unit_name,
                    period: l.period,
                    status: l.status,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BureauLetterDto {
    pub id: String,
    /// `reminder` (提醒书), `supervision` (督办书), `interview` (约谈函).
    pub kind: String,
    pub kind_name: String,
    /// `division` (a county) or `department`.
    pub unit_kind: String,
    pub unit_id: String,
    pub unit_name: String,
    pub period: String,
    /// `drafted` or `sent`.
    pub status: String,
    pub reason: String,
    pub score: String,
    pub rank: Option<i64>,
    pub body: String,
    pub drafted_at_ms: i64,
    pub edited_at_ms: Option<i64>,
    pub sent_at_ms: Option<i64>,
}

impl From<LetterView> for BureauLetterDto {
    fn from(l: LetterView) -> Self {
        BureauLetterDto {
            id: l.id,
            kind: l.kind.code().to_string(),
            kind_name: l.kind_name,
            unit_kind: l.unit_kind,
            unit_id: l.unit_id,
            unit_name: l.unit_name,
            period: l.period,
            status: l.status,
            reason: l.reason,
            score: l.score,
            rank: l.rank,
            body: l.body,
            drafted_at_ms: l.drafted_at_ms,
            edited_at_ms: l.edited_at_ms,
            sent_at_ms: l.sent_at_ms,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BureauDraftReportDto {
    pub month: String,
    pub drafted: usize,
    pub existing: usize,
}

impl From<DraftReport> for BureauDraftReportDto {
    fn from(r: DraftReport) -> Self {
        BureauDraftReportDto {
            month: r.month,
            drafted: r.drafted,
            existing: r.existing,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BureauSettingsDto {
    /// 0 while the platform's defaults are in force.
    pub version: i64,
    pub threshold: String,
    pub weights: Vec<BureauWeightDto>,
    pub changed_by: Option<String>,
    pub changed_at_ms: Option<i64>,
}

fn settings_dto(s: &AssessmentSettings) -> BureauSettingsDto {
    BureauSettingsDto {
        version: s.version,
        threshold: s.threshold.text(),
        weights: weights_dto(s.weights.entries()),
        changed_by: s.changed_by.clone(),
        changed_at_ms: s.changed_at_ms,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BureauWeightsDto {
    pub current: BureauSettingsDto,
    /// Every saved version, newest first.
    pub history: Vec<BureauSettingsDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct BureauMonthParams {
    /// `2026-10`; the current month when left out.
    pub month: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct BureauLetterParams {
    /// `drafted` or `sent`.
    pub status: Option<String>,
    /// `2026-10`.
    pub period: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BureauDraftBody {
    /// The month assessed, `2026-10`.
    pub month: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BureauLetterEditBody {
    pub body: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BureauWeightsBody {
    /// Indicator code → weight (0–1000; 0 leaves it out). Only ratio indicators.
    pub weights: BTreeMap<String, u32>,
    /// Threshold in points, `80.00`.
    pub threshold: String,
}

fn current_month(state: &AppState, month: Option<String>) -> String {
    month.filter(|m| !m.trim().is_empty()).unwrap_or_else(|| {
        Period::containing(
            tongban_domain::indicators::PeriodKind::Month,
            state.app.now().date(),
        )
        .code()
    })
}

/// The bureau's dashboard: trends, county ranking, overdue work, open 差评, letters waiting.
#[utoipa::path(get, path = "/api/v1/bureau/dashboard", tag = "bulletins", operation_id = "bureau_dashboard", params(BureauMonthParams),
    responses((status = 200, description = "成功", body = BureauDashboardDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody), (status = 422, description = "月份格式不正确", body = ErrorBody)))]
pub async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<BureauMonthParams>,
) -> Result<Json<BureauDashboardDto>, WebError> {
    let d = state
        .app
        .bureau_dashboard(&caller.principal, q.month.as_deref())
        .await?;
    Ok(Json(d.into()))
}

/// One county: its trend, its departments ranked, its overdue work and open 差评.
#[utoipa::path(get, path = "/api/v1/bureau/counties/{code}", tag = "bulletins", operation_id = "bureau_county", params(("code" = String, Path, description = "县（区）的12位区划代码"), BureauMonthParams),
    responses((status = 200, description = "成功", body = BureauCountyDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn county(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Query(q): Query<BureauMonthParams>,
) -> Result<Json<BureauCountyDto>, WebError> {
    let v = state
        .app
        .bureau_county(&caller.principal, &code, q.month.as_deref())
        .await?;
    Ok(Json(v.into()))
}

/// A month's assessment (月考核): county and department rankings with the weights in force.
#[utoipa::path(get, path = "/api/v1/bureau/assessment", tag = "bulletins", operation_id = "bureau_assessment", params(BureauMonthParams),
    responses((status = 200, description = "成功", body = BureauAssessmentDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody), (status = 422, description = "月份格式不正确", body = ErrorBody)))]
pub async fn assessment(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<BureauMonthParams>,
) -> Result<Json<BureauAssessmentDto>, WebError> {
    let month = current_month(&state, q.month);
    let a = state.app.assessment(&caller.principal, &month).await?;
    Ok(Json(a.into()))
}

/// A bulletin: 周通报 (`week`, `2026-W05`), 月考核 (`month`, `2026-10`), 季调度 (`quarter`, `2026-Q3`).
#[utoipa::path(get, path = "/api/v1/bureau/bulletins/{kind}/{period}", tag = "bulletins", operation_id = "bureau_bulletin",
    params(("kind" = String, Path, description = "week、month 或 quarter"), ("period" = String, Path, description = "2026-W05、2026-10 或 2026-Q3")),
    responses((status = 200, description = "成功", body = BureauBulletinDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody), (status = 422, description = "类型或周期格式不正确", body = ErrorBody)))]
pub async fn bulletin(
    State(state): State<AppState>,
    caller: Caller,
    Path((kind, period)): Path<(String, String)>,
) -> Result<Json<BureauBulletinDto>, WebError> {
    let b = state
        .app
        .bulletin(&caller.principal, &kind, &period)
        .await?;
    Ok(Json(b.into()))
}

/// 两书一函: every letter for the bureau; a department admin sees its own unit's.
#[utoipa::path(get, path = "/api/v1/bureau/letters", tag = "bulletins", operation_id = "bureau_letters", params(BureauLetterParams),
    responses((status = 200, description = "成功", body = [BureauLetterDto]), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody)))]
pub async fn letters(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<BureauLetterParams>,
) -> Result<Json<Vec<BureauLetterDto>>, WebError> {
    let list = state
        .app
        .letters(
            &caller.principal,
            &LetterQuery {
                status: q.status.filter(|s| !s.is_empty()),
                period: q.period.filter(|s| !s.is_empty()),
            },
        )
        .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Drafts the letters a month's assessment calls for (idempotent).
#[utoipa::path(post, path = "/api/v1/bureau/letters/draft", tag = "bulletins", operation_id = "bureau_letters_draft", request_body = BureauDraftBody,
    responses((status = 200, description = "成功", body = BureauDraftReportDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody), (status = 409, description = "指标正在更新", body = ErrorBody), (status = 422, description = "月份格式不正确", body = ErrorBody)))]
pub async fn draft(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<BureauDraftBody>,
) -> Result<Json<BureauDraftReportDto>, WebError> {
    let r = state
        .app
        .draft_letters(Some(&caller.principal), &body.month)
        .await?;
    Ok(Json(r.into()))
}

/// One letter.
#[utoipa::path(get, path = "/api/v1/bureau/letters/{id}", tag = "bulletins", operation_id = "bureau_letter",
    params(("id" = String, Path, description = "文书编号")),
    responses((status = 200, description = "成功", body = BureauLetterDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn letter(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<BureauLetterDto>, WebError> {
    Ok(Json(state.app.letter(&caller.principal, &id).await?.into()))
}

/// Replaces the text of a letter not yet sent.
#[utoipa::path(put, path = "/api/v1/bureau/letters/{id}", tag = "bulletins", operation_id = "bureau_letter_edit", request_body = BureauLetterEditBody,
    params(("id" = String, Path, description = "文书编号")),
    responses((status = 200, description = "成功", body = BureauLetterDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody), (status = 409, description = "已发送，不能修改", body = ErrorBody), (status = 422, description = "正文为空或过长", body = ErrorBody)))]
pub async fn edit_letter(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BureauLetterEditBody>,
) -> Result<Json<BureauLetterDto>, WebError> {
    state
        .app
        .edit_letter(&caller.principal, &id, &body.body)
        .await?;
    Ok(Json(state.app.letter(&caller.principal, &id).await?.into()))
}

/// Sends a letter once; the unit's staff get an in-app notice. Sending again changes nothing.
#[utoipa::path(post, path = "/api/v1/bureau/letters/{id}/send", tag = "bulletins", operation_id = "bureau_letter_send",
    params(("id" = String, Path, description = "文书编号")),
    responses((status = 200, description = "成功", body = BureauLetterDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn send_letter(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<BureauLetterDto>, WebError> {
    state.app.send_letter(&caller.principal, &id).await?;
    Ok(Json(state.app.letter(&caller.principal, &id).await?.into()))
}

/// The assessment weights and threshold in force, with every saved version.
#[utoipa::path(get, path = "/api/v1/bureau/weights", tag = "bulletins", operation_id = "bureau_weights",
    responses((status = 200, description = "成功", body = BureauWeightsDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody)))]
pub async fn weights(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<BureauWeightsDto>, WebError> {
    let (now, history) = state.app.assessment_settings(&caller.principal).await?;
    Ok(Json(BureauWeightsDto {
        current: settings_dto(&now),
        history: history.iter().map(settings_dto).collect(),
    }))
}

/// Saves new weights and threshold as a new version.
#[utoipa::path(put, path = "/api/v1/bureau/weights", tag = "bulletins", operation_id = "bureau_weights_change", request_body = BureauWeightsBody,
    responses((status = 200, description = "成功", body = BureauWeightsDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "无权限", body = ErrorBody), (status = 422, description = "权重或分数线不正确", body = ErrorBody)))]
pub async fn change_weights(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<BureauWeightsBody>,
) -> Result<Json<BureauWeightsDto>, WebError> {
    let pairs: Vec<(String, String)> = body
        .weights
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect();
    state
        .app
        .change_assessment_settings(&caller.principal, &pairs, &body.threshold)
        .await?;
    weights(State(state), caller).await
}
