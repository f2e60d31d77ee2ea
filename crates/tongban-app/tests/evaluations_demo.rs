//! The demo's 好差评: the year of history rated realistically (most cases, mostly 非常满意/满意,
//! a few tenths of a percent 差评, some anonymous, channels mixed), 差评 loops in every state,
//! the same on every run, and the demo logins finding their work.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::sync::Arc;

use time::macros::datetime;
use tongban_app::evaluations::RatingInput;
use tongban_app::{App, AppConfig, FakeClock, LoginRequest, Principal};
use tongban_demo::{ApplicationsConfig, CITIZEN_PASSWORD, DemoConfig, STAFF_PASSWORD};
use tongban_domain::application::Status;
use tongban_domain::evaluation::{EvalChannel, EvalStage, Satisfaction};
use tongban_store::{RectificationScope, Store, StoreOptions, VerifyOutcome};

async fn login(app: &App, login: &str, password: &str) -> Principal {
    app.login(LoginRequest {
        login: login.into(),
        password: password.into(),
        client: "t".into(),
    })
    .await
    .unwrap()
    .principal
}

#[tokio::test]
async fn the_demo_history_is_rated_with_bad_rating_loops_in_every_state() {
    let dir = std::env::temp_dir().join(format!("tongban-evals-demo-{}", uuid::Uuid::new_v4()));
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
    let plan = tongban_demo::application_plan(&city, &items, &ApplicationsConfig::default());
    app.seed_applications(plan).await.unwrap();

    let started = std::time::Instant::now();
    let report = app.seed_evaluations().await.unwrap();
    eprintln!("seeded {report:?} in {} ms", started.elapsed().as_millis());
    assert!(report.ratings > 10_000, "{report:?}");
    let bad_share = report.bad as f64 / report.ratings as f64;
    assert!((0.001..=0.006).contains(&bad_share), "{report:?}");
    let anonymous_share = report.anonymous as f64 / report.ratings as f64;
    assert!((0.1..=0.3).contains(&anonymous_share), "{report:?}");

    let all = app
        .store()
        .rectification_queue(&RectificationScope::DivisionUnder("5119".into()), 10_000)
        .await
        .unwrap();
    assert_eq!(all.len(), report.bad);
    let states: BTreeSet<&str> = all.iter().map(|r| r.state.as_str()).collect();
    for state in [
        "open",
        "verified",
        "rectified",
        "explained",
        "appealed",
        "closed",
    ] {
        assert!(states.contains(state), "no 差评 left {state}: {states:?}");
    }
    assert!(all.iter().any(|r| r.escalated == 1), "an escalated one");
    assert!(
        all.iter().any(|r| r.appeal_upheld == Some(1)),
        "an upheld appeal"
    );
    assert!(
        all.iter().any(|r| r.appeal_upheld == Some(0)),
        "a refused appeal"
    );

    // The demo logins find their work.
    let handler = login(&app, "handler", STAFF_PASSWORD).await;
    let queue = app.rectification_queue(&handler).await.unwrap();
    assert!(
        queue
            .iter()
            .any(|r| r.state == "open" || r.state == "verified"),
        "the city handler has open 差评 work"
    );
    let supervisor = login(&app, "supervisor", STAFF_PASSWORD).await;
    assert!(!app.appeal_queue(&supervisor).await.unwrap().is_empty());
    let citizen = login(&app, "citizen", CITIZEN_PASSWORD).await;
    let mine = app
        .store()
        .applications_after("", 100_000)
        .await
        .unwrap()
        .into_iter()
        .find(|r| {
            r.applicant_account == citizen.account_id() && r.status == Status::Completed.code()
        })
        .expect("the demo citizen has a completed case");
    app.rate_application(
        &citizen,
        &mine.id,
        EvalStage::Completed,
        &RatingInput {
            satisfaction: Satisfaction::VerySatisfied,
            options: vec![],
            comment: String::new(),
            real_name: true,
            channel: EvalChannel::Pc,
        },
    )
    .await
    .unwrap();

    assert!(app.seed_evaluations().await.unwrap().already_seeded);
    assert!(matches!(
        app.store().verify_events().await.unwrap(),
        VerifyOutcome::Intact { .. }
    ));
}
