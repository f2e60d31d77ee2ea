//! Stories about notices and their outbox: one notice per dedupe key, written in the caller's
//! unit of work; the inbox read newest first and marked read; outbox messages claimed under a
//! lease, so that no two dispatchers hold the same message, and finished by the claim holder.

use tongban_store::{
    AccountRow, DeliveryOutcome, NewNotice, NoticesToMark, Store, StoreError, notice_id,
};

use crate::contract;
use crate::engines::{NOW_MS, TestDb};
use crate::stories_org::event;

const MINUTE: i64 = 60_000;

fn account(id: &str) -> AccountRow {
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

async fn accounts(store: &Store, ids: &[&str]) {
    let rows: Vec<AccountRow> = ids.iter().map(|id| account(id)).collect();
    store
        .write(move |ctx| {
            Box::pin(async move {
                for row in &rows {
                    ctx.insert_account(row).await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
}

fn notice(key: &str, account: &str, at: i64) -> NewNotice {
    NewNotice {
        dedupe_key: key.into(),
        account_id: account.into(),
        at_ms: NOW_MS + at,
        subject: format!("办件{key}已受理"),
        body: "您提交的申请已受理，请留意后续通知。".into(),
        link: "/me/notices".into(),
        sms_to: Some("13812348000".into()),
        email_to: Some("zhangsan@example.com".into()),
    }
}

/// Enqueues a notice in a unit that also appends its event, as use cases do.
async fn enqueue(store: &Store, n: NewNotice) -> bool {
    store
        .write(move |ctx| {
            Box::pin(async move {
                let written = ctx.enqueue_notice(&n).await?;
                ctx.append_event(event("application.changed", &n.dedupe_key))
                    .await?;
                Ok::<_, StoreError>(written)
            })
        })
        .await
        .unwrap()
}

async fn claim(store: &Store, channels: &[&str], now: i64, token: &str) -> Vec<String> {
    let channels: Vec<String> = channels.iter().map(|c| c.to_string()).collect();
    let token = token.to_string();
    store
        .write(move |ctx| {
            Box::pin(async move {
                let channels: Vec<&str> = channels.iter().map(String::as_str).collect();
                let claimed = ctx
                    .claim_outbox(
                        &channels,
                        NOW_MS + now,
                        NOW_MS + now + 5 * MINUTE,
                        10,
                        &token,
                    )
                    .await?;
                ctx.append_event(event("outbox.claimed", &token)).await?;
                Ok::<_, StoreError>(claimed.into_iter().map(|m| m.idempotency_key).collect())
            })
        })
        .await
        .unwrap()
}

async fn finish(store: &Store, key: &str, token: &str, outcome: DeliveryOutcome, now: i64) -> bool {
    let (key, token) = (key.to_string(), token.to_string());
    store
        .write(move |ctx| {
            Box::pin(async move {
                let done = ctx
                    .finish_outbox(&key, &token, &outcome, NOW_MS + now)
                    .await?;
                ctx.append_event(event("outbox.finished", &key)).await?;
                Ok::<_, StoreError>(done)
            })
        })
        .await
        .unwrap()
}

async fn a_notice_is_written_once_per_dedupe_key_with_one_message_per_channel(db: &TestDb) {
    accounts(&db.store, &["c1"]).await;
    assert!(enqueue(&db.store, notice("app-1:accepted", "c1", 0)).await);
    let mut again = notice("app-1:accepted", "c1", MINUTE);
    again.subject = "另一条".into();
    assert!(
        !enqueue(&db.store, again).await,
        "the same notice is never written twice"
    );
    let mut sms_only = notice("app-2:accepted", "c1", 2 * MINUTE);
    sms_only.email_to = Some("  ".into());
    assert!(enqueue(&db.store, sms_only).await);
    assert_eq!(db.store.notice_counts("c1").await.unwrap(), (2, 2));
    let stored = db
        .store
        .notice_by_dedupe_key("app-1:accepted")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.subject, "办件app-1:accepted已受理");
    assert_eq!(stored.id, notice_id(NOW_MS, "app-1:accepted"));
    assert_eq!(
        db.store.outbox_counts().await.unwrap(),
        vec![
            ("email".to_string(), "pending".to_string(), 1),
            ("sms".to_string(), "pending".to_string(), 2),
        ]
    );
    let sms = db
        .store
        .outbox_message("app-1:accepted:sms")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sms.recipient, "13812348000");
    assert_eq!((sms.status.as_str(), sms.attempts), ("pending", 0));
    assert_eq!(sms.next_attempt_ms, NOW_MS);
}
contract!(
    a_notice_is_written_once_per_dedupe_key_with_one_message_per_channel,
    super::a_notice_is_written_once_per_dedupe_key_with_one_message_per_channel
);

async fn a_notice_of_a_unit_that_fails_is_not_written(db: &TestDb) {
    accounts(&db.store, &["c1"]).await;
    let n = notice("app-1:accepted", "c1", 0);
    let failed = db
        .store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.enqueue_notice(&n).await?;
                Err::<(), _>(StoreError::NotFound("application"))
            })
        })
        .await;
    assert!(failed.is_err());
    assert_eq!(db.store.notice_counts("c1").await.unwrap(), (0, 0));
    assert!(db.store.outbox_counts().await.unwrap().is_empty());
    assert!(enqueue(&db.store, notice("app-1:accepted", "c1", 0)).await);
}
contract!(
    a_notice_of_a_unit_that_fails_is_not_written,
    super::a_notice_of_a_unit_that_fails_is_not_written
);

