//! Applications (办件) over JSON: starting a case (idempotent by key), the caller's cases, one
//! case with its clocks, actions as a tagged body naming the revision the caller saw, material
//! uploads (multipart), the staff work queue, and mandates (委托) for runners.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use time::Date;
use tongban_app::AppError;
use tongban_app::applications::{
    ApplicationView, MandateRequest, MandateView, QueueEntry, StartRequest, WorkQueue,
};
use tongban_domain::application::{
    AcceptanceMode, Command, DeliveryMethod, ReturnTarget, SignMode,
};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::dto::{ApiJson, ErrorBody};
use crate::error::WebError;
use crate::state::AppState;

/// The largest material file accepted through the API, in bytes (the use case checks 20 MiB).
pub const MAX_MATERIAL_BYTES: usize = 24 * 1024 * 1024;

/// Starting a case.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StartBody {
    /// The item to apply for (its published version is used).
    pub item_id: String,
    /// `pc` (default) or `mobile` online; `window`/`outlet` for a clerk; `runner` for a runner.
    #[serde(default)]
    pub channel: Option<String>,
    /// The applicant's account id when staff apply for somebody.
    #[serde(default)]
    pub applicant_account: Option<String>,
    /// The mandate a runner applies under.
    #[serde(default)]
    pub mandate_id: Option<String>,
    /// A key so that a repeated request makes one case; the `Idempotency-Key` header wins.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// The form's fields (申请人, 联系电话, 申请事项说明 …).
    #[serde(default)]
    pub form: BTreeMap<String, String>,
}

/// One case with its clocks.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationDto {
    pub id: String,
    /// 办件编号.
    pub number: String,
    pub item_id: String,
    pub item_name: String,
    /// `draft`, `submitted`, `awaiting_correction`, `in_progress`, `returned`, `decided`,
    /// `completed`, `not_accepted`, `terminated`, `revoked` or `withdrawn`.
    pub status: String,
    pub status_zh: String,
    /// The step the case is at, in Chinese.
    pub step_zh: String,
    /// Name this revision when acting on the case.
    pub revision: u64,
    /// 承诺 due date (YYYY-MM-DD).
    pub due: Option<String>,
    /// 法定 due date.
    pub legal_due: Option<String>,
    /// Working days left (negative when overdue).
    pub remaining_days: Option<i64>,
    /// `normal`, `due_soon` or `overdue` for the current step.
    pub urgency: Option<String>,
    pub paused: bool,
    pub due_explained: Vec<String>,
    /// The whole case: form, materials, route, history and the rest.
    #[schema(value_type = Object)]
    pub case: serde_json::Value,
}

impl ApplicationDto {
    pub fn of(view: ApplicationView) -> Result<ApplicationDto, AppError> {
        let case =
            serde_json::to_value(&view.app).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(ApplicationDto {
            id: view.app.id.clone(),
            number: view.app.number.clone(),
            item_id: view.app.item_id.clone(),
            item_name: view.app.item_name.clone(),
            status: view.app.status.code().to_string(),
            status_zh: view.status_zh.to_string(),
            step_zh: view.step_zh,
            revision: view.app.revision,
            due: view.due.map(|d| d.to_string()),
            legal_due: view.legal_due.map(|d| d.to_string()),
            remaining_days: view.remaining_days,
            urgency: view.urgency.map(|u| u.code().to_string()),
            paused: view.paused,
            due_explained: view.due_explained,
            case,
        })
    }
}

/// One line of a list of cases.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseLineDto {
    pub id: String,
    pub number: String,
    pub item_name: String,
    /// The department handling the case (承办).
    pub department_id: String,
    /// Masked (张*).
    pub applicant_masked: String,
    pub status_zh: String,
    pub step_zh: String,
    pub channel_zh: String,
    pub step_due: Option<String>,
    pub due: Option<String>,
    pub remaining_days: Option<i64>,
    /// `normal`, `due_soon` (yellow) or `overdue` (red).
    pub urgency: Option<String>,
    pub urgency_zh: Option<String>,
    pub revision: u64,
    pub escalated: bool,
}

