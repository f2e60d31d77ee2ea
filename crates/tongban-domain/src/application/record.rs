//! The case as GB/T 39046 data sets (表5–8: 申请, 受理, 办理, 办结), the record kept and
//! reported upward. Times are written `YYYYMMDDThhmmss` in Beijing time, dates `YYYYMMDD`.

use serde::Serialize;
use time::{Date, OffsetDateTime, UtcOffset};

use super::state::{Application, DeliveryMethod};

/// 申请.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplyRecord {
    /// 办件编号.
    pub case_number: String,
    /// 实施编码.
    pub implementation_code: String,
    /// 申请者名称.
    pub applicant_name: String,
    /// 申报来源 (办理形式 code: 1 窗口, 2 电脑端, 3 移动端, 4 快递, 9 其他).
    pub source: String,
    /// 申请时间.
    pub applied_at: String,
    /// 代理人: the agent's account, when someone applied for the applicant.
    pub agent: String,
}

/// 受理.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptRecord {
    /// 受理单位 (the department).
    pub department_id: String,
    /// 受理人员 (account).
    pub accepted_by: String,
    /// 受理时间.
    pub accepted_at: String,
    /// 承诺办结时间 (date).
    pub promised_by: String,
    /// 办件类型: 1 即办件, 2 承诺件.
    pub case_type: String,
}

/// 办理: one step's handling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandleRecord {
    /// 环节名称.
    pub step: String,
    /// 处理人.
    pub handler: String,
    /// 意见.
    pub opinion: String,
    /// 处理时间.
    pub at: String,
    /// 业务动作: 通过 / 退回 / 其他.
    pub action: String,
}

/// 特别程序.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecialRecord {
    /// 特别程序种类: 1 延长审批, 2 other.
    pub kind_code: String,
    pub kind: String,
    pub reason: String,
    pub started: String,
    pub ended: String,
    pub result: String,
}

/// 办结.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinishRecord {
    /// 办结时间.
    pub finished_at: String,
    /// 办理结果: 准予 / 不予 / 不予受理 / 终止 / 撤回 / 撤销.
    pub result: String,
    pub reason: String,
    /// 是否快递: 1 是, 0 否.
    pub by_post: String,
    /// 物流单号.
    pub tracking_number: String,
}

/// The four data sets of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRecord {
    pub apply: Option<ApplyRecord>,
    pub accept: Option<AcceptRecord>,
    pub handle: Vec<HandleRecord>,
    pub special: Vec<SpecialRecord>,
    pub finish: Option<FinishRecord>,
}

fn stamp(at_ms: i64) -> String {
    let offset = UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC);
    match OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000) {
        Ok(t) => {
            let t = t.to_offset(offset);
            format!(
                "{:04}{:02}{:02}T{:02}{:02}{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        }
        Err(_) => String::new(),
    }
}

fn day(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day())
}

impl CaseRecord {
    /// Builds the record from a case (its timeline keeps who did what, when and at which
    /// step), the item's 实施编码 and the promised due date (if accepted).
    pub fn of(
        app: &Application,
        implementation_code: &str,
        promised_by: Option<Date>,
    ) -> CaseRecord {
        let apply = app.submitted_at_ms.map(|at| ApplyRecord {
            case_number: app.number.clone(),
            implementation_code: implementation_code.to_string(),
            applicant_name: app.applicant_name.clone(),
            source: app.channel.gbt_code().to_string(),
            applied_at: stamp(at),
            agent: app.agent_account.clone().unwrap_or_default(),
        });
        let accept = app
            .history
            .iter()
            .find(|h| h.action == "application.accepted")
            .map(|h| AcceptRecord {
                department_id: app.department_id.clone(),
                accepted_by: h.actor.clone(),
                accepted_at: stamp(h.at_ms),
                promised_by: promised_by.map(day).unwrap_or_default(),
                case_type: if app.immediate { "1" } else { "2" }.to_string(),
            });
        let handle = app
            .history
            .iter()
            .filter_map(|h| {
                let action = match h.action.as_str() {
                    "application.accepted"
                    | "application.advanced"
                    | "application.signer_approved"
                    | "application.decided" => "通过",
                    "application.returned" => "退回",
                    "application.not_accepted" | "application.transferred" => "其他",
                    _ => return None,
                };
                let opinion = if h.action == "application.accepted" {
                    String::new()
                } else {
                    h.note.clone()
                };
                Some(HandleRecord {
                    step: h.step.clone(),
                    handler: h.actor.clone(),
                    opinion,
                    at: stamp(h.at_ms),
                    action: action.to_string(),
                })
            })
            .collect();
        let mut special: Vec<SpecialRecord> = app
            .special_procedures
            .iter()
            .map(|s| SpecialRecord {
                kind_code: "2".into(),
                kind: s.kind.clone(),
                reason: s.reason.clone(),
                started: day(s.started_on),
                ended: s.ended_on.map(day).unwrap_or_default(),
                result: s.result.clone(),
            })
            .collect();
        for h in app
            .history
            .iter()
            .filter(|h| h.action == "application.extended")
        {
            special.push(SpecialRecord {
                kind_code: "1".into(),
                kind: h.what.clone(),
                reason: h.note.clone(),
                started: day(h.on),
                ended: day(h.on),
                result: "批准".into(),
            });
        }
        let finish = app.completed_on.map(|on| {
            let finished_at = app
                .history
                .iter()
                .rev()
                .find(|h| h.on == on)
                .map(|h| stamp(h.at_ms))
                .unwrap_or_else(|| day(on));
            let (result, reason) = match (&app.outcome, app.status) {
                (_, super::Status::NotAccepted) => (
                    "不予受理",
                    app.not_accepted_reason.clone().unwrap_or_default(),
                ),
                (_, super::Status::Withdrawn) => ("撤回", String::new()),
                (_, super::Status::Terminated) => {
                    ("终止", app.ended_reason.clone().unwrap_or_default())
                }
                (_, super::Status::Revoked) => {
                    ("撤销", app.ended_reason.clone().unwrap_or_default())
                }
                (Some(o), _) if o.approved => ("准予", o.reason.clone()),
                (Some(o), _) => ("不予", o.reason.clone()),
                (None, _) => ("其他", String::new()),
            };
            let (by_post, tracking_number) = match app.delivery.as_ref().map(|d| &d.method) {
                Some(DeliveryMethod::Post { tracking_number }) => ("1", tracking_number.clone()),
                _ => ("0", String::new()),
            };
            FinishRecord {
                finished_at,
                result: result.to_string(),
                reason,
                by_post: by_post.to_string(),
                tracking_number,
            }
        });
        CaseRecord {
            apply,
            accept,
            handle,
            special,
            finish,
        }
    }
}
