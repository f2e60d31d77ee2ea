//! The public holiday calendar (`/calendar/{year}`: twelve month tables with rest and make-up
//! days marked in text as well as colour) and the due-date calculator (`/calendar/due-date`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tongban_domain::{DayInfo, DayReason};

use super::chrome::Chrome;
use super::viewer::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// `/calendar`: this year in Beijing.
pub async fn this_year(State(state): State<AppState>) -> Redirect {
    let year = state.app.now().to_offset(tongban_app::beijing()).year();
    Redirect::to(&format!("/calendar/{year}"))
}

/// One day in a month table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub day: u8,
    /// `rest` (a holiday off), `makeup` (a weekend worked), `weekend` or `work`.
    pub class: &'static str,
    /// The holiday's description, e.g. "国庆节 放假" or "调休上班（春节）".
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    pub number: u8,
    pub weeks: Vec<[Option<Cell>; 7]>,
}

/// Lays out a year's days as month tables with Monday as the first column.
pub fn months(days: &[DayInfo]) -> Vec<Month> {
    let mut months: Vec<Month> = Vec::new();
    for info in days {
        let number = u8::from(info.date.month());
        if months.last().is_none_or(|m| m.number != number) {
            months.push(Month {
                number,
                weeks: Vec::new(),
            });
        }
        let Some(month) = months.last_mut() else {
            continue;
        };
        let column = usize::from(info.date.weekday().number_days_from_monday());
        if month.weeks.is_empty() || column == 0 {
            month.weeks.push(Default::default());
        }
        let (class, title) = match &info.reason {
            DayReason::Holiday(_) => ("rest", info.describe_zh()),
            DayReason::MakeupWorkday(_) => ("makeup", info.describe_zh()),
            DayReason::Weekend => ("weekend", String::new()),
            DayReason::Weekday => ("work", String::new()),
        };
        if let Some(week) = month.weeks.last_mut() {
            week[column] = Some(Cell {
                day: info.date.day(),
                class,
                title,
            });
        }
    }
    months
}

#[derive(Template, WebTemplate)]
#[template(path = "calendar.html")]
pub struct CalendarPage {
    c: Chrome,
    year: i32,
    loaded: bool,
    months: Vec<Month>,
    working_days: usize,
    rest_days: usize,
    source: String,
    loaded_years: Vec<i32>,
}

pub async fn year(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(year): Path<String>,
) -> Result<Response, WebError> {
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .ok_or(WebError::NotFound)?;
    let calendar = state.app.calendar();
    let loaded_years: Vec<i32> = calendar.years().map(|y| y.year).collect();
    let source = calendar
        .year(year)
        .map(|y| y.source.clone())
        .unwrap_or_default();
    let days = state.app.calendar_year_days(year).unwrap_or_default();
    let page = CalendarPage {
        c: viewer.chrome(),
        year,
        loaded: !days.is_empty(),
        working_days: days.iter().filter(|d| d.working).count(),
        rest_days: days
            .iter()
            .filter(|d| matches!(d.reason, DayReason::Holiday(_)))
            .count(),
        months: months(&days),
        source,
        loaded_years,
    };
    let status = if page.loaded {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok((status, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use tongban_domain::WorkCalendar;

    fn days_2025() -> Vec<DayInfo> {
        WorkCalendar::builtin().year_days(2025).unwrap()
    }

    #[test]
    fn months_start_on_the_right_weekday() {
        let months = months(&days_2025());
        assert_eq!(months.len(), 12);
        // 2025-10-01 is a Wednesday and a holiday.
        let october = &months[9];
        let first = october.weeks[0][2].as_ref().unwrap();
        assert_eq!(first.day, 1);
        assert_eq!(first.class, "rest");
        assert!(october.weeks[0][1].is_none());
        // 2025-09-28 (Sunday) is worked for 国庆节.
        let september = &months[8];
        let sunday = september
            .weeks
            .iter()
            .find_map(|w| w[6].clone().filter(|c| c.day == 28))
            .unwrap();
        assert_eq!(sunday.class, "makeup");
        assert!(sunday.title.contains("调休上班"));
        assert_eq!(date!(2025 - 10 - 01).weekday(), time::Weekday::Wednesday);
    }

    #[test]
    fn the_page_marks_days_in_text_not_only_colour() {
        let days = days_2025();
        let page = CalendarPage {
            c: Chrome {
                elder: false,
                csrf: String::new(),
                user: None,
                path: "/calendar/2025".into(),
            },
            year: 2025,
            loaded: true,
            working_days: days.iter().filter(|d| d.working).count(),
            rest_days: 0,
            months: months(&days),
            source: "通知".into(),
            loaded_years: vec![2024, 2025, 2026],
        };
        let html = page.render().unwrap();
        assert!(html.contains("class=\"rest\""));
        assert!(html.contains("class=\"makeup\""));
        assert!(html.contains(">休<") || html.contains("休</"));
        assert!(html.contains("班</"));
        assert!(html.contains("国庆节"));
        assert!(html.contains("<th scope=\"col\""));
    }

    #[test]
    fn a_year_not_loaded_says_so() {
        let page = CalendarPage {
            c: Chrome {
                elder: false,
                csrf: String::new(),
                user: None,
                path: "/calendar/2040".into(),
            },
            year: 2040,
            loaded: false,
            working_days: 0,
            rest_days: 0,
            months: Vec::new(),
            source: String::new(),
            loaded_years: vec![2025],
        };
        let html = page.render().unwrap();
        assert!(html.contains(crate::i18n::Catalog::zh_cn().get("calendar.not_loaded")));
        assert!(html.contains("href=\"/calendar/2025\""));
    }
}
