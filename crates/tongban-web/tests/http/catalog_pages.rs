//! The catalogue for citizens over HTTP: the 办事指南 page renders for every demo item, and
//! searching in everyday words finds the right items first.

use reqwest::StatusCode;

use crate::support::{TestApp, spawn_app};

async fn with_catalog() -> (TestApp, Vec<tongban_domain::catalog::ServiceItem>) {
    let app = spawn_app().await;
    let city = tongban_demo::generate(&tongban_demo::DemoConfig {
        seed: 7,
        citizens: 5,
        enterprises: 3,
    });
    let items = tongban_demo::catalog_items(&city);
    let seeded = app.app.seed_catalog(items.clone()).await.unwrap();
    assert_eq!(seeded, items.len());
    (app, items)
}

#[tokio::test]
async fn the_guide_page_renders_for_every_demo_item() {
    let (app, items) = with_catalog().await;
    let mut page = 1;
    let mut seen = 0;
    loop {
        let query = tongban_app::CatalogQuery {
            page,
            per_page: 100,
            ..Default::default()
        };
        let (found, total) = app.app.search_items(&query).await.unwrap();
        assert_eq!(total as usize, items.len());
        if found.is_empty() {
            break;
        }
        for summary in &found {
            let res = app
                .client
                .get(app.url(&format!("/items/{}", summary.item_id)))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{}", summary.name);
            let html = res.text().await.unwrap();
            assert!(html.contains(&summary.name));
            assert!(html.contains("<svg"), "the flow diagram is drawn");
            seen += 1;
        }
        page += 1;
    }
    assert_eq!(seen, items.len());
}

#[tokio::test]
async fn searching_for_a_business_licence_finds_the_registration_items_first() {
    let (app, _) = with_catalog().await;
    let html = app
        .client
        .get(app.url("/items?q=营业执照"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let first = html.split("<h2><a href=\"/items/").nth(1).unwrap();
    let name = first.split('>').nth(1).unwrap().split('<').next().unwrap();
    assert!(
        name.contains("登记") || name.contains("营业执照"),
        "first hit: {name}"
    );
    for q in ["出生", "社保", "公积金"] {
        let (status, html) = {
            let res = app
                .client
                .get(app.url(&format!("/items?q={q}")))
                .send()
                .await
                .unwrap();
            (res.status(), res.text().await.unwrap())
        };
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("没有找到相关事项"), "{q} finds items");
    }
}

#[tokio::test]
async fn the_portal_search_and_theme_pages_show_items() {
    let (app, _) = with_catalog().await;
    let html = app
        .client
        .get(app.url("/search?q=公积金"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("href=\"/items/"));
    let html = app
        .client
        .get(app.url("/themes/birth"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("href=\"/items/"));
}
