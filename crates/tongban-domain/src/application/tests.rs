//! The rules of a case, one test per rule.

use time::Date;
use time::macros::date;

use super::*;
use crate::calendar::WorkCalendar;
use crate::role::AccountKind;

fn cal() -> WorkCalendar {
    WorkCalendar::builtin()
}

fn facts() -> DraftFacts {
    let step = |name: &str, role: &str, budget_days| crate::catalog::Step {
        name: name.into(),
        role: role.into(),
        budget_days,
    };
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
        channel: ApplyChannel::Pc,
        hall_id: None,
        route: route_from_steps(&[
            step("受理", "window_clerk", 1),
            step("审查", "reviewer", 5),
            step("决定", "approver", 2),
            step("送达", "window_clerk", 1),
        ]),
        legal_limit_days: 20,
        promised_limit_days: 10,
        immediate: false,
        required_materials: vec!["申请书".into(), "营业执照".into(), "健康证明".into()],
        may_be_missing: vec!["健康证明".into()],
        may_be_committed: vec!["营业执照".into()],
        allows_incomplete: true,
        allows_commitment: true,
        idempotency_key: Some("k1".into()),
    }
}

/// A case with a running log: commands go through `decide`, events through `apply`.
struct Case {
    app: Application,
    log: Vec<Recorded>,
    today: Date,
    at_ms: i64,
}

impl Case {
    fn new(facts: DraftFacts) -> Case {
        let first = Recorded {
            at_ms: 1,
            on: date!(2026 - 03 - 02),
            actor: facts.applicant_account.clone(),
            event: ApplicationEvent::Drafted(Box::new(facts)),
        };
        let app = Application::from_events([&first]).unwrap();
        Case {
            app,
            log: vec![first],
            today: date!(2026 - 03 - 02),
            at_ms: 1,
        }
    }

    fn run(&mut self, actor: &Actor, cmd: Command) -> Result<(), TransitionError> {
        let events = self.app.decide(&cmd, actor, self.today, &cal())?;
        for event in events {
            self.at_ms += 1;
            let r = Recorded {
                at_ms: self.at_ms,
                on: self.today,
                actor: actor.account_id.clone(),
                event,
            };
            self.app.apply(&r);
            self.log.push(r);
        }
        Ok(())
    }

    fn ok(&mut self, actor: &Actor, cmd: Command) {
        self.run(actor, cmd).unwrap();
    }

    fn attach(&mut self, material: &str) {
        self.ok(
            &citizen(),
            Command::AttachMaterial(AttachedMaterial {
                material: material.into(),
                blob_id: format!("blob-{material}"),
                file_name: "a.pdf".into(),
                size: 10,
                media_type: "application/pdf".into(),
                licence_id: None,
            }),
        );
    }

    fn submitted_complete() -> Case {
        let mut c = Case::new(facts());
        for m in ["申请书", "营业执照", "健康证明"] {
            c.attach(m);
        }
        c.ok(&citizen(), Command::Submit);
        c
    }

    fn accepted() -> Case {
        let mut c = Case::submitted_complete();
        c.ok(&clerk(), accept_normal());
        c
    }

    fn rebuilt(&self) -> Application {
        Application::from_events(&self.log).unwrap()
    }
}

fn citizen() -> Actor {
    Actor::applicant("citizen-1")
}

fn clerk() -> Actor {
    Actor::staff("clerk-1")
}

fn reviewer() -> Actor {
    Actor::staff("reviewer-1")
}

fn approver() -> Actor {
    Actor::staff("approver-1")
}

fn accept_normal() -> Command {
    Command::Accept {
        mode: AcceptanceMode::Normal,
        missing: vec![],
        deadline: None,
    }
}

fn approve() -> Command {
    Command::Approve {
        opinion: "同意".into(),
    }
}