async fn the_inbox_is_read_newest_first_a_page_at_a_time_and_marked_read(db: &TestDb) {
    accounts(&db.store, &["c1", "c2"]).await;
    for i in 0..5 {
        enqueue(&db.store, notice(&format!("n{i}"), "c1", i * MINUTE)).await;
    }
    enqueue(&db.store, notice("other", "c2", 0)).await;
    let keys = |rows: Vec<tongban_store::NoticeRow>| -> Vec<String> {
        rows.into_iter().map(|n| n.dedupe_key).collect()
    };
    assert_eq!(
        keys(db.store.notices_of("c1", 2, 0).await.unwrap()),
        ["n4", "n3"]
    );
    assert_eq!(keys(db.store.notices_of("c1", 2, 4).await.unwrap()), ["n0"]);
    let by_id = NoticesToMark::Ids(vec![
        notice_id(NOW_MS + 4 * MINUTE, "n4"),
        notice_id(NOW_MS, "other"),
    ]);
    let marked = db
        .store
        .write(move |ctx| {
            Box::pin(async move {
                let n = ctx
                    .mark_notices_read("c1", &by_id, NOW_MS + 10 * MINUTE)
                    .await?;
                ctx.append_event(event("notices.read", "c1")).await?;
                Ok::<_, StoreError>(n)
            })
        })
        .await
        .unwrap();
    assert_eq!(marked, 1, "another account's notice is not touched");
    assert_eq!(db.store.unread_notice_count("c1").await.unwrap(), 4);
    assert_eq!(db.store.unread_notice_count("c2").await.unwrap(), 1);
    let up_to = NoticesToMark::UpTo(NOW_MS + 2 * MINUTE);
    let marked = db
        .store
        .write(move |ctx| {
            Box::pin(async move {
                let n = ctx
                    .mark_notices_read("c1", &up_to, NOW_MS + 11 * MINUTE)
                    .await?;
                ctx.append_event(event("notices.read", "c1")).await?;
                Ok::<_, StoreError>(n)
            })
        })
        .await
        .unwrap();
    assert_eq!(marked, 3);
    assert_eq!(db.store.notice_counts("c1").await.unwrap(), (5, 1));
    let newest = db.store.notices_of("c1", 2, 0).await.unwrap();
    assert_eq!(newest[0].read_at_ms, Some(NOW_MS + 10 * MINUTE));
    assert_eq!(newest[1].read_at_ms, None);
}
contract!(
    the_inbox_is_read_newest_first_a_page_at_a_time_and_marked_read,
    super::the_inbox_is_read_newest_first_a_page_at_a_time_and_marked_read
);

