//! The admin page that imports a list edition: a multipart form with the CSRF token, the
//! problem table in Chinese, and the success notice.

use reqwest::StatusCode;

use crate::support::{PASSWORD, TestApp, spawn_app};

const BOUNDARY: &str = "tongbanBoundary7MA4YWxk";

/// A multipart body: `fields` then the file.
fn multipart(fields: &[(&str, &str)], file: &str) -> Vec<u8> {
    let mut out = String::new();
    for (name, value) in fields {
        out.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    out.push_str(&format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"权责.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{file}\r\n--{BOUNDARY}--\r\n"
    ));
    out.into_bytes()
}

async fn post(app: &TestApp, body: Vec<u8>) -> (StatusCode, String) {
    let res = app
        .client
        .post(app.url("/admin/lists/import"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn form_login(app: &TestApp) -> String {
    let csrf = app.csrf_of("/login").await;
    let res = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", "admin"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.csrf_of("/admin/lists/import").await
}

const HEADER: &str = "事项编码,事项名称,事项类型,实施部门,行使层级,设定依据,责任事项,追责情形\n";

#[tokio::test]
async fn the_import_page_lists_every_bad_cell_and_writes_nothing() {
    let app = spawn_app().await;
    let csrf = form_login(&app).await;
    let file = format!(
        "{HEADER}QZ-1,对无照经营的处罚,行政处分,511900-scjgj,市级,《行政处罚法》,立案责任,\n\
         QZ-2,,02,不存在的局,市级,《行政处罚法》,立案责任,\n"
    );
    let fields = [
        ("csrf", csrf.as_str()),
        ("list", "power"),
        ("edition", "2024"),
        ("mode", "apply"),
    ];
    let (status, html) = post(&app, multipart(&fields, &file)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("文件中有3处问题"), "{html}");
    assert!(html.contains("事项类型“行政处分”不存在"));
    assert!(html.contains("C 事项类型") && html.contains("B 事项名称"));
    assert!(html.contains("实施部门“不存在的局”不存在"));
    let (status, _) = app
        .call(
            "GET",
            "/api/v1/lists/power/editions/2024/entries",
            Some(&app.token("admin", PASSWORD).await),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_import_page_writes_a_good_file_and_says_how_much() {
    let app = spawn_app().await;
    let csrf = form_login(&app).await;
    let file = format!(
        "{HEADER}QZ-1,对无照经营的处罚,行政处罚,511900-scjgj,市级,《行政处罚法》,立案责任,\n\
         ,,,,,,调查责任,\n"
    );
    let fields = [
        ("csrf", csrf.as_str()),
        ("list", "power"),
        ("edition", "2024"),
        ("mode", "apply"),
    ];
    let (status, html) = post(&app, multipart(&fields, &file)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("已全部导入为草稿版本：共2行，1个事项，2项责任事项"),
        "{html}"
    );
}

#[tokio::test]
async fn a_multipart_post_without_the_csrf_token_is_refused() {
    let app = spawn_app().await;
    let _ = form_login(&app).await;
    let file = format!("{HEADER}QZ-1,甲,02,511900-scjgj,市级,依据,立案责任,\n");
    let fields = [("list", "power"), ("edition", "2024"), ("mode", "apply")];
    let (status, _) = post(&app, multipart(&fields, &file)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let fields = [("csrf", "wrong"), ("list", "power"), ("edition", "2024")];
    let (status, _) = post(&app, multipart(&fields, &file)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
