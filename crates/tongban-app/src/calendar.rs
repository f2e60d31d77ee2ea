//! The working-day calendar in use: loaded from the store, imported by administrators, and used
//! to answer due-date questions.

use std::sync::Arc;

use serde_json::json;
use time::Date;
use tongban_domain::{
    AdminLevel, CalendarYear, DayInfo, DeadlineClock, DueDate, Pause, Role, WorkCalendar,
    WorkingDays,
};
use tongban_store::{CalendarYearRow, NewEvent, StoreError};

use crate::App;
use crate::error::AppError;
use crate::principal::Principal;

/// A due-date question: accepted on a date, with a limit in working days, maybe paused.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct DueDateRequest {
    /// `YYYY-MM-DD`.
    pub accepted_on: String,
    pub working_days: u32,
    #[serde(default)]
    pub extension_days: u32,
    #[serde(default)]
    pub pauses: Vec<PauseRequest>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct PauseRequest {
    pub from: String,
    pub until: Option<String>,
    pub reason: String,
}

/// The answer, with the steps that explain it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DueDateAnswer {
    /// `YYYY-MM-DD`, or `None` while the clock is paused.
    pub due_on: Option<String>,
    pub paused_since: Option<String>,
    pub used_working_days: Option<u32>,
    pub remaining_working_days: Option<u32>,
    pub steps: Vec<String>,
}

impl App {
    /// The calendar in use right now.
    pub fn calendar(&self) -> Arc<WorkCalendar> {
        match self.calendar.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reads what this process keeps in memory from the database again: the working calendar
    /// and the licence catalogue, so that a calendar year or a catalogue loaded through another
    /// process sharing the database is used here too. The server does this every sweep.
    pub async fn reload_shared_tables(&self) -> Result<(), AppError> {
        self.load_calendar().await?;
        self.forget_cached_licence_types();
        self.forget_cached_items();
        Ok(())
    }

    /// Loads the stored years; on first start stores the built-in 2020–2026 years.
    pub(crate) async fn load_calendar(&self) -> Result<(), AppError> {
        let mut rows = self.store.calendar_years().await?;
        if rows.is_empty() {
            let at_ms = self.now_ms();
            let builtin: Vec<CalendarYearRow> = WorkCalendar::builtin()
                .years()
                .map(|y| year_row(y, at_ms))
                .collect();
            let count = builtin.len();
            self.store
                .write(move |ctx| {
                    Box::pin(async move {
                        for row in &builtin {
                            ctx.put_calendar_year(row).await?;
                        }
                        ctx.append_event(NewEvent {
                            at_ms,
                            actor: "system".into(),
                            action: "calendar.builtin_loaded".into(),
                            entity_type: "calendar".into(),
                            entity_id: "builtin".into(),
                            payload: json!({ "years": count }),
                        })
                        .await?;
                        Ok::<_, StoreError>(())
                    })
                })
                .await?;
            rows = self.store.calendar_years().await?;
        }
        let mut calendar = WorkCalendar::empty();
        for row in rows {
            let year = CalendarYear::from_json(&row.body_json).map_err(|e| {
                AppError::Internal(format!("stored calendar {} is invalid: {e}", row.year))
            })?;
            calendar.insert_year(year).map_err(|e| {
                AppError::Internal(format!("stored calendar {} is invalid: {e}", row.year))
            })?;
        }
        self.set_calendar(calendar);
        Ok(())
    }

    fn set_calendar(&self, calendar: WorkCalendar) {
        match self.calendar.write() {
            Ok(mut guard) => *guard = Arc::new(calendar),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(calendar),
        }
    }

    /// Every day of a year with working / rest and why.
    pub fn calendar_year_days(&self, year: i32) -> Result<Vec<DayInfo>, AppError> {
        self.calendar().year_days(year).map_err(calendar_error)
    }

    /// Imports (or replaces) one year from its JSON document. City-level system administrators
    /// only, since every deadline in the city depends on it.
    pub async fn import_calendar_year(
        &self,
        who: &Principal,
        json_text: &str,
    ) -> Result<CalendarYear, AppError> {
        let unit = who.require_role(&[Role::SystemAdmin])?;
        if unit.division().level() > AdminLevel::City {
            return Err(AppError::Forbidden);
        }
        self.import_calendar_year_as(who.account_id(), json_text)
            .await
    }

    /// The import itself, also used by the CLI (which runs as the operator of the machine).
    pub async fn import_calendar_year_as(
        &self,
        actor: &str,
        json_text: &str,
    ) -> Result<CalendarYear, AppError> {
        let year = CalendarYear::from_json(json_text)
            .map_err(|e| AppError::field("calendar", e.code(), e.to_string()))?;
        let mut next = (*self.calendar()).clone();
        next.insert_year(year.clone())
            .map_err(|e| AppError::field("calendar", e.code(), e.to_string()))?;
        let at_ms = self.now_ms();
        let row = year_row(&year, at_ms);
        let actor = actor.to_string();
        let holidays = year.holidays.len();
        let makeup = year.makeup_workdays.len();
        self.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.put_calendar_year(&row).await?;
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor,
                        action: "calendar.year_imported".into(),
                        entity_type: "calendar".into(),
                        entity_id: row.year.to_string(),
                        payload: json!({ "source": row.source, "holidays": holidays, "makeup_workdays": makeup }),
                    })
                    .await?;
                    Ok::<_, StoreError>(())
                })
            })
            .await?;
        self.set_calendar(next);
        Ok(year)
    }

    /// When a case accepted on a date, with a working-day limit and pauses, falls due.
    pub fn due_date(&self, req: &DueDateRequest) -> Result<DueDateAnswer, AppError> {
        let calendar = self.calendar();
        let mut pauses = Vec::new();
        for p in &req.pauses {
            pauses.push(Pause {
                from: parse_date("pauses.from", &p.from)?,
                until: p
                    .until
                    .as_deref()
                    .map(|d| parse_date("pauses.until", d))
                    .transpose()?,
                reason: p.reason.clone(),
            });
        }
        let clock = DeadlineClock {
            accepted_on: parse_date("accepted_on", &req.accepted_on)?,
            limit: WorkingDays::new(req.working_days),
            pauses,
            extension: WorkingDays::new(req.extension_days),
        };
        match clock.due_date(&calendar).map_err(calendar_error)? {
            DueDate::Due { date, steps } => Ok(DueDateAnswer {
                due_on: Some(date.to_string()),
                paused_since: None,
                used_working_days: None,
                remaining_working_days: None,
                steps,
            }),
            DueDate::Paused {
                since,
                used,
                remaining,
                steps,
            } => Ok(DueDateAnswer {
                due_on: None,
                paused_since: Some(since.to_string()),
                used_working_days: Some(used.get()),
                remaining_working_days: Some(remaining.get()),
                steps,
            }),
        }
    }
}

fn year_row(year: &CalendarYear, at_ms: i64) -> CalendarYearRow {
    CalendarYearRow {
        year: i64::from(year.year),
        source: year.source.clone(),
        body_json: year.to_json(),
        updated_at_ms: at_ms,
    }
}

pub(crate) fn parse_date(field: &'static str, text: &str) -> Result<Date, AppError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), format).map_err(|_| {
        AppError::field(
            field,
            "date",
            format!(
                "日期“{}”格式不正确，请按 2025-09-26 的格式填写",
                text.trim()
            ),
        )
    })
}

fn calendar_error(e: tongban_domain::CalendarError) -> AppError {
    AppError::field("calendar", e.code(), e.to_string())
}
