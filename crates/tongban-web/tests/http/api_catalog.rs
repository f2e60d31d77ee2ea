//! The catalogue through the JSON API: an item drafted, reviewed, published, found, replaced by
//! a new version; and how refusals look on the wire. The demo city has no catalogue, so items
//! are made here (through the API, or through the use cases for fixtures).

use reqwest::StatusCode;
use serde_json::{Value, json};
use tongban_app::{LoginRequest, Principal};
use tongban_domain::AdminLevel;
use tongban_domain::catalog::{
    Channel, Fees, ItemType, Material, OnlineLevel, ServiceItem, ServiceObject, Step, Theme,
    TransactionKind,
};

use crate::support::{CITIZEN_PW, PASSWORD, TestApp, spawn_app};

/// 食品经营许可 of a department, valid as it stands, with the department's county hall.
pub fn food_licence(department_id: &str) -> ServiceItem {
    let hall = format!("hall-{}", &department_id[..6]);
    ServiceItem {
        name: "食品经营许可".into(),
        aliases: vec!["开饭店".into()],
        item_type: ItemType::AdministrativeLicensing,
        basic_code: "000117028000".into(),
        implementation_code: "11511900MB0000000X-000117028000".into(),
        handling_code: String::new(),
        level: AdminLevel::County,
        department_id: department_id.into(),
        legal_basis: "《中华人民共和国食品安全法》第三十五条".into(),
        legal_limit_days: 20,
        legal_limit_note: String::new(),
        promised_limit_days: 5,
        promised_limit_note: String::new(),
        transaction_kind: TransactionKind::Promised,
        visits: 1,
        online_depth: vec![],
        online_level: OnlineLevel::Three,
        channels: vec![Channel::Window, Channel::Pc],
        fees: Fees::default(),
        conditions: vec!["具有与经营的食品品种、数量相适应的经营场所".into()],
        steps: vec![Step {
            name: "受理".into(),
            role: "window_clerk".into(),
            budget_days: 1,
        }],
        special_procedures: vec![],
        service_objects: vec![ServiceObject::Enterprise],
        themes: vec![Theme::Business],
        hall_ids: vec![hall],
        materials: vec![Material {
            name: "营业执照".into(),
            required: true,
            form: "电子".into(),
            source: "政府部门核发".into(),
            originals: 1,
            copies: 0,
            licence_type: Some("营业执照".into()),
            may_be_missing: false,
            may_be_committed: false,
            note: String::new(),
        }],
        allows_incomplete_acceptance: false,
        allows_commitment: false,
        consultation_phone: "0827-5200000".into(),
        complaint_phone: "12345".into(),
    }
}

pub fn food_licence_json(department_id: &str) -> Value {
    serde_json::to_value(food_licence(department_id)).unwrap()
}

/// Signs a demo account in through the use cases.
pub async fn principal(app: &TestApp, login: &str) -> Principal {
    app.app
        .login(LoginRequest {
            login: login.into(),
            password: PASSWORD.into(),
            client: "test".into(),
        })
        .await
        .unwrap()
        .principal
}

