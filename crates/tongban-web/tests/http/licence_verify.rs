//! Public licence verification over HTTP: the `/verify` page by identifier, by the QR URL and
//! by upload (multipart with the CSRF token), the JSON API with each input and its stable
//! refusals, the published keys (JSON and the stable PEM URL), the signed status list, and the
//! 用证记录 every check leaves.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tongban_app::LoginRequest;
use tongban_app::licences::{IssueRequest, StateChange, TypeSeed};
use tongban_domain::licence::{
    FaceField, HolderKind, LicenceType, LicenceTypeCode, LicenceVerifier, Recognition, Validity,
};

use crate::support::{CITIZEN_PW, PASSWORD, TestApp, spawn_app};

const MARKET: &str = "511900-scjgj";
const BOUNDARY: &str = "tongbanVerifyBoundary42";

fn food_code() -> LicenceTypeCode {
    LicenceTypeCode::new("11100000000013338W", 901).unwrap()
}

fn food_type() -> LicenceType {
    LicenceType {
        code: food_code(),
        name: "食品经营许可证".into(),
        authority_name: "国家市场监督管理总局".into(),
        holder_kind: HolderKind::Person,
        issuing_department_ids: vec![MARKET.into()],
        validity: Validity::Years(5),
        face_fields: vec![FaceField {
            key: "KZ_JYFW".into(),
            label: "经营项目".into(),
            required: true,
        }],
        issuing_items: vec![],
        replaces_materials: vec![],
    }
}

/// An issued licence: its id, QR URL and licence file (JSON).
struct Issued {
    id: String,
    qr_url: String,
    file: String,
    holder_name: String,
}

async fn login(app: &TestApp, login: &str, password: &str) -> tongban_app::Principal {
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

async fn issue(app: &TestApp) -> Issued {
    app.app
        .load_licence_catalogue(
            None,
            TypeSeed {
                types: vec![food_type()],
                recognitions: vec![Recognition {
                    department_id: MARKET.into(),
                    type_code: food_code(),
                    item_code: None,
                }],
            },
        )
        .await
        .unwrap();
    let approver = login(app, "approver", PASSWORD).await;
    let citizen = login(app, "citizen", CITIZEN_PW).await;
    let code = app
        .app
        .store()
        .citizen_profile(citizen.account_id())
        .await
        .unwrap()
        .unwrap()
        .id_number;
    let row = app
        .app
        .issue_licence(
            &approver,
            IssueRequest {
                type_code: food_code().to_string(),
                holder_name: citizen.display_name().into(),
                holder_code: code,
                face: BTreeMap::from([("KZ_JYFW".to_string(), "预包装食品销售".to_string())]),
                valid_from: None,
                number: None,
            },
        )
        .await
        .unwrap();
    let view = app.app.licence_view(&citizen, &row.id).await.unwrap();
    let file = app.app.licence_file(&citizen, &row.id).await.unwrap();
    Issued {
        id: row.id,
        qr_url: view.qr_text,
        file: file.to_json(),
        holder_name: citizen.display_name().to_string(),
    }
}

/// The `TBL1.…` payload of a QR URL.
fn payload_of(qr_url: &str) -> String {
    qr_url.split("?p=").nth(1).unwrap().to_string()
}

/// The payload with the licence's name changed in the signed header.
fn tampered(payload: &str) -> String {
    let mut parts = payload.split('.');
    let (_, header, sig) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
    let changed = text.replace("食品经营许可证", "药品经营许可证");
    assert_ne!(text, changed);
    format!("TBL1.{}.{sig}", URL_SAFE_NO_PAD.encode(changed))
}

async fn page(app: &TestApp, path: &str) -> (StatusCode, String) {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn upload(app: &TestApp, csrf: Option<&str>, name: &str, file: &str) -> (StatusCode, String) {
    let mut body = String::new();
    if let Some(csrf) = csrf {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/json\r\n\r\n{file}\r\n--{BOUNDARY}--\r\n"
    ));
    let res = app
        .client
        .post(app.url("/verify"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn verify_count(app: &TestApp, id: &str) -> usize {
    app.app
        .store()
        .usages_of_licence(id, 1000)
        .await
        .unwrap()
        .iter()
        .filter(|u| u.operation == "verify")
        .count()
}

#[tokio::test]
async fn the_verify_page_checks_by_identifier_qr_url_and_upload_without_login() {
    let app = spawn_app().await;
    let lic = issue(&app).await;

    let (status, html) = page(&app, "/verify").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("按证照标识核验") && html.contains("enctype=\"multipart/form-data\""));

    let (status, html) = page(&app, &format!("/verify?id={}", lic.id)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("verdict-valid") && html.contains("这张证照是真的，目前有效"),
        "{html}"
    );
    assert!(html.contains("食品经营许可证") && html.contains("签名有效"));
    assert!(
        !html.contains(&lic.holder_name),
        "the holder's name is masked"
    );
    assert!(html.contains('*'));

    // What a phone opens after scanning the QR code.
    let qr_path = lic.qr_url.trim_start_matches("https://tongban.example");
    let qr_path = &qr_path[qr_path.find("/verify").unwrap()..];
    let (status, html) = page(&app, qr_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("verdict-valid"), "{html}");

    // Upload the licence file, with the anonymous visitor's CSRF token.
    let csrf = app.csrf_of("/verify").await;
    let (status, html) = upload(&app, Some(&csrf), "licence.json", &lic.file).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("verdict-valid"), "{html}");
    let (status, _) = upload(&app, None, "licence.json", &lic.file).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a POST without the token is refused"
    );

    // A tampered QR payload is shown as not genuine.
    let forged = tampered(&payload_of(&lic.qr_url));
    let (status, html) = page(&app, &format!("/verify?p={forged}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("verdict-invalid") && html.contains("伪造"),
        "{html}"
    );
    assert!(html.contains("未经证实") && html.contains("按证照标识查看平台记录"));

    // Unknown identifiers, empty and malformed input.
    let (_, html) = page(&app, "/verify?id=1.2.156.3005.2.NOSUCH").await;
    assert!(html.contains("未找到该证照"), "{html}");
    let (status, html) = page(&app, "/verify?id=+").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请输入证照标识") && html.contains("field-error"));
    let (status, html) = page(&app, "/verify?p=TBL1.abc").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("证照二维码数据不完整"), "{html}");
    let (status, html) = upload(&app, Some(&csrf), "x.txt", "hello").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("未找到证照二维码数据"), "{html}");

    // Id, QR, upload and the tampered payload (it names the same licence) were recorded.
    assert_eq!(verify_count(&app, &lic.id).await, 4);
}

