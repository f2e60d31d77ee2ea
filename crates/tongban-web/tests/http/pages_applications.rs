//! The case pages over HTTP: a citizen starts a case from the 办事指南 (the same form twice
//! makes one case), fills the form, uploads a file, checks the answers and submits; a clerk
//! accepts from the staff case page, a stale page gets the conflict message; a page POST
//! without the CSRF token is refused.

use reqwest::{Client, StatusCode};

use crate::api_applications::{CLERK, OTHER_CLERK, PNG, county_item, multipart};
use crate::support::{CITIZEN_PW, PASSWORD, TestApp, client, spawn_app};

pub async fn browser(app: &TestApp, login: &str, password: &str) -> Client {
    let browser = client();
    let csrf = csrf(&get(app, &browser, "/login").await.1);
    let res = browser
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", login),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login {login}");
    browser
}

pub async fn get(app: &TestApp, browser: &Client, path: &str) -> (StatusCode, String) {
    let res = browser.get(app.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

pub fn csrf(html: &str) -> String {
    hidden(html, "csrf")
}

/// Switches `browser` to the 长者版 with the home page's form, as a visitor would.
pub async fn turn_on_elder_mode(app: &TestApp, browser: &Client) {
    let (_, home) = get(app, browser, "/").await;
    let (status, _) = post(
        app,
        browser,
        "/mode",
        &[("csrf", &csrf(&home)), ("elder", "1"), ("back", "/")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the 长者版 switch answers");
}

pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("a hidden field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Posts a form; the status and the `Location` (or the body).
pub async fn post(
    app: &TestApp,
    browser: &Client,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let res = browser.post(app.url(path)).form(form).send().await.unwrap();
    let status = res.status();
    match res.headers().get("location") {
        Some(to) => (status, to.to_str().unwrap().to_string()),
        None => (status, res.text().await.unwrap()),
    }
}

/// The citizen's draft case started from the guide page; the case page's path.
pub(crate) async fn started(app: &TestApp, citizen: &Client) -> (String, Vec<String>) {
    let token = app.token("citizen", CITIZEN_PW).await;
    let (item, required) = county_item(app, &token).await;
    let (status, guide) = get(app, citizen, &format!("/items/{item}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(guide.contains("在线办理"));
    let form = [("csrf", csrf(&guide)), ("key", hidden(&guide, "key"))];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, first) = post(app, citizen, &format!("/items/{item}/apply"), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, again) = post(app, citizen, &format!("/items/{item}/apply"), &form).await;
    assert_eq!(first, again, "a double submit makes one case");
    (first, required)
}

async fn upload_all(app: &TestApp, browser: &Client, case: &str, required: &[String]) {
    for material in required {
        let (_, html) = get(app, browser, case).await;
        let (content_type, body) = multipart(
            &[
                ("csrf", &csrf(&html)),
                ("revision", &hidden(&html, "revision")),
                ("material", material),
            ],
            "证件.png",
            PNG,
        );
        let res = browser
            .post(app.url(&format!("{case}/upload")))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{material}");
    }
}

#[tokio::test]
async fn a_citizen_fills_the_form_uploads_checks_and_submits_from_the_pages() {
    let app = spawn_app().await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let (case, required) = started(&app, &citizen).await;
    let (status, html) = get(&app, &citizen, &case).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("申请人") && html.contains("保存草稿"));
    let form = [
        ("csrf", csrf(&html)),
        ("revision", hidden(&html, "revision")),
        ("applicant", "张三".into()),
        ("phone", "138abc".into()),
        ("next", "check".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, html) = post(&app, &citizen, &case, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("联系电话只能包含数字"),
        "the error is next to the field"
    );
    assert!(html.contains("value=\"张三\""), "what was typed is kept");
    let mut form = form.clone();
    form[3] = ("phone", "13800000000");
    let (status, to) = post(&app, &citizen, &case, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, format!("{case}/check"));
    upload_all(&app, &citizen, &case, &required).await;
    let (status, check) = get(&app, &citizen, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(check.contains("核对申请信息") && check.contains("13800000000"));
    let form = [
        ("csrf", csrf(&check)),
        ("revision", hidden(&check, "revision")),
        ("action", "submit".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, to) = post(&app, &citizen, &format!("{case}/act"), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, html) = get(&app, &citizen, &to).await;
    assert!(html.contains("待受理"), "the status is in words");
    assert!(html.contains("承办："));
    let (_, mine) = get(&app, &citizen, "/me/applications").await;
    assert!(mine.contains(&case));
}

#[tokio::test]
async fn a_page_post_without_the_csrf_token_is_refused() {
    let app = spawn_app().await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let (case, _) = started(&app, &citizen).await;
    let (status, _) = post(
        &app,
        &citizen,
        &format!("{case}/act"),
        &[("action", "withdraw")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, html) = get(&app, &citizen, &case).await;
    assert!(html.contains("草稿"), "nothing changed");
}

/// A submitted case of the demo citizen through the API; its staff page path.
async fn submitted(app: &TestApp) -> String {
    let token = app.token("citizen", CITIZEN_PW).await;
    let (id, _) = crate::api_applications::submitted_case(app, &token).await;
    format!("/work/applications/{id}")
}

#[tokio::test]
async fn the_clerk_sees_the_case_in_the_queue_and_accepts_it_from_its_page() {
    let app = spawn_app().await;
    let page = submitted(&app).await;
    let clerk = browser(&app, CLERK, PASSWORD).await;
    let (status, work) = get(&app, &clerk, "/work").await;
    assert_eq!(status, StatusCode::OK);
    assert!(work.contains(&page), "the case is in the clerk's queue");
    let (status, html) = get(&app, &clerk, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"accept\""));
    assert!(html.contains("一次性告知补正"));
    assert!(
        !html.contains("value=\"approve\""),
        "only the allowed actions"
    );
    assert!(html.contains("*"), "the applicant's name is masked");
    let form = [
        ("csrf", csrf(&html)),
        ("revision", hidden(&html, "revision")),
        ("action", "accept".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, to) = post(&app, &clerk, &page, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, html) = get(&app, &clerk, &to).await;
    assert!(html.contains("办理中"));
}

#[tokio::test]
async fn a_stale_staff_page_gets_the_conflict_message_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let page = submitted(&app).await;
    let first = browser(&app, CLERK, PASSWORD).await;
    let second = browser(&app, OTHER_CLERK, PASSWORD).await;
    let (_, first_html) = get(&app, &first, &page).await;
    let (_, second_html) = get(&app, &second, &page).await;
    let form = [
        ("csrf", csrf(&first_html)),
        ("revision", hidden(&first_html, "revision")),
        ("action", "accept".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _) = post(&app, &first, &page, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let form = [
        ("csrf", csrf(&second_html)),
        ("revision", hidden(&second_html, "revision")),
        ("action", "request_correction".into()),
        ("lines", "身份证复印件不清晰".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, html) = post(&app, &second, &page, &form).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        html.contains("刚刚已被他人处理"),
        "the message is at the top"
    );
    assert!(
        html.contains("身份证复印件不清晰"),
        "what was typed is kept"
    );
}

#[tokio::test]
async fn a_window_clerk_registers_a_walk_in_applicant_and_opens_the_same_form() {
    let app = spawn_app().await;
    let token = app.token("citizen", CITIZEN_PW).await;
    let (item, _) = county_item(&app, &token).await;
    let clerk = browser(&app, CLERK, PASSWORD).await;
    let (status, html) = get(&app, &clerk, "/work/walk-in").await;
    assert_eq!(status, StatusCode::OK);
    let form = [
        ("csrf", csrf(&html)),
        ("key", hidden(&html, "key")),
        ("login", "nobody-here".into()),
        ("item_id", item.clone()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, html) = post(&app, &clerk, "/work/walk-in", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("未找到该申请人账号"));
    let mut form = form.clone();
    form[2] = ("login", "citizen");
    let (status, case) = post(&app, &clerk, "/work/walk-in", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{case}");
    let (status, html) = get(&app, &clerk, &case).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("窗口办理") && html.contains("保存草稿"));
}

#[tokio::test]
async fn the_stored_case_leaves_its_timeline_out_and_the_case_pages_show_all_of_it() {
    let app = spawn_app().await;
    let citizen = app.token("citizen", CITIZEN_PW).await;
    let (id, revision) = crate::api_applications::submitted_case(&app, &citizen).await;
    let clerk_token = app.token(CLERK, PASSWORD).await;
    let (status, answer) = crate::api_applications::act(
        &app,
        &clerk_token,
        &id,
        serde_json::json!({ "action": "accept", "revision": revision }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let events = revision + 1;
    assert_eq!(
        answer["case"]["history"].as_array().map(Vec::len),
        Some(events as usize),
        "the answer to an action carries the whole timeline: {answer}"
    );

    let row = app.app.store().application(&id).await.unwrap().unwrap();
    assert!(
        !row.state_json.contains("\"history\""),
        "the stored state has no timeline: {}",
        row.state_json
    );
    assert_eq!(
        tongban_store::parse_event_seqs(&row.event_seqs).len() as u64,
        events,
        "the row lists every event of the case"
    );

    let clerk = browser(&app, CLERK, PASSWORD).await;
    let (status, html) = get(&app, &clerk, &format!("/work/applications/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let lines = |html: &str, what: &str| html.matches(&format!("<strong>{what}</strong>")).count();
    assert_eq!(lines(&html, "创建申请草稿"), 1, "{html}");
    assert!(lines(&html, "上传材料") >= 1, "{html}");
    assert_eq!(lines(&html, "提交申请"), 1, "{html}");
    assert_eq!(lines(&html, "受理"), 1, "{html}");
    let applicant = browser(&app, "citizen", CITIZEN_PW).await;
    let (status, html) = get(&app, &applicant, &format!("/applications/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lines(&html, "创建申请草稿"), 1, "{html}");
    assert_eq!(lines(&html, "受理"), 1, "{html}");

    let report = app.app.rebuild_applications().await.unwrap();
    assert!(report.mismatches.is_empty(), "{report:?}");
}
