//! Using licences for a case over HTTP: 免提交 on the applicant's draft form (the checkbox is
//! offered and ticked, saving attaches the licence, the check page says so, the case carries the
//! licence id), then the window clerk's 用证 on the staff case page — refused without a cause
//! (shown next to the field and recorded in the holder's 用证记录), listed with one — and the
//! same through the JSON API.

use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::api_applications::{CLERK, PNG, multipart};
use crate::licence_pages::{LICENCE_NAME, licensed};
use crate::pages_applications::{browser, csrf, get, hidden, post};
use crate::support::{CITIZEN_PW, PASSWORD, TestApp, spawn_app};

/// Starts a draft from the guide page; the case's path.
async fn draft(app: &TestApp, citizen: &Client, item: &str) -> String {
    let (_, guide) = get(app, citizen, &format!("/items/{item}")).await;
    let form = [("csrf", csrf(&guide)), ("key", hidden(&guide, "key"))];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, path) = post(app, citizen, &format!("/items/{item}/apply"), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    path
}

async fn upload(app: &TestApp, citizen: &Client, case: &str, material: &str) {
    let (_, html) = get(app, citizen, case).await;
    let (content_type, body) = multipart(
        &[
            ("csrf", &csrf(&html)),
            ("revision", &hidden(&html, "revision")),
            ("material", material),
            ("slot", "0"),
        ],
        "证件.png",
        PNG,
    );
    let res = citizen
        .post(app.url(&format!("{case}/upload")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{material}");
}

#[tokio::test]
async fn a_licence_stands_in_for_a_material_and_staff_use_it_only_with_a_cause() {
    let app = spawn_app().await;
    let (item, required, licence) = licensed(&app).await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let case = draft(&app, &citizen, &item).await;
    let id = case.trim_start_matches("/applications/").to_string();

    let (_, form) = get(&app, &citizen, &case).await;
    assert!(
        form.contains("可使用您的电子证照「食品经营许可证"),
        "{form}"
    );
    assert!(form.contains("使用电子证照（同意调用）"));
    assert!(form.contains("name=\"licence_use\""));
    let (_, elder) = get(&app, &citizen, &format!("{case}?step=material-0")).await;
    assert!(elder.contains("您已有电子证照「食品经营许可证"), "{elder}");
    assert!(elder.contains("name=\"licence_use\"") && elder.contains(" checked>"));
    let revision = hidden(&form, "revision");
    let (status, to) = post(
        &app,
        &citizen,
        &case,
        &[
            ("csrf", &csrf(&form)),
            ("revision", &revision),
            ("applicant", "张三"),
            ("phone", "13800000000"),
            ("licence_offered", &required[0]),
            ("licence_use", &required[0]),
            ("next", "check"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert!(to.ends_with("/check"));
    for material in &required[1..] {
        upload(&app, &citizen, &case, material).await;
    }
    let (_, check) = get(&app, &citizen, &format!("{case}/check")).await;
    assert!(check.contains("已使用电子证照"), "{check}");
    let (_, form) = get(&app, &citizen, &case).await;
    assert!(form.contains(&format!("href=\"/me/licences/{licence}\"")));
    assert!(!form.contains("可使用您的电子证照「"), "no longer offered");
    let (status, to) = post(
        &app,
        &citizen,
        &format!("{case}/act"),
        &[
            ("csrf", &csrf(&check)),
            ("revision", &hidden(&check, "revision")),
            ("action", "submit"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");

    let token = app.token("citizen", CITIZEN_PW).await;
    let (_, one) = app
        .call(
            "GET",
            &format!("/api/v1/applications/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(one["status"], "submitted");
    let attached = one["case"]["materials"].as_array().unwrap();
    assert!(
        attached
            .iter()
            .any(|m| m["licence_id"] == licence.as_str() && m["material"] == required[0].as_str()),
        "{one}"
    );

    // The window clerk: without a cause the query is refused next to the field, and recorded.
    let clerk = browser(&app, CLERK, PASSWORD).await;
    let staff_case = format!("/work/applications/{id}");
    let (status, page) = get(&app, &clerk, &staff_case).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("调用申请人电子证照"));
    let query = format!("{staff_case}/licences");
    let (status, refused) = post(
        &app,
        &clerk,
        &query,
        &[("csrf", &csrf(&page)), ("cause", "  "), ("type_code", "")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("id=\"licence-cause-error\""), "{refused}");
    assert!(refused.contains("请填写用证事由"));
    let (_, usage) = get(&app, &citizen, "/me/licences/usage").await;
    assert!(usage.contains("被拒绝：未填写用证事由"), "{usage}");
    assert!(usage.contains("证照免提交"));

    let (status, found) = post(
        &app,
        &clerk,
        &query,
        &[
            ("csrf", &csrf(&page)),
            ("cause", "核验申请人食品经营许可证"),
            ("type_code", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(found.contains(LICENCE_NAME) && found.contains("下载证照文件"));
    let href = found
        .split("href=\"")
        .find(|s| s.contains("/download?cause="))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    let (status, file) = get(&app, &clerk, &href).await;
    assert_eq!(status, StatusCode::OK, "{href}");
    assert!(file.contains("tongban-licence/1"));
    let (_, usage) = get(&app, &citizen, "/me/licences/usage").await;
    assert!(usage.contains("核验申请人食品经营许可证") && usage.contains("下载"));

    // The API: the same refusal code, then the licence.
    let clerk_token = app.token(CLERK, PASSWORD).await;
    let api = format!("/api/v1/work/applications/{id}/licence-query");
    let (status, body) = app
        .call(
            "POST",
            &api,
            Some(&clerk_token),
            Some(json!({ "cause": "" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "licence.cause_required");
    let (status, body) = app
        .call(
            "POST",
            &api,
            Some(&clerk_token),
            Some(json!({ "cause": "核验证照" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["id"], licence.as_str());
    let (status, _) = app
        .call("POST", &api, Some(&token), Some(json!({ "cause": "x" })))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_api_offers_and_attaches_substitutes_on_a_draft() {
    let app = spawn_app().await;
    let (item, required, licence) = licensed(&app).await;
    let token = app.token("citizen", CITIZEN_PW).await;
    let (status, case) = app
        .call(
            "POST",
            "/api/v1/applications",
            Some(&token),
            Some(json!({ "item_id": item, "form": { "applicant": "张三" } })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let path = format!(
        "/api/v1/applications/{}/licence-substitutes",
        case["id"].as_str().unwrap()
    );
    let (status, offered) = app.call("GET", &path, Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(offered[0]["material"], required[0].as_str());
    assert_eq!(offered[0]["licence_id"], licence.as_str());
    let (status, bad) = app
        .call(
            "POST",
            &path,
            Some(&token),
            Some(json!({ "materials": ["没有这项材料"] })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["error"]["fields"][0]["code"], "licence.no_substitute");
    let (status, after) = app
        .call(
            "POST",
            &path,
            Some(&token),
            Some(json!({ "materials": [required[0]] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(
        after["case"]["materials"][0]["licence_id"],
        licence.as_str()
    );
}