#[tokio::test]
async fn the_verify_api_takes_each_input_and_refuses_bad_ones_with_stable_codes() {
    let app = spawn_app().await;
    let lic = issue(&app).await;
    let call = |body: Value| {
        let app = &app;
        async move {
            app.call("POST", "/api/v1/licences/verify", None, Some(body))
                .await
        }
    };

    let (status, v) = call(json!({ "identifier": lic.id })).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["valid"], true);
    assert_eq!(v["signature"], "genuine");
    assert_eq!(v["status"], "valid");
    assert_eq!(v["name"], "食品经营许可证");
    assert!(v["holder"].as_str().unwrap().contains('*'));
    assert!(v["valid_until"].is_string());

    let (status, v) = call(json!({ "payload": lic.qr_url })).await;
    assert_eq!((status, v["valid"].clone()), (StatusCode::OK, json!(true)));
    let (status, v) = call(json!({ "payload": payload_of(&lic.qr_url) })).await;
    assert_eq!((status, v["valid"].clone()), (StatusCode::OK, json!(true)));
    let (status, v) = call(json!({ "file_base64": STANDARD.encode(&lic.file) })).await;
    assert_eq!(
        (status, v["valid"].clone()),
        (StatusCode::OK, json!(true)),
        "{v}"
    );

    let (status, v) = call(json!({ "payload": tampered(&payload_of(&lic.qr_url)) })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (v["signature"].as_str(), v["valid"].as_bool()),
        (Some("forged"), Some(false))
    );

    let (status, v) = call(json!({ "identifier": "1.2.156.3005.2.NOSUCH" })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["signature"], "not_found");
    assert_eq!(v["status"], Value::Null);

    for (body, code) in [
        (
            json!({ "payload": "TBL1.abc" }),
            "licence.payload_malformed",
        ),
        (json!({ "payload": "hello" }), "licence.payload_missing"),
        (json!({}), "licence.input_one_of"),
        (
            json!({ "identifier": lic.id, "payload": lic.qr_url }),
            "licence.input_one_of",
        ),
        (json!({ "identifier": " " }), "licence.identifier_empty"),
        (
            json!({ "identifier": "1".repeat(201) }),
            "licence.identifier_too_long",
        ),
        (json!({ "file_base64": "***" }), "licence.file_base64"),
        (
            json!({ "file_base64": STANDARD.encode("{\"format\":\"x\"}") }),
            "licence.file_malformed",
        ),
    ] {
        let (status, e) = call(body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} → {e}");
        assert_eq!(e["error"]["code"], code, "{body} → {e}");
        assert!(!e["error"]["message"].as_str().unwrap().is_empty());
        assert_eq!(e["error"]["request_id"].as_str().unwrap().len(), 32);
    }
    // identifier, two payloads, the file and the tampered payload.
    assert_eq!(verify_count(&app, &lic.id).await, 5);
    let usage = &app
        .app
        .store()
        .usages_of_licence(&lic.id, 10)
        .await
        .unwrap()[0];
    assert_eq!(usage.actor_label, "公众核验");
}

