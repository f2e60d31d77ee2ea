//! Stories about the assessment settings and the 两书一函: every change of the weights is a new
//! version with who and when; a letter is written once per kind, unit and month (drafting again
//! changes nothing); only a drafted letter may be edited and it is sent once; letters are
//! listed by status, month and unit; a county's letter reaches the county's staff and the admins
//! of its departments.

use tongban_store::{AccountRow, DepartmentRow, LetterFilter, LetterRow, StoreError};

use crate::contract;
use crate::engines::{NOW_MS, TestDb};
use crate::stories_org::{event, seed_small_tree};

const BAZHOU: &str = "511902000000";

fn letter(id: &str, kind: &str, unit_kind: &str, unit_id: &str, period: &str) -> LetterRow {
    LetterRow {
        id: id.into(),
        kind: kind.into(),
        unit_kind: unit_kind.into(),
        unit_id: unit_id.into(),
        unit_name: "巴州区".into(),
        period: period.into(),
        status: "drafted".into(),
        reason: "本月考核得分低于80.00分".into(),
        score: Some(7512),
        rank_place: Some(2),
        body: "巴州区：……特此提醒。".into(),
        drafted_at_ms: NOW_MS,
        edited_by: None,
        edited_at_ms: None,
        sent_by: None,
        sent_at_ms: None,
    }
}

fn staff(id: &str, role: &str, unit_kind: &str, unit_id: &str) -> AccountRow {
    AccountRow {
        id: id.into(),
        kind: "staff".into(),
        login: format!("login-{id}"),
        display_name: "工作人员".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$xxxx$yyyy".into(),
        role: Some(role.into()),
        unit_kind: Some(unit_kind.into()),
        unit_id: Some(unit_id.into()),
        disabled: 0,
        created_at_ms: NOW_MS,
    }
}

async fn weights_are_versioned_with_who_and_when(db: &TestDb) {
    assert!(db.store.assessment_settings().await.unwrap().is_none());
    for (n, threshold) in [(1_i64, 8000_i64), (2, 8500)] {
        let version = db
            .store
            .write(move |ctx| {
                Box::pin(async move {
                    let v = ctx
                        .save_assessment_settings(
                            r#"[["good_rate",1]]"#,
                            threshold,
                            "sup",
                            NOW_MS + n,
                        )
                        .await?;
                    ctx.append_event(event("assessment.weights_changed", "settings"))
                        .await?;
                    Ok::<_, StoreError>(v)
                })
            })
            .await
            .unwrap();
        assert_eq!(version, n);
    }
    let now = db.store.assessment_settings().await.unwrap().unwrap();
    assert_eq!((now.version, now.threshold), (2, 8500));
    assert_eq!(
        (now.changed_by.as_str(), now.changed_at_ms),
        ("sup", NOW_MS + 2)
    );
    let history = db.store.assessment_settings_history().await.unwrap();
    assert_eq!(
        history.iter().map(|h| h.version).collect::<Vec<_>>(),
        vec![2, 1]
    );
}
contract!(
    weights_are_versioned_with_who_and_when,
    super::weights_are_versioned_with_who_and_when
);

