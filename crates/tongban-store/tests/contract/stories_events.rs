//! Stories about the event log: chaining, cursors, tamper detection and group commit.

use tongban_domain::audit::ChainBreakKind;
use tongban_store::{StoreError, VerifyOutcome};

use crate::contract;
use crate::engines::TestDb;
use crate::stories_org::event;

/// The store's hash chain verifies and holds exactly `count` events.
async fn assert_chain_intact(db: &TestDb, count: i64) {
    match db.store.verify_events().await.unwrap() {
        VerifyOutcome::Intact { count: found, .. } => assert_eq!(found, count),
        other => panic!("expected an intact chain, got {other:?}"),
    }
}

async fn append(db: &TestDb, n: usize) {
    for i in 0..n {
        db.store
            .write(move |ctx| {
                Box::pin(async move {
                    ctx.append_event(event("thing.done", &format!("e{i}")))
                        .await
                })
            })
            .await
            .unwrap();
    }
}

async fn every_event_chains_to_the_one_before_it(db: &TestDb) {
    append(db, 12).await;
    assert_chain_intact(db, 12).await;
    assert_eq!(db.store.head_seq().await.unwrap(), 12);
}
contract!(
    every_event_chains_to_the_one_before_it,
    super::every_event_chains_to_the_one_before_it
);

async fn consumers_page_through_events_with_a_cursor(db: &TestDb) {
    append(db, 7).await;
    let first = db.store.events_after(0, 5).await.unwrap();
    assert_eq!(
        first.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    let rest = db.store.events_after(5, 5).await.unwrap();
    assert_eq!(rest.iter().map(|e| e.seq).collect::<Vec<_>>(), [6, 7]);
    assert!(db.store.events_after(7, 5).await.unwrap().is_empty());
    assert_eq!(first[0].entity_id, "e0");
    assert_eq!(first[0].payload, r#"{"id":"e0"}"#);
}
contract!(
    consumers_page_through_events_with_a_cursor,
    super::consumers_page_through_events_with_a_cursor
);

async fn one_entitys_events_are_read_oldest_first(db: &TestDb) {
    append(db, 3).await;
    append(db, 2).await;
    let events = db.store.events_of("test", "e1").await.unwrap();
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 5]);
    assert!(
        db.store
            .events_of("test", "nothing")
            .await
            .unwrap()
            .is_empty()
    );
}
contract!(
    one_entitys_events_are_read_oldest_first,
    super::one_entitys_events_are_read_oldest_first
);

async fn an_edited_event_is_named_by_verify(db: &TestDb) {
    append(db, 5).await;
    sqlx::query("UPDATE events SET payload = $1 WHERE seq = 3")
        .bind(r#"{"id":"forged"}"#)
        .execute(&db.raw)
        .await
        .unwrap();
    match db.store.verify_events().await.unwrap() {
        VerifyOutcome::Broken(b) => {
            assert_eq!(b.seq, 3);
            assert_eq!(b.kind, ChainBreakKind::Edited);
        }
        other => panic!("expected a break, got {other:?}"),
    }
}
contract!(
    an_edited_event_is_named_by_verify,
    super::an_edited_event_is_named_by_verify
);

async fn a_deleted_event_is_named_by_verify(db: &TestDb) {
    append(db, 5).await;
    sqlx::query("DELETE FROM events WHERE seq = 2")
        .execute(&db.raw)
        .await
        .unwrap();
    match db.store.verify_events().await.unwrap() {
        VerifyOutcome::Broken(b) => {
            assert_eq!(
                b.seq, 3,
                "the first event after the hole is the first bad one"
            );
            assert_eq!(b.kind, ChainBreakKind::Missing { expected_seq: 2 });
        }
        other => panic!("expected a break, got {other:?}"),
    }
}
contract!(
    a_deleted_event_is_named_by_verify,
    super::a_deleted_event_is_named_by_verify
);

async fn deleting_the_newest_event_is_caught_by_the_chain_head(db: &TestDb) {
    append(db, 4).await;
    sqlx::query("DELETE FROM events WHERE seq = 4")
        .execute(&db.raw)
        .await
        .unwrap();
    assert_eq!(
        db.store.verify_events().await.unwrap(),
        VerifyOutcome::HeadMismatch {
            head_seq: 4,
            last_seq: 3
        }
    );
}
contract!(
    deleting_the_newest_event_is_caught_by_the_chain_head,
    super::deleting_the_newest_event_is_caught_by_the_chain_head
);

async fn an_inserted_event_is_named_by_verify(db: &TestDb) {
    append(db, 3).await;
    // Make room by renumbering 3 -> 4, then slip a forged event in as #3.
    sqlx::query("UPDATE events SET seq = 4 WHERE seq = 3")
        .execute(&db.raw)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO events (seq, at_ms, actor, action, entity_type, entity_id, payload, prev_hash, hash)
         SELECT 3, at_ms, actor, 'thing.forged', entity_type, entity_id, payload, prev_hash, hash FROM events WHERE seq = 2",
    )
    .execute(&db.raw)
    .await
    .unwrap();
    match db.store.verify_events().await.unwrap() {
        VerifyOutcome::Broken(b) => assert_eq!(b.seq, 3),
        other => panic!("expected a break, got {other:?}"),
    }
}
contract!(
    an_inserted_event_is_named_by_verify,
    super::an_inserted_event_is_named_by_verify
);

