//! Use-case tests of importing a list edition from a file: who may, what a dry run writes
//! (nothing), and that apply writes every row or none.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use time::macros::datetime;
use tongban_app::{App, AppConfig, AppError, EntriesQuery, FakeClock, LoginRequest, Principal};
use tongban_demo::{DemoConfig, STAFF_PASSWORD};
use tongban_domain::lists::ListKind;
use tongban_store::{Store, StoreOptions};

async fn app() -> App {
    let dir = std::env::temp_dir().join(format!("tongban-import-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/t.db", dir.display());
    let clock = Arc::new(FakeClock::at(datetime!(2026-11-25 02:00 UTC)));
    let store = Store::open(&StoreOptions::new(url), 0).await.unwrap();
    let app = App::new(store, clock, AppConfig::new(b"k".to_vec()))
        .await
        .unwrap();
    app.seed_demo(tongban_demo::generate(&DemoConfig {
        seed: 1,
        citizens: 1,
        enterprises: 1,
    }))
    .await
    .unwrap();
    app
}

async fn login(app: &App, login: &str) -> Principal {
    app.login(LoginRequest {
        login: login.into(),
        password: STAFF_PASSWORD.into(),
        client: "test".into(),
    })
    .await
    .unwrap()
    .principal
}

/// A CSV of `n` power items with two responsibility items each; `bad_last` leaves the last
/// row's 责任事项 empty while its 追责情形 is filled in.
fn csv(n: usize, bad_last: bool) -> Vec<u8> {
    let mut out =
        String::from("事项编码,事项名称,事项类型,实施部门,行使层级,设定依据,责任事项,追责情形\n");
    for i in 1..=n {
        out.push_str(&format!(
            "QZ-{i},对第{i}类违法行为的处罚,行政处罚,511900-scjgj,市级,《行政处罚法》,立案责任,不依法立案的\n"
        ));
        let duty = if bad_last && i == n {
            ""
        } else {
            "调查责任"
        };
        out.push_str(&format!("QZ-{i},,02,,,,{duty},不依法调查的\n"));
    }
    out.into_bytes()
}

async fn entry_count(app: &App, admin: &Principal) -> Option<i64> {
    app.list_entries(
        Some(admin),
        ListKind::PowerDuty,
        2030,
        &EntriesQuery::default(),
    )
    .await
    .ok()
    .map(|p| p.total)
}

#[tokio::test]
async fn a_file_whose_last_row_is_bad_writes_nothing_and_names_that_cell() {
    let app = app().await;
    let admin = login(&app, "admin").await;
    let bytes = csv(300, true);
    for dry_run in [true, false] {
        let report = app
            .import_list_edition(
                &admin,
                ListKind::PowerDuty,
                2030,
                "权责.csv",
                bytes.clone(),
                dry_run,
            )
            .await
            .unwrap();
        assert!(!report.applied);
        assert_eq!(report.problem_count, 1, "{:?}", report.problems);
        let p = &report.problems[0];
        assert_eq!(
            (p.sheet.as_str(), p.row, p.column.as_str()),
            ("权责.csv", 601, "G")
        );
        assert_eq!(p.header, "责任事项");
        assert_eq!(p.reason, "填写了追责情形，但缺少责任事项");
    }
    assert_eq!(
        entry_count(&app, &admin).await,
        None,
        "no edition was written"
    );
}

#[tokio::test]
async fn a_good_file_writes_every_row_and_a_dry_run_writes_nothing() {
    let app = app().await;
    let admin = login(&app, "admin").await;
    let dry = app
        .import_list_edition(
            &admin,
            ListKind::PowerDuty,
            2030,
            "权责.csv",
            csv(300, false),
            true,
        )
        .await
        .unwrap();
    assert!(dry.ok() && !dry.applied);
    assert_eq!((dry.rows, dry.entries, dry.duties), (600, 300, 600));
    assert_eq!(entry_count(&app, &admin).await, None);
    let report = app
        .import_list_edition(
            &admin,
            ListKind::PowerDuty,
            2030,
            "权责.csv",
            csv(300, false),
            false,
        )
        .await
        .unwrap();
    assert!(report.applied);
    let edition = report.edition.unwrap();
    assert_eq!((edition.entry_count, edition.duty_count), (300, 600));
    assert!(!edition.published);
    assert_eq!(entry_count(&app, &admin).await, Some(300));
}

#[tokio::test]
async fn only_a_city_level_system_administrator_may_import_a_list() {
    let app = app().await;
    let clerk = login(&app, "clerk").await;
    let err = app
        .import_list_edition(
            &clerk,
            ListKind::PowerDuty,
            2030,
            "a.csv",
            csv(1, false),
            true,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden));
}
