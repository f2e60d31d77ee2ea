//! The rules of a case: which command is allowed in which state, and the events it records.
//!
//! Authorization by role and organisation scope is the use cases' job; the rules here are the
//! case's own: whether the actor is the applicant, whether a named signer is still due, whether
//! the 补正 notice was already given, whether a 容缺 deadline is lawful, and so on.

use std::collections::BTreeMap;
use std::fmt;

use time::Date;

use super::events::ApplicationEvent;
use super::route::StepKind;
use super::state::{
    AcceptanceMode, Application, Assignment, AttachedMaterial, DeliveryMethod, ReturnTarget,
    SignMode, Status,
};
use crate::calendar::{WorkCalendar, WorkingDays};

/// Who is acting, as the case sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: String,
    /// The applicant, or the runner/agent who applied for them.
    pub for_applicant: bool,
    /// A member of staff (role and scope already checked by the use case).
    pub staff: bool,
}

impl Actor {
    pub fn applicant(account_id: &str) -> Actor {
        Actor {
            account_id: account_id.into(),
            for_applicant: true,
            staff: false,
        }
    }

    pub fn staff(account_id: &str) -> Actor {
        Actor {
            account_id: account_id.into(),
            for_applicant: false,
            staff: true,
        }
    }

    /// The platform's own jobs (sweeps of overdue cases).
    pub fn system() -> Actor {
        Actor {
            account_id: "system".into(),
            for_applicant: false,
            staff: true,
        }
    }
}

/// What someone asks to do to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    SaveDraft {
        form: BTreeMap<String, String>,
    },
    AttachMaterial(AttachedMaterial),
    RemoveMaterial {
        material: String,
        blob_id: String,
    },
    SignCommitment {
        text: String,
    },
    Submit,
    RequestCorrection {
        items: Vec<String>,
    },
    SupplyCorrection,
    RefuseAcceptance {
        reason: String,
    },
    Accept {
        mode: AcceptanceMode,
        missing: Vec<String>,
        deadline: Option<Date>,
    },
    Approve {
        opinion: String,
    },
    Refuse {
        reason: String,
    },
    Return {
        target: ReturnTarget,
        reason: String,
    },
    Resubmit {
        note: String,
    },
    Transfer {
        to_account: String,
        reason: String,
    },
    Countersign {
        mode: SignMode,
        signers: Vec<String>,
    },
    AddSigner {
        account: String,
    },
    Urge {
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
        result: String,
    },
    Extend {
        reason: String,
    },
    SupplyMissing,
    Deliver {
        method: DeliveryMethod,
    },
    /// The sweep: a 容缺 case whose deadline passed ends.
    ExpireIncomplete,
    VerifyCommitment {
        truthful: bool,
        note: String,
    },
    Withdraw {
        reason: String,
    },
    /// The sweep: overdue work goes to the unit head.
    Escalate {
        to_role: String,
    },
    RecordVisit {
        note: String,
    },
}

impl Command {
    /// The action's name in Chinese, for messages.
    pub fn name_zh(&self) -> &'static str {
        match self {
            Command::SaveDraft { .. } => "保存草稿",
            Command::AttachMaterial(_) => "上传材料",
            Command::RemoveMaterial { .. } => "删除材料",
            Command::SignCommitment { .. } => "签署承诺书",
            Command::Submit => "提交申请",
            Command::RequestCorrection { .. } => "一次性告知补正",
            Command::SupplyCorrection => "提交补正材料",
            Command::RefuseAcceptance { .. } => "不予受理",
            Command::Accept { .. } => "受理",
            Command::Approve { .. } => "同意",
            Command::Refuse { .. } => "不予许可",
            Command::Return { .. } => "退回",
            Command::Resubmit { .. } => "重新提交",
            Command::Transfer { .. } => "转办",
            Command::Countersign { .. } => "发起会签",
            Command::AddSigner { .. } => "加签",
            Command::Urge { .. } => "催办",
            Command::CopyTo { .. } => "抄送",
            Command::StartSpecial { .. } => "启动特别程序",
            Command::EndSpecial { .. } => "结束特别程序",
            Command::Extend { .. } => "延长审批",
            Command::SupplyMissing => "补齐容缺材料",
            Command::Deliver { .. } => "送达办结",
            Command::ExpireIncomplete => "容缺逾期终止",
            Command::VerifyCommitment { .. } => "承诺核查",
            Command::Withdraw { .. } => "撤回申请",
            Command::Escalate { .. } => "超期上报",
            Command::RecordVisit { .. } => "登记到现场",
        }
    }
}

