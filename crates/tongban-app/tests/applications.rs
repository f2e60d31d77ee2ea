//! Use-case tests of applications on a fresh SQLite store with the demo city and catalogue:
//! starting a case on each channel, idempotent starts, two clerks at once, authorization,
//! mandates, the sweeps, and the rebuild of every case from the log.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use time::macros::datetime;
use tongban_app::applications::StartRequest;
use tongban_app::{App, AppConfig, AppError, FakeClock, LoginRequest, Principal};
use tongban_demo::{CITIZEN_PASSWORD, DemoConfig, STAFF_PASSWORD};
use tongban_domain::application::{AcceptanceMode, Command, DeliveryMethod, Status};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

struct World {
    app: App,
    clock: Arc<FakeClock>,
    url: String,
}

async fn world() -> World {
    let dir = std::env::temp_dir().join(format!("tongban-apps-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/t.db", dir.display());
    // Monday 2026-03-02, 10:00 Beijing.
    let clock = Arc::new(FakeClock::at(datetime!(2026-03-02 02:00 UTC)));
    let store = tongban_store::Store::open(&tongban_store::StoreOptions::new(url.clone()), 0)
        .await
        .unwrap();
    let app = App::new(store, clock.clone(), AppConfig::new(b"k".to_vec()))
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
    World { app, clock, url }
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

/// A published item of the city market regulator (where the demo reviewer and approver
/// work) with a review and a decision step, and its required materials.
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

/// The citizen starts a case online, attaches every required material and submits it.
async fn submitted_case(w: &World, key: &str) -> (String, Principal) {
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
    (app.id, citizen)
}

fn accept() -> Command {
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

#[tokio::test]
async fn an_online_case_goes_from_draft_to_completed_with_every_step_in_the_log() {
    let w = world().await;
    let (id, citizen) = submitted_case(&w, "k-1").await;
    let clerk = staff(&w.app, "clerk").await;
    let queue = w.app.work_queue(&clerk, 50).await.unwrap();
    assert!(
        queue.entries.iter().any(|e| e.id == id),
        "the clerk sees it"
    );
    w.app
        .act_on_application(&clerk, &id, None, accept())
        .await
        .unwrap();
    let reviewer = staff(&w.app, "reviewer").await;
    w.app
        .act_on_application(&reviewer, &id, None, approve())
        .await
        .unwrap();
    let approver = staff(&w.app, "approver").await;
    let decided = w
        .app
        .act_on_application(&approver, &id, None, approve())
        .await
        .unwrap();
    assert_eq!(decided.status, Status::Decided);
    let done = w
        .app
        .act_on_application(
            &clerk,
            &id,
            None,
            Command::Deliver {
                method: DeliveryMethod::Electronic,
            },
        )
        .await
        .unwrap();
    assert_eq!(done.status, Status::Completed);
    assert_eq!(done.visits, 0);
    let view = w.app.application_view(&citizen, &id).await.unwrap();
    assert_eq!(view.status_zh, "已办结");
    assert!(view.app.number.starts_with("51190020260302"));
    let report = w.app.rebuild_applications().await.unwrap();
    assert_eq!(report.cases, 1);
    assert!(report.mismatches.is_empty(), "{report:?}");
    assert_eq!(report.events as u64, done.revision);
}

#[tokio::test]
async fn the_same_idempotency_key_twice_makes_one_case() {
    let w = world().await;
    let citizen = login(&w.app, "citizen", CITIZEN_PASSWORD).await;
    let (item_id, _) = market_item(&w.app).await;
    let req = StartRequest {
        item_id,
        channel: "mobile".into(),
        idempotency_key: Some("form-123".into()),
        ..Default::default()
    };
    let first = w
        .app
        .start_application(&citizen, req.clone())
        .await
        .unwrap();
    let second = w.app.start_application(&citizen, req).await.unwrap();
    assert_eq!(first.id, second.id);
    assert_eq!(first.number, second.number);
    assert_eq!(
        w.app.my_applications(&citizen, 10, 0).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn two_clerks_on_one_case_at_once_one_wins_and_the_other_is_told() {
    let w = world().await;
    let (id, _) = submitted_case(&w, "k-2").await;
    let clerk = staff(&w.app, "clerk").await;
    let seen = w.app.application(&clerk, &id).await.unwrap().revision;
    let (a, b) = tokio::join!(
        w.app.act_on_application(&clerk, &id, Some(seen), accept()),
        w.app.act_on_application(
            &clerk,
            &id,
            Some(seen),
            Command::RequestCorrection {
                items: vec!["身份证复印件不清晰".into()]
            }
        ),
    );
    let (won, lost) = match (a, b) {
        (Ok(app), Err(e)) | (Err(e), Ok(app)) => (app, e),
        other => panic!("exactly one must win: {other:?}"),
    };
    assert!(matches!(lost, AppError::Conflict(ref m) if m.contains("刚刚已被他人处理")));
    assert_eq!(won.revision, seen + 1);
    let mut stored = w.app.application(&clerk, &id).await.unwrap();
    assert_eq!(
        stored.history.len() as u64,
        won.revision,
        "one line per event, no more"
    );
    // An action answers without the timeline.
    stored.history.clear();
    assert_eq!(stored, won, "nothing of the loser was written");
}

#[tokio::test]
async fn a_refused_transition_has_a_stable_code_and_a_chinese_message() {
    let w = world().await;
    let (id, _) = submitted_case(&w, "k-3").await;
    let reviewer = staff(&w.app, "reviewer").await;
    // A reviewer may not accept; a clerk may, but not approve before acceptance.
    let err = w
        .app
        .act_on_application(&reviewer, &id, None, accept())
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden));
    let clerk = staff(&w.app, "clerk").await;
    let err = w
        .app
        .act_on_application(&clerk, &id, None, approve())
        .await
        .unwrap_err();
    match err {
        AppError::Invalid { fields, .. } => {
            assert_eq!(fields[0].code, "application.invalid_transition");
            assert_eq!(fields[0].message, "该办件当前状态为“待受理”，不能同意");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn another_citizen_cannot_see_or_touch_a_case() {
    let w = world().await;
    let (id, _) = submitted_case(&w, "k-4").await;
    let other = login(&w.app, "c00001", CITIZEN_PASSWORD).await;
    assert!(w.app.application(&other, &id).await.is_err());
    let err = w
        .app
        .act_on_application(&other, &id, None, Command::Withdraw { reason: "x".into() })
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden));
}

#[tokio::test]
async fn a_runner_applies_only_under_a_live_mandate() {
    let w = world().await;
    let citizen = login(&w.app, "citizen", CITIZEN_PASSWORD).await;
    let runner = staff(&w.app, "runner").await;
    let (item_id, _) = market_item(&w.app).await;
    let start = |mandate: Option<String>| StartRequest {
        item_id: item_id.clone(),
        channel: "runner".into(),
        applicant_account: Some(citizen.account_id().to_string()),
        mandate_id: mandate,
        ..Default::default()
    };
    let err = w
        .app
        .start_application(&runner, start(None))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    let mandate = w
        .app
        .grant_mandate(
            &citizen,
            tongban_app::applications::MandateRequest {
                agent_login: "runner".into(),
                item_ids: vec![item_id.clone()],
                valid_until: time::macros::date!(2026 - 06 - 30),
            },
        )
        .await
        .unwrap();
    let case = w
        .app
        .start_application(&runner, start(Some(mandate.id.clone())))
        .await
        .unwrap();
    assert_eq!(case.agent_account.as_deref(), Some(runner.account_id()));
    assert_eq!(case.mandate_id.as_deref(), Some(mandate.id.as_str()));
    w.app.revoke_mandate(&citizen, &mandate.id).await.unwrap();
    let err = w
        .app
        .start_application(&runner, start(Some(mandate.id.clone())))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("撤销"), "{err}");
}

#[tokio::test]
async fn overdue_steps_are_escalated_once_by_the_sweep() {
    let w = world().await;
    let (id, _) = submitted_case(&w, "k-5").await;
    let clerk = staff(&w.app, "clerk").await;
    w.app
        .act_on_application(&clerk, &id, None, accept())
        .await
        .unwrap();
    // A month later the review step is long overdue.
    w.clock.set(datetime!(2026-04-02 02:00 UTC));
    let reviewer = staff(&w.app, "reviewer").await;
    let queue = w.app.work_queue(&reviewer, 50).await.unwrap();
    assert_eq!(queue.overdue, 1);
    let first = w.app.sweep_applications(100).await.unwrap();
    assert_eq!(first.escalated, 1);
    let again = w.app.sweep_applications(100).await.unwrap();
    assert_eq!(again.escalated, 0);
    let head = staff(&w.app, "deptadmin").await;
    let list = w.app.work_queue(&head, 50).await.unwrap();
    assert!(list.entries.iter().any(|e| e.id == id && e.escalated));
    let told = w.app.my_notices(&head, 1).await.unwrap();
    assert_eq!(told.total, 1);
    assert!(told.notices[0].subject.starts_with("超期督办"));
}

#[tokio::test]
async fn more_overdue_steps_than_one_sweep_takes_are_all_escalated_by_the_next_sweeps() {
    let w = world().await;
    let clerk = staff(&w.app, "clerk").await;
    for key in ["k-o1", "k-o2", "k-o3"] {
        let (id, _) = submitted_case(&w, key).await;
        w.app
            .act_on_application(&clerk, &id, None, accept())
            .await
            .unwrap();
    }
    w.clock.set(datetime!(2026-04-02 02:00 UTC));
    let mut rounds = Vec::new();
    for _ in 0..3 {
        rounds.push(w.app.sweep_applications(2).await.unwrap().escalated);
    }
    assert_eq!(rounds, [2, 1, 0], "escalated steps do not block the rest");
}

#[tokio::test]
async fn the_applicant_is_told_of_each_change_once() {
    let w = world().await;
    let (id, citizen) = submitted_case(&w, "k-6").await;
    let clerk = staff(&w.app, "clerk").await;
    w.clock.advance(time::Duration::minutes(30));
    w.app
        .act_on_application(
            &clerk,
            &id,
            None,
            Command::RequestCorrection {
                items: vec!["身份证复印件不清晰".into()],
            },
        )
        .await
        .unwrap();
    let inbox = w.app.my_notices(&citizen, 1).await.unwrap();
    let subjects: Vec<&str> = inbox.notices.iter().map(|n| n.subject.as_str()).collect();
    assert_eq!(inbox.total, 2, "{subjects:?}");
    assert!(subjects[0].ends_with("一次性告知补正"), "{subjects:?}");
    assert!(inbox.notices[0].body.contains("身份证复印件不清晰"));
    assert!(subjects[1].ends_with("提交申请"));
}

async fn bundle_files(app: &App, code: &str) -> Vec<tongban_app::applications::BundleFile> {
    let def = tongban_app::applications::bundle_definitions()
        .into_iter()
        .find(|d| d.code == code)
        .unwrap();
    let mut names: Vec<String> = Vec::new();
    for part in &def.parts {
        let (hits, _) = app
            .search_items(&tongban_app::CatalogQuery {
                text: part.item_name.clone(),
                ..Default::default()
            })
            .await
            .unwrap();
        let hit = hits.iter().find(|h| h.name == part.item_name).unwrap();
        let item = app.published_item(&hit.item_id).await.unwrap().item;
        for m in item.materials.iter().filter(|m| m.required) {
            if !names.contains(&m.name) {
                names.push(m.name.clone());
            }
        }
    }
    names
        .into_iter()
        .map(|material| tongban_app::applications::BundleFile {
            material,
            file_name: "scan.png".into(),
            bytes: PNG.to_vec(),
        })
        .collect()
}

fn newborn_form() -> std::collections::BTreeMap<String, String> {
    [
        ("baby_name", "李小宝"),
        ("baby_birth_date", "2026-02-20"),
        ("mother_name", "王芳"),
        ("contact_phone", "13800000000"),
        ("address", "巴中市巴州区江北街道"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

#[tokio::test]
async fn a_bundle_is_one_form_fanned_out_to_several_departments() {
    let w = world().await;
    let citizen = login(&w.app, "citizen", CITIZEN_PASSWORD).await;
    let missing = w
        .app
        .apply_bundle(
            &citizen,
            tongban_app::applications::BundleRequest {
                code: "newborn".into(),
                channel: "pc".into(),
                idempotency_key: Some("b-1".into()),
                form: Default::default(),
                files: vec![],
            },
        )
        .await
        .unwrap_err();
    match missing {
        AppError::Invalid { fields, .. } => {
            assert!(fields.iter().any(|f| f.field == "form.baby_name"));
            assert!(fields.iter().any(|f| f.code == "bundle.material_missing"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        w.app
            .my_applications(&citizen, 50, 0)
            .await
            .unwrap()
            .is_empty()
    );
    let req = tongban_app::applications::BundleRequest {
        code: "newborn".into(),
        channel: "pc".into(),
        idempotency_key: Some("b-2".into()),
        form: newborn_form(),
        files: bundle_files(&w.app, "newborn").await,
    };
    let bundle = w.app.apply_bundle(&citizen, req.clone()).await.unwrap();
    assert_eq!(bundle.parts.len(), 5);
    assert_eq!(bundle.status_zh, "办理中");
    let again = w.app.apply_bundle(&citizen, req).await.unwrap();
    assert_eq!(
        again.id, bundle.id,
        "a repeated request resumes the same bundle"
    );
    assert_eq!(
        w.app.my_applications(&citizen, 50, 0).await.unwrap().len(),
        5
    );
    // The parts' forms carry the mapped fields, and there is one notice for the bundle.
    let first = w
        .app
        .application(&citizen, &bundle.parts[0].id)
        .await
        .unwrap();
    assert_eq!(
        first.form.get("新生儿姓名").map(String::as_str),
        Some("李小宝")
    );
    let inbox = w.app.my_notices(&citizen, 1).await.unwrap();
    assert_eq!(inbox.total, 1);
    assert!(inbox.notices[0].body.contains("共 5 个事项"));
}

#[tokio::test]
async fn a_staff_read_of_a_material_is_on_the_record_and_the_applicant_s_is_not() {
    let w = world().await;
    let (id, citizen) = submitted_case(&w, "k-7").await;
    let clerk = staff(&w.app, "clerk").await;
    let blob = w.app.application(&citizen, &id).await.unwrap().materials[0]
        .blob_id
        .clone();
    let viewed = |app: &App| {
        let app = app.clone();
        async move {
            app.store()
                .events_after(0, 10_000)
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.action == "application.material_viewed")
                .count()
        }
    };
    let (_, bytes) = w.app.material_file(&citizen, &id, &blob).await.unwrap();
    assert_eq!(bytes, PNG);
    assert_eq!(viewed(&w.app).await, 0);
    w.app.material_file(&clerk, &id, &blob).await.unwrap();
    assert_eq!(viewed(&w.app).await, 1);
}

#[tokio::test]
async fn an_urge_tells_the_people_due_to_act() {
    let w = world().await;
    let (id, _) = submitted_case(&w, "k-8").await;
    let clerk = staff(&w.app, "clerk").await;
    w.app
        .act_on_application(&clerk, &id, None, accept())
        .await
        .unwrap();
    let supervisor = staff(&w.app, "supervisor").await;
    w.app
        .act_on_application(
            &supervisor,
            &id,
            None,
            Command::Urge {
                note: "群众来电催问".into(),
            },
        )
        .await
        .unwrap();
    let reviewer = staff(&w.app, "reviewer").await;
    let inbox = w.app.my_notices(&reviewer, 1).await.unwrap();
    assert_eq!(inbox.total, 1);
    assert!(inbox.notices[0].subject.starts_with("催办"));
}

#[tokio::test]
async fn a_case_moved_on_elsewhere_is_decided_again_on_its_new_state() {
    let w = world().await;
    let (id, _) = submitted_case(&w, "k-9").await;
    // A second app on the same store, as another server process would be, with its own cache.
    let other = App::new(
        w.app.store().clone(),
        w.clock.clone(),
        AppConfig::new(b"k".to_vec()),
    )
    .await
    .unwrap();
    let clerk = staff(&w.app, "clerk").await;
    let seen = w.app.application(&clerk, &id).await.unwrap().revision;
    // This app has the case cached; the other one accepts it.
    w.app
        .act_on_application(
            &clerk,
            &id,
            None,
            Command::RecordVisit {
                note: "到窗口咨询".into(),
            },
        )
        .await
        .unwrap();
    other
        .act_on_application(&clerk, &id, None, accept())
        .await
        .unwrap();
    let reviewer = staff(&w.app, "reviewer").await;
    let moved = w
        .app
        .act_on_application(&reviewer, &id, None, approve())
        .await
        .unwrap();
    assert_eq!(moved.revision, seen + 3);
    assert_eq!(moved.step().unwrap().name, "决定");
    // A caller who saw an old revision is told, whatever this app had cached.
    let err = w
        .app
        .act_on_application(
            &clerk,
            &id,
            Some(seen),
            Command::RecordVisit { note: "x".into() },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)));
    assert!(
        w.app
            .rebuild_applications()
            .await
            .unwrap()
            .mismatches
            .is_empty()
    );
}

#[tokio::test]
async fn a_refused_part_does_not_lose_the_others_and_the_bundle_ends_with_one_combined_notice() {
    let w = world().await;
    let citizen = login(&w.app, "citizen", CITIZEN_PASSWORD).await;
    let bundle = w
        .app
        .apply_bundle(
            &citizen,
            tongban_app::applications::BundleRequest {
                code: "newborn".into(),
                channel: "pc".into(),
                idempotency_key: Some("b-3".into()),
                form: newborn_form(),
                files: bundle_files(&w.app, "newborn").await,
            },
        )
        .await
        .unwrap();
    let clerk = staff(&w.app, "clerk").await;
    let first = &bundle.parts[0].id;
    w.app
        .act_on_application(
            &clerk,
            first,
            None,
            Command::RefuseAcceptance {
                reason: "不属于本机关职权范围".into(),
            },
        )
        .await
        .unwrap();
    let after = w.app.bundle_view(&citizen, &bundle.id).await.unwrap();
    assert_eq!(after.status_zh, "办理中", "the other parts go on");
    assert_eq!(
        after
            .parts
            .iter()
            .filter(|p| p.status_zh == "待受理")
            .count(),
        after.parts.len() - 1
    );
    for part in &after.parts[1..] {
        w.app
            .act_on_application(
                &citizen,
                &part.id,
                None,
                Command::Withdraw {
                    reason: "改为线下办理".into(),
                },
            )
            .await
            .unwrap();
    }
    let closed = w.app.bundle_view(&citizen, &bundle.id).await.unwrap();
    assert_eq!(closed.status_zh, "已办结（部分未通过）");
    let inbox = w.app.my_notices(&citizen, 1).await.unwrap();
    let combined = inbox
        .notices
        .iter()
        .filter(|n| n.subject == "新生儿出生一件事：已办结（部分未通过）")
        .count();
    assert_eq!(
        combined,
        1,
        "{:?}",
        inbox.notices.iter().map(|n| &n.subject).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn reading_applications_events_from_the_log_is_itself_on_the_record() {
    let w = world().await;
    let _ = submitted_case(&w, "k-10").await;
    let admin = staff(&w.app, "admin").await;
    let before = w.app.store().head_seq().await.unwrap();
    let page = w
        .app
        .events_after(&admin, before - 10, 1_000)
        .await
        .unwrap();
    assert!(page.iter().any(|e| e.entity_type == "application"));
    let after = w.app.store().events_after(before, 10).await.unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].action, "audit.application_events_read");
    assert_eq!(after[0].actor, admin.account_id());
}

#[tokio::test]
async fn a_staff_view_of_a_case_is_on_the_record_and_the_applicant_s_own_is_not() {
    let w = world().await;
    let (id, citizen) = submitted_case(&w, "k-11").await;
    let views = |app: &App| {
        let app = app.clone();
        async move {
            app.store()
                .events_after(0, 100_000)
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.action == "application.viewed")
                .count()
        }
    };
    w.app.application_view(&citizen, &id).await.unwrap();
    assert_eq!(views(&w.app).await, 0);
    let clerk = staff(&w.app, "clerk").await;
    w.app.application_view(&clerk, &id).await.unwrap();
    assert_eq!(views(&w.app).await, 1);
}

/// Runs one statement on the database directly, as a raw edit would; `binds` fill its `?`s.
async fn tamper(w: &World, sql: &'static str, binds: &[&str]) {
    use sqlx::Connection as _;
    let mut conn = sqlx::SqliteConnection::connect(&w.url).await.unwrap();
    let mut query = sqlx::query(sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    query.execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

/// The 办件编号 of the cases whose stored row differs from the fold of their events.
async fn mismatches(w: &World) -> Vec<String> {
    w.app.rebuild_applications().await.unwrap().mismatches
}

#[tokio::test]
async fn the_stored_state_leaves_the_timeline_out_and_the_rebuild_still_finds_a_changed_row() {
    let w = world().await;
    let (id, citizen) = submitted_case(&w, "slim-1").await;
    let clerk = staff(&w.app, "clerk").await;
    let moved = w
        .app
        .act_on_application(&clerk, &id, None, accept())
        .await
        .unwrap();
    assert!(
        moved.history.is_empty(),
        "an action answers without a timeline"
    );
    let row = w.app.store().application(&id).await.unwrap().unwrap();
    assert!(
        !row.state_json.contains("\"history\""),
        "{}",
        row.state_json
    );
    let shown = w.app.application(&citizen, &id).await.unwrap();
    assert_eq!(
        shown.history.len() as u64,
        moved.revision,
        "a line per event"
    );
    assert_eq!(
        w.app.with_timeline(moved.clone()).await.unwrap().history,
        shown.history
    );
    assert!(mismatches(&w).await.is_empty());

    // A state changed behind the log's back is found, timeline or not.
    tamper(
        &w,
        "UPDATE applications SET state_json = replace(state_json, '\"visits\":0', '\"visits\":3') WHERE id = ?",
        &[&id],
    )
    .await;
    assert_eq!(mismatches(&w).await, [moved.number.as_str()]);
    tamper(
        &w,
        "UPDATE applications SET state_json = replace(state_json, '\"visits\":3', '\"visits\":0') WHERE id = ?",
        &[&id],
    )
    .await;
    assert!(mismatches(&w).await.is_empty());
    // So is a row that lost the position of one of its events.
    tamper(
        &w,
        "UPDATE applications SET event_seqs = substr(event_seqs, instr(event_seqs, ',') + 1) WHERE id = ?",
        &[&id],
    )
    .await;
    assert_eq!(mismatches(&w).await, [moved.number.as_str()]);
}

#[tokio::test]
async fn a_state_stored_with_its_timeline_by_an_older_release_still_loads_and_moves_on() {
    let w = world().await;
    let (id, citizen) = submitted_case(&w, "old-1").await;
    let full = w.app.application(&citizen, &id).await.unwrap();
    let old_json = serde_json::to_string(&full).unwrap();
    assert!(old_json.contains("\"history\""));
    tamper(
        &w,
        "UPDATE applications SET state_json = ? WHERE id = ?",
        &[&old_json, &id],
    )
    .await;
    assert!(
        mismatches(&w).await.is_empty(),
        "a stored timeline equal to the log's is consistent"
    );
    let clerk = staff(&w.app, "clerk").await;
    let moved = w
        .app
        .act_on_application(&clerk, &id, None, accept())
        .await
        .unwrap();
    let shown = w.app.application(&citizen, &id).await.unwrap();
    assert_eq!(shown.history.len() as u64, moved.revision);
    assert_eq!(shown.history[..full.history.len()], full.history[..]);
    let row = w.app.store().application(&id).await.unwrap().unwrap();
    assert!(
        !row.state_json.contains("\"history\""),
        "stored slim from then on"
    );
    assert!(mismatches(&w).await.is_empty());
}
