//! Web security over HTTP: CSRF on page forms, session fixation, login throttling (per account
//! whatever name is typed, per client address, and under parallel guessing), and oversized
//! bodies and uploads refused with 413 before anything is written.

use std::net::SocketAddr;

use reqwest::{Client, StatusCode, header};
use serde_json::{Value, json};

use crate::support::{CITIZEN_PW, PASSWORD, TestApp, client, spawn_app};

/// Serves the same app again with other web options (small body limits, or client addresses
/// taken from `X-Forwarded-For` so one test can speak from several addresses).
async fn serve_with(app: &TestApp, options: tongban_web::WebOptions) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = tongban_web::router(app.app.clone(), options);
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

fn session_cookie_of(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("tb_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

/// Signs in through the login form of `base` with `browser` and returns the session cookie.
async fn form_login(browser: &Client, base: &str, login: &str, password: &str) -> String {
    let csrf = csrf_at(browser, &format!("{base}/login?as=staff")).await;
    let res = browser
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", login),
            ("password", password),
            ("as", "staff"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login {login}");
    session_cookie_of(&res).expect("a session cookie is set at login")
}

async fn csrf_at(browser: &Client, url: &str) -> String {
    let html = browser.get(url).send().await.unwrap().text().await.unwrap();
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("the page has a form") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// The account the API thinks the bearer of `token` is (`None` when the token is not a live session).
async fn whoami(app: &TestApp, token: &str) -> Option<String> {
    let (status, body) = app.call("GET", "/api/v1/me", Some(token), None).await;
    (status == StatusCode::OK).then(|| body["account_id"].as_str().unwrap_or_default().to_string())
}

async fn hall_name(app: &TestApp) -> String {
    let (_, hall) = app
        .call(
            "GET",
            "/api/v1/halls/hall-511900",
            Some(&admin(app).await),
            None,
        )
        .await;
    hall["name"].as_str().unwrap().to_string()
}

async fn admin(app: &TestApp) -> String {
    app.token("admin", PASSWORD).await
}

fn hall_form(csrf: Option<&str>) -> Vec<(&str, &str)> {
    let mut form = vec![
        ("name", "被篡改的大厅"),
        ("address", "巴州区江北大道东段88号"),
        ("phone", "0827-5200000"),
        ("latitude", "31.858"),
        ("longitude", "106.747"),
        ("opening_hours", "工作日 9:00-17:30"),
    ];
    if let Some(csrf) = csrf {
        form.push(("csrf", csrf));
    }
    form
}

#[tokio::test]
async fn a_page_form_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let before = hall_name(&app).await;
    let head = app.app.store().head_seq().await.unwrap();
    form_login(&app.client, &app.base, "admin", PASSWORD).await;
    // Another visitor's token is as wrong as a made-up one.
    let stranger = client();
    let foreign = csrf_at(&stranger, &app.url("/login")).await;
    for csrf in [None, Some("forged"), Some(foreign.as_str()), Some("")] {
        let res = app
            .client
            .post(app.url("/admin/halls/hall-511900/edit"))
            .form(&hall_form(csrf))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "csrf {csrf:?}");
        assert!(res.text().await.unwrap().contains("页面已过期或来源不明"));
    }
    assert_eq!(hall_name(&app).await, before, "the hall is unchanged");
    let events = app.app.store().head_seq().await.unwrap() - head;
    // Only the admin's two logins wrote events (the form login and the API token), no edit.
    assert_eq!(events, 2, "session.opened ×2, nothing else");
    // The right token is accepted: the refusals above were about the token only.
    let csrf = csrf_at(&app.client, &app.url("/admin/halls/hall-511900/edit")).await;
    let res = app
        .client
        .post(app.url("/admin/halls/hall-511900/edit"))
        .form(&hall_form(Some(&csrf)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(hall_name(&app).await, "被篡改的大厅");
}

#[tokio::test]
async fn a_session_cookie_planted_before_login_is_not_honoured_after_it() {
    let app = spawn_app().await;
    // An attacker plants a cookie value of their choosing, then their own live session.
    let attacker_token = app.token("c00001", CITIZEN_PW).await;
    let attacker = whoami(&app, &attacker_token).await.unwrap();
    for planted in ["attacker-chosen-value", attacker_token.as_str()] {
        // The victim's browser sends the planted cookie on every request.
        let victim = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut cookie = format!("tb_session={planted}");
        let res = victim
            .get(app.url("/login?as=staff"))
            .header(header::COOKIE, &cookie)
            .send()
            .await
            .unwrap();
        // Keep the anonymous visitor's cookie, as a browser would.
        if let Some(anon) = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("tb_anon="))
        {
            cookie = format!("{cookie}; {}", anon.split(';').next().unwrap());
        }
        let html = res.text().await.unwrap();
        let marker = "name=\"csrf\" value=\"";
        let start = html.find(marker).unwrap() + marker.len();
        let csrf = html[start..].split('"').next().unwrap().to_string();
        let res = victim
            .post(app.url("/login"))
            .header(header::COOKIE, &cookie)
            .form(&[
                ("csrf", csrf.as_str()),
                ("login", "clerk"),
                ("password", PASSWORD),
                ("as", "staff"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let issued = session_cookie_of(&res).expect("login sets a fresh session cookie");
        assert_ne!(issued, planted, "the session id changes at login");
        assert_eq!(whoami(&app, &issued).await.as_deref(), Some("staff-clerk"));
        assert_ne!(
            whoami(&app, planted).await.as_deref(),
            Some("staff-clerk"),
            "the planted value never becomes the victim's session"
        );
    }
    // The attacker's session is still only the attacker's.
    assert_eq!(whoami(&app, &attacker_token).await, Some(attacker));
}

#[tokio::test]
async fn logging_in_again_issues_a_new_session_id_and_logging_out_ends_it() {
    let app = spawn_app().await;
    let first = form_login(&app.client, &app.base, "clerk", PASSWORD).await;
    let second = form_login(&app.client, &app.base, "clerk", PASSWORD).await;
    assert_ne!(first, second);
    let csrf = csrf_at(&app.client, &app.url("/work")).await;
    let res = app
        .client
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(whoami(&app, &second).await, None, "logout ends the session");
    // The same cookie replayed on a page is an anonymous visitor.
    let res = client()
        .get(app.url("/work"))
        .header(header::COOKIE, format!("tb_session={second}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
}

async fn api_login(client: &Client, base: &str, from: &str, login: &str, pw: &str) -> StatusCode {
    client
        .post(format!("{base}/api/v1/auth/login"))
        .header("x-forwarded-for", from)
        .json(&json!({ "login": login, "password": pw }))
        .send()
        .await
        .unwrap()
        .status()
}

fn forwarded_options() -> tongban_web::WebOptions {
    tongban_web::WebOptions {
        trust_forwarded_for: true,
        ..Default::default()
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_from_every_address_and_by_every_name() {
    let app = spawn_app().await;
    let base = serve_with(&app, forwarded_options()).await;
    let city = tongban_demo::generate(&tongban_demo::DemoConfig {
        seed: 7,
        citizens: 5,
        enterprises: 3,
    });
    let citizen = &city.citizens[0];
    assert_eq!(citizen.login, "citizen");
    // Alternate the login name and the ID number, and a new address for every guess.
    for n in 0..5 {
        let name = if n % 2 == 0 {
            "citizen"
        } else {
            citizen.id_number.as_str()
        };
        let from = format!("10.0.0.{n}");
        let status = api_login(&app.client, &base, &from, name, "wrong-password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {n}");
    }
    for name in ["citizen", citizen.id_number.as_str()] {
        let status = api_login(&app.client, &base, "10.9.9.9", name, CITIZEN_PW).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "locked as {name}");
    }
    // The page says so too, with the same status.
    let csrf = app.csrf_of("/login").await;
    let res = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", "citizen"),
            ("password", CITIZEN_PW),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // After the lock window (15 minutes) the right password works again.
    app.clock.advance(time::Duration::minutes(16));
    let status = api_login(&app.client, &base, "10.9.9.9", "citizen", CITIZEN_PW).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn one_address_spraying_many_accounts_is_locked_even_after_its_own_good_login() {
    let app = spawn_app().await;
    let base = serve_with(&app, forwarded_options()).await;
    let sprayer = "192.0.2.7";
    // 4 × 5 = 20 failures allowed per address; 4 per account keeps each account unlocked.
    let accounts = ["clerk", "approver", "admin", "supervisor", "c00001"];
    let mut guesses = 0;
    for round in 0..4 {
        for account in accounts {
            let status = api_login(&app.client, &base, sprayer, account, "guess").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{account} round {round}");
            guesses += 1;
            if guesses == 10 {
                // The sprayer's own good login must not wipe its record of failures.
                let own = api_login(&app.client, &base, sprayer, "c00002", CITIZEN_PW).await;
                assert_eq!(own, StatusCode::OK);
            }
        }
    }
    let status = api_login(&app.client, &base, sprayer, "c00003", CITIZEN_PW).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the address is locked"
    );
    // Every account guessed at is still open from another address.
    let status = api_login(&app.client, &base, "198.51.100.1", "clerk", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn parallel_guesses_get_no_more_tries_than_sequential_ones() {
    let app = spawn_app().await;
    let base = serve_with(&app, forwarded_options()).await;
    let mut tasks = Vec::new();
    for n in 0..16 {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            api_login(&client(), &base, &format!("10.1.0.{n}"), "clerk", "guess").await
        }));
    }
    let mut tried = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::UNAUTHORIZED => tried += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(tried, 5, "exactly five passwords were checked");
    let status = api_login(&app.client, &base, "10.2.0.1", "clerk", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

fn small_limits() -> tongban_web::WebOptions {
    tongban_web::WebOptions {
        max_body_bytes: 64 * 1024,
        max_upload_bytes: 256 * 1024,
        ..Default::default()
    }
}

#[tokio::test]
async fn an_oversized_json_body_gets_413_with_a_json_error_code_and_nothing_is_written() {
    let app = spawn_app().await;
    let base = serve_with(&app, small_limits()).await;
    let admin = admin(&app).await;
    let before = hall_name(&app).await;
    let head = app.app.store().head_seq().await.unwrap();
    let edit = json!({
        "name": "x".repeat(100 * 1024), "address": "x", "phone": "0827-5200000",
        "latitude": "31.858", "longitude": "106.747", "opening_hours": "x"
    });
    for (method, path, body) in [
        ("PUT", "/api/v1/halls/hall-511900", edit),
        (
            "POST",
            "/api/v1/auth/login",
            json!({ "login": "x".repeat(100 * 1024), "password": "x" }),
        ),
    ] {
        let res = app
            .client
            .request(method.parse().unwrap(), format!("{base}{path}"))
            .bearer_auth(&admin)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "payload_too_large", "{path}");
    }
    assert_eq!(app.app.store().head_seq().await.unwrap(), head);
    assert_eq!(hall_name(&app).await, before);
}

#[tokio::test]
async fn an_oversized_page_form_or_upload_gets_a_chinese_413_page_and_nothing_is_written() {
    let app = spawn_app().await;
    let base = serve_with(&app, small_limits()).await;
    let browser = client();
    form_login(&browser, &base, "admin", PASSWORD).await;
    let head = app.app.store().head_seq().await.unwrap();
    let csrf = csrf_at(&browser, &format!("{base}/admin/lists/import")).await;
    let boundary = "tongbanSecurityBoundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"list\"\r\n\r\npower\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend(std::iter::repeat_n(b'a', 512 * 1024));
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let res = browser
        .post(format!("{base}/admin/lists/import"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("超过了允许的大小"));
    let long = "x".repeat(100 * 1024);
    let mut form = hall_form(Some(&csrf));
    form[0] = ("name", long.as_str());
    let res = browser
        .post(format!("{base}/admin/halls/hall-511900/edit"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("超过了允许的大小"));
    assert_eq!(app.app.store().head_seq().await.unwrap(), head);
}

#[tokio::test]
async fn a_framework_rejection_comes_back_as_the_api_error_format() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let res = app
        .client
        .put(app.url("/api/v1/halls/hall-511900"))
        .bearer_auth(&admin)
        .header(header::CONTENT_TYPE, "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16() / 100, 4);
    let body: Value = res.json().await.unwrap();
    assert!(body["error"]["code"].is_string(), "{body}");
    let res = app
        .client
        .delete(app.url("/api/v1/halls/hall-511900"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn paging_at_the_edges_of_the_integers_answers_instead_of_dropping_the_connection() {
    // Found by schemathesis: the hall finder multiplied page by per_page without saturating.
    let app = spawn_app().await;
    let token = app.token("admin", PASSWORD).await;
    let (status, body) = app
        .call(
            "GET",
            "/api/v1/halls?division=&kind=&q=&page=9223372036854775806&per_page=-9223372036854775808",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
