//! Stories about the service-item catalogue: versions, the search index of published versions,
//! ranking, filters, and the migration that made them (with its per-engine text).

use tongban_domain::AdminLevel;
use tongban_domain::catalog::{
    Channel, Fees, ItemStatus, ItemType, Material, OnlineLevel, ServiceItem, ServiceObject, Step,
    Theme, TransactionKind,
};
use tongban_store::{
    DepartmentRow, ItemSearch, ItemVersionRow, Store, StoreError, StoreOptions, WriteCtx,
};

use crate::contract;
use crate::engines::{NOW_MS, TestDb};
use crate::stories_org::{event, seed_small_tree};

const MARKET: &str = "511900-scjgj";
const HEALTH: &str = "511900-wjw";

fn material(name: &str) -> Material {
    Material {
        name: name.into(),
        required: true,
        form: "纸质".into(),
        source: "申请人自备".into(),
        originals: 1,
        copies: 0,
        licence_type: None,
        may_be_missing: false,
        may_be_committed: false,
        note: String::new(),
    }
}

/// An item of the city market regulator with the given name, aliases and materials.
pub fn item(name: &str, aliases: &[&str], materials: &[&str]) -> ServiceItem {
    ServiceItem {
        name: name.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        item_type: ItemType::AdministrativeLicensing,
        basic_code: "000117028000".into(),
        implementation_code: "11511900MB1234567X-000117028000".into(),
        handling_code: String::new(),
        level: AdminLevel::City,
        department_id: MARKET.into(),
        legal_basis: "《中华人民共和国行政许可法》".into(),
        legal_limit_days: 20,
        legal_limit_note: String::new(),
        promised_limit_days: 5,
        promised_limit_note: String::new(),
        transaction_kind: TransactionKind::Promised,
        visits: 1,
        online_depth: vec![],
        online_level: OnlineLevel::Three,
        channels: vec![Channel::Window],
        fees: Fees::default(),
        conditions: vec![],
        steps: vec![Step {
            name: "受理".into(),
            role: "window_clerk".into(),
            budget_days: 1,
        }],
        special_procedures: vec![],
        service_objects: vec![ServiceObject::Enterprise],
        themes: vec![],
        hall_ids: vec![],
        materials: materials.iter().map(|m| material(m)).collect(),
        allows_incomplete_acceptance: false,
        allows_commitment: false,
        consultation_phone: "0827-5200000".into(),
        complaint_phone: "12345".into(),
    }
}

fn row(item_id: &str, version: i64, status: ItemStatus, item: &ServiceItem) -> ItemVersionRow {
    let published = (status == ItemStatus::Published).then_some(NOW_MS);
    ItemVersionRow::new(item_id, version, status, item, NOW_MS, published).unwrap()
}

