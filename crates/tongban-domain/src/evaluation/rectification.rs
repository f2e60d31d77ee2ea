//! The 差评 closed loop as a pure state machine: 核实 → 整改 or 解释说明 → 回访 → 办结, with
//! 申诉复核 decided one level up and a one-time escalation when the deadline passes. Commands
//! are decided on the folded state and yield [`RectificationEvent`]s; every refusal carries a
//! stable code and a Chinese message.

use std::fmt;

use time::Date;

use super::events::{RectificationEvent, RectificationOpened, RectificationRecord};
use crate::calendar::{CalendarError, WorkCalendar, WorkingDays};
use crate::division::{AdminLevel, DivisionCode};
use crate::role::Role;

/// Where a 差评 case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoopState {
    /// 待核实.
    Open,
    /// 已核实, awaiting 整改 or 解释说明.
    Verified,
    /// 已整改.
    Rectified,
    /// 已解释说明.
    Explained,
    /// 已回访.
    Revisited,
    /// 申诉复核中.
    Appealed,
    /// 已办结.
    Closed,
}

impl LoopState {
    pub const ALL: [LoopState; 7] = [
        LoopState::Open,
        LoopState::Verified,
        LoopState::Rectified,
        LoopState::Explained,
        LoopState::Revisited,
        LoopState::Appealed,
        LoopState::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LoopState::Open => "open",
            LoopState::Verified => "verified",
            LoopState::Rectified => "rectified",
            LoopState::Explained => "explained",
            LoopState::Revisited => "revisited",
            LoopState::Appealed => "appealed",
            LoopState::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<LoopState> {
        LoopState::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            LoopState::Open => "待核实",
            LoopState::Verified => "已核实",
            LoopState::Rectified => "已整改",
            LoopState::Explained => "已解释说明",
            LoopState::Revisited => "已回访",
            LoopState::Appealed => "申诉复核中",
            LoopState::Closed => "已办结",
        }
    }
}

/// Who sends a command to the loop (the use case decides which one a caller is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopActor {
    /// 好差评处理人员 of the unit that handled the rated service.
    UnitHandler,
    /// The level above, deciding an appeal.
    AppealReviewer,
    /// The periodic sweep.
    Sweep,
}

/// A command to a 差评 case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoopCommand {
    Verify { finding: String },
    Rectify { measures: String },
    Explain { explanation: String },
    Revisit { outcome: String, satisfied: bool },
    Close,
    Appeal { reason: String },
    DecideAppeal { upheld: bool, note: String },
    Escalate,
}

impl LoopCommand {
    pub fn name_zh(&self) -> &'static str {
        match self {
            LoopCommand::Verify { .. } => "核实",
            LoopCommand::Rectify { .. } => "整改",
            LoopCommand::Explain { .. } => "解释说明",
            LoopCommand::Revisit { .. } => "回访",
            LoopCommand::Close => "办结",
            LoopCommand::Appeal { .. } => "申诉",
            LoopCommand::DecideAppeal { .. } => "申诉复核",
            LoopCommand::Escalate => "超期上报",
        }
    }
}

/// A command the case refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopRefusal {
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for LoopRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoopRefusal {}

fn refuse(code: &'static str, message: impl Into<String>) -> LoopRefusal {
    LoopRefusal {
        code,
        message: message.into(),
    }
}

/// The role an overdue case is escalated to.
pub const ESCALATION_ROLE: &str = "bureau_supervisor";

/// A 差评 case, folded from its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rectification {
    pub opened: RectificationOpened,
    pub state: LoopState,
    pub escalated: bool,
    /// The state an appeal was lodged from (where a refused appeal returns to).
    pub appeal_from: Option<LoopState>,
    /// The appeal's decision, once made.
    pub appeal_upheld: Option<bool>,
    /// The day it was rectified or explained.
    pub settled_on: Option<Date>,
    pub closed_on: Option<Date>,
    /// What was done, for the public page: the finding, measures or explanation.
    pub finding: String,
    pub measures: String,
    pub explanation: String,
    pub revisited: bool,
}

impl Rectification {
    pub fn open(opened: RectificationOpened) -> Rectification {
        Rectification {
            opened,
            state: LoopState::Open,
            escalated: false,
            appeal_from: None,
            appeal_upheld: None,
            settled_on: None,
            closed_on: None,
            finding: String::new(),
            measures: String::new(),
            explanation: String::new(),
            revisited: false,
        }
    }

    /// Folds a case's records (the first must be `Opened`).
    pub fn fold(records: &[RectificationRecord]) -> Option<Rectification> {
        let (first, rest) = records.split_first()?;
        let RectificationEvent::Opened(opened) = &first.event else {
            return None;
        };
        let mut case = Rectification::open((**opened).clone());
        for r in rest {
            case.apply(r);
        }
        Some(case)
    }

