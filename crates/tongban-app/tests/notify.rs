//! Notices and their delivery: a notice is enqueued once per dedupe key, each message is
//! delivered once however often (or however concurrently) the outbox is dispatched, failures
//! are retried with backoff on the fake clock until they succeed or run out of attempts, and
//! the senders that come with Tongban (a JSON-lines file, SMTP) deliver what they are given.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use time::Duration;
use time::macros::datetime;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tongban_app::{
    App, AppConfig, AppError, BoxFuture, Channel, DispatchReport, FakeClock, FileSender,
    NoticeSender, OrgUnit, OutboundMessage, Principal, Senders, SmtpConfig, SmtpSender,
};
use tongban_domain::{DivisionCode, Role};
use tongban_store::{AccountRow, NewEvent, NewNotice, Store, StoreError, StoreOptions};

const CITIZEN: &str = "citizen-1";

struct TestApp {
    app: App,
    clock: Arc<FakeClock>,
    dir: std::path::PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh app with one citizen account and no senders.
async fn app() -> TestApp {
    let dir = std::env::temp_dir().join(format!("tongban-notify-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/t.db", dir.display());
    let clock = Arc::new(FakeClock::at(datetime!(2026-11-25 02:00 UTC)));
    let store = Store::open(&StoreOptions::new(url), 0).await.unwrap();
    let app = App::new(store, clock.clone(), AppConfig::new(b"k".to_vec()))
        .await
        .unwrap();
    let row = AccountRow {
        id: CITIZEN.into(),
        kind: "citizen".into(),
        login: "c1".into(),
        display_name: "张三".into(),
        password_hash: "x".into(),
        role: None,
        unit_kind: None,
        unit_id: None,
        disabled: 0,
        created_at_ms: 0,
    };
    app.store()
        .write(move |ctx| Box::pin(async move { ctx.insert_account(&row).await }))
        .await
        .unwrap();
    TestApp { app, clock, dir }
}

fn citizen() -> Principal {
    Principal::Citizen {
        account_id: CITIZEN.into(),
        login: "c1".into(),
        name: "张三".into(),
    }
}

fn staff(role: Role) -> Principal {
    Principal::Staff {
        account_id: format!("staff-{}", role.code()),
        login: role.code().into(),
        name: "测试人员".into(),
        role,
        unit: OrgUnit::Division {
            code: DivisionCode::parse("511900000000").unwrap(),
        },
    }
}

fn now_ms(app: &App) -> i64 {
    (app.now().unix_timestamp_nanos() / 1_000_000) as i64
}

fn notice(app: &App, key: &str) -> NewNotice {
    NewNotice {
        dedupe_key: key.into(),
        account_id: CITIZEN.into(),
        at_ms: now_ms(app),
        subject: "您的申请已受理".into(),
        body: "您提交的申请已受理。\n.请按时办理".into(),
        link: "/me/notices".into(),
        sms_to: Some("13812348000".into()),
        email_to: None,
    }
}

/// Enqueues a notice in a unit of work with its event, as the applications' use cases do.
async fn enqueue(app: &App, n: NewNotice) -> bool {
    app.store()
        .write(move |ctx| {
            Box::pin(async move {
                let written = ctx.enqueue_notice(&n).await?;
                ctx.append_event(NewEvent {
                    at_ms: n.at_ms,
                    actor: "system".into(),
                    action: "application.accepted".into(),
                    entity_type: "application".into(),
                    entity_id: n.dedupe_key.clone(),
                    payload: serde_json::json!({}),
                })
                .await?;
                Ok::<_, StoreError>(written)
            })
        })
        .await
        .unwrap()
}

/// Fails its first `failures` attempts, then delivers; records what it delivered.
struct ScriptedSender {
    channel: Channel,
    failures: usize,
    attempts: AtomicUsize,
    delivered: Mutex<Vec<OutboundMessage>>,
}

impl ScriptedSender {
    fn new(channel: Channel, failures: usize) -> Arc<ScriptedSender> {
        Arc::new(ScriptedSender {
            channel,
            failures,
            attempts: AtomicUsize::new(0),
            delivered: Mutex::new(Vec::new()),
        })
    }

    fn delivered(&self) -> Vec<OutboundMessage> {
        self.delivered.lock().unwrap().clone()
    }
}

impl NoticeSender for ScriptedSender {
    fn channel(&self) -> Channel {
        self.channel
    }

    fn send<'a>(&'a self, msg: &'a OutboundMessage) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            // Let a concurrent dispatcher run while this one is "sending".
            tokio::task::yield_now().await;
            let attempt = self.attempts.fetch_add(1, Ordering::SeqCst);
            if attempt < self.failures {
                return Err(format!(
                    "gateway busy, 13812348000 not reached (try {attempt})"
                ));
            }
            self.delivered.lock().unwrap().push(msg.clone());
            Ok(())
        })
    }
}

