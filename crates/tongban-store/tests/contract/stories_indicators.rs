//! Stories about the indicator tables: per-day rollups add up (negative deltas take counts out
//! again) and sum over any range of days, by unit and within a county or parent; a case's fact
//! is written once and listed by unit and counter; ratings are found again by their 差评 case;
//! one projector holds the cursor at a time and only the holder moves it.

use tongban_domain::indicators::Counters;
use tongban_store::{
    FactFilter, IndicatorFactRow, IndicatorRatingRow, RollupDelta, Store, StoreError,
    counters_to_array,
};

use crate::contract;
use crate::engines::{NOW_MS, TestDb};

fn delta(
    dimension: &str,
    key: &str,
    day: i64,
    parent: &str,
    county: &str,
    c: Counters,
) -> RollupDelta {
    RollupDelta {
        dimension: dimension.into(),
        key: key.into(),
        day,
        parent: parent.into(),
        county: county.into(),
        delta: counters_to_array(&c),
    }
}

async fn add(store: &Store, deltas: Vec<RollupDelta>) {
    store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.add_indicator_rollups(&deltas).await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
}

fn completed(n: u64, on_time: u64, ratings: [u64; 5]) -> Counters {
    Counters {
        completed: n,
        on_time,
        legal_days: 20 * n,
        ratings,
        ..Counters::default()
    }
}

async fn rollups_add_up_by_day_and_sum_over_any_period(db: &TestDb) {
    let county = "511902000000";
    add(
        &db.store,
        vec![
            delta(
                "department",
                "d1",
                20260501,
                county,
                county,
                completed(2, 1, [1, 0, 0, 0, 0]),
            ),
            delta(
                "department",
                "d1",
                20260502,
                county,
                county,
                completed(1, 1, [0, 0, 0, 0, 1]),
            ),
            delta(
                "department",
                "d2",
                20260515,
                "511900000000",
                "511900000000",
                completed(4, 4, [0; 5]),
            ),
            delta(
                "department",
                "d2",
                20260601,
                "511900000000",
                "511900000000",
                completed(9, 9, [0; 5]),
            ),
            delta(
                "county",
                county,
                20260501,
                "",
                county,
                completed(3, 2, [1, 0, 0, 0, 1]),
            ),
        ],
    )
    .await;
    // The same day again adds to the row; a negative delta takes an upheld appeal's rating out.
    let mut taken_out = delta(
        "department",
        "d1",
        20260502,
        county,
        county,
        Counters::default(),
    );
    taken_out.delta[17] = -1;
    add(
        &db.store,
        vec![
            delta(
                "department",
                "d1",
                20260501,
                county,
                county,
                completed(1, 0, [0; 5]),
            ),
            taken_out,
        ],
    )
    .await;

    let may = db
        .store
        .indicator_sums("department", 20260501, 20260531, None)
        .await
        .unwrap();
    assert_eq!(may.len(), 2);
    assert_eq!(may[0].key, "d1");
    assert_eq!(may[0].parent, county);
    assert_eq!(may[0].counters.completed, 4);
    assert_eq!(may[0].counters.on_time, 2);
    assert_eq!(may[0].counters.legal_days, 80);
    assert_eq!(may[0].counters.ratings, [1, 0, 0, 0, 0]);
    assert_eq!(may[1].counters.completed, 4, "June is not in May");

    let within = db
        .store
        .indicator_sums("department", 20260101, 20261231, Some(county))
        .await
        .unwrap();
    assert_eq!(
        within.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        ["d1"]
    );

    let year_d2 = db
        .store
        .indicator_sum("department", 20260101, 20261231, Some("d2"))
        .await
        .unwrap();
    assert_eq!(year_d2.completed, 13);
    let all = db
        .store
        .indicator_sum("department", 20260101, 20261231, None)
        .await
        .unwrap();
    assert_eq!(all.completed, 17);
    let nothing = db
        .store
        .indicator_sum("county", 20250101, 20251231, None)
        .await
        .unwrap();
    assert_eq!(nothing, Counters::default());
}
contract!(
    rollups,
    super::rollups_add_up_by_day_and_sum_over_any_period
);

fn fact(id: &str, day: i64, department: &str, on_time: i64) -> IndicatorFactRow {
    IndicatorFactRow {
        application_id: id.into(),
        number: format!("N-{id}"),
        item_name: "设立登记".into(),
        day,
        department_id: department.into(),
        county: "511902000000".into(),
        township: String::new(),
        hall_id: String::new(),
        item_id: "item-1".into(),
        channel: "pc".into(),
        visits: 0,
        online_capable: 1,
        fully_online: 1,
        zero_visit: 1,
        at_most_one_visit: 1,
        immediate: 0,
        on_time,
        legal_days: 20,
        promised_days: 5,
        used_days: 3,
        materials_required: 2,
        materials_by_licence: 1,
        rated: 0,
    }
}