    pub fn apply(&mut self, r: &RectificationRecord) {
        match &r.event {
            RectificationEvent::Opened(_) => {}
            RectificationEvent::Verified { finding } => {
                self.state = LoopState::Verified;
                self.finding = finding.clone();
            }
            RectificationEvent::Rectified { measures } => {
                self.state = LoopState::Rectified;
                self.measures = measures.clone();
                self.settled_on = Some(r.on);
            }
            RectificationEvent::Explained { explanation } => {
                self.state = LoopState::Explained;
                self.explanation = explanation.clone();
                self.settled_on = Some(r.on);
            }
            RectificationEvent::Revisited { .. } => {
                self.state = LoopState::Revisited;
                self.revisited = true;
            }
            RectificationEvent::Closed => {
                self.state = LoopState::Closed;
                self.closed_on = Some(r.on);
            }
            RectificationEvent::Escalated { .. } => self.escalated = true,
            RectificationEvent::Appealed { .. } => {
                self.appeal_from = Some(self.state);
                self.state = LoopState::Appealed;
            }
            RectificationEvent::AppealDecided { upheld, .. } => {
                self.appeal_upheld = Some(*upheld);
                self.state = self.appeal_from.unwrap_or(LoopState::Open);
            }
        }
    }

    /// Overdue on `today`: not closed, not settled, and past the deadline.
    pub fn is_overdue(&self, today: Date) -> bool {
        !matches!(self.state, LoopState::Closed | LoopState::Appealed)
            && self.settled_on.is_none()
            && today > self.opened.due
    }

    /// Decides `cmd` by `actor` on `today`.
    pub fn decide(
        &self,
        cmd: &LoopCommand,
        actor: LoopActor,
        today: Date,
    ) -> Result<Vec<RectificationEvent>, LoopRefusal> {
        let needed = match cmd {
            LoopCommand::DecideAppeal { .. } => LoopActor::AppealReviewer,
            LoopCommand::Escalate => LoopActor::Sweep,
            _ => LoopActor::UnitHandler,
        };
        if actor != needed {
            return Err(match cmd {
                LoopCommand::DecideAppeal { .. } => refuse(
                    "rectification.appeal_not_own_unit",
                    "申诉由上一级复核，本单位不能自行决定",
                ),
                _ => refuse(
                    "rectification.not_handler",
                    format!("只有承办单位的好差评处理人员可以{}", cmd.name_zh()),
                ),
            });
        }
        if self.state == LoopState::Closed {
            return Err(refuse("rectification.closed", "该差评已办结，不能再办理"));
        }
        let text = |s: &str, what: &str| -> Result<String, LoopRefusal> {
            let t = s.trim();
            if t.is_empty() {
                Err(refuse(
                    "rectification.text_required",
                    format!("请填写{what}"),
                ))
            } else {
                Ok(t.chars().take(2000).collect())
            }
        };
        let wrong_state = |expected: &str| {
            refuse(
                "rectification.wrong_state",
                format!(
                    "该差评当前{}，{}只能在{expected}后进行",
                    self.state.name_zh(),
                    cmd.name_zh()
                ),
            )
        };
        match cmd {
            LoopCommand::Verify { finding } => {
                if self.state != LoopState::Open {
                    return Err(wrong_state("待核实时"));
                }
                Ok(vec![RectificationEvent::Verified {
                    finding: text(finding, "核实情况")?,
                }])
            }
            LoopCommand::Rectify { measures } => {
                if self.state != LoopState::Verified {
                    return Err(wrong_state("核实"));
                }
                Ok(vec![RectificationEvent::Rectified {
                    measures: text(measures, "整改措施")?,
                }])
            }
            LoopCommand::Explain { explanation } => {
                if self.state != LoopState::Verified {
                    return Err(wrong_state("核实"));
                }
                Ok(vec![RectificationEvent::Explained {
                    explanation: text(explanation, "解释说明")?,
                }])
            }
            LoopCommand::Revisit { outcome, satisfied } => {
                if !matches!(self.state, LoopState::Rectified | LoopState::Explained) {
                    return Err(wrong_state("整改或解释说明"));
                }
                if !self.opened.real_name {
                    return Err(refuse(
                        "rectification.anonymous_no_revisit",
                        "匿名评价无法回访评价人",
                    ));
                }
                Ok(vec![RectificationEvent::Revisited {
                    outcome: text(outcome, "回访情况")?,
                    satisfied: *satisfied,
                }])
            }
            LoopCommand::Close => match self.state {
                LoopState::Revisited => Ok(vec![RectificationEvent::Closed]),
                LoopState::Rectified | LoopState::Explained if !self.opened.real_name => {
                    Ok(vec![RectificationEvent::Closed])
                }
                LoopState::Rectified | LoopState::Explained => Err(refuse(
                    "rectification.revisit_required",
                    "实名差评须先回访评价人，才能办结",
                )),
                _ => Err(wrong_state("整改或解释说明")),
            },
            LoopCommand::Appeal { reason } => {
                if self.appeal_upheld.is_some() || self.state == LoopState::Appealed {
                    return Err(refuse("rectification.appeal_once", "每条差评只能申诉一次"));
                }
                if !matches!(self.state, LoopState::Open | LoopState::Verified) {
                    return Err(wrong_state("整改或解释说明之前"));
                }
                Ok(vec![RectificationEvent::Appealed {
                    reason: text(reason, "申诉理由")?,
                }])
            }
            LoopCommand::DecideAppeal { upheld, note } => {
                if self.state != LoopState::Appealed {
                    return Err(wrong_state("申诉"));
                }
                let mut events = vec![RectificationEvent::AppealDecided {
                    upheld: *upheld,
                    note: text(note, "复核意见")?,
                }];
                if *upheld {
                    events.push(RectificationEvent::Closed);
                }
                Ok(events)
            }
            LoopCommand::Escalate => {
                if self.escalated {
                    return Err(refuse("rectification.already_escalated", "该差评已上报"));
                }
                if !self.is_overdue(today) {
                    return Err(refuse("rectification.not_overdue", "该差评未超期"));
                }
                Ok(vec![RectificationEvent::Escalated {
                    to_role: ESCALATION_ROLE.to_string(),
                }])
            }
        }
    }