async fn a_due_message_is_claimed_by_one_dispatcher_until_its_lease_expires(db: &TestDb) {
    accounts(&db.store, &["c1"]).await;
    enqueue(&db.store, notice("a", "c1", 0)).await;
    enqueue(&db.store, notice("later", "c1", 10 * MINUTE)).await;
    assert!(db.store.outbox_has_due(&["sms"], NOW_MS).await.unwrap());
    assert!(!db.store.outbox_has_due(&[], NOW_MS).await.unwrap());
    assert_eq!(claim(&db.store, &["sms"], 0, "d1").await, ["a:sms"]);
    assert!(
        claim(&db.store, &["sms"], MINUTE, "d2").await.is_empty(),
        "a claimed message is not claimed again while its lease runs"
    );
    let sending = db.store.outbox_message("a:sms").await.unwrap().unwrap();
    assert_eq!((sending.status.as_str(), sending.attempts), ("sending", 1));
    assert_eq!(sending.lease_until_ms, Some(NOW_MS + 5 * MINUTE));
    // The first dispatcher dies; after the lease the message is claimed again.
    assert_eq!(
        claim(&db.store, &["sms"], 5 * MINUTE, "d2").await,
        ["a:sms"]
    );
    assert!(
        !finish(&db.store, "a:sms", "d1", DeliveryOutcome::Sent, 6 * MINUTE).await,
        "a dispatcher whose lease was taken over records nothing"
    );
    assert!(finish(&db.store, "a:sms", "d2", DeliveryOutcome::Sent, 6 * MINUTE).await);
    let sent = db.store.outbox_message("a:sms").await.unwrap().unwrap();
    assert_eq!((sent.status.as_str(), sent.attempts), ("sent", 2));
    assert_eq!(sent.sent_at_ms, Some(NOW_MS + 6 * MINUTE));
    assert_eq!(sent.lease_until_ms, None);
    assert!(
        !finish(&db.store, "a:sms", "d2", DeliveryOutcome::Sent, 7 * MINUTE).await,
        "a message is finished once"
    );
    // Only the channels asked for are claimed, oldest due first.
    assert_eq!(
        claim(&db.store, &["email", "sms"], 10 * MINUTE, "d3").await,
        ["a:email", "later:email", "later:sms"]
    );
}
contract!(
    a_due_message_is_claimed_by_one_dispatcher_until_its_lease_expires,
    super::a_due_message_is_claimed_by_one_dispatcher_until_its_lease_expires
);

async fn a_failed_attempt_is_retried_when_due_and_a_message_may_fail_for_good(db: &TestDb) {
    accounts(&db.store, &["c1"]).await;
    enqueue(&db.store, notice("a", "c1", 0)).await;
    assert_eq!(claim(&db.store, &["email"], 0, "d1").await, ["a:email"]);
    let retry = DeliveryOutcome::Retry {
        next_attempt_ms: NOW_MS + MINUTE,
        error: "SMTP 451 稍后再试".into(),
    };
    assert!(finish(&db.store, "a:email", "d1", retry, 0).await);
    let pending = db.store.outbox_message("a:email").await.unwrap().unwrap();
    assert_eq!(pending.status, "pending");
    assert_eq!(pending.next_attempt_ms, NOW_MS + MINUTE);
    assert_eq!(pending.last_error.as_deref(), Some("SMTP 451 稍后再试"));
    assert!(
        claim(&db.store, &["email"], MINUTE - 1, "d2")
            .await
            .is_empty()
    );
    assert_eq!(
        claim(&db.store, &["email"], MINUTE, "d2").await,
        ["a:email"]
    );
    let failed = DeliveryOutcome::Failed {
        error: "SMTP 550 拒收".into(),
    };
    assert!(finish(&db.store, "a:email", "d2", failed, MINUTE).await);
    let row = db.store.outbox_message("a:email").await.unwrap().unwrap();
    assert_eq!((row.status.as_str(), row.attempts), ("failed", 2));
    assert_eq!(row.last_error.as_deref(), Some("SMTP 550 拒收"));
    assert_eq!(row.sent_at_ms, None);
    assert!(
        claim(&db.store, &["email"], 100 * MINUTE, "d3")
            .await
            .is_empty()
    );
    let page = db.store.outbox_page(10, 0).await.unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(
        db.store.outbox_counts().await.unwrap(),
        vec![
            ("email".to_string(), "failed".to_string(), 1),
            ("sms".to_string(), "pending".to_string(), 1),
        ]
    );
}
contract!(
    a_failed_attempt_is_retried_when_due_and_a_message_may_fail_for_good,
    super::a_failed_attempt_is_retried_when_due_and_a_message_may_fail_for_good
);

