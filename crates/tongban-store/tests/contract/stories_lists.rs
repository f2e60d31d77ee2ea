//! Stories about the published lists: drafting an edition in multi-row inserts, reading it a
//! page at a time by department, publishing it, and never writing to a published edition.

use tongban_store::{ListDutyRow, ListEditionRow, ListEntryRow, StoreError, WriteCtx};

use crate::contract;
use crate::engines::{NOW_MS, TestDb};
use crate::stories_org::{event, seed_small_tree};

const MARKET: &str = "511900-scjgj";

fn edition(year: i64, entries: i64, duties: i64) -> ListEditionRow {
    ListEditionRow {
        list_code: "power".into(),
        year,
        status: "draft".into(),
        entry_count: entries,
        duty_count: duties,
        created_at_ms: NOW_MS,
        published_at_ms: None,
    }
}

/// `n` entries of the market regulator with three duties each.
fn rows(n: i64) -> (Vec<ListEntryRow>, Vec<ListDutyRow>) {
    let mut entries = Vec::new();
    let mut duties = Vec::new();
    for i in 1..=n {
        let code = format!("QZ-{i:05}");
        entries.push(ListEntryRow {
            entry_code: code.clone(),
            seq: i,
            name: format!("对第{i}类违法行为的行政处罚"),
            item_type: "02".into(),
            basis: "《中华人民共和国行政处罚法》".into(),
            department_id: MARKET.into(),
            department_name: String::new(),
            level: 3,
            basic_code: String::new(),
        });
        for j in 1..=3 {
            duties.push(ListDutyRow {
                entry_code: code.clone(),
                seq: j,
                name: format!("责任{j}"),
                accountability: if j == 1 {
                    String::new()
                } else {
                    "追责".into()
                },
            });
        }
    }
    (entries, duties)
}

async fn draft(db: &TestDb, year: i64, n: i64) {
    let (entries, duties) = rows(n);
    let head = edition(year, n, duties.len() as i64);
    db.store
        .write(move |ctx: &mut WriteCtx| {
            Box::pin(async move {
                ctx.insert_list_edition(&head).await?;
                ctx.insert_list_entries("power", year, &entries, &duties)
                    .await?;
                ctx.append_event(event("list.edition_drafted", "power"))
                    .await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
}

async fn an_edition_of_many_rows_reads_back_a_page_at_a_time_with_its_duties(db: &TestDb) {
    seed_small_tree(&db.store).await;
    draft(db, 2023, 450).await;
    let (page, duties, total) = db
        .store
        .list_entries_page("power", 2023, MARKET, 20, 40)
        .await
        .unwrap();
    assert_eq!(total, 450);
    assert_eq!(page.len(), 20);
    assert_eq!(page[0].entry_code, "QZ-00041");
    assert_eq!(page[0].department_name, "巴中市市场监督管理局");
    assert_eq!(duties.len(), 60);
    assert_eq!(
        (duties[0].entry_code.as_str(), duties[0].seq),
        ("QZ-00041", 1)
    );
    let (_, _, none) = db
        .store
        .list_entries_page("power", 2023, "511900-nope", 20, 0)
        .await
        .unwrap();
    assert_eq!(none, 0);
    let (all, all_duties) = db.store.list_entries_all("power", 2023).await.unwrap();
    assert_eq!((all.len(), all_duties.len()), (450, 1350));
    let departments = db.store.list_departments("power", 2023).await.unwrap();
    assert_eq!(
        departments,
        vec![(MARKET.to_string(), "巴中市市场监督管理局".to_string(), 450)]
    );
}
contract!(
    an_edition_of_many_rows_reads_back_a_page_at_a_time_with_its_duties,
    super::an_edition_of_many_rows_reads_back_a_page_at_a_time_with_its_duties
);

async fn a_published_edition_takes_no_more_entries_and_cannot_be_published_again(db: &TestDb) {
    seed_small_tree(&db.store).await;
    draft(db, 2022, 3).await;
    db.store
        .write(|ctx| Box::pin(async move { ctx.publish_list_edition("power", 2022, NOW_MS).await }))
        .await
        .unwrap();
    let row = db.store.list_edition("power", 2022).await.unwrap().unwrap();
    assert_eq!(
        (row.status.as_str(), row.published_at_ms),
        ("published", Some(NOW_MS))
    );
    let again = db
        .store
        .write(|ctx| Box::pin(async move { ctx.publish_list_edition("power", 2022, NOW_MS).await }))
        .await;
    assert!(matches!(again, Err(StoreError::NotFound(_))), "{again:?}");
    let (entries, duties) = rows(1);
    let more = db
        .store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.insert_list_entries("power", 2022, &entries, &duties)
                    .await
            })
        })
        .await;
    assert!(matches!(more, Err(StoreError::NotFound(_))), "{more:?}");
    let gone = db
        .store
        .write(|ctx| Box::pin(async move { ctx.delete_list_draft("power", 2022).await }))
        .await;
    assert!(matches!(gone, Err(StoreError::NotFound(_))), "{gone:?}");
    assert_eq!(
        db.store
            .list_entries_all("power", 2022)
            .await
            .unwrap()
            .0
            .len(),
        3
    );
}
contract!(
    a_published_edition_takes_no_more_entries_and_cannot_be_published_again,
    super::a_published_edition_takes_no_more_entries_and_cannot_be_published_again
);

async fn a_second_edition_of_the_same_year_is_a_conflict_and_a_draft_can_be_replaced(db: &TestDb) {
    seed_small_tree(&db.store).await;
    draft(db, 2023, 2).await;
    let head = edition(2023, 0, 0);
    let twice = db
        .store
        .write(move |ctx| Box::pin(async move { ctx.insert_list_edition(&head).await }))
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    db.store
        .write(|ctx| Box::pin(async move { ctx.delete_list_draft("power", 2023).await }))
        .await
        .unwrap();
    assert!(
        db.store
            .list_edition("power", 2023)
            .await
            .unwrap()
            .is_none()
    );
    draft(db, 2023, 5).await;
    assert_eq!(db.store.list_editions().await.unwrap()[0].entry_count, 5);
}
contract!(
    a_second_edition_of_the_same_year_is_a_conflict_and_a_draft_can_be_replaced,
    super::a_second_edition_of_the_same_year_is_a_conflict_and_a_draft_can_be_replaced
);
