//! Calendar acceptance rules: yearly working-day counts and statutory due dates.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use time::Date;
use time::macros::date;
use tongban_domain::calendar::data::BUILTIN_RANGE;
use tongban_domain::{CalendarYear, DayReason, WorkCalendar, WorkingDays};

fn add(cal: &WorkCalendar, d: Date, n: u32) -> Date {
    cal.add_working_days(d, WorkingDays::new(n)).unwrap()
}

fn working_days_in(cal: &WorkCalendar, y: i32) -> usize {
    cal.year_days(y)
        .unwrap()
        .iter()
        .filter(|d| d.working)
        .count()
}

#[test]
fn years_2025_and_2026_each_have_248_working_days() {
    let cal = WorkCalendar::builtin();
    assert_eq!(working_days_in(&cal, 2025), 248);
    assert_eq!(working_days_in(&cal, 2026), 248);
    assert_eq!(cal.year(2025).unwrap().working_day_count(), 248);
}

#[test]
fn every_builtin_year_has_the_working_day_count_its_notice_implies() {
    // Weekdays minus weekday holidays plus make-up days, per notice; the
    // expected numbers were computed separately with Python's datetime.
    let cal = WorkCalendar::builtin();
    let counts: Vec<(i32, usize)> = (BUILTIN_RANGE.0..=BUILTIN_RANGE.1)
        .map(|y| (y, working_days_in(&cal, y)))
        .collect();
    assert_eq!(
        counts,
        [
            (2020, 249),
            (2021, 250),
            (2022, 249),
            (2023, 249),
            (2024, 251),
            (2025, 248),
            (2026, 248)
        ]
    );
}

#[test]
fn accepted_friday_2025_09_26_is_due_on_10_30_after_20_and_11_13_after_30() {
    let cal = WorkCalendar::builtin();
    assert_eq!(add(&cal, date!(2025 - 09 - 26), 20), date!(2025 - 10 - 30));
    assert_eq!(add(&cal, date!(2025 - 09 - 26), 30), date!(2025 - 11 - 13));
}

#[test]
fn accepted_tuesday_2026_02_10_is_due_on_03_16_after_20_and_03_30_after_30() {
    let cal = WorkCalendar::builtin();
    assert_eq!(add(&cal, date!(2026 - 02 - 10), 20), date!(2026 - 03 - 16));
    assert_eq!(add(&cal, date!(2026 - 02 - 10), 30), date!(2026 - 03 - 30));
}

#[test]
fn accepted_monday_2025_01_20_is_due_on_02_21_after_20_and_03_07_after_30() {
    let cal = WorkCalendar::builtin();
    assert_eq!(add(&cal, date!(2025 - 01 - 20), 20), date!(2025 - 02 - 21));
    assert_eq!(add(&cal, date!(2025 - 01 - 20), 30), date!(2025 - 03 - 07));
}

#[test]
fn the_2020_spring_festival_extension_is_honoured() {
    let cal = WorkCalendar::builtin();
    for d in [
        date!(2020 - 01 - 31),
        date!(2020 - 02 - 01),
        date!(2020 - 02 - 02),
    ] {
        let info = cal.day_info(d).unwrap();
        assert!(!info.working, "{d}");
        assert_eq!(info.reason, DayReason::Holiday("春节".into()));
    }
    assert!(cal.is_working_day(date!(2020 - 02 - 03)).unwrap());
}

#[test]
fn new_year_2023_holiday_starts_on_2022_12_31() {
    let cal = WorkCalendar::builtin();
    let info = cal.day_info(date!(2022 - 12 - 31)).unwrap();
    assert_eq!(info.reason, DayReason::Holiday("元旦".into()));
    assert!(!cal.is_working_day(date!(2023 - 01 - 02)).unwrap());
}

#[test]
fn importing_a_year_extends_the_calendar_and_replaces_existing_data() {
    let mut cal = WorkCalendar::builtin();
    assert!(cal.is_working_day(date!(2027 - 01 - 04)).is_err());
    let y = CalendarYear::from_json(
        r#"{"year":2027,"source":"测试","holidays":[{"date":"2027-01-01","name":"元旦"}],"makeup_workdays":[]}"#,
    )
    .unwrap();
    cal.insert_year(y).unwrap();
    assert!(cal.is_working_day(date!(2027 - 01 - 04)).unwrap());
    assert_eq!(cal.years().count(), 8);
    // Crossing into the imported year now works.
    assert_eq!(add(&cal, date!(2026 - 12 - 31), 1), date!(2027 - 01 - 04));

    let mut y2025 = cal.year(2025).unwrap().clone();
    y2025.makeup_workdays.clear();
    cal.insert_year(y2025).unwrap();
    assert!(!cal.is_working_day(date!(2025 - 01 - 26)).unwrap());
}

#[test]
fn inserting_an_invalid_year_is_refused_and_keeps_the_old_data() {
    let mut cal = WorkCalendar::builtin();
    let mut y = cal.year(2025).unwrap().clone();
    y.makeup_workdays
        .insert(date!(2025 - 03 - 03), "春节".into());
    assert_eq!(cal.insert_year(y).unwrap_err().code(), "calendar.invalid");
    assert!(cal.day_info(date!(2025 - 01 - 26)).unwrap().working);
}

#[test]
fn builtin_years_round_trip_through_json() {
    for y in WorkCalendar::builtin().years() {
        assert_eq!(&CalendarYear::from_json(&y.to_json()).unwrap(), y);
    }
}