impl From<QueueEntry> for CaseLineDto {
    fn from(e: QueueEntry) -> Self {
        CaseLineDto {
            id: e.id,
            number: e.number,
            item_name: e.item_name,
            department_id: e.department_id,
            applicant_masked: e.applicant_masked,
            status_zh: e.status_zh.to_string(),
            step_zh: e.step_zh,
            channel_zh: e.channel_zh.to_string(),
            step_due: e.step_due.map(|d| d.to_string()),
            due: e.due.map(|d| d.to_string()),
            remaining_days: e.remaining_days,
            urgency: e.urgency.map(|u| u.code().to_string()),
            urgency_zh: e.urgency.map(|u| u.name_zh().to_string()),
            revision: e.revision,
            escalated: e.escalated,
        }
    }
}

/// A member of staff's work list, soonest due first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkQueueDto {
    pub entries: Vec<CaseLineDto>,
    pub overdue: usize,
    pub due_soon: usize,
    /// Cases copied (抄送) to the caller.
    pub copied: Vec<CaseLineDto>,
}

impl From<WorkQueue> for WorkQueueDto {
    fn from(q: WorkQueue) -> Self {
        WorkQueueDto {
            entries: q.entries.into_iter().map(Into::into).collect(),
            overdue: q.overdue,
            due_soon: q.due_soon,
            copied: q.copied.into_iter().map(Into::into).collect(),
        }
    }
}

/// An action on a case. `action` names it; the other fields are the action's own.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ActionDto {
    SaveDraft {
        form: BTreeMap<String, String>,
    },
    RemoveMaterial {
        material: String,
        blob_id: String,
    },
    SignCommitment {
        text: String,
    },
    Submit,
    SupplyCorrection,
    Resubmit {
        #[serde(default)]
        note: String,
    },
    Withdraw {
        #[serde(default)]
        reason: String,
    },
    /// 一次性告知补正: everything to supply, one item each.
    RequestCorrection {
        items: Vec<String>,
    },
    RefuseAcceptance {
        reason: String,
    },
    /// `mode`: `normal`, `incomplete` (容缺: `missing`, `deadline`) or `commitment`.
    Accept {
        #[serde(default = "normal")]
        mode: String,
        #[serde(default)]
        missing: Vec<String>,
        /// YYYY-MM-DD.
        #[serde(default)]
        deadline: Option<String>,
    },
    Approve {
        #[serde(default)]
        opinion: String,
    },
    Refuse {
        reason: String,
    },
    /// `to`: `previous`, `step` (with `step`, its index in the route) or `applicant`.
    Return {
        to: String,
        #[serde(default)]
        step: Option<usize>,
        reason: String,
    },
    Transfer {
        to_account: String,
        #[serde(default)]
        reason: String,
    },
    /// `mode`: `all` (会签) or `any` (或签).
    Countersign {
        mode: String,
        signers: Vec<String>,
    },
    AddSigner {
        account: String,
    },
    Urge {
        #[serde(default)]
        note: String,
    },
    CopyTo {
        accounts: Vec<String>,
    },
    StartSpecial {
        kind: String,
        reason: String,
    },
    EndSpecial {
        #[serde(default)]
        result: String,
    },
    Extend {
        reason: String,
    },
    SupplyMissing,
    /// `method`: `electronic`, `pickup` (with `hall_id`) or `post` (with `tracking_number`).
    Deliver {
        method: String,
        #[serde(default)]
        hall_id: String,
        #[serde(default)]
        tracking_number: String,
    },
    VerifyCommitment {
        truthful: bool,
        #[serde(default)]
        note: String,
    },
    RecordVisit {
        #[serde(default)]
        note: String,
    },
}

fn normal() -> String {
    "normal".into()
}

fn bad(field: &'static str, message: &str) -> AppError {
    AppError::field(field, "application.bad_action", message)
}

