//! One year of holiday data (`CalendarYear`): validation and the JSON import format.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;
use time::Date;
use time::macros::format_description;

use super::{CalendarError, is_weekend};

/// One calendar year of holiday arrangements, as published by the State Council.
///
/// # JSON format (`tongban calendar import FILE`)
///
/// ```json
/// {
///   "year": 2027,
///   "source": "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）",
///   "holidays": [{"date": "2027-01-01", "name": "元旦"}],
///   "makeup_workdays": [{"date": "2027-02-06", "name": "春节"}]
/// }
/// ```
///
/// * `year`: the calendar year every date belongs to;
/// * `source`: the notice the data comes from (non-empty);
/// * `holidays`: every day off (放假) that is a holiday, including those that
///   fall on a weekend, with the holiday's name as the notice writes it
///   (e.g. "国庆节、中秋节");
/// * `makeup_workdays`: every weekend day that is worked (调休上班), with the
///   name of the holiday it belongs to.
///
/// Dates are `YYYY-MM-DD`; unknown fields are rejected. A holiday period that
/// spills into the neighbouring year (e.g. 元旦 2023 starting 2022-12-31) is
/// stored under the year in which each date falls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarYear {
    pub year: i32,
    pub source: String,
    pub holidays: BTreeMap<Date, String>,
    pub makeup_workdays: BTreeMap<Date, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearJson {
    year: i32,
    source: String,
    holidays: Vec<DayJson>,
    makeup_workdays: Vec<DayJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DayJson {
    date: String,
    name: String,
}

impl CalendarYear {
    /// `true` if `d` (assumed to lie in this year) is a working day.
    pub fn is_working_day(&self, d: Date) -> bool {
        if self.holidays.contains_key(&d) {
            false
        } else {
            self.makeup_workdays.contains_key(&d) || !is_weekend(d)
        }
    }

    /// Number of working days in the year.
    pub fn working_day_count(&self) -> u32 {
        let mut n = 0;
        let mut d = Date::from_ordinal_date(self.year, 1).ok();
        while let Some(day) = d.filter(|x| x.year() == self.year) {
            if self.is_working_day(day) {
                n += 1;
            }
            d = day.next_day();
        }
        n
    }

    /// Checks internal consistency: every date inside `year`, no date both a
    /// holiday and a make-up day, make-up days on Saturday/Sunday, names and
    /// source non-empty.
    pub fn validate(&self) -> Result<(), CalendarError> {
        let invalid = |reason: String| CalendarError::Invalid {
            year: self.year,
            reason,
        };
        if self.source.trim().is_empty() {
            return Err(invalid("未注明数据来源（放假安排通知名称及文号）".into()));
        }
        for (d, name) in &self.holidays {
            if d.year() != self.year {
                return Err(invalid(format!("放假日期 {d} 不属于 {} 年", self.year)));
            }
            if name.trim().is_empty() {
                return Err(invalid(format!("放假日期 {d} 缺少节日名称")));
            }
            if self.makeup_workdays.contains_key(d) {
                return Err(invalid(format!("{d} 同时被列为放假日和调休上班日")));
            }
        }
        for (d, name) in &self.makeup_workdays {
            if d.year() != self.year {
                return Err(invalid(format!("调休上班日期 {d} 不属于 {} 年", self.year)));
            }
            if name.trim().is_empty() {
                return Err(invalid(format!("调休上班日期 {d} 缺少所属节日名称")));
            }
            if !is_weekend(*d) {
                return Err(invalid(format!(
                    "调休上班日期 {d} 是{}，调休上班日只能是周六或周日",
                    weekday_zh(*d)
                )));
            }
        }
        Ok(())
    }

    /// Reads the JSON import format (see the type docs) and validates it.
    pub fn from_json(text: &str) -> Result<CalendarYear, CalendarError> {
        let raw: YearJson =
            serde_json::from_str(text).map_err(|e| CalendarError::Json(e.to_string()))?;
        let year = raw.year;
        let holidays = collect_days(year, raw.holidays, "放假")?;
        let makeup_workdays = collect_days(year, raw.makeup_workdays, "调休上班")?;
        let y = CalendarYear {
            year,
            source: raw.source,
            holidays,
            makeup_workdays,
        };
        y.validate()?;
        Ok(y)
    }

    /// Writes the JSON import format (pretty-printed, dates ascending).
    pub fn to_json(&self) -> String {
        let days = |m: &BTreeMap<Date, String>| {
            m.iter()
                .map(|(d, n)| json!({"date": d.to_string(), "name": n}))
                .collect::<Vec<_>>()
        };
        let v = json!({
            "year": self.year,
            "source": self.source,
            "holidays": days(&self.holidays),
            "makeup_workdays": days(&self.makeup_workdays),
        });
        format!("{v:#}")
    }
}

fn collect_days(
    year: i32,
    days: Vec<DayJson>,
    what: &str,
) -> Result<BTreeMap<Date, String>, CalendarError> {
    let fmt = format_description!("[year]-[month]-[day]");
    let mut out = BTreeMap::new();
    for day in days {
        let date = Date::parse(day.date.trim(), &fmt).map_err(|_| {
            CalendarError::Json(format!(
                "{what}日期“{}”无效，应为 YYYY-MM-DD 格式的真实日期",
                day.date
            ))
        })?;
        if out.insert(date, day.name).is_some() {
            return Err(CalendarError::Invalid {
                year,
                reason: format!("{what}日期 {date} 重复出现"),
            });
        }
    }
    Ok(out)
}

fn weekday_zh(d: Date) -> &'static str {
    use time::Weekday::*;
    match d.weekday() {
        Monday => "周一",
        Tuesday => "周二",
        Wednesday => "周三",
        Thursday => "周四",
        Friday => "周五",
        Saturday => "周六",
        Sunday => "周日",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const SAMPLE: &str = r#"{"year":2027,"source":"测试通知","holidays":[{"date":"2027-01-01","name":"元旦"}],"makeup_workdays":[{"date":"2027-02-06","name":"春节"}]}"#;

    #[test]
    fn the_documented_json_example_parses() {
        let y = CalendarYear::from_json(SAMPLE).unwrap();
        assert_eq!(y.year, 2027);
        assert_eq!(y.holidays.get(&date!(2027 - 01 - 01)).unwrap(), "元旦");
        assert_eq!(
            y.makeup_workdays.get(&date!(2027 - 02 - 06)).unwrap(),
            "春节"
        );
    }

    #[test]
    fn json_round_trips() {
        let y = CalendarYear::from_json(SAMPLE).unwrap();
        assert_eq!(CalendarYear::from_json(&y.to_json()).unwrap(), y);
    }

    #[test]
    fn a_make_up_day_on_a_weekday_is_rejected() {
        let text = SAMPLE.replace("2027-02-06", "2027-02-08");
        let e = CalendarYear::from_json(&text).unwrap_err();
        assert_eq!(e.code(), "calendar.invalid");
        assert!(e.to_string().contains("周一"), "{e}");
    }

    #[test]
    fn a_date_outside_the_year_is_rejected() {
        let text = SAMPLE.replace("2027-01-01", "2026-12-31");
        assert_eq!(
            CalendarYear::from_json(&text).unwrap_err().code(),
            "calendar.invalid"
        );
    }

    #[test]
    fn a_date_both_off_and_worked_is_rejected() {
        let text = SAMPLE.replace("2027-01-01", "2027-02-06");
        let e = CalendarYear::from_json(&text).unwrap_err();
        assert!(e.to_string().contains("同时"), "{e}");
    }

    #[test]
    fn an_empty_holiday_name_is_rejected() {
        let text = SAMPLE.replace("\"元旦\"", "\" \"");
        assert_eq!(
            CalendarYear::from_json(&text).unwrap_err().code(),
            "calendar.invalid"
        );
    }

    #[test]
    fn malformed_json_and_dates_are_json_errors() {
        assert_eq!(
            CalendarYear::from_json("{").unwrap_err().code(),
            "calendar.json"
        );
        let text = SAMPLE.replace("2027-01-01", "2027-02-30");
        assert_eq!(
            CalendarYear::from_json(&text).unwrap_err().code(),
            "calendar.json"
        );
        let text = SAMPLE.replace("\"source\"", "\"sauce\"");
        assert_eq!(
            CalendarYear::from_json(&text).unwrap_err().code(),
            "calendar.json"
        );
    }

    #[test]
    fn a_repeated_date_is_rejected() {
        let text = SAMPLE.replace(
            r#"[{"date":"2027-01-01","name":"元旦"}]"#,
            r#"[{"date":"2027-01-01","name":"元旦"},{"date":"2027-01-01","name":"元旦"}]"#,
        );
        assert!(
            CalendarYear::from_json(&text)
                .unwrap_err()
                .to_string()
                .contains("重复")
        );
    }
}
