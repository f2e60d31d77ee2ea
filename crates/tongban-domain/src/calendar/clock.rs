//! The statutory deadline clock (办理时限): counts working days from
//! acceptance, can be paused and resumed (补正, 特别程序 …) and extended
//! (延长审批), and explains its arithmetic in Chinese, one step per line.
//!
//! Rules:
//! * the acceptance day itself is not counted (the first counted day is the
//!   first working day after `accepted_on`);
//! * the clock runs for `limit + extension` working days;
//! * a pause excludes the working days in `(from, until]`; a pause with
//!   `until = None` is still running and freezes the clock (the result is
//!   [`DueDate::Paused`]); a pause with `until <= from` excludes nothing;
//! * a pause that starts after the due date has passed does not revive the
//!   clock.

use time::Date;

use super::{CalendarError, DayReason, WorkCalendar, WorkingDays, next_day};

/// A suspension of the clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    /// The day the pause starts; working days after it stop counting.
    pub from: Date,
    /// The day the clock resumes (counting again from the next day);
    /// `None` while still paused.
    pub until: Option<Date>,
    /// Why, e.g. "补正" or "特别程序".
    pub reason: String,
}

impl Pause {
    /// `true` if day `d` falls inside the paused interval `(from, until]`.
    pub fn covers(&self, d: Date) -> bool {
        d > self.from && self.until.is_none_or(|u| d <= u)
    }

    /// Human label: "补正" → "补正暂停"; an empty reason → "暂停".
    fn label(&self) -> String {
        let r = self.reason.trim();
        if r.ends_with("暂停") {
            r.to_owned()
        } else {
            format!("{r}暂停")
        }
    }
}

/// Statutory time limit of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineClock {
    /// Acceptance day (受理日); not counted.
    pub accepted_on: Date,
    /// Statutory limit (法定/承诺办理时限).
    pub limit: WorkingDays,
    /// Suspensions, in any order; overlapping ones are merged naturally.
    pub pauses: Vec<Pause>,
    /// Approved extension (延长审批), added to `limit`.
    pub extension: WorkingDays,
}

/// Result of [`DeadlineClock::due_date`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DueDate {
    /// The clock runs out at the end of `date`.
    Due { date: Date, steps: Vec<String> },
    /// The clock is frozen by an open pause that started on `since`.
    Paused {
        since: Date,
        used: WorkingDays,
        remaining: WorkingDays,
        steps: Vec<String>,
    },
}

impl DueDate {
    /// The due date, if the clock is running.
    pub fn date(&self) -> Option<Date> {
        match self {
            DueDate::Due { date, .. } => Some(*date),
            DueDate::Paused { .. } => None,
        }
    }

    /// The explanation, one line per step.
    pub fn steps(&self) -> &[String] {
        match self {
            DueDate::Due { steps, .. } | DueDate::Paused { steps, .. } => steps,
        }
    }
}

impl DeadlineClock {
    /// A clock with no pause and no extension.
    pub fn new(accepted_on: Date, limit: WorkingDays) -> Self {
        DeadlineClock {
            accepted_on,
            limit,
            pauses: Vec::new(),
            extension: WorkingDays::new(0),
        }
    }

    /// `limit + extension`.
    pub fn total(&self) -> WorkingDays {
        WorkingDays::new(self.limit.get().saturating_add(self.extension.get()))
    }

    /// The pause covering `d`, preferring a still-open one.
    fn pause_covering(&self, d: Date) -> Option<(usize, &Pause)> {
        let mut covering = self.pauses.iter().enumerate().filter(|(_, p)| p.covers(d));
        let first = covering.next()?;
        if first.1.until.is_none() {
            return Some(first);
        }
        Some(covering.find(|(_, p)| p.until.is_none()).unwrap_or(first))
    }

