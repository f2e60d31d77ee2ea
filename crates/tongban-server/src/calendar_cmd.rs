//! `tongban calendar show` and `tongban calendar import`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use serde::Serialize;
use time::Weekday;
use tongban_app::{App, AppError};
use tongban_domain::{DayInfo, DayReason};

/// Exit code for input the user has to fix (unknown year, invalid calendar file).
pub const EXIT_INPUT: u8 = 2;

/// One day in `calendar show --json`.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct DayJson {
    pub date: String,
    pub weekday: &'static str,
    pub working: bool,
    pub reason_kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holiday_name: Option<String>,
}

impl DayJson {
    pub fn from_info(day: &DayInfo) -> DayJson {
        let (reason_kind, holiday_name) = match &day.reason {
            DayReason::Weekday => ("weekday", None),
            DayReason::Weekend => ("weekend", None),
            DayReason::Holiday(name) => ("holiday", Some(name.clone())),
            DayReason::MakeupWorkday(name) => ("makeup_workday", Some(name.clone())),
        };
        DayJson {
            date: day.date.to_string(),
            weekday: weekday_zh(day.date.weekday()),
            working: day.working,
            reason_kind,
            holiday_name,
        }
    }
}

/// 周一 … 周日.
pub fn weekday_zh(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "周一",
        Weekday::Tuesday => "周二",
        Weekday::Wednesday => "周三",
        Weekday::Thursday => "周四",
        Weekday::Friday => "周五",
        Weekday::Saturday => "周六",
        Weekday::Sunday => "周日",
    }
}

/// The text listing: one line per day and the summary line.
pub fn render_text(year: i32, days: &[DayInfo]) -> String {
    let mut out = String::new();
    for day in days {
        let kind = if day.working {
            "工作日"
        } else {
            "休息日"
        };
        out.push_str(&format!(
            "{}  {}  {}  {}\n",
            day.date,
            weekday_zh(day.date.weekday()),
            kind,
            day.describe_zh()
        ));
    }
    let working = days.iter().filter(|d| d.working).count();
    out.push_str(&format!("{year} 年共 {working} 个工作日\n"));
    out
}

/// `calendar show YEAR [--json]`.
pub fn show(app: &App, year: i32, json: bool) -> anyhow::Result<ExitCode> {
    let days = match app.calendar_year_days(year) {
        Ok(days) => days,
        Err(AppError::Invalid { message, .. }) => {
            eprintln!("错误 / error: {message} (year {year} is not loaded)");
            return Ok(ExitCode::from(EXIT_INPUT));
        }
        Err(other) => return Err(other).context("reading the calendar"),
    };
    if json {
        let list: Vec<DayJson> = days.iter().map(DayJson::from_info).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&list).context("writing JSON")?
        );
    } else {
        print!("{}", render_text(year, &days));
    }
    Ok(ExitCode::SUCCESS)
}

/// `calendar import FILE`.
pub async fn import(app: &App, file: &Path) -> anyhow::Result<ExitCode> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(err) => {
            eprintln!(
                "错误 / error: 无法读取文件 / cannot read {}: {err}",
                file.display()
            );
            return Ok(ExitCode::from(EXIT_INPUT));
        }
    };
    let year = match app.import_calendar_year_as("cli", &text).await {
        Ok(year) => year,
        Err(AppError::Invalid { message, .. }) => {
            eprintln!("错误 / error: {message}");
            return Ok(ExitCode::from(EXIT_INPUT));
        }
        Err(other) => return Err(other).context("importing the calendar"),
    };
    println!(
        "已导入 {} 年工作日历 / imported calendar {}: {} 个放假日 (holidays), {} 个调休上班日 (make-up workdays), 全年 {} 个工作日 (working days)",
        year.year,
        year.year,
        year.holidays.len(),
        year.makeup_workdays.len(),
        year.working_day_count()
    );
    println!("来源 / source: {}", year.source);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn days_are_described_for_json_by_kind_and_holiday_name() {
        let holiday = DayInfo {
            date: date!(2025 - 10 - 01),
            working: false,
            reason: DayReason::Holiday("国庆节".into()),
        };
        let json = serde_json::to_value(DayJson::from_info(&holiday)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"date": "2025-10-01", "weekday": "周三", "working": false,
                "reason_kind": "holiday", "holiday_name": "国庆节"})
        );
        let weekday = DayInfo {
            date: date!(2025 - 10 - 09),
            working: true,
            reason: DayReason::Weekday,
        };
        let json = serde_json::to_value(DayJson::from_info(&weekday)).unwrap();
        assert!(json.get("holiday_name").is_none());
        assert_eq!(json["reason_kind"], "weekday");
    }

    #[test]
    fn the_text_listing_ends_with_the_working_day_count() {
        let days = [
            DayInfo {
                date: date!(2025 - 01 - 25),
                working: false,
                reason: DayReason::Weekend,
            },
            DayInfo {
                date: date!(2025 - 01 - 26),
                working: true,
                reason: DayReason::MakeupWorkday("春节".into()),
            },
        ];
        let text = render_text(2025, &days);
        assert!(
            text.contains("2025-01-26  周日  工作日  调休上班（春节）"),
            "{text}"
        );
        assert!(
            text.contains("2025-01-25  周六  休息日  周末休息"),
            "{text}"
        );
        assert!(text.ends_with("2025 年共 1 个工作日\n"), "{text}");
    }
}
