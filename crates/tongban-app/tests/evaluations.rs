//! Use-case tests of 好差评 on a fresh SQLite store with the demo city and catalogue: rating a
//! completed case once per stage and only by its applicant, the invitation and its expiry, the
//! window service, and the 差评 loop (deadline, 回访 before close, appeal one level up,
//! escalation once, anonymity).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use time::macros::datetime;
use tongban_app::applications::StartRequest;
use tongban_app::evaluations::RatingInput;
use tongban_app::{App, AppConfig, AppError, FakeClock, LoginRequest, Principal};
use tongban_demo::{CITIZEN_PASSWORD, DemoConfig, STAFF_PASSWORD};
use tongban_domain::application::{AcceptanceMode, Command, DeliveryMethod, Status};
use tongban_domain::evaluation::{EvalChannel, EvalStage, LoopCommand, Satisfaction};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

struct World {
    app: App,
    clock: Arc<FakeClock>,
}

async fn world() -> World {
    let dir = std::env::temp_dir().join(format!("tongban-evals-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/t.db", dir.display());
    // Monday 2026-03-02, 10:00 Beijing.
    let clock = Arc::new(FakeClock::at(datetime!(2026-03-02 02:00 UTC)));
    let store = tongban_store::Store::open(&tongban_store::StoreOptions::new(url), 0)
        .await
        .unwrap();
    let mut config = AppConfig::new(b"k".to_vec());
    config.public_base_url = "https://tongban.example".into();
    let app = App::new(store, clock.clone(), config)
        .await
        .unwrap()
        .with_uploads(dir.join("uploads"))
        .unwrap();
    let city = tongban_demo::generate(&DemoConfig {
        seed: 1,
        citizens: 2,
        enterprises: 1,
    });
    let items = tongban_demo::catalog_items(&city);
    app.seed_demo(city).await.unwrap();
    app.seed_catalog(items).await.unwrap();
    World { app, clock }
}

async fn login(app: &App, login: &str, password: &str) -> Principal {
    app.login(LoginRequest {
        login: login.into(),
        password: password.into(),
        client: "test".into(),
    })
    .await
    .unwrap()
    .principal
}

async fn staff(app: &App, name: &str) -> Principal {
    login(app, name, STAFF_PASSWORD).await
}

async fn market_item(app: &App) -> (String, Vec<String>) {
    let (hits, _) = app
        .search_items(&tongban_app::CatalogQuery {
            department_id: Some("511900-scjgj".into()),
            per_page: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    for hit in hits {
        let view = app.published_item(&hit.item_id).await.unwrap();
        let item = &view.item;
        if item.promised_limit_days >= 5 && !item.allows_commitment {
            let required = item
                .materials
                .iter()
                .filter(|m| m.required)
                .map(|m| m.name.clone())
                .collect();
            return (hit.item_id.clone(), required);
        }
    }
    panic!("no suitable market item");
}

/// The citizen's case, taken all the way to 办结 by the market regulator's staff.
async fn completed_case(w: &World, key: &str) -> (String, Principal) {
    let citizen = login(&w.app, "citizen", CITIZEN_PASSWORD).await;
    let (item_id, required) = market_item(&w.app).await;
    let app = w
        .app
        .start_application(
            &citizen,
            StartRequest {
                item_id,
                channel: "pc".into(),
                idempotency_key: Some(key.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for material in &required {
        w.app
            .attach_upload(&citizen, &app.id, None, material, "scan.png", PNG.to_vec())
            .await
            .unwrap();
    }
    w.app
        .act_on_application(&citizen, &app.id, None, Command::Submit)
        .await
        .unwrap();
    let clerk = staff(&w.app, "clerk").await;
    w.app
        .act_on_application(
            &clerk,
            &app.id,
            None,
            Command::Accept {
                mode: AcceptanceMode::Normal,
                missing: vec![],
                deadline: None,
            },
        )
        .await
        .unwrap();
    for who in ["reviewer", "approver"] {
        let s = staff(&w.app, who).await;
        w.app
            .act_on_application(
                &s,
                &app.id,
                None,
                Command::Approve {
                    opinion: "同意".into(),
                },
            )
            .await
            .unwrap();
    }
    let done = w
        .app
        .act_on_application(
            &clerk,
            &app.id,
            None,
            Command::Deliver {
                method: DeliveryMethod::Electronic,
            },
        )
        .await
        .unwrap();
    assert_eq!(done.status, Status::Completed);
    (app.id, citizen)
}

fn rating(level: Satisfaction, real_name: bool) -> RatingInput {
    RatingInput {
        satisfaction: level,
        options: vec!["efficiency".into()],
        comment: "办理很快".into(),
        real_name,
        channel: EvalChannel::Pc,
    }
}

fn code_of(err: AppError) -> String {
    match err {
        AppError::Invalid { fields, .. } => fields[0].code.to_string(),
        other => other.code().to_string(),
    }
}

#[tokio::test]
async fn the_applicant_rates_each_stage_of_a_completed_case_once() {
    let w = world().await;
    let (id, citizen) = completed_case(&w, "k-once").await;
    let receipt = w
        .app
        .rate_application(
            &citizen,
            &id,
            EvalStage::Completed,
            &rating(Satisfaction::VerySatisfied, true),
        )
        .await
        .unwrap();
    assert_eq!(receipt.rectification_id, None);
    let again = w
        .app
        .rate_application(
            &citizen,
            &id,
            EvalStage::Completed,
            &rating(Satisfaction::Satisfied, true),
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(again), "evaluation.already_rated");
    w.app
        .rate_application(
            &citizen,
            &id,
            EvalStage::Accepted,
            &rating(Satisfaction::Satisfied, false),
        )
        .await
        .unwrap();
    let events = w
        .app
        .store()
        .events_of("evaluation", &receipt.evaluation_id)
        .await
        .unwrap();
    assert_eq!(events[0].action, "evaluation.rated");
    let facts: tongban_domain::evaluation::RatedFacts =
        serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(facts.satisfaction, Satisfaction::VerySatisfied);
    assert_eq!(facts.department_id.as_deref(), Some("511900-scjgj"));
    assert_eq!(facts.sequence, 1);
}

#[tokio::test]
async fn nobody_rates_on_the_applicant_s_behalf() {
    let w = world().await;
    let (id, _) = completed_case(&w, "k-behalf").await;
    let clerk = staff(&w.app, "clerk").await;
    let other = login(&w.app, "c00001", CITIZEN_PASSWORD).await;
    for who in [clerk, other] {
        let err = w
            .app
            .rate_application(
                &who,
                &id,
                EvalStage::Completed,
                &rating(Satisfaction::VerySatisfied, true),
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(err), "evaluation.not_applicant");
    }
}

#[tokio::test]
async fn a_handler_records_a_phone_rating_under_the_case_number_the_caller_reads_out() {
    let w = world().await;
    let (id, citizen) = completed_case(&w, "k-phone").await;
    let number = w
        .app
        .store()
        .application(&id)
        .await
        .unwrap()
        .unwrap()
        .number;
    let handler = staff(&w.app, "handler").await;
    let clerk = staff(&w.app, "clerk").await;
    let refused = w
        .app
        .record_phone_rating(
            &clerk,
            &number,
            &rating(Satisfaction::Satisfied, true),
            "满意",
        )
        .await
        .unwrap_err();
    assert_eq!(
        code_of(refused),
        "forbidden",
        "only a 好差评处理人员 records calls"
    );
    let unknown = w
        .app
        .record_phone_rating(
            &handler,
            "NOPE-1",
            &rating(Satisfaction::Satisfied, true),
            "满意",
        )
        .await
        .unwrap_err();
    assert_eq!(code_of(unknown), "not_found");
    let receipt = w
        .app
        .record_phone_rating(
            &handler,
            &format!(" {number} "),
            &rating(Satisfaction::Satisfied, true),
            "办得挺快，谢谢",
        )
        .await
        .unwrap();
    let events = w
        .app
        .store()
        .events_of("evaluation", &receipt.evaluation_id)
        .await
        .unwrap();
    let facts: tongban_domain::evaluation::RatedFacts =
        serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(facts.channel, EvalChannel::Phone);
    let again = w
        .app
        .rate_application(
            &citizen,
            &id,
            EvalStage::Completed,
            &rating(Satisfaction::VerySatisfied, true),
        )
        .await
        .unwrap_err();
    assert_eq!(
        code_of(again),
        "evaluation.already_rated",
        "the call counted as the applicant's one rating"
    );
}

/// The token in the invitation's SMS link.
async fn invitation_token(w: &World, id: &str) -> String {
    let notice = w
        .app
        .store()
        .notice_by_dedupe_key(&format!("evaluation:{id}:completed"))
        .await
        .unwrap()
        .expect("the applicant is invited to rate");
    let at = notice.body.find("/e/").unwrap();
    notice.body[at + 3..].trim().to_string()
}

#[tokio::test]
async fn completing_a_case_invites_its_applicant_by_a_link_that_works_once() {
    let w = world().await;
    let (id, _) = completed_case(&w, "k-invite").await;
    let token = invitation_token(&w, &id).await;
    let stored = w
        .app
        .store()
        .invitation_for(&id, "completed")
        .await
        .unwrap()
        .unwrap();
    assert_ne!(
        stored.token_sm3, token,
        "only the SM3 of the token is stored"
    );
    // 5 working days from Monday 2026-03-02.
    assert_eq!(stored.expires_on, "2026-03-09");
    let (number, _) = w.app.invitation_case(&token).await.unwrap();
    assert!(number.starts_with("511900"));
    let receipt = w
        .app
        .rate_by_invitation(&token, &rating(Satisfaction::Satisfied, true))
        .await
        .unwrap();
    let row = w
        .app
        .store()
        .evaluation(&receipt.evaluation_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.channel, "sms");
    let again = w
        .app
        .rate_by_invitation(&token, &rating(Satisfaction::Satisfied, true))
        .await
        .unwrap_err();
    assert_eq!(code_of(again), "evaluation.already_rated");
}

#[tokio::test]
async fn an_invitation_expires_after_its_working_days() {
    let w = world().await;
    let (id, _) = completed_case(&w, "k-expire").await;
    let token = invitation_token(&w, &id).await;
    w.clock.set(datetime!(2026-03-10 02:00 UTC));
    let err = w
        .app
        .rate_by_invitation(&token, &rating(Satisfaction::Satisfied, true))
        .await
        .unwrap_err();
    assert_eq!(code_of(err), "evaluation.invitation_expired");
}

async fn bad_rating(w: &World, key: &str, real_name: bool) -> (String, String, Principal) {
    let (id, citizen) = completed_case(w, key).await;
    let receipt = w
        .app
        .rate_application(
            &citizen,
            &id,
            EvalStage::Completed,
            &RatingInput {
                comment: "窗口答复不清楚，跑了两趟".into(),
                ..rating(Satisfaction::Dissatisfied, real_name)
            },
        )
        .await
        .unwrap();
    (
        id,
        receipt.rectification_id.expect("a 差评 opens a case"),
        citizen,
    )
}

#[tokio::test]
async fn a_bad_rating_opens_a_case_for_the_department_due_in_fifteen_working_days() {
    let w = world().await;
    let (_, case_id, _) = bad_rating(&w, "k-bad", true).await;
    let row = w
        .app
        .store()
        .rectification(&case_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.unit_id, "511900-scjgj");
    assert_eq!(row.state, "open");
    // Rated Monday 2026-03-02: three working weeks later.
    assert_eq!(row.due, "2026-03-23");
    let handler = staff(&w.app, "handler").await;
    let queue = w.app.rectification_queue(&handler).await.unwrap();
    assert!(queue.iter().any(|r| r.id == case_id));
    let events = w
        .app
        .store()
        .events_of("rectification", &case_id)
        .await
        .unwrap();
    assert_eq!(events[0].action, "rectification.opened");
}

#[tokio::test]
async fn a_region_override_shortens_the_deadline() {
    let w = world().await;
    let mut config = AppConfig::new(b"k".to_vec());
    config.evaluations.deadlines.by_prefix = vec![("5119".into(), 5)];
    let app = App::new(w.app.store().clone(), w.clock.clone(), config)
        .await
        .unwrap()
        .with_uploads(std::env::temp_dir().join("tongban-evals-override"))
        .unwrap();
    let w2 = World {
        app,
        clock: w.clock.clone(),
    };
    let (_, case_id, _) = bad_rating(&w2, "k-region", true).await;
    let row = w2
        .app
        .store()
        .rectification(&case_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.due, "2026-03-09");
}

#[tokio::test]
async fn a_real_name_bad_rating_is_revisited_before_it_closes() {
    let w = world().await;
    let (_, case_id, _) = bad_rating(&w, "k-revisit", true).await;
    let handler = staff(&w.app, "handler").await;
    let act = |cmd: LoopCommand| {
        let (app, handler, case_id) = (w.app.clone(), handler.clone(), case_id.clone());
        async move {
            app.act_on_rectification(&handler, &case_id, None, cmd)
                .await
        }
    };
    act(LoopCommand::Verify {
        finding: "属实，窗口一次性告知不到位".into(),
    })
    .await
    .unwrap();
    let view = act(LoopCommand::Rectify {
        measures: "组织窗口人员培训一次性告知".into(),
    })
    .await
    .unwrap();
    assert!(view.may_see_rater);
    assert_eq!(view.allowed, vec!["revisit"]);
    let err = act(LoopCommand::Close).await.unwrap_err();
    assert_eq!(code_of(err), "rectification.revisit_required");
    let contact = w.app.rater_contact(&handler, &case_id).await.unwrap();
    assert!(!contact.phone.is_empty());
    let reads = w
        .app
        .store()
        .events_of("rectification", &case_id)
        .await
        .unwrap();
    assert!(reads.iter().any(|e| e.action == "evaluation.rater_viewed"));
    act(LoopCommand::Revisit {
        outcome: "电话回访，群众满意".into(),
        satisfied: true,
    })
    .await
    .unwrap();
    let closed = act(LoopCommand::Close).await.unwrap();
    assert_eq!(closed.row.state, "closed");
}

#[tokio::test]
async fn staff_without_the_duty_see_no_rater_and_anonymous_ratings_keep_none() {
    let w = world().await;
    let (_, case_id, _) = bad_rating(&w, "k-anon", false).await;
    let row = w
        .app
        .store()
        .rectification(&case_id)
        .await
        .unwrap()
        .unwrap();
    let rating = w
        .app
        .store()
        .evaluation(&row.evaluation_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rating.rater_account, None);
    let handler = staff(&w.app, "handler").await;
    assert!(matches!(
        w.app.rater_contact(&handler, &case_id).await,
        Err(AppError::Forbidden)
    ));
    let (_, named_case, _) = bad_rating(&w, "k-named", true).await;
    let supervisor = staff(&w.app, "supervisor").await;
    assert!(matches!(
        w.app.rater_contact(&supervisor, &named_case).await,
        Err(AppError::Forbidden)
    ));
    let view = w.app.rectification(&supervisor, &named_case).await.unwrap();
    assert!(!view.may_see_rater);
}

#[tokio::test]
async fn an_appeal_is_decided_one_level_up_and_an_upheld_one_leaves_the_statistics() {
    let w = world().await;
    let (_, case_id, _) = bad_rating(&w, "k-appeal", true).await;
    let handler = staff(&w.app, "handler").await;
    let before = w.app.public_evaluations().await.unwrap();
    assert_eq!(before.levels[3], 1);
    w.app
        .act_on_rectification(
            &handler,
            &case_id,
            None,
            LoopCommand::Appeal {
                reason: "评价人误评：办件当日即办结".into(),
            },
        )
        .await
        .unwrap();
    let decide = LoopCommand::DecideAppeal {
        upheld: true,
        note: "经复核属误评".into(),
    };
    let own = w
        .app
        .act_on_rectification(&handler, &case_id, None, decide.clone())
        .await
        .unwrap_err();
    assert_eq!(code_of(own), "rectification.appeal_not_own_unit");
    let clerk = staff(&w.app, "clerk").await;
    assert!(matches!(
        w.app
            .act_on_rectification(&clerk, &case_id, None, decide.clone())
            .await,
        Err(AppError::Forbidden)
    ));
    let supervisor = staff(&w.app, "supervisor").await;
    let appeals = w.app.appeal_queue(&supervisor).await.unwrap();
    assert!(appeals.iter().any(|r| r.id == case_id));
    let decided = w
        .app
        .act_on_rectification(&supervisor, &case_id, None, decide)
        .await
        .unwrap();
    assert_eq!(decided.row.state, "closed");
    assert_eq!(decided.row.appeal_upheld, Some(1));
    let after = w.app.public_evaluations().await.unwrap();
    assert_eq!(
        after.levels[3], 0,
        "the upheld rating is out of the statistics"
    );
}

#[tokio::test]
async fn an_overdue_case_is_escalated_once_by_the_sweep() {
    let w = world().await;
    let (_, case_id, _) = bad_rating(&w, "k-overdue", true).await;
    assert_eq!(w.app.sweep_rectifications(100).await.unwrap(), 0);
    w.clock.set(datetime!(2026-03-24 02:00 UTC));
    assert_eq!(w.app.sweep_rectifications(100).await.unwrap(), 1);
    assert_eq!(w.app.sweep_rectifications(100).await.unwrap(), 0);
    let row = w
        .app
        .store()
        .rectification(&case_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.escalated, 1);
    let supervisor = staff(&w.app, "supervisor").await;
    let queue = w.app.rectification_queue(&supervisor).await.unwrap();
    assert!(queue.iter().any(|r| r.id == case_id));
}

#[tokio::test]
async fn a_window_service_is_rated_once_by_the_token_holder_and_the_hall_answers() {
    let w = world().await;
    let clerk = staff(&w.app, "clerk").await;
    let started = w.app.start_window_service(&clerk, None).await.unwrap();
    assert!(started.url.ends_with(&started.token));
    let hall = w.app.window_service_hall(&started.token).await.unwrap();
    assert!(!hall.is_empty());
    let input = RatingInput {
        channel: EvalChannel::HallTablet,
        ..rating(Satisfaction::VeryDissatisfied, true)
    };
    let receipt = w
        .app
        .rate_window_service(&started.token, &input)
        .await
        .unwrap();
    let case = w
        .app
        .store()
        .rectification(&receipt.rectification_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.unit_kind, "hall");
    assert_eq!(case.real_name, 0, "a window rating is anonymous");
    let again = w
        .app
        .rate_window_service(&started.token, &input)
        .await
        .unwrap_err();
    assert_eq!(code_of(again), "evaluation.already_rated");
    let citizen = login(&w.app, "citizen", CITIZEN_PASSWORD).await;
    assert!(matches!(
        w.app.start_window_service(&citizen, None).await,
        Err(AppError::Forbidden)
    ));
}