#[test]
fn the_route_is_accept_work_decide_deliver() {
    let kinds: Vec<StepKind> = facts().route.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            StepKind::Accept,
            StepKind::Work,
            StepKind::Decide,
            StepKind::Deliver
        ]
    );
    let default = route_from_steps(&[]);
    assert_eq!(default.len(), 4);
    assert_eq!(default[3].name, "办结");
}

#[test]
fn the_number_is_region_date_and_sequence() {
    assert_eq!(
        application_number("511900", date!(2026 - 11 - 29), 123),
        "51190020261129000123"
    );
}

#[test]
fn a_full_life_cycle_ends_completed_and_rebuilds_from_its_events() {
    let mut c = Case::accepted();
    assert_eq!(c.app.status, Status::InProgress);
    assert_eq!(c.app.step().unwrap().name, "审查");
    c.ok(&reviewer(), approve());
    assert_eq!(c.app.step().unwrap().name, "决定");
    c.ok(&approver(), approve());
    assert_eq!(c.app.status, Status::Decided);
    c.ok(
        &clerk(),
        Command::Deliver {
            method: DeliveryMethod::Electronic,
        },
    );
    assert_eq!(c.app.status, Status::Completed);
    assert!(c.app.fully_online());
    assert_eq!(c.rebuilt(), c.app);
    assert_eq!(c.app.revision as usize, c.log.len());
    assert_eq!(c.app.history.len(), c.log.len());
}

#[test]
fn the_correction_notice_is_given_only_once() {
    let mut c = Case::submitted_complete();
    c.ok(
        &clerk(),
        Command::RequestCorrection {
            items: vec![
                "健康证明已过期，请提供有效证明".into(),
                "申请书缺签名".into(),
            ],
        },
    );
    assert_eq!(c.app.status, Status::AwaitingCorrection);
    assert_eq!(c.app.accepted_on, None, "the clock has not started");
    c.ok(&citizen(), Command::SupplyCorrection);
    let again = c
        .run(
            &clerk(),
            Command::RequestCorrection {
                items: vec!["再补一份".into()],
            },
        )
        .unwrap_err();
    assert_eq!(again.code, "application.correction_once");
    assert!(again.message.contains("一次性"));
    c.ok(&clerk(), accept_normal());
    assert_eq!(c.app.accepted_on, Some(c.today));
}

#[test]
fn incomplete_acceptance_holds_the_result_and_overdue_ends_the_case() {
    let mut c = Case::new(facts());
    c.attach("申请书");
    c.attach("营业执照");
    c.ok(&citizen(), Command::Submit);
    // The deadline may not pass the promised limit (10 working days from 2026-03-02).
    let late = c
        .run(
            &clerk(),
            Command::Accept {
                mode: AcceptanceMode::Incomplete,
                missing: vec!["健康证明".into()],
                deadline: Some(date!(2026 - 03 - 30)),
            },
        )
        .unwrap_err();
    assert_eq!(late.code, "application.deadline_out_of_range");
    c.ok(
        &clerk(),
        Command::Accept {
            mode: AcceptanceMode::Incomplete,
            missing: vec!["健康证明".into()],
            deadline: Some(date!(2026 - 03 - 09)),
        },
    );
    c.ok(&reviewer(), approve());
    c.ok(&approver(), approve());
    assert!(c.app.result_held());
    let held = c
        .run(
            &clerk(),
            Command::Deliver {
                method: DeliveryMethod::Electronic,
            },
        )
        .unwrap_err();
    assert_eq!(held.code, "application.result_held");
    let early = c
        .run(&Actor::system(), Command::ExpireIncomplete)
        .unwrap_err();
    assert_eq!(early.code, "application.not_overdue");
    c.today = date!(2026 - 03 - 10);
    c.ok(&Actor::system(), Command::ExpireIncomplete);
    assert_eq!(c.app.status, Status::Terminated);
    assert!(c.app.ended_reason.as_deref().unwrap().contains("健康证明"));
    assert_eq!(c.rebuilt(), c.app);
}

