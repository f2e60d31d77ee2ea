//! 一件事一次办 over HTTP: a citizen applies for 新生儿出生一件事 from its page with one set of
//! files and sees its five parts; a missing field is shown next to it and creates nothing; the
//! same form sent twice makes one bundle; the JSON API lists, applies (multipart) and reads.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::api_applications::PNG;
use crate::pages_applications::{browser, csrf, get, hidden};
use crate::support::{CITIZEN_PW, TestApp, spawn_app};

/// Publishes the items of every bundle (the demo catalogue's items of those names).
pub async fn publish_bundle_items(app: &TestApp) {
    let city = tongban_demo::generate(&tongban_demo::DemoConfig {
        seed: 7,
        citizens: 5,
        enterprises: 3,
    });
    let names: Vec<String> = tongban_app::applications::bundle_definitions()
        .into_iter()
        .flat_map(|d| d.parts.into_iter().map(|p| p.item_name))
        .collect();
    let items = tongban_demo::catalog_items(&city)
        .into_iter()
        .filter(|i| names.contains(&i.name))
        .collect();
    app.app.seed_catalog(items).await.unwrap();
}

/// A multipart body of text fields and files (name, file name, bytes).
pub fn multipart_files(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "tongbanBundleBoundary42";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"scan.png\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

const NEWBORN: [(&str, &str); 5] = [
    ("f-baby_name", "李小宝"),
    ("f-baby_birth_date", "2026-11-20"),
    ("f-mother_name", "王芳"),
    ("f-contact_phone", "13800000000"),
    ("f-address", "巴中市巴州区江北街道"),
];

/// Sends the 新生儿出生一件事 form as the page shows it: every field of `fields`, a file for
/// every material control. The status and the `Location` (or the page).
async fn send_newborn(
    app: &TestApp,
    citizen: &Client,
    page: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let controls: Vec<String> = page
        .split("type=\"file\"")
        .count()
        .checked_sub(1)
        .map(|n| (0..n).map(|i| format!("m-{i}")).collect())
        .unwrap_or_default();
    let token = csrf(page);
    let key = hidden(page, "key");
    let mut all = vec![("csrf", token.as_str()), ("key", key.as_str())];
    all.extend_from_slice(fields);
    let files: Vec<(&str, &[u8])> = controls.iter().map(|c| (c.as_str(), PNG)).collect();
    let (content_type, body) = multipart_files(&all, &files);
    let res = citizen
        .post(app.url("/bundles/newborn/apply"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    match res.headers().get("location") {
        Some(to) => (status, to.to_str().unwrap().to_string()),
        None => (status, res.text().await.unwrap()),
    }
}

#[tokio::test]
async fn a_citizen_applies_for_the_newborn_bundle_with_one_set_of_files_and_sees_five_parts() {
    let app = spawn_app().await;
    publish_bundle_items(&app).await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let (_, home) = get(&app, &citizen, "/").await;
    assert!(
        home.contains("href=\"/bundles\""),
        "the portal links the bundles"
    );
    let (status, list) = get(&app, &citizen, "/bundles").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("新生儿出生一件事") && list.contains("开办企业一件事"));
    assert!(
        list.contains("出生登记（新生儿落户）"),
        "the items it covers are listed"
    );
    let (_, theme) = get(&app, &citizen, "/themes/birth").await;
    assert!(theme.contains("/bundles/newborn/apply"));
    let (status, page) = get(&app, &citizen, "/bundles/newborn/apply").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("新生儿姓名") && page.contains("type=\"file\""));
    let (status, to) = send_newborn(&app, &citizen, &page, &NEWBORN).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert!(to.starts_with("/bundles/"));
    let (status, bundle) = get(&app, &citizen, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        bundle.contains("总体进度：办理中"),
        "the combined status is in words"
    );
    assert_eq!(
        bundle.matches("href=\"/applications/").count(),
        5,
        "five parts"
    );
    assert!(bundle.contains("承办："), "each part names its department");
    let (_, mine) = get(&app, &citizen, "/me/applications").await;
    assert!(
        mine.contains(&format!("href=\"{to}\"")),
        "我的办件 lists the bundle"
    );
}

#[tokio::test]
async fn a_missing_field_is_shown_next_to_it_and_nothing_is_created() {
    let app = spawn_app().await;
    publish_bundle_items(&app).await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let (_, page) = get(&app, &citizen, "/bundles/newborn/apply").await;
    let without_name: Vec<(&str, &str)> = NEWBORN
        .iter()
        .copied()
        .filter(|(k, _)| *k != "f-baby_name")
        .collect();
    let (status, html) = send_newborn(&app, &citizen, &page, &without_name).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"f-baby_name-error\""),
        "the error is next to the field"
    );
    assert!(html.contains("请填写新生儿姓名"));
    assert!(html.contains("value=\"王芳\""), "what was typed is kept");
    let token = app.token("citizen", CITIZEN_PW).await;
    let (_, cases) = app
        .call("GET", "/api/v1/applications", Some(&token), None)
        .await;
    assert_eq!(cases.as_array().unwrap().len(), 0, "nothing was created");
}

