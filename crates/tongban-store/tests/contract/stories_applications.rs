//! Stories about applications: the projection row and its revision guard, idempotency keys,
//! the daily number counter, queues by role, scope and named assignee, overdue lists,
//! mandates, credit flags and bundles.

use tongban_store::{
    AccountRow, ApplicationRow, BundleRow, MandateRow, QueueScope, Store, StoreError, StoreOptions,
};

use crate::contract;
use crate::engines::{NOW_MS, TestDb};
use crate::stories_org::{event, seed_small_tree};

const MARKET: &str = "511900-scjgj";

fn account(id: &str, kind: &str) -> AccountRow {
    AccountRow {
        id: id.into(),
        kind: kind.into(),
        login: format!("login-{id}"),
        display_name: "张三".into(),
        password_hash: "x".into(),
        role: (kind == "staff").then(|| "runner".to_string()),
        unit_kind: None,
        unit_id: None,
        disabled: 0,
        created_at_ms: NOW_MS,
    }
}

fn case(id: &str, status: &str, role: &str, step_due: Option<&str>) -> ApplicationRow {
    ApplicationRow {
        id: id.into(),
        number: format!("511900202603020{id}"),
        item_id: "item-1".into(),
        item_version: 1,
        department_id: MARKET.into(),
        division_code: "511900000000".into(),
        applicant_account: "cit-1".into(),
        agent_account: String::new(),
        bundle_id: String::new(),
        channel: "pc".into(),
        status: status.into(),
        role_due: role.into(),
        assigned: 0,
        step_due: step_due.map(str::to_string),
        case_due: None,
        incomplete_due: None,
        visits: 0,
        revision: 1,
        idempotency_key: Some(format!("key-{id}")),
        state_json: "{}".into(),
        created_at_ms: NOW_MS,
        updated_at_ms: NOW_MS,
        submitted_on: None,
        completed_on: None,
        step_escalated: 0,
        event_seqs: "1,".into(),
    }
}

async fn seed(db: &TestDb) {
    seed_small_tree(&db.store).await;
    db.store
        .write(|ctx| {
            Box::pin(async move {
                ctx.insert_account(&account("cit-1", "citizen")).await?;
                ctx.insert_account(&account("run-1", "staff")).await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
}

async fn insert(db: &TestDb, row: ApplicationRow) -> Result<(), StoreError> {
    db.store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.insert_application(&row).await?;
                ctx.append_event(event("application.drafted", &row.id))
                    .await?;
                Ok(())
            })
        })
        .await
}