/// A `YYYY-MM-DD` date.
pub fn parse_day(field: &'static str, text: &str) -> Result<Date, AppError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), format)
        .map_err(|_| bad(field, "日期格式不正确，请按“2026-12-01”的格式填写"))
}

fn clean(list: Vec<String>) -> Vec<String> {
    list.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

impl ActionDto {
    /// The use-case command, or a field error saying what is wrong.
    pub fn into_command(self) -> Result<Command, AppError> {
        use ActionDto as A;
        Ok(match self {
            A::SaveDraft { form } => Command::SaveDraft { form },
            A::RemoveMaterial { material, blob_id } => {
                Command::RemoveMaterial { material, blob_id }
            }
            A::SignCommitment { text } => Command::SignCommitment { text },
            A::Submit => Command::Submit,
            A::SupplyCorrection => Command::SupplyCorrection,
            A::Resubmit { note } => Command::Resubmit { note },
            A::Withdraw { reason } => Command::Withdraw { reason },
            A::RequestCorrection { items } => Command::RequestCorrection {
                items: clean(items),
            },
            A::RefuseAcceptance { reason } => Command::RefuseAcceptance { reason },
            A::Accept {
                mode,
                missing,
                deadline,
            } => {
                let mode = match mode.as_str() {
                    "normal" | "" => AcceptanceMode::Normal,
                    "incomplete" => AcceptanceMode::Incomplete,
                    "commitment" => AcceptanceMode::Commitment,
                    _ => return Err(bad("mode", "受理方式不正确")),
                };
                let deadline = match deadline.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(d) => Some(parse_day("deadline", d)?),
                };
                Command::Accept {
                    mode,
                    missing: clean(missing),
                    deadline,
                }
            }
            A::Approve { opinion } => Command::Approve { opinion },
            A::Refuse { reason } => Command::Refuse { reason },
            A::Return { to, step, reason } => {
                let target = match (to.as_str(), step) {
                    ("previous", _) => ReturnTarget::Previous,
                    ("applicant", _) => ReturnTarget::Applicant,
                    ("step", Some(i)) => ReturnTarget::Step(i),
                    ("step", None) => return Err(bad("step", "请选择退回到哪个环节")),
                    _ => return Err(bad("to", "请选择退回到哪里")),
                };
                Command::Return { target, reason }
            }
            A::Transfer { to_account, reason } => Command::Transfer {
                to_account: to_account.trim().to_string(),
                reason,
            },
            A::Countersign { mode, signers } => {
                let mode = match mode.as_str() {
                    "all" => SignMode::All,
                    "any" => SignMode::Any,
                    _ => return Err(bad("mode", "请选择会签或或签")),
                };
                Command::Countersign {
                    mode,
                    signers: clean(signers),
                }
            }
            A::AddSigner { account } => Command::AddSigner {
                account: account.trim().to_string(),
            },
            A::Urge { note } => Command::Urge { note },
            A::CopyTo { accounts } => Command::CopyTo {
                accounts: clean(accounts),
            },
            A::StartSpecial { kind, reason } => Command::StartSpecial { kind, reason },
            A::EndSpecial { result } => Command::EndSpecial { result },
            A::Extend { reason } => Command::Extend { reason },
            A::SupplyMissing => Command::SupplyMissing,
            A::Deliver {
                method,
                hall_id,
                tracking_number,
            } => {
                let method = match method.as_str() {
                    "electronic" => DeliveryMethod::Electronic,
                    "pickup" => DeliveryMethod::Pickup {
                        hall_id: hall_id.trim().to_string(),
                    },
                    "post" if !tracking_number.trim().is_empty() => DeliveryMethod::Post {
                        tracking_number: tracking_number.trim().to_string(),
                    },
                    "post" => return Err(bad("tracking_number", "邮寄送达请填写快递单号")),
                    _ => return Err(bad("method", "请选择送达方式")),
                };
                Command::Deliver { method }
            }
            A::VerifyCommitment { truthful, note } => Command::VerifyCommitment { truthful, note },
            A::RecordVisit { note } => Command::RecordVisit { note },
        })
    }
}

