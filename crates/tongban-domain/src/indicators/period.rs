//! Reporting periods (ISO week, month, quarter, year) and the dimensions indicators are
//! grouped by.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, Weekday};

/// How long a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Week,
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 4] = [
        PeriodKind::Week,
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Year,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }

    pub fn parse(code: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            PeriodKind::Week => "周",
            PeriodKind::Month => "月",
            PeriodKind::Quarter => "季度",
            PeriodKind::Year => "年",
        }
    }
}

/// A reporting period: its first and last day (both included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub first: Date,
    pub last: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("统计周期格式不正确：{0}（应为 2026、2026-Q2、2026-05 或 2026-W05）")]
pub struct PeriodError(pub String);

fn quarter_of(month: Month) -> u8 {
    (u8::from(month) - 1) / 3 + 1
}

impl Period {
    /// The period of `kind` that contains `day`.
    pub fn containing(kind: PeriodKind, day: Date) -> Period {
        let (first, last) = match kind {
            PeriodKind::Week => {
                let back = i64::from(day.weekday().number_days_from_monday());
                let first = day - Duration::days(back);
                (first, first + Duration::days(6))
            }
            PeriodKind::Month => {
                let first = day.replace_day(1).unwrap_or(day);
                (first, last_of_month(day.year(), day.month()))
            }
            PeriodKind::Quarter => {
                let q = quarter_of(day.month());
                let first_month = Month::try_from(3 * q - 2).unwrap_or(Month::January);
                let last_month = Month::try_from(3 * q).unwrap_or(Month::December);
                let first = Date::from_calendar_date(day.year(), first_month, 1).unwrap_or(day);
                (first, last_of_month(day.year(), last_month))
            }
            PeriodKind::Year => {
                let first = Date::from_calendar_date(day.year(), Month::January, 1).unwrap_or(day);
                let last = Date::from_calendar_date(day.year(), Month::December, 31).unwrap_or(day);
                (first, last)
            }
        };
        Period { kind, first, last }
    }

    /// Reads `2026`, `2026-Q2`, `2026-05` or `2026-W05` (ISO week).
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let bad = || PeriodError(text.to_string());
        let t = text.trim();
        let (year_text, rest) = match t.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (t, None),
        };
        if year_text.len() != 4 {
            return Err(bad());
        }
        let year: i32 = year_text.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&year) {
            return Err(bad());
        }
        let jan1 = Date::from_calendar_date(year, Month::January, 1).map_err(|_| bad())?;
        match rest {
            None => Ok(Period::containing(PeriodKind::Year, jan1)),
            Some(r) if r.starts_with('Q') => {
                let q: u8 = r[1..].parse().map_err(|_| bad())?;
                if !(1..=4).contains(&q) || r.len() != 2 {
                    return Err(bad());
                }
                let m = Month::try_from(3 * q - 2).map_err(|_| bad())?;
                let d = Date::from_calendar_date(year, m, 1).map_err(|_| bad())?;
                Ok(Period::containing(PeriodKind::Quarter, d))
            }
            Some(r) if r.starts_with('W') => {
                if r.len() != 3 {
                    return Err(bad());
                }
                let w: u8 = r[1..].parse().map_err(|_| bad())?;
                let monday =
                    Date::from_iso_week_date(year, w, Weekday::Monday).map_err(|_| bad())?;
                Ok(Period::containing(PeriodKind::Week, monday))
            }
            Some(r) => {
                if r.len() != 2 {
                    return Err(bad());
                }
                let m: u8 = r.parse().map_err(|_| bad())?;
                let m = Month::try_from(m).map_err(|_| bad())?;
                let d = Date::from_calendar_date(year, m, 1).map_err(|_| bad())?;
                Ok(Period::containing(PeriodKind::Month, d))
            }
        }
    }

    /// The text `parse` reads back.
    pub fn code(&self) -> String {
        match self.kind {
            PeriodKind::Week => {
                let (y, w, _) = self.first.to_iso_week_date();
                format!("{y}-W{w:02}")
            }
            PeriodKind::Month => {
                format!("{}-{:02}", self.first.year(), u8::from(self.first.month()))
            }
            PeriodKind::Quarter => {
                format!("{}-Q{}", self.first.year(), quarter_of(self.first.month()))
            }
            PeriodKind::Year => format!("{}", self.first.year()),
        }
    }

    /// "2026年第5周", "2026年5月", "2026年第2季度", "2026年".
    pub fn name_zh(&self) -> String {
        match self.kind {
            PeriodKind::Week => {
                let (y, w, _) = self.first.to_iso_week_date();
                format!("{y}年第{w}周")
            }
            PeriodKind::Month => {
                format!("{}年{}月", self.first.year(), u8::from(self.first.month()))
            }
            PeriodKind::Quarter => format!(
                "{}年第{}季度",
                self.first.year(),
                quarter_of(self.first.month())
            ),
            PeriodKind::Year => format!("{}年", self.first.year()),
        }
    }

    /// The period of the same kind just before this one.
    pub fn previous(&self) -> Period {
        Period::containing(self.kind, self.first - Duration::days(1))
    }

    pub fn contains(&self, day: Date) -> bool {
        self.first <= day && day <= self.last
    }
}

