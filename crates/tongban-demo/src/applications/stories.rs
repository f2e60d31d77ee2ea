//! The scripts of a planned case: from its draft through acceptance, handling and the end of
//! its story (or the open state it is left in), each command with its actor and time.

use super::*;

/// Everything about one case the script needs.
pub(super) struct CaseCtx<'p, 'a> {
    p: &'p Planner<'a>,
    item: &'a ServiceItem,
    route: &'a [RouteStep],
    me: PlannedActor,
    who: String,
    agent: Option<String>,
    channel: ApplyChannel,
    clerk: PlannedActor,
    reviewer: String,
    approver: String,
    hall: String,
}

impl<'p, 'a> CaseCtx<'p, 'a> {
    pub(super) fn new(
        p: &'p Planner<'a>,
        item: &'a ServiceItem,
        route: &'a [RouteStep],
        who: &str,
        division: &str,
        channel: ApplyChannel,
        rng: &mut Rng,
    ) -> Self {
        let dept = item.department_id.as_str();
        let dept_division = p
            .city
            .departments
            .iter()
            .find(|d| d.key == dept)
            .map_or("511900000000", |d| d.division_code.as_str());
        let county_of_case = if dept_division.starts_with("511900") {
            division
        } else {
            dept_division
        };
        let clerk_id = p.county_clerk(county_of_case, rng);
        let agent = match channel {
            ApplyChannel::Window => Some(p.county_clerk(division, rng)),
            ApplyChannel::Outlet => Some(p.township_staff("clerk", division)),
            ApplyChannel::Runner => Some(p.township_staff("runner", division)),
            _ => None,
        };
        let me = applicant(agent.as_deref().unwrap_or(who));
        let demo_staff = dept == DEMO_DEPARTMENT && rng.chance(1, 2);
        let reviewer = if demo_staff {
            "staff-reviewer".to_string()
        } else {
            p.staff_of(Role::Reviewer, dept)
        };
        let approver = if demo_staff {
            "staff-approver".to_string()
        } else {
            p.staff_of(Role::Approver, dept)
        };
        let hall = format!("hall-{}", &county_of_case.get(..6).unwrap_or("511902"));
        CaseCtx {
            p,
            item,
            route,
            me,
            who: who.to_string(),
            agent,
            channel,
            clerk: staff(&clerk_id),
            reviewer,
            approver,
            hall,
        }
    }

    fn step_actor(&self, step: &RouteStep) -> PlannedActor {
        match step.role.as_str() {
            "reviewer" => staff(&self.reviewer),
            "approver" => staff(&self.approver),
            _ => self.clerk.clone(),
        }
    }

