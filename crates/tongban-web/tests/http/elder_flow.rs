//! The 长者版 application flow over HTTP: in elder mode the draft form asks one question per
//! page at the same URL with a `step` parameter (so a relative can open the same page), with
//! 上一步/下一步 and the item's phone on every page, and goes through every material to the
//! check page and submission; the case page then says where the case stands in one sentence.

use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::api_applications::{CLERK, PNG, multipart};
use crate::pages_applications::{browser, csrf, get, hidden, post, started, turn_on_elder_mode};
use crate::support::{CITIZEN_PW, PASSWORD, TestApp};

/// A signed-in browser switched to the 长者版.
async fn elder_browser(app: &TestApp, login: &str, password: &str) -> Client {
    let b = browser(app, login, password).await;
    turn_on_elder_mode(app, &b).await;
    b
}

/// The link of the page's 下一步 button.
fn next_link(html: &str) -> String {
    let marker = "class=\"big-button next\" href=\"";
    let start = html.find(marker).expect("a 下一步 link") + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}

/// Answers one question: the redirect's target.
async fn answer(
    app: &TestApp,
    b: &Client,
    case: &str,
    html: &str,
    pairs: &[(&str, &str)],
) -> (StatusCode, String) {
    let token = csrf(html);
    let revision = hidden(html, "revision");
    let step = hidden(html, "step");
    let mut form = vec![
        ("csrf", token.as_str()),
        ("revision", revision.as_str()),
        ("step", step.as_str()),
    ];
    form.extend_from_slice(pairs);
    post(app, b, case, &form).await
}

#[tokio::test]
async fn in_elder_mode_the_form_asks_one_question_per_page_and_goes_through_to_submission() {
    let app = crate::support::spawn_app().await;
    let elder = elder_browser(&app, "citizen", CITIZEN_PW).await;
    let (case, required) = started(&app, &elder).await;

    let (status, html) = get(&app, &elder, &case).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("申请人叫什么名字") && html.contains("name=\"applicant\""));
    assert!(!html.contains("name=\"phone\""), "one question at a time");
    assert!(
        html.contains("href=\"tel:"),
        "the phone to call is on the page"
    );
    assert!(
        !html.contains("上一步"),
        "the first question has nothing before it"
    );
    let (status, to) = answer(&app, &elder, &case, &html, &[("applicant", "张三")]).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, format!("{case}?step=phone").as_str())
    );

    let (_, html) = get(&app, &elder, &to).await;
    assert!(html.contains("name=\"phone\"") && !html.contains("name=\"applicant\""));
    assert!(
        html.contains(&format!("href=\"{case}?step=applicant\"")),
        "上一步 goes back"
    );
    assert!(html.contains("href=\"tel:"));
    let (status, again) = answer(&app, &elder, &case, &html, &[("phone", "12ab")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.contains("联系电话只能包含数字") && again.contains("value=\"12ab\""));
    let (status, to) = answer(&app, &elder, &case, &html, &[("phone", "13800000000")]).await;
    assert_eq!(
        (status, to.as_str()),
        (
            StatusCode::SEE_OTHER,
            format!("{case}?step=description").as_str()
        )
    );

    // A relative opens the same URL in the standard mode and sees the same question.
    let relative = browser(&app, "citizen", CITIZEN_PW).await;
    let (_, same) = get(&app, &relative, &to).await;
    assert!(same.contains("您想办什么事") && !same.contains("name=\"phone\""));

    let (_, html) = get(&app, &elder, &to).await;
    let (status, mut to) = answer(&app, &elder, &case, &html, &[("description", "")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    for _ in &required {
        assert!(to.contains("?step=material-"), "{to}");
        let (_, html) = get(&app, &elder, &to).await;
        assert!(html.contains("请上传：") && html.contains("href=\"tel:"));
        let step = hidden(&html, "step");
        let (content_type, body) = multipart(
            &[
                ("csrf", &csrf(&html)),
                ("revision", &hidden(&html, "revision")),
                ("material", &hidden(&html, "material")),
                ("slot", &hidden(&html, "slot")),
                ("step", &step),
            ],
            "证件.png",
            PNG,
        );
        let res = elder
            .post(app.url(&format!("{case}/upload")))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let back = res.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(
            back,
            format!("{case}?step={step}&done=uploaded"),
            "the same question again"
        );
        let (_, html) = get(&app, &elder, &back).await;
        assert!(html.contains("已经上传：证件.png"));
        to = next_link(&html);
    }
    if to.ends_with("?step=commitment") {
        let (_, html) = get(&app, &elder, &to).await;
        assert!(html.contains("承诺书"));
        let (status, next) = answer(&app, &elder, &case, &html, &[("commit", "1")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        to = next;
    }
    assert_eq!(to, format!("{case}/check"));

    let (status, check) = get(&app, &elder, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(check.contains("13800000000") && check.contains("张三"));
    assert!(
        check.contains(&format!("{case}?step=phone")),
        "每一项都能回去改"
    );
    assert!(check.contains("上一步") && check.contains("href=\"tel:"));
    let form = [
        ("csrf", csrf(&check)),
        ("revision", hidden(&check, "revision")),
        ("action", "submit".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, to) = post(&app, &elder, &format!("{case}/act"), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, html) = get(&app, &elder, &to).await;
    assert!(html.contains("您的申请已经交上去了，正在等工作人员受理。"));
    assert!(html.contains("接下来："));
    assert!(
        !html.contains("class=\"timeline\""),
        "fewer links: no timeline"
    );

    let id = case.trim_start_matches("/applications/");
    let token = app.token(CLERK, PASSWORD).await;
    let path = format!("/api/v1/applications/{id}/actions");
    let (status, body) = app
        .call(
            "POST",
            &path,
            Some(&token),
            Some(json!({ "action": "accept" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, html) = get(&app, &elder, &case).await;
    assert!(
        html.contains("您的申请正在审查，还剩") && html.contains("个工作日。"),
        "the status is one sentence with the days left"
    );
    assert!(html.contains("您现在不用做什么"));
}