#[test]
fn a_main_material_cannot_be_missing() {
    let mut c = Case::new(facts());
    c.attach("营业执照");
    c.attach("健康证明");
    // 申请书 is a main material; submitting without it is refused.
    let err = c.run(&citizen(), Command::Submit).unwrap_err();
    assert_eq!(err.code, "application.materials_missing");
}

#[test]
fn a_false_commitment_revokes_the_decision_and_flags_credit() {
    let mut c = Case::new(facts());
    c.attach("申请书");
    c.attach("健康证明");
    c.ok(
        &citizen(),
        Command::SignCommitment {
            text: "本人承诺已取得营业执照".into(),
        },
    );
    c.ok(&citizen(), Command::Submit);
    let normal = c.run(&clerk(), accept_normal()).unwrap_err();
    assert_eq!(normal.code, "application.use_commitment");
    c.ok(
        &clerk(),
        Command::Accept {
            mode: AcceptanceMode::Commitment,
            missing: vec![],
            deadline: None,
        },
    );
    c.ok(&reviewer(), approve());
    c.ok(&approver(), approve());
    c.ok(
        &clerk(),
        Command::Deliver {
            method: DeliveryMethod::Electronic,
        },
    );
    c.ok(
        &reviewer(),
        Command::VerifyCommitment {
            truthful: false,
            note: "经核查未取得营业执照".into(),
        },
    );
    assert_eq!(c.app.status, Status::Revoked);
    assert!(c.app.credit_flagged);
    let twice = c
        .run(
            &reviewer(),
            Command::VerifyCommitment {
                truthful: true,
                note: String::new(),
            },
        )
        .unwrap_err();
    assert_eq!(twice.code, "application.already_verified");
}

#[test]
fn a_special_procedure_pauses_the_clock() {
    let mut c = Case::accepted();
    let before = CaseClock::promised(&c.app, &cal()).unwrap().unwrap();
    assert_eq!(before.date(), Some(date!(2026 - 03 - 16)));
    c.today = date!(2026 - 03 - 04);
    c.ok(
        &reviewer(),
        Command::StartSpecial {
            kind: "专家评审".into(),
            reason: "需组织专家论证".into(),
        },
    );
    assert!(c.app.is_paused());
    let paused = CaseClock::promised(&c.app, &cal()).unwrap().unwrap();
    assert_eq!(paused.date(), None);
    let blocked = c.run(&reviewer(), approve()).unwrap_err();
    assert_eq!(blocked.code, "application.special_running");
    // Five working days later (03-05 … 03-11) the review ends: the due date moves by five.
    c.today = date!(2026 - 03 - 11);
    c.ok(
        &reviewer(),
        Command::EndSpecial {
            result: "专家同意".into(),
        },
    );
    let after = CaseClock::promised(&c.app, &cal()).unwrap().unwrap();
    assert_eq!(after.date(), Some(date!(2026 - 03 - 23)));
}

#[test]
fn an_extension_adds_ten_working_days_once() {
    let mut c = Case::accepted();
    let legal = CaseClock::legal(&c.app, &cal())
        .unwrap()
        .unwrap()
        .date()
        .unwrap();
    assert_eq!(legal, date!(2026 - 03 - 30));
    c.ok(
        &approver(),
        Command::Extend {
            reason: "情况复杂".into(),
        },
    );
    let extended = CaseClock::legal(&c.app, &cal())
        .unwrap()
        .unwrap()
        .date()
        .unwrap();
    assert_eq!(extended, date!(2026 - 04 - 14));
    assert_eq!(
        cal().working_days_between(legal, extended).unwrap().get(),
        10
    );
    let twice = c
        .run(
            &approver(),
            Command::Extend {
                reason: "再延".into(),
            },
        )
        .unwrap_err();
    assert_eq!(twice.code, "application.extension_once");
}