    fn required(&self) -> impl Iterator<Item = &'a tongban_domain::catalog::Material> {
        self.item.materials.iter().filter(|m| m.required)
    }

    /// Draft, attach, (sign), submit; then the acceptance the story wants.
    pub(super) fn apply_and_submit(&self, s: &mut Script<'_>, story: &str, n: u64) {
        let incomplete = story.starts_with("incomplete") || story == "open_incomplete";
        let commitment = story.starts_with("commitment");
        let mut left_out: Option<String> = None;
        for (k, m) in self.required().enumerate() {
            if incomplete && left_out.is_none() && m.may_be_missing {
                left_out = Some(m.name.clone());
                continue;
            }
            if commitment && m.may_be_committed {
                continue;
            }
            s.act(&self.me, attach(&m.name, n * 16 + k as u64));
        }
        if commitment {
            s.act(
                &self.me,
                Command::SignCommitment {
                    text: "本人承诺所填报信息及提交材料真实有效，符合许可条件，如有不实愿承担相应法律责任。".into(),
                },
            );
        }
        s.act(&self.me, Command::Submit);
        if story.starts_with("open_submitted") {
            return;
        }
        s.wait(u32::from(n.is_multiple_of(3)), (n % 300) as i64);
        match story {
            "open_submitted" | "open_submitted_overdue" => {}
            "not_accepted" => s.act(
                &self.clerk,
                Command::RefuseAcceptance {
                    reason: "申请事项依法不属于本机关职权范围，已告知向有关机关申请".into(),
                },
            ),
            "correction" | "correction_refused" | "open_correction" => {
                let items: Vec<String> = self
                    .required()
                    .take(2)
                    .map(|m| format!("{}（须加盖公章、内容完整）", m.name))
                    .collect();
                let items = if items.is_empty() {
                    vec!["申请表签字不全".to_string()]
                } else {
                    items
                };
                s.act(&self.clerk, Command::RequestCorrection { items });
                if story == "open_correction" {
                    return;
                }
                s.wait(1 + (n % 3) as u32, (n % 200) as i64);
                s.act(&self.me, attach("其他：补正材料", n * 16 + 15));
                s.act(&self.me, Command::SupplyCorrection);
                s.wait(u32::from(n.is_multiple_of(2)), 60);
                if story == "correction_refused" {
                    s.act(
                        &self.clerk,
                        Command::RefuseAcceptance {
                            reason: "补正后申请材料仍不符合法定形式".into(),
                        },
                    );
                } else {
                    self.accept(s, AcceptanceMode::Normal, None);
                }
            }
            _ if incomplete => {
                let deadline = s.later(3.min(self.item.promised_limit_days));
                self.accept(s, AcceptanceMode::Incomplete, deadline.zip(left_out));
            }
            _ if commitment => self.accept(s, AcceptanceMode::Commitment, None),
            "withdrawn" if n.is_multiple_of(2) => s.act(
                &self.me,
                Command::Withdraw {
                    reason: "申请人情况变化，主动撤回".into(),
                },
            ),
            _ => self.accept(s, AcceptanceMode::Normal, None),
        }
    }

    fn accept(&self, s: &mut Script<'_>, mode: AcceptanceMode, missing: Option<(Date, String)>) {
        let (deadline, missing) = match missing {
            Some((d, m)) => (Some(d), vec![m]),
            None => (None, Vec::new()),
        };
        s.act(
            &self.clerk,
            Command::Accept {
                mode,
                missing,
                deadline,
            },
        );
    }

    fn approve(&self, s: &mut Script<'_>, at: usize) {
        if let Some(step) = self.route.get(at) {
            s.act(
                &self.step_actor(step),
                Command::Approve {
                    opinion: if step.kind == StepKind::Decide {
                        "符合法定条件，准予许可".into()
                    } else {
                        "材料齐全，符合要求，同意".into()
                    },
                },
            );
        }
    }

    fn deliver(&self, s: &mut Script<'_>, n: u64) {
        let method = match self.channel {
            ApplyChannel::Window if n.is_multiple_of(2) => DeliveryMethod::Pickup {
                hall_id: self.hall.clone(),
            },
            _ if n % 4 == 1 => DeliveryMethod::Post {
                tracking_number: format!("SF{:012}", n * 7919 % 1_000_000_000_000),
            },
            _ => DeliveryMethod::Electronic,
        };
        s.act(&self.clerk, Command::Deliver { method });
    }

    /// Waits within (or, when `late`, beyond) the step's budget.
    fn wait_step(&self, s: &mut Script<'_>, at: usize, late: bool, n: u64) {
        let budget = self.route.get(at).map_or(1, |st| st.budget_days);
        let days = if late {
            budget + 2 + (n % 3) as u32
        } else if budget == 0 {
            0
        } else {
            (n as u32 % budget.max(1)).min(budget)
        };
        s.wait(days, (n % 400) as i64);
    }

    fn work_steps(&self) -> Vec<usize> {
        self.route
            .iter()
            .enumerate()
            .filter(|(_, st)| st.kind == StepKind::Work)
            .map(|(i, _)| i)
            .collect()
    }

    fn decide_at(&self) -> usize {
        self.route
            .iter()
            .position(|st| st.kind == StepKind::Decide)
            .unwrap_or(0)
    }

    /// After acceptance, to a closed end.
    pub(super) fn closed_tail(&self, s: &mut Script<'_>, story: &str, rng: &mut Rng, n: u64) {
        if matches!(story, "not_accepted" | "correction_refused") {
            return;
        }
        if story == "withdrawn" {
            if n % 2 == 1 {
                s.wait(1, 30);
                s.act(
                    &self.me,
                    Command::Withdraw {
                        reason: "已通过其他途径办理，申请撤回".into(),
                    },
                );
            }
            return;
        }
        let immediate = self.route.len() < 3 || self.item.promised_limit_days == 0;
        if !immediate {
            let work = self.work_steps();
            for (k, &at) in work.iter().enumerate() {
                self.wait_step(s, at, story == "late" && k == 0, n);
                match story {
                    "special" if k == 0 => {
                        let actor = staff(&self.reviewer);
                        s.act(
                            &actor,
                            Command::StartSpecial {
                                kind: "现场勘验".into(),
                                reason: "需核实经营场所与申请材料是否一致".into(),
                            },
                        );
                        s.wait(2 + (n % 4) as u32, 120);
                        s.act(
                            &actor,
                            Command::EndSpecial {
                                result: "现场勘验符合要求".into(),
                            },
                        );
                    }
                    "countersign" if k == 0 => {
                        let other = self.p.staff_of(Role::DeptAdmin, &self.item.department_id);
                        let signers = vec![self.reviewer.clone(), other];
                        if signers[0] == signers[1] {
                            s.ok = false;
                            return;
                        }
                        s.act(
                            &staff(&self.reviewer),
                            Command::Countersign {
                                mode: SignMode::All,
                                signers: signers.clone(),
                            },
                        );
                        s.wait(1, 60);
                        for signer in &signers {
                            s.act(
                                &staff(signer),
                                Command::Approve {
                                    opinion: "会签同意".into(),
                                },
                            );
                        }
                        continue;
                    }
                    "returned" if k == 0 => {
                        s.act(
                            &staff(&self.reviewer),
                            Command::Return {
                                target: ReturnTarget::Applicant,
                                reason: "申请表经营范围填写不规范，请修改后重新提交".into(),
                            },
                        );
                        s.wait(2, 90);
                        s.act(&self.me, attach("其他：修改后的申请表", n * 16 + 14));
                        s.act(
                            &self.me,
                            Command::Resubmit {
                                note: "已按要求修改".into(),
                            },
                        );
                        s.wait(1, 30);
                    }
                    "incomplete_supplied" if k == 0 => {
                        s.act(&self.clerk, Command::SupplyMissing);
                        s.wait(u32::from(n.is_multiple_of(2)), 30);
                    }
                    "incomplete_expired" => {
                        s.wait(4, 0);
                        s.act(&PlannedActor::System, Command::ExpireIncomplete);
                        return;
                    }
                    _ => {}
                }
                self.approve(s, at);
            }
            let decide = self.decide_at();
            if story == "extension" {
                s.act(
                    &staff(&self.approver),
                    Command::Extend {
                        reason: "需征求相关部门意见，经本机关负责人批准延长十个工作日".into(),
                    },
                );
                s.wait(4 + (n % 4) as u32, 60);
            } else {
                self.wait_step(s, decide, story == "late", n);
            }
            if story == "refused" {
                s.act(
                    &staff(&self.approver),
                    Command::Refuse {
                        reason: "申请人不符合法定条件，依据《行政许可法》第三十八条第二款不予许可"
                            .into(),
                    },
                );
                return;
            }
            self.approve(s, decide);
        }
        let deliver_budget = self
            .route
            .iter()
            .find(|st| st.kind == StepKind::Deliver)
            .map_or(0, |st| st.budget_days);
        s.wait(u32::from(deliver_budget > 0 && n.is_multiple_of(3)), 200);
        self.deliver(s, n);
        if story.starts_with("commitment") {
            let truthful = story == "commitment";
            s.wait(5 + rng.below(10) as u32, 100);
            s.act(
                &staff(&self.reviewer),
                Command::VerifyCommitment {
                    truthful,
                    note: if truthful {
                        "事后核查，承诺属实".into()
                    } else {
                        "事后核查发现经营场所与承诺不符，承诺不实".into()
                    },
                },
            );
        }
    }

    /// After acceptance, to where an open case stands on `until`.
    pub(super) fn open_tail(&self, s: &mut Script<'_>, story: &str, _rng: &mut Rng, n: u64) {
        let work = self.work_steps();
        let first = work.first().copied().unwrap_or(1);
        match story {
            "open_decide" | "open_decide_due_soon" | "open_decide_overdue" => {
                for &at in &work {
                    let wait = match story {
                        "open_decide_overdue" => {
                            (self.days_to_until(s)).saturating_sub(3 + (n % 3) as u32)
                        }
                        "open_decide_due_soon" => self.days_to_until(s).saturating_sub(0),
                        _ => self.days_to_until(s).saturating_sub(1).min(2),
                    };
                    s.wait(wait, (n % 300) as i64);
                    self.approve(s, at);
                }
            }
            "open_special" => {
                s.wait(1, 60);
                s.act(
                    &staff(&self.reviewer),
                    Command::StartSpecial {
                        kind: "专家评审".into(),
                        reason: "涉及专业技术问题，组织专家评审".into(),
                    },
                );
            }
            "open_returned" => {
                s.wait(1, 60);
                s.act(
                    &staff(&self.reviewer),
                    Command::Return {
                        target: ReturnTarget::Applicant,
                        reason: "请补充说明经营场所的权属情况".into(),
                    },
                );
            }
            "open_decided" => {
                for &at in &work {
                    s.wait(1, 60);
                    self.approve(s, at);
                }
                s.wait(1, 60);
                self.approve(s, self.decide_at());
                if self.route.get(self.decide_at() + 1).is_none() {
                    // No delivery step: still held by the approver, as decided.
                }
            }
            "open_incomplete" => {
                s.wait(1, 60);
                self.approve(s, first);
            }
            _ => {}
        }
    }

    fn days_to_until(&self, s: &Script<'_>) -> u32 {
        self.p
            .cal
            .working_days_between(s.on, self.p.cfg.until)
            .map_or(0, |d| d.get())
    }

    /// Every due date the case's pages will compute stays within the loaded calendar years.
    pub(super) fn fits_calendar(&self, s: &Script<'_>) -> bool {
        let accepted = s
            .actions
            .iter()
            .find(|a| matches!(a.command, Command::Accept { .. }))
            .map_or(s.on, |a| a.on);
        let extended = s
            .actions
            .iter()
            .any(|a| matches!(a.command, Command::Extend { .. }));
        let paused = s.actions.iter().any(|a| {
            matches!(
                a.command,
                Command::StartSpecial { .. } | Command::Return { .. }
            )
        });
        let slack = self
            .item
            .legal_limit_days
            .max(self.item.promised_limit_days)
            + if extended { 10 } else { 0 }
            + if paused { 6 } else { 0 };
        self.p
            .cal
            .add_working_days(accepted, WorkingDays(slack))
            .is_ok()
    }

    pub(super) fn finish(
        &self,
        s: Script<'_>,
        story: &'static str,
        drafted_at_ms: i64,
        drafted_on: Date,
    ) -> PlannedCase {
        PlannedCase {
            item_code: self.item.implementation_code.clone(),
            applicant: self.who.clone(),
            agent: self.agent.clone(),
            channel: self.channel,
            drafted_at_ms,
            drafted_on,
            actions: s.actions,
            story,
        }
    }
}
