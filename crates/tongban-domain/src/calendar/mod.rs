//! The statutory working-day calendar (工作日历).
//!
//! A date is a working day when it is Monday–Friday and not a public holiday,
//! or when it is a weekend day designated as a make-up working day (调休上班).
//! Holidays and make-up days come from the yearly 国务院办公厅 notices on
//! 部分节假日安排; the years 2020–2026 are built in ([`data`]), later years are
//! imported as JSON ([`CalendarYear::from_json`]). A date in a year without a
//! loaded calendar is always an explicit [`CalendarError::YearNotLoaded`]
//! error — the calendar never guesses.

pub mod clock;
pub mod data;
mod year;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Weekday};

pub use year::CalendarYear;

/// A number of working days (工作日).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct WorkingDays(pub u32);

impl WorkingDays {
    pub const fn new(n: u32) -> Self {
        WorkingDays(n)
    }

    pub const fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for WorkingDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} 个工作日", self.0)
    }
}

/// Why a day is, or is not, a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayReason {
    /// An ordinary Monday–Friday.
    Weekday,
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A public holiday; the holiday's name (e.g. "国庆节").
    Holiday(String),
    /// A weekend day worked in exchange; the holiday it makes up for.
    MakeupWorkday(String),
}

/// Classification of one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayInfo {
    pub date: Date,
    pub working: bool,
    pub reason: DayReason,
}

impl DayInfo {
    /// Short Chinese description: "工作日", "周末休息", "国庆节 放假", "调休上班（春节）".
    pub fn describe_zh(&self) -> String {
        match &self.reason {
            DayReason::Weekday => "工作日".to_owned(),
            DayReason::Weekend => "周末休息".to_owned(),
            DayReason::Holiday(name) => format!("{name} 放假"),
            DayReason::MakeupWorkday(name) => format!("调休上班（{name}）"),
        }
    }
}

/// Errors of calendar lookups, arithmetic and imports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// No calendar is loaded for this year.
    #[error("{0} 年的工作日历尚未导入，请管理员先导入国务院办公厅放假安排")]
    YearNotLoaded(i32),
    /// The year's data is inconsistent.
    #[error("{year} 年工作日历数据有误：{reason}")]
    Invalid { year: i32, reason: String },
    /// The JSON text could not be read.
    #[error("工作日历文件格式错误：{0}")]
    Json(String),
    /// Date arithmetic left the representable range.
    #[error("日期超出可计算范围")]
    DateOutOfRange,
}

impl CalendarError {
    /// Stable machine-readable code of the error kind.
    pub fn code(&self) -> &'static str {
        match self {
            Self::YearNotLoaded(_) => "calendar.year_not_loaded",
            Self::Invalid { .. } => "calendar.invalid",
            Self::Json(_) => "calendar.json",
            Self::DateOutOfRange => "calendar.date_out_of_range",
        }
    }
}

/// `true` for Saturday and Sunday.
pub(crate) fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The day after `d`, or [`CalendarError::DateOutOfRange`].
pub(crate) fn next_day(d: Date) -> Result<Date, CalendarError> {
    d.next_day().ok_or(CalendarError::DateOutOfRange)
}

/// A set of loaded calendar years.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkCalendar {
    years: BTreeMap<i32, CalendarYear>,
}

impl WorkCalendar {
    /// The built-in years 2020–2026 from the State Council notices.
    pub fn builtin() -> WorkCalendar {
        let years = data::builtin_years()
            .into_iter()
            .map(|y| (y.year, y))
            .collect();
        WorkCalendar { years }
    }

    /// A calendar with no year loaded.
    pub fn empty() -> WorkCalendar {
        WorkCalendar::default()
    }

    /// Validates `y` and loads it, replacing any data for that year.
    pub fn insert_year(&mut self, y: CalendarYear) -> Result<(), CalendarError> {
        y.validate()?;
        self.years.insert(y.year, y);
        Ok(())
    }

    /// Loaded years in ascending order.
    pub fn years(&self) -> impl Iterator<Item = &CalendarYear> {
        self.years.values()
    }

    /// The loaded data for year `y`, if any.
    pub fn year(&self, y: i32) -> Option<&CalendarYear> {
        self.years.get(&y)
    }

    /// Classifies a date; errors if its year is not loaded.
    pub fn day_info(&self, d: Date) -> Result<DayInfo, CalendarError> {
        let y = self
            .years
            .get(&d.year())
            .ok_or(CalendarError::YearNotLoaded(d.year()))?;
        let (working, reason) = if let Some(name) = y.holidays.get(&d) {
            (false, DayReason::Holiday(name.clone()))
        } else if let Some(name) = y.makeup_workdays.get(&d) {
            (true, DayReason::MakeupWorkday(name.clone()))
        } else if is_weekend(d) {
            (false, DayReason::Weekend)
        } else {
            (true, DayReason::Weekday)
        };
        Ok(DayInfo {
            date: d,
            working,
            reason,
        })
    }

