//! Property tests of working-day arithmetic and the deadline clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration};
use tongban_domain::{DeadlineClock, Pause, WorkCalendar, WorkingDays};

/// Any date in 2020–2025 (so that +60 working days stays within 2026).
fn date_2020_2025() -> impl Strategy<Value = Date> {
    let start = date!(2020 - 01 - 01);
    let days = (date!(2025 - 12 - 31) - start).whole_days();
    (0..=days).prop_map(move |n| start + Duration::days(n))
}

/// Any working day in 2020–2025.
fn working_day() -> impl Strategy<Value = Date> {
    date_2020_2025().prop_filter("working day", |d| {
        WorkCalendar::builtin().is_working_day(*d).unwrap()
    })
}

fn wd(n: u32) -> WorkingDays {
    WorkingDays::new(n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn counting_back_the_working_days_added_gives_n(d in working_day(), n in 0u32..=60) {
        let cal = WorkCalendar::builtin();
        let end = cal.add_working_days(d, wd(n)).unwrap();
        prop_assert_eq!(cal.working_days_between(d, end).unwrap(), wd(n));
    }

    #[test]
    fn adding_at_least_one_working_day_lands_on_a_working_day(d in date_2020_2025(), n in 1u32..=60) {
        let cal = WorkCalendar::builtin();
        let end = cal.add_working_days(d, wd(n)).unwrap();
        prop_assert!(cal.is_working_day(end).unwrap());
        prop_assert!(end > d);
    }

    #[test]
    fn adding_working_days_is_strictly_monotonic_in_n(d in date_2020_2025(), n in 0u32..=59) {
        let cal = WorkCalendar::builtin();
        let a = cal.add_working_days(d, wd(n)).unwrap();
        let b = cal.add_working_days(d, wd(n + 1)).unwrap();
        prop_assert!(a < b);
    }

    #[test]
    fn a_pause_ending_where_it_starts_changes_nothing(
        d in date_2020_2025(), n in 0u32..=60, offset in 0i64..=90,
    ) {
        let cal = WorkCalendar::builtin();
        let plain = DeadlineClock::new(d, wd(n));
        let mut paused = plain.clone();
        let from = d + Duration::days(offset);
        paused.pauses.push(Pause { from, until: Some(from), reason: "补正".into() });
        prop_assert_eq!(
            paused.due_date(&cal).unwrap().date(),
            plain.due_date(&cal).unwrap().date()
        );
    }

    #[test]
    fn a_pause_before_the_due_date_extends_it_by_the_working_days_paused(
        d in date_2020_2025(), n in 1u32..=40, start in 0i64..=60, len in 0i64..=40,
    ) {
        let cal = WorkCalendar::builtin();
        let plain = DeadlineClock::new(d, wd(n));
        let due = plain.due_date(&cal).unwrap().date().unwrap();
        let from = d + Duration::days(start);
        prop_assume!(from < due);
        let until = from + Duration::days(len);
        let paused_days = cal.working_days_between(from, until).unwrap();
        let mut paused = plain.clone();
        paused.pauses.push(Pause { from, until: Some(until), reason: "补正".into() });
        let new_due = paused.due_date(&cal).unwrap().date().unwrap();
        prop_assert_eq!(new_due, cal.add_working_days(due, paused_days).unwrap());
        if paused_days.get() > 0 {
            prop_assert!(new_due > due);
        }
    }

    #[test]
    fn the_clock_without_pauses_agrees_with_add_working_days(
        d in date_2020_2025(), n in 0u32..=40, ext in 0u32..=20,
    ) {
        let cal = WorkCalendar::builtin();
        let mut c = DeadlineClock::new(d, wd(n));
        c.extension = wd(ext);
        prop_assert_eq!(
            c.due_date(&cal).unwrap().date(),
            Some(cal.add_working_days(d, wd(n + ext)).unwrap())
        );
        let due = c.due_date(&cal).unwrap().date().unwrap();
        prop_assert_eq!(c.remaining_as_of(&cal, due).unwrap(), 0);
    }

    #[test]
    fn an_open_pause_reports_used_plus_remaining_equal_to_the_limit(
        d in date_2020_2025(), n in 1u32..=40, start in 0i64..=60,
    ) {
        let cal = WorkCalendar::builtin();
        let plain = DeadlineClock::new(d, wd(n));
        let due = plain.due_date(&cal).unwrap().date().unwrap();
        let from = d + Duration::days(start);
        prop_assume!(from < due);
        let mut c = plain.clone();
        c.pauses.push(Pause { from, until: None, reason: "特别程序".into() });
        match c.due_date(&cal).unwrap() {
            tongban_domain::DueDate::Paused { since, used, remaining, .. } => {
                prop_assert_eq!(since, from);
                prop_assert_eq!(used.get() + remaining.get(), n);
                prop_assert_eq!(used, c.used_as_of(&cal, from).unwrap());
            }
            other => prop_assert!(false, "expected paused, got {:?}", other),
        }
    }
}
