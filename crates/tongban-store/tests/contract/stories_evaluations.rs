//! Stories about 好差评 storage: a stage of a case is rated once (a second rating is skipped),
//! each window service once; counts leave out ratings whose appeal was upheld; invitations and
//! window tokens are spent once; 差评 cases are changed only at the revision they were read at
//! and listed in their unit's queue, the appeal queue and the sweep's overdue list.

use tongban_store::{
    EvaluationRow, InvitationRow, RectificationRow, RectificationScope, Store, StoreError,
    WindowServiceRow,
};

use crate::contract;
use crate::engines::{NOW_MS, TestDb};
use crate::stories_org::event;

fn rating(id: &str, app: Option<&str>, stage: &str, level: i64, dept: &str) -> EvaluationRow {
    EvaluationRow {
        id: id.into(),
        application_id: app.map(str::to_string),
        window_service_id: None,
        stage: stage.into(),
        item_id: Some("item-1".into()),
        department_id: Some(dept.into()),
        hall_id: None,
        served_by: None,
        channel: "pc".into(),
        satisfaction: level,
        options: "[\"efficiency\"]".into(),
        option_set_version: 1,
        comment: String::new(),
        real_name: 1,
        rater_account: Some("citizen-1".into()),
        rater_key: "k1".into(),
        recorded_by: None,
        division_code: "511902000000".into(),
        rated_on: "2025-11-25".into(),
        at_ms: NOW_MS,
        excluded: 0,
    }
}

fn case(id: &str, unit: &str, division: &str, state: &str, due: &str) -> RectificationRow {
    RectificationRow {
        id: id.into(),
        evaluation_id: format!("ev-{id}"),
        unit_kind: "department".into(),
        unit_id: unit.into(),
        division_code: division.into(),
        application_id: None,
        item_id: None,
        satisfaction: 4,
        real_name: 1,
        state: state.into(),
        rated_on: "2025-11-03".into(),
        due: due.into(),
        escalated: 0,
        appeal_upheld: None,
        settled_on: None,
        closed_on: None,
        records: "[]".into(),
        revision: 1,
        updated_at_ms: NOW_MS,
    }
}

async fn insert_ratings(store: &Store, rows: Vec<EvaluationRow>) -> Vec<String> {
    store
        .write(move |ctx| {
            Box::pin(async move {
                let ids = ctx.insert_evaluations(&rows).await?;
                for id in &ids {
                    ctx.append_event(event("evaluation.rated", id)).await?;
                }
                Ok::<_, StoreError>(ids)
            })
        })
        .await
        .unwrap()
}