    /// `true` if `d` is a working day; errors if its year is not loaded.
    pub fn is_working_day(&self, d: Date) -> Result<bool, CalendarError> {
        let y = self
            .years
            .get(&d.year())
            .ok_or(CalendarError::YearNotLoaded(d.year()))?;
        Ok(y.is_working_day(d))
    }

    /// Every day of year `y`, January 1 to December 31.
    pub fn year_days(&self, y: i32) -> Result<Vec<DayInfo>, CalendarError> {
        if !self.years.contains_key(&y) {
            return Err(CalendarError::YearNotLoaded(y));
        }
        let mut d = Date::from_ordinal_date(y, 1).map_err(|_| CalendarError::DateOutOfRange)?;
        let mut out = Vec::with_capacity(366);
        while d.year() == y {
            out.push(self.day_info(d)?);
            match d.next_day() {
                Some(n) => d = n,
                None => break,
            }
        }
        Ok(out)
    }

    /// The date `n` working days after `start`; `start` itself is not counted
    /// and `n = 0` returns `start`. Errors with `YearNotLoaded` when `start`,
    /// or any day the count runs through, lies in a year that is not loaded.
    pub fn add_working_days(&self, start: Date, n: WorkingDays) -> Result<Date, CalendarError> {
        self.is_working_day(start)?;
        let mut d = start;
        let mut left = n.get();
        while left > 0 {
            d = next_day(d)?;
            if self.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// Number of working days in `(start, end]`; zero when `end <= start`.
    pub fn working_days_between(
        &self,
        start: Date,
        end: Date,
    ) -> Result<WorkingDays, CalendarError> {
        let mut count = 0u32;
        let mut d = start;
        while d < end {
            d = next_day(d)?;
            if self.is_working_day(d)? {
                count += 1;
            }
        }
        Ok(WorkingDays(count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn describe_zh_uses_the_agreed_wording() {
        let cal = WorkCalendar::builtin();
        let text = |d| cal.day_info(d).unwrap().describe_zh();
        assert_eq!(text(date!(2025 - 10 - 09)), "工作日");
        assert_eq!(text(date!(2025 - 10 - 12)), "周末休息");
        assert_eq!(text(date!(2025 - 10 - 03)), "国庆节、中秋节 放假");
        assert_eq!(text(date!(2025 - 01 - 26)), "调休上班（春节）");
    }

    #[test]
    fn a_date_in_an_unloaded_year_is_an_explicit_error() {
        let cal = WorkCalendar::builtin();
        let e = cal.is_working_day(date!(2027 - 01 - 04)).unwrap_err();
        assert_eq!(e, CalendarError::YearNotLoaded(2027));
        assert_eq!(
            e.to_string(),
            "2027 年的工作日历尚未导入，请管理员先导入国务院办公厅放假安排"
        );
        assert_eq!(e.code(), "calendar.year_not_loaded");
        assert!(
            WorkCalendar::empty()
                .day_info(date!(2025 - 01 - 02))
                .is_err()
        );
        assert!(cal.year_days(2019).is_err());
    }

    #[test]
    fn adding_working_days_past_the_last_loaded_year_fails_instead_of_guessing() {
        let cal = WorkCalendar::builtin();
        let e = cal
            .add_working_days(date!(2026 - 12 - 15), WorkingDays::new(20))
            .unwrap_err();
        assert_eq!(e, CalendarError::YearNotLoaded(2027));
    }

    #[test]
    fn adding_zero_working_days_returns_the_start_even_on_a_holiday() {
        let cal = WorkCalendar::builtin();
        let d = date!(2025 - 10 - 01);
        assert_eq!(cal.add_working_days(d, WorkingDays::new(0)).unwrap(), d);
    }

    #[test]
    fn working_days_between_counts_the_half_open_interval() {
        let cal = WorkCalendar::builtin();
        let a = date!(2025 - 09 - 26);
        assert_eq!(cal.working_days_between(a, a).unwrap(), WorkingDays(0));
        assert_eq!(
            cal.working_days_between(a, date!(2025 - 09 - 01)).unwrap(),
            WorkingDays(0)
        );
        // 9/28 (make-up Sunday), 9/29, 9/30; 10/1–10/8 off.
        assert_eq!(
            cal.working_days_between(a, date!(2025 - 10 - 08)).unwrap(),
            WorkingDays(3)
        );
    }

    #[test]
    fn year_days_lists_every_day_of_the_year() {
        let cal = WorkCalendar::builtin();
        assert_eq!(cal.year_days(2024).unwrap().len(), 366);
        assert_eq!(cal.year_days(2025).unwrap().len(), 365);
    }

    #[test]
    fn working_days_display_in_chinese() {
        assert_eq!(WorkingDays::new(20).to_string(), "20 个工作日");
        assert_eq!(WorkingDays::new(7).get(), 7);
    }
}