#[tokio::test]
async fn the_same_form_sent_twice_makes_one_bundle() {
    let app = spawn_app().await;
    publish_bundle_items(&app).await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let (_, page) = get(&app, &citizen, "/bundles/newborn/apply").await;
    let (_, first) = send_newborn(&app, &citizen, &page, &NEWBORN).await;
    let (status, again) = send_newborn(&app, &citizen, &page, &NEWBORN).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(first, again, "one bundle");
    let token = app.token("citizen", CITIZEN_PW).await;
    let (_, cases) = app
        .call("GET", "/api/v1/applications", Some(&token), None)
        .await;
    assert_eq!(cases.as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn the_api_lists_bundles_applies_with_one_multipart_body_and_reads_the_bundle() {
    let app = spawn_app().await;
    publish_bundle_items(&app).await;
    let token = app.token("citizen", CITIZEN_PW).await;
    let (status, defs) = app.call("GET", "/api/v1/bundles", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK, "{defs}");
    let newborn = defs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "newborn")
        .unwrap()
        .clone();
    assert_eq!(newborn["items"].as_array().unwrap().len(), 5);
    let materials: Vec<String> = newborn["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect();
    let request = json!({ "code": "newborn", "form": {
        "baby_name": "李小宝", "baby_birth_date": "2026-11-20", "mother_name": "王芳",
        "contact_phone": "13800000000", "address": "巴中市巴州区江北街道" } })
    .to_string();
    let boundary = "apiBundleBoundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n{request}\r\n"
    )
    .into_bytes();
    for m in &materials {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"material\"\r\n\r\n{m}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(PNG);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let send = || {
        app.client
            .post(app.url("/api/v1/bundles"))
            .bearer_auth(&token)
            .header("idempotency-key", "api-bundle-1")
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body.clone())
            .send()
    };
    let res = send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let bundle: Value = res.json().await.unwrap();
    assert_eq!(bundle["status"], "in_progress", "{bundle}");
    assert_eq!(bundle["parts"].as_array().unwrap().len(), 5);
    let again: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(again["id"], bundle["id"], "the same key makes one bundle");
    let path = format!("/api/v1/bundles/{}", bundle["id"].as_str().unwrap());
    let (status, read) = app.call("GET", &path, Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        read["parts"][0]["department_id"],
        bundle["parts"][0]["department_id"]
    );
    let other = app.token("c00001", CITIZEN_PW).await;
    let (status, _) = app.call("GET", &path, Some(&other), None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another citizen cannot see it"
    );
}

/// Percent-encodes a query value.
pub fn enc(text: &str) -> String {
    serde_urlencoded::to_string([("x", text)])
        .unwrap()
        .trim_start_matches("x=")
        .to_string()
}
