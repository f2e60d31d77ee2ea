//! The 办事指南 kept rendered for anonymous visitors: a second visit gets the same page with its
//! own CSRF token, form key and path; a published change shows at once in this process and
//! after the item cache's TTL from another; signed-in visitors and the 长者版 get their own page.

use reqwest::{Client, StatusCode};
use tongban_app::ITEM_CACHE_TTL_MS;

use crate::api_catalog::{draft_item, food_licence, principal};
use crate::pages_applications::{browser, csrf, get, hidden, post, turn_on_elder_mode};
use crate::support::{CITIZEN_PW, TestApp, client, open_app, spawn_app};

/// The food licence drafted and published by the city's system administrator; its id.
async fn published_item(app: &TestApp) -> String {
    let id = draft_item(app, "511900-scjgj").await;
    let admin = principal(app, "admin").await;
    app.app.submit_item(&admin, &id, 1).await.unwrap();
    app.app.publish_item(&admin, &id, 1).await.unwrap();
    id
}

/// Publishes version 2 of `id` under a new name through `on` (this app or another process).
async fn rename(app: &TestApp, on: &tongban_app::App, id: &str, name: &str) {
    let admin = principal(app, "admin").await;
    let version = on.new_item_version(&admin, id).await.unwrap();
    let mut item = food_licence("511900-scjgj");
    item.name = name.into();
    on.update_item_draft(&admin, id, version, item)
        .await
        .unwrap();
    on.submit_item(&admin, id, version).await.unwrap();
    on.publish_item(&admin, id, version).await.unwrap();
}

/// The page with its form key blanked (the one value that differs between two renderings).
fn without_key(html: &str) -> String {
    html.replace(&hidden(html, "key"), "KEY")
}

async fn guide(app: &TestApp, visitor: &Client, id: &str) -> String {
    let (status, html) = get(app, visitor, &format!("/items/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    html
}

#[tokio::test]
async fn a_second_anonymous_visit_gets_the_same_guide_with_its_own_token_key_and_path() {
    let app = spawn_app().await;
    let id = published_item(&app).await;
    let visitor = client();
    let first = guide(&app, &visitor, &id).await;
    assert!(app.app.cached_item_page(&id, 0).is_some(), "kept");
    let second = guide(&app, &visitor, &id).await;
    assert_eq!(without_key(&first), without_key(&second));
    assert_ne!(
        hidden(&first, "key"),
        hidden(&second, "key"),
        "one key per rendering"
    );
    assert!(second.contains("食品经营许可"));

    let other = client();
    let (status, theirs) = get(&app, &other, &format!("/items/{id}?from=search&q=x")).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(csrf(&theirs), csrf(&first), "each visitor their own token");
    assert_eq!(
        hidden(&theirs, "back"),
        format!("/items/{id}?from=search&#38;q=x"),
        "the path, escaped as the template escapes it"
    );
    let (status, _) = post(
        &app,
        &other,
        "/mode",
        &[("csrf", &csrf(&theirs)), ("elder", "1"), ("back", "/")],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the filled-in token is the visitor's"
    );

    let (status, _) = get(&app, &visitor, "/items/no-such-item").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(app.app.cached_item_page("no-such-item", 0).is_none());
}

#[tokio::test]
async fn a_published_change_shows_at_once_here_and_within_the_cache_ttl_from_another_process() {
    let app = spawn_app().await;
    let id = published_item(&app).await;
    let visitor = client();
    assert!(guide(&app, &visitor, &id).await.contains("食品经营许可"));

    rename(&app, &app.app, &id, "食品经营许可（含小餐饮）").await;
    assert!(app.app.cached_item_page(&id, 0).is_none(), "forgotten");
    let html = guide(&app, &visitor, &id).await;
    assert!(html.contains("食品经营许可（含小餐饮）"), "{html}");

    let other_process = open_app(&app.url, app.clock.clone()).await;
    rename(&app, &other_process, &id, "食品经营许可（仅预包装）").await;
    let html = guide(&app, &visitor, &id).await;
    assert!(
        html.contains("食品经营许可（含小餐饮）"),
        "kept up to the TTL"
    );
    app.clock
        .advance(time::Duration::milliseconds(ITEM_CACHE_TTL_MS));
    let html = guide(&app, &visitor, &id).await;
    assert!(html.contains("食品经营许可（仅预包装）"), "{html}");
}

#[tokio::test]
async fn a_signed_in_visitor_sees_their_own_guide_not_the_kept_one() {
    let app = spawn_app().await;
    let id = published_item(&app).await;
    let anonymous = guide(&app, &client(), &id).await;
    assert!(!anonymous.contains("action=\"/logout\""));

    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let (_, home) = get(&app, &citizen, "/").await;
    let theirs = guide(&app, &citizen, &id).await;
    assert!(theirs.contains("action=\"/logout\""), "signed in");
    assert_eq!(csrf(&theirs), csrf(&home), "their session's token");
    assert_ne!(csrf(&theirs), csrf(&anonymous));

    let again = guide(&app, &client(), &id).await;
    assert!(
        !again.contains("action=\"/logout\""),
        "the kept page is anonymous"
    );
}

#[tokio::test]
async fn the_elder_guide_is_kept_apart_from_the_standard_one() {
    let app = spawn_app().await;
    let id = published_item(&app).await;
    let standard = client();
    let elder = client();
    turn_on_elder_mode(&app, &elder).await;
    for _ in 0..2 {
        assert!(
            guide(&app, &standard, &id)
                .await
                .contains("<body class=\"standard\">")
        );
        assert!(
            guide(&app, &elder, &id)
                .await
                .contains("<body class=\"elder\">")
        );
    }
    assert!(app.app.cached_item_page(&id, 0).is_some());
    assert!(app.app.cached_item_page(&id, 1).is_some());
}
