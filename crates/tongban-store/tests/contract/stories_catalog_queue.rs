//! Stories about the staff work list of the catalogue: versions in some statuses within one
//! department or one division's subtree, newest first.

use tongban_domain::catalog::ItemStatus;
use tongban_store::{DepartmentRow, ItemVersionRow, Store, StoreError, VersionScope};

use crate::contract;
use crate::engines::{NOW_MS, TestDb};
use crate::stories_catalog::item;
use crate::stories_org::{event, seed_small_tree};

const MARKET: &str = "511900-scjgj";
const COUNTY: &str = "511902-scjgj";
const OPEN: [ItemStatus; 2] = [ItemStatus::Draft, ItemStatus::InReview];

async fn put(store: &Store, rows: Vec<ItemVersionRow>) {
    store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.insert_department(&DepartmentRow {
                    id: COUNTY.into(),
                    name: "巴州区市场监督管理局".into(),
                    short_name: "区市场监管局".into(),
                    uscc: "11511902MB7654321X".into(),
                    division_code: "511902000000".into(),
                    parent_id: Some(MARKET.into()),
                })
                .await?;
                for row in &rows {
                    ctx.insert_item_version(row).await?;
                    ctx.append_event(event("item.drafted", &row.item_id))
                        .await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
}

fn version(id: &str, status: ItemStatus, department: &str, at: i64) -> ItemVersionRow {
    let mut it = item(&format!("事项{id}"), &[], &[]);
    it.department_id = department.into();
    let published = (status == ItemStatus::Published).then_some(NOW_MS + at);
    ItemVersionRow::new(id, 1, status, &it, NOW_MS + at, published).unwrap()
}

async fn ids(
    store: &Store,
    statuses: &[ItemStatus],
    scope: VersionScope,
    limit: i64,
) -> Vec<String> {
    store
        .versions_in_status(statuses, &scope, limit)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.item_id)
        .collect()
}

async fn drafts_and_reviews_are_listed_by_department_or_subtree_newest_first(db: &TestDb) {
    seed_small_tree(&db.store).await;
    put(
        &db.store,
        vec![
            version("a", ItemStatus::Draft, MARKET, 1),
            version("b", ItemStatus::InReview, MARKET, 2),
            version("c", ItemStatus::Published, MARKET, 3),
            version("d", ItemStatus::Draft, COUNTY, 4),
        ],
    )
    .await;
    let market = || VersionScope::Departments(vec![MARKET.into()]);
    assert_eq!(ids(&db.store, &OPEN, market(), 50).await, ["b", "a"]);
    let rows = db
        .store
        .versions_in_status(&OPEN, &market(), 50)
        .await
        .unwrap();
    assert_eq!(rows[0].status, "in_review");
    assert_eq!(rows[0].department_name, "巴中市市场监督管理局");
    assert_eq!(rows[0].name, "事项b");
    let city = || VersionScope::DivisionPrefix("5119".into());
    assert_eq!(ids(&db.store, &OPEN, city(), 50).await, ["d", "b", "a"]);
    assert_eq!(ids(&db.store, &OPEN, city(), 1).await, ["d"]);
    let county = VersionScope::DivisionPrefix("511902".into());
    assert_eq!(ids(&db.store, &OPEN, county, 50).await, ["d"]);
    let published = [ItemStatus::Published];
    assert_eq!(ids(&db.store, &published, city(), 50).await, ["c"]);
    let both = VersionScope::Departments(vec![COUNTY.into(), MARKET.into()]);
    assert_eq!(ids(&db.store, &OPEN, both, 50).await, ["d", "b", "a"]);
    assert!(ids(&db.store, &[], city(), 50).await.is_empty());
    let nobody = VersionScope::Departments(Vec::new());
    assert!(ids(&db.store, &OPEN, nobody, 50).await.is_empty());
}

contract!(
    open_versions,
    super::drafts_and_reviews_are_listed_by_department_or_subtree_newest_first
);
