//! Folding events into state: [`Application::from_events`] and [`Application::apply`].
//!
//! Applying never fails and never checks rules (that is [`Application::decide`]'s job): the
//! log is the truth, and the state is whatever it says. Each event also adds its line to the
//! timeline.

use std::collections::BTreeMap;

use super::events::{ApplicationEvent, DraftFacts, Recorded};
use super::route::StepKind;
use super::state::{
    Application, Assignment, Commitment, Correction, Delivery, HistoryEntry, Incomplete, Outcome,
    PauseRecord, Signer, SpecialProcedure, Status,
};

impl Application {
    /// A new draft from its first event.
    pub fn new_draft(facts: &DraftFacts, at_ms: i64) -> Application {
        Application {
            id: facts.id.clone(),
            number: facts.number.clone(),
            item_id: facts.item_id.clone(),
            item_version: facts.item_version,
            item_name: facts.item_name.clone(),
            department_id: facts.department_id.clone(),
            applicant_account: facts.applicant_account.clone(),
            applicant_kind: facts.applicant_kind,
            applicant_name: facts.applicant_name.clone(),
            agent_account: facts.agent_account.clone(),
            mandate_id: facts.mandate_id.clone(),
            channel: facts.channel,
            hall_id: facts.hall_id.clone(),
            visits: 0,
            status: Status::Draft,
            form: BTreeMap::new(),
            materials: Vec::new(),
            commitment: None,
            route: facts.route.clone(),
            current_step: 0,
            step_started_on: None,
            assignment: Assignment::Pool,
            copied_to: Vec::new(),
            legal_limit_days: facts.legal_limit_days,
            promised_limit_days: facts.promised_limit_days,
            immediate: facts.immediate,
            may_be_missing: facts.may_be_missing.clone(),
            may_be_committed: facts.may_be_committed.clone(),
            required_materials: facts.required_materials.clone(),
            allows_incomplete: facts.allows_incomplete,
            allows_commitment: facts.allows_commitment,
            idempotency_key: facts.idempotency_key.clone(),
            created_at_ms: at_ms,
            submitted_on: None,
            submitted_at_ms: None,
            accepted_on: None,
            acceptance: None,
            correction: None,
            incomplete: None,
            not_accepted_reason: None,
            pauses: Vec::new(),
            special_procedures: Vec::new(),
            extension_days: 0,
            outcome: None,
            delivery: None,
            completed_on: None,
            ended_reason: None,
            credit_flagged: false,
            escalated_steps: Vec::new(),
            urged_count: 0,
            revision: 0,
            history: Vec::new(),
        }
    }

