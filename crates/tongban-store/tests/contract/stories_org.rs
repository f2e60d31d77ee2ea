//! Stories about the organisation tree.

use serde_json::json;
use tongban_store::{DepartmentRow, DivisionRow, HallRow, NewEvent, Store, StoreError};

use crate::contract;
use crate::engines::{NOW_MS, TestDb};

pub fn division(code: &str, name: &str, level: i64, parent: Option<&str>) -> DivisionRow {
    DivisionRow {
        code: code.into(),
        name: name.into(),
        level,
        parent_code: parent.map(str::to_string),
    }
}

pub fn hall(id: &str, kind: &str, division_code: &str, name: &str) -> HallRow {
    HallRow {
        id: id.into(),
        name: name.into(),
        kind: kind.into(),
        division_code: division_code.into(),
        address: "江北大道东段88号".into(),
        phone: "0827-5200000".into(),
        latitude_e6: 31_858_000,
        longitude_e6: 106_747_000,
        opening_hours: "工作日 9:00-17:00".into(),
    }
}

pub fn event(action: &str, entity_id: &str) -> NewEvent {
    NewEvent {
        at_ms: NOW_MS,
        actor: "system".into(),
        action: action.into(),
        entity_type: "test".into(),
        entity_id: entity_id.into(),
        payload: json!({ "id": entity_id }),
    }
}

