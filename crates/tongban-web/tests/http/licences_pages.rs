//! The issuing department's licence pages: issue by form (errors next to fields, then the
//! licence page), suspend without a reason (error shown), revoke (已注销, final), the list, the
//! keys page, the file download, and the import page's report and confirmation.

use reqwest::{Client, StatusCode};
use tongban_app::licences::TypeSeed;
use tongban_domain::licence::{
    FaceField, HolderKind, LicenceType, LicenceTypeCode, Recognition, Validity,
};

use crate::pages_applications::{browser, csrf, get, post};
use crate::support::{PASSWORD, TestApp, spawn_app};

pub const MARKET: &str = "511900-scjgj";
pub const HOLDER_ID: &str = "11010519491231002X";

pub fn food_code() -> LicenceTypeCode {
    LicenceTypeCode::new("11100000000013338W", 901).unwrap()
}

/// Loads one licence type, issued by the city market regulator.
pub async fn with_types(app: &TestApp) {
    let lt = LicenceType {
        code: food_code(),
        name: "食品经营许可证".into(),
        authority_name: "国家市场监督管理总局".into(),
        holder_kind: HolderKind::Person,
        issuing_department_ids: vec![MARKET.into()],
        validity: Validity::Years(5),
        face_fields: vec![
            FaceField {
                key: "KZ_JYFW".into(),
                label: "经营项目".into(),
                required: true,
            },
            FaceField {
                key: "KZ_JYCS".into(),
                label: "经营场所".into(),
                required: false,
            },
        ],
        issuing_items: vec![],
        replaces_materials: vec![],
    };
    let rec = Recognition {
        department_id: MARKET.into(),
        type_code: food_code(),
        item_code: None,
    };
    app.app
        .load_licence_catalogue(
            None,
            TypeSeed {
                types: vec![lt],
                recognitions: vec![rec],
            },
        )
        .await
        .unwrap();
}

/// Issues a licence through the form; the licence page's path.
async fn issue_by_form(app: &TestApp, approver: &Client) -> String {
    let (status, html) = get(app, approver, "/work/licences/new").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("经营项目"),
        "the single type's face fields are shown"
    );
    assert!(html.contains("必填"));
    let token = csrf(&html);
    let code = food_code().to_string();
    let mut form = vec![
        ("csrf", token.as_str()),
        ("type", code.as_str()),
        ("holder_name", "张三"),
        ("holder_code", "110105194912310021"),
        ("face_KZ_JYFW", ""),
        ("face_KZ_JYCS", "巴州区江北大道1号"),
    ];
    let (status, page) = post(app, approver, "/work/licences/new", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"face_KZ_JYFW-error\""), "{page}");
    assert!(
        page.contains("value=\"巴州区江北大道1号\""),
        "what was typed is kept"
    );
    form[4] = ("face_KZ_JYFW", "预包装食品销售");
    let (status, page) = post(app, approver, "/work/licences/new", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"holder_code-error\""), "{page}");
    form[3] = ("holder_code", HOLDER_ID);
    let (status, to) = post(app, approver, "/work/licences/new", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert!(to.starts_with("/work/licences/1.2.156.3005.2."), "{to}");
    to
}

#[tokio::test]
async fn an_approver_issues_by_form_then_suspends_only_with_a_reason_and_revokes() {
    let app = spawn_app().await;
    with_types(&app).await;
    let approver = browser(&app, "approver", PASSWORD).await;
    let to = issue_by_form(&app, &approver).await;
    let (status, html) = get(&app, &approver, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("证照已签发"));
    assert!(html.contains("预包装食品销售") && html.contains("有效"));
    assert!(html.contains("/file.json"));
    let path = to.split('?').next().unwrap().to_string();
    let id = path.trim_start_matches("/work/licences/").to_string();

    let (status, file) = get(&app, &approver, &format!("/licences/{id}/file.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(file.contains("tongban-licence/1"), "{file}");

    let token = csrf(&html);
    let state_path = format!("{path}/state");
    let form = [
        ("csrf", token.as_str()),
        ("action", "suspend"),
        ("reason", " "),
    ];
    let (status, page) = post(&app, &approver, &state_path, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"suspend-reason-error\""), "{page}");
    assert!(page.contains("请填写原因"));

    let form = [
        ("csrf", token.as_str()),
        ("action", "suspend"),
        ("reason", "经营场所核查中"),
    ];
    let (status, _) = post(&app, &approver, &state_path, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = get(&app, &approver, &path).await;
    assert!(html.contains("已暂停") && html.contains("经营场所核查中"));

    let form = [
        ("csrf", token.as_str()),
        ("action", "revoke"),
        ("reason", "申请人主动注销"),
    ];
    let (status, page) = post(&app, &approver, &state_path, &form).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "confirmation needed"
    );
    assert!(page.contains("不能恢复"));
    let form = [
        ("csrf", token.as_str()),
        ("action", "revoke"),
        ("reason", "申请人主动注销"),
        ("confirm", "yes"),
    ];
    let (status, _) = post(&app, &approver, &state_path, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = get(&app, &approver, &path).await;
    assert!(html.contains("已注销"));
    assert!(
        !html.contains("name=\"action\" value=\"reinstate\""),
        "final"
    );

    let (status, list) = get(&app, &approver, "/work/licences?state=revoked").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains("食品经营许可证") && list.contains("张*"),
        "{list}"
    );
    assert!(!list.contains(HOLDER_ID), "holder codes are masked");

    let other = browser(&app, "deptadmin-511900-gaj", PASSWORD).await;
    let (status, _) = get(&app, &other, &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let clerk = browser(&app, "clerk", PASSWORD).await;
    let (status, _) = get(&app, &clerk, "/work/licences").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_keys_page_rotates_for_the_department_admin_only() {
    let app = spawn_app().await;
    with_types(&app).await;
    let approver = browser(&app, "approver", PASSWORD).await;
    let (status, html) = get(&app, &approver, "/work/licences/keys").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("更换签名密钥</button>"));
    let admin = browser(&app, "deptadmin", PASSWORD).await;
    let (_, html) = get(&app, &admin, "/work/licences/keys").await;
    assert!(html.contains("以前签发的证照仍然有效"));
    let token = csrf(&html);
    let (status, to) = post(&app, &admin, "/work/licences/keys", &[("csrf", &token)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, html) = get(&app, &admin, &to).await;
    assert!(html.contains("已更换签名密钥"));
    let (_, home) = get(&app, &admin, "/work").await;
    assert!(
        home.contains("href=\"/work/licences\""),
        "linked from the staff chrome"
    );
}
