//! The demo history: a planned year of cases seeded through the domain's rules, rebuilt from the
//! event log with nothing differing, and leaving the demo staff work to do.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use time::macros::datetime;
use tongban_app::{App, AppConfig, FakeClock, LoginRequest};
use tongban_demo::{ApplicationsConfig, DemoConfig, STAFF_PASSWORD};
use tongban_store::{Store, StoreOptions, VerifyOutcome};

async fn seeded_app(cfg: ApplicationsConfig) -> (App, usize) {
    let dir = std::env::temp_dir().join(format!("tongban-history-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/t.db", dir.display());
    let clock = Arc::new(FakeClock::at(datetime!(2026-11-30 02:00 UTC)));
    let store = Store::open(&StoreOptions::new(url), 0).await.unwrap();
    let app = App::new(store, clock, AppConfig::new(b"k".to_vec()))
        .await
        .unwrap();
    let city = tongban_demo::generate(&DemoConfig::default());
    let items = tongban_demo::catalog_items(&city);
    app.seed_demo(city.clone()).await.unwrap();
    app.seed_catalog(items.clone()).await.unwrap();
    let plan = tongban_demo::application_plan(&city, &items, &cfg);
    let planned = plan.cases.len();
    let report = app.seed_applications(plan).await.unwrap();
    assert_eq!(report.cases, planned);
    (app, planned)
}

#[tokio::test]
async fn every_demo_application_rebuilds_from_its_events_with_no_mismatch() {
    // The whole year the demo seeds (`tongban demo` uses the same plan).
    let (app, planned) = seeded_app(ApplicationsConfig::default()).await;
    assert!(planned > 20_000, "{planned}");
    let rebuilt = app.rebuild_applications().await.unwrap();
    assert_eq!(rebuilt.cases, planned);
    assert!(rebuilt.events > planned * 5, "{rebuilt:?}");
    assert!(rebuilt.mismatches.is_empty(), "{:?}", rebuilt.mismatches);
    assert!(matches!(
        app.store().verify_events().await.unwrap(),
        VerifyOutcome::Intact { .. }
    ));
    let again = app
        .seed_applications(tongban_demo::ApplicationPlan::default())
        .await
        .unwrap();
    assert!(again.already_seeded);
}

#[tokio::test]
async fn the_demo_reviewer_and_approver_find_work_some_of_it_due_soon_or_overdue() {
    let (app, _) = seeded_app(ApplicationsConfig::small(2_000)).await;
    for login in ["reviewer", "approver"] {
        let outcome = app
            .login(LoginRequest {
                login: login.into(),
                password: STAFF_PASSWORD.into(),
                client: "test".into(),
            })
            .await
            .unwrap();
        let queue = app.work_queue(&outcome.principal, 200).await.unwrap();
        assert!(!queue.entries.is_empty(), "{login} has no work");
        assert!(queue.overdue + queue.due_soon > 0, "{login}: {queue:?}");
    }
}
