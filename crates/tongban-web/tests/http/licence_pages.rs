//! The holder's side of electronic licences over HTTP: the 卡包 lists the licence, its page has
//! the QR code as inline SVG, the PDF carries the signed payload, another citizen is refused;
//! a share link opens without login, is counted in the 用证记录, and says so once ended. Also
//! the same through the JSON API.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::json;
use tongban_app::licences::{IssueRequest, TypeSeed};
use tongban_app::{LoginRequest, Principal};
use tongban_domain::licence::{
    FaceField, HolderKind, LicenceType, LicenceTypeCode, Recognition, Validity,
};

use crate::api_applications::{APPROVER, DEPARTMENT, county_item};
use crate::pages_applications::{browser, csrf, get, post};
use crate::support::{CITIZEN_PW, PASSWORD, TestApp, client, spawn_app};

pub const LICENCE_NAME: &str = "食品经营许可证";

pub fn type_code() -> LicenceTypeCode {
    LicenceTypeCode::new("11100000000013338W", 901).unwrap()
}

async fn principal(app: &TestApp, login: &str, password: &str) -> Principal {
    app.app
        .login(LoginRequest {
            login: login.into(),
            password: password.into(),
            client: "t".into(),
        })
        .await
        .unwrap()
        .principal
}

/// A licence type standing in for `material`, usable by the 巴州区 market regulator for every
/// item, and one licence of it issued to the demo citizen; the licence's id.
pub async fn issue_for(app: &TestApp, material: &str) -> String {
    let licence_type = LicenceType {
        code: type_code(),
        name: LICENCE_NAME.into(),
        authority_name: "国家市场监督管理总局".into(),
        holder_kind: HolderKind::Person,
        issuing_department_ids: vec![DEPARTMENT.into()],
        validity: Validity::Years(5),
        face_fields: vec![FaceField {
            key: "KZ_JYFW".into(),
            label: "经营项目".into(),
            required: true,
        }],
        issuing_items: vec![],
        replaces_materials: vec![material.to_string()],
    };
    app.app
        .load_licence_catalogue(
            None,
            TypeSeed {
                types: vec![licence_type],
                recognitions: vec![Recognition {
                    department_id: DEPARTMENT.into(),
                    type_code: type_code(),
                    item_code: None,
                }],
            },
        )
        .await
        .unwrap();
    let approver = principal(app, APPROVER, PASSWORD).await;
    let citizen = principal(app, "citizen", CITIZEN_PW).await;
    let id_number = app
        .app
        .store()
        .citizen_profile(citizen.account_id())
        .await
        .unwrap()
        .unwrap()
        .id_number;
    app.app
        .issue_licence(
            &approver,
            IssueRequest {
                type_code: type_code().to_string(),
                holder_name: citizen.display_name().into(),
                holder_code: id_number,
                face: BTreeMap::from([("KZ_JYFW".to_string(), "预包装食品销售".to_string())]),
                valid_from: None,
                number: None,
            },
        )
        .await
        .unwrap()
        .id
}

/// The item (published), its required materials and the citizen's licence standing in for the
/// first of them.
pub async fn licensed(app: &TestApp) -> (String, Vec<String>, String) {
    let token = app.token("citizen", CITIZEN_PW).await;
    let (item, required) = county_item(app, &token).await;
    let id = issue_for(app, &required[0]).await;
    (item, required, id)
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).expect(start) + start.len();
    html[from..].split(end).next().unwrap()
}

