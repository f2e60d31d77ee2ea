//! Stories about accounts, profiles, sessions, login throttling and calendar years.

use tongban_store::{
    AccountRow, CalendarYearRow, CitizenProfileRow, SessionRow, StoreError, ThrottleRow,
};

use crate::contract;
use crate::engines::{NOW_MS, TestDb};
use crate::stories_org::seed_small_tree;

fn account(id: &str, kind: &str, login: &str) -> AccountRow {
    AccountRow {
        id: id.into(),
        kind: kind.into(),
        login: login.into(),
        display_name: "张三".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$xxxx$yyyy".into(),
        role: (kind == "staff").then(|| "window_clerk".to_string()),
        unit_kind: (kind == "staff").then(|| "hall".to_string()),
        unit_id: (kind == "staff").then(|| "h-dc".to_string()),
        disabled: 0,
        created_at_ms: NOW_MS,
    }
}

async fn accounts_are_found_by_login_and_logins_are_unique(db: &TestDb) {
    seed_small_tree(&db.store).await;
    let clerk = account("a1", "staff", "clerk");
    let row = clerk.clone();
    db.store
        .write(move |ctx| Box::pin(async move { ctx.insert_account(&row).await }))
        .await
        .unwrap();
    assert_eq!(
        db.store.account_by_login("clerk").await.unwrap(),
        Some(clerk.clone())
    );
    assert_eq!(db.store.account("a1").await.unwrap(), Some(clerk));
    assert_eq!(
        db.store.staff_in_unit("hall", "h-dc").await.unwrap().len(),
        1
    );
    let dup = account("a2", "staff", "clerk");
    let err = db
        .store
        .write(move |ctx| Box::pin(async move { ctx.insert_account(&dup).await }))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)));
    assert_eq!(
        db.store.count_accounts_by_kind().await.unwrap(),
        vec![("staff".to_string(), 1)]
    );
}
contract!(
    accounts_are_found_by_login_and_logins_are_unique,
    super::accounts_are_found_by_login_and_logins_are_unique
);

async fn a_citizen_is_found_by_the_key_of_the_id_number(db: &TestDb) {
    seed_small_tree(&db.store).await;
    db.store
        .write(|ctx| {
            Box::pin(async move {
                ctx.insert_account(&account("c1", "citizen", "c00001"))
                    .await?;
                ctx.insert_citizen_profile(&CitizenProfileRow {
                    account_id: "c1".into(),
                    real_name: "张三".into(),
                    id_number: "11010519491231002X".into(),
                    id_number_key: "k-1".into(),
                    phone: "13812348000".into(),
                    division_code: Some("511902001000".into()),
                })
                .await
            })
        })
        .await
        .unwrap();
    assert_eq!(
        db.store
            .account_by_id_number_key("k-1")
            .await
            .unwrap()
            .unwrap()
            .id,
        "c1"
    );
    assert!(
        db.store
            .account_by_id_number_key("k-2")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        db.store.citizen_profile("c1").await.unwrap().unwrap().phone,
        "13812348000"
    );
    let err = db
        .store
        .write(|ctx| {
            Box::pin(async move {
                ctx.insert_account(&account("c2", "citizen", "c00002"))
                    .await?;
                ctx.insert_citizen_profile(&CitizenProfileRow {
                    account_id: "c2".into(),
                    real_name: "李四".into(),
                    id_number: "11010519491231002X".into(),
                    id_number_key: "k-1".into(),
                    phone: "13812348001".into(),
                    division_code: None,
                })
                .await
            })
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "one ID number, one account"
    );
    assert!(
        db.store.account("c2").await.unwrap().is_none(),
        "the account insert was rolled back"
    );
}
contract!(
    a_citizen_is_found_by_the_key_of_the_id_number,
    super::a_citizen_is_found_by_the_key_of_the_id_number
);

async fn sessions_outlive_the_store_and_expire(db: &TestDb) {
    seed_small_tree(&db.store).await;
    db.store
        .write(|ctx| {
            Box::pin(async move {
                ctx.insert_account(&account("a1", "staff", "clerk")).await?;
                ctx.insert_session(&SessionRow {
                    token_hash: "live".into(),
                    account_id: "a1".into(),
                    csrf_token: "csrf".into(),
                    created_at_ms: NOW_MS,
                    expires_at_ms: NOW_MS + 1000,
                })
                .await?;
                ctx.insert_session(&SessionRow {
                    token_hash: "old".into(),
                    account_id: "a1".into(),
                    csrf_token: "csrf2".into(),
                    created_at_ms: NOW_MS - 10_000,
                    expires_at_ms: NOW_MS - 1,
                })
                .await
            })
        })
        .await
        .unwrap();
    let reopened = tongban_store::Store::open(&tongban_store::StoreOptions::new(&db.url), NOW_MS)
        .await
        .unwrap();
    assert_eq!(
        reopened.session("live").await.unwrap().unwrap().csrf_token,
        "csrf"
    );
    let purged = reopened
        .write(|ctx| Box::pin(async move { ctx.delete_expired_sessions(NOW_MS).await }))
        .await
        .unwrap();
    assert_eq!(purged, 1);
    assert!(reopened.session("old").await.unwrap().is_none());
    let existed = reopened
        .write(|ctx| Box::pin(async move { ctx.delete_session("live").await }))
        .await
        .unwrap();
    assert!(existed);
    assert!(reopened.session("live").await.unwrap().is_none());
    reopened.close().await;
}
contract!(
    sessions_outlive_the_store_and_expire,
    super::sessions_outlive_the_store_and_expire
);

async fn login_throttle_rows_are_replaced_and_cleared(db: &TestDb) {
    let row = ThrottleRow {
        throttle_key: "login:clerk".into(),
        failures: 1,
        window_start_ms: 5,
        locked_until_ms: 0,
    };
    let first = row.clone();
    db.store
        .write(move |ctx| Box::pin(async move { ctx.put_throttle(&first).await }))
        .await
        .unwrap();
    let second = ThrottleRow {
        failures: 2,
        ..row.clone()
    };
    let again = second.clone();
    db.store
        .write(move |ctx| Box::pin(async move { ctx.put_throttle(&again).await }))
        .await
        .unwrap();
    assert_eq!(
        db.store.throttle("login:clerk").await.unwrap(),
        Some(second)
    );
    db.store
        .write(|ctx| Box::pin(async move { ctx.clear_throttle("login:clerk").await }))
        .await
        .unwrap();
    assert!(db.store.throttle("login:clerk").await.unwrap().is_none());
}
contract!(
    login_throttle_rows_are_replaced_and_cleared,
    super::login_throttle_rows_are_replaced_and_cleared
);

async fn a_calendar_year_is_replaced_by_a_new_import(db: &TestDb) {
    for source in ["first", "second"] {
        let row = CalendarYearRow {
            year: 2027,
            source: source.into(),
            body_json: "{}".into(),
            updated_at_ms: NOW_MS,
        };
        db.store
            .write(move |ctx| Box::pin(async move { ctx.put_calendar_year(&row).await }))
            .await
            .unwrap();
    }
    let years = db.store.calendar_years().await.unwrap();
    assert_eq!(years.len(), 1);
    assert_eq!(years[0].source, "second");
}
contract!(
    a_calendar_year_is_replaced_by_a_new_import,
    super::a_calendar_year_is_replaced_by_a_new_import
);
