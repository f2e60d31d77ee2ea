//! Exports over HTTP: the item search and the hall finder download as xlsx and CSV with their
//! filters applied, every match (not one page), with Chinese headers and file names.

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};
use reqwest::{StatusCode, header};
use tongban_app::CatalogQuery;
use tongban_domain::AdminLevel;

use crate::support::{TestApp, spawn_app};

const BOM: &[u8] = b"\xEF\xBB\xBF";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn with_catalog() -> TestApp {
    let app = spawn_app().await;
    let city = tongban_demo::generate(&tongban_demo::DemoConfig {
        seed: 7,
        citizens: 5,
        enterprises: 3,
    });
    app.app
        .seed_catalog(tongban_demo::catalog_items(&city))
        .await
        .unwrap();
    app
}

/// Status, headers and body of a GET.
async fn download(app: &TestApp, path: &str) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

/// The sheets of an xlsx, each as its name and its rows of cell texts.
fn sheets(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<String>>)> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|row| row.iter().map(Data::to_string).collect())
                .collect();
            (name, rows)
        })
        .collect()
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(BOM), "the CSV starts with the UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[BOM.len()..]);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn header_text(headers: &header::HeaderMap, name: header::HeaderName) -> String {
    headers.get(name).unwrap().to_str().unwrap().to_string()
}

#[tokio::test]
async fn the_item_search_downloads_as_an_xlsx_with_every_match_in_chinese() {
    let app = with_catalog().await;
    let (status, headers, body) = download(&app, "/items/export.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header_text(&headers, header::CONTENT_TYPE), XLSX);
    let disposition = header_text(&headers, header::CONTENT_DISPOSITION);
    assert!(disposition.starts_with("attachment; filename=\"items.xlsx\""));
    // 政务服务事项.xlsx, percent-encoded as UTF-8.
    assert!(
        disposition.contains(
            "filename*=UTF-8''%E6%94%BF%E5%8A%A1%E6%9C%8D%E5%8A%A1%E4%BA%8B%E9%A1%B9.xlsx"
        ),
        "{disposition}"
    );
    assert!(body.starts_with(b"PK\x03\x04"), "an xlsx is a zip archive");

    let sheets = sheets(body);
    assert_eq!(sheets.len(), 1);
    let (name, rows) = &sheets[0];
    assert_eq!(name, "政务服务事项");
    assert_eq!(
        rows[0],
        [
            "事项名称",
            "实施部门",
            "事项类型",
            "层级",
            "法定时限(工作日)",
            "承诺时限(工作日)",
            "到现场次数",
            "网办深度"
        ]
    );
    let (_, total) = app
        .app
        .search_items(&CatalogQuery::default())
        .await
        .unwrap();
    assert_eq!(rows.len() - 1, total as usize, "all items, not one page");
    assert!(total > 100);
    assert!(
        rows.iter().any(|r| r[0] == "企业设立登记"),
        "{:?}",
        &rows[1]
    );
}

#[tokio::test]
async fn the_item_export_applies_the_search_text_and_filters() {
    let app = with_catalog().await;
    let query = CatalogQuery {
        text: "营业执照".into(),
        level: Some(AdminLevel::County),
        ..Default::default()
    };
    let (found, total) = app.app.search_items(&query).await.unwrap();
    assert!(total > 0);
    let (status, headers, body) = download(
        &app,
        &format!(
            "/items/export.csv?q={}&level={}",
            "%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7",
            AdminLevel::County.code()
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_text(&headers, header::CONTENT_TYPE),
        "text/csv; charset=utf-8"
    );
    assert!(header_text(&headers, header::CONTENT_DISPOSITION).contains("filename=\"items.csv\""));
    let rows = csv_rows(&body);
    assert_eq!(rows[0][0], "事项名称");
    assert_eq!(rows.len() - 1, total as usize);
    assert_eq!(rows[1][0], found[0].name, "in search order");
    assert!(
        rows[1..]
            .iter()
            .all(|r| r[3] == AdminLevel::County.name_zh())
    );
}

#[tokio::test]
async fn the_items_page_links_to_both_exports_with_its_filters() {
    let app = with_catalog().await;
    let res = app
        .client
        .get(app.url("/items?q=%E7%A4%BE%E4%BF%9D&level=4"))
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("导出 Excel") && html.contains("导出 CSV"));
    assert!(
        html.contains("/items/export.xlsx?q=%E7%A4%BE%E4%BF%9D&#38;department=&#38;level=4"),
        "{html}"
    );
}

#[tokio::test]
async fn the_hall_finder_downloads_the_halls_of_the_chosen_county_and_kind() {
    let app = with_catalog().await;
    let county = &app.app.counties().await.unwrap()[0];
    let (status, headers, body) = download(
        &app,
        &format!(
            "/halls/export.xlsx?county={}&kind=township_center",
            county.code
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header_text(&headers, header::CONTENT_TYPE), XLSX);
    assert!(
        header_text(&headers, header::CONTENT_DISPOSITION)
            .contains("filename*=UTF-8''%E5%8A%9E%E4%BA%8B%E5%A4%A7%E5%8E%85.xlsx")
    );
    let sheets = sheets(body);
    let (name, rows) = &sheets[0];
    assert_eq!(name, "办事大厅");
    assert_eq!(rows[0], ["名称", "类型", "地址", "电话", "办公时间"]);
    let townships = app.app.child_divisions(&county.code).await.unwrap();
    assert_eq!(rows.len() - 1, townships.len(), "one centre per township");
    assert!(rows[1..].iter().all(|r| r[1] == "乡镇（街道）便民服务中心"));

    let (_, _, all) = download(&app, "/halls/export.csv").await;
    let all = csv_rows(&all);
    assert_eq!(all[0], ["名称", "类型", "地址", "电话", "办公时间"]);
    assert!(all.len() > 200, "every hall of the city: {}", all.len());
}
