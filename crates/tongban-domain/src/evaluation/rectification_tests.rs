//! Tests of the 差评 loop rules: deadline, escalation, 回访 before close, appeal.

use time::Date;
use time::macros::date;

use super::rectification::*;
use super::*;
use crate::calendar::WorkCalendar;
use crate::division::DivisionCode;
use crate::role::Role;

fn opened(real_name: bool, due: Date) -> RectificationOpened {
    RectificationOpened {
        id: "r1".into(),
        evaluation_id: "e1".into(),
        application_id: Some("a1".into()),
        item_id: Some("i1".into()),
        department_id: Some("d1".into()),
        hall_id: None,
        satisfaction: Satisfaction::Dissatisfied,
        real_name,
        rated_on: date!(2026 - 11 - 02),
        due,
    }
}

fn run(case: &mut Rectification, cmd: LoopCommand, actor: LoopActor, on: Date) {
    let events = case.decide(&cmd, actor, on).unwrap();
    for event in events {
        case.apply(&RectificationRecord { on, event });
    }
}

fn refusal(case: &Rectification, cmd: LoopCommand, actor: LoopActor) -> &'static str {
    case.decide(&cmd, actor, date!(2026 - 11 - 03))
        .unwrap_err()
        .code
}

fn verified(real_name: bool) -> Rectification {
    let mut case = Rectification::open(opened(real_name, date!(2026 - 11 - 23)));
    run(
        &mut case,
        LoopCommand::Verify {
            finding: "窗口人员答复不清".into(),
        },
        LoopActor::UnitHandler,
        date!(2026 - 11 - 03),
    );
    case
}

#[test]
fn the_deadline_is_fifteen_working_days_on_the_calendar() {
    let cal = WorkCalendar::builtin();
    let rule = RectificationDeadlines::default();
    // November 2026 has no holidays: three working weeks from a Monday.
    assert_eq!(
        rule.due(date!(2026 - 11 - 02), "340100000000", &cal)
            .unwrap(),
        date!(2026 - 11 - 23)
    );
    // Across 国庆 the holidays do not count.
    let across = rule
        .due(date!(2026 - 09 - 30), "340100000000", &cal)
        .unwrap();
    assert!(across > date!(2026 - 10 - 21), "{across}");
}

#[test]
fn a_region_can_override_the_deadline_by_division_prefix_and_the_longest_prefix_wins() {
    let cal = WorkCalendar::builtin();
    let rule = RectificationDeadlines {
        default_days: 15,
        by_prefix: vec![("3401".into(), 10), ("340102".into(), 5)],
    };
    assert_eq!(rule.days_for("340102001000"), 5);
    assert_eq!(rule.days_for("340103000000"), 10);
    assert_eq!(rule.days_for("350100000000"), 15);
    assert_eq!(
        rule.due(date!(2026 - 11 - 02), "340102001000", &cal)
            .unwrap(),
        date!(2026 - 11 - 09)
    );
}

#[test]
fn an_overdue_case_escalates_once_and_only_by_the_sweep() {
    let mut case = Rectification::open(opened(true, date!(2026 - 11 - 23)));
    assert_eq!(
        case.decide(
            &LoopCommand::Escalate,
            LoopActor::Sweep,
            date!(2026 - 11 - 23)
        )
        .unwrap_err()
        .code,
        "rectification.not_overdue"
    );
    run(
        &mut case,
        LoopCommand::Escalate,
        LoopActor::Sweep,
        date!(2026 - 11 - 24),
    );
    assert!(case.escalated);
    assert_eq!(
        case.decide(
            &LoopCommand::Escalate,
            LoopActor::Sweep,
            date!(2026 - 11 - 25)
        )
        .unwrap_err()
        .code,
        "rectification.already_escalated"
    );
    assert_eq!(
        refusal(&case, LoopCommand::Escalate, LoopActor::UnitHandler),
        "rectification.not_handler"
    );
}

#[test]
fn a_settled_case_is_not_overdue() {
    let mut case = verified(false);
    run(
        &mut case,
        LoopCommand::Rectify {
            measures: "加强培训".into(),
        },
        LoopActor::UnitHandler,
        date!(2026 - 11 - 10),
    );
    assert!(!case.is_overdue(date!(2026 - 12 - 30)));
}