#[tokio::test]
async fn the_holder_sees_the_wallet_the_qr_and_a_pdf_with_the_payload_and_others_do_not() {
    let app = spawn_app().await;
    let (_, _, id) = licensed(&app).await;
    assert!(id.contains('.'), "licence ids contain dots: {id}");
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;

    let (status, wallet) = get(&app, &citizen, "/me/licences").await;
    assert_eq!(status, StatusCode::OK);
    assert!(wallet.contains(LICENCE_NAME), "{wallet}");
    assert!(wallet.contains(&format!("/me/licences/{id}")));
    assert!(wallet.contains("有效"));
    let (_, me) = get(&app, &citizen, "/me").await;
    assert!(me.contains("/me/licences") && me.contains("/me/licences/usage"));

    let (status, page) = get(&app, &citizen, &format!("/me/licences/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("<svg"), "the QR code is inline SVG");
    assert!(page.contains("预包装食品销售"));
    assert!(page.contains("分享此证照"));
    assert!(page.contains(&format!("/me/licences/{id}/licence.pdf")));

    let res = citizen
        .get(app.url(&format!("/me/licences/{id}/licence.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let presented = tongban_domain::licence::read_presented(&pdf);
    assert!(presented.is_ok(), "the PDF carries the signed payload");

    let (status, file) = get(&app, &citizen, &format!("/me/licences/{id}/licence.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(file.contains("tongban-licence/1"), "{file}");

    // The issuing department's staff may print it too; another citizen may not see it.
    let approver = browser(&app, APPROVER, PASSWORD).await;
    let res = approver
        .get(app.url(&format!("/me/licences/{id}/licence.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let other = browser(&app, "c00001", CITIZEN_PW).await;
    for path in [
        format!("/me/licences/{id}"),
        format!("/me/licences/{id}/licence.pdf"),
        format!("/me/licences/{id}/licence.json"),
    ] {
        let (status, _) = get(&app, &other, &path).await;
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "{path}: {status}"
        );
    }
    let (_, others) = get(&app, &other, "/me/licences").await;
    assert!(!others.contains(&id));
}

#[tokio::test]
async fn a_share_link_opens_without_login_is_in_the_usage_record_and_ends() {
    let app = spawn_app().await;
    let (_, _, id) = licensed(&app).await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let page_path = format!("/me/licences/{id}");
    let (_, page) = get(&app, &citizen, &page_path).await;

    let share_path = format!("{page_path}/shares");
    let token = csrf(&page);
    let (status, refused) = post(
        &app,
        &citizen,
        &share_path,
        &[("csrf", &token), ("purpose", " "), ("hours", "24")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("请填写分享用途"));

    let (status, made) = post(
        &app,
        &citizen,
        &share_path,
        &[
            ("csrf", &token),
            ("purpose", "租房时向房东出示"),
            ("hours", "24"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    let url = between(&made, "<p class=\"share-url\"><code>", "</code>").to_string();
    let link = url.split("/s/").nth(1).unwrap().to_string();
    assert!(
        made.matches("<svg").count() >= 2,
        "the link has its QR code"
    );

    let stranger = client();
    let (status, shared) = get(&app, &stranger, &format!("/s/{link}")).await;
    assert_eq!(status, StatusCode::OK, "{shared}");
    assert!(shared.contains(LICENCE_NAME) && shared.contains("有效"));
    assert!(shared.contains('*'), "the holder's code is masked");

    let (_, usage) = get(&app, &citizen, "/me/licences/usage").await;
    assert!(usage.contains("通过分享链接查看"), "{usage}");
    assert!(usage.contains("租房时向房东出示"));
    let (_, page) = get(&app, &citizen, &page_path).await;
    assert!(page.contains("已查看 1 次"), "{page}");

    let handle = between(&page, &format!("{share_path}/"), "/end").to_string();
    let (status, to) = post(
        &app,
        &citizen,
        &format!("{share_path}/{handle}/end"),
        &[("csrf", &csrf(&page))],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (status, ended) = get(&app, &stranger, &format!("/s/{link}")).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(ended.contains("已失效"));
    let (status, unknown) = get(&app, &stranger, "/s/nosuchtoken").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(unknown.contains("分享链接不存在"));
}

#[tokio::test]
async fn the_api_lists_shows_and_shares_the_holders_licences() {
    let app = spawn_app().await;
    let (_, _, id) = licensed(&app).await;
    let token = app.token("citizen", CITIZEN_PW).await;
    let (status, list) = app
        .call("GET", "/api/v1/me/licences", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["status"], "valid");
    let path = format!("/api/v1/me/licences/{id}");
    let (status, one) = app.call("GET", &path, Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(one["qr_text"].as_str().unwrap().contains("TBL1."));
    let (status, share) = app
        .call(
            "POST",
            &format!("{path}/shares"),
            Some(&token),
            Some(json!({ "purpose": "核验", "hours": 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{share}");
    assert!(
        share["url"]
            .as_str()
            .unwrap()
            .ends_with(share["token"].as_str().unwrap())
    );
    let (status, bad) = app
        .call(
            "POST",
            &format!("{path}/shares"),
            Some(&token),
            Some(json!({ "purpose": "核验", "hours": 100 })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["error"]["fields"][0]["code"], "licence.share_hours");
    let other = app.token("c00001", CITIZEN_PW).await;
    let (status, _) = app.call("GET", &path, Some(&other), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, usages) = app
        .call("GET", "/api/v1/me/licence-usages", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(usages.is_array());
}
