//! Use-case tests of electronic licences on a fresh SQLite store with the demo city: issuing by
//! hand, viewing as holder and issuer, verifying by identifier, QR payload and file, tampering,
//! suspension and revocation, the signed status list, and key rotation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine;
use time::macros::datetime;
use tongban_app::licences::{IssueRequest, StateChange, TypeSeed, VerifyInput};
use tongban_app::{App, AppConfig, AppError, FakeClock, LoginRequest, Principal};
use tongban_demo::{CITIZEN_PASSWORD, DemoConfig, STAFF_PASSWORD};
use tongban_domain::licence::{
    FaceField, HolderKind, LicenceFile, LicenceStatus, LicenceType, LicenceTypeCode,
    LicenceVerifier, Recognition, SignedLicence, Validity,
};

const MARKET: &str = "511900-scjgj";

struct World {
    app: App,
    clock: Arc<FakeClock>,
}

async fn world_with(master: Option<[u8; 16]>) -> World {
    let dir = std::env::temp_dir().join(format!("tongban-lic-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/t.db", dir.display());
    let clock = Arc::new(FakeClock::at(datetime!(2026-03-02 02:00 UTC)));
    let store = tongban_store::Store::open(&tongban_store::StoreOptions::new(url), 0)
        .await
        .unwrap();
    let mut config = AppConfig::new(b"k".to_vec());
    config.licence_master_key = master;
    config.public_base_url = "https://tongban.example".into();
    let app = App::new(store, clock.clone(), config).await.unwrap();
    let city = tongban_demo::generate(&DemoConfig {
        seed: 1,
        citizens: 2,
        enterprises: 1,
    });
    app.seed_demo(city).await.unwrap();
    app.load_licence_catalogue(
        None,
        TypeSeed {
            types: vec![food_type()],
            recognitions: vec![recognition()],
        },
    )
    .await
    .unwrap();
    World { app, clock }
}

async fn world() -> World {
    world_with(Some([0x42; 16])).await
}

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
        replaces_materials: vec!["食品经营许可证复印件".into()],
    }
}

fn recognition() -> Recognition {
    Recognition {
        department_id: MARKET.into(),
        type_code: food_code(),
        item_code: None,
    }
}

async fn login(app: &App, login: &str, password: &str) -> Principal {
    app.login(LoginRequest {
        login: login.into(),
        password: password.into(),
        client: "t".into(),
    })
    .await
    .unwrap()
    .principal
}

async fn citizen_id(app: &App, who: &Principal) -> String {
    app.store()
        .citizen_profile(who.account_id())
        .await
        .unwrap()
        .unwrap()
        .id_number
}

fn face() -> BTreeMap<String, String> {
    BTreeMap::from([("KZ_JYFW".to_string(), "预包装食品销售".to_string())])
}

async fn issued(w: &World) -> (Principal, Principal, String) {
    let approver = login(&w.app, "approver", STAFF_PASSWORD).await;
    let citizen = login(&w.app, "citizen", CITIZEN_PASSWORD).await;
    let row = w
        .app
        .issue_licence(
            &approver,
            IssueRequest {
                type_code: food_code().to_string(),
                holder_name: citizen.display_name().into(),
                holder_code: citizen_id(&w.app, &citizen).await,
                face: face(),
                valid_from: None,
                number: None,
            },
        )
        .await
        .unwrap();
    (approver, citizen, row.id)
}

#[tokio::test]
async fn an_issued_licence_has_a_valid_identifier_and_verifies_by_identifier_payload_and_file() {
    let w = world().await;
    let (_, citizen, id) = issued(&w).await;
    let parsed = tongban_domain::licence::LicenceId::parse(&id).unwrap();
    assert_eq!(parsed.parts().type_code, food_code());
    let view = w.app.licence_view(&citizen, &id).await.unwrap();
    assert_eq!(view.status, LicenceStatus::Valid);
    assert_eq!(view.valid_until.as_deref(), Some("2031-03-01"));
    assert!(
        view.qr_text
            .starts_with("https://tongban.example/verify?p=TBL1.")
    );

    let by_id = w
        .app
        .verify_licence(VerifyInput::Identifier(id.clone()), None)
        .await
        .unwrap();
    assert!(by_id.is_valid(), "{by_id:?}");
    assert!(
        by_id.holder.contains('*'),
        "the verifier sees the name masked"
    );
    let by_qr = w
        .app
        .verify_licence(VerifyInput::Payload(view.qr_text.clone()), None)
        .await
        .unwrap();
    assert!(by_qr.is_valid());
    let file = w.app.licence_file(&citizen, &id).await.unwrap();
    let by_file = w
        .app
        .verify_licence(VerifyInput::File(file.to_json().into_bytes()), None)
        .await
        .unwrap();
    assert!(by_file.is_valid());
}

