//! The catalogue work pages over HTTP: a department administrator drafts an item in the JSON
//! editor and submits it, a clerk is refused, the city's system administrator publishes it from
//! its page and citizens find it; a rejected edit names the field and changes nothing.

use reqwest::{Client, StatusCode};

use crate::api_catalog::food_licence_json;
use crate::support::{PASSWORD, TestApp, client, spawn_app};

/// A browser signed in as `login` through the login form.
async fn browser(app: &TestApp, login: &str) -> Client {
    let browser = client();
    let csrf = csrf(&get(app, &browser, "/login").await.1);
    let res = browser
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", login),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login {login}");
    browser
}

async fn get(app: &TestApp, browser: &Client, path: &str) -> (StatusCode, String) {
    let res = browser.get(app.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// Posts a form with the page's CSRF token; the status and the `Location` (or the body).
async fn post(
    app: &TestApp,
    browser: &Client,
    page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let token = csrf(&get(app, browser, page).await.1);
    let mut form = vec![("csrf", token.as_str())];
    form.extend_from_slice(fields);
    let res = browser
        .post(app.url(path))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    match res.headers().get("location") {
        Some(to) => (status, to.to_str().unwrap().to_string()),
        None => (status, res.text().await.unwrap()),
    }
}

fn csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Drafts the food licence through the editor; the path of its version page.
async fn draft_through_the_page(app: &TestApp, author: &Client) -> String {
    let (status, html) = get(app, author, "/admin/items/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("511900-scjgj"),
        "prefilled with the department"
    );
    assert!(html.contains("逐项填写的表单将在后续版本提供"));
    let text = serde_json::to_string_pretty(&food_licence_json("511900-scjgj")).unwrap();
    let (status, to) = post(
        app,
        author,
        "/admin/items/new",
        "/admin/items/new",
        &[("item", &text)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert!(to.ends_with("/versions/1?done=created"), "{to}");
    to.split('?').next().unwrap().to_string()
}

#[tokio::test]
async fn a_dept_admin_drafts_and_submits_and_the_system_admin_publishes_from_the_page() {
    let app = spawn_app().await;
    let author = browser(&app, "deptadmin").await;
    let page = draft_through_the_page(&app, &author).await;
    let (_, html) = get(&app, &author, &format!("{page}?done=created")).await;
    assert!(
        html.contains("草稿已创建") && html.contains("提交审核"),
        "{html}"
    );
    let (status, list) = get(&app, &author, "/admin/items").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("食品经营许可") && list.contains("草稿"));
    assert!(list.contains("href=\"/items\""));

    let (status, to) = post(&app, &author, &page, &format!("{page}/submit"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, html) = get(&app, &author, &to).await;
    assert!(html.contains("已提交审核") && html.contains("待审核"));
    assert!(!html.contains(">发布<"), "an author does not publish");
    let (status, html) = post(&app, &author, &page, &format!("{page}/submit"), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("error-summary"), "{html}");

    let clerk = browser(&app, "clerk").await;
    assert_eq!(
        get(&app, &clerk, "/admin/items").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(get(&app, &clerk, &page).await.0, StatusCode::FORBIDDEN);
    let (status, to) = post(&app, &clerk, "/work", &format!("{page}/publish"), &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{to}");
    let anonymous = client();
    let res = anonymous.get(app.url("/admin/items")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );

    let admin = browser(&app, "admin").await;
    let (_, list) = get(&app, &admin, "/admin/items").await;
    assert!(list.contains("食品经营许可") && list.contains("待审核"));
    let (_, html) = get(&app, &admin, &page).await;
    assert!(html.contains("发布") && html.contains("退回修改"));
    let (status, to) = post(&app, &admin, &page, &format!("{page}/publish"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, html) = get(&app, &admin, &to).await;
    assert!(html.contains("已发布") && html.contains("新建修订版本"));
    let (_, list) = get(&app, &admin, "/admin/items").await;
    assert!(
        !list.contains("食品经营许可"),
        "published versions leave the work list"
    );
    let (status, found) = get(
        &app,
        &client(),
        "/items?q=%E9%A3%9F%E5%93%81%E7%BB%8F%E8%90%A5",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let id = page.split('/').nth(3).unwrap();
    assert!(found.contains(&format!("/items/{id}")), "found in search");
}

#[tokio::test]
async fn a_rejected_edit_names_the_field_keeps_the_input_and_writes_nothing() {
    let app = spawn_app().await;
    let author = browser(&app, "deptadmin").await;
    let page = draft_through_the_page(&app, &author).await;
    let edit = format!("{page}/edit");
    let (status, html) = get(&app, &author, &edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("食品经营许可"));
    let before = app.app.store().head_seq().await.unwrap();

    let mut item = food_licence_json("511900-scjgj");
    item["name"] = "".into();
    item["promised_limit_days"] = 99.into();
    let text = serde_json::to_string_pretty(&item).unwrap();
    let (status, html) = post(&app, &author, &edit, &edit, &[("item", &text)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("事项名称（name）"), "{html}");
    assert!(
        html.contains("承诺办结时限（promised_limit_days）"),
        "{html}"
    );
    assert!(
        html.contains("&#34;promised_limit_days&#34;: 99")
            || html.contains("&quot;promised_limit_days&quot;: 99")
    );

    let (status, html) = post(&app, &author, &edit, &edit, &[("item", "{\"name\": ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("JSON 格式有误"), "{html}");

    assert_eq!(app.app.store().head_seq().await.unwrap(), before);
    let id = page.split('/').nth(3).unwrap();
    let stored = app.app.store().item_version(id, 1).await.unwrap().unwrap();
    assert_eq!(stored.name, "食品经营许可");
    assert_eq!(stored.promised_limit_days, 5);
}
