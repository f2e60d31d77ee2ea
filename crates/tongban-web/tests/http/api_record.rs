//! The GB/T 39046 record of a case: its applicant and the clerk who accepted it read the four
//! data sets (申请, 受理, 办理, 办结); another citizen is refused; the staff case page shows it
//! in a collapsed section.

use reqwest::StatusCode;
use serde_json::json;

use crate::api_applications::{CLERK, act, submitted_case};
use crate::pages_applications::{browser, get};
use crate::support::{CITIZEN_PW, PASSWORD, spawn_app};

#[tokio::test]
async fn the_record_route_gives_the_applicant_the_four_data_sets_and_refuses_another_citizen() {
    let app = spawn_app().await;
    let citizen = app.token("citizen", CITIZEN_PW).await;
    let (id, revision) = submitted_case(&app, &citizen).await;
    let clerk = app.token(CLERK, PASSWORD).await;
    let (status, _) = act(
        &app,
        &clerk,
        &id,
        json!({ "action": "accept", "revision": revision }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let path = format!("/api/v1/applications/{id}/record");
    let (status, record) = app.call("GET", &path, Some(&citizen), None).await;
    assert_eq!(status, StatusCode::OK, "{record}");
    for set in ["apply", "accept", "handle", "special", "finish"] {
        assert!(record.get(set).is_some(), "{set} in {record}");
    }
    assert!(
        !record["apply"]["implementation_code"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    assert_eq!(record["apply"]["source"], "2", "applied on a computer");
    assert_eq!(record["accept"]["case_type"], "2", "a 承诺件");
    assert_eq!(record["accept"]["promised_by"].as_str().unwrap().len(), 8);
    assert_eq!(record["handle"][0]["action"], "通过");
    assert!(record["finish"].is_null(), "not finished yet");
    let (status, _) = app.call("GET", &path, Some(&clerk), None).await;
    assert_eq!(status, StatusCode::OK, "the clerk in scope reads it");
    let other = app.token("c00001", CITIZEN_PW).await;
    let (status, body) = app.call("GET", &path, Some(&other), None).await;
    assert!(
        matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "another citizen is refused: {status} {body}"
    );
    let staff = browser(&app, CLERK, PASSWORD).await;
    let (status, page) = get(&app, &staff, &format!("/work/applications/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<summary>办件数据（GB/T 39046）</summary>"));
    assert!(page.contains("实施编码"));
}