    /// The due date with a step-by-step explanation.
    pub fn due_date(&self, cal: &WorkCalendar) -> Result<DueDate, CalendarError> {
        cal.is_working_day(self.accepted_on)?;
        let total = self.total().get();
        let mut ex = Explainer::default();
        ex.steps
            .push(format!("{} 受理（当日不计入）", self.accepted_on));
        ex.steps.push(if self.extension.get() == 0 {
            format!("办理时限 {} 个工作日", self.limit.get())
        } else {
            format!(
                "办理时限 {} 个工作日，延长审批 {} 个工作日，共 {total} 个工作日",
                self.limit.get(),
                self.extension.get()
            )
        });
        if total == 0 {
            ex.steps
                .push(format!("{} 当日办理期限届满", self.accepted_on));
            return Ok(DueDate::Due {
                date: self.accepted_on,
                steps: ex.steps,
            });
        }
        let mut counted = 0u32;
        let mut d = self.accepted_on;
        loop {
            d = next_day(d)?;
            let info = cal.day_info(d)?;
            match self.pause_covering(d) {
                Some((_, p)) if p.until.is_none() => {
                    ex.flush_rest();
                    ex.flush_pause(&self.pauses);
                    let remaining = total - counted;
                    ex.steps.push(format!(
                        "{} 起{}，计时中止，已计 {counted} 个工作日，尚余 {remaining} 个工作日",
                        p.from,
                        p.label()
                    ));
                    return Ok(DueDate::Paused {
                        since: p.from,
                        used: WorkingDays::new(counted),
                        remaining: WorkingDays::new(remaining),
                        steps: ex.steps,
                    });
                }
                Some((i, _)) => {
                    ex.flush_rest();
                    ex.in_pause(i, info.working, &self.pauses);
                    continue;
                }
                None => ex.flush_pause(&self.pauses),
            }
            if !info.working {
                if let DayReason::Holiday(name) = info.reason {
                    ex.rest.push((d, name));
                }
                continue;
            }
            ex.flush_rest();
            counted += 1;
            if counted == total {
                ex.steps
                    .push(format!("{d} 为第{counted}个工作日，办理期限届满"));
                return Ok(DueDate::Due {
                    date: d,
                    steps: ex.steps,
                });
            }
            if matches!(info.reason, DayReason::MakeupWorkday(_)) {
                ex.steps
                    .push(format!("{d} 调休上班，计第{counted}个工作日"));
            }
        }
    }

    /// Working days counted in `(accepted_on, today]`, excluding paused days.
    /// Not capped at the limit: past the due date it keeps growing.
    pub fn used_as_of(
        &self,
        cal: &WorkCalendar,
        today: Date,
    ) -> Result<WorkingDays, CalendarError> {
        let mut n = 0u32;
        let mut d = self.accepted_on;
        while d < today {
            d = next_day(d)?;
            if cal.is_working_day(d)? && self.pause_covering(d).is_none() {
                n += 1;
            }
        }
        Ok(WorkingDays::new(n))
    }

    /// `limit + extension − used`; negative when overdue.
    pub fn remaining_as_of(&self, cal: &WorkCalendar, today: Date) -> Result<i64, CalendarError> {
        let used = self.used_as_of(cal, today)?;
        Ok(i64::from(self.total().get()) - i64::from(used.get()))
    }
}

/// Accumulates explanation lines, grouping consecutive rest and paused days.
#[derive(Default)]
struct Explainer {
    steps: Vec<String>,
    /// Holidays inside the current run of consecutive rest days.
    rest: Vec<(Date, String)>,
    /// Current pause group: (pause index, working days skipped).
    pause: Option<(usize, u32)>,
}

impl Explainer {
    fn flush_rest(&mut self) {
        let (Some((first, _)), Some((last, _))) = (self.rest.first(), self.rest.last()) else {
            return;
        };
        let mut names: Vec<&str> = Vec::new();
        for (_, n) in &self.rest {
            if !names.contains(&n.as_str()) {
                names.push(n);
            }
        }
        let names = names.join("、");
        let line = if first == last {
            format!("{first} {names}放假，不计")
        } else {
            format!("{first} 至 {last} {names}放假，不计")
        };
        self.steps.push(line);
        self.rest.clear();
    }

    fn in_pause(&mut self, idx: usize, working: bool, pauses: &[Pause]) {
        if self.pause.is_some_and(|(i, _)| i != idx) {
            self.flush_pause(pauses);
        }
        let entry = self.pause.get_or_insert((idx, 0));
        if working {
            entry.1 += 1;
        }
    }

    fn flush_pause(&mut self, pauses: &[Pause]) {
        let Some((idx, skipped)) = self.pause.take() else {
            return;
        };
        if let Some(p) = pauses.get(idx) {
            let until = p.until.map(|u| u.to_string()).unwrap_or_default();
            self.steps.push(format!(
                "{} 至 {until} {}，不计 {skipped} 个工作日",
                p.from,
                p.label()
            ));
        }
    }
}

#[cfg(test)]
#[path = "clock_tests.rs"]
mod tests;
