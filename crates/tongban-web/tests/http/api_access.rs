//! Every API route refuses an unauthenticated caller, and every restricted route refuses a
//! caller of the wrong kind, role or scope. The route table, the router and the OpenAPI
//! document are held to each other, so a new route cannot skip these checks.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tongban_web::{Access, ROUTES};

use crate::api_catalog::{draft_item, food_licence_json};
use crate::support::{CITIZEN_PW, PASSWORD, TestApp, spawn_app};

/// A concrete path for a route template: the hall, department and item are in 恩阳区 (511903).
fn concrete(path: &str, method: &str, item_id: &str) -> String {
    let year = if method == "put" { "2027" } else { "2026" };
    let path = path
        .replace("{code}", "511902000000")
        .replace("{year}", year)
        .replace("{version}", "1")
        .replace("{list}", "power")
        .replace("{edition}", "2023")
        .replace("{kind}", "month")
        .replace("{period}", "2026-10");
    if path.ends_with("/imports") {
        format!("{path}?edition=2024&dry_run=true")
    } else if path.contains("/halls/") {
        path.replace("{id}", "hall-511903")
    } else if path.contains("/departments/") {
        path.replace("{id}", "511903-scjgj")
    } else if path.contains("/items/") {
        path.replace("{id}", item_id)
    } else {
        path.replace("{id}", "citizen-citizen")
    }
}

/// A valid body, so that a refusal comes from authorization and not from validation.
pub fn body_for(method: &str, path: &str) -> Option<Value> {
    match (method, path) {
        ("post", "/api/v1/auth/login") => Some(json!({ "login": "x", "password": "y" })),
        ("put", p) if p.starts_with("/api/v1/halls/") => Some(json!({
            "name": "恩阳区政务服务中心", "address": "恩阳区义兴大道1号", "phone": "0827-3300000",
            "latitude": "31.79", "longitude": "106.63", "opening_hours": "工作日 9:00-17:00"
        })),
        ("put", p) if p.starts_with("/api/v1/departments/") => Some(json!({
            "name": "恩阳区市场监督管理局", "short_name": "区市场监管局", "uscc": "91350200776049653A"
        })),
        ("put", p) if p.starts_with("/api/v1/calendar/") => Some(json!({
            "year": 2027, "source": "测试", "holidays": [{ "date": "2027-01-01", "name": "元旦" }], "makeup_workdays": []
        })),
        ("post", "/api/v1/calendar/due-date") => {
            Some(json!({ "accepted_on": "2025-09-26", "working_days": 20 }))
        }
        ("post", "/api/v1/bureau/letters/draft") => Some(json!({ "month": "2026-10" })),
        ("put", p) if p.starts_with("/api/v1/bureau/letters/") => Some(json!({ "body": "正文" })),
        ("put", "/api/v1/bureau/weights") => {
            Some(json!({ "weights": { "good_rate": 1 }, "threshold": "80" }))
        }
        ("post", "/api/v1/validate") => {
            Some(json!({ "kind": "uscc", "values": ["91350200776049653A"] }))
        }
        ("post", "/api/v1/items") => Some(food_licence_json("511903-scjgj")),
        ("post", "/api/v1/lists/power/editions") => Some(json!({ "year": 2023, "entries": [{
            "code": "QZ-1", "name": "对无照经营的处罚", "item_type": "02", "basis": "《行政处罚法》",
            "department_id": "511900-scjgj", "level": "city", "duties": [{ "name": "立案责任" }]
        }] })),
        ("put", p) if p.starts_with("/api/v1/items/") => Some(food_licence_json("511903-scjgj")),
        ("post", "/api/v1/work/licences") => Some(json!({
            "type_code": "11100000000013338W901", "holder_name": "张三",
            "holder_code": "11010519491231002X", "face": {}
        })),
        ("post", p) if p.starts_with("/api/v1/work/licences/") && p.ends_with("/state") => {
            Some(json!({ "change": "suspend", "reason": "核查" }))
        }
        ("post", p) if p.ends_with("/evaluations") => Some(json!({ "satisfaction": 1 })),
        ("post", "/api/v1/work/window-services") => Some(json!({})),
        ("post", p) if p.starts_with("/api/v1/work/rectifications/") => {
            Some(json!({ "action": "verify", "text": "核实" }))
        }
        ("post", p) if p.ends_with("/phone-evaluations") => {
            Some(json!({ "satisfaction": 1, "caller_words": "很满意" }))
        }
        _ => None,
    }
}