async fn a_cases_fact_is_written_once_and_listed_by_unit_and_counter(db: &TestDb) {
    let facts = vec![
        fact("a1", 20260503, "d1", 1),
        fact("a2", 20260504, "d1", 0),
        fact("a3", 20260505, "d2", 0),
        fact("a4", 20260605, "d1", 0),
    ];
    let inserted = db
        .store
        .write(move |ctx| {
            Box::pin(async move {
                let mut n = 0;
                for f in &facts {
                    n += i32::from(ctx.insert_indicator_fact(f).await?);
                }
                // A retry changes nothing.
                n += i32::from(ctx.insert_indicator_fact(&facts[0]).await?);
                let rated = ctx.mark_indicator_fact_rated("a2").await?;
                let again = ctx.mark_indicator_fact_rated("a2").await?;
                let unknown = ctx.mark_indicator_fact_rated("zz").await?;
                Ok::<_, StoreError>((n, rated.map(|f| f.day), again, unknown))
            })
        })
        .await
        .unwrap();
    assert_eq!(inserted, (4, Some(20260504), None, None));

    let filter = FactFilter {
        first_day: 20260501,
        last_day: 20260531,
        department_id: Some("d1".into()),
        flag: Some(("on_time", 0)),
        limit: 10,
        ..FactFilter::default()
    };
    let (rows, total) = db.store.indicator_facts(&filter).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!(rows[0].application_id, "a2");
    assert_eq!(rows[0].rated, 1);

    let may = FactFilter {
        first_day: 20260501,
        last_day: 20260531,
        county: Some("511902000000".into()),
        limit: 2,
        offset: 1,
        ..FactFilter::default()
    };
    let (rows, total) = db.store.indicator_facts(&may).await.unwrap();
    assert_eq!(total, 3);
    assert_eq!(
        rows.iter()
            .map(|r| r.application_id.as_str())
            .collect::<Vec<_>>(),
        ["a2", "a1"],
        "newest first, second page of two"
    );
}
contract!(
    facts,
    super::a_cases_fact_is_written_once_and_listed_by_unit_and_counter
);

async fn a_rating_is_found_again_by_its_rectification_case(db: &TestDb) {
    let found = db
        .store
        .write(move |ctx| {
            Box::pin(async move {
                let mut r = IndicatorRatingRow {
                    evaluation_id: "ev1".into(),
                    rectification_id: None,
                    application_id: Some("a1".into()),
                    stage: "completed".into(),
                    day: 20260510,
                    due_day: None,
                    department_id: "d1".into(),
                    county: "511902000000".into(),
                    township: String::new(),
                    hall_id: String::new(),
                    item_id: "item-1".into(),
                    satisfaction: 5,
                    real_name: 1,
                    bad: 1,
                    rectified: 0,
                    rectified_on_time: 0,
                    revisited: 0,
                    removed: 0,
                };
                assert!(ctx.insert_indicator_rating(&r).await?);
                assert!(!ctx.insert_indicator_rating(&r).await?);
                r.rectification_id = Some("rc1".into());
                r.due_day = Some(20260531);
                r.rectified = 1;
                ctx.update_indicator_rating(&r).await?;
                let rated = ctx.indicator_application_rated("a1", "completed").await?;
                let other = ctx.indicator_application_rated("a1", "accepted").await?;
                let found = ctx.indicator_rating_of_rectification("rc1").await?;
                Ok::<_, StoreError>((rated, other, found))
            })
        })
        .await
        .unwrap();
    assert!(found.0);
    assert!(!found.1);
    let row = found.2.unwrap();
    assert_eq!(
        (row.evaluation_id.as_str(), row.due_day, row.rectified),
        ("ev1", Some(20260531), 1)
    );
}
contract!(
    ratings,
    super::a_rating_is_found_again_by_its_rectification_case
);

async fn one_projector_holds_the_cursor_and_only_it_moves_it(db: &TestDb) {
    let outcome = db
        .store
        .write(move |ctx| {
            Box::pin(async move {
                let a = ctx
                    .claim_indicator_cursor("main", "a", NOW_MS, NOW_MS + 60_000)
                    .await?;
                let b = ctx
                    .claim_indicator_cursor("main", "b", NOW_MS + 1, NOW_MS + 60_000)
                    .await?;
                let b_moves = ctx
                    .advance_indicator_cursor("main", "b", 0, 5, 5, NOW_MS)
                    .await?;
                let a_moves = ctx
                    .advance_indicator_cursor("main", "a", 0, 5, 5, NOW_MS)
                    .await?;
                let a_stale = ctx
                    .advance_indicator_cursor("main", "a", 0, 9, 9, NOW_MS)
                    .await?;
                let released = ctx.release_indicator_cursor("main", "a").await?;
                let b_after = ctx
                    .claim_indicator_cursor("main", "b", NOW_MS + 2, NOW_MS + 60_000)
                    .await?;
                Ok::<_, StoreError>((
                    a.is_some(),
                    b.is_some(),
                    b_moves,
                    a_moves,
                    a_stale,
                    released,
                    b_after,
                ))
            })
        })
        .await
        .unwrap();
    assert!(outcome.0);
    assert!(!outcome.1, "b waits while a's lease runs");
    assert!(!outcome.2, "only the holder moves the cursor");
    assert!(outcome.3);
    assert!(!outcome.4, "a move from a stale position is refused");
    assert!(outcome.5);
    let b_after = outcome.6.unwrap();
    assert_eq!((b_after.last_seq, b_after.projected), (5, 5));
    // An expired lease can be taken over.
    let taken = db
        .store
        .write(move |ctx| {
            Box::pin(async move {
                ctx.claim_indicator_cursor("main", "c", NOW_MS + 120_000, NOW_MS + 180_000)
                    .await
            })
        })
        .await
        .unwrap();
    assert_eq!(taken.unwrap().lease_holder.as_deref(), Some("c"));
}
contract!(
    cursor,
    super::one_projector_holds_the_cursor_and_only_it_moves_it
);
