//! The licence API of the issuing department: issue, list, view, state changes, import
//! (multipart, dry run then apply, a wrong check character kept only by an admin) and key
//! rotation, each refused to a clerk of another department; and the import page.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tongban_domain::licence::LicenceId;

use crate::licences_pages::{HOLDER_ID, MARKET, food_code, with_types};
use crate::pages_applications::{browser, csrf, get};
use crate::support::{PASSWORD, TestApp, spawn_app};

const BOUNDARY: &str = "tongbanLicenceBoundary42";

fn multipart(fields: &[(&str, &str)], file: &str) -> Vec<u8> {
    let mut out = String::new();
    for (name, value) in fields {
        out.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    out.push_str(&format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"证照.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{file}\r\n--{BOUNDARY}--\r\n"
    ));
    out.into_bytes()
}

/// A CSV of two licences, the first with `id` as its identifier.
fn csv(id: &str) -> String {
    let code = food_code();
    format!(
        "证照类型代码,证照标识,证照编号,持证主体名称,持证主体代码,颁发日期,经营项目\n\
         {code},{id},SP001,张三,{HOLDER_ID},2023-05-10,预包装食品销售\n\
         {code},,SP002,李四,{HOLDER_ID},2023/6/1,散装食品销售\n"
    )
}

async fn import(app: &TestApp, token: &str, query: &str, file: &str) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/work/licences/import?{query}")))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(&[], file))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

async fn market_uscc(app: &TestApp) -> String {
    app.app
        .store()
        .department(MARKET)
        .await
        .unwrap()
        .unwrap()
        .uscc
}

fn wrong_check(uscc: &str) -> (String, char) {
    let good = LicenceId::generate(&food_code(), uscc, "HIST0001", 1).unwrap();
    let check = good.parts().check;
    let text = good.as_str();
    let wrong = if check == 'A' { 'B' } else { 'A' };
    (format!("{}{wrong}", &text[..text.len() - 1]), check)
}

#[tokio::test]
async fn the_licence_api_issues_lists_views_changes_state_and_refuses_other_departments() {
    let app = spawn_app().await;
    with_types(&app).await;
    let approver = app.token("approver", PASSWORD).await;
    let other = app.token("approver-511900-gaj", PASSWORD).await;
    let body = json!({
        "type_code": food_code().to_string(), "holder_name": "张三", "holder_code": HOLDER_ID,
        "face": { "KZ_JYFW": "预包装食品销售" }, "valid_from": "2026-12-01"
    });
    let (status, issued) = app
        .call(
            "POST",
            "/api/v1/work/licences",
            Some(&other),
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{issued}");
    let (status, issued) = app
        .call("POST", "/api/v1/work/licences", Some(&approver), Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    assert_eq!(issued["status"], "not_yet_valid");
    let id = issued["id"].as_str().unwrap().to_string();

    let (status, list) = app
        .call(
            "GET",
            "/api/v1/work/licences?state=active",
            Some(&approver),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1);
    assert_eq!(list["licences"][0]["id"], id.as_str());

    let path = format!("/api/v1/work/licences/{id}");
    let (status, _) = app.call("GET", &path, Some(&other), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, view) = app.call("GET", &path, Some(&approver), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["face"][0]["value"], "预包装食品销售");

    let state = format!("{path}/state");
    let change = json!({ "change": "suspend", "reason": "核查" });
    let (status, body) = app
        .call("POST", &state, Some(&other), Some(change.clone()))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = app
        .call("POST", &state, Some(&approver), Some(change))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "suspended");
    let (status, body) = app
        .call(
            "POST",
            &state,
            Some(&approver),
            Some(json!({ "change": "revoke", "reason": "" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["fields"][0]["code"],
        "licence.reason_required"
    );

    let (status, _) = app
        .call(
            "POST",
            "/api/v1/work/licences/keys/rotate",
            Some(&approver),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "approvers do not rotate keys"
    );
    let admin = app.token("deptadmin", PASSWORD).await;
    let (status, key) = app
        .call(
            "POST",
            "/api/v1/work/licences/keys/rotate",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    assert_eq!(key["department_id"], MARKET);
}

#[tokio::test]
async fn the_import_api_checks_refuses_a_wrong_check_character_and_applies_for_an_admin() {
    let app = spawn_app().await;
    with_types(&app).await;
    let uscc = market_uscc(&app).await;
    let (bad, expected) = wrong_check(&uscc);
    let approver = app.token("approver", PASSWORD).await;
    let (status, report) = import(&app, &approver, "dry_run=false", &csv(&bad)).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["applied"], false);
    assert_eq!(report["problems"][0]["code"], "licence_id.check");
    assert_eq!(report["problems"][0]["row"], 2);
    assert!(
        report["problems"][0]["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("应为 {expected}"))
    );
    let (status, _) = import(
        &app,
        &approver,
        "dry_run=false&accept_bad_check=true",
        &csv(&bad),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other = app.token("approver-511900-gaj", PASSWORD).await;
    let (status, report) = import(&app, &other, "dry_run=true", &csv("")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        report["problems"][0]["code"],
        "licence_import.type_not_issued"
    );

    let admin = app.token("deptadmin", PASSWORD).await;
    let (status, report) = import(
        &app,
        &admin,
        "dry_run=false&accept_bad_check=true",
        &csv(&bad),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["written"], 2);
    let (_, view) = app
        .call(
            "GET",
            &format!("/api/v1/work/licences/{bad}"),
            Some(&admin),
            None,
        )
        .await;
    assert!(
        view["warning"]
            .as_str()
            .unwrap()
            .contains("经管理员确认保留"),
        "{view}"
    );
}

#[tokio::test]
async fn the_import_page_reports_problems_then_confirms_the_checked_file() {
    let app = spawn_app().await;
    with_types(&app).await;
    let approver = browser(&app, "approver", PASSWORD).await;
    let (status, html) = get(&app, &approver, "/work/licences/import").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("accept_bad_check"),
        "the override is for admins only"
    );
    let token = csrf(&html);
    let post = |body: Vec<u8>| {
        approver
            .post(app.url("/work/licences/import"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body)
            .send()
    };
    let bad_row = csv("").replace(HOLDER_ID, "110105194912310021");
    let res = post(multipart(&[("csrf", &token), ("mode", "check")], &bad_row))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("resident_id.check_digit") && page.contains("持证主体代码"),
        "{page}"
    );

    let res = post(multipart(&[("csrf", &token), ("mode", "check")], &csv("")))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("检查通过"), "{page}");
    let staged = crate::pages_applications::hidden(&page, "staged");
    assert_eq!(staged.len(), 64);
    let confirm = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"staged\"\r\n\r\n{staged}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file_name\"\r\n\r\n证照.csv\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\napply\r\n--{BOUNDARY}--\r\n"
    );
    let res = post(confirm.into_bytes()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("已导入2份证照"));

    let res = approver
        .get(app.url("/work/licences/import/template.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"));
}
