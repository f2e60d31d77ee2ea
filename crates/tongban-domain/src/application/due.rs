//! Due dates of a case: the case clock (承诺/法定时限 from 受理, less pauses, plus 延长), the
//! clock of the current step (its budget from the day it started), the 受理 deadline
//! (行政许可法 第32条: five working days from receipt) and the urgency colours of staff queues.

use serde::{Deserialize, Serialize};
use time::Date;

use super::state::{Application, Status};
use crate::calendar::clock::{DeadlineClock, DueDate};
use crate::calendar::{CalendarError, WorkCalendar, WorkingDays};

/// Working days to decide on acceptance or give the one 补正 notice (第32条).
pub const ACCEPTANCE_DAYS: u32 = 5;

/// How pressing a piece of work is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Normal,
    /// Two working days or fewer left (yellow).
    DueSoon,
    /// Past the due date (red).
    Overdue,
}

impl Urgency {
    /// The urgency of work due at the end of `due`, seen on `today`.
    pub fn of(due: Date, today: Date, cal: &WorkCalendar) -> Result<Urgency, CalendarError> {
        if today > due {
            return Ok(Urgency::Overdue);
        }
        let left = cal.working_days_between(today, due)?;
        Ok(if left.get() <= 2 {
            Urgency::DueSoon
        } else {
            Urgency::Normal
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::DueSoon => "due_soon",
            Urgency::Overdue => "overdue",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Urgency::Normal => "正常",
            Urgency::DueSoon => "即将到期",
            Urgency::Overdue => "已超期",
        }
    }
}

/// The clocks of a case.
pub struct CaseClock;

/// The clock of the current step.
pub struct StepClock;

impl CaseClock {
    /// The statutory clock of a case over `limit` working days: from 受理, with its pauses and
    /// extension. `None` before acceptance.
    pub fn clock(app: &Application, limit: u32) -> Option<DeadlineClock> {
        Some(DeadlineClock {
            accepted_on: app.accepted_on?,
            limit: WorkingDays(limit),
            pauses: app.pauses.iter().map(|p| p.to_pause()).collect(),
            extension: WorkingDays(app.extension_days),
        })
    }

    /// The promised (承诺) due date, with its explanation.
    pub fn promised(
        app: &Application,
        cal: &WorkCalendar,
    ) -> Result<Option<DueDate>, CalendarError> {
        CaseClock::clock(app, app.promised_limit_days)
            .map(|c| c.due_date(cal))
            .transpose()
    }

    /// The legal (法定) due date, with its explanation.
    pub fn legal(app: &Application, cal: &WorkCalendar) -> Result<Option<DueDate>, CalendarError> {
        CaseClock::clock(app, app.legal_limit_days)
            .map(|c| c.due_date(cal))
            .transpose()
    }

    /// Working days left on the promised clock on `today`: negative when overdue, `None`
    /// before acceptance, after the decision, or while paused.
    pub fn remaining(
        app: &Application,
        today: Date,
        cal: &WorkCalendar,
    ) -> Result<Option<i64>, CalendarError> {
        if app.outcome.is_some() || app.status.is_closed() {
            return Ok(None);
        }
        let Some(DueDate::Due { date, .. }) = CaseClock::promised(app, cal)? else {
            return Ok(None);
        };
        signed_days(today, date, cal).map(Some)
    }

    /// The last day to accept or give the 补正 notice, while the case waits for 受理.
    pub fn acceptance_due(
        app: &Application,
        cal: &WorkCalendar,
    ) -> Result<Option<Date>, CalendarError> {
        match (app.status, app.submitted_on) {
            (Status::Submitted, Some(on)) => {
                let from = app
                    .correction
                    .as_ref()
                    .and_then(|c| c.supplied_on)
                    .unwrap_or(on);
                cal.add_working_days(from, WorkingDays(ACCEPTANCE_DAYS))
                    .map(Some)
            }
            _ => Ok(None),
        }
    }
}

impl StepClock {
    /// The due date of the current step: its budget counted from the day it started, less
    /// pauses. `None` when the case is not at a step with staff work, or while paused.
    pub fn due(app: &Application, cal: &WorkCalendar) -> Result<Option<Date>, CalendarError> {
        if app.status == Status::Submitted {
            return CaseClock::acceptance_due(app, cal);
        }
        if !matches!(app.status, Status::InProgress | Status::Decided) {
            return Ok(None);
        }
        let (Some(step), Some(started)) = (app.step(), app.step_started_on) else {
            return Ok(None);
        };
        let clock = DeadlineClock {
            accepted_on: started,
            limit: WorkingDays(step.budget_days),
            pauses: app.pauses.iter().map(|p| p.to_pause()).collect(),
            extension: WorkingDays(0),
        };
        Ok(clock.due_date(cal)?.date())
    }

    /// The urgency of the current step's work on `today`.
    pub fn urgency(
        app: &Application,
        today: Date,
        cal: &WorkCalendar,
    ) -> Result<Option<Urgency>, CalendarError> {
        StepClock::due(app, cal)?
            .map(|due| Urgency::of(due, today, cal))
            .transpose()
    }
}

/// Working days from `today` to `due`: positive ahead, negative past it.
fn signed_days(today: Date, due: Date, cal: &WorkCalendar) -> Result<i64, CalendarError> {
    if due >= today {
        Ok(i64::from(cal.working_days_between(today, due)?.get()))
    } else {
        Ok(-i64::from(cal.working_days_between(due, today)?.get()))
    }
}
