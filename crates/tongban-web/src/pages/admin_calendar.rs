//! The loaded holiday years (`/admin/calendar`) and the import of a new year's State Council
//! notice as a JSON document (`POST /admin/calendar/import`, city-level system administrators).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use tongban_domain::Role;

use super::admin::require_auditor;
use super::chrome::Chrome;
use super::form::{Errors, t};
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// One loaded year: year, working days, holidays, make-up days, source notice.
#[derive(Debug, Clone)]
pub struct YearLine {
    pub year: i32,
    pub working_days: u32,
    pub holidays: usize,
    pub makeup_days: usize,
    pub source: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct ImportedQuery {
    #[serde(default)]
    pub imported: String,
    /// A loaded year to edit: its document is put in the form, to change and import again.
    #[serde(default)]
    pub edit: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct ImportForm {
    #[serde(default)]
    pub calendar: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_calendar.html")]
pub struct CalendarAdminPage {
    c: Chrome,
    years: Vec<YearLine>,
    can_import: bool,
    imported: Option<i32>,
    example: String,
    text: String,
    errors: Errors,
}

/// The example document, pretty-printed in the order of the format's documentation.
fn example() -> String {
    #[derive(Serialize, Deserialize)]
    struct Day {
        date: String,
        name: String,
    }
    #[derive(Serialize, Deserialize)]
    struct Example {
        year: i32,
        source: String,
        holidays: Vec<Day>,
        makeup_workdays: Vec<Day>,
    }
    let raw = t("admin_calendar.example");
    serde_json::from_str::<Example>(raw)
        .ok()
        .and_then(|e| serde_json::to_string_pretty(&e).ok())
        .unwrap_or_else(|| raw.to_string())
}

fn page(
    state: &AppState,
    viewer: &Viewer,
    can_import: bool,
    imported: Option<i32>,
    text: String,
    errors: Errors,
) -> CalendarAdminPage {
    let calendar = state.app.calendar();
    let years = calendar
        .years()
        .map(|y| YearLine {
            year: y.year,
            working_days: y.working_day_count(),
            holidays: y.holidays.len(),
            makeup_days: y.makeup_workdays.len(),
            source: y.source.clone(),
        })
        .collect();
    CalendarAdminPage {
        c: viewer.chrome(),
        years,
        can_import,
        imported,
        example: example(),
        text,
        errors,
    }
}

pub async fn years(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<ImportedQuery>,
) -> Result<Response, WebError> {
    let who = match require_auditor(&viewer)? {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let can_import = who.role() == Some(Role::SystemAdmin);
    let imported = query.imported.parse().ok();
    let text = query
        .edit
        .parse::<i32>()
        .ok()
        .filter(|_| can_import)
        .and_then(|year| state.app.calendar().year(year).map(|y| y.to_json()))
        .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_default();
    Ok(page(&state, &viewer, can_import, imported, text, Errors::none()).into_response())
}

pub async fn import(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Form(form): Form<ImportForm>,
) -> Result<Response, WebError> {
    let who = match require_auditor(&viewer)? {
        Ok(who) => who,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let errors = if form.calendar.trim().is_empty() {
        let mut errors = Errors::none();
        errors.add("calendar", t("admin_calendar.empty_text"));
        errors
    } else {
        match state.app.import_calendar_year(who, &form.calendar).await {
            Ok(year) => {
                return Ok(
                    Redirect::to(&format!("/admin/calendar?imported={}", year.year))
                        .into_response(),
                );
            }
            Err(err) => Errors::from_app(err, &[])?,
        }
    };
    let page = page(&state, &viewer, true, None, form.calendar, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongban_domain::CalendarYear;

    #[test]
    fn the_example_on_the_page_is_a_valid_document() {
        let text = example();
        assert!(text.find("\"year\"") < text.find("\"source\""), "{text}");
        assert!(CalendarYear::from_json(&text).is_ok(), "{text}");
    }

    #[test]
    fn a_rejected_import_keeps_the_text_and_shows_the_error() {
        let mut errors = Errors::none();
        errors.add("calendar", "调休上班日期 2027-02-08 是星期一");
        let page = CalendarAdminPage {
            c: Chrome {
                elder: false,
                csrf: "tok".into(),
                user: None,
                path: "/admin/calendar".into(),
            },
            years: vec![YearLine {
                year: 2026,
                working_days: 250,
                holidays: 30,
                makeup_days: 5,
                source: "通知".into(),
            }],
            can_import: true,
            imported: None,
            example: example(),
            text: "{\"year\": 2027}".into(),
            errors,
        };
        let html = page.render().unwrap();
        assert!(html.contains("调休上班日期 2027-02-08 是星期一"));
        assert!(
            html.contains("{&#34;year&#34;: 2027}") || html.contains("{&quot;year&quot;: 2027}")
        );
        assert!(html.contains("href=\"/calendar/2026\""));
        assert!(html.contains("name=\"csrf\" value=\"tok\""));
    }
}