fn report(sent: usize, retried: usize, failed: usize) -> DispatchReport {
    DispatchReport {
        sent,
        retried,
        failed,
    }
}

#[tokio::test]
async fn a_message_that_fails_twice_is_delivered_once_after_two_retries() {
    let t = app().await;
    let sms = ScriptedSender::new(Channel::Sms, 2);
    let app = t
        .app
        .clone()
        .with_senders(Senders::none().with(sms.clone()));
    enqueue(&app, notice(&app, "app-1:accepted")).await;

    assert_eq!(app.dispatch_outbox().await.unwrap(), report(0, 1, 0));
    let row = app
        .store()
        .outbox_message("app-1:accepted:sms")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
    assert_eq!(row.next_attempt_ms, now_ms(&app) + 60_000);
    let error = row.last_error.unwrap();
    assert!(!error.contains("13812348000"), "{error}");

    assert_eq!(
        app.dispatch_outbox().await.unwrap(),
        report(0, 0, 0),
        "nothing is due before the first minute is up"
    );
    t.clock.advance(Duration::minutes(1));
    assert_eq!(app.dispatch_outbox().await.unwrap(), report(0, 1, 0));
    t.clock.advance(Duration::minutes(1));
    assert_eq!(
        app.dispatch_outbox().await.unwrap(),
        report(0, 0, 0),
        "the second retry waits two minutes"
    );
    t.clock.advance(Duration::minutes(1));
    assert_eq!(app.dispatch_outbox().await.unwrap(), report(1, 0, 0));
    t.clock.advance(Duration::hours(2));
    assert_eq!(app.dispatch_outbox().await.unwrap(), report(0, 0, 0));

    let delivered = sms.delivered();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].idempotency_key, "app-1:accepted:sms");
    assert_eq!(delivered[0].recipient, "13812348000");
    assert_eq!(delivered[0].subject, "您的申请已受理");
    let row = app
        .store()
        .outbox_message("app-1:accepted:sms")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 3));
    assert_eq!(row.sent_at_ms, Some(now_ms(&app) - 2 * 3_600_000));
    let events = app.store().events_after(0, 100).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "outbox.retry_scheduled")
            .count(),
        2
    );
    assert_eq!(actions.iter().filter(|a| **a == "outbox.sent").count(), 1);
    assert!(
        events.iter().all(|e| !e.payload.contains("13812348000")),
        "no phone number in the event log"
    );
}

#[tokio::test]
async fn the_same_dedupe_key_enqueued_twice_makes_one_notice_and_one_message() {
    let t = app().await;
    let sms = ScriptedSender::new(Channel::Sms, 0);
    let app = t
        .app
        .clone()
        .with_senders(Senders::none().with(sms.clone()));
    assert!(enqueue(&app, notice(&app, "app-1:accepted")).await);
    t.clock.advance(Duration::minutes(5));
    assert!(!enqueue(&app, notice(&app, "app-1:accepted")).await);
    assert_eq!(app.unread_notices(&citizen()).await.unwrap(), 1);
    assert_eq!(app.dispatch_outbox().await.unwrap(), report(1, 0, 0));
    assert!(!enqueue(&app, notice(&app, "app-1:accepted")).await);
    assert_eq!(app.dispatch_outbox().await.unwrap(), report(0, 0, 0));
    assert_eq!(sms.delivered().len(), 1);
    assert_eq!(app.my_notices(&citizen(), 1).await.unwrap().total, 1);
}