#[tokio::test]
async fn a_changed_face_or_header_byte_is_caught() {
    let w = world().await;
    let (_, citizen, id) = issued(&w).await;
    let file = w.app.licence_file(&citizen, &id).await.unwrap();
    let mut face_changed = file.clone();
    face_changed
        .face
        .insert("KZ_JYFW".into(), "药品零售".into());
    let v = w
        .app
        .verify_licence(VerifyInput::File(face_changed.to_json().into_bytes()), None)
        .await
        .unwrap();
    assert_eq!(v.signature, "face_altered");
    assert!(!v.is_valid());

    let mut signed = file.signed().unwrap();
    let n = signed.header_bytes.len();
    signed.header_bytes[n - 3] ^= 1; // inside the face digest's hex
    let forged = LicenceFile::new(&signed, &file.face);
    let v = w
        .app
        .verify_licence(VerifyInput::File(forged.to_json().into_bytes()), None)
        .await;
    match v {
        Ok(v) => assert_eq!(v.signature, "forged"),
        Err(AppError::Invalid { .. }) => {}
        Err(e) => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn suspension_and_revocation_show_in_verification_and_the_signed_status_list() {
    let w = world().await;
    let (approver, _, id) = issued(&w).await;
    let err = w
        .app
        .change_licence_state(&approver, &id, StateChange::Suspend, " ")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    w.app
        .change_licence_state(&approver, &id, StateChange::Suspend, "经营场所核查中")
        .await
        .unwrap();
    let v = w
        .app
        .verify_licence(VerifyInput::Identifier(id.clone()), None)
        .await
        .unwrap();
    assert_eq!(v.status, Some(LicenceStatus::Suspended));
    assert_eq!(v.state_reason, "经营场所核查中");
    let err = w
        .app
        .change_licence_state(&approver, &id, StateChange::Suspend, "再次")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "conflict");

    let list = w.app.status_list().await.unwrap();
    assert!(list.list.contains(&id));
    let keys = w.app.published_keys().await.unwrap();
    let platform = keys.iter().find(|k| k.key_id == list.key_id).unwrap();
    let verifier = LicenceVerifier::from_pem(&platform.public_pem).unwrap();
    let sig = base64::engine::general_purpose::STANDARD
        .decode(&list.signature)
        .unwrap();
    assert!(verifier.verify(list.list.as_bytes(), &sig).unwrap());

    w.app
        .change_licence_state(&approver, &id, StateChange::Revoke, "申请人主动注销")
        .await
        .unwrap();
    let v = w
        .app
        .verify_licence(VerifyInput::Identifier(id.clone()), None)
        .await
        .unwrap();
    assert_eq!(v.status, Some(LicenceStatus::Revoked));
    let err = w
        .app
        .change_licence_state(&approver, &id, StateChange::Reinstate, "恢复")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
}

#[tokio::test]
async fn expiry_follows_the_clock() {
    let w = world().await;
    let (_, citizen, id) = issued(&w).await;
    w.clock.set(datetime!(2031-03-02 02:00 UTC));
    assert_eq!(
        w.app.licence_view(&citizen, &id).await.unwrap().status,
        LicenceStatus::Expired
    );
}

#[tokio::test]
async fn after_rotation_old_licences_still_verify_and_new_ones_use_the_new_key() {
    let w = world().await;
    let (approver, citizen, old) = issued(&w).await;
    let old_key = w.app.licence_view(&citizen, &old).await.unwrap().key_id;
    let admin = login(&w.app, &format!("deptadmin-{MARKET}"), STAFF_PASSWORD).await;
    let fresh = w.app.rotate_signing_key(&admin, MARKET).await.unwrap();
    assert_ne!(fresh.key_id, old_key);
    let other_admin = login(&w.app, "deptadmin-511900-gaj", STAFF_PASSWORD).await;
    assert!(matches!(
        w.app.rotate_signing_key(&other_admin, MARKET).await,
        Err(AppError::Forbidden)
    ));
    assert!(
        w.app
            .verify_licence(VerifyInput::Identifier(old.clone()), None)
            .await
            .unwrap()
            .is_valid()
    );
    let (_, _, new) = issued(&w).await;
    assert_eq!(
        w.app.licence_view(&citizen, &new).await.unwrap().key_id,
        fresh.key_id
    );
    let keys = w.app.published_keys().await.unwrap();
    assert!(
        keys.iter()
            .any(|k| k.key_id == old_key && k.retired_at_ms.is_some())
    );
    let _ = approver;
}

#[tokio::test]
async fn only_holders_and_the_issuer_see_a_licence_and_staff_reads_are_recorded() {
    let w = world().await;
    let (approver, _, id) = issued(&w).await;
    let other = login(&w.app, "c00001", CITIZEN_PASSWORD).await;
    assert!(matches!(
        w.app.licence_view(&other, &id).await,
        Err(AppError::Forbidden)
    ));
    let clerk = login(&w.app, "clerk", STAFF_PASSWORD).await;
    assert!(matches!(
        w.app.licence_view(&clerk, &id).await,
        Err(AppError::Forbidden)
    ));
    w.app.licence_view(&approver, &id).await.unwrap();
    let events = w.app.store().events_after(0, 10_000).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "licence.viewed" && e.entity_id == id)
    );
    assert!(
        events
            .iter()
            .any(|e| e.action == "licence.issued" && e.entity_id == id)
    );
}