/// A draft item of a department, made by the city's system administrator; returns its id.
pub async fn draft_item(app: &TestApp, department_id: &str) -> String {
    let admin = principal(app, "admin").await;
    app.app
        .create_item_draft(&admin, food_licence(department_id))
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn an_item_is_drafted_reviewed_published_found_and_replaced_by_a_new_version() {
    let app = spawn_app().await;
    let author = app.token("deptadmin", PASSWORD).await;
    let admin = app.token("admin", PASSWORD).await;
    let citizen = app.token("citizen", CITIZEN_PW).await;

    let (status, created) = app
        .call(
            "POST",
            "/api/v1/items",
            Some(&author),
            Some(food_licence_json("511900-scjgj")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["version"], 1);
    let id = created["item_id"].as_str().unwrap().to_string();
    let v1 = format!("/api/v1/items/{id}/versions/1");

    let (status, submitted) = app
        .call("POST", &format!("{v1}/submit"), Some(&author), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!(submitted["status"], "in_review");
    let (status, published) = app
        .call("POST", &format!("{v1}/publish"), Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["status"], "published");

    let (status, found) = app
        .call(
            "GET",
            "/api/v1/items?text=%E5%BC%80%E9%A5%AD%E5%BA%97&type=01&theme=business",
            Some(&citizen),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["total"], 1, "开饭店 finds it by its alias");
    assert_eq!(found["items"][0]["item_id"], id.as_str());
    assert_eq!(found["items"][0]["department_name"], "巴中市市场监督管理局");
    assert_eq!(found["items"][0]["level"], 4);
    assert_eq!(found["items"][0]["online_level"], "3");

    let (status, guide) = app
        .call("GET", &format!("/api/v1/items/{id}"), Some(&citizen), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{guide}");
    assert_eq!(guide["version"], 1);
    assert_eq!(guide["item"]["materials"][0]["licence_type"], "营业执照");
    assert_eq!(guide["halls"][0]["id"], "hall-511900");

    let (status, next) = app
        .call(
            "POST",
            &format!("/api/v1/items/{id}/versions"),
            Some(&author),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{next}");
    assert_eq!(next["version"], 2);
    let v2 = format!("/api/v1/items/{id}/versions/2");
    let mut changed = food_licence_json("511900-scjgj");
    changed["name"] = json!("食品经营许可（含小餐饮）");
    let (status, edited) = app.call("PUT", &v2, Some(&author), Some(changed)).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["item"]["name"], "食品经营许可（含小餐饮）");
    assert_eq!(edited["status"], "draft");
    app.call("POST", &format!("{v2}/submit"), Some(&author), None)
        .await;
    let (status, _) = app
        .call("POST", &format!("{v2}/publish"), Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::OK);

    let (_, old) = app.call("GET", &v1, Some(&author), None).await;
    assert_eq!(old["status"], "withdrawn");
    let (_, guide) = app
        .call("GET", &format!("/api/v1/items/{id}"), Some(&citizen), None)
        .await;
    assert_eq!(guide["version"], 2);
    let (_, found) = app
        .call(
            "GET",
            "/api/v1/items?text=%E9%A3%9F%E5%93%81",
            Some(&citizen),
            None,
        )
        .await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["name"], "食品经营许可（含小餐饮）");
    assert_eq!(found["items"][0]["version"], 2);
}

#[tokio::test]
async fn refusals_name_the_field_and_a_stable_code() {
    let app = spawn_app().await;
    let author = app.token("deptadmin", PASSWORD).await;
    let id = draft_item(&app, "511900-scjgj").await;

    let mut invalid = food_licence_json("511900-scjgj");
    invalid["materials"][0]["may_be_missing"] = json!(true);
    invalid["hall_ids"] = json!(["hall-nowhere"]);
    let (status, body) = app
        .call("POST", "/api/v1/items", Some(&author), Some(invalid))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<(&str, &str)> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("materials.0.may_be_missing", "item.invalid"),
            ("hall_ids.0", "hall.unknown")
        ]
    );

    let mut wrong_code = food_licence_json("511900-scjgj");
    wrong_code["item_type"] = json!("99");
    let (status, body) = app
        .call("POST", "/api/v1/items", Some(&author), Some(wrong_code))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("未知的ItemType代码：99")
    );

    let admin = app.token("admin", PASSWORD).await;
    let v1 = format!("/api/v1/items/{id}/versions/1");
    app.call("POST", &format!("{v1}/submit"), Some(&author), None)
        .await;
    let (status, body) = app
        .call(
            "PUT",
            &v1,
            Some(&author),
            Some(food_licence_json("511900-scjgj")),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "status");
    assert_eq!(body["error"]["fields"][0]["code"], "item.not_editable");
    assert_eq!(
        body["error"]["message"],
        "审核中的事项不能修改；如需修改，请先由审核人退回"
    );
    let (status, body) = app
        .call("POST", &format!("{v1}/withdraw"), Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "item.lifecycle");
    assert_eq!(body["error"]["message"], "审核中的事项不能撤销");

    let (status, body) = app
        .call("GET", "/api/v1/items?type=99&level=9", Some(&author), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "level");
    assert_eq!(body["error"]["fields"][1]["field"], "type");
    let (status, _) = app
        .call("GET", "/api/v1/items?level=county", Some(&author), None)
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a level may be named as well as numbered"
    );

    let (status, body) = app
        .call("GET", "/api/v1/items/no-such-item", Some(&author), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["message"], "未找到该事项");
}