async fn a_letter_is_drafted_once_edited_while_drafted_and_sent_once(db: &TestDb) {
    seed_small_tree(&db.store).await;
    let first = letter("L1", "reminder", "division", BAZHOU, "2026-10");
    let again = letter("L2", "reminder", "division", BAZHOU, "2026-10");
    let other = letter("L3", "supervision", "division", BAZHOU, "2026-10");
    let written = db
        .store
        .write(move |ctx| {
            Box::pin(async move {
                let a = ctx.insert_letter(&first).await?;
                let b = ctx.insert_letter(&again).await?;
                let c = ctx.insert_letter(&other).await?;
                ctx.append_event(event("letter.drafted", "L1")).await?;
                Ok::<_, StoreError>((a, b, c))
            })
        })
        .await
        .unwrap();
    assert_eq!(written, (true, false, true));
    assert!(db.store.letter("L2").await.unwrap().is_none());
    assert_eq!(db.store.count_letters_drafted().await.unwrap(), 2);

    let (edited, sent, sent_again, edited_after) = db
        .store
        .write(|ctx| {
            Box::pin(async move {
                let e = ctx.edit_letter("L1", "新正文", "sup", NOW_MS + 5).await?;
                let s = ctx.mark_letter_sent("L1", "sup", NOW_MS + 6).await?;
                let s2 = ctx.mark_letter_sent("L1", "sup", NOW_MS + 7).await?;
                let e2 = ctx.edit_letter("L1", "再改", "sup", NOW_MS + 8).await?;
                ctx.append_event(event("letter.sent", "L1")).await?;
                Ok::<_, StoreError>((e, s, s2, e2))
            })
        })
        .await
        .unwrap();
    assert_eq!(
        (edited, sent, sent_again, edited_after),
        (true, true, false, false)
    );
    let l1 = db.store.letter("L1").await.unwrap().unwrap();
    assert_eq!(l1.body, "新正文");
    assert_eq!(l1.status, "sent");
    assert_eq!(l1.sent_at_ms, Some(NOW_MS + 6));
    assert_eq!(l1.edited_by.as_deref(), Some("sup"));

    let drafted = db
        .store
        .letters(&LetterFilter {
            status: Some("drafted".into()),
            ..LetterFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        drafted.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        vec!["L3"]
    );
    let of_unit = db
        .store
        .letters(&LetterFilter {
            status: None,
            period: Some("2026-10".into()),
            unit: Some(("division".into(), BAZHOU.into())),
        })
        .await
        .unwrap();
    assert_eq!(of_unit.len(), 2);
    let elsewhere = db
        .store
        .letters(&LetterFilter {
            unit: Some(("department".into(), "511900-scjgj".into())),
            ..LetterFilter::default()
        })
        .await
        .unwrap();
    assert!(elsewhere.is_empty());
}
contract!(
    a_letter_is_drafted_once_edited_while_drafted_and_sent_once,
    super::a_letter_is_drafted_once_edited_while_drafted_and_sent_once
);

async fn a_county_letter_reaches_its_staff_and_its_department_admins(db: &TestDb) {
    seed_small_tree(&db.store).await;
    db.store
        .write(|ctx| {
            Box::pin(async move {
                ctx.insert_department(&DepartmentRow {
                    id: "511902-rsj".into(),
                    name: "巴州区人力资源和社会保障局".into(),
                    short_name: "区人社局".into(),
                    uscc: "11511902000000000X".into(),
                    division_code: BAZHOU.into(),
                    parent_id: None,
                })
                .await?;
                ctx.insert_account(&staff("a-county", "dept_admin", "division", BAZHOU))
                    .await?;
                ctx.insert_account(&staff("a-admin", "dept_admin", "department", "511902-rsj"))
                    .await?;
                ctx.insert_account(&staff(
                    "a-clerk",
                    "window_clerk",
                    "department",
                    "511902-rsj",
                ))
                .await?;
                ctx.insert_account(&staff("a-city", "dept_admin", "department", "511900-scjgj"))
                    .await?;
                ctx.append_event(event("test.seeded", "staff")).await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
    let county = db
        .store
        .letter_recipients("division", BAZHOU)
        .await
        .unwrap();
    let mut ids: Vec<_> = county.iter().map(|a| a.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, vec!["a-admin", "a-county"]);
    let dept = db
        .store
        .letter_recipients("department", "511902-rsj")
        .await
        .unwrap();
    let mut ids: Vec<_> = dept.iter().map(|a| a.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, vec!["a-admin", "a-clerk"]);
}
contract!(
    a_county_letter_reaches_its_staff_and_its_department_admins,
    super::a_county_letter_reaches_its_staff_and_its_department_admins
);
