//! The state of one application (办件), as the fold of its events leaves it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use super::route::{RouteStep, StepKind};
use crate::calendar::clock::Pause;
use crate::role::AccountKind;

/// How the application reached the platform (办理形式, with Tongban's finer channels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplyChannel {
    /// 电脑端网上办理.
    Pc,
    /// 移动端网上申请.
    Mobile,
    /// 窗口办理 at a hall.
    Window,
    /// 合作网点 (post office, operator outlet: 政务服务+N).
    Outlet,
    /// 帮代办: a runner applies under a mandate.
    Runner,
    /// 快递申请.
    Post,
}

impl ApplyChannel {
    pub const ALL: [ApplyChannel; 6] = [
        ApplyChannel::Pc,
        ApplyChannel::Mobile,
        ApplyChannel::Window,
        ApplyChannel::Outlet,
        ApplyChannel::Runner,
        ApplyChannel::Post,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplyChannel::Pc => "pc",
            ApplyChannel::Mobile => "mobile",
            ApplyChannel::Window => "window",
            ApplyChannel::Outlet => "outlet",
            ApplyChannel::Runner => "runner",
            ApplyChannel::Post => "post",
        }
    }

    pub fn parse(code: &str) -> Option<ApplyChannel> {
        ApplyChannel::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ApplyChannel::Pc => "网上办理（电脑端）",
            ApplyChannel::Mobile => "网上办理（手机端）",
            ApplyChannel::Window => "窗口办理",
            ApplyChannel::Outlet => "合作网点代办",
            ApplyChannel::Runner => "帮代办",
            ApplyChannel::Post => "快递申请",
        }
    }

    /// GB/T 39046 办理形式 code: 1 窗口, 2 电脑端, 3 移动端, 4 快递, 9 其他.
    pub fn gbt_code(self) -> &'static str {
        match self {
            ApplyChannel::Window => "1",
            ApplyChannel::Pc => "2",
            ApplyChannel::Mobile => "3",
            ApplyChannel::Post => "4",
            ApplyChannel::Outlet | ApplyChannel::Runner => "9",
        }
    }

    /// Submitted over the internet (a runner applies online for the applicant).
    pub fn is_online(self) -> bool {
        matches!(
            self,
            ApplyChannel::Pc | ApplyChannel::Mobile | ApplyChannel::Runner
        )
    }

    /// The applicant stood at a counter to apply.
    pub fn counts_a_visit(self) -> bool {
        matches!(self, ApplyChannel::Window | ApplyChannel::Outlet)
    }
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 草稿: being filled in, not yet submitted.
    Draft,
    /// 待受理.
    Submitted,
    /// 待补正: the one complete 补正 list was given; the clock has not started.
    AwaitingCorrection,
    /// 办理中: accepted, moving along the route.
    InProgress,
    /// 退回申请人: sent back to the applicant after acceptance; the clock is paused.
    ReturnedToApplicant,
    /// 已决定（待送达）: approved, the result not yet handed over.
    Decided,
    /// 已办结.
    Completed,
    /// 不予受理.
    NotAccepted,
    /// 已终止 (e.g. 容缺材料逾期未补齐).
    Terminated,
    /// 已撤销 (a false commitment revoked the decision).
    Revoked,
    /// 已撤回 by the applicant.
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Draft,
        Status::Submitted,
        Status::AwaitingCorrection,
        Status::InProgress,
        Status::ReturnedToApplicant,
        Status::Decided,
        Status::Completed,
        Status::NotAccepted,
        Status::Terminated,
        Status::Revoked,
        Status::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::AwaitingCorrection => "awaiting_correction",
            Status::InProgress => "in_progress",
            Status::ReturnedToApplicant => "returned",
            Status::Decided => "decided",
            Status::Completed => "completed",
            Status::NotAccepted => "not_accepted",
            Status::Terminated => "terminated",
            Status::Revoked => "revoked",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Submitted => "待受理",
            Status::AwaitingCorrection => "待补正",
            Status::InProgress => "办理中",
            Status::ReturnedToApplicant => "退回待修改",
            Status::Decided => "待送达",
            Status::Completed => "已办结",
            Status::NotAccepted => "不予受理",
            Status::Terminated => "已终止",
            Status::Revoked => "已撤销",
            Status::Withdrawn => "已撤回",
        }
    }

    /// Nothing more will happen to the case (except a 核查 of a commitment).
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Status::Completed
                | Status::NotAccepted
                | Status::Terminated
                | Status::Revoked
                | Status::Withdrawn
        )
    }

    /// Staff have something to do.
    pub fn awaits_staff(self) -> bool {
        matches!(
            self,
            Status::Submitted | Status::InProgress | Status::Decided
        )
    }
}