#[tokio::test]
async fn a_message_that_always_fails_ends_failed_after_the_last_attempt() {
    let t = app().await;
    let sms = ScriptedSender::new(Channel::Sms, usize::MAX);
    let app = t
        .app
        .clone()
        .with_senders(Senders::none().with(sms.clone()).with_max_attempts(4));
    enqueue(&app, notice(&app, "app-1:accepted")).await;
    let mut total = DispatchReport::default();
    for _ in 0..10 {
        let r = app.dispatch_outbox().await.unwrap();
        total.sent += r.sent;
        total.retried += r.retried;
        total.failed += r.failed;
        t.clock.advance(Duration::hours(1));
    }
    assert_eq!(total, report(0, 3, 1));
    let row = app
        .store()
        .outbox_message("app-1:accepted:sms")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.status.as_str(), row.attempts), ("failed", 4));
    assert!(row.last_error.unwrap().contains("gateway busy"));
    assert!(sms.delivered().is_empty());
    let overview = app
        .outbox_overview(&staff(Role::SystemAdmin))
        .await
        .unwrap();
    assert_eq!(overview.counts.len(), 1);
    assert_eq!(
        (
            overview.counts[0].channel.as_str(),
            overview.counts[0].status.as_str()
        ),
        ("sms", "failed")
    );
}

#[tokio::test]
async fn the_default_of_eight_attempts_spans_about_two_hours_of_backoff() {
    let t = app().await;
    let sms = ScriptedSender::new(Channel::Sms, usize::MAX);
    let app = t
        .app
        .clone()
        .with_senders(Senders::none().with(sms.clone()));
    enqueue(&app, notice(&app, "app-1:accepted")).await;
    let started = now_ms(&app);
    let mut failed_at = None;
    for _ in 0..(3 * 60) {
        if app.dispatch_outbox().await.unwrap().failed == 1 {
            failed_at = Some(now_ms(&app));
            break;
        }
        t.clock.advance(Duration::minutes(1));
    }
    // 1 + 2 + 4 + 8 + 16 + 32 + 60 minutes between the eight attempts.
    assert_eq!(failed_at, Some(started + 123 * 60_000));
    assert_eq!(sms.attempts.load(Ordering::SeqCst), 8);
}

#[tokio::test]
async fn two_dispatchers_at_once_do_not_send_a_message_twice() {
    let t = app().await;
    let sms = ScriptedSender::new(Channel::Sms, 0);
    let app = t
        .app
        .clone()
        .with_senders(Senders::none().with(sms.clone()));
    for i in 0..25 {
        enqueue(&app, notice(&app, &format!("app-{i}:accepted"))).await;
    }
    let (a, b) = tokio::join!(app.dispatch_outbox(), app.dispatch_outbox());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 25);
    assert_eq!(app.dispatch_outbox().await.unwrap(), report(0, 0, 0));
    let mut keys: Vec<String> = sms
        .delivered()
        .into_iter()
        .map(|m| m.idempotency_key)
        .collect();
    assert_eq!(keys.len(), 25);
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 25, "every message was sent exactly once");
}