/// Writes versions in one unit, with an event, as use cases do.
async fn put(store: &Store, rows: Vec<ItemVersionRow>) -> Result<(), StoreError> {
    store
        .write(move |ctx: &mut WriteCtx| {
            Box::pin(async move {
                for row in &rows {
                    ctx.insert_item_version(row).await?;
                    ctx.append_event(event("item.drafted", &row.item_id))
                        .await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
}

async fn move_status(
    store: &Store,
    item_id: &str,
    version: i64,
    from: ItemStatus,
    to: ItemStatus,
) -> Result<(), StoreError> {
    let item_id = item_id.to_string();
    store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.set_item_status(&item_id, version, from, to, NOW_MS + 1)
                    .await?;
                ctx.append_event(event("item.status", &item_id)).await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
}

async fn seed_health_department(store: &Store) {
    store
        .write(|ctx| {
            Box::pin(async move {
                ctx.insert_department(&DepartmentRow {
                    id: HEALTH.into(),
                    name: "巴中市卫生健康委员会".into(),
                    short_name: "市卫健委".into(),
                    uscc: "11511900MB7654321X".into(),
                    division_code: "511900000000".into(),
                    parent_id: None,
                })
                .await
            })
        })
        .await
        .unwrap();
}

fn search(text: &str) -> ItemSearch {
    ItemSearch {
        text: text.into(),
        limit: 20,
        ..ItemSearch::default()
    }
}

async fn names_found(store: &Store, query: &ItemSearch) -> Vec<String> {
    let (hits, _) = store.search_items(query).await.unwrap();
    hits.into_iter().map(|h| h.name).collect()
}

async fn a_version_reads_back_as_it_was_written_and_only_a_draft_can_be_rewritten(db: &TestDb) {
    seed_small_tree(&db.store).await;
    let mut food = item("食品经营许可", &["开饭店"], &["营业执照"]);
    food.themes = vec![Theme::Business, Theme::Work];
    let written = row("item-1", 1, ItemStatus::Draft, &food);
    put(&db.store, vec![written.clone()]).await.unwrap();

    let read = db.store.item_version("item-1", 1).await.unwrap().unwrap();
    assert_eq!(read, written);
    assert_eq!(read.item().unwrap(), food);
    assert_eq!(read.item_status().unwrap(), ItemStatus::Draft);
    assert_eq!(read.themes, ",business,work,");
    assert_eq!(read.level, 3);
    assert_eq!(read.online_level, "3");
    assert!(
        db.store
            .published_version("item-1")
            .await
            .unwrap()
            .is_none()
    );
    assert!(db.store.item_version("item-1", 2).await.unwrap().is_none());

    food.name = "食品经营许可（仅销售预包装食品）".into();
    let renamed = food.clone();
    db.store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.update_draft_body("item-1", 1, &renamed).await?;
                ctx.append_event(event("item.updated", "item-1")).await
            })
        })
        .await
        .unwrap();
    let read = db.store.latest_version("item-1").await.unwrap().unwrap();
    assert_eq!(read.name, "食品经营许可（仅销售预包装食品）");
    assert_eq!(read.item().unwrap(), food);

    move_status(
        &db.store,
        "item-1",
        1,
        ItemStatus::Draft,
        ItemStatus::InReview,
    )
    .await
    .unwrap();
    let refused = db
        .store
        .write(move |ctx| Box::pin(async move { ctx.update_draft_body("item-1", 1, &food).await }))
        .await
        .unwrap_err();
    assert!(matches!(refused, StoreError::NotFound(_)), "{refused:?}");

    put(
        &db.store,
        vec![row(
            "item-1",
            2,
            ItemStatus::Draft,
            &item("食品经营许可", &[], &[]),
        )],
    )
    .await
    .unwrap();
    let versions: Vec<(i64, String)> = db
        .store
        .versions_of("item-1")
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.version, v.status))
        .collect();
    assert_eq!(versions, [(1, "in_review".into()), (2, "draft".into())]);
    assert_eq!(
        db.store
            .latest_version("item-1")
            .await
            .unwrap()
            .unwrap()
            .version,
        2
    );
    assert_eq!(
        db.store.count_items_by_status().await.unwrap(),
        vec![("draft".into(), 1), ("in_review".into(), 1)]
    );
}
contract!(
    a_version_reads_back_as_it_was_written_and_only_a_draft_can_be_rewritten,
    super::a_version_reads_back_as_it_was_written_and_only_a_draft_can_be_rewritten
);

async fn publishing_puts_a_version_into_search_and_withdrawing_takes_it_out(db: &TestDb) {
    seed_small_tree(&db.store).await;
    put(
        &db.store,
        vec![row(
            "item-1",
            1,
            ItemStatus::Draft,
            &item("食品经营许可", &[], &[]),
        )],
    )
    .await
    .unwrap();
    assert!(names_found(&db.store, &search("食品经营")).await.is_empty());
    move_status(
        &db.store,
        "item-1",
        1,
        ItemStatus::Draft,
        ItemStatus::InReview,
    )
    .await
    .unwrap();
    assert!(
        names_found(&db.store, &search("食品经营")).await.is_empty(),
        "a version in review is not public"
    );
    move_status(
        &db.store,
        "item-1",
        1,
        ItemStatus::InReview,
        ItemStatus::Published,
    )
    .await
    .unwrap();
    assert_eq!(
        names_found(&db.store, &search("食品经营")).await,
        ["食品经营许可"]
    );
    let published = db.store.published_version("item-1").await.unwrap().unwrap();
    assert_eq!(published.published_at_ms, Some(NOW_MS + 1));

    move_status(
        &db.store,
        "item-1",
        1,
        ItemStatus::Published,
        ItemStatus::Withdrawn,
    )
    .await
    .unwrap();
    assert!(names_found(&db.store, &search("食品经营")).await.is_empty());
    assert!(names_found(&db.store, &search("")).await.is_empty());
    assert!(
        db.store
            .published_version("item-1")
            .await
            .unwrap()
            .is_none()
    );
    let withdrawn = db.store.item_version("item-1", 1).await.unwrap().unwrap();
    assert_eq!(withdrawn.status, "withdrawn");
    assert_eq!(
        withdrawn.published_at_ms,
        Some(NOW_MS + 1),
        "when it was published stays on record"
    );

    let wrong_from = move_status(
        &db.store,
        "item-1",
        1,
        ItemStatus::Published,
        ItemStatus::Withdrawn,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(wrong_from, StoreError::NotFound(_)),
        "a status change from a status the version is not in changes nothing"
    );
}
contract!(
    publishing_puts_a_version_into_search_and_withdrawing_takes_it_out,
    super::publishing_puts_a_version_into_search_and_withdrawing_takes_it_out
);

