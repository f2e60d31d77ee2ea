//! The 办事指南's cached items: a change made through this app shows at once; a change made
//! by another server process on the same database shows once the cache lifetime has passed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use time::macros::datetime;
use tongban_app::{App, AppConfig, AppError, DepartmentEdit, FakeClock, LoginRequest, Principal};
use tongban_demo::{DemoConfig, STAFF_PASSWORD};
use tongban_store::{Store, StoreOptions};

const CITY_MARKET: &str = "511900-scjgj";

/// Two apps (two server processes) on one new demo database, sharing a fake clock.
async fn two_servers() -> (App, App, Arc<FakeClock>) {
    let dir = std::env::temp_dir().join(format!("tongban-guide-cache-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/t.db", dir.display());
    let clock = Arc::new(FakeClock::at(datetime!(2026-11-25 02:00 UTC)));
    let store = Store::open(&StoreOptions::new(url.clone()), 0)
        .await
        .unwrap();
    let first = App::new(store, clock.clone(), AppConfig::new(b"k".to_vec()))
        .await
        .unwrap();
    let city = tongban_demo::generate(&DemoConfig {
        seed: 1,
        citizens: 1,
        enterprises: 1,
    });
    let items = tongban_demo::catalog_items(&city);
    first.seed_demo(city).await.unwrap();
    first.seed_catalog(items).await.unwrap();
    let other_store = Store::open(&StoreOptions::new(url), 0).await.unwrap();
    let second = App::new(other_store, clock.clone(), AppConfig::new(b"k".to_vec()))
        .await
        .unwrap();
    (first, second, clock)
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

/// A published item of the city market regulator: its id and version.
async fn market_item(app: &App) -> (String, i64) {
    let row = app
        .store()
        .published_versions()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.department_id == CITY_MARKET)
        .expect("the demo catalogue has a city market item");
    (row.item_id, row.version)
}

#[tokio::test]
async fn a_guide_read_before_a_withdrawal_is_gone_right_after_it() {
    let (app, _, _) = two_servers().await;
    let (id, version) = market_item(&app).await;
    assert_eq!(app.published_item(&id).await.unwrap().version, version);
    app.withdraw_item(&login(&app, "admin").await, &id, version)
        .await
        .unwrap();
    assert!(matches!(
        app.published_item(&id).await.unwrap_err(),
        AppError::NotFound(_)
    ));
}

#[tokio::test]
async fn a_renamed_department_shows_in_the_guide_at_once() {
    let (app, _, _) = two_servers().await;
    let (id, _) = market_item(&app).await;
    let before = app.published_item(&id).await.unwrap().department;
    let edit = DepartmentEdit {
        name: before.name.clone(),
        short_name: "市监局".into(),
        uscc: before.uscc.clone(),
    };
    app.edit_department(&login(&app, "deptadmin").await, CITY_MARKET, edit)
        .await
        .unwrap();
    assert_eq!(
        app.published_item(&id).await.unwrap().department.short_name,
        "市监局"
    );
}

#[tokio::test]
async fn another_servers_withdrawal_shows_here_once_the_cache_lifetime_has_passed() {
    let (here, elsewhere, clock) = two_servers().await;
    let (id, version) = market_item(&here).await;
    assert!(here.published_item(&id).await.is_ok());
    elsewhere
        .withdraw_item(&login(&elsewhere, "admin").await, &id, version)
        .await
        .unwrap();

    clock.advance(time::Duration::milliseconds(
        tongban_app::ITEM_CACHE_TTL_MS - 1,
    ));
    assert!(
        here.published_item(&id).await.is_ok(),
        "within the lifetime this server still shows what it read"
    );
    clock.advance(time::Duration::milliseconds(1));
    assert!(matches!(
        here.published_item(&id).await.unwrap_err(),
        AppError::NotFound(_)
    ));
}