async fn openapi(app: &TestApp) -> Value {
    let (status, doc) = app.call("GET", "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    doc
}

#[tokio::test]
async fn the_openapi_document_is_openapi_3_1_and_lists_exactly_the_routes_in_the_access_table() {
    let app = spawn_app().await;
    let doc = openapi(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["info"]["title"].is_string());
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    documented.sort();
    let mut table: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    table.sort();
    assert_eq!(documented, table);
    let mut operation_ids: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap_or_default().to_string())
        .collect();
    let count = operation_ids.len();
    operation_ids.sort();
    operation_ids.dedup();
    assert_eq!(operation_ids.len(), count, "every operationId is unique");
    let mut tags: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let tag_count = tags.len();
    tags.sort();
    tags.dedup();
    assert_eq!(tags.len(), tag_count, "every tag is declared once");
    if let Ok(out) = std::env::var("TONGBAN_OPENAPI_OUT") {
        std::fs::write(out, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    }
}

#[tokio::test]
async fn every_api_route_refuses_an_unauthenticated_caller() {
    let app = spawn_app().await;
    for (method, path, access) in ROUTES {
        if *access == Access::Public {
            continue;
        }
        let path = concrete(path, method, "an-item");
        for token in [None, Some("not-a-real-token")] {
            let (status, body) = app
                .call(
                    &method.to_uppercase(),
                    &path,
                    token,
                    body_for(method, &path),
                )
                .await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with token {token:?}"
            );
            assert_eq!(body["error"]["code"], "unauthenticated", "{method} {path}");
            assert_eq!(body["error"]["message"], "请先登录");
            assert_eq!(body["error"]["request_id"].as_str().unwrap().len(), 32);
        }
    }
}

#[tokio::test]
async fn every_restricted_api_route_refuses_a_caller_of_the_wrong_kind_role_or_scope() {
    let app = spawn_app().await;
    app.add_staff("admin-bazhou", "system_admin", "511902000000")
        .await;
    let citizen = app.token("citizen", CITIZEN_PW).await;
    let clerk = app.token("clerk", PASSWORD).await;
    let handler = app.token("handler", PASSWORD).await;
    let county_admin = app.token("admin-bazhou", PASSWORD).await;
    let dept_admin = app.token("deptadmin", PASSWORD).await;
    let item = draft_item(&app, "511903-scjgj").await;
    let mut checked = 0;
    for (method, path, access) in ROUTES {
        let path = concrete(path, method, &item);
        let callers: Vec<(&str, &str)> = match access {
            Access::Public | Access::SignedIn => continue,
            Access::Staff => vec![("citizen", &citizen)],
            Access::Scoped => {
                let mut wrong = vec![("citizen", citizen.as_str()), ("clerk", clerk.as_str())];
                if path.starts_with("/api/v1/halls/")
                    || path.starts_with("/api/v1/departments/")
                    || path.starts_with("/api/v1/items")
                {
                    // A system administrator of 巴州区 reaching into 恩阳区, and the city
                    // market regulator's administrator reaching into 恩阳区's market regulator.
                    wrong.push(("county admin out of scope", &county_admin));
                    wrong.push(("another department's admin", &dept_admin));
                }
                if path.starts_with("/api/v1/lists/") {
                    // A list binds the whole city: only a city-level system administrator.
                    wrong.push(("county admin", &county_admin));
                    wrong.push(("a department's admin", &dept_admin));
                }
                if path.starts_with("/api/v1/calendar/") {
                    // The calendar binds the whole city: a county administrator may not change it.
                    wrong.push(("county admin", &county_admin));
                }
                wrong
            }
        };
        let callers = if path.starts_with("/api/v1/citizens/") {
            vec![
                ("citizen", citizen.as_str()),
                ("好差评 handler", handler.as_str()),
            ]
        } else {
            callers
        };
        for (who, token) in callers {
            let (status, body) = app
                .call(
                    &method.to_uppercase(),
                    &path,
                    Some(token),
                    body_for(method, &path),
                )
                .await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{who} on {method} {path}: {body}"
            );
            assert_eq!(body["error"]["code"], "forbidden");
            checked += 1;
        }
    }
    assert!(checked >= 45, "only {checked} refusals checked");
}

#[tokio::test]
async fn the_right_callers_are_let_through_on_the_scoped_routes() {
    let app = spawn_app().await;
    app.add_staff("admin-enyang", "system_admin", "511903000000")
        .await;
    let county_admin = app.token("admin-enyang", PASSWORD).await;
    let path = concrete("/api/v1/halls/{id}", "put", "");
    let (status, body) = app
        .call("PUT", &path, Some(&county_admin), body_for("put", &path))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["phone"], "0827-3300000");
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/items",
            Some(&county_admin),
            body_for("post", "/api/v1/items"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let item = body["item_id"].as_str().unwrap();
    for step in ["submit", "publish"] {
        let path = concrete("/api/v1/items/{id}/versions/{version}/", "post", item) + step;
        let (status, body) = app.call("POST", &path, Some(&county_admin), None).await;
        assert_eq!(status, StatusCode::OK, "{step}: {body}");
    }
    let admin = app.token("admin", PASSWORD).await;
    let (status, body) = app
        .call(
            "PUT",
            "/api/v1/calendar/2027",
            Some(&admin),
            body_for("put", "/api/v1/calendar/"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["year"], 2027);
    let supervisor = app.token("supervisor", PASSWORD).await;
    let (status, body) = app
        .call("POST", "/api/v1/audit/verify", Some(&supervisor), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["intact"], true);
}