async fn the_name_then_an_exact_alias_then_partial_names_then_materials_rank_first(db: &TestDb) {
    seed_small_tree(&db.store).await;
    let items = [
        item("食品经营许可", &[], &["营业执照", "食品安全管理制度"]),
        item("企业设立登记", &["营业执照", "开公司"], &["公司章程"]),
        item("个体工商户营业执照注销", &[], &[]),
        item("营业执照补领", &[], &[]),
        item("营业执照", &[], &[]),
        item("营业执照变更登记", &[], &[]),
        item("出生医学证明办理", &[], &[]),
    ];
    let rows = items
        .iter()
        .enumerate()
        .map(|(i, it)| row(&format!("item-{i}"), 1, ItemStatus::Published, it))
        .collect();
    put(&db.store, rows).await.unwrap();
    assert_eq!(
        names_found(&db.store, &search("营业执照")).await,
        [
            "营业执照",               // the name itself
            "企业设立登记",           // its everyday name is exactly the text
            "营业执照补领",           // starts with it, shorter
            "营业执照变更登记",       // starts with it, longer
            "个体工商户营业执照注销", // contains it
            "食品经营许可",           // a material
        ]
    );
    assert_eq!(
        names_found(&db.store, &search("  营业执照  ")).await.len(),
        6,
        "surrounding spaces are ignored"
    );
    assert_eq!(
        names_found(&db.store, &search("开公司")).await,
        ["企业设立登记"]
    );
    assert!(names_found(&db.store, &search("%")).await.len() == 7);
    assert!(
        names_found(&db.store, &search("营业_照")).await.is_empty(),
        "an underscore typed by a user is no wildcard"
    );
}
contract!(
    the_name_then_an_exact_alias_then_partial_names_then_materials_rank_first,
    super::the_name_then_an_exact_alias_then_partial_names_then_materials_rank_first
);

async fn a_two_character_query_finds_names_and_themes(db: &TestDb) {
    seed_small_tree(&db.store).await;
    let mut vaccine = item("预防接种证办理", &[], &[]);
    vaccine.themes = vec![Theme::Birth];
    let rows = vec![
        row(
            "item-a",
            1,
            ItemStatus::Published,
            &item("出生医学证明", &[], &[]),
        ),
        row("item-b", 1, ItemStatus::Published, &vaccine),
        row(
            "item-c",
            1,
            ItemStatus::Published,
            &item("新生儿出生登记", &[], &[]),
        ),
        row(
            "item-d",
            1,
            ItemStatus::Published,
            &item("社会保险登记", &["社保"], &[]),
        ),
    ];
    put(&db.store, rows).await.unwrap();
    assert_eq!(
        names_found(&db.store, &search("出生")).await,
        ["出生医学证明", "新生儿出生登记", "预防接种证办理"]
    );
    assert_eq!(
        names_found(&db.store, &search("社保")).await,
        ["社会保险登记"]
    );
    assert_eq!(
        names_found(&db.store, &search("证")).await,
        ["出生医学证明", "预防接种证办理"]
    );
}
contract!(
    a_two_character_query_finds_names_and_themes,
    super::a_two_character_query_finds_names_and_themes
);