async fn concurrent_writers_are_all_acknowledged_and_a_failing_one_rolls_back_alone(db: &TestDb) {
    let mut tasks = Vec::new();
    for i in 0..40_u32 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .write(move |ctx| {
                    Box::pin(async move {
                        ctx.append_event(event("thing.done", &format!("w{i}")))
                            .await?;
                        if i.is_multiple_of(4) {
                            return Err(StoreError::NotFound("forced failure"));
                        }
                        Ok(i)
                    })
                })
                .await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        if task.await.unwrap().is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, 30);
    assert_eq!(db.store.head_seq().await.unwrap(), 30);
    let events = db.store.events_after(0, 100).await.unwrap();
    assert!(events.iter().all(|e| {
        let n: usize = e.entity_id[1..].parse().unwrap();
        !n.is_multiple_of(4)
    }));
    assert_chain_intact(db, 30).await;
    let stats = db.store.write_stats();
    assert_eq!(stats.units, 30);
    assert_eq!(stats.events, 30);
    assert!(stats.batches <= 30);
}
contract!(
    concurrent_writers_are_all_acknowledged_and_a_failing_one_rolls_back_alone,
    super::concurrent_writers_are_all_acknowledged_and_a_failing_one_rolls_back_alone
);

async fn a_second_store_on_the_same_database_continues_the_same_chain(db: &TestDb) {
    append(db, 2).await;
    // The head lives in the database, not in the writer's memory.
    let second = tongban_store::Store::open(
        &tongban_store::StoreOptions::new(&db.url),
        crate::engines::NOW_MS,
    )
    .await
    .unwrap();
    second
        .write(|ctx| Box::pin(async move { ctx.append_event(event("thing.done", "again")).await }))
        .await
        .unwrap();
    append(db, 1).await;
    assert_chain_intact(db, 4).await;
    second.close().await;
}
contract!(
    a_second_store_on_the_same_database_continues_the_same_chain,
    super::a_second_store_on_the_same_database_continues_the_same_chain
);

async fn units_that_wrote_rows_and_then_failed_leave_no_rows_beside_units_that_succeeded(
    db: &TestDb,
) {
    let mut tasks = Vec::new();
    for i in 0..24_u32 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .write(move |ctx| {
                    Box::pin(async move {
                        let code = format!("5119{:02}000000", i + 10);
                        let row = crate::stories_org::division(&code, "测试区", 4, None);
                        ctx.insert_division(&row).await?;
                        ctx.append_event(event("division.created", &code)).await?;
                        if i.is_multiple_of(3) {
                            return Err(StoreError::NotFound("forced failure after a write"));
                        }
                        Ok(code)
                    })
                })
                .await
        }));
    }
    let mut kept = Vec::new();
    for task in tasks {
        if let Ok(code) = task.await.unwrap() {
            kept.push(code);
        }
    }
    assert_eq!(kept.len(), 16);
    let stored = db.store.child_divisions(None).await.unwrap();
    let mut stored_codes: Vec<String> = stored.into_iter().map(|d| d.code).collect();
    stored_codes.sort();
    kept.sort();
    assert_eq!(stored_codes, kept);
    assert_chain_intact(db, 16).await;
}
contract!(
    units_that_wrote_rows_and_then_failed_leave_no_rows_beside_units_that_succeeded,
    super::units_that_wrote_rows_and_then_failed_leave_no_rows_beside_units_that_succeeded
);

async fn sqlite_copies_committed_pages_into_the_database_file_beside_the_writer(db: &TestDb) {
    let Some(mut passes) = db.store.watch_checkpoints() else {
        // PostgreSQL checkpoints by itself; there is no task to watch.
        assert_eq!(db.store.engine(), tongban_store::Engine::Postgres);
        return;
    };
    append(db, 3).await;
    let pass = passes.next().await.expect("a pass after the commit");
    assert!(!pass.busy);
    assert!(pass.wal_pages > 0, "the commits left pages in the WAL");
    assert_eq!(pass.copied_pages, pass.wal_pages, "every page was copied");
    // The chain reads the same after the copy.
    assert_chain_intact(db, 3).await;
}
contract!(
    sqlite_copies_committed_pages_into_the_database_file_beside_the_writer,
    super::sqlite_copies_committed_pages_into_the_database_file_beside_the_writer
);
