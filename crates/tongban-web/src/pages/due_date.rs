//! The due-date calculator (`/calendar/due-date`): accepted on a date, a limit in working
//! days, optionally one pause; shows the due date and each step of the count. The form is a
//! GET form (nothing is stored), so the answer can be bookmarked; POST works too.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongban_app::{DueDateAnswer, DueDateRequest, PauseRequest};

use super::chrome::Chrome;
use super::form::{Errors, t};
use super::viewer::Viewer;
use crate::state::AppState;

const MAX_WORKING_DAYS: u32 = 3_650;

#[derive(Debug, Clone, Deserialize, Default)]
pub struct DueForm {
    /// Absent on the first visit: then the form is shown empty (with today's date).
    pub accepted_on: Option<String>,
    #[serde(default)]
    pub working_days: String,
    #[serde(default)]
    pub pause_from: String,
    #[serde(default)]
    pub pause_until: String,
    #[serde(default)]
    pub pause_reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "due_date.html")]
pub struct DueDatePage {
    c: Chrome,
    accepted_on: String,
    form: DueForm,
    errors: Errors,
    answer: Option<DueDateAnswer>,
}

pub async fn form_get(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(form): Query<DueForm>,
) -> Response {
    answer(&state, &viewer, form)
}

pub async fn form_post(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(form): Form<DueForm>,
) -> Response {
    answer(&state, &viewer, form)
}

fn answer(state: &AppState, viewer: &Viewer, form: DueForm) -> Response {
    let Some(accepted_on) = form.accepted_on.clone() else {
        let today = state
            .app
            .now()
            .to_offset(tongban_app::beijing())
            .date()
            .to_string();
        let page = DueDatePage {
            c: viewer.chrome(),
            accepted_on: today,
            form,
            errors: Errors::none(),
            answer: None,
        };
        return page.into_response();
    };
    let (request, mut errors) = request_of(&form, viewer.elder);
    let mut answer = None;
    if let Some(request) = request {
        match state.app.due_date(&request) {
            Ok(a) => answer = Some(a),
            Err(err) => match Errors::from_app(
                err,
                &[
                    ("pauses.from", "pause_from"),
                    ("pauses.until", "pause_until"),
                    ("calendar", "accepted_on"),
                ],
            ) {
                Ok(found) => errors = found,
                Err(web) => return web.into_response(),
            },
        }
    }
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (
        status,
        DueDatePage {
            c: viewer.chrome(),
            accepted_on,
            form,
            errors,
            answer,
        },
    )
        .into_response()
}

/// The use-case request, or the problems the page itself can see (a missing date, a limit
/// that is not a whole number, a pause end without a start).
fn request_of(form: &DueForm, elder: bool) -> (Option<DueDateRequest>, Errors) {
    let mut errors = Errors::none();
    let accepted_on = form
        .accepted_on
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_string();
    if accepted_on.is_empty() {
        errors.add("accepted_on", t("due.accepted_on_missing"));
    }
    let working_days = form.working_days.trim();
    let limit = match working_days.parse::<u32>() {
        _ if working_days.is_empty() => {
            errors.add("working_days", t("due.working_days_missing"));
            0
        }
        Ok(n) if (1..=MAX_WORKING_DAYS).contains(&n) => n,
        _ => {
            errors.add("working_days", t("due.working_days_invalid"));
            0
        }
    };
    let (from, until) = (form.pause_from.trim(), form.pause_until.trim());
    let mut pauses = Vec::new();
    if !elder && !from.is_empty() {
        pauses.push(PauseRequest {
            from: from.to_string(),
            until: Some(until.to_string()).filter(|u| !u.is_empty()),
            reason: form.pause_reason.trim().to_string(),
        });
    } else if !elder
        && from.is_empty()
        && (!until.is_empty() || !form.pause_reason.trim().is_empty())
    {
        errors.add("pause_from", t("due.pause_from_missing"));
    }
    if errors.any() {
        return (None, errors);
    }
    (
        Some(DueDateRequest {
            accepted_on,
            working_days: limit,
            extension_days: 0,
            pauses,
        }),
        errors,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(accepted_on: &str, working_days: &str) -> DueForm {
        DueForm {
            accepted_on: Some(accepted_on.into()),
            working_days: working_days.into(),
            ..DueForm::default()
        }
    }

    #[test]
    fn the_page_checks_what_it_can_before_asking_the_use_case() {
        assert!(request_of(&form("2025-09-26", "5"), false).0.is_some());
        assert!(
            request_of(&form("2025-09-26", ""), false)
                .1
                .on("working_days")
                .is_some()
        );
        assert!(
            request_of(&form("2025-09-26", "五"), false)
                .1
                .on("working_days")
                .is_some()
        );
        assert!(
            request_of(&form("2025-09-26", "0"), false)
                .1
                .on("working_days")
                .is_some()
        );
        assert!(
            request_of(&form("", "5"), false)
                .1
                .on("accepted_on")
                .is_some()
        );
        let until_only = DueForm {
            pause_until: "2025-10-10".into(),
            ..form("2025-09-26", "5")
        };
        assert!(request_of(&until_only, false).1.on("pause_from").is_some());
        let paused = DueForm {
            pause_from: "2025-09-29".into(),
            ..form("2025-09-26", "5")
        };
        let request = request_of(&paused, false).0.unwrap();
        assert_eq!(request.pauses.len(), 1);
        assert_eq!(request.pauses[0].until, None);
        assert!(request_of(&paused, true).0.unwrap().pauses.is_empty());
    }

    #[test]
    fn the_answer_shows_the_due_date_and_the_steps() {
        let answer = DueDateAnswer {
            due_on: Some("2025-10-13".into()),
            paused_since: None,
            used_working_days: None,
            remaining_working_days: None,
            steps: vec!["第 1 个工作日：2025-09-28（调休上班）".into()],
        };
        let page = DueDatePage {
            c: Chrome {
                elder: false,
                csrf: String::new(),
                user: None,
                path: "/calendar/due-date".into(),
            },
            accepted_on: "2025-09-26".into(),
            form: form("2025-09-26", "5"),
            errors: Errors::none(),
            answer: Some(answer),
        };
        let html = page.render().unwrap();
        assert!(html.contains("2025-10-13"));
        assert!(html.contains("调休上班"));
        assert!(html.contains("value=\"5\""));
        assert!(html.contains("for=\"pause_from\""));
    }
}