#[tokio::test]
async fn without_a_master_key_nothing_is_signed() {
    let w = world_with(None).await;
    let approver = login(&w.app, "approver", STAFF_PASSWORD).await;
    let err = w
        .app
        .issue_licence(
            &approver,
            IssueRequest {
                type_code: food_code().to_string(),
                holder_name: "张三".into(),
                holder_code: "11010519491231002X".into(),
                face: face(),
                valid_from: None,
                number: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
}

#[tokio::test]
async fn a_wrong_holder_code_or_missing_face_field_is_refused_by_field() {
    let w = world().await;
    let approver = login(&w.app, "approver", STAFF_PASSWORD).await;
    let mut req = IssueRequest {
        type_code: food_code().to_string(),
        holder_name: "张三".into(),
        holder_code: "110105194912310021".into(),
        face: face(),
        valid_from: None,
        number: None,
    };
    let AppError::Invalid { fields, .. } = w
        .app
        .issue_licence(&approver, req.clone())
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(fields[0].field, "holder_code");
    req.holder_code = "11010519491231002X".into();
    req.face.clear();
    let AppError::Invalid { fields, .. } = w.app.issue_licence(&approver, req).await.unwrap_err()
    else {
        panic!()
    };
    assert_eq!(fields[0].field, "face");
    let _ = SignedLicence::from_qr("TBL1.x.y");
}

/// A published market item with review and decision steps, and its required materials.
async fn market_item(app: &App) -> (String, String, Vec<String>) {
    let (hits, _) = app
        .search_items(&tongban_app::CatalogQuery {
            department_id: Some(MARKET.into()),
            per_page: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    for hit in hits {
        let view = app.published_item(&hit.item_id).await.unwrap();
        let item = &view.item;
        if item.promised_limit_days >= 5 && !item.allows_commitment {
            let required = item
                .materials
                .iter()
                .filter(|m| m.required)
                .map(|m| m.name.clone())
                .collect();
            return (hit.item_id.clone(), item.basic_code.clone(), required);
        }
    }
    panic!("no suitable market item");
}

#[tokio::test]
async fn approving_a_case_of_an_issuing_item_issues_the_applicants_licence_in_the_same_step() {
    use tongban_app::applications::StartRequest;
    use tongban_domain::application::{AcceptanceMode, Command, Status};
    let w = world().await;
    let dir = std::env::temp_dir().join(format!("tongban-lic-up-{}", uuid::Uuid::new_v4()));
    let app = w.app.clone().with_uploads(dir).unwrap();
    let city = tongban_demo::generate(&DemoConfig {
        seed: 1,
        citizens: 2,
        enterprises: 1,
    });
    app.seed_catalog(tongban_demo::catalog_items(&city))
        .await
        .unwrap();
    let (item_id, basic_code, required) = market_item(&app).await;
    let mut issuing = food_type();
    issuing.issuing_items = vec![basic_code];
    app.load_licence_catalogue(
        None,
        TypeSeed {
            types: vec![issuing],
            recognitions: vec![recognition()],
        },
    )
    .await
    .unwrap();

    let citizen = login(&app, "citizen", CITIZEN_PASSWORD).await;
    let case = app
        .start_application(
            &citizen,
            StartRequest {
                item_id,
                channel: "pc".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for m in &required {
        app.attach_upload(
            &citizen,
            &case.id,
            None,
            m,
            "scan.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0".to_vec(),
        )
        .await
        .unwrap();
    }
    app.act_on_application(&citizen, &case.id, None, Command::Submit)
        .await
        .unwrap();
    let clerk = login(&app, "clerk", STAFF_PASSWORD).await;
    app.act_on_application(
        &clerk,
        &case.id,
        None,
        Command::Accept {
            mode: AcceptanceMode::Normal,
            missing: vec![],
            deadline: None,
        },
    )
    .await
    .unwrap();
    let reviewer = login(&app, "reviewer", STAFF_PASSWORD).await;
    app.act_on_application(
        &reviewer,
        &case.id,
        None,
        Command::Approve {
            opinion: "同意".into(),
        },
    )
    .await
    .unwrap();
    assert!(
        app.store()
            .licences_of_application(&case.id)
            .await
            .unwrap()
            .is_empty(),
        "nothing before the decision"
    );
    let approver = login(&app, "approver", STAFF_PASSWORD).await;
    let decided = app
        .act_on_application(
            &approver,
            &case.id,
            None,
            Command::Approve {
                opinion: "同意".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(decided.status, Status::Decided);

    let issued = app.store().licences_of_application(&case.id).await.unwrap();
    assert_eq!(issued.len(), 1);
    let licence = &issued[0];
    assert_eq!(licence.source, "application");
    assert_eq!(licence.holder_code, citizen_id(&app, &citizen).await);
    assert!(
        app.verify_licence(VerifyInput::Identifier(licence.id.clone()), None)
            .await
            .unwrap()
            .is_valid()
    );
    let wallet = app.my_licences(&citizen).await.unwrap();
    assert!(
        wallet.iter().any(|l| l.id == licence.id),
        "it is in the applicant's wallet"
    );
    let events = app.store().events_after(0, 100_000).await.unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "licence.issued" && e.entity_id == licence.id)
            .count(),
        1
    );
}

#[tokio::test]
async fn a_department_query_needs_a_cause_and_a_listed_type_and_every_attempt_is_in_the_holders_record()
 {
    use tongban_app::applications::StartRequest;
    use tongban_app::licences::LicenceQuery;
    let w = world().await;
    let city = tongban_demo::generate(&DemoConfig {
        seed: 1,
        citizens: 2,
        enterprises: 1,
    });
    w.app
        .seed_catalog(tongban_demo::catalog_items(&city))
        .await
        .unwrap();
    let mut unlisted = food_type();
    unlisted.code = LicenceTypeCode::new("11100000000013338W", 902).unwrap();
    unlisted.name = "药品经营许可证".into();
    w.app
        .load_licence_catalogue(
            None,
            TypeSeed {
                types: vec![food_type(), unlisted.clone()],
                recognitions: vec![recognition()],
            },
        )
        .await
        .unwrap();
    let (_, citizen, id) = issued(&w).await;
    let (item_id, _, _) = market_item(&w.app).await;
    let case = w
        .app
        .start_application(
            &citizen,
            StartRequest {
                item_id,
                channel: "pc".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let reviewer = login(&w.app, "reviewer", STAFF_PASSWORD).await;
    let query = |cause: &str, type_code: Option<String>| LicenceQuery {
        application_id: case.id.clone(),
        cause: cause.into(),
        type_code,
    };

    let AppError::Invalid { fields, .. } = w
        .app
        .query_case_licences(&reviewer, &query("  ", None))
        .await
        .unwrap_err()
    else {
        panic!("a query without a cause is refused")
    };
    assert_eq!(fields[0].code, "licence.cause_required");
    let AppError::Invalid { fields, .. } = w
        .app
        .query_case_licences(
            &reviewer,
            &query("核验经营资格", Some(unlisted.code.to_string())),
        )
        .await
        .unwrap_err()
    else {
        panic!("a type outside the list is refused")
    };
    assert_eq!(fields[0].code, "licence.not_recognised");
    let found = w
        .app
        .query_case_licences(&reviewer, &query("核验经营资格", None))
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        vec![id.as_str()]
    );

    let record = w.app.my_licence_usages(&citizen).await.unwrap();
    let results: Vec<&str> = record
        .iter()
        .filter(|u| u.operation == "query")
        .map(|u| u.result.as_str())
        .collect();
    assert_eq!(results.len(), 3, "{results:?}");
    for expected in ["cause_missing", "not_recognised", "ok"] {
        assert!(results.contains(&expected), "{expected} in {results:?}");
    }
    assert!(
        record
            .iter()
            .any(|u| u.cause == "核验经营资格" && u.actor_label.contains("市场监督管理局"))
    );
}