/// How the case was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcceptanceMode {
    /// 受理: materials complete.
    Normal,
    /// 容缺受理: secondary materials missing, to follow by a deadline.
    Incomplete,
    /// 告知承诺: decided on the applicant's signed commitment.
    Commitment,
}

impl AcceptanceMode {
    pub fn name_zh(self) -> &'static str {
        match self {
            AcceptanceMode::Normal => "受理",
            AcceptanceMode::Incomplete => "容缺受理",
            AcceptanceMode::Commitment => "告知承诺受理",
        }
    }
}

/// A file the applicant provided for one material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedMaterial {
    /// The material's name, as in the item version.
    pub material: String,
    /// SM3 of the content (the upload store's id).
    pub blob_id: String,
    pub file_name: String,
    pub size: u64,
    pub media_type: String,
    /// The electronic licence that stands in for the material (证照免提交), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence_id: Option<String>,
}

/// The applicant's signed 告知承诺.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    /// The exact text the applicant agreed to.
    pub text: String,
    pub signed_at_ms: i64,
    /// The 核查 result: `None` until checked.
    pub truthful: Option<bool>,
}

/// The one 补正 notice (行政许可法 第32条).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// Everything that must be supplied, in one list.
    pub items: Vec<String>,
    pub requested_on: Date,
    pub supplied_on: Option<Date>,
}

/// 容缺受理: what is missing and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incomplete {
    pub missing: Vec<String>,
    pub deadline: Date,
    pub supplied_on: Option<Date>,
}

/// A 特别程序 (现场勘验, 专家评审, 听证 …): the legal clock stops while it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialProcedure {
    pub kind: String,
    pub reason: String,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub result: String,
}

/// 会签 (all must approve) or 或签 (one approval is enough).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignMode {
    All,
    Any,
}

/// A named signer of the current step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    pub account_id: String,
    pub approved: bool,
}

/// Who may act on the current step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Assignment {
    /// Anyone with the step's role in the department's scope.
    #[default]
    Pool,
    /// Named people: after a transfer (转办), a countersign (会签/或签) or an added signer (加签).
    Named {
        mode: SignMode,
        signers: Vec<Signer>,
    },
}

/// Where a 退回 sends the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", content = "step", rename_all = "snake_case")]
pub enum ReturnTarget {
    /// The step before the current one.
    Previous,
    /// An earlier step, by index in the route (not 受理).
    Step(usize),
    /// The applicant, to change the application and resubmit.
    Applicant,
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub approved: bool,
    /// The legal reason (for a refusal) or the decision text.
    pub reason: String,
    pub decided_on: Date,
}

/// How the result reaches the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum DeliveryMethod {
    /// 电子证照 or an electronic result document.
    Electronic,
    /// 窗口领取 at a hall.
    Pickup { hall_id: String },
    /// 邮寄 with a tracking number.
    Post { tracking_number: String },
}

impl DeliveryMethod {
    pub fn name_zh(&self) -> &'static str {
        match self {
            DeliveryMethod::Electronic => "电子送达",
            DeliveryMethod::Pickup { .. } => "窗口领取",
            DeliveryMethod::Post { .. } => "邮寄送达",
        }
    }
}

/// The handing-over of the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub method: DeliveryMethod,
    pub delivered_on: Date,
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at_ms: i64,
    pub on: Date,
    pub actor: String,
    /// What happened, in Chinese.
    pub what: String,
    /// Reason, opinion or detail, in Chinese; empty when none.
    pub note: String,
    /// The step the case was at, by name.
    pub step: String,
    /// The event's name in the log (`application.accepted` …).
    #[serde(default)]
    pub action: String,
}

