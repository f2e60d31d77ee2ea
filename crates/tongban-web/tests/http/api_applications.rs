//! Applications over the JSON API: a citizen applies online for a 巴州区 market-regulation item,
//! uploads a picture for every required material and submits; a county window clerk accepts,
//! the department's reviewer and approver agree and the clerk delivers. The same idempotency
//! key makes one case; two clerks on one revision make one acceptance and one conflict; a
//! refused transition carries its stable code and a Chinese message.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{CITIZEN_PW, PASSWORD, TestApp, spawn_app};

/// The 巴州区 market regulator: its reviewers and approvers, and the 巴州区 hall's clerks.
pub const DEPARTMENT: &str = "511902-scjgj";
pub const CLERK: &str = "clerk-511902-1";
pub const OTHER_CLERK: &str = "clerk-511902-2";
pub const REVIEWER: &str = "reviewer-511902-scjgj";
pub const APPROVER: &str = "approver-511902-scjgj";

/// A 1×1 PNG.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

/// Publishes one demo item of the department with a full route (受理, 审查, 决定, 送达);
/// its id and its required materials.
pub async fn county_item(app: &TestApp, token: &str) -> (String, Vec<String>) {
    let city = tongban_demo::generate(&tongban_demo::DemoConfig {
        seed: 7,
        citizens: 5,
        enterprises: 3,
    });
    let mut item = tongban_demo::catalog_items(&city)
        .into_iter()
        .find(|i| i.department_id == DEPARTMENT && i.steps.len() == 4 && !i.materials.is_empty())
        .expect("the demo has a four-step item of the 巴州区 market regulator");
    // Applied for online: 网上办理深度 three (全程网办 up to the result).
    {
        use tongban_domain::catalog::{OnlineDepth as D, OnlineLevel};
        item.online_level = OnlineLevel::Three;
        item.online_depth = vec![
            D::Consultation,
            D::Submission,
            D::PreReview,
            D::Acceptance,
            D::Handling,
            D::ResultFeedback,
        ];
    }
    let required = item
        .materials
        .iter()
        .filter(|m| m.required)
        .map(|m| m.name.clone())
        .collect();
    app.app.seed_catalog(vec![item]).await.unwrap();
    let path = format!("/api/v1/items?department={DEPARTMENT}");
    let (status, list) = app.call("GET", &path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let id = list["items"][0]["item_id"].as_str().unwrap().to_string();
    (id, required)
}

/// A multipart body by hand: text fields, then one file.
pub fn multipart(fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "tongbanBoundary7MA4YWxk";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, token: &str, id: &str, material: &str) -> (StatusCode, Value) {
    let (content_type, body) = multipart(&[("material", material)], "证件.png", PNG);
    let res = app
        .client
        .post(app.url(&format!("/api/v1/applications/{id}/materials")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

pub async fn act(app: &TestApp, token: &str, id: &str, body: Value) -> (StatusCode, Value) {
    app.call(
        "POST",
        &format!("/api/v1/applications/{id}/actions"),
        Some(token),
        Some(body),
    )
    .await
}

/// A submitted case of the demo citizen; its id and revision.
pub async fn submitted_case(app: &TestApp, citizen: &str) -> (String, u64) {
    let (item, required) = county_item(app, citizen).await;
    let (status, case) = app
        .call(
            "POST",
            "/api/v1/applications",
            Some(citizen),
            Some(
                json!({ "item_id": item, "form": { "applicant": "张三", "phone": "13800000000" } }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    assert_eq!(case["status"], "draft");
    let id = case["id"].as_str().unwrap().to_string();
    for material in &required {
        let (status, body) = upload(app, citizen, &id, material).await;
        assert_eq!(status, StatusCode::OK, "{material}: {body}");
    }
    let (status, case) = act(app, citizen, &id, json!({ "action": "submit" })).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "submitted");
    (id, case["revision"].as_u64().unwrap())
}

#[tokio::test]
async fn a_citizen_applies_online_and_the_case_goes_from_acceptance_to_delivery() {
    let app = spawn_app().await;
    let citizen = app.token("citizen", CITIZEN_PW).await;
    let (id, revision) = submitted_case(&app, &citizen).await;
    let clerk = app.token(CLERK, PASSWORD).await;
    let (status, queue) = app
        .call("GET", "/api/v1/work/queue", Some(&clerk), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    assert!(
        queue["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == id.as_str()),
        "the submitted case is in the clerk's queue: {queue}"
    );
    let (status, case) = act(
        &app,
        &clerk,
        &id,
        json!({ "action": "accept", "revision": revision }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "in_progress");
    assert!(case["due"].is_string(), "accepted cases have a due date");
    for login in [REVIEWER, APPROVER] {
        let token = app.token(login, PASSWORD).await;
        let (status, case) = act(
            &app,
            &token,
            &id,
            json!({ "action": "approve", "opinion": "同意" }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{login}: {case}");
    }
    let (status, case) = act(
        &app,
        &clerk,
        &id,
        json!({ "action": "deliver", "method": "post", "tracking_number": "SF1234567890" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "completed");
    assert_eq!(case["status_zh"], "已办结");
    let (status, mine) = app
        .call("GET", "/api/v1/applications", Some(&citizen), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine[0]["id"], id.as_str());
    assert_eq!(mine[0]["status_zh"], "已办结");
}

#[tokio::test]
async fn the_same_idempotency_key_twice_makes_one_case() {
    let app = spawn_app().await;
    let citizen = app.token("citizen", CITIZEN_PW).await;
    let (item, _) = county_item(&app, &citizen).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let res = app
            .client
            .post(app.url("/api/v1/applications"))
            .bearer_auth(&citizen)
            .header("Idempotency-Key", "form-7f3a")
            .json(&json!({ "item_id": item }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        ids.push(body["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids[0], ids[1]);
    let (_, mine) = app
        .call("GET", "/api/v1/applications", Some(&citizen), None)
        .await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn two_clerks_accepting_the_same_revision_make_one_acceptance_and_one_conflict() {
    let app = spawn_app().await;
    let citizen = app.token("citizen", CITIZEN_PW).await;
    let (id, revision) = submitted_case(&app, &citizen).await;
    let first = app.token(CLERK, PASSWORD).await;
    let second = app.token(OTHER_CLERK, PASSWORD).await;
    let accept = json!({ "action": "accept", "revision": revision });
    let (a, b) = tokio::join!(
        act(&app, &first, &id, accept.clone()),
        act(&app, &second, &id, accept.clone())
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{a:?} {b:?}"
    );
    let conflict = if a.0 == StatusCode::CONFLICT {
        a.1
    } else {
        b.1
    };
    assert_eq!(conflict["error"]["code"], "conflict");
    assert!(
        conflict["error"]["message"]
            .as_str()
            .unwrap()
            .contains("刚刚已被他人处理"),
        "{conflict}"
    );
    let (_, case) = app
        .call(
            "GET",
            &format!("/api/v1/applications/{id}"),
            Some(&first),
            None,
        )
        .await;
    let acceptances = case["case"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["what"].as_str().unwrap_or_default().contains("受理"))
        .filter(|h| !h["what"].as_str().unwrap_or_default().contains("不予"))
        .count();
    assert_eq!(acceptances, 1, "{}", case["case"]["history"]);
}

#[tokio::test]
async fn a_refused_transition_names_its_stable_code_and_says_why_in_chinese() {
    let app = spawn_app().await;
    let citizen = app.token("citizen", CITIZEN_PW).await;
    let (id, _) = submitted_case(&app, &citizen).await;
    let (status, body) = act(&app, &citizen, &id, json!({ "action": "submit" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["fields"][0]["code"],
        "application.invalid_transition"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("不能提交申请"),
        "{body}"
    );
}

#[tokio::test]
async fn a_citizen_cannot_read_the_work_queue_nor_another_persons_case() {
    let app = spawn_app().await;
    let citizen = app.token("citizen", CITIZEN_PW).await;
    let (status, _) = app
        .call("GET", "/api/v1/work/queue", Some(&citizen), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (id, _) = submitted_case(&app, &citizen).await;
    let other = app.token("c00001", CITIZEN_PW).await;
    let (status, _) = app
        .call(
            "GET",
            &format!("/api/v1/applications/{id}"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
