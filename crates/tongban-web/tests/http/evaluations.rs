//! 好差评 over HTTP: the applicant rates a completed case through the API and the page (the
//! second rating of the stage is refused, a clerk cannot rate for them); a 差评 reaches the
//! county's 好差评处理人员, whose case page offers only the allowed actions; a window clerk's
//! one-time code is rated once without login; the public page and summary show counts and no
//! personal data.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::api_applications::{APPROVER, CLERK, REVIEWER, act, submitted_case};
use crate::pages_applications::{browser, csrf, get, post, turn_on_elder_mode};
use crate::support::{CITIZEN_PW, PASSWORD, TestApp, client, spawn_app};

/// The 巴州区 好差评处理人员 (a county-level handler).
const HANDLER: &str = "handler-511902";

/// A case of the demo citizen taken to 办结 over the API; its id.
async fn completed_case(app: &TestApp, citizen: &str) -> String {
    let (id, revision) = submitted_case(app, citizen).await;
    let clerk = app.token(CLERK, PASSWORD).await;
    let (status, case) = act(
        app,
        &clerk,
        &id,
        json!({ "action": "accept", "revision": revision }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{case}");
    for login in [REVIEWER, APPROVER] {
        let token = app.token(login, PASSWORD).await;
        let (status, case) = act(
            app,
            &token,
            &id,
            json!({ "action": "approve", "opinion": "同意" }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{case}");
    }
    let (status, case) = act(
        app,
        &clerk,
        &id,
        json!({ "action": "deliver", "method": "electronic" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "completed");
    id
}

fn code(body: &Value) -> &str {
    body["error"]["fields"][0]["code"]
        .as_str()
        .or(body["error"]["code"].as_str())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_bad_rating_over_the_api_reaches_the_county_handler_and_the_public_counts() {
    let app = spawn_app().await;
    let citizen = app.token("citizen", CITIZEN_PW).await;
    let id = completed_case(&app, &citizen).await;
    let path = format!("/api/v1/applications/{id}/evaluations");
    let clerk = app.token(CLERK, PASSWORD).await;
    let (status, body) = app
        .call(
            "POST",
            &path,
            Some(&clerk),
            Some(json!({ "satisfaction": 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(code(&body), "evaluation.not_applicant");
    let rating = json!({ "satisfaction": 4, "options": ["efficiency"], "comment": "等了很久", "real_name": true });
    let (status, receipt) = app
        .call("POST", &path, Some(&citizen), Some(rating.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let case_id = receipt["rectification_id"].as_str().unwrap().to_string();
    let (status, body) = app.call("POST", &path, Some(&citizen), Some(rating)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(code(&body), "evaluation.already_rated");

    let handler = app.token(HANDLER, PASSWORD).await;
    let (status, queue) = app
        .call("GET", "/api/v1/work/rectifications", Some(&handler), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    assert!(
        queue
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == case_id.as_str())
    );
    let one = format!("/api/v1/work/rectifications/{case_id}");
    let (status, case) = app.call("GET", &one, Some(&handler), None).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["allowed"], json!(["verify", "appeal"]));
    let (status, case) = app
        .call(
            "POST",
            &format!("{one}/actions"),
            Some(&handler),
            Some(json!({ "action": "close" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{case}");
    assert_eq!(code(&case), "rectification.wrong_state");
    let (status, case) = app
        .call(
            "POST",
            &format!("{one}/actions"),
            Some(&handler),
            Some(json!({ "action": "verify", "text": "属实" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["state"], "verified");
    // Another county's handler does not work this case.
    let other = app.token("handler-511903", PASSWORD).await;
    let (status, _) = app.call("GET", &one, Some(&other), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, summary) = app
        .call("GET", "/api/v1/evaluations/summary", None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(summary["levels"][3], 1);
    assert_eq!(summary["total"], 1);
    assert!(!summary.to_string().contains("citizen"));
}

#[tokio::test]
async fn the_applicant_rates_a_completed_case_on_its_page_once() {
    let app = spawn_app().await;
    let token = app.token("citizen", CITIZEN_PW).await;
    let id = completed_case(&app, &token).await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let (_, case_page) = get(&app, &citizen, &format!("/applications/{id}")).await;
    let path = format!("/me/applications/{id}/evaluate");
    assert!(
        case_page.contains(&path),
        "the completed case links to its rating"
    );
    let (status, form) = get(&app, &citizen, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("评价本次办事服务") && form.contains("办事效率"));
    let token = csrf(&form);
    let (status, page) = post(&app, &citizen, &path, &[("csrf", &token)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("请选择满意程度"));
    let (status, page) = post(
        &app,
        &citizen,
        &path,
        &[
            ("csrf", &token),
            ("satisfaction", "1"),
            ("options", "efficiency"),
            ("options", "convenience"),
            ("real_name", "0"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("感谢您的评价"));
    let (status, page) = post(
        &app,
        &citizen,
        &path,
        &[("csrf", &token), ("satisfaction", "2")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("每个环节只能评价一次"));
    let anyone = client();
    let (status, public) = get(&app, &anyone, "/evaluations").await;
    assert_eq!(status, StatusCode::OK);
    assert!(public.contains("好评率") && public.contains("100.0%"));
}

#[tokio::test]
async fn a_window_code_is_rated_once_without_login_and_the_handler_page_offers_only_allowed_actions()
 {
    let app = spawn_app().await;
    let clerk = browser(&app, CLERK, PASSWORD).await;
    let (status, desk) = get(&app, &clerk, "/work/evaluations").await;
    assert_eq!(status, StatusCode::OK);
    let (status, page) = post(
        &app,
        &clerk,
        "/work/evaluations/window",
        &[("csrf", &csrf(&desk)), ("application_id", "")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("<svg"), "the code is shown as a QR code");
    let at = page.find("/w/").unwrap();
    let token: String = page[at + 3..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    let tablet = client();
    let path = format!("/w/{token}");
    let (status, form) = get(&app, &tablet, &format!("{path}?device=tablet")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("服务态度"),
        "the window form asks the offline options"
    );
    assert!(!form.contains("实名评价"), "a window rating is anonymous");
    let form_token = csrf(&form);
    let (status, page) = post(
        &app,
        &tablet,
        &path,
        &[
            ("csrf", &form_token),
            ("device", "tablet"),
            ("satisfaction", "5"),
            ("comment", "窗口人员态度差"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("差评已转承办单位"));
    let (status, again) = get(&app, &tablet, &path).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(again.contains("只能评价一次"));

    // The hall's case is worked by the 巴州区 handler (the clerk's hall is in 巴州区).
    let handler = browser(&app, HANDLER, PASSWORD).await;
    let (status, desk) = get(&app, &handler, "/work/evaluations").await;
    assert_eq!(status, StatusCode::OK);
    let queue = &desk[desk.find("<tbody>").expect("a 差评 in the queue")..];
    let at = queue.find("/work/evaluations/").unwrap();
    let case_path: String = queue[at..].chars().take_while(|c| *c != '"').collect();
    let (status, case) = get(&app, &handler, &case_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(case.contains("提交核实") && !case.contains("value=\"close\""));
    assert!(
        !case.contains("查看评价人联系方式"),
        "anonymous: no rater to look up"
    );
    let (status, page) = post(
        &app,
        &handler,
        &case_path,
        &[("csrf", &csrf(&case)), ("action", "verify"), ("text", " ")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("请填写核实情况"));
    let (status, to) = post(
        &app,
        &handler,
        &case_path,
        &[
            ("csrf", &csrf(&case)),
            ("action", "verify"),
            ("text", "经核实，窗口人员解释不耐心"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, case) = get(&app, &handler, &case_path).await;
    assert!(case.contains("已核实") && case.contains("提交整改"));
}

#[tokio::test]
async fn in_elder_mode_the_rating_asks_one_question_per_page_then_confirms() {
    let app = spawn_app().await;
    let token = app.token("citizen", CITIZEN_PW).await;
    let id = completed_case(&app, &token).await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    turn_on_elder_mode(&app, &citizen).await;
    let path = format!("/me/applications/{id}/evaluate");
    let (status, first) = get(&app, &citizen, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first.matches("class=\"big-choice level-").count(), 5);
    assert!(!first.contains("name=\"comment\""), "one question per page");
    let token = csrf(&first);
    let (status, second) = post(
        &app,
        &citizen,
        &path,
        &[("csrf", &token), ("step", "options"), ("satisfaction", "2")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(second.contains("name=\"comment\"") && second.contains("您的评价：<strong>满意"));
    let (status, third) = post(
        &app,
        &citizen,
        &path,
        &[
            ("csrf", &token),
            ("step", "confirm"),
            ("satisfaction", "2"),
            ("options", "convenience"),
            ("real_name", "1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(third.contains("请确认您的评价") && third.contains("办事便捷度"));
    let nothing_yet = app
        .app
        .store()
        .evaluations_of_application(&id)
        .await
        .unwrap();
    assert!(
        nothing_yet.is_empty(),
        "nothing is written before the confirmation"
    );
    let (status, done) = post(
        &app,
        &citizen,
        &path,
        &[
            ("csrf", &token),
            ("step", "submit"),
            ("satisfaction", "2"),
            ("options", "convenience"),
            ("real_name", "1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(done.contains("感谢您的评价"));
    let rated = app
        .app
        .store()
        .evaluations_of_application(&id)
        .await
        .unwrap();
    assert_eq!(rated.len(), 1);
    assert_eq!(rated[0].channel, "mobile");
}
