//! Use-case tests on a fresh SQLite store and a fake clock: authorization is decided here, not
//! only in pages, and time is whatever the test says it is.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use time::macros::datetime;
use tongban_app::{
    App, AppConfig, AppError, CitizenRegistration, DepartmentEdit, EnterpriseRegistration,
    FakeClock, LoginRequest, Principal,
};
use tongban_demo::{DemoConfig, STAFF_PASSWORD};
use tongban_store::{Store, StoreOptions, VerifyOutcome};

async fn app() -> (App, Arc<FakeClock>) {
    let dir = std::env::temp_dir().join(format!("tongban-app-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/t.db", dir.display());
    let clock = Arc::new(FakeClock::at(datetime!(2026-11-25 02:00 UTC)));
    let store = Store::open(&StoreOptions::new(url), 0).await.unwrap();
    let app = App::new(store, clock.clone(), AppConfig::new(b"k".to_vec()))
        .await
        .unwrap();
    app.seed_demo(tongban_demo::generate(&DemoConfig {
        seed: 1,
        citizens: 3,
        enterprises: 2,
    }))
    .await
    .unwrap();
    (app, clock)
}

async fn login(app: &App, login: &str) -> (String, Principal) {
    let outcome = app
        .login(LoginRequest {
            login: login.into(),
            password: STAFF_PASSWORD.into(),
            client: "test".into(),
        })
        .await
        .unwrap();
    (outcome.token, outcome.principal)
}

#[tokio::test]
async fn a_session_ends_when_its_hours_are_up() {
    let (app, clock) = app().await;
    let (token, _) = login(&app, "clerk").await;
    clock.advance(time::Duration::hours(11));
    assert!(app.session(&token).await.unwrap().is_some());
    clock.advance(time::Duration::hours(2));
    assert!(app.session(&token).await.unwrap().is_none());
}

#[tokio::test]
async fn a_department_admin_may_rename_their_own_department_but_no_other() {
    let (app, _) = app().await;
    let (_, dept_admin) = login(&app, "deptadmin").await;
    let own = app.department("511900-scjgj").await.unwrap();
    let edit = DepartmentEdit {
        name: own.name.clone(),
        short_name: "市监局".into(),
        uscc: own.uscc.clone(),
    };
    let saved = app
        .edit_department(&dept_admin, "511900-scjgj", edit.clone())
        .await
        .unwrap();
    assert_eq!(saved.short_name, "市监局");
    let other = app
        .edit_department(&dept_admin, "511902-scjgj", edit)
        .await
        .unwrap_err();
    assert!(matches!(other, AppError::Forbidden));
}

#[tokio::test]
async fn only_a_city_level_system_administrator_may_import_a_calendar_year() {
    let (app, _) = app().await;
    let json = r#"{"year":2027,"source":"测试","holidays":[{"date":"2027-01-01","name":"元旦"}],"makeup_workdays":[]}"#;
    let (_, clerk) = login(&app, "clerk").await;
    assert!(matches!(
        app.import_calendar_year(&clerk, json).await.unwrap_err(),
        AppError::Forbidden
    ));
    assert!(
        app.calendar_year_days(2027).is_err(),
        "nothing was imported"
    );
    let (_, admin) = login(&app, "admin").await;
    app.import_calendar_year(&admin, json).await.unwrap();
    assert_eq!(app.calendar_year_days(2027).unwrap().len(), 365);
}

#[tokio::test]
async fn a_calendar_year_imported_by_another_process_is_used_after_a_reload() {
    let dir = std::env::temp_dir().join(format!("tongban-app-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/t.db", dir.display());
    let clock = Arc::new(FakeClock::at(datetime!(2026-11-25 02:00 UTC)));
    let mut apps = Vec::new();
    for _ in 0..2 {
        let store = Store::open(&StoreOptions::new(url.clone()), 0)
            .await
            .unwrap();
        let app = App::new(store, clock.clone(), AppConfig::new(b"k".to_vec()))
            .await
            .unwrap();
        apps.push(app);
    }
    let json = r#"{"year":2027,"source":"测试","holidays":[{"date":"2027-01-01","name":"元旦"}],"makeup_workdays":[]}"#;
    apps[0]
        .import_calendar_year_as("operator", json)
        .await
        .unwrap();
    assert!(apps[1].calendar_year_days(2027).is_err(), "not read yet");
    apps[1].reload_shared_tables().await.unwrap();
    assert_eq!(apps[1].calendar_year_days(2027).unwrap().len(), 365);
    for app in apps {
        app.store().close().await;
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_citizen_registers_with_a_valid_id_number_and_a_bad_one_is_explained() {
    let (app, _) = app().await;
    let bad = app
        .register_citizen(CitizenRegistration {
            real_name: "王小明".into(),
            id_number: "110105194912310021".into(),
            phone: "1381234".into(),
            password: "short".into(),
        })
        .await
        .unwrap_err();
    let AppError::Invalid { fields, .. } = bad else {
        panic!("expected field errors")
    };
    let named: Vec<_> = fields.iter().map(|f| f.field.as_ref()).collect();
    assert_eq!(named, ["id_number", "phone", "password"]);
    assert!(
        fields[0].message.contains("校验码"),
        "{}",
        fields[0].message
    );
    let login = app
        .register_citizen(CitizenRegistration {
            real_name: "王小明".into(),
            id_number: "11010519491231002X".into(),
            phone: "13812348000".into(),
            password: "Wang2026pass".into(),
        })
        .await
        .unwrap();
    let again = app
        .register_citizen(CitizenRegistration {
            real_name: "王小明".into(),
            id_number: "11010519491231002X".into(),
            phone: "13812348001".into(),
            password: "Wang2026pass".into(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(again, AppError::Invalid { .. }),
        "one ID number, one account"
    );
    let by_id = app
        .login(LoginRequest {
            login: "11010519491231002X".into(),
            password: "Wang2026pass".into(),
            client: "t".into(),
        })
        .await
        .unwrap();
    assert!(matches!(by_id.principal, Principal::Citizen { .. }));
    assert!(login.starts_with('c'));
}

#[tokio::test]
async fn an_enterprise_registers_with_its_uscc_and_a_wrong_check_character_is_refused() {
    let (app, _) = app().await;
    let form = |uscc: &str| EnterpriseRegistration {
        name: "巴中市测试农业有限公司".into(),
        uscc: uscc.into(),
        legal_rep_name: "李四".into(),
        password: "Test2026pass".into(),
    };
    let err = app
        .register_enterprise(form("91350203M0001QAY9B"))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Invalid { ref fields, .. } if fields[0].field == "uscc"));
    assert_eq!(
        app.register_enterprise(form("91350200776049653A"))
            .await
            .unwrap(),
        "91350200776049653A"
    );
}

#[tokio::test]
async fn staff_reading_a_personal_record_leaves_an_event_and_the_chain_verifies() {
    let (app, _) = app().await;
    let (_, clerk) = login(&app, "clerk").await;
    let before = app.store().head_seq().await.unwrap();
    app.view_citizen_record(&clerk, "citizen-citizen")
        .await
        .unwrap();
    let events = app.store().events_after(before, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "personal_record.viewed");
    let (_, citizen) = {
        let o = app
            .login(LoginRequest {
                login: "citizen".into(),
                password: "Citizen@2026".into(),
                client: "t".into(),
            })
            .await
            .unwrap();
        (o.token, o.principal)
    };
    assert!(matches!(
        app.view_citizen_record(&citizen, "citizen-citizen")
            .await
            .unwrap_err(),
        AppError::Forbidden
    ));
    assert!(matches!(
        app.verify_audit_chain_as_operator().await.unwrap(),
        VerifyOutcome::Intact { .. }
    ));
}

#[tokio::test]
async fn seeding_twice_writes_nothing_the_second_time() {
    let (app, _) = app().await;
    let head = app.store().head_seq().await.unwrap();
    let report = app
        .seed_demo(tongban_demo::generate(&DemoConfig::default()))
        .await
        .unwrap();
    assert!(report.already_seeded);
    assert_eq!(app.store().head_seq().await.unwrap(), head);
}