/// A command the case refuses: a stable code and a Chinese message saying why and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionError {
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransitionError {}

fn refuse(code: &'static str, message: impl Into<String>) -> TransitionError {
    TransitionError {
        code,
        message: message.into(),
    }
}

/// The working days of 延长审批 (行政许可法 第42条).
pub const EXTENSION_DAYS: u32 = 10;

impl Application {
    fn not_now(&self, cmd: &Command) -> TransitionError {
        refuse(
            "application.invalid_transition",
            format!(
                "该办件当前状态为“{}”，不能{}",
                self.status.name_zh(),
                cmd.name_zh()
            ),
        )
    }

    fn require(&self, cmd: &Command, allowed: &[Status]) -> Result<(), TransitionError> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(self.not_now(cmd))
        }
    }

    fn require_applicant(actor: &Actor) -> Result<(), TransitionError> {
        if actor.for_applicant {
            Ok(())
        } else {
            Err(refuse(
                "application.applicant_only",
                "只有申请人（或其委托的代办人）可以进行此操作",
            ))
        }
    }

    fn require_staff(actor: &Actor) -> Result<(), TransitionError> {
        if actor.staff {
            Ok(())
        } else {
            Err(refuse(
                "application.staff_only",
                "只有工作人员可以进行此操作",
            ))
        }
    }

    /// A named assignment admits only its pending signers.
    fn require_signer(&self, actor: &Actor) -> Result<(), TransitionError> {
        Self::require_staff(actor)?;
        match &self.assignment {
            Assignment::Pool => Ok(()),
            Assignment::Named { .. } => {
                if self.pending_signers().contains(&actor.account_id.as_str()) {
                    Ok(())
                } else {
                    Err(refuse(
                        "application.not_assignee",
                        "该环节已指定办理人，您不在待办人员之中",
                    ))
                }
            }
        }
    }

    fn require_not_paused(&self, cmd: &Command) -> Result<(), TransitionError> {
        if self.special_procedures.iter().any(|s| s.ended_on.is_none()) {
            return Err(refuse(
                "application.special_running",
                format!("特别程序进行中，结束后才能{}", cmd.name_zh()),
            ));
        }
        Ok(())
    }

    /// Required materials not attached and not excused by 容缺 (if the item allows it) or by
    /// a signed commitment.
    fn unexcused_missing(&self) -> Vec<String> {
        self.missing_required()
            .into_iter()
            .filter(|m| {
                let by_incomplete =
                    self.allows_incomplete && self.may_be_missing.iter().any(|x| x == m);
                let by_commitment = self.allows_commitment
                    && self.commitment.is_some()
                    && self.may_be_committed.iter().any(|x| x == m);
                !(by_incomplete || by_commitment)
            })
            .map(str::to_string)
            .collect()
    }

    /// Checks `cmd` against the case and returns the events that record it.
    pub fn decide(
        &self,
        cmd: &Command,
        actor: &Actor,
        today: Date,
        cal: &WorkCalendar,
    ) -> Result<Vec<ApplicationEvent>, TransitionError> {
        use ApplicationEvent as E;
        use Status as S;
        let one = |e: ApplicationEvent| Ok(vec![e]);
        match cmd {
            Command::SaveDraft { form } => {
                Self::require_applicant(actor)?;
                self.require(cmd, &[S::Draft])?;
                one(E::DraftSaved { form: form.clone() })
            }
            Command::AttachMaterial(m) => {
                Self::require_applicant(actor)?;
                self.require(
                    cmd,
                    &[S::Draft, S::AwaitingCorrection, S::ReturnedToApplicant],
                )?;
                if !self.required_materials.contains(&m.material)
                    && !self.may_be_missing.contains(&m.material)
                    && !m.material.starts_with("其他")
                {
                    return Err(refuse(
                        "application.unknown_material",
                        format!("本事项没有名为“{}”的申请材料", m.material),
                    ));
                }
                one(E::MaterialAttached(m.clone()))
            }
            Command::RemoveMaterial { material, blob_id } => {
                Self::require_applicant(actor)?;
                self.require(
                    cmd,
                    &[S::Draft, S::AwaitingCorrection, S::ReturnedToApplicant],
                )?;
                if !self
                    .materials
                    .iter()
                    .any(|m| m.material == *material && m.blob_id == *blob_id)
                {
                    return Err(refuse("application.no_such_file", "未找到该材料文件"));
                }
                one(E::MaterialRemoved {
                    material: material.clone(),
                    blob_id: blob_id.clone(),
                })
            }
            Command::SignCommitment { text } => {
                Self::require_applicant(actor)?;
                self.require(cmd, &[S::Draft])?;
                if !self.allows_commitment {
                    return Err(refuse(
                        "application.commitment_not_allowed",
                        "本事项不适用告知承诺制",
                    ));
                }
                if text.trim().is_empty() {
                    return Err(refuse("application.commitment_empty", "承诺书内容不能为空"));
                }
                one(E::CommitmentSigned { text: text.clone() })
            }
            Command::Submit => {
                Self::require_applicant(actor)?;
                self.require(cmd, &[S::Draft])?;
                let missing = self.unexcused_missing();
                if !missing.is_empty() {
                    return Err(refuse(
                        "application.materials_missing",
                        format!("还缺少必要材料：{}，请上传后再提交", missing.join("、")),
                    ));
                }
                one(E::Submitted {
                    visits_added: u32::from(self.channel.counts_a_visit()),
                })
            }
            Command::RequestCorrection { items } => {
                Self::require_staff(actor)?;
                if self.correction.is_some() {
                    return Err(refuse(
                        "application.correction_once",
                        "补正告知只能一次性提出（《行政许可法》第三十二条），本件已告知过，请受理或不予受理",
                    ));
                }
                self.require(cmd, &[S::Submitted])?;
                let items: Vec<String> = items
                    .iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                if items.is_empty() {
                    return Err(refuse(
                        "application.correction_empty",
                        "请一次性列明需要补正的全部内容",
                    ));
                }
                one(E::CorrectionRequested { items })
            }
            Command::SupplyCorrection => {
                Self::require_applicant(actor)?;
                self.require(cmd, &[S::AwaitingCorrection])?;
                one(E::CorrectionSupplied)
            }
            Command::RefuseAcceptance { reason } => {
                Self::require_staff(actor)?;
                self.require(cmd, &[S::Submitted, S::AwaitingCorrection])?;
                require_reason(reason, "不予受理")?;
                one(E::NotAccepted {
                    reason: reason.clone(),
                })
            }
            Command::Accept {
                mode,
                missing,
                deadline,
            } => {
                Self::require_staff(actor)?;
                self.require(cmd, &[S::Submitted])?;
                let mut events = vec![self.acceptance(*mode, missing, *deadline, today, cal)?];
                if self.immediate {
                    events.push(E::Decided {
                        approved: true,
                        reason: "即办件，当场办结".into(),
                    });
                }
                Ok(events)
            }
            Command::Approve { opinion } => {
                self.require(cmd, &[S::InProgress])?;
                self.require_signer(actor)?;
                self.require_not_paused(cmd)?;
                let here = self.current_step;
                let done = match &self.assignment {
                    Assignment::Pool => true,
                    Assignment::Named { mode, signers } => {
                        *mode == SignMode::Any
                            || signers
                                .iter()
                                .all(|s| s.approved || s.account_id == actor.account_id)
                    }
                };
                let mut events = Vec::new();
                if matches!(self.assignment, Assignment::Named { .. }) {
                    events.push(E::SignerApproved {
                        step: here,
                        opinion: opinion.clone(),
                    });
                }
                if done {
                    if self.step_kind() == Some(StepKind::Decide) {
                        events.push(E::Decided {
                            approved: true,
                            reason: opinion.clone(),
                        });
                    } else {
                        events.push(E::Advanced {
                            from: here,
                            to: here + 1,
                            opinion: opinion.clone(),
                        });
                    }
                }
                Ok(events)
            }
            Command::Refuse { reason } => {
                self.require(cmd, &[S::InProgress])?;
                self.require_signer(actor)?;
                self.require_not_paused(cmd)?;
                if self.step_kind() != Some(StepKind::Decide) {
                    return Err(refuse(
                        "application.refuse_at_decision",
                        "不予许可须在“决定”环节作出；审查环节如有问题请退回",
                    ));
                }
                require_reason(reason, "不予许可的法定理由")?;
                one(E::Decided {
                    approved: false,
                    reason: reason.clone(),
                })
            }
            Command::Return { target, reason } => {
                self.require(cmd, &[S::InProgress])?;
                self.require_signer(actor)?;
                require_reason(reason, "退回理由")?;
                let here = self.current_step;
                let to = match target {
                    ReturnTarget::Applicant => None,
                    ReturnTarget::Previous => {
                        if here <= 1 {
                            return Err(refuse(
                                "application.no_previous_step",
                                "已是第一个办理环节，不能再退回上一环节；如需申请人修改，请退回申请人",
                            ));
                        }
                        Some(here - 1)
                    }
                    ReturnTarget::Step(i) => {
                        if *i < 1 || *i >= here {
                            return Err(refuse(
                                "application.bad_return_step",
                                "只能退回到当前环节之前的办理环节",
                            ));
                        }
                        Some(*i)
                    }
                };
                one(E::Returned {
                    from: here,
                    to,
                    reason: reason.clone(),
                })
            }
            Command::Resubmit { note } => {
                Self::require_applicant(actor)?;
                self.require(cmd, &[S::ReturnedToApplicant])?;
                one(E::Resubmitted { note: note.clone() })
            }
            Command::Transfer { to_account, reason } => {
                self.require(cmd, &[S::Submitted, S::InProgress])?;
                self.require_signer(actor)?;
                if to_account == &actor.account_id || to_account.trim().is_empty() {
                    return Err(refuse(
                        "application.bad_transfer",
                        "请选择要转办的其他工作人员",
                    ));
                }
                one(E::Transferred {
                    to_account: to_account.clone(),
                    reason: reason.clone(),
                })
            }
            Command::Countersign { mode, signers } => {
                self.require(cmd, &[S::InProgress])?;
                self.require_signer(actor)?;
                let mut list: Vec<String> = Vec::new();
                for s in signers.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                    if !list.iter().any(|x| x == s) {
                        list.push(s.to_string());
                    }
                }
                if list.len() < 2 {
                    return Err(refuse(
                        "application.countersign_size",
                        "会签或或签至少需要两名签批人",
                    ));
                }
                one(E::CountersignStarted {
                    mode: *mode,
                    signers: list,
                })
            }
            Command::AddSigner { account } => {
                self.require(cmd, &[S::InProgress])?;
                self.require_signer(actor)?;
                let already = match &self.assignment {
                    Assignment::Pool => account == &actor.account_id,
                    Assignment::Named { signers, .. } => {
                        signers.iter().any(|s| &s.account_id == account)
                    }
                };
                if already || account.trim().is_empty() {
                    return Err(refuse(
                        "application.bad_signer",
                        "请选择一名尚未参与本环节签批的工作人员",
                    ));
                }
                one(E::SignerAdded {
                    account: account.clone(),
                })
            }
            Command::Urge { note } => {
                if !self.status.awaits_staff() {
                    return Err(self.not_now(cmd));
                }
                one(E::Urged { note: note.clone() })
            }
            Command::CopyTo { accounts } => {
                Self::require_staff(actor)?;
                if self.status == S::Draft {
                    return Err(self.not_now(cmd));
                }
                if accounts.is_empty() {
                    return Err(refuse("application.copy_empty", "请选择抄送对象"));
                }
                one(E::CopiedTo {
                    accounts: accounts.clone(),
                })
            }
            Command::StartSpecial { kind, reason } => {
                Self::require_staff(actor)?;
                self.require(cmd, &[S::InProgress])?;
                self.require_not_paused(cmd)?;
                require_reason(kind, "特别程序种类")?;
                require_reason(reason, "启动特别程序的理由")?;
                one(E::SpecialProcedureStarted {
                    kind: kind.clone(),
                    reason: reason.clone(),
                })
            }
            Command::EndSpecial { result } => {
                Self::require_staff(actor)?;
                if !self.special_procedures.iter().any(|s| s.ended_on.is_none()) {
                    return Err(refuse(
                        "application.no_special_running",
                        "没有进行中的特别程序",
                    ));
                }
                require_reason(result, "特别程序结果")?;
                one(E::SpecialProcedureEnded {
                    result: result.clone(),
                })
            }
            Command::Extend { reason } => {
                Self::require_staff(actor)?;
                self.require(cmd, &[S::InProgress])?;
                if self.extension_days > 0 {
                    return Err(refuse(
                        "application.extension_once",
                        "本件已延长过审批期限，依法只能延长一次",
                    ));
                }
                require_reason(reason, "延长理由（须告知申请人）")?;
                one(E::Extended {
                    days: EXTENSION_DAYS,
                    reason: reason.clone(),
                })
            }
            Command::SupplyMissing => {
                if !(actor.for_applicant || actor.staff) {
                    return Err(refuse("application.forbidden", "无权操作"));
                }
                self.require(cmd, &[S::InProgress, S::Decided])?;
                if !self.result_held() {
                    return Err(refuse(
                        "application.nothing_missing",
                        "本件没有待补齐的容缺材料",
                    ));
                }
                one(E::MissingSupplied)
            }
            Command::Deliver { method } => {
                Self::require_staff(actor)?;
                self.require(cmd, &[S::Decided])?;
                if self.result_held() {
                    return Err(refuse(
                        "application.result_held",
                        "容缺材料尚未补齐，办理结果暂不送达",
                    ));
                }
                if let DeliveryMethod::Post { tracking_number } = method
                    && tracking_number.trim().is_empty()
                {
                    return Err(refuse(
                        "application.tracking_missing",
                        "邮寄送达须填写快递单号",
                    ));
                }
                one(E::Delivered {
                    method: method.clone(),
                })
            }
            Command::ExpireIncomplete => {
                Self::require_staff(actor)?;
                self.require(cmd, &[S::InProgress, S::Decided, S::ReturnedToApplicant])?;
                match &self.incomplete {
                    Some(i) if i.supplied_on.is_none() && today > i.deadline => {
                        one(E::Terminated {
                            reason: format!(
                                "容缺材料（{}）未在 {} 前补齐，容缺受理终止",
                                i.missing.join("、"),
                                i.deadline
                            ),
                        })
                    }
                    _ => Err(refuse(
                        "application.not_overdue",
                        "容缺补齐期限未过或材料已补齐",
                    )),
                }
            }
            Command::VerifyCommitment { truthful, note } => {
                Self::require_staff(actor)?;
                if self.acceptance != Some(AcceptanceMode::Commitment) {
                    return Err(refuse(
                        "application.no_commitment",
                        "本件不是告知承诺受理的办件",
                    ));
                }
                if self.commitment.as_ref().and_then(|c| c.truthful).is_some() {
                    return Err(refuse("application.already_verified", "本件已完成承诺核查"));
                }
                self.require(cmd, &[S::InProgress, S::Decided, S::Completed])?;
                if !truthful {
                    require_reason(note, "核查发现的不实情况")?;
                }
                one(E::CommitmentVerified {
                    truthful: *truthful,
                    note: note.clone(),
                })
            }
            Command::Withdraw { reason } => {
                Self::require_applicant(actor)?;
                self.require(
                    cmd,
                    &[
                        S::Draft,
                        S::Submitted,
                        S::AwaitingCorrection,
                        S::InProgress,
                        S::ReturnedToApplicant,
                    ],
                )?;
                one(E::Withdrawn {
                    reason: reason.clone(),
                })
            }
            Command::Escalate { to_role } => {
                Self::require_staff(actor)?;
                self.require(cmd, &[S::InProgress, S::Decided])?;
                if self.escalated_steps.contains(&self.current_step) {
                    return Err(refuse("application.already_escalated", "该环节已上报"));
                }
                one(E::Escalated {
                    step: self.current_step,
                    to_role: to_role.clone(),
                })
            }
            Command::RecordVisit { note } => {
                Self::require_staff(actor)?;
                if self.status == S::Draft {
                    return Err(self.not_now(cmd));
                }
                one(E::VisitRecorded { note: note.clone() })
            }
        }
    }

    fn acceptance(
        &self,
        mode: AcceptanceMode,
        missing: &[String],
        deadline: Option<Date>,
        today: Date,
        cal: &WorkCalendar,
    ) -> Result<ApplicationEvent, TransitionError> {
        match mode {
            AcceptanceMode::Normal => {
                if self.commitment.is_some() {
                    return Err(refuse(
                        "application.use_commitment",
                        "申请人已签署告知承诺书，请按告知承诺受理",
                    ));
                }
                let absent = self.missing_required();
                if !absent.is_empty() {
                    return Err(refuse(
                        "application.materials_missing",
                        format!(
                            "材料不齐（缺：{}），不能直接受理；请一次性告知补正，或按容缺受理",
                            absent.join("、")
                        ),
                    ));
                }
                Ok(ApplicationEvent::Accepted {
                    mode,
                    missing: Vec::new(),
                    deadline: None,
                })
            }
            AcceptanceMode::Incomplete => {
                if !self.allows_incomplete {
                    return Err(refuse(
                        "application.incomplete_not_allowed",
                        "本事项不适用容缺受理",
                    ));
                }
                let absent: Vec<String> = self
                    .missing_required()
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                let mut listed: Vec<String> = missing
                    .iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                for m in &absent {
                    if !listed.contains(m) {
                        listed.push(m.clone());
                    }
                }
                if listed.is_empty() {
                    return Err(refuse(
                        "application.incomplete_nothing_missing",
                        "材料齐全，请直接受理",
                    ));
                }
                if let Some(main) = listed.iter().find(|m| !self.may_be_missing.contains(m)) {
                    return Err(refuse(
                        "application.main_material_missing",
                        format!("“{main}”是主要材料，不能容缺；容缺只适用于次要材料"),
                    ));
                }
                let Some(deadline) = deadline else {
                    return Err(refuse(
                        "application.deadline_missing",
                        "请填写容缺材料的补齐期限",
                    ));
                };
                let latest = cal
                    .add_working_days(today, WorkingDays(self.promised_limit_days))
                    .map_err(|e| refuse("application.calendar", e.to_string()))?;
                if deadline <= today || deadline > latest {
                    return Err(refuse(
                        "application.deadline_out_of_range",
                        format!("补齐期限须晚于今天，且不得超过承诺办结时限（最迟 {latest}）"),
                    ));
                }
                Ok(ApplicationEvent::Accepted {
                    mode,
                    missing: listed,
                    deadline: Some(deadline),
                })
            }
            AcceptanceMode::Commitment => {
                if !self.allows_commitment {
                    return Err(refuse(
                        "application.commitment_not_allowed",
                        "本事项不适用告知承诺制",
                    ));
                }
                if self.commitment.is_none() {
                    return Err(refuse(
                        "application.commitment_missing",
                        "申请人尚未签署告知承诺书",
                    ));
                }
                let absent = self.unexcused_missing();
                if !absent.is_empty() {
                    return Err(refuse(
                        "application.materials_missing",
                        format!("以下材料不能以承诺代替，仍须提交：{}", absent.join("、")),
                    ));
                }
                Ok(ApplicationEvent::Accepted {
                    mode,
                    missing: Vec::new(),
                    deadline: None,
                })
            }
        }
    }
}

fn require_reason(text: &str, what: &str) -> Result<(), TransitionError> {
    if text.trim().is_empty() {
        Err(refuse(
            "application.reason_missing",
            format!("请填写{what}"),
        ))
    } else {
        Ok(())
    }
}