/// An action with the revision of the case the caller saw.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionRequest {
    /// The revision shown to the caller; a stale one gets 409 `conflict` and changes nothing.
    #[serde(default)]
    pub revision: Option<u64>,
    #[serde(flatten)]
    pub action: ActionDto,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// At most 100; 20 by default.
    pub limit: Option<i64>,
    /// From 0.
    pub offset: Option<i64>,
}

/// Granting a mandate to a runner.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MandateBody {
    /// The runner's login.
    pub agent_login: String,
    /// Item ids; empty means every item.
    #[serde(default)]
    pub item_ids: Vec<String>,
    /// YYYY-MM-DD, after today.
    pub valid_until: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MandateDto {
    pub id: String,
    pub agent_account: String,
    pub agent_name: String,
    pub principal_account: String,
    pub principal_name: String,
    /// `null`: every item.
    pub item_ids: Option<Vec<String>>,
    pub valid_until: String,
    pub revoked: bool,
    pub active: bool,
}

impl From<MandateView> for MandateDto {
    fn from(m: MandateView) -> Self {
        MandateDto {
            id: m.id,
            agent_account: m.agent_account,
            agent_name: m.agent_name,
            principal_account: m.principal_account,
            principal_name: m.principal_name,
            item_ids: m.item_ids,
            valid_until: m.valid_until,
            revoked: m.revoked,
            active: m.active,
        }
    }
}

fn limit(p: &PageParams) -> (i64, i64) {
    (
        p.limit.unwrap_or(20).clamp(1, 100),
        p.offset.unwrap_or(0).max(0),
    )
}

/// Start a case as a draft. The same idempotency key again returns the same case.
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", request_body = StartBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "同一键重复提交只生成一个办件")),
    responses((status = 201, description = "已创建草稿（或返回同一幂等键的办件）", body = ApplicationDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody), (status = 404, description = "事项未找到或未发布", body = ErrorBody), (status = 422, description = "输入有误，见 fields", body = ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StartBody>,
) -> Result<(StatusCode, Json<ApplicationDto>), WebError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(body.idempotency_key)
        .filter(|k| !k.trim().is_empty());
    let req = StartRequest {
        item_id: body.item_id,
        channel: body.channel.unwrap_or_else(|| "pc".into()),
        applicant_account: body.applicant_account,
        mandate_id: body.mandate_id,
        idempotency_key: key,
        form: body.form,
        bundle_id: String::new(),
    };
    let app = state.app.start_application(&caller.principal, req).await?;
    // A replayed idempotency key answers with the stored state, which has no timeline.
    let app = state.app.with_timeline(app).await?;
    let dto = ApplicationDto::of(state.app.view_of(app)?)?;
    Ok((StatusCode::CREATED, Json(dto)))
}

/// The caller's own cases (and those they applied for as an agent), newest first.
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", params(PageParams),
    responses((status = 200, description = "成功", body = [CaseLineDto]), (status = 401, description = "未登录或令牌无效", body = ErrorBody)))]
pub async fn mine(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<PageParams>,
) -> Result<Json<Vec<CaseLineDto>>, WebError> {
    let (limit, offset) = limit(&params);
    let lines = state
        .app
        .my_applications(&caller.principal, limit, offset)
        .await?;
    Ok(Json(lines.into_iter().map(Into::into).collect()))
}

/// One case with its status, clocks, materials and history.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications", params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "成功", body = ApplicationDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ApplicationDto>, WebError> {
    let view = state.app.application_view(&caller.principal, &id).await?;
    Ok(Json(ApplicationDto::of(view)?))
}

