//! Use-case tests of the service-item catalogue on a fresh SQLite store with the demo city: who
//! may draft, edit, submit, publish, return and withdraw; what the life cycle allows; what
//! search returns; and that every change leaves its event.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use time::macros::datetime;
use tongban_app::{
    App, AppConfig, AppError, CatalogQuery, FakeClock, LoginRequest, OrgUnit, Principal,
};
use tongban_demo::{DemoConfig, STAFF_PASSWORD};
use tongban_domain::catalog::{
    Channel, Fees, ItemStatus, ItemType, Material, OnlineLevel, ServiceItem, ServiceObject, Step,
    Theme, TransactionKind,
};
use tongban_domain::{AdminLevel, DivisionCode, Role};
use tongban_store::{Store, StoreOptions};

const CITY_MARKET: &str = "511900-scjgj";
const ENYANG_MARKET: &str = "511903-scjgj";

async fn app() -> App {
    let dir = std::env::temp_dir().join(format!("tongban-catalog-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/t.db", dir.display());
    let clock = Arc::new(FakeClock::at(datetime!(2026-11-25 02:00 UTC)));
    let store = Store::open(&StoreOptions::new(url), 0).await.unwrap();
    let app = App::new(store, clock, AppConfig::new(b"k".to_vec()))
        .await
        .unwrap();
    app.seed_demo(tongban_demo::generate(&DemoConfig {
        seed: 1,
        citizens: 1,
        enterprises: 1,
    }))
    .await
    .unwrap();
    app
}

async fn login(app: &App, login: &str) -> Principal {
    app.login(LoginRequest {
        login: login.into(),
        password: STAFF_PASSWORD.into(),
        client: "test".into(),
    })
    .await
    .unwrap()
    .principal
}

/// A system administrator of one county (巴州区 is 511902, 恩阳区 511903).
fn county_admin(code: &str) -> Principal {
    Principal::Staff {
        account_id: format!("staff-admin-{code}"),
        login: format!("admin-{code}"),
        name: "区县管理员".into(),
        role: Role::SystemAdmin,
        unit: OrgUnit::Division {
            code: DivisionCode::parse(code).unwrap(),
        },
    }
}

fn citizen() -> Principal {
    Principal::Citizen {
        account_id: "citizen-x".into(),
        login: "x".into(),
        name: "王小明".into(),
    }
}

/// 食品经营许可 of a department, valid as it stands.
fn food_licence(department_id: &str) -> ServiceItem {
    ServiceItem {
        name: "食品经营许可".into(),
        aliases: vec!["开饭店".into()],
        item_type: ItemType::AdministrativeLicensing,
        basic_code: "000117028000".into(),
        implementation_code: "11511900MB0000000X-000117028000".into(),
        handling_code: String::new(),
        level: AdminLevel::City,
        department_id: department_id.into(),
        legal_basis: "《中华人民共和国食品安全法》第三十五条".into(),
        legal_limit_days: 20,
        legal_limit_note: String::new(),
        promised_limit_days: 5,
        promised_limit_note: String::new(),
        transaction_kind: TransactionKind::Promised,
        visits: 0,
        online_depth: vec![],
        online_level: OnlineLevel::Four,
        channels: vec![Channel::Window, Channel::Pc],
        fees: Fees::default(),
        conditions: vec!["具有与经营的食品品种、数量相适应的经营场所".into()],
        steps: vec![
            Step {
                name: "受理".into(),
                role: "window_clerk".into(),
                budget_days: 1,
            },
            Step {
                name: "审查".into(),
                role: "reviewer".into(),
                budget_days: 3,
            },
        ],
        special_procedures: vec![],
        service_objects: vec![ServiceObject::Enterprise],
        themes: vec![Theme::Business],
        hall_ids: vec!["hall-511900".into()],
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

fn query(text: &str) -> CatalogQuery {
    CatalogQuery {
        text: text.into(),
        ..CatalogQuery::default()
    }
}

/// The field errors of an `Invalid`, as (field, code).
fn fields_of(err: AppError) -> Vec<(String, String)> {
    match err {
        AppError::Invalid { fields, .. } => fields
            .into_iter()
            .map(|f| (f.field.to_string(), f.code.to_string()))
            .collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

/// The actions of the events about one item, oldest first.
async fn item_events(app: &App, item_id: &str) -> Vec<(String, i64)> {
    app.store()
        .events_after(0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.entity_type == "item" && e.entity_id == item_id)
        .map(|e| {
            let payload: serde_json::Value = serde_json::from_str(&e.payload).unwrap();
            (e.action, payload["version"].as_i64().unwrap())
        })
        .collect()
}

/// Drafts, submits and publishes an item of the city market regulator.
async fn published_item(app: &App, item: ServiceItem) -> String {
    let author = login(app, "deptadmin").await;
    let admin = login(app, "admin").await;
    let (id, version) = app.create_item_draft(&author, item).await.unwrap();
    app.submit_item(&author, &id, version).await.unwrap();
    app.publish_item(&admin, &id, version).await.unwrap();
    id
}

#[tokio::test]
async fn a_department_admin_drafts_an_item_and_a_system_admin_publishes_it_into_search() {
    let app = app().await;
    let author = login(&app, "deptadmin").await;
    let admin = login(&app, "admin").await;
    let (id, version) = app
        .create_item_draft(&author, food_licence(CITY_MARKET))
        .await
        .unwrap();
    assert_eq!(version, 1);
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 7);
    assert_eq!(app.search_items(&query("食品")).await.unwrap().1, 0);
    assert!(matches!(
        app.published_item(&id).await.unwrap_err(),
        AppError::NotFound(_)
    ));

    app.submit_item(&author, &id, 1).await.unwrap();
    let in_review = app.item_version(&author, &id, 1).await.unwrap();
    assert_eq!(in_review.status, ItemStatus::InReview);
    assert_eq!(app.search_items(&query("食品")).await.unwrap().1, 0);

    app.publish_item(&admin, &id, 1).await.unwrap();
    let (found, total) = app.search_items(&query("开饭店")).await.unwrap();
    assert_eq!(total, 1);
    let hit = &found[0];
    assert_eq!(
        (hit.item_id.as_str(), hit.version, hit.status),
        (id.as_str(), 1, ItemStatus::Published)
    );
    assert_eq!(hit.name, "食品经营许可");
    assert_eq!(hit.department_name, "巴中市市场监督管理局");
    assert_eq!(
        (hit.promised_limit_days, hit.legal_limit_days, hit.visits),
        (5, 20, 0)
    );
    assert_eq!(hit.online_level, OnlineLevel::Four);

    let view = app.published_item(&id).await.unwrap();
    assert_eq!(view.item, food_licence(CITY_MARKET));
    assert_eq!(view.department.id, CITY_MARKET);
    assert_eq!(
        view.halls.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        ["hall-511900"]
    );
    assert_eq!(view.published_at_ms, Some(1_795_572_000_000));
    assert_eq!(
        item_events(&app, &id).await,
        [
            ("item.drafted".into(), 1),
            ("item.submitted".into(), 1),
            ("item.published".into(), 1)
        ]
    );
}

#[tokio::test]
async fn publishing_a_new_version_withdraws_the_one_it_replaces() {
    let app = app().await;
    let author = login(&app, "deptadmin").await;
    let admin = login(&app, "admin").await;
    let id = published_item(&app, food_licence(CITY_MARKET)).await;

    let version = app.new_item_version(&author, &id).await.unwrap();
    assert_eq!(version, 2);
    let copy = app.item_version(&author, &id, 2).await.unwrap();
    assert_eq!(copy.status, ItemStatus::Draft);
    assert_eq!(copy.item, food_licence(CITY_MARKET), "a copy of version 1");

    let mut changed = food_licence(CITY_MARKET);
    changed.name = "食品经营许可（含小餐饮）".into();
    changed.promised_limit_days = 4;
    app.update_item_draft(&author, &id, 2, changed.clone())
        .await
        .unwrap();
    assert_eq!(
        app.published_item(&id).await.unwrap().version,
        1,
        "until it is published, citizens see version 1"
    );
    app.submit_item(&author, &id, 2).await.unwrap();
    app.publish_item(&admin, &id, 2).await.unwrap();

    let now = app.published_item(&id).await.unwrap();
    assert_eq!(
        (now.version, now.item.name.as_str()),
        (2, "食品经营许可（含小餐饮）")
    );
    let old = app.item_version(&admin, &id, 1).await.unwrap();
    assert_eq!(old.status, ItemStatus::Withdrawn);
    let (found, total) = app.search_items(&query("食品经营许可")).await.unwrap();
    assert_eq!(total, 1, "one item, one line");
    assert_eq!((found[0].version, found[0].promised_limit_days), (2, 4));
    assert_eq!(
        item_events(&app, &id).await[3..],
        [
            ("item.drafted".into(), 2),
            ("item.updated".into(), 2),
            ("item.submitted".into(), 2),
            ("item.withdrawn".into(), 1),
            ("item.published".into(), 2),
        ]
    );
}

#[tokio::test]
async fn only_a_draft_can_be_edited_and_the_refusal_says_why() {
    let app = app().await;
    let author = login(&app, "deptadmin").await;
    let admin = login(&app, "admin").await;
    let (id, _) = app
        .create_item_draft(&author, food_licence(CITY_MARKET))
        .await
        .unwrap();
    app.submit_item(&author, &id, 1).await.unwrap();
    let err = app
        .update_item_draft(&author, &id, 1, food_licence(CITY_MARKET))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "审核中的事项不能修改；如需修改，请先由审核人退回"
    );
    assert_eq!(
        fields_of(err),
        [("status".into(), "item.not_editable".into())]
    );

    app.return_item(&admin, &id, 1).await.unwrap();
    let mut fixed = food_licence(CITY_MARKET);
    fixed.legal_basis = "《中华人民共和国食品安全法》第三十五条、《食品经营许可管理办法》".into();
    app.update_item_draft(&author, &id, 1, fixed.clone())
        .await
        .unwrap();
    assert_eq!(app.item_version(&author, &id, 1).await.unwrap().item, fixed);

    app.submit_item(&author, &id, 1).await.unwrap();
    app.publish_item(&admin, &id, 1).await.unwrap();
    let err = app
        .update_item_draft(&author, &id, 1, food_licence(CITY_MARKET))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "已发布的事项不能修改；如需变更，请新建版本"
    );
    assert_eq!(
        fields_of(err),
        [("status".into(), "item.not_editable".into())]
    );
}

#[tokio::test]
async fn a_step_the_life_cycle_does_not_allow_is_refused_in_chinese() {
    let app = app().await;
    let author = login(&app, "deptadmin").await;
    let admin = login(&app, "admin").await;
    let (id, _) = app
        .create_item_draft(&author, food_licence(CITY_MARKET))
        .await
        .unwrap();
    let err = app.publish_item(&admin, &id, 1).await.unwrap_err();
    assert_eq!(err.to_string(), "草稿的事项不能发布");
    assert_eq!(fields_of(err), [("status".into(), "item.lifecycle".into())]);
    let err = app.withdraw_item(&admin, &id, 1).await.unwrap_err();
    assert_eq!(err.to_string(), "草稿的事项不能撤销");

    let err = app.new_item_version(&author, &id).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "第 1 版尚在草稿，请直接修改该版本，不必新建版本"
    );
    assert_eq!(
        fields_of(err),
        [("status".into(), "item.open_version".into())]
    );

    assert!(matches!(
        app.submit_item(&author, &id, 9).await.unwrap_err(),
        AppError::NotFound("该事项版本")
    ));
    assert_eq!(
        item_events(&app, &id).await,
        [("item.drafted".into(), 1)],
        "refused steps leave no event"
    );
}

#[tokio::test]
async fn withdrawing_takes_an_item_out_of_the_catalogue() {
    let app = app().await;
    let admin = login(&app, "admin").await;
    let id = published_item(&app, food_licence(CITY_MARKET)).await;
    app.withdraw_item(&admin, &id, 1).await.unwrap();
    assert_eq!(app.search_items(&query("食品")).await.unwrap().1, 0);
    assert!(matches!(
        app.published_item(&id).await.unwrap_err(),
        AppError::NotFound("该事项")
    ));
    let author = login(&app, "deptadmin").await;
    assert_eq!(
        app.new_item_version(&author, &id).await.unwrap(),
        2,
        "a withdrawn item can come back as a new version"
    );
}

#[tokio::test]
async fn an_invalid_item_is_refused_with_every_problem_named_by_its_field() {
    let app = app().await;
    let author = login(&app, "deptadmin").await;
    let mut item = food_licence(CITY_MARKET);
    item.materials[0].may_be_missing = true;
    item.hall_ids = vec!["hall-511900".into(), "hall-nowhere".into()];
    item.promised_limit_days = 30;
    let err = app.create_item_draft(&author, item).await.unwrap_err();
    assert_eq!(err.to_string(), "有 3 处填写有误，请修改后重新提交");
    assert_eq!(
        fields_of(err),
        [
            ("promised_limit_days".into(), "item.invalid".into()),
            ("materials.0.may_be_missing".into(), "item.invalid".into()),
            ("hall_ids.1".into(), "hall.unknown".into()),
        ]
    );

    let admin = login(&app, "admin").await;
    let err = app
        .create_item_draft(&admin, food_licence("511900-nosuch"))
        .await
        .unwrap_err();
    assert_eq!(
        fields_of(err),
        [("department_id".into(), "department.unknown".into())]
    );
    assert!(
        app.store()
            .count_items_by_status()
            .await
            .unwrap()
            .is_empty(),
        "nothing was saved"
    );
}

#[tokio::test]
async fn department_admins_author_their_own_items_and_system_admins_in_scope_review_them() {
    let app = app().await;
    let clerk = login(&app, "clerk").await;
    let city_dept_admin = login(&app, "deptadmin").await;
    let bazhou_admin = county_admin("511902000000");
    let enyang_admin = county_admin("511903000000");
    let enyang_item = food_licence(ENYANG_MARKET);

    for (who, why) in [
        (&clerk, "a window clerk"),
        (&citizen(), "a citizen"),
        (&city_dept_admin, "another department's administrator"),
        (&bazhou_admin, "a county administrator of another county"),
    ] {
        let err = app
            .create_item_draft(who, enyang_item.clone())
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden), "{why}: {err:?}");
    }
    let (id, _) = app
        .create_item_draft(&enyang_admin, enyang_item.clone())
        .await
        .unwrap();
    for who in [&city_dept_admin, &bazhou_admin] {
        assert!(matches!(
            app.update_item_draft(who, &id, 1, enyang_item.clone())
                .await
                .unwrap_err(),
            AppError::Forbidden
        ));
        assert!(matches!(
            app.submit_item(who, &id, 1).await.unwrap_err(),
            AppError::Forbidden
        ));
    }
    app.submit_item(&enyang_admin, &id, 1).await.unwrap();
    assert!(matches!(
        app.publish_item(&bazhou_admin, &id, 1).await.unwrap_err(),
        AppError::Forbidden
    ));
    app.publish_item(&enyang_admin, &id, 1).await.unwrap();

    // A department's own administrator authors, but does not publish.
    let (own, _) = app
        .create_item_draft(&city_dept_admin, food_licence(CITY_MARKET))
        .await
        .unwrap();
    app.submit_item(&city_dept_admin, &own, 1).await.unwrap();
    for step in ["publish", "return"] {
        let refused = match step {
            "publish" => app.publish_item(&city_dept_admin, &own, 1).await,
            _ => app.return_item(&city_dept_admin, &own, 1).await,
        };
        assert!(
            matches!(refused.unwrap_err(), AppError::Forbidden),
            "{step}"
        );
    }
    assert!(matches!(
        app.publish_item(&enyang_admin, &own, 1).await.unwrap_err(),
        AppError::Forbidden
    ));
    // Nor may an author hand an item to a department outside their authority.
    let mut moved = food_licence(ENYANG_MARKET);
    moved.name = "食品经营许可（恩阳）".into();
    let (draft, _) = app
        .create_item_draft(&city_dept_admin, food_licence(CITY_MARKET))
        .await
        .unwrap();
    assert!(matches!(
        app.update_item_draft(&city_dept_admin, &draft, 1, moved)
            .await
            .unwrap_err(),
        AppError::Forbidden
    ));

    // Any member of staff may read a draft; a citizen may not.
    assert!(app.item_version(&clerk, &own, 1).await.is_ok());
    assert!(matches!(
        app.item_version(&citizen(), &own, 1).await.unwrap_err(),
        AppError::Forbidden
    ));
}

