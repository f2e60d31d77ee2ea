//! Stories about personal fields at rest: ID numbers, phones and message recipients are sealed
//! in the database and read back in plaintext through the store; lookups go by keyed hash;
//! rows written in plaintext before sealing are sealed once by an idempotent pass.

use tongban_store::{AccountRow, CitizenProfileRow, NewNotice, Store, StoreError, StoreOptions};

use crate::contract;
use crate::engines::{NOW_MS, TestDb, test_pii_key};

const ID_NUMBER: &str = "11010519491231002X";
const PHONE: &str = "13812348000";
const EMAIL: &str = "zhangsan@example.com";

fn citizen(id: &str) -> AccountRow {
    AccountRow {
        id: id.into(),
        kind: "citizen".into(),
        login: format!("login-{id}"),
        display_name: "张三".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$xxxx$yyyy".into(),
        role: None,
        unit_kind: None,
        unit_id: None,
        disabled: 0,
        created_at_ms: NOW_MS,
    }
}

fn profile(id: &str, id_number: &str, phone: &str) -> CitizenProfileRow {
    CitizenProfileRow {
        account_id: id.into(),
        real_name: "张三".into(),
        id_number: id_number.into(),
        id_number_key: format!("key-{id}"),
        phone: phone.into(),
        division_code: None,
    }
}

async fn register(store: &Store, id: &str, id_number: &str, phone: &str) {
    let account = citizen(id);
    let profile = profile(id, id_number, phone);
    store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.insert_account(&account).await?;
                ctx.insert_citizen_profile(&profile).await
            })
        })
        .await
        .unwrap();
}

fn notice(key: &str, account: &str) -> NewNotice {
    NewNotice {
        dedupe_key: key.into(),
        account_id: account.into(),
        at_ms: NOW_MS,
        subject: "办件已受理".into(),
        body: "您提交的申请已受理。".into(),
        link: String::new(),
        sms_to: Some(PHONE.into()),
        email_to: Some(EMAIL.into()),
    }
}

/// Every personal column as the database holds it.
async fn raw_personal_values(db: &TestDb) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id_number, phone FROM citizen_profiles")
            .fetch_all(&db.raw)
            .await
            .unwrap();
    for (number, phone) in rows {
        values.push(number);
        values.push(phone);
    }
    let rows: Vec<(String,)> = sqlx::query_as("SELECT recipient FROM outbox")
        .fetch_all(&db.raw)
        .await
        .unwrap();
    values.extend(rows.into_iter().map(|(r,)| r));
    values
}

fn assert_all_sealed(values: &[String]) {
    assert!(!values.is_empty());
    for value in values {
        assert!(value.starts_with("sm4g1:"), "not sealed: {value:.12}…");
        for plain in [ID_NUMBER, PHONE, EMAIL] {
            assert!(!value.contains(plain));
        }
    }
}

