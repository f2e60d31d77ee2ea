//! Page flows over HTTP: registration, the hall finder, the workspace, admin pages, calendar.

use reqwest::StatusCode;

use crate::support::{PASSWORD, TestApp, spawn_app};

/// Posts the citizen registration form with `id_number` and otherwise valid answers.
async fn register_citizen(app: &TestApp, id_number: &str) -> reqwest::Response {
    let csrf = app.csrf_of("/register/citizen").await;
    app.client
        .post(app.url("/register/citizen"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("real_name", "王小明"),
            ("id_number", id_number),
            ("phone", "13812348000"),
            ("password", "Wang2026pass"),
            ("password_confirm", "Wang2026pass"),
        ])
        .send()
        .await
        .unwrap()
}

pub async fn form_login(app: &TestApp, login: &str, password: &str) {
    let csrf = app.csrf_of("/login").await;
    let res = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", login),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login {login}");
}

#[tokio::test]
async fn a_citizen_registering_with_a_wrong_check_digit_is_told_exactly_that_and_keeps_the_input() {
    let app = spawn_app().await;
    let res = register_citizen(&app, "110105194912310021").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("error-summary"));
    assert!(html.contains("校验码"), "the message names the check digit");
    assert!(html.contains("value=\"王小明\""), "typed input is kept");
}

#[tokio::test]
async fn a_citizen_registers_and_lands_on_their_page_signed_in() {
    let app = spawn_app().await;
    let res = register_citizen(&app, "11010519491231002X").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let me = app
        .client
        .get(app.url("/me?welcome=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let html = me.text().await.unwrap();
    assert!(
        html.contains("110105********002X"),
        "the ID number is masked on the page"
    );
    assert!(!html.contains("11010519491231002X"));
}

#[tokio::test]
async fn the_hall_finder_lists_township_centres_of_a_county() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/halls?county=511902000000&kind=township_center"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("便民服务中心"));
    assert!(html.contains("tel:"));
    let detail = app
        .client
        .get(app.url("/halls/hall-511900"))
        .send()
        .await
        .unwrap();
    assert_eq!(detail.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_clerk_opening_a_citizens_record_is_warned_and_the_read_is_logged() {
    let app = spawn_app().await;
    form_login(&app, "clerk", PASSWORD).await;
    let before = app.app.store().head_seq().await.unwrap();
    let res = app
        .client
        .get(app.url("/work/citizens/citizen-citizen"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("本次查阅已记入审计日志"));
    let events = app.app.store().events_after(before, 10).await.unwrap();
    assert_eq!(events.last().unwrap().action, "personal_record.viewed");
}

#[tokio::test]
async fn admin_pages_are_closed_to_a_clerk_and_open_to_the_admin() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "anonymous visitors are sent to log in"
    );
    form_login(&app, "clerk", PASSWORD).await;
    let res = app.client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let admin = crate::support::client();
    let csrf = {
        let html = admin
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let marker = "name=\"csrf\" value=\"";
        let start = html.find(marker).unwrap() + marker.len();
        html[start..].split('"').next().unwrap().to_string()
    };
    admin
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", "admin"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    for page in ["/admin", "/admin/audit", "/admin/calendar"] {
        let res = admin.get(app.url(page)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{page}");
    }
    let edit = admin
        .get(app.url("/admin/calendar?edit=2026"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        edit.contains("2026-02-15"),
        "a loaded year opens in the form for editing"
    );
}

#[tokio::test]
async fn the_calendar_page_marks_holidays_and_make_up_days_in_words() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/calendar/2025"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("248"));
    assert!(html.contains("休") && html.contains("班"));
    let due = app
        .client
        .get(app.url("/calendar/due-date?accepted_on=2025-09-26&working_days=20"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(due.contains("2025-10-30"));
}
