//! 委托代办 through the pages: a citizen grants the runner a mandate for one item found by a
//! search, sees it and revokes it; the runner sees the mandate they hold and starts a case for
//! the citizen under it on the runner channel.

use reqwest::StatusCode;

use crate::api_applications::county_item;
use crate::pages_applications::{browser, csrf, get, hidden, post};
use crate::support::{CITIZEN_PW, PASSWORD, spawn_app};

#[tokio::test]
async fn a_citizen_grants_a_runner_a_mandate_and_revokes_it_and_the_runner_applies_under_it() {
    let app = spawn_app().await;
    let token = app.token("citizen", CITIZEN_PW).await;
    let (item, _) = county_item(&app, &token).await;
    let (_, found) = app
        .call("GET", &format!("/api/v1/items/{item}"), Some(&token), None)
        .await;
    let name = found["item"]["name"]
        .as_str()
        .or(found["name"].as_str())
        .unwrap()
        .to_string();
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    let (status, page) = get(&app, &citizen, "/me/mandates").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("您还没有委托过帮代办员"));
    let search = format!("/me/mandates?q={}", crate::pages_bundles::enc(&name));
    let (_, page) = get(&app, &citizen, &search).await;
    assert!(
        page.contains(&format!("value=\"{item}\"")),
        "the item is offered"
    );
    let token = csrf(&page);
    let mut form = vec![
        ("csrf", token.as_str()),
        ("agent_login", "nobody"),
        ("items", item.as_str()),
        ("valid_until", "2026-12-31"),
    ];
    let (status, html) = post(&app, &citizen, "/me/mandates", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"agent_login-error\"") && html.contains("未找到该帮代办员"));
    form[1] = ("agent_login", "runner");
    let (status, to) = post(&app, &citizen, "/me/mandates", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, page) = get(&app, &citizen, &to).await;
    assert!(page.contains("委托已生效") && page.contains("指定事项") && page.contains("撤销委托"));

    let runner = browser(&app, "runner", PASSWORD).await;
    let (_, held) = get(&app, &runner, "/me/mandates").await;
    let marker = "/work/walk-in?mandate=";
    let start = held.find(marker).expect("the runner sees the mandate") + marker.len();
    let mandate = held[start..].split('"').next().unwrap().to_string();
    let (status, walk_in) = get(&app, &runner, &format!("{marker}{mandate}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(walk_in.contains("受托代办，申请人："));
    let form = [
        ("csrf", csrf(&walk_in)),
        ("key", hidden(&walk_in, "key")),
        ("mandate", mandate.clone()),
        ("item_id", item.clone()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, case) = post(&app, &runner, "/work/walk-in", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{case}");
    let (_, html) = get(&app, &runner, &case).await;
    assert!(html.contains("保存草稿"), "the runner fills in the form");

    let (_, page) = get(&app, &citizen, "/me/mandates").await;
    let revoke = format!("/me/mandates/{mandate}/revoke");
    assert!(page.contains(&revoke));
    let (status, to) = post(&app, &citizen, &revoke, &[("csrf", csrf(&page).as_str())]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = get(&app, &citizen, &to).await;
    assert!(page.contains("委托已撤销") && page.contains("已撤销"));
    let (status, _) = get(&app, &runner, &format!("{marker}{mandate}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a revoked mandate no longer opens the form"
    );
}
