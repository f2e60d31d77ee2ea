//! Day-by-day cross-check of the built-in 2020–2026 calendar against the
//! independent `chinese_holiday` crate.
//!
//! Findings (investigated, no open disagreement):
//! * `chinese_holiday` covers dates only up to 2026-12-25 (it asserts beyond
//!   that), so the last six days of 2026 are checked against plain weekday
//!   rules instead — the 2026 notice has no arrangement after 10-10.
//! * For 2020 both sources include the 国办发明电〔2020〕1号 extension
//!   (holiday to 2020-02-02, 2020-02-01 no longer a make-up day).
//! * Combined holidays (国庆节、中秋节) are tagged with a single festival per
//!   day by `chinese_holiday`; our name contains that festival.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chinese_holiday::{DayKind, Ymd, chinese_holiday};
use time::Date;
use time::macros::date;
use tongban_domain::{DayReason, WorkCalendar};

/// The festival a `DayKind` refers to, if any.
fn festival(kind: DayKind) -> Option<&'static str> {
    use DayKind::*;
    match kind {
        NormalWorkday | NormalHoliday => None,
        NewYearsDayHoliday | NewYearsDayWorkday => Some("元旦"),
        SpringFestivalHoliday | SpringFestivalWorkday => Some("春节"),
        ChingMingFestivalHoliday | ChingMingFestivalWorkday => Some("清明节"),
        InternationalWorkersDayHoliday | InternationalWorkersDayWorkday => Some("劳动节"),
        DragonBoatFestivalHoliday | DragonBoatFestivalWorkday => Some("端午节"),
        MidAutumnFestivalHoliday | MidAutumnFestivalWorkday => Some("中秋节"),
        NationalDayHoliday | NationalDayWorkday => Some("国庆节"),
        OtherHoliday | OtherWorkday => Some("其他"),
    }
}

fn ymd(d: Date) -> Ymd {
    Ymd::new(d.year() as u16, u8::from(d.month()), d.day())
}

#[test]
fn every_day_of_2020_to_2026_agrees_with_the_chinese_holiday_crate() {
    let cal = WorkCalendar::builtin();
    let mut d = date!(2020 - 01 - 01);
    let last_covered = date!(2026 - 12 - 25);
    let mut disagreements = Vec::new();
    let mut checked = 0;
    while d <= last_covered {
        let ours = cal.day_info(d).unwrap();
        let theirs = chinese_holiday(ymd(d));
        checked += 1;
        if ours.working != theirs.is_workday() {
            disagreements.push(format!("{d}: ours {ours:?}, theirs {theirs:?}"));
        }
        // Special days must be special in both, for the same festival.
        match (&ours.reason, festival(theirs)) {
            (DayReason::Weekday | DayReason::Weekend, None) => {}
            (DayReason::Holiday(name) | DayReason::MakeupWorkday(name), Some(f))
                if name.contains(f) => {}
            (reason, f) => disagreements.push(format!("{d}: ours {reason:?}, theirs {f:?}")),
        }
        d = d.next_day().unwrap();
    }
    assert_eq!(checked, 2551);
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

#[test]
fn the_days_after_2026_12_25_follow_plain_weekday_rules() {
    let cal = WorkCalendar::builtin();
    let mut d = date!(2026 - 12 - 26);
    while d.year() == 2026 {
        let info = cal.day_info(d).unwrap();
        let weekend = matches!(d.weekday(), time::Weekday::Saturday | time::Weekday::Sunday);
        assert_eq!(info.working, !weekend, "{d}");
        d = d.next_day().unwrap();
    }
}
