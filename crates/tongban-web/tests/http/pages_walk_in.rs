//! The window clerk registers a walk-in citizen who has no account: a wrong 公民身份号码 is
//! named next to its field in Chinese and creates nothing; a right one shows the login and the
//! first password once, and the clerk goes on to start the case for the new account.

use reqwest::StatusCode;

use crate::api_applications::{CLERK, county_item};
use crate::pages_applications::{browser, csrf, get, hidden, post};
use crate::support::{CITIZEN_PW, PASSWORD, spawn_app};

/// A valid 公民身份号码 of somebody born in 巴州区 in 1960.
fn id_number() -> String {
    let first17 = "51190219600101123";
    let check = tongban_domain::resident_id::check_digit(first17).unwrap();
    format!("{first17}{check}")
}

/// The text inside `<code class="login-name">` after `label`.
fn shown_after(html: &str, label: &str) -> String {
    let from = html.find(label).expect("the label is shown") + label.len();
    let marker = "<code class=\"login-name\">";
    let start = html[from..].find(marker).unwrap() + from + marker.len();
    html[start..].split('<').next().unwrap().to_string()
}

#[tokio::test]
async fn a_clerk_registers_a_walk_in_citizen_and_starts_a_case_for_them() {
    let app = spawn_app().await;
    let token = app.token("citizen", CITIZEN_PW).await;
    let (item, _) = county_item(&app, &token).await;
    let clerk = browser(&app, CLERK, PASSWORD).await;
    let (status, html) = get(&app, &clerk, "/work/walk-in").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("action=\"/work/walk-in/register\""));
    let wrong = format!("{}0", &id_number()[..17]);
    let wrong = if wrong == id_number() {
        format!("{}1", &id_number()[..17])
    } else {
        wrong
    };
    let token = csrf(&html);
    let form = [
        ("csrf", token.as_str()),
        ("real_name", "赵大爷"),
        ("id_number", wrong.as_str()),
        ("phone", "13900000001"),
        ("item_id", item.as_str()),
    ];
    let (status, page) = post(&app, &clerk, "/work/walk-in/register", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("id=\"reg_id_number-error\""),
        "next to the field"
    );
    assert!(page.contains("校验码"), "in Chinese, saying what is wrong");
    assert!(page.contains("value=\"赵大爷\""), "what was typed is kept");
    let id = id_number();
    let form = [
        ("csrf", token.as_str()),
        ("real_name", "赵大爷"),
        ("id_number", id.as_str()),
        ("phone", "13900000001"),
        ("item_id", item.as_str()),
    ];
    let (status, page) = post(&app, &clerk, "/work/walk-in/register", &form).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let login = shown_after(&page, "登录名");
    let password = shown_after(&page, "初始密码");
    assert!(page.contains("只显示这一次"));
    assert!(
        page.contains(&format!("value=\"{login}\"")),
        "the login is filled in"
    );
    let start = [
        ("csrf", csrf(&page)),
        ("key", hidden(&page, "key")),
        ("login", login.clone()),
        ("item_id", item.clone()),
    ];
    let start: Vec<(&str, &str)> = start.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, case) = post(&app, &clerk, "/work/walk-in", &start).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{case}");
    let (_, html) = get(&app, &clerk, &case).await;
    assert!(html.contains("窗口办理") && html.contains("保存草稿"));
    let citizen = app.token(&login, &password).await;
    let (_, mine) = app
        .call("GET", "/api/v1/applications", Some(&citizen), None)
        .await;
    assert_eq!(
        mine.as_array().unwrap().len(),
        1,
        "the case is the new citizen's"
    );
}