#[test]
fn return_and_resubmit_keep_the_history() {
    let mut c = Case::accepted();
    c.ok(&reviewer(), approve());
    c.ok(
        &approver(),
        Command::Return {
            target: ReturnTarget::Previous,
            reason: "审查意见不完整".into(),
        },
    );
    assert_eq!(c.app.step().unwrap().name, "审查");
    c.ok(
        &reviewer(),
        Command::Return {
            target: ReturnTarget::Applicant,
            reason: "请补充经营场所照片".into(),
        },
    );
    assert_eq!(c.app.status, Status::ReturnedToApplicant);
    assert!(c.app.is_paused());
    c.attach("其他材料");
    c.ok(
        &citizen(),
        Command::Resubmit {
            note: "已补充".into(),
        },
    );
    assert_eq!(c.app.status, Status::InProgress);
    assert_eq!(c.app.step().unwrap().name, "审查");
    let whats: Vec<&str> = c.app.history.iter().map(|h| h.what.as_str()).collect();
    for expected in ["退回", "退回申请人修改", "申请人重新提交"] {
        assert!(whats.contains(&expected), "{whats:?} lacks {expected}");
    }
    assert_eq!(c.rebuilt(), c.app);
}

#[test]
fn a_countersign_needs_everyone_and_an_any_sign_needs_one() {
    let mut c = Case::accepted();
    c.ok(
        &reviewer(),
        Command::Countersign {
            mode: SignMode::All,
            signers: vec!["r1".into(), "r2".into(), "r3".into()],
        },
    );
    let outsider = c.run(&reviewer(), approve()).unwrap_err();
    assert_eq!(outsider.code, "application.not_assignee");
    c.ok(&Actor::staff("r1"), approve());
    c.ok(&Actor::staff("r2"), approve());
    assert_eq!(c.app.step().unwrap().name, "审查", "r3 has not signed");
    let again = c.run(&Actor::staff("r1"), approve()).unwrap_err();
    assert_eq!(again.code, "application.not_assignee");
    c.ok(&Actor::staff("r3"), approve());
    assert_eq!(c.app.step().unwrap().name, "决定");

    c.ok(
        &approver(),
        Command::Countersign {
            mode: SignMode::Any,
            signers: vec!["a1".into(), "a2".into()],
        },
    );
    c.ok(&Actor::staff("a2"), approve());
    assert_eq!(c.app.status, Status::Decided);
}

#[test]
fn an_added_signer_must_sign_too_and_a_transfer_hands_the_step_over() {
    let mut c = Case::accepted();
    c.ok(
        &reviewer(),
        Command::AddSigner {
            account: "r2".into(),
        },
    );
    c.ok(&reviewer(), approve());
    assert_eq!(c.app.step().unwrap().name, "审查");
    c.ok(
        &Actor::staff("r2"),
        Command::Transfer {
            to_account: "r9".into(),
            reason: "休假".into(),
        },
    );
    assert_eq!(c.app.pending_signers(), vec!["r9"]);
    c.ok(&Actor::staff("r9"), approve());
    assert_eq!(c.app.step().unwrap().name, "决定");
}

#[test]
fn an_invalid_transition_is_refused_with_a_stable_code_and_chinese() {
    let mut c = Case::new(facts());
    let err = c.run(&clerk(), accept_normal()).unwrap_err();
    assert_eq!(err.code, "application.invalid_transition");
    assert_eq!(err.message, "该办件当前状态为“草稿”，不能受理");
    let staff_submits = c.run(&clerk(), Command::Submit).unwrap_err();
    assert_eq!(staff_submits.code, "application.applicant_only");
}

#[test]
fn an_immediate_item_is_decided_on_acceptance() {
    let mut f = facts();
    f.immediate = true;
    f.promised_limit_days = 0;
    let mut c = Case::new(f);
    for m in ["申请书", "营业执照", "健康证明"] {
        c.attach(m);
    }
    c.ok(&citizen(), Command::Submit);
    c.ok(&clerk(), accept_normal());
    assert_eq!(c.app.status, Status::Decided);
    assert!(c.app.outcome.as_ref().unwrap().approved);
}

