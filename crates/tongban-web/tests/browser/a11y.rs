//! The axe-core scan of the public pages a visitor meets first: home, search results, the item
//! list, an 办事指南, the login page, the verify page, the public 好差评 page, the hall finder,
//! and the home page in 长者版.

use crate::support::spawn_app;
use crate::{axe, setup};

#[tokio::test]
async fn the_public_pages_have_no_serious_accessibility_violations() {
    let Some(setup) = setup("a11y").await else {
        return;
    };
    let Some(axe) = setup.axe() else {
        return;
    };
    let app = spawn_app().await;
    let b = setup.browser(1280, 900).await;
    let search = format!("/search?q={}", app.item_name);
    let guide = format!("/items/{}", app.item);
    for page in [
        "/",
        search.as_str(),
        "/items",
        guide.as_str(),
        "/login",
        "/verify",
        "/evaluations",
        "/halls",
    ] {
        b.goto(&app.url(page)).await;
        b.find("main").await;
        axe::check(&b, Some(axe), page).await;
    }
    b.goto(&app.url("/")).await;
    b.click("form.mode-switch button").await;
    b.find("body.elder").await;
    axe::check(&b, Some(axe), "the elder home page").await;
}

#[tokio::test]
async fn the_scan_fails_a_page_with_an_unlabelled_field_and_an_image_without_alt() {
    let Some(setup) = setup("a11y-self-check").await else {
        return;
    };
    let Some(axe) = setup.axe() else {
        return;
    };
    let b = setup.browser(800, 600).await;
    b.goto(
        "data:text/html;charset=utf-8,<!doctype html><html lang=zh-CN><title>t</title>\
            <main><h1>t</h1><img src=x.png><input type=text></main></html>",
    )
    .await;
    let lines = axe::serious_on(&b, axe, "a broken page").await.join("\n");
    assert!(lines.contains("image-alt"), "{lines}");
    assert!(lines.contains("label"), "{lines}");
}