#[tokio::test]
async fn search_filters_pages_and_refuses_an_overlong_text() {
    let app = app().await;
    let mut items = Vec::new();
    for i in 0..25 {
        let mut item = food_licence(CITY_MARKET);
        item.name = format!("食品经营许可{i:02}");
        items.push(item);
    }
    let mut birth = food_licence("511900-wjw");
    birth.name = "出生医学证明".into();
    birth.item_type = ItemType::PublicService;
    birth.themes = vec![Theme::Birth];
    birth.hall_ids = vec![];
    items.push(birth);
    assert_eq!(app.seed_catalog(items).await.unwrap(), 26);

    let (page, total) = app.search_items(&query("食品")).await.unwrap();
    assert_eq!((page.len(), total), (20, 25), "20 a page by default");
    let (page, _) = app
        .search_items(&CatalogQuery {
            page: 2,
            ..query("食品")
        })
        .await
        .unwrap();
    assert_eq!(page.len(), 5);
    assert_eq!(page[0].name, "食品经营许可20");
    let (page, _) = app
        .search_items(&CatalogQuery {
            page: -3,
            per_page: 1_000,
            ..query("")
        })
        .await
        .unwrap();
    assert_eq!(page.len(), 26, "page 1, at most 100 a page");

    let by_theme = CatalogQuery {
        theme: Some(Theme::Birth),
        ..query("")
    };
    let (found, _) = app.search_items(&by_theme).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].item_type, ItemType::PublicService);
    let by_department = CatalogQuery {
        department_id: Some("511900-wjw".into()),
        item_type: Some(ItemType::AdministrativeLicensing),
        ..query("")
    };
    assert_eq!(app.search_items(&by_department).await.unwrap().1, 0);
    let (found, _) = app.search_items(&query("出生")).await.unwrap();
    assert_eq!(found[0].name, "出生医学证明");

    let err = app
        .search_items(&query(&"证".repeat(51)))
        .await
        .unwrap_err();
    assert_eq!(fields_of(err), [("text".into(), "too_long".into())]);
}