/// The GB/T 39046 data sets of a case (表5–8): 申请, 受理, 办理 (with 特别程序) and 办结, each
/// absent until the case got there. Times are `YYYYMMDDThhmmss` Beijing time, dates `YYYYMMDD`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseRecordDto {
    /// 申请: case_number, implementation_code, applicant_name, source, applied_at, agent.
    #[schema(value_type = Option<Object>)]
    pub apply: Option<serde_json::Value>,
    /// 受理: department_id, accepted_by, accepted_at, promised_by, case_type.
    #[schema(value_type = Option<Object>)]
    pub accept: Option<serde_json::Value>,
    /// 办理: step, handler, opinion, at, action — one per handling.
    #[schema(value_type = Vec<Object>)]
    pub handle: Vec<serde_json::Value>,
    /// 特别程序: kind_code, kind, reason, started, ended, result.
    #[schema(value_type = Vec<Object>)]
    pub special: Vec<serde_json::Value>,
    /// 办结: finished_at, result, reason, by_post, tracking_number.
    #[schema(value_type = Option<Object>)]
    pub finish: Option<serde_json::Value>,
}

/// The case's GB/T 39046 record (申请/受理/办理/办结), built from its events; for its applicant
/// and staff whose unit covers the case.
#[utoipa::path(get, path = "/api/v1/applications/{id}/record", tag = "applications", params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "成功", body = CaseRecordDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<CaseRecordDto>, WebError> {
    let record = state.app.case_record(&caller.principal, &id).await?;
    let value = serde_json::to_value(&record).map_err(|e| AppError::Internal(e.to_string()))?;
    let take = |key: &str| value.get(key).cloned().filter(|v| !v.is_null());
    let list = |key: &str| {
        value
            .get(key)
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
    };
    Ok(Json(CaseRecordDto {
        apply: take("apply"),
        accept: take("accept"),
        handle: list("handle"),
        special: list("special"),
        finish: take("finish"),
    }))
}

/// Act on a case. A refused transition is 422 with its stable code in `error.fields[0].code`
/// (e.g. `application.invalid_transition`); a stale `revision` is 409 `conflict`.
#[utoipa::path(post, path = "/api/v1/applications/{id}/actions", tag = "applications", request_body = ActionRequest,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "已办理", body = ApplicationDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody),
        (status = 409, description = "他人已先行处理（revision 已过期）", body = ErrorBody), (status = 422, description = "当前状态不允许该操作或输入有误，见 fields", body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ActionRequest>,
) -> Result<Json<ApplicationDto>, WebError> {
    let cmd = body.action.into_command()?;
    let app = state
        .app
        .act_on_application(&caller.principal, &id, body.revision, cmd)
        .await?;
    let app = state.app.with_timeline(app).await?;
    Ok(Json(ApplicationDto::of(state.app.view_of(app)?)?))
}

/// The multipart fields of an upload.
#[derive(Debug, Default)]
pub struct MaterialUpload {
    pub revision: Option<u64>,
    pub material: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Any other text fields (the page sends its CSRF token and form fields too).
    pub other: BTreeMap<String, String>,
}

/// Reads `revision`, `material` and `file` (and any other text field) from a multipart body.
pub async fn read_upload(mut form: Multipart) -> Result<MaterialUpload, WebError> {
    let bad = |_| WebError::BadRequest("上传内容格式不正确，请重新选择文件后提交".to_string());
    let mut upload = MaterialUpload::default();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" => {
                upload.file_name = field.file_name().unwrap_or_default().to_string();
                upload.bytes = field.bytes().await.map_err(bad)?.to_vec();
            }
            "revision" => upload.revision = field.text().await.map_err(bad)?.trim().parse().ok(),
            "material" => upload.material = field.text().await.map_err(bad)?,
            _ => {
                let text = field.text().await.map_err(bad)?;
                upload.other.insert(name, text);
            }
        }
    }
    Ok(upload)
}

