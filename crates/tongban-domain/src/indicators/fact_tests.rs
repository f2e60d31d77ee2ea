//! What a completed case counts for: channel and visits, days used against the limits, and
//! the materials an electronic licence stood in for.

use time::Date;
use time::macros::date;

use super::*;
use crate::application::{
    AcceptanceMode, ApplicationEvent, AttachedMaterial, DeliveryMethod, DraftFacts, Recorded,
    application_number,
};
use crate::indicators::Indicator;
use crate::role::AccountKind;

fn facts(channel: ApplyChannel, immediate: bool) -> DraftFacts {
    DraftFacts {
        id: "app-1".into(),
        number: application_number("511900", date!(2026 - 03 - 02), 1),
        item_id: "item-1".into(),
        item_version: 1,
        item_name: "食品经营许可".into(),
        department_id: "dept-1".into(),
        applicant_account: "citizen-1".into(),
        applicant_kind: AccountKind::Citizen,
        applicant_name: "张三".into(),
        agent_account: None,
        mandate_id: None,
        channel,
        hall_id: channel.counts_a_visit().then(|| "hall-1".to_string()),
        route: Vec::new(),
        legal_limit_days: 20,
        promised_limit_days: 10,
        immediate,
        required_materials: vec!["申请书".into(), "营业执照".into(), "健康证明".into()],
        may_be_missing: Vec::new(),
        may_be_committed: Vec::new(),
        allows_incomplete: false,
        allows_commitment: false,
        idempotency_key: None,
    }
}

fn material(name: &str, licence: Option<&str>) -> ApplicationEvent {
    ApplicationEvent::MaterialAttached(AttachedMaterial {
        material: name.into(),
        blob_id: format!("blob-{name}"),
        file_name: "a.pdf".into(),
        size: 1,
        media_type: "application/pdf".into(),
        licence_id: licence.map(str::to_string),
    })
}

/// Folds `(day, event)` pairs after the draft.
fn case(draft: DraftFacts, events: Vec<(Date, ApplicationEvent)>) -> Application {
    let mut log = vec![Recorded {
        at_ms: 1,
        on: date!(2026 - 03 - 02),
        actor: "citizen-1".into(),
        event: ApplicationEvent::Drafted(Box::new(draft)),
    }];
    for (i, (on, event)) in events.into_iter().enumerate() {
        log.push(Recorded {
            at_ms: 2 + i64::try_from(i).unwrap(),
            on,
            actor: "staff".into(),
            event,
        });
    }
    Application::from_events(log.iter()).unwrap()
}

fn accepted() -> ApplicationEvent {
    ApplicationEvent::Accepted {
        mode: AcceptanceMode::Normal,
        missing: Vec::new(),
        deadline: None,
    }
}

fn approved() -> ApplicationEvent {
    ApplicationEvent::Decided {
        approved: true,
        reason: "符合条件".into(),
    }
}

fn cal() -> WorkCalendar {
    WorkCalendar::builtin()
}

#[test]
fn an_online_case_decided_in_four_working_days_is_fully_online_and_on_time() {
    let app = case(
        facts(ApplyChannel::Pc, false),
        vec![
            (date!(2026 - 03 - 02), material("申请书", None)),
            (date!(2026 - 03 - 02), material("营业执照", Some("lic-1"))),
            (date!(2026 - 03 - 02), material("营业执照", Some("lic-1"))),
            (date!(2026 - 03 - 02), material("房产证", Some("lic-2"))),
            (
                date!(2026 - 03 - 02),
                ApplicationEvent::Submitted { visits_added: 0 },
            ),
            (date!(2026 - 03 - 02), accepted()),
            (date!(2026 - 03 - 06), approved()),
            (
                date!(2026 - 03 - 09),
                ApplicationEvent::Delivered {
                    method: DeliveryMethod::Electronic,
                },
            ),
        ],
    );
    let f = case_fact(&app, &cal(), true).unwrap();
    assert_eq!(
        f.completed_on,
        date!(2026 - 03 - 09),
        "办结 is the delivery day"
    );
    assert!(f.fully_online && f.zero_visit && f.at_most_one_visit && f.on_time);
    assert_eq!((f.legal_days, f.promised_days, f.used_days), (20, 10, 4));
    assert_eq!(
        (f.materials_required, f.materials_by_licence),
        (3, 1),
        "one required material by licence, counted once; a material not required does not count"
    );
    let c = f.counters();
    assert_eq!(Indicator::Speedup.value(&c).text(), "80.00%");
    assert_eq!(Indicator::FullyOnlineRate.value(&c).text(), "100.00%");
}