/// City 巴中市 with 巴州区 and one township, one city department and three halls.
pub async fn seed_small_tree(store: &Store) {
    store
        .write(|ctx| {
            Box::pin(async move {
                ctx.insert_division(&division("511900000000", "巴中市", 3, None))
                    .await?;
                ctx.insert_division(&division("511902000000", "巴州区", 4, Some("511900000000")))
                    .await?;
                ctx.insert_division(&division("511903000000", "恩阳区", 4, Some("511900000000")))
                    .await?;
                ctx.insert_division(&division(
                    "511902001000",
                    "东城街道",
                    5,
                    Some("511902000000"),
                ))
                .await?;
                ctx.insert_department(&DepartmentRow {
                    id: "511900-scjgj".into(),
                    name: "巴中市市场监督管理局".into(),
                    short_name: "市市场监管局".into(),
                    uscc: "11511900MB1234567X".into(),
                    division_code: "511900000000".into(),
                    parent_id: None,
                })
                .await?;
                ctx.insert_hall(&hall(
                    "h-city",
                    "city_center",
                    "511900000000",
                    "巴中市政务服务中心",
                ))
                .await?;
                ctx.insert_hall(&hall(
                    "h-bz",
                    "county_center",
                    "511902000000",
                    "巴州区政务服务中心",
                ))
                .await?;
                ctx.insert_hall(&hall(
                    "h-dc",
                    "township_center",
                    "511902001000",
                    "东城街道便民服务中心",
                ))
                .await?;
                ctx.append_event(event("org.seeded", "511900000000"))
                    .await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
}

async fn the_division_tree_reads_back_level_by_level(db: &TestDb) {
    seed_small_tree(&db.store).await;
    let top = db.store.child_divisions(None).await.unwrap();
    assert_eq!(
        top.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        ["巴中市"]
    );
    let counties = db
        .store
        .child_divisions(Some("511900000000"))
        .await
        .unwrap();
    assert_eq!(counties.len(), 2);
    assert_eq!(counties[0].name, "巴州区");
    assert_eq!(counties[0].parent_code.as_deref(), Some("511900000000"));
    let township = db.store.division("511902001000").await.unwrap().unwrap();
    assert_eq!(township.level, 5);
    assert!(db.store.division("511999000000").await.unwrap().is_none());
    assert_eq!(
        db.store.count_divisions_by_level().await.unwrap(),
        vec![(3, 1), (4, 2), (5, 1)]
    );
    let counties = db.store.divisions_at_level(4).await.unwrap();
    assert_eq!(
        counties.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(),
        ["511902000000", "511903000000"]
    );
}
contract!(
    the_division_tree_reads_back_level_by_level,
    super::the_division_tree_reads_back_level_by_level
);

async fn halls_are_found_by_subtree_kind_and_name(db: &TestDb) {
    seed_small_tree(&db.store).await;
    let in_city = db
        .store
        .find_halls("5119", None, None, 100, 0)
        .await
        .unwrap();
    assert_eq!(in_city.len(), 3);
    let in_bazhou = db
        .store
        .find_halls("511902", None, None, 100, 0)
        .await
        .unwrap();
    assert_eq!(
        in_bazhou.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        ["h-bz", "h-dc"]
    );
    let townships = db
        .store
        .find_halls("5119", Some("township_center"), None, 100, 0)
        .await
        .unwrap();
    assert_eq!(townships.len(), 1);
    let by_name = db
        .store
        .find_halls("5119", None, Some("东城"), 100, 0)
        .await
        .unwrap();
    assert_eq!(by_name[0].id, "h-dc");
    let wildcard = db
        .store
        .find_halls("5119", None, Some("%"), 100, 0)
        .await
        .unwrap();
    assert_eq!(
        wildcard.len(),
        3,
        "a % typed by a user matches literally, not everything twice"
    );
    let paged = db.store.find_halls("5119", None, None, 2, 2).await.unwrap();
    assert_eq!(paged.len(), 1);
}
contract!(
    halls_are_found_by_subtree_kind_and_name,
    super::halls_are_found_by_subtree_kind_and_name
);

async fn editing_a_hall_changes_its_public_details_only(db: &TestDb) {
    seed_small_tree(&db.store).await;
    let mut changed = db.store.hall("h-dc").await.unwrap().unwrap();
    changed.phone = "0827-5211111".into();
    changed.kind = "village_station".into();
    let row = changed.clone();
    db.store
        .write(move |ctx| Box::pin(async move { ctx.update_hall(&row).await }))
        .await
        .unwrap();
    let stored = db.store.hall("h-dc").await.unwrap().unwrap();
    assert_eq!(stored.phone, "0827-5211111");
    assert_eq!(stored.kind, "township_center", "kind is not editable");
    let missing = hall("nope", "city_center", "511900000000", "x");
    let err = db
        .store
        .write(move |ctx| Box::pin(async move { ctx.update_hall(&missing).await }))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound("hall")));
}
contract!(
    editing_a_hall_changes_its_public_details_only,
    super::editing_a_hall_changes_its_public_details_only
);

async fn a_duplicate_uscc_is_a_conflict_and_leaves_nothing_behind(db: &TestDb) {
    seed_small_tree(&db.store).await;
    let before = db.store.head_seq().await.unwrap();
    let err = db
        .store
        .write(|ctx| {
            Box::pin(async move {
                ctx.append_event(event("department.created", "dup")).await?;
                ctx.insert_department(&DepartmentRow {
                    id: "511902-scjgj".into(),
                    name: "巴州区市场监督管理局".into(),
                    short_name: "区市场监管局".into(),
                    uscc: "11511900MB1234567X".into(),
                    division_code: "511902000000".into(),
                    parent_id: Some("511900-scjgj".into()),
                })
                .await
            })
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "got {err:?}");
    assert!(db.store.department("511902-scjgj").await.unwrap().is_none());
    assert_eq!(
        db.store.head_seq().await.unwrap(),
        before,
        "the event was rolled back too"
    );
    assert_eq!(db.store.count_departments().await.unwrap(), 1);
}
contract!(
    a_duplicate_uscc_is_a_conflict_and_leaves_nothing_behind,
    super::a_duplicate_uscc_is_a_conflict_and_leaves_nothing_behind
);

async fn departments_are_listed_per_division_and_searchable(db: &TestDb) {
    seed_small_tree(&db.store).await;
    let city = db.store.departments_in("511900000000").await.unwrap();
    assert_eq!(city.len(), 1);
    assert!(
        db.store
            .departments_in("511902000000")
            .await
            .unwrap()
            .is_empty()
    );
    let found = db.store.search_departments("市场监督", 10).await.unwrap();
    assert_eq!(found[0].id, "511900-scjgj");
    assert_eq!(
        db.store.department_names().await.unwrap(),
        [(
            "511900-scjgj".to_string(),
            "巴中市市场监督管理局".to_string()
        )]
    );
    let mut renamed = found[0].clone();
    renamed.short_name = "市监局".into();
    let row = renamed.clone();
    db.store
        .write(move |ctx| Box::pin(async move { ctx.update_department(&row).await }))
        .await
        .unwrap();
    assert_eq!(
        db.store
            .department("511900-scjgj")
            .await
            .unwrap()
            .unwrap()
            .short_name,
        "市监局"
    );
}
contract!(
    departments_are_listed_per_division_and_searchable,
    super::departments_are_listed_per_division_and_searchable
);
