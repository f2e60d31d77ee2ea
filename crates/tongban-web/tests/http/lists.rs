//! The published lists over HTTP: two small editions made through the API, their comparison
//! (API and page) listing exactly what changed, paging and the department filter, the
//! immutability of a published edition, and who may write.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, spawn_app};

const MARKET: &str = "511900-scjgj";
const HOUSING: &str = "511900-zjj";

fn entry(code: &str, name: &str, department: &str, duties: &[&str]) -> Value {
    json!({
        "code": code, "name": name, "item_type": "02",
        "basis": "《中华人民共和国行政处罚法》第二十八条", "department_id": department,
        "level": "city",
        "duties": duties.iter().map(|d| json!({ "name": d, "accountability": "" })).collect::<Vec<_>>(),
    })
}

async fn publish_edition(app: &TestApp, token: &str, year: i32, entries: Vec<Value>) {
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/lists/power/editions",
            Some(token),
            Some(json!({ "year": year, "entries": entries })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["published"], false);
    let path = format!("/api/v1/lists/power/editions/{year}/publish");
    let (status, body) = app.call("POST", &path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["label"], format!("{year}年本"));
}

/// 2022年本: A, B, C. 2023年本: A renamed, B removed, C moved to housing with a duty more, D new.
async fn two_editions(app: &TestApp) -> String {
    let admin = app.token("admin", PASSWORD).await;
    publish_edition(
        app,
        &admin,
        2022,
        vec![
            entry("QZ-A", "对无照经营的处罚", MARKET, &["立案责任"]),
            entry("QZ-B", "对虚假宣传的处罚", MARKET, &["立案责任"]),
            entry("QZ-C", "对违法建设的处罚", MARKET, &["立案责任"]),
        ],
    )
    .await;
    publish_edition(
        app,
        &admin,
        2023,
        vec![
            entry("QZ-A", "对无照经营行为的行政处罚", MARKET, &["立案责任"]),
            entry(
                "QZ-C",
                "对违法建设的处罚",
                HOUSING,
                &["立案责任", "调查责任"],
            ),
            entry("QZ-D", "对违规使用电梯的处罚", MARKET, &["立案责任"]),
        ],
    )
    .await;
    admin
}

#[tokio::test]
async fn the_diff_api_lists_exactly_what_changed_between_two_editions() {
    let app = spawn_app().await;
    let admin = two_editions(&app).await;
    let (status, body) = app
        .call(
            "GET",
            "/api/v1/lists/power/diff?from=2022&to=2023年本",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let codes = |key: &str| -> Vec<String> {
        body[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes("added"), ["QZ-D"]);
    assert_eq!(codes("removed"), ["QZ-B"]);
    assert_eq!(codes("changed"), ["QZ-A", "QZ-C"]);
    assert_eq!(
        body["changed"][0]["fields"],
        json!([{ "field": "name", "label": "事项名称", "old": "对无照经营的处罚", "new": "对无照经营行为的行政处罚" }])
    );
    assert_eq!(
        body["changed"][1]["fields"],
        json!([
            { "field": "department_id", "label": "实施部门", "old": "巴中市市场监督管理局", "new": "巴中市住房和城乡建设局" },
            { "field": "duties", "label": "责任事项", "old": "", "new": "调查责任" },
        ])
    );
    let (status, lists) = app.call("GET", "/api/v1/lists", Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lists[0]["list"], "power");
    assert_eq!(lists[0]["editions"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_diff_page_shows_added_removed_and_changed_entries_with_old_and_new_values() {
    let app = spawn_app().await;
    two_editions(&app).await;
    let page = app
        .client
        .get(app.url("/lists/power/diff?from=2022&to=2023"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for text in [
        "新增事项（1）",
        "对违规使用电梯的处罚",
        "取消事项（1）",
        "对虚假宣传的处罚",
        "调整事项（2）",
        "<del>对无照经营的处罚</del>",
        "<ins>对无照经营行为的行政处罚</ins>",
        "<del>巴中市市场监督管理局</del>",
        "<ins>巴中市住房和城乡建设局</ins>",
        "<th scope=\"col\">",
    ] {
        assert!(html.contains(text), "{text} missing");
    }
    let latest = app
        .client
        .get(app.url("/lists/power/diff"))
        .send()
        .await
        .unwrap();
    assert!(latest.text().await.unwrap().contains("调整事项（2）"));
    let index = app
        .client
        .get(app.url("/lists"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(index.contains("2023年本") && index.contains("/lists/power/diff"));
    let home = app
        .client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("href=\"/lists\""));
}

#[tokio::test]
async fn an_edition_reads_a_page_at_a_time_and_by_department() {
    let app = spawn_app().await;
    let admin = two_editions(&app).await;
    let path = format!("/api/v1/lists/power/editions/2023/entries?department={HOUSING}");
    let (status, body) = app.call("GET", &path, Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 1);
    assert_eq!(body["entries"][0]["code"], "QZ-C");
    assert_eq!(body["entries"][0]["duties"][1]["name"], "调查责任");
    let (_, page2) = app
        .call(
            "GET",
            "/api/v1/lists/power/editions/2023/entries?per_page=2&page=2",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        (
            page2["total"].as_i64(),
            page2["entries"].as_array().unwrap().len()
        ),
        (Some(3), 1)
    );
    let html = app
        .client
        .get(app.url(&format!("/lists/power/2023?department={MARKET}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("对违规使用电梯的处罚") && !html.contains("对违法建设的处罚"));
}

#[tokio::test]
async fn a_published_edition_cannot_be_replaced_or_published_again() {
    let app = spawn_app().await;
    let admin = two_editions(&app).await;
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/lists/power/editions",
            Some(&admin),
            Some(
                json!({ "year": 2022, "entries": [entry("QZ-X", "改写", MARKET, &["立案责任"])] }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/lists/power/editions/2022/publish",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/lists/licensing/editions",
            Some(&admin),
            Some(json!({ "year": 2024, "entries": [entry("XK-1", "许可", "511900-nope", &[])] })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["entries.0.item_type", "entries.0.department_id"]);
}

#[tokio::test]
async fn drafts_are_hidden_from_the_public_and_writes_refuse_anyone_but_a_city_admin() {
    let app = spawn_app().await;
    app.add_staff("admin-bazhou", "system_admin", "511902000000")
        .await;
    let admin = app.token("admin", PASSWORD).await;
    let body = json!({ "year": 2024, "entries": [entry("QZ-A", "甲", MARKET, &["立案责任"])] });
    for login in ["admin-bazhou", "deptadmin", "clerk", "supervisor"] {
        let token = app.token(login, PASSWORD).await;
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/lists/power/editions",
                Some(&token),
                Some(body.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login}");
    }
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/lists/power/editions",
            Some(&admin),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let public = app
        .client
        .get(app.url("/lists/power/2024"))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND);
    let (status, _) = app
        .call(
            "GET",
            "/api/v1/lists/power/editions/2024/entries",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "staff see drafts");
}