async fn personal_fields_are_sealed_at_rest_and_read_back_in_plaintext(db: &TestDb) {
    register(&db.store, "c1", ID_NUMBER, PHONE).await;
    db.store
        .write(|ctx| {
            Box::pin(async move {
                ctx.enqueue_notice(&notice("n-direct", "c1")).await?;
                ctx.defer_notice(notice("n-deferred", "c1"));
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();

    assert_all_sealed(&raw_personal_values(db).await);
    let read = db.store.citizen_profile("c1").await.unwrap().unwrap();
    assert_eq!(
        (read.id_number.as_str(), read.phone.as_str()),
        (ID_NUMBER, PHONE)
    );
    assert_eq!(
        db.store
            .account_by_id_number_key("key-c1")
            .await
            .unwrap()
            .unwrap()
            .id,
        "c1",
        "the lookup goes by the keyed hash, not the sealed value"
    );
    let sms = db
        .store
        .outbox_message("n-deferred:sms")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sms.recipient, PHONE);
    let page = db.store.outbox_page(10, 0).await.unwrap();
    assert_eq!(page.len(), 4);
    assert!(
        page.iter()
            .all(|m| m.recipient == PHONE || m.recipient == EMAIL)
    );
    let claimed = db
        .store
        .write(|ctx| {
            Box::pin(async move {
                ctx.claim_outbox(&["sms", "email"], NOW_MS, NOW_MS + 60_000, 10, "t1")
                    .await
            })
        })
        .await
        .unwrap();
    assert_eq!(claimed.len(), 4);
    assert!(
        claimed
            .iter()
            .all(|m| m.recipient == PHONE || m.recipient == EMAIL)
    );
}
contract!(
    personal_fields_are_sealed_at_rest_and_read_back_in_plaintext,
    super::personal_fields_are_sealed_at_rest_and_read_back_in_plaintext
);

async fn the_same_value_seals_differently_every_time(db: &TestDb) {
    register(&db.store, "c1", ID_NUMBER, PHONE).await;
    register(&db.store, "c2", "110105194912310037", PHONE).await;
    let phones: Vec<(String,)> =
        sqlx::query_as("SELECT phone FROM citizen_profiles ORDER BY account_id")
            .fetch_all(&db.raw)
            .await
            .unwrap();
    assert_ne!(phones[0].0, phones[1].0, "a fresh nonce per value");
}
contract!(
    the_same_value_seals_differently_every_time,
    super::the_same_value_seals_differently_every_time
);

async fn a_sealed_value_moved_to_another_row_does_not_open(db: &TestDb) {
    register(&db.store, "c1", ID_NUMBER, PHONE).await;
    register(&db.store, "c2", "110105194912310037", "13900000000").await;
    sqlx::query(
        "UPDATE citizen_profiles SET phone = (SELECT phone FROM citizen_profiles WHERE account_id = 'c1')
         WHERE account_id = 'c2'",
    )
    .execute(&db.raw)
    .await
    .unwrap();
    let err = db.store.citizen_profile("c2").await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err}");
    assert!(!err.to_string().contains(PHONE));
}
contract!(
    a_sealed_value_moved_to_another_row_does_not_open,
    super::a_sealed_value_moved_to_another_row_does_not_open
);

async fn plaintext_rows_from_before_sealing_are_sealed_once(db: &TestDb) {
    register(&db.store, "c0", "110105194912310037", "13900000000").await;
    // Rows as an older version wrote them.
    sqlx::query(
        "INSERT INTO accounts (id, kind, login, display_name, password_hash, role, unit_kind,
             unit_id, disabled, created_at_ms)
         VALUES ('c1', 'citizen', 'old', '张三', 'x', NULL, NULL, NULL, 0, 0)",
    )
    .execute(&db.raw)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO citizen_profiles (account_id, real_name, id_number, id_number_key, phone,
             division_code)
         VALUES ('c1', '张三', $1, 'key-c1', $2, NULL)",
    )
    .bind(ID_NUMBER)
    .bind(PHONE)
    .execute(&db.raw)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO notices (id, dedupe_key, account_id, at_ms, subject, body, link, read_at_ms)
         VALUES ('n1', 'old-notice', 'c1', 0, 's', 'b', '', NULL)",
    )
    .execute(&db.raw)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO outbox (idempotency_key, notice_id, channel, recipient, status, attempts,
             next_attempt_ms, lease_until_ms, claim_token, last_error, created_at_ms, sent_at_ms)
         VALUES ('old-notice:sms', 'n1', 'sms', $1, 'pending', 0, 0, NULL, NULL, NULL, 0, NULL)",
    )
    .bind(PHONE)
    .execute(&db.raw)
    .await
    .unwrap();
    let before = db.store.citizen_profile("c1").await.unwrap().unwrap();
    assert_eq!(before.id_number, ID_NUMBER, "plaintext is read as it is");

    let report = db.store.seal_plaintext_pii(1).await.unwrap();
    assert_eq!((report.citizen_profiles, report.outbox), (1, 1));
    assert_eq!(report.batches, 2, "one transaction per batch of one row");
    assert_all_sealed(&raw_personal_values(db).await);
    let sealed_once = raw_personal_values(db).await;

    let again = db.store.seal_plaintext_pii(100).await.unwrap();
    assert_eq!(
        (again.citizen_profiles, again.outbox, again.batches),
        (0, 0, 0)
    );
    assert_eq!(
        raw_personal_values(db).await,
        sealed_once,
        "sealed values are left alone"
    );
    let after = db.store.citizen_profile("c1").await.unwrap().unwrap();
    assert_eq!(
        (after.id_number.as_str(), after.phone.as_str()),
        (ID_NUMBER, PHONE)
    );
    let message = db
        .store
        .outbox_message("old-notice:sms")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(message.recipient, PHONE);
}
contract!(
    plaintext_rows_from_before_sealing_are_sealed_once,
    super::plaintext_rows_from_before_sealing_are_sealed_once
);

async fn a_store_without_the_key_neither_writes_nor_reads_personal_fields(db: &TestDb) {
    register(&db.store, "c1", ID_NUMBER, PHONE).await;
    let keyless = Store::open(&StoreOptions::new(&db.url), NOW_MS)
        .await
        .unwrap();
    assert!(keyless.citizen_profile("c1").await.is_err());
    let account = citizen("c2");
    let row = profile("c2", "110105194912310037", PHONE);
    let err = keyless
        .write(move |ctx| {
            Box::pin(async move {
                ctx.insert_account(&account).await?;
                ctx.insert_citizen_profile(&row).await
            })
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Config(_)), "{err}");
    assert!(keyless.account("c2").await.unwrap().is_none());
    assert!(
        keyless
            .install_pii_key(tongban_domain::pii::PiiKey::derive(b"another"))
            .is_ok()
    );
    assert!(
        keyless.install_pii_key(test_pii_key()).is_err(),
        "one key per store"
    );
    keyless.close().await;
}
contract!(
    a_store_without_the_key_neither_writes_nor_reads_personal_fields,
    super::a_store_without_the_key_neither_writes_nor_reads_personal_fields
);
