//! The bureau's pages and API over HTTP: the dashboard, assessment and bulletins render for a
//! supervisor and refuse a citizen; the dashboard shows the API's figures; a month's letters
//! are drafted once, edited, sent once and the unit's staff get the notice; weights are
//! checked and versioned; bulletins, the assessment and letters download as valid xlsx and PDF.

use std::io::Cursor;

use calamine::{Reader as _, Xlsx, open_workbook_from_rs};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tongban_domain::indicators::Counters;
use tongban_store::{RollupDelta, counters_to_array};

use crate::support::{CITIZEN_PW, PASSWORD, TestApp, client, spawn_app};

const CITY: &str = "511900000000";
const BAZHOU: &str = "511902000000";
const ENYANG: &str = "511903000000";
/// The city market regulator: its admin is the demo's `deptadmin`.
const LAGGING_DEPT: &str = "511900-scjgj";
const GOOD_DEPT: &str = "511903-scjgj";

fn good() -> Counters {
    Counters {
        completed: 100,
        fully_online: 95,
        at_most_one_visit: 100,
        on_time: 100,
        completed_rated: 90,
        ratings: [10, 0, 0, 0, 0],
        ..Counters::default()
    }
}

fn poor() -> Counters {
    Counters {
        completed: 100,
        fully_online: 20,
        at_most_one_visit: 50,
        on_time: 50,
        completed_rated: 10,
        ratings: [5, 0, 0, 5, 0],
        bad: 5,
        bad_rectified: 1,
        ..Counters::default()
    }
}

fn delta(dimension: &str, key: &str, county: &str, day: i64, c: &Counters) -> RollupDelta {
    RollupDelta {
        dimension: dimension.into(),
        key: key.into(),
        day,
        parent: if dimension == "county" {
            String::new()
        } else {
            county.into()
        },
        county: county.into(),
        delta: counters_to_array(c),
    }
}

/// Three months (August to October 2026) in which 恩阳区 and the city market regulator lag.
async fn with_three_months(app: &TestApp) {
    let mut deltas = Vec::new();
    for day in [20_260_815, 20_260_915, 20_261_015] {
        deltas.push(delta("county", BAZHOU, BAZHOU, day, &good()));
        deltas.push(delta("county", ENYANG, ENYANG, day, &poor()));
        deltas.push(delta("department", GOOD_DEPT, ENYANG, day, &good()));
        deltas.push(delta("department", LAGGING_DEPT, CITY, day, &poor()));
    }
    app.app
        .store()
        .write(move |ctx| Box::pin(async move { ctx.add_indicator_rollups(&deltas).await }))
        .await
        .unwrap();
}

