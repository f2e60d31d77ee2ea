//! Built-in holiday data for 2020–2026, transcribed from the 国务院办公厅
//! notices on 部分节假日安排 (one notice per year, plus the 2020 Spring
//! Festival extension).
//!
//! Each holiday period is listed as (name, first day, last day) exactly as the
//! notice states it, and each make-up working day (调休上班) with the holiday
//! under whose item the notice lists it. The data is cross-checked day by day
//! against the independent `chinese_holiday` crate in
//! `tests/calendar_crosscheck.rs`.

use std::collections::BTreeMap;

use time::Date;
use time::macros::date;

use super::CalendarYear;

/// One year as written in its notice.
struct YearSpec {
    year: i32,
    source: &'static str,
    /// (holiday name, first day off, last day off), inclusive.
    holidays: &'static [(&'static str, Date, Date)],
    /// (make-up working day, holiday it belongs to).
    makeup: &'static [(Date, &'static str)],
}

const YEARS: &[YearSpec] = &[
    YearSpec {
        year: 2020,
        source: "国务院办公厅关于2020年部分节假日安排的通知（国办发明电〔2019〕16号）；\
                 国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）：\
                 春节假期延长至2月2日，2月3日起正常上班，原定2月1日（星期六）上班随之取消",
        holidays: &[
            ("元旦", date!(2020 - 01 - 01), date!(2020 - 01 - 01)),
            // Originally 1/24–1/30; extended to 2/2 by 国办发明电〔2020〕1号.
            ("春节", date!(2020 - 01 - 24), date!(2020 - 02 - 02)),
            ("清明节", date!(2020 - 04 - 04), date!(2020 - 04 - 06)),
            ("劳动节", date!(2020 - 05 - 01), date!(2020 - 05 - 05)),
            ("端午节", date!(2020 - 06 - 25), date!(2020 - 06 - 27)),
            (
                "国庆节、中秋节",
                date!(2020 - 10 - 01),
                date!(2020 - 10 - 08),
            ),
        ],
        makeup: &[
            (date!(2020 - 01 - 19), "春节"),
            // 2020-02-01 was a make-up day in the original notice; the
            // extension turned it into a holiday.
            (date!(2020 - 04 - 26), "劳动节"),
            (date!(2020 - 05 - 09), "劳动节"),
            (date!(2020 - 06 - 28), "端午节"),
            (date!(2020 - 09 - 27), "国庆节、中秋节"),
            (date!(2020 - 10 - 10), "国庆节、中秋节"),
        ],
    },
    YearSpec {
        year: 2021,
        source: "国务院办公厅关于2021年部分节假日安排的通知（国办发明电〔2020〕27号）",
        holidays: &[
            ("元旦", date!(2021 - 01 - 01), date!(2021 - 01 - 03)),
            ("春节", date!(2021 - 02 - 11), date!(2021 - 02 - 17)),
            ("清明节", date!(2021 - 04 - 03), date!(2021 - 04 - 05)),
            ("劳动节", date!(2021 - 05 - 01), date!(2021 - 05 - 05)),
            ("端午节", date!(2021 - 06 - 12), date!(2021 - 06 - 14)),
            ("中秋节", date!(2021 - 09 - 19), date!(2021 - 09 - 21)),
            ("国庆节", date!(2021 - 10 - 01), date!(2021 - 10 - 07)),
        ],
        makeup: &[
            (date!(2021 - 02 - 07), "春节"),
            (date!(2021 - 02 - 20), "春节"),
            (date!(2021 - 04 - 25), "劳动节"),
            (date!(2021 - 05 - 08), "劳动节"),
            (date!(2021 - 09 - 18), "中秋节"),
            (date!(2021 - 09 - 26), "国庆节"),
            (date!(2021 - 10 - 09), "国庆节"),
        ],
    },
    YearSpec {
        year: 2022,
        source: "国务院办公厅关于2022年部分节假日安排的通知（国办发明电〔2021〕11号）；\
                 12月31日元旦放假见国务院办公厅关于2023年部分节假日安排的通知（国办发明电〔2022〕16号）",
        holidays: &[
            ("元旦", date!(2022 - 01 - 01), date!(2022 - 01 - 03)),
            ("春节", date!(2022 - 01 - 31), date!(2022 - 02 - 06)),
            ("清明节", date!(2022 - 04 - 03), date!(2022 - 04 - 05)),
            ("劳动节", date!(2022 - 04 - 30), date!(2022 - 05 - 04)),
            ("端午节", date!(2022 - 06 - 03), date!(2022 - 06 - 05)),
            ("中秋节", date!(2022 - 09 - 10), date!(2022 - 09 - 12)),
            ("国庆节", date!(2022 - 10 - 01), date!(2022 - 10 - 07)),
            // First day of 元旦 2023 (notice for 2023: 2022-12-31 to 2023-01-02).
            ("元旦", date!(2022 - 12 - 31), date!(2022 - 12 - 31)),
        ],
        makeup: &[
            (date!(2022 - 01 - 29), "春节"),
            (date!(2022 - 01 - 30), "春节"),
            (date!(2022 - 04 - 02), "清明节"),
            (date!(2022 - 04 - 24), "劳动节"),
            (date!(2022 - 05 - 07), "劳动节"),
            (date!(2022 - 10 - 08), "国庆节"),
            (date!(2022 - 10 - 09), "国庆节"),
        ],
    },
    YearSpec {
        year: 2023,
        source: "国务院办公厅关于2023年部分节假日安排的通知（国办发明电〔2022〕16号）；\
                 元旦假期自2022年12月31日起，该日计入2022年",
        holidays: &[
            ("元旦", date!(2023 - 01 - 01), date!(2023 - 01 - 02)),
            ("春节", date!(2023 - 01 - 21), date!(2023 - 01 - 27)),
            ("清明节", date!(2023 - 04 - 05), date!(2023 - 04 - 05)),
            ("劳动节", date!(2023 - 04 - 29), date!(2023 - 05 - 03)),
            ("端午节", date!(2023 - 06 - 22), date!(2023 - 06 - 24)),
            (
                "中秋节、国庆节",
                date!(2023 - 09 - 29),
                date!(2023 - 10 - 06),
            ),
        ],
        makeup: &[
            (date!(2023 - 01 - 28), "春节"),
            (date!(2023 - 01 - 29), "春节"),
            (date!(2023 - 04 - 23), "劳动节"),
            (date!(2023 - 05 - 06), "劳动节"),
            (date!(2023 - 06 - 25), "端午节"),
            (date!(2023 - 10 - 07), "中秋节、国庆节"),
            (date!(2023 - 10 - 08), "中秋节、国庆节"),
        ],
    },
    YearSpec {
        year: 2024,
        source: "国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号）",
        holidays: &[
            ("元旦", date!(2024 - 01 - 01), date!(2024 - 01 - 01)),
            ("春节", date!(2024 - 02 - 10), date!(2024 - 02 - 17)),
            ("清明节", date!(2024 - 04 - 04), date!(2024 - 04 - 06)),
            ("劳动节", date!(2024 - 05 - 01), date!(2024 - 05 - 05)),
            ("端午节", date!(2024 - 06 - 10), date!(2024 - 06 - 10)),
            ("中秋节", date!(2024 - 09 - 15), date!(2024 - 09 - 17)),
            ("国庆节", date!(2024 - 10 - 01), date!(2024 - 10 - 07)),
        ],
        makeup: &[
            (date!(2024 - 02 - 04), "春节"),
            (date!(2024 - 02 - 18), "春节"),
            (date!(2024 - 04 - 07), "清明节"),
            (date!(2024 - 04 - 28), "劳动节"),
            (date!(2024 - 05 - 11), "劳动节"),
            (date!(2024 - 09 - 14), "中秋节"),
            (date!(2024 - 09 - 29), "国庆节"),
            (date!(2024 - 10 - 12), "国庆节"),
        ],
    },
    YearSpec {
        year: 2025,
        source: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）",
        holidays: &[
            ("元旦", date!(2025 - 01 - 01), date!(2025 - 01 - 01)),
            ("春节", date!(2025 - 01 - 28), date!(2025 - 02 - 04)),
            ("清明节", date!(2025 - 04 - 04), date!(2025 - 04 - 06)),
            ("劳动节", date!(2025 - 05 - 01), date!(2025 - 05 - 05)),
            ("端午节", date!(2025 - 05 - 31), date!(2025 - 06 - 02)),
            (
                "国庆节、中秋节",
                date!(2025 - 10 - 01),
                date!(2025 - 10 - 08),
            ),
        ],
        makeup: &[
            (date!(2025 - 01 - 26), "春节"),
            (date!(2025 - 02 - 08), "春节"),
            (date!(2025 - 04 - 27), "劳动节"),
            (date!(2025 - 09 - 28), "国庆节、中秋节"),
            (date!(2025 - 10 - 11), "国庆节、中秋节"),
        ],
    },
    YearSpec {
        year: 2026,
        source: "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日印发）",
        holidays: &[
            ("元旦", date!(2026 - 01 - 01), date!(2026 - 01 - 03)),
            ("春节", date!(2026 - 02 - 15), date!(2026 - 02 - 23)),
            ("清明节", date!(2026 - 04 - 04), date!(2026 - 04 - 06)),
            ("劳动节", date!(2026 - 05 - 01), date!(2026 - 05 - 05)),
            ("端午节", date!(2026 - 06 - 19), date!(2026 - 06 - 21)),
            ("中秋节", date!(2026 - 09 - 25), date!(2026 - 09 - 27)),
            ("国庆节", date!(2026 - 10 - 01), date!(2026 - 10 - 07)),
        ],
        makeup: &[
            (date!(2026 - 01 - 04), "元旦"),
            (date!(2026 - 02 - 14), "春节"),
            (date!(2026 - 02 - 28), "春节"),
            (date!(2026 - 05 - 09), "劳动节"),
            // Listed under item 七 (国庆节) of the notice, although it falls
            // before 中秋节.
            (date!(2026 - 09 - 20), "国庆节"),
            (date!(2026 - 10 - 10), "国庆节"),
        ],
    },
];