#[tokio::test]
async fn a_catalogue_is_seeded_once_and_a_bad_seed_writes_nothing() {
    let app = app().await;
    let mut bad = food_licence(CITY_MARKET);
    bad.name = "坏事项".into();
    bad.channels.clear();
    let err = app
        .seed_catalog(vec![food_licence(CITY_MARKET), bad])
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("第 2 个事项“坏事项”有误：请至少选择一种办理渠道"),
        "{err}"
    );
    assert!(
        app.store()
            .count_items_by_status()
            .await
            .unwrap()
            .is_empty()
    );

    let items: Vec<ServiceItem> = (0..450)
        .map(|i| {
            let mut item = food_licence(CITY_MARKET);
            item.name = format!("演示事项{i}");
            item
        })
        .collect();
    assert_eq!(app.seed_catalog(items.clone()).await.unwrap(), 450);
    assert_eq!(
        app.store().count_items_by_status().await.unwrap(),
        vec![("published".into(), 450)]
    );
    assert_eq!(app.search_items(&query("演示事项")).await.unwrap().1, 450);
    assert_eq!(
        app.seed_catalog(items).await.unwrap(),
        0,
        "only into an empty catalogue"
    );
    let published_events = app
        .store()
        .events_after(0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "item.published")
        .count();
    assert_eq!(published_events, 450, "one event per item");
}