    /// Rebuilds a case from its events, in order. `None` when the first is not `Drafted`.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Recorded>) -> Option<Application> {
        let mut events = events.into_iter();
        let first = events.next()?;
        let ApplicationEvent::Drafted(facts) = &first.event else {
            return None;
        };
        let mut app = Application::new_draft(facts, first.at_ms);
        app.apply(first);
        for e in events {
            app.apply(e);
        }
        Some(app)
    }

    fn close_pause(&mut self, on: time::Date) {
        for p in self.pauses.iter_mut().filter(|p| p.until.is_none()) {
            p.until = Some(on);
        }
    }

    fn enter_step(&mut self, index: usize, on: time::Date) {
        self.current_step = index;
        self.step_started_on = Some(on);
        self.assignment = Assignment::Pool;
    }

    fn step_name(&self) -> String {
        match self.status {
            Status::Draft | Status::Submitted | Status::AwaitingCorrection => self
                .route
                .first()
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            _ => self.step().map(|s| s.name.clone()).unwrap_or_default(),
        }
    }

    /// Applies one recorded event.
    pub fn apply(&mut self, r: &Recorded) {
        let on = r.on;
        let step_before = self.step_name();
        let (what, note): (String, String) = match &r.event {
            ApplicationEvent::Drafted(_) => ("创建申请草稿".into(), String::new()),
            ApplicationEvent::DraftSaved { form } => {
                self.form = form.clone();
                ("保存草稿".into(), String::new())
            }
            ApplicationEvent::MaterialAttached(m) => {
                self.materials.push(m.clone());
                ("上传材料".into(), m.material.clone())
            }
            ApplicationEvent::MaterialRemoved { material, blob_id } => {
                self.materials
                    .retain(|m| !(m.material == *material && m.blob_id == *blob_id));
                ("删除材料".into(), material.clone())
            }
            ApplicationEvent::CommitmentSigned { text } => {
                self.commitment = Some(Commitment {
                    text: text.clone(),
                    signed_at_ms: r.at_ms,
                    truthful: None,
                });
                ("签署告知承诺书".into(), String::new())
            }
            ApplicationEvent::Submitted { visits_added } => {
                self.status = Status::Submitted;
                self.submitted_on = Some(on);
                self.submitted_at_ms = Some(r.at_ms);
                self.visits += visits_added;
                ("提交申请".into(), self.channel.name_zh().to_string())
            }
            ApplicationEvent::CorrectionRequested { items } => {
                self.status = Status::AwaitingCorrection;
                self.correction = Some(Correction {
                    items: items.clone(),
                    requested_on: on,
                    supplied_on: None,
                });
                ("一次性告知补正".into(), items.join("；"))
            }
            ApplicationEvent::CorrectionSupplied => {
                self.status = Status::Submitted;
                if let Some(c) = self.correction.as_mut() {
                    c.supplied_on = Some(on);
                }
                ("补正材料已提交".into(), String::new())
            }
            ApplicationEvent::NotAccepted { reason } => {
                self.status = Status::NotAccepted;
                self.not_accepted_reason = Some(reason.clone());
                self.completed_on = Some(on);
                ("不予受理".into(), reason.clone())
            }
            ApplicationEvent::Accepted {
                mode,
                missing,
                deadline,
            } => {
                self.status = Status::InProgress;
                self.accepted_on = Some(on);
                self.acceptance = Some(*mode);
                if let Some(deadline) = deadline {
                    self.incomplete = Some(Incomplete {
                        missing: missing.clone(),
                        deadline: *deadline,
                        supplied_on: None,
                    });
                }
                let next = if self.route.len() > 1 { 1 } else { 0 };
                self.enter_step(next, on);
                let note = match deadline {
                    Some(d) => format!("缺：{}；补齐期限 {d}", missing.join("、")),
                    None => String::new(),
                };
                (mode.name_zh().to_string(), note)
            }
            ApplicationEvent::SignerApproved { opinion, .. } => {
                if let Assignment::Named { signers, .. } = &mut self.assignment {
                    for s in signers.iter_mut().filter(|s| s.account_id == r.actor) {
                        s.approved = true;
                    }
                }
                ("会签同意".into(), opinion.clone())
            }
            ApplicationEvent::Advanced { to, opinion, .. } => {
                self.enter_step(*to, on);
                ("同意，转下一环节".into(), opinion.clone())
            }
            ApplicationEvent::Returned { to, reason, .. } => match to {
                Some(i) => {
                    self.enter_step(*i, on);
                    ("退回".into(), reason.clone())
                }
                None => {
                    self.status = Status::ReturnedToApplicant;
                    self.pauses.push(PauseRecord {
                        from: on,
                        until: None,
                        reason: "退回申请人".into(),
                    });
                    ("退回申请人修改".into(), reason.clone())
                }
            },
            ApplicationEvent::Resubmitted { note } => {
                self.status = Status::InProgress;
                self.close_pause(on);
                self.step_started_on = Some(on);
                ("申请人重新提交".into(), note.clone())
            }
            ApplicationEvent::Transferred { to_account, reason } => {
                self.assignment = Assignment::Named {
                    mode: super::state::SignMode::Any,
                    signers: vec![Signer {
                        account_id: to_account.clone(),
                        approved: false,
                    }],
                };
                ("转办".into(), reason.clone())
            }
            ApplicationEvent::CountersignStarted { mode, signers } => {
                self.assignment = Assignment::Named {
                    mode: *mode,
                    signers: signers
                        .iter()
                        .map(|a| Signer {
                            account_id: a.clone(),
                            approved: false,
                        })
                        .collect(),
                };
                let what = match mode {
                    super::state::SignMode::All => "发起会签",
                    super::state::SignMode::Any => "发起或签",
                };
                (what.into(), format!("{} 人", signers.len()))
            }
            ApplicationEvent::SignerAdded { account } => {
                match &mut self.assignment {
                    Assignment::Named { signers, .. } => signers.push(Signer {
                        account_id: account.clone(),
                        approved: false,
                    }),
                    Assignment::Pool => {
                        self.assignment = Assignment::Named {
                            mode: super::state::SignMode::All,
                            signers: vec![
                                Signer {
                                    account_id: r.actor.clone(),
                                    approved: false,
                                },
                                Signer {
                                    account_id: account.clone(),
                                    approved: false,
                                },
                            ],
                        }
                    }
                }
                ("加签".into(), String::new())
            }
            ApplicationEvent::Urged { note } => {
                self.urged_count += 1;
                ("催办".into(), note.clone())
            }
            ApplicationEvent::CopiedTo { accounts } => {
                for a in accounts {
                    if !self.copied_to.contains(a) {
                        self.copied_to.push(a.clone());
                    }
                }
                ("抄送".into(), format!("{} 人", accounts.len()))
            }
            ApplicationEvent::SpecialProcedureStarted { kind, reason } => {
                self.special_procedures.push(SpecialProcedure {
                    kind: kind.clone(),
                    reason: reason.clone(),
                    started_on: on,
                    ended_on: None,
                    result: String::new(),
                });
                self.pauses.push(PauseRecord {
                    from: on,
                    until: None,
                    reason: kind.clone(),
                });
                (format!("启动特别程序：{kind}"), reason.clone())
            }
            ApplicationEvent::SpecialProcedureEnded { result } => {
                let mut kind = String::new();
                for s in self
                    .special_procedures
                    .iter_mut()
                    .filter(|s| s.ended_on.is_none())
                {
                    s.ended_on = Some(on);
                    s.result = result.clone();
                    kind = s.kind.clone();
                }
                self.close_pause(on);
                (format!("特别程序结束：{kind}"), result.clone())
            }
            ApplicationEvent::Extended { days, reason } => {
                self.extension_days += days;
                (
                    format!("{} {days} 个工作日", super::notice::EXTENDED_WHAT),
                    reason.clone(),
                )
            }
            ApplicationEvent::Decided { approved, reason } => {
                self.outcome = Some(Outcome {
                    approved: *approved,
                    reason: reason.clone(),
                    decided_on: on,
                });
                if *approved {
                    self.status = Status::Decided;
                    if let Some(i) = self.route.iter().position(|s| s.kind == StepKind::Deliver) {
                        self.enter_step(i, on);
                    }
                    ("准予许可".into(), reason.clone())
                } else {
                    self.status = Status::Completed;
                    self.completed_on = Some(on);
                    ("不予许可".into(), reason.clone())
                }
            }
            ApplicationEvent::MissingSupplied => {
                if let Some(i) = self.incomplete.as_mut() {
                    i.supplied_on = Some(on);
                }
                ("容缺材料已补齐".into(), String::new())
            }
            ApplicationEvent::Delivered { method } => {
                self.status = Status::Completed;
                self.completed_on = Some(on);
                if matches!(method, super::state::DeliveryMethod::Pickup { .. }) {
                    self.visits += 1;
                }
                self.delivery = Some(Delivery {
                    method: method.clone(),
                    delivered_on: on,
                });
                let note = match method {
                    super::state::DeliveryMethod::Post { tracking_number } => {
                        format!("快递单号 {tracking_number}")
                    }
                    _ => String::new(),
                };
                (format!("办结（{}）", method.name_zh()), note)
            }
            ApplicationEvent::Terminated { reason } => {
                self.status = Status::Terminated;
                self.close_pause(on);
                self.completed_on = Some(on);
                self.ended_reason = Some(reason.clone());
                ("终止办理".into(), reason.clone())
            }
            ApplicationEvent::CommitmentVerified { truthful, note } => {
                if let Some(c) = self.commitment.as_mut() {
                    c.truthful = Some(*truthful);
                }
                if *truthful {
                    ("核查：承诺属实".into(), note.clone())
                } else {
                    self.credit_flagged = true;
                    self.ended_reason = Some(note.clone());
                    let decided = self.outcome.as_ref().is_some_and(|o| o.approved);
                    self.close_pause(on);
                    if decided {
                        self.status = Status::Revoked;
                        (
                            "核查：承诺不实，撤销决定并记入信用记录".into(),
                            note.clone(),
                        )
                    } else {
                        self.status = Status::Terminated;
                        self.completed_on.get_or_insert(on);
                        (
                            "核查：承诺不实，终止办理并记入信用记录".into(),
                            note.clone(),
                        )
                    }
                }
            }
            ApplicationEvent::Withdrawn { reason } => {
                self.status = Status::Withdrawn;
                self.close_pause(on);
                self.completed_on = Some(on);
                ("申请人撤回".into(), reason.clone())
            }
            ApplicationEvent::Escalated { step, to_role } => {
                if !self.escalated_steps.contains(step) {
                    self.escalated_steps.push(*step);
                }
                let role = crate::role::Role::parse(to_role).map_or("", |r| r.name_zh());
                ("超期督办，已上报".into(), role.to_string())
            }
            ApplicationEvent::VisitRecorded { note } => {
                self.visits += 1;
                ("到现场办理".into(), note.clone())
            }
        };
        self.revision += 1;
        self.history.push(HistoryEntry {
            at_ms: r.at_ms,
            on,
            actor: r.actor.clone(),
            what,
            note,
            step: step_before,
            action: r.event.action().to_string(),
        });
    }
}