#[test]
fn a_real_name_bad_rating_must_be_revisited_before_it_closes() {
    let mut case = verified(true);
    run(
        &mut case,
        LoopCommand::Explain {
            explanation: "该要求无法律依据".into(),
        },
        LoopActor::UnitHandler,
        date!(2026 - 11 - 05),
    );
    assert_eq!(
        refusal(&case, LoopCommand::Close, LoopActor::UnitHandler),
        "rectification.revisit_required"
    );
    run(
        &mut case,
        LoopCommand::Revisit {
            outcome: "电话回访，群众表示理解".into(),
            satisfied: true,
        },
        LoopActor::UnitHandler,
        date!(2026 - 11 - 06),
    );
    run(
        &mut case,
        LoopCommand::Close,
        LoopActor::UnitHandler,
        date!(2026 - 11 - 06),
    );
    assert_eq!(case.state, LoopState::Closed);
    assert_eq!(
        refusal(&case, LoopCommand::Close, LoopActor::UnitHandler),
        "rectification.closed"
    );
}

#[test]
fn an_anonymous_bad_rating_closes_without_a_revisit() {
    let mut case = verified(false);
    run(
        &mut case,
        LoopCommand::Rectify {
            measures: "增设导办岗".into(),
        },
        LoopActor::UnitHandler,
        date!(2026 - 11 - 05),
    );
    assert_eq!(
        refusal(
            &case,
            LoopCommand::Revisit {
                outcome: "x".into(),
                satisfied: true
            },
            LoopActor::UnitHandler
        ),
        "rectification.anonymous_no_revisit"
    );
    run(
        &mut case,
        LoopCommand::Close,
        LoopActor::UnitHandler,
        date!(2026 - 11 - 05),
    );
    assert_eq!(case.state, LoopState::Closed);
}

#[test]
fn rectifying_needs_verification_first_and_texts_are_required() {
    let case = Rectification::open(opened(true, date!(2026 - 11 - 23)));
    assert_eq!(
        refusal(
            &case,
            LoopCommand::Rectify {
                measures: "x".into()
            },
            LoopActor::UnitHandler
        ),
        "rectification.wrong_state"
    );
    assert_eq!(
        refusal(
            &case,
            LoopCommand::Verify {
                finding: "  ".into()
            },
            LoopActor::UnitHandler
        ),
        "rectification.text_required"
    );
}

#[test]
fn an_appeal_is_decided_by_the_level_above_and_an_upheld_one_closes_the_case() {
    let mut case = verified(true);
    run(
        &mut case,
        LoopCommand::Appeal {
            reason: "评价人误评".into(),
        },
        LoopActor::UnitHandler,
        date!(2026 - 11 - 04),
    );
    assert_eq!(case.state, LoopState::Appealed);
    let decide = LoopCommand::DecideAppeal {
        upheld: true,
        note: "经核，属误评".into(),
    };
    assert_eq!(
        refusal(&case, decide.clone(), LoopActor::UnitHandler),
        "rectification.appeal_not_own_unit"
    );
    run(
        &mut case,
        decide,
        LoopActor::AppealReviewer,
        date!(2026 - 11 - 05),
    );
    assert_eq!(case.appeal_upheld, Some(true));
    assert_eq!(case.state, LoopState::Closed);
}

#[test]
fn a_refused_appeal_returns_the_case_to_where_it_was_and_cannot_be_lodged_again() {
    let mut case = verified(true);
    run(
        &mut case,
        LoopCommand::Appeal {
            reason: "恶意差评".into(),
        },
        LoopActor::UnitHandler,
        date!(2026 - 11 - 04),
    );
    run(
        &mut case,
        LoopCommand::DecideAppeal {
            upheld: false,
            note: "理由不成立".into(),
        },
        LoopActor::AppealReviewer,
        date!(2026 - 11 - 05),
    );
    assert_eq!(case.state, LoopState::Verified);
    assert_eq!(
        refusal(
            &case,
            LoopCommand::Appeal {
                reason: "再申诉".into()
            },
            LoopActor::UnitHandler
        ),
        "rectification.appeal_once"
    );
}

#[test]
fn only_a_city_bureau_supervisor_outside_the_unit_may_decide_an_appeal() {
    let city = DivisionCode::parse("340100000000").unwrap();
    let county = DivisionCode::parse("340102000000").unwrap();
    assert!(may_decide_appeal(
        Role::BureauSupervisor,
        "city-bureau",
        &city,
        "county-dept",
        &county
    ));
    // A city unit's appeal: still the city bureau supervisor, never the unit itself.
    assert!(!may_decide_appeal(
        Role::BureauSupervisor,
        "city-dept",
        &city,
        "city-dept",
        &city
    ));
    assert!(!may_decide_appeal(
        Role::BureauSupervisor,
        "county-bureau",
        &county,
        "county-dept",
        &county
    ));
    assert!(!may_decide_appeal(
        Role::EvaluationHandler,
        "city-bureau",
        &city,
        "county-dept",
        &county
    ));
}

#[test]
fn the_allowed_actions_follow_the_state() {
    let case = verified(true);
    assert_eq!(
        case.allowed(LoopActor::UnitHandler, date!(2026 - 11 - 04)),
        vec!["rectify", "explain", "appeal"]
    );
}