/// Attach a file (PDF, JPEG, PNG or OFD, at most 20 MB) to a material of the case: multipart
/// fields `material`, `file` and optionally `revision`.
#[utoipa::path(post, path = "/api/v1/applications/{id}/materials", tag = "applications",
    params(("id" = String, Path, description = "Case id")),
    request_body(content_type = "multipart/form-data", description = "material（材料名称）、file（文件）、revision（可选）"),
    responses((status = 200, description = "已上传", body = ApplicationDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody),
        (status = 409, description = "他人已先行处理（revision 已过期）", body = ErrorBody), (status = 422, description = "文件过大、类型不支持或当前不能上传，见 fields", body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    form: Multipart,
) -> Result<Json<ApplicationDto>, WebError> {
    let upload = read_upload(form).await?;
    if upload.material.trim().is_empty() {
        return Err(AppError::field("material", "application.bad_material", "请选择材料").into());
    }
    let app = state
        .app
        .attach_upload(
            &caller.principal,
            &id,
            upload.revision,
            upload.material.trim(),
            &upload.file_name,
            upload.bytes,
        )
        .await?;
    let app = state.app.with_timeline(app).await?;
    Ok(Json(ApplicationDto::of(state.app.view_of(app)?)?))
}

/// The caller's work (staff): cases due for their role in their unit, soonest due first, with
/// how many are overdue (red) or due within two working days (yellow), and cases copied to them.
#[utoipa::path(get, path = "/api/v1/work/queue", tag = "applications", params(PageParams),
    responses((status = 200, description = "成功", body = WorkQueueDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody), (status = 403, description = "仅限工作人员", body = ErrorBody)))]
pub async fn queue(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<PageParams>,
) -> Result<Json<WorkQueueDto>, WebError> {
    let (limit, _) = limit(&params);
    let queue = state.app.work_queue(&caller.principal, limit).await?;
    Ok(Json(queue.into()))
}

/// Grant a runner a mandate to apply for the caller (citizens and enterprises).
#[utoipa::path(post, path = "/api/v1/mandates", tag = "applications", request_body = MandateBody,
    responses((status = 201, description = "已委托", body = MandateDto), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody), (status = 422, description = "输入有误，见 fields", body = ErrorBody)))]
pub async fn grant(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<MandateBody>,
) -> Result<(StatusCode, Json<MandateDto>), WebError> {
    let req = MandateRequest {
        agent_login: body.agent_login,
        item_ids: clean(body.item_ids),
        valid_until: parse_day("valid_until", &body.valid_until)?,
    };
    let view = state.app.grant_mandate(&caller.principal, req).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// The mandates the caller granted or holds.
#[utoipa::path(get, path = "/api/v1/mandates", tag = "applications",
    responses((status = 200, description = "成功", body = [MandateDto]), (status = 401, description = "未登录或令牌无效", body = ErrorBody)))]
pub async fn mandates(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<MandateDto>>, WebError> {
    let list = state.app.mandates(&caller.principal).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Revoke a mandate the caller granted.
#[utoipa::path(post, path = "/api/v1/mandates/{id}/revoke", tag = "applications", params(("id" = String, Path, description = "Mandate id")),
    responses((status = 204, description = "已撤销"), (status = 401, description = "未登录或令牌无效", body = ErrorBody),
        (status = 403, description = "无权限", body = ErrorBody), (status = 404, description = "未找到", body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    state.app.revoke_mandate(&caller.principal, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_body_names_its_revision_and_maps_to_a_command() {
        let body: ActionRequest = serde_json::from_value(serde_json::json!({
            "action": "accept", "revision": 4, "mode": "incomplete",
            "missing": ["营业执照", " "], "deadline": "2026-12-10"
        }))
        .unwrap();
        assert_eq!(body.revision, Some(4));
        let Command::Accept {
            mode,
            missing,
            deadline,
        } = body.action.into_command().unwrap()
        else {
            panic!("not an acceptance")
        };
        assert_eq!(mode, AcceptanceMode::Incomplete);
        assert_eq!(missing, ["营业执照"]);
        assert_eq!(
            deadline.map(|d| d.to_string()).as_deref(),
            Some("2026-12-10")
        );
    }

    #[test]
    fn a_post_delivery_without_a_tracking_number_is_refused_in_words() {
        let action = ActionDto::Deliver {
            method: "post".into(),
            hall_id: String::new(),
            tracking_number: " ".into(),
        };
        let err = action.into_command().unwrap_err();
        assert!(err.to_string().contains("快递单号"));
    }
}