fn last_of_month(year: i32, month: Month) -> Date {
    let next_first = if month == Month::December {
        Date::from_calendar_date(year + 1, Month::January, 1)
    } else {
        Date::from_calendar_date(year, month.next(), 1)
    };
    match next_first {
        Ok(d) => d - Duration::days(1),
        Err(_) => Date::MAX,
    }
}

/// What indicators are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Department,
    County,
    Township,
    Hall,
    Item,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::Department,
        Dimension::County,
        Dimension::Township,
        Dimension::Hall,
        Dimension::Item,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Dimension::Department => "department",
            Dimension::County => "county",
            Dimension::Township => "township",
            Dimension::Hall => "hall",
            Dimension::Item => "item",
        }
    }

    pub fn parse(code: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Dimension::Department => "部门",
            Dimension::County => "县（区）",
            Dimension::Township => "乡镇（街道）",
            Dimension::Hall => "服务大厅",
            Dimension::Item => "事项",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn periods_are_read_and_written_back_the_same() {
        for text in [
            "2026", "2026-Q2", "2026-05", "2026-W05", "2026-W53", "2020-W53",
        ] {
            assert_eq!(Period::parse(text).unwrap().code(), text);
        }
        assert!(
            Period::parse("2025-W53").is_err(),
            "2025 began on a Wednesday and is not a leap year: 52 ISO weeks"
        );
        assert!(Period::parse("2026-13").is_err());
        assert!(Period::parse("2026-Q5").is_err());
        assert!(Period::parse("26").is_err());
    }

    #[test]
    fn a_quarter_runs_from_its_first_month_to_the_end_of_its_third() {
        let q = Period::parse("2026-Q1").unwrap();
        assert_eq!(
            (q.first, q.last),
            (date!(2026 - 01 - 01), date!(2026 - 03 - 31))
        );
        assert_eq!(q.name_zh(), "2026年第1季度");
        assert_eq!(q.previous().code(), "2025-Q4");
    }

    #[test]
    fn an_iso_week_starts_on_monday_and_may_belong_to_the_previous_year() {
        let w = Period::containing(PeriodKind::Week, date!(2026 - 01 - 01));
        assert_eq!(w.first, date!(2025 - 12 - 29));
        assert_eq!(w.code(), "2026-W01");
    }

    proptest! {
        #[test]
        fn every_day_lies_in_exactly_its_periods_and_periods_tile_the_calendar(
            days in 0i64..3650, kind in 0usize..4
        ) {
            let kind = PeriodKind::ALL[kind];
            let day = date!(2020 - 01 - 01) + Duration::days(days);
            let p = Period::containing(kind, day);
            prop_assert!(p.contains(day));
            prop_assert_eq!(Period::parse(&p.code()).unwrap(), p);
            prop_assert_eq!(p.previous().last + Duration::days(1), p.first);
        }
    }
}
