//! The printable notices (文书) over HTTP: each notice renders for a case in the right state,
//! for the applicant and for staff, dated the day it happened; a kind the case has not given
//! is refused with a Chinese page; another citizen cannot open them.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::api_applications::{APPROVER, CLERK, REVIEWER, submitted_case};
use crate::pages_applications::{browser, csrf, get, hidden, post};
use crate::support::{CITIZEN_PW, PASSWORD, TestApp, spawn_app};

/// The clock's day (2026-11-25, Beijing) as the notices write it.
const TODAY: &str = "2026年11月25日";

async fn act(app: &TestApp, login: &str, id: &str, body: Value) -> Value {
    let token = app.token(login, PASSWORD).await;
    let path = format!("/api/v1/applications/{id}/actions");
    let (status, case) = app.call("POST", &path, Some(&token), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{login}: {case}");
    case
}

/// A submitted case of the demo citizen; its id.
async fn submitted(app: &TestApp) -> String {
    let token = app.token("citizen", CITIZEN_PW).await;
    submitted_case(app, &token).await.0
}

fn zh(iso: &str) -> String {
    let mut parts = iso.split('-').map(|p| p.parse::<u32>().unwrap());
    let (y, m, d) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    format!("{y}年{m}月{d}日")
}

#[tokio::test]
async fn an_accepted_case_prints_its_acceptance_notice_for_the_applicant_and_the_clerk() {
    let app = spawn_app().await;
    let id = submitted(&app).await;
    let case = act(&app, CLERK, &id, json!({ "action": "accept" })).await;
    let due = zh(case["due"].as_str().unwrap());
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let (status, page) = get(&app, &citizen, &format!("/applications/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("/applications/{id}/notices/acceptance")),
        "the case page links to the notice"
    );
    let (status, html) = get(
        &app,
        &citizen,
        &format!("/applications/{id}/notices/acceptance"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("受理通知书") && html.contains("决定予以受理"));
    assert!(html.contains(case["number"].as_str().unwrap()));
    assert!(html.contains(case["item_name"].as_str().unwrap()));
    assert!(
        html.contains(&format!("受理日期：{TODAY}")),
        "dated the day of acceptance"
    );
    assert!(html.contains(&due), "the promised due date {due}");
    assert!(html.contains("（盖章）"), "the department issues it");
    assert!(!html.contains("<script"), "no script is needed to print");
    let clerk = browser(&app, CLERK, PASSWORD).await;
    let path = format!("/work/applications/{id}/notices/acceptance");
    let (status, staff_page) = get(&app, &clerk, &format!("/work/applications/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        staff_page.contains(&path),
        "the staff page links to the notice"
    );
    let (status, html) = get(&app, &clerk, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("受理通知书"));
}

#[tokio::test]
async fn a_notice_the_case_has_not_given_is_refused_with_a_page_saying_why() {
    let app = spawn_app().await;
    let id = submitted(&app).await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    for (kind, why) in [
        ("acceptance", "尚未受理"),
        ("correction", "没有补正告知书"),
        ("not-accepted", "没有不予受理决定书"),
        ("refusal", "没有不予许可决定书"),
        ("extension", "没有延长审批告知书"),
        ("special", "没有特别程序告知书"),
    ] {
        let (status, html) = get(
            &app,
            &citizen,
            &format!("/applications/{id}/notices/{kind}"),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{kind}");
        assert!(html.contains(why), "{kind}: {why}");
    }
    let (status, _) = get(
        &app,
        &citizen,
        &format!("/applications/{id}/notices/licence"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn another_citizen_cannot_open_the_notice() {
    let app = spawn_app().await;
    let id = submitted(&app).await;
    act(&app, CLERK, &id, json!({ "action": "accept" })).await;
    let other = browser(&app, "c00001", CITIZEN_PW).await;
    let (status, html) = get(
        &app,
        &other,
        &format!("/applications/{id}/notices/acceptance"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains("受理日期"));
    let (status, _) = get(
        &app,
        &other,
        &format!("/work/applications/{id}/notices/acceptance"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "citizens are sent to their own page"
    );
}

#[tokio::test]
async fn the_correction_notice_lists_everything_once_and_tells_how_to_submit() {
    let app = spawn_app().await;
    let id = submitted(&app).await;
    let items = json!(["身份证复印件不清晰", "申请书缺少签名"]);
    act(
        &app,
        CLERK,
        &id,
        json!({ "action": "request_correction", "items": items }),
    )
    .await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let (status, html) = get(
        &app,
        &citizen,
        &format!("/applications/{id}/notices/correction"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("补正告知书") && html.contains("一次性告知"));
    assert!(
        html.contains("<li>身份证复印件不清晰</li>") && html.contains("<li>申请书缺少签名</li>")
    );
    assert!(html.contains("提交补正") && html.contains(TODAY));
}

#[tokio::test]
async fn a_case_not_accepted_prints_its_decision_with_the_right_of_appeal() {
    let app = spawn_app().await;
    let id = submitted(&app).await;
    let reason = "申请事项不属于本机关职权范围";
    act(
        &app,
        CLERK,
        &id,
        json!({ "action": "refuse_acceptance", "reason": reason }),
    )
    .await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let (status, html) = get(
        &app,
        &citizen,
        &format!("/applications/{id}/notices/not-accepted"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("不予受理决定书") && html.contains(reason));
    assert!(html.contains("依法申请行政复议或者提起行政诉讼"));
    assert!(html.contains(TODAY));
}

#[tokio::test]
async fn extension_special_procedure_and_refusal_each_print_their_notice() {
    let app = spawn_app().await;
    let id = submitted(&app).await;
    act(&app, CLERK, &id, json!({ "action": "accept" })).await;
    let special =
        json!({ "action": "start_special", "kind": "专家评审", "reason": "技术方案需论证" });
    act(&app, REVIEWER, &id, special).await;
    act(
        &app,
        REVIEWER,
        &id,
        json!({ "action": "end_special", "result": "论证通过" }),
    )
    .await;
    act(
        &app,
        REVIEWER,
        &id,
        json!({ "action": "approve", "opinion": "同意" }),
    )
    .await;
    let case = act(
        &app,
        APPROVER,
        &id,
        json!({ "action": "extend", "reason": "需要补充调查" }),
    )
    .await;
    let due = zh(case["due"].as_str().unwrap());
    let clerk = browser(&app, CLERK, PASSWORD).await;
    let base = format!("/work/applications/{id}/notices");
    let (status, html) = get(&app, &clerk, &format!("{base}/special")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("特别程序告知书") && html.contains("专家评审所需时间不计入办理期限"));
    assert!(html.contains("第四十五条") && html.contains("技术方案需论证"));
    let (status, html) = get(&app, &clerk, &format!("{base}/extension")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("延长审批告知书") && html.contains("因需要补充调查"));
    assert!(html.contains(&due), "the new due date {due}");
    let (status, _) = get(&app, &clerk, &format!("{base}/refusal")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "no refusal before the decision"
    );
    let reason = "不符合法定条件";
    act(
        &app,
        APPROVER,
        &id,
        json!({ "action": "refuse", "reason": reason }),
    )
    .await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let (status, html) = get(
        &app,
        &citizen,
        &format!("/applications/{id}/notices/refusal"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("不予许可决定书") && html.contains(reason));
    assert!(html.contains("依法申请行政复议或者提起行政诉讼"));
}

#[tokio::test]
async fn the_approver_refuses_with_one_click_citing_the_item_and_the_decision_says_so() {
    let app = spawn_app().await;
    let id = submitted(&app).await;
    let clerk = browser(&app, CLERK, PASSWORD).await;
    let page = format!("/work/applications/{id}");
    let (_, html) = get(&app, &clerk, &page).await;
    assert!(
        html.contains("申请事项不属于本机关职权范围"),
        "the clerk is offered the standard reasons for 不予受理"
    );
    act(&app, CLERK, &id, json!({ "action": "accept" })).await;
    act(
        &app,
        REVIEWER,
        &id,
        json!({ "action": "approve", "opinion": "同意" }),
    )
    .await;
    let approver = browser(&app, APPROVER, PASSWORD).await;
    let (status, html) = get(&app, &approver, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("不符合法定条件、标准") && html.contains("申请材料不齐全且逾期未补正"));
    let basis = hidden(&html, "basis");
    assert!(
        basis.contains('《'),
        "the item's 设定依据 is offered: {basis}"
    );
    // What the browser sends when the approver just presses 不予许可: the first reason and
    // the cited basis are already chosen.
    let form = [
        ("csrf", csrf(&html)),
        ("revision", hidden(&html, "revision")),
        ("pick", "不符合法定条件、标准".into()),
        ("basis", basis.clone()),
        ("reason", String::new()),
        ("action", "refuse".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, to) = post(&app, &approver, &page, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let (status, html) = get(
        &app,
        &citizen,
        &format!("/applications/{id}/notices/refusal"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let expected = format!("不符合法定条件、标准；依据{basis}");
    assert!(
        html.contains(&expected),
        "the decision carries the picked reason and the basis"
    );
}