#[test]
fn a_refusal_needs_the_decision_step_and_a_reason() {
    let mut c = Case::accepted();
    let early = c
        .run(
            &reviewer(),
            Command::Refuse {
                reason: "不符合条件".into(),
            },
        )
        .unwrap_err();
    assert_eq!(early.code, "application.refuse_at_decision");
    c.ok(&reviewer(), approve());
    let bare = c
        .run(&approver(), Command::Refuse { reason: " ".into() })
        .unwrap_err();
    assert_eq!(bare.code, "application.reason_missing");
    c.ok(
        &approver(),
        Command::Refuse {
            reason: "不符合《食品经营许可管理办法》第十二条".into(),
        },
    );
    assert_eq!(c.app.status, Status::Completed);
    assert!(!c.app.outcome.as_ref().unwrap().approved);
}

#[test]
fn a_window_application_counts_a_visit_and_pickup_another() {
    let mut f = facts();
    f.channel = ApplyChannel::Window;
    let mut c = Case::new(f);
    for m in ["申请书", "营业执照", "健康证明"] {
        c.attach(m);
    }
    c.ok(&citizen(), Command::Submit);
    c.ok(&clerk(), accept_normal());
    c.ok(&reviewer(), approve());
    c.ok(&approver(), approve());
    c.ok(
        &clerk(),
        Command::Deliver {
            method: DeliveryMethod::Pickup {
                hall_id: "hall-1".into(),
            },
        },
    );
    assert_eq!(c.app.visits, 2);
    assert!(!c.app.fully_online());
}

#[test]
fn steps_turn_yellow_two_days_before_and_red_after_their_due_date() {
    let c = Case::accepted();
    // 审查 has 5 working days from 2026-03-02: due 2026-03-09.
    assert_eq!(
        StepClock::due(&c.app, &cal()).unwrap(),
        Some(date!(2026 - 03 - 09))
    );
    let at = |d| StepClock::urgency(&c.app, d, &cal()).unwrap().unwrap();
    assert_eq!(at(date!(2026 - 03 - 03)), Urgency::Normal);
    assert_eq!(at(date!(2026 - 03 - 05)), Urgency::DueSoon);
    assert_eq!(at(date!(2026 - 03 - 09)), Urgency::DueSoon);
    assert_eq!(at(date!(2026 - 03 - 10)), Urgency::Overdue);
    assert_eq!(
        CaseClock::remaining(&c.app, date!(2026 - 03 - 18), &cal()).unwrap(),
        Some(-2)
    );
}

#[test]
fn events_survive_a_json_round_trip() {
    let c = Case::accepted();
    let json = serde_json::to_string(&c.log).unwrap();
    let back: Vec<Recorded> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c.log);
    let state = serde_json::to_string(&c.app).unwrap();
    let state_back: Application = serde_json::from_str(&state).unwrap();
    assert_eq!(state_back, c.app);
}

#[test]
fn the_gbt_39046_record_has_every_data_set_of_a_completed_case() {
    let mut c = Case::accepted();
    c.ok(&reviewer(), approve());
    c.ok(&approver(), approve());
    c.ok(
        &clerk(),
        Command::Deliver {
            method: DeliveryMethod::Post {
                tracking_number: "SF123".into(),
            },
        },
    );
    let record = CaseRecord::of(&c.app, "11511900MB1234567X4000111", None);
    let apply = record.apply.unwrap();
    assert_eq!(apply.source, "2");
    assert_eq!(apply.case_number, c.app.number);
    assert_eq!(record.accept.unwrap().case_type, "2");
    let steps: Vec<(&str, &str)> = record
        .handle
        .iter()
        .map(|h| (h.step.as_str(), h.action.as_str()))
        .collect();
    assert_eq!(
        steps,
        [("受理", "通过"), ("审查", "通过"), ("决定", "通过")]
    );
    let finish = record.finish.unwrap();
    assert_eq!(finish.result, "准予");
    assert_eq!(
        (finish.by_post.as_str(), finish.tracking_number.as_str()),
        ("1", "SF123")
    );
}

