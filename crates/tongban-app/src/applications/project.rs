//! The projection: the row that queues and pages read, derived from a case's state.

use time::Date;
use tongban_domain::WorkCalendar;
use tongban_domain::application::{
    Application, Assignment, CaseClock, Recorded, StepClock, TransitionError,
};
use tongban_store::{ApplicationRow, NewEvent};

use crate::error::AppError;

fn day(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// The projection row of `app`, whose department sits in `division_code`. The stored state
/// leaves the timeline out (the log has it, and `event_seqs` says where; the caller fills that
/// in with the positions of the events it appends); `app` keeps its timeline.
pub(crate) fn project(
    app: &mut Application,
    division_code: &str,
    bundle_id: &str,
    cal: &WorkCalendar,
    now_ms: i64,
) -> Result<ApplicationRow, AppError> {
    let calendar = |e: tongban_domain::CalendarError| AppError::Internal(e.to_string());
    let step_due = StepClock::due(app, cal).map_err(calendar)?;
    let case_due = if app.outcome.is_none() && !app.status.is_closed() {
        CaseClock::promised(app, cal)
            .map_err(calendar)?
            .and_then(|d| d.date())
    } else {
        None
    };
    let incomplete_due = app
        .incomplete
        .as_ref()
        .filter(|i| i.supplied_on.is_none())
        .map(|i| i.deadline);
    let state_json = stored_state(app)?;
    Ok(ApplicationRow {
        id: app.id.clone(),
        number: app.number.clone(),
        item_id: app.item_id.clone(),
        item_version: app.item_version,
        department_id: app.department_id.clone(),
        division_code: division_code.to_string(),
        applicant_account: app.applicant_account.clone(),
        agent_account: app.agent_account.clone().unwrap_or_default(),
        bundle_id: bundle_id.to_string(),
        channel: app.channel.code().to_string(),
        status: app.status.code().to_string(),
        role_due: app.role_due().unwrap_or("").to_string(),
        assigned: i64::from(matches!(app.assignment, Assignment::Named { .. })),
        step_due: day(step_due),
        case_due: day(case_due),
        incomplete_due: day(incomplete_due),
        visits: i64::from(app.visits),
        revision: i64::try_from(app.revision).unwrap_or(i64::MAX),
        idempotency_key: app.idempotency_key.clone(),
        state_json,
        created_at_ms: app.created_at_ms,
        updated_at_ms: now_ms,
        submitted_on: day(app.submitted_on),
        completed_on: day(app.completed_on),
        step_escalated: i64::from(app.escalated_steps.contains(&app.current_step)),
        event_seqs: String::new(),
    })
}

/// The state as the case row stores it: without the timeline (taken out for the moment of
/// serialising, not copied).
pub(crate) fn stored_state(app: &mut Application) -> Result<String, AppError> {
    let history = std::mem::take(&mut app.history);
    let json = serde_json::to_string(app);
    app.history = history;
    json.map_err(|e| AppError::Internal(e.to_string()))
}

/// The audit-log event of one recorded case event.
pub(crate) fn log_event(app_id: &str, r: &Recorded) -> Result<NewEvent, AppError> {
    Ok(NewEvent {
        at_ms: r.at_ms,
        actor: r.actor.clone(),
        action: r.event.action().to_string(),
        entity_type: "application".into(),
        entity_id: app_id.to_string(),
        payload: serde_json::to_value(r).map_err(|e| AppError::Internal(e.to_string()))?,
    })
}

/// Who is named on the current step (pending signers).
pub(crate) fn signers(app: &Application) -> Vec<String> {
    app.pending_signers()
        .into_iter()
        .map(str::to_string)
        .collect()
}

pub(crate) fn transition(err: TransitionError) -> AppError {
    super::refused(err)
}
