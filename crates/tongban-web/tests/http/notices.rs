//! Notices over HTTP: the signed-in user's 消息中心 in the API and on pages (with "mark all
//! read"), and the delivery status of SMS and email for administrators, recipients masked.

use std::sync::Arc;

use reqwest::StatusCode;
use tongban_app::{Channel, FileSender, Senders};
use tongban_store::{NewEvent, NewNotice, StoreError};

use crate::pages_flows::form_login;
use crate::support::{CITIZEN_PW, PASSWORD, TestApp, spawn_app};

const CITIZEN_ID: &str = "citizen-citizen";
const PHONE: &str = "13812348000";

/// A notice for the demo citizen, enqueued in a unit of work with its event.
async fn notify_citizen(app: &TestApp, key: &str) {
    let notice = NewNotice {
        dedupe_key: key.into(),
        account_id: CITIZEN_ID.into(),
        at_ms: (app.app.now().unix_timestamp_nanos() / 1_000_000) as i64,
        subject: "您的申请已受理".into(),
        body: "您提交的“食品经营许可”申请已受理。".into(),
        link: "/me".into(),
        sms_to: Some(PHONE.into()),
        email_to: Some("zhangsan@example.com".into()),
    };
    app.app
        .store()
        .write(move |ctx| {
            Box::pin(async move {
                ctx.enqueue_notice(&notice).await?;
                ctx.append_event(NewEvent {
                    at_ms: notice.at_ms,
                    actor: "system".into(),
                    action: "application.accepted".into(),
                    entity_type: "application".into(),
                    entity_id: notice.dedupe_key.clone(),
                    payload: serde_json::json!({}),
                })
                .await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
}

async fn page(app: &TestApp, path: &str) -> (StatusCode, String) {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn a_citizen_reads_their_notices_in_the_api_and_the_message_centre_and_marks_them_read() {
    let app = spawn_app().await;
    notify_citizen(&app, "app-1:accepted").await;
    let token = app.token("citizen", CITIZEN_PW).await;
    let (status, body) = app
        .call("GET", "/api/v1/me/notices", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["total"].as_i64(), body["unread"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(body["notices"][0]["subject"], "您的申请已受理");
    assert_eq!(body["notices"][0]["link"], "/me");
    assert_eq!(body["notices"][0]["read"], false);

    form_login(&app, "citizen", CITIZEN_PW).await;
    let (status, me) = page(&app, "/me").await;
    assert_eq!(status, StatusCode::OK);
    assert!(me.contains("href=\"/me/notices\"") && me.contains("<strong>1</strong>"));
    let (status, inbox) = page(&app, "/me/notices").await;
    assert_eq!(status, StatusCode::OK);
    assert!(inbox.contains("消息中心") && inbox.contains("您的申请已受理"));
    assert!(inbox.contains("未读"));
    let csrf = app.csrf_of("/me/notices").await;
    let res = app
        .client
        .post(app.url("/me/notices/read"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/me/notices");
    let (_, body) = app
        .call("GET", "/api/v1/me/notices", Some(&token), None)
        .await;
    assert_eq!(body["unread"], 0);
    assert_eq!(body["notices"][0]["read"], true);
    let (_, inbox) = page(&app, "/me/notices").await;
    assert!(!inbox.contains("全部标为已读"), "nothing left to mark");
}

#[tokio::test]
async fn the_message_centre_asks_a_visitor_to_log_in_first() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/me/notices")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );
}

#[tokio::test]
async fn the_delivery_status_shows_masked_recipients_to_administrators_only() {
    let app = spawn_app().await;
    notify_citizen(&app, "app-1:accepted").await;
    notify_citizen(&app, "app-2:accepted").await;
    // Deliver the SMS messages through a file sender; email has no sender and waits.
    let file = std::env::temp_dir().join(format!("tongban-sms-{}.jsonl", uuid::Uuid::new_v4()));
    let sms = Arc::new(FileSender::new(Channel::Sms, &file));
    let report = app
        .app
        .clone()
        .with_senders(Senders::none().with(sms))
        .dispatch_outbox()
        .await
        .unwrap();
    assert_eq!(report.sent, 2);
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 2);
    let _ = std::fs::remove_file(&file);

    let supervisor = app.token("supervisor", PASSWORD).await;
    let (status, body) = app
        .call("GET", "/api/v1/admin/outbox", Some(&supervisor), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let text = body.to_string();
    assert!(
        !text.contains(PHONE) && !text.contains("zhangsan@"),
        "{text}"
    );
    assert!(text.contains("138****8000") && text.contains("z***@example.com"));
    let counts: Vec<(String, String, i64)> = body["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["channel"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
                c["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("email".to_string(), "pending".to_string(), 2),
            ("sms".to_string(), "sent".to_string(), 2),
        ]
    );
    let citizen = app.token("citizen", CITIZEN_PW).await;
    let (status, _) = app
        .call("GET", "/api/v1/admin/outbox", Some(&citizen), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    form_login(&app, "admin", PASSWORD).await;
    let (_, admin) = page(&app, "/admin").await;
    assert!(admin.contains("href=\"/admin/outbox\""));
    let (status, html) = page(&app, "/admin/outbox").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("投递状态") && html.contains("138****8000"));
    assert!(!html.contains(PHONE));
    assert!(html.contains("已发送") && html.contains("待发送"));
    assert!(
        html.contains("尚未配置任何发送通道"),
        "the served app has no sender configured"
    );
}