async fn a_case_is_updated_only_from_the_revision_it_was_read_at(db: &TestDb) {
    seed(db).await;
    insert(db, case("a1", "submitted", "window_clerk", None))
        .await
        .unwrap();
    let mut next = db.store.application("a1").await.unwrap().unwrap();
    next.status = "in_progress".into();
    next.revision = 2;
    let first = next.clone();
    db.store
        .write(move |ctx| {
            Box::pin(async move {
                assert_eq!(ctx.application_revision("a1").await?, Some(1));
                ctx.defer_application(first, 1);
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
    // Derived from revision 1 again: the writer knows the case is at 2 now.
    let stale = next.clone();
    let again = db
        .store
        .write(move |ctx| {
            Box::pin(async move {
                if ctx.application_revision("a1").await? != Some(1) {
                    return Err(StoreError::Conflict("moved on".into()));
                }
                ctx.defer_application(stale, 1);
                Ok(())
            })
        })
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let stored = db.store.application("a1").await.unwrap().unwrap();
    assert_eq!(
        (stored.status.as_str(), stored.revision),
        ("in_progress", 2)
    );
    let by_number = db
        .store
        .application_by_number(&stored.number)
        .await
        .unwrap();
    assert_eq!(by_number.unwrap().id, "a1");
}
contract!(
    a_case_is_updated_only_from_the_revision_it_was_read_at,
    super::a_case_is_updated_only_from_the_revision_it_was_read_at
);

/// Moves case `id` from `from` to `from + 1` through `store`, with an event.
async fn bump(store: &tongban_store::Store, id: &str, from: i64) -> Result<(), StoreError> {
    let mut row = store.application(id).await?.unwrap();
    row.revision = from + 1;
    let id = id.to_string();
    store
        .write(move |ctx| {
            Box::pin(async move {
                if ctx.application_revision(&id).await? != Some(from) {
                    return Err(StoreError::Conflict("moved on".into()));
                }
                ctx.defer_application(row, from);
                ctx.append_event(event("application.accepted", &id)).await?;
                Ok(())
            })
        })
        .await
}

async fn a_writer_sees_the_revision_another_process_wrote_and_fails_only_that_unit(db: &TestDb) {
    seed(db).await;
    insert(db, case("a1", "submitted", "window_clerk", None))
        .await
        .unwrap();
    // This process writes the case, so its writer knows it at revision 2 …
    bump(&db.store, "a1", 1).await.unwrap();
    // … then a second process (its own store on the same database) moves it to 3.
    let other = tongban_store::Store::open(&tongban_store::StoreOptions::new(&db.url), NOW_MS)
        .await
        .unwrap();
    bump(&other, "a1", 2).await.unwrap();
    other.close().await;
    // The first writer reads the case's revision from the table, not from what it last wrote:
    // a unit derived from revision 2 fails alone, and one derived from 3 goes through.
    let seen = db
        .store
        .write(|ctx| Box::pin(async move { ctx.application_revision("a1").await }))
        .await
        .unwrap();
    assert_eq!(seen, Some(3));
    let stale = bump(&db.store, "a1", 2).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    bump(&db.store, "a1", 3).await.unwrap();
    let stored = db.store.application("a1").await.unwrap().unwrap();
    assert_eq!(stored.revision, 4);
}
contract!(
    a_writer_sees_the_revision_another_process_wrote_and_fails_only_that_unit,
    super::a_writer_sees_the_revision_another_process_wrote_and_fails_only_that_unit
);

async fn the_steps_to_escalate_are_the_overdue_open_ones_not_yet_escalated(db: &TestDb) {
    seed(db).await;
    let mut escalated = case("a1", "in_progress", "reviewer", Some("2026-03-01"));
    escalated.step_escalated = 1;
    insert(db, escalated).await.unwrap();
    for row in [
        case("a2", "in_progress", "reviewer", Some("2026-03-03")),
        case("a3", "decided", "approver", Some("2026-03-02")),
        case("a4", "in_progress", "reviewer", Some("2026-03-09")),
        case("a5", "completed", "", Some("2026-03-01")),
    ] {
        insert(db, row).await.unwrap();
    }
    let due = |limit| async move {
        let rows = db
            .store
            .steps_to_escalate("2026-03-06", limit)
            .await
            .unwrap();
        rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    assert_eq!(due(10).await, ["a3", "a2"], "most overdue first");
    assert_eq!(due(1).await, ["a3"]);
}
contract!(
    the_steps_to_escalate_are_the_overdue_open_ones_not_yet_escalated,
    super::the_steps_to_escalate_are_the_overdue_open_ones_not_yet_escalated
);

async fn an_idempotency_key_names_one_case_per_applicant_and_numbers_count_up_per_day(db: &TestDb) {
    seed(db).await;
    insert(db, case("a1", "draft", "", None)).await.unwrap();
    let mut twin = case("a2", "draft", "", None);
    twin.idempotency_key = Some("key-a1".into());
    let taken = insert(db, twin).await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    // Cases without a key never collide.
    for id in ["a3", "a4"] {
        let mut row = case(id, "draft", "", None);
        row.idempotency_key = None;
        insert(db, row).await.unwrap();
    }
    let found = db
        .store
        .write(|ctx| {
            Box::pin(async move {
                let hit = ctx.application_by_key("cit-1", "key-a1").await?;
                let a = ctx.next_application_seq("2026-03-02").await?;
                let b = ctx.next_application_seq("2026-03-02").await?;
                let c = ctx.next_application_seq("2026-03-03").await?;
                Ok::<_, StoreError>((hit.map(|r| r.id), a, b, c))
            })
        })
        .await
        .unwrap();
    assert_eq!(found, (Some("a1".to_string()), 1, 2, 1));
}
contract!(
    an_idempotency_key_names_one_case_per_applicant_and_numbers_count_up_per_day,
    super::an_idempotency_key_names_one_case_per_applicant_and_numbers_count_up_per_day
);

async fn a_queue_holds_the_role_s_open_cases_in_scope_soonest_due_first(db: &TestDb) {
    seed(db).await;
    insert(
        db,
        case("late", "in_progress", "reviewer", Some("2026-03-05")),
    )
    .await
    .unwrap();
    insert(
        db,
        case("soon", "in_progress", "reviewer", Some("2026-03-09")),
    )
    .await
    .unwrap();
    insert(
        db,
        case("other", "in_progress", "approver", Some("2026-03-01")),
    )
    .await
    .unwrap();
    insert(db, case("done", "completed", "", None))
        .await
        .unwrap();
    let mut named = case("named", "in_progress", "reviewer", Some("2026-03-20"));
    named.assigned = 1;
    insert(db, named).await.unwrap();
    db.store
        .write(|ctx| {
            Box::pin(async move {
                ctx.set_assignees("named", "signer", &["staff-9".to_string()])
                    .await?;
                ctx.set_assignees("done", "copy", &["staff-9".to_string()])
                    .await
            })
        })
        .await
        .unwrap();
    let ids = |rows: Vec<ApplicationRow>| rows.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let department = QueueScope::Department(MARKET.into());
    let reviewer = db
        .store
        .work_queue(&department, &["reviewer"], "staff-1", 50)
        .await
        .unwrap();
    assert_eq!(
        ids(reviewer),
        ["late", "soon"],
        "named cases are not in the pool"
    );
    let signer = db
        .store
        .work_queue(
            &QueueScope::Department("elsewhere".into()),
            &["reviewer"],
            "staff-9",
            50,
        )
        .await
        .unwrap();
    assert_eq!(
        ids(signer),
        ["named"],
        "a named signer sees the case wherever they sit"
    );
    // A township hall covers the city department whose area contains it.
    let hall = QueueScope::Hall {
        prefix: "511902001".into(),
        ancestors: vec!["511902000000".into(), "511900000000".into()],
    };
    let township = db
        .store
        .work_queue(&hall, &["reviewer"], "staff-1", 50)
        .await
        .unwrap();
    assert_eq!(ids(township), ["late", "soon"]);
    let county = QueueScope::DivisionPrefix("511903".into());
    assert!(
        db.store
            .work_queue(&county, &["reviewer"], "x", 50)
            .await
            .unwrap()
            .is_empty()
    );
    let overdue = db
        .store
        .overdue_steps(&department, "2026-03-06", 50)
        .await
        .unwrap();
    assert_eq!(ids(overdue), ["other", "late"]);
    assert_eq!(
        ids(db.store.copied_to("staff-9", 10).await.unwrap()),
        ["done"]
    );
    let counts = db.store.count_applications_by_status().await.unwrap();
    assert_eq!(
        counts,
        [("completed".to_string(), 1), ("in_progress".to_string(), 4)]
    );
}
contract!(
    a_queue_holds_the_role_s_open_cases_in_scope_soonest_due_first,
    super::a_queue_holds_the_role_s_open_cases_in_scope_soonest_due_first
);

async fn a_short_queue_page_is_the_soonest_due_of_the_pool_and_the_named_cases_together(
    db: &TestDb,
) {
    seed(db).await;
    for (id, due) in [
        ("d3", "2026-03-03"),
        ("d1", "2026-03-01"),
        ("d4", "2026-03-04"),
        ("d2", "2026-03-02"),
    ] {
        insert(db, case(id, "in_progress", "reviewer", Some(due)))
            .await
            .unwrap();
    }
    insert(db, case("undated", "submitted", "reviewer", None))
        .await
        .unwrap();
    for (id, due) in [("n0", "2026-02-27"), ("n9", "2026-03-29")] {
        let mut named = case(id, "in_progress", "reviewer", Some(due));
        named.assigned = 1;
        insert(db, named).await.unwrap();
    }
    let mut signed_off = case("n-done", "completed", "", None);
    signed_off.assigned = 1;
    insert(db, signed_off).await.unwrap();
    db.store
        .write(|ctx| {
            Box::pin(async move {
                for id in ["n0", "n9", "n-done"] {
                    ctx.set_assignees(id, "signer", &["staff-1".to_string()])
                        .await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
    let page = |limit: i64| async move {
        db.store
            .work_queue(
                &QueueScope::Department(MARKET.into()),
                &["reviewer"],
                "staff-1",
                limit,
            )
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(page(3).await, ["n0", "d1", "d2"]);
    assert_eq!(
        page(50).await,
        ["n0", "d1", "d2", "d3", "d4", "n9", "undated"],
        "undated cases come last; a closed case naming the signer never shows"
    );
}
contract!(
    a_short_queue_page_is_the_soonest_due_of_the_pool_and_the_named_cases_together,
    super::a_short_queue_page_is_the_soonest_due_of_the_pool_and_the_named_cases_together
);

async fn mandates_are_revoked_once_and_credit_flags_are_kept(db: &TestDb) {
    seed(db).await;
    let mandate = MandateRow {
        id: "m1".into(),
        agent_account: "run-1".into(),
        principal_account: "cit-1".into(),
        item_ids: ",item-1,".into(),
        valid_until: "2026-06-30".into(),
        created_at_ms: NOW_MS,
        revoked_at_ms: None,
    };
    let stored = mandate.clone();
    let revoked = db
        .store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.insert_mandate(&stored).await?;
                let first = ctx.revoke_mandate("m1", NOW_MS + 1).await?;
                let second = ctx.revoke_mandate("m1", NOW_MS + 2).await?;
                ctx.insert_credit_flag("cit-1", "a1", NOW_MS, "虚假承诺")
                    .await?;
                ctx.insert_credit_flag("cit-1", "a1", NOW_MS, "虚假承诺")
                    .await?;
                Ok::<_, StoreError>((first, second))
            })
        })
        .await
        .unwrap();
    assert_eq!(revoked, (true, false));
    let row = db.store.mandate("m1").await.unwrap().unwrap();
    assert_eq!(row.revoked_at_ms, Some(NOW_MS + 1));
    assert_eq!(db.store.mandates_of("run-1").await.unwrap().len(), 1);
    assert_eq!(db.store.mandates_of("cit-1").await.unwrap().len(), 1);
    assert!(db.store.has_credit_flag("cit-1").await.unwrap());
    assert!(!db.store.has_credit_flag("run-1").await.unwrap());
}
contract!(
    mandates_are_revoked_once_and_credit_flags_are_kept,
    super::mandates_are_revoked_once_and_credit_flags_are_kept
);

async fn a_bundle_ties_its_cases_together_and_is_announced_once(db: &TestDb) {
    seed(db).await;
    let bundle = BundleRow {
        id: "b1".into(),
        code: "newborn".into(),
        name: "新生儿出生一件事".into(),
        applicant_account: "cit-1".into(),
        idempotency_key: Some("k".into()),
        completed_notice: 0,
        created_at_ms: NOW_MS,
    };
    let row = bundle.clone();
    db.store
        .write(move |ctx| Box::pin(async move { ctx.insert_bundle(&row).await }))
        .await
        .unwrap();
    for id in ["p1", "p2"] {
        let mut part = case(id, "submitted", "window_clerk", None);
        part.bundle_id = "b1".into();
        insert(db, part).await.unwrap();
    }
    insert(db, case("alone", "submitted", "window_clerk", None))
        .await
        .unwrap();
    let parts = db.store.bundle_applications("b1").await.unwrap();
    assert_eq!(
        parts.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["p1", "p2"]
    );
    let marks = db
        .store
        .write(|ctx| {
            Box::pin(async move {
                let by_key = ctx.bundle_by_key("cit-1", "k").await?.map(|b| b.id);
                let mut moved = case("p2", "completed", "", None);
                moved.bundle_id = "b1".into();
                moved.state_json = "{\"moved\":true}".into();
                ctx.defer_application(moved, 1);
                let states = ctx.bundle_states("b1").await?;
                assert_eq!(
                    states,
                    ["{}", "{\"moved\":true}"],
                    "a queued row is read back"
                );
                let states = states.len();
                let first = ctx.mark_bundle_notified("b1").await?;
                let second = ctx.mark_bundle_notified("b1").await?;
                Ok::<_, StoreError>((by_key, states, first, second))
            })
        })
        .await
        .unwrap();
    assert_eq!(marks, (Some("b1".to_string()), 2, true, false));
    assert_eq!(db.store.bundles_of("cit-1").await.unwrap().len(), 1);
}
contract!(
    a_bundle_ties_its_cases_together_and_is_announced_once,
    super::a_bundle_ties_its_cases_together_and_is_announced_once
);

async fn deferred_rows_and_notices_are_written_at_commit_and_dropped_with_a_failed_unit(
    db: &TestDb,
) {
    seed(db).await;
    insert(db, case("a1", "submitted", "window_clerk", None))
        .await
        .unwrap();
    let notice = |key: &str| tongban_store::NewNotice {
        dedupe_key: key.into(),
        account_id: "cit-1".into(),
        at_ms: NOW_MS,
        subject: "受理".into(),
        body: "已受理".into(),
        link: "/applications/a1".into(),
        sms_to: Some("13800000000".into()),
        email_to: None,
    };
    let mut second = db.store.application("a1").await.unwrap().unwrap();
    second.status = "in_progress".into();
    second.revision = 2;
    second.event_seqs = "2,".into();
    let mut third = second.clone();
    third.revision = 3;
    third.role_due = "reviewer".into();
    third.event_seqs = "3,4,".into();
    let (n1, n2, n3) = (notice("k1"), notice("k1"), notice("k2"));
    let (ok, failed) = tokio::join!(
        db.store.write(move |ctx| {
            Box::pin(async move {
                assert_eq!(ctx.application_revision("a1").await?, Some(1));
                ctx.defer_application(second, 1);
                ctx.defer_notice(n1);
                // A later read in the same batch sees the deferred revision.
                assert_eq!(ctx.application_revision("a1").await?, Some(2));
                ctx.defer_application(third, 2);
                ctx.defer_notice(n2);
                Ok::<_, StoreError>(())
            })
        }),
        db.store.write(move |ctx| {
            Box::pin(async move {
                ctx.defer_notice(n3);
                ctx.append_event(event("x.failed", "x")).await?;
                Err::<(), _>(StoreError::Conflict("the unit gives up".into()))
            })
        }),
    );
    ok.unwrap();
    assert!(failed.is_err());
    let stored = db.store.application("a1").await.unwrap().unwrap();
    assert_eq!((stored.revision, stored.role_due.as_str()), (3, "reviewer"));
    assert_eq!(
        stored.event_seqs, "1,2,3,4,",
        "the event positions of both queued rows are appended to the stored ones"
    );
    let mut fourth = stored.clone();
    fourth.revision = 4;
    fourth.event_seqs = "9,".into();
    db.store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.defer_application(fourth, 3);
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
    let stored = db.store.application("a1").await.unwrap().unwrap();
    assert_eq!(
        tongban_store::parse_event_seqs(&stored.event_seqs),
        [1, 2, 3, 4, 9]
    );
    let inbox = db.store.notices_of("cit-1", 10, 0).await.unwrap();
    assert_eq!(
        inbox.len(),
        1,
        "the same key once, the failed unit's notice not at all"
    );
    let counts = db.store.outbox_counts().await.unwrap();
    assert_eq!(counts.iter().map(|c| c.2).sum::<i64>(), 1);
    assert_eq!(
        db.store
            .write(|ctx| Box::pin(async move { ctx.application_revision("none").await }))
            .await
            .unwrap(),
        None
    );
}
contract!(
    deferred_rows_and_notices_are_written_at_commit_and_dropped_with_a_failed_unit,
    super::deferred_rows_and_notices_are_written_at_commit_and_dropped_with_a_failed_unit
);

async fn a_queued_row_whose_case_moved_on_elsewhere_refuses_the_batch_and_keeps_nothing(
    db: &TestDb,
) {
    seed(db).await;
    insert(db, case("a1", "submitted", "window_clerk", None))
        .await
        .unwrap();
    // Somebody else (another process, say) moves the case to revision 2.
    sqlx::query("UPDATE applications SET revision = 2 WHERE id = 'a1'")
        .execute(&db.raw)
        .await
        .unwrap();
    let head = db.store.head_seq().await.unwrap();
    let mut stale = db.store.application("a1").await.unwrap().unwrap();
    stale.revision = 2;
    stale.status = "in_progress".into();
    let refused = db
        .store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.append_event(event("application.accepted", "a1"))
                    .await?;
                // Queued as if derived from revision 1.
                ctx.defer_application(stale, 1);
                Ok::<_, StoreError>(())
            })
        })
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    assert_eq!(db.store.head_seq().await.unwrap(), head, "no event kept");
    let stored = db.store.application("a1").await.unwrap().unwrap();
    assert_eq!((stored.status.as_str(), stored.revision), ("submitted", 2));
}
contract!(
    a_queued_row_whose_case_moved_on_elsewhere_refuses_the_batch_and_keeps_nothing,
    super::a_queued_row_whose_case_moved_on_elsewhere_refuses_the_batch_and_keeps_nothing
);

async fn events_are_read_back_by_their_positions(db: &TestDb) {
    let head = db.store.head_seq().await.unwrap();
    db.store
        .write(|ctx| {
            Box::pin(async move {
                for n in 0..5 {
                    ctx.append_event(event("x.happened", &format!("e{n}")))
                        .await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
    let found = db
        .store
        .events_at(&[head + 4, head + 2, head + 99])
        .await
        .unwrap();
    assert_eq!(
        found
            .iter()
            .map(|e| (e.seq, e.entity_id.as_str()))
            .collect::<Vec<_>>(),
        [(head + 2, "e1"), (head + 4, "e3")],
        "oldest first; a position past the log finds nothing"
    );
    assert!(db.store.events_at(&[]).await.unwrap().is_empty());
}
contract!(
    events_are_read_back_by_their_positions,
    super::events_are_read_back_by_their_positions
);

async fn cases_stored_before_their_event_positions_were_kept_get_them_from_the_log(db: &TestDb) {
    seed(db).await;
    let app_event = |id: &str| tongban_store::NewEvent {
        entity_type: "application".into(),
        ..event("application.advanced", id)
    };
    let (a1, a2) = db
        .store
        .write(move |ctx| {
            Box::pin(async move {
                for id in ["a1", "a2", "a3"] {
                    let mut row = case(id, "submitted", "window_clerk", None);
                    row.event_seqs = String::new();
                    ctx.insert_application(&row).await?;
                }
                let mut a1 = vec![ctx.append_event(app_event("a1")).await?];
                let a2 = vec![ctx.append_event(app_event("a2")).await?];
                // Another kind of entity with the same id is not the case's.
                ctx.append_event(event("x.noted", "a1")).await?;
                a1.push(ctx.append_event(app_event("a1")).await?);
                a1.push(ctx.append_event(app_event("a1")).await?);
                Ok::<_, StoreError>((a1, a2))
            })
        })
        .await
        .unwrap();
    // The database as the release before migration 14 left it.
    sqlx::query("ALTER TABLE applications DROP COLUMN event_seqs")
        .execute(&db.raw)
        .await
        .unwrap();
    sqlx::query("DELETE FROM schema_migrations WHERE version = 14")
        .execute(&db.raw)
        .await
        .unwrap();
    let reopened = Store::open(&StoreOptions::new(&db.url), NOW_MS)
        .await
        .unwrap();
    let seqs =
        |row: Option<ApplicationRow>| tongban_store::parse_event_seqs(&row.unwrap().event_seqs);
    assert_eq!(seqs(reopened.application("a1").await.unwrap()), a1);
    assert_eq!(seqs(reopened.application("a2").await.unwrap()), a2);
    assert!(seqs(reopened.application("a3").await.unwrap()).is_empty());
    reopened.close().await;
}
contract!(
    cases_stored_before_their_event_positions_were_kept_get_them_from_the_log,
    super::cases_stored_before_their_event_positions_were_kept_get_them_from_the_log
);
