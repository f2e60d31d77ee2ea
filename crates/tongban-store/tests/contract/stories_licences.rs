//! Stories about electronic licences in the store: the type catalogue is upserted and the
//! 互通互认清单 replaced whole; a department signs with one active key at a time (a second is
//! refused and leaves nothing behind) until it retires it; licences are written once (by id, and
//! by case and type) and found by holder, case, state and the staff list's filters; a licence
//! changes state only from the state expected; uses are recorded many at once and read newest
//! first; a share is revoked once and its views are counted.

use tongban_store::{
    LicenceFilter, LicenceRow, LicenceTypeRow, RecognitionRow, ShareRow, SigningKeyRow, Store,
    StoreError, UsageRow,
};

use crate::contract;
use crate::engines::{NOW_MS, TestDb};
use crate::stories_org::event;

const MINUTE: i64 = 60_000;
const FOOD: &str = "11100000000013338W001";
const DRUG: &str = "11100000000013338W002";
const MARKET: &str = "511900-scjgj";
const HEALTH: &str = "511900-wjw";

fn licence_type(code: &str, name: &str) -> LicenceTypeRow {
    LicenceTypeRow {
        code: code.into(),
        name: name.into(),
        holder_kind: "111".into(),
        content: format!(r#"{{"code":"{code}","name":"{name}"}}"#),
        updated_at_ms: NOW_MS,
    }
}

fn recognition(department: &str, type_code: &str, item: &str) -> RecognitionRow {
    RecognitionRow {
        department_id: department.into(),
        type_code: type_code.into(),
        item_code: item.into(),
    }
}

fn key(key_id: &str, department: &str, at: i64) -> SigningKeyRow {
    SigningKeyRow {
        key_id: key_id.into(),
        department_id: department.into(),
        public_pem: format!("-----BEGIN PUBLIC KEY-----\n{key_id}\n-----END PUBLIC KEY-----"),
        sealed_secret: "00ff".into(),
        created_at_ms: NOW_MS + at,
        retired_at_ms: None,
    }
}

/// An active food licence of `holder_key`, issued manually by the market department with key
/// `k-market`, created `at` after `NOW_MS`.
fn licence(id: &str, holder_key: &str, issued_on: &str, at: i64) -> LicenceRow {
    LicenceRow {
        id: id.into(),
        type_code: FOOD.into(),
        name: "食品经营许可证".into(),
        number: format!("JY{id}"),
        holder_kind: "111".into(),
        holder_name: "张三".into(),
        holder_code: "513701199001011234".into(),
        holder_key: holder_key.into(),
        issuer_department_id: MARKET.into(),
        issuer_name: "巴中市市场监督管理局".into(),
        issuer_code: "11511900MB1234567X".into(),
        issued_on: issued_on.into(),
        valid_from: issued_on.into(),
        valid_until: Some("2030-12-31".into()),
        face: r#"{"KZ_JYFW":"预包装食品销售"}"#.into(),
        key_id: "k-market".into(),
        signature: "MEUCIQ==".into(),
        state: "active".into(),
        state_reason: String::new(),
        state_changed_at_ms: NOW_MS + at,
        source: "manual".into(),
        application_id: None,
        warning: String::new(),
        created_at_ms: NOW_MS + at,
    }
}

fn of_case(mut row: LicenceRow, application: &str, type_code: &str) -> LicenceRow {
    row.application_id = Some(application.into());
    row.type_code = type_code.into();
    row.source = "application".into();
    row
}

fn ids(rows: &[LicenceRow]) -> Vec<&str> {
    rows.iter().map(|r| r.id.as_str()).collect()
}

/// The two types and each department's key, as the catalogue loader and key set-up write them.
async fn catalogue(store: &Store) {
    store
        .write(|ctx| {
            Box::pin(async move {
                ctx.upsert_licence_type(&licence_type(FOOD, "食品经营许可证"))
                    .await?;
                ctx.upsert_licence_type(&licence_type(DRUG, "药品经营许可证"))
                    .await?;
                ctx.insert_signing_key(&key("k-market", MARKET, 0)).await?;
                ctx.insert_signing_key(&key("k-health", HEALTH, 0)).await?;
                ctx.append_event(event("licences.catalogue_loaded", "catalogue"))
                    .await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
}

/// Writes licences as issuing does: the rows, then an event per licence actually written.
async fn issue(store: &Store, rows: Vec<LicenceRow>) -> Vec<String> {
    store
        .write(move |ctx| {
            Box::pin(async move {
                let written = ctx.insert_licences_returning(&rows).await?;
                for id in &written {
                    ctx.append_event(event("licence.issued", id)).await?;
                }
                Ok::<_, StoreError>(written)
            })
        })
        .await
        .unwrap()
}

async fn set_state(store: &Store, id: &str, from: &str, to: &str, at: i64) -> bool {
    let (id, from, to) = (id.to_string(), from.to_string(), to.to_string());
    store
        .write(move |ctx| {
            Box::pin(async move {
                let moved = ctx
                    .set_licence_state(&id, &from, &to, &format!("{to}的原因"), NOW_MS + at)
                    .await?;
                if moved {
                    ctx.append_event(event(&format!("licence.{to}"), &id))
                        .await?;
                }
                Ok::<_, StoreError>(moved)
            })
        })
        .await
        .unwrap()
}

async fn licence_types_are_upserted_and_the_recognitions_are_replaced_whole(db: &TestDb) {
    catalogue(&db.store).await;
    let mut renamed = licence_type(FOOD, "食品经营许可证（新版）");
    renamed.updated_at_ms = NOW_MS + MINUTE;
    let lists = [
        vec![
            recognition(MARKET, FOOD, ""),
            recognition(HEALTH, DRUG, "511A0138000000"),
            recognition(HEALTH, FOOD, ""),
            recognition(HEALTH, FOOD, ""),
        ],
        vec![recognition(MARKET, DRUG, "")],
    ];
    let [first, second] = lists;
    db.store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.upsert_licence_type(&renamed).await?;
                ctx.replace_recognitions(&first).await?;
                ctx.append_event(event("licences.catalogue_loaded", "catalogue"))
                    .await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();

    let types = db.store.licence_types().await.unwrap();
    let names: Vec<(&str, &str)> = types
        .iter()
        .map(|t| (t.code.as_str(), t.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [(FOOD, "食品经营许可证（新版）"), (DRUG, "药品经营许可证")],
        "an upsert replaces the type of the same code; the list is by code"
    );
    let food = db.store.licence_type(FOOD).await.unwrap().unwrap();
    assert_eq!(food.updated_at_ms, NOW_MS + MINUTE);
    assert!(food.content.contains("（新版）"));
    assert!(db.store.licence_type("nope").await.unwrap().is_none());
    let recognitions = db.store.recognitions().await.unwrap();
    assert_eq!(
        recognitions,
        [
            recognition(MARKET, FOOD, ""),
            recognition(HEALTH, FOOD, ""),
            recognition(HEALTH, DRUG, "511A0138000000"),
        ],
        "read by department, type and item, a repeated entry kept once"
    );

    db.store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.replace_recognitions(&second).await?;
                ctx.append_event(event("licences.recognitions_replaced", "list"))
                    .await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
    assert_eq!(
        db.store.recognitions().await.unwrap(),
        [recognition(MARKET, DRUG, "")],
        "the new list replaces the whole old one"
    );

    let taken_name = db
        .store
        .write(|ctx| {
            Box::pin(async move {
                ctx.upsert_licence_type(&licence_type("OTHER", "药品经营许可证"))
                    .await
            })
        })
        .await;
    assert!(
        matches!(taken_name, Err(StoreError::Conflict(_))),
        "a second type may not take a type's name: {taken_name:?}"
    );
}
contract!(
    licence_types_are_upserted_and_the_recognitions_are_replaced_whole,
    super::licence_types_are_upserted_and_the_recognitions_are_replaced_whole
);

async fn a_department_signs_with_one_active_key_until_it_retires_it(db: &TestDb) {
    catalogue(&db.store).await;
    let active = db.store.active_signing_key(MARKET).await.unwrap().unwrap();
    assert_eq!(active.key_id, "k-market");
    assert!(
        db.store
            .active_signing_key("511900-sfj")
            .await
            .unwrap()
            .is_none()
    );

    let refused = db
        .store
        .write(|ctx| {
            Box::pin(async move {
                ctx.upsert_licence_type(&licence_type("X", "某证")).await?;
                ctx.insert_signing_key(&key("k-market-2", MARKET, MINUTE))
                    .await?;
                ctx.append_event(event("licences.key_created", "k-market-2"))
                    .await?;
                Ok::<_, StoreError>(())
            })
        })
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "a second active key of a department is refused: {refused:?}"
    );
    assert!(
        db.store.licence_type("X").await.unwrap().is_none(),
        "nothing of the refused unit is written"
    );
    assert!(db.store.signing_key("k-market-2").await.unwrap().is_none());
    assert_eq!(db.store.head_seq().await.unwrap(), 1);

    let (retired, active_in_unit) = db
        .store
        .write(|ctx| {
            Box::pin(async move {
                let retired = ctx.retire_signing_keys(MARKET, NOW_MS + MINUTE).await?;
                ctx.insert_signing_key(&key("k-market-2", MARKET, MINUTE))
                    .await?;
                let active = ctx.active_signing_key_in(MARKET).await?;
                ctx.append_event(event("licences.key_rotated", MARKET))
                    .await?;
                Ok::<_, StoreError>((retired, active))
            })
        })
        .await
        .unwrap();
    assert_eq!(retired, 1);
    assert_eq!(active_in_unit.unwrap().key_id, "k-market-2");
    let active = db.store.active_signing_key(MARKET).await.unwrap().unwrap();
    assert_eq!(active.key_id, "k-market-2");
    let old = db.store.signing_key("k-market").await.unwrap().unwrap();
    assert_eq!(
        old.retired_at_ms,
        Some(NOW_MS + MINUTE),
        "a retired key stays, to verify earlier licences"
    );
    let all: Vec<String> = db
        .store
        .signing_keys()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.key_id)
        .collect();
    assert_eq!(all, ["k-market-2", "k-health", "k-market"], "newest first");
    let none_left = db
        .store
        .write(|ctx| Box::pin(async move { ctx.retire_signing_keys("511900-sfj", NOW_MS).await }))
        .await
        .unwrap();
    assert_eq!(none_left, 0);
}
contract!(
    a_department_signs_with_one_active_key_until_it_retires_it,
    super::a_department_signs_with_one_active_key_until_it_retires_it
);

async fn a_licence_is_written_once_and_only_the_ids_written_are_returned(db: &TestDb) {
    catalogue(&db.store).await;
    let first = issue(
        &db.store,
        vec![
            of_case(licence("L-a", "h1", "2025-11-01", 0), "app-1", FOOD),
            licence("L-b", "h1", "2025-11-01", 0),
        ],
    )
    .await;
    assert_eq!(first, ["L-a", "L-b"]);

    let mut same_id = licence("L-a", "h2", "2025-11-02", MINUTE);
    same_id.name = "改过的名称".into();
    let again = issue(
        &db.store,
        vec![
            same_id,
            of_case(licence("L-c", "h1", "2025-11-02", MINUTE), "app-1", FOOD),
            of_case(licence("L-d", "h1", "2025-11-02", MINUTE), "app-1", DRUG),
            licence("L-e", "h2", "2025-11-02", MINUTE),
            licence("L-e", "h3", "2025-11-02", MINUTE),
        ],
    )
    .await;
    assert_eq!(
        again,
        ["L-d", "L-e"],
        "an existing id, a case's second licence of a type and a repeat in the batch are skipped"
    );
    assert!(db.store.licence("L-c").await.unwrap().is_none());
    let kept = db.store.licence("L-a").await.unwrap().unwrap();
    assert_eq!(
        (kept.name.as_str(), kept.holder_key.as_str()),
        ("食品经营许可证", "h1")
    );
    assert_eq!(
        kept,
        of_case(licence("L-a", "h1", "2025-11-01", 0), "app-1", FOOD)
    );
    assert_eq!(
        db.store.licence("L-e").await.unwrap().unwrap().holder_key,
        "h2"
    );
    assert_eq!(
        ids(&db.store.licences_of_application("app-1").await.unwrap()),
        ["L-a", "L-d"]
    );
    assert!(
        db.store
            .licences_of_application("app-2")
            .await
            .unwrap()
            .is_empty()
    );

    let state = db.store.licence_state("L-a").await.unwrap().unwrap();
    assert_eq!(
        (state.state.as_str(), state.valid_from.as_str()),
        ("active", "2025-11-01")
    );
    assert_eq!(state.valid_until.as_deref(), Some("2030-12-31"));
    assert_eq!(state.state_changed_at_ms, NOW_MS);
    assert!(db.store.licence_state("L-z").await.unwrap().is_none());

    // A bulk import writes hundreds in one unit, in several statements.
    let many: Vec<LicenceRow> = (0..450)
        .map(|i| licence(&format!("M-{i:03}"), "bulk", "2025-10-01", 2 * MINUTE))
        .collect();
    let written = issue(&db.store, many.clone()).await;
    assert_eq!(written.len(), 450);
    let repeated = db
        .store
        .write(move |ctx| Box::pin(async move { ctx.insert_licences(&many).await }))
        .await
        .unwrap();
    assert_eq!(repeated, 0, "a repeated import writes nothing");
}
contract!(
    a_licence_is_written_once_and_only_the_ids_written_are_returned,
    super::a_licence_is_written_once_and_only_the_ids_written_are_returned
);

async fn a_holders_licences_are_found_by_holder_key_newest_first(db: &TestDb) {
    catalogue(&db.store).await;
    issue(
        &db.store,
        vec![
            licence("L-old", "h1", "2024-05-01", 0),
            licence("L-a", "h1", "2025-06-01", MINUTE),
            licence("L-other", "h2", "2025-07-01", MINUTE),
        ],
    )
    .await;
    // Issued the same day as L-a, but later.
    issue(
        &db.store,
        vec![licence("L-b", "h1", "2025-06-01", 2 * MINUTE)],
    )
    .await;
    assert_eq!(
        ids(&db.store.licences_of_holder("h1").await.unwrap()),
        ["L-b", "L-a", "L-old"]
    );
    assert!(
        db.store
            .licences_of_holder("nobody")
            .await
            .unwrap()
            .is_empty()
    );
}
contract!(
    a_holders_licences_are_found_by_holder_key_newest_first,
    super::a_holders_licences_are_found_by_holder_key_newest_first
);

async fn a_licence_changes_state_only_from_the_state_expected(db: &TestDb) {
    catalogue(&db.store).await;
    issue(
        &db.store,
        vec![
            licence("L-a", "h1", "2025-11-01", 0),
            licence("L-b", "h1", "2025-11-01", 0),
            licence("L-c", "h2", "2025-11-01", 0),
        ],
    )
    .await;
    assert!(db.store.inactive_licences().await.unwrap().is_empty());
    assert!(set_state(&db.store, "L-a", "active", "suspended", 2 * MINUTE).await);
    assert!(
        !set_state(&db.store, "L-a", "active", "revoked", 3 * MINUTE).await,
        "a suspended licence is not moved as if it were active"
    );
    assert!(!set_state(&db.store, "L-z", "active", "revoked", 3 * MINUTE).await);
    assert!(set_state(&db.store, "L-b", "active", "revoked", MINUTE).await);
    let a = db.store.licence_state("L-a").await.unwrap().unwrap();
    assert_eq!(
        (a.state.as_str(), a.state_reason.as_str()),
        ("suspended", "suspended的原因")
    );
    assert_eq!(a.state_changed_at_ms, NOW_MS + 2 * MINUTE);
    assert_eq!(
        db.store.inactive_licences().await.unwrap(),
        [
            ("L-b".to_string(), "revoked".to_string(), NOW_MS + MINUTE),
            (
                "L-a".to_string(),
                "suspended".to_string(),
                NOW_MS + 2 * MINUTE
            ),
        ],
        "the status list, oldest change first"
    );
    assert!(set_state(&db.store, "L-a", "suspended", "active", 4 * MINUTE).await);
    assert_eq!(
        db.store.inactive_licences().await.unwrap(),
        [("L-b".to_string(), "revoked".to_string(), NOW_MS + MINUTE)]
    );
    assert_eq!(
        db.store.licence("L-c").await.unwrap().unwrap().state,
        "active",
        "other licences are untouched"
    );
}
contract!(
    a_licence_changes_state_only_from_the_state_expected,
    super::a_licence_changes_state_only_from_the_state_expected
);

async fn the_staff_list_filters_by_type_issuer_state_and_holder_and_counts_the_matches(
    db: &TestDb,
) {
    catalogue(&db.store).await;
    let mut rows = Vec::new();
    for i in 0..6 {
        let mut row = licence(
            &format!("L-{i}"),
            &format!("h{}", i % 2),
            "2025-11-01",
            i * MINUTE,
        );
        if i >= 4 {
            row.type_code = DRUG.into();
            row.issuer_department_id = HEALTH.into();
            row.key_id = "k-health".into();
            row.source = "import".into();
        }
        rows.push(row);
    }
    rows[5] = of_case(rows[5].clone(), "app-5", DRUG);
    issue(&db.store, rows).await;
    set_state(&db.store, "L-1", "active", "suspended", 10 * MINUTE).await;
    set_state(&db.store, "L-4", "active", "revoked", 10 * MINUTE).await;

    let page = |f: LicenceFilter| async move {
        let (rows, total) = db.store.licences_page(&f).await.unwrap();
        (rows.into_iter().map(|r| r.id).collect::<Vec<_>>(), total)
    };
    let all = LicenceFilter {
        limit: 3,
        ..LicenceFilter::default()
    };
    assert_eq!(
        page(all.clone()).await,
        (vec!["L-5".into(), "L-4".into(), "L-3".into()], 6),
        "newest first, a page at a time, with the number of matches"
    );
    assert_eq!(
        page(LicenceFilter {
            offset: 3,
            ..all.clone()
        })
        .await,
        (vec!["L-2".into(), "L-1".into(), "L-0".into()], 6)
    );
    let by_type = LicenceFilter {
        type_code: Some(DRUG.into()),
        limit: 10,
        ..LicenceFilter::default()
    };
    assert_eq!(page(by_type).await, (vec!["L-5".into(), "L-4".into()], 2));
    let by_issuer = LicenceFilter {
        issuer_department_id: Some(MARKET.into()),
        limit: 2,
        ..LicenceFilter::default()
    };
    assert_eq!(page(by_issuer).await, (vec!["L-3".into(), "L-2".into()], 4));
    let by_state = LicenceFilter {
        state: Some("suspended".into()),
        limit: 10,
        ..LicenceFilter::default()
    };
    assert_eq!(page(by_state).await, (vec!["L-1".into()], 1));
    let by_holder = LicenceFilter {
        holder_key: Some("h0".into()),
        limit: 10,
        ..LicenceFilter::default()
    };
    assert_eq!(
        page(by_holder).await,
        (vec!["L-4".into(), "L-2".into(), "L-0".into()], 3)
    );
    let combined = LicenceFilter {
        type_code: Some(FOOD.into()),
        issuer_department_id: Some(MARKET.into()),
        state: Some("active".into()),
        holder_key: Some("h1".into()),
        limit: 10,
        offset: 0,
    };
    assert_eq!(page(combined).await, (vec!["L-3".into()], 1));
    let nothing = LicenceFilter {
        holder_key: Some("nobody".into()),
        limit: 10,
        ..LicenceFilter::default()
    };
    assert_eq!(page(nothing).await, (vec![], 0));

    assert_eq!(
        db.store.licence_counts().await.unwrap(),
        [
            ("application".to_string(), 1),
            ("import".to_string(), 1),
            ("manual".to_string(), 4),
        ],
        "how many licences there are, by source"
    );
}
contract!(
    the_staff_list_filters_by_type_issuer_state_and_holder_and_counts_the_matches,
    super::the_staff_list_filters_by_type_issuer_state_and_holder_and_counts_the_matches
);

fn usage(i: i64, licence: Option<&str>, holder: &str, operation: &str, result: &str) -> UsageRow {
    UsageRow {
        id: format!("u-{i:04}"),
        at_ms: NOW_MS + i * MINUTE,
        licence_id: licence.map(str::to_string),
        holder_key: holder.into(),
        operation: operation.into(),
        cause: "办理食品经营许可变更".into(),
        item_code: Some("511A0138000000".into()),
        application_id: None,
        department_id: Some(MARKET.into()),
        actor_id: Some("staff-1".into()),
        actor_label: "巴中市市场监督管理局".into(),
        result: result.into(),
        detail: String::new(),
    }
}

async fn uses_are_recorded_many_at_once_and_read_newest_first(db: &TestDb) {
    catalogue(&db.store).await;
    issue(&db.store, vec![licence("L-a", "h1", "2025-11-01", 0)]).await;
    // More than one statement's worth: 310 uses of L-a by h1, then a few others.
    let mut rows: Vec<UsageRow> = (0..310)
        .map(|i| usage(i, Some("L-a"), "h1", "query", "ok"))
        .collect();
    rows.push(usage(400, None, "h1", "query", "licence.not_recognised"));
    rows.push(usage(401, Some("L-a"), "", "verify", "ok"));
    rows.push(usage(402, None, "h2", "download", "ok"));
    db.store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.insert_usages(&rows).await?;
                ctx.append_event(event("licence.used", "L-a")).await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();

    let of_holder: Vec<String> = db
        .store
        .usages_of_holder("h1", 3)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(of_holder, ["u-0400", "u-0309", "u-0308"]);
    let all_of_holder = db.store.usages_of_holder("h1", 1000).await.unwrap();
    assert_eq!(all_of_holder.len(), 311);
    assert_eq!(all_of_holder[0].licence_id, None);
    assert_eq!(all_of_holder[0].cause, "办理食品经营许可变更");
    let of_licence: Vec<String> = db
        .store
        .usages_of_licence("L-a", 2)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(
        of_licence,
        ["u-0401", "u-0309"],
        "the uses of a licence whoever its holder"
    );
    assert_eq!(
        db.store.usages_of_licence("L-a", 1000).await.unwrap().len(),
        311
    );
    assert_eq!(
        db.store.usage_counts().await.unwrap(),
        [
            ("download".to_string(), "ok".to_string(), 1),
            ("query".to_string(), "licence.not_recognised".to_string(), 1),
            ("query".to_string(), "ok".to_string(), 310),
            ("verify".to_string(), "ok".to_string(), 1),
        ]
    );
}
contract!(
    uses_are_recorded_many_at_once_and_read_newest_first,
    super::uses_are_recorded_many_at_once_and_read_newest_first
);

fn share(token: &str, at: i64) -> ShareRow {
    ShareRow {
        token_hash: token.into(),
        licence_id: "L-a".into(),
        created_by: "citizen-1".into(),
        purpose: "租房".into(),
        created_at_ms: NOW_MS + at,
        expires_at_ms: NOW_MS + at + 60 * MINUTE,
        revoked_at_ms: None,
        views: 0,
    }
}

async fn revoke(store: &Store, token: &str, at: i64) -> bool {
    let token = token.to_string();
    store
        .write(move |ctx| {
            Box::pin(async move {
                let done = ctx.revoke_share(&token, NOW_MS + at).await?;
                if done {
                    ctx.append_event(event("licence.share_revoked", &token))
                        .await?;
                }
                Ok::<_, StoreError>(done)
            })
        })
        .await
        .unwrap()
}

async fn a_share_is_revoked_once_and_its_views_are_counted(db: &TestDb) {
    catalogue(&db.store).await;
    issue(&db.store, vec![licence("L-a", "h1", "2025-11-01", 0)]).await;
    db.store
        .write(|ctx| {
            Box::pin(async move {
                ctx.insert_share(&share("t1", 0)).await?;
                ctx.insert_share(&share("t2", MINUTE)).await?;
                ctx.append_event(event("licence.shared", "L-a")).await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
    assert_eq!(
        db.store.licence_share("t1").await.unwrap().unwrap(),
        share("t1", 0)
    );
    assert!(db.store.licence_share("t9").await.unwrap().is_none());
    let tokens: Vec<String> = db
        .store
        .licence_shares("L-a")
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.token_hash)
        .collect();
    assert_eq!(tokens, ["t2", "t1"], "newest first");
    let again = db
        .store
        .write(|ctx| Box::pin(async move { ctx.insert_share(&share("t1", 2 * MINUTE)).await }))
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "a token is never shared twice: {again:?}"
    );

    assert!(revoke(&db.store, "t1", 5 * MINUTE).await);
    assert!(
        !revoke(&db.store, "t1", 6 * MINUTE).await,
        "a share is revoked once"
    );
    let revoked = db.store.licence_share("t1").await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at_ms, Some(NOW_MS + 5 * MINUTE));
    assert_eq!(
        db.store
            .licence_share("t2")
            .await
            .unwrap()
            .unwrap()
            .revoked_at_ms,
        None
    );

    for _ in 0..2 {
        db.store
            .write(|ctx| {
                Box::pin(async move {
                    ctx.count_share_view("t2").await?;
                    ctx.count_share_view("t9").await
                })
            })
            .await
            .unwrap();
    }
    assert_eq!(
        db.store.licence_share("t2").await.unwrap().unwrap().views,
        2
    );
    assert_eq!(
        db.store.licence_share("t1").await.unwrap().unwrap().views,
        0
    );
}
contract!(
    a_share_is_revoked_once_and_its_views_are_counted,
    super::a_share_is_revoked_once_and_its_views_are_counted
);

async fn a_natural_persons_licence_is_sealed_at_rest_and_an_organisations_is_not(db: &TestDb) {
    catalogue(&db.store).await;
    let person = licence("L1", "hk-1", "2026-01-05", 1);
    let mut organisation = licence("L2", "hk-2", "2026-01-05", 2);
    organisation.holder_kind = "001".into();
    organisation.holder_code = "91511902MA6P96FQ40".into();
    issue(&db.store, vec![person.clone(), organisation.clone()]).await;
    let raw: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT id, number, holder_code, face FROM licences ORDER BY id")
            .fetch_all(&db.raw)
            .await
            .unwrap();
    let (_, number, code, face) = &raw[0];
    for sealed in [number, code, face] {
        assert!(sealed.starts_with("sm4g1:"), "{sealed:.12}");
        assert!(!sealed.contains("513701199001011234"));
    }
    assert_eq!(
        raw[1].2, "91511902MA6P96FQ40",
        "an organisation's code is public"
    );
    assert_eq!(db.store.licence("L1").await.unwrap().unwrap(), person);
    assert_eq!(
        db.store.licences_of_holder("hk-1").await.unwrap(),
        vec![person.clone()]
    );
    let (page, _) = db
        .store
        .licences_page(&LicenceFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(page.contains(&person) && page.contains(&organisation));

    // A licence written in plaintext before sealing is sealed by the pass, once.
    sqlx::query("UPDATE licences SET number = $1, holder_code = $2, face = $3 WHERE id = 'L1'")
        .bind(&person.number)
        .bind(&person.holder_code)
        .bind(&person.face)
        .execute(&db.raw)
        .await
        .unwrap();
    assert_eq!(db.store.licence("L1").await.unwrap().unwrap(), person);
    let report = db.store.seal_plaintext_pii(100).await.unwrap();
    assert_eq!(report.licences, 1);
    assert_eq!(db.store.seal_plaintext_pii(100).await.unwrap().licences, 0);
    let (code,): (String,) = sqlx::query_as("SELECT holder_code FROM licences WHERE id = 'L1'")
        .fetch_one(&db.raw)
        .await
        .unwrap();
    assert!(code.starts_with("sm4g1:"));
    assert_eq!(db.store.licence("L1").await.unwrap().unwrap(), person);
}
contract!(
    a_natural_persons_licence_is_sealed_at_rest_and_an_organisations_is_not,
    super::a_natural_persons_licence_is_sealed_at_rest_and_an_organisations_is_not
);
