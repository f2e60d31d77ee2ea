//! The 长者版 on a phone-sized window (390×844): the citizen switches to elder mode from the
//! header, applies one question per page with 下一步 (uploading each material on its own page),
//! submits from the check page and reads where the case stands in one sentence; no page
//! scrolls sideways. A question page, an upload page, the check page and the case page pass
//! the axe-core scan (the elder home page is scanned with the public pages).

use serde_json::json;

use crate::steps::{open_guide_by_search, sign_in};
use crate::support::{CITIZEN_PASSWORD, spawn_app};
use crate::webdriver::Browser;
use crate::{axe, setup};

/// Fails when the page is wider than the window (the phone user would scroll sideways).
async fn fits_the_width(b: &Browser) {
    let widths = b
        .script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
            json!([]),
        )
        .await;
    let (scroll, client) = (widths[0].as_u64(), widths[1].as_u64());
    assert!(
        scroll <= client,
        "{} scrolls sideways on a phone: {scroll:?} > {client:?}",
        b.path().await
    );
}

#[tokio::test]
async fn in_elder_mode_on_a_phone_a_citizen_applies_one_question_at_a_time() {
    let Some(setup) = setup("elder").await else {
        return;
    };
    let axe = setup.axe();
    let app = spawn_app().await;
    let b = setup.browser(390, 844).await;
    sign_in(&b, &app, "citizen", CITIZEN_PASSWORD).await;
    let (width, _) = b.viewport().await;
    assert!(width <= 390, "a phone-sized viewport, got {width}");
    b.click("form.mode-switch button").await;
    b.wait_for_text("标准版").await;
    assert!(
        b.find_all("body.elder").await.len() == 1,
        "the page is in 长者版"
    );
    fits_the_width(&b).await;

    open_guide_by_search(&b, &app).await;
    fits_the_width(&b).await;
    b.click(&format!(
        "form[action=\"/items/{}/apply\"] button[type=submit]",
        app.item
    ))
    .await;
    b.wait_for_path("the first question", |p| p.starts_with("/applications/"))
        .await;

    // One question per page until the check page.
    let answers = [
        ("#applicant", "李桂兰"),
        ("#phone", "13900000000"),
        ("#description", "申请开一家小店"),
    ];
    let mut pages = 0;
    let mut scanned = false;
    loop {
        let path = b.path().await;
        if path.ends_with("/check") {
            break;
        }
        pages += 1;
        assert!(pages <= 20, "the questions end; still on {path}");
        b.wait_for_text("下一步").await;
        fits_the_width(&b).await;
        assert!(
            b.find_all("a[href^=\"tel:\"]").await.len() == 1,
            "the phone to call is on every question"
        );
        if pages == 1 {
            axe::check(&b, axe, "an elder question page").await;
        }
        for (field, value) in answers {
            if !b.find_all(field).await.is_empty() {
                b.type_into(field, value).await;
            }
        }
        if let Some(file) = b.find_all("input[type=file]").await.first() {
            let id = b.attribute(file, "id").await;
            b.type_into(&format!("#{id}"), &app.png.display().to_string())
                .await;
            b.click(&format!("form:has(#{id}) button[type=submit]"))
                .await;
            b.wait_for_text("已经上传").await;
            if !scanned {
                axe::check(&b, axe, "an elder upload page").await;
                scanned = true;
            }
        }
        if let Some(commit) = b.find_all("input[name=commit]").await.first() {
            b.click_element(commit).await;
        }
        let here = b.path().await;
        b.click(".big-button.next").await;
        b.wait_for_path("the next question", |p| p != here).await;
    }
    assert!(
        pages >= 3 + app.required,
        "one page per question and material"
    );
    b.wait_for_text("李桂兰").await;
    fits_the_width(&b).await;
    axe::check(&b, axe, "the elder check page").await;
    b.click("button[name=action][value=submit]").await;
    b.wait_for_text("您的申请已经交上去了，正在等工作人员受理。")
        .await;
    fits_the_width(&b).await;
    axe::check(&b, axe, "the elder case page").await;
}
