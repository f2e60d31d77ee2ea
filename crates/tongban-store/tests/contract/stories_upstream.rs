//! Stories about the push to the provincial platform: a stream's events are read after its
//! cursor by kind and in log order; one pusher holds a stream at a time (lease); only the
//! holder moves the cursor, and only forward; a failure waits for its next attempt.

use tongban_store::{Store, StoreError, UpstreamCursorRow};

use crate::contract;
use crate::engines::{NOW_MS, TestDb};
use crate::stories_org::event;

const MINUTE: i64 = 60_000;
const KINDS: [&str; 2] = ["licence.issued", "licence.revoked"];

async fn append(store: &Store, actions: &[&str]) {
    let actions: Vec<String> = actions.iter().map(|a| a.to_string()).collect();
    store
        .write(move |ctx| {
            Box::pin(async move {
                for (i, action) in actions.iter().enumerate() {
                    ctx.append_event(event(action, &format!("e{i}"))).await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
}

async fn claim(store: &Store, holder: &str, now: i64, due_by: i64) -> Option<UpstreamCursorRow> {
    let holder = holder.to_string();
    store
        .write(move |ctx| {
            Box::pin(async move {
                let claimed = ctx
                    .claim_upstream(
                        "licences",
                        &holder,
                        NOW_MS + now,
                        NOW_MS + now + 5 * MINUTE,
                        due_by,
                    )
                    .await?;
                ctx.append_event(event("upstream.claimed", &holder)).await?;
                Ok::<_, StoreError>(claimed)
            })
        })
        .await
        .unwrap()
}

async fn advance(store: &Store, holder: &str, to: i64, release: bool) -> bool {
    let holder = holder.to_string();
    store
        .write(move |ctx| {
            Box::pin(async move {
                let done = ctx
                    .advance_upstream("licences", &holder, to, NOW_MS + MINUTE, release)
                    .await?;
                ctx.append_event(event("upstream.pushed", &holder)).await?;
                Ok::<_, StoreError>(done)
            })
        })
        .await
        .unwrap()
}

async fn fail(store: &Store, holder: &str, next: i64) -> bool {
    let holder = holder.to_string();
    store
        .write(move |ctx| {
            Box::pin(async move {
                let done = ctx
                    .fail_upstream("licences", &holder, "HTTP 500", NOW_MS + next)
                    .await?;
                ctx.append_event(event("upstream.failed", &holder)).await?;
                Ok::<_, StoreError>(done)
            })
        })
        .await
        .unwrap()
}

async fn a_streams_events_are_read_after_its_cursor_by_kind_in_log_order(db: &TestDb) {
    append(
        &db.store,
        &[
            "licence.issued",
            "department.created",
            "licence.revoked",
            "licence.issued",
        ],
    )
    .await;
    let seqs = |rows: Vec<tongban_store::EventRow>| -> Vec<(i64, String)> {
        rows.into_iter().map(|e| (e.seq, e.action)).collect()
    };
    let all = db.store.upstream_events_after(0, &KINDS, 10).await.unwrap();
    assert_eq!(
        seqs(all),
        [
            (1, "licence.issued".to_string()),
            (3, "licence.revoked".to_string()),
            (4, "licence.issued".to_string()),
        ]
    );
    let after_one = db.store.upstream_events_after(1, &KINDS, 1).await.unwrap();
    assert_eq!(seqs(after_one), [(3, "licence.revoked".to_string())]);
    assert_eq!(db.store.upstream_backlog(0, &KINDS).await.unwrap(), 3);
    assert_eq!(db.store.upstream_backlog(3, &KINDS).await.unwrap(), 1);
    assert_eq!(db.store.upstream_backlog(0, &[]).await.unwrap(), 0);
    assert!(
        db.store
            .upstream_events_after(0, &[], 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        db.store
            .upstream_cursor("licences")
            .await
            .unwrap()
            .is_none()
    );
}
contract!(
    a_streams_events_are_read_after_its_cursor_by_kind_in_log_order,
    super::a_streams_events_are_read_after_its_cursor_by_kind_in_log_order
);

async fn one_pusher_holds_a_stream_until_it_releases_or_its_lease_expires(db: &TestDb) {
    let first = claim(&db.store, "p1", 0, NOW_MS).await.unwrap();
    assert_eq!(
        (first.last_seq, first.pushed_count, first.attempts),
        (0, 0, 0)
    );
    assert_eq!(first.lease_holder.as_deref(), Some("p1"));
    assert_eq!(first.lease_until_ms, Some(NOW_MS + 5 * MINUTE));
    assert!(
        claim(&db.store, "p2", MINUTE, NOW_MS + MINUTE)
            .await
            .is_none(),
        "a held stream is not claimed again while the lease runs"
    );
    // p1 dies; after its lease another pusher takes over.
    let taken = claim(&db.store, "p2", 5 * MINUTE, NOW_MS + 5 * MINUTE)
        .await
        .unwrap();
    assert_eq!(taken.lease_holder.as_deref(), Some("p2"));
    assert!(
        !advance(&db.store, "p1", 1, false).await,
        "p1 lost the stream"
    );
    let released = db
        .store
        .write(|ctx| {
            Box::pin(async move {
                let not_mine = ctx.release_upstream("licences", "p1").await?;
                let mine = ctx.release_upstream("licences", "p2").await?;
                ctx.append_event(event("upstream.released", "p2")).await?;
                Ok::<_, StoreError>((not_mine, mine))
            })
        })
        .await
        .unwrap();
    assert_eq!(released, (false, true));
    assert!(
        claim(&db.store, "p3", 6 * MINUTE, NOW_MS + 6 * MINUTE)
            .await
            .is_some()
    );
    assert_eq!(db.store.upstream_cursors().await.unwrap().len(), 1);
}
contract!(
    one_pusher_holds_a_stream_until_it_releases_or_its_lease_expires,
    super::one_pusher_holds_a_stream_until_it_releases_or_its_lease_expires
);

async fn only_the_holder_moves_the_cursor_and_only_forward(db: &TestDb) {
    append(&db.store, &["licence.issued"; 5]).await;
    claim(&db.store, "p1", 0, NOW_MS).await.unwrap();
    assert!(advance(&db.store, "p1", 2, false).await);
    assert!(!advance(&db.store, "p2", 3, false).await, "not the holder");
    assert!(!advance(&db.store, "p1", 2, false).await, "not forward");
    assert!(!advance(&db.store, "p1", 1, false).await, "not backward");
    assert!(advance(&db.store, "p1", 4, true).await);
    let cursor = db.store.upstream_cursor("licences").await.unwrap().unwrap();
    assert_eq!((cursor.last_seq, cursor.pushed_count), (4, 2));
    assert_eq!(cursor.last_success_at_ms, Some(NOW_MS + MINUTE));
    assert_eq!((cursor.lease_holder, cursor.lease_until_ms), (None, None));
    assert_eq!(
        db.store
            .upstream_backlog(cursor.last_seq, &KINDS)
            .await
            .unwrap(),
        1
    );
    assert!(!advance(&db.store, "p1", 5, false).await, "released");
}
contract!(
    only_the_holder_moves_the_cursor_and_only_forward,
    super::only_the_holder_moves_the_cursor_and_only_forward
);

async fn a_failure_waits_for_its_next_attempt_and_a_success_clears_it(db: &TestDb) {
    append(&db.store, &["licence.issued"; 2]).await;
    claim(&db.store, "p1", 0, NOW_MS).await.unwrap();
    assert!(!fail(&db.store, "p2", MINUTE).await, "not the holder");
    assert!(fail(&db.store, "p1", 2 * MINUTE).await);
    let failed = db.store.upstream_cursor("licences").await.unwrap().unwrap();
    assert_eq!(failed.attempts, 1);
    assert_eq!(failed.last_error.as_deref(), Some("HTTP 500"));
    assert_eq!(failed.next_attempt_ms, NOW_MS + 2 * MINUTE);
    assert_eq!((failed.lease_holder, failed.last_seq), (None, 0));
    assert!(
        claim(&db.store, "p1", MINUTE, NOW_MS + MINUTE)
            .await
            .is_none(),
        "not due yet"
    );
    // Pushing now (an operator's button) ignores the backoff.
    let forced = claim(&db.store, "p1", MINUTE, i64::MAX).await.unwrap();
    assert_eq!(forced.attempts, 1);
    assert!(advance(&db.store, "p1", 1, true).await);
    let cleared = db.store.upstream_cursor("licences").await.unwrap().unwrap();
    assert_eq!((cleared.attempts, cleared.last_error), (0, None));
    assert_eq!(cleared.next_attempt_ms, NOW_MS + MINUTE);
}
contract!(
    a_failure_waits_for_its_next_attempt_and_a_success_clears_it,
    super::a_failure_waits_for_its_next_attempt_and_a_success_clears_it
);