    /// The commands `actor` could send now (for showing only the allowed actions).
    pub fn allowed(&self, actor: LoopActor, today: Date) -> Vec<&'static str> {
        let probes: [(&'static str, LoopCommand); 8] = [
            (
                "verify",
                LoopCommand::Verify {
                    finding: "x".into(),
                },
            ),
            (
                "rectify",
                LoopCommand::Rectify {
                    measures: "x".into(),
                },
            ),
            (
                "explain",
                LoopCommand::Explain {
                    explanation: "x".into(),
                },
            ),
            (
                "revisit",
                LoopCommand::Revisit {
                    outcome: "x".into(),
                    satisfied: true,
                },
            ),
            ("close", LoopCommand::Close),
            ("appeal", LoopCommand::Appeal { reason: "x".into() }),
            (
                "decide_appeal",
                LoopCommand::DecideAppeal {
                    upheld: true,
                    note: "x".into(),
                },
            ),
            ("escalate", LoopCommand::Escalate),
        ];
        probes
            .into_iter()
            .filter(|(_, c)| self.decide(c, actor, today).is_ok())
            .map(|(code, _)| code)
            .collect()
    }
}

/// The 整改 deadline rule: a number of working days, by default 15, overridable per region by
/// 行政区划代码 prefix (the longest matching prefix wins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RectificationDeadlines {
    pub default_days: u32,
    pub by_prefix: Vec<(String, u32)>,
}

impl Default for RectificationDeadlines {
    fn default() -> Self {
        RectificationDeadlines {
            default_days: 15,
            by_prefix: Vec::new(),
        }
    }
}

impl RectificationDeadlines {
    /// Working days allowed in the region `division_code`.
    pub fn days_for(&self, division_code: &str) -> u32 {
        self.by_prefix
            .iter()
            .filter(|(p, _)| division_code.starts_with(p.as_str()))
            .max_by_key(|(p, _)| p.len())
            .map(|(_, d)| *d)
            .unwrap_or(self.default_days)
    }

    /// The due date of a 差评 rated on `rated_on` in `division_code`.
    pub fn due(
        &self,
        rated_on: Date,
        division_code: &str,
        cal: &WorkCalendar,
    ) -> Result<Date, CalendarError> {
        cal.add_working_days(rated_on, WorkingDays::new(self.days_for(division_code)))
    }
}

/// Whether a member of staff may decide the appeal of a case of the unit `case_unit_id` in
/// `case_division`: a 局督查人员 at city level (or above) whose area covers the case, and never
/// the unit itself.
pub fn may_decide_appeal(
    reviewer_role: Role,
    reviewer_unit_id: &str,
    reviewer_division: &DivisionCode,
    case_unit_id: &str,
    case_division: &DivisionCode,
) -> bool {
    reviewer_role == Role::BureauSupervisor
        && reviewer_unit_id != case_unit_id
        && reviewer_division.level() <= AdminLevel::City
        && case_division.is_within(reviewer_division)
}