/// The built-in years, in ascending order.
pub fn builtin_years() -> Vec<CalendarYear> {
    YEARS.iter().map(expand).collect()
}

/// First and last year of the built-in data.
pub const BUILTIN_RANGE: (i32, i32) = (2020, 2026);

fn expand(spec: &YearSpec) -> CalendarYear {
    let mut holidays = BTreeMap::new();
    for &(name, first, last) in spec.holidays {
        let mut d = Some(first);
        while let Some(day) = d.filter(|x| *x <= last) {
            holidays.insert(day, name.to_owned());
            d = day.next_day();
        }
    }
    let makeup_workdays = spec
        .makeup
        .iter()
        .map(|&(d, name)| (d, name.to_owned()))
        .collect();
    CalendarYear {
        year: spec.year,
        source: spec.source.to_owned(),
        holidays,
        makeup_workdays,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_year_validates() {
        let years = builtin_years();
        assert_eq!(years.len(), 7);
        for y in &years {
            y.validate().unwrap();
            assert!(!y.source.contains(' '), "{}", y.source);
        }
        let first = years.first().unwrap().year;
        let last = years.last().unwrap().year;
        assert_eq!((first, last), BUILTIN_RANGE);
    }

    #[test]
    fn the_2020_extension_makes_february_first_a_holiday_not_a_make_up_day() {
        let y = &builtin_years()[0];
        let feb1 = date!(2020 - 02 - 01);
        assert_eq!(y.holidays.get(&feb1).map(String::as_str), Some("春节"));
        assert!(!y.makeup_workdays.contains_key(&feb1));
        assert!(y.holidays.contains_key(&date!(2020 - 01 - 31)));
        assert!(y.holidays.contains_key(&date!(2020 - 02 - 02)));
        assert!(y.source.contains("国办发明电〔2020〕1号"));
    }

    #[test]
    fn new_year_2023_starting_on_2022_12_31_is_stored_under_2022() {
        let years = builtin_years();
        let y2022 = years.iter().find(|y| y.year == 2022).unwrap();
        assert_eq!(
            y2022
                .holidays
                .get(&date!(2022 - 12 - 31))
                .map(String::as_str),
            Some("元旦")
        );
    }
}