async fn search_filters_by_department_level_type_theme_and_online_level_and_pages(db: &TestDb) {
    seed_small_tree(&db.store).await;
    seed_health_department(&db.store).await;
    let mut birth = item("出生医学证明", &[], &[]);
    birth.department_id = HEALTH.into();
    birth.item_type = ItemType::PublicService;
    birth.themes = vec![Theme::Birth];
    birth.online_level = OnlineLevel::Four;
    birth.visits = 0;
    let mut county = item("食品小作坊登记", &[], &[]);
    county.level = AdminLevel::County;
    county.themes = vec![Theme::Business];
    let mut rows = vec![
        row("b-birth", 1, ItemStatus::Published, &birth),
        row("c-county", 1, ItemStatus::Published, &county),
    ];
    for i in 0..5 {
        rows.push(row(
            &format!("m-{i}"),
            1,
            ItemStatus::Published,
            &item(&format!("食品经营许可第{i}类"), &[], &[]),
        ));
    }
    rows.push(row(
        "z-draft",
        1,
        ItemStatus::Draft,
        &item("食品生产许可", &[], &[]),
    ));
    put(&db.store, rows).await.unwrap();

    let with = |f: fn(&mut ItemSearch)| {
        let mut q = search("");
        f(&mut q);
        q
    };
    let by_department = with(|q| q.department_id = Some(HEALTH.into()));
    assert_eq!(
        names_found(&db.store, &by_department).await,
        ["出生医学证明"]
    );
    let by_level = with(|q| q.level = Some(AdminLevel::County));
    assert_eq!(names_found(&db.store, &by_level).await, ["食品小作坊登记"]);
    let by_type = with(|q| q.item_type = Some(ItemType::PublicService));
    assert_eq!(names_found(&db.store, &by_type).await, ["出生医学证明"]);
    let by_theme = with(|q| q.theme = Some(Theme::Business));
    assert_eq!(names_found(&db.store, &by_theme).await, ["食品小作坊登记"]);
    let by_online = with(|q| q.online_level = Some(OnlineLevel::Four));
    assert_eq!(names_found(&db.store, &by_online).await, ["出生医学证明"]);
    let none = with(|q| {
        q.theme = Some(Theme::Birth);
        q.level = Some(AdminLevel::County);
    });
    assert!(names_found(&db.store, &none).await.is_empty());

    let (hits, total) = db.store.search_items(&search("")).await.unwrap();
    assert_eq!(total, 7, "published only: the draft is not listed");
    assert_eq!(hits.len(), 7);
    assert_eq!(hits[0].department_name, "巴中市卫生健康委员会");

    let mut page = search("食品");
    page.department_id = Some(MARKET.into());
    page.limit = 2;
    let (first, total) = db.store.search_items(&page).await.unwrap();
    assert_eq!(total, 6);
    assert_eq!(
        first.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(),
        ["食品小作坊登记", "食品经营许可第0类"]
    );
    page.offset = 4;
    let (last, total) = db.store.search_items(&page).await.unwrap();
    assert_eq!(total, 6);
    assert_eq!(
        last.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(),
        ["食品经营许可第3类", "食品经营许可第4类"]
    );
    page.offset = 40;
    let (past, total) = db.store.search_items(&page).await.unwrap();
    assert!(past.is_empty());
    assert_eq!(
        total, 6,
        "a page past the end still says how many there are"
    );
}
contract!(
    search_filters_by_department_level_type_theme_and_online_level_and_pages,
    super::search_filters_by_department_level_type_theme_and_online_level_and_pages
);

async fn a_duplicate_version_is_a_conflict_and_an_item_has_one_published_version(db: &TestDb) {
    seed_small_tree(&db.store).await;
    let food = item("食品经营许可", &[], &[]);
    put(
        &db.store,
        vec![row("item-1", 1, ItemStatus::Published, &food)],
    )
    .await
    .unwrap();
    let again = put(&db.store, vec![row("item-1", 1, ItemStatus::Draft, &food)])
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::Conflict(_)), "{again:?}");
    let second = put(
        &db.store,
        vec![row("item-1", 2, ItemStatus::Published, &food)],
    )
    .await
    .unwrap_err();
    assert!(matches!(second, StoreError::Conflict(_)), "{second:?}");
    assert_eq!(db.store.versions_of("item-1").await.unwrap().len(), 1);
    let (hits, total) = db.store.search_items(&search("食品")).await.unwrap();
    assert_eq!(
        (hits.len(), total),
        (1, 1),
        "the failed units left nothing in the index"
    );
}
contract!(
    a_duplicate_version_is_a_conflict_and_an_item_has_one_published_version,
    super::a_duplicate_version_is_a_conflict_and_an_item_has_one_published_version
);

async fn migrations_are_recorded_per_engine_and_an_edited_one_is_refused(db: &TestDb) {
    let versions: Vec<(i64,)> =
        sqlx::query_as("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(&db.raw)
            .await
            .unwrap();
    assert_eq!(
        versions,
        [
            (1,),
            (2,),
            (3,),
            (4,),
            (5,),
            (6,),
            (7,),
            (8,),
            (9,),
            (10,),
            (11,),
            (12,),
            (13,),
            (14,)
        ]
    );
    assert_eq!(Store::schema_version(), 14);
    let reopened = Store::open(&StoreOptions::new(&db.url), NOW_MS)
        .await
        .unwrap();
    reopened.close().await;
    sqlx::query("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 3")
        .execute(&db.raw)
        .await
        .unwrap();
    let refused = Store::open(&StoreOptions::new(&db.url), NOW_MS).await;
    assert!(matches!(refused, Err(StoreError::Corrupt(_))));
}
contract!(
    migrations_are_recorded_per_engine_and_an_edited_one_is_refused,
    super::migrations_are_recorded_per_engine_and_an_edited_one_is_refused
);