#[tokio::test]
async fn keys_are_published_as_json_and_pem_and_the_status_list_is_signed_by_the_platform() {
    let app = spawn_app().await;
    let lic = issue(&app).await;
    let approver = login(&app, "approver", PASSWORD).await;
    app.app
        .change_licence_state(&approver, &lic.id, StateChange::Suspend, "经营场所核查中")
        .await
        .unwrap();

    let res = app
        .client
        .get(app.url("/api/v1/licences/status-list"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["cache-control"].to_str().unwrap(),
        "public, max-age=300"
    );
    let list: Value = res.json().await.unwrap();

    let (status, keys) = app.call("GET", "/api/v1/licences/keys", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let keys = keys["keys"].as_array().unwrap().clone();
    assert!(keys.iter().any(|k| k["department_id"] == MARKET));
    for k in &keys {
        let verifier = LicenceVerifier::from_pem(k["public_pem"].as_str().unwrap()).unwrap();
        assert_eq!(verifier.key_id(), k["key_id"].as_str().unwrap());
        assert!(k["created_at_ms"].is_i64() && k["department_name"].is_string());
    }
    let platform = keys
        .iter()
        .find(|k| k["key_id"] == list["key_id"])
        .expect("the status-list key is published");
    assert_eq!(platform["department_id"], "platform");
    let verifier = LicenceVerifier::from_pem(platform["public_pem"].as_str().unwrap()).unwrap();
    let signature = STANDARD
        .decode(list["signature"].as_str().unwrap())
        .unwrap();
    let text = list["list"].as_str().unwrap();
    assert!(verifier.verify(text.as_bytes(), &signature).unwrap());
    let body: Value = serde_json::from_str(text).unwrap();
    assert_eq!(body["format"], "tongban-status-list/1");
    assert!(
        body["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == lic.id.as_str() && e["state"] == "suspended")
    );

    // The stable PEM URL.
    let market = keys.iter().find(|k| k["department_id"] == MARKET).unwrap();
    let key_id = market["key_id"].as_str().unwrap();
    let res = app
        .client
        .get(app.url(&format!("/licences/keys/{key_id}.pem")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/x-pem-file");
    assert_eq!(
        res.text().await.unwrap(),
        market["public_pem"].as_str().unwrap()
    );
    for missing in [
        "/licences/keys/0000000000000000.pem",
        &format!("/licences/keys/{key_id}"),
    ] {
        let (status, _) = page(&app, missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }

    // The human page lists the keys and says how to verify.
    let (status, html) = page(&app, "/licences/keys").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(key_id) && html.contains(&format!("/licences/keys/{key_id}.pem")));
    assert!(html.contains("openssl pkeyutl -verify") && html.contains("1234567812345678"));

    // The suspension shows on the page with its reason.
    let (_, html) = page(&app, &format!("/verify?id={}", lic.id)).await;
    assert!(
        html.contains("已暂停") && html.contains("经营场所核查中"),
        "{html}"
    );
    assert!(html.contains("verdict-stop"));
}
