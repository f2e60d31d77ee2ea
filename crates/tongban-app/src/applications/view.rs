//! A case as pages and the API show it: the state plus its clocks, in words and numbers.

use serde::Serialize;
use time::Date;
use tongban_domain::WorkCalendar;
use tongban_domain::application::{Application, CaseClock, StepClock, Urgency};

use crate::error::AppError;

/// A case with its due dates worked out for `today`.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationView {
    pub app: Application,
    /// Status in Chinese.
    pub status_zh: &'static str,
    /// The step the case is at, in Chinese ('' when none).
    pub step_zh: String,
    /// Promised (承诺) due date; `None` before acceptance, after the decision or while paused.
    pub due: Option<Date>,
    /// Legal (法定) due date.
    pub legal_due: Option<Date>,
    /// How the due date was reached, one line per step.
    pub due_explained: Vec<String>,
    /// Working days left (negative when overdue).
    pub remaining_days: Option<i64>,
    /// The current step's due date and urgency.
    pub step_due: Option<Date>,
    pub urgency: Option<Urgency>,
    /// The clock is stopped (特别程序 or 退回申请人).
    pub paused: bool,
}

impl ApplicationView {
    pub fn of(
        app: Application,
        today: Date,
        cal: &WorkCalendar,
    ) -> Result<ApplicationView, AppError> {
        let calendar = |e: tongban_domain::CalendarError| AppError::Internal(e.to_string());
        let promised = CaseClock::promised(&app, cal).map_err(calendar)?;
        let legal = CaseClock::legal(&app, cal).map_err(calendar)?;
        let decided = app.outcome.is_some() || app.status.is_closed();
        let due = if decided {
            None
        } else {
            promised.as_ref().and_then(|d| d.date())
        };
        let due_explained = promised.map(|d| d.steps().to_vec()).unwrap_or_default();
        let remaining_days = CaseClock::remaining(&app, today, cal).map_err(calendar)?;
        let step_due = StepClock::due(&app, cal).map_err(calendar)?;
        let urgency = StepClock::urgency(&app, today, cal).map_err(calendar)?;
        let step_zh = match app.status {
            s if s.is_closed() => String::new(),
            tongban_domain::application::Status::Draft => String::new(),
            tongban_domain::application::Status::Submitted
            | tongban_domain::application::Status::AwaitingCorrection => "受理".into(),
            _ => app.step().map(|s| s.name.clone()).unwrap_or_default(),
        };
        Ok(ApplicationView {
            status_zh: app.status.name_zh(),
            step_zh,
            due,
            legal_due: if decided {
                None
            } else {
                legal.and_then(|d| d.date())
            },
            due_explained,
            remaining_days,
            step_due,
            urgency,
            paused: app.is_paused(),
            app,
        })
    }
}

impl crate::App {
    /// The view of a case already read (e.g. the one an action returned), for today.
    pub fn view_of(&self, app: Application) -> Result<ApplicationView, AppError> {
        ApplicationView::of(app, self.today(), &self.calendar())
    }
}
