//! The main journey in a desktop-sized window: a citizen finds the item, applies online
//! (fills the form, uploads every material, checks and submits); the window clerk accepts
//! (受理); the reviewer and the approver approve, which issues the licence; the clerk delivers;
//! the citizen finds the licence in the 卡包, checks it on the public verify page and rates the
//! case (好差评). Each kind of page on the way passes the axe-core scan once.

use crate::steps::{case_id_of, open_from_queue, open_guide_by_search, sign_in, sign_out};
use crate::support::{
    APPROVER, CITIZEN_PASSWORD, CLERK, LICENCE_NAME, REVIEWER, STAFF_PASSWORD, TestApp, spawn_app,
};
use crate::webdriver::Browser;
use crate::{axe, setup};

/// The citizen applies online from the 办事指南; the case's id.
async fn citizen_applies(b: &Browser, app: &TestApp, axe: Option<&str>) -> String {
    sign_in(b, app, "citizen", CITIZEN_PASSWORD).await;
    open_guide_by_search(b, app).await;
    b.wait_for_text("在线办理").await;
    axe::check(b, axe, "办事指南").await;
    b.click(&format!(
        "form[action=\"/items/{}/apply\"] button[type=submit]",
        app.item
    ))
    .await;
    let case_page = b
        .wait_for_path("the new case's form", |p| p.starts_with("/applications/"))
        .await;
    let case_id = case_id_of(&case_page);
    axe::check(b, axe, "the application form").await;

    // Every material first: each upload reloads the case page.
    let slots = b.find_all("input[type=file]").await.len();
    assert!(slots >= app.required, "a file input per material");
    for slot in 0..slots {
        let input = format!("#file-{slot}");
        b.type_into(&input, &app.png.display().to_string()).await;
        b.click(&format!("form:has({input}) button[type=submit]"))
            .await;
        b.wait_for_count("证件.png", slot + 1).await;
    }

    b.type_into("#applicant", "张三").await;
    b.type_into("#phone", "138abc").await;
    b.click("button[name=next][value=check]").await;
    b.wait_for_text("联系电话只能包含数字").await;
    axe::check(b, axe, "the application form with an error").await;
    b.type_into("#phone", "13800000000").await;
    b.type_into("#description", "开一家小超市").await;
    if let Some(commit) = b.find_all("input[name=commit]").await.first() {
        b.click_element(commit).await;
    }
    b.click("button[name=next][value=check]").await;
    b.wait_for_path("the check page", |p| p.ends_with("/check"))
        .await;
    b.wait_for_text("13800000000").await;
    axe::check(b, axe, "the check page").await;
    b.click("button[name=action][value=submit]").await;
    b.wait_for_text("待受理").await;
    axe::check(b, axe, "the citizen's case page").await;
    sign_out(b).await;
    case_id
}

/// `login` opens the case from the work queue and takes `action` (typing an opinion first
/// when one is asked); waits for `then` on the page.
async fn staff_acts(
    b: &Browser,
    app: &TestApp,
    case_id: &str,
    login: &str,
    action: &str,
    then: &str,
    axe: Option<&str>,
) {
    sign_in(b, app, login, STAFF_PASSWORD).await;
    if axe.is_some() {
        b.goto(&app.url("/work")).await;
        axe::check(b, axe, "the work queue").await;
    }
    open_from_queue(b, app, case_id).await;
    axe::check(b, axe, "the staff case page").await;
    if action == "approve" {
        b.type_into("#approve-opinion", "同意").await;
    }
    b.click(&format!("button[name=action][value={action}]"))
        .await;
    b.wait_for_text("已办理").await;
    assert!(b.text().await.contains(then), "after {action}: {then}");
    sign_out(b).await;
}

#[tokio::test]
async fn a_citizen_applies_staff_accept_and_approve_and_the_issued_licence_verifies_and_is_rated() {
    let Some(setup) = setup("journey").await else {
        return;
    };
    let axe = setup.axe();
    let app = spawn_app().await;
    let b = setup.browser(1280, 900).await;

    let case_id = citizen_applies(&b, &app, axe).await;
    staff_acts(&b, &app, &case_id, CLERK, "accept", "办理中", axe).await;
    staff_acts(&b, &app, &case_id, REVIEWER, "approve", "办理中", None).await;
    staff_acts(&b, &app, &case_id, APPROVER, "approve", LICENCE_NAME, None).await;
    staff_acts(&b, &app, &case_id, CLERK, "deliver", "已办结", None).await;

    // The licence is in the citizen's 卡包.
    sign_in(&b, &app, "citizen", CITIZEN_PASSWORD).await;
    b.goto(&app.url("/me/licences")).await;
    b.wait_for_text(LICENCE_NAME).await;
    axe::check(&b, axe, "the 卡包").await;
    b.click("a.licence-link").await;
    b.wait_for_path("the licence page", |p| p.starts_with("/me/licences/"))
        .await;
    axe::check(&b, axe, "a licence in the 卡包").await;
    let identifier = b.element_text(&b.find("code.licence-id").await).await;
    assert!(!identifier.is_empty(), "the card shows the 证照标识");

    // Anyone can check it on the public verify page, reached from the footer.
    b.click("footer a[href=\"/verify\"]").await;
    b.wait_for_path("the verify page", |p| p == "/verify").await;
    b.type_into("#id", &identifier).await;
    b.click("form[action=\"/verify\"] button[type=submit]")
        .await;
    b.wait_for_text("有效").await;
    let verdict = b.find(".verdict").await;
    assert!(
        b.attribute(&verdict, "class")
            .await
            .contains("verdict-valid"),
        "the verdict is 有效"
    );
    assert!(b.text().await.contains(LICENCE_NAME));
    axe::check(&b, axe, "the verify page with a verdict").await;

    // The citizen rates the completed case from its page.
    b.goto(&app.url(&format!("/applications/{case_id}"))).await;
    b.click(&format!("a[href=\"/me/applications/{case_id}/evaluate\"]"))
        .await;
    b.wait_for_path("the evaluate page", |p| p.ends_with("/evaluate"))
        .await;
    axe::check(&b, axe, "the evaluate page").await;
    b.click("input[name=satisfaction][value=\"5\"]").await;
    b.type_into("#comment", "办得很快").await;
    b.click("form.evaluate-form button[type=submit]").await;
    b.wait_for_text("感谢您的评价").await;
    axe::check(&b, axe, "the evaluation receipt").await;
}
