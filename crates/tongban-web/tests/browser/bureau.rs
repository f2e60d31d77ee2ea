//! The bureau's 督查驾驶舱 in a browser: a supervisor signs in, opens /bureau and follows the
//! navigation to the monthly assessment; both pages pass the axe-core scan.

use crate::steps::sign_in;
use crate::support::{STAFF_PASSWORD, spawn_app};
use crate::{axe, setup};

#[tokio::test]
async fn a_bureau_supervisor_opens_the_dashboard_and_the_assessment() {
    let Some(setup) = setup("bureau").await else {
        return;
    };
    let axe = setup.axe();
    let app = spawn_app().await;
    let b = setup.browser(1280, 900).await;
    sign_in(&b, &app, "supervisor", STAFF_PASSWORD).await;
    b.goto(&app.url("/bureau")).await;
    b.wait_for_text("督查驾驶舱").await;
    axe::check(&b, axe, "/bureau").await;
    b.click("a[href^=\"/bureau/assessment\"]").await;
    b.wait_for_path("the assessment", |p| p.starts_with("/bureau/assessment"))
        .await;
    axe::check(&b, axe, "/bureau/assessment").await;
}