#[test]
fn an_accepted_case_gives_a_dated_acceptance_notice_and_no_other() {
    let c = Case::accepted();
    assert_eq!(c.app.notice_kinds(), [NoticeKind::Acceptance]);
    let notice = c
        .app
        .notice(NoticeKind::Acceptance, &cal())
        .unwrap()
        .unwrap();
    assert_eq!(notice.issued_on, date!(2026 - 03 - 02));
    let NoticeBody::Acceptance {
        promised_days, due, ..
    } = notice.body
    else {
        panic!("not an acceptance notice")
    };
    assert_eq!((promised_days, due), (10, Some(date!(2026 - 03 - 16))));
    assert!(c.app.notice(NoticeKind::Refusal, &cal()).unwrap().is_none());
    assert!(
        c.app
            .notice(NoticeKind::Correction, &cal())
            .unwrap()
            .is_none()
    );
}

#[test]
fn an_incomplete_acceptance_notice_lists_the_missing_materials_and_the_deadline() {
    let mut c = Case::new(facts());
    c.attach("申请书");
    c.attach("营业执照");
    c.ok(&citizen(), Command::Submit);
    c.ok(
        &clerk(),
        Command::Accept {
            mode: AcceptanceMode::Incomplete,
            missing: vec!["健康证明".into()],
            deadline: Some(date!(2026 - 03 - 09)),
        },
    );
    let notice = c
        .app
        .notice(NoticeKind::Acceptance, &cal())
        .unwrap()
        .unwrap();
    assert_eq!(
        notice.body,
        NoticeBody::Acceptance {
            mode: AcceptanceMode::Incomplete,
            promised_days: 10,
            due: Some(date!(2026 - 03 - 16)),
            missing: vec!["健康证明".into()],
            missing_deadline: Some(date!(2026 - 03 - 09)),
        }
    );
}

#[test]
fn the_extension_notice_is_dated_the_day_of_the_extension_and_moves_the_due_date() {
    let mut c = Case::accepted();
    c.today = date!(2026 - 03 - 05);
    c.ok(
        &approver(),
        Command::Extend {
            reason: "需要补充调查".into(),
        },
    );
    let notice = c
        .app
        .notice(NoticeKind::Extension, &cal())
        .unwrap()
        .unwrap();
    assert_eq!(notice.issued_on, date!(2026 - 03 - 05));
    assert_eq!(
        notice.body,
        NoticeBody::Extension {
            days: 10,
            reason: "需要补充调查".into(),
            due: Some(date!(2026 - 03 - 30)),
        }
    );
    let acceptance = c
        .app
        .notice(NoticeKind::Acceptance, &cal())
        .unwrap()
        .unwrap();
    assert!(
        matches!(acceptance.body, NoticeBody::Acceptance { due: Some(d), .. } if d == date!(2026 - 03 - 16)),
        "the acceptance notice still says what it said on its day"
    );
}

#[test]
fn a_refused_case_gives_the_refusal_and_a_not_accepted_case_its_decision() {
    let mut c = Case::submitted_complete();
    c.ok(
        &clerk(),
        Command::RefuseAcceptance {
            reason: "申请事项不属于本机关职权范围".into(),
        },
    );
    assert_eq!(c.app.notice_kinds(), [NoticeKind::NotAccepted]);
    let notice = c
        .app
        .notice(NoticeKind::NotAccepted, &cal())
        .unwrap()
        .unwrap();
    assert_eq!(
        notice.body,
        NoticeBody::NotAccepted {
            reason: "申请事项不属于本机关职权范围".into()
        }
    );
    assert_eq!(
        NoticeKind::parse("not-accepted"),
        Some(NoticeKind::NotAccepted)
    );
    assert_eq!(NoticeKind::parse("licence"), None);
}