async fn browser(app: &TestApp, login: &str, password: &str) -> Client {
    let browser = client();
    let csrf = app_csrf(app, &browser, "/login").await;
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

async fn app_csrf(app: &TestApp, browser: &Client, path: &str) -> String {
    let html = browser
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

async fn get(app: &TestApp, browser: &Client, path: &str) -> (StatusCode, String) {
    let res = browser.get(app.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn bytes(app: &TestApp, browser: &Client, path: &str) -> (StatusCode, String, Vec<u8>) {
    let res = browser.get(app.url(path)).send().await.unwrap();
    let kind = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (res.status(), kind, res.bytes().await.unwrap().to_vec())
}

async fn post(
    app: &TestApp,
    browser: &Client,
    page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let csrf = app_csrf(app, browser, page).await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let res = browser
        .post(app.url(path))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    let body = res.text().await.unwrap();
    (status, location.unwrap_or(body))
}

#[tokio::test]
async fn the_bureau_pages_render_for_a_supervisor_and_refuse_a_citizen() {
    let app = spawn_app().await;
    with_three_months(&app).await;
    let supervisor = browser(&app, "supervisor", PASSWORD).await;
    let citizen = browser(&app, "citizen", CITIZEN_PW).await;
    for path in [
        "/bureau?month=2026-10",
        "/bureau/counties/511903000000?month=2026-10",
        "/bureau/assessment?month=2026-10",
        "/bureau/bulletins/week/2026-W42",
        "/bureau/bulletins/month/2026-10",
        "/bureau/bulletins/quarter/2026-Q3",
        "/bureau/letters",
        "/bureau/weights",
        "/bureau/cases?period=2026-10",
    ] {
        let (status, html) = get(&app, &supervisor, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        assert!(html.contains("督查导航"), "{path}");
        let (status, _) = get(&app, &citizen, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a citizen on {path}");
    }
    let (_, html) = get(&app, &supervisor, "/bureau/assessment?month=2026-10").await;
    assert!(html.contains("恩阳区") && html.contains("巴州区"));
    assert!(html.contains("<svg"), "the ranking is drawn on the server");
    assert!(html.contains("class=\"lagging\""));
    let (status, _) = get(&app, &supervisor, "/bureau/bulletins/month/2026-Q3").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = get(&app, &client(), "/bureau").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "signed out: to the login page"
    );
}

#[tokio::test]
async fn the_dashboard_shows_the_same_figures_as_the_api() {
    let app = spawn_app().await;
    with_three_months(&app).await;
    let token = app.token("supervisor", PASSWORD).await;
    let (status, api) = app
        .call(
            "GET",
            "/api/v1/bureau/dashboard?month=2026-10",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{api}");
    assert_eq!(api["completed"], 200);
    assert_eq!(
        api["open_bad"], 12,
        "4 差评 of each of three months not rectified"
    );
    assert_eq!(api["trend"].as_array().unwrap().len(), 12);
    let supervisor = browser(&app, "supervisor", PASSWORD).await;
    let (_, html) = get(&app, &supervisor, "/bureau?month=2026-10").await;
    let tile = |v: &Value| {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        format!("<strong class=\"tile-value\">{text}</strong>")
    };
    for figure in [
        &api["completed"],
        &api["indicators"]["fully_online_rate"],
        &api["indicators"]["on_time_rate"],
        &api["indicators"]["good_rate"],
        &api["overdue"],
        &api["open_bad"],
        &api["letters_waiting"],
    ] {
        assert!(html.contains(&tile(figure)), "dashboard lacks {figure}");
    }
    for county in api["counties"].as_array().unwrap() {
        let score = county["score_text"].as_str().unwrap();
        assert!(html.contains(&format!("<td>{score}</td>")), "{county}");
    }
    let first = &api["counties"][0];
    assert_eq!(first["key"], BAZHOU);
    assert_eq!(first["rank"], 1);
    assert_eq!(api["counties"][1]["last"], true);
}

#[tokio::test]
async fn without_a_month_the_dashboard_shows_the_last_complete_month() {
    let app = spawn_app().await;
    with_three_months(&app).await;
    let token = app.token("supervisor", PASSWORD).await;
    let (status, api) = app
        .call("GET", "/api/v1/bureau/dashboard", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{api}");
    assert_eq!(api["month"], "2026-10", "today is 2026-11-25");
    assert_eq!(api["completed"], 200);
    let supervisor = browser(&app, "supervisor", PASSWORD).await;
    let (_, html) = get(&app, &supervisor, "/bureau").await;
    assert!(
        html.contains("2026年10月"),
        "the page names the month it shows"
    );
    assert!(html.contains("<strong class=\"tile-value\">200</strong>"));
    let (_, cases) = get(&app, &supervisor, "/bureau/cases").await;
    assert!(
        cases.contains("2026年10月"),
        "the cases behind it are October's too"
    );
}

#[tokio::test]
async fn a_letter_is_drafted_once_edited_sent_once_and_the_unit_hears_of_it() {
    let app = spawn_app().await;
    with_three_months(&app).await;
    let supervisor = browser(&app, "supervisor", PASSWORD).await;
    let (status, to) = post(
        &app,
        &supervisor,
        "/bureau/assessment?month=2026-10",
        "/bureau/letters/draft",
        &[("month", "2026-10")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert!(to.starts_with("/bureau/assessment?month=2026-10&drafted="));

    let token = app.token("supervisor", PASSWORD).await;
    let (_, letters) = app
        .call(
            "GET",
            "/api/v1/bureau/letters?period=2026-10",
            Some(&token),
            None,
        )
        .await;
    let kinds: Vec<(String, String)> = letters
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["unit_id"].as_str().unwrap().to_string(),
                l["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (LAGGING_DEPT.to_string(), "interview".to_string()),
            (ENYANG.to_string(), "interview".to_string()),
        ],
        "three months under the threshold: 约谈函, and nobody else"
    );
    let (status, again) = app
        .call(
            "POST",
            "/api/v1/bureau/letters/draft",
            Some(&token),
            Some(json!({ "month": "2026-10" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        (again["drafted"].clone(), again["existing"].clone()),
        (json!(0), json!(2))
    );

    let id = format!("2026-10.interview.{LAGGING_DEPT}");
    let page = format!("/bureau/letters/{id}");
    let (status, to) = post(
        &app,
        &supervisor,
        &page,
        &page,
        &[("body", "市市场监管局：请于12月1日到局接受约谈。")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (status, empty) = post(&app, &supervisor, &page, &page, &[("body", "  ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.contains("请填写文书正文"));

    let deptadmin = app.token("deptadmin", PASSWORD).await;
    let (_, mine) = app
        .call("GET", "/api/v1/bureau/letters", Some(&deptadmin), None)
        .await;
    assert_eq!(
        mine.as_array().unwrap().len(),
        1,
        "a unit reads its own letters only"
    );
    let (status, _) = app
        .call(
            "GET",
            &format!("/api/v1/bureau/letters/2026-10.interview.{ENYANG}"),
            Some(&deptadmin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let send = format!("{page}/send");
    for _ in 0..2 {
        let (status, to) = post(&app, &supervisor, &page, &send, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    }
    let (_, letter) = app
        .call(
            "GET",
            &format!("/api/v1/bureau/letters/{id}"),
            Some(&deptadmin),
            None,
        )
        .await;
    assert_eq!(letter["status"], "sent");
    assert_eq!(letter["body"], "市市场监管局：请于12月1日到局接受约谈。");
    let (_, notices) = app
        .call("GET", "/api/v1/me/notices", Some(&deptadmin), None)
        .await;
    let about: Vec<&Value> = notices["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["subject"] == "约谈函（2026-10）")
        .collect();
    assert_eq!(about.len(), 1, "sent once, told once: {notices}");
    let (status, body) = app
        .call(
            "PUT",
            &format!("/api/v1/bureau/letters/{id}"),
            Some(&token),
            Some(json!({ "body": "再改" })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let (status, kind, pdf) = bytes(&app, &supervisor, &format!("{page}/letter.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/pdf");
    assert!(pdf.starts_with(b"%PDF"));
}

#[tokio::test]
async fn bulletins_and_the_assessment_download_as_xlsx_and_pdf() {
    let app = spawn_app().await;
    with_three_months(&app).await;
    let supervisor = browser(&app, "supervisor", PASSWORD).await;
    for path in [
        "/bureau/bulletins/month/2026-10/export.xlsx",
        "/bureau/bulletins/quarter/2026-Q3/export.xlsx",
        "/bureau/assessment/export.xlsx?month=2026-10",
    ] {
        let (status, kind, body) = bytes(&app, &supervisor, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(kind.contains("spreadsheetml"), "{path}");
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(body)).unwrap();
        let names = book.sheet_names();
        assert!(names.contains(&"县区排名".to_string()), "{names:?}");
        let range = book.worksheet_range("县区排名").unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(ToString::to_string).collect())
            .collect();
        assert_eq!(rows[0][0], "排名");
        assert_eq!(rows[1][1], "巴州区");
        assert_eq!(rows[2][1], "恩阳区");
    }
    for path in [
        "/bureau/bulletins/week/2026-W42/export.pdf",
        "/bureau/bulletins/month/2026-10/export.pdf",
        "/bureau/assessment/export.pdf?month=2026-10",
    ] {
        let (status, kind, body) = bytes(&app, &supervisor, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(kind, "application/pdf");
        assert!(body.starts_with(b"%PDF"), "{path}");
    }
}

#[tokio::test]
async fn weights_are_checked_and_each_change_is_a_new_version() {
    let app = spawn_app().await;
    with_three_months(&app).await;
    let supervisor = browser(&app, "supervisor", PASSWORD).await;
    let (status, html) = post(
        &app,
        &supervisor,
        "/bureau/weights",
        "/bureau/weights",
        &[("w.good_rate", "十"), ("threshold", "120")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("“好评率”的权重应为 0 至 1000 的整数"));
    assert!(html.contains("达标分数线应在 0.00 至 100.00 之间"));
    let (status, to) = post(
        &app,
        &supervisor,
        "/bureau/weights",
        "/bureau/weights",
        &[
            ("w.on_time_rate", "1"),
            ("w.good_rate", ""),
            ("threshold", "40"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let token = app.token("supervisor", PASSWORD).await;
    let (_, w) = app
        .call("GET", "/api/v1/bureau/weights", Some(&token), None)
        .await;
    assert_eq!(w["current"]["version"], 1);
    assert_eq!(w["current"]["threshold"], "40.00");
    assert_eq!(w["current"]["weights"].as_array().unwrap().len(), 1);
    let (_, a) = app
        .call(
            "GET",
            "/api/v1/bureau/assessment?month=2026-10",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(a["settings_version"], 1);
    assert_eq!(a["counties"][1]["score"], 5000, "按时办结率 50 % alone");
    let (status, _) = app
        .call(
            "PUT",
            "/api/v1/bureau/weights",
            Some(&token),
            Some(json!({ "weights": { "zero_visit_count": 5 }, "threshold": "80" })),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a count cannot be weighted"
    );
}