#[tokio::test]
async fn without_a_sender_messages_stay_pending_and_the_overview_says_so() {
    let t = app().await;
    let mut n = notice(&t.app, "app-1:accepted");
    n.email_to = Some("zhangsan@example.com".into());
    enqueue(&t.app, n).await;
    assert_eq!(t.app.dispatch_outbox().await.unwrap(), report(0, 0, 0));
    let overview = t
        .app
        .outbox_overview(&staff(Role::BureauSupervisor))
        .await
        .unwrap();
    assert!(overview.configured.is_empty());
    assert_eq!(overview.max_attempts, 8);
    let recipients: Vec<&str> = overview
        .messages
        .iter()
        .map(|m| m.recipient.as_str())
        .collect();
    assert_eq!(recipients.len(), 2);
    assert!(recipients.contains(&"138****8000"));
    assert!(recipients.contains(&"z***@example.com"));
    assert!(overview.messages.iter().all(|m| m.status == "pending"));
    for who in [citizen(), staff(Role::WindowClerk), staff(Role::DeptAdmin)] {
        assert!(matches!(
            t.app.outbox_overview(&who).await.unwrap_err(),
            AppError::Forbidden
        ));
    }
    // A sender configured later picks up what waited.
    let email = ScriptedSender::new(Channel::Email, 0);
    let app = t
        .app
        .clone()
        .with_senders(Senders::none().with(email.clone()));
    assert_eq!(app.dispatch_outbox().await.unwrap(), report(1, 0, 0));
    assert_eq!(email.delivered()[0].recipient, "zhangsan@example.com");
    let overview = app
        .outbox_overview(&staff(Role::SystemAdmin))
        .await
        .unwrap();
    assert_eq!(overview.configured, ["email"]);
}

#[tokio::test]
async fn the_inbox_lists_notices_newest_first_and_marks_them_all_read() {
    let t = app().await;
    for i in 0..25 {
        enqueue(&t.app, notice(&t.app, &format!("app-{i}:accepted"))).await;
        t.clock.advance(Duration::minutes(1));
    }
    let who = citizen();
    let first = t.app.my_notices(&who, 1).await.unwrap();
    assert_eq!(
        (first.total, first.unread, first.notices.len()),
        (25, 25, 20)
    );
    assert!(first.notices[0].at_ms > first.notices[1].at_ms);
    assert_eq!(first.notices[0].link.as_deref(), Some("/me/notices"));
    assert!(!first.notices[0].read);
    assert_eq!(t.app.my_notices(&who, 2).await.unwrap().notices.len(), 5);
    assert_eq!(t.app.mark_notices_read(&who).await.unwrap(), 25);
    assert_eq!(t.app.mark_notices_read(&who).await.unwrap(), 0);
    assert_eq!(t.app.unread_notices(&who).await.unwrap(), 0);
    assert!(t.app.my_notices(&who, 1).await.unwrap().notices[0].read);
    let other = staff(Role::WindowClerk);
    assert_eq!(t.app.my_notices(&other, 1).await.unwrap().total, 0);
}

fn outbound(key: &str, recipient: &str) -> OutboundMessage {
    OutboundMessage {
        idempotency_key: key.into(),
        channel: Channel::Email,
        recipient: recipient.into(),
        subject: "您的申请已受理".into(),
        body: "第一行\n.第二行以点开头".into(),
        created_at_ms: 1_764_028_800_000,
    }
}

#[tokio::test]
async fn the_file_sender_appends_one_json_line_per_message_and_never_the_same_key_twice() {
    let t = app().await;
    let path = t.dir.join("outbox").join("sms.jsonl");
    let sender = FileSender::new(Channel::Sms, &path);
    let mut first = outbound("a:sms", "13812348000");
    first.channel = Channel::Sms;
    sender.send(&first).await.unwrap();
    sender.send(&first).await.unwrap();
    // A new sender on the same file (after a restart) still knows what was written.
    let again = FileSender::new(Channel::Sms, &path);
    again.send(&first).await.unwrap();
    let mut second = outbound("b:sms", "13900001111");
    second.channel = Channel::Sms;
    again.send(&second).await.unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["idempotency_key"], "a:sms");
    assert_eq!(lines[0]["to"], "13812348000");
    assert_eq!(lines[0]["channel"], "sms");
    assert_eq!(lines[1]["body"], "第一行\n.第二行以点开头");
}

/// What the fake SMTP server was told.
#[derive(Debug, Default)]
struct Conversation {
    commands: Vec<String>,
    data: String,
}