async fn the_outbox_is_listed_newest_first_a_page_at_a_time(db: &TestDb) {
    accounts(&db.store, &["c1"]).await;
    for i in 0..3 {
        let mut n = notice(&format!("n{i}"), "c1", i * MINUTE);
        n.email_to = None;
        enqueue(&db.store, n).await;
    }
    let keys = |rows: Vec<tongban_store::OutboxRow>| -> Vec<String> {
        rows.into_iter().map(|r| r.idempotency_key).collect()
    };
    assert_eq!(
        keys(db.store.outbox_page(2, 0).await.unwrap()),
        ["n2:sms", "n1:sms"]
    );
    assert_eq!(keys(db.store.outbox_page(2, 2).await.unwrap()), ["n0:sms"]);
}
contract!(
    the_outbox_is_listed_newest_first_a_page_at_a_time,
    super::the_outbox_is_listed_newest_first_a_page_at_a_time
);

async fn a_deferred_notice_sorts_by_time_and_its_messages_name_the_notice_already_kept(
    db: &TestDb,
) {
    accounts(&db.store, &["c1"]).await;
    // Written first with an email address only.
    let mut first = notice("app-9:accepted", "c1", 0);
    first.sms_to = None;
    assert!(enqueue(&db.store, first).await);
    // The same notice again, later and with a phone, plus a new one, in one batch.
    let again = notice("app-9:accepted", "c1", 5 * MINUTE);
    let other = notice("app-10:accepted", "c1", 6 * MINUTE);
    db.store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.defer_notice(again);
                ctx.defer_notice(other);
                ctx.append_event(event("application.changed", "app-9"))
                    .await
            })
        })
        .await
        .unwrap();
    let kept = db
        .store
        .notice_by_dedupe_key("app-9:accepted")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        kept.id,
        notice_id(NOW_MS, "app-9:accepted"),
        "not written twice"
    );
    let newer = db
        .store
        .notice_by_dedupe_key("app-10:accepted")
        .await
        .unwrap()
        .unwrap();
    assert!(newer.id > kept.id, "ids sort by the time they were written");
    let outbox = db.store.outbox_page(10, 0).await.unwrap();
    let sms_of_kept = outbox
        .iter()
        .find(|m| m.idempotency_key == "app-9:accepted:sms")
        .expect("the new phone's message is written");
    assert_eq!(sms_of_kept.notice_id, kept.id);
    assert!(
        outbox
            .iter()
            .filter(|m| m.idempotency_key.starts_with("app-10:"))
            .all(|m| m.notice_id == newer.id)
    );
    assert_eq!(outbox.len(), 4, "email and sms of each notice, once");
}
contract!(
    a_deferred_notice_sorts_by_time_and_its_messages_name_the_notice_already_kept,
    super::a_deferred_notice_sorts_by_time_and_its_messages_name_the_notice_already_kept
);