/// One application (办件) as its events leave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: String,
    /// 办件编号.
    pub number: String,
    pub item_id: String,
    pub item_version: i64,
    pub item_name: String,
    pub department_id: String,
    pub applicant_account: String,
    pub applicant_kind: AccountKind,
    /// Display name of the applicant (a person or an enterprise).
    pub applicant_name: String,
    /// The runner or agent who applied on the applicant's behalf, and under which mandate.
    pub agent_account: Option<String>,
    pub mandate_id: Option<String>,
    pub channel: ApplyChannel,
    /// The hall where the case was registered at a window or outlet; `None` online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hall_id: Option<String>,
    /// 到现场次数.
    pub visits: u32,
    pub status: Status,
    pub form: BTreeMap<String, String>,
    pub materials: Vec<AttachedMaterial>,
    pub commitment: Option<Commitment>,
    pub route: Vec<RouteStep>,
    pub current_step: usize,
    pub step_started_on: Option<Date>,
    pub assignment: Assignment,
    /// 抄送: accounts that were sent a copy.
    pub copied_to: Vec<String>,
    pub legal_limit_days: u32,
    pub promised_limit_days: u32,
    /// 即办件.
    pub immediate: bool,
    /// Materials of the item that may be missing at 容缺受理 (次要材料).
    pub may_be_missing: Vec<String>,
    /// Materials a signed 告知承诺 replaces.
    pub may_be_committed: Vec<String>,
    /// Required materials of the item.
    pub required_materials: Vec<String>,
    pub allows_incomplete: bool,
    pub allows_commitment: bool,
    pub idempotency_key: Option<String>,
    pub created_at_ms: i64,
    pub submitted_on: Option<Date>,
    pub submitted_at_ms: Option<i64>,
    pub accepted_on: Option<Date>,
    pub acceptance: Option<AcceptanceMode>,
    pub correction: Option<Correction>,
    pub incomplete: Option<Incomplete>,
    pub not_accepted_reason: Option<String>,
    /// Pauses of the legal clock: 特别程序 and 退回申请人.
    pub pauses: Vec<PauseRecord>,
    pub special_procedures: Vec<SpecialProcedure>,
    /// 延长审批, in working days (0 or 10).
    pub extension_days: u32,
    pub outcome: Option<Outcome>,
    pub delivery: Option<Delivery>,
    pub completed_on: Option<Date>,
    pub ended_reason: Option<String>,
    /// A 核查 found the commitment false: the applicant's credit record is flagged.
    pub credit_flagged: bool,
    /// Steps (by index) whose overdue work was escalated to the unit head.
    pub escalated_steps: Vec<usize>,
    pub urged_count: u32,
    /// Number of events applied: the case's revision, for optimistic concurrency.
    pub revision: u64,
    /// The timeline, one entry per event applied. The stored state leaves it out (the events
    /// are in the log, and the case row keeps their positions): a state read from the store
    /// has an empty timeline until it is folded again from the case's events (a stored state of
    /// an older release may still carry it). Applying events appends their entries to whatever
    /// it holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntry>,
}

/// A pause of the clock, serialisable (the calendar's [`Pause`] with its reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PauseRecord {
    pub from: Date,
    pub until: Option<Date>,
    pub reason: String,
}

impl PauseRecord {
    pub fn to_pause(&self) -> Pause {
        Pause {
            from: self.from,
            until: self.until,
            reason: self.reason.clone(),
        }
    }
}

impl Application {
    /// The step the case is at.
    pub fn step(&self) -> Option<&RouteStep> {
        self.route.get(self.current_step)
    }

    pub fn step_kind(&self) -> Option<StepKind> {
        self.step().map(|s| s.kind)
    }

    /// The index of the decision step, or of 受理 on an 即办 route.
    pub fn decide_index(&self) -> usize {
        self.route
            .iter()
            .position(|s| s.kind == StepKind::Decide)
            .unwrap_or(0)
    }

    /// The role expected to act now, if any: 受理 by a clerk while submitted; the step's role
    /// while in progress or awaiting delivery.
    pub fn role_due(&self) -> Option<&str> {
        match self.status {
            Status::Submitted => Some(self.route.first().map_or("window_clerk", |s| &s.role)),
            Status::InProgress | Status::Decided => self.step().map(|s| s.role.as_str()),
            _ => None,
        }
    }

    /// Accounts named on the current step that have not approved yet.
    pub fn pending_signers(&self) -> Vec<&str> {
        match &self.assignment {
            Assignment::Pool => Vec::new(),
            Assignment::Named { signers, .. } => signers
                .iter()
                .filter(|s| !s.approved)
                .map(|s| s.account_id.as_str())
                .collect(),
        }
    }

    /// An open pause (特别程序 running, or returned to the applicant).
    pub fn is_paused(&self) -> bool {
        self.pauses.iter().any(|p| p.until.is_none())
    }

    /// The result may not be handed over: 容缺 materials still missing.
    pub fn result_held(&self) -> bool {
        self.incomplete
            .as_ref()
            .is_some_and(|i| i.supplied_on.is_none())
    }

    /// Handled fully online: applied online and never came to a counter.
    pub fn fully_online(&self) -> bool {
        self.channel.is_online() && self.visits == 0
    }

    /// The material names for which a file is attached.
    pub fn attached_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.materials.iter().map(|m| m.material.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The applicant's name as lists show it: a person's masked (张**), an enterprise's in
    /// full (an enterprise name is public).
    pub fn applicant_shown(&self) -> String {
        match self.applicant_kind {
            AccountKind::Enterprise => self.applicant_name.clone(),
            _ => crate::mask::mask_name(&self.applicant_name),
        }
    }

    /// Required materials with no file attached.
    pub fn missing_required(&self) -> Vec<&str> {
        let attached = self.attached_names();
        self.required_materials
            .iter()
            .map(String::as_str)
            .filter(|m| !attached.contains(m))
            .collect()
    }
}
