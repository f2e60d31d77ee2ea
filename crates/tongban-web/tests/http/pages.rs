//! Page behaviour over HTTP: the portal, login with CSRF, elder mode, errors.

use reqwest::StatusCode;

use crate::support::{PASSWORD, spawn_app};

#[tokio::test]
async fn the_portal_home_renders_in_chinese_with_search_themes_and_the_hall_finder() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("您想办什么事"));
    assert!(html.contains("按人生大事办"));
    assert!(
        html.contains("巴州区"),
        "the hall finder lists the counties"
    );
}

#[tokio::test]
async fn a_staff_login_through_the_form_reaches_the_workspace() {
    let app = spawn_app().await;
    let csrf = app.csrf_of("/login?as=staff").await;
    let res = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("as", "staff"),
            ("next", ""),
            ("login", "clerk"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/work");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let work = app.client.get(app.url("/work")).send().await.unwrap();
    assert_eq!(work.status(), StatusCode::OK);
    let html = work.text().await.unwrap();
    assert!(html.contains("工作台"));
}

#[tokio::test]
async fn a_form_posted_without_its_csrf_token_is_refused() {
    let app = spawn_app().await;
    let _ = app.client.get(app.url("/login")).send().await.unwrap();
    for csrf in [None, Some("forged")] {
        let mut form = vec![("login", "clerk"), ("password", PASSWORD)];
        if let Some(token) = csrf {
            form.push(("csrf", token));
        }
        let res = app
            .client
            .post(app.url("/login"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let html = res.text().await.unwrap();
        assert!(html.contains("页面已过期"), "the refusal says what to do");
    }
}

#[tokio::test]
async fn a_wrong_password_on_the_form_keeps_the_login_and_says_what_is_wrong() {
    let app = spawn_app().await;
    let csrf = app.csrf_of("/login?as=staff").await;
    let res = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("as", "staff"),
            ("login", "clerk"),
            ("password", "nope"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let html = res.text().await.unwrap();
    assert!(html.contains("用户名或密码错误"));
    assert!(html.contains("value=\"clerk\""));
}

#[tokio::test]
async fn elder_mode_is_a_switch_on_the_same_urls_with_fewer_choices() {
    let app = spawn_app().await;
    let csrf = app.csrf_of("/").await;
    let res = app
        .client
        .post(app.url("/mode"))
        .form(&[("csrf", csrf.as_str()), ("elder", "1"), ("back", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = app
        .client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("class=\"elder\""));
    assert!(html.contains("打电话咨询 12345"));
    assert!(
        !html.contains("按人生大事办"),
        "the elder home offers fewer choices"
    );
}

#[tokio::test]
async fn an_unknown_page_is_a_chinese_404_with_a_request_id() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let html = res.text().await.unwrap();
    assert!(html.contains("您访问的页面不存在"));
    assert!(html.contains(&request_id));
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let _ = app.client.get(app.url("/")).send().await.unwrap();
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("http_requests_total"), "{metrics}");
    assert!(metrics.contains("tongban_writer_events"));
}
