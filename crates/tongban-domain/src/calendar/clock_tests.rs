//! Unit tests for the deadline clock: due dates, pauses, extensions and the explanation.

use super::*;
use time::macros::date;

fn cal() -> WorkCalendar {
    WorkCalendar::builtin()
}

fn clock(accepted: Date, limit: u32) -> DeadlineClock {
    DeadlineClock::new(accepted, WorkingDays::new(limit))
}

fn pause(from: Date, until: Option<Date>, reason: &str) -> Pause {
    Pause {
        from,
        until,
        reason: reason.into(),
    }
}

#[test]
fn twenty_working_days_across_the_2025_national_day_holiday() {
    let due = clock(date!(2025 - 09 - 26), 20).due_date(&cal()).unwrap();
    assert_eq!(due.date(), Some(date!(2025 - 10 - 30)));
    assert_eq!(
        due.steps(),
        [
            "2025-09-26 受理（当日不计入）",
            "办理时限 20 个工作日",
            "2025-09-28 调休上班，计第1个工作日",
            "2025-10-01 至 2025-10-08 国庆节、中秋节放假，不计",
            "2025-10-11 调休上班，计第6个工作日",
            "2025-10-30 为第20个工作日，办理期限届满",
        ]
    );
}

#[test]
fn a_closed_pause_is_explained_and_shifts_the_due_date() {
    let mut c = clock(date!(2025 - 09 - 26), 20);
    c.pauses.push(pause(
        date!(2025 - 10 - 10),
        Some(date!(2025 - 10 - 15)),
        "补正",
    ));
    let due = c.due_date(&cal()).unwrap();
    // (10-10, 10-15] holds 10-11 (make-up Saturday), 10-13, 10-14, 10-15.
    assert_eq!(due.date(), Some(date!(2025 - 11 - 05)));
    assert!(
        due.steps()
            .contains(&"2025-10-10 至 2025-10-15 补正暂停，不计 4 个工作日".to_owned()),
        "{:#?}",
        due.steps()
    );
}

#[test]
fn an_open_pause_freezes_the_clock_and_reports_used_and_remaining() {
    let mut c = clock(date!(2025 - 09 - 26), 20);
    c.pauses
        .push(pause(date!(2025 - 10 - 10), None, "特别程序"));
    let due = c.due_date(&cal()).unwrap();
    let DueDate::Paused {
        since,
        used,
        remaining,
        steps,
    } = due
    else {
        panic!("expected paused, got {due:?}");
    };
    // Counted: 9/28, 9/29, 9/30, 10/9, 10/10.
    assert_eq!(since, date!(2025 - 10 - 10));
    assert_eq!(used, WorkingDays::new(5));
    assert_eq!(remaining, WorkingDays::new(15));
    assert_eq!(
        steps.last().unwrap(),
        "2025-10-10 起特别程序暂停，计时中止，已计 5 个工作日，尚余 15 个工作日"
    );
}

#[test]
fn an_extension_adds_working_days_to_the_limit() {
    let mut c = clock(date!(2025 - 09 - 26), 20);
    c.extension = WorkingDays::new(10);
    let due = c.due_date(&cal()).unwrap();
    assert_eq!(due.date(), Some(date!(2025 - 11 - 13)));
    assert_eq!(
        due.steps()[1],
        "办理时限 20 个工作日，延长审批 10 个工作日，共 30 个工作日"
    );
}

#[test]
fn a_zero_limit_is_due_on_the_acceptance_day() {
    let due = clock(date!(2025 - 09 - 26), 0).due_date(&cal()).unwrap();
    assert_eq!(due.date(), Some(date!(2025 - 09 - 26)));
}

#[test]
fn a_pause_starting_after_the_due_date_does_not_revive_the_clock() {
    let mut c = clock(date!(2025 - 09 - 26), 20);
    c.pauses.push(pause(date!(2025 - 11 - 03), None, "补正"));
    assert_eq!(
        c.due_date(&cal()).unwrap().date(),
        Some(date!(2025 - 10 - 30))
    );
}

#[test]
fn used_and_remaining_as_of_today_count_only_running_working_days() {
    let mut c = clock(date!(2025 - 09 - 26), 20);
    let cal = cal();
    assert_eq!(
        c.used_as_of(&cal, date!(2025 - 09 - 26)).unwrap(),
        WorkingDays(0)
    );
    assert_eq!(
        c.used_as_of(&cal, date!(2025 - 10 - 09)).unwrap(),
        WorkingDays(4)
    );
    assert_eq!(c.remaining_as_of(&cal, date!(2025 - 10 - 30)).unwrap(), 0);
    assert_eq!(c.remaining_as_of(&cal, date!(2025 - 10 - 31)).unwrap(), -1);
    c.pauses.push(pause(
        date!(2025 - 10 - 09),
        Some(date!(2025 - 10 - 10)),
        "补正",
    ));
    assert_eq!(
        c.used_as_of(&cal, date!(2025 - 10 - 10)).unwrap(),
        WorkingDays(4)
    );
}

#[test]
fn the_clock_refuses_to_guess_beyond_the_loaded_years() {
    let c = clock(date!(2026 - 12 - 01), 30);
    assert_eq!(
        c.due_date(&cal()).unwrap_err(),
        CalendarError::YearNotLoaded(2027)
    );
    let c = clock(date!(2019 - 12 - 30), 5);
    assert_eq!(
        c.due_date(&cal()).unwrap_err(),
        CalendarError::YearNotLoaded(2019)
    );
}

#[test]
fn a_single_holiday_is_shown_as_one_date() {
    let due = clock(date!(2024 - 06 - 07), 1).due_date(&cal()).unwrap();
    assert_eq!(due.date(), Some(date!(2024 - 06 - 11)));
    assert!(
        due.steps()
            .contains(&"2024-06-10 端午节放假，不计".to_owned())
    );
}

#[test]
fn pause_labels_do_not_repeat_the_word_pause() {
    assert_eq!(
        pause(date!(2025 - 01 - 01), None, "补正").label(),
        "补正暂停"
    );
    assert_eq!(
        pause(date!(2025 - 01 - 01), None, "听证暂停").label(),
        "听证暂停"
    );
    assert_eq!(pause(date!(2025 - 01 - 01), None, " ").label(), "暂停");
}
