//! The push to the provincial platform over HTTP: the status in the API and on the 上级平台推送
//! page for system administrators only, saying when no address is configured while still
//! counting what waits, and the 立即推送 button guarded by the CSRF token.

use reqwest::StatusCode;
use tongban_store::{NewEvent, StoreError};

use crate::pages_flows::form_login;
use crate::support::{PASSWORD, TestApp, spawn_app};

/// Appends `n` licence events (and one of another kind) in one unit of work.
async fn licences_issued(app: &TestApp, n: usize) {
    let at_ms = (app.app.now().unix_timestamp_nanos() / 1_000_000) as i64;
    app.app
        .store()
        .write(move |ctx| {
            Box::pin(async move {
                for (i, action) in (0..n)
                    .map(|_| "licence.issued")
                    .chain(["application.accepted"])
                    .enumerate()
                {
                    ctx.append_event(NewEvent {
                        at_ms,
                        actor: "system".into(),
                        action: action.into(),
                        entity_type: "licence".into(),
                        entity_id: format!("L{i}"),
                        payload: serde_json::json!({}),
                    })
                    .await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn administrators_see_what_waits_for_the_provincial_platform() {
    let app = spawn_app().await;
    let admin = app.token("admin", PASSWORD).await;
    let (status, before) = app
        .call("GET", "/api/v1/admin/upstream", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{before}");
    let waiting = before["streams"][0]["backlog"].as_i64().unwrap();
    licences_issued(&app, 3).await;
    let (_, body) = app
        .call("GET", "/api/v1/admin/upstream", Some(&admin), None)
        .await;
    assert_eq!(body["configured"], false);
    assert_eq!(body["streams"][0]["stream"], "licences");
    assert_eq!(body["streams"][0]["backlog"], waiting + 3);
    assert_eq!(body["streams"][0]["pushed_count"], 0);
    for login in ["supervisor", "clerk"] {
        let token = app.token(login, PASSWORD).await;
        let (status, _) = app
            .call("GET", "/api/v1/admin/upstream", Some(&token), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login}");
    }

    form_login(&app, "admin", PASSWORD).await;
    let admin_page = app.client.get(app.url("/admin")).send().await.unwrap();
    assert!(
        admin_page
            .text()
            .await
            .unwrap()
            .contains("href=\"/admin/upstream\"")
    );
    let res = app
        .client
        .get(app.url("/admin/upstream"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("上级平台推送") && html.contains("未配置上级平台地址"));
    assert!(html.contains(&format!("<td class=\"num\">{}</td>", waiting + 3)));
    let refused = app
        .client
        .post(app.url("/admin/upstream/push"))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let csrf = app.csrf_of("/admin/audit").await;
    let res = app
        .client
        .post(app.url("/admin/upstream/push"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/admin/upstream");
}
