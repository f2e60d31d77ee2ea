//! API behaviour, one story per test.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{CITIZEN_PW, PASSWORD, open_app, serve, spawn_app};

#[tokio::test]
async fn a_staff_member_logs_in_sees_who_they_are_and_logs_out() {
    let app = spawn_app().await;
    let token = app.token("clerk", PASSWORD).await;
    let (status, me) = app.call("GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["kind"], "staff");
    assert_eq!(me["role"], "window_clerk");
    assert_eq!(me["unit_kind"], "hall");
    let (status, _) = app
        .call("POST", "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.call("GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_five_failures_lock_the_login_for_fifteen_minutes() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let (status, body) = app
            .call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({ "login": "clerk", "password": "wrong" })),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "bad_credentials");
    }
    let right = json!({ "login": "clerk", "password": PASSWORD });
    let (status, body) = app
        .call("POST", "/api/v1/auth/login", None, Some(right.clone()))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "too_many_attempts");
    app.clock.advance(time::Duration::minutes(16));
    let (status, _) = app
        .call("POST", "/api/v1/auth/login", None, Some(right))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_citizen_can_log_in_with_the_id_number() {
    let app = spawn_app().await;
    let city = tongban_demo::generate(&tongban_demo::DemoConfig {
        seed: 7,
        citizens: 5,
        enterprises: 3,
    });
    let id_number = city.citizens[0].id_number.clone();
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "login": id_number, "password": CITIZEN_PW })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["me"]["kind"], "citizen");
}

#[tokio::test]
async fn sessions_survive_a_server_restart() {
    let app = spawn_app().await;
    let token = app.token("admin", PASSWORD).await;
    let restarted = open_app(&app.url, app.clock.clone()).await;
    let base = serve(restarted).await;
    let res = app
        .client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_due_date_of_twenty_working_days_from_friday_26_september_2025_is_30_october() {
    let app = spawn_app().await;
    let token = app.token("clerk", PASSWORD).await;
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/calendar/due-date",
            Some(&token),
            Some(json!({ "accepted_on": "2025-09-26", "working_days": 20 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["due_on"], "2025-10-30");
    assert!(body["steps"].as_array().unwrap().len() >= 3);
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/calendar/due-date",
            Some(&token),
            Some(json!({ "accepted_on": "2025/09/26", "working_days": 20 })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "accepted_on");
}

#[tokio::test]
async fn a_year_without_a_calendar_is_an_explicit_error() {
    let app = spawn_app().await;
    let token = app.token("clerk", PASSWORD).await;
    let (status, body) = app
        .call("GET", "/api/v1/calendar/2030", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("2030"),
        "{body}"
    );
    let (status, body) = app
        .call("GET", "/api/v1/calendar/2025", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["working_days"], 248);
}

#[tokio::test]
async fn identifiers_are_validated_with_the_reason_in_chinese() {
    let app = spawn_app().await;
    let token = app.token("clerk", PASSWORD).await;
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/validate",
            Some(&token),
            Some(json!({ "kind": "resident-id", "values": ["11010519491231002X", "110105194912310021"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body[0]["ok"], true);
    assert_eq!(body[1]["ok"], false);
    assert!(
        body[1]["reason"].as_str().unwrap().contains("校验码"),
        "{body}"
    );
}

#[tokio::test]
async fn an_admin_edit_is_saved_with_its_event_and_the_chain_stays_intact() {
    let app = spawn_app().await;
    let admin = app.token("admin", PASSWORD).await;
    let edit = json!({
        "name": "巴中市政务服务中心", "address": "巴州区江北大道东段88号", "phone": "0827-5200000",
        "latitude": "31.858", "longitude": "106.747", "opening_hours": "工作日 9:00-17:30"
    });
    let (status, body) = app
        .call("PUT", "/api/v1/halls/hall-511900", Some(&admin), Some(edit))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["latitude_e6"], 31_858_000);
    let head = app.app.store().head_seq().await.unwrap();
    let (_, events) = app
        .call(
            "GET",
            &format!("/api/v1/events?after={}", head - 1),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(events[0]["action"], "hall.updated");
    assert_eq!(events[0]["actor"], "staff-admin");
    assert_eq!(
        events[0]["payload"]["after"]["opening_hours"],
        "工作日 9:00-17:30"
    );
    let (_, verify) = app
        .call("POST", "/api/v1/audit/verify", Some(&admin), None)
        .await;
    assert_eq!(verify["intact"], true);
}

#[tokio::test]
async fn a_bad_edit_is_refused_field_by_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let admin = app.token("admin", PASSWORD).await;
    let head = app.app.store().head_seq().await.unwrap();
    let edit = json!({ "name": "", "address": "x", "phone": "12", "latitude": "north", "longitude": "106.7", "opening_hours": "x" });
    let (status, body) = app
        .call("PUT", "/api/v1/halls/hall-511900", Some(&admin), Some(edit))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "invalid_input");
    let (status, body) = app
        .call(
            "PUT",
            "/api/v1/departments/511900-scjgj",
            Some(&admin),
            Some(json!({ "name": "x", "short_name": "x", "uscc": "91350203M0001QAY9B" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["field"], "uscc");
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("校验"),
        "{body}"
    );
    let (status, body) = app
        .call(
            "PUT",
            "/api/v1/halls/hall-511900",
            Some(&admin),
            Some(json!({ "name": 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_request");
    // Only the login's session event was written.
    assert_eq!(app.app.store().head_seq().await.unwrap(), head);
}

#[tokio::test]
async fn a_staff_read_of_a_citizens_record_is_itself_an_event() {
    let app = spawn_app().await;
    let clerk = app.token("clerk", PASSWORD).await;
    let (status, record) = app
        .call(
            "GET",
            "/api/v1/citizens/citizen-citizen",
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{record}");
    assert_eq!(record["id_number"].as_str().unwrap().len(), 18);
    let head = app.app.store().head_seq().await.unwrap();
    let last = app.app.store().events_after(head - 1, 1).await.unwrap();
    assert_eq!(last[0].action, "personal_record.viewed");
    assert_eq!(last[0].actor, "staff-clerk");
    assert_eq!(last[0].entity_id, "citizen-citizen");
    assert!(
        !last[0]
            .payload
            .contains(record["id_number"].as_str().unwrap())
    );
}

#[tokio::test]
async fn the_division_tree_is_browsable_from_the_top() {
    let app = spawn_app().await;
    let token = app.token("citizen", CITIZEN_PW).await;
    let (_, top) = app
        .call("GET", "/api/v1/divisions", Some(&token), None)
        .await;
    assert_eq!(top[0]["name"], "四川省");
    let (status, page) = app
        .call("GET", "/api/v1/divisions/511900000000", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["children"].as_array().unwrap().len(), 5);
    assert_eq!(page["departments"].as_array().unwrap().len(), 45);
    let (_, halls) = app
        .call(
            "GET",
            "/api/v1/halls?division=511902000000&kind=township_center&per_page=200",
            Some(&token),
            None,
        )
        .await;
    assert!(halls.as_array().unwrap().len() > 20);
}
