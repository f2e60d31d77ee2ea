//! Import and export of list editions over HTTP. The must-show: the demo 权责清单 2023年本
//! (5,577 power items, 41,366 responsibility items) written to xlsx by the exporter with one
//! planted bad cell: the dry run reports exactly that cell, apply writes nothing; fixed, apply
//! writes every row. And an exported edition re-imports cleanly.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::Value;
use tongban_app::EntryView;
use tongban_app::import::edition_sheet;
use tongban_demo::{DemoConfig, POWER_DUTIES, POWER_ITEMS};
use tongban_domain::lists::ListKind;
use tongban_web::export::{Cell, Table, XLSX_TYPE, to_xlsx};

use crate::support::{PASSWORD, TestApp, spawn_app};

/// The demo 权责清单 2023年本 in the import layout, as the exporter's table.
fn demo_power_table() -> Table {
    let city = tongban_demo::generate(&DemoConfig {
        seed: 7,
        citizens: 5,
        enterprises: 3,
    });
    let names: BTreeMap<&str, &str> = city
        .departments
        .iter()
        .map(|d| (d.key.as_str(), d.name.as_str()))
        .collect();
    let catalog = tongban_demo::catalog_items(&city);
    let edition = tongban_demo::list_editions(&city, &catalog)
        .into_iter()
        .find(|e| e.kind == ListKind::PowerDuty && e.year == 2023)
        .unwrap();
    let views: Vec<EntryView> = (1..)
        .zip(edition.entries)
        .map(|(seq, entry)| EntryView {
            seq,
            department_name: names[entry.department_id.as_str()].to_string(),
            entry,
        })
        .collect();
    let (headers, rows) = edition_sheet(ListKind::PowerDuty, &views);
    Table {
        title: "权责清单2024年本".into(),
        headers,
        rows: rows
            .into_iter()
            .map(|r| r.into_iter().map(Cell::Text).collect())
            .collect(),
    }
}

async fn import(
    app: &TestApp,
    token: &str,
    bytes: Vec<u8>,
    dry_run: bool,
    year: i32,
) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url(&format!(
            "/api/v1/lists/power/imports?edition={year}&dry_run={dry_run}"
        )))
        .bearer_auth(token)
        .header("content-type", XLSX_TYPE)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn the_demo_power_list_from_xlsx_reports_a_planted_bad_cell_exactly_and_applies_all_or_nothing()
 {
    let app = spawn_app().await;
    let admin = app.token("admin", PASSWORD).await;
    let good = demo_power_table();
    assert_eq!(good.rows.len(), POWER_DUTIES);
    let type_col = good.headers.iter().position(|h| h == "事项类型").unwrap();
    // The first row of an entry at or after spreadsheet row 1,234 (data row index + 2).
    let at = (1232..good.rows.len())
        .find(|&i| good.rows[i][0] != good.rows[i - 1][0])
        .unwrap();
    let mut bad = good.clone();
    bad.rows[at][type_col] = Cell::Text("行政处分".into());
    let bad = to_xlsx(&bad).unwrap();

    let (status, report) = import(&app, &admin, bad.clone(), true, 2024).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["problem_count"], 1, "{}", report["problems"]);
    let problem = &report["problems"][0];
    assert_eq!(problem["sheet"], "权责清单2024年本");
    assert_eq!(problem["row"], at as u64 + 2);
    assert_eq!(problem["column"], "C");
    assert_eq!(problem["header"], "事项类型");
    assert!(
        problem["reason"]
            .as_str()
            .unwrap()
            .contains("“行政处分”不存在")
    );
    assert_eq!(report["rows"], POWER_DUTIES);

    let (status, report) = import(&app, &admin, bad, false, 2024).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["applied"], false);
    let entries = "/api/v1/lists/power/editions/2024/entries";
    let (status, _) = app.call("GET", entries, Some(&admin), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nothing was written");

    let (status, report) = import(&app, &admin, to_xlsx(&good).unwrap(), false, 2024).await;
    assert_eq!(status, StatusCode::CREATED, "{}", report["problems"]);
    assert_eq!(report["applied"], true);
    assert_eq!(report["edition"]["entry_count"], POWER_ITEMS);
    assert_eq!(report["edition"]["duty_count"], POWER_DUTIES);
    let (_, page) = app.call("GET", entries, Some(&admin), None).await;
    assert_eq!(page["total"], POWER_ITEMS);
}

#[tokio::test]
async fn an_exported_edition_re_imports_to_the_same_entries() {
    let app = spawn_app().await;
    let admin = app.token("admin", PASSWORD).await;
    let csv = "事项编码,事项名称,事项类型,实施部门,行使层级,设定依据,责任事项,追责情形\n\
        QZ-1,对无照经营的处罚,02,511900-scjgj,3,《行政处罚法》,立案责任,不依法立案的\n\
        ,,,,,,调查责任,\n\
        QZ-2,法律援助,行政给付,511900-sfj,市级,《法律援助法》,,\n";
    let res = app
        .client
        .post(app.url("/api/v1/lists/power/imports?edition=2024&dry_run=false"))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    let publish = "/api/v1/lists/power/editions/2024/publish";
    let (status, _) = app.call("POST", publish, Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK);
    let exported = app
        .client
        .get(app.url("/lists/power/2024/export.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(exported.status(), StatusCode::OK);
    let bytes = exported.bytes().await.unwrap().to_vec();
    let (status, report) = import(&app, &admin, bytes, false, 2025).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["entries"], 2);
    assert_eq!(report["duties"], 2);
}