/// A one-connection SMTP server on 127.0.0.1:0 that accepts everything, except that it refuses
/// `RCPT TO` when `refuse_rcpt` is set.
async fn fake_smtp(refuse_rcpt: bool) -> (u16, tokio::task::JoinHandle<Conversation>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut seen = Conversation::default();
        write.write_all(b"220 fake ESMTP\r\n").await.unwrap();
        while let Some(line) = lines.next_line().await.unwrap() {
            seen.commands.push(line.clone());
            let upper = line.to_ascii_uppercase();
            let answer: &[u8] = if upper.starts_with("EHLO") {
                b"250-fake greets you\r\n250-8BITMIME\r\n250 AUTH PLAIN\r\n"
            } else if upper.starts_with("AUTH") {
                b"235 ok\r\n"
            } else if upper.starts_with("RCPT") && refuse_rcpt {
                b"550 5.1.1 <zhangsan@example.com>: no such user\r\n"
            } else if upper == "DATA" {
                write.write_all(b"354 go ahead\r\n").await.unwrap();
                while let Some(data) = lines.next_line().await.unwrap() {
                    if data == "." {
                        break;
                    }
                    seen.data.push_str(&data);
                    seen.data.push('\n');
                }
                b"250 queued\r\n"
            } else if upper == "QUIT" {
                write.write_all(b"221 bye\r\n").await.unwrap();
                break;
            } else {
                b"250 ok\r\n"
            };
            write.write_all(answer).await.unwrap();
        }
        seen
    });
    (port, server)
}

#[tokio::test]
async fn the_smtp_sender_speaks_smtp_with_auth_an_encoded_subject_and_dot_stuffing() {
    let (port, server) = fake_smtp(false).await;
    let mut config = SmtpConfig::new("127.0.0.1", port, "noreply@tongban.example");
    config.auth = Some(("tongban".into(), "s3cret".into()));
    let sender = SmtpSender::new(config).unwrap();
    sender
        .send(&outbound("app-1:accepted:email", "zhangsan@example.com"))
        .await
        .unwrap();
    let seen = server.await.unwrap();
    assert_eq!(
        seen.commands,
        [
            "EHLO tongban.example",
            // base64 of "\0tongban\0s3cret"
            "AUTH PLAIN AHRvbmdiYW4AczNjcmV0",
            "MAIL FROM:<noreply@tongban.example> BODY=8BITMIME",
            "RCPT TO:<zhangsan@example.com>",
            "DATA",
            "QUIT",
        ]
    );
    assert!(
        seen.data
            .contains("Subject: =?UTF-8?B?5oKo55qE55Sz6K+35bey5Y+X55CG?=\n")
    );
    assert!(seen.data.contains("Message-ID: <"));
    assert!(seen.data.contains("To: <zhangsan@example.com>\n"));
    assert!(
        seen.data.contains("\n第一行\n..第二行以点开头\n"),
        "a line starting with a dot is doubled: {}",
        seen.data
    );
}

#[tokio::test]
async fn an_smtp_refusal_is_retried_and_stored_without_the_address() {
    let t = app().await;
    let (port, server) = fake_smtp(true).await;
    let sender = SmtpSender::new(SmtpConfig::new(
        "127.0.0.1",
        port,
        "noreply@tongban.example",
    ))
    .unwrap();
    let app = t
        .app
        .clone()
        .with_senders(Senders::none().with(Arc::new(sender)));
    let mut n = notice(&app, "app-1:accepted");
    n.sms_to = None;
    n.email_to = Some("zhangsan@example.com".into());
    enqueue(&app, n).await;
    assert_eq!(app.dispatch_outbox().await.unwrap(), report(0, 1, 0));
    server.abort();
    let row = app
        .store()
        .outbox_message("app-1:accepted:email")
        .await
        .unwrap()
        .unwrap();
    let error = row.last_error.unwrap();
    assert!(error.contains("550"), "{error}");
    assert!(!error.contains("zhangsan"), "{error}");
}
