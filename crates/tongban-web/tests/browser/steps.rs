//! Steps shared by the journeys: signing in and out through the login form, and finding the
//! item from the home page's search box.

use crate::support::TestApp;
use crate::webdriver::Browser;

/// Signs in through the login form and waits to leave it.
pub async fn sign_in(b: &Browser, app: &TestApp, login: &str, password: &str) {
    b.goto(&app.url("/login")).await;
    b.type_into("#login", login).await;
    b.type_into("#password", password).await;
    b.click("form[action=\"/login\"] button[type=submit]").await;
    b.wait_for_path("a page after signing in", |p| !p.starts_with("/login"))
        .await;
}

/// Signs out with the header's 退出 button.
pub async fn sign_out(b: &Browser) {
    b.click("form[action=\"/logout\"] button").await;
    b.find(".site-nav a[href=\"/login\"]").await;
}

/// Searches for the item from the home page and opens its 办事指南.
pub async fn open_guide_by_search(b: &Browser, app: &TestApp) {
    b.goto(&app.url("/")).await;
    b.type_into("#q", &app.item_name).await;
    b.click("form.search button[type=submit]").await;
    b.wait_for_path("the search results", |p| p.starts_with("/search"))
        .await;
    b.click(&format!("a[href=\"/items/{}\"]", app.item)).await;
    b.wait_for_path("the item's guide", |p| p.starts_with("/items/"))
        .await;
}

/// Opens a case from the staff work queue (`/work`) by its link.
pub async fn open_from_queue(b: &Browser, app: &TestApp, case_id: &str) {
    b.goto(&app.url("/work")).await;
    b.click(&format!("a[href=\"/work/applications/{case_id}\"]"))
        .await;
    b.wait_for_path("the staff case page", |p| {
        p.starts_with(&format!("/work/applications/{case_id}"))
    })
    .await;
}

/// The case id in a `/applications/{id}…` path.
pub fn case_id_of(path: &str) -> String {
    path.trim_start_matches("/applications/")
        .split(['/', '?'])
        .next()
        .unwrap_or_default()
        .to_string()
}
