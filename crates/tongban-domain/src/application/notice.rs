//! The written notices (文书) a case gives its applicant: 受理通知书, 补正告知书,
//! 不予受理决定书, 不予许可决定书, 延长审批告知书 and 特别程序告知书 (行政许可法 第32、38、42、
//! 45条). Each is a pure function of the case: the facts it states and the day it was issued
//! come from the events the case was folded from, the due dates from its clock. A kind that
//! does not apply to the case (a 受理通知书 before 受理) is `None`.

use time::Date;

use super::state::{AcceptanceMode, Application, Status};
use crate::calendar::clock::{DeadlineClock, Pause};
use crate::calendar::{CalendarError, WorkCalendar, WorkingDays};

/// The timeline's words for an extension (the fold writes them, the notice finds them).
pub(super) const EXTENDED_WHAT: &str = "延长审批";

/// Which notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// 受理通知书 (受理, 容缺受理 or 告知承诺受理).
    Acceptance,
    /// 补正告知书: everything to supply, told once.
    Correction,
    /// 不予受理决定书.
    NotAccepted,
    /// 不予许可决定书.
    Refusal,
    /// 延长审批告知书.
    Extension,
    /// 特别程序告知书: the time it takes is not counted (第45条).
    Special,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 6] = [
        NoticeKind::Acceptance,
        NoticeKind::Correction,
        NoticeKind::NotAccepted,
        NoticeKind::Refusal,
        NoticeKind::Extension,
        NoticeKind::Special,
    ];

    /// The notice's name in URLs.
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Acceptance => "acceptance",
            NoticeKind::Correction => "correction",
            NoticeKind::NotAccepted => "not-accepted",
            NoticeKind::Refusal => "refusal",
            NoticeKind::Extension => "extension",
            NoticeKind::Special => "special",
        }
    }

    pub fn parse(code: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// What one notice says, beyond the case's number, applicant and item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeBody {
    Acceptance {
        mode: AcceptanceMode,
        promised_days: u32,
        /// The promised due date as it stood on the day of acceptance.
        due: Option<Date>,
        /// 容缺受理: the missing materials and the day they must arrive by.
        missing: Vec<String>,
        missing_deadline: Option<Date>,
    },
    Correction {
        items: Vec<String>,
    },
    NotAccepted {
        reason: String,
    },
    Refusal {
        reason: String,
    },
    Extension {
        days: u32,
        reason: String,
        /// The promised due date after the extension; `None` while the clock is paused.
        due: Option<Date>,
    },
    Special {
        kind: String,
        reason: String,
        started_on: Date,
        ended_on: Option<Date>,
    },
}

/// A notice of a case: the day it was issued and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub issued_on: Date,
    /// The day the application was submitted (received).
    pub submitted_on: Option<Date>,
    pub body: NoticeBody,
}

impl Application {
    /// The notices this case has given, in the order of the process.
    pub fn notice_kinds(&self) -> Vec<NoticeKind> {
        NoticeKind::ALL
            .into_iter()
            .filter(|k| self.issued_on(*k).is_some())
            .collect()
    }

    /// The day the notice of `kind` was issued, if the case gave it.
    fn issued_on(&self, kind: NoticeKind) -> Option<Date> {
        match kind {
            NoticeKind::Acceptance => self.acceptance.and(self.accepted_on),
            NoticeKind::Correction => self.correction.as_ref().map(|c| c.requested_on),
            NoticeKind::NotAccepted => match self.status {
                Status::NotAccepted => self.completed_on,
                _ => None,
            },
            NoticeKind::Refusal => self
                .outcome
                .as_ref()
                .filter(|o| !o.approved)
                .map(|o| o.decided_on),
            NoticeKind::Extension => self.extended().map(|(on, _)| on),
            NoticeKind::Special => self.special_procedures.last().map(|s| s.started_on),
        }
    }

    /// The day of the (only) extension and its reason, from the timeline.
    fn extended(&self) -> Option<(Date, String)> {
        if self.extension_days == 0 {
            return None;
        }
        self.history
            .iter()
            .rev()
            .find(|h| h.what.starts_with(EXTENDED_WHAT))
            .map(|h| (h.on, h.note.clone()))
    }

    /// The promised clock with the pauses that had begun by `on` and the extension granted by
    /// then: the due date as it could be told that day.
    fn due_as_of(
        &self,
        on: Date,
        extension: u32,
        cal: &WorkCalendar,
    ) -> Result<Option<Date>, CalendarError> {
        let Some(accepted_on) = self.accepted_on else {
            return Ok(None);
        };
        let pauses: Vec<Pause> = self
            .pauses
            .iter()
            .filter(|p| p.from <= on)
            .map(|p| Pause {
                from: p.from,
                until: p.until.filter(|u| *u <= on),
                reason: p.reason.clone(),
            })
            .collect();
        let clock = DeadlineClock {
            accepted_on,
            limit: WorkingDays(self.promised_limit_days),
            pauses,
            extension: WorkingDays(extension),
        };
        Ok(clock.due_date(cal)?.date())
    }

    /// The notice of `kind`, or `None` when the case has not given it.
    pub fn notice(
        &self,
        kind: NoticeKind,
        cal: &WorkCalendar,
    ) -> Result<Option<Notice>, CalendarError> {
        let Some(issued_on) = self.issued_on(kind) else {
            return Ok(None);
        };
        let body = match kind {
            NoticeKind::Acceptance => {
                let incomplete = self.incomplete.as_ref();
                NoticeBody::Acceptance {
                    mode: self.acceptance.unwrap_or(AcceptanceMode::Normal),
                    promised_days: self.promised_limit_days,
                    due: self.due_as_of(issued_on, 0, cal)?,
                    missing: incomplete.map(|i| i.missing.clone()).unwrap_or_default(),
                    missing_deadline: incomplete.map(|i| i.deadline),
                }
            }
            NoticeKind::Correction => NoticeBody::Correction {
                items: self
                    .correction
                    .as_ref()
                    .map(|c| c.items.clone())
                    .unwrap_or_default(),
            },
            NoticeKind::NotAccepted => NoticeBody::NotAccepted {
                reason: self.not_accepted_reason.clone().unwrap_or_default(),
            },
            NoticeKind::Refusal => NoticeBody::Refusal {
                reason: self
                    .outcome
                    .as_ref()
                    .map(|o| o.reason.clone())
                    .unwrap_or_default(),
            },
            NoticeKind::Extension => {
                let reason = self.extended().map(|(_, r)| r).unwrap_or_default();
                NoticeBody::Extension {
                    days: self.extension_days,
                    reason,
                    due: self.due_as_of(issued_on, self.extension_days, cal)?,
                }
            }
            NoticeKind::Special => {
                let Some(s) = self.special_procedures.last() else {
                    return Ok(None);
                };
                NoticeBody::Special {
                    kind: s.kind.clone(),
                    reason: s.reason.clone(),
                    started_on: s.started_on,
                    ended_on: s.ended_on,
                }
            }
        };
        Ok(Some(Notice {
            kind,
            issued_on,
            submitted_on: self.submitted_on,
            body,
        }))
    }
}