#[test]
fn a_window_case_collected_at_the_hall_took_two_visits() {
    let app = case(
        facts(ApplyChannel::Window, false),
        vec![
            (
                date!(2026 - 03 - 02),
                ApplicationEvent::Submitted { visits_added: 1 },
            ),
            (date!(2026 - 03 - 02), accepted()),
            (date!(2026 - 03 - 03), approved()),
            (
                date!(2026 - 03 - 04),
                ApplicationEvent::Delivered {
                    method: DeliveryMethod::Pickup {
                        hall_id: "hall-1".into(),
                    },
                },
            ),
        ],
    );
    let f = case_fact(&app, &cal(), true).unwrap();
    assert_eq!(f.visits, 2);
    assert!(!f.fully_online && !f.zero_visit && !f.at_most_one_visit);
    assert_eq!(f.hall_id.as_deref(), Some("hall-1"));
    assert_eq!(f.used_days, 1);
}

#[test]
fn a_case_decided_after_its_promised_limit_is_late_and_a_refusal_completes_it() {
    let app = case(
        facts(ApplyChannel::Mobile, false),
        vec![
            (
                date!(2026 - 03 - 02),
                ApplicationEvent::Submitted { visits_added: 0 },
            ),
            (date!(2026 - 03 - 02), accepted()),
            (
                date!(2026 - 03 - 20),
                ApplicationEvent::Decided {
                    approved: false,
                    reason: "不符合条件".into(),
                },
            ),
        ],
    );
    let f = case_fact(&app, &cal(), false).unwrap();
    assert_eq!(f.completed_on, date!(2026 - 03 - 20));
    assert_eq!(f.used_days, 14);
    assert!(!f.on_time);
    assert!(!f.online_capable);
}

#[test]
fn days_of_a_special_procedure_are_not_counted() {
    let app = case(
        facts(ApplyChannel::Pc, false),
        vec![
            (
                date!(2026 - 03 - 02),
                ApplicationEvent::Submitted { visits_added: 0 },
            ),
            (date!(2026 - 03 - 02), accepted()),
            (
                date!(2026 - 03 - 03),
                ApplicationEvent::SpecialProcedureStarted {
                    kind: "专家评审".into(),
                    reason: "需要评审".into(),
                },
            ),
            (
                date!(2026 - 03 - 13),
                ApplicationEvent::SpecialProcedureEnded {
                    result: "通过".into(),
                },
            ),
            (date!(2026 - 03 - 20), approved()),
            (
                date!(2026 - 03 - 20),
                ApplicationEvent::Delivered {
                    method: DeliveryMethod::Electronic,
                },
            ),
        ],
    );
    let f = case_fact(&app, &cal(), true).unwrap();
    assert!(
        f.used_days < 10,
        "14 working days passed, of which the pause took most: {}",
        f.used_days
    );
    assert!(f.on_time);
}

#[test]
fn an_immediate_case_promises_zero_days_and_an_open_case_has_no_fact() {
    let mut events = vec![
        (
            date!(2026 - 03 - 02),
            ApplicationEvent::Submitted { visits_added: 0 },
        ),
        (date!(2026 - 03 - 02), accepted()),
    ];
    let open = case(facts(ApplyChannel::Pc, true), events.clone());
    assert_eq!(
        case_fact(&open, &cal(), true),
        Err(CaseFactError::NotCompleted)
    );
    events.push((date!(2026 - 03 - 02), approved()));
    events.push((
        date!(2026 - 03 - 02),
        ApplicationEvent::Delivered {
            method: DeliveryMethod::Electronic,
        },
    ));
    let done = case(facts(ApplyChannel::Pc, true), events);
    let f = case_fact(&done, &cal(), true).unwrap();
    assert!(f.immediate && f.on_time);
    assert_eq!((f.promised_days, f.used_days), (0, 0));
}