async fn a_stage_of_a_case_is_rated_once_and_upheld_appeals_leave_the_counts(db: &TestDb) {
    let store = &db.store;
    let first = insert_ratings(
        store,
        vec![
            rating("e1", Some("app-1"), "completed", 1, "dept-a"),
            rating("e2", Some("app-2"), "completed", 4, "dept-a"),
            rating("e3", Some("app-1"), "accepted", 2, "dept-b"),
        ],
    )
    .await;
    assert_eq!(first.len(), 3);
    let again = insert_ratings(
        store,
        vec![rating("e4", Some("app-1"), "completed", 5, "dept-a")],
    )
    .await;
    assert!(
        again.is_empty(),
        "the completed stage of app-1 is rated already"
    );
    assert_eq!(
        store
            .evaluations_of_application("app-1")
            .await
            .unwrap()
            .len(),
        2
    );

    let counts = store.rating_counts("2025-01-01").await.unwrap();
    let n = |dept: &str, level: i64| {
        counts
            .iter()
            .find(|c| c.department_id.as_deref() == Some(dept) && c.satisfaction == level)
            .map(|c| c.n)
            .unwrap_or(0)
    };
    assert_eq!((n("dept-a", 1), n("dept-a", 4), n("dept-b", 2)), (1, 1, 1));
    store
        .write(|ctx| {
            Box::pin(async move {
                ctx.exclude_evaluation("e2").await?;
                ctx.append_event(event("rectification.appeal_decided", "e2"))
                    .await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
    let counts = store.rating_counts("2025-01-01").await.unwrap();
    assert!(
        !counts
            .iter()
            .any(|c| c.department_id.as_deref() == Some("dept-a") && c.satisfaction == 4)
    );
    assert!(store.rating_counts("2026-01-01").await.unwrap().is_empty());
}
contract!(
    a_stage_of_a_case_is_rated_once,
    super::a_stage_of_a_case_is_rated_once_and_upheld_appeals_leave_the_counts
);

async fn invitations_and_window_tokens_are_spent_once(db: &TestDb) {
    let store = &db.store;
    let invite = InvitationRow {
        token_sm3: "t-sm3".into(),
        application_id: "app-1".into(),
        stage: "completed".into(),
        account_id: "citizen-1".into(),
        created_at_ms: NOW_MS,
        expires_on: "2025-12-02".into(),
        used_at_ms: None,
    };
    let window = WindowServiceRow {
        id: "ws-1".into(),
        token_sm3: "w-sm3".into(),
        hall_id: "hall-1".into(),
        division_code: "511902000000".into(),
        served_by: "clerk-1".into(),
        application_id: None,
        item_id: None,
        department_id: None,
        started_at_ms: NOW_MS,
        expires_at_ms: NOW_MS + 3_600_000,
        rated_at_ms: None,
    };
    let (inv, win) = (invite.clone(), window.clone());
    let written = store
        .write(move |ctx| {
            Box::pin(async move {
                let a = ctx.insert_invitation(&inv).await?;
                let b = ctx.insert_invitation(&inv).await?;
                ctx.insert_window_service(&win).await?;
                ctx.append_event(event("evaluation.invited", "app-1"))
                    .await?;
                Ok::<_, StoreError>((a, b))
            })
        })
        .await
        .unwrap();
    assert_eq!(written, (true, false));
    assert_eq!(store.invitation("t-sm3").await.unwrap(), Some(invite));
    assert_eq!(
        store
            .invitation_for("app-1", "completed")
            .await
            .unwrap()
            .map(|i| i.token_sm3),
        Some("t-sm3".to_string())
    );
    assert_eq!(
        store.window_service_by_token("w-sm3").await.unwrap(),
        Some(window)
    );
    let spent = store
        .write(|ctx| {
            Box::pin(async move {
                let a = ctx.use_invitation("t-sm3", NOW_MS + 1).await?;
                let b = ctx.use_invitation("t-sm3", NOW_MS + 2).await?;
                let c = ctx.mark_window_service_rated("ws-1", NOW_MS + 1).await?;
                let d = ctx.mark_window_service_rated("ws-1", NOW_MS + 2).await?;
                ctx.append_event(event("evaluation.rated", "x")).await?;
                Ok::<_, StoreError>((a, b, c, d))
            })
        })
        .await
        .unwrap();
    assert_eq!(spent, (true, false, true, false));
    let mut window_rating = rating("w1", None, "window_service", 2, "dept-a");
    window_rating.window_service_id = Some("ws-1".into());
    let mut twice = window_rating.clone();
    twice.id = "w2".into();
    assert_eq!(insert_ratings(store, vec![window_rating]).await.len(), 1);
    assert!(insert_ratings(store, vec![twice]).await.is_empty());
}
contract!(
    invitations_and_window_tokens_are_spent_once,
    super::invitations_and_window_tokens_are_spent_once
);

async fn bad_rating_cases_change_at_their_revision_and_fill_the_queues(db: &TestDb) {
    let store = &db.store;
    let rows = vec![
        case("r1", "dept-a", "511902000000", "open", "2025-11-20"),
        case("r2", "dept-a", "511902000000", "appealed", "2025-12-10"),
        case("r3", "dept-b", "511921000000", "verified", "2025-11-24"),
        case("r4", "dept-b", "511921000000", "open", "2025-12-24"),
    ];
    let n = store
        .write(move |ctx| {
            Box::pin(async move {
                let n = ctx.insert_rectifications(&rows).await?;
                let again = ctx.insert_rectifications(&rows[..1]).await?;
                ctx.append_event(event("rectification.opened", "r1"))
                    .await?;
                Ok::<_, StoreError>((n, again))
            })
        })
        .await
        .unwrap();
    assert_eq!(n, (4, 0));
    let queue = store
        .rectification_queue(&RectificationScope::Units(vec!["dept-a".into()]), 50)
        .await
        .unwrap();
    assert_eq!(
        queue.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        vec!["r1", "r2"]
    );
    let county = store
        .rectification_queue(&RectificationScope::DivisionUnder("511921".into()), 50)
        .await
        .unwrap();
    assert_eq!(
        county.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        vec!["r3", "r4"]
    );
    let exact = store
        .rectification_queue(&RectificationScope::DivisionIs("511902000000".into()), 50)
        .await
        .unwrap();
    assert_eq!(exact.len(), 2);
    let appeals = store
        .rectification_queue(&RectificationScope::AppealsUnder("5119".into()), 50)
        .await
        .unwrap();
    assert_eq!(appeals.len(), 1);
    assert_eq!(appeals[0].id, "r2");
    let overdue = store
        .overdue_rectifications("2025-11-25", 50)
        .await
        .unwrap();
    assert_eq!(
        overdue.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        vec!["r1", "r3"]
    );

    let mut changed = case("r1", "dept-a", "511902000000", "open", "2025-11-20");
    changed.escalated = 1;
    changed.revision = 2;
    let stale = changed.clone();
    let outcome = store
        .write(move |ctx| {
            Box::pin(async move {
                let a = ctx.update_rectification(&changed, 1).await?;
                let b = ctx.update_rectification(&stale, 1).await?;
                ctx.append_event(event("rectification.escalated", "r1"))
                    .await?;
                Ok::<_, StoreError>((a, b))
            })
        })
        .await
        .unwrap();
    assert_eq!(outcome, (true, false));
    let escalated = store
        .rectification_queue(&RectificationScope::EscalatedUnder("5119".into()), 50)
        .await
        .unwrap();
    assert_eq!(escalated.len(), 1);
    assert_eq!(
        store
            .overdue_rectifications("2025-11-25", 50)
            .await
            .unwrap()
            .len(),
        1,
        "an escalated case is not escalated again"
    );
}
contract!(
    bad_rating_cases_change_at_their_revision,
    super::bad_rating_cases_change_at_their_revision_and_fill_the_queues
);
